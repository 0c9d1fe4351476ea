/* ddl-scores.c: per-frame scores in memory and as `video,frame,score...` CSV. */
#include "ddl-scores.h"

#include <math.h>
#include <string.h>

G_DEFINE_QUARK (ddl-scores-error-quark, ddl_scores_error)

/* Frame numbers above this are taken for corruption (a week of video at 25 fps). */
#define MAX_FRAME (1u << 24)

static void
score_video_free (DdlScoreVideo *video)
{
  g_free (video->name);
  g_free (video->frames);
  g_free (video->values);
  g_free (video);
}

DdlScores *
ddl_scores_new (const char * const *columns)
{
  static const char * const default_columns[] = { "score", NULL };
  DdlScores *scores = g_new0 (DdlScores, 1);

  scores->columns = g_ptr_array_new_with_free_func (g_free);
  scores->videos = g_ptr_array_new_with_free_func ((GDestroyNotify) score_video_free);
  for (const char * const *c = columns != NULL ? columns : default_columns; *c != NULL; c++)
    g_ptr_array_add (scores->columns, g_strdup (*c));
  return scores;
}

void
ddl_scores_free (DdlScores *scores)
{
  if (scores == NULL)
    return;
  g_ptr_array_unref (scores->columns);
  g_ptr_array_unref (scores->videos);
  g_free (scores);
}

guint
ddl_scores_get_n_columns (DdlScores *scores)
{
  return scores->columns->len;
}

static gint
compare_by_frame (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const guint *frames = user_data;
  guint fa = frames[*(const guint *) a], fb = frames[*(const guint *) b];
  return fa < fb ? -1 : fa > fb;
}

DdlScoreVideo *
ddl_scores_add_video (DdlScores *scores, const char *name, guint n, const guint *frames,
                      const double *values)
{
  g_autofree guint *order = g_new (guint, MAX (n, 1));
  guint n_columns = scores->columns->len;
  DdlScoreVideo *video;

  g_return_val_if_fail (scores != NULL && name != NULL, NULL);
  g_return_val_if_fail (values != NULL || n == 0, NULL);

  for (guint i = 0; i < n; i++)
    order[i] = i;
  if (frames != NULL)
    {
      g_qsort_with_data (order, n, sizeof (guint), compare_by_frame, (gpointer) frames);
      for (guint i = 1; i < n; i++)
        g_return_val_if_fail (frames[order[i]] != frames[order[i - 1]], NULL);
    }

  video = g_new0 (DdlScoreVideo, 1);
  video->name = g_strdup (name);
  video->n = n;
  video->frames = g_new (guint, MAX (n, 1));
  video->values = g_new (double, MAX ((gsize) n * n_columns, 1));
  for (guint i = 0; i < n; i++)
    {
      video->frames[i] = frames != NULL ? frames[order[i]] : i;
      for (guint c = 0; c < n_columns; c++)
        video->values[(gsize) c * n + i] = values[(gsize) c * n + order[i]];
    }
  g_ptr_array_add (scores->videos, video);
  return video;
}

DdlScoreVideo *
ddl_scores_lookup (DdlScores *scores, const char *name)
{
  for (guint i = 0; i < scores->videos->len; i++)
    {
      DdlScoreVideo *video = g_ptr_array_index (scores->videos, i);
      if (strcmp (video->name, name) == 0)
        return video;
    }
  return NULL;
}

int
ddl_scores_find_column (DdlScores *scores, const char *name)
{
  for (guint c = 0; c < scores->columns->len; c++)
    if (strcmp (g_ptr_array_index (scores->columns, c), name) == 0)
      return (int) c;
  return -1;
}

gsize
ddl_scores_get_n_frames (DdlScores *scores)
{
  gsize total = 0;
  for (guint i = 0; i < scores->videos->len; i++)
    total += ((DdlScoreVideo *) g_ptr_array_index (scores->videos, i))->n;
  return total;
}

const double *
ddl_score_video_get_column (const DdlScoreVideo *video, guint column)
{
  return video->values + (gsize) column * video->n;
}

/* ---- CSV -------------------------------------------------------------------- */

typedef struct {
  char   *name;
  GArray *frames;   /* guint */
  GArray *lines;    /* guint, the CSV line of each row */
  GArray *rows;     /* double, n_columns per row */
} RowGroup;

static void
row_group_free (RowGroup *group)
{
  g_free (group->name);
  g_array_unref (group->frames);
  g_array_unref (group->lines);
  g_array_unref (group->rows);
  g_free (group);
}

static gboolean
csv_fail (GError **error, const char *name, guint line, const char *what)
{
  g_set_error (error, DDL_SCORES_ERROR, DDL_SCORES_ERROR_FORMAT, "%s:%u: %s", name, line, what);
  return FALSE;
}

static gboolean
parse_score (const char *field, double *out)
{
  char *end;

  if (field[0] == '\0' || g_ascii_strcasecmp (field, "nan") == 0)
    {
      *out = NAN;
      return TRUE;
    }
  *out = g_ascii_strtod (field, &end);
  return *end == '\0';
}

static gboolean
parse_header (char **fields, const char *name, GPtrArray *columns, GError **error)
{
  guint n = g_strv_length (fields);

  if (n < 3 || g_ascii_strcasecmp (fields[0], "video") != 0
      || g_ascii_strcasecmp (fields[1], "frame") != 0)
    return csv_fail (error, name, 1, "the header must be 'video,frame,score' (more score "
                     "columns may follow)");
  for (guint c = 2; c < n; c++)
    {
      if (fields[c][0] == '\0')
        return csv_fail (error, name, 1, "a score column has no name");
      g_ptr_array_add (columns, g_strdup (fields[c]));
    }
  return TRUE;
}

DdlScores *
ddl_scores_parse_csv (const char *text, const char *name, GError **error)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) row_group_free);
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(DdlScores) scores = NULL;
  gboolean have_header = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      RowGroup *group;
      guint64 frame;
      guint frame32, line = i + 1;
      char *end;

      g_strstrip (lines[i]);
      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      fields = g_strsplit (lines[i], ",", -1);
      for (guint k = 0; fields[k] != NULL; k++)
        g_strstrip (fields[k]);
      if (!have_header)
        {
          if (!parse_header (fields, name, columns, error))
            return NULL;
          have_header = TRUE;
          continue;
        }
      if (g_strv_length (fields) != columns->len + 2 || fields[0][0] == '\0')
        {
          g_autofree char *what = g_strdup_printf ("expected %u fields (video,frame and %u "
                                                   "score%s)", columns->len + 2, columns->len,
                                                   columns->len == 1 ? "" : "s");
          csv_fail (error, name, line, what);
          return NULL;
        }
      frame = g_ascii_strtoull (fields[1], &end, 10);
      if (!g_ascii_isdigit (fields[1][0]) || *end != '\0' || frame >= MAX_FRAME)
        {
          csv_fail (error, name, line, "frame must be a non-negative integer below 16777216");
          return NULL;
        }
      group = g_hash_table_lookup (by_name, fields[0]);
      if (group == NULL)
        {
          group = g_new0 (RowGroup, 1);
          group->name = g_strdup (fields[0]);
          group->frames = g_array_new (FALSE, FALSE, sizeof (guint));
          group->lines = g_array_new (FALSE, FALSE, sizeof (guint));
          group->rows = g_array_new (FALSE, FALSE, sizeof (double));
          g_ptr_array_add (groups, group);
          g_hash_table_insert (by_name, group->name, group);
        }
      frame32 = (guint) frame;
      g_array_append_val (group->frames, frame32);
      g_array_append_val (group->lines, line);
      for (guint c = 0; c < columns->len; c++)
        {
          double value;
          if (!parse_score (fields[c + 2], &value))
            {
              g_autofree char *what = g_strdup_printf ("'%s' is not a number", fields[c + 2]);
              csv_fail (error, name, line, what);
              return NULL;
            }
          g_array_append_val (group->rows, value);
        }
    }
  if (!have_header)
    {
      g_set_error (error, DDL_SCORES_ERROR, DDL_SCORES_ERROR_FORMAT,
                   "%s: empty file (expected a 'video,frame,score' header)", name);
      return NULL;
    }

  g_ptr_array_add (columns, NULL);
  scores = ddl_scores_new ((const char * const *) columns->pdata);
  for (guint g = 0; g < groups->len; g++)
    {
      RowGroup *group = g_ptr_array_index (groups, g);
      guint n = group->frames->len, n_columns = scores->columns->len;
      g_autofree double *values = g_new (double, (gsize) n * n_columns);
      g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

      for (guint i = 0; i < n; i++)
        {
          guint frame = g_array_index (group->frames, guint, i);
          gpointer first_line;
          if (g_hash_table_lookup_extended (seen, GUINT_TO_POINTER (frame), NULL, &first_line))
            {
              g_autofree char *what = g_strdup_printf ("frame %u of video '%s' already has a "
                                                       "score on line %u", frame, group->name,
                                                       GPOINTER_TO_UINT (first_line));
              csv_fail (error, name, g_array_index (group->lines, guint, i), what);
              return NULL;
            }
          g_hash_table_insert (seen, GUINT_TO_POINTER (frame),
                               GUINT_TO_POINTER (g_array_index (group->lines, guint, i)));
          for (guint c = 0; c < n_columns; c++)
            values[(gsize) c * n + i] = g_array_index (group->rows, double,
                                                       (gsize) i * n_columns + c);
        }
      ddl_scores_add_video (scores, group->name, n, (const guint *) group->frames->data, values);
    }
  return g_steal_pointer (&scores);
}

DdlScores *
ddl_scores_load_csv (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr(GError) local = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &local))
    {
      g_set_error (error, DDL_SCORES_ERROR, DDL_SCORES_ERROR_OPEN, "%s", local->message);
      return NULL;
    }
  if (memchr (contents, '\0', length) != NULL)
    {
      g_set_error (error, DDL_SCORES_ERROR, DDL_SCORES_ERROR_FORMAT,
                   "%s: binary data in a scores CSV file", display);
      return NULL;
    }
  return ddl_scores_parse_csv (contents, display, error);
}

gboolean
ddl_scores_save_csv (DdlScores *scores, const char *path, GError **error)
{
  g_autoptr(GString) out = g_string_new ("video,frame");
  g_autoptr(GError) local = NULL;
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint c = 0; c < scores->columns->len; c++)
    g_string_append_printf (out, ",%s", (const char *) g_ptr_array_index (scores->columns, c));
  g_string_append_c (out, '\n');
  for (guint v = 0; v < scores->videos->len; v++)
    {
      DdlScoreVideo *video = g_ptr_array_index (scores->videos, v);
      if (video->name[0] == '\0' || strpbrk (video->name, ",\"\r\n#") != NULL)
        {
          g_set_error (error, DDL_SCORES_ERROR, DDL_SCORES_ERROR_FORMAT,
                       "cannot write video name '%s' to CSV (empty, or has a comma, quote, "
                       "'#' or line break)", video->name);
          return FALSE;
        }
      for (guint i = 0; i < video->n; i++)
        {
          g_string_append_printf (out, "%s,%u", video->name, video->frames[i]);
          for (guint c = 0; c < scores->columns->len; c++)
            {
              double value = video->values[(gsize) c * video->n + i];
              /* %.17g round-trips every double exactly. */
              g_string_append_c (out, ',');
              if (!isnan (value))
                g_string_append (out, g_ascii_formatd (number, sizeof number, "%.17g", value));
            }
          g_string_append_c (out, '\n');
        }
    }
  if (!g_file_set_contents (path, out->str, out->len, &local))
    {
      g_set_error (error, DDL_SCORES_ERROR, DDL_SCORES_ERROR_OPEN, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}
