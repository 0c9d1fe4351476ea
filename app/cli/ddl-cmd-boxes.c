/* ddl boxes: placeholder until its owner lands it; replaced before any commit. */
#include "ddl-cli.h"
#include <stdio.h>

int
ddl_cmd_boxes (int argc, char **argv)
{
  fprintf (stderr, "ddl boxes: not built yet\n");
  return 1;
}
