/* Push constants of the conv3d kernels (see ddl-params.h for the rules). */
