/* ddl-plot.c: score timelines and ROC curves as PNG, SVG or PDF (see ddl-plot.h).
 *
 * One drawing routine per plot works on any cairo_t; the writer picks the surface from
 * the extension and streams it into a temporary file that is renamed when complete.
 * Text uses Cairo's own font API, so the core library needs no Pango. This file has the
 * writer, the shared drawing helpers and the timeline; ddl-plot-roc.c the ROC. */
#include "config.h"

#include "ddl-plot-private.h"

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MIN_SIZE    100
#define MAX_SIZE    20000   /* Cairo's image surfaces stop at 32767 */

const guint32 _ddl_plot_palette[DDL_PLOT_N_COLOURS] = { 0x1c71d8, 0xe66100, 0x2ec27e,
                                                       0x9141ac, 0xc01c28, 0x986a44 };

G_DEFINE_QUARK (ddl-plot-error-quark, ddl_plot_error)

typedef enum { FORMAT_PNG, FORMAT_SVG, FORMAT_PDF } Format;

/* ---- files ------------------------------------------------------------------------ */

static gboolean
format_from_path (const char *path, Format *format, GError **error)
{
  const char *dot = strrchr (path, '.');
  const char *slash = strrchr (path, G_DIR_SEPARATOR);

  if (dot != NULL && (slash == NULL || dot > slash))
    {
      if (g_ascii_strcasecmp (dot, ".png") == 0)
        return *format = FORMAT_PNG, TRUE;
      if (g_ascii_strcasecmp (dot, ".svg") == 0)
        return *format = FORMAT_SVG, TRUE;
      if (g_ascii_strcasecmp (dot, ".pdf") == 0)
        return *format = FORMAT_PDF, TRUE;
    }
  g_set_error (error, DDL_PLOT_ERROR, DDL_PLOT_ERROR_FORMAT,
               "%s: unknown image format (the name must end in .png, .svg or .pdf)",
               path);
  return FALSE;
}

static cairo_status_t
write_stream (void *closure, const unsigned char *data, unsigned int length)
{
  return fwrite (data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
                                                     : CAIRO_STATUS_WRITE_ERROR;
}

/* Draws into a surface that streams to `file`; FALSE with `*status` set on failure. */
static gboolean
render (Format format, FILE *file, int width, int height, DrawFunc draw, gconstpointer spec,
        cairo_status_t *status)
{
  cairo_surface_t *surface;
  cairo_t *cr;

  if (format == FORMAT_PNG)
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  else if (format == FORMAT_SVG)
    surface = cairo_svg_surface_create_for_stream (write_stream, file, width, height);
  else
    surface = cairo_pdf_surface_create_for_stream (write_stream, file, width, height);

  cr = cairo_create (surface);
  draw (cr, width, height, spec);
  *status = cairo_status (cr);
  cairo_destroy (cr);
  if (*status == CAIRO_STATUS_SUCCESS && format == FORMAT_PNG)
    *status = cairo_surface_write_to_png_stream (surface, write_stream, file);
  cairo_surface_finish (surface);   /* vector surfaces write their tail here */
  if (*status == CAIRO_STATUS_SUCCESS)
    *status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  return *status == CAIRO_STATUS_SUCCESS;
}

gboolean
_ddl_plot_write (const char *path, int width, int height, DrawFunc draw, gconstpointer spec,
            GError **error)
{
  g_autofree char *dir = NULL, *base = NULL, *tmp_name = NULL, *tmp_path = NULL;
  cairo_status_t status = CAIRO_STATUS_SUCCESS;
  Format format;
  FILE *file;
  int fd, saved;

  if (!format_from_path (path, &format, error))
    return FALSE;
  if (width < MIN_SIZE || height < MIN_SIZE || width > MAX_SIZE || height > MAX_SIZE)
    {
      g_set_error (error, DDL_PLOT_ERROR, DDL_PLOT_ERROR_INVALID,
                   "cannot draw %s at %dx%d: each side must be %d to %d", path, width,
                   height, MIN_SIZE, MAX_SIZE);
      return FALSE;
    }

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmp_name = g_strdup_printf (".%s.XXXXXX", base);
  tmp_path = g_build_filename (dir, tmp_name, NULL);
  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CREAT | O_EXCL, 0666);
  if (fd < 0 || (file = fdopen (fd, "wb")) == NULL)
    {
      saved = errno;
      if (fd >= 0)
        {
          close (fd);
          g_unlink (tmp_path);
        }
      g_set_error (error, DDL_PLOT_ERROR, DDL_PLOT_ERROR_WRITE, "cannot write %s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  /* mkstemp creates 0600; a plot is an ordinary document */
  fchmod (fd, 0644);

  if (!render (format, file, width, height, draw, spec, &status) || ferror (file))
    {
      fclose (file);
      g_unlink (tmp_path);
      g_set_error (error, DDL_PLOT_ERROR, DDL_PLOT_ERROR_WRITE, "cannot write %s: %s", path,
                   status != CAIRO_STATUS_SUCCESS ? cairo_status_to_string (status)
                                                  : g_strerror (EIO));
      return FALSE;
    }
  if (fclose (file) != 0 || g_rename (tmp_path, path) != 0)
    {
      saved = errno;
      g_unlink (tmp_path);
      g_set_error (error, DDL_PLOT_ERROR, DDL_PLOT_ERROR_WRITE, "cannot write %s: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* ---- drawing helpers ---------------------------------------------------------------- */

void
_ddl_plot_set_colour (cairo_t *cr, guint32 rgb, double alpha)
{
  cairo_set_source_rgba (cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                         (rgb & 0xff) / 255.0, alpha);
}

void
_ddl_plot_set_font (cairo_t *cr, double size, gboolean bold)
{
  cairo_select_font_face (cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
}

/* Shows `text` with its anchor point at (x, y): ax/ay 0 = left/top, 0.5 = centre,
 * 1 = right/bottom of the ink box. */
void
_ddl_plot_show_text (cairo_t *cr, const char *text, double x, double y, double ax, double ay)
{
  cairo_text_extents_t ext;
  cairo_font_extents_t font;

  cairo_text_extents (cr, text, &ext);
  cairo_font_extents (cr, &font);
  /* vertical placement by the font's ascent, so labels of a row share a baseline */
  cairo_move_to (cr, x - ext.x_advance * ax, y + font.ascent * (1 - ay) - font.descent * ay * 0.5);
  cairo_show_text (cr, text);
}

/* A "nice" tick step (1, 2 or 5 times a power of ten) giving about `target` ticks. */
static double
nice_step (double range, double target)
{
  double raw = range / MAX (target, 1.0);
  double mag = pow (10, floor (log10 (raw)));
  double f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

static void
format_tick (char *buf, gsize size, double v, double step)
{
  int decimals = step >= 1 ? 0 : (int) ceil (-log10 (step) - 1e-9);
  if (fabs (v) < step * 1e-6)
    v = 0;   /* no "-0.0" */
  g_snprintf (buf, size, "%.*f", decimals, v);
}

void
_ddl_plot_legend_swatch (cairo_t *cr, double x, double y, int kind, guint32 rgb)
{
  static const double dash[] = { 4, 3 };
  if (kind == 1)   /* shaded span */
    {
      _ddl_plot_set_colour (cr, rgb, 0.15);
      cairo_rectangle (cr, x, y - 5, 18, 10);
      cairo_fill (cr);
      return;
    }
  _ddl_plot_set_colour (cr, rgb, 1);
  cairo_set_line_width (cr, 2);
  if (kind == 2)
    cairo_set_dash (cr, dash, 2, 0);
  cairo_move_to (cr, x, y);
  cairo_line_to (cr, x + 18, y);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
}

void
_ddl_plot_frame_area (cairo_t *cr, const DdlPlotRect *a)
{
  cairo_set_source_rgb (cr, 0.55, 0.55, 0.58);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, a->x - 0.5, a->y - 0.5, a->width + 1, a->height + 1);
  cairo_stroke (cr);
}

/* ---- timeline ---------------------------------------------------------------------- */

#define GT_COLOUR        0xe01b24
#define THRESHOLD_COLOUR 0x3d3846

void
ddl_plot_timeline_init (DdlPlotTimeline *spec)
{
  memset (spec, 0, sizeof *spec);
  spec->threshold = NAN;
}

static void
timeline_size (const DdlPlotTimeline *spec, int *width, int *height)
{
  *width = spec->width > 0 ? spec->width : DDL_PLOT_TIMELINE_WIDTH;
  *height = spec->height > 0 ? spec->height : DDL_PLOT_TIMELINE_HEIGHT;
}

void
ddl_plot_timeline_get_area (const DdlPlotTimeline *spec, DdlPlotRect *area)
{
  int width, height;

  timeline_size (spec, &width, &height);
  area->x = 64;
  area->y = 34;
  area->width = MAX (width - area->x - 16, 1);
  area->height = MAX (height - area->y - 42, 1);
}

/* The score axis: the spec's, or the data's (and threshold's) range with 5 % room. */
static void
timeline_range (const DdlPlotTimeline *spec, double *lo, double *hi)
{
  double min = INFINITY, max = -INFINITY;

  if (spec->y_max > spec->y_min)
    {
      *lo = spec->y_min;
      *hi = spec->y_max;
      return;
    }
  for (gsize i = 0; i < (gsize) spec->n_models * spec->n_frames; i++)
    if (isfinite (spec->scores[i]))
      {
        min = MIN (min, spec->scores[i]);
        max = MAX (max, spec->scores[i]);
      }
  if (isfinite (spec->threshold))
    {
      min = MIN (min, spec->threshold);
      max = MAX (max, spec->threshold);
    }
  if (!isfinite (min))
    min = 0, max = 1;
  if (max - min < 1e-12 * MAX (fabs (max), 1.0))
    {
      double pad = MAX (fabs (max) * 0.1, 0.5);
      min -= pad;
      max += pad;
    }
  *lo = min - 0.05 * (max - min);
  *hi = max + 0.05 * (max - min);
}

static void
draw_curve (cairo_t *cr, const double *s, guint n, const DdlPlotRect *a, double lo, double hi)
{
  double cell = a->width / n;
  gboolean open = FALSE;

  for (guint f = 0; f < n; f++)
    {
      double x = a->x + (f + 0.5) * cell, y = a->y + a->height * (hi - s[f]) / (hi - lo);
      if (!isfinite (s[f]))
        {
          open = FALSE;
          continue;
        }
      if (open)
        cairo_line_to (cr, x, y);
      else if (f + 1 < n && isfinite (s[f + 1]))
        cairo_move_to (cr, x, y);
      else
        {
          /* a scored frame between two gaps: a dot, or it would vanish */
          cairo_stroke (cr);
          cairo_arc (cr, x, y, 1.8, 0, 2 * G_PI);
          cairo_fill (cr);
          continue;
        }
      open = TRUE;
    }
  cairo_stroke (cr);
}

/* One row of legend entries ending at `right`, centred on `y`; when that would run
 * into `left` (a long title, a narrow plot), the row moves into the top right corner of
 * the data area `a`, on a white box. */
static void
timeline_legend (cairo_t *cr, const DdlPlotTimeline *spec, double left, double right,
                 double y, const DdlPlotRect *a)
{
  guint n = spec->n_models + 2;
  g_autofree const char **text = g_new0 (const char *, n);
  g_autofree int *kind = g_new0 (int, n);
  g_autofree guint32 *rgb = g_new0 (guint32, n);
  g_autofree char *threshold = NULL;
  guint k = 0;
  double x, total = 0;

  for (guint m = 0; m < spec->n_models; m++, k++)
    {
      text[k] = spec->model_names != NULL && spec->model_names[m] != NULL
                ? spec->model_names[m] : "score";
      rgb[k] = _ddl_plot_palette[m % DDL_PLOT_N_COLOURS];
    }
  if (spec->labels != NULL)
    text[k] = "anomalous (ground truth)", kind[k] = 1, rgb[k++] = GT_COLOUR;
  if (isfinite (spec->threshold))
    {
      threshold = g_strdup_printf ("threshold %.4g", spec->threshold);
      text[k] = threshold, kind[k] = 2, rgb[k++] = THRESHOLD_COLOUR;
    }

  _ddl_plot_set_font (cr, FONT_SIZE, FALSE);
  for (guint i = 0; i < k; i++)
    {
      cairo_text_extents_t ext;
      cairo_text_extents (cr, text[i], &ext);
      total += 24 + ext.x_advance + (i + 1 < k ? 16 : 0);
    }
  x = right - total;
  if (x < left)
    {
      x = MAX (a->x + a->width - total - 8, a->x + 4);
      y = a->y + 14;
      cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
      cairo_rectangle (cr, x - 6, y - 10, total + 12, 20);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 0.8, 0.8, 0.82);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }
  for (guint i = 0; i < k; i++)
    {
      cairo_text_extents_t ext;
      _ddl_plot_legend_swatch (cr, x, y, kind[i], rgb[i]);
      cairo_set_source_rgb (cr, 0.15, 0.15, 0.18);
      _ddl_plot_show_text (cr, text[i], x + 24, y, 0, 0.5);
      cairo_text_extents (cr, text[i], &ext);
      x += 24 + ext.x_advance + 16;
    }
}

static void
draw_timeline (cairo_t *cr, double width, double height, gconstpointer data)
{
  const DdlPlotTimeline *spec = data;
  static const double dash[] = { 6, 4 };
  DdlPlotRect a;
  double lo, hi, cell, step, title_end;
  char buf[64];
  guint n = spec->n_frames;

  ddl_plot_timeline_get_area (spec, &a);
  timeline_range (spec, &lo, &hi);
  cell = a.width / n;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);

  /* ground-truth spans, one rectangle per run of anomalous frames */
  if (spec->labels != NULL)
    {
      _ddl_plot_set_colour (cr, GT_COLOUR, 0.15);
      for (guint f = 0; f < n;)
        {
          guint end = f;
          if (!spec->labels[f])
            {
              f++;
              continue;
            }
          while (end < n && spec->labels[end])
            end++;
          cairo_rectangle (cr, a.x + f * cell, a.y, (end - f) * cell, a.height);
          f = end;
        }
      cairo_fill (cr);
    }

  /* score grid and tick labels */
  _ddl_plot_set_font (cr, FONT_SIZE, FALSE);
  step = nice_step (hi - lo, MAX (a.height / 45, 2));
  for (double v = ceil (lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    {
      double y = round (a.y + a.height * (hi - v) / (hi - lo)) + 0.5;
      cairo_set_source_rgb (cr, 0.9, 0.9, 0.92);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, a.x, y);
      cairo_line_to (cr, a.x + a.width, y);
      cairo_stroke (cr);
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.33);
      format_tick (buf, sizeof buf, v, step);
      _ddl_plot_show_text (cr, buf, a.x - 6, y, 1, 0.5);
    }

  /* frame ticks at the centres of their cells */
  step = MAX (nice_step (MAX (n - 1, 1), MAX (a.width / 90, 2)), 1);
  for (double f = 0; f < n; f += step)
    {
      double x = round (a.x + (f + 0.5) * cell) + 0.5;
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.33);
      cairo_move_to (cr, x, a.y + a.height);
      cairo_line_to (cr, x, a.y + a.height + 5);
      cairo_stroke (cr);
      format_tick (buf, sizeof buf, f, 1);
      _ddl_plot_show_text (cr, buf, x, a.y + a.height + 8, 0.5, 0);
    }
  _ddl_plot_show_text (cr, "frame", a.x + a.width / 2, height - 4, 0.5, 1);
  cairo_save (cr);
  cairo_translate (cr, 14, a.y + a.height / 2);
  cairo_rotate (cr, -G_PI / 2);
  _ddl_plot_show_text (cr, "score", 0, 0, 0.5, 0.5);
  cairo_restore (cr);

  /* curves, the first model on top; clipped so a fixed range may cut them */
  cairo_save (cr);
  cairo_rectangle (cr, a.x, a.y, a.width, a.height);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width (cr, 1.5);
  for (guint m = spec->n_models; m > 0; m--)
    {
      _ddl_plot_set_colour (cr, _ddl_plot_palette[(m - 1) % DDL_PLOT_N_COLOURS], 1);
      draw_curve (cr, spec->scores + (gsize) (m - 1) * n, n, &a, lo, hi);
    }
  if (isfinite (spec->threshold))
    {
      double y = a.y + a.height * (hi - spec->threshold) / (hi - lo);
      _ddl_plot_set_colour (cr, THRESHOLD_COLOUR, 1);
      cairo_set_line_width (cr, 1.2);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, a.x, y);
      cairo_line_to (cr, a.x + a.width, y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  cairo_restore (cr);
  _ddl_plot_frame_area (cr, &a);

  title_end = a.x;
  if (spec->title != NULL)
    {
      cairo_text_extents_t ext;
      _ddl_plot_set_font (cr, TITLE_SIZE, TRUE);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.12);
      _ddl_plot_show_text (cr, spec->title, a.x, a.y / 2, 0, 0.5);
      cairo_text_extents (cr, spec->title, &ext);
      title_end += ext.x_advance + 24;
    }
  timeline_legend (cr, spec, title_end, a.x + a.width, a.y / 2, &a);
}

gboolean
ddl_plot_timeline (const DdlPlotTimeline *spec, const char *path, GError **error)
{
  int width, height;

  if (spec->n_frames == 0 || spec->n_models == 0 || spec->scores == NULL)
    {
      g_set_error (error, DDL_PLOT_ERROR, DDL_PLOT_ERROR_INVALID,
                   "nothing to draw in %s: the timeline has no frames or no scores", path);
      return FALSE;
    }
  timeline_size (spec, &width, &height);
  return _ddl_plot_write (path, width, height, draw_timeline, spec, error);
}
