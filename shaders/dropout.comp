#version 450
#extension GL_GOOGLE_include_directive : require
/* Dropout: dst = keep ? src * scale : 0, p.vec consecutive elements per
 * invocation. The keep mask is a pure function of (seed, counter, element index):
 * the forward and the backward (same kernel, applied to dy) draw the same mask,
 * and a replayed command draws a new one once the model advances the counter,
 * which is read from a buffer (a whole float) rather than baked into the push
 * constants. The C reference (ddl_ref_dropout_keep) computes the same hash. */
#include "common.glsl"

DDL_PARAMS (DdlDropoutParams)
DDL_IN (0, src)
DDL_IN (1, counter)
DDL_OUT (2, dst)

/* Chris Wellons' "lowbias32" integer hash: full avalanche in a few operations. */
uint
ddl_hash32 (uint x)
{
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

void
main ()
{
  uint first = ddl_gid () * p.vec;
  uint end = min (first + p.vec, p.n);
  if (first >= end)
    return;
  uint key = 0u;
  if (p.p > 0.0)
    key = ddl_hash32 (ddl_hash32 (p.seed) ^ uint (LD (counter, p.counter_off)));
  for (uint i = first; i < end; i++)
    {
      float v = LD (src, i);
      if (p.p > 0.0)
        {
          uint h = ddl_hash32 (ddl_hash32 (p.first + i) ^ key);
          float u = float (h >> 8) * (1.0 / 16777216.0);   /* 24 bits: exact, in [0, 1) */
          v = u >= p.p ? v * p.scale : 0.0;
        }
      dst[i] = v;
    }
}
