/* test-dataset: layout detection on tiny fake trees for every layout (image
 * folders and videos made at test time), natural order, label and boxes files
 * found, fingerprints, the real Ped2 totals, `ddl dataset info --json`, and bad
 * input. */
#include "ddl-dataset.h"
#include "ddl-frame-source.h"
#include "ddl-frame-writer.h"
#include "ddl-test-media.h"
#include "ddl-test-util.h"

#include <string.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

static char *tmp_root;

static char *
path_in (const char *a, const char *b)
{
  return g_build_filename (tmp_root, a, b, NULL);
}

/* A folder of n PNG frames named 000.png… */
static void
make_frames (const char *dir, guint n, guint w, guint h)
{
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < n; i++)
    {
      g_autofree guint8 *rgb = ddl_test_media_frame (i, w, h);
      g_autofree char *name = g_strdup_printf ("%03u.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_true (ddl_image_write (path, rgb, w, h, w * 3, &error));
      g_assert_no_error (error);
    }
}

static void
make_video (const char *path, guint n, double fps)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0755);
  g_assert_true (ddl_test_media_write_video (path, NULL, n, 64, 48, fps, &error));
  g_assert_no_error (error);
}

static void
touch (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_mkdir_with_parents (dir, 0755);
  ddl_test_media_write_file (path, "x", 1);
}

/* Asserts the names and frame counts of a split, in order. */
static void
assert_split (DdlDataset *ds, DdlSplit split, const char *const *names, const guint *frames,
              guint n)
{
  GPtrArray *videos = ddl_dataset_get_videos (ds, split);

  g_assert_nonnull (videos);
  g_assert_cmpuint (videos->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      DdlVideoEntry *e = g_ptr_array_index (videos, i);
      g_assert_cmpstr (e->name, ==, names[i]);
      g_assert_cmpuint (e->n_frames, ==, frames[i]);
      g_assert_true (g_file_test (e->path, G_FILE_TEST_EXISTS));
    }
}

static gboolean
has_label (DdlDataset *ds, const char *suffix)
{
  GPtrArray *labels = ddl_dataset_get_label_paths (ds);

  for (guint i = 0; i < labels->len; i++)
    if (g_str_has_suffix (g_ptr_array_index (labels, i), suffix))
      return TRUE;
  return FALSE;
}

/* SHA-1 of "name:frames\n" lines, first 16 hex digits, computed here. */
static char *
expected_fingerprint (const char *const *names, const guint *frames, guint n)
{
  g_autoptr(GString) text = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s:%u\n", names[i], frames[i]);
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA1, text->str, -1);
  return g_strndup (sha, 16);
}

/* ---- layouts ---------------------------------------------------------------------- */

static void
test_mnad (void)
{
  g_autofree char *root = path_in ("mnad", "toy");
  const char *train_names[] = { "1", "2", "10" };
  const guint train_frames[] = { 3, 4, 5 };
  const char *test_names[] = { "01", "02" };
  const guint test_frames[] = { 6, 2 };
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlDataset) ds = NULL;
  g_autofree char *fp = NULL, *want_fp = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *dir = g_build_filename (root, "training", "frames", train_names[i], NULL);
      make_frames (dir, train_frames[i], 40, 30);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *dir = g_build_filename (root, "testing", "frames", test_names[i], NULL);
      make_frames (dir, test_frames[i], 40, 30);
    }
  {
    g_autofree char *a = g_build_filename (root, "frame_labels_toy.npy", NULL);
    g_autofree char *b = g_build_filename (root, "toy.mat", NULL);
    g_autofree char *c = path_in ("mnad", "data/frame_labels_toy.npy");
    g_autofree char *d = path_in ("mnad", "frame_labels_other.npy");   /* another dataset's */
    g_autofree char *e = g_build_filename (root, "scores.csv", NULL);  /* not labels */
    touch (a), touch (b), touch (c), touch (d), touch (e);
  }

  ds = ddl_dataset_open (root, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ddl_dataset_get_layout (ds), ==, DDL_LAYOUT_MNAD);
  g_assert_cmpstr (ddl_layout_to_string (DDL_LAYOUT_MNAD), ==, "mnad");
  g_assert_cmpstr (ddl_dataset_get_name (ds), ==, "toy");
  assert_split (ds, DDL_SPLIT_TRAIN, train_names, train_frames, 3);
  assert_split (ds, DDL_SPLIT_TEST, test_names, test_frames, 2);
  g_assert_true (g_str_has_suffix (ddl_dataset_get_split_dir (ds, DDL_SPLIT_TRAIN),
                                   "toy/training/frames"));
  g_assert_true (g_path_is_absolute (ddl_dataset_get_root (ds)));
  g_assert_cmpuint (ddl_dataset_get_label_paths (ds)->len, ==, 3);
  g_assert_true (has_label (ds, "toy/frame_labels_toy.npy"));
  g_assert_true (has_label (ds, "toy/toy.mat"));
  g_assert_true (has_label (ds, "mnad/data/frame_labels_toy.npy"));
  g_assert_null (ddl_dataset_get_boxes_path (ds));

  fp = ddl_dataset_fingerprint (ds, DDL_SPLIT_TRAIN);
  want_fp = expected_fingerprint (train_names, train_frames, 3);
  g_assert_cmpstr (fp, ==, want_fp);
  g_assert_cmpuint (strlen (fp), ==, 16);

  /* Open a video of a split: frames are the right ones. */
  {
    g_autoptr(DdlFrameSource) s = ddl_dataset_open_video (ds, DDL_SPLIT_TRAIN, 2, &error);
    g_autoptr(GBytes) rgb = NULL;
    g_assert_no_error (error);
    g_assert_cmpstr (ddl_frame_source_get_name (s), ==, "10");
    rgb = ddl_frame_source_read_rgb8 (s, 4, &error);
    g_assert_cmpint (ddl_test_media_decode (g_bytes_get_data (rgb, NULL), 40, 30), ==, 4);
    g_assert_null (ddl_dataset_open_video (ds, DDL_SPLIT_TRAIN, 3, &error));
    g_assert_error (error, DDL_DATASET_ERROR, DDL_DATASET_ERROR_INVALID);
  }
}

static void
test_ucsd (void)
{
  g_autofree char *root = path_in ("ucsd", "UCSDped2");
  const char *train_names[] = { "Train001", "Train002" };
  const guint train_frames[] = { 4, 3 };
  const char *test_names[] = { "Test001", "Test002" };
  const guint test_frames[] = { 5, 2 };
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlDataset) ds = NULL;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *a = g_build_filename (root, "Train", train_names[i], NULL);
      g_autofree char *b = g_build_filename (root, "Test", test_names[i], NULL);
      make_frames (a, train_frames[i], 24, 16);
      make_frames (b, test_frames[i], 24, 16);
    }
  {
    /* Pixel masks are not videos; the frame-level truth is Test/UCSDped2.m. */
    g_autofree char *gt = g_build_filename (root, "Test", "Test001_gt", NULL);
    g_autofree char *m = g_build_filename (root, "Test", "UCSDped2.m", NULL);
    make_frames (gt, 5, 24, 16);
    touch (m);
  }
  ds = ddl_dataset_open (root, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ddl_dataset_get_layout (ds), ==, DDL_LAYOUT_UCSD);
  g_assert_cmpstr (ddl_dataset_get_name (ds), ==, "ped2");
  assert_split (ds, DDL_SPLIT_TRAIN, train_names, train_frames, 2);
  assert_split (ds, DDL_SPLIT_TEST, test_names, test_frames, 2);
  g_assert_cmpuint (ddl_dataset_get_label_paths (ds)->len, ==, 1);
  g_assert_true (has_label (ds, "UCSDped2/Test/UCSDped2.m"));
}

static void
test_ddl_reference (void)
{
  g_autofree char *root = path_in ("ddlref", "Ped2");
  const char *train_names[] = { "01", "02" };
  const guint train_frames[] = { 3, 3 };
  const char *test_names[] = { "01" };
  const guint test_frames[] = { 4 };
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlDataset) ds = NULL;
  g_autofree char *boxes = g_build_filename (root, "Train", "tracked_bounding_boxes.json", NULL);

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *a = g_build_filename (root, "Train", train_names[i], NULL);
      make_frames (a, train_frames[i], 24, 16);
    }
  {
    g_autofree char *b = g_build_filename (root, "Test", "01", NULL);
    make_frames (b, 4, 24, 16);
  }
  ddl_test_media_write_file (boxes, "{}", 2);
  ds = ddl_dataset_open (root, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ddl_dataset_get_layout (ds), ==, DDL_LAYOUT_DDL);
  g_assert_cmpstr (ddl_dataset_get_name (ds), ==, "Ped2");
  assert_split (ds, DDL_SPLIT_TRAIN, train_names, train_frames, 2);
  assert_split (ds, DDL_SPLIT_TEST, test_names, test_frames, 1);
  g_assert_cmpstr (ddl_dataset_get_boxes_path (ds), ==, boxes);
  g_assert_cmpuint (ddl_dataset_get_label_paths (ds)->len, ==, 0);
  {
    g_autofree char *want = g_build_filename (root, "Train", NULL);
    g_assert_cmpstr (ddl_dataset_get_split_dir (ds, DDL_SPLIT_TRAIN), ==, want);
  }
}

static void
test_avenue (void)
{
  g_autofree char *root = path_in ("avenue", "avenue");
  const char *train_names[] = { "01", "02" };
  const guint train_frames[] = { 7, 5 };
  const char *test_names[] = { "1", "2", "10" };
  const guint test_frames[] = { 4, 6, 3 };
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlDataset) ds = NULL;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *file = g_strdup_printf ("%s.avi", train_names[i]);
      g_autofree char *p = g_build_filename (root, "training_videos", file, NULL);
      make_video (p, train_frames[i], 25.0);
    }
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *file = g_strdup_printf ("%s.avi", test_names[i]);
      g_autofree char *p = g_build_filename (root, "testing_videos", file, NULL);
      make_video (p, test_frames[i], 25.0);
    }
  {
    g_autofree char *mask = g_build_filename (root, "ground_truth_demo", "testing_label_mask",
                                              "1_label.mat", NULL);
    touch (mask);
  }
  ds = ddl_dataset_open (root, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ddl_dataset_get_layout (ds), ==, DDL_LAYOUT_AVENUE);
  assert_split (ds, DDL_SPLIT_TRAIN, train_names, train_frames, 2);
  assert_split (ds, DDL_SPLIT_TEST, test_names, test_frames, 3);
  {
    DdlVideoEntry *e = g_ptr_array_index (ddl_dataset_get_videos (ds, DDL_SPLIT_TEST), 0);
    g_assert_cmpuint (e->width, ==, 64);
    g_assert_cmpuint (e->height, ==, 48);
    g_assert_cmpfloat_with_epsilon (e->fps, 25.0, 1e-6);
  }
  g_assert_true (has_label (ds, "ground_truth_demo/testing_label_mask"));
}

static void
test_shanghaitech (void)
{
  g_autofree char *root = path_in ("sht", "shanghaitech");
  const char *train_names[] = { "01_001", "01_002", "02_001" };
  const guint train_frames[] = { 3, 4, 2 };
  const char *test_names[] = { "01_0014", "01_0015" };
  const guint test_frames[] = { 5, 3 };
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlDataset) ds = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *file = g_strdup_printf ("%s.avi", train_names[i]);
      g_autofree char *p = g_build_filename (root, "training", "videos", file, NULL);
      make_video (p, train_frames[i], 24.0);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *dir = g_build_filename (root, "testing", "frames", test_names[i], NULL);
      g_autofree char *mask = g_strdup_printf ("%s/testing/test_frame_mask/%s.npy", root,
                                               test_names[i]);
      make_frames (dir, test_frames[i], 32, 24);
      touch (mask);
    }
  ds = ddl_dataset_open (root, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ddl_dataset_get_layout (ds), ==, DDL_LAYOUT_SHANGHAITECH);
  assert_split (ds, DDL_SPLIT_TRAIN, train_names, train_frames, 3);
  assert_split (ds, DDL_SPLIT_TEST, test_names, test_frames, 2);
  g_assert_true (has_label (ds, "testing/test_frame_mask"));
}

static void
test_video_folder (void)
{
  g_autofree char *root = path_in ("videos", NULL);
  const char *names[] = { "a", "b2", "b10", "clip" };
  const guint frames[] = { 3, 5, 4, 6 };
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlDataset) ds = NULL;

  {
    g_autofree char *a = g_build_filename (root, "a.webm", NULL);
    g_autofree char *b2 = g_build_filename (root, "b2.mp4", NULL);
    g_autofree char *b10 = g_build_filename (root, "b10.mkv", NULL);
    g_autofree char *clip = g_build_filename (root, "clip", NULL);
    g_autofree char *txt = g_build_filename (root, "readme.txt", NULL);
    make_video (a, 3, 10.0);
    make_video (b2, 5, 10.0);
    make_video (b10, 4, 10.0);
    make_frames (clip, 6, 16, 16);
    touch (txt);
  }
  ds = ddl_dataset_open (root, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ddl_dataset_get_layout (ds), ==, DDL_LAYOUT_VIDEO_FOLDER);
  assert_split (ds, DDL_SPLIT_TEST, names, frames, 4);
  g_assert_cmpuint (ddl_dataset_get_videos (ds, DDL_SPLIT_TRAIN)->len, ==, 0);
  g_assert_null (ddl_dataset_get_split_dir (ds, DDL_SPLIT_TRAIN));
}

static void
test_single_video (void)
{
  g_autofree char *video = path_in ("single", "street_03.mp4");
  g_autofree char *labels = path_in ("single", "street_03.csv");
  g_autofree char *frames_dir = path_in ("single", "seq");
  const char *names[] = { "street_03" };
  const guint frames[] = { 9 };
  const char *seq_names[] = { "seq" };
  const guint seq_frames[] = { 4 };
  g_autoptr(GError) error = NULL;

  make_video (video, 9, 30.0);
  touch (labels);
  make_frames (frames_dir, 4, 16, 16);
  {
    g_autoptr(DdlDataset) ds = ddl_dataset_open (video, &error);
    g_assert_no_error (error);
    g_assert_cmpint (ddl_dataset_get_layout (ds), ==, DDL_LAYOUT_SINGLE_VIDEO);
    g_assert_cmpstr (ddl_dataset_get_name (ds), ==, "street_03");
    assert_split (ds, DDL_SPLIT_TEST, names, frames, 1);
    g_assert_cmpuint (ddl_dataset_get_videos (ds, DDL_SPLIT_TRAIN)->len, ==, 0);
    g_assert_true (has_label (ds, "single/street_03.csv"));
  }
  {
    /* A folder of images is one image sequence. */
    g_autoptr(DdlDataset) ds = ddl_dataset_open (frames_dir, &error);
    g_assert_no_error (error);
    g_assert_cmpint (ddl_dataset_get_layout (ds), ==, DDL_LAYOUT_SINGLE_VIDEO);
    assert_split (ds, DDL_SPLIT_TEST, seq_names, seq_frames, 1);
  }
}

/* ---- the real Ped2 ---------------------------------------------------------------- */

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_ped2 (void)
{
  const char *shared = g_getenv ("DDL_SHARED_DATASETS");
  g_autofree char *root = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlDataset) ds = NULL;
  guint64 totals[2] = { 0, 0 };

  if (shared == NULL || !g_file_test (shared, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("DDL_SHARED_DATASETS is not set or missing: no real Ped2");
      return;
    }
  root = g_build_filename (shared, "ped2", NULL);
  ds = ddl_dataset_open (root, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ddl_dataset_get_layout (ds), ==, DDL_LAYOUT_MNAD);
  g_assert_cmpstr (ddl_dataset_get_name (ds), ==, "ped2");
  for (int s = 0; s < 2; s++)
    {
      GPtrArray *videos = ddl_dataset_get_videos (ds, s);
      g_autoptr(GString) lines = g_string_new (NULL);
      g_autofree char *fp = ddl_dataset_fingerprint (ds, s);
      for (guint i = 0; i < videos->len; i++)
        {
          DdlVideoEntry *e = g_ptr_array_index (videos, i);
          g_autofree char *want_name = g_strdup_printf ("%02u", i + 1);
          g_assert_cmpstr (e->name, ==, want_name);
          g_assert_cmpuint (e->width, ==, 360);
          g_assert_cmpuint (e->height, ==, 240);
          /* Counted independently: the files in the folder. */
          g_assert_cmpuint (e->n_frames, ==, count_files (e->path));
          totals[s] += e->n_frames;
          g_string_append_printf (lines, "%s:%u\n", e->name, e->n_frames);
        }
      g_assert_cmpuint (videos->len, ==, s == DDL_SPLIT_TRAIN ? 16 : 12);
      {
        g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA1, lines->str, -1);
        g_autofree char *want = g_strndup (sha, 16);
        g_assert_cmpstr (fp, ==, want);
      }
    }
  g_assert_cmpuint (totals[DDL_SPLIT_TRAIN], ==, 2550);
  g_assert_cmpuint (totals[DDL_SPLIT_TEST], ==, 2010);
  g_assert_true (has_label (ds, "ped2/UCSDped2.m"));
  g_assert_true (has_label (ds, "ped2/ped2.mat"));
  g_assert_true (has_label (ds, "ped2/frame_labels_ped2.npy"));
  g_assert_cmpuint (ddl_dataset_get_label_paths (ds)->len, ==, 3);
}

/* ---- the command line --------------------------------------------------------------- */

static void
test_cli_json (void)
{
  const char *build = g_getenv ("DDL_BUILD_DIR");
  g_autofree char *ddl = build != NULL ? g_build_filename (build, "app", "ddl", NULL) : NULL;
  g_autofree char *root = path_in ("cli", "mini");
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj, *test;
  int status = 0;

  if (ddl == NULL || !g_file_test (ddl, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("the ddl binary is not built (DDL_BUILD_DIR)");
      return;
    }
  {
    g_autofree char *a = g_build_filename (root, "testing", "frames", "01", NULL);
    g_autofree char *b = g_build_filename (root, "testing", "frames", "02", NULL);
    make_frames (a, 3, 20, 10);
    make_frames (b, 2, 20, 10);
  }
  {
    const char *argv[] = { ddl, "dataset", "info", root, "--json", NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                  &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  obj = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (obj, "layout"), ==, "mnad");
  g_assert_cmpstr (json_object_get_string_member (obj, "name"), ==, "mini");
  g_assert_cmpint (json_object_get_int_member (obj, "frames"), ==, 5);
  test = json_object_get_object_member (json_object_get_object_member (obj, "splits"), "test");
  g_assert_cmpint (json_object_get_int_member (test, "frames"), ==, 5);
  {
    JsonArray *videos = json_object_get_array_member (test, "videos");
    JsonObject *v = json_array_get_object_element (videos, 1);
    g_assert_cmpuint (json_array_get_length (videos), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (v, "name"), ==, "02");
    g_assert_cmpint (json_object_get_int_member (v, "frames"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (v, "width"), ==, 20);
    g_assert_cmpint (json_object_get_int_member (v, "height"), ==, 10);
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A bad path: exit 1 and a message naming it. */
  {
    g_autofree char *missing = path_in ("cli", "missing");
    const char *argv[] = { ddl, "dataset", "info", missing, NULL };
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                  &error);
    g_assert_no_error (error);
    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (err, "ddl dataset: "));
    g_assert_nonnull (strstr (err, missing));
  }
}

/* ---- bad input -------------------------------------------------------------------- */

static void
assert_dataset_error (const char *path, int code, const char *named)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlDataset) ds = ddl_dataset_open (path, &error);

  g_assert_null (ds);
  g_assert_error (error, DDL_DATASET_ERROR, code);
  if (strstr (error->message, named) == NULL)
    g_error ("'%s' does not name %s", error->message, named);
}

static void
test_bad_input (void)
{
  g_autofree char *missing = path_in ("bad", "missing");
  g_autofree char *empty = path_in ("bad", "empty");
  g_autofree char *text = path_in ("bad", "notes.txt");
  g_autofree char *empty_split = path_in ("bad", "empty-split");
  g_autofree char *empty_train = g_build_filename (empty_split, "training", "frames", NULL);
  g_autofree char *broken = path_in ("bad", "broken");
  g_autofree char *garbage = g_build_filename (broken, "testing_videos", "02.avi", NULL);
  g_autofree char *garbage_single = path_in ("bad", "junk.mp4");

  assert_dataset_error (missing, DDL_DATASET_ERROR_NOT_FOUND, missing);

  g_mkdir_with_parents (empty, 0755);
  assert_dataset_error (empty, DDL_DATASET_ERROR_NOT_FOUND, empty);

  touch (text);
  assert_dataset_error (text, DDL_DATASET_ERROR_NOT_FOUND, text);

  /* A split folder without videos. */
  {
    g_autofree char *test = g_build_filename (empty_split, "testing", "frames", "01", NULL);
    make_frames (test, 2, 8, 8);
    g_mkdir_with_parents (empty_train, 0755);
  }
  assert_dataset_error (empty_split, DDL_DATASET_ERROR_EMPTY, empty_train);

  /* A video that is not one: the error names it. */
  {
    g_autofree char *good = g_build_filename (broken, "testing_videos", "01.avi", NULL);
    make_video (good, 3, 25.0);
    touch (garbage);
  }
  assert_dataset_error (broken, DDL_DATASET_ERROR_INVALID, garbage);
  touch (garbage_single);
  assert_dataset_error (garbage_single, DDL_DATASET_ERROR_INVALID, garbage_single);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmp_root = ddl_test_media_tmpdir ();

  g_test_add_func ("/ddl/dataset/layout/mnad", test_mnad);
  g_test_add_func ("/ddl/dataset/layout/ucsd", test_ucsd);
  g_test_add_func ("/ddl/dataset/layout/ddl-reference", test_ddl_reference);
  g_test_add_func ("/ddl/dataset/layout/avenue", test_avenue);
  g_test_add_func ("/ddl/dataset/layout/shanghaitech", test_shanghaitech);
  g_test_add_func ("/ddl/dataset/layout/video-folder", test_video_folder);
  g_test_add_func ("/ddl/dataset/layout/single-video", test_single_video);
  g_test_add_func ("/ddl/dataset/ped2", test_ped2);
  g_test_add_func ("/ddl/dataset/cli-json", test_cli_json);
  g_test_add_func ("/ddl/dataset/bad-input", test_bad_input);

  ret = g_test_run ();
  ddl_test_remove_tree (tmp_root);
  g_free (tmp_root);
  return ret;
}
