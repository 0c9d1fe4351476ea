#version 450
#extension GL_GOOGLE_include_directive : require
/* pixel_shuffle (2) and pixel_unshuffle (2) in PyTorch's channel order:
 *   hi[b, c, 2h + a, 2w + e] = lo[b, 4c + 2a + e, h, w]
 * OP_SHUFFLE gathers hi from lo, OP_UNSHUFFLE lo from hi; each is the other's
 * backward. Either side may be a channel slice of a bigger tensor (the model
 * concatenates along channels). Each invocation writes p.vec consecutive elements
 * of one output row, so stores are contiguous and the index arithmetic is done
 * once per run. */
#include "common.glsl"
#include "tensor_index.glsl"

DDL_PARAMS (DdlShuffleParams)
DDL_IN (0, src)
DDL_OUT (1, dst)

void
main ()
{
  uint first = ddl_gid () * p.vec;
  if (first >= p.n)
    return;
  uint H = p.height, W = p.width;
  uint b, c, a, h, r, t;
  bool acc = p.accumulate != 0u;
#if defined(OP_SHUFFLE)
  /* first indexes hi (b, c, 2H, 2W): a run of output columns ox0 + j. */
  uint ox0;
  t = ddl_divmod (first, 2u * W, ox0);
  t = ddl_divmod (t, 2u * H, r);
  h = r >> 1;
  a = r & 1u;
  b = ddl_divmod (t, p.channels, c);
  /* Column ox reads lo plane 4c + 2a + (ox & 1) at w = ox >> 1. */
  uint s0 = ((b * p.in_ctotal + p.in_c0 + 4u * c + 2u * a) * H + h) * W;
  uint d0 = ((b * p.out_ctotal + p.out_c0 + c) * 2u * H + 2u * h + a) * 2u * W;
  for (uint j = 0u; j < p.vec; j++)
    {
      uint ox = ox0 + j;
      float v = LD (src, s0 + (ox & 1u) * H * W + (ox >> 1));
      if (acc)
        v += dst[d0 + ox];
      dst[d0 + ox] = v;
    }
#else
  /* first indexes lo (b, 4c + 2a + e, H, W): a run of columns w0 + j. */
  uint w0;
  t = ddl_divmod (first, W, w0);
  t = ddl_divmod (t, H, h);
  b = ddl_divmod (t, 4u * p.channels, r);
  c = r >> 2;
  a = (r >> 1) & 1u;
  uint e = r & 1u;
  uint s0 = ((b * p.in_ctotal + p.in_c0 + c) * 2u * H + 2u * h + a) * 2u * W + e;
  uint d0 = ((b * p.out_ctotal + p.out_c0 + r) * H + h) * W;
  for (uint j = 0u; j < p.vec; j++)
    {
      uint w = w0 + j;
      float v = LD (src, s0 + 2u * w);
      if (acc)
        v += dst[d0 + w];
      dst[d0 + w] = v;
    }
#endif
}
