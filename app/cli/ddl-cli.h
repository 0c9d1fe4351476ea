/* ddl-cli.h: the `ddl` subcommands. Each takes the arguments after its name
 * (argv[0] is "ddl <name>") and returns the process exit status. Progress goes to
 * stderr, results to stdout. */
#pragma once

#include <glib.h>

typedef int (*DdlCliFunc) (int argc, char **argv);

int ddl_cmd_devices (int argc, char **argv);
int ddl_cmd_bench   (int argc, char **argv);
int ddl_cmd_dataset (int argc, char **argv);
int ddl_cmd_labels  (int argc, char **argv);
int ddl_cmd_eval    (int argc, char **argv);
int ddl_cmd_boxes   (int argc, char **argv);
int ddl_cmd_synth   (int argc, char **argv);
int ddl_cmd_train   (int argc, char **argv);
int ddl_cmd_score   (int argc, char **argv);
int ddl_cmd_info    (int argc, char **argv);
int ddl_cmd_plot    (int argc, char **argv);
int ddl_cmd_report  (int argc, char **argv);
int ddl_cmd_render  (int argc, char **argv);
int ddl_cmd_demo    (int argc, char **argv);

/* Parses `entries` for subcommand `name` with GOption (adds --help); on error prints
 * it and returns FALSE. `parameter` is the usage text ("DATASET -o FILE"). */
gboolean ddl_cli_parse (const char   *name,
                        const char   *parameter,
                        const char   *summary,
                        GOptionEntry *entries,
                        int          *argc,
                        char       ***argv);

/* Prints the builder's document as indented JSON on stdout. */
typedef struct _JsonBuilder JsonBuilder;
void     ddl_cli_print_json (JsonBuilder *builder);

/* Prints "ddl NAME: message" to stderr and returns 1. */
int      ddl_cli_fail  (const char *name, const GError *error);
