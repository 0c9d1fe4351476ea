/* ddl-report.h: what a scoring run exports — the scores as CSV and as JSON with a
 * protocol card, the metrics JSON, the timeline and ROC plots, and the report folder
 * that holds them (with the rendered video, see ddl-render.h). GTK-free.
 *
 * The protocol card says everything needed to reproduce a number: for every model its
 * configuration (architecture, mode, latent, channels, T, size, batch, epochs, lr,
 * lambda, static weight, L_dist form, patch, seed, parameter count), sigma(l), epochs
 * and steps trained and the training split's fingerprint; for the footage its path and
 * fingerprint; the post-processing (normalisation, filter, macro rule); the metrics.
 *
 * metrics.json (format "ddl-studio-report", version 1) — paths are relative to the
 * report folder when they lie inside it, else absolute; AUCs are fractions (0..1):
 *   { "format": "ddl-studio-report", "version": 1, "created": ISO 8601 UTC,
 *     "software": "DDL Studio VERSION", "title": ..., "device": ... or null,
 *     "footage": { "path", "fingerprint", "videos", "frames", "anomalous_frames" },
 *     "protocol": { "normalize": "none"|"per-video", "filter": "none"|"median:N"|
 *                   "gaussian:S", "macro": "skip"|"pad" },
 *     "models": [ { "name", "checkpoint", "scores" (its own CSV), "maps" (scorer maps
 *                   folder or null), "loss_log" (or null),
 *                   "config": { "arch", "mode", "latent", "channels", "temporal",
 *                               "width", "height", "batch", "epochs", "lr", "lambda",
 *                               "static_weight", "dist", "patch", "seed", "parameters" }
 *                             or null,
 *                   "anomaly_weight", "epochs_done", "steps", "train_fingerprint",
 *                   "train_seconds", "score_seconds" (null when unknown),
 *                   "metrics": { "micro_auc", "macro_auc", "eer", "eer_threshold",
 *                                "aupr", "frames", "anomalous_frames",
 *                                "videos": [ { "name", "auc" } ] } or null } ],
 *     "comparison": { "auc_differences": [ { "a", "b", "micro_auc", "macro_auc" } ],
 *                     "disagreements": [ { "a", "b", "video", "frame", "a_score",
 *                                          "b_score", "label" } ] },
 *     "files": { "scores_csv", "scores_json", "timeline": [..], "roc": [..],
 *                "videos": [..], "index": "index.html" } }
 * NaN metrics (one class only) are written as null.
 * Pairs: for models i < j, a = models[j] (the later) and b = models[i], so a baseline,
 * sdl, ddl report gives sdl - baseline, ddl - baseline, ddl - sdl. Disagreements are
 * found on curves post-processed with the protocol's filter and then always min-max
 * normalised per video (so the models' scales compare), at most one per 8 frames of a
 * video; a_score/b_score are those normalised values. Footage "frames" counts frames
 * any model scored (and that are labelled, with labels); "anomalous_frames" is null
 * without labels.
 *
 * The report folder (ddl_report_write_folder):
 *   metrics.json         the card above
 *   scores.csv           video,frame,<model>,<model>… (what DDL Studio opens)
 *   scores.json          the card plus every score: "scores": [ { "video", "frames":
 *                        [..], "labels": [..] or null, "<model>": [..] } ]
 *   scores-<model>.csv   one per model (video,frame,score)
 *   timeline.{png,svg,pdf}  every test video's curves end to end, ground truth shaded
 *   roc.{png,svg,pdf}    the ROC of every model with its AUC
 *   index.html           a static page: the card as tables, the plots, links, videos
 * Every file is written atomically (temporary name, then rename). */
#pragma once

#include <glib.h>
#include "ddl-compute.h"
#include "ddl-labels.h"
#include "ddl-metrics.h"
#include "ddl-scores.h"

G_BEGIN_DECLS

#define DDL_REPORT_FORMAT  "ddl-studio-report"
#define DDL_REPORT_VERSION 1

typedef struct {
  const char           *name;            /* its score column in `scores`; file stems */
  const char           *checkpoint;      /* NULL when the scores came from a file */
  const char           *maps_dir;        /* scorer maps (ddl-scorer.h) or NULL */
  const char           *loss_log;        /* the trainer's per-step CSV or NULL */
  const DdlModelConfig *config;          /* NULL when unknown */
  double                anomaly_weight;  /* sigma(l) / static weight / 0; NAN unknown */
  guint                 epochs_done;
  guint64               steps;
  const char           *train_fingerprint;  /* NULL unknown */
  double                train_seconds;      /* NAN unknown */
  double                score_seconds;      /* NAN unknown */
} DdlReportModel;

typedef struct {
  const char           *title;          /* NULL: made from the model names */
  const char           *footage;        /* what was scored: dataset folder, video, folder */
  const char           *footage_fingerprint;  /* NULL: the dataset's test split's, if any */
  DdlScores            *scores;         /* one column per model, named as the models */
  DdlLabels            *labels;         /* ground truth or NULL (no metrics, no shading) */
  const DdlReportModel *models;
  guint                 n_models;
  DdlEvalOptions        eval;           /* the protocol (its column is ignored) */
  const char           *device;         /* the device's name or NULL */
  guint                 n_disagreements;  /* listed per model pair; 0: 10 */
  const char * const   *videos;         /* rendered videos to list (paths), NULL-terminated, or NULL */
} DdlReport;

void      ddl_report_init         (DdlReport *report);

/* The metrics.json document (see above) as text; `dir` is the folder its paths are
 * made relative to (NULL: absolute). */
char     *ddl_report_to_json      (const DdlReport *report, const char *dir, GError **error);

/* Scores as CSV (every model a column) and as JSON with the protocol card; either path
 * may be NULL. */
gboolean  ddl_report_write_scores (const DdlReport *report, const char *csv_path,
                                   const char *json_path, GError **error);

/* The whole folder (created if needed). Existing files of the same names are replaced. */
gboolean  ddl_report_write_folder (const DdlReport *report, const char *dir, GError **error);

/* ---- where two models disagree ------------------------------------------------------- */

typedef struct {
  guint  video;        /* index in the caller's order */
  guint  frame;
  double a, b;         /* the two curves' values there */
  double difference;   /* a - b */
} DdlDisagreement;

typedef struct _DdlDisagreements DdlDisagreements;

/* Keeps the `max_results` frames with the largest |a - b|, at most one per `spacing`
 * consecutive frames of a video (so one event is not listed ten times). */
DdlDisagreements      *ddl_disagreements_new       (guint max_results, guint spacing);
/* Curves of one video (n_frames each, NAN = no score; such frames are skipped), already
 * post-processed and on comparable scales (e.g. per-video min-max). */
void                   ddl_disagreements_add_video (DdlDisagreements *d, guint video,
                                                    const double *a, const double *b,
                                                    guint n_frames);
/* Sorted by |difference|, largest first. */
const DdlDisagreement *ddl_disagreements_get       (DdlDisagreements *d, guint *n);
void                   ddl_disagreements_free      (DdlDisagreements *d);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlDisagreements, ddl_disagreements_free)

G_END_DECLS
