/* Reference implementations of the conv3d kernels (see ddl-ref.h for conventions). */
#pragma once
