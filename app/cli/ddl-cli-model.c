/* Model options shared by `ddl train` and `ddl bench`. */
#include "ddl-cli-model.h"

#include <math.h>
#include <stdio.h>
#include <gio/gio.h>

void
ddl_cli_model_args_init (DdlCliModelArgs *a)
{
  *a = (DdlCliModelArgs) {
    .latent = -1, .channels = -1, .temporal = -1, .batch = -1, .epochs = -1, .patch = -1,
    .lr = NAN, .lambda = NAN, .static_weight = NAN, .dropout = NAN, .seed = -1,
  };
}

void
ddl_cli_model_args_clear (DdlCliModelArgs *a)
{
  g_free (a->model);
  g_free (a->mode);
  g_free (a->size);
  g_free (a->dist);
}

GOptionEntry *
ddl_cli_model_entries (DdlCliModelArgs *a, gboolean training)
{
  GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_STRING, &a->model, "Architecture: c3dsu (default) or unet",
      "c3dsu|unet" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &a->mode, "Training mode (default ddl)",
      "ddl|sdl|baseline" },
    { "latent", 0, 0, G_OPTION_ARG_INT, &a->latent, "Latent size L (default 32; paper 512)", "N" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &a->size,
      "Model input size, multiples of 16 (default 128x128; paper 256x256)", "WxH" },
    { "channels", 0, 0, G_OPTION_ARG_INT, &a->channels,
      "1 (gray) or 3 (default; gray footage is replicated)", "1|3" },
    { "temporal", 0, 0, G_OPTION_ARG_INT, &a->temporal, "Frames per clip T, odd (default 3)", "T" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &a->batch, "Batch size (default 10)", "B" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &a->epochs, "Epochs (default 3)", "E" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &a->lr, "Adam learning rate (default 0.01)", "LR" },
    { "lambda", 0, 0, G_OPTION_ARG_DOUBLE, &a->lambda, "Weight of L_dist (default 0.01)", "L" },
    { "static-weight", 0, 0, G_OPTION_ARG_DOUBLE, &a->static_weight,
      "SDL's fixed anomaly weight (default 0.5)", "W" },
    { "dropout", 0, 0, G_OPTION_ARG_DOUBLE, &a->dropout, "Dropout in every block (default 0)",
      "P" },
    { "dist", 0, 0, G_OPTION_ARG_STRING, &a->dist,
      "Distinction loss: reference (mean of per-pixel ratios, default) or paper (ratio of norms)",
      "reference|paper" },
    { "patch", 0, 0, G_OPTION_ARG_INT, &a->patch, "Score patch size (default 16)", "P" },
    { "sqrt3", 0, 0, G_OPTION_ARG_NONE, &a->sqrt3,
      "Divide error maps by sqrt(3) whatever the channels, as the reference test code", NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &a->seed, "Seed (default 1)", "S" },
    { NULL }
  };
  if (!training)
    entries[7] = (GOptionEntry) { NULL };  /* bench: no --epochs and after */
  return g_memdup2 (entries, sizeof entries);
}

gboolean
ddl_cli_model_apply (const DdlCliModelArgs *a, DdlModelConfig *c, GError **error)
{
  if (a->model != NULL && !ddl_arch_from_string (a->model, &c->arch))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Unknown --model '%s' (c3dsu or unet)", a->model);
      return FALSE;
    }
  if (a->mode != NULL && !ddl_mode_from_string (a->mode, &c->mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Unknown --mode '%s' (ddl, sdl or baseline)", a->mode);
      return FALSE;
    }
  if (c->arch == DDL_ARCH_UNET)
    c->temporal = 1;
  if (a->size != NULL)
    {
      guint w, h;
      char extra;
      if (sscanf (a->size, "%ux%u%c", &w, &h, &extra) != 2)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "--size must look like 128x128, not '%s'", a->size);
          return FALSE;
        }
      c->width = w;
      c->height = h;
    }
  if (a->dist != NULL)
    {
      if (g_str_equal (a->dist, "paper"))
        c->dist = DDL_DIST_PAPER;
      else if (g_str_equal (a->dist, "reference"))
        c->dist = DDL_DIST_REFERENCE;
      else
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Unknown --dist '%s' (reference or paper)", a->dist);
          return FALSE;
        }
    }
  if (a->latent >= 0) c->latent = a->latent;
  if (a->channels >= 0) c->channels = a->channels;
  if (a->temporal >= 0) c->temporal = a->temporal;
  if (a->batch >= 0) c->batch = a->batch;
  if (a->epochs >= 0) c->epochs = a->epochs;
  if (a->patch >= 0) c->patch = a->patch;
  if (!isnan (a->lr)) c->lr = a->lr;
  if (!isnan (a->lambda)) c->lambda = a->lambda;
  if (!isnan (a->static_weight)) c->static_weight = a->static_weight;
  if (!isnan (a->dropout)) c->dropout = a->dropout;
  if (a->seed >= 0) c->seed = a->seed;
  if (a->sqrt3) c->score_sqrt3 = TRUE;
  return ddl_model_config_validate (c, error);
}
