/* ddl-compare-maps.h: every model's error maps and reconstructions of one video, read
 * on a worker for the compare view (GTK-free).
 *
 * The scorer writes MAPS/<video>.maps.npy (uint8 (n, H, W), error x 255) and
 * <video>.recs.npy (uint8 (n, C, H, W)); row i belongs to the model's i-th scored
 * frame. The set also carries the top of the video's colour scale over all models
 * (ddl_error_scale_top), the common scale that makes brightness compare across models. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  gboolean  missing;   /* no maps folder, or no maps for this video */
  char     *error;     /* unreadable or malformed files; NULL when fine */
  guint     n, w, h;   /* rows and map size */
  guint     c;         /* reconstruction channels; 0 without reconstructions */
  GBytes   *maps;      /* (n, H, W) */
  GBytes   *recs;      /* (n, C, H, W) or NULL */
} DdlCompareMaps;

typedef struct {
  char      *video;    /* the video's name */
  GPtrArray *models;   /* DdlCompareMaps, one per folder given */
  guint8     scale_top;  /* error byte at the top of the shared colour scale (ddl-colour.h) */
} DdlCompareMapsSet;

/* `dirs`: n folders, NULL entries for models without maps. */
void               ddl_compare_maps_load_async  (const char * const  *dirs,
                                                 guint                n,
                                                 const char          *video,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
DdlCompareMapsSet *ddl_compare_maps_load_finish (GAsyncResult *result, GError **error);
void               ddl_compare_maps_set_free    (DdlCompareMapsSet *set);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DdlCompareMapsSet, ddl_compare_maps_set_free)

G_END_DECLS
