/* ddl-test-util.h: helpers shared by the test programs. */
#pragma once

#include <glib.h>
#include "ddl-kernels.h"

/* The engine all GPU cases of one test program share: opened on first use with the
 * validation layer on. Returns NULL and marks the case skipped when no Vulkan
 * device exists (the run then reports SKIP, never PASS). */
DdlEngine *ddl_test_engine (void);
/* Call at the end of main: frees the engine and fails if the validation layer
 * reported anything. */
void       ddl_test_engine_shutdown (void);
/* Asserts that no validation message arrived so far. */
void       ddl_test_assert_no_validation (void);

/* Deterministic uniform values in [lo, hi) (xorshift; same on every machine). */
void       ddl_test_random (float *out, gsize n, guint64 seed, float lo, float hi);
void       ddl_test_random_double (double *out, gsize n, guint64 seed, double lo, double hi);
double    *ddl_test_to_double (const float *in, gsize n);   /* g_free */
float     *ddl_test_to_float (const double *in, gsize n);   /* g_free */

/* Upload n floats (aborts the test on error) / read n floats back (g_free). */
DdlBuffer *ddl_test_upload (const float *data, gsize n);
DdlBuffer *ddl_test_zeros (gsize n);
float     *ddl_test_download (DdlBuffer *buffer, gsize n);
/* Runs cmd and fails the test on error. */
void       ddl_test_run (DdlCmd *cmd);

/* Passes when every element has |got - want| <= atol + rtol * |want|; otherwise
 * prints the first five mismatches and the worst one, and fails. */
void       ddl_test_assert_close (const char   *what,
                                  const float  *got,
                                  const double *want,
                                  gsize         n,
                                  double        atol,
                                  double        rtol);

/* Central finite differences of a scalar function f(x) of n doubles, step h:
 * grad[i] = (f(x + h e_i) - f(x - h e_i)) / 2h. Used to check every backward
 * reference in double precision. */
typedef double (*DdlTestScalarFunc) (const double *x, gpointer user_data);
void       ddl_test_numeric_grad (DdlTestScalarFunc f, gpointer user_data,
                                  double *x, gsize n, double h, double *grad);
/* Compares an analytic gradient with a numeric one (max abs error relative to
 * max(1, max |numeric|)). */
void       ddl_test_assert_grad (const char *what, const double *analytic,
                                 const double *numeric, gsize n, double tol);

/* Deletes a file or a folder tree (links are removed, not followed). */
void       ddl_test_remove_tree (const char *path);
