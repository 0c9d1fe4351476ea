/* `ddl bench kernels`: every registered case is recorded once, warmed up, then
 * replayed with timestamp queries; the reported time is the median over repeats
 * of the summed device time of the case's dispatches. */
#include "ddl-bench.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
  char               *kernel;
  char               *shape;
  double              flops;
  double              bytes;
  DdlBenchRecordFunc  record;
  gpointer            user_data;
  GDestroyNotify      free_data;
} BenchCase;

struct _DdlBench {
  DdlEngine *engine;
  GArray    *cases;
};

void
ddl_bench_case (DdlBench *bench, const char *kernel, const char *shape, double flops,
                double bytes, DdlBenchRecordFunc record, gpointer user_data,
                GDestroyNotify free_data)
{
  BenchCase c = { g_strdup (kernel), g_strdup (shape), flops, bytes, record, user_data, free_data };
  g_array_append_val (bench->cases, c);
}

DdlEngine *
ddl_bench_get_engine (DdlBench *bench)
{
  return bench->engine;
}

void
ddl_bench_result_free (DdlBenchResult *result)
{
  if (result == NULL)
    return;
  g_free (result->kernel);
  g_free (result->shape);
  g_free (result);
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static gboolean
run_case (DdlEngine *engine, BenchCase *c, guint repeats, double *ms, GError **error)
{
  g_autoptr(DdlCmd) cmd = ddl_cmd_new (engine);
  g_autofree double *times = g_new0 (double, repeats);

  ddl_cmd_set_profiling (cmd, TRUE);
  if (!c->record (cmd, c->user_data, error))
    return FALSE;
  if (!ddl_cmd_run (cmd, error))  /* warm-up: pipeline creation, caches */
    return FALSE;
  for (guint r = 0; r < repeats; r++)
    {
      gint64 start = g_get_monotonic_time ();
      if (!ddl_cmd_run (cmd, error))
        return FALSE;
      const GArray *timings = ddl_cmd_get_timings (cmd);
      if (timings != NULL && timings->len > 0)
        {
          times[r] = 0;
          for (guint i = 0; i < timings->len; i++)
            times[r] += g_array_index (timings, DdlDispatchTime, i).ms;
        }
      else  /* no timestamp support: host time */
        times[r] = (g_get_monotonic_time () - start) / 1000.0;
    }
  qsort (times, repeats, sizeof (double), compare_double);
  *ms = times[repeats / 2];
  return TRUE;
}

GPtrArray *
ddl_bench_kernels (DdlEngine *engine, const char *filter, guint repeats, GError **error)
{
  DdlBench bench = { engine, g_array_new (FALSE, FALSE, sizeof (BenchCase)) };
  GPtrArray *results = g_ptr_array_new_with_free_func ((GDestroyNotify) ddl_bench_result_free);
  gboolean ok = TRUE;

  repeats = MAX (repeats, 1);
  ddl_bench_add_util (&bench);
  ddl_bench_add_conv (&bench);
  ddl_bench_add_conv3d (&bench);
  ddl_bench_add_layers (&bench);
  ddl_bench_add_loss (&bench);

  for (guint i = 0; i < bench.cases->len && ok; i++)
    {
      BenchCase *c = &g_array_index (bench.cases, BenchCase, i);
      double ms = 0;
      if (filter != NULL && strstr (c->kernel, filter) == NULL)
        continue;
      ok = run_case (engine, c, repeats, &ms, error);
      if (ok)
        {
          DdlBenchResult *r = g_new0 (DdlBenchResult, 1);
          r->kernel = g_strdup (c->kernel);
          r->shape = g_strdup (c->shape);
          r->ms = ms;
          r->gflops = ms > 0 ? c->flops / (ms * 1e6) : 0;
          r->gbytes = ms > 0 ? c->bytes / (ms * 1e6) : 0;
          g_ptr_array_add (results, r);
        }
    }
  for (guint i = 0; i < bench.cases->len; i++)
    {
      BenchCase *c = &g_array_index (bench.cases, BenchCase, i);
      if (c->free_data != NULL)
        c->free_data (c->user_data);
      g_free (c->kernel);
      g_free (c->shape);
    }
  g_array_unref (bench.cases);
  if (!ok)
    g_clear_pointer (&results, g_ptr_array_unref);
  return results;
}
