/* ddl train: train a baseline, SDL or DDL model on a dataset's training split. */
#include "ddl-cli.h"
#include "ddl-cli-model.h"
#include "ddl-trainer.h"

#include <stdio.h>
#include <unistd.h>

static gboolean
report (const DdlTrainProgress *p, gpointer user_data)
{
  gboolean *tty = user_data;
  fprintf (stderr, "%sepoch %u/%u  step %u/%u  L_recon %.5f  L_dist %.4f  total %.5f  "
           "sigma %.4f  lr %.2g  %.0fs left%s",
           *tty ? "\r" : "", p->epoch + 1, p->epochs, p->step_in_epoch, p->steps_per_epoch,
           p->stats.recon, p->stats.dist, p->stats.total, p->stats.sigma, p->lr, p->seconds_left,
           p->stats.skipped ? "  (skipped: no track)" : "");
  if (!*tty || p->step_in_epoch == p->steps_per_epoch)
    fputc ('\n', stderr);
  return TRUE;
}

int
ddl_cmd_train (int argc, char **argv)
{
  g_autofree char *output = NULL, *boxes = NULL, *device = NULL, *resume = NULL, *log = NULL;
  g_autoptr(GError) error = NULL;
  DdlCliModelArgs margs;
  DdlTrainOptions options;
  DdlTrainSummary summary;
  gboolean tty = isatty (fileno (stderr));
  int status;

  ddl_cli_model_args_init (&margs);
  g_autofree GOptionEntry *model_entries = ddl_cli_model_entries (&margs, TRUE);
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Checkpoint to write (safetensors)",
      "MODEL" },
    { "boxes", 0, 0, G_OPTION_ARG_FILENAME, &boxes,
      "Object tracks (default: the training split's tracked_bounding_boxes.json)", "FILE" },
    { "resume", 0, 0, G_OPTION_ARG_FILENAME, &resume, "Continue from a checkpoint", "MODEL" },
    { "log", 0, 0, G_OPTION_ARG_FILENAME, &log,
      "Write per-step L_recon, L_dist, total and sigma(l) as CSV", "LOSSES.csv" },
    { "device", 'd', 0, G_OPTION_ARG_STRING, &device,
      "Vulkan device: auto, gpu, cpu, INDEX or part of a name", "SPEC" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("DATASET -o MODEL.safetensors");
  g_option_context_set_summary (context,
      "Train a reconstruction model with Dynamic Distinction Learning (ddl), a static anomaly\n"
      "weight (sdl) or no pseudo anomalies (baseline) on DATASET's training split.\n"
      "A checkpoint is written after every epoch; --resume continues one.");
  g_option_context_add_main_entries (context, entries, NULL);
  GOptionGroup *group = g_option_group_new ("model", "Model and training options:",
                                            "Show model and training options", NULL, NULL);
  g_option_group_add_entries (group, model_entries);
  g_option_context_add_group (context, group);
  g_option_context_set_help_enabled (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "ddl train: %s\n", error->message);
      ddl_cli_model_args_clear (&margs);
      return 2;
    }
  if (argc != 2 || output == NULL)
    {
      fprintf (stderr, "ddl train: give one DATASET and -o MODEL.safetensors "
                       "(see 'ddl train --help')\n");
      ddl_cli_model_args_clear (&margs);
      return 2;
    }
  ddl_train_options_init (&options);
  if (!ddl_cli_model_apply (&margs, &options.config, &error))
    {
      ddl_cli_model_args_clear (&margs);
      return ddl_cli_fail ("train", error);
    }
  options.dataset = argv[1];
  options.boxes = boxes;
  options.output = output;
  options.resume = resume;
  options.log = log;
  options.device = device;
  options.progress = report;
  options.user_data = &tty;
  const DdlModelConfig *c = &options.config;
  fprintf (stderr, "ddl train: %s %s, latent %u, %ux%u, %u channel%s, T %u, batch %u, %u epochs, "
           "lr %g, lambda %g\n", ddl_arch_to_string (c->arch), ddl_mode_to_string (c->mode),
           c->latent, c->width, c->height, c->channels, c->channels == 1 ? "" : "s", c->temporal,
           c->batch, c->epochs, c->lr, c->lambda);
  status = ddl_train_run (&options, &summary, &error) ? 0 : 1;
  ddl_cli_model_args_clear (&margs);
  if (status != 0)
    return ddl_cli_fail ("train", error);
  fprintf (stderr, "ddl train: %" G_GUINT64_FORMAT " steps in %.0f s (%" G_GUINT64_FORMAT
           " batches skipped without a track; %u windows per epoch, %.1f %% with a track), "
           "final sigma(l) %.4f, written to %s\n", summary.steps, summary.seconds, summary.skipped,
           summary.windows, 100 * summary.window_coverage, summary.sigma, output);
  return 0;
}
