/* ddl-preview-tiles.h: the training window's live tiles: the training window (the
 * clean centre frame of a batch sample), its pseudo-anomalous version with the mask
 * outlined, and the reconstruction of each, captioned. Made from the trainer's float
 * planes as textures (gray replicated when the model has one channel, small frames
 * enlarged by whole pixels so they stay sharp). */
#pragma once

#include <gtk/gtk.h>
#include "ddl-trainer.h"

G_BEGIN_DECLS

typedef enum {
  DDL_PREVIEW_TILE_CLEAN,
  DDL_PREVIEW_TILE_PSEUDO,
  DDL_PREVIEW_TILE_REC_CLEAN,
  DDL_PREVIEW_TILE_REC_PSEUDO,
  DDL_PREVIEW_N_TILES
} DdlPreviewTile;

#define DDL_TYPE_PREVIEW_TILES (ddl_preview_tiles_get_type ())
G_DECLARE_FINAL_TYPE (DdlPreviewTiles, ddl_preview_tiles, DDL, PREVIEW_TILES, GtkWidget)

GtkWidget  *ddl_preview_tiles_new         (void);
/* Copies what it needs; pseudo planes NULL (the baseline) leave those tiles empty. */
void        ddl_preview_tiles_set         (DdlPreviewTiles *self, const DdlTrainPreview *preview);
void        ddl_preview_tiles_clear       (DdlPreviewTiles *self);
/* The tile's texture, or NULL (for tests). */
GdkTexture *ddl_preview_tiles_get_texture (DdlPreviewTiles *self, DdlPreviewTile tile);
/* Previews shown so far. */
guint       ddl_preview_tiles_get_n_updates (DdlPreviewTiles *self);

/* The RGB8 image of a (C, H, W) float plane in [0, 1], enlarged `scale` times;
 * `mask` (H, W), when given, is outlined in red. Exposed for tests. */
guint8     *ddl_preview_tiles_render_rgb  (const float *planes, guint channels, guint width,
                                           guint height, const float *mask, guint scale);

G_END_DECLS
