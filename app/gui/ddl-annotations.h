/* ddl-annotations.h: an annotator's corrections to the ground truth (GTK-free).
 *
 * Every frame of every video carries a mark: none (the ground truth stands), anomalous
 * (accepted) or normal (rejected). The effective label of a frame is its mark, or the
 * ground truth when unmarked. Each call to ddl_annotations_mark is one undoable step.
 *
 * Sidecar file (autosaved, written atomically): text, one range per line after a
 * header, `video,start,end,mark` with 0-based inclusive frames and mark `anomalous`
 * or `normal`. Exports write the effective labels as CSV (video,frame,label), the UCSD
 * `.m` form (1-based inclusive ranges) or a concatenated MNAD-style `.npy` (uint8,
 * shape (1, N)); ddl-labels.h reads all three back. */
#pragma once

#include <glib.h>
#include "ddl-labels.h"

G_BEGIN_DECLS

#define DDL_ANNOTATIONS_ERROR (ddl_annotations_error_quark ())

typedef enum {
  DDL_ANNOTATIONS_ERROR_IO,
  DDL_ANNOTATIONS_ERROR_FORMAT,
} DdlAnnotationsError;

typedef enum {
  DDL_MARK_NONE = 0,
  DDL_MARK_ANOMALOUS = 1,
  DDL_MARK_NORMAL = 2,
} DdlMark;

typedef enum {
  DDL_EXPORT_CSV,
  DDL_EXPORT_UCSD_M,
  DDL_EXPORT_NPY,
} DdlExportFormat;

typedef struct _DdlAnnotations DdlAnnotations;

GQuark          ddl_annotations_error_quark (void);

DdlAnnotations *ddl_annotations_new        (void);
void            ddl_annotations_free       (DdlAnnotations *self);
/* truth: (n_frames) 0/1, or NULL when the video has no ground truth (all normal). */
guint           ddl_annotations_add_video  (DdlAnnotations *self,
                                            const char     *name,
                                            guint           n_frames,
                                            const guint8   *truth);
guint           ddl_annotations_get_n_videos (DdlAnnotations *self);
const char     *ddl_annotations_get_name   (DdlAnnotations *self, guint video);
guint           ddl_annotations_get_n_frames (DdlAnnotations *self, guint video);
gboolean        ddl_annotations_has_truth  (DdlAnnotations *self, guint video);
/* (n_frames) ground truth, NULL without. */
const guint8   *ddl_annotations_get_truth  (DdlAnnotations *self, guint video);
DdlMark         ddl_annotations_get_mark   (DdlAnnotations *self, guint video, guint frame);
/* Effective label: the mark if any, else the ground truth. */
gboolean        ddl_annotations_get_label  (DdlAnnotations *self, guint video, guint frame);
/* Frames with a mark, over all videos. */
gsize           ddl_annotations_count_marked (DdlAnnotations *self);

/* Marks frames start..end (inclusive, clipped to the video) as one undo step. */
void            ddl_annotations_mark       (DdlAnnotations *self,
                                            guint           video,
                                            guint           start,
                                            guint           end,
                                            DdlMark         mark);
gboolean        ddl_annotations_can_undo   (DdlAnnotations *self);
gboolean        ddl_annotations_can_redo   (DdlAnnotations *self);
/* Return the video the step touched, or -1 when there was nothing to do. */
int             ddl_annotations_undo       (DdlAnnotations *self);
int             ddl_annotations_redo       (DdlAnnotations *self);

gboolean        ddl_annotations_save       (DdlAnnotations *self,
                                            const char     *path,
                                            GError        **error);
/* Applies a sidecar (no undo history). A video the file names but which is not
 * here is an error, so marks never land on other footage. */
gboolean        ddl_annotations_load       (DdlAnnotations *self,
                                            const char     *path,
                                            GError        **error);

/* The effective labels of every video. */
DdlLabels      *ddl_annotations_to_labels  (DdlAnnotations *self);
gboolean        ddl_annotations_export     (DdlAnnotations  *self,
                                            const char      *path,
                                            DdlExportFormat  format,
                                            GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlAnnotations, ddl_annotations_free)

G_END_DECLS
