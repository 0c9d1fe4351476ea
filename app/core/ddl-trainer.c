/* The training loop behind `ddl train` (see ddl-trainer.h). */
#include "ddl-trainer.h"
#include "ddl-boxes.h"
#include "ddl-clips.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

typedef struct {
  float   *clips;
  float   *masks;
  GError  *error;
  gboolean end;
} Batch;

typedef struct {
  const DdlModelConfig *config;
  DdlClips     *clips;
  DdlBoxes     *boxes;          /* NULL for the baseline */
  GArray       *order;          /* DdlWindow, this epoch's shuffle */
  guint         n_batches;
  GAsyncQueue  *ready;          /* Batch */
  GAsyncQueue  *free;           /* Batch buffers to refill */
  GRand        *rand;           /* track choice */
  volatile gint stop;
} Feeder;

static void
batch_free (Batch *b)
{
  g_free (b->clips);
  g_free (b->masks);
  g_clear_error (&b->error);
  g_free (b);
}

/* The worker: assembles the epoch's batches ahead of the device (two in flight). */
static gpointer
feed (gpointer data)
{
  Feeder *f = data;
  const DdlModelConfig *c = f->config;
  gsize clip_n = (gsize) c->channels * c->temporal * c->width * c->height;
  gsize mask_n = (gsize) c->temporal * c->width * c->height;
  g_autoptr(GArray) tracks = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint b = 0; b < f->n_batches && !g_atomic_int_get (&f->stop); b++)
    {
      Batch *batch = g_async_queue_pop (f->free);
      memset (batch->masks, 0, sizeof (float) * mask_n * c->batch);
      for (guint s = 0; s < c->batch && batch->error == NULL; s++)
        {
          DdlWindow *w = &g_array_index (f->order, DdlWindow, b * c->batch + s);
          if (!ddl_clips_read_window (f->clips, w, batch->clips + s * clip_n, &batch->error))
            break;
          if (f->boxes == NULL)
            continue;
          /* One track present in all T frames, drawn uniformly, as the reference. */
          g_array_set_size (tracks, 0);
          guint n = ddl_boxes_common_tracks (f->boxes, w->video, w->centre, c->temporal, tracks);
          if (n > 0)
            {
              guint track = g_array_index (tracks, guint, g_rand_int_range (f->rand, 0, n));
              ddl_boxes_fill_mask (f->boxes, w->video, w->centre, c->temporal, track, c->width,
                                   c->height, batch->masks + s * mask_n);
            }
        }
      g_async_queue_push (f->ready, batch);
      if (batch->error != NULL)
        break;
    }
  return NULL;
}

static void
shuffle (GArray *windows, GRand *rand)
{
  for (guint i = windows->len; i > 1; i--)
    {
      guint j = g_rand_int_range (rand, 0, i);
      DdlWindow tmp = g_array_index (windows, DdlWindow, i - 1);
      g_array_index (windows, DdlWindow, i - 1) = g_array_index (windows, DdlWindow, j);
      g_array_index (windows, DdlWindow, j) = tmp;
    }
}

void
ddl_train_options_init (DdlTrainOptions *options)
{
  memset (options, 0, sizeof *options);
  ddl_model_config_init_default (&options->config);
}

/* StepLR (step_size = int (0.8 * epochs), gamma 0.5) stepped once per epoch. The
 * reference crashes for 1 epoch (step size 0); here the halving then never happens. */
static double
lr_for_epoch (const DdlModelConfig *c, guint epoch)
{
  guint step_size = (guint) (0.8 * c->epochs);
  if (step_size == 0)
    return c->lr;
  return c->lr * pow (0.5, epoch / step_size);
}

static gboolean
compatible (const DdlModelConfig *a, const DdlModelConfig *b, GError **error)
{
  if (a->arch != b->arch || a->latent != b->latent || a->channels != b->channels
      || a->temporal != b->temporal || a->width != b->width || a->height != b->height
      || a->mode != b->mode)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The checkpoint to resume (%s, latent %u, %u channels, T %u, %ux%u, %s) "
                   "does not match the requested model (%s, latent %u, %u channels, T %u, %ux%u, "
                   "%s)", ddl_arch_to_string (a->arch), a->latent, a->channels, a->temporal,
                   a->width, a->height, ddl_mode_to_string (a->mode),
                   ddl_arch_to_string (b->arch), b->latent, b->channels, b->temporal, b->width,
                   b->height, ddl_mode_to_string (b->mode));
      return FALSE;
    }
  return TRUE;
}

static FILE *
open_log (const char *path, gboolean append, GError **error)
{
  FILE *f = g_fopen (path, append ? "a" : "w");
  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot write %s: %s",
                   path, g_strerror (saved));
      return NULL;
    }
  if (!append || ftell (f) == 0)
    fprintf (f, "epoch,step,recon,dist,total,sigma,lr,skipped\n");
  return f;
}

/* Reads the first sample's centre frame into `planes` (allocated on first use) and
 * points the preview at it. */
static gboolean
read_preview (DdlModel *model, DdlTrainPreview *preview, float **planes, GError **error)
{
  gsize image = (gsize) preview->channels * preview->width * preview->height;
  gsize hw = (gsize) preview->width * preview->height;
  gboolean pseudo = ddl_model_get_config (model)->mode != DDL_MODE_BASELINE;

  if (*planes == NULL)
    *planes = g_new0 (float, 4 * image + hw);
  preview->clean = *planes;
  preview->rec_clean = *planes + image;
  preview->pseudo = pseudo ? *planes + 2 * image : NULL;
  preview->rec_pseudo = pseudo ? *planes + 3 * image : NULL;
  preview->mask = pseudo ? *planes + 4 * image : NULL;
  return ddl_model_read_train_preview (model, 0, *planes, *planes + 2 * image, *planes + image,
                                       *planes + 3 * image, *planes + 4 * image, error);
}

gboolean
ddl_train_run (const DdlTrainOptions *o, DdlTrainSummary *summary, GError **error)
{
  DdlTrainSummary local = { 0 };
  DdlModelConfig config = o->config;
  g_autoptr(DdlDataset) dataset = NULL;
  g_autoptr(DdlClips) clips = NULL;
  g_autoptr(DdlBoxes) boxes = NULL;
  g_autoptr(DdlEngine) engine = NULL;
  g_autoptr(DdlModel) model = NULL;
  g_autoptr(GRand) rand = NULL;
  g_autofree char *fingerprint = NULL;
  FILE *log = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 in_callback = 0;   /* microseconds spent in the progress callback (pauses) */
  gboolean ok = TRUE;
  DdlTrainPreview preview = { config.width, config.height, config.channels };
  g_autofree float *planes = NULL;

  if (summary == NULL)
    summary = &local;
  memset (summary, 0, sizeof *summary);
  if (!ddl_model_config_validate (&config, error))
    return FALSE;
  dataset = ddl_dataset_open (o->dataset, error);
  if (dataset == NULL)
    return FALSE;
  clips = ddl_clips_new_split (dataset, DDL_SPLIT_TRAIN, config.channels, config.temporal,
                               config.width, config.height, error);
  if (clips == NULL)
    return FALSE;
  GArray *windows = ddl_clips_get_windows (clips);
  if (windows->len < config.batch)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s has %u training windows of %u frames, fewer than one batch of %u",
                   o->dataset, windows->len, config.temporal, config.batch);
      return FALSE;
    }
  summary->windows = windows->len;

  if (config.mode != DDL_MODE_BASELINE)
    {
      const char *path = o->boxes != NULL ? o->boxes : ddl_dataset_get_boxes_path (dataset);
      if (path == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "%s has no tracked_bounding_boxes.json for its training split: %s needs "
                       "object tracks for its pseudo anomalies. Make them with "
                       "'ddl boxes %s -o %s/tracked_bounding_boxes.json' or pass --boxes FILE",
                       o->dataset, ddl_mode_to_string (config.mode), o->dataset,
                       ddl_dataset_get_split_dir (dataset, DDL_SPLIT_TRAIN));
          return FALSE;
        }
      boxes = ddl_boxes_read (path, error);
      if (boxes == NULL || !ddl_boxes_bind_dataset (boxes, dataset, DDL_SPLIT_TRAIN, error))
        return FALSE;
      summary->window_coverage = ddl_boxes_window_coverage (boxes, config.temporal, NULL, NULL);
    }

  DdlEngineOptions eo = { o->device, FALSE };
  engine = ddl_engine_new (&eo, error);
  if (engine == NULL)
    return FALSE;
  if (o->resume != NULL)
    {
      model = ddl_model_load (engine, o->resume, &config, error);
      if (model == NULL || !compatible (ddl_model_get_config (model), &config, error))
        return FALSE;
      /* The run's epoch count wins (to extend a finished run); the other training
       * settings are the checkpoint's. */
      ddl_model_set_epochs (model, config.epochs);
      config = *ddl_model_get_config (model);
    }
  else
    {
      model = ddl_model_new (engine, &config, error);
      if (model == NULL)
        return FALSE;
    }
  fingerprint = ddl_dataset_fingerprint (dataset, DDL_SPLIT_TRAIN);
  ddl_model_set_fingerprint (model, fingerprint);
  if (o->log != NULL && (log = open_log (o->log, o->resume != NULL, error)) == NULL)
    return FALSE;

  rand = g_rand_new_with_seed ((guint32) (config.seed * 2654435761u + 17));
  guint steps_per_epoch = windows->len / config.batch;  /* the partial last batch is dropped */
  guint first_epoch = ddl_model_get_epoch (model);
  guint64 steps_done = 0;
  guint64 steps_total = (guint64) (config.epochs - MIN (first_epoch, config.epochs)) * steps_per_epoch;
  /* A checkpoint saved on cancel is mid-epoch: its batches so far (steps and skipped
   * ones) are passed over, so the resumed run goes on exactly where it stopped. */
  guint64 batches = ddl_model_get_step (model) + ddl_model_get_skipped (model);
  guint64 consumed = (guint64) first_epoch * steps_per_epoch;
  guint resume_at = batches > consumed && batches - consumed < steps_per_epoch
                    ? (guint) (batches - consumed) : 0;
  steps_total -= MIN (resume_at, steps_total);

  for (guint epoch = first_epoch; epoch < config.epochs && ok; epoch++)
    {
      g_autoptr(GArray) order = g_array_copy (windows);
      Feeder feeder = { &config, clips, boxes, order, steps_per_epoch };
      GThread *worker;
      gboolean cancelled = FALSE;

      /* Each epoch's shuffle and track draws depend only on the seed and the epoch,
       * so a resumed run sees the same batches as an uninterrupted one. */
      g_rand_set_seed (rand, (guint32) (config.seed * 2654435761u + epoch * 40503u + 1));
      shuffle (order, rand);
      feeder.rand = rand;
      feeder.ready = g_async_queue_new_full ((GDestroyNotify) batch_free);
      feeder.free = g_async_queue_new_full ((GDestroyNotify) batch_free);
      for (guint i = 0; i < 2; i++)
        {
          Batch *b = g_new0 (Batch, 1);
          b->clips = g_new (float, (gsize) config.batch * config.channels * config.temporal
                                   * config.width * config.height);
          b->masks = g_new (float, (gsize) config.batch * config.temporal * config.width
                                   * config.height);
          g_async_queue_push (feeder.free, b);
        }
      ddl_model_set_learning_rate (model, lr_for_epoch (&config, epoch));
      worker = g_thread_new ("ddl-feeder", feed, &feeder);

      for (guint s = 0; s < steps_per_epoch && ok; s++)
        {
          Batch *batch = g_async_queue_pop (feeder.ready);
          DdlTrainProgress p = { epoch, config.epochs, s + 1, steps_per_epoch };
          if (epoch == first_epoch && s < resume_at && batch->error == NULL)
            {
              /* Drawn as before (same shuffle, same tracks), trained before the cancel. */
              g_async_queue_push (feeder.free, batch);
              continue;
            }
          if (batch->error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&batch->error));
              ok = FALSE;
            }
          else
            ok = ddl_model_train_step (model, batch->clips, batch->masks, &p.stats, error);
          g_async_queue_push (feeder.free, batch);
          if (!ok)
            break;
          steps_done++;
          if (p.stats.skipped)
            summary->skipped++;
          else
            {
              summary->last_recon = p.stats.recon;
              summary->last_dist = p.stats.dist;
              summary->last_total = p.stats.total;
            }
          p.step = ddl_model_get_step (model);
          p.lr = ddl_model_get_learning_rate (model);
          p.seconds = (g_get_monotonic_time () - start - in_callback) / 1e6;
          p.seconds_left = p.seconds / steps_done * (steps_total - steps_done);
          if (o->preview_every > 0 && !p.stats.skipped
              && (steps_done == 1 || steps_done % o->preview_every == 0))
            {
              ok = read_preview (model, &preview, &planes, error);
              if (!ok)
                break;
              p.preview = &preview;
            }
          if (log != NULL)
            fprintf (log, "%u,%" G_GUINT64_FORMAT ",%.8g,%.8g,%.8g,%.8g,%.8g,%d\n", epoch, p.step,
                     p.stats.recon, p.stats.dist, p.stats.total, p.stats.sigma, p.lr,
                     p.stats.skipped);
          gint64 called = g_get_monotonic_time ();
          gboolean go_on = o->progress == NULL || o->progress (&p, o->user_data);
          in_callback += g_get_monotonic_time () - called;
          if (!go_on || g_cancellable_is_cancelled (o->cancellable))
            {
              cancelled = TRUE;
              break;
            }
        }
      g_atomic_int_set (&feeder.stop, 1);
      /* Unblock the worker if it waits for a free buffer. */
      for (guint i = 0; i < 2; i++)
        {
          Batch *b = g_async_queue_try_pop (feeder.ready);
          if (b != NULL)
            g_async_queue_push (feeder.free, b);
        }
      g_thread_join (worker);
      g_async_queue_unref (feeder.ready);
      g_async_queue_unref (feeder.free);
      if (!ok)
        break;  /* never overwrite the last good checkpoint with a failed epoch */
      if (!cancelled)
        ddl_model_set_epoch (model, epoch + 1);
      if (!ddl_model_save (model, o->output, error))
        {
          ok = FALSE;
          break;
        }
      if (cancelled)
        {
          summary->cancelled = TRUE;
          break;
        }
    }
  if (log != NULL)
    fclose (log);
  summary->steps = ddl_model_get_step (model);
  summary->sigma = ddl_model_get_anomaly_weight (model);
  summary->seconds = (g_get_monotonic_time () - start - in_callback) / 1e6;
  return ok;
}
