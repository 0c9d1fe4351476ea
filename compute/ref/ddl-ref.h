/* ddl-ref.h: plain-C reference implementations of every kernel.
 *
 * Double precision, no GLib, llm.c style: outputs first, then inputs, then sizes;
 * a shape comment on every array. The Vulkan kernels are tested against these,
 * and the backward references against central finite differences of the forward
 * ones. Layouts are PyTorch's: activations NCHW (NCTHW for 3-D), conv weights
 * (Cout, Cin, [T,] K, K). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ddl-ref-conv.h"
#include "ddl-ref-conv3d.h"
#include "ddl-ref-layers.h"
#include "ddl-ref-loss.h"
