/* Model configurations: defaults, validation, parameter counts. */
#include <gio/gio.h>
#include "ddl-compute.h"
#include "ddl-model-params.h"

#include <string.h>

void
ddl_model_config_init_default (DdlModelConfig *config)
{
  /* The reference method at a size 2 CPU cores train in minutes: latent 32,
   * 128x128. Three channels (gray replicated) because the reference distinction
   * loss fails to train on one (shared/guides/reference-on-cpu.md). */
  *config = (DdlModelConfig) {
    .arch = DDL_ARCH_C3DSU,
    .latent = 32,
    .channels = 3,
    .temporal = 3,
    .width = 128,
    .height = 128,
    .batch = 10,
    .mode = DDL_MODE_DDL,
    .lr = 1e-2,
    .lambda = 1e-2,
    .static_weight = 0.5,
    .dropout = 0.0,
    .dist = DDL_DIST_REFERENCE,
    .score_sqrt3 = FALSE,
    .patch = 16,
    .epochs = 3,
    .seed = 1,
  };
}

void
ddl_model_config_init_paper (DdlModelConfig *config)
{
  ddl_model_config_init_default (config);
  config->latent = 512;
  config->width = 256;
  config->height = 256;
  config->epochs = 10;
}

gboolean
ddl_model_config_validate (const DdlModelConfig *c, GError **error)
{
  const char *problem = NULL;

  if (c->latent < 8 || c->latent % 8 != 0)
    problem = "the latent size must be a multiple of 8 (widths L/8, L/4, L/2, L)";
  else if (c->channels != 1 && c->channels != 3)
    problem = "channels must be 1 or 3";
  else if (c->temporal % 2 == 0)
    problem = "the temporal window T must be odd";
  else if (c->arch == DDL_ARCH_UNET && c->temporal != 1)
    problem = "the UNet takes single frames (T = 1)";
  else if (c->width < 16 || c->height < 16 || c->width % 16 != 0 || c->height % 16 != 0)
    problem = "width and height must be multiples of 16";
  else if (c->batch < 1)
    problem = "the batch must hold at least one sample";
  else if (!(c->lr > 0))
    problem = "the learning rate must be positive";
  else if (!(c->lambda >= 0))
    problem = "lambda must not be negative";
  else if (!(c->static_weight > 0 && c->static_weight < 1))
    problem = "the static anomaly weight must lie in (0, 1)";
  else if (!(c->dropout >= 0 && c->dropout < 1))
    problem = "dropout must lie in [0, 1)";
  else if (c->patch < 2 || c->patch > 128 || c->patch > MIN (c->width, c->height))
    problem = "the score patch must lie in [2, 128] and fit the frame";
  else if (c->epochs < 1)
    problem = "train for at least one epoch";
  if (problem != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Invalid model configuration: %s",
                   problem);
      return FALSE;
    }
  return TRUE;
}

guint64
ddl_model_config_count_parameters (const DdlModelConfig *config)
{
  g_autoptr(DdlParamTable) table = ddl_param_table_new (config);
  guint64 n = 0;
  for (guint i = 0; i < table->specs->len; i++)
    {
      DdlParamSpec *s = table->specs->pdata[i];
      if (s->kind == DDL_PARAM_CONV_WEIGHT || s->kind == DDL_PARAM_CONV_BIAS
          || s->kind == DDL_PARAM_BN_WEIGHT || s->kind == DDL_PARAM_BN_BIAS)
        n += s->numel;
    }
  return n;
}

const char *
ddl_arch_to_string (DdlArch arch)
{
  return arch == DDL_ARCH_UNET ? "unet" : "c3dsu";
}

const char *
ddl_mode_to_string (DdlMode mode)
{
  switch (mode)
    {
    case DDL_MODE_SDL: return "sdl";
    case DDL_MODE_BASELINE: return "baseline";
    case DDL_MODE_DDL:
    default: return "ddl";
    }
}

gboolean
ddl_arch_from_string (const char *s, DdlArch *arch)
{
  if (g_ascii_strcasecmp (s, "c3dsu") == 0)
    *arch = DDL_ARCH_C3DSU;
  else if (g_ascii_strcasecmp (s, "unet") == 0)
    *arch = DDL_ARCH_UNET;
  else
    return FALSE;
  return TRUE;
}

gboolean
ddl_mode_from_string (const char *s, DdlMode *mode)
{
  if (g_ascii_strcasecmp (s, "ddl") == 0)
    *mode = DDL_MODE_DDL;
  else if (g_ascii_strcasecmp (s, "sdl") == 0)
    *mode = DDL_MODE_SDL;
  else if (g_ascii_strcasecmp (s, "baseline") == 0)
    *mode = DDL_MODE_BASELINE;
  else
    return FALSE;
  return TRUE;
}
