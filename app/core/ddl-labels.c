/* ddl-labels.c: the DdlLabels structure, format detection, the consistency check
 * and the CSV writer. The readers live in ddl-labels-text.c and ddl-labels-binary.c. */
#include "ddl-labels-private.h"

#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK (ddl-labels-error-quark, ddl_labels_error)

const char *
ddl_labels_format_to_string (DdlLabelsFormat format)
{
  switch (format)
    {
    case DDL_LABELS_FORMAT_UCSD_M: return "UCSD .m intervals";
    case DDL_LABELS_FORMAT_MAT_INTERVALS: return "MATLAB gt intervals";
    case DDL_LABELS_FORMAT_MAT_VECTORS: return "MATLAB per-video vectors";
    case DDL_LABELS_FORMAT_MAT_MASKS: return "MATLAB pixel masks";
    case DDL_LABELS_FORMAT_NPY: return "numpy array";
    case DDL_LABELS_FORMAT_NPY_FOLDER: return "numpy per-video folder";
    case DDL_LABELS_FORMAT_JSON: return "FFP toydata JSON";
    case DDL_LABELS_FORMAT_CSV: return "CSV";
    case DDL_LABELS_FORMAT_NONE: default: return "none";
    }
}

static void
label_video_free (DdlLabelVideo *video)
{
  g_free (video->name);
  g_free (video->labels);
  g_free (video);
}

DdlLabels *
ddl_labels_new (void)
{
  DdlLabels *labels = g_new0 (DdlLabels, 1);
  labels->videos = g_ptr_array_new_with_free_func ((GDestroyNotify) label_video_free);
  return labels;
}

void
ddl_labels_free (DdlLabels *labels)
{
  if (labels == NULL)
    return;
  g_ptr_array_unref (labels->videos);
  g_free (labels->path);
  g_free (labels);
}

DdlLabelVideo *
ddl_labels_add_video (DdlLabels *labels, const char *name, const guint8 *values, guint n_frames)
{
  DdlLabelVideo *video = g_new0 (DdlLabelVideo, 1);

  g_return_val_if_fail (labels != NULL && name != NULL, NULL);
  video->name = g_strdup (name);
  video->n_frames = n_frames;
  video->labels = g_new0 (guint8, MAX (n_frames, 1));
  for (guint i = 0; values != NULL && i < n_frames; i++)
    {
      video->labels[i] = values[i] != 0;
      video->n_anomalous += video->labels[i];
    }
  g_ptr_array_add (labels->videos, video);
  return video;
}

static gboolean
all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

gboolean
ddl_labels_names_match (const char *a, const char *b)
{
  if (strcmp (a, b) == 0)
    return TRUE;
  if (all_digits (a) && all_digits (b))
    {
      while (*a == '0' && a[1] != '\0')
        a++;
      while (*b == '0' && b[1] != '\0')
        b++;
      return strcmp (a, b) == 0;
    }
  return FALSE;
}

DdlLabelVideo *
ddl_labels_lookup (DdlLabels *labels, const char *name)
{
  g_return_val_if_fail (labels != NULL && name != NULL, NULL);
  /* Exact names first, so "01" and "1" in one file still resolve as written. */
  for (guint i = 0; i < labels->videos->len; i++)
    {
      DdlLabelVideo *video = g_ptr_array_index (labels->videos, i);
      if (strcmp (video->name, name) == 0)
        return video;
    }
  for (guint i = 0; i < labels->videos->len; i++)
    {
      DdlLabelVideo *video = g_ptr_array_index (labels->videos, i);
      if (ddl_labels_names_match (video->name, name))
        return video;
    }
  return NULL;
}

gsize
ddl_labels_get_n_frames (DdlLabels *labels)
{
  gsize total = 0;
  for (guint i = 0; i < labels->videos->len; i++)
    total += ((DdlLabelVideo *) g_ptr_array_index (labels->videos, i))->n_frames;
  return total;
}

gsize
ddl_labels_get_n_anomalous (DdlLabels *labels)
{
  gsize total = 0;
  for (guint i = 0; i < labels->videos->len; i++)
    total += ((DdlLabelVideo *) g_ptr_array_index (labels->videos, i))->n_anomalous;
  return total;
}

gboolean
ddl_labels_is_unsplit (DdlLabels *labels)
{
  return labels->videos->len == 1
         && labels->format == DDL_LABELS_FORMAT_NPY
         && strcmp (((DdlLabelVideo *) g_ptr_array_index (labels->videos, 0))->name,
                    DDL_LABELS_ALL) == 0;
}

/* ---- helpers for the readers ------------------------------------------------ */

gboolean
_ddl_labels_mark_interval (guint8 *labels, guint n, gint64 start, gint64 end, guint base,
                           const char *display, const char *video, GError **error)
{
  if (start < base || end < start || end - base >= (gint64) n)
    {
      g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH,
                   "%s: video %s: anomalous interval %" G_GINT64_FORMAT "-%" G_GINT64_FORMAT
                   " (%s-based) %s its %u frames", display, video, start, end,
                   base == 0 ? "0" : "1", end < start ? "is reversed; the video has" :
                   "lies outside", n);
      return FALSE;
    }
  for (gint64 i = start - base; i <= end - base; i++)
    labels[i] = 1;
  return TRUE;
}

gboolean
_ddl_labels_from_values (guint8 *out, const double *values, gsize n, const char *display,
                         const char *what, GError **error)
{
  for (gsize i = 0; i < n; i++)
    {
      if (values[i] != 0.0 && values[i] != 1.0)
        {
          g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT,
                       "%s: %s: value %g at index %" G_GSIZE_FORMAT " is not a 0/1 label",
                       display, what, values[i], i);
          return FALSE;
        }
      out[i] = values[i] != 0.0;
    }
  return TRUE;
}

char *
_ddl_labels_ordinal_name (const DdlVideoLength *lengths, guint n_lengths, guint index)
{
  if (lengths != NULL && index < n_lengths)
    return g_strdup (lengths[index].name);
  return g_strdup_printf ("%02u", index + 1);
}

gboolean
_ddl_labels_check_count (const char *display, guint n_videos, const DdlVideoLength *lengths,
                         guint n_lengths, GError **error)
{
  if (lengths == NULL || n_videos == n_lengths)
    return TRUE;
  g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH,
               "%s: labels for %u videos, but the dataset has %u test videos",
               display, n_videos, n_lengths);
  return FALSE;
}

int
_ddl_labels_natural_compare (const char *a, const char *b)
{
  while (*a != '\0' && *b != '\0')
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          const char *ea = a, *eb = b;
          gsize la, lb;
          int c;

          while (*a == '0' && g_ascii_isdigit (a[1]))
            a++;
          while (*b == '0' && g_ascii_isdigit (b[1]))
            b++;
          for (ea = a; g_ascii_isdigit (*ea); ea++)
            ;
          for (eb = b; g_ascii_isdigit (*eb); eb++)
            ;
          la = ea - a;
          lb = eb - b;
          if (la != lb)
            return la < lb ? -1 : 1;
          c = strncmp (a, b, la);
          if (c != 0)
            return c;
          a = ea;
          b = eb;
        }
      else
        {
          if (*a != *b)
            return (guchar) *a < (guchar) *b ? -1 : 1;
          a++;
          b++;
        }
    }
  return *a == *b ? 0 : *a == '\0' ? -1 : 1;
}

static int
compare_paths (gconstpointer pa, gconstpointer pb)
{
  const char *a = *(const char * const *) pa, *b = *(const char * const *) pb;
  g_autofree char *ba = g_path_get_basename (a), *bb = g_path_get_basename (b);
  return _ddl_labels_natural_compare (ba, bb);
}

GPtrArray *
_ddl_labels_list_files (const char *folder, const char *suffix, GError **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local = NULL;
  const char *entry;

  dir = g_dir_open (folder, 0, &local);
  if (dir == NULL)
    {
      g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_OPEN, "%s", local->message);
      return NULL;
    }
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, entry, NULL);
      if (g_str_has_suffix (entry, suffix) && g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (files, g_steal_pointer (&path));
    }
  g_ptr_array_sort (files, compare_paths);
  return g_steal_pointer (&files);
}

/* ---- detection and dispatch ------------------------------------------------- */

/* "12_label.mat" */
static gboolean
is_mask_file_name (const char *name)
{
  const char *p = name;
  while (g_ascii_isdigit (*p))
    p++;
  return p != name && strcmp (p, "_label.mat") == 0;
}

static gboolean
folder_has_masks (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    if (is_mask_file_name (entry))
      return TRUE;
  return FALSE;
}

/* A folder of per-video .npy files (ShanghaiTech test_frame_mask/): named so, or two or
 * more .npy files, no sub-folders and no MNAD "frame_labels" file among them. */
static gboolean
folder_is_npy_folder (const char *folder)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  g_autofree char *base = g_path_get_basename (folder);
  const char *entry;
  guint n_npy = 0;

  if (dir == NULL)
    return FALSE;
  if (strcmp (base, "test_frame_mask") == 0)
    return TRUE;
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, entry, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR) || g_str_has_prefix (entry, "frame_labels"))
        return FALSE;
      n_npy += g_str_has_suffix (entry, ".npy");
    }
  return n_npy >= 2;
}

gboolean
ddl_labels_is_label_folder (const char *folder)
{
  return g_file_test (folder, G_FILE_TEST_IS_DIR)
         && (folder_has_masks (folder) || folder_is_npy_folder (folder));
}

static DdlLabelsFormat
format_from_file (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  char head[8] = { 0 };
  FILE *f;

  if (g_str_has_suffix (lower, ".m"))
    return DDL_LABELS_FORMAT_UCSD_M;
  if (g_str_has_suffix (lower, ".mat"))
    return DDL_LABELS_FORMAT_MAT_INTERVALS;   /* the reader decides which .mat form */
  if (g_str_has_suffix (lower, ".npy"))
    return DDL_LABELS_FORMAT_NPY;
  if (g_str_has_suffix (lower, ".json"))
    return DDL_LABELS_FORMAT_JSON;
  if (g_str_has_suffix (lower, ".csv"))
    return DDL_LABELS_FORMAT_CSV;
  /* No known extension: look at the first bytes. */
  f = fopen (path, "rb");
  if (f == NULL)
    return DDL_LABELS_FORMAT_NONE;
  if (fread (head, 1, sizeof head - 1, f) == 0)
    head[0] = '\0';
  fclose (f);
  if (memcmp (head, "\x93NUMPY", 6) == 0)
    return DDL_LABELS_FORMAT_NPY;
  if (memcmp (head, "MATLAB", 6) == 0)
    return DDL_LABELS_FORMAT_MAT_INTERVALS;
  if (head[0] == '{')
    return DDL_LABELS_FORMAT_JSON;
  if (g_ascii_strncasecmp (head, "video,", 6) == 0)
    return DDL_LABELS_FORMAT_CSV;
  if (g_str_has_prefix (head, "TestVid"))
    return DDL_LABELS_FORMAT_UCSD_M;
  return DDL_LABELS_FORMAT_NONE;
}

DdlLabels *
ddl_labels_load (const char *path, const DdlVideoLength *lengths, guint n_lengths,
                 GError **error)
{
  g_autofree char *display = NULL;
  g_autofree char *found = NULL;
  DdlLabels *labels = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (lengths != NULL || n_lengths == 0, NULL);

  display = g_filename_display_name (path);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_OPEN,
                   "%s: no such file or folder", display);
      return NULL;
    }

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if (folder_has_masks (path))
        labels = _ddl_labels_read_mask_folder (path, display, error);
      else if (folder_is_npy_folder (path))
        labels = _ddl_labels_read_npy_folder (path, display, error);
      else
        {
          found = ddl_labels_find_in_folder (path, error);
          return found != NULL ? ddl_labels_load (found, lengths, n_lengths, error) : NULL;
        }
    }
  else
    switch (format_from_file (path))
      {
      case DDL_LABELS_FORMAT_UCSD_M:
        labels = _ddl_labels_read_ucsd_m (path, display, lengths, n_lengths, error);
        break;
      case DDL_LABELS_FORMAT_MAT_INTERVALS:
        labels = _ddl_labels_read_mat (path, display, lengths, n_lengths, error);
        break;
      case DDL_LABELS_FORMAT_NPY:
        labels = _ddl_labels_read_npy (path, display, lengths, n_lengths, error);
        break;
      case DDL_LABELS_FORMAT_JSON:
        labels = _ddl_labels_read_json (path, display, error);
        break;
      case DDL_LABELS_FORMAT_CSV:
        labels = _ddl_labels_read_csv (path, display, error);
        break;
      default:
        g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT,
                     "%s: unknown label format (expected .m, .mat, .npy, .json or .csv)",
                     display);
        return NULL;
      }
  if (labels != NULL)
    labels->path = g_strdup (path);
  return labels;
}

/* ---- finding labels in a folder --------------------------------------------- */

typedef struct {
  gboolean    want_dir;
  const char *suffix;     /* file name suffix or exact folder name */
  gboolean    exact;
} LabelPattern;

static const LabelPattern label_patterns[] = {
  { FALSE, ".m", FALSE },
  { TRUE, "testing_label_mask", TRUE },
  { TRUE, "test_frame_mask", TRUE },
  { FALSE, ".mat", FALSE },
  { FALSE, ".npy", FALSE },      /* only frame_labels*.npy, see below */
  { FALSE, ".json", FALSE },     /* only names with "label", "gt" or "toydata" */
  { FALSE, ".csv", FALSE },      /* only names with "label" */
};

static gboolean
pattern_matches (const LabelPattern *pattern, const char *name, gboolean is_dir)
{
  if (pattern->want_dir != is_dir)
    return FALSE;
  if (pattern->exact)
    return strcmp (name, pattern->suffix) == 0;
  if (!g_str_has_suffix (name, pattern->suffix) || is_mask_file_name (name))
    return FALSE;
  if (strcmp (pattern->suffix, ".npy") == 0)
    return g_str_has_prefix (name, "frame_labels");
  if (strcmp (pattern->suffix, ".json") == 0)
    return strstr (name, "label") != NULL || strstr (name, "gt") != NULL
           || strstr (name, "toydata") != NULL;
  if (strcmp (pattern->suffix, ".csv") == 0)
    return strstr (name, "label") != NULL;
  return TRUE;
}

/* Entries of `folder` (depth 0) and of its sub-folders (depth 1), shallow first. */
static GPtrArray *
list_two_levels (const char *folder)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) subdirs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      char *path = g_build_filename (folder, entry, NULL);
      g_ptr_array_add (paths, path);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (subdirs, g_strdup (path));
    }
  g_ptr_array_sort (paths, compare_paths);
  g_ptr_array_sort (subdirs, compare_paths);
  for (guint i = 0; i < subdirs->len; i++)
    {
      g_autoptr(GDir) sub = g_dir_open (g_ptr_array_index (subdirs, i), 0, NULL);
      g_autoptr(GPtrArray) level = g_ptr_array_new ();
      while (sub != NULL && (entry = g_dir_read_name (sub)) != NULL)
        g_ptr_array_add (level, g_build_filename (g_ptr_array_index (subdirs, i), entry, NULL));
      g_ptr_array_sort (level, compare_paths);
      for (guint k = 0; k < level->len; k++)
        g_ptr_array_add (paths, g_ptr_array_index (level, k));
    }
  return paths;
}

char *
ddl_labels_find_in_folder (const char *folder, GError **error)
{
  g_autoptr(GPtrArray) paths = list_two_levels (folder);
  g_autofree char *display = g_filename_display_name (folder);

  for (gsize p = 0; p < G_N_ELEMENTS (label_patterns); p++)
    for (guint i = 0; i < paths->len; i++)
      {
        const char *path = g_ptr_array_index (paths, i);
        g_autofree char *name = g_path_get_basename (path);
        if (pattern_matches (&label_patterns[p], name, g_file_test (path, G_FILE_TEST_IS_DIR)))
          return g_strdup (path);
      }
  g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_NOT_FOUND,
               "%s: no label file found (looked for .m, testing_label_mask/, test_frame_mask/, "
               ".mat, frame_labels*.npy, label JSON and CSV files)", display);
  return NULL;
}

/* ---- consistency ------------------------------------------------------------ */

gboolean
ddl_labels_check (DdlLabels *labels, const DdlVideoLength *lengths, guint n_lengths,
                  GError **error)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autofree gboolean *used = NULL;
  guint n_problems = 0;

  g_return_val_if_fail (labels != NULL, FALSE);
  g_return_val_if_fail (lengths != NULL || n_lengths == 0, FALSE);

  if (ddl_labels_is_unsplit (labels))
    {
      gsize total = 0;
      for (guint i = 0; i < n_lengths; i++)
        total += lengths[i].n_frames;
      if (total == ddl_labels_get_n_frames (labels))
        return TRUE;
      g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH,
                   "labels do not match the frames: %" G_GSIZE_FORMAT " concatenated labels, "
                   "but the %u test videos have %" G_GSIZE_FORMAT " frames",
                   ddl_labels_get_n_frames (labels), n_lengths, total);
      return FALSE;
    }

  used = g_new0 (gboolean, labels->videos->len + 1);
  for (guint i = 0; i < n_lengths; i++)
    {
      DdlLabelVideo *video = ddl_labels_lookup (labels, lengths[i].name);
      if (video == NULL)
        {
          g_string_append_printf (problems, "%s%s has no labels", n_problems++ ? "; " : "",
                                  lengths[i].name);
          continue;
        }
      for (guint k = 0; k < labels->videos->len; k++)
        if (g_ptr_array_index (labels->videos, k) == video)
          used[k] = TRUE;
      if (video->n_frames != lengths[i].n_frames)
        g_string_append_printf (problems, "%s%s has %u labels but %u frames",
                                n_problems++ ? "; " : "", lengths[i].name, video->n_frames,
                                lengths[i].n_frames);
    }
  for (guint k = 0; k < labels->videos->len; k++)
    if (!used[k])
      g_string_append_printf (problems, "%slabels for %s, which is not a test video",
                              n_problems++ ? "; " : "",
                              ((DdlLabelVideo *) g_ptr_array_index (labels->videos, k))->name);
  if (n_problems == 0)
    return TRUE;
  g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH,
               "labels do not match the frames (%u problem%s): %s", n_problems,
               n_problems == 1 ? "" : "s", problems->str);
  return FALSE;
}

gboolean
ddl_labels_save_csv (DdlLabels *labels, const char *path, GError **error)
{
  g_autoptr(GString) out = g_string_new ("video,frame,label\n");

  for (guint i = 0; i < labels->videos->len; i++)
    {
      DdlLabelVideo *video = g_ptr_array_index (labels->videos, i);
      /* Names are written unquoted, so they must not need quoting. */
      if (strpbrk (video->name, ",\"\r\n") != NULL || video->name[0] == '\0')
        {
          g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT,
                       "cannot write video name '%s' to CSV (empty, or has a comma, quote or "
                       "line break)", video->name);
          return FALSE;
        }
      for (guint f = 0; f < video->n_frames; f++)
        g_string_append_printf (out, "%s,%u,%u\n", video->name, f, video->labels[f]);
    }
  return g_file_set_contents (path, out->str, out->len, error);
}
