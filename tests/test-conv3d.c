/* conv3d: the double reference against an independent zero-padded formulation,
 * hand-computed impulse responses and central finite differences; the Vulkan
 * kernels against the reference on odd shapes, both tensor layouts, full and
 * centre-only frame ranges, accumulate flags, strided slices, replay, lavapipe's
 * loop limit, the multi-pass weight gradient and bad input. */
#include "ddl-test-util.h"
#include "ddl-ops.h"
#include "ddl-ref.h"

#include <math.h>
#include <string.h>

typedef struct {
  const char *name;
  guint B, Cin, Cout, T, H, W, KT, t0, t1;
  DdlConv3dLayout in_layout, out_layout;
  gboolean slice;   /* input at an offset, output a channel slice of a wider tensor */
} Conv3dCase;

static const Conv3dCase gpu_cases[] = {
  { "B2 C3->5 T3 7x9 all frames, NCTHW", 2, 3, 5, 3, 7, 9, 3, 0, 3,
    DDL_CONV3D_NCTHW, DDL_CONV3D_NCTHW, FALSE },
  { "B2 C3->5 T3 7x9 centre, frames", 2, 3, 5, 3, 7, 9, 3, 1, 2,
    DDL_CONV3D_FRAMES, DDL_CONV3D_FRAMES, FALSE },
  { "B1 C4->3 T5 5x11 KT5 centre, frames->NCTHW", 1, 4, 3, 5, 5, 11, 5, 2, 3,
    DDL_CONV3D_FRAMES, DDL_CONV3D_NCTHW, FALSE },
  { "B3 C5->7 T1 9x7 KT1", 3, 5, 7, 1, 9, 7, 1, 0, 1,
    DDL_CONV3D_NCTHW, DDL_CONV3D_NCTHW, FALSE },
  { "B2 C3->2 T5 6x5 KT3 frames [1,4), NCTHW->frames", 2, 3, 2, 5, 6, 5, 3, 1, 4,
    DDL_CONV3D_NCTHW, DDL_CONV3D_FRAMES, FALSE },
  { "B2 C3->5 T3 7x9 centre, offset input, output slice", 2, 3, 5, 3, 7, 9, 3, 1, 2,
    DDL_CONV3D_FRAMES, DDL_CONV3D_FRAMES, TRUE },
};

/* The register blocking forced on fwd / bwd_data (both variants are tested). */
static const char *blocks_label = "auto blocks";

static void
set_blocks (DdlConv3dBlocks blocks)
{
  static const char *labels[] = { "auto blocks", "small blocks", "large blocks" };
  ddl_op_conv3d_set_blocks (blocks);
  blocks_label = labels[blocks];
}

/* Float tolerance of results that sum Cin * KT * 9 products of values in [-1, 1]. */
#define ATOL 2e-5
#define RTOL 1e-5

static DdlConv3dShape
case_shape (const Conv3dCase *c)
{
  DdlConv3dShape s;
  ddl_conv3d_shape_init (&s, c->B, c->Cin, c->Cout, c->T, c->H, c->W, c->KT, c->t0, c->t1,
                         c->in_layout, c->out_layout);
  if (c->slice)
    {
      /* Input 5 floats into its binding; output channels [2, 2 + Cout) of a
       * frame-major tensor with Cout + 3 channels, as a concatenation would. */
      guint64 hw = (guint64) c->H * c->W;
      s.in_offset = 5;
      s.out_sC = hw;
      s.out_sT = (c->Cout + 3) * hw;
      s.out_sB = (c->t1 - c->t0) * s.out_sT;
      s.out_offset = 2 * hw;
    }
  return s;
}

/* Copies a dense NCTHW (B, C, nT, H, W) tensor into / out of strided storage. */
static void
scatter (float *buf, const float *dense, guint B, guint C, guint nT, guint H, guint W,
         guint64 off, guint64 sB, guint64 sC, guint64 sT)
{
  gsize i = 0;
  for (guint b = 0; b < B; b++)
    for (guint c = 0; c < C; c++)
      for (guint t = 0; t < nT; t++)
        for (guint p = 0; p < H * W; p++)
          buf[off + b * sB + c * sC + t * sT + p] = dense[i++];
}

static float *
gather (const float *buf, guint B, guint C, guint nT, guint H, guint W,
        guint64 off, guint64 sB, guint64 sC, guint64 sT)
{
  float *dense = g_new (float, (gsize) B * C * nT * H * W);
  gsize i = 0;
  for (guint b = 0; b < B; b++)
    for (guint c = 0; c < C; c++)
      for (guint t = 0; t < nT; t++)
        for (guint p = 0; p < H * W; p++)
          dense[i++] = buf[off + b * sB + c * sC + t * sT + p];
  return dense;
}

/* A strided tensor on the device: storage of `len` floats holding `dense`
 * (NCTHW) at the shape's addresses and `fill` values elsewhere. */
typedef struct {
  gsize len;
  float *host;      /* what was uploaded */
  DdlBuffer *buffer;
  guint B, C, nT, H, W;
  guint64 off, sB, sC, sT;
} Strided;

static void
strided_init (Strided *t, const float *dense, guint B, guint C, guint nT, guint H, guint W,
              guint64 off, guint64 sB, guint64 sC, guint64 sT, guint64 seed)
{
  *t = (Strided) { 0, NULL, NULL, B, C, nT, H, W, off, sB, sC, sT };
  t->len = off + (B - 1) * sB + (C - 1) * sC + (nT - 1) * sT + (gsize) H * W + 3;
  t->host = g_new (float, t->len);
  /* Gaps get values a kernel must not touch (and must not read as data). */
  ddl_test_random (t->host, t->len, seed, 100.0f, 200.0f);
  scatter (t->host, dense, B, C, nT, H, W, off, sB, sC, sT);
  t->buffer = ddl_test_upload (t->host, t->len);
}

static void
strided_init_in (Strided *t, const DdlConv3dShape *s, const float *dense, guint64 seed)
{
  strided_init (t, dense, s->B, s->Cin, s->T, s->H, s->W, s->in_offset, s->in_sB, s->in_sC,
                s->in_sT, seed);
}

static void
strided_init_out (Strided *t, const DdlConv3dShape *s, const float *dense, guint64 seed)
{
  strided_init (t, dense, s->B, s->Cout, s->t1 - s->t0, s->H, s->W, s->out_offset, s->out_sB,
                s->out_sC, s->out_sT, seed);
}

/* Downloads the tensor, checks it against want (NCTHW) and that every float
 * outside it kept its uploaded value. */
static void
strided_check (Strided *t, const char *what, const double *want, double atol, double rtol)
{
  g_autofree float *all = ddl_test_download (t->buffer, t->len);
  g_autofree float *got = gather (all, t->B, t->C, t->nT, t->H, t->W, t->off, t->sB, t->sC, t->sT);
  gsize n = (gsize) t->B * t->C * t->nT * t->H * t->W;

  ddl_test_assert_close (what, got, want, n, atol, rtol);
  /* Mark the tensor's own elements in the uploaded copy, then compare the rest. */
  g_autofree float *mask = g_memdup2 (t->host, t->len * sizeof (float));
  g_autofree float *marks = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    marks[i] = NAN;
  scatter (mask, marks, t->B, t->C, t->nT, t->H, t->W, t->off, t->sB, t->sC, t->sT);
  for (gsize i = 0; i < t->len; i++)
    if (!isnan (mask[i]) && all[i] != t->host[i])
      {
        g_test_fail_printf ("%s: float %" G_GSIZE_FORMAT " outside the tensor changed from %g "
                            "to %g", what, i, t->host[i], all[i]);
        return;
      }
}

static void
strided_clear (Strided *t)
{
  g_clear_pointer (&t->buffer, ddl_buffer_free);
  g_clear_pointer (&t->host, g_free);
}

/* Random inputs of one case: in, weight, bias, dout (all in [-1, 1]). */
typedef struct {
  gsize n_in, n_out, n_w;
  float *in, *w, *bias, *dout;
  double *in_d, *w_d, *bias_d, *dout_d;
} CaseData;

static void
case_data_init (CaseData *d, const Conv3dCase *c, guint64 seed)
{
  d->n_in = (gsize) c->B * c->Cin * c->T * c->H * c->W;
  d->n_out = (gsize) c->B * c->Cout * (c->t1 - c->t0) * c->H * c->W;
  d->n_w = (gsize) c->Cout * c->Cin * c->KT * 9;
  d->in = g_new (float, d->n_in);
  d->w = g_new (float, d->n_w);
  d->bias = g_new (float, c->Cout);
  d->dout = g_new (float, d->n_out);
  ddl_test_random (d->in, d->n_in, seed * 10 + 1, -1.0f, 1.0f);
  ddl_test_random (d->w, d->n_w, seed * 10 + 2, -1.0f, 1.0f);
  ddl_test_random (d->bias, c->Cout, seed * 10 + 3, -1.0f, 1.0f);
  ddl_test_random (d->dout, d->n_out, seed * 10 + 4, -1.0f, 1.0f);
  d->in_d = ddl_test_to_double (d->in, d->n_in);
  d->w_d = ddl_test_to_double (d->w, d->n_w);
  d->bias_d = ddl_test_to_double (d->bias, c->Cout);
  d->dout_d = ddl_test_to_double (d->dout, d->n_out);
}

static void
case_data_clear (CaseData *d)
{
  g_free (d->in);
  g_free (d->w);
  g_free (d->bias);
  g_free (d->dout);
  g_free (d->in_d);
  g_free (d->w_d);
  g_free (d->bias_d);
  g_free (d->dout_d);
}

#define REF_ARGS(c) (int) (c)->B, (int) (c)->Cin, (int) (c)->Cout, (int) (c)->T, (int) (c)->H, \
                    (int) (c)->W, (int) (c)->KT, (int) (c)->t0, (int) (c)->t1

/* ------------------------------------------------------------------------- */
/* The reference itself. */

/* Independent formulation: copy the input into a zero-padded volume, then
 * correlate without any bounds checks. */
static void
padded_conv3d (double *out, const double *in, const double *w, const double *bias,
               const Conv3dCase *c)
{
  int P = c->KT / 2, Tp = c->T + 2 * P, Hp = c->H + 2, Wp = c->W + 2;
  int nt = c->t1 - c->t0;
  g_autofree double *pad = g_new0 (double, (gsize) c->B * c->Cin * Tp * Hp * Wp);

  for (guint b = 0; b < c->B; b++)
    for (guint ci = 0; ci < c->Cin; ci++)
      for (guint t = 0; t < c->T; t++)
        for (guint y = 0; y < c->H; y++)
          for (guint x = 0; x < c->W; x++)
            pad[((((gsize) b * c->Cin + ci) * Tp + t + P) * Hp + y + 1) * Wp + x + 1]
              = in[((((gsize) b * c->Cin + ci) * c->T + t) * c->H + y) * c->W + x];
  for (guint b = 0; b < c->B; b++)
    for (guint co = 0; co < c->Cout; co++)
      for (int t = 0; t < nt; t++)
        for (guint y = 0; y < c->H; y++)
          for (guint x = 0; x < c->W; x++)
            {
              double sum = bias[co];
              const double *wk = w + (gsize) co * c->Cin * c->KT * 9;
              for (guint ci = 0; ci < c->Cin; ci++)
                for (guint k = 0; k < c->KT * 9; k++, wk++)
                  {
                    /* output frame t0 + t, tap kt reads padded frame t0 + t + kt */
                    guint kt = k / 9, ky = k / 3 % 3, kx = k % 3;
                    sum += *wk * pad[((((gsize) b * c->Cin + ci) * Tp + c->t0 + t + kt) * Hp
                                      + y + ky) * Wp + x + kx];
                  }
              out[((((gsize) b * c->Cout + co) * nt + t) * c->H + y) * c->W + x] = sum;
            }
}

static void
test_ref_fwd_padded (void)
{
  const Conv3dCase cases[] = {
    { NULL, 2, 3, 5, 3, 7, 9, 3, 0, 3 }, { NULL, 2, 3, 5, 3, 7, 9, 3, 1, 2 },
    { NULL, 1, 4, 3, 5, 5, 11, 5, 2, 3 }, { NULL, 1, 2, 3, 5, 3, 5, 3, 0, 5 },
    { NULL, 3, 5, 7, 1, 9, 7, 1, 0, 1 }, { NULL, 1, 2, 2, 3, 1, 1, 3, 0, 3 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint64 seed = 1; seed <= 2; seed++)
      {
        const Conv3dCase *c = &cases[i];
        CaseData d;
        case_data_init (&d, c, seed);
        g_autofree double *want = g_new (double, d.n_out);
        g_autofree double *got = g_new (double, d.n_out);
        g_autofree float *got_f = NULL;
        padded_conv3d (want, d.in_d, d.w_d, d.bias_d, c);
        ddl_ref_conv3d_fwd (got, d.in_d, d.w_d, d.bias_d, REF_ARGS (c));
        got_f = ddl_test_to_float (got, d.n_out);
        /* Same sums in another order: double rounding only (compared in float). */
        ddl_test_assert_close ("ref fwd vs padded", got_f, want, d.n_out, 1e-6, 1e-6);
        case_data_clear (&d);
      }
}

/* One input voxel set to 1 and weights w[co, ci, kt, ky, kx] = code of the tap:
 * PyTorch's correlation (no kernel flip) puts weight (kt, ky, kx) = (P - t + ti,
 * 1 - y + yi, 1 - x + xi) at output (t, y, x), or 0 where that tap does not exist. */
static void
test_ref_fwd_impulse (void)
{
  const int B = 1, Cin = 2, Cout = 2, T = 3, H = 4, W = 5, KT = 3, ti = 0, yi = 1, xi = 4;
  double in[2 * 3 * 4 * 5] = { 0 }, w[2 * 2 * 27], bias[2] = { 0.5, -0.25 };
  double out[2 * 3 * 4 * 5];

  for (int i = 0; i < Cout * Cin * 27; i++)
    w[i] = 1000 * (i / 27) + (i % 27) + 1;   /* (co*Cin + ci) * 1000 + tap + 1 */
  in[((1 * T + ti) * H + yi) * W + xi] = 1.0;   /* b 0, ci 1 */
  ddl_ref_conv3d_fwd (out, in, w, bias, B, Cin, Cout, T, H, W, KT, 0, T);
  for (int co = 0; co < Cout; co++)
    for (int t = 0; t < T; t++)
      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
          {
            int kt = 1 - t + ti, ky = 1 - y + yi, kx = 1 - x + xi;
            double want = bias[co];
            if (kt >= 0 && kt < 3 && ky >= 0 && ky < 3 && kx >= 0 && kx < 3)
              want += 1000 * (co * Cin + 1) + kt * 9 + ky * 3 + kx + 1;
            g_assert_cmpfloat (out[((co * T + t) * H + y) * W + x], ==, want);
          }
}

typedef struct {
  const Conv3dCase *c;
  double *in, *w, *bias;
  const double *r;     /* f = sum (conv3d (in, w, bias) * r) */
  double *out;
} FdState;

static double
fd_loss (const double *x, gpointer user_data)
{
  FdState *s = user_data;
  gsize n = (gsize) s->c->B * s->c->Cout * (s->c->t1 - s->c->t0) * s->c->H * s->c->W;
  double f = 0;
  ddl_ref_conv3d_fwd (s->out, s->in, s->w, s->bias, REF_ARGS (s->c));
  for (gsize i = 0; i < n; i++)
    f += s->out[i] * s->r[i];
  return f;
}

/* The backward references against central differences of sum (out * dout). The
 * loss is linear in each argument, so the differences are exact up to rounding
 * (h = 1e-3, tolerance 1e-9). */
static void
test_ref_bwd_fd (void)
{
  const Conv3dCase cases[] = {
    { NULL, 2, 2, 3, 3, 4, 5, 3, 1, 2 }, { NULL, 1, 2, 2, 5, 3, 3, 5, 0, 5 },
    { NULL, 1, 3, 2, 5, 3, 4, 3, 1, 4 }, { NULL, 2, 3, 2, 1, 3, 5, 1, 0, 1 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Conv3dCase *c = &cases[i];
      CaseData d;
      case_data_init (&d, c, 7 + i);
      g_autofree double *out = g_new (double, d.n_out);
      FdState s = { c, d.in_d, d.w_d, d.bias_d, d.dout_d, out };
      g_autofree double *numeric = g_new (double, MAX (d.n_in, d.n_w));
      g_autofree double *din = g_new (double, d.n_in);
      g_autofree double *dw = g_new (double, d.n_w);
      g_autofree double *db = g_new (double, c->Cout);

      ddl_ref_conv3d_bwd_data (din, d.dout_d, d.w_d, REF_ARGS (c), 0);
      ddl_test_numeric_grad (fd_loss, &s, d.in_d, d.n_in, 1e-3, numeric);
      ddl_test_assert_grad ("ref bwd_data", din, numeric, d.n_in, 1e-9);

      ddl_ref_conv3d_bwd_weight (dw, db, d.dout_d, d.in_d, REF_ARGS (c), 0);
      ddl_test_numeric_grad (fd_loss, &s, d.w_d, d.n_w, 1e-3, numeric);
      ddl_test_assert_grad ("ref bwd_weight", dw, numeric, d.n_w, 1e-9);
      ddl_test_numeric_grad (fd_loss, &s, d.bias_d, c->Cout, 1e-3, numeric);
      ddl_test_assert_grad ("ref bwd_bias", db, numeric, c->Cout, 1e-9);

      /* accumulate adds to what is there. */
      g_autofree double *acc = g_new (double, d.n_w);
      for (gsize k = 0; k < d.n_w; k++)
        acc[k] = 3.0;
      ddl_ref_conv3d_bwd_weight (acc, NULL, d.dout_d, d.in_d, REF_ARGS (c), 1);
      for (gsize k = 0; k < d.n_w; k++)
        g_assert_cmpfloat_with_epsilon (acc[k], 3.0 + dw[k], 1e-12);
      case_data_clear (&d);
    }
}

/* ------------------------------------------------------------------------- */
/* The kernels against the reference. */

static void
run_fwd (const Conv3dCase *c, guint64 seed, gboolean with_bias, double atol)
{
  DdlConv3dShape s = case_shape (c);
  CaseData d;
  Strided in, out;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = g_strdup_printf ("fwd%s %s seed %" G_GUINT64_FORMAT " (%s)",
                                           with_bias ? "" : " (no bias)", c->name, seed,
                                           blocks_label);

  case_data_init (&d, c, seed);
  strided_init_in (&in, &s, d.in, seed + 100);
  strided_init_out (&out, &s, d.dout, seed + 200);   /* stale values to overwrite */
  g_autoptr(DdlBuffer) w = ddl_test_upload (d.w, d.n_w);
  g_autoptr(DdlBuffer) bias = ddl_test_upload (d.bias, c->Cout);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
  ddl_op_conv3d_fwd (cmd, &s, DDL_BIND (out.buffer), DDL_BIND (in.buffer), DDL_BIND (w),
                     with_bias ? DDL_BIND (bias) : (DdlBinding) { NULL, 0, 0 });
  ddl_test_run (cmd);

  g_autofree double *want = g_new (double, d.n_out);
  ddl_ref_conv3d_fwd (want, d.in_d, d.w_d, with_bias ? d.bias_d : NULL, REF_ARGS (c));
  strided_check (&out, what, want, atol, RTOL);

  /* Replay the same command on new input values. */
  g_autofree float *in2 = g_new (float, d.n_in);
  ddl_test_random (in2, d.n_in, seed + 300, -1.0f, 1.0f);
  scatter (in.host, in2, c->B, c->Cin, c->T, c->H, c->W, s.in_offset, s.in_sB, s.in_sC, s.in_sT);
  ddl_buffer_write (in.buffer, 0, in.host, in.len * sizeof (float), &error);
  g_assert_no_error (error);
  ddl_test_run (cmd);
  g_autofree double *in2_d = ddl_test_to_double (in2, d.n_in);
  ddl_ref_conv3d_fwd (want, in2_d, d.w_d, with_bias ? d.bias_d : NULL, REF_ARGS (c));
  strided_check (&out, what, want, atol, RTOL);

  strided_clear (&in);
  strided_clear (&out);
  case_data_clear (&d);
}

static void
run_bwd_data (const Conv3dCase *c, guint64 seed, gboolean accumulate, double atol)
{
  DdlConv3dShape s = case_shape (c);
  CaseData d;
  Strided din, dout;
  g_autofree char *what = g_strdup_printf ("bwd_data%s %s seed %" G_GUINT64_FORMAT " (%s)",
                                           accumulate ? " accumulate" : "", c->name, seed,
                                           blocks_label);

  case_data_init (&d, c, seed);
  g_autofree float *pre = g_new (float, d.n_in);
  ddl_test_random (pre, d.n_in, seed + 400, -1.0f, 1.0f);
  strided_init_in (&din, &s, pre, seed + 100);
  strided_init_out (&dout, &s, d.dout, seed + 200);
  g_autoptr(DdlBuffer) w = ddl_test_upload (d.w, d.n_w);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
  ddl_op_conv3d_bwd_data (cmd, &s, DDL_BIND (din.buffer), DDL_BIND (dout.buffer), DDL_BIND (w),
                          accumulate);
  ddl_test_run (cmd);

  g_autofree double *want = ddl_test_to_double (pre, d.n_in);
  ddl_ref_conv3d_bwd_data (want, d.dout_d, d.w_d, REF_ARGS (c), accumulate);
  strided_check (&din, what, want, atol, RTOL);
  strided_check (&dout, "bwd_data leaves dout alone", d.dout_d, 0, 0);

  strided_clear (&din);
  strided_clear (&dout);
  case_data_clear (&d);
}

static void
run_bwd_weight (const Conv3dCase *c, guint64 seed, gboolean accumulate, double atol)
{
  DdlConv3dShape s = case_shape (c);
  CaseData d;
  Strided in, dout;
  g_autofree char *what = g_strdup_printf ("bwd_weight%s %s seed %" G_GUINT64_FORMAT,
                                           accumulate ? " accumulate" : "", c->name, seed);

  case_data_init (&d, c, seed);
  g_autofree float *pre_w = g_new (float, d.n_w);
  g_autofree float *pre_b = g_new (float, c->Cout);
  ddl_test_random (pre_w, d.n_w, seed + 500, -1.0f, 1.0f);
  ddl_test_random (pre_b, c->Cout, seed + 600, -1.0f, 1.0f);
  strided_init_in (&in, &s, d.in, seed + 100);
  strided_init_out (&dout, &s, d.dout, seed + 200);
  g_autoptr(DdlBuffer) dw = ddl_test_upload (pre_w, d.n_w);
  g_autoptr(DdlBuffer) db = ddl_test_upload (pre_b, c->Cout);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
  ddl_op_conv3d_bwd_weight (cmd, &s, DDL_BIND (dw), DDL_BIND (db), DDL_BIND (dout.buffer),
                            DDL_BIND (in.buffer), accumulate);
  ddl_test_run (cmd);

  g_autofree double *want_w = ddl_test_to_double (pre_w, d.n_w);
  g_autofree double *want_b = ddl_test_to_double (pre_b, c->Cout);
  ddl_ref_conv3d_bwd_weight (want_w, want_b, d.dout_d, d.in_d, REF_ARGS (c), accumulate);
  g_autofree float *got_w = ddl_test_download (dw, d.n_w);
  g_autofree float *got_b = ddl_test_download (db, c->Cout);
  g_autofree char *what_b = g_strconcat (what, " (bias)", NULL);
  ddl_test_assert_close (what, got_w, want_w, d.n_w, atol, RTOL);
  ddl_test_assert_close (what_b, got_b, want_b, c->Cout, atol, RTOL);

  strided_clear (&in);
  strided_clear (&dout);
  case_data_clear (&d);
}

static void
test_fwd (void)
{
  if (!ddl_test_engine ())
    return;
  for (DdlConv3dBlocks k = DDL_CONV3D_BLOCKS_SMALL; k <= DDL_CONV3D_BLOCKS_LARGE; k++)
    {
      set_blocks (k);
      for (guint i = 0; i < G_N_ELEMENTS (gpu_cases); i++)
        for (guint64 seed = 1; seed <= 2; seed++)
          run_fwd (&gpu_cases[i], seed, TRUE, ATOL);
      run_fwd (&gpu_cases[1], 3, FALSE, ATOL);
    }
  set_blocks (DDL_CONV3D_BLOCKS_AUTO);
  ddl_test_assert_no_validation ();
}

static void
test_bwd_data (void)
{
  if (!ddl_test_engine ())
    return;
  for (DdlConv3dBlocks k = DDL_CONV3D_BLOCKS_SMALL; k <= DDL_CONV3D_BLOCKS_LARGE; k++)
    {
      set_blocks (k);
      for (guint i = 0; i < G_N_ELEMENTS (gpu_cases); i++)
        for (guint64 seed = 1; seed <= 2; seed++)
          run_bwd_data (&gpu_cases[i], seed, seed == 2, ATOL);
      run_bwd_data (&gpu_cases[1], 3, TRUE, ATOL);
      run_bwd_data (&gpu_cases[2], 3, FALSE, ATOL);
    }
  set_blocks (DDL_CONV3D_BLOCKS_AUTO);
  ddl_test_assert_no_validation ();
}

static void
test_bwd_weight (void)
{
  if (!ddl_test_engine ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (gpu_cases); i++)
    for (guint64 seed = 1; seed <= 2; seed++)
      run_bwd_weight (&gpu_cases[i], seed, seed == 2, ATOL);
  run_bwd_weight (&gpu_cases[1], 3, TRUE, ATOL);
  run_bwd_weight (&gpu_cases[2], 3, FALSE, ATOL);
  ddl_test_assert_no_validation ();
}

/* Shapes past lavapipe's 65,535-iteration limit unless the host splits the
 * work: 23,000 channels x 3 temporal taps per output even for our flat
 * (channel, tap) loop (a naive kernel: x 27 taps), and 513 x 513 pixels summed
 * per weight in the weight gradient (ours: 513 rows x 130 trips of 4 pixels).
 * Truncated loops lose most terms: errors of order 10-100. Float rounding over
 * sums of 620,000 products (magnitude up to ~250) stays near 2e-3, hence atol
 * 1e-2. */
static void
test_loop_limit (void)
{
  static const Conv3dCase wide_in =
    { "B1 C23000->3 T3 3x5 centre", 1, 23000, 3, 3, 3, 5, 3, 1, 2,
      DDL_CONV3D_FRAMES, DDL_CONV3D_FRAMES, FALSE };
  static const Conv3dCase wide_out =
    { "B1 C3->23000 T3 3x5 all frames", 1, 3, 23000, 3, 3, 5, 3, 0, 3,
      DDL_CONV3D_FRAMES, DDL_CONV3D_FRAMES, FALSE };
  static const Conv3dCase big_image =
    { "B1 C2->3 T1 513x513", 1, 2, 3, 1, 513, 513, 1, 0, 1,
      DDL_CONV3D_NCTHW, DDL_CONV3D_NCTHW, FALSE };

  if (!ddl_test_engine ())
    return;
  for (DdlConv3dBlocks k = DDL_CONV3D_BLOCKS_SMALL; k <= DDL_CONV3D_BLOCKS_LARGE; k++)
    {
      set_blocks (k);
      run_fwd (&wide_in, 1, TRUE, 1e-2);
      run_bwd_data (&wide_out, 1, FALSE, 1e-2);
    }
  set_blocks (DDL_CONV3D_BLOCKS_AUTO);
  run_bwd_weight (&big_image, 1, FALSE, 1e-2);
  ddl_test_assert_no_validation ();
}

/* A scratch limit of 4 KiB splits the weight gradient of a 186-row case into
 * many passes, each reduced into the result. */
static void
test_bwd_weight_passes (void)
{
  static const Conv3dCase tall =
    { "B2 C3->5 T3 31x9 all frames, 4 KiB partials", 2, 3, 5, 3, 31, 9, 3, 0, 3,
      DDL_CONV3D_FRAMES, DDL_CONV3D_NCTHW, FALSE };

  if (!ddl_test_engine ())
    return;
  ddl_op_conv3d_set_partial_limit (4096);
  run_bwd_weight (&tall, 1, FALSE, ATOL);
  run_bwd_weight (&tall, 2, TRUE, ATOL);
  ddl_op_conv3d_set_partial_limit (0);
  ddl_test_assert_no_validation ();
}

static void
expect_error (DdlCmd *cmd, const char *pattern)
{
  g_autoptr(GError) error = NULL;
  g_assert_false (ddl_cmd_run (cmd, &error));
  g_assert_nonnull (error);
  if (!g_pattern_match_simple (pattern, error->message))
    g_test_fail_printf ("error \"%s\" does not match \"%s\"", error->message, pattern);
}

static void
test_errors (void)
{
  DdlConv3dShape s;
  g_autoptr(GError) error = NULL;

  ddl_conv3d_shape_init (&s, 1, 2, 2, 3, 4, 4, 2, 0, 3, DDL_CONV3D_NCTHW, DDL_CONV3D_NCTHW);
  g_assert_false (ddl_conv3d_shape_check (&s, &error));
  g_assert_nonnull (strstr (error->message, "odd"));
  g_clear_error (&error);
  ddl_conv3d_shape_init (&s, 1, 2, 2, 3, 4, 4, 3, 2, 4, DDL_CONV3D_NCTHW, DDL_CONV3D_NCTHW);
  g_assert_false (ddl_conv3d_shape_check (&s, &error));
  g_assert_nonnull (strstr (error->message, "[t0, t1)"));
  g_clear_error (&error);
  ddl_conv3d_shape_init (&s, 1, 2, 2, 3, 4, 4, 3, 1, 2, DDL_CONV3D_NCTHW, DDL_CONV3D_FRAMES);
  g_assert_true (ddl_conv3d_shape_check (&s, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_conv3d_shape_in_extent (&s), ==, 2 * 3 * 16);
  g_assert_cmpuint (ddl_conv3d_shape_out_extent (&s), ==, 2 * 16);

  if (!ddl_test_engine ())
    return;
  g_autoptr(DdlBuffer) small = ddl_test_zeros (10);
  g_autoptr(DdlBuffer) big = ddl_test_zeros (1000);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
  ddl_op_conv3d_fwd (cmd, &s, DDL_BIND (big), DDL_BIND (small), DDL_BIND (big), DDL_BIND (big));
  expect_error (cmd, "conv3d_fwd: the input binding holds 10 floats, the shape needs 96");

  g_autoptr(DdlCmd) cmd2 = ddl_cmd_new (ddl_test_engine ());
  s.KT = 4;
  ddl_op_conv3d_bwd_weight (cmd2, &s, DDL_BIND (big), DDL_BIND (big), DDL_BIND (big),
                            DDL_BIND (big), FALSE);
  expect_error (cmd2, "conv3d_bwd_weight: conv3d: *odd*");
  ddl_test_assert_no_validation ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/conv3d/ref/fwd-padded", test_ref_fwd_padded);
  g_test_add_func ("/conv3d/ref/fwd-impulse", test_ref_fwd_impulse);
  g_test_add_func ("/conv3d/ref/bwd-finite-differences", test_ref_bwd_fd);
  g_test_add_func ("/conv3d/fwd", test_fwd);
  g_test_add_func ("/conv3d/bwd-data", test_bwd_data);
  g_test_add_func ("/conv3d/bwd-weight", test_bwd_weight);
  g_test_add_func ("/conv3d/bwd-weight-passes", test_bwd_weight_passes);
  g_test_add_func ("/conv3d/loop-limit", test_loop_limit);
  g_test_add_func ("/conv3d/errors", test_errors);
  int status = g_test_run ();
  ddl_test_engine_shutdown ();
  return status;
}
