/* Instance, device choice and the engine's lifetime. */
#include "ddl-vk.h"

#include <stdlib.h>
#include <string.h>

#define VALIDATION_LAYER "VK_LAYER_KHRONOS_validation"
#define NO_DRIVER_HINT \
  "Install a Vulkan driver: apt-get install mesa-vulkan-drivers (Mesa lavapipe runs on any CPU), " \
  "or your GPU vendor's Vulkan driver"

G_DEFINE_QUARK (ddl-engine-error-quark, ddl_engine_error)

gboolean
ddl_vk_check (VkResult result, const char *what, GError **error)
{
  DdlEngineError code;

  if (result == VK_SUCCESS)
    return TRUE;
  switch (result)
    {
    case VK_ERROR_OUT_OF_HOST_MEMORY:
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
    case VK_ERROR_OUT_OF_POOL_MEMORY:
      code = DDL_ENGINE_ERROR_OUT_OF_MEMORY;
      break;
    case VK_ERROR_DEVICE_LOST:
      code = DDL_ENGINE_ERROR_DEVICE_LOST;
      break;
    case VK_ERROR_INCOMPATIBLE_DRIVER:
      code = DDL_ENGINE_ERROR_NO_DEVICE;
      break;
    default:
      code = DDL_ENGINE_ERROR_FAILED;
    }
  g_set_error (error, DDL_ENGINE_ERROR, code, "%s failed: %s (VkResult %d)", what,
               result == VK_ERROR_OUT_OF_DEVICE_MEMORY ? "out of device memory"
               : result == VK_ERROR_OUT_OF_HOST_MEMORY ? "out of host memory"
               : result == VK_ERROR_DEVICE_LOST ? "the device was lost"
               : "Vulkan error", result);
  return FALSE;
}

const char *
ddl_device_type_to_string (DdlDeviceType type)
{
  switch (type)
    {
    case DDL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated GPU";
    case DDL_DEVICE_TYPE_DISCRETE_GPU: return "discrete GPU";
    case DDL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual GPU";
    case DDL_DEVICE_TYPE_CPU: return "CPU";
    case DDL_DEVICE_TYPE_OTHER:
    default: return "other";
    }
}

void
ddl_device_info_free (DdlDeviceInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->driver_name);
  g_free (info->driver_info);
  g_free (info->api_version);
  g_free (info);
}

static void
device_info_clear (DdlDeviceInfo *info)
{
  g_free (info->name);
  g_free (info->driver_name);
  g_free (info->driver_info);
  g_free (info->api_version);
  memset (info, 0, sizeof *info);
}

static DdlDeviceType
map_type (VkPhysicalDeviceType type)
{
  switch (type)
    {
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return DDL_DEVICE_TYPE_INTEGRATED_GPU;
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return DDL_DEVICE_TYPE_DISCRETE_GPU;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return DDL_DEVICE_TYPE_VIRTUAL_GPU;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return DDL_DEVICE_TYPE_CPU;
    default: return DDL_DEVICE_TYPE_OTHER;
    }
}

/* Everything we want to know about a physical device, in one query. */
typedef struct {
  VkPhysicalDeviceProperties props;
  VkDriverId driver_id;
  guint subgroup_size;
  guint64 max_allocation;
} DeviceFacts;

static void
query_facts (DdlVk *vk, VkPhysicalDevice physical, DdlDeviceInfo *info, DeviceFacts *facts)
{
  VkPhysicalDeviceDriverProperties driver = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES };
  VkPhysicalDeviceSubgroupProperties subgroup = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES };
  VkPhysicalDeviceMaintenance3Properties maint3 = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES };
  VkPhysicalDeviceProperties2 props2 = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2 };
  VkPhysicalDeviceMemoryProperties memory;
  guint32 api;

  vk->vkGetPhysicalDeviceProperties (physical, &facts->props);
  api = facts->props.apiVersion;
  subgroup.pNext = &maint3;
  props2.pNext = &subgroup;
  /* Driver properties are core from 1.2; older devices keep driver_id 0. */
  if (VK_API_VERSION_MINOR (api) >= 2 || VK_API_VERSION_MAJOR (api) > 1)
    {
      maint3.pNext = &driver;
    }
  vk->vkGetPhysicalDeviceProperties2 (physical, &props2);
  vk->vkGetPhysicalDeviceMemoryProperties (physical, &memory);

  facts->driver_id = driver.driverID;
  facts->subgroup_size = subgroup.subgroupSize;
  facts->max_allocation = maint3.maxMemoryAllocationSize;

  info->name = g_strdup (facts->props.deviceName);
  info->type = map_type (facts->props.deviceType);
  info->driver_name = g_strdup (driver.driverName[0] ? driver.driverName : "unknown");
  info->driver_info = g_strdup (driver.driverInfo[0] ? driver.driverInfo : "");
  info->api_version = g_strdup_printf ("%u.%u.%u", VK_API_VERSION_MAJOR (api),
                                       VK_API_VERSION_MINOR (api), VK_API_VERSION_PATCH (api));
  info->vendor_id = facts->props.vendorID;
  info->device_id = facts->props.deviceID;
  info->subgroup_size = facts->subgroup_size;
  info->memory_bytes = 0;
  for (guint32 h = 0; h < memory.memoryHeapCount; h++)
    if (memory.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
      info->memory_bytes = MAX (info->memory_bytes, memory.memoryHeaps[h].size);

  /* lavapipe reads storage buffers slowly and texel buffers fast (shared/guides/
   * lavapipe.md); real GPUs are the other way round. DDL_IO overrides for tests. */
  const char *io = g_getenv ("DDL_IO");
  if (io != NULL && g_str_equal (io, "tex"))
    info->texel_io = TRUE;
  else if (io != NULL && g_str_equal (io, "ssbo"))
    info->texel_io = FALSE;
  else
    info->texel_io = facts->driver_id == VK_DRIVER_ID_MESA_LLVMPIPE;
}

static int
type_rank (DdlDeviceType type)
{
  switch (type)
    {
    case DDL_DEVICE_TYPE_DISCRETE_GPU: return 0;
    case DDL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
    case DDL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case DDL_DEVICE_TYPE_CPU: return 3;
    case DDL_DEVICE_TYPE_OTHER:
    default: return 4;
    }
}

static char *
describe_devices (DdlDeviceInfo *infos, guint n)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%u: %s (%s)", i ? ", " : "", i, infos[i].name,
                            ddl_device_type_to_string (infos[i].type));
  return g_string_free (s, FALSE);
}

/* Applies a device spec; see DdlEngineOptions. */
static gboolean
choose_device (DdlDeviceInfo *infos, guint n, const char *spec, guint *chosen, GError **error)
{
  int best = -1;

  if (spec == NULL || *spec == '\0')
    spec = g_getenv ("DDL_DEVICE");
  if (spec == NULL || *spec == '\0')
    spec = "auto";

  if (g_ascii_strcasecmp (spec, "auto") == 0 || g_ascii_strcasecmp (spec, "gpu") == 0)
    {
      gboolean gpu_only = g_ascii_strcasecmp (spec, "gpu") == 0;
      for (guint i = 0; i < n; i++)
        {
          int rank = type_rank (infos[i].type);
          if (gpu_only && rank > 2)
            continue;
          if (best < 0 || rank < type_rank (infos[best].type))
            best = i;
        }
    }
  else if (g_ascii_strcasecmp (spec, "cpu") == 0)
    {
      for (guint i = 0; i < n && best < 0; i++)
        if (infos[i].type == DDL_DEVICE_TYPE_CPU)
          best = i;
    }
  else
    {
      char *end = NULL;
      guint64 index = g_ascii_strtoull (spec, &end, 10);
      if (end != spec && *end == '\0')
        {
          if (index < n)
            best = index;
        }
      else
        {
          g_autofree char *needle = g_utf8_strdown (spec, -1);
          for (guint i = 0; i < n && best < 0; i++)
            {
              g_autofree char *name = g_utf8_strdown (infos[i].name, -1);
              g_autofree char *driver = g_utf8_strdown (infos[i].driver_name, -1);
              if (strstr (name, needle) != NULL || strstr (driver, needle) != NULL)
                best = i;
            }
        }
    }

  if (best < 0)
    {
      g_autofree char *list = describe_devices (infos, n);
      g_set_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_DEVICE_NOT_FOUND,
                   "No Vulkan device matches '%s' (use auto, gpu, cpu, an index or part of a "
                   "name); devices: %s", spec, list);
      return FALSE;
    }
  *chosen = best;
  return TRUE;
}

static VkBool32 VKAPI_PTR
debug_callback (VkDebugUtilsMessageSeverityFlagBitsEXT      severity,
                VkDebugUtilsMessageTypeFlagsEXT             types,
                const VkDebugUtilsMessengerCallbackDataEXT *data,
                void                                       *user_data)
{
  DdlEngine *engine = user_data;

  /* Loader chatter (a missing ICD file, say) arrives as GENERAL; only what the
   * validation layer finds counts. */
  if (!(types & (VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT
                 | VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT)))
    {
      g_message ("Vulkan: %s", data->pMessage);
      return VK_FALSE;
    }
  g_atomic_int_inc (&engine->validation_messages);
  /* Critical, so that tests running with G_DEBUG=fatal-criticals stop right here. */
  g_critical ("Vulkan validation: %s", data->pMessage);
  return VK_FALSE;
}

static gboolean
has_layer (DdlVk *vk, const char *layer)
{
  guint32 n = 0;
  gboolean found = FALSE;
  vk->vkEnumerateInstanceLayerProperties (&n, NULL);
  VkLayerProperties *layers = g_new0 (VkLayerProperties, MAX (n, 1));
  vk->vkEnumerateInstanceLayerProperties (&n, layers);
  for (guint32 i = 0; i < n; i++)
    if (strcmp (layers[i].layerName, layer) == 0)
      found = TRUE;
  g_free (layers);
  return found;
}

static gboolean
create_instance (DdlEngine *engine, gboolean validation, GError **error)
{
  DdlVk *vk = &engine->vk;
  const char *layers[] = { VALIDATION_LAYER };
  const char *extensions[] = { VK_EXT_DEBUG_UTILS_EXTENSION_NAME };
  VkApplicationInfo app = {
    .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
    .pApplicationName = "DDL Studio",
    .applicationVersion = VK_MAKE_API_VERSION (0, 0, 1, 0),
    .pEngineName = "ddlcompute",
    .apiVersion = VK_API_VERSION_1_2,
  };
  VkDebugUtilsMessengerCreateInfoEXT messenger = {
    .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
    .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT
                       | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
    .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT
                   | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT
                   | VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
    .pfnUserCallback = debug_callback,
    .pUserData = engine,
  };
  VkInstanceCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
    .pApplicationInfo = &app,
  };
  VkResult result;

  if (validation)
    {
      if (!has_layer (vk, VALIDATION_LAYER))
        {
          g_set_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_NO_VALIDATION,
                       "Vulkan validation was requested but %s is not installed; "
                       "install it with: apt-get install vulkan-validationlayers",
                       VALIDATION_LAYER);
          return FALSE;
        }
      info.enabledLayerCount = 1;
      info.ppEnabledLayerNames = layers;
      info.enabledExtensionCount = 1;
      info.ppEnabledExtensionNames = extensions;
      info.pNext = &messenger;  /* also catches messages from instance creation */
    }

  result = vk->vkCreateInstance (&info, NULL, &engine->instance);
  if (result == VK_ERROR_INCOMPATIBLE_DRIVER || result == VK_ERROR_INITIALIZATION_FAILED)
    {
      g_set_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_NO_DEVICE,
                   "No Vulkan driver found (vkCreateInstance: %d). " NO_DRIVER_HINT, result);
      return FALSE;
    }
  if (!ddl_vk_check (result, "vkCreateInstance", error))
    return FALSE;
  ddl_vk_load_instance (vk, engine->instance);

  if (validation)
    {
      result = vk->vkCreateDebugUtilsMessengerEXT (engine->instance, &messenger, NULL,
                                                   &engine->messenger);
      if (!ddl_vk_check (result, "vkCreateDebugUtilsMessengerEXT", error))
        return FALSE;
    }
  return TRUE;
}

/* All physical devices with their facts. */
static gboolean
enumerate (DdlEngine *engine, VkPhysicalDevice **devices, DdlDeviceInfo **infos,
           DeviceFacts **facts, guint *n_out, GError **error)
{
  DdlVk *vk = &engine->vk;
  guint32 n = 0;
  VkResult result = vk->vkEnumeratePhysicalDevices (engine->instance, &n, NULL);

  if (!ddl_vk_check (result, "vkEnumeratePhysicalDevices", error))
    return FALSE;
  if (n == 0)
    {
      g_set_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_NO_DEVICE,
                   "No Vulkan device found. " NO_DRIVER_HINT);
      return FALSE;
    }
  *devices = g_new0 (VkPhysicalDevice, n);
  result = vk->vkEnumeratePhysicalDevices (engine->instance, &n, *devices);
  if (result != VK_SUCCESS && result != VK_INCOMPLETE)
    {
      g_clear_pointer (devices, g_free);
      return ddl_vk_check (result, "vkEnumeratePhysicalDevices", error);
    }
  *infos = g_new0 (DdlDeviceInfo, n);
  *facts = g_new0 (DeviceFacts, n);
  for (guint32 i = 0; i < n; i++)
    {
      query_facts (vk, (*devices)[i], &(*infos)[i], &(*facts)[i]);
      (*infos)[i].index = i;
    }
  *n_out = n;
  return TRUE;
}

static void
free_infos (DdlDeviceInfo *infos, guint n)
{
  for (guint i = 0; i < n; i++)
    device_info_clear (&infos[i]);
  g_free (infos);
}

GPtrArray *
ddl_engine_list_devices (const char *spec, GError **error)
{
  DdlEngine engine = { 0 };
  VkPhysicalDevice *devices = NULL;
  DdlDeviceInfo *infos = NULL;
  DeviceFacts *facts = NULL;
  GPtrArray *list = NULL;
  guint n = 0, chosen = 0;
  gboolean have_choice;

  if (!ddl_vk_load_library (&engine.vk, &engine.library, error))
    return NULL;
  if (create_instance (&engine, FALSE, error)
      && enumerate (&engine, &devices, &infos, &facts, &n, error))
    {
      have_choice = choose_device (infos, n, spec, &chosen, NULL);
      list = g_ptr_array_new_with_free_func ((GDestroyNotify) ddl_device_info_free);
      for (guint i = 0; i < n; i++)
        {
          DdlDeviceInfo *copy = g_new (DdlDeviceInfo, 1);
          *copy = infos[i];
          copy->chosen = have_choice && i == chosen;
          memset (&infos[i], 0, sizeof infos[i]);  /* strings moved to the copy */
          g_ptr_array_add (list, copy);
        }
    }
  free_infos (infos, n);
  g_free (facts);
  g_free (devices);
  if (engine.instance != VK_NULL_HANDLE)
    engine.vk.vkDestroyInstance (engine.instance, NULL);
  ddl_vk_unload_library (engine.library);
  return list;
}

static gboolean
create_device (DdlEngine *engine, GError **error)
{
  DdlVk *vk = &engine->vk;
  guint32 n = 0;
  float priority = 1.0f;
  gboolean found = FALSE;

  vk->vkGetPhysicalDeviceQueueFamilyProperties (engine->physical, &n, NULL);
  VkQueueFamilyProperties *families = g_new0 (VkQueueFamilyProperties, MAX (n, 1));
  vk->vkGetPhysicalDeviceQueueFamilyProperties (engine->physical, &n, families);
  /* Prefer a compute-only family (async compute on GPUs), else any with compute. */
  for (int pass = 0; pass < 2 && !found; pass++)
    for (guint32 i = 0; i < n && !found; i++)
      if ((families[i].queueFlags & VK_QUEUE_COMPUTE_BIT)
          && (pass == 1 || !(families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)))
        {
          engine->queue_family = i;
          engine->timestamps = families[i].timestampValidBits > 0
                               && engine->props.limits.timestampPeriod > 0;
          found = TRUE;
        }
  g_free (families);
  if (!found)
    {
      g_set_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_NO_DEVICE,
                   "Vulkan device '%s' has no compute queue", engine->info.name);
      return FALSE;
    }

  VkDeviceQueueCreateInfo queue = {
    .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
    .queueFamilyIndex = engine->queue_family,
    .queueCount = 1,
    .pQueuePriorities = &priority,
  };
  VkDeviceCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
    .queueCreateInfoCount = 1,
    .pQueueCreateInfos = &queue,
  };
  if (!ddl_vk_check (vk->vkCreateDevice (engine->physical, &info, NULL, &engine->device),
                     "vkCreateDevice", error))
    return FALSE;
  vk->vkGetDeviceQueue (engine->device, engine->queue_family, 0, &engine->queue);

  VkCommandPoolCreateInfo pool = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
    .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
    .queueFamilyIndex = engine->queue_family,
  };
  if (!ddl_vk_check (vk->vkCreateCommandPool (engine->device, &pool, NULL, &engine->command_pool),
                     "vkCreateCommandPool", error))
    return FALSE;
  VkFenceCreateInfo fence = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
  return ddl_vk_check (vk->vkCreateFence (engine->device, &fence, NULL, &engine->fence),
                       "vkCreateFence", error);
}

static guint
choose_local_size (DdlEngine *engine, VkDriverId driver_id)
{
  const char *env = g_getenv ("DDL_LOCAL_SIZE");
  guint limit = MIN (engine->props.limits.maxComputeWorkGroupInvocations,
                     engine->props.limits.maxComputeWorkGroupSize[0]);
  guint size;

  if (env != NULL && atoi (env) > 0)
    size = atoi (env);
  /* lavapipe runs a workgroup's subgroups one after another on one thread: 64
   * keeps enough workgroups per dispatch for its static split over threads. */
  else if (driver_id == VK_DRIVER_ID_MESA_LLVMPIPE)
    size = 64;
  else
    size = 256;
  size = MIN (size, limit);
  if (engine->subgroup_size > 0 && size >= engine->subgroup_size)
    size -= size % engine->subgroup_size;
  return MAX (size, 1);
}

DdlEngine *
ddl_engine_new (const DdlEngineOptions *options, GError **error)
{
  g_autoptr(DdlEngine) engine = g_new0 (DdlEngine, 1);
  const char *env = g_getenv ("DDL_VK_VALIDATION");
  gboolean validation = (options != NULL && options->validation)
                        || (env != NULL && g_strcmp0 (env, "0") != 0 && *env != '\0');
  VkPhysicalDevice *devices = NULL;
  DdlDeviceInfo *infos = NULL;
  DeviceFacts *facts = NULL;
  guint n = 0, chosen = 0;

  if (!ddl_vk_load_library (&engine->vk, &engine->library, error)
      || !create_instance (engine, validation, error)
      || !enumerate (engine, &devices, &infos, &facts, &n, error))
    return NULL;
  if (!choose_device (infos, n, options != NULL ? options->device : NULL, &chosen, error))
    {
      free_infos (infos, n);
      g_free (facts);
      g_free (devices);
      return NULL;
    }

  engine->physical = devices[chosen];
  engine->info = infos[chosen];
  engine->info.chosen = TRUE;
  memset (&infos[chosen], 0, sizeof infos[chosen]);
  engine->props = facts[chosen].props;
  engine->subgroup_size = MAX (facts[chosen].subgroup_size, 1);
  engine->max_allocation = facts[chosen].max_allocation;
  engine->texel_io = engine->info.texel_io;
  engine->local_size = choose_local_size (engine, facts[chosen].driver_id);
  engine->vk.vkGetPhysicalDeviceMemoryProperties (engine->physical, &engine->memory);
  engine->host_visible_device_memory = engine->info.type == DDL_DEVICE_TYPE_CPU
                                       || engine->info.type == DDL_DEVICE_TYPE_INTEGRATED_GPU;
  free_infos (infos, n);
  g_free (facts);
  g_free (devices);

  if (!create_device (engine, error))
    return NULL;
  return g_steal_pointer (&engine);
}

void
ddl_engine_free (DdlEngine *engine)
{
  DdlVk *vk;

  if (engine == NULL)
    return;
  vk = &engine->vk;
  if (engine->device != VK_NULL_HANDLE)
    {
      vk->vkDeviceWaitIdle (engine->device);
      ddl_vk_destroy_pipelines (engine);
      if (engine->fence != VK_NULL_HANDLE)
        vk->vkDestroyFence (engine->device, engine->fence, NULL);
      if (engine->command_pool != VK_NULL_HANDLE)
        vk->vkDestroyCommandPool (engine->device, engine->command_pool, NULL);
      vk->vkDestroyDevice (engine->device, NULL);
    }
  if (engine->messenger != VK_NULL_HANDLE)
    vk->vkDestroyDebugUtilsMessengerEXT (engine->instance, engine->messenger, NULL);
  if (engine->instance != VK_NULL_HANDLE)
    vk->vkDestroyInstance (engine->instance, NULL);
  ddl_vk_unload_library (engine->library);
  device_info_clear (&engine->info);
  g_free (engine);
}

const DdlDeviceInfo *
ddl_engine_get_device (DdlEngine *engine)
{
  g_return_val_if_fail (engine != NULL, NULL);
  return &engine->info;
}

gboolean
ddl_engine_is_software (DdlEngine *engine)
{
  g_return_val_if_fail (engine != NULL, FALSE);
  return engine->info.type == DDL_DEVICE_TYPE_CPU;
}

guint
ddl_engine_get_validation_messages (DdlEngine *engine)
{
  g_return_val_if_fail (engine != NULL, 0);
  return g_atomic_int_get (&engine->validation_messages);
}

guint
ddl_engine_local_size (DdlEngine *engine)
{
  return engine->local_size;
}

guint
ddl_engine_subgroup_size (DdlEngine *engine)
{
  return engine->subgroup_size;
}

gsize
ddl_engine_binding_alignment (DdlEngine *engine)
{
  VkPhysicalDeviceLimits *l = &engine->props.limits;
  return MAX (MAX (l->minStorageBufferOffsetAlignment, l->minTexelBufferOffsetAlignment), 4);
}

gboolean
ddl_vk_submit_and_wait (DdlEngine *engine, VkCommandBuffer cb, GError **error)
{
  DdlVk *vk = &engine->vk;
  VkSubmitInfo submit = {
    .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
    .commandBufferCount = 1,
    .pCommandBuffers = &cb,
  };
  if (!ddl_vk_check (vk->vkQueueSubmit (engine->queue, 1, &submit, engine->fence),
                     "vkQueueSubmit", error))
    return FALSE;
  VkResult result = vk->vkWaitForFences (engine->device, 1, &engine->fence, VK_TRUE, UINT64_MAX);
  vk->vkResetFences (engine->device, 1, &engine->fence);
  return ddl_vk_check (result, "vkWaitForFences", error);
}

gboolean
ddl_vk_one_shot (DdlEngine *engine, void (*record) (VkCommandBuffer, gpointer),
                 gpointer data, GError **error)
{
  DdlVk *vk = &engine->vk;
  VkCommandBuffer cb;
  VkCommandBufferAllocateInfo alloc = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
    .commandPool = engine->command_pool,
    .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
    .commandBufferCount = 1,
  };
  VkCommandBufferBeginInfo begin = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
    .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
  };
  gboolean ok;

  if (!ddl_vk_check (vk->vkAllocateCommandBuffers (engine->device, &alloc, &cb),
                     "vkAllocateCommandBuffers", error))
    return FALSE;
  vk->vkBeginCommandBuffer (cb, &begin);
  record (cb, data);
  ok = ddl_vk_check (vk->vkEndCommandBuffer (cb), "vkEndCommandBuffer", error)
       && ddl_vk_submit_and_wait (engine, cb, error);
  vk->vkFreeCommandBuffers (engine->device, engine->command_pool, 1, &cb);
  return ok;
}

gboolean
ddl_engine_provoke_validation_error (DdlEngine *engine)
{
  /* A zero-sized buffer violates VUID-VkBufferCreateInfo-size-00912. */
  VkBufferCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
    .size = 0,
    .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
  };
  VkBuffer buffer = VK_NULL_HANDLE;
  if (engine->messenger == VK_NULL_HANDLE)
    return FALSE;
  if (engine->vk.vkCreateBuffer (engine->device, &info, NULL, &buffer) == VK_SUCCESS
      && buffer != VK_NULL_HANDLE)
    engine->vk.vkDestroyBuffer (engine->device, buffer, NULL);
  return TRUE;
}
