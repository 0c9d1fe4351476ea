/* ddl-frame-view.h: the current frame with its overlays.
 *
 * Shows the frame fitted to the widget with its aspect ratio kept (or at 1:1), and on
 * top of it: the model's error map as a heat map (colour map, adjustable opacity), the
 * patch with the highest mean error (the frame score's location), the object boxes,
 * and a badge with the ground-truth state. In split mode the input, reconstruction
 * and error map are shown side by side. */
#pragma once

#include <gtk/gtk.h>
#include "ddl-boxes.h"

G_BEGIN_DECLS

#define DDL_TYPE_FRAME_VIEW (ddl_frame_view_get_type ())
G_DECLARE_FINAL_TYPE (DdlFrameView, ddl_frame_view, DDL, FRAME_VIEW, GtkWidget)

typedef enum {
  DDL_TRUTH_UNKNOWN,
  DDL_TRUTH_NORMAL,
  DDL_TRUTH_ANOMALOUS,
} DdlTruthState;

GtkWidget *ddl_frame_view_new               (void);
/* Packed RGB8, stride width * 3; NULL clears. */
void       ddl_frame_view_set_frame         (DdlFrameView *self, GBytes *rgb, guint width,
                                             guint height);
gboolean   ddl_frame_view_has_frame         (DdlFrameView *self);
/* The frame shown (not a copy), or NULL. */
GdkTexture *ddl_frame_view_get_texture      (DdlFrameView *self);
/* Error map (height, width) in 0..255, any size (it is stretched over the frame);
 * NULL clears. The patch box is found here, `patch` pixels of the map square. */
void       ddl_frame_view_set_error_map     (DdlFrameView *self, const guint8 *map, guint width,
                                             guint height, guint patch);
/* Reconstruction (channels, height, width) in 0..255; NULL clears. */
void       ddl_frame_view_set_reconstruction (DdlFrameView *self, const guint8 *rec,
                                              guint channels, guint width, guint height);
/* Boxes of the frame (copied); n = 0 clears. */
void       ddl_frame_view_set_boxes         (DdlFrameView *self, const DdlBox *boxes, guint n);
void       ddl_frame_view_set_truth         (DdlFrameView *self, DdlTruthState state,
                                             gboolean marked);
/* The patch box as fractions of the frame; FALSE without an error map. */
gboolean   ddl_frame_view_get_patch_box     (DdlFrameView *self, double box[4]);
/* Where the frame is drawn (the input pane in split mode). */
void       ddl_frame_view_get_frame_rect    (DdlFrameView *self, graphene_rect_t *rect);

G_END_DECLS
