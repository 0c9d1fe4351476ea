/* ddl-render-draw.c: the Cairo drawing of a rendered comparison video (see
 * ddl-render.h; the layout is in ddl-render-layout.c). The score strip, the
 * background and every other part that is the same in all frames are drawn once into
 * a base surface; each output frame is a copy of it with the panes, captions and
 * playhead drawn on top, which keeps composing a frame far cheaper than encoding it. */
#include "config.h"

#include "ddl-plot-private.h"
#include "ddl-render-private.h"

#include <math.h>
#include <string.h>

#define CAPTION_TEXT 0x241f31
#define STRIP_TEXT   0x3d3846
#define THRESHOLD    0x3d3846

/* ---- helpers ------------------------------------------------------------------------- */

static void
fill_rect (cairo_t *cr, double x, double y, double w, double h, guint32 rgb)
{
  _ddl_plot_set_colour (cr, rgb, 1);
  cairo_rectangle (cr, x, y, w, h);
  cairo_fill (cr);
}

/* Paints `image` stretched over the pane at (x, y): bilinear when enlarging,
 * averaging when shrinking by more than a little (bilinear would alias). */
static void
paint_scaled (cairo_t *cr, cairo_surface_t *image, double x, double y, double w, double h)
{
  double sx = w / cairo_image_surface_get_width (image);
  double sy = h / cairo_image_surface_get_height (image);

  cairo_save (cr);
  cairo_rectangle (cr, x, y, w, h);
  cairo_clip (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, sx, sy);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_pattern_set_filter (cairo_get_source (cr),
                            sx == 1 && sy == 1 ? CAIRO_FILTER_NEAREST
                            : sx < 0.75 || sy < 0.75 ? CAIRO_FILTER_GOOD
                            : CAIRO_FILTER_BILINEAR);
  cairo_paint (cr);
  cairo_restore (cr);
}

/* A caption above pane `pane`, clipped to the pane's width. */
static void
caption (cairo_t *cr, const DdlRenderLayout *l, guint pane, const char *text, guint32 rgb,
         gboolean bold)
{
  double x = _ddl_render_pane_x (l, pane);

  cairo_save (cr);
  cairo_rectangle (cr, x, 0, l->pane_width, l->pane_y);
  cairo_clip (cr);
  _ddl_plot_set_font (cr, l->font_size, bold);
  _ddl_plot_set_colour (cr, rgb, 1);
  _ddl_plot_show_text (cr, text, x, l->pane_y - 4, 0, 1);
  cairo_restore (cr);
}

/* ---- the static base: background and score strip --------------------------------------- */

static double
value_y (const DdlRenderer *r, double v)
{
  const DdlPlotRect *a = &r->layout.area;
  return a->y + a->height * (r->y_hi - v) / (r->y_hi - r->y_lo);
}

/* The score axis over every model's curve and the threshold, with 5 % room. */
static void
score_range (DdlRenderer *r)
{
  const DdlRenderOptions *o = r->options;
  double lo = INFINITY, hi = -INFINITY;

  for (guint m = 0; m < o->n_models; m++)
    for (guint f = 0; f < r->n_frames; f++)
      if (isfinite (o->models[m].curve[f]))
        {
          lo = MIN (lo, o->models[m].curve[f]);
          hi = MAX (hi, o->models[m].curve[f]);
        }
  if (isfinite (o->threshold))
    lo = MIN (lo, o->threshold), hi = MAX (hi, o->threshold);
  if (!isfinite (lo))
    lo = 0, hi = 1;
  if (hi - lo < 1e-12 * MAX (fabs (hi), 1.0))
    {
      double pad = MAX (fabs (hi) * 0.1, 0.5);
      lo -= pad, hi += pad;
    }
  r->y_lo = lo - 0.05 * (hi - lo);
  r->y_hi = hi + 0.05 * (hi - lo);
}

static void
draw_curve (cairo_t *cr, const DdlRenderer *r, const double *curve)
{
  gboolean pen = FALSE;

  for (guint f = 0; f < r->n_frames; f++)
    {
      double x = _ddl_render_frame_x (&r->layout, r->n_frames, f);
      if (!isfinite (curve[f]))
        {
          pen = FALSE;
          continue;
        }
      if (pen)
        cairo_line_to (cr, x, value_y (r, curve[f]));
      else if (f + 1 < r->n_frames && isfinite (curve[f + 1]))
        cairo_move_to (cr, x, value_y (r, curve[f]));
      else
        {
          /* a lone score between gaps: a dot, or it would vanish */
          cairo_stroke (cr);
          cairo_arc (cr, x, value_y (r, curve[f]), 1.8, 0, 2 * G_PI);
          cairo_fill (cr);
          continue;
        }
      pen = TRUE;
    }
  cairo_stroke (cr);
}

/* A round step (1, 2 or 5 times a power of ten) giving about `target` ticks. */
static double
round_step (double range, double target)
{
  double raw = range / MAX (target, 1.0);
  double mag = pow (10, floor (log10 (raw)));
  double f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

/* Score ticks at round values with faint grid lines across the data area. */
static void
draw_score_axis (cairo_t *cr, const DdlRenderer *r)
{
  const DdlPlotRect *a = &r->layout.area;
  double step = round_step (r->y_hi - r->y_lo, MAX (a->height / 28, 2));
  int decimals = step >= 1 ? 0 : (int) ceil (-log10 (step) - 1e-9);

  _ddl_plot_set_font (cr, _ddl_render_strip_font_size (&r->layout), FALSE);
  cairo_set_line_width (cr, 1);
  for (double v = ceil (r->y_lo / step) * step; v <= r->y_hi; v += step)
    {
      char buf[32];
      double y = floor (value_y (r, v)) + 0.5;
      _ddl_plot_set_colour (cr, 0xe6e6ea, 1);
      cairo_move_to (cr, a->x, y);
      cairo_line_to (cr, a->x + a->width, y);
      cairo_stroke (cr);
      g_snprintf (buf, sizeof buf, "%.*f", decimals, fabs (v) < step * 1e-6 ? 0.0 : v);
      _ddl_plot_set_colour (cr, STRIP_TEXT, 1);
      _ddl_plot_show_text (cr, buf, a->x - 5, y, 1, 0.5);
    }
}

/* Frame numbers under the strip at a round step. */
static void
draw_frame_axis (cairo_t *cr, const DdlRenderer *r)
{
  const DdlPlotRect *a = &r->layout.area;
  guint step = MAX (1, (guint) round_step (MAX (r->n_frames, 2), MAX (a->width / 90, 2)));

  _ddl_plot_set_font (cr, _ddl_render_strip_font_size (&r->layout), FALSE);
  cairo_set_line_width (cr, 1);
  for (guint t = 0; t < r->n_frames; t += step)
    {
      char buf[32];
      double x = floor (_ddl_render_frame_x (&r->layout, r->n_frames, t)) + 0.5;
      _ddl_plot_set_colour (cr, 0x9a9996, 1);
      cairo_move_to (cr, x, a->y + a->height);
      cairo_line_to (cr, x, a->y + a->height + 4);
      cairo_stroke (cr);
      g_snprintf (buf, sizeof buf, "%u", t);
      _ddl_plot_set_colour (cr, STRIP_TEXT, 1);
      _ddl_plot_show_text (cr, buf, x, a->y + a->height + 6, 0.5, 0);
    }
}

/* One row of entries from the strip's left edge: model names in their colours, then
 * the ground truth and the threshold when drawn. */
static void
draw_legend (cairo_t *cr, const DdlRenderer *r)
{
  const DdlRenderOptions *o = r->options;
  const DdlRenderLayout *l = &r->layout;
  double x = l->area.x, right = l->strip.x + l->strip.width - 8;
  g_autofree char *threshold = NULL;

  cairo_save (cr);
  cairo_rectangle (cr, l->strip.x, l->strip.y, l->strip.width, l->area.y - l->strip.y);
  cairo_clip (cr);
  _ddl_plot_set_font (cr, _ddl_render_strip_font_size (l), FALSE);
  for (guint i = 0; i < o->n_models + 2; i++)
    {
      const char *text = NULL;
      int kind = 0;
      guint32 rgb = 0;
      cairo_text_extents_t ext;

      if (i < o->n_models)
        text = o->models[i].name != NULL ? o->models[i].name : "score",
        rgb = _ddl_plot_palette[i % DDL_PLOT_N_COLOURS];
      else if (i == o->n_models && o->labels != NULL)
        text = "anomalous (ground truth)", kind = 1, rgb = DDL_RENDER_GT;
      else if (i == o->n_models + 1 && isfinite (o->threshold))
        {
          threshold = g_strdup_printf ("threshold %.4g", o->threshold);
          text = threshold, kind = 2, rgb = THRESHOLD;
        }
      if (text == NULL)
        continue;
      cairo_text_extents (cr, text, &ext);
      if (x + 24 + ext.x_advance > right && x > l->area.x)
        break;   /* no room left: the curves' colours still match the panes' captions */
      _ddl_plot_legend_swatch (cr, x, l->legend_y, kind, rgb);
      _ddl_plot_set_colour (cr, STRIP_TEXT, 1);
      _ddl_plot_show_text (cr, text, x + 24, l->legend_y, 0, 0.5);
      x += 24 + ext.x_advance + 18;
    }
  cairo_restore (cr);
}

void
_ddl_render_draw_base (DdlRenderer *r)
{
  const DdlRenderOptions *o = r->options;
  const DdlRenderLayout *l = &r->layout;
  const DdlPlotRect *a = &l->area;
  static const double dash[] = { 6, 4 };
  cairo_t *cr;

  score_range (r);
  cr = cairo_create (r->base);
  _ddl_plot_set_colour (cr, DDL_RENDER_BACKGROUND, 1);
  cairo_paint (cr);

  fill_rect (cr, l->strip.x, l->strip.y, l->strip.width, l->strip.height, 0xffffff);
  draw_score_axis (cr, r);
  if (o->labels != NULL)
    {
      double cell = a->width / r->n_frames;
      _ddl_plot_set_colour (cr, DDL_RENDER_GT, 0.15);
      for (guint f = 0; f < r->n_frames; f++)
        {
          guint end = f;
          if (!o->labels[f])
            continue;
          while (end < r->n_frames && o->labels[end])
            end++;
          cairo_rectangle (cr, a->x + f * cell, a->y, (end - f) * cell, a->height);
          f = end;
        }
      cairo_fill (cr);
    }
  if (isfinite (o->threshold))
    {
      double y = floor (value_y (r, o->threshold)) + 0.5;
      _ddl_plot_set_colour (cr, THRESHOLD, 0.9);
      cairo_set_line_width (cr, 1);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, a->x, y);
      cairo_line_to (cr, a->x + a->width, y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  cairo_save (cr);
  cairo_rectangle (cr, a->x, a->y, a->width, a->height);
  cairo_clip (cr);
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  /* the first model on top: drawn last */
  for (guint m = o->n_models; m-- > 0;)
    {
      _ddl_plot_set_colour (cr, _ddl_plot_palette[m % DDL_PLOT_N_COLOURS], 1);
      draw_curve (cr, r, o->models[m].curve);
    }
  cairo_restore (cr);
  _ddl_plot_frame_area (cr, a);

  draw_frame_axis (cr, r);
  draw_legend (cr, r);
  cairo_destroy (cr);
  cairo_surface_flush (r->base);
}

/* ---- one frame ------------------------------------------------------------------------ */

/* An RGB24 surface holding packed RGB, gray (channels 1) or planar RGB (3) bytes. */
static cairo_surface_t *
image_from_bytes (const guint8 *src, guint width, guint height, gboolean planar, guint channels)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  gsize plane = (gsize) width * height;

  for (guint y = 0; y < height; y++)
    {
      guint32 *row = (guint32 *) (data + (gsize) y * stride);
      for (guint x = 0; x < width; x++)
        {
          gsize i = (gsize) y * width + x;
          guint8 r, g, b;
          if (!planar)
            r = src[3 * i], g = src[3 * i + 1], b = src[3 * i + 2];
          else if (channels == 1)
            r = g = b = src[i];
          else
            r = src[i], g = src[plane + i], b = src[2 * plane + i];
          row[x] = (guint32) r << 16 | (guint32) g << 8 | b;
        }
    }
  cairo_surface_mark_dirty (s);
  return s;
}

static cairo_surface_t *
error_image (const DdlRenderModelData *d, const guint8 *map)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, d->map_width,
                                                   d->map_height);
  guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);

  for (guint y = 0; y < d->map_height; y++)
    {
      guint32 *row = (guint32 *) (data + (gsize) y * stride);
      for (guint x = 0; x < d->map_width; x++)
        row[x] = d->lut[map[(gsize) y * d->map_width + x]];
    }
  cairo_surface_mark_dirty (s);
  return s;
}

static void
unscored_pane (cairo_t *cr, const DdlRenderLayout *l, double x)
{
  fill_rect (cr, x, l->pane_y, l->pane_width, l->pane_height, DDL_RENDER_UNSCORED);
  cairo_save (cr);
  cairo_rectangle (cr, x, l->pane_y, l->pane_width, l->pane_height);
  cairo_clip (cr);
  _ddl_plot_set_font (cr, l->font_size, FALSE);
  cairo_set_source_rgb (cr, 1, 1, 1);
  _ddl_plot_show_text (cr, "no score", x + l->pane_width / 2.0,
                       l->pane_y + l->pane_height / 2.0 - 2, 0.5, 1);
  _ddl_plot_set_font (cr, MAX (l->font_size - 3, 10), FALSE);
  _ddl_plot_show_text (cr, "(window edge)", x + l->pane_width / 2.0,
                       l->pane_y + l->pane_height / 2.0 + 2, 0.5, 0);
  cairo_restore (cr);
}

static void
draw_model_panes (cairo_t *cr, DdlRenderer *r, const DdlRenderModelData *d, guint pane,
                  guint frame)
{
  const DdlRenderLayout *l = &r->layout;
  const char *name = d->spec->name != NULL ? d->spec->name : "model";
  double rx = _ddl_render_pane_x (l, pane), ex = _ddl_render_pane_x (l, pane + 1);
  double value = d->spec->curve[frame];
  int row = d->row[frame];
  g_autofree char *rec_caption = g_strdup_printf ("%s reconstruction", name);
  g_autofree char *err_caption = NULL;

  if (row < 0)
    {
      unscored_pane (cr, l, rx);
      unscored_pane (cr, l, ex);
      err_caption = g_strdup_printf ("%s error", name);
    }
  else
    {
      gsize hw = (gsize) d->map_width * d->map_height;
      cairo_surface_t *rec = image_from_bytes (d->recs + (gsize) row * hw * d->channels,
                                               d->map_width, d->map_height, TRUE, d->channels);
      cairo_surface_t *err = error_image (d, d->maps + (gsize) row * hw);
      paint_scaled (cr, rec, rx, l->pane_y, l->pane_width, l->pane_height);
      paint_scaled (cr, err, ex, l->pane_y, l->pane_width, l->pane_height);
      cairo_surface_destroy (rec);
      cairo_surface_destroy (err);
      err_caption = isfinite (value) ? g_strdup_printf ("%s error · score %.3g", name, value)
                                     : g_strdup_printf ("%s error", name);
    }
  caption (cr, l, pane, rec_caption, CAPTION_TEXT, FALSE);
  caption (cr, l, pane + 1, err_caption, CAPTION_TEXT, FALSE);
  /* a colour tick before the caption ties the panes to their curve */
  for (guint k = 0; k < 2; k++)
    fill_rect (cr, _ddl_render_pane_x (l, pane + k), l->pane_y - 2, l->pane_width, 2,
               _ddl_plot_palette[(d - r->models) % DDL_PLOT_N_COLOURS]);
}

static void
draw_playhead (cairo_t *cr, DdlRenderer *r, guint frame)
{
  const DdlRenderOptions *o = r->options;
  const DdlRenderLayout *l = &r->layout;
  const DdlPlotRect *a = &l->area;
  int column = _ddl_render_playhead_column (l, r->n_frames, frame);
  double x = _ddl_render_frame_x (l, r->n_frames, frame);

  fill_rect (cr, column - 1, a->y, 3, a->height, DDL_RENDER_PLAYHEAD);
  /* where each curve is now, as a dot with a white rim */
  cairo_set_line_width (cr, 1.5);
  for (guint m = o->n_models; m-- > 0;)
    {
      double v = o->models[m].curve[frame];
      if (!isfinite (v))
        continue;
      cairo_arc (cr, x, value_y (r, v), 4, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_stroke_preserve (cr);
      _ddl_plot_set_colour (cr, _ddl_plot_palette[m % DDL_PLOT_N_COLOURS], 1);
      cairo_fill (cr);
    }
}

void
_ddl_render_draw_frame (DdlRenderer *r, cairo_surface_t *target, guint frame, const guint8 *rgb)
{
  const DdlRenderOptions *o = r->options;
  const DdlRenderLayout *l = &r->layout;
  gboolean anomalous = o->labels != NULL && o->labels[frame];
  guint fw = ddl_frame_source_get_width (r->source), fh = ddl_frame_source_get_height (r->source);
  g_autofree char *text = NULL;
  cairo_surface_t *image;
  cairo_t *cr;

  cairo_surface_flush (target);
  memcpy (cairo_image_surface_get_data (target), cairo_image_surface_get_data (r->base),
          (gsize) cairo_image_surface_get_stride (r->base) * l->height);
  cairo_surface_mark_dirty (target);
  cr = cairo_create (target);

  image = image_from_bytes (rgb, fw, fh, FALSE, 3);
  paint_scaled (cr, image, l->pane_x0, l->pane_y, l->pane_width, l->pane_height);
  cairo_surface_destroy (image);
  if (anomalous)
    {
      guint b = DDL_RENDER_GT_BORDER;
      double x = l->pane_x0, y = l->pane_y, w = l->pane_width, h = l->pane_height;
      _ddl_plot_set_colour (cr, DDL_RENDER_GT, 1);
      cairo_rectangle (cr, x - b, y - b, w + 2 * b, b);
      cairo_rectangle (cr, x - b, y + h, w + 2 * b, b);
      cairo_rectangle (cr, x - b, y, b, h);
      cairo_rectangle (cr, x + w, y, b, h);
      cairo_fill (cr);
    }
  /* 0-based, out of the last frame, as everywhere in the app and the score files. */
  text = g_strdup_printf ("Frame %u / %u", frame, r->n_frames - 1);
  caption (cr, l, 0, text, CAPTION_TEXT, TRUE);
  if (anomalous)
    {
      cairo_text_extents_t ext;
      _ddl_plot_set_font (cr, l->font_size, TRUE);
      cairo_text_extents (cr, text, &ext);
      cairo_save (cr);
      cairo_rectangle (cr, l->pane_x0, 0, l->pane_width, l->pane_y);
      cairo_clip (cr);
      _ddl_plot_set_font (cr, l->font_size, FALSE);
      _ddl_plot_set_colour (cr, 0xc01c28, 1);
      _ddl_plot_show_text (cr, "  anomalous", l->pane_x0 + ext.x_advance, l->pane_y - 4, 0, 1);
      cairo_restore (cr);
    }

  for (guint m = 0, pane = 1; m < o->n_models; m++)
    if (r->models[m].has_maps)
      {
        draw_model_panes (cr, r, &r->models[m], pane, frame);
        pane += 2;
      }
  draw_playhead (cr, r, frame);
  cairo_destroy (cr);
  cairo_surface_flush (target);
}

void
_ddl_render_surface_to_rgb (cairo_surface_t *surface, guint8 *rgb)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);

  for (int y = 0; y < height; y++)
    {
      const guint32 *row = (const guint32 *) (data + (gsize) y * stride);
      guint8 *out = rgb + (gsize) y * width * 3;
      for (int x = 0; x < width; x++)
        {
          out[3 * x] = (row[x] >> 16) & 0xff;
          out[3 * x + 1] = (row[x] >> 8) & 0xff;
          out[3 * x + 2] = row[x] & 0xff;
        }
    }
}
