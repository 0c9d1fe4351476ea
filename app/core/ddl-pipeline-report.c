/* The pipeline's last stages (see ddl-pipeline.h): the test split's labels, the
 * models' scores merged into one table (a column per model), the report folder and
 * the rendered video of the test video with the most anomalous frames. */
#include "ddl-pipeline-private.h"
#include "ddl-frame-writer.h"
#include "ddl-render.h"
#include "ddl-report.h"
#include "ddl-score-curve.h"

#include <math.h>
#include <string.h>

gboolean
pipeline_load_labels (PipelineRun *run, GError **error)
{
  g_autoptr(DdlLabelsSource) source = NULL;

  /* Footage without ground truth gets a report without metrics. */
  if (ddl_dataset_get_label_paths (run->dataset)->len == 0)
    return TRUE;
  source = ddl_labels_source_open (run->dataset_path, NULL, error);
  if (source == NULL)
    return FALSE;
  if (source->lengths != NULL
      && !ddl_labels_check (source->labels, source->lengths, source->n_lengths, error))
    return FALSE;
  run->labels = g_steal_pointer (&source->labels);
  return TRUE;
}

/* Every test video in the dataset's order; per video the union of the models' scored
 * frames (models with another T score other frames), NAN where a model has none. */
gboolean
pipeline_merge_scores (PipelineRun *run, GError **error)
{
  GPtrArray *videos = ddl_dataset_get_videos (run->dataset, DDL_SPLIT_TEST);
  g_autofree const char **names = g_new0 (const char *, run->n_models + 1);
  guint n_models = run->n_models;

  for (guint i = 0; i < n_models; i++)
    names[i] = run->models[i].spec->name;
  run->merged = ddl_scores_new (names);
  for (guint v = 0; v < videos->len; v++)
    {
      const char *name = ((DdlVideoEntry *) g_ptr_array_index (videos, v))->name;
      g_autofree DdlScoreVideo **own = g_new0 (DdlScoreVideo *, n_models);
      g_autofree gboolean *present = NULL;
      guint end = 0, n = 0;

      for (guint i = 0; i < n_models; i++)
        {
          own[i] = ddl_scores_lookup (run->models[i].scores, name);
          if (own[i] != NULL && own[i]->n > 0)
            end = MAX (end, own[i]->frames[own[i]->n - 1] + 1);
        }
      if (end == 0)
        continue;
      present = g_new0 (gboolean, end);
      for (guint i = 0; i < n_models; i++)
        for (guint k = 0; own[i] != NULL && k < own[i]->n; k++)
          present[own[i]->frames[k]] = TRUE;
      g_autofree guint *frames = g_new (guint, end);
      g_autofree guint *row = g_new (guint, end);   /* frame -> row in the merged video */
      for (guint f = 0; f < end; f++)
        if (present[f])
          row[f] = n, frames[n++] = f;
      g_autofree double *values = g_new (double, (gsize) n_models * n);
      for (gsize k = 0; k < (gsize) n_models * n; k++)
        values[k] = NAN;
      for (guint i = 0; i < n_models; i++)
        for (guint k = 0; own[i] != NULL && k < own[i]->n; k++)
          values[(gsize) i * n + row[own[i]->frames[k]]] = ddl_score_video_get_column (own[i], 0)[k];
      ddl_scores_add_video (run->merged, name, n, frames, values);
    }
  if (run->merged->videos->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "No frame of %s was scored (test videos shorter than the models' T?)",
                   run->dataset_path);
      return FALSE;
    }
  return TRUE;
}

static void
fill_micro_aucs (PipelineRun *run)
{
  for (guint i = 0; i < run->n_models && i < G_N_ELEMENTS (run->summary->micro_auc); i++)
    {
      DdlEvalOptions eval = run->o->eval;
      g_autoptr(DdlEvalResult) result = NULL;

      eval.column = i;
      result = ddl_eval_run (run->merged, run->labels, &eval, NULL);
      run->summary->micro_auc[i] = result != NULL ? result->micro.auc : NAN;
    }
}

gboolean
pipeline_write_report (PipelineRun *run, const char *video, GError **error)
{
  g_autofree DdlReportModel *models = g_new0 (DdlReportModel, run->n_models);
  const char *videos[2] = { video, NULL };
  DdlPipelineProgress p = { DDL_PIPELINE_STAGE_REPORT };
  DdlReport report;

  p.total = 1;
  p.message = "Writing the report";
  if (!pipeline_emit (run, &p))
    return TRUE;
  for (guint i = 0; i < run->n_models; i++)
    {
      PipelineModel *m = &run->models[i];
      models[i] = (DdlReportModel) {
        .name = m->spec->name,
        .checkpoint = m->checkpoint,
        .maps_dir = m->maps_dir,
        .loss_log = m->loss_log,
        .config = &m->config,
        .anomaly_weight = m->anomaly_weight,
        .epochs_done = m->epochs_done,
        .steps = m->steps,
        .train_fingerprint = m->fingerprint != NULL && *m->fingerprint != '\0'
                             ? m->fingerprint : NULL,
        .train_seconds = m->train_seconds,
        .score_seconds = m->score_seconds,
      };
    }
  ddl_report_init (&report);
  report.footage = run->dataset_path;
  report.scores = run->merged;
  report.labels = run->labels;
  report.models = models;
  report.n_models = run->n_models;
  report.eval = run->o->eval;
  report.device = run->device_name;
  report.videos = video != NULL ? videos : NULL;
  if (!ddl_report_write_folder (&report, run->out, error))
    return FALSE;
  if (run->labels != NULL)
    fill_micro_aucs (run);
  return TRUE;
}

/* ---- the rendered video ------------------------------------------------------------- */

/* The test video to show: the one asked for, else the one with the most anomalous
 * frames, else (no labels) the first. */
static gboolean
choose_video (PipelineRun *run, guint *index, GError **error)
{
  GPtrArray *videos = ddl_dataset_get_videos (run->dataset, DDL_SPLIT_TEST);
  const char *wanted = run->o->render_video;
  guint best = 0, best_count = 0;

  for (guint v = 0; v < videos->len; v++)
    {
      DdlVideoEntry *e = g_ptr_array_index (videos, v);
      DdlLabelVideo *l = run->labels != NULL ? ddl_labels_lookup (run->labels, e->name) : NULL;
      if (wanted != NULL && ddl_labels_names_match (wanted, e->name))
        {
          *index = v;
          return TRUE;
        }
      if (l != NULL && l->n_anomalous > best_count)
        best = v, best_count = l->n_anomalous;
    }
  if (wanted != NULL || videos->len == 0)
    {
      g_set_error (error, DDL_RENDER_ERROR, DDL_RENDER_ERROR_INVALID,
                   "%s has no test video named '%s' to render", run->dataset_path,
                   wanted != NULL ? wanted : "");
      return FALSE;
    }
  *index = best;
  return TRUE;
}

/* MP4 when the installed FFmpeg can encode it, else WebM, else AVI (MKV would need
 * the same encoders as MP4). */
static const char *
choose_container (void)
{
  if (ddl_video_encoder_available ("libx264") || ddl_video_encoder_available ("mpeg4")
      || ddl_video_encoder_available ("libxvid"))
    return "mp4";
  if (ddl_video_encoder_available ("libvpx-vp9") || ddl_video_encoder_available ("libvpx"))
    return "webm";
  if (ddl_video_encoder_available ("mjpeg") || ddl_video_encoder_available ("msmpeg4v2"))
    return "avi";
  return NULL;
}

static gboolean
render_progress (guint done, guint total, gpointer user_data)
{
  PipelineRun *run = user_data;
  DdlPipelineProgress p = { DDL_PIPELINE_STAGE_RENDER };

  run->render_work.done = done;
  run->render_work.total = total;
  p.done = done;
  p.total = total;
  p.message = "Rendering the comparison video";
  return pipeline_emit (run, &p);
}

gboolean
pipeline_render (PipelineRun *run, char **output, GError **error)
{
  GPtrArray *videos = ddl_dataset_get_videos (run->dataset, DDL_SPLIT_TEST);
  g_autofree DdlRenderModel *models = g_new0 (DdlRenderModel, run->n_models);
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local = NULL;
  const char *container = choose_container ();
  DdlRenderOptions ro;
  DdlVideoEntry *entry;
  DdlLabelVideo *truth;
  guint index;

  *output = NULL;
  if (container == NULL)
    {
      g_set_error (error, DDL_FRAME_WRITER_ERROR, DDL_FRAME_WRITER_ERROR_FORMAT,
                   "The installed FFmpeg has no video encoder for MP4, WebM or AVI "
                   "(libx264, mpeg4, libvpx, mjpeg); install libavcodec59 or render off");
      return FALSE;
    }
  if (!choose_video (run, &index, error))
    return FALSE;
  entry = g_ptr_array_index (videos, index);
  truth = run->labels != NULL ? ddl_labels_lookup (run->labels, entry->name) : NULL;
  for (guint i = 0; i < run->n_models; i++)
    {
      PipelineModel *m = &run->models[i];
      DdlScoreVideo *own = ddl_scores_lookup (m->scores, entry->name);
      double *curve = ddl_score_curve_new (own, 0, entry->n_frames, &run->o->eval);
      guint *scored = g_new (guint, own != NULL ? MAX (own->n, 1) : 1);
      guint n_scored = 0;

      /* Row k of the maps is the k-th frame the scorer scored. */
      for (guint k = 0; own != NULL && k < own->n; k++)
        if (!isnan (ddl_score_video_get_column (own, 0)[k]) && own->frames[k] < entry->n_frames)
          scored[n_scored++] = own->frames[k];
      g_ptr_array_add (owned, curve);
      g_ptr_array_add (owned, scored);
      models[i] = (DdlRenderModel) { m->spec->name, m->maps_dir, curve, scored, n_scored };
    }

  g_autofree char *stem = g_strdup (entry->name);
  for (char *c = stem; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_' && *c != '.')
      *c = '_';
  g_autofree char *file = g_strdup_printf ("video-%s.%s", stem, container);
  g_autofree char *path = g_build_filename (run->out, file, NULL);

  ddl_render_options_init (&ro);
  ro.footage = run->dataset_path;
  ro.video = entry->name;
  ro.models = models;
  ro.n_models = run->n_models;
  ro.n_frames = entry->n_frames;
  ro.labels = truth != NULL && truth->n_frames == entry->n_frames ? truth->labels : NULL;
  ro.output = path;
  /* Frame folders carry no rate (the frame source says 25); the walkway runs at 10. */
  if (run->o->dataset == NULL)
    ro.fps = DDL_SYNTH_FPS;
  ro.progress = render_progress;
  ro.user_data = run;
  ro.cancellable = run->cancel;
  run->render_work.total = entry->n_frames;
  if (!ddl_render_video (&ro, &local))
    {
      if (pipeline_is_cancelled (run))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  run->render_work.done = run->render_work.total;
  *output = g_steal_pointer (&path);
  return TRUE;
}
