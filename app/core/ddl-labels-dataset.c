/* ddl-labels-dataset.c: labels resolved together with the dataset they belong to, so
 * interval and concatenated files can be split with the test videos' frame counts. */
#include "ddl-labels.h"
#include "ddl-dataset.h"

#include <string.h>

void
ddl_labels_source_free (DdlLabelsSource *source)
{
  if (source == NULL)
    return;
  for (guint i = 0; i < source->n_lengths; i++)
    g_free ((char *) source->lengths[i].name);
  g_free (source->lengths);
  g_free (source->dataset_root);
  g_free (source->label_path);
  ddl_labels_free (source->labels);
  g_free (source);
}

static void
clear_lengths (DdlLabelsSource *source)
{
  for (guint i = 0; i < source->n_lengths; i++)
    g_free ((char *) source->lengths[i].name);
  g_clear_pointer (&source->lengths, g_free);
  g_clear_pointer (&source->dataset_root, g_free);
  source->n_lengths = 0;
}

static void
take_lengths (DdlLabelsSource *source, DdlDataset *dataset)
{
  GPtrArray *videos = ddl_dataset_get_videos (dataset, DDL_SPLIT_TEST);

  clear_lengths (source);
  source->dataset_root = g_strdup (ddl_dataset_get_root (dataset));
  source->n_lengths = videos != NULL ? videos->len : 0;
  source->lengths = g_new0 (DdlVideoLength, MAX (source->n_lengths, 1));
  for (guint i = 0; i < source->n_lengths; i++)
    {
      DdlVideoEntry *entry = g_ptr_array_index (videos, i);
      source->lengths[i].name = g_strdup (entry->name);
      source->lengths[i].n_frames = entry->n_frames;
    }
}

/* The dataset's own label files, first one that reads. */
static DdlLabels *
load_dataset_labels (DdlDataset *dataset, DdlLabelsSource *source, GError **error)
{
  GPtrArray *paths = ddl_dataset_get_label_paths (dataset);
  g_autoptr(GError) first_error = NULL;

  for (guint i = 0; paths != NULL && i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autoptr(GError) local = NULL;
      DdlLabels *labels = ddl_labels_load (path, source->lengths, source->n_lengths, &local);

      if (labels != NULL)
        {
          source->label_path = g_strdup (path);
          return labels;
        }
      if (first_error == NULL)
        first_error = g_steal_pointer (&local);
    }
  if (first_error != NULL)
    g_propagate_error (error, g_steal_pointer (&first_error));
  else
    g_set_error (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_NOT_FOUND,
                 "%s: the dataset has no label files", ddl_dataset_get_root (dataset));
  return NULL;
}

/* Interval files and concatenated arrays need frame counts: look for the dataset in the
 * folders above the label file. Only a dataset under which the labels then load (and
 * match) is taken. */
static DdlLabels *
load_with_parent_dataset (const char *path, DdlLabelsSource *source)
{
  g_autofree char *dir = g_path_get_dirname (path);

  for (guint level = 0; level < 3; level++)
    {
      g_autoptr(DdlDataset) dataset = ddl_dataset_open (dir, NULL);
      char *parent;

      if (dataset != NULL)
        {
          GPtrArray *videos = ddl_dataset_get_videos (dataset, DDL_SPLIT_TEST);
          if (videos != NULL && videos->len > 0)
            {
              DdlLabels *labels;

              take_lengths (source, dataset);
              labels = ddl_labels_load (path, source->lengths, source->n_lengths, NULL);
              if (labels != NULL && !ddl_labels_is_unsplit (labels)
                  && ddl_labels_check (labels, source->lengths, source->n_lengths, NULL))
                return labels;
              ddl_labels_free (labels);
              clear_lengths (source);
            }
        }
      parent = g_path_get_dirname (dir);
      if (strcmp (parent, dir) == 0)
        {
          g_free (parent);
          break;
        }
      g_free (dir);
      dir = parent;
    }
  return NULL;
}

DdlLabelsSource *
ddl_labels_source_open (const char *source_path, const char *dataset_path, GError **error)
{
  g_autoptr(DdlLabelsSource) source = g_new0 (DdlLabelsSource, 1);
  g_autoptr(DdlDataset) dataset = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (source_path != NULL, NULL);

  if (dataset_path != NULL)
    {
      dataset = ddl_dataset_open (dataset_path, error);
      if (dataset == NULL)
        return NULL;
      take_lengths (source, dataset);
    }

  if (g_file_test (source_path, G_FILE_TEST_IS_DIR) && !ddl_labels_is_label_folder (source_path))
    {
      g_autoptr(DdlDataset) own = ddl_dataset_open (source_path, NULL);

      if (own != NULL && ddl_dataset_get_label_paths (own) != NULL
          && ddl_dataset_get_label_paths (own)->len > 0)
        {
          if (dataset == NULL)
            take_lengths (source, own);
          source->labels = load_dataset_labels (own, source, error);
          return source->labels != NULL ? g_steal_pointer (&source) : NULL;
        }
      path = ddl_labels_find_in_folder (source_path, error);
      if (path == NULL)
        return NULL;
    }
  else
    path = g_strdup (source_path);

  source->labels = ddl_labels_load (path, source->lengths, source->n_lengths, &local);
  if (dataset == NULL
      && (g_error_matches (local, DDL_LABELS_ERROR, DDL_LABELS_ERROR_NEEDS_LENGTHS)
          || (source->labels != NULL && ddl_labels_is_unsplit (source->labels))))
    {
      DdlLabels *split = load_with_parent_dataset (path, source);
      if (split != NULL)
        {
          g_clear_error (&local);
          ddl_labels_free (source->labels);
          source->labels = split;
        }
    }
  if (source->labels == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  source->label_path = g_steal_pointer (&path);
  return g_steal_pointer (&source);
}
