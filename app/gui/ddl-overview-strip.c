/* The overview strip (see ddl-overview-strip.h). */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-overview-strip.h"
#include "ddl-score-curve.h"
#include "ddl-score-timeline.h"

#include <math.h>

#define GAP 3.0

struct _DdlOverviewStrip {
  GtkWidget   parent_instance;
  DdlSession *session;
  gulong      handlers[6];
  guint       n_handlers;
  double     *aucs;       /* per video; NULL = to compute */
};

G_DEFINE_FINAL_TYPE (DdlOverviewStrip, ddl_overview_strip, GTK_TYPE_WIDGET)

static guint64
total_frames (DdlOverviewStrip *self)
{
  guint64 total = 0;
  for (guint v = 0; v < ddl_session_get_n_videos (self->session); v++)
    total += ddl_session_get_video_info (self->session, v)->n_frames;
  return MAX (total, 1);
}

/* x range of video v. */
static void
video_span (DdlOverviewStrip *self, guint v, double *x0, double *x1)
{
  guint n = ddl_session_get_n_videos (self->session);
  double usable = gtk_widget_get_width (GTK_WIDGET (self)) - GAP * (n > 0 ? n - 1 : 0);
  double scale = usable / total_frames (self);
  guint64 before = 0;
  for (guint i = 0; i < v; i++)
    before += ddl_session_get_video_info (self->session, i)->n_frames;
  *x0 = before * scale + v * GAP;
  *x1 = *x0 + ddl_session_get_video_info (self->session, v)->n_frames * scale;
}

gboolean
ddl_overview_strip_locate (DdlOverviewStrip *self, double x, guint *video, guint *frame)
{
  if (self->session == NULL)
    return FALSE;
  for (guint v = 0; v < ddl_session_get_n_videos (self->session); v++)
    {
      double x0, x1;
      video_span (self, v, &x0, &x1);
      if (x >= x0 - GAP / 2 && x < x1 + GAP / 2)
        {
          guint n = ddl_session_get_video_info (self->session, v)->n_frames;
          double f = (x - x0) / MAX (x1 - x0, 1e-9) * n;
          *video = v;
          *frame = n > 0 ? (guint) CLAMP (f, 0, n - 1) : 0;
          return TRUE;
        }
    }
  return FALSE;
}

static void
ensure_aucs (DdlOverviewStrip *self)
{
  guint n = ddl_session_get_n_videos (self->session);
  g_autoptr(DdlEvalResult) result = NULL;

  if (self->aucs != NULL)
    return;
  self->aucs = g_new (double, MAX (n, 1));
  for (guint v = 0; v < n; v++)
    self->aucs[v] = NAN;
  if (ddl_session_get_n_models (self->session) == 0
      || (result = ddl_session_evaluate (self->session, 0, NULL)) == NULL)
    return;
  for (guint i = 0; i < result->n_videos; i++)
    for (guint v = 0; v < n; v++)
      if (g_str_equal (result->videos[i].name, ddl_session_get_video_info (self->session, v)->name))
        self->aucs[v] = result->videos[i].auc;
}

double
ddl_overview_strip_get_auc (DdlOverviewStrip *self, guint video)
{
  if (self->session == NULL || video >= ddl_session_get_n_videos (self->session))
    return NAN;
  ensure_aucs (self);
  return self->aucs[video];
}

static void
ddl_overview_strip_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  DdlOverviewStrip *self = DDL_OVERVIEW_STRIP (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double lo = 0, hi = 1;

  if (self->session == NULL || ddl_session_get_n_videos (self->session) == 0 || w <= 0)
    return;
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gboolean scored = ddl_session_get_n_models (self->session) > 0
                    && ddl_session_get_score_range (self->session, &lo, &hi);
  if (hi - lo < 1e-12)
    hi = lo + 1;
  ensure_aucs (self);
  for (guint v = 0; v < ddl_session_get_n_videos (self->session); v++)
    {
      const DdlSessionVideo *info = ddl_session_get_video_info (self->session, v);
      const guint8 *labels = ddl_session_get_labels (self->session, v);
      gboolean current = v == ddl_session_get_video (self->session);
      double x0, x1;
      video_span (self, v, &x0, &x1);
      double scale = (x1 - x0) / MAX (info->n_frames, 1u);

      cairo_set_source_rgb (cr, current ? 0.86 : 0.94, current ? 0.9 : 0.94, current ? 0.98 : 0.95);
      cairo_rectangle (cr, x0, 0, x1 - x0, h);
      cairo_fill (cr);
      if (labels != NULL)
        {
          cairo_set_source_rgba (cr, 0.88, 0.11, 0.14, 0.18);
          for (guint f = 0; f < info->n_frames; f++)
            if (labels[f])
              cairo_rectangle (cr, x0 + f * scale, 0, MAX (scale, 0.5), h);
          cairo_fill (cr);
        }
      if (scored)
        {
          const double *curve = ddl_session_get_curve (self->session, 0, v);
          GdkRGBA c;
          ddl_model_colour (0, &c);
          gdk_cairo_set_source_rgba (cr, &c);
          cairo_set_line_width (cr, 1);
          /* Max per pixel column: what stands out is what the reviewer looks for. */
          for (int px = 0; px < (int) ceil (x1 - x0); px++)
            {
              guint f0 = (guint) (px / scale), f1 = (guint) ((px + 1) / scale);
              double mx = -INFINITY;
              for (guint f = f0; f < MAX (f1, f0 + 1) && f < info->n_frames; f++)
                if (!isnan (curve[f]))
                  mx = MAX (mx, curve[f]);
              if (mx > -INFINITY)
                {
                  cairo_move_to (cr, x0 + px + 0.5, h);
                  cairo_line_to (cr, x0 + px + 0.5, h - 2 - (mx - lo) / (hi - lo) * (h - 16));
                }
            }
          cairo_stroke (cr);
        }
      if (current)
        {
          cairo_set_source_rgb (cr, 0.11, 0.44, 0.85);
          cairo_set_line_width (cr, 2);
          cairo_rectangle (cr, x0 + 1, 1, x1 - x0 - 2, h - 2);
          cairo_stroke (cr);
        }
      /* Name and AUC, when they fit. */
      g_autofree char *text = isnan (self->aucs[v]) ? g_strdup (info->name)
                              : g_strdup_printf ("%s %.1f", info->name, 100 * self->aucs[v]);
      PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
      PangoAttrList *attrs = pango_attr_list_new ();
      int tw, th;
      pango_attr_list_insert (attrs, pango_attr_scale_new (0.75));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
      pango_layout_get_pixel_size (layout, &tw, &th);
      if (tw + 4 <= x1 - x0)
        {
          cairo_set_source_rgb (cr, 0.15, 0.15, 0.18);
          cairo_move_to (cr, x0 + 3, 1);
          pango_cairo_show_layout (cr, layout);
        }
      g_object_unref (layout);
    }
  cairo_destroy (cr);
}

static void
pressed (GtkGestureClick *gesture, int n_press, double x, double y, DdlOverviewStrip *self)
{
  guint video, frame;
  if (ddl_overview_strip_locate (self, x, &video, &frame))
    {
      ddl_session_set_video (self->session, video);
      ddl_session_set_frame (self->session, frame);
    }
}

static void
invalidate (DdlOverviewStrip *self)
{
  g_clear_pointer (&self->aucs, g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ddl_overview_strip_set_session (DdlOverviewStrip *self, DdlSession *session)
{
  for (guint i = 0; i < self->n_handlers; i++)
    g_signal_handler_disconnect (self->session, self->handlers[i]);
  self->n_handlers = 0;
  invalidate (self);
  g_set_object (&self->session, session);
  if (session == NULL)
    return;
  self->handlers[self->n_handlers++] =
    g_signal_connect_swapped (session, "notify::video", G_CALLBACK (gtk_widget_queue_draw), self);
  self->handlers[self->n_handlers++] =
    g_signal_connect_swapped (session, "footage-changed", G_CALLBACK (invalidate), self);
  self->handlers[self->n_handlers++] =
    g_signal_connect_swapped (session, "curves-changed", G_CALLBACK (invalidate), self);
  self->handlers[self->n_handlers++] =
    g_signal_connect_swapped (session, "labels-changed", G_CALLBACK (invalidate), self);
}

static void
ddl_overview_strip_dispose (GObject *object)
{
  ddl_overview_strip_set_session (DDL_OVERVIEW_STRIP (object), NULL);
  G_OBJECT_CLASS (ddl_overview_strip_parent_class)->dispose (object);
}

static void
ddl_overview_strip_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                            int *minimum, int *natural, int *minimum_baseline,
                            int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 100 : 40;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 600 : 44;
}

static void
ddl_overview_strip_class_init (DdlOverviewStripClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ddl_overview_strip_dispose;
  widget_class->snapshot = ddl_overview_strip_snapshot;
  widget_class->measure = ddl_overview_strip_measure;
  gtk_widget_class_set_css_name (widget_class, "overviewstrip");
}

static void
ddl_overview_strip_init (DdlOverviewStrip *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
ddl_overview_strip_new (void)
{
  return g_object_new (DDL_TYPE_OVERVIEW_STRIP, NULL);
}
