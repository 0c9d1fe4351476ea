#version 450
#extension GL_GOOGLE_include_directive : require
/* BatchNorm2d forward, element-wise: y = (x - mean) * invstd * gamma + beta, then
 * max (0, y) with DDL_BN_RELU. Training mode passes the batch statistics of
 * bn_finalize.comp, eval mode the running ones (DDL_BN_FROM_VAR: the invstd
 * binding holds the running variance). Each invocation handles p.vec consecutive
 * elements of one plane: the channel and its constants are looked up once. */
#include "common.glsl"
#include "tensor_index.glsl"

DDL_PARAMS (DdlBatchNormParams)
DDL_IN (0, x)
DDL_IN (1, smean)
DDL_IN (2, sinvstd)
DDL_IN (3, gamma)
DDL_IN (4, beta)
DDL_OUT (5, y)

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
  float mean = LD (smean, p.mean_off + c);
  float scale = invstd * LD (gamma, p.gamma_off + c);
  float shift = LD (beta, p.beta_off + c);
  bool relu = (p.flags & DDL_BN_RELU) != 0u;
  for (uint j = 0u; j < p.vec; j++)
    {
      float v = (LD (x, first + j) - mean) * scale + shift;
      y[first + j] = relu ? max (v, 0.0) : v;
    }
}
