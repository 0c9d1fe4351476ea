#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_KHR_shader_subgroup_shuffle : enable
/* Direct 'same' KSxKS convolution, stride 1, NCHW, over channel-slice views
 * (DdlConv2dParams). The forward pass runs it on the layer's weights, backward
 * data on the transposed, flipped ones (conv2d_pack), so both share this code.
 *
 * Built for llvmpipe (shared/guides/lavapipe.md, section 5): each invocation owns
 * RB rows x PX columns x TM output channels, so every fetched input value feeds
 * TM * KS multiply-adds and every weight RB * PX of them. All loops but the one
 * over input channels are unrolled at compile time (conv2d_unroll.glsl); that loop
 * runs ci_end - ci_begin times, which the host keeps under DDL_LOOP_BUDGET.
 *
 * With CONV_CLUSTER, 8 consecutive subgroup lanes (a cluster) work on the same
 * block of output channels: each lane fetches one of 8 packed weights and
 * subgroupShuffle hands it to the others, which costs about 3 cycles on lavapipe
 * against 25 for a texel fetch. It needs a subgroup size that is a multiple of 8;
 * without CONV_CLUSTER every lane fetches its own weights. */
#include "common.glsl"
#include "conv2d_unroll.glsl"

#define PX DDL_CONV2D_PX
#define PAD (KS / 2)
/* Unroll counts must be literals: TQ = TM / 4 column groups, NROWS = RB + KS - 1
 * input rows, NV = PX + KS - 1 input columns, KK taps, NWL = KK * TM / 8 cluster
 * loads of weights per input channel, NWQ = KK * TQ weight vec4s. */
#if KS == 1
#define TM DDL_CONV2D_K1_TM
#define RB DDL_CONV2D_K1_RB
#define TQ 4
#define NROWS 2
#define NV 4
#define KK 1
#define NWL 2
#define NWQ 4
#elif KS == 3
#define TM DDL_CONV2D_K3_TM
#define RB DDL_CONV2D_K3_RB
#define TQ 2
#define NROWS 6
#define NV 6
#define KK 9
#define NWL 9
#define NWQ 18
#elif KS == 5
#define TM DDL_CONV2D_K5_TM
#define RB DDL_CONV2D_K5_RB
#define TQ 2
#define NROWS 8
#define NV 8
#define KK 25
#define NWL 25
#define NWQ 50
#elif KS == 7
#define TM DDL_CONV2D_K7_TM
#define RB DDL_CONV2D_K7_RB
#define TQ 2
#define NROWS 10
#define NV 10
#define KK 49
#define NWL 49
#define NWQ 98
#else
#error "KS must be 1, 3, 5 or 7"
#endif
#if PX != 4 || TQ * 4 != TM || NROWS != RB + KS - 1 || NV != PX + KS - 1 || KK != KS * KS \
    || NWL * 8 != KK * TM || NWQ != KK * TQ
#error "conv2d_fwd: unroll counts do not match the blocking in params-conv.h"
#endif

DDL_PARAMS (DdlConv2dParams)
DDL_IN (0, src)      /* (B, src_ctotal, H, W) */
DDL_IN (1, wpack)    /* (n_cb, cin, KS, KS, TM), see conv2d_pack */
DDL_IN (2, bias)     /* (cout), read when add_bias */
DDL_OUT (3, dst)     /* (B, dst_ctotal, H, W) */

/* Accumulators: acc[r * TQ + h] is a mat4 whose column j is output channel 4h + j
 * and whose row i is tile column i, so one outerProduct(pixels, weights) is 16
 * multiply-adds. lavapipe splits it into scalars anyway; the matrix form only
 * keeps the SPIR-V small (plain scalar code for K=7 was 3 MB). */

/* Input row I_ (of NROWS) of the current channel into v[I_ * NV ..], zero outside
 * the image. */
#define LOAD_ROW \
  { \
    float rm = rowm[I_]; \
    uint ro = s + row[I_]; \
    REP (NV, v[I_ * NV + J_] = LD (src, ro + col[J_]) * (rm * colm[J_]);, J_) \
  }

/* Output row R_ of the tile through tap (KY_, kx): input row R_ + KY_. */
#define ROW_TAPS \
  REP (KS, { \
    const int i = (R_ + KY_) * NV + KX_; \
    vec4 x4 = vec4 (v[i], v[i + 1], v[i + 2], v[i + 3]); \
    REP (TQ, acc[R_ * TQ + H_] += outerProduct (x4, wq[(KY_ * KS + KX_) * TQ + H_]);, H_) \
  }, KX_)

/* Output channel 4 * H_ + C_ of the block, every pixel of the tile. */
#define STORE_CHANNEL \
  { \
    uint co = cb * TM + uint (H_ * 4 + C_); \
    if (co < p.cout) \
      { \
        float bv = p.add_bias != 0u ? LD (bias, co) : 0.0; \
        uint oc = o0 + uint (H_ * 4 + C_) * hw; \
        REP (RB, REP (PX, if (pix_ok[R_ * PX + P_]) \
          { \
            uint o = oc + uint (R_) * p.W + uint (P_); \
            float r = acc[R_ * TQ + H_][C_][P_] + bv; \
            if (p.beta != 0.0) \
              r += p.beta * dst[o]; \
            dst[o] = r; \
          }, P_), R_) \
      } \
  }

void
main ()
{
#ifdef CONV_CLUSTER
  /* Index by subgroup so that a cluster is 8 consecutive lanes of one subgroup. */
  uint loc = gl_SubgroupID * gl_SubgroupSize + gl_SubgroupInvocationID;
  uint lane0 = gl_SubgroupInvocationID & ~7u;
  uint q = gl_SubgroupInvocationID & 7u;
#else
  uint loc = gl_LocalInvocationIndex;
#endif
  uint g = ddl_group_id () * gl_WorkGroupSize.x + loc;
  uint cb = g / p.tasks_pad;
  /* tasks_pad is a multiple of 8: whole clusters leave together. */
  if (cb >= p.n_cb)
    return;
  uint t = g - cb * p.tasks_pad;
  /* Padding lanes compute a copy of the last tile (they must stay for the
   * shuffles) and store nothing. */
  bool live = t < p.tasks;
  t = min (t, p.tasks - 1u);
  uint xb = t % p.n_xb;
  t /= p.n_xb;
  uint yb = t % p.n_yb;
  uint b = t / p.n_yb;
  int x0 = int (xb) * PX - PAD;
  int y0 = int (yb) * RB - PAD;
  int H = int (p.H);
  int W = int (p.W);

  /* Clamped offsets and 0/1 masks of the rows and columns the tile reads. */
  uint col[NV];
  float colm[NV];
  REP (NV, { int x = x0 + J_; colm[J_] = (x >= 0 && x < W) ? 1.0 : 0.0;
             col[J_] = uint (clamp (x, 0, W - 1)); }, J_)
  uint row[NROWS];
  float rowm[NROWS];
  REP (NROWS, { int y = y0 + I_; rowm[I_] = (y >= 0 && y < H) ? 1.0 : 0.0;
                row[I_] = uint (clamp (y, 0, H - 1)) * p.W; }, I_)

  mat4 acc[RB * TQ];
  REP (RB, REP (TQ, acc[R_ * TQ + H_] = mat4 (0.0);, H_), R_)

  uint hw = p.H * p.W;
  uint src_base = (b * p.src_ctotal + p.src_c0) * hw;
  uint w_base = cb * p.cin * uint (KK * TM);
  for (uint ci = p.ci_begin; ci < p.ci_end; ci++)
    {
      uint s = src_base + ci * hw;
      uint wo = w_base + ci * uint (KK * TM);
      /* wq[tap * TQ + h]: the weights of output channels 4h .. 4h+3 at tap. */
      vec4 wq[NWQ];
#ifdef CONV_CLUSTER
      REP (NWL, { float wv = LD (wpack, wo + uint (L_ * 8) + q);
                  REP (2, wq[L_ * 2 + H_] = vec4 (subgroupShuffle (wv, lane0 + uint (H_ * 4)),
                                                  subgroupShuffle (wv, lane0 + uint (H_ * 4 + 1)),
                                                  subgroupShuffle (wv, lane0 + uint (H_ * 4 + 2)),
                                                  subgroupShuffle (wv, lane0 + uint (H_ * 4 + 3)));, H_) },
           L_)
#else
      REP (NWL, REP (2, { uint wi = wo + uint (L_ * 8 + H_ * 4);
                          wq[L_ * 2 + H_] = vec4 (LD (wpack, wi), LD (wpack, wi + 1u),
                                                  LD (wpack, wi + 2u), LD (wpack, wi + 3u)); }, H_), L_)
#endif
      float v[NROWS * NV];
      REP (NROWS, LOAD_ROW, I_)
      REP (RB, REP (KS, ROW_TAPS, KY_), R_)
    }

  bool pix_ok[RB * PX];
  REP (RB, REP (PX, pix_ok[R_ * PX + P_] = live && yb * RB + uint (R_) < p.H
                                          && xb * PX + uint (P_) < p.W;, P_), R_)
  uint o0 = (b * p.dst_ctotal + p.dst_c0 + cb * TM) * hw + (yb * RB) * p.W + xb * PX;
  REP (TQ, REP (4, STORE_CHANNEL, C_), H_)
}
