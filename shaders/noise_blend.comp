#version 450
#extension GL_GOOGLE_include_directive : require
/* Pseudo-anomaly blend of the DDL Pseudo Anomaly Creator over a clip (B, C, T, H, W)
 * with its object mask (B, T, H, W), repeated over channels:
 *   xa = (1 - m) x + m ((1 - s) x + s a),  s = sigmoid (l)
 * l is one element of the parameter buffer (it changes every step, so it is never a
 * push constant).
 *
 * OP_FWD: one invocation per mask element, all C channels.
 * OP_BWD: invocation g takes `per` mask elements of one sample and their C channels: optional dx = dxa ((1 - m) + m (1 - s)), and the partial sum of
 *   dxa m (a - x) into partials[g]; ddl_op_reduce_rows sums those.
 * OP_DL: one invocation: grad[grad_index] += sum * s (1 - s). */
#include "common.glsl"

DDL_PARAMS (DdlBlendParams)

float
sigmoid_of (float l)
{
  return 1.0 / (1.0 + exp (-l));
}

#if defined(OP_FWD)
DDL_IN (0, x)        /* (B, C, T, H, W) */
DDL_IN (1, a)        /* (B, C, T, H, W) noise */
DDL_IN (2, mask)     /* (B, T, H, W) */
DDL_IN (3, lparam)   /* l at l_index */
DDL_OUT (4, xa)      /* (B, C, T, H, W) */

/* One invocation per mask element (b, t, y, x), looping over the C channels: one mask
 * read and one integer division (scalar on lavapipe) per C elements. */
void
main ()
{
  uint j = ddl_gid ();
  if (j >= p.n / p.channels)
    return;
  float s = sigmoid_of (LD (lparam, p.l_index));
  float m = LD (mask, j);
  uint b = j / p.thw;
  uint i = j + b * (p.channels - 1u) * p.thw;   /* (b, 0, r) */
  for (uint c = 0u; c < p.channels; c++, i += p.thw)
    {
      float xv = LD (x, i);
      xa[i] = (1.0 - m) * xv + m * ((1.0 - s) * xv + s * LD (a, i));
    }
}

#elif defined(OP_BWD)
DDL_IN (0, x)
DDL_IN (1, a)
DDL_IN (2, mask)
DDL_IN (3, lparam)
DDL_IN (4, dxa)      /* (B, C, T, H, W) */
DDL_OUT (5, partials) /* (n_parts) */
DDL_OUT (6, dx)      /* (B, C, T, H, W), if DDL_BLEND_FLAG_DX */

/* Walks mask elements r, r + sample_parts, ... of one sample b, then their channels:
 * one mask read per C elements, no per-element division (scalar code on lavapipe),
 * and no work at all outside the objects unless dx is wanted. */
void
main ()
{
  uint g = ddl_gid ();
  if (g >= p.n_parts)
    return;
  float s = sigmoid_of (LD (lparam, p.l_index));
  bool want_dx = (p.flags & DDL_BLEND_FLAG_DX) != 0u;
  uint b = g / p.sample_parts;
  uint r0 = g - b * p.sample_parts;
  uint mbase = b * p.thw;
  uint xbase = b * p.channels * p.thw;
  float acc = 0.0;
  for (uint k = 0u; k < p.per; k++)
    {
      uint r = r0 + k * p.sample_parts;
      if (r >= p.thw)
        break;
      float m = LD (mask, mbase + r);
      if (m == 0.0 && !want_dx)
        continue;
      uint i = xbase + r;
      for (uint c = 0u; c < p.channels; c++, i += p.thw)
        {
          float d = LD (dxa, i);
          if (m != 0.0)
            acc += d * m * (LD (a, i) - LD (x, i));
          if (want_dx)
            dx[i] = d * ((1.0 - m) + m * (1.0 - s));
        }
    }
  partials[g] = acc;
}

#elif defined(OP_DL)
DDL_IN (0, sum)      /* (1) */
DDL_IN (1, lparam)
DDL_OUT (2, grad)

void
main ()
{
  if (ddl_gid () != 0u)
    return;
  float s = sigmoid_of (LD (lparam, p.l_index));
  grad[p.grad_index] += LD (sum, 0) * s * (1.0 - s);
}
#endif
