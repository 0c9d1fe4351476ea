/* ddl-pipeline-private.h: the state one ddl_pipeline_run shares between its stages
 * (ddl-pipeline.c: driver and progress; ddl-pipeline-data.c: synthetic data and
 * object tracks; ddl-pipeline-models.c: training and scoring; ddl-pipeline-report.c:
 * merged scores, report and rendered video). */
#pragma once

#include "ddl-pipeline.h"
#include "ddl-dataset.h"
#include "ddl-labels.h"
#include "ddl-scores.h"

G_BEGIN_DECLS

/* One stage's share of the time estimate: `total` units, `done` of them finished,
 * `unit_seconds` each. Device-bound work (training, scoring) is scaled by the speed
 * measured so far; CPU work (synth, tracking, report, render) is not. */
typedef struct {
  double   total;
  double   done;
  double   unit_seconds;
  gboolean device_bound;
  double   startup;        /* seconds before the first unit (engine, decoding) */
} PipelineWork;

typedef struct {
  const DdlPipelineModel *spec;
  DdlModelConfig config;        /* as trained (the checkpoint's once it is read) */
  char    *checkpoint;          /* OUT/models/<name>.safetensors or the given one */
  char    *loss_log;            /* OUT/models/<name>-loss.csv, NULL when absent */
  char    *times;               /* OUT/models/<name>.json, see ddl-pipeline-models.c */
  char    *scores_path;         /* OUT/scores-<name>.csv */
  char    *maps_dir;            /* OUT/maps/<name> */
  guint    epochs_done;         /* of the checkpoint, before this run trains it */
  gboolean needs_training;
  gboolean trained_now;         /* this run changed the checkpoint */
  gboolean reuse_scores;        /* scores and maps of this checkpoint and test split */
  guint64  steps_per_epoch;
  /* From the loaded model, for the report. */
  double   anomaly_weight;
  guint64  steps;
  char    *fingerprint;
  double   train_seconds;       /* all runs together; NAN unknown */
  double   score_seconds;       /* of the run that made the scores; NAN unknown */
  DdlScores *scores;            /* its scores CSV, one column */
  PipelineWork train_work;
  PipelineWork score_work;
} PipelineModel;

typedef struct {
  const DdlPipelineOptions *o;
  DdlPipelineSummary *summary;
  char          *out;            /* absolute */
  char          *dataset_path;
  DdlDataset    *dataset;
  char          *boxes;          /* OUT/boxes-train.json when tracked here, else NULL */
  char          *test_fingerprint;  /* of the test split (what the scores belong to) */
  char          *device_name;    /* of the scoring engine */
  PipelineModel *models;
  guint          n_models;
  DdlLabels     *labels;         /* the test split's, or NULL */
  DdlScores     *merged;         /* a column per model */
  GCancellable  *cancel;         /* cancelled by the caller's cancellable or callback */
  gulong         cancel_handler;
  gboolean       cancelled;
  /* Progress and estimates. */
  gint64         start;
  gint64         in_callback;     /* microseconds the callback took (pauses) */
  gint64         last_train_tick; /* training: when the previous step was reported */
  double         speed;           /* measured / guessed device time; NAN before a measure */
  double         score_speed;     /* the same for scoring; NAN: use speed */
  double         last_fraction;
  PipelineWork   synth_work, boxes_work, report_work, render_work;
} PipelineRun;

/* ddl-pipeline.c */
/* Fills fraction and seconds_left, calls the caller's callback (its time is kept out
 * of the estimates) and returns FALSE once the run is cancelled. */
gboolean pipeline_emit              (PipelineRun *run, DdlPipelineProgress *progress);
gboolean pipeline_is_cancelled      (PipelineRun *run);
/* Seconds per training step and per scored frame guessed from the configuration
 * (lavapipe on 2 cores), before any measurement. */
double   pipeline_guess_step_seconds  (const DdlModelConfig *config);
double   pipeline_guess_frame_seconds (const DdlModelConfig *config);

/* ddl-pipeline-data.c */
/* Opens the given dataset or generates (or reuses) the synthetic one. */
gboolean pipeline_stage_data        (PipelineRun *run, GError **error);
/* Tracks objects in the training split when a model to train needs them. */
gboolean pipeline_stage_boxes       (PipelineRun *run, GError **error);

/* ddl-pipeline-models.c */
/* A first estimate of every model's work from the synthetic data's options, while
 * that data is being generated. */
void     pipeline_models_guess      (PipelineRun *run);
/* Reads each model's checkpoint state (no device needed) and checks it against the
 * requested configuration and the training data. */
gboolean pipeline_models_prepare    (PipelineRun *run, GError **error);
gboolean pipeline_train_model       (PipelineRun *run, guint index, GError **error);
gboolean pipeline_score_model       (PipelineRun *run, guint index, GError **error);

/* ddl-pipeline-report.c */
gboolean pipeline_load_labels       (PipelineRun *run, GError **error);
gboolean pipeline_merge_scores      (PipelineRun *run, GError **error);
gboolean pipeline_write_report      (PipelineRun *run, const char *video, GError **error);
/* Renders the chosen test video; *output receives its path (NULL when cancelled). */
gboolean pipeline_render            (PipelineRun *run, char **output, GError **error);

/* Removes a folder and everything in it (only ever folders the pipeline made). */
gboolean pipeline_remove_tree       (const char *path, GError **error);

G_END_DECLS
