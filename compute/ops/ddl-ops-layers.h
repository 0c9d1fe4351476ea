/* Operators of the layers family (see ddl-ops.h). */
#pragma once

#include "ddl-kernels.h"
