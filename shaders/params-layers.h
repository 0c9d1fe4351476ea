/* Push constants of the layers kernels (see ddl-params.h for the rules). */
