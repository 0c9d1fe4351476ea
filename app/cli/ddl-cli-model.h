/* Model options shared by `ddl train` and `ddl bench`. */
#pragma once

#include <glib.h>
#include "ddl-compute.h"

typedef struct {
  char   *model;
  char   *mode;
  char   *size;
  char   *dist;
  int     latent, channels, temporal, batch, epochs, patch;
  double  lr, lambda, static_weight, dropout;
  gint64  seed;
  gboolean sqrt3;
} DdlCliModelArgs;

/* Entries writing into args; -1 / NaN defaults mean "keep the config's value". */
GOptionEntry *ddl_cli_model_entries (DdlCliModelArgs *args, gboolean training);
void          ddl_cli_model_args_init  (DdlCliModelArgs *args);
void          ddl_cli_model_args_clear (DdlCliModelArgs *args);
/* Applies the parsed options over config and validates the result. */
gboolean      ddl_cli_model_apply  (const DdlCliModelArgs *args, DdlModelConfig *config,
                                    GError **error);
