/* test-boxes: tracked_bounding_boxes.json: reading, writing, schema errors, windows,
 * masks, binding to frame lists and to a dataset. (The tracker is in test-tracker.) */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ddl-boxes.h"
#include "ddl-dataset.h"
#include "ddl-frame-writer.h"
#include "ddl-test-util.h"

/* ---- helpers ----------------------------------------------------------------- */

static char *
write_temp (const char *dir, const char *name, const char *contents)
{
  char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

/* ---- the file format --------------------------------------------------------- */

/* The guide's example of the reference schema, read as the reference would. */
static void
test_reference_example (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ddl-boxes-XXXXXX", NULL);
  g_autofree char *path = write_temp (dir, "tracked_bounding_boxes.json",
    "{\"/data/Ped2/Train/01/000.jpg\": {\"3\": {\"box\": [0.10,0.20,0.25,0.60]}, "
    "\"7\": {\"box\": [0.5,0.5,0.6,0.9]}}, \"/data/Ped2/Train/01/001.jpg\": {}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlBoxes) boxes = ddl_boxes_read (path, &error);
  const DdlBox *list;
  guint n;
  int px[4];

  g_assert_no_error (error);
  g_assert_cmpuint (ddl_boxes_get_n_videos (boxes), ==, 1);
  g_assert_cmpstr (ddl_boxes_get_video_name (boxes, 0), ==, "01");
  g_assert_cmpstr (ddl_boxes_get_video_key_dir (boxes, 0), ==, "/data/Ped2/Train/01");
  g_assert_cmpuint (ddl_boxes_get_n_frames (boxes, 0), ==, 2);
  list = ddl_boxes_get (boxes, 0, 0, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (ddl_boxes_get_track_id (boxes, list[0].track), ==, "3");
  g_assert_cmpstr (ddl_boxes_get_track_id (boxes, list[1].track), ==, "7");
  g_assert_cmpfloat (list[0].box[3], ==, 0.60);
  /* The guide: [0.10, 0.20, 0.25, 0.60] at 256x256 is pixels [25, 51, 64, 153]. */
  ddl_box_to_pixels (list[0].box, 256, 256, px);
  g_assert_cmpint (px[0], ==, 25);
  g_assert_cmpint (px[1], ==, 51);
  g_assert_cmpint (px[2], ==, 64);
  g_assert_cmpint (px[3], ==, 153);
  /* 0.6 * 256 = 153.6 → 153, 0.9 * 256 = 230.4 → 230. */
  ddl_box_to_pixels (list[1].box, 256, 256, px);
  g_assert_cmpint (px[0], ==, 128);
  g_assert_cmpint (px[1], ==, 128);
  g_assert_cmpint (px[2], ==, 153);
  g_assert_cmpint (px[3], ==, 230);
  ddl_boxes_get (boxes, 0, 1, &n);
  g_assert_cmpuint (n, ==, 0);
  ddl_test_remove_tree (dir);
}

/* numpy truncates the double product: 0.29 * 100 = 28.999999999999996 → 28, and
 * 0.57 * 100 = 56.99999999999999 → 56 (checked in Python), not the rounded 29, 57. */
static void
test_truncation (void)
{
  const double box[4] = { 0.29, 0.57, 0.29, 0.57 };
  int px[4];

  ddl_box_to_pixels (box, 100, 100, px);
  g_assert_cmpint (px[0], ==, 28);
  g_assert_cmpint (px[1], ==, 56);
}

static DdlBoxes *
build_sample (void)
{
  DdlBoxes *boxes = ddl_boxes_new ();
  guint a = ddl_boxes_add_video (boxes, "01", "/tmp/set/training/frames/01", 4);
  guint b = ddl_boxes_add_video (boxes, "cam \"2\"", "/tmp/set/videos/cam \"2\".avi", 3);
  const double box1[4] = { 0.125, 0.25, 0.5, 0.75 }, box2[4] = { 0.0, 0.1, 0.2, 1.0 };
  const double box3[4] = { 0.333333, 0.666667, 0.9, 0.95 };
  DdlBox *stored;

  for (guint f = 0; f < 4; f++)
    {
      g_autofree char *file = g_strdup_printf ("%03u.jpg", f);
      ddl_boxes_set_frame_file (boxes, a, f, file);
    }
  for (guint f = 0; f < 3; f++)
    ddl_boxes_set_frame_file (boxes, b, f, NULL);
  ddl_boxes_add (boxes, a, 0, "1", box1);
  ddl_boxes_add (boxes, a, 0, "person 2", box2);
  ddl_boxes_add (boxes, a, 2, "1", box3);
  stored = ddl_boxes_add (boxes, b, 1, "9", box1);
  stored->kind = ddl_boxes_intern_kind (boxes, "cyclist");
  stored->anomalous = TRUE;
  return boxes;
}

static void
test_round_trip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ddl-boxes-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "a.json", NULL);
  g_autofree char *path2 = g_build_filename (dir, "b.json", NULL);
  g_autofree char *text = NULL, *text2 = NULL;
  g_autoptr(DdlBoxes) boxes = build_sample ();
  g_autoptr(DdlBoxes) back = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (ddl_boxes_write (boxes, path, &error));
  g_assert_no_error (error);
  back = ddl_boxes_read (path, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (ddl_boxes_get_n_videos (back), ==, 2);
  g_assert_cmpuint (ddl_boxes_get_n_boxes (back), ==, 4);
  for (guint v = 0; v < 2; v++)
    {
      g_assert_cmpstr (ddl_boxes_get_video_name (back, v), ==, ddl_boxes_get_video_name (boxes, v));
      g_assert_cmpstr (ddl_boxes_get_video_key_dir (back, v), ==,
                       ddl_boxes_get_video_key_dir (boxes, v));
      g_assert_cmpuint (ddl_boxes_get_n_frames (back, v), ==, ddl_boxes_get_n_frames (boxes, v));
      for (guint f = 0; f < ddl_boxes_get_n_frames (boxes, v); f++)
        {
          guint n, m;
          const DdlBox *want = ddl_boxes_get (boxes, v, f, &n);
          const DdlBox *got = ddl_boxes_get (back, v, f, &m);
          g_assert_cmpuint (m, ==, n);
          g_assert_cmpstr (ddl_boxes_get_frame_file (back, v, f), ==,
                           ddl_boxes_get_frame_file (boxes, v, f));
          for (guint i = 0; i < n; i++)
            {
              g_assert_cmpstr (ddl_boxes_get_track_id (back, got[i].track), ==,
                               ddl_boxes_get_track_id (boxes, want[i].track));
              g_assert_cmpstr (ddl_boxes_get_kind (back, got[i].kind), ==,
                               ddl_boxes_get_kind (boxes, want[i].kind));
              g_assert_cmpint (got[i].anomalous, ==, want[i].anomalous);
              /* Six decimals in the file. */
              for (int k = 0; k < 4; k++)
                g_assert_cmpfloat_with_epsilon (got[i].box[k], want[i].box[k], 5.1e-7);
            }
        }
    }
  /* The video file's name comes from the key without its extension, and its frames
   * are keyed "#index". */
  g_assert_cmpstr (ddl_boxes_get_video_name (back, 1), ==, "cam \"2\"");
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"/tmp/set/videos/cam \\\"2\\\".avi#1\": {\"9\": {\"box\": "
                                  "[0.125000, 0.250000, 0.500000, 0.750000], \"kind\": "
                                  "\"cyclist\", \"anomalous\": true}}"));
  g_assert_nonnull (strstr (text, "\"/tmp/set/training/frames/01/001.jpg\": {}"));
  /* Writing what was read gives the same bytes. */
  g_assert_true (ddl_boxes_write (back, path2, &error));
  g_assert_true (g_file_get_contents (path2, &text2, NULL, NULL));
  g_assert_cmpstr (text, ==, text2);
  ddl_test_remove_tree (dir);
}

typedef struct {
  const char *json;
  int         code;
  const char *needle;   /* must appear in the message (besides the file name) */
} BadCase;

static void
test_schema_errors (void)
{
  static const BadCase cases[] = {
    { "{", DDL_BOXES_ERROR_PARSE, "not valid JSON" },
    { "", DDL_BOXES_ERROR_PARSE, "not valid JSON" },
    { "[1, 2]", DDL_BOXES_ERROR_SCHEMA, "expected a JSON object" },
    { "{\"d/01/000.jpg\": 3}", DDL_BOXES_ERROR_SCHEMA, "\"d/01/000.jpg\"" },
    { "{\"d/01/000.jpg\": {\"5\": [0, 0, 1, 1]}}", DDL_BOXES_ERROR_SCHEMA, "track \"5\"" },
    { "{\"d/01/000.jpg\": {\"5\": {\"bbox\": [0, 0, 1, 1]}}}", DDL_BOXES_ERROR_SCHEMA,
      "\"box\" must be an array of 4" },
    { "{\"d/01/000.jpg\": {\"5\": {\"box\": [0, 0, 1]}}}", DDL_BOXES_ERROR_SCHEMA,
      "array of 4 numbers" },
    { "{\"d/01/000.jpg\": {\"5\": {\"box\": [0, \"a\", 1, 1]}}}", DDL_BOXES_ERROR_SCHEMA,
      "y_min is not a finite number" },
    { "{\"d/01/000.jpg\": {\"5\": {\"box\": [25, 51, 64, 153]}}}", DDL_BOXES_ERROR_RANGE,
      "not pixels" },
    { "{\"d/01/000.jpg\": {\"5\": {\"box\": [0.1, -0.5, 0.2, 0.3]}}}", DDL_BOXES_ERROR_RANGE,
      "y_min = -0.5" },
    { "{\"d/01/000.jpg\": {\"5\": {\"box\": [0.5, 0.1, 0.2, 0.3]}}}", DDL_BOXES_ERROR_RANGE,
      "max < min" },
    { "{\"000.jpg\": {}}", DDL_BOXES_ERROR_SCHEMA, "is not a frame path" },
    { "{\"d/01/000.jpg\": {\"5\": {\"box\": [0, 0, 1, 1], \"kind\": 3}}}",
      DDL_BOXES_ERROR_SCHEMA, "\"kind\" must be a string" },
    { "{\"d/v.avi#1\": {}, \"d/v.avi#01\": {}}", DDL_BOXES_ERROR_SCHEMA,
      "the same frame 1" },
  };
  g_autofree char *dir = g_dir_make_tmp ("ddl-boxes-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.json", NULL);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("bad-%u.json", i);
      g_autofree char *path = write_temp (dir, name, cases[i].json);
      g_autoptr(DdlBoxes) boxes = ddl_boxes_read (path, &error);

      g_assert_null (boxes);
      g_assert_error (error, DDL_BOXES_ERROR, cases[i].code);
      if (strstr (error->message, path) == NULL || strstr (error->message, cases[i].needle) == NULL)
        g_error ("case %u: message \"%s\" lacks the file or \"%s\"", i, error->message,
                 cases[i].needle);
      g_clear_error (&error);
    }
  g_assert_null (ddl_boxes_read (missing, &error));
  g_assert_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);

  /* Rounding noise just outside [0, 1] is clipped, not refused. */
  {
    g_autofree char *path = write_temp (dir, "slack.json",
      "{\"d/01/000.jpg\": {\"5\": {\"box\": [-0.00001, 0, 1.00001, 1], \"other\": 1}}}");
    g_autoptr(DdlBoxes) boxes = ddl_boxes_read (path, &error);
    guint n;
    const DdlBox *list;
    g_assert_no_error (error);
    list = ddl_boxes_get (boxes, 0, 0, &n);
    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpfloat (list[0].box[0], ==, 0.0);
    g_assert_cmpfloat (list[0].box[2], ==, 1.0);
  }
  ddl_test_remove_tree (dir);
}

/* ---- windows and masks ------------------------------------------------------- */

/* Tracks per frame: {1,2} {1,2,3} {2,3} {3} {3,4} {}. */
static DdlBoxes *
build_windows (void)
{
  static const char *const frames[6][3] = {
    { "1", "2" }, { "1", "2", "3" }, { "2", "3" }, { "3" }, { "3", "4" }, { NULL },
  };
  const double box[4] = { 0.1, 0.2, 0.3, 0.4 };
  DdlBoxes *boxes = ddl_boxes_new ();
  guint v = ddl_boxes_add_video (boxes, "01", "x/01", 6);

  for (guint f = 0; f < 6; f++)
    for (guint i = 0; i < 3 && frames[f][i] != NULL; i++)
      ddl_boxes_add (boxes, v, f, frames[f][i], box);
  return boxes;
}

static guint
common_single (DdlBoxes *boxes, guint centre, guint T, const char **id)
{
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (guint));
  guint n = ddl_boxes_common_tracks (boxes, 0, centre, T, out);

  g_assert_cmpuint (out->len, ==, n);
  *id = n > 0 ? ddl_boxes_get_track_id (boxes, g_array_index (out, guint, 0)) : NULL;
  return n;
}

static void
test_windows (void)
{
  g_autoptr(DdlBoxes) boxes = build_windows ();
  const char *id;
  guint windows, covered;

  /* Hand-computed intersections for T = 3. */
  g_assert_cmpuint (common_single (boxes, 0, 3, &id), ==, 0);   /* does not fit */
  g_assert_cmpuint (common_single (boxes, 1, 3, &id), ==, 1);
  g_assert_cmpstr (id, ==, "2");
  g_assert_cmpuint (common_single (boxes, 2, 3, &id), ==, 1);
  g_assert_cmpstr (id, ==, "3");
  g_assert_cmpuint (common_single (boxes, 3, 3, &id), ==, 1);
  g_assert_cmpstr (id, ==, "3");
  g_assert_cmpuint (common_single (boxes, 4, 3, &id), ==, 0);
  g_assert_cmpuint (common_single (boxes, 5, 3, &id), ==, 0);   /* does not fit */
  g_assert_cmpfloat (ddl_boxes_window_coverage (boxes, 3, &windows, &covered), ==, 0.75);
  g_assert_cmpuint (windows, ==, 4);
  g_assert_cmpuint (covered, ==, 3);
  /* T = 5: centres 2 and 3, neither has a track in all five frames. */
  g_assert_cmpfloat (ddl_boxes_window_coverage (boxes, 5, &windows, &covered), ==, 0.0);
  g_assert_cmpuint (windows, ==, 2);
  /* T = 1: every frame but the last has a track. */
  g_assert_cmpfloat_with_epsilon (ddl_boxes_window_coverage (boxes, 1, &windows, NULL), 5.0 / 6,
                                  1e-12);
  g_assert_cmpuint (windows, ==, 6);
  /* Two tracks in the first window of T = 1 at frame 1, in file order. */
  {
    g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (guint));
    g_assert_cmpuint (ddl_boxes_common_tracks (boxes, 0, 1, 1, out), ==, 3);
  }
}

static void
test_mask (void)
{
  g_autoptr(DdlBoxes) boxes = ddl_boxes_new ();
  guint v = ddl_boxes_add_video (boxes, "01", "x/01", 5);
  const double box[4] = { 0.10, 0.20, 0.25, 0.60 }, other[4] = { 0.0, 0.0, 1.0, 1.0 };
  const double moved[4] = { 0.5, 0.5, 0.51, 0.52 };
  g_autofree float *mask = g_new (float, 3 * 256 * 256);
  guint track;
  gsize ones = 0;

  ddl_boxes_add (boxes, v, 1, "3", box);
  ddl_boxes_add (boxes, v, 1, "4", other);
  ddl_boxes_add (boxes, v, 3, "3", moved);   /* frame 2 lacks track 3 */
  ddl_boxes_add (boxes, v, 2, "4", other);
  track = ddl_boxes_get (boxes, v, 1, &(guint) { 0 })[0].track;

  g_assert_true (ddl_boxes_fill_mask (boxes, v, 2, 3, track, 256, 256, mask));
  /* Frame 1: pixels [25, 64) x [51, 153), by hand from the reference rule. */
  for (int y = 0; y < 256; y++)
    for (int x = 0; x < 256; x++)
      {
        float want = x >= 25 && x < 64 && y >= 51 && y < 153 ? 1.0f : 0.0f;
        if (mask[y * 256 + x] != want)
          g_error ("frame 1 mask at (%d, %d) is %g", x, y, mask[y * 256 + x]);
        ones += want > 0;
      }
  g_assert_cmpuint (ones, ==, 39 * 102);
  /* Frame 2: the track is absent, so nothing. */
  for (gsize i = 0; i < 256 * 256; i++)
    g_assert_cmpfloat (mask[256 * 256 + i], ==, 0.0f);
  /* Frame 3: 0.5 * 256 = 128, 0.51 * 256 = 130.56 → 130, 0.52 * 256 = 133.12 → 133. */
  ones = 0;
  for (int y = 0; y < 256; y++)
    for (int x = 0; x < 256; x++)
      if (mask[2 * 256 * 256 + y * 256 + x] > 0)
        {
          g_assert_true (x >= 128 && x < 130 && y >= 128 && y < 133);
          ones++;
        }
  g_assert_cmpuint (ones, ==, 2 * 5);
  /* Windows that do not fit give FALSE and an empty mask. */
  g_assert_false (ddl_boxes_fill_mask (boxes, v, 0, 3, track, 256, 256, mask));
  for (gsize i = 0; i < 3 * 256 * 256; i++)
    g_assert_cmpfloat (mask[i], ==, 0.0f);
}

/* ---- binding to frame lists -------------------------------------------------- */

static void
test_bind (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ddl-boxes-XXXXXX", NULL);
  /* UCSD-style names are 1-based: the file name alone would put them one off. */
  g_autofree char *path = write_temp (dir, "b.json",
    "{\"/old/Train/Train001/001.tif\": {\"1\": {\"box\": [0.1, 0.1, 0.2, 0.2]}},"
    " \"/old/Train/Train001/003.tif\": {\"2\": {\"box\": [0.3, 0.3, 0.4, 0.4]}},"
    " \"/old/Train/Train001/extra.tif\": {}}");
  g_autofree char *bad = write_temp (dir, "c.json",
    "{\"/old/Train/Train001/001.tif\": {}, \"/old/Train/Train001/009.tif\": {}}");
  const char *frames[] = { "/new/Train001/001.tif", "/new/Train001/002.tif",
                           "/new/Train001/003.tif", "/new/Train001/extra.tif" };
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlBoxes) boxes = ddl_boxes_read (path, &error);
  g_autoptr(DdlBoxes) wrong = NULL;
  guint n;

  g_assert_no_error (error);
  g_assert_true (ddl_boxes_bind_video (boxes, 0, frames, 4, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_boxes_get_n_frames (boxes, 0), ==, 4);
  g_assert_cmpstr (ddl_boxes_get_track_id (boxes, ddl_boxes_get (boxes, 0, 0, &n)[0].track), ==, "1");
  g_assert_null (ddl_boxes_get (boxes, 0, 1, &n));
  g_assert_cmpstr (ddl_boxes_get_track_id (boxes, ddl_boxes_get (boxes, 0, 2, &n)[0].track), ==, "2");
  g_assert_cmpstr (ddl_boxes_get_frame_file (boxes, 0, 1), ==, "002.tif");

  wrong = ddl_boxes_read (bad, &error);
  g_assert_no_error (error);
  g_assert_false (ddl_boxes_bind_video (wrong, 0, frames, 4, &error));
  g_assert_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "009.tif"));
  ddl_test_remove_tree (dir);
}

/* A small MNAD dataset on disk, boxes keyed under another prefix. */
static void
test_bind_dataset (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ddl-boxes-XXXXXX", NULL);
  g_autofree guint8 *rgb = g_new0 (guint8, 32 * 32 * 3);
  g_autofree char *json = NULL, *path = NULL, *extra = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlDataset) dataset = NULL;
  g_autoptr(DdlBoxes) boxes = NULL, more = NULL;
  guint n;

  for (guint v = 1; v <= 2; v++)
    for (guint f = 0; f < 4; f++)
      {
        g_autofree char *video = g_strdup_printf ("%02u", v);
        g_autofree char *vdir = g_build_filename (dir, "training", "frames", video, NULL);
        g_autofree char *file = g_strdup_printf ("%s/%03u.png", vdir, f);
        g_assert_cmpint (g_mkdir_with_parents (vdir, 0755), ==, 0);
        memset (rgb, 40 * f, 32 * 32 * 3);
        g_assert_true (ddl_image_write (file, rgb, 32, 32, 32 * 3, &error));
      }
  dataset = ddl_dataset_open (dir, &error);
  g_assert_no_error (error);
  json = g_strdup ("{\"/elsewhere/training/frames/02/003.png\": {\"8\": {\"box\": [0.1, 0.2, 0.3, 0.4]}}}");
  path = write_temp (dir, "boxes.json", json);
  boxes = ddl_boxes_read (path, &error);
  g_assert_no_error (error);
  g_assert_true (ddl_boxes_bind_dataset (boxes, dataset, DDL_SPLIT_TRAIN, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ddl_boxes_find_video (boxes, "01"), >=, 0);
  g_assert_cmpuint (ddl_boxes_get_n_frames (boxes, ddl_boxes_find_video (boxes, "01")), ==, 4);
  g_assert_cmpuint (ddl_boxes_get_n_frames (boxes, ddl_boxes_find_video (boxes, "02")), ==, 4);
  ddl_boxes_get (boxes, ddl_boxes_find_video (boxes, "02"), 3, &n);
  g_assert_cmpuint (n, ==, 1);

  extra = write_temp (dir, "more.json", "{\"/x/training/frames/07/000.png\": {}}");
  more = ddl_boxes_read (extra, &error);
  g_assert_no_error (error);
  g_assert_false (ddl_boxes_bind_dataset (more, dataset, DDL_SPLIT_TRAIN, &error));
  g_assert_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "\"07\""));
  ddl_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/boxes/reference-example", test_reference_example);
  g_test_add_func ("/boxes/truncation", test_truncation);
  g_test_add_func ("/boxes/round-trip", test_round_trip);
  g_test_add_func ("/boxes/schema-errors", test_schema_errors);
  g_test_add_func ("/boxes/windows", test_windows);
  g_test_add_func ("/boxes/mask", test_mask);
  g_test_add_func ("/boxes/bind", test_bind);
  g_test_add_func ("/boxes/bind-dataset", test_bind_dataset);
  return g_test_run ();
}
