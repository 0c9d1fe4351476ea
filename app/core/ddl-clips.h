/* ddl-clips.h: T-frame windows over a dataset split, and clip batches for the
 * model: frames decoded once at the model's size and kept as 8-bit (gray or RGB),
 * windows that never cross videos, centres never in the first or last (T-1)/2
 * frames of a video (as the reference dataloader). */
#pragma once

#include <glib.h>
#include "ddl-dataset.h"

G_BEGIN_DECLS

typedef struct {
  guint video;    /* index in the split */
  guint centre;   /* 0-based frame index of the window's middle frame */
} DdlWindow;

typedef struct _DdlClips DdlClips;

/* videos: a split's DdlVideoEntry array (or a single opened source, see below). */
DdlClips   *ddl_clips_new_split (DdlDataset *dataset, DdlSplit split, guint channels,
                                 guint temporal, guint width, guint height, GError **error);
/* A single video or image folder. */
DdlClips   *ddl_clips_new_path  (const char *path, guint channels, guint temporal,
                                 guint width, guint height, GError **error);
void        ddl_clips_free      (DdlClips *clips);

guint       ddl_clips_get_n_videos    (DdlClips *clips);
const char *ddl_clips_get_video_name  (DdlClips *clips, guint video);
guint       ddl_clips_get_n_frames    (DdlClips *clips, guint video);
/* All windows of all videos in order. */
GArray     *ddl_clips_get_windows     (DdlClips *clips);

/* Writes the window's clip (C, T, H, W) floats in [0, 1] into out. Thread safe. */
gboolean    ddl_clips_read_window     (DdlClips *clips, const DdlWindow *window, float *out,
                                       GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlClips, ddl_clips_free)

G_END_DECLS
