/* ddl-session-private.h: the session's fields, shared by its source files. */
#pragma once

#include "ddl-session.h"
#include "ddl-dataset.h"
#include "ddl-labels.h"
#include "ddl-scores.h"

G_BEGIN_DECLS

typedef struct {
  char      *name;       /* column name, or the file stem for a single "score" column */
  DdlScores *scores;     /* owned by DdlSession.score_files */
  guint      column;
  double   **curves;     /* per video, lazily; NULL until asked for */
  char      *maps_dir;   /* the scorer's error maps and reconstructions, or NULL */
} DdlSessionModel;

struct _DdlSession {
  GObject          parent_instance;

  char            *path;
  char            *title;
  char            *root;
  char            *sidecar;
  char            *maps_dir;
  DdlDataset      *dataset;
  GPtrArray       *videos;        /* DdlSessionVideo */
  DdlAnnotations  *annotations;
  DdlBoxes        *boxes;
  gboolean         has_truth;
  GPtrArray       *score_files;   /* DdlScores */
  GPtrArray       *models;        /* DdlSessionModel */
  guint8         **labels;        /* per video effective labels, lazily */

  guint            video;
  guint            frame;
  double           threshold;
  DdlEvalOptions   options;
  guint            min_length;
  guint            merge_gap;
  GArray          *events;        /* current video; NULL = to compute */
  guint            autosave_id;
  gboolean         has_selection;
  guint            selection_start, selection_end;
};

/* What the loading worker produced, applied on the main thread. */
typedef struct {
  char       *path;
  char       *title;
  char       *root;
  DdlDataset *dataset;
  GPtrArray  *videos;
  DdlLabels  *labels;
  DdlBoxes   *boxes;
  GPtrArray  *score_paths;   /* char *: scores found beside the data or in the cache */
  GString    *warnings;
} DdlSessionLoad;

typedef enum {
  DDL_SESSION_FOOTAGE_CHANGED,
  DDL_SESSION_CURVES_CHANGED,
  DDL_SESSION_EVENTS_CHANGED,
  DDL_SESSION_LABELS_CHANGED,
  DDL_SESSION_ERROR,
  DDL_SESSION_MAPS_CHANGED,
  DDL_SESSION_N_SIGNALS
} DdlSessionSignal;

/* ddl-session.c */
void     _ddl_session_emit          (DdlSession *self, DdlSessionSignal signal);
void     _ddl_session_drop_curves   (DdlSession *self);
void     _ddl_session_drop_labels   (DdlSession *self);
void     _ddl_session_clear_models  (DdlSession *self);
/* ddl-session-review.c */
gboolean _ddl_session_autosave      (gpointer session);
void     _ddl_session_choose_threshold (DdlSession *self);
/* ddl-session-load.c */
void     _ddl_session_load_free     (DdlSessionLoad *load);
void     _ddl_session_apply_load    (DdlSession *self, DdlSessionLoad *load);
void     _ddl_session_video_free    (gpointer video);
/* The scoring cache folder of a footage: $XDG_CACHE_HOME/ddl-studio/scores/<key>. */
char    *_ddl_session_cache_dir_for (const char *root, const char *fingerprint);

G_END_DECLS
