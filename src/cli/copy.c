/* SPDX-License-Identifier: MIT */
/*
 * civic311 copy: moves a whole store into a new, empty one, for example
 * from the embedded SQLite file to PostgreSQL. Every table is copied with
 * its ids, public ids, tokens, private contact fields, key hashes and
 * history, in batches of one transaction each; the row counts of both
 * sides are compared at the end.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "store/kb_store.h"
#include "store/store.h"

#define COPY_DEFAULT_BATCH 1000
#define COPY_MAX_BATCH     100000

static const char copy_usage[] =
    "usage: civic311 copy --from SRC --to DST [--batch N]\n\n"
    "Copies every table of the store SRC into the store DST (requests,\n"
    "events, staff, callers, work orders, tow records, calls, knowledge\n"
    "base...), keeping ids and public ids, rebuilds the knowledge base\n"
    "search index, then checks that both hold as many rows in each table.\n"
    "Failed sign-ins are not copied.\n\n"
    "  --from SRC   the store to read: a file, 'sqlite:FILE' or a\n"
    "               postgresql:// URL (migrated to the newest schema)\n"
    "  --to DST     the store to fill, created and migrated when needed;\n"
    "               it must hold no rows yet\n"
    "  --batch N    rows per transaction (default 1000)\n\n"
    "No server may write to SRC or DST while the copy runs.\n"
    "Exit status: 0 copied and checked, 1 failed or the counts differ,\n"
    "2 wrong command line.\n";

/* What messages call the rows of each table. */
static const char *const table_words[STORE_NTABLES] = {
    [STORE_API_KEY] = "api keys",
    [STORE_STAFF_USER] = "staff accounts",
    [STORE_STAFF_SESSION] = "sessions",
    [STORE_CONTACT] = "callers",
    [STORE_CONTACT_POINT] = "phones and emails",
    [STORE_REQUEST] = "requests",
    [STORE_REQUEST_ATTR] = "answers",
    [STORE_EVENT] = "events",
    [STORE_REQUEST_IMPORT] = "import records",
    [STORE_IMPORTED_SERVICE] = "imported services",
    [STORE_AUDIT] = "audit entries",
    [STORE_WORK_ORDER] = "work orders",
    [STORE_WORK_GROUP_TURN] = "work group turns",
    [STORE_SLA_ESCALATION] = "escalations",
    [STORE_OUTBOX] = "messages",
    [STORE_TOW_RECORD] = "tow records",
    [STORE_CALL] = "calls",
    [STORE_CALL_AGENT_SPAN] = "agent spans",
    [STORE_QUEUE_LOG_SOURCE] = "queue logs",
    [STORE_KB_ARTICLE] = "articles",
    [STORE_KB_ARTICLE_SERVICE] = "article services",
    [STORE_KB_VERSION] = "article versions",
    [STORE_KB_USE] = "article uses",
    [STORE_KB_SEARCH] = "searches",
};

/* The same for a single row. */
static const char *const table_word[STORE_NTABLES] = {
    [STORE_API_KEY] = "api key",
    [STORE_STAFF_USER] = "staff account",
    [STORE_STAFF_SESSION] = "session",
    [STORE_CONTACT] = "caller",
    [STORE_CONTACT_POINT] = "phone or email",
    [STORE_REQUEST] = "request",
    [STORE_REQUEST_ATTR] = "answer",
    [STORE_EVENT] = "event",
    [STORE_REQUEST_IMPORT] = "import record",
    [STORE_IMPORTED_SERVICE] = "imported service",
    [STORE_AUDIT] = "audit entry",
    [STORE_WORK_ORDER] = "work order",
    [STORE_WORK_GROUP_TURN] = "work group turn",
    [STORE_SLA_ESCALATION] = "escalation",
    [STORE_OUTBOX] = "message",
    [STORE_TOW_RECORD] = "tow record",
    [STORE_CALL] = "call",
    [STORE_CALL_AGENT_SPAN] = "agent span",
    [STORE_QUEUE_LOG_SOURCE] = "queue log",
    [STORE_KB_ARTICLE] = "article",
    [STORE_KB_ARTICLE_SERVICE] = "article service",
    [STORE_KB_VERSION] = "article version",
    [STORE_KB_USE] = "article use",
    [STORE_KB_SEARCH] = "search",
};

/* "1 request", "2 requests": the word for n rows of t. */
static const char *
rows_of(enum store_table t, int64_t n)
{
    return n == 1 ? table_word[t] : table_words[t];
}

struct copy_opts {
    const char *from;
    const char *to;
    size_t batch;
};

static int usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Prints a usage error and the usage; returns CLI_USAGE. */
static int
usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("civic311 copy: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n\n", stderr);
    fputs(copy_usage, stderr);
    return CLI_USAGE;
}

/* Reads the options into o; returns -1 to go on, or an exit status. */
static int
parse_opts(int argc, char **argv, struct copy_opts *o)
{
    static const struct option options[] = {
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"batch", required_argument, NULL, 'b'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    char *end;
    long n;
    int c;

    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
        switch (c) {
        case 'f':
            o->from = optarg;
            break;
        case 't':
            o->to = optarg;
            break;
        case 'b':
            n = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || n < 1 || n > COPY_MAX_BATCH)
                return usage_error("--batch must be a number from 1 to "
                                   "100000, not '%s'",
                                   optarg);
            o->batch = (size_t)n;
            break;
        case 'h':
            fputs(copy_usage, stdout);
            return CLI_OK;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    if (o->from == NULL || o->to == NULL)
        return usage_error("%s", "both --from and --to are needed");
    if (strcmp(o->from, o->to) == 0)
        return usage_error("--from and --to name the same store '%s'", o->from);
    return -1;
}

/*
 * Opens the store dsn for side ("source" or "destination"). The source
 * must exist: opening would otherwise create an empty one.
 */
static struct store *
open_side(const char *dsn, const char *side)
{
    struct store_options opt = {1, true, strcmp(side, "source") == 0};
    struct store *st = NULL;
    char *cause = NULL;

    if (store_open(dsn, &opt, &st, &cause) != C311_OK) {
        fprintf(stderr, "civic311 copy: cannot open the %s: %s\n", side,
                cause != NULL ? cause : "unknown error");
        free(cause);
        return NULL;
    }
    return st;
}

/* Counts the rows of every table of st into n[]; false after a message. */
static bool
count_all(struct store *st, const char *side, int64_t n[STORE_NTABLES])
{
    char *cause = NULL;
    int t;

    for (t = 0; t < STORE_NTABLES; t++) {
        if (store_count(st, (enum store_table)t, &n[t], &cause) != C311_OK) {
            fprintf(stderr, "civic311 copy: counting the %s's %s: %s\n", side,
                    table_words[t], cause != NULL ? cause : "failed");
            free(cause);
            return false;
        }
    }
    return true;
}

/* Seconds on a clock that only moves forward. */
static double
now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Copies table t in batches, each one read from src and written to dst in
 * one transaction; shows progress on a terminal. False after a message.
 */
static bool
copy_table(struct store *src, struct store *dst, enum store_table t,
           size_t batch, int64_t total, bool tty)
{
    struct store_cursor cur = STORE_CURSOR_INIT;
    struct arena a = ARENA_INIT;
    const char **cells;
    char *cause = NULL;
    int64_t done = 0;
    enum c311_rc rc;
    size_t n;

    for (;;) {
        rc = store_export(src, t, &cur, batch, &a, &cells, &n, &cause);
        if (rc != C311_OK || n == 0)
            break;
        rc = store_import(dst, t, cells, n, &cause);
        arena_free(&a);
        if (rc != C311_OK)
            break;
        done += (int64_t)n;
        if (tty)
            fprintf(stderr, "\r%-9s %" PRId64 " / %" PRId64, table_words[t],
                    done, total);
    }
    arena_free(&a);
    if (tty && total > 0)
        fputc('\n', stderr);
    if (rc == C311_OK)
        return true;
    fprintf(stderr, "civic311 copy: copying %s after %" PRId64 " rows: %s\n",
            table_words[t], done, cause != NULL ? cause : "failed");
    free(cause);
    return false;
}

/* Says which tables of dst hold rows; false when it is empty. */
static bool
refuse_nonempty(const int64_t n[STORE_NTABLES])
{
    bool any = false;
    int t;

    for (t = 0; t < STORE_NTABLES; t++)
        any = any || n[t] > 0;
    if (!any)
        return false;
    fputs("civic311 copy: the destination is not empty (", stderr);
    for (t = 0; t < STORE_NTABLES; t++)
        fprintf(stderr, "%s%" PRId64 " %s", t > 0 ? ", " : "", n[t],
                rows_of((enum store_table)t, n[t]));
    fputs("); copy only into a new database\n", stderr);
    return true;
}

/* Compares the counts of both sides; false after naming each difference. */
static bool
counts_match(const int64_t src[STORE_NTABLES], const int64_t dst[STORE_NTABLES])
{
    bool same = true;
    int t;

    for (t = 0; t < STORE_NTABLES; t++) {
        if (src[t] == dst[t])
            continue;
        fprintf(stderr,
                "civic311 copy: %s differ: %" PRId64 " in the source, "
                "%" PRId64 " in the destination\n",
                table_words[t], src[t], dst[t]);
        same = false;
    }
    return same;
}

/* Rebuilds the knowledge base search index of dst; false after a message. */
static bool
reindex(struct store *dst)
{
    char *cause = NULL;
    int64_t n;

    if (kb_store_reindex(dst, &n, &cause) == C311_OK)
        return true;
    fprintf(stderr, "civic311 copy: indexing the articles: %s\n",
            cause != NULL ? cause : "failed");
    free(cause);
    return false;
}

/* Copies every table, then checks the counts of both sides. */
static int
run(const struct copy_opts *o, struct store *src, struct store *dst)
{
    int64_t before[STORE_NTABLES], after[STORE_NTABLES], copied[STORE_NTABLES];
    bool tty = isatty(STDERR_FILENO) == 1;
    double start = now_seconds();
    int t;

    if (!count_all(dst, "destination", before) || refuse_nonempty(before))
        return CLI_FAIL;
    if (!count_all(src, "source", before))
        return CLI_FAIL;
    for (t = 0; t < STORE_NTABLES; t++)
        if (!copy_table(src, dst, (enum store_table)t, o->batch, before[t],
                        tty))
            return CLI_FAIL;
    if (!reindex(dst))
        return CLI_FAIL;
    if (!count_all(src, "source", after) ||
        !count_all(dst, "destination", copied))
        return CLI_FAIL;
    if (!counts_match(after, copied))
        return CLI_FAIL;
    printf("copied %" PRId64 " %s, %" PRId64 " %s, %" PRId64 " %s and %" PRId64
           " %s in %.1f s; the row counts of both sides match\n",
           copied[STORE_REQUEST], rows_of(STORE_REQUEST, copied[STORE_REQUEST]),
           copied[STORE_REQUEST_ATTR],
           rows_of(STORE_REQUEST_ATTR, copied[STORE_REQUEST_ATTR]),
           copied[STORE_API_KEY], rows_of(STORE_API_KEY, copied[STORE_API_KEY]),
           copied[STORE_EVENT], rows_of(STORE_EVENT, copied[STORE_EVENT]),
           now_seconds() - start);
    return fflush(stdout) == 0 ? CLI_OK : CLI_FAIL;
}

/* Runs the command; see copy_usage for what it does. */
int
cmd_copy(int argc, char **argv)
{
    struct copy_opts o = {NULL, NULL, COPY_DEFAULT_BATCH};
    struct store *src = NULL, *dst = NULL;
    int rc;

    rc = parse_opts(argc, argv, &o);
    if (rc >= 0)
        return rc;
    rc = CLI_FAIL;
    src = open_side(o.from, "source");
    if (src == NULL)
        goto out;
    dst = open_side(o.to, "destination");
    if (dst == NULL)
        goto out;
    rc = run(&o, src, dst);
out:
    store_close(dst);
    store_close(src);
    return rc;
}
