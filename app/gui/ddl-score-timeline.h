/* ddl-score-timeline.h: the score timeline of the current video (Cairo).
 *
 * Draws the per-frame score curves of every model of the session (model 0 is the
 * primary one: its scale carries the threshold line), ground-truth anomalous spans
 * shaded, flagged events and the annotator's marks as bands, and the playhead.
 * Frames without a score are gaps. With more frames than pixels each pixel column
 * is reduced to its min/max, so long videos draw in time linear in the width.
 *
 * Input: click or drag to seek; drag the threshold line (grab it within a few pixels)
 * to move the threshold; Shift+drag to select frames for marking; scroll to zoom around the pointer (horizontal scroll or
 * Shift+scroll pans); pinch to zoom; hover shows frame, score and label. */
#pragma once

#include <gtk/gtk.h>
#include "ddl-session.h"

G_BEGIN_DECLS

#define DDL_TYPE_SCORE_TIMELINE (ddl_score_timeline_get_type ())
G_DECLARE_FINAL_TYPE (DdlScoreTimeline, ddl_score_timeline, DDL, SCORE_TIMELINE, GtkWidget)

GtkWidget  *ddl_score_timeline_new          (void);
void        ddl_score_timeline_set_session  (DdlScoreTimeline *self, DdlSession *session);
/* Zoom by `factor` (> 1 zooms in) around the playhead; pan by a fraction of the view. */
void        ddl_score_timeline_zoom         (DdlScoreTimeline *self, double factor);
void        ddl_score_timeline_pan          (DdlScoreTimeline *self, double fraction);
void        ddl_score_timeline_reset_zoom   (DdlScoreTimeline *self);
/* The visible frame range [first, last). */
void        ddl_score_timeline_get_view     (DdlScoreTimeline *self, double *first, double *last);
/* Pixel position of a frame / the threshold, and the frame at an x (for tests and
 * keyboard-free automation). */
double      ddl_score_timeline_frame_to_x   (DdlScoreTimeline *self, double frame);
double      ddl_score_timeline_threshold_y  (DdlScoreTimeline *self);
guint       ddl_score_timeline_x_to_frame   (DdlScoreTimeline *self, double x);
/* What a press-drag-release from (x0, y0) to (x1, y1) does. */
void        ddl_score_timeline_simulate_drag (DdlScoreTimeline *self,
                                              double x0, double y0, double x1, double y1);
/* What a Shift+drag from x0 to x1 does: selects those frames for marking. */
void        ddl_score_timeline_simulate_select (DdlScoreTimeline *self, double x0, double x1);
/* The hover readout text at x ("" outside the plot). */
char       *ddl_score_timeline_describe_at  (DdlScoreTimeline *self, double x);

/* The colour of model i's curve (shared with the legend and overview). */
void        ddl_model_colour                (guint model, GdkRGBA *colour);

G_END_DECLS
