/* ddl-score-curve.h: a video's scores as a dense per-frame curve (GTK-free).
 *
 * The curve has one value per frame of the footage, NAN where the model gave no
 * score (the first and last (T-1)/2 frames of a T-frame model), so plots show gaps
 * instead of zeros. The protocol's post-processing (filter, then per-video min-max)
 * runs over the scored frames in order, exactly as ddl_eval_run does, so the curve
 * the user thresholds is the one the metrics are computed on. */
#pragma once

#include <glib.h>
#include "ddl-metrics.h"
#include "ddl-scores.h"

G_BEGIN_DECLS

/* Returns (n_frames) doubles. Scores for frames >= n_frames are ignored. */
double *ddl_score_curve_new   (const DdlScoreVideo  *video,
                               guint                 column,
                               guint                 n_frames,
                               const DdlEvalOptions *options);
/* The smallest and largest non-NAN value; FALSE when all are NAN. */
gboolean ddl_score_curve_range (const double *curve, guint n, double *min, double *max);

/* Rates at a threshold over frames with a score: TP, FP, ... over (curve, labels). */
typedef struct {
  gsize tp, fp, tn, fn;
} DdlConfusion;

void    ddl_confusion_add     (DdlConfusion *c, const double *curve, const guint8 *labels,
                               guint n, double threshold);
double  ddl_confusion_tpr     (const DdlConfusion *c);
double  ddl_confusion_fpr     (const DdlConfusion *c);
double  ddl_confusion_f1      (const DdlConfusion *c);

G_END_DECLS
