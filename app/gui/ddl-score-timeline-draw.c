/* Drawing the score timeline (see ddl-score-timeline.h). Everything is drawn with
 * Cairo from the session's curves at snapshot time; long videos are reduced to one
 * min/max pair per pixel column. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-score-timeline-private.h"

#include <glib/gi18n.h>
#include <math.h>

static void
fill_runs (DdlScoreTimeline *self, cairo_t *cr, const guint8 *values, guint8 flag, guint n,
           double y, double height)
{
  double first, last;
  ddl_score_timeline_get_view (self, &first, &last);
  for (guint f = (guint) MAX (first, 0); f < n && f < last + 1; f++)
    {
      if (values[f] != flag)
        continue;
      guint e = f;
      while (e + 1 < n && values[e + 1] == flag)
        e++;
      double x0 = ddl_score_timeline_frame_to_x (self, f - 0.5);
      double x1 = ddl_score_timeline_frame_to_x (self, e + 0.5);
      cairo_rectangle (cr, x0, y, MAX (x1 - x0, 1), height);
      f = e;
    }
  cairo_fill (cr);
}

static void
draw_curve (DdlScoreTimeline *self, cairo_t *cr, const double *curve, guint n, double lo,
            double hi)
{
  double first, last, w = gtk_widget_get_width (GTK_WIDGET (self));
  gboolean pen = FALSE;

  ddl_score_timeline_get_view (self, &first, &last);
  if (last - first <= w)
    {
      /* Fewer frames than pixels: a polyline through the frames, broken at gaps. */
      for (gint64 f = (gint64) floor (first) - 1; f <= (gint64) ceil (last) && f < n; f++)
        {
          if (f < 0 || isnan (curve[f]))
            {
              pen = FALSE;
              continue;
            }
          double x = ddl_score_timeline_frame_to_x (self, f), y = _ddl_score_timeline_value_to_y (self, curve[f], lo, hi);
          if (pen)
            cairo_line_to (cr, x, y);
          else
            cairo_move_to (cr, x, y);
          pen = TRUE;
        }
    }
  else
    {
      /* More frames than pixels: each column is the min/max of its frames, filled as a
       * band between the two envelopes (stroking a zigzag through every column costs
       * several times more). Gaps split the band. */
      double per_px = (last - first) / w, line = cairo_get_line_width (cr);
      int columns = (int) ceil (w);
      g_autofree double *top = g_new (double, columns);
      g_autofree double *bottom = g_new (double, columns);
      int run = 0;
      for (int px = 0; px <= columns; px++)
        {
          double mn = INFINITY, mx = -INFINITY;
          if (px < columns)
            {
              guint f0 = (guint) (first + px * per_px), f1 = (guint) (first + (px + 1) * per_px);
              for (guint f = f0; f < MAX (f1, f0 + 1) && f < n; f++)
                if (!isnan (curve[f]))
                  mn = MIN (mn, curve[f]), mx = MAX (mx, curve[f]);
            }
          if (mn <= mx)
            {
              double yt = _ddl_score_timeline_value_to_y (self, mx, lo, hi), yb = _ddl_score_timeline_value_to_y (self, mn, lo, hi);
              double grow = MAX (0, line - (yb - yt)) / 2;
              top[run] = yt - grow;
              bottom[run] = yb + grow;
              run++;
              continue;
            }
          if (run > 0)
            {
              int x0 = px - run;
              /* Steps of one pixel: each column covers [x, x + 1). */
              cairo_move_to (cr, x0, top[0]);
              for (int i = 0; i < run; i++)
                {
                  cairo_line_to (cr, x0 + i, top[i]);
                  cairo_line_to (cr, x0 + i + 1, top[i]);
                }
              for (int i = run - 1; i >= 0; i--)
                {
                  cairo_line_to (cr, x0 + i + 1, bottom[i]);
                  cairo_line_to (cr, x0 + i, bottom[i]);
                }
              cairo_close_path (cr);
              cairo_fill (cr);
            }
          run = 0;
        }
      return;
    }
  cairo_stroke (cr);
}

static void
draw_text (GtkWidget *widget, cairo_t *cr, const char *text, double x, double y, gboolean box)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  int tw, th;
  double w = gtk_widget_get_width (widget);

  if (!box)
    {
      PangoAttrList *attrs = pango_attr_list_new ();
      pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  pango_layout_get_pixel_size (layout, &tw, &th);
  x = CLAMP (x, 2, w - tw - 6);
  if (box)
    {
      cairo_set_source_rgba (cr, 0.1, 0.1, 0.12, 0.85);
      cairo_rectangle (cr, x - 3, y - 1, tw + 6, th + 2);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
    }
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

void
_ddl_score_timeline_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  DdlScoreTimeline *self = DDL_SCORE_TIMELINE (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double top, bottom, lo, hi;
  guint n = _ddl_score_timeline_n_frames (self);
  cairo_t *cr;

  if (w <= 0 || h <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  _ddl_score_timeline_plot_area (self, &top, &bottom);
  cairo_set_source_rgb (cr, 0.985, 0.985, 0.99);
  cairo_paint (cr);
  if (self->session == NULL || n == 0)
    {
      cairo_destroy (cr);
      return;
    }
  guint video = ddl_session_get_video (self->session);

  /* Ground truth (effective labels: truth with the annotator's marks applied). */
  const guint8 *labels = ddl_session_get_labels (self->session, video);
  if (labels != NULL)
    {
      cairo_set_source_rgba (cr, 0.88, 0.11, 0.14, 0.13);
      fill_runs (self, cr, labels, 1, n, top, bottom - top);
    }
  /* Marks band: accepted anomalous in red, rejected (normal) in green. */
  DdlAnnotations *ann = ddl_session_get_annotations (self->session);
  if (ann != NULL && ddl_annotations_count_marked (ann) > 0)
    {
      g_autofree guint8 *marks = g_new (guint8, n);
      for (guint f = 0; f < n; f++)
        marks[f] = ddl_annotations_get_mark (ann, video, f);
      cairo_set_source_rgb (cr, 0.75, 0.11, 0.16);
      fill_runs (self, cr, marks, DDL_MARK_ANOMALOUS, n, h - BAND, BAND);
      cairo_set_source_rgb (cr, 0.15, 0.64, 0.41);
      fill_runs (self, cr, marks, DDL_MARK_NORMAL, n, h - BAND, BAND);
    }
  /* The selection waiting to be marked. */
  guint sel_start, sel_end;
  if (ddl_session_get_selection (self->session, &sel_start, &sel_end))
    {
      double x0 = ddl_score_timeline_frame_to_x (self, sel_start - 0.5);
      double x1 = ddl_score_timeline_frame_to_x (self, sel_end + 0.5);
      cairo_set_source_rgba (cr, 0.11, 0.44, 0.85, 0.18);
      cairo_rectangle (cr, x0, top, MAX (x1 - x0, 1), bottom - top);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.11, 0.44, 0.85);
      cairo_rectangle (cr, x0, h - BAND, MAX (x1 - x0, 1), 2);
      cairo_fill (cr);
    }
  /* Events band. */
  GArray *events = ddl_session_get_events (self->session);
  cairo_set_source_rgb (cr, 0.96, 0.47, 0.0);
  for (guint i = 0; i < events->len; i++)
    {
      const DdlEvent *e = &g_array_index (events, DdlEvent, i);
      double x0 = ddl_score_timeline_frame_to_x (self, e->start - 0.5);
      double x1 = ddl_score_timeline_frame_to_x (self, e->end + 0.5);
      cairo_rectangle (cr, x0, 0, MAX (x1 - x0, 1), BAND);
    }
  cairo_fill (cr);

  /* Curves, the primary model last so it is on top. */
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint m = ddl_session_get_n_models (self->session); m > 0; m--)
    {
      GdkRGBA c;
      if (!_ddl_score_timeline_model_range (self, m - 1, &lo, &hi))
        continue;
      ddl_model_colour (m - 1, &c);
      cairo_set_source_rgba (cr, c.red, c.green, c.blue, m == 1 ? 1.0 : 0.8);
      cairo_set_line_width (cr, m == 1 ? 1.6 : 1.2);
      draw_curve (self, cr, ddl_session_get_curve (self->session, m - 1, video), n, lo, hi);
    }
  /* Threshold line with a grab handle at the right edge. */
  double ty = ddl_score_timeline_threshold_y (self);
  if (ty >= 0)
    {
      static const double dash[] = { 6, 4 };
      cairo_set_source_rgb (cr, 0.75, 0.11, 0.16);
      cairo_set_line_width (cr, 1.2);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, 0, ty);
      cairo_line_to (cr, w, ty);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_rectangle (cr, w - 12, ty - 4, 12, 8);
      cairo_fill (cr);
      g_autofree char *value = g_strdup_printf ("%.4g", ddl_session_get_threshold (self->session));
      draw_text (widget, cr, value, w - 80, ty < top + 16 ? ty + 2 : ty - 15, FALSE);
    }
  /* The primary model's scale at the top and bottom of the plot. */
  if (_ddl_score_timeline_model_range (self, 0, &lo, &hi))
    {
      g_autofree char *top_text = g_strdup_printf ("%.3g", hi);
      g_autofree char *bottom_text = g_strdup_printf ("%.3g", lo);
      cairo_set_source_rgb (cr, 0.45, 0.45, 0.5);
      draw_text (widget, cr, top_text, 3, top, FALSE);
      draw_text (widget, cr, bottom_text, 3, bottom - 13, FALSE);
    }
  /* Playhead. */
  double px = ddl_score_timeline_frame_to_x (self, ddl_session_get_frame (self->session));
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.12);
  cairo_set_line_width (cr, 1.5);
  cairo_move_to (cr, px, 0);
  cairo_line_to (cr, px, h);
  cairo_stroke (cr);

  if (self->hover_x >= 0)
    {
      g_autofree char *text = ddl_score_timeline_describe_at (self, self->hover_x);
      cairo_set_source_rgba (cr, 0.1, 0.1, 0.12, 0.35);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, floor (self->hover_x) + 0.5, top);
      cairo_line_to (cr, floor (self->hover_x) + 0.5, bottom);
      cairo_stroke (cr);
      draw_text (widget, cr, text, self->hover_x + 8, top + 2, TRUE);
    }
  cairo_destroy (cr);
}

char *
ddl_score_timeline_describe_at (DdlScoreTimeline *self, double x)
{
  if (self->session == NULL || _ddl_score_timeline_n_frames (self) == 0)
    return g_strdup ("");
  guint f = ddl_score_timeline_x_to_frame (self, x);
  guint video = ddl_session_get_video (self->session);
  const guint8 *labels = ddl_session_get_labels (self->session, video);
  g_autoptr(GString) s = g_string_new (NULL);

  g_string_append_printf (s, _("Frame %u"), f);
  for (guint m = 0; m < ddl_session_get_n_models (self->session); m++)
    {
      double v = ddl_session_get_curve (self->session, m, video)[f];
      if (isnan (v))
        g_string_append_printf (s, " · %s: %s", ddl_session_get_model_name (self->session, m),
                                _("no score"));
      else
        g_string_append_printf (s, " · %s: %.4g", ddl_session_get_model_name (self->session, m), v);
    }
  if (labels != NULL)
    g_string_append_printf (s, " · %s", labels[f] ? _("anomalous") : _("normal"));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

