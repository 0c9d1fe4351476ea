/* ddl-events.h: frames above a threshold grouped into events (GTK-free).
 *
 * A frame is flagged when its score is >= threshold (NAN, an unscored frame, never
 * is). Flagged runs separated by at most `merge_gap` unflagged frames become one
 * event; events shorter than `min_length` frames are then dropped. Merging first
 * means a flicker that dips below the threshold for a frame or two does not split
 * an event into pieces that would each be too short. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint  start;       /* first frame, 0-based */
  guint  end;         /* last frame, inclusive */
  guint  peak_frame;  /* the frame with the highest score */
  double peak;        /* its score */
} DdlEvent;

/* scores: (n) with NAN for unscored frames. Returns a GArray of DdlEvent in frame
 * order (never NULL). */
GArray *ddl_events_find (const double *scores,
                         guint         n,
                         double        threshold,
                         guint         min_length,
                         guint         merge_gap);

/* The index of the first event starting after `frame` (next) or the last one starting
 * before it (previous), or -1. */
int     ddl_events_next     (GArray *events, guint frame);
int     ddl_events_previous (GArray *events, guint frame);
/* The event containing `frame`, or -1. */
int     ddl_events_at       (GArray *events, guint frame);

G_END_DECLS
