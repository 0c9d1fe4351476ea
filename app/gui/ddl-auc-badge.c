/* The compare view's per-model AUC card (see ddl-auc-badge.h). */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-auc-badge.h"
#include "ddl-score-timeline.h"

#include <glib/gi18n.h>
#include <math.h>

char *
ddl_auc_format (double auc)
{
  return isnan (auc) ? g_strdup ("–") : g_strdup_printf ("%.2f %%", 100 * auc);
}

static const char *
mode_name (DdlMode mode)
{
  switch (mode)
    {
    case DDL_MODE_DDL:      return "DDL";
    case DDL_MODE_SDL:      return "SDL";
    case DDL_MODE_BASELINE: return _("baseline");
    default:                return "?";
    }
}

GtkWidget *
ddl_auc_badge_new (guint model, const char *name, const DdlEvalResult *result, const char *why,
                   const DdlCompareModel *info)
{
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *auc = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);
  g_autoptr(GString) line = g_string_new (name);
  g_autoptr(GString) details = g_string_new (NULL);
  g_autofree char *escaped = g_markup_escape_text (name, -1);
  g_autofree char *colour_text = NULL;
  g_autofree char *markup = NULL;
  GdkRGBA colour;

  ddl_model_colour (model, &colour);
  colour_text = g_strdup_printf ("#%02x%02x%02x", (int) (colour.red * 255 + 0.5),
                                 (int) (colour.green * 255 + 0.5), (int) (colour.blue * 255 + 0.5));
  markup = g_strdup_printf ("<span foreground=\"%s\">■</span> <b>%s</b>", colour_text, escaped);
  gtk_label_set_markup (GTK_LABEL (title), markup);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (title), 24);

  if (result != NULL)
    {
      g_autofree char *micro = ddl_auc_format (result->micro.auc);
      g_autofree char *macro = ddl_auc_format (result->macro_auc);
      g_autofree char *big = g_strdup_printf (_("AUC %s"), micro);
      g_autofree char *big_markup = g_strdup_printf ("<span size=\"x-large\" weight=\"bold\">%s</span>",
                                                     big);
      gtk_label_set_markup (GTK_LABEL (auc), big_markup);
      g_string_append_printf (line, " · %s", big);
      g_string_append_printf (details, _("macro %s"), macro);
    }
  else
    {
      gtk_label_set_text (GTK_LABEL (auc), why != NULL ? why : _("No AUC"));
      gtk_label_set_wrap (GTK_LABEL (auc), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (auc), 24);
      g_string_append_printf (line, " · %s", gtk_label_get_text (GTK_LABEL (auc)));
    }
  if (info != NULL && !isnan (info->anomaly_weight))
    g_string_append_printf (details, "%sσ(ℓ) %.3f", details->len ? " · " : "",
                            info->anomaly_weight);
  if (info != NULL && info->has_config)
    g_string_append_printf (details, "%s%s", details->len ? " · " : "",
                            mode_name (info->config.mode));
  if (details->len > 0)
    g_string_append_printf (line, " · %s", details->str);
  gtk_label_set_text (GTK_LABEL (detail), details->str);
  gtk_widget_set_visible (detail, details->len > 0);
  gtk_widget_add_css_class (detail, "dim-label");

  for (GtkWidget *l = title; l != NULL; l = l == title ? auc : l == auc ? detail : NULL)
    {
      gtk_label_set_xalign (GTK_LABEL (l), 0);
      gtk_box_append (GTK_BOX (box), l);
    }
  gtk_widget_set_margin_start (box, 10);
  gtk_widget_set_margin_end (box, 10);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_frame_set_child (GTK_FRAME (frame), box);
  gtk_widget_set_tooltip_text (frame, line->str);
  g_object_set_data_full (G_OBJECT (frame), "ddl-badge-text", g_string_free (g_steal_pointer (&line),
                                                                             FALSE), g_free);
  return frame;
}

const char *
ddl_auc_badge_get_text (GtkWidget *badge)
{
  return g_object_get_data (G_OBJECT (badge), "ddl-badge-text");
}
