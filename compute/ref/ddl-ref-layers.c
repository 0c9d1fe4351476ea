/* Plain double-precision references of the layers kernels: the definitions the
 * Vulkan kernels are tested against, written for reading, not speed. */
#include "ddl-ref.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double
apply_relu (double v, int relu)
{
  return relu && v < 0.0 ? 0.0 : v;
}

void
ddl_ref_batchnorm_fwd_train (double       *y,
                             double       *mean,
                             double       *invstd,
                             double       *running_mean,
                             double       *running_var,
                             const double *x,
                             const double *gamma,
                             const double *beta,
                             int B, int C, int HW, double eps, double momentum, int relu)
{
  double n = (double) B * HW;

  for (int c = 0; c < C; c++)
    {
      double sum = 0.0, sq = 0.0;
      for (int b = 0; b < B; b++)
        for (int s = 0; s < HW; s++)
          sum += x[((size_t) b * C + c) * HW + s];
      double m = sum / n;
      for (int b = 0; b < B; b++)
        for (int s = 0; s < HW; s++)
          {
            double d = x[((size_t) b * C + c) * HW + s] - m;
            sq += d * d;
          }
      double var = sq / n;
      double is = 1.0 / sqrt (var + eps);

      mean[c] = m;
      invstd[c] = is;
      running_mean[c] = (1.0 - momentum) * running_mean[c] + momentum * m;
      running_var[c] = (1.0 - momentum) * running_var[c] + momentum * sq / (n - 1.0);
      for (int b = 0; b < B; b++)
        for (int s = 0; s < HW; s++)
          {
            size_t i = ((size_t) b * C + c) * HW + s;
            y[i] = apply_relu ((x[i] - m) * is * gamma[c] + beta[c], relu);
          }
    }
}

void
ddl_ref_batchnorm_fwd_eval (double       *y,
                            const double *x,
                            const double *gamma,
                            const double *beta,
                            const double *running_mean,
                            const double *running_var,
                            int B, int C, int HW, double eps, int relu)
{
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++)
      {
        double is = 1.0 / sqrt (running_var[c] + eps);
        for (int s = 0; s < HW; s++)
          {
            size_t i = ((size_t) b * C + c) * HW + s;
            y[i] = apply_relu ((x[i] - running_mean[c]) * is * gamma[c] + beta[c], relu);
          }
      }
}

void
ddl_ref_batchnorm_bwd (double       *dx,
                       double       *dgamma,
                       double       *dbeta,
                       const double *dy,
                       const double *x,
                       const double *y,
                       const double *mean,
                       const double *invstd,
                       const double *gamma,
                       int B, int C, int HW, int relu, int train, int accumulate)
{
  double n = (double) B * HW;

  for (int c = 0; c < C; c++)
    {
      double g_sum = 0.0, gx_sum = 0.0;
      for (int b = 0; b < B; b++)
        for (int s = 0; s < HW; s++)
          {
            size_t i = ((size_t) b * C + c) * HW + s;
            double g = relu && !(y[i] > 0.0) ? 0.0 : dy[i];
            g_sum += g;
            gx_sum += g * (x[i] - mean[c]) * invstd[c];
          }
      dbeta[c] = (accumulate ? dbeta[c] : 0.0) + g_sum;
      dgamma[c] = (accumulate ? dgamma[c] : 0.0) + gx_sum;
      for (int b = 0; b < B; b++)
        for (int s = 0; s < HW; s++)
          {
            size_t i = ((size_t) b * C + c) * HW + s;
            double g = relu && !(y[i] > 0.0) ? 0.0 : dy[i];
            if (train)
              g -= (g_sum + (x[i] - mean[c]) * invstd[c] * gx_sum) / n;
            dx[i] = gamma[c] * invstd[c] * g;
          }
    }
}

void
ddl_ref_batchnorm_bwd_eval (double       *dx,
                            double       *dgamma,
                            double       *dbeta,
                            const double *dy,
                            const double *x,
                            const double *y,
                            const double *running_mean,
                            const double *running_var,
                            const double *gamma,
                            int B, int C, int HW, double eps, int relu, int accumulate)
{
  double *invstd = malloc (sizeof (double) * (C > 0 ? C : 1));

  for (int c = 0; c < C; c++)
    invstd[c] = 1.0 / sqrt (running_var[c] + eps);
  ddl_ref_batchnorm_bwd (dx, dgamma, dbeta, dy, x, y, running_mean, invstd, gamma,
                         B, C, HW, relu, 0, accumulate);
  free (invstd);
}

void
ddl_ref_relu_fwd (double *y, const double *x, size_t n)
{
  for (size_t i = 0; i < n; i++)
    y[i] = x[i] > 0.0 ? x[i] : 0.0;
}

void
ddl_ref_relu_bwd (double *dx, const double *dy, const double *y, size_t n)
{
  for (size_t i = 0; i < n; i++)
    dx[i] = y[i] > 0.0 ? dy[i] : 0.0;
}

void
ddl_ref_sigmoid_fwd (double *y, const double *x, size_t n)
{
  for (size_t i = 0; i < n; i++)
    y[i] = 1.0 / (1.0 + exp (-x[i]));
}

void
ddl_ref_sigmoid_bwd (double *dx, const double *dy, const double *y, size_t n)
{
  for (size_t i = 0; i < n; i++)
    dx[i] = dy[i] * y[i] * (1.0 - y[i]);
}

uint32_t
ddl_ref_hash32 (uint32_t x)
{
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

int
ddl_ref_dropout_keep (uint32_t seed, uint32_t counter, uint32_t index, float p)
{
  uint32_t key = ddl_ref_hash32 (ddl_ref_hash32 (seed) ^ counter);
  uint32_t h = ddl_ref_hash32 (ddl_ref_hash32 (index) ^ key);
  float u = (float) (h >> 8) * (1.0f / 16777216.0f);

  return u >= p;
}

void
ddl_ref_dropout (double *y, const double *x, size_t n, float p, uint32_t seed, uint32_t counter)
{
  for (size_t i = 0; i < n; i++)
    {
      if (p <= 0.0f)
        y[i] = x[i];
      else if (p >= 1.0f || !ddl_ref_dropout_keep (seed, counter, (uint32_t) i, p))
        y[i] = 0.0;
      else
        y[i] = x[i] / (1.0 - (double) p);
    }
}

void
ddl_ref_pixel_shuffle (double *out, const double *in, int B, int C, int H, int W)
{
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++)
      for (int oy = 0; oy < 2 * H; oy++)
        for (int ox = 0; ox < 2 * W; ox++)
          {
            int ci = 4 * c + 2 * (oy % 2) + ox % 2;
            out[(((size_t) b * C + c) * 2 * H + oy) * 2 * W + ox] =
              in[(((size_t) b * 4 * C + ci) * H + oy / 2) * W + ox / 2];
          }
}

void
ddl_ref_pixel_shuffle_bwd (double *dx, const double *dy, int B, int C, int H, int W)
{
  for (int b = 0; b < B; b++)
    for (int ci = 0; ci < 4 * C; ci++)
      for (int h = 0; h < H; h++)
        for (int w = 0; w < W; w++)
          {
            int c = ci / 4, a = (ci / 2) % 2, e = ci % 2;
            dx[(((size_t) b * 4 * C + ci) * H + h) * W + w] +=
              dy[(((size_t) b * C + c) * 2 * H + 2 * h + a) * 2 * W + 2 * w + e];
          }
}

void
ddl_ref_pixel_unshuffle (double *out, const double *in, int B, int C, int H, int W)
{
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++)
      for (int a = 0; a < 2; a++)
        for (int e = 0; e < 2; e++)
          for (int h = 0; h < H; h++)
            for (int w = 0; w < W; w++)
              out[(((size_t) b * 4 * C + 4 * c + 2 * a + e) * H + h) * W + w] =
                in[(((size_t) b * C + c) * 2 * H + 2 * h + a) * 2 * W + 2 * w + e];
}

void
ddl_ref_pixel_unshuffle_bwd (double *dx, const double *dy, int B, int C, int H, int W)
{
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++)
      for (int iy = 0; iy < 2 * H; iy++)
        for (int ix = 0; ix < 2 * W; ix++)
          {
            int co = 4 * c + 2 * (iy % 2) + ix % 2;
            dx[(((size_t) b * C + c) * 2 * H + iy) * 2 * W + ix] +=
              dy[(((size_t) b * 4 * C + co) * H + iy / 2) * W + ix / 2];
          }
}

void
ddl_ref_concat_channels (double              *out,
                         const double *const *srcs,
                         const int           *channels,
                         int n, int B, int HW)
{
  int total = 0;

  for (int k = 0; k < n; k++)
    total += channels[k];
  for (int b = 0; b < B; b++)
    {
      int c0 = 0;
      for (int k = 0; k < n; k++)
        {
          memcpy (out + ((size_t) b * total + c0) * HW, srcs[k] + (size_t) b * channels[k] * HW,
                  sizeof (double) * channels[k] * HW);
          c0 += channels[k];
        }
    }
}

void
ddl_ref_concat_channels_bwd (double *const *dsts,
                             const double  *dy,
                             const int     *channels,
                             int n, int B, int HW)
{
  int total = 0;

  for (int k = 0; k < n; k++)
    total += channels[k];
  for (int b = 0; b < B; b++)
    {
      int c0 = 0;
      for (int k = 0; k < n; k++)
        {
          for (size_t j = 0; j < (size_t) channels[k] * HW; j++)
            dsts[k][(size_t) b * channels[k] * HW + j] += dy[((size_t) b * total + c0) * HW + j];
          c0 += channels[k];
        }
    }
}

void
ddl_ref_clip_to_frames (double *out, const double *in, int B, int C, int T, int HW)
{
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++)
      for (int c = 0; c < C; c++)
        for (int s = 0; s < HW; s++)
          out[(((size_t) b * T + t) * C + c) * HW + s] =
            in[(((size_t) b * C + c) * T + t) * HW + s];
}

void
ddl_ref_clip_to_frames_bwd (double *dx, const double *dy, int B, int C, int T, int HW)
{
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++)
      for (int t = 0; t < T; t++)
        for (int s = 0; s < HW; s++)
          dx[(((size_t) b * C + c) * T + t) * HW + s] +=
            dy[(((size_t) b * T + t) * C + c) * HW + s];
}

void
ddl_ref_frames_to_clip (double *out, const double *in, int B, int C, int T, int HW)
{
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++)
      for (int t = 0; t < T; t++)
        for (int s = 0; s < HW; s++)
          out[(((size_t) b * C + c) * T + t) * HW + s] =
            in[(((size_t) b * T + t) * C + c) * HW + s];
}

void
ddl_ref_frames_to_clip_bwd (double *dx, const double *dy, int B, int C, int T, int HW)
{
  for (int b = 0; b < B; b++)
    for (int t = 0; t < T; t++)
      for (int c = 0; c < C; c++)
        for (int s = 0; s < HW; s++)
          dx[(((size_t) b * T + t) * C + c) * HW + s] +=
            dy[(((size_t) b * C + c) * T + t) * HW + s];
}

void
ddl_ref_frame_select (double *out, const double *in, int B, int C, int T, int HW, int t)
{
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++)
      for (int s = 0; s < HW; s++)
        out[((size_t) b * C + c) * HW + s] = in[(((size_t) b * C + c) * T + t) * HW + s];
}

void
ddl_ref_frame_select_bwd (double *dx, const double *dy, int B, int C, int T, int HW, int t)
{
  memset (dx, 0, sizeof (double) * B * C * T * HW);
  for (int b = 0; b < B; b++)
    for (int c = 0; c < C; c++)
      for (int s = 0; s < HW; s++)
        dx[(((size_t) b * C + c) * T + t) * HW + s] = dy[((size_t) b * C + c) * HW + s];
}
