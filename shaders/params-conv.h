/* Push constants of the conv kernels (see ddl-params.h for the rules). */
