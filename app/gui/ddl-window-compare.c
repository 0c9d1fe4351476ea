/* The window's Compare side: the Review | Compare switch (Ctrl+1, Ctrl+2), opening a
 * report folder as a comparison, adding models to score, and the actions and file
 * choosers around them. Exporting a report is in ddl-window-export.c. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-window-private.h"

#include <glib/gi18n.h>
#include <math.h>

/* ---- Review | Compare ---------------------------------------------------------------- */

void
ddl_window_set_compare (DdlWindow *self, gboolean compare)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "view");

  self->compare = compare;
  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action),
                               g_variant_new_string (compare ? "compare" : "review"));
  /* Without footage the empty page stays; the choice applies once something opens. */
  if (ddl_session_is_loaded (self->session))
    gtk_stack_set_visible_child_name (self->main_stack, compare ? "compare" : "review");
}

gboolean
ddl_window_get_compare (DdlWindow *self)
{
  return self->compare;
}

static void
view_change_state (GSimpleAction *action, GVariant *value, gpointer data)
{
  ddl_window_set_compare (DDL_WINDOW (data), g_str_equal (g_variant_get_string (value, NULL),
                                                          "compare"));
}

static void show_review (GSimpleAction *a, GVariant *p, gpointer d)  { ddl_window_set_compare (d, FALSE); }
static void show_compare (GSimpleAction *a, GVariant *p, gpointer d) { ddl_window_set_compare (d, TRUE); }

/* ---- report folders ------------------------------------------------------------------ */

void
ddl_window_open_report (DdlWindow *self, const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlCompareReport) report = ddl_compare_report_read (dir, &error);

  if (report == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not open the report: %s"),
                                                  error->message);
      ddl_window_show_error (self, message);
      return;
    }
  if (!g_file_test (report->footage, G_FILE_TEST_EXISTS))
    {
      g_autofree char *message = g_strdup_printf (_("Could not open the report: its footage %s "
                                                    "is missing."), report->footage);
      ddl_window_show_error (self, message);
      return;
    }
  g_clear_pointer (&self->pending_report, ddl_compare_report_free);
  self->pending_report = g_steal_pointer (&report);
  ddl_window_set_compare (self, TRUE);
  _ddl_window_open_path (self, self->pending_report->footage);
}

static const DdlCompareModel *
report_model (DdlCompareReport *report, const char *name)
{
  for (guint i = 0; i < report->models->len; i++)
    {
      const DdlCompareModel *m = g_ptr_array_index (report->models, i);
      if (g_str_equal (m->name, name))
        return m;
    }
  return NULL;
}

/* The report's scores (one model per column), each model's maps and what the report
 * says about it, under the report's protocol. */
static void
apply_report (DdlWindow *self, DdlCompareReport *report)
{
  g_autoptr(GError) error = NULL;
  guint first = ddl_session_get_n_models (self->session);
  gboolean review_maps = FALSE;
  const DdlEvalOptions *now;

  /* The report's protocol, so the cards say what the report says: the metrics panel's
   * switches for normalisation and filter, then the exact window, sigma and macro rule,
   * which the panel does not take from code. */
  ddl_metrics_panel_set_protocol (self->metrics_panel,
                                  report->eval.normalize == DDL_NORMALIZE_PER_VIDEO,
                                  report->eval.filter);
  now = ddl_session_get_eval_options (self->session);
  if (now->macro != report->eval.macro
      || (report->eval.filter == DDL_FILTER_MEDIAN
          && now->median_window != report->eval.median_window)
      || (report->eval.filter == DDL_FILTER_GAUSSIAN && now->sigma != report->eval.sigma))
    ddl_session_set_eval_options (self->session, &report->eval);
  if (!ddl_session_add_scores_file (self->session, report->scores_csv, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not load the report's scores: %s"),
                                                  error->message);
      ddl_window_show_error (self, message);
      return;
    }
  for (guint m = first; m < ddl_session_get_n_models (self->session); m++)
    {
      const DdlCompareModel *info = report_model (report,
                                                  ddl_session_get_model_name (self->session, m));
      if (info == NULL)
        continue;
      ddl_compare_view_set_model_info (self->compare_view, ddl_compare_model_copy (info));
      if (info->maps_dir == NULL || !g_file_test (info->maps_dir, G_FILE_TEST_IS_DIR))
        continue;
      ddl_session_set_model_maps_dir (self->session, m, info->maps_dir);
      /* The review overlays show the first model's maps. */
      if (!review_maps)
        ddl_session_set_maps_dir (self->session, info->maps_dir);
      review_maps = TRUE;
    }
  ddl_compare_view_set_report_files (self->compare_view, report->page, report->video);
  if (report->title != NULL)
    {
      gtk_label_set_text (self->title_label, report->title);
      gtk_window_set_title (GTK_WINDOW (self), report->title);
    }
  /* Start where the first model scores highest in the video shown, so the panes have
   * something to compare instead of the unscored first frame. */
  if (ddl_session_get_n_models (self->session) > 0)
    {
      guint video = ddl_session_get_video (self->session), best = 0;
      const double *curve = ddl_session_get_curve (self->session, 0, video);
      for (guint f = 0; f < ddl_session_get_n_frames (self->session); f++)
        if (!isnan (curve[f]) && (isnan (curve[best]) || curve[f] > curve[best]))
          best = f;
      ddl_session_set_frame (self->session, best);
    }
  ddl_window_set_compare (self, TRUE);
}

void
_ddl_window_compare_footage_opened (DdlWindow *self, gboolean ok)
{
  g_autoptr(DdlCompareReport) report = g_steal_pointer (&self->pending_report);

  /* Only for the footage it named: another opening may have finished first. */
  if (ok && report != NULL
      && g_strcmp0 (ddl_session_get_path (self->session), report->footage) == 0)
    apply_report (self, report);
}

/* ---- models scored in the window ------------------------------------------------------ */

void
_ddl_window_compare_models_added (DdlWindow *self, guint first, const char *checkpoint,
                                  const char *maps_dir)
{
  for (guint m = first; m < ddl_session_get_n_models (self->session); m++)
    {
      g_autoptr(GError) error = NULL;
      DdlCompareModel *info = ddl_compare_model_new (ddl_session_get_model_name (self->session, m));
      /* The configuration and sigma(l) are in the checkpoint's header; a file without
       * them (a reference state_dict) still scores, the card just says less. */
      if (checkpoint != NULL && !ddl_compare_model_read_checkpoint (info, checkpoint, &error))
        {
          g_debug ("%s", error->message);
          info->checkpoint = g_strdup (checkpoint);
        }
      info->maps_dir = g_strdup (maps_dir);
      ddl_compare_view_set_model_info (self->compare_view, info);
    }
}

/* ---- file choosers --------------------------------------------------------------------- */

static void
chooser_response (GtkNativeDialog *dialog, int response, gpointer data)
{
  DdlWindow *self = DDL_WINDOW (data);
  const char *purpose = g_object_get_data (G_OBJECT (dialog), "purpose");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          g_autofree char *path = g_file_get_path (file);
          if (path == NULL)
            ddl_window_show_error (self, _("Only local files can be opened."));
          else if (g_str_equal (purpose, "models"))
            _ddl_window_score_with_model (self, path);
          else if (g_str_equal (purpose, "export"))
            ddl_window_export_report (self, path);
          else
            ddl_window_open_report (self, path);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose (DdlWindow *self, const char *purpose, const char *title, GtkFileChooserAction action,
        const char *accept)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action,
                                                              accept, _("_Cancel"));

  g_object_set_data (G_OBJECT (dialog), "purpose", (gpointer) purpose);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  if (g_str_equal (purpose, "models"))
    {
      GtkFileFilter *filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, _("DDL models"));
      gtk_file_filter_add_pattern (filter, "*.safetensors");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
      g_object_unref (filter);
      gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
    }
  else if (g_str_equal (purpose, "export"))
    {
      g_autofree char *name = g_strdup_printf ("report-%s", ddl_session_get_title (self->session)
                                                            ? ddl_session_get_title (self->session)
                                                            : "ddl");
      g_strdelimit (name, "/\\ ", '-');
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
    }
  g_signal_connect (dialog, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_report (GSimpleAction *a, GVariant *p, gpointer data)
{
  choose (data, "report", _("Open Report Folder"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
          _("_Open"));
}

static void
add_models (GSimpleAction *a, GVariant *p, gpointer data)
{
  choose (data, "models", _("Add Models to Compare"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"));
}

static void
export_report (GSimpleAction *a, GVariant *p, gpointer data)
{
  /* A new folder, named in the save dialog. */
  choose (data, "export", _("Export Report"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"));
}

static const GActionEntry entries[] = {
  { "view", NULL, "s", "'review'", view_change_state },
  { "show-review", show_review },
  { "show-compare", show_compare },
  { "open-report", open_report },
  { "add-models", add_models },
  { "export-report", export_report },
};

void
_ddl_window_compare_update_actions (DdlWindow *self)
{
  gboolean loaded = self->session != NULL && ddl_session_is_loaded (self->session);
  gboolean scored = loaded && ddl_session_get_n_models (self->session) > 0;
  static const char *need_footage[] = { "view", "show-review", "show-compare", "add-models",
                                        NULL };
  GAction *action;

  for (guint i = 0; need_footage[i] != NULL; i++)
    if ((action = g_action_map_lookup_action (G_ACTION_MAP (self), need_footage[i])) != NULL)
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), loaded);
  if ((action = g_action_map_lookup_action (G_ACTION_MAP (self), "export-report")) != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), scored && !self->exporting);
}

void
_ddl_window_compare_init (DdlWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  ddl_compare_view_set_session (self->compare_view, self->session, self->loader);
  _ddl_window_compare_update_actions (self);
}

void
_ddl_window_compare_dispose (DdlWindow *self)
{
  g_clear_pointer (&self->pending_report, ddl_compare_report_free);
  g_queue_clear_full (&self->score_queue, g_free);
}
