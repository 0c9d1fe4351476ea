#include "ddl-test-media.h"
#include "ddl-frame-writer.h"

#include <glib/gstdio.h>
#include <string.h>

#define BRIGHT 220
#define DARK   35

guint8 *
ddl_test_media_frame (guint index, guint width, guint height)
{
  guint8 *rgb = g_malloc0 ((gsize) width * height * 3);
  guint top = height / 2, block = width / 8, bar = (5 * index) % width;

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint8 *p = rgb + ((gsize) y * width + x) * 3;
        if (y < top)
          {
            guint b = MIN (x / block, 7u);
            guint8 v = (index >> (7 - b)) & 1 ? BRIGHT : DARK;
            p[0] = p[1] = p[2] = v;
          }
        else if (x >= bar && x < bar + 3)
          p[0] = p[1] = p[2] = 250;
        else
          {
            p[0] = (guint8) (40 + 120 * x / width);
            p[1] = (guint8) (90 + 60 * (y - top) / (height - top));
            p[2] = 110;
          }
      }
  return rgb;
}

int
ddl_test_media_decode (const guint8 *rgb, guint width, guint height)
{
  guint top = height / 2, block = width / 8;
  int index = 0;

  for (guint b = 0; b < 8; b++)
    {
      double sum = 0;
      guint n = 0;
      /* The inner half of the block, away from compression ringing at edges. */
      for (guint y = top / 4; y < top - top / 4; y++)
        for (guint x = b * block + block / 4; x < (b + 1) * block - block / 4; x++)
          sum += rgb[((gsize) y * width + x) * 3 + 1], n++;
      sum /= n;
      if (G_APPROX_VALUE (sum, (BRIGHT + DARK) / 2.0, 40.0))
        return -1;
      index = index * 2 + (sum > (BRIGHT + DARK) / 2.0);
    }
  return index;
}

gboolean
ddl_test_media_write_images (const char *dir, const char *prefix, const char *ext, guint n,
                             guint width, guint height, GError **error)
{
  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < n; i++)
    {
      g_autofree guint8 *rgb = ddl_test_media_frame (i, width, height);
      g_autofree char *name = g_strdup_printf ("%s%u.%s", prefix, i, ext);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (!ddl_image_write (path, rgb, width, height, width * 3, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
ddl_test_media_write_video (const char *path, const char *encoder, guint n, guint width,
                            guint height, double fps, GError **error)
{
  DdlVideoWriter *writer = ddl_video_writer_open_with_encoder (path, encoder, width, height,
                                                               fps, error);
  if (writer == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autofree guint8 *rgb = ddl_test_media_frame (i, width, height);
      if (!ddl_video_writer_add (writer, rgb, width * 3, error))
        {
          ddl_video_writer_abort (writer);
          return FALSE;
        }
    }
  return ddl_video_writer_close (writer, error);
}

char *
ddl_test_media_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("ddl-test-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

void
ddl_test_media_write_file (const char *path, const void *data, gsize size)
{
  g_autoptr(GError) error = NULL;
  g_file_set_contents (path, data, size, &error);
  g_assert_no_error (error);
}
