/* ddl-overview-strip.h: every test video side by side, each as wide as it is long,
 * with the primary model's curve, its ground truth and its own AUC; the current
 * video is highlighted. A click opens that video at the clicked frame. */
#pragma once

#include <gtk/gtk.h>
#include "ddl-session.h"

G_BEGIN_DECLS

#define DDL_TYPE_OVERVIEW_STRIP (ddl_overview_strip_get_type ())
G_DECLARE_FINAL_TYPE (DdlOverviewStrip, ddl_overview_strip, DDL, OVERVIEW_STRIP, GtkWidget)

GtkWidget *ddl_overview_strip_new         (void);
void       ddl_overview_strip_set_session (DdlOverviewStrip *self, DdlSession *session);
/* The video and frame at x (FALSE outside the strip). */
gboolean   ddl_overview_strip_locate      (DdlOverviewStrip *self, double x, guint *video,
                                           guint *frame);
/* The per-video AUC shown, NAN when none. */
double     ddl_overview_strip_get_auc     (DdlOverviewStrip *self, guint video);

G_END_DECLS
