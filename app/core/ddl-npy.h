/* ddl-npy.h: numpy .npy arrays (format versions 1.0, 2.0 and 3.0).
 *
 * Enough of the format for frame labels and score arrays: one numeric array of
 * bool, int8..int64, uint8..uint64 or float16/32/64, either byte order, C order
 * (Fortran order when at most one dimension is longer than 1, which is the same
 * layout). Values are converted to double on load (labels and scores never need
 * more than 53 bits). Structured dtypes, object arrays and pickles are refused
 * with a clear error. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DDL_NPY_ERROR (ddl_npy_error_quark ())

typedef enum {
  DDL_NPY_ERROR_OPEN,         /* cannot read the file */
  DDL_NPY_ERROR_FORMAT,       /* not an .npy file, malformed header, truncated data */
  DDL_NPY_ERROR_UNSUPPORTED,  /* a valid .npy this reader does not handle (dtype, order) */
} DdlNpyError;

#define DDL_NPY_MAX_DIMS 8

typedef struct {
  guint   n_dims;                    /* 0 for a scalar */
  gsize   shape[DDL_NPY_MAX_DIMS];
  gsize   n;                         /* product of shape (1 for a scalar) */
  char    descr[8];                  /* as written in the header, e.g. "<i8", "|u1" */
  double *data;                      /* n values in C order (NULL from ddl_npy_load_u8) */
  guint8 *bytes;                     /* n bytes, from ddl_npy_load_u8 only */
} DdlNpyArray;

GQuark       ddl_npy_error_quark (void);

DdlNpyArray *ddl_npy_load        (const char *path, GError **error);
/* Parses an in-memory file; `name` is used in error messages. */
DdlNpyArray *ddl_npy_parse       (const guint8 *bytes,
                                  gsize         size,
                                  const char   *name,
                                  GError      **error);
void         ddl_npy_array_free  (DdlNpyArray *array);
/* A uint8 array kept as bytes (error maps and reconstructions: as doubles they would
 * take 8 times the memory); any other dtype is DDL_NPY_ERROR_UNSUPPORTED. */
DdlNpyArray *ddl_npy_load_u8     (const char *path, GError **error);

/* Writes a uint8 array ('|u1', format 1.0, C order) of the given shape. */
gboolean     ddl_npy_save_u8     (const char   *path,
                                  const guint8 *data,
                                  guint         n_dims,
                                  const gsize  *shape,
                                  GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlNpyArray, ddl_npy_array_free)

G_END_DECLS
