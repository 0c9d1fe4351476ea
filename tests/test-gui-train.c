/* DDL Studio's training window under Xvfb: the settings form, the live loss plot (fast
 * with 10,000 points per series, spikes kept by the per-column decimation), the live
 * tiles, and a real run of the pipeline at a tiny configuration on a tiny synthetic
 * dataset: Start from a real key press (XTest), plots and tiles filling, Pause (the step
 * counter stands still while the main loop stays responsive), Resume, Cancel (a
 * checkpoint), Start again (the step count continues), the end of the run and the
 * `finished` signal with a report folder; closing while training asks first; the demo
 * window. Screenshots go to $G_TEST_BUILDDIR/gui-screenshots/train-*.png. */
#include "config.h"

#include <gtk/gtk.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "gui-test-util.h"
#include "ddl-application.h"
#include "ddl-compute.h"
#include "ddl-frame-writer.h"
#include "ddl-loss-plot.h"
#include "ddl-preview-tiles.h"
#include "ddl-synth.h"
#include "ddl-train-job.h"
#include "ddl-train-window.h"
#include "ddl-test-util.h"

static char *home;        /* private XDG homes and the tiny dataset */
static char *dataset;     /* tiny synthetic walkway */

/* ---- helpers ------------------------------------------------------------------------- */

static void
shot (GtkWidget *widget, const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autofree char *path = g_build_filename (shots_dir, name, NULL);
  GskRenderNode *node = NULL;
  int w = 0, h = 0;

  for (guint attempt = 0; node == NULL && attempt < 20; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      spin (0.1);
      w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  g_autoptr(GdkTexture) texture = gsk_renderer_render_texture (
    gtk_native_get_renderer (gtk_widget_get_native (widget)), node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gsk_render_node_unref (node);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

static gboolean
have_device (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = ddl_engine_list_devices (NULL, &error);
  if (devices == NULL || devices->len == 0)
    {
      g_test_skip_printf ("no Vulkan device: %s", error ? error->message : "none listed");
      return FALSE;
    }
  return TRUE;
}

/* Main-loop latency: the longest gap between ticks of a 10 ms timeout. */
typedef struct {
  gint64 last;
  gint64 max_gap;
} Probe;

static gboolean
probe_tick (gpointer data)
{
  Probe *p = data;
  gint64 now = g_get_monotonic_time ();
  if (p->last > 0)
    p->max_gap = MAX (p->max_gap, now - p->last);
  p->last = now;
  return G_SOURCE_CONTINUE;
}

static double
spin_measuring (double seconds)
{
  Probe probe = { 0, 0 };
  guint id = g_timeout_add (10, probe_tick, &probe);
  spin (seconds);
  g_source_remove (id);
  return probe.max_gap / 1e3;
}

static gboolean
stopped (gpointer w)
{
  return !ddl_train_window_is_running (w);
}

typedef struct {
  DdlTrainWindow *window;
  gsize           points;
} PlotWait;

static gboolean
plotted (gpointer data)
{
  PlotWait *w = data;
  DdlLossPlot *plot = DDL_LOSS_PLOT (ddl_train_window_get_part (w->window, "loss-plot"));
  DdlPreviewTiles *tiles = DDL_PREVIEW_TILES (ddl_train_window_get_part (w->window, "tiles"));
  return ddl_loss_plot_get_n_points (plot) > w->points
         && ddl_preview_tiles_get_texture (tiles, DDL_PREVIEW_TILE_CLEAN) != NULL;
}

/* The resumed run's first step has reached the plot (not only the worker). */
static gboolean
plotted_more (gpointer data)
{
  PlotWait *w = data;
  DdlLossPlot *plot = DDL_LOSS_PLOT (ddl_train_window_get_part (w->window, "loss-plot"));
  return ddl_train_window_get_steps_reported (w->window) > 0
         && ddl_loss_plot_get_n_points (plot) > w->points;
}

/* Standard deviation of a texture's pixels (all channels), and whether it holds the
 * mask outline's red. */
static double
texture_spread (GdkTexture *texture, gboolean *has_outline)
{
  int w = gdk_texture_get_width (texture), h = gdk_texture_get_height (texture);
  g_autofree guint8 *px = g_new (guint8, (gsize) w * h * 4);
  double sum = 0, sum2 = 0;
  gsize n = (gsize) w * h * 3;

  gdk_texture_download (texture, px, w * 4);
  *has_outline = FALSE;
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      /* CAIRO_FORMAT_ARGB32: B, G, R, A in memory on little-endian. */
      guint8 b = px[i * 4], g = px[i * 4 + 1], r = px[i * 4 + 2];
      *has_outline |= r == 0xe0 && g == 0x1b && b == 0x24;
      sum += r + g + b;
      sum2 += (double) r * r + (double) g * g + (double) b * b;
    }
  return sqrt (MAX (sum2 / n - (sum / n) * (sum / n), 0));
}

static DdlTrainWindow *
tiny_window (GtkApplication *app, const char *out)
{
  DdlTrainWindow *window = ddl_train_window_new (app);

  ddl_train_window_set_dataset (window, dataset);
  ddl_train_window_set_output_folder (window, out);
  /* The tiny configuration, through the form's own widgets. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (ddl_train_window_get_part (window, "size")), 0);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (ddl_train_window_get_part (window, "latent")), 16);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (ddl_train_window_get_part (window, "batch")), 2);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (ddl_train_window_get_part (window, "epochs")), 2);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ddl_train_window_get_part (window, "sdl")), TRUE);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ddl_train_window_get_part (window, "ddl")), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1240, 820);
  gtk_window_present (GTK_WINDOW (window));
  spin (0.5);
  return window;
}

/* ---- the plot and the tiles, without training ------------------------------------------- */

/* 10,000 points in each of three series draw fast, and a one-step spike survives the
 * per-pixel-column decimation. */
static void
test_loss_plot_many_points (void)
{
  DdlLossPlot *plot = DDL_LOSS_PLOT (g_object_ref_sink (ddl_loss_plot_new ()));
  const guint n = 10000, spike = 6001;
  const int w = 600, h = 220;

  ddl_loss_plot_set_title (plot, "test");
  ddl_loss_plot_set_log (plot, FALSE);
  ddl_loss_plot_set_range (plot, 0, 10);
  for (guint s = 0; s < 3; s++)
    {
      guint series = ddl_loss_plot_add_series (plot, s == 0 ? "a" : s == 1 ? "b" : "c", 0,
                                               (DdlLossStyle) s);
      for (guint i = 1; i <= n; i++)
        ddl_loss_plot_append (plot, series, i,
                              s == 0 && i == spike ? 9.5 : 1 + 0.1 * s + 0.05 * sin (i * 0.01));
    }
  g_assert_cmpuint (ddl_loss_plot_get_n_points (plot), ==, 3 * n);

  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  gint64 start = g_get_monotonic_time ();
  const guint repeats = 10;
  for (guint r = 0; r < repeats; r++)
    {
      cairo_t *cr = cairo_create (surface);
      ddl_loss_plot_draw (plot, cr, w, h);
      cairo_destroy (cr);
    }
  double ms = (g_get_monotonic_time () - start) / 1e3 / repeats;
  /* Reported, not asserted (no timing limits in tests): the per-column reduction keeps a
   * draw at O(points + width), 3-9 ms here. */
  g_test_message ("loss plot, 3 x %u points at %dx%d: %.2f ms per draw", n, w, h, ms);

  /* The spike reaches y = 9.5 of 0..10: near the top of the plot area, in the
   * spike's column, the line's blue is there. Plot area: x from 46 to w - 8, y from
   * 24 to h - 18 (the margins of ddl-loss-plot.c). */
  cairo_surface_flush (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  double left = 46, width = w - 46 - 8, top = 24, height = h - 24 - 18;
  int col = (int) floor (left + (spike - 1.0) / (n - 1.0) * width);
  int row = (int) round (top + (1 - 9.5 / 10) * height);
  gboolean found = FALSE;
  for (int y = row - 2; y <= row + 2 && !found; y++)
    for (int x = col - 1; x <= col + 1 && !found; x++)
      {
        const guint8 *p = data + y * stride + x * 4;   /* B, G, R, A */
        found = p[0] > 150 && p[2] < 120;              /* the first model's blue */
      }
  g_assert_true (found);
  /* Far from the spike, the top of the plot stays white. */
  const guint8 *p = data + row * stride + (int) (left + width * 0.2) * 4;
  g_assert_cmpuint (p[0], >, 240);
  g_assert_cmpuint (p[1], >, 240);
  g_assert_cmpuint (p[2], >, 240);
  cairo_surface_destroy (surface);
  g_object_unref (plot);
}

/* Gray planes are replicated, whole-pixel enlargement repeats pixels exactly, and the
 * mask's outline (mask pixels next to non-mask ones) is red while its inside is not. */
static void
test_preview_render (void)
{
  const guint w = 5, h = 4, scale = 3;
  float plane[20], mask[20] = { 0 };
  for (guint i = 0; i < w * h; i++)
    plane[i] = i / 19.0f;
  /* A 3 x 3 block at x 1..3, y 0..2: only (2, 1) is inside with all 4 neighbours in. */
  for (guint y = 0; y < 3; y++)
    for (guint x = 1; x < 4; x++)
      mask[y * w + x] = 1;
  g_autofree guint8 *rgb = ddl_preview_tiles_render_rgb (plane, 1, w, h, mask, scale);
  for (guint y = 0; y < h * scale; y++)
    for (guint x = 0; x < w * scale; x++)
      {
        guint sx = x / scale, sy = y / scale;
        const guint8 *px = rgb + ((gsize) y * w * scale + x) * 3;
        gboolean in = mask[sy * w + sx] > 0.5f;
        gboolean edge = in && !(sx == 2 && sy == 1);
        if (edge)
          {
            g_assert_cmpuint (px[0], ==, 0xe0);
            g_assert_cmpuint (px[1], ==, 0x1b);
            g_assert_cmpuint (px[2], ==, 0x24);
          }
        else
          {
            guint8 want = (guint8) (plane[sy * w + sx] * 255 + 0.5f);
            g_assert_cmpuint (px[0], ==, want);
            g_assert_cmpuint (px[1], ==, want);
            g_assert_cmpuint (px[2], ==, want);
          }
      }
}

/* The form's notes and rules, without a device. */
static void
test_form_rules (void)
{
  DdlTrainWindow *window = ddl_train_window_new (NULL);
  GtkWidget *note = ddl_train_window_get_part (window, "channels-note");
  GtkWidget *temporal = ddl_train_window_get_part (window, "temporal");
  GtkDropDown *channels = GTK_DROP_DOWN (ddl_train_window_get_part (window, "channels"));
  GtkDropDown *arch = GTK_DROP_DOWN (ddl_train_window_get_part (window, "arch"));
  DdlModelConfig defaults;

  /* Defaults are the CPU default configuration. */
  ddl_model_config_init_default (&defaults);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (
                     GTK_SPIN_BUTTON (ddl_train_window_get_part (window, "latent"))), ==,
                   defaults.latent);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (
                     GTK_SPIN_BUTTON (ddl_train_window_get_part (window, "batch"))), ==,
                   defaults.batch);
  g_assert_cmpuint (gtk_drop_down_get_selected (channels), ==, defaults.channels == 3 ? 1 : 0);
  g_assert_true (g_str_has_prefix (ddl_train_window_get_output_folder (window),
                                   g_get_user_data_dir ()));
  g_assert_true (gtk_widget_is_sensitive (ddl_train_window_get_part (window, "settings")));

  /* The device list: "Automatic" first, then what Vulkan lists (filled off the main
   * thread). */
  GListModel *devices = gtk_drop_down_get_model (GTK_DROP_DOWN (ddl_train_window_get_part (window,
                                                                                         "device")));
  g_autoptr(GPtrArray) listed = ddl_engine_list_devices (NULL, NULL);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (devices), 0), ==, _("Automatic"));
  if (listed != NULL)
    {
      gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
      while (g_list_model_get_n_items (devices) < 1 + listed->len)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, end);
          spin (0.05);
        }
      const DdlDeviceInfo *d = listed->pdata[0];
      g_assert_nonnull (strstr (gtk_string_list_get_string (GTK_STRING_LIST (devices), 1), d->name));
    }
  /* The bottom of the form, to look at. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1240, 820);
  gtk_window_present (GTK_WINDOW (window));
  spin (0.5);
  GtkWidget *scroller = gtk_widget_get_ancestor (ddl_train_window_get_part (window, "settings"),
                                                 GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  gtk_adjustment_set_value (vadj, gtk_adjustment_get_upper (vadj));
  spin (0.3);
  shot (GTK_WIDGET (window), "train-07-form-bottom.png");

  /* One channel with DDL checked: the note warns. */
  gtk_drop_down_set_selected (channels, 0);
  g_assert_true (gtk_widget_has_css_class (note, "error"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (note)), "3"));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ddl_train_window_get_part (window, "ddl")), FALSE);
  g_assert_false (gtk_widget_has_css_class (note, "error"));
  /* The UNet takes single frames. */
  gtk_drop_down_set_selected (arch, 1);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (temporal)), ==, 1);
  g_assert_false (gtk_widget_get_sensitive (temporal));
  gtk_drop_down_set_selected (arch, 0);
  g_assert_true (gtk_widget_get_sensitive (temporal));
  /* No mode: nothing to start. */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ddl_train_window_get_part (window, "sdl")), FALSE);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ddl_train_window_get_part (window, "baseline")),
                               FALSE);
  g_assert_false (gtk_widget_get_sensitive (ddl_train_window_get_part (window, "start")));
  ddl_train_window_start (window);
  g_assert_false (ddl_train_window_is_running (window));
  g_assert_nonnull (ddl_train_window_get_error_text (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- a real run --------------------------------------------------------------------------- */

static char *finished_folder;
static char *report_folder;   /* the finished run, for the main-window test */

static void
on_finished (DdlTrainWindow *window, const char *folder)
{
  g_free (finished_folder);
  g_free (report_folder);
  finished_folder = g_strdup (folder);
}

static void
test_train_pause_cancel_resume (void)
{
  if (!have_device ())
    return;
  if (!have_xtest ())
    {
      g_test_skip ("XTest (libXtst.so.6) or an X11 display is not available");
      return;
    }
  g_autoptr(GtkApplication) app = gtk_application_new ("io.github.ddlstudio.DdlStudio.TrainTest",
                                                       G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_autofree char *out = g_build_filename (home, "run", NULL);
  DdlTrainWindow *window = tiny_window (app, out);
  GtkWidget *w = GTK_WIDGET (window);
  DdlLossPlot *loss = DDL_LOSS_PLOT (ddl_train_window_get_part (window, "loss-plot"));
  DdlLossPlot *sigma = DDL_LOSS_PLOT (ddl_train_window_get_part (window, "sigma-plot"));
  DdlPreviewTiles *tiles = DDL_PREVIEW_TILES (ddl_train_window_get_part (window, "tiles"));
  g_signal_connect (window, "finished", G_CALLBACK (on_finished), NULL);

  /* Start with the keyboard (Ctrl+Enter), through the X server. */
  gint64 t0 = g_get_monotonic_time ();
  press (w, "<Ctrl>Return");
  g_assert_true (ddl_train_window_is_running (window));
  g_assert_false (gtk_widget_is_sensitive (ddl_train_window_get_part (window, "settings")));
  PlotWait enough = { window, 3 * 8 };
  wait_for (plotted, &enough, 120, "the loss plot and the tiles to fill");
  g_test_message ("%.1f s from Start to %zu points", (g_get_monotonic_time () - t0) / 1e6,
                  ddl_loss_plot_get_n_points (loss));
  g_assert_null (ddl_train_window_get_error_text (window));
  g_assert_cmpuint (ddl_loss_plot_get_n_points (sigma), >, 0);
  const char *text = ddl_train_window_get_progress_text (window);
  g_test_message ("progress: %s", text);
  g_assert_nonnull (strstr (text, "Model 1 of 2"));
  g_assert_nonnull (strstr (text, "SDL"));
  g_assert_nonnull (strstr (text, "epoch 1/2"));
  /* The tiles show images, not flat planes; the SDL pseudo anomaly is outlined. */
  gboolean outline;
  g_assert_cmpfloat (texture_spread (ddl_preview_tiles_get_texture (tiles, DDL_PREVIEW_TILE_CLEAN),
                                     &outline), >, 5);
  g_assert_cmpfloat (texture_spread (ddl_preview_tiles_get_texture (tiles, DDL_PREVIEW_TILE_REC_CLEAN),
                                     &outline), >, 1);
  g_assert_cmpfloat (texture_spread (ddl_preview_tiles_get_texture (tiles, DDL_PREVIEW_TILE_PSEUDO),
                                     &outline), >, 5);
  g_assert_true (outline);
  /* Training runs on the worker, not in the main loop: steps go on while the main thread
   * sleeps without iterating it. (Latency is reported, not asserted: timing limits do not
   * belong in tests, and a loaded CI machine stretches every gap.) */
  guint64 before_sleep = ddl_train_window_get_steps_reported (window);
  for (gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
       ddl_train_window_get_steps_reported (window) == before_sleep; )
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_usleep (G_USEC_PER_SEC / 10);
    }
  double busy_gap = spin_measuring (1.0);
  g_test_message ("main loop while training: longest gap %.1f ms", busy_gap);
  shot (w, "train-01-running.png");

  /* Pause: after the step in flight, the counter stands still; the loop runs on. */
  press (w, "<Ctrl>p");
  g_assert_true (ddl_train_window_is_paused (window));
  /* The step in flight finishes first: wait until the count has rested 0.5 s. */
  guint64 paused_at = ddl_train_window_get_steps_reported (window);
  for (gint64 rest = g_get_monotonic_time (), end = rest + 20 * G_USEC_PER_SEC;
       g_get_monotonic_time () - rest < G_USEC_PER_SEC / 2; )
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      spin (0.05);
      if (ddl_train_window_get_steps_reported (window) != paused_at)
        paused_at = ddl_train_window_get_steps_reported (window), rest = g_get_monotonic_time ();
    }
  guint64 shown_at = ddl_train_window_get_step (window);
  double paused_gap = spin_measuring (2.0);
  g_test_message ("paused at %" G_GUINT64_FORMAT " steps; longest main-loop gap %.1f ms",
                  paused_at, paused_gap);
  g_assert_cmpuint (ddl_train_window_get_steps_reported (window), ==, paused_at);
  g_assert_cmpuint (ddl_train_window_get_step (window), ==, shown_at);
  g_assert_nonnull (strstr (gtk_button_get_label (GTK_BUTTON (ddl_train_window_get_part (window,
                                                                                       "pause"))),
                            "Resume"));
  shot (w, "train-02-paused.png");

  /* Resume: it goes on. */
  press (w, "<Ctrl>p");
  g_assert_false (ddl_train_window_is_paused (window));
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (ddl_train_window_get_steps_reported (window) <= paused_at + 2)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      spin (0.05);
    }

  /* Cancel (the button): a checkpoint of the model in training. */
  gtk_widget_activate (ddl_train_window_get_part (window, "cancel"));
  wait_for (stopped, window, 60, "the cancelled run to stop");
  g_assert_null (ddl_train_window_get_error_text (window));
  guint64 cancelled_at = ddl_train_window_get_step (window);
  g_autofree char *checkpoint = g_build_filename (out, "models", "sdl.safetensors", NULL);
  g_assert_true (g_file_test (checkpoint, G_FILE_TEST_IS_REGULAR));
  DdlCheckpointInfo info;
  g_autoptr(GError) error = NULL;
  g_assert_true (ddl_checkpoint_info_read (checkpoint, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.config.mode, ==, DDL_MODE_SDL);
  g_assert_cmpuint (info.config.latent, ==, 16);
  g_assert_cmpuint (info.config.width, ==, 32);
  g_assert_cmpuint (info.config.batch, ==, 2);
  g_assert_cmpuint (info.config.epochs, ==, 2);
  /* The checkpoint holds every step the window saw (it may hold one more). */
  g_assert_cmpuint (info.step, >=, cancelled_at);
  g_assert_cmpuint (info.step, <=, cancelled_at + 1);
  g_assert_true (gtk_widget_is_sensitive (ddl_train_window_get_part (window, "settings")));
  g_assert_nonnull (strstr (ddl_train_window_get_progress_text (window), "models"));
  gsize points_before = ddl_loss_plot_get_n_points (loss);

  /* Start again: the same run goes on from the checkpoint, the steps continue. */
  press (w, "<Ctrl>Return");
  g_assert_true (ddl_train_window_is_running (window));
  PlotWait more = { window, points_before };
  wait_for (plotted_more, &more, 60, "the resumed run's first step");
  g_test_message ("cancelled at step %" G_GUINT64_FORMAT ", resumed at %" G_GUINT64_FORMAT,
                  cancelled_at, ddl_train_window_get_step (window));
  g_assert_cmpuint (ddl_train_window_get_step (window), >, info.step);
  g_assert_cmpuint (ddl_loss_plot_get_n_points (loss), >, points_before);

  /* To the end: both models, scores, report. */
  t0 = g_get_monotonic_time ();
  wait_for (stopped, window, 240, "the run to finish");
  g_test_message ("%.1f s from the resumed run's first step to its end",
                  (g_get_monotonic_time () - t0) / 1e6);
  g_assert_null (ddl_train_window_get_error_text (window));
  const char *report = ddl_train_window_get_report_folder (window);
  g_assert_nonnull (report);
  g_autofree char *ddl_checkpoint = g_build_filename (out, "models", "ddl.safetensors", NULL);
  g_assert_true (ddl_checkpoint_info_read (ddl_checkpoint, &info, &error));
  g_assert_cmpuint (info.epoch, ==, 2);
  g_assert_cmpint (info.config.mode, ==, DDL_MODE_DDL);
  const char *summary = gtk_label_get_text (GTK_LABEL (ddl_train_window_get_part (window, "summary")));
  g_test_message ("summary: %s", summary);
  g_assert_nonnull (strstr (summary, "SDL"));
  g_assert_nonnull (strstr (summary, "DDL"));
  g_assert_nonnull (strstr (summary, "AUC"));
  g_assert_true (gtk_widget_get_sensitive (ddl_train_window_get_part (window, "compare")));
  g_assert_null (finished_folder);   /* only on request, outside the demo */
  spin (0.6);   /* the summary slides in */
  shot (w, "train-03-done.png");
  /* A button's activation shows it pressed for a moment, then clicks. */
  gtk_widget_activate (ddl_train_window_get_part (window, "compare"));
  spin (0.5);
  g_assert_nonnull (finished_folder);
  g_assert_cmpstr (finished_folder, ==, out);
  g_autofree char *metrics = g_build_filename (finished_folder, "metrics.json", NULL);
  g_assert_true (g_file_test (metrics, G_FILE_TEST_IS_REGULAR));
  report_folder = g_strdup (finished_folder);
  gtk_window_destroy (GTK_WINDOW (window));
  spin (0.2);
}

static DdlTrainWindow *
find_train_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* not ours */
  DdlTrainWindow *found = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);
      if (DDL_IS_TRAIN_WINDOW (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        {
          g_assert_null (found);   /* one training window per main window */
          found = DDL_TRAIN_WINDOW (item);
        }
    }
  return found;
}

/* The main window: Ctrl+T opens one training window (again: the same one) on the open
 * footage's dataset; its `finished` signal opens the report in the Compare view. */
static void
test_main_window (void)
{
  if (report_folder == NULL)
    {
      g_test_skip ("needs the report folder of /ddl/ui/train/pause-cancel-resume");
      return;
    }
  if (!have_xtest ())
    {
      g_test_skip ("XTest (libXtst.so.6) or an X11 display is not available");
      return;
    }
  g_autoptr(GtkApplication) app = gtk_application_new ("io.github.ddlstudio.DdlStudio.TrainTest2",
                                                       G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  ddl_application_set_accels (app);
  DdlWindow *main_window = ddl_window_new (app);
  g_autoptr(GFile) footage = g_file_new_for_path (dataset);
  gtk_window_set_default_size (GTK_WINDOW (main_window), 1100, 760);
  gtk_window_present (GTK_WINDOW (main_window));
  shot (GTK_WIDGET (main_window), "train-00-main-empty.png");   /* the Train button */
  ddl_window_open (main_window, footage);
  wait_for (loaded, main_window, 60, "the footage to open");
  spin (0.3);

  g_assert_null (find_train_window ());
  press (GTK_WIDGET (main_window), "<Ctrl>t");
  DdlTrainWindow *train = find_train_window ();
  g_assert_nonnull (train);
  /* It trains on the open footage's dataset. */
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (ddl_train_window_get_part (train,
                                                                                         "data-dataset"))));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (ddl_train_window_get_part (train, "dataset-label"))),
                   ==, ddl_session_get_root (ddl_window_get_session (main_window)));
  gtk_widget_activate_action (GTK_WIDGET (main_window), "win.train", NULL);
  g_assert_true (find_train_window () == train);

  g_signal_emit_by_name (train, "finished", report_folder);
  wait_for (loaded, main_window, 60, "the report's footage to open");
  spin (0.5);
  g_assert_null (ddl_window_get_error_text (main_window));
  g_assert_true (ddl_window_get_compare (main_window));
  DdlSession *session = ddl_window_get_session (main_window);
  g_assert_cmpuint (ddl_session_get_n_models (session), ==, 2);
  shot (GTK_WIDGET (main_window), "train-06-comparison.png");
  gtk_window_destroy (GTK_WINDOW (train));
  gtk_window_destroy (GTK_WINDOW (main_window));
  spin (0.2);
}

static gboolean
checked (DdlTrainWindow *window, const char *part)
{
  return gtk_check_button_get_active (GTK_CHECK_BUTTON (ddl_train_window_get_part (window, part)));
}

static int
spin_value (DdlTrainWindow *window, const char *part)
{
  return gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (ddl_train_window_get_part (window, part)));
}

/* "Resume from Checkpoint…": a checkpoint of a run folder continues that run; one from
 * elsewhere is copied into a new run and continued there (here one more epoch), the
 * original left as it was. */
static void
test_resume_checkpoint (void)
{
  if (report_folder == NULL)
    {
      g_test_skip ("needs the run of /ddl/ui/train/pause-cancel-resume");
      return;
    }
  g_autofree char *sdl = g_build_filename (report_folder, "models", "sdl.safetensors", NULL);
  g_autofree char *ddl = g_build_filename (report_folder, "models", "ddl.safetensors", NULL);
  g_autofree char *copy = g_build_filename (home, "standalone-sdl.safetensors", NULL);
  g_autofree char *out = g_build_filename (home, "run-resumed", NULL);
  g_autoptr(GError) error = NULL;
  DdlCheckpointInfo before, after;

  /* In a run folder: that run, every mode with a checkpoint there, its configuration. */
  DdlTrainWindow *window = ddl_train_window_new (NULL);
  ddl_train_window_set_dataset (window, dataset);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (ddl_train_window_get_part (window, "latent")), 64);
  ddl_train_window_resume_from (window, ddl);
  g_assert_cmpstr (ddl_train_window_get_output_folder (window), ==, report_folder);
  g_assert_true (checked (window, "sdl") && checked (window, "ddl") && !checked (window, "baseline"));
  g_assert_cmpint (spin_value (window, "latent"), ==, 16);
  g_assert_cmpint (spin_value (window, "batch"), ==, 2);
  g_assert_cmpint (spin_value (window, "epochs"), ==, 2);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (ddl_train_window_get_part (window,
                                                                                        "size"))), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));

  /* From elsewhere: copied into the new run at Start and trained one epoch further. */
  g_autofree char *bytes = NULL;
  gsize size;
  g_assert_true (g_file_get_contents (sdl, &bytes, &size, NULL));
  g_assert_true (g_file_set_contents (copy, bytes, size, NULL));
  g_assert_true (ddl_checkpoint_info_read (copy, &before, &error));
  g_assert_cmpuint (before.epoch, ==, 2);
  window = ddl_train_window_new (NULL);
  ddl_train_window_set_dataset (window, dataset);
  ddl_train_window_resume_from (window, copy);
  g_assert_true (checked (window, "sdl") && !checked (window, "ddl") && !checked (window, "baseline"));
  g_assert_true (g_str_has_prefix (ddl_train_window_get_output_folder (window), g_get_user_data_dir ()));
  ddl_train_window_set_output_folder (window, out);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (ddl_train_window_get_part (window, "epochs")), 3);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ddl_train_window_get_part (window, "render")), FALSE);
  gtk_window_present (GTK_WINDOW (window));
  ddl_train_window_start (window);
  PlotWait first = { window, 0 };
  wait_for (plotted_more, &first, 60, "the resumed checkpoint's first step");
  g_assert_cmpuint (ddl_train_window_get_step (window), >, before.step);
  wait_for (stopped, window, 120, "the resumed checkpoint's run to finish");
  g_assert_null (ddl_train_window_get_error_text (window));
  g_autofree char *resumed = g_build_filename (out, "models", "sdl.safetensors", NULL);
  g_assert_true (ddl_checkpoint_info_read (resumed, &after, &error));
  g_assert_cmpuint (after.epoch, ==, 3);
  g_assert_cmpuint (after.step, >, before.step);
  g_assert_true (ddl_checkpoint_info_read (copy, &after, &error));   /* untouched */
  g_assert_cmpuint (after.epoch, ==, 2);
  g_assert_cmpuint (after.step, ==, before.step);
  gtk_window_destroy (GTK_WINDOW (window));

  /* Not a checkpoint: a message naming the file, nothing changed. */
  g_autofree char *bad = g_build_filename (home, "broken.safetensors", NULL);
  g_assert_true (g_file_set_contents (bad, "not a checkpoint at all", -1, NULL));
  window = ddl_train_window_new (NULL);
  ddl_train_window_resume_from (window, bad);
  g_assert_nonnull (ddl_train_window_get_error_text (window));
  g_assert_nonnull (strstr (ddl_train_window_get_error_text (window), "broken.safetensors"));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* "Chosen videos": two video files train a baseline through a folder of links in the
 * Avenue layout under the user cache dir; without labels the summary says so. */
static void
test_chosen_videos (void)
{
  if (!have_device ())
    return;
  g_autofree char *dir = g_build_filename (home, "videos", NULL);
  g_autofree char *out = g_build_filename (home, "run-videos", NULL);
  g_autoptr(GError) error = NULL;
  DdlSynthOptions options;
  const guint w = 64, h = 48, n = 30;
  char *paths[3] = { NULL };

  g_mkdir_with_parents (dir, 0755);
  ddl_synth_options_init (&options);
  options.seed = 9;
  options.width = w, options.height = h, options.n_frames = n;
  g_autoptr(DdlSynth) synth = ddl_synth_new (&options);
  g_autofree guint8 *rgb = g_new (guint8, w * h * 3);
  for (guint v = 0; v < 2; v++)
    {
      g_autoptr(DdlSynthVideo) video = ddl_synth_video_new (synth, DDL_SPLIT_TRAIN, v);
      paths[v] = g_strdup_printf ("%s/walk %u.avi", dir, v + 1);
      DdlVideoWriter *writer = ddl_video_writer_open_with_encoder (paths[v], "mjpeg", w, h, 10,
                                                                   &error);
      g_assert_no_error (error);
      for (guint f = 0; f < n; f++)
        {
          ddl_synth_video_render (video, f, rgb);
          g_assert_true (ddl_video_writer_add (writer, rgb, w * 3, &error));
        }
      g_assert_true (ddl_video_writer_close (writer, &error));
    }

  DdlTrainWindow *window = tiny_window (NULL, out);
  ddl_train_window_set_videos (window, (const char * const *) paths);
  g_assert_true (checked (window, "data-videos"));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ddl_train_window_get_part (window, "baseline")), TRUE);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ddl_train_window_get_part (window, "sdl")), FALSE);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ddl_train_window_get_part (window, "ddl")), FALSE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (ddl_train_window_get_part (window, "epochs")), 1);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ddl_train_window_get_part (window, "render")), FALSE);
  ddl_train_window_start (window);
  g_assert_true (ddl_train_window_is_running (window));
  wait_for (stopped, window, 120, "the run on chosen videos to finish");
  g_assert_null (ddl_train_window_get_error_text (window));
  g_assert_nonnull (ddl_train_window_get_report_folder (window));
  /* The links: the chosen order, under the (private) user cache dir. */
  g_autofree char *links = g_build_filename (g_get_user_cache_dir (), "ddl-studio", "train-videos",
                                             NULL);
  g_autoptr(GDir) d = g_dir_open (links, 0, &error);
  g_assert_no_error (error);
  const char *key = g_dir_read_name (d);
  g_assert_nonnull (key);
  g_autofree char *first = g_build_filename (links, key, "training_videos", "01-walk 1.avi", NULL);
  g_autofree char *target = g_file_read_link (first, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (target, ==, paths[0]);
  const char *summary = gtk_label_get_text (GTK_LABEL (ddl_train_window_get_part (window, "summary")));
  g_test_message ("summary: %s", summary);
  g_assert_nonnull (strstr (summary, "no AUC"));
  /* The baseline has no pseudo anomalies: its tiles say so. */
  DdlPreviewTiles *tiles = DDL_PREVIEW_TILES (ddl_train_window_get_part (window, "tiles"));
  g_assert_nonnull (ddl_preview_tiles_get_texture (tiles, DDL_PREVIEW_TILE_CLEAN));
  g_assert_null (ddl_preview_tiles_get_texture (tiles, DDL_PREVIEW_TILE_PSEUDO));
  gtk_window_destroy (GTK_WINDOW (window));
  g_free (paths[0]);
  g_free (paths[1]);
}

/* Closing while training asks; "Stop and Close" cancels and closes when stopped. */
static void
test_close_while_training (void)
{
  if (!have_device ())
    return;
  g_autofree char *out = g_build_filename (home, "run-close", NULL);
  DdlTrainWindow *window = tiny_window (NULL, out);
  g_autoptr(GtkWidget) guard = GTK_WIDGET (g_object_ref (window));

  ddl_train_window_start (window);
  g_assert_true (ddl_train_window_is_running (window));
  gtk_window_close (GTK_WINDOW (window));
  spin (0.3);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (ddl_train_window_is_running (window));
  GtkWidget *dialog = NULL;
  GListModel *toplevels = gtk_window_get_toplevels ();   /* not ours */
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);
      if (GTK_IS_MESSAGE_DIALOG (item) && gtk_window_get_transient_for (GTK_WINDOW (item))
                                          == GTK_WINDOW (window))
        dialog = GTK_WIDGET (item);
    }
  g_assert_nonnull (dialog);
  shot (dialog, "train-04-close-dialog.png");
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  wait_for (stopped, window, 60, "the run to stop after closing");
  spin (0.3);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
}

/* The demo window starts by itself, read-only; cancelled at once here (a full demo
 * takes minutes: `ddl demo` is tested headless). */
static void
test_demo_window (void)
{
  if (!have_device ())
    return;
  g_autofree char *out = g_build_filename (home, "demo", NULL);
  DdlTrainWindow *window = ddl_train_window_new_demo (NULL, out);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (ddl_train_window_is_running (window));
  g_assert_false (gtk_widget_is_sensitive (ddl_train_window_get_part (window, "settings")));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (ddl_train_window_get_part (window, "sdl"))));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (ddl_train_window_get_part (window, "ddl"))));
  g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (ddl_train_window_get_part (window, "baseline"))));
  g_assert_cmpstr (ddl_train_window_get_output_folder (window), ==, out);
  spin (1.0);
  shot (GTK_WIDGET (window), "train-05-demo.png");
  ddl_train_window_cancel (window);
  wait_for (stopped, window, 120, "the demo to stop");
  gtk_window_destroy (GTK_WINDOW (window));
  spin (0.2);
}

/* What a new user meets: the empty main window offers the demo; its button's action
 * opens the demo window, already running, on the user's demo folder. */
static void
test_demo_from_main_window (void)
{
  if (!have_device ())
    return;
  g_autoptr(GtkApplication) app = gtk_application_new ("io.github.ddlstudio.DdlStudio.TrainTest3",
                                                       G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  DdlWindow *main_window = ddl_window_new (app);
  g_autofree char *want = g_build_filename (g_get_user_data_dir (), "ddl-studio", "demo", NULL);
  g_autofree char *folder = ddl_window_get_demo_folder ();

  g_assert_cmpstr (folder, ==, want);
  gtk_window_present (GTK_WINDOW (main_window));
  spin (0.3);
  g_assert_null (find_train_window ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (main_window), "win.run-demo", NULL));
  DdlTrainWindow *demo = find_train_window ();
  g_assert_nonnull (demo);
  g_assert_true (ddl_train_window_is_running (demo));
  g_assert_cmpstr (ddl_train_window_get_output_folder (demo), ==, want);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (demo)) == GTK_WINDOW (main_window));
  ddl_train_window_cancel (demo);
  wait_for (stopped, demo, 120, "the demo to stop");
  gtk_window_destroy (GTK_WINDOW (demo));
  gtk_window_destroy (GTK_WINDOW (main_window));
  spin (0.2);
}

/* ---- setup ------------------------------------------------------------------------------ */

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  DdlSynthOptions options;
  int status;

  home = g_strdup (gui_test_init_homes (&argc, &argv, "train"));

  /* The tiny dataset: 2 training videos of 40 frames (38 steps per epoch at batch 2,
   * enough to pause and cancel in the middle of an epoch). */
  dataset = g_build_filename (home, "walkway", NULL);
  ddl_synth_options_init (&options);
  options.seed = 5;
  options.n_train_videos = 2;
  options.n_test_videos = 2;
  options.n_frames = 40;
  options.width = 64;
  options.height = 48;
  if (!ddl_synth_write_dataset (&options, dataset, &error))
    g_error ("cannot write the tiny dataset: %s", error->message);

  g_test_add_func ("/ddl/ui/train/loss-plot-many-points", test_loss_plot_many_points);
  g_test_add_func ("/ddl/ui/train/preview-render", test_preview_render);
  g_test_add_func ("/ddl/ui/train/form-rules", test_form_rules);
  g_test_add_func ("/ddl/ui/train/pause-cancel-resume", test_train_pause_cancel_resume);
  g_test_add_func ("/ddl/ui/train/main-window", test_main_window);
  g_test_add_func ("/ddl/ui/train/resume-checkpoint", test_resume_checkpoint);
  g_test_add_func ("/ddl/ui/train/chosen-videos", test_chosen_videos);
  g_test_add_func ("/ddl/ui/train/close-while-training", test_close_while_training);
  g_test_add_func ("/ddl/ui/train/demo-window", test_demo_window);
  g_test_add_func ("/ddl/ui/train/demo-from-main-window", test_demo_from_main_window);
  status = gui_test_run ();
  g_free (home);
  g_free (dataset);
  g_free (finished_folder);
  g_free (report_folder);
  return status;
}
