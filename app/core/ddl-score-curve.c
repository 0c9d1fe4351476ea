/* Dense, post-processed score curves (see ddl-score-curve.h). */

#include "ddl-score-curve.h"

#include <math.h>
#include <string.h>

double *
ddl_score_curve_new (const DdlScoreVideo *video, guint column, guint n_frames,
                     const DdlEvalOptions *options)
{
  double *curve = g_new (double, MAX (n_frames, 1));
  for (guint i = 0; i < n_frames; i++)
    curve[i] = NAN;
  if (video == NULL)
    return curve;

  const double *values = ddl_score_video_get_column (video, column);
  g_autofree double *scored = g_new (double, MAX (video->n, 1));
  g_autofree double *filtered = g_new (double, MAX (video->n, 1));
  g_autofree guint *frames = g_new (guint, MAX (video->n, 1));
  gsize m = 0;

  /* Frames are stored in increasing order, so this is the scored frames in order. */
  for (guint i = 0; i < video->n; i++)
    if (!isnan (values[i]) && video->frames[i] < n_frames)
      {
        scored[m] = values[i];
        frames[m] = video->frames[i];
        m++;
      }
  if (options != NULL && options->filter == DDL_FILTER_MEDIAN)
    ddl_metrics_median_filter (filtered, scored, m, options->median_window);
  else if (options != NULL && options->filter == DDL_FILTER_GAUSSIAN)
    ddl_metrics_gaussian_filter (filtered, scored, m, options->sigma);
  else
    memcpy (filtered, scored, m * sizeof (double));
  if (options != NULL && options->normalize == DDL_NORMALIZE_PER_VIDEO)
    ddl_metrics_minmax (filtered, m);
  for (gsize i = 0; i < m; i++)
    curve[frames[i]] = filtered[i];
  return curve;
}

gboolean
ddl_score_curve_range (const double *curve, guint n, double *min, double *max)
{
  gboolean any = FALSE;
  double lo = 0, hi = 0;

  for (guint i = 0; i < n; i++)
    {
      if (isnan (curve[i]))
        continue;
      if (!any || curve[i] < lo)
        lo = curve[i];
      if (!any || curve[i] > hi)
        hi = curve[i];
      any = TRUE;
    }
  *min = lo, *max = hi;
  return any;
}

void
ddl_confusion_add (DdlConfusion *c, const double *curve, const guint8 *labels, guint n,
                   double threshold)
{
  for (guint i = 0; i < n; i++)
    {
      if (isnan (curve[i]))
        continue;
      gboolean flagged = curve[i] >= threshold;
      gboolean positive = labels != NULL && labels[i];
      if (flagged && positive)
        c->tp++;
      else if (flagged)
        c->fp++;
      else if (positive)
        c->fn++;
      else
        c->tn++;
    }
}

double
ddl_confusion_tpr (const DdlConfusion *c)
{
  return c->tp + c->fn > 0 ? (double) c->tp / (c->tp + c->fn) : NAN;
}

double
ddl_confusion_fpr (const DdlConfusion *c)
{
  return c->fp + c->tn > 0 ? (double) c->fp / (c->fp + c->tn) : NAN;
}

double
ddl_confusion_f1 (const DdlConfusion *c)
{
  double d = 2.0 * c->tp + c->fp + c->fn;
  return d > 0 ? 2.0 * c->tp / d : NAN;
}
