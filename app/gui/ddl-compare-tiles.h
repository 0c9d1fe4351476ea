/* ddl-compare-tiles.h: the compare view's grid of images for the current frame.
 *
 *   [ Frame 57 / 179     ] [ sdl reconstruction ] [ ddl reconstruction ] …
 *   [ error colour scale ] [ sdl error          ] [ ddl error          ] …
 *
 * One column per model, the frame once on the left (red border on ground-truth
 * anomalous frames), every pane at the frame's aspect ratio (a model's maps are at
 * its input size and are stretched back over the frame, as the model squashed it).
 * Error maps arrive already colour-mapped on the video's common scale, so brightness
 * compares across models; the scale bar under the frame says what full scale is.
 * A model without a score for the frame, or without maps, gets a grey pane saying so. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DDL_TYPE_COMPARE_TILES (ddl_compare_tiles_get_type ())
G_DECLARE_FINAL_TYPE (DdlCompareTiles, ddl_compare_tiles, DDL, COMPARE_TILES, GtkWidget)

typedef enum {
  DDL_TILE_SHOWN,      /* reconstruction (if the scorer kept it) and error map */
  DDL_TILE_NO_SCORE,   /* the model has no score for this frame */
  DDL_TILE_NO_MAPS,    /* the model has no maps folder, or not for this video */
  DDL_TILE_LOADING,    /* maps being read */
  DDL_TILE_BAD_MAPS,   /* maps that do not fit the model's scores */
} DdlTileState;

typedef enum {
  DDL_TILE_ROW_RECONSTRUCTION,
  DDL_TILE_ROW_ERROR,
} DdlTileRow;

GtkWidget   *ddl_compare_tiles_new        (void);
/* The frame (NULL: keep the pane empty), its caption and whether ground truth calls
 * it anomalous. `aspect` (width / height) sizes every pane even before a frame is
 * decoded. */
void         ddl_compare_tiles_set_frame  (DdlCompareTiles *self, GdkTexture *frame,
                                           const char *caption, gboolean anomalous,
                                           double aspect);
/* Number of model columns; models beyond it are dropped. */
void         ddl_compare_tiles_set_n_models (DdlCompareTiles *self, guint n);
/* Model column i: its name and colour, state, and (when shown) the reconstruction
 * (may be NULL when the scorer did not keep it) and the colour-mapped error map. */
void         ddl_compare_tiles_set_model  (DdlCompareTiles *self, guint i, const char *name,
                                           const GdkRGBA *colour, DdlTileState state,
                                           GdkTexture *reconstruction, GdkTexture *error_map);
/* The error value at the top of the colour scale (maps are 0..255 = error x 255, so
 * 1.0 is a full-scale 255); NAN hides the scale. */
void         ddl_compare_tiles_set_scale  (DdlCompareTiles *self, double max_error);

/* Inspection, for tests: where pane (model, row) is drawn (model -1 = the frame, row
 * ignored), in widget coordinates; FALSE when there is no such pane. */
gboolean     ddl_compare_tiles_get_pane   (DdlCompareTiles *self, int model, DdlTileRow row,
                                           graphene_rect_t *rect);
DdlTileState ddl_compare_tiles_get_state  (DdlCompareTiles *self, guint model);
guint        ddl_compare_tiles_get_n_models (DdlCompareTiles *self);

G_END_DECLS
