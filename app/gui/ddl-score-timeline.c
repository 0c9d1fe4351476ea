/* The score timeline (see ddl-score-timeline.h). */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-score-timeline-private.h"
#include "ddl-score-curve.h"

#include <glib/gi18n.h>
#include <math.h>

#define GRAB       6.0    /* pixels within which a press grabs the threshold line */
#define MIN_VIEW   8.0    /* the deepest zoom shows this many frames */



G_DEFINE_FINAL_TYPE (DdlScoreTimeline, ddl_score_timeline, GTK_TYPE_WIDGET)

void
ddl_model_colour (guint model, GdkRGBA *colour)
{
  static const char *palette[] = { "#1c71d8", "#e66100", "#2ec27e", "#9141ac", "#c01c28",
                                   "#986a44" };
  gdk_rgba_parse (colour, palette[model % G_N_ELEMENTS (palette)]);
}

guint
_ddl_score_timeline_n_frames (DdlScoreTimeline *self)
{
  return self->session != NULL ? ddl_session_get_n_frames (self->session) : 0;
}

void
ddl_score_timeline_get_view (DdlScoreTimeline *self, double *first, double *last)
{
  double len = self->view_len > 0 ? self->view_len : MAX (_ddl_score_timeline_n_frames (self), 1u);
  *first = self->view_len > 0 ? self->view_first : 0;
  *last = *first + len;
}

static void
set_view (DdlScoreTimeline *self, double first, double len)
{
  double n = MAX (_ddl_score_timeline_n_frames (self), 1u);
  len = CLAMP (len, MIN (MIN_VIEW, n), n);
  first = CLAMP (first, 0, n - len);
  if (len >= n)
    self->view_first = 0, self->view_len = 0;
  else
    self->view_first = first, self->view_len = len;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
ddl_score_timeline_frame_to_x (DdlScoreTimeline *self, double frame)
{
  double first, last;
  ddl_score_timeline_get_view (self, &first, &last);
  return (frame + 0.5 - first) * gtk_widget_get_width (GTK_WIDGET (self)) / (last - first);
}

guint
ddl_score_timeline_x_to_frame (DdlScoreTimeline *self, double x)
{
  double first, last, w = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1);
  guint n = _ddl_score_timeline_n_frames (self);
  ddl_score_timeline_get_view (self, &first, &last);
  double f = floor (first + x * (last - first) / w);
  return n == 0 ? 0 : (guint) CLAMP (f, 0, n - 1);
}

/* Plot area: between the event band and the mark band. */
void
_ddl_score_timeline_plot_area (DdlScoreTimeline *self, double *top, double *bottom)
{
  *top = BAND + 4;
  *bottom = gtk_widget_get_height (GTK_WIDGET (self)) - BAND - 4;
}

/* Model m's scale: the range of its curves over every video, so switching videos
 * keeps the scale (and the threshold line) where it was. */
gboolean
_ddl_score_timeline_model_range (DdlScoreTimeline *self, guint m, double *lo, double *hi)
{
  gboolean any = FALSE;

  if (self->session == NULL || m >= ddl_session_get_n_models (self->session))
    return FALSE;
  for (guint v = 0; v < ddl_session_get_n_videos (self->session); v++)
    {
      double a, b;
      if (!ddl_score_curve_range (ddl_session_get_curve (self->session, m, v),
                                  ddl_session_get_video_info (self->session, v)->n_frames, &a, &b))
        continue;
      *lo = any ? MIN (*lo, a) : a;
      *hi = any ? MAX (*hi, b) : b;
      any = TRUE;
    }
  if (any && *hi - *lo < 1e-12)
    *hi = *lo + 1;
  if (any)
    {
      double pad = 0.05 * (*hi - *lo);
      *lo -= pad, *hi += pad;
    }
  return any;
}

double
_ddl_score_timeline_value_to_y (DdlScoreTimeline *self, double v, double lo, double hi)
{
  double top, bottom;
  _ddl_score_timeline_plot_area (self, &top, &bottom);
  return bottom - (v - lo) / (hi - lo) * (bottom - top);
}

double
ddl_score_timeline_threshold_y (DdlScoreTimeline *self)
{
  double lo, hi;
  if (self->session == NULL || ddl_session_get_n_models (self->session) == 0
      || !_ddl_score_timeline_model_range (self, 0, &lo, &hi))
    return -1;
  return _ddl_score_timeline_value_to_y (self, ddl_session_get_threshold (self->session), lo, hi);
}

/* Fills one span per run of `flag` frames [f, e] in view. */
/* ---- input ------------------------------------------------------------------------- */

static void
set_threshold_from_y (DdlScoreTimeline *self, double y)
{
  double lo, hi, top, bottom;
  if (!_ddl_score_timeline_model_range (self, 0, &lo, &hi))
    return;
  _ddl_score_timeline_plot_area (self, &top, &bottom);
  y = CLAMP (y, top, bottom);
  ddl_session_set_threshold (self->session, lo + (bottom - y) / (bottom - top) * (hi - lo));
}

static void
drag_begin (GtkGestureDrag *gesture, double x, double y, DdlScoreTimeline *self)
{
  double ty;
  if (self->session == NULL)
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_x0 = x, self->drag_y0 = y;
  ty = ddl_score_timeline_threshold_y (self);
  self->dragging_threshold = ty >= 0 && fabs (y - ty) <= GRAB;
  self->selecting = gesture != NULL
                    && (gtk_event_controller_get_current_event_state (
                          GTK_EVENT_CONTROLLER (gesture)) & GDK_SHIFT_MASK);
  if (self->selecting)
    {
      guint f = ddl_score_timeline_x_to_frame (self, x);
      self->dragging_threshold = FALSE;
      ddl_session_set_selection (self->session, f, f);
    }
  else if (!self->dragging_threshold)
    ddl_session_set_frame (self->session, ddl_score_timeline_x_to_frame (self, x));
}

void
ddl_score_timeline_simulate_select (DdlScoreTimeline *self, double x0, double x1)
{
  ddl_session_set_selection (self->session, ddl_score_timeline_x_to_frame (self, x0),
                             ddl_score_timeline_x_to_frame (self, x1));
}

static void
drag_update (GtkGestureDrag *gesture, double dx, double dy, DdlScoreTimeline *self)
{
  if (self->session == NULL)
    return;
  if (self->dragging_threshold)
    set_threshold_from_y (self, self->drag_y0 + dy);
  else if (self->selecting)
    ddl_session_set_selection (self->session, ddl_score_timeline_x_to_frame (self, self->drag_x0),
                               ddl_score_timeline_x_to_frame (self, self->drag_x0 + dx));
  else
    ddl_session_set_frame (self->session, ddl_score_timeline_x_to_frame (self, self->drag_x0 + dx));
}

void
ddl_score_timeline_simulate_drag (DdlScoreTimeline *self, double x0, double y0, double x1,
                                  double y1)
{
  drag_begin (NULL, x0, y0, self);
  drag_update (NULL, x1 - x0, y1 - y0, self);
  self->dragging_threshold = FALSE;
}

static void
motion (GtkEventControllerMotion *controller, double x, double y, DdlScoreTimeline *self)
{
  double ty = ddl_score_timeline_threshold_y (self);
  self->hover_x = x;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   ty >= 0 && fabs (y - ty) <= GRAB ? "ns-resize" : NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave (GtkEventControllerMotion *controller, DdlScoreTimeline *self)
{
  self->hover_x = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
scroll (GtkEventControllerScroll *controller, double dx, double dy, DdlScoreTimeline *self)
{
  GdkModifierType mods = gtk_event_controller_get_current_event_state (
    GTK_EVENT_CONTROLLER (controller));
  double first, last, anchor;

  ddl_score_timeline_get_view (self, &first, &last);
  if (dx != 0 || (mods & GDK_SHIFT_MASK))
    {
      ddl_score_timeline_pan (self, 0.1 * (dx != 0 ? dx : dy));
      return TRUE;
    }
  /* Zoom around the frame under the pointer, which stays where it is. */
  anchor = self->hover_x >= 0 ? first + self->hover_x * (last - first)
                                        / MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1)
                              : ddl_session_get_frame (self->session);
  double factor = pow (1.2, -dy), len = (last - first) / factor;
  set_view (self, anchor - (anchor - first) / factor, len);
  return TRUE;
}

static void
zoom_begin (GtkGesture *gesture, GdkEventSequence *sequence, DdlScoreTimeline *self)
{
  double first, last;
  ddl_score_timeline_get_view (self, &first, &last);
  self->zoom_begin_len = last - first;
}

static void
zoom_changed (GtkGestureZoom *gesture, double scale, DdlScoreTimeline *self)
{
  double first, last;
  ddl_score_timeline_get_view (self, &first, &last);
  double centre = (first + last) / 2, len = self->zoom_begin_len / MAX (scale, 0.01);
  set_view (self, centre - len / 2, len);
}

void
ddl_score_timeline_zoom (DdlScoreTimeline *self, double factor)
{
  double first, last, f = self->session ? ddl_session_get_frame (self->session) : 0;
  ddl_score_timeline_get_view (self, &first, &last);
  set_view (self, f - (f - first) / factor, (last - first) / factor);
}

void
ddl_score_timeline_pan (DdlScoreTimeline *self, double fraction)
{
  double first, last;
  ddl_score_timeline_get_view (self, &first, &last);
  set_view (self, first + fraction * (last - first), last - first);
}

void
ddl_score_timeline_reset_zoom (DdlScoreTimeline *self)
{
  set_view (self, 0, G_MAXDOUBLE);
}

/* Keeps the playhead in view while zoomed. */
static void
frame_changed (DdlScoreTimeline *self)
{
  double first, last, f = ddl_session_get_frame (self->session);
  ddl_score_timeline_get_view (self, &first, &last);
  if (self->view_len > 0 && (f < first || f >= last))
    set_view (self, f - 0.1 * (last - first), last - first);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
video_changed (DdlScoreTimeline *self)
{
  self->view_first = 0, self->view_len = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ddl_score_timeline_set_session (DdlScoreTimeline *self, DdlSession *session)
{
  for (guint i = 0; i < self->n_handlers; i++)
    g_signal_handler_disconnect (self->session, self->handlers[i]);
  self->n_handlers = 0;
  g_set_object (&self->session, session);
  if (session == NULL)
    return;
  self->handlers[self->n_handlers++] =
    g_signal_connect_swapped (session, "notify::frame", G_CALLBACK (frame_changed), self);
  self->handlers[self->n_handlers++] =
    g_signal_connect_swapped (session, "notify::video", G_CALLBACK (video_changed), self);
  self->handlers[self->n_handlers++] =
    g_signal_connect_swapped (session, "footage-changed", G_CALLBACK (video_changed), self);
  self->handlers[self->n_handlers++] =
    g_signal_connect_swapped (session, "notify::threshold", G_CALLBACK (gtk_widget_queue_draw),
                              self);
  self->handlers[self->n_handlers++] =
    g_signal_connect_swapped (session, "curves-changed", G_CALLBACK (gtk_widget_queue_draw), self);
  self->handlers[self->n_handlers++] =
    g_signal_connect_swapped (session, "events-changed", G_CALLBACK (gtk_widget_queue_draw), self);
  self->handlers[self->n_handlers++] =
    g_signal_connect_swapped (session, "labels-changed", G_CALLBACK (gtk_widget_queue_draw), self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
ddl_score_timeline_dispose (GObject *object)
{
  ddl_score_timeline_set_session (DDL_SCORE_TIMELINE (object), NULL);
  G_OBJECT_CLASS (ddl_score_timeline_parent_class)->dispose (object);
}

static void
ddl_score_timeline_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                            int *minimum, int *natural, int *minimum_baseline,
                            int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 90;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 800 : 140;
}

static void
ddl_score_timeline_class_init (DdlScoreTimelineClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ddl_score_timeline_dispose;
  widget_class->snapshot = _ddl_score_timeline_snapshot;
  widget_class->measure = ddl_score_timeline_measure;
  gtk_widget_class_set_css_name (widget_class, "scoretimeline");
}

static void
ddl_score_timeline_init (DdlScoreTimeline *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *zoom = gtk_gesture_zoom_new ();
  GtkEventController *motion_controller = gtk_event_controller_motion_new ();
  GtkEventController *scroll_controller =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);

  self->hover_x = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (zoom, "begin", G_CALLBACK (zoom_begin), self);
  g_signal_connect (zoom, "scale-changed", G_CALLBACK (zoom_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (zoom));
  g_signal_connect (motion_controller, "motion", G_CALLBACK (motion), self);
  g_signal_connect (motion_controller, "leave", G_CALLBACK (leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion_controller);
  g_signal_connect (scroll_controller, "scroll", G_CALLBACK (scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll_controller);
}

GtkWidget *
ddl_score_timeline_new (void)
{
  return g_object_new (DDL_TYPE_SCORE_TIMELINE, NULL);
}
