/* Operators of the conv family (see ddl-ops.h). */
#pragma once

#include "ddl-kernels.h"
