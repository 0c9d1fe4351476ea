/* ddl-train-window.h: DDL Studio's training window. The settings of a queue of models
 * (baseline, SDL, DDL) on the left; Start / Pause / Cancel; a progress bar, live plots
 * of L_recon, L_dist, the total loss and σ(ℓ), and live tiles of a training window on
 * the right. The work is ddl_pipeline_run on a worker (ddl-train-job.h): the models
 * are trained one after the other, scored on the test videos and compared in a report
 * folder, which "Open Comparison" hands to the main window.
 *
 * Signal `finished` (const char *report_folder): the user asked to open the
 * comparison (the demo window emits it by itself when the run is done). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DDL_TYPE_TRAIN_WINDOW (ddl_train_window_get_type ())
G_DECLARE_FINAL_TYPE (DdlTrainWindow, ddl_train_window, DDL, TRAIN_WINDOW, GtkWindow)

DdlTrainWindow *ddl_train_window_new      (GtkApplication *application);
/* The built-in demo: synthetic walkway, SDL and DDL at the CPU default configuration
 * (ddl_pipeline_demo_models) into `out_dir`; starts at once, settings read-only. */
DdlTrainWindow *ddl_train_window_new_demo (GtkApplication *application, const char *out_dir);

/* The dataset the "Dataset folder" choice trains on (the main window passes the open
 * footage's root, and selects that choice). NULL clears it. */
void        ddl_train_window_set_dataset       (DdlTrainWindow *self, const char *root);
/* The "Chosen videos" (what its file chooser does); selects that choice. */
void        ddl_train_window_set_videos        (DdlTrainWindow *self, const char * const *paths);
void        ddl_train_window_set_output_folder (DdlTrainWindow *self, const char *dir);
const char *ddl_train_window_get_output_folder (DdlTrainWindow *self);

/* What "Resume from Checkpoint…" does with the chosen file: a checkpoint in a run
 * folder (RUN/models/<mode>.safetensors) continues that run; one from elsewhere is
 * copied into a new run at Start. The form takes the checkpoint's configuration. */
void        ddl_train_window_resume_from  (DdlTrainWindow *self, const char *checkpoint);

/* What the buttons do. */
void        ddl_train_window_start        (DdlTrainWindow *self);
void        ddl_train_window_set_paused   (DdlTrainWindow *self, gboolean paused);
void        ddl_train_window_cancel       (DdlTrainWindow *self);

/* Inspection, for tests. */
gboolean    ddl_train_window_is_running   (DdlTrainWindow *self);
gboolean    ddl_train_window_is_paused    (DdlTrainWindow *self);
/* The last training step shown (the model's global step), 0 before the first. */
guint64     ddl_train_window_get_step     (DdlTrainWindow *self);
/* Steps the worker has reported (advances off the main thread; 0 without a job). */
guint64     ddl_train_window_get_steps_reported (DdlTrainWindow *self);
const char *ddl_train_window_get_progress_text (DdlTrainWindow *self);
const char *ddl_train_window_get_error_text    (DdlTrainWindow *self);
/* The finished run's report folder, or NULL. */
const char *ddl_train_window_get_report_folder (DdlTrainWindow *self);
/* "loss-plot", "sigma-plot", "tiles", "start", "pause", "cancel", "compare", "summary",
 * "latent", "size", "channels", "channels-note", "temporal", "batch", "epochs", "lr",
 * "lambda", "static-weight", "arch", "device", "baseline", "sdl", "ddl", "render",
 * "output", "settings", "stage", "data-dataset", "data-videos", "data-synth",
 * "dataset-label" */
GtkWidget  *ddl_train_window_get_part     (DdlTrainWindow *self, const char *name);

G_END_DECLS
