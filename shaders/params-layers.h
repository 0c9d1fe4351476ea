/* Push constants of the layers kernels (see ddl-params.h for the rules).
 *
 * Activations are NCHW float32 and bound per "window" of whole images: the host
 * (compute/ops/ddl-ops-layers.c) splits a batch whose tensors exceed the storage
 * binding limit into several dispatches, so `batch` counts the images of one
 * dispatch. Per-channel tensors (gamma, beta, running stats, their gradients) may
 * sit at any float offset of a bigger parameter buffer: the host binds the aligned
 * start and passes the remaining element offset in a *_off field.
 *
 * Element-wise kernels handle `vec` consecutive elements per invocation (1 to 8,
 * dividing the row they walk): on lavapipe the index arithmetic and the
 * per-invocation overhead cost as much as the memory traffic, and doing them once
 * per run made these kernels 2-3.5x faster. */

/* DdlBatchNormParams.flags */
#define DDL_BN_RELU       1u  /* max (0, y) after the affine map; backward masks by y > 0 */
#define DDL_BN_TRAIN      2u  /* backward: dx through the batch statistics */
#define DDL_BN_FROM_VAR   4u  /* the "invstd" binding holds a variance: use 1 / sqrt (v + eps) */
#define DDL_BN_ACCUMULATE 8u  /* dgamma, dbeta += instead of = */

/* BatchNorm2d kernels (bn_*.comp). Per (channel c, image b, chunk k < n_chunks) the
 * partial kernels reduce the strided elements s = k, k + n_chunks, ... < hw of one
 * image plane into partial[((c * batch_total + b) * n_chunks + k) * 2 + {0, 1}];
 * the finalize kernels merge the batch_total * n_chunks partials of a channel. */
DDL_PUSH (DdlBatchNormParams) {
  DDL_U32 batch;          /* images in this dispatch (elementwise and partial kernels) */
  DDL_U32 b_first;        /* index of its first image in the whole batch */
  DDL_U32 batch_total;    /* images in the whole batch */
  DDL_U32 channels;
  DDL_U32 hw;             /* H * W */
  DDL_U32 n_chunks;       /* partials per image plane; ceil (hw / n_chunks) fits the loop budget */
  DDL_U32 flags;          /* DDL_BN_* */
  DDL_F32 eps;
  DDL_F32 momentum;       /* running = (1 - momentum) * running + momentum * batch statistic */
  DDL_U32 mean_off;       /* element offsets of the (C) tensors in their bindings */
  DDL_U32 invstd_off;
  DDL_U32 gamma_off;
  DDL_U32 beta_off;
  DDL_U32 run_mean_off;
  DDL_U32 run_var_off;
  DDL_U32 dgamma_off;
  DDL_U32 dbeta_off;
  DDL_U32 vec;            /* element-wise passes: elements per invocation, divides hw */
} DDL_PUSH_END (DdlBatchNormParams);

/* Element-wise activations (act.comp): n elements, `vec` consecutive ones per
 * invocation. */
DDL_PUSH (DdlActParams) {
  DDL_U32 n;
  DDL_U32 vec;
} DDL_PUSH_END (DdlActParams);

/* Dropout (dropout.comp): element i of the window is kept when the hash of
 * (seed, counter, first + i) maps to u >= p, and then scaled by `scale`. */
DDL_PUSH (DdlDropoutParams) {
  DDL_U32 n;              /* elements in this dispatch */
  DDL_U32 first;          /* global index of its first element (the RNG index) */
  DDL_U32 seed;
  DDL_U32 counter_off;    /* element offset of the counter (a whole float < 2^24) */
  DDL_F32 p;              /* drop probability, 0 <= p <= 1 */
  DDL_F32 scale;          /* 1 / (1 - p) */
  DDL_U32 vec;            /* consecutive elements per invocation */
} DDL_PUSH_END (DdlDropoutParams);

/* pixel_shuffle (2) / pixel_unshuffle (2) (shuffle.comp). The low-resolution side
 * is (batch, 4 * channels, height, width), the high-resolution side (batch,
 * channels, 2 * height, 2 * width); either side may be a channel slice
 * [c0, c0 + its channels) of a tensor with ctotal channels. Each invocation
 * writes `vec` consecutive output elements of one output row. */
DDL_PUSH (DdlShuffleParams) {
  DDL_U32 n;              /* output elements: batch * 4 * channels * height * width */
  DDL_U32 vec;            /* divides the output row: 2 * width (shuffle), width (unshuffle) */
  DDL_U32 channels;       /* channels of the high-resolution side */
  DDL_U32 height;         /* low-resolution height and width */
  DDL_U32 width;
  DDL_U32 in_c0;
  DDL_U32 in_ctotal;
  DDL_U32 out_c0;
  DDL_U32 out_ctotal;
  DDL_U32 accumulate;     /* out += instead of out = */
} DDL_PUSH_END (DdlShuffleParams);

/* Strided copy (tensor_copy4d.comp): element i of the logical (d0, d1, d2, d3)
 * tensor, in row-major order, goes from src[src_off + i0*src_s0 + i1*src_s1 +
 * i2*src_s2 + i3] to dst[dst_off + i0*dst_s0 + i1*dst_s1 + i2*dst_s2 + i3].
 * Covers channel concat/split, the NCTHW <-> frame-major permute and frame slices.
 * Each invocation copies `vec` consecutive elements of one d3 row. */
DDL_PUSH (DdlCopy4dParams) {
  DDL_U32 n;              /* d0 * d1 * d2 * d3 */
  DDL_U32 vec;            /* divides d3 */
  DDL_U32 d1;
  DDL_U32 d2;
  DDL_U32 d3;
  DDL_U32 src_off;
  DDL_U32 src_s0;
  DDL_U32 src_s1;
  DDL_U32 src_s2;
  DDL_U32 dst_off;
  DDL_U32 dst_s0;
  DDL_U32 dst_s1;
  DDL_U32 dst_s2;
  DDL_U32 accumulate;     /* dst += instead of dst = */
} DDL_PUSH_END (DdlCopy4dParams);

/* Backward of a frame slice (tensor_frame_bwd): dst is (rows, frames, hw),
 * src (rows, hw); dst[r, t, s] = t == frame ? src[r, s] : 0. */
DDL_PUSH (DdlFrameScatterParams) {
  DDL_U32 n;              /* rows * frames * hw */
  DDL_U32 vec;            /* consecutive elements per invocation, divides hw */
  DDL_U32 frames;
  DDL_U32 hw;
  DDL_U32 frame;
} DDL_PUSH_END (DdlFrameScatterParams);
