/* Helpers shared by the layers operators (ddl-ops-layers*.c); not installed. */
#pragma once

#include "ddl-ops.h"

G_BEGIN_DECLS

/* Records `format` as the command's error (first error wins). */
void       ddl_layers_error (DdlCmd *cmd, DdlEngineError code, const char *format, ...)
           G_GNUC_PRINTF (3, 4);

/* TRUE when the binding has a buffer that holds `bytes` from its offset. */
gboolean   ddl_layers_check_binding (DdlCmd *cmd, const char *op, const char *what,
                                     DdlBinding b, guint64 bytes);
/* The same for a (C) per-channel tensor, which may start at any float. */
gboolean   ddl_layers_check_param (DdlCmd *cmd, const char *op, const char *what,
                                   DdlBinding b, guint C);
/* A (C) per-channel tensor at any float offset: the binding from the aligned
 * offset below it to its end, and the remaining element offset for the kernel's
 * *_off field. */
DdlBinding ddl_layers_param_binding (DdlCmd *cmd, DdlBinding b, guint C,
                                     guint32 *element_offset);

/* Elements per invocation of a kernel that walks rows of `row` elements: the
 * largest of 8, 4, 2, 1 dividing it. Handling a few consecutive elements per
 * invocation does the index arithmetic once per run, which on lavapipe costs as
 * much as the memory traffic. */
guint      ddl_layers_row_vec (guint64 row);

/* Where ddl_layers_dispatch_windows writes each window's sizes into the push
 * constants (NULL: not wanted). */
typedef struct {
  guint32 *n;      /* work items (elements, partials) of the window */
  guint32 *batch;  /* images of the window */
  guint32 *first;  /* index of its first image */
} DdlLayersWindow;

/* Dispatches `kernel` once per window of whole images (or elements) such that no
 * binding exceeds ddl_op_layers_get_max_binding() and every window starts aligned.
 * bindings[k] advances by image_bytes[k] per image and is bound to exactly its
 * window; image_bytes[k] = 0 marks a binding that stays as given (a per-channel
 * tensor, scratch). Each invocation handles `vec` of the work_per_image items of
 * an image. At most 8 bindings. */
void       ddl_layers_dispatch_windows (DdlCmd           *cmd,
                                        const char       *op,
                                        DdlKernelId       kernel,
                                        const DdlBinding *bindings,
                                        const gsize      *image_bytes,
                                        guint             n_bindings,
                                        guint64           B,
                                        guint64           work_per_image,
                                        guint             vec,
                                        void             *params,
                                        DdlLayersWindow   fields);

G_END_DECLS
