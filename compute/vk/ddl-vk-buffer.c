/* Device buffers. On lavapipe and integrated GPUs the memory is mapped directly
 * (zero copy); on discrete GPUs it is device local and reads and writes go
 * through a temporary staging buffer. */
#include "ddl-vk.h"

#include <string.h>

static int
find_memory_type (DdlEngine *engine, guint32 type_bits, VkMemoryPropertyFlags want)
{
  for (guint32 i = 0; i < engine->memory.memoryTypeCount; i++)
    if ((type_bits & (1u << i))
        && (engine->memory.memoryTypes[i].propertyFlags & want) == want)
      return i;
  return -1;
}

static DdlBuffer *
buffer_new (DdlEngine *engine, gsize size, gboolean host, GError **error)
{
  DdlVk *vk = &engine->vk;
  g_autofree DdlBuffer *buffer = g_new0 (DdlBuffer, 1);
  VkMemoryRequirements req;
  VkMemoryPropertyFlags host_flags = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT
                                     | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  int type = -1;
  VkResult result;

  if (size == 0)
    size = 4;
  if (engine->max_allocation > 0 && size > engine->max_allocation)
    {
      g_set_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_OUT_OF_MEMORY,
                   "A buffer of %.1f MiB exceeds the largest allocation %s allows (%.1f MiB)",
                   size / 1048576.0, engine->info.name, engine->max_allocation / 1048576.0);
      return NULL;
    }

  VkBufferCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
    .size = size,
    .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT
             | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
    .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
  };
  if (!ddl_vk_check (vk->vkCreateBuffer (engine->device, &info, NULL, &buffer->buffer),
                     "vkCreateBuffer", error))
    return NULL;
  vk->vkGetBufferMemoryRequirements (engine->device, buffer->buffer, &req);

  if (host)
    {
      type = find_memory_type (engine, req.memoryTypeBits,
                               host_flags | VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
      if (type < 0)
        type = find_memory_type (engine, req.memoryTypeBits, host_flags);
    }
  if (type < 0)
    type = find_memory_type (engine, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
  if (type < 0)
    type = find_memory_type (engine, req.memoryTypeBits, 0);

  VkMemoryAllocateInfo alloc = {
    .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
    .allocationSize = req.size,
    .memoryTypeIndex = type,
  };
  result = vk->vkAllocateMemory (engine->device, &alloc, NULL, &buffer->memory);
  if (result != VK_SUCCESS)
    {
      vk->vkDestroyBuffer (engine->device, buffer->buffer, NULL);
      if (result == VK_ERROR_OUT_OF_DEVICE_MEMORY || result == VK_ERROR_OUT_OF_HOST_MEMORY)
        g_set_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_OUT_OF_MEMORY,
                     "Out of device memory allocating %.1f MiB on %s; try a smaller batch, "
                     "input size or latent size", size / 1048576.0, engine->info.name);
      else
        ddl_vk_check (result, "vkAllocateMemory", error);
      return NULL;
    }
  vk->vkBindBufferMemory (engine->device, buffer->buffer, buffer->memory, 0);

  if (engine->memory.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT)
    {
      if (!ddl_vk_check (vk->vkMapMemory (engine->device, buffer->memory, 0, VK_WHOLE_SIZE, 0,
                                          &buffer->mapped), "vkMapMemory", error))
        {
          vk->vkDestroyBuffer (engine->device, buffer->buffer, NULL);
          vk->vkFreeMemory (engine->device, buffer->memory, NULL);
          return NULL;
        }
    }
  buffer->engine = engine;
  buffer->size = size;
  return g_steal_pointer (&buffer);
}

DdlBuffer *
ddl_buffer_new (DdlEngine *engine, gsize size, GError **error)
{
  DdlBuffer *buffer;

  g_return_val_if_fail (engine != NULL, NULL);
  buffer = buffer_new (engine, size, engine->host_visible_device_memory, error);
  /* Fresh buffers read as zeros on every device, as tests and ops expect. */
  if (buffer != NULL && buffer->mapped != NULL)
    memset (buffer->mapped, 0, buffer->size);
  else if (buffer != NULL)
    {
      g_autofree void *zeros = g_malloc0 (buffer->size);
      if (!ddl_buffer_write (buffer, 0, zeros, buffer->size, error))
        g_clear_pointer (&buffer, ddl_buffer_free);
    }
  return buffer;
}

void
ddl_buffer_free (DdlBuffer *buffer)
{
  if (buffer == NULL)
    return;
  DdlVk *vk = &buffer->engine->vk;
  if (buffer->mapped != NULL)
    vk->vkUnmapMemory (buffer->engine->device, buffer->memory);
  vk->vkDestroyBuffer (buffer->engine->device, buffer->buffer, NULL);
  vk->vkFreeMemory (buffer->engine->device, buffer->memory, NULL);
  g_free (buffer);
}

gsize
ddl_buffer_get_size (DdlBuffer *buffer)
{
  return buffer->size;
}

typedef struct {
  DdlEngine *engine;
  VkBuffer src, dst;
  VkBufferCopy region;
} CopyJob;

static void
record_copy (VkCommandBuffer cb, gpointer data)
{
  CopyJob *job = data;
  VkMemoryBarrier barrier = {
    .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
    .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
    .dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT,
  };
  job->engine->vk.vkCmdPipelineBarrier (cb, VK_PIPELINE_STAGE_ALL_COMMANDS_BIT,
                                        VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 1, &barrier,
                                        0, NULL, 0, NULL);
  job->engine->vk.vkCmdCopyBuffer (cb, job->src, job->dst, 1, &job->region);
  barrier.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT | VK_ACCESS_SHADER_READ_BIT
                          | VK_ACCESS_SHADER_WRITE_BIT;
  job->engine->vk.vkCmdPipelineBarrier (cb, VK_PIPELINE_STAGE_TRANSFER_BIT,
                                        VK_PIPELINE_STAGE_HOST_BIT
                                        | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &barrier,
                                        0, NULL, 0, NULL);
}

static gboolean
check_range (DdlBuffer *buffer, gsize offset, gsize size, GError **error)
{
  if (offset > buffer->size || size > buffer->size - offset)
    {
      g_set_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_FAILED,
                   "Buffer access [%" G_GSIZE_FORMAT ", +%" G_GSIZE_FORMAT ") outside a buffer of %"
                   G_GSIZE_FORMAT " bytes", offset, size, buffer->size);
      return FALSE;
    }
  return TRUE;
}

gboolean
ddl_buffer_write (DdlBuffer *buffer, gsize offset, const void *data, gsize size, GError **error)
{
  g_autoptr(DdlBuffer) staging = NULL;

  if (!check_range (buffer, offset, size, error))
    return FALSE;
  if (size == 0)
    return TRUE;
  if (buffer->mapped != NULL)
    {
      memcpy ((char *) buffer->mapped + offset, data, size);
      return TRUE;
    }
  staging = buffer_new (buffer->engine, size, TRUE, error);
  if (staging == NULL)
    return FALSE;
  g_assert (staging->mapped != NULL);
  memcpy (staging->mapped, data, size);
  CopyJob job = { buffer->engine, staging->buffer, buffer->buffer, { 0, offset, size } };
  return ddl_vk_one_shot (buffer->engine, record_copy, &job, error);
}

gboolean
ddl_buffer_read (DdlBuffer *buffer, gsize offset, void *data, gsize size, GError **error)
{
  g_autoptr(DdlBuffer) staging = NULL;

  if (!check_range (buffer, offset, size, error))
    return FALSE;
  if (size == 0)
    return TRUE;
  if (buffer->mapped != NULL)
    {
      memcpy (data, (const char *) buffer->mapped + offset, size);
      return TRUE;
    }
  staging = buffer_new (buffer->engine, size, TRUE, error);
  if (staging == NULL)
    return FALSE;
  CopyJob job = { buffer->engine, buffer->buffer, staging->buffer, { offset, 0, size } };
  if (!ddl_vk_one_shot (buffer->engine, record_copy, &job, error))
    return FALSE;
  memcpy (data, staging->mapped, size);
  return TRUE;
}

DdlBuffer *
ddl_buffer_new_floats (DdlEngine *engine, const float *data, gsize n, GError **error)
{
  DdlBuffer *buffer = ddl_buffer_new (engine, n * sizeof (float), error);
  if (buffer != NULL && data != NULL
      && !ddl_buffer_write (buffer, 0, data, n * sizeof (float), error))
    g_clear_pointer (&buffer, ddl_buffer_free);
  return buffer;
}
