/* ddl-ops.h: host-side operators that record one or more kernel dispatches into a
 * DdlCmd (splitting work for lavapipe's loop limit, multi-pass reductions, weight
 * packing). The model is written against these; tests compare them with ddl-ref.h. */
#pragma once

#include "ddl-kernels.h"

#include "ddl-ops-conv.h"
#include "ddl-ops-conv3d.h"
#include "ddl-ops-layers.h"
#include "ddl-ops-loss.h"
