/* Benchmark cases of the loss family (`ddl bench kernels`): the DDL loss forward and
 * backward, frame scoring, Adam and the pseudo-anomaly blend. */
#include "ddl-ops.h"
#include "ddl-bench.h"

#include <math.h>

#define BENCH_MAX_BUFFERS 10

typedef struct {
  DdlBuffer     *buf[BENCH_MAX_BUFFERS];
  DdlLossConfig  loss;
  DdlScoreConfig score;
  DdlAdamConfig  adam;
  guint64        n;
} LossBench;

static void
loss_bench_free (gpointer data)
{
  LossBench *lb = data;
  for (guint i = 0; i < BENCH_MAX_BUFFERS; i++)
    g_clear_pointer (&lb->buf[i], ddl_buffer_free);
  g_free (lb);
}

/* Deterministic values in [lo, hi) (the content only matters for the masked branch). */
static DdlBuffer *
bench_buffer (DdlEngine *engine, gsize n, guint32 seed, float lo, float hi)
{
  g_autofree float *data = g_new (float, n);
  guint32 s = seed * 2654435761u + 12345u;
  for (gsize i = 0; i < n; i++)
    {
      s = s * 1664525u + 1013904223u;
      data[i] = lo + (hi - lo) * (float) (s >> 8) / 16777216.0f;
    }
  return ddl_buffer_new_floats (engine, data, n, NULL);
}

/* A (B, H, W) mask with one box per sample, a quarter of the frame. */
static DdlBuffer *
bench_mask (DdlEngine *engine, guint batch, guint height, guint width)
{
  gsize hw = (gsize) height * width;
  g_autofree float *data = g_new0 (float, batch * hw);
  for (guint b = 0; b < batch; b++)
    for (guint y = height / 4; y < height / 2 + height / 4; y++)
      for (guint x = width / 4; x < width / 2 + width / 4; x++)
        data[b * hw + (gsize) y * width + x] = 1.0f;
  return ddl_buffer_new_floats (engine, data, batch * hw, NULL);
}

static gboolean
bench_ready (LossBench *lb, guint n_buffers, GError **error)
{
  for (guint i = 0; i < n_buffers; i++)
    if (lb->buf[i] == NULL)
      {
        g_set_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_OUT_OF_MEMORY,
                     "loss benchmark: cannot allocate its buffers");
        return FALSE;
      }
  return TRUE;
}

static gboolean
record_loss (DdlCmd *cmd, gpointer data, GError **error)
{
  LossBench *lb = data;
  DdlBuffer **b = lb->buf;
  if (!bench_ready (lb, 9, error))
    return FALSE;
  /* x, xa, rec_n, rec_a, mask, values, drec_n, drec_a, dxa */
  ddl_op_loss_forward (cmd, &lb->loss, DDL_BIND (b[5]), DDL_BIND (b[0]), DDL_BIND (b[1]),
                       DDL_BIND (b[2]), DDL_BIND (b[3]), DDL_BIND (b[4]));
  ddl_op_loss_backward (cmd, &lb->loss, DDL_BIND (b[6]), DDL_BIND (b[7]), DDL_BIND (b[8]), FALSE,
                        DDL_BIND (b[5]), DDL_BIND_NONE, DDL_BIND (b[0]), DDL_BIND (b[1]),
                        DDL_BIND (b[2]), DDL_BIND (b[3]), DDL_BIND (b[4]));
  return TRUE;
}

static gboolean
record_score (DdlCmd *cmd, gpointer data, GError **error)
{
  LossBench *lb = data;
  if (!bench_ready (lb, 4, error))
    return FALSE;
  ddl_op_score_frames (cmd, &lb->score, DDL_BIND (lb->buf[2]), DDL_BIND (lb->buf[3]),
                       DDL_BIND (lb->buf[0]), DDL_BIND (lb->buf[1]));
  return TRUE;
}

static gboolean
record_adam (DdlCmd *cmd, gpointer data, GError **error)
{
  LossBench *lb = data;
  DdlBuffer **b = lb->buf;
  if (!bench_ready (lb, 5, error))
    return FALSE;
  ddl_op_adam_step (cmd, &lb->adam, DDL_BIND (b[0]), DDL_BIND (b[1]), DDL_BIND (b[2]),
                    DDL_BIND (b[3]), DDL_BIND (b[4]), 0, 0, lb->n);
  return TRUE;
}

static gboolean
record_noise_blend (DdlCmd *cmd, gpointer data, GError **error)
{
  LossBench *lb = data;
  DdlBuffer **b = lb->buf;
  guint64 thw = lb->n / (lb->loss.batch * lb->loss.channels);
  if (!bench_ready (lb, 7, error))
    return FALSE;
  /* x, noise, mask (B, T, H, W), l, xa, dl, dx; the noise counter sits in l's buffer. */
  ddl_op_counter_add (cmd, DDL_BIND (b[3]), 1, 1.0f);
  ddl_op_noise_uniform (cmd, DDL_BIND (b[1]), lb->n, 42, 0, DDL_BIND (b[3]), 1);
  ddl_op_pseudo_blend (cmd, DDL_BIND (b[4]), DDL_BIND (b[0]), DDL_BIND (b[1]), DDL_BIND (b[2]),
                       DDL_BIND (b[3]), 0, lb->loss.batch, lb->loss.channels, thw);
  ddl_op_pseudo_blend_backward (cmd, DDL_BIND (b[6]), DDL_BIND (b[5]), 0, DDL_BIND (b[4]),
                                DDL_BIND (b[0]), DDL_BIND (b[1]), DDL_BIND (b[2]),
                                DDL_BIND (b[3]), 0, lb->loss.batch, lb->loss.channels, thw);
  return TRUE;
}

void
ddl_bench_add_loss (DdlBench *bench)
{
  DdlEngine *engine = ddl_bench_get_engine (bench);
  LossBench *lb;

  /* The training loss at the reference batch, 128 x 128. */
  {
    guint B = 10, C = 3, H = 128, W = 128;
    gsize frame = (gsize) B * C * H * W;
    lb = g_new0 (LossBench, 1);
    ddl_loss_config_init (&lb->loss, B, C, H, W);
    for (guint i = 0; i < 4; i++)
      lb->buf[i] = bench_buffer (engine, frame, i + 1, 0.0f, 1.0f);
    lb->buf[4] = bench_mask (engine, B, H, W);
    lb->buf[5] = bench_buffer (engine, DDL_LOSS_N_VALUES, 9, 0.0f, 0.0f);
    for (guint i = 6; i < 9; i++)
      lb->buf[i] = bench_buffer (engine, frame, 0, 0.0f, 0.0f);
    /* Compulsory: read x, xa, rec_n, rec_a and the mask once, write three gradients. */
    ddl_bench_case (bench, "ddl_loss", "B10 C3 128x128 fwd+bwd", 0,
                    (7.0 * frame + (double) B * H * W) * 4, record_loss, lb, loss_bench_free);
  }

  /* Scoring at the reference test size, error map kept. */
  {
    guint B = 10, C = 3, H = 256, W = 256;
    gsize frame = (gsize) B * C * H * W;
    lb = g_new0 (LossBench, 1);
    ddl_score_config_init (&lb->score, B, C, H, W);
    lb->buf[0] = bench_buffer (engine, frame, 1, 0.0f, 1.0f);
    lb->buf[1] = bench_buffer (engine, frame, 2, 0.0f, 1.0f);
    lb->buf[2] = bench_buffer (engine, B, 0, 0.0f, 0.0f);
    lb->buf[3] = bench_buffer (engine, (gsize) B * H * W, 0, 0.0f, 0.0f);
    ddl_bench_case (bench, "score_frames", "B10 C3 256x256 P16", 0,
                    (2.0 * frame + (double) B * H * W) * 4, record_score, lb, loss_bench_free);
  }

  /* Adam over a C3DSU(64)-sized flat parameter buffer. */
  {
    guint64 n = 1500000;
    float state[2] = { 0.0f, 1e-3f };
    lb = g_new0 (LossBench, 1);
    lb->n = n;
    ddl_adam_config_init (&lb->adam);
    lb->buf[0] = bench_buffer (engine, n, 1, -0.1f, 0.1f);
    lb->buf[1] = bench_buffer (engine, n, 0, 0.0f, 0.0f);
    lb->buf[2] = bench_buffer (engine, n, 0, 0.0f, 0.0f);
    lb->buf[3] = bench_buffer (engine, n, 2, -1.0f, 1.0f);
    lb->buf[4] = ddl_buffer_new_floats (engine, state, 2, NULL);
    ddl_bench_case (bench, "adam", "1.5M params", 0, 7.0 * n * 4, record_adam, lb,
                    loss_bench_free);
  }

  /* Noise + pseudo-anomaly blend forward and backward over a training clip batch. */
  {
    guint B = 10, C = 3, T = 3, H = 128, W = 128;
    gsize n = (gsize) B * C * T * H * W;
    float l_state[2] = { 0.0f, 0.0f };
    lb = g_new0 (LossBench, 1);
    lb->n = n;
    ddl_loss_config_init (&lb->loss, B, C, H, W);
    lb->buf[0] = bench_buffer (engine, n, 1, 0.0f, 1.0f);
    lb->buf[1] = bench_buffer (engine, n, 0, 0.0f, 0.0f);
    lb->buf[2] = bench_mask (engine, B * T, H, W);
    lb->buf[3] = ddl_buffer_new_floats (engine, l_state, 2, NULL);
    lb->buf[4] = bench_buffer (engine, n, 0, 0.0f, 0.0f);
    lb->buf[5] = bench_buffer (engine, 1, 0, 0.0f, 0.0f);
    lb->buf[6] = bench_buffer (engine, n, 0, 0.0f, 0.0f);
    /* noise write; blend: read x, noise, mask, write xa; backward: read x, noise, mask,
     * dxa, write dx. */
    ddl_bench_case (bench, "noise_blend", "B10 C3 T3 128x128 fwd+bwd", 0,
                    (10.0 * n + 2.0 * n / C) * 4, record_noise_blend, lb, loss_bench_free);
  }
}
