/* Benchmark cases of the layers family (`ddl bench kernels layers`). These kernels
 * are memory bound: the cases report GB/s of compulsory traffic (every tensor
 * read or written once), so extra passes show up as a lower rate. */
#include "ddl-ops.h"
#include "ddl-bench.h"

typedef enum {
  CASE_BN_FWD_TRAIN,
  CASE_BN_BWD,
  CASE_BN_FWD_EVAL,
  CASE_RELU,
  CASE_DROPOUT,
  CASE_SHUFFLE,
  CASE_UNSHUFFLE,
  CASE_CONCAT,
  CASE_CLIP_TO_FRAMES,
} CaseKind;

typedef struct {
  CaseKind   kind;
  guint      B, C, H, W;
  DdlBuffer *buffers[8];
} LayersCase;

static void
layers_case_free (gpointer data)
{
  LayersCase *lc = data;

  for (guint k = 0; k < G_N_ELEMENTS (lc->buffers); k++)
    g_clear_pointer (&lc->buffers[k], ddl_buffer_free);
  g_free (lc);
}

/* Allocates lc->buffers[0..n) with the given float counts; FALSE on error. */
static gboolean
alloc_buffers (LayersCase *lc, DdlEngine *engine, const gsize *floats, guint n, GError **error)
{
  for (guint k = 0; k < n; k++)
    {
      g_autofree float *data = g_new (float, floats[k]);
      /* Varied positive values: valid variances, no denormals. */
      for (gsize i = 0; i < floats[k]; i++)
        data[i] = (float) ((i * 2654435761u) % 1000) / 500.0f + 0.1f;
      lc->buffers[k] = ddl_buffer_new_floats (engine, data, floats[k], error);
      if (lc->buffers[k] == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
record_case (DdlCmd *cmd, gpointer user_data, GError **error)
{
  LayersCase *lc = user_data;
  DdlEngine *engine = ddl_cmd_get_engine (cmd);
  gsize n = (gsize) lc->B * lc->C * lc->H * lc->W;
  DdlBuffer **b = lc->buffers;

  switch (lc->kind)
    {
    case CASE_BN_FWD_TRAIN:
    case CASE_BN_BWD:
    case CASE_BN_FWD_EVAL:
      {
        /* x, y, dy, dx, gamma, beta, (mean, invstd), (running mean, var) */
        gsize floats[] = { n, n, n, n, lc->C, lc->C, 2 * lc->C, 2 * lc->C };
        if (!alloc_buffers (lc, engine, floats, G_N_ELEMENTS (floats), error))
          return FALSE;
        DdlBinding mean = DDL_BIND_FLOATS (b[6], 0, lc->C);
        DdlBinding invstd = DDL_BIND_FLOATS (b[6], lc->C, lc->C);
        DdlBinding rmean = DDL_BIND_FLOATS (b[7], 0, lc->C);
        DdlBinding rvar = DDL_BIND_FLOATS (b[7], lc->C, lc->C);
        if (lc->kind == CASE_BN_FWD_TRAIN)
          ddl_op_batchnorm_fwd_train (cmd, DDL_BIND (b[1]), mean, invstd, rmean, rvar,
                                      DDL_BIND (b[0]), DDL_BIND (b[4]), DDL_BIND (b[5]),
                                      lc->B, lc->C, lc->H, lc->W, DDL_BATCHNORM_EPS,
                                      DDL_BATCHNORM_MOMENTUM, TRUE);
        else if (lc->kind == CASE_BN_BWD)
          ddl_op_batchnorm_bwd (cmd, DDL_BIND (b[3]), DDL_BIND (b[4]), DDL_BIND (b[5]),
                                DDL_BIND (b[2]), DDL_BIND (b[0]), DDL_BIND (b[1]), mean, invstd,
                                DDL_BIND (b[4]), lc->B, lc->C, lc->H, lc->W, TRUE, TRUE);
        else
          ddl_op_batchnorm_fwd_eval (cmd, DDL_BIND (b[1]), DDL_BIND (b[0]), DDL_BIND (b[4]),
                                     DDL_BIND (b[5]), rmean, DDL_BIND_FLOATS (b[6], 0, lc->C),
                                     lc->B, lc->C, lc->H, lc->W, DDL_BATCHNORM_EPS, TRUE);
        break;
      }
    case CASE_RELU:
    case CASE_DROPOUT:
      {
        gsize floats[] = { n, n, 1 };
        if (!alloc_buffers (lc, engine, floats, G_N_ELEMENTS (floats), error))
          return FALSE;
        if (lc->kind == CASE_RELU)
          ddl_op_relu_fwd (cmd, DDL_BIND (b[1]), DDL_BIND (b[0]), n);
        else
          ddl_op_dropout_fwd (cmd, DDL_BIND (b[1]), DDL_BIND (b[0]), n, 0.5f, 7, DDL_BIND (b[2]));
        break;
      }
    case CASE_SHUFFLE:
    case CASE_UNSHUFFLE:
      {
        /* C is the high-resolution side's channels, H x W the low-resolution size. */
        gsize floats[] = { n * 4, n * 4 };
        if (!alloc_buffers (lc, engine, floats, G_N_ELEMENTS (floats), error))
          return FALSE;
        if (lc->kind == CASE_SHUFFLE)
          ddl_op_pixel_shuffle_fwd (cmd, DDL_BIND (b[1]), DDL_SLICE_ALL, DDL_BIND (b[0]),
                                    DDL_SLICE_ALL, lc->B, lc->C, lc->H, lc->W, FALSE);
        else
          ddl_op_pixel_unshuffle_fwd (cmd, DDL_BIND (b[1]), DDL_SLICE_ALL, DDL_BIND (b[0]),
                                      DDL_SLICE_ALL, lc->B, lc->C, lc->H, lc->W, FALSE);
        break;
      }
    case CASE_CONCAT:
      {
        /* Two (B, C, H, W) tensors into (B, 2C, H, W). */
        gsize floats[] = { n, n, 2 * n };
        if (!alloc_buffers (lc, engine, floats, G_N_ELEMENTS (floats), error))
          return FALSE;
        DdlBinding srcs[] = { DDL_BIND (b[0]), DDL_BIND (b[1]) };
        guint channels[] = { lc->C, lc->C };
        ddl_op_concat_fwd (cmd, DDL_BIND (b[2]), srcs, channels, 2, lc->B, lc->H * lc->W);
        break;
      }
    case CASE_CLIP_TO_FRAMES:
      {
        /* A (1, C, B, H, W) clip: B plays the frame count. */
        gsize floats[] = { n, n };
        if (!alloc_buffers (lc, engine, floats, G_N_ELEMENTS (floats), error))
          return FALSE;
        ddl_op_clip_to_frames (cmd, DDL_BIND (b[1]), DDL_BIND (b[0]), 1, lc->C, lc->B,
                               lc->H * lc->W, FALSE);
        break;
      }
    }
  return TRUE;
}

static void
add_case (DdlBench *bench, const char *kernel, CaseKind kind, guint B, guint C, guint H, guint W,
          double tensors)
{
  LayersCase *lc = g_new0 (LayersCase, 1);
  g_autofree char *shape = g_strdup_printf ("B%u C%u %ux%u", B, C, H, W);

  lc->kind = kind;
  lc->B = B;
  lc->C = C;
  lc->H = H;
  lc->W = W;
  ddl_bench_case (bench, kernel, shape, 0.0, tensors * B * C * H * W * sizeof (float),
                  record_case, lc, layers_case_free);
}

void
ddl_bench_add_layers (DdlBench *bench)
{
  /* Compulsory traffic in tensors of B * C * H * W floats. */
  add_case (bench, "batchnorm_fwd_train+relu", CASE_BN_FWD_TRAIN, 4, 32, 64, 64, 2);  /* x, y */
  add_case (bench, "batchnorm_bwd+relu", CASE_BN_BWD, 4, 32, 64, 64, 4);        /* dy, x, y, dx */
  add_case (bench, "batchnorm_fwd_eval+relu", CASE_BN_FWD_EVAL, 4, 32, 64, 64, 2);
  add_case (bench, "batchnorm_fwd_train+relu", CASE_BN_FWD_TRAIN, 2, 192, 128, 128, 2);
  add_case (bench, "batchnorm_bwd+relu", CASE_BN_BWD, 2, 192, 128, 128, 4);
  add_case (bench, "relu_fwd", CASE_RELU, 4, 32, 64, 64, 2);
  add_case (bench, "dropout_fwd p0.5", CASE_DROPOUT, 4, 32, 64, 64, 2);
  add_case (bench, "pixel_shuffle", CASE_SHUFFLE, 4, 32, 32, 32, 8);      /* 4x the floats, r + w */
  add_case (bench, "pixel_unshuffle", CASE_UNSHUFFLE, 4, 32, 32, 32, 8);
  add_case (bench, "concat", CASE_CONCAT, 4, 32, 64, 64, 4);              /* 2 read, 2 written */
  add_case (bench, "clip_to_frames", CASE_CLIP_TO_FRAMES, 3, 64, 64, 64, 2);
}
