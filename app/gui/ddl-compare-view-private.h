/* ddl-compare-view-private.h: the compare view's fields, shared by its source files
 * (ddl-compare-view.c: session, summary and life cycle; ddl-compare-panes.c: the
 * panes of the current frame and the maps behind them). */
#pragma once

#include "ddl-compare-view.h"
#include "ddl-compare-maps.h"
#include "ddl-report.h"
#include "ddl-score-timeline.h"

G_BEGIN_DECLS

typedef struct {
  guint  a, b;          /* the model pair: a is the later model, b the earlier */
  DdlDisagreement d;    /* on min-max normalised curves */
} DdlCompareRow;

struct _DdlCompareView {
  GtkBox            parent_instance;

  /* template */
  DdlCompareTiles  *tiles;
  DdlScoreTimeline *timeline;
  GtkFlowBox       *badge_box;
  GtkLabel         *no_models_label;
  GtkLabel         *differences_label;
  GtkListBox       *disagreement_list;
  GtkWidget        *report_box;
  GtkWidget        *page_button;
  GtkWidget        *video_button;
  char             *report_page, *report_video;

  DdlSession       *session;
  DdlFrameLoader   *loader;
  GArray           *handlers;     /* gulong, on the session */
  gulong            loader_handler;
  GHashTable       *infos;        /* model name → DdlCompareModel */
  guint             summary_id;
  GArray           *rows;         /* DdlCompareRow, as listed */
  char             *differences;

  /* maps of the current video */
  DdlCompareMapsSet *maps;
  GCancellable     *maps_cancellable;
  gboolean          maps_loading;
  guint             maps_generation;
  guint             maps_reload_id;
  char             *maps_key;     /* video and folders the maps are (being) read for */
  /* Hidden (the Review page is shown), the view does nothing but remember what to
   * bring up to date once it is shown again. */
  gboolean          maps_stale, summary_stale;
  GdkTexture       *frame;
  int               frame_index;  /* of `frame`; -1 none */
};

/* ddl-compare-panes.c */
void _ddl_compare_view_update_panes   (DdlCompareView *self);
void _ddl_compare_view_frame_ready    (DdlCompareView *self, guint frame);
/* Reads the current video's maps (in an idle, after a burst of changes; not at all
 * while hidden or when the video and folders are the same). */
void _ddl_compare_view_reload_maps    (DdlCompareView *self);
void _ddl_compare_view_video_changed  (DdlCompareView *self);
/* Other footage: the same names may hold other maps now. */
void _ddl_compare_view_forget_maps    (DdlCompareView *self);

G_END_DECLS
