/* Opening libvulkan at run time and loading the entry points we use. */
#include "ddl-vk.h"

#include <dlfcn.h>

gboolean
ddl_vk_load_library (DdlVk *vk, gpointer *library, GError **error)
{
  /* DDL_VULKAN_LIBRARY lets tests simulate a machine without the loader. */
  const char *name = g_getenv ("DDL_VULKAN_LIBRARY");
  void *handle = dlopen (name != NULL ? name : "libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);

  if (handle == NULL)
    {
      g_set_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_NO_LOADER,
                   "The Vulkan loader (%s) is not installed: %s. "
                   "Install it with: apt-get install libvulkan1 mesa-vulkan-drivers",
                   name != NULL ? name : "libvulkan.so.1", dlerror ());
      return FALSE;
    }
  vk->vkGetInstanceProcAddr = (PFN_vkGetInstanceProcAddr) dlsym (handle, "vkGetInstanceProcAddr");
  if (vk->vkGetInstanceProcAddr == NULL)
    {
      dlclose (handle);
      g_set_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_NO_LOADER,
                   "%s does not export vkGetInstanceProcAddr; reinstall libvulkan1",
                   name != NULL ? name : "libvulkan.so.1");
      return FALSE;
    }
#define DDL_VK_LOAD(fn) vk->fn = (PFN_##fn) vk->vkGetInstanceProcAddr (NULL, #fn);
  DDL_VK_GLOBAL_FUNCS (DDL_VK_LOAD)
#undef DDL_VK_LOAD
  if (vk->vkCreateInstance == NULL)
    {
      dlclose (handle);
      g_set_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_NO_LOADER,
                   "The Vulkan loader is unusable (no vkCreateInstance)");
      return FALSE;
    }
  *library = handle;
  return TRUE;
}

void
ddl_vk_unload_library (gpointer library)
{
  if (library != NULL)
    dlclose (library);
}

void
ddl_vk_load_instance (DdlVk *vk, VkInstance instance)
{
#define DDL_VK_LOAD(fn) vk->fn = (PFN_##fn) vk->vkGetInstanceProcAddr (instance, #fn);
  DDL_VK_INSTANCE_FUNCS (DDL_VK_LOAD)
  DDL_VK_DEBUG_FUNCS (DDL_VK_LOAD)
#undef DDL_VK_LOAD
}
