/* ddl-test-demo.h: a test fixture for the review workspace: the synthetic walkway
 * dataset (ddl-synth.h) with a scores file beside it, so that the UI tests have
 * curves, events and metrics without training a model first.
 *
 * These scores are NOT a model's output and the application never shows them: they
 * are made from the scene itself
 * (how much of each anomalous object is in view, plus noise and slow drift, and a few
 * false alarms on crowded normal frames), so the tests have something realistic
 * to review. The column is called "demo" to say
 * so, and the first and last frame of each video have no score, as a T = 3 model
 * leaves them. */
#pragma once

#include <glib.h>
#include "ddl-synth.h"

G_BEGIN_DECLS

/* Writes the dataset under `dir` (which must not exist or be empty) and
 * DIR/scores-demo.csv. */
gboolean ddl_demo_write (const DdlSynthOptions *options, const char *dir, GError **error);

G_END_DECLS
