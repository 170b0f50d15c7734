/* SPDX-License-Identifier: MIT */
/*
 * civic311: the one binary of the platform. This file holds the table of
 * subcommands and the options that apply to all of them; each subcommand
 * is in cli/.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "version.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

/* Sorted by name; `civic311 help` lists them in this order. */
static const struct command commands[] = {
    {"apikey", cmd_apikey, "create, list and revoke Open311 API keys"},
    {"calls", cmd_calls, "import the ACD's queue_log, report on calls"},
    {"check-config", cmd_check_config, "check a city configuration file"},
    {"copy", cmd_copy,
     "copy a whole store into a new one (SQLite, PostgreSQL)"},
    {"export", cmd_export, "write requests as NYC 311 CSV or Open311 JSON"},
    {"import", cmd_import, "import historical 311 data (NYC, Boston CSV)"},
    {"kb", cmd_kb, "load knowledge base articles from a data file"},
    {"migrate", cmd_migrate, "bring a database to the newest schema"},
    {"report", cmd_report, "management figures of a period"},
    {"serve", cmd_serve, "run the HTTP server (Open311, staff API, web)"},
    {"sla", cmd_sla, "due times of service levels, and one SLA sweep"},
    {"staffing", cmd_staffing, "agents needed for a call load (Erlang C/A)"},
    {"user", cmd_user, "add, list, disable and enable staff accounts"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
    size_t i;

    fprintf(f, "usage: civic311 [--version] [--help] COMMAND [ARGS]\n\n"
               "Commands:\n");
    for (i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'civic311 COMMAND --help' for a command's options.\n");
}

int
main(int argc, char **argv)
{
    const char *name;
    size_t i;

    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    name = argv[1];
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("civic311 %s\n", CIVIC311_VERSION);
        return CLI_OK;
    }
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
        strcmp(name, "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    for (i = 0; i < NCOMMANDS; i++) {
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "civic311: unknown command '%s'\n\n", name);
    usage(stderr);
    return CLI_USAGE;
}
