/* Operators of the loss family (see ddl-ops.h). */
#pragma once

#include "ddl-kernels.h"
