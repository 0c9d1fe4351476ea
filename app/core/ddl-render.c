/* ddl-render.c: the rendered comparison video (see ddl-render.h): the footage opened
 * as the scorer opens it, the scorer's maps checked against the scores, and the
 * frame loop into the video writer. The drawing is in ddl-render-draw.c. */
#include "config.h"

#include "ddl-dataset.h"
#include "ddl-frame-writer.h"
#include "ddl-labels.h"
#include "ddl-npy.h"
#include "ddl-render-private.h"
#include "ddl-colour.h"

#include <math.h>
#include <string.h>

#define DEFAULT_PANE_HEIGHT 240
#define MAX_PANE_HEIGHT     2160

G_DEFINE_QUARK (ddl-render-error-quark, ddl_render_error)

void
ddl_render_options_init (DdlRenderOptions *options)
{
  memset (options, 0, sizeof *options);
  options->threshold = NAN;
}

/* ---- footage --------------------------------------------------------------------------- */

static char *
list_names (GPtrArray *videos)
{
  g_autoptr(GString) s = g_string_new (NULL);
  for (guint i = 0; i < videos->len && i < 8; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "",
                            ((DdlVideoEntry *) videos->pdata[i])->name);
  if (videos->len > 8)
    g_string_append (s, ", …");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

DdlFrameSource *
ddl_render_open_video (const char *footage, const char *video, GError **error)
{
  g_autoptr(DdlDataset) dataset = NULL;
  DdlFrameSource *source;

  g_return_val_if_fail (footage != NULL, NULL);

  /* As ddl_score_run: a folder that is a dataset means its test split; any other
   * folder is one video of frames, as is a file. */
  if (g_file_test (footage, G_FILE_TEST_IS_DIR))
    dataset = ddl_dataset_open (footage, NULL);
  if (dataset != NULL)
    {
      GPtrArray *videos = ddl_dataset_get_videos (dataset, DDL_SPLIT_TEST);
      guint index = G_MAXUINT;

      if (videos->len == 0)
        {
          g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID,
                       "%s has no test videos", footage);
          return NULL;
        }
      if (video == NULL)
        index = 0;
      for (guint i = 0; i < videos->len && index == G_MAXUINT; i++)
        if (strcmp (((DdlVideoEntry *) videos->pdata[i])->name, video) == 0)
          index = i;
      for (guint i = 0; i < videos->len && index == G_MAXUINT; i++)
        if (ddl_labels_names_match (((DdlVideoEntry *) videos->pdata[i])->name, video))
          index = i;
      if (index == G_MAXUINT)
        {
          g_autofree char *names = list_names (videos);
          g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID,
                       "%s has no test video '%s' (its test videos: %s)", footage, video,
                       names);
          return NULL;
        }
      return ddl_dataset_open_video (dataset, DDL_SPLIT_TEST, index, error);
    }

  source = ddl_frame_source_open (footage, error);
  if (source != NULL && video != NULL
      && !ddl_labels_names_match (ddl_frame_source_get_name (source), video))
    {
      g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID,
                   "%s is the video '%s', not '%s'", footage,
                   ddl_frame_source_get_name (source), video);
      g_clear_pointer (&source, ddl_frame_source_free);
    }
  return source;
}

/* ---- maps ------------------------------------------------------------------------------ */

static DdlNpyArray *
load_array (const char *path, const DdlRenderModel *spec, GError **error)
{
  g_autoptr(GError) local = NULL;
  DdlNpyArray *array = ddl_npy_load_u8 (path, &local);

  if (array == NULL)
    g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_MAPS, "maps of model '%s': %s",
                 spec->name, local->message);
  return array;
}

static gboolean
load_maps (DdlRenderModelData *d, const char *video, GError **error)
{
  const DdlRenderModel *spec = d->spec;
  g_autofree char *maps_path = g_strdup_printf ("%s/%s.maps.npy", spec->maps_dir, video);
  g_autofree char *recs_path = g_strdup_printf ("%s/%s.recs.npy", spec->maps_dir, video);
  g_autoptr(DdlNpyArray) maps = NULL;
  g_autoptr(DdlNpyArray) recs = NULL;

  maps = load_array (maps_path, spec, error);
  if (maps == NULL)
    return FALSE;
  if (maps->n_dims != 3 || maps->shape[1] == 0 || maps->shape[2] == 0)
    {
      g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_MAPS,
                   "%s is not a stack of error maps (shape (n, height, width) expected)",
                   maps_path);
      return FALSE;
    }
  if (maps->shape[0] != d->n_rows)
    {
      g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_MAPS,
                   "%s has %" G_GSIZE_FORMAT " error maps, but model '%s' scored %u frames "
                   "of video '%s' (maps and scores of different runs?)", maps_path,
                   maps->shape[0], spec->name, d->n_rows, video);
      return FALSE;
    }
  d->map_height = maps->shape[1];
  d->map_width = maps->shape[2];
  d->maps = g_steal_pointer (&maps->bytes);
  g_clear_pointer (&maps, ddl_npy_array_free);

  recs = load_array (recs_path, spec, error);
  if (recs == NULL)
    return FALSE;
  if (recs->n_dims != 4 || (recs->shape[1] != 1 && recs->shape[1] != 3)
      || recs->shape[2] != d->map_height || recs->shape[3] != d->map_width)
    {
      g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_MAPS,
                   "%s is not a stack of %ux%u reconstructions (shape (n, 1 or 3, %u, %u) "
                   "expected, as the error maps beside it)", recs_path, d->map_width,
                   d->map_height, d->map_height, d->map_width);
      return FALSE;
    }
  if (recs->shape[0] != d->n_rows)
    {
      g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_MAPS,
                   "%s has %" G_GSIZE_FORMAT " reconstructions, but model '%s' scored %u "
                   "frames of video '%s' (maps and scores of different runs?)", recs_path,
                   recs->shape[0], spec->name, d->n_rows, video);
      return FALSE;
    }
  d->channels = recs->shape[1];
  d->recs = g_steal_pointer (&recs->bytes);

  d->has_maps = TRUE;
  return TRUE;
}

/* One colour scale for the whole video and every model (ddl-colour.h: topped at the
 * 99.9th percentile of all their error values), so brightness compares across frames
 * and across models. */
static void
set_colour_scale (DdlRenderModelData *models, guint n_models)
{
  guint64 histogram[256] = { 0 };
  for (guint m = 0; m < n_models; m++)
    if (models[m].has_maps)
      for (gsize i = 0; i < (gsize) models[m].n_rows * models[m].map_width * models[m].map_height; i++)
        histogram[models[m].maps[i]]++;
  guint8 top = ddl_error_scale_top (histogram);
  for (guint m = 0; m < n_models; m++)
    for (guint v = 0; v < 256; v++)
      {
        guint8 rgb[3];
        ddl_error_colour ((double) v / top, rgb);
        models[m].lut[v] = (guint32) rgb[0] << 16 | (guint32) rgb[1] << 8 | rgb[2];
      }
}

static gboolean
load_model (DdlRenderModelData *d, const DdlRenderModel *spec, guint index, const char *video,
            guint n_frames, GError **error)
{
  d->spec = spec;
  if (spec->curve == NULL)
    {
      g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID,
                   "model %u ('%s') has no curve", index + 1, spec->name);
      return FALSE;
    }
  d->row = g_new (int, n_frames);
  for (guint f = 0; f < n_frames; f++)
    d->row[f] = -1;
  if (spec->scored != NULL)
    {
      for (guint i = 0; i < spec->n_scored; i++)
        {
          if (spec->scored[i] >= n_frames || (i > 0 && spec->scored[i] <= spec->scored[i - 1]))
            {
              g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID,
                           "the scored frames of model '%s' must increase and stay below "
                           "the video's %u frames (frame %u at position %u)", spec->name,
                           n_frames, spec->scored[i], i);
              return FALSE;
            }
          d->row[spec->scored[i]] = i;
        }
      d->n_rows = spec->n_scored;
    }
  else
    for (guint f = 0; f < n_frames; f++)
      if (isfinite (spec->curve[f]))
        d->row[f] = d->n_rows++;
  return spec->maps_dir == NULL || load_maps (d, video, error);
}

/* ---- the renderer ---------------------------------------------------------------------- */

static void
renderer_free (DdlRenderer *r)
{
  if (r == NULL)
    return;
  for (guint m = 0; r->models != NULL && m < r->options->n_models; m++)
    {
      g_free (r->models[m].maps);
      g_free (r->models[m].recs);
      g_free (r->models[m].row);
    }
  g_free (r->models);
  g_clear_pointer (&r->base, cairo_surface_destroy);
  g_clear_pointer (&r->source, ddl_frame_source_free);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlRenderer, renderer_free)

static DdlRenderer *
renderer_new (const DdlRenderOptions *o, GError **error)
{
  g_autoptr(DdlRenderer) r = g_new0 (DdlRenderer, 1);
  guint pane_height = o->pane_height > 0 ? o->pane_height : DEFAULT_PANE_HEIGHT;
  const char *name;

  r->options = o;
  if (o->footage == NULL || o->n_frames == 0)
    {
      g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID,
                   "nothing to render: %s", o->footage == NULL ? "no footage" : "no frames");
      return NULL;
    }
  if (o->models == NULL && o->n_models > 0)
    {
      g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID, "no models given");
      return NULL;
    }
  if (pane_height < 16 || pane_height > MAX_PANE_HEIGHT)
    {
      g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID,
                   "a pane height of %u pixels is out of range (16 to %u)", pane_height,
                   MAX_PANE_HEIGHT);
      return NULL;
    }

  r->source = ddl_render_open_video (o->footage, o->video, error);
  if (r->source == NULL)
    return NULL;
  name = ddl_frame_source_get_name (r->source);
  r->n_frames = ddl_frame_source_get_n_frames (r->source);
  if (r->n_frames != o->n_frames)
    {
      g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID,
                   "the curves have %u frames, but video '%s' of %s has %u", o->n_frames,
                   name, o->footage, r->n_frames);
      return NULL;
    }

  r->models = g_new0 (DdlRenderModelData, MAX (o->n_models, 1));
  for (guint m = 0; m < o->n_models; m++)
    {
      if (!load_model (&r->models[m], &o->models[m], m, name, r->n_frames, error))
        return NULL;
      r->n_map_models += r->models[m].has_maps;
    }
  set_colour_scale (r->models, o->n_models);

  _ddl_render_layout (&r->layout, ddl_frame_source_get_width (r->source),
                      ddl_frame_source_get_height (r->source), pane_height, r->n_map_models);
  if (r->layout.width > 16384)
    {
      g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID,
                   "the video would be %u pixels wide; use a smaller pane height or fewer "
                   "models", r->layout.width);
      return NULL;
    }
  r->base = cairo_image_surface_create (CAIRO_FORMAT_RGB24, r->layout.width, r->layout.height);
  if (cairo_surface_status (r->base) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID, "cannot draw %ux%u: %s",
                   r->layout.width, r->layout.height,
                   cairo_status_to_string (cairo_surface_status (r->base)));
      return NULL;
    }
  _ddl_render_draw_base (r);
  return g_steal_pointer (&r);
}

static gboolean
compose (DdlRenderer *r, cairo_surface_t *target, guint frame, GError **error)
{
  g_autoptr(GBytes) rgb = ddl_frame_source_read_rgb8 (r->source, frame, error);
  if (rgb == NULL)
    return FALSE;
  _ddl_render_draw_frame (r, target, frame, g_bytes_get_data (rgb, NULL));
  return TRUE;
}

guint8 *
ddl_render_frame (const DdlRenderOptions *options, guint frame, guint *width, guint *height,
                  GError **error)
{
  g_autoptr(DdlRenderer) r = renderer_new (options, error);
  cairo_surface_t *target;
  guint8 *rgb = NULL;

  if (r == NULL)
    return NULL;
  if (frame >= r->n_frames)
    {
      g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID,
                   "frame %u is past the video's %u frames", frame, r->n_frames);
      return NULL;
    }
  target = cairo_image_surface_create (CAIRO_FORMAT_RGB24, r->layout.width, r->layout.height);
  if (compose (r, target, frame, error))
    {
      rgb = g_malloc ((gsize) r->layout.width * r->layout.height * 3);
      _ddl_render_surface_to_rgb (target, rgb);
      if (width != NULL)
        *width = r->layout.width;
      if (height != NULL)
        *height = r->layout.height;
    }
  cairo_surface_destroy (target);
  return rgb;
}

/* Frames are composed on a worker thread while the calling thread encodes the one
 * before: composing (decoding the footage, drawing, packing) and encoding cost about
 * the same, and the encoder uses one thread. A few buffers circulate between them;
 * the worker ends every run with an item of frame G_MAXUINT (and its error, if any). */
#define N_BUFFERS 3

typedef struct {
  guint   frame;
  guint8 *rgb;
  GError *error;
} Item;

typedef struct {
  DdlRenderer *renderer;
  GAsyncQueue *free_buffers;   /* guint8 * */
  GAsyncQueue *ready;          /* Item * */
  gint         stop;
} Composer;

static gpointer
compose_frames (gpointer data)
{
  Composer *c = data;
  DdlRenderer *r = c->renderer;
  cairo_surface_t *target = cairo_image_surface_create (CAIRO_FORMAT_RGB24, r->layout.width,
                                                        r->layout.height);
  Item *end = g_new0 (Item, 1);

  end->frame = G_MAXUINT;
  for (guint f = 0; f < r->n_frames && !g_atomic_int_get (&c->stop); f++)
    {
      guint8 *rgb = g_async_queue_pop (c->free_buffers);
      Item *item;
      if (!compose (r, target, f, &end->error))
        {
          g_async_queue_push (c->free_buffers, rgb);
          break;
        }
      _ddl_render_surface_to_rgb (target, rgb);
      item = g_new0 (Item, 1);
      item->frame = f;
      item->rgb = rgb;
      g_async_queue_push (c->ready, item);
    }
  cairo_surface_destroy (target);
  g_async_queue_push (c->ready, end);
  return NULL;
}

gboolean
ddl_render_video (const DdlRenderOptions *options, GError **error)
{
  g_autoptr(DdlRenderer) r = NULL;
  DdlVideoWriter *writer;
  Composer c = { 0 };
  GThread *thread;
  gsize frame_bytes;
  double fps;
  gboolean ok = TRUE;

  if (options->output == NULL)
    {
      g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID, "no output file given");
      return FALSE;
    }
  r = renderer_new (options, error);
  if (r == NULL)
    return FALSE;
  fps = options->fps > 0 ? options->fps : ddl_frame_source_get_fps (r->source);
  writer = ddl_video_writer_open_with_encoder (options->output, options->encoder,
                                               r->layout.width, r->layout.height,
                                               fps > 0 ? fps : 25, error);
  if (writer == NULL)
    return FALSE;

  frame_bytes = (gsize) r->layout.width * r->layout.height * 3;
  c.renderer = r;
  c.free_buffers = g_async_queue_new_full (g_free);
  c.ready = g_async_queue_new ();
  for (guint i = 0; i < N_BUFFERS; i++)
    g_async_queue_push (c.free_buffers, g_malloc (frame_bytes));
  thread = g_thread_new ("ddl-render", compose_frames, &c);

  for (;;)
    {
      Item *item = g_async_queue_pop (c.ready);
      if (item->frame == G_MAXUINT)
        {
          /* the worker's own error: decoding the footage */
          if (item->error != NULL && ok)
            g_propagate_error (error, item->error);
          else if (item->error != NULL)
            g_error_free (item->error);
          ok = ok && item->error == NULL;
          g_free (item);
          break;
        }
      if (ok)
        {
          ok = ddl_video_writer_add (writer, item->rgb, r->layout.width * 3, error);
          if (ok && ((options->progress != NULL
                      && !options->progress (item->frame + 1, r->n_frames, options->user_data))
                     || g_cancellable_set_error_if_cancelled (options->cancellable, error)))
            {
              if (error != NULL && *error == NULL)
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Rendering was cancelled");
              ok = FALSE;
            }
          if (!ok)
            g_atomic_int_set (&c.stop, TRUE);   /* the worker ends after its current frame */
        }
      g_async_queue_push (c.free_buffers, item->rgb);
      g_free (item);
    }
  g_thread_join (thread);
  g_async_queue_unref (c.ready);
  g_async_queue_unref (c.free_buffers);
  if (!ok)
    {
      ddl_video_writer_abort (writer);
      return FALSE;
    }
  return ddl_video_writer_close (writer, error);
}
