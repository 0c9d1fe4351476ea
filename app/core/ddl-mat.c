/* ddl-mat.c: MATLAB level-5 .mat reader.
 *
 * File = 128-byte header ("IM"/"MI" endian mark at byte 126) + data elements. An
 * element is an 8-byte tag (type, byte count) and its data padded to 8 bytes, or a
 * "small" element (count <= 4 packed into the upper half of the type word, data in
 * the next 4 bytes). miCOMPRESSED elements hold a zlib stream with one element in
 * it (unpadded). miMATRIX holds sub-elements: array flags, dimensions, name, then
 * per class the real part (and imaginary part), the cells, or the struct fields.
 *
 * The parser reads through a MatReader that is either a window on the file bytes or
 * an inflating zlib stream, so compressed variables are never inflated whole. */
#include "ddl-mat.h"

#include <stdarg.h>
#include <string.h>
#include <zlib.h>

G_DEFINE_QUARK (ddl-mat-error-quark, ddl_mat_error)

enum {
  MI_INT8 = 1, MI_UINT8 = 2, MI_INT16 = 3, MI_UINT16 = 4, MI_INT32 = 5, MI_UINT32 = 6,
  MI_SINGLE = 7, MI_DOUBLE = 9, MI_INT64 = 12, MI_UINT64 = 13, MI_MATRIX = 14,
  MI_COMPRESSED = 15, MI_UTF8 = 16, MI_UTF16 = 17, MI_UTF32 = 18,
};

#define MAT_MAX_DEPTH 32     /* nesting of cells/structs; guards the stack */
#define MAT_CHUNK     65536  /* bytes converted at a time */

typedef struct {
  const char   *name;          /* file, for messages */
  const guint8 *bytes;
  gsize         size;
  gboolean      swap;
  gsize         max_numeric;
  gsize         pos;           /* file offset, or offset in the inflated stream */
  gboolean      inflating;
  gsize         element_offset;  /* file offset of the compressed element */
  z_stream      z;
  GError      **error;
} MatReader;

static gboolean
mat_fail (MatReader *r, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
mat_fail (MatReader *r, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (r->inflating)
    g_set_error (r->error, DDL_MAT_ERROR, DDL_MAT_ERROR_FORMAT,
                 "%s: %s (at byte offset %" G_GSIZE_FORMAT " of the inflated data of the "
                 "compressed element at file offset %" G_GSIZE_FORMAT ")",
                 r->name, message, r->pos, r->element_offset);
  else
    g_set_error (r->error, DDL_MAT_ERROR, DDL_MAT_ERROR_FORMAT,
                 "%s: %s (at byte offset %" G_GSIZE_FORMAT ")", r->name, message, r->pos);
  return FALSE;
}

static gboolean
mat_read (MatReader *r, void *out, gsize n)
{
  if (!r->inflating)
    {
      if (n > r->size - r->pos)
        return mat_fail (r, "truncated file: %" G_GSIZE_FORMAT " bytes needed, %"
                         G_GSIZE_FORMAT " left", n, r->size - r->pos);
      memcpy (out, r->bytes + r->pos, n);
      r->pos += n;
      return TRUE;
    }

  r->z.next_out = out;
  r->z.avail_out = (uInt) n;
  while (r->z.avail_out > 0)
    {
      int ret = inflate (&r->z, Z_NO_FLUSH);
      gsize at = r->element_offset + 8 + r->z.total_in;

      if (ret == Z_STREAM_END && r->z.avail_out > 0)
        return mat_fail (r, "compressed data ends early: %u more bytes expected",
                         r->z.avail_out);
      if (ret == Z_BUF_ERROR)
        {
          g_set_error (r->error, DDL_MAT_ERROR, DDL_MAT_ERROR_FORMAT,
                       "%s: truncated zlib stream at file byte offset %" G_GSIZE_FORMAT
                       " (compressed element at file offset %" G_GSIZE_FORMAT ")",
                       r->name, at, r->element_offset);
          return FALSE;
        }
      if (ret != Z_OK && ret != Z_STREAM_END)
        {
          g_set_error (r->error, DDL_MAT_ERROR, DDL_MAT_ERROR_FORMAT,
                       "%s: zlib error '%s' at file byte offset %" G_GSIZE_FORMAT
                       " (compressed element at file offset %" G_GSIZE_FORMAT ")",
                       r->name, r->z.msg != NULL ? r->z.msg : zError (ret), at,
                       r->element_offset);
          return FALSE;
        }
    }
  r->pos += n;
  return TRUE;
}

static gboolean
mat_skip (MatReader *r, gsize n)
{
  guint8 scratch[4096];

  if (!r->inflating)
    {
      if (n > r->size - r->pos)
        return mat_fail (r, "truncated file while skipping %" G_GSIZE_FORMAT " bytes", n);
      r->pos += n;
      return TRUE;
    }
  while (n > 0)
    {
      gsize step = MIN (n, sizeof scratch);
      if (!mat_read (r, scratch, step))
        return FALSE;
      n -= step;
    }
  return TRUE;
}

static guint32
mat_u32 (MatReader *r, const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, 4);
  return r->swap ? GUINT32_SWAP_LE_BE (v) : v;
}

static guint
mi_type_size (guint32 type)
{
  switch (type)
    {
    case MI_INT8: case MI_UINT8: case MI_UTF8: return 1;
    case MI_INT16: case MI_UINT16: case MI_UTF16: return 2;
    case MI_INT32: case MI_UINT32: case MI_SINGLE: case MI_UTF32: return 4;
    case MI_DOUBLE: case MI_INT64: case MI_UINT64: return 8;
    default: return 0;
    }
}

/* One value of mi type `type` (file byte order) at p. */
static double
mi_value (MatReader *r, guint32 type, const guint8 *p)
{
  guint8 raw[8];
  guint size = mi_type_size (type);

  memcpy (raw, p, size);
  if (r->swap)
    for (guint k = 0; k < size / 2; k++)
      {
        guint8 t = raw[k];
        raw[k] = raw[size - 1 - k];
        raw[size - 1 - k] = t;
      }
  /* raw is now in host order */
  switch (type)
    {
    case MI_INT8: return *(gint8 *) raw;
    case MI_UINT8: case MI_UTF8: return *(guint8 *) raw;
    case MI_INT16: { gint16 v; memcpy (&v, raw, 2); return v; }
    case MI_UINT16: case MI_UTF16: { guint16 v; memcpy (&v, raw, 2); return v; }
    case MI_INT32: { gint32 v; memcpy (&v, raw, 4); return v; }
    case MI_UINT32: case MI_UTF32: { guint32 v; memcpy (&v, raw, 4); return v; }
    case MI_SINGLE: { float v; memcpy (&v, raw, 4); return v; }
    case MI_DOUBLE: { double v; memcpy (&v, raw, 8); return v; }
    case MI_INT64: { gint64 v; memcpy (&v, raw, 8); return (double) v; }
    case MI_UINT64: { guint64 v; memcpy (&v, raw, 8); return (double) v; }
    default: return 0;
    }
}

/* Reads a tag. Small elements leave their (up to 4) data bytes in small_data and
 * set *small; otherwise the data (nbytes, then padding to 8) follows. */
static gboolean
mat_read_tag (MatReader *r, gsize end, guint32 *type, guint32 *nbytes, gboolean *small,
              guint8 small_data[4])
{
  guint8 tag[8];
  guint32 first;

  if (end - r->pos < 8)
    return mat_fail (r, "element tag runs past the end of its enclosing element");
  if (!mat_read (r, tag, 8))
    return FALSE;
  first = mat_u32 (r, tag);
  if (first >> 16 != 0)
    {
      *small = TRUE;
      *type = first & 0xffff;
      *nbytes = first >> 16;
      if (*nbytes > 4)
        return mat_fail (r, "small data element claims %u bytes", *nbytes);
      memcpy (small_data, tag + 4, 4);
    }
  else
    {
      *small = FALSE;
      *type = first;
      *nbytes = mat_u32 (r, tag + 4);
      if (*nbytes > end - r->pos)
        {
          gboolean top = !r->inflating && end == r->size;
          r->pos -= 8;   /* report the element's own offset */
          return mat_fail (r, "element of %u bytes runs past the end of %s", *nbytes,
                           top ? "the file (truncated?)" : "its enclosing element");
        }
    }
  return TRUE;
}

static gsize
padding (guint32 nbytes)
{
  return (8 - nbytes % 8) % 8;
}

/* Reads a whole small sub-element (flags, dims, names) into a new buffer. */
static guint8 *
mat_read_subelement (MatReader *r, gsize end, guint32 *type, guint32 *nbytes)
{
  guint8 small_data[4];
  gboolean small;
  guint8 *data;

  if (!mat_read_tag (r, end, type, nbytes, &small, small_data))
    return NULL;
  if (small)
    return g_memdup2 (small_data, 4);
  if (*nbytes > (1u << 24))
    {
      mat_fail (r, "header sub-element of %u bytes is implausibly large", *nbytes);
      return NULL;
    }
  data = g_malloc (*nbytes + 4);
  if (!mat_read (r, data, *nbytes) || !mat_skip (r, MIN (padding (*nbytes), end - r->pos)))
    {
      g_free (data);
      return NULL;
    }
  return data;
}

static void
mat_value_free (DdlMatValue *value)
{
  gsize n_children;

  if (value == NULL)
    return;
  n_children = value->kind == DDL_MAT_CELL ? value->n_elements
               : value->kind == DDL_MAT_STRUCT ? value->n_elements * value->n_fields : 0;
  if (value->children != NULL)
    for (gsize i = 0; i < n_children; i++)
      mat_value_free (value->children[i]);
  g_free (value->children);
  g_strfreev (value->field_names);
  g_free (value->name);
  g_free (value->dims);
  g_free (value->data);
  g_free (value);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlMatValue, mat_value_free)

static gboolean parse_matrix (MatReader *r, gsize end, guint depth, DdlMatValue **out);

/* Vectors keep their values up to DDL_MAT_MAX_VECTOR, matrices up to max_numeric. */
static gboolean
keeps_values (MatReader *r, const DdlMatValue *value)
{
  guint non_unit = 0;

  for (guint d = 0; d < value->n_dims; d++)
    non_unit += value->dims[d] > 1;
  return non_unit <= 1 ? value->n_elements <= DDL_MAT_MAX_VECTOR
                       : value->n_elements <= r->max_numeric;
}

/* The real part of a numeric or char array, streamed in chunks. */
static gboolean
parse_real_part (MatReader *r, gsize end, DdlMatValue *value)
{
  guint8 small_data[4], *chunk;
  guint32 type, nbytes;
  gboolean small, keep;
  guint size;
  gsize count;

  if (!mat_read_tag (r, end, &type, &nbytes, &small, small_data))
    return FALSE;
  size = mi_type_size (type);
  if (size == 0)
    return mat_fail (r, "array data has unknown element type %u", type);
  if (nbytes % size != 0)
    return mat_fail (r, "array data of %u bytes is not a whole number of %u-byte values",
                     nbytes, size);
  count = nbytes / size;
  /* UTF-8 text may hold fewer code units than characters; other data must match. */
  if (count != value->n_elements && !(value->kind == DDL_MAT_CHAR && type == MI_UTF8))
    return mat_fail (r, "array '%s' has %" G_GSIZE_FORMAT " values but its dimensions say %"
                     G_GSIZE_FORMAT, value->name, count, value->n_elements);

  keep = keeps_values (r, value);
  if (keep)
    value->data = g_new0 (double, MAX (value->n_elements, 1));
  if (small)
    {
      for (gsize i = 0; i < count; i++)
        {
          double v = mi_value (r, type, small_data + i * size);
          value->n_nonzero += v != 0;
          if (keep && i < value->n_elements)
            value->data[i] = v;
        }
      return TRUE;
    }

  chunk = g_malloc (MAT_CHUNK);
  for (gsize done = 0; done < count;)
    {
      gsize step = MIN (count - done, MAT_CHUNK / size);
      if (!mat_read (r, chunk, step * size))
        {
          g_free (chunk);
          return FALSE;
        }
      if (size == 1 && !keep)
        {
          /* Fast path for large 8-bit masks: only the non-zero count is kept. */
          for (gsize i = 0; i < step; i++)
            value->n_nonzero += chunk[i] != 0;
          done += step;
          continue;
        }
      for (gsize i = 0; i < step; i++)
        {
          double v = mi_value (r, type, chunk + i * size);
          value->n_nonzero += v != 0;
          if (keep && done + i < value->n_elements)
            value->data[done + i] = v;
        }
      done += step;
    }
  g_free (chunk);
  return mat_skip (r, MIN (padding (nbytes), end - r->pos));
}

static gboolean
parse_children (MatReader *r, gsize end, guint depth, DdlMatValue *value, gsize n_children)
{
  value->children = g_new0 (DdlMatValue *, MAX (n_children, 1));
  for (gsize i = 0; i < n_children; i++)
    {
      guint8 small_data[4];
      guint32 type, nbytes;
      gboolean small;
      gsize child_end;

      if (!mat_read_tag (r, end, &type, &nbytes, &small, small_data))
        return FALSE;
      if (type != MI_MATRIX || small)
        return mat_fail (r, "element %" G_GSIZE_FORMAT " of '%s' is not a matrix (type %u)",
                         i, value->name, type);
      child_end = r->pos + nbytes;
      if (!parse_matrix (r, child_end, depth + 1, &value->children[i]))
        return FALSE;
      if (value->kind == DDL_MAT_STRUCT)
        {
          g_free (value->children[i]->name);
          value->children[i]->name = g_strdup (value->field_names[i % value->n_fields]);
        }
      if (!mat_skip (r, child_end - r->pos))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_struct_fields (MatReader *r, gsize end, DdlMatValue *value)
{
  g_autofree guint8 *len_data = NULL, *names = NULL;
  guint32 type, nbytes, name_len;

  len_data = mat_read_subelement (r, end, &type, &nbytes);
  if (len_data == NULL)
    return FALSE;
  if (type != MI_INT32 || nbytes != 4)
    return mat_fail (r, "struct '%s' lacks its field name length", value->name);
  name_len = mat_u32 (r, len_data);
  names = mat_read_subelement (r, end, &type, &nbytes);
  if (names == NULL)
    return FALSE;
  if (type != MI_INT8 || name_len == 0 || nbytes % name_len != 0 || nbytes / name_len > 65536)
    return mat_fail (r, "struct '%s' has malformed field names", value->name);
  value->n_fields = nbytes / name_len;
  value->field_names = g_new0 (char *, value->n_fields + 1);
  for (guint f = 0; f < value->n_fields; f++)
    value->field_names[f] = g_strndup ((const char *) names + f * name_len, name_len);
  if (value->n_fields != 0 && value->n_elements > G_MAXSIZE / 16 / value->n_fields)
    return mat_fail (r, "struct '%s' is too large", value->name);
  return TRUE;
}

static gboolean
parse_matrix (MatReader *r, gsize end, guint depth, DdlMatValue **out)
{
  g_autoptr(DdlMatValue) value = g_new0 (DdlMatValue, 1);
  g_autofree guint8 *flags = NULL, *dims = NULL, *name = NULL;
  guint32 type, nbytes, word;

  if (depth > MAT_MAX_DEPTH)
    return mat_fail (r, "cells or structs nested more than %d deep", MAT_MAX_DEPTH);

  value->name = g_strdup ("");
  if (r->pos == end)   /* an empty miMATRIX is an empty double array */
    {
      value->kind = DDL_MAT_NUMERIC;
      value->klass = DDL_MAT_CLASS_DOUBLE;
      value->n_dims = 2;
      value->dims = g_new0 (gsize, 2);
      *out = g_steal_pointer (&value);
      return TRUE;
    }

  flags = mat_read_subelement (r, end, &type, &nbytes);
  if (flags == NULL)
    return FALSE;
  if (type != MI_UINT32 || nbytes != 8)
    return mat_fail (r, "matrix lacks its array flags");
  word = mat_u32 (r, flags);
  value->klass = word & 0xff;
  value->complex = (word & 0x800) != 0;
  value->logical = (word & 0x200) != 0;

  switch ((int) value->klass)
    {
    case DDL_MAT_CLASS_CELL: value->kind = DDL_MAT_CELL; break;
    case DDL_MAT_CLASS_STRUCT: value->kind = DDL_MAT_STRUCT; break;
    case DDL_MAT_CLASS_CHAR: value->kind = DDL_MAT_CHAR; break;
    default:
      value->kind = value->klass >= DDL_MAT_CLASS_DOUBLE && value->klass <= DDL_MAT_CLASS_UINT64
                    ? DDL_MAT_NUMERIC : DDL_MAT_OTHER;
    }
  if (value->kind == DDL_MAT_OTHER && value->klass != DDL_MAT_CLASS_SPARSE
      && value->klass != DDL_MAT_CLASS_OBJECT)
    {
      /* Opaque classes (function handles, MCOS objects) have another layout. */
      *out = g_steal_pointer (&value);
      return mat_skip (r, end - r->pos);
    }

  dims = mat_read_subelement (r, end, &type, &nbytes);
  if (dims == NULL)
    return FALSE;
  if (type != MI_INT32 || nbytes % 4 != 0 || nbytes / 4 < 1 || nbytes / 4 > 64)
    return mat_fail (r, "matrix has malformed dimensions");
  value->n_dims = nbytes / 4;
  value->dims = g_new (gsize, value->n_dims);
  value->n_elements = 1;
  for (guint d = 0; d < value->n_dims; d++)
    {
      gint32 v = (gint32) mat_u32 (r, dims + 4 * d);
      if (v < 0)
        return mat_fail (r, "matrix has a negative dimension");
      value->dims[d] = v;
      if (v != 0 && value->n_elements > G_MAXSIZE / 16 / (gsize) v)
        return mat_fail (r, "matrix is too large");
      value->n_elements *= v;
    }

  name = mat_read_subelement (r, end, &type, &nbytes);
  if (name == NULL)
    return FALSE;
  if (type != MI_INT8 && type != MI_UINT8)
    return mat_fail (r, "matrix lacks its name");
  g_free (value->name);
  value->name = g_strndup ((const char *) name, nbytes);

  switch (value->kind)
    {
    case DDL_MAT_CELL:
      if (!parse_children (r, end, depth, value, value->n_elements))
        return FALSE;
      break;
    case DDL_MAT_STRUCT:
      if (!parse_struct_fields (r, end, value)
          || !parse_children (r, end, depth, value, value->n_elements * value->n_fields))
        return FALSE;
      break;
    case DDL_MAT_NUMERIC:
    case DDL_MAT_CHAR:
      if (!parse_real_part (r, end, value))
        return FALSE;
      break;
    case DDL_MAT_OTHER:
      break;
    }
  /* Imaginary parts, sparse data, object class names: skipped. */
  *out = g_steal_pointer (&value);
  return mat_skip (r, end - r->pos);
}

/* Parses one top-level element at r->pos (file offset); appends variables. */
static gboolean
parse_top_element (MatReader *r, DdlMatFile *file)
{
  gsize offset = r->pos, end;
  guint8 small_data[4];
  guint32 type, nbytes;
  gboolean small, ok = TRUE;
  DdlMatValue *value = NULL;

  if (!mat_read_tag (r, r->size, &type, &nbytes, &small, small_data))
    return FALSE;
  if (small)
    return TRUE;
  end = r->pos + nbytes;

  if (type == MI_MATRIX)
    {
      ok = parse_matrix (r, end, 0, &value);
      r->pos = end + MIN (padding (nbytes), r->size - end);
    }
  else if (type == MI_COMPRESSED)
    {
      guint32 inner_type, inner_bytes;

      memset (&r->z, 0, sizeof r->z);
      if (inflateInit (&r->z) != Z_OK)
        return mat_fail (r, "cannot initialise zlib");
      r->z.next_in = (Bytef *) r->bytes + r->pos;
      r->z.avail_in = nbytes;
      r->inflating = TRUE;
      r->element_offset = offset;
      r->pos = 0;
      /* The inflated stream is one element; its size is bounded only by its tag. */
      ok = mat_read_tag (r, G_MAXSIZE, &inner_type, &inner_bytes, &small, small_data);
      if (ok && inner_type == MI_MATRIX && !small)
        ok = parse_matrix (r, r->pos + inner_bytes, 0, &value);
      inflateEnd (&r->z);
      r->inflating = FALSE;
      r->pos = end;   /* compressed elements are not padded */
    }
  else
    r->pos = end + MIN (padding (nbytes), r->size - end);

  if (value != NULL)
    g_ptr_array_add (file->variables, value);
  return ok;
}

DdlMatFile *
ddl_mat_parse (const guint8 *bytes, gsize size, const char *name, gsize max_numeric,
               GError **error)
{
  g_autoptr(DdlMatFile) file = NULL;
  MatReader r = { 0 };

  g_return_val_if_fail (bytes != NULL || size == 0, NULL);

  if (size >= 19 && memcmp (bytes, "MATLAB 7.3 MAT-file", 19) == 0)
    {
      g_set_error (error, DDL_MAT_ERROR, DDL_MAT_ERROR_UNSUPPORTED,
                   "%s: MATLAB 7.3 (HDF5) files are not supported; save with -v7 instead", name);
      return NULL;
    }
  if (size < 128 || (memcmp (bytes + 126, "IM", 2) != 0 && memcmp (bytes + 126, "MI", 2) != 0)
      || memcmp (bytes, "MATLAB", 6) != 0)
    {
      g_set_error (error, DDL_MAT_ERROR, size < 128 ? DDL_MAT_ERROR_FORMAT
                   : DDL_MAT_ERROR_UNSUPPORTED,
                   "%s: not a MATLAB level-5 .mat file (%s)", name,
                   size < 128 ? "shorter than the 128-byte header" : "no MATLAB 5.0 header");
      return NULL;
    }

  file = g_new0 (DdlMatFile, 1);
  file->header = g_strstrip (g_strndup ((const char *) bytes, 116));
  file->variables = g_ptr_array_new_with_free_func ((GDestroyNotify) mat_value_free);

  r.name = name;
  r.bytes = bytes;
  r.size = size;
  r.max_numeric = max_numeric;
  r.error = error;
  /* "IM" read as bytes means the file wrote 0x4d49 little-endian. */
  r.swap = (memcmp (bytes + 126, "IM", 2) == 0) != (G_BYTE_ORDER == G_LITTLE_ENDIAN);
  r.pos = 128;
  while (r.pos < size)
    if (!parse_top_element (&r, file))
      return NULL;
  return g_steal_pointer (&file);
}

DdlMatFile *
ddl_mat_load (const char *path, gsize max_numeric, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(GError) local = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &local))
    {
      g_set_error (error, DDL_MAT_ERROR, DDL_MAT_ERROR_OPEN, "%s", local->message);
      return NULL;
    }
  return ddl_mat_parse ((const guint8 *) contents, length, display, max_numeric, error);
}

void
ddl_mat_file_free (DdlMatFile *file)
{
  if (file == NULL)
    return;
  g_ptr_array_unref (file->variables);
  g_free (file->header);
  g_free (file);
}

DdlMatValue *
ddl_mat_file_lookup (DdlMatFile *file, const char *name)
{
  g_return_val_if_fail (file != NULL && name != NULL, NULL);
  for (guint i = 0; i < file->variables->len; i++)
    {
      DdlMatValue *value = g_ptr_array_index (file->variables, i);
      if (strcmp (value->name, name) == 0)
        return value;
    }
  return NULL;
}

DdlMatValue *
ddl_mat_value_get_field (DdlMatValue *value, gsize index, const char *field)
{
  g_return_val_if_fail (value != NULL && field != NULL, NULL);
  if (value->kind != DDL_MAT_STRUCT || index >= value->n_elements)
    return NULL;
  for (guint f = 0; f < value->n_fields; f++)
    if (strcmp (value->field_names[f], field) == 0)
      return value->children[index * value->n_fields + f];
  return NULL;
}

const char *
ddl_mat_class_to_string (DdlMatClass klass)
{
  static const char *names[] = {
    "unknown", "cell", "struct", "object", "char", "sparse", "double", "single",
    "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
  };
  return (guint) klass < G_N_ELEMENTS (names) ? names[klass] : "unknown";
}
