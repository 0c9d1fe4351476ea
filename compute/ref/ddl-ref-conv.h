/* Reference implementations of the conv kernels (see ddl-ref.h for conventions). */
#pragma once
