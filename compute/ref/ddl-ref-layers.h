/* Reference implementations of the layers kernels (see ddl-ref.h for conventions). */
#pragma once
