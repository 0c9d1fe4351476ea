#version 450
#extension GL_GOOGLE_include_directive : require
/* One Adam update (torch.optim.Adam: no weight decay, amsgrad off), one invocation per
 * element of a flat parameter buffer:
 *   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2
 *   denom = sqrt (v) / sqrt (1 - b2^t) + eps,  p -= lr / (1 - b1^t) * m / denom
 * t and lr are read from the state buffer, so a recorded command can be replayed
 * every step after the step counter was advanced (ddl_op_adam_step does both). */
#include "common.glsl"

DDL_PARAMS (DdlAdamParams)
DDL_IN (0, grad)     /* (n) */
DDL_IN (1, state)    /* t, lr at state_index */
/* param, m and v are bound twice, read through the input path and written through
 * storage buffers: on lavapipe a storage-buffer load costs ~7x a texel fetch. Each
 * invocation reads and writes only its own element, so the aliasing is safe. */
DDL_IN (2, param_in)
DDL_IN (3, m1_in)
DDL_IN (4, m2_in)
DDL_OUT (5, param)   /* (n) */
DDL_OUT (6, m1)      /* (n) first moment */
DDL_OUT (7, m2)      /* (n) second moment */

/* exp (x) - 1 without the cancellation of 1 - b2^t at small t (x = t ln b2 is about
 * -1e-3 at t = 1): a Taylor polynomial near 0 (error below 4e-10 relative), exp
 * beyond, where |expm1 (x)| > 0.22. Does not rely on the device's exp accuracy near 1. */
float
ddl_expm1 (float x)
{
  if (abs (x) < 0.25)
    return x * (1.0 + x * (1.0 / 2.0 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0
           + x * (1.0 / 720.0 + x * (1.0 / 5040.0)))))));
  return exp (x) - 1.0;
}

void
main ()
{
  uint k = ddl_gid ();
  if (k >= p.n)
    return;
  uint i = p.offset + k;
  float t = LD (state, p.state_index);
  float lr = LD (state, p.state_index + 1u);
  float bias1 = -ddl_expm1 (t * p.log_beta1);
  float bias2 = -ddl_expm1 (t * p.log_beta2);
  float g = LD (grad, i);
  float mv = p.beta1 * LD (m1_in, i) + p.one_minus_beta1 * g;
  float vv = p.beta2 * LD (m2_in, i) + p.one_minus_beta2 * g * g;
  m1[i] = mv;
  m2[i] = vv;
  float denom = sqrt (vv) / sqrt (bias2) + p.eps;
  param[i] = LD (param_in, i) - (lr / bias1) * mv / denom;
}
