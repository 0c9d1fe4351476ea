/* The pipeline's per-model stages (see ddl-pipeline.h): checkpoint state, training
 * (resumed where a previous run stopped) and scoring.
 *
 * A checkpoint OUT/models/<name>.safetensors counts as finished when its epoch count
 * reached the requested one; it must have been trained with the same architecture,
 * mode and input shape and on the same training data (fingerprint), else the run
 * stops with an error rather than mixing two experiments in one folder. Scores are
 * reused when OUT/scores-<name>.csv and OUT/maps/<name>/ are newer than a checkpoint
 * this run did not change and were made from that checkpoint on the same test split
 * (OUT/models/<name>.json records which, and the seconds the report shows). */
#include "ddl-pipeline-private.h"
#include "ddl-scorer.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

/* ---- checkpoint state without a device --------------------------------------------- */

/* What an existing OUT/models/<name>.safetensors holds (only its header is read). */
static gboolean
read_state (const char *path, DdlModelInfo *state, GError **error)
{
  if (!ddl_model_read_info (path, state, error))
    return FALSE;
  if (!state->has_metadata)
    {
      ddl_model_info_clear (state);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s is not a DDL Studio checkpoint (no training metadata); to score a "
                   "reference model, give it as the model's checkpoint", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
state_matches (const DdlModelConfig *s, const DdlModelConfig *c)
{
  return s->arch == c->arch && s->mode == c->mode && s->latent == c->latent
         && s->channels == c->channels && s->temporal == c->temporal
         && s->width == c->width && s->height == c->height;
}

static gint64
mtime_ns (const char *path)
{
  GStatBuf st;
  if (g_stat (path, &st) != 0)
    return -1;
  return (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

/* Windows of T frames (their centre frames) in a split: what one epoch visits and
 * what scoring produces. */
static guint64
split_windows (DdlDataset *dataset, DdlSplit split, guint temporal)
{
  GPtrArray *videos = ddl_dataset_get_videos (dataset, split);
  guint64 n = 0;
  for (guint v = 0; v < videos->len; v++)
    {
      DdlVideoEntry *e = g_ptr_array_index (videos, v);
      n += e->n_frames >= temporal ? e->n_frames - temporal + 1 : 0;
    }
  return n;
}

/* ---- what earlier runs did: OUT/models/<name>.json ---------------------------------
 * { "train_seconds": S (all runs), "score_seconds": S, "scored_checkpoint": PATH,
 *   "scored_footage": FINGERPRINT }; any member may be missing (unknown). The last two
 * say which weights and which test split the scores and maps on disk belong to. */

typedef struct {
  double train_seconds, score_seconds;
  char  *scored_checkpoint, *scored_footage;
} ModelRecord;

static void
record_clear (ModelRecord *r)
{
  g_clear_pointer (&r->scored_checkpoint, g_free);
  g_clear_pointer (&r->scored_footage, g_free);
}

static void
record_read (const char *path, ModelRecord *r)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *o;

  *r = (ModelRecord) { NAN, NAN, NULL, NULL };
  if (!json_parser_load_from_file (parser, path, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  o = json_node_get_object (root);
  if (json_object_has_member (o, "train_seconds"))
    r->train_seconds = json_object_get_double_member (o, "train_seconds");
  if (json_object_has_member (o, "score_seconds"))
    r->score_seconds = json_object_get_double_member (o, "score_seconds");
  if (json_object_has_member (o, "scored_checkpoint"))
    r->scored_checkpoint = g_strdup (json_object_get_string_member (o, "scored_checkpoint"));
  if (json_object_has_member (o, "scored_footage"))
    r->scored_footage = g_strdup (json_object_get_string_member (o, "scored_footage"));
}

static gboolean
record_write (const char *path, const ModelRecord *r, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot create %s: %s",
                   dir, g_strerror (saved));
      return FALSE;
    }
  json_builder_begin_object (b);
  if (!isnan (r->train_seconds))
    {
      json_builder_set_member_name (b, "train_seconds");
      json_builder_add_double_value (b, round (r->train_seconds * 1000) / 1000);
    }
  if (!isnan (r->score_seconds))
    {
      json_builder_set_member_name (b, "score_seconds");
      json_builder_add_double_value (b, round (r->score_seconds * 1000) / 1000);
    }
  if (r->scored_checkpoint != NULL)
    {
      json_builder_set_member_name (b, "scored_checkpoint");
      json_builder_add_string_value (b, r->scored_checkpoint);
      json_builder_set_member_name (b, "scored_footage");
      json_builder_add_string_value (b, r->scored_footage);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_file (generator, path, error);
}

static gboolean
prepare_training (PipelineRun *run, PipelineModel *m, const char *train_fingerprint,
                  GError **error)
{
  const char *name = m->spec->name;
  g_autofree char *models = g_build_filename (run->out, "models", NULL);
  g_autofree char *log_name = g_strdup_printf ("%s-loss.csv", name);
  g_autofree char *ckpt_name = g_strdup_printf ("%s.safetensors", name);
  g_auto(DdlModelInfo) state = { 0 };

  m->checkpoint = g_build_filename (models, ckpt_name, NULL);
  m->loss_log = g_build_filename (models, log_name, NULL);
  m->needs_training = TRUE;
  if (!g_file_test (m->checkpoint, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!read_state (m->checkpoint, &state, error))
    return FALSE;
  if (!state_matches (&state.config, &m->config))
    {
      const DdlModelConfig *c = &m->config, *s = &state.config;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "%s was trained as %s %s, latent %u, %u channels, T %u, %ux%u, not as "
                   "asked now (%s %s, latent %u, %u channels, T %u, %ux%u); choose another "
                   "output folder or remove it", m->checkpoint, ddl_arch_to_string (s->arch),
                   ddl_mode_to_string (s->mode), s->latent, s->channels, s->temporal, s->width,
                   s->height, ddl_arch_to_string (c->arch), ddl_mode_to_string (c->mode),
                   c->latent, c->channels, c->temporal, c->width, c->height);
      return FALSE;
    }
  /* a checkpoint of unknown data (fingerprint NULL) is taken as it is */
  if (state.fingerprint != NULL && g_strcmp0 (state.fingerprint, train_fingerprint) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "%s was trained on other data (training split %s; %s has %s); choose "
                   "another output folder or remove it", m->checkpoint, state.fingerprint,
                   run->dataset_path, train_fingerprint);
      return FALSE;
    }
  m->epochs_done = state.epoch;
  m->needs_training = state.epoch < m->config.epochs;
  return TRUE;
}

void
pipeline_models_guess (PipelineRun *run)
{
  const DdlSynthOptions *s = &run->o->synth;
  guint frames = s->n_frames > 0 ? s->n_frames : 150;   /* drawn from 120-180 */

  for (guint i = 0; i < run->n_models; i++)
    {
      PipelineModel *m = &run->models[i];
      const DdlModelConfig *c = &m->config;
      guint windows = frames >= c->temporal ? frames - c->temporal + 1 : 0;

      if (m->spec->checkpoint == NULL)
        m->train_work = (PipelineWork) { (double) c->epochs * (s->n_train_videos * windows
                                                               / MAX (c->batch, 1)),
                                         0, pipeline_guess_step_seconds (c), TRUE, 0.5 };
      m->score_work = (PipelineWork) { (double) s->n_test_videos * windows, 0,
                                       pipeline_guess_frame_seconds (c), TRUE, 0.5 };
    }
}

gboolean
pipeline_models_prepare (PipelineRun *run, GError **error)
{
  g_autofree char *fingerprint = ddl_dataset_fingerprint (run->dataset, DDL_SPLIT_TRAIN);

  run->test_fingerprint = ddl_dataset_fingerprint (run->dataset, DDL_SPLIT_TEST);

  for (guint i = 0; i < run->n_models; i++)
    {
      PipelineModel *m = &run->models[i];
      const char *name = m->spec->name;
      g_autofree char *scores_name = g_strdup_printf ("scores-%s.csv", name);
      const DdlModelConfig *c = &m->config;

      m->scores_path = g_build_filename (run->out, scores_name, NULL);
      m->maps_dir = g_build_filename (run->out, "maps", name, NULL);
      m->train_seconds = m->score_seconds = NAN;
      m->times = g_strdup_printf ("%s/models/%s.json", run->out, name);
      if (m->spec->checkpoint != NULL)
        m->checkpoint = g_canonicalize_filename (m->spec->checkpoint, NULL);
      else if (!prepare_training (run, m, fingerprint, error))
        return FALSE;

      if (m->needs_training)
        {
          m->steps_per_epoch = split_windows (run->dataset, DDL_SPLIT_TRAIN, c->temporal)
                               / MAX (c->batch, 1);
          m->train_work = (PipelineWork) { (double) (c->epochs - m->epochs_done)
                                           * m->steps_per_epoch, 0,
                                           pipeline_guess_step_seconds (c), TRUE, 0.5 };
        }
      else
        m->train_work = (PipelineWork) { 0 };
      gint64 scored = mtime_ns (m->scores_path), trained = mtime_ns (m->checkpoint);
      ModelRecord record;
      record_read (m->times, &record);
      m->reuse_scores = !m->needs_training && scored >= 0 && trained >= 0 && scored >= trained
                        && g_file_test (m->maps_dir, G_FILE_TEST_IS_DIR)
                        && g_strcmp0 (record.scored_checkpoint, m->checkpoint) == 0
                        && g_strcmp0 (record.scored_footage, run->test_fingerprint) == 0;
      record_clear (&record);
      if (!m->reuse_scores)
        m->score_work = (PipelineWork) { (double) split_windows (run->dataset, DDL_SPLIT_TEST,
                                                                 c->temporal),
                                         0, pipeline_guess_frame_seconds (c), TRUE, 0.5 };
      else
        m->score_work = (PipelineWork) { 0 };
    }
  return TRUE;
}

/* ---- training ---------------------------------------------------------------------- */

typedef struct {
  PipelineRun *run;
  guint        index;
  guint64      steps;          /* reported in this run */
  double       first_seconds;  /* trainer time at the first report */
  char         message[160];
} TrainContext;

static gboolean
train_progress (const DdlTrainProgress *t, gpointer user_data)
{
  TrainContext *ctx = user_data;
  PipelineRun *run = ctx->run;
  PipelineModel *m = &run->models[ctx->index];
  DdlPipelineProgress p = { DDL_PIPELINE_STAGE_TRAIN, ctx->index };
  guint64 left = (guint64) (t->epochs - t->epoch - 1) * t->steps_per_epoch
                 + (t->steps_per_epoch - t->step_in_epoch);

  /* The first step carries the data loading; time the ones after it. */
  if (++ctx->steps == 1)
    ctx->first_seconds = t->seconds;
  else
    run->speed = (t->seconds - ctx->first_seconds) / (ctx->steps - 1)
                 / m->train_work.unit_seconds;
  m->train_work.done = (double) ctx->steps;
  m->train_work.total = (double) (ctx->steps + left);
  g_snprintf (ctx->message, sizeof ctx->message, "Training %s (model %u of %u): epoch %u of "
              "%u, step %u of %u", m->spec->name, ctx->index + 1, run->n_models, t->epoch + 1,
              t->epochs, t->step_in_epoch, t->steps_per_epoch);
  p.train = t;
  p.done = t->step_in_epoch;
  p.total = t->steps_per_epoch;
  p.message = ctx->message;
  return pipeline_emit (run, &p);
}

gboolean
pipeline_train_model (PipelineRun *run, guint index, GError **error)
{
  PipelineModel *m = &run->models[index];
  g_autofree char *models = g_build_filename (run->out, "models", NULL);
  TrainContext ctx = { run, index };
  DdlTrainOptions t;
  DdlTrainSummary summary;
  ModelRecord record;

  if (!m->needs_training)
    return TRUE;
  if (g_mkdir_with_parents (models, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot create %s: %s",
                   models, g_strerror (saved));
      return FALSE;
    }
  ddl_train_options_init (&t);
  t.config = m->config;
  t.dataset = run->dataset_path;
  t.boxes = run->boxes;
  t.output = m->checkpoint;
  t.resume = g_file_test (m->checkpoint, G_FILE_TEST_EXISTS) ? m->checkpoint : NULL;
  t.log = m->loss_log;
  t.device = run->o->device;
  t.progress = train_progress;
  t.user_data = &ctx;
  t.preview_every = run->o->preview_every;
  t.cancellable = run->cancel;
  m->trained_now = TRUE;
  if (!ddl_train_run (&t, &summary, error))
    return FALSE;
  /* The scores of the previous weights are stale now. */
  record_read (m->times, &record);
  record.train_seconds = (isnan (record.train_seconds) ? 0 : record.train_seconds)
                         + summary.seconds;
  record.score_seconds = NAN;
  record_clear (&record);
  if (!record_write (m->times, &record, error))
    return FALSE;
  if (summary.cancelled)
    run->cancelled = TRUE;
  else
    m->train_work.done = m->train_work.total;
  return TRUE;
}

/* ---- scoring ----------------------------------------------------------------------- */

typedef struct {
  PipelineRun *run;
  guint        index;
  gint64       started;
  guint        first_done;
  gint64       first_time;
  char         message[160];
} ScoreContext;

static gboolean
score_progress (guint video, guint n_videos, guint done, guint total, gpointer user_data)
{
  ScoreContext *ctx = user_data;
  PipelineRun *run = ctx->run;
  PipelineModel *m = &run->models[ctx->index];
  DdlPipelineProgress p = { DDL_PIPELINE_STAGE_SCORE, ctx->index };
  gint64 now = g_get_monotonic_time () - run->in_callback;

  /* Like training, the first batch carries the decoding: measure from it on. */
  if (ctx->first_time == 0)
    ctx->first_time = now, ctx->first_done = done;
  else if (done > ctx->first_done)
    run->score_speed = (now - ctx->first_time) / 1e6 / (done - ctx->first_done)
                       / m->score_work.unit_seconds;
  m->score_work.done = done;
  m->score_work.total = total;
  g_snprintf (ctx->message, sizeof ctx->message, "Scoring the test videos with %s (model %u "
              "of %u): video %u of %u", m->spec->name, ctx->index + 1, run->n_models, video + 1,
              n_videos);
  p.done = done;
  p.total = total;
  p.message = ctx->message;
  return pipeline_emit (run, &p);
}

gboolean
pipeline_score_model (PipelineRun *run, guint index, GError **error)
{
  PipelineModel *m = &run->models[index];
  DdlEngineOptions eo = { run->o->device, FALSE };
  ScoreContext ctx = { run, index };
  g_autoptr(DdlEngine) engine = NULL;
  g_autoptr(DdlModel) model = NULL;
  g_autoptr(GError) local = NULL;
  ModelRecord record;

  engine = ddl_engine_new (&eo, error);
  if (engine == NULL)
    return FALSE;
  if (run->device_name == NULL)
    run->device_name = g_strdup (ddl_engine_get_device (engine)->name);
  /* A given reference state_dict takes its input size and mode from the spec. */
  model = ddl_model_load (engine, m->checkpoint,
                          m->spec->checkpoint != NULL ? &m->spec->config : NULL, error);
  if (model == NULL)
    return FALSE;
  m->config = *ddl_model_get_config (model);
  m->anomaly_weight = ddl_model_get_anomaly_weight (model);
  m->epochs_done = ddl_model_get_epoch (model);
  m->steps = ddl_model_get_step (model);
  g_free (m->fingerprint);
  m->fingerprint = g_strdup (ddl_model_get_fingerprint (model));
  record_read (m->times, &record);
  m->train_seconds = record.train_seconds;
  m->score_seconds = record.score_seconds;
  record_clear (&record);
  if (m->loss_log != NULL && !g_file_test (m->loss_log, G_FILE_TEST_EXISTS))
    g_clear_pointer (&m->loss_log, g_free);

  if (!m->reuse_scores)
    {
      DdlScoreOptions so = { run->dataset_path, m->scores_path, m->maps_dir, score_progress,
                             &ctx, run->cancel };
      DdlScoreSummary summary;
      DdlPipelineProgress p = { DDL_PIPELINE_STAGE_SCORE, index };

      g_snprintf (ctx.message, sizeof ctx.message, "Scoring the test videos with %s (model %u "
                  "of %u)", m->spec->name, index + 1, run->n_models);
      p.total = (guint) m->score_work.total;
      p.message = ctx.message;
      if (!pipeline_emit (run, &p))
        return TRUE;
      /* Maps of an earlier run must not outlive a retrained model. */
      if (g_file_test (m->maps_dir, G_FILE_TEST_IS_DIR)
          && !pipeline_remove_tree (m->maps_dir, error))
        return FALSE;
      if (!ddl_score_run (model, &so, &summary, &local))
        {
          if (pipeline_is_cancelled (run))
            return TRUE;
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      m->score_seconds = summary.seconds;
      m->score_work.done = m->score_work.total;
      record = (ModelRecord) { m->train_seconds, m->score_seconds, m->checkpoint,
                               run->test_fingerprint };
      if (!record_write (m->times, &record, error))
        return FALSE;
    }
  m->scores = ddl_scores_load_csv (m->scores_path, error);
  return m->scores != NULL;
}
