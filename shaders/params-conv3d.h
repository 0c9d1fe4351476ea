/* Push constants of the conv3d kernels (see ddl-params.h for the rules).
 *
 * Included by ddl-params.h from both C and GLSL. Index arithmetic is 32-bit: the
 * host (ddl-ops-conv3d.c) refuses shapes whose largest element index does not fit. */
#ifndef DDL_PARAMS_CONV3D_H
#define DDL_PARAMS_CONV3D_H

/* Register blocking of conv3d_direct.comp: one invocation computes CO_BLOCK
 * output channels x Y_BLOCK rows x 4 pixels. The large variant (conv3d_*_large)
 * is about 40 % faster on lavapipe (8 x 8 x 4 outputs: fewer fetches per
 * mul+add), the small one gives 4 times more invocations for small layers. */
#define DDL_CONV3D_CO_BLOCK 4
#define DDL_CONV3D_Y_BLOCK  4
#define DDL_CONV3D_LARGE_CO_BLOCK 8
#define DDL_CONV3D_LARGE_Y_BLOCK  8
#define DDL_CONV3D_X_BLOCK  4
/* Loop iterations conv3d_direct spends per reduction channel: one per temporal
 * tap; the row and pixel work inside is unrolled. The host keeps channels * this
 * under the budget. */
#define DDL_CONV3D_DIRECT_TRIPS(KT) (KT)

/* Blocking of conv3d_bwd_weight.comp: one invocation owns
 * DDL_CONV3D_DW_CO_BLOCK x DDL_CONV3D_DW_CI_BLOCK channel pairs, one temporal tap and
 * all 9 spatial taps, summed over a range of output rows, DDL_CONV3D_DW_X_STEP
 * pixels per loop trip. */
#define DDL_CONV3D_DW_CO_BLOCK 8
#define DDL_CONV3D_DW_CI_BLOCK 2
#define DDL_CONV3D_DW_X_STEP   4
#define DDL_CONV3D_DW_ROW_TRIPS(W) (((W) + DDL_CONV3D_DW_X_STEP - 1) / DDL_CONV3D_DW_X_STEP + 1)

/* Direct 3-D convolution, shared by the forward pass and the data gradient.
 *
 * dst[b, c, t, y, x] (t in [dst_t0, dst_t0 + n_dst_t)) =
 *   beta * dst + (add_bias ? bias[c] : 0)
 *   + sum over s in [c0, c0 + n_c), kt, ky, kx of
 *       w[c * w_s_dst + s * w_s_src + tap (kt, ky, kx)]
 *       * src[b, s, t + kt - pad, y + ky - 1, x + kx - 1]
 * where source frames outside [src_t0, src_t1) and pixels outside the image read 0.
 * tap is kt*9 + ky*3 + kx; the data gradient (CONV3D_FLIP) uses the rotated
 * KT*9 - 1 - tap with the roles of the two channel axes swapped. Element
 * (b, c, t, y, x) of a tensor lives at off + b*sB + c*sC + (t - first frame)*sT
 * + y*W + x. One invocation per block (see DDL_CONV3D_*_BLOCK), x blocks fastest,
 * then y blocks, frames, images, channel blocks. */
DDL_PUSH (DdlConv3dParams) {
  DDL_U32 n;          /* invocations */
  DDL_U32 B;
  DDL_U32 C_dst;      /* output channels of this kernel */
  DDL_U32 H;
  DDL_U32 W;
  DDL_U32 n_xblk;
  DDL_U32 n_yblk;
  DDL_U32 n_dst_t;    /* frames written */
  DDL_I32 dst_t0;     /* absolute frame of dst's first frame */
  DDL_I32 src_t0;     /* source frames that exist: [src_t0, src_t1) */
  DDL_I32 src_t1;
  DDL_U32 KT;
  DDL_I32 pad;        /* KT / 2 */
  DDL_U32 c0;         /* reduction channels handled by this dispatch */
  DDL_U32 n_c;
  DDL_U32 w_s_dst;
  DDL_U32 w_s_src;
  DDL_U32 src_off;
  DDL_U32 src_sB;
  DDL_U32 src_sC;
  DDL_U32 src_sT;
  DDL_U32 dst_off;
  DDL_U32 dst_sB;
  DDL_U32 dst_sC;
  DDL_U32 dst_sT;
  DDL_F32 beta;       /* 0: overwrite, 1: accumulate into dst */
  DDL_U32 add_bias;
} DDL_PUSH_END (DdlConv3dParams);

/* Weight and bias gradient, partial sums.
 *
 * Invocation (cib fastest, then cob, kt, chunk) sums over output rows
 * [row0 + chunk * rows_per_chunk, ...) (a row is (b, t, y) of dout, at most
 * row_end) and writes
 *   wpart[(((co * Cin + ci) * KT + kt) * 9 + ky * 3 + kx) * n_chunks + chunk]
 *   bpart[co * n_chunks + chunk]   (only the ci block 0, kt == pad invocations)
 * which ddl_op_reduce_rows then sums over chunks. dout frames are absolute frames
 * [t0, t0 + n_t). */
DDL_PUSH (DdlConv3dWeightParams) {
  DDL_U32 n;
  DDL_U32 Cin;
  DDL_U32 Cout;
  DDL_U32 T;
  DDL_U32 H;
  DDL_U32 W;
  DDL_U32 KT;
  DDL_I32 pad;
  DDL_I32 t0;
  DDL_U32 n_t;
  DDL_U32 n_cib;
  DDL_U32 n_cob;
  DDL_U32 n_chunks;
  DDL_U32 rows_per_chunk;
  DDL_U32 row0;
  DDL_U32 row_end;
  DDL_U32 in_off;
  DDL_U32 in_sB;
  DDL_U32 in_sC;
  DDL_U32 in_sT;
  DDL_U32 dout_off;
  DDL_U32 dout_sB;
  DDL_U32 dout_sC;
  DDL_U32 dout_sT;
} DDL_PUSH_END (DdlConv3dWeightParams);

#endif
