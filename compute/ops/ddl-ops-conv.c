#include "ddl-ops.h"
#include "ddl-bench.h"

void
ddl_bench_add_conv (DdlBench *bench)
{
}
