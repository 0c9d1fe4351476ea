#version 450
#extension GL_GOOGLE_include_directive : require
/* Frame scoring as the reference test code: per-pixel error map
 * e = ||x - rec||_2 over channels / d, means of P x P patches on the outer grid and on
 * the inner grid offset by P / 2, frame score = max of the patch means.
 *
 * OP_MAP: one invocation per pixel (b, y, x).
 * OP_PATCH: one invocation per (b, patch); patches are numbered outer grid first, then
 *   inner grid, row-major. The host keeps P * P within the loop budget.
 * OP_MAX: row maxima in chunks, laid out like reduce_sum (DdlReduceParams, scale and
 *   beta unused); the host chains passes until one chunk per row is left. */
#include "common.glsl"

#if defined(OP_MAP)
DDL_PARAMS (DdlScoreParams)
DDL_IN (0, x)        /* (B, C, T, H, W) */
DDL_IN (1, rec)      /* (B, C, H, W) */
DDL_OUT (2, map)     /* (B, H, W) */

void
main ()
{
  uint q = ddl_gid ();
  uint hw = p.height * p.width;
  if (q >= p.batch * hw)
    return;
  uint b = q / hw;
  uint yx = q - b * hw;
  uint xi = (b * p.channels * p.frames + p.frame) * hw + yx;
  uint ri = b * p.channels * hw + yx;
  float e = 0.0;
  for (uint c = 0u; c < p.channels; c++)
    {
      float d = LD (x, xi + c * p.frames * hw) - LD (rec, ri + c * hw);
      e += d * d;
    }
  map[q] = sqrt (e) * p.inv_d;
}

#elif defined(OP_PATCH)
DDL_PARAMS (DdlScoreParams)
DDL_IN (0, map)      /* (B, H, W) */
DDL_OUT (1, means)   /* (B, n_patches) */

void
main ()
{
  uint g = ddl_gid ();
  if (g >= p.batch * p.n_patches)
    return;
  uint b = g / p.n_patches;
  uint k = g - b * p.n_patches;
  uint P = p.patch_size;
  uint n_outer = p.outer_x * p.outer_y;
  uint y0, x0;
  if (k < n_outer)
    {
      y0 = (k / p.outer_x) * P;
      x0 = (k % p.outer_x) * P;
    }
  else
    {
      k -= n_outer;
      y0 = P / 2u + (k / p.inner_x) * P;
      x0 = P / 2u + (k % p.inner_x) * P;
    }
  uint base = b * p.height * p.width + y0 * p.width + x0;
  float acc = 0.0;
  /* One flat loop of P * P iterations (nested loops would count P * P + P against the
   * loop budget), walking the rows with a counter instead of a division. */
  uint row = base, xx = 0u;
  for (uint j = 0u; j < P * P; j++)
    {
      acc += LD (map, row + xx);
      xx++;
      if (xx == P)
        {
          xx = 0u;
          row += p.width;
        }
    }
  means[g] = acc / float (P * P);
}

#elif defined(OP_MAX)
DDL_PARAMS (DdlReduceParams)
DDL_IN (0, src)
DDL_OUT (1, dst)

void
main ()
{
  uint g = ddl_gid ();
  if (g >= p.n_groups)
    return;
  uint row = g / p.n_chunks;
  uint c = g % p.n_chunks;
  uint begin = c * p.chunk_len;
  uint end = min (p.row_len, begin + p.chunk_len);
  uint base = row * p.row_len;
  float best = LD (src, base + begin);
  for (uint i = begin + 1u; i < end; i++)
    best = max (best, LD (src, base + i));
  dst[g] = best;
}
#endif
