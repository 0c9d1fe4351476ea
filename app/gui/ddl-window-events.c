/* The event list of the window: one row per flagged event of the current video with a
 * thumbnail of its peak frame (decoded on a worker), its span, peak score and review
 * state. Activating a row seeks to the event; the row under the playhead is selected. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-window-private.h"
#include "ddl-frame-source.h"

#include <glib/gi18n.h>
#include <string.h>

#define THUMB_WIDTH 96

/* The review state of an event from the marks on its frames. */
static const char *
event_state (DdlWindow *self, const DdlEvent *e, const char **css)
{
  DdlAnnotations *ann = ddl_session_get_annotations (self->session);
  guint video = ddl_session_get_video (self->session), n[3] = { 0, 0, 0 };

  for (guint f = e->start; f <= e->end; f++)
    n[ddl_annotations_get_mark (ann, video, f)]++;
  if (n[DDL_MARK_ANOMALOUS] == e->end - e->start + 1)
    return *css = "accepted", _("Anomalous");
  if (n[DDL_MARK_NORMAL] == e->end - e->start + 1)
    return *css = "rejected", _("Normal");
  if (n[DDL_MARK_NONE] == e->end - e->start + 1)
    return *css = "unreviewed", _("Unreviewed");
  return *css = "partial", _("Partly marked");
}

static GtkWidget *
make_row (DdlWindow *self, guint index, const DdlEvent *e)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *picture = gtk_picture_new ();
  const char *css;
  const char *state = event_state (self, e, &css);
  double fps = ddl_session_get_video_info (self->session,
                                           ddl_session_get_video (self->session))->fps;
  g_autofree char *title = g_strdup_printf (_("Event %u · frames %u–%u"), index + 1, e->start,
                                            e->end);
  g_autofree char *detail = g_strdup_printf (_("%.1f s · peak %.4g at frame %u"),
                                             (e->end - e->start + 1) / MAX (fps, 1e-3), e->peak,
                                             e->peak_frame);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *detail_label = gtk_label_new (detail);
  GtkWidget *state_label = gtk_label_new (state);

  gtk_widget_set_size_request (picture, THUMB_WIDTH, THUMB_WIDTH * 2 / 3);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_name (picture, "thumbnail");
  gtk_box_append (GTK_BOX (box), picture);
  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_xalign (GTK_LABEL (detail_label), 0);
  gtk_label_set_xalign (GTK_LABEL (state_label), 0);
  gtk_widget_add_css_class (detail_label, "dim-label");
  gtk_widget_add_css_class (state_label, "event-state");
  gtk_widget_add_css_class (state_label, css);
  gtk_box_append (GTK_BOX (text), title_label);
  gtk_box_append (GTK_BOX (text), detail_label);
  gtk_box_append (GTK_BOX (text), state_label);
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), text);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_widget_set_margin_start (box, 4);
  return box;
}

/* ---- thumbnails ----------------------------------------------------------------------- */

typedef struct {
  char   *path;
  GArray *frames;      /* guint, peak frame per event */
  guint   generation;
} ThumbJob;

typedef struct {
  guint       index;
  GdkTexture *texture;
} Thumb;

static void
thumb_job_free (ThumbJob *job)
{
  g_free (job->path);
  g_array_unref (job->frames);
  g_free (job);
}

static void
thumb_free (gpointer p)
{
  Thumb *t = p;
  g_clear_object (&t->texture);
  g_free (t);
}

/* Nearest-neighbour reduction: thumbnails are tiny and this runs off the main thread. */
static GdkTexture *
thumbnail_from (GBytes *rgb, guint w, guint h)
{
  guint tw = THUMB_WIDTH, th = MAX (1u, h * THUMB_WIDTH / MAX (w, 1u));
  const guint8 *src = g_bytes_get_data (rgb, NULL);
  guint8 *dst = g_new (guint8, (gsize) tw * th * 3);
  for (guint y = 0; y < th; y++)
    for (guint x = 0; x < tw; x++)
      {
        const guint8 *p = src + ((gsize) (y * h / th) * w + x * w / tw) * 3;
        memcpy (dst + ((gsize) y * tw + x) * 3, p, 3);
      }
  g_autoptr(GBytes) bytes = g_bytes_new_take (dst, (gsize) tw * th * 3);
  return gdk_memory_texture_new (tw, th, GDK_MEMORY_R8G8B8, bytes, tw * 3);
}

static void
thumbs_worker (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  ThumbJob *job = data;
  GError *error = NULL;
  g_autoptr(DdlFrameSource) frames = ddl_frame_source_open (job->path, &error);
  GPtrArray *thumbs = g_ptr_array_new_with_free_func (thumb_free);

  if (frames == NULL)
    {
      g_ptr_array_unref (thumbs);
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < job->frames->len && !g_cancellable_is_cancelled (cancellable); i++)
    {
      g_autoptr(GBytes) rgb = ddl_frame_source_read_rgb8 (frames, g_array_index (job->frames,
                                                                                 guint, i), NULL);
      if (rgb == NULL)
        continue;
      Thumb *t = g_new0 (Thumb, 1);
      t->index = i;
      t->texture = thumbnail_from (rgb, ddl_frame_source_get_width (frames),
                                   ddl_frame_source_get_height (frames));
      g_ptr_array_add (thumbs, t);
    }
  g_task_return_pointer (task, thumbs, (GDestroyNotify) g_ptr_array_unref);
}

static void
thumbs_done (GObject *source, GAsyncResult *result, gpointer data)
{
  DdlWindow *self = DDL_WINDOW (source);
  ThumbJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GPtrArray) thumbs = g_task_propagate_pointer (G_TASK (result), NULL);

  if (thumbs == NULL || job->generation != self->thumbs_generation || self->session == NULL)
    return;
  for (guint i = 0; i < thumbs->len; i++)
    {
      Thumb *t = g_ptr_array_index (thumbs, i);
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->event_list, (int) t->index);
      GtkWidget *box = row != NULL ? gtk_list_box_row_get_child (row) : NULL;
      GtkWidget *picture = box != NULL ? gtk_widget_get_first_child (box) : NULL;
      if (picture != NULL && GTK_IS_PICTURE (picture))
        gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (t->texture));
    }
}

/* ---- list ------------------------------------------------------------------------------ */

void
_ddl_window_rebuild_events (DdlWindow *self)
{
  GArray *events;
  g_autofree char *heading = NULL;
  const DdlSessionVideo *v = ddl_session_get_video_info (self->session,
                                                         ddl_session_get_video (self->session));
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->event_list))) != NULL)
    gtk_list_box_remove (self->event_list, child);
  self->thumbs_generation++;
  if (v == NULL)
    return;
  events = ddl_session_get_events (self->session);
  heading = ddl_session_get_n_models (self->session) == 0
            ? g_strdup (_("Events (no scores yet)"))
            : g_strdup_printf (ngettext ("%u event in video %s", "%u events in video %s",
                                         events->len), events->len, v->name);
  gtk_label_set_text (self->events_label, heading);
  for (guint i = 0; i < events->len; i++)
    gtk_list_box_append (self->event_list,
                         make_row (self, i, &g_array_index (events, DdlEvent, i)));
  _ddl_window_sync_event_selection (self);

  if (events->len == 0)
    return;
  ThumbJob *job = g_new0 (ThumbJob, 1);
  job->path = g_strdup (v->path);
  job->frames = g_array_new (FALSE, FALSE, sizeof (guint));
  job->generation = self->thumbs_generation;
  for (guint i = 0; i < events->len; i++)
    g_array_append_val (job->frames, g_array_index (events, DdlEvent, i).peak_frame);
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, thumbs_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) thumb_job_free);
  g_task_run_in_thread (task, thumbs_worker);
}

void
_ddl_window_sync_event_selection (DdlWindow *self)
{
  GArray *events = ddl_session_get_events (self->session);
  int i = ddl_events_at (events, ddl_session_get_frame (self->session));
  GtkListBoxRow *row = i >= 0 ? gtk_list_box_get_row_at_index (self->event_list, i) : NULL;

  if (row != gtk_list_box_get_selected_row (self->event_list))
    gtk_list_box_select_row (self->event_list, row);
}

void
_ddl_window_event_row_activated (DdlWindow *self, GtkListBoxRow *row)
{
  GArray *events = ddl_session_get_events (self->session);
  int i = gtk_list_box_row_get_index (row);
  if (i >= 0 && (guint) i < events->len)
    ddl_session_set_frame (self->session, g_array_index (events, DdlEvent, i).start);
  gtk_widget_grab_focus (GTK_WIDGET (self->frame_view));
}

static void
labels_changed (DdlWindow *self)
{
  /* Only the state labels change; rebuilding keeps the code simple and lists are short. */
  _ddl_window_rebuild_events (self);
}

void
_ddl_window_events_init (DdlWindow *self)
{
  g_signal_connect_swapped (self->session, "events-changed",
                            G_CALLBACK (_ddl_window_rebuild_events), self);
  g_signal_connect_swapped (self->session, "labels-changed", G_CALLBACK (labels_changed), self);
}
