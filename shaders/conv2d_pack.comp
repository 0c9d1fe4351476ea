#version 450
#extension GL_GOOGLE_include_directive : require
/* Weights (Cout, Cin, K, K) to the layout conv2d_fwd reads (DdlConv2dPackParams),
 * one invocation per packed element. Runs every time a recorded command does,
 * so the packed copy follows the weights as the optimiser updates them. */
#include "common.glsl"

DDL_PARAMS (DdlConv2dPackParams)
DDL_IN (0, weight)   /* (Cout, Cin, K, K), PyTorch layout of the layer */
DDL_OUT (1, packed)  /* (n_cb, cin, K, K, tm) */

void
main ()
{
  uint i = ddl_gid ();
  if (i >= p.n)
    return;
  uint kk = p.k * p.k;
  uint t = i % p.tm;
  uint r = i / p.tm;
  uint tap = r % kk;
  r /= kk;
  uint ci = r % p.cin;
  uint co = (r / p.cin) * p.tm + t;
  float value = 0.0;
  if (co < p.cout)
    {
      uint src;
      if (p.transpose != 0u)
        /* The layer's output channel is this conv's input channel ci and vice
         * versa; the taps are flipped (tap -> kk - 1 - tap). */
        src = (ci * p.cout + co) * kk + (kk - 1u - tap);
      else
        src = (co * p.cin + ci) * kk + tap;
      value = LD (weight, src);
    }
  packed[i] = value;
}
