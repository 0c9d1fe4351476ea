/* ddl-tracker.c: background subtraction, components and IoU tracking (see the header
 * for the method). Coordinates inside are working-size pixels with exclusive ends. */
#include "config.h"

#include "ddl-tracker.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HIST_BINS 4096    /* gray differences in [0, 1]: 1/4096 resolution */
#define WORK_TARGET 180

typedef struct {
  double x0, y0, x1, y1;
} Rect;

typedef struct {
  guint    first_frame;
  GArray  *rects;        /* Rect, one per frame from first_frame (gaps interpolated) */
  guint    n_detected;
  guint    missed;
  gboolean active;
  double   vx, vy;       /* centre motion per frame, smoothed */
} Track;

struct _DdlTracker {
  DdlTrackerOptions options;
  guint      width, height;
  float     *background;
  guint8    *mask, *strong, *scratch;
  guint     *hist;
  int       *labels;
  guint     *stack;
  GArray    *detections;   /* Rect */
  GPtrArray *tracks;       /* Track */
  guint      n_pushed;
};

void
ddl_tracker_options_init (DdlTrackerOptions *options)
{
  memset (options, 0, sizeof *options);
  options->background_samples = 50;
  options->threshold_k = 5.0;
  options->threshold_min = 0.10;
  options->grow_ratio = 1.0;
  options->open_radius = 0;
  options->close_radius_x = 0;
  options->close_radius_y = 3;
  options->min_area = 0.001;
  options->max_area = 0.25;
  options->iou_threshold = 0.3;
  options->max_missed = 3;
  options->min_track_length = 3;
}

void
ddl_tracker_work_size (const DdlTrackerOptions *options,
                       guint                    width,
                       guint                    height,
                       guint                   *work_width,
                       guint                   *work_height)
{
  if (options->work_width == 0)
    {
      /* An integer factor keeps the resampling a plain box average. */
      guint factor = MAX (1u, (width + WORK_TARGET / 2) / WORK_TARGET);
      *work_width = MAX (1u, width / factor);
      *work_height = MAX (1u, height / factor);
    }
  else
    {
      *work_width = MIN (width, options->work_width);
      *work_height = MAX (1u, (guint) lround ((double) height * *work_width / width));
    }
}

static void
track_free (gpointer data)
{
  Track *track = data;
  g_array_unref (track->rects);
  g_free (track);
}

DdlTracker *
ddl_tracker_new (const DdlTrackerOptions *options,
                 guint                    width,
                 guint                    height,
                 const float             *background)
{
  DdlTracker *tracker = g_new0 (DdlTracker, 1);
  gsize plane = (gsize) width * height;

  tracker->options = *options;
  tracker->width = width;
  tracker->height = height;
  tracker->background = g_memdup2 (background, plane * sizeof (float));
  tracker->mask = g_new0 (guint8, plane);
  tracker->strong = g_new0 (guint8, plane);
  tracker->scratch = g_new0 (guint8, plane);
  tracker->hist = g_new0 (guint, HIST_BINS);
  tracker->labels = g_new0 (int, plane);
  tracker->stack = g_new0 (guint, plane);
  tracker->detections = g_array_new (FALSE, FALSE, sizeof (Rect));
  tracker->tracks = g_ptr_array_new_with_free_func (track_free);
  return tracker;
}

void
ddl_tracker_free (DdlTracker *tracker)
{
  if (tracker == NULL)
    return;
  g_free (tracker->background);
  g_free (tracker->mask);
  g_free (tracker->strong);
  g_free (tracker->scratch);
  g_free (tracker->hist);
  g_free (tracker->labels);
  g_free (tracker->stack);
  g_array_unref (tracker->detections);
  g_ptr_array_unref (tracker->tracks);
  g_free (tracker);
}

const guint8 *
ddl_tracker_get_mask (DdlTracker *tracker)
{
  return tracker->mask;
}

/* ---- background -------------------------------------------------------------- */

/* The k-th smallest of n values (Hoare's selection; reorders `values`). */
static float
select_kth (float *values, int n, int k)
{
  int lo = 0, hi = n - 1;

  while (lo < hi)
    {
      float pivot = values[lo + (hi - lo) / 2];
      int i = lo, j = hi;
      while (i <= j)
        {
          while (values[i] < pivot)
            i++;
          while (values[j] > pivot)
            j--;
          if (i <= j)
            {
              float t = values[i];
              values[i++] = values[j];
              values[j--] = t;
            }
        }
      /* Now [lo, j] <= pivot <= [i, hi], and anything between equals the pivot. */
      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        return values[k];
    }
  return values[k];
}

void
ddl_tracker_median_background (float              *out,
                               const float *const *frames,
                               guint               n,
                               gsize               plane)
{
  g_autofree float *values = g_new (float, n);

  for (gsize p = 0; p < plane; p++)
    {
      for (guint i = 0; i < n; i++)
        values[i] = frames[i][p];
      /* Lower median for even n: a value that occurs, never a blend of two. */
      out[p] = select_kth (values, (int) n, (int) (n - 1) / 2);
    }
}

/* ---- foreground -------------------------------------------------------------- */

/* The value below which half the histogram's mass lies, in [0, 1]. */
static double
hist_median (const guint *hist, gsize total)
{
  gsize seen = 0;

  for (guint b = 0; b < HIST_BINS; b++)
    {
      seen += hist[b];
      if (2 * seen >= total)
        return (b + 0.5) / HIST_BINS;
    }
  return 1.0;
}

static guint
hist_bin (double v)
{
  int b = (int) (v * HIST_BINS);
  return (guint) CLAMP (b, 0, HIST_BINS - 1);
}

/* Threshold = median + k * 1.4826 * MAD of the frame's absolute difference: robust to
 * the few foreground pixels, and follows noise and mild lighting changes. */
static void
threshold_difference (DdlTracker *tracker, const float *frame)
{
  gsize plane = (gsize) tracker->width * tracker->height;
  double median, mad, threshold;

  memset (tracker->hist, 0, HIST_BINS * sizeof (guint));
  for (gsize p = 0; p < plane; p++)
    tracker->hist[hist_bin (fabsf (frame[p] - tracker->background[p]))]++;
  median = hist_median (tracker->hist, plane);
  memset (tracker->hist, 0, HIST_BINS * sizeof (guint));
  for (gsize p = 0; p < plane; p++)
    tracker->hist[hist_bin (fabs (fabsf (frame[p] - tracker->background[p]) - median))]++;
  mad = hist_median (tracker->hist, plane);
  threshold = MAX (tracker->options.threshold_min,
                   median + tracker->options.threshold_k * 1.4826 * mad);
  for (gsize p = 0; p < plane; p++)
    {
      float d = fabsf (frame[p] - tracker->background[p]);
      tracker->strong[p] = d > threshold;
      tracker->mask[p] = d > threshold * tracker->options.grow_ratio;
    }
}

/* One pass of a 1-D square structuring element of radius r along rows (step 1) or
 * columns (step = width); pixels outside the image are ignored. */
static void
morph_pass (const guint8 *in, guint8 *out, guint width, guint height, guint r,
            gboolean dilate, gboolean along_rows)
{
  guint lines = along_rows ? height : width, length = along_rows ? width : height;
  gsize step = along_rows ? 1 : width, line_step = along_rows ? width : 1;

  for (guint l = 0; l < lines; l++)
    {
      const guint8 *src = in + l * line_step;
      guint8 *dst = out + l * line_step;
      guint count = 0, size = 0;

      /* Window [i - r, i + r] clipped; count ones and size incrementally. */
      for (guint i = 0; i < MIN (r, length); i++)
        count += src[i * step], size++;
      for (guint i = 0; i < length; i++)
        {
          if (i + r < length)
            count += src[(i + r) * step], size++;
          if (i > r)
            count -= src[(i - r - 1) * step], size--;
          dst[i * step] = dilate ? count > 0 : count == size;
        }
    }
}

/* Erosion or dilation by a (2rx+1) x (2ry+1) rectangle, as two 1-D passes. */
static void
morph (DdlTracker *tracker, guint rx, guint ry, gboolean dilate)
{
  guint w = tracker->width, h = tracker->height;

  if (rx > 0)
    {
      morph_pass (tracker->mask, tracker->scratch, w, h, rx, dilate, TRUE);
      memcpy (tracker->mask, tracker->scratch, (gsize) w * h);
    }
  if (ry > 0)
    {
      morph_pass (tracker->mask, tracker->scratch, w, h, ry, dilate, FALSE);
      memcpy (tracker->mask, tracker->scratch, (gsize) w * h);
    }
}

/* 8-connected components of the mask; those passing the size filter, with enough
 * pixels above the full threshold (hysteresis), become detections. */
static void
find_components (DdlTracker *tracker)
{
  guint w = tracker->width, h = tracker->height;
  gsize plane = (gsize) w * h;
  double min_area = tracker->options.min_area * plane, max_area = tracker->options.max_area * plane;
  int next_label = 0;

  g_array_set_size (tracker->detections, 0);
  memset (tracker->labels, 0, plane * sizeof (int));
  for (gsize seed = 0; seed < plane; seed++)
    {
      guint top = 0, x0 = w, y0 = h, x1 = 0, y1 = 0;
      gsize area = 0, strong = 0;

      if (!tracker->mask[seed] || tracker->labels[seed] != 0)
        continue;
      tracker->labels[seed] = ++next_label;
      tracker->stack[top++] = (guint) seed;
      while (top > 0)
        {
          guint p = tracker->stack[--top], x = p % w, y = p / w;
          area++;
          strong += tracker->strong[p];
          x0 = MIN (x0, x), x1 = MAX (x1, x), y0 = MIN (y0, y), y1 = MAX (y1, y);
          for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
              {
                int nx = (int) x + dx, ny = (int) y + dy;
                gsize q;
                if (nx < 0 || ny < 0 || nx >= (int) w || ny >= (int) h)
                  continue;
                q = (gsize) ny * w + nx;
                if (tracker->mask[q] && tracker->labels[q] == 0)
                  {
                    tracker->labels[q] = next_label;
                    tracker->stack[top++] = (guint) q;
                  }
              }
        }
      if (area >= min_area && area <= max_area && strong >= min_area / 2)
        {
          Rect r = { x0, y0, x1 + 1.0, y1 + 1.0 };
          g_array_append_val (tracker->detections, r);
        }
    }
}

/* ---- tracking ---------------------------------------------------------------- */

static double
rect_iou (const Rect *a, const Rect *b)
{
  double ix = MIN (a->x1, b->x1) - MAX (a->x0, b->x0);
  double iy = MIN (a->y1, b->y1) - MAX (a->y0, b->y0);
  double inter, uni;

  if (ix <= 0 || iy <= 0)
    return 0.0;
  inter = ix * iy;
  uni = (a->x1 - a->x0) * (a->y1 - a->y0) + (b->x1 - b->x0) * (b->y1 - b->y0) - inter;
  return uni > 0 ? inter / uni : 0.0;
}

static Rect *
track_last (Track *track)
{
  return &g_array_index (track->rects, Rect, track->rects->len - 1);
}

static Rect
track_predict (Track *track)
{
  Rect r = *track_last (track);
  double steps = track->missed + 1.0;

  r.x0 += track->vx * steps, r.x1 += track->vx * steps;
  r.y0 += track->vy * steps, r.y1 += track->vy * steps;
  return r;
}

typedef struct {
  double iou;
  guint  track, detection;
} Pair;

static int
compare_pairs (gconstpointer a, gconstpointer b)
{
  const Pair *pa = a, *pb = b;
  if (pa->iou != pb->iou)
    return pa->iou < pb->iou ? 1 : -1;
  /* Ties in a fixed order so results never depend on qsort's. */
  if (pa->track != pb->track)
    return pa->track < pb->track ? -1 : 1;
  return (pa->detection > pb->detection) - (pa->detection < pb->detection);
}

static void
track_extend (Track *track, const Rect *det)
{
  Rect last = *track_last (track);
  double gap = track->missed + 1.0;
  double dx = ((det->x0 + det->x1) - (last.x0 + last.x1)) / 2.0 / gap;
  double dy = ((det->y0 + det->y1) - (last.y0 + last.y1)) / 2.0 / gap;

  /* Frames it was not seen in get boxes on the line between the two detections. */
  for (guint g = 1; g <= track->missed; g++)
    {
      double a = g / gap;
      Rect r = { last.x0 + a * (det->x0 - last.x0), last.y0 + a * (det->y0 - last.y0),
                 last.x1 + a * (det->x1 - last.x1), last.y1 + a * (det->y1 - last.y1) };
      g_array_append_val (track->rects, r);
    }
  g_array_append_val (track->rects, *det);
  track->vx = track->n_detected > 1 ? 0.5 * track->vx + 0.5 * dx : dx;
  track->vy = track->n_detected > 1 ? 0.5 * track->vy + 0.5 * dy : dy;
  track->n_detected++;
  track->missed = 0;
}

static void
update_tracks (DdlTracker *tracker)
{
  GArray *dets = tracker->detections;
  g_autoptr(GArray) pairs = g_array_new (FALSE, FALSE, sizeof (Pair));
  g_autofree gboolean *det_used = g_new0 (gboolean, dets->len + 1);
  g_autofree gboolean *track_used = g_new0 (gboolean, tracker->tracks->len + 1);
  guint n_tracks = tracker->tracks->len;

  for (guint t = 0; t < n_tracks; t++)
    {
      Track *track = g_ptr_array_index (tracker->tracks, t);
      Rect predicted;
      if (!track->active)
        continue;
      predicted = track_predict (track);
      for (guint d = 0; d < dets->len; d++)
        {
          double iou = rect_iou (&predicted, &g_array_index (dets, Rect, d));
          /* The unpredicted box too: a track that stops must not be lost. */
          iou = MAX (iou, rect_iou (track_last (track), &g_array_index (dets, Rect, d)));
          if (iou >= tracker->options.iou_threshold)
            {
              Pair p = { iou, t, d };
              g_array_append_val (pairs, p);
            }
        }
    }
  g_array_sort (pairs, compare_pairs);
  for (guint i = 0; i < pairs->len; i++)
    {
      Pair *p = &g_array_index (pairs, Pair, i);
      if (track_used[p->track] || det_used[p->detection])
        continue;
      track_used[p->track] = det_used[p->detection] = TRUE;
      track_extend (g_ptr_array_index (tracker->tracks, p->track),
                    &g_array_index (dets, Rect, p->detection));
    }
  for (guint t = 0; t < n_tracks; t++)
    {
      Track *track = g_ptr_array_index (tracker->tracks, t);
      if (track->active && !track_used[t] && ++track->missed > tracker->options.max_missed)
        track->active = FALSE;
    }
  for (guint d = 0; d < dets->len; d++)
    if (!det_used[d])
      {
        Track *track = g_new0 (Track, 1);
        track->first_frame = tracker->n_pushed;
        track->rects = g_array_new (FALSE, FALSE, sizeof (Rect));
        track->active = TRUE;
        track->n_detected = 1;
        g_array_append_val (track->rects, g_array_index (dets, Rect, d));
        g_ptr_array_add (tracker->tracks, track);
      }
}

guint
ddl_tracker_push (DdlTracker *tracker, const float *frame)
{
  threshold_difference (tracker, frame);
  morph (tracker, tracker->options.open_radius, tracker->options.open_radius, FALSE);
  morph (tracker, tracker->options.open_radius, tracker->options.open_radius, TRUE);
  morph (tracker, tracker->options.close_radius_x, tracker->options.close_radius_y, TRUE);
  morph (tracker, tracker->options.close_radius_x, tracker->options.close_radius_y, FALSE);
  find_components (tracker);
  update_tracks (tracker);
  tracker->n_pushed++;
  return tracker->detections->len;
}

void
ddl_tracker_finish (DdlTracker *tracker, DdlBoxes *boxes, guint video)
{
  guint next_id = 0;

  for (guint t = 0; t < tracker->tracks->len; t++)
    {
      Track *track = g_ptr_array_index (tracker->tracks, t);
      char id[16];

      if (track->n_detected < tracker->options.min_track_length)
        continue;
      g_snprintf (id, sizeof id, "%u", ++next_id);
      for (guint i = 0; i < track->rects->len; i++)
        {
          Rect *r = &g_array_index (track->rects, Rect, i);
          double box[4] = { r->x0 / tracker->width, r->y0 / tracker->height,
                            r->x1 / tracker->width, r->y1 / tracker->height };
          ddl_boxes_add (boxes, video, track->first_frame + i, id, box);
        }
    }
  g_ptr_array_set_size (tracker->tracks, 0);
}

/* ---- drivers ----------------------------------------------------------------- */

gboolean
ddl_tracker_track_source (const DdlTrackerOptions *options,
                          DdlFrameSource          *source,
                          DdlBoxes                *boxes,
                          guint                    video,
                          guint                    video_number,
                          guint                    n_videos,
                          GCancellable            *cancellable,
                          GError                 **error)
{
  guint n = ddl_frame_source_get_n_frames (source), ww, wh, samples;
  g_autoptr(DdlTracker) tracker = NULL;
  g_autofree float *frames = NULL, *background = NULL;
  g_autofree const float **planes = NULL;
  gsize plane;

  ddl_tracker_work_size (options, ddl_frame_source_get_width (source),
                         ddl_frame_source_get_height (source), &ww, &wh);
  plane = (gsize) ww * wh;
  samples = MAX (1u, MIN (n, options->background_samples));
  frames = g_new (float, plane * samples);
  planes = g_new (const float *, samples);
  background = g_new (float, plane);
  if (n == 0)
    return TRUE;

  for (guint s = 0; s < samples; s++)
    {
      guint index = samples > 1 ? (guint) ((guint64) s * (n - 1) / (samples - 1)) : n / 2;
      if (!ddl_frame_source_read_float (source, index, DDL_PIXEL_GRAY, ww, wh,
                                        frames + s * plane, error))
        return FALSE;
      planes[s] = frames + s * plane;
    }
  ddl_tracker_median_background (background, planes, samples, plane);

  tracker = ddl_tracker_new (options, ww, wh, background);
  for (guint i = 0; i < n; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!ddl_frame_source_read_float (source, i, DDL_PIXEL_GRAY, ww, wh, frames, error))
        return FALSE;
      ddl_tracker_push (tracker, frames);
      if (options->progress != NULL)
        options->progress (video_number, n_videos, ddl_frame_source_get_name (source), i + 1, n,
                           options->user_data);
    }
  ddl_tracker_finish (tracker, boxes, video);
  /* Frames after the last track still belong to the video. */
  ddl_boxes_add_video (boxes, ddl_boxes_get_video_name (boxes, video),
                       ddl_boxes_get_video_key_dir (boxes, video), n);
  return TRUE;
}

DdlBoxes *
ddl_tracker_track_dataset (const DdlTrackerOptions *options,
                           DdlDataset              *dataset,
                           DdlSplit                 split,
                           const char              *key_prefix,
                           GCancellable            *cancellable,
                           GError                 **error)
{
  GPtrArray *entries = ddl_dataset_get_videos (dataset, split);
  const char *prefix = key_prefix != NULL ? key_prefix : ddl_dataset_get_split_dir (dataset, split);
  g_autoptr(DdlBoxes) boxes = ddl_boxes_new ();

  if (entries == NULL || entries->len == 0)
    {
      g_set_error (error, DDL_DATASET_ERROR, DDL_DATASET_ERROR_EMPTY,
                   "%s: the %s split has no videos", ddl_dataset_get_root (dataset),
                   split == DDL_SPLIT_TRAIN ? "training" : "test");
      return NULL;
    }
  for (guint e = 0; e < entries->len; e++)
    {
      DdlVideoEntry *entry = g_ptr_array_index (entries, e);
      g_autoptr(DdlFrameSource) source = ddl_dataset_open_video (dataset, split, e, error);
      g_autofree char *key_dir = NULL;
      guint video, n;

      if (source == NULL)
        return NULL;
      n = ddl_frame_source_get_n_frames (source);
      if (ddl_frame_source_is_video (source))
        key_dir = g_strdup (entry->path);
      else
        key_dir = prefix != NULL ? g_build_filename (prefix, entry->name, NULL)
                                 : g_strdup (entry->path);
      video = ddl_boxes_add_video (boxes, entry->name, key_dir, n);
      for (guint i = 0; i < n; i++)
        {
          const char *frame_path = ddl_frame_source_get_frame_path (source, i);
          g_autofree char *file = frame_path != NULL ? g_path_get_basename (frame_path) : NULL;
          ddl_boxes_set_frame_file (boxes, video, i, file);
        }
      if (!ddl_tracker_track_source (options, source, boxes, video, e, entries->len,
                                     cancellable, error))
        return NULL;
    }
  return g_steal_pointer (&boxes);
}
