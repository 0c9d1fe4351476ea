/* conv2d operators: weight packing, work splitting for lavapipe's loop limit,
 * chunked weight-gradient reductions (see ddl-ops-conv.h, shaders/conv2d_*.comp). */
#include "ddl-ops.h"
#include "ddl-bench.h"

/* Partial weight gradients may use this much scratch before the op trades
 * parallelism (fewer row chunks) for memory. */
#define DW_PARTIAL_LIMIT (64u << 20)
/* Workgroups a weight-gradient dispatch aims for: lavapipe splits a dispatch
 * statically over its threads, so it needs several equal ones per thread. */
#define DW_TARGET_GROUPS 16

typedef struct {
  DdlKernelId fwd, fwd_direct, dw, dw_direct;
  guint tm, rb;     /* forward blocking: output channels, rows */
  guint cl, tci;    /* weight-gradient blocking: channels per lane, input channels */
} ConvKernels;

static const ConvKernels *
conv_kernels (guint k)
{
  static const ConvKernels table[] = {
    { DDL_KERNEL_conv2d_fwd_k1, DDL_KERNEL_conv2d_fwd_k1_direct, DDL_KERNEL_conv2d_dw_k1,
      DDL_KERNEL_conv2d_dw_k1_direct, DDL_CONV2D_K1_TM, DDL_CONV2D_K1_RB, DDL_CONV2D_K1_CL,
      DDL_CONV2D_K1_TCI },
    { DDL_KERNEL_conv2d_fwd_k3, DDL_KERNEL_conv2d_fwd_k3_direct, DDL_KERNEL_conv2d_dw_k3,
      DDL_KERNEL_conv2d_dw_k3_direct, DDL_CONV2D_K3_TM, DDL_CONV2D_K3_RB, DDL_CONV2D_K3_CL,
      DDL_CONV2D_K3_TCI },
    { DDL_KERNEL_conv2d_fwd_k5, DDL_KERNEL_conv2d_fwd_k5_direct, DDL_KERNEL_conv2d_dw_k5,
      DDL_KERNEL_conv2d_dw_k5_direct, DDL_CONV2D_K5_TM, DDL_CONV2D_K5_RB, DDL_CONV2D_K5_CL,
      DDL_CONV2D_K5_TCI },
    { DDL_KERNEL_conv2d_fwd_k7, DDL_KERNEL_conv2d_fwd_k7_direct, DDL_KERNEL_conv2d_dw_k7,
      DDL_KERNEL_conv2d_dw_k7_direct, DDL_CONV2D_K7_TM, DDL_CONV2D_K7_RB, DDL_CONV2D_K7_CL,
      DDL_CONV2D_K7_TCI },
  };
  return k % 2 == 1 && k <= 7 ? &table[k / 2] : NULL;
}

static gboolean force_direct;

/* Testing aid: use the _direct kernels even where clusters would work, so that
 * the tests cover the code devices with small subgroups run. */
void
ddl_op_conv2d_force_direct (gboolean direct)
{
  force_direct = direct;
}

/* The cluster kernels need 8-lane clusters inside full subgroups. */
static gboolean
use_clusters (DdlEngine *engine)
{
  guint sg = ddl_engine_subgroup_size (engine), ls = ddl_engine_local_size (engine);
  return !force_direct && sg % 8 == 0 && ls % sg == 0;
}

static guint
in_ctotal (const DdlConv2dShape *s)
{
  return s->in_ctotal != 0 ? s->in_ctotal : s->Cin;
}

static guint
out_ctotal (const DdlConv2dShape *s)
{
  return s->out_ctotal != 0 ? s->out_ctotal : s->Cout;
}

gboolean
ddl_conv2d_shape_check (const DdlConv2dShape *s, GError **error)
{
  const char *bad = NULL;
  guint64 hw = (guint64) s->H * s->W;

  if (conv_kernels (s->K) == NULL)
    bad = "K must be 1, 3, 5 or 7";
  else if (s->B == 0 || s->Cin == 0 || s->Cout == 0 || s->H == 0 || s->W == 0)
    bad = "B, Cin, Cout, H and W must be positive";
  else if ((guint64) s->in_c0 + s->Cin > in_ctotal (s))
    bad = "input channels [in_c0, in_c0 + Cin) exceed in_ctotal";
  else if ((guint64) s->out_c0 + s->Cout > out_ctotal (s))
    bad = "output channels [out_c0, out_c0 + Cout) exceed out_ctotal";
  else if ((guint64) s->B * MAX (in_ctotal (s), out_ctotal (s)) * hw > G_MAXUINT32
           || (guint64) s->Cout * s->Cin * s->K * s->K * 16 > G_MAXUINT32)
    bad = "tensors exceed 2^32 elements";
  if (bad == NULL)
    return TRUE;
  g_set_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_FAILED,
               "conv2d (B%u C%u->%u %ux%u k%u): %s", s->B, s->Cin, s->Cout, s->H, s->W, s->K,
               bad);
  return FALSE;
}

/* Records an error unless the binding holds at least `floats` floats. */
static gboolean
check_binding (DdlCmd *cmd, const char *op, const char *name, DdlBinding b, guint64 floats)
{
  guint64 have = 0;

  if (b.buffer != NULL)
    {
      gsize size = ddl_buffer_get_size (b.buffer);
      have = b.offset >= size ? 0 : (b.size != 0 ? MIN (b.size, size - b.offset)
                                                  : size - b.offset) / 4;
    }
  if (have >= floats)
    return TRUE;
  ddl_cmd_set_error (cmd, g_error_new (DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_FAILED,
                                       "%s: %s holds %" G_GUINT64_FORMAT " floats, the shape "
                                       "needs %" G_GUINT64_FORMAT, op, name, have, floats));
  return FALSE;
}

static gboolean
check_shape (DdlCmd *cmd, const DdlConv2dShape *s)
{
  GError *error = NULL;
  if (ddl_conv2d_shape_check (s, &error))
    return TRUE;
  ddl_cmd_set_error (cmd, error);
  return FALSE;
}

/* Packs weight (Cout, Cin, K, K) into a scratch buffer for conv2d_fwd_kK; with
 * transpose, the weights of the backward-data convolution (Cin outputs). */
static DdlBuffer *
pack_weights (DdlCmd *cmd, const DdlConv2dShape *s, DdlBinding weight, gboolean transpose)
{
  const ConvKernels *k = conv_kernels (s->K);
  guint cout = transpose ? s->Cin : s->Cout, cin = transpose ? s->Cout : s->Cin;
  guint n_cb = (cout + k->tm - 1) / k->tm;
  guint64 n = (guint64) n_cb * cin * s->K * s->K * k->tm;
  DdlBuffer *packed = ddl_cmd_scratch (cmd, n * sizeof (float));

  if (packed == NULL)
    return NULL;
  DdlConv2dPackParams p = { n, cout, cin, s->K, k->tm, transpose };
  ddl_cmd_dispatch (cmd, DDL_KERNEL_conv2d_pack, (DdlBinding[]) { weight, DDL_BIND (packed) },
                    &p, n);
  return packed;
}

/* dst view = beta * dst + [bias] + conv (src view, packed weights). Splits the
 * input channels into passes of at most DDL_LOOP_BUDGET: the kernel's only loop
 * makes one iteration per channel. */
static void
record_direct_conv (DdlCmd *cmd, guint K, guint B, guint H, guint W, guint cin, guint cout,
                    DdlBinding dst, guint dst_ctotal, guint dst_c0,
                    DdlBinding src, guint src_ctotal, guint src_c0,
                    DdlBuffer *packed, DdlBinding bias, gboolean accumulate)
{
  const ConvKernels *k = conv_kernels (K);
  DdlEngine *engine = ddl_cmd_get_engine (cmd);
  DdlKernelId kernel = use_clusters (engine) ? k->fwd : k->fwd_direct;
  guint n_xb = (W + DDL_CONV2D_PX - 1) / DDL_CONV2D_PX;
  guint n_yb = (H + k->rb - 1) / k->rb;
  guint tasks = B * n_yb * n_xb;
  DdlConv2dParams p = {
    .B = B, .H = H, .W = W, .cin = cin, .cout = cout,
    .src_ctotal = src_ctotal, .src_c0 = src_c0, .dst_ctotal = dst_ctotal, .dst_c0 = dst_c0,
    .n_cb = (cout + k->tm - 1) / k->tm, .n_xb = n_xb, .n_yb = n_yb,
    .tasks = tasks, .tasks_pad = (tasks + 7) / 8 * 8,
  };
  guint64 lanes = (guint64) p.n_cb * p.tasks_pad;
  guint64 groups = (lanes + ddl_engine_local_size (engine) - 1) / ddl_engine_local_size (engine);
  DdlBinding bindings[4] = { src, DDL_BIND (packed), bias.buffer != NULL ? bias : DDL_BIND (packed),
                             dst };

  for (guint c0 = 0; c0 < cin; c0 += DDL_LOOP_BUDGET)
    {
      p.ci_begin = c0;
      p.ci_end = MIN (cin, c0 + DDL_LOOP_BUDGET);
      p.beta = c0 > 0 || accumulate ? 1.0f : 0.0f;
      p.add_bias = c0 == 0 && bias.buffer != NULL;
      ddl_cmd_dispatch_groups (cmd, kernel, bindings, &p, groups);
    }
}

void
ddl_op_conv2d_fwd (DdlCmd *cmd, const DdlConv2dShape *s, DdlBinding out, DdlBinding in,
                   DdlBinding weight, DdlBinding bias)
{
  guint64 hw = (guint64) s->H * s->W;

  if (!check_shape (cmd, s)
      || !check_binding (cmd, "conv2d_fwd", "out", out, s->B * out_ctotal (s) * hw)
      || !check_binding (cmd, "conv2d_fwd", "in", in, s->B * in_ctotal (s) * hw)
      || !check_binding (cmd, "conv2d_fwd", "weight", weight,
                         (guint64) s->Cout * s->Cin * s->K * s->K)
      || (bias.buffer != NULL && !check_binding (cmd, "conv2d_fwd", "bias", bias, s->Cout)))
    return;
  DdlBuffer *packed = pack_weights (cmd, s, weight, FALSE);
  if (packed == NULL)
    return;
  record_direct_conv (cmd, s->K, s->B, s->H, s->W, s->Cin, s->Cout,
                      out, out_ctotal (s), s->out_c0, in, in_ctotal (s), s->in_c0,
                      packed, bias, FALSE);
}

void
ddl_op_conv2d_bwd_data (DdlCmd *cmd, const DdlConv2dShape *s, DdlBinding din, DdlBinding dout,
                        DdlBinding weight, gboolean accumulate)
{
  guint64 hw = (guint64) s->H * s->W;

  if (!check_shape (cmd, s)
      || !check_binding (cmd, "conv2d_bwd_data", "din", din, s->B * in_ctotal (s) * hw)
      || !check_binding (cmd, "conv2d_bwd_data", "dout", dout, s->B * out_ctotal (s) * hw)
      || !check_binding (cmd, "conv2d_bwd_data", "weight", weight,
                         (guint64) s->Cout * s->Cin * s->K * s->K))
    return;
  DdlBuffer *packed = pack_weights (cmd, s, weight, TRUE);
  if (packed == NULL)
    return;
  /* The transposed convolution: Cout channels in (dout's slice), Cin out (din's). */
  record_direct_conv (cmd, s->K, s->B, s->H, s->W, s->Cout, s->Cin,
                      din, in_ctotal (s), s->in_c0, dout, out_ctotal (s), s->out_c0,
                      packed, (DdlBinding) { NULL, 0, 0 }, accumulate);
}

void
ddl_op_conv2d_bwd_weight (DdlCmd *cmd, const DdlConv2dShape *s, DdlBinding dweight,
                          DdlBinding dbias, DdlBinding in, DdlBinding dout, gboolean accumulate)
{
  const char *op = "conv2d_bwd_weight";
  guint64 hw = (guint64) s->H * s->W;
  guint64 n_weights = (guint64) s->Cout * s->Cin * s->K * s->K;

  if (!check_shape (cmd, s)
      || !check_binding (cmd, op, "dweight", dweight, n_weights)
      || (dbias.buffer != NULL && !check_binding (cmd, op, "dbias", dbias, s->Cout))
      || !check_binding (cmd, op, "in", in, s->B * in_ctotal (s) * hw)
      || !check_binding (cmd, op, "dout", dout, s->B * out_ctotal (s) * hw))
    return;

  const ConvKernels *k = conv_kernels (s->K);
  DdlEngine *engine = ddl_cmd_get_engine (cmd);
  guint local = ddl_engine_local_size (engine);
  guint n_cg = (s->Cout + 8 * k->cl - 1) / (8 * k->cl);
  guint n_cib = (s->Cin + k->tci - 1) / k->tci;
  guint n_xs = (s->W + DDL_CONV2D_DW_PX - 1) / DDL_CONV2D_DW_PX;
  guint rows = s->B * s->H;

  /* Row chunks: enough that each cluster's one loop (rows_per_chunk * n_xs steps)
   * stays within the budget and the dispatch has DW_TARGET_GROUPS workgroups, but
   * never so many that the partial sums outgrow DW_PARTIAL_LIMIT. */
  guint64 max_rows = DDL_LOOP_BUDGET / n_xs;
  if (max_rows == 0)
    {
      ddl_cmd_set_error (cmd, g_error_new (DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_LIMIT,
                                           "%s: images %u pixels wide are too wide", op, s->W));
      return;
    }
  guint64 min_chunks = (rows + max_rows - 1) / max_rows;
  guint64 clusters = (guint64) n_cg * n_cib;
  guint64 want = ((guint64) DW_TARGET_GROUPS * local / 8 + clusters - 1) / clusters;
  guint64 affordable = MAX (1, DW_PARTIAL_LIMIT / (n_weights * sizeof (float)));
  guint64 n_chunks = MIN (MAX (min_chunks, want), MIN ((guint64) rows, affordable));
  if (n_chunks < min_chunks)
    {
      ddl_cmd_set_error (cmd, g_error_new (DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_LIMIT,
                                           "%s: the partial sums of %" G_GUINT64_FORMAT
                                           " weights over %u rows exceed %u MiB of scratch",
                                           op, n_weights, rows, DW_PARTIAL_LIMIT >> 20));
      return;
    }
  guint rows_per_chunk = (rows + n_chunks - 1) / n_chunks;
  n_chunks = (rows + rows_per_chunk - 1) / rows_per_chunk;

  /* One chunk writes (or adds to) the gradients directly; more go through
   * scratch and a reduction. */
  gboolean direct = n_chunks == 1;
  DdlBinding dw_part = dweight, db_part = dbias;
  if (!direct)
    {
      DdlBuffer *pw = ddl_cmd_scratch (cmd, n_weights * n_chunks * sizeof (float));
      DdlBuffer *pb = ddl_cmd_scratch (cmd, (guint64) s->Cout * n_chunks * sizeof (float));
      if (pw == NULL || pb == NULL)
        return;
      dw_part = DDL_BIND (pw);
      db_part = DDL_BIND (pb);
    }
  if (dbias.buffer == NULL)
    db_part = dw_part;  /* bound but never written: write_bias is 0 */

  DdlConv2dDwParams p = {
    .B = s->B, .H = s->H, .W = s->W, .cin = s->Cin, .cout = s->Cout,
    .in_ctotal = in_ctotal (s), .in_c0 = s->in_c0,
    .dout_ctotal = out_ctotal (s), .dout_c0 = s->out_c0,
    .n_cg = n_cg, .n_cib = n_cib, .n_chunks = n_chunks, .rows_per_chunk = rows_per_chunk,
    .n_xs = n_xs, .beta = direct && accumulate ? 1.0f : 0.0f,
    .write_bias = dbias.buffer != NULL,
  };
  guint64 groups = (clusters * n_chunks * 8 + local - 1) / local;
  ddl_cmd_dispatch_groups (cmd, use_clusters (engine) ? k->dw : k->dw_direct,
                           (DdlBinding[]) { in, dout, dw_part, db_part }, &p, groups);
  if (direct)
    return;
  ddl_op_reduce_rows (cmd, dweight, dw_part, n_weights, n_chunks, 1.0f, accumulate ? 1.0f : 0.0f);
  if (dbias.buffer != NULL)
    ddl_op_reduce_rows (cmd, dbias, db_part, s->Cout, n_chunks, 1.0f, accumulate ? 1.0f : 0.0f);
}

/* Benchmarks: the forward, backward-data and weight-gradient operators (packing
 * and reductions included) on shapes of the size the small model meets. */
typedef enum { BENCH_FWD, BENCH_BWD_DATA, BENCH_BWD_WEIGHT } BenchMode;

typedef struct {
  DdlConv2dShape shape;
  BenchMode mode;
  DdlBuffer *in, *out, *weight, *bias;
} ConvBench;

static void
conv_bench_free (gpointer data)
{
  ConvBench *c = data;
  g_clear_pointer (&c->in, ddl_buffer_free);
  g_clear_pointer (&c->out, ddl_buffer_free);
  g_clear_pointer (&c->weight, ddl_buffer_free);
  g_clear_pointer (&c->bias, ddl_buffer_free);
  g_free (c);
}

static gboolean
conv_bench_record (DdlCmd *cmd, gpointer data, GError **error)
{
  ConvBench *c = data;
  const DdlConv2dShape *s = &c->shape;
  DdlEngine *engine = ddl_cmd_get_engine (cmd);
  guint64 hw = (guint64) s->H * s->W;

  if (c->in == NULL)
    {
      c->in = ddl_buffer_new_floats (engine, NULL, s->B * s->Cin * hw, error);
      c->out = c->in ? ddl_buffer_new_floats (engine, NULL, s->B * s->Cout * hw, error) : NULL;
      c->weight = c->out ? ddl_buffer_new_floats (engine, NULL,
                                                  (guint64) s->Cout * s->Cin * s->K * s->K,
                                                  error) : NULL;
      c->bias = c->weight ? ddl_buffer_new_floats (engine, NULL, s->Cout, error) : NULL;
      if (c->bias == NULL)
        return FALSE;
    }
  switch (c->mode)
    {
    case BENCH_FWD:
      ddl_op_conv2d_fwd (cmd, s, DDL_BIND (c->out), DDL_BIND (c->in), DDL_BIND (c->weight),
                         DDL_BIND (c->bias));
      break;
    case BENCH_BWD_DATA:
      ddl_op_conv2d_bwd_data (cmd, s, DDL_BIND (c->in), DDL_BIND (c->out), DDL_BIND (c->weight),
                              FALSE);
      break;
    case BENCH_BWD_WEIGHT:
      ddl_op_conv2d_bwd_weight (cmd, s, DDL_BIND (c->weight), DDL_BIND (c->bias),
                                DDL_BIND (c->in), DDL_BIND (c->out), TRUE);
      break;
    }
  if (ddl_cmd_get_error (cmd) != NULL)
    {
      g_propagate_error (error, g_error_copy (ddl_cmd_get_error (cmd)));
      return FALSE;
    }
  return TRUE;
}

static void
add_conv_cases (DdlBench *bench, guint B, guint cin, guint cout, guint H, guint W, guint K)
{
  static const char *names[] = { "conv2d_fwd", "conv2d_bwd_data", "conv2d_bwd_weight" };
  g_autofree char *shape = g_strdup_printf ("B%u C%u->%u %ux%u k%u", B, cin, cout, H, W, K);
  double hw = (double) H * W;
  double flops = 2.0 * B * cin * cout * hw * K * K;
  double bytes = 4.0 * (B * (cin + cout) * hw + (double) cin * cout * K * K);

  for (guint m = BENCH_FWD; m <= BENCH_BWD_WEIGHT; m++)
    {
      ConvBench *c = g_new0 (ConvBench, 1);
      c->shape = (DdlConv2dShape) { .B = B, .Cin = cin, .Cout = cout, .H = H, .W = W, .K = K };
      c->mode = m;
      ddl_bench_case (bench, names[m], shape, flops, bytes, conv_bench_record, c,
                      conv_bench_free);
    }
}

void
ddl_bench_add_conv (DdlBench *bench)
{
  add_conv_cases (bench, 4, 32, 32, 64, 64, 3);
  add_conv_cases (bench, 4, 32, 32, 64, 64, 7);
  add_conv_cases (bench, 4, 128, 32, 64, 64, 1);
}
