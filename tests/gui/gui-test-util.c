/* Helpers of the DDL Studio window tests (see gui-test-util.h). */
#include "config.h"
#include "gui-test-util.h"

#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <gmodule.h>
#include <X11/keysym.h>
#include <math.h>
#include <string.h>

#include "ddl-test-demo.h"
#include "ddl-frame-source.h"
#include "ddl-frame-view.h"
#include "ddl-score-timeline.h"
#include "ddl-test-util.h"

char *demo_root;
char *shots_dir;

/* ---- real key presses through the X server (XTest, loaded at run time) ---------------- */

typedef int (*FakeKeyFunc) (Display *display, unsigned int keycode, Bool press,
                            unsigned long delay);
static FakeKeyFunc fake_key;

gboolean
have_xtest (void)
{
  GModule *xtst;
  if (fake_key != NULL)
    return TRUE;
  xtst = g_module_open ("libXtst.so.6", G_MODULE_BIND_LAZY);
  return xtst != NULL && g_module_symbol (xtst, "XTestFakeKeyEvent", (gpointer *) &fake_key)
         && GDK_IS_X11_DISPLAY (gdk_display_get_default ());
}

void
press (gpointer widget, const char *accel)
{
  Display *x = gdk_x11_display_get_xdisplay (gtk_widget_get_display (GTK_WIDGET (widget)));
  static const struct { GdkModifierType mask; guint keysym; } modifiers[] = {
    { GDK_SHIFT_MASK, XK_Shift_L }, { GDK_CONTROL_MASK, XK_Control_L }, { GDK_ALT_MASK, XK_Alt_L },
  };
  guint key;
  GdkModifierType mods;

  g_assert_true (have_xtest ());
  g_assert_true (gtk_accelerator_parse (accel, &key, &mods));
  KeyCode code = XKeysymToKeycode (x, key);
  g_assert_cmpuint (code, !=, 0);
  for (guint i = 0; i < G_N_ELEMENTS (modifiers); i++)
    if (mods & modifiers[i].mask)
      fake_key (x, XKeysymToKeycode (x, modifiers[i].keysym), True, 0);
  fake_key (x, code, True, 0);
  fake_key (x, code, False, 0);
  for (guint i = G_N_ELEMENTS (modifiers); i-- > 0; )
    if (mods & modifiers[i].mask)
      fake_key (x, XKeysymToKeycode (x, modifiers[i].keysym), False, 0);
  XFlush (x);
  spin (0.2);
}


void
wait_for (Condition cond, gpointer data, double seconds, const char *what)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

void
spin (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

gboolean
loaded (gpointer data)
{
  DdlWindow *w = data;
  return ddl_session_is_loaded (ddl_window_get_session (w)) && !ddl_window_is_busy (w);
}

gboolean
frame_shown (gpointer data)
{
  DdlWindow *w = data;
  return ddl_window_get_shown_frame (w) == (int) ddl_session_get_frame (ddl_window_get_session (w));
}

gboolean
has_error (gpointer data)
{
  return ddl_window_get_error_text (data) != NULL;
}

DdlWindow *
open_window (void)
{
  DdlWindow *window = ddl_window_new (NULL);
  g_autoptr(GFile) file = g_file_new_for_path (demo_root);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  ddl_window_open (window, file);
  wait_for (loaded, window, 60, "the demo footage to open");
  wait_for (frame_shown, window, 20, "the first frame");
  spin (0.3);
  return window;
}

void
activate (DdlWindow *window, const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
}

static gboolean
drawable (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

void
screenshot (DdlWindow *window, const char *name)
{
  GtkWidget *widget = GTK_WIDGET (window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = g_build_filename (shots_dir, name, NULL);
  int w = 0, h = 0;

  wait_for (drawable, widget, 10, "the window to be shown");
  /* A window that has not been laid out yet draws nothing: give it a few frames. */
  for (guint attempt = 0; node == NULL && attempt < 20; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      spin (0.1);
      w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

const DdlSessionVideo *
current_video (DdlWindow *window)
{
  DdlSession *s = ddl_window_get_session (window);
  return ddl_session_get_video_info (s, ddl_session_get_video (s));
}

/* The pixels on screen are the decoder's pixels of the session's frame. */
void
assert_frame_exact (DdlWindow *window)
{
  DdlSession *session = ddl_window_get_session (window);
  guint frame = ddl_session_get_frame (session);
  DdlFrameView *view = DDL_FRAME_VIEW (ddl_window_get_part (window, "frame-view"));
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlFrameSource) source = NULL;
  g_autoptr(GBytes) want = NULL;

  wait_for (frame_shown, window, 20, "the frame to be decoded");
  source = ddl_frame_source_open (current_video (window)->path, &error);
  g_assert_no_error (error);
  want = ddl_frame_source_read_rgb8 (source, frame, &error);
  g_assert_no_error (error);
  GdkTexture *texture = ddl_frame_view_get_texture (view);
  guint w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_assert_cmpuint (w, ==, ddl_frame_source_get_width (source));
  g_autofree guint8 *argb = g_new (guint8, (gsize) w * h * 4);
  gdk_texture_download (texture, argb, w * 4);
  const guint8 *rgb = g_bytes_get_data (want, NULL);
  for (gsize i = 0; i < (gsize) w * h; i += 97)   /* a spread of pixels */
    {
      /* gdk_texture_download gives CAIRO_FORMAT_ARGB32: B, G, R, A in memory here. */
      g_assert_cmpuint (argb[i * 4 + 2], ==, rgb[i * 3 + 0]);
      g_assert_cmpuint (argb[i * 4 + 1], ==, rgb[i * 3 + 1]);
      g_assert_cmpuint (argb[i * 4 + 0], ==, rgb[i * 3 + 2]);
    }
}

void
assert_timeline_in_sync (DdlWindow *window)
{
  DdlScoreTimeline *timeline = DDL_SCORE_TIMELINE (ddl_window_get_part (window, "timeline"));
  guint frame = ddl_session_get_frame (ddl_window_get_session (window));
  double x = ddl_score_timeline_frame_to_x (timeline, frame);
  g_assert_cmpfloat (x, >=, 0);
  g_assert_cmpfloat (x, <=, gtk_widget_get_width (GTK_WIDGET (timeline)));
  g_assert_cmpuint (ddl_score_timeline_x_to_frame (timeline, x), ==, frame);
}


gboolean
not_busy (gpointer data)
{
  return !ddl_window_is_busy (data);
}

gboolean
has_patch (gpointer data)
{
  double box[4];
  return ddl_frame_view_get_patch_box (data, box);
}

static char *test_home;

int
gui_test_run (void)
{
  int status = g_test_run ();
  ddl_test_remove_tree (test_home);
  g_clear_pointer (&test_home, g_free);
  g_clear_pointer (&demo_root, g_free);
  g_clear_pointer (&shots_dir, g_free);
  return status;
}

const char *
gui_test_init_homes (int *argc, char ***argv, const char *name)
{
  g_autofree char *template = g_strdup_printf ("ddl-gui-%s-XXXXXX", name);
  char *home = test_home = g_dir_make_tmp (template, NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);

  /* Mesa's compiled shaders are no user state: keep its cache where it was (Mesa adds
   * "mesa_shader_cache" to this folder), or every run compiles every kernel again
   * (over 30 s on lavapipe). */
  if (g_getenv ("MESA_SHADER_CACHE_DIR") == NULL)
    {
      g_autofree char *mesa = g_getenv ("XDG_CACHE_HOME") != NULL
        ? g_strdup (g_getenv ("XDG_CACHE_HOME"))
        : g_build_filename (g_get_home_dir (), ".cache", NULL);
      g_setenv ("MESA_SHADER_CACHE_DIR", mesa, TRUE);
    }
  /* Keep the user's cache, recent files and settings out of the test. */
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (argc, argv, NULL);

  shots_dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                "gui-screenshots", NULL);
  g_mkdir_with_parents (shots_dir, 0755);
  return home;
}

void
gui_test_init (int *argc, char ***argv)
{
  const char *home = gui_test_init_homes (argc, argv, "window");
  g_autoptr(GError) error = NULL;
  DdlSynthOptions options;

  demo_root = g_build_filename (home, "walkway", NULL);
  ddl_synth_options_init (&options);
  options.seed = 11;
  options.n_train_videos = 1;
  options.n_test_videos = 4;
  options.n_frames = 90;
  if (!ddl_demo_write (&options, demo_root, &error))
    g_error ("cannot write the demo footage: %s", error->message);
}
