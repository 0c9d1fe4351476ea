/* ddl-plot-private.h: what ddl-plot.c shares with ddl-plot-roc.c: the file writer and
 * the drawing helpers. */
#pragma once

#include <cairo.h>
#include "ddl-plot.h"

G_BEGIN_DECLS

#define FONT_SIZE  11.0
#define TITLE_SIZE 13.0

/* The GUI's model colours (ddl_model_colour), so exports match the screen. */
#define DDL_PLOT_N_COLOURS 6
extern const guint32 _ddl_plot_palette[DDL_PLOT_N_COLOURS];

typedef void (*DrawFunc) (cairo_t *cr, double width, double height, gconstpointer spec);

/* Draws a width x height plot with `draw` into `path`, the format by its extension,
 * through a temporary file renamed into place. */
gboolean _ddl_plot_write         (const char   *path,
                                  int           width,
                                  int           height,
                                  DrawFunc      draw,
                                  gconstpointer spec,
                                  GError      **error);

void     _ddl_plot_set_colour    (cairo_t *cr, guint32 rgb, double alpha);
void     _ddl_plot_set_font      (cairo_t *cr, double size, gboolean bold);
/* Shows `text` with its anchor at (x, y): ax/ay 0 = left/top, 0.5 = centre, 1 =
 * right/bottom. */
void     _ddl_plot_show_text     (cairo_t *cr, const char *text, double x, double y,
                                  double ax, double ay);
/* kind 0: a line, 1: a shaded box, 2: a dashed line; 18 wide from x, centred on y. */
void     _ddl_plot_legend_swatch (cairo_t *cr, double x, double y, int kind, guint32 rgb);
/* The outline of the data area. */
void     _ddl_plot_frame_area    (cairo_t *cr, const DdlPlotRect *area);

G_END_DECLS
