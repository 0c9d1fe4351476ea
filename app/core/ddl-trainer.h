/* ddl-trainer.h: training a DDL model on a dataset's training split, headless
 * (the `ddl train` command and, later, the application's training panel).
 *
 * Epochs of shuffled T-frame windows, batches assembled on a worker thread while
 * the device runs the previous step, pseudo-anomaly masks from one random track
 * common to the window's frames, StepLR halving once at 80 % of the epochs, a
 * checkpoint after every epoch and on cancel (atomic), a per-step CSV log. */
#pragma once

#include <gio/gio.h>
#include "ddl-compute.h"

G_BEGIN_DECLS

/* A training window as the last step saw it (see ddl_model_read_train_preview): the
 * centre frame of the batch's first sample. Planes are (channels, height, width) floats
 * in [0, 1]; pseudo, rec_pseudo and mask are NULL for the baseline. */
typedef struct {
  guint        width, height, channels;
  const float *clean;
  const float *pseudo;       /* the pseudo-anomalous version */
  const float *rec_clean;
  const float *rec_pseudo;
  const float *mask;         /* (height, width), 1 inside the pseudo anomaly */
} DdlTrainPreview;

typedef struct {
  guint        epoch;          /* 0-based */
  guint        epochs;
  guint        step_in_epoch;  /* 1-based */
  guint        steps_per_epoch;
  guint64      step;           /* global */
  double       lr;
  DdlStepStats stats;
  double       seconds;        /* training time so far, time spent in the callback excluded */
  double       seconds_left;   /* estimate */
  const DdlTrainPreview *preview;  /* this step's preview, or NULL (see preview_every) */
} DdlTrainProgress;

/* Return FALSE to stop (as a cancel). Called on the training thread after every step.
 * A callback may block to pause training (the time it blocks is not counted as
 * training time); it must not keep `progress` or its preview after returning. */
typedef gboolean (*DdlTrainProgressFunc) (const DdlTrainProgress *progress, gpointer user_data);

typedef struct {
  DdlModelConfig        config;
  const char           *dataset;     /* dataset folder */
  const char           *boxes;       /* tracked_bounding_boxes.json; NULL: the dataset's */
  const char           *output;      /* checkpoint path */
  const char           *resume;      /* checkpoint to continue from, or NULL; one saved on
                                      * cancel continues mid-epoch with the very batches an
                                      * uninterrupted run would have trained */
  const char           *log;         /* per-step CSV, or NULL */
  const char           *device;      /* device spec, or NULL */
  DdlTrainProgressFunc  progress;
  gpointer              user_data;
  guint                 preview_every; /* steps between previews; 0: none */
  GCancellable         *cancellable;
} DdlTrainOptions;

typedef struct {
  guint64 steps;
  guint64 skipped;               /* batches without any track */
  guint   windows;               /* training windows per epoch */
  double  window_coverage;       /* fraction with a common track */
  double  sigma;                 /* final sigma(l) */
  double  last_recon, last_dist, last_total;
  double  seconds;
  gboolean cancelled;
} DdlTrainSummary;

void     ddl_train_options_init (DdlTrainOptions *options);
gboolean ddl_train_run          (const DdlTrainOptions *options, DdlTrainSummary *summary,
                                 GError **error);

G_END_DECLS
