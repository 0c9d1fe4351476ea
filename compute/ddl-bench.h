/* ddl-bench.h: registry of kernel benchmark cases (`ddl bench kernels`).
 * Each operator family adds its cases in ddl_bench_add_<family>(). */
#pragma once

#include "ddl-kernels.h"

typedef struct _DdlBench DdlBench;

/* Records the operation once into cmd; buffers it creates belong to user_data. */
typedef gboolean (*DdlBenchRecordFunc) (DdlCmd *cmd, gpointer user_data, GError **error);

/* flops / bytes: work of one recorded operation (0 = not meaningful). */
void ddl_bench_case (DdlBench           *bench,
                     const char         *kernel,
                     const char         *shape,
                     double              flops,
                     double              bytes,
                     DdlBenchRecordFunc  record,
                     gpointer            user_data,
                     GDestroyNotify      free_data);

DdlEngine *ddl_bench_get_engine (DdlBench *bench);

void ddl_bench_add_util   (DdlBench *bench);
void ddl_bench_add_conv   (DdlBench *bench);
void ddl_bench_add_conv3d (DdlBench *bench);
void ddl_bench_add_layers (DdlBench *bench);
void ddl_bench_add_loss   (DdlBench *bench);
