/* ddl-frame-writer.c: images and videos written with libavcodec/libavformat.
 *
 * RGB input is converted with libswscale (no scaling, accurate rounding, BT.601
 * coefficients, which the reader in ddl-frame-source.c also assumes when a stream
 * does not say). Sizes a codec cannot take (odd sizes for 4:2:0) are padded by
 * repeating the last column/row, so the stored pixels of the visible area are the
 * caller's, not resampled ones. */
#include "ddl-frame-writer.h"
#include "ddl-frame-source.h"
#include "ddl-frame-source-private.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>

G_DEFINE_QUARK (ddl-frame-writer-error-quark, ddl_frame_writer_error)

static const char *
av_message (int code, char buf[AV_ERROR_MAX_STRING_SIZE])
{
  av_strerror (code, buf, AV_ERROR_MAX_STRING_SIZE);
  return buf;
}

/* Lower-case extension without the dot, or "" (g_free). */
static char *
path_extension (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');
  return g_ascii_strdown (dot != NULL ? dot + 1 : "", -1);
}

/* Fills `frame` (already sized and allocated in its pixel format) from packed RGB
 * of width x height, repeating the last column/row into any padding. */
static gboolean
fill_frame_from_rgb (AVFrame      *frame,
                     const guint8 *rgb,
                     guint         width,
                     guint         height,
                     guint         stride,
                     GError      **error)
{
  guint pw = frame->width, ph = frame->height;
  /* swscale's SIMD reads up to a vector past a row's end: give it a padded copy
   * (that also repeats the last column/row into any padding). */
  int src_stride = (int) ((pw * 3 + 63) & ~63u);
  g_autofree guint8 *padded = g_malloc0 ((gsize) src_stride * ph + 64);
  const guint8 *src = padded;
  struct SwsContext *sws;

  for (guint y = 0; y < ph; y++)
    {
      const guint8 *row = rgb + (gsize) MIN (y, height - 1) * stride;
      guint8 *dst = padded + (gsize) y * src_stride;
      memcpy (dst, row, (gsize) width * 3);
      for (guint x = width; x < pw; x++)
        memcpy (dst + x * 3, row + (width - 1) * 3, 3);
    }

  sws = sws_getContext (frame->width, frame->height, AV_PIX_FMT_RGB24,
                        frame->width, frame->height, frame->format,
                        SWS_POINT | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT
                        | SWS_FULL_CHR_H_INP, NULL, NULL, NULL);
  if (sws == NULL)
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_ENCODE,
                   "no conversion from RGB to %s", av_get_pix_fmt_name (frame->format));
      return FALSE;
    }
  /* Full-range YUV for the JPEG formats, limited range for the video ones. */
  {
    const int *coefs = sws_getCoefficients (SWS_CS_ITU601);
    int dst_full = frame->color_range == AVCOL_RANGE_JPEG;
    sws_setColorspaceDetails (sws, coefs, 1, coefs, dst_full, 0, 1 << 16, 1 << 16);
  }
  {
    /* swscale reads four plane pointers and strides. */
    const guint8 *const planes[4] = { src, NULL, NULL, NULL };
    const int strides[4] = { src_stride, 0, 0, 0 };
    sws_scale (sws, planes, strides, 0, frame->height, frame->data, frame->linesize);
  }
  sws_freeContext (sws);
  return TRUE;
}

/* ---- single images ---------------------------------------------------------------- */

gboolean
ddl_image_write (const char   *path,
                 const guint8 *rgb,
                 guint         width,
                 guint         height,
                 guint         stride,
                 GError      **error)
{
  g_autofree char *ext = path_extension (path);
  enum AVCodecID codec_id;
  enum AVPixelFormat pix_fmt;
  const AVCodec *codec;
  AVCodecContext *ctx = NULL;
  AVFrame *frame = NULL;
  AVPacket *pkt = NULL;
  GByteArray *bytes = NULL;
  gboolean ok = FALSE;
  char msg[AV_ERROR_MAX_STRING_SIZE];
  int ret;

  g_return_val_if_fail (path != NULL && rgb != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0 && stride >= width * 3, FALSE);

  _ddl_av_init ();
  if (g_str_equal (ext, "jpg") || g_str_equal (ext, "jpeg"))
    codec_id = AV_CODEC_ID_MJPEG, pix_fmt = AV_PIX_FMT_YUVJ444P;
  else if (g_str_equal (ext, "png"))
    codec_id = AV_CODEC_ID_PNG, pix_fmt = AV_PIX_FMT_RGB24;
  else if (g_str_equal (ext, "bmp"))
    codec_id = AV_CODEC_ID_BMP, pix_fmt = AV_PIX_FMT_BGR24;
  else if (g_str_equal (ext, "tif") || g_str_equal (ext, "tiff"))
    codec_id = AV_CODEC_ID_TIFF, pix_fmt = AV_PIX_FMT_RGB24;
  else
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_FORMAT,
                   "%s: unknown image extension '%s' (use jpg, png, bmp or tif)", path, ext);
      return FALSE;
    }
  codec = avcodec_find_encoder (codec_id);
  if (codec == NULL)
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_FORMAT,
                   "%s: this FFmpeg has no %s encoder", path, avcodec_get_name (codec_id));
      return FALSE;
    }

  ctx = avcodec_alloc_context3 (codec);
  ctx->width = width;
  ctx->height = height;
  ctx->pix_fmt = pix_fmt;
  ctx->time_base = (AVRational) { 1, 25 };
  if (codec_id == AV_CODEC_ID_MJPEG)
    {
      ctx->color_range = AVCOL_RANGE_JPEG;
      ctx->flags |= AV_CODEC_FLAG_QSCALE;
      ctx->global_quality = 2 * FF_QP2LAMBDA;
    }
  if ((ret = avcodec_open2 (ctx, codec, NULL)) < 0)
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_ENCODE,
                   "%s: cannot open the %s encoder: %s", path, codec->name, av_message (ret, msg));
      goto out;
    }

  frame = av_frame_alloc ();
  frame->width = width;
  frame->height = height;
  frame->format = pix_fmt;
  frame->color_range = ctx->color_range;
  frame->pts = 0;
  if (av_frame_get_buffer (frame, 0) < 0 || !fill_frame_from_rgb (frame, rgb, width, height,
                                                                   stride, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_ENCODE,
                     "%s: out of memory for a %ux%u frame", path, width, height);
      goto out;
    }

  pkt = av_packet_alloc ();
  bytes = g_byte_array_new ();
  ret = avcodec_send_frame (ctx, frame);
  if (ret >= 0)
    ret = avcodec_send_frame (ctx, NULL);
  while (ret >= 0)
    {
      ret = avcodec_receive_packet (ctx, pkt);
      if (ret >= 0)
        {
          g_byte_array_append (bytes, pkt->data, pkt->size);
          av_packet_unref (pkt);
        }
    }
  if (ret != AVERROR_EOF || bytes->len == 0)
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_ENCODE,
                   "%s: %s encoding failed: %s", path, codec->name,
                   av_message (ret == AVERROR_EOF ? AVERROR_BUG : ret, msg));
      goto out;
    }

  /* g_file_set_contents_full writes a temporary file in the same folder and
   * renames it over `path`: readers never see a half-written image. */
  if (!g_file_set_contents_full (path, (const char *) bytes->data, bytes->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    {
      if (error != NULL && *error != NULL && (*error)->domain != DDL_FRAME_WRITER_ERROR)
        {
          g_autofree char *message = g_strdup ((*error)->message);
          g_clear_error (error);
          g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_IO, "%s", message);
        }
      goto out;
    }
  ok = TRUE;

out:
  if (bytes != NULL)
    g_byte_array_unref (bytes);
  av_packet_free (&pkt);
  av_frame_free (&frame);
  avcodec_free_context (&ctx);
  return ok;
}

/* ---- videos ----------------------------------------------------------------------- */

struct _DdlVideoWriter {
  char            *path;        /* final name */
  char            *part_path;   /* written here, renamed on close */
  AVFormatContext *fmt;
  AVCodecContext  *enc;
  AVStream        *stream;
  AVFrame         *frame;
  AVPacket        *pkt;
  guint            width, height;   /* of the caller's frames */
  gint64           next_pts;
  gboolean         header_written;
};

gboolean
ddl_video_encoder_available (const char *encoder)
{
  g_return_val_if_fail (encoder != NULL, FALSE);
  return avcodec_find_encoder_by_name (encoder) != NULL;
}

/* The first available encoder for a container extension. */
static const AVCodec *
pick_encoder (const char *ext)
{
  static const char *const mp4[] = { "libx264", "mpeg4", "libxvid", NULL };
  static const char *const avi[] = { "mjpeg", "mpeg4", "msmpeg4v2", NULL };
  static const char *const webm[] = { "libvpx-vp9", "libvpx", NULL };
  const char *const *list = NULL;

  if (g_str_equal (ext, "mp4") || g_str_equal (ext, "mkv") || g_str_equal (ext, "mov"))
    list = mp4;
  else if (g_str_equal (ext, "avi"))
    list = avi;
  else if (g_str_equal (ext, "webm"))
    list = webm;
  for (; list != NULL && *list != NULL; list++)
    {
      const AVCodec *codec = avcodec_find_encoder_by_name (*list);
      if (codec != NULL)
        return codec;
    }
  return NULL;
}

static gboolean
codec_has_pix_fmt (const AVCodec *codec, enum AVPixelFormat fmt)
{
  for (const enum AVPixelFormat *p = codec->pix_fmts; p != NULL && *p != AV_PIX_FMT_NONE; p++)
    if (*p == fmt)
      return TRUE;
  return FALSE;
}

/* Quality and speed settings per encoder: near-transparent quality (the tests read
 * frame contents back) and keyframes at least every 2 s so that seeking stays cheap. */
static void
configure_encoder (AVCodecContext *enc, const AVCodec *codec, const char *ext, double fps)
{
  const char *name = codec->name;

  enc->gop_size = MAX (12, (int) (2 * fps + 0.5));
  if (g_str_equal (name, "libx264"))
    {
      av_opt_set (enc->priv_data, "preset", "veryfast", 0);
      av_opt_set (enc->priv_data, "crf", "16", 0);
    }
  else if (g_str_equal (name, "libvpx-vp9"))
    {
      enc->bit_rate = 0;
      av_opt_set (enc->priv_data, "crf", "20", 0);
      av_opt_set (enc->priv_data, "deadline", "realtime", 0);
      av_opt_set (enc->priv_data, "cpu-used", "8", 0);
    }
  else if (g_str_equal (name, "libvpx"))
    {
      /* VP8 needs a bit-rate ceiling for crf; no invisible alt-ref frames. */
      enc->bit_rate = MAX (200000, (gint64) (enc->width * enc->height * fps * 0.5));
      av_opt_set (enc->priv_data, "crf", "8", 0);
      av_opt_set (enc->priv_data, "deadline", "realtime", 0);
      av_opt_set (enc->priv_data, "cpu-used", "8", 0);
      av_opt_set (enc->priv_data, "auto-alt-ref", "0", 0);
    }
  else
    {
      /* mjpeg, mpeg4, msmpeg4*, xvid: fixed quantiser. */
      enc->flags |= AV_CODEC_FLAG_QSCALE;
      enc->global_quality = 3 * FF_QP2LAMBDA;
      /* B-frames where the container stores presentation times (not in avi). */
      if (g_str_equal (name, "mpeg4") && !g_str_equal (ext, "avi"))
        enc->max_b_frames = 2;
    }
}

DdlVideoWriter *
ddl_video_writer_open (const char *path,
                       guint       width,
                       guint       height,
                       double      fps,
                       GError    **error)
{
  return ddl_video_writer_open_with_encoder (path, NULL, width, height, fps, error);
}

DdlVideoWriter *
ddl_video_writer_open_with_encoder (const char *path,
                                    const char *encoder,
                                    guint       width,
                                    guint       height,
                                    double      fps,
                                    GError    **error)
{
  g_autofree char *ext = path_extension (path);
  const AVCodec *codec;
  DdlVideoWriter *w;
  char msg[AV_ERROR_MAX_STRING_SIZE];
  AVRational rate;
  int ret;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0 && fps > 0, NULL);

  _ddl_av_init ();
  codec = encoder != NULL ? avcodec_find_encoder_by_name (encoder) : pick_encoder (ext);
  if (codec == NULL || codec->type != AVMEDIA_TYPE_VIDEO)
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_FORMAT,
                   encoder != NULL ? "%s: this FFmpeg has no video encoder '%s'"
                                   : "%s: no video encoder for '.%s' files (use mp4, mkv, "
                                     "avi or webm)", path, encoder != NULL ? encoder : ext);
      return NULL;
    }

  w = g_new0 (DdlVideoWriter, 1);
  w->path = g_strdup (path);
  w->part_path = g_strconcat (path, ".part", NULL);
  w->width = width;
  w->height = height;

  /* The container is chosen by the real name; the bytes go to the .part file. */
  ret = avformat_alloc_output_context2 (&w->fmt, NULL, NULL, path);
  if (ret < 0 || w->fmt == NULL)
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_FORMAT,
                   "%s: unknown container: %s", path, av_message (ret, msg));
      goto fail;
    }

  w->enc = avcodec_alloc_context3 (codec);
  if (codec_has_pix_fmt (codec, AV_PIX_FMT_YUVJ420P))
    w->enc->pix_fmt = AV_PIX_FMT_YUVJ420P, w->enc->color_range = AVCOL_RANGE_JPEG;
  else if (codec_has_pix_fmt (codec, AV_PIX_FMT_YUV420P))
    w->enc->pix_fmt = AV_PIX_FMT_YUV420P, w->enc->color_range = AVCOL_RANGE_MPEG;
  else
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_FORMAT,
                   "%s: encoder %s takes no 4:2:0 input", path, codec->name);
      goto fail;
    }
  /* 4:2:0 needs even sizes. */
  w->enc->width = (width + 1) & ~1u;
  w->enc->height = (height + 1) & ~1u;
  w->enc->colorspace = AVCOL_SPC_SMPTE170M;
  w->enc->color_primaries = AVCOL_PRI_SMPTE170M;
  w->enc->color_trc = AVCOL_TRC_SMPTE170M;
  rate = av_d2q (fps, 100000);
  w->enc->framerate = rate;
  w->enc->time_base = av_inv_q (rate);
  configure_encoder (w->enc, codec, ext, fps);
  if (w->fmt->oformat->flags & AVFMT_GLOBALHEADER)
    w->enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  w->enc->thread_count = 1;

  if ((ret = avcodec_open2 (w->enc, codec, NULL)) < 0)
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_ENCODE,
                   "%s: cannot open the %s encoder: %s", path, codec->name, av_message (ret, msg));
      goto fail;
    }
  w->stream = avformat_new_stream (w->fmt, NULL);
  w->stream->time_base = w->enc->time_base;
  w->stream->avg_frame_rate = rate;
  avcodec_parameters_from_context (w->stream->codecpar, w->enc);

  if ((ret = avio_open (&w->fmt->pb, w->part_path, AVIO_FLAG_WRITE)) < 0)
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_IO,
                   "%s: cannot create the file: %s", w->part_path, av_message (ret, msg));
      goto fail;
    }
  if ((ret = avformat_write_header (w->fmt, NULL)) < 0)
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_IO,
                   "%s: cannot write the header: %s", path, av_message (ret, msg));
      goto fail;
    }
  w->header_written = TRUE;

  w->frame = av_frame_alloc ();
  w->frame->width = w->enc->width;
  w->frame->height = w->enc->height;
  w->frame->format = w->enc->pix_fmt;
  w->frame->color_range = w->enc->color_range;
  w->frame->colorspace = w->enc->colorspace;
  if (av_frame_get_buffer (w->frame, 0) < 0)
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_ENCODE,
                   "%s: out of memory", path);
      goto fail;
    }
  w->pkt = av_packet_alloc ();
  return w;

fail:
  ddl_video_writer_abort (w);
  return NULL;
}

const char *
ddl_video_writer_get_encoder (DdlVideoWriter *writer)
{
  g_return_val_if_fail (writer != NULL, NULL);
  return writer->enc->codec->name;
}

/* Moves every packet the encoder has ready into the file. */
static gboolean
drain_packets (DdlVideoWriter *w, GError **error)
{
  char msg[AV_ERROR_MAX_STRING_SIZE];

  for (;;)
    {
      int ret = avcodec_receive_packet (w->enc, w->pkt);
      if (ret == AVERROR (EAGAIN) || ret == AVERROR_EOF)
        return TRUE;
      if (ret < 0)
        {
          g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_ENCODE,
                       "%s: encoding failed: %s", w->path, av_message (ret, msg));
          return FALSE;
        }
      av_packet_rescale_ts (w->pkt, w->enc->time_base, w->stream->time_base);
      w->pkt->stream_index = w->stream->index;
      ret = av_interleaved_write_frame (w->fmt, w->pkt);
      if (ret < 0)
        {
          g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_IO,
                       "%s: cannot write: %s", w->path, av_message (ret, msg));
          return FALSE;
        }
    }
}

gboolean
ddl_video_writer_add (DdlVideoWriter *writer,
                      const guint8   *rgb,
                      guint           stride,
                      GError        **error)
{
  char msg[AV_ERROR_MAX_STRING_SIZE];
  int ret;

  g_return_val_if_fail (writer != NULL && rgb != NULL, FALSE);
  g_return_val_if_fail (stride >= writer->width * 3, FALSE);

  /* The encoder may still reference the previous frame's buffers. */
  if (av_frame_make_writable (writer->frame) < 0)
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_ENCODE,
                   "%s: out of memory", writer->path);
      return FALSE;
    }
  if (!fill_frame_from_rgb (writer->frame, rgb, writer->width, writer->height, stride, error))
    return FALSE;
  writer->frame->pts = writer->next_pts++;
  ret = avcodec_send_frame (writer->enc, writer->frame);
  if (ret < 0)
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_ENCODE,
                   "%s: encoding frame %" G_GINT64_FORMAT " failed: %s", writer->path,
                   writer->next_pts - 1, av_message (ret, msg));
      return FALSE;
    }
  return drain_packets (writer, error);
}

gboolean
ddl_video_writer_close (DdlVideoWriter *writer, GError **error)
{
  char msg[AV_ERROR_MAX_STRING_SIZE];
  int ret;

  g_return_val_if_fail (writer != NULL, FALSE);

  avcodec_send_frame (writer->enc, NULL);
  if (!drain_packets (writer, error))
    goto fail;
  ret = av_write_trailer (writer->fmt);
  writer->header_written = FALSE;
  if (ret < 0)
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_IO,
                   "%s: cannot finish the file: %s", writer->path, av_message (ret, msg));
      goto fail;
    }
  ret = avio_closep (&writer->fmt->pb);
  if (ret < 0)
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_IO,
                   "%s: cannot close the file: %s", writer->path, av_message (ret, msg));
      goto fail;
    }
  if (g_rename (writer->part_path, writer->path) != 0)
    {
      int saved = errno;
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_IO,
                   "%s: cannot rename from %s: %s", writer->path, writer->part_path,
                   g_strerror (saved));
      goto fail;
    }
  g_clear_pointer (&writer->part_path, g_free);
  ddl_video_writer_abort (writer);   /* frees; nothing left to delete */
  return TRUE;

fail:
  ddl_video_writer_abort (writer);
  return FALSE;
}

void
ddl_video_writer_abort (DdlVideoWriter *writer)
{
  if (writer == NULL)
    return;
  if (writer->fmt != NULL)
    {
      if (writer->fmt->pb != NULL)
        avio_closep (&writer->fmt->pb);
      avformat_free_context (writer->fmt);
    }
  if (writer->part_path != NULL)
    g_unlink (writer->part_path);
  avcodec_free_context (&writer->enc);
  av_frame_free (&writer->frame);
  av_packet_free (&writer->pkt);
  g_free (writer->part_path);
  g_free (writer->path);
  g_free (writer);
}
