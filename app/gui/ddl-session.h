/* ddl-session.h: the review session, the model every widget of the window binds to.
 *
 * Holds the open footage (a dataset's test videos, a folder of videos or one video),
 * its ground truth, the score curves of one or more models, the annotator's marks,
 * and the review state: current video and frame, threshold, event grouping and the
 * evaluation protocol. Opening runs on a worker; everything else is cheap enough for
 * the main thread (curves are computed lazily and cached per model and video).
 * Failures that happen in the background are reported through the "error" signal. */
#pragma once

#include <gio/gio.h>
#include "ddl-annotations.h"
#include "ddl-boxes.h"
#include "ddl-events.h"
#include "ddl-metrics.h"
#include "ddl-score-curve.h"

G_BEGIN_DECLS

#define DDL_TYPE_SESSION (ddl_session_get_type ())
G_DECLARE_FINAL_TYPE (DdlSession, ddl_session, DDL, SESSION, GObject)

typedef struct {
  char   *name;
  char   *path;
  guint   n_frames;
  guint   width, height;
  double  fps;
} DdlSessionVideo;

DdlSession     *ddl_session_new               (void);

/* Opens footage on a worker; the previous footage stays until it succeeds. */
void            ddl_session_open_async        (DdlSession          *self,
                                               const char          *path,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean        ddl_session_open_finish       (DdlSession          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
gboolean        ddl_session_is_loaded         (DdlSession *self);
const char     *ddl_session_get_path          (DdlSession *self);
const char     *ddl_session_get_title         (DdlSession *self);
/* Root of the dataset, where sidecars and scores are looked for. */
const char     *ddl_session_get_root          (DdlSession *self);
char           *ddl_session_get_fingerprint   (DdlSession *self);

guint           ddl_session_get_n_videos      (DdlSession *self);
const DdlSessionVideo *ddl_session_get_video_info (DdlSession *self, guint video);
guint           ddl_session_get_video         (DdlSession *self);
void            ddl_session_set_video         (DdlSession *self, guint video);
guint           ddl_session_get_frame         (DdlSession *self);
/* Clamped to the current video. */
void            ddl_session_set_frame         (DdlSession *self, guint frame);
guint           ddl_session_get_n_frames      (DdlSession *self);
/* Moves by `delta` frames, across the current video only. */
void            ddl_session_step              (DdlSession *self, int delta);

/* ---- models and curves ---------------------------------------------------------- */
/* Loads a scores CSV; every score column becomes one model. */
gboolean        ddl_session_add_scores_file   (DdlSession *self,
                                               const char *path,
                                               GError    **error);
guint           ddl_session_get_n_models      (DdlSession *self);
const char     *ddl_session_get_model_name    (DdlSession *self, guint model);
/* Post-processed per-frame curve, (n_frames of the video), NAN = no score. */
const double   *ddl_session_get_curve         (DdlSession *self, guint model, guint video);
/* Range of the primary model's curves over all videos (for threshold sliders). */
gboolean        ddl_session_get_score_range   (DdlSession *self, double *min, double *max);
double          ddl_session_get_threshold     (DdlSession *self);
void            ddl_session_set_threshold     (DdlSession *self, double threshold);
const DdlEvalOptions *ddl_session_get_eval_options (DdlSession *self);
void            ddl_session_set_eval_options  (DdlSession *self, const DdlEvalOptions *options);
/* Metrics of a model against the effective labels; NULL and an error when there is
 * no ground truth or the scores do not fit it. */
DdlEvalResult  *ddl_session_evaluate          (DdlSession *self, guint model, GError **error);
/* Confusion counts of the primary model over every video at the threshold. */
void            ddl_session_get_confusion     (DdlSession *self, DdlConfusion *out);

/* ---- events ---------------------------------------------------------------------- */
/* Events of the current video from the primary model (model 0). */
GArray         *ddl_session_get_events        (DdlSession *self);
void            ddl_session_set_event_rules   (DdlSession *self, guint min_length, guint merge_gap);
/* Jumps to the next / previous event; FALSE when there is none (the frame stays). */
gboolean        ddl_session_next_event        (DdlSession *self);
gboolean        ddl_session_previous_event    (DdlSession *self);

/* ---- truth and annotation -------------------------------------------------------- */
DdlAnnotations *ddl_session_get_annotations   (DdlSession *self);
gboolean        ddl_session_has_truth         (DdlSession *self);
/* Effective labels (n_frames) of a video, NULL without truth nor marks. */
const guint8   *ddl_session_get_labels        (DdlSession *self, guint video);
/* A frame range of the current video chosen for marking (in and out points, or a
 * Shift+drag on the timeline); cleared when the video changes or it is marked. */
void            ddl_session_set_selection     (DdlSession *self, guint start, guint end);
void            ddl_session_clear_selection   (DdlSession *self);
gboolean        ddl_session_get_selection     (DdlSession *self, guint *start, guint *end);
/* Marks the selection if there is one, else the event under the playhead, else the
 * current frame alone, as anomalous / normal. */
void            ddl_session_mark_current      (DdlSession *self, DdlMark mark);
void            ddl_session_mark_range        (DdlSession *self, guint start, guint end, DdlMark mark);
void            ddl_session_undo              (DdlSession *self);
void            ddl_session_redo              (DdlSession *self);
/* Where the marks are autosaved: beside the data when writable, else the user's data
 * folder. */
const char     *ddl_session_get_sidecar_path  (DdlSession *self);
/* Writes pending marks now instead of on the autosave timeout (closing windows). */
gboolean        ddl_session_save_marks        (DdlSession *self, GError **error);
DdlBoxes       *ddl_session_get_boxes         (DdlSession *self);

/* Error maps and reconstructions kept by the scorer (see ddl-scorer.h): the folder
 * the review overlays show (the last model scored in the window, or the first found). */
void            ddl_session_set_maps_dir      (DdlSession *self, const char *maps_dir);
const char     *ddl_session_get_maps_dir      (DdlSession *self);
/* Each model's own maps folder (MAPS/<video>.maps.npy, <video>.recs.npy; row i = the
 * model's i-th scored frame), NULL when it has none; changes emit "maps-changed". */
void            ddl_session_set_model_maps_dir (DdlSession *self, guint model,
                                                const char *maps_dir);
const char     *ddl_session_get_model_maps_dir (DdlSession *self, guint model);

void            _ddl_session_report_error     (DdlSession *self, const char *message);

G_END_DECLS
