/* The review session: current position, threshold, models, events, marks. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-session-private.h"
#include "ddl-score-curve.h"

#include <math.h>
#include <glib/gstdio.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (DdlSession, ddl_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADED,
  PROP_TITLE,
  PROP_N_VIDEOS,
  PROP_VIDEO,
  PROP_FRAME,
  PROP_N_FRAMES,
  PROP_THRESHOLD,
  PROP_N_MODELS,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

#define FOOTAGE_CHANGED DDL_SESSION_FOOTAGE_CHANGED
#define CURVES_CHANGED  DDL_SESSION_CURVES_CHANGED
#define EVENTS_CHANGED  DDL_SESSION_EVENTS_CHANGED
#define LABELS_CHANGED  DDL_SESSION_LABELS_CHANGED
#define ERROR           DDL_SESSION_ERROR
#define MAPS_CHANGED    DDL_SESSION_MAPS_CHANGED
#define N_SIGNALS       DDL_SESSION_N_SIGNALS

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
model_free (DdlSession *self, DdlSessionModel *m)
{
  if (m->curves != NULL)
    for (guint v = 0; v < self->videos->len; v++)
      g_free (m->curves[v]);
  g_free (m->curves);
  g_free (m->name);
  g_free (m->maps_dir);
  g_free (m);
}

void
_ddl_session_drop_curves (DdlSession *self)
{
  for (guint i = 0; i < self->models->len; i++)
    {
      DdlSessionModel *m = g_ptr_array_index (self->models, i);
      if (m->curves != NULL)
        for (guint v = 0; v < self->videos->len; v++)
          g_clear_pointer (&m->curves[v], g_free);
    }
  g_clear_pointer (&self->events, g_array_unref);
}

void
_ddl_session_drop_labels (DdlSession *self)
{
  if (self->labels != NULL)
    for (guint v = 0; v < self->videos->len; v++)
      g_free (self->labels[v]);
  g_clear_pointer (&self->labels, g_free);
}

void
_ddl_session_clear_models (DdlSession *self)
{
  for (guint i = 0; i < self->models->len; i++)
    model_free (self, g_ptr_array_index (self->models, i));
  g_ptr_array_set_size (self->models, 0);
  g_ptr_array_set_size (self->score_files, 0);
  g_clear_pointer (&self->events, g_array_unref);
}

static void
ddl_session_dispose (GObject *object)
{
  DdlSession *self = DDL_SESSION (object);

  if (self->autosave_id != 0)
    {
      /* Never lose marks: write them now instead of on the pending timeout. */
      g_clear_handle_id (&self->autosave_id, g_source_remove);
      if (self->sidecar != NULL && self->annotations != NULL)
        ddl_annotations_save (self->annotations, self->sidecar, NULL);
    }
  G_OBJECT_CLASS (ddl_session_parent_class)->dispose (object);
}

static void
ddl_session_finalize (GObject *object)
{
  DdlSession *self = DDL_SESSION (object);

  _ddl_session_clear_models (self);
  _ddl_session_drop_labels (self);
  g_ptr_array_unref (self->models);
  g_ptr_array_unref (self->score_files);
  g_ptr_array_unref (self->videos);
  g_clear_pointer (&self->annotations, ddl_annotations_free);
  g_clear_pointer (&self->boxes, ddl_boxes_free);
  g_clear_pointer (&self->dataset, ddl_dataset_free);
  g_free (self->path);
  g_free (self->title);
  g_free (self->root);
  g_free (self->sidecar);
  g_free (self->maps_dir);
  G_OBJECT_CLASS (ddl_session_parent_class)->finalize (object);
}

static void
ddl_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DdlSession *self = DDL_SESSION (object);

  switch (prop_id)
    {
    case PROP_LOADED:    g_value_set_boolean (value, ddl_session_is_loaded (self)); break;
    case PROP_TITLE:     g_value_set_string (value, self->title); break;
    case PROP_N_VIDEOS:  g_value_set_uint (value, self->videos->len); break;
    case PROP_VIDEO:     g_value_set_uint (value, self->video); break;
    case PROP_FRAME:     g_value_set_uint (value, self->frame); break;
    case PROP_N_FRAMES:  g_value_set_uint (value, ddl_session_get_n_frames (self)); break;
    case PROP_THRESHOLD: g_value_set_double (value, self->threshold); break;
    case PROP_N_MODELS:  g_value_set_uint (value, self->models->len); break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, self->annotations != NULL
                                  && ddl_annotations_can_undo (self->annotations));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, self->annotations != NULL
                                  && ddl_annotations_can_redo (self->annotations));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ddl_session_set_property (GObject *object, guint prop_id, const GValue *value,
                          GParamSpec *pspec)
{
  DdlSession *self = DDL_SESSION (object);

  switch (prop_id)
    {
    case PROP_VIDEO:     ddl_session_set_video (self, g_value_get_uint (value)); break;
    case PROP_FRAME:     ddl_session_set_frame (self, g_value_get_uint (value)); break;
    case PROP_THRESHOLD: ddl_session_set_threshold (self, g_value_get_double (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ddl_session_class_init (DdlSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = ddl_session_dispose;
  object_class->finalize = ddl_session_finalize;
  object_class->get_property = ddl_session_get_property;
  object_class->set_property = ddl_session_set_property;

  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE, ro);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, ro);
  properties[PROP_N_VIDEOS] = g_param_spec_uint ("n-videos", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_VIDEO] = g_param_spec_uint ("video", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_FRAME] = g_param_spec_uint ("frame", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_N_FRAMES] = g_param_spec_uint ("n-frames", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_THRESHOLD] = g_param_spec_double ("threshold", NULL, NULL, -G_MAXDOUBLE,
                                                    G_MAXDOUBLE, 0.5, rw);
  properties[PROP_N_MODELS] = g_param_spec_uint ("n-models", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_CAN_UNDO] = g_param_spec_boolean ("can-undo", NULL, NULL, FALSE, ro);
  properties[PROP_CAN_REDO] = g_param_spec_boolean ("can-redo", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[FOOTAGE_CHANGED] = g_signal_new ("footage-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
  signals[CURVES_CHANGED] = g_signal_new ("curves-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  signals[EVENTS_CHANGED] = g_signal_new ("events-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  signals[LABELS_CHANGED] = g_signal_new ("labels-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  signals[MAPS_CHANGED] = g_signal_new ("maps-changed", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ddl_session_init (DdlSession *self)
{
  self->videos = g_ptr_array_new_with_free_func (_ddl_session_video_free);
  self->models = g_ptr_array_new ();
  self->score_files = g_ptr_array_new_with_free_func ((GDestroyNotify) ddl_scores_free);
  ddl_eval_options_init (&self->options);
  self->threshold = 0.5;
  self->min_length = 5;
  self->merge_gap = 5;
}

DdlSession *
ddl_session_new (void)
{
  return g_object_new (DDL_TYPE_SESSION, NULL);
}

void
_ddl_session_emit (DdlSession *self, DdlSessionSignal signal)
{
  g_signal_emit (self, signals[signal], 0);
}

void
_ddl_session_report_error (DdlSession *self, const char *message)
{
  g_signal_emit (self, signals[ERROR], 0, message);
}

gboolean
ddl_session_is_loaded (DdlSession *self)
{
  return self->videos->len > 0;
}

const char *
ddl_session_get_path (DdlSession *self)
{
  return self->path;
}

const char *
ddl_session_get_title (DdlSession *self)
{
  return self->title;
}

const char *
ddl_session_get_root (DdlSession *self)
{
  return self->root;
}

char *
ddl_session_get_fingerprint (DdlSession *self)
{
  return self->dataset != NULL ? ddl_dataset_fingerprint (self->dataset, DDL_SPLIT_TEST) : NULL;
}

guint
ddl_session_get_n_videos (DdlSession *self)
{
  return self->videos->len;
}

const DdlSessionVideo *
ddl_session_get_video_info (DdlSession *self, guint video)
{
  return video < self->videos->len ? g_ptr_array_index (self->videos, video) : NULL;
}

guint
ddl_session_get_video (DdlSession *self)
{
  return self->video;
}

guint
ddl_session_get_n_frames (DdlSession *self)
{
  const DdlSessionVideo *v = ddl_session_get_video_info (self, self->video);
  return v != NULL ? v->n_frames : 0;
}

void
ddl_session_set_video (DdlSession *self, guint video)
{
  g_return_if_fail (DDL_IS_SESSION (self));
  if (self->videos->len == 0)
    return;
  video = MIN (video, self->videos->len - 1);
  if (video == self->video)
    return;
  self->video = video;
  self->frame = 0;
  self->has_selection = FALSE;
  g_clear_pointer (&self->events, g_array_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIDEO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FRAMES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME]);
  g_signal_emit (self, signals[EVENTS_CHANGED], 0);
}

guint
ddl_session_get_frame (DdlSession *self)
{
  return self->frame;
}

void
ddl_session_set_frame (DdlSession *self, guint frame)
{
  guint n = ddl_session_get_n_frames (self);

  g_return_if_fail (DDL_IS_SESSION (self));
  frame = n > 0 ? MIN (frame, n - 1) : 0;
  if (frame == self->frame)
    return;
  self->frame = frame;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME]);
}

void
ddl_session_step (DdlSession *self, int delta)
{
  gint64 f = (gint64) self->frame + delta;
  ddl_session_set_frame (self, (guint) MAX (f, 0));
}

/* ---- applying a load --------------------------------------------------------------- */

void
_ddl_session_apply_load (DdlSession *self, DdlSessionLoad *load)
{
  if (self->autosave_id != 0)
    {
      g_clear_handle_id (&self->autosave_id, g_source_remove);
      ddl_annotations_save (self->annotations, self->sidecar, NULL);
    }
  _ddl_session_clear_models (self);
  _ddl_session_drop_labels (self);
  g_ptr_array_unref (self->videos);
  self->videos = g_steal_pointer (&load->videos);
  g_clear_pointer (&self->dataset, ddl_dataset_free);
  self->dataset = g_steal_pointer (&load->dataset);
  g_clear_pointer (&self->boxes, ddl_boxes_free);
  self->boxes = g_steal_pointer (&load->boxes);
  g_free (self->path);
  self->path = g_strdup (load->path);
  g_free (self->title);
  self->title = g_strdup (load->title);
  g_free (self->root);
  self->root = g_strdup (load->root);
  g_clear_pointer (&self->maps_dir, g_free);

  /* Ground truth per video; a video whose labels do not fit has none. */
  g_clear_pointer (&self->annotations, ddl_annotations_free);
  self->annotations = ddl_annotations_new ();
  self->has_truth = FALSE;
  for (guint v = 0; v < self->videos->len; v++)
    {
      const DdlSessionVideo *info = g_ptr_array_index (self->videos, v);
      DdlLabelVideo *truth = load->labels != NULL ? ddl_labels_lookup (load->labels, info->name)
                                                  : NULL;
      if (truth != NULL && truth->n_frames != info->n_frames)
        {
          g_string_append_printf (load->warnings,
                                  "Labels of video %s have %u frames, the video has %u; "
                                  "ignored.\n", info->name, truth->n_frames, info->n_frames);
          truth = NULL;
        }
      ddl_annotations_add_video (self->annotations, info->name, info->n_frames,
                                 truth != NULL ? truth->labels : NULL);
      self->has_truth |= truth != NULL;
    }

  /* Marks: beside the data if we may write there, else in the user's data folder. A
   * folder without write permission bits counts as read-only even for root, so shared
   * datasets are never written to. */
  GStatBuf st;
  g_free (self->sidecar);
  if (g_stat (self->root, &st) == 0 && (st.st_mode & S_IWUSR) && g_access (self->root, W_OK) == 0)
    self->sidecar = g_build_filename (self->root, "ddl-annotations.csv", NULL);
  else
    {
      g_autofree char *key = g_compute_checksum_for_string (G_CHECKSUM_SHA1, self->root, -1);
      g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "ddl-studio",
                                               "annotations", NULL);
      g_mkdir_with_parents (dir, 0755);
      self->sidecar = g_strdup_printf ("%s/%s.csv", dir, key);
    }
  if (g_file_test (self->sidecar, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GError) error = NULL;
      if (!ddl_annotations_load (self->annotations, self->sidecar, &error))
        g_string_append_printf (load->warnings, "%s\n", error->message);
    }

  self->video = 0;
  self->frame = 0;
  self->has_selection = FALSE;
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = PROP_LOADED; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[FOOTAGE_CHANGED], 0);

  for (guint i = 0; i < load->score_paths->len; i++)
    {
      const char *path = g_ptr_array_index (load->score_paths, i);
      g_autoptr(GError) error = NULL;
      guint first_model = self->models->len;
      if (!ddl_session_add_scores_file (self, path, &error))
        g_string_append_printf (load->warnings, "%s\n", error->message);
      else
        {
          /* The scorer keeps maps beside its cached CSV: <stem>.maps/. */
          g_autofree char *maps = g_strdup (path);
          char *dot = strrchr (maps, '.');
          if (dot != NULL)
            strcpy (dot, ".maps");
          if (g_file_test (maps, G_FILE_TEST_IS_DIR))
            {
              for (guint m = first_model; m < self->models->len; m++)
                ddl_session_set_model_maps_dir (self, m, maps);
              if (self->maps_dir == NULL)
                ddl_session_set_maps_dir (self, maps);
            }
        }
    }
  g_signal_emit (self, signals[CURVES_CHANGED], 0);
  g_signal_emit (self, signals[EVENTS_CHANGED], 0);
  g_signal_emit (self, signals[LABELS_CHANGED], 0);
  if (load->warnings->len > 0)
    {
      g_strchomp (load->warnings->str);
      _ddl_session_report_error (self, load->warnings->str);
    }
}
