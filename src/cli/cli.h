/* SPDX-License-Identifier: MIT */
/*
 * The subcommands of the civic311 binary. Each one lives in its own file
 * under cli/, takes the arguments after its name (argv[0] is the command
 * name) and returns the process exit status:
 *
 *     0  success
 *     1  the work failed (the message says why)
 *     2  the command line was wrong (usage printed)
 */
#ifndef CIVIC311_CLI_H
#define CIVIC311_CLI_H

#include <stdbool.h>
#include <stdint.h>

#define CLI_OK    0
#define CLI_FAIL  1
#define CLI_USAGE 2

int cmd_serve(int argc, char **argv);
int cmd_check_config(int argc, char **argv);
int cmd_apikey(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_copy(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_sla(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_calls(int argc, char **argv);
int cmd_staffing(int argc, char **argv);
int cmd_kb(int argc, char **argv);

/*
 * Reads an instant from the command line: ISO 8601 with an offset
 * ("2022-05-01T00:00:00-04:00"), or a local date or date and time in the
 * process time zone ("2022-05-01", "2022-05-01 06:00"). False if neither.
 */
bool cli_parse_instant(const char *s, int64_t *out);

/*
 * The configuration a command reads without --config: config/demo-city.yaml
 * in the current folder, else the one of the checkout the binary was built
 * in; the relative name when neither can be read (so errors name it).
 */
const char *cli_default_config(void);

/* True when argv holds -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);

#endif
