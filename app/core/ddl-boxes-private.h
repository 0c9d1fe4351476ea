/* ddl-boxes-private.h: the in-memory layout of DdlBoxes, shared by ddl-boxes.c
 * (building, lookup, windows, masks, writing) and ddl-boxes-read.c (reading and
 * binding to a dataset). */
#pragma once

#include "ddl-boxes.h"

G_BEGIN_DECLS

typedef struct {
  char   *file;    /* last key component; NULL for video-file frames or unknown */
  GArray *boxes;   /* DdlBox, NULL when none */
} BoxesFrame;

typedef struct {
  char     *name;
  char     *key_dir;
  gboolean  is_video_file;   /* keyed "<key_dir>#<index>" */
  GArray   *frames;          /* BoxesFrame */
} BoxesVideo;

struct _DdlBoxes {
  GPtrArray  *videos;        /* BoxesVideo */
  GHashTable *video_by_dir;  /* key_dir → index + 1 */
  GPtrArray  *track_ids;     /* char * */
  GHashTable *track_index;   /* id → index + 1 */
  GPtrArray  *kinds;         /* char *, [0] = NULL */
  GHashTable *kind_index;    /* kind → index */
};

/* Frames of a video as a GArray of BoxesFrame with its clear function set. */
GArray     *ddl_boxes_frames_new (guint n);
BoxesVideo *ddl_boxes_video_at   (DdlBoxes *boxes, guint video);
/* NULL when out of range, unless grow (then the video's frame array grows). */
BoxesFrame *ddl_boxes_frame_at   (DdlBoxes *boxes, guint video, guint frame, gboolean grow);

G_END_DECLS
