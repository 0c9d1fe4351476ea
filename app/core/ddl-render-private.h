/* ddl-render-private.h: what ddl-render.c (footage, maps, the encoding loop) shares
 * with ddl-render-draw.c (layout and Cairo drawing), and what the tests check pixels
 * against: the layout and the error colour map. */
#pragma once

#include <cairo.h>
#include "ddl-frame-source.h"
#include "ddl-plot.h"
#include "ddl-render.h"

G_BEGIN_DECLS

/* Where everything lands in an output frame, in pixels from its top-left corner.
 * Panes sit on whole pixels, so a pane at the footage's own size copies it exactly. */
typedef struct {
  guint       width, height;     /* the output frame, both even */
  guint       pane_width;        /* every pane: the footage's aspect at pane_height */
  guint       pane_height;
  guint       n_panes;           /* 1 + 2 per model with maps */
  guint       pane_y;            /* top of every pane */
  guint       pane_x0, pane_step;  /* pane i starts at pane_x0 + i * pane_step */
  double      font_size;         /* captions */
  DdlPlotRect strip;             /* the score strip's box */
  DdlPlotRect area;              /* its data area: frame f at area.x + (f + 0.5) * cell */
  double      legend_y;          /* centre line of the legend row */
} DdlRenderLayout;

void   _ddl_render_layout       (DdlRenderLayout *layout,
                                 guint            frame_width,
                                 guint            frame_height,
                                 guint            pane_height,
                                 guint            n_map_models);
guint  _ddl_render_pane_x       (const DdlRenderLayout *layout, guint pane);
/* The font size of the strip's legend and axes. */
double _ddl_render_strip_font_size (const DdlRenderLayout *layout);
/* The x of frame f's centre on the strip (the playhead), and the pixel column the
 * playhead's 3-pixel bar is centred on. */
double _ddl_render_frame_x      (const DdlRenderLayout *layout, guint n_frames, guint frame);
int    _ddl_render_playhead_column (const DdlRenderLayout *layout, guint n_frames, guint frame);

/* The perceptual error colour map (dark purple to pale yellow, luminance increasing),
 * t in [0, 1] (clamped). */

/* Colours the tests look for. */
#define DDL_RENDER_BACKGROUND 0xf2f2f4
#define DDL_RENDER_UNSCORED   0x8c8c94
#define DDL_RENDER_GT         0xe01b24   /* the border of ground-truth anomalous frames */
#define DDL_RENDER_PLAYHEAD   0x1a1a1f
#define DDL_RENDER_GT_BORDER  4          /* pixels, outside the frame pane */

/* A model with its maps loaded, as the drawing code needs it. */
typedef struct {
  const DdlRenderModel *spec;
  gboolean  has_maps;
  guint     map_width, map_height, channels;   /* channels 1 or 3 */
  guint     n_rows;
  guint8   *maps;        /* n_rows * map_height * map_width */
  guint8   *recs;        /* n_rows * channels * map_height * map_width */
  int      *row;         /* n_frames: the maps row of each frame, -1 = unscored */
  guint32   lut[256];    /* error byte -> xRGB on the video's scale shared by all models */
} DdlRenderModelData;

typedef struct {
  const DdlRenderOptions *options;
  DdlFrameSource     *source;
  guint               n_frames;
  DdlRenderModelData *models;
  guint               n_map_models;
  DdlRenderLayout     layout;
  double              y_lo, y_hi;       /* the strip's score axis */
  cairo_surface_t    *base;             /* everything that does not change per frame */
} DdlRenderer;

/* ddl-render-draw.c: draws the static parts into renderer->base (layout set). */
void     _ddl_render_draw_base  (DdlRenderer *renderer);
/* Composes frame `frame` (its footage pixels `rgb`, packed, native size) into
 * `target`, an RGB24 surface of the layout's size. */
void     _ddl_render_draw_frame (DdlRenderer     *renderer,
                                 cairo_surface_t *target,
                                 guint            frame,
                                 const guint8    *rgb);
/* Packs an RGB24 surface into width * 3 bytes per row. */
void     _ddl_render_surface_to_rgb (cairo_surface_t *surface, guint8 *rgb);

G_END_DECLS
