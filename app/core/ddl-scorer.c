/* Scoring every window of the footage (see ddl-scorer.h). The CSV is written to a
 * temporary file and renamed, so an interrupted run never leaves half a file.
 * Maps go to MAPS_DIR/<video>.maps.npy (uint8 (n, H, W), the error map x 255) and
 * <video>.recs.npy (uint8 (n, C, H, W)), row i belonging to the i-th scored frame. */
#include "ddl-scorer.h"
#include "ddl-clips.h"
#include "ddl-npy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

static gboolean
write_u8_npy (const char *path, const float *values, gsize n, const gsize *shape, guint n_dims,
              GError **error)
{
  g_autofree guint8 *bytes = g_new (guint8, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    bytes[i] = (guint8) CLAMP (values[i] * 255.0f + 0.5f, 0.0f, 255.0f);
  return ddl_npy_save_u8 (path, bytes, n_dims, shape, error);
}

gboolean
ddl_score_run (DdlModel *model, const DdlScoreOptions *o, DdlScoreSummary *summary,
               GError **error)
{
  const DdlModelConfig *c = ddl_model_get_config (model);
  DdlScoreSummary local = { 0 };
  g_autoptr(DdlClips) clips = NULL;
  g_autofree char *tmp = NULL;
  gsize clip_n = (gsize) c->channels * c->temporal * c->width * c->height;
  gsize hw = (gsize) c->width * c->height;
  guint chunk = 64;
  gint64 start = g_get_monotonic_time ();
  FILE *out;
  int fd;

  if (summary == NULL)
    summary = &local;
  memset (summary, 0, sizeof *summary);
  if (g_file_test (o->input, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(DdlDataset) dataset = ddl_dataset_open (o->input, &local_error);
      if (dataset != NULL)
        clips = ddl_clips_new_split (dataset, DDL_SPLIT_TEST, c->channels, c->temporal, c->width,
                                     c->height, error);
      else  /* a plain folder of frames */
        clips = ddl_clips_new_path (o->input, c->channels, c->temporal, c->width, c->height,
                                    error);
    }
  else
    clips = ddl_clips_new_path (o->input, c->channels, c->temporal, c->width, c->height, error);
  if (clips == NULL)
    return FALSE;
  if (o->maps_dir != NULL && g_mkdir_with_parents (o->maps_dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot create %s: %s",
                   o->maps_dir, g_strerror (saved));
      return FALSE;
    }

  g_autofree char *dir = g_path_get_dirname (o->output);
  g_autofree char *base = g_path_get_basename (o->output);
  tmp = g_strdup_printf ("%s/.%s.tmp-XXXXXX", dir, base);
  fd = g_mkstemp (tmp);
  if (fd < 0 || (out = fdopen (fd, "w")) == NULL)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot write %s: %s",
                   o->output, g_strerror (saved));
      return FALSE;
    }
  fprintf (out, "video,frame,score\n");

  GArray *windows = ddl_clips_get_windows (clips);
  g_autofree float *batch = g_new (float, chunk * clip_n);
  g_autofree float *scores = g_new (float, chunk);
  gboolean ok = TRUE;
  guint w = 0;
  for (guint v = 0; v < ddl_clips_get_n_videos (clips) && ok; v++)
    {
      guint first = w;
      while (w < windows->len && g_array_index (windows, DdlWindow, w).video == v)
        w++;
      guint n = w - first;
      g_autofree float *maps = o->maps_dir != NULL ? g_new (float, MAX (n, 1) * hw) : NULL;
      g_autofree float *recs = o->maps_dir != NULL ? g_new (float, MAX (n, 1) * hw * c->channels)
                                                   : NULL;
      for (guint i = 0; i < n && ok; i += chunk)
        {
          guint k = MIN (chunk, n - i);
          for (guint j = 0; j < k && ok; j++)
            ok = ddl_clips_read_window (clips, &g_array_index (windows, DdlWindow, first + i + j),
                                        batch + j * clip_n, error);
          if (ok)
            ok = ddl_model_score (model, batch, k, scores, maps != NULL ? maps + i * hw : NULL,
                                  recs != NULL ? recs + i * hw * c->channels : NULL, error);
          for (guint j = 0; j < k && ok; j++)
            fprintf (out, "%s,%u,%.9g\n", ddl_clips_get_video_name (clips, v),
                     g_array_index (windows, DdlWindow, first + i + j).centre, scores[j]);
          summary->frames += ok ? k : 0;
          if (ok && ((o->progress != NULL
                      && !o->progress (v, ddl_clips_get_n_videos (clips), summary->frames,
                                       windows->len, o->user_data))
                     || g_cancellable_set_error_if_cancelled (o->cancellable, error)))
            {
              if (error != NULL && *error == NULL)
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Scoring was cancelled");
              ok = FALSE;
            }
        }
      if (ok && o->maps_dir != NULL && n > 0)
        {
          const char *name = ddl_clips_get_video_name (clips, v);
          g_autofree char *mp = g_strdup_printf ("%s/%s.maps.npy", o->maps_dir, name);
          g_autofree char *rp = g_strdup_printf ("%s/%s.recs.npy", o->maps_dir, name);
          gsize ms[3] = { n, c->height, c->width };
          gsize rs[4] = { n, c->channels, c->height, c->width };
          ok = write_u8_npy (mp, maps, n * hw, ms, 3, error)
               && write_u8_npy (rp, recs, n * hw * c->channels, rs, 4, error);
        }
      summary->videos += ok;
    }
  ok = (fflush (out) == 0 && fsync (fileno (out)) == 0) && ok;
  fclose (out);
  if (ok && g_rename (tmp, o->output) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot write %s: %s",
                   o->output, g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp);
  summary->seconds = (g_get_monotonic_time () - start) / 1e6;
  return ok;
}
