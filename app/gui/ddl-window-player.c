/* The player side of the window: playback timing, frames from the decoding worker,
 * the position readout and the overlays of the current frame. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-window-private.h"
#include "ddl-npy.h"

#include <glib/gi18n.h>
#include <math.h>

static const double speeds[] = { 0.25, 0.5, 1.0, 2.0, 4.0 };

double
_ddl_window_get_speed (DdlWindow *self)
{
  guint i = gtk_drop_down_get_selected (self->speed_dropdown);
  return speeds[MIN (i, G_N_ELEMENTS (speeds) - 1)];
}

static double
current_fps (DdlWindow *self)
{
  const DdlSessionVideo *v = ddl_session_get_video_info (self->session,
                                                         ddl_session_get_video (self->session));
  return v != NULL && v->fps > 0 ? v->fps : 25.0;
}

static void
update_position_label (DdlWindow *self)
{
  guint video = ddl_session_get_video (self->session);
  const DdlSessionVideo *v = ddl_session_get_video_info (self->session, video);
  guint frame = ddl_session_get_frame (self->session);
  g_autofree char *text = NULL;
  g_autofree char *score = NULL;

  if (v == NULL)
    {
      gtk_label_set_text (self->position_label, "");
      return;
    }
  double t = frame / current_fps (self);
  if (ddl_session_get_n_models (self->session) > 0)
    {
      double s = ddl_session_get_curve (self->session, 0, video)[frame];
      score = isnan (s) ? g_strdup (_("no score")) : g_strdup_printf (_("score %.4g"), s);
    }
  /* Frame numbers are 0-based everywhere in the app, as in the score files. */
  text = g_strdup_printf (_("%s · frame %u/%u · %d:%05.2f%s%s"), v->name, frame, v->n_frames - 1,
                          (int) (t / 60), fmod (t, 60), score ? " · " : "", score ? score : "");
  gtk_label_set_text (self->position_label, text);
  g_autofree char *tooltip = g_strdup_printf (_("Video %s (%u of %u), frame %u of %u (0-based), "
                                                "%.2f s at %.3g fps"),
                                              v->name, video + 1,
                                              ddl_session_get_n_videos (self->session), frame,
                                              v->n_frames, t, current_fps (self));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->position_label), tooltip);
}

/* Overlays of the current frame: error map row, reconstruction, boxes, truth badge. */
static void
update_overlays (DdlWindow *self)
{
  guint video = ddl_session_get_video (self->session);
  guint frame = ddl_session_get_frame (self->session);
  DdlAnnotations *ann = ddl_session_get_annotations (self->session);
  DdlBoxes *boxes = ddl_session_get_boxes (self->session);
  const guint8 *labels;

  if (ddl_session_get_video_info (self->session, video) == NULL)
    return;
  labels = ddl_session_get_labels (self->session, video);
  ddl_frame_view_set_truth (self->frame_view,
                            labels == NULL ? DDL_TRUTH_UNKNOWN
                            : labels[frame] ? DDL_TRUTH_ANOMALOUS : DDL_TRUTH_NORMAL,
                            ddl_annotations_get_mark (ann, video, frame) != DDL_MARK_NONE);

  ddl_frame_view_set_boxes (self->frame_view, NULL, 0);
  if (boxes != NULL)
    {
      int b = ddl_boxes_find_video (boxes,
                                    ddl_session_get_video_info (self->session, video)->name);
      guint n = 0;
      const DdlBox *list = b >= 0 ? ddl_boxes_get (boxes, (guint) b, frame, &n) : NULL;
      ddl_frame_view_set_boxes (self->frame_view, list, n);
    }

  if (self->maps != NULL && self->maps_video == video && frame >= self->maps_first
      && frame - self->maps_first < self->maps_n)
    {
      gsize row = frame - self->maps_first, hw = (gsize) self->maps_w * self->maps_h;
      const guint8 *maps = g_bytes_get_data (self->maps, NULL);
      /* Maps are at the model's input size, where the score's patch is 16 pixels (the
       * default; the maps do not record the model's setting). */
      ddl_frame_view_set_error_map (self->frame_view, maps + row * hw, self->maps_w, self->maps_h,
                                    16);
      if (self->recs != NULL)
        ddl_frame_view_set_reconstruction (self->frame_view,
                                           (const guint8 *) g_bytes_get_data (self->recs, NULL)
                                             + row * hw * self->recs_c,
                                           self->recs_c, self->maps_w, self->maps_h);
    }
  else
    {
      ddl_frame_view_set_error_map (self->frame_view, NULL, 0, 0, 16);
      ddl_frame_view_set_reconstruction (self->frame_view, NULL, 0, 0, 0);
    }
}

void
_ddl_window_show_frame (DdlWindow *self)
{
  guint frame = ddl_session_get_frame (self->session);
  guint w, h;
  g_autoptr(GBytes) rgb = ddl_frame_loader_lookup (self->loader, frame, &w, &h);

  ddl_frame_loader_request (self->loader, frame, self->playing ? 1 : 0);
  /* Until the worker delivers, the previous frame stays up: no flashing while seeking. */
  if (rgb != NULL)
    {
      ddl_frame_view_set_frame (self->frame_view, rgb, w, h);
      self->shown_frame = (int) frame;
    }
  update_overlays (self);
  update_position_label (self);
}

static void
frame_ready (DdlWindow *self, guint frame)
{
  if (frame == ddl_session_get_frame (self->session))
    _ddl_window_show_frame (self);
}

static void
loader_failed (DdlWindow *self, const char *message)
{
  ddl_window_show_error (self, message);
  _ddl_window_set_playing (self, FALSE);
}

/* ---- playback -------------------------------------------------------------------- */

static gboolean
tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  DdlWindow *self = data;
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  guint n = ddl_session_get_n_frames (self->session);
  double elapsed = (now - self->play_start_us) / 1e6;
  guint64 target = self->play_start_frame
                   + (guint64) floor (elapsed * current_fps (self) * _ddl_window_get_speed (self));

  if (n == 0 || target >= n)
    {
      ddl_session_set_frame (self->session, n > 0 ? n - 1 : 0);
      self->tick_id = 0;
      _ddl_window_set_playing (self, FALSE);
      return G_SOURCE_REMOVE;
    }
  ddl_session_set_frame (self->session, (guint) target);
  return G_SOURCE_CONTINUE;
}

static void
restart_clock (DdlWindow *self)
{
  self->play_start_us = g_get_monotonic_time ();
  self->play_start_frame = ddl_session_get_frame (self->session);
}

void
_ddl_window_set_playing (DdlWindow *self, gboolean playing)
{
  if (playing && ddl_session_get_n_frames (self->session) == 0)
    playing = FALSE;
  if (playing == self->playing)
    return;
  self->playing = playing;
  if (playing)
    {
      /* Playing from the last frame starts over. */
      if (ddl_session_get_frame (self->session) + 1 >= ddl_session_get_n_frames (self->session))
        ddl_session_set_frame (self->session, 0);
      restart_clock (self);
      /* On the window, not the frame view: the Compare page plays too, with the review
       * page (and its frame view) unmapped. */
      self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, self, NULL);
    }
  else if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  gtk_button_set_icon_name (GTK_BUTTON (self->play_button),
                            playing ? "media-playback-pause-symbolic"
                                    : "media-playback-start-symbolic");
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "play");
  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (playing));
  ddl_frame_loader_request (self->loader, ddl_session_get_frame (self->session), playing);
}

static void
speed_changed (DdlWindow *self)
{
  if (self->playing)
    restart_clock (self);
}

/* ---- error maps ------------------------------------------------------------------- */

typedef struct {
  char  *maps_path, *recs_path;
  guint  video, generation;
} MapsJob;

typedef struct {
  GBytes *maps, *recs;
  guint   n, w, h, c;
} MapsResult;

static void
maps_job_free (MapsJob *job)
{
  g_free (job->maps_path);
  g_free (job->recs_path);
  g_free (job);
}

static void
maps_result_free (MapsResult *r)
{
  g_clear_pointer (&r->maps, g_bytes_unref);
  g_clear_pointer (&r->recs, g_bytes_unref);
  g_free (r);
}

/* The bytes of a uint8 array, taken from it. */
static GBytes *
npy_to_u8 (DdlNpyArray *a)
{
  return g_bytes_new_take (g_steal_pointer (&a->bytes), a->n);
}

static void
maps_worker (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  MapsJob *job = data;
  MapsResult *r = g_new0 (MapsResult, 1);
  GError *error = NULL;
  g_autoptr(DdlNpyArray) maps = ddl_npy_load_u8 (job->maps_path, &error);

  if (maps == NULL || maps->n_dims != 3)
    {
      maps_result_free (r);
      if (error == NULL)
        error = g_error_new (DDL_NPY_ERROR, DDL_NPY_ERROR_FORMAT, "%s is not an (n, H, W) array",
                             job->maps_path);
      g_task_return_error (task, error);
      return;
    }
  r->n = maps->shape[0], r->h = maps->shape[1], r->w = maps->shape[2];
  r->maps = npy_to_u8 (maps);
  g_autoptr(DdlNpyArray) recs = ddl_npy_load_u8 (job->recs_path, NULL);
  if (recs != NULL && recs->n_dims == 4 && recs->shape[0] == r->n && recs->shape[2] == r->h
      && recs->shape[3] == r->w)
    {
      r->c = recs->shape[1];
      r->recs = npy_to_u8 (recs);
    }
  g_task_return_pointer (task, r, (GDestroyNotify) maps_result_free);
}

static void
maps_done (GObject *source, GAsyncResult *result, gpointer data)
{
  DdlWindow *self = DDL_WINDOW (source);
  MapsJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  MapsResult *r = g_task_propagate_pointer (G_TASK (result), &error);

  if (job->generation != self->maps_generation || self->session == NULL)
    {
      g_clear_pointer (&r, maps_result_free);
      return;
    }
  if (r == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No error maps: %s", error->message);
      return;
    }
  const double *curve = ddl_session_get_n_models (self->session) > 0
                        ? ddl_session_get_curve (self->session, 0, job->video) : NULL;
  guint n = ddl_session_get_video_info (self->session, job->video)->n_frames;
  self->maps_first = 0;
  /* Row 0 belongs to the first scored frame (the scorer skips the window edges). */
  while (curve != NULL && self->maps_first < n && isnan (curve[self->maps_first]))
    self->maps_first++;
  self->maps_video = job->video;
  self->maps = g_steal_pointer (&r->maps);
  self->recs = g_steal_pointer (&r->recs);
  self->maps_n = r->n, self->maps_w = r->w, self->maps_h = r->h, self->recs_c = r->c;
  maps_result_free (r);
  update_overlays (self);
}

void
_ddl_window_reload_maps (DdlWindow *self)
{
  const char *dir = ddl_session_get_maps_dir (self->session);
  guint video = ddl_session_get_video (self->session);
  const DdlSessionVideo *v = ddl_session_get_video_info (self->session, video);

  self->maps_generation++;
  g_clear_pointer (&self->maps, g_bytes_unref);
  g_clear_pointer (&self->recs, g_bytes_unref);
  if (dir == NULL || v == NULL)
    return;
  MapsJob *job = g_new0 (MapsJob, 1);
  job->maps_path = g_strdup_printf ("%s/%s.maps.npy", dir, v->name);
  job->recs_path = g_strdup_printf ("%s/%s.recs.npy", dir, v->name);
  job->video = video;
  job->generation = self->maps_generation;
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, maps_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) maps_job_free);
  g_task_run_in_thread (task, maps_worker);
}

/* ---- wiring ----------------------------------------------------------------------- */

void
_ddl_window_video_changed (DdlWindow *self)
{
  const DdlSessionVideo *v = ddl_session_get_video_info (self->session,
                                                         ddl_session_get_video (self->session));
  _ddl_window_set_playing (self, FALSE);
  ddl_frame_view_set_frame (self->frame_view, NULL, 0, 0);
  self->shown_frame = -1;
  ddl_frame_loader_set_path (self->loader, v != NULL ? v->path : NULL);
  _ddl_window_reload_maps (self);
  _ddl_window_show_frame (self);
  _ddl_window_update_actions (self);
}

static void
frame_changed (DdlWindow *self)
{
  _ddl_window_show_frame (self);
  _ddl_window_sync_event_selection (self);
  _ddl_window_update_actions (self);
}

void
_ddl_window_player_init (DdlWindow *self)
{
  g_signal_connect_swapped (self->session, "notify::frame", G_CALLBACK (frame_changed), self);
  g_signal_connect_swapped (self->session, "notify::video", G_CALLBACK (_ddl_window_video_changed),
                            self);
  g_signal_connect_swapped (self->session, "labels-changed", G_CALLBACK (update_overlays), self);
  g_signal_connect_swapped (self->session, "curves-changed", G_CALLBACK (update_position_label),
                            self);
  g_signal_connect_swapped (self->loader, "frame-ready", G_CALLBACK (frame_ready), self);
  g_signal_connect_swapped (self->loader, "failed", G_CALLBACK (loader_failed), self);
  g_signal_connect_swapped (self->speed_dropdown, "notify::selected", G_CALLBACK (speed_changed),
                            self);
}
