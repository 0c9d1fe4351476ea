/* ddl-frame-source-private.h: pieces of the frame source shared inside app/core
 * and with the tests (not API): the libav set-up and the frame-exact video
 * decoder behind ddl-frame-source.c. */
#pragma once

#include <glib.h>
#include <libavutil/frame.h>

#include "ddl-frame-source.h"

G_BEGIN_DECLS

/* One-time libav set-up: quiets FFmpeg's own logging (errors reach callers as
 * GErrors; DDL_AV_LOG=debug|info|warning|error brings FFmpeg's log back). */
void _ddl_av_init (void);

typedef struct _DdlVideoDecoder DdlVideoDecoder;

/* Opens a video file and builds the index of its frames' presentation timestamps
 * (errors in the DDL_FRAME_SOURCE_ERROR domain, naming the file). */
DdlVideoDecoder *_ddl_video_decoder_open (const char *path, GError **error);
void             _ddl_video_decoder_free (DdlVideoDecoder *decoder);
guint            _ddl_video_decoder_get_n_frames (DdlVideoDecoder *decoder);
guint            _ddl_video_decoder_get_width (DdlVideoDecoder *decoder);
guint            _ddl_video_decoder_get_height (DdlVideoDecoder *decoder);
double           _ddl_video_decoder_get_fps (DdlVideoDecoder *decoder);
/* How many times the decoder seeked so far. */
guint            _ddl_video_decoder_get_n_seeks (DdlVideoDecoder *decoder);
/* Decodes frame `index` (0-based, presentation order). The frame belongs to the
 * decoder and stays valid until the next call. */
const AVFrame   *_ddl_video_decoder_read (DdlVideoDecoder *decoder,
                                          guint            index,
                                          GError         **error);

/* Seeks done by a source's video decoder (0 for image folders); the tests check
 * that sequential reads never seek. */
guint            _ddl_frame_source_get_n_seeks (DdlFrameSource *source);

G_END_DECLS
