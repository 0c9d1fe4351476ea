/* Reading report folders and checkpoint metadata for the compare view (see
 * ddl-compare-report.h). */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-compare-report.h"
#include "ddl-report.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

DdlCompareModel *
ddl_compare_model_new (const char *name)
{
  DdlCompareModel *m = g_new0 (DdlCompareModel, 1);
  m->name = g_strdup (name);
  m->anomaly_weight = NAN;
  m->train_seconds = NAN;
  m->score_seconds = NAN;
  m->report_micro_auc = NAN;
  ddl_model_config_init_default (&m->config);
  return m;
}

DdlCompareModel *
ddl_compare_model_copy (const DdlCompareModel *model)
{
  DdlCompareModel *m = g_memdup2 (model, sizeof *model);
  m->name = g_strdup (model->name);
  m->checkpoint = g_strdup (model->checkpoint);
  m->maps_dir = g_strdup (model->maps_dir);
  m->loss_log = g_strdup (model->loss_log);
  m->train_fingerprint = g_strdup (model->train_fingerprint);
  return m;
}

void
ddl_compare_model_free (DdlCompareModel *model)
{
  if (model == NULL)
    return;
  g_free (model->name);
  g_free (model->checkpoint);
  g_free (model->maps_dir);
  g_free (model->loss_log);
  g_free (model->train_fingerprint);
  g_free (model);
}

/* ---- checkpoint metadata ------------------------------------------------------------ */

/* ddl_model_read_info reads only the header: checkpoints are megabytes, their metadata
 * a few KiB. */
gboolean
ddl_compare_model_read_checkpoint (DdlCompareModel *model, const char *path, GError **error)
{
  g_auto(DdlModelInfo) info = { 0 };

  if (!ddl_model_read_info (path, &info, error))
    return FALSE;
  if (!info.has_metadata)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is not a DDL checkpoint (no metadata in its header)", path);
      return FALSE;
    }
  model->config = info.config;
  model->has_config = TRUE;
  if (!isnan (info.sigma))
    model->anomaly_weight = info.sigma;
  model->epochs_done = info.epoch;
  model->steps = info.step;
  g_free (model->train_fingerprint);
  model->train_fingerprint = g_steal_pointer (&info.fingerprint);
  g_free (model->checkpoint);
  model->checkpoint = g_strdup (path);
  return TRUE;
}

/* ---- report folders ----------------------------------------------------------------- */

static JsonObject *
object_member (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL && json_object_has_member (o, name) ? json_object_get_member (o, name)
                                                              : NULL;
  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static const char *
string_member (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL && json_object_has_member (o, name) ? json_object_get_member (o, name)
                                                              : NULL;
  return n != NULL && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         ? json_node_get_string (n) : NULL;
}

/* A number, or NAN for null / missing (NaN metrics are written as null). */
static double
number_member (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL && json_object_has_member (o, name) ? json_object_get_member (o, name)
                                                              : NULL;
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n))
    return NAN;
  GType type = json_node_get_value_type (n);
  return type == G_TYPE_DOUBLE || type == G_TYPE_INT64 ? json_node_get_double (n) : NAN;
}

/* Paths inside the report are relative to it. */
static char *
resolve (const char *dir, const char *path)
{
  if (path == NULL || *path == '\0')
    return NULL;
  if (g_path_is_absolute (path))
    return g_strdup (path);
  g_autofree char *joined = g_build_filename (dir, path, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (joined);
  return g_file_get_path (file);   /* canonical: no "./" or "../" left */
}

static void
read_config (JsonObject *o, DdlCompareModel *m)
{
  DdlModelConfig *c = &m->config;
  const char *arch = string_member (o, "arch"), *mode = string_member (o, "mode");
  double v;

  if (o == NULL)
    return;
  ddl_model_config_init_default (c);
  if (arch != NULL)
    ddl_arch_from_string (arch, &c->arch);
  if (mode != NULL)
    ddl_mode_from_string (mode, &c->mode);
#define UINT_FIELD(key, field) if (!isnan (v = number_member (o, key)) && v >= 0) c->field = (guint) v
  UINT_FIELD ("latent", latent);
  UINT_FIELD ("channels", channels);
  UINT_FIELD ("temporal", temporal);
  UINT_FIELD ("width", width);
  UINT_FIELD ("height", height);
  UINT_FIELD ("batch", batch);
  UINT_FIELD ("epochs", epochs);
  UINT_FIELD ("patch", patch);
#undef UINT_FIELD
  if (!isnan (v = number_member (o, "seed")) && v >= 0)
    c->seed = (guint64) v;
  if (!isnan (v = number_member (o, "lr")))
    c->lr = v;
  if (!isnan (v = number_member (o, "lambda")))
    c->lambda = v;
  if (!isnan (v = number_member (o, "static_weight")))
    c->static_weight = v;
  c->dist = g_strcmp0 (string_member (o, "dist"), "paper") == 0 ? DDL_DIST_PAPER
                                                                 : DDL_DIST_REFERENCE;
  m->has_config = arch != NULL && mode != NULL;
}

gboolean
ddl_compare_report_is_report (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "metrics.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR) || !g_file_test (path, G_FILE_TEST_IS_REGULAR)
      || !json_parser_load_from_file (parser, path, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  return root != NULL && JSON_NODE_HOLDS_OBJECT (root)
         && g_strcmp0 (string_member (json_node_get_object (root), "format"),
                       DDL_REPORT_FORMAT) == 0;
}

static gboolean
invalid (GError **error, const char *path, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", path, what);
  return FALSE;
}

static gboolean
read_protocol (JsonObject *o, DdlEvalOptions *eval, const char *path, GError **error)
{
  const char *normalize = string_member (o, "normalize");
  const char *filter = string_member (o, "filter");
  g_autoptr(GError) local = NULL;

  ddl_eval_options_init (eval);
  if (o == NULL)
    return TRUE;
  eval->normalize = g_strcmp0 (normalize, "per-video") == 0 ? DDL_NORMALIZE_PER_VIDEO
                                                             : DDL_NORMALIZE_NONE;
  eval->macro = g_strcmp0 (string_member (o, "macro"), "pad") == 0 ? DDL_MACRO_PAD
                                                                   : DDL_MACRO_SKIP;
  if (filter != NULL && !ddl_eval_options_set_filter (eval, filter, &local))
    {
      g_autofree char *what = g_strdup_printf ("protocol: %s", local->message);
      return invalid (error, path, what);
    }
  return TRUE;
}

/* A file the report lists but that is gone (moved, deleted) is left out. */
static char *
existing (char *path)
{
  if (path != NULL && !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    g_clear_pointer (&path, g_free);
  return path;
}

DdlCompareReport *
ddl_compare_report_read (const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename (dir, "metrics.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(DdlCompareReport) report = g_new0 (DdlCompareReport, 1);
  g_autoptr(GError) local = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  JsonObject *root, *footage, *files;
  JsonNode *models;

  report->models = g_ptr_array_new_with_free_func ((GDestroyNotify) ddl_compare_model_free);
  report->dir = resolve (cwd, dir);
  if (!json_parser_load_from_file (parser, path, &local))
    {
      g_set_error (error, G_IO_ERROR, g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                                      ? G_IO_ERROR_NOT_FOUND : G_IO_ERROR_INVALID_DATA,
                   "%s: %s", path, local->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return invalid (error, path, "not a JSON object"), NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (string_member (root, "format"), DDL_REPORT_FORMAT) != 0)
    return invalid (error, path, "not a DDL Studio report (format is not \""
                                 DDL_REPORT_FORMAT "\")"), NULL;
  report->title = g_strdup (string_member (root, "title"));
  footage = object_member (root, "footage");
  report->footage = resolve (report->dir, string_member (footage, "path"));
  if (report->footage == NULL)
    return invalid (error, path, "no footage path"), NULL;
  files = object_member (root, "files");
  report->scores_csv = resolve (report->dir, string_member (files, "scores_csv")
                                             ? string_member (files, "scores_csv") : "scores.csv");
  report->page = existing (resolve (report->dir, string_member (files, "index")));
  if (files != NULL && json_object_has_member (files, "videos")
      && JSON_NODE_HOLDS_ARRAY (json_object_get_member (files, "videos")))
    {
      JsonArray *videos = json_object_get_array_member (files, "videos");
      for (guint i = 0; i < json_array_get_length (videos) && report->video == NULL; i++)
        {
          JsonNode *node = json_array_get_element (videos, i);
          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            report->video = existing (resolve (report->dir, json_node_get_string (node)));
        }
    }
  if (!read_protocol (object_member (root, "protocol"), &report->eval, path, error))
    return NULL;

  models = json_object_has_member (root, "models") ? json_object_get_member (root, "models") : NULL;
  if (models == NULL || !JSON_NODE_HOLDS_ARRAY (models)
      || json_array_get_length (json_node_get_array (models)) == 0)
    return invalid (error, path, "no models"), NULL;
  JsonArray *array = json_node_get_array (models);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *name = string_member (o, "name");
      double v;
      if (name == NULL || *name == '\0')
        return invalid (error, path, "a model without a name"), NULL;
      DdlCompareModel *m = ddl_compare_model_new (name);
      g_ptr_array_add (report->models, m);
      m->checkpoint = resolve (report->dir, string_member (o, "checkpoint"));
      m->maps_dir = resolve (report->dir, string_member (o, "maps"));
      m->loss_log = resolve (report->dir, string_member (o, "loss_log"));
      read_config (object_member (o, "config"), m);
      m->anomaly_weight = number_member (o, "anomaly_weight");
      if (!isnan (v = number_member (o, "epochs_done")) && v >= 0)
        m->epochs_done = (guint) v;
      if (!isnan (v = number_member (o, "steps")) && v >= 0)
        m->steps = (guint64) v;
      m->train_fingerprint = g_strdup (string_member (o, "train_fingerprint"));
      m->train_seconds = number_member (o, "train_seconds");
      m->score_seconds = number_member (o, "score_seconds");
      m->report_micro_auc = number_member (object_member (o, "metrics"), "micro_auc");
    }
  return g_steal_pointer (&report);
}

void
ddl_compare_report_free (DdlCompareReport *report)
{
  if (report == NULL)
    return;
  g_free (report->dir);
  g_free (report->title);
  g_free (report->footage);
  g_free (report->scores_csv);
  g_free (report->page);
  g_free (report->video);
  g_clear_pointer (&report->models, g_ptr_array_unref);
  g_free (report);
}
