/* ddl synth: writes the synthetic walkway dataset (MNAD layout, labels, boxes). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ddl-cli.h"
#include "ddl-boxes.h"
#include "ddl-frame-writer.h"
#include "ddl-synth.h"

static void
report_progress (DdlSplit split, guint done, guint n_videos, gpointer user_data)
{
  fprintf (stderr, "ddl synth: %s videos written: %u/%u\n",
           split == DDL_SPLIT_TRAIN ? "training" : "test", done + 1, n_videos);
}

static gboolean
parse_size (const char *text, guint *width, guint *height)
{
  guint64 w, h;
  g_auto(GStrv) parts = g_strsplit (text, "x", 2);

  if (g_strv_length (parts) != 2
      || !g_ascii_string_to_unsigned (parts[0], 10, 32, 4096, &w, NULL)
      || !g_ascii_string_to_unsigned (parts[1], 10, 32, 4096, &h, NULL))
    return FALSE;
  *width = (guint) w, *height = (guint) h;
  return TRUE;
}

/* The test frame that shows the most: a vivid anomaly fully in view, then many people. */
static gboolean
write_preview (const DdlSynthOptions *options, const char *path, GError **error)
{
  g_autoptr(DdlSynth) synth = ddl_synth_new (options);
  guint w = options->width, h = options->height, best_video = 0, best_frame = 0;
  int best_score = -1;
  g_autofree guint8 *rgb = g_new (guint8, (gsize) w * h * 3);
  g_autofree guint8 *big = g_new (guint8, (gsize) w * h * 12);
  g_autoptr(DdlSynthVideo) video = NULL;
  const DdlSynthObject *objects;
  guint n;

  for (guint v = 0; v < MIN (options->n_test_videos, 3u); v++)
    {
      g_autoptr(DdlSynthVideo) candidate = ddl_synth_video_new (synth, DDL_SPLIT_TEST, v);
      for (guint f = 0; f < ddl_synth_video_get_n_frames (candidate); f++)
        {
          int score = 0;
          objects = ddl_synth_video_get_objects (candidate, f, &n);
          for (guint i = 0; i < n; i++)
            {
              gboolean inside = objects[i].box[0] > 0.02 && objects[i].box[2] < 0.98
                                && objects[i].box[1] > 0.02 && objects[i].box[3] < 0.98;
              /* Vehicles and runners show best what the anomalies look like. */
              gboolean vivid = g_str_equal (objects[i].kind, "cyclist")
                               || g_str_equal (objects[i].kind, "cart")
                               || g_str_equal (objects[i].kind, "runner");
              score += !inside ? 1 : !objects[i].anomalous ? 2 : vivid ? 300 : 100;
            }
          if (score > best_score)
            best_score = score, best_video = v, best_frame = f;
        }
    }
  video = ddl_synth_video_new (synth, DDL_SPLIT_TEST, best_video);
  ddl_synth_video_render (video, best_frame, rgb);
  /* Twice the size (nearest neighbour) so the figures and boxes read in a README. */
  for (guint y = 0; y < 2 * h; y++)
    for (guint x = 0; x < 2 * w; x++)
      memcpy (big + ((gsize) y * 2 * w + x) * 3, rgb + ((gsize) (y / 2) * w + x / 2) * 3, 3);
  objects = ddl_synth_video_get_objects (video, best_frame, &n);
  for (guint i = 0; i < n; i++)
    {
      static const guint8 normal[3] = { 70, 230, 100 }, anomalous[3] = { 255, 50, 40 };
      ddl_box_draw (big, 2 * w, 2 * h, 2 * w * 3, objects[i].box,
                    objects[i].anomalous ? anomalous : normal, 2);
    }
  fprintf (stderr, "ddl synth: preview is test video %u, frame %u (%u objects)\n",
           best_video + 1, best_frame, n);
  return ddl_image_write (path, big, 2 * w, 2 * h, 2 * w * 3, error);
}

int
ddl_cmd_synth (int argc, char **argv)
{
  g_autofree char *output = NULL, *size = NULL, *preview = NULL;
  gint64 seed = 1;
  int videos = 8, test_videos = -1, frames = 0;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Folder to create (must be new or empty)", "DIR" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Random seed (default 1)", "S" },
    { "videos", 0, 0, G_OPTION_ARG_INT, &videos, "Training videos (default 8)", "N" },
    { "test-videos", 0, 0, G_OPTION_ARG_INT, &test_videos,
      "Test videos (default 3/4 of the training videos, rounded up: 6 for 8)", "M" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, "Frame size (default 240x160)", "WxH" },
    { "frames", 0, 0, G_OPTION_ARG_INT, &frames, "Frames per video (default 120-180, random)", "F" },
    { "preview", 0, 0, G_OPTION_ARG_FILENAME, &preview,
      "Also write a test frame with its boxes drawn (red: anomalous) to this PNG/JPEG", "FILE" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  DdlSynthOptions options;
  guint64 n_frames = 0;
  g_autofree char *name = NULL;

  if (!ddl_cli_parse ("synth", "-o DIR", "Generate the synthetic walkway dataset: a fixed camera "
                      "over a park walkway, pedestrians as normal behaviour, cyclists, carts, "
                      "runners, lawn walkers and wrong-way walkers as anomalies (test videos "
                      "only). Written in the MNAD layout with frame labels "
                      "(frame_labels_<name>.npy, labels.csv) and tracked_bounding_boxes.json.",
                      entries, &argc, &argv))
    return 1;
  ddl_synth_options_init (&options);
  if (output == NULL || argc > 1)
    {
      fprintf (stderr, "ddl synth: %s\nRun 'ddl synth --help' for usage.\n",
               output == NULL ? "the output folder (-o DIR) is required" : "unexpected argument");
      return 1;
    }
  if (videos < 1 || videos > 999 || test_videos == 0 || test_videos > 999
      || frames < 0 || (frames > 0 && frames < 3) || frames > 100000)
    {
      fprintf (stderr, "ddl synth: --videos and --test-videos must be 1-999, --frames 3-100000\n");
      return 1;
    }
  if (size != NULL && !parse_size (size, &options.width, &options.height))
    {
      fprintf (stderr, "ddl synth: --size must be WxH with both in 32-4096, e.g. 240x160\n");
      return 1;
    }
  options.seed = (guint64) seed;
  options.n_train_videos = (guint) videos;
  options.n_test_videos = test_videos > 0 ? (guint) test_videos : (guint) (3 * videos + 3) / 4;
  options.n_frames = (guint) frames;
  options.progress = report_progress;

  if (!ddl_synth_write_dataset (&options, output, &error))
    return ddl_cli_fail ("synth", error);
  if (preview != NULL && !write_preview (&options, preview, &error))
    return ddl_cli_fail ("synth", error);

  /* A short summary of what the label file holds. */
  {
    g_autoptr(DdlSynth) synth = ddl_synth_new (&options);
    guint64 anomalous = 0;
    for (guint v = 0; v < options.n_test_videos; v++)
      {
        g_autoptr(DdlSynthVideo) video = ddl_synth_video_new (synth, DDL_SPLIT_TEST, v);
        for (guint f = 0; f < ddl_synth_video_get_n_frames (video); f++)
          anomalous += ddl_synth_video_get_label (video, f);
        n_frames += ddl_synth_video_get_n_frames (video);
      }
    name = ddl_synth_dataset_name (output);
    printf ("%s: %u training and %u test videos at %ux%u; test frames: %" G_GUINT64_FORMAT
            ", anomalous: %" G_GUINT64_FORMAT " (frame_labels_%s.npy, labels.csv)\n",
            output, options.n_train_videos, options.n_test_videos, options.width, options.height,
            n_frames, anomalous, name);
  }
  return 0;
}
