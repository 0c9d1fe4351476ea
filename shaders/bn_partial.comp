#version 450
#extension GL_GOOGLE_include_directive : require
/* BatchNorm2d, first pass: one invocation per (channel c, image b, chunk k) reduces
 * the strided elements s = k, k + n_chunks, ... < hw of the plane (b, c), so that
 * neighbouring lanes read neighbouring floats. bn_finalize.comp merges the
 * partials of a channel. The host keeps 2 * ceil (hw / n_chunks) within the loop
 * budget (see DdlBatchNormParams).
 *
 * OP_STATS: (chunk mean, sum of squared deviations from it). Two passes over the
 *           chunk (the second hits the cache) and Chan's merge later keep the
 *           variance free of the cancellation of E[x^2] - E[x]^2.
 * OP_GRAD:  (sum g, sum g * (x - mean)) with g = dy, masked by y > 0 with RELU. */
#include "common.glsl"
#include "tensor_index.glsl"

DDL_PARAMS (DdlBatchNormParams)
#if defined(OP_STATS)
DDL_IN (0, x)
DDL_OUT (1, partial)
#elif defined(OP_GRAD)
DDL_IN (0, dy)
DDL_IN (1, x)
DDL_IN (2, y)
DDL_IN (3, smean)
DDL_IN (4, sinvstd)
DDL_OUT (5, partial)
#endif

void
main ()
{
  uint gid = ddl_gid ();
  uint per_channel = p.batch * p.n_chunks;
  if (gid >= p.channels * per_channel)
    return;
  uint j, k;
  uint c = ddl_divmod (gid, per_channel, j);
  uint b = ddl_divmod (j, p.n_chunks, k);
  uint base = (b * p.channels + c) * p.hw;
  uint dst = ((c * p.batch_total + p.b_first + b) * p.n_chunks + k) * 2u;

#if defined(OP_STATS)
  /* Summing x - x0 rather than x keeps the float sum small when the channel has a
   * large mean. */
  float x0 = LD (x, base + k);
  float sum = 0.0;
  float count = 0.0;
  for (uint s = k; s < p.hw; s += p.n_chunks)
    {
      sum += LD (x, base + s) - x0;
      count += 1.0;
    }
  float m = x0 + sum / count;
  float m2 = 0.0;
  for (uint s = k; s < p.hw; s += p.n_chunks)
    {
      float d = LD (x, base + s) - m;
      m2 += d * d;
    }
  partial[dst] = m;
  partial[dst + 1u] = m2;

#elif defined(OP_GRAD)
  float mean = LD (smean, p.mean_off + c);
  bool relu = (p.flags & DDL_BN_RELU) != 0u;
  float g_sum = 0.0;
  float gx_sum = 0.0;
  for (uint s = k; s < p.hw; s += p.n_chunks)
    {
      float g = LD (dy, base + s);
      if (relu && !(LD (y, base + s) > 0.0))
        g = 0.0;
      g_sum += g;
      gx_sum += g * (LD (x, base + s) - mean);
    }
  partial[dst] = g_sum;
  partial[dst + 1u] = gx_sum;
#endif
}
