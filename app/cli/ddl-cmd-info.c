/* ddl info: what a checkpoint holds. */
#include "ddl-cli.h"
#include "ddl-compute.h"

#include <stdio.h>

int
ddl_cmd_info (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *device = NULL;
  GOptionEntry entries[] = {
    { "device", 'd', 0, G_OPTION_ARG_STRING, &device,
      "Vulkan device: auto, gpu, cpu, INDEX or part of a name", "SPEC" },
    { NULL }
  };

  if (!ddl_cli_parse ("info", "MODEL", "Print a checkpoint's configuration, mode, sigma(l), "
                      "epochs and parameter count.", entries, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      fprintf (stderr, "ddl info: give one MODEL (see 'ddl info --help')\n");
      return 2;
    }
  DdlEngineOptions eo = { device, FALSE };
  g_autoptr(DdlEngine) engine = ddl_engine_new (&eo, &error);
  if (engine == NULL)
    return ddl_cli_fail ("info", error);
  g_autoptr(DdlModel) model = ddl_model_load (engine, argv[1], NULL, &error);
  if (model == NULL)
    return ddl_cli_fail ("info", error);
  const DdlModelConfig *c = ddl_model_get_config (model);
  printf ("model        %s\n", argv[1]);
  printf ("architecture %s\n", c->arch == DDL_ARCH_C3DSU ? "Conv3dSkipUNet (c3dsu)" : "UNet");
  printf ("mode         %s\n", ddl_mode_to_string (c->mode));
  printf ("latent       %u\n", c->latent);
  printf ("input        %ux%u, %u channel%s, T = %u\n", c->width, c->height, c->channels,
          c->channels == 1 ? "" : "s", c->temporal);
  printf ("parameters   %" G_GUINT64_FORMAT "\n", ddl_model_config_count_parameters (c));
  printf ("sigma(l)     %.6f\n", ddl_model_get_anomaly_weight (model));
  printf ("epochs       %u of %u\n", ddl_model_get_epoch (model), c->epochs);
  printf ("steps        %" G_GUINT64_FORMAT "\n", ddl_model_get_step (model));
  printf ("training     batch %u, lr %g (now %g), lambda %g, static weight %g, dropout %g, "
          "seed %" G_GUINT64_FORMAT "\n", c->batch, c->lr, ddl_model_get_learning_rate (model),
          c->lambda, c->static_weight, c->dropout, c->seed);
  printf ("distinction  %s\n", c->dist == DDL_DIST_PAPER ? "paper (ratio of norms)"
                                                          : "reference (mean of per-pixel ratios)");
  printf ("scoring      %ux%u patches, error / %s\n", c->patch, c->patch,
          c->score_sqrt3 ? "sqrt(3)" : "sqrt(C)");
  printf ("dataset      %s\n", *ddl_model_get_fingerprint (model)
                                 ? ddl_model_get_fingerprint (model) : "(unknown)");
  return 0;
}
