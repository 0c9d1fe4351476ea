/* ddl-labels-binary.c: the binary label formats: MATLAB .mat (FFP intervals,
 * per-video vectors, Avenue pixel masks) and numpy .npy (concatenated MNAD arrays,
 * ShanghaiTech per-video folders). */
#include "ddl-labels-private.h"
#include "ddl-mat.h"
#include "ddl-npy.h"

#include <stdarg.h>
#include <string.h>

static DdlLabels *
fail_format (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static DdlLabels *
fail_format (GError **error, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT, message);
  return NULL;
}

/* Re-labels a DDL_MAT_ERROR or DDL_NPY_ERROR as a labels error, keeping its message
 * (which already names the file). */
static void
propagate_reader_error (GError **error, GError *local, gboolean open_failed)
{
  g_set_error_literal (error, DDL_LABELS_ERROR,
                       open_failed ? DDL_LABELS_ERROR_OPEN : DDL_LABELS_ERROR_FORMAT,
                       local->message);
}

static gboolean
is_vector (const DdlMatValue *value)
{
  guint non_unit = 0;
  for (guint d = 0; d < value->n_dims; d++)
    non_unit += value->dims[d] > 1;
  return value->kind == DDL_MAT_NUMERIC && non_unit <= 1 && value->data != NULL;
}

/* ---- .mat: FFP `gt` intervals ------------------------------------------------------ */

/* One video's intervals: a 2xK [start; end] matrix, a single 1x2 pair, or empty. */
static gboolean
mark_mat_intervals (DdlLabelVideo *video, const DdlMatValue *gt, const char *display,
                    GError **error)
{
  gsize k_count;

  if (gt->n_elements == 0)
    return TRUE;
  if (gt->kind != DDL_MAT_NUMERIC || gt->data == NULL || gt->n_dims != 2
      || (gt->dims[0] != 2 && !(gt->dims[0] == 1 && gt->dims[1] == 2)))
    {
      fail_format (error, "%s: gt entry of video %s must be a 2xK [start; end] matrix",
                   display, video->name);
      return FALSE;
    }
  k_count = gt->dims[0] == 2 ? gt->dims[1] : 1;
  for (gsize k = 0; k < k_count; k++)
    {
      double start = gt->data[2 * k], end = gt->data[2 * k + 1];   /* column-major */
      if (start != (gint64) start || end != (gint64) end)
        {
          fail_format (error, "%s: gt entry of video %s holds a non-integer frame number",
                       display, video->name);
          return FALSE;
        }
      if (!_ddl_labels_mark_interval (video->labels, video->n_frames, (gint64) start,
                                      (gint64) end, 1, display, video->name, error))
        return FALSE;
    }
  return TRUE;
}

static DdlLabels *
labels_from_gt (DdlMatValue *gt, const char *display, const DdlVideoLength *lengths,
                guint n_lengths, GError **error)
{
  g_autoptr(DdlLabels) labels = NULL;
  guint n_videos;

  if (gt->kind != DDL_MAT_CELL && gt->kind != DDL_MAT_NUMERIC)
    return fail_format (error, "%s: variable 'gt' must be a cell of 2xK interval matrices",
                        display);
  n_videos = gt->kind == DDL_MAT_CELL ? gt->n_elements : 1;
  if (lengths == NULL)
    {
      g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_NEEDS_LENGTHS,
                   "%s: 'gt' gives anomalous intervals but not the number of frames of each "
                   "video; give the dataset (--dataset) so its test videos' frame counts are "
                   "known", display);
      return NULL;
    }
  if (!_ddl_labels_check_count (display, n_videos, lengths, n_lengths, error))
    return NULL;

  labels = ddl_labels_new ();
  labels->format = DDL_LABELS_FORMAT_MAT_INTERVALS;
  for (guint v = 0; v < n_videos; v++)
    {
      DdlLabelVideo *video = ddl_labels_add_video (labels, lengths[v].name, NULL,
                                                   lengths[v].n_frames);
      if (!mark_mat_intervals (video, gt->kind == DDL_MAT_CELL ? gt->children[v] : gt,
                               display, error))
        return NULL;
      for (guint f = 0; f < video->n_frames; f++)
        video->n_anomalous += video->labels[f];
    }
  return g_steal_pointer (&labels);
}

/* ---- .mat: Avenue pixel masks ------------------------------------------------------ */

/* `volLabel`: a cell of HxW masks, one per frame; a frame is anomalous if any pixel is. */
static gboolean
add_mask_video (DdlLabels *labels, DdlMatValue *vol, const char *name, const char *display,
                GError **error)
{
  DdlLabelVideo *video;

  if (vol->kind != DDL_MAT_CELL)
    {
      fail_format (error, "%s: variable 'volLabel' must be a cell of per-frame masks", display);
      return FALSE;
    }
  if (vol->n_elements >= DDL_LABELS_MAX_FRAMES)
    {
      fail_format (error, "%s: 'volLabel' has too many frames", display);
      return FALSE;
    }
  video = ddl_labels_add_video (labels, name, NULL, vol->n_elements);
  for (gsize f = 0; f < vol->n_elements; f++)
    {
      DdlMatValue *mask = vol->children[f];
      if (mask->kind != DDL_MAT_NUMERIC)
        {
          fail_format (error, "%s: volLabel{%" G_GSIZE_FORMAT "} is not a numeric mask",
                       display, f + 1);
          return FALSE;
        }
      video->labels[f] = mask->n_nonzero > 0;
      video->n_anomalous += video->labels[f];
    }
  return TRUE;
}

/* "12_label.mat" → "12"; other names → the file stem. */
static char *
mask_video_name (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  char *underscore = strstr (base, "_label.mat");

  if (underscore != NULL)
    *underscore = '\0';
  else if (strrchr (base, '.') != NULL)
    *strrchr (base, '.') = '\0';
  if (base[0] != '\0' && strspn (base, "0123456789") == strlen (base))
    return g_strdup_printf ("%02u", (guint) g_ascii_strtoull (base, NULL, 10));
  return g_steal_pointer (&base);
}

/* ---- .mat: per-video vectors -------------------------------------------------------- */

static int
compare_values_by_name (gconstpointer pa, gconstpointer pb)
{
  const DdlMatValue *a = *(DdlMatValue * const *) pa, *b = *(DdlMatValue * const *) pb;
  return _ddl_labels_natural_compare (a->name, b->name);
}

static DdlLabels *
labels_from_vectors (DdlMatFile *file, const char *display, GError **error)
{
  g_autoptr(DdlLabels) labels = ddl_labels_new ();
  g_autoptr(GPtrArray) vectors = g_ptr_array_new ();
  g_autoptr(GString) found = g_string_new (NULL);

  for (guint i = 0; i < file->variables->len; i++)
    {
      DdlMatValue *value = g_ptr_array_index (file->variables, i);
      if (value->name[0] == '\0')
        continue;   /* subsystem data */
      if (is_vector (value) && value->n_elements > 0 && value->n_elements < DDL_LABELS_MAX_FRAMES)
        g_ptr_array_add (vectors, value);
      g_string_append_printf (found, "%s%s (%s%s)", found->len ? ", " : "", value->name,
                              value->logical ? "logical" : ddl_mat_class_to_string (value->klass),
                              is_vector (value) ? " vector" : "");
    }
  if (vectors->len == 0)
    return fail_format (error, "%s: no label variable: expected 'gt' (FFP intervals), "
                        "'volLabel' (pixel masks) or one 0/1 vector per video; found %s",
                        display, found->len ? found->str : "no variables");

  g_ptr_array_sort (vectors, compare_values_by_name);
  labels->format = DDL_LABELS_FORMAT_MAT_VECTORS;
  for (guint i = 0; i < vectors->len; i++)
    {
      DdlMatValue *value = g_ptr_array_index (vectors, i);
      g_autofree guint8 *values = g_new (guint8, value->n_elements);
      g_autofree char *what = g_strdup_printf ("variable '%s'", value->name);

      if (!_ddl_labels_from_values (values, value->data, value->n_elements, display, what,
                                    error))
        return NULL;
      ddl_labels_add_video (labels, value->name, values, value->n_elements);
    }
  return g_steal_pointer (&labels);
}

DdlLabels *
_ddl_labels_read_mat (const char *path, const char *display, const DdlVideoLength *lengths,
                      guint n_lengths, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(DdlMatFile) file = ddl_mat_load (path, DDL_MAT_LABELS_MAX_NUMERIC, &local);
  DdlMatValue *value;

  if (file == NULL)
    {
      propagate_reader_error (error, local, g_error_matches (local, DDL_MAT_ERROR,
                                                             DDL_MAT_ERROR_OPEN));
      return NULL;
    }
  if ((value = ddl_mat_file_lookup (file, "gt")) != NULL)
    return labels_from_gt (value, display, lengths, n_lengths, error);
  if ((value = ddl_mat_file_lookup (file, "volLabel")) != NULL)
    {
      g_autoptr(DdlLabels) labels = ddl_labels_new ();
      g_autofree char *name = mask_video_name (path);

      labels->format = DDL_LABELS_FORMAT_MAT_MASKS;
      if (!add_mask_video (labels, value, name, display, error))
        return NULL;
      return g_steal_pointer (&labels);
    }
  return labels_from_vectors (file, display, error);
}

DdlLabels *
_ddl_labels_read_mask_folder (const char *folder, const char *display, GError **error)
{
  g_autoptr(GPtrArray) files = _ddl_labels_list_files (folder, "_label.mat", error);
  g_autoptr(DdlLabels) labels = NULL;

  if (files == NULL)
    return NULL;
  labels = ddl_labels_new ();
  labels->format = DDL_LABELS_FORMAT_MAT_MASKS;
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *file_display = g_filename_display_name (path);
      g_autofree char *name = mask_video_name (path);
      g_autoptr(GError) local = NULL;
      g_autoptr(DdlMatFile) file = ddl_mat_load (path, DDL_MAT_LABELS_MAX_NUMERIC, &local);
      DdlMatValue *vol;

      if (file == NULL)
        {
          propagate_reader_error (error, local, FALSE);
          return NULL;
        }
      vol = ddl_mat_file_lookup (file, "volLabel");
      if (vol == NULL)
        return fail_format (error, "%s: no variable 'volLabel' (the pixel masks)",
                            file_display);
      if (!add_mask_video (labels, vol, name, file_display, error))
        return NULL;
    }
  if (labels->videos->len == 0)
    return fail_format (error, "%s: no N_label.mat files", display);
  return g_steal_pointer (&labels);
}

/* ---- .npy ------------------------------------------------------------------------- */

/* A 1-D array, or 2-D with one side 1: (1, N) in MNAD, (N, 1) occasionally. */
static gboolean
check_npy_shape (const DdlNpyArray *array, const char *display, GError **error)
{
  g_autoptr(GString) shape = g_string_new ("(");

  if (array->n_dims == 1 || (array->n_dims == 2 && (array->shape[0] == 1 || array->shape[1] == 1)))
    {
      if (array->n < DDL_LABELS_MAX_FRAMES)
        return TRUE;
      fail_format (error, "%s: %" G_GSIZE_FORMAT " labels is implausibly many", display,
                   array->n);
      return FALSE;
    }
  for (guint d = 0; d < array->n_dims; d++)
    g_string_append_printf (shape, "%s%" G_GSIZE_FORMAT, d ? ", " : "", array->shape[d]);
  g_string_append (shape, array->n_dims == 1 ? ",)" : ")");
  fail_format (error, "%s: expected frame labels of shape (N,) or (1, N), got %s%s", display,
               shape->str, array->n_dims > 2 ? " (pixel masks are not frame labels)" : "");
  return FALSE;
}

static char *
file_stem (const char *path)
{
  char *base = g_path_get_basename (path), *dot = strrchr (base, '.');
  if (dot != NULL && dot != base)
    *dot = '\0';
  return base;
}

static DdlNpyArray *
load_npy_labels (const char *path, const char *display, guint8 **values, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(DdlNpyArray) array = ddl_npy_load (path, &local);

  if (array == NULL)
    {
      propagate_reader_error (error, local, g_error_matches (local, DDL_NPY_ERROR,
                                                             DDL_NPY_ERROR_OPEN));
      return NULL;
    }
  if (!check_npy_shape (array, display, error))
    return NULL;
  *values = g_new (guint8, MAX (array->n, 1));
  if (!_ddl_labels_from_values (*values, array->data, array->n, display, "array", error))
    {
      g_clear_pointer (values, g_free);
      return NULL;
    }
  return g_steal_pointer (&array);
}

DdlLabels *
_ddl_labels_read_npy (const char *path, const char *display, const DdlVideoLength *lengths,
                      guint n_lengths, GError **error)
{
  g_autofree guint8 *values = NULL;
  g_autofree char *stem = file_stem (path);
  g_autoptr(DdlNpyArray) array = load_npy_labels (path, display, &values, error);
  g_autoptr(DdlLabels) labels = NULL;
  gsize total = 0, offset = 0;

  if (array == NULL)
    return NULL;
  labels = ddl_labels_new ();
  labels->format = DDL_LABELS_FORMAT_NPY;

  /* One video's own file (ShanghaiTech test_frame_mask/01_0014.npy). */
  for (guint i = 0; i < n_lengths; i++)
    if (ddl_labels_names_match (lengths[i].name, stem))
      {
        ddl_labels_add_video (labels, lengths[i].name, values, array->n);
        return g_steal_pointer (&labels);
      }
  if (lengths == NULL)
    {
      /* Without the videos' lengths a concatenated file cannot be split. */
      ddl_labels_add_video (labels, g_str_has_prefix (stem, "frame_labels") ? DDL_LABELS_ALL
                            : stem, values, array->n);
      return g_steal_pointer (&labels);
    }

  for (guint i = 0; i < n_lengths; i++)
    total += lengths[i].n_frames;
  if (total != array->n)
    {
      g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH,
                   "%s: %" G_GSIZE_FORMAT " concatenated labels, but the dataset's %u test "
                   "videos have %" G_GSIZE_FORMAT " frames", display, array->n, n_lengths,
                   total);
      return NULL;
    }
  for (guint i = 0; i < n_lengths; i++)
    {
      ddl_labels_add_video (labels, lengths[i].name, values + offset, lengths[i].n_frames);
      offset += lengths[i].n_frames;
    }
  return g_steal_pointer (&labels);
}

DdlLabels *
_ddl_labels_read_npy_folder (const char *folder, const char *display, GError **error)
{
  g_autoptr(GPtrArray) files = _ddl_labels_list_files (folder, ".npy", error);
  g_autoptr(DdlLabels) labels = NULL;

  if (files == NULL)
    return NULL;
  if (files->len == 0)
    return fail_format (error, "%s: no .npy files", display);
  labels = ddl_labels_new ();
  labels->format = DDL_LABELS_FORMAT_NPY_FOLDER;
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *file_display = g_filename_display_name (path);
      g_autofree char *stem = file_stem (path);
      g_autofree guint8 *values = NULL;
      g_autoptr(DdlNpyArray) array = load_npy_labels (path, file_display, &values, error);

      if (array == NULL)
        return NULL;
      ddl_labels_add_video (labels, stem, values, array->n);
    }
  return g_steal_pointer (&labels);
}
