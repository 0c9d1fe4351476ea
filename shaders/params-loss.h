/* Push constants of the loss kernels (see ddl-params.h for the rules). */
