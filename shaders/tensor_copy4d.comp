#version 450
#extension GL_GOOGLE_include_directive : require
/* Data movement without arithmetic:
 * OP_COPY4D:        the strided copy of DdlCopy4dParams (concat/split along
 *                   channels, NCTHW <-> frame-major permutes, frame slices);
 * OP_FRAME_BWD: backward of a frame slice, the frame written, the rest zeroed.
 * Each invocation moves p.vec consecutive elements of one innermost row: on
 * lavapipe the index arithmetic costs as much as the memory traffic, so it is done
 * once per run (measured 3.5x faster than one element per invocation). */
#include "common.glsl"
#include "tensor_index.glsl"

#if defined(OP_COPY4D)
DDL_PARAMS (DdlCopy4dParams)
#else
DDL_PARAMS (DdlFrameScatterParams)
#endif
DDL_IN (0, src)
DDL_OUT (1, dst)

void
main ()
{
  uint first = ddl_gid () * p.vec;
  if (first >= p.n)
    return;
#if defined(OP_COPY4D)
  uint i1, i2, i3;
  uint t = ddl_divmod (first, p.d3, i3);
  t = ddl_divmod (t, p.d2, i2);
  uint i0 = ddl_divmod (t, p.d1, i1);
  uint s = p.src_off + i0 * p.src_s0 + i1 * p.src_s1 + i2 * p.src_s2 + i3;
  uint d = p.dst_off + i0 * p.dst_s0 + i1 * p.dst_s1 + i2 * p.dst_s2 + i3;
  bool acc = p.accumulate != 0u;
  for (uint j = 0u; j < p.vec; j++)
    {
      float v = LD (src, s + j);
      if (acc)
        v += dst[d + j];
      dst[d + j] = v;
    }
#else
  uint s, t;
  uint row = ddl_divmod (first, p.hw, s);
  row = ddl_divmod (row, p.frames, t);
  bool hit = t == p.frame;
  uint base = row * p.hw + s;
  for (uint j = 0u; j < p.vec; j++)
    dst[first + j] = hit ? LD (src, base + j) : 0.0;
#endif
}
