#version 450
#extension GL_GOOGLE_include_directive : require
/* Runs a counted loop and writes the trip count it actually made. The test uses it
 * to show whether the device has lavapipe's 65,535-iteration limit, so that the
 * chunking tests are known to exercise it. */
#include "common.glsl"

DDL_PARAMS (DdlLoopProbeParams)
DDL_OUT (0, dst)

void
main ()
{
  uint i = ddl_gid ();
  if (i >= p.n)
    return;
  float count = 0.0;
  for (uint k = 0; k < p.iterations; k++)
    count += 1.0;
  dst[i] = count;
}
