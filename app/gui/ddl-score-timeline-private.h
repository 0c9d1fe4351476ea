/* ddl-score-timeline-private.h: the timeline's fields and geometry, shared by
 * ddl-score-timeline.c (view, input) and ddl-score-timeline-draw.c (drawing). */
#pragma once

#include "ddl-score-timeline.h"

G_BEGIN_DECLS

#define BAND 7.0   /* height of the event band (top) and the mark band (bottom) */

struct _DdlScoreTimeline {
  GtkWidget   parent_instance;
  DdlSession *session;
  gulong      handlers[8];
  guint       n_handlers;
  double      view_first;   /* in frames */
  double      view_len;     /* 0: the whole video */
  double      hover_x;      /* -1: not hovering */
  gboolean    dragging_threshold;
  gboolean    selecting;
  double      drag_x0, drag_y0;
  double      zoom_begin_len;
};

guint    _ddl_score_timeline_n_frames    (DdlScoreTimeline *self);
/* The plot area between the bands. */
void     _ddl_score_timeline_plot_area   (DdlScoreTimeline *self, double *top, double *bottom);
/* Model m's scale: its range over every video, padded 5 %. */
gboolean _ddl_score_timeline_model_range (DdlScoreTimeline *self, guint m, double *lo, double *hi);
double   _ddl_score_timeline_value_to_y  (DdlScoreTimeline *self, double v, double lo, double hi);
void     _ddl_score_timeline_snapshot    (GtkWidget *widget, GtkSnapshot *snapshot);

G_END_DECLS
