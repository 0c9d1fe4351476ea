/* ddl-report-private.h: what ddl-report.c works out once (metrics, footage facts,
 * comparison, timeline curves) and the card, HTML and scores writers read. */
#pragma once

#include <json-glib/json-glib.h>
#include "ddl-report.h"

G_BEGIN_DECLS

/* File names inside the report folder. */
#define DDL_REPORT_METRICS_FILE "metrics.json"
#define DDL_REPORT_SCORES_CSV   "scores.csv"
#define DDL_REPORT_SCORES_JSON  "scores.json"
#define DDL_REPORT_INDEX_FILE   "index.html"
#define DDL_REPORT_TIMELINE     "timeline"
#define DDL_REPORT_ROC          "roc"

/* Frames closer than this to a listed disagreement (same video) are not listed again:
 * about a third of a second at 25 fps, the length of a short event's peak. */
#define DDL_REPORT_DISAGREEMENT_SPACING 8
#define DDL_REPORT_DEFAULT_DISAGREEMENTS 10

extern const char * const ddl_report_plot_formats[3];   /* "png", "svg", "pdf" */

typedef struct {
  const DdlReportModel *info;
  guint                 column;       /* its column in report->scores */
  char                 *stem;         /* the name made safe for file names */
  char                 *scores_file;  /* "scores-<stem>.csv" */
  DdlEvalResult        *eval;         /* NULL without labels */
} DdlReportEntry;

/* One model pair: a is the later model in the report's order, b the earlier one (the
 * pipeline lists the baseline first and DDL last, so differences read "ddl - sdl"). */
typedef struct {
  guint             a, b;
  double            micro, macro;     /* AUC of a minus AUC of b; NAN when unknown */
  DdlDisagreements *list;
} DdlReportPair;

typedef struct {
  const DdlReport *report;
  char            *title;
  char            *created;           /* ISO 8601 UTC */
  char            *footage_fingerprint;
  guint            n_videos;          /* scored videos */
  gsize            n_frames;          /* frames any model scored (and labelled, with labels) */
  gssize           n_anomalous;       /* of those; -1 without labels */
  DdlReportEntry  *models;            /* report->n_models */
  DdlReportPair   *pairs;
  guint            n_pairs;
  /* Every scored video end to end (scores' order), post-processed with the report's
   * filter and min-max normalised per video so that models' scales compare. */
  guint            n_timeline;
  guint           *video_start;       /* n_videos + 1 offsets into the timeline */
  double          *curves;            /* n_models x n_timeline, NAN where unscored */
  guint8          *truth;             /* n_timeline, or NULL without labels */
  gboolean         has_roc;           /* labels, and a model with an AUC */
} DdlReportData;

DdlReportData *ddl_report_data_new   (const DdlReport *report, GError **error);
void           ddl_report_data_free  (DdlReportData *data);

/* `path` relative to `dir` when it lies inside it, else absolute. */
char          *ddl_report_path_in    (const char *path, const char *dir);

/* Begins the card object and adds every member of metrics.json; the caller may add
 * more and ends the object. */
void           ddl_report_build_card (JsonBuilder *builder, const DdlReportData *data,
                                      const char *dir);
/* Adds "scores": [...] (scores.json) to an open card object. */
void           ddl_report_build_scores (JsonBuilder *builder, const DdlReportData *data);
/* Pretty for the card; compact for long score arrays. */
char          *ddl_report_json_text  (JsonBuilder *builder, gboolean pretty);

/* index.html for a folder `dir`. */
char          *ddl_report_html       (const DdlReportData *data, const char *dir);

/* Writes atomically (temporary file in the same folder, then rename); the error names
 * `path`. */
gboolean       ddl_report_write_text (const char *path, const char *text, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlReportData, ddl_report_data_free)

G_END_DECLS
