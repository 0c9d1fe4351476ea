/* The review logic of DDL Studio without a display: events, annotations (undo/redo,
 * sidecar, exports read back by the label readers), dense curves, and the session on
 * synthetic demo footage. Expected values are worked out by hand in the comments. */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ddl-annotations.h"
#include "ddl-test-demo.h"
#include "ddl-events.h"
#include "ddl-frame-loader.h"
#include "ddl-frame-writer.h"
#include "ddl-labels.h"
#include "ddl-score-curve.h"
#include "ddl-session.h"
#include "ddl-test-util.h"

static char *
make_tmpdir (void)
{
  GError *error = NULL;
  char *dir = g_dir_make_tmp ("ddl-gui-review-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

/* ---- events ---------------------------------------------------------------------- */

static void
test_events_grouping (void)
{
  /* index:          0    1    2    3    4    5    6    7    8    9   10   11   12 */
  const double s[] = { NAN, 0.9, 0.8, 0.1, 0.7, 0.2, 0.2, 0.2, 0.95, 0.9, NAN, 0.6, 0.1 };
  g_autoptr(GArray) e = NULL;

  /* No merging, no minimum: runs [1,2], [4], [8,9], [11]. */
  e = ddl_events_find (s, G_N_ELEMENTS (s), 0.5, 1, 0);
  g_assert_cmpuint (e->len, ==, 4);
  g_assert_cmpuint (g_array_index (e, DdlEvent, 0).start, ==, 1);
  g_assert_cmpuint (g_array_index (e, DdlEvent, 0).end, ==, 2);
  g_assert_cmpuint (g_array_index (e, DdlEvent, 0).peak_frame, ==, 1);
  g_assert_cmpuint (g_array_index (e, DdlEvent, 2).peak_frame, ==, 8);
  g_assert_cmpfloat (g_array_index (e, DdlEvent, 2).peak, ==, 0.95);
  g_clear_pointer (&e, g_array_unref);

  /* Gap 1 merges [1,2] and [4] (one frame between) and [8,9] with [11] (NAN at 10
   * counts as unflagged): [1,4] and [8,11]. */
  e = ddl_events_find (s, G_N_ELEMENTS (s), 0.5, 1, 1);
  g_assert_cmpuint (e->len, ==, 2);
  g_assert_cmpuint (g_array_index (e, DdlEvent, 0).end, ==, 4);
  g_assert_cmpuint (g_array_index (e, DdlEvent, 1).start, ==, 8);
  g_assert_cmpuint (g_array_index (e, DdlEvent, 1).end, ==, 11);
  g_clear_pointer (&e, g_array_unref);

  /* Minimum length 3 after merging with gap 0: none of [1,2] [4] [8,9] [11] is long enough. */
  e = ddl_events_find (s, G_N_ELEMENTS (s), 0.5, 3, 0);
  g_assert_cmpuint (e->len, ==, 0);
  g_clear_pointer (&e, g_array_unref);

  /* Gap 3 merges everything flagged into [1,11]. */
  e = ddl_events_find (s, G_N_ELEMENTS (s), 0.5, 3, 3);
  g_assert_cmpuint (e->len, ==, 1);
  g_assert_cmpuint (g_array_index (e, DdlEvent, 0).start, ==, 1);
  g_assert_cmpuint (g_array_index (e, DdlEvent, 0).end, ==, 11);
  g_assert_cmpuint (g_array_index (e, DdlEvent, 0).peak_frame, ==, 8);
}

static void
test_events_navigation (void)
{
  const double s[] = { 1, 1, 0, 0, 1, 1, 0, 0, 1, 1 };
  g_autoptr(GArray) e = ddl_events_find (s, G_N_ELEMENTS (s), 0.5, 1, 0);

  g_assert_cmpuint (e->len, ==, 3);   /* [0,1] [4,5] [8,9] */
  g_assert_cmpint (ddl_events_next (e, 0), ==, 1);
  g_assert_cmpint (ddl_events_next (e, 4), ==, 2);
  g_assert_cmpint (ddl_events_next (e, 8), ==, -1);
  g_assert_cmpint (ddl_events_previous (e, 5), ==, 1);
  g_assert_cmpint (ddl_events_previous (e, 4), ==, 0);
  g_assert_cmpint (ddl_events_previous (e, 0), ==, -1);
  g_assert_cmpint (ddl_events_at (e, 5), ==, 1);
  g_assert_cmpint (ddl_events_at (e, 6), ==, -1);
}

/* ---- annotations ------------------------------------------------------------------- */

static DdlAnnotations *
two_videos (void)
{
  const guint8 truth_a[6] = { 0, 0, 1, 1, 0, 0 };
  DdlAnnotations *a = ddl_annotations_new ();
  ddl_annotations_add_video (a, "01", 6, truth_a);
  ddl_annotations_add_video (a, "02", 4, NULL);
  return a;
}

static void
test_annotations_undo_redo (void)
{
  g_autoptr(DdlAnnotations) a = two_videos ();

  g_assert_true (ddl_annotations_get_label (a, 0, 2));
  g_assert_false (ddl_annotations_get_label (a, 1, 0));
  g_assert_false (ddl_annotations_can_undo (a));

  ddl_annotations_mark (a, 0, 1, 3, DDL_MARK_NORMAL);     /* rejects the truth at 2..3 */
  ddl_annotations_mark (a, 1, 2, 99, DDL_MARK_ANOMALOUS); /* clipped to 2..3 */
  g_assert_false (ddl_annotations_get_label (a, 0, 2));
  g_assert_true (ddl_annotations_get_label (a, 1, 3));
  g_assert_cmpuint (ddl_annotations_count_marked (a), ==, 3 + 2);

  g_assert_cmpint (ddl_annotations_undo (a), ==, 1);
  g_assert_false (ddl_annotations_get_label (a, 1, 3));
  g_assert_cmpint (ddl_annotations_undo (a), ==, 0);
  g_assert_true (ddl_annotations_get_label (a, 0, 2));
  g_assert_cmpint (ddl_annotations_get_mark (a, 0, 1), ==, DDL_MARK_NONE);
  g_assert_cmpint (ddl_annotations_undo (a), ==, -1);
  g_assert_cmpint (ddl_annotations_redo (a), ==, 0);
  g_assert_cmpint (ddl_annotations_get_mark (a, 0, 1), ==, DDL_MARK_NORMAL);
  /* A new edit drops the redo history. */
  ddl_annotations_mark (a, 0, 5, 5, DDL_MARK_ANOMALOUS);
  g_assert_false (ddl_annotations_can_redo (a));
  g_assert_true (ddl_annotations_get_label (a, 0, 5));
}

static void
test_annotations_sidecar (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "ddl-annotations.csv", NULL);
  g_autoptr(DdlAnnotations) a = two_videos ();
  g_autoptr(DdlAnnotations) b = two_videos ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  ddl_annotations_mark (a, 0, 1, 3, DDL_MARK_NORMAL);
  ddl_annotations_mark (a, 1, 0, 0, DDL_MARK_ANOMALOUS);
  g_assert_true (ddl_annotations_save (a, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "01,1,3,normal\n"));
  g_assert_nonnull (strstr (text, "02,0,0,anomalous\n"));

  g_assert_true (ddl_annotations_load (b, path, &error));
  g_assert_no_error (error);
  for (guint v = 0; v < 2; v++)
    for (guint f = 0; f < ddl_annotations_get_n_frames (a, v); f++)
      g_assert_cmpint (ddl_annotations_get_mark (a, v, f), ==, ddl_annotations_get_mark (b, v, f));

  /* Marks for footage that is not open are refused, naming the video. */
  g_assert_true (g_file_set_contents (path, "video,start,end,mark\n07,0,1,normal\n", -1, NULL));
  g_assert_false (ddl_annotations_load (b, path, &error));
  g_assert_error (error, DDL_ANNOTATIONS_ERROR, DDL_ANNOTATIONS_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "'07'"));
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (path, "01,0,9,normal\n", -1, NULL));
  g_assert_false (ddl_annotations_load (b, path, &error));
  g_assert_nonnull (strstr (error->message, "past the end"));
  g_clear_error (&error);
  ddl_test_remove_tree (dir);
}

/* Every export is read back by the project's own label readers. */
static void
test_annotations_exports (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autoptr(DdlAnnotations) a = two_videos ();
  const char *names[] = { "labels.csv", "labels.m", "labels.npy" };
  const DdlExportFormat formats[] = { DDL_EXPORT_CSV, DDL_EXPORT_UCSD_M, DDL_EXPORT_NPY };
  const DdlVideoLength lengths[] = { { "01", 6 }, { "02", 4 } };
  /* Effective labels after the marks below. */
  const guint8 want_a[6] = { 1, 0, 1, 0, 0, 0 }, want_b[4] = { 0, 1, 1, 0 };

  ddl_annotations_mark (a, 0, 0, 0, DDL_MARK_ANOMALOUS);
  ddl_annotations_mark (a, 0, 3, 3, DDL_MARK_NORMAL);
  ddl_annotations_mark (a, 1, 1, 2, DDL_MARK_ANOMALOUS);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(DdlLabels) labels = NULL;

      g_assert_true (ddl_annotations_export (a, path, formats[i], &error));
      g_assert_no_error (error);
      labels = ddl_labels_load (path, lengths, 2, &error);
      g_assert_no_error (error);
      DdlLabelVideo *va = ddl_labels_lookup (labels, "01"), *vb = ddl_labels_lookup (labels, "02");
      g_assert_nonnull (va);
      g_assert_nonnull (vb);
      g_assert_cmpmem (va->labels, va->n_frames, want_a, 6);
      g_assert_cmpmem (vb->labels, vb->n_frames, want_b, 4);
    }
  ddl_test_remove_tree (dir);
}

/* ---- curves ------------------------------------------------------------------------ */

static void
test_curve_gaps_and_protocol (void)
{
  g_autoptr(DdlScores) scores = ddl_scores_new (NULL);
  const guint frames[] = { 1, 2, 3, 4 };
  const double values[] = { 2, 4, 3, 6 };
  DdlEvalOptions options;
  g_autofree double *raw = NULL, *norm = NULL;

  ddl_scores_add_video (scores, "01", 4, frames, values);
  ddl_eval_options_init (&options);
  raw = ddl_score_curve_new (ddl_scores_lookup (scores, "01"), 0, 6, &options);
  g_assert_true (isnan (raw[0]) && isnan (raw[5]));
  g_assert_cmpfloat (raw[1], ==, 2);
  g_assert_cmpfloat (raw[4], ==, 6);
  /* Min-max over the scored frames: (s - 2) / 4. */
  options.normalize = DDL_NORMALIZE_PER_VIDEO;
  norm = ddl_score_curve_new (ddl_scores_lookup (scores, "01"), 0, 6, &options);
  g_assert_cmpfloat_with_epsilon (norm[2], 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (norm[3], 0.25, 1e-12);
  g_assert_true (isnan (norm[5]));

  /* Confusion at 3 over labels 0 1 0 1 1 0: flagged 2 (4), 3 (3), 4 (6); gaps skipped. */
  const guint8 labels[6] = { 0, 1, 0, 1, 1, 0 };
  DdlConfusion c = { 0 };
  ddl_confusion_add (&c, raw, labels, 6, 3.0);
  g_assert_cmpuint (c.tp, ==, 2);    /* frames 3, 4 */
  g_assert_cmpuint (c.fp, ==, 1);    /* frame 2 */
  g_assert_cmpuint (c.fn, ==, 1);    /* frame 1 */
  g_assert_cmpuint (c.tn, ==, 0);
  g_assert_cmpfloat_with_epsilon (ddl_confusion_tpr (&c), 2.0 / 3, 1e-12);
  g_assert_cmpfloat_with_epsilon (ddl_confusion_f1 (&c), 4.0 / 6, 1e-12);
}

/* ---- session on demo footage -------------------------------------------------------- */

static void
opened (GObject *source, GAsyncResult *result, gpointer data)
{
  GError **error = data;
  ddl_session_open_finish (DDL_SESSION (source), result, error);
  *(gboolean *) g_object_get_data (source, "done") = TRUE;
}

static void
test_session_demo (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *root = g_build_filename (dir, "demo", NULL);
  g_autoptr(DdlSession) session = ddl_session_new ();
  g_autoptr(GError) error = NULL;
  DdlSynthOptions options;
  gboolean done = FALSE;

  ddl_synth_options_init (&options);
  options.seed = 3;
  options.n_train_videos = 1;
  options.n_test_videos = 3;
  options.n_frames = 40;
  g_assert_true (ddl_demo_write (&options, root, &error));
  g_assert_no_error (error);

  g_object_set_data (G_OBJECT (session), "done", &done);
  ddl_session_open_async (session, root, NULL, opened, &error);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_session_get_n_videos (session), ==, 3);
  g_assert_cmpuint (ddl_session_get_n_frames (session), ==, 40);
  g_assert_true (ddl_session_has_truth (session));
  g_assert_cmpuint (ddl_session_get_n_models (session), ==, 1);
  g_assert_cmpstr (ddl_session_get_model_name (session, 0), ==, "demo");

  /* The scores file leaves the first and last frame out: gaps. */
  const double *curve = ddl_session_get_curve (session, 0, 0);
  g_assert_true (isnan (curve[0]) && isnan (curve[39]) && !isnan (curve[1]));

  /* Labels come from the dataset's own files (frame_labels_*.npy / labels.csv). */
  g_autofree char *labels_path = g_build_filename (root, "labels.csv", NULL);
  g_autoptr(DdlLabels) truth = ddl_labels_load (labels_path, NULL, 0, &error);
  g_assert_no_error (error);
  for (guint v = 0; v < 3; v++)
    g_assert_cmpmem (ddl_session_get_labels (session, v), 40,
                     ddl_labels_lookup (truth, ddl_session_get_video_info (session, v)->name)->labels,
                     40);

  /* Events follow the threshold: at the minimum every scored frame is one event. */
  double lo, hi;
  g_assert_true (ddl_session_get_score_range (session, &lo, &hi));
  ddl_session_set_event_rules (session, 1, 0);
  ddl_session_set_threshold (session, lo);
  g_assert_cmpuint (ddl_session_get_events (session)->len, ==, 1);
  g_assert_cmpuint (g_array_index (ddl_session_get_events (session), DdlEvent, 0).start, ==, 1);
  g_assert_cmpuint (g_array_index (ddl_session_get_events (session), DdlEvent, 0).end, ==, 38);
  g_assert_true (ddl_session_next_event (session));   /* from frame 0 to the event at 1 */
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 1);
  g_assert_false (ddl_session_next_event (session));  /* no event starts after it */
  g_assert_cmpuint (ddl_session_get_frame (session), ==, 1);
  ddl_session_set_threshold (session, hi + 1);
  g_assert_cmpuint (ddl_session_get_events (session)->len, ==, 0);

  /* A selected range is marked as a whole, then the selection is gone. */
  ddl_session_set_selection (session, 12, 9);
  guint s0, s1;
  g_assert_true (ddl_session_get_selection (session, &s0, &s1));
  g_assert_cmpuint (s0, ==, 9);
  g_assert_cmpuint (s1, ==, 12);
  ddl_session_mark_current (session, DDL_MARK_NORMAL);
  g_assert_false (ddl_session_get_selection (session, &s0, &s1));
  for (guint f = 8; f <= 13; f++)
    g_assert_cmpint (ddl_annotations_get_mark (ddl_session_get_annotations (session), 0, f), ==,
                     f >= 9 && f <= 12 ? DDL_MARK_NORMAL : DDL_MARK_NONE);
  ddl_session_undo (session);
  g_assert_cmpint (ddl_annotations_get_mark (ddl_session_get_annotations (session), 0, 10), ==,
                   DDL_MARK_NONE);

  /* Marking the current frame, undo, and the autosaved sidecar beside the data. */
  ddl_session_set_frame (session, 5);
  gboolean was = ddl_session_get_labels (session, 0)[5];
  ddl_session_mark_current (session, was ? DDL_MARK_NORMAL : DDL_MARK_ANOMALOUS);
  g_assert_cmpint (ddl_session_get_labels (session, 0)[5], ==, !was);
  ddl_session_undo (session);
  g_assert_cmpint (ddl_session_get_labels (session, 0)[5], ==, was);
  ddl_session_redo (session);
  g_autofree char *sidecar = g_build_filename (root, "ddl-annotations.csv", NULL);
  g_assert_cmpstr (ddl_session_get_sidecar_path (session), ==, sidecar);
  g_assert_true (ddl_session_save_marks (session, &error));
  g_assert_no_error (error);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (sidecar, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, was ? "01,5,5,normal" : "01,5,5,anomalous"));
  ddl_test_remove_tree (dir);
}

static void
test_session_bad_path (void)
{
  g_autoptr(DdlSession) session = ddl_session_new ();
  GError *error = NULL;
  gboolean done = FALSE;

  g_object_set_data (G_OBJECT (session), "done", &done);
  ddl_session_open_async (session, "/nonexistent/footage", NULL, opened, &error);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/footage"));
  g_assert_false (ddl_session_is_loaded (session));
  g_error_free (error);
}

/* The decoding worker keeps well ahead of real time for Ped2-size (360x240 JPEG
 * frames) and Avenue-size (640x360 video) footage: frames decoded per second while
 * playing forward, requested one by one as the player does. */
static double
loader_fps (const char *path, guint n)
{
  g_autoptr(DdlFrameLoader) loader = ddl_frame_loader_new ();
  gint64 start;
  guint w, h;

  ddl_frame_loader_set_path (loader, path);
  ddl_frame_loader_request (loader, 0, 1);
  /* Opening (the frame index) is not playback: wait for the first frame. */
  GBytes *first;
  while ((first = ddl_frame_loader_lookup (loader, 0, &w, &h)) == NULL)
    g_usleep (1000);
  g_bytes_unref (first);
  start = g_get_monotonic_time ();
  for (guint f = 1; f < n; f++)
    {
      GBytes *b;
      ddl_frame_loader_request (loader, f, 1);
      while ((b = ddl_frame_loader_lookup (loader, f, &w, &h)) == NULL)
        g_usleep (200);
      g_bytes_unref (b);
    }
  return (n - 1) / ((g_get_monotonic_time () - start) / 1e6);
}

static void
test_loader_throughput (void)
{
  const char *shared = g_getenv ("DDL_SHARED_DATASETS");
  g_autofree char *ped2 = shared ? g_build_filename (shared, "ped2", "testing", "frames", "01",
                                                     NULL) : NULL;
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *avi = g_build_filename (dir, "avenue-size.avi", NULL);
  g_autoptr(GError) error = NULL;
  const guint w = 640, h = 360, n = 120;

  DdlVideoWriter *writer = ddl_video_writer_open (avi, w, h, 25, &error);
  g_assert_no_error (error);
  g_autofree guint8 *rgb = g_new (guint8, w * h * 3);
  for (guint f = 0; f < n; f++)
    {
      for (gsize i = 0; i < (gsize) w * h * 3; i++)
        rgb[i] = (guint8) ((i / 3 % w + f * 3) ^ (i / 3 / w));
      g_assert_true (ddl_video_writer_add (writer, rgb, w * 3, &error));
    }
  g_assert_true (ddl_video_writer_close (writer, &error));
  double fps = loader_fps (avi, n);
  g_test_message ("Avenue-size 640x360 video: %.0f frames/s decoded", fps);
  g_assert_cmpfloat (fps, >, 25);
  if (ped2 != NULL && g_file_test (ped2, G_FILE_TEST_IS_DIR))
    {
      fps = loader_fps (ped2, 120);
      g_test_message ("Ped2 360x240 JPEG frames: %.0f frames/s decoded", fps);
      g_assert_cmpfloat (fps, >, 25);
    }
  ddl_test_remove_tree (dir);
}

/* UCSD Ped2 as published: 12 test videos, 2,010 frames, 1,648 anomalous
 * (../shared/datasets/README.md). */
static void
test_session_ped2 (void)
{
  const char *shared = g_getenv ("DDL_SHARED_DATASETS");
  g_autofree char *root = shared ? g_build_filename (shared, "ped2", NULL) : NULL;
  g_autoptr(DdlSession) session = NULL;
  g_autoptr(GError) error = NULL;
  gboolean done = FALSE;
  gsize frames = 0, anomalous = 0;

  if (root == NULL || !g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("../shared/datasets/ped2 is not here (set DDL_SHARED_DATASETS)");
      return;
    }
  session = ddl_session_new ();
  g_object_set_data (G_OBJECT (session), "done", &done);
  ddl_session_open_async (session, root, NULL, opened, &error);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_session_get_n_videos (session), ==, 12);
  g_assert_true (ddl_session_has_truth (session));
  for (guint v = 0; v < 12; v++)
    {
      const DdlSessionVideo *info = ddl_session_get_video_info (session, v);
      const guint8 *labels = ddl_session_get_labels (session, v);
      frames += info->n_frames;
      for (guint f = 0; f < info->n_frames; f++)
        anomalous += labels[f];
    }
  g_assert_cmpuint (frames, ==, 2010);
  g_assert_cmpuint (anomalous, ==, 1648);
  /* Video 01 is anomalous from frame 61 (1-based) on: 0-based 60. */
  g_assert_cmpuint (ddl_session_get_labels (session, 0)[59], ==, 0);
  g_assert_cmpuint (ddl_session_get_labels (session, 0)[60], ==, 1);
  /* The shared folder is read-only (mode r-x): marks go to the user's data folder. */
  GStatBuf st;
  g_assert_cmpint (g_stat (root, &st), ==, 0);
  if (!(st.st_mode & S_IWUSR))
    g_assert_false (g_str_has_prefix (ddl_session_get_sidecar_path (session), root));
}

int
main (int argc, char **argv)
{
  g_autofree char *home = g_dir_make_tmp ("ddl-gui-review-home-XXXXXX", NULL);
  g_autofree char *data = g_build_filename (home, "data", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);

  /* Sidecars of read-only footage and the scoring cache stay out of the user's home. */
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_test_init (&argc, &argv, NULL);
  int status;
  g_test_add_func ("/ddl/gui/events/grouping", test_events_grouping);
  g_test_add_func ("/ddl/gui/events/navigation", test_events_navigation);
  g_test_add_func ("/ddl/gui/annotations/undo-redo", test_annotations_undo_redo);
  g_test_add_func ("/ddl/gui/annotations/sidecar", test_annotations_sidecar);
  g_test_add_func ("/ddl/gui/annotations/exports", test_annotations_exports);
  g_test_add_func ("/ddl/gui/curve/gaps-and-protocol", test_curve_gaps_and_protocol);
  g_test_add_func ("/ddl/gui/session/demo", test_session_demo);
  g_test_add_func ("/ddl/gui/session/bad-path", test_session_bad_path);
  g_test_add_func ("/ddl/gui/session/ped2", test_session_ped2);
  g_test_add_func ("/ddl/gui/loader/throughput", test_loader_throughput);
  status = g_test_run ();
  ddl_test_remove_tree (home);
  return status;
}
