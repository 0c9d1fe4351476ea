/* ddl-synth-draw.c: the synthetic walkway's background and figures.
 *
 * Everything is drawn with anti-aliased primitives (capsules, rings, rectangles) whose
 * coverage comes from the signed distance of the pixel centre, so small figures
 * (20-40 pixels tall) still read as people. The same primitives accumulate bounds, so
 * an object's box is exactly the extent of what is drawn. */
#include "config.h"

#include "ddl-synth-draw.h"

#include <math.h>
#include <string.h>

/* ---- random numbers ---------------------------------------------------------- */

guint64
synth_mix (guint64 x)
{
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

void
synth_rng_init (SynthRng *rng, guint64 seed)
{
  rng->state = synth_mix (seed);
}

guint64
synth_rng_next (SynthRng *rng)
{
  rng->state += 0x9E3779B97F4A7C15ull;
  return synth_mix (rng->state);
}

double
synth_rng_uniform (SynthRng *rng)
{
  return (double) (synth_rng_next (rng) >> 11) * (1.0 / 9007199254740992.0);
}

double
synth_rng_range (SynthRng *rng, double lo, double hi)
{
  return lo + (hi - lo) * synth_rng_uniform (rng);
}

guint
synth_rng_below (SynthRng *rng, guint n)
{
  return (guint) (synth_rng_uniform (rng) * n);
}

/* Smooth value noise in [0, 1]: random values on an integer lattice, interpolated. */
static double
lattice (guint64 seed, int ix, int iy)
{
  guint64 key = seed ^ ((guint64) (guint32) ix * 0x632BE59BD9B4E019ull)
                ^ ((guint64) (guint32) iy * 0x8CB92BA72F3D8DD7ull);
  return (double) (synth_mix (key) >> 11) * (1.0 / 9007199254740992.0);
}

static double
value_noise (guint64 seed, double x, double y)
{
  int ix = (int) floor (x), iy = (int) floor (y);
  double fx = x - ix, fy = y - iy;
  double sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
  double a = lattice (seed, ix, iy), b = lattice (seed, ix + 1, iy);
  double c = lattice (seed, ix, iy + 1), d = lattice (seed, ix + 1, iy + 1);
  return (a + (b - a) * sx) * (1 - sy) + (c + (d - c) * sx) * sy;
}

static double
fbm (guint64 seed, double x, double y, int octaves)
{
  double sum = 0, amplitude = 0.5, norm = 0;
  for (int o = 0; o < octaves; o++)
    {
      sum += amplitude * value_noise (seed + (guint64) o * 7919, x, y);
      norm += amplitude;
      x *= 2.03, y *= 2.03, amplitude *= 0.5;
    }
  return sum / norm;
}

/* ---- geometry ---------------------------------------------------------------- */

void
synth_geometry_init (SynthGeometry *g, guint64 seed)
{
  SynthRng rng;

  synth_rng_init (&rng, seed ^ 0x5CE7E5CE7Eull);
  memset (g, 0, sizeof *g);
  g->top0 = synth_rng_range (&rng, 0.38, 0.42);
  g->top_slope = synth_rng_range (&rng, 0.02, 0.06);
  g->bottom0 = synth_rng_range (&rng, 0.74, 0.78);
  g->bottom_slope = synth_rng_range (&rng, 0.03, 0.07);
  g->side_u0 = synth_rng_range (&rng, 0.66, 0.74);
  g->side_u1 = g->side_u0 - synth_rng_range (&rng, 0.02, 0.06);
  g->side_w0 = 0.035;
  g->side_w1 = 0.065;
  /* Bushes on the upper lawn (clear of the side path), two tree crowns at the top
   * edge and one bush on the lower lawn. */
  g->n_bushes = 0;
  for (int i = 0; i < 2; i++)
    {
      double *b = g->bush[g->n_bushes++];
      b[0] = i == 0 ? synth_rng_range (&rng, 0.08, 0.22) : synth_rng_range (&rng, 0.36, 0.52);
      b[1] = synth_rng_range (&rng, 0.24, 0.30);
      b[2] = synth_rng_range (&rng, 0.05, 0.08);
      b[3] = synth_rng_range (&rng, 0.05, 0.07);
    }
  for (int i = 0; i < 2; i++)
    {
      double *b = g->bush[g->n_bushes++];
      b[0] = i == 0 ? synth_rng_range (&rng, 0.25, 0.40) : synth_rng_range (&rng, 0.85, 0.98);
      b[1] = synth_rng_range (&rng, -0.04, 0.02);
      b[2] = synth_rng_range (&rng, 0.10, 0.14);
      b[3] = synth_rng_range (&rng, 0.11, 0.15);
    }
  {
    double *b = g->bush[g->n_bushes++];
    b[0] = synth_rng_range (&rng, 0.05, 0.95);
    b[1] = synth_rng_range (&rng, 0.95, 1.02);
    b[2] = synth_rng_range (&rng, 0.06, 0.09);
    b[3] = synth_rng_range (&rng, 0.05, 0.07);
  }
  g->n_lamps = 3;
  g->lamp_u[0] = synth_rng_range (&rng, 0.04, 0.10);
  g->lamp_u[1] = synth_rng_range (&rng, 0.28, 0.34);
  g->lamp_u[2] = synth_rng_range (&rng, 0.86, 0.92);
  g->texture_seed = synth_rng_next (&rng);
}

double
synth_walk_top (const SynthGeometry *g, double u)
{
  return g->top0 + g->top_slope * u;
}

double
synth_walk_bottom (const SynthGeometry *g, double u)
{
  return g->bottom0 + g->bottom_slope * u;
}

/* The side path runs from v = 0 down to the walkway's top edge at its centre. */
static double
side_t (const SynthGeometry *g, double v)
{
  double end = synth_walk_top (g, g->side_u1);
  return CLAMP (v / end, -0.5, 1.0);
}

double
synth_side_centre (const SynthGeometry *g, double v)
{
  return g->side_u0 + (g->side_u1 - g->side_u0) * side_t (g, v);
}

double
synth_side_half_width (const SynthGeometry *g, double v)
{
  return g->side_w0 + (g->side_w1 - g->side_w0) * side_t (g, v);
}

double
synth_person_height (guint height, double y)
{
  double v = CLAMP (y / height, -0.3, 1.4);
  return height * (0.09 + 0.15 * v);
}

/* ---- background -------------------------------------------------------------- */

static void
set_rgb (float *px, double r, double g, double b)
{
  px[0] = (float) CLAMP (r, 0.0, 1.0);
  px[1] = (float) CLAMP (g, 0.0, 1.0);
  px[2] = (float) CLAMP (b, 0.0, 1.0);
}

/* Distance in pixels from `value` to the nearest multiple of `period` (both pixels). */
static double
joint_distance (double value, double period)
{
  double m = fmod (value, period);
  if (m < 0)
    m += period;
  return MIN (m, period - m);
}

static void
paint_pixel (float *px, const SynthGeometry *g, guint width, guint height, guint x, guint y)
{
  guint64 seed = g->texture_seed;
  double u = (x + 0.5) / width, v = (y + 0.5) / height;
  double top = synth_walk_top (g, u), bottom = synth_walk_bottom (g, u);
  double centre = synth_side_centre (g, v), half = synth_side_half_width (g, v);
  double top_px = (v - top) * height, bottom_px = (bottom - v) * height;
  double side_px = (half - fabs (u - centre)) * width;   /* > 0 inside the side path */
  gboolean side_open = fabs (u - synth_side_centre (g, top)) < synth_side_half_width (g, top);
  double shade;

  if (top_px >= 0 && bottom_px >= 0)
    {
      /* Walkway: paving slabs in rows across the band, joints slightly darker. */
      double rows = (v - top) / (bottom - top) * 5.0;
      double row = floor (rows), slab = 0.085 * width;
      double joint = MIN (joint_distance (rows, 1.0) * (bottom - top) * height / 5.0,
                          joint_distance (x + 0.5 + row * slab * 0.5, slab));
      shade = 0.60 + 0.07 * (fbm (seed, u * 5, v * 5, 3) - 0.5)
              + 0.05 * (value_noise (seed + 1, x * 0.8, y * 0.8) - 0.5);
      if (joint < 0.7)
        shade -= 0.06;
      if ((top_px < 2.0 && !side_open) || bottom_px < 2.0)
        shade = 0.76 + 0.03 * (value_noise (seed + 2, x * 0.5, y) - 0.5);   /* curb stones */
      set_rgb (px, shade + 0.01, shade, shade - 0.015);
      return;
    }
  if (top_px < 0 && side_px >= 0)
    {
      double joint = joint_distance (y + 0.5, 0.05 * height + 2.0 * v * 0.05 * height);
      shade = 0.58 + 0.06 * (fbm (seed + 3, u * 6, v * 6, 3) - 0.5)
              + 0.05 * (value_noise (seed + 1, x * 0.8, y * 0.8) - 0.5);
      if (joint < 0.6)
        shade -= 0.05;
      if (side_px < 1.5)
        shade = 0.74;
      set_rgb (px, shade + 0.01, shade, shade - 0.015);
      return;
    }
  /* Lawn: patchy low-frequency tone, grass grain, mowing stripes; dark seam next to
   * the curbs. */
  shade = 0.82 + 0.30 * fbm (seed + 4, u * 4, v * 4, 4);
  shade += 0.16 * (value_noise (seed + 5, x * 1.3, y * 1.3) - 0.5);
  shade += fmod (u * 6.0 + v * 2.5 + 10.0, 1.0) < 0.5 ? 0.04 : -0.04;
  if ((top_px < 0 && top_px > -1.5 && side_px < 0) || (bottom_px < 0 && bottom_px > -1.5)
      || (top_px < 0 && side_px < 0 && side_px > -1.2))
    shade *= 0.62;
  for (guint b = 0; b < g->n_bushes; b++)
    {
      const double *bush = g->bush[b];
      double du = (u - bush[0]) / bush[2], dv = (v - bush[1]) / bush[3];
      double r = du * du + dv * dv;
      double edge = 1.0 + 0.35 * (fbm (seed + 6 + b, u * 30, v * 30, 2) - 0.5);
      if (r < edge)
        {
          double leaf = fbm (seed + 7, x * 0.35, y * 0.35, 3);
          double light = 0.75 - 0.25 * dv - 0.15 * du;   /* lit from the top left */
          double s = (0.16 + 0.16 * leaf) * light + 0.02;
          set_rgb (px, s * 0.92, s * 1.08, s * 0.9);
          return;
        }
    }
  set_rgb (px, 0.37 * shade, 0.43 * shade, 0.34 * shade);
}

static void
fill_rect (float *rgb, guint width, guint height, double x0, double y0, double x1, double y1,
           double r, double g, double b)
{
  for (int y = MAX (0, (int) floor (y0)); y < MIN ((int) height, (int) ceil (y1)); y++)
    for (int x = MAX (0, (int) floor (x0)); x < MIN ((int) width, (int) ceil (x1)); x++)
      set_rgb (rgb + ((gsize) y * width + x) * 3, r, g, b);
}

void
synth_paint_background (float *rgb, guint width, guint height, const SynthGeometry *g)
{
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      paint_pixel (rgb + ((gsize) y * width + x) * 3, g, width, height, x, y);

  /* Lamp posts stand on the lawn just above the walkway's top edge. */
  for (guint l = 0; l < g->n_lamps; l++)
    {
      double u = g->lamp_u[l], base = (synth_walk_top (g, u) - 0.012) * height;
      double tall = 0.30 * height, x = u * width, w = MAX (1.2, width / 180.0);
      fill_rect (rgb, width, height, x - w / 2, base - tall, x + w / 2, base, 0.2, 0.2, 0.21);
      fill_rect (rgb, width, height, x - 2.5 * w, base - tall - w, x + 2.5 * w, base - tall + w,
                 0.25, 0.25, 0.26);
      fill_rect (rgb, width, height, x - 1.5 * w, base - tall + w, x + 1.5 * w,
                 base - tall + 1.8 * w, 0.92, 0.9, 0.8);
    }

  /* A mild vignette, as from a cheap surveillance lens. */
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        double du = (x + 0.5) / width - 0.5, dv = (y + 0.5) / height - 0.5;
        float k = (float) (1.0 - 0.28 * (du * du + dv * dv));
        float *px = rgb + ((gsize) y * width + x) * 3;
        px[0] *= k, px[1] *= k, px[2] *= k;
      }
}

/* ---- primitives -------------------------------------------------------------- */

void
synth_canvas_reset (SynthCanvas *canvas)
{
  canvas->x0 = canvas->y0 = G_MAXDOUBLE;
  canvas->x1 = canvas->y1 = -G_MAXDOUBLE;
}

static void
add_bounds (SynthCanvas *c, double x0, double y0, double x1, double y1)
{
  c->x0 = MIN (c->x0, x0), c->y0 = MIN (c->y0, y0);
  c->x1 = MAX (c->x1, x1), c->y1 = MAX (c->y1, y1);
}

static void
blend (SynthCanvas *c, int x, int y, double a, const float colour[3])
{
  float *px = c->rgb + ((gsize) y * c->width + x) * 3;
  float fa = (float) CLAMP (a, 0.0, 1.0);
  for (int k = 0; k < 3; k++)
    px[k] += (colour[k] - px[k]) * fa;
}

/* Calls body for every pixel whose centre is within the box, clipped to the canvas. */
#define FOR_PIXELS(c, bx0, by0, bx1, by1)                                                  \
  for (int y_ = MAX (0, (int) floor (by0)); y_ < MIN ((int) (c)->height, (int) ceil (by1)); y_++) \
    for (int x_ = MAX (0, (int) floor (bx0)); x_ < MIN ((int) (c)->width, (int) ceil (bx1)); x_++)

static void
capsule (SynthCanvas *c, double ax, double ay, double bx, double by, double r,
         const float colour[3])
{
  double x0, y0, x1, y1, ex = bx - ax, ey = by - ay, len2 = ex * ex + ey * ey;

  r = MAX (r, 0.55);   /* thinner than a pixel would flicker */
  x0 = MIN (ax, bx) - r, y0 = MIN (ay, by) - r, x1 = MAX (ax, bx) + r, y1 = MAX (ay, by) + r;
  add_bounds (c, x0, y0, x1, y1);
  if (c->rgb == NULL)
    return;
  FOR_PIXELS (c, x0 - 1, y0 - 1, x1 + 1, y1 + 1)
    {
      double px = x_ + 0.5 - ax, py = y_ + 0.5 - ay;
      double t = len2 > 0 ? CLAMP ((px * ex + py * ey) / len2, 0.0, 1.0) : 0.0;
      double dx = px - t * ex, dy = py - t * ey;
      double a = r - sqrt (dx * dx + dy * dy) + 0.5;
      if (a > 0)
        blend (c, x_, y_, a, colour);
    }
}

static void
ring (SynthCanvas *c, double cx, double cy, double radius, double thickness, const float colour[3])
{
  double outer = radius + thickness / 2;

  add_bounds (c, cx - outer, cy - outer, cx + outer, cy + outer);
  if (c->rgb == NULL)
    return;
  FOR_PIXELS (c, cx - outer - 1, cy - outer - 1, cx + outer + 1, cy + outer + 1)
    {
      double dx = x_ + 0.5 - cx, dy = y_ + 0.5 - cy;
      double a = MAX (thickness / 2, 0.5) - fabs (sqrt (dx * dx + dy * dy) - radius) + 0.5;
      if (a > 0)
        blend (c, x_, y_, a, colour);
    }
}

static void
rect (SynthCanvas *c, double x0, double y0, double x1, double y1, const float colour[3])
{
  add_bounds (c, x0, y0, x1, y1);
  if (c->rgb == NULL)
    return;
  FOR_PIXELS (c, x0 - 1, y0 - 1, x1 + 1, y1 + 1)
    {
      double px = x_ + 0.5, py = y_ + 0.5;
      double a = MIN (MIN (px - x0, x1 - px), MIN (py - y0, y1 - py)) + 0.5;
      if (a > 0)
        blend (c, x_, y_, a, colour);
    }
}

static void
scaled (float out[3], const float in[3], float k)
{
  for (int i = 0; i < 3; i++)
    out[i] = CLAMP (in[i] * k, 0.0f, 1.0f);
}

void
synth_draw_shadow (SynthCanvas *c, const SynthPose *pose)
{
  double h = pose->height;
  double rx = pose->figure == SYNTH_FIGURE_CART ? 0.9 * h
              : pose->figure == SYNTH_FIGURE_CYCLIST ? 0.55 * h : 0.22 * h;
  double ry = 0.06 * h, cx = pose->x + 0.06 * h, cy = pose->y - 0.01 * h;

  if (c->rgb == NULL)
    return;
  FOR_PIXELS (c, cx - rx - 1, cy - ry - 1, cx + rx + 1, cy + ry + 1)
    {
      double dx = (x_ + 0.5 - cx) / rx, dy = (y_ + 0.5 - cy) / ry;
      double r2 = dx * dx + dy * dy;
      if (r2 < 1)
        {
          float *px = c->rgb + ((gsize) y_ * c->width + x_) * 3;
          float k = (float) (1.0 - 0.35 * (1.0 - r2));
          px[0] *= k, px[1] *= k, px[2] *= k;
        }
    }
}

/* ---- figures ----------------------------------------------------------------- */

/* Two-segment limb from `root` to an end point, with the joint pushed towards `side`
 * (+1 or -1 along x) when the end is closer than the full length. */
static void
limb (SynthCanvas *c, double rx, double ry, double ex, double ey, double segment, double side,
      double radius, const float colour[3])
{
  double dx = ex - rx, dy = ey - ry, d = sqrt (dx * dx + dy * dy);
  double mx = (rx + ex) / 2, my = (ry + ey) / 2, off = 0;

  if (d < 2 * segment && d > 1e-9)
    off = sqrt (segment * segment - d * d / 4);
  /* Perpendicular to (dx, dy), oriented so its x component has the sign of side. */
  {
    double px = d > 1e-9 ? -dy / d : 0, py = d > 1e-9 ? dx / d : 0;
    if (px * side < 0)
      px = -px, py = -py;
    mx += px * off, my += py * off;
  }
  capsule (c, rx, ry, mx, my, radius, colour);
  capsule (c, mx, my, ex, ey, radius, colour);
}

static void
draw_person_side (SynthCanvas *c, const SynthPose *p, gboolean running)
{
  const SynthLook *look = p->look;
  double h = p->height * look->build, s = p->dx >= 0 ? 1 : -1;
  double lean = (running ? 0.09 : 0.02) * h, amp = running ? 0.75 : 0.40;
  double hip_x = p->x, hip_y = p->y - 0.50 * h;
  double sh_x = p->x + s * lean, sh_y = p->y - 0.79 * h;
  float far[3], far_top[3];

  scaled (far, look->bottom, 0.78f);
  scaled (far_top, look->top, 0.8f);
  for (int leg = 0; leg < 2; leg++)
    {
      double phase = p->phase + (leg == 0 ? G_PI : 0);
      double theta = amp * sin (phase);
      /* The knee bends while the leg swings forward, more when running. */
      double bend = (running ? 1.3 : 0.45) * MAX (0.0, cos (phase));
      double kx = hip_x + s * 0.25 * h * sin (theta), ky = hip_y + 0.25 * h * cos (theta);
      double fx = kx + s * 0.25 * h * sin (theta - bend), fy = ky + 0.25 * h * cos (theta - bend);
      const float *colour = leg == 0 ? far : look->bottom;
      capsule (c, hip_x, hip_y, kx, ky, 0.048 * h, colour);
      capsule (c, kx, ky, fx, fy, 0.042 * h, colour);
      capsule (c, fx, fy, fx + s * 0.06 * h, fy, 0.03 * h, colour);   /* foot */
      if (leg == 0)
        {
          double arm = -(running ? 0.9 : 0.45) * sin (phase);
          double ex = sh_x + s * 0.17 * h * sin (arm), ey = sh_y + 0.17 * h * cos (arm);
          double fore = arm + (running ? 1.4 : 0.25);
          capsule (c, sh_x, sh_y, ex, ey, 0.034 * h, far_top);
          capsule (c, ex, ey, ex + s * 0.16 * h * sin (fore), ey + 0.16 * h * cos (fore),
                   0.03 * h, far_top);
          capsule (c, hip_x, hip_y, sh_x, sh_y, 0.088 * h, look->top);
        }
    }
  {
    double arm = (running ? 0.9 : 0.45) * sin (p->phase + G_PI);
    double ex = sh_x + s * 0.17 * h * sin (-arm), ey = sh_y + 0.17 * h * cos (arm);
    double fore = -arm + (running ? 1.4 : 0.25);
    capsule (c, sh_x, sh_y, ex, ey, 0.034 * h, look->top);
    capsule (c, ex, ey, ex + s * 0.16 * h * sin (fore), ey + 0.16 * h * cos (fore), 0.03 * h,
             look->top);
  }
  capsule (c, sh_x + s * 0.012 * h, p->y - 0.905 * h, sh_x + s * 0.012 * h, p->y - 0.905 * h,
           0.072 * h, look->head);
}

/* Seen from the front or back (walking up or down the side path). */
static void
draw_person_front (SynthCanvas *c, const SynthPose *p)
{
  const SynthLook *look = p->look;
  double h = p->height * look->build;

  for (int leg = 0; leg < 2; leg++)
    {
      double side = leg == 0 ? -1 : 1;
      double lift = 0.06 * h * MAX (0.0, sin (p->phase + leg * G_PI));
      double swing = 0.05 * h * sin (p->phase + leg * G_PI);
      capsule (c, p->x + side * 0.05 * h, p->y - 0.50 * h, p->x + side * 0.055 * h,
               p->y - 0.03 * h - lift, 0.048 * h, look->bottom);
      capsule (c, p->x + side * 0.13 * h, p->y - 0.76 * h, p->x + side * 0.15 * h,
               p->y - 0.47 * h + swing, 0.034 * h, look->top);
    }
  capsule (c, p->x, p->y - 0.53 * h, p->x, p->y - 0.77 * h, 0.105 * h, look->top);
  capsule (c, p->x, p->y - 0.905 * h, p->x, p->y - 0.905 * h, 0.074 * h, look->head);
}

static void
wheel (SynthCanvas *c, double cx, double cy, double radius, double phase, double h,
       const float colour[3])
{
  ring (c, cx, cy, radius, 0.05 * h, colour);
  for (int k = 0; k < 3; k++)
    {
      double a = phase + k * G_PI / 3;
      capsule (c, cx - radius * cos (a), cy - radius * sin (a), cx + radius * cos (a),
               cy + radius * sin (a), 0.008 * h, colour);
    }
}

static void
draw_cyclist (SynthCanvas *c, const SynthPose *p)
{
  const SynthLook *look = p->look;
  double h = p->height * look->build, s = p->dx >= 0 ? 1 : -1, x = p->x, y = p->y;
  double rw = 0.2 * h, wheel_phase = -s * p->phase * 2.2;
  double rear_x = x - s * 0.33 * h, front_x = x + s * 0.33 * h, hub_y = y - rw;
  double bb_x = x - s * 0.02 * h, bb_y = y - 0.95 * rw;
  double seat_x = x - s * 0.13 * h, seat_y = y - 0.58 * h;
  double bar_x = x + s * 0.25 * h, bar_y = y - 0.69 * h, head_x = x + s * 0.21 * h;
  double hip_x = seat_x, hip_y = seat_y - 0.03 * h;
  double sh_x = x + s * 0.09 * h, sh_y = y - 0.90 * h;
  float far[3];

  scaled (far, look->bottom, 0.78f);
  wheel (c, rear_x, hub_y, rw, wheel_phase, h, look->frame);
  wheel (c, front_x, hub_y, rw, wheel_phase, h, look->frame);
  /* Far leg, frame, near leg: pedals opposite on the crank. */
  for (int leg = 0; leg < 2; leg++)
    {
      double a = p->phase + (leg == 0 ? G_PI : 0);
      double px = bb_x + s * 0.1 * h * cos (a), py = bb_y + 0.1 * h * sin (a);
      limb (c, hip_x, hip_y, px, py, 0.27 * h, s, 0.045 * h, leg == 0 ? far : look->bottom);
      if (leg == 0)
        {
          capsule (c, rear_x, hub_y, bb_x, bb_y, 0.022 * h, look->frame);
          capsule (c, bb_x, bb_y, seat_x, seat_y, 0.022 * h, look->frame);
          capsule (c, seat_x, seat_y, rear_x, hub_y, 0.02 * h, look->frame);
          capsule (c, seat_x, seat_y + 0.03 * h, head_x, bar_y + 0.06 * h, 0.022 * h, look->frame);
          capsule (c, bb_x, bb_y, head_x, bar_y + 0.06 * h, 0.022 * h, look->frame);
          capsule (c, front_x, hub_y, bar_x, bar_y, 0.022 * h, look->frame);
          capsule (c, hip_x, hip_y, sh_x, sh_y, 0.085 * h, look->top);
        }
    }
  limb (c, sh_x, sh_y, bar_x, bar_y, 0.17 * h, -s, 0.032 * h, look->top);
  capsule (c, x + s * 0.15 * h, y - 1.0 * h, x + s * 0.15 * h, y - 1.0 * h, 0.072 * h, look->head);
}

static void
draw_cart (SynthCanvas *c, const SynthPose *p)
{
  const SynthLook *look = p->look;
  double h = p->height * look->build, s = p->dx >= 0 ? 1 : -1, x = p->x, y = p->y;
  double rw = 0.14 * h;
  float dark[3], light[3];

  scaled (dark, look->top, 0.7f);
  scaled (light, look->bottom, 1.15f);
  /* Roof on two posts, a driver, the body with a cargo bed, then the wheels. */
  capsule (c, x - s * 0.62 * h, y - 0.6 * h, x - s * 0.62 * h, y - 1.1 * h, 0.025 * h, look->frame);
  capsule (c, x + s * 0.42 * h, y - 0.6 * h, x + s * 0.36 * h, y - 1.1 * h, 0.025 * h, look->frame);
  rect (c, x - 0.70 * h, y - 1.16 * h, x + 0.62 * h, y - 1.08 * h, light);
  capsule (c, x - s * 0.08 * h, y - 0.6 * h, x - s * 0.05 * h, y - 0.82 * h, 0.08 * h, look->head);
  capsule (c, x - s * 0.03 * h, y - 0.90 * h, x - s * 0.03 * h, y - 0.90 * h, 0.07 * h, look->head);
  rect (c, x - 0.78 * h, y - 0.62 * h, x + 0.78 * h, y - 0.16 * h, look->top);
  rect (c, MIN (x - s * 0.78 * h, x - s * 0.30 * h), y - 0.70 * h,
        MAX (x - s * 0.78 * h, x - s * 0.30 * h), y - 0.60 * h, dark);
  rect (c, MIN (x + s * 0.30 * h, x + s * 0.78 * h), y - 0.44 * h,
        MAX (x + s * 0.30 * h, x + s * 0.78 * h), y - 0.36 * h, light);
  for (int k = -1; k <= 1; k += 2)
    {
      double wx = x + k * 0.52 * h;
      capsule (c, wx, y - rw, wx, y - rw, rw, look->frame);
      capsule (c, wx + 0.06 * h * cos (p->phase), y - rw + 0.06 * h * sin (p->phase),
               wx + 0.06 * h * cos (p->phase), y - rw + 0.06 * h * sin (p->phase), 0.025 * h,
               light);
    }
}

void
synth_draw_figure (SynthCanvas *c, const SynthPose *pose)
{
  switch (pose->figure)
    {
    case SYNTH_FIGURE_WALKER:
      /* Mostly vertical motion shows the person from the front or back. */
      if (fabs (pose->dy) > 1.4 * fabs (pose->dx))
        draw_person_front (c, pose);
      else
        draw_person_side (c, pose, FALSE);
      break;
    case SYNTH_FIGURE_RUNNER:
      draw_person_side (c, pose, TRUE);
      break;
    case SYNTH_FIGURE_CYCLIST:
      draw_cyclist (c, pose);
      break;
    case SYNTH_FIGURE_CART:
      draw_cart (c, pose);
      break;
    default:
      g_assert_not_reached ();
    }
}
