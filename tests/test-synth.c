/* test-synth: the synthetic walkway dataset: determinism by seed, labels that agree
 * with the boxes and with the label readers, the MNAD layout as ddl_dataset sees it,
 * counts and speed of the default set, the tracker against its ground truth, and bad
 * output folders. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ddl-boxes.h"
#include "ddl-dataset.h"
#include "ddl-labels.h"
#include "ddl-synth.h"
#include "ddl-tracker.h"
#include "ddl-test-util.h"

/* Relative paths of every file under root/relative. */
static void
list_files (const char *root, const char *relative, GPtrArray *out)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = relative[0] != '\0' ? g_build_filename (relative, name, NULL)
                                                   : g_strdup (name);
      g_autofree char *full = g_build_filename (root, child, NULL);
      if (g_file_test (full, G_FILE_TEST_IS_DIR))
        list_files (root, child, out);
      else
        g_ptr_array_add (out, g_steal_pointer (&child));
    }
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static char *
read_text (const char *root, const char *relative)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
small_options (DdlSynthOptions *options, guint64 seed)
{
  ddl_synth_options_init (options);
  options->seed = seed;
  options->n_train_videos = 2;
  options->n_test_videos = 2;
  options->width = 96;
  options->height = 64;
  options->n_frames = 24;
}

/* Same seed → the same bytes in every file (the JSON keys differ only by the folder);
 * another seed → other frames. Frames render the same in any order. */
static void
test_determinism (void)
{
  g_autofree char *base = g_dir_make_tmp ("ddl-synth-XXXXXX", NULL);
  /* The same folder name, since it names the label file. */
  g_autofree char *a = g_build_filename (base, "a", "walk", NULL);
  g_autofree char *b = g_build_filename (base, "b", "walk", NULL);
  g_autofree char *c = g_build_filename (base, "c", "walk", NULL);
  g_autoptr(GPtrArray) files_a = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) files_b = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) files_c = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  DdlSynthOptions options;
  guint differing = 0;

  small_options (&options, 42);
  g_assert_true (ddl_synth_write_dataset (&options, a, &error));
  g_assert_no_error (error);
  g_assert_true (ddl_synth_write_dataset (&options, b, &error));
  small_options (&options, 43);
  g_assert_true (ddl_synth_write_dataset (&options, c, &error));
  list_files (a, "", files_a);
  list_files (b, "", files_b);
  list_files (c, "", files_c);
  g_ptr_array_sort (files_a, compare_strings);
  g_ptr_array_sort (files_b, compare_strings);
  g_ptr_array_sort (files_c, compare_strings);
  g_assert_cmpuint (files_a->len, ==, 2 * 2 * 24 + 2 + 2);   /* frames, 2 JSON, npy, csv */
  g_assert_cmpuint (files_b->len, ==, files_a->len);

  for (guint i = 0; i < files_a->len; i++)
    {
      const char *name = g_ptr_array_index (files_a, i);
      g_autofree char *ta = read_text (a, name), *tb = NULL;
      g_assert_cmpstr (name, ==, g_ptr_array_index (files_b, i));
      tb = read_text (b, name);
      if (g_str_has_suffix (name, ".json"))
        {
          /* Keys are absolute paths: the same once the folders are swapped. */
          g_auto(GStrv) parts = g_strsplit (tb, b, -1);
          g_autofree char *swapped = g_strjoinv (a, parts);
          g_assert_cmpstr (ta, ==, swapped);
          g_assert_nonnull (strstr (ta, a));
        }
      else
        {
          g_autofree char *pa = g_build_filename (a, name, NULL);
          g_autofree char *pb = g_build_filename (b, name, NULL);
          g_autoptr(GMappedFile) ma = g_mapped_file_new (pa, FALSE, NULL);
          g_autoptr(GMappedFile) mb = g_mapped_file_new (pb, FALSE, NULL);
          g_assert_cmpuint (g_mapped_file_get_length (ma), ==, g_mapped_file_get_length (mb));
          g_assert_cmpint (memcmp (g_mapped_file_get_contents (ma), g_mapped_file_get_contents (mb),
                                   g_mapped_file_get_length (ma)), ==, 0);
        }
      if (g_str_has_suffix (name, ".jpg") && i < files_c->len
          && g_strcmp0 (name, g_ptr_array_index (files_c, i)) == 0)
        {
          g_autofree char *pa = g_build_filename (a, name, NULL);
          g_autofree char *pc = g_build_filename (c, name, NULL);
          g_autofree char *ca = NULL, *cc = NULL;
          gsize la, lc;
          g_assert_true (g_file_get_contents (pa, &ca, &la, NULL));
          g_assert_true (g_file_get_contents (pc, &cc, &lc, NULL));
          differing += la != lc || memcmp (ca, cc, la) != 0;
        }
    }
  /* Another seed: another scene, so every frame differs. */
  g_assert_cmpuint (differing, ==, 2 * 2 * 24);

  /* Random access: frame 17 rendered before or after others is the same picture. */
  {
    g_autoptr(DdlSynth) synth = ddl_synth_new (&options);
    g_autoptr(DdlSynthVideo) video = ddl_synth_video_new (synth, DDL_SPLIT_TEST, 1);
    g_autofree guint8 *first = g_new (guint8, 96 * 64 * 3);
    g_autofree guint8 *again = g_new (guint8, 96 * 64 * 3);
    ddl_synth_video_render (video, 17, first);
    ddl_synth_video_render (video, 3, again);
    ddl_synth_video_render (video, 17, again);
    g_assert_cmpint (memcmp (first, again, 96 * 64 * 3), ==, 0);
  }
  ddl_test_remove_tree (base);
}

/* The npy file read by hand (format 1.0, '<i8', shape (1, n)). */
static GArray *
read_npy_by_hand (const char *path)
{
  g_autofree char *data = NULL;
  gsize length, header;
  GArray *values = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  g_assert_cmpint (memcmp (data, "\x93NUMPY\x01\x00", 8), ==, 0);
  header = (guchar) data[8] | ((gsize) (guchar) data[9] << 8);
  g_assert_cmpuint ((10 + header) % 64, ==, 0);
  g_assert_nonnull (g_strstr_len (data + 10, header, "'descr': '<i8'"));
  g_assert_cmpint (data[10 + header - 1], ==, '\n');
  g_assert_cmpuint ((length - 10 - header) % 8, ==, 0);
  for (gsize at = 10 + header; at < length; at += 8)
    {
      gint64 v = 0;
      for (int k = 7; k >= 0; k--)
        v = (v << 8) | (guchar) data[at + k];
      g_array_append_val (values, v);
    }
  return values;
}

/* Labels: 1 exactly where an anomalous box is, the same in the npy, the CSV, the
 * test JSON and the label readers; the training split has only pedestrians; every
 * test video shows an anomaly; the dataset opens as MNAD with its labels and boxes. */
static void
test_labels_and_layout (void)
{
  g_autofree char *base = g_dir_make_tmp ("ddl-synth-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (base, "walkway", NULL);
  g_autofree char *npy = g_build_filename (dir, "frame_labels_walkway.npy", NULL);
  g_autofree char *csv = g_build_filename (dir, "labels.csv", NULL);
  g_autofree char *test_json = g_build_filename (dir, "testing", "frames",
                                                 "tracked_bounding_boxes.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) from_npy = NULL;
  g_autoptr(DdlSynth) synth = NULL;
  g_autoptr(DdlBoxes) truth = NULL;
  g_autoptr(DdlDataset) dataset = NULL;
  g_autoptr(GHashTable) kinds = g_hash_table_new (g_str_hash, g_str_equal);
  DdlSynthOptions options;
  guint position = 0;

  ddl_synth_options_init (&options);
  options.seed = 7;
  options.n_train_videos = 3;
  options.n_test_videos = 4;
  options.n_frames = 60;
  g_assert_true (ddl_synth_write_dataset (&options, dir, &error));
  g_assert_no_error (error);
  synth = ddl_synth_new (&options);
  from_npy = read_npy_by_hand (npy);
  g_assert_cmpuint (from_npy->len, ==, 4 * 60);
  truth = ddl_boxes_read (test_json, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_boxes_get_n_videos (truth), ==, 4);

  for (guint v = 0; v < 4; v++)
    {
      g_autoptr(DdlSynthVideo) video = ddl_synth_video_new (synth, DDL_SPLIT_TEST, v);
      guint anomalous = 0;
      g_assert_cmpuint (ddl_synth_video_get_n_frames (video), ==, 60);
      for (guint f = 0; f < 60; f++, position++)
        {
          guint n, m;
          const DdlSynthObject *objects = ddl_synth_video_get_objects (video, f, &n);
          const DdlBox *boxes = ddl_boxes_get (truth, v, f, &m);
          gboolean any = FALSE;
          for (guint i = 0; i < n; i++)
            {
              any |= objects[i].anomalous;
              g_assert_cmpint (objects[i].anomalous, ==, strcmp (objects[i].kind, "pedestrian") != 0);
              g_hash_table_add (kinds, (gpointer) objects[i].kind);
              g_assert_true (objects[i].box[0] >= 0 && objects[i].box[2] <= 1
                             && objects[i].box[0] < objects[i].box[2]
                             && objects[i].box[1] < objects[i].box[3]);
            }
          g_assert_cmpint (ddl_synth_video_get_label (video, f), ==, any);
          g_assert_cmpint (g_array_index (from_npy, gint64, position), ==, any ? 1 : 0);
          /* The file holds the same objects, with kind and anomalous. */
          g_assert_cmpuint (m, ==, n);
          for (guint i = 0; i < n; i++)
            {
              g_autofree char *id = g_strdup_printf ("%u", objects[i].track);
              g_assert_cmpstr (ddl_boxes_get_track_id (truth, boxes[i].track), ==, id);
              g_assert_cmpstr (ddl_boxes_get_kind (truth, boxes[i].kind), ==, objects[i].kind);
              g_assert_cmpint (boxes[i].anomalous, ==, objects[i].anomalous);
              for (int k = 0; k < 4; k++)
                g_assert_cmpfloat_with_epsilon (boxes[i].box[k], objects[i].box[k], 5.1e-7);
            }
          anomalous += any;
        }
      g_assert_cmpuint (anomalous, >, 0);
    }
  /* Pedestrians and at least three kinds of anomaly turned up in these videos. */
  g_assert_cmpuint (g_hash_table_size (kinds), >=, 4);

  for (guint v = 0; v < 3; v++)
    {
      g_autoptr(DdlSynthVideo) video = ddl_synth_video_new (synth, DDL_SPLIT_TRAIN, v);
      for (guint f = 0; f < 60; f++)
        {
          guint n;
          const DdlSynthObject *objects = ddl_synth_video_get_objects (video, f, &n);
          g_assert_false (ddl_synth_video_get_label (video, f));
          for (guint i = 0; i < n; i++)
            g_assert_cmpstr (objects[i].kind, ==, "pedestrian");
        }
    }

  /* The dataset as the app sees it. */
  dataset = ddl_dataset_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ddl_dataset_get_layout (dataset), ==, DDL_LAYOUT_MNAD);
  g_assert_cmpuint (ddl_dataset_get_videos (dataset, DDL_SPLIT_TRAIN)->len, ==, 3);
  g_assert_cmpuint (ddl_dataset_get_videos (dataset, DDL_SPLIT_TEST)->len, ==, 4);
  {
    GPtrArray *tests = ddl_dataset_get_videos (dataset, DDL_SPLIT_TEST);
    DdlVideoLength lengths[4];
    g_autoptr(DdlLabels) labels_npy = NULL;
    g_autoptr(DdlLabels) labels_csv = NULL;
    g_autoptr(DdlBoxes) train = NULL;

    for (guint v = 0; v < 4; v++)
      {
        DdlVideoEntry *entry = g_ptr_array_index (tests, v);
        g_autofree char *name = g_strdup_printf ("%02u", v + 1);
        g_assert_cmpstr (entry->name, ==, name);
        g_assert_cmpuint (entry->n_frames, ==, 60);
        g_assert_cmpuint (entry->width, ==, 240);
        g_assert_cmpuint (entry->height, ==, 160);
        lengths[v].name = entry->name;
        lengths[v].n_frames = entry->n_frames;
      }
    /* Both label files read back through the label readers, frame by frame. */
    labels_npy = ddl_labels_load (npy, lengths, 4, &error);
    g_assert_no_error (error);
    labels_csv = ddl_labels_load (csv, NULL, 0, &error);
    g_assert_no_error (error);
    position = 0;
    g_assert_cmpuint (labels_npy->videos->len, ==, 4);
    g_assert_cmpuint (labels_csv->videos->len, ==, 4);
    for (guint v = 0; v < 4; v++)
      {
        DdlLabelVideo *a = g_ptr_array_index (labels_npy->videos, v);
        DdlLabelVideo *b = g_ptr_array_index (labels_csv->videos, v);
        g_assert_cmpuint (a->n_frames, ==, 60);
        g_assert_cmpuint (b->n_frames, ==, 60);
        for (guint f = 0; f < 60; f++, position++)
          {
            g_assert_cmpint (a->labels[f], ==, g_array_index (from_npy, gint64, position));
            g_assert_cmpint (b->labels[f], ==, g_array_index (from_npy, gint64, position));
          }
      }
    /* The dataset finds the training boxes, and they bind to its frame files. */
    g_assert_nonnull (ddl_dataset_get_boxes_path (dataset));
    train = ddl_boxes_read (ddl_dataset_get_boxes_path (dataset), &error);
    g_assert_no_error (error);
    g_assert_true (ddl_boxes_bind_dataset (train, dataset, DDL_SPLIT_TRAIN, &error));
    g_assert_no_error (error);
    {
      g_autofree char *want = g_build_filename (ddl_dataset_get_split_dir (dataset, DDL_SPLIT_TRAIN),
                                                "01", NULL);
      g_assert_cmpstr (ddl_boxes_get_video_key_dir (train, 0), ==, want);
    }
    g_assert_cmpfloat (ddl_boxes_window_coverage (train, 3, NULL, NULL), >, 0.9);
  }
  ddl_test_remove_tree (base);
}

/* The default set (8 + 6 videos of 120-180 frames at 240x160): counts and speed. */
static void
test_default_counts (void)
{
  g_autofree char *base = g_dir_make_tmp ("ddl-synth-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (base, "demo", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlDataset) dataset = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  DdlSynthOptions options;
  guint64 frames[2] = { 0, 0 };
  double seconds;

  ddl_synth_options_init (&options);
  g_assert_true (ddl_synth_write_dataset (&options, dir, &error));
  g_assert_no_error (error);
  seconds = g_timer_elapsed (timer, NULL);
  dataset = ddl_dataset_open (dir, &error);
  g_assert_no_error (error);
  for (int s = 0; s < 2; s++)
    {
      GPtrArray *videos = ddl_dataset_get_videos (dataset, (DdlSplit) s);
      g_assert_cmpuint (videos->len, ==, s == 0 ? 8 : 6);
      for (guint v = 0; v < videos->len; v++)
        {
          DdlVideoEntry *entry = g_ptr_array_index (videos, v);
          g_assert_cmpuint (entry->n_frames, >=, 120);
          g_assert_cmpuint (entry->n_frames, <=, 180);
          frames[s] += entry->n_frames;
        }
    }
  g_printerr ("# default set: %" G_GUINT64_FORMAT " training and %" G_GUINT64_FORMAT
              " test frames written in %.1f s\n", frames[0], frames[1], seconds);
  ddl_test_remove_tree (base);
}

/* The tracker finds most of the generated people: ground truth boxes (pedestrians
 * fully in view, at least 14 pixels tall) matched by a tracker box with IoU > 0.5. */
static void
test_tracker_vs_truth (void)
{
  g_autofree char *base = g_dir_make_tmp ("ddl-synth-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (base, "set", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlDataset) dataset = NULL;
  g_autoptr(DdlBoxes) found = NULL;
  g_autoptr(DdlSynth) synth = NULL;
  DdlSynthOptions options;
  DdlTrackerOptions tracker;
  guint matched = 0, total = 0;

  ddl_synth_options_init (&options);
  options.seed = 3;
  options.n_train_videos = 3;
  options.n_test_videos = 1;
  options.n_frames = 80;
  g_assert_true (ddl_synth_write_dataset (&options, dir, &error));
  dataset = ddl_dataset_open (dir, &error);
  g_assert_no_error (error);
  ddl_tracker_options_init (&tracker);
  found = ddl_tracker_track_dataset (&tracker, dataset, DDL_SPLIT_TRAIN, NULL, NULL, &error);
  g_assert_no_error (error);
  synth = ddl_synth_new (&options);
  for (guint v = 0; v < 3; v++)
    {
      g_autoptr(DdlSynthVideo) video = ddl_synth_video_new (synth, DDL_SPLIT_TRAIN, v);
      for (guint f = 0; f < 80; f++)
        {
          guint n, m;
          const DdlSynthObject *objects = ddl_synth_video_get_objects (video, f, &n);
          const DdlBox *boxes = ddl_boxes_get (found, v, f, &m);
          for (guint i = 0; i < n; i++)
            {
              const double *t = objects[i].box;
              double best = 0;
              if (t[0] <= 0 || t[1] <= 0 || t[2] >= 1 || t[3] >= 1 || (t[3] - t[1]) * 160 < 14)
                continue;
              for (guint j = 0; j < m; j++)
                {
                  const double *b = boxes[j].box;
                  double ix = MIN (t[2], b[2]) - MAX (t[0], b[0]);
                  double iy = MIN (t[3], b[3]) - MAX (t[1], b[1]);
                  double inter = ix > 0 && iy > 0 ? ix * iy : 0;
                  double uni = (t[2] - t[0]) * (t[3] - t[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
                  best = MAX (best, inter / uni);
                }
              total++;
              matched += best > 0.5;
            }
        }
    }
  g_printerr ("# tracker on synthetic training video: %u of %u people found (IoU > 0.5)\n",
              matched, total);
  g_assert_cmpuint (total, >, 200);
  g_assert_cmpfloat ((double) matched / total, >, 0.6);
  ddl_test_remove_tree (base);
}

static void
test_bad_output (void)
{
  g_autofree char *base = g_dir_make_tmp ("ddl-synth-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (base, "file", NULL);
  g_autofree char *busy = g_build_filename (base, "busy", NULL);
  g_autofree char *inside = g_build_filename (busy, "keep.txt", NULL);
  g_autofree char *fresh = g_build_filename (base, "fresh", NULL);
  g_autoptr(GError) error = NULL;
  DdlSynthOptions options;

  small_options (&options, 1);
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  g_assert_cmpint (g_mkdir (busy, 0755), ==, 0);
  g_assert_true (g_file_set_contents (inside, "x", -1, NULL));

  g_assert_false (ddl_synth_write_dataset (&options, file, &error));
  g_assert_nonnull (strstr (error->message, file));
  g_clear_error (&error);
  g_assert_false (ddl_synth_write_dataset (&options, busy, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, busy));
  g_clear_error (&error);
  g_assert_true (g_file_test (inside, G_FILE_TEST_EXISTS));   /* nothing touched */
  options.width = 8;
  g_assert_false (ddl_synth_write_dataset (&options, fresh, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
  ddl_test_remove_tree (base);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/synth/determinism", test_determinism);
  g_test_add_func ("/synth/labels-and-layout", test_labels_and_layout);
  g_test_add_func ("/synth/default-counts", test_default_counts);
  g_test_add_func ("/synth/tracker-vs-truth", test_tracker_vs_truth);
  g_test_add_func ("/synth/bad-output", test_bad_output);
  return g_test_run ();
}
