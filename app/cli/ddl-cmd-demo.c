/* ddl demo: the built-in demo, headless — the synthetic walkway, SDL and DDL trained
 * at the CPU default configuration, scored, compared in a report folder with a
 * rendered video (ddl-pipeline.h). Ctrl+C stops cleanly; running the same command
 * again continues. */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "ddl-cli.h"
#include "ddl-pipeline.h"

/* Set by SIGINT; the progress callback turns it into a cancel on the pipeline's
 * thread (nothing else is safe to do in a signal handler). */
static volatile sig_atomic_t interrupted = 0;

static void
on_sigint (int signum)
{
  static const char message[] = "\nddl demo: stopping after this step (Ctrl+C again to quit "
                                "at once)\n";
  interrupted = 1;
  signal (signum, SIG_DFL);   /* a second Ctrl+C ends the process */
  if (write (STDERR_FILENO, message, sizeof message - 1) < 0)
    return;
}

typedef struct {
  gboolean         tty;
  gint64           last_print;
  DdlPipelineStage last_stage;
  guint            last_model;
  gboolean         open_line;   /* a \r-updated line is on the terminal */
} Printer;

static void
format_time (char *out, gsize size, double seconds)
{
  if (isnan (seconds))
    g_strlcpy (out, "time left unknown", size);
  else if (seconds >= 3600)
    g_snprintf (out, size, "%.0f h %02.0f min left", floor (seconds / 3600),
                floor (fmod (seconds, 3600) / 60));
  else if (seconds >= 60)
    g_snprintf (out, size, "%.0f min %02.0f s left", floor (seconds / 60), fmod (seconds, 60));
  else
    g_snprintf (out, size, "%.0f s left", seconds);
}

static gboolean
report (const DdlPipelineProgress *p, gpointer user_data)
{
  Printer *pr = user_data;
  gint64 now = g_get_monotonic_time ();
  gboolean changed = p->stage != pr->last_stage || p->model != pr->last_model;
  gboolean epoch_end = p->train != NULL && p->train->step_in_epoch == p->train->steps_per_epoch;
  char left[64];
  g_autofree char *losses = NULL;

  /* On a terminal one line updated in place (10 times a second at most); in a log a
   * line per stage, per epoch and every 10 s. */
  if (!changed && !epoch_end && p->stage != DDL_PIPELINE_STAGE_DONE
      && now - pr->last_print < (pr->tty ? 100000 : 10000000))
    return !interrupted;
  if (pr->tty && changed && pr->open_line)
    fputc ('\n', stderr);
  pr->last_print = now;
  pr->last_stage = p->stage;
  pr->last_model = p->model;
  format_time (left, sizeof left, p->seconds_left);
  if (p->train != NULL)
    losses = g_strdup_printf ("  L_recon %.5f  L_dist %.4f  sigma %.4f", p->train->stats.recon,
                              p->train->stats.dist, p->train->stats.sigma);
  else if (p->total > 0 && p->stage != DDL_PIPELINE_STAGE_REPORT)
    losses = g_strdup_printf (" (%u/%u)", p->done, p->total);
  fprintf (stderr, "%s[%3.0f%%] %s%s  (%s)%s", pr->tty ? "\r" : "", 100 * p->fraction,
           p->message != NULL ? p->message : ddl_pipeline_stage_to_string (p->stage),
           losses != NULL ? losses : "", left, pr->tty ? "\033[K" : "\n");
  pr->open_line = pr->tty;
  if (pr->tty && (epoch_end || p->stage == DDL_PIPELINE_STAGE_DONE))
    {
      fputc ('\n', stderr);
      pr->open_line = FALSE;
    }
  fflush (stderr);
  return !interrupted;
}

/* ---- the result table -------------------------------------------------------------- */

static double
member_double (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL && json_object_has_member (o, name)
                ? json_object_get_member (o, name) : NULL;
  return n != NULL && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_double (n) : NAN;
}

static JsonObject *
member_object (JsonObject *o, const char *name)
{
  JsonNode *n = o != NULL && json_object_has_member (o, name)
                ? json_object_get_member (o, name) : NULL;
  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static void
print_cell (double fraction)
{
  if (isnan (fraction))
    printf (" %9s", "n/a");
  else
    printf (" %9.2f", 100 * fraction);
}

/* One row per model from metrics.json (percentages, as `ddl eval`); the summary's
 * micro AUCs when the file cannot be read. */
static void
print_results (const DdlPipelineSummary *s, const DdlPipelineModel *models, guint n_models)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *list = NULL;
  JsonNode *root;

  if (s->metrics != NULL && json_parser_load_from_file (parser, s->metrics, NULL)
      && (root = json_parser_get_root (parser)) != NULL && JSON_NODE_HOLDS_OBJECT (root)
      && json_object_has_member (json_node_get_object (root), "models"))
    list = json_object_get_array_member (json_node_get_object (root), "models");

  printf ("%-10s %-9s %9s %9s %9s %9s %9s\n", "model", "mode", "sigma(l)", "micro AUC",
          "macro AUC", "EER", "AUPR");
  for (guint i = 0; i < n_models; i++)
    {
      JsonObject *m = list != NULL && i < json_array_get_length (list)
                      ? json_array_get_object_element (list, i) : NULL;
      JsonObject *metrics = member_object (m, "metrics");
      double sigma = member_double (m, "anomaly_weight");

      printf ("%-10s %-9s", models[i].name, ddl_mode_to_string (models[i].config.mode));
      if (isnan (sigma))
        printf (" %9s", "n/a");
      else
        printf (" %9.4f", sigma);
      print_cell (metrics != NULL ? member_double (metrics, "micro_auc")
                                  : i < G_N_ELEMENTS (s->micro_auc) ? s->micro_auc[i] : NAN);
      print_cell (member_double (metrics, "macro_auc"));
      print_cell (member_double (metrics, "eer"));
      print_cell (member_double (metrics, "aupr"));
      printf ("\n");
    }
  printf ("(AUC, EER and AUPR in %%, frame level, raw scores)\n");
  g_autofree char *index = g_build_filename (s->out, "index.html", NULL);
  printf ("report: %s\n", index);
  if (s->video != NULL)
    printf ("video:  %s\n", s->video);
}

/* ---- the command --------------------------------------------------------------------- */

static gboolean
pick_models (const char *list, gboolean tiny, int epochs, DdlPipelineOptions *options,
             DdlPipelineModel *models, guint *n_models, GError **error)
{
  DdlPipelineModel demo[2], baseline;
  g_auto(GStrv) names = g_strsplit (list != NULL ? list : "sdl,ddl", ",", -1);

  if (tiny)
    ddl_pipeline_tiny (options, demo);
  else
    ddl_pipeline_demo_models (demo);
  baseline = demo[0];
  baseline.name = "baseline";
  baseline.config.mode = DDL_MODE_BASELINE;
  *n_models = 0;
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = g_strstrip (names[i]);
      const DdlPipelineModel *m = g_str_equal (name, "sdl") ? &demo[0]
                                  : g_str_equal (name, "ddl") ? &demo[1]
                                  : g_str_equal (name, "baseline") ? &baseline : NULL;
      if (m == NULL || *n_models == 3)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--models takes a "
                       "comma-separated list of sdl, ddl and baseline, not '%s'", list);
          return FALSE;
        }
      for (guint j = 0; j < *n_models; j++)
        if (g_str_equal (models[j].name, m->name))
          {
            g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         "--models names %s twice", name);
            return FALSE;
          }
      models[(*n_models)++] = *m;
      if (epochs > 0)
        models[*n_models - 1].config.epochs = (guint) epochs;
    }
  return TRUE;
}

int
ddl_cmd_demo (int argc, char **argv)
{
  g_autofree char *out = NULL, *device = NULL, *models_list = NULL, *dataset = NULL;
  gboolean tiny = FALSE, no_render = FALSE;
  int epochs = 0;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      "Report folder (created; an existing one is continued)", "DIR" },
    { "models", 0, 0, G_OPTION_ARG_STRING, &models_list,
      "Models to train and compare, of sdl, ddl and baseline (default sdl,ddl)", "LIST" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, "Epochs per model (default 3; tiny 1)", "N" },
    { "dataset", 0, 0, G_OPTION_ARG_FILENAME, &dataset,
      "Train and score on this dataset instead of the synthetic walkway", "PATH" },
    { "device", 'd', 0, G_OPTION_ARG_STRING, &device,
      "Vulkan device: auto, gpu, cpu, INDEX or part of a name", "SPEC" },
    { "no-render", 0, 0, G_OPTION_ARG_NONE, &no_render, "Do not render the comparison video",
      NULL },
    { "tiny", 0, 0, G_OPTION_ARG_NONE, &tiny,
      "For tests and smoke runs: 2+2 videos of 20 frames at 64x48, models at 32x32, latent 16, "
      "batch 2, 1 epoch; trains in seconds, its numbers mean nothing", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  DdlPipelineModel models[3];
  DdlPipelineOptions options;
  DdlPipelineSummary summary;
  Printer printer = { isatty (fileno (stderr)), 0, DDL_PIPELINE_STAGE_DONE, G_MAXUINT };
  gboolean ok;

  if (!ddl_cli_parse ("demo", "--out DIR",
                      "The built-in demo, headless: generate the synthetic walkway dataset, train\n"
                      "SDL and DDL at the CPU default configuration (latent 32, 128x128, 3 channels,\n"
                      "T 3, batch 10, 3 epochs; roughly 20 minutes on 2 CPU cores with lavapipe),\n"
                      "score the test videos and compare them in the report folder DIR:\n"
                      "scores-<model>.csv, scores.csv and scores.json, metrics.json with the\n"
                      "protocol card, timeline and ROC plots (PNG, SVG, PDF), index.html and a\n"
                      "rendered video of the test video with the most anomalous frames.\n"
                      "Ctrl+C stops after the current step and keeps the checkpoints; the same\n"
                      "command continues where it stopped.", entries, &argc, &argv))
    return 1;
  if (out == NULL || argc > 1)
    {
      fprintf (stderr, "ddl demo: %s\nRun 'ddl demo --help' for usage.\n",
               out == NULL ? "the report folder (--out DIR) is required" : "unexpected argument");
      return 1;
    }
  if (epochs < 0 || epochs > 10000)
    {
      fprintf (stderr, "ddl demo: --epochs must be 1-10000\n");
      return 1;
    }
  ddl_pipeline_options_init (&options);
  if (!pick_models (models_list, tiny, epochs, &options, models, &options.n_models, &error))
    return ddl_cli_fail ("demo", error);
  options.models = models;
  options.out = out;
  options.dataset = dataset;
  options.device = device;
  options.render = !no_render;
  options.preview_every = 0;   /* nobody looks at the training tiles here */
  options.progress = report;
  options.user_data = &printer;

  signal (SIGINT, on_sigint);
  ok = ddl_pipeline_run (&options, &summary, &error);
  signal (SIGINT, SIG_DFL);
  if (printer.open_line)
    fputc ('\n', stderr);
  if (!ok)
    return ddl_cli_fail ("demo", error);
  if (summary.cancelled)
    {
      fprintf (stderr, "ddl demo: stopped after %.0f s; the checkpoints are kept in %s/models. "
               "Run the same command to continue.\n", summary.seconds, summary.out);
      ddl_pipeline_summary_clear (&summary);
      return 130;
    }
  fprintf (stderr, "ddl demo: done in %.0f s\n", summary.seconds);
  print_results (&summary, models, options.n_models);
  ddl_pipeline_summary_clear (&summary);
  return 0;
}
