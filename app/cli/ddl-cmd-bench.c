/* ddl bench kernels: GFLOP/s and GB/s of every kernel on the current device. */
#include "ddl-cli.h"

#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "ddl-compute.h"

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
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      g_autoptr(JsonNode) root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      g_autofree char *text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
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

int
ddl_cmd_bench (int argc, char **argv)
{
  g_autofree char *device = NULL;
  g_autofree char *filter = NULL;
  int repeats = 5;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "device", 'd', 0, G_OPTION_ARG_STRING, &device,
      "Vulkan device: auto, gpu, cpu, INDEX or part of a name", "SPEC" },
    { "filter", 'f', 0, G_OPTION_ARG_STRING, &filter, "Only kernels whose name contains TEXT",
      "TEXT" },
    { "repeats", 'r', 0, G_OPTION_ARG_INT, &repeats, "Timed runs per case (median; default 5)",
      "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };

  if (!ddl_cli_parse ("bench", "kernels",
                      "Benchmark on the current Vulkan device.\n\n"
                      "  kernels   time every compute kernel (GFLOP/s, GB/s)",
                      entries, &argc, &argv))
    return 2;
  if (argc < 2 || strcmp (argv[1], "kernels") != 0)
    {
      fprintf (stderr, "ddl bench: say what to benchmark: 'ddl bench kernels'\n");
      return 2;
    }
  return bench_kernels (device, filter, MAX (repeats, 1), json);
}
