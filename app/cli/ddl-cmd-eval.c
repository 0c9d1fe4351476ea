/* ddl eval: placeholder until its owner lands it; replaced before any commit. */
#include "ddl-cli.h"
#include <stdio.h>

int
ddl_cmd_eval (int argc, char **argv)
{
  fprintf (stderr, "ddl eval: not built yet\n");
  return 1;
}
