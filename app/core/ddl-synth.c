/* ddl-synth.c: simulation and rendering of the synthetic walkway videos (the scene
 * model is described in ddl-synth.h; drawing is in ddl-synth-draw.c, the dataset
 * writer in ddl-synth-write.c). */
#include "config.h"

#include "ddl-synth.h"
#include "ddl-synth-draw.h"

#include <math.h>
#include <string.h>

#define WARMUP_FRAMES 150        /* simulated before frame 0, so the scene starts populated */
#define VISIBLE_SHARE 0.3        /* of an object's box inside the frame, to count as visible */
#define METRES_PER_PERSON 1.7    /* person height, for the pixels-per-metre rule */
#define NOISE_SIGMA 0.011        /* sensor noise, in [0, 1] gray */

typedef enum {
  KIND_PEDESTRIAN,
  KIND_WRONG_WAY,
  KIND_LAWN_WALKER,
  KIND_RUNNER,
  KIND_CYCLIST,
  KIND_CART,
  N_KINDS
} Kind;

typedef struct {
  const char *name;
  SynthFigure figure;
  double      speed_lo, speed_hi;  /* m/s */
  double      cycle;               /* metres per gait, crank or wheel cycle */
} KindInfo;

static const KindInfo kinds[N_KINDS] = {
  { "pedestrian",  SYNTH_FIGURE_WALKER,  1.1, 1.6, 1.4 },
  { "wrong-way",   SYNTH_FIGURE_WALKER,  1.1, 1.6, 1.4 },
  { "lawn-walker", SYNTH_FIGURE_WALKER,  1.0, 1.5, 1.4 },
  { "runner",      SYNTH_FIGURE_RUNNER,  3.0, 4.5, 2.6 },
  { "cyclist",     SYNTH_FIGURE_CYCLIST, 4.0, 6.0, 5.0 },
  { "cart",        SYNTH_FIGURE_CART,    1.8, 2.8, 1.0 },
};

struct _DdlSynth {
  DdlSynthOptions options;
  SynthGeometry   geometry;
  float          *background;   /* (height, width, 3) */
};

typedef struct {
  float x, y, phase, dx, dy;
} State;

typedef struct {
  Kind      kind;
  guint     track;        /* 0 until it is known to be visible */
  SynthLook look;
  int       first;        /* frame of states[0] */
  GArray   *states;       /* State, frames first … first + len - 1, all in [0, n) */
} Object;

struct _DdlSynthVideo {
  DdlSynth  *synth;
  guint64    seed;
  guint      n_frames;
  GPtrArray *objects;     /* Object */
  GArray   **visible;     /* per frame: DdlSynthObject, in track order */
  gboolean  *labels;
  double     gain_amplitude, gain_period, gain_phase, gain_slope;
  float     *canvas;
};

typedef struct {
  double u[4], v[4];      /* normalised polyline, off screen at both ends */
  guint  n;
} Route;

/* ---- the scene --------------------------------------------------------------- */

void
ddl_synth_options_init (DdlSynthOptions *options)
{
  memset (options, 0, sizeof *options);
  options->seed = 1;
  options->n_train_videos = 8;
  options->n_test_videos = 6;
  options->width = 240;
  options->height = 160;
}

DdlSynth *
ddl_synth_new (const DdlSynthOptions *options)
{
  DdlSynth *synth;

  g_return_val_if_fail (options->width >= 16 && options->height >= 16, NULL);
  synth = g_new0 (DdlSynth, 1);
  synth->options = *options;
  synth_geometry_init (&synth->geometry, options->seed);
  synth->background = g_new (float, (gsize) options->width * options->height * 3);
  synth_paint_background (synth->background, options->width, options->height, &synth->geometry);
  return synth;
}

void
ddl_synth_free (DdlSynth *synth)
{
  if (synth == NULL)
    return;
  g_free (synth->background);
  g_free (synth);
}

/* ---- routes ------------------------------------------------------------------ */

static double
lane_v (const SynthGeometry *g, double u, double share)
{
  double top = synth_walk_top (g, u);
  return top + share * (synth_walk_bottom (g, u) - top);
}

static void
route_add (Route *r, double u, double v)
{
  r->u[r->n] = u, r->v[r->n] = v, r->n++;
}

/* Along a lane; upper lanes flow left to right, lower lanes right to left, unless
 * against the flow. `margin` keeps long objects off screen at the ends. */
static void
lane_route (Route *r, const SynthGeometry *g, SynthRng *rng, gboolean upper, gboolean against,
            double margin)
{
  double share = upper ? synth_rng_range (rng, 0.2, 0.45) : synth_rng_range (rng, 0.55, 0.82);
  gboolean rightwards = upper != against;
  double u0 = rightwards ? -margin : 1 + margin, u1 = rightwards ? 1 + margin : -margin;

  route_add (r, u0, lane_v (g, u0, share));
  route_add (r, u1, lane_v (g, u1, share));
}

/* Down the side path then into a lane, or the reverse (kinds 2-5 of normal walking). */
static void
side_route (Route *r, const SynthGeometry *g, SynthRng *rng, guint which)
{
  double top_v = -0.25, join_v = synth_walk_top (g, g->side_u1);
  double jitter = synth_rng_range (rng, -0.6, 0.6);
  double u_top = synth_side_centre (g, top_v) + jitter * synth_side_half_width (g, top_v);
  double u_join = synth_side_centre (g, join_v) + jitter * synth_side_half_width (g, join_v);
  gboolean upper = which == 2 || which == 4;
  double share = upper ? synth_rng_range (rng, 0.2, 0.45) : synth_rng_range (rng, 0.55, 0.82);
  double end_u = which == 2 ? 1.12 : which == 3 ? -0.12 : which == 4 ? -0.12 : 1.12;

  if (which <= 3)   /* coming down the path, then along the lane */
    {
      route_add (r, u_top, top_v);
      route_add (r, u_join, lane_v (g, u_join, share));
      route_add (r, end_u, lane_v (g, end_u, share));
    }
  else              /* along the lane, then up the path */
    {
      route_add (r, end_u, lane_v (g, end_u, share));
      route_add (r, u_join, lane_v (g, u_join, share));
      route_add (r, u_top, top_v);
    }
}

static void
lawn_route (Route *r, const SynthGeometry *g, SynthRng *rng)
{
  guint which = synth_rng_below (rng, 3);
  gboolean rightwards = synth_rng_uniform (rng) < 0.5;
  double a = rightwards ? -0.12 : 1.12, b = rightwards ? 1.12 : -0.12;

  if (which == 0)        /* along the upper lawn */
    {
      double v = synth_rng_range (rng, 0.17, g->top0 - 0.08);
      route_add (r, a, v), route_add (r, b, v + synth_rng_range (rng, -0.04, 0.04));
    }
  else if (which == 1)   /* along the lower lawn */
    {
      double v = synth_rng_range (rng, 0.9, 0.97);
      route_add (r, a, v), route_add (r, b, v + synth_rng_range (rng, -0.02, 0.02));
    }
  else                   /* across everything, bottom to top */
    {
      double u0 = synth_rng_range (rng, 0.1, 0.9);
      double u1 = CLAMP (u0 + synth_rng_range (rng, -0.5, 0.5), 0.05, 0.95);
      route_add (r, u0, 1.3), route_add (r, u1, -0.15);
    }
}

static void
make_route (Route *r, const SynthGeometry *g, SynthRng *rng, Kind kind)
{
  r->n = 0;
  switch (kind)
    {
    case KIND_PEDESTRIAN:
      {
        double pick = synth_rng_uniform (rng);
        if (pick < 0.6)
          lane_route (r, g, rng, pick < 0.3, FALSE, 0.12);
        else
          side_route (r, g, rng, 2 + (guint) ((pick - 0.6) / 0.1));
        break;
      }
    case KIND_WRONG_WAY:
      lane_route (r, g, rng, synth_rng_uniform (rng) < 0.5, TRUE, 0.12);
      break;
    case KIND_LAWN_WALKER:
      lawn_route (r, g, rng);
      break;
    case KIND_RUNNER:
    case KIND_CYCLIST:
      lane_route (r, g, rng, synth_rng_uniform (rng) < 0.5, synth_rng_uniform (rng) < 0.2, 0.25);
      break;
    case KIND_CART:
      lane_route (r, g, rng, synth_rng_uniform (rng) < 0.5, FALSE, 0.4);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* ---- simulation -------------------------------------------------------------- */

static void
tinted (float out[3], SynthRng *rng, double shade, double tint)
{
  for (int k = 0; k < 3; k++)
    out[k] = (float) CLAMP (shade * (1 + synth_rng_range (rng, -tint, tint)), 0.0, 1.0);
}

static void
make_look (SynthLook *look, SynthRng *rng, Kind kind)
{
  double top = synth_rng_uniform (rng) < 0.6 ? synth_rng_range (rng, 0.08, 0.38)
                                             : synth_rng_range (rng, 0.72, 0.92);
  tinted (look->top, rng, top, 0.08);
  tinted (look->bottom, rng, synth_rng_range (rng, 0.1, 0.42), 0.08);
  tinted (look->head, rng, synth_rng_range (rng, 0.18, 0.5), 0.06);
  tinted (look->frame, rng, synth_rng_range (rng, 0.08, 0.25), 0.05);
  look->build = synth_rng_range (rng, 0.9, 1.1);
  if (kind == KIND_CART)
    {
      tinted (look->top, rng, synth_rng_uniform (rng) < 0.5 ? 0.9 : 0.22, 0.04);
      tinted (look->bottom, rng, 0.5, 0.04);
      look->build = 1.0;
    }
}

/* Moves an object along its route from `spawn` until it leaves or the video ends,
 * recording its state in frames [0, n). */
static Object *
simulate (DdlSynthVideo *video, SynthRng *rng, Kind kind, int spawn)
{
  const DdlSynthOptions *o = &video->synth->options;
  Object *object = g_new0 (Object, 1);
  double speed = synth_rng_range (rng, kinds[kind].speed_lo, kinds[kind].speed_hi);
  double phase = synth_rng_range (rng, 0, 2 * G_PI);
  Route route;
  double x, y;
  guint segment = 0;

  object->kind = kind;
  object->first = -1;
  object->states = g_array_new (FALSE, FALSE, sizeof (State));
  make_look (&object->look, rng, kind);
  make_route (&route, &video->synth->geometry, rng, kind);
  x = route.u[0] * o->width, y = route.v[0] * o->height;

  for (int f = spawn; f < (int) video->n_frames && segment + 1 < route.n; f++)
    {
      double ppm = synth_person_height (o->height, y) / METRES_PER_PERSON;
      double step = speed * ppm / DDL_SYNTH_FPS;
      double tx = route.u[segment + 1] * o->width, ty = route.v[segment + 1] * o->height;
      double dx = tx - x, dy = ty - y, d = sqrt (dx * dx + dy * dy);
      State s = { (float) x, (float) y, (float) phase, d > 0 ? dx / d : 1, d > 0 ? dy / d : 0 };

      if (f >= 0)
        {
          if (object->first < 0)
            object->first = f;
          g_array_append_val (object->states, s);
        }
      phase += 2 * G_PI * speed / DDL_SYNTH_FPS / kinds[kind].cycle;
      while (step > 0 && segment + 1 < route.n)
        {
          tx = route.u[segment + 1] * o->width, ty = route.v[segment + 1] * o->height;
          dx = tx - x, dy = ty - y, d = sqrt (dx * dx + dy * dy);
          if (d > step)
            {
              x += dx / d * step, y += dy / d * step;
              step = 0;
            }
          else
            {
              x = tx, y = ty, step -= d;
              segment++;
            }
        }
    }
  return object;
}

static void
object_free (gpointer data)
{
  Object *object = data;
  g_array_unref (object->states);
  g_free (object);
}

static void
object_pose (Object *object, guint frame, SynthPose *pose, guint height)
{
  State *s = &g_array_index (object->states, State, frame - object->first);

  pose->figure = kinds[object->kind].figure;
  pose->x = s->x, pose->y = s->y;
  pose->height = synth_person_height (height, s->y);
  pose->phase = s->phase;
  pose->dx = s->dx, pose->dy = s->dy;
  pose->look = &object->look;
}

static gboolean
object_in_frame (Object *object, guint frame)
{
  return object->first >= 0 && (int) frame >= object->first
         && frame - object->first < object->states->len;
}

/* The object's box in a frame if it counts as visible there. */
static gboolean
object_box (DdlSynthVideo *video, Object *object, guint frame, double box[4])
{
  const DdlSynthOptions *o = &video->synth->options;
  SynthCanvas canvas = { NULL, o->width, o->height };
  SynthPose pose;
  double area, cx0, cy0, cx1, cy1;

  if (!object_in_frame (object, frame))
    return FALSE;
  object_pose (object, frame, &pose, o->height);
  synth_canvas_reset (&canvas);
  synth_draw_figure (&canvas, &pose);
  area = (canvas.x1 - canvas.x0) * (canvas.y1 - canvas.y0);
  cx0 = MAX (canvas.x0, 0), cy0 = MAX (canvas.y0, 0);
  cx1 = MIN (canvas.x1, o->width), cy1 = MIN (canvas.y1, o->height);
  if (cx1 - cx0 < 2 || cy1 - cy0 < 2 || (cx1 - cx0) * (cy1 - cy0) < VISIBLE_SHARE * area)
    return FALSE;
  box[0] = cx0 / o->width, box[1] = cy0 / o->height;
  box[2] = cx1 / o->width, box[3] = cy1 / o->height;
  return TRUE;
}

/* Drops objects never visible, numbers the rest by first appearance, and fills the
 * per-frame visible lists and labels. */
static void
index_objects (DdlSynthVideo *video)
{
  GPtrArray *kept = g_ptr_array_new_with_free_func (object_free);
  guint next_track = 0;

  for (guint i = 0; i < video->objects->len; i++)
    ((Object *) g_ptr_array_index (video->objects, i))->track = 0;
  for (guint f = 0; f < video->n_frames; f++)
    {
      g_array_set_size (video->visible[f], 0);
      video->labels[f] = FALSE;
      for (guint i = 0; i < video->objects->len; i++)
        {
          Object *object = g_ptr_array_index (video->objects, i);
          DdlSynthObject visible;
          if (!object_box (video, object, f, visible.box))
            continue;
          if (object->track == 0)
            object->track = ++next_track;
          visible.track = object->track;
          visible.kind = kinds[object->kind].name;
          visible.anomalous = object->kind != KIND_PEDESTRIAN;
          video->labels[f] |= visible.anomalous;
          g_array_append_val (video->visible[f], visible);
        }
    }
  g_ptr_array_set_free_func (video->objects, NULL);
  for (guint i = 0; i < video->objects->len; i++)
    {
      Object *object = g_ptr_array_index (video->objects, i);
      if (object->track != 0)
        g_ptr_array_add (kept, object);
      else
        object_free (object);
    }
  g_ptr_array_unref (video->objects);
  video->objects = kept;
  for (guint f = 0; f < video->n_frames; f++)
    {
      /* Track order within a frame, so files list tracks in a stable order. */
      GArray *list = video->visible[f];
      for (guint a = 1; a < list->len; a++)
        for (guint b = a; b > 0 && g_array_index (list, DdlSynthObject, b - 1).track
                                   > g_array_index (list, DdlSynthObject, b).track; b--)
          {
            DdlSynthObject t = g_array_index (list, DdlSynthObject, b);
            g_array_index (list, DdlSynthObject, b) = g_array_index (list, DdlSynthObject, b - 1);
            g_array_index (list, DdlSynthObject, b - 1) = t;
          }
    }
}

static guint
count_anomalous (DdlSynthVideo *video)
{
  guint n = 0;
  for (guint f = 0; f < video->n_frames; f++)
    n += video->labels[f];
  return n;
}

static void
add_anomalies (DdlSynthVideo *video, SynthRng *rng, gboolean force_early)
{
  guint n = video->n_frames, events = 1 + (synth_rng_uniform (rng) < 0.55)
                                      + (synth_rng_uniform (rng) < 0.2);
  double t;

  if (force_early || synth_rng_uniform (rng) < 0.7)
    t = synth_rng_range (rng, force_early ? 0.0 : 0.1 * n, force_early ? 0.3 * n : 0.55 * n);
  else
    t = synth_rng_range (rng, -40, -5);   /* already under way at frame 0 */
  for (guint e = 0; e < events && t < 0.8 * n; e++)
    {
      Kind kind = KIND_WRONG_WAY + synth_rng_below (rng, N_KINDS - KIND_WRONG_WAY);
      g_ptr_array_add (video->objects, simulate (video, rng, kind, (int) t));
      t += synth_rng_range (rng, 15, 0.45 * n);
    }
}

DdlSynthVideo *
ddl_synth_video_new (DdlSynth *synth, DdlSplit split, guint index)
{
  DdlSynthVideo *video = g_new0 (DdlSynthVideo, 1);
  const DdlSynthOptions *o = &synth->options;
  SynthRng rng;
  double rate;

  video->synth = synth;
  video->seed = synth_mix (synth_mix (o->seed) ^ synth_mix (((guint64) split + 1) << 32 | index));
  synth_rng_init (&rng, video->seed);
  video->n_frames = o->n_frames > 0 ? o->n_frames : 120 + synth_rng_below (&rng, 61);
  video->objects = g_ptr_array_new_with_free_func (object_free);
  video->visible = g_new (GArray *, video->n_frames);
  for (guint f = 0; f < video->n_frames; f++)
    video->visible[f] = g_array_new (FALSE, FALSE, sizeof (DdlSynthObject));
  video->labels = g_new0 (gboolean, video->n_frames);
  video->gain_amplitude = synth_rng_range (&rng, 0.015, 0.04);
  video->gain_period = synth_rng_range (&rng, 80, 300);
  video->gain_phase = synth_rng_range (&rng, 0, 2 * G_PI);
  video->gain_slope = synth_rng_range (&rng, -0.05, 0.05);
  video->canvas = g_new (float, (gsize) o->width * o->height * 3);

  /* Normal walkers: Poisson arrivals at a per-video rate (crowd density). */
  rate = synth_rng_range (&rng, 0.03, 0.06);
  for (int f = -WARMUP_FRAMES; f < (int) video->n_frames; f++)
    if (synth_rng_uniform (&rng) < rate)
      g_ptr_array_add (video->objects, simulate (video, &rng, KIND_PEDESTRIAN, f));

  if (split == DDL_SPLIT_TEST)
    {
      add_anomalies (video, &rng, FALSE);
      index_objects (video);
      /* A test video always shows an anomaly; retry with an early event if the drawn
       * ones never came into view. */
      for (int attempt = 0; attempt < 8 && count_anomalous (video) == 0; attempt++)
        {
          add_anomalies (video, &rng, TRUE);
          index_objects (video);
        }
    }
  else
    index_objects (video);
  return video;
}

void
ddl_synth_video_free (DdlSynthVideo *video)
{
  if (video == NULL)
    return;
  g_ptr_array_unref (video->objects);
  for (guint f = 0; f < video->n_frames; f++)
    g_array_unref (video->visible[f]);
  g_free (video->visible);
  g_free (video->labels);
  g_free (video->canvas);
  g_free (video);
}

guint
ddl_synth_video_get_n_frames (DdlSynthVideo *video)
{
  return video->n_frames;
}

const DdlSynthObject *
ddl_synth_video_get_objects (DdlSynthVideo *video, guint frame, guint *n_objects)
{
  g_return_val_if_fail (frame < video->n_frames, NULL);
  *n_objects = video->visible[frame]->len;
  return (const DdlSynthObject *) video->visible[frame]->data;
}

gboolean
ddl_synth_video_get_label (DdlSynthVideo *video, guint frame)
{
  g_return_val_if_fail (frame < video->n_frames, FALSE);
  return video->labels[frame];
}

/* ---- rendering --------------------------------------------------------------- */

static int
compare_by_feet (gconstpointer a, gconstpointer b)
{
  const SynthPose *pa = a, *pb = b;
  return (pa->y > pb->y) - (pa->y < pb->y);
}

void
ddl_synth_video_render (DdlSynthVideo *video, guint frame, guint8 *rgb)
{
  const DdlSynthOptions *o = &video->synth->options;
  gsize plane = (gsize) o->width * o->height;
  SynthCanvas canvas = { video->canvas, o->width, o->height };
  g_autoptr(GArray) poses = g_array_new (FALSE, FALSE, sizeof (SynthPose));
  double gain;
  SynthRng noise;

  g_return_if_fail (frame < video->n_frames);
  memcpy (video->canvas, video->synth->background, plane * 3 * sizeof (float));
  for (guint i = 0; i < video->objects->len; i++)
    {
      Object *object = g_ptr_array_index (video->objects, i);
      SynthPose pose;
      if (!object_in_frame (object, frame))
        continue;
      object_pose (object, frame, &pose, o->height);
      g_array_append_val (poses, pose);
    }
  /* Shadows first, then the figures from far (top) to near (bottom). */
  g_array_sort (poses, compare_by_feet);
  for (guint i = 0; i < poses->len; i++)
    synth_draw_shadow (&canvas, &g_array_index (poses, SynthPose, i));
  for (guint i = 0; i < poses->len; i++)
    synth_draw_figure (&canvas, &g_array_index (poses, SynthPose, i));

  gain = 1.0 + video->gain_amplitude * sin (2 * G_PI * frame / video->gain_period + video->gain_phase)
         + video->gain_slope * ((double) frame / video->n_frames - 0.5);
  synth_rng_init (&noise, video->seed ^ synth_mix (frame + 1));
  for (gsize p = 0; p < plane; p++)
    {
      /* Four 16-bit uniforms summed: a cheap, nearly Gaussian noise sample. */
      guint64 bits = synth_rng_next (&noise);
      double sum = (double) ((bits & 0xFFFF) + ((bits >> 16) & 0xFFFF) + ((bits >> 32) & 0xFFFF)
                             + (bits >> 48)) / 65536.0;
      double n = (sum - 2.0) * 1.7320508 * NOISE_SIGMA;
      for (int k = 0; k < 3; k++)
        {
          double value = (video->canvas[p * 3 + k] * gain + n) * 255.0 + 0.5;
          rgb[p * 3 + k] = (guint8) CLAMP (value, 0.0, 255.0);
        }
    }
}
