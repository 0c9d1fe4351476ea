/* Operators of the conv3d family (see ddl-ops.h).
 *
 * nn.Conv3d (Cin, Cout, kernel (KT, 3, 3), padding (KT / 2, 1, 1), stride 1) as the
 * Conv3D-skip U-Net uses it on its encoder features: KT odd, weight
 * (Cout, Cin, KT, 3, 3) and bias (Cout) as in PyTorch, output computed only for
 * the frames [t0, t1) (the model keeps the centre frame).
 *
 * Tensors are addressed through strides, so no reshape kernel is needed: element
 * (b, c, t, y, x) of the input lives at float index
 *   in_offset + b * in_sB + c * in_sC + t * in_sT + y * W + x
 * and element (b, c, t - t0, y, x) of the output (t1 - t0 frames) likewise with
 * the out_* fields. ddl_conv3d_shape_init fills them for two layouts; callers may
 * then edit offsets and strides, e.g. to write into a channel slice of a larger
 * (concatenated) tensor. Offsets count floats from the start of the binding. */
#pragma once

#include "ddl-kernels.h"

G_BEGIN_DECLS

typedef enum {
  DDL_CONV3D_NCTHW,    /* PyTorch's (B, C, T, H, W): sC = T*H*W, sT = H*W */
  DDL_CONV3D_FRAMES,   /* the 2-D encoder's (B*T, C, H, W): sC = H*W, sT = C*H*W */
} DdlConv3dLayout;

typedef struct {
  guint B, Cin, Cout, T, H, W, KT;
  guint t0, t1;                     /* output frames */
  guint64 in_offset, in_sB, in_sC, in_sT;
  guint64 out_offset, out_sB, out_sC, out_sT;
} DdlConv3dShape;

/* Fills every field: offsets 0, strides of the given layouts (the output layout
 * counts t1 - t0 frames). For the model: KT = T, t0 = (T - 1) / 2, t1 = t0 + 1. */
void     ddl_conv3d_shape_init  (DdlConv3dShape  *shape,
                                 guint            B,
                                 guint            Cin,
                                 guint            Cout,
                                 guint            T,
                                 guint            H,
                                 guint            W,
                                 guint            KT,
                                 guint            t0,
                                 guint            t1,
                                 DdlConv3dLayout  in_layout,
                                 DdlConv3dLayout  out_layout);
/* FALSE with a DDL_ENGINE_ERROR_LIMIT or _FAILED error naming the bad field. */
gboolean ddl_conv3d_shape_check (const DdlConv3dShape *shape, GError **error);
/* Floats a binding needs to hold the input / output under shape's addressing. */
guint64  ddl_conv3d_shape_in_extent  (const DdlConv3dShape *shape);
guint64  ddl_conv3d_shape_out_extent (const DdlConv3dShape *shape);

/* out = conv3d (in, weight) + bias. bias.buffer may be NULL (no bias). */
void ddl_op_conv3d_fwd         (DdlCmd               *cmd,
                                const DdlConv3dShape *shape,
                                DdlBinding            out,
                                DdlBinding            in,
                                DdlBinding            weight,
                                DdlBinding            bias);
/* din = (accumulate ? din : 0) + the input gradient of out given dout (dout has
 * the output's t1 - t0 frames; din gets all T). */
void ddl_op_conv3d_bwd_data    (DdlCmd               *cmd,
                                const DdlConv3dShape *shape,
                                DdlBinding            din,
                                DdlBinding            dout,
                                DdlBinding            weight,
                                gboolean              accumulate);
/* dweight (Cout, Cin, KT, 3, 3) and dbias (Cout; buffer may be NULL) =
 * (accumulate ? old : 0) + their gradients: partial sums over row chunks, then
 * ddl_op_reduce_rows. */
void ddl_op_conv3d_bwd_weight  (DdlCmd               *cmd,
                                const DdlConv3dShape *shape,
                                DdlBinding            dweight,
                                DdlBinding            dbias,
                                DdlBinding            dout,
                                DdlBinding            in,
                                gboolean              accumulate);

/* Testing aids; they affect commands recorded afterwards. */
/* Caps the scratch memory of bwd_weight's partial sums (bytes; 0 restores the
 * default) so that tests reach its multi-pass path with small shapes. */
void ddl_op_conv3d_set_partial_limit (gsize bytes);
/* Forces the register blocking of fwd and bwd_data (AUTO: large blocks when
 * they still give 8 workgroups), so that tests cover both kernel variants. */
typedef enum {
  DDL_CONV3D_BLOCKS_AUTO,
  DDL_CONV3D_BLOCKS_SMALL,
  DDL_CONV3D_BLOCKS_LARGE,
} DdlConv3dBlocks;
void ddl_op_conv3d_set_blocks (DdlConv3dBlocks blocks);

G_END_DECLS
