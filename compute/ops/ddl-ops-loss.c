/* Operators of the loss family: the DDL loss, noise, pseudo-anomaly blend, Adam and
 * frame scoring (formulas in compute/ref/ddl-ref-loss.h, kernels in shaders/loss_*.comp,
 * noise*.comp, adam.comp, score.comp). The host side only splits work for lavapipe's
 * loop limit and chains reductions; every value that changes between replays is read
 * by the kernels from a buffer. */
#include "ddl-ops.h"

#include <math.h>

/* Partial sums a reduction starts from: enough invocations to fill the device, few
 * enough that ddl_op_reduce_rows finishes in one pass. */
#define TARGET_PARTS 4096
/* Chunk of the score maximum: small enough to spread over invocations. */
#define MAX_CHUNK 1024
#define MAX_CHANNELS 1024
#define MAX_PATCH 128   /* P * P <= DDL_LOOP_BUDGET */

static gboolean G_GNUC_PRINTF (3, 4)
fail (DdlCmd *cmd, DdlEngineError code, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  char *message = g_strdup_vprintf (format, args);
  va_end (args);
  ddl_cmd_set_error (cmd, g_error_new_literal (DDL_ENGINE_ERROR, code, message));
  g_free (message);
  return FALSE;
}

/* The binding must hold at least n floats. */
static gboolean
check_floats (DdlCmd *cmd, const char *op, const char *what, DdlBinding b, guint64 n)
{
  if (b.buffer == NULL)
    return fail (cmd, DDL_ENGINE_ERROR_FAILED, "%s: no buffer for %s", op, what);
  gsize size = ddl_buffer_get_size (b.buffer);
  gsize range = b.size != 0 ? b.size : (b.offset < size ? size - b.offset : 0);
  if (range / sizeof (float) < n)
    return fail (cmd, DDL_ENGINE_ERROR_LIMIT,
                 "%s: %s holds %" G_GSIZE_FORMAT " floats, %" G_GUINT64_FORMAT " needed",
                 op, what, range / sizeof (float), n);
  return TRUE;
}

static guint64
div_up (guint64 a, guint64 b)
{
  return (a + b - 1) / b;
}

/* A small device buffer that lives as long as the command, standing in for bindings
 * a kernel declares but the chosen variant does not touch. */
static DdlBinding
placeholder (DdlCmd *cmd)
{
  DdlBuffer *buffer = ddl_cmd_scratch (cmd, 16);
  return DDL_BIND (buffer);
}

/* --- L = L_recon + lambda L_dist --------------------------------------------------- */

void
ddl_loss_config_init (DdlLossConfig *cfg, guint batch, guint channels, guint height,
                      guint width)
{
  *cfg = (DdlLossConfig) {
    .batch = batch, .channels = channels, .height = height, .width = width,
    .frames = 1, .frame = 0,
    .divisor = sqrtf ((float) channels),
    .lambda = 1e-2f, .eps = 1e-6f,
    .distinction = TRUE, .norm_ratio = FALSE,
  };
}

static gboolean
loss_params (DdlCmd *cmd, const char *op, const DdlLossConfig *cfg, DdlLossParams *p)
{
  guint64 hw = (guint64) cfg->height * cfg->width;
  guint64 n_pixels = cfg->batch * hw;
  guint64 clip = n_pixels * cfg->channels * cfg->frames;

  if (n_pixels == 0 || cfg->channels == 0 || cfg->frames == 0)
    return fail (cmd, DDL_ENGINE_ERROR_FAILED, "%s: empty shape B%u C%u T%u %ux%u", op,
                 cfg->batch, cfg->channels, cfg->frames, cfg->height, cfg->width);
  if (cfg->frame >= cfg->frames)
    return fail (cmd, DDL_ENGINE_ERROR_FAILED, "%s: frame %u of a %u-frame clip", op,
                 cfg->frame, cfg->frames);
  if (cfg->channels > MAX_CHANNELS)
    return fail (cmd, DDL_ENGINE_ERROR_LIMIT, "%s: %u channels, at most %u", op,
                 cfg->channels, MAX_CHANNELS);
  if (clip > G_MAXUINT32)
    return fail (cmd, DDL_ENGINE_ERROR_LIMIT, "%s: %" G_GUINT64_FORMAT " elements do not fit "
                 "32-bit indices", op, clip);
  if (!(cfg->divisor > 0.0f))
    return fail (cmd, DDL_ENGINE_ERROR_FAILED, "%s: divisor %g must be positive", op,
                 cfg->divisor);

  /* Each invocation of loss_partials takes `per` pixels of one sample, looping
   * per * (1 + C) times; about TARGET_PARTS invocations in all. */
  guint64 per = CLAMP (div_up (n_pixels, TARGET_PARTS), 1, DDL_LOOP_BUDGET / (cfg->channels + 1));
  per = MIN (per, hw);
  guint64 sample_parts = div_up (hw, per);
  *p = (DdlLossParams) {
    .n_pixels = n_pixels, .hw = hw, .channels = cfg->channels,
    .frames = cfg->frames, .frame = cfg->frame,
    .per = div_up (hw, sample_parts), .sample_parts = sample_parts,
    .n_parts = cfg->batch * sample_parts,
    .flags = (cfg->distinction ? DDL_LOSS_FLAG_DIST : 0)
             | (cfg->norm_ratio ? DDL_LOSS_FLAG_NORM_RATIO : 0),
    .inv_d = 1.0f / cfg->divisor, .eps = cfg->eps, .lambda = cfg->lambda,
  };
  return TRUE;
}

static gboolean
check_loss_inputs (DdlCmd *cmd, const char *op, const DdlLossConfig *cfg, DdlBinding x,
                   DdlBinding xa, DdlBinding rec_n, DdlBinding rec_a, DdlBinding mask)
{
  guint64 frame = (guint64) cfg->batch * cfg->channels * cfg->height * cfg->width;
  guint64 clip = frame * cfg->frames;
  guint64 masks = (guint64) cfg->batch * cfg->frames * cfg->height * cfg->width;

  if (!check_floats (cmd, op, "x", x, clip) || !check_floats (cmd, op, "rec_n", rec_n, frame))
    return FALSE;
  if (cfg->distinction
      && (!check_floats (cmd, op, "xa", xa, clip) || !check_floats (cmd, op, "rec_a", rec_a, frame)
          || !check_floats (cmd, op, "mask", mask, masks)))
    return FALSE;
  return TRUE;
}

void
ddl_op_loss_forward (DdlCmd *cmd, const DdlLossConfig *cfg, DdlBinding values,
                     DdlBinding x, DdlBinding xa, DdlBinding rec_n, DdlBinding rec_a,
                     DdlBinding mask)
{
  const char *op = "loss forward";
  DdlLossParams p;

  if (!loss_params (cmd, op, cfg, &p)
      || !check_loss_inputs (cmd, op, cfg, x, xa, rec_n, rec_a, mask)
      || !check_floats (cmd, op, "values", values, DDL_LOSS_N_VALUES))
    return;
  if (!cfg->distinction)
    xa = rec_a = mask = x;   /* bound, never read */

  DdlBuffer *partials = ddl_cmd_scratch (cmd, (gsize) DDL_LOSS_N_ROWS * p.n_parts * sizeof (float));
  DdlBuffer *sums = ddl_cmd_scratch (cmd, DDL_LOSS_N_ROWS * sizeof (float));
  if (partials == NULL || sums == NULL)
    return;
  ddl_cmd_dispatch (cmd, DDL_KERNEL_loss_partials,
                    (DdlBinding[]) { x, xa, rec_n, rec_a, mask, DDL_BIND (partials) },
                    &p, p.n_parts);
  ddl_op_reduce_rows (cmd, DDL_BIND (sums), DDL_BIND (partials), DDL_LOSS_N_ROWS, p.n_parts,
                      1.0f, 0.0f);
  ddl_cmd_dispatch (cmd, DDL_KERNEL_loss_finalize, (DdlBinding[]) { DDL_BIND (sums), values },
                    &p, 1);
}

void
ddl_op_loss_backward (DdlCmd *cmd, const DdlLossConfig *cfg,
                      DdlBinding drec_n, DdlBinding drec_a, DdlBinding dxa,
                      gboolean accumulate_dxa, DdlBinding values, DdlBinding dloss,
                      DdlBinding x, DdlBinding xa, DdlBinding rec_n, DdlBinding rec_a,
                      DdlBinding mask)
{
  const char *op = "loss backward";
  guint64 frame = (guint64) cfg->batch * cfg->channels * cfg->height * cfg->width;
  DdlLossParams p;

  if (!loss_params (cmd, op, cfg, &p)
      || !check_loss_inputs (cmd, op, cfg, x, xa, rec_n, rec_a, mask)
      || !check_floats (cmd, op, "values", values, DDL_LOSS_N_VALUES)
      || !check_floats (cmd, op, "drec_n", drec_n, frame))
    return;
  if (cfg->distinction && !check_floats (cmd, op, "drec_a", drec_a, frame))
    return;
  if (cfg->distinction && dxa.buffer != NULL)
    {
      if (!check_floats (cmd, op, "dxa", dxa, frame * cfg->frames))
        return;
      p.flags |= DDL_LOSS_FLAG_DXA;
    }
  else
    {
      dxa = placeholder (cmd);   /* never written without DDL_LOSS_FLAG_DXA */
      if (dxa.buffer == NULL)
        return;
    }
  if (dloss.buffer != NULL)
    {
      if (!check_floats (cmd, op, "dloss", dloss, 1))
        return;
      p.flags |= DDL_LOSS_FLAG_DLOSS;
    }
  else
    dloss = values;   /* bound, never read */
  if (accumulate_dxa)
    p.flags |= DDL_LOSS_FLAG_ACCUM_DXA;
  if (!cfg->distinction)
    {
      xa = rec_a = mask = x;
      drec_a = dxa;   /* the placeholder: not written without distinction */
    }
  ddl_cmd_dispatch (cmd, DDL_KERNEL_loss_bwd,
                    (DdlBinding[]) { x, xa, rec_n, rec_a, mask, values, dloss,
                                     drec_n, drec_a, dxa },
                    &p, p.n_pixels);
}

/* --- noise and counters ---------------------------------------------------------- */

void
ddl_op_counter_add (DdlCmd *cmd, DdlBinding state, guint index, float value)
{
  if (!check_floats (cmd, "counter add", "state", state, (guint64) index + 1))
    return;
  DdlCounterParams p = { index, value };
  ddl_cmd_dispatch (cmd, DDL_KERNEL_counter_add, &state, &p, 1);
}

void
ddl_op_noise_uniform (DdlCmd *cmd, DdlBinding dst, guint64 n, guint64 seed,
                      guint32 stream, DdlBinding state, guint counter_index)
{
  const char *op = "uniform noise";

  if (n == 0)
    return;
  if (n > G_MAXUINT32 - 3)
    {
      fail (cmd, DDL_ENGINE_ERROR_LIMIT, "%s: %" G_GUINT64_FORMAT " values, at most 2^32 - 4",
            op, n);
      return;
    }
  if (!check_floats (cmd, op, "dst", dst, n)
      || !check_floats (cmd, op, "state", state, (guint64) counter_index + 1))
    return;
  DdlNoiseParams p = { n, (guint32) seed, (guint32) (seed >> 32), stream, counter_index };
  ddl_cmd_dispatch (cmd, DDL_KERNEL_noise_uniform, (DdlBinding[]) { state, dst }, &p,
                    div_up (n, 4));
}

/* --- pseudo-anomaly blend ---------------------------------------------------------- */

static gboolean
blend_params (DdlCmd *cmd, const char *op, DdlBlendParams *p, DdlBinding x, DdlBinding noise,
              DdlBinding mask, DdlBinding l, guint l_index, guint batch, guint channels,
              guint64 thw)
{
  guint64 n = (guint64) batch * channels * thw;

  if (n == 0)
    return fail (cmd, DDL_ENGINE_ERROR_FAILED, "%s: empty clip", op);
  if (n > G_MAXUINT32)
    return fail (cmd, DDL_ENGINE_ERROR_LIMIT, "%s: %" G_GUINT64_FORMAT " elements do not fit "
                 "32-bit indices", op, n);
  if (!check_floats (cmd, op, "x", x, n) || !check_floats (cmd, op, "noise", noise, n)
      || !check_floats (cmd, op, "mask", mask, batch * thw)
      || !check_floats (cmd, op, "l", l, (guint64) l_index + 1))
    return FALSE;
  if (channels > MAX_CHANNELS)
    return fail (cmd, DDL_ENGINE_ERROR_LIMIT, "%s: %u channels, at most %u", op, channels,
                 MAX_CHANNELS);
  /* Each invocation of the backward takes `per` mask elements of one sample, looping
   * per * (1 + C) times; about TARGET_PARTS invocations in all. */
  guint64 per = CLAMP (div_up ((guint64) batch * thw, TARGET_PARTS), 1,
                       DDL_LOOP_BUDGET / (channels + 1));
  guint64 sample_parts = div_up (thw, MIN (per, thw));
  *p = (DdlBlendParams) {
    .n = n, .channels = channels, .thw = thw, .l_index = l_index,
    .per = div_up (thw, sample_parts), .sample_parts = sample_parts,
    .n_parts = batch * sample_parts,
  };
  return TRUE;
}

void
ddl_op_pseudo_blend (DdlCmd *cmd, DdlBinding xa, DdlBinding x, DdlBinding noise,
                     DdlBinding mask, DdlBinding l, guint l_index, guint batch,
                     guint channels, guint64 thw)
{
  DdlBlendParams p;
  if (!blend_params (cmd, "pseudo blend", &p, x, noise, mask, l, l_index, batch, channels, thw)
      || !check_floats (cmd, "pseudo blend", "xa", xa, p.n))
    return;
  ddl_cmd_dispatch (cmd, DDL_KERNEL_pseudo_blend, (DdlBinding[]) { x, noise, mask, l, xa },
                    &p, p.n / channels);
}

void
ddl_op_pseudo_blend_backward (DdlCmd *cmd, DdlBinding dx, DdlBinding dl, guint dl_index,
                              DdlBinding dxa, DdlBinding x, DdlBinding noise,
                              DdlBinding mask, DdlBinding l, guint l_index, guint batch,
                              guint channels, guint64 thw)
{
  const char *op = "pseudo blend backward";
  DdlBlendParams p;

  if (!blend_params (cmd, op, &p, x, noise, mask, l, l_index, batch, channels, thw)
      || !check_floats (cmd, op, "dxa", dxa, p.n)
      || !check_floats (cmd, op, "dl", dl, (guint64) dl_index + 1))
    return;
  if (dx.buffer != NULL)
    {
      if (!check_floats (cmd, op, "dx", dx, p.n))
        return;
      p.flags |= DDL_BLEND_FLAG_DX;
    }
  else
    dx = placeholder (cmd);
  p.grad_index = dl_index;

  DdlBuffer *partials = ddl_cmd_scratch (cmd, (gsize) p.n_parts * sizeof (float));
  DdlBuffer *sum = ddl_cmd_scratch (cmd, sizeof (float));
  if (partials == NULL || sum == NULL || dx.buffer == NULL)
    return;
  ddl_cmd_dispatch (cmd, DDL_KERNEL_pseudo_blend_bwd,
                    (DdlBinding[]) { x, noise, mask, l, dxa, DDL_BIND (partials), dx },
                    &p, p.n_parts);
  ddl_op_reduce_rows (cmd, DDL_BIND (sum), DDL_BIND (partials), 1, p.n_parts, 1.0f, 0.0f);
  ddl_cmd_dispatch (cmd, DDL_KERNEL_pseudo_blend_dl, (DdlBinding[]) { DDL_BIND (sum), l, dl },
                    &p, 1);
}

/* --- Adam ---------------------------------------------------------------------------- */

void
ddl_adam_config_init (DdlAdamConfig *cfg)
{
  *cfg = (DdlAdamConfig) { 0.9, 0.999, 1e-8 };
}

void
ddl_op_adam_update (DdlCmd *cmd, const DdlAdamConfig *cfg, DdlBinding param,
                    DdlBinding m, DdlBinding v, DdlBinding grad, DdlBinding state,
                    guint state_index, guint64 first, guint64 n)
{
  const char *op = "adam";
  guint64 end = first + n;

  if (n == 0)
    return;
  if (end > G_MAXUINT32)
    {
      fail (cmd, DDL_ENGINE_ERROR_LIMIT, "%s: %" G_GUINT64_FORMAT " parameters do not fit "
            "32-bit indices", op, end);
      return;
    }
  if (!(cfg->beta1 >= 0.0 && cfg->beta1 < 1.0 && cfg->beta2 >= 0.0 && cfg->beta2 < 1.0))
    {
      fail (cmd, DDL_ENGINE_ERROR_FAILED, "%s: betas (%g, %g) must lie in [0, 1)", op,
            cfg->beta1, cfg->beta2);
      return;
    }
  if (!check_floats (cmd, op, "param", param, end) || !check_floats (cmd, op, "m", m, end)
      || !check_floats (cmd, op, "v", v, end) || !check_floats (cmd, op, "grad", grad, end)
      || !check_floats (cmd, op, "state", state, (guint64) state_index + 2))
    return;
  /* ln (beta) in double on the host: the kernel's bias corrections
   * 1 - beta^t = -expm1 (t ln beta) then keep full float precision at small t. A beta
   * of 0 gives ln = -inf, and 1 - 0^t = 1 as it should. */
  DdlAdamParams p = {
    .n = n, .offset = first, .state_index = state_index,
    .beta1 = cfg->beta1, .beta2 = cfg->beta2, .eps = cfg->eps,
    .log_beta1 = cfg->beta1 > 0.0 ? (float) log (cfg->beta1) : -INFINITY,
    .log_beta2 = cfg->beta2 > 0.0 ? (float) log (cfg->beta2) : -INFINITY,
    .one_minus_beta1 = (float) (1.0 - cfg->beta1),
    .one_minus_beta2 = (float) (1.0 - cfg->beta2),
  };
  ddl_cmd_dispatch (cmd, DDL_KERNEL_adam_update,
                    (DdlBinding[]) { grad, state, param, m, v, param, m, v }, &p, n);
}

void
ddl_op_adam_step (DdlCmd *cmd, const DdlAdamConfig *cfg, DdlBinding param,
                  DdlBinding m, DdlBinding v, DdlBinding grad, DdlBinding state,
                  guint state_index, guint64 first, guint64 n)
{
  ddl_op_counter_add (cmd, state, state_index, 1.0f);
  ddl_op_adam_update (cmd, cfg, param, m, v, grad, state, state_index, first, n);
}

/* --- frame scoring -------------------------------------------------------------------- */

void
ddl_score_config_init (DdlScoreConfig *cfg, guint batch, guint channels, guint height,
                       guint width)
{
  *cfg = (DdlScoreConfig) {
    .batch = batch, .channels = channels, .height = height, .width = width,
    .frames = 1, .frame = 0, .patch = 16, .divisor = sqrtf (3.0f),
  };
}

static void
score_grid (const DdlScoreConfig *cfg, DdlScoreParams *p)
{
  guint P = cfg->patch, crop = 2 * (P / 2);
  p->outer_x = cfg->width / P;
  p->outer_y = cfg->height / P;
  p->inner_x = cfg->width > crop ? (cfg->width - crop) / P : 0;
  p->inner_y = cfg->height > crop ? (cfg->height - crop) / P : 0;
  p->n_patches = p->outer_x * p->outer_y + p->inner_x * p->inner_y;
}

guint
ddl_score_n_patches (const DdlScoreConfig *cfg)
{
  DdlScoreParams p = { 0 };
  if (cfg->patch == 0)
    return 0;
  score_grid (cfg, &p);
  return p.n_patches;
}

/* dst[r] = max of src[r * len .. (r + 1) * len), in chunks of at most MAX_CHUNK. */
static void
record_row_max (DdlCmd *cmd, DdlBinding dst, DdlBinding src, guint rows, guint64 len)
{
  while (TRUE)
    {
      guint64 n_chunks = div_up (len, MAX_CHUNK);
      DdlBinding out = dst;
      if (n_chunks > 1)
        {
          DdlBuffer *partial = ddl_cmd_scratch (cmd, rows * n_chunks * sizeof (float));
          if (partial == NULL)
            return;
          out = DDL_BIND (partial);
        }
      DdlReduceParams p = {
        .n_groups = rows * n_chunks, .row_len = len,
        .chunk_len = div_up (len, n_chunks), .n_chunks = n_chunks,
      };
      ddl_cmd_dispatch (cmd, DDL_KERNEL_score_max, (DdlBinding[]) { src, out }, &p, p.n_groups);
      if (n_chunks == 1)
        return;
      src = out;
      len = n_chunks;
    }
}

void
ddl_op_score_frames (DdlCmd *cmd, const DdlScoreConfig *cfg, DdlBinding scores,
                     DdlBinding error_map, DdlBinding x, DdlBinding rec)
{
  const char *op = "score frames";
  guint64 pixels = (guint64) cfg->batch * cfg->height * cfg->width;
  guint64 frame = pixels * cfg->channels;

  if (pixels == 0 || cfg->channels == 0 || cfg->frame >= cfg->frames)
    {
      fail (cmd, DDL_ENGINE_ERROR_FAILED, "%s: bad shape B%u C%u frame %u of %u, %ux%u", op,
            cfg->batch, cfg->channels, cfg->frame, cfg->frames, cfg->height, cfg->width);
      return;
    }
  if (cfg->patch == 0 || cfg->patch > MAX_PATCH || cfg->patch > cfg->height
      || cfg->patch > cfg->width)
    {
      fail (cmd, DDL_ENGINE_ERROR_LIMIT, "%s: patch %u must be in 1..min (%u, H = %u, W = %u)",
            op, cfg->patch, MAX_PATCH, cfg->height, cfg->width);
      return;
    }
  if (frame * cfg->frames > G_MAXUINT32 || cfg->channels > MAX_CHANNELS)
    {
      fail (cmd, DDL_ENGINE_ERROR_LIMIT, "%s: B%u C%u T%u %ux%u is too large", op, cfg->batch,
            cfg->channels, cfg->frames, cfg->height, cfg->width);
      return;
    }
  if (!(cfg->divisor > 0.0f))
    {
      fail (cmd, DDL_ENGINE_ERROR_FAILED, "%s: divisor %g must be positive", op, cfg->divisor);
      return;
    }
  if (!check_floats (cmd, op, "x", x, frame * cfg->frames)
      || !check_floats (cmd, op, "rec", rec, frame)
      || !check_floats (cmd, op, "scores", scores, cfg->batch))
    return;
  if (error_map.buffer != NULL)
    {
      if (!check_floats (cmd, op, "error map", error_map, pixels))
        return;
    }
  else
    {
      DdlBuffer *map = ddl_cmd_scratch (cmd, pixels * sizeof (float));
      if (map == NULL)
        return;
      error_map = DDL_BIND (map);
    }

  DdlScoreParams p = {
    .batch = cfg->batch, .height = cfg->height, .width = cfg->width,
    .channels = cfg->channels, .frames = cfg->frames, .frame = cfg->frame,
    .patch_size = cfg->patch, .inv_d = 1.0f / cfg->divisor,
  };
  score_grid (cfg, &p);
  DdlBuffer *means = ddl_cmd_scratch (cmd, (gsize) cfg->batch * p.n_patches * sizeof (float));
  if (means == NULL)
    return;
  ddl_cmd_dispatch (cmd, DDL_KERNEL_score_map, (DdlBinding[]) { x, rec, error_map }, &p, pixels);
  ddl_cmd_dispatch (cmd, DDL_KERNEL_score_patches, (DdlBinding[]) { error_map, DDL_BIND (means) },
                    &p, (guint64) cfg->batch * p.n_patches);
  record_row_max (cmd, scores, DDL_BIND (means), cfg->batch, p.n_patches);
}
