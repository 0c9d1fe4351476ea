/* ddl-metrics-panel.h: the evaluation protocol switches and the metrics they give:
 * micro and macro AUC, EER and AUPR per model, the ROC curve, and TPR, FPR and F1 at
 * the session's threshold. Everything is recomputed live from the session. */
#pragma once

#include <gtk/gtk.h>
#include "ddl-session.h"

G_BEGIN_DECLS

#define DDL_TYPE_METRICS_PANEL (ddl_metrics_panel_get_type ())
G_DECLARE_FINAL_TYPE (DdlMetricsPanel, ddl_metrics_panel, DDL, METRICS_PANEL, GtkBox)

GtkWidget  *ddl_metrics_panel_new          (void);
void        ddl_metrics_panel_set_session  (DdlMetricsPanel *self, DdlSession *session);
/* The text of a results cell (row 1 = model 0; columns: name, micro, macro, EER,
 * AUPR), for tests. */
const char *ddl_metrics_panel_get_cell     (DdlMetricsPanel *self, guint row, guint column);
const char *ddl_metrics_panel_get_threshold_text (DdlMetricsPanel *self);
/* Selects normalisation / the median filter from code (tests, command line). */
void        ddl_metrics_panel_set_protocol (DdlMetricsPanel *self, gboolean normalize,
                                            DdlFilter filter);

G_END_DECLS
