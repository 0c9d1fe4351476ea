/* Reference 2-D convolution, odd kernel K, 'same' padding, stride 1, in double.
 *
 * All functions walk the same index space: for every output element (b, co, y, x)
 * and every tap (ci, ky, kx) whose input (b, ci, y + ky - K/2, x + kx - K/2) lies
 * inside the image, the product weight * input enters out; the backward passes
 * distribute the same products' derivatives. Written for clarity, not speed. */
#include "ddl-ref.h"

#include <string.h>

/* Shapes shared by the functions:
 *   in     (B, Cin, H, W)
 *   out    (B, Cout, H, W)
 *   weight (Cout, Cin, K, K)
 *   bias   (Cout) */

static size_t
act_index (int b, int c, int y, int x, int C, int H, int W)
{
  return (((size_t) b * C + c) * H + y) * W + x;
}

static size_t
weight_index (int co, int ci, int ky, int kx, int Cin, int K)
{
  return (((size_t) co * Cin + ci) * K + ky) * K + kx;
}

void
ddl_ref_conv2d_fwd (double       *out,
                    const double *in,
                    const double *weight,
                    const double *bias,
                    int B, int Cin, int Cout, int H, int W, int K)
{
  int pad = K / 2;

  for (int b = 0; b < B; b++)
    for (int co = 0; co < Cout; co++)
      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
          {
            double sum = bias != NULL ? bias[co] : 0.0;
            for (int ci = 0; ci < Cin; ci++)
              for (int ky = 0; ky < K; ky++)
                {
                  int yi = y + ky - pad;
                  if (yi < 0 || yi >= H)
                    continue;
                  for (int kx = 0; kx < K; kx++)
                    {
                      int xi = x + kx - pad;
                      if (xi < 0 || xi >= W)
                        continue;
                      sum += weight[weight_index (co, ci, ky, kx, Cin, K)]
                             * in[act_index (b, ci, yi, xi, Cin, H, W)];
                    }
                }
            out[act_index (b, co, y, x, Cout, H, W)] = sum;
          }
}

void
ddl_ref_conv2d_bwd_data (double       *din,
                         const double *dout,
                         const double *weight,
                         int B, int Cin, int Cout, int H, int W, int K,
                         int accumulate)
{
  int pad = K / 2;

  if (!accumulate)
    memset (din, 0, sizeof (double) * (size_t) B * Cin * H * W);
  for (int b = 0; b < B; b++)
    for (int co = 0; co < Cout; co++)
      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
          {
            double g = dout[act_index (b, co, y, x, Cout, H, W)];
            for (int ci = 0; ci < Cin; ci++)
              for (int ky = 0; ky < K; ky++)
                {
                  int yi = y + ky - pad;
                  if (yi < 0 || yi >= H)
                    continue;
                  for (int kx = 0; kx < K; kx++)
                    {
                      int xi = x + kx - pad;
                      if (xi < 0 || xi >= W)
                        continue;
                      din[act_index (b, ci, yi, xi, Cin, H, W)]
                        += g * weight[weight_index (co, ci, ky, kx, Cin, K)];
                    }
                }
          }
}

void
ddl_ref_conv2d_bwd_weight (double       *dweight,
                           const double *dout,
                           const double *in,
                           int B, int Cin, int Cout, int H, int W, int K,
                           int accumulate)
{
  int pad = K / 2;

  if (!accumulate)
    memset (dweight, 0, sizeof (double) * (size_t) Cout * Cin * K * K);
  for (int b = 0; b < B; b++)
    for (int co = 0; co < Cout; co++)
      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
          {
            double g = dout[act_index (b, co, y, x, Cout, H, W)];
            for (int ci = 0; ci < Cin; ci++)
              for (int ky = 0; ky < K; ky++)
                {
                  int yi = y + ky - pad;
                  if (yi < 0 || yi >= H)
                    continue;
                  for (int kx = 0; kx < K; kx++)
                    {
                      int xi = x + kx - pad;
                      if (xi < 0 || xi >= W)
                        continue;
                      dweight[weight_index (co, ci, ky, kx, Cin, K)]
                        += g * in[act_index (b, ci, yi, xi, Cin, H, W)];
                    }
                }
          }
}

void
ddl_ref_conv2d_bwd_bias (double       *dbias,
                         const double *dout,
                         int B, int Cout, int H, int W,
                         int accumulate)
{
  if (!accumulate)
    memset (dbias, 0, sizeof (double) * (size_t) Cout);
  for (int b = 0; b < B; b++)
    for (int co = 0; co < Cout; co++)
      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
          dbias[co] += dout[act_index (b, co, y, x, Cout, H, W)];
}
