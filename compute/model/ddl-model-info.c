/* A checkpoint's metadata: written by ddl_model_save, parsed here for
 * ddl_model_read_info (header only, no device) and ddl_model_load alike, so there is
 * one reading of every key (ddl-model-meta.h). */
#include "ddl-model-meta.h"

#include <math.h>
#include <string.h>
#include <gio/gio.h>

/* ---- keys ----------------------------------------------------------------------------- */

void
ddl_model_meta_set_uint64 (DdlSafetensors *st, const char *key, guint64 value)
{
  g_autofree char *s = g_strdup_printf ("%" G_GUINT64_FORMAT, value);
  ddl_safetensors_set_metadata (st, key, s);
}

void
ddl_model_meta_set_double (DdlSafetensors *st, const char *key, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  ddl_safetensors_set_metadata (st, key, g_ascii_dtostr (buf, sizeof buf, value));
}

gboolean
ddl_model_meta_get_uint64 (DdlSafetensors *st, const char *key, guint64 *out)
{
  const char *s = ddl_safetensors_get_metadata (st, key);
  return s != NULL && g_ascii_string_to_unsigned (s, 10, 0, G_MAXUINT64, out, NULL);
}

gboolean
ddl_model_meta_get_double (DdlSafetensors *st, const char *key, double *out)
{
  const char *s = ddl_safetensors_get_metadata (st, key);
  char *end = NULL;
  double v;

  if (s == NULL || *s == '\0')
    return FALSE;
  v = g_ascii_strtod (s, &end);
  if (*end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean
meta_get_uint (DdlSafetensors *st, const char *key, guint *out)
{
  guint64 v;
  if (!ddl_model_meta_get_uint64 (st, key, &v) || v > G_MAXUINT)
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

void
ddl_model_meta_write_config (DdlSafetensors *st, const DdlModelConfig *c)
{
  ddl_safetensors_set_metadata (st, DDL_META_FORMAT, DDL_CHECKPOINT_FORMAT);
  ddl_safetensors_set_metadata (st, DDL_META_FORMAT_VERSION, DDL_CHECKPOINT_FORMAT_VERSION);
  ddl_safetensors_set_metadata (st, DDL_META_ARCH, ddl_arch_to_string (c->arch));
  ddl_safetensors_set_metadata (st, DDL_META_MODE, ddl_mode_to_string (c->mode));
  ddl_model_meta_set_uint64 (st, DDL_META_LATENT, c->latent);
  ddl_model_meta_set_uint64 (st, DDL_META_CHANNELS, c->channels);
  ddl_model_meta_set_uint64 (st, DDL_META_TEMPORAL, c->temporal);
  ddl_model_meta_set_uint64 (st, DDL_META_WIDTH, c->width);
  ddl_model_meta_set_uint64 (st, DDL_META_HEIGHT, c->height);
  ddl_model_meta_set_uint64 (st, DDL_META_BATCH, c->batch);
  ddl_model_meta_set_double (st, DDL_META_LR, c->lr);
  ddl_model_meta_set_double (st, DDL_META_LAMBDA, c->lambda);
  ddl_model_meta_set_double (st, DDL_META_STATIC_WEIGHT, c->static_weight);
  ddl_model_meta_set_double (st, DDL_META_DROPOUT, c->dropout);
  ddl_safetensors_set_metadata (st, DDL_META_DIST,
                                c->dist == DDL_DIST_PAPER ? "paper" : "reference");
  ddl_safetensors_set_metadata (st, DDL_META_SCORE_DIVISOR, c->score_sqrt3 ? "sqrt3" : "sqrtC");
  ddl_model_meta_set_uint64 (st, DDL_META_PATCH, c->patch);
  ddl_model_meta_set_uint64 (st, DDL_META_EPOCHS, c->epochs);
  ddl_model_meta_set_uint64 (st, DDL_META_SEED, c->seed);
}

/* ---- reading -------------------------------------------------------------------------- */

const DdlTensorEntry *
ddl_model_find_tensor (DdlSafetensors *st, const char *name)
{
  const DdlTensorEntry *e = ddl_safetensors_find (st, name);
  if (e == NULL)
    {
      g_autofree char *prefixed = g_strconcat ("module.", name, NULL);
      e = ddl_safetensors_find (st, prefixed);
    }
  return e;
}

/* What the weights themselves say: the first conv's input channels, the bottleneck's
 * width and, when the skips are Conv3d, the architecture and T. Any file claiming to
 * be a DDL network must agree with this. */
static gboolean
infer_from_shapes (DdlSafetensors *st, const char *path, DdlModelConfig *c, GError **error)
{
  const DdlTensorEntry *first = ddl_model_find_tensor (st, "encoder.conv_1.convs.0.weight");
  const DdlTensorEntry *latent = ddl_model_find_tensor (st, "encoder.conv_4.conv_last.weight");
  const DdlTensorEntry *skip = ddl_model_find_tensor (st, "conv1.weight");

  if (first == NULL || latent == NULL || first->n_dims != 4 || latent->n_dims != 4)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is not a DDL model: it has no encoder.conv_1.convs.0.weight or "
                   "encoder.conv_4.conv_last.weight of rank 4", path);
      return FALSE;
    }
  c->channels = first->shape[1];
  c->latent = latent->shape[0];
  if (skip != NULL && skip->n_dims == 5)
    {
      c->arch = DDL_ARCH_C3DSU;
      c->temporal = skip->shape[2];
    }
  else
    {
      c->arch = DDL_ARCH_UNET;
      c->temporal = 1;
    }
  return TRUE;
}

/* A stored architecture fact must match the tensors (a mismatch means a damaged or
 * hand-edited file, and the tensors are what would be loaded). */
static gboolean
check_stored (DdlSafetensors *st, const char *path, const char *key, guint from_shapes,
              GError **error)
{
  guint stored;
  if (!meta_get_uint (st, key, &stored) || stored == from_shapes)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "%s: its metadata says %s %u but its tensors have %u", path, key, stored,
               from_shapes);
  return FALSE;
}

/* Our metadata over the shape-derived configuration. A key missing or not a number
 * keeps the value already there; a name that is not ours is an error. */
static gboolean
read_config (DdlSafetensors *st, const char *path, DdlModelConfig *c, GError **error)
{
  const char *s;
  DdlArch arch;

  if ((s = ddl_safetensors_get_metadata (st, DDL_META_ARCH)) != NULL)
    {
      if (!ddl_arch_from_string (s, &arch))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: unknown architecture '%s'", path, s);
          return FALSE;
        }
      if (arch != c->arch)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: its metadata says %s but its tensors are a %s", path,
                       ddl_arch_to_string (arch), ddl_arch_to_string (c->arch));
          return FALSE;
        }
    }
  if (!check_stored (st, path, DDL_META_LATENT, c->latent, error)
      || !check_stored (st, path, DDL_META_CHANNELS, c->channels, error)
      || !check_stored (st, path, DDL_META_TEMPORAL, c->temporal, error))
    return FALSE;
  if ((s = ddl_safetensors_get_metadata (st, DDL_META_MODE)) != NULL
      && !ddl_mode_from_string (s, &c->mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: unknown mode '%s'", path, s);
      return FALSE;
    }
  meta_get_uint (st, DDL_META_WIDTH, &c->width);
  meta_get_uint (st, DDL_META_HEIGHT, &c->height);
  meta_get_uint (st, DDL_META_BATCH, &c->batch);
  ddl_model_meta_get_double (st, DDL_META_LR, &c->lr);
  ddl_model_meta_get_double (st, DDL_META_LAMBDA, &c->lambda);
  ddl_model_meta_get_double (st, DDL_META_STATIC_WEIGHT, &c->static_weight);
  ddl_model_meta_get_double (st, DDL_META_DROPOUT, &c->dropout);
  meta_get_uint (st, DDL_META_PATCH, &c->patch);
  meta_get_uint (st, DDL_META_EPOCHS, &c->epochs);
  ddl_model_meta_get_uint64 (st, DDL_META_SEED, &c->seed);
  c->dist = g_strcmp0 (ddl_safetensors_get_metadata (st, DDL_META_DIST), "paper") == 0
            ? DDL_DIST_PAPER : DDL_DIST_REFERENCE;
  c->score_sqrt3 = g_strcmp0 (ddl_safetensors_get_metadata (st, DDL_META_SCORE_DIVISOR),
                              "sqrt3") == 0;
  return TRUE;
}

gboolean
ddl_model_info_from_safetensors (DdlSafetensors *st, const char *path,
                                 const DdlModelConfig *fallback, DdlModelInfo *info,
                                 GError **error)
{
  DdlModelConfig *c = &info->config;
  const char *fingerprint;

  memset (info, 0, sizeof *info);
  info->sigma = NAN;
  if (fallback != NULL)
    *c = *fallback;
  else
    ddl_model_config_init_default (c);
  if (!infer_from_shapes (st, path, c, error))
    return FALSE;
  info->has_metadata = g_strcmp0 (ddl_safetensors_get_metadata (st, DDL_META_FORMAT),
                                  DDL_CHECKPOINT_FORMAT) == 0;
  if (!info->has_metadata)
    {
      /* A reference state_dict: the input size is the reference default unless the
       * caller says otherwise. */
      if (fallback == NULL)
        c->width = c->height = 256;
    }
  else
    {
      if (!read_config (st, path, c, error))
        return FALSE;
      meta_get_uint (st, DDL_META_EPOCH, &info->epoch);
      ddl_model_meta_get_uint64 (st, DDL_META_STEP, &info->step);
      ddl_model_meta_get_uint64 (st, DDL_META_SKIPPED, &info->skipped);
      ddl_model_meta_get_double (st, DDL_META_SIGMA, &info->sigma);
    }
  if (!ddl_model_config_validate (c, error))
    {
      g_prefix_error (error, "%s: ", path);
      return FALSE;
    }
  fingerprint = ddl_safetensors_get_metadata (st, DDL_META_FINGERPRINT);
  if (info->has_metadata && fingerprint != NULL && *fingerprint != '\0')
    info->fingerprint = g_strdup (fingerprint);
  return TRUE;
}

/* A reference state_dict rarely holds l (the reference keeps it in a module of its
 * own), but when it does, sigma(l) is known: 4 bytes read from the file. */
static gboolean
read_reference_sigma (DdlSafetensors *st, double *sigma, GError **error)
{
  const DdlTensorEntry *e = ddl_model_find_tensor (st, DDL_ANOMALY_WEIGHT_TENSOR);
  float l;

  if (e == NULL || e->dtype != DDL_DTYPE_F32 || e->n_bytes != sizeof l)
    return TRUE;
  if (!ddl_safetensors_read (st, e, &l, error))
    return FALSE;
  *sigma = 1.0 / (1.0 + exp (-(double) l));
  return TRUE;
}

gboolean
ddl_model_read_info (const char *path, DdlModelInfo *info, GError **error)
{
  g_autoptr(DdlSafetensors) st = NULL;
  DdlModelInfo found;

  g_return_val_if_fail (path != NULL && info != NULL, FALSE);
  st = ddl_safetensors_load_header (path, DDL_MODEL_INFO_MAX_HEADER, error);
  if (st == NULL || !ddl_model_info_from_safetensors (st, path, NULL, &found, error))
    return FALSE;
  if (!found.has_metadata && !read_reference_sigma (st, &found.sigma, error))
    {
      ddl_model_info_clear (&found);
      return FALSE;
    }
  *info = found;
  return TRUE;
}

void
ddl_model_info_clear (DdlModelInfo *info)
{
  g_clear_pointer (&info->fingerprint, g_free);
}
