/* Recorded command sequences: descriptor sets, texel views and push constants are
 * fixed at record time, so a whole training step is recorded once and replayed by
 * resubmitting the same command buffer. */
#include "ddl-vk.h"

#include <string.h>

#define SETS_PER_POOL 128
#define QUERIES_PER_POOL 512

struct _DdlCmd {
  DdlEngine       *engine;
  VkCommandBuffer  cb;
  gboolean         begun;
  gboolean         ended;
  GError          *error;
  GArray          *pools;        /* VkDescriptorPool */
  GArray          *views;        /* VkBufferView */
  GPtrArray       *scratch;      /* DdlBuffer */
  gboolean         profiling;
  GArray          *query_pools;  /* VkQueryPool */
  guint            n_queries;    /* used in the last pool */
  GArray          *profiled;     /* DdlKernelId per timestamped dispatch */
  GArray          *timings;      /* DdlDispatchTime of the last run */
};

DdlCmd *
ddl_cmd_new (DdlEngine *engine)
{
  DdlCmd *cmd = g_new0 (DdlCmd, 1);
  cmd->engine = engine;
  cmd->pools = g_array_new (FALSE, FALSE, sizeof (VkDescriptorPool));
  cmd->views = g_array_new (FALSE, FALSE, sizeof (VkBufferView));
  cmd->scratch = g_ptr_array_new_with_free_func ((GDestroyNotify) ddl_buffer_free);
  cmd->query_pools = g_array_new (FALSE, FALSE, sizeof (VkQueryPool));
  cmd->profiled = g_array_new (FALSE, FALSE, sizeof (DdlKernelId));
  return cmd;
}

void
ddl_cmd_free (DdlCmd *cmd)
{
  if (cmd == NULL)
    return;
  DdlEngine *engine = cmd->engine;
  DdlVk *vk = &engine->vk;
  if (cmd->cb != VK_NULL_HANDLE)
    vk->vkFreeCommandBuffers (engine->device, engine->command_pool, 1, &cmd->cb);
  for (guint i = 0; i < cmd->views->len; i++)
    vk->vkDestroyBufferView (engine->device, g_array_index (cmd->views, VkBufferView, i), NULL);
  for (guint i = 0; i < cmd->pools->len; i++)
    vk->vkDestroyDescriptorPool (engine->device,
                                 g_array_index (cmd->pools, VkDescriptorPool, i), NULL);
  for (guint i = 0; i < cmd->query_pools->len; i++)
    vk->vkDestroyQueryPool (engine->device, g_array_index (cmd->query_pools, VkQueryPool, i), NULL);
  g_array_unref (cmd->views);
  g_array_unref (cmd->pools);
  g_array_unref (cmd->query_pools);
  g_array_unref (cmd->profiled);
  g_clear_pointer (&cmd->timings, g_array_unref);
  g_ptr_array_unref (cmd->scratch);
  g_clear_error (&cmd->error);
  g_free (cmd);
}

DdlEngine *
ddl_cmd_get_engine (DdlCmd *cmd)
{
  return cmd->engine;
}

void
ddl_cmd_set_profiling (DdlCmd *cmd, gboolean enabled)
{
  g_return_if_fail (!cmd->begun);
  cmd->profiling = enabled && cmd->engine->timestamps;
}

const GError *
ddl_cmd_get_error (DdlCmd *cmd)
{
  return cmd->error;
}

void
ddl_cmd_set_error (DdlCmd *cmd, GError *error)
{
  if (cmd->error == NULL)
    cmd->error = error;
  else
    g_error_free (error);
}

static gboolean
begin (DdlCmd *cmd)
{
  DdlVk *vk = &cmd->engine->vk;
  GError *error = NULL;

  if (cmd->error != NULL)
    return FALSE;
  if (cmd->ended)
    {
      ddl_cmd_set_error (cmd, g_error_new (DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_FAILED,
                                           "A command cannot be extended after it has run"));
      return FALSE;
    }
  if (cmd->begun)
    return TRUE;

  VkCommandBufferAllocateInfo alloc = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
    .commandPool = cmd->engine->command_pool,
    .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
    .commandBufferCount = 1,
  };
  if (!ddl_vk_check (vk->vkAllocateCommandBuffers (cmd->engine->device, &alloc, &cmd->cb),
                     "vkAllocateCommandBuffers", &error))
    {
      ddl_cmd_set_error (cmd, error);
      return FALSE;
    }
  VkCommandBufferBeginInfo info = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO };
  vk->vkBeginCommandBuffer (cmd->cb, &info);
  cmd->begun = TRUE;
  return TRUE;
}

static VkDescriptorSet
allocate_set (DdlCmd *cmd, DdlKernelId kernel)
{
  DdlEngine *engine = cmd->engine;
  DdlVk *vk = &engine->vk;
  VkDescriptorSet set = VK_NULL_HANDLE;
  GError *error = NULL;

  for (int attempt = 0; attempt < 2; attempt++)
    {
      if (cmd->pools->len > 0)
        {
          VkDescriptorSetAllocateInfo info = {
            .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
            .descriptorPool = g_array_index (cmd->pools, VkDescriptorPool, cmd->pools->len - 1),
            .descriptorSetCount = 1,
            .pSetLayouts = &engine->set_layouts[kernel],
          };
          if (vk->vkAllocateDescriptorSets (engine->device, &info, &set) == VK_SUCCESS)
            return set;
        }
      /* The last pool is full (or there is none yet): add one. */
      VkDescriptorPoolSize sizes[] = {
        { VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, SETS_PER_POOL * 8 },
        { VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, SETS_PER_POOL * 8 },
      };
      VkDescriptorPoolCreateInfo pool_info = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
        .maxSets = SETS_PER_POOL,
        .poolSizeCount = G_N_ELEMENTS (sizes),
        .pPoolSizes = sizes,
      };
      VkDescriptorPool pool;
      if (!ddl_vk_check (vk->vkCreateDescriptorPool (engine->device, &pool_info, NULL, &pool),
                         "vkCreateDescriptorPool", &error))
        {
          ddl_cmd_set_error (cmd, error);
          return VK_NULL_HANDLE;
        }
      g_array_append_val (cmd->pools, pool);
    }
  ddl_cmd_set_error (cmd, g_error_new (DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_FAILED,
                                       "Cannot allocate a descriptor set"));
  return VK_NULL_HANDLE;
}

/* Checks a binding against the buffer and the device limits; fills its range. */
static gboolean
resolve_binding (DdlCmd *cmd, DdlKernelId kernel, guint index, char io,
                 const DdlBinding *binding, VkDeviceSize *range)
{
  DdlEngine *engine = cmd->engine;
  const VkPhysicalDeviceLimits *limits = &engine->props.limits;
  const char *name = ddl_kernel_spirv[kernel].name;
  gboolean texel = io == 'r' && engine->texel_io;
  gsize align = ddl_engine_binding_alignment (engine);

  if (binding->buffer == NULL)
    {
      ddl_cmd_set_error (cmd, g_error_new (DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_FAILED,
                                           "%s: binding %u has no buffer", name, index));
      return FALSE;
    }
  if (binding->offset % align != 0 || binding->offset >= binding->buffer->size
      || binding->size > binding->buffer->size - binding->offset)
    {
      ddl_cmd_set_error (cmd, g_error_new (DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_FAILED,
                                           "%s: binding %u [%" G_GSIZE_FORMAT ", +%" G_GSIZE_FORMAT
                                           ") is misaligned (%" G_GSIZE_FORMAT ") or outside its "
                                           "buffer of %" G_GSIZE_FORMAT " bytes", name, index,
                                           binding->offset, binding->size, align,
                                           binding->buffer->size));
      return FALSE;
    }
  *range = binding->size != 0 ? binding->size : binding->buffer->size - binding->offset;
  *range -= *range % 4;
  if (texel ? *range / 4 > limits->maxTexelBufferElements
            : *range > limits->maxStorageBufferRange)
    {
      ddl_cmd_set_error (cmd, g_error_new (DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_LIMIT,
                                           "%s: binding %u spans %.1f MiB, more than %s allows "
                                           "for one %s (%.1f MiB); use a smaller batch or size",
                                           name, index, *range / 1048576.0, engine->info.name,
                                           texel ? "texel buffer" : "storage buffer",
                                           texel ? limits->maxTexelBufferElements * 4.0 / 1048576.0
                                                 : limits->maxStorageBufferRange / 1048576.0));
      return FALSE;
    }
  return TRUE;
}

static void
write_timestamp (DdlCmd *cmd)
{
  DdlEngine *engine = cmd->engine;
  DdlVk *vk = &engine->vk;
  VkQueryPool pool;

  if (cmd->query_pools->len == 0 || cmd->n_queries == QUERIES_PER_POOL)
    {
      VkQueryPoolCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
        .queryType = VK_QUERY_TYPE_TIMESTAMP,
        .queryCount = QUERIES_PER_POOL,
      };
      GError *error = NULL;
      if (!ddl_vk_check (vk->vkCreateQueryPool (engine->device, &info, NULL, &pool),
                         "vkCreateQueryPool", &error))
        {
          ddl_cmd_set_error (cmd, error);
          return;
        }
      g_array_append_val (cmd->query_pools, pool);
      /* Reset inside the command buffer, so every replay starts clean. */
      vk->vkCmdResetQueryPool (cmd->cb, pool, 0, QUERIES_PER_POOL);
      cmd->n_queries = 0;
    }
  pool = g_array_index (cmd->query_pools, VkQueryPool, cmd->query_pools->len - 1);
  vk->vkCmdWriteTimestamp (cmd->cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, pool, cmd->n_queries++);
}

static void
record (DdlCmd *cmd, DdlKernelId kernel, const DdlBinding *bindings, const void *params,
        guint64 n_groups)
{
  DdlEngine *engine = cmd->engine;
  DdlVk *vk = &engine->vk;
  const DdlKernelSpirv *k = &ddl_kernel_spirv[kernel];
  guint n_bindings = strlen (k->io);
  VkWriteDescriptorSet writes[16];
  VkDescriptorBufferInfo buffer_infos[16];
  VkBufferView views[16];
  const guint32 *max_count = engine->props.limits.maxComputeWorkGroupCount;
  GError *error = NULL;
  guint64 x, y;

  g_return_if_fail (kernel < DDL_KERNEL_COUNT);
  if (!begin (cmd))
    return;
  if (n_groups == 0)
    return;
  if (!ddl_vk_get_pipeline (engine, kernel, &error))
    {
      ddl_cmd_set_error (cmd, error);
      return;
    }
  x = MIN (n_groups, (guint64) max_count[0]);
  y = (n_groups + x - 1) / x;
  if (y > max_count[1])
    {
      ddl_cmd_set_error (cmd, g_error_new (DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_LIMIT,
                                           "%s: %" G_GUINT64_FORMAT " workgroups exceed the "
                                           "device's dispatch limit", k->name, n_groups));
      return;
    }

  VkDescriptorSet set = allocate_set (cmd, kernel);
  if (set == VK_NULL_HANDLE)
    return;
  for (guint i = 0; i < n_bindings; i++)
    {
      VkDeviceSize range;
      if (!resolve_binding (cmd, kernel, i, k->io[i], &bindings[i], &range))
        return;
      writes[i] = (VkWriteDescriptorSet) {
        .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
        .dstSet = set,
        .dstBinding = i,
        .descriptorCount = 1,
        .descriptorType = ddl_vk_binding_type (engine, k->io[i]),
      };
      if (writes[i].descriptorType == VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER)
        {
          VkBufferViewCreateInfo view_info = {
            .sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO,
            .buffer = bindings[i].buffer->buffer,
            .format = VK_FORMAT_R32_SFLOAT,
            .offset = bindings[i].offset,
            .range = range,
          };
          if (!ddl_vk_check (vk->vkCreateBufferView (engine->device, &view_info, NULL, &views[i]),
                             "vkCreateBufferView", &error))
            {
              ddl_cmd_set_error (cmd, error);
              return;
            }
          g_array_append_val (cmd->views, views[i]);
          writes[i].pTexelBufferView = &views[i];
        }
      else
        {
          buffer_infos[i] = (VkDescriptorBufferInfo) {
            bindings[i].buffer->buffer, bindings[i].offset, range
          };
          writes[i].pBufferInfo = &buffer_infos[i];
        }
    }
  vk->vkUpdateDescriptorSets (engine->device, n_bindings, writes, 0, NULL);

  vk->vkCmdBindPipeline (cmd->cb, VK_PIPELINE_BIND_POINT_COMPUTE, engine->pipelines[kernel]);
  vk->vkCmdBindDescriptorSets (cmd->cb, VK_PIPELINE_BIND_POINT_COMPUTE,
                               engine->pipeline_layouts[kernel], 0, 1, &set, 0, NULL);
  if (k->params_size > 0)
    vk->vkCmdPushConstants (cmd->cb, engine->pipeline_layouts[kernel],
                            VK_SHADER_STAGE_COMPUTE_BIT, 0, k->params_size, params);
  if (cmd->profiling)
    {
      write_timestamp (cmd);
      g_array_append_val (cmd->profiled, kernel);
    }
  vk->vkCmdDispatch (cmd->cb, x, y, 1);
  if (cmd->profiling)
    write_timestamp (cmd);

  /* Every dispatch may read what the previous one wrote. Free on lavapipe. */
  VkMemoryBarrier barrier = {
    .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
    .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
    .dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT,
  };
  vk->vkCmdPipelineBarrier (cmd->cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                            VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &barrier, 0, NULL, 0, NULL);
}

void
ddl_cmd_dispatch (DdlCmd *cmd, DdlKernelId kernel, const DdlBinding *bindings,
                  const void *params, guint64 n_invocations)
{
  guint64 local = cmd->engine->local_size;
  record (cmd, kernel, bindings, params, (n_invocations + local - 1) / local);
}

void
ddl_cmd_dispatch_groups (DdlCmd *cmd, DdlKernelId kernel, const DdlBinding *bindings,
                         const void *params, guint64 n_groups)
{
  record (cmd, kernel, bindings, params, n_groups);
}

DdlBuffer *
ddl_cmd_scratch (DdlCmd *cmd, gsize size)
{
  GError *error = NULL;
  DdlBuffer *buffer;

  if (cmd->error != NULL)
    return NULL;
  buffer = ddl_buffer_new (cmd->engine, size, &error);
  if (buffer == NULL)
    {
      ddl_cmd_set_error (cmd, error);
      return NULL;
    }
  g_ptr_array_add (cmd->scratch, buffer);
  return buffer;
}

static gboolean
collect_timings (DdlCmd *cmd, GError **error)
{
  DdlEngine *engine = cmd->engine;
  guint n = cmd->profiled->len;
  g_autofree guint64 *stamps = g_new0 (guint64, 2 * n + 1);
  guint done = 0;

  for (guint p = 0; p < cmd->query_pools->len && done < 2 * n; p++)
    {
      guint count = MIN (QUERIES_PER_POOL, 2 * n - done);
      VkResult result = engine->vk.vkGetQueryPoolResults (
          engine->device, g_array_index (cmd->query_pools, VkQueryPool, p), 0, count,
          count * sizeof (guint64), stamps + done, sizeof (guint64),
          VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
      if (!ddl_vk_check (result, "vkGetQueryPoolResults", error))
        return FALSE;
      done += count;
    }
  g_clear_pointer (&cmd->timings, g_array_unref);
  cmd->timings = g_array_sized_new (FALSE, FALSE, sizeof (DdlDispatchTime), n);
  for (guint i = 0; i < n; i++)
    {
      DdlDispatchTime t = {
        g_array_index (cmd->profiled, DdlKernelId, i),
        (double) (stamps[2 * i + 1] - stamps[2 * i]) * engine->props.limits.timestampPeriod * 1e-6,
      };
      g_array_append_val (cmd->timings, t);
    }
  return TRUE;
}

gboolean
ddl_cmd_run (DdlCmd *cmd, GError **error)
{
  DdlVk *vk = &cmd->engine->vk;

  if (!cmd->begun && cmd->error == NULL)
    return TRUE;  /* nothing recorded */
  if (cmd->error != NULL)
    {
      g_propagate_error (error, g_error_copy (cmd->error));
      return FALSE;
    }
  if (!cmd->ended)
    {
      /* Make the last results visible to the host after the fence. */
      VkMemoryBarrier barrier = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
        .dstAccessMask = VK_ACCESS_HOST_READ_BIT,
      };
      vk->vkCmdPipelineBarrier (cmd->cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                                VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &barrier, 0, NULL, 0, NULL);
      if (!ddl_vk_check (vk->vkEndCommandBuffer (cmd->cb), "vkEndCommandBuffer", error))
        return FALSE;
      cmd->ended = TRUE;
    }
  if (!ddl_vk_submit_and_wait (cmd->engine, cmd->cb, error))
    return FALSE;
  return !cmd->profiling || collect_timings (cmd, error);
}

const GArray *
ddl_cmd_get_timings (DdlCmd *cmd)
{
  return cmd->timings;
}
