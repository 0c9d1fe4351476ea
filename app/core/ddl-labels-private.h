/* ddl-labels-private.h: the per-format readers behind ddl_labels_load ().
 *
 * Every reader gets the path (for messages: `display`, already made printable) and the
 * optional video lengths, and returns new DdlLabels or NULL with a DDL_LABELS_ERROR
 * that names the file. */
#pragma once

#include "ddl-labels.h"

G_BEGIN_DECLS

/* Longest video a label file may describe (about a week at 25 fps); guards against
 * absurd sizes in corrupt files. */
#define DDL_LABELS_MAX_FRAMES (1u << 24)

/* ddl-labels-text.c */
DdlLabels *_ddl_labels_read_ucsd_m  (const char *path, const char *display,
                                     const DdlVideoLength *lengths, guint n_lengths,
                                     GError **error);
DdlLabels *_ddl_labels_read_json    (const char *path, const char *display, GError **error);
DdlLabels *_ddl_labels_read_csv     (const char *path, const char *display, GError **error);

/* ddl-labels-binary.c */
DdlLabels *_ddl_labels_read_mat     (const char *path, const char *display,
                                     const DdlVideoLength *lengths, guint n_lengths,
                                     GError **error);
DdlLabels *_ddl_labels_read_mask_folder (const char *folder, const char *display,
                                         GError **error);
DdlLabels *_ddl_labels_read_npy     (const char *path, const char *display,
                                     const DdlVideoLength *lengths, guint n_lengths,
                                     GError **error);
DdlLabels *_ddl_labels_read_npy_folder (const char *folder, const char *display,
                                        GError **error);

/* ddl-labels.c */
/* Converts n values to 0/1 labels; FALSE with a FORMAT error naming the file, `what`
 * (variable, video) and the index of the first value that is not 0 or 1. */
gboolean   _ddl_labels_from_values   (guint8 *out, const double *values, gsize n,
                                      const char *display, const char *what,
                                      GError **error);
/* Sets the frames start..end (inclusive, counted from `base`, 0 or 1) of a video of n
 * frames; FALSE with a MISMATCH error naming file and video when the interval is
 * reversed or leaves the video. */
gboolean   _ddl_labels_mark_interval (guint8 *labels, guint n, gint64 start, gint64 end,
                                      guint base, const char *display, const char *video,
                                      GError **error);
/* Name of the index-th video (0-based) of a source that only numbers its videos. */
char      *_ddl_labels_ordinal_name  (const DdlVideoLength *lengths, guint n_lengths,
                                      guint index);
/* FALSE with a MISMATCH error when a source with `n_videos` numbered videos does not
 * have as many as `lengths`. */
gboolean   _ddl_labels_check_count   (const char *display, guint n_videos,
                                      const DdlVideoLength *lengths, guint n_lengths,
                                      GError **error);
/* "2" < "10" < "10a"; used to sort per-video files. */
int        _ddl_labels_natural_compare (const char *a, const char *b);
/* Sorted (naturally) regular files of `folder` whose names end in `suffix`. */
GPtrArray *_ddl_labels_list_files    (const char *folder, const char *suffix, GError **error);

G_END_DECLS
