/* ddl-auc-badge.h: one model's card in the compare view: a chip in the model's
 * colour, its name, micro AUC in large type, then macro AUC, sigma(l) and mode when
 * known. */
#pragma once

#include <gtk/gtk.h>
#include "ddl-compare-report.h"
#include "ddl-metrics.h"

G_BEGIN_DECLS

/* `result` NULL: the AUC is unknown and `why` says why (no ground truth …). `info`
 * may be NULL. */
GtkWidget  *ddl_auc_badge_new      (guint                  model,
                                    const char            *name,
                                    const DdlEvalResult   *result,
                                    const char            *why,
                                    const DdlCompareModel *info);
/* Everything the badge says on one line, e.g. "ddl · AUC 91.23 % · macro 88.10 % ·
 * σ(ℓ) 0.731 · DDL" (for tests and the tooltip). */
const char *ddl_auc_badge_get_text (GtkWidget *badge);

/* An AUC (fraction) as the app shows it: "91.23 %", "–" for NAN. */
char       *ddl_auc_format         (double auc);

G_END_DECLS
