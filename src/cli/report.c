/* SPDX-License-Identifier: MIT */
/*
 * civic311 report: the management figures of a period (docs/REPORTS.md)
 * as a table for people or, with --json, as the staff API's
 * GET /api/v1/reports/summary answers them.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/reports.h"
#include "cli/cli.h"
#include "io/config.h"
#include "io/jsonxml.h"
#include "store/store.h"
#include "util/isotime.h"

static const char report_usage[] =
    "usage: civic311 report --db PATH --from TIME --to TIME\n"
    "                       [--by department|service|channel|day|hour] "
    "[--json]\n"
    "                       [--config FILE]\n\n"
    "Prints the figures of the requests made in [--from, --to): volume,\n"
    "share closed, time to close (median, 90th percentile), due-time\n"
    "compliance, the backlog still open at --to by age, and the busiest\n"
    "services; with --by, also per group. docs/REPORTS.md defines them.\n\n"
    "  --db PATH       the store: a file, 'sqlite:FILE' or a postgresql:// "
    "URL\n"
    "  --from TIME     the start of the period (included)\n"
    "  --to TIME       its end (excluded), when the backlog is measured\n"
    "  --by GROUP      a breakdown; day and hour are local\n"
    "  --json          print JSON instead of a table\n"
    "  --config FILE   city configuration (default config/demo-city.yaml)\n\n"
    "TIME is ISO 8601 with an offset (2022-05-01T00:00:00-04:00) or a local\n"
    "date and time in the jurisdiction's zone (2022-05-01, 2022-05-01 "
    "06:00).\n"
    "Exit status: 0 printed, 1 failed, 2 wrong command line.\n";

struct report_opts {
    const char *db;
    const char *config;
    const char *from_text, *to_text;
    int64_t from, to;
    enum report_by by;
    bool json;
};

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Prints a usage error and the usage; returns CLI_USAGE. */
static int
usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("civic311 report: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n\n", stderr);
    fputs(report_usage, stderr);
    return CLI_USAGE;
}

/* Reads the options into o; returns -1 to go on, or an exit status. */
static int
parse_opts(int argc, char **argv, struct report_opts *o)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"by", required_argument, NULL, 'b'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'F':
            o->from_text = optarg;
            break;
        case 'T':
            o->to_text = optarg;
            break;
        case 'b':
            if (!report_by_parse(optarg, &o->by))
                return usage_error("--by must be department, service, "
                                   "channel, day or hour, not '%s'",
                                   optarg);
            break;
        case 'j':
            o->json = true;
            break;
        case 'h':
            fputs(report_usage, stdout);
            return CLI_OK;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (o->db == NULL || o->from_text == NULL || o->to_text == NULL)
        return usage_error("%s", "--db, --from and --to are needed");
    return -1;
}

/* Reads --from and --to once the zone is set; returns -1 or a status. */
static int
parse_window(struct report_opts *o)
{
    if (!cli_parse_instant(o->from_text, &o->from))
        return usage_error("--from '%s' is not a date and time", o->from_text);
    if (!cli_parse_instant(o->to_text, &o->to))
        return usage_error("--to '%s' is not a date and time", o->to_text);
    if (o->from >= o->to)
        return usage_error("%s", "--from must come before --to");
    return -1;
}

/* Writes a duration as "3 d 04:05:06" or "04:05:06"; "-" when undefined. */
static void
duration(char *buf, size_t size, int64_t s)
{
    if (s < 0)
        snprintf(buf, size, "-");
    else if (s >= 86400)
        snprintf(buf, size, "%" PRId64 " d %02d:%02d:%02d", s / 86400,
                 (int)(s % 86400 / 3600), (int)(s % 3600 / 60), (int)(s % 60));
    else
        snprintf(buf, size, "%02d:%02d:%02d", (int)(s / 3600),
                 (int)(s % 3600 / 60), (int)(s % 60));
}

/* Writes a ratio as a percentage with one decimal; "-" when undefined. */
static void
percent(char *buf, size_t size, double x)
{
    if (x < 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.1f%%", x * 100);
}

/* Prints the figures of the total as labelled lines. */
static void
print_total(const struct report_figures *f)
{
    char a[32], b[32];
    int i;

    percent(a, sizeof(a), report_share_closed(f));
    printf("requests           %" PRId64 "\n", f->requests);
    printf("closed             %" PRId64 " (%s)\n", f->closed, a);
    duration(a, sizeof(a), f->median_s);
    duration(b, sizeof(b), f->p90_s);
    printf("time to close      median %s, 90th percentile %s (over %" PRId64
           " closed with a time)\n",
           a, b, f->timed);
    percent(a, sizeof(a), report_compliance(f));
    printf("due times          %s met (%" PRId64 " met, %" PRId64
           " missed, %" PRId64 " not judged, of %" PRId64 " with a due time)\n",
           a, f->met, f->missed, f->unknown, f->with_due);
    printf("open at the end    %" PRId64 ":", f->backlog);
    for (i = 0; i < REPORT_AGES; i++)
        printf(" %s %" PRId64 "%s", report_age_names[i], f->ages[i],
               i + 1 < REPORT_AGES ? "," : "\n");
}

/* Prints one row of the groups table, its key in a column w wide. */
static void
print_group(int w, const char *key, const struct report_figures *f)
{
    char share[16], med[32], p90[32], sla[16];

    percent(share, sizeof(share), report_share_closed(f));
    duration(med, sizeof(med), f->median_s);
    duration(p90, sizeof(p90), f->p90_s);
    percent(sla, sizeof(sla), report_compliance(f));
    printf("%-*.*s %8" PRId64 " %7s %14s %14s %7s %8" PRId64 "\n", w, w, key,
           f->requests, share, med, p90, sla, f->backlog);
}

/* Prints the report for people. */
static void
print_table(const struct report *r, const struct city *city)
{
    char from[ISOTIME_LEN], to[ISOTIME_LEN];
    size_t i;
    int w;

    isotime_format_local(r->from, from);
    isotime_format_local(r->to, to);
    printf("%s, requests made from %s to %s\n\n", city->name, from, to);
    print_total(&r->total);
    printf("\nbusiest services\n");
    for (i = 0; i < r->ntop; i++)
        printf("  %2zu. %-50.50s %8" PRId64 "\n", i + 1, r->top[i].name,
               r->top[i].requests);
    if (r->by == REPORT_BY_NONE)
        return;
    /* As wide as the longest name (department names run long), capped. */
    w = (int)strlen(report_by_name(r->by));
    for (i = 0; i < r->ngroups; i++)
        if (r->groups[i].name != NULL && (int)strlen(r->groups[i].name) > w)
            w = (int)strlen(r->groups[i].name);
    if (w > 60)
        w = 60;
    printf("\nby %s\n%-*s %8s %7s %14s %14s %7s %8s\n", report_by_name(r->by),
           w, report_by_name(r->by), "requests", "closed", "median", "p90",
           "on time", "open");
    for (i = 0; i < r->ngroups; i++)
        print_group(w, r->groups[i].name, &r->groups[i].f);
}

/* Opens the store, builds the report and prints it. */
static int
run(const struct report_opts *o, const struct city *city)
{
    struct store_options sopt = {1, true, true};
    struct arena a = ARENA_INIT;
    struct store *st = NULL;
    char *cause = NULL, *text;
    struct app app = {0};
    struct report r;
    int rc = CLI_FAIL;
    json_t *v;

    if (store_open(o->db, &sopt, &st, &cause) != C311_OK) {
        fprintf(stderr, "civic311 report: cannot open the store: %s\n",
                cause != NULL ? cause : "unknown error");
        free(cause);
        return CLI_FAIL;
    }
    app.city = city;
    app.st = st;
    if (reports_build(&app, o->from, o->to, o->by, NULL, NULL, &a, &r,
                      &cause) != C311_OK) {
        fprintf(stderr, "civic311 report: %s\n",
                cause != NULL ? cause : "failed");
        free(cause);
        goto out;
    }
    if (o->json) {
        v = reports_json(&r);
        text = v != NULL ? json_dumps(v, JSONXML_JSON_FLAGS | JSON_INDENT(2))
                         : NULL;
        json_decref(v);
        if (text == NULL) {
            fputs("civic311 report: out of memory\n", stderr);
            goto out;
        }
        puts(text);
        free(text);
    } else {
        print_table(&r, city);
    }
    rc = fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
out:
    arena_free(&a);
    store_close(st);
    return rc;
}

/* Runs the command; see report_usage for what it does. */
int
cmd_report(int argc, char **argv)
{
    struct report_opts o = {0};
    struct config_report rep = CONFIG_REPORT_INIT;
    struct city *city = NULL;
    int rc;

    o.config = cli_default_config();
    rc = parse_opts(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (config_load(o.config, &city, &rep) != C311_OK) {
        config_report_print(&rep, o.config, stderr);
        config_report_free(&rep);
        return CLI_FAIL;
    }
    config_report_free(&rep);
    if (isotime_set_zone(city->timezone) != C311_OK) {
        fprintf(stderr, "civic311 report: unknown time zone %s\n",
                city->timezone);
        config_free(city);
        return CLI_FAIL;
    }
    rc = parse_window(&o);
    if (rc < 0)
        rc = run(&o, city);
    config_free(city);
    return rc;
}
