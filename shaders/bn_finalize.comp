#version 450
#extension GL_GOOGLE_include_directive : require
/* BatchNorm2d, second pass: one invocation per channel merges the
 * batch_total * n_chunks partials of bn_partial.comp. The host keeps
 * 2 * batch_total * (n_chunks + 1) within the loop budget.
 *
 * OP_STATS: Chan's parallel merge: mean = sum n_k m_k / n and
 *           M2 = sum (M2_k + n_k (m_k - mean)^2), every term >= 0. Writes the batch
 *           mean and 1 / sqrt (var + eps) (biased var, as PyTorch normalises) and
 *           moves the running stats towards the batch ones, the running variance
 *           towards the unbiased var * n / (n - 1).
 * OP_GRAD:  dbeta = sum g, dgamma = invstd * sum g (x - mean), written (or added,
 *           DDL_BN_ACCUMULATE) to the parameter gradients and, unaccumulated, to
 *           sums[2c], sums[2c + 1] for bn_bwd_dx.comp. */
#include "common.glsl"

DDL_PARAMS (DdlBatchNormParams)
#if defined(OP_STATS)
DDL_IN (0, partial)
DDL_OUT (1, smean)
DDL_OUT (2, sinvstd)
DDL_OUT (3, run_mean)
DDL_OUT (4, run_var)
#elif defined(OP_GRAD)
DDL_IN (0, partial)
DDL_IN (1, sinvstd)
DDL_OUT (2, dgamma)
DDL_OUT (3, dbeta)
DDL_OUT (4, sums)
#endif

void
main ()
{
  uint c = ddl_gid ();
  if (c >= p.channels)
    return;
  uint K = p.n_chunks;
  uint base = c * p.batch_total * K;

#if defined(OP_STATS)
  /* Chunk k of a plane holds ceil ((hw - k) / K) elements. */
  uint q = p.hw / K;
  uint rem = p.hw % K;
  /* Deviations from the first chunk's mean: a float sum of n_k m_k would round at
   * the scale of n * mean. */
  float m0 = LD (partial, base * 2u);
  float acc = 0.0;
  for (uint b = 0u; b < p.batch_total; b++)
    for (uint k = 0u; k < K; k++)
      {
        float nk = float (q + (k < rem ? 1u : 0u));
        acc += nk * (LD (partial, (base + b * K + k) * 2u) - m0);
      }
  float n = float (p.batch_total) * float (p.hw);
  float mean = m0 + acc / n;
  float m2 = 0.0;
  for (uint b = 0u; b < p.batch_total; b++)
    for (uint k = 0u; k < K; k++)
      {
        uint j = (base + b * K + k) * 2u;
        float nk = float (q + (k < rem ? 1u : 0u));
        float d = LD (partial, j) - mean;
        m2 += LD (partial, j + 1u) + nk * d * d;
      }
  float var = m2 / n;
  smean[p.mean_off + c] = mean;
  sinvstd[p.invstd_off + c] = 1.0 / sqrt (var + p.eps);
  float m = p.momentum;
  run_mean[p.run_mean_off + c] = (1.0 - m) * run_mean[p.run_mean_off + c] + m * mean;
  run_var[p.run_var_off + c] = (1.0 - m) * run_var[p.run_var_off + c] + m * (m2 / (n - 1.0));

#elif defined(OP_GRAD)
  float g_sum = 0.0;
  float gx_sum = 0.0;
  for (uint j = base; j < base + p.batch_total * K; j++)
    {
      g_sum += LD (partial, j * 2u);
      gx_sum += LD (partial, j * 2u + 1u);
    }
  float invstd = LD (sinvstd, p.invstd_off + c);
  if ((p.flags & DDL_BN_FROM_VAR) != 0u)
    invstd = 1.0 / sqrt (invstd + p.eps);
  float dg = gx_sum * invstd;
  if ((p.flags & DDL_BN_ACCUMULATE) != 0u)
    {
      dgamma[p.dgamma_off + c] += dg;
      dbeta[p.dbeta_off + c] += g_sum;
    }
  else
    {
      dgamma[p.dgamma_off + c] = dg;
      dbeta[p.dbeta_off + c] = g_sum;
    }
  sums[2u * c] = g_sum;
  sums[2u * c + 1u] = dg;
#endif
}
