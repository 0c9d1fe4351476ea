/* The metrics panel (see ddl-metrics-panel.h). Metrics are recomputed in an idle
 * after any change, so a burst of changes (dragging the threshold) costs one pass. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-metrics-panel.h"
#include "ddl-roc-plot.h"
#include "ddl-score-curve.h"
#include "ddl-score-timeline.h"

#include <glib/gi18n.h>
#include <math.h>

struct _DdlMetricsPanel {
  GtkBox       parent_instance;
  GtkSwitch   *normalize_switch;
  GtkDropDown *filter_dropdown;
  GtkSpinButton *window_spin;
  GtkSpinButton *sigma_spin;
  GtkDropDown *macro_dropdown;
  GtkGrid     *results_grid;
  GtkLabel    *status_label;
  DdlRocPlot  *roc_plot;
  GtkLabel    *threshold_label;

  DdlSession  *session;
  gulong       handlers[6];
  guint        n_handlers;
  guint        update_id;
  gboolean     updating_widgets;
};

G_DEFINE_FINAL_TYPE (DdlMetricsPanel, ddl_metrics_panel, GTK_TYPE_BOX)

static char *
percent (double v)
{
  return isnan (v) ? g_strdup ("–") : g_strdup_printf ("%.2f", 100 * v);
}

static void
set_cell (DdlMetricsPanel *self, guint row, guint column, const char *text, gboolean heading)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
  if (heading)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (self->results_grid, label, column, row, 1, 1);
}

static void
update_threshold (DdlMetricsPanel *self)
{
  DdlConfusion c;
  g_autofree char *text = NULL;

  if (self->session == NULL || ddl_session_get_n_models (self->session) == 0
      || !ddl_session_has_truth (self->session))
    {
      gtk_label_set_text (self->threshold_label, "");
      ddl_roc_plot_set_marker (self->roc_plot, NAN, NAN);
      return;
    }
  ddl_session_get_confusion (self->session, &c);
  text = g_strdup_printf (_("At threshold %.4g: TPR %.1f %%, FPR %.1f %%, F1 %.3f"),
                          ddl_session_get_threshold (self->session), 100 * ddl_confusion_tpr (&c),
                          100 * ddl_confusion_fpr (&c), ddl_confusion_f1 (&c));
  gtk_label_set_text (self->threshold_label, text);
  ddl_roc_plot_set_marker (self->roc_plot, ddl_confusion_fpr (&c), ddl_confusion_tpr (&c));
}

static gboolean
update_cb (gpointer data)
{
  DdlMetricsPanel *self = data;
  GtkWidget *child;

  self->update_id = 0;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_grid))) != NULL)
    gtk_grid_remove (self->results_grid, child);
  ddl_roc_plot_clear (self->roc_plot);
  gtk_label_set_text (self->status_label, "");
  if (self->session == NULL || ddl_session_get_n_models (self->session) == 0)
    {
      gtk_label_set_text (self->status_label, _("No scores yet: open a scores file or score the "
                                                 "footage with a model."));
      update_threshold (self);
      return G_SOURCE_REMOVE;
    }
  set_cell (self, 0, 0, _("Model"), TRUE);
  set_cell (self, 0, 1, _("Micro AUC"), TRUE);
  set_cell (self, 0, 2, _("Macro AUC"), TRUE);
  set_cell (self, 0, 3, _("EER"), TRUE);
  set_cell (self, 0, 4, _("AUPR"), TRUE);
  for (guint m = 0; m < ddl_session_get_n_models (self->session); m++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DdlEvalResult) r = ddl_session_evaluate (self->session, m, &error);
      GtkWidget *name = gtk_label_new (ddl_session_get_model_name (self->session, m));
      GdkRGBA colour;
      g_autofree char *css = NULL;

      ddl_model_colour (m, &colour);
      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
      gtk_widget_add_css_class (name, m == 0 ? "model-0" : m == 1 ? "model-1" : "model-n");
      gtk_grid_attach (self->results_grid, name, 0, m + 1, 1, 1);
      if (r == NULL)
        {
          gtk_label_set_text (self->status_label, error->message);
          continue;
        }
      g_autofree char *micro = percent (r->micro.auc);
      g_autofree char *macro = percent (r->macro_auc);
      g_autofree char *eer = percent (r->micro.eer);
      g_autofree char *aupr = percent (r->micro.aupr);
      set_cell (self, m + 1, 1, micro, FALSE);
      set_cell (self, m + 1, 2, macro, FALSE);
      set_cell (self, m + 1, 3, eer, FALSE);
      set_cell (self, m + 1, 4, aupr, FALSE);
      ddl_roc_plot_add_curve (self->roc_plot, m, r->micro.roc, r->micro.n_roc);
      if (m == 0)
        {
          g_autofree char *status =
            g_strdup_printf (_("%zu frames (%zu anomalous), %zu labelled frames without a score"),
                             r->n_frames, r->n_anomalous, r->n_unscored);
          gtk_label_set_text (self->status_label, status);
        }
    }
  update_threshold (self);
  return G_SOURCE_REMOVE;
}

static void
queue_update (DdlMetricsPanel *self)
{
  if (self->update_id == 0)
    self->update_id = g_idle_add (update_cb, self);
}

/* Widgets → session. */
static void
protocol_changed (DdlMetricsPanel *self)
{
  DdlEvalOptions options;
  guint window = (guint) gtk_spin_button_get_value_as_int (self->window_spin);

  if (self->session == NULL || self->updating_widgets)
    return;
  options = *ddl_session_get_eval_options (self->session);
  options.normalize = gtk_switch_get_active (self->normalize_switch) ? DDL_NORMALIZE_PER_VIDEO
                                                                      : DDL_NORMALIZE_NONE;
  options.filter = (DdlFilter) gtk_drop_down_get_selected (self->filter_dropdown);
  options.median_window = window | 1;   /* the median window is odd */
  options.sigma = gtk_spin_button_get_value (self->sigma_spin);
  options.macro = gtk_drop_down_get_selected (self->macro_dropdown) == 1 ? DDL_MACRO_PAD
                                                                          : DDL_MACRO_SKIP;
  gtk_widget_set_sensitive (GTK_WIDGET (self->window_spin), options.filter == DDL_FILTER_MEDIAN);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sigma_spin), options.filter == DDL_FILTER_GAUSSIAN);
  ddl_session_set_eval_options (self->session, &options);
}

void
ddl_metrics_panel_set_protocol (DdlMetricsPanel *self, gboolean normalize, DdlFilter filter)
{
  self->updating_widgets = TRUE;
  gtk_switch_set_active (self->normalize_switch, normalize);
  gtk_drop_down_set_selected (self->filter_dropdown, filter);
  self->updating_widgets = FALSE;
  protocol_changed (self);
}

const char *
ddl_metrics_panel_get_cell (DdlMetricsPanel *self, guint row, guint column)
{
  if (self->update_id != 0)
    {
      g_source_remove (self->update_id);
      update_cb (self);
    }
  GtkWidget *child = gtk_grid_get_child_at (self->results_grid, column, row);
  return child != NULL ? gtk_label_get_text (GTK_LABEL (child)) : NULL;
}

const char *
ddl_metrics_panel_get_threshold_text (DdlMetricsPanel *self)
{
  return gtk_label_get_text (self->threshold_label);
}

void
ddl_metrics_panel_set_session (DdlMetricsPanel *self, DdlSession *session)
{
  for (guint i = 0; i < self->n_handlers; i++)
    g_signal_handler_disconnect (self->session, self->handlers[i]);
  self->n_handlers = 0;
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      self->handlers[self->n_handlers++] =
        g_signal_connect_swapped (session, "curves-changed", G_CALLBACK (queue_update), self);
      self->handlers[self->n_handlers++] =
        g_signal_connect_swapped (session, "labels-changed", G_CALLBACK (queue_update), self);
      self->handlers[self->n_handlers++] =
        g_signal_connect_swapped (session, "footage-changed", G_CALLBACK (queue_update), self);
      self->handlers[self->n_handlers++] =
        g_signal_connect_swapped (session, "notify::threshold", G_CALLBACK (update_threshold),
                                  self);
    }
  queue_update (self);
}

static void
ddl_metrics_panel_dispose (GObject *object)
{
  DdlMetricsPanel *self = DDL_METRICS_PANEL (object);
  ddl_metrics_panel_set_session (self, NULL);
  g_clear_handle_id (&self->update_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), DDL_TYPE_METRICS_PANEL);
  G_OBJECT_CLASS (ddl_metrics_panel_parent_class)->dispose (object);
}

static void
ddl_metrics_panel_class_init (DdlMetricsPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ddl_metrics_panel_dispose;
  g_type_ensure (DDL_TYPE_ROC_PLOT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ddlstudio/DdlStudio/ui/ddl-metrics-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, DdlMetricsPanel, normalize_switch);
  gtk_widget_class_bind_template_child (widget_class, DdlMetricsPanel, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DdlMetricsPanel, window_spin);
  gtk_widget_class_bind_template_child (widget_class, DdlMetricsPanel, sigma_spin);
  gtk_widget_class_bind_template_child (widget_class, DdlMetricsPanel, macro_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DdlMetricsPanel, results_grid);
  gtk_widget_class_bind_template_child (widget_class, DdlMetricsPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, DdlMetricsPanel, roc_plot);
  gtk_widget_class_bind_template_child (widget_class, DdlMetricsPanel, threshold_label);
  gtk_widget_class_bind_template_callback (widget_class, protocol_changed);
}

static void
ddl_metrics_panel_init (DdlMetricsPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->window_spin), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sigma_spin), FALSE);
}

GtkWidget *
ddl_metrics_panel_new (void)
{
  return g_object_new (DDL_TYPE_METRICS_PANEL, NULL);
}
