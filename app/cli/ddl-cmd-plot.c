/* ddl plot SCORES.csv --labels FILE|DATASET -o OUT.{png,svg,pdf}: one video's score
 * timeline (every model column, ground truth shaded) or, with --roc, the ROC curves of
 * all frames pooled, through ddl-plot.h. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddl-cli.h"
#include "ddl-labels.h"
#include "ddl-metrics.h"
#include "ddl-plot.h"
#include "ddl-scores.h"

static gboolean
parse_size (const char *text, int *width, int *height, GError **error)
{
  char *end = NULL;
  long w, h;

  w = strtol (text, &end, 10);
  if (end == text || (*end != 'x' && *end != 'X'))
    goto bad;
  text = end + 1;
  h = strtol (text, &end, 10);
  if (end == text || *end != '\0' || w <= 0 || h <= 0 || w > G_MAXINT || h > G_MAXINT)
    goto bad;
  *width = w;
  *height = h;
  return TRUE;
bad:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "--size must be WIDTHxHEIGHT (e.g. 1000x300)");
  return FALSE;
}

/* The score columns to draw: `name` only, or all. */
static GArray *
select_columns (DdlScores *scores, const char *scores_path, const char *name, GError **error)
{
  GArray *columns = g_array_new (FALSE, FALSE, sizeof (guint));

  if (name != NULL)
    {
      int c = ddl_scores_find_column (scores, name);
      if (c < 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "%s has no score column '%s'", scores_path, name);
          g_array_unref (columns);
          return NULL;
        }
      g_array_append_val (columns, c);
    }
  else
    for (guint c = 0; c < ddl_scores_get_n_columns (scores); c++)
      g_array_append_val (columns, c);
  return columns;
}

static DdlScoreVideo *
find_video (DdlScores *scores, const char *scores_path, const char *name, GError **error)
{
  if (scores->videos->len == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s has no scores",
                   scores_path);
      return NULL;
    }
  if (name == NULL)
    return g_ptr_array_index (scores->videos, 0);
  for (guint v = 0; v < scores->videos->len; v++)
    {
      DdlScoreVideo *video = g_ptr_array_index (scores->videos, v);
      if (ddl_labels_names_match (video->name, name))
        return video;
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "%s has no video '%s'", scores_path, name);
  return NULL;
}

static gboolean
plot_timeline (DdlScores *scores, const char *scores_path, DdlLabelsSource *source,
               GArray *columns, const char *video_name, double threshold, int width,
               int height, const char *out, GError **error)
{
  DdlScoreVideo *video = find_video (scores, scores_path, video_name, error);
  DdlLabelVideo *truth = NULL;
  g_autofree double *values = NULL;
  g_autofree const char **names = NULL;
  g_autofree char *title = NULL;
  DdlPlotTimeline spec;
  guint n;

  if (video == NULL)
    return FALSE;
  n = video->n > 0 ? video->frames[video->n - 1] + 1 : 0;
  if (source != NULL)
    {
      truth = ddl_labels_lookup (source->labels, video->name);
      if (truth == NULL)
        {
          g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH,
                       "%s has no labels for video '%s'%s", source->label_path, video->name,
                       ddl_labels_is_unsplit (source->labels)
                       ? " (its labels are one concatenated run: give --dataset to split them)"
                       : "");
          return FALSE;
        }
      if (n > truth->n_frames)
        {
          g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH,
                       "%s scores frame %u of video '%s', but %s labels only %u frames",
                       scores_path, n - 1, video->name, source->label_path, truth->n_frames);
          return FALSE;
        }
      n = truth->n_frames;
    }
  if (n == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "video '%s' has no scored frames", video->name);
      return FALSE;
    }

  /* a dense n_models x n_frames matrix, NAN where a frame has no score */
  values = g_new (double, (gsize) columns->len * n);
  names = g_new0 (const char *, columns->len);
  for (gsize i = 0; i < (gsize) columns->len * n; i++)
    values[i] = NAN;
  for (guint m = 0; m < columns->len; m++)
    {
      guint c = g_array_index (columns, guint, m);
      const double *column = ddl_score_video_get_column (video, c);
      names[m] = g_ptr_array_index (scores->columns, c);
      for (guint i = 0; i < video->n; i++)
        values[(gsize) m * n + video->frames[i]] = column[i];
    }

  ddl_plot_timeline_init (&spec);
  title = g_strdup_printf ("video %s", video->name);
  spec.title = title;
  spec.n_frames = n;
  spec.n_models = columns->len;
  spec.model_names = names;
  spec.scores = values;
  spec.labels = truth != NULL ? truth->labels : NULL;
  spec.threshold = threshold;
  spec.width = width;
  spec.height = height;
  return ddl_plot_timeline (&spec, out, error);
}

static gboolean
plot_roc (DdlScores *scores, const char *scores_path, DdlLabelsSource *source,
          GArray *columns, int width, int height, const char *out, GError **error)
{
  g_autofree DdlEvalResult **results = g_new0 (DdlEvalResult *, columns->len);
  g_autofree DdlPlotRocCurve *curves = g_new0 (DdlPlotRocCurve, columns->len);
  g_autofree char *base = g_path_get_basename (scores_path);
  g_autofree char *title = NULL;
  DdlEvalOptions options;
  DdlPlotRoc spec;
  gboolean ok = TRUE;

  ddl_eval_options_init (&options);
  for (guint m = 0; m < columns->len && ok; m++)
    {
      options.column = g_array_index (columns, guint, m);
      results[m] = ddl_eval_run (scores, source->labels, &options, error);
      if (results[m] == NULL)
        ok = FALSE;
      else if (isnan (results[m]->micro.auc))
        {
          g_set_error (error, DDL_METRICS_ERROR, DDL_METRICS_ERROR_EMPTY,
                       "no ROC for %s: its scored frames are all %s", scores_path,
                       results[m]->n_anomalous > 0 ? "anomalous" : "normal");
          ok = FALSE;
        }
      else
        {
          curves[m].name = g_ptr_array_index (scores->columns, options.column);
          curves[m].points = results[m]->micro.roc;
          curves[m].n_points = results[m]->micro.n_roc;
          curves[m].auc = results[m]->micro.auc;
        }
    }
  if (ok)
    {
      ddl_plot_roc_init (&spec);
      title = g_strdup_printf ("ROC of %s, %" G_GSIZE_FORMAT " frames", base,
                               results[0]->n_frames);
      spec.title = title;
      spec.curves = curves;
      spec.n_curves = columns->len;
      spec.width = width;
      spec.height = height;
      ok = ddl_plot_roc (&spec, out, error);
    }
  for (guint m = 0; m < columns->len; m++)
    if (results[m] != NULL)
      ddl_eval_result_free (results[m]);
  return ok;
}

int
ddl_cmd_plot (int argc, char **argv)
{
  g_autofree char *labels_path = NULL, *dataset = NULL, *out = NULL, *video = NULL;
  g_autofree char *column = NULL, *size = NULL, *threshold_text = NULL;
  gboolean roc = FALSE;
  GOptionEntry entries[] = {
    { "labels", 'l', 0, G_OPTION_ARG_FILENAME, &labels_path,
      "Ground truth: a label file or folder, or a dataset (needed with --roc)",
      "FILE|DATASET" },
    { "dataset", 'd', 0, G_OPTION_ARG_FILENAME, &dataset,
      "Dataset whose test videos split interval or concatenated labels", "PATH" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      "The plot; the extension picks the format", "OUT.png|OUT.svg|OUT.pdf" },
    { "video", 'v', 0, G_OPTION_ARG_STRING, &video,
      "The video to draw (default: the first in the scores)", "NAME" },
    { "roc", 0, 0, G_OPTION_ARG_NONE, &roc,
      "Draw the ROC curves of all frames pooled instead of a timeline", NULL },
    { "threshold", 't', 0, G_OPTION_ARG_STRING, &threshold_text,
      "Draw a threshold line on the timeline", "T" },
    { "column", 'c', 0, G_OPTION_ARG_STRING, &column,
      "Score column to draw (default: every column)", "NAME" },
    { "size", 's', 0, G_OPTION_ARG_STRING, &size,
      "Pixels (PNG) or points (SVG, PDF); default 1000x300, 500x500 with --roc", "WxH" },
    { NULL }
  };
  g_autoptr(DdlScores) scores = NULL;
  g_autoptr(DdlLabelsSource) source = NULL;
  g_autoptr(GArray) columns = NULL;
  g_autoptr(GError) error = NULL;
  double threshold = NAN;
  int width = 0, height = 0;
  gboolean ok;

  if (!ddl_cli_parse ("plot", "SCORES.csv --labels FILE|DATASET -o OUT.{png,svg,pdf}",
                      "Draws one video's per-frame scores (one curve per model column, "
                      "ground-truth anomalies shaded, gaps where frames have no score) or, "
                      "with --roc, the ROC curve of every model with its AUC, as a PNG, SVG "
                      "or PDF file.", entries, &argc, &argv))
    return 1;
  if (argc != 2 || out == NULL)
    {
      fprintf (stderr, "ddl plot: expected SCORES.csv and -o OUT.png|svg|pdf\n"
                       "Run 'ddl plot --help' for usage.\n");
      return 1;
    }
  if (roc && labels_path == NULL)
    {
      fprintf (stderr, "ddl plot: --roc needs the ground truth (--labels FILE|DATASET)\n");
      return 1;
    }
  if (roc && (threshold_text != NULL || video != NULL))
    {
      fprintf (stderr, "ddl plot: --roc pools every video; --video and --threshold are for "
                       "timelines\n");
      return 1;
    }
  if (threshold_text != NULL)
    {
      char *end = NULL;
      threshold = g_ascii_strtod (threshold_text, &end);
      if (end == threshold_text || *end != '\0' || !isfinite (threshold))
        {
          fprintf (stderr, "ddl plot: --threshold must be a number, not '%s'\n",
                   threshold_text);
          return 1;
        }
    }
  if (size != NULL && !parse_size (size, &width, &height, &error))
    return ddl_cli_fail ("plot", error);

  scores = ddl_scores_load_csv (argv[1], &error);
  if (scores == NULL)
    return ddl_cli_fail ("plot", error);
  columns = select_columns (scores, argv[1], column, &error);
  if (columns == NULL)
    return ddl_cli_fail ("plot", error);
  if (labels_path != NULL)
    {
      source = ddl_labels_source_open (labels_path, dataset, &error);
      if (source == NULL)
        return ddl_cli_fail ("plot", error);
    }

  if (roc)
    ok = plot_roc (scores, argv[1], source, columns, width, height, out, &error);
  else
    ok = plot_timeline (scores, argv[1], source, columns, video, threshold, width, height,
                        out, &error);
  if (!ok)
    return ddl_cli_fail ("plot", error);
  fprintf (stderr, "ddl plot: wrote %s\n", out);
  return 0;
}
