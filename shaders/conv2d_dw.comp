#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_KHR_shader_subgroup_shuffle : enable
/* Partial weight and bias gradients of a 'same' KSxKS convolution over one chunk
 * of image rows (DdlConv2dDwParams):
 *   dw[co][ci][ky][kx] += sum over pixels of dout[co](y, x) * in[ci](y+ky-PAD, x+kx-PAD)
 *   db[co]             += sum over pixels of dout[co](y, x)
 * The host sums the chunks with ddl_op_reduce_rows (deterministic, no atomics).
 *
 * Lanes own output channels: an 8-lane cluster holds 8 * CL channels and shares
 * TCI input channels and the pixel walk. Per step of DW_PX columns each lane
 * fetches its own dout values, the cluster fetches each input row segment once
 * (one value per lane) and subgroupShuffle spreads it, so a fetched value feeds
 * CL * KS multiply-adds per lane. The one loop runs over the chunk's steps,
 * which the host keeps under DDL_LOOP_BUDGET; everything inside is unrolled.
 * Without CONV_CLUSTER every lane fetches the input segment itself. */
#include "common.glsl"
#include "conv2d_unroll.glsl"

#define DW_PX DDL_CONV2D_DW_PX
#define PAD (KS / 2)
/* Literal unroll counts: NVW = DW_PX + KS - 1 input columns per step, NL cluster
 * loads to cover them, KK taps. */
#if KS == 1
#define CL DDL_CONV2D_K1_CL
#define TCI DDL_CONV2D_K1_TCI
#define NVW 8
#define NL 1
#define KK 1
#elif KS == 3
#define CL DDL_CONV2D_K3_CL
#define TCI DDL_CONV2D_K3_TCI
#define NVW 10
#define NL 2
#define KK 9
#elif KS == 5
#define CL DDL_CONV2D_K5_CL
#define TCI DDL_CONV2D_K5_TCI
#define NVW 12
#define NL 2
#define KK 25
#elif KS == 7
#define CL DDL_CONV2D_K7_CL
#define TCI DDL_CONV2D_K7_TCI
#define NVW 14
#define NL 2
#define KK 49
#else
#error "KS must be 1, 3, 5 or 7"
#endif
#if DW_PX != 8 || NVW != DW_PX + KS - 1 || NL * 8 < NVW || KK != KS * KS
#error "conv2d_dw: unroll counts do not match the blocking in params-conv.h"
#endif

DDL_PARAMS (DdlConv2dDwParams)
DDL_IN (0, src)       /* (B, in_ctotal, H, W) forward input */
DDL_IN (1, dout)      /* (B, dout_ctotal, H, W) output gradient */
DDL_OUT (2, dw_part)  /* (cout, cin, KS, KS, n_chunks) */
DDL_OUT (3, db_part)  /* (cout, n_chunks) */

#define ACC(c, t, tap) acc[((c) * TCI + (t)) * KK + (tap)]

/* Columns x0 - PAD + J_ of input row y + KY_ - PAD of channel T_ into v[]. */
#ifdef CONV_CLUSTER
#define LOAD_SEGMENT \
  REP (NL, { int x = xs + L_ * 8 + int (q); \
             float m = rm * ((x >= 0 && x < W) ? 1.0 : 0.0); \
             float sv = LD (src, ro + uint (clamp (x, 0, W - 1))) * m; \
             REP (8, if (L_ * 8 + E_ < NVW) v[min (L_ * 8 + E_, NVW - 1)] = subgroupShuffle (sv, lane0 + uint (E_));, E_) \
           }, L_)
#else
#define LOAD_SEGMENT \
  REP (NVW, { int x = xs + J_; \
              float m = rm * ((x >= 0 && x < W) ? 1.0 : 0.0); \
              v[J_] = LD (src, ro + uint (clamp (x, 0, W - 1))) * m; }, J_)
#endif

#define CHANNEL_ROW \
  { \
    int yy = int (y) + KY_ - PAD; \
    float rm = (yy >= 0 && yy < H) ? 1.0 : 0.0; \
    uint ro = in_b + ci_off[T_] + uint (clamp (yy, 0, H - 1)) * p.W; \
    float v[NVW]; \
    LOAD_SEGMENT \
    REP (KS, { \
      vec4 lo = vec4 (v[KX_], v[KX_ + 1], v[KX_ + 2], v[KX_ + 3]); \
      vec4 hi = vec4 (v[KX_ + 4], v[KX_ + 5], v[KX_ + 6], v[KX_ + 7]); \
      REP (CL, ACC (C_, T_, KY_ * KS + KX_) += dot (d[C_ * 2], lo) + dot (d[C_ * 2 + 1], hi);, C_) \
    }, KX_) \
  }

#define STORE_DW \
  if (co_ok[C_] && ci_ok[T_]) \
    { \
      uint base = ((co[C_] * p.cin + cib * TCI + uint (T_)) * KK) * p.n_chunks + chunk; \
      REP (KK, { uint o = base + uint (A_) * p.n_chunks; \
                 float r = ACC (C_, T_, A_); \
                 if (p.beta != 0.0) \
                   r += p.beta * dw_part[o]; \
                 dw_part[o] = r; }, A_) \
    }

void
main ()
{
#ifdef CONV_CLUSTER
  uint loc = gl_SubgroupID * gl_SubgroupSize + gl_SubgroupInvocationID;
  uint lane0 = gl_SubgroupInvocationID & ~7u;
  uint q = gl_SubgroupInvocationID & 7u;
#else
  uint loc = gl_LocalInvocationIndex;
#endif
  uint g = ddl_group_id () * gl_WorkGroupSize.x + loc;
  uint lane = g & 7u;
  uint c = g >> 3;
  uint cg = c % p.n_cg;
  c /= p.n_cg;
  uint cib = c % p.n_cib;
  uint chunk = c / p.n_cib;
  if (chunk >= p.n_chunks)
    return;
  int H = int (p.H);
  int W = int (p.W);
  uint hw = p.H * p.W;

  /* Channels past cout / cin read clamped data, masked to zero or never stored. */
  uint co[CL];
  bool co_ok[CL];
  float co_m[CL];
  uint dout_off[CL];
  REP (CL, { co[C_] = (cg * uint (CL) + uint (C_)) * 8u + lane; co_ok[C_] = co[C_] < p.cout;
             co_m[C_] = co_ok[C_] ? 1.0 : 0.0;
             dout_off[C_] = (p.dout_c0 + min (co[C_], p.cout - 1u)) * hw; }, C_)
  bool ci_ok[TCI];
  uint ci_off[TCI];
  REP (TCI, { uint ci = cib * uint (TCI) + uint (T_); ci_ok[T_] = ci < p.cin;
              ci_off[T_] = (p.in_c0 + min (ci, p.cin - 1u)) * hw; }, T_)

  float acc[CL * TCI * KK];
  REP (CL, REP (TCI, REP (KK, ACC (C_, T_, A_) = 0.0;, A_), T_), C_)
  float bacc[CL];
  REP (CL, bacc[C_] = 0.0;, C_)

  uint r0 = chunk * p.rows_per_chunk;
  uint r1 = min (p.B * p.H, r0 + p.rows_per_chunk);
  uint steps = r1 > r0 ? (r1 - r0) * p.n_xs : 0u;
  uint b = r0 / p.H;
  uint y = r0 % p.H;
  uint x0 = 0u;
  for (uint st = 0u; st < steps; st++)
    {
      uint in_b = b * p.in_ctotal * hw;
      uint dout_row = b * p.dout_ctotal * hw + y * p.W;
      int xs = int (x0) - PAD;
      /* d[2c], d[2c+1]: dout of channel co[c] at columns x0 .. x0+7, zero past W. */
      vec4 d[CL * 2];
      REP (DW_PX, { uint x = x0 + uint (P_); float m = x < p.W ? 1.0 : 0.0;
                    uint xc = min (x, p.W - 1u);
                    REP (CL, d[C_ * 2 + P_ / 4][P_ % 4] = LD (dout, dout_off[C_] + dout_row + xc)
                                                         * (m * co_m[C_]);, C_) }, P_)
      REP (CL, bacc[C_] += dot (d[C_ * 2] + d[C_ * 2 + 1], vec4 (1.0));, C_)
      REP (TCI, REP (KS, CHANNEL_ROW, KY_), T_)

      x0 += uint (DW_PX);
      if (x0 >= p.W)
        {
          x0 = 0u;
          y++;
          if (y == p.H)
            {
              y = 0u;
              b++;
            }
        }
    }

  REP (CL, REP (TCI, STORE_DW, T_), C_)
  if (cib == 0u && p.write_bias != 0u)
    REP (CL, if (co_ok[C_]) { uint o = co[C_] * p.n_chunks + chunk;
                              float r = bacc[C_];
                              if (p.beta != 0.0)
                                r += p.beta * db_part[o];
                              db_part[o] = r; }, C_)
}
