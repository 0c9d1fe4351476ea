/* BatchNorm2d operators: a partial pass per (channel, image, chunk), a merge per
 * channel and an element-wise pass, each within lavapipe's loop budget. */
#include "ddl-ops-layers-private.h"

#include <string.h>

/* Shared setup of the BatchNorm passes: sizes, chunking, binding checks. */
typedef struct {
  const char        *op;
  guint              B, C, hw;
  gsize              image_bytes;
  DdlBatchNormParams p;
} BnSetup;

static gboolean
bn_setup (DdlCmd *cmd, BnSetup *bn, const char *op, guint B, guint C, guint H, guint W,
          float eps, guint32 flags)
{
  guint64 hw = (guint64) H * W;
  guint64 K;

  memset (bn, 0, sizeof *bn);
  bn->op = op;
  if (B == 0 || C == 0 || hw == 0)
    {
      ddl_layers_error (cmd, DDL_ENGINE_ERROR_FAILED, "%s: empty tensor (%u, %u, %u, %u)",
                        op, B, C, H, W);
      return FALSE;
    }
  if (hw > G_MAXINT32 / 2 || (guint64) C * hw > G_MAXINT32)
    {
      ddl_layers_error (cmd, DDL_ENGINE_ERROR_LIMIT, "%s: images of %u x %u x %u are too large",
                        op, C, H, W);
      return FALSE;
    }
  /* Chunks of about 256 elements per partial, more of them (down to 32 elements)
   * when the layer is too small to feed every core. The merge reads
   * 2 * B * (K + 1) partials per channel and a partial 2 * ceil (hw / K) elements:
   * both loops must stay within the budget. */
  guint64 max_chunks = DDL_LOOP_BUDGET / (2 * (guint64) B) - 1;   /* merge limit */
  K = (hw + 255) / 256;
  K = MAX (K, MIN ((4096 + (guint64) B * C - 1) / ((guint64) B * C), (hw + 31) / 32));
  K = MIN (K, hw);
  if (K > max_chunks)
    K = max_chunks;
  if (B > DDL_LOOP_BUDGET / 4 || 2 * ((hw + K - 1) / K) > DDL_LOOP_BUDGET)
    {
      ddl_layers_error (cmd, DDL_ENGINE_ERROR_LIMIT, "%s: %u images of %u x %u are too many "
                        "values per channel for the two-level reduction", op, B, H, W);
      return FALSE;
    }
  bn->B = B;
  bn->C = C;
  bn->hw = (guint) hw;
  bn->image_bytes = (gsize) C * hw * sizeof (float);
  bn->p.batch_total = B;
  bn->p.channels = C;
  bn->p.hw = (guint32) hw;
  bn->p.n_chunks = (guint32) K;
  bn->p.flags = flags;
  bn->p.eps = eps;
  bn->p.vec = ddl_layers_row_vec (hw);
  return TRUE;
}

static gboolean
bn_check_activation (DdlCmd *cmd, BnSetup *bn, const char *what, DdlBinding b)
{
  return ddl_layers_check_binding (cmd, bn->op, what, b, (guint64) bn->B * bn->image_bytes);
}

/* The partial pass: per (channel, image, chunk) a pair of sums in a scratch buffer. */
static DdlBuffer *
bn_partials (DdlCmd *cmd, BnSetup *bn, DdlKernelId kernel, const DdlBinding *inputs,
             guint n_inputs, const gsize *image_bytes)
{
  DdlBuffer *partial = ddl_cmd_scratch (cmd, (gsize) bn->C * bn->B * bn->p.n_chunks * 2
                                             * sizeof (float));
  DdlBinding bindings[6];
  gsize bytes[6];

  if (partial == NULL)
    return NULL;
  for (guint k = 0; k < n_inputs; k++)
    {
      bindings[k] = inputs[k];
      bytes[k] = image_bytes[k];
    }
  bindings[n_inputs] = DDL_BIND (partial);
  bytes[n_inputs] = 0;
  ddl_layers_dispatch_windows (cmd, bn->op, kernel, bindings, bytes, n_inputs + 1, bn->B,
                               (guint64) bn->C * bn->p.n_chunks, 1, &bn->p,
                               (DdlLayersWindow) { NULL, &bn->p.batch, &bn->p.b_first });
  return partial;
}

void
ddl_op_batchnorm_fwd_train (DdlCmd *cmd, DdlBinding y, DdlBinding save_mean,
                            DdlBinding save_invstd, DdlBinding running_mean,
                            DdlBinding running_var, DdlBinding x, DdlBinding gamma,
                            DdlBinding beta, guint B, guint C, guint H, guint W,
                            float eps, float momentum, gboolean relu)
{
  const char *op = "batchnorm_fwd_train";
  BnSetup bn;

  if (!bn_setup (cmd, &bn, op, B, C, H, W, eps, relu ? DDL_BN_RELU : 0))
    return;
  if ((guint64) B * bn.hw < 2)
    {
      ddl_layers_error (cmd, DDL_ENGINE_ERROR_FAILED, "%s: training needs more than one value per "
                "channel (B * H * W = 1)", op);
      return;
    }
  if (!bn_check_activation (cmd, &bn, "y", y) || !bn_check_activation (cmd, &bn, "x", x)
      || !ddl_layers_check_param (cmd, op, "save_mean", save_mean, C)
      || !ddl_layers_check_param (cmd, op, "save_invstd", save_invstd, C)
      || !ddl_layers_check_param (cmd, op, "running_mean", running_mean, C)
      || !ddl_layers_check_param (cmd, op, "running_var", running_var, C)
      || !ddl_layers_check_param (cmd, op, "gamma", gamma, C)
      || !ddl_layers_check_param (cmd, op, "beta", beta, C))
    return;
  bn.p.momentum = momentum;
  DdlBinding mean_b = ddl_layers_param_binding (cmd, save_mean, C, &bn.p.mean_off);
  DdlBinding invstd_b = ddl_layers_param_binding (cmd, save_invstd, C, &bn.p.invstd_off);
  DdlBinding rmean_b = ddl_layers_param_binding (cmd, running_mean, C, &bn.p.run_mean_off);
  DdlBinding rvar_b = ddl_layers_param_binding (cmd, running_var, C, &bn.p.run_var_off);
  DdlBinding gamma_b = ddl_layers_param_binding (cmd, gamma, C, &bn.p.gamma_off);
  DdlBinding beta_b = ddl_layers_param_binding (cmd, beta, C, &bn.p.beta_off);

  gsize x_bytes[] = { bn.image_bytes };
  DdlBuffer *partial = bn_partials (cmd, &bn, DDL_KERNEL_bn_partial_stats, &x, 1, x_bytes);
  if (partial == NULL)
    return;

  DdlBinding fin[] = { DDL_BIND (partial), mean_b, invstd_b, rmean_b, rvar_b };
  bn.p.batch = B;
  bn.p.b_first = 0;
  ddl_cmd_dispatch (cmd, DDL_KERNEL_bn_finalize_stats, fin, &bn.p, C);

  DdlBinding apply[] = { x, mean_b, invstd_b, gamma_b, beta_b, y };
  gsize apply_bytes[] = { bn.image_bytes, 0, 0, 0, 0, bn.image_bytes };
  ddl_layers_dispatch_windows (cmd, op, DDL_KERNEL_bn_apply, apply, apply_bytes, 6, B,
                               (guint64) C * bn.hw, bn.p.vec, &bn.p,
                               (DdlLayersWindow) { NULL, &bn.p.batch, &bn.p.b_first });
}

void
ddl_op_batchnorm_fwd_eval (DdlCmd *cmd, DdlBinding y, DdlBinding x, DdlBinding gamma,
                           DdlBinding beta, DdlBinding running_mean, DdlBinding running_var,
                           guint B, guint C, guint H, guint W, float eps, gboolean relu)
{
  const char *op = "batchnorm_fwd_eval";
  BnSetup bn;

  if (!bn_setup (cmd, &bn, op, B, C, H, W, eps, DDL_BN_FROM_VAR | (relu ? DDL_BN_RELU : 0)))
    return;
  if (!bn_check_activation (cmd, &bn, "y", y) || !bn_check_activation (cmd, &bn, "x", x)
      || !ddl_layers_check_param (cmd, op, "running_mean", running_mean, C)
      || !ddl_layers_check_param (cmd, op, "running_var", running_var, C)
      || !ddl_layers_check_param (cmd, op, "gamma", gamma, C)
      || !ddl_layers_check_param (cmd, op, "beta", beta, C))
    return;

  DdlBinding apply[] = {
    x,
    ddl_layers_param_binding (cmd, running_mean, C, &bn.p.mean_off),
    ddl_layers_param_binding (cmd, running_var, C, &bn.p.invstd_off),
    ddl_layers_param_binding (cmd, gamma, C, &bn.p.gamma_off),
    ddl_layers_param_binding (cmd, beta, C, &bn.p.beta_off),
    y,
  };
  gsize apply_bytes[] = { bn.image_bytes, 0, 0, 0, 0, bn.image_bytes };
  ddl_layers_dispatch_windows (cmd, op, DDL_KERNEL_bn_apply, apply, apply_bytes, 6, B,
                               (guint64) C * bn.hw, bn.p.vec, &bn.p,
                               (DdlLayersWindow) { NULL, &bn.p.batch, &bn.p.b_first });
}

/* Both backward modes: partials of (sum g, sum g (x - mean)), the per-channel
 * merge into dgamma/dbeta (and this call's sums), then dx. */
static void
bn_backward (DdlCmd *cmd, BnSetup *bn, DdlBinding dx, DdlBinding dgamma, DdlBinding dbeta,
             DdlBinding dy, DdlBinding x, DdlBinding y, DdlBinding mean, DdlBinding invstd,
             DdlBinding gamma)
{
  const char *op = bn->op;
  guint C = bn->C;
  gboolean relu = (bn->p.flags & DDL_BN_RELU) != 0;

  if (!bn_check_activation (cmd, bn, "dx", dx) || !bn_check_activation (cmd, bn, "dy", dy)
      || !bn_check_activation (cmd, bn, "x", x)
      || (relu && !bn_check_activation (cmd, bn, "y", y))
      || !ddl_layers_check_param (cmd, op, "dgamma", dgamma, C)
      || !ddl_layers_check_param (cmd, op, "dbeta", dbeta, C)
      || !ddl_layers_check_param (cmd, op, "mean", mean, C)
      || !ddl_layers_check_param (cmd, op, "invstd", invstd, C)
      || !ddl_layers_check_param (cmd, op, "gamma", gamma, C))
    return;
  if (!relu)
    y = dy;   /* not read; any valid tensor fills the binding */

  DdlBinding mean_b = ddl_layers_param_binding (cmd, mean, C, &bn->p.mean_off);
  DdlBinding invstd_b = ddl_layers_param_binding (cmd, invstd, C, &bn->p.invstd_off);
  DdlBinding gamma_b = ddl_layers_param_binding (cmd, gamma, C, &bn->p.gamma_off);
  DdlBinding dgamma_b = ddl_layers_param_binding (cmd, dgamma, C, &bn->p.dgamma_off);
  DdlBinding dbeta_b = ddl_layers_param_binding (cmd, dbeta, C, &bn->p.dbeta_off);
  DdlBuffer *sums = ddl_cmd_scratch (cmd, (gsize) 2 * C * sizeof (float));
  if (sums == NULL)
    return;

  DdlBinding in[] = { dy, x, y, mean_b, invstd_b };
  gsize in_bytes[] = { bn->image_bytes, bn->image_bytes, bn->image_bytes, 0, 0 };
  DdlBuffer *partial = bn_partials (cmd, bn, DDL_KERNEL_bn_partial_grad, in, 5, in_bytes);
  if (partial == NULL)
    return;

  DdlBinding fin[] = { DDL_BIND (partial), invstd_b, dgamma_b, dbeta_b, DDL_BIND (sums) };
  bn->p.batch = bn->B;
  bn->p.b_first = 0;
  ddl_cmd_dispatch (cmd, DDL_KERNEL_bn_finalize_grad, fin, &bn->p, C);

  DdlBinding dxb[] = { dy, x, y, mean_b, invstd_b, gamma_b, DDL_BIND (sums), dx };
  gsize dx_bytes[] = { bn->image_bytes, bn->image_bytes, bn->image_bytes, 0, 0, 0, 0,
                       bn->image_bytes };
  ddl_layers_dispatch_windows (cmd, op, DDL_KERNEL_bn_bwd_dx, dxb, dx_bytes, 8, bn->B,
                               (guint64) C * bn->hw, bn->p.vec, &bn->p,
                               (DdlLayersWindow) { NULL, &bn->p.batch, &bn->p.b_first });
}

void
ddl_op_batchnorm_bwd (DdlCmd *cmd, DdlBinding dx, DdlBinding dgamma, DdlBinding dbeta,
                      DdlBinding dy, DdlBinding x, DdlBinding y, DdlBinding save_mean,
                      DdlBinding save_invstd, DdlBinding gamma,
                      guint B, guint C, guint H, guint W, gboolean relu, gboolean accumulate)
{
  BnSetup bn;
  guint32 flags = DDL_BN_TRAIN | (relu ? DDL_BN_RELU : 0) | (accumulate ? DDL_BN_ACCUMULATE : 0);

  if (bn_setup (cmd, &bn, "batchnorm_bwd", B, C, H, W, 0.0f, flags))
    bn_backward (cmd, &bn, dx, dgamma, dbeta, dy, x, y, save_mean, save_invstd, gamma);
}

void
ddl_op_batchnorm_bwd_eval (DdlCmd *cmd, DdlBinding dx, DdlBinding dgamma, DdlBinding dbeta,
                           DdlBinding dy, DdlBinding x, DdlBinding y, DdlBinding running_mean,
                           DdlBinding running_var, DdlBinding gamma,
                           guint B, guint C, guint H, guint W, float eps, gboolean relu,
                           gboolean accumulate)
{
  BnSetup bn;
  guint32 flags = DDL_BN_FROM_VAR | (relu ? DDL_BN_RELU : 0) | (accumulate ? DDL_BN_ACCUMULATE : 0);

  if (bn_setup (cmd, &bn, "batchnorm_bwd_eval", B, C, H, W, eps, flags))
    bn_backward (cmd, &bn, dx, dgamma, dbeta, dy, x, y, running_mean, running_var, gamma);
}

