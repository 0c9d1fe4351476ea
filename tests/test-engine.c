/* The Vulkan engine itself: device choice, buffers, recording and replay,
 * profiling, limits, the loop-limit trap, multi-pass reductions, validation. */
#include "ddl-test-util.h"

#include <math.h>
#include <string.h>

static void
test_devices (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  guint chosen = 0;

  if (!ddl_test_engine ())
    return;
  devices = ddl_engine_list_devices (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (devices->len, >, 0);
  for (guint i = 0; i < devices->len; i++)
    {
      DdlDeviceInfo *d = devices->pdata[i];
      g_assert_cmpuint (d->index, ==, i);
      g_assert_nonnull (d->name);
      g_assert_cmpuint (d->subgroup_size, >=, 1);
      chosen += d->chosen;
    }
  g_assert_cmpuint (chosen, ==, 1);

  /* "cpu" picks a CPU device where there is one; an impossible name fails clearly. */
  g_clear_pointer (&devices, g_ptr_array_unref);
  devices = ddl_engine_list_devices ("cpu", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < devices->len; i++)
    {
      DdlDeviceInfo *d = devices->pdata[i];
      if (d->chosen)
        g_assert_cmpint (d->type, ==, DDL_DEVICE_TYPE_CPU);
    }

  DdlEngineOptions options = { "no-such-device-xyz", FALSE };
  DdlEngine *engine = ddl_engine_new (&options, &error);
  g_assert_null (engine);
  g_assert_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_DEVICE_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-device-xyz"));
}

/* No loader / no driver: clear errors naming the Debian packages. Run in a
 * subprocess because the Vulkan loader caches the driver list per process. */
static void
test_no_driver (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_setenv ("VK_ICD_FILENAMES", "/nonexistent/icd.json", TRUE);
      g_setenv ("VK_DRIVER_FILES", "/nonexistent/icd.json", TRUE);
      DdlEngine *engine = ddl_engine_new (NULL, &error);
      g_assert_null (engine);
      g_assert_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_NO_DEVICE);
      g_print ("%s\n", error->message);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*mesa-vulkan-drivers*");
}

static void
test_no_loader (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_setenv ("DDL_VULKAN_LIBRARY", "/nonexistent/libvulkan.so.1", TRUE);
      g_assert_null (ddl_engine_new (NULL, &error));
      g_assert_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_NO_LOADER);
      g_print ("%s\n", error->message);
      g_clear_error (&error);
      g_assert_null (ddl_engine_list_devices (NULL, &error));
      g_assert_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_NO_LOADER);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*libvulkan1*");
}

/* Validation messages must not pass silently: an invalid call is reported as a
 * critical (fatal in tests) and counted. */
static void
test_validation_catches (void)
{
  if (g_test_subprocess ())
    {
      DdlEngine *engine = ddl_test_engine ();
      if (engine == NULL)
        return;
      g_assert_true (ddl_engine_provoke_validation_error (engine));
      return;  /* not reached: the critical aborts */
    }
  if (!ddl_test_engine ())
    return;
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*Vulkan validation*");
}

static void
test_buffers (void)
{
  DdlEngine *engine = ddl_test_engine ();
  g_autoptr(GError) error = NULL;
  float data[37], back[37];

  if (engine == NULL)
    return;
  ddl_test_random (data, G_N_ELEMENTS (data), 1, -1, 1);
  g_autoptr(DdlBuffer) buffer = ddl_buffer_new (engine, sizeof data, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ddl_buffer_get_size (buffer), ==, sizeof data);

  /* New buffers read as zeros. */
  g_assert_true (ddl_buffer_read (buffer, 0, back, sizeof back, &error));
  for (guint i = 0; i < G_N_ELEMENTS (back); i++)
    g_assert_cmpfloat (back[i], ==, 0.0f);

  g_assert_true (ddl_buffer_write (buffer, 0, data, sizeof data, &error));
  g_assert_true (ddl_buffer_read (buffer, 8, back, sizeof data - 8, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (back, sizeof data - 8, data + 2, sizeof data - 8);

  g_assert_false (ddl_buffer_write (buffer, 100, data, sizeof data, &error));
  g_assert_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_FAILED);
  g_clear_error (&error);

  /* An impossible allocation is an error, not a crash. */
  g_assert_null (ddl_buffer_new (engine, (gsize) 1 << 42, &error));
  g_assert_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_OUT_OF_MEMORY);
}

/* A recorded command replays: axpy accumulates once per run, and runs see host
 * writes made between them. */
static void
test_replay (void)
{
  DdlEngine *engine = ddl_test_engine ();
  const guint n = 1001;
  float x[1001];

  if (engine == NULL)
    return;
  ddl_test_random (x, n, 7, -2, 2);
  g_autoptr(DdlBuffer) src = ddl_test_upload (x, n);
  g_autoptr(DdlBuffer) dst = ddl_test_zeros (n);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);
  DdlAxpyParams p = { n, 0.5f };
  ddl_cmd_dispatch (cmd, DDL_KERNEL_axpy, (DdlBinding[]) { DDL_BIND (src), DDL_BIND (dst) }, &p, n);

  for (int run = 1; run <= 3; run++)
    ddl_test_run (cmd);
  g_autofree float *got = ddl_test_download (dst, n);
  g_autofree double *want = g_new (double, n);
  for (guint i = 0; i < n; i++)
    want[i] = 1.5 * x[i];
  ddl_test_assert_close ("axpy x3", got, want, n, 1e-6, 1e-6);

  /* New input between runs. */
  for (guint i = 0; i < n; i++)
    x[i] = i;
  g_assert_true (ddl_buffer_write (src, 0, x, sizeof x, NULL));
  ddl_test_run (cmd);
  g_autofree float *got2 = ddl_test_download (dst, n);
  for (guint i = 0; i < n; i++)
    want[i] += 0.5 * i;
  ddl_test_assert_close ("axpy after write", got2, want, n, 1e-5, 1e-6);
}

static void
test_profiling (void)
{
  DdlEngine *engine = ddl_test_engine ();
  const guint n = 4096;

  if (engine == NULL)
    return;
  g_autoptr(DdlBuffer) a = ddl_test_zeros (n);
  g_autoptr(DdlBuffer) b = ddl_test_zeros (n);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);
  ddl_cmd_set_profiling (cmd, TRUE);
  DdlFillParams fill = { n, 3.0f };
  DdlCopyParams copy = { n, 0, 0 };
  ddl_cmd_dispatch (cmd, DDL_KERNEL_fill, (DdlBinding[]) { DDL_BIND (a) }, &fill, n);
  ddl_cmd_dispatch (cmd, DDL_KERNEL_copy, (DdlBinding[]) { DDL_BIND (a), DDL_BIND (b) }, &copy, n);
  ddl_test_run (cmd);
  ddl_test_run (cmd);
  const GArray *timings = ddl_cmd_get_timings (cmd);
  g_assert_nonnull (timings);
  g_assert_cmpuint (timings->len, ==, 2);
  g_assert_cmpint (g_array_index (timings, DdlDispatchTime, 0).kernel, ==, DDL_KERNEL_fill);
  g_assert_cmpint (g_array_index (timings, DdlDispatchTime, 1).kernel, ==, DDL_KERNEL_copy);
  for (guint i = 0; i < 2; i++)
    {
      double ms = g_array_index (timings, DdlDispatchTime, i).ms;
      g_assert_cmpfloat (ms, >, 0.0);
      g_assert_cmpfloat (ms, <, 10000.0);
    }
  g_autofree float *got = ddl_test_download (b, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpfloat (got[i], ==, 3.0f);
}

/* More workgroups than maxComputeWorkGroupCount[0] allows in x: spread over y. */
static void
test_large_dispatch (void)
{
  DdlEngine *engine = ddl_test_engine ();
  if (engine == NULL)
    return;
  const guint n = 65535u * ddl_engine_local_size (engine) + 12345;
  g_autoptr(DdlBuffer) a = ddl_test_zeros (n);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);
  DdlFillParams fill = { n, 1.0f };
  ddl_cmd_dispatch (cmd, DDL_KERNEL_fill, (DdlBinding[]) { DDL_BIND (a) }, &fill, n);
  ddl_test_run (cmd);
  g_autofree float *got = ddl_test_download (a, n);
  gsize bad = 0;
  for (guint i = 0; i < n; i++)
    bad += got[i] != 1.0f;
  g_assert_cmpuint (bad, ==, 0);
}

/* Documents the trap the kernels are written around: on Mesa 22.3 lavapipe a
 * loop stops after 65,535 iterations per invocation; within the budget it is exact. */
static void
test_loop_limit (void)
{
  DdlEngine *engine = ddl_test_engine ();
  if (engine == NULL)
    return;
  g_autoptr(DdlBuffer) out = ddl_test_zeros (2);
  g_autoptr(DdlCmd) within = ddl_cmd_new (engine);
  DdlLoopProbeParams p = { 2, DDL_LOOP_BUDGET };
  ddl_cmd_dispatch (within, DDL_KERNEL_loop_probe, (DdlBinding[]) { DDL_BIND (out) }, &p, 2);
  ddl_test_run (within);
  g_autofree float *got = ddl_test_download (out, 2);
  g_assert_cmpfloat (got[0], ==, (float) DDL_LOOP_BUDGET);

  g_autoptr(DdlCmd) beyond = ddl_cmd_new (engine);
  p.iterations = 100000;
  ddl_cmd_dispatch (beyond, DDL_KERNEL_loop_probe, (DdlBinding[]) { DDL_BIND (out) }, &p, 2);
  ddl_test_run (beyond);
  g_autofree float *got2 = ddl_test_download (out, 2);
  g_test_message ("a 100,000-iteration loop ran %.0f times on %s", got2[0],
                  ddl_engine_get_device (engine)->name);
  if (got2[0] != 100000.0f)
    g_assert_cmpfloat (got2[0], ==, 65535.0f);  /* the known limit, nothing else */
}

/* Row sums longer than the loop budget go through several passes. */
static void
test_reduce_rows (void)
{
  DdlEngine *engine = ddl_test_engine ();
  const guint rows = 3;
  const guint lens[] = { 1, 777, DDL_LOOP_BUDGET + 1, 200001 };

  if (engine == NULL)
    return;
  for (guint k = 0; k < G_N_ELEMENTS (lens); k++)
    {
      guint64 len = lens[k];
      g_autofree float *x = g_new (float, rows * len);
      ddl_test_random (x, rows * len, 11 + k, -1, 1);
      g_autoptr(DdlBuffer) src = ddl_test_upload (x, rows * len);
      float init[3] = { 1, 2, 3 };
      g_autoptr(DdlBuffer) dst = ddl_test_upload (init, rows);
      g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);
      ddl_op_reduce_rows (cmd, DDL_BIND (dst), DDL_BIND (src), rows, len, 0.25f, 2.0f);
      ddl_test_run (cmd);
      g_autofree float *got = ddl_test_download (dst, rows);
      double want[3];
      for (guint r = 0; r < rows; r++)
        {
          double s = 0;
          for (guint64 i = 0; i < len; i++)
            s += x[r * len + i];
          want[r] = 0.25 * s + 2.0 * init[r];
        }
      /* float accumulation of up to 16k terms of |x| < 1: error grows ~ sqrt(n) eps */
      ddl_test_assert_close ("reduce_rows", got, want, rows, 2e-3, 1e-5);
    }
}

/* Bindings that break device limits are reported, not submitted. */
static void
test_binding_limits (void)
{
  DdlEngine *engine = ddl_test_engine ();
  g_autoptr(GError) error = NULL;

  if (engine == NULL)
    return;
  g_autoptr(DdlBuffer) small = ddl_test_zeros (64);
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);
  DdlFillParams fill = { 8, 1.0f };
  DdlBinding misaligned = { small, 2, 32 };
  ddl_cmd_dispatch (cmd, DDL_KERNEL_fill, &misaligned, &fill, 8);
  g_assert_false (ddl_cmd_run (cmd, &error));
  g_assert_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "fill"));
  g_clear_error (&error);

  /* lavapipe caps a storage buffer binding at 128 MiB. */
  const DdlDeviceInfo *info = ddl_engine_get_device (engine);
  if (info->type == DDL_DEVICE_TYPE_CPU)
    {
      gsize size = 129u << 20;
      g_autoptr(DdlBuffer) big = ddl_buffer_new (engine, size, &error);
      g_assert_no_error (error);
      g_autoptr(DdlCmd) cmd2 = ddl_cmd_new (engine);
      DdlFillParams fill2 = { size / 4, 0.0f };
      ddl_cmd_dispatch (cmd2, DDL_KERNEL_fill, (DdlBinding[]) { DDL_BIND (big) }, &fill2, size / 4);
      g_assert_false (ddl_cmd_run (cmd2, &error));
      g_assert_error (error, DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_LIMIT);
      g_assert_nonnull (strstr (error->message, "MiB"));
    }
}

static void
test_bench_runs (void)
{
  DdlEngine *engine = ddl_test_engine ();
  g_autoptr(GError) error = NULL;

  if (engine == NULL)
    return;
  g_autoptr(GPtrArray) results = ddl_bench_kernels (engine, "copy", 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 1);
  DdlBenchResult *r = results->pdata[0];
  g_assert_cmpstr (r->kernel, ==, "copy");
  g_assert_cmpfloat (r->ms, >, 0);
  g_assert_cmpfloat (r->gbytes, >, 0);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/devices", test_devices);
  g_test_add_func ("/engine/no-driver", test_no_driver);
  g_test_add_func ("/engine/no-loader", test_no_loader);
  g_test_add_func ("/engine/validation-catches", test_validation_catches);
  g_test_add_func ("/engine/buffers", test_buffers);
  g_test_add_func ("/engine/replay", test_replay);
  g_test_add_func ("/engine/profiling", test_profiling);
  g_test_add_func ("/engine/large-dispatch", test_large_dispatch);
  g_test_add_func ("/engine/loop-limit", test_loop_limit);
  g_test_add_func ("/engine/reduce-rows", test_reduce_rows);
  g_test_add_func ("/engine/binding-limits", test_binding_limits);
  g_test_add_func ("/engine/bench", test_bench_runs);
  status = g_test_run ();
  ddl_test_engine_shutdown ();
  return status;
}
