/* ddl-report.c: the report's files — metrics.json, scores.csv, scores.json, a CSV per
 * model, the timeline and ROC plots and index.html — each written atomically.
 *
 * Everything is worked out first (ddl-report-data.c), so a bad model name or labels
 * that do not fit the scores fail before any file is touched. */
#include "ddl-report-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ddl-plot.h"

/* Plot sizes: pixels for PNG, points for SVG and PDF. A wide timeline, because it
 * holds every test video end to end. */
#define TIMELINE_WIDTH  1200
#define TIMELINE_HEIGHT 320
#define ROC_SIZE        520

char *
ddl_report_to_json (const DdlReport *report, const char *dir, GError **error)
{
  g_autoptr(DdlReportData) data = ddl_report_data_new (report, error);
  g_autoptr(JsonBuilder) builder = NULL;

  if (data == NULL)
    return NULL;
  builder = json_builder_new ();
  ddl_report_build_card (builder, data, dir);
  json_builder_end_object (builder);
  return ddl_report_json_text (builder, TRUE);
}

/* The models' columns of the scores, in the models' order (the scores may hold more
 * columns, or the same ones in another order). */
static DdlScores *
select_columns (const DdlReportData *data, int only)
{
  const DdlReport *report = data->report;
  guint n_columns = only >= 0 ? 1 : report->n_models;
  g_autofree const char **names = g_new0 (const char *, n_columns + 1);
  DdlScores *out;

  for (guint c = 0; c < n_columns; c++)
    names[c] = only >= 0 ? "score" : report->models[c].name;
  out = ddl_scores_new (names);
  for (guint v = 0; v < report->scores->videos->len; v++)
    {
      const DdlScoreVideo *video = g_ptr_array_index (report->scores->videos, v);
      g_autofree double *values = g_new (double, MAX ((gsize) n_columns * video->n, 1));
      g_autofree guint *frames = g_new (guint, MAX (video->n, 1));
      guint n = 0;

      for (guint i = 0; i < video->n; i++)
        {
          /* a model's own file leaves out the frames it did not score */
          if (only >= 0 && isnan (ddl_score_video_get_column (video,
                                                              data->models[only].column)[i]))
            continue;
          frames[n++] = video->frames[i];
        }
      for (guint c = 0; c < n_columns; c++)
        {
          const double *column = ddl_score_video_get_column (
              video, data->models[only >= 0 ? (guint) only : c].column);
          for (guint i = 0, k = 0; i < video->n; i++)
            if (only < 0 || !isnan (column[i]))
              values[(gsize) c * n + k++] = column[i];
        }
      ddl_scores_add_video (out, video->name, n, frames, values);
    }
  return out;
}

static gboolean
save_csv (DdlScores *scores, const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;

  if (!ddl_scores_save_csv (scores, path, &local))
    {
      /* the message names the temporary file; say which file it was for */
      g_set_error (error, local->domain, local->code, "cannot write %s: %s", path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_scores (const DdlReportData *data, const char *csv_path, const char *json_path,
              const char *dir, GError **error)
{
  if (csv_path != NULL)
    {
      g_autoptr(DdlScores) all = select_columns (data, -1);
      if (!save_csv (all, csv_path, error))
        return FALSE;
    }
  if (json_path != NULL)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *text = NULL;

      ddl_report_build_card (builder, data, dir);
      ddl_report_build_scores (builder, data);
      json_builder_end_object (builder);
      text = ddl_report_json_text (builder, FALSE);
      if (!ddl_report_write_text (json_path, text, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
ddl_report_write_scores (const DdlReport *report, const char *csv_path,
                         const char *json_path, GError **error)
{
  g_autoptr(DdlReportData) data = NULL;
  g_autofree char *dir = json_path != NULL ? g_path_get_dirname (json_path) : NULL;

  if (csv_path == NULL && json_path == NULL)
    return TRUE;
  data = ddl_report_data_new (report, error);
  return data != NULL && write_scores (data, csv_path, json_path, dir, error);
}

static gboolean
write_timeline (const DdlReportData *data, const char *dir, GError **error)
{
  const DdlReport *report = data->report;
  g_autofree const char **names = g_new0 (const char *, report->n_models);
  g_autofree char *filter = ddl_eval_options_filter_to_string (&report->eval);
  g_autofree char *title = NULL;
  DdlPlotTimeline spec;

  for (guint m = 0; m < report->n_models; m++)
    names[m] = report->models[m].name;
  if (report->eval.filter == DDL_FILTER_NONE)
    title = g_strdup_printf ("%u test videos end to end, min-max per video", data->n_videos);
  else
    title = g_strdup_printf ("%u test videos end to end, %s, min-max per video",
                             data->n_videos, filter);
  ddl_plot_timeline_init (&spec);
  spec.title = title;
  spec.n_frames = data->n_timeline;
  spec.n_models = report->n_models;
  spec.model_names = names;
  spec.scores = data->curves;
  spec.labels = data->truth;
  spec.y_min = 0;
  spec.y_max = 1;
  spec.width = TIMELINE_WIDTH;
  spec.height = TIMELINE_HEIGHT;
  for (guint f = 0; f < G_N_ELEMENTS (ddl_report_plot_formats); f++)
    {
      g_autofree char *name = g_strdup_printf (DDL_REPORT_TIMELINE ".%s",
                                               ddl_report_plot_formats[f]);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (!ddl_plot_timeline (&spec, path, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_roc (const DdlReportData *data, const char *dir, GError **error)
{
  const DdlReport *report = data->report;
  g_autofree DdlPlotRocCurve *curves = g_new0 (DdlPlotRocCurve, report->n_models);
  g_autofree char *title = NULL;
  DdlPlotRoc spec;
  guint n = 0;
  gsize n_frames = 0;

  for (guint m = 0; m < report->n_models; m++)
    {
      const DdlEvalResult *r = data->models[m].eval;
      if (r == NULL || isnan (r->micro.auc))
        continue;
      curves[n].name = report->models[m].name;
      curves[n].points = r->micro.roc;
      curves[n].n_points = r->micro.n_roc;
      curves[n].auc = r->micro.auc;
      n_frames = MAX (n_frames, r->n_frames);
      n++;
    }
  title = g_strdup_printf ("ROC, %" G_GSIZE_FORMAT " frames pooled", n_frames);
  ddl_plot_roc_init (&spec);
  spec.title = title;
  spec.curves = curves;
  spec.n_curves = n;
  spec.width = spec.height = ROC_SIZE;
  for (guint f = 0; f < G_N_ELEMENTS (ddl_report_plot_formats); f++)
    {
      g_autofree char *name = g_strdup_printf (DDL_REPORT_ROC ".%s", ddl_report_plot_formats[f]);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (!ddl_plot_roc (&spec, path, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
ddl_report_write_folder (const DdlReport *report, const char *dir, GError **error)
{
  g_autoptr(DdlReportData) data = NULL;
  g_autofree char *csv = NULL, *json = NULL, *metrics = NULL, *index = NULL;
  g_autofree char *card = NULL, *html = NULL;

  g_return_val_if_fail (dir != NULL, FALSE);
  data = ddl_report_data_new (report, error);
  if (data == NULL)
    return FALSE;
  if (g_mkdir_with_parents (dir, 0777) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "cannot create the report folder %s: %s", dir, g_strerror (saved));
      return FALSE;
    }

  csv = g_build_filename (dir, DDL_REPORT_SCORES_CSV, NULL);
  json = g_build_filename (dir, DDL_REPORT_SCORES_JSON, NULL);
  if (!write_scores (data, csv, json, dir, error))
    return FALSE;
  for (guint m = 0; m < report->n_models; m++)
    {
      g_autoptr(DdlScores) own = select_columns (data, m);
      g_autofree char *path = g_build_filename (dir, data->models[m].scores_file, NULL);
      if (!save_csv (own, path, error))
        return FALSE;
    }
  if (!write_timeline (data, dir, error)
      || (data->has_roc && !write_roc (data, dir, error)))
    return FALSE;

  /* the card and the page last: they list the files above */
  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    ddl_report_build_card (builder, data, dir);
    json_builder_end_object (builder);
    card = ddl_report_json_text (builder, TRUE);
  }
  metrics = g_build_filename (dir, DDL_REPORT_METRICS_FILE, NULL);
  if (!ddl_report_write_text (metrics, card, error))
    return FALSE;
  html = ddl_report_html (data, dir);
  index = g_build_filename (dir, DDL_REPORT_INDEX_FILE, NULL);
  return ddl_report_write_text (index, html, error);
}
