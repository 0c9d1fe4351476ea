#version 450
#extension GL_GOOGLE_include_directive : require
/* One chunk of one row per invocation (see DdlReduceParams). */
#include "common.glsl"

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
  float acc = 0.0;
  for (uint i = begin; i < end; i++)
    acc += LD (src, base + i);
  float r = p.scale * acc;
  if (p.beta != 0.0)
    r += p.beta * dst[g];
  dst[g] = r;
}
