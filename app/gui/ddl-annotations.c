/* Annotation marks with undo/redo, the sidecar file and ground-truth exports. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "ddl-annotations.h"
#include "ddl-npy.h"

#include <errno.h>
#include <string.h>

#define SIDECAR_HEADER "# ddl-studio annotations 1\nvideo,start,end,mark\n"

typedef struct {
  char   *name;
  guint   n_frames;
  guint8 *truth;   /* NULL: no ground truth */
  guint8 *marks;   /* DdlMark per frame */
} Video;

/* One undoable edit: the marks it replaced, and the mark it set. */
typedef struct {
  guint   video, start, end;
  guint8 *before;
  DdlMark mark;
} Step;

struct _DdlAnnotations {
  GPtrArray *videos;   /* Video */
  GPtrArray *undo;     /* Step, newest last */
  GPtrArray *redo;
};

G_DEFINE_QUARK (ddl-annotations-error-quark, ddl_annotations_error)

static void
video_free (gpointer p)
{
  Video *v = p;
  g_free (v->name);
  g_free (v->truth);
  g_free (v->marks);
  g_free (v);
}

static void
step_free (gpointer p)
{
  Step *s = p;
  g_free (s->before);
  g_free (s);
}

DdlAnnotations *
ddl_annotations_new (void)
{
  DdlAnnotations *self = g_new0 (DdlAnnotations, 1);
  self->videos = g_ptr_array_new_with_free_func (video_free);
  self->undo = g_ptr_array_new_with_free_func (step_free);
  self->redo = g_ptr_array_new_with_free_func (step_free);
  return self;
}

void
ddl_annotations_free (DdlAnnotations *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->videos);
  g_ptr_array_unref (self->undo);
  g_ptr_array_unref (self->redo);
  g_free (self);
}

guint
ddl_annotations_add_video (DdlAnnotations *self, const char *name, guint n_frames,
                           const guint8 *truth)
{
  Video *v = g_new0 (Video, 1);
  v->name = g_strdup (name);
  v->n_frames = n_frames;
  v->marks = g_new0 (guint8, MAX (n_frames, 1));
  if (truth != NULL)
    {
      v->truth = g_new (guint8, MAX (n_frames, 1));
      for (guint i = 0; i < n_frames; i++)
        v->truth[i] = truth[i] != 0;
    }
  g_ptr_array_add (self->videos, v);
  return self->videos->len - 1;
}

guint
ddl_annotations_get_n_videos (DdlAnnotations *self)
{
  return self->videos->len;
}

static Video *
get_video (DdlAnnotations *self, guint video)
{
  g_return_val_if_fail (video < self->videos->len, NULL);
  return g_ptr_array_index (self->videos, video);
}

const char *
ddl_annotations_get_name (DdlAnnotations *self, guint video)
{
  Video *v = get_video (self, video);
  return v != NULL ? v->name : NULL;
}

guint
ddl_annotations_get_n_frames (DdlAnnotations *self, guint video)
{
  Video *v = get_video (self, video);
  return v != NULL ? v->n_frames : 0;
}

gboolean
ddl_annotations_has_truth (DdlAnnotations *self, guint video)
{
  Video *v = get_video (self, video);
  return v != NULL && v->truth != NULL;
}

const guint8 *
ddl_annotations_get_truth (DdlAnnotations *self, guint video)
{
  Video *v = get_video (self, video);
  return v != NULL ? v->truth : NULL;
}

DdlMark
ddl_annotations_get_mark (DdlAnnotations *self, guint video, guint frame)
{
  Video *v = get_video (self, video);
  return v != NULL && frame < v->n_frames ? v->marks[frame] : DDL_MARK_NONE;
}

gboolean
ddl_annotations_get_label (DdlAnnotations *self, guint video, guint frame)
{
  Video *v = get_video (self, video);
  if (v == NULL || frame >= v->n_frames)
    return FALSE;
  if (v->marks[frame] != DDL_MARK_NONE)
    return v->marks[frame] == DDL_MARK_ANOMALOUS;
  return v->truth != NULL && v->truth[frame];
}

gsize
ddl_annotations_count_marked (DdlAnnotations *self)
{
  gsize n = 0;
  for (guint i = 0; i < self->videos->len; i++)
    {
      Video *v = g_ptr_array_index (self->videos, i);
      for (guint f = 0; f < v->n_frames; f++)
        n += v->marks[f] != DDL_MARK_NONE;
    }
  return n;
}

/* Applies `step` (forward) and returns it with `before` filled. */
static void
step_apply (DdlAnnotations *self, Step *s)
{
  Video *v = g_ptr_array_index (self->videos, s->video);
  g_free (s->before);
  s->before = g_memdup2 (v->marks + s->start, s->end - s->start + 1);
  memset (v->marks + s->start, s->mark, s->end - s->start + 1);
}

static void
step_revert (DdlAnnotations *self, Step *s)
{
  Video *v = g_ptr_array_index (self->videos, s->video);
  memcpy (v->marks + s->start, s->before, s->end - s->start + 1);
}

void
ddl_annotations_mark (DdlAnnotations *self, guint video, guint start, guint end, DdlMark mark)
{
  Video *v = get_video (self, video);
  g_return_if_fail (v != NULL && mark <= DDL_MARK_NORMAL);
  if (v->n_frames == 0 || start > end || start >= v->n_frames)
    return;
  Step *s = g_new0 (Step, 1);
  s->video = video;
  s->start = start;
  s->end = MIN (end, v->n_frames - 1);
  s->mark = mark;
  step_apply (self, s);
  g_ptr_array_add (self->undo, s);
  g_ptr_array_set_size (self->redo, 0);
}

gboolean
ddl_annotations_can_undo (DdlAnnotations *self)
{
  return self->undo->len > 0;
}

gboolean
ddl_annotations_can_redo (DdlAnnotations *self)
{
  return self->redo->len > 0;
}

int
ddl_annotations_undo (DdlAnnotations *self)
{
  if (self->undo->len == 0)
    return -1;
  Step *s = g_ptr_array_steal_index (self->undo, self->undo->len - 1);
  step_revert (self, s);
  g_ptr_array_add (self->redo, s);
  return (int) s->video;
}

int
ddl_annotations_redo (DdlAnnotations *self)
{
  if (self->redo->len == 0)
    return -1;
  Step *s = g_ptr_array_steal_index (self->redo, self->redo->len - 1);
  step_apply (self, s);
  g_ptr_array_add (self->undo, s);
  return (int) s->video;
}

/* ---- sidecar ------------------------------------------------------------------ */

gboolean
ddl_annotations_save (DdlAnnotations *self, const char *path, GError **error)
{
  g_autoptr(GString) text = g_string_new (SIDECAR_HEADER);
  g_autoptr(GError) local = NULL;

  for (guint i = 0; i < self->videos->len; i++)
    {
      Video *v = g_ptr_array_index (self->videos, i);
      for (guint f = 0; f < v->n_frames;)
        {
          guint e = f;
          while (e + 1 < v->n_frames && v->marks[e + 1] == v->marks[f])
            e++;
          if (v->marks[f] != DDL_MARK_NONE)
            g_string_append_printf (text, "%s,%u,%u,%s\n", v->name, f, e,
                                    v->marks[f] == DDL_MARK_ANOMALOUS ? "anomalous" : "normal");
          f = e + 1;
        }
    }
  /* g_file_set_contents writes a temporary file and renames it over the old one. */
  if (!g_file_set_contents (path, text->str, (gssize) text->len, &local))
    {
      g_set_error (error, DDL_ANNOTATIONS_ERROR, DDL_ANNOTATIONS_ERROR_IO,
                   "Cannot save annotations to %s: %s", path, local->message);
      return FALSE;
    }
  return TRUE;
}

static int
find_video (DdlAnnotations *self, const char *name)
{
  for (guint i = 0; i < self->videos->len; i++)
    if (ddl_labels_names_match (((Video *) g_ptr_array_index (self->videos, i))->name, name))
      return (int) i;
  return -1;
}

gboolean
ddl_annotations_load (DdlAnnotations *self, const char *path, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;

  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      g_set_error (error, DDL_ANNOTATIONS_ERROR, DDL_ANNOTATIONS_ERROR_IO,
                   "Cannot read annotations %s: %s", path, local->message);
      return FALSE;
    }
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] == '\0' || lines[i][0] == '#' || g_str_has_prefix (lines[i], "video,"))
        continue;
      g_auto(GStrv) f = g_strsplit (lines[i], ",", -1);
      guint64 start, end;
      int video;
      if (g_strv_length (f) != 4
          || !g_ascii_string_to_unsigned (f[1], 10, 0, G_MAXUINT, &start, NULL)
          || !g_ascii_string_to_unsigned (f[2], 10, start, G_MAXUINT, &end, NULL)
          || (!g_str_equal (f[3], "anomalous") && !g_str_equal (f[3], "normal")))
        {
          g_set_error (error, DDL_ANNOTATIONS_ERROR, DDL_ANNOTATIONS_ERROR_FORMAT,
                       "%s, line %u: expected video,start,end,anomalous|normal", path, i + 1);
          return FALSE;
        }
      if ((video = find_video (self, f[0])) < 0)
        {
          g_set_error (error, DDL_ANNOTATIONS_ERROR, DDL_ANNOTATIONS_ERROR_FORMAT,
                       "%s, line %u: video '%s' is not part of the open footage", path, i + 1,
                       f[0]);
          return FALSE;
        }
      Video *v = g_ptr_array_index (self->videos, video);
      if (end >= v->n_frames)
        {
          g_set_error (error, DDL_ANNOTATIONS_ERROR, DDL_ANNOTATIONS_ERROR_FORMAT,
                       "%s, line %u: frame %" G_GUINT64_FORMAT " is past the end of video '%s' "
                       "(%u frames)", path, i + 1, end, v->name, v->n_frames);
          return FALSE;
        }
      memset (v->marks + start, g_str_equal (f[3], "anomalous") ? DDL_MARK_ANOMALOUS
                                                                  : DDL_MARK_NORMAL,
              end - start + 1);
    }
  return TRUE;
}

/* ---- exports ------------------------------------------------------------------ */

static guint8 *
effective_labels (DdlAnnotations *self, guint video)
{
  Video *v = g_ptr_array_index (self->videos, video);
  guint8 *labels = g_new (guint8, MAX (v->n_frames, 1));
  for (guint f = 0; f < v->n_frames; f++)
    labels[f] = ddl_annotations_get_label (self, video, f);
  return labels;
}

DdlLabels *
ddl_annotations_to_labels (DdlAnnotations *self)
{
  DdlLabels *labels = ddl_labels_new ();
  for (guint i = 0; i < self->videos->len; i++)
    {
      Video *v = g_ptr_array_index (self->videos, i);
      g_autofree guint8 *values = effective_labels (self, i);
      ddl_labels_add_video (labels, v->name, values, v->n_frames);
    }
  return labels;
}

static gboolean
export_ucsd_m (DdlAnnotations *self, const char *path, GError **error)
{
  g_autoptr(GString) text = g_string_new ("TestVideoFile = {};\n");
  g_autoptr(GError) local = NULL;

  for (guint i = 0; i < self->videos->len; i++)
    {
      Video *v = g_ptr_array_index (self->videos, i);
      g_autofree guint8 *labels = effective_labels (self, i);
      gboolean first = TRUE;
      g_string_append (text, "TestVideoFile{end+1}.gt_frame = [");
      for (guint f = 0; f < v->n_frames; f++)
        {
          if (!labels[f])
            continue;
          guint e = f;
          while (e + 1 < v->n_frames && labels[e + 1])
            e++;
          /* The UCSD file is 1-based and inclusive. */
          g_string_append_printf (text, "%s%u:%u", first ? "" : ", ", f + 1, e + 1);
          first = FALSE;
          f = e;
        }
      g_string_append (text, "];\n");
    }
  if (!g_file_set_contents (path, text->str, (gssize) text->len, &local))
    {
      g_set_error (error, DDL_ANNOTATIONS_ERROR, DDL_ANNOTATIONS_ERROR_IO, "Cannot write %s: %s",
                   path, local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
export_npy (DdlAnnotations *self, const char *path, GError **error)
{
  g_autoptr(GByteArray) all = g_byte_array_new ();
  for (guint i = 0; i < self->videos->len; i++)
    {
      g_autofree guint8 *labels = effective_labels (self, i);
      g_byte_array_append (all, labels, ddl_annotations_get_n_frames (self, i));
    }
  gsize shape[2] = { 1, all->len };
  return ddl_npy_save_u8 (path, all->data, 2, shape, error);
}

gboolean
ddl_annotations_export (DdlAnnotations *self, const char *path, DdlExportFormat format,
                        GError **error)
{
  switch (format)
    {
    case DDL_EXPORT_CSV:
      {
        g_autoptr(DdlLabels) labels = ddl_annotations_to_labels (self);
        return ddl_labels_save_csv (labels, path, error);
      }
    case DDL_EXPORT_UCSD_M:
      return export_ucsd_m (self, path, error);
    case DDL_EXPORT_NPY:
      return export_npy (self, path, error);
    default:
      g_return_val_if_reached (FALSE);
    }
}
