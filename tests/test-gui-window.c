/* DDL Studio's window under Xvfb, on synthetic demo footage: opening, frame-exact
 * stepping (the pixels shown are compared with the decoder's), timeline and overview
 * seeking, dragging the threshold, jumping between events, marking with undo, the
 * metrics panel against an independent AUC, playback, errors that leave the session
 * usable, and screenshots of the main states ($G_TEST_BUILDDIR/gui-screenshots/). */
#include "config.h"

#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "gui-test-util.h"
#include "ddl-events.h"
#include "ddl-synth.h"
#include "ddl-frame-view.h"
#include "ddl-metrics.h"
#include "ddl-metrics-panel.h"
#include "ddl-npy.h"
#include "ddl-overview-strip.h"
#include "ddl-score-timeline.h"

static void
test_open_and_step (void)
{
  DdlWindow *window = open_window ();
  DdlSession *session = ddl_window_get_session (window);
  guint n = ddl_session_get_n_frames (session);
  g_autofree char *want = NULL;

  g_assert_cmpuint (ddl_session_get_n_videos (session), ==, 4);
  g_assert_cmpuint (ddl_session_get_n_models (session), ==, 1);
  g_assert_null (ddl_window_get_error_text (window));
  /* Remembered as recent footage (settings run on the memory backend here). */
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_auto(GStrv) recent = g_settings_get_strv (settings, "recent-paths");
  g_assert_nonnull (recent[0]);
  g_assert_true (g_strv_contains ((const char * const *) recent, demo_root));
  screenshot (window, "01-opened.png");

  activate (window, "win.next-frame");
  activate (window, "win.next-frame");
  activate (window, "win.next-frame");
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 3);
  assert_frame_exact (window);
  assert_timeline_in_sync (window);
  activate (window, "win.forward-n");
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 13);
  want = g_strdup_printf ("frame 13/%u", n - 1);
  g_assert_nonnull (strstr (ddl_window_get_position_text (window), want));
  assert_frame_exact (window);
  activate (window, "win.back-n");
  activate (window, "win.previous-frame");
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 2);
  activate (window, "win.last-frame");
  g_assert_cmpuint (ddl_session_get_frame (session), ==, n - 1);
  assert_frame_exact (window);
  assert_timeline_in_sync (window);
  activate (window, "win.next-frame");   /* stays on the last frame */
  g_assert_cmpuint (ddl_session_get_frame (session), ==, n - 1);
  activate (window, "win.first-frame");
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 0);
  activate (window, "win.next-video");
  g_assert_cmpuint (ddl_session_get_video (session), ==, 1);
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 0);
  assert_frame_exact (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_timeline_and_overview_seek (void)
{
  DdlWindow *window = open_window ();
  DdlSession *session = ddl_window_get_session (window);
  DdlScoreTimeline *timeline = DDL_SCORE_TIMELINE (ddl_window_get_part (window, "timeline"));
  DdlOverviewStrip *overview = DDL_OVERVIEW_STRIP (ddl_window_get_part (window, "overview"));
  double x = ddl_score_timeline_frame_to_x (timeline, 40);
  double ty = ddl_score_timeline_threshold_y (timeline);
  int height = gtk_widget_get_height (GTK_WIDGET (timeline));
  /* A press away from the threshold line seeks. */
  double y = ty > height / 2 ? 12 : height - 12;
  guint video, frame;

  ddl_score_timeline_simulate_drag (timeline, x, y, x, y);
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 40);
  assert_frame_exact (window);
  /* Dragging scrubs. */
  ddl_score_timeline_simulate_drag (timeline, x, y, ddl_score_timeline_frame_to_x (timeline, 25), y);
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 25);
  /* Zoomed in, the playhead stays in view and the mapping stays exact. */
  activate (window, "win.zoom-in");
  activate (window, "win.zoom-in");
  double first, last;
  ddl_score_timeline_get_view (timeline, &first, &last);
  g_assert_cmpfloat (last - first, <, ddl_session_get_n_frames (session) / 3.0);
  activate (window, "win.forward-n");
  activate (window, "win.forward-n");
  activate (window, "win.forward-n");
  assert_timeline_in_sync (window);
  activate (window, "win.zoom-reset");

  /* The overview's third video, near its middle. */
  double x0 = -1;
  for (double px = 0; px < gtk_widget_get_width (GTK_WIDGET (overview)); px += 1)
    if (ddl_overview_strip_locate (overview, px, &video, &frame) && video == 2)
      {
        x0 = px;
        break;
      }
  g_assert_cmpfloat (x0, >=, 0);
  g_assert_true (ddl_overview_strip_locate (overview, x0 + 20, &video, &frame));
  g_assert_cmpuint (video, ==, 2);
  ddl_session_set_video (session, video);
  ddl_session_set_frame (session, frame);
  g_assert_cmpuint (ddl_session_get_video (session), ==, 2);
  assert_frame_exact (window);
  /* Per-video AUCs are shown where the video has both classes. */
  gboolean any_auc = FALSE;
  for (guint v = 0; v < 4; v++)
    any_auc |= !isnan (ddl_overview_strip_get_auc (overview, v));
  g_assert_true (any_auc);
  gtk_window_destroy (GTK_WINDOW (window));
}

static guint
count_events (DdlSession *session)
{
  g_autoptr(GArray) e = ddl_events_find (ddl_session_get_curve (session, 0,
                                                                ddl_session_get_video (session)),
                                         ddl_session_get_n_frames (session),
                                         ddl_session_get_threshold (session), 5, 5);
  return e->len;
}

static void
test_threshold_events_and_marks (void)
{
  DdlWindow *window = open_window ();
  DdlSession *session = ddl_window_get_session (window);
  DdlScoreTimeline *timeline = DDL_SCORE_TIMELINE (ddl_window_get_part (window, "timeline"));
  GtkSpinButton *spin_threshold = GTK_SPIN_BUTTON (ddl_window_get_part (window, "threshold"));
  GtkListBox *list = GTK_LIST_BOX (ddl_window_get_part (window, "events"));
  double before = ddl_session_get_threshold (session);
  double ty = ddl_score_timeline_threshold_y (timeline);

  /* The video with the most events at the starting threshold. */
  guint best = 0, most = 0;
  for (guint v = 0; v < ddl_session_get_n_videos (session); v++)
    {
      ddl_session_set_video (session, v);
      if (count_events (session) > most)
        most = count_events (session), best = v;
    }
  ddl_session_set_video (session, best);
  g_assert_cmpuint (most, >, 0);

  /* Dragging the line up raises the threshold; the spin button and events follow. */
  g_assert_cmpfloat (ty, >, 0);
  ddl_score_timeline_simulate_drag (timeline, 30, ty, 30, ty - 15);
  g_assert_cmpfloat (ddl_session_get_threshold (session), >, before);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (spin_threshold),
                                  ddl_session_get_threshold (session), 1e-9);
  g_assert_cmpuint (ddl_session_get_events (session)->len, ==, count_events (session));
  ddl_session_set_threshold (session, before);
  g_assert_cmpuint (ddl_session_get_events (session)->len, ==, most);

  /* Next / previous event jump to event starts and select the row. */
  GArray *events = ddl_session_get_events (session);
  const DdlEvent first = g_array_index (events, DdlEvent, 0);
  ddl_session_set_frame (session, 0);
  if (first.start == 0)
    ddl_session_set_frame (session, 0);
  else
    activate (window, "win.next-event");
  g_assert_cmpuint (ddl_session_get_frame (session), ==, first.start);
  spin (0.2);
  g_assert_nonnull (gtk_list_box_get_selected_row (list));
  g_assert_cmpint (gtk_list_box_row_get_index (gtk_list_box_get_selected_row (list)), ==, 0);
  assert_frame_exact (window);
  screenshot (window, "02-event.png");
  if (events->len > 1)
    {
      activate (window, "win.next-event");
      g_assert_cmpuint (ddl_session_get_frame (session), ==,
                        g_array_index (events, DdlEvent, 1).start);
      activate (window, "win.previous-event");
      g_assert_cmpuint (ddl_session_get_frame (session), ==, first.start);
    }

  /* Reject the event (normal), then undo: labels follow, metrics follow. */
  DdlMetricsPanel *metrics = DDL_METRICS_PANEL (ddl_window_get_part (window, "metrics"));
  g_autofree char *auc_before = g_strdup (ddl_metrics_panel_get_cell (metrics, 1, 1));
  activate (window, "win.reject");
  const guint8 *labels = ddl_session_get_labels (session, best);
  for (guint f = first.start; f <= first.end; f++)
    g_assert_cmpuint (labels[f], ==, 0);
  spin (0.1);
  activate (window, "win.undo");
  g_assert_cmpstr (ddl_metrics_panel_get_cell (metrics, 1, 1), ==, auc_before);
  activate (window, "win.accept");
  labels = ddl_session_get_labels (session, best);
  for (guint f = first.start; f <= first.end; f++)
    g_assert_cmpuint (labels[f], ==, 1);
  screenshot (window, "03-marked.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Micro AUC over every scored frame, computed here from the curves and labels. */
static double
independent_auc (DdlSession *session)
{
  g_autoptr(GArray) s = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GByteArray) l = g_byte_array_new ();
  for (guint v = 0; v < ddl_session_get_n_videos (session); v++)
    {
      const double *curve = ddl_session_get_curve (session, 0, v);
      const guint8 *labels = ddl_session_get_labels (session, v);
      for (guint f = 0; f < ddl_session_get_video_info (session, v)->n_frames; f++)
        if (!isnan (curve[f]))
          {
            g_array_append_val (s, curve[f]);
            g_byte_array_append (l, &labels[f], 1);
          }
    }
  return ddl_metrics_auc ((double *) s->data, l->data, s->len);
}

static void
test_metrics_panel (void)
{
  DdlWindow *window = open_window ();
  DdlSession *session = ddl_window_get_session (window);
  DdlMetricsPanel *metrics = DDL_METRICS_PANEL (ddl_window_get_part (window, "metrics"));
  g_autofree char *want = g_strdup_printf ("%.2f", 100 * independent_auc (session));

  gtk_notebook_set_current_page (GTK_NOTEBOOK (ddl_window_get_part (window, "sidebar")), 1);
  g_assert_cmpstr (ddl_metrics_panel_get_cell (metrics, 0, 1), ==, "Micro AUC");
  g_assert_cmpstr (ddl_metrics_panel_get_cell (metrics, 1, 0), ==, "demo");
  g_assert_cmpstr (ddl_metrics_panel_get_cell (metrics, 1, 1), ==, want);
  g_assert_nonnull (strstr (ddl_metrics_panel_get_threshold_text (metrics), "TPR"));
  screenshot (window, "04-metrics.png");

  /* Per-video normalisation changes the pooled AUC; the panel recomputes it. */
  ddl_metrics_panel_set_protocol (metrics, TRUE, DDL_FILTER_MEDIAN);
  g_free (want);
  want = g_strdup_printf ("%.2f", 100 * independent_auc (session));
  g_assert_cmpstr (ddl_metrics_panel_get_cell (metrics, 1, 1), ==, want);
  double lo, hi;
  g_assert_true (ddl_session_get_score_range (session, &lo, &hi));
  g_assert_cmpfloat_with_epsilon (lo, 0, 1e-12);
  g_assert_cmpfloat_with_epsilon (hi, 1, 1e-12);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
advanced (gpointer data)
{
  return ddl_session_get_frame (ddl_window_get_session (data)) >= 8;
}

static void
test_playback (void)
{
  DdlWindow *window = open_window ();
  DdlSession *session = ddl_window_get_session (window);
  gint64 start = g_get_monotonic_time ();

  activate (window, "win.play");
  g_assert_true (ddl_window_is_playing (window));
  wait_for (advanced, window, 10, "playback to advance");
  /* Playback keeps the footage's frame rate: 8 frames take 8 / fps seconds, not less
   * (image folders play at 25 fps unless the dataset says otherwise). */
  double fps = current_video (window)->fps;
  g_assert_cmpfloat ((g_get_monotonic_time () - start) / 1e6, >, 0.9 * 8 / fps);
  activate (window, "win.play");
  g_assert_false (ddl_window_is_playing (window));
  guint at = ddl_session_get_frame (session);
  spin (0.3);
  g_assert_cmpuint (ddl_session_get_frame (session), ==, at);
  assert_frame_exact (window);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A fake error map with a bright square where the anomalous object is, so the
 * overlays and split view have something to show (the demo has no model). */
static char *
write_fake_maps (DdlSession *session)
{
  g_autofree char *dir = g_build_filename (demo_root, "fake-maps", NULL);
  g_mkdir_with_parents (dir, 0755);
  for (guint v = 0; v < ddl_session_get_n_videos (session); v++)
    {
      const DdlSessionVideo *info = ddl_session_get_video_info (session, v);
      guint n = info->n_frames - 2, W = 64, H = 64;
      g_autofree guint8 *maps = g_new0 (guint8, (gsize) n * W * H);
      g_autofree guint8 *recs = g_new0 (guint8, (gsize) n * W * H);
      for (guint i = 0; i < n; i++)
        for (guint y = 0; y < H; y++)
          for (guint x = 0; x < W; x++)
            {
              gsize k = ((gsize) i * H + y) * W + x;
              maps[k] = (x >= 40 && x < 48 && y >= 16 && y < 24) ? 250 : (x + y) % 7 * 4;
              recs[k] = (guint8) (100 + (x * 2 + y) % 60);
            }
      g_autofree char *mp = g_strdup_printf ("%s/%s.maps.npy", dir, info->name);
      g_autofree char *rp = g_strdup_printf ("%s/%s.recs.npy", dir, info->name);
      gsize ms[3] = { n, H, W }, rs[4] = { n, 1, H, W };
      g_assert_true (ddl_npy_save_u8 (mp, maps, 3, ms, NULL));
      g_assert_true (ddl_npy_save_u8 (rp, recs, 4, rs, NULL));
    }
  return g_steal_pointer (&dir);
}

static void
test_overlays_and_errors (void)
{
  DdlWindow *window = open_window ();
  DdlSession *session = ddl_window_get_session (window);
  DdlFrameView *view = DDL_FRAME_VIEW (ddl_window_get_part (window, "frame-view"));
  g_autofree char *maps = write_fake_maps (session);
  double box[4];

  ddl_session_set_maps_dir (session, maps);
  ddl_session_set_frame (session, 20);
  wait_for (has_patch, view, 10, "the error map");
  /* The bright 8x8 square at (40..48, 16..24) of a 64x64 map: the best 16x16 patch
   * of the outer and inner grids covers it whole. */
  g_assert_true (ddl_frame_view_get_patch_box (view, box));
  g_assert_cmpfloat (box[2] - box[0], ==, 16.0 / 64);
  g_assert_cmpfloat (box[0], <=, 40.0 / 64);
  g_assert_cmpfloat (box[2], >=, 48.0 / 64);
  g_assert_cmpfloat (box[1], <=, 16.0 / 64);
  g_assert_cmpfloat (box[3], >=, 24.0 / 64);
  activate (window, "win.show-boxes");
  screenshot (window, "05-heatmap.png");
  activate (window, "win.split");
  screenshot (window, "06-split.png");
  activate (window, "win.split");

  /* A missing file: a message in the window, and the session carries on. */
  g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/ped9");
  ddl_window_open (window, missing);
  wait_for (has_error, window, 10, "the error banner");
  g_assert_nonnull (strstr (ddl_window_get_error_text (window), "/nonexistent/ped9"));
  g_assert_true (ddl_session_is_loaded (session));
  activate (window, "win.next-frame");
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 21);
  /* A scores file for other footage is refused with its reason. */
  g_autofree char *bad = g_build_filename (demo_root, "other.csv", NULL);
  g_assert_true (g_file_set_contents (bad, "video,frame,score\n01,x,1\n", -1, NULL));
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad);
  ddl_window_open (window, bad_file);
  g_assert_nonnull (strstr (ddl_window_get_error_text (window), "other.csv"));
  g_assert_cmpuint (ddl_session_get_n_models (session), ==, 1);
  screenshot (window, "07-error.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Every accelerator parses, none is used twice, and every window action it names
 * exists on the window. */
/* Footage without scores or ground truth: everything draws, score actions are off. */
static void
test_no_scores (void)
{
  g_autofree char *root = g_build_filename (demo_root, "..", "unscored", NULL);
  g_autoptr(GError) error = NULL;
  DdlSynthOptions options;

  ddl_synth_options_init (&options);
  options.n_train_videos = 1;
  options.n_test_videos = 2;
  options.n_frames = 20;
  g_assert_true (ddl_synth_write_dataset (&options, root, &error));
  g_assert_no_error (error);
  DdlWindow *window = ddl_window_new (NULL);
  g_autoptr(GFile) file = g_file_new_for_path (root);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  ddl_window_open (window, file);
  wait_for (loaded, window, 60, "the unscored footage to open");
  wait_for (frame_shown, window, 20, "the first frame");
  DdlSession *session = ddl_window_get_session (window);
  g_assert_cmpuint (ddl_session_get_n_models (session), ==, 0);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "next-event"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "next-frame"));
  screenshot (window, "00-unscored.png");
  gtk_notebook_set_current_page (GTK_NOTEBOOK (ddl_window_get_part (window, "sidebar")), 1);
  screenshot (window, "00-unscored-metrics.png");
  activate (window, "win.next-frame");
  assert_frame_exact (window);

  /* Closing remembers the window size (the memory settings backend here). */
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  int w, h;
  g_settings_set (settings, "window-size", "(ii)", 1, 1);
  gtk_window_close (GTK_WINDOW (window));
  g_settings_get (settings, "window-size", "(ii)", &w, &h);
  g_assert_cmpint (w, ==, 1280);
  g_assert_cmpint (h, ==, 800);
}

/* Closing the window while footage opens: the late result is dropped, no crash. */
static void
test_close_while_opening (void)
{
  for (guint i = 0; i < 3; i++)
    {
      DdlWindow *window = ddl_window_new (NULL);
      g_autoptr(GFile) file = g_file_new_for_path (demo_root);
      gtk_window_present (GTK_WINDOW (window));
      ddl_window_open (window, file);
      g_assert_true (ddl_window_is_busy (window));
      spin (0.01 * i);
      gtk_window_destroy (GTK_WINDOW (window));
    }
  spin (2);
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);
  g_test_add_func ("/ddl/ui/window/open-and-step", test_open_and_step);
  g_test_add_func ("/ddl/ui/window/timeline-and-overview-seek", test_timeline_and_overview_seek);
  g_test_add_func ("/ddl/ui/window/threshold-events-marks", test_threshold_events_and_marks);
  g_test_add_func ("/ddl/ui/window/metrics-panel", test_metrics_panel);
  g_test_add_func ("/ddl/ui/window/playback", test_playback);
  g_test_add_func ("/ddl/ui/window/overlays-and-errors", test_overlays_and_errors);
  g_test_add_func ("/ddl/ui/window/no-scores", test_no_scores);
  g_test_add_func ("/ddl/ui/window/close-while-opening", test_close_while_opening);
  return gui_test_run ();
}
