/* ddl render FOOTAGE --scores SCORES.csv -o OUT.mp4: one test video rendered for
 * showing — the footage beside each model's reconstruction and error map, the score
 * curves underneath with a moving playhead (ddl-render.h). Every score column is a
 * model; its maps come from --maps NAME=DIR or, when that is not given, from the
 * maps/NAME/ folder beside the scores (the report folder's layout). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ddl-cli.h"
#include "ddl-labels.h"
#include "ddl-metrics.h"
#include "ddl-render.h"
#include "ddl-score-curve.h"
#include "ddl-scores.h"

typedef struct {
  gboolean tty;
  guint    last_quarter;
} Progress;

static gboolean
report (guint done, guint total, gpointer user_data)
{
  Progress *p = user_data;
  guint quarter = done * 4 / MAX (total, 1);

  if (p->tty)
    fprintf (stderr, "\rrendered %u/%u frames", done, total);
  else if (quarter > p->last_quarter)
    fprintf (stderr, "rendered %u/%u frames\n", done, total);
  p->last_quarter = quarter;
  return TRUE;
}

/* The video to render: the one named, else the one with the most anomalous frames,
 * else the first. */
static DdlScoreVideo *
choose_video (DdlScores *scores, const char *scores_path, DdlLabels *labels, const char *name,
              GError **error)
{
  DdlScoreVideo *best = NULL;
  guint most = 0;

  if (scores->videos->len == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s has no scores",
                   scores_path);
      return NULL;
    }
  for (guint v = 0; v < scores->videos->len; v++)
    {
      DdlScoreVideo *video = g_ptr_array_index (scores->videos, v);
      DdlLabelVideo *truth = labels != NULL ? ddl_labels_lookup (labels, video->name) : NULL;
      if (name != NULL && ddl_labels_names_match (video->name, name))
        return video;
      if (name == NULL && truth != NULL && truth->n_anomalous > most)
        best = video, most = truth->n_anomalous;
    }
  if (name != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s has no scores for video '%s'", scores_path, name);
      return NULL;
    }
  return best != NULL ? best : g_ptr_array_index (scores->videos, 0);
}

/* --maps NAME=DIR for each model; the rest from SCORES_DIR/maps/NAME/ when its files
 * for this video are there. Returns n_columns entries (NULL = no maps). */
static char **
resolve_maps (DdlScores *scores, const char *scores_path, char **given, const char *video,
              GError **error)
{
  guint n = ddl_scores_get_n_columns (scores);
  g_auto(GStrv) dirs = g_new0 (char *, n + 1);
  g_autofree char *beside = g_path_get_dirname (scores_path);

  for (guint i = 0; given != NULL && given[i] != NULL; i++)
    {
      const char *eq = strchr (given[i], '=');
      g_autofree char *name = eq != NULL ? g_strndup (given[i], eq - given[i]) : NULL;
      int c = name != NULL ? ddl_scores_find_column (scores, name) : -1;
      if (eq == NULL || eq[1] == '\0')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--maps takes NAME=DIR (a score column and the folder its scorer "
                       "wrote maps into), not '%s'", given[i]);
          return NULL;
        }
      if (c < 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--maps %s: %s has no score column '%s'", given[i], scores_path, name);
          return NULL;
        }
      g_free (dirs[c]);
      dirs[c] = g_strdup (eq + 1);
    }
  for (guint c = 0; c < n; c++)
    if (dirs[c] == NULL)
      {
        g_autofree char *dir = g_build_filename (beside, "maps",
                                                 (char *) g_ptr_array_index (scores->columns, c),
                                                 NULL);
        g_autofree char *file = g_strdup_printf ("%s/%s.maps.npy", dir, video);
        if (g_file_test (file, G_FILE_TEST_IS_REGULAR))
          {
            fprintf (stderr, "ddl render: maps of '%s' from %s\n",
                     (char *) g_ptr_array_index (scores->columns, c), dir);
            dirs[c] = g_steal_pointer (&dir);
          }
      }
  return g_steal_pointer (&dirs);
}

int
ddl_cmd_render (int argc, char **argv)
{
  g_autofree char *scores_path = NULL, *video_name = NULL, *labels_path = NULL;
  g_autofree char *filter = NULL, *threshold_text = NULL, *output = NULL;
  g_auto(GStrv) maps = NULL;
  gboolean normalize = FALSE;
  int height = 0;
  double fps = 0;
  GOptionEntry entries[] = {
    { "scores", 's', 0, G_OPTION_ARG_FILENAME, &scores_path,
      "Scores CSV; every score column is a model", "SCORES.csv" },
    { "video", 'v', 0, G_OPTION_ARG_STRING, &video_name,
      "The test video (default: the one with the most anomalous frames, else the first)",
      "NAME" },
    { "maps", 'm', 0, G_OPTION_ARG_FILENAME_ARRAY, &maps,
      "A model's error maps and reconstructions ('ddl score --maps DIR'); repeat per model",
      "NAME=DIR" },
    { "labels", 'l', 0, G_OPTION_ARG_FILENAME, &labels_path,
      "Ground truth: a label file or folder, or a dataset", "FILE|DATASET" },
    { "filter", 0, 0, G_OPTION_ARG_STRING, &filter,
      "Temporal filter of the curves (default none)", "none|median:N|gaussian:SIGMA" },
    { "normalize", 0, 0, G_OPTION_ARG_NONE, &normalize,
      "Min-max normalise each curve over the video", NULL },
    { "threshold", 't', 0, G_OPTION_ARG_STRING, &threshold_text,
      "Draw a threshold line on the curves", "X" },
    { "height", 'H', 0, G_OPTION_ARG_INT, &height,
      "Height of every pane in pixels (default 240)", "PX" },
    { "fps", 0, 0, G_OPTION_ARG_DOUBLE, &fps,
      "Frame rate of the video (default: the footage's; frame folders count as 25)", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "The video: .mp4, .mkv, .webm or .avi (default video-NAME.mp4 here)", "OUT.mp4" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlScores) scores = NULL;
  g_autoptr(DdlLabelsSource) source = NULL;
  g_autoptr(DdlFrameSource) footage = NULL;
  g_auto(GStrv) map_dirs = NULL;
  g_autofree DdlRenderModel *models = NULL;
  g_autofree guint **scored = NULL;
  g_autofree double **curves = NULL;
  DdlLabelVideo *truth = NULL;
  DdlScoreVideo *video;
  DdlEvalOptions eval;
  DdlRenderOptions options;
  Progress progress = { isatty (fileno (stderr)), 0 };
  double threshold = NAN;
  guint n_frames, n_models;
  gint64 start;
  gboolean ok;

  if (!ddl_cli_parse ("render", "FOOTAGE --scores SCORES.csv [-o OUT.mp4]",
                      "Renders one test video for showing: every frame beside each model's "
                      "reconstruction and error map (one colour scale per video, shared by "
                      "every model), the score curves underneath with the ground truth shaded and a moving playhead. "
                      "FOOTAGE is what was scored: a dataset folder (its test split), a video "
                      "file or a folder of frames.", entries, &argc, &argv))
    return 1;
  if (argc != 2 || scores_path == NULL)
    {
      fprintf (stderr, "ddl render: give FOOTAGE and --scores SCORES.csv\n"
                       "Run 'ddl render --help' for usage.\n");
      return 1;
    }
  if (threshold_text != NULL)
    {
      char *end = NULL;
      threshold = g_ascii_strtod (threshold_text, &end);
      if (end == threshold_text || *end != '\0' || !isfinite (threshold))
        {
          fprintf (stderr, "ddl render: --threshold must be a number, not '%s'\n",
                   threshold_text);
          return 1;
        }
    }
  if (height < 0 || (height > 0 && height < 16))
    {
      fprintf (stderr, "ddl render: --height must be at least 16 pixels\n");
      return 1;
    }
  if (fps < 0 || fps > 1000 || isnan (fps))
    {
      fprintf (stderr, "ddl render: --fps must be a frame rate above 0\n");
      return 1;
    }
  ddl_eval_options_init (&eval);
  eval.normalize = normalize ? DDL_NORMALIZE_PER_VIDEO : DDL_NORMALIZE_NONE;
  if (filter != NULL && !ddl_eval_options_set_filter (&eval, filter, &error))
    return ddl_cli_fail ("render", error);

  scores = ddl_scores_load_csv (scores_path, &error);
  if (scores == NULL)
    return ddl_cli_fail ("render", error);
  if (labels_path != NULL)
    {
      /* A dataset as footage gives interval and concatenated labels their videos. */
      if (g_file_test (argv[1], G_FILE_TEST_IS_DIR))
        source = ddl_labels_source_open (labels_path, argv[1], NULL);
      if (source == NULL)
        source = ddl_labels_source_open (labels_path, NULL, &error);
      if (source == NULL)
        return ddl_cli_fail ("render", error);
    }
  video = choose_video (scores, scores_path, source != NULL ? source->labels : NULL, video_name,
                        &error);
  if (video == NULL)
    return ddl_cli_fail ("render", error);
  footage = ddl_render_open_video (argv[1], video->name, &error);
  if (footage == NULL)
    return ddl_cli_fail ("render", error);
  n_frames = ddl_frame_source_get_n_frames (footage);
  g_clear_pointer (&footage, ddl_frame_source_free);
  if (source != NULL)
    {
      truth = ddl_labels_lookup (source->labels, video->name);
      if (truth == NULL)
        {
          g_set_error (&error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH,
                       "%s has no labels for video '%s'", source->label_path, video->name);
          return ddl_cli_fail ("render", error);
        }
      if (truth->n_frames != n_frames)
        {
          g_set_error (&error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH,
                       "%s labels %u frames of video '%s', but %s has %u",
                       source->label_path, truth->n_frames, video->name, argv[1], n_frames);
          return ddl_cli_fail ("render", error);
        }
    }
  map_dirs = resolve_maps (scores, scores_path, maps, video->name, &error);
  if (map_dirs == NULL)
    return ddl_cli_fail ("render", error);

  /* Each column is a model: its curve as the metrics see it, and the frames it scored
   * (the rows of its maps) before any filtering. */
  n_models = ddl_scores_get_n_columns (scores);
  models = g_new0 (DdlRenderModel, n_models);
  scored = g_new0 (guint *, n_models);
  curves = g_new0 (double *, n_models);
  for (guint c = 0; c < n_models; c++)
    {
      const double *values = ddl_score_video_get_column (video, c);
      scored[c] = g_new (guint, MAX (video->n, 1));
      eval.column = c;
      curves[c] = ddl_score_curve_new (video, c, n_frames, &eval);
      for (guint i = 0; i < video->n; i++)
        if (!isnan (values[i]) && video->frames[i] < n_frames)
          scored[c][models[c].n_scored++] = video->frames[i];
      models[c].name = g_ptr_array_index (scores->columns, c);
      models[c].maps_dir = map_dirs[c];
      models[c].curve = curves[c];
      models[c].scored = scored[c];
    }

  ddl_render_options_init (&options);
  if (output == NULL)
    output = g_strdup_printf ("video-%s.mp4", video->name);
  options.footage = argv[1];
  options.video = video->name;
  options.models = models;
  options.n_models = n_models;
  options.n_frames = n_frames;
  options.labels = truth != NULL ? truth->labels : NULL;
  options.threshold = threshold;
  options.pane_height = height;
  options.fps = fps;
  options.output = output;
  options.progress = report;
  options.user_data = &progress;
  start = g_get_monotonic_time ();
  ok = ddl_render_video (&options, &error);
  if (progress.tty)
    fputc ('\n', stderr);
  for (guint c = 0; c < n_models; c++)
    {
      g_free (scored[c]);
      g_free (curves[c]);
    }
  if (!ok)
    return ddl_cli_fail ("render", error);
  fprintf (stderr, "ddl render: video '%s', %u frames in %.1f s, written to %s\n", video->name,
           n_frames, (g_get_monotonic_time () - start) / 1e6, output);
  return 0;
}
