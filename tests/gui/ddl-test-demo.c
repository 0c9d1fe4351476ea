/* Test fixture: the demo footage and its stand-in scores (see ddl-test-demo.h). */
#include "ddl-test-demo.h"
#include "ddl-scores.h"

#include <math.h>

/* A small deterministic generator, independent of GLib's, so the file never changes. */
static double
noise (guint64 *state)
{
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return ((*state >> 11) & ((1ULL << 53) - 1)) / (double) (1ULL << 53);
}

gboolean
ddl_demo_write (const DdlSynthOptions *options, const char *dir, GError **error)
{
  g_autoptr(DdlSynth) synth = NULL;
  g_autoptr(DdlScores) scores = NULL;
  static const char *columns[] = { "demo", NULL };
  g_autofree char *path = NULL;

  if (!ddl_synth_write_dataset (options, dir, error))
    return FALSE;
  synth = ddl_synth_new (options);
  scores = ddl_scores_new (columns);
  for (guint v = 0; v < options->n_test_videos; v++)
    {
      g_autoptr(DdlSynthVideo) video = ddl_synth_video_new (synth, DDL_SPLIT_TEST, v);
      guint n = ddl_synth_video_get_n_frames (video);
      g_autofree guint *frames = g_new (guint, MAX (n, 3));
      g_autofree double *values = g_new (double, MAX (n, 3));
      guint64 state = options->seed * 1000003u + v;
      double drift = 0, level = 0;
      guint m = 0;

      for (guint f = 0; f < n; f++)
        {
          guint n_objects;
          const DdlSynthObject *objects = ddl_synth_video_get_objects (video, f, &n_objects);
          double anomaly = 0, crowd = 0;
          for (guint i = 0; i < n_objects; i++)
            {
              double area = (objects[i].box[2] - objects[i].box[0])
                            * (objects[i].box[3] - objects[i].box[1]);
              if (objects[i].anomalous)
                anomaly = MAX (anomaly, MIN (1.0, 0.35 + 12 * area));
              else
                crowd += area;
            }
          /* The response rises and falls over a few frames, as a clip model's does. */
          level = 0.6 * level + 0.4 * anomaly;
          drift = 0.95 * drift + 0.05 * (noise (&state) - 0.5);
          if (f == 0 || f + 1 == n)
            continue;
          frames[m] = f;
          /* Crowds and passing noise make false alarms; small anomalies score low. */
          values[m] = 0.22 + 0.35 * level + 1.2 * MIN (crowd, 0.2) + 2.5 * drift
                      + 0.12 * (noise (&state) - 0.5);
          m++;
        }
      /* The synthetic dataset names its videos 01, 02, ... */
      g_autofree char *name = g_strdup_printf ("%02u", v + 1);
      ddl_scores_add_video (scores, name, m, frames, values);
    }
  path = g_build_filename (dir, "scores-demo.csv", NULL);
  return ddl_scores_save_csv (scores, path, error);
}
