/* ddl-test-media.h: footage made at test time — frames whose pixels encode their
 * own index, written as image folders or videos with the project's frame writer,
 * so that frame-exact access can be checked by content. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A packed RGB frame (width * 3 stride) encoding `index` (0..255): the top half is
 * 8 blocks, bright for a 1 bit and dark for a 0 (most significant first); the
 * bottom half has a bright vertical bar at x = 5 * index mod width over a
 * horizontal colour ramp, so consecutive frames differ like real motion. */
guint8   *ddl_test_media_frame   (guint index, guint width, guint height);
/* The index read back from the block means (threshold half way), or -1 when a
 * block is ambiguous (mean within 40 levels of the threshold). */
int       ddl_test_media_decode  (const guint8 *rgb, guint width, guint height);

/* Writes frames 0..n-1 as DIR/<prefix><i>.<ext> (unpadded numbers, to exercise
 * the natural sort). */
gboolean  ddl_test_media_write_images (const char *dir, const char *prefix, const char *ext,
                                       guint n, guint width, guint height, GError **error);
/* Writes frames 0..n-1 as a video with the given encoder (NULL: the writer's
 * choice for the container). */
gboolean  ddl_test_media_write_video  (const char *path, const char *encoder, guint n,
                                       guint width, guint height, double fps, GError **error);

/* A fresh temporary folder (g_free); remove it with ddl_test_remove_tree (ddl-test-util.h). */
char     *ddl_test_media_tmpdir       (void);
/* Writes `data` to `path` (asserts on failure). */
void      ddl_test_media_write_file   (const char *path, const void *data, gsize size);

G_END_DECLS
