/* DDL Studio's Compare page under Xvfb: a report folder made here without training
 * (synthetic footage, two score columns with known values, maps with known content,
 * a metrics.json) opened as a comparison; AUC cards checked against AUCs computed here
 * pair by pair, panes checked pixel by pixel while stepping with real key presses,
 * the first disagreement against a brute-force search, Review/Compare from the
 * keyboard, Export Report, and models scored from the window one after the other. */
#include "config.h"

#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "gui-test-util.h"
#include "ddl-colour.h"
#include "ddl-application.h"
#include "ddl-compare-view.h"
#include "ddl-compute.h"
#include "ddl-npy.h"
#include "ddl-scores.h"
#include "ddl-synth.h"
#include "ddl-test-util.h"

#define N_FRAMES 40
#define MAP      16     /* maps are MAP x MAP, as a tiny model's would be */

static char *home;        /* the test's private folder */
static char *report_dir;  /* the fixture report */

/* Ground truth and the two models' scores, per video (NAN = not scored). */
typedef struct {
  char   *name;
  guint8  labels[N_FRAMES];
  double  sdl[N_FRAMES];
  double  ddl[N_FRAMES];
} Video;

static Video videos[2];

/* ---- the fixture ----------------------------------------------------------------------- */

static double
noise (guint64 *state)
{
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return ((*state >> 11) & ((1ULL << 53) - 1)) / (double) (1ULL << 53);
}

/* The synthetic dataset's labels.csv: video,frame,label. */
static void
read_labels (const char *path)
{
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = g_strsplit (lines[i], ",", 3);
      if (g_strv_length (f) < 3)
        continue;
      for (guint v = 0; v < 2; v++)
        if (g_str_equal (f[0], videos[v].name))
          videos[v].labels[atoi (f[1])] = (guint8) atoi (f[2]);
    }
}

/* sdl: row i has a 4 x 4 block of 255 at x = 3i mod 12, y = 6, zero elsewhere, and an
 * RGB reconstruction of (10 + 5i, 100, 200). ddl: every pixel 128, a gray
 * reconstruction of 30 + 3i. Only video 01 has ddl maps. */
static int
block_x (guint row)
{
  return (int) (row * 3 % 12);
}

static void
write_maps (const char *dir, const char *video, gboolean sdl, guint rows)
{
  g_autoptr(GError) error = NULL;
  guint c = sdl ? 3 : 1;
  g_autofree guint8 *maps = g_new0 (guint8, rows * MAP * MAP);
  g_autofree guint8 *recs = g_new0 (guint8, rows * c * MAP * MAP);
  gsize maps_shape[3] = { rows, MAP, MAP }, recs_shape[4] = { rows, c, MAP, MAP };
  g_autofree char *maps_path = g_strdup_printf ("%s/%s.maps.npy", dir, video);
  g_autofree char *recs_path = g_strdup_printf ("%s/%s.recs.npy", dir, video);

  for (guint i = 0; i < rows; i++)
    {
      guint8 *map = maps + (gsize) i * MAP * MAP, *rec = recs + (gsize) i * c * MAP * MAP;
      for (guint p = 0; p < MAP * MAP; p++)
        {
          int x = p % MAP, y = p / MAP;
          map[p] = sdl ? (x >= block_x (i) && x < block_x (i) + 4 && y >= 6 && y < 10 ? 255 : 0)
                       : 128;
          if (sdl)
            rec[p] = (guint8) (10 + 5 * i), rec[MAP * MAP + p] = 100, rec[2 * MAP * MAP + p] = 200;
          else
            rec[p] = (guint8) (30 + 3 * i);
        }
    }
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (ddl_npy_save_u8 (maps_path, maps, 3, maps_shape, &error));
  g_assert_true (ddl_npy_save_u8 (recs_path, recs, 4, recs_shape, &error));
  g_assert_no_error (error);
}

static const char metrics_json[] =
  "{ \"format\": \"ddl-studio-report\", \"version\": 1, \"title\": \"fixture\",\n"
  "  \"footage\": { \"path\": \"data\" },\n"
  "  \"protocol\": { \"normalize\": \"none\", \"filter\": \"none\", \"macro\": \"skip\" },\n"
  "  \"models\": [\n"
  "    { \"name\": \"sdl\", \"checkpoint\": null, \"scores\": \"scores-sdl.csv\",\n"
  "      \"maps\": \"maps/sdl\", \"loss_log\": null,\n"
  "      \"config\": { \"arch\": \"c3dsu\", \"mode\": \"sdl\", \"latent\": 16, \"channels\": 3,\n"
  "                  \"temporal\": 3, \"width\": 16, \"height\": 16, \"batch\": 2 },\n"
  "      \"anomaly_weight\": 0.5, \"metrics\": null },\n"
  "    { \"name\": \"ddl\", \"checkpoint\": null, \"scores\": \"scores-ddl.csv\",\n"
  "      \"maps\": \"maps/ddl\", \"loss_log\": null,\n"
  "      \"config\": { \"arch\": \"c3dsu\", \"mode\": \"ddl\", \"latent\": 16, \"channels\": 3,\n"
  "                  \"temporal\": 3, \"width\": 16, \"height\": 16, \"batch\": 2 },\n"
  "      \"anomaly_weight\": 0.731, \"metrics\": null } ],\n"
  "  \"files\": { \"scores_csv\": \"scores.csv\", \"index\": \"index.html\",\n"
  "             \"videos\": [ \"gone.mp4\", \"video-01.mp4\" ] } }\n";

static void
make_report (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL, *csv = NULL, *metrics = NULL, *labels = NULL;
  static const char *columns[] = { "sdl", "ddl", NULL };
  g_autoptr(DdlScores) scores = ddl_scores_new (columns);
  DdlSynthOptions options;
  guint64 state = 42;

  report_dir = g_build_filename (home, "report", NULL);
  data = g_build_filename (report_dir, "data", NULL);
  ddl_synth_options_init (&options);
  options.seed = 5;
  options.n_train_videos = 1;
  options.n_test_videos = 2;
  options.n_frames = N_FRAMES;
  options.width = 96;
  options.height = 64;
  g_assert_true (ddl_synth_write_dataset (&options, data, &error));
  g_assert_no_error (error);
  videos[0].name = g_strdup ("01");
  videos[1].name = g_strdup ("02");
  labels = g_build_filename (data, "labels.csv", NULL);
  read_labels (labels);

  for (guint v = 0; v < 2; v++)
    {
      guint frames[N_FRAMES], k = 0;
      double values[2 * N_FRAMES];
      /* A T = 3 model scores every frame but the first and the last. */
      for (guint f = 0; f < N_FRAMES; f++)
        {
          gboolean scored = f > 0 && f + 1 < N_FRAMES;
          videos[v].sdl[f] = scored ? 0.3 + 0.25 * videos[v].labels[f] + 0.5 * noise (&state) : NAN;
          videos[v].ddl[f] = scored ? 2.0 + 1.1 * videos[v].labels[f] + 1.5 * noise (&state) : NAN;
          if (scored)
            frames[k++] = f;
        }
      for (guint i = 0; i < k; i++)
        {
          values[i] = videos[v].sdl[frames[i]];
          values[k + i] = videos[v].ddl[frames[i]];
        }
      ddl_scores_add_video (scores, videos[v].name, k, frames, values);

      g_autofree char *sdl_dir = g_build_filename (report_dir, "maps", "sdl", NULL);
      g_autofree char *ddl_dir = g_build_filename (report_dir, "maps", "ddl", NULL);
      write_maps (sdl_dir, videos[v].name, TRUE, k);
      if (v == 0)
        write_maps (ddl_dir, videos[v].name, FALSE, k);
    }
  csv = g_build_filename (report_dir, "scores.csv", NULL);
  g_assert_true (ddl_scores_save_csv (scores, csv, &error));
  metrics = g_build_filename (report_dir, "metrics.json", NULL);
  g_assert_true (g_file_set_contents (metrics, metrics_json, -1, &error));
  /* The page and one of the two videos the card lists (the other is gone). */
  {
    g_autofree char *page = g_build_filename (report_dir, "index.html", NULL);
    g_autofree char *video = g_build_filename (report_dir, "video-01.mp4", NULL);
    g_assert_true (g_file_set_contents (page, "<!DOCTYPE html>", -1, NULL));
    g_assert_true (g_file_set_contents (video, "", 0, NULL));
  }
}

/* ---- independent numbers ----------------------------------------------------------------- */

/* AUC by comparing every positive with every negative; ties count one half. */
static double
pairwise_auc (const double *s, const guint8 *l, guint n)
{
  double wins = 0, pairs = 0;
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      if (l[i] && !l[j])
        {
          wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
          pairs++;
        }
  return pairs > 0 ? wins / pairs : NAN;
}

static void
expected_aucs (gboolean ddl, double *micro, double *macro)
{
  double pooled[2 * N_FRAMES];
  guint8 labels[2 * N_FRAMES];
  guint n = 0, n_videos = 0;
  *macro = 0;
  for (guint v = 0; v < 2; v++)
    {
      double s[N_FRAMES];
      guint8 l[N_FRAMES];
      guint k = 0;
      for (guint f = 0; f < N_FRAMES; f++)
        {
          double value = ddl ? videos[v].ddl[f] : videos[v].sdl[f];
          if (isnan (value))
            continue;
          s[k] = pooled[n] = value;
          l[k] = labels[n] = videos[v].labels[f];
          k++, n++;
        }
      double auc = pairwise_auc (s, l, k);
      if (!isnan (auc))
        *macro += auc, n_videos++;
    }
  *macro /= n_videos;
  *micro = pairwise_auc (pooled, labels, n);
}

static void
minmax (double *c)
{
  double lo = INFINITY, hi = -INFINITY;
  for (guint f = 0; f < N_FRAMES; f++)
    if (!isnan (c[f]))
      lo = MIN (lo, c[f]), hi = MAX (hi, c[f]);
  for (guint f = 0; f < N_FRAMES; f++)
    if (!isnan (c[f]))
      c[f] = hi > lo ? (c[f] - lo) / (hi - lo) : 0;
}

/* Where |ddl - sdl| on per-video min-max scores is largest, over every frame. */
static void
brute_force_disagreement (guint *video, guint *frame)
{
  double best = -1;
  for (guint v = 0; v < 2; v++)
    {
      double a[N_FRAMES], b[N_FRAMES];
      memcpy (a, videos[v].ddl, sizeof a);
      memcpy (b, videos[v].sdl, sizeof b);
      minmax (a);
      minmax (b);
      for (guint f = 0; f < N_FRAMES; f++)
        if (!isnan (a[f]) && fabs (a[f] - b[f]) > best)
          best = fabs (a[f] - b[f]), *video = v, *frame = f;
    }
}

/* ---- pixels ------------------------------------------------------------------------------- */

/* The colour at (fx, fy), fractions of pane (model, row), as drawn now. */
static void
pane_pixel (DdlCompareTiles *tiles, int model, DdlTileRow row, double fx, double fy,
            guint8 rgb[3])
{
  GtkWidget *widget = GTK_WIDGET (tiles);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  graphene_rect_t r;

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  g_autoptr(GskRenderNode) node = gtk_snapshot_free_to_node (snapshot);
  g_autoptr(GdkTexture) texture =
    gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                 &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_autofree guint8 *argb = g_new (guint8, (gsize) w * h * 4);
  gdk_texture_download (texture, argb, w * 4);
  g_assert_true (ddl_compare_tiles_get_pane (tiles, model, row, &r));
  int x = (int) (r.origin.x + fx * r.size.width), y = (int) (r.origin.y + fy * r.size.height);
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, w);
  g_assert_cmpint (y, <, h);
  /* CAIRO_FORMAT_ARGB32 in memory: B, G, R, A. */
  rgb[0] = argb[((gsize) y * w + x) * 4 + 2];
  rgb[1] = argb[((gsize) y * w + x) * 4 + 1];
  rgb[2] = argb[((gsize) y * w + x) * 4 + 0];
}

static void
assert_colour (const guint8 got[3], const guint8 want[3], int tolerance, const char *what)
{
  for (int c = 0; c < 3; c++)
    if (abs ((int) got[c] - (int) want[c]) > tolerance)
      g_error ("%s: got (%u, %u, %u), want (%u, %u, %u)", what, got[0], got[1], got[2], want[0],
               want[1], want[2]);
}

/* The sdl error pane is bright on row `row`'s block and dark beside it; the ddl one is
 * the middle of the colour map everywhere (128 of a 255 scale); reconstructions are
 * the fixture's colours. */
static void
assert_panes_show_row (DdlCompareView *view, guint row)
{
  DdlCompareTiles *tiles = ddl_compare_view_get_tiles (view);
  guint8 got[3], bright[3], dark[3], middle[3];
  double bx = (block_x (row) + 2.0) / MAP, by = 8.0 / MAP;
  double ox = (block_x (row) + 8) % 12 / (double) MAP + 0.5 / MAP;

  ddl_error_colour (1.0, bright);
  ddl_error_colour (0.0, dark);
  ddl_error_colour (128 / 255.0, middle);
  g_assert_cmpint (ddl_compare_tiles_get_state (tiles, 0), ==, DDL_TILE_SHOWN);
  pane_pixel (tiles, 0, DDL_TILE_ROW_ERROR, bx, by, got);
  assert_colour (got, bright, 12, "sdl error on its block");
  pane_pixel (tiles, 0, DDL_TILE_ROW_ERROR, ox, by, got);
  assert_colour (got, dark, 12, "sdl error beside its block");
  pane_pixel (tiles, 0, DDL_TILE_ROW_ERROR, bx, 0.1, got);
  assert_colour (got, dark, 12, "sdl error above its block");
  pane_pixel (tiles, 1, DDL_TILE_ROW_ERROR, bx, by, got);
  assert_colour (got, middle, 12, "ddl error");
  guint8 sdl_rec[3] = { (guint8) (10 + 5 * row), 100, 200 };
  pane_pixel (tiles, 0, DDL_TILE_ROW_RECONSTRUCTION, 0.5, 0.5, got);
  assert_colour (got, sdl_rec, 3, "sdl reconstruction");
  guint8 ddl_rec[3] = { (guint8) (30 + 3 * row), (guint8) (30 + 3 * row), (guint8) (30 + 3 * row) };
  pane_pixel (tiles, 1, DDL_TILE_ROW_RECONSTRUCTION, 0.5, 0.5, got);
  assert_colour (got, ddl_rec, 3, "ddl reconstruction");
}

/* ---- the tests ------------------------------------------------------------------------------- */

static gboolean
up_to_date (gpointer view)
{
  return ddl_compare_view_is_up_to_date (view);
}

static gboolean
compare_loaded (gpointer window)
{
  return loaded (window) && ddl_session_get_n_models (ddl_window_get_session (window)) == 2;
}

static DdlWindow *
open_report_window (GtkApplication *app)
{
  DdlWindow *window = ddl_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  ddl_window_open_report (window, report_dir);
  wait_for (compare_loaded, window, 60, "the report to open");
  wait_for (up_to_date, ddl_window_get_part (window, "compare"), 20, "the compare panes");
  spin (0.3);
  return window;
}

static void
test_open_report (void)
{
  if (!have_xtest ())
    {
      g_test_skip ("XTest (libXtst.so.6) or an X11 display is not available");
      return;
    }
  g_autoptr(GtkApplication) app = gtk_application_new ("io.github.ddlstudio.DdlStudio.CompareTest",
                                                       G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  ddl_application_set_accels (app);
  DdlWindow *window = open_report_window (app);
  DdlSession *session = ddl_window_get_session (window);
  DdlCompareView *view = DDL_COMPARE_VIEW (ddl_window_get_part (window, "compare"));
  DdlCompareTiles *tiles = ddl_compare_view_get_tiles (view);

  /* The Compare page is what shows, with both models. */
  g_assert_null (ddl_window_get_error_text (window));
  g_assert_true (ddl_window_get_compare (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
  g_assert_false (gtk_widget_get_mapped (ddl_window_get_part (window, "frame-view")));
  g_assert_cmpstr (ddl_session_get_model_name (session, 0), ==, "sdl");
  g_assert_cmpstr (ddl_session_get_model_name (session, 1), ==, "ddl");
  g_assert_nonnull (strstr (ddl_session_get_model_maps_dir (session, 0), "maps/sdl"));
  g_assert_cmpuint (ddl_compare_tiles_get_n_models (tiles), ==, 2);

  /* AUC cards and differences against pairwise AUCs computed here. */
  double micro[2], macro[2];
  expected_aucs (FALSE, &micro[0], &macro[0]);
  expected_aucs (TRUE, &micro[1], &macro[1]);
  for (guint m = 0; m < 2; m++)
    {
      const char *text = ddl_compare_view_get_badge_text (view, m);
      g_autofree char *want_micro = g_strdup_printf ("AUC %.2f %%", 100 * micro[m]);
      g_autofree char *want_macro = g_strdup_printf ("macro %.2f %%", 100 * macro[m]);
      g_test_message ("card %u: %s", m, text);
      g_assert_nonnull (strstr (text, want_micro));
      g_assert_nonnull (strstr (text, want_macro));
    }
  g_assert_nonnull (strstr (ddl_compare_view_get_badge_text (view, 1), "σ(ℓ) 0.731 · DDL"));
  g_assert_nonnull (strstr (ddl_compare_view_get_badge_text (view, 0), "σ(ℓ) 0.500 · SDL"));
  g_autofree char *want_difference = g_strdup_printf ("ddl − sdl: %+.2f micro, %+.2f macro",
                                                      100 * (micro[1] - micro[0]),
                                                      100 * (macro[1] - macro[0]));
  g_assert_cmpstr (ddl_compare_view_get_differences_text (view), ==, want_difference);
  /* The rendered video that exists is offered (the missing one is skipped). */
  {
    g_autofree char *video = g_build_filename (report_dir, "video-01.mp4", NULL);
    g_assert_cmpstr (ddl_compare_view_get_report_video (view), ==, video);
  }

  /* The report opens where sdl scores highest in video 01. */
  guint peak = 1;
  for (guint f = 1; f + 1 < N_FRAMES; f++)
    if (videos[0].sdl[f] > videos[0].sdl[peak])
      peak = f;
  g_assert_cmpuint (ddl_session_get_video (session), ==, 0);
  g_assert_cmpuint (ddl_session_get_frame (session), ==, peak);
  assert_panes_show_row (view, peak - 1);
  screenshot (window, "21-compare.png");

  /* The panes of frame 0 (not scored), then frames 1 and 2 by pressing Right. */
  ddl_session_set_frame (session, 0);
  wait_for (up_to_date, view, 10, "frame 0 in the panes");
  g_assert_cmpint (ddl_compare_tiles_get_state (tiles, 0), ==, DDL_TILE_NO_SCORE);
  g_assert_cmpint (ddl_compare_tiles_get_state (tiles, 1), ==, DDL_TILE_NO_SCORE);
  screenshot (window, "20-compare-unscored.png");
  press (window, "Right");
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 1);
  wait_for (up_to_date, view, 10, "frame 1 in the panes");
  assert_panes_show_row (view, 0);
  press (window, "Right");
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 2);
  wait_for (up_to_date, view, 10, "frame 2 in the panes");
  assert_panes_show_row (view, 1);
  ddl_session_set_frame (session, 17);
  wait_for (up_to_date, view, 10, "frame 17 in the panes");
  assert_panes_show_row (view, 16);

  /* The first disagreement is where |ddl - sdl| is largest; activating it goes there. */
  guint want_video = 0, want_frame = 0, video, frame;
  double a, b;
  brute_force_disagreement (&want_video, &want_frame);
  g_assert_true (ddl_compare_view_get_disagreement (view, 0, &video, &frame, &a, &b));
  g_assert_cmpuint (video, ==, want_video);
  g_assert_cmpuint (frame, ==, want_frame);
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (ddl_compare_view_get_disagreement_list (view),
                                                      0);
  g_assert_nonnull (row);
  gtk_widget_activate (GTK_WIDGET (row));
  g_assert_cmpuint (ddl_session_get_video (session), ==, want_video);
  g_assert_cmpuint (ddl_session_get_frame (session), ==, want_frame);
  wait_for (up_to_date, view, 10, "the disagreement's frame in the panes");
  /* Video 02 has no ddl maps. */
  g_assert_cmpint (ddl_compare_tiles_get_state (tiles, 1), ==,
                   want_video == 1 ? DDL_TILE_NO_MAPS : DDL_TILE_SHOWN);
  screenshot (window, "22-compare-disagreement.png");
  ddl_session_set_video (session, 1);
  ddl_session_set_frame (session, 5);
  wait_for (up_to_date, view, 10, "video 02 in the panes");
  g_assert_cmpint (ddl_compare_tiles_get_state (tiles, 0), ==, DDL_TILE_SHOWN);
  g_assert_cmpint (ddl_compare_tiles_get_state (tiles, 1), ==, DDL_TILE_NO_MAPS);
  screenshot (window, "23-compare-no-maps.png");

  /* Review and Compare from the keyboard. */
  press (window, "<Ctrl>1");
  g_assert_false (ddl_window_get_compare (window));
  spin (0.2);
  g_assert_true (gtk_widget_get_mapped (ddl_window_get_part (window, "frame-view")));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (view)));
  screenshot (window, "24-review-after-compare.png");
  press (window, "<Ctrl>2");
  g_assert_true (ddl_window_get_compare (window));
  spin (0.2);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
  /* Frame keys still step in the Compare page. */
  press (window, "Right");
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 6);
  wait_for (up_to_date, view, 10, "the panes after coming back to Compare");
  g_assert_cmpint (ddl_compare_tiles_get_state (tiles, 0), ==, DDL_TILE_SHOWN);
  g_assert_cmpint (ddl_compare_tiles_get_state (tiles, 1), ==, DDL_TILE_NO_MAPS);

  /* Playing works on the Compare page too (the review page is not mapped). */
  activate (window, "win.play");
  spin (0.6);
  g_assert_cmpuint (ddl_session_get_frame (session), >, 6);
  activate (window, "win.play");
  g_assert_false (ddl_window_is_playing (window));

  /* Export Report: metrics.json with both models and our AUCs, and the video. */
  g_autofree char *out = g_build_filename (home, "exported", NULL);
  ddl_window_export_report (window, out);
  g_assert_true (ddl_window_is_busy (window));
  wait_for (not_busy, window, 120, "the export");
  g_test_message ("export: %s", ddl_window_get_error_text (window));
  g_assert_nonnull (strstr (ddl_window_get_error_text (window), "Report written to"));
  g_assert_null (strstr (ddl_window_get_error_text (window), "could not"));
  g_autofree char *metrics = g_build_filename (out, "metrics.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_assert_true (json_parser_load_from_file (parser, metrics, &error));
  g_assert_no_error (error);
  JsonArray *models = json_object_get_array_member (json_node_get_object (
                                                      json_parser_get_root (parser)), "models");
  g_assert_cmpuint (json_array_get_length (models), ==, 2);
  for (guint m = 0; m < 2; m++)
    {
      JsonObject *o = json_array_get_object_element (models, m);
      g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, m == 0 ? "sdl" : "ddl");
      JsonObject *mm = json_object_get_object_member (o, "metrics");
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (mm, "micro_auc"), micro[m],
                                      1e-9);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "anomaly_weight"),
                                      m == 0 ? 0.5 : 0.731, 1e-9);
    }
  JsonArray *files_videos = json_object_get_array_member (
    json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "files"),
    "videos");
  g_assert_cmpuint (json_array_get_length (files_videos), ==, 1);
  g_autofree char *video_path = g_build_filename (out, json_array_get_string_element (files_videos, 0),
                                                  NULL);
  g_assert_true (g_file_test (video_path, G_FILE_TEST_IS_REGULAR));

  /* The exported folder opens again as a comparison (as the command line and a drop
   * would: ddl_window_open on the folder). */
  gtk_window_destroy (GTK_WINDOW (window));
  DdlWindow *again = ddl_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (again), 1280, 800);
  gtk_window_present (GTK_WINDOW (again));
  g_autoptr(GFile) out_file = g_file_new_for_path (out);
  ddl_window_open (again, out_file);
  wait_for (compare_loaded, again, 60, "the exported report to open");
  g_assert_true (ddl_window_get_compare (again));
  g_assert_nonnull (ddl_session_get_model_maps_dir (ddl_window_get_session (again), 1));
  gtk_window_destroy (GTK_WINDOW (again));
  spin (0.2);
}

/* Bad report folders: a message naming the problem, and the window carries on. */
static void
test_bad_reports (void)
{
  DdlWindow *window = ddl_window_new (NULL);
  g_autofree char *dir = g_build_filename (home, "bad-report", NULL);
  g_autofree char *metrics = g_build_filename (dir, "metrics.json", NULL);

  gtk_window_present (GTK_WINDOW (window));
  g_mkdir_with_parents (dir, 0755);
  ddl_window_open_report (window, dir);
  g_assert_nonnull (strstr (ddl_window_get_error_text (window), "metrics.json"));
  g_assert_true (g_file_set_contents (metrics, "{ \"format\": \"something-else\" }", -1, NULL));
  ddl_window_open_report (window, dir);
  g_assert_nonnull (strstr (ddl_window_get_error_text (window), "not a DDL Studio report"));
  g_assert_true (g_file_set_contents (metrics, "{ \"format\": \"ddl-studio-report\", \"footage\": "
                                      "{ \"path\": \"gone\" }, \"models\": [ { \"name\": \"a\" } ] }",
                                      -1, NULL));
  ddl_window_open_report (window, dir);
  g_assert_nonnull (strstr (ddl_window_get_error_text (window), "gone"));
  g_assert_false (ddl_window_is_busy (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
two_more_models (gpointer data)
{
  DdlWindow *window = data;
  return not_busy (window)
         && ddl_session_get_n_models (ddl_window_get_session (window)) == 4;
}

/* Add Models: two checkpoints scored one after the other on the worker, each adding a
 * column with its own maps and its card saying what the checkpoint is. Skips without
 * a Vulkan device. */
static void
test_add_models (void)
{
  g_autoptr(GError) error = NULL;
  DdlEngineOptions engine_options = { NULL, FALSE };
  const char *names[2] = { "tiny-a.safetensors", "tiny-b.safetensors" };
  g_autofree char *paths[2] = { NULL, NULL };

  {
    g_autoptr(DdlEngine) engine = ddl_engine_new (&engine_options, &error);
    if (engine == NULL)
      {
        g_test_skip_printf ("no Vulkan device: %s", error->message);
        return;
      }
    for (guint i = 0; i < 2; i++)
      {
        DdlModelConfig config;
        ddl_model_config_init_default (&config);
        config.latent = 8;
        config.width = config.height = 32;
        config.mode = i == 0 ? DDL_MODE_SDL : DDL_MODE_DDL;
        config.seed = 3 + i;
        g_autoptr(DdlModel) model = ddl_model_new (engine, &config, &error);
        g_assert_no_error (error);
        paths[i] = g_build_filename (home, names[i], NULL);
        g_assert_true (ddl_model_save (model, paths[i], &error));
      }
  }
  DdlWindow *window = open_report_window (NULL);
  DdlSession *session = ddl_window_get_session (window);
  DdlCompareView *view = DDL_COMPARE_VIEW (ddl_window_get_part (window, "compare"));
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_path (paths[i]);
      ddl_window_open (window, file);
    }
  g_assert_true (ddl_window_is_busy (window));
  wait_for (two_more_models, window, 240, "both models to be scored");
  g_assert_null (ddl_window_get_error_text (window));
  g_assert_cmpstr (ddl_session_get_model_name (session, 2), ==, "tiny-a");
  g_assert_cmpstr (ddl_session_get_model_name (session, 3), ==, "tiny-b");
  g_assert_nonnull (ddl_session_get_model_maps_dir (session, 2));
  g_assert_nonnull (ddl_session_get_model_maps_dir (session, 3));
  g_assert_cmpstr (ddl_session_get_model_maps_dir (session, 2), !=,
                   ddl_session_get_model_maps_dir (session, 3));
  /* The report's models keep their maps. */
  g_assert_nonnull (strstr (ddl_session_get_model_maps_dir (session, 0), "maps/sdl"));
  g_assert_nonnull (strstr (ddl_compare_view_get_badge_text (view, 2), "SDL"));
  g_assert_nonnull (strstr (ddl_compare_view_get_badge_text (view, 3), "σ(ℓ) 0.500 · DDL"));
  ddl_session_set_frame (session, 10);
  wait_for (up_to_date, view, 20, "four models' panes");
  DdlCompareTiles *tiles = ddl_compare_view_get_tiles (view);
  g_assert_cmpuint (ddl_compare_tiles_get_n_models (tiles), ==, 4);
  for (guint m = 0; m < 4; m++)
    g_assert_cmpint (ddl_compare_tiles_get_state (tiles, m), ==, DDL_TILE_SHOWN);
  screenshot (window, "25-compare-four-models.png");
  gtk_window_destroy (GTK_WINDOW (window));
  spin (0.2);
}

int
main (int argc, char **argv)
{
  int status;

  home = g_strdup (gui_test_init_homes (&argc, &argv, "compare"));
  make_report ();

  g_test_add_func ("/ddl/ui/compare/open-report", test_open_report);
  g_test_add_func ("/ddl/ui/compare/bad-reports", test_bad_reports);
  g_test_add_func ("/ddl/ui/compare/add-models", test_add_models);
  status = gui_test_run ();
  g_free (home);
  return status;
}
