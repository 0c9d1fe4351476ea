/* The application object (see ddl-application.h). */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-application.h"
#include "ddl-window.h"

#include <glib/gi18n.h>

struct _DdlApplication {
  GtkApplication parent_instance;
  gboolean       demo;          /* --demo: run the built-in demo at start */
  char          *demo_folder;   /* --demo-folder */
};

G_DEFINE_FINAL_TYPE (DdlApplication, ddl_application, GTK_TYPE_APPLICATION)

static const struct {
  const char *action;
  const char *accels[3];
} accels[] = {
  { "win.open-folder", { "<Ctrl>o", NULL } },
  { "win.open-file", { "<Ctrl><Shift>o", NULL } },
  { "win.score-with-model", { "<Ctrl>m", NULL } },
  { "win.train", { "<Ctrl>t", NULL } },
  { "win.export-labels", { "<Ctrl>e", NULL } },
  { "win.play", { "space", "k", NULL } },
  { "win.previous-frame", { "Left", "comma", NULL } },
  { "win.next-frame", { "Right", "period", NULL } },
  { "win.back-n", { "<Shift>Left", NULL } },
  { "win.forward-n", { "<Shift>Right", NULL } },
  { "win.first-frame", { "Home", NULL } },
  { "win.last-frame", { "End", NULL } },
  { "win.previous-video", { "Page_Up", NULL } },
  { "win.next-video", { "Page_Down", NULL } },
  { "win.next-event", { "n", "j", NULL } },
  { "win.previous-event", { "p", "<Shift>n", NULL } },
  { "win.selection-start", { "i", NULL } },
  { "win.selection-end", { "o", NULL } },
  { "win.clear-selection", { "Escape", NULL } },
  { "win.accept", { "a", NULL } },
  { "win.reject", { "r", NULL } },
  { "win.undo", { "<Ctrl>z", NULL } },
  { "win.redo", { "<Ctrl><Shift>z", "<Ctrl>y", NULL } },
  { "win.zoom-in", { "plus", "equal", NULL } },
  { "win.zoom-out", { "minus", NULL } },
  { "win.zoom-reset", { "0", NULL } },
  { "win.threshold-up", { "Up", NULL } },
  { "win.threshold-down", { "Down", NULL } },
  { "win.faster", { "bracketright", NULL } },
  { "win.slower", { "bracketleft", NULL } },
  { "win.show-heatmap", { "h", NULL } },
  { "win.show-patch", { "x", NULL } },
  { "win.show-boxes", { "b", NULL } },
  { "win.split", { "s", NULL } },
  { "win.actual-size", { "1", NULL } },
  { "win.show-events", { "<Alt>1", NULL } },
  { "win.show-metrics", { "<Alt>2", NULL } },
  { "win.show-review", { "<Ctrl>1", NULL } },
  { "win.show-compare", { "<Ctrl>2", NULL } },
  { "win.show-help-overlay", { "<Ctrl>question", "F1", NULL } },
  { "app.quit", { "<Ctrl>q", NULL } },
};

void
ddl_application_set_accels (GtkApplication *application)
{
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (application, accels[i].action, accels[i].accels);
}

const char *
ddl_application_get_accel (guint i, const char * const **out)
{
  if (i >= G_N_ELEMENTS (accels))
    return NULL;
  *out = accels[i].accels;
  return accels[i].action;
}

static void
about (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  static const char *authors[] = { "DDL Studio contributors", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (data));

  gtk_show_about_dialog (parent,
                         "program-name", _("DDL Studio"),
                         "logo-icon-name", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Review video anomaly scores of Dynamic Distinction "
                                       "Learning models: frame-exact playback, score timelines, "
                                       "flagged events, annotation and metrics."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit (GSimpleAction *action, GVariant *parameter, gpointer data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (data)));
  /* Close the windows first so each can save its state and marks. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
  g_application_quit (G_APPLICATION (data));
}

static const GActionEntry app_entries[] = {
  { "about", about },
  { "quit", quit },
};

static void
ddl_application_startup (GApplication *application)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (ddl_application_parent_class)->startup (application);
  g_action_map_add_action_entries (G_ACTION_MAP (application), app_entries,
                                   G_N_ELEMENTS (app_entries), application);
  ddl_application_set_accels (GTK_APPLICATION (application));
  gtk_css_provider_load_from_resource (css, "/io/github/ddlstudio/DdlStudio/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_window_set_default_icon_name (APP_ID);
}

static DdlWindow *
get_window (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));
  if (window == NULL)
    window = GTK_WINDOW (ddl_window_new (GTK_APPLICATION (application)));
  return DDL_WINDOW (window);
}

static void
ddl_application_activate (GApplication *application)
{
  DdlApplication *self = DDL_APPLICATION (application);
  DdlWindow *window = get_window (application);

  gtk_window_present (GTK_WINDOW (window));
  if (self->demo)
    {
      self->demo = FALSE;
      ddl_window_run_demo (window, self->demo_folder);
    }
}

static int
ddl_application_handle_local_options (GApplication *application, GVariantDict *options)
{
  DdlApplication *self = DDL_APPLICATION (application);
  const char *folder = NULL;

  self->demo = g_variant_dict_contains (options, "demo");
  if (g_variant_dict_lookup (options, "demo-folder", "^&ay", &folder))
    {
      self->demo = TRUE;
      self->demo_folder = g_canonicalize_filename (folder, NULL);
    }
  return -1;  /* go on: activate or open */
}

static void
ddl_application_finalize (GObject *object)
{
  g_free (DDL_APPLICATION (object)->demo_folder);
  G_OBJECT_CLASS (ddl_application_parent_class)->finalize (object);
}

static void
ddl_application_open (GApplication *application, GFile **files, int n_files, const char *hint)
{
  DdlWindow *window = get_window (application);
  /* The footage first: scores and models named after it wait until it is open. */
  for (int i = 0; i < n_files; i++)
    ddl_window_open (window, files[i]);
  gtk_window_present (GTK_WINDOW (window));
}

static void
ddl_application_class_init (DdlApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = ddl_application_startup;
  app_class->activate = ddl_application_activate;
  app_class->open = ddl_application_open;
  app_class->handle_local_options = ddl_application_handle_local_options;
  G_OBJECT_CLASS (klass)->finalize = ddl_application_finalize;
}

static const GOptionEntry options[] = {
  { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Run the built-in demo: generate a synthetic walkway, train SDL and DDL on it and "
       "compare them"), NULL },
  { "demo-folder", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Where the demo keeps its data, models and report (implies --demo; default: the "
       "user data folder's ddl-studio/demo)"), N_("DIR") },
  { NULL }
};

static void
ddl_application_init (DdlApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

DdlApplication *
ddl_application_new (void)
{
  return g_object_new (DDL_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/io/github/ddlstudio/DdlStudio",
                       NULL);
}
