/* ddl-metrics.h: frame-level VAD metrics and score post-processing.
 *
 * Definitions (label 1 = anomalous = positive; a higher score = more anomalous):
 *  - AUC: the Mann-Whitney statistic, P(score of a positive > score of a negative)
 *    with ties counted one half, from mid-ranks after one O(n log n) sort. It equals
 *    the trapezoidal area under the ROC and sklearn's roc_auc_score.
 *  - ROC points: (0, 0) at threshold +inf, then one point per distinct score from
 *    the highest down: frames with score >= threshold are called anomalous.
 *  - EER: where the ROC, linear between its points, crosses FPR = FNR (= 1 - TPR);
 *    the value there (FPR = FNR), and the threshold of the first point at or past it.
 *  - AUPR: average precision, step-wise, as sklearn's average_precision_score:
 *    sum over distinct thresholds of (R_k - R_k-1) * P_k. No interpolation.
 *  - Micro AUC pools all frames of all videos; macro AUC is the mean of per-video
 *    AUCs. Videos with one class have no AUC: DDL_MACRO_SKIP leaves them out;
 *    DDL_MACRO_PAD follows AED-MAE (ristea/aed-mae, inference.py): EVERY video gets a
 *    (label 0, score 0) sample before and a (label 1, score 1) sample after its
 *    frames, which is meant for scores normalised to [0, 1].
 *
 * Post-processing is per video, over its scored frames in frame order (gaps left by
 * unscored frames are closed up): first the filter, then the normalisation, so each
 * normalised video spans exactly [0, 1] (the order AED-MAE uses).
 *  - Median filter of odd window N (the paper's 17): edges replicate the first/last
 *    score ("nearest"), so the output has the input's length.
 *  - Gaussian smoothing of standard deviation sigma (frames): weights exp(-k^2/2s^2)
 *    normalised over |k| <= round(4 sigma) (scipy's truncate=4.0), edges replicate.
 *  - Min-max normalisation: (s - min) / (max - min); a constant video becomes all 0. */
#pragma once

#include <glib.h>
#include "ddl-labels.h"
#include "ddl-scores.h"

G_BEGIN_DECLS

#define DDL_METRICS_ERROR (ddl_metrics_error_quark ())

typedef enum {
  DDL_METRICS_ERROR_INVALID,    /* bad option (filter spec, window) */
  DDL_METRICS_ERROR_MISMATCH,   /* scores that do not fit the labels */
  DDL_METRICS_ERROR_EMPTY,      /* nothing to evaluate */
} DdlMetricsError;

typedef struct {
  double threshold;   /* frames with score >= threshold count as anomalous */
  double fpr;
  double tpr;
} DdlRocPoint;

typedef struct {
  gsize        n, n_positive, n_negative;
  double       auc;            /* NAN when one class is absent */
  double       eer;            /* NAN when one class is absent */
  double       eer_threshold;
  double       aupr;           /* NAN without positives */
  DdlRocPoint *roc;
  gsize        n_roc;
} DdlBinaryMetrics;

GQuark   ddl_metrics_error_quark (void);

/* Mann-Whitney AUC of n frames; NAN when either class is absent. Scores must not be
 * NAN. */
double   ddl_metrics_auc          (const double *scores, const guint8 *labels, gsize n);
/* AUC, ROC, EER and AUPR in one sort. Free with ddl_binary_metrics_clear. */
void     ddl_metrics_binary       (const double     *scores,
                                   const guint8     *labels,
                                   gsize             n,
                                   DdlBinaryMetrics *out);
void     ddl_binary_metrics_clear (DdlBinaryMetrics *metrics);

void     ddl_metrics_minmax        (double *scores, gsize n);
/* `window` odd, >= 1. out and in may not overlap. */
void     ddl_metrics_median_filter (double *out, const double *in, gsize n, guint window);
/* sigma <= 0 copies. out and in may not overlap. */
void     ddl_metrics_gaussian_filter (double *out, const double *in, gsize n, double sigma);

/* ---- evaluation of a scores file against labels ----------------------------- */

typedef enum { DDL_NORMALIZE_NONE, DDL_NORMALIZE_PER_VIDEO } DdlNormalize;
typedef enum { DDL_FILTER_NONE, DDL_FILTER_MEDIAN, DDL_FILTER_GAUSSIAN } DdlFilter;
typedef enum { DDL_MACRO_SKIP, DDL_MACRO_PAD } DdlMacroRule;

typedef struct {
  DdlNormalize normalize;
  DdlFilter    filter;
  guint        median_window;   /* DDL_FILTER_MEDIAN */
  double       sigma;           /* DDL_FILTER_GAUSSIAN */
  DdlMacroRule macro;
  guint        column;          /* score column */
} DdlEvalOptions;

/* The paper's median window (Lappas et al. Sec. 5, after Liu et al.). */
#define DDL_PAPER_MEDIAN_WINDOW 17

/* Defaults: no normalisation, no filter, macro skip, column 0. */
void     ddl_eval_options_init    (DdlEvalOptions *options);
/* "none", "median:N" (odd N >= 1) or "gaussian:SIGMA" (SIGMA > 0). */
gboolean ddl_eval_options_set_filter (DdlEvalOptions *options, const char *spec,
                                      GError **error);
/* The filter as a spec string ("median:17"). */
char    *ddl_eval_options_filter_to_string (const DdlEvalOptions *options);

typedef struct {
  char  *name;
  gsize  n_frames;       /* scored and labelled frames */
  gsize  n_anomalous;
  double auc;            /* NAN: one class (and DDL_MACRO_SKIP) */
} DdlEvalVideo;

typedef struct {
  DdlBinaryMetrics micro;          /* over all pooled frames */
  double           macro_auc;      /* NAN when no video has an AUC */
  guint            n_macro_videos; /* videos in the macro mean */
  gsize            n_frames;       /* evaluated frames (scored and labelled) */
  gsize            n_anomalous;
  gsize            n_unscored;     /* labelled frames without a score (dropped) */
  guint            n_unscored_videos;  /* labelled videos without any score */
  DdlEvalVideo    *videos;         /* per scored video, in the scores' order */
  guint            n_videos;
} DdlEvalResult;

/* Matches scores to labels by (video, frame): labelled frames without a score are
 * dropped from both; a score for a frame or video without a label is an error
 * (DDL_METRICS_ERROR_MISMATCH, naming it), since it means the labels belong to other
 * footage. Unsplit labels (one "all" pseudo-video) cannot be matched and are refused. */
DdlEvalResult *ddl_eval_run         (DdlScores            *scores,
                                     DdlLabels            *labels,
                                     const DdlEvalOptions *options,
                                     GError              **error);
void           ddl_eval_result_free (DdlEvalResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlEvalResult, ddl_eval_result_free)

G_END_DECLS
