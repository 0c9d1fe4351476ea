/* ddl-boxes-read.c: reading tracked_bounding_boxes.json and binding its keys to the
 * frames of a dataset. Reading follows what the reference dataloader accepts and refuses
 * what it would silently turn into empty or wrong masks (pixel boxes, max < min), naming
 * the file, the key and the track. */
#include "config.h"

#include "ddl-boxes.h"
#include "ddl-boxes-private.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

/* Box values this far outside [0, 1] are rounding noise and are clipped; further out
 * they are an error (pixel coordinates, usually). */
#define RANGE_SLACK 1e-4

/* ---- reading ----------------------------------------------------------------- */

typedef struct {
  char       *key;
  char       *file;      /* NULL for "#index" keys */
  guint       index;     /* for "#index" keys, else from the file name */
  JsonObject *tracks;
} KeyEntry;

typedef struct {
  char      *name;
  char      *key_dir;
  gboolean   is_video_file;
  GPtrArray *entries;    /* KeyEntry */
} KeyVideo;

static void
key_entry_free (gpointer data)
{
  KeyEntry *e = data;
  g_free (e->key);
  g_free (e->file);
  g_free (e);
}

static void
key_video_free (gpointer data)
{
  KeyVideo *v = data;
  g_free (v->name);
  g_free (v->key_dir);
  g_ptr_array_unref (v->entries);
  g_free (v);
}

/* "<video path>#<digits>" → TRUE with the path and index. */
static gboolean
split_video_key (const char *key, char **path, guint *index)
{
  const char *hash = strrchr (key, '#');
  guint64 value;

  if (hash == NULL || hash == key || hash[1] == '\0'
      || !g_ascii_string_to_unsigned (hash + 1, 10, 0, G_MAXUINT32 - 1, &value, NULL))
    return FALSE;
  *path = g_strndup (key, hash - key);
  *index = (guint) value;
  return TRUE;
}

static char *
video_name_from_path (const char *path, gboolean is_video_file)
{
  char *base = g_path_get_basename (path);
  char *dot = is_video_file ? strrchr (base, '.') : NULL;

  if (dot != NULL && dot != base)
    *dot = '\0';
  return base;
}

/* Trailing digits of the file stem ("000.jpg" → 0, "frame_12.png" → 12). */
static gboolean
file_number (const char *file, guint *number)
{
  const char *dot = strrchr (file, '.');
  const char *end = dot != NULL ? dot : file + strlen (file);
  const char *start = end;
  guint64 value = 0;

  while (start > file && g_ascii_isdigit (start[-1]))
    start--;
  if (start == end || end - start > 9)
    return FALSE;
  for (const char *p = start; p < end; p++)
    value = value * 10 + (guint64) (*p - '0');
  *number = (guint) value;
  return TRUE;
}

static int
compare_entry_files (gconstpointer a, gconstpointer b)
{
  const KeyEntry *ea = *(KeyEntry * const *) a, *eb = *(KeyEntry * const *) b;
  return ddl_natural_compare (ea->file, eb->file);
}

/* Gives every entry of a video its provisional frame index: the number in the file
 * name when all names have distinct numbers, else the natural order of the names. */
static void
assign_indices (KeyVideo *kv)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  gboolean numeric = TRUE;

  if (kv->is_video_file)
    return;
  for (guint i = 0; i < kv->entries->len && numeric; i++)
    {
      KeyEntry *e = g_ptr_array_index (kv->entries, i);
      numeric = file_number (e->file, &e->index)
                && g_hash_table_add (seen, GUINT_TO_POINTER (e->index + 1));
    }
  if (numeric)
    return;
  g_ptr_array_sort (kv->entries, compare_entry_files);
  for (guint i = 0; i < kv->entries->len; i++)
    ((KeyEntry *) g_ptr_array_index (kv->entries, i))->index = i;
}

static gboolean
read_number (JsonNode *node, double *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return FALSE;
  return isfinite (*out);
}

/* One track's value: {"box": [x0, y0, x1, y1], optional "kind", "anomalous"}. */
static gboolean
read_track (DdlBoxes    *boxes,
            const char  *path,
            KeyEntry    *entry,
            guint        video,
            const char  *track_id,
            JsonNode    *node,
            GError     **error)
{
  static const char *const names[4] = { "x_min", "y_min", "x_max", "y_max" };
  JsonObject *object;
  JsonArray *array;
  JsonNode *box_node, *kind_node, *anomalous_node;
  double box[4];
  DdlBox *stored;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_SCHEMA,
                   "%s: key \"%s\", track \"%s\": expected an object {\"box\": [x_min, y_min, "
                   "x_max, y_max]}", path, entry->key, track_id);
      return FALSE;
    }
  object = json_node_get_object (node);
  box_node = json_object_get_member (object, "box");
  if (box_node == NULL || !JSON_NODE_HOLDS_ARRAY (box_node)
      || json_array_get_length (array = json_node_get_array (box_node)) != 4)
    {
      g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_SCHEMA,
                   "%s: key \"%s\", track \"%s\": \"box\" must be an array of 4 numbers "
                   "[x_min, y_min, x_max, y_max]", path, entry->key, track_id);
      return FALSE;
    }
  for (guint k = 0; k < 4; k++)
    {
      if (!read_number (json_array_get_element (array, k), &box[k]))
        {
          g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_SCHEMA,
                       "%s: key \"%s\", track \"%s\": box %s is not a finite number",
                       path, entry->key, track_id, names[k]);
          return FALSE;
        }
      if (box[k] < -RANGE_SLACK || box[k] > 1.0 + RANGE_SLACK)
        {
          g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_RANGE,
                       "%s: key \"%s\", track \"%s\": box %s = %g is outside [0, 1] (boxes are "
                       "fractions of the frame width and height, not pixels)",
                       path, entry->key, track_id, names[k], box[k]);
          return FALSE;
        }
    }
  if (box[2] < box[0] || box[3] < box[1])
    {
      g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_RANGE,
                   "%s: key \"%s\", track \"%s\": box [%g, %g, %g, %g] has max < min "
                   "(expected [x_min, y_min, x_max, y_max])",
                   path, entry->key, track_id, box[0], box[1], box[2], box[3]);
      return FALSE;
    }
  kind_node = json_object_get_member (object, "kind");
  anomalous_node = json_object_get_member (object, "anomalous");
  if ((kind_node != NULL && (!JSON_NODE_HOLDS_VALUE (kind_node)
                             || json_node_get_value_type (kind_node) != G_TYPE_STRING))
      || (anomalous_node != NULL && (!JSON_NODE_HOLDS_VALUE (anomalous_node)
                                     || json_node_get_value_type (anomalous_node) != G_TYPE_BOOLEAN)))
    {
      g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_SCHEMA,
                   "%s: key \"%s\", track \"%s\": \"kind\" must be a string and \"anomalous\" "
                   "a boolean", path, entry->key, track_id);
      return FALSE;
    }
  stored = ddl_boxes_add (boxes, video, entry->index, track_id, box);
  if (kind_node != NULL)
    stored->kind = ddl_boxes_intern_kind (boxes, json_node_get_string (kind_node));
  if (anomalous_node != NULL)
    stored->anomalous = json_node_get_boolean (anomalous_node);
  return TRUE;
}

/* Groups the keys by video (their directory) and checks their shape. */
static GPtrArray *
collect_keys (JsonObject *root, const char *path, GError **error)
{
  g_autoptr(GPtrArray) videos = g_ptr_array_new_with_free_func (key_video_free);
  g_autoptr(GHashTable) by_dir = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) members = json_object_get_members (root);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *value = json_object_get_member (root, key);
      KeyEntry *entry;
      KeyVideo *kv;
      g_autofree char *dir = NULL;
      gboolean is_video_file;

      if (!JSON_NODE_HOLDS_OBJECT (value))
        {
          g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_SCHEMA,
                       "%s: key \"%s\": expected an object of tracks {\"<track id>\": "
                       "{\"box\": [...]}}", path, key);
          return NULL;
        }
      entry = g_new0 (KeyEntry, 1);
      entry->key = g_strdup (key);
      entry->tracks = json_node_get_object (value);
      is_video_file = split_video_key (key, &dir, &entry->index);
      if (!is_video_file)
        {
          dir = g_path_get_dirname (key);
          entry->file = g_path_get_basename (key);
          if (strcmp (dir, ".") == 0 || strcmp (entry->file, G_DIR_SEPARATOR_S) == 0)
            {
              g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_SCHEMA,
                           "%s: key \"%s\" is not a frame path (<split dir>/<video>/<file>)",
                           path, key);
              key_entry_free (entry);
              return NULL;
            }
        }
      kv = g_hash_table_lookup (by_dir, dir);
      if (kv == NULL)
        {
          kv = g_new0 (KeyVideo, 1);
          kv->key_dir = g_strdup (dir);
          kv->is_video_file = is_video_file;
          kv->name = video_name_from_path (dir, is_video_file);
          kv->entries = g_ptr_array_new_with_free_func (key_entry_free);
          g_ptr_array_add (videos, kv);
          g_hash_table_insert (by_dir, kv->key_dir, kv);
        }
      g_ptr_array_add (kv->entries, entry);
    }
  return g_steal_pointer (&videos);
}

DdlBoxes *
ddl_boxes_read (const char *path, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  g_autoptr(DdlBoxes) boxes = NULL;
  g_autoptr(GPtrArray) videos = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  JsonNode *root;

  if (!g_file_get_contents (path, &contents, &length, &local))
    {
      g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_IO, "%s", local->message);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, contents, (gssize) length, &local))
    {
      g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_PARSE,
                   "%s: not valid JSON: %s", path, local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_PARSE,
                   "%s: not valid JSON: the file is empty", path);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_SCHEMA,
                   "%s: expected a JSON object keyed by frame path", path);
      return NULL;
    }
  videos = collect_keys (json_node_get_object (root), path, error);
  if (videos == NULL)
    return NULL;

  boxes = ddl_boxes_new ();
  for (guint v = 0; v < videos->len; v++)
    {
      KeyVideo *kv = g_ptr_array_index (videos, v);
      guint video = ddl_boxes_add_video (boxes, kv->name, kv->key_dir, 0);
      g_autoptr(GHashTable) taken = g_hash_table_new (NULL, NULL);   /* frame index + 1 */

      assign_indices (kv);
      for (guint i = 0; i < kv->entries->len; i++)
        {
          KeyEntry *entry = g_ptr_array_index (kv->entries, i);
          g_autoptr(GList) tracks = json_object_get_members (entry->tracks);

          if (!g_hash_table_add (taken, GUINT_TO_POINTER (entry->index + 1)))
            {
              g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_SCHEMA,
                           "%s: key \"%s\" maps to the same frame %u as another key",
                           path, entry->key, entry->index);
              return NULL;
            }
          ddl_boxes_frame_at (boxes, video, entry->index, TRUE);
          if (entry->file != NULL)
            ddl_boxes_set_frame_file (boxes, video, entry->index, entry->file);
          for (GList *t = tracks; t != NULL; t = t->next)
            if (!read_track (boxes, path, entry, video, t->data,
                             json_object_get_member (entry->tracks, t->data), error))
              return NULL;
        }
      ddl_boxes_video_at (boxes, video)->is_video_file = kv->is_video_file;
    }
  return g_steal_pointer (&boxes);
}

/* ---- binding to a dataset ---------------------------------------------------- */

gboolean
ddl_boxes_bind_video (DdlBoxes           *boxes,
                      guint               video,
                      const char * const *frame_paths,
                      guint               n_frames,
                      GError            **error)
{
  BoxesVideo *v = ddl_boxes_video_at (boxes, video);
  g_autoptr(GHashTable) index_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GArray *frames;

  if (frame_paths != NULL)
    for (guint i = 0; i < n_frames; i++)
      g_hash_table_insert (index_of, g_path_get_basename (frame_paths[i]),
                           GUINT_TO_POINTER (i + 1));

  frames = ddl_boxes_frames_new (n_frames);
  for (guint i = 0; i < v->frames->len; i++)
    {
      BoxesFrame *old = &g_array_index (v->frames, BoxesFrame, i);
      guint target = i;

      if (old->file == NULL && old->boxes == NULL)
        continue;
      if (old->file != NULL && frame_paths != NULL)
        {
          gpointer found = g_hash_table_lookup (index_of, old->file);
          if (found == NULL)
            {
              g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_MISMATCH,
                           "key \"%s%s%s\" names no frame of video %s", v->key_dir,
                           G_DIR_SEPARATOR_S, old->file, v->name);
              g_array_unref (frames);
              return FALSE;
            }
          target = GPOINTER_TO_UINT (found) - 1;
        }
      else if (i >= n_frames)
        {
          g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_MISMATCH,
                       "video %s has boxes for frame %u but only %u frames", v->name, i,
                       n_frames);
          g_array_unref (frames);
          return FALSE;
        }
      g_array_index (frames, BoxesFrame, target) = *old;
      memset (old, 0, sizeof *old);
    }
  /* Frames without boxes still get their file, so a rewrite lists every frame. */
  if (frame_paths != NULL)
    for (guint i = 0; i < n_frames; i++)
      {
        BoxesFrame *f = &g_array_index (frames, BoxesFrame, i);
        if (f->file == NULL)
          f->file = g_path_get_basename (frame_paths[i]);
      }
  g_array_unref (v->frames);
  v->frames = frames;
  return TRUE;
}

gboolean
ddl_boxes_bind_dataset (DdlBoxes   *boxes,
                        DdlDataset *dataset,
                        DdlSplit    split,
                        GError    **error)
{
  GPtrArray *entries = ddl_dataset_get_videos (dataset, split);
  const char *split_dir = ddl_dataset_get_split_dir (dataset, split);
  g_autofree gboolean *bound = g_new0 (gboolean, boxes->videos->len + 1);
  guint n_file_videos = boxes->videos->len;

  for (guint e = 0; entries != NULL && e < entries->len; e++)
    {
      DdlVideoEntry *entry = g_ptr_array_index (entries, e);
      int found = ddl_boxes_find_video (boxes, entry->name);
      guint video;
      g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
      gboolean is_folder = g_file_test (entry->path, G_FILE_TEST_IS_DIR);
      guint n_frames = entry->n_frames;

      if (is_folder)
        {
          g_autoptr(DdlFrameSource) source = ddl_dataset_open_video (dataset, split, e, error);
          if (source == NULL)
            return FALSE;
          n_frames = ddl_frame_source_get_n_frames (source);
          for (guint i = 0; i < n_frames; i++)
            g_ptr_array_add (paths, g_strdup (ddl_frame_source_get_frame_path (source, i)));
        }
      if (found < 0)
        {
          g_autofree char *key_dir = is_folder && split_dir != NULL
                                     ? g_build_filename (split_dir, entry->name, NULL)
                                     : g_strdup (entry->path);
          video = ddl_boxes_add_video (boxes, entry->name, key_dir, 0);
          ddl_boxes_video_at (boxes, video)->is_video_file = !is_folder;
        }
      else
        {
          video = (guint) found;
          bound[video] = TRUE;
        }
      if (!ddl_boxes_bind_video (boxes, video,
                                 is_folder ? (const char * const *) paths->pdata : NULL,
                                 n_frames, error))
        return FALSE;
    }
  for (guint v = 0; v < n_file_videos; v++)
    if (!bound[v])
      {
        g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_MISMATCH,
                     "the boxes name video \"%s\" (%s), which the dataset's split does not "
                     "have", ddl_boxes_video_at (boxes, v)->name, ddl_boxes_video_at (boxes, v)->key_dir);
        return FALSE;
      }
  return TRUE;
}
