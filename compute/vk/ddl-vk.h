/* ddl-vk.h: Vulkan internals of the compute library. Never included outside compute/.
 *
 * libvulkan is opened at run time (dlopen) rather than linked, so that a machine
 * without the Vulkan loader gets a clear error naming the package instead of a
 * dynamic-linker failure before main(). */
#pragma once

#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

#include "ddl-kernels.h"

/* Every entry point we use, loaded through vkGetInstanceProcAddr. */
#define DDL_VK_GLOBAL_FUNCS(X) \
  X (vkCreateInstance) \
  X (vkEnumerateInstanceLayerProperties) \
  X (vkEnumerateInstanceExtensionProperties)

#define DDL_VK_INSTANCE_FUNCS(X) \
  X (vkDestroyInstance) \
  X (vkEnumeratePhysicalDevices) \
  X (vkGetPhysicalDeviceProperties) \
  X (vkGetPhysicalDeviceProperties2) \
  X (vkGetPhysicalDeviceQueueFamilyProperties) \
  X (vkGetPhysicalDeviceMemoryProperties) \
  X (vkCreateDevice) \
  X (vkDestroyDevice) \
  X (vkGetDeviceQueue) \
  X (vkCreateBuffer) \
  X (vkDestroyBuffer) \
  X (vkGetBufferMemoryRequirements) \
  X (vkAllocateMemory) \
  X (vkFreeMemory) \
  X (vkBindBufferMemory) \
  X (vkMapMemory) \
  X (vkUnmapMemory) \
  X (vkCreateBufferView) \
  X (vkDestroyBufferView) \
  X (vkCreateShaderModule) \
  X (vkDestroyShaderModule) \
  X (vkCreateDescriptorSetLayout) \
  X (vkDestroyDescriptorSetLayout) \
  X (vkCreatePipelineLayout) \
  X (vkDestroyPipelineLayout) \
  X (vkCreateComputePipelines) \
  X (vkDestroyPipeline) \
  X (vkCreateDescriptorPool) \
  X (vkDestroyDescriptorPool) \
  X (vkAllocateDescriptorSets) \
  X (vkUpdateDescriptorSets) \
  X (vkCreateCommandPool) \
  X (vkDestroyCommandPool) \
  X (vkAllocateCommandBuffers) \
  X (vkFreeCommandBuffers) \
  X (vkBeginCommandBuffer) \
  X (vkEndCommandBuffer) \
  X (vkCmdBindPipeline) \
  X (vkCmdBindDescriptorSets) \
  X (vkCmdPushConstants) \
  X (vkCmdDispatch) \
  X (vkCmdPipelineBarrier) \
  X (vkCmdCopyBuffer) \
  X (vkCmdWriteTimestamp) \
  X (vkCmdResetQueryPool) \
  X (vkCreateQueryPool) \
  X (vkDestroyQueryPool) \
  X (vkGetQueryPoolResults) \
  X (vkCreateFence) \
  X (vkDestroyFence) \
  X (vkResetFences) \
  X (vkWaitForFences) \
  X (vkQueueSubmit) \
  X (vkDeviceWaitIdle)

#define DDL_VK_DEBUG_FUNCS(X) \
  X (vkCreateDebugUtilsMessengerEXT) \
  X (vkDestroyDebugUtilsMessengerEXT)

typedef struct {
  PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr;
#define DDL_VK_DECLARE(name) PFN_##name name;
  DDL_VK_GLOBAL_FUNCS (DDL_VK_DECLARE)
  DDL_VK_INSTANCE_FUNCS (DDL_VK_DECLARE)
  DDL_VK_DEBUG_FUNCS (DDL_VK_DECLARE)
#undef DDL_VK_DECLARE
} DdlVk;

typedef struct {
  const char     *name;
  const char     *io;
  guint           params_size;
  const guint32  *spirv_tex;
  gsize           spirv_tex_size;
  const guint32  *spirv_ssbo;
  gsize           spirv_ssbo_size;
} DdlKernelSpirv;

extern const DdlKernelSpirv ddl_kernel_spirv[DDL_KERNEL_COUNT];

struct _DdlEngine {
  DdlVk                    vk;
  gpointer                 library;
  VkInstance               instance;
  VkDebugUtilsMessengerEXT messenger;
  VkPhysicalDevice         physical;
  VkDevice                 device;
  VkQueue                  queue;
  guint32                  queue_family;
  VkPhysicalDeviceProperties       props;
  VkPhysicalDeviceMemoryProperties memory;
  DdlDeviceInfo            info;
  guint64                  max_allocation;
  gboolean                 texel_io;
  gboolean                 host_visible_device_memory;  /* buffers are mapped directly */
  guint                    local_size;
  guint                    subgroup_size;
  gboolean                 timestamps;
  VkCommandPool            command_pool;
  VkFence                  fence;
  /* Built on first use. */
  VkDescriptorSetLayout    set_layouts[DDL_KERNEL_COUNT];
  VkPipelineLayout         pipeline_layouts[DDL_KERNEL_COUNT];
  VkPipeline               pipelines[DDL_KERNEL_COUNT];
  gint                     validation_messages;  /* atomic */
};

struct _DdlBuffer {
  DdlEngine      *engine;
  VkBuffer        buffer;
  VkDeviceMemory  memory;
  gsize           size;
  void           *mapped;   /* NULL when the memory is not host visible */
};

/* ddl-vk-loader.c */
gboolean ddl_vk_load_library   (DdlVk *vk, gpointer *library, GError **error);
void     ddl_vk_unload_library (gpointer library);
void     ddl_vk_load_instance  (DdlVk *vk, VkInstance instance);

/* ddl-vk-device.c */
gboolean ddl_vk_check (VkResult result, const char *what, GError **error);
gboolean ddl_vk_one_shot (DdlEngine *engine, void (*record) (VkCommandBuffer, gpointer),
                          gpointer data, GError **error);
gboolean ddl_vk_submit_and_wait (DdlEngine *engine, VkCommandBuffer cb, GError **error);

/* ddl-vk-pipeline.c */
VkDescriptorType ddl_vk_binding_type (DdlEngine *engine, char io);
gboolean ddl_vk_get_pipeline (DdlEngine *engine, DdlKernelId kernel, GError **error);
void     ddl_vk_destroy_pipelines (DdlEngine *engine);
