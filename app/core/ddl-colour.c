/* The shared error colour map and its scale (see ddl-colour.h). */
#include "ddl-colour.h"

#include <math.h>

/* Eight anchors, our own values, interpolated linearly in sRGB. */
static const struct {
  double t;
  guint8 r, g, b;
} anchors[] = {
  { 0.000,   4,   2,  16 },
  { 0.143,  38,  12,  80 },
  { 0.286,  92,  18, 110 },
  { 0.429, 145,  38, 104 },
  { 0.571, 196,  64,  76 },
  { 0.714, 236, 104,  38 },
  { 0.857, 250, 168,  24 },
  { 1.000, 250, 246, 160 },
};

void
ddl_error_colour (double t, guint8 rgb[3])
{
  guint i = 1;

  t = isnan (t) ? 0 : CLAMP (t, 0, 1);
  while (i + 1 < G_N_ELEMENTS (anchors) && t > anchors[i].t)
    i++;
  double u = (t - anchors[i - 1].t) / (anchors[i].t - anchors[i - 1].t);
  rgb[0] = (guint8) floor (anchors[i - 1].r + u * (anchors[i].r - anchors[i - 1].r) + 0.5);
  rgb[1] = (guint8) floor (anchors[i - 1].g + u * (anchors[i].g - anchors[i - 1].g) + 0.5);
  rgb[2] = (guint8) floor (anchors[i - 1].b + u * (anchors[i].b - anchors[i - 1].b) + 0.5);
}

guint8
ddl_error_scale_top (const guint64 histogram[256])
{
  guint64 total = 0, below = 0;

  for (guint v = 0; v < 256; v++)
    total += histogram[v];
  if (total == 0)
    return 1;
  /* ceil (q * total) counts, in integers where the product is exact */
  guint64 need = (guint64) ceil (DDL_ERROR_SCALE_QUANTILE * (double) total - 1e-9);
  for (guint v = 0; v < 256; v++)
    {
      below += histogram[v];
      if (below >= MAX (need, 1))
        return (guint8) MAX (v, 1);
    }
  return 255;
}
