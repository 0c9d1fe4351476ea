/* ddl-disagreements.c: the frames where two models' curves differ most, one per event.
 *
 * Selection is greedy non-maximum suppression: candidates in order of |a - b| (largest
 * first; ties by video, then frame, both ascending), a candidate is kept unless a kept
 * frame of the same video lies fewer than `spacing` frames away, until `max_results` are
 * kept. Suppression never crosses videos, so each video's kept frames are the first ones
 * of that video's own greedy pass: add_video runs the pass per video and keeps at most
 * max_results, and get merges the per-video lists. Memory stays O(videos x max_results)
 * whatever the footage's length. */
#include "ddl-report.h"

#include <math.h>
#include <stdlib.h>

struct _DdlDisagreements {
  guint    max_results;
  guint    spacing;
  GArray  *kept;      /* DdlDisagreement: every video's greedy picks */
  gboolean sorted;    /* kept is in final order and trimmed */
};

DdlDisagreements *
ddl_disagreements_new (guint max_results, guint spacing)
{
  DdlDisagreements *d = g_new0 (DdlDisagreements, 1);

  d->max_results = max_results;
  d->spacing = spacing;
  d->kept = g_array_new (FALSE, FALSE, sizeof (DdlDisagreement));
  return d;
}

void
ddl_disagreements_free (DdlDisagreements *d)
{
  if (d == NULL)
    return;
  g_array_unref (d->kept);
  g_free (d);
}

/* Larger |difference| first, then lower video, then lower frame: a total order, so the
 * result does not depend on the sort algorithm. */
static int
compare_disagreements (const void *pa, const void *pb)
{
  const DdlDisagreement *a = pa, *b = pb;
  double da = fabs (a->difference), db = fabs (b->difference);

  if (da != db)
    return da > db ? -1 : 1;
  if (a->video != b->video)
    return a->video < b->video ? -1 : 1;
  return a->frame < b->frame ? -1 : a->frame > b->frame;
}

void
ddl_disagreements_add_video (DdlDisagreements *d, guint video, const double *a,
                             const double *b, guint n_frames)
{
  g_autofree DdlDisagreement *candidates = NULL;
  g_autofree guint *picked = NULL;   /* frames kept in this video */
  guint n = 0, n_picked = 0;

  g_return_if_fail (d != NULL);
  if (d->max_results == 0 || n_frames == 0)
    return;
  candidates = g_new (DdlDisagreement, n_frames);
  for (guint f = 0; f < n_frames; f++)
    if (!isnan (a[f]) && !isnan (b[f]))
      candidates[n++] = (DdlDisagreement) { video, f, a[f], b[f], a[f] - b[f] };
  qsort (candidates, n, sizeof *candidates, compare_disagreements);

  picked = g_new (guint, MAX (MIN (d->max_results, n), 1));   /* at most one pick per candidate */
  for (guint i = 0; i < n && n_picked < d->max_results; i++)
    {
      gboolean suppressed = FALSE;
      for (guint k = 0; k < n_picked && !suppressed; k++)
        {
          guint f = candidates[i].frame, g = picked[k];
          suppressed = (f > g ? f - g : g - f) < d->spacing;
        }
      if (suppressed)
        continue;
      picked[n_picked++] = candidates[i].frame;
      g_array_append_val (d->kept, candidates[i]);
    }
  d->sorted = FALSE;
}

const DdlDisagreement *
ddl_disagreements_get (DdlDisagreements *d, guint *n)
{
  g_return_val_if_fail (d != NULL, NULL);
  if (!d->sorted)
    {
      g_array_sort (d->kept, compare_disagreements);
      if (d->kept->len > d->max_results)
        g_array_set_size (d->kept, d->max_results);
      d->sorted = TRUE;
    }
  if (n != NULL)
    *n = d->kept->len;
  return (const DdlDisagreement *) d->kept->data;
}
