/* Reading every model's maps of a video on a worker (see ddl-compare-maps.h). */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-compare-maps.h"
#include "ddl-colour.h"
#include "ddl-npy.h"

typedef struct {
  GStrv  dirs;     /* "" for a model without maps */
  char  *video;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_strfreev (job->dirs);
  g_free (job->video);
  g_free (job);
}

static void
maps_free (gpointer data)
{
  DdlCompareMaps *m = data;
  g_free (m->error);
  g_clear_pointer (&m->maps, g_bytes_unref);
  g_clear_pointer (&m->recs, g_bytes_unref);
  g_free (m);
}

void
ddl_compare_maps_set_free (DdlCompareMapsSet *set)
{
  if (set == NULL)
    return;
  g_free (set->video);
  g_ptr_array_unref (set->models);
  g_free (set);
}

/* The array's bytes (taken from it), counted into `histogram` when given. */
static GBytes *
take_bytes (DdlNpyArray *a, guint64 *histogram)
{
  if (histogram != NULL)
    for (gsize i = 0; i < a->n; i++)
      histogram[a->bytes[i]]++;
  return g_bytes_new_take (g_steal_pointer (&a->bytes), a->n);
}

static DdlCompareMaps *
load_one (const char *dir, const char *video, guint64 *histogram)
{
  DdlCompareMaps *m = g_new0 (DdlCompareMaps, 1);
  g_autofree char *maps_path = NULL, *recs_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlNpyArray) maps = NULL, recs = NULL;

  if (*dir == '\0')
    {
      m->missing = TRUE;
      return m;
    }
  maps_path = g_strdup_printf ("%s/%s.maps.npy", dir, video);
  recs_path = g_strdup_printf ("%s/%s.recs.npy", dir, video);
  if (!g_file_test (maps_path, G_FILE_TEST_EXISTS))
    {
      m->missing = TRUE;
      return m;
    }
  if ((maps = ddl_npy_load_u8 (maps_path, &error)) == NULL)
    {
      m->error = g_strdup (error->message);
      return m;
    }
  if (maps->n_dims != 3 || maps->shape[0] == 0 || maps->shape[1] == 0 || maps->shape[2] == 0)
    {
      m->error = g_strdup_printf ("%s is not an (n, H, W) array", maps_path);
      return m;
    }
  m->n = maps->shape[0], m->h = maps->shape[1], m->w = maps->shape[2];
  m->maps = take_bytes (maps, histogram);
  /* Reconstructions are optional; ones of another shape are ignored. */
  recs = g_file_test (recs_path, G_FILE_TEST_EXISTS) ? ddl_npy_load_u8 (recs_path, NULL) : NULL;
  if (recs != NULL && recs->n_dims == 4 && recs->shape[0] == m->n && recs->shape[2] == m->h
      && recs->shape[3] == m->w && (recs->shape[1] == 1 || recs->shape[1] == 3))
    {
      m->c = recs->shape[1];
      m->recs = take_bytes (recs, NULL);
    }
  return m;
}

static void
load_worker (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  LoadJob *job = data;
  DdlCompareMapsSet *set = g_new0 (DdlCompareMapsSet, 1);
  guint64 histogram[256] = { 0 };

  set->video = g_strdup (job->video);
  set->models = g_ptr_array_new_with_free_func (maps_free);
  for (guint i = 0; job->dirs[i] != NULL; i++)
    {
      if (g_cancellable_is_cancelled (cancellable))
        break;
      g_ptr_array_add (set->models, load_one (job->dirs[i], job->video, histogram));
    }
  set->scale_top = ddl_error_scale_top (histogram);
  if (g_task_return_error_if_cancelled (task))
    ddl_compare_maps_set_free (set);
  else
    g_task_return_pointer (task, set, (GDestroyNotify) ddl_compare_maps_set_free);
}

void
ddl_compare_maps_load_async (const char * const *dirs, guint n, const char *video,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadJob *job = g_new0 (LoadJob, 1);

  job->dirs = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    job->dirs[i] = g_strdup (dirs[i] != NULL ? dirs[i] : "");
  job->video = g_strdup (video);
  g_task_set_source_tag (task, ddl_compare_maps_load_async);
  g_task_set_task_data (task, job, (GDestroyNotify) load_job_free);
  g_task_run_in_thread (task, load_worker);
}

DdlCompareMapsSet *
ddl_compare_maps_load_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
