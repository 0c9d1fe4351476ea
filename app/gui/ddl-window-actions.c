/* The window's actions (every button, menu item and shortcut goes through one), the
 * file choosers and the demo footage. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-window-private.h"
#include "ddl-synth.h"
#include "ddl-train-window.h"

#include <glib/gi18n.h>
#include <math.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define STEP_N 10

static DdlWindow *
window (gpointer data)
{
  return DDL_WINDOW (data);
}

/* ---- file choosers ------------------------------------------------------------------ */

static void
chooser_response (GtkNativeDialog *dialog, int response, gpointer data)
{
  DdlWindow *self = window (data);
  const char *purpose = g_object_get_data (G_OBJECT (dialog), "purpose");
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT
      && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL)
    {
      g_autofree char *path = g_file_get_path (file);
      if (g_str_equal (purpose, "model"))
        _ddl_window_score_with_model (self, path);
      else if (g_str_equal (purpose, "export"))
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *lower = g_ascii_strdown (path, -1);
          DdlExportFormat format = g_str_has_suffix (lower, ".m") ? DDL_EXPORT_UCSD_M
                                   : g_str_has_suffix (lower, ".npy") ? DDL_EXPORT_NPY
                                   : DDL_EXPORT_CSV;
          if (!ddl_annotations_export (ddl_session_get_annotations (self->session), path, format,
                                       &error))
            {
              g_autofree char *message = g_strdup_printf (_("Could not export: %s"),
                                                          error->message);
              ddl_window_show_error (self, message);
            }
        }
      else
        ddl_window_open (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
add_filter (GtkFileChooser *chooser, const char *name, const char * const *patterns)
{
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  gtk_file_chooser_add_filter (chooser, filter);
  g_object_unref (filter);
}

static void
choose (DdlWindow *self, const char *purpose, const char *title, GtkFileChooserAction action)
{
  GtkFileChooserNative *dialog = gtk_file_chooser_native_new (
    title, GTK_WINDOW (self), action,
    action == GTK_FILE_CHOOSER_ACTION_SAVE ? _("_Export") : _("_Open"), _("_Cancel"));
  static const char *footage[] = { "*.avi", "*.mp4", "*.mkv", "*.mov", "*.webm", "*.csv",
                                   "*.safetensors", NULL };
  static const char *models[] = { "*.safetensors", NULL };
  static const char *labels[] = { "*.csv", "*.m", "*.npy", NULL };

  g_object_set_data (G_OBJECT (dialog), "purpose", (gpointer) purpose);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  if (g_str_equal (purpose, "file"))
    add_filter (GTK_FILE_CHOOSER (dialog), _("Videos, scores and models"), footage);
  else if (g_str_equal (purpose, "model"))
    add_filter (GTK_FILE_CHOOSER (dialog), _("DDL models"), models);
  else if (g_str_equal (purpose, "export"))
    {
      add_filter (GTK_FILE_CHOOSER (dialog), _("CSV, UCSD .m or numpy .npy"), labels);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "labels.csv");
    }
  g_signal_connect (dialog, "response", G_CALLBACK (chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_folder (GSimpleAction *a, GVariant *p, gpointer data)
{
  choose (window (data), "folder", _("Open Dataset Folder"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
}

static void
open_file (GSimpleAction *a, GVariant *p, gpointer data)
{
  choose (window (data), "file", _("Open File"), GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
score_with_model (GSimpleAction *a, GVariant *p, gpointer data)
{
  choose (window (data), "model", _("Score with Model"), GTK_FILE_CHOOSER_ACTION_OPEN);
}

static void
export_labels (GSimpleAction *a, GVariant *p, gpointer data)
{
  choose (window (data), "export", _("Export Ground Truth"), GTK_FILE_CHOOSER_ACTION_SAVE);
}

static void
open_recent (GSimpleAction *a, GVariant *p, gpointer data)
{
  _ddl_window_open_path (window (data), g_variant_get_string (p, NULL));
}

/* ---- demo footage ---------------------------------------------------------------------- */

static void
demo_worker (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  const char *dir = data;
  DdlSynthOptions options;
  GError *error = NULL;

  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* Written beside and renamed, so an interrupted run never leaves half a dataset. */
  g_autofree char *tmp = g_strdup_printf ("%s.tmp-%d", dir, (int) getpid ());
  ddl_synth_options_init (&options);
  options.seed = 7;
  options.n_train_videos = 2;
  options.n_test_videos = 6;
  /* Real footage, ground truth and object boxes; the scores come from a model the
   * user trains (ddl train) and scores with. */
  if (!ddl_synth_write_dataset (&options, tmp, &error) || g_rename (tmp, dir) != 0)
    {
      if (error == NULL)
        error = g_error_new (G_FILE_ERROR, G_FILE_ERROR_FAILED, "Cannot write %s", dir);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
demo_done (GObject *source, GAsyncResult *result, gpointer data)
{
  DdlWindow *self = DDL_WINDOW (source);
  g_autoptr(GError) error = NULL;

  if (self->session == NULL)   /* closed meanwhile */
    return;
  _ddl_window_set_busy (self, NULL, FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not make the demo footage: %s"),
                                                  error->message);
      ddl_window_show_error (self, message);
      return;
    }
  _ddl_window_open_path (self, g_task_get_task_data (G_TASK (result)));
}

static void
open_demo (GSimpleAction *a, GVariant *p, gpointer data)
{
  DdlWindow *self = window (data);
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, demo_done, NULL);
  char *dir = g_build_filename (g_get_user_cache_dir (), "ddl-studio", "demo-walkway", NULL);
  g_autofree char *parent = g_path_get_dirname (dir);

  g_mkdir_with_parents (parent, 0755);
  _ddl_window_set_busy (self, _("Making the demo footage…"), TRUE);
  g_task_set_task_data (task, dir, g_free);
  g_task_run_in_thread (task, demo_worker);
}

/* ---- the training window ------------------------------------------------------------------- */

static void
train_finished (DdlWindow *self, const char *report_dir, DdlTrainWindow *train)
{
  ddl_window_open_report (self, report_dir);
  gtk_window_present (GTK_WINDOW (self));
}

/* The main window keeps a weak pointer to its training window; either may go first. */
static void
train_slot_free (gpointer data)
{
  GObject **slot = data;
  if (*slot != NULL)
    g_object_remove_weak_pointer (*slot, (gpointer *) slot);
  g_free (slot);
}

/* One training window per main window, on the open footage's dataset. */
static void
train (GSimpleAction *a, GVariant *p, gpointer data)
{
  DdlWindow *self = window (data);
  DdlTrainWindow **slot = g_object_get_data (G_OBJECT (self), "ddl-train-window");
  DdlTrainWindow *train;

  if (slot == NULL)
    {
      slot = g_new0 (DdlTrainWindow *, 1);
      g_object_set_data_full (G_OBJECT (self), "ddl-train-window", slot, train_slot_free);
    }
  if ((train = *slot) == NULL)
    {
      train = *slot = ddl_train_window_new (gtk_window_get_application (GTK_WINDOW (self)));
      g_object_add_weak_pointer (G_OBJECT (train), (gpointer *) slot);
      g_signal_connect_object (train, "finished", G_CALLBACK (train_finished), self,
                               G_CONNECT_SWAPPED);
    }
  if (ddl_session_is_loaded (self->session) && !ddl_train_window_is_running (train))
    ddl_train_window_set_dataset (train, ddl_session_get_root (self->session));
  gtk_window_present (GTK_WINDOW (train));
}

/* ---- the built-in demo ---------------------------------------------------------------------- */

/* Where the demo keeps its data, models and report; a second run reuses them. */
char *
ddl_window_get_demo_folder (void)
{
  return g_build_filename (g_get_user_data_dir (), "ddl-studio", "demo", NULL);
}

void
ddl_window_run_demo (DdlWindow *self, const char *out_dir)
{
  g_autofree char *dir = out_dir != NULL ? g_strdup (out_dir) : ddl_window_get_demo_folder ();
  DdlTrainWindow *demo;

  demo = ddl_train_window_new_demo (gtk_window_get_application (GTK_WINDOW (self)), dir);
  g_signal_connect_object (demo, "finished", G_CALLBACK (train_finished), self,
                           G_CONNECT_SWAPPED);
  gtk_window_set_transient_for (GTK_WINDOW (demo), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (demo));
}

static void
run_demo (GSimpleAction *a, GVariant *p, gpointer data)
{
  ddl_window_run_demo (window (data), NULL);
}

/* ---- playback and navigation ------------------------------------------------------------ */

static void
play_change_state (GSimpleAction *a, GVariant *state, gpointer data)
{
  _ddl_window_set_playing (window (data), g_variant_get_boolean (state));
}

static void
step (DdlWindow *self, int delta)
{
  _ddl_window_set_playing (self, FALSE);
  ddl_session_step (self->session, delta);
}

static void previous_frame (GSimpleAction *a, GVariant *p, gpointer d) { step (window (d), -1); }
static void next_frame (GSimpleAction *a, GVariant *p, gpointer d)     { step (window (d), 1); }
static void back_n (GSimpleAction *a, GVariant *p, gpointer d)         { step (window (d), -STEP_N); }
static void forward_n (GSimpleAction *a, GVariant *p, gpointer d)      { step (window (d), STEP_N); }
static void first_frame (GSimpleAction *a, GVariant *p, gpointer d)    { step (window (d), G_MININT / 2); }
static void last_frame (GSimpleAction *a, GVariant *p, gpointer d)     { step (window (d), G_MAXINT / 2); }

static void
change_video (DdlWindow *self, int delta)
{
  gint64 v = (gint64) ddl_session_get_video (self->session) + delta;
  if (v >= 0 && v < ddl_session_get_n_videos (self->session))
    ddl_session_set_video (self->session, (guint) v);
}

static void previous_video (GSimpleAction *a, GVariant *p, gpointer d) { change_video (window (d), -1); }
static void next_video (GSimpleAction *a, GVariant *p, gpointer d)     { change_video (window (d), 1); }

static void
next_event (GSimpleAction *a, GVariant *p, gpointer data)
{
  DdlWindow *self = window (data);
  _ddl_window_set_playing (self, FALSE);
  ddl_session_next_event (self->session);
}

static void
previous_event (GSimpleAction *a, GVariant *p, gpointer data)
{
  DdlWindow *self = window (data);
  _ddl_window_set_playing (self, FALSE);
  ddl_session_previous_event (self->session);
}

static void
selection_start (GSimpleAction *a, GVariant *p, gpointer data)
{
  DdlSession *session = window (data)->session;
  guint start, end, frame = ddl_session_get_frame (session);
  if (!ddl_session_get_selection (session, &start, &end) || frame > end)
    end = frame;
  ddl_session_set_selection (session, frame, end);
}

static void
selection_end (GSimpleAction *a, GVariant *p, gpointer data)
{
  DdlSession *session = window (data)->session;
  guint start, end, frame = ddl_session_get_frame (session);
  if (!ddl_session_get_selection (session, &start, &end) || frame < start)
    start = frame;
  ddl_session_set_selection (session, start, frame);
}

static void clear_selection (GSimpleAction *a, GVariant *p, gpointer d) { ddl_session_clear_selection (window (d)->session); }

static void accept (GSimpleAction *a, GVariant *p, gpointer d) { ddl_session_mark_current (window (d)->session, DDL_MARK_ANOMALOUS); }
static void reject (GSimpleAction *a, GVariant *p, gpointer d) { ddl_session_mark_current (window (d)->session, DDL_MARK_NORMAL); }
static void undo (GSimpleAction *a, GVariant *p, gpointer d)   { ddl_session_undo (window (d)->session); }
static void redo (GSimpleAction *a, GVariant *p, gpointer d)   { ddl_session_redo (window (d)->session); }

static void zoom_in (GSimpleAction *a, GVariant *p, gpointer d)    { ddl_score_timeline_zoom (window (d)->timeline, 2); }
static void zoom_out (GSimpleAction *a, GVariant *p, gpointer d)   { ddl_score_timeline_zoom (window (d)->timeline, 0.5); }
static void zoom_reset (GSimpleAction *a, GVariant *p, gpointer d) { ddl_score_timeline_reset_zoom (window (d)->timeline); }

static void
nudge_threshold (DdlWindow *self, double direction)
{
  double lo, hi;
  if (ddl_session_get_score_range (self->session, &lo, &hi))
    ddl_session_set_threshold (self->session,
                               ddl_session_get_threshold (self->session) + direction * (hi - lo) / 100);
}

static void threshold_up (GSimpleAction *a, GVariant *p, gpointer d)   { nudge_threshold (window (d), 1); }
static void threshold_down (GSimpleAction *a, GVariant *p, gpointer d) { nudge_threshold (window (d), -1); }

static void
change_speed (DdlWindow *self, int delta)
{
  int i = (int) gtk_drop_down_get_selected (self->speed_dropdown) + delta;
  gtk_drop_down_set_selected (self->speed_dropdown, (guint) CLAMP (i, 0, 4));
}

static void faster (GSimpleAction *a, GVariant *p, gpointer d) { change_speed (window (d), 1); }
static void slower (GSimpleAction *a, GVariant *p, gpointer d) { change_speed (window (d), -1); }

static void
show_page (DdlWindow *self, int page)
{
  gtk_notebook_set_current_page (self->sidebar, page);
}

static void show_events (GSimpleAction *a, GVariant *p, gpointer d)  { show_page (window (d), 0); }
static void show_metrics (GSimpleAction *a, GVariant *p, gpointer d) { show_page (window (d), 1); }

static const GActionEntry entries[] = {
  { "open-folder", open_folder },
  { "open-file", open_file },
  { "open-demo", open_demo },
  { "run-demo", run_demo },
  { "train", train },
  { "open-recent", open_recent, "s" },
  { "score-with-model", score_with_model },
  { "export-labels", export_labels },
  { "play", NULL, NULL, "false", play_change_state },
  { "previous-frame", previous_frame },
  { "next-frame", next_frame },
  { "back-n", back_n },
  { "forward-n", forward_n },
  { "first-frame", first_frame },
  { "last-frame", last_frame },
  { "previous-video", previous_video },
  { "next-video", next_video },
  { "next-event", next_event },
  { "previous-event", previous_event },
  { "selection-start", selection_start },
  { "selection-end", selection_end },
  { "clear-selection", clear_selection },
  { "accept", accept },
  { "reject", reject },
  { "undo", undo },
  { "redo", redo },
  { "zoom-in", zoom_in },
  { "zoom-out", zoom_out },
  { "zoom-reset", zoom_reset },
  { "threshold-up", threshold_up },
  { "threshold-down", threshold_down },
  { "faster", faster },
  { "slower", slower },
  { "show-events", show_events },
  { "show-metrics", show_metrics },
};

/* Actions that need footage (or scores, or marks) are disabled without them. */
void
_ddl_window_update_actions (DdlWindow *self)
{
  static const char *need_footage[] = {
    "play", "previous-frame", "next-frame", "back-n", "forward-n", "first-frame", "last-frame",
    "previous-video", "next-video", "accept", "reject", "selection-start", "selection-end",
    "clear-selection", "zoom-in", "zoom-out", "zoom-reset",
    "export-labels", "score-with-model", "show-heatmap", "show-patch", "show-boxes", "split",
    "actual-size", NULL };
  static const char *need_scores[] = { "next-event", "previous-event", "threshold-up",
                                       "threshold-down", NULL };
  gboolean loaded = self->session != NULL && ddl_session_is_loaded (self->session);
  gboolean scored = loaded && ddl_session_get_n_models (self->session) > 0;
  GAction *action;

  for (guint i = 0; need_footage[i] != NULL; i++)
    if ((action = g_action_map_lookup_action (G_ACTION_MAP (self), need_footage[i])) != NULL
        && G_IS_SIMPLE_ACTION (action))
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), loaded);
  for (guint i = 0; need_scores[i] != NULL; i++)
    if ((action = g_action_map_lookup_action (G_ACTION_MAP (self), need_scores[i])) != NULL)
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), scored);
  if ((action = g_action_map_lookup_action (G_ACTION_MAP (self), "undo")) != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), loaded && ddl_annotations_can_undo (
                                   ddl_session_get_annotations (self->session)));
  if ((action = g_action_map_lookup_action (G_ACTION_MAP (self), "redo")) != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), loaded && ddl_annotations_can_redo (
                                   ddl_session_get_annotations (self->session)));
  if ((action = g_action_map_lookup_action (G_ACTION_MAP (self), "score-with-model")) != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), loaded && self->busy == 0);
  _ddl_window_compare_update_actions (self);
}

void
_ddl_window_install_actions (DdlWindow *self)
{
  static const char *view_properties[][2] = {
    { "show-heatmap", "show-heatmap" }, { "show-patch", "show-patch" },
    { "show-boxes", "show-boxes" }, { "split", "split" }, { "actual-size", "actual-size" } };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  /* Overlay switches are the frame view's own properties. */
  for (guint i = 0; i < G_N_ELEMENTS (view_properties); i++)
    {
      g_autoptr(GPropertyAction) action = g_property_action_new (view_properties[i][0],
                                                                 self->frame_view,
                                                                 view_properties[i][1]);
      g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
    }
  g_signal_connect_swapped (self->session, "labels-changed",
                            G_CALLBACK (_ddl_window_update_actions), self);
  g_signal_connect_swapped (self->session, "notify::n-models",
                            G_CALLBACK (_ddl_window_update_actions), self);
}
