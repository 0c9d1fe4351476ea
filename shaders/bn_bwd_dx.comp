#version 450
#extension GL_GOOGLE_include_directive : require
/* BatchNorm2d backward, element-wise input gradient. With g = dy (masked by y > 0
 * with DDL_BN_RELU) and xhat = (x - mean) * invstd:
 *   training (DDL_BN_TRAIN): dx = gamma * invstd * (g - (dbeta + xhat * dgamma) / n),
 *     the batch statistics depend on x; dbeta, dgamma of this call from sums;
 *   eval: dx = gamma * invstd * g.
 * Each invocation handles p.vec consecutive elements of one plane. */
#include "common.glsl"
#include "tensor_index.glsl"

DDL_PARAMS (DdlBatchNormParams)
DDL_IN (0, dy)
DDL_IN (1, x)
DDL_IN (2, y)
DDL_IN (3, smean)
DDL_IN (4, sinvstd)
DDL_IN (5, gamma)
DDL_IN (6, sums)
DDL_OUT (7, dx)

void
main ()
{
  uint first = ddl_gid () * p.vec;
  if (first >= p.batch * p.channels * p.hw)
    return;
  uint s, c;
  uint plane = ddl_divmod (first, p.hw, s);
  ddl_divmod (plane, p.channels, c);
  float invstd = LD (sinvstd, p.invstd_off + c);
  if ((p.flags & DDL_BN_FROM_VAR) != 0u)
    invstd = 1.0 / sqrt (invstd + p.eps);
  float k = LD (gamma, p.gamma_off + c) * invstd;
  bool relu = (p.flags & DDL_BN_RELU) != 0u;
  bool train = (p.flags & DDL_BN_TRAIN) != 0u;
  /* Training: dx = k * (g - dbeta / n - (x - mean) * invstd * dgamma / n). */
  float n = float (p.batch_total) * float (p.hw);
  float mean = LD (smean, p.mean_off + c);
  float db_n = LD (sums, 2u * c) / n;
  float dg_n = invstd * LD (sums, 2u * c + 1u) / n;
  for (uint j = 0u; j < p.vec; j++)
    {
      uint i = first + j;
      float g = LD (dy, i);
      if (relu && !(LD (y, i) > 0.0))
        g = 0.0;
      if (train)
        g -= db_n + (LD (x, i) - mean) * dg_n;
      dx[i] = k * g;
    }
}
