/* ddl-dataset.h: dataset layouts detected from a folder (or a single video).
 *
 * Layouts: MNAD/FFP (<root>/training/frames/<video>/, testing/frames/<video>/),
 * original UCSD (UCSDped2/Train/Train001/, Test/Test001/, UCSDped2.m), the DDL
 * reference (<root>/Train/<video>/, Test/<video>/, tracked_bounding_boxes.json),
 * Avenue (training_videos/<video>.avi, testing_videos/<video>.avi), ShanghaiTech
 * (training/videos/<video>.avi, testing/frames/<id>/, testing/test_frame_mask/<video>.npy),
 * a folder of videos (video files and/or folders of images), a single video (a
 * video file or one folder of images). Videos are sorted naturally. Opening a
 * dataset opens every video once for its exact frame count (see ddl-dataset.c for
 * the detection order and where label files are looked for). */
#pragma once

#include <glib.h>
#include "ddl-frame-source.h"

G_BEGIN_DECLS

#define DDL_DATASET_ERROR (ddl_dataset_error_quark ())

typedef enum {
  DDL_DATASET_ERROR_NOT_FOUND,   /* path missing or no layout recognised */
  DDL_DATASET_ERROR_EMPTY,       /* a split with no videos */
  DDL_DATASET_ERROR_INVALID,
} DdlDatasetError;

typedef enum {
  DDL_LAYOUT_MNAD,
  DDL_LAYOUT_UCSD,
  DDL_LAYOUT_DDL,
  DDL_LAYOUT_AVENUE,
  DDL_LAYOUT_SHANGHAITECH,
  DDL_LAYOUT_VIDEO_FOLDER,
  DDL_LAYOUT_SINGLE_VIDEO,
} DdlLayout;

typedef enum {
  DDL_SPLIT_TRAIN,
  DDL_SPLIT_TEST,
} DdlSplit;

typedef struct {
  char  *name;       /* "01", "Test001", "01_0014", file stem for videos */
  char  *path;       /* the video file or the frame folder */
  guint  n_frames;   /* filled on open (cheap for image folders; videos are probed) */
  guint  width, height;
  double fps;
} DdlVideoEntry;

typedef struct _DdlDataset DdlDataset;

GQuark          ddl_dataset_error_quark   (void);
const char     *ddl_layout_to_string      (DdlLayout layout);

DdlDataset     *ddl_dataset_open          (const char *path, GError **error);
void            ddl_dataset_free          (DdlDataset *dataset);
const char     *ddl_dataset_get_root      (DdlDataset *dataset);
const char     *ddl_dataset_get_name      (DdlDataset *dataset);   /* "ped2" */
DdlLayout       ddl_dataset_get_layout    (DdlDataset *dataset);
/* Videos of a split, in natural order. A folder of videos or a single video has
 * only a test split. Element type DdlVideoEntry, owned by the dataset; a missing
 * split is an empty array, never NULL. */
GPtrArray      *ddl_dataset_get_videos    (DdlDataset *dataset, DdlSplit split);
/* The split's directory (the key prefix of tracked_bounding_boxes.json), or NULL. */
const char     *ddl_dataset_get_split_dir (DdlDataset *dataset, DdlSplit split);
/* Label files/folders found for the test split (absolute paths), possibly empty. */
GPtrArray      *ddl_dataset_get_label_paths (DdlDataset *dataset);
/* tracked_bounding_boxes.json of the training split, or NULL. */
const char     *ddl_dataset_get_boxes_path (DdlDataset *dataset);
/* Open video i of a split as a frame source. */
DdlFrameSource *ddl_dataset_open_video    (DdlDataset *dataset, DdlSplit split, guint index,
                                           GError **error);
/* A short stable fingerprint of the split's video names and frame counts. */
char           *ddl_dataset_fingerprint   (DdlDataset *dataset, DdlSplit split);

/* Natural order comparison ("2" < "10"), used for videos and frame files. */
int             ddl_natural_compare       (const char *a, const char *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlDataset, ddl_dataset_free)

G_END_DECLS
