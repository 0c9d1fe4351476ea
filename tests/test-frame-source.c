/* test-frame-source: the frame writer and the frame source on image folders and
 * videos made at test time (frames encode their own index, so frame-exact access
 * is checked by content), float conversion and resizing against values computed
 * here, the real Ped2 frames, and bad input. */
#include "ddl-dataset.h"
#include "ddl-frame-source.h"
#include "ddl-frame-source-private.h"
#include "ddl-frame-writer.h"
#include "ddl-test-media.h"
#include "ddl-test-util.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#define W 128   /* 8 code blocks of one 16-pixel macroblock each */
#define H 64

static char *tmp_root;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_root, name, NULL);
}

/* Reads frame `index` and returns the index its pixels encode. */
static int
decoded_index (DdlFrameSource *source, guint index)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) rgb = ddl_frame_source_read_rgb8 (source, index, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (rgb), ==,
                    (gsize) ddl_frame_source_get_width (source)
                    * ddl_frame_source_get_height (source) * 3);
  return ddl_test_media_decode (g_bytes_get_data (rgb, NULL), ddl_frame_source_get_width (source),
                                ddl_frame_source_get_height (source));
}

/* Every frame in order, in a shuffled order, and backwards: each shows its index. */
static void
assert_frame_exact (DdlFrameSource *source, guint n, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree guint *order = g_new (guint, n);

  for (guint i = 0; i < n; i++)
    g_assert_cmpint (decoded_index (source, i), ==, (int) i);
  for (guint i = 0; i < n; i++)
    order[i] = i;
  for (guint i = n - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, i + 1), t = order[i];
      order[i] = order[j], order[j] = t;
    }
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (decoded_index (source, order[i]), ==, (int) order[i]);
  for (guint i = n; i-- > 0;)
    g_assert_cmpint (decoded_index (source, i), ==, (int) i);
}

/* ---- image folders ------------------------------------------------------------------ */

static void
test_images_format (gconstpointer data)
{
  const char *ext = data;
  g_autofree char *dir_name = g_strdup_printf ("seq-%s", ext);
  g_autofree char *dir = tmp_path (dir_name);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlFrameSource) source = NULL;
  gboolean lossy = g_str_equal (ext, "jpg");
  const guint n = 13;   /* 0..12: "10" sorts after "9" only naturally */

  g_assert_true (ddl_test_media_write_images (dir, "f", ext, n, 45, 30, &error));
  g_assert_no_error (error);
  source = ddl_frame_source_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_frame_source_get_n_frames (source), ==, n);
  g_assert_cmpuint (ddl_frame_source_get_width (source), ==, 45);
  g_assert_cmpuint (ddl_frame_source_get_height (source), ==, 30);
  g_assert_false (ddl_frame_source_is_video (source));
  g_assert_cmpfloat (ddl_frame_source_get_fps (source), ==, 25.0);
  g_assert_cmpstr (ddl_frame_source_get_name (source), ==, dir_name);
  {
    g_autofree char *want = g_strdup_printf ("%s/f10.%s", dir, ext);
    g_assert_cmpstr (ddl_frame_source_get_frame_path (source, 10), ==, want);
    g_assert_null (ddl_frame_source_get_frame_path (source, n));
  }
  assert_frame_exact (source, n, 7);

  /* Pixel values: exact for the lossless formats; for JPEG (4:4:4, quantiser 2)
   * a mean error under 1.5 levels, ringing at the sharp block edges under 24. */
  for (guint i = 0; i < n; i += 5)
    {
      g_autofree guint8 *want = ddl_test_media_frame (i, 45, 30);
      g_autoptr(GBytes) got = ddl_frame_source_read_rgb8 (source, i, &error);
      const guint8 *px = g_bytes_get_data (got, NULL);
      int worst = 0;
      double mean = 0;
      g_assert_no_error (error);
      for (gsize k = 0; k < 45 * 30 * 3; k++)
        {
          int d = ABS ((int) px[k] - (int) want[k]);
          worst = MAX (worst, d);
          mean += d / (45.0 * 30 * 3);
        }
      g_test_message ("%s frame %u: mean error %.3f, worst %d", ext, i, mean, worst);
      if (lossy)
        {
          g_assert_cmpfloat (mean, <, 1.5);
          g_assert_cmpint (worst, <, 24);
        }
      else
        g_assert_cmpint (worst, ==, 0);
    }
}

/* Frames of different formats mixed in one folder; names sorted naturally. */
static void
test_images_mixed (void)
{
  g_autofree char *dir = tmp_path ("mixed");
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlFrameSource) source = NULL;
  const char *exts[] = { "png", "bmp", "tif", "jpg", "jpeg", "tiff" };

  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < 12; i++)
    {
      g_autofree guint8 *rgb = ddl_test_media_frame (i, 32, 24);
      g_autofree char *name = g_strdup_printf ("img_%u.%s", i, exts[i % 6]);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_true (ddl_image_write (path, rgb, 32, 24, 32 * 3, &error));
      g_assert_no_error (error);
    }
  /* Not frames: ignored. */
  {
    g_autofree char *txt = g_build_filename (dir, "notes.txt", NULL);
    g_autofree char *hidden = g_build_filename (dir, ".hidden.png", NULL);
    ddl_test_media_write_file (txt, "x", 1);
    ddl_test_media_write_file (hidden, "x", 1);
  }
  source = ddl_frame_source_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_frame_source_get_n_frames (source), ==, 12);
  assert_frame_exact (source, 12, 3);
}

/* The natural order of frame and video names. */
static void
test_natural_order (void)
{
  const char *sorted[] = { "1.jpg", "2.jpg", "10.jpg", "Test2", "Test10", "Test010a",
                           "Test11", "a", "a1", "a01b", "a1b", "b" };

  for (guint i = 0; i < G_N_ELEMENTS (sorted); i++)
    for (guint j = 0; j < G_N_ELEMENTS (sorted); j++)
      {
        int c = ddl_natural_compare (sorted[i], sorted[j]);
        if (i < j)
          g_assert_cmpint (c, <, 0);
        else if (i > j)
          g_assert_cmpint (c, >, 0);
        else
          g_assert_cmpint (c, ==, 0);
      }
}

/* ---- float conversion and resizing ----------------------------------------------- */

/* Bilinear sample with half-pixel centres, written independently of the library:
 * explicit tap weights over the clamped neighbourhood. */
static double
bilinear_ref (const double *plane, guint iw, guint ih, guint ow, guint oh, guint x, guint y)
{
  double sx = ((double) x + 0.5) * iw / ow - 0.5, sy = ((double) y + 0.5) * ih / oh - 0.5;
  double sum = 0;

  if (sx < 0)
    sx = 0;
  if (sy < 0)
    sy = 0;
  for (int dy = 0; dy <= 1; dy++)
    for (int dx = 0; dx <= 1; dx++)
      {
        int px = (int) floor (sx) + dx, py = (int) floor (sy) + dy;
        double wx = dx ? sx - floor (sx) : 1 - (sx - floor (sx));
        double wy = dy ? sy - floor (sy) : 1 - (sy - floor (sy));
        px = MIN (px, (int) iw - 1);
        py = MIN (py, (int) ih - 1);
        sum += wx * wy * plane[py * iw + px];
      }
  return sum;
}

static void
test_float_conversion (void)
{
  const guint iw = 37, ih = 23;
  const guint sizes[][2] = { { 0, 0 }, { 37, 23 }, { 20, 31 }, { 50, 11 }, { 7, 5 }, { 74, 46 } };
  g_autofree char *dir = tmp_path ("float");
  g_autofree char *file = g_build_filename (dir, "000.png", NULL);
  g_autofree guint8 *rgb = g_malloc (iw * ih * 3);
  g_autofree double *planes = g_new (double, 4 * iw * ih);   /* R, G, B, gray */
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlFrameSource) source = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);

  for (guint i = 0; i < iw * ih * 3; i++)
    rgb[i] = g_rand_int_range (rand, 0, 256);
  for (guint i = 0; i < iw * ih; i++)
    {
      for (guint c = 0; c < 3; c++)
        planes[c * iw * ih + i] = rgb[3 * i + c] / 255.0;
      planes[3 * iw * ih + i] = (0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1]
                                 + 0.114 * rgb[3 * i + 2]) / 255.0;
    }
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (ddl_image_write (file, rgb, iw, ih, iw * 3, &error));
  source = ddl_frame_source_open (dir, &error);
  g_assert_no_error (error);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (int format = DDL_PIXEL_GRAY; format <= DDL_PIXEL_RGB; format++)
      {
        guint ow = sizes[s][0] ? sizes[s][0] : iw, oh = sizes[s][1] ? sizes[s][1] : ih;
        guint channels = format == DDL_PIXEL_GRAY ? 1 : 3;
        g_autofree float *got = g_new (float, channels * ow * oh);
        double worst = 0;

        g_assert_true (ddl_frame_source_read_float (source, 0, format, sizes[s][0], sizes[s][1],
                                                    got, &error));
        g_assert_no_error (error);
        for (guint c = 0; c < channels; c++)
          for (guint y = 0; y < oh; y++)
            for (guint x = 0; x < ow; x++)
              {
                const double *plane = planes + (channels == 1 ? 3 : c) * iw * ih;
                double want = bilinear_ref (plane, iw, ih, ow, oh, x, y);
                worst = MAX (worst, fabs (got[(c * oh + y) * ow + x] - want));
              }
        /* float arithmetic on values in [0, 1]: 1e-5 absolute. */
        g_assert_cmpfloat (worst, <, 1e-5);
      }
}

/* ---- videos ----------------------------------------------------------------------- */

typedef struct {
  const char *file;
  const char *encoder;
  gboolean    no_rate;   /* raw streams: no frame rate stored */
} VideoCase;

static const VideoCase video_cases[] = {
  { "mjpeg.avi",     "mjpeg" },
  { "msmpeg4v2.avi", "msmpeg4v2" },
  { "msmpeg4v3.avi", "msmpeg4" },
  { "mpeg4.avi",     "mpeg4" },
  { "mpeg4.mp4",     "mpeg4" },
  { "mpeg4.mkv",     "mpeg4" },
  { "h264.mp4",      "libx264" },
  { "h264.mkv",      "libx264" },
  { "h264.mov",      "libx264" },
  { "vp8.webm",      "libvpx" },
  { "vp9.webm",      "libvpx-vp9" },
  { "auto.mp4",      NULL },
  { "auto.avi",      NULL },
  { "auto.webm",     NULL },
  /* MPEG-TS/PS seek only roughly (landing off keyframes, mpeg4 B-frames then come
   * out under wrong timestamps); raw streams have no timestamps at all, so the
   * index comes from decoding once. */
  { "mpeg4.ts",      "mpeg4" },
  { "h264.ts",       "libx264" },
  { "mpeg4.mpg",     "mpeg4" },
  { "raw.h264",      "libx264", TRUE },
  { "raw.m4v",       "mpeg4", TRUE },
};

static void
test_video (gconstpointer data)
{
  const VideoCase *vc = data;
  g_autofree char *path = tmp_path (vc->file);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlFrameSource) source = NULL;
  const guint n = 47;   /* fps 6: a keyframe at least every 12 frames */
  guint seeks;

  if (vc->encoder != NULL && !ddl_video_encoder_available (vc->encoder))
    {
      g_test_skip_printf ("this FFmpeg has no %s encoder", vc->encoder);
      return;
    }
  g_assert_true (ddl_test_media_write_video (path, vc->encoder, n, W, H, 6.0, &error));
  g_assert_no_error (error);
  {
    g_autofree char *part = g_strconcat (path, ".part", NULL);
    g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  }

  source = ddl_frame_source_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (ddl_frame_source_is_video (source));
  g_assert_cmpuint (ddl_frame_source_get_n_frames (source), ==, n);
  g_assert_cmpuint (ddl_frame_source_get_width (source), ==, W);
  g_assert_cmpuint (ddl_frame_source_get_height (source), ==, H);
  if (!vc->no_rate)
    g_assert_cmpfloat_with_epsilon (ddl_frame_source_get_fps (source), 6.0, 1e-6);
  g_assert_null (ddl_frame_source_get_frame_path (source, 0));
  {
    g_autofree char *stem = g_strndup (vc->file, strrchr (vc->file, '.') - vc->file);
    g_assert_cmpstr (ddl_frame_source_get_name (source), ==, stem);
  }

  /* Sequential reads decode forward without a single seek. */
  seeks = _ddl_frame_source_get_n_seeks (source);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (decoded_index (source, i), ==, (int) i);
  g_assert_cmpuint (_ddl_frame_source_get_n_seeks (source), ==, seeks);

  assert_frame_exact (source, n, 42);
  {
    g_autofree float *f = g_new (float, 3 * 32 * 32);
    g_assert_false (ddl_frame_source_read_float (source, n, DDL_PIXEL_RGB, 32, 32, f, &error));
    g_assert_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_RANGE);
  }
}

/* Odd sizes are padded to even ones for 4:2:0 codecs; the visible area keeps the
 * caller's pixels. */
static void
test_video_odd_size (void)
{
  g_autofree char *path = tmp_path ("odd.avi");
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlFrameSource) source = NULL;

  g_assert_true (ddl_test_media_write_video (path, "mjpeg", 5, 81, 47, 25.0, &error));
  g_assert_no_error (error);
  source = ddl_frame_source_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_frame_source_get_width (source), ==, 82);
  g_assert_cmpuint (ddl_frame_source_get_height (source), ==, 48);
  g_assert_cmpfloat_with_epsilon (ddl_frame_source_get_fps (source), 25.0, 1e-6);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (decoded_index (source, 4 - i), ==, (int) (4 - i));
}

/* Several threads read one source at random; every frame still shows its index. */
typedef struct {
  DdlFrameSource *source;
  guint           n;
  guint32         seed;
  int             failures;
} ThreadJob;

static gpointer
reader_thread (gpointer data)
{
  ThreadJob *job = data;
  g_autoptr(GRand) rand = g_rand_new_with_seed (job->seed);
  g_autofree float *gray = g_new (float, W * H);

  for (guint k = 0; k < 60; k++)
    {
      guint i = g_rand_int_range (rand, 0, job->n);
      g_autoptr(GBytes) rgb = ddl_frame_source_read_rgb8 (job->source, i, NULL);
      if (rgb == NULL || ddl_test_media_decode (g_bytes_get_data (rgb, NULL), W, H) != (int) i)
        job->failures++;
      if (!ddl_frame_source_read_float (job->source, i, DDL_PIXEL_GRAY, 0, 0, gray, NULL))
        job->failures++;
    }
  return NULL;
}

static void
test_video_threads (void)
{
  g_autofree char *path = tmp_path ("threads.mp4");
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlFrameSource) source = NULL;
  ThreadJob jobs[3];
  GThread *threads[3];

  g_assert_true (ddl_test_media_write_video (path, "mpeg4", 40, W, H, 6.0, &error));
  source = ddl_frame_source_open (path, &error);
  g_assert_no_error (error);
  for (guint t = 0; t < 3; t++)
    {
      jobs[t] = (ThreadJob) { source, 40, 100 + t, 0 };
      threads[t] = g_thread_new ("reader", reader_thread, &jobs[t]);
    }
  for (guint t = 0; t < 3; t++)
    {
      g_thread_join (threads[t]);
      g_assert_cmpint (jobs[t].failures, ==, 0);
    }
}

/* ---- the real Ped2 frames --------------------------------------------------------- */

static void
test_ped2 (void)
{
  const char *root = g_getenv ("DDL_SHARED_DATASETS");
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlFrameSource) source = NULL;
  g_autofree float *gray = g_new (float, 256 * 256);
  g_autofree float *rgb = g_new (float, 3 * 360 * 240);

  if (root == NULL || !g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("DDL_SHARED_DATASETS is not set or missing: no real Ped2 frames");
      return;
    }
  dir = g_build_filename (root, "ped2", "testing", "frames", "01", NULL);
  source = ddl_frame_source_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_frame_source_get_n_frames (source), ==, 180);
  g_assert_cmpuint (ddl_frame_source_get_width (source), ==, 360);
  g_assert_cmpuint (ddl_frame_source_get_height (source), ==, 240);
  g_assert_cmpstr (ddl_frame_source_get_name (source), ==, "01");
  g_assert_true (g_str_has_suffix (ddl_frame_source_get_frame_path (source, 179), "/179.jpg"));

  /* Grayscale content in three channels: R, G and B agree to a level, and the
   * gray view equals them. */
  g_assert_true (ddl_frame_source_read_float (source, 179, DDL_PIXEL_RGB, 0, 0, rgb, &error));
  g_assert_no_error (error);
  {
    const gsize plane = 360 * 240;
    double mean = 0, worst = 0;
    for (gsize i = 0; i < plane; i++)
      {
        worst = MAX (worst, fabs (rgb[i] - rgb[plane + i]));
        worst = MAX (worst, fabs (rgb[i] - rgb[2 * plane + i]));
        mean += rgb[i];
      }
    mean /= plane;
    g_assert_cmpfloat (worst, <=, 2.0 / 255);
    g_assert_cmpfloat (mean, >, 0.2);
    g_assert_cmpfloat (mean, <, 0.8);
  }
  g_assert_true (ddl_frame_source_read_float (source, 0, DDL_PIXEL_GRAY, 256, 256, gray, &error));
  g_assert_no_error (error);
}

/* ---- bad input -------------------------------------------------------------------- */

static void
assert_error_names (const GError *error, int code, const char *path)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == DDL_FRAME_SOURCE_ERROR);
  g_assert_cmpint (error->code, ==, code);
  if (strstr (error->message, path) == NULL)
    g_error ("'%s' does not name %s", error->message, path);
}

static void
test_bad_missing_and_empty (void)
{
  g_autofree char *missing = tmp_path ("no-such-video.avi");
  g_autofree char *empty = tmp_path ("empty-folder");
  g_autofree char *no_images = tmp_path ("no-images");
  g_autofree char *txt = g_build_filename (no_images, "readme.txt", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_null (ddl_frame_source_open (missing, &error));
  assert_error_names (error, DDL_FRAME_SOURCE_ERROR_OPEN, missing);
  g_clear_error (&error);

  g_mkdir_with_parents (empty, 0755);
  g_assert_null (ddl_frame_source_open (empty, &error));
  assert_error_names (error, DDL_FRAME_SOURCE_ERROR_OPEN, empty);
  g_clear_error (&error);

  g_mkdir_with_parents (no_images, 0755);
  ddl_test_media_write_file (txt, "hello", 5);
  g_assert_null (ddl_frame_source_open (no_images, &error));
  assert_error_names (error, DDL_FRAME_SOURCE_ERROR_OPEN, no_images);
}

static void
test_bad_garbage_video (void)
{
  const char *names[] = { "garbage.avi", "garbage.mp4", "empty.mkv" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  guint8 junk[20000];

  for (guint i = 0; i < sizeof junk; i++)
    junk[i] = g_rand_int_range (rand, 0, 256);
  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      g_autofree char *path = tmp_path (names[k]);
      g_autoptr(GError) error = NULL;
      ddl_test_media_write_file (path, junk, k == 2 ? 0 : sizeof junk);
      g_assert_null (ddl_frame_source_open (path, &error));
      assert_error_names (error, DDL_FRAME_SOURCE_ERROR_OPEN, path);
    }
}

/* Truncation. Streamable containers (avi, mkv, webm) cut mid-file open with the
 * frames stored before the cut, each still the right one, also where the cut
 * removed B-frames shown before the last stored frame (mkv, mpeg4 with B-frames)
 * and where the avi lost its index (every packet then claims to be a keyframe, so
 * seeking must find the real ones). mp4/mov keep their index (moov) at the end: cut
 * off, the file cannot be opened and the error says which file. */
typedef struct {
  const char *file;
  const char *encoder;
  guint       percent;
  gboolean    opens;
} CutCase;

static const CutCase cut_cases[] = {
  { "cut-mjpeg.avi",  "mjpeg",      55, TRUE },
  { "cut-msmp4.avi",  "msmpeg4v2",  80, TRUE },
  { "cut-msmp4.avi",  "msmpeg4v2",  92, TRUE },
  { "cut-msmp43.avi", "msmpeg4",    75, TRUE },
  { "cut-mpeg4.avi",  "mpeg4",      70, TRUE },
  { "cut-mpeg4.mkv",  "mpeg4",      45, TRUE },
  { "cut-mpeg4.mkv",  "mpeg4",      63, TRUE },
  { "cut-h264.mkv",   "libx264",    50, TRUE },
  { "cut-vp9.webm",   "libvpx-vp9", 50, TRUE },
  { "cut-mpeg4.mp4",  "mpeg4",      50, FALSE },
  { "cut-h264.mp4",   "libx264",    90, FALSE },
  { "cut-mpeg4.mov",  "mpeg4",      90, FALSE },
};

static void
test_bad_truncated (void)
{
  for (guint k = 0; k < G_N_ELEMENTS (cut_cases); k++)
    {
      const CutCase *c = &cut_cases[k];
      g_autofree char *path = tmp_path (c->file);
      g_autoptr(GError) error = NULL;
      g_autoptr(DdlFrameSource) source = NULL;
      g_autofree char *bytes = NULL;
      gsize size;
      const guint n = 30;

      if (!ddl_video_encoder_available (c->encoder))
        continue;
      g_assert_true (ddl_test_media_write_video (path, c->encoder, n, W, H, 10.0, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &bytes, &size, NULL));
      ddl_test_media_write_file (path, bytes, size * c->percent / 100);

      source = ddl_frame_source_open (path, &error);
      g_test_message ("%s cut at %u%%: %s %u frames", c->file, c->percent,
                      source != NULL ? "opens with" : error->message,
                      source != NULL ? ddl_frame_source_get_n_frames (source) : 0);
      if (!c->opens)
        {
          g_assert_null (source);
          assert_error_names (error, DDL_FRAME_SOURCE_ERROR_OPEN, path);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpuint (ddl_frame_source_get_n_frames (source), >=, 5);
      g_assert_cmpuint (ddl_frame_source_get_n_frames (source), <, n);
      /* Backwards first: every seek on a cut avi meets the false keyframes. */
      for (guint i = ddl_frame_source_get_n_frames (source); i-- > 0;)
        g_assert_cmpint (decoded_index (source, i), ==, (int) i);
      assert_frame_exact (source, ddl_frame_source_get_n_frames (source), 9 + k);
    }
}

/* Bytes overwritten inside an MJPEG avi: frames elsewhere still decode right, the
 * damaged ones either decode (concealed) or fail with an error naming the file;
 * nothing crashes. */
static void
test_bad_corrupt_middle (void)
{
  g_autofree char *avi = tmp_path ("corrupt.avi");
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlFrameSource) source = NULL;
  g_autofree char *bytes = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  gsize size;
  guint good = 0;

  g_assert_true (ddl_test_media_write_video (avi, "mjpeg", 30, W, H, 10.0, &error));
  g_assert_true (g_file_get_contents (avi, &bytes, &size, NULL));
  for (gsize i = size / 2; i < size / 2 + 400; i++)
    bytes[i] = g_rand_int_range (rand, 0, 256);
  ddl_test_media_write_file (avi, bytes, size);

  source = ddl_frame_source_open (avi, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ddl_frame_source_get_n_frames (source); i++)
    {
      g_autoptr(GBytes) rgb = ddl_frame_source_read_rgb8 (source, i, &error);
      if (rgb == NULL)
        {
          assert_error_names (error, DDL_FRAME_SOURCE_ERROR_DECODE, avi);
          g_clear_error (&error);
          continue;
        }
      if (ddl_test_media_decode (g_bytes_get_data (rgb, NULL), W, H) == (int) i)
        good++;
    }
  /* 400 bytes hit at most two of the ~1.5 KB frames. */
  g_assert_cmpuint (good, >=, ddl_frame_source_get_n_frames (source) - 2);
  g_assert_cmpuint (ddl_frame_source_get_n_frames (source), >=, 28);
}

static void
test_bad_image_sequence (void)
{
  g_autofree char *dir = tmp_path ("odd-one");
  g_autofree char *odd = g_build_filename (dir, "f3.png", NULL);
  g_autofree char *broken = g_build_filename (dir, "f5.png", NULL);
  g_autofree guint8 *small = ddl_test_media_frame (3, 30, 20);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlFrameSource) source = NULL;

  g_assert_true (ddl_test_media_write_images (dir, "f", "png", 8, 32, 24, &error));
  g_assert_true (ddl_image_write (odd, small, 30, 20, 30 * 3, &error));
  ddl_test_media_write_file (broken, "\x89PNG garbage", 12);
  source = ddl_frame_source_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_frame_source_get_n_frames (source), ==, 8);
  g_assert_cmpint (decoded_index (source, 2), ==, 2);

  g_assert_null (ddl_frame_source_read_rgb8 (source, 3, &error));
  assert_error_names (error, DDL_FRAME_SOURCE_ERROR_SIZE, odd);
  g_assert_nonnull (strstr (error->message, "30x20"));
  g_assert_nonnull (strstr (error->message, "32x24"));
  g_clear_error (&error);

  g_assert_null (ddl_frame_source_read_rgb8 (source, 5, &error));
  assert_error_names (error, DDL_FRAME_SOURCE_ERROR_DECODE, broken);
  g_clear_error (&error);

  g_assert_null (ddl_frame_source_read_rgb8 (source, 8, &error));
  g_assert_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_RANGE);
  g_clear_error (&error);
  /* The source stays usable. */
  g_assert_cmpint (decoded_index (source, 7), ==, 7);
}

static void
test_writer_errors (void)
{
  g_autofree char *bad_ext = tmp_path ("frame.xyz");
  g_autofree char *no_dir = tmp_path ("no/such/dir/frame.png");
  g_autofree char *bad_video = tmp_path ("video.xyz");
  g_autofree char *no_dir_video = tmp_path ("no/such/dir/video.avi");
  guint8 rgb[4 * 4 * 3] = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (ddl_image_write (bad_ext, rgb, 4, 4, 12, &error));
  g_assert_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, bad_ext));
  g_clear_error (&error);
  g_assert_false (ddl_image_write (no_dir, rgb, 4, 4, 12, &error));
  g_assert_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_IO);
  g_clear_error (&error);
  g_assert_null (ddl_video_writer_open (bad_video, 4, 4, 25, &error));
  g_assert_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_FORMAT);
  g_clear_error (&error);
  g_assert_null (ddl_video_writer_open (no_dir_video, 4, 4, 25, &error));
  g_assert_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "no/such/dir"));
  g_clear_error (&error);
  g_assert_null (ddl_video_writer_open_with_encoder (bad_video, "no-such-encoder", 4, 4, 25,
                                                     &error));
  g_assert_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_FORMAT);
  g_clear_error (&error);

  /* An abandoned video leaves no file behind. */
  {
    g_autofree char *path = tmp_path ("abandoned.avi");
    g_autofree char *part = g_strconcat (path, ".part", NULL);
    DdlVideoWriter *writer = ddl_video_writer_open (path, 8, 8, 25, &error);
    g_autofree guint8 *frame = ddl_test_media_frame (1, 8, 8);
    g_assert_no_error (error);
    g_assert_true (ddl_video_writer_add (writer, frame, 24, &error));
    g_assert_true (g_file_test (part, G_FILE_TEST_EXISTS));
    ddl_video_writer_abort (writer);
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  }
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmp_root = ddl_test_media_tmpdir ();

  g_test_add_data_func ("/ddl/frame-source/images/png", "png", test_images_format);
  g_test_add_data_func ("/ddl/frame-source/images/jpg", "jpg", test_images_format);
  g_test_add_data_func ("/ddl/frame-source/images/bmp", "bmp", test_images_format);
  g_test_add_data_func ("/ddl/frame-source/images/tif", "tif", test_images_format);
  g_test_add_func ("/ddl/frame-source/images/mixed", test_images_mixed);
  g_test_add_func ("/ddl/frame-source/natural-order", test_natural_order);
  g_test_add_func ("/ddl/frame-source/float-conversion", test_float_conversion);
  for (guint i = 0; i < G_N_ELEMENTS (video_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/ddl/frame-source/video/%s", video_cases[i].file);
      g_test_add_data_func (name, &video_cases[i], test_video);
    }
  g_test_add_func ("/ddl/frame-source/video/odd-size", test_video_odd_size);
  g_test_add_func ("/ddl/frame-source/video/threads", test_video_threads);
  g_test_add_func ("/ddl/frame-source/ped2", test_ped2);
  g_test_add_func ("/ddl/frame-source/bad/missing-and-empty", test_bad_missing_and_empty);
  g_test_add_func ("/ddl/frame-source/bad/garbage-video", test_bad_garbage_video);
  g_test_add_func ("/ddl/frame-source/bad/truncated", test_bad_truncated);
  g_test_add_func ("/ddl/frame-source/bad/corrupt-middle", test_bad_corrupt_middle);
  g_test_add_func ("/ddl/frame-source/bad/image-sequence", test_bad_image_sequence);
  g_test_add_func ("/ddl/frame-source/writer-errors", test_writer_errors);

  ret = g_test_run ();
  ddl_test_remove_tree (tmp_root);
  g_free (tmp_root);
  return ret;
}
