/* Push constants of the loss kernels (see ddl-params.h for the rules).
 *
 * Frame layout shared by the loss and scoring kernels: the clean and pseudo-anomalous
 * inputs may be whole clips (B, C, T, H, W) of which frame `frame` is used, with the
 * mask (B, T, H, W); plain frames are the case T = 1, frame = 0. Reconstructions are
 * always (B, C, H, W). */

/* Bits of DdlLossParams.flags. */
#define DDL_LOSS_FLAG_DIST        1u  /* compute the distinction term */
#define DDL_LOSS_FLAG_NORM_RATIO  2u  /* paper eq. 7 (ratio of norms), not the code's mean of ratios */
#define DDL_LOSS_FLAG_DLOSS       4u  /* upstream gradient read from a buffer (else 1) */
#define DDL_LOSS_FLAG_ACCUM_DXA   8u  /* dxa += gradient (else dxa =) */
#define DDL_LOSS_FLAG_DXA        16u  /* write dxa at all (not needed when l is frozen) */

/* Slots of the loss-value buffer (DDL_LOSS_N_VALUES floats). The first four are what
 * the host reads; the rest carry intermediate values to the backward kernel. */
#define DDL_LOSS_RECON     0
#define DDL_LOSS_DIST      1
#define DDL_LOSS_TOTAL     2
#define DDL_LOSS_COUNT     3   /* masked pixels */
#define DDL_LOSS_NORM_P    4   /* ||M (x - rec_a)||, ratio-of-norms variant */
#define DDL_LOSS_NORM_N    5   /* ||M (xa - rec_a)|| */
#define DDL_LOSS_N_VALUES  8

/* Rows of the partial-sum scratch written by loss_partials. */
#define DDL_LOSS_ROW_RECON  0  /* sum of ||x - rec_n|| / d */
#define DDL_LOSS_ROW_RATIO  1  /* sum of the per-pixel ratios */
#define DDL_LOSS_ROW_COUNT  2  /* number of masked pixels */
#define DDL_LOSS_ROW_SP     3  /* sum of (m (x - rec_a))^2 */
#define DDL_LOSS_ROW_SN     4  /* sum of (m (xa - rec_a))^2 */
#define DDL_LOSS_N_ROWS     5

DDL_PUSH (DdlLossParams) {
  DDL_U32 n_pixels;     /* B * H * W */
  DDL_U32 hw;           /* H * W */
  DDL_U32 channels;
  DDL_U32 frames;       /* T of x / xa / mask */
  DDL_U32 frame;        /* the frame used, < frames */
  DDL_U32 per;          /* pixels per invocation (loss_partials) */
  DDL_U32 sample_parts; /* invocations of loss_partials per sample */
  DDL_U32 n_parts;      /* batch * sample_parts = row length of the scratch */
  DDL_U32 flags;        /* DDL_LOSS_FLAG_* */
  DDL_F32 inv_d;        /* 1 / divisor of the channel norm */
  DDL_F32 eps;          /* 1e-6 */
  DDL_F32 lambda;       /* weight of the distinction term */
} DDL_PUSH_END (DdlLossParams);

/* Counter-based uniform noise: Philox-4x32-10 with key (seed_lo, seed_hi) and counter
 * (block, c, stream, 0), where c is the float counter read from state[counter_index].
 * Element 4 * block + j is word j of the block, mapped to [0, 1) with 24 bits. */
DDL_PUSH (DdlNoiseParams) {
  DDL_U32 n;
  DDL_U32 seed_lo;
  DDL_U32 seed_hi;
  DDL_U32 stream;
  DDL_U32 counter_index;
} DDL_PUSH_END (DdlNoiseParams);

/* state[index] += value (noise counter, Adam step). */
DDL_PUSH (DdlCounterParams) {
  DDL_U32 index;
  DDL_F32 value;
} DDL_PUSH_END (DdlCounterParams);

/* Pseudo-anomaly blend over a clip (B, C, T, H, W) with mask (B, T, H, W):
 * xa = (1 - m) x + m ((1 - s) x + s a), s = sigmoid (l[l_index]). */
#define DDL_BLEND_FLAG_DX  1u  /* the backward also writes dx */

DDL_PUSH (DdlBlendParams) {
  DDL_U32 n;            /* B * C * T * H * W */
  DDL_U32 channels;
  DDL_U32 thw;          /* T * H * W */
  DDL_U32 l_index;      /* element of the parameter buffer holding l */
  DDL_U32 grad_index;   /* element of the gradient buffer for l (blend_dl) */
  DDL_U32 per;          /* mask elements per invocation (blend_bwd) */
  DDL_U32 sample_parts; /* invocations of blend_bwd per sample */
  DDL_U32 n_parts;      /* batch * sample_parts */
  DDL_U32 flags;        /* DDL_BLEND_FLAG_* */
} DDL_PUSH_END (DdlBlendParams);

/* Adam (torch.optim.Adam semantics, no weight decay). state[state_index] is the step
 * t (already incremented for this update), state[state_index + 1] the learning rate.
 * The host computes in double: log_beta = ln (beta), so that the bias corrections
 * 1 - beta^t = -expm1 (t ln beta) stay accurate at small t, and 1 - beta rounded once
 * to float as PyTorch does (1 - 0.999f in float is 1.3e-5 off). */
DDL_PUSH (DdlAdamParams) {
  DDL_U32 n;            /* elements updated: [offset, offset + n) of every buffer */
  DDL_U32 offset;
  DDL_U32 state_index;
  DDL_F32 beta1;
  DDL_F32 beta2;
  DDL_F32 eps;
  DDL_F32 log_beta1;
  DDL_F32 log_beta2;
  DDL_F32 one_minus_beta1;
  DDL_F32 one_minus_beta2;
} DDL_PUSH_END (DdlAdamParams);

/* Frame scoring: per-pixel error map, P x P patch means on the outer grid and on the
 * inner grid offset by P / 2, max over patches. */
DDL_PUSH (DdlScoreParams) {
  DDL_U32 batch;
  DDL_U32 height;
  DDL_U32 width;
  DDL_U32 channels;
  DDL_U32 frames;       /* T of x (the clip layout, see above) */
  DDL_U32 frame;
  DDL_U32 patch_size;   /* P (`patch` is a GLSL keyword) */
  DDL_U32 outer_x;      /* floor (W / P) */
  DDL_U32 outer_y;      /* floor (H / P) */
  DDL_U32 inner_x;      /* floor ((W - 2 (P / 2)) / P) */
  DDL_U32 inner_y;
  DDL_U32 n_patches;    /* outer_x * outer_y + inner_x * inner_y */
  DDL_F32 inv_d;
} DDL_PUSH_END (DdlScoreParams);
