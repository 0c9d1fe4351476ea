/* ddl-plot-roc.c: ROC curves with the chance diagonal and each model's AUC in the
 * legend (see ddl-plot.h); the file writing and drawing helpers are in ddl-plot.c. */
#include "config.h"

#include "ddl-plot-private.h"

#include <math.h>
#include <string.h>

void
ddl_plot_roc_init (DdlPlotRoc *spec)
{
  memset (spec, 0, sizeof *spec);
}

static void
roc_size (const DdlPlotRoc *spec, int *width, int *height)
{
  *width = spec->width > 0 ? spec->width : DDL_PLOT_ROC_SIZE;
  *height = spec->height > 0 ? spec->height : DDL_PLOT_ROC_SIZE;
}

void
ddl_plot_roc_get_area (const DdlPlotRoc *spec, DdlPlotRect *area)
{
  int width, height;
  double top = spec->title != NULL ? 34 : 14, left = 62, right = 18, bottom = 46;
  double side;

  roc_size (spec, &width, &height);
  side = MAX (floor (MIN (width - left - right, height - top - bottom)), 1);
  /* centred in whatever room the other direction leaves */
  area->x = floor (left + (width - left - right - side) / 2);
  area->y = floor (top + (height - top - bottom - side) / 2);
  area->width = area->height = side;
}

static void
roc_legend (cairo_t *cr, const DdlPlotRoc *spec, const DdlPlotRect *a)
{
  g_autoptr(GPtrArray) text = g_ptr_array_new_with_free_func (g_free);
  double widest = 0, row = 18, box_w, box_h, x, y;

  _ddl_plot_set_font (cr, FONT_SIZE, FALSE);
  for (guint i = 0; i < spec->n_curves; i++)
    {
      const DdlPlotRocCurve *c = &spec->curves[i];
      const char *name = c->name != NULL ? c->name : "score";
      cairo_text_extents_t ext;
      char *t = isfinite (c->auc) ? g_strdup_printf ("%s (AUC %.4f)", name, c->auc)
                                  : g_strdup (name);
      cairo_text_extents (cr, t, &ext);
      widest = MAX (widest, ext.x_advance);
      g_ptr_array_add (text, t);
    }
  box_w = widest + 40;
  box_h = row * spec->n_curves + 8;
  x = a->x + a->width - box_w - 8;
  y = a->y + a->height - box_h - 8;
  cairo_set_source_rgba (cr, 1, 1, 1, 0.92);
  cairo_rectangle (cr, x, y, box_w, box_h);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0.8, 0.8, 0.82);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
  for (guint i = 0; i < spec->n_curves; i++)
    {
      double cy = y + 4 + row * (i + 0.5);
      _ddl_plot_legend_swatch (cr, x + 8, cy, 0, _ddl_plot_palette[i % DDL_PLOT_N_COLOURS]);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.18);
      _ddl_plot_show_text (cr, g_ptr_array_index (text, i), x + 32, cy, 0, 0.5);
    }
}

static void
draw_roc (cairo_t *cr, double width, double height, gconstpointer data)
{
  const DdlPlotRoc *spec = data;
  static const double dash[] = { 5, 4 };
  DdlPlotRect a;
  char buf[16];

  ddl_plot_roc_get_area (spec, &a);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  _ddl_plot_set_font (cr, FONT_SIZE, FALSE);
  cairo_set_line_width (cr, 1);
  for (int i = 0; i <= 5; i++)
    {
      double v = i / 5.0;
      double x = round (a.x + v * a.width) + 0.5, y = round (a.y + (1 - v) * a.height) + 0.5;
      cairo_set_source_rgb (cr, 0.91, 0.91, 0.93);
      cairo_move_to (cr, x, a.y);
      cairo_line_to (cr, x, a.y + a.height);
      cairo_move_to (cr, a.x, y);
      cairo_line_to (cr, a.x + a.width, y);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.33);
      cairo_move_to (cr, x, a.y + a.height);
      cairo_line_to (cr, x, a.y + a.height + 5);
      cairo_move_to (cr, a.x, y);
      cairo_line_to (cr, a.x - 5, y);
      cairo_stroke (cr);
      g_snprintf (buf, sizeof buf, "%.1f", v);
      _ddl_plot_show_text (cr, buf, x, a.y + a.height + 8, 0.5, 0);
      _ddl_plot_show_text (cr, buf, a.x - 8, y, 1, 0.5);
    }
  _ddl_plot_show_text (cr, "false positive rate", a.x + a.width / 2, a.y + a.height + 40, 0.5, 1);
  cairo_save (cr);
  cairo_translate (cr, a.x - 46, a.y + a.height / 2);
  cairo_rotate (cr, -G_PI / 2);
  _ddl_plot_show_text (cr, "true positive rate", 0, 0, 0.5, 0.5);
  cairo_restore (cr);

  /* chance diagonal */
  cairo_set_source_rgb (cr, 0.55, 0.55, 0.58);
  cairo_set_line_width (cr, 1.2);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_move_to (cr, a.x, a.y + a.height);
  cairo_line_to (cr, a.x + a.width, a.y);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  /* curves, the first on top */
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, 2);
  for (guint i = spec->n_curves; i > 0; i--)
    {
      const DdlPlotRocCurve *c = &spec->curves[i - 1];
      _ddl_plot_set_colour (cr, _ddl_plot_palette[(i - 1) % DDL_PLOT_N_COLOURS], 1);
      for (gsize k = 0; k < c->n_points; k++)
        cairo_line_to (cr, a.x + c->points[k].fpr * a.width,
                       a.y + (1 - c->points[k].tpr) * a.height);
      cairo_stroke (cr);
    }
  _ddl_plot_frame_area (cr, &a);
  roc_legend (cr, spec, &a);

  if (spec->title != NULL)
    {
      _ddl_plot_set_font (cr, TITLE_SIZE, TRUE);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.12);
      _ddl_plot_show_text (cr, spec->title, a.x, a.y / 2, 0, 0.5);
    }
}

gboolean
ddl_plot_roc (const DdlPlotRoc *spec, const char *path, GError **error)
{
  int width, height;

  if (spec->n_curves == 0)
    {
      g_set_error (error, DDL_PLOT_ERROR, DDL_PLOT_ERROR_INVALID,
                   "nothing to draw in %s: no ROC curves", path);
      return FALSE;
    }
  for (guint i = 0; i < spec->n_curves; i++)
    if (spec->curves[i].n_points == 0)
      {
        g_set_error (error, DDL_PLOT_ERROR, DDL_PLOT_ERROR_INVALID,
                     "cannot draw %s: the ROC curve of %s has no points (one class only?)",
                     path, spec->curves[i].name != NULL ? spec->curves[i].name : "score");
        return FALSE;
      }
  roc_size (spec, &width, &height);
  return _ddl_plot_write (path, width, height, draw_roc, spec, error);
}
