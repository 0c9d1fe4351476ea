/* test-report: the report folder (ddl-report.h) checked against values computed here
 * independently — O(n^2) pairwise AUCs, a median filter and min-max of our own, and a
 * brute-force disagreement search — on random seeded scores with ties, missing frames
 * and a single-class video. Also the schema of metrics.json, the round trip of
 * scores.csv and scores.json, the plots' signatures, HTML escaping, atomic writes
 * (no temporary files left) and errors. No device needed. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ddl-dataset.h"
#include "ddl-report.h"
#include "ddl-test-media.h"
#include "ddl-test-util.h"

#define N_VIDEOS 5
static const guint video_lengths[N_VIDEOS] = { 41, 57, 23, 64, 35 };
static const char * const video_names[N_VIDEOS] = { "01", "02", "03", "04", "05" };
static const char * const model_names[] = { "sdl", "ddl", NULL };
#define N_MODELS 2
#define SPACING 8   /* what the report uses; checked through the brute force */

/* ---- data ------------------------------------------------------------------------- */

/* Scores for frames 1 .. n-2 (a T = 3 model), quantised to 1/16 so that ties are
 * common; ddl leans towards the labels. Video 03 is all normal (no AUC of its own);
 * sdl has no score at frame 5 of video 01. */
static void
make_data (guint64 seed, DdlScores **scores_out, DdlLabels **labels_out)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) seed);
  DdlScores *scores = ddl_scores_new (model_names);
  DdlLabels *labels = ddl_labels_new ();

  for (guint v = 0; v < N_VIDEOS; v++)
    {
      guint n = video_lengths[v], m = n - 2;
      g_autofree guint8 *truth = g_new0 (guint8, n);
      g_autofree guint *frames = g_new (guint, m);
      g_autofree double *values = g_new (double, (gsize) N_MODELS * m);
      guint start = g_rand_int_range (rand, 0, n / 2), len = g_rand_int_range (rand, 3, n / 2);

      if (v != 2)
        for (guint f = start; f < MIN (n, start + len); f++)
          truth[f] = 1;
      for (guint i = 0; i < m; i++)
        {
          guint f = i + 1;
          frames[i] = f;
          values[i] = floor (g_rand_double (rand) * 16) / 16;
          values[m + i] = floor ((g_rand_double (rand) * 0.8 + 0.3 * truth[f]) * 16) / 16;
        }
      if (v == 0)
        values[4] = NAN;   /* frame 5 */
      ddl_scores_add_video (scores, video_names[v], m, frames, values);
      ddl_labels_add_video (labels, video_names[v], truth, n);
    }
  *scores_out = scores;
  *labels_out = labels;
}

/* ---- independent computations ------------------------------------------------------- */

/* P(positive > negative) + 1/2 P(tie), by comparing every pair. */
static double
pairwise_auc (const double *s, const guint8 *l, gsize n)
{
  double wins = 0;
  gsize np = 0, nn = 0;

  for (gsize i = 0; i < n; i++)
    l[i] ? np++ : nn++;
  if (np == 0 || nn == 0)
    return NAN;
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < n; j++)
      if (l[i] && !l[j])
        wins += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
  return wins / ((double) np * nn);
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Median of odd window w, edges replicated, by sorting each window. */
static void
test_median (double *out, const double *in, gsize n, guint w)
{
  double window[64];
  for (gsize i = 0; i < n; i++)
    {
      for (guint k = 0; k < w; k++)
        {
          gssize j = (gssize) i + (gssize) k - (gssize) (w / 2);
          window[k] = in[CLAMP (j, 0, (gssize) n - 1)];
        }
      qsort (window, w, sizeof (double), cmp_double);
      out[i] = window[w / 2];
    }
}

static void
test_minmax (double *x, gsize n)
{
  double lo = INFINITY, hi = -INFINITY;
  for (gsize i = 0; i < n; i++)
    lo = MIN (lo, x[i]), hi = MAX (hi, x[i]);
  for (gsize i = 0; i < n; i++)
    x[i] = hi > lo ? (x[i] - lo) / (hi - lo) : 0.0;
}

/* A model's scored frames of a video in order, filtered (median_window 0: none) and
 * optionally min-max normalised, as a dense curve of the video's length (NAN where
 * unscored). */
static double *
test_curve (const DdlScoreVideo *video, guint column, guint n, guint median_window,
            gboolean minmax)
{
  const double *values = ddl_score_video_get_column (video, column);
  double *curve = g_new (double, n);
  g_autofree double *s = g_new (double, video->n + 1);
  g_autofree double *t = g_new (double, video->n + 1);
  g_autofree guint *at = g_new (guint, video->n + 1);
  gsize m = 0;

  for (guint f = 0; f < n; f++)
    curve[f] = NAN;
  for (guint i = 0; i < video->n; i++)
    if (!isnan (values[i]))
      {
        s[m] = values[i];
        at[m++] = video->frames[i];
      }
  if (median_window > 1)
    test_median (t, s, m, median_window);
  else
    memcpy (t, s, m * sizeof (double));
  if (minmax)
    test_minmax (t, m);
  for (gsize i = 0; i < m; i++)
    curve[at[i]] = t[i];
  return curve;
}

typedef struct {
  guint  video, frame;
  double a, b;
} Pick;

/* Greedy selection by scanning every candidate for the largest |a - b| not yet taken
 * and not within `spacing` frames of a taken frame of its video (ties: lower video,
 * then lower frame). O(picks x candidates). */
static GArray *
brute_disagreements (double * const *a, double * const *b, const guint *lengths,
                     guint n_videos, guint max_results, guint spacing)
{
  GArray *picks = g_array_new (FALSE, FALSE, sizeof (Pick));

  while (picks->len < max_results)
    {
      gboolean found = FALSE;
      Pick best = { 0 };
      for (guint v = 0; v < n_videos; v++)
        for (guint f = 0; f < lengths[v]; f++)
          {
            gboolean blocked = isnan (a[v][f]) || isnan (b[v][f]);
            for (guint k = 0; k < picks->len && !blocked; k++)
              {
                Pick *p = &g_array_index (picks, Pick, k);
                blocked = p->video == v && (guint) abs ((int) p->frame - (int) f) < MAX (spacing, 1);
              }
            if (blocked)
              continue;
            double d = fabs (a[v][f] - b[v][f]);
            if (!found || d > fabs (best.a - best.b))   /* strict: the first of ties wins */
              {
                best = (Pick) { v, f, a[v][f], b[v][f] };
                found = TRUE;
              }
          }
      if (!found)
        break;
      g_array_append_val (picks, best);
    }
  return picks;
}

/* ---- helpers ------------------------------------------------------------------------ */

static JsonObject *
load_json (const char *path, JsonParser **parser)
{
  g_autoptr(GError) error = NULL;
  *parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (*parser, path, &error));
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (*parser)));
  return json_node_get_object (json_parser_get_root (*parser));
}

/* Exactly these members (the schema in ddl-report.h is closed). */
static void
check_members (JsonObject *o, const char *what, const char * const *names)
{
  guint n = 0;
  for (; names[n] != NULL; n++)
    if (!json_object_has_member (o, names[n]))
      g_error ("%s has no member '%s'", what, names[n]);
  /* scores.json is the card plus "scores" */
  g_assert_cmpuint (json_object_get_size (o), ==, n + (strcmp (what, "card") == 0
                                                       && json_object_has_member (o, "scores")));
}

/* A number member, NAN for null. */
static double
get_number (JsonObject *o, const char *name)
{
  JsonNode *node = json_object_get_member (o, name);
  g_assert_nonnull (node);
  if (JSON_NODE_HOLDS_NULL (node))
    return NAN;
  return json_node_get_double (node);
}

static void
assert_same (double got, double want, const char *what)
{
  if (isnan (want) ? !isnan (got) : fabs (got - want) > 1e-12)
    g_error ("%s: got %.17g, want %.17g", what, got, want);
}

static gboolean
file_starts_with (const char *path, const char *prefix, gsize n)
{
  g_autofree char *data = NULL;
  gsize len;
  return g_file_get_contents (path, &data, &len, NULL) && len >= n && memcmp (data, prefix, n) == 0;
}

static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *data = NULL;
  return g_file_get_contents (path, &data, NULL, NULL) && strstr (data, needle) != NULL;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Every entry of `dir`, sorted, as one comma-separated string. */
static char *
list_dir (const char *dir)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (d);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

static void
init_report (DdlReport *report, DdlReportModel *models, DdlScores *scores, DdlLabels *labels)
{
  ddl_report_init (report);
  for (guint m = 0; m < N_MODELS; m++)
    {
      memset (&models[m], 0, sizeof models[m]);
      models[m].name = model_names[m];
      models[m].anomaly_weight = NAN;
      models[m].train_seconds = NAN;
      models[m].score_seconds = NAN;
    }
  report->scores = scores;
  report->labels = labels;
  report->models = models;
  report->n_models = N_MODELS;
}

/* ---- the folder, checked value by value ---------------------------------------------- */

static const char * const card_members[] = { "format", "version", "created", "software", "title",
  "device", "footage", "protocol", "models", "comparison", "files", NULL };
static const char * const footage_members[] = { "path", "fingerprint", "videos", "frames",
  "anomalous_frames", NULL };
static const char * const protocol_members[] = { "normalize", "filter", "macro", NULL };
static const char * const model_members[] = { "name", "checkpoint", "scores", "maps", "loss_log",
  "config", "anomaly_weight", "epochs_done", "steps", "train_fingerprint", "train_seconds",
  "score_seconds", "metrics", NULL };
static const char * const config_members[] = { "arch", "mode", "latent", "channels", "temporal",
  "width", "height", "batch", "epochs", "lr", "lambda", "static_weight", "dist", "patch", "seed",
  "parameters", NULL };
static const char * const metrics_members[] = { "micro_auc", "macro_auc", "eer", "eer_threshold",
  "aupr", "frames", "anomalous_frames", "videos", NULL };
static const char * const comparison_members[] = { "auc_differences", "disagreements", NULL };
static const char * const difference_members[] = { "a", "b", "micro_auc", "macro_auc", NULL };
static const char * const disagreement_members[] = { "a", "b", "video", "frame", "a_score",
  "b_score", "label", NULL };
static const char * const files_members[] = { "scores_csv", "scores_json", "timeline", "roc",
  "videos", "index", NULL };

static void
check_schema (JsonObject *card, gboolean with_labels)
{
  JsonArray *models, *list;

  check_members (card, "card", card_members);
  g_assert_cmpstr (json_object_get_string_member (card, "format"), ==, DDL_REPORT_FORMAT);
  g_assert_cmpint (json_object_get_int_member (card, "version"), ==, DDL_REPORT_VERSION);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (card, "software"),
                                   "DDL Studio "));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (card, "created"), "Z"));
  check_members (json_object_get_object_member (card, "footage"), "footage", footage_members);
  check_members (json_object_get_object_member (card, "protocol"), "protocol", protocol_members);
  models = json_object_get_array_member (card, "models");
  g_assert_cmpuint (json_array_get_length (models), ==, N_MODELS);
  for (guint m = 0; m < N_MODELS; m++)
    {
      JsonObject *model = json_array_get_object_element (models, m);
      check_members (model, "model", model_members);
      if (!json_object_get_null_member (model, "config"))
        check_members (json_object_get_object_member (model, "config"), "config", config_members);
      g_assert_true (json_object_get_null_member (model, "metrics") == !with_labels);
      if (with_labels)
        {
          JsonObject *metrics = json_object_get_object_member (model, "metrics");
          JsonArray *videos = json_object_get_array_member (metrics, "videos");
          check_members (metrics, "metrics", metrics_members);
          g_assert_cmpuint (json_array_get_length (videos), ==, N_VIDEOS);
          for (guint v = 0; v < N_VIDEOS; v++)
            {
              static const char * const video_members[] = { "name", "auc", NULL };
              check_members (json_array_get_object_element (videos, v), "video", video_members);
            }
        }
    }
  JsonObject *comparison = json_object_get_object_member (card, "comparison");
  check_members (comparison, "comparison", comparison_members);
  list = json_object_get_array_member (comparison, "auc_differences");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  check_members (json_array_get_object_element (list, 0), "difference", difference_members);
  list = json_object_get_array_member (comparison, "disagreements");
  for (guint i = 0; i < json_array_get_length (list); i++)
    check_members (json_array_get_object_element (list, i), "disagreement", disagreement_members);
  check_members (json_object_get_object_member (card, "files"), "files", files_members);
}

/* Micro, macro and per-video AUCs of model m from the pairwise definition, on curves
 * post-processed here. */
static void
check_metrics (JsonObject *metrics, DdlScores *scores, DdlLabels *labels, guint m,
               guint median_window, gboolean normalize, double *micro_out, double *macro_out)
{
  g_autoptr(GArray) all_s = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GByteArray) all_l = g_byte_array_new ();
  JsonArray *videos = json_object_get_array_member (metrics, "videos");
  double macro = 0;
  guint n_macro = 0;

  for (guint v = 0; v < N_VIDEOS; v++)
    {
      DdlScoreVideo *video = g_ptr_array_index (scores->videos, v);
      DdlLabelVideo *truth = ddl_labels_lookup (labels, video->name);
      g_autofree double *curve = test_curve (video, m, truth->n_frames, median_window, normalize);
      g_autoptr(GArray) s = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GByteArray) l = g_byte_array_new ();
      for (guint f = 0; f < truth->n_frames; f++)
        if (!isnan (curve[f]))
          {
            g_array_append_val (s, curve[f]);
            g_byte_array_append (l, &truth->labels[f], 1);
          }
      double auc = pairwise_auc ((double *) s->data, l->data, s->len);
      JsonObject *entry = json_array_get_object_element (videos, v);
      g_assert_cmpstr (json_object_get_string_member (entry, "name"), ==, video->name);
      assert_same (get_number (entry, "auc"), auc, "video AUC");
      if (!isnan (auc))
        macro += auc, n_macro++;
      g_array_append_vals (all_s, s->data, s->len);
      g_byte_array_append (all_l, l->data, l->len);
    }
  g_assert_cmpuint (n_macro, ==, N_VIDEOS - 1);   /* video 03 has one class */
  *micro_out = pairwise_auc ((double *) all_s->data, all_l->data, all_s->len);
  *macro_out = macro / n_macro;
  assert_same (get_number (metrics, "micro_auc"), *micro_out, "micro AUC");
  assert_same (get_number (metrics, "macro_auc"), *macro_out, "macro AUC");
  g_assert_cmpint (json_object_get_int_member (metrics, "frames"), ==, all_s->len);
  g_assert_true (isfinite (get_number (metrics, "eer")));
  g_assert_true (isfinite (get_number (metrics, "aupr")));
}

/* The listed disagreements of (a = ddl, b = sdl) against the brute force. */
static void
check_disagreements (JsonArray *list, DdlScores *scores, DdlLabels *labels, guint median_window,
                     guint max_results)
{
  double *a[N_VIDEOS], *b[N_VIDEOS];
  guint lengths[N_VIDEOS];
  g_autoptr(GArray) picks = NULL;

  for (guint v = 0; v < N_VIDEOS; v++)
    {
      DdlScoreVideo *video = g_ptr_array_index (scores->videos, v);
      lengths[v] = video_lengths[v];
      a[v] = test_curve (video, 1, lengths[v], median_window, TRUE);
      b[v] = test_curve (video, 0, lengths[v], median_window, TRUE);
    }
  picks = brute_disagreements (a, b, lengths, N_VIDEOS, max_results, SPACING);
  g_assert_cmpuint (picks->len, ==, max_results);
  g_assert_cmpuint (json_array_get_length (list), ==, picks->len);
  for (guint i = 0; i < picks->len; i++)
    {
      Pick *p = &g_array_index (picks, Pick, i);
      JsonObject *o = json_array_get_object_element (list, i);
      DdlLabelVideo *truth = labels ? ddl_labels_lookup (labels, video_names[p->video]) : NULL;
      g_assert_cmpstr (json_object_get_string_member (o, "a"), ==, "ddl");
      g_assert_cmpstr (json_object_get_string_member (o, "b"), ==, "sdl");
      g_assert_cmpstr (json_object_get_string_member (o, "video"), ==, video_names[p->video]);
      g_assert_cmpint (json_object_get_int_member (o, "frame"), ==, p->frame);
      assert_same (get_number (o, "a_score"), p->a, "a_score");
      assert_same (get_number (o, "b_score"), p->b, "b_score");
      if (truth != NULL)
        g_assert_cmpint (json_object_get_int_member (o, "label"), ==, truth->labels[p->frame]);
      else
        g_assert_true (json_object_get_null_member (o, "label"));
    }
  for (guint v = 0; v < N_VIDEOS; v++)
    {
      g_free (a[v]);
      g_free (b[v]);
    }
}

/* scores.csv and scores.json hold exactly the scores given. */
static void
check_scores_files (const char *dir, DdlScores *scores, DdlLabels *labels)
{
  g_autofree char *csv = g_build_filename (dir, "scores.csv", NULL);
  g_autofree char *json = g_build_filename (dir, "scores.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlScores) back = ddl_scores_load_csv (csv, &error);
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *card;
  JsonArray *list;

  g_assert_no_error (error);
  g_assert_cmpuint (ddl_scores_get_n_columns (back), ==, N_MODELS);
  for (guint m = 0; m < N_MODELS; m++)
    g_assert_cmpstr (g_ptr_array_index (back->columns, m), ==, model_names[m]);
  g_assert_cmpuint (back->videos->len, ==, N_VIDEOS);

  card = load_json (json, &parser);
  check_schema (card, labels != NULL);   /* the card is there too */
  list = json_object_get_array_member (card, "scores");
  g_assert_cmpuint (json_array_get_length (list), ==, N_VIDEOS);
  for (guint v = 0; v < N_VIDEOS; v++)
    {
      DdlScoreVideo *want = g_ptr_array_index (scores->videos, v);
      DdlScoreVideo *got = g_ptr_array_index (back->videos, v);
      JsonObject *entry = json_array_get_object_element (list, v);
      JsonArray *frames = json_object_get_array_member (entry, "frames");

      g_assert_cmpstr (got->name, ==, want->name);
      g_assert_cmpuint (got->n, ==, want->n);
      g_assert_cmpstr (json_object_get_string_member (entry, "video"), ==, want->name);
      g_assert_cmpuint (json_array_get_length (frames), ==, want->n);
      if (labels == NULL)
        g_assert_true (json_object_get_null_member (entry, "labels"));
      for (guint i = 0; i < want->n; i++)
        {
          g_assert_cmpuint (got->frames[i], ==, want->frames[i]);
          g_assert_cmpint (json_array_get_int_element (frames, i), ==, want->frames[i]);
          if (labels != NULL)
            {
              DdlLabelVideo *truth = ddl_labels_lookup (labels, want->name);
              JsonArray *l = json_object_get_array_member (entry, "labels");
              g_assert_cmpint (json_array_get_int_element (l, i), ==,
                               truth->labels[want->frames[i]]);
            }
          for (guint m = 0; m < N_MODELS; m++)
            {
              double w = ddl_score_video_get_column (want, m)[i];
              double g = ddl_score_video_get_column (got, m)[i];
              JsonNode *node = json_array_get_element (json_object_get_array_member (
                                                         entry, model_names[m]), i);
              g_assert_true (isnan (w) ? isnan (g) : g == w);
              g_assert_true (isnan (w) ? JSON_NODE_HOLDS_NULL (node)
                                       : json_node_get_double (node) == w);
            }
        }
    }
}

static void
check_plots (const char *dir, const char *stem)
{
  static const char png_magic[] = "\x89PNG\r\n\x1a\n";
  g_autofree char *png = g_strdup_printf ("%s/%s.png", dir, stem);
  g_autofree char *pdf = g_strdup_printf ("%s/%s.pdf", dir, stem);
  g_autofree char *svg = g_strdup_printf ("%s/%s.svg", dir, stem);

  g_assert_true (file_starts_with (png, png_magic, 8));
  g_assert_true (file_starts_with (pdf, "%PDF", 4));
  g_assert_true (file_contains (svg, "<svg"));
}

static void
run_folder_case (guint64 seed, guint median_window, gboolean normalize, guint n_disagreements)
{
  g_autoptr(DdlScores) scores = NULL;
  g_autoptr(DdlLabels) labels = NULL;
  g_autofree char *tmp = ddl_test_media_tmpdir ();
  g_autofree char *dir = g_build_filename (tmp, "report", NULL);
  g_autofree char *video = g_build_filename (dir, "video-01.webm", NULL);
  g_autofree char *inside = g_build_filename (dir, "models", "ddl.safetensors", NULL);
  g_autofree char *metrics_path = g_build_filename (dir, "metrics.json", NULL);
  g_autofree char *index = g_build_filename (dir, "index.html", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  const char *videos[] = { video, NULL };
  DdlReportModel models[N_MODELS];
  DdlModelConfig config;
  DdlReport report;
  double micro[N_MODELS], macro[N_MODELS];

  make_data (seed, &scores, &labels);
  init_report (&report, models, scores, labels);
  ddl_model_config_init_default (&config);
  models[0].checkpoint = "/elsewhere/sdl.safetensors";
  models[1].checkpoint = inside;
  models[1].config = &config;
  models[1].anomaly_weight = 0.25;
  models[1].epochs_done = 3;
  models[1].steps = 42;
  models[1].train_fingerprint = "train-fp";
  models[1].train_seconds = 12.5;
  report.title = "Walkway";
  report.footage_fingerprint = "given-fp";
  report.videos = videos;
  report.n_disagreements = n_disagreements;
  if (median_window > 1)
    {
      g_autofree char *spec = g_strdup_printf ("median:%u", median_window);
      g_assert_true (ddl_eval_options_set_filter (&report.eval, spec, NULL));
    }
  report.eval.normalize = normalize ? DDL_NORMALIZE_PER_VIDEO : DDL_NORMALIZE_NONE;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  ddl_test_media_write_file (video, "x", 1);
  g_assert_true (ddl_report_write_folder (&report, dir, &error));
  g_assert_no_error (error);

  /* every file, and nothing else: no temporary file left */
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "index.html,metrics.json,roc.pdf,roc.png,roc.svg,"
                   "scores-ddl.csv,scores-sdl.csv,scores.csv,scores.json,timeline.pdf,"
                   "timeline.png,timeline.svg,video-01.webm");

  JsonObject *card = load_json (metrics_path, &parser);
  check_schema (card, TRUE);
  g_assert_cmpstr (json_object_get_string_member (card, "title"), ==, "Walkway");
  JsonObject *footage = json_object_get_object_member (card, "footage");
  g_assert_cmpstr (json_object_get_string_member (footage, "fingerprint"), ==, "given-fp");
  g_assert_cmpint (json_object_get_int_member (footage, "videos"), ==, N_VIDEOS);
  gsize frames = 0, anomalous = 0;
  for (guint v = 0; v < N_VIDEOS; v++)
    {
      DdlLabelVideo *truth = ddl_labels_lookup (labels, video_names[v]);
      frames += video_lengths[v] - 2;   /* every frame 1..n-2 is scored by one model or both */
      for (guint f = 1; f + 1 < video_lengths[v]; f++)
        anomalous += truth->labels[f];
    }
  g_assert_cmpint (json_object_get_int_member (footage, "frames"), ==, frames);
  g_assert_cmpint (json_object_get_int_member (footage, "anomalous_frames"), ==, anomalous);
  JsonObject *protocol = json_object_get_object_member (card, "protocol");
  g_assert_cmpstr (json_object_get_string_member (protocol, "normalize"), ==,
                   normalize ? "per-video" : "none");

  JsonArray *models_json = json_object_get_array_member (card, "models");
  JsonObject *sdl = json_array_get_object_element (models_json, 0);
  JsonObject *ddl = json_array_get_object_element (models_json, 1);
  g_assert_cmpstr (json_object_get_string_member (sdl, "checkpoint"), ==,
                   "/elsewhere/sdl.safetensors");
  g_assert_cmpstr (json_object_get_string_member (ddl, "checkpoint"), ==,
                   "models/ddl.safetensors");
  g_assert_cmpstr (json_object_get_string_member (ddl, "scores"), ==, "scores-ddl.csv");
  g_assert_true (json_object_get_null_member (sdl, "config"));
  g_assert_true (json_object_get_null_member (sdl, "anomaly_weight"));
  assert_same (get_number (ddl, "anomaly_weight"), 0.25, "anomaly_weight");
  g_assert_cmpint (json_object_get_int_member (ddl, "steps"), ==, 42);
  g_assert_cmpstr (json_object_get_string_member (ddl, "train_fingerprint"), ==, "train-fp");
  JsonObject *cfg = json_object_get_object_member (ddl, "config");
  g_assert_cmpint (json_object_get_int_member (cfg, "latent"), ==, config.latent);
  g_assert_cmpint (json_object_get_int_member (cfg, "parameters"), ==,
                   ddl_model_config_count_parameters (&config));
  for (guint m = 0; m < N_MODELS; m++)
    check_metrics (json_object_get_object_member (json_array_get_object_element (models_json, m),
                                                  "metrics"),
                   scores, labels, m, median_window, normalize, &micro[m], &macro[m]);

  JsonObject *comparison = json_object_get_object_member (card, "comparison");
  JsonObject *diff = json_array_get_object_element (
      json_object_get_array_member (comparison, "auc_differences"), 0);
  g_assert_cmpstr (json_object_get_string_member (diff, "a"), ==, "ddl");
  g_assert_cmpstr (json_object_get_string_member (diff, "b"), ==, "sdl");
  assert_same (get_number (diff, "micro_auc"), micro[1] - micro[0], "micro difference");
  assert_same (get_number (diff, "macro_auc"), macro[1] - macro[0], "macro difference");
  check_disagreements (json_object_get_array_member (comparison, "disagreements"), scores,
                       labels, median_window, n_disagreements ? n_disagreements : 10);

  JsonObject *files = json_object_get_object_member (card, "files");
  g_assert_cmpstr (json_object_get_string_member (files, "scores_csv"), ==, "scores.csv");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (files, "roc")), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (files, "videos"),
                                                  0), ==, "video-01.webm");

  check_scores_files (dir, scores, labels);
  check_plots (dir, "timeline");
  check_plots (dir, "roc");
  g_assert_true (file_contains (index, ">sdl<"));
  g_assert_true (file_contains (index, ">ddl<"));
  g_assert_true (file_contains (index, "<video controls preload=\"metadata\" "
                                       "src=\"video-01.webm\">"));
  g_assert_true (file_contains (index, "<img src=\"roc.png\""));

  /* writing again replaces the files, still without leftovers */
  g_assert_true (ddl_report_write_folder (&report, dir, &error));
  g_assert_no_error (error);
  g_autofree char *again = list_dir (dir);
  g_assert_cmpstr (again, ==, listing);
  ddl_test_remove_tree (tmp);
}

static void
test_folder (void)
{
  run_folder_case (1, 0, FALSE, 0);
  run_folder_case (2, 0, FALSE, 4);
}

static void
test_folder_filtered (void)
{
  run_folder_case (3, 5, TRUE, 0);
  run_folder_case (4, 3, FALSE, 7);
}

/* Without ground truth: no metrics, no ROC, disagreements without labels. */
static void
test_no_labels (void)
{
  g_autoptr(DdlScores) scores = NULL;
  g_autoptr(DdlLabels) labels = NULL;
  g_autofree char *dir = ddl_test_media_tmpdir ();
  g_autofree char *metrics_path = g_build_filename (dir, "metrics.json", NULL);
  g_autofree char *index = g_build_filename (dir, "index.html", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  DdlReportModel models[N_MODELS];
  DdlReport report;

  make_data (5, &scores, &labels);
  init_report (&report, models, scores, NULL);
  g_assert_true (ddl_report_write_folder (&report, dir, &error));
  g_assert_no_error (error);
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "index.html,metrics.json,scores-ddl.csv,scores-sdl.csv,"
                   "scores.csv,scores.json,timeline.pdf,timeline.png,timeline.svg");

  JsonObject *card = load_json (metrics_path, &parser);
  check_schema (card, FALSE);
  g_assert_cmpstr (json_object_get_string_member (card, "title"), ==, "sdl versus ddl");
  JsonObject *footage = json_object_get_object_member (card, "footage");
  g_assert_true (json_object_get_null_member (footage, "anomalous_frames"));
  g_assert_true (json_object_get_null_member (footage, "path"));
  g_assert_true (json_object_get_null_member (footage, "fingerprint"));
  JsonObject *comparison = json_object_get_object_member (card, "comparison");
  JsonObject *diff = json_array_get_object_element (
      json_object_get_array_member (comparison, "auc_differences"), 0);
  g_assert_true (json_object_get_null_member (diff, "micro_auc"));
  check_disagreements (json_object_get_array_member (comparison, "disagreements"), scores,
                       NULL, 0, 10);
  JsonObject *files = json_object_get_object_member (card, "files");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (files, "roc")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (files, "timeline")),
                    ==, 3);
  check_scores_files (dir, scores, NULL);
  check_plots (dir, "timeline");
  g_assert_false (file_contains (index, "roc.png"));
  ddl_test_remove_tree (dir);
}

/* Hostile names are escaped in the page and made safe as file names. */
static void
test_hostile_names (void)
{
  static const char * const names[] = { "<script>", "a&b", NULL };
  g_autoptr(DdlScores) scores = ddl_scores_new (names);
  g_autofree char *dir = ddl_test_media_tmpdir ();
  g_autofree char *index = g_build_filename (dir, "index.html", NULL);
  g_autofree char *metrics_path = g_build_filename (dir, "metrics.json", NULL);
  g_autofree char *html = NULL;
  g_autofree char *lower = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  const char *video_name = "<img src=x onerror=alert(1)>";
  double values[2 * 6] = { 0.1, 0.5, 0.2, 0.9, 0.3, 0.4, 0.6, 0.1, 0.5, 0.2, 0.8, 0.7 };
  DdlReportModel models[2];
  DdlReport report;

  ddl_scores_add_video (scores, video_name, 6, NULL, values);
  ddl_report_init (&report);
  memset (models, 0, sizeof models);
  for (guint m = 0; m < 2; m++)
    {
      models[m].name = names[m];
      models[m].anomaly_weight = models[m].train_seconds = models[m].score_seconds = NAN;
    }
  report.title = "<script>alert('title')</script> & \"more\"";
  report.device = "<b>device</b>";
  report.scores = scores;
  report.models = models;
  report.n_models = 2;
  g_assert_true (ddl_report_write_folder (&report, dir, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (index, &html, NULL, NULL));
  lower = g_ascii_strdown (html, -1);
  g_assert_null (strstr (lower, "<script"));
  g_assert_null (strstr (lower, "<img src=x"));
  g_assert_null (strstr (lower, "<b>"));
  g_assert_nonnull (strstr (html, "&lt;script&gt;alert(&apos;title&apos;)&lt;/script&gt; "
                                  "&amp; &quot;more&quot;"));
  g_assert_nonnull (strstr (html, ">a&amp;b<"));
  g_assert_nonnull (strstr (html, "&lt;img src=x onerror=alert(1)&gt;"));
  /* every '<' opens one of the page's own tags */
  for (const char *p = strchr (html, '<'); p != NULL; p = strchr (p + 1, '<'))
    g_assert_true (g_ascii_isalpha (p[1]) || p[1] == '/' || p[1] == '!');

  JsonObject *card = load_json (metrics_path, &parser);
  g_assert_cmpstr (json_object_get_string_member (card, "title"), ==, report.title);
  g_autofree char *own = g_build_filename (dir, "scores-_script_.csv", NULL);
  g_autofree char *own2 = g_build_filename (dir, "scores-a_b.csv", NULL);
  g_assert_true (g_file_test (own, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (own2, G_FILE_TEST_IS_REGULAR));
  ddl_test_remove_tree (dir);
}

/* ddl_report_to_json without a folder gives absolute paths; write_scores alone. */
static void
test_json_and_scores (void)
{
  g_autoptr(DdlScores) scores = NULL;
  g_autoptr(DdlLabels) labels = NULL;
  g_autofree char *dir = ddl_test_media_tmpdir ();
  g_autofree char *csv = g_build_filename (dir, "only.csv", NULL);
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *absolute = g_build_filename (cwd, "rel", "ddl.safetensors", NULL);
  g_autofree char *text = NULL, *listing = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  DdlReportModel models[N_MODELS];
  DdlReport report;

  make_data (6, &scores, &labels);
  init_report (&report, models, scores, labels);
  models[1].checkpoint = "rel/ddl.safetensors";
  text = ddl_report_to_json (&report, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  JsonObject *card = json_node_get_object (json_parser_get_root (parser));
  check_schema (card, TRUE);
  JsonObject *ddl = json_array_get_object_element (json_object_get_array_member (card, "models"), 1);
  g_assert_cmpstr (json_object_get_string_member (ddl, "checkpoint"), ==, absolute);

  g_assert_true (ddl_report_write_scores (&report, csv, NULL, &error));
  g_assert_no_error (error);
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "only.csv");
  ddl_test_remove_tree (dir);
}

/* A dataset folder as the footage: its test split's fingerprint. */
static void
test_footage_fingerprint (void)
{
  g_autoptr(DdlScores) scores = NULL;
  g_autoptr(DdlLabels) labels = NULL;
  g_autofree char *tmp = ddl_test_media_tmpdir ();
  g_autofree char *footage = g_build_filename (tmp, "footage", NULL);
  g_autofree char *v1 = g_build_filename (footage, "01", NULL);
  g_autofree char *v2 = g_build_filename (footage, "02", NULL);
  g_autofree char *text = NULL, *want = NULL;
  g_autoptr(DdlDataset) dataset = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  DdlReportModel models[N_MODELS];
  DdlReport report;

  g_assert_true (ddl_test_media_write_images (v1, "", "png", 5, 32, 24, &error));
  g_assert_true (ddl_test_media_write_images (v2, "", "png", 4, 32, 24, &error));
  g_assert_no_error (error);
  dataset = ddl_dataset_open (footage, &error);
  g_assert_no_error (error);
  want = ddl_dataset_fingerprint (dataset, DDL_SPLIT_TEST);

  make_data (7, &scores, &labels);
  init_report (&report, models, scores, labels);
  report.footage = footage;
  text = ddl_report_to_json (&report, tmp, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  JsonObject *f = json_object_get_object_member (
      json_node_get_object (json_parser_get_root (parser)), "footage");
  g_assert_cmpstr (json_object_get_string_member (f, "fingerprint"), ==, want);
  g_assert_cmpstr (json_object_get_string_member (f, "path"), ==, "footage");
  ddl_test_remove_tree (tmp);
}

/* DdlDisagreements on random quantised curves (many ties) with holes, videos added out
 * of order, against the brute force, for several spacings and result counts. */
static void
test_disagreements (void)
{
  static const guint spacings[] = { 0, 1, 3, 8 };
  static const guint maxima[] = { 0, 1, 5, 20, 1000 };

  for (guint64 seed = 1; seed <= 6; seed++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed ((guint32) seed * 7919);
      guint n_videos = g_rand_int_range (rand, 1, 6);
      double *a[6], *b[6];
      guint lengths[6];

      for (guint v = 0; v < n_videos; v++)
        {
          lengths[v] = g_rand_int_range (rand, 1, 70);
          a[v] = g_new (double, lengths[v]);
          b[v] = g_new (double, lengths[v]);
          for (guint f = 0; f < lengths[v]; f++)
            {
              a[v][f] = g_rand_int_range (rand, 0, 9) / 8.0;
              b[v][f] = g_rand_int_range (rand, 0, 9) / 8.0;
              if (g_rand_int_range (rand, 0, 10) == 0)
                (g_rand_boolean (rand) ? a : b)[v][f] = NAN;
            }
        }
      for (guint s = 0; s < G_N_ELEMENTS (spacings); s++)
        for (guint x = 0; x < G_N_ELEMENTS (maxima); x++)
          {
            g_autoptr(DdlDisagreements) d = ddl_disagreements_new (maxima[x], spacings[s]);
            g_autoptr(GArray) want = brute_disagreements (a, b, lengths, n_videos, maxima[x],
                                                          spacings[s]);
            const DdlDisagreement *got;
            guint n;

            for (guint i = 0; i < n_videos; i++)
              {
                guint v = (i * 2 + 1) % n_videos;   /* not in index order */
                if (n_videos % 2 == 0)
                  v = n_videos - 1 - i;
                ddl_disagreements_add_video (d, v, a[v], b[v], lengths[v]);
              }
            got = ddl_disagreements_get (d, &n);
            g_assert_cmpuint (n, ==, want->len);
            for (guint i = 0; i < n; i++)
              {
                Pick *p = &g_array_index (want, Pick, i);
                g_assert_cmpuint (got[i].video, ==, p->video);
                g_assert_cmpuint (got[i].frame, ==, p->frame);
                g_assert_true (got[i].a == p->a && got[i].b == p->b);
                g_assert_true (got[i].difference == p->a - p->b);
              }
            /* asking again gives the same */
            g_assert_true (ddl_disagreements_get (d, &n) == got);
          }
      for (guint v = 0; v < n_videos; v++)
        {
          g_free (a[v]);
          g_free (b[v]);
        }
    }
}

/* ---- errors ---------------------------------------------------------------------------- */

static void
test_error_unknown_model (void)
{
  g_autoptr(DdlScores) scores = NULL;
  g_autoptr(DdlLabels) labels = NULL;
  g_autofree char *tmp = ddl_test_media_tmpdir ();
  g_autofree char *dir = g_build_filename (tmp, "report", NULL);
  g_autoptr(GError) error = NULL;
  DdlReportModel models[N_MODELS];
  DdlReport report;

  make_data (8, &scores, &labels);
  init_report (&report, models, scores, labels);
  models[1].name = "unet";
  g_assert_false (ddl_report_write_folder (&report, dir, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "'unet'"));
  g_assert_nonnull (strstr (error->message, "sdl, ddl"));   /* what there is */
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));     /* nothing written */
  g_clear_error (&error);
  g_assert_null (ddl_report_to_json (&report, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* labels of other footage: the scores name a video they do not have */
  models[1].name = "ddl";
  DdlLabelVideo *first = g_ptr_array_index (labels->videos, 0);
  g_free (first->name);
  first->name = g_strdup ("99");
  g_assert_false (ddl_report_write_folder (&report, dir, &error));
  g_assert_nonnull (strstr (error->message, "'01'"));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  ddl_test_remove_tree (tmp);
}

static void
test_error_unwritable (void)
{
  g_autoptr(DdlScores) scores = NULL;
  g_autoptr(DdlLabels) labels = NULL;
  g_autofree char *tmp = ddl_test_media_tmpdir ();
  g_autofree char *file = g_build_filename (tmp, "file.txt", NULL);
  g_autofree char *under_file = g_build_filename (file, "report", NULL);
  g_autofree char *dir = g_build_filename (tmp, "report", NULL);
  g_autofree char *blocker = g_build_filename (dir, "metrics.json", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(GError) error = NULL;
  DdlReportModel models[N_MODELS];
  DdlReport report;

  make_data (9, &scores, &labels);
  init_report (&report, models, scores, labels);

  /* a folder that cannot be made (its parent is a file): even root fails here */
  ddl_test_media_write_file (file, "x", 1);
  g_assert_false (ddl_report_write_folder (&report, under_file, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, under_file));
  g_clear_error (&error);

  /* a file that cannot be replaced (a folder in its place): the error names it, the
   * files before it are complete and no temporary file is left */
  g_assert_cmpint (g_mkdir_with_parents (blocker, 0755), ==, 0);
  g_assert_false (ddl_report_write_folder (&report, dir, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, blocker));
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "metrics.json,roc.pdf,roc.png,roc.svg,scores-ddl.csv,"
                   "scores-sdl.csv,scores.csv,scores.json,timeline.pdf,timeline.png,"
                   "timeline.svg");
  ddl_test_remove_tree (tmp);
}

/* A read-only folder: only meaningful for users that permissions stop (not root). */
static void
test_error_read_only (void)
{
  g_autoptr(DdlScores) scores = NULL;
  g_autoptr(DdlLabels) labels = NULL;
  g_autofree char *dir = ddl_test_media_tmpdir ();
  g_autofree char *probe = g_build_filename (dir, "probe", NULL);
  g_autofree char *listing = NULL;
  g_autoptr(GError) error = NULL;
  DdlReportModel models[N_MODELS];
  DdlReport report;

  g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
  if (g_file_set_contents (probe, "x", 1, NULL))
    {
      g_unlink (probe);
      g_chmod (dir, 0755);
      ddl_test_remove_tree (dir);
      g_test_skip ("this user writes into read-only folders (root)");
      return;
    }
  make_data (10, &scores, &labels);
  init_report (&report, models, scores, labels);
  g_assert_false (ddl_report_write_folder (&report, dir, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, dir));
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "");
  g_chmod (dir, 0755);
  ddl_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report/folder", test_folder);
  g_test_add_func ("/report/folder-filtered", test_folder_filtered);
  g_test_add_func ("/report/no-labels", test_no_labels);
  g_test_add_func ("/report/hostile-names", test_hostile_names);
  g_test_add_func ("/report/json-and-scores", test_json_and_scores);
  g_test_add_func ("/report/footage-fingerprint", test_footage_fingerprint);
  g_test_add_func ("/report/disagreements", test_disagreements);
  g_test_add_func ("/report/error-unknown-model", test_error_unknown_model);
  g_test_add_func ("/report/error-unwritable", test_error_unwritable);
  g_test_add_func ("/report/error-read-only", test_error_read_only);
  return g_test_run ();
}
