#version 450
#extension GL_GOOGLE_include_directive : require
/* Element-wise utilities: fill, copy with offsets, axpy. One invocation per element. */
#include "common.glsl"

#if defined(OP_FILL)
DDL_PARAMS (DdlFillParams)
DDL_OUT (0, dst)
void main () { uint i = ddl_gid (); if (i >= p.n) return; dst[i] = p.value; }

#elif defined(OP_COPY)
DDL_PARAMS (DdlCopyParams)
DDL_IN (0, src)
DDL_OUT (1, dst)
void main () { uint i = ddl_gid (); if (i >= p.n) return; dst[p.dst_offset + i] = LD (src, p.src_offset + i); }

#elif defined(OP_AXPY)
DDL_PARAMS (DdlAxpyParams)
DDL_IN (0, src)
DDL_OUT (1, dst)
void main () { uint i = ddl_gid (); if (i >= p.n) return; dst[i] += p.alpha * LD (src, i); }
#endif
