/* The live training plot (see ddl-loss-plot.h). */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-loss-plot.h"
#include "ddl-score-timeline.h"

#include <glib/gi18n.h>
#include <math.h>

typedef struct {
  double x;
  float  y;
} Point;

typedef struct {
  char        *label;
  guint        group;
  DdlLossStyle style;
  GArray      *points;   /* Point, increasing x */
} Series;

struct _DdlLossPlot {
  GtkDrawingArea parent_instance;
  char          *title;
  gboolean       log;
  double         fixed_lo, fixed_hi;
  guint          current_group;
  GPtrArray     *series;       /* Series */
  GPtrArray     *group_names;  /* char *, index = group; NULL entries allowed */
  gsize          n_points;
};

G_DEFINE_FINAL_TYPE (DdlLossPlot, ddl_loss_plot, GTK_TYPE_DRAWING_AREA)

/* Margins around the plot area: tick labels left and below, title and legend above. */
#define M_LEFT   46
#define M_RIGHT  8
#define M_TOP    24
#define M_BOTTOM 18
#define M_ROW    16   /* a second line for the legend when the first is too narrow */

static void
series_free (gpointer data)
{
  Series *s = data;
  g_free (s->label);
  g_array_unref (s->points);
  g_free (s);
}

void
ddl_loss_plot_set_title (DdlLossPlot *self, const char *title)
{
  g_free (self->title);
  self->title = g_strdup (title);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ddl_loss_plot_set_log (DdlLossPlot *self, gboolean log)
{
  self->log = log;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ddl_loss_plot_set_range (DdlLossPlot *self, double lo, double hi)
{
  self->fixed_lo = lo;
  self->fixed_hi = hi;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ddl_loss_plot_set_group_name (DdlLossPlot *self, guint group, const char *name)
{
  if (self->group_names->len <= group)
    g_ptr_array_set_size (self->group_names, group + 1);
  g_free (self->group_names->pdata[group]);
  self->group_names->pdata[group] = g_strdup (name);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ddl_loss_plot_set_current_group (DdlLossPlot *self, guint group)
{
  self->current_group = group;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
ddl_loss_plot_add_series (DdlLossPlot *self, const char *label, guint group, DdlLossStyle style)
{
  Series *s = g_new0 (Series, 1);
  s->label = g_strdup (label);
  s->group = group;
  s->style = style;
  s->points = g_array_new (FALSE, FALSE, sizeof (Point));
  g_ptr_array_add (self->series, s);
  return self->series->len - 1;
}

int
ddl_loss_plot_find_series (DdlLossPlot *self, const char *label, guint group)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = self->series->pdata[i];
      if (s->group == group && g_str_equal (s->label, label))
        return (int) i;
    }
  return -1;
}

void
ddl_loss_plot_append (DdlLossPlot *self, guint series, double x, double y)
{
  g_return_if_fail (series < self->series->len);
  if (!isfinite (y) || !isfinite (x))
    return;
  Point p = { x, (float) y };
  g_array_append_val (((Series *) self->series->pdata[series])->points, p);
  self->n_points++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ddl_loss_plot_clear (DdlLossPlot *self)
{
  g_ptr_array_set_size (self->series, 0);
  g_ptr_array_set_size (self->group_names, 0);
  self->current_group = 0;
  self->n_points = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gsize
ddl_loss_plot_get_n_points (DdlLossPlot *self)
{
  return self->n_points;
}

/* ---- drawing ----------------------------------------------------------------------- */

typedef struct {
  double x0, x1;      /* data range */
  double y0, y1;      /* data range (log10 when log) */
  gboolean log;
  double left, top, width, height;   /* plot area in pixels */
} Map;

static double
map_x (const Map *m, double x)
{
  return m->left + (x - m->x0) / (m->x1 - m->x0) * m->width;
}

static double
map_y (const Map *m, double y)
{
  double v = m->log ? log10 (y) : y;
  return m->top + (1 - (v - m->y0) / (m->y1 - m->y0)) * m->height;
}

/* Data ranges over every point; FALSE when there is none. */
static gboolean
find_ranges (DdlLossPlot *self, Map *m)
{
  double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
  gboolean positive = TRUE;

  for (guint i = 0; i < self->series->len; i++)
    {
      GArray *pts = ((Series *) self->series->pdata[i])->points;
      for (guint k = 0; k < pts->len; k++)
        {
          const Point *p = &g_array_index (pts, Point, k);
          xlo = MIN (xlo, p->x), xhi = MAX (xhi, p->x);
          ylo = MIN (ylo, p->y), yhi = MAX (yhi, p->y);
          positive &= p->y > 0;
        }
    }
  if (!(xlo <= xhi))
    return FALSE;
  m->log = self->log && positive && !(self->fixed_lo < self->fixed_hi);
  if (self->fixed_lo < self->fixed_hi)
    ylo = self->fixed_lo, yhi = self->fixed_hi;
  else if (m->log)
    {
      ylo = log10 (ylo), yhi = log10 (yhi);
      double pad = MAX ((yhi - ylo) * 0.06, 0.05);
      ylo -= pad, yhi += pad;
    }
  else
    {
      double pad = (yhi - ylo) * 0.06;
      if (pad == 0)
        pad = MAX (fabs (yhi) * 0.1, 0.05);
      ylo -= pad, yhi += pad;
    }
  m->x0 = xlo;
  m->x1 = xhi > xlo ? xhi : xlo + 1;
  m->y0 = ylo;
  m->y1 = yhi;
  return TRUE;
}

/* 1, 2 or 5 times a power of ten, giving about `n` ticks over span. */
static double
nice_step (double span, int n)
{
  double raw = span / MAX (n, 1);
  double p = pow (10, floor (log10 (raw)));
  double f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

static void
show_text (cairo_t *cr, PangoLayout *layout, const char *text, double x, double y,
           double xalign, double yalign)
{
  int tw, th;
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_move_to (cr, x - xalign * tw, y - yalign * th);
  pango_cairo_show_layout (cr, layout);
}

static void
set_style (cairo_t *cr, DdlLossStyle style, double width)
{
  static const double dashed[] = { 5, 3 };
  static const double dotted[] = { 1.5, 2.5 };
  cairo_set_line_width (cr, width);
  if (style == DDL_LOSS_STYLE_DASHED)
    cairo_set_dash (cr, dashed, 2, 0);
  else if (style == DDL_LOSS_STYLE_DOTTED)
    cairo_set_dash (cr, dotted, 2, 0);
  else
    cairo_set_dash (cr, NULL, 0, 0);
}

static void
draw_axes (DdlLossPlot *self, cairo_t *cr, PangoLayout *layout, const Map *m, const GdkRGBA *fg)
{
  char text[32];

  cairo_set_line_width (cr, 1);
  /* y ticks: decades (and 2, 5 within a short range) on a log axis. */
  if (m->log)
    {
      gboolean fine = m->y1 - m->y0 < 2.5;
      for (int d = (int) floor (m->y0); d <= (int) ceil (m->y1); d++)
        for (int k = 1; k <= (fine ? 5 : 1); k += (k == 1 ? 1 : 3))
          {
            double v = log10 (k) + d;
            if (v < m->y0 || v > m->y1)
              continue;
            double y = round (m->top + (1 - (v - m->y0) / (m->y1 - m->y0)) * m->height) + 0.5;
            cairo_set_source_rgba (cr, 0, 0, 0, k == 1 ? 0.12 : 0.06);
            cairo_move_to (cr, m->left, y);
            cairo_line_to (cr, m->left + m->width, y);
            cairo_stroke (cr);
            g_snprintf (text, sizeof text, "%g", k * pow (10, d));
            gdk_cairo_set_source_rgba (cr, fg);
            show_text (cr, layout, text, m->left - 4, y, 1, 0.5);
          }
    }
  else
    {
      double step = nice_step (m->y1 - m->y0, MAX ((int) (m->height / 28), 2));
      for (double v = ceil (m->y0 / step) * step; v <= m->y1 + step * 1e-9; v += step)
        {
          double y = round (map_y (m, v)) + 0.5;
          cairo_set_source_rgba (cr, 0, 0, 0, 0.1);
          cairo_move_to (cr, m->left, y);
          cairo_line_to (cr, m->left + m->width, y);
          cairo_stroke (cr);
          g_snprintf (text, sizeof text, "%.3g", fabs (v) < step * 1e-6 ? 0 : v);
          gdk_cairo_set_source_rgba (cr, fg);
          show_text (cr, layout, text, m->left - 4, y, 1, 0.5);
        }
    }
  /* x ticks: steps. */
  double step = MAX (nice_step (m->x1 - m->x0, MAX ((int) (m->width / 70), 2)), 1);
  for (double v = ceil (m->x0 / step) * step; v <= m->x1 + 1e-9; v += step)
    {
      double x = round (map_x (m, v)) + 0.5;
      cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
      cairo_move_to (cr, x, m->top + m->height);
      cairo_line_to (cr, x, m->top + m->height + 3);
      cairo_stroke (cr);
      g_snprintf (text, sizeof text, "%.0f", v);
      gdk_cairo_set_source_rgba (cr, fg);
      show_text (cr, layout, text, x, m->top + m->height + 3, 0.5, 0);
    }
}

/* One series as a path, each pixel column reduced to first, min, max, last. */
static void
trace (cairo_t *cr, GArray *pts, const Map *m)
{
  double col = NAN, first = 0, lo = 0, hi = 0, last = 0;
  gboolean started = FALSE;

  if (pts->len == 1)
    {
      const Point *p = &g_array_index (pts, Point, 0);
      cairo_new_sub_path (cr);
      cairo_arc (cr, map_x (m, p->x), map_y (m, p->y), 1.5, 0, 2 * G_PI);
      return;
    }
  for (guint k = 0; k <= pts->len; k++)
    {
      double px = 0, py = 0;
      if (k < pts->len)
        {
          const Point *p = &g_array_index (pts, Point, k);
          px = floor (map_x (m, p->x)) + 0.5;
          py = map_y (m, p->y);
          if (px == col)
            {
              lo = MIN (lo, py), hi = MAX (hi, py), last = py;
              continue;
            }
        }
      if (!isnan (col))
        {
          if (!started)
            cairo_move_to (cr, col, first), started = TRUE;
          else
            cairo_line_to (cr, col, first);
          if (lo != hi)
            {
              cairo_line_to (cr, col, lo);
              cairo_line_to (cr, col, hi);
            }
          cairo_line_to (cr, col, last);
        }
      col = px;
      first = lo = hi = last = py;
    }
}

/* The legend, right-aligned at `right`, centred on `y`: model chips, then the
 * quantities' line styles (only when the plot shows more than one quantity). Draws
 * only when `draw`; returns its width either way. */
static double
legend (DdlLossPlot *self, cairo_t *cr, PangoLayout *layout, double right, double y,
        const GdkRGBA *fg, gboolean draw)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GArray) styles = g_array_new (FALSE, FALSE, sizeof (DdlLossStyle));
  double x = right;
  int tw, th;

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = self->series->pdata[i];
      gboolean seen = FALSE;
      for (guint k = 0; k < labels->len && !seen; k++)
        seen = g_str_equal (labels->pdata[k], s->label);
      if (!seen)
        {
          g_ptr_array_add (labels, s->label);
          g_array_append_val (styles, s->style);
        }
    }
  for (guint g = self->group_names->len; g > 0; g--)
    {
      const char *name = self->group_names->pdata[g - 1];
      GdkRGBA colour;
      if (name == NULL)
        continue;
      pango_layout_set_text (layout, name, -1);
      pango_layout_get_pixel_size (layout, &tw, &th);
      x -= tw;
      if (draw)
        {
          gdk_cairo_set_source_rgba (cr, fg);
          cairo_move_to (cr, x, y - th / 2.0);
          pango_cairo_show_layout (cr, layout);
          ddl_model_colour (g - 1, &colour);
          if (g - 1 < self->current_group)
            colour.alpha = 0.4;
          gdk_cairo_set_source_rgba (cr, &colour);
          cairo_rectangle (cr, x - 14, y - 5, 10, 10);
          cairo_fill (cr);
        }
      x -= 14 + 10;
    }
  if (labels->len >= 2)
    for (guint k = labels->len; k > 0; k--)
      {
        pango_layout_set_text (layout, labels->pdata[k - 1], -1);
        pango_layout_get_pixel_size (layout, &tw, &th);
        x -= tw;
        if (draw)
          {
            gdk_cairo_set_source_rgba (cr, fg);
            cairo_move_to (cr, x, y - th / 2.0);
            pango_cairo_show_layout (cr, layout);
            set_style (cr, g_array_index (styles, DdlLossStyle, k - 1), 1.5);
            cairo_move_to (cr, x - 24, round (y) + 0.5);
            cairo_line_to (cr, x - 4, round (y) + 0.5);
            cairo_stroke (cr);
            set_style (cr, DDL_LOSS_STYLE_SOLID, 1);
          }
        x -= 24 + 10;
      }
  return right - x;
}

void
ddl_loss_plot_draw (DdlLossPlot *self, cairo_t *cr, int w, int h)
{
  GtkWidget *widget = GTK_WIDGET (self);
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, NULL);
  PangoFontDescription *font = pango_font_description_from_string ("Sans 8");
  GdkRGBA fg;
  Map m = { 0 };

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  /* The title left and the legend right on one line, or the legend on a second line
   * when both do not fit. */
  int title_w = 0, title_h = 0;
  PangoLayout *title = NULL;
  if (self->title != NULL)
    {
      PangoFontDescription *bold = pango_font_description_from_string ("Sans Bold 9");
      title = gtk_widget_create_pango_layout (widget, self->title);
      pango_layout_set_font_description (title, bold);
      pango_font_description_free (bold);
      pango_layout_get_pixel_size (title, &title_w, &title_h);
    }
  double legend_w = legend (self, cr, layout, w - M_RIGHT, 0, &fg, FALSE);
  gboolean two_rows = 2 + title_w + 16 + legend_w > w - M_RIGHT;
  double legend_y = M_TOP / 2.0 - 1 + (two_rows ? M_ROW : 0);

  m.left = M_LEFT, m.top = M_TOP + (two_rows ? M_ROW : 0);
  m.width = w - M_LEFT - M_RIGHT, m.height = h - m.top - M_BOTTOM;
  if (m.width < 20 || m.height < 20)
    {
      g_clear_object (&title);
      g_object_unref (layout);
      return;
    }
  if (title != NULL)
    {
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_move_to (cr, 2, M_TOP / 2.0 - title_h / 2.0 - 1);
      pango_cairo_show_layout (cr, title);
      g_object_unref (title);
    }
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, m.left, m.top, m.width, m.height);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.3);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

  if (!find_ranges (self, &m))
    {
      cairo_set_source_rgba (cr, 0, 0, 0, 0.45);
      show_text (cr, layout, _("No training steps yet"), m.left + m.width / 2,
                 m.top + m.height / 2, 0.5, 0.5);
      g_object_unref (layout);
      return;
    }
  draw_axes (self, cr, layout, &m, &fg);
  legend (self, cr, layout, w - M_RIGHT, legend_y, &fg, TRUE);

  cairo_save (cr);
  cairo_rectangle (cr, m.left, m.top, m.width, m.height);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  /* Dimmed groups first, so the current model's lines are on top. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->series->len; i++)
      {
        Series *s = self->series->pdata[i];
        gboolean dim = s->group < self->current_group;
        GdkRGBA colour;
        if (dim != (pass == 0) || s->points->len == 0)
          continue;
        ddl_model_colour (s->group, &colour);
        colour.alpha = dim ? 0.3 : 1;
        gdk_cairo_set_source_rgba (cr, &colour);
        set_style (cr, s->style, s->style == DDL_LOSS_STYLE_SOLID ? 1.6 : 1.2);
        trace (cr, s->points, &m);
        cairo_stroke (cr);
      }
  cairo_restore (cr);
  g_object_unref (layout);
}

static void
draw_func (GtkDrawingArea *area, cairo_t *cr, int w, int h, gpointer data)
{
  ddl_loss_plot_draw (DDL_LOSS_PLOT (area), cr, w, h);
}

static void
ddl_loss_plot_finalize (GObject *object)
{
  DdlLossPlot *self = DDL_LOSS_PLOT (object);
  g_free (self->title);
  g_ptr_array_unref (self->series);
  g_ptr_array_unref (self->group_names);
  G_OBJECT_CLASS (ddl_loss_plot_parent_class)->finalize (object);
}

static void
ddl_loss_plot_class_init (DdlLossPlotClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ddl_loss_plot_finalize;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "lossplot");
}

static void
ddl_loss_plot_init (DdlLossPlot *self)
{
  self->series = g_ptr_array_new_with_free_func (series_free);
  self->group_names = g_ptr_array_new_with_free_func (g_free);
  self->fixed_lo = self->fixed_hi = 0;
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self), 260);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self), 170);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), draw_func, NULL, NULL);
}

GtkWidget *
ddl_loss_plot_new (void)
{
  return g_object_new (DDL_TYPE_LOSS_PLOT, NULL);
}
