/* ddl-application.h: DdlApplication, the GtkApplication of DDL Studio: app actions
 * (about, quit), keyboard accelerators, the style sheet, and files from the command
 * line (`ddl-studio DATASET [SCORES.csv …] [MODEL.safetensors]`, `--demo`). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DDL_TYPE_APPLICATION (ddl_application_get_type ())
G_DECLARE_FINAL_TYPE (DdlApplication, ddl_application, DDL, APPLICATION, GtkApplication)

DdlApplication *ddl_application_new (void);

/* Accelerators of the window actions, as listed in the shortcuts window. */
void            ddl_application_set_accels (GtkApplication *application);
/* The table behind it: action i (NULL past the end) and its accelerators. */
const char     *ddl_application_get_accel  (guint i, const char * const **accels);

G_END_DECLS
