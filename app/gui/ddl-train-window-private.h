/* ddl-train-window-private.h: the training window's fields, shared by its source
 * files: ddl-train-window.c (construction, running), ddl-train-form.c (the settings
 * form and its file choosers), ddl-train-resume.c (resuming from a checkpoint) and
 * ddl-train-progress.c (progress, plots, tiles, summary). */
#pragma once

#include "ddl-train-window.h"
#include "ddl-train-job.h"
#include "ddl-loss-plot.h"
#include "ddl-preview-tiles.h"

G_BEGIN_DECLS

struct _DdlTrainWindow {
  GtkWindow         parent_instance;

  /* template */
  GtkLabel         *title_label;
  GtkLabel         *subtitle_label;
  GtkButton        *start_button;
  GtkButton        *pause_button;
  GtkButton        *cancel_button;
  GtkRevealer      *banner_revealer;
  GtkLabel         *banner_label;
  GtkButton        *banner_close_button;
  GtkLabel         *demo_label;
  GtkWidget        *settings_box;
  GtkCheckButton   *data_dataset_check;
  GtkLabel         *data_dataset_label;
  GtkCheckButton   *data_videos_check;
  GtkLabel         *data_videos_label;
  GtkCheckButton   *data_synth_check;
  GtkDropDown      *arch_dropdown;
  GtkCheckButton   *mode_baseline_check;
  GtkCheckButton   *mode_sdl_check;
  GtkCheckButton   *mode_ddl_check;
  GtkLabel         *modes_label;
  GtkDropDown      *size_dropdown;
  GtkSpinButton    *latent_spin;
  GtkDropDown      *channels_dropdown;
  GtkLabel         *channels_label;
  GtkSpinButton    *temporal_spin;
  GtkSpinButton    *batch_spin;
  GtkSpinButton    *epochs_spin;
  GtkSpinButton    *lr_spin;
  GtkSpinButton    *lambda_spin;
  GtkSpinButton    *static_spin;
  GtkDropDown      *device_dropdown;
  GtkStringList    *device_list;
  GtkEntry         *output_entry;
  GtkCheckButton   *render_check;
  GtkLabel         *resume_label;
  GtkLabel         *stage_label;
  GtkProgressBar   *progress_bar;
  DdlLossPlot      *loss_plot;
  DdlLossPlot      *sigma_plot;
  DdlPreviewTiles  *tiles;
  GtkRevealer      *summary_revealer;
  GtkLabel         *summary_label;
  GtkButton        *compare_button;

  /* form state */
  char             *dataset_root;     /* "Dataset folder" choice */
  GPtrArray        *videos;           /* "Chosen videos": paths */
  GArray           *device_indices;   /* guint per device_list row after "Automatic" */
  char             *resume_checkpoint; /* a checkpoint outside a run folder, to copy in */
  char             *default_output;   /* the made-up output folder last put in the entry */
  guint             custom_size[2];   /* a size not in the dropdown (a resumed checkpoint's) */
  GCancellable     *cancellable;      /* device listing */

  /* run state */
  gboolean          demo;
  DdlTrainJob      *job;
  DdlPipelineModel  queue[3];         /* the running queue (names static) */
  guint             n_queue;
  guint64           step;
  char             *report_dir;
  gboolean          close_when_done;
  GtkWidget        *close_dialog;
};

/* A run's settings, read from the form. */
typedef struct {
  DdlPipelineOptions options;
  DdlPipelineModel   models[3];
  char              *out;
  char              *dataset;
  char              *device;
} DdlTrainPlan;

/* ddl-train-form.c */
void      _ddl_train_form_init          (DdlTrainWindow *self);
void      _ddl_train_form_dispose       (DdlTrainWindow *self);
void      _ddl_train_form_set_config    (DdlTrainWindow *self, const DdlModelConfig *config);
void      _ddl_train_form_set_modes     (DdlTrainWindow *self, gboolean baseline, gboolean sdl,
                                         gboolean ddl);
void      _ddl_train_form_update        (DdlTrainWindow *self);
/* Reads and checks the form; prepares the data folder and a resumed checkpoint. */
gboolean  _ddl_train_form_read          (DdlTrainWindow *self, DdlTrainPlan *plan,
                                         GError **error);
void      _ddl_train_plan_clear         (DdlTrainPlan *plan);
char     *_ddl_train_default_output     (void);
void      _ddl_train_form_new_output    (DdlTrainWindow *self);
void      _ddl_train_form_install_actions (GtkWidgetClass *widget_class);
/* The display name of a mode: "Baseline", "SDL", "DDL". */
const char *_ddl_train_mode_title       (DdlMode mode);

/* ddl-train-resume.c: copies a checkpoint chosen from outside a run folder into
 * OUT/models/<mode>.safetensors (kept when already there). */
gboolean  _ddl_train_place_checkpoint   (DdlTrainWindow *self, const char *out, DdlMode mode,
                                         GError **error);

/* ddl-train-progress.c */
void      _ddl_train_window_progress    (DdlTrainWindow *self, DdlTrainUpdate *update);
char     *_ddl_train_window_summary     (DdlTrainWindow *self, const DdlPipelineSummary *summary);
char     *_ddl_train_duration           (double seconds);

/* ddl-train-window.c */
void      _ddl_train_window_show_error  (DdlTrainWindow *self, const char *message);

G_END_DECLS
