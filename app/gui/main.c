/* ddl-studio: the review workspace. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-application.h"

#include <glib/gi18n.h>
#include <locale.h>

int
main (int argc, char **argv)
{
  g_autoptr(DdlApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* DDL_STUDIO_LOCALEDIR points at <build>/po to try translations without installing. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("DDL_STUDIO_LOCALEDIR") ? g_getenv ("DDL_STUDIO_LOCALEDIR")
                                                                      : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_application_name (_("DDL Studio"));

  app = ddl_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
