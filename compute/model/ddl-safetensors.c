/* safetensors reader and writer. The JSON header is built and parsed with
 * json-glib; tensor data is little-endian (this code assumes a little-endian
 * host, like every platform the Vulkan drivers we target run on). */
#include "ddl-safetensors.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ddl-compute.h"

struct _DdlSafetensors {
  GPtrArray  *entries;    /* DdlTensorEntry */
  GHashTable *by_name;    /* name -> entry */
  GByteArray *data;
  GHashTable *metadata;   /* key -> value */
  GPtrArray  *names;
  char       *path;       /* for error messages */
  gboolean    header_only; /* ddl_safetensors_load_header: no data section */
  guint64     data_start;  /* file offset of the data section */
};

G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN);

static void
entry_free (DdlTensorEntry *e)
{
  g_free (e->name);
  g_free (e);
}

static DdlSafetensors *
safetensors_alloc (void)
{
  DdlSafetensors *st = g_new0 (DdlSafetensors, 1);
  st->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  st->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  st->data = g_byte_array_new ();
  st->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  st->names = g_ptr_array_new ();
  return st;
}

DdlSafetensors *
ddl_safetensors_new (void)
{
  return safetensors_alloc ();
}

void
ddl_safetensors_free (DdlSafetensors *st)
{
  if (st == NULL)
    return;
  g_ptr_array_unref (st->entries);
  g_hash_table_unref (st->by_name);
  g_byte_array_unref (st->data);
  g_hash_table_unref (st->metadata);
  g_ptr_array_unref (st->names);
  g_free (st->path);
  g_free (st);
}

static guint
dtype_size (DdlDtype dtype)
{
  return dtype == DDL_DTYPE_I64 ? 8 : 4;
}

static const char *
dtype_name (DdlDtype dtype)
{
  return dtype == DDL_DTYPE_I64 ? "I64" : "F32";
}

static void
add_entry (DdlSafetensors *st, DdlTensorEntry *e)
{
  g_ptr_array_add (st->entries, e);
  g_hash_table_replace (st->by_name, e->name, e);
  g_ptr_array_add (st->names, e->name);
}

void
ddl_safetensors_add (DdlSafetensors *st, const char *name, DdlDtype dtype, guint n_dims,
                     const guint64 *shape, const void *data)
{
  DdlTensorEntry *e = g_new0 (DdlTensorEntry, 1);
  guint64 n = 1;

  g_return_if_fail (n_dims <= G_N_ELEMENTS (e->shape));
  g_return_if_fail (g_hash_table_lookup (st->by_name, name) == NULL);
  e->name = g_strdup (name);
  e->dtype = dtype;
  e->n_dims = n_dims;
  for (guint i = 0; i < n_dims; i++)
    {
      e->shape[i] = shape[i];
      n *= shape[i];
    }
  e->offset = st->data->len;
  e->n_bytes = n * dtype_size (dtype);
  g_byte_array_append (st->data, data, e->n_bytes);
  add_entry (st, e);
}

void
ddl_safetensors_set_metadata (DdlSafetensors *st, const char *key, const char *value)
{
  g_hash_table_replace (st->metadata, g_strdup (key), g_strdup (value));
}

static char *
build_header (DdlSafetensors *st, gsize *length)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  GString *text;

  json_builder_begin_object (b);
  if (g_hash_table_size (st->metadata) > 0)
    {
      g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (st->metadata),
                                           (GCompareFunc) strcmp);
      json_builder_set_member_name (b, "__metadata__");
      json_builder_begin_object (b);
      for (GList *l = keys; l != NULL; l = l->next)
        {
          json_builder_set_member_name (b, l->data);
          json_builder_add_string_value (b, g_hash_table_lookup (st->metadata, l->data));
        }
      json_builder_end_object (b);
    }
  for (guint i = 0; i < st->entries->len; i++)
    {
      DdlTensorEntry *e = st->entries->pdata[i];
      json_builder_set_member_name (b, e->name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "dtype");
      json_builder_add_string_value (b, dtype_name (e->dtype));
      json_builder_set_member_name (b, "shape");
      json_builder_begin_array (b);
      for (guint d = 0; d < e->n_dims; d++)
        json_builder_add_int_value (b, e->shape[d]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "data_offsets");
      json_builder_begin_array (b);
      json_builder_add_int_value (b, e->offset);
      json_builder_add_int_value (b, e->offset + e->n_bytes);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = g_string_new (json_generator_to_data (gen, NULL));
  /* Pad with spaces so the data section starts 8-byte aligned. */
  while ((text->len + 8) % 8 != 0)
    g_string_append_c (text, ' ');
  *length = text->len;
  return g_string_free (text, FALSE);
}

gboolean
ddl_safetensors_save (DdlSafetensors *st, const char *path, GError **error)
{
  g_autofree char *header = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmpl = g_strdup_printf ("%s/.%s.tmp-XXXXXX", dir, base);
  gsize header_len;
  guint8 len_bytes[8];
  FILE *f;
  int fd;
  gboolean ok;

  header = build_header (st, &header_len);
  for (int i = 0; i < 8; i++)
    len_bytes[i] = (guint8) ((guint64) header_len >> (8 * i));

  fd = g_mkstemp (tmpl);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot write checkpoint %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  f = fdopen (fd, "wb");
  ok = f != NULL
       && fwrite (len_bytes, 1, 8, f) == 8
       && fwrite (header, 1, header_len, f) == header_len
       && fwrite (st->data->data, 1, st->data->len, f) == st->data->len
       && fflush (f) == 0
       && fsync (fileno (f)) == 0;
  if (!ok)
    {
      int saved = errno;
      if (f != NULL)
        fclose (f);
      else
        close (fd);
      g_unlink (tmpl);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot write checkpoint %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  fclose (f);
  if (g_rename (tmpl, path) != 0)
    {
      int saved = errno;
      g_unlink (tmpl);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot replace checkpoint %s: %s", path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
fail (GError **error, const char *path, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (GError **error, const char *path, const char *fmt, ...)
{
  va_list args;
  va_start (args, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, args);
  va_end (args);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not a valid safetensors file: %s",
               path, msg);
  return FALSE;
}

static gboolean
parse_entry (DdlSafetensors *st, const char *name, JsonNode *node, guint64 data_len,
             GError **error)
{
  JsonObject *o;
  JsonArray *shape, *offsets;
  const char *dtype;
  DdlTensorEntry *e;
  guint64 n = 1, begin, end;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, st->path, "tensor '%s' is not an object", name);
  o = json_node_get_object (node);
  dtype = json_object_get_string_member_with_default (o, "dtype", NULL);
  shape = json_object_has_member (o, "shape") ? json_object_get_array_member (o, "shape") : NULL;
  offsets = json_object_has_member (o, "data_offsets")
            ? json_object_get_array_member (o, "data_offsets") : NULL;
  if (dtype == NULL || shape == NULL || offsets == NULL || json_array_get_length (offsets) != 2)
    return fail (error, st->path, "tensor '%s' lacks dtype, shape or data_offsets", name);

  e = g_new0 (DdlTensorEntry, 1);
  e->name = g_strdup (name);
  if (g_str_equal (dtype, "F32"))
    e->dtype = DDL_DTYPE_F32;
  else if (g_str_equal (dtype, "I64"))
    e->dtype = DDL_DTYPE_I64;
  else
    {
      entry_free (e);
      return fail (error, st->path, "tensor '%s' has dtype %s (only F32 and I64 are used)", name,
                   dtype);
    }
  e->n_dims = json_array_get_length (shape);
  if (e->n_dims > G_N_ELEMENTS (e->shape))
    {
      entry_free (e);
      return fail (error, st->path, "tensor '%s' has %u dimensions", name, e->n_dims);
    }
  for (guint d = 0; d < e->n_dims; d++)
    {
      gint64 v = json_array_get_int_element (shape, d);
      if (v < 0 || (v > 0 && n > G_MAXUINT64 / (guint64) v))
        {
          entry_free (e);
          return fail (error, st->path, "tensor '%s' has an invalid shape", name);
        }
      e->shape[d] = v;
      n *= v;
    }
  begin = json_array_get_int_element (offsets, 0);
  end = json_array_get_int_element (offsets, 1);
  if (end < begin || end > data_len || end - begin != n * dtype_size (e->dtype))
    {
      entry_free (e);
      return fail (error, st->path,
                   "tensor '%s' has data_offsets [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                   "] that do not match its shape or lie outside the %" G_GUINT64_FORMAT
                   "-byte data section (truncated file?)", name, begin, end, data_len);
    }
  e->offset = begin;
  e->n_bytes = end - begin;
  add_entry (st, e);
  return TRUE;
}

/* The JSON header: metadata and tensor entries, checked against a data section of
 * data_len bytes. */
static gboolean
parse_header (DdlSafetensors *st, const char *json, gsize json_len, guint64 data_len,
              GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) json_error = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *root;

  if (!json_parser_load_from_data (parser, json, json_len, &json_error))
    return fail (error, st->path, "bad JSON header: %s", json_error->message);
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return fail (error, st->path, "the header is not a JSON object");
  root = json_node_get_object (json_parser_get_root (parser));
  members = json_object_get_members (root);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (root, name);
      if (g_str_equal (name, "__metadata__"))
        {
          if (!JSON_NODE_HOLDS_OBJECT (node))
            return fail (error, st->path, "__metadata__ is not an object");
          JsonObject *meta = json_node_get_object (node);
          g_autoptr(GList) keys = json_object_get_members (meta);
          for (GList *k = keys; k != NULL; k = k->next)
            {
              JsonNode *v = json_object_get_member (meta, k->data);
              if (JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_STRING)
                g_hash_table_replace (st->metadata, g_strdup (k->data),
                                      g_strdup (json_node_get_string (v)));
            }
          continue;
        }
      if (!parse_entry (st, name, node, data_len, error))
        return FALSE;
    }
  return TRUE;
}

static guint64
header_length (const guint8 bytes[8])
{
  guint64 n = 0;
  for (int i = 0; i < 8; i++)
    n |= (guint64) bytes[i] << (8 * i);
  return n;
}

DdlSafetensors *
ddl_safetensors_load (const char *path, GError **error)
{
  g_autoptr(DdlSafetensors) st = safetensors_alloc ();
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint64 header_len = 0;

  st->path = g_strdup (path);
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (length < 8)
    {
      fail (error, path, "the file has %" G_GSIZE_FORMAT " bytes, fewer than the 8-byte header "
            "length (truncated?)", length);
      return NULL;
    }
  header_len = header_length ((const guint8 *) contents);
  if (header_len > length - 8 || header_len > 100 * 1024 * 1024)
    {
      fail (error, path, "the header claims %" G_GUINT64_FORMAT " bytes but the file has %"
            G_GSIZE_FORMAT " (truncated?)", header_len, length);
      return NULL;
    }
  g_byte_array_append (st->data, (guint8 *) contents + 8 + header_len, length - 8 - header_len);
  if (!parse_header (st, contents + 8, header_len, st->data->len, error))
    return NULL;
  return g_steal_pointer (&st);
}

DdlSafetensors *
ddl_safetensors_load_header (const char *path, guint64 max_header, GError **error)
{
  g_autoptr(DdlSafetensors) st = safetensors_alloc ();
  g_autofree char *json = NULL;
  guint8 len_bytes[8];
  guint64 header_len;
  struct stat info;
  FILE *f;
  gboolean ok;

  st->path = g_strdup (path);
  st->header_only = TRUE;
  f = g_fopen (path, "rb");
  if (f == NULL || fstat (fileno (f), &info) != 0)
    {
      int saved = errno;
      if (f != NULL)
        fclose (f);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot open %s: %s", path, g_strerror (saved));
      return NULL;
    }
  if (info.st_size < 8 || fread (len_bytes, 1, 8, f) != 8)
    {
      fclose (f);
      fail (error, path, "the file has %" G_GINT64_FORMAT " bytes, fewer than the 8-byte header "
            "length (truncated?)", (gint64) info.st_size);
      return NULL;
    }
  header_len = header_length (len_bytes);
  if (header_len > max_header)
    {
      fclose (f);
      fail (error, path, "the header claims %" G_GUINT64_FORMAT " bytes, more than the %"
            G_GUINT64_FORMAT " allowed", header_len, max_header);
      return NULL;
    }
  if (header_len > (guint64) info.st_size - 8)
    {
      fclose (f);
      fail (error, path, "the header claims %" G_GUINT64_FORMAT " bytes but the file has %"
            G_GINT64_FORMAT " (truncated?)", header_len, (gint64) info.st_size);
      return NULL;
    }
  json = g_malloc (header_len + 1);
  ok = fread (json, 1, header_len, f) == header_len;
  fclose (f);
  if (!ok)
    {
      fail (error, path, "the header could not be read (truncated?)");
      return NULL;
    }
  json[header_len] = '\0';
  st->data_start = 8 + header_len;
  if (!parse_header (st, json, header_len, (guint64) info.st_size - 8 - header_len, error))
    return NULL;
  return g_steal_pointer (&st);
}

const DdlTensorEntry *
ddl_safetensors_find (DdlSafetensors *st, const char *name)
{
  return g_hash_table_lookup (st->by_name, name);
}

const void *
ddl_safetensors_data (DdlSafetensors *st, const DdlTensorEntry *entry)
{
  g_return_val_if_fail (!st->header_only, NULL);
  return st->data->data + entry->offset;
}

gboolean
ddl_safetensors_read (DdlSafetensors *st, const DdlTensorEntry *entry, void *out, GError **error)
{
  FILE *f;
  gboolean ok;

  if (!st->header_only)
    {
      memcpy (out, st->data->data + entry->offset, entry->n_bytes);
      return TRUE;
    }
  f = g_fopen (st->path, "rb");
  ok = f != NULL && fseeko (f, (off_t) (st->data_start + entry->offset), SEEK_SET) == 0
       && fread (out, 1, entry->n_bytes, f) == entry->n_bytes;
  if (!ok)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot read tensor %s from %s: %s", entry->name, st->path,
                   f != NULL && feof (f) ? "the file is truncated" : g_strerror (saved));
    }
  if (f != NULL)
    fclose (f);
  return ok;
}

const char *
ddl_safetensors_get_metadata (DdlSafetensors *st, const char *key)
{
  return g_hash_table_lookup (st->metadata, key);
}

GPtrArray *
ddl_safetensors_get_names (DdlSafetensors *st)
{
  return st->names;
}
