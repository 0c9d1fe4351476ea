/* ddl-kernels.h: kernel execution inside the compute library (and its tests).
 *
 * No Vulkan types. Buffers hold float32 (or raw bytes); a DdlCmd records a sequence
 * of kernel dispatches once and runs it any number of times. Values that change
 * between runs (Adam's step, the noise counter) therefore live in buffers, never in
 * push constants. A full memory barrier follows every dispatch. */
#pragma once

#include "ddl-compute.h"
#include "ddl-params.h"

G_BEGIN_DECLS

typedef enum {
#define DDL_KERNEL(name, source, defines, io, Params) DDL_KERNEL_##name,
#include "ddl-kernels.def"
#undef DDL_KERNEL
  DDL_KERNEL_COUNT
} DdlKernelId;

typedef struct {
  const char *name;
  const char *io;             /* one letter per binding, see shaders/ddl-kernels.def */
  guint       params_size;
} DdlKernelInfo;

const DdlKernelInfo *ddl_kernel_info (DdlKernelId kernel);

typedef struct _DdlBuffer DdlBuffer;

DdlBuffer *ddl_buffer_new       (DdlEngine *engine, gsize size, GError **error);
void       ddl_buffer_free      (DdlBuffer *buffer);
gsize      ddl_buffer_get_size  (DdlBuffer *buffer);
gboolean   ddl_buffer_write     (DdlBuffer *buffer, gsize offset, const void *data, gsize size,
                                 GError **error);
gboolean   ddl_buffer_read      (DdlBuffer *buffer, gsize offset, void *data, gsize size,
                                 GError **error);
/* Convenience: a buffer of n floats holding `data` (NULL: zeros). */
DdlBuffer *ddl_buffer_new_floats (DdlEngine *engine, const float *data, gsize n, GError **error);

/* A binding: a byte range of a buffer; size 0 means "to the end". The offset must
 * be a multiple of ddl_engine_binding_alignment(). */
typedef struct {
  DdlBuffer *buffer;
  gsize      offset;
  gsize      size;
} DdlBinding;

#define DDL_BIND(buf) ((DdlBinding) { (buf), 0, 0 })
#define DDL_BIND_FLOATS(buf, first, count) \
  ((DdlBinding) { (buf), (gsize) (first) * 4, (gsize) (count) * 4 })

gsize ddl_engine_binding_alignment (DdlEngine *engine);
guint ddl_engine_local_size        (DdlEngine *engine);  /* invocations per workgroup */
guint ddl_engine_subgroup_size     (DdlEngine *engine);

typedef struct _DdlCmd DdlCmd;

DdlCmd  *ddl_cmd_new      (DdlEngine *engine);
void     ddl_cmd_free     (DdlCmd *cmd);
DdlEngine *ddl_cmd_get_engine (DdlCmd *cmd);
/* Timestamp every dispatch from the next run on (call before recording). */
void     ddl_cmd_set_profiling (DdlCmd *cmd, gboolean enabled);

/* Records ceil(n_invocations / local size) workgroups, spread over x and y; the
 * shader reads its index with ddl_gid() and returns when it is >= its n. Errors
 * (bad binding, limits) are kept and returned by ddl_cmd_run. */
void     ddl_cmd_dispatch        (DdlCmd *cmd, DdlKernelId kernel, const DdlBinding *bindings,
                                  const void *params, guint64 n_invocations);
/* Records n_groups workgroups; the shader reads ddl_group_id() and must return
 * when it is >= n_groups (large counts are spread over x and y, which can leave
 * a few spare groups in the last row). */
void     ddl_cmd_dispatch_groups (DdlCmd *cmd, DdlKernelId kernel, const DdlBinding *bindings,
                                  const void *params, guint64 n_groups);
/* A device buffer that lives as long as the command (scratch space for multi-pass ops). */
DdlBuffer *ddl_cmd_scratch       (DdlCmd *cmd, gsize size);
/* Ends recording on first use, then submits and waits. Can be called again to replay. */
gboolean ddl_cmd_run      (DdlCmd *cmd, GError **error);
/* Sticky recording error, if any (owned by cmd). */
const GError *ddl_cmd_get_error (DdlCmd *cmd);
void     ddl_cmd_set_error (DdlCmd *cmd, GError *error);   /* takes ownership; first wins */

typedef struct {
  DdlKernelId kernel;
  double      ms;
} DdlDispatchTime;
/* Per-dispatch device times of the last profiled run (owned by cmd), NULL if none. */
const GArray *ddl_cmd_get_timings (DdlCmd *cmd);

/* dst[r] = scale * sum_{i < len} src[r * len + i] + beta * dst[r] for r < rows,
 * in as many passes as lavapipe's loop limit requires. */
void ddl_op_reduce_rows (DdlCmd *cmd, DdlBinding dst, DdlBinding src, guint rows, guint64 len,
                         float scale, float beta);

/* Test hook: makes an invalid Vulkan call so tests can prove that validation
 * messages are caught. FALSE when validation is off. */
gboolean ddl_engine_provoke_validation_error (DdlEngine *engine);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlBuffer, ddl_buffer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlCmd, ddl_cmd_free)

G_END_DECLS
