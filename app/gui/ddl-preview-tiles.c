/* The live training tiles (see ddl-preview-tiles.h). */
#define G_LOG_DOMAIN "Ddl-Studio"

#include "config.h"
#include "ddl-preview-tiles.h"

#include <glib/gi18n.h>
#include <math.h>

/* Frames smaller than this are enlarged by whole pixels (nearest neighbour). */
#define TARGET_SIZE 144

struct _DdlPreviewTiles {
  GtkWidget   parent_instance;
  GtkPicture *pictures[DDL_PREVIEW_N_TILES];
  GtkLabel   *captions[DDL_PREVIEW_N_TILES];
  GdkTexture *textures[DDL_PREVIEW_N_TILES];
  guint       n_updates;
};

G_DEFINE_FINAL_TYPE (DdlPreviewTiles, ddl_preview_tiles, GTK_TYPE_WIDGET)

static guint8
to_byte (float v)
{
  return (guint8) (CLAMP (isnan (v) ? 0.f : v, 0.f, 1.f) * 255.f + 0.5f);
}

static gboolean
inside (const float *mask, guint w, guint h, int x, int y)
{
  return x >= 0 && y >= 0 && x < (int) w && y < (int) h && mask[(gsize) y * w + x] > 0.5f;
}

guint8 *
ddl_preview_tiles_render_rgb (const float *planes, guint channels, guint width, guint height,
                              const float *mask, guint scale)
{
  gsize hw = (gsize) width * height;
  guint sw = width * scale;
  guint8 *rgb = g_new (guint8, (gsize) sw * height * scale * 3);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        gsize i = (gsize) y * width + x;
        guint8 px[3];
        for (guint c = 0; c < 3; c++)
          px[c] = to_byte (planes[(channels == 3 ? c : 0) * hw + i]);
        /* The outline: mask pixels with a 4-neighbour outside the mask. */
        if (mask != NULL && inside (mask, width, height, x, y)
            && (!inside (mask, width, height, x - 1, y) || !inside (mask, width, height, x + 1, y)
                || !inside (mask, width, height, x, y - 1) || !inside (mask, width, height, x, y + 1)))
          px[0] = 0xe0, px[1] = 0x1b, px[2] = 0x24;
        for (guint dy = 0; dy < scale; dy++)
          for (guint dx = 0; dx < scale; dx++)
            {
              guint8 *out = rgb + (((gsize) y * scale + dy) * sw + x * scale + dx) * 3;
              out[0] = px[0], out[1] = px[1], out[2] = px[2];
            }
      }
  return rgb;
}

static void
set_tile (DdlPreviewTiles *self, DdlPreviewTile tile, const float *planes,
          const DdlTrainPreview *p, const float *mask)
{
  g_clear_object (&self->textures[tile]);
  if (planes != NULL)
    {
      guint scale = MAX (1u, TARGET_SIZE / MAX (p->width, p->height));
      guint8 *rgb = ddl_preview_tiles_render_rgb (planes, p->channels, p->width, p->height, mask,
                                                  scale);
      gsize stride = (gsize) p->width * scale * 3;
      g_autoptr(GBytes) bytes = g_bytes_new_take (rgb, stride * p->height * scale);
      self->textures[tile] = gdk_memory_texture_new (p->width * scale, p->height * scale,
                                                     GDK_MEMORY_R8G8B8, bytes, stride);
    }
  gtk_picture_set_paintable (self->pictures[tile], GDK_PAINTABLE (self->textures[tile]));
}

void
ddl_preview_tiles_set (DdlPreviewTiles *self, const DdlTrainPreview *p)
{
  set_tile (self, DDL_PREVIEW_TILE_CLEAN, p->clean, p, NULL);
  set_tile (self, DDL_PREVIEW_TILE_PSEUDO, p->pseudo, p, p->mask);
  set_tile (self, DDL_PREVIEW_TILE_REC_CLEAN, p->rec_clean, p, NULL);
  set_tile (self, DDL_PREVIEW_TILE_REC_PSEUDO, p->rec_pseudo, p, NULL);
  gtk_label_set_text (self->captions[DDL_PREVIEW_TILE_PSEUDO],
                      p->pseudo != NULL ? _("Pseudo anomaly (mask outlined)")
                                        : _("No pseudo anomaly (baseline)"));
  self->n_updates++;
}

void
ddl_preview_tiles_clear (DdlPreviewTiles *self)
{
  for (guint t = 0; t < DDL_PREVIEW_N_TILES; t++)
    {
      g_clear_object (&self->textures[t]);
      gtk_picture_set_paintable (self->pictures[t], NULL);
    }
  self->n_updates = 0;
}

GdkTexture *
ddl_preview_tiles_get_texture (DdlPreviewTiles *self, DdlPreviewTile tile)
{
  g_return_val_if_fail (tile < DDL_PREVIEW_N_TILES, NULL);
  return self->textures[tile];
}

guint
ddl_preview_tiles_get_n_updates (DdlPreviewTiles *self)
{
  return self->n_updates;
}

static void
ddl_preview_tiles_dispose (GObject *object)
{
  DdlPreviewTiles *self = DDL_PREVIEW_TILES (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  for (guint t = 0; t < DDL_PREVIEW_N_TILES; t++)
    g_clear_object (&self->textures[t]);
  G_OBJECT_CLASS (ddl_preview_tiles_parent_class)->dispose (object);
}

static void
ddl_preview_tiles_class_init (DdlPreviewTilesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ddl_preview_tiles_dispose;
  /* A grid, so the pictures line up whatever their captions' line counts. */
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_GRID_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "previewtiles");
}

static void
place (GtkLayoutManager *layout, GtkWidget *child, int column, int row)
{
  GtkGridLayoutChild *c = GTK_GRID_LAYOUT_CHILD (gtk_layout_manager_get_layout_child (layout, child));
  gtk_grid_layout_child_set_column (c, column);
  gtk_grid_layout_child_set_row (c, row);
}

static void
ddl_preview_tiles_init (DdlPreviewTiles *self)
{
  const char *captions[DDL_PREVIEW_N_TILES] = {
    N_("Training window"), N_("Pseudo anomaly (mask outlined)"),
    N_("Reconstruction"), N_("Reconstruction of the pseudo anomaly") };
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_grid_layout_set_column_spacing (GTK_GRID_LAYOUT (layout), 8);
  gtk_grid_layout_set_row_spacing (GTK_GRID_LAYOUT (layout), 4);
  gtk_grid_layout_set_column_homogeneous (GTK_GRID_LAYOUT (layout), TRUE);
  for (guint t = 0; t < DDL_PREVIEW_N_TILES; t++)
    {
      GtkWidget *frame = gtk_frame_new (NULL);
      GtkWidget *picture = gtk_picture_new ();
      GtkWidget *caption = gtk_label_new (_(captions[t]));

      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
      gtk_widget_set_size_request (picture, 96, 96);
      gtk_frame_set_child (GTK_FRAME (frame), picture);
      gtk_widget_set_hexpand (frame, TRUE);
      gtk_widget_set_vexpand (frame, TRUE);
      gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
      gtk_label_set_justify (GTK_LABEL (caption), GTK_JUSTIFY_CENTER);
      gtk_label_set_max_width_chars (GTK_LABEL (caption), 18);
      gtk_widget_set_valign (caption, GTK_ALIGN_START);
      gtk_widget_add_css_class (caption, "caption");
      gtk_widget_set_parent (frame, GTK_WIDGET (self));
      gtk_widget_set_parent (caption, GTK_WIDGET (self));
      place (layout, frame, (int) t, 0);
      place (layout, caption, (int) t, 1);
      self->pictures[t] = GTK_PICTURE (picture);
      self->captions[t] = GTK_LABEL (caption);
    }
}

GtkWidget *
ddl_preview_tiles_new (void)
{
  return g_object_new (DDL_TYPE_PREVIEW_TILES, NULL);
}
