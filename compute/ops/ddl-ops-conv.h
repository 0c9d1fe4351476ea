/* Operators of the conv family (see ddl-ops.h).
 *
 * nn.Conv2d (Cin, Cout, K, padding K / 2, stride 1, bias) for K in {1, 3, 5, 7},
 * NCHW float32, weight (Cout, Cin, K, K) and bias (Cout) as in PyTorch.
 *
 * Channel-slice views spare the model its concat and split kernels: the input is
 * channels [in_c0, in_c0 + Cin) of a (B, in_ctotal, H, W) tensor and the output
 * channels [out_c0, out_c0 + Cout) of a (B, out_ctotal, H, W) one; ctotal 0 means
 * Cin (Cout) and no offset. Channels outside the view are neither read nor
 * written. The backward passes take the same views: dout is read from the output's
 * slice, din written or added into the input's.
 *
 * Recording errors (bad shape, binding too small) are kept in the DdlCmd and
 * returned by ddl_cmd_run. Weights are repacked by a small kernel on every run,
 * so a recorded command follows the optimiser's updates. */
#pragma once

#include "ddl-kernels.h"

G_BEGIN_DECLS

typedef struct {
  guint B, Cin, Cout, H, W, K;
  guint in_ctotal, in_c0;     /* input view; in_ctotal 0: Cin channels, offset 0 */
  guint out_ctotal, out_c0;   /* output view; out_ctotal 0: Cout channels, offset 0 */
} DdlConv2dShape;

/* FALSE with a DDL_ENGINE_ERROR_FAILED error naming the bad field. */
gboolean ddl_conv2d_shape_check (const DdlConv2dShape *shape, GError **error);

/* out (view) = conv2d (in (view), weight) + bias. bias.buffer may be NULL. */
void ddl_op_conv2d_fwd        (DdlCmd               *cmd,
                               const DdlConv2dShape *shape,
                               DdlBinding            out,
                               DdlBinding            in,
                               DdlBinding            weight,
                               DdlBinding            bias);

/* din (view) = (accumulate ? din : 0) + the input gradient given dout (view):
 * the convolution of dout with the transposed, flipped weights. accumulate lets
 * the three parallel convolutions of a ConvBlock sum into one din. */
void ddl_op_conv2d_bwd_data   (DdlCmd               *cmd,
                               const DdlConv2dShape *shape,
                               DdlBinding            din,
                               DdlBinding            dout,
                               DdlBinding            weight,
                               gboolean              accumulate);

/* dweight (Cout, Cin, K, K) and dbias (Cout; buffer may be NULL) =
 * (accumulate ? old : 0) + their gradients, summed over batch and pixels: partial
 * sums over row chunks, then ddl_op_reduce_rows (deterministic, no atomics). */
void ddl_op_conv2d_bwd_weight (DdlCmd               *cmd,
                               const DdlConv2dShape *shape,
                               DdlBinding            dweight,
                               DdlBinding            dbias,
                               DdlBinding            in,
                               DdlBinding            dout,
                               gboolean              accumulate);

/* Testing aid: TRUE makes the ops use the kernels meant for devices whose
 * subgroup size is not a multiple of 8 (per-lane fetches, no shuffles). Affects
 * commands recorded afterwards. */
void ddl_op_conv2d_force_direct (gboolean direct);

G_END_DECLS
