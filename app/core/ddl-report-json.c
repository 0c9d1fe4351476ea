/* ddl-report-json.c: the protocol card (metrics.json, see ddl-report.h for the schema)
 * and the per-video score arrays of scores.json, built with json-glib. NaN is never
 * written as a number: JSON has none, so it becomes null. */
#include "config.h"

#include "ddl-report-private.h"

#include <math.h>

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_path (JsonBuilder *b, const char *name, const char *path, const char *dir)
{
  g_autofree char *shown = path != NULL ? ddl_report_path_in (path, dir) : NULL;
  add_string (b, name, shown);
}

static void
add_double_value (JsonBuilder *b, double value)
{
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_double (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  add_double_value (b, value);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_config (JsonBuilder *b, const DdlModelConfig *c)
{
  json_builder_set_member_name (b, "config");
  if (c == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  add_string (b, "arch", ddl_arch_to_string (c->arch));
  add_string (b, "mode", ddl_mode_to_string (c->mode));
  add_int (b, "latent", c->latent);
  add_int (b, "channels", c->channels);
  add_int (b, "temporal", c->temporal);
  add_int (b, "width", c->width);
  add_int (b, "height", c->height);
  add_int (b, "batch", c->batch);
  add_int (b, "epochs", c->epochs);
  add_double (b, "lr", c->lr);
  add_double (b, "lambda", c->lambda);
  add_double (b, "static_weight", c->static_weight);
  add_string (b, "dist", c->dist == DDL_DIST_PAPER ? "paper" : "reference");
  add_int (b, "patch", c->patch);
  add_int (b, "seed", (gint64) c->seed);
  add_int (b, "parameters", (gint64) ddl_model_config_count_parameters (c));
  json_builder_end_object (b);
}

static void
add_metrics (JsonBuilder *b, const DdlEvalResult *r)
{
  json_builder_set_member_name (b, "metrics");
  if (r == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  add_double (b, "micro_auc", r->micro.auc);
  add_double (b, "macro_auc", r->macro_auc);
  add_double (b, "eer", r->micro.eer);
  add_double (b, "eer_threshold", r->micro.eer_threshold);
  add_double (b, "aupr", r->micro.aupr);
  add_int (b, "frames", r->n_frames);
  add_int (b, "anomalous_frames", r->n_anomalous);
  json_builder_set_member_name (b, "videos");
  json_builder_begin_array (b);
  for (guint v = 0; v < r->n_videos; v++)
    {
      json_builder_begin_object (b);
      add_string (b, "name", r->videos[v].name);
      add_double (b, "auc", r->videos[v].auc);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
add_model (JsonBuilder *b, const DdlReportEntry *e, const char *dir)
{
  const DdlReportModel *m = e->info;

  json_builder_begin_object (b);
  add_string (b, "name", m->name);
  add_path (b, "checkpoint", m->checkpoint, dir);
  add_string (b, "scores", e->scores_file);
  add_path (b, "maps", m->maps_dir, dir);
  add_path (b, "loss_log", m->loss_log, dir);
  add_config (b, m->config);
  add_double (b, "anomaly_weight", m->anomaly_weight);
  add_int (b, "epochs_done", m->epochs_done);
  add_int (b, "steps", (gint64) m->steps);
  add_string (b, "train_fingerprint", m->train_fingerprint);
  add_double (b, "train_seconds", m->train_seconds);
  add_double (b, "score_seconds", m->score_seconds);
  add_metrics (b, e->eval);
  json_builder_end_object (b);
}

static void
add_comparison (JsonBuilder *b, const DdlReportData *data)
{
  const DdlReport *report = data->report;

  json_builder_set_member_name (b, "comparison");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "auc_differences");
  json_builder_begin_array (b);
  for (guint p = 0; p < data->n_pairs; p++)
    {
      const DdlReportPair *pair = &data->pairs[p];
      json_builder_begin_object (b);
      add_string (b, "a", report->models[pair->a].name);
      add_string (b, "b", report->models[pair->b].name);
      add_double (b, "micro_auc", pair->micro);
      add_double (b, "macro_auc", pair->macro);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "disagreements");
  json_builder_begin_array (b);
  for (guint p = 0; p < data->n_pairs; p++)
    {
      const DdlReportPair *pair = &data->pairs[p];
      guint n;
      const DdlDisagreement *list = ddl_disagreements_get (pair->list, &n);
      for (guint i = 0; i < n; i++)
        {
          const DdlScoreVideo *video = g_ptr_array_index (report->scores->videos, list[i].video);
          json_builder_begin_object (b);
          add_string (b, "a", report->models[pair->a].name);
          add_string (b, "b", report->models[pair->b].name);
          add_string (b, "video", video->name);
          add_int (b, "frame", list[i].frame);
          add_double (b, "a_score", list[i].a);
          add_double (b, "b_score", list[i].b);
          json_builder_set_member_name (b, "label");
          if (data->truth != NULL
              && ddl_labels_lookup (report->labels, video->name) != NULL)
            json_builder_add_int_value (b, data->truth[data->video_start[list[i].video]
                                                       + list[i].frame]);
          else
            json_builder_add_null_value (b);
          json_builder_end_object (b);
        }
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
add_file_list (JsonBuilder *b, const char *name, const char *stem, gboolean present)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint f = 0; present && f < G_N_ELEMENTS (ddl_report_plot_formats); f++)
    {
      g_autofree char *file = g_strdup_printf ("%s.%s", stem, ddl_report_plot_formats[f]);
      json_builder_add_string_value (b, file);
    }
  json_builder_end_array (b);
}

static void
add_files (JsonBuilder *b, const DdlReportData *data, const char *dir)
{
  json_builder_set_member_name (b, "files");
  json_builder_begin_object (b);
  add_string (b, "scores_csv", DDL_REPORT_SCORES_CSV);
  add_string (b, "scores_json", DDL_REPORT_SCORES_JSON);
  add_file_list (b, "timeline", DDL_REPORT_TIMELINE, TRUE);
  add_file_list (b, "roc", DDL_REPORT_ROC, data->has_roc);
  json_builder_set_member_name (b, "videos");
  json_builder_begin_array (b);
  for (const char * const *v = data->report->videos; v != NULL && *v != NULL; v++)
    {
      g_autofree char *shown = ddl_report_path_in (*v, dir);
      json_builder_add_string_value (b, shown);
    }
  json_builder_end_array (b);
  add_string (b, "index", DDL_REPORT_INDEX_FILE);
  json_builder_end_object (b);
}

void
ddl_report_build_card (JsonBuilder *b, const DdlReportData *data, const char *dir)
{
  const DdlReport *report = data->report;
  g_autofree char *filter = ddl_eval_options_filter_to_string (&report->eval);

  json_builder_begin_object (b);
  add_string (b, "format", DDL_REPORT_FORMAT);
  add_int (b, "version", DDL_REPORT_VERSION);
  add_string (b, "created", data->created);
  add_string (b, "software", "DDL Studio " PACKAGE_VERSION);
  add_string (b, "title", data->title);
  add_string (b, "device", report->device);

  json_builder_set_member_name (b, "footage");
  json_builder_begin_object (b);
  add_path (b, "path", report->footage, dir);
  add_string (b, "fingerprint", data->footage_fingerprint);
  add_int (b, "videos", data->n_videos);
  add_int (b, "frames", data->n_frames);
  json_builder_set_member_name (b, "anomalous_frames");
  if (data->n_anomalous >= 0)
    json_builder_add_int_value (b, data->n_anomalous);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "protocol");
  json_builder_begin_object (b);
  add_string (b, "normalize", report->eval.normalize == DDL_NORMALIZE_PER_VIDEO
                              ? "per-video" : "none");
  add_string (b, "filter", filter);
  add_string (b, "macro", report->eval.macro == DDL_MACRO_PAD ? "pad" : "skip");
  json_builder_end_object (b);

  json_builder_set_member_name (b, "models");
  json_builder_begin_array (b);
  for (guint m = 0; m < report->n_models; m++)
    add_model (b, &data->models[m], dir);
  json_builder_end_array (b);

  add_comparison (b, data);
  add_files (b, data, dir);
}

/* The raw scores (not post-processed) of every video, frame by frame. */
void
ddl_report_build_scores (JsonBuilder *b, const DdlReportData *data)
{
  const DdlReport *report = data->report;

  json_builder_set_member_name (b, "scores");
  json_builder_begin_array (b);
  for (guint v = 0; v < data->n_videos; v++)
    {
      const DdlScoreVideo *video = g_ptr_array_index (report->scores->videos, v);
      DdlLabelVideo *truth = report->labels != NULL
                             ? ddl_labels_lookup (report->labels, video->name) : NULL;

      json_builder_begin_object (b);
      add_string (b, "video", video->name);
      json_builder_set_member_name (b, "frames");
      json_builder_begin_array (b);
      for (guint i = 0; i < video->n; i++)
        json_builder_add_int_value (b, video->frames[i]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "labels");
      if (truth == NULL)
        json_builder_add_null_value (b);
      else
        {
          json_builder_begin_array (b);
          for (guint i = 0; i < video->n; i++)
            if (video->frames[i] < truth->n_frames)
              json_builder_add_int_value (b, truth->labels[video->frames[i]] != 0);
            else
              json_builder_add_null_value (b);
          json_builder_end_array (b);
        }
      for (guint m = 0; m < report->n_models; m++)
        {
          const double *column = ddl_score_video_get_column (video, data->models[m].column);
          json_builder_set_member_name (b, report->models[m].name);
          json_builder_begin_array (b);
          for (guint i = 0; i < video->n; i++)
            add_double_value (b, column[i]);
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

char *
ddl_report_json_text (JsonBuilder *builder, gboolean pretty)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autoptr(GString) text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, pretty);
  text = g_string_new (NULL);
  json_generator_to_gstring (generator, text);
  g_string_append_c (text, '\n');
  return g_string_free (g_steal_pointer (&text), FALSE);
}
