/* ddl-mat.h: MATLAB level-5 .mat files (the format of `save -v7` and earlier).
 *
 * Reads every variable into a small tree: numeric and logical arrays (all numeric
 * classes, any storage type, real part only), char arrays, cell arrays and structs.
 * miCOMPRESSED (zlib) elements are inflated as a stream, so a large variable never
 * has to sit in memory whole: numeric matrices (two or more dimensions longer than 1)
 * with more than `max_numeric` elements keep only their shape and count of non-zero
 * elements (enough for pixel masks, where a frame is anomalous if any pixel is set). Sparse arrays, objects and
 * function handles are recorded as DDL_MAT_OTHER and skipped.
 *
 * Every read is bounds-checked against its enclosing element; errors name the file
 * and the byte offset (in the file, or in the inflated stream of the compressed
 * element that starts at a given file offset). MATLAB 7.3 files are HDF5 and are
 * refused with a message saying so. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DDL_MAT_ERROR (ddl_mat_error_quark ())

typedef enum {
  DDL_MAT_ERROR_OPEN,          /* cannot read the file */
  DDL_MAT_ERROR_FORMAT,        /* malformed or truncated data, zlib errors */
  DDL_MAT_ERROR_UNSUPPORTED,   /* v4 or v7.3 (HDF5) files */
} DdlMatError;

/* MATLAB array classes (mxClassID). */
typedef enum {
  DDL_MAT_CLASS_CELL = 1,
  DDL_MAT_CLASS_STRUCT = 2,
  DDL_MAT_CLASS_OBJECT = 3,
  DDL_MAT_CLASS_CHAR = 4,
  DDL_MAT_CLASS_SPARSE = 5,
  DDL_MAT_CLASS_DOUBLE = 6,
  DDL_MAT_CLASS_SINGLE = 7,
  DDL_MAT_CLASS_INT8 = 8,
  DDL_MAT_CLASS_UINT8 = 9,
  DDL_MAT_CLASS_INT16 = 10,
  DDL_MAT_CLASS_UINT16 = 11,
  DDL_MAT_CLASS_INT32 = 12,
  DDL_MAT_CLASS_UINT32 = 13,
  DDL_MAT_CLASS_INT64 = 14,
  DDL_MAT_CLASS_UINT64 = 15,
} DdlMatClass;

typedef enum {
  DDL_MAT_NUMERIC,   /* numeric classes and logical */
  DDL_MAT_CHAR,
  DDL_MAT_CELL,
  DDL_MAT_STRUCT,
  DDL_MAT_OTHER,     /* sparse, object, function handle, ...: skipped */
} DdlMatKind;

typedef struct _DdlMatValue DdlMatValue;

struct _DdlMatValue {
  char        *name;          /* variable or field name; "" inside cells */
  DdlMatKind   kind;
  DdlMatClass  klass;
  gboolean     logical;
  gboolean     complex;
  guint        n_dims;
  gsize       *dims;          /* n_dims sizes (MATLAB: at least 2) */
  gsize        n_elements;    /* product of dims */

  /* NUMERIC and CHAR: n_elements values in column-major order, or NULL when the
   * array was summarised (then only n_nonzero is known): a matrix with two or more
   * dimensions longer than 1 and more than max_numeric elements, or a vector longer
   * than DDL_MAT_MAX_VECTOR. */
  double      *data;
  gsize        n_nonzero;     /* NUMERIC: number of non-zero real values */

  /* CELL: n_elements children. STRUCT: n_elements * n_fields children, element
   * e's field f at children[e * n_fields + f]. */
  DdlMatValue **children;
  guint        n_fields;
  char       **field_names;   /* STRUCT: n_fields names */
};

typedef struct {
  char      *header;     /* the 116-byte descriptive text, trimmed */
  GPtrArray *variables;  /* DdlMatValue, in file order */
} DdlMatFile;

/* Vectors (at most one dimension longer than 1) keep their values up to this size. */
#define DDL_MAT_MAX_VECTOR (1u << 24)
/* A max_numeric that keeps every matrix a label file would hold as values (interval
 * tables) but summarises images such as pixel masks. */
#define DDL_MAT_LABELS_MAX_NUMERIC 4096

GQuark       ddl_mat_error_quark (void);

DdlMatFile  *ddl_mat_load        (const char *path, gsize max_numeric, GError **error);
/* Parses an in-memory file; `name` is used in error messages. */
DdlMatFile  *ddl_mat_parse       (const guint8 *bytes,
                                  gsize         size,
                                  const char   *name,
                                  gsize         max_numeric,
                                  GError      **error);
void         ddl_mat_file_free   (DdlMatFile *file);
DdlMatValue *ddl_mat_file_lookup (DdlMatFile *file, const char *name);
/* A struct field of element `index`, or NULL. */
DdlMatValue *ddl_mat_value_get_field (DdlMatValue *value, gsize index, const char *field);
const char  *ddl_mat_class_to_string (DdlMatClass klass);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlMatFile, ddl_mat_file_free)

G_END_DECLS
