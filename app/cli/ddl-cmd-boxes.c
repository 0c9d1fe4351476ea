/* ddl boxes: tracks moving objects in a dataset split and writes
 * tracked_bounding_boxes.json (the DDL reference's schema). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ddl-cli.h"
#include "ddl-boxes.h"
#include "ddl-dataset.h"
#include "ddl-frame-writer.h"
#include "ddl-tracker.h"

/* A line per video; on a terminal, a counter that updates in place as well. */
static void
report_progress (guint video, guint n_videos, const char *name, guint frame, guint n_frames,
                 gpointer user_data)
{
  gboolean tty = GPOINTER_TO_INT (user_data);

  if (tty && frame % 10 == 0 && frame < n_frames)
    fprintf (stderr, "\rddl boxes: video %u/%u (%s): frame %u/%u", video + 1, n_videos, name,
             frame, n_frames);
  if (frame == n_frames)
    fprintf (stderr, "%sddl boxes: video %u/%u (%s): %u frames\n", tty ? "\r" : "", video + 1,
             n_videos, name, n_frames);
}

/* The frame with the most boxes, at twice its size (nearest neighbour) so that the
 * people and boxes read in a README. */
static gboolean
write_preview (DdlDataset *dataset, DdlSplit split, DdlBoxes *boxes, const char *path,
               GError **error)
{
  guint best_video = 0, best_frame = 0, best = 0, n, w, h;
  g_autoptr(DdlFrameSource) source = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree guint8 *big = NULL;
  const guint8 *rgb;
  const DdlBox *list;

  for (guint v = 0; v < ddl_boxes_get_n_videos (boxes); v++)
    for (guint f = 0; f < ddl_boxes_get_n_frames (boxes, v); f++)
      {
        ddl_boxes_get (boxes, v, f, &n);
        if (n > best)
          best = n, best_video = v, best_frame = f;
      }
  source = ddl_dataset_open_video (dataset, split, best_video, error);
  if (source == NULL || (bytes = ddl_frame_source_read_rgb8 (source, best_frame, error)) == NULL)
    return FALSE;
  w = ddl_frame_source_get_width (source), h = ddl_frame_source_get_height (source);
  rgb = g_bytes_get_data (bytes, NULL);
  big = g_new (guint8, (gsize) w * h * 12);
  for (guint y = 0; y < 2 * h; y++)
    for (guint x = 0; x < 2 * w; x++)
      memcpy (big + ((gsize) y * 2 * w + x) * 3, rgb + ((gsize) (y / 2) * w + x / 2) * 3, 3);
  list = ddl_boxes_get (boxes, best_video, best_frame, &n);
  for (guint i = 0; i < n; i++)
    {
      static const guint8 colour[3] = { 60, 235, 90 };
      ddl_box_draw (big, 2 * w, 2 * h, 2 * w * 3, list[i].box, colour, 2);
    }
  fprintf (stderr, "ddl boxes: preview is video %s, frame %u (%u boxes)\n",
           ddl_boxes_get_video_name (boxes, best_video), best_frame, n);
  return ddl_image_write (path, big, 2 * w, 2 * h, 2 * w * 3, error);
}

static void
print_summary (DdlBoxes *boxes, GPtrArray *entries, guint temporal, double seconds)
{
  guint64 frames = 0, with_box = 0, tall = 0, n_boxes = 0;
  guint windows, covered;
  double coverage = ddl_boxes_window_coverage (boxes, temporal, &windows, &covered);

  for (guint v = 0; v < ddl_boxes_get_n_videos (boxes); v++)
    {
      /* Boxes are fractions; their shape needs the frame's pixel aspect. */
      DdlVideoEntry *entry = g_ptr_array_index (entries, v);
      double aspect = entry->width > 0 ? (double) entry->height / entry->width : 1.0;

      for (guint f = 0; f < ddl_boxes_get_n_frames (boxes, v); f++)
        {
          guint n;
          const DdlBox *list = ddl_boxes_get (boxes, v, f, &n);
          frames++;
          with_box += n > 0;
          n_boxes += n;
          for (guint i = 0; i < n; i++)
            tall += (list[i].box[3] - list[i].box[1]) * aspect > list[i].box[2] - list[i].box[0];
        }
    }
  printf ("videos: %u\nframes: %" G_GUINT64_FORMAT "\nboxes: %" G_GUINT64_FORMAT
          " (%.2f per frame)\nframes with a box: %.1f%%\n",
          ddl_boxes_get_n_videos (boxes), frames, n_boxes,
          frames > 0 ? (double) n_boxes / frames : 0.0,
          frames > 0 ? 100.0 * with_box / frames : 0.0);
  printf ("boxes taller than wide: %.1f%%\n",
          n_boxes > 0 ? 100.0 * tall / n_boxes : 0.0);
  printf ("windows of %u frames with a track common to all: %u of %u (%.2f%%)\n", temporal,
          covered, windows, 100.0 * coverage);
  printf ("time: %.1f s\n", seconds);
}

int
ddl_cmd_boxes (int argc, char **argv)
{
  g_autofree char *output = NULL, *split_name = NULL, *prefix = NULL, *preview = NULL;
  int temporal = 3;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "JSON file to write", "FILE" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split_name, "train (default) or test", "SPLIT" },
    { "temporal", 0, 0, G_OPTION_ARG_INT, &temporal,
      "Window length T for the coverage report (odd, default 3)", "T" },
    { "prefix", 0, 0, G_OPTION_ARG_FILENAME, &prefix,
      "Key prefix instead of the split folder (the reference's train_path)", "DIR" },
    { "preview", 0, 0, G_OPTION_ARG_FILENAME, &preview,
      "Also write the frame with the most boxes, boxes drawn, at twice its size, to this PNG/JPEG", "FILE" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlDataset) dataset = NULL;
  g_autoptr(DdlBoxes) boxes = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  DdlTrackerOptions options;
  DdlSplit split = DDL_SPLIT_TRAIN;

  if (!ddl_cli_parse ("boxes", "DATASET -o FILE",
                      "Find moving objects with a background model (temporal median, adaptive "
                      "threshold, morphology, connected components, size filter), track them "
                      "across frames by IoU, and write tracked_bounding_boxes.json with keys "
                      "<split folder>/<video>/<frame file>, as the DDL reference loads them. "
                      "Prints the share of training windows with a track common to all T frames.",
                      entries, &argc, &argv))
    return 1;
  if (argc != 2 || output == NULL)
    {
      fprintf (stderr, "ddl boxes: %s\nRun 'ddl boxes --help' for usage.\n",
               argc != 2 ? "expected one DATASET" : "the output file (-o FILE) is required");
      return 1;
    }
  if (split_name != NULL && strcmp (split_name, "train") != 0 && strcmp (split_name, "test") != 0)
    {
      fprintf (stderr, "ddl boxes: --split must be train or test, not %s\n", split_name);
      return 1;
    }
  if (temporal < 1 || temporal % 2 == 0 || temporal > 99)
    {
      fprintf (stderr, "ddl boxes: --temporal must be odd, 1-99\n");
      return 1;
    }
  if (split_name != NULL && strcmp (split_name, "test") == 0)
    split = DDL_SPLIT_TEST;

  dataset = ddl_dataset_open (argv[1], &error);
  if (dataset == NULL)
    return ddl_cli_fail ("boxes", error);
  ddl_tracker_options_init (&options);
  options.progress = report_progress;
  options.user_data = GINT_TO_POINTER (isatty (fileno (stderr)));
  boxes = ddl_tracker_track_dataset (&options, dataset, split, prefix, NULL, &error);
  if (boxes == NULL || !ddl_boxes_write (boxes, output, &error))
    return ddl_cli_fail ("boxes", error);
  print_summary (boxes, ddl_dataset_get_videos (dataset, split), (guint) temporal,
                 g_timer_elapsed (timer, NULL));
  if (preview != NULL && !write_preview (dataset, split, boxes, preview, &error))
    return ddl_cli_fail ("boxes", error);
  return 0;
}
