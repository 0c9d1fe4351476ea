/* ddl_model_read_info: a checkpoint's configuration and training state from its header
 * alone. A checkpoint written by ddl_model_save reads back exactly (this case needs a
 * device); every other case builds its files on the host: our format, reference
 * state_dicts (with and without l, with PyTorch's {"format": "pt"}), and broken files,
 * each error naming the file. */
#include "ddl-test-util.h"
#include "ddl-model-meta.h"
#include "ddl-model-params.h"
#include "ddl-safetensors.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

static char *
tmp_path (const char *name)
{
  static char *dir;
  if (dir == NULL)
    dir = g_dir_make_tmp ("ddl-test-model-info-XXXXXX", NULL);
  return g_build_filename (dir, name, NULL);
}

/* Every field, exactly: doubles are written so that they read back bit for bit. */
static void
assert_config_equal (const DdlModelConfig *got, const DdlModelConfig *want)
{
  g_assert_cmpint (got->arch, ==, want->arch);
  g_assert_cmpuint (got->latent, ==, want->latent);
  g_assert_cmpuint (got->channels, ==, want->channels);
  g_assert_cmpuint (got->temporal, ==, want->temporal);
  g_assert_cmpuint (got->width, ==, want->width);
  g_assert_cmpuint (got->height, ==, want->height);
  g_assert_cmpuint (got->batch, ==, want->batch);
  g_assert_cmpint (got->mode, ==, want->mode);
  g_assert_cmpfloat (got->lr, ==, want->lr);
  g_assert_cmpfloat (got->lambda, ==, want->lambda);
  g_assert_cmpfloat (got->static_weight, ==, want->static_weight);
  g_assert_cmpfloat (got->dropout, ==, want->dropout);
  g_assert_cmpint (got->dist, ==, want->dist);
  g_assert_cmpint (got->score_sqrt3, ==, want->score_sqrt3);
  g_assert_cmpuint (got->patch, ==, want->patch);
  g_assert_cmpuint (got->epochs, ==, want->epochs);
  g_assert_cmpuint (got->seed, ==, want->seed);
}

/* Settings away from every default, so that a key the reader skipped would show. */
static void
odd_config (DdlModelConfig *c, DdlArch arch, DdlMode mode)
{
  ddl_model_config_init_default (c);
  c->arch = arch;
  c->mode = mode;
  c->latent = 8;
  c->channels = arch == DDL_ARCH_UNET ? 1 : 3;
  c->temporal = arch == DDL_ARCH_UNET ? 1 : 3;
  c->width = 32;
  c->height = 48;
  c->batch = 2;
  c->lr = 3.0e-4 / 7;
  c->lambda = 0.1 / 3;
  c->static_weight = 0.3;
  c->dropout = 0.125;
  c->dist = DDL_DIST_PAPER;
  c->score_sqrt3 = !c->score_sqrt3;
  c->patch = 8;
  c->epochs = 7;
  c->seed = G_GUINT64_CONSTANT (0x1234567890abcdef);   /* needs all 64 bits */
}

/* A checkpoint on the host: the network's tensors (zeros, l = `l`), under "module."
 * when `prefix`, and our metadata only when `ours`; `edit` then changes metadata. */
static char *
write_file (const char *name, const DdlModelConfig *c, gboolean ours, gboolean prefix,
            gboolean with_l, float l, const char * const *edit)
{
  g_autoptr(DdlParamTable) table = ddl_param_table_new (c);
  g_autoptr(DdlSafetensors) st = ddl_safetensors_new ();
  g_autoptr(GError) error = NULL;
  char *path = tmp_path (name);

  for (guint i = 0; i < table->specs->len; i++)
    {
      DdlParamSpec *s = table->specs->pdata[i];
      g_autofree char *full = g_strconcat (prefix ? "module." : "", s->name, NULL);
      gboolean counter = s->kind == DDL_PARAM_BN_NUM_BATCHES;
      g_autofree guint8 *zeros = g_malloc0 (MAX (s->numel, 1) * 8);
      if (s->kind == DDL_PARAM_ANOMALY_WEIGHT)
        {
          if (with_l)
            ddl_safetensors_add (st, full, DDL_DTYPE_F32, s->n_dims, s->shape, &l);
          continue;
        }
      ddl_safetensors_add (st, full, counter ? DDL_DTYPE_I64 : DDL_DTYPE_F32, s->n_dims,
                           s->shape, zeros);
    }
  if (ours)
    {
      ddl_model_meta_write_config (st, c);
      ddl_model_meta_set_uint64 (st, DDL_META_EPOCH, 4);
      ddl_model_meta_set_uint64 (st, DDL_META_STEP, G_GUINT64_CONSTANT (5000000000));
      ddl_model_meta_set_uint64 (st, DDL_META_SKIPPED, 3);
      ddl_model_meta_set_double (st, DDL_META_SIGMA, 0.1 / 7);
      ddl_safetensors_set_metadata (st, DDL_META_FINGERPRINT, "split-7f3a");
    }
  else
    ddl_safetensors_set_metadata (st, "format", "pt");   /* what PyTorch's save_file adds */
  for (guint i = 0; edit != NULL && edit[i] != NULL; i += 2)
    ddl_safetensors_set_metadata (st, edit[i], edit[i + 1]);
  g_assert_true (ddl_safetensors_save (st, path, &error));
  g_assert_no_error (error);
  return path;
}

/* read_info fails on `path` with a message that names it and contains `what`. */
static void
assert_fails (const char *path, const char *what)
{
  g_autoptr(GError) error = NULL;
  DdlModelInfo info;

  memset (&info, 0x5a, sizeof info);
  g_assert_false (ddl_model_read_info (path, &info, &error));
  g_assert_nonnull (error);
  if (strstr (error->message, path) == NULL || strstr (error->message, what) == NULL)
    g_error ("expected an error naming %s and saying '%s', got: %s", path, what, error->message);
  g_assert_cmpuint (info.epoch, ==, 0x5a5a5a5a);   /* untouched on failure */
}

static void
write_bytes (const char *path, const void *data, gsize n)
{
  g_assert_true (g_file_set_contents (path, data, n, NULL));
}

/* The 8-byte little-endian length of `json`, then `json`. */
static void
write_header (const char *path, const char *json)
{
  gsize n = strlen (json);
  g_autofree guint8 *buf = g_malloc (8 + n);
  for (int i = 0; i < 8; i++)
    buf[i] = (guint8) ((guint64) n >> (8 * i));
  memcpy (buf + 8, json, n);
  write_bytes (path, buf, 8 + n);
}

/* ---- cases ---------------------------------------------------------------------------- */

/* ddl_model_save, then the header reader: the trained step, the skipped batch, sigma(l)
 * after a step, epoch, fingerprint and the whole configuration, for each mode and both
 * architectures; and the same values as ddl_model_load gives. */
static void
test_round_trip (void)
{
  DdlEngine *engine = ddl_test_engine ();
  struct { DdlArch arch; DdlMode mode; gboolean train; } cases[] = {
    { DDL_ARCH_C3DSU, DDL_MODE_DDL, TRUE },
    { DDL_ARCH_UNET, DDL_MODE_SDL, FALSE },
    { DDL_ARCH_C3DSU, DDL_MODE_BASELINE, FALSE },
  };

  if (engine == NULL)
    return;
  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(DdlModelInfo) info = { 0 };
      g_autofree char *path = tmp_path ("saved.safetensors");
      DdlModelConfig c;

      odd_config (&c, cases[k].arch, cases[k].mode);
      g_autoptr(DdlModel) model = ddl_model_new (engine, &c, &error);
      g_assert_no_error (error);
      if (cases[k].train)
        {
          gsize hw = (gsize) c.width * c.height;
          gsize n = (gsize) c.batch * c.channels * c.temporal * hw;
          g_autofree float *clips = g_new (float, n);
          g_autofree float *masks = g_new0 (float, (gsize) c.batch * c.temporal * hw);
          DdlStepStats stats;
          ddl_test_random (clips, n, 11, 0.1f, 0.9f);
          /* all masks empty: skipped, as the reference skips it */
          g_assert_true (ddl_model_train_step (model, clips, masks, &stats, &error));
          g_assert_true (stats.skipped);
          for (gsize i = 0; i < (gsize) c.batch * c.temporal * hw; i++)
            {
              gsize y = i % hw / c.width, x = i % c.width;   /* a 16x20 box in every frame */
              masks[i] = y >= 4 && y < 24 && x >= 4 && x < 20;
            }
          g_assert_true (ddl_model_train_step (model, clips, masks, &stats, &error));
          g_assert_false (stats.skipped);
          g_assert_no_error (error);
        }
      ddl_model_set_epoch (model, 3);
      ddl_model_set_fingerprint (model, "train-split-0123abcd");
      g_assert_true (ddl_model_save (model, path, &error));

      g_assert_true (ddl_model_read_info (path, &info, &error));
      g_assert_no_error (error);
      g_assert_true (info.has_metadata);
      assert_config_equal (&info.config, &c);
      g_assert_cmpuint (info.epoch, ==, 3);
      g_assert_cmpuint (info.step, ==, cases[k].train ? 1 : 0);
      g_assert_cmpuint (info.skipped, ==, cases[k].train ? 1 : 0);
      g_assert_cmpstr (info.fingerprint, ==, "train-split-0123abcd");
      double sigma = ddl_model_get_anomaly_weight (model);
      g_assert_cmpfloat (info.sigma, ==, sigma);
      if (cases[k].mode == DDL_MODE_SDL)
        g_assert_cmpfloat (sigma, ==, 0.3);
      else if (cases[k].mode == DDL_MODE_BASELINE)
        g_assert_cmpfloat (sigma, ==, 0.0);
      else
        g_assert_cmpfloat (fabs (sigma - 0.5), >, 1e-7);   /* l moved in the step */

      g_autoptr(DdlModel) loaded = ddl_model_load (engine, path, NULL, &error);
      g_assert_no_error (error);
      assert_config_equal (ddl_model_get_config (loaded), &info.config);
      g_assert_cmpuint (ddl_model_get_step (loaded), ==, info.step);
      g_assert_cmpuint (ddl_model_get_skipped (loaded), ==, info.skipped);
      g_assert_cmpuint (ddl_model_get_epoch (loaded), ==, info.epoch);
      g_assert_cmpstr (ddl_model_get_fingerprint (loaded), ==, info.fingerprint);
    }

  /* An unknown training split is written as "" and read as NULL. */
  {
    g_autoptr(GError) error = NULL;
    g_auto(DdlModelInfo) info = { 0 };
    g_autofree char *path = tmp_path ("unknown-split.safetensors");
    DdlModelConfig c;
    odd_config (&c, DDL_ARCH_UNET, DDL_MODE_DDL);
    g_autoptr(DdlModel) model = ddl_model_new (engine, &c, &error);
    g_assert_true (ddl_model_save (model, path, &error));
    g_assert_true (ddl_model_read_info (path, &info, &error));
    g_assert_null (info.fingerprint);
    g_assert_cmpfloat (info.sigma, ==, 0.5);
  }
}

/* The same file written on the host: every key read back exactly, no device needed. */
static void
test_host_written (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(DdlModelInfo) info = { 0 };
  DdlModelConfig c;

  odd_config (&c, DDL_ARCH_C3DSU, DDL_MODE_SDL);
  g_autofree char *path = write_file ("host.safetensors", &c, TRUE, FALSE, TRUE, 0, NULL);
  g_assert_true (ddl_model_read_info (path, &info, &error));
  g_assert_no_error (error);
  g_assert_true (info.has_metadata);
  assert_config_equal (&info.config, &c);
  g_assert_cmpuint (info.epoch, ==, 4);
  g_assert_cmpuint (info.step, ==, G_GUINT64_CONSTANT (5000000000));
  g_assert_cmpuint (info.skipped, ==, 3);
  g_assert_cmpfloat (info.sigma, ==, 0.1 / 7);
  g_assert_cmpstr (info.fingerprint, ==, "split-7f3a");
  ddl_model_info_clear (&info);
  g_assert_null (info.fingerprint);
  ddl_model_info_clear (&info);   /* twice is harmless */
}

/* A reference state_dict: what the shapes tell, the reference's 256x256, defaults for
 * the rest; sigma unknown unless the file holds l. */
static void
test_reference (void)
{
  DdlModelConfig c, defaults;

  ddl_model_config_init_default (&defaults);
  for (guint k = 0; k < 3; k++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(DdlModelInfo) info = { 0 };
      gboolean unet = k == 1, with_l = k == 2;
      g_autofree char *name = g_strdup_printf ("reference-%u.safetensors", k);

      ddl_model_config_init_default (&c);
      c.arch = unet ? DDL_ARCH_UNET : DDL_ARCH_C3DSU;
      c.temporal = unet ? 1 : 5;
      c.channels = unet ? 1 : 3;
      c.latent = 24;
      g_autofree char *path = write_file (name, &c, FALSE, k != 1, with_l, 1.0f, NULL);
      g_assert_true (ddl_model_read_info (path, &info, &error));
      g_assert_no_error (error);
      g_assert_false (info.has_metadata);
      g_assert_cmpint (info.config.arch, ==, c.arch);
      g_assert_cmpuint (info.config.latent, ==, 24);
      g_assert_cmpuint (info.config.channels, ==, c.channels);
      g_assert_cmpuint (info.config.temporal, ==, c.temporal);
      g_assert_cmpuint (info.config.width, ==, 256);
      g_assert_cmpuint (info.config.height, ==, 256);
      g_assert_cmpint (info.config.mode, ==, defaults.mode);
      g_assert_cmpuint (info.config.batch, ==, defaults.batch);
      g_assert_cmpuint (info.epoch, ==, 0);
      g_assert_cmpuint (info.step, ==, 0);
      g_assert_null (info.fingerprint);
      if (with_l)
        g_assert_cmpfloat (fabs (info.sigma - 1.0 / (1.0 + exp (-1.0))), <, 1e-12);
      else
        g_assert_true (isnan (info.sigma));
    }
}

/* Truncated anywhere: in the length, in the header, in the data. */
static void
test_truncated (void)
{
  DdlModelConfig c;
  g_autofree char *contents = NULL;
  gsize length;
  guint64 header_len = 0;

  odd_config (&c, DDL_ARCH_C3DSU, DDL_MODE_DDL);
  g_autofree char *good = write_file ("whole.safetensors", &c, TRUE, FALSE, TRUE, 0, NULL);
  g_autofree char *cut = tmp_path ("cut.safetensors");
  g_assert_true (g_file_get_contents (good, &contents, &length, NULL));
  for (int i = 0; i < 8; i++)
    header_len |= (guint64) (guint8) contents[i] << (8 * i);
  g_assert_cmpuint (length, >, 8 + header_len + 100);

  write_bytes (cut, contents, 0);
  assert_fails (cut, "truncated");
  write_bytes (cut, contents, 5);
  assert_fails (cut, "truncated");
  write_bytes (cut, contents, 8 + header_len / 2);
  assert_fails (cut, "truncated");
  write_bytes (cut, contents, 8 + header_len);            /* header whole, no data */
  assert_fails (cut, "truncated");
  write_bytes (cut, contents, length - 1);                /* one byte short */
  assert_fails (cut, "truncated");
  assert_fails ("/nonexistent/dir/model.safetensors", "No such file");
}

/* Not safetensors at all, or a header that is not what it should be. */
static void
test_garbage (void)
{
  g_autofree char *path = tmp_path ("garbage.safetensors");
  const char text[] = "not a checkpoint at all";

  write_bytes (path, text, strlen (text));
  assert_fails (path, "not a valid safetensors file");
  write_header (path, "{\"a\": [1, 2,,,}");
  assert_fails (path, "bad JSON header");
  write_header (path, "[1, 2]");
  assert_fails (path, "not a JSON object");
  write_header (path, "{\"__metadata__\": [\"format\"]}");
  assert_fails (path, "__metadata__ is not an object");
  write_header (path, "{\"w\": {\"dtype\": \"F32\", \"shape\": [2]}}");
  assert_fails (path, "lacks dtype, shape or data_offsets");
  write_header (path, "{}");                            /* valid, but no tensors */
  assert_fails (path, "is not a DDL model");
}

/* The header's length is checked against the bound before anything is allocated. */
static void
test_header_bound (void)
{
  g_autofree char *path = tmp_path ("huge-header.safetensors");
  guint8 buf[8 + 16];
  guint64 n = DDL_MODEL_INFO_MAX_HEADER + 1;

  memset (buf, ' ', sizeof buf);
  for (int i = 0; i < 8; i++)
    buf[i] = (guint8) (n >> (8 * i));
  write_bytes (path, buf, sizeof buf);
  assert_fails (path, "more than the");
  for (int i = 0; i < 8; i++)
    buf[i] = 0xff;                                     /* 2^64 - 1 */
  write_bytes (path, buf, sizeof buf);
  assert_fails (path, "more than the");

  /* A header of exactly the bound is read (and then fails for what it holds). */
  gsize size = 8 + DDL_MODEL_INFO_MAX_HEADER;
  g_autofree char *big = g_malloc (size);
  n = DDL_MODEL_INFO_MAX_HEADER;
  for (int i = 0; i < 8; i++)
    big[i] = (char) (n >> (8 * i));
  memset (big + 8, ' ', DDL_MODEL_INFO_MAX_HEADER);
  big[8] = '{';
  big[size - 1] = '}';
  write_bytes (path, big, size);
  assert_fails (path, "is not a DDL model");
}

/* Our format with a damaged key: unknown names, a configuration that does not validate,
 * and architecture facts that contradict the tensors. */
static void
test_bad_metadata (void)
{
  static const struct { const char *key, *value, *what; } cases[] = {
    { DDL_META_ARCH, "resnet", "unknown architecture 'resnet'" },
    { DDL_META_MODE, "xyz", "unknown mode 'xyz'" },
    { DDL_META_WIDTH, "30", "multiples of 16" },
    { DDL_META_LR, "-1", "Invalid model configuration" },
    { DDL_META_ARCH, "unet", "its metadata says unet" },
    { DDL_META_LATENT, "64", "latent 64" },
    { DDL_META_TEMPORAL, "5", "temporal 5" },
  };
  DdlModelConfig c;

  odd_config (&c, DDL_ARCH_C3DSU, DDL_MODE_DDL);
  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      const char *edit[] = { cases[k].key, cases[k].value, NULL };
      g_autofree char *name = g_strdup_printf ("bad-%u.safetensors", k);
      g_autofree char *path = write_file (name, &c, TRUE, FALSE, TRUE, 0, edit);
      assert_fails (path, cases[k].what);
    }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model-info/round-trip", test_round_trip);
  g_test_add_func ("/model-info/host-written", test_host_written);
  g_test_add_func ("/model-info/reference", test_reference);
  g_test_add_func ("/model-info/truncated", test_truncated);
  g_test_add_func ("/model-info/garbage", test_garbage);
  g_test_add_func ("/model-info/header-bound", test_header_bound);
  g_test_add_func ("/model-info/bad-metadata", test_bad_metadata);
  status = g_test_run ();
  ddl_test_engine_shutdown ();
  return status;
}
