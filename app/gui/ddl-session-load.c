/* Opening footage on a worker: dataset layout, test videos, ground truth, boxes and
 * the scores already computed for it (beside the data or in the scoring cache). */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-session-private.h"

#include <string.h>

void
_ddl_session_video_free (gpointer p)
{
  DdlSessionVideo *v = p;
  g_free (v->name);
  g_free (v->path);
  g_free (v);
}

void
_ddl_session_load_free (DdlSessionLoad *load)
{
  g_free (load->path);
  g_free (load->title);
  g_free (load->root);
  g_clear_pointer (&load->dataset, ddl_dataset_free);
  g_clear_pointer (&load->videos, g_ptr_array_unref);
  g_clear_pointer (&load->labels, ddl_labels_free);
  g_clear_pointer (&load->boxes, ddl_boxes_free);
  g_clear_pointer (&load->score_paths, g_ptr_array_unref);
  g_string_free (load->warnings, TRUE);
  g_free (load);
}

char *
_ddl_session_cache_dir_for (const char *root, const char *fingerprint)
{
  g_autofree char *key_text = g_strdup_printf ("%s\n%s", root, fingerprint ? fingerprint : "");
  g_autofree char *key = g_compute_checksum_for_string (G_CHECKSUM_SHA1, key_text, -1);
  return g_build_filename (g_get_user_cache_dir (), "ddl-studio", "scores", key, NULL);
}

static gboolean
is_scores_name (const char *name)
{
  return g_str_has_suffix (name, ".csv")
         && (g_str_has_prefix (name, "scores") || g_str_has_suffix (name, ".scores.csv"));
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* scores*.csv and *.scores.csv in `dir` (every .csv when `all`), sorted. */
static void
find_scores (const char *dir, gboolean all, GPtrArray *out)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    if (is_scores_name (name) || (all && g_str_has_suffix (name, ".csv")))
      g_ptr_array_add (found, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (found, compare_paths);
  for (guint i = 0; i < found->len; i++)
    g_ptr_array_add (out, g_strdup (g_ptr_array_index (found, i)));
}

static void
load_boxes (DdlSessionLoad *load)
{
  const char *split_dir = ddl_dataset_get_split_dir (load->dataset, DDL_SPLIT_TEST);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (split_dir == NULL)
    return;
  path = g_build_filename (split_dir, "tracked_bounding_boxes.json", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return;
  load->boxes = ddl_boxes_read (path, &error);
  if (load->boxes != NULL && !ddl_boxes_bind_dataset (load->boxes, load->dataset, DDL_SPLIT_TEST,
                                                      &error))
    g_clear_pointer (&load->boxes, ddl_boxes_free);
  if (load->boxes == NULL)
    g_string_append_printf (load->warnings, "Object boxes not shown: %s\n", error->message);
}

static void
open_worker (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *path = task_data;
  DdlSessionLoad *load = g_new0 (DdlSessionLoad, 1);
  GError *error = NULL;

  load->warnings = g_string_new (NULL);
  load->path = g_strdup (path);
  load->score_paths = g_ptr_array_new_with_free_func (g_free);
  load->dataset = ddl_dataset_open (path, &error);
  if (load->dataset == NULL)
    {
      _ddl_session_load_free (load);
      g_task_return_error (task, error);
      return;
    }
  load->root = g_strdup (ddl_dataset_get_root (load->dataset));
  load->title = g_strdup (ddl_dataset_get_name (load->dataset));

  GPtrArray *entries = ddl_dataset_get_videos (load->dataset, DDL_SPLIT_TEST);
  load->videos = g_ptr_array_new_with_free_func (_ddl_session_video_free);
  for (guint i = 0; i < entries->len; i++)
    {
      const DdlVideoEntry *e = g_ptr_array_index (entries, i);
      DdlSessionVideo *v = g_new0 (DdlSessionVideo, 1);
      v->name = g_strdup (e->name);
      v->path = g_strdup (e->path);
      v->n_frames = e->n_frames;
      v->width = e->width;
      v->height = e->height;
      v->fps = e->fps > 0 ? e->fps : 25.0;
      g_ptr_array_add (load->videos, v);
    }
  if (load->videos->len == 0)
    {
      _ddl_session_load_free (load);
      g_task_return_new_error (task, DDL_DATASET_ERROR, DDL_DATASET_ERROR_EMPTY,
                               "%s has no test videos", path);
      return;
    }

  /* Ground truth is optional: footage without it is reviewed by scores alone. */
  if (ddl_dataset_get_label_paths (load->dataset)->len > 0)
    {
      g_autoptr(DdlLabelsSource) labels = ddl_labels_source_open (load->root, load->root, &error);
      if (labels != NULL)
        load->labels = g_steal_pointer (&labels->labels);
      else
        {
          g_string_append_printf (load->warnings, "Ground truth not loaded: %s\n",
                                  error->message);
          g_clear_error (&error);
        }
    }
  load_boxes (load);

  find_scores (load->root, FALSE, load->score_paths);
  g_autofree char *fingerprint = ddl_dataset_fingerprint (load->dataset, DDL_SPLIT_TEST);
  g_autofree char *cache = _ddl_session_cache_dir_for (load->root, fingerprint);
  find_scores (cache, TRUE, load->score_paths);
  g_task_return_pointer (task, load, (GDestroyNotify) _ddl_session_load_free);
}

void
ddl_session_open_async (DdlSession *self, const char *path, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, ddl_session_open_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, open_worker);
}

/* Applies the opened footage to the session (on the main thread). */
gboolean
ddl_session_open_finish (DdlSession *self, GAsyncResult *result, GError **error)
{
  DdlSessionLoad *load = g_task_propagate_pointer (G_TASK (result), error);

  if (load == NULL)
    return FALSE;
  _ddl_session_apply_load (self, load);
  _ddl_session_load_free (load);
  return TRUE;
}
