/* The compare view's panes for the current frame (see ddl-compare-tiles.h) and the
 * maps behind them: every model's maps of the current video are held in memory, read
 * on a worker, so stepping and playing never wait on the disk. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-compare-view-private.h"
#include "ddl-colour.h"
#include "ddl-score-timeline.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

/* ---- the panes ------------------------------------------------------------------------ */

/* Takes `rgb`. Maps of small models (a 32 x 32 input has 32 x 32 maps) are enlarged
 * here by pixel repetition, since GTK 4.8 only draws textures with linear filtering,
 * which would blur their patches into each other. */
static GdkTexture *
texture_from_rgb (guint8 *rgb, guint w, guint h)
{
  guint k = w < 96 ? MIN ((96 + w - 1) / MAX (w, 1u), 8u) : 1;
  if (k > 1)
    {
      guint8 *big = g_new (guint8, (gsize) w * k * h * k * 3);
      for (guint y = 0; y < h * k; y++)
        for (guint x = 0; x < w * k; x++)
          memcpy (big + ((gsize) y * w * k + x) * 3, rgb + ((gsize) (y / k) * w + x / k) * 3, 3);
      g_free (rgb);
      rgb = big, w *= k, h *= k;
    }
  g_autoptr(GBytes) bytes = g_bytes_new_take (rgb, (gsize) w * h * 3);
  return gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8, bytes, w * 3);
}

/* Row of `frame` in the model's maps: the scorer writes one row per scored frame, in
 * order, so it is the number of scored frames before it. -1: not scored. */
static int
maps_row (const double *curve, guint n_frames, guint frame, guint *n_scored)
{
  int row = -1;
  *n_scored = 0;
  for (guint f = 0; f < n_frames; f++)
    if (!isnan (curve[f]))
      {
        if (f == frame)
          row = (int) *n_scored;
        (*n_scored)++;
      }
  return row;
}

static void
update_model_pane (DdlCompareView *self, guint m, guint video, guint frame)
{
  const DdlSessionVideo *info = ddl_session_get_video_info (self->session, video);
  const char *name = ddl_session_get_model_name (self->session, m);
  const DdlCompareMaps *maps = NULL;
  GdkRGBA colour;
  guint n_scored;

  ddl_model_colour (m, &colour);
  if (self->maps != NULL && g_str_equal (self->maps->video, info->name) && m < self->maps->models->len)
    maps = g_ptr_array_index (self->maps->models, m);
  int row = maps_row (ddl_session_get_curve (self->session, m, video), info->n_frames, frame,
                      &n_scored);
  if (maps == NULL)
    {
      DdlTileState state = self->maps_loading ? DDL_TILE_LOADING : DDL_TILE_NO_MAPS;
      ddl_compare_tiles_set_model (self->tiles, m, name, &colour, state, NULL, NULL);
      return;
    }
  if (maps->missing || maps->error != NULL || maps->n != n_scored)
    {
      if (maps->error != NULL || (!maps->missing && maps->n != n_scored))
        g_debug ("maps of %s do not fit: %s", name, maps->error ? maps->error : "row count");
      ddl_compare_tiles_set_model (self->tiles, m, name, &colour,
                                   maps->missing ? DDL_TILE_NO_MAPS : DDL_TILE_BAD_MAPS, NULL, NULL);
      return;
    }
  if (row < 0)
    {
      ddl_compare_tiles_set_model (self->tiles, m, name, &colour, DDL_TILE_NO_SCORE, NULL, NULL);
      return;
    }

  /* The error map on the video's common scale (ddl-colour.h), the same for every model. */
  gsize hw = (gsize) maps->w * maps->h;
  const guint8 *map = (const guint8 *) g_bytes_get_data (maps->maps, NULL) + row * hw;
  double top = MAX (self->maps->scale_top, 1);
  guint8 *err = g_new (guint8, hw * 3);
  for (gsize i = 0; i < hw; i++)
    ddl_error_colour (map[i] / top, err + i * 3);
  g_autoptr(GdkTexture) err_texture = texture_from_rgb (err, maps->w, maps->h);
  g_autoptr(GdkTexture) rec_texture = NULL;
  if (maps->recs != NULL)
    {
      const guint8 *rec = (const guint8 *) g_bytes_get_data (maps->recs, NULL) + row * hw * maps->c;
      guint8 *rgb = g_new (guint8, hw * 3);
      for (gsize i = 0; i < hw; i++)
        for (guint c = 0; c < 3; c++)
          rgb[i * 3 + c] = rec[(maps->c == 3 ? c : 0) * hw + i];
      rec_texture = texture_from_rgb (rgb, maps->w, maps->h);
    }
  ddl_compare_tiles_set_model (self->tiles, m, name, &colour, DDL_TILE_SHOWN, rec_texture,
                               err_texture);
}

/* The frame pane: the decoded frame (the window asks the decoder for it; until it
 * arrives the last one stays), its caption and its ground truth. */
static void
update_frame_pane (DdlCompareView *self)
{
  guint video, frame, w, h;
  const DdlSessionVideo *info;
  const guint8 *labels;
  g_autofree char *caption = NULL;
  g_autoptr(GBytes) rgb = NULL;

  if (self->session == NULL
      || (info = ddl_session_get_video_info (self->session,
                                             video = ddl_session_get_video (self->session))) == NULL)
    {
      ddl_compare_tiles_set_frame (self->tiles, NULL, NULL, FALSE, 0);
      return;
    }
  frame = ddl_session_get_frame (self->session);
  if (self->loader != NULL && (rgb = ddl_frame_loader_lookup (self->loader, frame, &w, &h)) != NULL)
    {
      g_clear_object (&self->frame);
      self->frame = gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8, rgb, w * 3);
      self->frame_index = (int) frame;
    }
  labels = ddl_session_get_labels (self->session, video);
  caption = g_strdup_printf (_("%s · frame %u / %u"), info->name, frame, info->n_frames - 1);
  ddl_compare_tiles_set_frame (self->tiles, self->frame, caption, labels != NULL && labels[frame],
                               info->height > 0 ? (double) info->width / info->height : 0);
}

void
_ddl_compare_view_update_panes (DdlCompareView *self)
{
  guint video, n_models;
  gboolean any_maps = FALSE;

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  update_frame_pane (self);
  if (self->session == NULL
      || ddl_session_get_video_info (self->session,
                                     video = ddl_session_get_video (self->session)) == NULL)
    {
      ddl_compare_tiles_set_n_models (self->tiles, 0);
      return;
    }
  n_models = ddl_session_get_n_models (self->session);
  ddl_compare_tiles_set_n_models (self->tiles, n_models);
  for (guint m = 0; m < n_models; m++)
    {
      update_model_pane (self, m, video, ddl_session_get_frame (self->session));
      any_maps |= ddl_compare_tiles_get_state (self->tiles, m) != DDL_TILE_NO_MAPS;
    }
  ddl_compare_tiles_set_scale (self->tiles, self->maps != NULL && any_maps
                                            ? self->maps->scale_top / 255.0 : NAN);
}

void
_ddl_compare_view_frame_ready (DdlCompareView *self, guint frame)
{
  if (self->session != NULL && frame == ddl_session_get_frame (self->session)
      && gtk_widget_get_mapped (GTK_WIDGET (self)))
    update_frame_pane (self);
}

/* ---- maps ------------------------------------------------------------------------------ */

typedef struct {
  DdlCompareView *self;
  guint           generation;
} MapsLoad;

static void
maps_loaded (GObject *source, GAsyncResult *result, gpointer data)
{
  MapsLoad *load = data;
  g_autoptr(DdlCompareView) self = load->self;
  g_autoptr(GError) error = NULL;
  DdlCompareMapsSet *set = ddl_compare_maps_load_finish (result, &error);
  gboolean current = load->generation == self->maps_generation;

  g_free (load);
  if (set == NULL || !current)
    {
      g_clear_pointer (&set, ddl_compare_maps_set_free);
      return;
    }
  g_clear_pointer (&self->maps, ddl_compare_maps_set_free);
  self->maps = set;
  self->maps_loading = FALSE;
  _ddl_compare_view_update_panes (self);
}

static gboolean
load_maps_cb (gpointer data)
{
  DdlCompareView *self = data;
  const DdlSessionVideo *info;
  guint n;

  self->maps_reload_id = 0;
  if (self->session == NULL
      || (info = ddl_session_get_video_info (self->session,
                                             ddl_session_get_video (self->session))) == NULL
      || (n = ddl_session_get_n_models (self->session)) == 0)
    {
      self->maps_loading = FALSE;
      _ddl_compare_view_update_panes (self);
      return G_SOURCE_REMOVE;
    }
  g_autofree const char **dirs = g_new0 (const char *, n);
  for (guint m = 0; m < n; m++)
    dirs[m] = ddl_session_get_model_maps_dir (self->session, m);
  MapsLoad *load = g_new0 (MapsLoad, 1);
  load->self = g_object_ref (self);
  load->generation = self->maps_generation;
  self->maps_cancellable = g_cancellable_new ();
  ddl_compare_maps_load_async (dirs, n, info->name, self->maps_cancellable, maps_loaded, load);
  return G_SOURCE_REMOVE;
}

/* What the maps of the current video are read from. */
static char *
maps_key (DdlCompareView *self)
{
  const DdlSessionVideo *info = self->session != NULL
                                ? ddl_session_get_video_info (self->session,
                                                              ddl_session_get_video (self->session))
                                : NULL;
  GString *key = g_string_new (info != NULL ? info->name : "");
  for (guint m = 0; info != NULL && m < ddl_session_get_n_models (self->session); m++)
    g_string_append_printf (key, "\n%s", ddl_session_get_model_maps_dir (self->session, m)
                                         ? ddl_session_get_model_maps_dir (self->session, m) : "");
  return g_string_free (key, FALSE);
}

/* Opening footage changes the video, the curves and the maps in one go: the maps are
 * read once, in an idle after the burst, and not again for a change that leaves the
 * video and the folders as they were (a new protocol, say). */
void
_ddl_compare_view_reload_maps (DdlCompareView *self)
{
  g_autofree char *key = maps_key (self);

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->maps_stale = TRUE;
      return;
    }
  self->maps_stale = FALSE;
  if (g_strcmp0 (key, self->maps_key) == 0 && (self->maps != NULL || self->maps_loading))
    {
      _ddl_compare_view_update_panes (self);
      return;
    }
  g_free (self->maps_key);
  self->maps_key = g_steal_pointer (&key);
  g_cancellable_cancel (self->maps_cancellable);
  g_clear_object (&self->maps_cancellable);
  g_clear_pointer (&self->maps, ddl_compare_maps_set_free);
  self->maps_generation++;
  self->maps_loading = TRUE;
  if (self->maps_reload_id == 0)
    self->maps_reload_id = g_idle_add (load_maps_cb, self);
  _ddl_compare_view_update_panes (self);
}

void
_ddl_compare_view_video_changed (DdlCompareView *self)
{
  g_clear_object (&self->frame);
  self->frame_index = -1;
  _ddl_compare_view_reload_maps (self);
}

/* Other footage: the same names may hold other maps now. */
void
_ddl_compare_view_forget_maps (DdlCompareView *self)
{
  g_clear_pointer (&self->maps_key, g_free);
  _ddl_compare_view_video_changed (self);
}

gboolean
ddl_compare_view_is_up_to_date (DdlCompareView *self)
{
  return self->session != NULL && !self->maps_loading
         && self->frame_index == (int) ddl_session_get_frame (self->session);
}
