/* SPDX-License-Identifier: MIT */
/*
 * civic311 staffing: agents needed for a call load (Erlang C, or Erlang A
 * when callers' patience is given), and `staffing forecast`: next week's
 * calls per hour from the stored history (core/forecast.h) with the
 * agents each hour needs.
 */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/erlang.h"
#include "core/forecast.h"
#include "io/config.h"
#include "io/queuelog.h"
#include "store/calls.h"
#include "util/isotime.h"

static const char staffing_usage[] =
    "usage: civic311 staffing --calls-per-hour N --aht SECONDS\n"
    "                         [--target-sl SHARE] [--target-seconds S]\n"
    "                         [--patience SECONDS]\n"
    "       civic311 staffing forecast [--db PATH] [--config FILE]\n"
    "                         [--weeks N] [--start DATE] [--aht SECONDS]\n"
    "                         [--target-sl SHARE] [--target-seconds S]\n"
    "                         [--patience SECONDS]\n\n"
    "Prints the fewest agents that answer the share --target-sl (default\n"
    "0.8) of calls within --target-seconds (default 20), with the expected\n"
    "service level, average speed of answer and occupancy: Erlang C, or\n"
    "Erlang A when --patience (callers' mean time before hanging up) is\n"
    "given.\n\n"
    "forecast: next week's calls for each hour, the average of the same\n"
    "hour of the week over the last --weeks weeks of stored calls (default\n"
    "8), and the agents each hour needs. The week starts at --start (a\n"
    "local date; default the coming Monday); AHT defaults to the average\n"
    "talk time of those weeks.\n";

struct staffing_opts {
    double calls_per_hour, aht, sl, target, patience;
    bool has_calls, has_aht;
    const char *db, *config, *start;
    long weeks;
};

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Prints a usage error and the usage; returns CLI_USAGE. */
static int
usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("civic311 staffing: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n\n%s", staffing_usage);
    return CLI_USAGE;
}

/* Reads a number in [lo, hi] (hi excluded when open); false otherwise. */
static bool
number(const char *s, double lo, double hi, bool open, double *out)
{
    char *end;
    double v = strtod(s, &end);

    if (end == s || *end != '\0' || !isfinite(v) || v < lo || v > hi ||
        (open && v >= hi))
        return false;
    *out = v;
    return true;
}

/* Reads one option of the load into o; -1 to go on, or an exit status. */
static int
load_opt(int c, struct staffing_opts *o)
{
    switch (c) {
    case 'n':
        o->has_calls = true;
        if (!number(optarg, 0, 1e7, false, &o->calls_per_hour) ||
            o->calls_per_hour <= 0)
            return usage_error("--calls-per-hour must be a number above 0 "
                               "and at most 10000000");
        return -1;
    case 'a':
        o->has_aht = true;
        if (!number(optarg, 1, 86400, false, &o->aht))
            return usage_error("--aht must be 1 to 86400 seconds");
        return -1;
    case 's':
        if (!number(optarg, 0, 1, true, &o->sl) || o->sl <= 0)
            return usage_error("--target-sl must be a share between 0 and 1 "
                               "(0.8 for 80 %%)");
        return -1;
    case 't':
        if (!number(optarg, 0, 3600, false, &o->target))
            return usage_error("--target-seconds must be 0 to 3600");
        return -1;
    case 'p':
        if (!number(optarg, 1, 86400, false, &o->patience))
            return usage_error("--patience must be 1 to 86400 seconds");
        return -1;
    default:
        return usage_error("unknown option");
    }
}

/* Reads the options; returns -1 to go on, or an exit status. */
static int
parse_opts(int argc, char **argv, struct staffing_opts *o)
{
    static const struct option options[] = {
        {"calls-per-hour", required_argument, NULL, 'n'},
        {"aht", required_argument, NULL, 'a'},
        {"target-sl", required_argument, NULL, 's'},
        {"target-seconds", required_argument, NULL, 't'},
        {"patience", required_argument, NULL, 'p'},
        {"db", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"weeks", required_argument, NULL, 'w'},
        {"start", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    double w;
    int c, rc;

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
        case 'S':
            o->start = optarg;
            break;
        case 'w':
            if (!number(optarg, 1, 104, false, &w) || w != floor(w))
                return usage_error("--weeks must be a whole number from 1 "
                                   "to 104");
            o->weeks = (long)w;
            break;
        case 'h':
            fputs(staffing_usage, stdout);
            return CLI_OK;
        case ':':
            return usage_error("%s needs a value", argv[optind - 1]);
        case '?':
            return usage_error("unknown option '%s'", argv[optind - 1]);
        default:
            if ((rc = load_opt(c, o)) >= 0)
                return rc;
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    return -1;
}

/* The model's name for the load. */
static const char *
model_of(const struct erlang_load *l)
{
    return l->patience > 0 ? "Erlang A" : "Erlang C";
}

/* civic311 staffing: one load. */
static int
staffing_one(const struct staffing_opts *o)
{
    struct erlang_load l = {o->calls_per_hour, o->aht, o->patience, o->target};
    struct erlang_result r;

    if (!o->has_calls || !o->has_aht)
        return usage_error("--calls-per-hour and --aht are needed");
    if (!erlang_agents(&l, o->sl, &r)) {
        fprintf(stderr,
                "civic311 staffing: no number of agents up to %d "
                "reaches the target\n",
                ERLANG_MAX_AGENTS);
        return CLI_FAIL;
    }
    printf("load: %g calls per hour x %g s = %.2f Erlangs (%s)\n",
           o->calls_per_hour, o->aht, r.traffic, model_of(&l));
    printf("agents needed: %u\n", r.agents);
    printf("expected service level: %.1f %% answered within %g s "
           "(target %.1f %%)\n",
           100 * r.service_level, o->target, 100 * o->sl);
    printf("average speed of answer: %.1f s\n", r.asa);
    printf("probability of waiting: %.1f %%\n", 100 * r.p_wait);
    if (l.patience > 0)
        printf("probability of hanging up before an answer: %.1f %%\n",
               100 * r.p_abandon);
    printf("occupancy: %.1f %%\n", 100 * r.occupancy);
    return CLI_OK;
}

/* ---- forecast ---- */

/* The local midnight of the Monday on or after t. */
static int64_t
next_monday(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    localtime_r(&tt, &tm);
    tm.tm_mday += (8 - tm.tm_wday) % 7;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

/* The same local time n days later (n may be negative). */
static int64_t
days_later(int64_t t, int n)
{
    time_t tt = (time_t)t;
    struct tm tm;

    localtime_r(&tt, &tm);
    tm.tm_mday += n;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

/* The slot of instant t: hours since the local Monday 00h. */
static size_t
slot_of(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    localtime_r(&tt, &tm);
    return (size_t)(((tm.tm_wday + 6) % 7) * 24 + tm.tm_hour);
}

/* A forecast run: the past weeks and what they were read from. */
struct history {
    struct forecast_week *weeks;
    size_t n;
    int64_t start;  /* the forecast week's first instant */
    int64_t *edges; /* n + 1 week boundaries, oldest first */
};

/*
 * Counts the stored calls into the past weeks and marks the covered hours.
 *
 * TODO: the store counts calls by UTC hour; in a zone whose offset is not
 * a whole number of hours each slot is half an hour off the local hour.
 */
static enum c311_rc
count_history(struct store *st, struct history *h, struct arena *a,
              char **cause)
{
    int64_t *hours, *counts, first, last, t;
    enum c311_rc rc;
    size_t n, i, w;

    rc = calls_range(st, &first, &last, cause);
    if (rc == C311_OK)
        rc = calls_hourly(st, h->edges[0], h->start, a, &hours, &counts, &n,
                          cause);
    if (rc != C311_OK)
        return rc;
    for (w = 0; w < h->n; w++) {
        for (t = h->edges[w]; t < h->edges[w + 1]; t += 3600) {
            if (first != 0 && t + 3600 > first && t <= last)
                h->weeks[w].covered[slot_of(t)] = true;
        }
    }
    for (i = 0, w = 0; i < n; i++) {
        while (w + 1 < h->n && hours[i] >= h->edges[w + 1])
            w++;
        h->weeks[w].calls[slot_of(hours[i])] += (double)counts[i];
    }
    return C311_OK;
}

/* Prints the forecast week, hour by hour, with the agents needed. */
static void
print_forecast(const struct staffing_opts *o, const struct history *h,
               const struct forecast_slot *f)
{
    struct erlang_load l = {0, o->aht, o->patience, o->target};
    char when[ISOTIME_LEN];
    struct erlang_result r;
    int64_t t, end = days_later(h->start, 7);
    double total = 0;
    size_t s;

    printf("forecast: average of the same hour of the week over the last "
           "%zu weeks;\n%s, AHT %.1f s, target %.0f %% within %g s\n\n",
           h->n, model_of(&l), o->aht, 100 * o->sl, o->target);
    printf("%-16s %8s %6s %7s %7s %6s\n", "hour", "calls", "agents", "SL",
           "ASA", "occup");
    for (t = h->start; t < end; t += 3600) {
        s = slot_of(t);
        isotime_format_local(t, when);
        when[16] = '\0';
        if (f[s].weeks == 0) {
            printf("%-16s %8s\n", when, "-");
            continue;
        }
        total += f[s].calls;
        l.calls_per_hour = f[s].calls;
        if (f[s].calls <= 0 || !erlang_agents(&l, o->sl, &r)) {
            printf("%-16s %8.1f %6u\n", when, f[s].calls, 0u);
            continue;
        }
        printf("%-16s %8.1f %6u %6.1f%% %7.1f %5.1f%%\n", when, f[s].calls,
               r.agents, 100 * r.service_level, r.asa, 100 * r.occupancy);
    }
    printf("\nforecast calls in the week: %.0f\n", total);
}

/* Sets the process time zone and opens the store. */
static struct store *
open_city_store(const struct staffing_opts *o)
{
    struct config_report rep = CONFIG_REPORT_INIT;
    struct store_options sopt = {1, true, true};
    struct city *city = NULL;
    struct store *st = NULL;
    char *cause = NULL;
    bool ok;

    if (config_load(o->config, &city, &rep) != C311_OK) {
        config_report_print(&rep, o->config, stderr);
        config_report_free(&rep);
        return NULL;
    }
    config_report_free(&rep);
    ok = isotime_set_zone(city->timezone) == C311_OK;
    config_free(city);
    if (!ok) {
        fprintf(stderr, "civic311 staffing: unknown time zone\n");
        return NULL;
    }
    if (store_open(o->db, &sopt, &st, &cause) != C311_OK) {
        fprintf(stderr, "civic311 staffing: cannot open the store: %s\n",
                cause ? cause : "unknown error");
        free(cause);
    }
    return st;
}

/* Picks the AHT: given, or the average talk of the history. */
static enum c311_rc
history_aht(struct store *st, const struct history *h, struct staffing_opts *o,
            char **cause)
{
    int64_t sum, n;
    enum c311_rc rc;

    if (o->has_aht)
        return C311_OK;
    rc = calls_talk(st, h->edges[0], h->start, &sum, &n, cause);
    if (rc != C311_OK)
        return rc;
    if (n == 0) {
        *cause = strdup("no answered call with a known talk time in the "
                        "history: give --aht");
        return C311_ERR_NOT_FOUND;
    }
    o->aht = (double)sum / (double)n;
    return C311_OK;
}

/*
 * Refuses a history without a single call, saying which weeks were read
 * and where the stored calls are, so the fix (--start, or an import) is
 * plain.
 */
static enum c311_rc
history_check(struct store *st, const struct history *h, char **cause)
{
    char from[ISOTIME_LEN], to[ISOTIME_LEN], first_s[ISOTIME_LEN],
        last_s[ISOTIME_LEN], msg[512];
    int64_t first, last;
    double total = 0;
    enum c311_rc rc;
    size_t w, i;

    for (w = 0; w < h->n; w++)
        for (i = 0; i < FORECAST_SLOTS; i++)
            total += h->weeks[w].calls[i];
    if (total > 0)
        return C311_OK;
    if ((rc = calls_range(st, &first, &last, cause)) != C311_OK)
        return rc;
    if (first == 0 && last == 0) {
        *cause = strdup("no calls are stored: import the contact centre's "
                        "queue_log first (civic311 calls import FILE)");
        return C311_ERR_NOT_FOUND;
    }
    isotime_format_local(h->edges[0], from);
    isotime_format_local(h->start, to);
    isotime_format_local(first, first_s);
    isotime_format_local(last, last_s);
    snprintf(msg, sizeof(msg),
             "no calls in the %zu weeks from %s to %s; the stored calls run "
             "from %s to %s: give --start the Monday after them",
             h->n, from, to, first_s, last_s);
    *cause = strdup(msg);
    return C311_ERR_NOT_FOUND;
}

/* Reads --start: a local date or time. */
static bool
parse_start(const char *s, int64_t *out)
{
    char buf[32];

    if (queuelog_parse_time(s, strlen(s), out))
        return true;
    snprintf(buf, sizeof(buf), "%s 00:00:00", s);
    return strlen(s) == 10 && queuelog_parse_time(buf, strlen(buf), out);
}

/* civic311 staffing forecast. */
static int
staffing_forecast(struct staffing_opts *o)
{
    struct forecast_slot f[FORECAST_SLOTS];
    struct arena a = ARENA_INIT;
    struct history h = {NULL, 0, 0, NULL};
    struct store *st;
    char *cause = NULL;
    int rc = CLI_FAIL;
    size_t w;

    if ((st = open_city_store(o)) == NULL)
        return CLI_FAIL;
    h.start = next_monday(isotime_now());
    if (o->start != NULL && !parse_start(o->start, &h.start)) {
        store_close(st);
        return usage_error("--start must be a local date (2026-03-02)");
    }
    h.n = (size_t)o->weeks;
    h.weeks = arena_alloc(&a, h.n * sizeof(*h.weeks));
    h.edges = arena_alloc(&a, (h.n + 1) * sizeof(*h.edges));
    if (h.weeks == NULL || h.edges == NULL)
        goto out;
    for (w = 0; w <= h.n; w++)
        h.edges[w] = days_later(h.start, -7 * (int)(h.n - w));
    if (count_history(st, &h, &a, &cause) != C311_OK ||
        history_check(st, &h, &cause) != C311_OK ||
        history_aht(st, &h, o, &cause) != C311_OK) {
        fprintf(stderr, "civic311 staffing: %s\n", cause ? cause : "failed");
        free(cause);
        goto out;
    }
    forecast_profile(h.weeks, h.n, f);
    print_forecast(o, &h, f);
    rc = CLI_OK;
out:
    store_close(st);
    arena_free(&a);
    return rc;
}

/* Runs the command; see staffing_usage. */
int
cmd_staffing(int argc, char **argv)
{
    struct staffing_opts o = {0,
                              0,
                              0.8,
                              20,
                              0,
                              false,
                              false,
                              "./civic311.db",
                              cli_default_config(),
                              NULL,
                              8};
    bool forecast = argc > 1 && strcmp(argv[1], "forecast") == 0;
    int rc;

    if (forecast) {
        argc--;
        argv++;
    }
    rc = parse_opts(argc, argv, &o);
    if (rc >= 0)
        return rc;
    return forecast ? staffing_forecast(&o) : staffing_one(&o);
}
