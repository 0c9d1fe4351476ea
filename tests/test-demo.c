/* The unattended pipeline (ddl-pipeline.h) at the tiny configuration: the report
 * folder's layout, metrics that agree with an independent evaluation of the written
 * scores, a decodable rendered video, a second run that trains nothing, cancel and
 * resume (from the callback and the cancellable), a dataset without tracks or labels,
 * a given checkpoint, and bad input. `ddl demo` itself: test-demo-cli.c. */
#include "ddl-test-util.h"
#include "ddl-frame-source.h"
#include "ddl-labels.h"
#include "ddl-metrics.h"
#include "ddl-pipeline.h"
#include "ddl-safetensors.h"
#include "ddl-scores.h"
#include "ddl-synth.h"

#include <math.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

static char *base_dir;

static char *
test_dir (const char *name)
{
  return g_build_filename (base_dir, name, NULL);
}

/* ---- what the progress callback saw ------------------------------------------------ */

typedef struct {
  guint            calls[DDL_PIPELINE_STAGE_DONE + 1];
  double           last_fraction;
  gboolean         fraction_ok;     /* in [0, 1] and never decreasing */
  gboolean         saw_preview;
  guint64          first_step;      /* the trainer's global step at its first report */
  /* Cancel at the n-th call of a stage: by returning FALSE, or through `cancellable`. */
  DdlPipelineStage cancel_stage;
  guint            cancel_at;
  GCancellable    *cancellable;
} Recorder;

static void
recorder_init (Recorder *r)
{
  memset (r, 0, sizeof *r);
  r->fraction_ok = TRUE;
  r->cancel_stage = DDL_PIPELINE_STAGE_DONE;
}

static gboolean
record (const DdlPipelineProgress *p, gpointer user_data)
{
  Recorder *r = user_data;

  r->calls[p->stage]++;
  if (!(p->fraction >= r->last_fraction && p->fraction <= 1.0))
    r->fraction_ok = FALSE;
  r->last_fraction = p->fraction;
  g_assert_nonnull (p->message);
  g_assert_cmpuint (p->n_models, >, 0);
  if (p->stage == DDL_PIPELINE_STAGE_TRAIN)
    {
      g_assert_nonnull (p->train);
      if (r->first_step == 0)
        r->first_step = p->train->step;
      if (p->train->preview != NULL)
        {
          g_assert_cmpuint (p->train->preview->width, ==, 32);
          g_assert_nonnull (p->train->preview->clean);
          r->saw_preview = TRUE;
        }
    }
  if (p->stage == r->cancel_stage && r->calls[p->stage] == r->cancel_at)
    {
      if (r->cancellable == NULL)
        return FALSE;
      g_cancellable_cancel (r->cancellable);
    }
  return TRUE;
}

static void
tiny_options (DdlPipelineOptions *o, DdlPipelineModel models[2], const char *out, Recorder *r)
{
  ddl_pipeline_options_init (o);
  ddl_pipeline_tiny (o, models);
  o->out = out;
  o->progress = record;
  o->user_data = r;
  recorder_init (r);
}

/* ---- file checks ---------------------------------------------------------------------- */

static void
assert_file (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf st;
  if (g_stat (path, &st) != 0 || st.st_size == 0)
    g_error ("%s is missing or empty", path);
}

static guint
count_lines (const char *path)
{
  g_autofree char *text = NULL;
  guint n = 0;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  for (const char *c = text; *c != '\0'; c++)
    n += *c == '\n';
  return n;
}

static gint64
mtime_ns (const char *path)
{
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
}

/* epoch and step from a checkpoint's metadata */
static void
checkpoint_state (const char *path, guint64 *epoch, guint64 *step)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlSafetensors) st = ddl_safetensors_load (path, &error);
  g_assert_no_error (error);
  *epoch = g_ascii_strtoull (ddl_safetensors_get_metadata (st, "epoch"), NULL, 10);
  *step = g_ascii_strtoull (ddl_safetensors_get_metadata (st, "step"), NULL, 10);
}

static DdlLabels *
dataset_labels (const char *dataset)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlLabelsSource) source = ddl_labels_source_open (dataset, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&source->labels);
}

/* The micro AUC of a model's own scores file, evaluated here from scratch. */
static double
eval_scores_file (const char *out, const char *name, DdlLabels *labels)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_strdup_printf ("scores-%s.csv", name);
  g_autofree char *path = g_build_filename (out, file, NULL);
  g_autoptr(DdlScores) scores = ddl_scores_load_csv (path, &error);
  DdlEvalOptions options;
  g_assert_no_error (error);
  /* 2 test videos of 20 frames, T = 3: 18 windows each */
  g_assert_cmpuint (ddl_scores_get_n_frames (scores), ==, 36);
  ddl_eval_options_init (&options);
  g_autoptr(DdlEvalResult) result = ddl_eval_run (scores, labels, &options, &error);
  g_assert_no_error (error);
  return result->micro.auc;
}

/* The test video with the most anomalous frames (the first on ties). */
static DdlLabelVideo *
most_anomalous (DdlLabels *labels)
{
  DdlLabelVideo *best = NULL;
  for (guint v = 0; v < labels->videos->len; v++)
    {
      DdlLabelVideo *l = g_ptr_array_index (labels->videos, v);
      if (best == NULL || l->n_anomalous > best->n_anomalous)
        best = l;
    }
  return best;
}

static void
check_report (const char *out, const DdlPipelineSummary *s)
{
  static const char *const files[] = {
    "data/labels.csv", "models/sdl.safetensors", "models/ddl.safetensors",
    "models/sdl-loss.csv", "models/ddl-loss.csv", "scores-sdl.csv", "scores-ddl.csv",
    "maps/sdl/01.maps.npy", "maps/sdl/02.recs.npy", "maps/ddl/01.maps.npy",
    "maps/ddl/02.recs.npy", "metrics.json", "scores.csv", "scores.json", "timeline.png",
    "timeline.svg", "timeline.pdf", "roc.png", "roc.svg", "roc.pdf", "index.html",
  };
  static const char *const names[] = { "sdl", "ddl" };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(DdlLabels) labels = NULL;
  g_autofree char *data = g_build_filename (out, "data", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    assert_file (out, files[i]);
  g_assert_cmpstr (s->dataset, ==, data);
  g_assert_true (g_str_has_suffix (s->metrics, "/metrics.json"));
  g_assert_true (g_str_has_suffix (s->scores, "/scores.csv"));

  /* 2 training videos of 20 frames, T = 3, batch 2, 1 epoch: 18 steps, a line each */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *log = g_strdup_printf ("%s/models/%s-loss.csv", out, names[i]);
      g_assert_cmpuint (count_lines (log), ==, 19);
    }

  labels = dataset_labels (data);
  g_assert_cmpuint (ddl_labels_get_n_anomalous (labels), >, 0);
  g_assert_cmpuint (ddl_labels_get_n_anomalous (labels), <, ddl_labels_get_n_frames (labels));
  g_assert_true (json_parser_load_from_file (parser, s->metrics, &error));
  g_assert_no_error (error);
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "format"), ==, "ddl-studio-report");
  JsonArray *models = json_object_get_array_member (root, "models");
  g_assert_cmpuint (json_array_get_length (models), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *m = json_array_get_object_element (models, i);
      JsonObject *metrics = json_object_get_object_member (m, "metrics");
      double auc = json_object_get_double_member (metrics, "micro_auc");
      double want = eval_scores_file (out, names[i], labels);

      g_assert_cmpstr (json_object_get_string_member (m, "name"), ==, names[i]);
      g_assert_cmpint (json_object_get_int_member (m, "epochs_done"), ==, 1);
      g_assert_cmpint (json_object_get_int_member (m, "steps"), ==, 18);
      /* kept across runs (OUT/models/<name>.json) */
      g_assert_cmpfloat (json_object_get_double_member (m, "train_seconds"), >, 0);
      g_assert_cmpfloat (json_object_get_double_member (m, "score_seconds"), >, 0);
      g_assert_cmpstr (json_object_get_string_member (
                         json_object_get_object_member (m, "config"), "mode"), ==, names[i]);
      g_assert_true (auc >= 0 && auc <= 1);
      g_assert_cmpfloat_with_epsilon (auc, want, 1e-9);
      g_assert_cmpfloat_with_epsilon (s->micro_auc[i], want, 1e-9);
    }
  g_assert_true (isnan (s->micro_auc[2]));

  /* The rendered video: the most anomalous test video, every frame of it. */
  g_assert_nonnull (s->video);
  DdlLabelVideo *shown = most_anomalous (labels);
  g_autofree char *stem = g_strdup_printf ("%s/video-%s.", out, shown->name);
  g_assert_true (g_str_has_prefix (s->video, stem));
  g_autoptr(DdlFrameSource) source = ddl_frame_source_open (s->video, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_frame_source_get_n_frames (source), ==, shown->n_frames);
  g_assert_cmpuint (shown->n_frames, ==, 20);
}

/* ---- the cases -------------------------------------------------------------------------- */

static void
test_tiny_and_again (void)
{
  g_autofree char *out = test_dir ("tiny");
  g_autofree char *sdl = g_build_filename (out, "models", "sdl.safetensors", NULL);
  g_autofree char *ddl = g_build_filename (out, "models", "ddl.safetensors", NULL);
  g_autoptr(GError) error = NULL;
  DdlPipelineModel models[2];
  DdlPipelineOptions o;
  DdlPipelineSummary s, again;
  Recorder r;
  guint64 epoch, step;

  if (!ddl_test_engine ())
    return;
  tiny_options (&o, models, out, &r);
  o.preview_every = 5;
  g_assert_true (ddl_pipeline_run (&o, &s, &error));
  g_assert_no_error (error);
  g_assert_false (s.cancelled);
  g_assert_true (r.fraction_ok);
  g_assert_cmpfloat (r.last_fraction, ==, 1.0);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_SYNTH], >=, 4);   /* a call per video */
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_TRAIN], ==, 36);  /* 18 steps, 2 models */
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_SCORE], >=, 2);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_RENDER], >=, 20);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_DONE], ==, 1);
  g_assert_true (r.saw_preview);
  check_report (out, &s);

  /* Again on the same folder: nothing is trained or scored, the result is the same. */
  gint64 sdl_time = mtime_ns (sdl), ddl_time = mtime_ns (ddl);
  recorder_init (&r);
  g_assert_true (ddl_pipeline_run (&o, &again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_SYNTH], ==, 0);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_TRAIN], ==, 0);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_SCORE], ==, 0);
  g_assert_cmpint (mtime_ns (sdl), ==, sdl_time);
  g_assert_cmpint (mtime_ns (ddl), ==, ddl_time);
  checkpoint_state (ddl, &epoch, &step);
  g_assert_cmpuint (epoch, ==, 1);
  g_assert_cmpuint (step, ==, 18);
  check_report (out, &again);
  g_test_message ("first run %.1f s, second %.1f s", s.seconds, again.seconds);
  ddl_pipeline_summary_clear (&again);

  /* A different model in the same folder is refused, not mixed in. */
  models[1].config.latent = 24;
  g_assert_false (ddl_pipeline_run (&o, &again, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "ddl.safetensors was trained as"));
  g_assert_cmpint (mtime_ns (ddl), ==, ddl_time);
  ddl_pipeline_summary_clear (&again);
  /* So is other synthetic data. */
  g_clear_error (&error);
  models[1].config.latent = 16;
  o.synth.n_test_videos = 3;
  g_assert_false (ddl_pipeline_run (&o, &again, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "holds another synthetic dataset"));
  ddl_pipeline_summary_clear (&again);
  ddl_pipeline_summary_clear (&s);
}

/* The interrupted and resumed run trained exactly what the uninterrupted DDL model of
 * /pipeline/tiny-and-again did (same data, seed and batches): the same losses and
 * sigma(l) at every step, to the last printed digit. */
static void
assert_same_log (const char *log)
{
  g_autofree char *straight = g_build_filename (base_dir, "tiny", "models", "ddl-loss.csv", NULL);
  g_autofree char *a = NULL, *b = NULL;

  if (!g_file_get_contents (straight, &a, NULL, NULL))
    return;   /* /pipeline/tiny-and-again did not run (-p) */
  g_assert_true (g_file_get_contents (log, &b, NULL, NULL));
  g_assert_cmpstr (a, ==, b);
}

static void
test_cancel_and_resume (void)
{
  g_autofree char *out = test_dir ("cancel");
  g_autofree char *ckpt = g_build_filename (out, "models", "ddl.safetensors", NULL);
  g_autofree char *log = g_build_filename (out, "models", "ddl-loss.csv", NULL);
  g_autofree char *metrics = g_build_filename (out, "metrics.json", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  DdlPipelineModel models[2];
  DdlPipelineOptions o;
  DdlPipelineSummary s;
  Recorder r;
  guint64 epoch, step;

  if (!ddl_test_engine ())
    return;
  tiny_options (&o, models, out, &r);
  o.models = &models[1];   /* DDL only */
  o.n_models = 1;
  o.render = FALSE;

  /* What an interrupted generator leaves (its marker and part of the data) is
   * generated again. */
  {
    g_autofree char *data = g_build_filename (out, "data", NULL);
    g_autofree char *junk = g_build_filename (data, "junk.txt", NULL);
    g_autofree char *marker = g_build_filename (out, ".data-incomplete", NULL);
    g_assert_cmpint (g_mkdir_with_parents (data, 0755), ==, 0);
    g_assert_true (g_file_set_contents (junk, "x", 1, NULL));
    g_assert_true (g_file_set_contents (marker, "", 0, NULL));
  }
  /* Stopped by the callback at step 5 of 18: not an error, the checkpoint is kept. */
  r.cancel_stage = DDL_PIPELINE_STAGE_TRAIN;
  r.cancel_at = 5;
  g_assert_true (ddl_pipeline_run (&o, &s, &error));
  g_assert_no_error (error);
  g_assert_true (s.cancelled);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_TRAIN], ==, 5);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_SCORE], ==, 0);
  g_assert_false (g_file_test (metrics, G_FILE_TEST_EXISTS));
  checkpoint_state (ckpt, &epoch, &step);
  g_assert_cmpuint (epoch, ==, 0);
  g_assert_cmpuint (step, ==, 5);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_SYNTH], >=, 4);
  {
    g_autofree char *junk = g_build_filename (out, "data", "junk.txt", NULL);
    g_autofree char *marker = g_build_filename (out, ".data-incomplete", NULL);
    g_assert_false (g_file_test (junk, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
  }
  ddl_pipeline_summary_clear (&s);

  /* The next run resumes where the cancel stopped (step 6 of 18: the 5 batches trained
   * are passed over), finishes the epoch, and is stopped through the cancellable while
   * scoring. */
  recorder_init (&r);
  r.cancel_stage = DDL_PIPELINE_STAGE_SCORE;
  r.cancel_at = 1;
  r.cancellable = cancellable;
  o.cancellable = cancellable;
  g_assert_true (ddl_pipeline_run (&o, &s, &error));
  g_assert_no_error (error);
  g_assert_true (s.cancelled);
  g_assert_cmpuint (r.first_step, ==, 6);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_TRAIN], ==, 13);
  checkpoint_state (ckpt, &epoch, &step);
  g_assert_cmpuint (epoch, ==, 1);
  g_assert_cmpuint (step, ==, 18);
  g_assert_cmpuint (count_lines (log), ==, 1 + 5 + 13);
  assert_same_log (log);
  g_assert_false (g_file_test (metrics, G_FILE_TEST_EXISTS));
  ddl_pipeline_summary_clear (&s);

  /* The third run only scores and reports. */
  g_cancellable_reset (cancellable);
  recorder_init (&r);
  g_assert_true (ddl_pipeline_run (&o, &s, &error));
  g_assert_no_error (error);
  g_assert_false (s.cancelled);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_TRAIN], ==, 0);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_SCORE], >=, 1);
  g_assert_true (g_file_test (metrics, G_FILE_TEST_EXISTS));
  g_assert_null (s.video);
  g_assert_true (s.micro_auc[0] >= 0 && s.micro_auc[0] <= 1);
  ddl_pipeline_summary_clear (&s);
}

/* A given dataset without object tracks and without labels: the tracker runs into
 * OUT/boxes-train.json, the report has no metrics, the video is the first one. Then
 * the trained checkpoint, given as a model's checkpoint in another folder, is scored
 * without training and gives the same scores. */
static void
test_dataset_without_tracks (void)
{
  g_autofree char *data = test_dir ("plain-data");
  g_autofree char *out = test_dir ("plain");
  g_autofree char *out2 = test_dir ("plain-given");
  g_autofree char *boxes = g_build_filename (out, "boxes-train.json", NULL);
  g_autofree char *ckpt = g_build_filename (out, "models", "sdl.safetensors", NULL);
  g_autofree char *scores1 = g_build_filename (out, "scores-sdl.csv", NULL);
  g_autofree char *scores2 = g_build_filename (out2, "scores-given.csv", NULL);
  static const char *const strip[] = { "training/frames/tracked_bounding_boxes.json",
                                        "testing/frames/tracked_bounding_boxes.json",
                                        "labels.csv", "frame_labels_plain-data.npy" };
  g_autoptr(GError) error = NULL;
  DdlPipelineModel models[2], given = { "given" };
  DdlPipelineOptions o;
  DdlPipelineSummary s;
  Recorder r;

  if (!ddl_test_engine ())
    return;
  tiny_options (&o, models, out, &r);
  g_assert_true (ddl_synth_write_dataset (&o.synth, data, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (strip); i++)
    {
      g_autofree char *path = g_build_filename (data, strip[i], NULL);
      g_assert_cmpint (g_remove (path), ==, 0);
    }
  o.dataset = data;
  o.n_models = 1;   /* SDL */
  g_assert_true (ddl_pipeline_run (&o, &s, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_SYNTH], ==, 0);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_BOXES], >=, 2);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_TRAIN], ==, 18);
  g_assert_true (g_file_test (boxes, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (s.dataset, ==, data);
  g_assert_true (isnan (s.micro_auc[0]));
  g_assert_true (g_str_has_suffix (s.video, "/video-01.mp4") || g_str_has_suffix (s.video, ".webm")
                 || g_str_has_suffix (s.video, ".avi"));
  {
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_assert_true (json_parser_load_from_file (parser, s.metrics, &error));
    JsonObject *root = json_node_get_object (json_parser_get_root (parser));
    JsonObject *m = json_array_get_object_element (json_object_get_array_member (root, "models"),
                                                   0);
    g_assert_true (json_object_get_null_member (m, "metrics"));
  }
  ddl_pipeline_summary_clear (&s);

  given.checkpoint = ckpt;
  o.out = out2;
  o.models = &given;
  o.render = FALSE;
  recorder_init (&r);
  g_assert_true (ddl_pipeline_run (&o, &s, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_BOXES] + r.calls[DDL_PIPELINE_STAGE_TRAIN], ==, 0);
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_SCORE], >=, 1);
  {
    g_autoptr(DdlScores) a = ddl_scores_load_csv (scores1, &error);
    g_autoptr(DdlScores) b = ddl_scores_load_csv (scores2, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (a->videos->len, ==, b->videos->len);
    for (guint v = 0; v < a->videos->len; v++)
      {
        DdlScoreVideo *va = g_ptr_array_index (a->videos, v), *vb = g_ptr_array_index (b->videos, v);
        g_assert_cmpuint (va->n, ==, vb->n);
        for (guint k = 0; k < va->n; k++)
          {
            g_assert_cmpuint (va->frames[k], ==, vb->frames[k]);
            g_assert_cmpfloat_with_epsilon (va->values[k], vb->values[k], 1e-6);
          }
      }
  }
  ddl_pipeline_summary_clear (&s);

  /* Run again: the scores are reused. Then the same name with another checkpoint file,
   * older than the scores (a copy keeping its time): scored again, not reused. */
  recorder_init (&r);
  g_assert_true (ddl_pipeline_run (&o, &s, &error));
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_SCORE], ==, 0);
  ddl_pipeline_summary_clear (&s);
  {
    g_autofree char *copy_path = test_dir ("copy.safetensors");
    g_autoptr(GFile) from = g_file_new_for_path (ckpt);
    g_autoptr(GFile) to = g_file_new_for_path (copy_path);
    g_assert_true (g_file_copy (from, to, G_FILE_COPY_ALL_METADATA, NULL, NULL, NULL, &error));
    g_assert_cmpint (mtime_ns (copy_path), <, mtime_ns (scores2));
    given.checkpoint = copy_path;
    recorder_init (&r);
    g_assert_true (ddl_pipeline_run (&o, &s, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_SCORE], >=, 1);
    ddl_pipeline_summary_clear (&s);
  }
}

static void
expect_error (const DdlPipelineOptions *o, const char *needle)
{
  g_autoptr(GError) error = NULL;
  DdlPipelineSummary s;
  g_assert_false (ddl_pipeline_run (o, &s, &error));
  g_assert_nonnull (error);
  if (strstr (error->message, needle) == NULL)
    g_error ("expected an error about '%s', got: %s", needle, error->message);
  g_assert_false (s.cancelled);
  ddl_pipeline_summary_clear (&s);
}

/* Refused before anything is made; no device needed. */
static void
test_bad_input (void)
{
  g_autofree char *file = test_dir ("a-file");
  g_autofree char *under_file = g_build_filename (file, "out", NULL);
  g_autofree char *out = test_dir ("bad");
  g_autofree char *missing = test_dir ("no-such-dataset");
  DdlPipelineModel models[2], dup[2];
  DdlPipelineOptions o;
  Recorder r;

  g_assert_cmpstr (ddl_pipeline_stage_to_string (DDL_PIPELINE_STAGE_TRAIN), ==, "train");
  g_assert_cmpstr (ddl_pipeline_stage_to_string (DDL_PIPELINE_STAGE_RENDER), ==, "render");
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));

  tiny_options (&o, models, under_file, &r);
  expect_error (&o, under_file);                 /* the output folder cannot be made */
  o.out = out;
  o.dataset = missing;
  expect_error (&o, missing);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  o.dataset = NULL;
  o.n_models = 0;
  expect_error (&o, "No models");
  memcpy (dup, models, sizeof dup);
  dup[1].name = "sdl";
  o.models = dup;
  o.n_models = 2;
  expect_error (&o, "Two models are named 'sdl'");
  dup[1].name = "video";
  expect_error (&o, "'video'");
  dup[1].name = "../x";
  expect_error (&o, "'../x'");
  dup[1].name = "ddl";
  dup[1].config.latent = 12;
  expect_error (&o, "multiple of 8");
  dup[1].config.latent = 16;
  dup[1].checkpoint = missing;
  expect_error (&o, missing);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  /* OUT/data that the pipeline did not make is left alone. */
  {
    g_autofree char *foreign = test_dir ("foreign");
    g_autofree char *data = g_build_filename (foreign, "data", NULL);
    g_autofree char *mine = g_build_filename (data, "mine.txt", NULL);
    g_autofree char *marker = g_build_filename (foreign, ".data-incomplete", NULL);
    g_assert_cmpint (g_mkdir_with_parents (data, 0755), ==, 0);
    g_assert_true (g_file_set_contents (mine, "x", 1, NULL));
    o.out = foreign;
    o.models = models;
    expect_error (&o, "not a complete synthetic dataset");
    g_assert_true (g_file_test (mine, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
  }
  g_assert_cmpuint (r.calls[DDL_PIPELINE_STAGE_SYNTH] + r.calls[DDL_PIPELINE_STAGE_TRAIN], ==, 0);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  base_dir = g_dir_make_tmp ("ddl-test-demo-XXXXXX", NULL);
  g_assert_nonnull (base_dir);
  g_test_add_func ("/pipeline/bad-input", test_bad_input);
  g_test_add_func ("/pipeline/tiny-and-again", test_tiny_and_again);
  g_test_add_func ("/pipeline/cancel-and-resume", test_cancel_and_resume);
  g_test_add_func ("/pipeline/dataset-without-tracks", test_dataset_without_tracks);
  status = g_test_run ();
  ddl_test_engine_shutdown ();
  ddl_test_remove_tree (base_dir);
  g_free (base_dir);
  return status;
}
