/* ddl-synth-write.c: the synthetic walkway dataset on disk, in the MNAD layout with
 * MNAD and CSV frame labels and tracked_bounding_boxes.json per split (ddl-synth.h). */
#include "config.h"

#include "ddl-synth.h"
#include "ddl-frame-writer.h"

#include <errno.h>
#include <gio/gio.h>
#include <math.h>
#include <string.h>

char *
ddl_synth_dataset_name (const char *dir)
{
  g_autofree char *absolute = g_canonicalize_filename (dir, NULL);
  char *name = g_path_get_basename (absolute);

  if (strcmp (name, G_DIR_SEPARATOR_S) == 0 || strcmp (name, ".") == 0)
    {
      g_free (name);
      return g_strdup ("synth");
    }
  for (char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      *p = '_';
  return name;
}

/* numpy format 1.0, little-endian int64, shape (1, n): the MNAD label file. */
static gboolean
write_npy (const char *path, GArray *labels, GError **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *header = g_strdup_printf ("{'descr': '<i8', 'fortran_order': False, "
                                             "'shape': (1, %u), }", labels->len);
  gsize header_len = strlen (header) + 1, padded = (10 + header_len + 63) / 64 * 64 - 10;

  g_string_append_len (out, "\x93NUMPY\x01\x00", 8);
  g_string_append_c (out, (char) (padded & 0xFF));
  g_string_append_c (out, (char) (padded >> 8));
  g_string_append (out, header);
  for (gsize i = header_len; i < padded; i++)
    g_string_append_c (out, ' ');
  g_string_append_c (out, '\n');
  for (guint i = 0; i < labels->len; i++)
    {
      guint8 value[8] = { g_array_index (labels, guint8, i) };
      g_string_append_len (out, (const char *) value, 8);
    }
  return g_file_set_contents (path, out->str, (gssize) out->len, error);
}

static gboolean
check_empty_dir (const char *dir, GError **error)
{
  g_autoptr(GDir) handle = NULL;

  if (!g_file_test (dir, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY, "%s is not a folder", dir);
      return FALSE;
    }
  handle = g_dir_open (dir, 0, error);
  if (handle == NULL)
    return FALSE;
  if (g_dir_read_name (handle) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "%s is not empty; choose a new or empty folder", dir);
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_dir (const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot create %s: %s",
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static char *
video_name (guint n_videos, guint index)
{
  int digits = MAX (2, (int) floor (log10 (MAX (n_videos, 1u))) + 1);
  return g_strdup_printf ("%0*u", digits, index + 1);
}

static char *
frame_file (guint n_frames, guint index)
{
  int digits = MAX (3, (int) floor (log10 (MAX (n_frames - 1, 1u))) + 1);
  return g_strdup_printf ("%0*u.jpg", digits, index);
}

static char *
video_dir (const char *root, DdlSplit split, const char *name)
{
  return g_build_filename (root, split == DDL_SPLIT_TRAIN ? "training" : "testing", "frames",
                           name, NULL);
}

/* Frames are written by a few threads, one video each: each image is synced to disk
 * as it is written, and on a busy disk that waiting, not the drawing, is what takes
 * the time. */
typedef struct {
  DdlSynth              *synth;
  const DdlSynthOptions *options;
  const char            *root;
  GMutex                 lock;
  GError                *error;     /* the first one */
  guint                  done[2];   /* videos finished per split */
} FrameJob;

static void
write_video_frames (gpointer data, gpointer user_data)
{
  FrameJob *job = user_data;
  /* Task data: split << 24 | (index + 1), never NULL (a thread pool refuses NULL). */
  DdlSplit split = GPOINTER_TO_UINT (data) >> 24;
  guint index = (GPOINTER_TO_UINT (data) & 0xFFFFFF) - 1;
  const DdlSynthOptions *o = job->options;
  guint n_videos = split == DDL_SPLIT_TRAIN ? o->n_train_videos : o->n_test_videos;
  g_autoptr(DdlSynthVideo) video = ddl_synth_video_new (job->synth, split, index);
  g_autofree char *name = video_name (n_videos, index);
  g_autofree char *dir = video_dir (job->root, split, name);
  g_autofree guint8 *rgb = g_new (guint8, (gsize) o->width * o->height * 3);
  guint n = ddl_synth_video_get_n_frames (video);
  GError *error = NULL;

  if (make_dir (dir, &error))
    for (guint f = 0; f < n; f++)
      {
        g_autofree char *file = frame_file (n, f);
        g_autofree char *path = g_build_filename (dir, file, NULL);
        gboolean failed;

        g_mutex_lock (&job->lock);
        failed = job->error != NULL;
        g_mutex_unlock (&job->lock);
        if (failed)
          return;
        ddl_synth_video_render (video, f, rgb);
        if (!ddl_image_write (path, rgb, o->width, o->height, o->width * 3, &error))
          break;
      }
  g_mutex_lock (&job->lock);
  if (error != NULL && job->error == NULL)
    job->error = g_steal_pointer (&error);
  else if (error == NULL && o->progress != NULL)
    o->progress (split, job->done[split]++, n_videos, o->user_data);
  g_mutex_unlock (&job->lock);
  g_clear_error (&error);
}

static gboolean
write_all_frames (DdlSynth *synth, const DdlSynthOptions *o, const char *root, GError **error)
{
  FrameJob job = { synth, o, root };
  GThreadPool *pool;

  g_mutex_init (&job.lock);
  pool = g_thread_pool_new (write_video_frames, &job, 4, FALSE, NULL);
  for (guint v = 0; v < o->n_train_videos; v++)
    g_thread_pool_push (pool, GUINT_TO_POINTER ((DDL_SPLIT_TRAIN << 24) | (v + 1)), NULL);
  for (guint v = 0; v < o->n_test_videos; v++)
    g_thread_pool_push (pool, GUINT_TO_POINTER ((DDL_SPLIT_TEST << 24) | (v + 1)), NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
  g_mutex_clear (&job.lock);
  if (job.error != NULL)
    {
      g_propagate_error (error, job.error);
      return FALSE;
    }
  return TRUE;
}

/* One split's boxes and (test) labels; the motion is simulated again, which is cheap
 * next to drawing and gives the same objects. */
static gboolean
write_split_truth (DdlSynth *synth, const DdlSynthOptions *o, const char *root, DdlSplit split,
                   GArray *labels, GString *csv, GError **error)
{
  guint n_videos = split == DDL_SPLIT_TRAIN ? o->n_train_videos : o->n_test_videos;
  g_autofree char *frames_dir = g_build_filename (root, split == DDL_SPLIT_TRAIN ? "training"
                                                  : "testing", "frames", NULL);
  /* Where the reference loader looks: in the split folder whose subfolders are the
   * videos (and where ddl_dataset_get_boxes_path finds it). */
  g_autofree char *boxes_path = g_build_filename (frames_dir, "tracked_bounding_boxes.json", NULL);
  g_autoptr(DdlBoxes) boxes = ddl_boxes_new ();

  for (guint v = 0; v < n_videos; v++)
    {
      g_autoptr(DdlSynthVideo) video = ddl_synth_video_new (synth, split, v);
      g_autofree char *name = video_name (n_videos, v);
      g_autofree char *dir = video_dir (root, split, name);
      guint n = ddl_synth_video_get_n_frames (video);
      guint b = ddl_boxes_add_video (boxes, name, dir, n);

      for (guint f = 0; f < n; f++)
        {
          g_autofree char *file = frame_file (n, f);
          guint n_objects = 0;
          const DdlSynthObject *objects = ddl_synth_video_get_objects (video, f, &n_objects);

          ddl_boxes_set_frame_file (boxes, b, f, file);
          for (guint i = 0; i < n_objects; i++)
            {
              char id[16];
              DdlBox *box;
              g_snprintf (id, sizeof id, "%u", objects[i].track);
              box = ddl_boxes_add (boxes, b, f, id, objects[i].box);
              if (split == DDL_SPLIT_TEST)
                {
                  box->kind = ddl_boxes_intern_kind (boxes, objects[i].kind);
                  box->anomalous = objects[i].anomalous;
                }
            }
          if (split == DDL_SPLIT_TEST)
            {
              guint8 label = ddl_synth_video_get_label (video, f) ? 1 : 0;
              g_array_append_val (labels, label);
              g_string_append_printf (csv, "%s,%u,%u\n", name, f, label);
            }
        }
    }
  return ddl_boxes_write (boxes, boxes_path, error);
}

gboolean
ddl_synth_write_dataset (const DdlSynthOptions *options,
                         const char            *dir,
                         GError               **error)
{
  g_autofree char *root = g_canonicalize_filename (dir, NULL);
  g_autofree char *name = ddl_synth_dataset_name (dir);
  g_autofree char *npy_name = g_strdup_printf ("frame_labels_%s.npy", name);
  g_autofree char *npy_path = g_build_filename (root, npy_name, NULL);
  g_autofree char *csv_path = g_build_filename (root, "labels.csv", NULL);
  g_autoptr(GArray) labels = g_array_new (FALSE, FALSE, sizeof (guint8));
  g_autoptr(GString) csv = g_string_new ("video,frame,label\n");
  g_autoptr(DdlSynth) synth = NULL;

  if (options->width < 32 || options->height < 32 || options->width > 4096
      || options->height > 4096)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "frame size %ux%u is outside 32x32 … 4096x4096", options->width,
                   options->height);
      return FALSE;
    }
  if (!check_empty_dir (root, error) || !make_dir (root, error))
    return FALSE;
  synth = ddl_synth_new (options);
  if (!write_all_frames (synth, options, root, error)
      || !write_split_truth (synth, options, root, DDL_SPLIT_TRAIN, labels, csv, error)
      || !write_split_truth (synth, options, root, DDL_SPLIT_TEST, labels, csv, error))
    return FALSE;
  return write_npy (npy_path, labels, error)
         && g_file_set_contents (csv_path, csv->str, (gssize) csv->len, error);
}
