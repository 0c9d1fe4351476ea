/* ddl dataset: placeholder until its owner lands it; replaced before any commit. */
#include "ddl-cli.h"
#include <stdio.h>

int
ddl_cmd_dataset (int argc, char **argv)
{
  fprintf (stderr, "ddl dataset: not built yet\n");
  return 1;
}
