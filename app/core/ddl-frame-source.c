/* ddl-frame-source.c: one frame source over video files and image folders.
 *
 * Every decoded frame is first converted to packed 8-bit RGB at its native size
 * with libswscale (accurate rounding, full chroma interpolation; the stream's
 * colour matrix and range, BT.601 when it does not say) and kept in a small LRU
 * cache. The float views are computed from that:
 *   gray = 0.299 R + 0.587 G + 0.114 B (BT.601 luma, as OpenCV and PIL), / 255;
 *   resizing is bilinear with half-pixel centres and no antialiasing — the same
 *   as torch.nn.functional.interpolate (mode="bilinear", align_corners=False),
 *   i.e. torchvision's Resize on tensors, which the DDL reference code uses.
 * Image folders are decoded with libavcodec too (the whole file is one packet for
 * the jpeg, png, bmp and tiff decoders). */
#include "ddl-frame-source.h"
#include "ddl-frame-source-private.h"
#include "ddl-dataset.h"

#include <math.h>
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavutil/log.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#define DDL_FRAME_CACHE_SIZE 8

G_DEFINE_QUARK (ddl-frame-source-error-quark, ddl_frame_source_error)

typedef struct {
  gint    index;    /* -1: empty */
  GBytes *rgb;      /* width * height * 3 */
  guint64 used;
} CacheEntry;

struct _DdlFrameSource {
  GMutex           lock;
  char            *path;
  char            *name;
  guint            width, height, n_frames;
  double           fps;
  DdlVideoDecoder *video;        /* videos */
  GPtrArray       *files;        /* image folders: frame paths in natural order */
  AVCodecContext  *image_dec;    /* image folders: the decoder of the image in hand */
  AVPacket        *pkt;
  AVFrame         *frame;
  struct SwsContext *sws;
  CacheEntry       cache[DDL_FRAME_CACHE_SIZE];
  guint64          clock;
};

void
_ddl_av_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      const char *level = g_getenv ("DDL_AV_LOG");
      int av_level = AV_LOG_QUIET;
      if (g_strcmp0 (level, "debug") == 0)
        av_level = AV_LOG_DEBUG;
      else if (g_strcmp0 (level, "info") == 0)
        av_level = AV_LOG_INFO;
      else if (g_strcmp0 (level, "warning") == 0)
        av_level = AV_LOG_WARNING;
      else if (g_strcmp0 (level, "error") == 0)
        av_level = AV_LOG_ERROR;
      av_log_set_level (av_level);
      g_once_init_leave (&done, 1);
    }
}

/* ---- image folders ---------------------------------------------------------------- */

static enum AVCodecID
image_codec_for (const char *file)
{
  const char *dot = strrchr (file, '.');
  g_autofree char *ext = g_ascii_strdown (dot != NULL ? dot + 1 : "", -1);

  if (g_str_equal (ext, "jpg") || g_str_equal (ext, "jpeg"))
    return AV_CODEC_ID_MJPEG;
  if (g_str_equal (ext, "png"))
    return AV_CODEC_ID_PNG;
  if (g_str_equal (ext, "bmp"))
    return AV_CODEC_ID_BMP;
  if (g_str_equal (ext, "tif") || g_str_equal (ext, "tiff"))
    return AV_CODEC_ID_TIFF;
  return AV_CODEC_ID_NONE;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return ddl_natural_compare (*(const char * const *) a, *(const char * const *) b);
}

static gboolean
list_images (DdlFrameSource *source, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GDir) dir = g_dir_open (source->path, 0, &local);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    {
      g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_OPEN,
                   "%s: cannot list the folder: %s", source->path, local->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.' && image_codec_for (name) != AV_CODEC_ID_NONE)
      g_ptr_array_add (names, g_strdup (name));
  if (names->len == 0)
    {
      g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_OPEN,
                   "%s: the folder has no images (jpg, png, tif or bmp)", source->path);
      return FALSE;
    }
  g_ptr_array_sort (names, compare_names);
  source->files = g_ptr_array_new_full (names->len, g_free);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (source->files, g_build_filename (source->path,
                                                      g_ptr_array_index (names, i), NULL));
  return TRUE;
}

/* Decodes image file `index` into source->frame. */
static gboolean
decode_image (DdlFrameSource *source, guint index, GError **error)
{
  const char *file = g_ptr_array_index (source->files, index);
  enum AVCodecID id = image_codec_for (file);
  g_autofree char *data = NULL;
  gsize size = 0;
  char buf[AV_ERROR_MAX_STRING_SIZE];
  GError *local = NULL;
  int ret;

  if (!g_file_get_contents (file, &data, &size, &local))
    {
      g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_DECODE,
                   "%s: frame %u cannot be read: %s", file, index, local->message);
      g_error_free (local);
      return FALSE;
    }
  /* A fresh decoder per image: reusing one across files is not safe (FFmpeg
   * 5.1's PNG decoder, for one, blends a frame into the previous one). */
  {
    const AVCodec *codec = avcodec_find_decoder (id);
    avcodec_free_context (&source->image_dec);
    if (codec == NULL)
      {
        g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_DECODE,
                     "%s: this FFmpeg has no %s decoder", file, avcodec_get_name (id));
        return FALSE;
      }
    source->image_dec = avcodec_alloc_context3 (codec);
    source->image_dec->thread_count = 1;
    if (avcodec_open2 (source->image_dec, codec, NULL) < 0)
      {
        avcodec_free_context (&source->image_dec);
        g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_DECODE,
                     "%s: cannot open the %s decoder", file, avcodec_get_name (id));
        return FALSE;
      }
  }

  if (size == 0 || size > G_MAXINT - AV_INPUT_BUFFER_PADDING_SIZE
      || av_new_packet (source->pkt, (int) size) < 0)
    {
      g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_DECODE,
                   "%s: frame %u: %s", file, index, size == 0 ? "empty file" : "too large");
      return FALSE;
    }
  memcpy (source->pkt->data, data, size);
  ret = avcodec_send_packet (source->image_dec, source->pkt);
  av_packet_unref (source->pkt);
  if (ret >= 0)
    {
      /* Some decoders hold the frame until the end of the stream. */
      ret = avcodec_receive_frame (source->image_dec, source->frame);
      if (ret == AVERROR (EAGAIN))
        {
          avcodec_send_packet (source->image_dec, NULL);
          ret = avcodec_receive_frame (source->image_dec, source->frame);
        }
    }
  avcodec_free_context (&source->image_dec);
  if (ret < 0)
    {
      av_strerror (ret == AVERROR_EOF ? AVERROR_INVALIDDATA : ret, buf, sizeof buf);
      g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_DECODE,
                   "%s: frame %u is not a readable image (%s)", file, index, buf);
      return FALSE;
    }
  if (source->width != 0
      && ((guint) source->frame->width != source->width
          || (guint) source->frame->height != source->height))
    {
      g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_SIZE,
                   "%s: frame %u is %dx%d but the sequence is %ux%u (as %s)", file, index,
                   source->frame->width, source->frame->height, source->width,
                   source->height, (const char *) g_ptr_array_index (source->files, 0));
      av_frame_unref (source->frame);
      return FALSE;
    }
  return TRUE;
}

/* ---- conversion and cache --------------------------------------------------------- */

/* Decoded frame → packed RGB24 at the source's size. */
static GBytes *
frame_to_rgb (DdlFrameSource *source, const AVFrame *frame, GError **error)
{
  const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get (frame->format);
  gsize stride = (gsize) source->width * 3;
  guint8 *rgb;
  int src_full, cs;

  source->sws = sws_getCachedContext (source->sws, frame->width, frame->height, frame->format,
                                      source->width, source->height, AV_PIX_FMT_RGB24,
                                      SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT,
                                      NULL, NULL, NULL);
  if (source->sws == NULL || desc == NULL)
    {
      g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_DECODE,
                   "%s: cannot convert pixel format %s to RGB", source->path,
                   av_get_pix_fmt_name (frame->format));
      return NULL;
    }
  /* YUV: limited range unless flagged full (or a yuvj format); gray and RGB are
   * full range unless flagged limited. */
  if (desc->nb_components >= 3 && !(desc->flags & AV_PIX_FMT_FLAG_RGB))
    src_full = frame->color_range == AVCOL_RANGE_JPEG || g_str_has_prefix (desc->name, "yuvj");
  else
    src_full = frame->color_range != AVCOL_RANGE_MPEG;
  cs = frame->colorspace == AVCOL_SPC_BT709 ? SWS_CS_ITU709 : SWS_CS_ITU601;
  sws_setColorspaceDetails (source->sws, sws_getCoefficients (cs), src_full,
                            sws_getCoefficients (SWS_CS_ITU601), 1, 0, 1 << 16, 1 << 16);

  rgb = g_malloc (stride * source->height);
  {
    /* swscale reads four plane pointers and strides. */
    guint8 *const dst[4] = { rgb, NULL, NULL, NULL };
    const int dst_stride[4] = { (int) stride, 0, 0, 0 };
    sws_scale (source->sws, (const guint8 * const *) frame->data, frame->linesize, 0,
               frame->height, dst, dst_stride);
  }
  return g_bytes_new_take (rgb, stride * source->height);
}

/* The RGB24 frame `index` (new reference); takes the lock's holder. */
static GBytes *
get_rgb_locked (DdlFrameSource *source, guint index, GError **error)
{
  CacheEntry *slot = &source->cache[0];
  GBytes *rgb;

  if (index >= source->n_frames)
    {
      g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_RANGE,
                   "%s: frame %u is out of range (%u frames)", source->path, index,
                   source->n_frames);
      return NULL;
    }
  for (guint i = 0; i < DDL_FRAME_CACHE_SIZE; i++)
    {
      CacheEntry *e = &source->cache[i];
      if (e->index == (gint) index)
        {
          e->used = ++source->clock;
          return g_bytes_ref (e->rgb);
        }
      if (e->used < slot->used)
        slot = e;
    }

  if (source->video != NULL)
    {
      const AVFrame *frame = _ddl_video_decoder_read (source->video, index, error);
      if (frame == NULL)
        return NULL;
      rgb = frame_to_rgb (source, frame, error);
    }
  else
    {
      if (!decode_image (source, index, error))
        return NULL;
      rgb = frame_to_rgb (source, source->frame, error);
      av_frame_unref (source->frame);
    }
  if (rgb == NULL)
    return NULL;

  g_clear_pointer (&slot->rgb, g_bytes_unref);
  slot->index = index;
  slot->rgb = g_bytes_ref (rgb);
  slot->used = ++source->clock;
  return rgb;
}

/* ---- public API --------------------------------------------------------------------- */

static char *
source_name (const char *path, gboolean is_video)
{
  g_autofree char *trimmed = g_strdup (path);
  char *base, *dot;
  gsize len = strlen (trimmed);

  while (len > 1 && G_IS_DIR_SEPARATOR (trimmed[len - 1]))
    trimmed[--len] = '\0';
  base = g_path_get_basename (trimmed);
  if (is_video && (dot = strrchr (base, '.')) != NULL && dot != base)
    *dot = '\0';
  return base;
}

DdlFrameSource *
ddl_frame_source_open (const char *path, GError **error)
{
  g_autoptr(DdlFrameSource) source = NULL;
  gboolean is_dir;

  g_return_val_if_fail (path != NULL, NULL);
  _ddl_av_init ();

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, DDL_FRAME_SOURCE_ERROR, DDL_FRAME_SOURCE_ERROR_OPEN,
                   "%s: no such file or folder", path);
      return NULL;
    }
  is_dir = g_file_test (path, G_FILE_TEST_IS_DIR);
  source = g_new0 (DdlFrameSource, 1);
  g_mutex_init (&source->lock);
  source->path = g_strdup (path);
  source->name = source_name (path, !is_dir);
  source->pkt = av_packet_alloc ();
  source->frame = av_frame_alloc ();
  for (guint i = 0; i < DDL_FRAME_CACHE_SIZE; i++)
    source->cache[i].index = -1;

  if (is_dir)
    {
      GBytes *first;
      if (!list_images (source, error))
        return NULL;
      source->n_frames = source->files->len;
      source->fps = 25.0;
      /* The first image sets the size of the sequence. */
      if (!decode_image (source, 0, error))
        return NULL;
      source->width = source->frame->width;
      source->height = source->frame->height;
      first = frame_to_rgb (source, source->frame, error);
      av_frame_unref (source->frame);
      if (first == NULL)
        return NULL;
      source->cache[0].index = 0;
      source->cache[0].rgb = first;
      source->cache[0].used = ++source->clock;
    }
  else
    {
      source->video = _ddl_video_decoder_open (path, error);
      if (source->video == NULL)
        return NULL;
      source->n_frames = _ddl_video_decoder_get_n_frames (source->video);
      source->width = _ddl_video_decoder_get_width (source->video);
      source->height = _ddl_video_decoder_get_height (source->video);
      source->fps = _ddl_video_decoder_get_fps (source->video);
    }
  return g_steal_pointer (&source);
}

void
ddl_frame_source_free (DdlFrameSource *source)
{
  if (source == NULL)
    return;
  for (guint i = 0; i < DDL_FRAME_CACHE_SIZE; i++)
    g_clear_pointer (&source->cache[i].rgb, g_bytes_unref);
  _ddl_video_decoder_free (source->video);
  g_clear_pointer (&source->files, g_ptr_array_unref);
  avcodec_free_context (&source->image_dec);
  av_packet_free (&source->pkt);
  av_frame_free (&source->frame);
  sws_freeContext (source->sws);
  g_mutex_clear (&source->lock);
  g_free (source->path);
  g_free (source->name);
  g_free (source);
}

const char *ddl_frame_source_get_path (DdlFrameSource *s) { return s->path; }
const char *ddl_frame_source_get_name (DdlFrameSource *s) { return s->name; }
guint ddl_frame_source_get_n_frames (DdlFrameSource *s) { return s->n_frames; }
double ddl_frame_source_get_fps (DdlFrameSource *s) { return s->fps; }
guint ddl_frame_source_get_width (DdlFrameSource *s) { return s->width; }
guint ddl_frame_source_get_height (DdlFrameSource *s) { return s->height; }
gboolean ddl_frame_source_is_video (DdlFrameSource *s) { return s->video != NULL; }

guint
_ddl_frame_source_get_n_seeks (DdlFrameSource *source)
{
  return source->video != NULL ? _ddl_video_decoder_get_n_seeks (source->video) : 0;
}

const char *
ddl_frame_source_get_frame_path (DdlFrameSource *source, guint index)
{
  g_return_val_if_fail (source != NULL, NULL);
  if (source->files == NULL || index >= source->files->len)
    return NULL;
  return g_ptr_array_index (source->files, index);
}

GBytes *
ddl_frame_source_read_rgb8 (DdlFrameSource *source, guint index, GError **error)
{
  GBytes *rgb;

  g_return_val_if_fail (source != NULL, NULL);
  g_mutex_lock (&source->lock);
  rgb = get_rgb_locked (source, index, error);
  g_mutex_unlock (&source->lock);
  return rgb;
}

/* Bilinear resize of one float plane, half-pixel centres, edges clamped
 * (torch interpolate, align_corners=False, no antialias). */
static void
resize_plane (float *out, guint ow, guint oh, const float *in, guint iw, guint ih)
{
  double sx = (double) iw / ow, sy = (double) ih / oh;
  g_autofree guint *x0 = g_new (guint, ow);
  g_autofree guint *x1 = g_new (guint, ow);
  g_autofree float *wx = g_new (float, ow);

  for (guint x = 0; x < ow; x++)
    {
      double fx = MAX (0.0, (x + 0.5) * sx - 0.5);
      x0[x] = MIN ((guint) fx, iw - 1);
      x1[x] = MIN (x0[x] + 1, iw - 1);
      wx[x] = (float) (fx - x0[x]);
    }
  for (guint y = 0; y < oh; y++)
    {
      double fy = MAX (0.0, (y + 0.5) * sy - 0.5);
      guint y0 = MIN ((guint) fy, ih - 1), y1 = MIN (y0 + 1, ih - 1);
      float wy = (float) (fy - y0);
      const float *r0 = in + (gsize) y0 * iw, *r1 = in + (gsize) y1 * iw;
      float *dst = out + (gsize) y * ow;
      for (guint x = 0; x < ow; x++)
        {
          float top = r0[x0[x]] + wx[x] * (r0[x1[x]] - r0[x0[x]]);
          float bottom = r1[x0[x]] + wx[x] * (r1[x1[x]] - r1[x0[x]]);
          dst[x] = top + wy * (bottom - top);
        }
    }
}

gboolean
ddl_frame_source_read_float (DdlFrameSource *source,
                             guint           index,
                             DdlPixelFormat  format,
                             guint           width,
                             guint           height,
                             float          *out,
                             GError        **error)
{
  g_autoptr(GBytes) rgb = NULL;
  const guint8 *px;
  guint channels = format == DDL_PIXEL_GRAY ? 1 : 3;
  guint w, h;
  gsize plane;
  gboolean resize;
  g_autofree float *native = NULL;

  g_return_val_if_fail (source != NULL && out != NULL, FALSE);
  g_return_val_if_fail (format == DDL_PIXEL_GRAY || format == DDL_PIXEL_RGB, FALSE);

  rgb = ddl_frame_source_read_rgb8 (source, index, error);
  if (rgb == NULL)
    return FALSE;
  px = g_bytes_get_data (rgb, NULL);
  w = source->width;
  h = source->height;
  plane = (gsize) w * h;
  resize = width != 0 && height != 0 && (width != w || height != h);
  native = resize ? g_new (float, plane * channels) : NULL;
  {
    float *dst = resize ? native : out;
    float unit[256];
    for (guint v = 0; v < 256; v++)
      unit[v] = v / 255.0f;
    if (channels == 1)
      for (gsize i = 0; i < plane; i++)
        dst[i] = 0.299f * unit[px[3 * i]] + 0.587f * unit[px[3 * i + 1]]
                 + 0.114f * unit[px[3 * i + 2]];
    else
      for (gsize i = 0; i < plane; i++)
        {
          dst[i] = unit[px[3 * i]];
          dst[plane + i] = unit[px[3 * i + 1]];
          dst[2 * plane + i] = unit[px[3 * i + 2]];
        }
  }
  if (resize)
    for (guint c = 0; c < channels; c++)
      resize_plane (out + (gsize) c * width * height, width, height, native + c * plane, w, h);
  return TRUE;
}
