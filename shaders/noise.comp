#version 450
#extension GL_GOOGLE_include_directive : require
/* Counter-based uniform noise and the step counters.
 *
 * OP_UNIFORM: Philox-4x32-10 (Salmon et al., SC'11). Invocation i encrypts the counter
 * (i, c, stream, 0) under the key (seed_lo, seed_hi), where c is the float counter at
 * state[counter_index], and writes its four words to elements 4i .. 4i+3 as 24-bit
 * uniforms in [0, 1). The counter lives in a buffer so that every replay of a recorded
 * command draws fresh noise once OP_COUNTER (or the host) has advanced it.
 * OP_COUNTER: state[index] += value, one invocation. */
#include "common.glsl"

#if defined(OP_UNIFORM)
DDL_PARAMS (DdlNoiseParams)
DDL_IN (0, state)
DDL_OUT (1, dst)

uvec4
philox_round (uvec4 c, uvec2 k)
{
  uint hi0, lo0, hi1, lo1;
  umulExtended (0xD2511F53u, c.x, hi0, lo0);
  umulExtended (0xCD9E8D57u, c.z, hi1, lo1);
  return uvec4 (hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
}

void
main ()
{
  uint i = ddl_gid ();
  uint first = i * 4u;
  if (first >= p.n)
    return;
  uvec4 c = uvec4 (i, uint (LD (state, p.counter_index)), p.stream, 0u);
  uvec2 k = uvec2 (p.seed_lo, p.seed_hi);
  for (uint r = 0u; r < 10u; r++)
    {
      c = philox_round (c, k);
      k += uvec2 (0x9E3779B9u, 0xBB67AE85u);
    }
  /* The top 24 bits, exactly representable: the largest value is 1 - 2^-24. */
  vec4 u = vec4 (c >> 8u) * (1.0 / 16777216.0);
  uint left = p.n - first;
  dst[first] = u.x;
  if (left > 1u)
    dst[first + 1u] = u.y;
  if (left > 2u)
    dst[first + 2u] = u.z;
  if (left > 3u)
    dst[first + 3u] = u.w;
}

#elif defined(OP_COUNTER)
DDL_PARAMS (DdlCounterParams)
DDL_OUT (0, state)

void
main ()
{
  if (ddl_gid () == 0u)
    state[p.index] += p.value;
}
#endif
