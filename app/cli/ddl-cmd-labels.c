/* ddl labels: placeholder until its owner lands it; replaced before any commit. */
#include "ddl-cli.h"
#include <stdio.h>

int
ddl_cmd_labels (int argc, char **argv)
{
  fprintf (stderr, "ddl labels: not built yet\n");
  return 1;
}
