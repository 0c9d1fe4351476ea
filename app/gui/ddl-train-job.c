/* The training window's worker (see ddl-train-job.h).
 *
 * The pipeline calls back after every training step (tens of times a second with
 * small models). Each call merges its data into one pending update under a mutex and
 * schedules a single idle source on the owner's context if none is waiting, so a busy
 * worker never floods the main loop: the main thread takes whatever accumulated when
 * it gets to it. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-train-job.h"

#include <math.h>
#include <string.h>

struct _DdlTrainJob {
  GObject             parent_instance;

  DdlPipelineOptions  options;     /* deep copy; strings in `strings` */
  DdlPipelineModel   *models;
  GPtrArray          *strings;
  GMainContext       *context;     /* where signals are emitted */
  GCancellable       *cancellable;
  GThread            *thread;

  GMutex              lock;        /* guards everything below */
  GCond               resume;
  gboolean            paused, cancelled, running;
  DdlTrainUpdate     *pending;
  gboolean            flush_scheduled;
  guint64             steps_seen;

  /* written by the worker before its last idle; read on the main thread after */
  gboolean            ok;
  DdlPipelineSummary  summary;
  GError             *error;
};

enum { SIGNAL_UPDATE, SIGNAL_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DdlTrainJob, ddl_train_job, G_TYPE_OBJECT)

/* ---- updates --------------------------------------------------------------------- */

static void
preview_copy_free (DdlTrainPreviewCopy *p)
{
  if (p == NULL)
    return;
  g_free (p->clean);
  g_free (p->pseudo);
  g_free (p->rec_clean);
  g_free (p->rec_pseudo);
  g_free (p->mask);
  g_free (p);
}

static DdlTrainPreviewCopy *
preview_copy_new (const DdlTrainPreview *src)
{
  DdlTrainPreviewCopy *p = g_new0 (DdlTrainPreviewCopy, 1);
  gsize image = (gsize) src->channels * src->width * src->height * sizeof (float);
  gsize plane = (gsize) src->width * src->height * sizeof (float);

  p->width = src->width;
  p->height = src->height;
  p->channels = src->channels;
  p->clean = src->clean ? g_memdup2 (src->clean, image) : NULL;
  p->rec_clean = src->rec_clean ? g_memdup2 (src->rec_clean, image) : NULL;
  p->pseudo = src->pseudo ? g_memdup2 (src->pseudo, image) : NULL;
  p->rec_pseudo = src->rec_pseudo ? g_memdup2 (src->rec_pseudo, image) : NULL;
  p->mask = src->mask ? g_memdup2 (src->mask, plane) : NULL;
  return p;
}

static void
update_free (DdlTrainUpdate *u)
{
  if (u == NULL)
    return;
  g_free (u->message);
  g_array_unref (u->points);
  preview_copy_free (u->preview);
  g_free (u);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlTrainUpdate, update_free)

static DdlTrainUpdate *
update_new (void)
{
  DdlTrainUpdate *u = g_new0 (DdlTrainUpdate, 1);
  u->points = g_array_new (FALSE, FALSE, sizeof (DdlTrainPoint));
  u->seconds_left = u->model_seconds_left = NAN;
  return u;
}

/* Main thread: emits what accumulated. */
static void
flush_pending (DdlTrainJob *self)
{
  g_autoptr(DdlTrainUpdate) update = NULL;

  g_mutex_lock (&self->lock);
  update = g_steal_pointer (&self->pending);
  self->flush_scheduled = FALSE;
  g_mutex_unlock (&self->lock);
  if (update != NULL)
    g_signal_emit (self, signals[SIGNAL_UPDATE], 0, update);
}

static gboolean
flush_idle (gpointer data)
{
  flush_pending (data);
  return G_SOURCE_REMOVE;
}

static void
invoke (DdlTrainJob *self, GSourceFunc func)
{
  GSource *source = g_idle_source_new ();
  g_source_set_callback (source, func, g_object_ref (self), g_object_unref);
  g_source_set_static_name (source, "ddl-train-job");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/* Worker thread, after every step of the pipeline. */
static gboolean
progress_cb (const DdlPipelineProgress *p, gpointer data)
{
  DdlTrainJob *self = data;
  gboolean go_on;

  g_mutex_lock (&self->lock);
  if (self->pending == NULL)
    self->pending = update_new ();
  DdlTrainUpdate *u = self->pending;
  u->stage = p->stage;
  u->model = p->model;
  u->n_models = p->n_models;
  u->done = p->done;
  u->total = p->total;
  u->fraction = p->fraction;
  u->seconds_left = p->seconds_left;
  g_free (u->message);
  u->message = g_strdup (p->message);
  u->training = p->stage == DDL_PIPELINE_STAGE_TRAIN && p->train != NULL;
  if (u->training)
    {
      const DdlTrainProgress *t = p->train;
      DdlTrainPoint point = { p->model, t->step, t->stats.recon, t->stats.dist, t->stats.total,
                              t->stats.sigma, t->stats.skipped };
      u->epoch = t->epoch;
      u->epochs = t->epochs;
      u->step_in_epoch = t->step_in_epoch;
      u->steps_per_epoch = t->steps_per_epoch;
      u->step = t->step;
      u->stats = t->stats;
      u->model_seconds_left = t->seconds_left;
      g_array_append_val (u->points, point);
      if (t->preview != NULL)
        {
          preview_copy_free (u->preview);
          u->preview = preview_copy_new (t->preview);
        }
      self->steps_seen++;
    }
  if (!self->flush_scheduled)
    {
      self->flush_scheduled = TRUE;
      invoke (self, flush_idle);
    }
  /* Pause: block here; the trainer does not count the time. */
  while (self->paused && !self->cancelled)
    g_cond_wait (&self->resume, &self->lock);
  go_on = !self->cancelled;
  g_mutex_unlock (&self->lock);
  return go_on;
}

static gboolean
finish_idle (gpointer data)
{
  DdlTrainJob *self = data;

  flush_pending (self);
  g_thread_join (g_steal_pointer (&self->thread));
  g_mutex_lock (&self->lock);
  self->running = FALSE;
  self->paused = FALSE;
  g_mutex_unlock (&self->lock);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
  return G_SOURCE_REMOVE;
}

static gpointer
worker (gpointer data)
{
  DdlTrainJob *self = data;
  DdlPipelineSummary summary = { 0 };
  GError *error = NULL;
  gboolean ok = ddl_pipeline_run (&self->options, &summary, &error);

  g_mutex_lock (&self->lock);
  self->ok = ok;
  self->summary = summary;
  self->error = error;
  g_mutex_unlock (&self->lock);
  invoke (self, finish_idle);
  g_object_unref (self);
  return NULL;
}

/* ---- public ---------------------------------------------------------------------- */

static const char *
keep (DdlTrainJob *self, const char *s)
{
  char *copy;
  if (s == NULL)
    return NULL;
  copy = g_strdup (s);
  g_ptr_array_add (self->strings, copy);
  return copy;
}

DdlTrainJob *
ddl_train_job_new (const DdlPipelineOptions *options)
{
  DdlTrainJob *self = g_object_new (DDL_TYPE_TRAIN_JOB, NULL);
  DdlPipelineOptions *o = &self->options;

  *o = *options;
  o->out = keep (self, options->out);
  o->dataset = keep (self, options->dataset);
  o->device = keep (self, options->device);
  o->render_video = keep (self, options->render_video);
  o->synth.progress = NULL;
  o->synth.user_data = NULL;
  self->models = g_new0 (DdlPipelineModel, MAX (options->n_models, 1));
  for (guint i = 0; i < options->n_models; i++)
    {
      self->models[i] = options->models[i];
      self->models[i].name = keep (self, options->models[i].name);
      self->models[i].checkpoint = keep (self, options->models[i].checkpoint);
    }
  o->models = self->models;
  o->progress = progress_cb;
  o->user_data = self;
  o->cancellable = self->cancellable;
  return self;
}

void
ddl_train_job_start (DdlTrainJob *self)
{
  g_return_if_fail (self->thread == NULL && !self->running);
  self->running = TRUE;
  /* The job lives until its last idle has run, whoever drops it meanwhile: the
   * thread holds a reference until it has queued that idle (which holds another). */
  self->thread = g_thread_new ("ddl-train", worker, g_object_ref (self));
}

gboolean
ddl_train_job_is_running (DdlTrainJob *self)
{
  gboolean running;
  g_mutex_lock (&self->lock);
  running = self->running;
  g_mutex_unlock (&self->lock);
  return running;
}

void
ddl_train_job_set_paused (DdlTrainJob *self, gboolean paused)
{
  g_mutex_lock (&self->lock);
  self->paused = paused && self->running;
  g_cond_broadcast (&self->resume);
  g_mutex_unlock (&self->lock);
}

gboolean
ddl_train_job_get_paused (DdlTrainJob *self)
{
  gboolean paused;
  g_mutex_lock (&self->lock);
  paused = self->paused;
  g_mutex_unlock (&self->lock);
  return paused;
}

void
ddl_train_job_cancel (DdlTrainJob *self)
{
  g_mutex_lock (&self->lock);
  self->cancelled = TRUE;
  g_cond_broadcast (&self->resume);
  g_mutex_unlock (&self->lock);
  g_cancellable_cancel (self->cancellable);
}

gboolean
ddl_train_job_is_cancelled (DdlTrainJob *self)
{
  gboolean cancelled;
  g_mutex_lock (&self->lock);
  cancelled = self->cancelled;
  g_mutex_unlock (&self->lock);
  return cancelled;
}

const DdlPipelineSummary *
ddl_train_job_get_summary (DdlTrainJob *self)
{
  return !self->running && self->ok ? &self->summary : NULL;
}

const GError *
ddl_train_job_get_error (DdlTrainJob *self)
{
  return self->running ? NULL : self->error;
}

const DdlPipelineOptions *
ddl_train_job_get_options (DdlTrainJob *self)
{
  return &self->options;
}

guint64
ddl_train_job_get_steps_seen (DdlTrainJob *self)
{
  guint64 n;
  g_mutex_lock (&self->lock);
  n = self->steps_seen;
  g_mutex_unlock (&self->lock);
  return n;
}

/* ---- checkpoint metadata ----------------------------------------------------------- */

/* Only the checkpoint's header is read (ddl_model_read_info), so the form can show a
 * checkpoint's settings at once, without a device. Resuming needs our metadata: a
 * reference state_dict has no epoch, optimizer state or training settings. */
gboolean
ddl_checkpoint_info_read (const char *path, DdlCheckpointInfo *info, GError **error)
{
  g_auto(DdlModelInfo) found = { 0 };

  if (!ddl_model_read_info (path, &found, error))
    return FALSE;
  if (!found.has_metadata)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is not a DDL Studio checkpoint (no model configuration in its "
                   "safetensors metadata)", path);
      return FALSE;
    }
  memset (info, 0, sizeof *info);
  info->config = found.config;
  info->epoch = found.epoch;
  info->step = found.step;
  info->sigma = found.sigma;
  return TRUE;
}

/* ---- GObject ---------------------------------------------------------------------- */

static void
ddl_train_job_finalize (GObject *object)
{
  DdlTrainJob *self = DDL_TRAIN_JOB (object);

  /* Every source holds a reference and the worker's last act is to add one, so the
   * thread is gone by now. */
  g_assert (self->thread == NULL);
  update_free (self->pending);
  ddl_pipeline_summary_clear (&self->summary);
  g_clear_error (&self->error);
  g_ptr_array_unref (self->strings);
  g_free (self->models);
  g_clear_object (&self->cancellable);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->resume);
  G_OBJECT_CLASS (ddl_train_job_parent_class)->finalize (object);
}

static void
ddl_train_job_class_init (DdlTrainJobClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ddl_train_job_finalize;
  signals[SIGNAL_UPDATE] = g_signal_new ("update", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
}

static void
ddl_train_job_init (DdlTrainJob *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->resume);
  self->strings = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
}
