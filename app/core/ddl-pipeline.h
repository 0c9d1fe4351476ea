/* ddl-pipeline.h: several models trained one after the other, unattended, then scored
 * on the same test footage and compared in a report folder — the built-in demo
 * (`ddl demo`, DDL Studio's "Run the demo") and the application's train-and-compare
 * queue. GTK-free; runs on the calling thread (the application calls it from a worker).
 *
 * Stages: [synth] the synthetic walkway into OUT/data when no dataset is given;
 * [boxes] object tracks for the training split when an SDL/DDL model needs them and
 * the split has none (ddl-tracker.h, written to OUT/boxes-train.json); then per model
 * [train] (ddl-trainer.h; checkpoint OUT/models/<name>.safetensors, per-step log
 * OUT/models/<name>-loss.csv) and [score] (ddl-scorer.h; OUT/scores-<name>.csv and
 * maps in OUT/maps/<name>/); then [render] (ddl-render.h: OUT/video-<video>.mp4, or
 * .webm/.mkv when the installed FFmpeg lacks an MP4 encoder) and [report] (ddl-report.h:
 * metrics.json, scores.csv, scores.json, plots, index.html, listing the video).
 *
 * Running it again on the same OUT continues: a finished checkpoint (its epoch count
 * reached) is not trained again, an unfinished one is resumed, existing synthetic data
 * is reused. A model given with a `checkpoint` is scored without training. */
#pragma once

#include <gio/gio.h>
#include "ddl-compute.h"
#include "ddl-metrics.h"
#include "ddl-synth.h"
#include "ddl-trainer.h"

G_BEGIN_DECLS

typedef enum {
  DDL_PIPELINE_STAGE_SYNTH,
  DDL_PIPELINE_STAGE_BOXES,
  DDL_PIPELINE_STAGE_TRAIN,
  DDL_PIPELINE_STAGE_SCORE,
  DDL_PIPELINE_STAGE_REPORT,
  DDL_PIPELINE_STAGE_RENDER,
  DDL_PIPELINE_STAGE_DONE,
} DdlPipelineStage;

const char *ddl_pipeline_stage_to_string (DdlPipelineStage stage);  /* "train" … */

typedef struct {
  const char     *name;        /* unique; score column and file stem: "sdl", "ddl" */
  DdlModelConfig  config;
  const char     *checkpoint;  /* a trained model to score instead of training, or NULL */
} DdlPipelineModel;

typedef struct {
  DdlPipelineStage        stage;
  guint                   model;     /* index of the model being trained or scored */
  guint                   n_models;
  const DdlTrainProgress *train;     /* TRAIN: the trainer's progress (with its preview) */
  guint                   done;      /* SYNTH/BOXES/SCORE/RENDER: units done of total */
  guint                   total;
  double                  fraction;  /* of the whole pipeline, 0..1, by estimated time */
  double                  seconds_left;  /* whole pipeline, estimate; NAN unknown */
  const char             *message;   /* one line for a status bar */
} DdlPipelineProgress;

/* Called on the pipeline's thread; return FALSE to cancel. May block to pause. */
typedef gboolean (*DdlPipelineProgressFunc) (const DdlPipelineProgress *progress,
                                             gpointer                   user_data);

typedef struct {
  const char              *out;        /* report folder, created */
  const char              *dataset;    /* training and test data; NULL: synthesise */
  DdlSynthOptions          synth;      /* when dataset is NULL */
  const DdlPipelineModel  *models;
  guint                    n_models;
  const char              *device;     /* NULL: auto */
  DdlEvalOptions           eval;       /* the report's protocol */
  gboolean                 render;     /* write a rendered video */
  const char              *render_video;  /* NULL: the test video with the most anomalous
                                           * frames (the first one without labels) */
  guint                    preview_every; /* passed to the trainer */
  DdlPipelineProgressFunc  progress;
  gpointer                 user_data;
  GCancellable            *cancellable;
} DdlPipelineOptions;

typedef struct {
  char     *out;            /* the report folder */
  char     *dataset;        /* the data used (OUT/data when synthesised) */
  char     *metrics;        /* OUT/metrics.json */
  char     *scores;         /* OUT/scores.csv */
  char     *video;          /* the rendered video or NULL */
  double    micro_auc[8];   /* per model (NAN without labels), at most 8 reported here */
  double    seconds;
  gboolean  cancelled;      /* stopped by the callback or the cancellable: checkpoints of
                             * the models trained so far are kept, run again to continue */
} DdlPipelineSummary;

/* Defaults: no models, synthetic data with ddl_synth_options_init, the raw protocol,
 * render on, preview every 10 steps. */
void     ddl_pipeline_options_init  (DdlPipelineOptions *options);
/* The demo's models: SDL and DDL at the CPU default configuration (3 channels: see
 * shared/guides/reference-on-cpu.md on 1-channel DDL). `models` holds 2. */
void     ddl_pipeline_demo_models   (DdlPipelineModel models[2]);
/* The demo shrunk for tests and smoke runs (`ddl demo --tiny`): a synthetic walkway
 * of 2 training and 2 test videos of 20 frames at 64x48, SDL and DDL at latent 16,
 * 32x32, batch 2, 1 epoch. Trains in seconds on lavapipe; its numbers mean nothing.
 * Sets options->synth, models (filled) and n_models. */
void     ddl_pipeline_tiny          (DdlPipelineOptions *options, DdlPipelineModel models[2]);
gboolean ddl_pipeline_run           (const DdlPipelineOptions *options,
                                     DdlPipelineSummary       *summary,
                                     GError                  **error);
void     ddl_pipeline_summary_clear (DdlPipelineSummary *summary);

G_END_DECLS
