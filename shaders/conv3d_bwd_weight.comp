#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
/* Weight and bias gradient of the KT x 3 x 3 convolution: partial sums over a
 * range of output rows (see DdlConv3dWeightParams); ddl_op_reduce_rows adds the
 * partials up afterwards, so no invocation loops over the whole batch.
 *
 * One invocation owns DW_CO_BLOCK x DW_CI_BLOCK channel pairs at one temporal tap,
 * all 9 spatial taps in registers. It walks each row left to right, DW_X_STEP
 * pixels per loop step, with a window of input columns per input channel, so
 * every pixel costs DW_CO_BLOCK dout fetches plus 3 * DW_CI_BLOCK input fetches
 * for 9 * DW_CO_BLOCK * DW_CI_BLOCK mul+adds. Several pixels per step matter on
 * lavapipe, which blends every loop-carried value (here ~160) on every trip.
 * Loop trips per invocation: rows * (ceil (W / DW_X_STEP) + 1); the host keeps
 * that under DDL_LOOP_BUDGET. */
#include "common.glsl"

#define DCO DDL_CONV3D_DW_CO_BLOCK
#define DCI DDL_CONV3D_DW_CI_BLOCK
#define XU  DDL_CONV3D_DW_X_STEP

DDL_PARAMS (DdlConv3dWeightParams)
DDL_IN (0, dout)
DDL_IN (1, src)
DDL_OUT (2, wpart)
DDL_OUT (3, bpart)

void
main ()
{
  uint gid = ddl_gid ();
  if (gid >= p.n)
    return;

  uint r = gid;
  uint cib = r % p.n_cib;
  r /= p.n_cib;
  uint cob = r % p.n_cob;
  r /= p.n_cob;
  int kt = int (r % p.KT);
  uint chunk = r / p.KT;

  /* Channels past the end repeat the last one and are never stored. */
  uint co[DCO];
  [[unroll]] for (int j = 0; j < DCO; j++)
    co[j] = min (cob * DCO + uint (j), p.Cout - 1u);
  uint ci[DCI];
  [[unroll]] for (int i = 0; i < DCI; i++)
    ci[i] = min (cib * DCI + uint (i), p.Cin - 1u);

  float acc[DCO][DCI][9];
  float bacc[DCO];
  [[unroll]] for (int j = 0; j < DCO; j++)
    {
      bacc[j] = 0.0;
      [[unroll]] for (int i = 0; i < DCI; i++)
        [[unroll]] for (int k = 0; k < 9; k++)
          acc[j][i][k] = 0.0;
    }

  int H = int (p.H);
  uint row_begin = p.row0 + chunk * p.rows_per_chunk;
  uint row_end = min (row_begin + p.rows_per_chunk, p.row_end);
  for (uint rw = row_begin; rw < row_end; rw++)
    {
      uint q = rw / p.H;
      int y = int (rw % p.H);
      uint tr = q % p.n_t;
      uint b = q / p.n_t;
      int ts = p.t0 + int (tr) + kt - p.pad;
      if (ts < 0 || ts >= int (p.T))
        continue;

      uint g_row[DCO];
      [[unroll]] for (int j = 0; j < DCO; j++)
        g_row[j] = p.dout_off + b * p.dout_sB + co[j] * p.dout_sC + tr * p.dout_sT
                   + uint (y) * p.W;
      uint s_row[DCI][3];
      float rmask[3];
      [[unroll]] for (int ky = 0; ky < 3; ky++)
        {
          int yi = y + ky - 1;
          rmask[ky] = (yi >= 0 && yi < H) ? 1.0 : 0.0;
          [[unroll]] for (int i = 0; i < DCI; i++)
            s_row[i][ky] = p.in_off + b * p.in_sB + ci[i] * p.in_sC + uint (ts) * p.in_sT
                           + uint (clamp (yi, 0, H - 1)) * p.W;
        }

      /* win[i][ky][k] holds input column x + k - 1 for the XU pixels x .. x+XU-1
       * of one step: XU + 2 columns, starting with -1 (zero padding) and 0. */
      float win[DCI][3][XU + 2];
      [[unroll]] for (int i = 0; i < DCI; i++)
        [[unroll]] for (int ky = 0; ky < 3; ky++)
          {
            win[i][ky][0] = 0.0;
            win[i][ky][1] = LD (src, s_row[i][ky]) * rmask[ky];
          }

      for (uint x = 0; x < p.W; x += XU)
        {
          [[unroll]] for (int u = 0; u < XU; u++)
            {
              uint xn = x + uint (u) + 1u;
              float cmask = xn < p.W ? 1.0 : 0.0;
              uint xc = min (xn, p.W - 1u);
              [[unroll]] for (int i = 0; i < DCI; i++)
                [[unroll]] for (int ky = 0; ky < 3; ky++)
                  win[i][ky][u + 2] = LD (src, s_row[i][ky] + xc) * (rmask[ky] * cmask);
            }
          [[unroll]] for (int u = 0; u < XU; u++)
            {
              /* Pixels past the row's end (W not a multiple of XU) add nothing. */
              uint px = x + uint (u);
              float gmask = px < p.W ? 1.0 : 0.0;
              uint pc = min (px, p.W - 1u);
              [[unroll]] for (int j = 0; j < DCO; j++)
                {
                  float g = LD (dout, g_row[j] + pc) * gmask;
                  bacc[j] += g;
                  [[unroll]] for (int i = 0; i < DCI; i++)
                    [[unroll]] for (int ky = 0; ky < 3; ky++)
                      [[unroll]] for (int kx = 0; kx < 3; kx++)
                        acc[j][i][ky * 3 + kx] += g * win[i][ky][u + kx];
                }
            }
          [[unroll]] for (int i = 0; i < DCI; i++)
            [[unroll]] for (int ky = 0; ky < 3; ky++)
              {
                win[i][ky][0] = win[i][ky][XU];
                win[i][ky][1] = win[i][ky][XU + 1];
              }
        }
    }

  [[unroll]] for (int j = 0; j < DCO; j++)
    {
      uint c = cob * DCO + uint (j);
      if (c >= p.Cout)
        continue;
      [[unroll]] for (int i = 0; i < DCI; i++)
        {
          uint s = cib * DCI + uint (i);
          if (s >= p.Cin)
            continue;
          uint wbase = ((c * p.Cin + s) * p.KT + uint (kt)) * 9u;
          [[unroll]] for (int k = 0; k < 9; k++)
            wpart[(wbase + uint (k)) * p.n_chunks + chunk] = acc[j][i][k];
        }
      /* The centre temporal tap sees every output row once: it carries the bias. */
      if (cib == 0u && kt == p.pad)
        bpart[c * p.n_chunks + chunk] = bacc[j];
    }
}
