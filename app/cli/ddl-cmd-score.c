/* ddl score: per-frame anomaly scores of a dataset's test split or a video. */
#include "ddl-cli.h"
#include "ddl-compute.h"
#include "ddl-scorer.h"

#include <stdio.h>
#include <unistd.h>

static gboolean
report (guint video, guint n_videos, guint done, guint total, gpointer user_data)
{
  gboolean *tty = user_data;
  fprintf (stderr, "%sscored %u/%u frames (video %u/%u)%s", *tty ? "\r" : "", done, total,
           video + 1, n_videos, *tty ? "" : "\n");
  return TRUE;
}

int
ddl_cmd_score (int argc, char **argv)
{
  g_autofree char *output = NULL, *maps = NULL, *device = NULL;
  g_autoptr(GError) error = NULL;
  gboolean tty = isatty (fileno (stderr));
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Scores CSV to write (video,frame,score)", "SCORES.csv" },
    { "maps", 0, 0, G_OPTION_ARG_FILENAME, &maps,
      "Also keep per-video error maps and reconstructions (uint8 .npy) in DIR", "DIR" },
    { "device", 'd', 0, G_OPTION_ARG_STRING, &device,
      "Vulkan device: auto, gpu, cpu, INDEX or part of a name", "SPEC" },
    { NULL }
  };

  if (!ddl_cli_parse ("score", "MODEL DATASET|VIDEO -o SCORES.csv",
                      "Score every frame with a trained model: the maximum over 16x16 patches\n"
                      "(outer grid and the grid offset by 8) of the per-pixel reconstruction\n"
                      "error. The first and last (T-1)/2 frames of each video get no score.\n"
                      "With a dataset the test split is scored.", entries, &argc, &argv))
    return 2;
  if (argc != 3 || output == NULL)
    {
      fprintf (stderr, "ddl score: give MODEL, DATASET or VIDEO and -o SCORES.csv "
                       "(see 'ddl score --help')\n");
      return 2;
    }
  DdlEngineOptions eo = { device, FALSE };
  g_autoptr(DdlEngine) engine = ddl_engine_new (&eo, &error);
  if (engine == NULL)
    return ddl_cli_fail ("score", error);
  g_autoptr(DdlModel) model = ddl_model_load (engine, argv[1], NULL, &error);
  if (model == NULL)
    return ddl_cli_fail ("score", error);
  DdlScoreOptions options = { argv[2], output, maps, report, &tty, NULL };
  DdlScoreSummary summary;
  if (!ddl_score_run (model, &options, &summary, &error))
    {
      if (tty)
        fputc ('\n', stderr);
      return ddl_cli_fail ("score", error);
    }
  fprintf (stderr, "%sddl score: %u frames of %u videos in %.1f s (%.1f frames/s), written to %s\n",
           tty ? "\n" : "", summary.frames, summary.videos, summary.seconds,
           summary.frames / MAX (summary.seconds, 1e-9), output);
  return 0;
}
