/* Windows and clip batches (see ddl-clips.h). Decoded frames are cached at the
 * model's size as bytes: each frame belongs to T windows, and a Ped2-size
 * training set at 128x128 is a few tens of MiB. */
#include "ddl-clips.h"

#include <string.h>

/* Past this many cached bytes the oldest frames of the cache are dropped. */
#define CACHE_LIMIT ((gsize) 1536 << 20)

typedef struct {
  char           *name;
  DdlFrameSource *source;
  guint           n_frames;
  guint8        **frames;   /* n_frames, decoded on demand */
} ClipVideo;

struct _DdlClips {
  GMutex     lock;
  GPtrArray *videos;        /* ClipVideo */
  guint      channels, temporal, width, height;
  gsize      cached;
  GQueue     order;         /* cached frames, oldest first: (video << 32 | frame) */
  GArray    *windows;
};

static void
clip_video_free (ClipVideo *v)
{
  if (v->frames != NULL)
    for (guint i = 0; i < v->n_frames; i++)
      g_free (v->frames[i]);
  g_free (v->frames);
  g_clear_pointer (&v->source, ddl_frame_source_free);
  g_free (v->name);
  g_free (v);
}

static DdlClips *
clips_alloc (guint channels, guint temporal, guint width, guint height)
{
  DdlClips *c = g_new0 (DdlClips, 1);
  g_mutex_init (&c->lock);
  c->videos = g_ptr_array_new_with_free_func ((GDestroyNotify) clip_video_free);
  c->channels = channels;
  c->temporal = temporal;
  c->width = width;
  c->height = height;
  c->windows = g_array_new (FALSE, FALSE, sizeof (DdlWindow));
  g_queue_init (&c->order);
  return c;
}

static void
add_video (DdlClips *c, DdlFrameSource *source)
{
  ClipVideo *v = g_new0 (ClipVideo, 1);
  guint half = (c->temporal - 1) / 2;
  v->name = g_strdup (ddl_frame_source_get_name (source));
  v->source = source;
  v->n_frames = ddl_frame_source_get_n_frames (source);
  v->frames = g_new0 (guint8 *, MAX (v->n_frames, 1));
  g_ptr_array_add (c->videos, v);
  for (guint f = half; f + half < v->n_frames; f++)
    {
      DdlWindow w = { c->videos->len - 1, f };
      g_array_append_val (c->windows, w);
    }
}

DdlClips *
ddl_clips_new_split (DdlDataset *dataset, DdlSplit split, guint channels, guint temporal,
                     guint width, guint height, GError **error)
{
  g_autoptr(DdlClips) c = clips_alloc (channels, temporal, width, height);
  GPtrArray *videos = ddl_dataset_get_videos (dataset, split);

  if (videos == NULL || videos->len == 0)
    {
      g_set_error (error, DDL_DATASET_ERROR, DDL_DATASET_ERROR_EMPTY,
                   "%s has no %s videos", ddl_dataset_get_root (dataset),
                   split == DDL_SPLIT_TRAIN ? "training" : "test");
      return NULL;
    }
  for (guint i = 0; i < videos->len; i++)
    {
      DdlFrameSource *source = ddl_dataset_open_video (dataset, split, i, error);
      if (source == NULL)
        return NULL;
      add_video (c, source);
    }
  return g_steal_pointer (&c);
}

DdlClips *
ddl_clips_new_path (const char *path, guint channels, guint temporal, guint width, guint height,
                    GError **error)
{
  g_autoptr(DdlClips) c = clips_alloc (channels, temporal, width, height);
  DdlFrameSource *source = ddl_frame_source_open (path, error);
  if (source == NULL)
    return NULL;
  add_video (c, source);
  return g_steal_pointer (&c);
}

void
ddl_clips_free (DdlClips *clips)
{
  if (clips == NULL)
    return;
  g_ptr_array_unref (clips->videos);
  g_array_unref (clips->windows);
  g_queue_clear (&clips->order);
  g_mutex_clear (&clips->lock);
  g_free (clips);
}

guint
ddl_clips_get_n_videos (DdlClips *clips)
{
  return clips->videos->len;
}

const char *
ddl_clips_get_video_name (DdlClips *clips, guint video)
{
  return ((ClipVideo *) clips->videos->pdata[video])->name;
}

guint
ddl_clips_get_n_frames (DdlClips *clips, guint video)
{
  return ((ClipVideo *) clips->videos->pdata[video])->n_frames;
}

GArray *
ddl_clips_get_windows (DdlClips *clips)
{
  return clips->windows;
}

/* Frame bytes (C, H, W) of one frame, decoded on first use. Called with the lock held. */
static const guint8 *
get_frame (DdlClips *c, guint video, guint frame, GError **error)
{
  ClipVideo *v = c->videos->pdata[video];
  gsize plane = (gsize) c->width * c->height, n = plane * c->channels;

  if (v->frames[frame] == NULL)
    {
      g_autofree float *tmp = g_new (float, n);
      if (!ddl_frame_source_read_float (v->source, frame,
                                        c->channels == 3 ? DDL_PIXEL_RGB : DDL_PIXEL_GRAY,
                                        c->width, c->height, tmp, error))
        return NULL;
      guint8 *bytes = g_new (guint8, n);
      for (gsize i = 0; i < n; i++)
        bytes[i] = (guint8) CLAMP (tmp[i] * 255.0f + 0.5f, 0.0f, 255.0f);
      v->frames[frame] = bytes;
      c->cached += n;
      g_queue_push_tail (&c->order, GSIZE_TO_POINTER (((gsize) video << 32) | frame));
      while (c->cached > CACHE_LIMIT && c->order.length > 1)
        {
          gsize key = GPOINTER_TO_SIZE (g_queue_pop_head (&c->order));
          ClipVideo *old = c->videos->pdata[key >> 32];
          g_clear_pointer (&old->frames[key & 0xffffffff], g_free);
          c->cached -= n;
        }
    }
  return v->frames[frame];
}

gboolean
ddl_clips_read_window (DdlClips *clips, const DdlWindow *window, float *out, GError **error)
{
  guint T = clips->temporal, half = (T - 1) / 2;
  gsize plane = (gsize) clips->width * clips->height;
  gboolean ok = TRUE;

  g_mutex_lock (&clips->lock);
  for (guint t = 0; t < T && ok; t++)
    {
      const guint8 *f = get_frame (clips, window->video, window->centre - half + t, error);
      if (f == NULL)
        {
          ok = FALSE;
          break;
        }
      /* (C, H, W) frame into channel-major (C, T, H, W). */
      for (guint ch = 0; ch < clips->channels; ch++)
        {
          float *dst = out + ((gsize) ch * T + t) * plane;
          const guint8 *src = f + ch * plane;
          for (gsize i = 0; i < plane; i++)
            dst[i] = src[i] * (1.0f / 255.0f);
        }
    }
  g_mutex_unlock (&clips->lock);
  return ok;
}
