/* The layers family: BatchNorm2d (train/eval, fused ReLU), ReLU, sigmoid, dropout,
 * pixel (un)shuffle, channel concat/split, clip <-> frames permutes, frame slice.
 * Backward references are checked against central differences in double and
 * PyTorch's semantics against hand-computed cases; kernels against the references
 * on odd shapes with two seeds, a BatchNorm channel past lavapipe's 65,535-iteration
 * loop limit, and batches split into binding windows. */
#include "ddl-test-util.h"
#include "ddl-ops.h"
#include "ddl-ref.h"

#include <math.h>
#include <string.h>

static const guint64 seeds[] = { 1, 2 };
/* (H, W): odd sizes, where kernels move one element per invocation, and sizes
 * whose rows let them move 4 or 8 (see ddl_layers_row_vec). */
static const int shapes[][2] = { { 7, 9 }, { 6, 12 } };

/* Random values that are exact floats, so float kernels and double references see
 * the same inputs. */
static double *
random_values (gsize n, guint64 seed, double lo, double hi)
{
  g_autofree float *f = g_new (float, n);
  ddl_test_random (f, n, seed, (float) lo, (float) hi);
  return ddl_test_to_double (f, n);
}

static DdlBuffer *
upload_doubles (const double *data, gsize n)
{
  g_autofree float *f = ddl_test_to_float (data, n);
  return ddl_test_upload (f, n);
}

static void
assert_buffer (const char *what, DdlBuffer *buffer, gsize offset, const double *want, gsize n,
               double atol, double rtol)
{
  g_autofree float *all = ddl_test_download (buffer, offset + n);
  ddl_test_assert_close (what, all + offset, want, n, atol, rtol);
}

/* ---- references against central differences --------------------------------------- */

/* L = sum w * f (x) for the forward selected by `kind`; all inputs packed in one vector
 * so one numeric gradient covers x and the parameters. */
typedef struct {
  int kind;               /* 0 BN train, 1 BN eval, 2 relu, 3 sigmoid, 4 dropout, 5 shuffle,
                           * 6 unshuffle, 7 concat, 8 clip->frames, 9 frames->clip, 10 frame */
  int B, C, HW, H, W, T, relu;
  const double *w;        /* weights of the outputs */
  const double *rmean, *rvar;
} GradCase;

static gsize
grad_case_outputs (const GradCase *gc)
{
  return (gsize) gc->B * gc->C * gc->HW * (gc->kind == 10 ? 1 : gc->T);
}

static double
grad_case_loss (const double *v, gpointer user_data)
{
  const GradCase *gc = user_data;
  gsize n = (gsize) gc->B * gc->C * gc->HW, n_out = grad_case_outputs (gc);
  g_autofree double *y = g_new0 (double, n_out);
  double loss = 0.0;

  switch (gc->kind)
    {
    case 0:
      {
        g_autofree double *m = g_new (double, gc->C), *is = g_new (double, gc->C);
        g_autofree double *rm = g_new0 (double, gc->C), *rv = g_new0 (double, gc->C);
        ddl_ref_batchnorm_fwd_train (y, m, is, rm, rv, v, v + n, v + n + gc->C, gc->B, gc->C,
                                     gc->HW, 1e-5, 0.1, gc->relu);
        break;
      }
    case 1:
      ddl_ref_batchnorm_fwd_eval (y, v, v + n, v + n + gc->C, gc->rmean, gc->rvar, gc->B, gc->C,
                                  gc->HW, 1e-5, gc->relu);
      break;
    case 2: ddl_ref_relu_fwd (y, v, n); break;
    case 3: ddl_ref_sigmoid_fwd (y, v, n); break;
    case 4: ddl_ref_dropout (y, v, n, 0.4f, 11, 3); break;
    case 5: ddl_ref_pixel_shuffle (y, v, gc->B, gc->C / 4, gc->H, gc->W); break;
    case 6: ddl_ref_pixel_unshuffle (y, v, gc->B, gc->C, gc->H / 2, gc->W / 2); break;
    case 7:
      {
        const double *srcs[] = { v, v + (gsize) gc->B * 2 * gc->HW };
        int channels[] = { 2, gc->C - 2 };
        ddl_ref_concat_channels (y, srcs, channels, 2, gc->B, gc->HW);
        break;
      }
    case 8: ddl_ref_clip_to_frames (y, v, gc->B, gc->C, gc->T, gc->HW); break;
    case 9: ddl_ref_frames_to_clip (y, v, gc->B, gc->C, gc->T, gc->HW); break;
    case 10:
      {
        /* Here the input is the clip (B, C, T, HW) and y one frame. */
        ddl_ref_frame_select (y, v, gc->B, gc->C, gc->T, gc->HW, (gc->T - 1) / 2);
        break;
      }
    }
  for (gsize i = 0; i < n_out; i++)
    loss += gc->w[i] * y[i];
  return loss;
}

static void
check_grad (const char *what, GradCase *gc, gsize n_in, guint64 seed,
            void (*analytic) (GradCase *gc, double *v, double *grad))
{
  g_autofree double *w = random_values (grad_case_outputs (gc), seed + 50, -1.0, 1.0);
  g_autofree double *v = random_values (n_in, seed, -2.0, 2.0);
  g_autofree double *num = g_new (double, n_in), *ana = g_new0 (double, n_in);

  gc->w = w;
  ddl_test_numeric_grad (grad_case_loss, gc, v, n_in, 1e-6, num);
  analytic (gc, v, ana);
  /* Central differences of smooth functions in double: error ~ h^2 + eps / h ~ 1e-9. */
  ddl_test_assert_grad (what, ana, num, n_in, 1e-6);
}

static void
analytic_bn (GradCase *gc, double *v, double *grad)
{
  gsize n = (gsize) gc->B * gc->C * gc->HW;
  g_autofree double *y = g_new (double, n), *m = g_new (double, gc->C);
  g_autofree double *is = g_new (double, gc->C), *rm = g_new0 (double, gc->C);
  g_autofree double *rv = g_new0 (double, gc->C);

  if (gc->kind == 0)
    {
      ddl_ref_batchnorm_fwd_train (y, m, is, rm, rv, v, v + n, v + n + gc->C, gc->B, gc->C, gc->HW,
                                   1e-5, 0.1, gc->relu);
      ddl_ref_batchnorm_bwd (grad, grad + n, grad + n + gc->C, gc->w, v, y, m, is, v + n, gc->B,
                             gc->C, gc->HW, gc->relu, 1, 0);
    }
  else
    {
      ddl_ref_batchnorm_fwd_eval (y, v, v + n, v + n + gc->C, gc->rmean, gc->rvar, gc->B, gc->C,
                                  gc->HW, 1e-5, gc->relu);
      /* Accumulate onto a non-zero start to check that path too. */
      grad[n] = 0.25;
      grad[n + gc->C] = -0.5;
      ddl_ref_batchnorm_bwd_eval (grad, grad + n, grad + n + gc->C, gc->w, v, y, gc->rmean,
                                  gc->rvar, v + n, gc->B, gc->C, gc->HW, 1e-5, gc->relu, 1);
      grad[n] -= 0.25;
      grad[n + gc->C] += 0.5;
    }
}

static void
analytic_simple (GradCase *gc, double *v, double *grad)
{
  gsize n = (gsize) gc->B * gc->C * gc->HW;
  g_autofree double *y = g_new (double, grad_case_outputs (gc));

  switch (gc->kind)
    {
    case 2: ddl_ref_relu_fwd (y, v, n); ddl_ref_relu_bwd (grad, gc->w, y, n); break;
    case 3: ddl_ref_sigmoid_fwd (y, v, n); ddl_ref_sigmoid_bwd (grad, gc->w, y, n); break;
    case 4: ddl_ref_dropout (grad, gc->w, n, 0.4f, 11, 3); break;
    case 5: ddl_ref_pixel_shuffle_bwd (grad, gc->w, gc->B, gc->C / 4, gc->H, gc->W); break;
    case 6: ddl_ref_pixel_unshuffle_bwd (grad, gc->w, gc->B, gc->C, gc->H / 2, gc->W / 2); break;
    case 7:
      {
        double *dsts[] = { grad, grad + (gsize) gc->B * 2 * gc->HW };
        int channels[] = { 2, gc->C - 2 };
        ddl_ref_concat_channels_bwd (dsts, gc->w, channels, 2, gc->B, gc->HW);
        break;
      }
    case 8: ddl_ref_clip_to_frames_bwd (grad, gc->w, gc->B, gc->C, gc->T, gc->HW); break;
    case 9: ddl_ref_frames_to_clip_bwd (grad, gc->w, gc->B, gc->C, gc->T, gc->HW); break;
    case 10:
      ddl_ref_frame_select_bwd (grad, gc->w, gc->B, gc->C, gc->T, gc->HW, (gc->T - 1) / 2);
      break;
    }
}

static void
test_ref_batchnorm_grad (void)
{
  for (int relu = 0; relu <= 1; relu++)
    for (gsize s = 0; s < G_N_ELEMENTS (seeds); s++)
      {
        GradCase gc = { .kind = 0, .B = 3, .C = 2, .HW = 5, .T = 1, .relu = relu };
        gsize n = (gsize) gc.B * gc.C * gc.HW;
        check_grad ("batchnorm train grad", &gc, n + 2 * gc.C, seeds[s], analytic_bn);

        g_autofree double *rm = random_values (gc.C, seeds[s] + 7, -0.5, 0.5);
        g_autofree double *rv = random_values (gc.C, seeds[s] + 8, 0.5, 2.0);
        gc.kind = 1;
        gc.rmean = rm;
        gc.rvar = rv;
        check_grad ("batchnorm eval grad", &gc, n + 2 * gc.C, seeds[s], analytic_bn);
      }
}

static void
test_ref_simple_grads (void)
{
  static const char *const names[] = { NULL, NULL, "relu", "sigmoid", "dropout", "pixel_shuffle",
                                       "pixel_unshuffle", "concat", "clip_to_frames",
                                       "frames_to_clip", "frame_select" };
  for (int kind = 2; kind <= 10; kind++)
    {
      /* C = 8 feeds the shuffle 2 output channels; H, W even for the unshuffle. */
      GradCase gc = { .kind = kind, .B = 2, .C = 8, .H = 2, .W = 4, .HW = 8, .T = 1 };
      if (kind >= 8)
        {
          gc.C = 3;
          gc.T = 3;
          gc.HW = 5;
        }
      /* The permutes and the frame slice read a clip of T frames. */
      gsize n_in = (gsize) gc.B * gc.C * gc.HW * gc.T;
      check_grad (names[kind], &gc, n_in, 3, analytic_simple);
    }
}

/* PyTorch semantics by hand: x = {1, 2, 3, 4} in one channel (B = 2, H = 1, W = 2):
 * mean 2.5, biased var 1.25 normalises, unbiased var 5/3 enters running_var. */
static void
hand_case_expect (double *y, double *rm, double *rv)
{
  double is = 1.0 / sqrt (1.25 + 1e-5);
  for (int i = 0; i < 4; i++)
    y[i] = (i + 1 - 2.5) * is * 2.0 + 0.5;   /* gamma 2, beta 0.5 */
  *rm = 0.9 * 0.0 + 0.1 * 2.5;
  *rv = 0.9 * 1.0 + 0.1 * (5.0 / 3.0);
}

static void
test_ref_batchnorm_hand (void)
{
  double x[] = { 1, 2, 3, 4 }, gamma = 2.0, beta = 0.5, rm = 0.0, rv = 1.0, m, is, y[4];
  double want_y[4], want_rm, want_rv;

  hand_case_expect (want_y, &want_rm, &want_rv);
  ddl_ref_batchnorm_fwd_train (y, &m, &is, &rm, &rv, x, &gamma, &beta, 2, 1, 2, 1e-5, 0.1, 0);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (y[i], want_y[i], 1e-12);
  g_assert_cmpfloat_with_epsilon (m, 2.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (rm, want_rm, 1e-12);
  g_assert_cmpfloat_with_epsilon (rv, want_rv, 1e-12);   /* 1.0666..., not 1.025 */
}

/* torch.pixel_shuffle (arange (8).view (1, 8, 1, 1), 2) = [[[0, 1], [2, 3]], [[4, 5], [6, 7]]]. */
static void
test_ref_shuffle_hand (void)
{
  double in[8], out[8], back[8];

  for (int i = 0; i < 8; i++)
    in[i] = i;
  ddl_ref_pixel_shuffle (out, in, 1, 2, 1, 1);
  for (int i = 0; i < 8; i++)
    g_assert_cmpfloat (out[i], ==, i);
  /* A 4x2 image: unshuffle picks the (a, e) phase into channel 2a + e. */
  double img[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };   /* rows {0,1} {2,3} {4,5} {6,7} */
  double want[8] = { 0, 4, 1, 5, 2, 6, 3, 7 };  /* (4, 2, 1): c0 = [0, 4], c1 = [1, 5], ... */
  ddl_ref_pixel_unshuffle (out, img, 1, 1, 2, 1);
  for (int i = 0; i < 8; i++)
    g_assert_cmpfloat (out[i], ==, want[i]);
  ddl_ref_pixel_shuffle (back, out, 1, 1, 2, 1);
  for (int i = 0; i < 8; i++)
    g_assert_cmpfloat (back[i], ==, img[i]);
}

/* ---- BatchNorm2d on the device ----------------------------------------------------- */

/* The per-channel tensors share one buffer at float offsets that are not binding
 * aligned: gamma, beta, running mean, running var, mean, invstd, dgamma, dbeta. */
enum { P_GAMMA, P_BETA, P_RMEAN, P_RVAR, P_MEAN, P_INVSTD, P_DGAMMA, P_DBETA, P_COUNT };
#define P_FIRST 3

static DdlBinding
param_at (DdlBuffer *buffer, int which, int C)
{
  return DDL_BIND_FLOATS (buffer, P_FIRST + (gsize) which * C + which, C);
}

static gsize
param_offset (int which, int C)
{
  return P_FIRST + (gsize) which * C + which;
}

typedef struct {
  int B, C, H, W, HW, relu;
  gsize n;
  double *x, *dy, *gamma, *beta, *rmean, *rvar, *dgamma0, *dbeta0;
} BnCase;

static void
bn_case_init (BnCase *bc, int B, int C, int H, int W, int relu, guint64 seed, double offset)
{
  bc->B = B;
  bc->C = C;
  bc->H = H;
  bc->W = W;
  bc->HW = H * W;
  bc->relu = relu;
  bc->n = (gsize) B * C * H * W;
  bc->x = random_values (bc->n, seed, offset - 1.5, offset + 2.5);
  bc->dy = random_values (bc->n, seed + 1, -1.0, 1.0);
  bc->gamma = random_values (C, seed + 2, 0.5, 1.5);
  bc->beta = random_values (C, seed + 3, -0.5, 0.5);
  bc->rmean = random_values (C, seed + 4, -0.2, 0.2);
  bc->rvar = random_values (C, seed + 5, 0.5, 1.5);
  bc->dgamma0 = random_values (C, seed + 6, -1.0, 1.0);
  bc->dbeta0 = random_values (C, seed + 7, -1.0, 1.0);
}

static void
bn_case_clear (BnCase *bc)
{
  g_free (bc->x);
  g_free (bc->dy);
  g_free (bc->gamma);
  g_free (bc->beta);
  g_free (bc->rmean);
  g_free (bc->rvar);
  g_free (bc->dgamma0);
  g_free (bc->dbeta0);
}

static DdlBuffer *
bn_params_upload (const BnCase *bc)
{
  gsize total = param_offset (P_COUNT, bc->C);
  g_autofree double *all = g_new0 (double, total);
  const double *src[P_COUNT] = { bc->gamma, bc->beta, bc->rmean, bc->rvar, NULL, NULL,
                                 bc->dgamma0, bc->dbeta0 };

  for (int k = 0; k < P_COUNT; k++)
    {
      for (gsize i = 0; i < param_offset (k, bc->C); i++)
        if (k == 0 || i >= param_offset (k - 1, bc->C) + bc->C)
          all[i] = 1e6;   /* guard values between the tensors must survive */
      if (src[k] != NULL)
        memcpy (all + param_offset (k, bc->C), src[k], sizeof (double) * bc->C);
    }
  return upload_doubles (all, total);
}

/* Training-mode forward (run twice: the running statistics move twice) and
 * backward with accumulated parameter gradients, against the references.
 * Tolerances: y, dx atol `atol` (inputs are N(0,1)-scaled, one rounding per op
 * plus the float statistics); mean, invstd, running stats rtol 1e-5; dgamma and
 * dbeta are sums over B * HW values: atol sqrt (B * HW) * 2e-6 + rtol 1e-5. */
static void
run_bn_train_case (BnCase *bc, double atol)
{
  DdlEngine *engine = ddl_test_engine ();
  int C = bc->C;
  gsize n = bc->n;
  double sum_atol = sqrt ((double) bc->B * bc->HW) * 2e-6;

  g_autoptr(DdlBuffer) x = upload_doubles (bc->x, n);
  g_autoptr(DdlBuffer) dy = upload_doubles (bc->dy, n);
  g_autoptr(DdlBuffer) y = ddl_test_zeros (n);
  g_autoptr(DdlBuffer) dx = ddl_test_zeros (n);
  g_autoptr(DdlBuffer) params = bn_params_upload (bc);
  g_autoptr(DdlCmd) fwd = ddl_cmd_new (engine);
  g_autoptr(DdlCmd) bwd = ddl_cmd_new (engine);

  ddl_op_batchnorm_fwd_train (fwd, DDL_BIND (y), param_at (params, P_MEAN, C),
                              param_at (params, P_INVSTD, C), param_at (params, P_RMEAN, C),
                              param_at (params, P_RVAR, C), DDL_BIND (x),
                              param_at (params, P_GAMMA, C), param_at (params, P_BETA, C),
                              bc->B, C, bc->H, bc->W, 1e-5f, 0.1f, bc->relu);
  ddl_test_run (fwd);
  ddl_test_run (fwd);
  ddl_op_batchnorm_bwd (bwd, DDL_BIND (dx), param_at (params, P_DGAMMA, C),
                        param_at (params, P_DBETA, C), DDL_BIND (dy), DDL_BIND (x),
                        bc->relu ? DDL_BIND (y) : (DdlBinding) { 0 },
                        param_at (params, P_MEAN, C), param_at (params, P_INVSTD, C),
                        param_at (params, P_GAMMA, C), bc->B, C, bc->H, bc->W, bc->relu, TRUE);
  ddl_test_run (bwd);

  g_autofree double *ry = g_new (double, n), *rdx = g_new (double, n);
  g_autofree double *rm = g_memdup2 (bc->rmean, sizeof (double) * C);
  g_autofree double *rv = g_memdup2 (bc->rvar, sizeof (double) * C);
  g_autofree double *m = g_new (double, C), *is = g_new (double, C);
  g_autofree double *dg = g_memdup2 (bc->dgamma0, sizeof (double) * C);
  g_autofree double *db = g_memdup2 (bc->dbeta0, sizeof (double) * C);
  for (int run = 0; run < 2; run++)
    ddl_ref_batchnorm_fwd_train (ry, m, is, rm, rv, bc->x, bc->gamma, bc->beta, bc->B, C, bc->HW,
                                 1e-5, 0.1, bc->relu);
  g_autofree float *yf = ddl_test_download (y, n);
  g_autofree double *yd = ddl_test_to_double (yf, n);
  /* The mask of the backward is the device's own y > 0. */
  ddl_ref_batchnorm_bwd (rdx, dg, db, bc->dy, bc->x, yd, m, is, bc->gamma, bc->B, C, bc->HW,
                         bc->relu, 1, 1);

  ddl_test_assert_close ("bn y", yf, ry, n, atol, 1e-4);
  assert_buffer ("bn mean", params, param_offset (P_MEAN, C), m, C, 1e-6, 1e-5);
  assert_buffer ("bn invstd", params, param_offset (P_INVSTD, C), is, C, 0, 1e-5);
  assert_buffer ("bn running_mean", params, param_offset (P_RMEAN, C), rm, C, 1e-6, 1e-5);
  assert_buffer ("bn running_var", params, param_offset (P_RVAR, C), rv, C, 0, 1e-5);
  assert_buffer ("bn dx", dx, 0, rdx, n, atol, 1e-4);
  assert_buffer ("bn dgamma", params, param_offset (P_DGAMMA, C), dg, C, sum_atol, 1e-5);
  assert_buffer ("bn dbeta", params, param_offset (P_DBETA, C), db, C, sum_atol, 1e-5);

  /* The guard floats around the packed tensors are untouched. */
  g_autofree float *all = ddl_test_download (params, param_offset (P_COUNT, C));
  for (int k = 0; k < P_COUNT; k++)
    g_assert_cmpfloat (all[param_offset (k, C) - 1], ==, 1e6f);
}

static void
test_bn_train (void)
{
  if (!ddl_test_engine ())
    return;
  for (int relu = 0; relu <= 1; relu++)
    for (gsize sh = 0; sh < G_N_ELEMENTS (shapes); sh++)
      for (gsize s = 0; s < G_N_ELEMENTS (seeds); s++)
        {
          BnCase bc;
          bn_case_init (&bc, 3, 5, shapes[sh][0], shapes[sh][1], relu, seeds[s] + 100 * sh, 0.0);
          run_bn_train_case (&bc, 2e-5);
          bn_case_clear (&bc);
        }
}

/* B * H * W = 73,728 values per channel, more than lavapipe's 65,535 iterations of a
 * naive per-channel loop. The inputs sit near 50: float E[x^2] - E[x]^2 would lose
 * all digits of the unit variance; y and dx carry the rounding of x - mean
 * (ulp (50) = 4e-6) times invstd. */
static void
test_bn_loop_limit (void)
{
  if (!ddl_test_engine ())
    return;
  BnCase bc;
  bn_case_init (&bc, 2, 2, 192, 192, TRUE, 5, 50.0);
  run_bn_train_case (&bc, 1e-4);
  bn_case_clear (&bc);
}

static void
test_bn_eval (void)
{
  DdlEngine *engine = ddl_test_engine ();
  if (engine == NULL)
    return;
  for (int relu = 0; relu <= 1; relu++)
    for (gsize s = 0; s < 2 * G_N_ELEMENTS (seeds); s++)
      {
        /* Both seeds on each shape. */
        const int *hw = shapes[s / G_N_ELEMENTS (seeds)];
        BnCase bc;
        bn_case_init (&bc, 3, 5, hw[0], hw[1], relu, seeds[s % G_N_ELEMENTS (seeds)] + 10 * s, 0.0);
        int C = bc.C;
        gsize n = bc.n;
        g_autoptr(DdlBuffer) x = upload_doubles (bc.x, n);
        g_autoptr(DdlBuffer) dy = upload_doubles (bc.dy, n);
        g_autoptr(DdlBuffer) y = ddl_test_zeros (n);
        g_autoptr(DdlBuffer) dx = ddl_test_zeros (n);
        g_autoptr(DdlBuffer) params = bn_params_upload (&bc);
        g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);

        ddl_op_batchnorm_fwd_eval (cmd, DDL_BIND (y), DDL_BIND (x), param_at (params, P_GAMMA, C),
                                   param_at (params, P_BETA, C), param_at (params, P_RMEAN, C),
                                   param_at (params, P_RVAR, C), bc.B, C, bc.H, bc.W, 1e-5f, relu);
        ddl_op_batchnorm_bwd_eval (cmd, DDL_BIND (dx), param_at (params, P_DGAMMA, C),
                                   param_at (params, P_DBETA, C), DDL_BIND (dy), DDL_BIND (x),
                                   DDL_BIND (y), param_at (params, P_RMEAN, C),
                                   param_at (params, P_RVAR, C), param_at (params, P_GAMMA, C),
                                   bc.B, C, bc.H, bc.W, 1e-5f, relu, FALSE);
        ddl_test_run (cmd);

        g_autofree double *ry = g_new (double, n), *rdx = g_new (double, n);
        g_autofree double *dg = g_new (double, C), *db = g_new (double, C);
        ddl_ref_batchnorm_fwd_eval (ry, bc.x, bc.gamma, bc.beta, bc.rmean, bc.rvar, bc.B, C, bc.HW,
                                    1e-5, relu);
        g_autofree float *yf = ddl_test_download (y, n);
        g_autofree double *yd = ddl_test_to_double (yf, n);
        ddl_ref_batchnorm_bwd_eval (rdx, dg, db, bc.dy, bc.x, yd, bc.rmean, bc.rvar, bc.gamma,
                                    bc.B, C, bc.HW, 1e-5, relu, 0);
        /* One rounding per operation: 1e-5 absolute on N(0, 1)-sized values. */
        ddl_test_assert_close ("bn eval y", yf, ry, n, 1e-5, 1e-5);
        assert_buffer ("bn eval dx", dx, 0, rdx, n, 1e-5, 1e-5);
        assert_buffer ("bn eval dgamma", params, param_offset (P_DGAMMA, C), dg, C, 1e-4, 1e-5);
        assert_buffer ("bn eval dbeta", params, param_offset (P_DBETA, C), db, C, 1e-4, 1e-5);
        /* Eval mode leaves the running statistics alone. */
        assert_buffer ("bn eval running_var", params, param_offset (P_RVAR, C), bc.rvar, C, 0, 0);
        bn_case_clear (&bc);
      }
}

/* The hand case on the device: running_var moves towards 5/3, not 1.25. */
static void
test_bn_hand (void)
{
  DdlEngine *engine = ddl_test_engine ();
  if (engine == NULL)
    return;
  float x[] = { 1, 2, 3, 4 }, p[] = { 2.0f, 0.5f, 0.0f, 1.0f, 0, 0 };
  double want_y[4], want_rm, want_rv;
  hand_case_expect (want_y, &want_rm, &want_rv);
  g_autoptr(DdlBuffer) xb = ddl_test_upload (x, 4);
  g_autoptr(DdlBuffer) yb = ddl_test_zeros (4);
  g_autoptr(DdlBuffer) pb = ddl_test_upload (p, 6);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);

  ddl_op_batchnorm_fwd_train (cmd, DDL_BIND (yb), DDL_BIND_FLOATS (pb, 4, 1),
                              DDL_BIND_FLOATS (pb, 5, 1), DDL_BIND_FLOATS (pb, 2, 1),
                              DDL_BIND_FLOATS (pb, 3, 1), DDL_BIND (xb), DDL_BIND_FLOATS (pb, 0, 1),
                              DDL_BIND_FLOATS (pb, 1, 1), 2, 1, 1, 2, DDL_BATCHNORM_EPS,
                              DDL_BATCHNORM_MOMENTUM, FALSE);
  ddl_test_run (cmd);
  double want_p[] = { 2.0, 0.5, want_rm, want_rv, 2.5, 1.0 / sqrt (1.25 + 1e-5) };
  assert_buffer ("hand y", yb, 0, want_y, 4, 1e-6, 1e-6);
  assert_buffer ("hand stats", pb, 0, want_p, 6, 1e-7, 1e-6);
}

static void
test_bn_errors (void)
{
  DdlEngine *engine = ddl_test_engine ();
  if (engine == NULL)
    return;
  g_autoptr(DdlBuffer) small = ddl_test_zeros (4);
  g_autoptr(DdlBuffer) p = ddl_test_zeros (8);
  g_autoptr(GError) error = NULL;

  /* One value per channel cannot be trained on (PyTorch raises too). */
  g_autoptr(DdlCmd) one = ddl_cmd_new (engine);
  ddl_op_batchnorm_fwd_train (one, DDL_BIND (small), DDL_BIND_FLOATS (p, 0, 1),
                              DDL_BIND_FLOATS (p, 1, 1), DDL_BIND_FLOATS (p, 2, 1),
                              DDL_BIND_FLOATS (p, 3, 1), DDL_BIND (small),
                              DDL_BIND_FLOATS (p, 4, 1), DDL_BIND_FLOATS (p, 5, 1), 1, 1, 1, 1,
                              DDL_BATCHNORM_EPS, DDL_BATCHNORM_MOMENTUM, FALSE);
  g_assert_false (ddl_cmd_run (one, &error));
  g_assert_nonnull (strstr (error->message, "more than one value per channel"));
  g_clear_error (&error);

  /* A too small input names the tensor. */
  g_autoptr(DdlCmd) big = ddl_cmd_new (engine);
  ddl_op_batchnorm_fwd_eval (big, DDL_BIND (small), DDL_BIND (small), DDL_BIND_FLOATS (p, 0, 2),
                             DDL_BIND_FLOATS (p, 2, 2), DDL_BIND_FLOATS (p, 4, 2),
                             DDL_BIND_FLOATS (p, 6, 2), 2, 2, 1, 2, DDL_BATCHNORM_EPS, FALSE);
  g_assert_false (ddl_cmd_run (big, &error));
  g_assert_nonnull (strstr (error->message, "batchnorm_fwd_eval: y needs 32 bytes"));
  g_clear_error (&error);

  /* A batch too large for the two-level reduction is refused, not silently wrong. */
  g_autoptr(DdlBuffer) wide = ddl_test_zeros (5000);
  g_autoptr(DdlCmd) huge = ddl_cmd_new (engine);
  ddl_op_batchnorm_fwd_eval (huge, DDL_BIND (wide), DDL_BIND (wide), DDL_BIND_FLOATS (p, 0, 1),
                             DDL_BIND_FLOATS (p, 1, 1), DDL_BIND_FLOATS (p, 2, 1),
                             DDL_BIND_FLOATS (p, 3, 1), 5000, 1, 1, 1, DDL_BATCHNORM_EPS, FALSE);
  g_assert_false (ddl_cmd_run (huge, &error));
  g_assert_nonnull (strstr (error->message, "too many values per channel"));
  g_clear_error (&error);

  /* A slice that does not fit. */
  g_autoptr(DdlCmd) slice = ddl_cmd_new (engine);
  ddl_op_channel_copy (slice, DDL_BIND (small), DDL_SLICE (1, 2), DDL_BIND (small), DDL_SLICE_ALL,
                       1, 2, 2, FALSE);
  g_assert_false (ddl_cmd_run (slice, &error));
  g_assert_nonnull (strstr (error->message, "do not fit"));
  g_clear_error (&error);

  /* An invalid dropout probability. */
  g_autoptr(DdlCmd) drop = ddl_cmd_new (engine);
  ddl_op_dropout_fwd (drop, DDL_BIND (small), DDL_BIND (small), 4, 1.5f, 1, DDL_BIND (p));
  g_assert_false (ddl_cmd_run (drop, &error));
  g_assert_nonnull (strstr (error->message, "not in [0, 1]"));
}

/* ---- activations and dropout ------------------------------------------------------- */

static void
test_activations (void)
{
  DdlEngine *engine = ddl_test_engine ();
  if (engine == NULL)
    return;
  for (gsize s = 0; s < G_N_ELEMENTS (seeds); s++)
    {
      gsize n = 3 * 5 * 7 * 9;
      g_autofree double *x = random_values (n, seeds[s], -6.0, 6.0);
      g_autofree double *dy = random_values (n, seeds[s] + 1, -1.0, 1.0);
      x[0] = -100.0;   /* e^100 overflows: sigmoid must still give 0 */
      x[1] = 100.0;
      x[2] = 0.0;      /* relu'(0) = 0 as in PyTorch */
      g_autoptr(DdlBuffer) xb = upload_doubles (x, n);
      g_autoptr(DdlBuffer) dyb = upload_doubles (dy, n);
      g_autoptr(DdlBuffer) y1 = ddl_test_zeros (n), dx1 = ddl_test_zeros (n);
      g_autoptr(DdlBuffer) y2 = ddl_test_zeros (n), dx2 = ddl_test_zeros (n);
      g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);

      ddl_op_relu_fwd (cmd, DDL_BIND (y1), DDL_BIND (xb), n);
      ddl_op_relu_bwd (cmd, DDL_BIND (dx1), DDL_BIND (dyb), DDL_BIND (y1), n);
      ddl_op_sigmoid_fwd (cmd, DDL_BIND (y2), DDL_BIND (xb), n);
      ddl_op_sigmoid_bwd (cmd, DDL_BIND (dx2), DDL_BIND (dyb), DDL_BIND (y2), n);
      ddl_test_run (cmd);

      g_autofree double *ry = g_new (double, n), *rdx = g_new (double, n);
      ddl_ref_relu_fwd (ry, x, n);
      ddl_ref_relu_bwd (rdx, dy, ry, n);
      assert_buffer ("relu y", y1, 0, ry, n, 0, 0);      /* exact */
      assert_buffer ("relu dx", dx1, 0, rdx, n, 0, 0);
      ddl_ref_sigmoid_fwd (ry, x, n);
      /* exp is accurate to a few ulp: 1e-6 relative on y in (0, 1). */
      assert_buffer ("sigmoid y", y2, 0, ry, n, 1e-7, 1e-6);
      g_autofree float *y2f = ddl_test_download (y2, n);
      g_autofree double *y2d = ddl_test_to_double (y2f, n);
      ddl_ref_sigmoid_bwd (rdx, dy, y2d, n);   /* from the device's y: two roundings */
      assert_buffer ("sigmoid dx", dx2, 0, rdx, n, 1e-7, 1e-6);
    }
}

static void
test_dropout_identity (void)
{
  DdlEngine *engine = ddl_test_engine ();
  if (engine == NULL)
    return;
  gsize n = 945;
  g_autofree double *x = random_values (n, 4, -3.0, 3.0);
  g_autoptr(DdlBuffer) xb = upload_doubles (x, n);
  g_autoptr(DdlBuffer) y = ddl_test_zeros (n), dx = ddl_test_zeros (n);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);

  /* p = 0, the reference configuration: a copy, no counter needed. */
  ddl_op_dropout_fwd (cmd, DDL_BIND (y), DDL_BIND (xb), n, 0.0f, 9, (DdlBinding) { 0 });
  ddl_op_dropout_bwd (cmd, DDL_BIND (dx), DDL_BIND (y), n, 0.0f, 9, (DdlBinding) { 0 });
  ddl_test_run (cmd);
  assert_buffer ("dropout p=0 y", y, 0, x, n, 0, 0);
  assert_buffer ("dropout p=0 dx", dx, 0, x, n, 0, 0);
}

/* Device masks: 1 where the output is non-zero (inputs are never zero). */
static guint8 *
download_mask (DdlBuffer *buffer, gsize n)
{
  g_autofree float *v = ddl_test_download (buffer, n);
  guint8 *mask = g_new (guint8, n);
  for (gsize i = 0; i < n; i++)
    mask[i] = v[i] != 0.0f;
  return mask;
}

static double
agreement (const guint8 *a, const guint8 *b, gsize n)
{
  gsize same = 0;
  for (gsize i = 0; i < n; i++)
    same += a[i] == b[i];
  return (double) same / n;
}

/* p = 0.5 and 0.3 over 100,003 values: the mask is the reference hash's, the kept
 * fraction is 1 - p within 0.01 (6 sigma), kept values are scaled by 1 / (1 - p),
 * the backward applies the same mask, a replay reproduces it, and a new counter
 * value or seed draws an independent one (agreement 0.5 +- 0.01 at p = 0.5). */
static void
test_dropout_mask (void)
{
  DdlEngine *engine = ddl_test_engine ();
  if (engine == NULL)
    return;
  gsize n = 100003;
  static const float probs[] = { 0.5f, 0.3f };
  g_autofree double *x = random_values (n, 21, 0.5, 1.5);
  g_autofree double *dy = random_values (n, 22, 0.5, 1.5);
  g_autoptr(DdlBuffer) xb = upload_doubles (x, n);
  g_autoptr(DdlBuffer) dyb = upload_doubles (dy, n);
  float counter_init[] = { -1, -1, -1, 7, -1 };   /* the counter sits at an unaligned float */
  g_autoptr(DdlBuffer) counter = ddl_test_upload (counter_init, 5);
  g_autofree guint8 *first_mask = NULL;

  for (gsize pi = 0; pi < G_N_ELEMENTS (probs); pi++)
    for (gsize s = 0; s < G_N_ELEMENTS (seeds); s++)
      {
        float p = probs[pi];
        guint32 seed = (guint32) seeds[s];
        g_autoptr(DdlBuffer) y = ddl_test_zeros (n), dx = ddl_test_zeros (n);
        g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);
        g_autofree double *ry = g_new (double, n), *rdx = g_new (double, n);
        g_autoptr(GError) error = NULL;
        float seven = 7.0f, eight = 8.0f;

        ddl_buffer_write (counter, 3 * sizeof (float), &seven, sizeof seven, &error);
        g_assert_no_error (error);
        ddl_op_dropout_fwd (cmd, DDL_BIND (y), DDL_BIND (xb), n, p, seed,
                            DDL_BIND_FLOATS (counter, 3, 1));
        ddl_op_dropout_bwd (cmd, DDL_BIND (dx), DDL_BIND (dyb), n, p, seed,
                            DDL_BIND_FLOATS (counter, 3, 1));
        ddl_test_run (cmd);

        ddl_ref_dropout (ry, x, n, p, seed, 7);
        ddl_ref_dropout (rdx, dy, n, p, seed, 7);
        /* Same mask as the reference; kept values differ by the float scale's rounding. */
        assert_buffer ("dropout y", y, 0, ry, n, 0, 2e-7);
        assert_buffer ("dropout dx", dx, 0, rdx, n, 0, 2e-7);
        g_autofree guint8 *mask = download_mask (y, n);
        g_autofree guint8 *dmask = download_mask (dx, n);
        double kept = 0;
        for (gsize i = 0; i < n; i++)
          kept += mask[i];
        kept /= n;
        g_test_message ("p %.1f seed %u: kept %.4f", p, seed, kept);
        g_assert_cmpfloat (fabs (kept - (1.0 - p)), <, 0.01);
        g_assert_cmpfloat (agreement (mask, dmask, n), ==, 1.0);

        /* Replay: the same counter gives the same mask. */
        ddl_test_run (cmd);
        g_autofree guint8 *again = download_mask (y, n);
        g_assert_cmpfloat (agreement (mask, again, n), ==, 1.0);

        /* The model advances the counter: the replayed command draws a new mask. */
        ddl_buffer_write (counter, 3 * sizeof (float), &eight, sizeof eight, &error);
        g_assert_no_error (error);
        ddl_test_run (cmd);
        g_autofree guint8 *next = download_mask (y, n);
        ddl_ref_dropout (ry, x, n, p, seed, 8);
        assert_buffer ("dropout y, counter 8", y, 0, ry, n, 0, 2e-7);
        double agree = agreement (mask, next, n), expect = p * p + (1 - p) * (1 - p);
        g_assert_cmpfloat (fabs (agree - expect), <, 0.01);

        /* Another seed at the same p draws an independent mask. */
        if (s == 0)
          first_mask = g_steal_pointer (&mask);
        else
          {
            agree = agreement (first_mask, mask, n);
            g_assert_cmpfloat (fabs (agree - expect), <, 0.01);
            g_clear_pointer (&first_mask, g_free);
          }
      }
}

/* ---- shuffles, concat, permutes, frame slice --------------------------------------- */

/* Copies channels [c0, c0 + C) of a (B, ctotal, plane) tensor into (B, C, plane), or
 * back with `embed`. */
static void
slice_channels (double *small, double *big, int B, int C, int c0, int ctotal, gsize plane,
                gboolean embed)
{
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++)
      {
        double *s = small + ((gsize) b * C + c) * plane;
        double *g = big + ((gsize) b * ctotal + c0 + c) * plane;
        if (embed)
          memcpy (g, s, plane * sizeof (double));
        else
          memcpy (s, g, plane * sizeof (double));
      }
}

/* Pixel shuffle and unshuffle on channel slices of bigger tensors, with and without
 * accumulate, and both backward operators. Pure data movement: exact, except
 * accumulated sums (one float rounding, rtol 1e-7). */
static void
test_shuffle (void)
{
  DdlEngine *engine = ddl_test_engine ();
  if (engine == NULL)
    return;
  for (gsize s = 0; s < 2 * G_N_ELEMENTS (seeds); s++)
    {
      const int *hw = shapes[s / G_N_ELEMENTS (seeds)];
      guint64 seed = seeds[s % G_N_ELEMENTS (seeds)] + 100 * (s / G_N_ELEMENTS (seeds));
      int B = 3, C = 5, H = hw[0], W = hw[1], lo_total = 4 * C + 3, lo_c0 = 2, hi_total = C + 4;
      int hi_c0 = 1;
      gsize lo_plane = (gsize) H * W, hi_plane = 4 * lo_plane;
      gsize lo_big = (gsize) B * lo_total * lo_plane, hi_big = (gsize) B * hi_total * hi_plane;
      gsize n = (gsize) B * 4 * C * lo_plane;
      g_autofree double *lo_all = random_values (lo_big, seed, -1.0, 1.0);
      g_autofree double *hi_all = random_values (hi_big, seed + 1, -1.0, 1.0);
      g_autofree double *dlo = random_values (n, seed + 2, -1.0, 1.0);
      g_autofree double *dhi = random_values (n, seed + 3, -1.0, 1.0);
      g_autoptr(DdlBuffer) lo_b = upload_doubles (lo_all, lo_big);
      g_autoptr(DdlBuffer) hi_b = upload_doubles (hi_all, hi_big);
      g_autoptr(DdlBuffer) dlo_b = upload_doubles (dlo, n);
      g_autoptr(DdlBuffer) dhi_b = upload_doubles (dhi, n);
      g_autoptr(DdlBuffer) lo_out = ddl_test_zeros (n);
      g_autoptr(DdlBuffer) g_lo = ddl_test_zeros (n), g_hi = ddl_test_zeros (n);
      g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);

      /* hi slice += shuffle (lo slice); lo_out = unshuffle (hi slice after that). */
      ddl_op_pixel_shuffle_fwd (cmd, DDL_BIND (hi_b), DDL_SLICE (hi_c0, hi_total), DDL_BIND (lo_b),
                                DDL_SLICE (lo_c0, lo_total), B, C, H, W, TRUE);
      ddl_op_pixel_unshuffle_fwd (cmd, DDL_BIND (lo_out), DDL_SLICE_ALL, DDL_BIND (hi_b),
                                  DDL_SLICE (hi_c0, hi_total), B, C, H, W, FALSE);
      ddl_op_pixel_shuffle_bwd (cmd, DDL_BIND (g_lo), DDL_SLICE_ALL, DDL_BIND (dhi_b),
                                DDL_SLICE_ALL, B, C, H, W, FALSE);
      ddl_op_pixel_unshuffle_bwd (cmd, DDL_BIND (g_hi), DDL_SLICE_ALL, DDL_BIND (dlo_b),
                                  DDL_SLICE_ALL, B, C, H, W, FALSE);
      ddl_test_run (cmd);

      g_autofree double *lo = g_new (double, n), *hi = g_new (double, n), *sh = g_new (double, n);
      slice_channels (lo, lo_all, B, 4 * C, lo_c0, lo_total, lo_plane, FALSE);
      slice_channels (hi, hi_all, B, C, hi_c0, hi_total, hi_plane, FALSE);
      ddl_ref_pixel_shuffle (sh, lo, B, C, H, W);
      for (gsize i = 0; i < n; i++)
        hi[i] += sh[i];
      slice_channels (hi, hi_all, B, C, hi_c0, hi_total, hi_plane, TRUE);   /* the rest kept */
      assert_buffer ("shuffle fwd (slices, accumulate)", hi_b, 0, hi_all, hi_big, 1e-7, 1e-7);
      g_autofree float *hi_dev = ddl_test_download (hi_b, hi_big);
      g_autofree double *hi_dev_d = ddl_test_to_double (hi_dev, hi_big);
      slice_channels (hi, hi_dev_d, B, C, hi_c0, hi_total, hi_plane, FALSE);
      ddl_ref_pixel_unshuffle (sh, hi, B, C, H, W);
      assert_buffer ("unshuffle fwd (slice)", lo_out, 0, sh, n, 0, 0);

      g_autofree double *want = g_new0 (double, n);
      ddl_ref_pixel_shuffle_bwd (want, dhi, B, C, H, W);
      assert_buffer ("shuffle bwd", g_lo, 0, want, n, 0, 0);
      memset (want, 0, n * sizeof (double));
      ddl_ref_pixel_unshuffle_bwd (want, dlo, B, C, H, W);
      assert_buffer ("unshuffle bwd", g_hi, 0, want, n, 0, 0);
    }
}

static void
test_concat (void)
{
  DdlEngine *engine = ddl_test_engine ();
  if (engine == NULL)
    return;
  for (gsize s = 0; s < 2 * G_N_ELEMENTS (seeds); s++)
    {
      const int *hw = shapes[s / G_N_ELEMENTS (seeds)];
      guint64 seed = seeds[s % G_N_ELEMENTS (seeds)] + 100 * (s / G_N_ELEMENTS (seeds));
      int B = 3, HW = hw[0] * hw[1], channels[] = { 2, 5, 3 }, total = 10;
      guint uchannels[] = { 2, 5, 3 };
      gsize n = (gsize) B * total * HW;
      double *parts[3], *grads[3], *prefill[3];
      DdlBuffer *part_b[3], *grad_b[3], *acc_b[3];
      DdlBinding part_bind[3], grad_bind[3], acc_bind[3];

      for (int k = 0; k < 3; k++)
        {
          gsize nk = (gsize) B * channels[k] * HW;
          parts[k] = random_values (nk, seed + k, -1.0, 1.0);
          prefill[k] = random_values (nk, seed + 10 + k, -1.0, 1.0);
          grads[k] = g_memdup2 (prefill[k], nk * sizeof (double));
          part_b[k] = upload_doubles (parts[k], nk);
          grad_b[k] = upload_doubles (prefill[k], nk);   /* overwritten */
          acc_b[k] = upload_doubles (prefill[k], nk);    /* accumulated into */
          part_bind[k] = DDL_BIND (part_b[k]);
          grad_bind[k] = DDL_BIND (grad_b[k]);
          acc_bind[k] = DDL_BIND (acc_b[k]);
        }
      g_autofree double *dy = random_values (n, seed + 20, -1.0, 1.0);
      g_autoptr(DdlBuffer) out = ddl_test_zeros (n);
      g_autoptr(DdlBuffer) dyb = upload_doubles (dy, n);
      g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);

      ddl_op_concat_fwd (cmd, DDL_BIND (out), part_bind, uchannels, 3, B, HW);
      ddl_op_concat_bwd (cmd, grad_bind, uchannels, 3, DDL_BIND (dyb), B, HW, FALSE);
      ddl_op_concat_bwd (cmd, acc_bind, uchannels, 3, DDL_BIND (dyb), B, HW, TRUE);
      ddl_test_run (cmd);

      g_autofree double *want = g_new (double, n);
      ddl_ref_concat_channels (want, (const double *const *) parts, channels, 3, B, HW);
      assert_buffer ("concat fwd", out, 0, want, n, 0, 0);
      ddl_ref_concat_channels_bwd (grads, dy, channels, 3, B, HW);   /* prefill + block */
      for (int k = 0; k < 3; k++)
        {
          gsize nk = (gsize) B * channels[k] * HW;
          assert_buffer ("concat bwd (accumulate)", acc_b[k], 0, grads[k], nk, 1e-7, 1e-7);
          for (gsize i = 0; i < nk; i++)
            grads[k][i] -= prefill[k][i];
          assert_buffer ("concat bwd", grad_b[k], 0, grads[k], nk, 1e-7, 1e-7);
          g_free (parts[k]);
          g_free (grads[k]);
          g_free (prefill[k]);
          ddl_buffer_free (part_b[k]);
          ddl_buffer_free (grad_b[k]);
          ddl_buffer_free (acc_b[k]);
        }
    }
}

static void
test_permute (void)
{
  DdlEngine *engine = ddl_test_engine ();
  if (engine == NULL)
    return;
  for (gsize s = 0; s < 2 * G_N_ELEMENTS (seeds); s++)
    {
      const int *hw = shapes[s / G_N_ELEMENTS (seeds)];
      guint64 seed = seeds[s % G_N_ELEMENTS (seeds)] + 100 * (s / G_N_ELEMENTS (seeds));
      int B = 3, C = 5, T = 3, HW = hw[0] * hw[1];
      gsize n = (gsize) B * C * T * HW;
      g_autofree double *clip = random_values (n, seed, -1.0, 1.0);
      g_autofree double *frames = random_values (n, seed + 1, -1.0, 1.0);
      g_autofree double *prefill = random_values (n, seed + 2, -1.0, 1.0);
      g_autoptr(DdlBuffer) clip_b = upload_doubles (clip, n);
      g_autoptr(DdlBuffer) frames_b = upload_doubles (frames, n);
      g_autoptr(DdlBuffer) f_out = ddl_test_zeros (n), c_out = ddl_test_zeros (n);
      g_autoptr(DdlBuffer) c_acc = upload_doubles (prefill, n);
      g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);

      ddl_op_clip_to_frames (cmd, DDL_BIND (f_out), DDL_BIND (clip_b), B, C, T, HW, FALSE);
      ddl_op_frames_to_clip (cmd, DDL_BIND (c_out), DDL_BIND (frames_b), B, C, T, HW, FALSE);
      /* The backward of clip_to_frames, accumulated as the model does. */
      ddl_op_frames_to_clip (cmd, DDL_BIND (c_acc), DDL_BIND (frames_b), B, C, T, HW, TRUE);
      ddl_test_run (cmd);

      g_autofree double *want = g_new (double, n);
      ddl_ref_clip_to_frames (want, clip, B, C, T, HW);
      assert_buffer ("clip_to_frames", f_out, 0, want, n, 0, 0);
      ddl_ref_frames_to_clip (want, frames, B, C, T, HW);
      assert_buffer ("frames_to_clip", c_out, 0, want, n, 0, 0);
      memcpy (want, prefill, n * sizeof (double));
      ddl_ref_clip_to_frames_bwd (want, frames, B, C, T, HW);
      assert_buffer ("clip_to_frames bwd (accumulate)", c_acc, 0, want, n, 1e-7, 1e-7);
    }
}

static void
test_frame_select (void)
{
  DdlEngine *engine = ddl_test_engine ();
  if (engine == NULL)
    return;
  static const int frames[] = { 3, 5, 1, 3 };
  for (gsize s = 0; s < G_N_ELEMENTS (frames); s++)
    {
      const int *hw = shapes[s == 3];
      int B = 3, C = 5, T = frames[s], t = (T - 1) / 2, HW = hw[0] * hw[1];
      gsize n_clip = (gsize) B * C * T * HW, n = (gsize) B * C * HW;
      g_autofree double *clip = random_values (n_clip, 30 + s, -1.0, 1.0);
      g_autofree double *garbage = random_values (n_clip, 40 + s, -1.0, 1.0);
      g_autofree double *dy = random_values (n, 50 + s, -1.0, 1.0);
      g_autoptr(DdlBuffer) clip_b = upload_doubles (clip, n_clip);
      g_autoptr(DdlBuffer) dy_b = upload_doubles (dy, n);
      g_autoptr(DdlBuffer) out = ddl_test_zeros (n);
      g_autoptr(DdlBuffer) dclip = upload_doubles (garbage, n_clip);
      g_autoptr(DdlBuffer) dacc = upload_doubles (garbage, n_clip);
      g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);

      ddl_op_frame_select_fwd (cmd, DDL_BIND (out), DDL_BIND (clip_b), B, C, T, HW, t);
      ddl_op_frame_select_bwd (cmd, DDL_BIND (dclip), DDL_BIND (dy_b), B, C, T, HW, t, FALSE);
      ddl_op_frame_select_bwd (cmd, DDL_BIND (dacc), DDL_BIND (dy_b), B, C, T, HW, t, TRUE);
      ddl_test_run (cmd);

      g_autofree double *want = g_new (double, n_clip);
      ddl_ref_frame_select (want, clip, B, C, T, HW, t);
      assert_buffer ("frame_select", out, 0, want, n, 0, 0);
      ddl_ref_frame_select_bwd (want, dy, B, C, T, HW, t);   /* zeros around frame t */
      assert_buffer ("frame_select bwd", dclip, 0, want, n_clip, 0, 0);
      for (gsize i = 0; i < n_clip; i++)
        want[i] += garbage[i];
      assert_buffer ("frame_select bwd (accumulate)", dacc, 0, want, n_clip, 1e-7, 1e-7);
    }
}

/* Flat indices past 2^24, where float (i) is no longer exact: the index arithmetic
 * (ddl_divmod) must still be exact. A clip of 5,700,007 channels of 3 one-pixel
 * frames: 17.1 M elements, divisions by 1 and 3 with quotients up to 17.1 M. */
static void
test_large_index (void)
{
  DdlEngine *engine = ddl_test_engine ();
  if (engine == NULL)
    return;
  int B = 1, C = 5700007, T = 3, HW = 1;
  gsize n = (gsize) B * C * T * HW;
  g_autofree float *clip = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    clip[i] = (float) (i % 16777213);   /* a distinct, exact value per element */
  g_autoptr(DdlBuffer) clip_b = ddl_test_upload (clip, n);
  g_autoptr(DdlBuffer) frames_b = ddl_test_zeros (n);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);

  ddl_op_clip_to_frames (cmd, DDL_BIND (frames_b), DDL_BIND (clip_b), B, C, T, HW, FALSE);
  ddl_test_run (cmd);
  g_autofree float *got = ddl_test_download (frames_b, n);
  gsize bad = 0;
  for (int t = 0; t < T; t++)
    for (int c = 0; c < C; c++)
      for (int s = 0; s < HW; s++)
        bad += got[((gsize) t * C + c) * HW + s] != clip[((gsize) c * T + t) * HW + s];
  g_assert_cmpuint (bad, ==, 0);
}

/* ---- batches split into binding windows -------------------------------------------- */

/* With the binding limit lowered to 1 KiB, every operator splits its batch into
 * several windows; the results must not change. Images of 64 floats (256 bytes)
 * keep every window aligned. */
static void
test_windows (void)
{
  DdlEngine *engine = ddl_test_engine ();
  if (engine == NULL)
    return;
  gsize saved = ddl_op_layers_get_max_binding ();
  ddl_op_layers_set_max_binding (1024);

  BnCase bc;
  bn_case_init (&bc, 10, 4, 4, 4, TRUE, 77, 0.0);
  run_bn_train_case (&bc, 2e-5);

  /* Element windows: relu and dropout (its RNG index stays global). */
  gsize n = bc.n;
  float counter = 3.0f;
  g_autoptr(DdlBuffer) x = upload_doubles (bc.x, n);
  g_autoptr(DdlBuffer) cnt = ddl_test_upload (&counter, 1);
  g_autoptr(DdlBuffer) r = ddl_test_zeros (n), d = ddl_test_zeros (n);
  /* A clip (10, 2, 2, 16) <-> frames, the frame slice and the shuffle with slices:
   * hi (10, 2 of 3 channels, 8x8) from lo (10, 4, 4x4). */
  g_autoptr(DdlBuffer) f = ddl_test_zeros (n), c = ddl_test_zeros (n), sel = ddl_test_zeros (n / 2);
  g_autoptr(DdlBuffer) scat = upload_doubles (bc.dy, n);
  g_autoptr(DdlBuffer) hi = ddl_test_zeros ((gsize) 10 * 3 * 64);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);

  ddl_op_relu_fwd (cmd, DDL_BIND (r), DDL_BIND (x), n);
  ddl_op_dropout_fwd (cmd, DDL_BIND (d), DDL_BIND (x), n, 0.5f, 5, DDL_BIND (cnt));
  ddl_op_clip_to_frames (cmd, DDL_BIND (f), DDL_BIND (x), 10, 2, 2, 16, FALSE);
  ddl_op_frames_to_clip (cmd, DDL_BIND (c), DDL_BIND (f), 10, 2, 2, 16, FALSE);
  ddl_op_frame_select_fwd (cmd, DDL_BIND (sel), DDL_BIND (x), 10, 2, 2, 16, 1);
  ddl_op_frame_select_bwd (cmd, DDL_BIND (scat), DDL_BIND (sel), 10, 2, 2, 16, 1, FALSE);
  ddl_op_pixel_shuffle_fwd (cmd, DDL_BIND (hi), DDL_SLICE (1, 3), DDL_BIND (x), DDL_SLICE_ALL,
                            10, 1, 4, 4, FALSE);
  ddl_test_run (cmd);

  g_autofree double *want = g_new0 (double, n);
  ddl_ref_relu_fwd (want, bc.x, n);
  assert_buffer ("windowed relu", r, 0, want, n, 0, 0);
  ddl_ref_dropout (want, bc.x, n, 0.5f, 5, 3);
  assert_buffer ("windowed dropout", d, 0, want, n, 0, 2e-7);
  ddl_ref_clip_to_frames (want, bc.x, 10, 2, 2, 16);
  assert_buffer ("windowed clip_to_frames", f, 0, want, n, 0, 0);
  assert_buffer ("windowed frames_to_clip", c, 0, bc.x, n, 0, 0);
  ddl_ref_frame_select (want, bc.x, 10, 2, 2, 16, 1);
  assert_buffer ("windowed frame_select", sel, 0, want, n / 2, 0, 0);
  g_autofree double *half = g_memdup2 (want, n / 2 * sizeof (double));
  ddl_ref_frame_select_bwd (want, half, 10, 2, 2, 16, 1);
  assert_buffer ("windowed frame_select bwd", scat, 0, want, n, 0, 0);
  g_autofree double *hi_want = g_new0 (double, (gsize) 10 * 3 * 64);
  ddl_ref_pixel_shuffle (want, bc.x, 10, 1, 4, 4);
  slice_channels (want, hi_want, 10, 1, 1, 3, 64, TRUE);
  assert_buffer ("windowed shuffle (slice)", hi, 0, hi_want, (gsize) 10 * 3 * 64, 0, 0);

  /* An image larger than the limit cannot be split. */
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlCmd) bad = ddl_cmd_new (engine);
  ddl_op_layers_set_max_binding (128);
  ddl_op_clip_to_frames (bad, DDL_BIND (f), DDL_BIND (x), 10, 2, 2, 16, FALSE);
  g_assert_false (ddl_cmd_run (bad, &error));
  g_assert_nonnull (strstr (error->message, "clip_to_frames: cannot split"));

  ddl_op_layers_set_max_binding (saved);
  bn_case_clear (&bc);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/layers/ref/batchnorm-grad", test_ref_batchnorm_grad);
  g_test_add_func ("/layers/ref/batchnorm-hand", test_ref_batchnorm_hand);
  g_test_add_func ("/layers/ref/simple-grads", test_ref_simple_grads);
  g_test_add_func ("/layers/ref/shuffle-hand", test_ref_shuffle_hand);
  g_test_add_func ("/layers/batchnorm/train", test_bn_train);
  g_test_add_func ("/layers/batchnorm/loop-limit", test_bn_loop_limit);
  g_test_add_func ("/layers/batchnorm/eval", test_bn_eval);
  g_test_add_func ("/layers/batchnorm/hand", test_bn_hand);
  g_test_add_func ("/layers/errors", test_bn_errors);
  g_test_add_func ("/layers/activations", test_activations);
  g_test_add_func ("/layers/dropout/identity", test_dropout_identity);
  g_test_add_func ("/layers/dropout/mask", test_dropout_mask);
  g_test_add_func ("/layers/shuffle", test_shuffle);
  g_test_add_func ("/layers/concat", test_concat);
  g_test_add_func ("/layers/permute", test_permute);
  g_test_add_func ("/layers/frame-select", test_frame_select);
  g_test_add_func ("/layers/large-index", test_large_index);
  g_test_add_func ("/layers/windows", test_windows);

  int status = g_test_run ();
  ddl_test_engine_shutdown ();
  return status;
}
