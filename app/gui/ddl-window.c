/* The main window: construction, opening files, the banner, recent files and
 * window state. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-window-private.h"

#include <glib/gi18n.h>
#include <math.h>

G_DEFINE_FINAL_TYPE (DdlWindow, ddl_window, GTK_TYPE_APPLICATION_WINDOW)

#define MAX_RECENT 8

DdlSession *
ddl_window_get_session (DdlWindow *self)
{
  return self->session;
}

void
ddl_window_show_error (DdlWindow *self, const char *message)
{
  g_message ("%s", message);
  gtk_label_set_text (self->banner_label, message);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

const char *
ddl_window_get_error_text (DdlWindow *self)
{
  return gtk_revealer_get_reveal_child (self->banner_revealer)
         ? gtk_label_get_text (self->banner_label) : NULL;
}

const char *
ddl_window_get_position_text (DdlWindow *self)
{
  return gtk_label_get_text (self->position_label);
}

gboolean
ddl_window_is_playing (DdlWindow *self)
{
  return self->playing;
}

int
ddl_window_get_shown_frame (DdlWindow *self)
{
  return self->shown_frame;
}

gboolean
ddl_window_is_busy (DdlWindow *self)
{
  return self->busy > 0;
}

GtkWidget *
ddl_window_get_part (DdlWindow *self, const char *name)
{
  if (g_str_equal (name, "timeline"))
    return GTK_WIDGET (self->timeline);
  if (g_str_equal (name, "frame-view"))
    return GTK_WIDGET (self->frame_view);
  if (g_str_equal (name, "overview"))
    return GTK_WIDGET (self->overview);
  if (g_str_equal (name, "metrics"))
    return GTK_WIDGET (self->metrics_panel);
  if (g_str_equal (name, "events"))
    return GTK_WIDGET (self->event_list);
  if (g_str_equal (name, "sidebar"))
    return GTK_WIDGET (self->sidebar);
  if (g_str_equal (name, "threshold"))
    return GTK_WIDGET (self->threshold_spin);
  if (g_str_equal (name, "compare"))
    return GTK_WIDGET (self->compare_view);
  return NULL;
}

static void
banner_dismissed (DdlWindow *self)
{
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

void
_ddl_window_set_busy (DdlWindow *self, const char *what, gboolean busy)
{
  self->busy = busy ? self->busy + 1 : MAX (self->busy, 1u) - 1;
  if (busy)
    {
      gtk_label_set_text (self->progress_label, what);
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_progress_bar_pulse (self->progress_bar);
    }
  gtk_revealer_set_reveal_child (self->progress_revealer, self->busy > 0);
  _ddl_window_update_actions (self);
}

void
ddl_window_cancel (DdlWindow *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

/* ---- recent files ------------------------------------------------------------------ */

static void
rebuild_recent_menu (DdlWindow *self)
{
  g_auto(GStrv) recent = self->settings ? g_settings_get_strv (self->settings, "recent-paths")
                                        : g_new0 (char *, 1);
  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; recent[i] != NULL; i++)
    {
      g_autofree char *label = g_filename_display_basename (recent[i]);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);
      g_menu_item_set_action_and_target (item, "win.open-recent", "s", recent[i]);
      g_menu_append_item (self->recent_menu, item);
    }
}

void
_ddl_window_add_recent (DdlWindow *self, const char *path)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) old = NULL;
  g_auto(GStrv) recent = NULL;
  guint n = 1;

  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  if (uri != NULL)
    gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
  if (self->settings == NULL)
    return;
  old = g_settings_get_strv (self->settings, "recent-paths");
  g_strv_builder_add (builder, path);
  for (guint i = 0; old[i] != NULL && n < MAX_RECENT; i++)
    if (!g_str_equal (old[i], path))
      g_strv_builder_add (builder, old[i]), n++;
  recent = g_strv_builder_end (builder);
  g_settings_set_strv (self->settings, "recent-paths", (const char * const *) recent);
  rebuild_recent_menu (self);
}

/* ---- opening ------------------------------------------------------------------------- */

static void
open_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(DdlWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->session == NULL)   /* closed meanwhile */
    return;
  _ddl_window_set_busy (self, NULL, FALSE);
  if (!ddl_session_open_finish (self->session, result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not open the footage: %s"),
                                                  error->message);
      g_ptr_array_set_size (self->pending, 0);
      _ddl_window_compare_footage_opened (self, FALSE);
      ddl_window_show_error (self, message);
      return;
    }
  _ddl_window_add_recent (self, ddl_session_get_path (self->session));
  /* Scores and models named with the footage apply to it now that it is open. */
  g_autoptr(GPtrArray) pending = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < pending->len; i++)
    ddl_window_open (self, g_ptr_array_index (pending, i));
  _ddl_window_compare_footage_opened (self, TRUE);
}

void
_ddl_window_open_path (DdlWindow *self, const char *path)
{
  _ddl_window_set_playing (self, FALSE);
  _ddl_window_set_busy (self, _("Opening footage…"), TRUE);
  ddl_session_open_async (self->session, path, self->cancellable, open_done,
                          g_object_ref (self));
}

void
ddl_window_open (DdlWindow *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *lower = NULL;

  if (path == NULL)
    {
      ddl_window_show_error (self, _("Only local files can be opened."));
      return;
    }
  lower = g_ascii_strdown (path, -1);
  /* While a model is being scored, more models wait in the scoring queue. */
  if (g_str_has_suffix (lower, ".safetensors") && self->scoring)
    {
      _ddl_window_score_with_model (self, path);
      return;
    }
  if (g_str_has_suffix (lower, ".csv") || g_str_has_suffix (lower, ".safetensors"))
    {
      if (!ddl_session_is_loaded (self->session) || self->busy > 0)
        {
          if (self->busy > 0)
            {
              g_ptr_array_add (self->pending, g_object_ref (file));
              return;
            }
          ddl_window_show_error (self, _("Open the footage first, then its scores or model."));
          return;
        }
      if (g_str_has_suffix (lower, ".safetensors"))
        _ddl_window_score_with_model (self, path);
      else
        {
          g_autoptr(GError) error = NULL;
          if (!ddl_session_add_scores_file (self->session, path, &error))
            {
              g_autofree char *message = g_strdup_printf (_("Could not load the scores: %s"),
                                                          error->message);
              ddl_window_show_error (self, message);
            }
        }
      return;
    }
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *message = g_strdup_printf (_("%s does not exist."), path);
      ddl_window_show_error (self, message);
      return;
    }
  /* A report folder (or its metrics.json) opens as a comparison. */
  g_autofree char *parent = g_path_get_dirname (path);
  if (ddl_compare_report_is_report (path))
    ddl_window_open_report (self, path);
  else if (g_str_has_suffix (lower, "/metrics.json") && ddl_compare_report_is_report (parent))
    ddl_window_open_report (self, parent);
  else
    _ddl_window_open_path (self, path);
}

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, DdlWindow *self)
{
  GSList *files = g_value_get_boxed (value);
  gboolean footage_first = FALSE;

  /* Footage first, so scores and models dropped with it apply to it. */
  for (GSList *l = files; l != NULL; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);
      g_autofree char *lower = path ? g_ascii_strdown (path, -1) : NULL;
      if (lower != NULL && !g_str_has_suffix (lower, ".csv")
          && !g_str_has_suffix (lower, ".safetensors"))
        {
          ddl_window_open (self, l->data);
          footage_first = TRUE;
          break;
        }
    }
  for (GSList *l = files; l != NULL; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);
      g_autofree char *lower = path ? g_ascii_strdown (path, -1) : NULL;
      if (lower != NULL && (g_str_has_suffix (lower, ".csv")
                            || g_str_has_suffix (lower, ".safetensors")))
        {
          if (footage_first)
            g_ptr_array_add (self->pending, g_object_ref (l->data));
          else
            ddl_window_open (self, l->data);
        }
    }
  return TRUE;
}

/* ---- session → widgets ------------------------------------------------------------ */

static void
update_legend (DdlWindow *self)
{
  g_autoptr(GString) markup = g_string_new (NULL);
  for (guint m = 0; m < ddl_session_get_n_models (self->session); m++)
    {
      GdkRGBA c;
      g_autofree char *colour = NULL;
      g_autofree char *name = g_markup_escape_text (ddl_session_get_model_name (self->session, m),
                                                    -1);
      ddl_model_colour (m, &c);
      colour = g_strdup_printf ("#%02x%02x%02x", (int) (c.red * 255), (int) (c.green * 255),
                                (int) (c.blue * 255));
      g_string_append_printf (markup, "<span foreground=\"%s\">━━</span> %s   ", colour, name);
    }
  if (ddl_session_get_n_models (self->session) == 0)
    g_string_append (markup, _("No scores: open a scores file (Ctrl+Shift+O) or score with a "
                               "model (Ctrl+M)."));
  else if (ddl_session_has_truth (self->session))
    g_string_append_printf (markup, "<span foreground=\"#e01b24\" alpha=\"50%%\">██</span> %s",
                            _("ground truth"));
  gtk_label_set_markup (self->legend_label, markup->str);
}

/* The threshold spin button covers the primary model's range. */
static void
update_threshold_range (DdlWindow *self)
{
  double lo, hi;
  if (!ddl_session_get_score_range (self->session, &lo, &hi))
    lo = 0, hi = 1;
  double span = MAX (hi - lo, 1e-6);
  double step = pow (10, floor (log10 (span / 100)));
  gtk_adjustment_configure (self->threshold_adjustment, ddl_session_get_threshold (self->session),
                            lo - span, hi + span, step, step * 10, 0);
  gtk_spin_button_set_digits (self->threshold_spin, (guint) CLAMP (-log10 (step), 0, 6));
}

static void
curves_changed (DdlWindow *self)
{
  update_legend (self);
  update_threshold_range (self);
  _ddl_window_reload_maps (self);
}

static void
footage_changed (DdlWindow *self)
{
  g_autofree char *subtitle = NULL;

  gtk_stack_set_visible_child_name (self->main_stack, self->compare ? "compare" : "review");
  gtk_label_set_text (self->title_label, ddl_session_get_title (self->session));
  subtitle = g_strdup_printf (ngettext ("%u test video · %s", "%u test videos · %s",
                                        ddl_session_get_n_videos (self->session)),
                              ddl_session_get_n_videos (self->session),
                              ddl_session_get_root (self->session));
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), ddl_session_get_title (self->session));
  _ddl_window_video_changed (self);
  curves_changed (self);
  _ddl_window_update_actions (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->frame_view));
}

static void
event_rules_changed (DdlWindow *self)
{
  ddl_session_set_event_rules (self->session,
                               (guint) gtk_spin_button_get_value_as_int (self->min_length_spin),
                               (guint) gtk_spin_button_get_value_as_int (self->merge_gap_spin));
}

static void
session_error (DdlWindow *self, const char *message)
{
  ddl_window_show_error (self, message);
}

/* ---- window state ------------------------------------------------------------------ */

static gboolean
ddl_window_close_request (GtkWindow *window)
{
  DdlWindow *self = DDL_WINDOW (window);
  g_autoptr(GError) error = NULL;

  if (self->settings != NULL)
    {
      int w, h;
      gtk_window_get_default_size (window, &w, &h);
      g_settings_set (self->settings, "window-size", "(ii)", w, h);
      g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
    }
  g_cancellable_cancel (self->cancellable);
  if (!ddl_session_save_marks (self->session, &error))
    g_warning ("%s", error->message);
  return GTK_WINDOW_CLASS (ddl_window_parent_class)->close_request (window);
}

static void
ddl_window_dispose (GObject *object)
{
  DdlWindow *self = DDL_WINDOW (object);

  _ddl_window_set_playing (self, FALSE);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->loader != NULL)
    g_signal_handlers_disconnect_by_data (self->loader, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), DDL_TYPE_WINDOW);
  g_clear_object (&self->session);
  g_clear_object (&self->loader);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->maps, g_bytes_unref);
  g_clear_pointer (&self->recs, g_bytes_unref);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  _ddl_window_compare_dispose (self);
  G_OBJECT_CLASS (ddl_window_parent_class)->dispose (object);
}

static void
ddl_window_class_init (DdlWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ddl_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = ddl_window_close_request;
  g_type_ensure (DDL_TYPE_FRAME_VIEW);
  g_type_ensure (DDL_TYPE_SCORE_TIMELINE);
  g_type_ensure (DDL_TYPE_OVERVIEW_STRIP);
  g_type_ensure (DDL_TYPE_METRICS_PANEL);
  g_type_ensure (DDL_TYPE_COMPARE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ddlstudio/DdlStudio/ui/ddl-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, DdlWindow, name)
  BIND (title_label);
  BIND (subtitle_label);
  BIND (banner_revealer);
  BIND (banner_label);
  BIND (progress_revealer);
  BIND (progress_label);
  BIND (progress_bar);
  BIND (main_stack);
  BIND (frame_view);
  BIND (play_button);
  BIND (speed_dropdown);
  BIND (position_label);
  BIND (timeline);
  BIND (legend_label);
  BIND (overview);
  BIND (sidebar);
  BIND (threshold_spin);
  BIND (threshold_adjustment);
  BIND (min_length_spin);
  BIND (merge_gap_spin);
  BIND (events_label);
  BIND (event_list);
  BIND (metrics_panel);
  BIND (opacity_adjustment);
  BIND (recent_menu);
  BIND (compare_view);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, banner_dismissed);
  gtk_widget_class_bind_template_callback_full (widget_class, "cancel_clicked",
                                                G_CALLBACK (ddl_window_cancel));
  gtk_widget_class_bind_template_callback (widget_class, event_rules_changed);
  gtk_widget_class_bind_template_callback_full (widget_class, "event_row_activated",
                                                G_CALLBACK (_ddl_window_event_row_activated));
}

static GSettings *
settings_or_null (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE)
                                             : NULL;
  /* Run from the build tree without the schema installed: no saved state, no crash. */
  return schema != NULL ? g_settings_new (APP_ID) : NULL;
}

static void
ddl_window_init (DdlWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->shown_frame = -1;
  self->session = ddl_session_new ();
  self->loader = ddl_frame_loader_new ();
  self->cancellable = g_cancellable_new ();
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  self->settings = settings_or_null ();

  if (self->settings != NULL)
    {
      int w, h;
      g_settings_get (self->settings, "window-size", "(ii)", &w, &h);
      gtk_window_set_default_size (GTK_WINDOW (self), w, h);
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      g_settings_bind (self->settings, "heatmap-opacity", self->opacity_adjustment, "value",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "min-event-length", self->min_length_spin, "value",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (self->settings, "merge-gap", self->merge_gap_spin, "value",
                       G_SETTINGS_BIND_DEFAULT);
    }
  event_rules_changed (self);
  rebuild_recent_menu (self);

  ddl_score_timeline_set_session (self->timeline, self->session);
  ddl_overview_strip_set_session (self->overview, self->session);
  ddl_metrics_panel_set_session (self->metrics_panel, self->session);
  g_object_bind_property (self->opacity_adjustment, "value", self->frame_view, "heatmap-opacity",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->session, "threshold", self->threshold_adjustment, "value",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_signal_connect_swapped (self->session, "footage-changed", G_CALLBACK (footage_changed), self);
  g_signal_connect_swapped (self->session, "curves-changed", G_CALLBACK (curves_changed), self);
  g_signal_connect_swapped (self->session, "error", G_CALLBACK (session_error), self);

  _ddl_window_install_actions (self);
  _ddl_window_player_init (self);
  _ddl_window_events_init (self);
  _ddl_window_compare_init (self);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  update_legend (self);
  _ddl_window_update_actions (self);
}

DdlWindow *
ddl_window_new (GtkApplication *application)
{
  return g_object_new (DDL_TYPE_WINDOW, "application", application, NULL);
}
