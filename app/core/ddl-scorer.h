/* ddl-scorer.h: scoring footage with a trained model (the `ddl score` command and
 * the application's scoring worker). Every window centre of every test video gets
 * the reference's frame score; the first and last (T-1)/2 frames get none. */
#pragma once

#include <gio/gio.h>
#include "ddl-compute.h"

G_BEGIN_DECLS

/* Called after each batch; return FALSE to stop. */
typedef gboolean (*DdlScoreProgressFunc) (guint video, guint n_videos, guint done, guint total,
                                          gpointer user_data);

typedef struct {
  const char           *input;      /* dataset folder (test split), video file or frame folder */
  const char           *output;     /* scores CSV (video,frame,score) */
  const char           *maps_dir;   /* optional: per-video error maps and reconstructions */
  DdlScoreProgressFunc  progress;
  gpointer              user_data;
  GCancellable         *cancellable;
} DdlScoreOptions;

typedef struct {
  guint  videos;
  guint  frames;      /* scored */
  double seconds;
} DdlScoreSummary;

gboolean ddl_score_run (DdlModel *model, const DdlScoreOptions *options, DdlScoreSummary *summary,
                        GError **error);

G_END_DECLS
