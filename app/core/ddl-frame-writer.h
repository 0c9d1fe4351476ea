/* ddl-frame-writer.h: writing frames with libavcodec — single images (jpg, png,
 * bmp, tif, chosen by extension) and videos (mp4/mkv/avi/webm, codec chosen by
 * container: H.264 or MPEG-4 Part 2 in mp4/mkv, MJPEG in avi, VP9/VP8 in webm,
 * whichever the installed FFmpeg has). Input frames are packed 8-bit RGB. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DDL_FRAME_WRITER_ERROR (ddl_frame_writer_error_quark ())

typedef enum {
  DDL_FRAME_WRITER_ERROR_FORMAT,   /* unknown extension / no encoder available */
  DDL_FRAME_WRITER_ERROR_IO,       /* cannot create or write the file */
  DDL_FRAME_WRITER_ERROR_ENCODE,
} DdlFrameWriterError;

GQuark   ddl_frame_writer_error_quark (void);

/* Writes one image; the file is written to a temporary name and renamed.
 * JPEG: baseline, 4:4:4 (no chroma subsampling), quantiser 2 (near lossless);
 * PNG and TIFF: 8-bit RGB, lossless; BMP: 24-bit. */
gboolean ddl_image_write (const char   *path,
                          const guint8 *rgb,      /* height * stride bytes */
                          guint         width,
                          guint         height,
                          guint         stride,
                          GError      **error);

typedef struct _DdlVideoWriter DdlVideoWriter;

/* width and height are rounded up to even values where the codec needs it. */
DdlVideoWriter *ddl_video_writer_open  (const char *path,
                                        guint       width,
                                        guint       height,
                                        double      fps,
                                        GError    **error);
/* The same with an explicit libavcodec encoder name ("mjpeg", "msmpeg4v2", "mpeg4",
 * "libx264", "libvpx", "libvpx-vp9"); NULL picks one for the container as above.
 * The video is written to PATH.part and renamed by ddl_video_writer_close(). */
DdlVideoWriter *ddl_video_writer_open_with_encoder (const char *path,
                                                    const char *encoder,
                                                    guint       width,
                                                    guint       height,
                                                    double      fps,
                                                    GError    **error);
/* Whether the installed FFmpeg has this encoder. */
gboolean        ddl_video_encoder_available (const char *encoder);
/* The encoder a writer uses (e.g. "libx264"). */
const char     *ddl_video_writer_get_encoder (DdlVideoWriter *writer);
gboolean        ddl_video_writer_add   (DdlVideoWriter *writer,
                                        const guint8   *rgb,
                                        guint           stride,
                                        GError        **error);
/* Flushes the encoder and finishes the file. Frees the writer in all cases. */
gboolean        ddl_video_writer_close (DdlVideoWriter *writer, GError **error);
/* Abandons the file (deletes it) and frees the writer. */
void            ddl_video_writer_abort (DdlVideoWriter *writer);

G_END_DECLS
