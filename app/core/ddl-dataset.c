/* ddl-dataset.c: dataset layouts detected from a folder or a single video.
 *
 * Detection order (first match wins), for a folder ROOT:
 *   ShanghaiTech  ROOT/training/videos/ or ROOT/testing/test_frame_mask/ (test
 *                 split: ROOT/testing/frames/<id>/)
 *   MNAD/FFP      ROOT/training/frames/<video>/ and/or ROOT/testing/frames/<video>/
 *   Avenue        ROOT/training_videos/ and/or ROOT/testing_videos/
 *   UCSD          ROOT/Train/ + ROOT/Test/ whose videos are named Train001…/Test001…
 *                 or with a UCSD*.m next to them (the Test001_gt mask folders are
 *                 not videos)
 *   DDL reference ROOT/Train/<video>/ and/or ROOT/Test/<video>/
 *   video folder  ROOT holds video files and/or folders of images (one video each)
 *   single video  ROOT is a video file, or a folder of images (one image sequence)
 * A split's videos are its sub-folders holding images and its video files, in
 * natural order. Every video is opened once to fill in its exact frame count
 * (the frame source's packet index for video files), size and rate.
 *
 * Label files (test split) are looked for in ROOT (frame_labels_*.npy, UCSD*.m,
 * *.mat, *labels*.csv, *gt*.json / *labels*.json), in the split folders (UCSD keeps
 * UCSDped2.m in Test/), in the label folders testing/test_frame_mask/,
 * ground_truth_demo/testing_label_mask/ and testing_label_mask/, and — only when
 * named after the dataset — in ROOT/.. and ROOT/../data (MNAD keeps
 * data/frame_labels_ped2.npy beside dataset/ped2). */
#include "ddl-dataset.h"

#include <string.h>

G_DEFINE_QUARK (ddl-dataset-error-quark, ddl_dataset_error)

struct _DdlDataset {
  char      *root;
  char      *name;
  DdlLayout  layout;
  GPtrArray *videos[2];      /* DdlVideoEntry, per DdlSplit */
  char      *split_dir[2];
  GPtrArray *labels;         /* absolute paths */
  char      *boxes;
};

static const char *const video_extensions[] = {
  "avi", "mp4", "mkv", "mov", "webm", "m4v", "mpg", "mpeg", "wmv", "flv", "ogv", "3gp", NULL
};
static const char *const image_extensions[] = { "jpg", "jpeg", "png", "tif", "tiff", "bmp", NULL };

const char *
ddl_layout_to_string (DdlLayout layout)
{
  switch (layout)
    {
    case DDL_LAYOUT_MNAD:          return "mnad";
    case DDL_LAYOUT_UCSD:          return "ucsd";
    case DDL_LAYOUT_DDL:           return "ddl";
    case DDL_LAYOUT_AVENUE:        return "avenue";
    case DDL_LAYOUT_SHANGHAITECH:  return "shanghaitech";
    case DDL_LAYOUT_VIDEO_FOLDER:  return "video-folder";
    case DDL_LAYOUT_SINGLE_VIDEO:  return "single-video";
    default:                       return "unknown";
    }
}

/* Natural order: runs of digits compare by value ("2" < "10"), everything else
 * byte by byte, so "Test2" < "Test10" and "01_0014" < "01_0015". Names equal but
 * for leading zeros fall back to plain order, keeping the order total. */
int
ddl_natural_compare (const char *a, const char *b)
{
  const char *sa = a, *sb = b;

  while (*a != '\0' && *b != '\0')
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          const char *da = a, *db = b;
          gsize la, lb;
          int c;
          while (*da == '0' && g_ascii_isdigit (da[1]))
            da++;
          while (*db == '0' && g_ascii_isdigit (db[1]))
            db++;
          for (a = da; g_ascii_isdigit (*a); a++);
          for (b = db; g_ascii_isdigit (*b); b++);
          la = a - da;
          lb = b - db;
          if (la != lb)
            return la < lb ? -1 : 1;
          if ((c = memcmp (da, db, la)) != 0)
            return c < 0 ? -1 : 1;
          continue;
        }
      if (*a != *b)
        return (guchar) *a < (guchar) *b ? -1 : 1;
      a++, b++;
    }
  if (*a != *b)
    return *a == '\0' ? -1 : 1;
  return strcmp (sa, sb);
}

static gboolean
has_extension (const char *name, const char *const *list)
{
  const char *dot = strrchr (name, '.');
  g_autofree char *ext = NULL;

  if (dot == NULL || dot == name)
    return FALSE;
  ext = g_ascii_strdown (dot + 1, -1);
  return g_strv_contains (list, ext);
}

static gboolean
is_dir (const char *path)
{
  return g_file_test (path, G_FILE_TEST_IS_DIR);
}

/* Whether `dir` directly holds at least one image. */
static gboolean
holds_images (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.' && has_extension (name, image_extensions))
      return TRUE;
  return FALSE;
}

static int
compare_entries (gconstpointer a, gconstpointer b)
{
  const DdlVideoEntry *x = *(DdlVideoEntry * const *) a, *y = *(DdlVideoEntry * const *) b;
  return ddl_natural_compare (x->name, y->name);
}

static void
video_entry_free (gpointer data)
{
  DdlVideoEntry *entry = data;
  g_free (entry->name);
  g_free (entry->path);
  g_free (entry);
}

/* Opens the video once for its frame count, size and rate. */
static DdlVideoEntry *
probe_video (const char *path, GError **error)
{
  g_autoptr(DdlFrameSource) source = ddl_frame_source_open (path, error);
  DdlVideoEntry *entry;

  if (source == NULL)
    return NULL;
  entry = g_new0 (DdlVideoEntry, 1);
  entry->name = g_strdup (ddl_frame_source_get_name (source));
  entry->path = g_strdup (path);
  entry->n_frames = ddl_frame_source_get_n_frames (source);
  entry->width = ddl_frame_source_get_width (source);
  entry->height = ddl_frame_source_get_height (source);
  entry->fps = ddl_frame_source_get_fps (source);
  return entry;
}

/* The videos of one split folder: sub-folders with images (except UCSD's
 * *_gt mask folders) and video files. */
static GPtrArray *
scan_split (const char *dir, GError **error)
{
  g_autoptr(GPtrArray) videos = g_ptr_array_new_with_free_func (video_entry_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, error);
  const char *name;

  if (d == NULL)
    {
      g_prefix_error (error, "%s: ", dir);
      return NULL;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      DdlVideoEntry *entry;

      if (name[0] == '.')
        continue;
      if (is_dir (path))
        {
          if (g_str_has_suffix (name, "_gt") || !holds_images (path))
            continue;
        }
      else if (!has_extension (name, video_extensions))
        continue;
      entry = probe_video (path, error);
      if (entry == NULL)
        return NULL;
      g_ptr_array_add (videos, entry);
    }
  g_ptr_array_sort (videos, compare_entries);
  return g_steal_pointer (&videos);
}

/* Whether a folder holds a file whose name starts with `prefix` and ends with
 * `suffix` (case-insensitive). */
static gboolean
folder_has (const char *dir, const char *prefix, const char *suffix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (name, -1);
      if (g_str_has_prefix (lower, prefix) && g_str_has_suffix (lower, suffix))
        return TRUE;
    }
  return FALSE;
}

/* UCSD names its videos Train001…, Test001… */
static gboolean
ucsd_named (const char *dir, const char *prefix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  gboolean any = FALSE;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (name[0] == '.' || !is_dir (path) || g_str_has_suffix (name, "_gt"))
        continue;
      if (!g_str_has_prefix (name, prefix) || !g_ascii_isdigit (name[strlen (prefix)]))
        return FALSE;
      any = TRUE;
    }
  return any;
}

static char *
sub (const char *root, const char *a, const char *b)
{
  return g_build_filename (root, a, b, NULL);
}

/* Chooses the layout and the split folders; FALSE if none fits. */
static gboolean
detect_layout (DdlDataset *ds)
{
  const char *r = ds->root;
  g_autofree char *sht_train = sub (r, "training", "videos");
  g_autofree char *sht_mask = sub (r, "testing", "test_frame_mask");
  g_autofree char *mnad_train = sub (r, "training", "frames");
  g_autofree char *mnad_test = sub (r, "testing", "frames");
  g_autofree char *avenue_train = sub (r, "training_videos", NULL);
  g_autofree char *avenue_test = sub (r, "testing_videos", NULL);
  g_autofree char *train = sub (r, "Train", NULL);
  g_autofree char *test = sub (r, "Test", NULL);

  if (is_dir (sht_train) || (is_dir (sht_mask) && is_dir (mnad_test)))
    {
      ds->layout = DDL_LAYOUT_SHANGHAITECH;
      ds->split_dir[DDL_SPLIT_TRAIN] = is_dir (sht_train) ? g_strdup (sht_train)
                                                          : g_strdup (mnad_train);
      ds->split_dir[DDL_SPLIT_TEST] = g_strdup (mnad_test);
    }
  else if (is_dir (mnad_train) || is_dir (mnad_test))
    {
      ds->layout = DDL_LAYOUT_MNAD;
      ds->split_dir[DDL_SPLIT_TRAIN] = g_strdup (mnad_train);
      ds->split_dir[DDL_SPLIT_TEST] = g_strdup (mnad_test);
    }
  else if (is_dir (avenue_train) || is_dir (avenue_test))
    {
      ds->layout = DDL_LAYOUT_AVENUE;
      ds->split_dir[DDL_SPLIT_TRAIN] = g_strdup (avenue_train);
      ds->split_dir[DDL_SPLIT_TEST] = g_strdup (avenue_test);
    }
  else if (is_dir (train) || is_dir (test))
    {
      gboolean ucsd = folder_has (test, "ucsd", ".m") || folder_has (r, "ucsd", ".m")
                      || ucsd_named (train, "Train") || ucsd_named (test, "Test");
      ds->layout = ucsd ? DDL_LAYOUT_UCSD : DDL_LAYOUT_DDL;
      ds->split_dir[DDL_SPLIT_TRAIN] = g_strdup (train);
      ds->split_dir[DDL_SPLIT_TEST] = g_strdup (test);
    }
  else if (holds_images (r))
    ds->layout = DDL_LAYOUT_SINGLE_VIDEO;
  else
    {
      ds->layout = DDL_LAYOUT_VIDEO_FOLDER;
      ds->split_dir[DDL_SPLIT_TEST] = g_strdup (r);
    }
  /* Only splits that exist. */
  for (int s = 0; s < 2; s++)
    if (ds->split_dir[s] != NULL && !is_dir (ds->split_dir[s]))
      g_clear_pointer (&ds->split_dir[s], g_free);
  return TRUE;
}

/* The dataset name: the root folder's name; UCSD's "UCSDped2" is "ped2". */
static char *
dataset_name (const char *root, DdlLayout layout)
{
  g_autofree char *base = g_path_get_basename (root);

  if (layout == DDL_LAYOUT_UCSD && g_ascii_strncasecmp (base, "ucsd", 4) == 0 && base[4] != '\0')
    return g_ascii_strdown (base + 4, -1);
  if (layout == DDL_LAYOUT_SINGLE_VIDEO)
    {
      char *dot = strrchr (base, '.');
      if (dot != NULL && dot != base && !is_dir (root))
        *dot = '\0';
    }
  return g_steal_pointer (&base);
}

/* ---- label files ------------------------------------------------------------------ */

static void
add_label (DdlDataset *ds, const char *path)
{
  g_autofree char *abs = g_canonicalize_filename (path, NULL);

  for (guint i = 0; i < ds->labels->len; i++)
    if (g_str_equal (g_ptr_array_index (ds->labels, i), abs))
      return;
  g_ptr_array_add (ds->labels, g_steal_pointer (&abs));
}

static gboolean
is_label_name (const char *lower)
{
  if (g_str_equal (lower, "tracked_bounding_boxes.json"))
    return FALSE;
  return (g_str_has_prefix (lower, "frame_labels_") && g_str_has_suffix (lower, ".npy"))
         || (g_str_has_prefix (lower, "ucsd") && g_str_has_suffix (lower, ".m"))
         || g_str_has_suffix (lower, ".mat")
         || (strstr (lower, "label") != NULL && g_str_has_suffix (lower, ".csv"))
         || ((strstr (lower, "label") != NULL || strstr (lower, "gt") != NULL)
             && g_str_has_suffix (lower, ".json"));
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Label files in `dir`; with `name`, only those named after the dataset. */
static void
find_labels_in (DdlDataset *ds, const char *dir, const char *name)
{
  g_autoptr(GDir) d = dir != NULL ? g_dir_open (dir, 0, NULL) : NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *lname = name != NULL ? g_ascii_strdown (name, -1) : NULL;
  const char *entry;

  while (d != NULL && (entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (entry, -1);
      g_autofree char *path = g_build_filename (dir, entry, NULL);

      if (is_dir (path) || !is_label_name (lower))
        continue;
      if (lname != NULL)
        {
          g_autofree char *npy = g_strdup_printf ("frame_labels_%s.npy", lname);
          g_autofree char *mat = g_strdup_printf ("%s.mat", lname);
          g_autofree char *m = g_strdup_printf ("ucsd%s.m", lname);
          if (!g_str_equal (lower, npy) && !g_str_equal (lower, mat) && !g_str_equal (lower, m))
            continue;
        }
      g_ptr_array_add (found, g_steal_pointer (&path));
    }
  g_ptr_array_sort (found, compare_strings);
  for (guint i = 0; i < found->len; i++)
    add_label (ds, g_ptr_array_index (found, i));
}

static void
find_labels (DdlDataset *ds)
{
  const char *label_dirs[] = { "testing/test_frame_mask", "ground_truth_demo/testing_label_mask",
                               "testing_label_mask" };
  g_autofree char *parent = g_path_get_dirname (ds->root);
  g_autofree char *parent_data = g_build_filename (parent, "data", NULL);

  if (ds->layout == DDL_LAYOUT_SINGLE_VIDEO && !is_dir (ds->root))
    {
      /* Per-video label files beside the video: <stem>.npy/.csv/.json/.mat. */
      const char *exts[] = { "npy", "csv", "json", "mat" };
      for (guint i = 0; i < G_N_ELEMENTS (exts); i++)
        {
          g_autofree char *file = g_strdup_printf ("%s.%s", ds->name, exts[i]);
          g_autofree char *path = g_build_filename (parent, file, NULL);
          if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
            add_label (ds, path);
        }
      return;
    }
  find_labels_in (ds, ds->root, NULL);
  if (ds->split_dir[DDL_SPLIT_TEST] != NULL && !g_str_equal (ds->split_dir[DDL_SPLIT_TEST], ds->root))
    find_labels_in (ds, ds->split_dir[DDL_SPLIT_TEST], NULL);
  for (guint i = 0; i < G_N_ELEMENTS (label_dirs); i++)
    {
      g_autofree char *dir = g_build_filename (ds->root, label_dirs[i], NULL);
      if (is_dir (dir))
        add_label (ds, dir);
    }
  find_labels_in (ds, parent, ds->name);
  find_labels_in (ds, parent_data, ds->name);
}

static void
find_boxes (DdlDataset *ds)
{
  const char *dirs[] = { ds->split_dir[DDL_SPLIT_TRAIN], ds->root };

  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = NULL;
      if (dirs[i] == NULL || !is_dir (dirs[i]))
        continue;
      path = g_build_filename (dirs[i], "tracked_bounding_boxes.json", NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          ds->boxes = g_steal_pointer (&path);
          return;
        }
    }
}

/* ---- public API --------------------------------------------------------------------- */

DdlDataset *
ddl_dataset_open (const char *path, GError **error)
{
  g_autoptr(DdlDataset) ds = NULL;
  GError *local = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, DDL_DATASET_ERROR, DDL_DATASET_ERROR_NOT_FOUND,
                   "%s: no such file or folder", path);
      return NULL;
    }
  ds = g_new0 (DdlDataset, 1);
  ds->root = g_canonicalize_filename (path, NULL);
  ds->labels = g_ptr_array_new_with_free_func (g_free);
  for (int s = 0; s < 2; s++)
    ds->videos[s] = g_ptr_array_new_with_free_func (video_entry_free);

  if (!is_dir (ds->root))
    {
      if (!has_extension (ds->root, video_extensions))
        {
          g_set_error (error, DDL_DATASET_ERROR, DDL_DATASET_ERROR_NOT_FOUND,
                       "%s: not a dataset folder or a video file", path);
          return NULL;
        }
      ds->layout = DDL_LAYOUT_SINGLE_VIDEO;
    }
  else
    detect_layout (ds);
  ds->name = dataset_name (ds->root, ds->layout);

  if (ds->layout == DDL_LAYOUT_SINGLE_VIDEO)
    {
      DdlVideoEntry *entry = probe_video (ds->root, &local);
      if (entry == NULL)
        goto invalid;
      g_ptr_array_add (ds->videos[DDL_SPLIT_TEST], entry);
      ds->split_dir[DDL_SPLIT_TEST] = g_path_get_dirname (ds->root);
    }
  else
    for (int s = 0; s < 2; s++)
      {
        GPtrArray *videos;
        if (ds->split_dir[s] == NULL)
          continue;
        videos = scan_split (ds->split_dir[s], &local);
        if (videos == NULL)
          goto invalid;
        g_ptr_array_unref (ds->videos[s]);
        ds->videos[s] = videos;
        if (videos->len == 0 && ds->layout != DDL_LAYOUT_VIDEO_FOLDER)
          {
            g_set_error (error, DDL_DATASET_ERROR, DDL_DATASET_ERROR_EMPTY,
                         "%s: the %s split folder has no videos (image folders or video files)",
                         ds->split_dir[s], s == DDL_SPLIT_TRAIN ? "training" : "test");
            return NULL;
          }
      }

  if (ds->videos[DDL_SPLIT_TRAIN]->len == 0 && ds->videos[DDL_SPLIT_TEST]->len == 0)
    {
      g_set_error (error, DDL_DATASET_ERROR, DDL_DATASET_ERROR_NOT_FOUND,
                   "%s: no dataset layout recognised (expected training/frames/, "
                   "testing/frames/, Train/ and Test/, training_videos/, video files or "
                   "folders of images)", path);
      return NULL;
    }
  find_labels (ds);
  find_boxes (ds);
  return g_steal_pointer (&ds);

invalid:
  g_set_error (error, DDL_DATASET_ERROR, DDL_DATASET_ERROR_INVALID, "%s", local->message);
  g_error_free (local);
  return NULL;
}

void
ddl_dataset_free (DdlDataset *ds)
{
  if (ds == NULL)
    return;
  for (int s = 0; s < 2; s++)
    {
      g_clear_pointer (&ds->videos[s], g_ptr_array_unref);
      g_free (ds->split_dir[s]);
    }
  g_clear_pointer (&ds->labels, g_ptr_array_unref);
  g_free (ds->boxes);
  g_free (ds->root);
  g_free (ds->name);
  g_free (ds);
}

const char *ddl_dataset_get_root (DdlDataset *ds) { return ds->root; }
const char *ddl_dataset_get_name (DdlDataset *ds) { return ds->name; }
DdlLayout ddl_dataset_get_layout (DdlDataset *ds) { return ds->layout; }
GPtrArray *ddl_dataset_get_label_paths (DdlDataset *ds) { return ds->labels; }
const char *ddl_dataset_get_boxes_path (DdlDataset *ds) { return ds->boxes; }

GPtrArray *
ddl_dataset_get_videos (DdlDataset *ds, DdlSplit split)
{
  g_return_val_if_fail (ds != NULL && (split == DDL_SPLIT_TRAIN || split == DDL_SPLIT_TEST), NULL);
  return ds->videos[split];
}

const char *
ddl_dataset_get_split_dir (DdlDataset *ds, DdlSplit split)
{
  g_return_val_if_fail (ds != NULL && (split == DDL_SPLIT_TRAIN || split == DDL_SPLIT_TEST), NULL);
  return ds->split_dir[split];
}

DdlFrameSource *
ddl_dataset_open_video (DdlDataset *ds, DdlSplit split, guint index, GError **error)
{
  GPtrArray *videos = ddl_dataset_get_videos (ds, split);

  g_return_val_if_fail (videos != NULL, NULL);
  if (index >= videos->len)
    {
      g_set_error (error, DDL_DATASET_ERROR, DDL_DATASET_ERROR_INVALID,
                   "%s: the %s split has %u videos, not %u", ds->root,
                   split == DDL_SPLIT_TRAIN ? "training" : "test", videos->len, index + 1);
      return NULL;
    }
  return ddl_frame_source_open (((DdlVideoEntry *) g_ptr_array_index (videos, index))->path,
                                error);
}

char *
ddl_dataset_fingerprint (DdlDataset *ds, DdlSplit split)
{
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA1);
  GPtrArray *videos = ddl_dataset_get_videos (ds, split);

  g_return_val_if_fail (videos != NULL, NULL);
  for (guint i = 0; i < videos->len; i++)
    {
      DdlVideoEntry *entry = g_ptr_array_index (videos, i);
      g_autofree char *line = g_strdup_printf ("%s:%u\n", entry->name, entry->n_frames);
      g_checksum_update (sha, (const guchar *) line, -1);
    }
  return g_strndup (g_checksum_get_string (sha), 16);
}
