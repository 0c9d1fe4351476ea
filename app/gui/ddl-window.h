/* ddl-window.h: the main window: player, score timeline, overview, events and
 * metrics around one DdlSession. */
#pragma once

#include <gtk/gtk.h>
#include "ddl-session.h"

G_BEGIN_DECLS

#define DDL_TYPE_WINDOW (ddl_window_get_type ())
G_DECLARE_FINAL_TYPE (DdlWindow, ddl_window, DDL, WINDOW, GtkApplicationWindow)

DdlWindow  *ddl_window_new            (GtkApplication *application);
/* Opens what `file` is: a folder or video as footage, a scores CSV as curves of the
 * open footage, a model checkpoint (.safetensors) to score the footage with. */
void        ddl_window_open           (DdlWindow *self, GFile *file);
DdlSession *ddl_window_get_session    (DdlWindow *self);
/* Shows a message in the window's banner (errors never end the session). */
void        ddl_window_show_error     (DdlWindow *self, const char *message);

/* Opens a report folder written by ddl_report_write_folder (ddl-report.h): its
 * footage, its scores (one model per column) and each model's maps, and shows the
 * Compare page. ddl_window_open does this for a folder holding a report. */
void        ddl_window_open_report    (DdlWindow *self, const char *dir);
/* The built-in demo in its own window (synthetic walkway, SDL and DDL trained live,
 * scored and compared), opening the comparison here when done. NULL: the user's demo
 * folder (ddl_window_get_demo_folder), which a later run continues or reuses. */
void        ddl_window_run_demo       (DdlWindow *self, const char *out_dir);
char       *ddl_window_get_demo_folder (void);
/* Writes a report folder for the open models (scores, metrics, plots) with a rendered
 * video of the current video, on a worker with progress (the "Export Report…" menu
 * entry after choosing the folder). */
void        ddl_window_export_report  (DdlWindow *self, const char *dir);
/* Shows the Compare page (TRUE) or the Review page. */
void        ddl_window_set_compare    (DdlWindow *self, gboolean compare);
gboolean    ddl_window_get_compare    (DdlWindow *self);

/* Cancels opening or scoring in progress (the Cancel button). */
void        ddl_window_cancel         (DdlWindow *self);

/* Inspection, for tests. */
const char *ddl_window_get_error_text    (DdlWindow *self);
const char *ddl_window_get_position_text (DdlWindow *self);
gboolean    ddl_window_is_playing        (DdlWindow *self);
gboolean    ddl_window_is_busy           (DdlWindow *self);
/* The frame index on screen (-1 before the first): it lags the session's frame until
 * the decoder delivers. */
int         ddl_window_get_shown_frame   (DdlWindow *self);
GtkWidget  *ddl_window_get_part          (DdlWindow *self, const char *name);

G_END_DECLS
