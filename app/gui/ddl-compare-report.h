/* ddl-compare-report.h: what the compare view knows about each model beyond its score
 * column — checkpoint, maps folder, configuration, sigma(l) — read from a report
 * folder's metrics.json (ddl-report.h) or from a checkpoint's safetensors metadata.
 * GTK-free: no device is needed (only the checkpoint's JSON header is read). */
#pragma once

#include <glib.h>
#include "ddl-compute.h"
#include "ddl-metrics.h"

G_BEGIN_DECLS

typedef struct {
  char           *name;              /* the model's score column */
  char           *checkpoint;        /* NULL unknown */
  char           *maps_dir;          /* absolute, or NULL */
  char           *loss_log;          /* absolute, or NULL */
  gboolean        has_config;
  DdlModelConfig  config;
  double          anomaly_weight;    /* sigma(l) / static weight / 0; NAN unknown */
  guint           epochs_done;
  guint64         steps;
  char           *train_fingerprint;
  double          train_seconds;     /* NAN unknown */
  double          score_seconds;     /* NAN unknown */
  double          report_micro_auc;  /* as the report recorded it; NAN unknown */
} DdlCompareModel;

typedef struct {
  char          *dir;          /* the report folder */
  char          *title;        /* NULL when none */
  char          *footage;      /* absolute path of the scored footage */
  char          *scores_csv;   /* absolute path of scores.csv */
  char          *page;         /* absolute path of its index.html, or NULL */
  char          *video;        /* absolute path of its first rendered video, or NULL */
  DdlEvalOptions eval;         /* the report's protocol */
  GPtrArray     *models;       /* DdlCompareModel, in the report's order */
} DdlCompareReport;

DdlCompareModel  *ddl_compare_model_new         (const char *name);
DdlCompareModel  *ddl_compare_model_copy        (const DdlCompareModel *model);
void              ddl_compare_model_free        (DdlCompareModel *model);
/* Fills the configuration, sigma(l), epoch, steps and fingerprint from the
 * checkpoint's metadata and sets `checkpoint`; FALSE with an error naming the file
 * when it is not a DDL checkpoint (the fields are then left as they were). */
gboolean          ddl_compare_model_read_checkpoint (DdlCompareModel *model, const char *path,
                                                     GError **error);

/* Whether `dir` is a folder holding a DDL Studio report's metrics.json. */
gboolean          ddl_compare_report_is_report  (const char *dir);
/* Reads DIR/metrics.json; relative paths are made absolute against DIR. Errors name
 * the file and what is wrong with it. */
DdlCompareReport *ddl_compare_report_read       (const char *dir, GError **error);
void              ddl_compare_report_free       (DdlCompareReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlCompareModel, ddl_compare_model_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlCompareReport, ddl_compare_report_free)

G_END_DECLS
