/* Scoring the open footage with a trained model, from the window: on a worker, with
 * progress and cancel. Results go to the footage's scoring cache, keyed by the model
 * file's path, size and modification time, so opening the same pair again is instant.
 * Several models (Add Models…) are scored one after the other, each adding its column
 * and its own maps; a cancel drops the ones still waiting. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-window-private.h"
#include "ddl-compute.h"
#include "ddl-scorer.h"
#include "ddl-session-private.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

typedef struct {
  char     *model;
  char     *input;
  char     *output;
  char     *maps_dir;
  char     *device;     /* the "device" setting; NULL reads DDL_DEVICE, then auto */
  GWeakRef  window;
} ScoreJob;

typedef struct {
  GWeakRef window;
  double   fraction;
  guint    video, n_videos;
} Progress;

static void
score_job_free (ScoreJob *job)
{
  g_free (job->model);
  g_free (job->input);
  g_free (job->output);
  g_free (job->maps_dir);
  g_free (job->device);
  g_weak_ref_clear (&job->window);
  g_free (job);
}

static gboolean
progress_idle (gpointer data)
{
  Progress *p = data;
  g_autoptr(DdlWindow) self = g_weak_ref_get (&p->window);
  if (self != NULL && self->session != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Scoring video %u of %u…"), p->video + 1,
                                               p->n_videos);
      gtk_label_set_text (self->progress_label, text);
      gtk_progress_bar_set_fraction (self->progress_bar, p->fraction);
    }
  g_weak_ref_clear (&p->window);
  g_free (p);
  return G_SOURCE_REMOVE;
}

static gboolean
progress_cb (guint video, guint n_videos, guint done, guint total, gpointer user_data)
{
  ScoreJob *job = user_data;
  g_autoptr(GObject) window = g_weak_ref_get (&job->window);
  Progress *p = g_new0 (Progress, 1);
  g_weak_ref_init (&p->window, window);
  p->fraction = total > 0 ? (double) done / total : 0;
  p->video = video;
  p->n_videos = n_videos;
  g_idle_add (progress_idle, p);
  return TRUE;
}

static void
score_worker (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ScoreJob *job = data;
  GError *error = NULL;
  DdlEngineOptions engine_options = { job->device, FALSE };
  g_autoptr(DdlEngine) engine = ddl_engine_new (&engine_options, &error);
  g_autoptr(DdlModel) model = NULL;
  DdlScoreOptions options = { 0 };

  if (engine == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if ((model = ddl_model_load (engine, job->model, NULL, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  options.input = job->input;
  options.output = job->output;
  options.maps_dir = job->maps_dir;
  options.progress = progress_cb;
  options.user_data = job;
  options.cancellable = cancellable;
  if (!ddl_score_run (model, &options, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
apply_scores (DdlWindow *self, const char *output, const char *maps_dir, const char *model)
{
  g_autoptr(GError) error = NULL;
  guint first = ddl_session_get_n_models (self->session);
  if (!ddl_session_add_scores_file (self->session, output, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not load the scores: %s"),
                                                  error->message);
      ddl_window_show_error (self, message);
      return;
    }
  if (g_file_test (maps_dir, G_FILE_TEST_IS_DIR))
    {
      for (guint m = first; m < ddl_session_get_n_models (self->session); m++)
        ddl_session_set_model_maps_dir (self->session, m, maps_dir);
      ddl_session_set_maps_dir (self->session, maps_dir);
    }
  _ddl_window_compare_models_added (self, first, model,
                                    g_file_test (maps_dir, G_FILE_TEST_IS_DIR) ? maps_dir : NULL);
}

/* The models waiting to be scored, until one needs a worker (cached ones and ones
 * that fail at once are done here). */
static void
score_next (DdlWindow *self)
{
  char *next;
  while (!self->scoring && (next = g_queue_pop_head (&self->score_queue)) != NULL)
    {
      _ddl_window_score_with_model (self, next);
      g_free (next);
    }
}

static void
score_done (GObject *source, GAsyncResult *result, gpointer data)
{
  DdlWindow *self = DDL_WINDOW (source);
  ScoreJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (self->session == NULL)   /* closed meanwhile */
    return;
  self->scoring = FALSE;
  _ddl_window_set_busy (self, NULL, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = NULL;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_queue_clear_full (&self->score_queue, g_free);
          return;
        }
      if (error->domain == DDL_ENGINE_ERROR
          && (error->code == DDL_ENGINE_ERROR_NO_LOADER || error->code == DDL_ENGINE_ERROR_NO_DEVICE))
        message = g_strdup_printf (_("Scoring needs a Vulkan driver (a GPU driver, or Mesa's "
                                     "lavapipe on the CPU): %s"), error->message);
      else
        message = g_strdup_printf (_("Could not score with %s: %s"), job->model, error->message);
      ddl_window_show_error (self, message);
      score_next (self);
      return;
    }
  apply_scores (self, job->output, job->maps_dir, job->model);
  score_next (self);
}

void
_ddl_window_score_with_model (DdlWindow *self, const char *model_path)
{
  g_autofree char *fingerprint = ddl_session_get_fingerprint (self->session);
  g_autofree char *cache = NULL;
  g_autofree char *key = NULL;
  g_autofree char *stem = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (model_path);
  g_autoptr(GError) error = NULL;
  ScoreJob *job;

  if (!ddl_session_is_loaded (self->session))
    {
      ddl_window_show_error (self, _("Open the footage first, then its scores or model."));
      return;
    }
  if (self->scoring)
    {
      g_queue_push_tail (&self->score_queue, g_strdup (model_path));
      return;
    }
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_TIME_MODIFIED,
                            G_FILE_QUERY_INFO_NONE, NULL, &error);
  if (info == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not open the model: %s"),
                                                  error->message);
      ddl_window_show_error (self, message);
      return;
    }
  cache = _ddl_session_cache_dir_for (ddl_session_get_root (self->session), fingerprint);
  g_mkdir_with_parents (cache, 0755);
  g_autofree char *key_text = g_strdup_printf ("%s\n%" G_GOFFSET_FORMAT "\n%" G_GUINT64_FORMAT,
                                               model_path, g_file_info_get_size (info),
                                               g_file_info_get_attribute_uint64 (
                                                 info, G_FILE_ATTRIBUTE_TIME_MODIFIED));
  key = g_compute_checksum_for_string (G_CHECKSUM_SHA1, key_text, -1);
  stem = g_path_get_basename (model_path);
  if (strrchr (stem, '.') != NULL)
    *strrchr (stem, '.') = '\0';

  job = g_new0 (ScoreJob, 1);
  job->model = g_strdup (model_path);
  job->input = g_strdup (ddl_session_get_path (self->session));
  job->output = g_strdup_printf ("%s/%s-%.8s.csv", cache, stem, key);
  job->maps_dir = g_strdup_printf ("%s/%s-%.8s.maps", cache, stem, key);
  if (self->settings != NULL)
    {
      g_autofree char *device = g_settings_get_string (self->settings, "device");
      if (!g_str_equal (device, "auto") || g_getenv ("DDL_DEVICE") == NULL)
        job->device = g_steal_pointer (&device);
    }
  g_weak_ref_init (&job->window, self);
  if (g_file_test (job->output, G_FILE_TEST_EXISTS))
    {
      apply_scores (self, job->output, job->maps_dir, job->model);
      score_job_free (job);
      return;
    }
  self->scoring = TRUE;
  _ddl_window_set_busy (self, _("Scoring…"), TRUE);
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, score_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) score_job_free);
  g_task_run_in_thread (task, score_worker);
}
