/* SPDX-License-Identifier: MIT */
/*
 * civic311 calls: the contact centre's calls. `import` reads an Asterisk
 * queue_log (pipe format, or the same events exported as CSV) into the
 * store; `report` prints the statistics of docs/CALLS.md per interval,
 * queue or agent, as a table or as JSON.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/calls_report.h"
#include "cli/cli.h"
#include "io/config.h"
#include "jobs/calls_ingest.h"
#include "store/calls.h"
#include "util/isotime.h"

static const char import_usage[] =
    "usage: civic311 calls import FILE [--db PATH] [--config FILE]\n"
    "                             [--format auto|pipe|csv] [--check]\n\n"
    "Reads an Asterisk queue_log (\"-\" reads standard input) and stores\n"
    "the calls it describes. Lines already stored add nothing, so a file\n"
    "may be imported again, or after the log it continues.\n\n"
    "  --db PATH      database (default ./civic311.db)\n"
    "  --config FILE  city configuration, for its time zone (default\n"
    "                 config/demo-city.yaml); CSV times without a zone\n"
    "                 are read in it\n"
    "  --format F     pipe (epoch|callid|queue|agent|EVENT|data...), csv\n"
    "                 (time,callid,queuename,agent,event,data1..data5)\n"
    "                 or auto (default: decided by the first line)\n"
    "  --check        read and rebuild the calls, store nothing\n";

static const char report_usage[] =
    "usage: civic311 calls report [--db PATH] [--config FILE] [--from WHEN]\n"
    "                             [--to WHEN] [--by interval|queue|agent]\n"
    "                             [--interval 15m|1h|1d] [--sl SECONDS]\n"
    "                             [--short SECONDS] [--json]\n\n"
    "Prints the contact centre's statistics for calls that entered a\n"
    "queue in [from, to). docs/CALLS.md defines every figure.\n\n"
    "  --from, --to   a local date (2026-03-01: its midnight) or time\n"
    "                 (2026-03-01 14:00), or an ISO 8601 instant with an\n"
    "                 offset (default: the last 24 hours)\n"
    "  --by           one row per interval (calls counted once), per\n"
    "                 queue, or per agent (default interval)\n"
    "  --interval     length of the intervals (default 1h by interval,\n"
    "                 none by queue or agent: one row for the range)\n"
    "  --sl SECONDS   service level target (default 20)\n"
    "  --short SECONDS  abandons before this are short (default 5)\n"
    "  --json         the JSON of GET /api/v1/calls/report\n";

struct calls_opts {
    const char *db;
    const char *config;
    const char *format;
    const char *file;
    struct calls_report_args report;
    bool json;
    bool check;
};

static int usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints a usage error and the usage; returns CLI_USAGE. */
static int
usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;

    fputs("civic311 calls: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n\n%s", usage);
    return CLI_USAGE;
}

/* Reads the options; returns -1 to go on, or an exit status. */
static int
parse_opts(int argc, char **argv, const char *usage, struct calls_opts *o)
{
    static const struct option options[] = {
        {"db", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"by", required_argument, NULL, 'b'},
        {"interval", required_argument, NULL, 'i'},
        {"sl", required_argument, NULL, 's'},
        {"short", required_argument, NULL, 'S'},
        {"json", no_argument, NULL, 'j'},
        {"check", no_argument, NULL, 'k'},
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
        case 'f':
            o->format = optarg;
            break;
        case 'F':
            o->report.from = optarg;
            break;
        case 'T':
            o->report.to = optarg;
            break;
        case 'b':
            o->report.by = optarg;
            break;
        case 'i':
            o->report.interval = optarg;
            break;
        case 's':
            o->report.sl = optarg;
            break;
        case 'S':
            o->report.short_abandon = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        case 'k':
            o->check = true;
            break;
        case 'h':
            fputs(usage, stdout);
            return CLI_OK;
        case ':':
            return usage_error(usage, "%s needs a value", argv[optind - 1]);
        default:
            return usage_error(usage, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        o->file = argv[optind++];
    if (optind < argc)
        return usage_error(usage, "unexpected argument '%s'", argv[optind]);
    return -1;
}

/* Sets the process time zone to the city's. */
static bool
use_city_zone(const char *path)
{
    struct config_report rep = CONFIG_REPORT_INIT;
    struct city *city = NULL;
    bool ok;

    if (config_load(path, &city, &rep) != C311_OK) {
        config_report_print(&rep, path, stderr);
        config_report_free(&rep);
        return false;
    }
    config_report_free(&rep);
    ok = isotime_set_zone(city->timezone) == C311_OK;
    if (!ok)
        fprintf(stderr, "civic311 calls: unknown time zone %s\n",
                city->timezone);
    config_free(city);
    return ok;
}

/*
 * Opens the store; synchronous off when a crash only means importing again.
 * Only an import may create it: a report on a store that is not there
 * means a wrong --db, not a day without calls.
 */
static struct store *
open_store(const char *db, bool synchronous, bool existing)
{
    struct store_options sopt = {2, synchronous, existing};
    struct store *st = NULL;
    char *cause = NULL;

    if (store_open(db, &sopt, &st, &cause) != C311_OK) {
        fprintf(stderr, "civic311 calls: cannot open the store: %s\n",
                cause ? cause : "unknown error");
        free(cause);
        return NULL;
    }
    return st;
}

/* Prints what an import read and stored. */
static void
print_import(const struct calls_ingest *g)
{
    const struct acd_counts *k = acd_stream_counts(g->stream);

    printf("read %llu lines: %llu blank, %llu malformed, %llu duplicate, "
           "%llu unknown events, %llu ignored, %llu agent events\n",
           (unsigned long long)k->lines, (unsigned long long)k->blank,
           (unsigned long long)k->malformed, (unsigned long long)k->duplicate,
           (unsigned long long)k->unknown, (unsigned long long)k->ignored,
           (unsigned long long)k->agent_events);
    printf("calls: %llu new, %llu merged with stored ones, %llu unchanged, "
           "%llu without a queue event\n",
           (unsigned long long)g->stats.inserted,
           (unsigned long long)g->stats.merged,
           (unsigned long long)g->stats.unchanged,
           (unsigned long long)g->stats.invalid);
    if (k->over_limit > 0)
        printf("%llu lines over a call's limit (8 MiB of text): dropped, "
               "so their calls may lack an answer or a hangup\n",
               (unsigned long long)k->over_limit);
}

/*
 * Says on stderr when most lines could not be read, which means a file of
 * another kind or a format guessed wrong; false when not one line could.
 */
static bool
warn_unreadable(const struct calls_ingest *g)
{
    const struct acd_counts *k = acd_stream_counts(g->stream);
    uint64_t content = k->lines - k->blank;

    if (content == 0 || k->malformed * 2 <= content)
        return true;
    fprintf(stderr,
            "civic311 calls: %llu of %llu lines are malformed: is this a "
            "queue_log (or try --format pipe or --format csv)?\n",
            (unsigned long long)k->malformed, (unsigned long long)content);
    return k->malformed < content;
}

/*
 * Prints the days the stored calls cover, so that the first report can be
 * asked for the right dates.
 */
static void
print_range(struct store *st)
{
    char first_s[ISOTIME_LEN], last_s[ISOTIME_LEN], after[ISOTIME_LEN];
    int64_t first, last;
    char *cause = NULL;

    if (calls_range(st, &first, &last, &cause) != C311_OK) {
        free(cause);
        return;
    }
    if (first == 0 && last == 0)
        return;
    isotime_format_local(first, first_s);
    isotime_format_local(last, last_s);
    isotime_format_local(last + 86400, after);
    first_s[10] = last_s[10] = after[10] = '\0';
    printf("stored calls: from %s to %s (report them with --from %s "
           "--to %s)\n",
           first_s, last_s, first_s, after);
}

/* civic311 calls import. */
static int
calls_import(const struct calls_opts *o)
{
    enum queuelog_format fmt = QUEUELOG_AUTO;
    struct calls_ingest g;
    struct store *st = NULL;
    char *cause = NULL;
    int rc = CLI_FAIL;

    if (o->file == NULL)
        return usage_error(import_usage, "which file?");
    if (o->format != NULL && strcmp(o->format, "pipe") == 0)
        fmt = QUEUELOG_PIPE;
    else if (o->format != NULL && strcmp(o->format, "csv") == 0)
        fmt = QUEUELOG_CSV;
    else if (o->format != NULL && strcmp(o->format, "auto") != 0)
        return usage_error(import_usage, "--format must be auto, pipe or csv");
    if (!use_city_zone(o->config) ||
        (!o->check && (st = open_store(o->db, false, false)) == NULL))
        return CLI_FAIL;
    if (calls_ingest_init(&g, st, fmt, NULL) != C311_OK) {
        fprintf(stderr, "civic311 calls: out of memory\n");
        goto out_store;
    }
    if (calls_ingest_file(&g, o->file, &cause) != C311_OK) {
        fprintf(stderr, "civic311 calls: %s\n", cause ? cause : "failed");
        free(cause);
    } else {
        rc = CLI_OK;
    }
    print_import(&g);
    if (rc == CLI_OK && !warn_unreadable(&g))
        rc = CLI_FAIL; /* not one line read: surely not what was meant */
    if (rc == CLI_OK && st != NULL)
        print_range(st);
    calls_ingest_free(&g);
out_store:
    store_close(st);
    return rc;
}

/* civic311 calls report. */
static int
calls_report_cmd(const struct calls_opts *o)
{
    struct calls_report_opts ro;
    struct arena a = ARENA_INIT;
    struct calls_report r;
    const char *field;
    struct store *st;
    char *cause = NULL, *text;
    json_t *v;
    int rc = CLI_FAIL;

    if (o->file != NULL)
        return usage_error(report_usage, "unexpected argument '%s'", o->file);
    if (!use_city_zone(o->config))
        return CLI_FAIL;
    if (calls_report_parse(&o->report, isotime_now(), &ro, &field, &cause) !=
        C311_OK) {
        rc = usage_error(report_usage, "--%s: %s", field, cause);
        free(cause);
        return rc;
    }
    if ((st = open_store(o->db, true, true)) == NULL)
        return CLI_FAIL;
    if (calls_report_run(st, &ro, &a, &r, &cause) != C311_OK) {
        fprintf(stderr, "civic311 calls: %s\n", cause ? cause : "failed");
        free(cause);
        goto out;
    }
    if (o->json) {
        v = calls_report_json(&r);
        text =
            v ? json_dumps(v, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) : NULL;
        if (text == NULL) {
            fprintf(stderr, "civic311 calls: out of memory\n");
            json_decref(v);
            goto out;
        }
        printf("%s\n", text);
        free(text);
        json_decref(v);
    } else {
        calls_report_print(stdout, &r);
    }
    rc = CLI_OK;
out:
    store_close(st);
    arena_free(&a);
    return rc;
}

/* Runs the command; see the usage texts. */
int
cmd_calls(int argc, char **argv)
{
    struct calls_opts o = {"./civic311.db",
                           cli_default_config(),
                           NULL,
                           NULL,
                           {NULL, NULL, NULL, NULL, NULL, NULL},
                           false,
                           false};
    const char *usage;
    int rc;

    if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "--help") == 0) {
        fprintf(argc < 2 ? stderr : stdout, "%s\n%s", import_usage,
                report_usage);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "import") == 0)
        usage = import_usage;
    else if (strcmp(argv[1], "report") == 0)
        usage = report_usage;
    else
        return usage_error(import_usage, "unknown subcommand '%s'", argv[1]);
    rc = parse_opts(argc - 1, argv + 1, usage, &o);
    if (rc >= 0)
        return rc;
    return usage == import_usage ? calls_import(&o) : calls_report_cmd(&o);
}
