/* The loss family: DDL loss (reference code's mean of ratios and the paper's ratio of
 * norms), Philox noise, pseudo-anomaly blend, Adam, frame scoring. Backward references
 * are checked against central differences in double; kernels against the references
 * on odd shapes, several seeds, and sizes past lavapipe's 65,535-iteration loop limit. */
#include "ddl-test-util.h"
#include "ddl-ops.h"
#include "ddl-ref.h"

#include <math.h>
#include <string.h>

/* Boxes in (B, T, H, W): two random boxes per frame, except sample `empty_b` (-1: none),
 * which has no mask at all. */
static double *
make_mask (int B, int T, int H, int W, guint64 seed, int empty_b)
{
  double *mask = g_new0 (double, (gsize) B * T * H * W);
  double r[8];
  for (int bt = 0; bt < B * T; bt++)
    {
      if (bt / T == empty_b)
        continue;
      for (int box = 0; box < 2; box++)
        {
          ddl_test_random_double (r, 4, seed * 977 + bt * 7 + box, 0.0, 1.0);
          int y0 = (int) (r[0] * (H - 2)), x0 = (int) (r[1] * (W - 2));
          int y1 = MIN (H, y0 + 2 + (int) (r[2] * H / 2)), x1 = MIN (W, x0 + 2 + (int) (r[3] * W / 2));
          for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
              mask[((gsize) bt * H + y) * W + x] = 1.0;
        }
    }
  return mask;
}

/* Inputs of one loss case, in double, exactly representable in float. */
typedef struct {
  DdlRefLossConfig cfg;
  double *x, *xa, *rn, *ra, *mask;
  gsize clip, frame, masks;
  double dloss;
} LossCase;

static double *
random_floats_as_double (gsize n, guint64 seed, double lo, double hi)
{
  g_autofree float *f = g_new (float, n);
  ddl_test_random (f, n, seed, (float) lo, (float) hi);
  return ddl_test_to_double (f, n);
}

static void
loss_case_init (LossCase *lc, int B, int C, int T, int t, int H, int W, guint64 seed,
                int empty_b, int norm_ratio)
{
  lc->cfg = (DdlRefLossConfig) { B, C, H, W, T, t, sqrt ((double) C), 1e-6, 1e-2, 1, norm_ratio };
  lc->frame = (gsize) B * C * H * W;
  lc->clip = lc->frame * T;
  lc->masks = (gsize) B * T * H * W;
  lc->x = random_floats_as_double (lc->clip, seed, 0.0, 1.0);
  lc->xa = random_floats_as_double (lc->clip, seed + 100, 0.0, 1.0);
  lc->rn = random_floats_as_double (lc->frame, seed + 200, 0.0, 1.0);
  lc->ra = random_floats_as_double (lc->frame, seed + 300, 0.0, 1.0);
  lc->mask = make_mask (B, T, H, W, seed, empty_b);
  lc->dloss = 1.0;
  /* Zero norms, where only the eps terms and torch.norm's zero gradient act: pixel 0 of
   * every sample has x = xa = rec_a (masked in sample 0: ratio eps / eps = 1), pixel 1
   * has x = rec_n. */
  gsize hw = (gsize) H * W;
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++)
      {
        gsize xi = (((gsize) b * C + c) * T + t) * hw, ri = ((gsize) b * C + c) * hw;
        lc->ra[ri] = lc->xa[xi] = lc->x[xi];
        lc->rn[ri + 1] = lc->x[xi + 1];
      }
  if (empty_b != 0)
    lc->mask[(gsize) t * hw] = 1.0;
}

static void
loss_case_clear (LossCase *lc)
{
  g_free (lc->x);
  g_free (lc->xa);
  g_free (lc->rn);
  g_free (lc->ra);
  g_free (lc->mask);
}

/* --- reference gradients against central differences ------------------------------ */

static double
loss_total (const double *unused, gpointer data)
{
  LossCase *lc = data;
  double out[4];
  ddl_ref_loss_fwd (out, lc->x, lc->xa, lc->rn, lc->ra, lc->mask, &lc->cfg);
  return lc->dloss * out[2];
}

static void
check_loss_grads (LossCase *lc, const char *what)
{
  g_autofree double *drn = g_new0 (double, lc->frame);
  g_autofree double *dra = g_new0 (double, lc->frame);
  g_autofree double *dxa = g_new0 (double, lc->clip);
  g_autofree double *num = g_new (double, lc->clip);

  ddl_ref_loss_bwd (drn, dra, dxa, lc->dloss, lc->x, lc->xa, lc->rn, lc->ra, lc->mask, &lc->cfg);
  /* h = 1e-6 in double: truncation ~1e-12, rounding ~1e-10; tolerance 1e-7 relative
   * to max (1, max |numeric|). Frames other than t of dxa must come out 0 both ways. */
  g_autofree char *n1 = g_strdup_printf ("%s drec_n", what);
  ddl_test_numeric_grad (loss_total, lc, lc->rn, lc->frame, 1e-6, num);
  ddl_test_assert_grad (n1, drn, num, lc->frame, 1e-7);
  g_autofree char *n2 = g_strdup_printf ("%s drec_a", what);
  ddl_test_numeric_grad (loss_total, lc, lc->ra, lc->frame, 1e-6, num);
  ddl_test_assert_grad (n2, dra, num, lc->frame, 1e-7);
  g_autofree char *n3 = g_strdup_printf ("%s dxa", what);
  ddl_test_numeric_grad (loss_total, lc, lc->xa, lc->clip, 1e-6, num);
  ddl_test_assert_grad (n3, dxa, num, lc->clip, 1e-7);
}

static void
test_ref_loss_grad (void)
{
  for (int norm_ratio = 0; norm_ratio <= 1; norm_ratio++)
    for (int C = 1; C <= 3; C += 2)
      for (guint64 seed = 1; seed <= 2; seed++)
        {
          LossCase lc;
          /* A 3-frame clip (middle frame compared), sample 1 without mask; lambda and
           * the upstream gradient large so that the distinction term dominates. */
          loss_case_init (&lc, 3, C, 3, 1, 5, 7, seed, 1, norm_ratio);
          lc.cfg.lambda = 0.7;
          lc.dloss = 30.0;
          g_autofree char *what = g_strdup_printf ("%s C%d seed %d",
                                                   norm_ratio ? "norm ratio" : "mean ratio", C,
                                                   (int) seed);
          check_loss_grads (&lc, what);
          /* Reconstruction term alone. */
          lc.cfg.distinction = 0;
          check_loss_grads (&lc, "recon only");
          loss_case_clear (&lc);
        }
}

/* The forward by hand on 1 x 1 x 2 x 2 frames: both variants and the empty mask. */
static void
test_ref_loss_values (void)
{
  double x[4] = { 1.0, 0.5, 0.25, 0.0 }, rn[4] = { 0.5, 0.5, 1.25, 3.0 };
  double xa[4] = { 2.0, 0.5, 0.25, 4.0 }, ra[4] = { 0.0, 0.5, 0.0, 1.0 };
  double mask[4] = { 1.0, 1.0, 0.0, 1.0 }, none[4] = { 0 };
  DdlRefLossConfig cfg = { 1, 1, 2, 2, 1, 0, 1.0, 1e-6, 1e-2, 1, 0 };
  double out[4];

  ddl_ref_loss_fwd (out, x, xa, rn, ra, mask, &cfg);
  g_assert_cmpfloat_with_epsilon (out[0], (0.5 + 0 + 1 + 3) / 4.0, 1e-15);
  /* ratios: (1 + e) / (2 + e), (0 + e) / (0 + e) = 1, (1 + e) / (3 + e) */
  double dist = ((1 + 1e-6) / (2 + 1e-6) + 1.0 + (1 + 1e-6) / (3 + 1e-6)) / 3.0;
  g_assert_cmpfloat_with_epsilon (out[1], dist, 1e-15);
  g_assert_cmpfloat_with_epsilon (out[2], out[0] + 1e-2 * dist, 1e-15);
  g_assert_cmpfloat (out[3], ==, 3.0);
  cfg.norm_ratio = 1;
  ddl_ref_loss_fwd (out, x, xa, rn, ra, mask, &cfg);
  g_assert_cmpfloat_with_epsilon (out[1], (sqrt (2.0) + 1e-6) / (sqrt (13.0) + 1e-6), 1e-15);
  ddl_ref_loss_fwd (out, x, xa, rn, ra, none, &cfg);
  g_assert_cmpfloat (out[1], ==, 0.0);
  g_assert_cmpfloat (out[3], ==, 0.0);
}

typedef struct {
  const double *x, *a, *mask, *w;
  int B, C;
  gsize thw, n;
  double l;
} BlendCase;

/* sum (w * blend (x, a, m, l)) as a function of l (argument ignored, reads bc->l). */
static double
blend_weighted (const double *unused, gpointer data)
{
  BlendCase *bc = data;
  g_autofree double *xa = g_new (double, bc->n);
  ddl_ref_blend_fwd (xa, bc->x, bc->a, bc->mask, bc->l, bc->B, bc->C, bc->thw);
  double s = 0.0;
  for (gsize i = 0; i < bc->n; i++)
    s += bc->w[i] * xa[i];
  return s;
}

static void
test_ref_blend_grad (void)
{
  int B = 2, C = 3, T = 3, H = 4, W = 5;
  gsize thw = (gsize) T * H * W, n = B * C * thw;
  g_autofree double *x = random_floats_as_double (n, 1, 0.0, 1.0);
  g_autofree double *a = random_floats_as_double (n, 2, 0.0, 1.0);
  g_autofree double *w = random_floats_as_double (n, 3, -1.0, 1.0);
  g_autofree double *mask = make_mask (B, T, H, W, 4, -1);
  g_autofree double *dx = g_new (double, n);
  g_autofree double *num = g_new (double, n);
  BlendCase bc = { x, a, mask, w, B, C, thw, n, 0.3 };

  double dl = ddl_ref_blend_bwd (dx, w, x, a, mask, bc.l, B, C, thw);
  double num_l;
  ddl_test_numeric_grad (blend_weighted, &bc, &bc.l, 1, 1e-6, &num_l);
  ddl_test_assert_grad ("blend dl", &dl, &num_l, 1, 1e-8);
  ddl_test_numeric_grad (blend_weighted, &bc, x, n, 1e-6, num);
  ddl_test_assert_grad ("blend dx", dx, num, n, 1e-8);
}

/* The d l path of a DDL step: l -> xa = blend (x, a, m, l) over the clip -> loss on
 * the middle frame (rec_a held fixed) -> d l through loss backward + blend backward. */
typedef struct {
  LossCase lc;
  const double *a;
  gsize thw;
  double l;
} ChainCase;

static double
chain_loss (const double *unused, gpointer data)
{
  ChainCase *cc = data;
  ddl_ref_blend_fwd (cc->lc.xa, cc->lc.x, cc->a, cc->lc.mask, cc->l, cc->lc.cfg.batch,
                     cc->lc.cfg.channels, cc->thw);
  return loss_total (NULL, &cc->lc);
}

static void
test_ref_chain_dl (void)
{
  for (int norm_ratio = 0; norm_ratio <= 1; norm_ratio++)
    {
      ChainCase cc;
      loss_case_init (&cc.lc, 3, 3, 3, 1, 5, 7, 11 + norm_ratio, 2, norm_ratio);
      cc.lc.cfg.lambda = 1.0;
      g_autofree double *a = random_floats_as_double (cc.lc.clip, 99, 0.0, 1.0);
      g_autofree double *drn = g_new (double, cc.lc.frame);
      g_autofree double *dra = g_new (double, cc.lc.frame);
      g_autofree double *dxa = g_new0 (double, cc.lc.clip);
      cc.thw = cc.lc.clip / (3 * 3);
      cc.a = a;
      cc.l = -0.4;

      chain_loss (NULL, &cc);  /* fills xa */
      ddl_ref_loss_bwd (drn, dra, dxa, 1.0, cc.lc.x, cc.lc.xa, cc.lc.rn, cc.lc.ra, cc.lc.mask,
                        &cc.lc.cfg);
      double dl = ddl_ref_blend_bwd (NULL, dxa, cc.lc.x, a, cc.lc.mask, cc.l, 3, 3, cc.thw);
      double num;
      ddl_test_numeric_grad (chain_loss, &cc, &cc.l, 1, 1e-6, &num);
      g_assert_cmpfloat (fabs (dl), >, 1e-4);   /* the path is really exercised */
      ddl_test_assert_grad (norm_ratio ? "chain dl (norm ratio)" : "chain dl", &dl, &num, 1, 1e-7);
      loss_case_clear (&cc.lc);
    }
}

/* Known-answer vectors of the Random123 distribution (kat_vectors, philox4x32 10 rounds). */
static void
test_ref_philox (void)
{
  static const guint32 kat[3][10] = {
    { 0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 },
    { ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd },
    { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
      0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 },
  };
  for (int k = 0; k < 3; k++)
    {
      guint32 out[4];
      ddl_ref_philox4x32 (out, kat[k], kat[k] + 4);
      for (int j = 0; j < 4; j++)
        g_assert_cmphex (out[j], ==, kat[k][6 + j]);
    }
}


/* --- kernels against the references -------------------------------------------------- */

static DdlBuffer *
upload_doubles (const double *data, gsize n)
{
  g_autofree float *f = ddl_test_to_float (data, n);
  return ddl_test_upload (f, n);
}

static double
max_abs (const double *a, gsize n)
{
  double m = 0.0;
  for (gsize i = 0; i < n; i++)
    m = MAX (m, fabs (a[i]));
  return m;
}

/* Gradients: |err| <= 1e-5 max |want| + 1e-4 |want| (float kernels, double reference). */
static void
assert_grad_close (const char *what, const float *got, const double *want, gsize n)
{
  ddl_test_assert_close (what, got, want, n, 1e-5 * max_abs (want, n) + 1e-30, 1e-4);
}

enum { DXA_WRITE, DXA_ACCUMULATE, DXA_NONE };

/* Runs forward + backward on the device and compares every output with the reference.
 * dxa starts as a random field: the gradient must be added to frame t (DXA_ACCUMULATE)
 * or written there (DXA_WRITE), the other frames must keep their values, and with
 * DXA_NONE (l frozen: no dxa buffer passed) nothing changes. */
static void
check_loss_gpu (LossCase *lc, gboolean use_dloss, int dxa_mode, const char *what)
{
  gboolean accumulate = dxa_mode == DXA_ACCUMULATE;
  const DdlRefLossConfig *rc = &lc->cfg;
  DdlLossConfig cfg;
  gsize hw = (gsize) rc->height * rc->width;
  double dloss = use_dloss ? lc->dloss : 1.0;
  float dloss_f = (float) lc->dloss;

  ddl_loss_config_init (&cfg, rc->batch, rc->channels, rc->height, rc->width);
  cfg.frames = rc->frames;
  cfg.frame = rc->frame;
  cfg.distinction = rc->distinction;
  cfg.norm_ratio = rc->norm_ratio;
  cfg.lambda = (float) rc->lambda;

  g_autofree double *dxa_init = random_floats_as_double (lc->clip, 77, -1.0, 1.0);
  g_autoptr(DdlBuffer) x = upload_doubles (lc->x, lc->clip);
  g_autoptr(DdlBuffer) xa = upload_doubles (lc->xa, lc->clip);
  g_autoptr(DdlBuffer) rn = upload_doubles (lc->rn, lc->frame);
  g_autoptr(DdlBuffer) ra = upload_doubles (lc->ra, lc->frame);
  g_autoptr(DdlBuffer) mask = upload_doubles (lc->mask, lc->masks);
  g_autoptr(DdlBuffer) values = ddl_test_zeros (DDL_LOSS_N_VALUES);
  g_autoptr(DdlBuffer) dl_buf = ddl_test_upload (&dloss_f, 1);
  g_autoptr(DdlBuffer) drn = ddl_test_zeros (lc->frame);
  g_autoptr(DdlBuffer) dra = ddl_test_zeros (lc->frame);
  g_autoptr(DdlBuffer) dxa = upload_doubles (dxa_init, lc->clip);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());

  gboolean dist = rc->distinction;
  ddl_op_loss_forward (cmd, &cfg, DDL_BIND (values), DDL_BIND (x),
                       dist ? DDL_BIND (xa) : DDL_BIND_NONE, DDL_BIND (rn),
                       dist ? DDL_BIND (ra) : DDL_BIND_NONE, dist ? DDL_BIND (mask) : DDL_BIND_NONE);
  ddl_op_loss_backward (cmd, &cfg, DDL_BIND (drn), dist ? DDL_BIND (dra) : DDL_BIND_NONE,
                        dist && dxa_mode != DXA_NONE ? DDL_BIND (dxa) : DDL_BIND_NONE,
                        accumulate, DDL_BIND (values),
                        use_dloss ? DDL_BIND (dl_buf) : DDL_BIND_NONE, DDL_BIND (x),
                        dist ? DDL_BIND (xa) : DDL_BIND_NONE, DDL_BIND (rn),
                        dist ? DDL_BIND (ra) : DDL_BIND_NONE, dist ? DDL_BIND (mask) : DDL_BIND_NONE);
  ddl_test_run (cmd);

  double want[4];
  g_autofree double *want_drn = g_new (double, lc->frame);
  g_autofree double *want_dra = g_new (double, lc->frame);
  g_autofree double *grad_xa = g_new0 (double, lc->clip);
  g_autofree double *want_dxa = g_new (double, lc->clip);
  ddl_ref_loss_fwd (want, lc->x, lc->xa, lc->rn, lc->ra, lc->mask, rc);
  ddl_ref_loss_bwd (want_drn, want_dra, grad_xa, dloss, lc->x, lc->xa, lc->rn, lc->ra, lc->mask, rc);
  for (gsize i = 0; i < lc->clip; i++)
    {
      gboolean at_t = (int) ((i / hw) % rc->frames) == rc->frame && dxa_mode != DXA_NONE;
      want_dxa[i] = at_t ? (accumulate ? dxa_init[i] : 0.0) + grad_xa[i] : dxa_init[i];
    }

  g_autofree float *got = ddl_test_download (values, DDL_LOSS_N_VALUES);
  g_autofree float *got_drn = ddl_test_download (drn, lc->frame);
  g_autofree float *got_dra = ddl_test_download (dra, lc->frame);
  g_autofree float *got_dxa = ddl_test_download (dxa, lc->clip);
  g_autofree char *n1 = g_strdup_printf ("%s values", what);
  g_autofree char *n2 = g_strdup_printf ("%s count", what);
  g_autofree char *n3 = g_strdup_printf ("%s drec_n", what);
  g_autofree char *n4 = g_strdup_printf ("%s drec_a", what);
  g_autofree char *n5 = g_strdup_printf ("%s dxa", what);
  /* Loss values: float partial sums over <= 73,728 pixels, 1e-6 + 1e-4 relative. */
  ddl_test_assert_close (n1, got, want, 3, 1e-6, 1e-4);
  ddl_test_assert_close (n2, got + 3, want + 3, 1, 0.0, 0.0);
  assert_grad_close (n3, got_drn, want_drn, lc->frame);
  if (dist)
    {
      assert_grad_close (n4, got_dra, want_dra, lc->frame);
      /* frames other than t keep their values exactly */
      ddl_test_assert_close (n5, got_dxa, want_dxa, lc->clip, 1e-5 * max_abs (grad_xa, lc->clip), 1e-4);
    }
}

static void
test_loss_odd (void)
{
  if (!ddl_test_engine ())
    return;
  for (int norm_ratio = 0; norm_ratio <= 1; norm_ratio++)
    for (int C = 1; C <= 3; C += 2)
      for (guint64 seed = 1; seed <= 2; seed++)
        {
          LossCase lc;
          /* Seed 1: 3-frame clips, middle frame; seed 2: plain frames, upstream 0.5. */
          int T = seed == 1 ? 3 : 1;
          loss_case_init (&lc, 3, C, T, T / 2, 9, 13, seed, 1, norm_ratio);
          lc.dloss = 0.5;
          g_autofree char *what = g_strdup_printf ("B3 C%d T%d 9x13 %s seed %d", C, T,
                                                   norm_ratio ? "norm-ratio" : "mean-ratio",
                                                   (int) seed);
          check_loss_gpu (&lc, seed == 2, C == 3 ? DXA_ACCUMULATE : DXA_WRITE, what);
          loss_case_clear (&lc);
        }
}

static void
test_loss_special (void)
{
  LossCase lc;
  double v[4];

  if (!ddl_test_engine ())
    return;
  /* No masked pixel anywhere: L_dist = 0, zero gradients for rec_a and xa. */
  loss_case_init (&lc, 3, 3, 1, 0, 9, 13, 3, -1, 0);
  memset (lc.mask, 0, lc.masks * sizeof (double));
  ddl_ref_loss_fwd (v, lc.x, lc.xa, lc.rn, lc.ra, lc.mask, &lc.cfg);
  g_assert_cmpfloat (v[1], ==, 0.0);
  check_loss_gpu (&lc, FALSE, DXA_WRITE, "empty mask");
  lc.cfg.norm_ratio = 1;
  check_loss_gpu (&lc, FALSE, DXA_WRITE, "empty mask, norm ratio");
  loss_case_clear (&lc);
  /* rec_a = xa = x everywhere: every distinction norm is 0, L_dist = eps / eps = 1 in
   * both variants (not 0 / 0), and its gradients are 0. */
  for (int norm_ratio = 0; norm_ratio <= 1; norm_ratio++)
    {
      loss_case_init (&lc, 2, 3, 1, 0, 9, 13, 4, -1, norm_ratio);
      memcpy (lc.ra, lc.x, lc.frame * sizeof (double));
      memcpy (lc.xa, lc.x, lc.clip * sizeof (double));
      ddl_ref_loss_fwd (v, lc.x, lc.xa, lc.rn, lc.ra, lc.mask, &lc.cfg);
      g_assert_cmpfloat (v[1], ==, 1.0);
      check_loss_gpu (&lc, FALSE, DXA_WRITE, norm_ratio ? "zero norms, norm ratio" : "zero norms");
      loss_case_clear (&lc);
    }
  loss_case_init (&lc, 3, 3, 3, 1, 9, 13, 3, 0, 0);
  /* SDL: l frozen, no dxa buffer at all. */
  check_loss_gpu (&lc, FALSE, DXA_NONE, "no dxa");
  /* Reconstruction only: xa, rec_a, mask and their gradients not bound at all. */
  lc.cfg.distinction = 0;
  check_loss_gpu (&lc, TRUE, DXA_WRITE, "recon only");
  loss_case_clear (&lc);
}

/* 2 x 192 x 192 = 73,728 pixels: a kernel summing them in one invocation would pass
 * lavapipe's 65,535-iteration limit and silently stop. */
static void
test_loss_large (void)
{
  if (!ddl_test_engine ())
    return;
  for (int norm_ratio = 0; norm_ratio <= 1; norm_ratio++)
    {
      LossCase lc;
      loss_case_init (&lc, 2, 3, 1, 0, 192, 192, 5, -1, norm_ratio);
      check_loss_gpu (&lc, FALSE, DXA_WRITE, norm_ratio ? "B2 C3 192x192 norm-ratio" : "B2 C3 192x192");
      loss_case_clear (&lc);
    }
}

/* --- noise ---------------------------------------------------------------------------- */

static float *
gpu_noise (gsize n, guint64 seed, guint32 stream, float counter)
{
  float state[2] = { 123.0f, counter };
  g_autoptr(DdlBuffer) st = ddl_test_upload (state, 2);
  g_autoptr(DdlBuffer) dst = ddl_test_zeros (n);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
  ddl_op_noise_uniform (cmd, DDL_BIND (dst), n, seed, stream, DDL_BIND (st), 1);
  ddl_test_run (cmd);
  return ddl_test_download (dst, n);
}

static void
test_noise_reference (void)
{
  if (!ddl_test_engine ())
    return;
  /* n odd (a partial last block), 64-bit seed, stream and counter all used: exact. */
  for (gsize n = 1001; n <= 1003; n++)
    {
      g_autofree float *got = gpu_noise (n, 0x0123456789ABCDEFull, 3, 7.0f);
      g_autofree double *want = g_new (double, n);
      ddl_ref_noise_uniform (want, 0x0123456789ABCDEFull, 7, 3, n);
      ddl_test_assert_close ("noise vs reference", got, want, n, 0.0, 0.0);
    }
}

static double
correlation (const float *a, const float *b, gsize n)
{
  double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
  for (gsize i = 0; i < n; i++)
    {
      sa += a[i];
      sb += b[i];
      sab += (double) a[i] * b[i];
      saa += (double) a[i] * a[i];
      sbb += (double) b[i] * b[i];
    }
  double cov = sab / n - sa / n * sb / n;
  return cov / sqrt ((saa / n - sa / n * sa / n) * (sbb / n - sb / n * sb / n));
}

static void
test_noise_uniformity (void)
{
  const gsize n = 1 << 18;
  guint hist[64] = { 0 };

  if (!ddl_test_engine ())
    return;
  g_autofree float *u = gpu_noise (n, 42, 0, 0.0f);
  g_autofree float *u_next = gpu_noise (n, 42, 0, 1.0f);    /* next counter */
  g_autofree float *u_stream = gpu_noise (n, 42, 1, 0.0f);  /* other stream */
  g_autofree float *u_seed = gpu_noise (n, 43, 0, 0.0f);    /* other seed */
  double sum = 0, sq = 0;
  gsize same = 0;
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpfloat (u[i], >=, 0.0f);
      g_assert_cmpfloat (u[i], <, 1.0f);
      sum += u[i];
      sq += (double) u[i] * u[i];
      hist[(int) (u[i] * 64)]++;
      same += u[i] == u_next[i] || u[i] == u_stream[i] || u[i] == u_seed[i];
    }
  double mean = sum / n, var = sq / n - mean * mean;
  double chi2 = 0, expect = n / 64.0;
  for (int k = 0; k < 64; k++)
    chi2 += (hist[k] - expect) * (hist[k] - expect) / expect;
  g_test_message ("noise: mean %.5f var %.5f chi2(63) %.1f", mean, var, chi2);
  /* 5 sigma bounds: sd of the mean 5.6e-4, of the variance 1.5e-4; chi2 with 63
   * degrees of freedom exceeds 130 with probability ~1e-6. */
  g_assert_cmpfloat (fabs (mean - 0.5), <, 3e-3);
  g_assert_cmpfloat (fabs (var - 1.0 / 12.0), <, 8e-4);
  g_assert_cmpfloat (chi2, <, 130.0);
  /* No repeated pattern: lag-1..4 and cross-draw correlations near 0 (sd 0.002),
   * and equal values across draws as rare as chance (3 x 2^18 / 2^24 ~ 0.05 expected). */
  for (gsize lag = 1; lag <= 4; lag++)
    g_assert_cmpfloat (fabs (correlation (u, u + lag, n - lag)), <, 0.01);
  g_assert_cmpfloat (fabs (correlation (u, u_next, n)), <, 0.01);
  g_assert_cmpfloat (fabs (correlation (u, u_stream, n)), <, 0.01);
  g_assert_cmpfloat (fabs (correlation (u, u_seed, n)), <, 0.01);
  g_assert_cmpuint (same, <, 10);
}

/* One recorded command (advance counter, draw), replayed: fresh noise every run, the
 * same noise again once the host rewinds the counter. */
static void
test_noise_replay (void)
{
  const gsize n = 4099;
  float zero = 0.0f, one = 1.0f;

  if (!ddl_test_engine ())
    return;
  g_autoptr(DdlBuffer) state = ddl_test_upload (&zero, 1);
  g_autoptr(DdlBuffer) dst = ddl_test_zeros (n);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
  g_autofree double *want = g_new (double, n);
  g_autofree float *previous = NULL;
  ddl_op_counter_add (cmd, DDL_BIND (state), 0, 1.0f);
  ddl_op_noise_uniform (cmd, DDL_BIND (dst), n, 7, 0, DDL_BIND (state), 0);
  for (guint32 run = 1; run <= 3; run++)
    {
      ddl_test_run (cmd);
      g_autofree float *got = ddl_test_download (dst, n);
      ddl_ref_noise_uniform (want, 7, run, 0, n);
      ddl_test_assert_close ("replayed noise", got, want, n, 0.0, 0.0);
      if (previous != NULL)
        g_assert_cmpint (memcmp (got, previous, n * sizeof (float)), !=, 0);
      g_free (previous);
      previous = g_steal_pointer (&got);
    }
  g_autoptr(GError) error = NULL;
  ddl_buffer_write (state, 0, &one, sizeof one, &error);
  g_assert_no_error (error);
  ddl_test_run (cmd);
  g_autofree float *again = ddl_test_download (dst, n);
  ddl_ref_noise_uniform (want, 7, 2, 0, n);
  ddl_test_assert_close ("rewound noise", again, want, n, 0.0, 0.0);
}

/* --- pseudo-anomaly blend --------------------------------------------------------------- */

static void
check_blend_gpu (int B, int C, int T, int H, int W, guint64 seed, double l, gboolean with_dx)
{
  gsize thw = (gsize) T * H * W, n = B * C * thw;
  g_autofree double *x = random_floats_as_double (n, seed, 0.0, 1.0);
  g_autofree double *a = random_floats_as_double (n, seed + 1, 0.0, 1.0);
  g_autofree double *dxa = random_floats_as_double (n, seed + 2, -1.0, 1.0);
  g_autofree double *mask = make_mask (B, T, H, W, seed, B > 2 ? 2 : -1);
  float lparam[3] = { 5.0f, (float) l, -5.0f }, grad[4] = { 0.25f, 0.25f, 0.25f, 0.25f };
  g_autoptr(DdlBuffer) xb = upload_doubles (x, n);
  g_autoptr(DdlBuffer) ab = upload_doubles (a, n);
  g_autoptr(DdlBuffer) mb = upload_doubles (mask, (gsize) B * thw);
  g_autoptr(DdlBuffer) dxab = upload_doubles (dxa, n);
  g_autoptr(DdlBuffer) lb = ddl_test_upload (lparam, 3);
  g_autoptr(DdlBuffer) gb = ddl_test_upload (grad, 4);
  g_autoptr(DdlBuffer) xab = ddl_test_zeros (n);
  g_autoptr(DdlBuffer) dxb = ddl_test_zeros (n);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());

  /* l sits at element 1 of its buffer, its gradient at element 2 of another. */
  ddl_op_pseudo_blend (cmd, DDL_BIND (xab), DDL_BIND (xb), DDL_BIND (ab), DDL_BIND (mb),
                       DDL_BIND (lb), 1, B, C, thw);
  ddl_op_pseudo_blend_backward (cmd, with_dx ? DDL_BIND (dxb) : DDL_BIND_NONE, DDL_BIND (gb), 2,
                                DDL_BIND (dxab), DDL_BIND (xb), DDL_BIND (ab), DDL_BIND (mb),
                                DDL_BIND (lb), 1, B, C, thw);
  ddl_test_run (cmd);

  double lf = (float) l;
  g_autofree double *want_xa = g_new (double, n);
  g_autofree double *want_dx = g_new (double, n);
  ddl_ref_blend_fwd (want_xa, x, a, mask, lf, B, C, thw);
  double want_dl = ddl_ref_blend_bwd (want_dx, dxa, x, a, mask, lf, B, C, thw);
  /* The float sum's error scale: s (1 - s) sum |dxa m (a - x)|. */
  double s = 1.0 / (1.0 + exp (-lf)), scale = 0.0;
  for (gsize i = 0; i < n; i++)
    scale += fabs (dxa[i] * mask[(i / (C * thw)) * thw + i % thw] * (a[i] - x[i]));
  scale *= s * (1.0 - s);
  double want_grad[4] = { 0.25, 0.25, 0.25 + want_dl, 0.25 };

  g_autofree float *got_xa = ddl_test_download (xab, n);
  g_autofree float *got_dx = ddl_test_download (dxb, n);
  g_autofree float *got_grad = ddl_test_download (gb, 4);
  /* Element-wise: a few float roundings of values <= 1. */
  ddl_test_assert_close ("blend xa", got_xa, want_xa, n, 1e-6, 1e-6);
  if (with_dx)
    ddl_test_assert_close ("blend dx", got_dx, want_dx, n, 1e-6, 1e-6);
  ddl_test_assert_close ("blend dl", got_grad, want_grad, 4, 1e-5 * scale + 1e-7, 0.0);
}

static void
test_blend_odd (void)
{
  if (!ddl_test_engine ())
    return;
  check_blend_gpu (3, 3, 3, 9, 13, 1, 0.3, TRUE);
  check_blend_gpu (3, 3, 3, 9, 13, 2, -1.2, FALSE);
  check_blend_gpu (3, 1, 1, 9, 13, 3, 0.0, TRUE);
}

/* 165,888 elements: past the loop limit for a one-invocation sum of d l. */
static void
test_blend_large (void)
{
  if (!ddl_test_engine ())
    return;
  check_blend_gpu (2, 3, 3, 96, 96, 4, 0.7, TRUE);
}

/* --- Adam -------------------------------------------------------------------------------- */

static void
write_floats (DdlBuffer *buffer, gsize first, const float *data, gsize n)
{
  g_autoptr(GError) error = NULL;
  ddl_buffer_write (buffer, first * sizeof (float), data, n * sizeof (float), &error);
  g_assert_no_error (error);
}

/* Three replays of one recorded ddl_op_adam_step, against torch.optim.Adam's update
 * written out step by step in double (bias corrections 1 - b^1, 1 - b^2, 1 - b^3;
 * the learning rate changes before step 3 through the state buffer). */
static void
test_adam_steps (void)
{
  const gsize n = 1001;
  const double b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const double lr[3] = { 1e-2, 1e-2, 5e-3 };

  if (!ddl_test_engine ())
    return;
  g_autofree float *p0 = g_new (float, n);
  g_autofree float *g = g_new (float, 3 * n);
  ddl_test_random (p0, n, 1, -1.0f, 1.0f);
  ddl_test_random (g, 3 * n, 2, -1.0f, 1.0f);
  for (gsize i = 0; i < 3 * n; i += 7)
    g[i] = 0.0f;                 /* zero gradients: eps path */
  g[5] = 1e-6f;                  /* tiny ones: denom dominated by eps at step 1 */
  float state[4] = { -1.0f, -1.0f, 0.0f, (float) lr[0] };  /* t, lr at index 2 */
  g_autoptr(DdlBuffer) pb = ddl_test_upload (p0, n);
  g_autoptr(DdlBuffer) mb = ddl_test_zeros (n);
  g_autoptr(DdlBuffer) vb = ddl_test_zeros (n);
  g_autoptr(DdlBuffer) gb = ddl_test_zeros (n);
  g_autoptr(DdlBuffer) sb = ddl_test_upload (state, 4);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
  DdlAdamConfig cfg;
  ddl_adam_config_init (&cfg);
  ddl_op_adam_step (cmd, &cfg, DDL_BIND (pb), DDL_BIND (mb), DDL_BIND (vb), DDL_BIND (gb),
                    DDL_BIND (sb), 2, 0, n);

  g_autofree double *p = ddl_test_to_double (p0, n);
  g_autofree double *m = g_new0 (double, n);
  g_autofree double *v = g_new0 (double, n);
  for (int step = 0; step < 3; step++)
    {
      const float *gs = g + step * n;
      float lr_f = (float) lr[step];
      write_floats (gb, 0, gs, n);
      write_floats (sb, 3, &lr_f, 1);
      ddl_test_run (cmd);

      double bias1 = step == 0 ? 1 - b1 : step == 1 ? 1 - b1 * b1 : 1 - b1 * b1 * b1;
      double bias2 = step == 0 ? 1 - b2 : step == 1 ? 1 - b2 * b2 : 1 - b2 * b2 * b2;
      for (gsize i = 0; i < n; i++)
        {
          m[i] = b1 * m[i] + (1 - b1) * gs[i];
          v[i] = b2 * v[i] + (1 - b2) * (double) gs[i] * gs[i];
          p[i] -= lr_f / bias1 * m[i] / (sqrt (v[i]) / sqrt (bias2) + eps);
        }
      g_autofree float *got_p = ddl_test_download (pb, n);
      g_autofree float *got_m = ddl_test_download (mb, n);
      g_autofree float *got_v = ddl_test_download (vb, n);
      /* Updates are ~lr; float rounding of p (~6e-8) and of the update (~1e-6 relative). */
      ddl_test_assert_close ("adam param", got_p, p, n, 1e-6, 0.0);
      /* m, v: cancelling sums of terms up to 0.1 / 1e-3, float rounding of those terms. */
      ddl_test_assert_close ("adam m", got_m, m, n, 2e-8, 1e-5);
      ddl_test_assert_close ("adam v", got_v, v, n, 2e-10, 1e-5);
    }
  g_autofree float *got_state = ddl_test_download (sb, 4);
  g_assert_cmpfloat (got_state[2], ==, 3.0f);
  g_assert_cmpfloat (got_state[0], ==, -1.0f);
}

/* A late step (t = 1000, the exp branch of both bias corrections, 1 - 0.995^1000 =
 * 0.9933 and 1 - 0.999^1000 = 0.632) on a sub-range:
 * element 0 and the last one are frozen (how SDL keeps l out of the update). */
static void
test_adam_late_range (void)
{
  const gsize n = 513;
  if (!ddl_test_engine ())
    return;
  g_autofree double *p = random_floats_as_double (n, 3, -1.0, 1.0);
  g_autofree double *m = random_floats_as_double (n, 4, -0.1, 0.1);
  g_autofree double *v = random_floats_as_double (n, 5, 0.0, 0.01);
  g_autofree double *g = random_floats_as_double (n, 6, -1.0, 1.0);
  float state[2] = { 999.0f, 1e-3f };
  g_autoptr(DdlBuffer) pb = upload_doubles (p, n);
  g_autoptr(DdlBuffer) mb = upload_doubles (m, n);
  g_autoptr(DdlBuffer) vb = upload_doubles (v, n);
  g_autoptr(DdlBuffer) gb = upload_doubles (g, n);
  g_autoptr(DdlBuffer) sb = ddl_test_upload (state, 2);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
  DdlAdamConfig cfg = { 0.995, 0.999, 1e-6 };
  ddl_op_adam_step (cmd, &cfg, DDL_BIND (pb), DDL_BIND (mb), DDL_BIND (vb), DDL_BIND (gb),
                    DDL_BIND (sb), 0, 1, n - 2);
  ddl_test_run (cmd);

  g_autofree double *want = g_memdup2 (p, n * sizeof (double));
  ddl_ref_adam_step (want + 1, m + 1, v + 1, g + 1, n - 2, 1000, (float) 1e-3, 0.995, 0.999, 1e-6);
  g_autofree float *got = ddl_test_download (pb, n);
  ddl_test_assert_close ("adam late step", got, want, n, 1e-7, 1e-6);
  g_assert_cmpfloat (got[0], ==, (float) p[0]);
  g_assert_cmpfloat (got[n - 1], ==, (float) p[n - 1]);
}

/* --- frame scoring ----------------------------------------------------------------------- */

static void
check_score_gpu (int B, int C, int T, int t, int H, int W, int P, float divisor, guint64 seed)
{
  gsize hw = (gsize) H * W, frame = B * C * hw, clip = frame * T;
  g_autofree double *x = random_floats_as_double (clip, seed, 0.0, 1.0);
  g_autofree double *rec = random_floats_as_double (frame, seed + 1, 0.0, 1.0);
  g_autoptr(DdlBuffer) xb = upload_doubles (x, clip);
  g_autoptr(DdlBuffer) rb = upload_doubles (rec, frame);
  g_autoptr(DdlBuffer) sb = ddl_test_zeros (B);
  g_autoptr(DdlBuffer) mapb = ddl_test_zeros (B * hw);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
  DdlScoreConfig cfg;
  ddl_score_config_init (&cfg, B, C, H, W);
  cfg.frames = T;
  cfg.frame = t;
  cfg.patch = P;
  cfg.divisor = divisor;
  g_assert_cmpuint (ddl_score_n_patches (&cfg), ==, ddl_ref_score_n_patches (H, W, P));
  ddl_op_score_frames (cmd, &cfg, DDL_BIND (sb), DDL_BIND (mapb), DDL_BIND (xb), DDL_BIND (rb));
  ddl_test_run (cmd);

  g_autofree double *map = g_new (double, B * hw);
  g_autofree double *scores = g_new (double, B);
  ddl_ref_score_map (map, x, rec, B, C, T, t, H, W, divisor);
  ddl_ref_score_frames (scores, map, B, H, W, P);
  g_autofree float *got_map = ddl_test_download (mapb, B * hw);
  g_autofree float *got = ddl_test_download (sb, B);
  /* Map: a norm of C float differences; scores: float means of P^2 such values. */
  ddl_test_assert_close ("error map", got_map, map, B * hw, 1e-6, 1e-5);
  ddl_test_assert_close ("frame scores", got, scores, B, 1e-6, 1e-5);
}

static void
test_score_brute (void)
{
  if (!ddl_test_engine ())
    return;
  check_score_gpu (3, 3, 3, 1, 37, 45, 8, sqrtf (3.0f), 1);
  check_score_gpu (2, 1, 1, 0, 23, 29, 5, 1.0f, 2);    /* odd P, d = sqrt (C) */
  check_score_gpu (1, 3, 1, 0, 16, 16, 16, sqrtf (3.0f), 3);  /* one patch, no inner grid */
}

/* Error map by construction: bright 8 x 8 squares that straddle the outer grid's
 * lines but sit inside one inner-grid patch, so the score is v * 64 / 256 from the
 * inner grid while every outer patch holds at most v * 16 / 256. */
static void
test_score_known (void)
{
  const int B = 2, C = 3, H = 64, W = 64;
  const int top[2] = { 12, 28 }, left[2] = { 12, 44 };
  const float value[2] = { 0.5f, 0.75f };
  gsize hw = (gsize) H * W;

  DdlScoreConfig c256;
  ddl_score_config_init (&c256, 1, 3, 256, 256);
  g_assert_cmpuint (ddl_score_n_patches (&c256), ==, 481);
  g_assert_cmpint (ddl_ref_score_n_patches (256, 256, 16), ==, 481);
  if (!ddl_test_engine ())
    return;

  g_autofree float *x = g_new (float, B * C * hw);
  g_autofree float *rec = g_new (float, B * C * hw);
  for (gsize i = 0; i < B * C * hw; i++)
    x[i] = rec[i] = 0.25f;
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++)
      for (int y = top[b]; y < top[b] + 8; y++)
        for (int xx = left[b]; xx < left[b] + 8; xx++)
          x[((gsize) b * C + c) * hw + (gsize) y * W + xx] += value[b];
  g_autoptr(DdlBuffer) xb = ddl_test_upload (x, B * C * hw);
  g_autoptr(DdlBuffer) rb = ddl_test_upload (rec, B * C * hw);
  g_autoptr(DdlBuffer) sb = ddl_test_zeros (B);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
  DdlScoreConfig cfg;
  ddl_score_config_init (&cfg, B, C, H, W);
  ddl_op_score_frames (cmd, &cfg, DDL_BIND (sb), DDL_BIND_NONE, DDL_BIND (xb), DDL_BIND (rb));
  ddl_test_run (cmd);

  double want[2] = { value[0] / 4.0, value[1] / 4.0 };
  g_autofree float *got = ddl_test_download (sb, B);
  ddl_test_assert_close ("known square score", got, want, B, 1e-6, 0.0);
  /* The brute-force reference agrees with the hand count. */
  g_autofree double *xd = ddl_test_to_double (x, B * C * hw);
  g_autofree double *rd = ddl_test_to_double (rec, B * C * hw);
  g_autofree double *map = g_new (double, B * hw);
  double ref[2];
  ddl_ref_score_map (map, xd, rd, B, C, 1, 0, H, W, sqrt (3.0));
  ddl_ref_score_frames (ref, map, B, H, W, 16);
  for (int b = 0; b < B; b++)
    g_assert_cmpfloat_with_epsilon (ref[b], want[b], 1e-12);
}

/* 2 x 192 x 192 maps; P = 2 gives 18,241 patches a frame (a two-pass maximum), P = 128
 * a patch loop at the full budget of 16,384 iterations. */
static void
test_score_large (void)
{
  if (!ddl_test_engine ())
    return;
  check_score_gpu (2, 3, 1, 0, 192, 192, 2, sqrtf (3.0f), 4);
  check_score_gpu (2, 3, 1, 0, 192, 192, 128, sqrtf (3.0f), 5);
}

/* --- bad input --------------------------------------------------------------------------- */

static void
assert_cmd_fails (DdlCmd *cmd, const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_assert_false (ddl_cmd_run (cmd, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == DDL_ENGINE_ERROR);
  if (strstr (error->message, fragment) == NULL)
    g_test_fail_printf ("error \"%s\" does not mention \"%s\"", error->message, fragment);
}

static void
test_errors (void)
{
  if (!ddl_test_engine ())
    return;
  g_autoptr(DdlBuffer) small = ddl_test_zeros (16);
  g_autoptr(DdlBuffer) big = ddl_test_zeros (4096);
  DdlLossConfig lcfg;
  DdlScoreConfig scfg;
  {
    g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
    ddl_loss_config_init (&lcfg, 2, 3, 9, 13);   /* x needs 702 floats */
    ddl_op_loss_forward (cmd, &lcfg, DDL_BIND (big), DDL_BIND (small), DDL_BIND (big),
                         DDL_BIND (big), DDL_BIND (big), DDL_BIND (big));
    assert_cmd_fails (cmd, "x holds 16 floats");
  }
  {
    g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
    lcfg.frames = 3;
    lcfg.frame = 3;
    ddl_op_loss_forward (cmd, &lcfg, DDL_BIND (big), DDL_BIND (big), DDL_BIND (big),
                         DDL_BIND (big), DDL_BIND (big), DDL_BIND (big));
    assert_cmd_fails (cmd, "frame 3 of a 3-frame clip");
  }
  {
    g_autoptr(DdlCmd) cmd = ddl_cmd_new (ddl_test_engine ());
    ddl_score_config_init (&scfg, 1, 3, 9, 13);
    ddl_op_score_frames (cmd, &scfg, DDL_BIND (big), DDL_BIND_NONE, DDL_BIND (big), DDL_BIND (big));
    assert_cmd_fails (cmd, "patch 16");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/loss/ref/loss-values", test_ref_loss_values);
  g_test_add_func ("/loss/ref/loss-grad", test_ref_loss_grad);
  g_test_add_func ("/loss/ref/blend-grad", test_ref_blend_grad);
  g_test_add_func ("/loss/ref/chain-dl", test_ref_chain_dl);
  g_test_add_func ("/loss/ref/philox-kat", test_ref_philox);
  g_test_add_func ("/loss/ddl/odd", test_loss_odd);
  g_test_add_func ("/loss/ddl/special", test_loss_special);
  g_test_add_func ("/loss/ddl/large", test_loss_large);
  g_test_add_func ("/loss/noise/reference", test_noise_reference);
  g_test_add_func ("/loss/noise/uniformity", test_noise_uniformity);
  g_test_add_func ("/loss/noise/replay", test_noise_replay);
  g_test_add_func ("/loss/blend/odd", test_blend_odd);
  g_test_add_func ("/loss/blend/large", test_blend_large);
  g_test_add_func ("/loss/adam/steps", test_adam_steps);
  g_test_add_func ("/loss/adam/late-range", test_adam_late_range);
  g_test_add_func ("/loss/score/brute", test_score_brute);
  g_test_add_func ("/loss/score/known", test_score_known);
  g_test_add_func ("/loss/score/large", test_score_large);
  g_test_add_func ("/loss/errors", test_errors);
  int status = g_test_run ();
  ddl_test_engine_shutdown ();
  return status;
}
