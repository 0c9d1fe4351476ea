/* "Resume from Checkpoint…" in the training window: what a chosen checkpoint means for
 * the form, and putting a checkpoint from elsewhere where the pipeline resumes it. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-train-window-private.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>

/* A checkpoint chosen from outside a run folder is copied into the run's models/
 * folder under the name the pipeline gives that mode, where the pipeline finds it
 * unfinished and resumes it; the original stays untouched. A copy already there is a
 * newer state of the same run and is kept. */
gboolean
_ddl_train_place_checkpoint (DdlTrainWindow *self, const char *out, DdlMode mode, GError **error)
{
  g_autofree char *models = g_build_filename (out, "models", NULL);
  g_autofree char *name = g_strconcat (ddl_mode_to_string (mode), ".safetensors", NULL);
  g_autofree char *dest = g_build_filename (models, name, NULL);
  g_autoptr(GFile) src = g_file_new_for_path (self->resume_checkpoint);
  g_autoptr(GFile) dst = g_file_new_for_path (dest);

  if (g_file_test (dest, G_FILE_TEST_EXISTS))
    return TRUE;
  if (g_mkdir_with_parents (models, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   _("Cannot make the folder %s: %s"), models, g_strerror (errno));
      return FALSE;
    }
  return g_file_copy (src, dst, G_FILE_COPY_NONE, NULL, NULL, NULL, error);
}

/* Resuming. The pipeline continues whatever it finds in OUT/models: finished models
 * are kept, unfinished ones resume (the trainer's resume, with their Adam state, step
 * and epoch). So a checkpoint inside a run folder (RUN/models/<mode>.safetensors)
 * continues that whole run — every mode with a checkpoint there is checked — and one
 * from elsewhere is copied into a new run (_ddl_train_place_checkpoint). Either way the form
 * takes the checkpoint's configuration, which the trainer requires to match. */
void
ddl_train_window_resume_from (DdlTrainWindow *self, const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *dir_name = g_path_get_basename (dir);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *note = NULL;
  DdlCheckpointInfo info;
  gboolean in_run = FALSE;

  if (!ddl_checkpoint_info_read (path, &info, &error))
    {
      _ddl_train_window_show_error (self, error->message);
      return;
    }
  if (g_str_equal (dir_name, "models"))
    {
      DdlMode mode;
      g_autofree char *stem = g_strndup (base, strlen (base) - MIN (strlen (base),
                                                                     strlen (".safetensors")));
      in_run = ddl_mode_from_string (stem, &mode) && g_str_equal (stem, ddl_mode_to_string (mode));
    }
  _ddl_train_form_set_config (self, &info.config);
  g_clear_pointer (&self->resume_checkpoint, g_free);
  if (in_run)
    {
      g_autofree char *run = g_path_get_dirname (dir);
      gboolean has[3];
      const DdlMode modes[3] = { DDL_MODE_BASELINE, DDL_MODE_SDL, DDL_MODE_DDL };
      for (guint m = 0; m < 3; m++)
        {
          g_autofree char *name = g_strconcat (ddl_mode_to_string (modes[m]), ".safetensors", NULL);
          g_autofree char *file = g_build_filename (dir, name, NULL);
          has[m] = g_file_test (file, G_FILE_TEST_EXISTS);
        }
      _ddl_train_form_set_modes (self, has[0], has[1], has[2]);
      gtk_editable_set_text (GTK_EDITABLE (self->output_entry), run);
      note = g_strdup_printf (_("Start continues the run in %s: finished models are kept, "
                                "unfinished ones resume from their checkpoints (%s: %u of %u "
                                "epochs done)."), run, _ddl_train_mode_title (info.config.mode),
                              info.epoch, info.config.epochs);
    }
  else
    {
      self->resume_checkpoint = g_strdup (path);
      _ddl_train_form_set_modes (self, info.config.mode == DDL_MODE_BASELINE,
                                 info.config.mode == DDL_MODE_SDL, info.config.mode == DDL_MODE_DDL);
      _ddl_train_form_new_output (self);
      note = g_strdup_printf (_("Start copies %s (%s, %u of %u epochs done) into the new run's "
                                "models folder and continues it. Raise the epochs to train a "
                                "finished model further."), base,
                              _ddl_train_mode_title (info.config.mode), info.epoch,
                              info.config.epochs);
    }
  gtk_label_set_text (self->resume_label, note);
  gtk_widget_set_visible (GTK_WIDGET (self->resume_label), TRUE);
}
