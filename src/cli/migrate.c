/* SPDX-License-Identifier: MIT */
/*
 * civic311 migrate: brings a database to the newest schema this build
 * knows (opening a store does that) and says which version it is at.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "store/store.h"

#define MIGRATE_DEFAULT_DB "civic311.db"

static const char migrate_usage[] =
    "usage: civic311 migrate [--db PATH]\n\n"
    "Creates the database if needed, applies the schema migrations it\n"
    "lacks and prints its version. PATH is a file, 'sqlite:FILE' or a\n"
    "postgresql:// URL; it defaults to ./" MIGRATE_DEFAULT_DB ".\n";

/* Parses --db and --help, migrates, and prints the version. */
int
cmd_migrate(int argc, char **argv)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct store_options opt = {1, true, false};
    const char *db = MIGRATE_DEFAULT_DB;
    struct store *st = NULL;
    char *cause = NULL;
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'h':
            fputs(migrate_usage, stdout);
            return CLI_OK;
        case ':':
            fprintf(stderr, "civic311 migrate: option '%s' needs a value\n\n",
                    argv[optind - 1]);
            fputs(migrate_usage, stderr);
            return CLI_USAGE;
        default:
            fprintf(stderr, "civic311 migrate: unknown option '%s'\n\n",
                    argv[optind - 1]);
            fputs(migrate_usage, stderr);
            return CLI_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "civic311 migrate: unexpected argument '%s'\n\n",
                argv[optind]);
        fputs(migrate_usage, stderr);
        return CLI_USAGE;
    }

    if (store_open(db, &opt, &st, &cause) != C311_OK) {
        fprintf(stderr, "civic311 migrate: %s: %s\n", db,
                cause != NULL ? cause : "cannot open");
        free(cause);
        return CLI_FAIL;
    }
    printf("%s: schema version %d (newest %d)\n", db, store_schema_version(st),
           store_schema_latest());
    store_close(st);
    return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
}
