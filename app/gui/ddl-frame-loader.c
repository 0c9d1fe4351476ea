/* The decoding worker (see ddl-frame-loader.h). One thread per loader; all state
 * shared with it is under `lock`. Results reach the main thread by idle callbacks
 * that hold only a weak reference, so a closing window never waits on them. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-frame-loader.h"
#include "ddl-frame-source.h"

#define CACHE_FRAMES 48
#define PREFETCH     16

typedef struct {
  guint   frame;
  guint   width, height;
  GBytes *rgb;
} CachedFrame;

struct _DdlFrameLoader {
  GObject     parent_instance;
  GThread    *thread;
  GMutex      lock;
  GCond       cond;
  gboolean    quit;
  char       *path;           /* wanted path */
  guint       generation;     /* bumped on every set_path */
  guint       target;
  int         direction;
  GHashTable *cache;          /* frame -> CachedFrame, for `generation` */
  guint       n_decoded;
};

enum { FRAME_READY, FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DdlFrameLoader, ddl_frame_loader, G_TYPE_OBJECT)

typedef struct {
  GWeakRef loader;
  guint    generation;
  guint    frame;
  char    *message;   /* a failure instead of a frame */
} Delivery;

static void
cached_frame_free (gpointer p)
{
  CachedFrame *c = p;
  g_bytes_unref (c->rgb);
  g_free (c);
}

static gboolean
deliver_cb (gpointer data)
{
  Delivery *d = data;
  g_autoptr(DdlFrameLoader) self = g_weak_ref_get (&d->loader);

  if (self != NULL)
    {
      g_mutex_lock (&self->lock);
      gboolean current = d->generation == self->generation;
      g_mutex_unlock (&self->lock);
      if (current && d->message != NULL)
        g_signal_emit (self, signals[FAILED], 0, d->message);
      else if (current)
        g_signal_emit (self, signals[FRAME_READY], 0, d->frame);
    }
  g_weak_ref_clear (&d->loader);
  g_free (d->message);
  g_free (d);
  return G_SOURCE_REMOVE;
}

static void
post (DdlFrameLoader *self, guint generation, guint frame, const char *message)
{
  Delivery *d = g_new0 (Delivery, 1);
  g_weak_ref_init (&d->loader, self);
  d->generation = generation;
  d->frame = frame;
  d->message = g_strdup (message);
  g_idle_add_full (G_PRIORITY_DEFAULT, deliver_cb, d, NULL);
}

/* The next frame worth decoding, under the lock: the target, then prefetch. */
static gboolean
pick_frame (DdlFrameLoader *self, guint n_frames, guint *frame)
{
  int dir = self->direction != 0 ? self->direction : 1;
  guint ahead = self->direction != 0 ? PREFETCH : 2;

  for (guint k = 0; k <= ahead; k++)
    {
      gint64 f = (gint64) self->target + (gint64) dir * k;
      if (f < 0 || f >= n_frames)
        break;
      if (!g_hash_table_contains (self->cache, GUINT_TO_POINTER ((guint) f)))
        {
          *frame = (guint) f;
          return TRUE;
        }
    }
  return FALSE;
}

/* Keeps the cache to CACHE_FRAMES by dropping the frames farthest from the target. */
static void
trim_cache (DdlFrameLoader *self)
{
  while (g_hash_table_size (self->cache) > CACHE_FRAMES)
    {
      GHashTableIter iter;
      gpointer key;
      guint worst = 0, worst_distance = 0;
      g_hash_table_iter_init (&iter, self->cache);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          guint f = GPOINTER_TO_UINT (key);
          /* Frames behind the playback direction are worth less than those ahead. */
          int signed_distance = ((int) f - (int) self->target) * (self->direction < 0 ? -1 : 1);
          guint distance = signed_distance < 0 ? (guint) (-signed_distance) * 4
                                               : (guint) signed_distance;
          if (distance >= worst_distance)
            worst = f, worst_distance = distance;
        }
      g_hash_table_remove (self->cache, GUINT_TO_POINTER (worst));
    }
}

static gpointer
worker (gpointer data)
{
  DdlFrameLoader *self = data;
  DdlFrameSource *source = NULL;
  guint open_generation = G_MAXUINT;

  g_mutex_lock (&self->lock);
  while (!self->quit)
    {
      guint frame;
      if (open_generation != self->generation)
        {
          g_autofree char *path = g_strdup (self->path);
          guint generation = open_generation = self->generation;
          g_autoptr(GError) error = NULL;
          g_mutex_unlock (&self->lock);
          g_clear_pointer (&source, ddl_frame_source_free);
          if (path != NULL && (source = ddl_frame_source_open (path, &error)) == NULL)
            post (self, generation, 0, error->message);
          g_mutex_lock (&self->lock);
          continue;
        }
      if (source == NULL || !pick_frame (self, ddl_frame_source_get_n_frames (source), &frame))
        {
          g_cond_wait (&self->cond, &self->lock);
          continue;
        }
      guint generation = self->generation;
      g_autoptr(GError) error = NULL;
      g_mutex_unlock (&self->lock);
      GBytes *rgb = ddl_frame_source_read_rgb8 (source, frame, &error);
      g_mutex_lock (&self->lock);
      if (generation != self->generation)
        {
          g_clear_pointer (&rgb, g_bytes_unref);
          continue;
        }
      if (rgb == NULL)
        {
          /* Remember the failure as an empty frame so it is not retried in a loop. */
          post (self, generation, frame, error->message);
          rgb = g_bytes_new (NULL, 0);
        }
      CachedFrame *c = g_new0 (CachedFrame, 1);
      c->frame = frame;
      c->width = ddl_frame_source_get_width (source);
      c->height = ddl_frame_source_get_height (source);
      c->rgb = rgb;
      g_hash_table_replace (self->cache, GUINT_TO_POINTER (frame), c);
      self->n_decoded++;
      trim_cache (self);
      if (g_bytes_get_size (rgb) > 0)
        post (self, generation, frame, NULL);
    }
  g_mutex_unlock (&self->lock);
  g_clear_pointer (&source, ddl_frame_source_free);
  return NULL;
}

static void
ddl_frame_loader_dispose (GObject *object)
{
  DdlFrameLoader *self = DDL_FRAME_LOADER (object);

  if (self->thread != NULL)
    {
      g_mutex_lock (&self->lock);
      self->quit = TRUE;
      g_cond_signal (&self->cond);
      g_mutex_unlock (&self->lock);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  G_OBJECT_CLASS (ddl_frame_loader_parent_class)->dispose (object);
}

static void
ddl_frame_loader_finalize (GObject *object)
{
  DdlFrameLoader *self = DDL_FRAME_LOADER (object);

  g_hash_table_unref (self->cache);
  g_free (self->path);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (ddl_frame_loader_parent_class)->finalize (object);
}

static void
ddl_frame_loader_class_init (DdlFrameLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ddl_frame_loader_dispose;
  object_class->finalize = ddl_frame_loader_finalize;
  signals[FRAME_READY] = g_signal_new ("frame-ready", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                       G_TYPE_UINT);
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
ddl_frame_loader_init (DdlFrameLoader *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->cache = g_hash_table_new_full (NULL, NULL, NULL, cached_frame_free);
  self->thread = g_thread_new ("ddl-decode", worker, self);
}

DdlFrameLoader *
ddl_frame_loader_new (void)
{
  return g_object_new (DDL_TYPE_FRAME_LOADER, NULL);
}

void
ddl_frame_loader_set_path (DdlFrameLoader *self, const char *path)
{
  g_mutex_lock (&self->lock);
  if (g_strcmp0 (path, self->path) != 0)
    {
      g_free (self->path);
      self->path = g_strdup (path);
      self->generation++;
      self->target = 0;
      self->n_decoded = 0;
      g_hash_table_remove_all (self->cache);
      g_cond_signal (&self->cond);
    }
  g_mutex_unlock (&self->lock);
}

void
ddl_frame_loader_request (DdlFrameLoader *self, guint frame, int direction)
{
  g_mutex_lock (&self->lock);
  self->target = frame;
  self->direction = CLAMP (direction, -1, 1);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

GBytes *
ddl_frame_loader_lookup (DdlFrameLoader *self, guint frame, guint *width, guint *height)
{
  GBytes *rgb = NULL;

  g_mutex_lock (&self->lock);
  CachedFrame *c = g_hash_table_lookup (self->cache, GUINT_TO_POINTER (frame));
  if (c != NULL && g_bytes_get_size (c->rgb) > 0)
    {
      rgb = g_bytes_ref (c->rgb);
      *width = c->width;
      *height = c->height;
    }
  g_mutex_unlock (&self->lock);
  return rgb;
}

guint
ddl_frame_loader_get_n_decoded (DdlFrameLoader *self)
{
  g_mutex_lock (&self->lock);
  guint n = self->n_decoded;
  g_mutex_unlock (&self->lock);
  return n;
}
