/* ddl report SCORES.csv -o DIR: a report folder (ddl-report.h) from an existing scores
 * CSV, every score column a model. A checkpoint named with --model NAME=CHECKPOINT
 * adds that model's configuration, sigma(l), epochs, steps and training fingerprint,
 * read from the checkpoint's header (ddl_model_read_info), so no Vulkan device is
 * needed; a reference state_dict without metadata gives what its shapes tell. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ddl-cli.h"
#include "ddl-compute.h"
#include "ddl-labels.h"
#include "ddl-metrics.h"
#include "ddl-report.h"
#include "ddl-scores.h"

typedef struct {
  char         *checkpoint;
  char         *loss_log;
  DdlModelInfo  info;
} CheckpointInfo;

static void
checkpoint_info_clear (CheckpointInfo *info)
{
  g_free (info->checkpoint);
  g_free (info->loss_log);
  ddl_model_info_clear (&info->info);
}

static gboolean
read_checkpoint (const char *path, CheckpointInfo *info, GError **error)
{
  g_autofree char *stem = NULL;
  g_autofree char *log = NULL;

  if (!ddl_model_read_info (path, &info->info, error))
    return FALSE;
  info->checkpoint = g_strdup (path);
  /* the trainer's per-step log beside it, as the pipeline names it */
  stem = g_str_has_suffix (path, ".safetensors")
         ? g_strndup (path, strlen (path) - strlen (".safetensors")) : g_strdup (path);
  log = g_strconcat (stem, "-loss.csv", NULL);
  if (g_file_test (log, G_FILE_TEST_IS_REGULAR))
    info->loss_log = g_steal_pointer (&log);
  return TRUE;
}

static void
print_percent (const char *what, JsonObject *o, const char *member, gboolean points)
{
  JsonNode *node = json_object_get_member (o, member);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    printf ("  %s n/a", what);
  else if (points)
    printf ("  %s %+7.2f pp", what, 100 * json_node_get_double (node));
  else
    printf ("  %s %6.2f %%", what, 100 * json_node_get_double (node));
}

/* The AUCs as the report states them (read back from metrics.json). */
static gboolean
print_summary (const char *dir, GError **error)
{
  g_autofree char *metrics = g_build_filename (dir, "metrics.json", NULL);
  g_autofree char *index = g_build_filename (dir, "index.html", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *card;
  JsonArray *list;

  if (!json_parser_load_from_file (parser, metrics, error))
    return FALSE;
  card = json_node_get_object (json_parser_get_root (parser));
  printf ("report  %s\n", index);
  list = json_object_get_array_member (card, "models");
  for (guint m = 0; m < json_array_get_length (list); m++)
    {
      JsonObject *model = json_array_get_object_element (list, m);
      JsonNode *metrics_node = json_object_get_member (model, "metrics");
      printf ("%-8s", json_object_get_string_member (model, "name"));
      if (JSON_NODE_HOLDS_NULL (metrics_node))
        printf ("  no ground truth, no AUC\n");
      else
        {
          print_percent ("micro AUC", json_node_get_object (metrics_node), "micro_auc", FALSE);
          print_percent ("macro AUC", json_node_get_object (metrics_node), "macro_auc", FALSE);
          printf ("\n");
        }
    }
  list = json_object_get_array_member (json_object_get_object_member (card, "comparison"),
                                       "auc_differences");
  for (guint p = 0; p < json_array_get_length (list); p++)
    {
      JsonObject *d = json_array_get_object_element (list, p);
      if (json_object_get_null_member (d, "micro_auc") && json_object_get_null_member (d, "macro_auc"))
        continue;
      printf ("%s - %s:", json_object_get_string_member (d, "a"),
              json_object_get_string_member (d, "b"));
      print_percent ("micro", d, "micro_auc", TRUE);
      print_percent ("macro", d, "macro_auc", TRUE);
      printf ("\n");
    }
  return TRUE;
}

/* "NAME=CHECKPOINT" into the checkpoint info of column NAME. */
static gboolean
attach_checkpoints (char **specs, DdlScores *scores, const char *scores_path,
                    CheckpointInfo *infos, GError **error)
{
  for (char **spec = specs; spec != NULL && *spec != NULL; spec++)
    {
      const char *eq = strchr (*spec, '=');
      g_autofree char *name = eq != NULL ? g_strndup (*spec, eq - *spec) : NULL;
      int column;

      if (name == NULL || name[0] == '\0' || eq[1] == '\0')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--model must be NAME=CHECKPOINT, not '%s'", *spec);
          return FALSE;
        }
      column = ddl_scores_find_column (scores, name);
      if (column < 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--model %s: %s has no score column '%s'", *spec, scores_path, name);
          return FALSE;
        }
      if (infos[column].checkpoint != NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--model: two checkpoints for '%s'", name);
          return FALSE;
        }
      if (!read_checkpoint (eq + 1, &infos[column], error))
        return FALSE;
    }
  return TRUE;
}

int
ddl_cmd_report (int argc, char **argv)
{
  g_autofree char *out = NULL, *labels_path = NULL, *dataset = NULL, *footage = NULL;
  g_autofree char *filter = NULL, *macro = NULL, *title = NULL;
  g_auto(GStrv) model_specs = NULL, videos = NULL;
  gboolean normalize = FALSE;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      "The report folder (created; files of the same names are replaced)", "DIR" },
    { "labels", 'l', 0, G_OPTION_ARG_FILENAME, &labels_path,
      "Ground truth: a label file or folder, or a dataset (without it: no metrics)",
      "FILE|DATASET" },
    { "dataset", 'd', 0, G_OPTION_ARG_FILENAME, &dataset,
      "Dataset whose test videos split interval or concatenated labels", "PATH" },
    { "footage", 0, 0, G_OPTION_ARG_FILENAME, &footage,
      "What was scored, for the card and its fingerprint (default: the labels' dataset)",
      "PATH" },
    { "filter", 0, 0, G_OPTION_ARG_STRING, &filter,
      "Temporal filter per video before the metrics (default none)",
      "none|median:N|gaussian:SIGMA" },
    { "normalize", 0, 0, G_OPTION_ARG_NONE, &normalize,
      "Min-max normalise each video's scores before the metrics", NULL },
    { "macro", 0, 0, G_OPTION_ARG_STRING, &macro,
      "Single-class videos in the macro AUC: skip them or pad them (AED-MAE)", "skip|pad" },
    { "model", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &model_specs,
      "The checkpoint that made score column NAME (repeatable)", "NAME=CHECKPOINT" },
    { "video", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &videos,
      "A rendered video to show in the report (repeatable)", "FILE" },
    { "title", 't', 0, G_OPTION_ARG_STRING, &title,
      "The report's title (default: the model names)", "TEXT" },
    { NULL }
  };
  g_autoptr(DdlScores) scores = NULL;
  g_autoptr(DdlLabelsSource) source = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree DdlReportModel *models = NULL;
  g_autofree CheckpointInfo *infos = NULL;
  DdlReport report;
  guint n_models;
  int status = 0;

  if (!ddl_cli_parse ("report", "SCORES.csv -o DIR",
                      "Writes a report folder from a video,frame,<model>... scores CSV: "
                      "metrics.json (the protocol card), scores.csv and scores.json, a CSV "
                      "per model, timeline and ROC plots as PNG, SVG and PDF, and index.html. "
                      "Every score column is a model.", entries, &argc, &argv))
    return 1;
  if (argc != 2 || out == NULL)
    {
      fprintf (stderr, "ddl report: expected SCORES.csv and -o DIR\n"
                       "Run 'ddl report --help' for usage.\n");
      return 1;
    }

  ddl_report_init (&report);
  if (normalize)
    report.eval.normalize = DDL_NORMALIZE_PER_VIDEO;
  if (filter != NULL && !ddl_eval_options_set_filter (&report.eval, filter, &error))
    return ddl_cli_fail ("report", error);
  if (g_strcmp0 (macro, "pad") == 0)
    report.eval.macro = DDL_MACRO_PAD;
  else if (macro != NULL && strcmp (macro, "skip") != 0)
    {
      fprintf (stderr, "ddl report: --macro must be skip or pad, not '%s'\n", macro);
      return 1;
    }

  scores = ddl_scores_load_csv (argv[1], &error);
  if (scores == NULL)
    return ddl_cli_fail ("report", error);
  if (labels_path != NULL)
    {
      source = ddl_labels_source_open (labels_path, dataset, &error);
      if (source == NULL)
        return ddl_cli_fail ("report", error);
      if (source->lengths != NULL
          && !ddl_labels_check (source->labels, source->lengths, source->n_lengths, &error))
        return ddl_cli_fail ("report", error);
    }

  n_models = ddl_scores_get_n_columns (scores);
  infos = g_new0 (CheckpointInfo, n_models);
  models = g_new0 (DdlReportModel, n_models);
  if (!attach_checkpoints (model_specs, scores, argv[1], infos, &error))
    {
      status = ddl_cli_fail ("report", error);
      goto out;
    }
  for (guint m = 0; m < n_models; m++)
    {
      DdlReportModel *model = &models[m];
      CheckpointInfo *info = &infos[m];
      model->name = g_ptr_array_index (scores->columns, m);
      model->checkpoint = info->checkpoint;
      model->loss_log = info->loss_log;
      model->config = info->checkpoint != NULL ? &info->info.config : NULL;
      model->anomaly_weight = info->checkpoint != NULL ? info->info.sigma : NAN;
      model->epochs_done = info->info.epoch;
      model->steps = info->info.step;
      model->train_fingerprint = info->info.fingerprint;
      model->train_seconds = NAN;
      model->score_seconds = NAN;
    }

  report.title = title;
  report.footage = footage != NULL ? footage
                   : source != NULL ? source->dataset_root : NULL;
  report.scores = scores;
  report.labels = source != NULL ? source->labels : NULL;
  report.models = models;
  report.n_models = n_models;
  report.videos = (const char * const *) videos;
  if (!ddl_report_write_folder (&report, out, &error) || !print_summary (out, &error))
    status = ddl_cli_fail ("report", error);

out:
  for (guint m = 0; m < n_models; m++)
    checkpoint_info_clear (&infos[m]);
  return status;
}
