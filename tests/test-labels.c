/* test-labels: every ground-truth reader on the real files of ../shared/datasets (skipped
 * when absent) and on small files written here byte by byte (numpy .npy of several
 * dtypes and byte orders, MATLAB level-5 .mat with and without zlib compression, both
 * byte orders, UCSD .m, FFP JSON, CSV); bad input for each format; the consistency
 * check. No device needed. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <zlib.h>

#include "ddl-labels.h"
#include "ddl-mat.h"
#include "ddl-npy.h"
#include "ddl-test-util.h"

static char *tmp_dir;

static char *
write_file (const char *name, const void *data, gsize size)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, data, size, NULL));
  return path;
}

static char *
write_text (const char *name, const char *text)
{
  return write_file (name, text, strlen (text));
}

/* Asserts an error of `domain`/`code` whose message contains every one of `parts`. */
static void
assert_error_mentions (GError *error, GQuark domain, int code, const char *const *parts)
{
  g_assert_nonnull (error);
  if (error->domain != domain || error->code != code)
    g_error ("wrong error %s/%d: %s", g_quark_to_string (error->domain), error->code,
             error->message);
  for (guint i = 0; parts[i] != NULL; i++)
    if (strstr (error->message, parts[i]) == NULL)
      g_error ("error '%s' does not mention '%s'", error->message, parts[i]);
}

#define ASSERT_ERROR(error, domain, code, ...) \
  assert_error_mentions (error, domain, code, (const char *const[]) { __VA_ARGS__, NULL })

static void
assert_video (DdlLabels *labels, guint index, const char *name, const guint8 *want, guint n)
{
  DdlLabelVideo *video;

  g_assert_cmpuint (index, <, labels->videos->len);
  video = g_ptr_array_index (labels->videos, index);
  g_assert_cmpstr (video->name, ==, name);
  g_assert_cmpuint (video->n_frames, ==, n);
  g_assert_cmpmem (video->labels, n, want, n);
}

/* ---- the real datasets ------------------------------------------------------------ */

static const char *
shared_datasets (void)
{
  const char *root = g_getenv ("DDL_SHARED_DATASETS");
  if (root == NULL || !g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("DDL_SHARED_DATASETS not set or missing: real label files not available");
      return NULL;
    }
  return root;
}

/* Ped2 test video lengths counted from the frame folders, independently of the
 * dataset reader. */
static guint
ped2_lengths (const char *root, DdlVideoLength *lengths, char names[][8])
{
  guint n = 0;
  for (guint v = 1; v <= 12; v++)
    {
      g_autofree char *dir = NULL;
      g_autoptr(GDir) d = NULL;
      guint frames = 0;

      g_snprintf (names[n], 8, "%02u", v);
      dir = g_build_filename (root, "ped2", "testing", "frames", names[n], NULL);
      d = g_dir_open (dir, 0, NULL);
      g_assert_nonnull (d);
      while (g_dir_read_name (d) != NULL)
        frames++;
      lengths[n].name = names[n];
      lengths[n].n_frames = frames;
      n++;
    }
  return n;
}

static void
test_real_ped2 (void)
{
  /* UCSDped2.m / datasets README: 1-based inclusive intervals per video */
  const guint first[12] = { 61, 95, 1, 31, 1, 1, 46, 1, 1, 1, 1, 88 };
  const guint last[12] = { 180, 180, 146, 180, 129, 159, 180, 180, 120, 150, 180, 180 };
  const char *files[3] = { "UCSDped2.m", "ped2.mat", "frame_labels_ped2.npy" };
  const char *root = shared_datasets ();
  DdlLabels *all[3];
  DdlVideoLength lengths[12];
  char names[12][8];

  if (root == NULL)
    return;
  ped2_lengths (root, lengths, names);
  for (guint f = 0; f < 3; f++)
    {
      g_autofree char *path = g_build_filename (root, "ped2", files[f], NULL);
      g_autoptr(GError) error = NULL;

      all[f] = ddl_labels_load (path, lengths, 12, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (all[f]->videos->len, ==, 12);
      g_assert_cmpuint (ddl_labels_get_n_frames (all[f]), ==, 2010);
      g_assert_cmpuint (ddl_labels_get_n_anomalous (all[f]), ==, 1648);
      g_assert_true (ddl_labels_check (all[f], lengths, 12, &error));
      for (guint v = 0; v < 12; v++)
        {
          DdlLabelVideo *video = g_ptr_array_index (all[f]->videos, v);
          g_assert_cmpstr (video->name, ==, names[v]);
          for (guint i = 0; i < video->n_frames; i++)
            g_assert_cmpuint (video->labels[i], ==, i + 1 >= first[v] && i + 1 <= last[v]);
        }
    }
  g_assert_cmpint (all[0]->format, ==, DDL_LABELS_FORMAT_UCSD_M);
  g_assert_cmpint (all[1]->format, ==, DDL_LABELS_FORMAT_MAT_INTERVALS);
  g_assert_cmpint (all[2]->format, ==, DDL_LABELS_FORMAT_NPY);
  for (guint f = 0; f < 3; f++)
    ddl_labels_free (all[f]);

  /* Without lengths: the .npy is one pseudo-video, the interval files need lengths. */
  {
    g_autofree char *npy = g_build_filename (root, "ped2", "frame_labels_ped2.npy", NULL);
    g_autofree char *m = g_build_filename (root, "ped2", "UCSDped2.m", NULL);
    g_autofree char *mat = g_build_filename (root, "ped2", "ped2.mat", NULL);
    g_autoptr(DdlLabels) labels = ddl_labels_load (npy, NULL, 0, NULL);
    GError *error = NULL;

    g_assert_true (ddl_labels_is_unsplit (labels));
    g_assert_cmpuint (ddl_labels_get_n_anomalous (labels), ==, 1648);
    g_assert_null (ddl_labels_load (m, NULL, 0, &error));
    ASSERT_ERROR (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_NEEDS_LENGTHS, "UCSDped2.m",
                  "--dataset");
    g_clear_error (&error);
    g_assert_null (ddl_labels_load (mat, NULL, 0, &error));
    ASSERT_ERROR (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_NEEDS_LENGTHS, "ped2.mat");
    g_clear_error (&error);
  }
}

static const guint avenue_lengths[21] = {
  1439, 1211, 923, 947, 1007, 1283, 605, 36, 1175, 841, 472, 1271, 549, 507, 1001, 740,
  426, 294, 248, 273, 76,
};

static void
test_real_avenue (void)
{
  const char *root = shared_datasets ();
  g_autofree char *masks_dir = NULL, *per_video = NULL, *npy = NULL;
  g_autoptr(DdlLabels) masks = NULL, vectors = NULL, intervals = NULL, unsplit = NULL;
  g_autoptr(GError) error = NULL;
  DdlVideoLength lengths[21];
  char names[21][8];
  guint differ = 0;

  if (root == NULL)
    return;
  for (guint v = 0; v < 21; v++)
    {
      g_snprintf (names[v], 8, "%02u", v + 1);
      lengths[v].name = names[v];
      lengths[v].n_frames = avenue_lengths[v];
    }
  masks_dir = g_build_filename (root, "labels-only", "avenue", "testing_label_mask", NULL);
  per_video = g_build_filename (root, "labels-only", "avenue", "avenue_per_video.mat", NULL);
  npy = g_build_filename (root, "labels-only", "avenue", "frame_labels_avenue.npy", NULL);

  g_assert_true (ddl_labels_is_label_folder (masks_dir));
  masks = ddl_labels_load (masks_dir, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (masks->format, ==, DDL_LABELS_FORMAT_MAT_MASKS);
  g_assert_cmpuint (ddl_labels_get_n_frames (masks), ==, 15324);
  g_assert_cmpuint (ddl_labels_get_n_anomalous (masks), ==, 3712);
  g_assert_true (ddl_labels_check (masks, lengths, 21, &error));   /* names 01..21 */

  vectors = ddl_labels_load (per_video, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (vectors->format, ==, DDL_LABELS_FORMAT_MAT_VECTORS);
  g_assert_cmpuint (vectors->videos->len, ==, 21);
  for (guint v = 0; v < 21; v++)
    {
      DdlLabelVideo *a = g_ptr_array_index (masks->videos, v);
      DdlLabelVideo *b = g_ptr_array_index (vectors->videos, v);
      g_assert_cmpstr (a->name, ==, b->name);
      g_assert_cmpuint (a->n_frames, ==, avenue_lengths[v]);
      g_assert_cmpmem (a->labels, a->n_frames, b->labels, b->n_frames);
    }

  intervals = ddl_labels_load (npy, lengths, 21, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_labels_get_n_anomalous (intervals), ==, 3867);
  for (guint v = 0; v < 21; v++)
    {
      DdlLabelVideo *a = g_ptr_array_index (masks->videos, v);
      DdlLabelVideo *b = g_ptr_array_index (intervals->videos, v);
      for (guint i = 0; i < a->n_frames; i++)
        differ += a->labels[i] != b->labels[i];
    }
  g_assert_cmpuint (differ, ==, 441);   /* the datasets README */

  unsplit = ddl_labels_load (npy, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (ddl_labels_is_unsplit (unsplit));
  g_assert_cmpuint (ddl_labels_get_n_frames (unsplit), ==, 15324);
}

static void
test_real_shanghaitech (void)
{
  const char *root = shared_datasets ();
  g_autofree char *folder = NULL, *npy = NULL;
  g_autoptr(DdlLabels) labels = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;

  if (root == NULL)
    return;
  folder = g_build_filename (root, "labels-only", "shanghaitech", NULL);
  npy = g_build_filename (folder, "frame_labels_shanghai.npy", NULL);
  g_assert_false (ddl_labels_is_label_folder (folder));   /* one MNAD file, not per video */
  found = ddl_labels_find_in_folder (folder, &error);
  g_assert_cmpstr (found, ==, npy);
  labels = ddl_labels_load (folder, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_true (ddl_labels_is_unsplit (labels));
  g_assert_cmpuint (ddl_labels_get_n_frames (labels), ==, 40791);
  g_assert_cmpuint (ddl_labels_get_n_anomalous (labels), ==, 17326);
}

/* The dataset around a label file supplies the lengths (ddl-labels-dataset.c). */
static void
test_real_source (void)
{
  const char *root = shared_datasets ();
  const char *inputs[] = { "UCSDped2.m", "ped2.mat", "frame_labels_ped2.npy", "" };

  if (root == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autofree char *path = g_build_filename (root, "ped2", inputs[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(DdlLabelsSource) source = ddl_labels_source_open (path, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (source->dataset_root);
      g_assert_cmpuint (source->n_lengths, ==, 12);
      g_assert_cmpuint (source->labels->videos->len, ==, 12);
      g_assert_cmpuint (ddl_labels_get_n_anomalous (source->labels), ==, 1648);
      g_assert_true (ddl_labels_check (source->labels, source->lengths, source->n_lengths,
                                       &error));
    }
  {
    g_autofree char *ped2 = g_build_filename (root, "ped2", NULL);
    g_autofree char *avenue = g_build_filename (root, "labels-only", "avenue",
                                                "frame_labels_avenue.npy", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(DdlLabelsSource) source = NULL;

    /* Avenue's .npy has no dataset next to it: it stays one array. */
    source = ddl_labels_source_open (avenue, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (ddl_labels_is_unsplit (source->labels));
    g_clear_pointer (&source, ddl_labels_source_free);

    /* Ped2's lengths do not fit Avenue's labels: a clear mismatch. */
    source = ddl_labels_source_open (avenue, ped2, &error);
    g_assert_null (source);
    ASSERT_ERROR (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH, "frame_labels_avenue.npy",
                  "15324", "2010");
  }
}

/* ---- numpy -------------------------------------------------------------------------- */

static GByteArray *
make_npy (guint major, const char *dict, const void *data, gsize size)
{
  GByteArray *out = g_byte_array_new ();
  g_autoptr(GString) header = g_string_new (dict);
  guint prefix = major == 1 ? 10 : 12;
  guint8 len[4];

  while ((prefix + header->len + 1) % 64 != 0)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');
  g_byte_array_append (out, (const guint8 *) "\x93NUMPY", 6);
  g_byte_array_append (out, (const guint8[]) { major, 0 }, 2);
  for (guint k = 0; k < 4; k++)
    len[k] = (header->len >> (8 * k)) & 0xff;
  g_byte_array_append (out, len, major == 1 ? 2 : 4);
  g_byte_array_append (out, (const guint8 *) header->str, header->len);
  g_byte_array_append (out, data, size);
  return out;
}

static char *
write_npy (const char *name, guint major, const char *dict, const void *data, gsize size)
{
  g_autoptr(GByteArray) bytes = make_npy (major, dict, data, size);
  return write_file (name, bytes->data, bytes->len);
}

static void
assert_npy (GByteArray *bytes, const double *want, gsize n, guint n_dims)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlNpyArray) array = ddl_npy_parse (bytes->data, bytes->len, "t.npy", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (array->n, ==, n);
  g_assert_cmpuint (array->n_dims, ==, n_dims);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (array->data[i], ==, want[i]);
  g_byte_array_unref (bytes);
}

static void
test_npy_dtypes (void)
{
  const guint8 le_i8[] = { 1, 0, 0, 0, 0, 0, 0, 0, 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                           0, 0, 0, 0, 0, 0, 0, 0 };
  const guint8 be_i4[] = { 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe, 0, 1, 0, 0 };
  const guint8 be_u2[] = { 0x01, 0x02, 0, 1 };
  const guint8 b1[] = { 1, 0, 1 };
  const guint8 le_f4[] = { 0, 0, 0x80, 0x3f, 0, 0, 0xc0, 0xbf };         /* 1.0, -1.5 */
  const guint8 be_f8[] = { 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }; /* 1, 0 */
  const guint8 le_f2[] = { 0x00, 0x3c, 0x00, 0xc1, 0x00, 0x00 };         /* 1, -2.5, 0 */
  const guint8 i1[] = { 0xff, 1, 0 };
  g_autoptr(GError) error = NULL;

  assert_npy (make_npy (1, "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 3), }",
                        le_i8, sizeof le_i8), (const double[]) { 1, -3, 0 }, 3, 2);
  assert_npy (make_npy (2, "{'descr': '>i4', 'fortran_order': False, 'shape': (3,), }",
                        be_i4, sizeof be_i4), (const double[]) { 1, -2, 65536 }, 3, 1);
  assert_npy (make_npy (3, "{\"descr\": \">u2\", \"fortran_order\": False, \"shape\": (2,)}",
                        be_u2, sizeof be_u2), (const double[]) { 258, 1 }, 2, 1);
  assert_npy (make_npy (1, "{'descr': '|b1', 'fortran_order': True, 'shape': (3,), }",
                        b1, sizeof b1), (const double[]) { 1, 0, 1 }, 3, 1);
  assert_npy (make_npy (1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }",
                        le_f4, sizeof le_f4), (const double[]) { 1, -1.5 }, 2, 2);
  assert_npy (make_npy (1, "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }",
                        be_f8, sizeof be_f8), (const double[]) { 1, 0 }, 2, 1);
  assert_npy (make_npy (1, "{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }",
                        le_f2, sizeof le_f2), (const double[]) { 1, -2.5, 0 }, 3, 1);
  assert_npy (make_npy (1, "{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }",
                        i1, sizeof i1), (const double[]) { -1, 1, 0 }, 3, 1);
  assert_npy (make_npy (1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }",
                        be_f8 + 8, 8), (const double[]) { 0 }, 1, 0);

  /* the writer round-trips, and the labels reader takes each 0/1 dtype */
  {
    const guint8 values[5] = { 0, 1, 1, 0, 1 };
    g_autofree char *path = g_build_filename (tmp_dir, "saved.npy", NULL);
    g_autofree char *b1_path = write_npy ("b1.npy", 1, "{'descr': '|b1', 'fortran_order': "
                                          "False, 'shape': (3,), }", b1, sizeof b1);
    g_autofree char *f8_path = write_npy ("f8.npy", 1, "{'descr': '>f8', 'fortran_order': "
                                          "False, 'shape': (1, 2), }", be_f8, sizeof be_f8);
    g_autoptr(DdlLabels) saved = NULL, bools = NULL, floats = NULL;

    g_assert_true (ddl_npy_save_u8 (path, values, 2, (const gsize[]) { 1, 5 }, &error));
    saved = ddl_labels_load (path, NULL, 0, &error);
    g_assert_no_error (error);
    assert_video (saved, 0, "saved", values, 5);
    bools = ddl_labels_load (b1_path, NULL, 0, &error);
    g_assert_no_error (error);
    assert_video (bools, 0, "b1", b1, 3);
    floats = ddl_labels_load (f8_path, NULL, 0, &error);
    g_assert_no_error (error);
    assert_video (floats, 0, "f8", (const guint8[]) { 1, 0 }, 2);

    /* uint8 arrays load as bytes (all 256 values, shape kept); other dtypes are refused */
    guint8 all[256];
    g_autofree char *u1_path = g_build_filename (tmp_dir, "bytes.npy", NULL);
    for (guint i = 0; i < 256; i++)
      all[i] = (guint8) (255 - i);
    g_assert_true (ddl_npy_save_u8 (u1_path, all, 3, (const gsize[]) { 4, 8, 8 }, &error));
    g_autoptr(DdlNpyArray) u1 = ddl_npy_load_u8 (u1_path, &error);
    g_assert_no_error (error);
    g_assert_null (u1->data);
    g_assert_cmpuint (u1->n_dims, ==, 3);
    g_assert_cmpuint (u1->shape[0], ==, 4);
    g_assert_cmpuint (u1->shape[2], ==, 8);
    g_assert_cmpmem (u1->bytes, u1->n, all, sizeof all);
    g_assert_null (ddl_npy_load_u8 (f8_path, &error));
    g_assert_error (error, DDL_NPY_ERROR, DDL_NPY_ERROR_UNSUPPORTED);
    g_assert_nonnull (strstr (error->message, "f8.npy"));
    g_clear_error (&error);
  }
}

static void
test_npy_bad (void)
{
  const guint8 data[16] = { 0 };
  const struct { guint major; const char *dict; gsize size; int code; const char *want; } cases[] = {
    { 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", 16,
      DDL_NPY_ERROR_FORMAT, "byte offset 128" },         /* truncated: 24 bytes needed */
    { 1, "{'descr': '<i8', 'fortran_order': False, }", 8, DDL_NPY_ERROR_FORMAT, "required" },
    { 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,", 8, DDL_NPY_ERROR_FORMAT,
      "malformed" },
    { 1, "{'descr: '<i8'", 8, DDL_NPY_ERROR_FORMAT, "malformed" },
    { 1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", 8,
      DDL_NPY_ERROR_UNSUPPORTED, "'<c8'" },
    { 1, "{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,), }", 8,
      DDL_NPY_ERROR_UNSUPPORTED, "structured" },
    { 1, "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", 6,
      DDL_NPY_ERROR_UNSUPPORTED, "Fortran" },
    { 4, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", 2,
      DDL_NPY_ERROR_UNSUPPORTED, "version 4" },
    { 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), 'x': 1}", 2,
      DDL_NPY_ERROR_FORMAT, "unknown key" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) bytes = make_npy (cases[i].major, cases[i].dict, data, cases[i].size);
      g_autofree char *name = g_strdup_printf ("bad%u.npy", i);
      g_autofree char *path = write_file (name, bytes->data, bytes->len);
      GError *error = NULL;

      g_assert_null (ddl_npy_load (path, &error));
      ASSERT_ERROR (error, DDL_NPY_ERROR, cases[i].code, name, cases[i].want);
      g_clear_error (&error);
      /* through the labels reader: a labels error that still names the file */
      g_assert_null (ddl_labels_load (path, NULL, 0, &error));
      ASSERT_ERROR (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT, name);
      g_clear_error (&error);
    }
  {
    g_autofree char *garbage = write_text ("garbage.npy", "this is not numpy at all");
    g_autofree char *header_cut = write_file ("cut.npy", "\x93NUMPY\x01\x00\x76\x00{'de", 14);
    g_autofree char *mask = write_npy ("mask.npy", 1, "{'descr': '|u1', 'fortran_order': "
                                       "False, 'shape': (2, 2, 2), }", data, 8);
    g_autofree char *two = write_npy ("two.npy", 1, "{'descr': '|u1', 'fortran_order': "
                                      "False, 'shape': (4,), }", (const guint8[]) { 0, 1, 2, 0 }, 4);
    GError *error = NULL;

    g_assert_null (ddl_labels_load (garbage, NULL, 0, &error));
    ASSERT_ERROR (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT, "garbage.npy", "magic");
    g_clear_error (&error);
    g_assert_null (ddl_labels_load (header_cut, NULL, 0, &error));
    ASSERT_ERROR (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT, "cut.npy", "truncated");
    g_clear_error (&error);
    g_assert_null (ddl_labels_load (mask, NULL, 0, &error));
    ASSERT_ERROR (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT, "mask.npy", "(2, 2, 2)");
    g_clear_error (&error);
    g_assert_null (ddl_labels_load (two, NULL, 0, &error));
    ASSERT_ERROR (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT, "two.npy", "value 2",
                  "index 2");
    g_clear_error (&error);
  }
}

/* ---- MATLAB level 5, written byte by byte ---------------------------------------- */

enum { MI_INT8 = 1, MI_UINT8 = 2, MI_INT16 = 3, MI_INT32 = 5, MI_UINT32 = 6, MI_SINGLE = 7,
       MI_DOUBLE = 9, MI_MATRIX = 14, MI_COMPRESSED = 15, MI_UTF8 = 16 };
enum { CLS_CELL = 1, CLS_STRUCT = 2, CLS_CHAR = 4, CLS_DOUBLE = 6, CLS_SINGLE = 7,
       CLS_UINT8 = 9, CLS_INT16 = 10, CLS_INT32 = 12 };

static gboolean big_endian;   /* byte order of the file being built */

static void
put_uint (GByteArray *out, guint64 v, guint size)
{
  for (guint k = 0; k < size; k++)
    {
      guint8 b = (v >> (8 * (big_endian ? size - 1 - k : k))) & 0xff;
      g_byte_array_append (out, &b, 1);
    }
}

static guint
mi_size (guint type)
{
  return type == MI_INT8 || type == MI_UINT8 || type == MI_UTF8 ? 1 : type == MI_INT16 ? 2
         : type == MI_DOUBLE ? 8 : 4;
}

static void
put_value (GByteArray *out, guint type, double v)
{
  if (type == MI_DOUBLE)
    {
      guint64 bits;
      memcpy (&bits, &v, 8);
      put_uint (out, bits, 8);
    }
  else if (type == MI_SINGLE)
    {
      float f = (float) v;
      guint32 bits;
      memcpy (&bits, &f, 4);
      put_uint (out, bits, 4);
    }
  else
    put_uint (out, (guint64) (gint64) v, mi_size (type));
}

/* A data element: the small format when it fits in 4 bytes (as MATLAB writes short
 * names and scalars), else tag + data + padding to 8. */
static void
put_element (GByteArray *out, guint type, const guint8 *data, guint n, gboolean allow_small)
{
  static const guint8 zeros[8] = { 0 };
  if (allow_small && n <= 4 && n > 0)
    {
      put_uint (out, ((guint64) n << 16) | type, 4);
      g_byte_array_append (out, data, n);
      g_byte_array_append (out, zeros, 4 - n);
      return;
    }
  put_uint (out, type, 4);
  put_uint (out, n, 4);
  g_byte_array_append (out, data, n);
  g_byte_array_append (out, zeros, (8 - n % 8) % 8);
}

/* Starts a matrix: flags, dims, name. Returns the header; the caller appends the body
 * and closes it with end_matrix. */
static GByteArray *
begin_matrix (guint klass, guint flags, guint n_dims, const guint *dims, const char *name)
{
  GByteArray *m = g_byte_array_new ();
  g_autoptr(GByteArray) part = g_byte_array_new ();

  put_uint (part, klass | (flags << 8), 4);
  put_uint (part, 0, 4);
  put_element (m, MI_UINT32, part->data, part->len, FALSE);
  g_byte_array_set_size (part, 0);
  for (guint d = 0; d < n_dims; d++)
    put_uint (part, dims[d], 4);
  put_element (m, MI_INT32, part->data, part->len, FALSE);
  put_element (m, MI_INT8, (const guint8 *) name, strlen (name), TRUE);
  return m;
}

static void
end_matrix (GByteArray *out, GByteArray *body)
{
  put_uint (out, MI_MATRIX, 4);
  put_uint (out, body->len, 4);
  g_byte_array_append (out, body->data, body->len);
  g_byte_array_unref (body);
}

static void
put_numeric (GByteArray *out, guint klass, guint flags, guint type, guint rows, guint cols,
             const char *name, const double *values)
{
  GByteArray *m = begin_matrix (klass, flags, 2, (const guint[]) { rows, cols }, name);
  g_autoptr(GByteArray) data = g_byte_array_new ();

  for (guint i = 0; i < rows * cols; i++)
    put_value (data, type, values[i]);
  put_element (m, type, data->data, data->len, TRUE);
  end_matrix (out, m);
}

/* Wraps the elements in `plain` into one miCOMPRESSED element each... here: one. */
static void
put_compressed (GByteArray *out, GByteArray *plain)
{
  uLongf size = compressBound (plain->len);
  g_autofree guint8 *z = g_malloc (size);

  g_assert_cmpint (compress2 (z, &size, plain->data, plain->len, 6), ==, Z_OK);
  put_uint (out, MI_COMPRESSED, 4);
  put_uint (out, size, 4);
  g_byte_array_append (out, z, size);   /* compressed elements are not padded */
  g_byte_array_unref (plain);
}

static GByteArray *
mat_file (void)
{
  GByteArray *out = g_byte_array_new ();
  char text[116];

  memset (text, ' ', sizeof text);
  memcpy (text, "MATLAB 5.0 MAT-file, written by test-labels", 43);
  g_byte_array_append (out, (const guint8 *) text, sizeof text);
  g_byte_array_append (out, (const guint8[8]) { 0 }, 8);
  put_uint (out, 0x0100, 2);
  put_uint (out, ('M' << 8) | 'I', 2);   /* reads "IM" in a little-endian file */
  return out;
}

static char *
save_mat (const char *name, GByteArray *file)
{
  char *path = write_file (name, file->data, file->len);
  g_byte_array_unref (file);
  return path;
}

/* gt = { [2; 4], [1 6; 2 7], [] } for videos of 5, 8 and 3 frames. */
static GByteArray *
gt_cell (guint int_type, guint klass)
{
  GByteArray *cell = begin_matrix (CLS_CELL, 0, 2, (const guint[]) { 1, 3 }, "gt");
  g_autoptr(GByteArray) empty = begin_matrix (CLS_DOUBLE, 0, 2, (const guint[]) { 0, 0 }, "");

  put_numeric (cell, klass, 0, int_type, 2, 1, "", (const double[]) { 2, 4 });
  put_numeric (cell, klass, 0, int_type, 2, 2, "", (const double[]) { 1, 2, 6, 7 });
  put_element (empty, MI_DOUBLE, NULL, 0, FALSE);
  end_matrix (cell, g_steal_pointer (&empty));
  return cell;
}

static const DdlVideoLength gt_lengths[3] = { { "a", 5 }, { "b", 8 }, { "c", 3 } };

static void
assert_gt_labels (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlLabels) labels = ddl_labels_load (path, gt_lengths, 3, &error);

  g_assert_no_error (error);
  g_assert_cmpint (labels->format, ==, DDL_LABELS_FORMAT_MAT_INTERVALS);
  assert_video (labels, 0, "a", (const guint8[]) { 0, 1, 1, 1, 0 }, 5);
  assert_video (labels, 1, "b", (const guint8[]) { 1, 1, 0, 0, 0, 1, 1, 0 }, 8);
  assert_video (labels, 2, "c", (const guint8[]) { 0, 0, 0 }, 3);
}

static void
test_mat_intervals (void)
{
  GByteArray *file;
  g_autofree char *plain = NULL, *zipped = NULL, *big = NULL, *single = NULL;

  file = mat_file ();
  end_matrix (file, gt_cell (MI_DOUBLE, CLS_DOUBLE));
  plain = save_mat ("plain.mat", file);
  assert_gt_labels (plain);

  /* as MATLAB -v7 writes it: compressed, doubles stored as uint8 */
  file = mat_file ();
  {
    GByteArray *inner = g_byte_array_new ();
    end_matrix (inner, gt_cell (MI_UINT8, CLS_DOUBLE));
    put_compressed (file, inner);
  }
  zipped = save_mat ("zipped.mat", file);
  assert_gt_labels (zipped);

  /* big-endian, int16 class */
  big_endian = TRUE;
  file = mat_file ();
  end_matrix (file, gt_cell (MI_INT16, CLS_INT16));
  big_endian = FALSE;
  big = save_mat ("big.mat", file);
  assert_gt_labels (big);

  /* one video: gt as a plain 2xK matrix */
  file = mat_file ();
  put_numeric (file, CLS_DOUBLE, 0, MI_DOUBLE, 2, 1, "gt", (const double[]) { 3, 4 });
  single = save_mat ("single.mat", file);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DdlLabels) labels = ddl_labels_load (single, gt_lengths, 1, &error);
    g_assert_no_error (error);
    assert_video (labels, 0, "a", (const guint8[]) { 0, 0, 1, 1, 0 }, 5);
  }
}

static void
test_mat_tree_and_vectors (void)
{
  GByteArray *file = mat_file ();
  GByteArray *info, *note;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlMatFile) mat = NULL;
  g_autoptr(DdlLabels) labels = NULL;
  DdlMatValue *value;

  put_numeric (file, CLS_UINT8, 0x02, MI_UINT8, 1, 3, "v10", (const double[]) { 1, 0, 1 });
  put_numeric (file, CLS_INT32, 0, MI_INT8, 4, 1, "v2", (const double[]) { 0, 0, 1, 1 });
  /* a struct with fields 'x' (double scalar) and 'name' (char), which the vector form
   * ignores */
  info = begin_matrix (CLS_STRUCT, 0, 2, (const guint[]) { 1, 1 }, "info");
  {
    g_autoptr(GByteArray) len = g_byte_array_new ();
    char names[2][8] = { "x", "name" };
    put_uint (len, 8, 4);
    put_element (info, MI_INT32, len->data, 4, TRUE);
    put_element (info, MI_INT8, (const guint8 *) names, 16, FALSE);
    put_numeric (info, CLS_DOUBLE, 0, MI_DOUBLE, 1, 1, "", (const double[]) { 2.5 });
    note = begin_matrix (CLS_CHAR, 0, 2, (const guint[]) { 1, 2 }, "");
    put_element (note, MI_UTF8, (const guint8 *) "hi", 2, TRUE);
    end_matrix (info, note);
  }
  end_matrix (file, info);
  {
    GByteArray *inner = g_byte_array_new ();
    put_numeric (inner, CLS_SINGLE, 0, MI_SINGLE, 1, 2, "v1", (const double[]) { 1, 1 });
    put_compressed (file, inner);
  }
  path = save_mat ("vectors.mat", file);

  mat = ddl_mat_load (path, DDL_MAT_LABELS_MAX_NUMERIC, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mat->variables->len, ==, 4);
  value = ddl_mat_file_lookup (mat, "info");
  g_assert_cmpint (value->kind, ==, DDL_MAT_STRUCT);
  g_assert_cmpuint (value->n_fields, ==, 2);
  g_assert_cmpfloat (ddl_mat_value_get_field (value, 0, "x")->data[0], ==, 2.5);
  g_assert_cmpfloat (ddl_mat_value_get_field (value, 0, "name")->data[1], ==, 'i');
  g_assert_null (ddl_mat_value_get_field (value, 0, "missing"));
  value = ddl_mat_file_lookup (mat, "v10");
  g_assert_true (value->logical);
  g_assert_cmpint (value->klass, ==, DDL_MAT_CLASS_UINT8);
  g_assert_cmpuint (value->n_nonzero, ==, 2);

  labels = ddl_labels_load (path, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (labels->format, ==, DDL_LABELS_FORMAT_MAT_VECTORS);
  g_assert_cmpuint (labels->videos->len, ==, 3);     /* 'info' is not a label vector */
  assert_video (labels, 0, "v1", (const guint8[]) { 1, 1 }, 2);   /* natural order */
  assert_video (labels, 1, "v2", (const guint8[]) { 0, 0, 1, 1 }, 4);
  assert_video (labels, 2, "v10", (const guint8[]) { 1, 0, 1 }, 3);
}

/* volLabel = { masks } with masks of h x w; masks[f] has a set pixel if set[f]. */
static char *
save_mask_file (const char *name, const guint8 *set, guint n, guint h, guint w)
{
  GByteArray *file = mat_file (), *inner = g_byte_array_new ();
  GByteArray *cell = begin_matrix (CLS_CELL, 0, 2, (const guint[]) { 1, n }, "volLabel");
  g_autofree double *pixels = g_new0 (double, h * w);

  for (guint f = 0; f < n; f++)
    {
      pixels[(f * 7) % (h * w)] = set[f] ? 1 : 0;   /* the set pixel moves around */
      put_numeric (cell, CLS_UINT8, 0x02, MI_UINT8, h, w, "", pixels);
      pixels[(f * 7) % (h * w)] = 0;
    }
  end_matrix (inner, cell);
  put_compressed (file, inner);
  return save_mat (name, file);
}

static void
test_mat_masks (void)
{
  const guint8 small[3] = { 0, 1, 0 }, large[2] = { 1, 0 };
  g_autofree char *one = save_mask_file ("one/7_label.mat", small, 3, 4, 5);
  /* 70 x 70 > DDL_MAT_LABELS_MAX_NUMERIC: only the non-zero count is kept */
  g_autofree char *a = save_mask_file ("masks/10_label.mat", large, 2, 70, 70);
  g_autofree char *b = save_mask_file ("masks/2_label.mat", small, 3, 4, 5);
  g_autofree char *folder = g_build_filename (tmp_dir, "masks", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlLabels) single = NULL, labels = NULL;

  single = ddl_labels_load (one, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (single->format, ==, DDL_LABELS_FORMAT_MAT_MASKS);
  assert_video (single, 0, "07", small, 3);

  g_assert_true (ddl_labels_is_label_folder (folder));
  labels = ddl_labels_load (folder, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (labels->videos->len, ==, 2);
  assert_video (labels, 0, "02", small, 3);     /* 2 before 10 */
  assert_video (labels, 1, "10", large, 2);
}

static GByteArray *
copy_bytes (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length;
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_byte_array_new_take ((guint8 *) g_steal_pointer (&contents), length);
}

static void
expect_mat_error (const char *name, GByteArray *bytes, int code, const char *want,
                  const char *want2)
{
  g_autofree char *path = write_file (name, bytes->data, bytes->len);
  GError *error = NULL;

  g_assert_null (ddl_labels_load (path, gt_lengths, 3, &error));
  ASSERT_ERROR (error, DDL_LABELS_ERROR, code, name, want, want2);
  g_clear_error (&error);
  g_byte_array_unref (bytes);
}

static void
test_mat_bad (void)
{
  g_autofree char *zipped = NULL, *plain = NULL;
  GByteArray *file, *bytes;

  /* a compressed and a plain gt file to damage */
  file = mat_file ();
  {
    GByteArray *inner = g_byte_array_new ();
    end_matrix (inner, gt_cell (MI_DOUBLE, CLS_DOUBLE));
    put_compressed (file, inner);
  }
  zipped = save_mat ("good-zipped.mat", file);
  file = mat_file ();
  end_matrix (file, gt_cell (MI_DOUBLE, CLS_DOUBLE));
  plain = save_mat ("good-plain.mat", file);

  bytes = copy_bytes (zipped);
  g_byte_array_set_size (bytes, 128 + 8 + 20);   /* zlib stream cut short */
  expect_mat_error ("cut-zlib.mat", bytes, DDL_LABELS_ERROR_FORMAT, "runs past the end",
                    "byte offset 128");

  bytes = copy_bytes (zipped);
  /* keep the tag's length honest but drop the stream's end */
  bytes->data[128 + 4] = 20;
  bytes->data[128 + 5] = bytes->data[128 + 6] = bytes->data[128 + 7] = 0;
  g_byte_array_set_size (bytes, 128 + 8 + 20);
  expect_mat_error ("short-zlib.mat", bytes, DDL_LABELS_ERROR_FORMAT, "zlib", "offset");

  bytes = copy_bytes (zipped);
  for (guint i = 128 + 8 + 2; i < bytes->len - 4; i += 3)
    bytes->data[i] ^= 0x5a;                      /* corrupt deflate data */
  expect_mat_error ("bad-zlib.mat", bytes, DDL_LABELS_ERROR_FORMAT, "zlib", "file offset 128");

  bytes = copy_bytes (plain);
  g_byte_array_set_size (bytes, bytes->len - 30);
  expect_mat_error ("cut-plain.mat", bytes, DDL_LABELS_ERROR_FORMAT, "runs past the end",
                    "byte offset");

  bytes = copy_bytes (plain);
  bytes->data[128 + 8 + 16 + 8] = 9;            /* first dimension 1 -> 9: 9x3 cell */
  expect_mat_error ("bad-dims.mat", bytes, DDL_LABELS_ERROR_FORMAT, "byte offset", "enclosing");

  bytes = copy_bytes (plain);
  g_byte_array_set_size (bytes, 100);
  expect_mat_error ("short.mat", bytes, DDL_LABELS_ERROR_FORMAT, "128-byte header", "short");

  bytes = g_byte_array_new ();
  g_byte_array_append (bytes, (const guint8 *) "MATLAB 7.3 MAT-file, Platform: GLNXA64", 38);
  g_byte_array_set_size (bytes, 512);
  memset (bytes->data + 38, 0, 512 - 38);
  expect_mat_error ("hdf5.mat", bytes, DDL_LABELS_ERROR_FORMAT, "7.3", "HDF5");

  bytes = g_byte_array_new ();
  for (guint i = 0; i < 300; i++)
    g_byte_array_append (bytes, (const guint8[]) { (guint8) (i * 37 + 11) }, 1);
  expect_mat_error ("garbage.mat", bytes, DDL_LABELS_ERROR_FORMAT, "not a MATLAB", "level-5");

  /* wrong variable: only a struct and a 3x3 matrix */
  file = mat_file ();
  {
    GByteArray *s = begin_matrix (CLS_STRUCT, 0, 2, (const guint[]) { 1, 1 }, "foo");
    g_autoptr(GByteArray) len = g_byte_array_new ();
    put_uint (len, 8, 4);
    put_element (s, MI_INT32, len->data, 4, TRUE);
    put_element (s, MI_INT8, (const guint8 *) "a\0\0\0\0\0\0\0", 8, FALSE);
    put_numeric (s, CLS_DOUBLE, 0, MI_DOUBLE, 1, 1, "", (const double[]) { 1 });
    end_matrix (file, s);
    put_numeric (file, CLS_DOUBLE, 0, MI_DOUBLE, 3, 3, "img",
                 (const double[]) { 0, 1, 0, 1, 0, 1, 0, 1, 0 });
  }
  expect_mat_error ("wrong.mat", file, DDL_LABELS_ERROR_FORMAT, "no label variable",
                    "foo (struct)");

  /* a vector that is not 0/1 */
  file = mat_file ();
  put_numeric (file, CLS_DOUBLE, 0, MI_DOUBLE, 1, 3, "v01", (const double[]) { 0, 3, 1 });
  expect_mat_error ("notbinary.mat", file, DDL_LABELS_ERROR_FORMAT, "'v01'", "index 1");

  /* an interval outside its video: video c has 3 frames */
  file = mat_file ();
  {
    GByteArray *cell = begin_matrix (CLS_CELL, 0, 2, (const guint[]) { 1, 3 }, "gt");
    put_numeric (cell, CLS_DOUBLE, 0, MI_DOUBLE, 2, 1, "", (const double[]) { 1, 1 });
    put_numeric (cell, CLS_DOUBLE, 0, MI_DOUBLE, 2, 1, "", (const double[]) { 1, 1 });
    put_numeric (cell, CLS_DOUBLE, 0, MI_DOUBLE, 2, 1, "", (const double[]) { 2, 4 });
    end_matrix (file, cell);
  }
  expect_mat_error ("outside.mat", file, DDL_LABELS_ERROR_MISMATCH, "video c", "2-4");

  /* two videos in the file, three in the dataset */
  file = mat_file ();
  {
    GByteArray *cell = begin_matrix (CLS_CELL, 0, 2, (const guint[]) { 1, 2 }, "gt");
    put_numeric (cell, CLS_DOUBLE, 0, MI_DOUBLE, 2, 1, "", (const double[]) { 1, 1 });
    put_numeric (cell, CLS_DOUBLE, 0, MI_DOUBLE, 2, 1, "", (const double[]) { 1, 1 });
    end_matrix (file, cell);
  }
  expect_mat_error ("count.mat", file, DDL_LABELS_ERROR_MISMATCH, "2 videos", "3 test videos");

  /* cells nested 40 deep: refused, not a stack overflow */
  {
    GByteArray *inner = g_byte_array_new ();
    put_numeric (inner, CLS_DOUBLE, 0, MI_DOUBLE, 1, 1, "", (const double[]) { 1 });
    for (guint d = 0; d < 40; d++)
      {
        GByteArray *cell = begin_matrix (CLS_CELL, 0, 2, (const guint[]) { 1, 1 },
                                         d == 39 ? "gt" : "");
        g_byte_array_append (cell, inner->data, inner->len);
        g_byte_array_set_size (inner, 0);
        end_matrix (inner, cell);
      }
    file = mat_file ();
    g_byte_array_append (file, inner->data, inner->len);
    g_byte_array_unref (inner);
    expect_mat_error ("deep.mat", file, DDL_LABELS_ERROR_FORMAT, "nested", "byte offset");
  }
}

/* ---- text formats ----------------------------------------------------------------- */

static void
test_ucsd_m (void)
{
  g_autofree char *path = write_text ("multi.m",
    "TestVideoFile = {};\n"
    "% a comment line with gt_frame in it would be ignored\n"
    "TestVideoFile{end+1}.gt_frame = [2:3, 6:7];  % two ranges\r\n"
    "TestVideoFile{end+1}.gt_frame = [5];\n"
    "TestVideoFile{end+1}.gt_frame = [];\n");
  const DdlVideoLength lengths[3] = { { "01", 8 }, { "02", 5 }, { "03", 2 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlLabels) labels = ddl_labels_load (path, lengths, 3, &error);

  g_assert_no_error (error);
  assert_video (labels, 0, "01", (const guint8[]) { 0, 1, 1, 0, 0, 1, 1, 0 }, 8);
  assert_video (labels, 1, "02", (const guint8[]) { 0, 0, 0, 0, 1 }, 5);
  assert_video (labels, 2, "03", (const guint8[]) { 0, 0 }, 2);
  g_assert_cmpuint (ddl_labels_get_n_anomalous (labels), ==, 5);

  {
    g_autofree char *bad = write_text ("bad.m", "TestVideoFile{end+1}.gt_frame = [1:4];\n"
                                       "TestVideoFile{end+1}.gt_frame = [a:b];\n");
    g_autofree char *none = write_text ("none.m", "x = 3;\n");
    g_autofree char *beyond = write_text ("beyond.m", "TestVideoFile{end+1}.gt_frame = [1:9];\n");
    g_autofree char *unclosed = write_text ("open.m", "TestVideoFile{end+1}.gt_frame = [1:3\n");
    GError *e = NULL;

    g_assert_null (ddl_labels_load (bad, lengths, 2, &e));
    ASSERT_ERROR (e, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT, "bad.m:2", "frame number");
    g_clear_error (&e);
    g_assert_null (ddl_labels_load (none, lengths, 3, &e));
    ASSERT_ERROR (e, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT, "none.m", "gt_frame");
    g_clear_error (&e);
    g_assert_null (ddl_labels_load (beyond, lengths, 1, &e));
    ASSERT_ERROR (e, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH, "beyond.m", "video 01",
                  "1-9", "8 frames");
    g_clear_error (&e);
    g_assert_null (ddl_labels_load (unclosed, lengths, 1, &e));
    ASSERT_ERROR (e, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT, "open.m:1");
    g_clear_error (&e);
    g_assert_null (ddl_labels_load (path, lengths, 2, &e));
    ASSERT_ERROR (e, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH, "multi.m", "3 videos",
                  "2 test videos");
    g_clear_error (&e);
  }
}

static void
test_json (void)
{
  /* FFP evaluate.py: gt entries are 0-based and inclusive */
  g_autofree char *path = write_text ("toy.json",
    "{\"b01\": {\"length\": 6, \"gt\": [[1, 2], [5, 5]]},\n"
    " \"a02\": {\"length\": 3, \"gt\": [0, 1]},\n"
    " \"c03\": {\"length\": 2, \"gt\": []}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlLabels) labels = ddl_labels_load (path, NULL, 0, &error);
  const struct { const char *name, *text, *want; } bad[] = {
    { "syntax.json", "{\"a\": {\"length\": 3,", "syntax.json" },
    { "nolen.json", "{\"a\": {\"gt\": []}}", "\"length\"" },
    { "badgt.json", "{\"a\": {\"length\": 3, \"gt\": [[1]]}}", "[start, end]" },
    { "array.json", "[1, 2]", "expected a JSON object" },
    { "range.json", "{\"a\": {\"length\": 9, \"gt\": [[5, 9]]}}", "5-9" },
  };

  g_assert_no_error (error);
  g_assert_cmpint (labels->format, ==, DDL_LABELS_FORMAT_JSON);
  assert_video (labels, 0, "b01", (const guint8[]) { 0, 1, 1, 0, 0, 1 }, 6);   /* file order */
  assert_video (labels, 1, "a02", (const guint8[]) { 1, 1, 0 }, 3);
  assert_video (labels, 2, "c03", (const guint8[]) { 0, 0 }, 2);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *p = write_text (bad[i].name, bad[i].text);
      GError *e = NULL;
      g_assert_null (ddl_labels_load (p, NULL, 0, &e));
      g_assert_nonnull (e);
      g_assert_true (g_error_matches (e, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT)
                     || g_error_matches (e, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH));
      ASSERT_ERROR (e, e->domain, e->code, bad[i].name, bad[i].want);
      g_clear_error (&e);
    }
}

static void
test_csv (void)
{
  g_autofree char *path = write_text ("labels.csv",
    "video,frame,label\n"
    "v2,1,1\n"
    "v1,0,0\n"
    "v2,0,0\r\n"
    "v1,1,1\n"
    "\n"
    "v1,2,1.0\n");
  g_autofree char *saved = g_build_filename (tmp_dir, "saved.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlLabels) labels = ddl_labels_load (path, NULL, 0, &error);
  g_autoptr(DdlLabels) again = NULL;
  const struct { const char *name, *text, *want; } bad[] = {
    { "nohead.csv", "v1,0,1\n", "nohead.csv:1: the header" },
    { "value.csv", "video,frame,label\nv1,0,2\n", "value.csv:2: label must be 0 or 1" },
    { "dup.csv", "video,frame,label\nv1,0,1\nv1,0,0\n", "dup.csv:3: frame 0 of video 'v1'" },
    { "gap.csv", "video,frame,label\nv1,0,1\nv1,2,0\n", "no label for frame 1" },
    { "frame.csv", "video,frame,label\nv1,x,1\n", "frame.csv:2: frame must be" },
    { "fields.csv", "video,frame,label\nv1,0\n", "fields.csv:2: expected three fields" },
    { "empty.csv", "video,frame,label\n", "no label rows" },
  };

  g_assert_no_error (error);
  assert_video (labels, 0, "v2", (const guint8[]) { 0, 1 }, 2);
  assert_video (labels, 1, "v1", (const guint8[]) { 0, 1, 1 }, 3);
  g_assert_true (ddl_labels_save_csv (labels, saved, &error));
  again = ddl_labels_load (saved, NULL, 0, &error);
  g_assert_no_error (error);
  assert_video (again, 0, "v2", (const guint8[]) { 0, 1 }, 2);
  assert_video (again, 1, "v1", (const guint8[]) { 0, 1, 1 }, 3);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *p = write_text (bad[i].name, bad[i].text);
      GError *e = NULL;
      g_assert_null (ddl_labels_load (p, NULL, 0, &e));
      ASSERT_ERROR (e, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT, bad[i].want);
      g_clear_error (&e);
    }
}

/* ---- consistency, names, folders ------------------------------------------------ */

static void
test_check (void)
{
  g_autoptr(DdlLabels) labels = ddl_labels_new ();
  g_autoptr(DdlLabels) unsplit = ddl_labels_new ();
  const DdlVideoLength good[2] = { { "01", 4 }, { "2", 3 } };
  const DdlVideoLength bad[3] = { { "01", 5 }, { "02", 3 }, { "missing", 7 } };
  g_autoptr(GError) error = NULL;

  ddl_labels_add_video (labels, "1", NULL, 4);
  ddl_labels_add_video (labels, "02", NULL, 3);
  ddl_labels_add_video (labels, "extra", NULL, 2);
  g_assert_true (ddl_labels_names_match ("1", "001"));
  g_assert_false (ddl_labels_names_match ("1a", "01a"));
  g_assert_false (ddl_labels_names_match ("", "0"));
  g_assert_nonnull (ddl_labels_lookup (labels, "01"));
  g_assert_null (ddl_labels_lookup (labels, "3"));

  g_assert_false (ddl_labels_check (labels, good, 2, &error));   /* 'extra' */
  ASSERT_ERROR (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH, "1 problem", "extra");
  g_clear_error (&error);
  g_ptr_array_remove_index (labels->videos, 2);
  g_assert_true (ddl_labels_check (labels, good, 2, &error));
  g_assert_no_error (error);
  g_assert_false (ddl_labels_check (labels, bad, 3, &error));
  ASSERT_ERROR (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH, "2 problems",
                "01 has 4 labels but 5 frames", "missing has no labels");
  g_clear_error (&error);

  unsplit->format = DDL_LABELS_FORMAT_NPY;
  ddl_labels_add_video (unsplit, DDL_LABELS_ALL, NULL, 7);
  g_assert_true (ddl_labels_check (unsplit, good, 2, &error));
  g_assert_false (ddl_labels_check (unsplit, bad, 3, &error));
  ASSERT_ERROR (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_MISMATCH, "7 concatenated", "15 frames");
}

static void
test_folders (void)
{
  const guint8 data[3] = { 0, 1, 1 };
  g_autofree char *sht = g_build_filename (tmp_dir, "sht", "testing", "test_frame_mask", NULL);
  g_autofree char *sht_root = g_build_filename (tmp_dir, "sht", NULL);
  g_autofree char *empty = g_build_filename (tmp_dir, "empty", NULL);
  g_autofree char *p1 = write_npy ("sht/testing/test_frame_mask/01_10.npy", 1,
                                   "{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }",
                                   data, 3);
  g_autofree char *p2 = write_npy ("sht/testing/test_frame_mask/01_9.npy", 1,
                                   "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }",
                                   data, 2);
  g_autofree char *m = write_text ("mixed/UCSD.m", "TestVideoFile{end+1}.gt_frame = [1:2];\n");
  g_autofree char *npy = write_npy ("mixed/frame_labels_x.npy", 1, "{'descr': '|u1', "
                                    "'fortran_order': False, 'shape': (3,), }", data, 3);
  g_autofree char *boxes = write_text ("mixed/tracked_bounding_boxes.json", "{}");
  g_autofree char *mixed = g_build_filename (tmp_dir, "mixed", NULL);
  g_autofree char *found = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DdlLabels) labels = NULL;

  g_assert_true (ddl_labels_is_label_folder (sht));
  g_assert_false (ddl_labels_is_label_folder (sht_root));
  found = ddl_labels_find_in_folder (sht_root, &error);
  g_assert_cmpstr (found, ==, sht);
  labels = ddl_labels_load (sht_root, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (labels->format, ==, DDL_LABELS_FORMAT_NPY_FOLDER);
  assert_video (labels, 0, "01_9", data, 2);     /* natural order: 9 before 10 */
  assert_video (labels, 1, "01_10", data, 3);
  g_clear_pointer (&found, g_free);

  found = ddl_labels_find_in_folder (mixed, &error);   /* .m first, JSON boxes never */
  g_assert_cmpstr (found, ==, m);
  g_unlink (m);
  g_clear_pointer (&found, g_free);
  found = ddl_labels_find_in_folder (mixed, &error);
  g_assert_cmpstr (found, ==, npy);

  g_assert_cmpint (g_mkdir_with_parents (empty, 0755), ==, 0);
  g_clear_pointer (&labels, ddl_labels_free);
  labels = ddl_labels_load (empty, NULL, 0, &error);
  g_assert_null (labels);
  ASSERT_ERROR (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_NOT_FOUND, "empty", "no label file");
  g_clear_error (&error);
  labels = ddl_labels_load ("/nonexistent/labels.npy", NULL, 0, &error);
  ASSERT_ERROR (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_OPEN, "/nonexistent/labels.npy");
  g_clear_error (&error);
  {
    g_autofree char *txt = write_text ("notes.txt", "hello");
    labels = ddl_labels_load (txt, NULL, 0, &error);
    ASSERT_ERROR (error, DDL_LABELS_ERROR, DDL_LABELS_ERROR_FORMAT, "notes.txt", "unknown");
  }
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("ddl-test-labels-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);

  g_test_add_func ("/ddl/labels/real/ped2", test_real_ped2);
  g_test_add_func ("/ddl/labels/real/avenue", test_real_avenue);
  g_test_add_func ("/ddl/labels/real/shanghaitech", test_real_shanghaitech);
  g_test_add_func ("/ddl/labels/real/source", test_real_source);
  g_test_add_func ("/ddl/labels/npy/dtypes", test_npy_dtypes);
  g_test_add_func ("/ddl/labels/npy/bad", test_npy_bad);
  g_test_add_func ("/ddl/labels/mat/intervals", test_mat_intervals);
  g_test_add_func ("/ddl/labels/mat/tree-and-vectors", test_mat_tree_and_vectors);
  g_test_add_func ("/ddl/labels/mat/masks", test_mat_masks);
  g_test_add_func ("/ddl/labels/mat/bad", test_mat_bad);
  g_test_add_func ("/ddl/labels/ucsd-m", test_ucsd_m);
  g_test_add_func ("/ddl/labels/json", test_json);
  g_test_add_func ("/ddl/labels/csv", test_csv);
  g_test_add_func ("/ddl/labels/check", test_check);
  g_test_add_func ("/ddl/labels/folders", test_folders);
  status = g_test_run ();

  ddl_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
