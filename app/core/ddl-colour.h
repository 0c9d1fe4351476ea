/* ddl-colour.h: the error colour map every view shares (the review heat map, the
 * compare panes, the rendered videos), and where its scale tops out. GTK-free. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A perceptual dark-to-bright map (black, purple, red, orange, pale yellow) whose
 * luminance rises at every step, so brighter always means a larger error, also in gray
 * print. t in [0, 1]; outside it (and NAN) is clamped. */
void   ddl_error_colour    (double t, guint8 rgb[3]);

/* The share of error-map values at or below the top of the scale. A video's largest
 * errors are a handful of pixels (edges, a lamp post), and a scale topped by them leaves
 * every map nearly black; the top is instead the 99.9th percentile, and the few values
 * above it take the brightest colour. */
#define DDL_ERROR_SCALE_QUANTILE 0.999

/* The top of the scale for error-map bytes counted in `histogram`: the smallest value v
 * with at least DDL_ERROR_SCALE_QUANTILE of the counts at or below v; at least 1. */
guint8 ddl_error_scale_top (const guint64 histogram[256]);

G_END_DECLS
