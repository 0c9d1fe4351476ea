/* ddl-frame-loader.h: decodes frames of one video on a worker thread, with prefetch.
 *
 * The owner asks for a frame (the one to show) and the direction of playback; the
 * worker decodes that frame first, then the next frames in that direction, keeping a
 * small cache around the wanted frame. "frame-ready" is emitted on the main thread for
 * every decoded frame; ddl_frame_loader_lookup returns cached frames at once, so a
 * playing view never waits on the decoder while prefetch keeps ahead of it. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DDL_TYPE_FRAME_LOADER (ddl_frame_loader_get_type ())
G_DECLARE_FINAL_TYPE (DdlFrameLoader, ddl_frame_loader, DDL, FRAME_LOADER, GObject)

DdlFrameLoader *ddl_frame_loader_new      (void);
/* A video file or frame folder; NULL closes. Frames of the old video are dropped. */
void            ddl_frame_loader_set_path (DdlFrameLoader *self, const char *path);
/* The frame to show next and the playback direction (+1, -1, or 0 when paused). */
void            ddl_frame_loader_request  (DdlFrameLoader *self, guint frame, int direction);
/* A cached frame as packed RGB8 (width * 3 stride), or NULL. */
GBytes         *ddl_frame_loader_lookup   (DdlFrameLoader *self,
                                           guint           frame,
                                           guint          *width,
                                           guint          *height);
/* Frames decoded since the path was set (for tests and the status readout). */
guint           ddl_frame_loader_get_n_decoded (DdlFrameLoader *self);

G_END_DECLS
