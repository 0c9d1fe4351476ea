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
