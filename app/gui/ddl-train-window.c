/* The training window (see ddl-train-window.h): construction, Start / Pause / Cancel,
 * the end of a run and closing. The settings form is ddl-train-form.c (resuming from a
 * checkpoint ddl-train-resume.c), progress and plots ddl-train-progress.c, the worker
 * ddl-train-job.c. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-train-window-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

enum { SIGNAL_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DdlTrainWindow, ddl_train_window, GTK_TYPE_WINDOW)

void
_ddl_train_window_show_error (DdlTrainWindow *self, const char *message)
{
  g_message ("%s", message);
  gtk_label_set_text (self->banner_label, message);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
banner_dismissed (DdlTrainWindow *self)
{
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

/* ---- state ----------------------------------------------------------------------------- */

gboolean
ddl_train_window_is_running (DdlTrainWindow *self)
{
  return self->job != NULL && ddl_train_job_is_running (self->job);
}

gboolean
ddl_train_window_is_paused (DdlTrainWindow *self)
{
  return self->job != NULL && ddl_train_job_get_paused (self->job);
}

static void
update_actions (DdlTrainWindow *self)
{
  gboolean running = ddl_train_window_is_running (self);
  gboolean cancelling = running && ddl_train_job_is_cancelled (self->job);

  gtk_widget_set_sensitive (self->settings_box, !running && !self->demo);
  _ddl_train_form_update (self);   /* enables train.start */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.pause", running && !cancelling);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.cancel", running && !cancelling);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.open-comparison",
                                 self->report_dir != NULL && !running);
  gtk_button_set_label (self->pause_button, ddl_train_window_is_paused (self) ? _("_Resume")
                                                                              : _("_Pause"));
}

/* ---- the end of a run ---------------------------------------------------------------- */

static void
job_finished (DdlTrainWindow *self)
{
  const DdlPipelineSummary *summary = ddl_train_job_get_summary (self->job);
  const GError *error = ddl_train_job_get_error (self->job);

  gtk_progress_bar_set_pulse_step (self->progress_bar, 0);
  if (summary == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Training failed: %s"),
                                                  error != NULL ? error->message : "?");
      gtk_label_set_text (self->stage_label, _("Failed"));
      _ddl_train_window_show_error (self, message);
    }
  else if (summary->cancelled)
    {
      g_autofree char *text = g_strdup_printf (_("Cancelled. The checkpoints are kept in %s/models: "
                                                 "Start continues from them."), summary->out);
      gtk_label_set_text (self->stage_label, _("Cancelled"));
      gtk_progress_bar_set_text (self->progress_bar, text);
    }
  else
    {
      g_autofree char *text = _ddl_train_window_summary (self, summary);
      g_free (self->report_dir);
      self->report_dir = g_strdup (summary->out);
      gtk_label_set_text (self->stage_label, _("Done"));
      gtk_progress_bar_set_fraction (self->progress_bar, 1);
      gtk_progress_bar_set_text (self->progress_bar, self->report_dir);
      gtk_label_set_text (self->summary_label, text);
      gtk_revealer_set_reveal_child (self->summary_revealer, TRUE);
      g_clear_pointer (&self->resume_checkpoint, g_free);
      gtk_widget_set_visible (GTK_WIDGET (self->resume_label), FALSE);
      /* The next Start is a new run, unless the user chose this folder. */
      if (self->default_output != NULL && !self->demo)
        _ddl_train_form_new_output (self);
    }
  update_actions (self);
  if (self->close_when_done)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  /* The demo goes on to the comparison by itself. */
  if (self->demo && self->report_dir != NULL)
    g_signal_emit (self, signals[SIGNAL_FINISHED], 0, self->report_dir);
}

static void
release_application (DdlTrainJob *job, GApplication *application)
{
  g_application_release (application);
}

static void
unref_data (gpointer data, GClosure *closure)
{
  g_object_unref (data);
}

/* ---- Start / Pause / Cancel ---------------------------------------------------------------- */

static gboolean
demo_plan (DdlTrainWindow *self, DdlTrainPlan *plan)
{
  memset (plan, 0, sizeof *plan);
  ddl_pipeline_options_init (&plan->options);
  ddl_pipeline_demo_models (plan->models);
  plan->out = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->output_entry)));
  plan->options.out = plan->out;
  plan->options.dataset = NULL;   /* the synthetic walkway */
  plan->options.models = plan->models;
  plan->options.n_models = 2;
  return TRUE;
}

void
ddl_train_window_start (DdlTrainWindow *self)
{
  g_autoptr(GError) error = NULL;
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  DdlTrainPlan plan;
  gboolean same_run;

  if (ddl_train_window_is_running (self))
    return;
  if (self->demo ? !demo_plan (self, &plan) : !_ddl_train_form_read (self, &plan, &error))
    {
      _ddl_train_window_show_error (self, error != NULL ? error->message : _("Cannot start."));
      _ddl_train_plan_clear (&plan);
      return;
    }
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
  gtk_revealer_set_reveal_child (self->summary_revealer, FALSE);
  g_clear_pointer (&self->report_dir, g_free);

  /* Continuing the same run (after a cancel) keeps the curves: they go on where they
   * stopped. */
  same_run = self->job != NULL
             && g_strcmp0 (ddl_train_job_get_options (self->job)->out, plan.out) == 0;
  if (!same_run)
    {
      ddl_loss_plot_clear (self->loss_plot);
      ddl_loss_plot_clear (self->sigma_plot);
      ddl_preview_tiles_clear (self->tiles);
      self->step = 0;
    }
  if (self->job != NULL)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  self->n_queue = plan.options.n_models;
  for (guint i = 0; i < self->n_queue; i++)
    self->queue[i] = plan.models[i];
  self->job = ddl_train_job_new (&plan.options);
  _ddl_train_plan_clear (&plan);
  for (guint i = 0; i < self->n_queue; i++)   /* names are static strings of ddl_mode_to_string */
    self->queue[i].name = ddl_train_job_get_options (self->job)->models[i].name;

  g_signal_connect_swapped (self->job, "update", G_CALLBACK (_ddl_train_window_progress), self);
  g_signal_connect_swapped (self->job, "finished", G_CALLBACK (job_finished), self);
  /* The application stays up while a run is in flight, whatever happens to the window. */
  if (application != NULL)
    {
      g_application_hold (G_APPLICATION (application));
      g_signal_connect_data (self->job, "finished", G_CALLBACK (release_application),
                             g_object_ref (application), unref_data, 0);
    }
  gtk_label_set_text (self->stage_label, _("Starting…"));
  gtk_progress_bar_set_text (self->progress_bar, ddl_train_job_get_options (self->job)->out);
  ddl_train_job_start (self->job);
  update_actions (self);
}

void
ddl_train_window_set_paused (DdlTrainWindow *self, gboolean paused)
{
  if (!ddl_train_window_is_running (self))
    return;
  ddl_train_job_set_paused (self->job, paused);
  if (paused)
    gtk_label_set_text (self->stage_label, _("Paused: training waits after the current step"));
  update_actions (self);
}

void
ddl_train_window_cancel (DdlTrainWindow *self)
{
  if (!ddl_train_window_is_running (self))
    return;
  ddl_train_job_cancel (self->job);
  gtk_label_set_text (self->stage_label, _("Cancelling: saving a checkpoint…"));
  update_actions (self);
}

static void
start_activated (GtkWidget *w, const char *action, GVariant *p)
{
  ddl_train_window_start (DDL_TRAIN_WINDOW (w));
}

static void
pause_activated (GtkWidget *w, const char *action, GVariant *p)
{
  DdlTrainWindow *self = DDL_TRAIN_WINDOW (w);
  ddl_train_window_set_paused (self, !ddl_train_window_is_paused (self));
}

static void
cancel_activated (GtkWidget *w, const char *action, GVariant *p)
{
  ddl_train_window_cancel (DDL_TRAIN_WINDOW (w));
}

static void
compare_activated (GtkWidget *w, const char *action, GVariant *p)
{
  DdlTrainWindow *self = DDL_TRAIN_WINDOW (w);
  if (self->report_dir != NULL)
    g_signal_emit (self, signals[SIGNAL_FINISHED], 0, self->report_dir);
}

/* ---- closing while training ------------------------------------------------------------ */

static void
close_response (GtkDialog *dialog, int response, DdlTrainWindow *self)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  self->close_dialog = NULL;
  if (response != GTK_RESPONSE_ACCEPT)
    return;
  if (!ddl_train_window_is_running (self))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  self->close_when_done = TRUE;
  ddl_train_window_cancel (self);
}

static gboolean
ddl_train_window_close_request (GtkWindow *window)
{
  DdlTrainWindow *self = DDL_TRAIN_WINDOW (window);
  GtkWidget *dialog;

  if (!ddl_train_window_is_running (self) || self->close_when_done)
    return GTK_WINDOW_CLASS (ddl_train_window_parent_class)->close_request (window);
  if (self->close_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->close_dialog));
      return TRUE;
    }
  /* GtkAlertDialog is GTK 4.10; this is 4.8. */
  dialog = gtk_message_dialog_new (window, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, "%s",
                                   _("Stop training and close?"));
  gtk_message_dialog_format_secondary_text (
    GTK_MESSAGE_DIALOG (dialog), "%s",
    _("The models trained so far are kept and the current one saves a checkpoint: Start "
      "continues from it with the same output folder."));
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Keep Training"), GTK_RESPONSE_CANCEL);
  gtk_dialog_add_button (GTK_DIALOG (dialog), _("_Stop and Close"), GTK_RESPONSE_ACCEPT);
  gtk_widget_add_css_class (gtk_dialog_get_widget_for_response (GTK_DIALOG (dialog),
                                                                GTK_RESPONSE_ACCEPT),
                            "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_signal_connect (dialog, "response", G_CALLBACK (close_response), self);
  self->close_dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* ---- public ---------------------------------------------------------------------------- */

void
ddl_train_window_set_dataset (DdlTrainWindow *self, const char *root)
{
  g_free (self->dataset_root);
  self->dataset_root = g_strdup (root);
  if (root != NULL && !self->demo)
    gtk_check_button_set_active (self->data_dataset_check, TRUE);
  _ddl_train_form_update (self);
}

void
ddl_train_window_set_output_folder (DdlTrainWindow *self, const char *dir)
{
  gtk_editable_set_text (GTK_EDITABLE (self->output_entry), dir);
  gtk_editable_set_position (GTK_EDITABLE (self->output_entry), -1);
}

const char *
ddl_train_window_get_output_folder (DdlTrainWindow *self)
{
  return gtk_editable_get_text (GTK_EDITABLE (self->output_entry));
}

guint64
ddl_train_window_get_step (DdlTrainWindow *self)
{
  return self->step;
}

guint64
ddl_train_window_get_steps_reported (DdlTrainWindow *self)
{
  return self->job != NULL ? ddl_train_job_get_steps_seen (self->job) : 0;
}

const char *
ddl_train_window_get_progress_text (DdlTrainWindow *self)
{
  return gtk_progress_bar_get_text (self->progress_bar);
}

const char *
ddl_train_window_get_error_text (DdlTrainWindow *self)
{
  return gtk_revealer_get_reveal_child (self->banner_revealer)
         ? gtk_label_get_text (self->banner_label) : NULL;
}

const char *
ddl_train_window_get_report_folder (DdlTrainWindow *self)
{
  return self->report_dir;
}

GtkWidget *
ddl_train_window_get_part (DdlTrainWindow *self, const char *name)
{
  const struct { const char *name; gpointer widget; } parts[] = {
    { "loss-plot", self->loss_plot }, { "sigma-plot", self->sigma_plot }, { "tiles", self->tiles },
    { "start", self->start_button }, { "pause", self->pause_button },
    { "cancel", self->cancel_button }, { "compare", self->compare_button },
    { "summary", self->summary_label }, { "latent", self->latent_spin },
    { "size", self->size_dropdown }, { "channels", self->channels_dropdown },
    { "channels-note", self->channels_label }, { "temporal", self->temporal_spin },
    { "batch", self->batch_spin }, { "epochs", self->epochs_spin }, { "lr", self->lr_spin },
    { "lambda", self->lambda_spin }, { "static-weight", self->static_spin },
    { "arch", self->arch_dropdown }, { "device", self->device_dropdown },
    { "baseline", self->mode_baseline_check }, { "sdl", self->mode_sdl_check },
    { "ddl", self->mode_ddl_check }, { "render", self->render_check },
    { "output", self->output_entry }, { "settings", self->settings_box },
    { "stage", self->stage_label }, { "data-dataset", self->data_dataset_check },
    { "data-videos", self->data_videos_check }, { "data-synth", self->data_synth_check },
    { "dataset-label", self->data_dataset_label },
  };
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (g_str_equal (parts[i].name, name))
      return GTK_WIDGET (parts[i].widget);
  return NULL;
}

/* ---- GObject ----------------------------------------------------------------------------- */

static void
ddl_train_window_dispose (GObject *object)
{
  DdlTrainWindow *self = DDL_TRAIN_WINDOW (object);

  if (self->job != NULL)
    {
      /* Nobody is left to show it: stop the run (the trainer saves a checkpoint). */
      g_signal_handlers_disconnect_by_data (self->job, self);
      if (ddl_train_job_is_running (self->job))
        ddl_train_job_cancel (self->job);
      g_clear_object (&self->job);
    }
  if (self->close_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->close_dialog)));
  _ddl_train_form_dispose (self);
  g_clear_pointer (&self->report_dir, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), DDL_TYPE_TRAIN_WINDOW);
  G_OBJECT_CLASS (ddl_train_window_parent_class)->dispose (object);
}

static void
ddl_train_window_class_init (DdlTrainWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ddl_train_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = ddl_train_window_close_request;
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_STRING);
  g_type_ensure (DDL_TYPE_LOSS_PLOT);
  g_type_ensure (DDL_TYPE_PREVIEW_TILES);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ddlstudio/DdlStudio/ui/ddl-train-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, DdlTrainWindow, name)
  BIND (title_label);
  BIND (subtitle_label);
  BIND (start_button);
  BIND (pause_button);
  BIND (cancel_button);
  BIND (banner_revealer);
  BIND (banner_label);
  BIND (banner_close_button);
  BIND (demo_label);
  BIND (settings_box);
  BIND (data_dataset_check);
  BIND (data_dataset_label);
  BIND (data_videos_check);
  BIND (data_videos_label);
  BIND (data_synth_check);
  BIND (arch_dropdown);
  BIND (mode_baseline_check);
  BIND (mode_sdl_check);
  BIND (mode_ddl_check);
  BIND (modes_label);
  BIND (size_dropdown);
  BIND (latent_spin);
  BIND (channels_dropdown);
  BIND (channels_label);
  BIND (temporal_spin);
  BIND (batch_spin);
  BIND (epochs_spin);
  BIND (lr_spin);
  BIND (lambda_spin);
  BIND (static_spin);
  BIND (device_dropdown);
  BIND (device_list);
  BIND (output_entry);
  BIND (render_check);
  BIND (resume_label);
  BIND (stage_label);
  BIND (progress_bar);
  BIND (loss_plot);
  BIND (sigma_plot);
  BIND (tiles);
  BIND (summary_revealer);
  BIND (summary_label);
  BIND (compare_button);
#undef BIND
  gtk_widget_class_install_action (widget_class, "train.start", NULL, start_activated);
  gtk_widget_class_install_action (widget_class, "train.pause", NULL, pause_activated);
  gtk_widget_class_install_action (widget_class, "train.cancel", NULL, cancel_activated);
  gtk_widget_class_install_action (widget_class, "train.open-comparison", NULL, compare_activated);
  _ddl_train_form_install_actions (widget_class);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "train.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "train.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK,
                                       "train.pause", NULL);
}

static void
ddl_train_window_init (DdlTrainWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->banner_close_button, "clicked", G_CALLBACK (banner_dismissed),
                            self);
  ddl_loss_plot_set_title (self->loss_plot, _("Losses per step"));
  ddl_loss_plot_set_log (self->loss_plot, TRUE);
  ddl_loss_plot_set_title (self->sigma_plot, _("Anomaly weight σ(ℓ) per step"));
  ddl_loss_plot_set_range (self->sigma_plot, 0, 1);
  _ddl_train_form_init (self);
  update_actions (self);
}

DdlTrainWindow *
ddl_train_window_new (GtkApplication *application)
{
  return g_object_new (DDL_TYPE_TRAIN_WINDOW, "application", application, NULL);
}

DdlTrainWindow *
ddl_train_window_new_demo (GtkApplication *application, const char *out_dir)
{
  DdlTrainWindow *self = ddl_train_window_new (application);
  DdlPipelineModel models[2];
  gboolean modes[3] = { FALSE };

  self->demo = TRUE;
  ddl_pipeline_demo_models (models);
  /* The form shows what the demo runs, read-only. */
  _ddl_train_form_set_config (self, &models[0].config);
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    modes[models[i].config.mode == DDL_MODE_BASELINE ? 0
          : models[i].config.mode == DDL_MODE_SDL ? 1 : 2] = TRUE;
  _ddl_train_form_set_modes (self, modes[0], modes[1], modes[2]);
  gtk_check_button_set_active (self->data_synth_check, TRUE);
  gtk_check_button_set_active (self->render_check, TRUE);
  g_clear_pointer (&self->default_output, g_free);
  ddl_train_window_set_output_folder (self, out_dir);
  gtk_window_set_title (GTK_WINDOW (self), _("DDL Studio Demo"));
  gtk_label_set_text (self->title_label, _("The Demo: SDL versus DDL"));
  gtk_label_set_text (self->subtitle_label, out_dir);
  gtk_label_set_text (self->demo_label,
                      _("The demo generates a synthetic walkway (pedestrians are normal; "
                        "cyclists, carts, runners and people on the lawn are anomalies), trains "
                        "SDL and then DDL on it at the CPU default configuration shown below, "
                        "scores the test videos and opens the comparison. It takes about 20 "
                        "minutes on a 2-core CPU, much less on a GPU; pausing and cancelling "
                        "keep the progress."));
  gtk_widget_set_visible (GTK_WIDGET (self->demo_label), TRUE);
  ddl_train_window_start (self);
  return self;
}
