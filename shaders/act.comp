#version 450
#extension GL_GOOGLE_include_directive : require
/* Element-wise activations, p.vec consecutive elements per invocation. The backward
 * kernels take the forward output y, so the input need not be kept:
 *   relu:    y = max (0, x),      dx = y > 0 ? dy : 0
 *   sigmoid: y = 1 / (1 + e^-x),  dx = dy * y * (1 - y) */
#include "common.glsl"

DDL_PARAMS (DdlActParams)
#if defined(OP_RELU_FWD) || defined(OP_SIGMOID_FWD)
DDL_IN (0, x)
DDL_OUT (1, y)
#else
DDL_IN (0, dy)
DDL_IN (1, y)
DDL_OUT (2, dx)
#endif

void
main ()
{
  uint first = ddl_gid () * p.vec;
  uint end = min (first + p.vec, p.n);
  for (uint i = first; i < end; i++)
    {
#if defined(OP_RELU_FWD)
      y[i] = max (LD (x, i), 0.0);
#elif defined(OP_RELU_BWD)
      dx[i] = LD (y, i) > 0.0 ? LD (dy, i) : 0.0;
#elif defined(OP_SIGMOID_FWD)
      /* exp overflows to +inf for x < -88 and 1 / inf = 0, the right limit. */
      y[i] = 1.0 / (1.0 + exp (-LD (x, i)));
#elif defined(OP_SIGMOID_BWD)
      float s = LD (y, i);
      dx[i] = LD (dy, i) * s * (1.0 - s);
#endif
    }
}
