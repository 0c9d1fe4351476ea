/* The only translation unit that includes the generated SPIR-V arrays. */
#include <stdint.h>

#include "ddl-vk.h"
#include "ddl-spirv-includes.h"

const DdlKernelSpirv ddl_kernel_spirv[DDL_KERNEL_COUNT] = {
#define DDL_KERNEL(name, source, defines, io, Params) \
  [DDL_KERNEL_##name] = { #name, io, sizeof (Params), \
                          ddl_spv_##name##_tex, sizeof ddl_spv_##name##_tex, \
                          ddl_spv_##name##_ssbo, sizeof ddl_spv_##name##_ssbo },
#include "ddl-kernels.def"
#undef DDL_KERNEL
};

/* Push constants must fit the 128 bytes every Vulkan device guarantees. */
#define DDL_KERNEL(name, source, defines, io, Params) \
  _Static_assert (sizeof (Params) <= 128, #Params " exceeds 128 bytes of push constants");
#include "ddl-kernels.def"
#undef DDL_KERNEL

const DdlKernelInfo *
ddl_kernel_info (DdlKernelId kernel)
{
  static DdlKernelInfo infos[DDL_KERNEL_COUNT];
  g_return_val_if_fail (kernel < DDL_KERNEL_COUNT, NULL);
  if (infos[kernel].name == NULL)
    {
      infos[kernel].io = ddl_kernel_spirv[kernel].io;
      infos[kernel].params_size = ddl_kernel_spirv[kernel].params_size;
      infos[kernel].name = ddl_kernel_spirv[kernel].name;
    }
  return &infos[kernel];
}
