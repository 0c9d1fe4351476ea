/* ddl-frame-source.h: frame-exact random access to footage.
 *
 * One API over video files (libavformat/libavcodec/libswscale: avi, mp4, mkv, mov,
 * webm, any codec the installed FFmpeg decodes) and folders of images (jpg, png,
 * tif, bmp, sorted naturally). Frames are addressed by 0-based index; the index of
 * frame timestamps is built on open. A source may be used from one worker thread
 * at a time (calls are serialised by an internal lock, so sharing is safe too).
 * The last 8 decoded frames are cached; sequential reads never seek.
 *
 * Damaged input: a video cut mid-file (avi, mkv, webm) opens with the frames stored
 * before the cut; an mp4/mov whose index is cut off fails with ..._ERROR_OPEN; a
 * frame that cannot be decoded gives ..._ERROR_DECODE naming the file and the
 * frame. In image folders the first image sets the size; another size is
 * ..._ERROR_SIZE when that frame is read. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DDL_FRAME_SOURCE_ERROR (ddl_frame_source_error_quark ())

typedef enum {
  DDL_FRAME_SOURCE_ERROR_OPEN,       /* missing, unreadable, not a video, empty folder */
  DDL_FRAME_SOURCE_ERROR_DECODE,     /* corrupt or truncated data */
  DDL_FRAME_SOURCE_ERROR_SIZE,       /* an image of another size inside a sequence */
  DDL_FRAME_SOURCE_ERROR_RANGE,      /* frame index out of range */
} DdlFrameSourceError;

typedef enum {
  DDL_PIXEL_GRAY,   /* 1 channel, luma */
  DDL_PIXEL_RGB,    /* 3 channels */
} DdlPixelFormat;

typedef struct _DdlFrameSource DdlFrameSource;

GQuark          ddl_frame_source_error_quark (void);

/* A video file or a folder of images. */
DdlFrameSource *ddl_frame_source_open        (const char *path, GError **error);
void            ddl_frame_source_free        (DdlFrameSource *source);
const char     *ddl_frame_source_get_path    (DdlFrameSource *source);
/* Video name: folder name or file stem ("01", "Test001", "01_0014"). */
const char     *ddl_frame_source_get_name    (DdlFrameSource *source);
guint           ddl_frame_source_get_n_frames (DdlFrameSource *source);
double          ddl_frame_source_get_fps     (DdlFrameSource *source);  /* image folders: 25 unless known */
guint           ddl_frame_source_get_width   (DdlFrameSource *source);
guint           ddl_frame_source_get_height  (DdlFrameSource *source);
gboolean        ddl_frame_source_is_video    (DdlFrameSource *source);
/* Path of frame i's file for image folders (NULL for videos); used as the key of
 * tracked_bounding_boxes.json. */
const char     *ddl_frame_source_get_frame_path (DdlFrameSource *source, guint index);

/* Frame `index` as planar float in [0, 1], shape (C, height, width), C = 1 for gray
 * (BT.601 luma 0.299 R + 0.587 G + 0.114 B of the 8-bit RGB) and 3 for RGB, resized
 * to width x height bilinearly with half-pixel centres and no antialiasing (as
 * torch's interpolate(mode="bilinear", align_corners=False), which torchvision's
 * Resize on tensors uses); 0 for either keeps the native size. `out` holds
 * C * height * width floats. */
gboolean        ddl_frame_source_read_float  (DdlFrameSource *source,
                                              guint           index,
                                              DdlPixelFormat  format,
                                              guint           width,
                                              guint           height,
                                              float          *out,
                                              GError        **error);
/* Frame `index` as packed 8-bit RGB at native size (for display and thumbnails):
 * width * height * 3 bytes, row stride width * 3. Returns a new GBytes. */
GBytes         *ddl_frame_source_read_rgb8   (DdlFrameSource *source,
                                              guint           index,
                                              GError        **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlFrameSource, ddl_frame_source_free)

G_END_DECLS
