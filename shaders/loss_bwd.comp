#version 450
#extension GL_GOOGLE_include_directive : require
/* Backward of L = L_recon + lambda L_dist, one invocation per pixel (b, y, x), all
 * channels (see ddl_ref_loss_bwd). Reads the values the forward left in `values`
 * (masked-pixel count, the two norms of the ratio-of-norms variant). A norm that is 0
 * has gradient 0, as in torch.norm's backward. drec_n and drec_a are overwritten;
 * dxa, if wanted, is written (or added to) only at frame `frame` of the clip. */
#include "common.glsl"

DDL_PARAMS (DdlLossParams)
DDL_IN (0, x)        /* (B, C, T, H, W) */
DDL_IN (1, xa)       /* (B, C, T, H, W) */
DDL_IN (2, rec_n)    /* (B, C, H, W) */
DDL_IN (3, rec_a)    /* (B, C, H, W) */
DDL_IN (4, mask)     /* (B, T, H, W) */
DDL_IN (5, values)   /* (DDL_LOSS_N_VALUES) */
DDL_IN (6, dloss)    /* (1): upstream gradient of the total, if DDL_LOSS_FLAG_DLOSS */
DDL_OUT (7, drec_n)  /* (B, C, H, W) */
DDL_OUT (8, drec_a)  /* (B, C, H, W) */
DDL_OUT (9, dxa)     /* (B, C, T, H, W) */

void
main ()
{
  uint q = ddl_gid ();
  if (q >= p.n_pixels)
    return;
  float g = (p.flags & DDL_LOSS_FLAG_DLOSS) != 0u ? LD (dloss, 0) : 1.0;
  bool dist = (p.flags & DDL_LOSS_FLAG_DIST) != 0u;
  uint cstride = p.frames * p.hw;
  uint b = q / p.hw;
  uint yx = q - b * p.hw;
  uint xi = (b * p.channels * p.frames + p.frame) * p.hw + yx;
  uint ri = b * p.channels * p.hw + yx;
  float m = dist ? LD (mask, (b * p.frames + p.frame) * p.hw + yx) : 0.0;

  float en = 0.0, ep = 0.0, eq = 0.0;
  for (uint c = 0u; c < p.channels; c++)
    {
      float xv = LD (x, xi + c * cstride);
      float dn = xv - LD (rec_n, ri + c * p.hw);
      en += dn * dn;
      if (m != 0.0)
        {
          float ra = LD (rec_a, ri + c * p.hw);
          float u = xv - ra;
          float w = LD (xa, xi + c * cstride) - ra;
          ep += u * u;
          eq += w * w;
        }
    }
  float nn = sqrt (en), np = sqrt (ep), nq = sqrt (eq);

  /* d total / d ||x - rec_n|| for this pixel; the gradient of a norm is v / ||v||. */
  float kn = nn > 0.0 ? g * p.inv_d / (float (p.n_pixels) * nn) : 0.0;

  /* Distinction: dxa_c = kq (xa_c - ra_c), drec_a_c = -kp (x_c - ra_c) - kq (xa_c - ra_c). */
  float kp = 0.0, kq = 0.0;
  float count = LD (values, DDL_LOSS_COUNT);
  if (m != 0.0 && count > 0.0)
    {
      if ((p.flags & DDL_LOSS_FLAG_NORM_RATIO) != 0u)
        {
          /* L = (P + eps) / (N + eps), P = sqrt (sum (m u)^2), N = sqrt (sum (m w)^2). */
          float cd = g * p.lambda;
          float norm_p = LD (values, DDL_LOSS_NORM_P);
          float norm_n = LD (values, DDL_LOSS_NORM_N);
          float den = norm_n + p.eps;
          if (norm_p > 0.0)
            kp = cd * m * m / (den * norm_p);
          if (norm_n > 0.0)
            kq = -cd * (norm_p + p.eps) / (den * den) * m * m / norm_n;
        }
      else
        {
          /* r = (m pos + m eps) / (m neg + eps), mean over the masked pixels. */
          float cd = g * p.lambda / count;
          float pos = np * p.inv_d;
          float neg = nq * p.inv_d;
          float den = m * neg + p.eps;
          if (np > 0.0)
            kp = cd * m / den * p.inv_d / np;
          if (nq > 0.0)
            kq = -cd * (m * pos + m * p.eps) * m / (den * den) * p.inv_d / nq;
        }
    }

  bool want_dxa = (p.flags & DDL_LOSS_FLAG_DXA) != 0u;
  bool accumulate = (p.flags & DDL_LOSS_FLAG_ACCUM_DXA) != 0u;
  for (uint c = 0u; c < p.channels; c++)
    {
      float xv = LD (x, xi + c * cstride);
      drec_n[ri + c * p.hw] = -kn * (xv - LD (rec_n, ri + c * p.hw));
      if (dist)
        {
          float ra = LD (rec_a, ri + c * p.hw);
          float w = LD (xa, xi + c * cstride) - ra;
          drec_a[ri + c * p.hw] = -kp * (xv - ra) - kq * w;
          if (!want_dxa)
            continue;
          float d = kq * w;
          if (accumulate)
            dxa[xi + c * cstride] += d;
          else
            dxa[xi + c * cstride] = d;
        }
    }
}
