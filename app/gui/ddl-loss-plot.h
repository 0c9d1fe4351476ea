/* ddl-loss-plot.h: a live plot of training curves (Cairo on a GtkDrawingArea).
 *
 * Series are (x, y) points appended in increasing x (training steps). Each belongs to
 * a group (a model of the queue: its colour is ddl_model_colour (group)) and has a
 * style (the quantity: solid, dashed or dotted line); groups before the current one
 * are drawn dimmed. The y axis is logarithmic (decades) when asked and every value is
 * positive, else linear; a fixed range can be set (σ(ℓ) on 0..1). With more points
 * than pixels each pixel column is reduced to its first, min, max and last value, so
 * a draw costs O(points + width) whatever the length of the run. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  DDL_LOSS_STYLE_SOLID,
  DDL_LOSS_STYLE_DASHED,
  DDL_LOSS_STYLE_DOTTED,
} DdlLossStyle;

#define DDL_TYPE_LOSS_PLOT (ddl_loss_plot_get_type ())
G_DECLARE_FINAL_TYPE (DdlLossPlot, ddl_loss_plot, DDL, LOSS_PLOT, GtkDrawingArea)

GtkWidget *ddl_loss_plot_new               (void);
void       ddl_loss_plot_set_title         (DdlLossPlot *self, const char *title);
void       ddl_loss_plot_set_log           (DdlLossPlot *self, gboolean log);
/* A fixed y range; lo >= hi returns to the automatic range. */
void       ddl_loss_plot_set_range         (DdlLossPlot *self, double lo, double hi);
/* The legend name of a group (a model), e.g. "SDL". */
void       ddl_loss_plot_set_group_name    (DdlLossPlot *self, guint group, const char *name);
/* Groups below `group` are dimmed. */
void       ddl_loss_plot_set_current_group (DdlLossPlot *self, guint group);
/* A new series; `label` names the quantity in the legend ("L_recon"). */
guint      ddl_loss_plot_add_series        (DdlLossPlot *self, const char *label, guint group,
                                            DdlLossStyle style);
/* The series of `group` labelled `label`, or -1. */
int        ddl_loss_plot_find_series       (DdlLossPlot *self, const char *label, guint group);
/* NAN and infinite values are dropped. */
void       ddl_loss_plot_append            (DdlLossPlot *self, guint series, double x, double y);
void       ddl_loss_plot_clear             (DdlLossPlot *self);
gsize      ddl_loss_plot_get_n_points      (DdlLossPlot *self);
/* Draws into `cr` at w x h (what the draw function does; for tests and timing). */
void       ddl_loss_plot_draw              (DdlLossPlot *self, cairo_t *cr, int w, int h);

G_END_DECLS
