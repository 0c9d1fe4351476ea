/* ddl-synth.h: the synthetic walkway dataset (the embedded demo and test data).
 *
 * Scene model. One fixed camera looks down at a park walkway, the same for every video
 * of a dataset (as in UCSD Ped2): a paved band crosses the frame, slightly slanted,
 * with curbs on both edges; a side path joins it from the top; lawn fills the rest,
 * with bushes, trees and lamp posts. Everything is drawn procedurally from the seed
 * (value-noise textures, paving joints, mowing stripes, a mild vignette).
 *
 * Normal behaviour: pedestrians (head, torso, swinging arms and legs, a soft shadow;
 * size from a perspective rule, near = larger) walk at 1.1-1.6 m/s along the paths, at
 * 10 frames per second, keeping to their lane: the upper lane flows left to right, the
 * lower lane right to left, and the side path carries people both ways, turning into
 * or out of the lanes. Arrivals are a Poisson process whose rate varies per video, and
 * each video starts with the scene already populated.
 *
 * Anomalies (test videos only; 1-3 events per video): cyclists (4-6 m/s, wheels and a
 * rider), carts (a small utility vehicle, large and slow), runners (3-4.5 m/s, longer
 * strides, leaning), people walking on the lawn (along it or across the whole scene),
 * and people walking against the flow of their lane.
 *
 * Frames get a slow global illumination drift and sensor noise, and are written as
 * 3-channel JPEG with gray-ish content. A frame is labelled anomalous when an
 * anomalous object is visible in it: at least 30% of its box inside the frame. Boxes
 * are written for the same visible objects, so labels and boxes always agree.
 * Everything is deterministic for a seed (own PRNG; each video has its own stream, so
 * video k does not depend on how many videos are generated).
 *
 * Output (MNAD layout): DIR/training/frames/<NN>/<nnn>.jpg, DIR/testing/frames/…,
 * DIR/frame_labels_<name>.npy (int64, shape (1, N), test videos concatenated in order),
 * DIR/labels.csv (video,frame,label; frame 0-based), and tracked_bounding_boxes.json in
 * each split folder (DIR/training/frames, DIR/testing/frames: where the reference loader
 * looks for it), keyed by <DIR>/<split>/frames/<NN>/<nnn>.jpg with DIR made absolute;
 * the test file also carries "kind" and "anomalous". */
#pragma once

#include <glib.h>
#include "ddl-boxes.h"
#include "ddl-dataset.h"

G_BEGIN_DECLS

#define DDL_SYNTH_FPS 10.0

/* Called when a video's frames are on disk, from a writer thread (never two calls at
 * once); `done` counts the split's finished videos from 0, in completion order. */
typedef void (*DdlSynthProgress) (DdlSplit    split,
                                  guint       done,
                                  guint       n_videos,
                                  gpointer    user_data);

typedef struct {
  guint64 seed;
  guint   n_train_videos;  /* 8 */
  guint   n_test_videos;   /* 6 */
  guint   width, height;   /* 240 x 160 */
  guint   n_frames;        /* per video; 0: 120-180, drawn per video */
  DdlSynthProgress progress;
  gpointer         user_data;
} DdlSynthOptions;

typedef struct {
  guint       track;       /* 1, 2, … per video */
  const char *kind;        /* "pedestrian", "wrong-way", "lawn-walker", "runner", "cyclist", "cart" */
  gboolean    anomalous;
  double      box[4];      /* x_min, y_min, x_max, y_max, fractions, clipped to the frame */
} DdlSynthObject;

typedef struct _DdlSynth DdlSynth;
typedef struct _DdlSynthVideo DdlSynthVideo;

void           ddl_synth_options_init      (DdlSynthOptions *options);

/* The scene (background and geometry) for these options. */
DdlSynth      *ddl_synth_new               (const DdlSynthOptions *options);
void           ddl_synth_free              (DdlSynth *synth);

/* Video `index` (0-based) of a split: its whole motion is simulated here. */
DdlSynthVideo *ddl_synth_video_new         (DdlSynth *synth, DdlSplit split, guint index);
void           ddl_synth_video_free        (DdlSynthVideo *video);
guint          ddl_synth_video_get_n_frames (DdlSynthVideo *video);
/* Frame as packed RGB8, width * height * 3 bytes; any order of frames. One video is
 * drawn by one thread at a time (videos are independent of each other). */
void           ddl_synth_video_render      (DdlSynthVideo *video, guint frame, guint8 *rgb);
/* The objects visible in a frame (owned by the video, valid until it is freed). */
const DdlSynthObject *ddl_synth_video_get_objects (DdlSynthVideo *video,
                                                   guint          frame,
                                                   guint         *n_objects);
gboolean       ddl_synth_video_get_label   (DdlSynthVideo *video, guint frame);

/* Writes the whole dataset under `dir`, which must not exist or be empty. */
gboolean       ddl_synth_write_dataset     (const DdlSynthOptions *options,
                                            const char            *dir,
                                            GError               **error);
/* The dataset name used in frame_labels_<name>.npy: the folder's base name with
 * characters other than [A-Za-z0-9_-] replaced by '_'. */
char          *ddl_synth_dataset_name      (const char *dir);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlSynth, ddl_synth_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlSynthVideo, ddl_synth_video_free)

G_END_DECLS
