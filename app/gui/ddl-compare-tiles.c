/* The compare view's image grid (see ddl-compare-tiles.h). Everything is drawn in
 * snapshot from textures made by the owner, so stepping frames costs a few texture
 * uploads and no layout. */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-compare-tiles.h"
#include "ddl-colour.h"

#include <glib/gi18n.h>
#include <math.h>

#define GAP     10.0   /* between panes and around the grid */
#define CAPTION 22.0   /* caption line above each pane */
#define BORDER  3.0    /* ground-truth border around the frame */

typedef struct {
  char         *name;
  GdkRGBA       colour;
  DdlTileState  state;
  GdkTexture   *rec;
  GdkTexture   *err;
} Column;

struct _DdlCompareTiles {
  GtkWidget   parent_instance;
  GdkTexture *frame;
  char       *frame_caption;
  gboolean    anomalous;
  double      aspect;
  GArray     *columns;     /* Column */
  double      max_error;   /* NAN: no scale */
  GdkTexture *scale;       /* the colour map as a 256 x 1 strip */
};

G_DEFINE_FINAL_TYPE (DdlCompareTiles, ddl_compare_tiles, GTK_TYPE_WIDGET)

static void
column_clear (gpointer data)
{
  Column *c = data;
  g_clear_pointer (&c->name, g_free);
  g_clear_object (&c->rec);
  g_clear_object (&c->err);
}

void
ddl_compare_tiles_set_frame (DdlCompareTiles *self, GdkTexture *frame, const char *caption,
                             gboolean anomalous, double aspect)
{
  g_set_object (&self->frame, frame);
  g_free (self->frame_caption);
  self->frame_caption = g_strdup (caption);
  self->anomalous = anomalous;
  self->aspect = aspect > 0 && isfinite (aspect) ? aspect : 4.0 / 3.0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ddl_compare_tiles_set_n_models (DdlCompareTiles *self, guint n)
{
  if (n == self->columns->len)
    return;
  g_array_set_size (self->columns, n);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
ddl_compare_tiles_get_n_models (DdlCompareTiles *self)
{
  return self->columns->len;
}

void
ddl_compare_tiles_set_model (DdlCompareTiles *self, guint i, const char *name,
                             const GdkRGBA *colour, DdlTileState state,
                             GdkTexture *reconstruction, GdkTexture *error_map)
{
  g_return_if_fail (i < self->columns->len);
  Column *c = &g_array_index (self->columns, Column, i);
  if (g_strcmp0 (c->name, name) != 0)
    {
      g_free (c->name);
      c->name = g_strdup (name);
    }
  c->colour = *colour;
  c->state = state;
  g_clear_object (&c->rec);
  g_clear_object (&c->err);
  if (state == DDL_TILE_SHOWN && reconstruction != NULL)
    c->rec = g_object_ref (reconstruction);
  if (state == DDL_TILE_SHOWN && error_map != NULL)
    c->err = g_object_ref (error_map);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

DdlTileState
ddl_compare_tiles_get_state (DdlCompareTiles *self, guint model)
{
  g_return_val_if_fail (model < self->columns->len, DDL_TILE_NO_MAPS);
  return g_array_index (self->columns, Column, model).state;
}

void
ddl_compare_tiles_set_scale (DdlCompareTiles *self, double max_error)
{
  self->max_error = max_error;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- layout ------------------------------------------------------------------------- */

/* Every pane is pw x ph at the frame's aspect; the grid is centred. */
static void
layout (DdlCompareTiles *self, double *x0, double *y0, double *pw, double *ph)
{
  double W = gtk_widget_get_width (GTK_WIDGET (self));
  double H = gtk_widget_get_height (GTK_WIDGET (self));
  guint cols = 1 + self->columns->len;
  double avail_w = (W - GAP * (cols + 1)) / cols;
  double avail_h = (H - GAP * 3 - 2 * CAPTION) / 2;

  *pw = MAX (1, MIN (avail_w, avail_h * self->aspect));
  *ph = *pw / self->aspect;
  *x0 = floor ((W - (cols * *pw + (cols - 1) * GAP)) / 2);
  *y0 = floor ((H - (2 * (CAPTION + *ph) + GAP)) / 2);
}

static void
pane_rect (DdlCompareTiles *self, guint col, guint row, graphene_rect_t *r)
{
  double x0, y0, pw, ph;
  layout (self, &x0, &y0, &pw, &ph);
  graphene_rect_init (r, x0 + col * (pw + GAP), y0 + row * (CAPTION + ph + GAP) + CAPTION, pw,
                      ph);
}

gboolean
ddl_compare_tiles_get_pane (DdlCompareTiles *self, int model, DdlTileRow row,
                            graphene_rect_t *rect)
{
  if (model >= (int) self->columns->len || model < -1)
    return FALSE;
  pane_rect (self, (guint) (model + 1), model < 0 ? 0 : (guint) row, rect);
  return TRUE;
}

/* ---- drawing ------------------------------------------------------------------------- */

static void
draw_text (DdlCompareTiles *self, GtkSnapshot *snapshot, const char *text, double x, double y,
           double width, gboolean centred, const GdkRGBA *colour, gboolean bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  int tw, th;

  if (bold)
    {
      g_autofree char *escaped = g_markup_escape_text (text, -1);
      g_autofree char *markup = g_strdup_printf ("<b>%s</b>", escaped);
      pango_layout_set_markup (layout, markup, -1);
    }
  else
    pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (MAX (width, 1) * PANGO_SCALE));
  if (centred)
    {
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
    }
  else
    pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_size (layout, &tw, &th);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, centred ? y - th / 2.0 : y));
  gtk_snapshot_append_layout (snapshot, layout, colour);
  gtk_snapshot_restore (snapshot);
  g_object_unref (layout);
}

static int
text_width (DdlCompareTiles *self, const char *text, gboolean bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *markup = g_strdup_printf (bold ? "<b>%s</b>" : "%s", escaped);
  int w, h;
  pango_layout_set_markup (layout, markup, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  g_object_unref (layout);
  return w;
}

/* A caption above pane (col, row): a colour chip for models, then the text, or
 * `shorter` when the text does not fit. */
static void
draw_caption (DdlCompareTiles *self, GtkSnapshot *snapshot, guint col, guint row,
              const char *text, const char *shorter, const GdkRGBA *chip)
{
  static const GdkRGBA fg = { 0.92, 0.92, 0.93, 1 };
  graphene_rect_t r;
  double x;

  pane_rect (self, col, row, &r);
  if (shorter != NULL && text_width (self, text, chip != NULL) > r.size.width - (chip ? 17 : 0))
    text = shorter;
  x = r.origin.x;
  if (chip != NULL)
    {
      gtk_snapshot_append_color (snapshot, chip,
                                 &GRAPHENE_RECT_INIT (x, r.origin.y - CAPTION + 5, 12, 12));
      x += 17;
    }
  draw_text (self, snapshot, text, x, r.origin.y - CAPTION + 2, r.size.width - (x - r.origin.x),
             FALSE, &fg, chip != NULL);
}

/* A grey pane with a line of text (no score, no maps …). */
static void
draw_message (DdlCompareTiles *self, GtkSnapshot *snapshot, const graphene_rect_t *r,
              const char *text)
{
  static const GdkRGBA grey = { 0.27, 0.27, 0.29, 1 };
  static const GdkRGBA fg = { 0.80, 0.80, 0.82, 1 };
  gtk_snapshot_append_color (snapshot, &grey, r);
  draw_text (self, snapshot, text, r->origin.x + 6, r->origin.y + r->size.height / 2,
             r->size.width - 12, TRUE, &fg, FALSE);
}

static const char *
state_text (DdlTileState state)
{
  switch (state)
    {
    case DDL_TILE_NO_SCORE: return _("No score for this frame");
    case DDL_TILE_NO_MAPS:  return _("No maps");
    case DDL_TILE_LOADING:  return _("Loading maps…");
    case DDL_TILE_BAD_MAPS: return _("Maps do not fit the scores");
    case DDL_TILE_SHOWN:
    default:                return "";
    }
}

static void
draw_scale (DdlCompareTiles *self, GtkSnapshot *snapshot, const graphene_rect_t *r)
{
  static const GdkRGBA fg = { 0.80, 0.80, 0.82, 1 };
  double bar_h = MIN (18, r->size.height / 4), y = r->origin.y + r->size.height / 2 - bar_h;
  g_autofree char *top = g_strdup_printf ("%.3g", self->max_error);

  if (self->scale == NULL)
    {
      guint8 rgb[256 * 3];
      for (guint v = 0; v < 256; v++)
        ddl_error_colour (v / 255.0, rgb + v * 3);
      g_autoptr(GBytes) bytes = g_bytes_new (rgb, sizeof rgb);
      self->scale = gdk_memory_texture_new (256, 1, GDK_MEMORY_R8G8B8, bytes, 256 * 3);
    }
  gtk_snapshot_append_texture (snapshot, self->scale,
                               &GRAPHENE_RECT_INIT (r->origin.x, y, r->size.width, bar_h));
  draw_text (self, snapshot, "0", r->origin.x, y + bar_h + 2, r->size.width / 2, FALSE, &fg,
             FALSE);
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), top);
  int tw, th;
  pango_layout_get_pixel_size (layout, &tw, &th);
  g_object_unref (layout);
  draw_text (self, snapshot, top, r->origin.x + r->size.width - tw, y + bar_h + 2, tw + 1, FALSE,
             &fg, FALSE);
  draw_text (self, snapshot, _("Same scale for every model of this video"), r->origin.x + 4,
             y + bar_h + 2 + th + 14, r->size.width - 8, TRUE, &fg, FALSE);
}

static void
ddl_compare_tiles_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  DdlCompareTiles *self = DDL_COMPARE_TILES (widget);
  static const GdkRGBA background = { 0.078, 0.078, 0.086, 1 };
  static const GdkRGBA empty = { 0.16, 0.16, 0.18, 1 };
  static const GdkRGBA red = { 0.88, 0.11, 0.14, 1 };
  graphene_rect_t r;

  gtk_snapshot_append_color (snapshot, &background,
                             &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                  gtk_widget_get_height (widget)));
  /* The frame, with a red border when ground truth calls it anomalous. */
  pane_rect (self, 0, 0, &r);
  if (self->anomalous)
    {
      graphene_rect_t b;
      graphene_rect_inset_r (&r, -BORDER, -BORDER, &b);
      gtk_snapshot_append_color (snapshot, &red, &b);
    }
  if (self->frame != NULL)
    gtk_snapshot_append_texture (snapshot, self->frame, &r);
  else
    gtk_snapshot_append_color (snapshot, &empty, &r);
  draw_caption (self, snapshot, 0, 0, self->frame_caption ? self->frame_caption : "", NULL, NULL);
  if (!isnan (self->max_error) && self->columns->len > 0)
    {
      draw_caption (self, snapshot, 0, 1, _("Error scale"), NULL, NULL);
      pane_rect (self, 0, 1, &r);
      draw_scale (self, snapshot, &r);
    }

  for (guint i = 0; i < self->columns->len; i++)
    {
      Column *c = &g_array_index (self->columns, Column, i);
      g_autofree char *rec_caption = g_strdup_printf (_("%s reconstruction"), c->name ? c->name : "");
      g_autofree char *err_caption = g_strdup_printf (_("%s error"), c->name ? c->name : "");

      /* Narrow columns say the model's name alone over the reconstruction. */
      draw_caption (self, snapshot, i + 1, 0, rec_caption, c->name, &c->colour);
      draw_caption (self, snapshot, i + 1, 1, err_caption, NULL, &c->colour);
      for (guint row = 0; row < 2; row++)
        {
          GdkTexture *texture = row == 0 ? c->rec : c->err;
          pane_rect (self, i + 1, row, &r);
          if (c->state != DDL_TILE_SHOWN)
            draw_message (self, snapshot, &r, state_text (c->state));
          else if (texture == NULL)
            draw_message (self, snapshot, &r, _("Not kept by the scorer"));
          else
            gtk_snapshot_append_texture (snapshot, texture, &r);
        }
    }
}

static void
ddl_compare_tiles_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                           int *minimum, int *natural, int *minimum_baseline,
                           int *natural_baseline)
{
  DdlCompareTiles *self = DDL_COMPARE_TILES (widget);
  guint cols = 1 + self->columns->len;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = (int) (cols * 80 + (cols + 1) * GAP), *natural = (int) (cols * 240 + (cols + 1) * GAP);
  else
    *minimum = (int) (2 * (CAPTION + 60) + 3 * GAP), *natural = (int) (2 * (CAPTION + 180) + 3 * GAP);
}

static void
ddl_compare_tiles_finalize (GObject *object)
{
  DdlCompareTiles *self = DDL_COMPARE_TILES (object);
  g_clear_object (&self->frame);
  g_clear_object (&self->scale);
  g_free (self->frame_caption);
  g_array_unref (self->columns);
  G_OBJECT_CLASS (ddl_compare_tiles_parent_class)->finalize (object);
}

static void
ddl_compare_tiles_class_init (DdlCompareTilesClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = ddl_compare_tiles_finalize;
  widget_class->snapshot = ddl_compare_tiles_snapshot;
  widget_class->measure = ddl_compare_tiles_measure;
  gtk_widget_class_set_css_name (widget_class, "comparetiles");
}

static void
ddl_compare_tiles_init (DdlCompareTiles *self)
{
  self->columns = g_array_new (FALSE, TRUE, sizeof (Column));
  g_array_set_clear_func (self->columns, column_clear);
  self->aspect = 4.0 / 3.0;
  self->max_error = NAN;
}

GtkWidget *
ddl_compare_tiles_new (void)
{
  return g_object_new (DDL_TYPE_COMPARE_TILES, NULL);
}
