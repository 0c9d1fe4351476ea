/* ddl-render-layout.c: where the panes and the score strip of a rendered comparison
 * video go, and its error colour map (see ddl-render-private.h). Kept apart from the
 * drawing so the tests can predict pixels from the same numbers. */
#include "config.h"

#include "ddl-render-private.h"

#include <math.h>
#include <string.h>

#define MARGIN       12
#define GAP          14     /* between panes; room for the ground-truth border */
#define MIN_WIDTH    360    /* narrow footage still gets a readable strip */
#define MIN_STRIP    110

/* ---- layout -------------------------------------------------------------------------- */

static guint
round_up_even (double v)
{
  guint n = (guint) ceil (v);
  return n + (n & 1);
}

double
_ddl_render_strip_font_size (const DdlRenderLayout *l)
{
  return MAX (l->font_size - 2, 11);
}

void
_ddl_render_layout (DdlRenderLayout *l, guint frame_width, guint frame_height, guint pane_height,
                    guint n_map_models)
{
  double caption_h, sfont, legend_h, axis_h, label_w;
  guint content_w;

  memset (l, 0, sizeof *l);
  l->pane_height = pane_height;
  l->pane_width = MAX (1, (guint) floor ((double) pane_height * frame_width / frame_height + 0.5));
  l->n_panes = 1 + 2 * n_map_models;
  l->font_size = CLAMP (floor (pane_height * 0.06 + 0.5), 12, 20);
  caption_h = ceil (l->font_size * 1.8);
  l->pane_x0 = MARGIN;
  l->pane_step = l->pane_width + GAP;
  l->pane_y = MARGIN + (guint) caption_h;

  content_w = 2 * MARGIN + l->n_panes * l->pane_width + (l->n_panes - 1) * GAP;
  l->width = round_up_even (MAX (content_w, MIN_WIDTH));

  l->strip.x = MARGIN;
  l->strip.y = l->pane_y + pane_height + GAP;
  l->strip.width = l->width - 2 * MARGIN;
  l->strip.height = MAX (pane_height / 2, MIN_STRIP);
  l->height = round_up_even (l->strip.y + l->strip.height + MARGIN);

  /* Inside the strip: a legend row on top, the frame axis below, score labels left. */
  sfont = _ddl_render_strip_font_size (l);
  legend_h = ceil (sfont * 2.0);
  axis_h = ceil (sfont * 1.8);
  label_w = ceil (sfont * 3.6);
  l->legend_y = l->strip.y + legend_h / 2;
  l->area.x = l->strip.x + label_w;
  l->area.y = l->strip.y + legend_h;
  l->area.width = MAX (l->strip.x + l->strip.width - 10 - l->area.x, 1);
  l->area.height = MAX (l->strip.height - legend_h - axis_h, 1);
}

guint
_ddl_render_pane_x (const DdlRenderLayout *l, guint pane)
{
  return l->pane_x0 + pane * l->pane_step;
}

double
_ddl_render_frame_x (const DdlRenderLayout *l, guint n_frames, guint frame)
{
  return l->area.x + (frame + 0.5) * l->area.width / MAX (n_frames, 1);
}

int
_ddl_render_playhead_column (const DdlRenderLayout *l, guint n_frames, guint frame)
{
  return (int) floor (_ddl_render_frame_x (l, n_frames, frame));
}

/* ---- colour map --------------------------------------------------------------------- */

