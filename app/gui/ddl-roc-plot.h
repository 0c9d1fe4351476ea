/* ddl-roc-plot.h: ROC curves of the models, with the operating point of the current
 * threshold marked on the primary model's curve. */
#pragma once

#include <gtk/gtk.h>
#include "ddl-metrics.h"

G_BEGIN_DECLS

#define DDL_TYPE_ROC_PLOT (ddl_roc_plot_get_type ())
G_DECLARE_FINAL_TYPE (DdlRocPlot, ddl_roc_plot, DDL, ROC_PLOT, GtkWidget)

GtkWidget *ddl_roc_plot_new        (void);
void       ddl_roc_plot_clear      (DdlRocPlot *self);
/* Adds model `model`'s curve (copied) in its colour. */
void       ddl_roc_plot_add_curve  (DdlRocPlot *self, guint model, const DdlRocPoint *points,
                                    gsize n);
/* The operating point; NAN hides it. */
void       ddl_roc_plot_set_marker (DdlRocPlot *self, double fpr, double tpr);

G_END_DECLS
