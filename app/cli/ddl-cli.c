/* ddl: the headless DDL Studio. Dispatches to one subcommand per file. */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "ddl-cli.h"

#include <json-glib/json-glib.h>

typedef struct {
  const char *name;
  const char *summary;
  DdlCliFunc  func;
} DdlCliCommand;

static const DdlCliCommand commands[] = {
  { "demo",    "The built-in demo: synthetic data, SDL and DDL trained and compared", ddl_cmd_demo },
  { "train",   "Train a baseline, SDL or DDL model on a dataset", ddl_cmd_train },
  { "score",   "Score every frame of a dataset's test split or a video", ddl_cmd_score },
  { "info",    "Describe a trained model", ddl_cmd_info },
  { "devices", "List Vulkan devices and mark the one chosen", ddl_cmd_devices },
  { "bench",   "Training/inference speed of a model, or of every kernel", ddl_cmd_bench },
  { "dataset", "Describe a dataset folder or video (ddl dataset info PATH)", ddl_cmd_dataset },
  { "labels",  "Read ground-truth labels and print per-video counts", ddl_cmd_labels },
  { "eval",    "Frame-level AUC, EER and AUPR of a scores CSV", ddl_cmd_eval },
  { "plot",    "Draw score timelines and ROC curves as PNG, SVG or PDF", ddl_cmd_plot },
  { "report",  "Write a report folder (card, metrics, plots, page) from a scores CSV", ddl_cmd_report },
  { "render",  "Render a test video beside reconstructions, error maps and curves", ddl_cmd_render },
  { "boxes",   "Track moving objects and write tracked_bounding_boxes.json", ddl_cmd_boxes },
  { "synth",   "Generate the synthetic walkway dataset", ddl_cmd_synth },
};

static void
print_usage (FILE *out)
{
  fprintf (out, "Usage: ddl COMMAND [OPTIONS…]\n\n"
                "Dynamic Distinction Learning for video anomaly detection, headless.\n\n"
                "Commands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nOptions:\n"
                "  --version  Print the version\n"
                "  --help     Show this help\n\n"
                "Run 'ddl COMMAND --help' for the options of a command.\n"
                "Environment: DDL_DEVICE (auto|gpu|cpu|INDEX|NAME), DDL_VK_VALIDATION=1.\n");
}

gboolean
ddl_cli_parse (const char   *name,
               const char   *parameter,
               const char   *summary,
               GOptionEntry *entries,
               int          *argc,
               char       ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "ddl %s: %s\nRun 'ddl %s --help' for usage.\n", name, error->message, name);
      return FALSE;
    }
  return TRUE;
}

void
ddl_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = NULL;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
}

int
ddl_cli_fail (const char *name, const GError *error)
{
  fprintf (stderr, "ddl %s: %s\n", name, error != NULL ? error->message : "failed");
  return 1;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  /* Numbers in CSV and JSON output must not depend on the user's locale. */
  setlocale (LC_NUMERIC, "C");

  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--version") == 0 || strcmp (argv[1], "version") == 0)
    {
      printf ("ddl %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return 0;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      {
        g_autofree char *prgname = g_strdup_printf ("ddl %s", commands[i].name);
        g_set_prgname (prgname);
        argv[1] = prgname;
        return commands[i].func (argc - 1, argv + 1);
      }
  fprintf (stderr, "ddl: unknown command '%s'\n\n", argv[1]);
  print_usage (stderr);
  return 2;
}
