/* test-render: the rendered comparison video (ddl-render.h). Footage made at test time
 * (lossless PNG frames whose pixels encode their index), maps and reconstructions
 * fabricated with known values, curves with known steps; then the composed frames are
 * checked pixel by pixel (the frame pane equals the decoded frame, an error pane has
 * the colour map's colour of the value written, the playhead sits where the layout
 * puts it and moves, unscored frames are grey, ground-truth frames have a red border),
 * videos are encoded and decoded back, and bad input fails with clear errors and
 * leaves no file behind. No device needed. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ddl-colour.h"
#include "ddl-frame-source.h"
#include "ddl-frame-writer.h"
#include "ddl-npy.h"
#include "ddl-render.h"
#include "ddl-render-private.h"
#include "ddl-test-media.h"
#include "ddl-test-util.h"

#define W        96      /* footage */
#define H        64
#define N        24      /* frames */
#define MAP      32      /* the "model's" square size */
#define N_ROWS   (N - 2) /* a T = 3 model scores frames 1 .. N - 2 */
#define GT_FIRST 12
#define GT_LAST  17

static char *root;        /* temporary folder */
static char *footage;     /* root/clip: N PNG frames */
static char *maps_a;      /* model "ddl": gray reconstructions */
static char *maps_b;      /* model "sdl": colour reconstructions */
static double curve_a[N], curve_b[N];
static guint8 labels[N];

/* Model a's error map of row i: left half err_left(i), right half err_right(i). */
static guint8 err_left (guint i)  { return 20 + 5 * i; }     /* 20 .. 125 */
static guint8 err_right (guint i) { return 200 - 3 * i; }    /* 200 .. 137: max 200 */

static void
write_u8 (const char *path, const guint8 *data, guint n_dims, const gsize *shape)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (ddl_npy_save_u8 (path, data, n_dims, shape, &error));
  g_assert_no_error (error);
}

/* Maps of `rows` rows for model a (gray recs: top half 200, bottom half 50) or b
 * (colour recs: (30, 160, 90) everywhere, error ramp 8 i, below a's 200). */
static void
write_maps (const char *dir, gboolean model_a, guint rows)
{
  gsize hw = MAP * MAP;
  guint channels = model_a ? 1 : 3;
  g_autofree guint8 *maps = g_new (guint8, rows * hw);
  g_autofree guint8 *recs = g_new (guint8, rows * hw * channels);
  g_autofree char *mp = g_build_filename (dir, "clip.maps.npy", NULL);
  g_autofree char *rp = g_build_filename (dir, "clip.recs.npy", NULL);
  gsize ms[3] = { rows, MAP, MAP }, rs[4] = { rows, channels, MAP, MAP };

  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < rows; i++)
    for (guint y = 0; y < MAP; y++)
      for (guint x = 0; x < MAP; x++)
        {
          gsize p = (gsize) y * MAP + x;
          maps[i * hw + p] = model_a ? (x < MAP / 2 ? err_left (i) : err_right (i)) : 8 * i;
          if (model_a)
            recs[i * hw + p] = y < MAP / 2 ? 200 : 50;
          else
            {
              recs[(i * 3 + 0) * hw + p] = 30;
              recs[(i * 3 + 1) * hw + p] = 160;
              recs[(i * 3 + 2) * hw + p] = 90;
            }
        }
  write_u8 (mp, maps, 3, ms);
  write_u8 (rp, recs, 4, rs);
}

static void
make_fixture (void)
{
  g_autoptr(GError) error = NULL;

  root = ddl_test_media_tmpdir ();
  footage = g_build_filename (root, "clip", NULL);
  g_assert_true (ddl_test_media_write_images (footage, "", "png", N, W, H, &error));
  g_assert_no_error (error);
  maps_a = g_build_filename (root, "maps", "ddl", NULL);
  maps_b = g_build_filename (root, "maps", "sdl", NULL);
  write_maps (maps_a, TRUE, N_ROWS);
  write_maps (maps_b, FALSE, N_ROWS);
  for (guint f = 0; f < N; f++)
    {
      gboolean scored = f >= 1 && f + 1 < N;
      curve_a[f] = scored ? (f < GT_FIRST ? 0.0 : 1.0) : NAN;
      curve_b[f] = scored ? (f < GT_FIRST ? 1.0 : 0.0) : NAN;
      labels[f] = f >= GT_FIRST && f <= GT_LAST;
    }
}

/* Options for the fixture: both models with maps, pane height = footage height. */
static void
fixture_options (DdlRenderOptions *o, DdlRenderModel models[2])
{
  memset (models, 0, 2 * sizeof *models);
  models[0].name = "ddl";
  models[0].maps_dir = maps_a;
  models[0].curve = curve_a;
  models[1].name = "sdl";
  models[1].maps_dir = maps_b;
  models[1].curve = curve_b;
  ddl_render_options_init (o);
  o->footage = footage;
  o->models = models;
  o->n_models = 2;
  o->n_frames = N;
  o->labels = labels;
  o->pane_height = H;
}

static void
fixture_layout (DdlRenderLayout *l)
{
  _ddl_render_layout (l, W, H, H, 2);
}

typedef struct {
  guint8 *rgb;
  guint   width, height;
} Image;

static Image
render (const DdlRenderOptions *o, guint frame)
{
  g_autoptr(GError) error = NULL;
  Image im = { 0 };
  im.rgb = ddl_render_frame (o, frame, &im.width, &im.height, &error);
  g_assert_no_error (error);
  g_assert_nonnull (im.rgb);
  return im;
}

static const guint8 *
pixel (const Image *im, guint x, guint y)
{
  g_assert_cmpuint (x, <, im->width);
  g_assert_cmpuint (y, <, im->height);
  return im->rgb + ((gsize) y * im->width + x) * 3;
}

static void
assert_colour (const guint8 *got, guint32 want, int tolerance, const char *what)
{
  int r = (want >> 16) & 0xff, g = (want >> 8) & 0xff, b = want & 0xff;
  if (abs (got[0] - r) > tolerance || abs (got[1] - g) > tolerance || abs (got[2] - b) > tolerance)
    g_error ("%s: got (%d, %d, %d), want (%d, %d, %d) within %d", what, got[0], got[1], got[2],
             r, g, b, tolerance);
}

static guint32
colormap_rgb (double t)
{
  guint8 c[3];
  ddl_error_colour (t, c);
  return (guint32) c[0] << 16 | (guint32) c[1] << 8 | c[2];
}

static int
compare_u8 (const void *a, const void *b)
{
  return *(const guint8 *) a - *(const guint8 *) b;
}

/* The top of the fixture video's colour scale, computed here by sorting every error
 * value of both models: the value at rank ceil (0.999 n) (ddl-colour.h). */
static double
fixture_top (void)
{
  gsize hw = MAP * MAP, n = 2 * (gsize) N_ROWS * hw, k = 0;
  g_autofree guint8 *all = g_new (guint8, n);
  for (guint i = 0; i < N_ROWS; i++)
    for (gsize p = 0; p < hw; p++)
      {
        all[k++] = p % MAP < MAP / 2 ? err_left (i) : err_right (i);
        all[k++] = 8 * i;
      }
  qsort (all, n, 1, compare_u8);
  return all[(gsize) ceil (0.999 * n) - 1];
}

/* ---- tests ------------------------------------------------------------------------------ */

/* The scale's top is the 99.9th percentile: a few outliers do not set it. Checked against
 * sorted values on histograms with outliers, ties and nothing. */
static void
test_scale_top (void)
{
  guint64 h[256] = { 0 };
  g_assert_cmpuint (ddl_error_scale_top (h), ==, 1);          /* nothing: the floor */
  h[0] = 5000;
  g_assert_cmpuint (ddl_error_scale_top (h), ==, 1);          /* all zero: the floor */
  h[40] = 5000, h[255] = 3;                                   /* 3 outliers of 10,003 */
  g_assert_cmpuint (ddl_error_scale_top (h), ==, 40);
  h[255] = 11;                                                /* 11 of 10,011: > 0.1 % */
  g_assert_cmpuint (ddl_error_scale_top (h), ==, 255);
  for (guint seed = 1; seed <= 20; seed++)
    {
      guint64 hist[256] = { 0 };
      guint n = 500 + 700 * seed;
      g_autofree guint8 *v = g_new (guint8, n);
      GRand *rand = g_rand_new_with_seed (seed);
      for (guint i = 0; i < n; i++)
        {
          v[i] = (guint8) (g_rand_int_range (rand, 0, 4) == 0 ? g_rand_int_range (rand, 0, 256)
                                                             : g_rand_int_range (rand, 0, 60));
          hist[v[i]]++;
        }
      g_rand_free (rand);
      qsort (v, n, 1, compare_u8);
      g_assert_cmpuint (ddl_error_scale_top (hist), ==, MAX (v[(gsize) ceil (0.999 * n) - 1], 1));
    }
}


/* The colour map is dark to bright with luminance rising everywhere, so larger errors
 * always look brighter. */
static void
test_colormap (void)
{
  double last = -1;
  for (guint i = 0; i <= 255; i++)
    {
      guint8 c[3];
      ddl_error_colour (i / 255.0, c);
      double luma = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
      g_assert_cmpfloat (luma, >, last);
      last = luma;
    }
  g_assert_cmpfloat (last, >, 200);
  guint8 c[3];
  ddl_error_colour (0, c);
  g_assert_cmpint (c[0] + c[1] + c[2], <, 40);
  ddl_error_colour (-1, c);   /* clamped */
  g_assert_cmpint (c[0] + c[1] + c[2], <, 40);
}

static void
test_layout (void)
{
  DdlRenderLayout l;
  DdlRenderOptions o;
  DdlRenderModel models[2];

  fixture_layout (&l);
  fixture_options (&o, models);
  Image im = render (&o, 5);
  g_assert_cmpuint (im.width, ==, l.width);
  g_assert_cmpuint (im.height, ==, l.height);
  g_assert_cmpuint (im.width % 2, ==, 0);
  g_assert_cmpuint (im.height % 2, ==, 0);
  g_assert_cmpuint (l.pane_width, ==, W);   /* the footage's aspect at its own height */
  g_assert_cmpuint (l.n_panes, ==, 5);
  /* the panes in a row, none overlapping, all inside; the strip below them */
  for (guint p = 0; p + 1 < l.n_panes; p++)
    g_assert_cmpuint (_ddl_render_pane_x (&l, p) + l.pane_width, <, _ddl_render_pane_x (&l, p + 1));
  g_assert_cmpuint (_ddl_render_pane_x (&l, l.n_panes - 1) + l.pane_width, <=, l.width);
  g_assert_cmpfloat (l.strip.y, >=, l.pane_y + l.pane_height);
  g_assert_cmpfloat (l.strip.y + l.strip.height, <=, l.height);
  g_assert_cmpfloat (l.strip.height, >=, H / 2);
  g_free (im.rgb);

  /* Another pane height keeps the aspect: 240 high panes of 96x64 footage are 360 wide. */
  _ddl_render_layout (&l, W, H, 240, 1);
  g_assert_cmpuint (l.pane_width, ==, 360);
  g_assert_cmpuint (l.n_panes, ==, 3);
  g_assert_cmpfloat (l.strip.height, >=, 120);
}

/* At pane height = footage height the frame pane is the decoded frame, pixel for pixel. */
static void
test_frame_pane (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlFrameSource) source = ddl_frame_source_open (footage, &error);
  DdlRenderLayout l;
  DdlRenderOptions o;
  DdlRenderModel models[2];
  guint frames[] = { 0, 5, 13, N - 1 };

  g_assert_no_error (error);
  fixture_layout (&l);
  fixture_options (&o, models);
  for (guint k = 0; k < G_N_ELEMENTS (frames); k++)
    {
      g_autoptr(GBytes) bytes = ddl_frame_source_read_rgb8 (source, frames[k], &error);
      const guint8 *want = g_bytes_get_data (bytes, NULL);
      Image im = render (&o, frames[k]);
      int worst = 0;
      g_assert_no_error (error);
      for (guint y = 0; y < H; y++)
        for (guint x = 0; x < W; x++)
          for (guint c = 0; c < 3; c++)
            worst = MAX (worst, abs (pixel (&im, l.pane_x0 + x, l.pane_y + y)[c]
                                     - want[((gsize) y * W + x) * 3 + c]));
      g_assert_cmpint (worst, <=, 1);
      /* and its content is that frame's: the index blocks decode back */
      g_autofree guint8 *pane = g_new (guint8, W * H * 3);
      for (guint y = 0; y < H; y++)
        memcpy (pane + (gsize) y * W * 3, pixel (&im, l.pane_x0, l.pane_y + y), W * 3);
      g_assert_cmpint (ddl_test_media_decode (pane, W, H), ==, (int) frames[k]);
      g_free (im.rgb);
    }
}

/* Frame f is maps row f - 1 (a T = 3 model); its error map's halves get the colour map's
 * colours of their values over the video's largest error (200, written by the test), and
 * the reconstructions are stretched to the pane with their layout kept. */
static void
test_model_panes (void)
{
  DdlRenderLayout l;
  DdlRenderOptions o;
  DdlRenderModel models[2];
  guint frames[] = { 1, 10, N - 2 };

  fixture_layout (&l);
  fixture_options (&o, models);
  for (guint k = 0; k < G_N_ELEMENTS (frames); k++)
    {
      guint f = frames[k], row = f - 1;
      Image im = render (&o, f);
      guint rec_a = _ddl_render_pane_x (&l, 1), err_a = _ddl_render_pane_x (&l, 2);
      guint rec_b = _ddl_render_pane_x (&l, 3), err_b = _ddl_render_pane_x (&l, 4);
      double scale = fixture_top ();
      guint top = l.pane_y + H / 4, bottom = l.pane_y + 3 * H / 4, mid = l.pane_y + H / 2;

      assert_colour (pixel (&im, err_a + W / 4, mid), colormap_rgb (err_left (row) / scale), 1,
                     "model a error, left half");
      assert_colour (pixel (&im, err_a + 3 * W / 4, mid),
                     colormap_rgb (err_right (row) / scale), 1, "model a error, right half");
      assert_colour (pixel (&im, rec_a + W / 2, top), 0xc8c8c8, 1, "gray reconstruction, top");
      assert_colour (pixel (&im, rec_a + W / 2, bottom), 0x323232, 1,
                     "gray reconstruction, bottom");
      assert_colour (pixel (&im, rec_b + W / 3, mid), 0x1ea05a, 1, "colour reconstruction");
      /* model b's maps are 8 row, on the scale shared with model a */
      assert_colour (pixel (&im, err_b + W / 2, mid), colormap_rgb (8 * row / scale), 1,
                     "model b error");
      g_free (im.rgb);
    }
}

/* Given scored frames name the maps rows even where the curve has a gap: with frame 5's
 * value missing from model b's curve, frame 6 is still row 5 (it would be row 4 if the
 * rows were counted from the curve). */
static void
test_explicit_scored (void)
{
  DdlRenderLayout l;
  DdlRenderOptions o;
  DdlRenderModel models[2];
  double curve[N];
  guint scored[N_ROWS];

  for (guint i = 0; i < N_ROWS; i++)
    scored[i] = i + 1;
  memcpy (curve, curve_b, sizeof curve);
  curve[5] = NAN;
  fixture_layout (&l);
  fixture_options (&o, models);
  models[1].curve = curve;
  models[1].scored = scored;
  models[1].n_scored = N_ROWS;
  Image im = render (&o, 6);
  assert_colour (pixel (&im, _ddl_render_pane_x (&l, 4) + W / 2, l.pane_y + H / 2),
                 colormap_rgb (40 / fixture_top ()), 1, "model b error at frame 6 = row 5");
  g_free (im.rgb);
}

/* Panes smaller than the footage: the frame is shrunk (averaged), and still reads as
 * the same frame. */
static void
test_downscaled (void)
{
  DdlRenderLayout l;
  DdlRenderOptions o;
  DdlRenderModel models[2];
  guint ph = H / 2, pw = W / 2;

  fixture_options (&o, models);
  o.pane_height = ph;
  _ddl_render_layout (&l, W, H, ph, 2);
  g_assert_cmpuint (l.pane_width, ==, pw);
  Image im = render (&o, 9);
  g_assert_cmpuint (im.width, ==, l.width);
  g_autofree guint8 *pane = g_new (guint8, pw * ph * 3);
  for (guint y = 0; y < ph; y++)
    memcpy (pane + (gsize) y * pw * 3, pixel (&im, l.pane_x0, l.pane_y + y), pw * 3);
  g_assert_cmpint (ddl_test_media_decode (pane, pw, ph), ==, 9);
  g_free (im.rgb);
}

/* The playhead column, found as the dark run across the middle of the strip's data
 * area (the step curves only cross it at frame 12, in their colours). */
static int
find_playhead (const Image *im, const DdlRenderLayout *l)
{
  guint y = (guint) (l->area.y + l->area.height / 2);
  int first = -1, last = -1;

  for (guint x = (guint) l->area.x; x < l->area.x + l->area.width; x++)
    {
      const guint8 *p = pixel (im, x, y);
      if (p[0] < 60 && p[1] < 60 && p[2] < 60)
        {
          if (first < 0)
            first = x;
          last = x;
        }
    }
  g_assert_cmpint (first, >=, 0);
  g_assert_cmpint (last - first, <=, 3);
  return (first + last) / 2;
}

static void
test_playhead (void)
{
  DdlRenderLayout l;
  DdlRenderOptions o;
  DdlRenderModel models[2];
  guint f = 3, g = 20;

  fixture_layout (&l);
  fixture_options (&o, models);
  Image a = render (&o, f), b = render (&o, g);
  int xa = find_playhead (&a, &l), xb = find_playhead (&b, &l);
  double cell = l.area.width / N;

  /* frame f's cell centre, computed here from the data area */
  g_assert_cmpint (xa, ==, (int) floor (l.area.x + (f + 0.5) * cell));
  g_assert_cmpint (xb, ==, (int) floor (l.area.x + (g + 0.5) * cell));
  g_assert_cmpint (xa, ==, _ddl_render_playhead_column (&l, N, f));
  g_assert_cmpfloat (fabs ((xb - xa) - (g - f) * cell), <=, 1.0);
  g_free (a.rgb);
  g_free (b.rgb);
}

/* Frames 0 and N - 1 have no score: both models' panes are grey; frame 1 has one. */
static void
test_unscored (void)
{
  DdlRenderLayout l;
  DdlRenderOptions o;
  DdlRenderModel models[2];

  fixture_layout (&l);
  fixture_options (&o, models);
  Image first = render (&o, 0), last = render (&o, N - 1), scored = render (&o, 1);
  for (guint p = 1; p < l.n_panes; p++)
    {
      guint x = _ddl_render_pane_x (&l, p) + 3, y = l.pane_y + 3;
      assert_colour (pixel (&first, x, y), DDL_RENDER_UNSCORED, 0, "unscored pane, frame 0");
      assert_colour (pixel (&last, x, y), DDL_RENDER_UNSCORED, 0, "unscored pane, last frame");
      const guint8 *s = pixel (&scored, x, y);
      g_assert_false (s[0] == ((DDL_RENDER_UNSCORED >> 16) & 0xff)
                      && s[1] == ((DDL_RENDER_UNSCORED >> 8) & 0xff));
    }
  g_free (first.rgb);
  g_free (last.rgb);
  g_free (scored.rgb);
}

/* Ground-truth frames get a red border around the frame pane, others none. */
static void
test_ground_truth (void)
{
  DdlRenderLayout l;
  DdlRenderOptions o;
  DdlRenderModel models[2];

  fixture_layout (&l);
  fixture_options (&o, models);
  Image normal = render (&o, GT_FIRST - 1), anomalous = render (&o, GT_FIRST + 1);
  guint x = l.pane_x0 - 2, y = l.pane_y + H / 2;
  assert_colour (pixel (&anomalous, x, y), DDL_RENDER_GT, 0, "left border, anomalous frame");
  assert_colour (pixel (&anomalous, l.pane_x0 + W + 1, y), DDL_RENDER_GT, 0, "right border");
  assert_colour (pixel (&anomalous, l.pane_x0 + W / 2, l.pane_y + H + 1), DDL_RENDER_GT, 0,
                 "bottom border");
  assert_colour (pixel (&normal, x, y), DDL_RENDER_BACKGROUND, 0, "no border, normal frame");
  /* without labels no frame has one */
  o.labels = NULL;
  Image plain = render (&o, GT_FIRST + 1);
  assert_colour (pixel (&plain, x, y), DDL_RENDER_BACKGROUND, 0, "no border without labels");
  g_free (normal.rgb);
  g_free (anomalous.rgb);
  g_free (plain.rgb);
}

/* A model without maps draws its curve only: one model's panes fewer. */
static void
test_curve_only_model (void)
{
  DdlRenderOptions o;
  DdlRenderModel models[2];
  DdlRenderLayout l;

  fixture_options (&o, models);
  models[1].maps_dir = NULL;
  _ddl_render_layout (&l, W, H, H, 1);
  Image im = render (&o, 10);
  g_assert_cmpuint (im.width, ==, l.width);
  g_assert_cmpuint (l.n_panes, ==, 3);
  g_free (im.rgb);
}

typedef struct {
  guint calls, last_done, total, stop_at;
} ProgressLog;

static gboolean
log_progress (guint done, guint total, gpointer user_data)
{
  ProgressLog *p = user_data;
  g_assert_cmpuint (done, ==, p->last_done + 1);
  p->calls++;
  p->last_done = done;
  p->total = total;
  return p->stop_at == 0 || done < p->stop_at;
}

static double
mean_abs_diff (const guint8 *a, const guint8 *b, gsize n)
{
  double sum = 0;
  for (gsize i = 0; i < n; i++)
    sum += abs (a[i] - b[i]);
  return sum / n;
}

static void
check_video (const char *name, const char *encoder)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (root, name, NULL);
  DdlRenderOptions o;
  DdlRenderModel models[2];
  ProgressLog log = { 0 };
  gint64 start = g_get_monotonic_time ();

  fixture_options (&o, models);
  o.output = path;
  o.encoder = encoder;
  o.fps = 10;
  o.progress = log_progress;
  o.user_data = &log;
  g_assert_true (ddl_render_video (&o, &error));
  g_assert_no_error (error);
  g_test_message ("%s (%s): %.2f s", name, encoder != NULL ? encoder : "default encoder",
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (log.calls, ==, N);
  g_assert_cmpuint (log.total, ==, N);

  g_autoptr(DdlFrameSource) video = ddl_frame_source_open (path, &error);
  g_assert_no_error (error);
  Image want = render (&o, 13);
  g_assert_cmpuint (ddl_frame_source_get_n_frames (video), ==, N);
  g_assert_cmpuint (ddl_frame_source_get_width (video), ==, want.width);
  g_assert_cmpuint (ddl_frame_source_get_height (video), ==, want.height);
  g_assert_cmpfloat (fabs (ddl_frame_source_get_fps (video) - 10), <, 0.01);
  g_autoptr(GBytes) got = ddl_frame_source_read_rgb8 (video, 13, &error);
  g_assert_no_error (error);
  double diff = mean_abs_diff (g_bytes_get_data (got, NULL), want.rgb,
                               (gsize) want.width * want.height * 3);
  g_test_message ("%s: mean abs difference to the composed frame %.2f levels", name, diff);
  g_assert_cmpfloat (diff, <, 3.0);
  g_free (want.rgb);
  g_unlink (path);
}

static void
test_video_avi (void)
{
  check_video ("out.avi", "mjpeg");
}

static void
test_video_mp4 (void)
{
  if (!ddl_video_encoder_available ("libx264") && !ddl_video_encoder_available ("mpeg4"))
    {
      g_test_skip ("this FFmpeg has no MP4 video encoder");
      return;
    }
  check_video ("out.mp4", NULL);
}

static void
test_video_webm (void)
{
  if (!ddl_video_encoder_available ("libvpx-vp9") && !ddl_video_encoder_available ("libvpx"))
    {
      g_test_skip ("this FFmpeg has no VP8/VP9 encoder");
      return;
    }
  check_video ("out.webm", NULL);
}

/* A dataset's test videos are found by name as the scorer names them. */
static void
test_dataset_footage (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ds = g_build_filename (root, "dataset", NULL);
  g_autofree char *v1 = g_build_filename (ds, "testing", "frames", "01", NULL);
  g_autofree char *v2 = g_build_filename (ds, "testing", "frames", "02", NULL);
  DdlFrameSource *s;

  g_assert_true (ddl_test_media_write_images (v1, "", "png", 6, W, H, &error));
  g_assert_true (ddl_test_media_write_images (v2, "", "png", 9, W, H, &error));
  g_assert_no_error (error);

  s = ddl_render_open_video (ds, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_frame_source_get_n_frames (s), ==, 6);
  ddl_frame_source_free (s);
  s = ddl_render_open_video (ds, "02", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_frame_source_get_n_frames (s), ==, 9);
  g_assert_cmpstr (ddl_frame_source_get_name (s), ==, "02");
  ddl_frame_source_free (s);
  s = ddl_render_open_video (ds, "2", &error);   /* numbers match by value, as in labels */
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_frame_source_get_n_frames (s), ==, 9);
  ddl_frame_source_free (s);

  /* a curve-only render of video 02 */
  double curve[9];
  for (guint f = 0; f < 9; f++)
    curve[f] = f * 0.1;
  DdlRenderModel model = { "ddl", NULL, curve, NULL, 0 };
  DdlRenderOptions o;
  ddl_render_options_init (&o);
  o.footage = ds;
  o.video = "02";
  o.models = &model;
  o.n_models = 1;
  o.n_frames = 9;
  o.pane_height = H;
  guint w, h;
  g_autofree guint8 *rgb = ddl_render_frame (&o, 7, &w, &h, &error);
  g_assert_no_error (error);
  DdlRenderLayout l;
  _ddl_render_layout (&l, W, H, H, 0);
  g_autofree guint8 *pane = g_new (guint8, W * H * 3);
  for (guint y = 0; y < H; y++)
    memcpy (pane + (gsize) y * W * 3, rgb + (((gsize) l.pane_y + y) * w + l.pane_x0) * 3, W * 3);
  g_assert_cmpint (ddl_test_media_decode (pane, W, H), ==, 7);

  ddl_test_remove_tree (ds);
}

static void
assert_no_output (const char *path)
{
  g_autofree char *part = g_strconcat (path, ".part", NULL);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
}

static void
test_error_maps_rows (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (root, "maps", "short", NULL);
  g_autofree char *file = g_build_filename (dir, "clip.maps.npy", NULL);
  g_autofree char *out = g_build_filename (root, "short.avi", NULL);
  DdlRenderOptions o;
  DdlRenderModel models[2];

  write_maps (dir, TRUE, N_ROWS - 1);
  fixture_options (&o, models);
  models[0].maps_dir = dir;
  g_assert_null (ddl_render_frame (&o, 5, NULL, NULL, &error));
  g_assert_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_MAPS);
  g_assert_nonnull (strstr (error->message, file));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  o.output = out;
  g_assert_false (ddl_render_video (&o, &error));
  g_assert_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_MAPS);
  assert_no_output (out);
  g_clear_error (&error);

  /* explicit scored frames that disagree with the rows are caught the same way */
  guint scored[N_ROWS + 1];
  for (guint i = 0; i < N_ROWS + 1; i++)
    scored[i] = i;
  fixture_options (&o, models);
  models[1].scored = scored;
  models[1].n_scored = N_ROWS + 1;
  g_assert_null (ddl_render_frame (&o, 5, NULL, NULL, &error));
  g_assert_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_MAPS);
  g_assert_nonnull (strstr (error->message, "clip.maps.npy"));
  g_clear_error (&error);

  /* a missing maps folder names the file it looked for */
  fixture_options (&o, models);
  models[0].maps_dir = "/nonexistent/maps";
  g_assert_null (ddl_render_frame (&o, 5, NULL, NULL, &error));
  g_assert_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_MAPS);
  g_assert_nonnull (strstr (error->message, "/nonexistent/maps/clip.maps.npy"));
  g_clear_error (&error);

  /* reconstructions of another size than the maps */
  fixture_options (&o, models);
  g_autofree char *mixed = g_build_filename (root, "maps", "mixed", NULL);
  write_maps (mixed, TRUE, N_ROWS);
  g_autofree char *recs = g_build_filename (mixed, "clip.recs.npy", NULL);
  g_autofree guint8 *zeros = g_new0 (guint8, N_ROWS * 16 * 16);
  gsize rs[4] = { N_ROWS, 1, 16, 16 };
  write_u8 (recs, zeros, 4, rs);
  models[0].maps_dir = mixed;
  g_assert_null (ddl_render_frame (&o, 5, NULL, NULL, &error));
  g_assert_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_MAPS);
  g_assert_nonnull (strstr (error->message, recs));
  g_clear_error (&error);
}

static void
test_error_invalid (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (root, "invalid.avi", NULL);
  DdlRenderOptions o;
  DdlRenderModel models[2];

  /* curves one frame short of the footage */
  fixture_options (&o, models);
  o.n_frames = N - 1;
  o.output = out;
  g_assert_false (ddl_render_video (&o, &error));
  g_assert_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "23"));
  g_assert_nonnull (strstr (error->message, "24"));
  assert_no_output (out);
  g_clear_error (&error);

  /* a video the footage does not have */
  fixture_options (&o, models);
  o.video = "Test007";
  g_assert_null (ddl_render_frame (&o, 0, NULL, NULL, &error));
  g_assert_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Test007"));
  g_clear_error (&error);

  /* missing footage */
  fixture_options (&o, models);
  o.footage = "/nonexistent/clip.mp4";
  g_assert_null (ddl_render_frame (&o, 0, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/clip.mp4"));
  g_clear_error (&error);

  /* a frame past the end, nothing to render, a curve missing */
  fixture_options (&o, models);
  g_assert_null (ddl_render_frame (&o, N, NULL, NULL, &error));
  g_assert_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID);
  g_clear_error (&error);
  o.n_frames = 0;
  g_assert_null (ddl_render_frame (&o, 0, NULL, NULL, &error));
  g_assert_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID);
  g_clear_error (&error);
  fixture_options (&o, models);
  models[1].curve = NULL;
  g_assert_null (ddl_render_frame (&o, 0, NULL, NULL, &error));
  g_assert_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID);
  g_clear_error (&error);

  /* an unknown container */
  fixture_options (&o, models);
  g_autofree char *bad = g_build_filename (root, "out.xyz", NULL);
  o.output = bad;
  g_assert_false (ddl_render_video (&o, &error));
  g_assert_nonnull (error);
  assert_no_output (bad);
}

/* A frame that cannot be decoded half way through (it is read on the composing
 * thread) fails the render with the frame source's error and leaves no file. */
static void
test_error_decode (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (root, "broken", NULL);
  g_autofree char *frames = g_build_filename (dir, "clip", NULL);
  g_autofree char *bad = g_build_filename (frames, "7.png", NULL);
  g_autofree char *out = g_build_filename (dir, "out.avi", NULL);
  DdlRenderOptions o;
  DdlRenderModel models[2];
  ProgressLog log = { 0 };

  g_assert_true (ddl_test_media_write_images (frames, "", "png", N, W, H, &error));
  g_assert_no_error (error);
  ddl_test_media_write_file (bad, "\x89PNG\r\n\x1a\nbroken", 16);
  fixture_options (&o, models);
  o.footage = frames;
  o.output = out;
  o.progress = log_progress;
  o.user_data = &log;
  g_assert_false (ddl_render_video (&o, &error));
  g_assert_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_DECODE);
  g_test_message ("%s", error->message);
  g_assert_cmpuint (log.calls, ==, 7);   /* frames 0 .. 6 were encoded */
  assert_no_output (out);
  ddl_test_remove_tree (dir);
}

static void
test_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (root, "cancelled.avi", NULL);
  DdlRenderOptions o;
  DdlRenderModel models[2];
  ProgressLog log = { .stop_at = 5 };

  fixture_options (&o, models);
  o.output = out;
  o.progress = log_progress;
  o.user_data = &log;
  g_assert_false (ddl_render_video (&o, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (log.calls, ==, 5);
  assert_no_output (out);
  g_clear_error (&error);

  /* through a GCancellable too */
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  fixture_options (&o, models);
  o.output = out;
  o.cancellable = cancellable;
  g_assert_false (ddl_render_video (&o, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_no_output (out);

  /* nothing else was left in the folder by any run */
  GDir *d = g_dir_open (root, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    g_assert_true (g_str_equal (name, "clip") || g_str_equal (name, "maps"));
  g_dir_close (d);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  make_fixture ();
  g_test_add_func ("/render/colormap", test_colormap);
  g_test_add_func ("/render/scale-top", test_scale_top);
  g_test_add_func ("/render/layout", test_layout);
  g_test_add_func ("/render/frame-pane", test_frame_pane);
  g_test_add_func ("/render/model-panes", test_model_panes);
  g_test_add_func ("/render/explicit-scored", test_explicit_scored);
  g_test_add_func ("/render/downscaled", test_downscaled);
  g_test_add_func ("/render/playhead", test_playhead);
  g_test_add_func ("/render/unscored", test_unscored);
  g_test_add_func ("/render/ground-truth", test_ground_truth);
  g_test_add_func ("/render/curve-only-model", test_curve_only_model);
  g_test_add_func ("/render/dataset-footage", test_dataset_footage);
  g_test_add_func ("/render/video-avi", test_video_avi);
  g_test_add_func ("/render/video-mp4", test_video_mp4);
  g_test_add_func ("/render/video-webm", test_video_webm);
  g_test_add_func ("/render/error-maps-rows", test_error_maps_rows);
  g_test_add_func ("/render/error-invalid", test_error_invalid);
  g_test_add_func ("/render/error-decode", test_error_decode);
  g_test_add_func ("/render/cancel", test_cancel);
  status = g_test_run ();
  ddl_test_remove_tree (root);
  g_free (root);
  g_free (footage);
  g_free (maps_a);
  g_free (maps_b);
  return status;
}
