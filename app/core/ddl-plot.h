/* ddl-plot.h: score timelines and ROC curves drawn with Cairo into PNG, SVG or PDF
 * files, GTK-free, for exports and reports.
 *
 * The format comes from the file name's extension (.png, .svg, .pdf; any case). Files
 * are written to a temporary name in the same folder and renamed over `path`, so a
 * failed or interrupted plot never leaves a half-written file behind. Sizes are in
 * pixels for PNG and in points for SVG and PDF; 0 picks the default. */
#pragma once

#include <glib.h>
#include "ddl-metrics.h"

G_BEGIN_DECLS

#define DDL_PLOT_ERROR (ddl_plot_error_quark ())

typedef enum {
  DDL_PLOT_ERROR_FORMAT,    /* unknown file extension */
  DDL_PLOT_ERROR_WRITE,     /* the file cannot be written */
  DDL_PLOT_ERROR_INVALID,   /* nothing to draw, bad size */
} DdlPlotError;

#define DDL_PLOT_TIMELINE_WIDTH  1000
#define DDL_PLOT_TIMELINE_HEIGHT 300
#define DDL_PLOT_ROC_SIZE        500

typedef struct {
  const char         *title;        /* NULL: none */
  guint               n_frames;     /* the frame axis: 0 .. n_frames - 1 */
  guint               n_models;
  const char * const *model_names;  /* n_models legend entries */
  const double       *scores;       /* n_models * n_frames: model m at scores + m * n_frames;
                                     * NAN = no score (the curve has a gap there) */
  const guint8       *labels;       /* n_frames ground-truth values (1 = anomalous), or NULL */
  double              threshold;    /* NAN: no threshold line */
  double              y_min, y_max; /* score axis; equal values: fitted to the data */
  int                 width, height;
} DdlPlotTimeline;

typedef struct {
  const char        *name;
  const DdlRocPoint *points;   /* as ddl_metrics_binary gives them, (0, 0) first */
  gsize              n_points;
  double             auc;      /* shown in the legend; NAN: left out */
} DdlPlotRocCurve;

typedef struct {
  const char            *title;    /* NULL: none */
  const DdlPlotRocCurve *curves;
  guint                  n_curves;
  int                    width, height;
} DdlPlotRoc;

/* The data area of a plot, in pixels/points from the top-left corner. */
typedef struct {
  double x, y, width, height;
} DdlPlotRect;

GQuark   ddl_plot_error_quark       (void);

/* Initialises a spec with the defaults (no title, no threshold, fitted axis). */
void     ddl_plot_timeline_init     (DdlPlotTimeline *spec);
void     ddl_plot_roc_init          (DdlPlotRoc *spec);

gboolean ddl_plot_timeline          (const DdlPlotTimeline *spec,
                                     const char            *path,
                                     GError               **error);
gboolean ddl_plot_roc               (const DdlPlotRoc *spec,
                                     const char       *path,
                                     GError          **error);

/* Where the data lands: frame f spans [x + f * width / n_frames, x + (f + 1) * width /
 * n_frames) with its score at the centre; a score axis value v lies at
 * y + height * (top - v) / (top - bottom) for the range the plot uses. For the ROC,
 * FPR 0..1 runs left to right over the area and TPR 0..1 bottom to top. */
void     ddl_plot_timeline_get_area (const DdlPlotTimeline *spec, DdlPlotRect *area);
void     ddl_plot_roc_get_area      (const DdlPlotRoc *spec, DdlPlotRect *area);

G_END_DECLS
