/* ddl-metrics.c: AUC (Mann-Whitney), ROC, EER, AUPR, score filters, and the
 * evaluation of a scores file against labels. Definitions are in ddl-metrics.h. */
#include "ddl-metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (ddl-metrics-error-quark, ddl_metrics_error)

typedef struct {
  double score;
  guint8 label;
} Sample;

static int
compare_samples (const void *pa, const void *pb)
{
  const Sample *a = pa, *b = pb;
  return a->score < b->score ? -1 : a->score > b->score;
}

/* Samples sorted by score, ascending. */
static Sample *
sorted_samples (const double *scores, const guint8 *labels, gsize n, gsize *n_positive)
{
  Sample *samples = g_new (Sample, MAX (n, 1));

  *n_positive = 0;
  for (gsize i = 0; i < n; i++)
    {
      g_assert (!isnan (scores[i]));
      samples[i].score = scores[i];
      samples[i].label = labels[i] != 0;
      *n_positive += samples[i].label;
    }
  qsort (samples, n, sizeof (Sample), compare_samples);
  return samples;
}

/* U / (n1 n0) from mid-ranks: a tie group spanning sorted positions [i, j) gets rank
 * (i + 1 + j) / 2 for each of its members. */
static double
auc_from_sorted (const Sample *samples, gsize n, gsize n_positive)
{
  gsize n_negative = n - n_positive;
  double rank_sum = 0;

  if (n_positive == 0 || n_negative == 0)
    return NAN;
  for (gsize i = 0; i < n;)
    {
      gsize j = i, positives = 0;
      while (j < n && samples[j].score == samples[i].score)
        positives += samples[j++].label;
      rank_sum += positives * ((double) (i + 1 + j) / 2.0);
      i = j;
    }
  return (rank_sum - (double) n_positive * (n_positive + 1) / 2.0)
         / ((double) n_positive * (double) n_negative);
}

double
ddl_metrics_auc (const double *scores, const guint8 *labels, gsize n)
{
  gsize n_positive;
  g_autofree Sample *samples = sorted_samples (scores, labels, n, &n_positive);
  return auc_from_sorted (samples, n, n_positive);
}

void
ddl_binary_metrics_clear (DdlBinaryMetrics *metrics)
{
  g_clear_pointer (&metrics->roc, g_free);
  metrics->n_roc = 0;
}

void
ddl_metrics_binary (const double *scores, const guint8 *labels, gsize n, DdlBinaryMetrics *out)
{
  gsize n_positive, tp = 0, fp = 0;
  g_autofree Sample *samples = sorted_samples (scores, labels, n, &n_positive);
  double recall_prev = 0, ap = 0, d_prev = 0, fp_prev = 0;

  memset (out, 0, sizeof *out);
  out->n = n;
  out->n_positive = n_positive;
  out->n_negative = n - n_positive;
  out->auc = auc_from_sorted (samples, n, n_positive);
  out->eer = out->eer_threshold = out->aupr = NAN;

  /* Walk the tie groups from the highest score down. */
  out->roc = g_new (DdlRocPoint, n + 1);
  out->roc[0] = (DdlRocPoint) { INFINITY, 0.0, 0.0 };
  out->n_roc = 1;
  /* EER: FPR - FNR scaled by n_negative * n_positive, exact in integers, so a point
   * exactly on FPR = FNR is found as such; it starts at -n0 n1 at (0, 0). */
  d_prev = -(double) out->n_negative * (double) n_positive;
  for (gsize j = n; j > 0;)
    {
      gsize i = j;
      double threshold = samples[j - 1].score, recall;

      while (i > 0 && samples[i - 1].score == threshold)
        {
          i--;
          if (samples[i].label)
            tp++;
          else
            fp++;
        }
      j = i;
      out->roc[out->n_roc++] = (DdlRocPoint) {
        threshold,
        out->n_negative ? (double) fp / out->n_negative : NAN,
        n_positive ? (double) tp / n_positive : NAN,
      };
      recall = n_positive ? (double) tp / n_positive : 0;
      ap += (recall - recall_prev) * ((double) tp / (double) (tp + fp));
      recall_prev = recall;

      if (isnan (out->eer) && n_positive > 0 && out->n_negative > 0)
        {
          double d = (double) fp * n_positive - (double) (n_positive - tp) * out->n_negative;
          if (d >= 0)
            {
              /* linear between the previous point and this one */
              double t = d == d_prev ? 0.0 : -d_prev / (d - d_prev);
              out->eer = (fp_prev + t * ((double) fp - fp_prev)) / out->n_negative;
              out->eer_threshold = threshold;
            }
          d_prev = d;
          fp_prev = fp;
        }
    }
  if (n_positive > 0)
    out->aupr = ap;
}

/* ---- post-processing ------------------------------------------------------ */

void
ddl_metrics_minmax (double *scores, gsize n)
{
  double lo = INFINITY, hi = -INFINITY;

  for (gsize i = 0; i < n; i++)
    {
      lo = MIN (lo, scores[i]);
      hi = MAX (hi, scores[i]);
    }
  for (gsize i = 0; i < n; i++)
    scores[i] = hi > lo ? (scores[i] - lo) / (hi - lo) : 0.0;
}

static int
compare_doubles (const void *pa, const void *pb)
{
  double a = *(const double *) pa, b = *(const double *) pb;
  return a < b ? -1 : a > b;
}

void
ddl_metrics_median_filter (double *out, const double *in, gsize n, guint window)
{
  g_autofree double *buffer = g_new (double, MAX (window, 1));
  gssize half = window / 2;

  g_return_if_fail (window % 2 == 1);
  for (gsize i = 0; i < n; i++)
    {
      for (gssize k = -half; k <= half; k++)
        buffer[k + half] = in[CLAMP ((gssize) i + k, 0, (gssize) n - 1)];
      qsort (buffer, window, sizeof (double), compare_doubles);
      out[i] = buffer[half];
    }
}

void
ddl_metrics_gaussian_filter (double *out, const double *in, gsize n, double sigma)
{
  g_autofree double *weights = NULL;
  gssize radius;
  double total = 0;

  if (!(sigma > 0))
    {
      memmove (out, in, n * sizeof (double));
      return;
    }
  radius = (gssize) (4.0 * sigma + 0.5);
  weights = g_new (double, 2 * radius + 1);
  for (gssize k = -radius; k <= radius; k++)
    total += weights[k + radius] = exp (-0.5 * (double) (k * k) / (sigma * sigma));
  for (gsize i = 0; i < n; i++)
    {
      double sum = 0;
      for (gssize k = -radius; k <= radius; k++)
        sum += weights[k + radius] * in[CLAMP ((gssize) i + k, 0, (gssize) n - 1)];
      out[i] = sum / total;
    }
}

/* ---- options -------------------------------------------------------------- */

void
ddl_eval_options_init (DdlEvalOptions *options)
{
  memset (options, 0, sizeof *options);
  options->normalize = DDL_NORMALIZE_NONE;
  options->filter = DDL_FILTER_NONE;
  options->median_window = DDL_PAPER_MEDIAN_WINDOW;
  options->macro = DDL_MACRO_SKIP;
}

gboolean
ddl_eval_options_set_filter (DdlEvalOptions *options, const char *spec, GError **error)
{
  char *end;

  if (g_strcmp0 (spec, "none") == 0)
    {
      options->filter = DDL_FILTER_NONE;
      return TRUE;
    }
  if (g_str_has_prefix (spec, "median:"))
    {
      guint64 window = g_ascii_strtoull (spec + 7, &end, 10);
      if (g_ascii_isdigit (spec[7]) && *end == '\0' && window % 2 == 1 && window <= 100001)
        {
          options->filter = DDL_FILTER_MEDIAN;
          options->median_window = (guint) window;
          return TRUE;
        }
    }
  else if (g_str_has_prefix (spec, "gaussian:"))
    {
      double sigma = g_ascii_strtod (spec + 9, &end);
      if (spec[9] != '\0' && *end == '\0' && sigma > 0 && sigma <= 10000)
        {
          options->filter = DDL_FILTER_GAUSSIAN;
          options->sigma = sigma;
          return TRUE;
        }
    }
  g_set_error (error, DDL_METRICS_ERROR, DDL_METRICS_ERROR_INVALID,
               "invalid filter '%s' (expected none, median:N with N odd, or gaussian:SIGMA "
               "with SIGMA > 0)", spec);
  return FALSE;
}

char *
ddl_eval_options_filter_to_string (const DdlEvalOptions *options)
{
  char sigma[G_ASCII_DTOSTR_BUF_SIZE];

  switch (options->filter)
    {
    case DDL_FILTER_MEDIAN:
      return g_strdup_printf ("median:%u", options->median_window);
    case DDL_FILTER_GAUSSIAN:
      return g_strdup_printf ("gaussian:%s", g_ascii_formatd (sigma, sizeof sigma, "%g",
                                                              options->sigma));
    case DDL_FILTER_NONE:
    default:
      return g_strdup ("none");
    }
}

/* ---- evaluation ----------------------------------------------------------- */

void
ddl_eval_result_free (DdlEvalResult *result)
{
  if (result == NULL)
    return;
  ddl_binary_metrics_clear (&result->micro);
  for (guint i = 0; i < result->n_videos; i++)
    g_free (result->videos[i].name);
  g_free (result->videos);
  g_free (result);
}

/* Filter, then normalise, one video's scores in place. */
static void
post_process (double *scores, gsize n, const DdlEvalOptions *options)
{
  g_autofree double *copy = g_memdup2 (scores, MAX (n, 1) * sizeof (double));

  if (options->filter == DDL_FILTER_MEDIAN)
    ddl_metrics_median_filter (scores, copy, n, options->median_window);
  else if (options->filter == DDL_FILTER_GAUSSIAN)
    ddl_metrics_gaussian_filter (scores, copy, n, options->sigma);
  if (options->normalize == DDL_NORMALIZE_PER_VIDEO)
    ddl_metrics_minmax (scores, n);
}

/* AED-MAE's padding: (0, label 0) first, (1, label 1) last. */
static double
padded_auc (const double *scores, const guint8 *labels, gsize n)
{
  g_autofree double *s = g_new (double, n + 2);
  g_autofree guint8 *l = g_new (guint8, n + 2);

  s[0] = 0.0;
  l[0] = 0;
  memcpy (s + 1, scores, n * sizeof (double));
  memcpy (l + 1, labels, n);
  s[n + 1] = 1.0;
  l[n + 1] = 1;
  return ddl_metrics_auc (s, l, n + 2);
}

static gboolean
eval_video (DdlEvalResult *result, DdlEvalVideo *out, const DdlScoreVideo *video,
            const DdlLabelVideo *truth, const DdlEvalOptions *options, GArray *all_scores,
            GByteArray *all_labels, GError **error)
{
  const double *column = ddl_score_video_get_column (video, options->column);
  g_autofree double *scores = g_new (double, MAX (video->n, 1));
  g_autofree guint8 *labels = g_new (guint8, MAX (video->n, 1));
  gsize m = 0;

  for (guint i = 0; i < video->n; i++)
    {
      if (isnan (column[i]))
        continue;   /* no score: the frame is dropped like an unscored one */
      if (video->frames[i] >= truth->n_frames)
        {
          g_set_error (error, DDL_METRICS_ERROR, DDL_METRICS_ERROR_MISMATCH,
                       "a score for frame %u of video '%s', which has only %u labelled frames "
                       "(frames are 0-based)", video->frames[i], video->name, truth->n_frames);
          return FALSE;
        }
      scores[m] = column[i];
      labels[m] = truth->labels[video->frames[i]];
      m++;
    }
  post_process (scores, m, options);

  out->name = g_strdup (video->name);
  out->n_frames = m;
  for (gsize i = 0; i < m; i++)
    out->n_anomalous += labels[i];
  out->auc = options->macro == DDL_MACRO_PAD ? padded_auc (scores, labels, m)
             : ddl_metrics_auc (scores, labels, m);
  result->n_unscored += truth->n_frames - m;
  g_array_append_vals (all_scores, scores, m);
  g_byte_array_append (all_labels, labels, m);
  return TRUE;
}

DdlEvalResult *
ddl_eval_run (DdlScores *scores, DdlLabels *labels, const DdlEvalOptions *options,
              GError **error)
{
  g_autoptr(DdlEvalResult) result = g_new0 (DdlEvalResult, 1);
  g_autoptr(GArray) all_scores = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GByteArray) all_labels = g_byte_array_new ();
  g_autoptr(GHashTable) used = g_hash_table_new (NULL, NULL);
  double macro_sum = 0;

  g_return_val_if_fail (scores != NULL && labels != NULL && options != NULL, NULL);

  if (ddl_labels_is_unsplit (labels))
    {
      g_set_error (error, DDL_METRICS_ERROR, DDL_METRICS_ERROR_MISMATCH,
                   "the labels%s%s are one concatenated array without video boundaries; give "
                   "the dataset (--dataset) so they can be split per video",
                   labels->path ? " in " : "", labels->path ? labels->path : "");
      return NULL;
    }
  if (options->column >= ddl_scores_get_n_columns (scores))
    {
      g_set_error (error, DDL_METRICS_ERROR, DDL_METRICS_ERROR_INVALID,
                   "score column %u does not exist (the file has %u)", options->column,
                   ddl_scores_get_n_columns (scores));
      return NULL;
    }

  result->videos = g_new0 (DdlEvalVideo, MAX (scores->videos->len, 1));
  for (guint v = 0; v < scores->videos->len; v++)
    {
      DdlScoreVideo *video = g_ptr_array_index (scores->videos, v);
      DdlLabelVideo *truth = ddl_labels_lookup (labels, video->name);
      DdlEvalVideo *out = &result->videos[result->n_videos++];

      if (truth == NULL)
        {
          g_set_error (error, DDL_METRICS_ERROR, DDL_METRICS_ERROR_MISMATCH,
                       "scores for video '%s', which has no labels (the labels name %u "
                       "videos, the first '%s')", video->name, labels->videos->len,
                       labels->videos->len
                       ? ((DdlLabelVideo *) g_ptr_array_index (labels->videos, 0))->name : "");
          return NULL;
        }
      if (g_hash_table_contains (used, truth))
        {
          g_set_error (error, DDL_METRICS_ERROR, DDL_METRICS_ERROR_MISMATCH,
                       "scores for two videos match the labels of video '%s' (one is '%s')",
                       truth->name, video->name);
          return NULL;
        }
      g_hash_table_add (used, truth);
      if (!eval_video (result, out, video, truth, options, all_scores, all_labels, error))
        return NULL;
      if (!isnan (out->auc))
        {
          macro_sum += out->auc;
          result->n_macro_videos++;
        }
    }
  for (guint i = 0; i < labels->videos->len; i++)
    {
      DdlLabelVideo *truth = g_ptr_array_index (labels->videos, i);
      if (!g_hash_table_contains (used, truth))
        {
          result->n_unscored += truth->n_frames;
          result->n_unscored_videos++;
        }
    }
  if (all_scores->len == 0)
    {
      g_set_error (error, DDL_METRICS_ERROR, DDL_METRICS_ERROR_EMPTY,
                   "no scored frame to evaluate");
      return NULL;
    }

  ddl_metrics_binary ((const double *) all_scores->data, all_labels->data, all_scores->len,
                      &result->micro);
  result->n_frames = result->micro.n;
  result->n_anomalous = result->micro.n_positive;
  result->macro_auc = result->n_macro_videos ? macro_sum / result->n_macro_videos : NAN;
  return g_steal_pointer (&result);
}
