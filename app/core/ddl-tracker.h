/* ddl-tracker.h: moving-object boxes and tracks for footage without a detector.
 *
 * A fixed camera is assumed (as in Ped2, Avenue, ShanghaiTech). Per video: a temporal
 * median background from frames sampled evenly over the video; per frame, foreground =
 * |frame - background| above an adaptive threshold (the frame's median difference plus
 * k robust standard deviations, 1.4826 * MAD, with a floor), optionally grown by
 * hysteresis into weaker neighbours; optionally an opening (drops speckle), then a
 * vertical closing (joins head, body and legs without joining people side by side);
 * 8-connected components; a size filter relative to the frame; and greedy IoU tracking
 * across frames (a track predicts its next box from its last motion, survives a few
 * missed frames, whose boxes are then interpolated, and is kept only if it lived for a
 * few frames). Everything runs
 * on gray frames at reduced resolution (about 180 pixels wide), which is plenty for
 * people-sized objects and keeps Ped2's 2,550 training frames to a few seconds.
 *
 * The result is written in the tracked_bounding_boxes.json schema (ddl-boxes.h) with
 * track ids "1", "2", … per video. */
#pragma once

#include <gio/gio.h>
#include "ddl-boxes.h"
#include "ddl-dataset.h"
#include "ddl-frame-source.h"

G_BEGIN_DECLS

/* Called after each frame of each video. */
typedef void (*DdlTrackerProgress) (guint       video,
                                    guint       n_videos,
                                    const char *video_name,
                                    guint       frame,
                                    guint       n_frames,
                                    gpointer    user_data);

typedef struct {
  guint   work_width;          /* working width in pixels (0: about 180, never upscaled) */
  guint   background_samples;  /* frames sampled for the median (50) */
  double  threshold_k;         /* robust standard deviations above the median (5) */
  double  threshold_min;       /* floor of the threshold, in [0, 1] gray (0.10: on Ped2 it
                                * keeps people whole while shadows stay out) */
  double  grow_ratio;          /* hysteresis: pixels above ratio * threshold join a component
                                * that has pixels above the threshold (1: off) */
  guint   open_radius;         /* opening, square of side 2r+1 at working size (0: off;
                                * the size filter removes speckle, and legs survive) */
  guint   close_radius_x;      /* closing by a (2rx+1) x (2ry+1) rectangle, taller than */
  guint   close_radius_y;      /* wide, to join head, body and legs, not neighbours (0, 3) */
  double  min_area;            /* component area / frame area, at least (0.001) */
  double  max_area;            /* at most (0.25): larger ones are lighting changes */
  double  iou_threshold;       /* greedy matching (0.3) */
  guint   max_missed;          /* frames a track may go undetected (3) */
  guint   min_track_length;    /* frames a kept track was detected in (3) */
  DdlTrackerProgress progress;
  gpointer           user_data;
} DdlTrackerOptions;

void      ddl_tracker_options_init (DdlTrackerOptions *options);

/* Working size for a frame size (never larger than the frame). */
void      ddl_tracker_work_size    (const DdlTrackerOptions *options,
                                    guint                    width,
                                    guint                    height,
                                    guint                   *work_width,
                                    guint                   *work_height);

/* The streaming core, on gray float frames in [0, 1] at the working size, for callers
 * that have frames in memory (and for tests). */
typedef struct _DdlTracker DdlTracker;

/* background: (height, width), copied. */
DdlTracker *ddl_tracker_new        (const DdlTrackerOptions *options,
                                    guint                    width,
                                    guint                    height,
                                    const float             *background);
void        ddl_tracker_free       (DdlTracker *tracker);
/* Detects and tracks in the next frame (height, width); returns the number of
 * detections (components that passed the size filter). */
guint       ddl_tracker_push       (DdlTracker *tracker, const float *frame);
/* Foreground mask of the last pushed frame after morphology (height * width bytes,
 * 0 or 1), for inspection. */
const guint8 *ddl_tracker_get_mask (DdlTracker *tracker);
/* Ends all tracks and adds the kept ones to `boxes` (frame i = i-th pushed frame). */
void        ddl_tracker_finish     (DdlTracker *tracker, DdlBoxes *boxes, guint video);

/* Per-pixel median of n frames of `plane` floats each. */
void        ddl_tracker_median_background (float              *out,
                                           const float *const *frames,
                                           guint               n,
                                           gsize               plane);

/* One video from a frame source, into `video` of `boxes` (added by the caller, with
 * its frame files set or not). */
gboolean    ddl_tracker_track_source  (const DdlTrackerOptions *options,
                                       DdlFrameSource          *source,
                                       DdlBoxes                *boxes,
                                       guint                    video,
                                       guint                    video_number,
                                       guint                    n_videos,
                                       GCancellable            *cancellable,
                                       GError                 **error);

/* Every video of a dataset split. Keys are built as the reference loader does:
 * <key_prefix>/<video>/<file>, with key_prefix = the split directory when NULL; video
 * files are keyed "<video path>#<index>". */
DdlBoxes   *ddl_tracker_track_dataset (const DdlTrackerOptions *options,
                                       DdlDataset              *dataset,
                                       DdlSplit                 split,
                                       const char              *key_prefix,
                                       GCancellable            *cancellable,
                                       GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlTracker, ddl_tracker_free)

G_END_DECLS
