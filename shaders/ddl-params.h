/* Push-constant structs shared by C and GLSL.
 *
 * Every field is a 4-byte scalar so the std430 and C layouts cannot drift apart;
 * C checks each struct against the 128-byte push-constant minimum. glslang defines
 * VULKAN when it compiles for Vulkan. */
#ifndef DDL_PARAMS_H
#define DDL_PARAMS_H

#ifdef VULKAN
#define DDL_U32 uint
#define DDL_I32 int
#define DDL_F32 float
#define DDL_PUSH(T) struct T
#define DDL_PUSH_END(T)
#else
#include <stdint.h>
#define DDL_U32 uint32_t
#define DDL_I32 int32_t
#define DDL_F32 float
#define DDL_PUSH(T) typedef struct T
#define DDL_PUSH_END(T) T
#endif

/* Per-invocation loop budget. Mesa 22.3's lavapipe silently stops looping after
 * 65,535 loop iterations per invocation (summed over all loops), so every kernel
 * keeps its total trip count below this and the host splits bigger work. */
#define DDL_LOOP_BUDGET 16384

DDL_PUSH (DdlFillParams) {
  DDL_U32 n;
  DDL_F32 value;
} DDL_PUSH_END (DdlFillParams);

DDL_PUSH (DdlCopyParams) {
  DDL_U32 n;
  DDL_U32 src_offset;   /* elements */
  DDL_U32 dst_offset;   /* elements */
} DDL_PUSH_END (DdlCopyParams);

DDL_PUSH (DdlAxpyParams) {
  DDL_U32 n;
  DDL_F32 alpha;        /* dst += alpha * src */
} DDL_PUSH_END (DdlAxpyParams);

DDL_PUSH (DdlLoopProbeParams) {
  DDL_U32 n;            /* invocations */
  DDL_U32 iterations;   /* loop trip count per invocation */
} DDL_PUSH_END (DdlLoopProbeParams);

/* Row sums in chunks: group g = row * n_chunks + c sums the row's elements
 * [c * chunk_len, min (row_len, (c + 1) * chunk_len)) into dst[g]:
 * dst[g] = scale * sum + beta * dst[g]. chunk_len <= DDL_LOOP_BUDGET; the host
 * (ddl_op_reduce_rows) chains passes until one chunk per row is left. */
DDL_PUSH (DdlReduceParams) {
  DDL_U32 n_groups;
  DDL_U32 row_len;
  DDL_U32 chunk_len;
  DDL_U32 n_chunks;
  DDL_F32 scale;
  DDL_F32 beta;
} DDL_PUSH_END (DdlReduceParams);

#include "params-conv.h"
#include "params-conv3d.h"
#include "params-layers.h"
#include "params-loss.h"

#endif
