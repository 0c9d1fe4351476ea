/* The training window's settings form: defaults, the notes under the settings, the
 * device list, the file choosers (dataset folder, videos, output folder, checkpoint to
 * resume) and reading it all into the pipeline's options. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-train-window-private.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

static const guint sizes[] = { 32, 64, 96, 128, 192, 256 };

const char *
_ddl_train_mode_title (DdlMode mode)
{
  switch (mode)
    {
    case DDL_MODE_BASELINE: return _("Baseline");
    case DDL_MODE_SDL: return "SDL";
    case DDL_MODE_DDL:
    default: return "DDL";
    }
}

char *
_ddl_train_default_output (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%d-%H%M%S");
  return g_build_filename (g_get_user_data_dir (), "ddl-studio", "runs", stamp, NULL);
}

void
_ddl_train_form_new_output (DdlTrainWindow *self)
{
  g_autofree char *dir = _ddl_train_default_output ();
  /* Remembered after setting: the entry's "changed" (output_edited) runs meanwhile. */
  gtk_editable_set_text (GTK_EDITABLE (self->output_entry), dir);
  gtk_editable_set_position (GTK_EDITABLE (self->output_entry), -1);   /* the run's name */
  g_free (self->default_output);
  self->default_output = g_steal_pointer (&dir);
}

static gboolean
checked (GtkCheckButton *button)
{
  return gtk_check_button_get_active (button);
}

/* ---- notes and sensitivity ---------------------------------------------------------- */

void
_ddl_train_form_update (DdlTrainWindow *self)
{
  gboolean unet = gtk_drop_down_get_selected (self->arch_dropdown) == 1;
  gboolean sdl = checked (self->mode_sdl_check), ddl = checked (self->mode_ddl_check);
  guint n = checked (self->mode_baseline_check) + sdl + ddl;
  gboolean gray = gtk_drop_down_get_selected (self->channels_dropdown) == 0;
  g_autofree char *modes = NULL;

  if (unet)
    gtk_spin_button_set_value (self->temporal_spin, 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->temporal_spin), !unet);
  gtk_widget_set_sensitive (GTK_WIDGET (self->static_spin), sdl);
  gtk_widget_set_sensitive (GTK_WIDGET (self->lambda_spin), sdl || ddl);

  if (n == 0)
    modes = g_strdup (_("Check at least one mode."));
  else if (n == 1)
    modes = g_strdup (_("One model: trained, then scored on the test videos."));
  else
    modes = g_strdup_printf (_("%u models: trained one after the other, unattended, then "
                               "scored on the same test videos and compared."), n);
  gtk_label_set_text (self->modes_label, modes);

  gtk_widget_remove_css_class (GTK_WIDGET (self->channels_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->channels_label), "dim-label");
  if (gray && ddl)
    {
      gtk_label_set_text (self->channels_label,
                          _("DDL needs 3 channels: its distinction loss does not train on "
                            "one (gray footage is replicated to 3)."));
      gtk_widget_add_css_class (GTK_WIDGET (self->channels_label), "error");
    }
  else
    {
      gtk_label_set_text (self->channels_label,
                          gray ? _("Colour footage is converted to gray.")
                               : _("Gray footage is replicated to 3 channels."));
      gtk_widget_add_css_class (GTK_WIDGET (self->channels_label), "dim-label");
    }

  if (self->dataset_root != NULL)
    gtk_label_set_text (self->data_dataset_label, self->dataset_root);
  else
    gtk_label_set_text (self->data_dataset_label,
                        _("None yet: open footage in the main window, or choose a folder."));
  if (self->videos->len == 0)
    gtk_label_set_text (self->data_videos_label,
                        _("None yet. They are scored too (without labels: no AUC)."));
  else
    {
      g_autofree char *first = g_path_get_basename (self->videos->pdata[0]);
      g_autofree char *text = g_strdup_printf (
        ngettext ("%u video: %s", "%u videos: %s, …", self->videos->len), self->videos->len, first);
      gtk_label_set_text (self->data_videos_label, text);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "train.start",
                                 n > 0 && (self->job == NULL || !ddl_train_job_is_running (self->job)));
}

/* ---- the configuration ------------------------------------------------------------- */

void
_ddl_train_form_set_config (DdlTrainWindow *self, const DdlModelConfig *c)
{
  guint size = G_N_ELEMENTS (sizes);
  GtkStringList *list = GTK_STRING_LIST (gtk_drop_down_get_model (self->size_dropdown));

  gtk_drop_down_set_selected (self->arch_dropdown, c->arch == DDL_ARCH_UNET ? 1 : 0);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    if (c->width == sizes[i] && c->height == sizes[i])
      size = i;
  if (size == G_N_ELEMENTS (sizes))
    {
      /* A checkpoint's size that the list lacks: one extra row holds it. */
      g_autofree char *text = g_strdup_printf ("%u × %u", c->width, c->height);
      if (g_list_model_get_n_items (G_LIST_MODEL (list)) > G_N_ELEMENTS (sizes))
        gtk_string_list_splice (list, G_N_ELEMENTS (sizes), 1, NULL);
      gtk_string_list_append (list, text);
      self->custom_size[0] = c->width;
      self->custom_size[1] = c->height;
    }
  gtk_drop_down_set_selected (self->size_dropdown, size);
  gtk_spin_button_set_value (self->latent_spin, c->latent);
  gtk_drop_down_set_selected (self->channels_dropdown, c->channels == 1 ? 0 : 1);
  gtk_spin_button_set_value (self->temporal_spin, c->temporal);
  gtk_spin_button_set_value (self->batch_spin, c->batch);
  gtk_spin_button_set_value (self->epochs_spin, c->epochs);
  gtk_spin_button_set_value (self->lr_spin, c->lr);
  gtk_spin_button_set_value (self->lambda_spin, c->lambda);
  gtk_spin_button_set_value (self->static_spin, c->static_weight);
  _ddl_train_form_update (self);
}

void
_ddl_train_form_set_modes (DdlTrainWindow *self, gboolean baseline, gboolean sdl, gboolean ddl)
{
  gtk_check_button_set_active (self->mode_baseline_check, baseline);
  gtk_check_button_set_active (self->mode_sdl_check, sdl);
  gtk_check_button_set_active (self->mode_ddl_check, ddl);
  _ddl_train_form_update (self);
}

static void
read_config (DdlTrainWindow *self, DdlModelConfig *c)
{
  guint size = gtk_drop_down_get_selected (self->size_dropdown);

  ddl_model_config_init_default (c);
  c->arch = gtk_drop_down_get_selected (self->arch_dropdown) == 1 ? DDL_ARCH_UNET : DDL_ARCH_C3DSU;
  if (size < G_N_ELEMENTS (sizes))
    c->width = c->height = sizes[size];
  else
    c->width = self->custom_size[0], c->height = self->custom_size[1];
  c->latent = (guint) gtk_spin_button_get_value_as_int (self->latent_spin);
  c->channels = gtk_drop_down_get_selected (self->channels_dropdown) == 0 ? 1 : 3;
  c->temporal = c->arch == DDL_ARCH_UNET ? 1 : (guint) gtk_spin_button_get_value_as_int (self->temporal_spin);
  c->batch = (guint) gtk_spin_button_get_value_as_int (self->batch_spin);
  c->epochs = (guint) gtk_spin_button_get_value_as_int (self->epochs_spin);
  c->lr = gtk_spin_button_get_value (self->lr_spin);
  c->lambda = gtk_spin_button_get_value (self->lambda_spin);
  c->static_weight = gtk_spin_button_get_value (self->static_spin);
  /* The patch must fit the frame (ddl_model_config_validate). */
  c->patch = MIN (c->patch, MIN (c->width, c->height));
}

/* ---- data ---------------------------------------------------------------------------- */

/* "Training videos only" is no layout of ddl-dataset.h by itself, but Avenue's
 * ROOT/training_videos/ is: the chosen videos are linked (symlinks, nothing copied)
 * into a folder of that layout under the user cache dir, keyed by the list of paths so
 * that choosing the same videos again reuses it. The pipeline scores a test split, so
 * the same links form ROOT/testing_videos/ too: their scores have no labels (no AUC),
 * but the curves, the report and the comparison still show how the models see them. */
static char *
video_dataset (DdlTrainWindow *self, GError **error)
{
  g_autoptr(GString) key = g_string_new (NULL);
  g_autofree char *hash = NULL;
  g_autofree char *root = NULL;
  static const char *splits[] = { "training_videos", "testing_videos" };

  for (guint i = 0; i < self->videos->len; i++)
    g_string_append_printf (key, "%s\n", (char *) self->videos->pdata[i]);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA1, key->str, -1);
  hash[12] = '\0';
  root = g_build_filename (g_get_user_cache_dir (), "ddl-studio", "train-videos", hash, NULL);
  for (guint s = 0; s < G_N_ELEMENTS (splits); s++)
    {
      g_autofree char *dir = g_build_filename (root, splits[s], NULL);
      if (g_mkdir_with_parents (dir, 0755) != 0)
        {
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                       _("Cannot make the folder %s: %s"), dir, g_strerror (errno));
          return NULL;
        }
      for (guint i = 0; i < self->videos->len; i++)
        {
          const char *video = self->videos->pdata[i];
          g_autofree char *base = g_path_get_basename (video);
          /* Numbered so the links keep the chosen order and never collide. */
          g_autofree char *name = g_strdup_printf ("%02u-%s", i + 1, base);
          g_autofree char *link = g_build_filename (dir, name, NULL);
          if (g_file_test (link, G_FILE_TEST_IS_SYMLINK))
            continue;
          if (symlink (video, link) != 0)
            {
              g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                           _("Cannot link %s into %s: %s"), video, dir, g_strerror (errno));
              return NULL;
            }
        }
    }
  return g_steal_pointer (&root);
}

void
ddl_train_window_set_videos (DdlTrainWindow *self, const char * const *paths)
{
  g_ptr_array_set_size (self->videos, 0);
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    g_ptr_array_add (self->videos, g_strdup (paths[i]));
  if (self->videos->len > 0)
    gtk_check_button_set_active (self->data_videos_check, TRUE);
  _ddl_train_form_update (self);
}

gboolean
_ddl_train_form_read (DdlTrainWindow *self, DdlTrainPlan *plan, GError **error)
{
  const gboolean modes[3] = { checked (self->mode_baseline_check), checked (self->mode_sdl_check),
                              checked (self->mode_ddl_check) };
  const DdlMode mode_of[3] = { DDL_MODE_BASELINE, DDL_MODE_SDL, DDL_MODE_DDL };
  const char *out = gtk_editable_get_text (GTK_EDITABLE (self->output_entry));
  guint device = gtk_drop_down_get_selected (self->device_dropdown);
  DdlModelConfig config;
  guint n = 0;

  memset (plan, 0, sizeof *plan);
  ddl_pipeline_options_init (&plan->options);
  read_config (self, &config);
  for (guint m = 0; m < 3; m++)
    if (modes[m])
      {
        DdlPipelineModel *model = &plan->models[n++];
        model->name = ddl_mode_to_string (mode_of[m]);
        model->config = config;
        model->config.mode = mode_of[m];
        if (!ddl_model_config_validate (&model->config, error))
          return FALSE;
      }
  if (n == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Check at least one mode: Baseline, SDL or DDL."));
      return FALSE;
    }
  if (*out == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Choose an output folder."));
      return FALSE;
    }
  plan->out = g_strdup (out);

  if (checked (self->data_dataset_check))
    {
      if (self->dataset_root == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("Choose a dataset folder first (or open footage in the main window)."));
          return FALSE;
        }
      plan->dataset = g_strdup (self->dataset_root);
    }
  else if (checked (self->data_videos_check))
    {
      if (self->videos->len == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("Choose the training videos first."));
          return FALSE;
        }
      if ((plan->dataset = video_dataset (self, error)) == NULL)
        return FALSE;
    }
  /* else the synthetic walkway: dataset NULL, written into OUT/data. */

  if (self->resume_checkpoint != NULL)
    {
      DdlCheckpointInfo info;
      if (!ddl_checkpoint_info_read (self->resume_checkpoint, &info, error)
          || !_ddl_train_place_checkpoint (self, plan->out, info.config.mode, error))
        return FALSE;
    }
  if (device > 0 && device - 1 < self->device_indices->len)
    plan->device = g_strdup_printf ("%u", g_array_index (self->device_indices, guint, device - 1));

  plan->options.out = plan->out;
  plan->options.dataset = plan->dataset;
  plan->options.device = plan->device;
  plan->options.models = plan->models;
  plan->options.n_models = n;
  plan->options.render = checked (self->render_check);
  return TRUE;
}

void
_ddl_train_plan_clear (DdlTrainPlan *plan)
{
  g_clear_pointer (&plan->out, g_free);
  g_clear_pointer (&plan->dataset, g_free);
  g_clear_pointer (&plan->device, g_free);
}

/* ---- devices ------------------------------------------------------------------------ */

static void
list_devices (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *devices = ddl_engine_list_devices (NULL, &error);
  if (devices == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, devices, (GDestroyNotify) g_ptr_array_unref);
}

static void
devices_listed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = g_task_propagate_pointer (G_TASK (result), &error);
  DdlTrainWindow *self;

  if (devices == NULL)   /* no Vulkan: "Automatic" stays, training says why */
    return;
  self = DDL_TRAIN_WINDOW (source);
  if (self->device_indices == NULL)   /* disposed meanwhile */
    return;
  for (guint i = 0; i < devices->len; i++)
    {
      const DdlDeviceInfo *d = devices->pdata[i];
      g_autofree char *label = g_strdup_printf ("%s (%s)", d->name,
                                                ddl_device_type_to_string (d->type));
      gtk_string_list_append (self->device_list, label);
      g_array_append_val (self->device_indices, d->index);
    }
}

/* ---- file choosers ------------------------------------------------------------------- */

static void
chooser_response (GtkNativeDialog *dialog, int response, gpointer data)
{
  DdlTrainWindow *self = DDL_TRAIN_WINDOW (data);
  const char *purpose = g_object_get_data (G_OBJECT (dialog), "purpose");
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      if (g_str_equal (purpose, "videos"))
        {
          g_autoptr(GListModel) files = gtk_file_chooser_get_files (chooser);
          g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
          g_auto(GStrv) paths = NULL;
          for (guint i = 0; i < g_list_model_get_n_items (files); i++)
            {
              g_autoptr(GFile) file = g_list_model_get_item (files, i);
              g_autofree char *path = g_file_get_path (file);
              if (path != NULL)
                g_strv_builder_add (builder, path);
            }
          paths = g_strv_builder_end (builder);
          if (paths[0] != NULL)
            ddl_train_window_set_videos (self, (const char * const *) paths);
        }
      else
        {
          g_autoptr(GFile) file = gtk_file_chooser_get_file (chooser);
          g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
          if (path != NULL && g_str_equal (purpose, "dataset"))
            ddl_train_window_set_dataset (self, path);
          else if (path != NULL && g_str_equal (purpose, "output"))
            gtk_editable_set_text (GTK_EDITABLE (self->output_entry), path);
          else if (path != NULL && g_str_equal (purpose, "checkpoint"))
            ddl_train_window_resume_from (self, path);
        }
      _ddl_train_form_update (self);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose (DdlTrainWindow *self, const char *purpose, const char *title, GtkFileChooserAction action)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                                              _("_Choose"), _("_Cancel"));
  GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);
  GtkFileFilter *filter = NULL;

  g_object_set_data (G_OBJECT (dialog), "purpose", (gpointer) purpose);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  if (g_str_equal (purpose, "videos"))
    {
      static const char *patterns[] = { "*.avi", "*.mp4", "*.mkv", "*.mov", "*.webm", "*.m4v",
                                        "*.mpg", "*.mpeg", NULL };
      gtk_file_chooser_set_select_multiple (chooser, TRUE);
      filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("Videos"));
      for (guint i = 0; patterns[i] != NULL; i++)
        gtk_file_filter_add_pattern (filter, patterns[i]);
    }
  else if (g_str_equal (purpose, "checkpoint"))
    {
      filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("DDL models"));
      gtk_file_filter_add_pattern (filter, "*.safetensors");
    }
  if (filter != NULL)
    {
      gtk_file_chooser_add_filter (chooser, filter);
      g_object_unref (filter);
    }
  g_signal_connect (dialog, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
choose_dataset (GtkWidget *w, const char *action, GVariant *p)
{
  choose (DDL_TRAIN_WINDOW (w), "dataset", _("Choose a Dataset Folder"),
          GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
}

static void
choose_videos (GtkWidget *w, const char *action, GVariant *p)
{
  choose (DDL_TRAIN_WINDOW (w), "videos", _("Choose Training Videos"), GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
choose_output (GtkWidget *w, const char *action, GVariant *p)
{
  choose (DDL_TRAIN_WINDOW (w), "output", _("Choose the Output Folder"),
          GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
}

static void
choose_checkpoint (GtkWidget *w, const char *action, GVariant *p)
{
  choose (DDL_TRAIN_WINDOW (w), "checkpoint", _("Resume from Checkpoint"),
          GTK_FILE_CHOOSER_ACTION_OPEN);
}

void
_ddl_train_form_install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "train.choose-dataset", NULL, choose_dataset);
  gtk_widget_class_install_action (widget_class, "train.choose-videos", NULL, choose_videos);
  gtk_widget_class_install_action (widget_class, "train.choose-output", NULL, choose_output);
  gtk_widget_class_install_action (widget_class, "train.resume-checkpoint", NULL,
                                   choose_checkpoint);
}

/* ---- setup --------------------------------------------------------------------------- */

static void
output_edited (DdlTrainWindow *self)
{
  /* A folder typed or chosen by hand is the user's: a later run does not replace it. */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->output_entry)),
                 self->default_output) != 0)
    g_clear_pointer (&self->default_output, g_free);
}

void
_ddl_train_form_init (DdlTrainWindow *self)
{
  DdlModelConfig config;
  GtkWidget *watched[] = { GTK_WIDGET (self->mode_baseline_check), GTK_WIDGET (self->mode_sdl_check),
                           GTK_WIDGET (self->mode_ddl_check) };
  g_autoptr(GTask) task = NULL;

  self->videos = g_ptr_array_new_with_free_func (g_free);
  self->device_indices = g_array_new (FALSE, FALSE, sizeof (guint));
  self->cancellable = g_cancellable_new ();
  ddl_model_config_init_default (&config);
  _ddl_train_form_set_config (self, &config);
  gtk_check_button_set_active (self->data_synth_check, TRUE);
  _ddl_train_form_new_output (self);
  for (guint i = 0; i < G_N_ELEMENTS (watched); i++)
    g_signal_connect_swapped (watched[i], "toggled", G_CALLBACK (_ddl_train_form_update), self);
  g_signal_connect_swapped (self->arch_dropdown, "notify::selected",
                            G_CALLBACK (_ddl_train_form_update), self);
  g_signal_connect_swapped (self->channels_dropdown, "notify::selected",
                            G_CALLBACK (_ddl_train_form_update), self);
  g_signal_connect_swapped (self->output_entry, "changed", G_CALLBACK (output_edited), self);

  /* Listing devices makes a Vulkan instance: off the main thread. */
  task = g_task_new (self, self->cancellable, devices_listed, NULL);
  g_task_run_in_thread (task, list_devices);
  _ddl_train_form_update (self);
}

void
_ddl_train_form_dispose (DdlTrainWindow *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->videos, g_ptr_array_unref);
  g_clear_pointer (&self->device_indices, g_array_unref);
  g_clear_pointer (&self->dataset_root, g_free);
  g_clear_pointer (&self->resume_checkpoint, g_free);
  g_clear_pointer (&self->default_output, g_free);
}
