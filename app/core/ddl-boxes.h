/* ddl-boxes.h: object tracks per frame, as in the DDL reference's
 * tracked_bounding_boxes.json.
 *
 * File schema (reference dataloader): a JSON object whose keys are frame file paths
 * built as os.path.join(split_dir, video, file); each value maps a track id (string)
 * to {"box": [x_min, y_min, x_max, y_max]} in fractions of the frame width and height.
 * A frame that is absent or maps to {} has no tracks. Other fields are ignored by the
 * reference; we add two optional ones for ground-truth boxes: "kind" (a string) and
 * "anomalous" (a boolean). Frames of video files (no per-frame file) are keyed as
 * "<video path>#<0-based index>", our own extension.
 *
 * In memory: videos (keyed by the key's directory; named by its last component), each
 * with a frame array of boxes. Reading assigns frame indices from the file names
 * (numeric stems are 0-based indices, as the MNAD/DDL frame files are); bind the boxes
 * to the real frame lists (ddl_boxes_bind_dataset) for exact indices whatever the
 * naming. Binding matches (video name, file name), so a JSON written elsewhere, with
 * another key prefix, still applies. */
#pragma once

#include <glib.h>
#include "ddl-dataset.h"

G_BEGIN_DECLS

#define DDL_BOXES_ERROR (ddl_boxes_error_quark ())

typedef enum {
  DDL_BOXES_ERROR_IO,        /* cannot read or write the file */
  DDL_BOXES_ERROR_PARSE,     /* not JSON */
  DDL_BOXES_ERROR_SCHEMA,    /* JSON, but not the tracked_bounding_boxes schema */
  DDL_BOXES_ERROR_RANGE,     /* a box outside [0, 1] or with max < min */
  DDL_BOXES_ERROR_MISMATCH,  /* keys that name no frame of the dataset */
} DdlBoxesError;

typedef struct {
  guint    track;      /* index into the track-id table, see ddl_boxes_get_track_id */
  guint    kind;       /* index into the kind table; 0 = no kind given */
  gboolean anomalous;  /* ground truth only; FALSE when not given */
  double   box[4];     /* x_min, y_min, x_max, y_max as fractions in [0, 1] */
} DdlBox;

typedef struct _DdlBoxes DdlBoxes;

GQuark      ddl_boxes_error_quark (void);

DdlBoxes   *ddl_boxes_new         (void);
void        ddl_boxes_free        (DdlBoxes *boxes);
DdlBoxes   *ddl_boxes_read        (const char *path, GError **error);
/* Every frame that has a file name is written, those without tracks as {}; boxes are
 * clipped to [0, 1]. Written to a temporary file and renamed. */
gboolean    ddl_boxes_write       (DdlBoxes *boxes, const char *path, GError **error);

/* Building. `key_dir` is the directory part of the keys (split_dir/video, or the video
 * file path for videos); `name` the video name. Returns the video's index (an existing
 * one if key_dir is already known; n_frames then grows if larger). */
guint       ddl_boxes_add_video   (DdlBoxes   *boxes,
                                   const char *name,
                                   const char *key_dir,
                                   guint       n_frames);
/* The file name (last key component) of a frame; NULL for video files, whose frames
 * are keyed "<key_dir>#<index>". Frames without a name are only written when they
 * belong to a video file. */
void        ddl_boxes_set_frame_file (DdlBoxes *boxes, guint video, guint frame, const char *file);
/* Adds a box (clipped to [0, 1]) of track `track_id` to a frame; the frame array grows
 * as needed. Returns the stored box so callers may set kind and anomalous. */
DdlBox     *ddl_boxes_add         (DdlBoxes     *boxes,
                                   guint         video,
                                   guint         frame,
                                   const char   *track_id,
                                   const double  box[4]);
/* Interned kind name → index (> 0). */
guint       ddl_boxes_intern_kind (DdlBoxes *boxes, const char *kind);

/* Looking up. */
guint       ddl_boxes_get_n_videos   (DdlBoxes *boxes);
const char *ddl_boxes_get_video_name (DdlBoxes *boxes, guint video);
const char *ddl_boxes_get_video_key_dir (DdlBoxes *boxes, guint video);
guint       ddl_boxes_get_n_frames   (DdlBoxes *boxes, guint video);
/* -1 if no video has that name. */
int         ddl_boxes_find_video     (DdlBoxes *boxes, const char *name);
const char *ddl_boxes_get_frame_file (DdlBoxes *boxes, guint video, guint frame);
/* The boxes of a frame (NULL and 0 when none or out of range). */
const DdlBox *ddl_boxes_get          (DdlBoxes *boxes, guint video, guint frame, guint *n_boxes);
const DdlBox *ddl_boxes_find_track   (DdlBoxes *boxes, guint video, guint frame, guint track);
const char *ddl_boxes_get_track_id   (DdlBoxes *boxes, guint track);
const char *ddl_boxes_get_kind       (DdlBoxes *boxes, guint kind);   /* NULL for 0 */
guint       ddl_boxes_get_n_boxes    (DdlBoxes *boxes);               /* over all frames */

/* Re-indexes the frames of one video by its real frame files: frame i is the one whose
 * file name equals the base name of frame_paths[i]. Errors name the first key whose
 * file is not among them. */
gboolean    ddl_boxes_bind_video     (DdlBoxes           *boxes,
                                      guint               video,
                                      const char * const *frame_paths,
                                      guint               n_frames,
                                      GError            **error);
/* Binds every video of a dataset split by name (image-folder videos by their frame
 * files; video files by "#index"). Videos in the file but not in the split are an
 * error; split videos without boxes are added empty. */
gboolean    ddl_boxes_bind_dataset   (DdlBoxes   *boxes,
                                      DdlDataset *dataset,
                                      DdlSplit    split,
                                      GError    **error);

/* Windows of T frames (T odd) centred at `centre`: the tracks present in all of them
 * (the reference's intersection of track-id sets). Appends track indices (guint) to
 * `out` in the order of the first frame; returns their number (0 when the window does
 * not fit in the video). */
guint       ddl_boxes_common_tracks  (DdlBoxes *boxes,
                                      guint     video,
                                      guint     centre,
                                      guint     T,
                                      GArray   *out);
/* The fraction of training windows (centres never in the first or last (T-1)/2 frames,
 * as the reference dataloader) with at least one common track; the counts are
 * returned through n_windows and n_covered (either may be NULL). 0 if no window. */
double      ddl_boxes_window_coverage (DdlBoxes *boxes,
                                       guint     T,
                                       guint    *n_windows,
                                       guint    *n_covered);

/* The reference's mask rule: box * [W, H, W, H] truncated to int (after clipping to
 * [0, 1]), pixels [x0, x1) x [y0, y1). */
void        ddl_box_to_pixels        (const double box[4],
                                      guint        width,
                                      guint        height,
                                      int          out[4]);
/* Fills mask (T, height, width) with 1 inside the track's box of each window frame and
 * 0 elsewhere (frames where the track is absent stay 0). Returns FALSE (mask all 0)
 * if the window does not fit in the video. */
gboolean    ddl_boxes_fill_mask      (DdlBoxes *boxes,
                                      guint     video,
                                      guint     centre,
                                      guint     T,
                                      guint     track,
                                      guint     width,
                                      guint     height,
                                      float    *mask);

/* Draws the outline of a box (fractions) into packed RGB8, `thickness` pixels inside
 * the box edge; used for previews. */
void        ddl_box_draw             (guint8       *rgb,
                                      guint         width,
                                      guint         height,
                                      guint         stride,
                                      const double  box[4],
                                      const guint8  colour[3],
                                      guint         thickness);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlBoxes, ddl_boxes_free)

G_END_DECLS
