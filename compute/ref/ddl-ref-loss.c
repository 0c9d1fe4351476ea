/* Reference implementations of the loss family, double precision.
 *
 * Semantics follow the reference code (shared/tools/torch_ddl.py: pseudo_loss,
 * PseudoAnomalyCreator; objects/scoring.py of the official DDL code); see
 * ddl-ref-loss.h for every formula. */
#include "ddl-ref.h"

#include <math.h>

/* Index of x[b, c, t, yx] in a (B, C, T, H, W) clip. */
static size_t
clip_index (const DdlRefLossConfig *cfg, int b, int c, size_t yx)
{
  size_t hw = (size_t) cfg->height * cfg->width;
  return (((size_t) b * cfg->channels + c) * cfg->frames + cfg->frame) * hw + yx;
}

static size_t
frame_index (const DdlRefLossConfig *cfg, int b, int c, size_t yx)
{
  size_t hw = (size_t) cfg->height * cfg->width;
  return ((size_t) b * cfg->channels + c) * hw + yx;
}

static size_t
mask_index (const DdlRefLossConfig *cfg, int b, size_t yx)
{
  size_t hw = (size_t) cfg->height * cfg->width;
  return ((size_t) b * cfg->frames + cfg->frame) * hw + yx;
}

/* ||a[b, :, yx] - c[b, :, yx]||_2 with a in the clip layout and c a frame. */
static double
pixel_norm (const DdlRefLossConfig *cfg, const double *clip, const double *rec, int b,
            size_t yx)
{
  double sum = 0.0;
  for (int c = 0; c < cfg->channels; c++)
    {
      double d = clip[clip_index (cfg, b, c, yx)] - rec[frame_index (cfg, b, c, yx)];
      sum += d * d;
    }
  return sqrt (sum);
}

void
ddl_ref_loss_fwd (double *out, const double *x, const double *xa, const double *rec_n,
                  const double *rec_a, const double *mask, const DdlRefLossConfig *cfg)
{
  size_t hw = (size_t) cfg->height * cfg->width;
  double recon = 0.0, ratio = 0.0, count = 0.0, sp = 0.0, sn = 0.0;

  for (int b = 0; b < cfg->batch; b++)
    for (size_t yx = 0; yx < hw; yx++)
      {
        recon += pixel_norm (cfg, x, rec_n, b, yx) / cfg->divisor;
        if (!cfg->distinction)
          continue;
        double m = mask[mask_index (cfg, b, yx)];
        if (m == 0.0)
          continue;
        double np = pixel_norm (cfg, x, rec_a, b, yx);
        double nq = pixel_norm (cfg, xa, rec_a, b, yx);
        double pos = m * np / cfg->divisor;
        double neg = m * nq / cfg->divisor;
        ratio += (pos + m * cfg->eps) / (neg + cfg->eps);
        count += 1.0;
        sp += m * m * np * np;
        sn += m * m * nq * nq;
      }

  double dist = 0.0;
  if (cfg->distinction && count > 0.0)
    dist = cfg->norm_ratio ? (sqrt (sp) + cfg->eps) / (sqrt (sn) + cfg->eps) : ratio / count;
  out[0] = recon / (double) (cfg->batch * hw);
  out[1] = dist;
  out[2] = out[0] + cfg->lambda * dist;
  out[3] = count;
}

void
ddl_ref_loss_bwd (double *drec_n, double *drec_a, double *dxa, double dloss, const double *x,
                  const double *xa, const double *rec_n, const double *rec_a,
                  const double *mask, const DdlRefLossConfig *cfg)
{
  size_t hw = (size_t) cfg->height * cfg->width;
  double count = 0.0, sp = 0.0, sn = 0.0;

  /* The distinction term needs two batch-wide numbers first: the masked-pixel count
   * (the mean's divisor) and, for the ratio of norms, the two norms. */
  if (cfg->distinction)
    for (int b = 0; b < cfg->batch; b++)
      for (size_t yx = 0; yx < hw; yx++)
        {
          double m = mask[mask_index (cfg, b, yx)];
          if (m == 0.0)
            continue;
          double np = pixel_norm (cfg, x, rec_a, b, yx);
          double nq = pixel_norm (cfg, xa, rec_a, b, yx);
          count += 1.0;
          sp += m * m * np * np;
          sn += m * m * nq * nq;
        }
  double norm_p = sqrt (sp), norm_n = sqrt (sn);

  for (int b = 0; b < cfg->batch; b++)
    for (size_t yx = 0; yx < hw; yx++)
      {
        /* L_recon = (1 / (B H W)) sum ||x - rec_n|| / d */
        double nn = pixel_norm (cfg, x, rec_n, b, yx);
        double kn = nn > 0.0 ? dloss / (cfg->divisor * (double) (cfg->batch * hw) * nn) : 0.0;
        for (int c = 0; c < cfg->channels; c++)
          drec_n[frame_index (cfg, b, c, yx)] =
            -kn * (x[clip_index (cfg, b, c, yx)] - rec_n[frame_index (cfg, b, c, yx)]);
        if (!cfg->distinction)
          continue;

        /* With u = x - rec_a, w = xa - rec_a per channel:
         * drec_a = -kp u - kq w, dxa = kq w. */
        double m = mask[mask_index (cfg, b, yx)];
        double kp = 0.0, kq = 0.0;
        if (m != 0.0 && count > 0.0)
          {
            double np = pixel_norm (cfg, x, rec_a, b, yx);
            double nq = pixel_norm (cfg, xa, rec_a, b, yx);
            if (cfg->norm_ratio)
              {
                double cd = dloss * cfg->lambda;
                double den = norm_n + cfg->eps;
                if (norm_p > 0.0)
                  kp = cd * m * m / (den * norm_p);
                if (norm_n > 0.0)
                  kq = -cd * (norm_p + cfg->eps) / (den * den) * m * m / norm_n;
              }
            else
              {
                double cd = dloss * cfg->lambda / count;
                double d = cfg->divisor;
                double pos = m * np / d;
                double den = m * nq / d + cfg->eps;
                /* d ratio / d pos = 1 / den; d ratio / d neg = -(pos + m eps) / den^2 */
                if (np > 0.0)
                  kp = cd * m / den / (d * np);
                if (nq > 0.0)
                  kq = -cd * (pos + m * cfg->eps) / (den * den) * m / (d * nq);
              }
          }
        for (int c = 0; c < cfg->channels; c++)
          {
            double ra = rec_a[frame_index (cfg, b, c, yx)];
            double u = x[clip_index (cfg, b, c, yx)] - ra;
            double w = xa[clip_index (cfg, b, c, yx)] - ra;
            drec_a[frame_index (cfg, b, c, yx)] = -kp * u - kq * w;
            dxa[clip_index (cfg, b, c, yx)] = kq * w;
          }
      }
}

static uint32_t
mul_hi_lo (uint32_t a, uint32_t b, uint32_t *lo)
{
  uint64_t product = (uint64_t) a * b;
  *lo = (uint32_t) product;
  return (uint32_t) (product >> 32);
}

void
ddl_ref_philox4x32 (uint32_t *out, const uint32_t *ctr, const uint32_t *key)
{
  uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
  uint32_t k0 = key[0], k1 = key[1];

  for (int round = 0; round < 10; round++)
    {
      uint32_t lo0, lo1;
      uint32_t hi0 = mul_hi_lo (0xD2511F53u, c0, &lo0);
      uint32_t hi1 = mul_hi_lo (0xCD9E8D57u, c2, &lo1);
      uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
      c0 = n0;
      c1 = lo1;
      c2 = n2;
      c3 = lo0;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

void
ddl_ref_noise_uniform (double *out, uint64_t seed, uint32_t counter, uint32_t stream, size_t n)
{
  uint32_t key[2] = { (uint32_t) seed, (uint32_t) (seed >> 32) };

  for (size_t first = 0; first < n; first += 4)
    {
      uint32_t ctr[4] = { (uint32_t) (first / 4), counter, stream, 0 };
      uint32_t words[4];
      ddl_ref_philox4x32 (words, ctr, key);
      for (size_t j = 0; j < 4 && first + j < n; j++)
        out[first + j] = (double) (words[j] >> 8) / 16777216.0;
    }
}

void
ddl_ref_blend_fwd (double *xa, const double *x, const double *a, const double *mask, double l,
                   int batch, int channels, size_t thw)
{
  double s = 1.0 / (1.0 + exp (-l));
  for (int b = 0; b < batch; b++)
    for (int c = 0; c < channels; c++)
      for (size_t r = 0; r < thw; r++)
        {
          size_t i = ((size_t) b * channels + c) * thw + r;
          double m = mask[(size_t) b * thw + r];
          xa[i] = (1.0 - m) * x[i] + m * ((1.0 - s) * x[i] + s * a[i]);
        }
}

double
ddl_ref_blend_bwd (double *dx, const double *dxa, const double *x, const double *a,
                   const double *mask, double l, int batch, int channels, size_t thw)
{
  double s = 1.0 / (1.0 + exp (-l));
  double sum = 0.0;
  for (int b = 0; b < batch; b++)
    for (int c = 0; c < channels; c++)
      for (size_t r = 0; r < thw; r++)
        {
          size_t i = ((size_t) b * channels + c) * thw + r;
          double m = mask[(size_t) b * thw + r];
          sum += dxa[i] * m * (a[i] - x[i]);
          if (dx != NULL)
            dx[i] = dxa[i] * ((1.0 - m) + m * (1.0 - s));
        }
  return sum * s * (1.0 - s);
}

void
ddl_ref_adam_step (double *param, double *m, double *v, const double *grad, size_t n, int t,
                   double lr, double beta1, double beta2, double eps)
{
  double bias1 = 1.0 - pow (beta1, t);
  double bias2 = 1.0 - pow (beta2, t);
  for (size_t i = 0; i < n; i++)
    {
      m[i] = beta1 * m[i] + (1.0 - beta1) * grad[i];
      v[i] = beta2 * v[i] + (1.0 - beta2) * grad[i] * grad[i];
      double denom = sqrt (v[i]) / sqrt (bias2) + eps;
      param[i] -= (lr / bias1) * m[i] / denom;
    }
}

void
ddl_ref_score_map (double *map, const double *x, const double *rec, int batch, int channels,
                   int frames, int frame, int height, int width, double divisor)
{
  DdlRefLossConfig cfg = { batch, channels, height, width, frames, frame, divisor, 0, 0, 0, 0 };
  size_t hw = (size_t) height * width;
  for (int b = 0; b < batch; b++)
    for (size_t yx = 0; yx < hw; yx++)
      map[(size_t) b * hw + yx] = pixel_norm (&cfg, x, rec, b, yx) / divisor;
}

int
ddl_ref_score_n_patches (int height, int width, int patch)
{
  int crop = 2 * (patch / 2);
  int inner_y = height > crop ? (height - crop) / patch : 0;
  int inner_x = width > crop ? (width - crop) / patch : 0;
  return (height / patch) * (width / patch) + inner_y * inner_x;
}

static double
patch_mean (const double *map, int width, int y0, int x0, int patch)
{
  double sum = 0.0;
  for (int y = y0; y < y0 + patch; y++)
    for (int x = x0; x < x0 + patch; x++)
      sum += map[(size_t) y * width + x];
  return sum / ((double) patch * patch);
}

void
ddl_ref_score_frames (double *scores, const double *map, int batch, int height, int width,
                      int patch)
{
  int half = patch / 2;
  for (int b = 0; b < batch; b++)
    {
      const double *frame = map + (size_t) b * height * width;
      double best = -INFINITY;
      /* Outer grid: every patch that fits from the origin. */
      for (int y0 = 0; y0 + patch <= height; y0 += patch)
        for (int x0 = 0; x0 + patch <= width; x0 += patch)
          best = fmax (best, patch_mean (frame, width, y0, x0, patch));
      /* Inner grid: the map cropped by P / 2 on each side, patched from its origin. */
      for (int y0 = half; y0 + patch <= height - half; y0 += patch)
        for (int x0 = half; x0 + patch <= width - half; x0 += patch)
          best = fmax (best, patch_mean (frame, width, y0, x0, patch));
      scores[b] = best;
    }
}
