/* ddl-labels.h: frame-level ground truth, one 0/1 vector per test video.
 *
 * Readers (chosen by extension, or by the contents of a folder):
 *  - UCSD `.m` text: `TestVideoFile{end+1}.gt_frame = [61:180];`, one line per video,
 *    ranges 1-based and inclusive, several allowed (`[1:10, 20:30]`); single frames too.
 *  - MATLAB level-5 `.mat`, zlib-compressed elements included:
 *      FFP interval form: `gt`, a cell of 2xK [start; end] matrices (1-based, inclusive);
 *      per-video vector form: one numeric 1xN / Nx1 0/1 variable per video ('01'..'21');
 *      Avenue pixel masks: `volLabel`, a cell of HxW masks (a frame is anomalous if any
 *      pixel is set); a folder of `N_label.mat` files is one video per file, by N.
 *  - numpy `.npy`: a 1-D or (1, N) array; an MNAD file concatenates every test video in
 *    sorted order, a ShanghaiTech `test_frame_mask/` folder has one file per video.
 *  - FFP "toydata" JSON: {video: {"length": L, "gt": [[s, e], ...]}}, s and e 0-based
 *    and inclusive as FFP's evaluate.py reads them.
 *  - CSV with header `video,frame,label`, frame 0-based, every frame of a video listed.
 *
 * Interval forms (.m, `gt` cells) carry no video lengths and concatenated .npy files no
 * boundaries: they need the test videos' frame counts (`lengths`, normally from the
 * dataset). Without them an interval file is an error (DDL_LABELS_ERROR_NEEDS_LENGTHS)
 * and a concatenated .npy is one pseudo-video named "all". Sources that number their
 * videos take the names from `lengths`, or "01", "02", ... without.
 *
 * Label values must be 0 or 1 (masks excepted); anything else is a format error that
 * names the file and the position. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DDL_LABELS_ERROR (ddl_labels_error_quark ())

typedef enum {
  DDL_LABELS_ERROR_OPEN,           /* missing or unreadable file or folder */
  DDL_LABELS_ERROR_FORMAT,         /* malformed contents, unknown format, wrong variable */
  DDL_LABELS_ERROR_NEEDS_LENGTHS,  /* interval labels without the videos' frame counts */
  DDL_LABELS_ERROR_MISMATCH,       /* labels that do not fit the videos */
  DDL_LABELS_ERROR_NOT_FOUND,      /* a folder with no label file in it */
} DdlLabelsError;

typedef enum {
  DDL_LABELS_FORMAT_NONE,
  DDL_LABELS_FORMAT_UCSD_M,
  DDL_LABELS_FORMAT_MAT_INTERVALS,
  DDL_LABELS_FORMAT_MAT_VECTORS,
  DDL_LABELS_FORMAT_MAT_MASKS,
  DDL_LABELS_FORMAT_NPY,
  DDL_LABELS_FORMAT_NPY_FOLDER,
  DDL_LABELS_FORMAT_JSON,
  DDL_LABELS_FORMAT_CSV,
} DdlLabelsFormat;

/* The name the single pseudo-video of an unsplit concatenated file gets. */
#define DDL_LABELS_ALL "all"

typedef struct {
  char   *name;
  guint8 *labels;        /* n_frames values, 1 = anomalous */
  guint   n_frames;
  guint   n_anomalous;
} DdlLabelVideo;

typedef struct {
  char            *path;      /* the file or folder read; NULL when built in memory */
  DdlLabelsFormat  format;
  GPtrArray       *videos;    /* DdlLabelVideo, in source order */
} DdlLabels;

/* A test video's name and frame count, in the dataset's (sorted) order. */
typedef struct {
  const char *name;
  guint       n_frames;
} DdlVideoLength;

GQuark         ddl_labels_error_quark     (void);
const char    *ddl_labels_format_to_string (DdlLabelsFormat format);

/* Reads `path` (a label file or a label folder). `lengths` may be NULL. */
DdlLabels     *ddl_labels_load            (const char           *path,
                                           const DdlVideoLength *lengths,
                                           guint                 n_lengths,
                                           GError              **error);
DdlLabels     *ddl_labels_new             (void);
void           ddl_labels_free            (DdlLabels *labels);
/* Appends a copy of `values` (any non-zero is anomalous). */
DdlLabelVideo *ddl_labels_add_video       (DdlLabels    *labels,
                                           const char   *name,
                                           const guint8 *values,
                                           guint         n_frames);
/* By name; names made only of digits match by value ("1" = "01" = "001"). */
DdlLabelVideo *ddl_labels_lookup          (DdlLabels *labels, const char *name);
gboolean       ddl_labels_names_match     (const char *a, const char *b);
gsize          ddl_labels_get_n_frames    (DdlLabels *labels);
gsize          ddl_labels_get_n_anomalous (DdlLabels *labels);
/* TRUE for the single "all" pseudo-video of an unsplit concatenated file. */
gboolean       ddl_labels_is_unsplit      (DdlLabels *labels);

/* Checks labels against the test videos. On a mismatch returns FALSE with
 * DDL_LABELS_ERROR_MISMATCH naming every video whose label count differs from its
 * frame count, every video without labels and every labelled video not in the list. */
gboolean       ddl_labels_check           (DdlLabels            *labels,
                                           const DdlVideoLength *lengths,
                                           guint                 n_lengths,
                                           GError              **error);

/* Writes `video,frame,label` CSV (frame 0-based). */
gboolean       ddl_labels_save_csv        (DdlLabels *labels, const char *path, GError **error);

/* In a folder that is not itself a label folder, the label file or folder to read:
 * UCSD .m, Avenue testing_label_mask/, ShanghaiTech test_frame_mask/, .mat,
 * frame_labels*.npy, .json, labels.csv, searched in that order, two levels deep.
 * NULL (and an error) when there is none. */
char          *ddl_labels_find_in_folder  (const char *folder, GError **error);
/* TRUE when `folder` holds per-video label files (N_label.mat or *.npy). */
gboolean       ddl_labels_is_label_folder (const char *folder);

/* Labels resolved from what a user names (ddl-labels-dataset.c): `source` is a label
 * file, a label folder or a dataset folder (its labels are found by the dataset
 * reader); `dataset` (may be NULL) is a dataset whose test videos give the frame
 * counts. Without `dataset`, a dataset folder given as `source` is used, and when the
 * labels need frame counts (interval files, concatenated .npy) the folders up to
 * three levels above the label file are tried as datasets (ped2/UCSDped2.m finds
 * ped2/). */
typedef struct {
  DdlLabels      *labels;
  char           *label_path;    /* the file or folder actually read */
  char           *dataset_root;  /* the dataset whose lengths were used, or NULL */
  DdlVideoLength *lengths;       /* its test videos, in order (names owned here) */
  guint           n_lengths;
} DdlLabelsSource;

DdlLabelsSource *ddl_labels_source_open (const char *source,
                                         const char *dataset,
                                         GError    **error);
void             ddl_labels_source_free (DdlLabelsSource *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlLabels, ddl_labels_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlLabelsSource, ddl_labels_source_free)

G_END_DECLS
