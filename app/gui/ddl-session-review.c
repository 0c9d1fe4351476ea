/* The session's review state: models and their curves, the threshold and protocol,
 * events, ground truth, marks with undo and the autosaved sidecar. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-session-private.h"
#include "ddl-score-curve.h"

#include <math.h>
#include <string.h>

/* ---- models and curves ---------------------------------------------------------- */

guint
ddl_session_get_n_models (DdlSession *self)
{
  return self->models->len;
}

const char *
ddl_session_get_model_name (DdlSession *self, guint model)
{
  g_return_val_if_fail (model < self->models->len, NULL);
  return ((DdlSessionModel *) g_ptr_array_index (self->models, model))->name;
}

const double *
ddl_session_get_curve (DdlSession *self, guint model, guint video)
{
  g_return_val_if_fail (model < self->models->len && video < self->videos->len, NULL);
  DdlSessionModel *m = g_ptr_array_index (self->models, model);
  const DdlSessionVideo *v = g_ptr_array_index (self->videos, video);

  if (m->curves == NULL)
    m->curves = g_new0 (double *, self->videos->len);
  if (m->curves[video] == NULL)
    {
      DdlEvalOptions options = self->options;
      options.column = m->column;
      m->curves[video] = ddl_score_curve_new (ddl_scores_lookup (m->scores, v->name), m->column,
                                              v->n_frames, &options);
    }
  return m->curves[video];
}

gboolean
ddl_session_get_score_range (DdlSession *self, double *min, double *max)
{
  gboolean any = FALSE;

  *min = 0, *max = 1;
  if (self->models->len == 0)
    return FALSE;
  for (guint v = 0; v < self->videos->len; v++)
    {
      const DdlSessionVideo *info = g_ptr_array_index (self->videos, v);
      double lo, hi;
      if (!ddl_score_curve_range (ddl_session_get_curve (self, 0, v), info->n_frames, &lo, &hi))
        continue;
      *min = any ? MIN (*min, lo) : lo;
      *max = any ? MAX (*max, hi) : hi;
      any = TRUE;
    }
  return any;
}

double
ddl_session_get_threshold (DdlSession *self)
{
  return self->threshold;
}

void
ddl_session_set_threshold (DdlSession *self, double threshold)
{
  g_return_if_fail (DDL_IS_SESSION (self));
  if (threshold == self->threshold || isnan (threshold))
    return;
  self->threshold = threshold;
  g_clear_pointer (&self->events, g_array_unref);
  g_object_notify (G_OBJECT (self), "threshold");
  _ddl_session_emit (self, DDL_SESSION_EVENTS_CHANGED);
}

/* A threshold that makes sense for the current curves: the EER threshold when there
 * is ground truth, else the 95th percentile of the scores. */
void
_ddl_session_choose_threshold (DdlSession *self)
{
  g_autoptr(DdlEvalResult) result = NULL;
  double lo, hi;

  if (self->models->len == 0)
    return;
  if (self->has_truth && (result = ddl_session_evaluate (self, 0, NULL)) != NULL
      && !isnan (result->micro.eer_threshold))
    {
      ddl_session_set_threshold (self, result->micro.eer_threshold);
      return;
    }
  if (ddl_session_get_score_range (self, &lo, &hi))
    ddl_session_set_threshold (self, lo + 0.95 * (hi - lo));
}

const DdlEvalOptions *
ddl_session_get_eval_options (DdlSession *self)
{
  return &self->options;
}

void
ddl_session_set_eval_options (DdlSession *self, const DdlEvalOptions *options)
{
  gboolean rescale = options->normalize != self->options.normalize;

  self->options = *options;
  self->options.column = 0;
  _ddl_session_drop_curves (self);
  _ddl_session_emit (self, DDL_SESSION_CURVES_CHANGED);
  /* Normalising changes the scale of the scores, so the old threshold means nothing. */
  if (rescale)
    _ddl_session_choose_threshold (self);
  _ddl_session_emit (self, DDL_SESSION_EVENTS_CHANGED);
}

gboolean
ddl_session_add_scores_file (DdlSession *self, const char *path, GError **error)
{
  DdlScores *scores = ddl_scores_load_csv (path, error);
  gboolean first = self->models->len == 0;

  if (scores == NULL)
    return FALSE;
  g_ptr_array_add (self->score_files, scores);
  for (guint c = 0; c < ddl_scores_get_n_columns (scores); c++)
    {
      DdlSessionModel *m = g_new0 (DdlSessionModel, 1);
      const char *column = g_ptr_array_index (scores->columns, c);
      if (ddl_scores_get_n_columns (scores) == 1 && g_str_equal (column, "score"))
        {
          g_autofree char *base = g_path_get_basename (path);
          char *dot = strrchr (base, '.');
          gsize len;
          if (dot != NULL)
            *dot = '\0';
          /* The scoring cache names files <model>-<8 hex digits of the key>.csv. */
          len = strlen (base);
          if (strstr (path, "ddl-studio") != NULL && len > 9 && base[len - 9] == '-'
              && strspn (base + len - 8, "0123456789abcdef") == 8)
            base[len - 9] = '\0';
          m->name = g_strdup (base);
        }
      else
        m->name = g_strdup (column);
      m->scores = scores;
      m->column = c;
      g_ptr_array_add (self->models, m);
    }
  g_clear_pointer (&self->events, g_array_unref);
  g_object_notify (G_OBJECT (self), "n-models");
  _ddl_session_emit (self, DDL_SESSION_CURVES_CHANGED);
  if (first)
    _ddl_session_choose_threshold (self);
  _ddl_session_emit (self, DDL_SESSION_EVENTS_CHANGED);
  return TRUE;
}

DdlEvalResult *
ddl_session_evaluate (DdlSession *self, guint model, GError **error)
{
  g_return_val_if_fail (model < self->models->len, NULL);
  DdlSessionModel *m = g_ptr_array_index (self->models, model);
  g_autoptr(DdlLabels) labels = NULL;
  DdlEvalOptions options = self->options;

  if (!self->has_truth && ddl_annotations_count_marked (self->annotations) == 0)
    {
      g_set_error (error, DDL_METRICS_ERROR, DDL_METRICS_ERROR_EMPTY,
                   "The footage has no ground truth");
      return NULL;
    }
  labels = ddl_annotations_to_labels (self->annotations);
  options.column = m->column;
  return ddl_eval_run (m->scores, labels, &options, error);
}

void
ddl_session_get_confusion (DdlSession *self, DdlConfusion *out)
{
  memset (out, 0, sizeof *out);
  if (self->models->len == 0)
    return;
  for (guint v = 0; v < self->videos->len; v++)
    {
      const DdlSessionVideo *info = g_ptr_array_index (self->videos, v);
      ddl_confusion_add (out, ddl_session_get_curve (self, 0, v), ddl_session_get_labels (self, v),
                         info->n_frames, self->threshold);
    }
}

/* ---- events ---------------------------------------------------------------------- */

GArray *
ddl_session_get_events (DdlSession *self)
{
  if (self->events == NULL)
    {
      if (self->models->len == 0 || self->videos->len == 0)
        self->events = g_array_new (FALSE, FALSE, sizeof (DdlEvent));
      else
        self->events = ddl_events_find (ddl_session_get_curve (self, 0, self->video),
                                        ddl_session_get_n_frames (self), self->threshold,
                                        self->min_length, self->merge_gap);
    }
  return self->events;
}

void
ddl_session_set_event_rules (DdlSession *self, guint min_length, guint merge_gap)
{
  if (min_length == self->min_length && merge_gap == self->merge_gap)
    return;
  self->min_length = min_length;
  self->merge_gap = merge_gap;
  g_clear_pointer (&self->events, g_array_unref);
  _ddl_session_emit (self, DDL_SESSION_EVENTS_CHANGED);
}

gboolean
ddl_session_next_event (DdlSession *self)
{
  GArray *events = ddl_session_get_events (self);
  int i = ddl_events_next (events, self->frame);
  if (i < 0)
    return FALSE;
  ddl_session_set_frame (self, g_array_index (events, DdlEvent, i).start);
  return TRUE;
}

gboolean
ddl_session_previous_event (DdlSession *self)
{
  GArray *events = ddl_session_get_events (self);
  int at = ddl_events_at (events, self->frame);
  int i = ddl_events_previous (events, self->frame);
  /* Inside an event, "previous" first goes back to the start of the event before. */
  if (at >= 0 && i == at)
    i = at - 1;
  if (i < 0)
    return FALSE;
  ddl_session_set_frame (self, g_array_index (events, DdlEvent, i).start);
  return TRUE;
}

/* ---- truth and annotation -------------------------------------------------------- */

DdlAnnotations *
ddl_session_get_annotations (DdlSession *self)
{
  return self->annotations;
}

gboolean
ddl_session_has_truth (DdlSession *self)
{
  return self->has_truth;
}

const guint8 *
ddl_session_get_labels (DdlSession *self, guint video)
{
  g_return_val_if_fail (video < self->videos->len, NULL);
  if (!ddl_annotations_has_truth (self->annotations, video)
      && ddl_annotations_count_marked (self->annotations) == 0)
    return NULL;
  if (self->labels == NULL)
    self->labels = g_new0 (guint8 *, self->videos->len);
  if (self->labels[video] == NULL)
    {
      guint n = ddl_annotations_get_n_frames (self->annotations, video);
      self->labels[video] = g_new (guint8, MAX (n, 1));
      for (guint f = 0; f < n; f++)
        self->labels[video][f] = ddl_annotations_get_label (self->annotations, video, f);
    }
  return self->labels[video];
}

gboolean
ddl_session_save_marks (DdlSession *self, GError **error)
{
  if (self->autosave_id == 0)
    return TRUE;
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  return self->sidecar == NULL || ddl_annotations_save (self->annotations, self->sidecar, error);
}

gboolean
_ddl_session_autosave (gpointer data)
{
  DdlSession *self = data;
  g_autoptr(GError) error = NULL;

  self->autosave_id = 0;
  if (self->sidecar != NULL && !ddl_annotations_save (self->annotations, self->sidecar, &error))
    _ddl_session_report_error (self, error->message);
  return G_SOURCE_REMOVE;
}

static void
labels_changed (DdlSession *self)
{
  _ddl_session_drop_labels (self);
  if (self->autosave_id == 0)
    self->autosave_id = g_timeout_add (300, _ddl_session_autosave, self);
  g_object_notify (G_OBJECT (self), "can-undo");
  g_object_notify (G_OBJECT (self), "can-redo");
  _ddl_session_emit (self, DDL_SESSION_LABELS_CHANGED);
}

void
ddl_session_mark_range (DdlSession *self, guint start, guint end, DdlMark mark)
{
  if (self->videos->len == 0)
    return;
  ddl_annotations_mark (self->annotations, self->video, start, end, mark);
  labels_changed (self);
}

void
ddl_session_set_selection (DdlSession *self, guint start, guint end)
{
  guint n = ddl_session_get_n_frames (self);
  if (n == 0)
    return;
  self->has_selection = TRUE;
  self->selection_start = MIN (MIN (start, end), n - 1);
  self->selection_end = MIN (MAX (start, end), n - 1);
  _ddl_session_emit (self, DDL_SESSION_LABELS_CHANGED);
}

void
ddl_session_clear_selection (DdlSession *self)
{
  if (!self->has_selection)
    return;
  self->has_selection = FALSE;
  _ddl_session_emit (self, DDL_SESSION_LABELS_CHANGED);
}

gboolean
ddl_session_get_selection (DdlSession *self, guint *start, guint *end)
{
  if (self->has_selection)
    *start = self->selection_start, *end = self->selection_end;
  return self->has_selection;
}

void
ddl_session_mark_current (DdlSession *self, DdlMark mark)
{
  GArray *events = ddl_session_get_events (self);
  int i = ddl_events_at (events, self->frame);

  if (self->has_selection)
    {
      self->has_selection = FALSE;
      ddl_session_mark_range (self, self->selection_start, self->selection_end, mark);
    }
  else if (i >= 0)
    {
      const DdlEvent *e = &g_array_index (events, DdlEvent, i);
      ddl_session_mark_range (self, e->start, e->end, mark);
    }
  else
    ddl_session_mark_range (self, self->frame, self->frame, mark);
}

void
ddl_session_undo (DdlSession *self)
{
  int video;
  if (self->annotations == NULL || (video = ddl_annotations_undo (self->annotations)) < 0)
    return;
  ddl_session_set_video (self, (guint) video);
  labels_changed (self);
}

void
ddl_session_redo (DdlSession *self)
{
  int video;
  if (self->annotations == NULL || (video = ddl_annotations_redo (self->annotations)) < 0)
    return;
  ddl_session_set_video (self, (guint) video);
  labels_changed (self);
}

const char *
ddl_session_get_sidecar_path (DdlSession *self)
{
  return self->sidecar;
}

DdlBoxes *
ddl_session_get_boxes (DdlSession *self)
{
  return self->boxes;
}

void
ddl_session_set_maps_dir (DdlSession *self, const char *maps_dir)
{
  g_free (self->maps_dir);
  self->maps_dir = g_strdup (maps_dir);
  _ddl_session_emit (self, DDL_SESSION_CURVES_CHANGED);
}

const char *
ddl_session_get_maps_dir (DdlSession *self)
{
  return self->maps_dir;
}

void
ddl_session_set_model_maps_dir (DdlSession *self, guint model, const char *maps_dir)
{
  g_return_if_fail (model < self->models->len);
  DdlSessionModel *m = g_ptr_array_index (self->models, model);
  if (g_strcmp0 (m->maps_dir, maps_dir) == 0)
    return;
  g_free (m->maps_dir);
  m->maps_dir = g_strdup (maps_dir);
  _ddl_session_emit (self, DDL_SESSION_MAPS_CHANGED);
}

const char *
ddl_session_get_model_maps_dir (DdlSession *self, guint model)
{
  g_return_val_if_fail (model < self->models->len, NULL);
  return ((DdlSessionModel *) g_ptr_array_index (self->models, model))->maps_dir;
}

