/* conv2d: the double reference against hand-computed values, impulse responses
 * and central finite differences; the Vulkan operators against the reference on
 * odd shapes for K = 1, 3, 5, 7 and two seeds, channel-slice views, accumulate
 * flags, replay with changed weights, a ConvBlock's three parallel convs, the
 * _direct kernels, lavapipe's loop limit and bad input. */
#include "ddl-test-util.h"
#include "ddl-ops.h"
#include "ddl-ref.h"

#include <math.h>
#include <string.h>

static const guint kernel_sizes[] = { 1, 3, 5, 7 };

/* ------------------------------------------------------------------------- */
/* The reference on its own */

static void
test_ref_hand_computed (void)
{
  /* 3x3 all-ones kernel on 1..9 with zero padding: sums of each neighbourhood. */
  double in[9], w[9], bias = 0.5, out[9];
  const double want[9] = { 12, 21, 16, 27, 45, 33, 24, 39, 28 };
  for (int i = 0; i < 9; i++)
    {
      in[i] = i + 1;
      w[i] = 1;
    }
  ddl_ref_conv2d_fwd (out, in, w, &bias, 1, 1, 1, 3, 3, 3);
  for (int i = 0; i < 9; i++)
    g_assert_cmpfloat_with_epsilon (out[i], want[i] + 0.5, 1e-12);

  /* 1x1 kernel: a 2x2 channel mix per pixel. */
  const double in2[2 * 2] = { 1, 2, 3, 4 };          /* (1, 2, 1, 2) */
  const double w2[4] = { 1, 10, 100, 1000 };         /* (2, 2, 1, 1) */
  const double want2[4] = { 31, 42, 3100, 4200 };
  double out2[4];
  ddl_ref_conv2d_fwd (out2, in2, w2, NULL, 1, 2, 2, 1, 2, 1);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (out2[i], want2[i], 1e-12);
}

static void
test_ref_impulse (void)
{
  /* A single 1 at tap (ky, kx) shifts the image by (ky - K/2, kx - K/2), zero
   * filling; every tap of every K. */
  enum { H = 7, W = 9 };
  double in[H * W], out[H * W], w[49];
  ddl_test_random_double (in, H * W, 11, -1, 1);
  for (guint i = 0; i < G_N_ELEMENTS (kernel_sizes); i++)
    {
      int K = kernel_sizes[i], pad = K / 2;
      for (int tap = 0; tap < K * K; tap++)
        {
          memset (w, 0, sizeof w);
          w[tap] = 1;
          ddl_ref_conv2d_fwd (out, in, w, NULL, 1, 1, 1, H, W, K);
          for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
              {
                int ys = y + tap / K - pad, xs = x + tap % K - pad;
                double want = ys >= 0 && ys < H && xs >= 0 && xs < W ? in[ys * W + xs] : 0;
                g_assert_cmpfloat (out[y * W + x], ==, want);
              }
        }
    }
}

/* f = sum (conv2d (in, w) + b) * g as a function of in, w or b. */
typedef struct {
  int B, Cin, Cout, H, W, K;
  double *in, *w, *b, *g;
  int which;   /* 0: in, 1: w, 2: b */
} FdCtx;

static double
fd_objective (const double *x, gpointer data)
{
  FdCtx *c = data;
  gsize n_out = (gsize) c->B * c->Cout * c->H * c->W;
  g_autofree double *out = g_new (double, n_out);
  double f = 0;
  ddl_ref_conv2d_fwd (out, c->which == 0 ? x : c->in, c->which == 1 ? x : c->w,
                      c->which == 2 ? x : c->b, c->B, c->Cin, c->Cout, c->H, c->W, c->K);
  for (gsize i = 0; i < n_out; i++)
    f += out[i] * c->g[i];
  return f;
}

static void
test_ref_finite_differences (gconstpointer data)
{
  FdCtx c = { 2, 2, 3, 4, 5, GPOINTER_TO_UINT (data), NULL, NULL, NULL, NULL, 0 };
  gsize n_in = (gsize) c.B * c.Cin * c.H * c.W, n_out = (gsize) c.B * c.Cout * c.H * c.W;
  gsize n_w = (gsize) c.Cout * c.Cin * c.K * c.K;
  g_autofree double *in = g_new (double, n_in), *w = g_new (double, n_w);
  g_autofree double *b = g_new (double, c.Cout), *g = g_new (double, n_out);
  g_autofree double *din = g_new (double, n_in), *dw = g_new (double, n_w);
  g_autofree double *db = g_new (double, c.Cout);
  g_autofree double *num_in = g_new (double, n_in), *num_w = g_new (double, n_w);
  g_autofree double *num_b = g_new (double, c.Cout);

  ddl_test_random_double (in, n_in, 1, -1, 1);
  ddl_test_random_double (w, n_w, 2, -1, 1);
  ddl_test_random_double (b, c.Cout, 3, -1, 1);
  ddl_test_random_double (g, n_out, 4, -1, 1);
  c.in = in, c.w = w, c.b = b, c.g = g;

  /* accumulate = 1 on top of zeros also checks the += path. */
  memset (dw, 0, sizeof (double) * n_w);
  memset (db, 0, sizeof (double) * c.Cout);
  ddl_ref_conv2d_bwd_data (din, g, w, c.B, c.Cin, c.Cout, c.H, c.W, c.K, 0);
  ddl_ref_conv2d_bwd_weight (dw, g, in, c.B, c.Cin, c.Cout, c.H, c.W, c.K, 1);
  ddl_ref_conv2d_bwd_bias (db, g, c.B, c.Cout, c.H, c.W, 1);

  /* f is linear in each argument, so central differences are exact up to
   * rounding: tolerance 1e-8 relative. */
  c.which = 0;
  ddl_test_numeric_grad (fd_objective, &c, in, n_in, 1e-3, num_in);
  ddl_test_assert_grad ("din", din, num_in, n_in, 1e-8);
  c.which = 1;
  ddl_test_numeric_grad (fd_objective, &c, w, n_w, 1e-3, num_w);
  ddl_test_assert_grad ("dweight", dw, num_w, n_w, 1e-8);
  c.which = 2;
  ddl_test_numeric_grad (fd_objective, &c, b, c.Cout, 1e-3, num_b);
  ddl_test_assert_grad ("dbias", db, num_b, c.Cout, 1e-8);
}

/* ------------------------------------------------------------------------- */
/* The Vulkan operators against the reference */

typedef enum { OP_FWD, OP_BWD_DATA, OP_BWD_WEIGHT } Op;

typedef struct {
  guint B, Cin, Cout, H, W, K;
  guint in_ctotal, in_c0, out_ctotal, out_c0;   /* 0, 0: dense */
} Case;

static guint
case_ict (const Case *c)
{
  return c->in_ctotal ? c->in_ctotal : c->Cin;
}

static guint
case_oct (const Case *c)
{
  return c->out_ctotal ? c->out_ctotal : c->Cout;
}

static DdlConv2dShape
case_shape (const Case *c)
{
  return (DdlConv2dShape) { c->B, c->Cin, c->Cout, c->H, c->W, c->K,
                            c->in_ctotal, c->in_c0, c->out_ctotal, c->out_c0 };
}

/* Channels [c0, c0 + C) of a (B, ctotal, H, W) tensor, densely, in double. */
static double *
gather (const float *full, guint B, guint ctotal, guint c0, guint C, guint64 hw)
{
  double *dense = g_new (double, B * C * hw);
  for (guint b = 0; b < B; b++)
    for (guint c = 0; c < C; c++)
      for (guint64 p = 0; p < hw; p++)
        dense[(b * C + c) * hw + p] = full[((guint64) b * ctotal + c0 + c) * hw + p];
  return dense;
}

static void
scatter (double *full, const double *dense, guint B, guint ctotal, guint c0, guint C, guint64 hw)
{
  for (guint b = 0; b < B; b++)
    for (guint c = 0; c < C; c++)
      for (guint64 p = 0; p < hw; p++)
        full[((guint64) b * ctotal + c0 + c) * hw + p] = dense[(b * C + c) * hw + p];
}

/* Runs one operator on random data (values in [-1, 1); the destination starts
 * with random values too, so that overwrite, accumulate and the channels outside
 * a view are all checked) and compares every element of the destination(s) with
 * the reference. with_bias FALSE passes no bias (forward) / no dbias (weights). */
static void
check_op (const Case *c, Op op, guint64 seed, gboolean accumulate, gboolean with_bias,
          double atol, double rtol)
{
  DdlConv2dShape s = case_shape (c);
  guint ict = case_ict (c), oct = case_oct (c);
  guint64 hw = (guint64) c->H * c->W, n_in = c->B * ict * hw, n_out = c->B * oct * hw;
  guint64 n_w = (guint64) c->Cout * c->Cin * c->K * c->K;
  g_autofree float *in = g_new (float, n_in), *out = g_new (float, n_out);
  g_autofree float *w = g_new (float, n_w), *b = g_new (float, c->Cout);
  g_autofree float *w_init = g_new (float, n_w), *b_init = g_new (float, c->Cout);
  g_autofree float *in_init = g_new (float, n_in);

  ddl_test_random (in, n_in, seed, -1, 1);
  ddl_test_random (out, n_out, seed + 1, -1, 1);
  ddl_test_random (w, n_w, seed + 2, -1, 1);
  ddl_test_random (b, c->Cout, seed + 3, -1, 1);
  ddl_test_random (in_init, n_in, seed + 4, -1, 1);
  ddl_test_random (w_init, n_w, seed + 5, -1, 1);
  ddl_test_random (b_init, c->Cout, seed + 6, -1, 1);

  g_autofree double *in_d = gather (in, c->B, ict, c->in_c0, c->Cin, hw);
  g_autofree double *out_d = gather (out, c->B, oct, c->out_c0, c->Cout, hw);
  g_autofree double *w_d = ddl_test_to_double (w, n_w), *b_d = ddl_test_to_double (b, c->Cout);
  g_autoptr(DdlBuffer) in_buf = NULL, out_buf = NULL;
  g_autoptr(DdlBuffer) w_buf = ddl_test_upload (w, n_w), b_buf = ddl_test_upload (b, c->Cout);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
  DdlBinding none = { NULL, 0, 0 };

  switch (op)
    {
    case OP_FWD:
      {
        g_autofree double *want = ddl_test_to_double (out, n_out);
        g_autofree double *slice = g_new (double, c->B * c->Cout * hw);
        in_buf = ddl_test_upload (in, n_in);
        out_buf = ddl_test_upload (out, n_out);
        ddl_op_conv2d_fwd (cmd, &s, DDL_BIND (out_buf), DDL_BIND (in_buf), DDL_BIND (w_buf),
                           with_bias ? DDL_BIND (b_buf) : none);
        ddl_test_run (cmd);
        ddl_ref_conv2d_fwd (slice, in_d, w_d, with_bias ? b_d : NULL, c->B, c->Cin, c->Cout,
                            c->H, c->W, c->K);
        scatter (want, slice, c->B, oct, c->out_c0, c->Cout, hw);
        g_autofree float *got = ddl_test_download (out_buf, n_out);
        ddl_test_assert_close ("conv2d_fwd out", got, want, n_out, atol, rtol);
        break;
      }
    case OP_BWD_DATA:
      {
        g_autofree double *want = ddl_test_to_double (in_init, n_in);
        g_autofree double *slice = gather (in_init, c->B, ict, c->in_c0, c->Cin, hw);
        in_buf = ddl_test_upload (in_init, n_in);
        out_buf = ddl_test_upload (out, n_out);
        ddl_op_conv2d_bwd_data (cmd, &s, DDL_BIND (in_buf), DDL_BIND (out_buf), DDL_BIND (w_buf),
                                accumulate);
        ddl_test_run (cmd);
        ddl_ref_conv2d_bwd_data (slice, out_d, w_d, c->B, c->Cin, c->Cout, c->H, c->W, c->K,
                                 accumulate);
        scatter (want, slice, c->B, ict, c->in_c0, c->Cin, hw);
        g_autofree float *got = ddl_test_download (in_buf, n_in);
        ddl_test_assert_close ("conv2d_bwd_data din", got, want, n_in, atol, rtol);
        break;
      }
    case OP_BWD_WEIGHT:
      {
        g_autofree double *want_w = ddl_test_to_double (w_init, n_w);
        g_autofree double *want_b = ddl_test_to_double (b_init, c->Cout);
        g_autoptr(DdlBuffer) dw_buf = ddl_test_upload (w_init, n_w);
        g_autoptr(DdlBuffer) db_buf = ddl_test_upload (b_init, c->Cout);
        in_buf = ddl_test_upload (in, n_in);
        out_buf = ddl_test_upload (out, n_out);
        ddl_op_conv2d_bwd_weight (cmd, &s, DDL_BIND (dw_buf), with_bias ? DDL_BIND (db_buf) : none,
                                  DDL_BIND (in_buf), DDL_BIND (out_buf), accumulate);
        ddl_test_run (cmd);
        ddl_ref_conv2d_bwd_weight (want_w, out_d, in_d, c->B, c->Cin, c->Cout, c->H, c->W, c->K,
                                   accumulate);
        if (with_bias)
          ddl_ref_conv2d_bwd_bias (want_b, out_d, c->B, c->Cout, c->H, c->W, accumulate);
        g_autofree float *got_w = ddl_test_download (dw_buf, n_w);
        g_autofree float *got_b = ddl_test_download (db_buf, c->Cout);
        ddl_test_assert_close ("conv2d_bwd_weight dweight", got_w, want_w, n_w, atol, rtol);
        /* Without dbias its buffer must be untouched. */
        ddl_test_assert_close ("conv2d_bwd_weight dbias", got_b, want_b, c->Cout, atol, rtol);
        break;
      }
    }
}

/* Odd shapes from the brief; small enough for lavapipe on two cores. Results sum
 * at most 4 * 49 (forward, data) or 2 * 99 (weights) products of values in
 * [-1, 1): float error stays near 1e-6, so atol 1e-4, rtol 1e-5. */
#define SMALL_ATOL 1e-4
#define SMALL_RTOL 1e-5

static void
small_cases (guint K, Case cases[2])
{
  cases[0] = (Case) { 2, 3, 5, 9, 11, K, 0, 0, 0, 0 };
  cases[1] = (Case) { 1, 4, 6, 7, 13, K, 0, 0, 0, 0 };
}

static void
test_op (guint K, Op op)
{
  Case cases[2];
  if (!ddl_test_engine ())
    return;
  small_cases (K, cases);
  for (guint i = 0; i < 2; i++)
    for (guint64 seed = 1; seed <= 2; seed++)
      check_op (&cases[i], op, seed * 100, FALSE, TRUE, SMALL_ATOL, SMALL_RTOL);
}

static void
test_fwd (gconstpointer data)
{
  test_op (GPOINTER_TO_UINT (data), OP_FWD);
}

static void
test_bwd_data (gconstpointer data)
{
  test_op (GPOINTER_TO_UINT (data), OP_BWD_DATA);
}

static void
test_bwd_weight (gconstpointer data)
{
  test_op (GPOINTER_TO_UINT (data), OP_BWD_WEIGHT);
}

/* Input channels [2, 5) of 7, output channels [4, 9) of 11, as in a ConvBlock's
 * concatenation; every operator, overwrite and accumulate. */
static void
test_slices (gconstpointer data)
{
  Case c = { 2, 3, 5, 9, 11, GPOINTER_TO_UINT (data), 7, 2, 11, 4 };
  if (!ddl_test_engine ())
    return;
  check_op (&c, OP_FWD, 300, FALSE, TRUE, SMALL_ATOL, SMALL_RTOL);
  check_op (&c, OP_BWD_DATA, 310, FALSE, TRUE, SMALL_ATOL, SMALL_RTOL);
  check_op (&c, OP_BWD_DATA, 320, TRUE, TRUE, SMALL_ATOL, SMALL_RTOL);
  check_op (&c, OP_BWD_WEIGHT, 330, FALSE, TRUE, SMALL_ATOL, SMALL_RTOL);
  check_op (&c, OP_BWD_WEIGHT, 340, TRUE, TRUE, SMALL_ATOL, SMALL_RTOL);
}

static void
test_accumulate (void)
{
  if (!ddl_test_engine ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (kernel_sizes); i++)
    {
      Case c = { 2, 3, 5, 9, 11, kernel_sizes[i], 0, 0, 0, 0 };
      check_op (&c, OP_BWD_DATA, 400 + i, TRUE, TRUE, SMALL_ATOL, SMALL_RTOL);
      check_op (&c, OP_BWD_WEIGHT, 410 + i, TRUE, TRUE, SMALL_ATOL, SMALL_RTOL);
      /* No bias / no bias gradient. */
      check_op (&c, OP_FWD, 420 + i, FALSE, FALSE, SMALL_ATOL, SMALL_RTOL);
      check_op (&c, OP_BWD_WEIGHT, 430 + i, FALSE, FALSE, SMALL_ATOL, SMALL_RTOL);
    }
}

/* Enough clusters over input channels (Cin / TCI >= 16 workgroups of 256) that
 * the weight gradient runs as one chunk and writes dweight itself, both modes. */
static void
test_bwd_weight_one_chunk (void)
{
  Case c3 = { 1, 4099, 5, 3, 5, 3, 0, 0, 0, 0 };
  Case c7 = { 1, 1030, 3, 5, 3, 7, 0, 0, 0, 0 };
  if (!ddl_test_engine ())
    return;
  check_op (&c3, OP_BWD_WEIGHT, 500, FALSE, TRUE, SMALL_ATOL, SMALL_RTOL);
  check_op (&c3, OP_BWD_WEIGHT, 510, TRUE, TRUE, SMALL_ATOL, SMALL_RTOL);
  check_op (&c7, OP_BWD_WEIGHT, 520, TRUE, TRUE, SMALL_ATOL, SMALL_RTOL);
}

/* The kernels for subgroups that are not a multiple of 8. */
static void
test_direct (gconstpointer data)
{
  guint K = GPOINTER_TO_UINT (data);
  Case c = { 2, 3, 5, 9, 11, K, 0, 0, 0, 0 };
  Case v = { 2, 3, 5, 9, 11, K, 7, 2, 11, 4 };
  if (!ddl_test_engine ())
    return;
  ddl_op_conv2d_force_direct (TRUE);
  check_op (&c, OP_FWD, 600, FALSE, TRUE, SMALL_ATOL, SMALL_RTOL);
  check_op (&v, OP_BWD_DATA, 610, TRUE, TRUE, SMALL_ATOL, SMALL_RTOL);
  check_op (&v, OP_BWD_WEIGHT, 620, TRUE, TRUE, SMALL_ATOL, SMALL_RTOL);
  ddl_op_conv2d_force_direct (FALSE);
}

/* One recorded command replayed after the weights change: the packed copies must
 * follow, and accumulating gradients add once per run. */
static void
test_replay (void)
{
  Case c = { 2, 3, 5, 9, 11, 5, 0, 0, 0, 0 };
  DdlConv2dShape s = case_shape (&c);
  guint64 hw = 99, n_in = 2 * 3 * hw, n_out = 2 * 5 * hw, n_w = 5 * 3 * 25;
  g_autofree float *in = g_new (float, n_in), *dout = g_new (float, n_out);
  g_autofree float *w1 = g_new (float, n_w), *w2 = g_new (float, n_w), *b = g_new (float, 5);
  g_autofree float *din0 = g_new (float, n_in), *dw0 = g_new (float, n_w);
  g_autofree float *db0 = g_new (float, 5);
  g_autoptr(GError) error = NULL;

  if (!ddl_test_engine ())
    return;
  ddl_test_random (in, n_in, 700, -1, 1);
  ddl_test_random (dout, n_out, 701, -1, 1);
  ddl_test_random (w1, n_w, 702, -1, 1);
  ddl_test_random (w2, n_w, 703, -1, 1);
  ddl_test_random (b, 5, 704, -1, 1);
  ddl_test_random (din0, n_in, 705, -1, 1);
  ddl_test_random (dw0, n_w, 706, -1, 1);
  ddl_test_random (db0, 5, 707, -1, 1);
  g_autoptr(DdlBuffer) in_buf = ddl_test_upload (in, n_in);
  g_autoptr(DdlBuffer) dout_buf = ddl_test_upload (dout, n_out);
  g_autoptr(DdlBuffer) w_buf = ddl_test_upload (w1, n_w), b_buf = ddl_test_upload (b, 5);
  g_autoptr(DdlBuffer) out_buf = ddl_test_zeros (n_out), din_buf = ddl_test_upload (din0, n_in);
  g_autoptr(DdlBuffer) dw_buf = ddl_test_upload (dw0, n_w), db_buf = ddl_test_upload (db0, 5);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
  ddl_op_conv2d_fwd (cmd, &s, DDL_BIND (out_buf), DDL_BIND (in_buf), DDL_BIND (w_buf),
                     DDL_BIND (b_buf));
  ddl_op_conv2d_bwd_data (cmd, &s, DDL_BIND (din_buf), DDL_BIND (dout_buf), DDL_BIND (w_buf), TRUE);
  ddl_op_conv2d_bwd_weight (cmd, &s, DDL_BIND (dw_buf), DDL_BIND (db_buf), DDL_BIND (in_buf),
                            DDL_BIND (dout_buf), TRUE);
  ddl_test_run (cmd);
  ddl_buffer_write (w_buf, 0, w2, n_w * sizeof (float), &error);
  g_assert_no_error (error);
  ddl_test_run (cmd);

  g_autofree double *in_d = ddl_test_to_double (in, n_in);
  g_autofree double *dout_d = ddl_test_to_double (dout, n_out);
  g_autofree double *w1_d = ddl_test_to_double (w1, n_w), *w2_d = ddl_test_to_double (w2, n_w);
  g_autofree double *b_d = ddl_test_to_double (b, 5), *out = g_new (double, n_out);
  g_autofree double *din = ddl_test_to_double (din0, n_in), *dw = g_new (double, n_w);
  g_autofree double *db = g_new (double, 5), *dw_want = ddl_test_to_double (dw0, n_w);
  g_autofree double *db_want = ddl_test_to_double (db0, 5);
  ddl_ref_conv2d_fwd (out, in_d, w2_d, b_d, 2, 3, 5, 9, 11, 5);
  ddl_ref_conv2d_bwd_data (din, dout_d, w1_d, 2, 3, 5, 9, 11, 5, 1);
  ddl_ref_conv2d_bwd_data (din, dout_d, w2_d, 2, 3, 5, 9, 11, 5, 1);
  ddl_ref_conv2d_bwd_weight (dw, dout_d, in_d, 2, 3, 5, 9, 11, 5, 0);
  ddl_ref_conv2d_bwd_bias (db, dout_d, 2, 5, 9, 11, 0);
  for (guint64 i = 0; i < n_w; i++)
    dw_want[i] += 2 * dw[i];
  for (guint i = 0; i < 5; i++)
    db_want[i] += 2 * db[i];

  g_autofree float *got_out = ddl_test_download (out_buf, n_out);
  g_autofree float *got_din = ddl_test_download (din_buf, n_in);
  g_autofree float *got_dw = ddl_test_download (dw_buf, n_w);
  g_autofree float *got_db = ddl_test_download (db_buf, 5);
  ddl_test_assert_close ("replayed out (new weights)", got_out, out, n_out, SMALL_ATOL, SMALL_RTOL);
  ddl_test_assert_close ("replayed din (both weights)", got_din, din, n_in, SMALL_ATOL, SMALL_RTOL);
  ddl_test_assert_close ("replayed dweight (twice)", got_dw, dw_want, n_w, SMALL_ATOL, SMALL_RTOL);
  ddl_test_assert_close ("replayed dbias (twice)", got_db, db_want, 5, SMALL_ATOL, SMALL_RTOL);
}

/* A ConvBlock's use: convs k = 3, 5, 7 on one input write channel slices of one
 * concatenated output; backward, their input gradients sum into one din. */
static void
test_block (void)
{
  enum { B = 2, CIN = 3, C = 4, H = 9, W = 11, HW = H * W, CT = 3 * C };
  float in[B * CIN * HW], dz[B * CT * HW], w[3][C * CIN * 49], b[3][C];
  double din_want[B * CIN * HW], z_want[B * CT * HW], slice[B * C * HW];
  g_autoptr(DdlCmd) cmd = NULL;
  DdlBuffer *w_buf[3], *b_buf[3], *dw_buf[3];

  if (!ddl_test_engine ())
    return;
  ddl_test_random (in, G_N_ELEMENTS (in), 800, -1, 1);
  ddl_test_random (dz, G_N_ELEMENTS (dz), 801, -1, 1);
  g_autofree double *in_d = ddl_test_to_double (in, G_N_ELEMENTS (in));
  g_autoptr(DdlBuffer) in_buf = ddl_test_upload (in, G_N_ELEMENTS (in));
  g_autoptr(DdlBuffer) dz_buf = ddl_test_upload (dz, G_N_ELEMENTS (dz));
  g_autoptr(DdlBuffer) z_buf = ddl_test_zeros (G_N_ELEMENTS (dz));
  g_autoptr(DdlBuffer) din_buf = ddl_test_zeros (G_N_ELEMENTS (in));
  cmd = ddl_cmd_new (ddl_test_engine ());
  memset (din_want, 0, sizeof din_want);
  for (guint k = 0; k < 3; k++)
    {
      guint K = 3 + 2 * k, nw = C * CIN * K * K;
      DdlConv2dShape s = { B, CIN, C, H, W, K, 0, 0, CT, k * C };
      ddl_test_random (w[k], nw, 810 + k, -1, 1);
      ddl_test_random (b[k], C, 820 + k, -1, 1);
      w_buf[k] = ddl_test_upload (w[k], nw);
      b_buf[k] = ddl_test_upload (b[k], C);
      dw_buf[k] = ddl_test_zeros (nw);
      ddl_op_conv2d_fwd (cmd, &s, DDL_BIND (z_buf), DDL_BIND (in_buf), DDL_BIND (w_buf[k]),
                         DDL_BIND (b_buf[k]));
      ddl_op_conv2d_bwd_data (cmd, &s, DDL_BIND (din_buf), DDL_BIND (dz_buf), DDL_BIND (w_buf[k]),
                              k > 0);
      ddl_op_conv2d_bwd_weight (cmd, &s, DDL_BIND (dw_buf[k]), DDL_BIND (b_buf[k]),
                                DDL_BIND (in_buf), DDL_BIND (dz_buf), FALSE);
    }
  ddl_test_run (cmd);

  g_autofree float *got_z = ddl_test_download (z_buf, G_N_ELEMENTS (dz));
  g_autofree float *got_din = ddl_test_download (din_buf, G_N_ELEMENTS (in));
  for (guint k = 0; k < 3; k++)
    {
      guint K = 3 + 2 * k, nw = C * CIN * K * K;
      g_autofree double *w_d = ddl_test_to_double (w[k], nw);
      g_autofree double *b_d = ddl_test_to_double (b[k], C);
      g_autofree double *dz_d = gather (dz, B, CT, k * C, C, HW);
      g_autofree double *dw = g_new (double, nw);
      double db[C];
      ddl_ref_conv2d_fwd (slice, in_d, w_d, b_d, B, CIN, C, H, W, K);
      scatter (z_want, slice, B, CT, k * C, C, HW);
      ddl_ref_conv2d_bwd_data (din_want, dz_d, w_d, B, CIN, C, H, W, K, 1);
      ddl_ref_conv2d_bwd_weight (dw, dz_d, in_d, B, CIN, C, H, W, K, 0);
      ddl_ref_conv2d_bwd_bias (db, dz_d, B, C, H, W, 0);
      g_autofree float *got_dw = ddl_test_download (dw_buf[k], nw);
      g_autofree float *got_db = ddl_test_download (b_buf[k], C);
      ddl_test_assert_close ("block dweight", got_dw, dw, nw, SMALL_ATOL, SMALL_RTOL);
      ddl_test_assert_close ("block dbias", got_db, db, C, SMALL_ATOL, SMALL_RTOL);
      ddl_buffer_free (w_buf[k]);
      ddl_buffer_free (b_buf[k]);
      ddl_buffer_free (dw_buf[k]);
    }
  ddl_test_assert_close ("block concatenated z", got_z, z_want, G_N_ELEMENTS (dz), SMALL_ATOL,
                         SMALL_RTOL);
  ddl_test_assert_close ("block summed din", got_din, din_want, G_N_ELEMENTS (in), SMALL_ATOL,
                         SMALL_RTOL);
}

/* Lavapipe stops any invocation after 65,535 loop iterations. A kernel looping
 * over Cin * K * K taps (1400 * 49 = 68,600), or a weight gradient looping over
 * B * H * W = 73,728 pixels, would return wrong sums here. Tolerances grow with
 * the number of summed products (tens of thousands, sums of size ~100). */
static void
test_loop_limit_fwd (void)
{
  Case fwd = { 1, 1400, 3, 5, 7, 7, 0, 0, 0, 0 };
  Case data = { 1, 3, 1400, 5, 7, 7, 0, 0, 0, 0 };
  if (!ddl_test_engine ())
    return;
  check_op (&fwd, OP_FWD, 900, FALSE, TRUE, 5e-3, 1e-4);
  check_op (&data, OP_BWD_DATA, 910, FALSE, TRUE, 5e-3, 1e-4);
}

/* More input channels than one invocation may loop over: the forward kernel makes
 * one iteration per channel, so the op must split these 65,551 channels into
 * passes (of DDL_LOOP_BUDGET) that add up. Sums of ~590,000 products: atol 5e-2. */
static void
test_loop_limit_passes (void)
{
  Case c = { 1, 65551, 2, 3, 5, 3, 0, 0, 0, 0 };
  if (!ddl_test_engine ())
    return;
  check_op (&c, OP_FWD, 920, FALSE, TRUE, 5e-2, 1e-4);
}

static void
test_loop_limit_bwd_weight (void)
{
  Case c3 = { 2, 1, 1, 192, 192, 3, 0, 0, 0, 0 };
  Case c7 = { 2, 1, 2, 192, 192, 7, 0, 0, 0, 0 };
  /* 1202 rows of 75 column steps: one cluster walking them all would make
   * 90,150 iterations, so the op must cut the rows into chunks. */
  Case wide = { 2, 1, 1, 601, 599, 3, 0, 0, 0, 0 };
  if (!ddl_test_engine ())
    return;
  check_op (&c3, OP_BWD_WEIGHT, 930, FALSE, TRUE, 5e-3, 1e-5);
  check_op (&c7, OP_BWD_WEIGHT, 940, TRUE, TRUE, 5e-3, 1e-5);
  check_op (&wide, OP_BWD_WEIGHT, 950, FALSE, TRUE, 2e-2, 1e-5);
}

/* Bad shapes and bindings are recording errors that ddl_cmd_run reports. */
static void
expect_error (DdlCmd *cmd, const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_assert_false (ddl_cmd_run (cmd, &error));
  g_assert_nonnull (error);
  if (strstr (error->message, fragment) == NULL)
    g_test_fail_printf ("error '%s' does not mention '%s'", error->message, fragment);
}

static void
test_errors (void)
{
  if (!ddl_test_engine ())
    return;
  g_autoptr(DdlBuffer) small = ddl_test_zeros (16), big = ddl_test_zeros (4096);
  DdlBinding none = { NULL, 0, 0 };
  {
    DdlConv2dShape s = { 1, 1, 1, 4, 4, 4 };
    g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
    ddl_op_conv2d_fwd (cmd, &s, DDL_BIND (big), DDL_BIND (big), DDL_BIND (big), none);
    expect_error (cmd, "K must be 1, 3, 5 or 7");
  }
  {
    DdlConv2dShape s = { 1, 2, 2, 8, 8, 3 };
    g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
    ddl_op_conv2d_fwd (cmd, &s, DDL_BIND (small), DDL_BIND (big), DDL_BIND (big), none);
    expect_error (cmd, "out holds 16 floats");
  }
  {
    DdlConv2dShape s = { 1, 3, 2, 4, 4, 3, 4, 2, 0, 0 };
    g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
    ddl_op_conv2d_bwd_data (cmd, &s, DDL_BIND (big), DDL_BIND (big), DDL_BIND (big), FALSE);
    expect_error (cmd, "exceed in_ctotal");
  }
  {
    DdlConv2dShape s = { 1, 3, 2, 4, 4, 5 };
    g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
    ddl_op_conv2d_bwd_weight (cmd, &s, DDL_BIND (small), none, DDL_BIND (big), DDL_BIND (big),
                              FALSE);
    expect_error (cmd, "dweight holds 16 floats");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/conv2d/ref/hand-computed", test_ref_hand_computed);
  g_test_add_func ("/conv2d/ref/impulse", test_ref_impulse);
  for (guint i = 0; i < G_N_ELEMENTS (kernel_sizes); i++)
    {
      guint K = kernel_sizes[i];
      gpointer k = GUINT_TO_POINTER (K);
      g_autofree char *fd = g_strdup_printf ("/conv2d/ref/finite-differences/k%u", K);
      g_autofree char *fwd = g_strdup_printf ("/conv2d/fwd/k%u", K);
      g_autofree char *data = g_strdup_printf ("/conv2d/bwd-data/k%u", K);
      g_autofree char *weight = g_strdup_printf ("/conv2d/bwd-weight/k%u", K);
      g_autofree char *slices = g_strdup_printf ("/conv2d/slices/k%u", K);
      g_autofree char *direct = g_strdup_printf ("/conv2d/direct/k%u", K);
      g_test_add_data_func (fd, k, test_ref_finite_differences);
      g_test_add_data_func (fwd, k, test_fwd);
      g_test_add_data_func (data, k, test_bwd_data);
      g_test_add_data_func (weight, k, test_bwd_weight);
      g_test_add_data_func (slices, k, test_slices);
      g_test_add_data_func (direct, k, test_direct);
    }
  g_test_add_func ("/conv2d/accumulate", test_accumulate);
  g_test_add_func ("/conv2d/bwd-weight/one-chunk", test_bwd_weight_one_chunk);
  g_test_add_func ("/conv2d/replay", test_replay);
  g_test_add_func ("/conv2d/block", test_block);
  g_test_add_func ("/conv2d/loop-limit/cin1400-k7", test_loop_limit_fwd);
  g_test_add_func ("/conv2d/loop-limit/cin65551-passes", test_loop_limit_passes);
  g_test_add_func ("/conv2d/loop-limit/bwd-weight", test_loop_limit_bwd_weight);
  g_test_add_func ("/conv2d/errors", test_errors);

  int status = g_test_run ();
  ddl_test_engine_shutdown ();
  return status;
}
