/* ddl-safetensors.h: the safetensors container (8-byte little-endian header
 * length, a JSON header, raw little-endian tensor data), written atomically. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  DDL_DTYPE_F32,
  DDL_DTYPE_I64,
} DdlDtype;

typedef struct {
  char     *name;
  DdlDtype  dtype;
  guint     n_dims;
  guint64   shape[8];
  guint64   offset;      /* into the data section */
  guint64   n_bytes;
} DdlTensorEntry;

typedef struct _DdlSafetensors DdlSafetensors;

/* Writing: add tensors (data is copied), set metadata, then save. */
DdlSafetensors *ddl_safetensors_new        (void);
void            ddl_safetensors_add        (DdlSafetensors *st, const char *name, DdlDtype dtype,
                                            guint n_dims, const guint64 *shape,
                                            const void *data);
void            ddl_safetensors_set_metadata (DdlSafetensors *st, const char *key,
                                              const char *value);
/* Writes PATH.tmp-XXXXXX, fsyncs, then renames over PATH. */
gboolean        ddl_safetensors_save       (DdlSafetensors *st, const char *path, GError **error);

/* Reading: the whole file is read and checked (header bounds, offsets inside the
 * data section, sizes matching dtype x shape, no overlaps). */
DdlSafetensors *ddl_safetensors_load       (const char *path, GError **error);
/* Only the 8-byte length and the JSON header (at most max_header bytes) are read:
 * names, shapes and metadata, the same checks, offsets checked against the file's
 * size. ddl_safetensors_data must not be called on the result. */
DdlSafetensors *ddl_safetensors_load_header (const char *path, guint64 max_header,
                                             GError **error);
const DdlTensorEntry *ddl_safetensors_find (DdlSafetensors *st, const char *name);
const void     *ddl_safetensors_data       (DdlSafetensors *st, const DdlTensorEntry *entry);
/* Copies a tensor's bytes (entry->n_bytes) into out; after load_header they are read
 * from the file, which suits a few small tensors. */
gboolean        ddl_safetensors_read       (DdlSafetensors *st, const DdlTensorEntry *entry,
                                            void *out, GError **error);
const char     *ddl_safetensors_get_metadata (DdlSafetensors *st, const char *key);
/* Tensor names in file order (owned by st). */
GPtrArray      *ddl_safetensors_get_names  (DdlSafetensors *st);
void            ddl_safetensors_free       (DdlSafetensors *st);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlSafetensors, ddl_safetensors_free)

G_END_DECLS
