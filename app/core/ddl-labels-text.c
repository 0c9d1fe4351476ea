/* ddl-labels-text.c: the text label formats: UCSD .m, FFP toydata JSON, CSV. */
#include "ddl-labels-private.h"

#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

static gboolean
read_text (const char *path, const char *display, char **contents, GError **error)
{
  g_autoptr(GError) local = NULL;
  gsize length;

  if (!g_file_get_contents (path, contents, &length, &local))
    {
      g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_OPEN, "%s", local->message);
      return FALSE;
    }
  if (memchr (*contents, '\0', length) != NULL)
    {
      g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT,
                   "%s: binary data in a text label file", display);
      g_clear_pointer (contents, g_free);
      return FALSE;
    }
  return TRUE;
}

/* ---- UCSD .m ------------------------------------------------------------------ */

typedef struct {
  gint64 start, end;   /* 1-based, inclusive */
} Interval;

static gboolean
m_fail (const char *display, guint line, const char *what, GError **error)
{
  g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT,
               "%s:%u: %s", display, line, what);
  return FALSE;
}

static gboolean
parse_int (const char **p, gint64 *out)
{
  char *end;
  while (**p == ' ' || **p == '\t')
    (*p)++;
  if (!g_ascii_isdigit (**p))
    return FALSE;
  *out = g_ascii_strtoll (*p, &end, 10);
  *p = end;
  return TRUE;
}

/* The bracketed list of one gt_frame line: "[61:180]", "[1:10, 20:30]", "[5]", "[]". */
static gboolean
parse_m_ranges (const char *p, GArray *intervals, const char *display, guint line,
                GError **error)
{
  p = strchr (p, '[');
  if (p == NULL)
    return m_fail (display, line, "expected '[' after gt_frame =", error);
  p++;
  for (;;)
    {
      Interval interval;

      while (*p == ' ' || *p == '\t' || *p == ',' || *p == ';')
        p++;
      if (*p == ']')
        return TRUE;
      if (!parse_int (&p, &interval.start))
        return m_fail (display, line, "expected a frame number or a:b range", error);
      interval.end = interval.start;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == ':' && (p++, !parse_int (&p, &interval.end)))
        return m_fail (display, line, "expected the end of an a:b range", error);
      g_array_append_val (intervals, interval);
    }
}

DdlLabels *
_ddl_labels_read_ucsd_m (const char *path, const char *display, const DdlVideoLength *lengths,
                         guint n_lengths, GError **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) videos = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr(DdlLabels) labels = NULL;

  if (!read_text (path, display, &contents, error))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i], *comment = strchr (line, '%');
      GArray *intervals;

      if (comment != NULL)
        *comment = '\0';
      if (strstr (line, "gt_frame") == NULL)
        continue;
      intervals = g_array_new (FALSE, FALSE, sizeof (Interval));
      g_ptr_array_add (videos, intervals);
      if (!parse_m_ranges (strstr (line, "gt_frame"), intervals, display, i + 1, error))
        return NULL;
    }
  if (videos->len == 0)
    {
      g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT,
                   "%s: no 'TestVideoFile{end+1}.gt_frame = [a:b];' lines found", display);
      return NULL;
    }
  if (lengths == NULL)
    {
      g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_NEEDS_LENGTHS,
                   "%s: UCSD .m labels give anomalous intervals but not the number of frames "
                   "of each video; give the dataset (--dataset) so its test videos' frame "
                   "counts are known", display);
      return NULL;
    }
  if (!_ddl_labels_check_count (display, videos->len, lengths, n_lengths, error))
    return NULL;

  labels = ddl_labels_new ();
  labels->format = DDL_LABELS_FORMAT_UCSD_M;
  for (guint v = 0; v < videos->len; v++)
    {
      GArray *intervals = g_ptr_array_index (videos, v);
      DdlLabelVideo *video = ddl_labels_add_video (labels, lengths[v].name, NULL,
                                                   lengths[v].n_frames);
      for (guint k = 0; k < intervals->len; k++)
        {
          Interval *in = &g_array_index (intervals, Interval, k);
          if (!_ddl_labels_mark_interval (video->labels, video->n_frames, in->start, in->end, 1,
                                          display, video->name, error))
            return NULL;
        }
      video->n_anomalous = 0;
      for (guint f = 0; f < video->n_frames; f++)
        video->n_anomalous += video->labels[f];
    }
  return g_steal_pointer (&labels);
}

/* ---- FFP toydata JSON ----------------------------------------------------------- */

static gboolean
json_fail (const char *display, const char *video, const char *what, GError **error)
{
  g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT,
               "%s: video '%s': %s", display, video, what);
  return FALSE;
}

static gboolean
json_get_int (JsonNode *node, gint64 *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE && json_node_get_double (node) == (gint64) json_node_get_double (node))
    *out = (gint64) json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

/* "gt": [[s, e], ...] or a single [s, e]; 0-based inclusive (FFP evaluate.py). */
static gboolean
json_read_video (const char *display, const char *name, JsonNode *node, DdlLabels *labels,
                 GError **error)
{
  JsonObject *object;
  JsonNode *gt;
  JsonArray *list;
  DdlLabelVideo *video;
  gint64 length;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return json_fail (display, name, "expected an object with \"length\" and \"gt\"", error);
  object = json_node_get_object (node);
  if (!json_get_int (json_object_get_member (object, "length"), &length)
      || length < 0 || length >= DDL_LABELS_MAX_FRAMES)
    return json_fail (display, name, "\"length\" must be an integer in 0..16777215", error);
  gt = json_object_get_member (object, "gt");
  if (gt == NULL || !JSON_NODE_HOLDS_ARRAY (gt))
    return json_fail (display, name, "\"gt\" must be a list of [start, end] pairs", error);

  video = ddl_labels_add_video (labels, name, NULL, (guint) length);
  list = json_node_get_array (gt);
  if (json_array_get_length (list) == 2
      && !JSON_NODE_HOLDS_ARRAY (json_array_get_element (list, 0)))
    {
      gint64 s, e;
      if (!json_get_int (json_array_get_element (list, 0), &s)
          || !json_get_int (json_array_get_element (list, 1), &e))
        return json_fail (display, name, "\"gt\" pair must hold two integers", error);
      if (!_ddl_labels_mark_interval (video->labels, video->n_frames, s, e, 0, display, name,
                                      error))
        return FALSE;
    }
  else
    for (guint k = 0; k < json_array_get_length (list); k++)
      {
        JsonNode *pair = json_array_get_element (list, k);
        JsonArray *pa;
        gint64 s, e;

        if (!JSON_NODE_HOLDS_ARRAY (pair) || json_array_get_length (pa = json_node_get_array (pair)) != 2
            || !json_get_int (json_array_get_element (pa, 0), &s)
            || !json_get_int (json_array_get_element (pa, 1), &e))
          return json_fail (display, name, "every \"gt\" entry must be [start, end]", error);
        if (!_ddl_labels_mark_interval (video->labels, video->n_frames, s, e, 0, display, name,
                                        error))
          return FALSE;
      }
  for (guint f = 0; f < video->n_frames; f++)
    video->n_anomalous += video->labels[f];
  return TRUE;
}

DdlLabels *
_ddl_labels_read_json (const char *path, const char *display, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  g_autoptr(DdlLabels) labels = ddl_labels_new ();
  JsonObjectIter iter;
  JsonNode *root, *node;
  const char *name;

  if (!read_text (path, display, &contents, error))
    return NULL;
  if (!json_parser_load_from_data (parser, contents, -1, &local))
    {
      g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT, "%s: %s", display,
                   local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT,
                   "%s: expected a JSON object {video: {\"length\": L, \"gt\": [[s, e], ...]}}",
                   display);
      return NULL;
    }
  labels->format = DDL_LABELS_FORMAT_JSON;
  json_object_iter_init_ordered (&iter, json_node_get_object (root));
  while (json_object_iter_next_ordered (&iter, &name, &node))
    if (!json_read_video (display, name, node, labels, error))
      return NULL;
  if (labels->videos->len == 0)
    {
      g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT,
                   "%s: the JSON object has no videos", display);
      return NULL;
    }
  return g_steal_pointer (&labels);
}

/* ---- CSV video,frame,label ------------------------------------------------------ */

typedef struct {
  char   *name;
  GArray *values;   /* guint8 per frame; 2 = not listed yet */
} CsvVideo;

static void
csv_video_free (CsvVideo *v)
{
  g_free (v->name);
  g_array_unref (v->values);
  g_free (v);
}

static gboolean
csv_fail (const char *display, guint line, const char *what, GError **error)
{
  g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT, "%s:%u: %s", display, line,
               what);
  return FALSE;
}

DdlLabels *
_ddl_labels_read_csv (const char *path, const char *display, GError **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) videos = g_ptr_array_new_with_free_func ((GDestroyNotify) csv_video_free);
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(DdlLabels) labels = NULL;

  if (!read_text (path, display, &contents, error))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      CsvVideo *video;
      char *end;
      guint64 frame;
      double value;
      guint8 unset = 2;

      g_strstrip (lines[i]);
      if (lines[i][0] == '\0')
        continue;
      fields = g_strsplit (lines[i], ",", -1);
      for (guint k = 0; fields[k] != NULL; k++)
        g_strstrip (fields[k]);
      if (i == 0)
        {
          if (g_strv_length (fields) != 3 || g_ascii_strcasecmp (fields[0], "video") != 0
              || g_ascii_strcasecmp (fields[1], "frame") != 0
              || g_ascii_strcasecmp (fields[2], "label") != 0)
            {
              csv_fail (display, 1, "the header must be 'video,frame,label'", error);
              return NULL;
            }
          continue;
        }
      if (g_strv_length (fields) != 3 || fields[0][0] == '\0')
        {
          csv_fail (display, i + 1, "expected three fields: video,frame,label", error);
          return NULL;
        }
      frame = g_ascii_strtoull (fields[1], &end, 10);
      if (!g_ascii_isdigit (fields[1][0]) || *end != '\0' || frame >= DDL_LABELS_MAX_FRAMES)
        {
          csv_fail (display, i + 1, "frame must be a non-negative integer below 16777216",
                    error);
          return NULL;
        }
      value = g_ascii_strtod (fields[2], &end);
      if (fields[2][0] == '\0' || *end != '\0' || (value != 0.0 && value != 1.0))
        {
          csv_fail (display, i + 1, "label must be 0 or 1", error);
          return NULL;
        }
      video = g_hash_table_lookup (by_name, fields[0]);
      if (video == NULL)
        {
          video = g_new0 (CsvVideo, 1);
          video->name = g_strdup (fields[0]);
          video->values = g_array_new (FALSE, FALSE, 1);
          g_ptr_array_add (videos, video);
          g_hash_table_insert (by_name, video->name, video);
        }
      if (frame >= video->values->len)
        {
          guint old_len = video->values->len;
          g_array_set_size (video->values, frame + 1);
          memset (video->values->data + old_len, unset, frame + 1 - old_len);
        }
      if (video->values->data[frame] != 2)
        {
          g_autofree char *what = g_strdup_printf ("frame %" G_GUINT64_FORMAT " of video '%s' "
                                                   "is listed twice", frame, video->name);
          csv_fail (display, i + 1, what, error);
          return NULL;
        }
      video->values->data[frame] = value != 0.0;
    }
  if (lines[0] == NULL || videos->len == 0)
    {
      g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT, "%s: no label rows",
                   display);
      return NULL;
    }

  labels = ddl_labels_new ();
  labels->format = DDL_LABELS_FORMAT_CSV;
  for (guint v = 0; v < videos->len; v++)
    {
      CsvVideo *video = g_ptr_array_index (videos, v);
      for (guint f = 0; f < video->values->len; f++)
        if (video->values->data[f] == 2)
          {
            g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT,
                         "%s: video '%s' has no label for frame %u (frames 0..%u must all "
                         "be listed)", display, video->name, f, video->values->len - 1);
            return NULL;
          }
      ddl_labels_add_video (labels, video->name, (const guint8 *) video->values->data,
                            video->values->len);
    }
  return g_steal_pointer (&labels);
}
