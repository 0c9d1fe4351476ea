/* ddl-report-html.c: index.html, a static page that needs nothing but the files it
 * links (relative paths): the card as tables, the AUC differences and disagreements,
 * the plots, the rendered videos and a list of every file. Every piece of text that
 * comes from outside (titles, model and video names, paths) is escaped; numbers are
 * formatted with '.' whatever the locale. */
#include "config.h"

#include "ddl-report-private.h"

#include <math.h>

static const char style[] =
  ":root{--fg:#1d2330;--muted:#5b6472;--line:#dde1e8;--bg:#f5f6f8;--card:#fff}"
  "body{margin:0;background:var(--bg);color:var(--fg);"
  "font:15px/1.5 system-ui,-apple-system,'Segoe UI',Cantarell,sans-serif}"
  "main{max-width:1240px;margin:0 auto;padding:24px 28px 56px}"
  ".kicker{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:12px;"
  "color:var(--muted)}"
  "h1{font-size:28px;margin:2px 0 4px}"
  "h2{font-size:19px;margin:34px 0 12px;padding-bottom:4px;border-bottom:1px solid var(--line)}"
  "h3{margin:0 0 6px;font-size:17px}"
  ".meta,figcaption,.note{color:var(--muted);font-size:13px}"
  ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px}"
  ".card,figure{background:var(--card);border:1px solid var(--line);border-radius:8px;"
  "padding:12px 16px;margin:0 0 16px}"
  ".auc{font-size:28px;font-weight:600;margin:0 0 8px}"
  ".auc small{font-size:13px;font-weight:normal;color:var(--muted)}"
  "table{border-collapse:collapse;background:var(--card);font-size:14px;margin:0 0 12px}"
  "th,td{padding:4px 10px;border-bottom:1px solid var(--line);text-align:left;"
  "vertical-align:top}"
  ".card table{width:100%}"
  ".kv th{color:var(--muted);font-weight:normal;white-space:nowrap}"
  ".num{text-align:right;font-variant-numeric:tabular-nums}"
  ".pos{color:#1a7f37}.neg{color:#c62828}"
  "img,video{max-width:100%;height:auto;display:block}"
  "code{font-size:13px;word-break:break-all}"
  "ul.files{columns:2;padding-left:20px}";

static void
esc (GString *s, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);
  g_string_append (s, escaped);
}

/* A link target for `path`: relative and percent-encoded inside the folder, a file://
 * URI outside it. */
static void
href (GString *s, const char *path, const char *dir)
{
  g_autofree char *shown = ddl_report_path_in (path, dir);
  g_autofree char *uri = g_path_is_absolute (shown)
                         ? g_filename_to_uri (shown, NULL, NULL)
                         : g_uri_escape_string (shown, "/", FALSE);
  esc (s, uri != NULL ? uri : "");
}

static void
add_link (GString *s, const char *path, const char *dir, const char *text)
{
  g_autofree char *shown = ddl_report_path_in (path, dir);
  g_string_append (s, "<a href=\"");
  href (s, path, dir);
  g_string_append (s, "\"><code>");
  esc (s, text != NULL ? text : shown);
  g_string_append (s, "</code></a>");
}

/* `value` formatted with printf's `format` in the C locale; "n/a" for NaN. */
static const char *
num (char *buf, gsize size, const char *format, double value)
{
  if (!isfinite (value))
    return "n/a";
  return g_ascii_formatd (buf, size, format, value);
}

static void
percent (GString *s, double fraction)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (s, num (buf, sizeof buf, "%.2f", 100 * fraction));
  if (isfinite (fraction))
    g_string_append (s, " %");
}

/* A signed difference of fractions in percentage points, coloured by its sign. */
static void
points (GString *s, double difference)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (!isfinite (difference))
    {
      g_string_append (s, "n/a");
      return;
    }
  g_string_append_printf (s, "<span class=\"%s\">%s%s pp</span>",
                          difference > 0 ? "pos" : difference < 0 ? "neg" : "",
                          difference > 0 ? "+" : "",
                          num (buf, sizeof buf, "%.2f", 100 * difference));
}

/* A file of the report folder, by its bare name. */
static void
own_link (GString *s, const char *name)
{
  g_autofree char *uri = g_uri_escape_string (name, NULL, FALSE);
  g_string_append (s, "<li><a href=\"");
  esc (s, uri);
  g_string_append (s, "\"><code>");
  esc (s, name);
  g_string_append (s, "</code></a></li>\n");
}

static void
row_begin (GString *s, const char *key)
{
  g_string_append (s, "<tr><th>");
  esc (s, key);
  g_string_append (s, "</th><td>");
}

static void
row_text (GString *s, const char *key, const char *text)
{
  row_begin (s, key);
  esc (s, text != NULL ? text : "unknown");
  g_string_append (s, "</td></tr>\n");
}

static void
row_link (GString *s, const char *key, const char *path, const char *dir)
{
  if (path == NULL)
    return;
  row_begin (s, key);
  add_link (s, path, dir, NULL);
  g_string_append (s, "</td></tr>\n");
}

static void
model_metrics (GString *s, const DdlEvalResult *r)
{
  g_autofree char *frames = NULL;

  if (r == NULL)
    {
      g_string_append (s, "<p class=\"note\">No ground truth: no metrics.</p>\n");
      return;
    }
  g_string_append (s, "<p class=\"auc\">");
  percent (s, r->micro.auc);
  g_string_append (s, " <small>micro AUC</small></p>\n<table class=\"kv\">\n");
  row_begin (s, "macro AUC");
  percent (s, r->macro_auc);
  g_string_append_printf (s, " <span class=\"note\">(mean of %u of %u videos)</span></td></tr>\n",
                          r->n_macro_videos, r->n_videos);
  row_begin (s, "EER");
  percent (s, r->micro.eer);
  g_string_append (s, "</td></tr>\n");
  row_begin (s, "AUPR");
  percent (s, r->micro.aupr);
  g_string_append (s, "</td></tr>\n");
  frames = g_strdup_printf ("%" G_GSIZE_FORMAT " (%" G_GSIZE_FORMAT " anomalous)", r->n_frames,
                            r->n_anomalous);
  row_text (s, "frames evaluated", frames);
  g_string_append (s, "</table>\n");
}

static void
model_config (GString *s, const DdlReportModel *m)
{
  const DdlModelConfig *c = m->config;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *text = NULL;

  g_string_append (s, "<table class=\"kv\">\n");
  if (c != NULL)
    {
      row_text (s, "mode", ddl_mode_to_string (c->mode));
      row_text (s, "architecture", ddl_arch_to_string (c->arch));
      text = g_strdup_printf ("%u x %u, %u channel%s, T = %u, latent %u", c->width, c->height,
                              c->channels, c->channels == 1 ? "" : "s", c->temporal, c->latent);
      row_text (s, "input", text);
      g_free (text);
      text = g_strdup_printf ("%u of %u, %" G_GUINT64_FORMAT " steps, batch %u", m->epochs_done,
                              c->epochs, m->steps, c->batch);
      row_text (s, "epochs", text);
      g_free (text);
      /* one number at a time: num () writes into one buffer */
      GString *t = g_string_new ("lr ");
      g_string_append (t, num (buf, sizeof buf, "%g", c->lr));
      g_string_append (t, ", lambda ");
      g_string_append (t, num (buf, sizeof buf, "%g", c->lambda));
      g_string_append (t, ", static weight ");
      g_string_append (t, num (buf, sizeof buf, "%g", c->static_weight));
      g_string_append_printf (t, ", L_dist %s, patch %u, seed %" G_GUINT64_FORMAT,
                              c->dist == DDL_DIST_PAPER ? "paper" : "reference", c->patch,
                              c->seed);
      row_text (s, "training", t->str);
      g_string_free (t, TRUE);
      text = g_strdup_printf ("%" G_GUINT64_FORMAT, ddl_model_config_count_parameters (c));
      row_text (s, "parameters", text);
      g_clear_pointer (&text, g_free);
    }
  else
    row_text (s, "configuration", NULL);
  row_text (s, "sigma(l)", isfinite (m->anomaly_weight)
                           ? num (buf, sizeof buf, "%.6f", m->anomaly_weight) : NULL);
  row_text (s, "trained on", m->train_fingerprint);
  if (isfinite (m->train_seconds))
    {
      text = g_strdup_printf ("%s s", num (buf, sizeof buf, "%.1f", m->train_seconds));
      row_text (s, "training time", text);
      g_clear_pointer (&text, g_free);
    }
  if (isfinite (m->score_seconds))
    {
      text = g_strdup_printf ("%s s", num (buf, sizeof buf, "%.1f", m->score_seconds));
      row_text (s, "scoring time", text);
      g_clear_pointer (&text, g_free);
    }
  g_string_append (s, "</table>\n");
}

static void
models_section (GString *s, const DdlReportData *data, const char *dir)
{
  const DdlReport *report = data->report;

  g_string_append (s, "<h2>Models</h2>\n<div class=\"cards\">\n");
  for (guint m = 0; m < report->n_models; m++)
    {
      const DdlReportEntry *e = &data->models[m];
      g_autofree char *own = g_build_filename (dir, e->scores_file, NULL);

      g_string_append (s, "<section class=\"card\">\n<h3>");
      esc (s, e->info->name);
      g_string_append (s, "</h3>\n");
      model_metrics (s, e->eval);
      model_config (s, e->info);
      g_string_append (s, "<table class=\"kv\">\n");
      row_link (s, "checkpoint", e->info->checkpoint, dir);
      row_link (s, "scores", own, dir);
      row_link (s, "maps", e->info->maps_dir, dir);
      row_link (s, "loss log", e->info->loss_log, dir);
      g_string_append (s, "</table>\n</section>\n");
    }
  g_string_append (s, "</div>\n");
}

static void
footage_section (GString *s, const DdlReportData *data, const char *dir)
{
  const DdlReport *report = data->report;
  g_autofree char *filter = ddl_eval_options_filter_to_string (&report->eval);
  g_autofree char *counts = NULL;

  g_string_append (s, "<h2>Footage and protocol</h2>\n<table class=\"kv\">\n");
  if (report->footage != NULL)
    {
      g_autofree char *shown = ddl_report_path_in (report->footage, dir);
      row_text (s, "footage", shown);
    }
  row_text (s, "fingerprint", data->footage_fingerprint);
  if (data->n_anomalous >= 0)
    counts = g_strdup_printf ("%u videos, %" G_GSIZE_FORMAT " frames scored and labelled, %"
                              G_GSSIZE_FORMAT " anomalous", data->n_videos, data->n_frames,
                              data->n_anomalous);
  else
    counts = g_strdup_printf ("%u videos, %" G_GSIZE_FORMAT " frames scored, no ground truth",
                              data->n_videos, data->n_frames);
  row_text (s, "test frames", counts);
  row_text (s, "normalisation", report->eval.normalize == DDL_NORMALIZE_PER_VIDEO
                                ? "min-max per video" : "none");
  row_text (s, "filter", filter);
  row_text (s, "macro AUC", report->eval.macro == DDL_MACRO_PAD
                            ? "every video padded with a normal 0 and an anomalous 1 (AED-MAE)"
                            : "videos with one class left out");
  g_string_append (s, "</table>\n");
}

static void
per_video_table (GString *s, const DdlReportData *data)
{
  const DdlReport *report = data->report;
  const DdlEvalResult *first = data->models[0].eval;

  g_string_append (s, "<h3>AUC per video</h3>\n<table>\n<tr><th>video</th>"
                      "<th class=\"num\">frames</th><th class=\"num\">anomalous</th>");
  for (guint m = 0; m < report->n_models; m++)
    {
      g_string_append (s, "<th class=\"num\">");
      esc (s, report->models[m].name);
      g_string_append (s, "</th>");
    }
  g_string_append (s, "</tr>\n");
  for (guint v = 0; v < first->n_videos; v++)
    {
      g_string_append (s, "<tr><td>");
      esc (s, first->videos[v].name);
      g_string_append_printf (s, "</td><td class=\"num\">%" G_GSIZE_FORMAT "</td>"
                              "<td class=\"num\">%" G_GSIZE_FORMAT "</td>",
                              first->videos[v].n_frames, first->videos[v].n_anomalous);
      for (guint m = 0; m < report->n_models; m++)
        {
          g_string_append (s, "<td class=\"num\">");
          percent (s, data->models[m].eval->videos[v].auc);
          g_string_append (s, "</td>");
        }
      g_string_append (s, "</tr>\n");
    }
  g_string_append (s, "</table>\n");
}

static void
disagreement_table (GString *s, const DdlReportData *data, const DdlReportPair *pair)
{
  const DdlReport *report = data->report;
  const char *a = report->models[pair->a].name, *b = report->models[pair->b].name;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  guint n;
  const DdlDisagreement *list = ddl_disagreements_get (pair->list, &n);

  g_string_append (s, "<h3>Where ");
  esc (s, a);
  g_string_append (s, " and ");
  esc (s, b);
  g_string_append (s, " disagree most</h3>\n");
  if (n == 0)
    {
      g_string_append (s, "<p class=\"note\">No frame scored by both.</p>\n");
      return;
    }
  g_string_append (s, "<table>\n<tr><th class=\"num\">#</th><th>video</th>"
                      "<th class=\"num\">frame</th><th class=\"num\">");
  esc (s, a);
  g_string_append (s, "</th><th class=\"num\">");
  esc (s, b);
  g_string_append (s, "</th><th class=\"num\">difference</th><th>truth</th></tr>\n");
  for (guint i = 0; i < n; i++)
    {
      const DdlScoreVideo *video = g_ptr_array_index (report->scores->videos, list[i].video);
      gboolean labelled = data->truth != NULL
                          && ddl_labels_lookup (report->labels, video->name) != NULL;

      g_string_append_printf (s, "<tr><td class=\"num\">%u</td><td>", i + 1);
      esc (s, video->name);
      g_string_append_printf (s, "</td><td class=\"num\">%u</td>", list[i].frame);
      g_string_append_printf (s, "<td class=\"num\">%s</td>",
                              num (buf, sizeof buf, "%.3f", list[i].a));
      g_string_append_printf (s, "<td class=\"num\">%s</td>",
                              num (buf, sizeof buf, "%.3f", list[i].b));
      g_string_append_printf (s, "<td class=\"num\">%s%s</td><td>",
                              list[i].difference > 0 ? "+" : "",
                              num (buf, sizeof buf, "%.3f", list[i].difference));
      if (labelled)
        g_string_append (s, data->truth[data->video_start[list[i].video] + list[i].frame]
                            ? "anomalous" : "normal");
      else
        g_string_append (s, "unknown");
      g_string_append (s, "</td></tr>\n");
    }
  g_string_append (s, "</table>\n");
}

static void
comparison_section (GString *s, const DdlReportData *data)
{
  const DdlReport *report = data->report;

  if (report->n_models < 2 && data->models[0].eval == NULL)
    return;
  g_string_append (s, "<h2>Comparison</h2>\n");
  if (data->n_pairs > 0 && data->models[0].eval != NULL)
    {
      g_string_append (s, "<table>\n<tr><th>difference</th><th class=\"num\">micro AUC</th>"
                          "<th class=\"num\">macro AUC</th></tr>\n");
      for (guint p = 0; p < data->n_pairs; p++)
        {
          g_string_append (s, "<tr><td>");
          esc (s, report->models[data->pairs[p].a].name);
          g_string_append (s, " &#8722; ");
          esc (s, report->models[data->pairs[p].b].name);
          g_string_append (s, "</td><td class=\"num\">");
          points (s, data->pairs[p].micro);
          g_string_append (s, "</td><td class=\"num\">");
          points (s, data->pairs[p].macro);
          g_string_append (s, "</td></tr>\n");
        }
      g_string_append (s, "</table>\n");
    }
  if (data->models[0].eval != NULL)
    per_video_table (s, data);
  if (data->n_pairs > 0)
    g_string_append_printf (s, "<p class=\"note\">Disagreements compare the curves after the "
                               "filter and a min-max normalisation per video, so that the "
                               "models' scales match; listed frames of a video are at least "
                               "%u frames apart. Frames are numbered from 0.</p>\n",
                            DDL_REPORT_DISAGREEMENT_SPACING);
  for (guint p = 0; p < data->n_pairs; p++)
    disagreement_table (s, data, &data->pairs[p]);
}

static void
figure (GString *s, const char *stem, const char *alt, const char *caption)
{
  g_string_append_printf (s, "<figure><img src=\"%s.png\" alt=\"", stem);
  esc (s, alt);
  g_string_append (s, "\"><figcaption>");
  esc (s, caption);
  g_string_append_printf (s, " Also as <a href=\"%s.svg\">SVG</a> and "
                             "<a href=\"%s.pdf\">PDF</a>.</figcaption></figure>\n", stem, stem);
}

static void
media_section (GString *s, const DdlReportData *data, const char *dir)
{
  const DdlReport *report = data->report;

  g_string_append (s, "<h2>Plots</h2>\n");
  figure (s, DDL_REPORT_TIMELINE, "Score timeline of every test video",
          report->labels != NULL
          ? "Every test video end to end; ground-truth anomalies shaded."
          : "Every test video end to end (no ground truth).");
  if (data->has_roc)
    figure (s, DDL_REPORT_ROC, "ROC curves", "ROC of every model over all frames pooled, "
            "with its AUC.");
  if (report->videos == NULL || report->videos[0] == NULL)
    return;
  g_string_append (s, "<h2>Rendered videos</h2>\n");
  for (const char * const *v = report->videos; *v != NULL; v++)
    {
      g_autofree char *name = g_path_get_basename (*v);
      g_string_append (s, "<figure><video controls preload=\"metadata\" src=\"");
      href (s, *v, dir);
      g_string_append (s, "\"></video><figcaption>");
      add_link (s, *v, dir, name);
      g_string_append (s, "</figcaption></figure>\n");
    }
}

static void
files_section (GString *s, const DdlReportData *data, const char *dir)
{
  const DdlReport *report = data->report;
  const char *fixed[] = { DDL_REPORT_METRICS_FILE, DDL_REPORT_SCORES_CSV,
                          DDL_REPORT_SCORES_JSON };

  g_string_append (s, "<h2>Files</h2>\n<ul class=\"files\">\n");
  for (guint i = 0; i < G_N_ELEMENTS (fixed); i++)
    {
      own_link (s, fixed[i]);
    }
  for (guint m = 0; m < report->n_models; m++)
    {
      own_link (s, data->models[m].scores_file);
    }
  for (guint k = 0; k < (data->has_roc ? 2u : 1u); k++)
    for (guint f = 0; f < G_N_ELEMENTS (ddl_report_plot_formats); f++)
      {
        g_autofree char *name = g_strdup_printf ("%s.%s", k ? DDL_REPORT_ROC : DDL_REPORT_TIMELINE,
                                                 ddl_report_plot_formats[f]);
        own_link (s, name);
      }
  for (const char * const *v = report->videos; v != NULL && *v != NULL; v++)
    {
      g_string_append (s, "<li>");
      add_link (s, *v, dir, NULL);
      g_string_append (s, "</li>\n");
    }
  g_string_append (s, "</ul>\n");
}

char *
ddl_report_html (const DdlReportData *data, const char *dir)
{
  const DdlReport *report = data->report;
  GString *s = g_string_new ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                             "<meta charset=\"utf-8\">\n"
                             "<meta name=\"viewport\" content=\"width=device-width\">\n"
                             "<title>");

  esc (s, data->title);
  g_string_append_printf (s, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n"
                             "<header>\n<p class=\"kicker\">DDL Studio report</p>\n<h1>",
                          style);
  esc (s, data->title);
  g_string_append (s, "</h1>\n<p class=\"meta\">Created ");
  esc (s, data->created);
  g_string_append (s, " by DDL Studio " PACKAGE_VERSION);
  if (report->device != NULL)
    {
      g_string_append (s, " on ");
      esc (s, report->device);
    }
  g_string_append (s, ".</p>\n</header>\n");

  footage_section (s, data, dir);
  models_section (s, data, dir);
  comparison_section (s, data);
  media_section (s, data, dir);
  files_section (s, data, dir);
  g_string_append (s, "</main>\n</body>\n</html>\n");
  return g_string_free (s, FALSE);
}
