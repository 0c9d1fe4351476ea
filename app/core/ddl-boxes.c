/* ddl-boxes.c: object tracks in memory, windows and masks, and writing
 * tracked_bounding_boxes.json (reading is in ddl-boxes-read.c). Writing is done by
 * hand (not JsonGenerator) so the output is compact, one frame per line, and
 * byte-identical for identical input. */
#include "config.h"

#include "ddl-boxes.h"
#include "ddl-boxes-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK (ddl-boxes-error-quark, ddl_boxes_error)

static void
frame_clear (gpointer data)
{
  BoxesFrame *frame = data;
  g_clear_pointer (&frame->file, g_free);
  g_clear_pointer (&frame->boxes, g_array_unref);
}

static void
video_free (gpointer data)
{
  BoxesVideo *video = data;
  g_free (video->name);
  g_free (video->key_dir);
  g_array_unref (video->frames);
  g_free (video);
}

GArray *
ddl_boxes_frames_new (guint n)
{
  GArray *frames = g_array_sized_new (FALSE, TRUE, sizeof (BoxesFrame), n);
  g_array_set_clear_func (frames, frame_clear);
  g_array_set_size (frames, n);
  return frames;
}

DdlBoxes *
ddl_boxes_new (void)
{
  DdlBoxes *boxes = g_new0 (DdlBoxes, 1);
  boxes->videos = g_ptr_array_new_with_free_func (video_free);
  boxes->video_by_dir = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  boxes->track_ids = g_ptr_array_new_with_free_func (g_free);
  boxes->track_index = g_hash_table_new (g_str_hash, g_str_equal);
  boxes->kinds = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (boxes->kinds, NULL);
  boxes->kind_index = g_hash_table_new (g_str_hash, g_str_equal);
  return boxes;
}

void
ddl_boxes_free (DdlBoxes *boxes)
{
  if (boxes == NULL)
    return;
  g_ptr_array_unref (boxes->videos);
  g_hash_table_unref (boxes->video_by_dir);
  g_hash_table_unref (boxes->track_index);
  g_ptr_array_unref (boxes->track_ids);
  g_hash_table_unref (boxes->kind_index);
  g_ptr_array_unref (boxes->kinds);
  g_free (boxes);
}

/* ---- building ---------------------------------------------------------------- */

guint
ddl_boxes_add_video (DdlBoxes   *boxes,
                     const char *name,
                     const char *key_dir,
                     guint       n_frames)
{
  gpointer found = g_hash_table_lookup (boxes->video_by_dir, key_dir);
  BoxesVideo *video;

  if (found != NULL)
    {
      guint index = GPOINTER_TO_UINT (found) - 1;
      video = g_ptr_array_index (boxes->videos, index);
      if (video->frames->len < n_frames)
        g_array_set_size (video->frames, n_frames);
      return index;
    }
  video = g_new0 (BoxesVideo, 1);
  video->name = g_strdup (name);
  video->key_dir = g_strdup (key_dir);
  video->frames = ddl_boxes_frames_new (n_frames);
  g_ptr_array_add (boxes->videos, video);
  g_hash_table_insert (boxes->video_by_dir, g_strdup (key_dir),
                       GUINT_TO_POINTER (boxes->videos->len));
  return boxes->videos->len - 1;
}

BoxesFrame *
ddl_boxes_frame_at (DdlBoxes *boxes, guint video, guint frame, gboolean grow)
{
  BoxesVideo *v;

  g_return_val_if_fail (video < boxes->videos->len, NULL);
  v = g_ptr_array_index (boxes->videos, video);
  if (frame >= v->frames->len)
    {
      if (!grow)
        return NULL;
      g_array_set_size (v->frames, frame + 1);
    }
  return &g_array_index (v->frames, BoxesFrame, frame);
}

void
ddl_boxes_set_frame_file (DdlBoxes *boxes, guint video, guint frame, const char *file)
{
  BoxesFrame *f = ddl_boxes_frame_at (boxes, video, frame, TRUE);
  BoxesVideo *v = g_ptr_array_index (boxes->videos, video);

  g_free (f->file);
  f->file = g_strdup (file);
  if (file == NULL)
    v->is_video_file = TRUE;
}

static guint
intern_track (DdlBoxes *boxes, const char *id)
{
  gpointer found = g_hash_table_lookup (boxes->track_index, id);
  char *copy;

  if (found != NULL)
    return GPOINTER_TO_UINT (found) - 1;
  copy = g_strdup (id);
  g_ptr_array_add (boxes->track_ids, copy);
  g_hash_table_insert (boxes->track_index, copy, GUINT_TO_POINTER (boxes->track_ids->len));
  return boxes->track_ids->len - 1;
}

guint
ddl_boxes_intern_kind (DdlBoxes *boxes, const char *kind)
{
  gpointer found = g_hash_table_lookup (boxes->kind_index, kind);
  char *copy;

  if (found != NULL)
    return GPOINTER_TO_UINT (found);
  copy = g_strdup (kind);
  g_ptr_array_add (boxes->kinds, copy);
  g_hash_table_insert (boxes->kind_index, copy, GUINT_TO_POINTER (boxes->kinds->len - 1));
  return boxes->kinds->len - 1;
}

static double
clip01 (double v)
{
  return v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
}

DdlBox *
ddl_boxes_add (DdlBoxes     *boxes,
               guint         video,
               guint         frame,
               const char   *track_id,
               const double  box[4])
{
  BoxesFrame *f = ddl_boxes_frame_at (boxes, video, frame, TRUE);
  DdlBox b = { 0 };

  b.track = intern_track (boxes, track_id);
  for (int k = 0; k < 4; k++)
    b.box[k] = clip01 (box[k]);
  if (f->boxes == NULL)
    f->boxes = g_array_new (FALSE, FALSE, sizeof (DdlBox));
  g_array_append_val (f->boxes, b);
  return &g_array_index (f->boxes, DdlBox, f->boxes->len - 1);
}

/* ---- looking up -------------------------------------------------------------- */

guint
ddl_boxes_get_n_videos (DdlBoxes *boxes)
{
  return boxes->videos->len;
}

BoxesVideo *
ddl_boxes_video_at (DdlBoxes *boxes, guint video)
{
  g_return_val_if_fail (video < boxes->videos->len, NULL);
  return g_ptr_array_index (boxes->videos, video);
}

const char *
ddl_boxes_get_video_name (DdlBoxes *boxes, guint video)
{
  return ddl_boxes_video_at (boxes, video)->name;
}

const char *
ddl_boxes_get_video_key_dir (DdlBoxes *boxes, guint video)
{
  return ddl_boxes_video_at (boxes, video)->key_dir;
}

guint
ddl_boxes_get_n_frames (DdlBoxes *boxes, guint video)
{
  return ddl_boxes_video_at (boxes, video)->frames->len;
}

int
ddl_boxes_find_video (DdlBoxes *boxes, const char *name)
{
  for (guint i = 0; i < boxes->videos->len; i++)
    if (strcmp (ddl_boxes_video_at (boxes, i)->name, name) == 0)
      return (int) i;
  return -1;
}

const char *
ddl_boxes_get_frame_file (DdlBoxes *boxes, guint video, guint frame)
{
  BoxesFrame *f = ddl_boxes_frame_at (boxes, video, frame, FALSE);
  return f != NULL ? f->file : NULL;
}

const DdlBox *
ddl_boxes_get (DdlBoxes *boxes, guint video, guint frame, guint *n_boxes)
{
  BoxesFrame *f = ddl_boxes_frame_at (boxes, video, frame, FALSE);

  if (f == NULL || f->boxes == NULL || f->boxes->len == 0)
    {
      *n_boxes = 0;
      return NULL;
    }
  *n_boxes = f->boxes->len;
  return (const DdlBox *) f->boxes->data;
}

const DdlBox *
ddl_boxes_find_track (DdlBoxes *boxes, guint video, guint frame, guint track)
{
  guint n;
  const DdlBox *list = ddl_boxes_get (boxes, video, frame, &n);

  for (guint i = 0; i < n; i++)
    if (list[i].track == track)
      return &list[i];
  return NULL;
}

const char *
ddl_boxes_get_track_id (DdlBoxes *boxes, guint track)
{
  g_return_val_if_fail (track < boxes->track_ids->len, NULL);
  return g_ptr_array_index (boxes->track_ids, track);
}

const char *
ddl_boxes_get_kind (DdlBoxes *boxes, guint kind)
{
  g_return_val_if_fail (kind < boxes->kinds->len, NULL);
  return g_ptr_array_index (boxes->kinds, kind);
}

guint
ddl_boxes_get_n_boxes (DdlBoxes *boxes)
{
  guint total = 0;

  for (guint v = 0; v < boxes->videos->len; v++)
    {
      BoxesVideo *video = ddl_boxes_video_at (boxes, v);
      for (guint i = 0; i < video->frames->len; i++)
        {
          BoxesFrame *f = &g_array_index (video->frames, BoxesFrame, i);
          total += f->boxes != NULL ? f->boxes->len : 0;
        }
    }
  return total;
}

/* ---- windows and masks ------------------------------------------------------- */

guint
ddl_boxes_common_tracks (DdlBoxes *boxes,
                         guint     video,
                         guint     centre,
                         guint     T,
                         GArray   *out)
{
  guint half = T / 2, n_first, found = 0;
  const DdlBox *first;

  g_return_val_if_fail (T % 2 == 1, 0);
  if (centre < half || centre + half >= ddl_boxes_get_n_frames (boxes, video))
    return 0;
  first = ddl_boxes_get (boxes, video, centre - half, &n_first);
  for (guint i = 0; i < n_first; i++)
    {
      gboolean everywhere = TRUE;
      for (guint t = 1; t < T && everywhere; t++)
        everywhere = ddl_boxes_find_track (boxes, video, centre - half + t, first[i].track) != NULL;
      if (everywhere)
        {
          g_array_append_val (out, first[i].track);
          found++;
        }
    }
  return found;
}

double
ddl_boxes_window_coverage (DdlBoxes *boxes,
                           guint     T,
                           guint    *n_windows,
                           guint    *n_covered)
{
  g_autoptr(GArray) common = g_array_new (FALSE, FALSE, sizeof (guint));
  guint windows = 0, covered = 0, half = T / 2;

  for (guint v = 0; v < boxes->videos->len; v++)
    {
      guint n = ddl_boxes_get_n_frames (boxes, v);
      for (guint c = half; c + half < n; c++)
        {
          g_array_set_size (common, 0);
          windows++;
          if (ddl_boxes_common_tracks (boxes, v, c, T, common) > 0)
            covered++;
        }
    }
  if (n_windows != NULL)
    *n_windows = windows;
  if (n_covered != NULL)
    *n_covered = covered;
  return windows > 0 ? (double) covered / windows : 0.0;
}

void
ddl_box_to_pixels (const double box[4], guint width, guint height, int out[4])
{
  const double scale[4] = { width, height, width, height };

  /* numpy: (np.array(box) * [W, H, W, H]).astype(np.int32), i.e. truncation of the
   * double product; after clipping the values are >= 0, so truncation is floor. */
  for (int k = 0; k < 4; k++)
    out[k] = (int) (clip01 (box[k]) * scale[k]);
}

gboolean
ddl_boxes_fill_mask (DdlBoxes *boxes,
                     guint     video,
                     guint     centre,
                     guint     T,
                     guint     track,
                     guint     width,
                     guint     height,
                     float    *mask)
{
  guint half = T / 2;
  gsize plane = (gsize) width * height;

  memset (mask, 0, plane * T * sizeof (float));
  if (centre < half || centre + half >= ddl_boxes_get_n_frames (boxes, video))
    return FALSE;
  for (guint t = 0; t < T; t++)
    {
      const DdlBox *b = ddl_boxes_find_track (boxes, video, centre - half + t, track);
      int px[4];

      if (b == NULL)
        continue;
      ddl_box_to_pixels (b->box, width, height, px);
      /* mask[y0:y1, x0:x1] = 1; an empty or inverted range sets nothing, as in numpy. */
      for (int y = px[1]; y < px[3] && y < (int) height; y++)
        for (int x = px[0]; x < px[2] && x < (int) width; x++)
          mask[t * plane + (gsize) y * width + x] = 1.0f;
    }
  return TRUE;
}

void
ddl_box_draw (guint8       *rgb,
              guint         width,
              guint         height,
              guint         stride,
              const double  box[4],
              const guint8  colour[3],
              guint         thickness)
{
  int x0 = (int) floor (clip01 (box[0]) * width), y0 = (int) floor (clip01 (box[1]) * height);
  int x1 = (int) ceil (clip01 (box[2]) * width) - 1, y1 = (int) ceil (clip01 (box[3]) * height) - 1;

  x1 = MIN (x1, (int) width - 1);
  y1 = MIN (y1, (int) height - 1);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        gboolean edge = x < x0 + (int) thickness || x > x1 - (int) thickness
                        || y < y0 + (int) thickness || y > y1 - (int) thickness;
        if (edge)
          memcpy (rgb + (gsize) y * stride + (gsize) x * 3, colour, 3);
      }
}

/* ---- writing ----------------------------------------------------------------- */

static void
append_json_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
append_number (GString *out, double v)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (out, g_ascii_formatd (buffer, sizeof buffer, "%.6f", v));
}

static void
append_frame (DdlBoxes *boxes, GString *out, BoxesFrame *frame)
{
  g_string_append_c (out, '{');
  for (guint i = 0; frame->boxes != NULL && i < frame->boxes->len; i++)
    {
      DdlBox *b = &g_array_index (frame->boxes, DdlBox, i);
      if (i > 0)
        g_string_append (out, ", ");
      append_json_string (out, ddl_boxes_get_track_id (boxes, b->track));
      g_string_append (out, ": {\"box\": [");
      for (int k = 0; k < 4; k++)
        {
          if (k > 0)
            g_string_append (out, ", ");
          append_number (out, b->box[k]);
        }
      g_string_append_c (out, ']');
      if (b->kind != 0)
        {
          g_string_append (out, ", \"kind\": ");
          append_json_string (out, ddl_boxes_get_kind (boxes, b->kind));
        }
      if (b->anomalous)
        g_string_append (out, ", \"anomalous\": true");
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, '}');
}

gboolean
ddl_boxes_write (DdlBoxes *boxes, const char *path, GError **error)
{
  g_autoptr(GString) out = g_string_new ("{");
  g_autoptr(GError) local = NULL;
  gboolean first = TRUE;

  for (guint v = 0; v < boxes->videos->len; v++)
    {
      BoxesVideo *video = ddl_boxes_video_at (boxes, v);
      gboolean slash = g_str_has_suffix (video->key_dir, "/");

      for (guint i = 0; i < video->frames->len; i++)
        {
          BoxesFrame *frame = &g_array_index (video->frames, BoxesFrame, i);
          g_autofree char *key = NULL;

          if (frame->file != NULL)
            key = g_strconcat (video->key_dir, slash ? "" : "/", frame->file, NULL);
          else if (video->is_video_file)
            key = g_strdup_printf ("%s#%u", video->key_dir, i);
          else
            continue;
          if (!g_utf8_validate (key, -1, NULL))
            {
              g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_IO,
                           "%s: frame path %s is not valid UTF-8, which JSON needs", path, key);
              return FALSE;
            }
          g_string_append (out, first ? "\n" : ",\n");
          first = FALSE;
          append_json_string (out, key);
          g_string_append (out, ": ");
          append_frame (boxes, out, frame);
        }
    }
  g_string_append (out, "\n}\n");
  if (!g_file_set_contents (path, out->str, (gssize) out->len, &local))
    {
      g_set_error (error, DDL_BOXES_ERROR, DDL_BOXES_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}
