/* The Compare page (see ddl-compare-view.h). The summary (AUC cards, differences,
 * disagreements) is recomputed in an idle after any change of curves, labels or
 * footage; the panes follow the session's frame at once from maps held in memory for
 * the current video. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-compare-view-private.h"
#include "ddl-auc-badge.h"
#include "ddl-compare-maps.h"
#include "ddl-report.h"
#include "ddl-score-curve.h"
#include "ddl-score-timeline.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

G_DEFINE_FINAL_TYPE (DdlCompareView, ddl_compare_view, GTK_TYPE_BOX)

/* ---- model information --------------------------------------------------------------- */

const DdlCompareModel *
ddl_compare_view_get_model_info (DdlCompareView *self, const char *name)
{
  return g_hash_table_lookup (self->infos, name);
}

/* ---- summary: cards, differences, disagreements ------------------------------------ */

/* Min-max over the scored frames (NAN stays NAN; a flat curve becomes 0, as
 * ddl_metrics_minmax does), so models on different scales compare. */
static double *
normalised (const double *curve, guint n)
{
  double *out = g_memdup2 (curve, sizeof (double) * MAX (n, 1));
  double lo, hi;
  if (!ddl_score_curve_range (curve, n, &lo, &hi))
    return out;
  for (guint f = 0; f < n; f++)
    if (!isnan (out[f]))
      out[f] = hi > lo ? (out[f] - lo) / (hi - lo) : 0;
  return out;
}

static int
compare_rows (gconstpointer pa, gconstpointer pb)
{
  const DdlCompareRow *a = pa, *b = pb;
  double da = fabs (a->d.difference), db = fabs (b->d.difference);
  if (da != db)
    return da > db ? -1 : 1;
  if (a->d.video != b->d.video)
    return a->d.video < b->d.video ? -1 : 1;
  return a->d.frame < b->d.frame ? -1 : a->d.frame > b->d.frame;
}

static void
compute_disagreements (DdlCompareView *self)
{
  guint n_models = ddl_session_get_n_models (self->session);
  guint n_videos = ddl_session_get_n_videos (self->session);

  g_array_set_size (self->rows, 0);
  for (guint b = 0; b < n_models; b++)
    for (guint a = b + 1; a < n_models; a++)
      {
        g_autoptr(DdlDisagreements) d = ddl_disagreements_new (DDL_COMPARE_DISAGREEMENTS,
                                                               DDL_COMPARE_SPACING);
        const DdlDisagreement *list;
        guint n;
        for (guint v = 0; v < n_videos; v++)
          {
            guint frames = ddl_session_get_video_info (self->session, v)->n_frames;
            g_autofree double *ca = normalised (ddl_session_get_curve (self->session, a, v), frames);
            g_autofree double *cb = normalised (ddl_session_get_curve (self->session, b, v), frames);
            ddl_disagreements_add_video (d, v, ca, cb, frames);
          }
        list = ddl_disagreements_get (d, &n);
        for (guint i = 0; i < n; i++)
          {
            DdlCompareRow row = { a, b, list[i] };
            g_array_append_val (self->rows, row);
          }
      }
  g_array_sort (self->rows, compare_rows);
  if (self->rows->len > 2 * DDL_COMPARE_DISAGREEMENTS)
    g_array_set_size (self->rows, 2 * DDL_COMPARE_DISAGREEMENTS);
}

static GtkWidget *
make_row (DdlCompareView *self, const DdlCompareRow *row)
{
  const DdlSessionVideo *info = ddl_session_get_video_info (self->session, row->d.video);
  const guint8 *labels = ddl_session_get_labels (self->session, row->d.video);
  const char *name_a = ddl_session_get_model_name (self->session, row->a);
  const char *name_b = ddl_session_get_model_name (self->session, row->b);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  g_autofree char *title = g_strdup_printf (_("Video %s · frame %u"), info->name, row->d.frame);
  g_autofree char *detail = g_strdup_printf (_("%s %.2f · %s %.2f · difference %+.2f"), name_a,
                                             row->d.a, name_b, row->d.b, row->d.difference);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *detail_label = gtk_label_new (detail);
  GtkWidget *truth = gtk_label_new (labels == NULL ? "" : labels[row->d.frame]
                                                          ? _("Anomalous (ground truth)")
                                                          : _("Normal (ground truth)"));

  for (GtkWidget *l = title_label; l != NULL;
       l = l == title_label ? detail_label : l == detail_label ? truth : NULL)
    {
      gtk_label_set_xalign (GTK_LABEL (l), 0);
      gtk_label_set_ellipsize (GTK_LABEL (l), PANGO_ELLIPSIZE_END);
      gtk_box_append (GTK_BOX (box), l);
    }
  gtk_widget_add_css_class (detail_label, "dim-label");
  gtk_widget_add_css_class (truth, "event-state");
  gtk_widget_add_css_class (truth, labels != NULL && labels[row->d.frame] ? "accepted" : "rejected");
  gtk_widget_set_visible (truth, labels != NULL);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  return box;
}

static void
update_summary (DdlCompareView *self)
{
  guint n_models = self->session != NULL ? ddl_session_get_n_models (self->session) : 0;
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) ddl_eval_result_free);
  g_autoptr(GString) differences = g_string_new (NULL);
  GtkWidget *child;

  /* Cards. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->badge_box))) != NULL)
    gtk_flow_box_remove (self->badge_box, child);
  gtk_widget_set_visible (GTK_WIDGET (self->no_models_label), n_models == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->badge_box), n_models > 0);
  for (guint m = 0; m < n_models; m++)
    {
      g_autoptr(GError) error = NULL;
      const char *name = ddl_session_get_model_name (self->session, m);
      DdlEvalResult *r = ddl_session_evaluate (self->session, m, &error);
      g_ptr_array_add (results, r);
      GtkWidget *badge = ddl_auc_badge_new (m, name, r, r == NULL ? error->message : NULL,
                                            g_hash_table_lookup (self->infos, name));
      gtk_flow_box_insert (self->badge_box, badge, -1);
      gtk_widget_set_focusable (gtk_widget_get_parent (badge), FALSE);
    }

  /* AUC differences, later model minus earlier, in percentage points. */
  for (guint b = 0; b < n_models; b++)
    for (guint a = b + 1; a < n_models; a++)
      {
        const DdlEvalResult *ra = g_ptr_array_index (results, a);
        const DdlEvalResult *rb = g_ptr_array_index (results, b);
        if (differences->len > 0)
          g_string_append_c (differences, '\n');
        if (ra == NULL || rb == NULL)
          g_string_append_printf (differences, _("%s − %s: no AUC without ground truth"),
                                  ddl_session_get_model_name (self->session, a),
                                  ddl_session_get_model_name (self->session, b));
        else
          g_string_append_printf (differences, _("%s − %s: %+.2f micro, %+.2f macro"),
                                  ddl_session_get_model_name (self->session, a),
                                  ddl_session_get_model_name (self->session, b),
                                  100 * (ra->micro.auc - rb->micro.auc),
                                  100 * (ra->macro_auc - rb->macro_auc));
      }
  g_free (self->differences);
  self->differences = g_string_free (g_steal_pointer (&differences), FALSE);
  gtk_label_set_text (self->differences_label,
                      *self->differences ? self->differences
                                         : _("Two or more models are needed for a comparison."));

  /* Disagreements. */
  /* (gtk_list_box_remove_all is GTK 4.12) */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->disagreement_list))) != NULL)
    gtk_list_box_remove (self->disagreement_list, child);
  g_array_set_size (self->rows, 0);
  if (n_models >= 2)
    compute_disagreements (self);
  for (guint i = 0; i < self->rows->len; i++)
    gtk_list_box_append (self->disagreement_list,
                         make_row (self, &g_array_index (self->rows, DdlCompareRow, i)));
}

static gboolean
summary_cb (gpointer data)
{
  DdlCompareView *self = data;
  self->summary_id = 0;
  self->summary_stale = FALSE;
  update_summary (self);
  return G_SOURCE_REMOVE;
}

static void
queue_summary (DdlCompareView *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->summary_stale = TRUE;
  else if (self->summary_id == 0)
    self->summary_id = g_idle_add (summary_cb, self);
}

static void
flush_summary (DdlCompareView *self)
{
  if (self->summary_id != 0 || self->summary_stale)
    {
      g_clear_handle_id (&self->summary_id, g_source_remove);
      self->summary_stale = FALSE;
      update_summary (self);
    }
}

void
ddl_compare_view_set_model_info (DdlCompareView *self, DdlCompareModel *info)
{
  g_hash_table_replace (self->infos, info->name, info);
  queue_summary (self);
}

void
ddl_compare_view_set_report_files (DdlCompareView *self, const char *page, const char *video)
{
  g_free (self->report_page);
  g_free (self->report_video);
  self->report_page = g_strdup (page);
  self->report_video = g_strdup (video);
  gtk_widget_set_visible (self->page_button, page != NULL);
  gtk_widget_set_visible (self->video_button, video != NULL);
  gtk_widget_set_visible (self->report_box, page != NULL || video != NULL);
}

const char *
ddl_compare_view_get_report_video (DdlCompareView *self)
{
  return self->report_video;
}

static void
show_file (DdlCompareView *self, const char *path)
{
  g_autofree char *uri = path != NULL ? g_filename_to_uri (path, NULL, NULL) : NULL;
  if (uri != NULL)
    gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), uri, GDK_CURRENT_TIME);
}

static void
page_clicked (DdlCompareView *self)
{
  show_file (self, self->report_page);
}

static void
video_clicked (DdlCompareView *self)
{
  show_file (self, self->report_video);
}

static void
disagreement_activated (DdlCompareView *self, GtkListBoxRow *row)
{
  int i = gtk_list_box_row_get_index (row);
  if (self->session == NULL || i < 0 || (guint) i >= self->rows->len)
    return;
  const DdlCompareRow *r = &g_array_index (self->rows, DdlCompareRow, i);
  ddl_session_set_video (self->session, r->d.video);
  ddl_session_set_frame (self->session, r->d.frame);
}

/* ---- session ------------------------------------------------------------------------- */

static void
footage_changed (DdlCompareView *self)
{
  g_hash_table_remove_all (self->infos);
  ddl_compare_view_set_report_files (self, NULL, NULL);
  ddl_score_timeline_reset_zoom (self->timeline);
  _ddl_compare_view_forget_maps (self);
  queue_summary (self);
}

static void
curves_changed (DdlCompareView *self)
{
  queue_summary (self);
  _ddl_compare_view_reload_maps (self);
}

void
ddl_compare_view_set_session (DdlCompareView *self, DdlSession *session, DdlFrameLoader *loader)
{
  if (self->session != NULL)
    for (guint i = 0; i < self->handlers->len; i++)
      g_signal_handler_disconnect (self->session, g_array_index (self->handlers, gulong, i));
  g_array_set_size (self->handlers, 0);
  if (self->loader != NULL && self->loader_handler != 0)
    g_signal_handler_disconnect (self->loader, self->loader_handler);
  self->loader_handler = 0;
  g_set_object (&self->session, session);
  g_set_object (&self->loader, loader);
  ddl_score_timeline_set_session (self->timeline, session);
  if (session != NULL)
    {
      static const struct { const char *signal; GCallback callback; } wiring[] = {
        { "footage-changed", G_CALLBACK (footage_changed) },
        { "curves-changed", G_CALLBACK (curves_changed) },
        { "maps-changed", G_CALLBACK (_ddl_compare_view_reload_maps) },
        { "labels-changed", G_CALLBACK (queue_summary) },
        { "notify::video", G_CALLBACK (_ddl_compare_view_video_changed) },
        { "notify::frame", G_CALLBACK (_ddl_compare_view_update_panes) },
        { "labels-changed", G_CALLBACK (_ddl_compare_view_update_panes) },
      };
      for (guint i = 0; i < G_N_ELEMENTS (wiring); i++)
        {
          gulong id = g_signal_connect_swapped (session, wiring[i].signal, wiring[i].callback, self);
          g_array_append_val (self->handlers, id);
        }
    }
  if (loader != NULL)
    self->loader_handler = g_signal_connect_swapped (loader, "frame-ready", G_CALLBACK (_ddl_compare_view_frame_ready),
                                                     self);
  _ddl_compare_view_forget_maps (self);
  queue_summary (self);
}

/* ---- inspection ---------------------------------------------------------------------- */

DdlCompareTiles *
ddl_compare_view_get_tiles (DdlCompareView *self)
{
  return self->tiles;
}

GtkWidget *
ddl_compare_view_get_timeline (DdlCompareView *self)
{
  return GTK_WIDGET (self->timeline);
}

const char *
ddl_compare_view_get_badge_text (DdlCompareView *self, guint model)
{
  GtkFlowBoxChild *child;
  flush_summary (self);
  child = gtk_flow_box_get_child_at_index (self->badge_box, (int) model);
  return child != NULL ? ddl_auc_badge_get_text (gtk_flow_box_child_get_child (child)) : NULL;
}

const char *
ddl_compare_view_get_differences_text (DdlCompareView *self)
{
  flush_summary (self);
  return self->differences;
}

GtkListBox *
ddl_compare_view_get_disagreement_list (DdlCompareView *self)
{
  flush_summary (self);
  return self->disagreement_list;
}

gboolean
ddl_compare_view_get_disagreement (DdlCompareView *self, guint i, guint *video, guint *frame,
                                   double *a, double *b)
{
  flush_summary (self);
  if (i >= self->rows->len)
    return FALSE;
  const DdlCompareRow *r = &g_array_index (self->rows, DdlCompareRow, i);
  *video = r->d.video, *frame = r->d.frame, *a = r->d.a, *b = r->d.b;
  return TRUE;
}

/* ---- life cycle ------------------------------------------------------------------------ */

static void
ddl_compare_view_map (GtkWidget *widget)
{
  DdlCompareView *self = DDL_COMPARE_VIEW (widget);

  GTK_WIDGET_CLASS (ddl_compare_view_parent_class)->map (widget);
  if (self->summary_stale)
    queue_summary (self);
  if (self->maps_stale)
    _ddl_compare_view_reload_maps (self);
  else
    _ddl_compare_view_update_panes (self);
}

static void
ddl_compare_view_dispose (GObject *object)
{
  DdlCompareView *self = DDL_COMPARE_VIEW (object);

  ddl_compare_view_set_session (self, NULL, NULL);
  g_cancellable_cancel (self->maps_cancellable);
  g_clear_object (&self->maps_cancellable);
  g_clear_pointer (&self->maps, ddl_compare_maps_set_free);
  g_clear_handle_id (&self->summary_id, g_source_remove);
  g_clear_handle_id (&self->maps_reload_id, g_source_remove);
  g_clear_object (&self->frame);
  gtk_widget_dispose_template (GTK_WIDGET (self), DDL_TYPE_COMPARE_VIEW);
  G_OBJECT_CLASS (ddl_compare_view_parent_class)->dispose (object);
}

static void
ddl_compare_view_finalize (GObject *object)
{
  DdlCompareView *self = DDL_COMPARE_VIEW (object);
  g_hash_table_unref (self->infos);
  g_array_unref (self->rows);
  g_array_unref (self->handlers);
  g_free (self->differences);
  g_free (self->maps_key);
  g_free (self->report_page);
  g_free (self->report_video);
  G_OBJECT_CLASS (ddl_compare_view_parent_class)->finalize (object);
}

static void
ddl_compare_view_class_init (DdlCompareViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = ddl_compare_view_dispose;
  G_OBJECT_CLASS (klass)->finalize = ddl_compare_view_finalize;
  widget_class->map = ddl_compare_view_map;
  g_type_ensure (DDL_TYPE_COMPARE_TILES);
  g_type_ensure (DDL_TYPE_SCORE_TIMELINE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ddlstudio/DdlStudio/ui/ddl-compare-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DdlCompareView, tiles);
  gtk_widget_class_bind_template_child (widget_class, DdlCompareView, timeline);
  gtk_widget_class_bind_template_child (widget_class, DdlCompareView, badge_box);
  gtk_widget_class_bind_template_child (widget_class, DdlCompareView, no_models_label);
  gtk_widget_class_bind_template_child (widget_class, DdlCompareView, differences_label);
  gtk_widget_class_bind_template_child (widget_class, DdlCompareView, disagreement_list);
  gtk_widget_class_bind_template_child (widget_class, DdlCompareView, report_box);
  gtk_widget_class_bind_template_child (widget_class, DdlCompareView, page_button);
  gtk_widget_class_bind_template_child (widget_class, DdlCompareView, video_button);
  gtk_widget_class_bind_template_callback (widget_class, disagreement_activated);
  gtk_widget_class_bind_template_callback (widget_class, page_clicked);
  gtk_widget_class_bind_template_callback (widget_class, video_clicked);
}

static void
ddl_compare_view_init (DdlCompareView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->infos = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify) ddl_compare_model_free);
  self->rows = g_array_new (FALSE, FALSE, sizeof (DdlCompareRow));
  self->handlers = g_array_new (FALSE, FALSE, sizeof (gulong));
  self->frame_index = -1;
}

GtkWidget *
ddl_compare_view_new (void)
{
  return g_object_new (DDL_TYPE_COMPARE_VIEW, NULL);
}
