/* test-tracker: the background-subtraction tracker: the median background, known
 * moving rectangles (boxes and ids), a corrupt frame, and the real UCSD Ped2 training
 * set when ../shared/datasets is there. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ddl-boxes.h"
#include "ddl-dataset.h"
#include "ddl-frame-writer.h"
#include "ddl-tracker.h"
#include "ddl-test-util.h"

static double
iou (const double a[4], const double b[4])
{
  double ix = MIN (a[2], b[2]) - MAX (a[0], b[0]), iy = MIN (a[3], b[3]) - MAX (a[1], b[1]);
  double inter = ix > 0 && iy > 0 ? ix * iy : 0;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
}

/* ---- the tracker ------------------------------------------------------------- */

static void
test_median (void)
{
  const float a[] = { 0.3f, 0.9f }, b[] = { 0.1f, 0.1f }, c[] = { 0.5f, 0.4f }, d[] = { 0.2f, 0.4f };
  const float e[] = { 0.4f, 0.2f };
  const float *five[] = { a, b, c, d, e }, *four[] = { a, b, c, d };
  float out[2];
  g_autofree float *values = g_new (float, 7 * 37);
  g_autofree const float **planes = g_new (const float *, 37);
  float got[7];

  /* {0.3, 0.1, 0.5, 0.2, 0.4} → 0.3; {0.9, 0.1, 0.4, 0.4, 0.2} → 0.4. */
  ddl_tracker_median_background (out, five, 5, 2);
  g_assert_cmpfloat (out[0], ==, 0.3f);
  g_assert_cmpfloat (out[1], ==, 0.4f);
  /* Even n: the lower median, {0.1, 0.2, 0.3, 0.5} → 0.2; {0.1, 0.4, 0.4, 0.9} → 0.4. */
  ddl_tracker_median_background (out, four, 4, 2);
  g_assert_cmpfloat (out[0], ==, 0.2f);
  g_assert_cmpfloat (out[1], ==, 0.4f);
  /* 37 frames of quantised random values (many ties) against sorting. */
  for (guint i = 0; i < 37; i++)
    {
      ddl_test_random (values + i * 7, 7, 100 + i, 0, 1);
      for (guint p = 0; p < 7; p++)
        values[i * 7 + p] = floorf (values[i * 7 + p] * 5) / 5;
      planes[i] = values + i * 7;
    }
  ddl_tracker_median_background (got, planes, 37, 7);
  for (guint p = 0; p < 7; p++)
    {
      float column[37];
      guint below = 0, above = 0;
      for (guint i = 0; i < 37; i++)
        column[i] = values[i * 7 + p];
      for (guint i = 0; i < 37; i++)
        below += column[i] < got[p], above += column[i] > got[p];
      /* The 19th smallest: at most 18 below and at most 18 above. */
      g_assert_cmpuint (below, <=, 18);
      g_assert_cmpuint (above, <=, 18);
    }
}

#define CW 120
#define CH 90
#define CN 40

typedef struct {
  double x, y, w, h, vx, vy, shade;
} Mover;

static void
truth_box (const Mover *m, guint f, double box[4])
{
  box[0] = (m->x + m->vx * f) / CW, box[1] = (m->y + m->vy * f) / CH;
  box[2] = (m->x + m->vx * f + m->w) / CW, box[3] = (m->y + m->vy * f + m->h) / CH;
}

/* Two rectangles crossing a textured, noisy background; the first one vanishes for
 * frame 20 (an occlusion) and a 2x2 speck flashes in frame 10. */
static void
test_tracker_rectangles (void)
{
  static const Mover movers[2] = {
    { 6, 20, 8, 16, 2.0, 0.25, 0.15 },     /* dark, moving right and a little down */
    { 100, 50, 10, 20, -1.5, 0, 0.95 },    /* bright, moving left */
  };
  g_autofree float *frames = g_new (float, (gsize) CN * CW * CH);
  g_autofree float *noise = g_new (float, (gsize) CN * CW * CH);
  g_autofree const float **planes = g_new (const float *, CN);
  float background[CW * CH], estimate[CW * CH];
  g_autoptr(DdlTracker) tracker = NULL;
  g_autoptr(DdlBoxes) boxes = ddl_boxes_new ();
  DdlTrackerOptions options;
  guint video, track_of[2] = { G_MAXUINT, G_MAXUINT };

  ddl_test_random (noise, (gsize) CN * CW * CH, 7, -0.015f, 0.015f);
  for (int y = 0; y < CH; y++)
    for (int x = 0; x < CW; x++)
      background[y * CW + x] = 0.45f + 0.1f * x / CW + 0.05f * ((x / 6 + y / 6) % 2);
  for (guint f = 0; f < CN; f++)
    {
      float *frame = frames + (gsize) f * CW * CH;
      for (int p = 0; p < CW * CH; p++)
        frame[p] = background[p] + noise[(gsize) f * CW * CH + p];
      for (guint m = 0; m < 2; m++)
        {
          double box[4];
          if (m == 0 && f == 20)
            continue;
          truth_box (&movers[m], f, box);
          for (int y = (int) ceil (box[1] * CH - 0.5); y < (int) ceil (box[3] * CH - 0.5); y++)
            for (int x = (int) ceil (box[0] * CW - 0.5); x < (int) ceil (box[2] * CW - 0.5); x++)
              if (x >= 0 && x < CW && y >= 0 && y < CH)
                frame[y * CW + x] = (float) movers[m].shade;
        }
      if (f == 10)
        frame[70 * CW + 30] = frame[70 * CW + 31] = frame[71 * CW + 30] = frame[71 * CW + 31] = 1.0f;
      planes[f] = frame;
    }

  /* The median of all frames recovers the background (each pixel is covered by a
   * mover in far fewer than half of them). */
  ddl_tracker_median_background (estimate, planes, CN, CW * CH);
  for (int p = 0; p < CW * CH; p++)
    g_assert_cmpfloat (fabsf (estimate[p] - background[p]), <, 0.016f);

  ddl_tracker_options_init (&options);
  tracker = ddl_tracker_new (&options, CW, CH, estimate);
  for (guint f = 0; f < CN; f++)
    ddl_tracker_push (tracker, planes[f]);
  video = ddl_boxes_add_video (boxes, "clip", "clip", CN);
  ddl_tracker_finish (tracker, boxes, video);

  for (guint f = 0; f < CN; f++)
    {
      guint n;
      const DdlBox *list = ddl_boxes_get (boxes, video, f, &n);
      g_assert_cmpuint (n, ==, 2);   /* no speck, no lost frame */
      for (guint m = 0; m < 2; m++)
        {
          double want[4], best = 0;
          guint best_track = G_MAXUINT;
          truth_box (&movers[m], f, want);
          for (guint i = 0; i < n; i++)
            if (iou (want, list[i].box) > best)
              best = iou (want, list[i].box), best_track = list[i].track;
          if (best <= 0.5)
            g_error ("frame %u, mover %u: best IoU %.3f", f, m, best);
          /* One id per mover for the whole clip, the occluded frame included. */
          if (track_of[m] == G_MAXUINT)
            track_of[m] = best_track;
          g_assert_cmpuint (best_track, ==, track_of[m]);
        }
    }
  g_assert_cmpuint (track_of[0], !=, track_of[1]);
}

/* A corrupt frame in the middle of a video: an error that names it, no boxes. */
static void
test_tracker_bad_frame (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ddl-boxes-XXXXXX", NULL);
  g_autofree char *vdir = g_build_filename (dir, "training", "frames", "01", NULL);
  g_autofree char *broken = g_build_filename (vdir, "003.png", NULL);
  g_autofree guint8 *rgb = g_new0 (guint8, 48 * 32 * 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlDataset) dataset = NULL;
  g_autoptr(DdlBoxes) boxes = NULL;
  DdlTrackerOptions options;

  g_assert_cmpint (g_mkdir_with_parents (vdir, 0755), ==, 0);
  for (guint f = 0; f < 6; f++)
    {
      g_autofree char *file = g_strdup_printf ("%s/%03u.png", vdir, f);
      g_assert_true (ddl_image_write (file, rgb, 48, 32, 48 * 3, &error));
    }
  g_assert_true (g_file_set_contents (broken, "\x89PNG garbage, not an image", -1, NULL));
  dataset = ddl_dataset_open (dir, &error);
  g_assert_no_error (error);
  ddl_tracker_options_init (&options);
  boxes = ddl_tracker_track_dataset (&options, dataset, DDL_SPLIT_TRAIN, NULL, NULL, &error);
  g_assert_null (boxes);
  g_assert_nonnull (error);
  if (strstr (error->message, "003.png") == NULL)
    g_error ("the error does not name the broken frame: %s", error->message);
  ddl_test_remove_tree (dir);
}

static void
test_tracker_ped2 (void)
{
  const char *root = g_getenv ("DDL_SHARED_DATASETS");
  g_autofree char *ped2 = root != NULL ? g_build_filename (root, "ped2", NULL) : NULL;
  g_autofree char *dir = NULL, *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlDataset) dataset = NULL;
  g_autoptr(DdlBoxes) boxes = NULL, back = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  DdlTrackerOptions options;
  GPtrArray *entries;
  guint64 frames = 0, with_box = 0, n_boxes = 0, tall = 0;
  guint windows, covered;
  double coverage, seconds;

  if (ped2 == NULL || !g_file_test (ped2, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("UCSD Ped2 not found: set DDL_SHARED_DATASETS to ../shared/datasets");
      return;
    }
  dataset = ddl_dataset_open (ped2, &error);
  g_assert_no_error (error);
  ddl_tracker_options_init (&options);
  boxes = ddl_tracker_track_dataset (&options, dataset, DDL_SPLIT_TRAIN, NULL, NULL, &error);
  g_assert_no_error (error);
  seconds = g_timer_elapsed (timer, NULL);
  entries = ddl_dataset_get_videos (dataset, DDL_SPLIT_TRAIN);

  g_assert_cmpuint (ddl_boxes_get_n_videos (boxes), ==, 16);
  for (guint v = 0; v < 16; v++)
    {
      DdlVideoEntry *entry = g_ptr_array_index (entries, v);
      g_assert_cmpstr (ddl_boxes_get_video_name (boxes, v), ==, entry->name);
      for (guint f = 0; f < ddl_boxes_get_n_frames (boxes, v); f++)
        {
          guint n;
          const DdlBox *list = ddl_boxes_get (boxes, v, f, &n);
          frames++, with_box += n > 0, n_boxes += n;
          /* People are taller than wide: compare in pixels (360 x 240). */
          for (guint i = 0; i < n; i++)
            tall += (list[i].box[3] - list[i].box[1]) * 240 > (list[i].box[2] - list[i].box[0]) * 360;
        }
    }
  coverage = ddl_boxes_window_coverage (boxes, 3, &windows, &covered);
  g_printerr ("# ped2 train: %.1f s, %" G_GUINT64_FORMAT " frames, %.2f boxes per frame, "
              "%.1f%% frames with a box, %.1f%% boxes taller than wide, T=3 windows with a "
              "common track %u/%u (%.2f%%)\n", seconds, frames, (double) n_boxes / frames,
              100.0 * with_box / frames, 100.0 * tall / n_boxes, covered, windows, 100 * coverage);
  g_assert_cmpuint (frames, ==, 2550);
  g_assert_cmpuint (windows, ==, 2518);       /* the reference loader's count */
  g_assert_cmpfloat ((double) with_box / frames, >, 0.95);
  g_assert_cmpfloat ((double) n_boxes / frames, >, 3.0);   /* Ped2 training: crowds */
  g_assert_cmpfloat ((double) n_boxes / frames, <, 20.0);
  g_assert_cmpfloat ((double) tall / n_boxes, >, 0.9);
  g_assert_cmpfloat (coverage, >, 0.9);

  /* Keys: <split dir>/<video>/<file>, and the file binds back to the dataset. */
  dir = g_dir_make_tmp ("ddl-boxes-XXXXXX", NULL);
  path = g_build_filename (dir, "tracked_bounding_boxes.json", NULL);
  g_assert_true (ddl_boxes_write (boxes, path, &error));
  back = ddl_boxes_read (path, &error);
  g_assert_no_error (error);
  {
    g_autofree char *want = g_build_filename (ddl_dataset_get_split_dir (dataset, DDL_SPLIT_TRAIN),
                                              "01", NULL);
    g_assert_cmpstr (ddl_boxes_get_video_key_dir (back, 0), ==, want);
  }
  g_assert_true (ddl_boxes_bind_dataset (back, dataset, DDL_SPLIT_TRAIN, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_boxes_get_n_boxes (back), ==, n_boxes);
  g_assert_cmpfloat (ddl_boxes_window_coverage (back, 3, NULL, NULL), ==, coverage);
  ddl_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracker/median", test_median);
  g_test_add_func ("/tracker/rectangles", test_tracker_rectangles);
  g_test_add_func ("/tracker/bad-frame", test_tracker_bad_frame);
  g_test_add_func ("/tracker/ped2", test_tracker_ped2);
  return g_test_run ();
}
