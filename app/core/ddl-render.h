/* ddl-render.h: a test video rendered for showing — every frame of the footage beside
 * each model's reconstruction and error map, with the score curves underneath and a
 * playhead moving along them — encoded with libavcodec (ddl-frame-writer.h). GTK-free;
 * drawn with Cairo.
 *
 * Layout of one output frame (all panes the same height, pane_height):
 *   [ frame ] [ model 1 reconstruction ] [ model 1 error ] [ model 2 … ] …
 *   each pane with a caption above it ("Frame 57 / 180", "DDL reconstruction",
 *   "DDL error"); frames without a score (the first and last (T-1)/2 of a T-frame
 *   model) show a grey pane saying so; error maps use the shared colour map
 *   (ddl-colour.h) with its range fixed over the whole video and shared by every model,
 *   so brightness compares across frames and across models;
 *   ground-truth anomalous frames get a red border around the frame pane.
 *   [ score strip across the full width: every model's curve in its colour with a
 *     legend, ground truth shaded, the threshold line when given, and a vertical
 *     playhead at the current frame ]
 * Widths are rounded to even numbers for the encoders. */
#pragma once

#include <gio/gio.h>
#include "ddl-frame-source.h"

G_BEGIN_DECLS

#define DDL_RENDER_ERROR (ddl_render_error_quark ())

typedef enum {
  DDL_RENDER_ERROR_INVALID,   /* nothing to render, curve and footage lengths differ */
  DDL_RENDER_ERROR_MAPS,      /* a maps file is missing or does not fit the scores */
} DdlRenderError;

typedef struct {
  const char   *name;       /* caption and legend */
  const char   *maps_dir;   /* the scorer's <video>.maps.npy / <video>.recs.npy, or NULL
                             * (then only the curve is drawn for this model) */
  const double *curve;      /* n_frames values as plotted, NAN = no score */
  const guint  *scored;     /* the scored frames, increasing (row i of the maps is frame
                             * scored[i]), n_scored of them; NULL: the non-NAN frames of
                             * `curve` */
  guint         n_scored;
} DdlRenderModel;

/* Called after each encoded frame; return FALSE to stop (the file is then removed). */
typedef gboolean (*DdlRenderProgressFunc) (guint done, guint total, gpointer user_data);

typedef struct {
  const char            *footage;      /* a dataset folder (its test split), a video file or
                                        * a frame folder, as it was scored */
  const char            *video;        /* the video's name (as in the scores); NULL: the
                                        * footage's only / first test video */
  const DdlRenderModel  *models;
  guint                  n_models;
  guint                  n_frames;     /* length of every curve = frames of the video */
  const guint8          *labels;       /* n_frames ground truth, or NULL */
  double                 threshold;    /* NAN: no line */
  guint                  pane_height;  /* 0: 240 */
  double                 fps;          /* 0: the footage's */
  const char            *output;       /* .mp4, .mkv, .webm or .avi */
  const char            *encoder;      /* NULL: chosen by container (ddl-frame-writer.h) */
  DdlRenderProgressFunc  progress;
  gpointer               user_data;
  GCancellable          *cancellable;
} DdlRenderOptions;

GQuark   ddl_render_error_quark  (void);
void     ddl_render_options_init (DdlRenderOptions *options);
gboolean ddl_render_video        (const DdlRenderOptions *options, GError **error);

/* One composed frame as packed RGB (for tests and thumbnails); *width and *height
 * receive its size. */
guint8  *ddl_render_frame        (const DdlRenderOptions *options, guint frame,
                                  guint *width, guint *height, GError **error);

/* The footage's video as ddl_render_video opens it (a dataset's test video by name,
 * NULL for the first; a video file or frame folder, checked against `video` when
 * given), for callers that need its frame count before building the curves. */
DdlFrameSource *ddl_render_open_video (const char *footage, const char *video,
                                       GError **error);

G_END_DECLS
