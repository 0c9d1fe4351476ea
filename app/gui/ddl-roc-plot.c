/* The ROC plot (see ddl-roc-plot.h). */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-roc-plot.h"
#include "ddl-score-timeline.h"

#include <glib/gi18n.h>
#include <math.h>

typedef struct {
  guint   model;
  GArray *points;   /* DdlRocPoint */
} Curve;

struct _DdlRocPlot {
  GtkWidget  parent_instance;
  GPtrArray *curves;
  double     marker_fpr, marker_tpr;
};

G_DEFINE_FINAL_TYPE (DdlRocPlot, ddl_roc_plot, GTK_TYPE_WIDGET)

static void
curve_free (gpointer p)
{
  Curve *c = p;
  g_array_unref (c->points);
  g_free (c);
}

void
ddl_roc_plot_clear (DdlRocPlot *self)
{
  g_ptr_array_set_size (self->curves, 0);
  self->marker_fpr = self->marker_tpr = NAN;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ddl_roc_plot_add_curve (DdlRocPlot *self, guint model, const DdlRocPoint *points, gsize n)
{
  Curve *c = g_new0 (Curve, 1);
  c->model = model;
  c->points = g_array_sized_new (FALSE, FALSE, sizeof (DdlRocPoint), n);
  g_array_append_vals (c->points, points, n);
  g_ptr_array_add (self->curves, c);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ddl_roc_plot_set_marker (DdlRocPlot *self, double fpr, double tpr)
{
  self->marker_fpr = fpr;
  self->marker_tpr = tpr;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
ddl_roc_plot_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  DdlRocPlot *self = DDL_ROC_PLOT (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double m = 22, side = MIN (w - m - 6, h - m - 6);
  double x0 = m, y0 = 6;

  if (side <= 10)
    return;
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x0, y0, side, side);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.6, 0.6, 0.62);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  /* Chance diagonal. */
  static const double dash[] = { 3, 3 };
  cairo_set_dash (cr, dash, 2, 0);
  cairo_move_to (cr, x0, y0 + side);
  cairo_line_to (cr, x0 + side, y0);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  for (guint i = self->curves->len; i > 0; i--)
    {
      Curve *c = g_ptr_array_index (self->curves, i - 1);
      GdkRGBA colour;
      ddl_model_colour (c->model, &colour);
      gdk_cairo_set_source_rgba (cr, &colour);
      cairo_set_line_width (cr, c->model == 0 ? 2 : 1.3);
      for (guint k = 0; k < c->points->len; k++)
        {
          const DdlRocPoint *p = &g_array_index (c->points, DdlRocPoint, k);
          double x = x0 + p->fpr * side, y = y0 + (1 - p->tpr) * side;
          if (k == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      cairo_stroke (cr);
    }
  if (!isnan (self->marker_fpr) && !isnan (self->marker_tpr))
    {
      cairo_set_source_rgb (cr, 0.75, 0.11, 0.16);
      cairo_arc (cr, x0 + self->marker_fpr * side, y0 + (1 - self->marker_tpr) * side, 4, 0,
                 2 * G_PI);
      cairo_fill (cr);
    }
  /* Axis names. */
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, _("FPR"));
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.32);
  cairo_move_to (cr, x0 + side / 2 - 10, y0 + side + 2);
  pango_cairo_show_layout (cr, layout);
  pango_layout_set_text (layout, _("TPR"), -1);
  cairo_save (cr);
  cairo_move_to (cr, 2, y0 + side / 2 + 10);
  cairo_rotate (cr, -G_PI / 2);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
  g_object_unref (layout);
  cairo_destroy (cr);
}

static void
ddl_roc_plot_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                      int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = 120;
  *natural = 240;
}

static void
ddl_roc_plot_finalize (GObject *object)
{
  g_ptr_array_unref (DDL_ROC_PLOT (object)->curves);
  G_OBJECT_CLASS (ddl_roc_plot_parent_class)->finalize (object);
}

static void
ddl_roc_plot_class_init (DdlRocPlotClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->finalize = ddl_roc_plot_finalize;
  widget_class->snapshot = ddl_roc_plot_snapshot;
  widget_class->measure = ddl_roc_plot_measure;
  gtk_widget_class_set_css_name (widget_class, "rocplot");
}

static void
ddl_roc_plot_init (DdlRocPlot *self)
{
  self->curves = g_ptr_array_new_with_free_func (curve_free);
  self->marker_fpr = self->marker_tpr = NAN;
}

GtkWidget *
ddl_roc_plot_new (void)
{
  return g_object_new (DDL_TYPE_ROC_PLOT, NULL);
}
