/* Generic operators: multi-pass row reduction. */
#include "ddl-ops.h"
#include "ddl-bench.h"

void
ddl_op_reduce_rows (DdlCmd *cmd, DdlBinding dst, DdlBinding src, guint rows, guint64 len,
                    float scale, float beta)
{
  DdlBinding in = src;

  /* Each pass leaves ceil(len / DDL_LOOP_BUDGET) partial sums per row; the last
   * pass (one chunk per row) applies scale and beta and writes dst. */
  while (TRUE)
    {
      guint64 n_chunks = (len + DDL_LOOP_BUDGET - 1) / DDL_LOOP_BUDGET;
      guint64 chunk_len = (len + n_chunks - 1) / n_chunks;
      gboolean last = n_chunks == 1;
      DdlBinding out = dst;

      if (len > G_MAXUINT32 || (guint64) rows * n_chunks > G_MAXUINT32)
        {
          ddl_cmd_set_error (cmd, g_error_new (DDL_ENGINE_ERROR, DDL_ENGINE_ERROR_LIMIT,
                                               "reduction of %u rows x %" G_GUINT64_FORMAT
                                               " values is too large", rows, len));
          return;
        }
      if (!last)
        {
          DdlBuffer *partial = ddl_cmd_scratch (cmd, rows * n_chunks * sizeof (float));
          if (partial == NULL)
            return;
          out = DDL_BIND (partial);
        }
      DdlReduceParams p = {
        .n_groups = rows * n_chunks,
        .row_len = len,
        .chunk_len = chunk_len,
        .n_chunks = n_chunks,
        .scale = last ? scale : 1.0f,
        .beta = last ? beta : 0.0f,
      };
      ddl_cmd_dispatch (cmd, DDL_KERNEL_reduce_sum, (DdlBinding[]) { in, out }, &p, p.n_groups);
      if (last)
        return;
      in = out;
      len = n_chunks;
    }
}

/* Memory-bound reference points: a copy and a multi-pass reduction. */
typedef struct {
  DdlBuffer *a, *b;
  guint64 n;
} UtilBench;

static void
util_bench_free (gpointer data)
{
  UtilBench *u = data;
  ddl_buffer_free (u->a);
  ddl_buffer_free (u->b);
  g_free (u);
}

static UtilBench *
util_bench_new (DdlEngine *engine, guint64 n)
{
  UtilBench *u = g_new0 (UtilBench, 1);
  u->n = n;
  u->a = ddl_buffer_new (engine, n * 4, NULL);
  u->b = ddl_buffer_new (engine, n * 4, NULL);
  return u;
}

static gboolean
record_copy (DdlCmd *cmd, gpointer data, GError **error)
{
  UtilBench *u = data;
  DdlCopyParams p = { u->n, 0, 0 };
  ddl_cmd_dispatch (cmd, DDL_KERNEL_copy, (DdlBinding[]) { DDL_BIND (u->a), DDL_BIND (u->b) },
                    &p, u->n);
  return TRUE;
}

static gboolean
record_reduce (DdlCmd *cmd, gpointer data, GError **error)
{
  UtilBench *u = data;
  ddl_op_reduce_rows (cmd, DDL_BIND (u->b), DDL_BIND (u->a), 16, u->n / 16, 1.0f, 0.0f);
  return TRUE;
}

void
ddl_bench_add_util (DdlBench *bench)
{
  DdlEngine *engine = ddl_bench_get_engine (bench);
  guint64 n = 16u << 20;
  ddl_bench_case (bench, "copy", "16M floats", 0, 2.0 * n * 4, record_copy,
                  util_bench_new (engine, n), util_bench_free);
  ddl_bench_case (bench, "reduce_sum", "16 rows x 1M", n, n * 4.0, record_reduce,
                  util_bench_new (engine, n), util_bench_free);
}
