/* Reference implementations of the loss kernels (see ddl-ref.h for conventions). */
#pragma once
