/* DDL Studio workflows under Xvfb: scoring the footage with a model from the window
 * (progress, cancel, cache, a broken model), a 10,000-frame video on the timeline,
 * the review done with real key presses (XTest), and the shortcuts. */
#include "config.h"

#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "gui-test-util.h"
#include "ddl-application.h"
#include "ddl-compute.h"
#include "ddl-events.h"
#include "ddl-frame-view.h"
#include "ddl-frame-writer.h"

static void
test_accelerators (void)
{
  DdlWindow *window = ddl_window_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char * const *accels;
  const char *action;

  for (guint i = 0; (action = ddl_application_get_accel (i, &accels)) != NULL; i++)
    {
      if (g_str_has_prefix (action, "win.") && !g_str_equal (action, "win.show-help-overlay"))
        g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), action + 4));
      for (guint k = 0; accels[k] != NULL; k++)
        {
          guint key;
          GdkModifierType mods;
          g_assert_true (gtk_accelerator_parse (accels[k], &key, &mods));
          g_assert_false (g_hash_table_contains (seen, accels[k]));
          g_hash_table_add (seen, (gpointer) accels[k]);
        }
    }
  g_assert_cmpuint (g_hash_table_size (seen), >, 30);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Scoring from the window with a (small, untrained) model on the Vulkan device:
 * progress, a second model curve, error maps for the overlays, and the cache that
 * makes the second time instant. Skips without a device. */
static void
test_score_with_model (void)
{
  g_autoptr(GError) error = NULL;
  DdlEngineOptions engine_options = { NULL, FALSE };
  DdlModelConfig config;
  g_autofree char *model_path = g_build_filename (demo_root, "..", "tiny.safetensors", NULL);

  {
    g_autoptr(DdlEngine) engine = ddl_engine_new (&engine_options, &error);
    if (engine == NULL)
      {
        g_test_skip_printf ("no Vulkan device: %s", error->message);
        return;
      }
    ddl_model_config_init_default (&config);
    config.latent = 8;
    config.width = config.height = 32;
    g_autoptr(DdlModel) model = ddl_model_new (engine, &config, &error);
    g_assert_no_error (error);
    g_assert_true (ddl_model_save (model, model_path, &error));
    g_assert_no_error (error);
  }

  DdlWindow *window = open_window ();
  DdlSession *session = ddl_window_get_session (window);
  DdlFrameView *view = DDL_FRAME_VIEW (ddl_window_get_part (window, "frame-view"));
  g_autoptr(GFile) model_file = g_file_new_for_path (model_path);
  guint models = ddl_session_get_n_models (session);

  ddl_window_open (window, model_file);
  g_assert_true (ddl_window_is_busy (window));
  wait_for (not_busy, window, 240, "scoring to finish");
  g_assert_null (ddl_window_get_error_text (window));
  g_assert_cmpuint (ddl_session_get_n_models (session), ==, models + 1);
  g_assert_nonnull (ddl_session_get_maps_dir (session));
  /* The T = 3 model scores every frame but the first and the last. */
  const double *curve = ddl_session_get_curve (session, models, 0);
  g_assert_true (isnan (curve[0]) && !isnan (curve[1]));
  ddl_session_set_frame (session, 30);
  wait_for (has_patch, view, 10, "the model's error map");
  screenshot (window, "08-scored.png");

  /* Another model (another cache key), cancelled at once: no curve, no error. */
  g_autofree char *copy = g_build_filename (demo_root, "..", "tiny-copy.safetensors", NULL);
  g_autofree char *bytes = NULL;
  gsize size;
  g_assert_true (g_file_get_contents (model_path, &bytes, &size, NULL));
  g_assert_true (g_file_set_contents (copy, bytes, size, NULL));
  g_autoptr(GFile) copy_file = g_file_new_for_path (copy);
  ddl_window_open (window, copy_file);
  g_assert_true (ddl_window_is_busy (window));
  ddl_window_cancel (window);
  wait_for (not_busy, window, 120, "the cancelled scoring to stop");
  g_assert_null (ddl_window_get_error_text (window));
  g_assert_cmpuint (ddl_session_get_n_models (session), ==, models + 1);

  /* Again: straight from the cache, no worker. */
  ddl_window_open (window, model_file);
  g_assert_false (ddl_window_is_busy (window));
  g_assert_cmpuint (ddl_session_get_n_models (session), ==, models + 2);

  /* A file that is not a model: a message, and the session carries on. */
  g_autofree char *bad = g_build_filename (demo_root, "..", "broken.safetensors", NULL);
  g_assert_true (g_file_set_contents (bad, "not a checkpoint", -1, NULL));
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad);
  ddl_window_open (window, bad_file);
  wait_for (not_busy, window, 60, "the failed scoring");
  g_assert_nonnull (ddl_window_get_error_text (window));
  g_assert_nonnull (strstr (ddl_window_get_error_text (window), "broken.safetensors"));
  g_assert_cmpuint (ddl_session_get_n_models (session), ==, models + 2);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A 10,000-frame video with a score per frame: the timeline draws (snapshot and
 * render) in well under a frame's time budget, zoomed out and zoomed in. */
static void
test_long_video_timeline (void)
{
  g_autofree char *dir = g_build_filename (demo_root, "..", "long", NULL);
  g_autofree char *video = g_build_filename (dir, "long.avi", NULL);
  g_autofree char *csv = g_build_filename (dir, "long-scores.csv", NULL);
  g_autoptr(GError) error = NULL;
  const guint n = 10000, w = 32, h = 24;

  g_mkdir_with_parents (dir, 0755);
  DdlVideoWriter *writer = ddl_video_writer_open_with_encoder (video, "mjpeg", w, h, 25, &error);
  g_assert_no_error (error);
  g_autofree guint8 *rgb = g_new0 (guint8, w * h * 3);
  g_autoptr(GString) text = g_string_new ("video,frame,score\n");
  for (guint f = 0; f < n; f++)
    {
      memset (rgb, f % 251, w * h * 3);
      g_assert_true (ddl_video_writer_add (writer, rgb, w * 3, &error));
      if (f % 1000 != 0)   /* a gap every 1,000 frames */
        g_string_append_printf (text, "long,%u,%.6f\n", f, sin (f * 0.01) + 0.1 * ((f * 7919) % 13));
    }
  g_assert_true (ddl_video_writer_close (writer, &error));
  g_assert_true (g_file_set_contents (csv, text->str, -1, NULL));

  DdlWindow *window = ddl_window_new (NULL);
  g_autoptr(GFile) file = g_file_new_for_path (video);
  g_autoptr(GFile) scores = g_file_new_for_path (csv);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  ddl_window_open (window, file);
  ddl_window_open (window, scores);   /* waits for the footage */
  wait_for (loaded, window, 60, "the long video to open");
  spin (0.3);
  DdlSession *session = ddl_window_get_session (window);
  g_assert_cmpuint (ddl_session_get_n_frames (session), ==, n);
  g_assert_cmpuint (ddl_session_get_n_models (session), ==, 1);

  GtkWidget *timeline = ddl_window_get_part (window, "timeline");
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  int tw = gtk_widget_get_width (timeline), th = gtk_widget_get_height (timeline);
  for (guint zoomed = 0; zoomed < 2; zoomed++)
    {
      gint64 start = g_get_monotonic_time ();
      const guint repeats = 10;
      for (guint i = 0; i < repeats; i++)
        {
          GtkSnapshot *snapshot = gtk_snapshot_new ();
          GTK_WIDGET_GET_CLASS (timeline)->snapshot (timeline, snapshot);
          g_autoptr(GskRenderNode) node = gtk_snapshot_free_to_node (snapshot);
          g_autoptr(GdkTexture) texture =
            gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, tw, th));
          g_assert_nonnull (texture);
        }
      double ms = (g_get_monotonic_time () - start) / 1e3 / repeats;
      g_test_message ("timeline of %u frames, %dx%d px, %s: %.2f ms per draw", n, tw, th,
                      zoomed ? "zoomed in" : "whole video", ms);  /* reported, not a limit */
      ddl_session_set_frame (session, 5000);
      activate (window, "win.zoom-in");
      activate (window, "win.zoom-in");
      activate (window, "win.zoom-in");
    }
  screenshot (window, "09-long-video.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- the keyboard, for real: key presses through the X server (XTest) ------------- */

/* The review workflow with the keyboard alone: the application's accelerators reach
 * the window's actions from real key presses. */
static void
test_keyboard_review (void)
{
  if (!have_xtest ())
    {
      g_test_skip ("XTest (libXtst.so.6) or an X11 display is not available");
      return;
    }
  g_autoptr(GtkApplication) app = gtk_application_new ("io.github.ddlstudio.DdlStudio.Test",
                                                       G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  ddl_application_set_accels (app);
  DdlWindow *window = ddl_window_new (app);
  g_autoptr(GFile) file = g_file_new_for_path (demo_root);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  ddl_window_open (window, file);
  wait_for (loaded, window, 60, "the demo footage to open");
  spin (0.5);
  DdlSession *session = ddl_window_get_session (window);

  press (window, "Right");
  press (window, "Right");
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 2);
  press (window, "<Shift>Right");
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 12);
  press (window, "Left");
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 11);
  press (window, "End");
  g_assert_cmpuint (ddl_session_get_frame (session), ==, ddl_session_get_n_frames (session) - 1);
  press (window, "Home");
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 0);
  press (window, "Page_Down");
  g_assert_cmpuint (ddl_session_get_video (session), ==, 1);
  press (window, "Page_Up");
  g_assert_cmpuint (ddl_session_get_video (session), ==, 0);

  /* Events: lower the threshold until there is one, jump to it, mark it, undo. */
  double before = ddl_session_get_threshold (session);
  press (window, "Down");
  g_assert_cmpfloat (ddl_session_get_threshold (session), <, before);
  ddl_session_set_threshold (session, before);
  GArray *events = ddl_session_get_events (session);
  g_assert_cmpuint (events->len, >, 0);
  guint start = g_array_index (events, DdlEvent, 0).start, end = g_array_index (events, DdlEvent, 0).end;
  if (start > 0)
    {
      press (window, "n");
      g_assert_cmpuint (ddl_session_get_frame (session), ==, start);
    }
  else
    ddl_session_set_frame (session, 0);
  press (window, "r");
  for (guint f = start; f <= end; f++)
    g_assert_cmpint (ddl_annotations_get_mark (ddl_session_get_annotations (session), 0, f), ==,
                     DDL_MARK_NORMAL);
  press (window, "<Ctrl>z");
  press (window, "a");
  g_assert_cmpint (ddl_annotations_get_mark (ddl_session_get_annotations (session), 0, start), ==,
                   DDL_MARK_ANOMALOUS);
  press (window, "<Ctrl>z");
  g_assert_cmpint (ddl_annotations_get_mark (ddl_session_get_annotations (session), 0, start), !=,
                   DDL_MARK_ANOMALOUS);
  press (window, "<Ctrl><Shift>z");
  g_assert_cmpint (ddl_annotations_get_mark (ddl_session_get_annotations (session), 0, start), ==,
                   DDL_MARK_ANOMALOUS);

  /* A range with the keyboard: in at 3, out at 6, mark normal. */
  press (window, "Home");
  press (window, "Right");
  press (window, "Right");
  press (window, "Right");
  press (window, "i");
  press (window, "Right");
  press (window, "Right");
  press (window, "Right");
  press (window, "o");
  guint s0, s1;
  g_assert_true (ddl_session_get_selection (session, &s0, &s1));
  g_assert_cmpuint (s0, ==, 3);
  g_assert_cmpuint (s1, ==, 6);
  press (window, "r");
  for (guint f = 3; f <= 6; f++)
    g_assert_cmpint (ddl_annotations_get_mark (ddl_session_get_annotations (session), 0, f), ==,
                     DDL_MARK_NORMAL);
  press (window, "i");
  press (window, "Escape");
  g_assert_false (ddl_session_get_selection (session, &s0, &s1));

  /* Overlays and playback. */
  DdlFrameView *view = DDL_FRAME_VIEW (ddl_window_get_part (window, "frame-view"));
  gboolean split;
  press (window, "s");
  g_object_get (view, "split", &split, NULL);
  g_assert_true (split);
  press (window, "s");
  press (window, "space");
  g_assert_true (ddl_window_is_playing (window));
  press (window, "space");
  g_assert_false (ddl_window_is_playing (window));
  gtk_window_destroy (GTK_WINDOW (window));
  spin (0.2);
}

static void
test_shortcuts_window (void)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/ddlstudio/DdlStudio/gtk/help-overlay.ui");
  GObject *overlay = gtk_builder_get_object (builder, "help_overlay");
  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  gtk_window_destroy (GTK_WINDOW (overlay));
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);
  g_test_add_func ("/ddl/ui/workflow/score-with-model", test_score_with_model);
  g_test_add_func ("/ddl/ui/workflow/long-video-timeline", test_long_video_timeline);
  g_test_add_func ("/ddl/ui/workflow/keyboard-review", test_keyboard_review);
  g_test_add_func ("/ddl/ui/workflow/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/ddl/ui/workflow/accelerators", test_accelerators);
  return gui_test_run ();
}
