#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
/* Direct KT x 3 x 3 convolution, 'same' padding, stride 1 (see DdlConv3dParams).
 *
 * Built as conv3d_fwd (CONV3D_BIAS, PyTorch's weight order) and conv3d_bwd_data
 * (CONV3D_FLIP: the data gradient is the same correlation of dout with the kernel
 * rotated by 180 degrees and its channel axes swapped), each with small and
 * large (CONV3D_LARGE) register blocks.
 *
 * lavapipe (shared/guides/lavapipe.md): every input read is a texel fetch costing
 * about 20 times a mul+add, so each invocation keeps a CO_BLOCK x Y_BLOCK x 4
 * block of outputs in registers; per (channel, tap) it fetches 9 * CO_BLOCK weights
 * and (Y_BLOCK + 2) x 6 inputs for 36 * CO_BLOCK * Y_BLOCK mul+adds. The row and
 * pixel loops are unrolled, so the only real loop runs over (channel, temporal
 * tap) pairs, which the host sizes for the 65,535-iteration limit
 * (DDL_CONV3D_DIRECT_TRIPS). No shared memory, no subgroup operations. */
#include "common.glsl"

#ifdef CONV3D_LARGE
#define COB DDL_CONV3D_LARGE_CO_BLOCK
#define YB  DDL_CONV3D_LARGE_Y_BLOCK
#else
#define COB DDL_CONV3D_CO_BLOCK
#define YB  DDL_CONV3D_Y_BLOCK
#endif

DDL_PARAMS (DdlConv3dParams)
DDL_IN (0, src)
DDL_IN (1, wt)
#ifdef CONV3D_BIAS
DDL_IN (2, bias)
DDL_OUT (3, dst)
#else
DDL_OUT (2, dst)
#endif

void
main ()
{
  uint gid = ddl_gid ();
  if (gid >= p.n)
    return;

  uint r = gid;
  uint xb = r % p.n_xblk;
  r /= p.n_xblk;
  uint yb = r % p.n_yblk;
  r /= p.n_yblk;
  uint tr = r % p.n_dst_t;
  r /= p.n_dst_t;
  uint b = r % p.B;
  uint cb = r / p.B;

  int W = int (p.W);
  int H = int (p.H);
  int x0 = int (xb) * 4;
  int y0 = int (yb) * YB;
  int t = p.dst_t0 + int (tr);

  /* Input columns x0-1 .. x0+4 and rows y0-1 .. y0+YB: clamped offsets (always a
   * valid fetch) and 0/1 masks for the zero padding. */
  uint col[6];
  float cmask[6];
  [[unroll]] for (int i = 0; i < 6; i++)
    {
      int x = x0 - 1 + i;
      cmask[i] = (x >= 0 && x < W) ? 1.0 : 0.0;
      col[i] = uint (clamp (x, 0, W - 1));
    }
  uint row[YB + 2];
  float rmask[YB + 2];
  [[unroll]] for (int i = 0; i < YB + 2; i++)
    {
      int y = y0 - 1 + i;
      rmask[i] = (y >= 0 && y < H) ? 1.0 : 0.0;
      row[i] = uint (clamp (y, 0, H - 1)) * p.W;
    }

  /* Weight rows of the block's output channels; channels past the end repeat the
   * last one and are never stored. */
  uint wrow[COB];
  [[unroll]] for (int j = 0; j < COB; j++)
    wrow[j] = min (cb * COB + uint (j), p.C_dst - 1u) * p.w_s_dst;

  /* Temporal taps whose source frame exists. */
  int kt_lo = max (0, p.src_t0 + p.pad - t);
  int kt_hi = min (int (p.KT), p.src_t1 + p.pad - t);

  vec4 acc[YB][COB];
  [[unroll]] for (int yy = 0; yy < YB; yy++)
    [[unroll]] for (int j = 0; j < COB; j++)
      acc[yy][j] = vec4 (0.0);

  /* One flat loop over (channel, tap) pairs: on lavapipe entering and leaving
   * a nested loop costs about as much as a whole tap, which would halve the
   * speed wherever only one temporal tap is valid (the data gradient of the
   * centre frame, KT = 1). */
  int n_kt = max (kt_hi - kt_lo, 0);
  uint n_steps = p.n_c * uint (n_kt);
  uint src_b = p.src_off + b * p.src_sB;
  uint s = p.c0;
  int kt = kt_lo;
  for (uint step = 0; step < n_steps; step++)
    {
      uint base = src_b + s * p.src_sC + uint (t + kt - p.pad - p.src_t0) * p.src_sT;
      uint w_s = s * p.w_s_src;
      float w[COB][9];
      [[unroll]] for (int j = 0; j < COB; j++)
        [[unroll]] for (int k = 0; k < 9; k++)
          {
#ifdef CONV3D_FLIP
            uint tap = p.KT * 9u - 1u - uint (kt * 9 + k);
#else
            uint tap = uint (kt * 9 + k);
#endif
            w[j][k] = LD (wt, wrow[j] + w_s + tap);
          }

      [[unroll]] for (int rr = 0; rr < YB + 2; rr++)
        {
          uint rb = base + row[rr];
          float v[6];
          [[unroll]] for (int i = 0; i < 6; i++)
            v[i] = LD (src, rb + col[i]) * (cmask[i] * rmask[rr]);
          vec4 left = vec4 (v[0], v[1], v[2], v[3]);
          vec4 mid = vec4 (v[1], v[2], v[3], v[4]);
          vec4 right = vec4 (v[2], v[3], v[4], v[5]);
          /* Input row rr feeds output row rr - ky through kernel row ky. */
          [[unroll]] for (int ky = 0; ky < 3; ky++)
            {
              int yy = rr - ky;
              if (yy >= 0 && yy < YB)
                {
                  [[unroll]] for (int j = 0; j < COB; j++)
                    acc[yy][j] += w[j][ky * 3] * left + w[j][ky * 3 + 1] * mid
                                  + w[j][ky * 3 + 2] * right;
                }
            }
        }
      bool wrap = kt + 1 == kt_hi;
      s += wrap ? 1u : 0u;
      kt = wrap ? kt_lo : kt + 1;
    }

  uint dst_b = p.dst_off + b * p.dst_sB + tr * p.dst_sT;
  [[unroll]] for (int j = 0; j < COB; j++)
    {
      uint c = cb * COB + uint (j);
      if (c >= p.C_dst)
        continue;
      float bv = 0.0;
#ifdef CONV3D_BIAS
      if (p.add_bias != 0u)
        bv = LD (bias, c);
#endif
      uint dst_c = dst_b + c * p.dst_sC;
      [[unroll]] for (int yy = 0; yy < YB; yy++)
        {
          int y = y0 + yy;
          if (y >= H)
            continue;
          [[unroll]] for (int i = 0; i < 4; i++)
            {
              int x = x0 + i;
              if (x >= W)
                continue;
              uint idx = dst_c + uint (y * W + x);
              float value = acc[yy][j][i] + bv;
              if (p.beta != 0.0)
                value += p.beta * dst[idx];
              dst[idx] = value;
            }
        }
    }
}
