/* Reference 3-D convolution, kernel KT x 3 x 3, 'same' padding, in double.
 *
 * All three functions walk the same index space: for every output element
 * (b, co, t, y, x) and every tap (ci, kt, ky, kx) whose input (b, ci, t + kt - KT/2,
 * y + ky - 1, x + kx - 1) lies inside the clip, the product weight * input enters
 * out; the backward passes distribute the same products' derivatives. */
#include "ddl-ref.h"

#include <string.h>

/* Shapes shared by the three functions:
 *   in     (B, Cin, T, H, W)
 *   out    (B, Cout, t1 - t0, H, W), frame t of the clip at index t - t0
 *   weight (Cout, Cin, KT, 3, 3)
 *   bias   (Cout) */

static size_t
in_index (int b, int c, int t, int y, int x, int C, int T, int H, int W)
{
  return ((((size_t) b * C + c) * T + t) * H + y) * W + x;
}

static size_t
weight_index (int co, int ci, int kt, int ky, int kx, int Cin, int KT)
{
  return ((((size_t) co * Cin + ci) * KT + kt) * 3 + ky) * 3 + kx;
}

void
ddl_ref_conv3d_fwd (double       *out,
                    const double *in,
                    const double *weight,
                    const double *bias,
                    int B, int Cin, int Cout, int T, int H, int W, int KT,
                    int t0, int t1)
{
  int pad = KT / 2;
  int nt = t1 - t0;

  for (int b = 0; b < B; b++)
    for (int co = 0; co < Cout; co++)
      for (int t = t0; t < t1; t++)
        for (int y = 0; y < H; y++)
          for (int x = 0; x < W; x++)
            {
              double sum = bias != NULL ? bias[co] : 0.0;
              for (int ci = 0; ci < Cin; ci++)
                for (int kt = 0; kt < KT; kt++)
                  {
                    int ti = t + kt - pad;
                    if (ti < 0 || ti >= T)
                      continue;
                    for (int ky = 0; ky < 3; ky++)
                      {
                        int yi = y + ky - 1;
                        if (yi < 0 || yi >= H)
                          continue;
                        for (int kx = 0; kx < 3; kx++)
                          {
                            int xi = x + kx - 1;
                            if (xi < 0 || xi >= W)
                              continue;
                            sum += weight[weight_index (co, ci, kt, ky, kx, Cin, KT)]
                                   * in[in_index (b, ci, ti, yi, xi, Cin, T, H, W)];
                          }
                      }
                  }
              out[in_index (b, co, t - t0, y, x, Cout, nt, H, W)] = sum;
            }
}

void
ddl_ref_conv3d_bwd_data (double       *din,
                         const double *dout,
                         const double *weight,
                         int B, int Cin, int Cout, int T, int H, int W, int KT,
                         int t0, int t1, int accumulate)
{
  int pad = KT / 2;
  int nt = t1 - t0;

  if (!accumulate)
    memset (din, 0, sizeof (double) * B * Cin * T * H * W);
  for (int b = 0; b < B; b++)
    for (int co = 0; co < Cout; co++)
      for (int t = t0; t < t1; t++)
        for (int y = 0; y < H; y++)
          for (int x = 0; x < W; x++)
            {
              double g = dout[in_index (b, co, t - t0, y, x, Cout, nt, H, W)];
              for (int ci = 0; ci < Cin; ci++)
                for (int kt = 0; kt < KT; kt++)
                  {
                    int ti = t + kt - pad;
                    if (ti < 0 || ti >= T)
                      continue;
                    for (int ky = 0; ky < 3; ky++)
                      {
                        int yi = y + ky - 1;
                        if (yi < 0 || yi >= H)
                          continue;
                        for (int kx = 0; kx < 3; kx++)
                          {
                            int xi = x + kx - 1;
                            if (xi < 0 || xi >= W)
                              continue;
                            din[in_index (b, ci, ti, yi, xi, Cin, T, H, W)]
                              += g * weight[weight_index (co, ci, kt, ky, kx, Cin, KT)];
                          }
                      }
                  }
            }
}

void
ddl_ref_conv3d_bwd_weight (double       *dweight,
                           double       *dbias,
                           const double *dout,
                           const double *in,
                           int B, int Cin, int Cout, int T, int H, int W, int KT,
                           int t0, int t1, int accumulate)
{
  int pad = KT / 2;
  int nt = t1 - t0;

  if (!accumulate)
    {
      memset (dweight, 0, sizeof (double) * Cout * Cin * KT * 9);
      if (dbias != NULL)
        memset (dbias, 0, sizeof (double) * Cout);
    }
  for (int b = 0; b < B; b++)
    for (int co = 0; co < Cout; co++)
      for (int t = t0; t < t1; t++)
        for (int y = 0; y < H; y++)
          for (int x = 0; x < W; x++)
            {
              double g = dout[in_index (b, co, t - t0, y, x, Cout, nt, H, W)];
              if (dbias != NULL)
                dbias[co] += g;
              for (int ci = 0; ci < Cin; ci++)
                for (int kt = 0; kt < KT; kt++)
                  {
                    int ti = t + kt - pad;
                    if (ti < 0 || ti >= T)
                      continue;
                    for (int ky = 0; ky < 3; ky++)
                      {
                        int yi = y + ky - 1;
                        if (yi < 0 || yi >= H)
                          continue;
                        for (int kx = 0; kx < 3; kx++)
                          {
                            int xi = x + kx - 1;
                            if (xi < 0 || xi >= W)
                              continue;
                            dweight[weight_index (co, ci, kt, ky, kx, Cin, KT)]
                              += g * in[in_index (b, ci, ti, yi, xi, Cin, T, H, W)];
                          }
                      }
                  }
            }
}
