/* The DDL networks end to end: parameter counts, checkpoints, training steps,
 * and parity with the PyTorch reference (shared/tools/torch_ddl.py) on the
 * forward pass, the losses, every parameter gradient, the gradient of l, the BN
 * running statistics and the frame scores. */
#include "ddl-test-util.h"
#include "ddl-model-private.h"
#include "ddl-ops.h"
#include "ddl-safetensors.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

static void
small_config (DdlModelConfig *c, DdlArch arch, DdlMode mode)
{
  ddl_model_config_init_default (c);
  c->arch = arch;
  c->mode = mode;
  c->latent = 16;
  c->channels = 3;
  c->temporal = arch == DDL_ARCH_UNET ? 1 : 3;
  c->width = 32;
  c->height = 48;
  c->batch = 2;
  c->seed = 5;
}

static void
test_parameter_counts (void)
{
  /* The exact totals of the reference (shared/guides/ddl-paper-and-code.md §6.4). */
  struct { DdlArch arch; guint latent; guint64 want; } cases[] = {
    { DDL_ARCH_C3DSU, 512, 99001808 },
    { DDL_ARCH_UNET, 512, 89600528 },
    { DDL_ARCH_C3DSU, 64, 1566008 },
    { DDL_ARCH_UNET, 64, 1419008 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      DdlModelConfig c;
      ddl_model_config_init_paper (&c);
      c.arch = cases[i].arch;
      c.latent = cases[i].latent;
      c.temporal = c.arch == DDL_ARCH_UNET ? 1 : 3;
      g_assert_cmpuint (ddl_model_config_count_parameters (&c), ==, cases[i].want);
    }
}

static void
test_config_errors (void)
{
  DdlModelConfig c;
  g_autoptr(GError) error = NULL;
  ddl_model_config_init_default (&c);
  g_assert_true (ddl_model_config_validate (&c, NULL));
  c.width = 100;
  g_assert_false (ddl_model_config_validate (&c, &error));
  g_assert_nonnull (strstr (error->message, "multiples of 16"));
  g_clear_error (&error);
  ddl_model_config_init_default (&c);
  c.temporal = 2;
  g_assert_false (ddl_model_config_validate (&c, &error));
  g_assert_nonnull (strstr (error->message, "odd"));
}

/* A clip batch of smooth random frames, masks with one box per sample. */
static void
make_batch (const DdlModelConfig *c, guint64 seed, float **clips, float **masks)
{
  gsize hw = (gsize) c->width * c->height;
  gsize n = (gsize) c->batch * c->channels * c->temporal * hw;
  *clips = g_new (float, n);
  *masks = g_new0 (float, (gsize) c->batch * c->temporal * hw);
  ddl_test_random (*clips, n, seed, 0.1f, 0.9f);
  for (guint b = 0; b < c->batch; b++)
    for (guint t = 0; t < c->temporal; t++)
      for (guint y = 5 + b; y < 5 + b + 14; y++)
        for (guint x = 3 + 2 * t; x < 3 + 2 * t + 9; x++)
          (*masks)[((gsize) b * c->temporal + t) * hw + y * c->width + x] = 1.0f;
}

static char *
tmp_path (const char *name)
{
  static char *dir;
  if (dir == NULL)
    dir = g_dir_make_tmp ("ddl-test-model-XXXXXX", NULL);
  return g_build_filename (dir, name, NULL);
}

/* The live-view readback: sample 1's centre frame as the step saw it. Outside the mask
 * the pseudo-anomalous frame is the clean one exactly (X_A = X + M s (A - X)); inside
 * it the noise moved it; the baseline leaves the pseudo outputs alone. */
static void
check_preview (DdlModel *model, const DdlModelConfig *c, const float *clips, const float *masks)
{
  gsize hw = (gsize) c->width * c->height, image = hw * c->channels;
  g_autofree float *clean = g_new (float, image), *pseudo = g_new (float, image);
  g_autofree float *rec = g_new (float, image), *rec_a = g_new (float, image);
  g_autofree float *mask = g_new (float, hw);
  g_autoptr(GError) error = NULL;
  guint centre = (c->temporal - 1) / 2, sample = 1;
  gsize inside = 0, moved = 0;

  for (gsize i = 0; i < image; i++)
    pseudo[i] = rec_a[i] = -1;
  g_assert_true (ddl_model_read_train_preview (model, sample, clean, pseudo, rec, rec_a, mask,
                                               &error));
  g_assert_no_error (error);
  for (guint ch = 0; ch < c->channels; ch++)
    for (gsize i = 0; i < hw; i++)
      {
        float x = clips[(((gsize) sample * c->channels + ch) * c->temporal + centre) * hw + i];
        float m = masks[((gsize) sample * c->temporal + centre) * hw + i];
        g_assert_cmpfloat (clean[ch * hw + i], ==, x);
        g_assert_cmpfloat (rec[ch * hw + i], >, 0);
        g_assert_cmpfloat (rec[ch * hw + i], <, 1);
        if (c->mode == DDL_MODE_BASELINE)
          {
            g_assert_cmpfloat (pseudo[ch * hw + i], ==, -1);
            g_assert_cmpfloat (rec_a[ch * hw + i], ==, -1);
            continue;
          }
        g_assert_cmpfloat (mask[i], ==, m);
        g_assert_cmpfloat (rec_a[ch * hw + i], >, 0);
        if (m == 0)
          g_assert_cmpfloat (pseudo[ch * hw + i], ==, x);
        else
          {
            inside++;
            moved += fabsf (pseudo[ch * hw + i] - x) > 1e-4f;
          }
      }
  if (c->mode != DDL_MODE_BASELINE)
    {
      g_assert_cmpuint (inside, >, 0);
      g_assert_cmpuint (moved, >, inside / 2);
    }
}

static void
test_step_moves_l (gconstpointer data)
{
  DdlMode mode = GPOINTER_TO_INT (data);
  DdlEngine *engine = ddl_test_engine ();
  g_autoptr(GError) error = NULL;
  DdlModelConfig c;
  g_autofree float *clips = NULL, *masks = NULL;
  DdlStepStats stats;

  if (engine == NULL)
    return;
  small_config (&c, DDL_ARCH_C3DSU, mode);
  g_autoptr(DdlModel) model = ddl_model_new (engine, &c, &error);
  g_assert_no_error (error);
  make_batch (&c, 3, &clips, &masks);
  double before = ddl_model_get_anomaly_weight (model);
  ddl_model_train_step (model, clips, masks, &stats, &error);
  g_assert_no_error (error);
  double after = ddl_model_get_anomaly_weight (model);
  g_assert_false (stats.skipped);
  g_assert_true (isfinite (stats.total) && stats.recon > 0);
  switch (mode)
    {
    case DDL_MODE_DDL:
      g_assert_cmpfloat (before, ==, 0.5);
      /* Adam moves l by about lr = 1e-2 in its first step: sigma by ~0.0025. */
      g_assert_cmpfloat (fabs (after - before), >, 1e-3);
      g_assert_cmpfloat (fabs (after - before), <, 5e-3);
      g_assert_cmpfloat (stats.dist, >, 0);
      break;
    case DDL_MODE_SDL:
      g_assert_cmpfloat (after, ==, c.static_weight);
      g_assert_cmpfloat (stats.dist, >, 0);
      break;
    case DDL_MODE_BASELINE:
      g_assert_cmpfloat (after, ==, 0.0);
      g_assert_cmpfloat (stats.dist, ==, 0);
      break;
    }
  g_assert_cmpuint (ddl_model_get_step (model), ==, 1);
  check_preview (model, &c, clips, masks);

  /* No sample with a track: skipped as the reference does (the baseline ignores masks). */
  memset (masks, 0, sizeof (float) * c.batch * c.temporal * c.width * c.height);
  g_assert_true (ddl_model_train_step (model, clips, masks, &stats, &error));
  g_assert_cmpint (stats.skipped, ==, mode != DDL_MODE_BASELINE);
}

static void
test_loss_decreases (void)
{
  DdlEngine *engine = ddl_test_engine ();
  g_autoptr(GError) error = NULL;
  DdlModelConfig c;
  DdlStepStats stats;
  double first = 0, last = 0;
  const guint steps = 150;

  if (engine == NULL)
    return;
  small_config (&c, DDL_ARCH_C3DSU, DDL_MODE_DDL);
  c.latent = 8;
  c.width = c.height = 32;
  g_autoptr(DdlModel) model = ddl_model_new (engine, &c, &error);
  g_assert_no_error (error);
  g_autofree float *clips = NULL, *masks = NULL;
  make_batch (&c, 9, &clips, &masks);
  for (guint s = 0; s < steps; s++)
    {
      g_assert_true (ddl_model_train_step (model, clips, masks, &stats, &error));
      if (s < 10)
        first += stats.recon / 10;
      if (s >= steps - 10)
        last += stats.recon / 10;
    }
  g_test_message ("L_recon %.4f -> %.4f over %u steps, sigma %.4f", first, last, steps,
                  ddl_model_get_anomaly_weight (model));
  g_assert_cmpfloat (last, <, 0.7 * first);
}

static void
assert_files_equal_tensors (const char *a, const char *b)
{
  g_autoptr(DdlSafetensors) sa = ddl_safetensors_load (a, NULL);
  g_autoptr(DdlSafetensors) sb = ddl_safetensors_load (b, NULL);
  GPtrArray *names = ddl_safetensors_get_names (sa);
  g_assert_nonnull (sa);
  g_assert_nonnull (sb);
  g_assert_cmpuint (names->len, ==, ddl_safetensors_get_names (sb)->len);
  for (guint i = 0; i < names->len; i++)
    {
      const DdlTensorEntry *ea = ddl_safetensors_find (sa, names->pdata[i]);
      const DdlTensorEntry *eb = ddl_safetensors_find (sb, names->pdata[i]);
      g_assert_nonnull (eb);
      g_assert_cmpmem (ddl_safetensors_data (sa, ea), ea->n_bytes, ddl_safetensors_data (sb, eb),
                       eb->n_bytes);
    }
}

static void
test_checkpoint_round_trip (void)
{
  DdlEngine *engine = ddl_test_engine ();
  g_autoptr(GError) error = NULL;
  DdlModelConfig c;
  g_autofree char *p1 = tmp_path ("round1.safetensors");
  g_autofree char *p2 = tmp_path ("round2.safetensors");

  if (engine == NULL)
    return;
  small_config (&c, DDL_ARCH_C3DSU, DDL_MODE_DDL);
  g_autoptr(DdlModel) model = ddl_model_new (engine, &c, &error);
  g_autofree float *clips = NULL, *masks = NULL;
  make_batch (&c, 4, &clips, &masks);
  g_assert_true (ddl_model_train_step (model, clips, masks, NULL, &error));
  ddl_model_set_epoch (model, 2);
  ddl_model_set_fingerprint (model, "abc123");
  g_assert_true (ddl_model_save (model, p1, &error));
  g_assert_no_error (error);

  g_autoptr(DdlModel) loaded = ddl_model_load (engine, p1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_model_get_epoch (loaded), ==, 2);
  g_assert_cmpuint (ddl_model_get_step (loaded), ==, 1);
  g_assert_cmpstr (ddl_model_get_fingerprint (loaded), ==, "abc123");
  g_assert_cmpint (ddl_model_get_config (loaded)->height, ==, 48);
  g_assert_cmpfloat (ddl_model_get_anomaly_weight (loaded), ==,
                     ddl_model_get_anomaly_weight (model));
  g_assert_true (ddl_model_save (loaded, p2, &error));
  assert_files_equal_tensors (p1, p2);

  g_autoptr(DdlSafetensors) st = ddl_safetensors_load (p1, &error);
  g_assert_nonnull (ddl_safetensors_find (st, "encoder.conv_1.convs.0.weight"));
  g_assert_nonnull (ddl_safetensors_find (st, "decoder.conv_4.conv_last.bias"));
  g_assert_nonnull (ddl_safetensors_find (st, "conv1.weight"));
  const DdlTensorEntry *nbt = ddl_safetensors_find (st, "encoder.conv_1.batch_norm_1.num_batches_tracked");
  g_assert_nonnull (nbt);
  g_assert_cmpint (nbt->dtype, ==, DDL_DTYPE_I64);
  g_assert_cmpint (*(const gint64 *) ddl_safetensors_data (st, nbt), ==, 2);  /* two passes */
  g_assert_nonnull (ddl_safetensors_find (st, "pseudo_anomaly_creator.anomaly_weight"));
  g_assert_cmpstr (ddl_safetensors_get_metadata (st, "mode"), ==, "ddl");
}

static void
test_checkpoint_errors (void)
{
  DdlEngine *engine = ddl_test_engine ();
  g_autoptr(GError) error = NULL;
  DdlModelConfig c;
  g_autofree char *good = tmp_path ("good.safetensors");
  g_autofree char *bad = tmp_path ("bad.safetensors");
  g_autofree char *contents = NULL;
  gsize length;

  if (engine == NULL)
    return;
  small_config (&c, DDL_ARCH_C3DSU, DDL_MODE_SDL);
  g_autoptr(DdlModel) model = ddl_model_new (engine, &c, &error);
  g_assert_true (ddl_model_save (model, good, &error));
  g_assert_true (g_file_get_contents (good, &contents, &length, NULL));

  /* Truncated. */
  g_assert_true (g_file_set_contents (bad, contents, length - 100, NULL));
  g_assert_null (ddl_model_load (engine, bad, NULL, &error));
  g_assert_nonnull (strstr (error->message, bad));
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (bad, contents, 5, NULL));
  g_assert_null (ddl_model_load (engine, bad, NULL, &error));
  g_assert_nonnull (strstr (error->message, "truncated"));
  g_clear_error (&error);

  /* A tensor of the wrong shape is named. */
  g_autoptr(DdlSafetensors) st = ddl_safetensors_load (good, NULL);
  g_autoptr(DdlSafetensors) edited = ddl_safetensors_new ();
  GPtrArray *names = ddl_safetensors_get_names (st);
  for (guint i = 0; i < names->len; i++)
    {
      const DdlTensorEntry *e = ddl_safetensors_find (st, names->pdata[i]);
      guint64 shape[8];
      memcpy (shape, e->shape, sizeof shape);
      if (g_str_equal (e->name, "decoder.conv_2.conv_last.bias"))
        {
          shape[0] = 1;  /* keep only the first element */
        }
      ddl_safetensors_add (edited, e->name, e->dtype, e->n_dims, shape,
                           ddl_safetensors_data (st, e));
    }
  ddl_safetensors_set_metadata (edited, "format", "ddl-studio-checkpoint");
  ddl_safetensors_set_metadata (edited, "arch", "c3dsu");
  g_assert_true (ddl_safetensors_save (edited, bad, &error));
  g_assert_null (ddl_model_load (engine, bad, NULL, &error));
  g_assert_nonnull (strstr (error->message, "decoder.conv_2.conv_last.bias"));
  g_clear_error (&error);

  g_assert_null (ddl_model_load (engine, "/nonexistent/model.safetensors", NULL, &error));
  g_assert_nonnull (error);
}

/* A NaN loss stops with a message instead of poisoning the weights silently; a
 * model too big for the device is an error, not a crash. */
static void
test_nan_and_memory (void)
{
  DdlEngine *engine = ddl_test_engine ();
  g_autoptr(GError) error = NULL;
  DdlModelConfig c;

  if (engine == NULL)
    return;
  small_config (&c, DDL_ARCH_C3DSU, DDL_MODE_DDL);
  g_autoptr(DdlModel) model = ddl_model_new (engine, &c, &error);
  g_autofree float *clips = NULL, *masks = NULL;
  make_batch (&c, 2, &clips, &masks);
  clips[(gsize) c.width * c.height + 17] = NAN;  /* channel 0, middle frame */
  g_assert_false (ddl_model_train_step (model, clips, masks, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "NaN"));
  g_clear_error (&error);

  ddl_model_config_init_paper (&c);
  c.latent = 4096;
  c.width = c.height = 1024;
  g_assert_null (ddl_model_new (engine, &c, &error));
  g_assert_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_OUT_OF_MEMORY);
  g_assert_nonnull (strstr (error->message, "MiB"));
}

/* A reference state_dict saved as safetensors (DataParallel's "module." prefix, no
 * metadata, no l, no optimizer state) loads, with the shapes telling the
 * architecture, and scores exactly as the model it came from. */
static void
test_reference_state_dict (void)
{
  DdlEngine *engine = ddl_test_engine ();
  g_autoptr(GError) error = NULL;
  DdlModelConfig c;
  g_autofree char *ours = tmp_path ("ours.safetensors");
  g_autofree char *theirs = tmp_path ("reference.safetensors");

  if (engine == NULL)
    return;
  small_config (&c, DDL_ARCH_C3DSU, DDL_MODE_DDL);
  g_autoptr(DdlModel) model = ddl_model_new (engine, &c, &error);
  g_assert_true (ddl_model_save (model, ours, &error));
  g_autoptr(DdlSafetensors) st = ddl_safetensors_load (ours, &error);
  g_autoptr(DdlSafetensors) ref = ddl_safetensors_new ();
  GPtrArray *names = ddl_safetensors_get_names (st);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      const DdlTensorEntry *e = ddl_safetensors_find (st, name);
      if (g_str_has_prefix (name, "optimizer.") || g_str_has_prefix (name, "pseudo_anomaly"))
        continue;
      g_autofree char *prefixed = g_strconcat ("module.", name, NULL);
      ddl_safetensors_add (ref, prefixed, e->dtype, e->n_dims, e->shape,
                           ddl_safetensors_data (st, e));
    }
  g_assert_true (ddl_safetensors_save (ref, theirs, &error));

  /* The input size cannot be read from the weights: the caller's fallback gives it. */
  DdlModelConfig fallback = c;
  fallback.arch = DDL_ARCH_UNET;  /* overridden by the shapes */
  fallback.latent = 64;
  g_autoptr(DdlModel) loaded = ddl_model_load (engine, theirs, &fallback, &error);
  g_assert_no_error (error);
  const DdlModelConfig *lc = ddl_model_get_config (loaded);
  g_assert_cmpint (lc->arch, ==, DDL_ARCH_C3DSU);
  g_assert_cmpuint (lc->latent, ==, 16);
  g_assert_cmpuint (lc->temporal, ==, 3);
  g_assert_cmpfloat (ddl_model_get_anomaly_weight (loaded), ==, 0.5);

  g_autofree float *clips = NULL, *masks = NULL;
  make_batch (&c, 31, &clips, &masks);
  float a[2], b[2];
  g_assert_true (ddl_model_score (model, clips, 2, a, NULL, NULL, &error));
  g_assert_true (ddl_model_score (loaded, clips, 2, b, NULL, NULL, &error));
  g_assert_cmpmem (a, sizeof a, b, sizeof b);

  /* Without a fallback, a reference file means the reference's 256x256 input. */
  g_autoptr(DdlModel) plain = ddl_model_load (engine, theirs, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_model_get_config (plain)->width, ==, 256);
}

/* Resuming from a checkpoint continues exactly: same losses as without a stop. */
static void
test_resume_exact (void)
{
  DdlEngine *engine = ddl_test_engine ();
  g_autoptr(GError) error = NULL;
  DdlModelConfig c;
  DdlStepStats s;
  double straight[6], resumed[6];
  g_autofree char *path = tmp_path ("resume.safetensors");

  if (engine == NULL)
    return;
  small_config (&c, DDL_ARCH_C3DSU, DDL_MODE_DDL);
  g_autofree float *clips = NULL, *masks = NULL;
  make_batch (&c, 12, &clips, &masks);

  g_autoptr(DdlModel) a = ddl_model_new (engine, &c, &error);
  for (guint i = 0; i < 6; i++)
    {
      g_assert_true (ddl_model_train_step (a, clips, masks, &s, &error));
      straight[i] = s.total;
    }
  g_autoptr(DdlModel) b = ddl_model_new (engine, &c, &error);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (ddl_model_train_step (b, clips, masks, &s, &error));
      resumed[i] = s.total;
    }
  g_assert_true (ddl_model_save (b, path, &error));
  g_autoptr(DdlModel) r = ddl_model_load (engine, path, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 3; i < 6; i++)
    {
      g_assert_true (ddl_model_train_step (r, clips, masks, &s, &error));
      resumed[i] = s.total;
    }
  for (guint i = 0; i < 6; i++)
    g_assert_cmpfloat (resumed[i], ==, straight[i]);
}

/* ---- PyTorch parity ------------------------------------------------------------ */

static float *
read_all (DdlBuffer *buffer, guint64 offset, guint64 n)
{
  float *out = g_new (float, n);
  g_assert_true (ddl_model_read_floats (buffer, offset, out, n, NULL));
  return out;
}

/* Tolerance: rel of the tensor's largest value, but never below rel of `floor`.
 * The biases of convolutions followed by BatchNorm have a true gradient of exactly
 * 0 (BN removes the mean); both sides then hold float32 rounding noise (~1e-10), so
 * they are compared against the model's gradient scale instead of their own. */
static void
compare_tensor_floor (DdlSafetensors *ref, const char *name, const float *got, guint64 n,
                      double rel, double floor)
{
  const DdlTensorEntry *e = ddl_safetensors_find (ref, name);
  g_assert_nonnull (e);
  g_assert_cmpuint (e->n_bytes, ==, n * 4);
  const float *want = ddl_safetensors_data (ref, e);
  g_autofree double *wd = ddl_test_to_double (want, n);
  double scale = MAX (floor, 1e-12);
  for (guint64 i = 0; i < n; i++)
    scale = MAX (scale, fabs (wd[i]));
  ddl_test_assert_close (name, got, wd, n, rel * scale, rel);
}

static void
compare_tensor (DdlSafetensors *ref, const char *name, const float *got, guint64 n, double rel)
{
  compare_tensor_floor (ref, name, got, n, rel, 0);
}

/* The largest |value| over all tensors whose name starts with prefix. */
static double
max_abs_prefix (DdlSafetensors *ref, const char *prefix)
{
  GPtrArray *names = ddl_safetensors_get_names (ref);
  double m = 0;
  for (guint i = 0; i < names->len; i++)
    if (g_str_has_prefix (names->pdata[i], prefix))
      {
        const DdlTensorEntry *e = ddl_safetensors_find (ref, names->pdata[i]);
        const float *v = ddl_safetensors_data (ref, e);
        for (guint64 j = 0; j < e->n_bytes / 4; j++)
          m = MAX (m, fabs (v[j]));
      }
  return m;
}

static void
run_parity (DdlArch arch, DdlMode mode)
{
  DdlEngine *engine = ddl_test_engine ();
  g_autoptr(GError) error = NULL;
  const char *shared = g_getenv ("DDL_SHARED_DATASETS");
  g_autofree char *reference = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "torch-parity.py", NULL);
  g_autofree char *model_path = tmp_path ("parity-model.safetensors");
  g_autofree char *in_path = tmp_path ("parity-in.safetensors");
  g_autofree char *out_path = tmp_path ("parity-out.safetensors");
  DdlModelConfig c;
  DdlStepStats stats;

  if (engine == NULL)
    return;
  reference = shared != NULL ? g_build_filename (shared, "..", "tools", NULL) : NULL;
  g_autofree char *torch_ddl = reference != NULL ? g_build_filename (reference, "torch_ddl.py", NULL)
                                                 : NULL;
  if (torch_ddl == NULL || !g_file_test (torch_ddl, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the PyTorch reference (shared/tools/torch_ddl.py) is not here");
      return;
    }
  if (!g_spawn_command_line_sync ("/usr/bin/python3 -c 'import torch'", NULL, NULL, NULL, NULL))
    {
      g_test_skip ("python3-torch is not installed");
      return;
    }

  small_config (&c, arch, mode);
  g_autoptr(DdlModel) model = ddl_model_new (engine, &c, &error);
  g_assert_no_error (error);
  g_autofree float *clips = NULL, *masks = NULL;
  make_batch (&c, 21, &clips, &masks);
  guint64 clip_n = (guint64) c.batch * c.channels * c.temporal * c.width * c.height;

  /* The noise the training graph will draw: same seed, stream 0, counter 0. */
  g_autoptr(DdlBuffer) noise = ddl_test_zeros (clip_n);
  g_autoptr(DdlBuffer) counter = ddl_test_zeros (64);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);
  ddl_op_noise_uniform (cmd, DDL_BIND (noise), clip_n, c.seed, 0, DDL_BIND (counter),
                        DDL_CONTROL_NOISE);
  ddl_test_run (cmd);
  g_autofree float *noise_host = ddl_test_download (noise, clip_n);

  g_assert_true (ddl_model_save (model, model_path, &error));
  g_autoptr(DdlSafetensors) in = ddl_safetensors_new ();
  guint64 cshape[5] = { c.batch, c.channels, c.temporal, c.height, c.width };
  guint64 mshape[4] = { c.batch, c.temporal, c.height, c.width };
  ddl_safetensors_add (in, "x", DDL_DTYPE_F32, 5, cshape, clips);
  ddl_safetensors_add (in, "noise", DDL_DTYPE_F32, 5, cshape, noise_host);
  ddl_safetensors_add (in, "mask", DDL_DTYPE_F32, 4, mshape, masks);
  g_assert_true (ddl_safetensors_save (in, in_path, &error));

  g_autofree char *command = g_strdup_printf (
      "/usr/bin/python3 %s --reference %s --model %s --inputs %s --output %s --mode %s "
      "--patch %u", script, reference, model_path, in_path, out_path, ddl_mode_to_string (mode),
      c.patch);
  g_autofree char *err_text = NULL;
  int status = 0;
  g_assert_true (g_spawn_command_line_sync (command, NULL, &err_text, &status, &error));
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("torch-parity.py failed:\n%s", err_text);
  g_autoptr(DdlSafetensors) ref = ddl_safetensors_load (out_path, &error);
  g_assert_no_error (error);

  /* 1. Scoring (eval mode) before any step. */
  gsize hw = (gsize) c.width * c.height;
  g_autofree float *scores = g_new (float, c.batch);
  g_autofree float *recs = g_new (float, c.batch * c.channels * hw);
  g_assert_true (ddl_model_score (model, clips, c.batch, scores, NULL, recs, &error));
  g_assert_no_error (error);
  compare_tensor (ref, "rec_eval", recs, c.batch * c.channels * hw, 1e-4);
  compare_tensor (ref, "scores", scores, c.batch, 1e-4);

  /* 2. One training step: losses, then the gradients it left behind. */
  g_assert_true (ddl_model_train_step (model, clips, masks, &stats, &error));
  g_assert_no_error (error);
  const float *loss = ddl_safetensors_data (ref, ddl_safetensors_find (ref, "loss"));
  g_test_message ("losses: ours %.7f %.7f %.7f, torch %.7f %.7f %.7f", stats.recon, stats.dist,
                  stats.total, loss[0], loss[1], loss[2]);
  g_assert_cmpfloat_with_epsilon (stats.recon, loss[0], 1e-4 * fabs (loss[0]) + 1e-7);
  g_assert_cmpfloat_with_epsilon (stats.dist, loss[1], 1e-3 * fabs (loss[1]) + 1e-7);
  g_assert_cmpfloat_with_epsilon (stats.total, loss[2], 1e-4 * fabs (loss[2]) + 1e-7);

  DdlParamTable *t = model->table;
  double grad_scale = max_abs_prefix (ref, "grad.");
  g_assert_cmpfloat (grad_scale, >, 0);
  for (guint i = 0; i < t->specs->len; i++)
    {
      DdlParamSpec *s = t->specs->pdata[i];
      g_autofree char *name = NULL;
      g_autofree float *got = NULL;
      switch (s->kind)
        {
        case DDL_PARAM_BN_NUM_BATCHES:
          continue;
        case DDL_PARAM_BN_RUNNING_MEAN:
        case DDL_PARAM_BN_RUNNING_VAR:
          name = g_strconcat ("state.", s->name, NULL);
          got = read_all (model->state, s->offset, s->numel);
          compare_tensor (ref, name, got, s->numel, 1e-4);
          continue;
        case DDL_PARAM_ANOMALY_WEIGHT:
          if (mode != DDL_MODE_DDL)
            continue;
          G_GNUC_FALLTHROUGH;
        default:
          name = g_strconcat ("grad.", s->name, NULL);
          got = read_all (model->grads, s->offset, s->numel);
          /* float32 on both sides through ~40 layers: 1e-3 of the tensor's largest
           * gradient (see the note in tests/README or the report). */
          if (s->kind == DDL_PARAM_CONV_BIAS && !g_str_has_prefix (s->name, "conv")
              && !g_str_equal (s->name, "decoder.conv_4.conv_last.bias"))
            {
              /* Followed by BatchNorm: the true gradient is 0, both sides hold
               * rounding noise; require it to be negligible against the model's. */
              g_autofree double *zeros = g_new0 (double, s->numel);
              ddl_test_assert_close (name, got, zeros, s->numel, 1e-4 * grad_scale, 0);
            }
          else
            compare_tensor_floor (ref, name, got, s->numel, 2e-3, 1e-4 * grad_scale);
        }
    }
}

static void
test_parity (gconstpointer data)
{
  guint which = GPOINTER_TO_UINT (data);
  run_parity (which & 1 ? DDL_ARCH_UNET : DDL_ARCH_C3DSU, which >> 1);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/parameter-counts", test_parameter_counts);
  g_test_add_func ("/model/config-errors", test_config_errors);
  g_test_add_data_func ("/model/step/ddl", GINT_TO_POINTER (DDL_MODE_DDL), test_step_moves_l);
  g_test_add_data_func ("/model/step/sdl", GINT_TO_POINTER (DDL_MODE_SDL), test_step_moves_l);
  g_test_add_data_func ("/model/step/baseline", GINT_TO_POINTER (DDL_MODE_BASELINE),
                        test_step_moves_l);
  g_test_add_func ("/model/checkpoint/round-trip", test_checkpoint_round_trip);
  g_test_add_func ("/model/checkpoint/errors", test_checkpoint_errors);
  g_test_add_func ("/model/resume-exact", test_resume_exact);
  g_test_add_func ("/model/nan-and-memory", test_nan_and_memory);
  g_test_add_func ("/model/reference-state-dict", test_reference_state_dict);
  g_test_add_data_func ("/model/parity/c3dsu-ddl", GUINT_TO_POINTER (DDL_MODE_DDL << 1),
                        test_parity);
  g_test_add_data_func ("/model/parity/c3dsu-sdl", GUINT_TO_POINTER (DDL_MODE_SDL << 1),
                        test_parity);
  g_test_add_data_func ("/model/parity/c3dsu-baseline",
                        GUINT_TO_POINTER (DDL_MODE_BASELINE << 1), test_parity);
  g_test_add_data_func ("/model/parity/unet-ddl", GUINT_TO_POINTER (DDL_MODE_DDL << 1 | 1),
                        test_parity);
  g_test_add_func ("/model/loss-decreases", test_loss_decreases);
  status = g_test_run ();
  ddl_test_engine_shutdown ();
  return status;
}
