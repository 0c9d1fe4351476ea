/* test-metrics: AUC, ROC, EER, AUPR and the score filters against independent
 * brute-force implementations and hand-computed values; the scores CSV; the matching
 * of scores to labels in ddl_eval_run. No device needed. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ddl-metrics.h"
#include "ddl-scores.h"
#include "ddl-test-util.h"

/* ---- independent references ---------------------------------------------------- */

/* O(n^2) over all (positive, negative) pairs; ties count one half. */
static double
brute_auc (const double *s, const guint8 *y, gsize n)
{
  double wins = 0, pairs = 0;
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < n; j++)
      if (y[i] && !y[j])
        {
          pairs += 1;
          wins += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
        }
  return pairs > 0 ? wins / pairs : NAN;
}

/* Average precision by its definition: for every distinct score t, from high to low,
 * (recall(t) - recall(previous t)) * precision(t), each counted in O(n). */
static double
brute_ap (const double *s, const guint8 *y, gsize n)
{
  g_autofree double *t = g_memdup2 (s, n * sizeof (double));
  double ap = 0, prev_recall = 0, positives = 0;

  for (gsize i = 0; i < n; i++)
    positives += y[i];
  /* selection of distinct thresholds, descending, by repeated max */
  for (double bound = INFINITY;;)
    {
      double best = -INFINITY, tp = 0, called = 0;
      gboolean found = FALSE;
      for (gsize i = 0; i < n; i++)
        if (t[i] < bound && (!found || t[i] > best))
          best = t[i], found = TRUE;
      if (!found)
        break;
      for (gsize i = 0; i < n; i++)
        if (s[i] >= best)
          {
            called += 1;
            tp += y[i];
          }
      ap += (tp / positives - prev_recall) * (tp / called);
      prev_recall = tp / positives;
      bound = best;
    }
  return ap;
}

static void
random_case (guint64 seed, gsize n, guint levels, double *s, guint8 *y)
{
  g_autofree double *u = g_new (double, 2 * n);
  ddl_test_random_double (u, 2 * n, seed, 0.0, 1.0);
  for (gsize i = 0; i < n; i++)
    {
      /* few levels = many ties; labels correlate with scores so the AUC is not ~0.5 */
      s[i] = floor (u[i] * levels) / levels;
      y[i] = u[n + i] < 0.25 + 0.5 * u[i];
    }
}

/* ---- AUC, ROC, EER, AUPR ----------------------------------------------------------- */

static void
test_auc_brute_force (void)
{
  const gsize sizes[] = { 2, 3, 17, 101, 1001, 3001 };
  const guint levels[] = { 2, 7, 50, 1000000 };

  for (guint si = 0; si < G_N_ELEMENTS (sizes); si++)
    for (guint li = 0; li < G_N_ELEMENTS (levels); li++)
      for (guint64 seed = 1; seed <= 3; seed++)
        {
          gsize n = sizes[si];
          g_autofree double *s = g_new (double, n);
          g_autofree guint8 *y = g_new (guint8, n);
          DdlBinaryMetrics m;
          double want, trapezoid = 0;

          random_case (seed * 131 + si * 7 + li, n, levels[li], s, y);
          want = brute_auc (s, y, n);
          ddl_metrics_binary (s, y, n, &m);
          if (isnan (want))
            {
              g_assert_true (isnan (ddl_metrics_auc (s, y, n)));
              g_assert_true (isnan (m.auc));
              ddl_binary_metrics_clear (&m);
              continue;
            }
          /* tolerance 1e-9 (the brief); the computation is exact up to rounding */
          g_assert_cmpfloat_with_epsilon (ddl_metrics_auc (s, y, n), want, 1e-9);
          g_assert_cmpfloat_with_epsilon (m.auc, want, 1e-9);
          /* the trapezoidal ROC area is the same number */
          for (gsize k = 1; k < m.n_roc; k++)
            trapezoid += (m.roc[k].fpr - m.roc[k - 1].fpr) * (m.roc[k].tpr + m.roc[k - 1].tpr) / 2;
          g_assert_cmpfloat_with_epsilon (trapezoid, want, 1e-9);
          if (n <= 1001)
            g_assert_cmpfloat_with_epsilon (m.aupr, brute_ap (s, y, n), 1e-9);
          /* the EER lies on the ROC: FPR = FNR there, between 0 and 1 */
          g_assert_true (m.eer >= 0 && m.eer <= 1);
          ddl_binary_metrics_clear (&m);
        }
}

static void
test_auc_edge_cases (void)
{
  const double s[] = { 0.3, 0.3, 0.3, 0.3 };
  const guint8 mixed[] = { 1, 0, 1, 0 }, ones[] = { 1, 1, 1, 1 }, zeros[] = { 0, 0, 0, 0 };
  const double sep[] = { -INFINITY, 1, 2, INFINITY };
  const guint8 sep_y[] = { 0, 0, 1, 1 };
  DdlBinaryMetrics m;

  g_assert_cmpfloat (ddl_metrics_auc (s, mixed, 4), ==, 0.5);      /* all tied */
  g_assert_true (isnan (ddl_metrics_auc (s, ones, 4)));
  g_assert_true (isnan (ddl_metrics_auc (s, zeros, 4)));
  g_assert_cmpfloat (ddl_metrics_auc (sep, sep_y, 4), ==, 1.0);    /* infinities sort */
  g_assert_cmpfloat (ddl_metrics_auc (s, mixed, 0), !=, 0.5);      /* empty: NAN */

  ddl_metrics_binary (s, ones, 4, &m);
  g_assert_true (isnan (m.auc) && isnan (m.eer));
  g_assert_cmpfloat (m.aupr, ==, 1.0);   /* every threshold has precision 1 */
  ddl_binary_metrics_clear (&m);
  ddl_metrics_binary (s, zeros, 4, &m);
  g_assert_true (isnan (m.aupr));
  ddl_binary_metrics_clear (&m);
}

/* sklearn's documented example: roc_auc 0.75, average precision 0.8333. */
static void
test_roc_tiny (void)
{
  const double s[] = { 0.1, 0.4, 0.35, 0.8 };
  const guint8 y[] = { 0, 0, 1, 1 };
  const DdlRocPoint want[] = {
    { INFINITY, 0, 0 }, { 0.8, 0, 0.5 }, { 0.4, 0.5, 0.5 }, { 0.35, 0.5, 1 }, { 0.1, 1, 1 },
  };
  DdlBinaryMetrics m;

  ddl_metrics_binary (s, y, 4, &m);
  g_assert_cmpuint (m.n_roc, ==, G_N_ELEMENTS (want));
  for (guint k = 0; k < m.n_roc; k++)
    {
      g_assert_cmpfloat (m.roc[k].threshold, ==, want[k].threshold);
      g_assert_cmpfloat (m.roc[k].fpr, ==, want[k].fpr);
      g_assert_cmpfloat (m.roc[k].tpr, ==, want[k].tpr);
    }
  g_assert_cmpfloat_with_epsilon (m.auc, 0.75, 1e-15);
  /* AP = 0.5 * 1 (at 0.8) + 0.5 * 2/3 (at 0.35) */
  g_assert_cmpfloat_with_epsilon (m.aupr, 0.5 + 1.0 / 3.0, 1e-15);
  /* FPR = FNR = 0.5 exactly at the point of threshold 0.4 */
  g_assert_cmpfloat_with_epsilon (m.eer, 0.5, 1e-15);
  g_assert_cmpfloat (m.eer_threshold, ==, 0.4);
  g_assert_cmpuint (m.n_positive, ==, 2);
  ddl_binary_metrics_clear (&m);
}

/* EER on a segment: points (1/3, 0) and (1/3, 1) bracket FPR = FNR; FNR falls from 1 to
 * 0 along it while FPR stays 1/3, so the crossing is 1/3 at t = 2/3. */
static void
test_eer_interpolated (void)
{
  const double s[] = { 4, 3, 2, 1 };
  const guint8 y[] = { 0, 1, 0, 0 };
  const double s2[] = { 5, 4, 3, 2, 1, 0 };
  const guint8 y2[] = { 1, 0, 1, 1, 0, 0 };
  DdlBinaryMetrics m;

  ddl_metrics_binary (s, y, 4, &m);
  g_assert_cmpfloat_with_epsilon (m.eer, 1.0 / 3.0, 1e-15);
  g_assert_cmpfloat (m.eer_threshold, ==, 3);
  g_assert_cmpfloat_with_epsilon (m.auc, 2.0 / 3.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (m.aupr, 0.5, 1e-15);   /* only (R 1, P 1/2) adds */
  ddl_binary_metrics_clear (&m);

  /* ROC (0,0) (0,1/3) (1/3,1/3) (1/3,2/3) (1/3,1) ...: at (1/3, 2/3) FNR = 1/3 = FPR. */
  ddl_metrics_binary (s2, y2, 6, &m);
  g_assert_cmpfloat_with_epsilon (m.eer, 1.0 / 3.0, 1e-15);
  g_assert_cmpfloat (m.eer_threshold, ==, 3);
  /* AP = 1/3 * 1 + 1/3 * 2/3 + 1/3 * 3/4 */
  g_assert_cmpfloat_with_epsilon (m.aupr, (1.0 + 2.0 / 3.0 + 0.75) / 3.0, 1e-15);
  ddl_binary_metrics_clear (&m);
}

/* Ties form one threshold: scores {1, 1, 0}, labels {1, 0, 1}:
 * t = 1: R 1/2, P 1/2; t = 0: R 1, P 2/3 → AP = 1/4 + 1/3. */
static void
test_aupr_ties (void)
{
  const double s[] = { 1, 1, 0 };
  const guint8 y[] = { 1, 0, 1 };
  DdlBinaryMetrics m;

  ddl_metrics_binary (s, y, 3, &m);
  g_assert_cmpfloat_with_epsilon (m.aupr, 0.25 + 1.0 / 3.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (m.auc, 0.25, 1e-15);   /* (0.5 + 0) / 2 */
  ddl_binary_metrics_clear (&m);
}

/* ---- filters -------------------------------------------------------------------- */

static void
assert_array (const double *got, const double *want, gsize n, double tol)
{
  for (gsize i = 0; i < n; i++)
    if (fabs (got[i] - want[i]) > tol)
      g_error ("element %" G_GSIZE_FORMAT ": got %.17g, want %.17g", i, got[i], want[i]);
}

static void
test_median_filter (void)
{
  const double in[] = { 1, 5, 2, 8, 3 };
  const double want1[] = { 1, 5, 2, 8, 3 };
  const double want3[] = { 1, 2, 5, 3, 3 };     /* windows [1 1 5] [1 5 2] [5 2 8] ... */
  const double want5[] = { 1, 2, 3, 3, 3 };
  const double want17[] = { 1, 2, 3, 3, 3 };    /* replicated edges dominate */
  double out[5];

  ddl_metrics_median_filter (out, in, 5, 1);
  assert_array (out, want1, 5, 0);
  ddl_metrics_median_filter (out, in, 5, 3);
  assert_array (out, want3, 5, 0);
  ddl_metrics_median_filter (out, in, 5, 5);
  assert_array (out, want5, 5, 0);
  ddl_metrics_median_filter (out, in, 5, 17);
  assert_array (out, want17, 5, 0);
  ddl_metrics_median_filter (out, in, 1, 17);
  g_assert_cmpfloat (out[0], ==, 1);
}

static void
test_gaussian_filter (void)
{
  /* sigma 0.5: radius round(2) = 2, weights e^-8, e^-2, 1, e^-2, e^-8 */
  const double e2 = exp (-2.0), e8 = exp (-8.0), w = 1 + 2 * e2 + 2 * e8;
  double impulse[9] = { 0, 0, 0, 0, 1, 0, 0, 0, 0 }, step[6] = { 1, 0, 0, 0, 0, 0 };
  double constant[7] = { 3, 3, 3, 3, 3, 3, 3 }, out[9];
  const double want_impulse[9] = { 0, 0, e8 / w, e2 / w, 1 / w, e2 / w, e8 / w, 0, 0 };
  /* edge: frames -1, -2 replicate frame 0 */
  const double want_step[6] = { (1 + e2 + e8) / w, (e2 + e8) / w, e8 / w, 0, 0, 0 };
  /* sigma 1 (radius 4): the centre weight 0.398943469356098 (from the closed form) */
  double impulse1[11] = { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0 }, out1[11];

  ddl_metrics_gaussian_filter (out, impulse, 9, 0.5);
  assert_array (out, want_impulse, 9, 1e-15);
  ddl_metrics_gaussian_filter (out, step, 6, 0.5);
  assert_array (out, want_step, 6, 1e-15);
  ddl_metrics_gaussian_filter (out, constant, 7, 2.0);
  assert_array (out, constant, 7, 1e-14);
  ddl_metrics_gaussian_filter (out1, impulse1, 11, 1.0);
  g_assert_cmpfloat_with_epsilon (out1[5], 0.398943469356098, 1e-14);
  g_assert_cmpfloat_with_epsilon (out1[1], 0.000133830624614742, 1e-16);
  g_assert_cmpfloat (out1[0], ==, 0);    /* truncated at 4 sigma */
  ddl_metrics_gaussian_filter (out, step, 6, 0);   /* sigma 0 copies */
  assert_array (out, step, 6, 0);
}

static void
test_minmax (void)
{
  double a[] = { 2, 4, 3 }, b[] = { 7, 7 };
  const double want_a[] = { 0, 1, 0.5 }, want_b[] = { 0, 0 };

  ddl_metrics_minmax (a, 3);
  assert_array (a, want_a, 3, 0);
  ddl_metrics_minmax (b, 2);
  assert_array (b, want_b, 2, 0);
}

static void
test_filter_spec (void)
{
  DdlEvalOptions o;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  ddl_eval_options_init (&o);
  g_assert_cmpint (o.filter, ==, DDL_FILTER_NONE);
  g_assert_cmpint (o.normalize, ==, DDL_NORMALIZE_NONE);
  g_assert_true (ddl_eval_options_set_filter (&o, "median:17", &error));
  g_assert_cmpuint (o.median_window, ==, 17);
  text = ddl_eval_options_filter_to_string (&o);
  g_assert_cmpstr (text, ==, "median:17");
  g_assert_true (ddl_eval_options_set_filter (&o, "gaussian:2.5", &error));
  g_assert_cmpfloat (o.sigma, ==, 2.5);
  g_assert_true (ddl_eval_options_set_filter (&o, "none", &error));
  g_assert_cmpint (o.filter, ==, DDL_FILTER_NONE);
  for (guint i = 0; i < 6; i++)
    {
      const char *bad[] = { "median:4", "median:", "gaussian:0", "gaussian:x", "mean:3", "" };
      g_clear_error (&error);
      g_assert_false (ddl_eval_options_set_filter (&o, bad[i], &error));
      g_assert_error (error, DDL_METRICS_ERROR, DDL_METRICS_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, bad[i]));
    }
}

/* ---- evaluation: matching scores and labels ---------------------------------------- */

/* Three labelled videos: A 10 frames (4..6 anomalous), B 8 normal frames, C 7 frames
 * (0..2 anomalous). Scores: A frames 1..8 (the edges unscored), all of B, C with frame
 * 3 NAN. */
static DdlLabels *
make_labels (void)
{
  const guint8 a[10] = { 0, 0, 0, 0, 1, 1, 1, 0, 0, 0 }, b[8] = { 0 };
  const guint8 c[7] = { 1, 1, 1, 0, 0, 0, 0 };
  DdlLabels *labels = ddl_labels_new ();
  ddl_labels_add_video (labels, "A", a, 10);
  ddl_labels_add_video (labels, "B", b, 8);
  ddl_labels_add_video (labels, "C", c, 7);
  return labels;
}

static const double a_scores[8] = { 0.2, 0.1, 0.5, 0.9, 0.8, 0.85, 0.3, 0.2 };   /* frames 1..8 */
static const double b_scores[8] = { 0.4, 0.4, 0.3, 0.2, 0.1, 0.6, 0.3, 0.3 };
static const double c_scores[7] = { 0.7, 0.9, 0.1, NAN, 0.3, 0.75, 0.2 };

static DdlScores *
make_scores (void)
{
  const guint a_frames[8] = { 8, 1, 2, 3, 4, 5, 6, 7 };   /* out of order on purpose */
  double a_values[8];
  DdlScores *scores = ddl_scores_new (NULL);

  /* the value for frame f is a_scores[f - 1] */
  for (guint i = 0; i < 8; i++)
    a_values[i] = a_scores[a_frames[i] - 1];
  ddl_scores_add_video (scores, "A", 8, a_frames, a_values);
  ddl_scores_add_video (scores, "B", 8, NULL, b_scores);
  ddl_scores_add_video (scores, "C", 7, NULL, c_scores);
  return scores;
}

/* The pooled arrays the evaluation should build, post-processed by the test's own code:
 * median of 3 with replicated edges, then min-max. */
static gsize
expected_pool (gboolean median3, gboolean normalize, double *s, guint8 *y, gsize *starts)
{
  const double *video_scores[3] = { a_scores, b_scores, c_scores };
  const guint8 a[8] = { 0, 0, 0, 1, 1, 1, 0, 0 }, b[8] = { 0 }, c[6] = { 1, 1, 1, 0, 0, 0 };
  const guint8 *video_labels[3] = { a, b, c };
  gsize n = 0;

  for (guint v = 0; v < 3; v++)
    {
      double x[8], f[8];
      gsize m = 0;
      for (guint i = 0; i < (v == 2 ? 7u : 8u); i++)
        if (!isnan (video_scores[v][i]))
          x[m++] = video_scores[v][i];
      for (gsize i = 0; i < m; i++)
        {
          double p = x[i > 0 ? i - 1 : 0], q = x[i], r = x[i + 1 < m ? i + 1 : m - 1];
          f[i] = median3 ? MAX (MIN (p, q), MIN (MAX (p, q), r)) : q;
        }
      if (normalize)
        {
          double lo = f[0], hi = f[0];
          for (gsize i = 0; i < m; i++)
            lo = MIN (lo, f[i]), hi = MAX (hi, f[i]);
          for (gsize i = 0; i < m; i++)
            f[i] = (f[i] - lo) / (hi - lo);
        }
      starts[v] = n;
      for (gsize i = 0; i < m; i++, n++)
        {
          s[n] = f[i];
          y[n] = video_labels[v][i];
        }
    }
  starts[3] = n;
  return n;
}

static void
check_eval (gboolean median3, gboolean normalize, DdlMacroRule macro)
{
  g_autoptr(DdlLabels) labels = make_labels ();
  g_autoptr(DdlScores) scores = make_scores ();
  g_autoptr(DdlEvalResult) result = NULL;
  g_autoptr(GError) error = NULL;
  DdlEvalOptions options;
  double s[32], ps[34], macro_sum = 0;
  guint8 y[32], py[34];
  gsize starts[4], n;
  guint n_macro = 0;

  ddl_eval_options_init (&options);
  if (median3)
    g_assert_true (ddl_eval_options_set_filter (&options, "median:3", NULL));
  options.normalize = normalize ? DDL_NORMALIZE_PER_VIDEO : DDL_NORMALIZE_NONE;
  options.macro = macro;
  result = ddl_eval_run (scores, labels, &options, &error);
  g_assert_no_error (error);

  n = expected_pool (median3, normalize, s, y, starts);
  g_assert_cmpuint (n, ==, 22);
  g_assert_cmpuint (result->n_frames, ==, 22);
  g_assert_cmpuint (result->n_anomalous, ==, 6);
  g_assert_cmpuint (result->n_unscored, ==, 3);     /* A's two edges, C's NAN frame */
  g_assert_cmpuint (result->n_unscored_videos, ==, 0);
  g_assert_cmpfloat_with_epsilon (result->micro.auc, brute_auc (s, y, n), 1e-9);
  g_assert_cmpfloat_with_epsilon (result->micro.aupr, brute_ap (s, y, n), 1e-9);

  for (guint v = 0; v < 3; v++)
    {
      gsize m = starts[v + 1] - starts[v];
      double want;
      if (macro == DDL_MACRO_PAD)
        {
          ps[0] = 0, py[0] = 0;
          memcpy (ps + 1, s + starts[v], m * sizeof (double));
          memcpy (py + 1, y + starts[v], m);
          ps[m + 1] = 1, py[m + 1] = 1;
          want = brute_auc (ps, py, m + 2);
        }
      else
        want = brute_auc (s + starts[v], y + starts[v], m);
      g_assert_cmpuint (result->videos[v].n_frames, ==, m);
      if (isnan (want))
        g_assert_true (isnan (result->videos[v].auc));
      else
        {
          g_assert_cmpfloat_with_epsilon (result->videos[v].auc, want, 1e-9);
          macro_sum += want;
          n_macro++;
        }
    }
  /* B is single-class: skipped, or padded into an AUC */
  g_assert_cmpuint (result->n_macro_videos, ==, macro == DDL_MACRO_PAD ? 3 : 2);
  g_assert_cmpuint (n_macro, ==, result->n_macro_videos);
  g_assert_cmpfloat_with_epsilon (result->macro_auc, macro_sum / n_macro, 1e-9);
}

static void
test_eval_plain (void)
{
  check_eval (FALSE, FALSE, DDL_MACRO_SKIP);
}

static void
test_eval_processed (void)
{
  check_eval (TRUE, FALSE, DDL_MACRO_SKIP);
  check_eval (FALSE, TRUE, DDL_MACRO_PAD);
  check_eval (TRUE, TRUE, DDL_MACRO_PAD);
}

static void
test_eval_errors (void)
{
  g_autoptr(DdlLabels) labels = make_labels ();
  g_autoptr(DdlLabels) unsplit = ddl_labels_new ();
  g_autoptr(DdlScores) unknown = ddl_scores_new (NULL);
  g_autoptr(DdlScores) beyond = ddl_scores_new (NULL);
  g_autoptr(DdlScores) empty = ddl_scores_new (NULL);
  g_autoptr(DdlScores) good = make_scores ();
  const double two[2] = { 0.1, 0.2 }, nans[2] = { NAN, NAN };
  const guint frames[2] = { 0, 10 };
  DdlEvalOptions options;
  GError *error = NULL;

  ddl_eval_options_init (&options);
  ddl_scores_add_video (unknown, "Z", 2, NULL, two);
  g_assert_null (ddl_eval_run (unknown, labels, &options, &error));
  g_assert_error (error, DDL_METRICS_ERROR, DDL_METRICS_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "'Z'"));
  g_clear_error (&error);

  ddl_scores_add_video (beyond, "A", 2, frames, two);   /* A has frames 0..9 */
  g_assert_null (ddl_eval_run (beyond, labels, &options, &error));
  g_assert_error (error, DDL_METRICS_ERROR, DDL_METRICS_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "frame 10 of video 'A'"));
  g_clear_error (&error);

  ddl_scores_add_video (empty, "A", 2, NULL, nans);
  g_assert_null (ddl_eval_run (empty, labels, &options, &error));
  g_assert_error (error, DDL_METRICS_ERROR, DDL_METRICS_ERROR_EMPTY);
  g_clear_error (&error);

  unsplit->format = DDL_LABELS_FORMAT_NPY;
  ddl_labels_add_video (unsplit, DDL_LABELS_ALL, NULL, 25);
  g_assert_null (ddl_eval_run (good, unsplit, &options, &error));
  g_assert_error (error, DDL_METRICS_ERROR, DDL_METRICS_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "--dataset"));
  g_clear_error (&error);

  options.column = 1;
  g_assert_null (ddl_eval_run (good, labels, &options, &error));
  g_assert_error (error, DDL_METRICS_ERROR, DDL_METRICS_ERROR_INVALID);
  g_clear_error (&error);
}

/* Labelled videos without scores are dropped whole; names match "1" = "01". */
static void
test_eval_unscored_video (void)
{
  g_autoptr(DdlLabels) labels = ddl_labels_new ();
  g_autoptr(DdlScores) scores = ddl_scores_new (NULL);
  g_autoptr(DdlEvalResult) result = NULL;
  const guint8 y[4] = { 0, 1, 0, 1 };
  const double s[4] = { 0.1, 0.9, 0.2, 0.3 };
  DdlEvalOptions options;

  ddl_labels_add_video (labels, "01", y, 4);
  ddl_labels_add_video (labels, "02", y, 4);
  ddl_scores_add_video (scores, "1", 4, NULL, s);
  ddl_eval_options_init (&options);
  result = ddl_eval_run (scores, labels, &options, NULL);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->n_frames, ==, 4);
  g_assert_cmpuint (result->n_unscored, ==, 4);
  g_assert_cmpuint (result->n_unscored_videos, ==, 1);
  g_assert_cmpfloat (result->micro.auc, ==, 1.0);
}

/* ---- scores CSV ------------------------------------------------------------------ */

static void
test_scores_csv (void)
{
  const char *text =
    "video,frame,ddl,unet\n"
    "02,1,0.5,0.25\r\n"
    "01,2,1e-3,\n"
    "# comment\n"
    "01,0,-2,nan\n"
    "\n"
    "02,0,3,4\n";
  g_autoptr(DdlScores) scores = NULL, again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ddl-scores-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "s.csv", NULL);
  DdlScoreVideo *v;

  scores = ddl_scores_parse_csv (text, "t.csv", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_scores_get_n_columns (scores), ==, 2);
  g_assert_cmpint (ddl_scores_find_column (scores, "unet"), ==, 1);
  g_assert_cmpint (ddl_scores_find_column (scores, "x"), ==, -1);
  g_assert_cmpuint (scores->videos->len, ==, 2);
  g_assert_cmpuint (ddl_scores_get_n_frames (scores), ==, 4);
  v = g_ptr_array_index (scores->videos, 0);          /* order of first appearance */
  g_assert_cmpstr (v->name, ==, "02");
  g_assert_cmpuint (v->frames[0], ==, 0);             /* sorted by frame */
  g_assert_cmpfloat (ddl_score_video_get_column (v, 0)[0], ==, 3);
  g_assert_cmpfloat (ddl_score_video_get_column (v, 1)[1], ==, 0.25);
  v = ddl_scores_lookup (scores, "01");
  g_assert_cmpuint (v->frames[1], ==, 2);
  g_assert_cmpfloat (ddl_score_video_get_column (v, 0)[1], ==, 1e-3);
  g_assert_true (isnan (ddl_score_video_get_column (v, 1)[0]));
  g_assert_true (isnan (ddl_score_video_get_column (v, 1)[1]));

  /* round trip, bit-exact */
  {
    DdlScoreVideo *w = ddl_scores_lookup (scores, "02");
    w->values[0] = 0.1 + 0.2;   /* a double that needs 17 digits */
  }
  g_assert_true (ddl_scores_save_csv (scores, path, &error));
  again = ddl_scores_load_csv (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < scores->videos->len; i++)
    {
      DdlScoreVideo *a = g_ptr_array_index (scores->videos, i);
      DdlScoreVideo *b = g_ptr_array_index (again->videos, i);
      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpuint (a->n, ==, b->n);
      for (guint k = 0; k < 2 * a->n; k++)
        g_assert_true (a->values[k] == b->values[k] || (isnan (a->values[k]) && isnan (b->values[k])));
    }
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_scores_csv_errors (void)
{
  const struct { const char *text, *want; } cases[] = {
    { "", "empty file" },
    { "video,score\n01,0.5\n", "t.csv:1: the header" },
    { "video,frame,score\n01,1\n", "t.csv:2: expected 3 fields" },
    { "video,frame,score\n01,1,0.5\n01,x,0.5\n", "t.csv:3: frame must be" },
    { "video,frame,score\n01,-1,0.5\n", "t.csv:2: frame must be" },
    { "video,frame,score\n01,1,abc\n", "t.csv:2: 'abc' is not a number" },
    { "video,frame,score\n01,1,0.5\n02,1,0.5\n01,1,0.7\n",
      "t.csv:4: frame 1 of video '01' already has a score on line 2" },
    { "video,frame,score\n,1,0.5\n", "t.csv:2: expected" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DdlScores) scores = ddl_scores_parse_csv (cases[i].text, "t.csv", &error);
      g_assert_null (scores);
      g_assert_error (error, DDL_SCORES_ERROR, DDL_SCORES_ERROR_FORMAT);
      if (strstr (error->message, cases[i].want) == NULL)
        g_error ("case %u: '%s' lacks '%s'", i, error->message, cases[i].want);
    }
  {
    g_autoptr(GError) error = NULL;
    g_assert_null (ddl_scores_load_csv ("/nonexistent/scores.csv", &error));
    g_assert_error (error, DDL_SCORES_ERROR, DDL_SCORES_ERROR_OPEN);
    g_assert_nonnull (strstr (error->message, "/nonexistent/scores.csv"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ddl/metrics/auc/brute-force", test_auc_brute_force);
  g_test_add_func ("/ddl/metrics/auc/edge-cases", test_auc_edge_cases);
  g_test_add_func ("/ddl/metrics/roc/tiny", test_roc_tiny);
  g_test_add_func ("/ddl/metrics/eer/interpolated", test_eer_interpolated);
  g_test_add_func ("/ddl/metrics/aupr/ties", test_aupr_ties);
  g_test_add_func ("/ddl/metrics/filter/median", test_median_filter);
  g_test_add_func ("/ddl/metrics/filter/gaussian", test_gaussian_filter);
  g_test_add_func ("/ddl/metrics/filter/minmax", test_minmax);
  g_test_add_func ("/ddl/metrics/filter/spec", test_filter_spec);
  g_test_add_func ("/ddl/metrics/eval/plain", test_eval_plain);
  g_test_add_func ("/ddl/metrics/eval/processed", test_eval_processed);
  g_test_add_func ("/ddl/metrics/eval/errors", test_eval_errors);
  g_test_add_func ("/ddl/metrics/eval/unscored-video", test_eval_unscored_video);
  g_test_add_func ("/ddl/scores/csv", test_scores_csv);
  g_test_add_func ("/ddl/scores/csv-errors", test_scores_csv_errors);
  return g_test_run ();
}
