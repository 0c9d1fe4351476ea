/* test-plot: timelines and ROC curves written as PNG, SVG and PDF (ddl-plot.h). PNGs
 * are read back and checked at pixels whose colour follows from the data: shaded
 * ground-truth spans, curve rows, gaps, the chance diagonal, a perfect classifier's
 * corner. No device needed. */
#include <cairo.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ddl-metrics.h"
#include "ddl-plot.h"

#define N_FRAMES 101   /* odd, so cell edges do not fall on whole pixels */

typedef struct {
  guint8 r, g, b;
} Pixel;

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("ddl-plot-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (dir);
}

static guint
count_entries (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  while (g_dir_read_name (d) != NULL)
    n++;
  g_dir_close (d);
  return n;
}

static cairo_surface_t *
load_png (const char *path)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_flush (s);
  return s;
}

/* The pixel containing point (x, y), un-premultiplied (the plots are opaque). */
static Pixel
pixel_at (cairo_surface_t *s, double x, double y)
{
  int stride = cairo_image_surface_get_stride (s);
  int ix = (int) floor (x), iy = (int) floor (y);
  guint32 v;

  g_assert_cmpint (ix, >=, 0);
  g_assert_cmpint (iy, >=, 0);
  g_assert_cmpint (ix, <, cairo_image_surface_get_width (s));
  g_assert_cmpint (iy, <, cairo_image_surface_get_height (s));
  memcpy (&v, cairo_image_surface_get_data (s) + (gsize) iy * stride + ix * 4, 4);
  g_assert_cmpuint (v >> 24, ==, 255);
  return (Pixel) { (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };
}

static gboolean
is_white (Pixel p)
{
  return p.r >= 250 && p.g >= 250 && p.b >= 250;
}

/* The first model's colour, #1c71d8, or close to it after anti-aliasing. */
static gboolean
is_blue (Pixel p)
{
  return p.b > 150 && p.b > p.r + 80 && p.b > p.g + 40;
}

/* A timeline of one model over N_FRAMES frames: 0.1 on normal frames, 0.9 on the
 * anomalous span 40..59, no score on frames 0..9. The score axis is fixed to [0, 1]. */
static void
timeline_data (double *scores, guint8 *labels)
{
  for (guint f = 0; f < N_FRAMES; f++)
    {
      labels[f] = f >= 40 && f <= 59;
      scores[f] = f < 10 ? NAN : labels[f] ? 0.9 : 0.1;
    }
}

static double
frame_x (const DdlPlotRect *a, double f)
{
  return a->x + (f + 0.5) * a->width / N_FRAMES;
}

static double
value_y (const DdlPlotRect *a, double v)
{
  return a->y + a->height * (1 - v);
}

static void
test_timeline_pixels (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "timeline.png", NULL);
  static const char *names[] = { "ddl" };
  g_autoptr(GError) error = NULL;
  double scores[N_FRAMES];
  guint8 labels[N_FRAMES];
  DdlPlotTimeline spec;
  DdlPlotRect a;
  cairo_surface_t *s;
  Pixel p;
  gboolean dark = FALSE;

  timeline_data (scores, labels);
  ddl_plot_timeline_init (&spec);
  spec.title = "video 01";
  spec.n_frames = N_FRAMES;
  spec.n_models = 1;
  spec.model_names = names;
  spec.scores = scores;
  spec.labels = labels;
  spec.threshold = 0.3;
  spec.y_min = 0;
  spec.y_max = 1;
  g_assert_true (ddl_plot_timeline (&spec, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (dir), ==, 1);   /* no temporary file left */

  s = load_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, DDL_PLOT_TIMELINE_WIDTH);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, DDL_PLOT_TIMELINE_HEIGHT);
  ddl_plot_timeline_get_area (&spec, &a);

  /* inside the span, halfway up (no curve, no grid line at 0.5): 15 % of #e01b24 on
   * white = (250, 221, 222) */
  p = pixel_at (s, frame_x (&a, 50), value_y (&a, 0.5));
  g_assert_cmpint (abs (p.r - 250), <=, 3);
  g_assert_cmpint (abs (p.g - 221), <=, 3);
  g_assert_cmpint (abs (p.b - 222), <=, 3);
  /* the same row outside the span: background */
  g_assert_true (is_white (pixel_at (s, frame_x (&a, 80), value_y (&a, 0.5))));
  g_assert_true (is_white (pixel_at (s, frame_x (&a, 25), value_y (&a, 0.5))));
  /* the span's edges: frames 40 and 59 shaded, 39 and 60 not */
  g_assert_false (is_white (pixel_at (s, frame_x (&a, 40), value_y (&a, 0.5))));
  g_assert_false (is_white (pixel_at (s, frame_x (&a, 59), value_y (&a, 0.5))));
  g_assert_true (is_white (pixel_at (s, frame_x (&a, 39), value_y (&a, 0.5))));
  g_assert_true (is_white (pixel_at (s, frame_x (&a, 60), value_y (&a, 0.5))));
  /* the curve: 0.1 on normal frames, 0.9 inside the span */
  g_assert_true (is_blue (pixel_at (s, frame_x (&a, 80), value_y (&a, 0.1))));
  g_assert_true (is_blue (pixel_at (s, frame_x (&a, 25), value_y (&a, 0.1))));
  g_assert_true (is_blue (pixel_at (s, frame_x (&a, 50), value_y (&a, 0.9))));
  g_assert_false (is_blue (pixel_at (s, frame_x (&a, 50), value_y (&a, 0.1))));
  /* unscored frames 0..9: a gap, plain background */
  g_assert_true (is_white (pixel_at (s, frame_x (&a, 5), value_y (&a, 0.1))));
  /* the dashed threshold line at 0.3: dark pixels along it, within one dash period */
  for (int dx = 0; dx < 10; dx++)
    {
      p = pixel_at (s, frame_x (&a, 80) + dx, value_y (&a, 0.3));
      dark |= p.r < 150 && p.g < 150 && p.b < 150;
    }
  g_assert_true (dark);
  cairo_surface_destroy (s);
  remove_dir (dir);
}

/* ROC points of a perfect classifier (every positive above every negative). */
static void
perfect_roc (DdlBinaryMetrics *m)
{
  double s[9];
  guint8 y[9];
  for (int i = 0; i < 9; i++)
    {
      y[i] = i % 3 == 0;
      s[i] = y[i] ? 0.8 + 0.01 * i : 0.1 * i / 9;
    }
  ddl_metrics_binary (s, y, 9, m);
  g_assert_cmpfloat (m->auc, ==, 1.0);
}

static void
test_roc_pixels (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "roc.png", NULL);
  g_autoptr(GError) error = NULL;
  DdlBinaryMetrics m;
  DdlPlotRocCurve curve;
  DdlPlotRoc spec;
  DdlPlotRect a;
  cairo_surface_t *s;
  gboolean grey = FALSE;

  perfect_roc (&m);
  curve = (DdlPlotRocCurve) { "ddl", m.roc, m.n_roc, m.auc };
  ddl_plot_roc_init (&spec);
  spec.curves = &curve;
  spec.n_curves = 1;
  spec.width = 420;
  spec.height = 400;
  g_assert_true (ddl_plot_roc (&spec, path, &error));
  g_assert_no_error (error);

  s = load_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 420);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 400);
  ddl_plot_roc_get_area (&spec, &a);
  g_assert_cmpfloat (a.width, ==, a.height);

  /* the dashed diagonal through the centre: grey pixels within a dash period of it
   * (anti-aliased to about 214 where it crosses pixel corners) */
  for (int d = -5; d <= 5; d++)
    {
      Pixel p = pixel_at (s, a.x + a.width / 2 + d, a.y + a.height / 2 - d);
      grey |= p.r < 225 && abs (p.r - p.g) < 12 && abs (p.g - p.b) < 12;
    }
  g_assert_true (grey);
  /* the perfect curve climbs the left edge and runs along the top */
  g_assert_true (is_blue (pixel_at (s, a.x, a.y + 0.5 * a.height)));
  g_assert_true (is_blue (pixel_at (s, a.x + 0.5 * a.width, a.y)));
  g_assert_true (is_blue (pixel_at (s, a.x + 0.1 * a.width, a.y)));
  /* and nowhere inside: below the top-left corner, and off the diagonal, background */
  g_assert_true (is_white (pixel_at (s, a.x + 0.3 * a.width, a.y + 0.3 * a.height)));
  g_assert_true (is_white (pixel_at (s, a.x + 0.7 * a.width, a.y + 0.45 * a.height)));
  cairo_surface_destroy (s);
  ddl_binary_metrics_clear (&m);
  remove_dir (dir);
}

static char *
read_head (const char *path, gsize *length)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, length, &error));
  g_assert_no_error (error);
  return text;
}

static void
test_vector_formats (void)
{
  g_autofree char *dir = make_dir ();
  static const char *names[] = { "ddl", "unet" };
  const char *files[] = { "t.svg", "t.pdf", "r.SVG", "r.pdf", "u.PNG" };
  double scores[2 * N_FRAMES];
  guint8 labels[N_FRAMES];
  DdlPlotTimeline timeline;
  DdlBinaryMetrics m;
  DdlPlotRocCurve curves[2];
  DdlPlotRoc roc;

  timeline_data (scores, labels);
  for (guint f = 0; f < N_FRAMES; f++)
    scores[N_FRAMES + f] = 0.5 + 0.3 * sin (f * 0.2);
  ddl_plot_timeline_init (&timeline);
  timeline.n_frames = N_FRAMES;
  timeline.n_models = 2;
  timeline.model_names = names;
  timeline.scores = scores;
  timeline.labels = labels;
  perfect_roc (&m);
  curves[0] = (DdlPlotRocCurve) { "ddl", m.roc, m.n_roc, m.auc };
  curves[1] = (DdlPlotRocCurve) { "unet", m.roc, m.n_roc, NAN };
  ddl_plot_roc_init (&roc);
  roc.title = "ROC";
  roc.curves = curves;
  roc.n_curves = 2;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;
      gsize length;

      if (files[i][0] == 'r')
        g_assert_true (ddl_plot_roc (&roc, path, &error));
      else
        g_assert_true (ddl_plot_timeline (&timeline, path, &error));
      g_assert_no_error (error);
      text = read_head (path, &length);
      g_assert_cmpuint (length, >, 500);
      if (g_str_has_suffix (files[i], "svg") || g_str_has_suffix (files[i], "SVG"))
        g_assert_true (g_str_has_prefix (text, "<?xml") || g_str_has_prefix (text, "<svg"));
      else if (g_str_has_suffix (files[i], "pdf"))
        {
          g_assert_true (g_str_has_prefix (text, "%PDF"));
          g_assert_nonnull (g_strstr_len (text + length - 16, 16, "%%EOF"));
        }
      else
        g_assert_cmpmem (text, 8, "\x89PNG\r\n\x1a\n", 8);
    }
  /* every file renamed into place, no temporaries left over */
  g_assert_cmpuint (count_entries (dir), ==, G_N_ELEMENTS (files));
  ddl_binary_metrics_clear (&m);
  remove_dir (dir);
}

static void
test_overwrite (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "t.png", NULL);
  g_autoptr(GError) error = NULL;
  double scores[N_FRAMES];
  guint8 labels[N_FRAMES];
  DdlPlotTimeline spec;
  cairo_surface_t *s;

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  timeline_data (scores, labels);
  ddl_plot_timeline_init (&spec);
  spec.n_frames = N_FRAMES;
  spec.n_models = 1;
  spec.scores = scores;
  spec.width = 640;
  spec.height = 200;
  g_assert_true (ddl_plot_timeline (&spec, path, &error));
  g_assert_no_error (error);
  s = load_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 200);
  cairo_surface_destroy (s);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  remove_dir (dir);
}

static void
test_errors (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *jpg = g_build_filename (dir, "plot.jpg", NULL);
  g_autofree char *bare = g_build_filename (dir, "plot", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "such", "plot.png", NULL);
  g_autofree char *old = g_build_filename (dir, "old.png", NULL);
  double scores[N_FRAMES];
  guint8 labels[N_FRAMES];
  DdlPlotTimeline spec;
  DdlPlotRoc roc;
  GError *error = NULL;

  timeline_data (scores, labels);
  ddl_plot_timeline_init (&spec);
  spec.n_frames = N_FRAMES;
  spec.n_models = 1;
  spec.scores = scores;

  g_assert_false (ddl_plot_timeline (&spec, jpg, &error));
  g_assert_error (error, DDL_PLOT_ERROR, DDL_PLOT_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, jpg));
  g_clear_error (&error);
  g_assert_false (ddl_plot_timeline (&spec, bare, &error));
  g_assert_error (error, DDL_PLOT_ERROR, DDL_PLOT_ERROR_FORMAT);
  g_clear_error (&error);

  g_assert_false (ddl_plot_timeline (&spec, missing, &error));
  g_assert_error (error, DDL_PLOT_ERROR, DDL_PLOT_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  spec.width = 20;   /* too small to draw */
  g_assert_false (ddl_plot_timeline (&spec, old, &error));
  g_assert_error (error, DDL_PLOT_ERROR, DDL_PLOT_ERROR_INVALID);
  g_clear_error (&error);
  spec.width = 0;
  spec.n_frames = 0;
  g_assert_false (ddl_plot_timeline (&spec, old, &error));
  g_assert_error (error, DDL_PLOT_ERROR, DDL_PLOT_ERROR_INVALID);
  g_clear_error (&error);

  ddl_plot_roc_init (&roc);
  g_assert_false (ddl_plot_roc (&roc, old, &error));
  g_assert_error (error, DDL_PLOT_ERROR, DDL_PLOT_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_cmpuint (count_entries (dir), ==, 0);   /* nothing written on failure */
  remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot/timeline-pixels", test_timeline_pixels);
  g_test_add_func ("/plot/roc-pixels", test_roc_pixels);
  g_test_add_func ("/plot/vector-formats", test_vector_formats);
  g_test_add_func ("/plot/overwrite", test_overwrite);
  g_test_add_func ("/plot/errors", test_errors);
  return g_test_run ();
}
