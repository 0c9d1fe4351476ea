/* The frame view (see ddl-frame-view.h). Textures are made once per frame; the
 * overlays are drawn in snapshot from small arrays, so toggling them is instant. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-frame-view.h"
#include "ddl-colour.h"

#include <glib/gi18n.h>
#include <string.h>

struct _DdlFrameView {
  GtkWidget      parent_instance;
  GdkTexture    *frame;
  GdkTexture    *heat;        /* colour-mapped error, alpha grows with the error */
  GdkTexture    *heat_opaque; /* the same without transparency, for the split pane */
  GdkTexture    *rec;
  gboolean       has_patch;
  double         patch[4];
  GArray        *boxes;       /* DdlBox */
  DdlTruthState  truth;
  gboolean       marked;
  double         opacity;
  gboolean       show_heatmap, show_patch, show_boxes, split, actual_size;
};

enum {
  PROP_0,
  PROP_HEATMAP_OPACITY,
  PROP_SHOW_HEATMAP,
  PROP_SHOW_PATCH,
  PROP_SHOW_BOXES,
  PROP_SPLIT,
  PROP_ACTUAL_SIZE,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (DdlFrameView, ddl_frame_view, GTK_TYPE_WIDGET)

static GdkTexture *
texture_new (const guint8 *data, gsize size, guint w, guint h, GdkMemoryFormat format,
             gsize stride)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  return gdk_memory_texture_new (w, h, format, bytes, stride);
}

void
ddl_frame_view_set_frame (DdlFrameView *self, GBytes *rgb, guint width, guint height)
{
  g_clear_object (&self->frame);
  if (rgb != NULL && g_bytes_get_size (rgb) >= (gsize) width * height * 3)
    self->frame = gdk_memory_texture_new (width, height, GDK_MEMORY_R8G8B8, rgb, width * 3);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
ddl_frame_view_has_frame (DdlFrameView *self)
{
  return self->frame != NULL;
}

GdkTexture *
ddl_frame_view_get_texture (DdlFrameView *self)
{
  return self->frame;
}

void
ddl_frame_view_set_error_map (DdlFrameView *self, const guint8 *map, guint width, guint height,
                              guint patch)
{
  g_clear_object (&self->heat);
  g_clear_object (&self->heat_opaque);
  self->has_patch = FALSE;
  if (map != NULL && width > 0 && height > 0)
    {
      gsize n = (gsize) width * height;
      g_autofree guint8 *rgba = g_new (guint8, n * 4);
      g_autofree guint8 *rgb = g_new (guint8, n * 3);
      for (gsize i = 0; i < n; i++)
        {
          ddl_error_colour (map[i] / 255.0, rgb + i * 3);
          /* Premultiplied: low errors fade out so the frame stays readable. */
          guint a = MIN (255u, map[i] * 2u);
          for (int c = 0; c < 3; c++)
            rgba[i * 4 + c] = (guint8) (rgb[i * 3 + c] * a / 255);
          rgba[i * 4 + 3] = (guint8) a;
        }
      self->heat = texture_new (rgba, n * 4, width, height, GDK_MEMORY_R8G8B8A8_PREMULTIPLIED,
                                width * 4);
      self->heat_opaque = texture_new (rgb, n * 3, width, height, GDK_MEMORY_R8G8B8, width * 3);

      /* The patch with the highest mean error, on the grids the frame score uses: the
       * outer P x P grid and the inner one offset by P / 2 (shaders/score.comp). */
      patch = MAX (1u, MIN (patch, MIN (width, height)));
      double best = -1;
      for (guint offset = 0; offset <= patch / 2; offset += MAX (patch / 2, 1u))
        for (guint y = offset; y + patch <= height; y += patch)
          for (guint x = offset; x + patch <= width; x += patch)
            {
              guint64 sum = 0;
              for (guint j = 0; j < patch; j++)
                for (guint i = 0; i < patch; i++)
                  sum += map[(gsize) (y + j) * width + x + i];
              if ((double) sum > best)
                {
                  best = (double) sum;
                  self->patch[0] = (double) x / width;
                  self->patch[1] = (double) y / height;
                  self->patch[2] = (double) (x + patch) / width;
                  self->patch[3] = (double) (y + patch) / height;
                }
            }
      self->has_patch = best >= 0;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
ddl_frame_view_get_patch_box (DdlFrameView *self, double box[4])
{
  if (self->has_patch)
    memcpy (box, self->patch, sizeof self->patch);
  return self->has_patch;
}

void
ddl_frame_view_set_reconstruction (DdlFrameView *self, const guint8 *rec, guint channels,
                                   guint width, guint height)
{
  g_clear_object (&self->rec);
  if (rec != NULL && width > 0 && height > 0)
    {
      gsize n = (gsize) width * height;
      g_autofree guint8 *rgb = g_new (guint8, n * 3);
      for (gsize i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
          rgb[i * 3 + c] = rec[(channels == 3 ? c : 0) * n + i];
      self->rec = texture_new (rgb, n * 3, width, height, GDK_MEMORY_R8G8B8, width * 3);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ddl_frame_view_set_boxes (DdlFrameView *self, const DdlBox *boxes, guint n)
{
  g_array_set_size (self->boxes, 0);
  if (n > 0)
    g_array_append_vals (self->boxes, boxes, n);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ddl_frame_view_set_truth (DdlFrameView *self, DdlTruthState state, gboolean marked)
{
  self->truth = state;
  self->marked = marked;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The rectangle of pane `i` of `n` for a frame of w x h. */
static void
pane_rect (DdlFrameView *self, guint i, guint n, graphene_rect_t *r)
{
  double W = gtk_widget_get_width (GTK_WIDGET (self)) / (double) n;
  double H = gtk_widget_get_height (GTK_WIDGET (self));
  double w = self->frame ? gdk_texture_get_width (self->frame) : 4;
  double h = self->frame ? gdk_texture_get_height (self->frame) : 3;
  double s = self->actual_size && n == 1 ? 1.0 : MIN (W / w, H / h);
  graphene_rect_init (r, i * W + (W - w * s) / 2, (H - h * s) / 2, w * s, h * s);
}

void
ddl_frame_view_get_frame_rect (DdlFrameView *self, graphene_rect_t *rect)
{
  pane_rect (self, 0, self->split ? 3 : 1, rect);
}

static void
draw_label (GtkWidget *widget, GtkSnapshot *snapshot, const char *text, double x, double y,
            const GdkRGBA *bg)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  int tw, th;
  pango_layout_get_pixel_size (layout, &tw, &th);
  gtk_snapshot_append_color (snapshot, bg, &GRAPHENE_RECT_INIT (x, y, tw + 10, th + 4));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + 5, y + 2));
  gtk_snapshot_append_layout (snapshot, layout, &(GdkRGBA) { 1, 1, 1, 1 });
  gtk_snapshot_restore (snapshot);
  g_object_unref (layout);
}

static void
draw_box (GtkSnapshot *snapshot, const graphene_rect_t *r, const double box[4],
          const GdkRGBA *colour, float width)
{
  GskRoundedRect outline;
  float widths[4] = { width, width, width, width };
  GdkRGBA colours[4] = { *colour, *colour, *colour, *colour };
  gsk_rounded_rect_init_from_rect (&outline,
                                   &GRAPHENE_RECT_INIT (r->origin.x + box[0] * r->size.width,
                                                        r->origin.y + box[1] * r->size.height,
                                                        (box[2] - box[0]) * r->size.width,
                                                        (box[3] - box[1]) * r->size.height), 0);
  gtk_snapshot_append_border (snapshot, &outline, widths, colours);
}

static void
ddl_frame_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  DdlFrameView *self = DDL_FRAME_VIEW (widget);
  graphene_rect_t r;
  GdkRGBA black = { 0.08, 0.08, 0.09, 1 };
  double W = gtk_widget_get_width (widget), H = gtk_widget_get_height (widget);

  gtk_snapshot_append_color (snapshot, &black, &GRAPHENE_RECT_INIT (0, 0, W, H));
  if (self->frame == NULL)
    return;
  guint panes = self->split ? 3 : 1;
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, W, H));
  pane_rect (self, 0, panes, &r);
  gtk_snapshot_append_texture (snapshot, self->frame, &r);
  if (self->show_heatmap && self->heat != NULL && !self->split)
    {
      gtk_snapshot_push_opacity (snapshot, self->opacity);
      gtk_snapshot_append_texture (snapshot, self->heat, &r);
      gtk_snapshot_pop (snapshot);
    }
  if (self->show_boxes)
    for (guint i = 0; i < self->boxes->len; i++)
      {
        const DdlBox *b = &g_array_index (self->boxes, DdlBox, i);
        GdkRGBA c = b->anomalous ? (GdkRGBA) { 1.0, 0.25, 0.2, 0.95 }
                                 : (GdkRGBA) { 0.3, 0.85, 1.0, 0.8 };
        draw_box (snapshot, &r, b->box, &c, 1.5);
      }
  if (self->show_patch && self->has_patch)
    draw_box (snapshot, &r, self->patch, &(GdkRGBA) { 1.0, 0.85, 0.1, 1 }, 2.5);

  if (self->truth != DDL_TRUTH_UNKNOWN)
    {
      GdkRGBA bg = self->truth == DDL_TRUTH_ANOMALOUS ? (GdkRGBA) { 0.75, 0.11, 0.16, 0.9 }
                                                      : (GdkRGBA) { 0.15, 0.55, 0.35, 0.9 };
      const char *text = self->truth == DDL_TRUTH_ANOMALOUS
                         ? (self->marked ? _("Anomalous (marked)") : _("Anomalous"))
                         : (self->marked ? _("Normal (marked)") : _("Normal"));
      draw_label (widget, snapshot, text, r.origin.x + 6, r.origin.y + 6, &bg);
    }
  if (self->split)
    {
      GdkRGBA grey = { 0.2, 0.2, 0.22, 0.9 };
      pane_rect (self, 1, 3, &r);
      if (self->rec != NULL)
        gtk_snapshot_append_texture (snapshot, self->rec, &r);
      else
        draw_label (widget, snapshot, _("No reconstruction"), r.origin.x + 6, r.origin.y + 6, &grey);
      draw_label (widget, snapshot, _("Reconstruction"), r.origin.x + 6,
                  r.origin.y + r.size.height - 26, &grey);
      pane_rect (self, 2, 3, &r);
      if (self->heat_opaque != NULL)
        gtk_snapshot_append_texture (snapshot, self->heat_opaque, &r);
      else
        draw_label (widget, snapshot, _("No error map"), r.origin.x + 6, r.origin.y + 6, &grey);
      if (self->show_patch && self->has_patch)
        draw_box (snapshot, &r, self->patch, &(GdkRGBA) { 1.0, 0.85, 0.1, 1 }, 2.5);
      draw_label (widget, snapshot, _("Error"), r.origin.x + 6, r.origin.y + r.size.height - 26,
                  &grey);
    }
  gtk_snapshot_pop (snapshot);
}

static void
ddl_frame_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DdlFrameView *self = DDL_FRAME_VIEW (object);
  switch (prop_id)
    {
    case PROP_HEATMAP_OPACITY: g_value_set_double (value, self->opacity); break;
    case PROP_SHOW_HEATMAP:    g_value_set_boolean (value, self->show_heatmap); break;
    case PROP_SHOW_PATCH:      g_value_set_boolean (value, self->show_patch); break;
    case PROP_SHOW_BOXES:      g_value_set_boolean (value, self->show_boxes); break;
    case PROP_SPLIT:           g_value_set_boolean (value, self->split); break;
    case PROP_ACTUAL_SIZE:     g_value_set_boolean (value, self->actual_size); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ddl_frame_view_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  DdlFrameView *self = DDL_FRAME_VIEW (object);
  switch (prop_id)
    {
    case PROP_HEATMAP_OPACITY: self->opacity = g_value_get_double (value); break;
    case PROP_SHOW_HEATMAP:    self->show_heatmap = g_value_get_boolean (value); break;
    case PROP_SHOW_PATCH:      self->show_patch = g_value_get_boolean (value); break;
    case PROP_SHOW_BOXES:      self->show_boxes = g_value_get_boolean (value); break;
    case PROP_SPLIT:           self->split = g_value_get_boolean (value); break;
    case PROP_ACTUAL_SIZE:     self->actual_size = g_value_get_boolean (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec); return;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
ddl_frame_view_finalize (GObject *object)
{
  DdlFrameView *self = DDL_FRAME_VIEW (object);
  g_clear_object (&self->frame);
  g_clear_object (&self->heat);
  g_clear_object (&self->heat_opaque);
  g_clear_object (&self->rec);
  g_array_unref (self->boxes);
  G_OBJECT_CLASS (ddl_frame_view_parent_class)->finalize (object);
}

static void
ddl_frame_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                        int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 720 : 420;
}

static void
ddl_frame_view_class_init (DdlFrameViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ddl_frame_view_finalize;
  object_class->get_property = ddl_frame_view_get_property;
  object_class->set_property = ddl_frame_view_set_property;
  widget_class->snapshot = ddl_frame_view_snapshot;
  widget_class->measure = ddl_frame_view_measure;
  gtk_widget_class_set_css_name (widget_class, "frameview");

  properties[PROP_HEATMAP_OPACITY] = g_param_spec_double ("heatmap-opacity", NULL, NULL, 0, 1,
                                                          0.6, rw);
  properties[PROP_SHOW_HEATMAP] = g_param_spec_boolean ("show-heatmap", NULL, NULL, TRUE, rw);
  properties[PROP_SHOW_PATCH] = g_param_spec_boolean ("show-patch", NULL, NULL, TRUE, rw);
  properties[PROP_SHOW_BOXES] = g_param_spec_boolean ("show-boxes", NULL, NULL, FALSE, rw);
  properties[PROP_SPLIT] = g_param_spec_boolean ("split", NULL, NULL, FALSE, rw);
  properties[PROP_ACTUAL_SIZE] = g_param_spec_boolean ("actual-size", NULL, NULL, FALSE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ddl_frame_view_init (DdlFrameView *self)
{
  self->boxes = g_array_new (FALSE, FALSE, sizeof (DdlBox));
  self->opacity = 0.6;
  self->show_heatmap = TRUE;
  self->show_patch = TRUE;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
ddl_frame_view_new (void)
{
  return g_object_new (DDL_TYPE_FRAME_VIEW, NULL);
}
