/* Compute pipelines, built on first use from the SPIR-V compiled at build time.
 * Inputs ('r' bindings) are uniform texel buffers on the texel I/O path and
 * readonly storage buffers otherwise; the workgroup size is specialization
 * constant 0. */
#include "ddl-vk.h"

#include <string.h>

VkDescriptorType
ddl_vk_binding_type (DdlEngine *engine, char io)
{
  return io == 'r' && engine->texel_io ? VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER
                                       : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
}

gboolean
ddl_vk_get_pipeline (DdlEngine *engine, DdlKernelId kernel, GError **error)
{
  DdlVk *vk = &engine->vk;
  const DdlKernelSpirv *k = &ddl_kernel_spirv[kernel];
  guint n_bindings = strlen (k->io);
  VkDescriptorSetLayoutBinding bindings[16];
  VkShaderModule module = VK_NULL_HANDLE;
  gboolean ok;

  if (engine->pipelines[kernel] != VK_NULL_HANDLE)
    return TRUE;
  g_assert (n_bindings <= G_N_ELEMENTS (bindings));
  /* Leftovers of an earlier attempt that failed half way. */
  if (engine->pipeline_layouts[kernel] != VK_NULL_HANDLE)
    vk->vkDestroyPipelineLayout (engine->device, engine->pipeline_layouts[kernel], NULL);
  if (engine->set_layouts[kernel] != VK_NULL_HANDLE)
    vk->vkDestroyDescriptorSetLayout (engine->device, engine->set_layouts[kernel], NULL);
  engine->pipeline_layouts[kernel] = VK_NULL_HANDLE;
  engine->set_layouts[kernel] = VK_NULL_HANDLE;

  for (guint i = 0; i < n_bindings; i++)
    bindings[i] = (VkDescriptorSetLayoutBinding) {
      .binding = i,
      .descriptorType = ddl_vk_binding_type (engine, k->io[i]),
      .descriptorCount = 1,
      .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
    };
  VkDescriptorSetLayoutCreateInfo set_info = {
    .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
    .bindingCount = n_bindings,
    .pBindings = bindings,
  };
  if (!ddl_vk_check (vk->vkCreateDescriptorSetLayout (engine->device, &set_info, NULL,
                                                      &engine->set_layouts[kernel]),
                     "vkCreateDescriptorSetLayout", error))
    return FALSE;

  VkPushConstantRange range = {
    .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
    .offset = 0,
    .size = k->params_size,
  };
  VkPipelineLayoutCreateInfo layout_info = {
    .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
    .setLayoutCount = 1,
    .pSetLayouts = &engine->set_layouts[kernel],
    .pushConstantRangeCount = k->params_size > 0 ? 1 : 0,
    .pPushConstantRanges = &range,
  };
  if (!ddl_vk_check (vk->vkCreatePipelineLayout (engine->device, &layout_info, NULL,
                                                 &engine->pipeline_layouts[kernel]),
                     "vkCreatePipelineLayout", error))
    return FALSE;

  VkShaderModuleCreateInfo module_info = {
    .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
    .codeSize = engine->texel_io ? k->spirv_tex_size : k->spirv_ssbo_size,
    .pCode = engine->texel_io ? k->spirv_tex : k->spirv_ssbo,
  };
  if (!ddl_vk_check (vk->vkCreateShaderModule (engine->device, &module_info, NULL, &module),
                     "vkCreateShaderModule", error))
    return FALSE;

  guint32 local_size = engine->local_size;
  VkSpecializationMapEntry entry = { 0, 0, sizeof (guint32) };
  VkSpecializationInfo spec = { 1, &entry, sizeof local_size, &local_size };
  VkComputePipelineCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
    .stage = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
      .stage = VK_SHADER_STAGE_COMPUTE_BIT,
      .module = module,
      .pName = "main",
      .pSpecializationInfo = &spec,
    },
    .layout = engine->pipeline_layouts[kernel],
  };
  ok = ddl_vk_check (vk->vkCreateComputePipelines (engine->device, VK_NULL_HANDLE, 1, &info, NULL,
                                                   &engine->pipelines[kernel]),
                     k->name, error);
  vk->vkDestroyShaderModule (engine->device, module, NULL);
  return ok;
}

void
ddl_vk_destroy_pipelines (DdlEngine *engine)
{
  DdlVk *vk = &engine->vk;
  for (guint i = 0; i < DDL_KERNEL_COUNT; i++)
    {
      if (engine->pipelines[i] != VK_NULL_HANDLE)
        vk->vkDestroyPipeline (engine->device, engine->pipelines[i], NULL);
      if (engine->pipeline_layouts[i] != VK_NULL_HANDLE)
        vk->vkDestroyPipelineLayout (engine->device, engine->pipeline_layouts[i], NULL);
      if (engine->set_layouts[i] != VK_NULL_HANDLE)
        vk->vkDestroyDescriptorSetLayout (engine->device, engine->set_layouts[i], NULL);
      engine->pipelines[i] = VK_NULL_HANDLE;
      engine->pipeline_layouts[i] = VK_NULL_HANDLE;
      engine->set_layouts[i] = VK_NULL_HANDLE;
    }
}
