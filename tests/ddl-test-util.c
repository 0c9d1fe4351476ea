#include "ddl-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static DdlEngine *test_engine;
static gboolean   test_engine_tried;

DdlEngine *
ddl_test_engine (void)
{
  if (!test_engine_tried)
    {
      g_autoptr(GError) error = NULL;
      DdlEngineOptions options = { NULL, TRUE };

      test_engine_tried = TRUE;
      test_engine = ddl_engine_new (&options, &error);
      if (test_engine == NULL)
        {
          /* No driver at all is a SKIP; anything else (validation layer missing,
           * device creation failing) is a real failure. */
          if (!g_error_matches (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_NO_DEVICE)
              && !g_error_matches (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_NO_LOADER))
            g_error ("cannot open the Vulkan engine: %s", error->message);
          g_printerr ("# no Vulkan device: %s\n", error->message);
        }
      else
        {
          const DdlDeviceInfo *info = ddl_engine_get_device (test_engine);
          g_printerr ("# device: %s (%s, %s I/O, local size %u, subgroup %u)\n", info->name,
                      info->driver_info, info->texel_io ? "texel" : "storage",
                      ddl_engine_local_size (test_engine), info->subgroup_size);
        }
    }
  if (test_engine == NULL)
    g_test_skip ("no Vulkan device");
  return test_engine;
}

void
ddl_test_assert_no_validation (void)
{
  if (test_engine != NULL)
    g_assert_cmpuint (ddl_engine_get_validation_messages (test_engine), ==, 0);
}

void
ddl_test_engine_shutdown (void)
{
  if (test_engine != NULL)
    {
      guint messages = ddl_engine_get_validation_messages (test_engine);
      g_clear_pointer (&test_engine, ddl_engine_free);
      if (messages != 0)
        g_error ("the Vulkan validation layer reported %u message(s)", messages);
    }
}

static guint64
xorshift (guint64 *state)
{
  guint64 x = *state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *state = x;
}

void
ddl_test_random_double (double *out, gsize n, guint64 seed, double lo, double hi)
{
  guint64 state = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
  for (gsize i = 0; i < n; i++)
    {
      double u = (double) (xorshift (&state) >> 11) / 9007199254740992.0;
      out[i] = lo + (hi - lo) * u;
    }
}

void
ddl_test_random (float *out, gsize n, guint64 seed, float lo, float hi)
{
  guint64 state = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
  for (gsize i = 0; i < n; i++)
    {
      double u = (double) (xorshift (&state) >> 11) / 9007199254740992.0;
      out[i] = (float) (lo + (hi - lo) * u);
    }
}

double *
ddl_test_to_double (const float *in, gsize n)
{
  double *out = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    out[i] = in[i];
  return out;
}

float *
ddl_test_to_float (const double *in, gsize n)
{
  float *out = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    out[i] = (float) in[i];
  return out;
}

DdlBuffer *
ddl_test_upload (const float *data, gsize n)
{
  g_autoptr(GError) error = NULL;
  DdlBuffer *buffer = ddl_buffer_new_floats (test_engine, data, n, &error);
  g_assert_no_error (error);
  return buffer;
}

DdlBuffer *
ddl_test_zeros (gsize n)
{
  return ddl_test_upload (NULL, n);
}

float *
ddl_test_download (DdlBuffer *buffer, gsize n)
{
  g_autoptr(GError) error = NULL;
  float *out = g_new (float, n);
  ddl_buffer_read (buffer, 0, out, n * sizeof (float), &error);
  g_assert_no_error (error);
  return out;
}

void
ddl_test_run (DdlCmd *cmd)
{
  g_autoptr(GError) error = NULL;
  ddl_cmd_run (cmd, &error);
  g_assert_no_error (error);
}

void
ddl_test_assert_close (const char   *what,
                       const float  *got,
                       const double *want,
                       gsize         n,
                       double        atol,
                       double        rtol)
{
  gsize bad = 0, worst = 0;
  double worst_excess = -1.0;

  for (gsize i = 0; i < n; i++)
    {
      double err = fabs ((double) got[i] - want[i]);
      double limit = atol + rtol * fabs (want[i]);
      if (!(err <= limit))  /* also catches NaN */
        {
          if (bad < 5)
            g_printerr ("# %s[%" G_GSIZE_FORMAT "]: got %.9g, want %.9g (err %.3g, limit %.3g)\n",
                        what, i, got[i], want[i], err, limit);
          if (isnan (err) || err - limit > worst_excess)
            {
              worst_excess = isnan (err) ? INFINITY : err - limit;
              worst = i;
            }
          bad++;
        }
    }
  if (bad > 0)
    {
      g_printerr ("# %s: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " outside tolerance, worst at %"
                  G_GSIZE_FORMAT "\n", what, bad, n, worst);
      g_test_fail_printf ("%s: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                          " values outside atol %.2g rtol %.2g", what, bad, n, atol, rtol);
    }
}

void
ddl_test_numeric_grad (DdlTestScalarFunc f, gpointer user_data,
                       double *x, gsize n, double h, double *grad)
{
  for (gsize i = 0; i < n; i++)
    {
      double saved = x[i];
      x[i] = saved + h;
      double fp = f (x, user_data);
      x[i] = saved - h;
      double fm = f (x, user_data);
      x[i] = saved;
      grad[i] = (fp - fm) / (2.0 * h);
    }
}

void
ddl_test_assert_grad (const char *what, const double *analytic,
                      const double *numeric, gsize n, double tol)
{
  double scale = 1.0, worst = 0.0;
  gsize worst_i = 0;
  for (gsize i = 0; i < n; i++)
    scale = MAX (scale, fabs (numeric[i]));
  for (gsize i = 0; i < n; i++)
    {
      double err = fabs (analytic[i] - numeric[i]);
      if (isnan (err) || err > worst)
        {
          worst = isnan (err) ? INFINITY : err;
          worst_i = i;
        }
    }
  if (worst / scale > tol)
    g_test_fail_printf ("%s: gradient mismatch at %" G_GSIZE_FORMAT ": analytic %.9g, numeric %.9g"
                        " (relative error %.3g > %.3g)", what, worst_i, analytic[worst_i],
                        numeric[worst_i], worst / scale, tol);
}

void
ddl_test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          ddl_test_remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}
