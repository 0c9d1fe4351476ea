/* Operators of the conv3d family (see ddl-ops.h). */
#pragma once

#include "ddl-kernels.h"
