/* Shared by every kernel: I/O macros for the two buffer paths, invocation index.
 *
 * Inputs are declared with DDL_IN and read with LD(). With DDL_TEXEL_IO they are
 * R32F uniform texel buffers: on Mesa 22.3's lavapipe a storage-buffer load costs
 * about 180 cycles per 8 lanes, a texel fetch about 25. Without it they are
 * readonly storage buffers, the fast path on real GPUs. */
#extension GL_KHR_shader_subgroup_basic : enable

#include "ddl-params.h"

layout(local_size_x_id = 0) in;
layout(local_size_y = 1, local_size_z = 1) in;

#ifdef DDL_TEXEL_IO
#define DDL_IN(b, name) layout(set = 0, binding = b) uniform samplerBuffer name;
#define LD(name, i) texelFetch(name, int(i)).x
#else
#define DDL_IN(b, name) layout(set = 0, binding = b, std430) readonly buffer name##_ssbo { float name[]; };
#define LD(name, i) name[i]
#endif
/* The one push-constant block of a kernel: DDL_PARAMS (DdlConv2dParams) gives p.field. */
#define DDL_PARAMS(T) layout(push_constant) uniform DdlPush { T p; };
#define DDL_OUT(b, name) layout(set = 0, binding = b, std430) buffer name##_ssbo { float name[]; };

/* Flat invocation index. The host spreads large dispatches over y because
 * maxComputeWorkGroupCount[0] may be 65,535. */
uint
ddl_gid (void)
{
  return gl_GlobalInvocationID.x
         + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
}

/* Flat workgroup index, for kernels dispatched with ddl_cmd_dispatch_groups(). */
uint
ddl_group_id (void)
{
  return gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
}
