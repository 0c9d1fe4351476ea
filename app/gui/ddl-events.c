/* Grouping flagged frames into events (see ddl-events.h). */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "ddl-events.h"

#include <math.h>

GArray *
ddl_events_find (const double *scores, guint n, double threshold, guint min_length,
                 guint merge_gap)
{
  GArray *runs = g_array_new (FALSE, FALSE, sizeof (DdlEvent));
  GArray *events = g_array_new (FALSE, FALSE, sizeof (DdlEvent));

  /* Runs of consecutive flagged frames, merged when the gap between them is small. */
  for (guint i = 0; i < n; i++)
    {
      if (isnan (scores[i]) || scores[i] < threshold)
        continue;
      DdlEvent *last = runs->len > 0 ? &g_array_index (runs, DdlEvent, runs->len - 1) : NULL;
      if (last != NULL && i - last->end - 1 <= merge_gap)
        {
          last->end = i;
          if (scores[i] > last->peak)
            last->peak = scores[i], last->peak_frame = i;
        }
      else
        {
          DdlEvent e = { i, i, i, scores[i] };
          g_array_append_val (runs, e);
        }
    }
  for (guint r = 0; r < runs->len; r++)
    {
      DdlEvent *e = &g_array_index (runs, DdlEvent, r);
      if (e->end - e->start + 1 >= MAX (min_length, 1u))
        g_array_append_val (events, *e);
    }
  g_array_unref (runs);
  return events;
}

int
ddl_events_next (GArray *events, guint frame)
{
  for (guint i = 0; i < events->len; i++)
    if (g_array_index (events, DdlEvent, i).start > frame)
      return (int) i;
  return -1;
}

int
ddl_events_previous (GArray *events, guint frame)
{
  for (guint i = events->len; i > 0; i--)
    if (g_array_index (events, DdlEvent, i - 1).start < frame)
      return (int) i - 1;
  return -1;
}

int
ddl_events_at (GArray *events, guint frame)
{
  for (guint i = 0; i < events->len; i++)
    {
      const DdlEvent *e = &g_array_index (events, DdlEvent, i);
      if (frame >= e->start && frame <= e->end)
        return (int) i;
    }
  return -1;
}
