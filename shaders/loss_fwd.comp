#version 450
#extension GL_GOOGLE_include_directive : require
/* Forward of L = L_recon + lambda L_dist (see ddl_ref_loss_fwd for the formulas).
 *
 * OP_PARTIALS: invocation g sums `per` pixels of one sample (far below the loop
 * budget) into one column of the DDL_LOSS_N_ROWS x n_parts scratch;
 * ddl_op_reduce_rows then sums the rows.
 * OP_FINALIZE: one invocation turns the row sums into the loss values. */
#include "common.glsl"

DDL_PARAMS (DdlLossParams)

#if defined(OP_PARTIALS)
DDL_IN (0, x)        /* (B, C, T, H, W) */
DDL_IN (1, xa)       /* (B, C, T, H, W) */
DDL_IN (2, rec_n)    /* (B, C, H, W) */
DDL_IN (3, rec_a)    /* (B, C, H, W) */
DDL_IN (4, mask)     /* (B, T, H, W) */
DDL_OUT (5, partials) /* (DDL_LOSS_N_ROWS, n_parts) */

void
main ()
{
  uint g = ddl_gid ();
  if (g >= p.n_parts)
    return;
  bool dist = (p.flags & DDL_LOSS_FLAG_DIST) != 0u;
  uint cstride = p.frames * p.hw;   /* between channels of one clip sample */
  float s_recon = 0.0, s_ratio = 0.0, s_count = 0.0, s_p = 0.0, s_n = 0.0;

  /* Invocation g covers pixels j, j + sample_parts, ... of sample b: no per-pixel
   * division (integer division is scalar code on lavapipe). */
  uint b = g / p.sample_parts;
  uint j = g - b * p.sample_parts;
  uint xbase = b * p.channels * p.frames * p.hw + p.frame * p.hw;
  uint rbase = b * p.channels * p.hw;
  uint mbase = (b * p.frames + p.frame) * p.hw;
  for (uint k = 0u; k < p.per; k++)
    {
      uint yx = j + k * p.sample_parts;
      if (yx >= p.hw)
        break;
      uint xi = xbase + yx;
      uint ri = rbase + yx;
      float m = dist ? LD (mask, mbase + yx) : 0.0;
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
      s_recon += sqrt (en) * p.inv_d;
      if (m != 0.0)
        {
          float pos = m * sqrt (ep) * p.inv_d;
          float neg = m * sqrt (eq) * p.inv_d;
          s_ratio += (pos + m * p.eps) / (neg + p.eps);
          s_count += 1.0;
          s_p += m * m * ep;
          s_n += m * m * eq;
        }
    }
  partials[DDL_LOSS_ROW_RECON * p.n_parts + g] = s_recon;
  partials[DDL_LOSS_ROW_RATIO * p.n_parts + g] = s_ratio;
  partials[DDL_LOSS_ROW_COUNT * p.n_parts + g] = s_count;
  partials[DDL_LOSS_ROW_SP * p.n_parts + g] = s_p;
  partials[DDL_LOSS_ROW_SN * p.n_parts + g] = s_n;
}

#elif defined(OP_FINALIZE)
DDL_IN (0, sums)     /* (DDL_LOSS_N_ROWS) */
DDL_OUT (1, values)  /* (DDL_LOSS_N_VALUES) */

void
main ()
{
  if (ddl_gid () != 0u)
    return;
  float recon = LD (sums, DDL_LOSS_ROW_RECON) / float (p.n_pixels);
  float count = LD (sums, DDL_LOSS_ROW_COUNT);
  float norm_p = sqrt (LD (sums, DDL_LOSS_ROW_SP));
  float norm_n = sqrt (LD (sums, DDL_LOSS_ROW_SN));
  float dist = 0.0;
  /* Without a masked pixel the term is 0 (the reference's non_zero_mean of nothing). */
  if ((p.flags & DDL_LOSS_FLAG_DIST) != 0u && count > 0.0)
    {
      if ((p.flags & DDL_LOSS_FLAG_NORM_RATIO) != 0u)
        dist = (norm_p + p.eps) / (norm_n + p.eps);
      else
        dist = LD (sums, DDL_LOSS_ROW_RATIO) / count;
    }
  values[DDL_LOSS_RECON] = recon;
  values[DDL_LOSS_DIST] = dist;
  values[DDL_LOSS_TOTAL] = recon + p.lambda * dist;
  values[DDL_LOSS_COUNT] = count;
  values[DDL_LOSS_NORM_P] = norm_p;
  values[DDL_LOSS_NORM_N] = norm_n;
  values[6] = 0.0;
  values[7] = 0.0;
}
#endif
