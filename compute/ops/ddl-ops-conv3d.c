/* Conv3d operators: KT x 3 x 3 convolution over strided tensors, forward, data
 * gradient and weight/bias gradient (see ddl-ops-conv3d.h and
 * shaders/params-conv3d.h). The host's work is sizing dispatches for lavapipe's
 * loop limit: the direct kernel runs its reduction channels in chunks that
 * accumulate into the output, the weight gradient writes partial sums over row
 * chunks that ddl_op_reduce_rows adds up. */
#include "ddl-ops.h"
#include "ddl-bench.h"

/* Loop trips the direct kernel may spend outside its channel loop (generous: its
 * other loops are unrolled). */
#define DIRECT_OVERHEAD_TRIPS 256
/* The same for the weight-gradient kernel, and the pixels one of its invocations
 * should cover so that its 9 * blocks partial stores stay a small cost. */
#define WEIGHT_OVERHEAD_TRIPS 64
#define WEIGHT_TARGET_PIXELS  2048
#define DEFAULT_PARTIAL_LIMIT (32u << 20)

static gsize partial_limit = DEFAULT_PARTIAL_LIMIT;
static DdlConv3dBlocks forced_blocks = DDL_CONV3D_BLOCKS_AUTO;

void
ddl_op_conv3d_set_partial_limit (gsize bytes)
{
  partial_limit = bytes != 0 ? bytes : DEFAULT_PARTIAL_LIMIT;
}

void
ddl_op_conv3d_set_blocks (DdlConv3dBlocks blocks)
{
  forced_blocks = blocks;
}

static void
layout_strides (DdlConv3dLayout layout, guint C, guint T, guint H, guint W,
                guint64 *sB, guint64 *sC, guint64 *sT)
{
  guint64 hw = (guint64) H * W;

  *sB = (guint64) C * T * hw;
  if (layout == DDL_CONV3D_FRAMES)
    {
      *sC = hw;
      *sT = C * hw;
    }
  else
    {
      *sC = T * hw;
      *sT = hw;
    }
}

void
ddl_conv3d_shape_init (DdlConv3dShape *shape, guint B, guint Cin, guint Cout, guint T, guint H,
                       guint W, guint KT, guint t0, guint t1, DdlConv3dLayout in_layout,
                       DdlConv3dLayout out_layout)
{
  *shape = (DdlConv3dShape) {
    .B = B, .Cin = Cin, .Cout = Cout, .T = T, .H = H, .W = W, .KT = KT, .t0 = t0, .t1 = t1,
  };
  layout_strides (in_layout, Cin, T, H, W, &shape->in_sB, &shape->in_sC, &shape->in_sT);
  layout_strides (out_layout, Cout, t1 > t0 ? t1 - t0 : 0, H, W,
                  &shape->out_sB, &shape->out_sC, &shape->out_sT);
}

static guint64
extent (guint64 offset, guint64 sB, guint64 sC, guint64 sT, guint B, guint C, guint T, guint H,
        guint W)
{
  return offset + (B - 1) * sB + (C - 1) * sC + (T - 1) * sT + (guint64) H * W;
}

guint64
ddl_conv3d_shape_in_extent (const DdlConv3dShape *s)
{
  return extent (s->in_offset, s->in_sB, s->in_sC, s->in_sT, s->B, s->Cin, s->T, s->H, s->W);
}

guint64
ddl_conv3d_shape_out_extent (const DdlConv3dShape *s)
{
  return extent (s->out_offset, s->out_sB, s->out_sC, s->out_sT, s->B, s->Cout, s->t1 - s->t0,
                 s->H, s->W);
}

gboolean
ddl_conv3d_shape_check (const DdlConv3dShape *s, GError **error)
{
  const char *bad = NULL;

  if (s->B == 0 || s->Cin == 0 || s->Cout == 0 || s->T == 0 || s->H == 0 || s->W == 0)
    bad = "every size must be positive";
  else if (s->KT % 2 == 0)
    bad = "the temporal kernel size KT must be odd";
  else if (s->t0 >= s->t1 || s->t1 > s->T)
    bad = "the output frames [t0, t1) must be a non-empty range inside [0, T)";
  else if (DDL_CONV3D_DIRECT_TRIPS (s->KT) > DDL_LOOP_BUDGET - DIRECT_OVERHEAD_TRIPS)
    bad = "the temporal kernel size KT is too large";
  if (bad != NULL)
    {
      g_set_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_FAILED,
                   "conv3d: %s (B %u, C %u->%u, T %u, %ux%u, KT %u, frames [%u, %u))", bad,
                   s->B, s->Cin, s->Cout, s->T, s->H, s->W, s->KT, s->t0, s->t1);
      return FALSE;
    }
  /* The kernels index with 32-bit integers. */
  guint64 weights = (guint64) s->Cout * s->Cin * s->KT * 9;
  if (ddl_conv3d_shape_in_extent (s) > G_MAXUINT32 || ddl_conv3d_shape_out_extent (s) > G_MAXUINT32
      || weights > G_MAXUINT32)
    {
      g_set_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_LIMIT,
                   "conv3d: tensors of %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT " floats and %"
                   G_GUINT64_FORMAT " weights exceed 32-bit indexing; use a smaller batch",
                   ddl_conv3d_shape_in_extent (s), ddl_conv3d_shape_out_extent (s), weights);
      return FALSE;
    }
  return TRUE;
}

/* FALSE (and the error set on cmd) when shape is invalid or a binding holds
 * fewer than the floats it needs; a NULL buffer is skipped (optional bias). */
typedef struct {
  const char *name;
  DdlBinding  binding;
  guint64     floats;
} Need;

static gboolean
check_op (DdlCmd *cmd, const char *op, const DdlConv3dShape *shape, const Need *needs, guint n)
{
  GError *error = NULL;

  if (!ddl_conv3d_shape_check (shape, &error))
    {
      g_prefix_error (&error, "%s: ", op);
      ddl_cmd_set_error (cmd, error);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      DdlBuffer *buffer = needs[i].binding.buffer;
      if (buffer == NULL)
        continue;
      gsize size = ddl_buffer_get_size (buffer);
      gsize offset = needs[i].binding.offset;
      gsize have = offset > size ? 0
                   : (needs[i].binding.size != 0 ? needs[i].binding.size : size - offset) / 4;
      if (have < needs[i].floats)
        {
          ddl_cmd_set_error (cmd, g_error_new (DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_FAILED,
                                               "%s: the %s binding holds %" G_GSIZE_FORMAT
                                               " floats, the shape needs %" G_GUINT64_FORMAT,
                                               op, needs[i].name, have, needs[i].floats));
          return FALSE;
        }
    }
  return TRUE;
}

static guint64
direct_invocations (const DdlConv3dParams *p, guint co_block, guint y_block)
{
  return (guint64) ((p->C_dst + co_block - 1) / co_block) * p->B * p->n_dst_t
         * ((p->H + y_block - 1) / y_block) * p->n_xblk;
}

/* Records conv3d_direct in as many channel chunks as the loop budget needs;
 * chunks after the first accumulate into dst. The large register blocks are
 * used when they still give lavapipe's threads 8 workgroups. `base` carries
 * everything but the blocking, chunk fields and n. */
static void
record_direct (DdlCmd *cmd, DdlKernelId small, DdlKernelId large, const DdlBinding *bindings,
               DdlConv3dParams base, guint n_c_total, gboolean has_bias)
{
  guint max_c = (DDL_LOOP_BUDGET - DIRECT_OVERHEAD_TRIPS) / DDL_CONV3D_DIRECT_TRIPS (base.KT);
  guint64 want = 8 * (guint64) ddl_engine_local_size (ddl_cmd_get_engine (cmd));
  gboolean use_large = forced_blocks == DDL_CONV3D_BLOCKS_LARGE
    || (forced_blocks == DDL_CONV3D_BLOCKS_AUTO
        && direct_invocations (&base, DDL_CONV3D_LARGE_CO_BLOCK, DDL_CONV3D_LARGE_Y_BLOCK) >= want);
  guint y_block = use_large ? DDL_CONV3D_LARGE_Y_BLOCK : DDL_CONV3D_Y_BLOCK;
  guint64 n = direct_invocations (&base, use_large ? DDL_CONV3D_LARGE_CO_BLOCK : DDL_CONV3D_CO_BLOCK,
                                  y_block);

  if (n > G_MAXUINT32)
    {
      ddl_cmd_set_error (cmd, g_error_new (DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_LIMIT,
                                           "conv3d: %" G_GUINT64_FORMAT " invocations exceed "
                                           "32-bit indexing; use a smaller batch", n));
      return;
    }
  base.n = n;
  base.n_yblk = (base.H + y_block - 1) / y_block;
  for (guint c0 = 0; c0 < n_c_total; c0 += max_c)
    {
      DdlConv3dParams p = base;
      p.c0 = c0;
      p.n_c = MIN (max_c, n_c_total - c0);
      p.beta = c0 == 0 ? base.beta : 1.0f;
      p.add_bias = c0 == 0 && has_bias;
      ddl_cmd_dispatch (cmd, use_large ? large : small, bindings, &p, n);
    }
}

void
ddl_op_conv3d_fwd (DdlCmd *cmd, const DdlConv3dShape *s, DdlBinding out, DdlBinding in,
                   DdlBinding weight, DdlBinding bias)
{
  Need needs[] = {
    { "output", out, ddl_conv3d_shape_out_extent (s) },
    { "input", in, ddl_conv3d_shape_in_extent (s) },
    { "weight", weight, (guint64) s->Cout * s->Cin * s->KT * 9 },
    { "bias", bias, s->Cout },
  };
  if (!check_op (cmd, "conv3d_fwd", s, needs, G_N_ELEMENTS (needs)))
    return;

  gboolean has_bias = bias.buffer != NULL;
  DdlConv3dParams p = {
    .B = s->B, .C_dst = s->Cout, .H = s->H, .W = s->W,
    .n_xblk = (s->W + DDL_CONV3D_X_BLOCK - 1) / DDL_CONV3D_X_BLOCK,
    .n_dst_t = s->t1 - s->t0, .dst_t0 = s->t0, .src_t0 = 0, .src_t1 = s->T,
    .KT = s->KT, .pad = s->KT / 2,
    .w_s_dst = s->Cin * s->KT * 9, .w_s_src = s->KT * 9,
    .src_off = s->in_offset, .src_sB = s->in_sB, .src_sC = s->in_sC, .src_sT = s->in_sT,
    .dst_off = s->out_offset, .dst_sB = s->out_sB, .dst_sC = s->out_sC, .dst_sT = s->out_sT,
    .beta = 0.0f,
  };
  /* Without a bias the weight stands in for the unused binding. */
  DdlBinding bindings[] = { in, weight, has_bias ? bias : weight, out };
  record_direct (cmd, DDL_KERNEL_conv3d_fwd, DDL_KERNEL_conv3d_fwd_large, bindings, p, s->Cin,
                 has_bias);
}

void
ddl_op_conv3d_bwd_data (DdlCmd *cmd, const DdlConv3dShape *s, DdlBinding din, DdlBinding dout,
                        DdlBinding weight, gboolean accumulate)
{
  Need needs[] = {
    { "input gradient", din, ddl_conv3d_shape_in_extent (s) },
    { "output gradient", dout, ddl_conv3d_shape_out_extent (s) },
    { "weight", weight, (guint64) s->Cout * s->Cin * s->KT * 9 },
  };
  if (!check_op (cmd, "conv3d_bwd_data", s, needs, G_N_ELEMENTS (needs)))
    return;

  /* The correlation of dout (frames [t0, t1)) with the rotated kernel, input
   * and output channels swapped, written to all T frames of din. */
  DdlConv3dParams p = {
    .B = s->B, .C_dst = s->Cin, .H = s->H, .W = s->W,
    .n_xblk = (s->W + DDL_CONV3D_X_BLOCK - 1) / DDL_CONV3D_X_BLOCK,
    .n_dst_t = s->T, .dst_t0 = 0, .src_t0 = s->t0, .src_t1 = s->t1,
    .KT = s->KT, .pad = s->KT / 2,
    .w_s_dst = s->KT * 9, .w_s_src = s->Cin * s->KT * 9,
    .src_off = s->out_offset, .src_sB = s->out_sB, .src_sC = s->out_sC, .src_sT = s->out_sT,
    .dst_off = s->in_offset, .dst_sB = s->in_sB, .dst_sC = s->in_sC, .dst_sT = s->in_sT,
    .beta = accumulate ? 1.0f : 0.0f,
  };
  DdlBinding bindings[] = { dout, weight, din };
  record_direct (cmd, DDL_KERNEL_conv3d_bwd_data, DDL_KERNEL_conv3d_bwd_data_large, bindings, p,
                 s->Cout, FALSE);
}

void
ddl_op_conv3d_bwd_weight (DdlCmd *cmd, const DdlConv3dShape *s, DdlBinding dweight,
                          DdlBinding dbias, DdlBinding dout, DdlBinding in, gboolean accumulate)
{
  guint64 n_weights = (guint64) s->Cout * s->Cin * s->KT * 9;
  Need needs[] = {
    { "weight gradient", dweight, n_weights },
    { "bias gradient", dbias, s->Cout },
    { "output gradient", dout, ddl_conv3d_shape_out_extent (s) },
    { "input", in, ddl_conv3d_shape_in_extent (s) },
  };
  if (!check_op (cmd, "conv3d_bwd_weight", s, needs, G_N_ELEMENTS (needs)))
    return;

  guint max_rows = (DDL_LOOP_BUDGET - WEIGHT_OVERHEAD_TRIPS) / DDL_CONV3D_DW_ROW_TRIPS (s->W);
  if (max_rows == 0)
    {
      ddl_cmd_set_error (cmd, g_error_new (DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_LIMIT,
                                           "conv3d_bwd_weight: rows of %u pixels are too wide "
                                           "for the loop budget", s->W));
      return;
    }

  /* Rows of dout, chunked: about WEIGHT_TARGET_PIXELS per invocation, fewer when
   * that leaves lavapipe's threads too few workgroups. */
  guint n_t = s->t1 - s->t0;
  guint64 n_rows = (guint64) s->B * n_t * s->H;
  guint n_cib = (s->Cin + DDL_CONV3D_DW_CI_BLOCK - 1) / DDL_CONV3D_DW_CI_BLOCK;
  guint n_cob = (s->Cout + DDL_CONV3D_DW_CO_BLOCK - 1) / DDL_CONV3D_DW_CO_BLOCK;
  guint64 n_units = (guint64) n_cib * n_cob * s->KT;
  guint64 want = 8 * (guint64) ddl_engine_local_size (ddl_cmd_get_engine (cmd));
  guint64 rows_per_chunk = CLAMP ((WEIGHT_TARGET_PIXELS + s->W - 1) / s->W, 1, max_rows);
  while (rows_per_chunk > 1 && n_units * ((n_rows + rows_per_chunk - 1) / rows_per_chunk) < want)
    rows_per_chunk = (rows_per_chunk + 1) / 2;
  guint64 n_chunks = (n_rows + rows_per_chunk - 1) / rows_per_chunk;

  /* Partial sums of one pass must fit the scratch limit; more chunks take more
   * passes, each reduced into the result. */
  guint64 per_pass = MAX (1, partial_limit / sizeof (float) / (n_weights + s->Cout));
  per_pass = MIN (per_pass, n_chunks);
  if (n_units * per_pass > G_MAXUINT32 || (n_weights + s->Cout) * per_pass > G_MAXUINT32
      || n_rows > G_MAXUINT32)
    {
      ddl_cmd_set_error (cmd, g_error_new (DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_LIMIT,
                                           "conv3d_bwd_weight: %" G_GUINT64_FORMAT " weights over "
                                           "%" G_GUINT64_FORMAT " rows exceed 32-bit indexing",
                                           n_weights, n_rows));
      return;
    }
  DdlBuffer *wpart = ddl_cmd_scratch (cmd, n_weights * per_pass * sizeof (float));
  DdlBuffer *bpart = ddl_cmd_scratch (cmd, s->Cout * per_pass * sizeof (float));
  if (wpart == NULL || bpart == NULL)
    return;

  for (guint64 first = 0; first < n_chunks; first += per_pass)
    {
      guint64 chunks = MIN (per_pass, n_chunks - first);
      guint64 row0 = first * rows_per_chunk;
      DdlConv3dWeightParams p = {
        .n = n_units * chunks, .Cin = s->Cin, .Cout = s->Cout, .T = s->T, .H = s->H, .W = s->W,
        .KT = s->KT, .pad = s->KT / 2, .t0 = s->t0, .n_t = n_t, .n_cib = n_cib, .n_cob = n_cob,
        .n_chunks = chunks, .rows_per_chunk = rows_per_chunk,
        .row0 = row0, .row_end = MIN (n_rows, row0 + chunks * rows_per_chunk),
        .in_off = s->in_offset, .in_sB = s->in_sB, .in_sC = s->in_sC, .in_sT = s->in_sT,
        .dout_off = s->out_offset, .dout_sB = s->out_sB, .dout_sC = s->out_sC,
        .dout_sT = s->out_sT,
      };
      float beta = (first == 0 && !accumulate) ? 0.0f : 1.0f;

      ddl_cmd_dispatch (cmd, DDL_KERNEL_conv3d_bwd_weight,
                        (DdlBinding[]) { dout, in, DDL_BIND (wpart), DDL_BIND (bpart) }, &p, p.n);
      ddl_op_reduce_rows (cmd, dweight, DDL_BIND (wpart), n_weights, chunks, 1.0f, beta);
      if (dbias.buffer != NULL)
        ddl_op_reduce_rows (cmd, dbias, DDL_BIND (bpart), s->Cout, chunks, 1.0f, beta);
    }
}

/* Benchmarks: the skip connections of the model, centre frame only, on the
 * encoder's frame-major layout. */
typedef enum { BENCH_FWD, BENCH_BWD_DATA, BENCH_BWD_WEIGHT } BenchOp;

typedef struct {
  BenchOp         op;
  DdlConv3dShape  shape;
  DdlBuffer      *in, *out, *weight, *bias;
} Conv3dBench;

static void
conv3d_bench_free (gpointer data)
{
  Conv3dBench *c = data;
  g_clear_pointer (&c->in, ddl_buffer_free);
  g_clear_pointer (&c->out, ddl_buffer_free);
  g_clear_pointer (&c->weight, ddl_buffer_free);
  g_clear_pointer (&c->bias, ddl_buffer_free);
  g_free (c);
}

static DdlBuffer *
bench_buffer (DdlEngine *engine, guint64 n, GError **error)
{
  g_autofree float *data = g_new (float, n);
  guint32 state = 12345;
  for (guint64 i = 0; i < n; i++)
    {
      state = state * 1664525u + 1013904223u;
      data[i] = (state >> 8) / 16777216.0f - 0.5f;
    }
  return ddl_buffer_new_floats (engine, data, n, error);
}

static gboolean
record_conv3d_bench (DdlCmd *cmd, gpointer data, GError **error)
{
  Conv3dBench *c = data;
  const DdlConv3dShape *s = &c->shape;

  if (c->in == NULL)
    {
      DdlEngine *engine = ddl_cmd_get_engine (cmd);
      if (!(c->in = bench_buffer (engine, ddl_conv3d_shape_in_extent (s), error))
          || !(c->out = bench_buffer (engine, ddl_conv3d_shape_out_extent (s), error))
          || !(c->weight = bench_buffer (engine, (guint64) s->Cout * s->Cin * s->KT * 9, error))
          || !(c->bias = bench_buffer (engine, s->Cout, error)))
        return FALSE;
    }
  switch (c->op)
    {
    case BENCH_FWD:
      ddl_op_conv3d_fwd (cmd, s, DDL_BIND (c->out), DDL_BIND (c->in), DDL_BIND (c->weight),
                         DDL_BIND (c->bias));
      break;
    case BENCH_BWD_DATA:
      ddl_op_conv3d_bwd_data (cmd, s, DDL_BIND (c->in), DDL_BIND (c->out), DDL_BIND (c->weight),
                              FALSE);
      break;
    case BENCH_BWD_WEIGHT:
      ddl_op_conv3d_bwd_weight (cmd, s, DDL_BIND (c->weight), DDL_BIND (c->bias),
                                DDL_BIND (c->out), DDL_BIND (c->in), FALSE);
      break;
    }
  return TRUE;
}

static void
add_bench (DdlBench *bench, BenchOp op, guint B, guint C, guint T, guint HW)
{
  static const char *names[] = { "conv3d_fwd", "conv3d_bwd_data", "conv3d_bwd_weight" };
  Conv3dBench *c = g_new0 (Conv3dBench, 1);
  DdlConv3dShape *s = &c->shape;
  guint t0 = (T - 1) / 2;

  c->op = op;
  ddl_conv3d_shape_init (s, B, C, C, T, HW, HW, T, t0, t0 + 1, DDL_CONV3D_FRAMES,
                         DDL_CONV3D_FRAMES);
  /* Full taps counted at the borders, as the paper's MAC counts do. */
  double pixels = (double) B * HW * HW;
  double flops = 2.0 * pixels * C * C * T * 9;
  double in_bytes = 4.0 * pixels * C * T, out_bytes = 4.0 * pixels * C;
  double w_bytes = 4.0 * C * C * T * 9;
  g_autofree char *label = g_strdup_printf ("B%u C%u->%u T%u %ux%u k%ux3x3 centre", B, C, C, T,
                                            HW, HW, T);
  ddl_bench_case (bench, names[op], label, flops, in_bytes + out_bytes + w_bytes,
                  record_conv3d_bench, c, conv3d_bench_free);
}

void
ddl_bench_add_conv3d (DdlBench *bench)
{
  for (BenchOp op = BENCH_FWD; op <= BENCH_BWD_WEIGHT; op++)
    add_bench (bench, op, 2, 32, 3, 32);
  /* The L = 64 model's deepest skip (x4: 64 channels at 16 x 16, batch 4) and a
   * wide one (256 channels at 32 x 32, as the L = 512 model's x3). */
  for (BenchOp op = BENCH_FWD; op <= BENCH_BWD_WEIGHT; op++)
    add_bench (bench, op, 4, 64, 3, 16);
  for (BenchOp op = BENCH_FWD; op <= BENCH_BWD_WEIGHT; op++)
    add_bench (bench, op, 2, 256, 3, 32);
}
