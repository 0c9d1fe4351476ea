/* ddl-synth-draw.h: private to the synthetic scene generator (ddl-synth.c): its
 * random numbers, the scene geometry, the background painter and the figures. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* splitmix64: tiny, fast, good enough for pictures, and the same on every machine. */
typedef struct {
  guint64 state;
} SynthRng;

guint64 synth_mix        (guint64 x);
void    synth_rng_init   (SynthRng *rng, guint64 seed);
guint64 synth_rng_next   (SynthRng *rng);
double  synth_rng_uniform (SynthRng *rng);                       /* [0, 1) */
double  synth_rng_range  (SynthRng *rng, double lo, double hi);  /* [lo, hi) */
guint   synth_rng_below  (SynthRng *rng, guint n);               /* [0, n) */

/* Normalised scene coordinates: u = x / width, v = y / height. */
#define SYNTH_MAX_BUSHES 6
#define SYNTH_MAX_LAMPS  4

typedef struct {
  double top0, top_slope;       /* walkway top edge: v = top0 + top_slope * u */
  double bottom0, bottom_slope; /* walkway bottom edge */
  double side_u0, side_u1;      /* side path centre at v = 0 and at the walkway top */
  double side_w0, side_w1;      /* side path half width there */
  double bush[SYNTH_MAX_BUSHES][4];  /* u, v, radius u, radius v */
  guint  n_bushes;
  double lamp_u[SYNTH_MAX_LAMPS];
  guint  n_lamps;
  guint64 texture_seed;
} SynthGeometry;

void    synth_geometry_init   (SynthGeometry *g, guint64 seed);
double  synth_walk_top        (const SynthGeometry *g, double u);
double  synth_walk_bottom     (const SynthGeometry *g, double u);
double  synth_side_centre     (const SynthGeometry *g, double v);
double  synth_side_half_width (const SynthGeometry *g, double v);
/* Person height in pixels for feet at pixel row y (the perspective rule). */
double  synth_person_height   (guint height, double y);

/* Paints the empty scene as packed RGB float (height, width, 3) in [0, 1]. */
void    synth_paint_background (float *rgb, guint width, guint height, const SynthGeometry *g);

/* A canvas to draw on; with rgb == NULL only the bounds are accumulated, which is
 * how object boxes are computed (the same primitives as the picture). */
typedef struct {
  float  *rgb;          /* (height, width, 3) or NULL */
  guint   width, height;
  double  x0, y0, x1, y1;
} SynthCanvas;

void    synth_canvas_reset (SynthCanvas *canvas);

typedef enum {
  SYNTH_FIGURE_WALKER,
  SYNTH_FIGURE_RUNNER,
  SYNTH_FIGURE_CYCLIST,
  SYNTH_FIGURE_CART,
} SynthFigure;

typedef struct {
  float top[3];       /* shirt; the body of a cart */
  float bottom[3];    /* trousers; a cart's trim */
  float head[3];
  float frame[3];     /* bicycle frame and wheels; cart wheels */
  double build;       /* 0.9-1.1: height factor */
} SynthLook;

typedef struct {
  SynthFigure      figure;
  double           x, y;      /* ground contact point, pixels */
  double           height;    /* person height at this place, pixels */
  double           phase;     /* gait or pedal phase, radians */
  double           dx, dy;    /* unit direction of motion */
  const SynthLook *look;
} SynthPose;

void    synth_draw_shadow (SynthCanvas *canvas, const SynthPose *pose);
void    synth_draw_figure (SynthCanvas *canvas, const SynthPose *pose);

G_END_DECLS
