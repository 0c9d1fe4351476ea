/* ddl dataset info PATH [--json]: the layout, splits, videos (frames, size, rate),
 * totals, label files and boxes file of a dataset folder or a single video. */
#include "ddl-cli.h"
#include "ddl-dataset.h"

#include <stdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

static const char *
layout_title (DdlLayout layout)
{
  switch (layout)
    {
    case DDL_LAYOUT_MNAD:          return "MNAD/FFP (training/frames, testing/frames)";
    case DDL_LAYOUT_UCSD:          return "UCSD original (Train/Train001, Test/Test001)";
    case DDL_LAYOUT_DDL:           return "DDL reference (Train/<video>, Test/<video>)";
    case DDL_LAYOUT_AVENUE:        return "CUHK Avenue (training_videos, testing_videos)";
    case DDL_LAYOUT_SHANGHAITECH:  return "ShanghaiTech (training/videos, testing/frames)";
    case DDL_LAYOUT_VIDEO_FOLDER:  return "folder of videos";
    case DDL_LAYOUT_SINGLE_VIDEO:  return "single video";
    default:                       return "unknown";
    }
}

/* 12345 → "12,345" (locale-independent). */
static char *
thousands (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

static guint64
split_frames (GPtrArray *videos)
{
  guint64 total = 0;
  for (guint i = 0; i < videos->len; i++)
    total += ((DdlVideoEntry *) g_ptr_array_index (videos, i))->n_frames;
  return total;
}

static void
print_text (DdlDataset *ds)
{
  const char *split_names[] = { "train", "test" };
  GPtrArray *labels = ddl_dataset_get_label_paths (ds);
  guint64 all_frames = 0;
  guint all_videos = 0;

  printf ("Dataset   %s\n", ddl_dataset_get_name (ds));
  printf ("Layout    %s\n", layout_title (ddl_dataset_get_layout (ds)));
  printf ("Root      %s\n", ddl_dataset_get_root (ds));
  for (DdlSplit s = DDL_SPLIT_TRAIN; s <= DDL_SPLIT_TEST; s++)
    {
      GPtrArray *videos = ddl_dataset_get_videos (ds, s);
      g_autofree char *frames = thousands (split_frames (videos));
      g_autofree char *fingerprint = NULL;

      if (videos->len == 0)
        {
          printf ("\n%-5s     none\n", split_names[s]);
          continue;
        }
      fingerprint = ddl_dataset_fingerprint (ds, s);
      printf ("\n%-5s     %u video%s, %s frames  (%s, fingerprint %s)\n", split_names[s],
              videos->len, videos->len == 1 ? "" : "s", frames, ddl_dataset_get_split_dir (ds, s),
              fingerprint);
      for (guint i = 0; i < videos->len; i++)
        {
          DdlVideoEntry *e = g_ptr_array_index (videos, i);
          g_autofree char *n = thousands (e->n_frames);
          printf ("  %-12s %7s frames  %4ux%-4u  %6.2f fps\n", e->name, n, e->width, e->height,
                  e->fps);
        }
      all_frames += split_frames (videos);
      all_videos += videos->len;
    }
  {
    g_autofree char *frames = thousands (all_frames);
    printf ("\nTotal     %u video%s, %s frames\n", all_videos, all_videos == 1 ? "" : "s", frames);
  }
  printf ("Labels    %s\n", labels->len == 0 ? "none found" : (char *) g_ptr_array_index (labels, 0));
  for (guint i = 1; i < labels->len; i++)
    printf ("          %s\n", (char *) g_ptr_array_index (labels, i));
  printf ("Boxes     %s\n", ddl_dataset_get_boxes_path (ds) != NULL
                            ? ddl_dataset_get_boxes_path (ds) : "none");
}

static void
print_json (DdlDataset *ds)
{
  const char *split_names[] = { "train", "test" };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GPtrArray *labels = ddl_dataset_get_label_paths (ds);
  guint64 all_frames = 0;
  guint all_videos = 0;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, ddl_dataset_get_name (ds));
  json_builder_set_member_name (b, "layout");
  json_builder_add_string_value (b, ddl_layout_to_string (ddl_dataset_get_layout (ds)));
  json_builder_set_member_name (b, "root");
  json_builder_add_string_value (b, ddl_dataset_get_root (ds));
  json_builder_set_member_name (b, "splits");
  json_builder_begin_object (b);
  for (DdlSplit s = DDL_SPLIT_TRAIN; s <= DDL_SPLIT_TEST; s++)
    {
      GPtrArray *videos = ddl_dataset_get_videos (ds, s);
      g_autofree char *fingerprint = ddl_dataset_fingerprint (ds, s);

      json_builder_set_member_name (b, split_names[s]);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "dir");
      if (ddl_dataset_get_split_dir (ds, s) != NULL)
        json_builder_add_string_value (b, ddl_dataset_get_split_dir (ds, s));
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "fingerprint");
      if (videos->len > 0)
        json_builder_add_string_value (b, fingerprint);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "frames");
      json_builder_add_int_value (b, split_frames (videos));
      json_builder_set_member_name (b, "videos");
      json_builder_begin_array (b);
      for (guint i = 0; i < videos->len; i++)
        {
          DdlVideoEntry *e = g_ptr_array_index (videos, i);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, e->name);
          json_builder_set_member_name (b, "path");
          json_builder_add_string_value (b, e->path);
          json_builder_set_member_name (b, "frames");
          json_builder_add_int_value (b, e->n_frames);
          json_builder_set_member_name (b, "width");
          json_builder_add_int_value (b, e->width);
          json_builder_set_member_name (b, "height");
          json_builder_add_int_value (b, e->height);
          json_builder_set_member_name (b, "fps");
          json_builder_add_double_value (b, e->fps);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      all_frames += split_frames (videos);
      all_videos += videos->len;
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "videos");
  json_builder_add_int_value (b, all_videos);
  json_builder_set_member_name (b, "frames");
  json_builder_add_int_value (b, all_frames);
  json_builder_set_member_name (b, "labels");
  json_builder_begin_array (b);
  for (guint i = 0; i < labels->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (labels, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "boxes");
  if (ddl_dataset_get_boxes_path (ds) != NULL)
    json_builder_add_string_value (b, ddl_dataset_get_boxes_path (ds));
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);

  ddl_cli_print_json (b);
}

int
ddl_cmd_dataset (int argc, char **argv)
{
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON instead of a table", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlDataset) ds = NULL;

  if (!ddl_cli_parse ("dataset", "info PATH",
                      "Describe a dataset folder or a video: its layout (MNAD/FFP, UCSD, DDL "
                      "reference,\nAvenue, ShanghaiTech, folder of videos, single video), splits, "
                      "videos with\nframe counts, size and rate, and the label files found.",
                      entries, &argc, &argv))
    return 1;
  if (argc != 3 || g_strcmp0 (argv[1], "info") != 0)
    {
      fprintf (stderr, "ddl dataset: expected 'info PATH'\nRun 'ddl dataset --help' for usage.\n");
      return 1;
    }
  fprintf (stderr, "ddl dataset: reading %s…\n", argv[2]);
  ds = ddl_dataset_open (argv[2], &error);
  if (ds == NULL)
    return ddl_cli_fail ("dataset", error);
  if (json)
    print_json (ds);
  else
    print_text (ds);
  return 0;
}
