/* SPDX-License-Identifier: MIT */
/*
 * civic311 sla: service level arithmetic and sweeps from the command line.
 *
 *     civic311 sla due --config FILE --calendar ID --from ISO8601
 *                      --duration SPEC
 *     civic311 sla sweep --db PATH --config FILE [--now ISO8601]
 *
 * `due` prints when work received at an instant is due; `sweep` runs the
 * sweep that `serve` runs every minute, once.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/calendar.h"
#include "engine/engine.h"
#include "io/config.h"
#include "store/store.h"
#include "util/isotime.h"

static const char sla_usage[] =
    "usage: civic311 sla due --config FILE --calendar ID --from ISO8601\n"
    "                        --duration SPEC\n"
    "       civic311 sla sweep --db PATH --config FILE [--now ISO8601]\n\n"
    "due: prints the instant work received at --from is due when it is\n"
    "allowed SPEC: 90m, 4h, 2d (plain time) or 30bm, 4bh, 3bd (working\n"
    "time of the calendar ID of FILE). docs/SLA.md defines each.\n\n"
    "sweep: marks work orders at risk or breached at --now (default: the\n"
    "current time) and applies the escalations that are due, once each;\n"
    "prints what it did.\n";

struct sla_opts {
    const char *config, *calendar, *from, *duration, *db, *now;
};

/* Parses the options after the subcommand; -1 to go on, else an exit. */
static int
parse(int argc, char **argv, struct sla_opts *o)
{
    static const struct option options[] = {
        {"config", required_argument, NULL, 'c'},
        {"calendar", required_argument, NULL, 'k'},
        {"from", required_argument, NULL, 'f'},
        {"duration", required_argument, NULL, 'u'},
        {"db", required_argument, NULL, 'd'},
        {"now", required_argument, NULL, 'n'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'c':
            o->config = optarg;
            break;
        case 'k':
            o->calendar = optarg;
            break;
        case 'f':
            o->from = optarg;
            break;
        case 'u':
            o->duration = optarg;
            break;
        case 'd':
            o->db = optarg;
            break;
        case 'n':
            o->now = optarg;
            break;
        case 'h':
            fputs(sla_usage, stdout);
            return CLI_OK;
        default:
            fprintf(stderr, "civic311 sla: %s '%s'\n\n",
                    c == ':' ? "option needs a value" : "unknown option",
                    argv[optind - 1]);
            fputs(sla_usage, stderr);
            return CLI_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "civic311 sla: unexpected argument '%s'\n\n",
                argv[optind]);
        fputs(sla_usage, stderr);
        return CLI_USAGE;
    }
    return -1;
}

/* Loads the city and sets the process zone to its jurisdiction's. */
static struct city *
load_city(const char *path)
{
    struct config_report rep = CONFIG_REPORT_INIT;
    struct city *c = NULL;

    if (config_load(path, &c, &rep) != C311_OK) {
        config_report_print(&rep, path, stderr);
        config_report_free(&rep);
        return NULL;
    }
    config_report_free(&rep);
    if (isotime_set_zone(c->timezone) != C311_OK) {
        fprintf(stderr, "civic311 sla: unknown time zone %s\n", c->timezone);
        config_free(c);
        return NULL;
    }
    return c;
}

/* Prints a usage error about a missing option. */
static int
missing(const char *what)
{
    fprintf(stderr, "civic311 sla: %s is required\n\n", what);
    fputs(sla_usage, stderr);
    return CLI_USAGE;
}

/* civic311 sla due. */
static int
sla_due(const struct sla_opts *o)
{
    const struct calendar *cal;
    struct cal_duration d;
    char out[ISOTIME_LEN];
    int64_t from, due;
    struct city *c;
    int rc = CLI_FAIL;

    if (o->config == NULL || o->calendar == NULL || o->from == NULL ||
        o->duration == NULL)
        return missing("--config, --calendar, --from and --duration");
    if (!isotime_parse(o->from, &from)) {
        fprintf(stderr,
                "civic311 sla: bad instant '%s' (use ISO 8601 with "
                "an offset)\n",
                o->from);
        return CLI_USAGE;
    }
    if (!calendar_duration_parse(o->duration, &d)) {
        fprintf(stderr,
                "civic311 sla: bad duration '%s' (use 90m, 4h, 2d, 30bm, "
                "4bh, 3bd)\n",
                o->duration);
        return CLI_USAGE;
    }
    if ((c = load_city(o->config)) == NULL)
        return CLI_FAIL;
    cal = catalog_calendar(c, o->calendar);
    if (cal == NULL)
        fprintf(stderr, "civic311 sla: no calendar '%s' in %s\n", o->calendar,
                o->config);
    else if (calendar_add(cal, from, &d, &due) != C311_OK)
        fprintf(stderr, "civic311 sla: calendar '%s' has no working time\n",
                o->calendar);
    else {
        isotime_format_local(due, out);
        printf("%s\n", out);
        rc = CLI_OK;
    }
    config_free(c);
    return rc;
}

/* civic311 sla sweep. */
static int
sla_sweep(const struct sla_opts *o)
{
    struct store_options sopt = {1, true, true};
    struct engine_sweep_stats stats;
    struct store *st = NULL;
    char *cause = NULL;
    int64_t now = isotime_now();
    struct city *c;
    int rc = CLI_FAIL;

    if (o->db == NULL || o->config == NULL)
        return missing("--db and --config");
    if (o->now != NULL && !isotime_parse(o->now, &now)) {
        fprintf(stderr, "civic311 sla: bad instant '%s'\n", o->now);
        return CLI_USAGE;
    }
    if ((c = load_city(o->config)) == NULL)
        return CLI_FAIL;
    if (store_open(o->db, &sopt, &st, &cause) != C311_OK) {
        fprintf(stderr, "civic311 sla: %s: %s\n", o->db,
                cause != NULL ? cause : "cannot open");
        goto out;
    }
    if (engine_sweep(st, c, now, &stats, &cause) != C311_OK) {
        fprintf(stderr, "civic311 sla: sweep failed: %s\n",
                cause != NULL ? cause : "unknown error");
        goto out;
    }
    printf("examined %zu, newly at risk %zu, newly breached %zu, "
           "escalations applied %zu\n",
           stats.examined, stats.at_risk, stats.breached, stats.escalated);
    rc = fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
out:
    free(cause);
    store_close(st);
    config_free(c);
    return rc;
}

/* Runs `civic311 sla SUBCOMMAND`. */
int
cmd_sla(int argc, char **argv)
{
    struct sla_opts o = {0};
    int rc;

    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        fputs(sla_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    rc = parse(argc - 1, argv + 1, &o);
    if (rc >= 0)
        return rc;
    if (strcmp(argv[1], "due") == 0)
        return sla_due(&o);
    if (strcmp(argv[1], "sweep") == 0)
        return sla_sweep(&o);
    fprintf(stderr, "civic311 sla: unknown command '%s'\n\n", argv[1]);
    fputs(sla_usage, stderr);
    return CLI_USAGE;
}
