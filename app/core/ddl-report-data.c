/* ddl-report-data.c: everything a report says, worked out once before any file is
 * written — each model's metrics, the footage's facts, the AUC differences and
 * disagreements of every model pair, and the end-to-end timeline curves. */
#include "ddl-report-private.h"

#include <math.h>
#include <string.h>

#include "ddl-dataset.h"
#include "ddl-score-curve.h"

const char * const ddl_report_plot_formats[3] = { "png", "svg", "pdf" };

void
ddl_report_init (DdlReport *report)
{
  memset (report, 0, sizeof *report);
  ddl_eval_options_init (&report->eval);
}

void
ddl_report_data_free (DdlReportData *data)
{
  if (data == NULL)
    return;
  for (guint m = 0; data->models != NULL && m < data->report->n_models; m++)
    {
      g_free (data->models[m].stem);
      g_free (data->models[m].scores_file);
      if (data->models[m].eval != NULL)
        ddl_eval_result_free (data->models[m].eval);
    }
  for (guint p = 0; p < data->n_pairs; p++)
    ddl_disagreements_free (data->pairs[p].list);
  g_free (data->models);
  g_free (data->pairs);
  g_free (data->title);
  g_free (data->created);
  g_free (data->footage_fingerprint);
  g_free (data->video_start);
  g_free (data->curves);
  g_free (data->truth);
  g_free (data);
}

/* Letters, digits, '.', '-' and '_' pass; anything else (a '/', a space, '<') becomes
 * '_', so a model name can never leave the folder or need quoting in a link. */
static char *
make_stem (const char *name)
{
  char *stem = g_strdup (name);
  for (char *c = stem; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '.' && *c != '-' && *c != '_')
      *c = '_';
  if (stem[0] == '.')
    stem[0] = '_';   /* no hidden files */
  return stem;
}

static gboolean
check_models (const DdlReport *report, DdlReportData *data, GError **error)
{
  DdlScores *scores = report->scores;

  for (guint m = 0; m < report->n_models; m++)
    {
      const char *name = report->models[m].name;
      DdlReportEntry *e = &data->models[m];
      int column;

      if (name == NULL || name[0] == '\0' || strpbrk (name, ",\"\r\n") != NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "model name '%s' cannot be a score column (empty, or has a comma, "
                       "quote or line break)", name != NULL ? name : "(null)");
          return FALSE;
        }
      /* scores.json keys a video's entry by these beside the model names */
      if (strcmp (name, "video") == 0 || strcmp (name, "frame") == 0
          || strcmp (name, "frames") == 0 || strcmp (name, "labels") == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "model name '%s' is reserved (video, frame, frames and labels are "
                       "column names of the report's files)", name);
          return FALSE;
        }
      column = ddl_scores_find_column (scores, name);
      if (column < 0)
        {
          g_autoptr(GString) have = g_string_new (NULL);
          for (guint c = 0; c < scores->columns->len; c++)
            g_string_append_printf (have, "%s%s", c ? ", " : "",
                                    (const char *) g_ptr_array_index (scores->columns, c));
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "model '%s' is not a score column (the scores have: %s)", name,
                       have->str);
          return FALSE;
        }
      e->info = &report->models[m];
      e->column = column;
      e->stem = make_stem (name);
      e->scores_file = g_strdup_printf ("scores-%s.csv", e->stem);
      for (guint k = 0; k < m; k++)
        if (strcmp (report->models[k].name, name) == 0 || strcmp (data->models[k].stem, e->stem) == 0)
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "models '%s' and '%s' would share the file %s", report->models[k].name,
                         name, e->scores_file);
            return FALSE;
          }
    }
  return TRUE;
}

static char *
default_title (const DdlReport *report)
{
  GString *title = g_string_new (NULL);

  for (guint m = 0; m < report->n_models; m++)
    {
      if (m > 0)
        g_string_append (title, report->n_models == 2 ? " versus "
                                : m + 1 == report->n_models ? " and " : ", ");
      g_string_append (title, report->models[m].name);
    }
  return g_string_free (title, FALSE);
}

/* The footage's test-split fingerprint when it is something ddl-dataset.h opens; a
 * footage that does not open is described by its path alone. */
static char *
footage_fingerprint (const DdlReport *report)
{
  g_autoptr(DdlDataset) dataset = NULL;

  if (report->footage_fingerprint != NULL)
    return g_strdup (report->footage_fingerprint);
  if (report->footage == NULL || !g_file_test (report->footage, G_FILE_TEST_EXISTS))
    return NULL;
  dataset = ddl_dataset_open (report->footage, NULL);
  if (dataset == NULL || ddl_dataset_get_videos (dataset, DDL_SPLIT_TEST)->len == 0)
    return NULL;
  return ddl_dataset_fingerprint (dataset, DDL_SPLIT_TEST);
}

/* A video's frame count on the timeline: its labels' when it has them, else up to its
 * last scored frame. */
static guint
video_length (const DdlScoreVideo *video, DdlLabelVideo *truth)
{
  if (truth != NULL)
    return truth->n_frames;
  return video->n > 0 ? video->frames[video->n - 1] + 1 : 0;
}

/* One column of a video as a dense curve of n frames, post-processed as the protocol
 * says, then min-max normalised per video whatever the protocol says, so that two
 * models' curves compare. */
static void
fill_curve (double *curve, const DdlScoreVideo *video, guint column, guint n,
            const DdlEvalOptions *protocol)
{
  DdlEvalOptions options = *protocol;
  g_autofree double *dense = NULL;

  options.normalize = DDL_NORMALIZE_PER_VIDEO;
  dense = ddl_score_curve_new (video, column, n, &options);
  memcpy (curve, dense, n * sizeof (double));
}

static void
build_timeline (const DdlReport *report, DdlReportData *data)
{
  DdlScores *scores = report->scores;
  guint n_models = report->n_models;

  data->video_start = g_new0 (guint, data->n_videos + 1);
  for (guint v = 0; v < data->n_videos; v++)
    {
      DdlScoreVideo *video = g_ptr_array_index (scores->videos, v);
      DdlLabelVideo *truth = report->labels ? ddl_labels_lookup (report->labels, video->name)
                                            : NULL;
      data->video_start[v + 1] = data->video_start[v] + video_length (video, truth);
    }
  data->n_timeline = data->video_start[data->n_videos];
  data->curves = g_new (double, MAX ((gsize) n_models * data->n_timeline, 1));
  if (report->labels != NULL)
    data->truth = g_new0 (guint8, MAX (data->n_timeline, 1));

  for (guint v = 0; v < data->n_videos; v++)
    {
      DdlScoreVideo *video = g_ptr_array_index (scores->videos, v);
      guint start = data->video_start[v], n = data->video_start[v + 1] - start;
      for (guint m = 0; m < n_models; m++)
        fill_curve (data->curves + (gsize) m * data->n_timeline + start, video,
                    data->models[m].column, n, &report->eval);
      DdlLabelVideo *truth = report->labels ? ddl_labels_lookup (report->labels, video->name)
                                            : NULL;
      if (truth != NULL)
        memcpy (data->truth + start, truth->labels, n);
    }
}

/* Frames any model scored (and that are labelled, with labels), and how many of
 * them are anomalous. */
static void
count_frames (const DdlReport *report, DdlReportData *data)
{
  DdlScores *scores = report->scores;

  data->n_anomalous = report->labels != NULL ? 0 : -1;
  for (guint v = 0; v < data->n_videos; v++)
    {
      DdlScoreVideo *video = g_ptr_array_index (scores->videos, v);
      DdlLabelVideo *truth = report->labels ? ddl_labels_lookup (report->labels, video->name)
                                            : NULL;
      for (guint i = 0; i < video->n; i++)
        {
          gboolean scored = FALSE;
          for (guint m = 0; m < report->n_models && !scored; m++)
            scored = !isnan (ddl_score_video_get_column (video, data->models[m].column)[i]);
          if (!scored || (report->labels != NULL
                          && (truth == NULL || video->frames[i] >= truth->n_frames)))
            continue;
          data->n_frames++;
          if (truth != NULL)
            data->n_anomalous += truth->labels[video->frames[i]] != 0;
        }
    }
}

static double
difference (double a, double b)
{
  return isnan (a) || isnan (b) ? NAN : a - b;
}

static void
compare_models (const DdlReport *report, DdlReportData *data)
{
  guint n_models = report->n_models;
  guint max_results = report->n_disagreements ? report->n_disagreements
                                              : DDL_REPORT_DEFAULT_DISAGREEMENTS;

  data->pairs = g_new0 (DdlReportPair, MAX (n_models * (n_models - 1) / 2, 1));
  for (guint a = 1; a < n_models; a++)
    for (guint b = 0; b < a; b++)
      {
        DdlReportPair *pair = &data->pairs[data->n_pairs++];
        const DdlEvalResult *ea = data->models[a].eval, *eb = data->models[b].eval;

        pair->a = a;
        pair->b = b;
        pair->micro = ea && eb ? difference (ea->micro.auc, eb->micro.auc) : NAN;
        pair->macro = ea && eb ? difference (ea->macro_auc, eb->macro_auc) : NAN;
        pair->list = ddl_disagreements_new (max_results, DDL_REPORT_DISAGREEMENT_SPACING);
        for (guint v = 0; v < data->n_videos; v++)
          {
            guint start = data->video_start[v];
            ddl_disagreements_add_video (pair->list, v,
                                         data->curves + (gsize) a * data->n_timeline + start,
                                         data->curves + (gsize) b * data->n_timeline + start,
                                         data->video_start[v + 1] - start);
          }
      }
}

DdlReportData *
ddl_report_data_new (const DdlReport *report, GError **error)
{
  g_autoptr(DdlReportData) data = g_new0 (DdlReportData, 1);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (report == NULL || report->scores == NULL || report->models == NULL
      || report->n_models == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "a report needs scores and at least one model");
      return NULL;
    }
  data->report = report;
  data->models = g_new0 (DdlReportEntry, report->n_models);
  if (!check_models (report, data, error))
    return NULL;
  data->n_videos = report->scores->videos->len;

  if (report->labels != NULL)
    for (guint m = 0; m < report->n_models; m++)
      {
        DdlEvalOptions options = report->eval;
        options.column = data->models[m].column;
        data->models[m].eval = ddl_eval_run (report->scores, report->labels, &options, error);
        if (data->models[m].eval == NULL)
          {
            g_prefix_error (error, "model '%s': ", report->models[m].name);
            return NULL;
          }
        if (!isnan (data->models[m].eval->micro.auc))
          data->has_roc = TRUE;
      }

  count_frames (report, data);
  if (data->n_frames == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "nothing to report: no frame has a score%s",
                   report->labels != NULL ? " and a label" : "");
      return NULL;
    }
  build_timeline (report, data);
  compare_models (report, data);
  data->title = report->title != NULL ? g_strdup (report->title) : default_title (report);
  data->created = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  data->footage_fingerprint = footage_fingerprint (report);
  return g_steal_pointer (&data);
}

char *
ddl_report_path_in (const char *path, const char *dir)
{
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *folder = NULL;
  gsize n;

  if (dir == NULL)
    return g_steal_pointer (&absolute);
  folder = g_canonicalize_filename (dir, NULL);
  n = strlen (folder);
  if (n == 1)   /* "/" */
    n = 0;
  if (strncmp (absolute, folder, n) == 0 && absolute[n] == G_DIR_SEPARATOR
      && absolute[n + 1] != '\0')
    return g_strdup (absolute + n + 1);
  return g_steal_pointer (&absolute);
}

gboolean
ddl_report_write_text (const char *path, const char *text, GError **error)
{
  g_autoptr(GError) local = NULL;

  if (!g_file_set_contents (path, text, -1, &local))
    {
      g_set_error (error, local->domain, local->code, "cannot write %s: %s", path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}
