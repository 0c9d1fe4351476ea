/* ddl devices: the Vulkan devices, and which one DDL would use. */
#include "ddl-cli.h"

#include <stdio.h>
#include <json-glib/json-glib.h>

#include "ddl-compute.h"

int
ddl_cmd_devices (int argc, char **argv)
{
  g_autofree char *device = NULL;
  gboolean json = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  GOptionEntry entries[] = {
    { "device", 'd', 0, G_OPTION_ARG_STRING, &device,
      "Device spec to mark as chosen: auto, gpu, cpu, INDEX or part of a name (default: "
      "$DDL_DEVICE, else auto)", "SPEC" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };

  if (!ddl_cli_parse ("devices", "", "List the Vulkan devices; '*' marks the one chosen.",
                      entries, &argc, &argv))
    return 2;
  devices = ddl_engine_list_devices (device, &error);
  if (devices == NULL)
    return ddl_cli_fail ("devices", error);

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (guint i = 0; i < devices->len; i++)
        {
          DdlDeviceInfo *d = devices->pdata[i];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "index");
          json_builder_add_int_value (b, d->index);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, d->name);
          json_builder_set_member_name (b, "type");
          json_builder_add_string_value (b, ddl_device_type_to_string (d->type));
          json_builder_set_member_name (b, "driver");
          json_builder_add_string_value (b, d->driver_name);
          json_builder_set_member_name (b, "driver_info");
          json_builder_add_string_value (b, d->driver_info);
          json_builder_set_member_name (b, "vulkan");
          json_builder_add_string_value (b, d->api_version);
          json_builder_set_member_name (b, "memory_bytes");
          json_builder_add_int_value (b, d->memory_bytes);
          json_builder_set_member_name (b, "subgroup_size");
          json_builder_add_int_value (b, d->subgroup_size);
          json_builder_set_member_name (b, "io");
          json_builder_add_string_value (b, d->texel_io ? "texel" : "storage");
          json_builder_set_member_name (b, "chosen");
          json_builder_add_boolean_value (b, d->chosen);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      ddl_cli_print_json (b);
      return 0;
    }

  printf ("  %-3s %-40s %-14s %-10s %-28s %-7s %s\n", "#", "name", "type", "driver", "driver info",
          "vulkan", "memory");
  for (guint i = 0; i < devices->len; i++)
    {
      DdlDeviceInfo *d = devices->pdata[i];
      printf ("%s %-3u %-40s %-14s %-10s %-28s %-7s %.1f GiB\n", d->chosen ? "*" : " ", d->index,
              d->name, ddl_device_type_to_string (d->type), d->driver_name, d->driver_info,
              d->api_version, d->memory_bytes / 1073741824.0);
    }
  return 0;
}
