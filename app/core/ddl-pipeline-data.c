/* The pipeline's data stages (see ddl-pipeline.h): the synthetic walkway into
 * OUT/data when no dataset is given, and object tracks for a training split that has
 * none (OUT/boxes-train.json) when an SDL or DDL model is to be trained.
 *
 * Reuse rules for a second run on the same OUT: OUT/data is the synthetic dataset
 * when it holds labels.csv (written last) and no OUT/.data-incomplete marker (written
 * before the first frame, removed after the last file); a marked folder is the
 * pipeline's own interrupted output and is generated again; any other non-empty
 * OUT/data is an error (it is never removed). OUT/boxes-train.json is reused when
 * present. */
#include "ddl-pipeline-private.h"
#include "ddl-boxes.h"
#include "ddl-synth.h"
#include "ddl-tracker.h"

#include <string.h>
#include <glib/gstdio.h>

/* ---- the synthetic walkway ------------------------------------------------------- */

typedef struct {
  DdlSplit split;
  guint    done, n_videos;
  gboolean end;
} SynthMessage;

typedef struct {
  DdlSynthOptions options;
  char           *dir;
  GAsyncQueue    *queue;   /* SynthMessage */
  GError         *error;
  gboolean        ok;
} SynthJob;

static void
synth_progress (DdlSplit split, guint done, guint n_videos, gpointer user_data)
{
  SynthJob *job = user_data;
  SynthMessage *m = g_new0 (SynthMessage, 1);
  *m = (SynthMessage) { split, done, n_videos, FALSE };
  g_async_queue_push (job->queue, m);
}

static gpointer
synth_thread (gpointer data)
{
  SynthJob *job = data;
  SynthMessage *end = g_new0 (SynthMessage, 1);

  job->ok = ddl_synth_write_dataset (&job->options, job->dir, &job->error);
  end->end = TRUE;
  g_async_queue_push (job->queue, end);
  return NULL;
}

static guint
synth_expected_frames (const DdlSynthOptions *s)
{
  return (s->n_train_videos + s->n_test_videos) * (s->n_frames > 0 ? s->n_frames : 150);
}

/* An existing synthetic dataset must be the one asked for: its video counts and
 * frame size (the seed cannot be checked). */
static gboolean
check_synth_matches (PipelineRun *run, GError **error)
{
  const DdlSynthOptions *s = &run->o->synth;
  GPtrArray *train = ddl_dataset_get_videos (run->dataset, DDL_SPLIT_TRAIN);
  GPtrArray *test = ddl_dataset_get_videos (run->dataset, DDL_SPLIT_TEST);
  DdlVideoEntry *first = train->len > 0 ? g_ptr_array_index (train, 0) : NULL;

  if (train->len == s->n_train_videos && test->len == s->n_test_videos && first != NULL
      && first->width == s->width && first->height == s->height
      && (s->n_frames == 0 || first->n_frames == s->n_frames))
    return TRUE;
  g_autofree char *frames = first == NULL ? g_strdup ("")
                            : g_strdup_printf (", the first of %u frames", first->n_frames);
  g_autofree char *want = s->n_frames > 0 ? g_strdup_printf (" of %u frames", s->n_frames)
                                          : g_strdup ("");
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
               "%s holds another synthetic dataset (%u training and %u test videos at %ux%u%s) "
               "than this run asks for (%u and %u videos%s at %ux%u); choose another output "
               "folder", run->dataset_path, train->len, test->len,
               first != NULL ? first->width : 0, first != NULL ? first->height : 0, frames,
               s->n_train_videos, s->n_test_videos, want, s->width, s->height);
  return FALSE;
}

static gboolean
synthesise (PipelineRun *run, GError **error)
{
  g_autofree char *labels = g_build_filename (run->dataset_path, "labels.csv", NULL);
  g_autofree char *marker = g_build_filename (run->out, ".data-incomplete", NULL);
  SynthJob job = { run->o->synth };
  DdlPipelineProgress p = { DDL_PIPELINE_STAGE_SYNTH };
  guint n_videos = run->o->synth.n_train_videos + run->o->synth.n_test_videos;
  GThread *thread;

  if (g_file_test (marker, G_FILE_TEST_EXISTS))
    {
      if (!pipeline_remove_tree (run->dataset_path, error))
        return FALSE;
    }
  else if (g_file_test (labels, G_FILE_TEST_EXISTS))
    {
      run->synth_work.total = 0;
      run->dataset = ddl_dataset_open (run->dataset_path, error);
      return run->dataset != NULL && check_synth_matches (run, error);
    }
  else if (g_file_test (run->dataset_path, G_FILE_TEST_EXISTS))
    {
      /* Not ours (no marker): never mark it, or a later run would remove it. */
      g_autoptr(GDir) dir = g_dir_open (run->dataset_path, 0, NULL);
      if (dir == NULL || g_dir_read_name (dir) != NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       "%s exists but is not a complete synthetic dataset (no labels.csv); "
                       "choose another output folder", run->dataset_path);
          return FALSE;
        }
    }
  if (!g_file_set_contents (marker, "", 0, error))
    return FALSE;

  job.dir = run->dataset_path;
  job.options.progress = synth_progress;
  job.options.user_data = &job;
  job.queue = g_async_queue_new_full (g_free);
  p.total = n_videos;
  p.message = "Generating the synthetic walkway";
  pipeline_emit (run, &p);
  /* The generator cannot stop half way: a cancel takes effect when it is done, so the
   * data is complete and kept for the next run. */
  thread = g_thread_new ("ddl-pipeline-synth", synth_thread, &job);
  for (;;)
    {
      g_autofree SynthMessage *m = g_async_queue_pop (job.queue);
      if (m->end)
        break;
      p.done = (m->split == DDL_SPLIT_TEST ? run->o->synth.n_train_videos : 0) + m->done + 1;
      run->synth_work.done = run->synth_work.total * p.done / MAX (n_videos, 1);
      pipeline_emit (run, &p);
    }
  g_thread_join (thread);
  g_async_queue_unref (job.queue);
  if (!job.ok)
    {
      g_propagate_error (error, job.error);
      return FALSE;
    }
  g_unlink (marker);
  run->synth_work.done = run->synth_work.total;
  run->dataset = ddl_dataset_open (run->dataset_path, error);
  return run->dataset != NULL;
}

/* ---- object tracks for the training split ---------------------------------------- */

typedef struct {
  PipelineRun        *run;
  DdlPipelineProgress p;
  guint               base;   /* frames of the videos before this one */
  guint               last_video;
} BoxesProgress;

static void
boxes_progress (guint video, guint n_videos, const char *name, guint frame, guint n_frames,
                gpointer user_data)
{
  BoxesProgress *b = user_data;
  if (video != b->last_video)
    {
      GPtrArray *videos = ddl_dataset_get_videos (b->run->dataset, DDL_SPLIT_TRAIN);
      b->base = 0;
      for (guint v = 0; v < video && v < videos->len; v++)
        b->base += ((DdlVideoEntry *) g_ptr_array_index (videos, v))->n_frames;
      b->last_video = video;
    }
  if (frame % 10 != 0 && frame != n_frames)
    return;
  b->p.done = b->base + frame;
  b->run->boxes_work.done = b->p.done;
  pipeline_emit (b->run, &b->p);
}

static gboolean
needs_tracks (PipelineRun *run)
{
  if (ddl_dataset_get_boxes_path (run->dataset) != NULL)
    return FALSE;
  for (guint i = 0; i < run->n_models; i++)
    if (run->models[i].needs_training && run->models[i].config.mode != DDL_MODE_BASELINE)
      return TRUE;
  return FALSE;
}

static gboolean
track (PipelineRun *run, GError **error)
{
  g_autofree char *path = g_build_filename (run->out, "boxes-train.json", NULL);
  GPtrArray *videos = ddl_dataset_get_videos (run->dataset, DDL_SPLIT_TRAIN);
  BoxesProgress b = { run, { DDL_PIPELINE_STAGE_BOXES }, 0, G_MAXUINT };
  g_autoptr(DdlBoxes) boxes = NULL;
  g_autoptr(GError) local = NULL;
  DdlTrackerOptions options;

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      run->boxes = g_steal_pointer (&path);
      run->boxes_work.done = run->boxes_work.total;
      return TRUE;
    }
  for (guint v = 0; v < videos->len; v++)
    b.p.total += ((DdlVideoEntry *) g_ptr_array_index (videos, v))->n_frames;
  b.p.message = "Tracking moving objects in the training videos";
  if (!pipeline_emit (run, &b.p))
    return TRUE;
  ddl_tracker_options_init (&options);
  options.progress = boxes_progress;
  options.user_data = &b;
  boxes = ddl_tracker_track_dataset (&options, run->dataset, DDL_SPLIT_TRAIN, NULL, run->cancel,
                                     &local);
  if (boxes == NULL)
    {
      if (pipeline_is_cancelled (run))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!ddl_boxes_write (boxes, path, error))
    return FALSE;
  run->boxes = g_steal_pointer (&path);
  run->boxes_work.done = run->boxes_work.total;
  return TRUE;
}

/* ---- the stages ------------------------------------------------------------------- */

gboolean
pipeline_stage_data (PipelineRun *run, GError **error)
{
  const DdlSynthOptions *s = &run->o->synth;

  if (run->o->dataset != NULL)
    {
      run->dataset = ddl_dataset_open (run->dataset_path, error);
      return run->dataset != NULL;
    }
  /* About 1 ms a 240x160 frame on 2 cores. */
  run->synth_work = (PipelineWork) { synth_expected_frames (s), 0,
                                     1e-3 * s->width * s->height / 38400.0 };
  pipeline_models_guess (run);
  return synthesise (run, error);
}

gboolean
pipeline_stage_boxes (PipelineRun *run, GError **error)
{
  GPtrArray *videos;

  if (!needs_tracks (run))
    return TRUE;
  videos = ddl_dataset_get_videos (run->dataset, DDL_SPLIT_TRAIN);
  for (guint v = 0; v < videos->len; v++)
    run->boxes_work.total += ((DdlVideoEntry *) g_ptr_array_index (videos, v))->n_frames;
  run->boxes_work.unit_seconds = 1.5e-3;   /* Ped2: ~1 ms a frame */
  return track (run, error);
}
