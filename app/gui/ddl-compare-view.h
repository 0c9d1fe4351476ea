/* ddl-compare-view.h: the Compare page of the main window, a second view of the same
 * DdlSession: every model's score curve on one timeline with an AUC card per model,
 * the current frame with each model's reconstruction and error map side by side, the
 * AUC difference of every model pair and the frames where the models disagree most
 * (activating one jumps there). Models' checkpoints, maps and sigma(l) come from the
 * session and from what the window tells it (ddl_compare_view_set_model_info). */
#pragma once

#include <gtk/gtk.h>
#include "ddl-compare-report.h"
#include "ddl-compare-tiles.h"
#include "ddl-frame-loader.h"
#include "ddl-session.h"

G_BEGIN_DECLS

#define DDL_TYPE_COMPARE_VIEW (ddl_compare_view_get_type ())
G_DECLARE_FINAL_TYPE (DdlCompareView, ddl_compare_view, DDL, COMPARE_VIEW, GtkBox)

/* How many frames the list of disagreements keeps per model pair, and how far apart
 * (frames) two of them must be so one event is not listed many times. */
#define DDL_COMPARE_DISAGREEMENTS 10
#define DDL_COMPARE_SPACING       8

GtkWidget             *ddl_compare_view_new            (void);
/* The session to show and the window's frame decoder (frames are never decoded twice). */
void                   ddl_compare_view_set_session    (DdlCompareView *self, DdlSession *session,
                                                        DdlFrameLoader *loader);
/* What is known about a model beyond its scores, by model name (takes ownership);
 * forgotten when other footage is opened. */
void                   ddl_compare_view_set_model_info (DdlCompareView *self,
                                                        DdlCompareModel *info);
const DdlCompareModel *ddl_compare_view_get_model_info (DdlCompareView *self, const char *name);
/* The report page and rendered video of the open report (either may be NULL), shown as
 * buttons that open them with the desktop's browser and player; forgotten with the
 * footage. */
void                   ddl_compare_view_set_report_files (DdlCompareView *self,
                                                          const char     *page,
                                                          const char     *video);
const char            *ddl_compare_view_get_report_video (DdlCompareView *self);

/* Inspection, for tests. */
DdlCompareTiles       *ddl_compare_view_get_tiles      (DdlCompareView *self);
GtkWidget             *ddl_compare_view_get_timeline   (DdlCompareView *self);
/* Badge text of model i (see ddl_auc_badge_get_text), NULL without it. */
const char            *ddl_compare_view_get_badge_text (DdlCompareView *self, guint model);
/* The AUC differences, one line per pair. */
const char            *ddl_compare_view_get_differences_text (DdlCompareView *self);
GtkListBox            *ddl_compare_view_get_disagreement_list (DdlCompareView *self);
/* Row i of the disagreement list: where it points and the models' normalised scores. */
gboolean               ddl_compare_view_get_disagreement (DdlCompareView *self, guint i,
                                                          guint *video, guint *frame,
                                                          double *a, double *b);
/* TRUE once the maps of the current video are read and the panes show the session's
 * frame. */
gboolean               ddl_compare_view_is_up_to_date  (DdlCompareView *self);

G_END_DECLS
