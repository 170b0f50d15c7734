/* SPDX-License-Identifier: MIT */
/*
 * civic311 check-config: loads a city configuration the way `serve` does
 * and lists every problem as "FILE:LINE: message", so a config can be
 * checked before it is deployed.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "io/config.h"

/* Prints the command's usage to f. */
static void
usage(FILE *f)
{
    fprintf(f, "usage: civic311 check-config [--help] FILE\n\n"
               "Checks a city configuration (YAML, see docs/CONFIG.md).\n"
               "Prints each problem as FILE:LINE: message on standard error\n"
               "and exits 1 if there is any; prints a summary and exits 0\n"
               "when the file is fine.\n");
}

/* Runs the command; see usage() for what it does. */
int
cmd_check_config(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct config_report rep = CONFIG_REPORT_INIT;
    struct city *c = NULL;
    const char *path;
    int ch;

    optind = 0;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (ch == 'h') {
            usage(stdout);
            return CLI_OK;
        }
        usage(stderr);
        return CLI_USAGE;
    }
    if (argc - optind != 1) {
        usage(stderr);
        return CLI_USAGE;
    }
    path = argv[optind];

    if (config_load(path, &c, &rep) != C311_OK) {
        config_report_print(&rep, path, stderr);
        config_report_free(&rep);
        return CLI_FAIL;
    }
    printf("%s: ok (%zu departments, %zu work groups, %zu services)\n", path,
           c->ndepartments, c->nwork_groups, c->nservices);
    config_free(c);
    config_report_free(&rep);
    return CLI_OK;
}
