/* SPDX-License-Identifier: MIT */
/*
 * civic311 kb: loads a knowledge base data file (docs/KB.md) into a store.
 * Articles already there (same group key and language) are kept as they
 * are, or brought in line with the file with --update; either way a second
 * run of the same file changes nothing.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/kb_load.h"
#include "io/config.h"
#include "util/isotime.h"

#define KB_DEFAULT_DB     "civic311.db"
#define KB_DEFAULT_CONFIG "config/demo-city.yaml"

/* Prints the command's usage to f. */
static void
usage(FILE *f)
{
    fprintf(
        f, "usage: civic311 kb load [--db PATH] [--config FILE] [--update] "
           "FILE\n\n"
           "Loads the articles of a knowledge base data file. Articles the\n"
           "store has already (same key and language) are left as they are;\n"
           "with --update, those whose content differs get a new version\n"
           "with the file's content. Service and department codes are checked\n"
           "against the city configuration (default " KB_DEFAULT_CONFIG ").\n"
           "--db defaults to ./" KB_DEFAULT_DB ".\n");
}

struct kb_args {
    const char *db;
    const char *config;
    const char *file;
    bool update;
};

/* Parses the options of `kb load`; -1 to go on, or an exit status. */
static int
parse_args(int argc, char **argv, struct kb_args *args)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"update", no_argument, NULL, 'u'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            args->db = optarg;
            break;
        case 'c':
            args->config = optarg;
            break;
        case 'u':
            args->update = true;
            break;
        case 'h':
            usage(stdout);
            return CLI_OK;
        default:
            fprintf(stderr, "civic311 kb: bad option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return CLI_USAGE;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return CLI_USAGE;
    }
    args->file = argv[optind];
    return -1;
}

/* Opens the city and the store, then loads the file. */
static int
kb_load(const struct kb_args *args)
{
    struct config_report rep = CONFIG_REPORT_INIT;
    struct store_options sopt = {1, false, false};
    struct kb_load_stats stats;
    struct city *city = NULL;
    struct store *st = NULL;
    char *cause = NULL;
    int rc = CLI_FAIL;

    if (config_load(args->config, &city, &rep) != C311_OK) {
        config_report_print(&rep, args->config, stderr);
        config_report_free(&rep);
        return CLI_FAIL;
    }
    config_report_free(&rep);
    if (isotime_set_zone(city->timezone) != C311_OK) {
        fprintf(stderr, "civic311 kb: unknown time zone %s\n", city->timezone);
        goto out;
    }
    if (store_open(args->db, &sopt, &st, &cause) != C311_OK) {
        fprintf(stderr, "civic311 kb: cannot open the store: %s\n",
                cause ? cause : "unknown error");
        free(cause);
        goto out;
    }
    if (kb_load_file(st, city, args->file, args->update, isotime_now(), &stats,
                     stderr) == C311_OK) {
        printf("%zu created, %zu updated, %zu unchanged\n", stats.created,
               stats.updated, stats.unchanged);
        rc = CLI_OK;
    }
    store_close(st);
out:
    config_free(city);
    return rc;
}

/* Runs the command; see usage() for what it does. */
int
cmd_kb(int argc, char **argv)
{
    struct kb_args args = {KB_DEFAULT_DB, cli_default_config(), NULL, false};
    int rc;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "load") != 0) {
        fprintf(stderr, "civic311 kb: unknown command '%s'\n", argv[1]);
        usage(stderr);
        return CLI_USAGE;
    }
    rc = parse_args(argc - 1, argv + 1, &args);
    if (rc >= 0)
        return rc;
    return kb_load(&args);
}
