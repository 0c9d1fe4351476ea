/* ddl-train-job.h: the training window's worker. Runs ddl_pipeline_run (several models
 * trained one after the other, then scored and compared) on a thread of its own and
 * reports back on the main context of the thread that made it, with copied data: no
 * widget is ever touched off the main thread. Pause blocks the pipeline's progress
 * callback on a condition variable (the trainer does not count that time); cancel
 * stops it after the current step, and the trainer saves a checkpoint.
 *
 * GTK-free (GObject only), so its logic is testable without a display. */
#pragma once

#include <gio/gio.h>
#include "ddl-pipeline.h"

G_BEGIN_DECLS

/* One training step as the plots need it. */
typedef struct {
  guint   model;      /* index in the queue */
  guint64 step;       /* the model's global step (continues across resumes) */
  float   recon, dist, total, sigma;
  gboolean skipped;
} DdlTrainPoint;

/* A copy of a DdlTrainPreview, owned by the update. */
typedef struct {
  guint   width, height, channels;
  float  *clean, *pseudo, *rec_clean, *rec_pseudo;  /* (C, H, W); pseudo ones NULL */
  float  *mask;                                     /* (H, W) or NULL */
} DdlTrainPreviewCopy;

/* What happened since the previous update (updates are coalesced: one per main-loop
 * turn at most, carrying every step's point). */
typedef struct {
  DdlPipelineStage     stage;
  guint                model, n_models;
  gboolean             training;     /* the train fields below are valid */
  guint                epoch, epochs;          /* epoch is 0-based */
  guint                step_in_epoch, steps_per_epoch;
  guint64              step;
  DdlStepStats         stats;
  double               model_seconds_left;     /* the model being trained; NAN unknown */
  guint                done, total;            /* other stages */
  double               fraction;               /* whole pipeline */
  double               seconds_left;           /* whole pipeline; NAN unknown */
  char                *message;
  GArray              *points;                 /* DdlTrainPoint, every step since the last */
  DdlTrainPreviewCopy *preview;                /* the latest preview, or NULL */
} DdlTrainUpdate;

#define DDL_TYPE_TRAIN_JOB (ddl_train_job_get_type ())
G_DECLARE_FINAL_TYPE (DdlTrainJob, ddl_train_job, DDL, TRAIN_JOB, GObject)

/* Copies `options` (strings, models) except progress/user_data/cancellable, which the
 * job supplies. Signals, on the main context current when the job is made:
 *   update   (DdlTrainUpdate *update)   progress; the update is valid during emission
 *   finished ()                         the pipeline returned (see get_summary/get_error) */
DdlTrainJob *ddl_train_job_new         (const DdlPipelineOptions *options);
void         ddl_train_job_start       (DdlTrainJob *self);
gboolean     ddl_train_job_is_running  (DdlTrainJob *self);
void         ddl_train_job_set_paused  (DdlTrainJob *self, gboolean paused);
gboolean     ddl_train_job_get_paused  (DdlTrainJob *self);
/* Stops at the next progress report (wakes a paused job). */
void         ddl_train_job_cancel      (DdlTrainJob *self);
gboolean     ddl_train_job_is_cancelled (DdlTrainJob *self);
/* After `finished`: the summary (NULL on error) or the error. */
const DdlPipelineSummary *ddl_train_job_get_summary (DdlTrainJob *self);
const GError *ddl_train_job_get_error  (DdlTrainJob *self);
const DdlPipelineOptions *ddl_train_job_get_options (DdlTrainJob *self);
/* Steps the worker has reported so far (any thread), for tests and the pause check. */
guint64      ddl_train_job_get_steps_seen (DdlTrainJob *self);

/* What a checkpoint's safetensors metadata says, read without a device: its
 * configuration, epochs done and sigma(l). FALSE with an error naming the file when it
 * is not a DDL Studio checkpoint. */
typedef struct {
  DdlModelConfig config;
  guint          epoch;     /* epochs done */
  guint64        step;
  double         sigma;
} DdlCheckpointInfo;

gboolean     ddl_checkpoint_info_read  (const char *path, DdlCheckpointInfo *info,
                                        GError **error);

G_END_DECLS
