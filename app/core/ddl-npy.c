/* ddl-npy.c: numpy .npy reader and a small uint8 writer.
 *
 * Layout: "\x93NUMPY", major, minor, header length (uint16 LE for 1.x, uint32 LE for
 * 2.x and 3.x), then a Python dict literal such as
 *   {'descr': '<i8', 'fortran_order': False, 'shape': (1, 2010), }
 * padded with spaces and a newline, then the raw data. */
#include "ddl-npy.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (ddl-npy-error-quark, ddl_npy_error)

static const guint8 npy_magic[6] = { 0x93, 'N', 'U', 'M', 'P', 'Y' };

void
ddl_npy_array_free (DdlNpyArray *array)
{
  if (array == NULL)
    return;
  g_free (array->data);
  g_free (array->bytes);
  g_free (array);
}

/* ---- header dict ------------------------------------------------------------ */

typedef struct {
  const char *p, *end;
  const char *name;    /* file, for messages */
  GError    **error;
} HeaderCursor;

static gboolean
header_fail (HeaderCursor *c, const char *what)
{
  g_set_error (c->error, DDL_NPY_ERROR, DDL_NPY_ERROR_FORMAT,
               "%s: malformed .npy header (%s)", c->name, what);
  return FALSE;
}

static void
skip_space (HeaderCursor *c)
{
  while (c->p < c->end && g_ascii_isspace (*c->p))
    c->p++;
}

static gboolean
expect_char (HeaderCursor *c, char ch)
{
  skip_space (c);
  if (c->p >= c->end || *c->p != ch)
    {
      char what[32];
      g_snprintf (what, sizeof what, "expected '%c'", ch);
      return header_fail (c, what);
    }
  c->p++;
  return TRUE;
}

/* A quoted Python string without escapes (all npy keys and dtype strings). */
static gboolean
read_string (HeaderCursor *c, char *out, gsize out_size)
{
  char quote;
  gsize len = 0;

  skip_space (c);
  if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
    return header_fail (c, "expected a quoted string");
  quote = *c->p++;
  while (c->p < c->end && *c->p != quote)
    {
      if (len + 1 >= out_size)
        return header_fail (c, "string too long");
      out[len++] = *c->p++;
    }
  if (c->p >= c->end)
    return header_fail (c, "unterminated string");
  c->p++;
  out[len] = '\0';
  return TRUE;
}

static gboolean
read_shape (HeaderCursor *c, DdlNpyArray *array)
{
  if (!expect_char (c, '('))
    return FALSE;
  array->n_dims = 0;
  for (;;)
    {
      guint64 value;
      char *endp;

      skip_space (c);
      if (c->p < c->end && *c->p == ')')
        {
          c->p++;
          return TRUE;
        }
      if (c->p >= c->end || !g_ascii_isdigit (*c->p))
        return header_fail (c, "shape must be a tuple of non-negative integers");
      value = g_ascii_strtoull (c->p, &endp, 10);
      if (endp > c->end || value > G_MAXSIZE / 16)
        return header_fail (c, "shape value out of range");
      c->p = endp;
      if (array->n_dims == DDL_NPY_MAX_DIMS)
        {
          g_set_error (c->error, DDL_NPY_ERROR, DDL_NPY_ERROR_UNSUPPORTED,
                       "%s: arrays with more than %d dimensions are not supported",
                       c->name, DDL_NPY_MAX_DIMS);
          return FALSE;
        }
      array->shape[array->n_dims++] = value;
      skip_space (c);
      if (c->p < c->end && *c->p == ',')
        c->p++;
      else if (c->p < c->end && *c->p != ')')
        return header_fail (c, "expected ',' or ')' in shape");
    }
}

static gboolean
parse_header (HeaderCursor *c, DdlNpyArray *array, gboolean *fortran)
{
  gboolean have_descr = FALSE, have_order = FALSE, have_shape = FALSE;

  if (!expect_char (c, '{'))
    return FALSE;
  for (;;)
    {
      char key[32];

      skip_space (c);
      if (c->p < c->end && *c->p == '}')
        break;
      if (!read_string (c, key, sizeof key) || !expect_char (c, ':'))
        return FALSE;
      skip_space (c);
      if (strcmp (key, "descr") == 0)
        {
          if (c->p < c->end && *c->p == '[')
            {
              g_set_error (c->error, DDL_NPY_ERROR, DDL_NPY_ERROR_UNSUPPORTED,
                           "%s: structured dtypes are not supported", c->name);
              return FALSE;
            }
          if (!read_string (c, array->descr, sizeof array->descr))
            return FALSE;
          have_descr = TRUE;
        }
      else if (strcmp (key, "fortran_order") == 0)
        {
          if (c->end - c->p >= 4 && strncmp (c->p, "True", 4) == 0)
            *fortran = TRUE, c->p += 4;
          else if (c->end - c->p >= 5 && strncmp (c->p, "False", 5) == 0)
            *fortran = FALSE, c->p += 5;
          else
            return header_fail (c, "fortran_order must be True or False");
          have_order = TRUE;
        }
      else if (strcmp (key, "shape") == 0)
        {
          if (!read_shape (c, array))
            return FALSE;
          have_shape = TRUE;
        }
      else
        return header_fail (c, "unknown key");
      skip_space (c);
      if (c->p < c->end && *c->p == ',')
        c->p++;
      else if (c->p >= c->end || *c->p != '}')
        return header_fail (c, "expected ',' or '}'");
    }
  if (!have_descr || !have_order || !have_shape)
    return header_fail (c, "descr, fortran_order and shape are all required");
  return TRUE;
}

/* ---- element conversion ----------------------------------------------------- */

static double
half_to_double (guint16 h)
{
  int exponent = (h >> 10) & 0x1f;
  int mantissa = h & 0x3ff;
  double sign = (h & 0x8000) ? -1.0 : 1.0;

  if (exponent == 0)
    return sign * ldexp (mantissa, -24);
  if (exponent == 31)
    return mantissa != 0 ? NAN : sign * INFINITY;
  return sign * ldexp (mantissa | 0x400, exponent - 25);
}

/* Converts n elements of kind ('b','i','u','f') and size bytes. */
static void
convert_elements (double *out, const guint8 *in, gsize n, char kind, guint size, gboolean swap)
{
  for (gsize i = 0; i < n; i++, in += size)
    {
      guint8 raw[8];
      guint64 bits = 0;

      memcpy (raw, in, size);
      if (swap)
        for (guint k = 0; k < size / 2; k++)
          {
            guint8 t = raw[k];
            raw[k] = raw[size - 1 - k];
            raw[size - 1 - k] = t;
          }
      /* raw is now little-endian */
      for (guint k = 0; k < size; k++)
        bits |= (guint64) raw[k] << (8 * k);

      if (kind == 'b' || kind == 'u')
        out[i] = (double) bits;
      else if (kind == 'i')
        {
          guint shift = 64 - 8 * size;
          gint64 v = (gint64) (bits << shift) >> shift;   /* sign-extend */
          out[i] = (double) v;
        }
      else if (size == 2)
        out[i] = half_to_double ((guint16) bits);
      else if (size == 4)
        {
          guint32 b32 = (guint32) bits;
          float f;
          memcpy (&f, &b32, 4);
          out[i] = f;
        }
      else
        {
          double d;
          memcpy (&d, &bits, 8);
          out[i] = d;
        }
    }
}

/* Splits a descr such as "<i8" into kind, size and whether bytes need swapping. */
static gboolean
parse_descr (const char *descr, const char *name, char *kind, guint *size, gboolean *swap,
             GError **error)
{
  char order = descr[0], type = order != '\0' ? descr[1] : '\0';
  gboolean big;
  guint64 n;

  if (order != '<' && order != '>' && order != '|' && order != '=')
    goto bad;
  n = type != '\0' && descr[2] != '\0' ? g_ascii_strtoull (descr + 2, NULL, 10) : 0;
  switch (type)
    {
    case '?': *kind = 'b'; *size = n ? n : 1; break;
    case 'b': *kind = 'i'; *size = n ? n : 1; break;
    case 'B': *kind = 'u'; *size = n ? n : 1; break;
    case 'i': case 'u': case 'f': *kind = type; *size = n; break;
    default: goto bad;
    }
  if (!((*kind == 'b' && *size == 1)
        || ((*kind == 'i' || *kind == 'u') && (*size == 1 || *size == 2 || *size == 4 || *size == 8))
        || (*kind == 'f' && (*size == 2 || *size == 4 || *size == 8))))
    goto bad;
  big = order == '>' || (order == '=' && G_BYTE_ORDER == G_BIG_ENDIAN);
  *swap = big && *size > 1;
  return TRUE;

bad:
  g_set_error (error, DDL_NPY_ERROR, DDL_NPY_ERROR_UNSUPPORTED,
               "%s: unsupported dtype '%s' (expected bool, int8..int64, uint8..uint64 or float)",
               name, descr);
  return FALSE;
}

static DdlNpyArray *
parse (const guint8 *bytes, gsize size, const char *name, gboolean as_u8, GError **error)
{
  g_autoptr(DdlNpyArray) array = g_new0 (DdlNpyArray, 1);
  HeaderCursor cursor;
  gsize header_len, data_offset, non_unit = 0;
  gboolean fortran = FALSE, swap;
  guint major, item_size;
  char kind;

  g_return_val_if_fail (bytes != NULL || size == 0, NULL);

  if (size < 10 || memcmp (bytes, npy_magic, sizeof npy_magic) != 0)
    {
      g_set_error (error, DDL_NPY_ERROR, DDL_NPY_ERROR_FORMAT,
                   "%s: not a numpy .npy file (missing \\x93NUMPY magic)", name);
      return NULL;
    }
  major = bytes[6];
  if (major == 1)
    {
      header_len = bytes[8] | (bytes[9] << 8);
      data_offset = 10;
    }
  else if (major == 2 || major == 3)
    {
      if (size < 12)
        goto truncated_header;
      header_len = (gsize) bytes[8] | ((gsize) bytes[9] << 8) | ((gsize) bytes[10] << 16)
                   | ((gsize) bytes[11] << 24);
      data_offset = 12;
    }
  else
    {
      g_set_error (error, DDL_NPY_ERROR, DDL_NPY_ERROR_UNSUPPORTED,
                   "%s: unsupported .npy format version %u.%u", name, major, bytes[7]);
      return NULL;
    }
  if (header_len > size - data_offset)
    goto truncated_header;

  cursor.p = (const char *) bytes + data_offset;
  cursor.end = cursor.p + header_len;
  cursor.name = name;
  cursor.error = error;
  if (!parse_header (&cursor, array, &fortran))
    return NULL;
  data_offset += header_len;

  if (!parse_descr (array->descr, name, &kind, &item_size, &swap, error))
    return NULL;

  array->n = 1;
  for (guint d = 0; d < array->n_dims; d++)
    {
      if (array->shape[d] != 0 && array->n > G_MAXSIZE / 16 / array->shape[d])
        {
          g_set_error (error, DDL_NPY_ERROR, DDL_NPY_ERROR_FORMAT,
                       "%s: array shape is too large", name);
          return NULL;
        }
      array->n *= array->shape[d];
      non_unit += array->shape[d] > 1;
    }
  /* Fortran order differs from C order only with two or more non-unit dimensions. */
  if (fortran && non_unit > 1)
    {
      g_set_error (error, DDL_NPY_ERROR, DDL_NPY_ERROR_UNSUPPORTED,
                   "%s: Fortran-order arrays with more than one non-unit dimension are not "
                   "supported", name);
      return NULL;
    }
  if (array->n * item_size > size - data_offset)
    {
      g_set_error (error, DDL_NPY_ERROR, DDL_NPY_ERROR_FORMAT,
                   "%s: truncated data: %" G_GSIZE_FORMAT " elements of %u bytes need %"
                   G_GSIZE_FORMAT " bytes from byte offset %" G_GSIZE_FORMAT ", the file has %"
                   G_GSIZE_FORMAT, name, array->n, item_size, array->n * item_size,
                   data_offset, size - data_offset);
      return NULL;
    }

  if (as_u8)
    {
      if (kind != 'u' || item_size != 1)
        {
          g_set_error (error, DDL_NPY_ERROR, DDL_NPY_ERROR_UNSUPPORTED,
                       "%s: a uint8 array ('|u1') was expected, not '%s'", name, array->descr);
          return NULL;
        }
      array->bytes = array->n > 0 ? g_memdup2 (bytes + data_offset, array->n) : g_malloc0 (1);
      return g_steal_pointer (&array);
    }
  array->data = g_new (double, MAX (array->n, 1));
  convert_elements (array->data, bytes + data_offset, array->n, kind, item_size, swap);
  return g_steal_pointer (&array);

truncated_header:
  g_set_error (error, DDL_NPY_ERROR, DDL_NPY_ERROR_FORMAT,
               "%s: truncated .npy header (file has %" G_GSIZE_FORMAT " bytes)", name, size);
  return NULL;
}

DdlNpyArray *
ddl_npy_parse (const guint8 *bytes, gsize size, const char *name, GError **error)
{
  return parse (bytes, size, name, FALSE, error);
}

static DdlNpyArray *
load (const char *path, gboolean as_u8, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(GError) local = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &local))
    {
      g_set_error (error, DDL_NPY_ERROR, DDL_NPY_ERROR_OPEN, "%s", local->message);
      return NULL;
    }
  return parse ((const guint8 *) contents, length, display, as_u8, error);
}

DdlNpyArray *
ddl_npy_load (const char *path, GError **error)
{
  return load (path, FALSE, error);
}

DdlNpyArray *
ddl_npy_load_u8 (const char *path, GError **error)
{
  return load (path, TRUE, error);
}

gboolean
ddl_npy_save_u8 (const char   *path,
                 const guint8 *data,
                 guint         n_dims,
                 const gsize  *shape,
                 GError      **error)
{
  g_autoptr(GString) header = g_string_new (NULL);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize n = 1;
  guint8 len[2];

  g_return_val_if_fail (n_dims <= DDL_NPY_MAX_DIMS, FALSE);

  g_string_append (header, "{'descr': '|u1', 'fortran_order': False, 'shape': (");
  for (guint d = 0; d < n_dims; d++)
    {
      g_string_append_printf (header, "%" G_GSIZE_FORMAT "%s", shape[d],
                              n_dims == 1 || d + 1 < n_dims ? ", " : "");
      n *= shape[d];
    }
  if (n_dims == 1)
    g_string_truncate (header, header->len - 1);   /* "(5,)" */
  g_string_append (header, "), }");
  /* Pad so the data starts on a 64-byte boundary, as numpy does. */
  while ((10 + header->len + 1) % 64 != 0)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');

  g_byte_array_append (out, npy_magic, sizeof npy_magic);
  g_byte_array_append (out, (const guint8 *) "\x01\x00", 2);
  len[0] = header->len & 0xff;
  len[1] = header->len >> 8;
  g_byte_array_append (out, len, 2);
  g_byte_array_append (out, (const guint8 *) header->str, header->len);
  if (n > 0)
    g_byte_array_append (out, data, n);
  return g_file_set_contents (path, (const char *) out->data, out->len, error);
}
