/* Export Report…: the open models' scores, metrics, plots and index page as a report
 * folder (ddl-report.h), with the current video rendered beside each model's
 * reconstruction and error map (ddl-render.h), on a worker with progress and cancel.
 * Everything the worker needs is copied from the session first. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-window-private.h"
#include "ddl-frame-writer.h"
#include "ddl-render.h"
#include "ddl-report.h"
#include "ddl-session-private.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

typedef struct {
  GWeakRef   window;
  char      *dir;
  /* the report */
  char      *footage;
  char      *fingerprint;
  DdlScores *scores;        /* one column per model, named as `models` */
  DdlLabels *labels;        /* effective labels (truth and marks) or NULL */
  GPtrArray *models;        /* DdlCompareModel, name = the column */
  DdlEvalOptions eval;
  /* the rendered video */
  char      *video;
  guint      n_frames;
  double   **curves;        /* per model, n_frames, as plotted */
  guint8    *video_labels;  /* n_frames or NULL */
  char      *output;
  /* results */
  char      *render_error;
} ExportJob;

typedef struct {
  GWeakRef window;
  guint    done, total;
} Progress;

static void
export_job_free (ExportJob *job)
{
  g_weak_ref_clear (&job->window);
  g_free (job->dir);
  g_free (job->footage);
  g_free (job->fingerprint);
  g_clear_pointer (&job->scores, ddl_scores_free);
  g_clear_pointer (&job->labels, ddl_labels_free);
  for (guint m = 0; job->curves != NULL && m < job->models->len; m++)
    g_free (job->curves[m]);
  g_free (job->curves);
  g_clear_pointer (&job->models, g_ptr_array_unref);
  g_free (job->video);
  g_free (job->video_labels);
  g_free (job->output);
  g_free (job->render_error);
  g_free (job);
}

/* The session's models as one scores table: every frame any model scored, NAN where a
 * model did not. Names are made unique (a second "ddl" becomes "ddl-2"), since the
 * report's files are named after them. */
static DdlScores *
merge_scores (DdlSession *session, GPtrArray *names)
{
  guint n_models = session->models->len;
  g_autofree const char **columns = g_new0 (const char *, n_models + 1);
  DdlScores *scores;

  for (guint m = 0; m < n_models; m++)
    columns[m] = g_ptr_array_index (names, m);
  scores = ddl_scores_new (columns);
  for (guint v = 0; v < session->videos->len; v++)
    {
      const DdlSessionVideo *info = g_ptr_array_index (session->videos, v);
      guint n = info->n_frames, k = 0;
      g_autofree int *row = g_new (int, MAX (n, 1));
      g_autofree guint *frames = NULL;
      g_autofree double *values = NULL;

      for (guint f = 0; f < n; f++)
        row[f] = -1;
      for (guint m = 0; m < n_models; m++)
        {
          DdlSessionModel *model = g_ptr_array_index (session->models, m);
          const DdlScoreVideo *sv = ddl_scores_lookup (model->scores, info->name);
          for (guint i = 0; sv != NULL && i < sv->n; i++)
            if (sv->frames[i] < n && !isnan (ddl_score_video_get_column (sv, model->column)[i]))
              row[sv->frames[i]] = 0;
        }
      for (guint f = 0; f < n; f++)
        if (row[f] >= 0)
          row[f] = (int) k++;
      if (k == 0)
        continue;
      frames = g_new (guint, k);
      values = g_new (double, (gsize) k * n_models);
      for (guint f = 0; f < n; f++)
        if (row[f] >= 0)
          frames[row[f]] = f;
      for (gsize i = 0; i < (gsize) k * n_models; i++)
        values[i] = NAN;
      for (guint m = 0; m < n_models; m++)
        {
          DdlSessionModel *model = g_ptr_array_index (session->models, m);
          const DdlScoreVideo *sv = ddl_scores_lookup (model->scores, info->name);
          for (guint i = 0; sv != NULL && i < sv->n; i++)
            if (sv->frames[i] < n)
              {
                double s = ddl_score_video_get_column (sv, model->column)[i];
                if (!isnan (s))
                  values[(gsize) m * k + row[sv->frames[i]]] = s;
              }
        }
      ddl_scores_add_video (scores, info->name, k, frames, values);
    }
  return scores;
}

/* ---- the worker ------------------------------------------------------------------------- */

static gboolean
progress_idle (gpointer data)
{
  Progress *p = data;
  g_autoptr(DdlWindow) self = g_weak_ref_get (&p->window);
  if (self != NULL && self->session != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Rendering frame %u of %u…"), p->done, p->total);
      gtk_label_set_text (self->progress_label, text);
      gtk_progress_bar_set_fraction (self->progress_bar, p->total ? (double) p->done / p->total : 0);
    }
  g_weak_ref_clear (&p->window);
  g_free (p);
  return G_SOURCE_REMOVE;
}

static gboolean
render_progress (guint done, guint total, gpointer data)
{
  ExportJob *job = data;
  g_autoptr(GObject) window = g_weak_ref_get (&job->window);
  /* A few updates a second are plenty for a progress bar. */
  if (window != NULL && (done % 5 == 0 || done == total))
    {
      Progress *p = g_new0 (Progress, 1);
      g_weak_ref_init (&p->window, window);
      p->done = done, p->total = total;
      g_idle_add (progress_idle, p);
    }
  return TRUE;
}

static gboolean
render (ExportJob *job, GCancellable *cancellable, GError **error)
{
  g_autofree DdlRenderModel *models = g_new0 (DdlRenderModel, job->models->len);
  DdlRenderOptions options;

  for (guint m = 0; m < job->models->len; m++)
    {
      const DdlCompareModel *info = g_ptr_array_index (job->models, m);
      g_autofree char *maps = info->maps_dir != NULL
                              ? g_strdup_printf ("%s/%s.maps.npy", info->maps_dir, job->video)
                              : NULL;
      models[m].name = info->name;
      /* A model without maps for this video is drawn as its curve alone. */
      models[m].maps_dir = maps != NULL && g_file_test (maps, G_FILE_TEST_EXISTS)
                           ? info->maps_dir : NULL;
      models[m].curve = job->curves[m];
    }
  ddl_render_options_init (&options);
  options.footage = job->footage;
  options.video = job->video;
  options.models = models;
  options.n_models = job->models->len;
  options.n_frames = job->n_frames;
  options.labels = job->video_labels;
  options.output = job->output;
  options.progress = render_progress;
  options.user_data = job;
  options.cancellable = cancellable;
  return ddl_render_video (&options, error);
}

static void
export_worker (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ExportJob *job = data;
  g_autoptr(GError) render_error = NULL;
  g_autofree DdlReportModel *models = g_new0 (DdlReportModel, job->models->len);
  const char *videos[2] = { NULL, NULL };
  GError *error = NULL;
  DdlReport report;

  if (g_mkdir_with_parents (job->dir, 0755) != 0)
    {
      int saved = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "Cannot create %s: %s", job->dir, g_strerror (saved));
      return;
    }
  /* The video first, so the report lists it; a video that cannot be made (no encoder,
   * maps that do not fit) still leaves the rest of the report. */
  if (render (job, cancellable, &render_error))
    videos[0] = job->output;
  else if (g_error_matches (render_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
           || g_cancellable_is_cancelled (cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return;
    }
  else
    job->render_error = g_strdup (render_error->message);

  for (guint m = 0; m < job->models->len; m++)
    {
      const DdlCompareModel *info = g_ptr_array_index (job->models, m);
      models[m].name = info->name;
      models[m].checkpoint = info->checkpoint;
      models[m].maps_dir = info->maps_dir;
      models[m].loss_log = info->loss_log;
      models[m].config = info->has_config ? &info->config : NULL;
      models[m].anomaly_weight = info->anomaly_weight;
      models[m].epochs_done = info->epochs_done;
      models[m].steps = info->steps;
      models[m].train_fingerprint = info->train_fingerprint;
      models[m].train_seconds = info->train_seconds;
      models[m].score_seconds = info->score_seconds;
    }
  ddl_report_init (&report);
  report.footage = job->footage;
  report.footage_fingerprint = job->fingerprint;
  report.scores = job->scores;
  report.labels = job->labels;
  report.models = models;
  report.n_models = job->models->len;
  report.eval = job->eval;
  report.videos = videos[0] != NULL ? videos : NULL;
  if (!ddl_report_write_folder (&report, job->dir, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
export_done (GObject *source, GAsyncResult *result, gpointer data)
{
  DdlWindow *self = DDL_WINDOW (source);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (self->session == NULL)   /* closed meanwhile */
    return;
  self->exporting = FALSE;
  _ddl_window_set_busy (self, NULL, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        message = g_strdup_printf (_("Could not export the report: %s"), error->message);
    }
  else if (job->render_error != NULL)
    message = g_strdup_printf (_("Report written to %s, but the video could not be rendered: %s"),
                               job->dir, job->render_error);
  else
    message = g_strdup_printf (_("Report written to %s."), job->dir);
  if (message != NULL)
    ddl_window_show_error (self, message);
}

/* .mp4 with H.264 or MPEG-4 where FFmpeg has them, else WebM, else MJPEG in AVI. */
static const char *
video_extension (void)
{
  if (ddl_video_encoder_available ("libx264") || ddl_video_encoder_available ("mpeg4"))
    return "mp4";
  if (ddl_video_encoder_available ("libvpx-vp9") || ddl_video_encoder_available ("libvpx"))
    return "webm";
  return "avi";
}

void
ddl_window_export_report (DdlWindow *self, const char *dir)
{
  DdlSession *session = self->session;
  guint n_models = ddl_session_get_n_models (session);
  guint video = ddl_session_get_video (session);
  const DdlSessionVideo *info = ddl_session_get_video_info (session, video);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  ExportJob *job;

  if (info == NULL || n_models == 0)
    {
      ddl_window_show_error (self, _("Open footage and at least one model's scores to export a "
                                     "report."));
      return;
    }
  if (self->exporting)
    return;
  for (guint m = 0; m < n_models; m++)
    {
      const char *name = ddl_session_get_model_name (session, m);
      char *unique = g_strdup (name);
      for (guint k = 2; g_hash_table_contains (seen, unique); k++)
        {
          g_free (unique);
          unique = g_strdup_printf ("%s-%u", name, k);
        }
      g_ptr_array_add (names, unique);
      g_hash_table_add (seen, unique);
    }

  job = g_new0 (ExportJob, 1);
  g_weak_ref_init (&job->window, self);
  job->dir = g_strdup (dir);
  job->footage = g_strdup (ddl_session_get_path (session));
  job->fingerprint = ddl_session_get_fingerprint (session);
  job->scores = merge_scores (session, names);
  if (ddl_session_has_truth (session)
      || ddl_annotations_count_marked (ddl_session_get_annotations (session)) > 0)
    job->labels = ddl_annotations_to_labels (ddl_session_get_annotations (session));
  job->eval = *ddl_session_get_eval_options (session);
  job->models = g_ptr_array_new_with_free_func ((GDestroyNotify) ddl_compare_model_free);
  job->curves = g_new0 (double *, n_models);
  job->video = g_strdup (info->name);
  job->n_frames = info->n_frames;
  for (guint m = 0; m < n_models; m++)
    {
      const DdlCompareModel *known = ddl_compare_view_get_model_info (
        self->compare_view, ddl_session_get_model_name (session, m));
      DdlCompareModel *model = known != NULL ? ddl_compare_model_copy (known)
                                             : ddl_compare_model_new (NULL);
      g_free (model->name);
      model->name = g_strdup (g_ptr_array_index (names, m));
      g_free (model->maps_dir);
      model->maps_dir = g_strdup (ddl_session_get_model_maps_dir (session, m));
      g_ptr_array_add (job->models, model);
      job->curves[m] = g_memdup2 (ddl_session_get_curve (session, m, video),
                                  sizeof (double) * MAX (info->n_frames, 1));
    }
  const guint8 *labels = ddl_session_get_labels (session, video);
  if (labels != NULL)
    job->video_labels = g_memdup2 (labels, MAX (info->n_frames, 1));
  g_autofree char *file = g_strdup_printf ("video-%s.%s", info->name, video_extension ());
  g_strdelimit (file, "/\\", '-');
  job->output = g_build_filename (dir, file, NULL);

  self->exporting = TRUE;
  _ddl_window_set_busy (self, _("Exporting the report…"), TRUE);
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, export_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_worker);
}
