/* ddl eval SCORES.csv --labels FILE|DATASET: frame-level micro and macro AUC, EER and
 * AUPR of a scores CSV, with the post-processing switches of ddl-metrics.h. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ddl-cli.h"
#include "ddl-labels.h"
#include "ddl-metrics.h"
#include "ddl-scores.h"

typedef struct {
  const char    *column;
  DdlEvalResult *result;
} ColumnResult;

static void
add_number (JsonBuilder *builder, const char *name, double value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value))
    json_builder_add_null_value (builder);   /* undefined (one class only) */
  else
    json_builder_add_double_value (builder, value);
}

static void
add_metrics (JsonBuilder *builder, const DdlEvalResult *r)
{
  add_number (builder, "micro_auc", r->micro.auc);
  add_number (builder, "macro_auc", r->macro_auc);
  add_number (builder, "eer", r->micro.eer);
  add_number (builder, "aupr", r->micro.aupr);
  json_builder_set_member_name (builder, "frames");
  json_builder_add_int_value (builder, r->n_frames);
  json_builder_set_member_name (builder, "anomalous");
  json_builder_add_int_value (builder, r->n_anomalous);
  json_builder_set_member_name (builder, "unscored_frames");
  json_builder_add_int_value (builder, r->n_unscored);
  json_builder_set_member_name (builder, "macro_videos");
  json_builder_add_int_value (builder, r->n_macro_videos);
}

static void
print_json (ColumnResult *results, guint n_results, const DdlEvalOptions *options,
            const char *preset, DdlLabelsSource *labels)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *filter = ddl_eval_options_filter_to_string (options);
  const DdlEvalResult *first = results[0].result;

  json_builder_begin_object (b);
  add_metrics (b, first);
  json_builder_set_member_name (b, "protocol");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "preset");
  if (preset != NULL)
    json_builder_add_string_value (b, preset);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "normalize");
  json_builder_add_string_value (b, options->normalize == DDL_NORMALIZE_PER_VIDEO
                                    ? "per-video" : "none");
  json_builder_set_member_name (b, "filter");
  json_builder_add_string_value (b, filter);
  json_builder_set_member_name (b, "macro");
  json_builder_add_string_value (b, options->macro == DDL_MACRO_PAD ? "pad" : "skip");
  json_builder_set_member_name (b, "column");
  json_builder_add_string_value (b, results[0].column);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "labels");
  json_builder_add_string_value (b, labels->label_path);

  json_builder_set_member_name (b, "videos");
  json_builder_begin_array (b);
  for (guint v = 0; v < first->n_videos; v++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, first->videos[v].name);
      json_builder_set_member_name (b, "frames");
      json_builder_add_int_value (b, first->videos[v].n_frames);
      json_builder_set_member_name (b, "anomalous");
      json_builder_add_int_value (b, first->videos[v].n_anomalous);
      add_number (b, "auc", first->videos[v].auc);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  if (n_results > 1)
    {
      json_builder_set_member_name (b, "models");
      json_builder_begin_array (b);
      for (guint i = 0; i < n_results; i++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "column");
          json_builder_add_string_value (b, results[i].column);
          add_metrics (b, results[i].result);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);

  ddl_cli_print_json (b);
}

static void
print_percent (const char *what, double value)
{
  if (isnan (value))
    printf ("  %-10s n/a (one class only)\n", what);
  else
    printf ("  %-10s %.6f  (%.2f %%)\n", what, value, 100.0 * value);
}

static void
print_table (ColumnResult *results, guint n_results, const DdlEvalOptions *options,
             const char *preset, const char *scores_path, DdlLabelsSource *labels,
             gboolean per_video)
{
  g_autofree char *filter = ddl_eval_options_filter_to_string (options);
  const DdlEvalResult *first = results[0].result;

  printf ("scores:   %s\n", scores_path);
  printf ("labels:   %s (%s)\n", labels->label_path,
          ddl_labels_format_to_string (labels->labels->format));
  printf ("protocol: %s%snormalize %s, filter %s, macro %s\n",
          preset != NULL ? preset : "", preset != NULL ? ": " : "",
          options->normalize == DDL_NORMALIZE_PER_VIDEO ? "per-video" : "none", filter,
          options->macro == DDL_MACRO_PAD ? "pad (AED-MAE)" : "skip single-class videos");
  printf ("frames:   %" G_GSIZE_FORMAT " evaluated (%" G_GSIZE_FORMAT " anomalous); %"
          G_GSIZE_FORMAT " labelled frames without a score dropped", first->n_frames,
          first->n_anomalous, first->n_unscored);
  if (first->n_unscored_videos > 0)
    printf (" (%u videos not scored at all)", first->n_unscored_videos);
  printf ("\n");

  for (guint i = 0; i < n_results; i++)
    {
      const DdlEvalResult *r = results[i].result;
      printf ("\n%s:\n", results[i].column);
      print_percent ("micro AUC", r->micro.auc);
      print_percent ("macro AUC", r->macro_auc);
      printf ("  %-10s (mean over %u of %u videos)\n", "", r->n_macro_videos, r->n_videos);
      print_percent ("EER", r->micro.eer);
      print_percent ("AUPR", r->micro.aupr);
    }
  if (per_video)
    {
      printf ("\n%-16s %9s %10s %9s\n", "video", "frames", "anomalous", "AUC");
      for (guint v = 0; v < first->n_videos; v++)
        {
          const DdlEvalVideo *video = &first->videos[v];
          printf ("%-16s %9" G_GSIZE_FORMAT " %10" G_GSIZE_FORMAT, video->name,
                  video->n_frames, video->n_anomalous);
          if (isnan (video->auc))
            printf (" %9s\n", "n/a");
          else
            printf (" %9.4f\n", video->auc);
        }
    }
}

static gboolean
parse_options (DdlEvalOptions *options, const char *normalize, const char *filter,
               const char *protocol, const char *macro, GError **error)
{
  if (g_strcmp0 (normalize, "per-video") == 0)
    options->normalize = DDL_NORMALIZE_PER_VIDEO;
  else if (normalize != NULL && strcmp (normalize, "none") != 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--normalize must be none or per-video, not '%s'", normalize);
      return FALSE;
    }
  if (g_strcmp0 (macro, "pad") == 0)
    options->macro = DDL_MACRO_PAD;
  else if (macro != NULL && strcmp (macro, "skip") != 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--macro must be skip or pad, not '%s'", macro);
      return FALSE;
    }
  if (protocol != NULL)
    {
      if (strcmp (protocol, "paper") != 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--protocol must be paper, not '%s'", protocol);
          return FALSE;
        }
      if (filter != NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--protocol paper sets the filter (median:%u); leave out --filter",
                       DDL_PAPER_MEDIAN_WINDOW);
          return FALSE;
        }
      options->filter = DDL_FILTER_MEDIAN;
      options->median_window = DDL_PAPER_MEDIAN_WINDOW;
    }
  return filter == NULL || ddl_eval_options_set_filter (options, filter, error);
}

int
ddl_cmd_eval (int argc, char **argv)
{
  g_autofree char *labels_path = NULL, *dataset = NULL, *normalize = NULL, *filter = NULL;
  g_autofree char *protocol = NULL, *macro = NULL, *column = NULL;
  gboolean json = FALSE, per_video = FALSE;
  GOptionEntry entries[] = {
    { "labels", 'l', 0, G_OPTION_ARG_FILENAME, &labels_path,
      "Ground truth: a label file or folder, or a dataset", "FILE|DATASET" },
    { "dataset", 'd', 0, G_OPTION_ARG_FILENAME, &dataset,
      "Dataset whose test videos split interval or concatenated labels", "PATH" },
    { "normalize", 0, 0, G_OPTION_ARG_STRING, &normalize,
      "Per-video min-max normalisation (default none)", "none|per-video" },
    { "filter", 0, 0, G_OPTION_ARG_STRING, &filter,
      "Temporal filter per video, edges replicated (default none)",
      "none|median:N|gaussian:SIGMA" },
    { "protocol", 0, 0, G_OPTION_ARG_STRING, &protocol,
      "Preset: paper = median filter of 17 frames, no normalisation", "paper" },
    { "macro", 0, 0, G_OPTION_ARG_STRING, &macro,
      "Single-class videos in the macro AUC: skip them, or pad every video with a "
      "(0, normal) and a (1, anomalous) sample as AED-MAE does (default skip)", "skip|pad" },
    { "column", 'c', 0, G_OPTION_ARG_STRING, &column,
      "Score column to evaluate (default: every column)", "NAME" },
    { "per-video", 0, 0, G_OPTION_ARG_NONE, &per_video, "Print each video's AUC", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(DdlScores) scores = NULL;
  g_autoptr(DdlLabelsSource) labels = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree ColumnResult *results = NULL;
  DdlEvalOptions options;
  guint n_results = 0;
  int status = 0;

  if (!ddl_cli_parse ("eval", "SCORES.csv --labels FILE|DATASET",
                      "Frame-level micro and macro AUC, EER and AUPR of a video,frame,score "
                      "CSV (frame 0-based). Labelled frames without a score are dropped; a "
                      "score without a label is an error.", entries, &argc, &argv))
    return 1;
  if (argc != 2 || labels_path == NULL)
    {
      fprintf (stderr, "ddl eval: expected SCORES.csv and --labels FILE|DATASET\n"
                       "Run 'ddl eval --help' for usage.\n");
      return 1;
    }
  ddl_eval_options_init (&options);
  if (!parse_options (&options, normalize, filter, protocol, macro, &error))
    return ddl_cli_fail ("eval", error);

  scores = ddl_scores_load_csv (argv[1], &error);
  if (scores == NULL)
    return ddl_cli_fail ("eval", error);
  labels = ddl_labels_source_open (labels_path, dataset, &error);
  if (labels == NULL)
    return ddl_cli_fail ("eval", error);
  if (labels->lengths != NULL
      && !ddl_labels_check (labels->labels, labels->lengths, labels->n_lengths, &error))
    return ddl_cli_fail ("eval", error);

  results = g_new0 (ColumnResult, ddl_scores_get_n_columns (scores));
  for (guint c = 0; c < ddl_scores_get_n_columns (scores); c++)
    {
      const char *name = g_ptr_array_index (scores->columns, c);
      if (column != NULL && strcmp (column, name) != 0)
        continue;
      options.column = c;
      results[n_results].column = name;
      results[n_results].result = ddl_eval_run (scores, labels->labels, &options, &error);
      if (results[n_results].result == NULL)
        {
          status = ddl_cli_fail ("eval", error);
          goto out;
        }
      n_results++;
    }
  if (n_results == 0)
    {
      fprintf (stderr, "ddl eval: %s has no score column '%s'\n", argv[1], column);
      status = 1;
      goto out;
    }

  if (json)
    print_json (results, n_results, &options, protocol, labels);
  else
    print_table (results, n_results, &options, protocol, argv[1], labels, per_video);

out:
  for (guint i = 0; i < n_results; i++)
    ddl_eval_result_free (results[i].result);
  return status;
}
