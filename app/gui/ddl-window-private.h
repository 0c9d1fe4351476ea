/* ddl-window-private.h: the window's fields, shared by its source files
 * (ddl-window.c: construction and opening; -actions.c: actions and dialogs;
 * -player.c: playback, frames and overlays; -events.c: the event list). */
#pragma once

#include "ddl-window.h"
#include "ddl-compare-report.h"
#include "ddl-compare-view.h"
#include "ddl-frame-loader.h"
#include "ddl-frame-view.h"
#include "ddl-metrics-panel.h"
#include "ddl-overview-strip.h"
#include "ddl-score-timeline.h"

G_BEGIN_DECLS

struct _DdlWindow {
  GtkApplicationWindow parent_instance;

  /* template */
  GtkLabel          *title_label;
  GtkLabel          *subtitle_label;
  GtkRevealer       *banner_revealer;
  GtkLabel          *banner_label;
  GtkRevealer       *progress_revealer;
  GtkLabel          *progress_label;
  GtkProgressBar    *progress_bar;
  GtkStack          *main_stack;
  DdlFrameView      *frame_view;
  GtkToggleButton   *play_button;
  GtkDropDown       *speed_dropdown;
  GtkLabel          *position_label;
  DdlScoreTimeline  *timeline;
  GtkLabel          *legend_label;
  DdlOverviewStrip  *overview;
  GtkNotebook       *sidebar;
  GtkSpinButton     *threshold_spin;
  GtkAdjustment     *threshold_adjustment;
  GtkSpinButton     *min_length_spin;
  GtkSpinButton     *merge_gap_spin;
  GtkLabel          *events_label;
  GtkListBox        *event_list;
  DdlMetricsPanel   *metrics_panel;
  GtkAdjustment     *opacity_adjustment;
  GMenu             *recent_menu;

  DdlSession        *session;
  DdlFrameLoader    *loader;
  GSettings         *settings;      /* NULL when the schema is not installed */
  GCancellable      *cancellable;   /* opening and scoring */
  guint              busy;

  /* playback */
  guint              tick_id;
  gint64             play_start_us;
  guint              play_start_frame;
  gboolean           playing;
  int                shown_frame;   /* -1: none */

  /* error maps and reconstructions of the current video (from the scorer) */
  guint              maps_video;
  GBytes            *maps;          /* (n, H, W) u8 */
  GBytes            *recs;          /* (n, C, H, W) u8, may be NULL */
  guint              maps_n, maps_w, maps_h, recs_c;
  guint              maps_first;    /* frame of row 0 */
  guint              maps_generation;

  guint              thumbs_generation;
  GPtrArray         *pending;       /* files to open once the footage is open */

  /* the Compare page (ddl-window-compare.c) */
  DdlCompareView    *compare_view;
  gboolean           compare;         /* Compare chosen over Review */
  DdlCompareReport  *pending_report;  /* applied once its footage is open */
  GQueue             score_queue;     /* checkpoints waiting to be scored (char *) */
  gboolean           scoring;         /* a scoring job is running */
  gboolean           exporting;
};

/* ddl-window-actions.c */
void   _ddl_window_install_actions (DdlWindow *self);
void   _ddl_window_update_actions  (DdlWindow *self);
void   _ddl_window_score_with_model (DdlWindow *self, const char *model_path);

/* ddl-window-player.c */
void   _ddl_window_player_init     (DdlWindow *self);
void   _ddl_window_set_playing     (DdlWindow *self, gboolean playing);
double _ddl_window_get_speed       (DdlWindow *self);
void   _ddl_window_show_frame      (DdlWindow *self);
void   _ddl_window_video_changed   (DdlWindow *self);
void   _ddl_window_reload_maps     (DdlWindow *self);

/* ddl-window-events.c */
void   _ddl_window_events_init     (DdlWindow *self);
void   _ddl_window_rebuild_events  (DdlWindow *self);
void   _ddl_window_sync_event_selection (DdlWindow *self);
void   _ddl_window_event_row_activated (DdlWindow *self, GtkListBoxRow *row);

/* ddl-window-compare.c */
void   _ddl_window_compare_init    (DdlWindow *self);
void   _ddl_window_compare_dispose (DdlWindow *self);
void   _ddl_window_compare_update_actions (DdlWindow *self);
/* After footage opened (ok) or failed to: applies a report waiting for it. */
void   _ddl_window_compare_footage_opened (DdlWindow *self, gboolean ok);
/* Models [first, n_models) came from scoring `checkpoint` with maps in `maps_dir`. */
void   _ddl_window_compare_models_added (DdlWindow *self, guint first, const char *checkpoint,
                                         const char *maps_dir);

/* ddl-window.c */
void   _ddl_window_open_path       (DdlWindow *self, const char *path);
void   _ddl_window_set_busy        (DdlWindow *self, const char *what, gboolean busy);
void   _ddl_window_add_recent      (DdlWindow *self, const char *path);

G_END_DECLS
