/* ddl labels FILE|FOLDER [--dataset PATH] [--json]: reads ground truth in any supported
 * format and prints per-video and total frame and anomaly counts. With a dataset (given,
 * or found around the labels) the labels are checked against its test videos. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "ddl-cli.h"
#include "ddl-labels.h"

static void
print_table (DdlLabelsSource *source)
{
  DdlLabels *labels = source->labels;
  gsize frames = ddl_labels_get_n_frames (labels);
  gsize anomalous = ddl_labels_get_n_anomalous (labels);

  printf ("labels:  %s (%s)\n", source->label_path, ddl_labels_format_to_string (labels->format));
  if (source->dataset_root != NULL)
    printf ("dataset: %s (%u test videos)\n", source->dataset_root, source->n_lengths);
  else if (ddl_labels_is_unsplit (labels))
    printf ("(one concatenated array: give --dataset to split it per video)\n");
  printf ("\n%-16s %9s %10s %7s\n", "video", "frames", "anomalous", "%");
  for (guint i = 0; i < labels->videos->len; i++)
    {
      DdlLabelVideo *video = g_ptr_array_index (labels->videos, i);
      printf ("%-16s %9u %10u %7.1f\n", video->name, video->n_frames, video->n_anomalous,
              video->n_frames ? 100.0 * video->n_anomalous / video->n_frames : 0.0);
    }
  printf ("%-16s %9" G_GSIZE_FORMAT " %10" G_GSIZE_FORMAT " %7.1f\n", "total", frames,
          anomalous, frames ? 100.0 * anomalous / frames : 0.0);
}

static void
print_json (DdlLabelsSource *source)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  DdlLabels *labels = source->labels;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "frames");
  json_builder_add_int_value (builder, ddl_labels_get_n_frames (labels));
  json_builder_set_member_name (builder, "anomalous");
  json_builder_add_int_value (builder, ddl_labels_get_n_anomalous (labels));
  json_builder_set_member_name (builder, "videos");
  json_builder_begin_array (builder);
  for (guint i = 0; i < labels->videos->len; i++)
    {
      DdlLabelVideo *video = g_ptr_array_index (labels->videos, i);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, video->name);
      json_builder_set_member_name (builder, "frames");
      json_builder_add_int_value (builder, video->n_frames);
      json_builder_set_member_name (builder, "anomalous");
      json_builder_add_int_value (builder, video->n_anomalous);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, source->label_path);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, ddl_labels_format_to_string (labels->format));
  json_builder_set_member_name (builder, "dataset");
  if (source->dataset_root != NULL)
    json_builder_add_string_value (builder, source->dataset_root);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  ddl_cli_print_json (builder);
}

int
ddl_cmd_labels (int argc, char **argv)
{
  g_autofree char *dataset = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "dataset", 'd', 0, G_OPTION_ARG_FILENAME, &dataset,
      "Dataset whose test videos give the frame counts (and are checked)", "PATH" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL },
    { NULL }
  };
  g_autoptr(DdlLabelsSource) source = NULL;
  g_autoptr(GError) error = NULL;

  if (!ddl_cli_parse ("labels", "FILE|FOLDER",
                      "Read frame-level ground truth (UCSD .m, MATLAB .mat including Avenue "
                      "masks, numpy .npy or a folder of them, FFP JSON, video,frame,label CSV) "
                      "and print per-video and total counts. FOLDER may be a dataset.",
                      entries, &argc, &argv))
    return 1;
  if (argc != 2)
    {
      fprintf (stderr, "ddl labels: expected one FILE or FOLDER\n"
                       "Run 'ddl labels --help' for usage.\n");
      return 1;
    }

  source = ddl_labels_source_open (argv[1], dataset, &error);
  if (source == NULL)
    return ddl_cli_fail ("labels", error);

  if (json)
    print_json (source);
  else
    print_table (source);

  if (source->lengths != NULL
      && !ddl_labels_check (source->labels, source->lengths, source->n_lengths, &error))
    return ddl_cli_fail ("labels", error);
  return 0;
}
