/* ddl synth: placeholder until its owner lands it; replaced before any commit. */
#include "ddl-cli.h"
#include <stdio.h>

int
ddl_cmd_synth (int argc, char **argv)
{
  fprintf (stderr, "ddl synth: not built yet\n");
  return 1;
}
