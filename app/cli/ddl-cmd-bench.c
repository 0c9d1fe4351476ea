/* ddl bench kernels: GFLOP/s and GB/s of every kernel on the current device. */
#include "ddl-cli.h"

#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "ddl-compute.h"
#include "ddl-cli-model.h"

#include <stdlib.h>

static int
bench_kernels (const char *device, const char *filter, int repeats, gboolean json)
{
  g_autoptr(GError) error = NULL;
  DdlEngineOptions options = { device, FALSE };
  g_autoptr(DdlEngine) engine = ddl_engine_new (&options, &error);
  g_autoptr(GPtrArray) results = NULL;

  if (engine == NULL)
    return ddl_cli_fail ("bench", error);
  const DdlDeviceInfo *info = ddl_engine_get_device (engine);
  fprintf (stderr, "ddl bench: %s (%s), %s I/O, %d repeats\n", info->name, info->driver_info,
           info->texel_io ? "texel-buffer" : "storage-buffer", repeats);
  results = ddl_bench_kernels (engine, filter, repeats, &error);
  if (results == NULL)
    return ddl_cli_fail ("bench", error);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "device");
      json_builder_add_string_value (b, info->name);
      json_builder_set_member_name (b, "driver");
      json_builder_add_string_value (b, info->driver_info);
      json_builder_set_member_name (b, "io");
      json_builder_add_string_value (b, info->texel_io ? "texel" : "storage");
      json_builder_set_member_name (b, "kernels");
      json_builder_begin_array (b);
      for (guint i = 0; i < results->len; i++)
        {
          DdlBenchResult *r = results->pdata[i];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "kernel");
          json_builder_add_string_value (b, r->kernel);
          json_builder_set_member_name (b, "shape");
          json_builder_add_string_value (b, r->shape);
          json_builder_set_member_name (b, "ms");
          json_builder_add_double_value (b, r->ms);
          json_builder_set_member_name (b, "gflops");
          json_builder_add_double_value (b, r->gflops);
          json_builder_set_member_name (b, "gbytes_per_s");
          json_builder_add_double_value (b, r->gbytes);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      ddl_cli_print_json (b);
      return 0;
    }

  printf ("%-22s %-34s %10s %10s %10s\n", "kernel", "shape", "ms", "GFLOP/s", "GB/s");
  for (guint i = 0; i < results->len; i++)
    {
      DdlBenchResult *r = results->pdata[i];
      printf ("%-22s %-34s %10.3f %10.2f %10.2f\n", r->kernel, r->shape, r->ms, r->gflops,
              r->gbytes);
    }
  return 0;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Runs shared/tools/torch_ddl.py bench on the same configuration; NULL on failure. */
static JsonObject *
run_torch (const char *script, const DdlModelConfig *c, JsonParser *parser)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;
  g_autofree char *command = g_strdup_printf (
      "/usr/bin/python3 %s bench --model %s --latent %u --size %u --channels %u --temporal %u "
      "--batch %u --threads %u", script, ddl_arch_to_string (c->arch), c->latent, c->width,
      c->channels, c->temporal, c->batch, g_get_num_processors ());
  fprintf (stderr, "ddl bench: running %s\n", command);
  if (!g_spawn_command_line_sync (command, &out, &err, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      fprintf (stderr, "ddl bench: PyTorch reference failed: %s\n%s",
               error != NULL ? error->message : "", err != NULL ? err : "");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, out, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  return json_node_get_object (json_parser_get_root (parser));
}

static int
bench_model (const char *device, DdlModelConfig *c, int repeats, const char *torch, gboolean json)
{
  g_autoptr(GError) error = NULL;
  DdlEngineOptions options = { device, FALSE };
  g_autoptr(DdlEngine) engine = ddl_engine_new (&options, &error);
  if (engine == NULL)
    return ddl_cli_fail ("bench", error);
  const DdlDeviceInfo *info = ddl_engine_get_device (engine);
  g_autoptr(DdlModel) model = ddl_model_new (engine, c, &error);
  if (model == NULL)
    return ddl_cli_fail ("bench", error);

  gsize hw = (gsize) c->width * c->height;
  gsize clip_n = (gsize) c->batch * c->channels * c->temporal * hw;
  g_autofree float *clips = g_new (float, clip_n);
  g_autofree float *masks = g_new0 (float, (gsize) c->batch * c->temporal * hw);
  g_autofree float *scores = g_new (float, c->batch);
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  for (gsize i = 0; i < clip_n; i++)
    clips[i] = g_rand_double (rand);
  /* The PyTorch bench's mask: the square [size/4, size/2) in every frame. */
  for (gsize s = 0; s < (gsize) c->batch * c->temporal; s++)
    for (guint y = c->height / 4; y < c->height / 2; y++)
      for (guint x = c->width / 4; x < c->width / 2; x++)
        masks[s * hw + y * c->width + x] = 1.0f;

  g_autofree double *train = g_new (double, repeats);
  g_autofree double *infer = g_new (double, repeats);
  fprintf (stderr, "ddl bench: %s on %s (%s)\n", ddl_arch_to_string (c->arch), info->name,
           info->driver_info);
  for (int r = -1; r < repeats; r++)  /* r = -1: warm-up (recording, pipelines) */
    {
      gint64 t0 = g_get_monotonic_time ();
      if (!ddl_model_train_step (model, clips, masks, NULL, &error))
        return ddl_cli_fail ("bench", error);
      gint64 t1 = g_get_monotonic_time ();
      if (!ddl_model_score (model, clips, c->batch, scores, NULL, NULL, &error))
        return ddl_cli_fail ("bench", error);
      gint64 t2 = g_get_monotonic_time ();
      if (r >= 0)
        {
          train[r] = (t1 - t0) / 1e6;
          infer[r] = (t2 - t1) / 1e6;
        }
    }
  qsort (train, repeats, sizeof (double), compare_double);
  qsort (infer, repeats, sizeof (double), compare_double);
  double train_s = train[repeats / 2], infer_s = infer[repeats / 2];
  double train_rate = c->batch / train_s, infer_rate = c->batch / infer_s;

  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *ref = torch != NULL ? run_torch (torch, c, parser) : NULL;
  double torch_train = ref ? json_object_get_double_member (ref, "train_samples_per_s") : 0;
  double torch_infer = ref ? json_object_get_double_member (ref, "infer_frames_per_s") : 0;

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
#define MEMBER_S(k, v) json_builder_set_member_name (b, k); json_builder_add_string_value (b, v)
#define MEMBER_I(k, v) json_builder_set_member_name (b, k); json_builder_add_int_value (b, v)
#define MEMBER_D(k, v) json_builder_set_member_name (b, k); json_builder_add_double_value (b, v)
      MEMBER_S ("device", info->name);
      MEMBER_S ("driver", info->driver_info);
      MEMBER_S ("model", ddl_arch_to_string (c->arch));
      MEMBER_I ("latent", c->latent);
      MEMBER_I ("width", c->width);
      MEMBER_I ("height", c->height);
      MEMBER_I ("channels", c->channels);
      MEMBER_I ("temporal", c->temporal);
      MEMBER_I ("batch", c->batch);
      MEMBER_I ("params", ddl_model_config_count_parameters (c));
      MEMBER_D ("train_step_s", train_s);
      MEMBER_D ("infer_batch_s", infer_s);
      MEMBER_D ("train_samples_per_s", train_rate);
      MEMBER_D ("infer_frames_per_s", infer_rate);
      if (ref != NULL)
        {
          MEMBER_D ("torch_train_samples_per_s", torch_train);
          MEMBER_D ("torch_infer_frames_per_s", torch_infer);
          MEMBER_D ("train_ratio_vs_torch", train_rate / torch_train);
          MEMBER_D ("infer_ratio_vs_torch", infer_rate / torch_infer);
        }
      json_builder_end_object (b);
      ddl_cli_print_json (b);
      return 0;
    }
  printf ("device     %s (%s)\n", info->name, info->driver_info);
  printf ("model      %s, latent %u, %ux%u, %u channels, T %u, batch %u, %" G_GUINT64_FORMAT
          " parameters\n", ddl_arch_to_string (c->arch), c->latent, c->width, c->height,
          c->channels, c->temporal, c->batch, ddl_model_config_count_parameters (c));
  printf ("training   %.3f s per DDL step, %.2f samples/s", train_s, train_rate);
  if (ref != NULL)
    printf ("   (PyTorch %.2f samples/s: ratio %.2f)", torch_train, train_rate / torch_train);
  printf ("\ninference  %.3f s per batch, %.2f frames/s", infer_s, infer_rate);
  if (ref != NULL)
    printf ("   (PyTorch %.2f frames/s: ratio %.2f)", torch_infer, infer_rate / torch_infer);
  printf ("\n");
  return 0;
}

int
ddl_cmd_bench (int argc, char **argv)
{
  g_autofree char *device = NULL;
  g_autofree char *filter = NULL;
  g_autofree char *torch = NULL;
  int repeats = 5;
  gboolean json = FALSE;
  g_autoptr(GError) error = NULL;
  DdlCliModelArgs margs;
  GOptionEntry entries[] = {
    { "device", 'd', 0, G_OPTION_ARG_STRING, &device,
      "Vulkan device: auto, gpu, cpu, INDEX or part of a name", "SPEC" },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &filter,
      "kernels: only kernels whose name contains TEXT", "TEXT" },
    { "repeats", 'r', 0, G_OPTION_ARG_INT, &repeats, "Timed runs (median; default 5)", "N" },
    { "torch", 0, 0, G_OPTION_ARG_FILENAME, &torch,
      "Also run the PyTorch reference (torch_ddl.py) on the same configuration and print "
      "the ratios", "SCRIPT" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };

  ddl_cli_model_args_init (&margs);
  g_autofree GOptionEntry *model_entries = ddl_cli_model_entries (&margs, FALSE);
  g_autoptr(GOptionContext) context = g_option_context_new ("[kernels]");
  g_option_context_set_summary (context,
      "Without an argument: training samples per second and inference frames per second of a\n"
      "model configuration on the current device (default: the CPU default configuration).\n"
      "kernels: GFLOP/s and GB/s of every compute kernel.");
  g_option_context_add_main_entries (context, entries, NULL);
  GOptionGroup *group = g_option_group_new ("model", "Model options:", "Show model options",
                                            NULL, NULL);
  g_option_group_add_entries (group, model_entries);
  g_option_context_add_group (context, group);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "ddl bench: %s\n", error->message);
      ddl_cli_model_args_clear (&margs);
      return 2;
    }
  repeats = MAX (repeats, 1);
  if (argc >= 2 && strcmp (argv[1], "kernels") == 0)
    {
      ddl_cli_model_args_clear (&margs);
      return bench_kernels (device, filter, repeats, json);
    }
  if (argc >= 2)
    {
      fprintf (stderr, "ddl bench: unknown argument '%s' (see 'ddl bench --help')\n", argv[1]);
      ddl_cli_model_args_clear (&margs);
      return 2;
    }
  DdlModelConfig config;
  ddl_model_config_init_default (&config);
  gboolean ok = ddl_cli_model_apply (&margs, &config, &error);
  ddl_cli_model_args_clear (&margs);
  if (!ok)
    return ddl_cli_fail ("bench", error);
  return bench_model (device, &config, repeats, torch, json);
}
