/* gui-test-util.h: helpers shared by the DDL Studio window tests (Xvfb): the demo
 * footage, waiting on the main loop, frame-exact checks and screenshots. */
#pragma once

#include <gtk/gtk.h>
#include "ddl-window.h"

G_BEGIN_DECLS

extern char *demo_root;    /* synthetic demo footage with scores-demo.csv */
extern char *shots_dir;    /* $G_TEST_BUILDDIR/gui-screenshots */

typedef gboolean (*Condition) (gpointer data);

/* Sets up a private cache/data home, GTK and the demo footage (4 test videos of 90
 * frames). */
/* Private cache, data and settings homes in a temporary folder (Mesa's shader cache
 * stays the user's), GTK, and the screenshot folder; returns the folder, which
 * gui_test_run removes. */
const char *gui_test_init_homes      (int *argc, char ***argv, const char *name);
void        gui_test_init            (int *argc, char ***argv);
/* Runs the tests, then deletes the private home with the demo footage. */
int         gui_test_run             (void);
/* Runs the main loop until `cond` holds; fails after `seconds`. */
void        wait_for                 (Condition cond, gpointer data, double seconds,
                                      const char *what);
void        spin                     (double seconds);
/* Whether real key presses can be sent (libXtst.so.6 on an X11 display). */
gboolean    have_xtest               (void);
/* A key press through the X server, as a user's, e.g. "<Ctrl>p"; then spins 0.2 s.
 * `widget` is any widget of the window (the window itself). */
void        press                    (gpointer widget, const char *accel);
gboolean    loaded                   (gpointer window);
gboolean    frame_shown              (gpointer window);
gboolean    has_error                (gpointer window);
gboolean    not_busy                 (gpointer window);
gboolean    has_patch                (gpointer frame_view);
DdlWindow  *open_window              (void);
void        activate                 (DdlWindow *window, const char *action);
void        screenshot               (DdlWindow *window, const char *name);
const DdlSessionVideo *current_video (DdlWindow *window);
void        assert_frame_exact       (DdlWindow *window);
void        assert_timeline_in_sync  (DdlWindow *window);

G_END_DECLS
