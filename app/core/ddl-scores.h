/* ddl-scores.h: per-frame anomaly scores of test videos, in memory and as CSV.
 *
 * CSV: a header `video,frame,score` (more score columns may follow, one per model:
 * `video,frame,ddl,unet`), then one row per scored frame; frame is 0-based within its
 * video. Rows of a video may come in any order and frames may be missing (models that
 * score the centre of a T-frame window leave the first and last frames out). An empty
 * field or "nan" is a missing score. Higher score = more anomalous. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define DDL_SCORES_ERROR (ddl_scores_error_quark ())

typedef enum {
  DDL_SCORES_ERROR_OPEN,     /* cannot read or write the file */
  DDL_SCORES_ERROR_FORMAT,   /* malformed header or row, duplicate frame */
} DdlScoresError;

typedef struct {
  char   *name;
  guint   n;          /* scored frames */
  guint  *frames;     /* n 0-based frame indices, strictly increasing */
  double *values;     /* n_columns * n: column c's scores at values + c * n (NAN = none) */
} DdlScoreVideo;

typedef struct {
  GPtrArray *columns;  /* char *, the score column names */
  GPtrArray *videos;   /* DdlScoreVideo, in order of first appearance */
} DdlScores;

GQuark         ddl_scores_error_quark (void);

/* `columns` NULL-terminated; NULL gives the single column "score". */
DdlScores     *ddl_scores_new         (const char * const *columns);
void           ddl_scores_free        (DdlScores *scores);
/* Adds a video with n scored frames: `frames` (any order, no duplicates; NULL means
 * 0..n-1) and `values` laid out as in DdlScoreVideo (copied; sorted by frame). */
DdlScoreVideo *ddl_scores_add_video   (DdlScores    *scores,
                                       const char   *name,
                                       guint         n,
                                       const guint  *frames,
                                       const double *values);
DdlScoreVideo *ddl_scores_lookup      (DdlScores *scores, const char *name);
/* Index of a score column by name, or -1. */
int            ddl_scores_find_column (DdlScores *scores, const char *name);
guint          ddl_scores_get_n_columns (DdlScores *scores);
gsize          ddl_scores_get_n_frames (DdlScores *scores);
/* Column c of a video: n values. */
const double  *ddl_score_video_get_column (const DdlScoreVideo *video, guint column);

DdlScores     *ddl_scores_load_csv    (const char *path, GError **error);
/* Parses CSV text; `name` is used in error messages. */
DdlScores     *ddl_scores_parse_csv   (const char *text, const char *name, GError **error);
gboolean       ddl_scores_save_csv    (DdlScores *scores, const char *path, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlScores, ddl_scores_free)

G_END_DECLS
