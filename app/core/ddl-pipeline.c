/* The unattended train-score-report pipeline (see ddl-pipeline.h): options, the
 * driver and the progress estimate. The data stages (synthetic walkway, object
 * tracks) are in ddl-pipeline-data.c, training and scoring in ddl-pipeline-models.c,
 * the report and the rendered video in ddl-pipeline-report.c. */
#include "ddl-pipeline-private.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

const char *
ddl_pipeline_stage_to_string (DdlPipelineStage stage)
{
  switch (stage)
    {
    case DDL_PIPELINE_STAGE_SYNTH:  return "synth";
    case DDL_PIPELINE_STAGE_BOXES:  return "boxes";
    case DDL_PIPELINE_STAGE_TRAIN:  return "train";
    case DDL_PIPELINE_STAGE_SCORE:  return "score";
    case DDL_PIPELINE_STAGE_REPORT: return "report";
    case DDL_PIPELINE_STAGE_RENDER: return "render";
    case DDL_PIPELINE_STAGE_DONE:   return "done";
    default:                        return "unknown";
    }
}

void
ddl_pipeline_options_init (DdlPipelineOptions *options)
{
  memset (options, 0, sizeof *options);
  ddl_synth_options_init (&options->synth);
  ddl_eval_options_init (&options->eval);
  options->render = TRUE;
  options->preview_every = 10;
}

void
ddl_pipeline_demo_models (DdlPipelineModel models[2])
{
  memset (models, 0, 2 * sizeof *models);
  models[0].name = "sdl";
  ddl_model_config_init_default (&models[0].config);
  models[0].config.mode = DDL_MODE_SDL;
  models[1].name = "ddl";
  ddl_model_config_init_default (&models[1].config);
  models[1].config.mode = DDL_MODE_DDL;
}

void
ddl_pipeline_tiny (DdlPipelineOptions *options, DdlPipelineModel models[2])
{
  ddl_pipeline_demo_models (models);
  for (guint i = 0; i < 2; i++)
    {
      models[i].config.latent = 16;
      models[i].config.width = models[i].config.height = 32;
      models[i].config.batch = 2;
      models[i].config.epochs = 1;
    }
  options->synth.n_train_videos = 2;
  options->synth.n_test_videos = 2;
  options->synth.n_frames = 20;
  options->synth.width = 64;
  options->synth.height = 48;
  options->models = models;
  options->n_models = 2;
}

void
ddl_pipeline_summary_clear (DdlPipelineSummary *summary)
{
  g_clear_pointer (&summary->out, g_free);
  g_clear_pointer (&summary->dataset, g_free);
  g_clear_pointer (&summary->metrics, g_free);
  g_clear_pointer (&summary->scores, g_free);
  g_clear_pointer (&summary->video, g_free);
}

gboolean
pipeline_remove_tree (const char *path, GError **error)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return g_remove (path) == 0 || errno == ENOENT
           || (g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                            "Cannot remove %s: %s", path, g_strerror (errno)), FALSE);
  dir = g_dir_open (path, 0, error);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (!pipeline_remove_tree (child, error))
        return FALSE;
    }
  if (g_rmdir (path) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot remove %s: %s",
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* ---- progress and the time estimate --------------------------------------------- */

/* Measured on lavapipe, 2 cores (README): a DDL step of the CPU default (latent 32,
 * 128x128, T 3, batch 10) takes 1.48 s, inference 24 ms a frame; a step of the tiny
 * configuration about 60 ms, nearly all of it dispatch overhead. Other sizes scale
 * with the pixels, T and roughly with the latent (convolutions grow with its square,
 * the memory-bound kernels linearly). Only the first estimate uses this: the speed
 * measured while training replaces it. */
static double
config_scale (const DdlModelConfig *c)
{
  double latent = c->latent / 32.0;
  return (double) c->width * c->height / (128.0 * 128.0) * c->temporal / 3.0 * c->channels / 3.0
         * latent * (0.5 + 0.5 * latent);
}

double
pipeline_guess_step_seconds (const DdlModelConfig *c)
{
  double pseudo = c->mode == DDL_MODE_BASELINE ? 0.45 : 1.0;
  return 0.05 + c->batch * 0.143 * pseudo * config_scale (c);
}

double
pipeline_guess_frame_seconds (const DdlModelConfig *c)
{
  return 0.001 + 0.024 * config_scale (c);
}

static double
work_left (const PipelineWork *w, double speed)
{
  double left = MAX (w->total - w->done, 0.0) * w->unit_seconds;
  if (w->device_bound && !isnan (speed))
    left *= speed;
  return w->total > 0 && w->done == 0 ? left + w->startup : left;
}

/* The same estimate for the work already done, so the bar measures work, not time:
 * a slow first step (shader compilation with a cold cache takes half a minute on
 * lavapipe) does not make the bar leap ahead of the work. */
static double
work_done (const PipelineWork *w, double speed)
{
  double done = MIN (w->done, w->total) * w->unit_seconds;
  if (w->device_bound && !isnan (speed))
    done *= speed;
  return w->total > 0 && w->done > 0 ? done + w->startup : done;
}

gboolean
pipeline_is_cancelled (PipelineRun *run)
{
  if (g_cancellable_is_cancelled (run->cancel))
    run->cancelled = TRUE;
  return run->cancelled;
}

gboolean
pipeline_emit (PipelineRun *run, DdlPipelineProgress *p)
{
  gint64 now = g_get_monotonic_time ();
  double score_speed = isnan (run->score_speed) ? run->speed : run->score_speed;
  double left = work_left (&run->synth_work, run->speed) + work_left (&run->boxes_work, run->speed)
                + work_left (&run->report_work, run->speed)
                + work_left (&run->render_work, run->speed);
  double done = work_done (&run->synth_work, run->speed) + work_done (&run->boxes_work, run->speed)
                + work_done (&run->report_work, run->speed)
                + work_done (&run->render_work, run->speed);
  gboolean device_left = FALSE;

  for (guint i = 0; i < run->n_models; i++)
    {
      PipelineModel *m = &run->models[i];
      left += work_left (&m->train_work, run->speed) + work_left (&m->score_work, score_speed);
      done += work_done (&m->train_work, run->speed) + work_done (&m->score_work, score_speed);
      device_left |= m->train_work.done < m->train_work.total
                     || m->score_work.done < m->score_work.total;
    }
  p->n_models = run->n_models;
  if (p->stage == DDL_PIPELINE_STAGE_DONE)
    left = 0;
  p->fraction = p->stage == DDL_PIPELINE_STAGE_DONE ? 1.0
                : done + left > 0 ? done / (done + left) : 0.0;
  /* Never backwards: a grown estimate slows the bar down instead. */
  p->fraction = CLAMP (MAX (p->fraction, run->last_fraction), 0.0, 1.0);
  run->last_fraction = p->fraction;
  p->seconds_left = device_left && isnan (run->speed) && isnan (run->score_speed) ? NAN : left;

  if (run->o->progress != NULL && !run->cancelled)
    {
      gboolean go_on = run->o->progress (p, run->o->user_data);
      run->in_callback += g_get_monotonic_time () - now;
      if (!go_on)
        g_cancellable_cancel (run->cancel);
    }
  return !pipeline_is_cancelled (run);
}

/* ---- the driver ------------------------------------------------------------------- */

static gboolean
valid_name (const char *name)
{
  /* The report's files use these as column names. */
  static const char *const reserved[] = { "video", "frame", "frames", "labels", "score" };

  if (name == NULL || *name == '\0' || *name == '.' || strlen (name) > 64)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (reserved); i++)
    if (g_str_equal (name, reserved[i]))
      return FALSE;
  for (const char *c = name; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '_' && *c != '-' && *c != '.')
      return FALSE;
  return TRUE;
}

static gboolean
check_options (const DdlPipelineOptions *o, GError **error)
{
  if (o->out == NULL || *o->out == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No output folder given");
      return FALSE;
    }
  if (o->n_models == 0 || o->models == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No models to train or score");
      return FALSE;
    }
  for (guint i = 0; i < o->n_models; i++)
    {
      const DdlPipelineModel *m = &o->models[i];
      g_autoptr(GError) local = NULL;
      if (!valid_name (m->name))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Model name '%s' cannot name files and score columns: use letters, "
                       "digits, '-', '_' and '.' (not first), at most 64, and not video, "
                       "frame, frames, labels or score", m->name != NULL ? m->name : "");
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (g_str_equal (m->name, o->models[j].name))
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                         "Two models are named '%s'; names must be unique", m->name);
            return FALSE;
          }
      if (m->checkpoint != NULL && !g_file_test (m->checkpoint, G_FILE_TEST_IS_REGULAR))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "Model '%s': checkpoint %s "
                       "does not exist", m->name, m->checkpoint);
          return FALSE;
        }
      if (m->checkpoint == NULL && !ddl_model_config_validate (&m->config, &local))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Model '%s': %s",
                       m->name, local->message);
          return FALSE;
        }
    }
  if (o->dataset != NULL && !g_file_test (o->dataset, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "Dataset %s does not exist",
                   o->dataset);
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_out (const char *out, GError **error)
{
  g_autofree char *probe = NULL;
  int fd;

  if (g_mkdir_with_parents (out, 0755) != 0 || !g_file_test (out, G_FILE_TEST_IS_DIR))
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot create the output folder %s: %s", out,
                   g_file_test (out, G_FILE_TEST_EXISTS) ? "it is not a folder"
                                                         : g_strerror (saved));
      return FALSE;
    }
  /* Fail now, not after an hour of training, when nothing can be written there. */
  probe = g_build_filename (out, ".write-test-XXXXXX", NULL);
  fd = g_mkstemp (probe);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot write in the output folder %s: %s", out, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  g_unlink (probe);
  return TRUE;
}

static void
forward_cancel (GCancellable *source, gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

static void
run_clear (PipelineRun *run)
{
  for (guint i = 0; i < run->n_models; i++)
    {
      PipelineModel *m = &run->models[i];
      g_free (m->checkpoint);
      g_free (m->loss_log);
      g_free (m->times);
      g_free (m->scores_path);
      g_free (m->maps_dir);
      g_free (m->fingerprint);
      g_clear_pointer (&m->scores, ddl_scores_free);
    }
  g_free (run->models);
  if (run->cancel_handler != 0)
    g_cancellable_disconnect (run->o->cancellable, run->cancel_handler);
  g_clear_object (&run->cancel);
  g_clear_pointer (&run->dataset, ddl_dataset_free);
  g_clear_pointer (&run->labels, ddl_labels_free);
  g_clear_pointer (&run->merged, ddl_scores_free);
  g_free (run->out);
  g_free (run->dataset_path);
  g_free (run->boxes);
  g_free (run->test_fingerprint);
  g_free (run->device_name);
}

static gboolean
run_stages (PipelineRun *run, GError **error)
{
  const DdlPipelineOptions *o = run->o;
  DdlPipelineSummary *s = run->summary;
  g_autofree char *video = NULL;

  if (!pipeline_stage_data (run, error))
    return FALSE;
  if (pipeline_is_cancelled (run))
    return TRUE;
  s->dataset = g_strdup (run->dataset_path);
  if (o->render)
    {
      /* The video is chosen later; the longest is a fair guess of its length. */
      GPtrArray *videos = ddl_dataset_get_videos (run->dataset, DDL_SPLIT_TEST);
      run->render_work.total = 0;
      for (guint v = 0; v < videos->len; v++)
        run->render_work.total = MAX (run->render_work.total,
                                      ((DdlVideoEntry *) g_ptr_array_index (videos, v))->n_frames);
    }

  if (!pipeline_models_prepare (run, error))
    return FALSE;
  if (!pipeline_stage_boxes (run, error))
    return FALSE;
  if (pipeline_is_cancelled (run))
    return TRUE;

  for (guint i = 0; i < run->n_models; i++)
    {
      if (!pipeline_train_model (run, i, error))
        return FALSE;
      if (pipeline_is_cancelled (run))
        return TRUE;
      if (!pipeline_score_model (run, i, error))
        return FALSE;
      if (pipeline_is_cancelled (run))
        return TRUE;
    }

  if (!pipeline_load_labels (run, error) || !pipeline_merge_scores (run, error))
    return FALSE;
  /* The video first, so the report is written once and lists it (a render cancelled
   * half-way leaves none, and the report goes without). */
  if (o->render && !pipeline_is_cancelled (run) && !pipeline_render (run, &video, error))
    return FALSE;
  if (!pipeline_write_report (run, video, error))
    return FALSE;
  run->report_work.done = run->report_work.total;
  s->metrics = g_build_filename (run->out, "metrics.json", NULL);
  s->scores = g_build_filename (run->out, "scores.csv", NULL);
  s->video = g_steal_pointer (&video);
  return TRUE;
}

gboolean
ddl_pipeline_run (const DdlPipelineOptions *options, DdlPipelineSummary *summary,
                  GError **error)
{
  DdlPipelineSummary local = { 0 };
  PipelineRun run = { options };
  gboolean ok;

  if (summary == NULL)
    summary = &local;
  memset (summary, 0, sizeof *summary);
  for (guint i = 0; i < G_N_ELEMENTS (summary->micro_auc); i++)
    summary->micro_auc[i] = NAN;
  if (!check_options (options, error))
    return FALSE;

  run.summary = summary;
  run.start = g_get_monotonic_time ();
  run.speed = run.score_speed = NAN;
  run.out = g_canonicalize_filename (options->out, NULL);
  run.dataset_path = options->dataset != NULL ? g_canonicalize_filename (options->dataset, NULL)
                                              : g_build_filename (run.out, "data", NULL);
  run.cancel = g_cancellable_new ();
  if (options->cancellable != NULL)
    run.cancel_handler = g_cancellable_connect (options->cancellable, G_CALLBACK (forward_cancel),
                                                run.cancel, NULL);
  run.n_models = options->n_models;
  run.models = g_new0 (PipelineModel, run.n_models);
  for (guint i = 0; i < run.n_models; i++)
    {
      run.models[i].spec = &options->models[i];
      run.models[i].config = options->models[i].config;
    }
  /* Report and render are CPU work (plots; drawing and encoding, ~20 ms a frame). */
  run.report_work = (PipelineWork) { 1, 0, 0.5 };
  run.render_work = (PipelineWork) { options->render ? 150 : 0, 0, 0.03 };
  summary->out = g_strdup (run.out);

  ok = make_out (run.out, error) && run_stages (&run, error);
  if (ok && pipeline_is_cancelled (&run))
    summary->cancelled = TRUE;
  else if (ok)
    {
      DdlPipelineProgress p = { DDL_PIPELINE_STAGE_DONE };
      p.message = "Done";
      /* Finished: a cancel in this last call changes nothing any more. */
      pipeline_emit (&run, &p);
    }
  summary->seconds = (g_get_monotonic_time () - run.start) / 1e6;
  run_clear (&run);
  return ok;
}
