/* SPDX-License-Identifier: MIT */
/*
 * The call report: options, local interval edges, the scan over the
 * store with request links, and its JSON and table forms. See
 * api/calls_report.h.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/calls_report.h"
#include "api/reports.h"
#include "io/queuelog.h"
#include "jobs/calls_ingest.h"
#include "store/calls.h"
#include "util/isotime.h"

#define DAY 86400

/* ---- options ---- */

/* Sets *cause to a formatted message and *field, and returns INVALID. */
static enum c311_rc bad(const char **field, const char *name, char **cause,
                        const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Names the culprit argument and says what is wrong with it. */
static enum c311_rc
bad(const char **field, const char *name, char **cause, const char *fmt, ...)
{
    va_list ap;

    *field = name;
    va_start(ap, fmt);
    if (vasprintf(cause, fmt, ap) < 0)
        *cause = NULL;
    va_end(ap);
    return C311_ERR_INVALID;
}

/*
 * Reads an instant as every other report does (ISO 8601 with an offset, or
 * a local date, or date and time with or without seconds), or as epoch
 * seconds, the way queue_log files give times.
 */
static bool
parse_when(const char *s, int64_t *out)
{
    return reports_parse_time(s, out) || queuelog_parse_time(s, strlen(s), out);
}

/* Reads a count of seconds from 0 to max. */
static bool
parse_seconds(const char *s, int64_t max, int64_t *out)
{
    char *end;
    long long v;

    v = strtoll(s, &end, 10);
    if (end == s || *end != '\0' || v < 0 || v > max)
        return false;
    *out = v;
    return true;
}

/* Reads the grouping and the interval length. */
static enum c311_rc
parse_grouping(const struct calls_report_args *g, struct calls_report_opts *o,
               const char **field, char **cause)
{
    static const char *const steps[] = {"15m", "1h", "1d"};
    static const int64_t secs[] = {900, 3600, DAY};
    size_t i;

    if (g->by == NULL || strcmp(g->by, "interval") == 0)
        o->by = CALLSTATS_BY_INTERVAL;
    else if (strcmp(g->by, "queue") == 0)
        o->by = CALLSTATS_BY_QUEUE;
    else if (strcmp(g->by, "agent") == 0)
        o->by = CALLSTATS_BY_AGENT;
    else
        return bad(field, "by", cause,
                   "by must be interval, queue or agent, not '%s'", g->by);
    o->step = o->by == CALLSTATS_BY_INTERVAL ? 3600 : 0;
    if (g->interval == NULL)
        return C311_OK;
    for (i = 0; i < 3; i++) {
        if (strcmp(g->interval, steps[i]) == 0) {
            o->step = secs[i];
            return C311_OK;
        }
    }
    return bad(field, "interval", cause,
               "interval must be 15m, 1h or 1d, not '%s'", g->interval);
}

/* Reads the report options, with their defaults. */
enum c311_rc
calls_report_parse(const struct calls_report_args *args, int64_t now,
                   struct calls_report_opts *o, const char **field,
                   char **cause)
{
    memset(o, 0, sizeof(*o));
    o->now = now;
    o->to = now;
    o->sl_seconds = CALLSTATS_SL_SECONDS;
    o->short_abandon = CALLSTATS_SHORT_ABANDON;
    *field = NULL;
    *cause = NULL;
    if (args->to != NULL && !parse_when(args->to, &o->to))
        return bad(field, "to", cause,
                   "to must be a local date (2026-03-01), a local time "
                   "(2026-03-01 14:00) or an ISO 8601 time with an offset");
    o->from = o->to - DAY;
    if (args->from != NULL && !parse_when(args->from, &o->from))
        return bad(field, "from", cause,
                   "from must be a local date (2026-03-01), a local time "
                   "(2026-03-01 14:00) or an ISO 8601 time with an offset");
    if (o->from >= o->to)
        return bad(field, "to", cause, "to must come after from");
    if (args->sl != NULL && !parse_seconds(args->sl, DAY, &o->sl_seconds))
        return bad(field, "sl", cause,
                   "the service level target must be 0 to 86400 seconds");
    if (args->short_abandon != NULL &&
        !parse_seconds(args->short_abandon, 3600, &o->short_abandon))
        return bad(field, "short", cause,
                   "the short abandon threshold must be 0 to 3600 seconds");
    return parse_grouping(args, o, field, cause);
}

/* ---- interval edges ---- */

/* The local boundary at or before t of a step of 900, 3600 or a day. */
static int64_t
floor_local(int64_t t, int64_t step)
{
    time_t tt = (time_t)t;
    struct tm tm;

    localtime_r(&tt, &tm);
    tm.tm_sec = 0;
    if (step == DAY) {
        tm.tm_min = tm.tm_hour = 0;
        tm.tm_isdst = -1;
    } else if (step == 3600) {
        tm.tm_min = 0;
    } else {
        tm.tm_min -= tm.tm_min % 15;
    }
    return (int64_t)mktime(&tm);
}

/* The next local boundary after the boundary t. */
static int64_t
next_local(int64_t t, int64_t step)
{
    time_t tt = (time_t)t;
    struct tm tm;
    int64_t n;

    if (step != DAY) {
        n = floor_local(t + step, step);
        return n > t ? n : t + step;
    }
    localtime_r(&tt, &tm);
    tm.tm_mday++;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

/* Lists the interval boundaries from from to to. */
enum c311_rc
calls_report_edges(const struct calls_report_opts *o, struct arena *a,
                   int64_t **edges, size_t *n)
{
    size_t cap = 2, k = 0;
    int64_t t, *v;

    if (o->step > 0)
        cap = (size_t)((o->to - o->from) / 900 + 3);
    if (cap > CALLS_REPORT_MAX_INTERVALS * 4 + 3)
        cap = CALLS_REPORT_MAX_INTERVALS * 4 + 3;
    v = arena_alloc(a, cap * sizeof(*v));
    if (v == NULL)
        return C311_ERR_NOMEM;
    v[k++] = o->from;
    if (o->step > 0) {
        for (t = next_local(floor_local(o->from, o->step), o->step); t < o->to;
             t = next_local(t, o->step)) {
            if (k + 1 >= cap || k > CALLS_REPORT_MAX_INTERVALS)
                return C311_ERR_TOO_LARGE;
            v[k++] = t;
        }
    }
    v[k++] = o->to;
    *edges = v;
    *n = k;
    return C311_OK;
}

/* ---- requests filed during calls ---- */

/* A phone request by its caller's E.164 number. */
struct linked {
    const char *phone;
    int64_t at;
};

struct scan {
    struct callstats *cs;
    const struct calls_report_opts *o;
    struct linked *req;
    size_t nreq;
    int64_t seen;
};

/* Orders requests by phone, then time. */
static int
linked_cmp(const void *x, const void *y)
{
    const struct linked *a = x, *b = y;
    int c = strcmp(a->phone, b->phone);

    return c != 0 ? c : (a->at > b->at) - (a->at < b->at);
}

/* The first request from phone, or nreq when there is none. */
static size_t
first_of(const struct scan *s, const char *phone)
{
    size_t lo = 0, hi = s->nreq, mid;

    while (lo < hi) {
        mid = (lo + hi) / 2;
        if (strcmp(s->req[mid].phone, phone) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Bit i set: a request came from the caller during leg i (or just after). */
static uint32_t
request_legs(const struct scan *s, const struct acd_call *c)
{
    uint32_t bits = 0;
    int64_t end;
    size_t i, k;

    if (c->caller == NULL || s->nreq == 0)
        return 0;
    for (k = first_of(s, c->caller);
         k < s->nreq && strcmp(s->req[k].phone, c->caller) == 0; k++) {
        for (i = 0; i < c->nlegs && i < 32; i++) {
            if (c->legs[i].answered == 0)
                continue;
            end = c->legs[i].ended != 0 ? c->legs[i].ended : s->o->now;
            if (s->req[k].at >= c->legs[i].answered &&
                s->req[k].at <= end + CALLS_REPORT_LINK_GRACE)
                bits |= UINT32_C(1) << i;
        }
    }
    return bits;
}

/* Loads the phone requests around the report, by E.164 number. */
static enum c311_rc
load_requests(struct store *st, struct scan *s, struct arena *a, char **cause)
{
    struct calls_request *v;
    const char *e164;
    char buf[64];
    enum c311_rc rc;
    size_t n, i;

    rc = calls_phone_requests(st, s->o->from - DAY, s->o->to + DAY, a, &v, &n,
                              cause);
    if (rc != C311_OK || n == 0)
        return rc;
    s->req = arena_alloc(a, n * sizeof(*s->req));
    if (s->req == NULL)
        return C311_ERR_NOMEM;
    for (i = 0; i < n; i++) {
        e164 = calls_ingest_e164(v[i].phone, buf, sizeof(buf));
        if (e164 == NULL)
            continue;
        s->req[s->nreq].phone = arena_strdup(a, e164);
        s->req[s->nreq].at = v[i].requested_at;
        if (s->req[s->nreq].phone == NULL)
            return C311_ERR_NOMEM;
        s->nreq++;
    }
    if (s->nreq > 0)
        qsort(s->req, s->nreq, sizeof(*s->req), linked_cmp);
    return C311_OK;
}

/* ---- running ---- */

/* Adds one scanned call to the statistics. */
static enum c311_rc
add_scanned(void *arg, const struct acd_call *c, const struct calls_row *row)
{
    struct scan *s = arg;

    (void)row;
    s->seen++;
    return callstats_add_call(s->cs, c, request_legs(s, c));
}

/* Adds the agent spans of the report's range. */
static enum c311_rc
add_spans(struct store *st, struct scan *s, struct arena *a, char **cause)
{
    struct acd_span *v;
    enum c311_rc rc;
    size_t n, i;

    rc = calls_spans(st, s->o->from, s->o->to, a, &v, &n, cause);
    for (i = 0; rc == C311_OK && i < n; i++)
        rc = callstats_add_span(s->cs, &v[i]);
    return rc;
}

/* Scans the calls of the range into the statistics. */
enum c311_rc
calls_report_run(struct store *st, const struct calls_report_opts *o,
                 struct arena *a, struct calls_report *out, char **cause)
{
    struct callstats_opts co = {o->by,         NULL,  0, o->short_abandon,
                                o->sl_seconds, o->now};
    struct scan s = {NULL, o, NULL, 0, 0};
    struct arena tmp = ARENA_INIT;
    int64_t *edges, from;
    enum c311_rc rc;

    memset(out, 0, sizeof(*out));
    out->opts = *o;
    rc = calls_report_edges(o, a, &edges, &co.nedges);
    if (rc == C311_ERR_TOO_LARGE &&
        asprintf(cause,
                 "the range holds more than %d intervals: shorten it or "
                 "use a longer interval",
                 CALLS_REPORT_MAX_INTERVALS) < 0)
        *cause = NULL;
    if (rc != C311_OK)
        return rc;
    co.edges = edges;
    s.cs = callstats_new(&co);
    if (s.cs == NULL)
        return C311_ERR_NOMEM;
    rc = load_requests(st, &s, &tmp, cause);
    /* A leg may start in the range though its call entered the day before. */
    from = o->by == CALLSTATS_BY_INTERVAL ? o->from : o->from - DAY;
    if (rc == C311_OK)
        rc = calls_scan(st, from, o->to, add_scanned, &s, cause);
    if (rc == C311_OK)
        rc = add_spans(st, &s, &tmp, cause);
    if (rc == C311_OK)
        rc = callstats_finish(s.cs, a, &out->stats);
    out->calls_seen = s.seen;
    callstats_free(s.cs);
    arena_free(&tmp);
    return rc;
}

/* ---- output ---- */

/* A rounded figure, or null when it is undefined (-1). */
static json_t *
figure(double v, double scale)
{
    return v < 0 ? json_null() : json_real(round(v * scale) / scale);
}

/* A local datetime. */
static json_t *
when(int64_t t)
{
    char buf[ISOTIME_LEN];

    isotime_format_local(t, buf);
    return json_string(buf);
}

/* Sets key of o to v; clears *ok when v is NULL or the set fails. */
static void
put(json_t *o, const char *key, json_t *v, bool *ok)
{
    if (v == NULL || json_object_set_new(o, key, v) != 0)
        *ok = false;
}

/* The figures every kind of row has. */
static void
common_json(json_t *o, const struct callstats_row *row, bool *ok)
{
    put(o, "answered", json_integer((json_int_t)row->answered), ok);
    put(o, "answered_within_target",
        json_integer((json_int_t)row->answered_in_sl), ok);
    put(o, "service_level", figure(row->service_level, 1e4), ok);
    put(o, "asa", figure(row->asa, 10), ok);
    put(o, "aht", figure(row->aht, 10), ok);
    put(o, "hangup_by_caller", json_integer((json_int_t)row->hangup_caller),
        ok);
    put(o, "hangup_by_agent", json_integer((json_int_t)row->hangup_agent), ok);
    put(o, "transferred", json_integer((json_int_t)row->transferred), ok);
    put(o, "ring_no_answer", json_integer((json_int_t)row->rings), ok);
    put(o, "with_request", json_integer((json_int_t)row->with_request), ok);
    put(o, "request_share", figure(row->request_share, 1e4), ok);
}

/* The figures of rows that count offered calls (overall and queue). */
static void
offered_json(json_t *o, const struct callstats_row *row, bool by_queue,
             bool *ok)
{
    put(o, "offered", json_integer((json_int_t)row->offered), ok);
    put(o, "abandoned", json_integer((json_int_t)row->abandoned), ok);
    put(o, "short_abandoned", json_integer((json_int_t)row->short_abandoned),
        ok);
    put(o, "exit_timeout", json_integer((json_int_t)row->timeout), ok);
    put(o, "exit_key", json_integer((json_int_t)row->exitkey), ok);
    put(o, "exit_empty", json_integer((json_int_t)row->exitempty), ok);
    put(o, "still_waiting", json_integer((json_int_t)row->waiting), ok);
    put(o, "abandon_rate", figure(row->abandon_rate, 1e4), ok);
    put(o, "average_wait", figure(row->avg_wait, 10), ok);
    put(o, "longest_wait",
        row->wait_n > 0 ? json_integer((json_int_t)row->wait_max) : json_null(),
        ok);
    put(o, "without_enterqueue", json_integer((json_int_t)row->no_enterqueue),
        ok);
    put(o, by_queue ? "from_other_queue" : "in_several_queues",
        json_integer((json_int_t)row->multi_queue), ok);
}

/* The occupancy figures of an agent row. */
static void
agent_json(json_t *o, const struct callstats_row *row, bool *ok)
{
    put(o, "busy_seconds", json_integer(row->busy), ok);
    put(o, "logged_in_seconds", json_integer(row->logged_in), ok);
    put(o, "paused_seconds", json_integer(row->paused), ok);
    put(o, "occupancy", figure(row->occupancy, 1e4), ok);
}

/* One row; total rows count each call once, whatever the grouping. */
static json_t *
row_json(const struct calls_report *r, const struct callstats_row *row,
         bool total)
{
    enum callstats_by by = total ? CALLSTATS_BY_INTERVAL : r->opts.by;
    json_t *o = json_object();
    bool ok = o != NULL;

    put(o, "start", when(row->start), &ok);
    put(o, "end", when(row->end), &ok);
    if (by == CALLSTATS_BY_QUEUE)
        put(o, "queue", json_string(row->key), &ok);
    else if (by == CALLSTATS_BY_AGENT)
        put(o, "agent", json_string(row->key), &ok);
    if (by != CALLSTATS_BY_AGENT)
        offered_json(o, row, by == CALLSTATS_BY_QUEUE, &ok);
    common_json(o, row, &ok);
    if (by == CALLSTATS_BY_AGENT)
        agent_json(o, row, &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* What the rows count, in a sentence for the reader of the JSON. */
static const char *
counting(enum callstats_by by)
{
    switch (by) {
    case CALLSTATS_BY_QUEUE:
        return "each row counts a call once for every queue it entered, "
               "by the time it entered that queue; total counts each call "
               "once, by its first entry";
    case CALLSTATS_BY_AGENT:
        return "each row counts the calls an agent answered, by the time "
               "they answered, and their unanswered rings; total counts "
               "each call once, by its first entry";
    default:
        return "each call counts once, in the interval of its first entry "
               "into a queue, whichever queues it went through";
    }
}

/* Writes the report as the API answers it. */
json_t *
calls_report_json(const struct calls_report *r)
{
    static const char *const by[] = {"interval", "queue", "agent"};
    json_t *o = json_object(), *rows = json_array();
    bool ok = o != NULL && rows != NULL;
    size_t i;

    put(o, "from", when(r->opts.from), &ok);
    put(o, "to", when(r->opts.to), &ok);
    put(o, "by", json_string(by[r->opts.by]), &ok);
    put(o, "interval_seconds",
        r->opts.step > 0 ? json_integer(r->opts.step) : json_null(), &ok);
    put(o, "service_level_seconds", json_integer(r->opts.sl_seconds), &ok);
    put(o, "short_abandon_seconds", json_integer(r->opts.short_abandon), &ok);
    put(o, "counting", json_string(counting(r->opts.by)), &ok);
    put(o, "total", row_json(r, &r->stats.total, true), &ok);
    for (i = 0; ok && i < r->stats.nrows; i++) {
        if (json_array_append_new(rows,
                                  row_json(r, &r->stats.rows[i], false)) != 0)
            ok = false;
    }
    if (!ok) {
        json_decref(rows);
        json_decref(o);
        return NULL;
    }
    json_object_set_new(o, "rows", rows);
    return o;
}

/* A figure for the table with one decimal, "-" when undefined. */
static const char *
cellf(char *buf, size_t n, double v, bool percent)
{
    if (v < 0)
        return "-";
    snprintf(buf, n, "%.1f%s", percent ? v * 100 : v, percent ? "%" : "");
    return buf;
}

/* Prints one row of the table. */
static void
print_row(FILE *f, const struct callstats_row *row, const char *label,
          bool agent)
{
    char sl[16], asa[16], aht[16], ab[16], occ[16];

    if (agent) {
        fprintf(f, "%-22s %8llu %6s %7s %7s %6llu %6s\n", label,
                (unsigned long long)row->answered,
                cellf(sl, sizeof(sl), row->service_level, true),
                cellf(asa, sizeof(asa), row->asa, false),
                cellf(aht, sizeof(aht), row->aht, false),
                (unsigned long long)row->rings,
                cellf(occ, sizeof(occ), row->occupancy, true));
        return;
    }
    fprintf(f, "%-22s %7llu %8llu %7llu %5llu %6s %6s %7s %7s %5llu\n", label,
            (unsigned long long)row->offered, (unsigned long long)row->answered,
            (unsigned long long)row->abandoned,
            (unsigned long long)row->short_abandoned,
            cellf(ab, sizeof(ab), row->abandon_rate, true),
            cellf(sl, sizeof(sl), row->service_level, true),
            cellf(asa, sizeof(asa), row->asa, false),
            cellf(aht, sizeof(aht), row->aht, false),
            (unsigned long long)row->wait_max);
}

/* True when [from, to) covers more than one local calendar day. */
static bool
spans_days(const struct calls_report_opts *o)
{
    char first[ISOTIME_LEN], last[ISOTIME_LEN];

    isotime_format_local(o->from, first);
    isotime_format_local(o->to - 1, last);
    return strncmp(first, last, 10) != 0; /* "YYYY-MM-DD" */
}

/*
 * The label of a row: its start, and its queue or agent. Intervals of a
 * queue or agent show the time of day alone only when the range is one
 * day; over several days the same hours would repeat without their dates.
 */
static const char *
row_label(const struct calls_report *r, const struct callstats_row *row,
          bool dated, char *buf, size_t n)
{
    char t[ISOTIME_LEN];

    isotime_format_local(row->start, t);
    t[16] = '\0'; /* to the minute */
    if (row->key == NULL)
        snprintf(buf, n, "%s", t);
    else if (r->opts.step == 0)
        snprintf(buf, n, "%s", row->key);
    else
        snprintf(buf, n, "%s %s", dated ? t : t + 11, row->key);
    return buf;
}

/* Prints the report as a table, total and request share. */
void
calls_report_print(FILE *f, const struct calls_report *r)
{
    bool agent = r->opts.by == CALLSTATS_BY_AGENT;
    bool dated = spans_days(&r->opts);
    char label[256], from[ISOTIME_LEN], to[ISOTIME_LEN];
    size_t i;

    isotime_format_local(r->opts.from, from);
    isotime_format_local(r->opts.to, to);
    fprintf(f,
            "calls from %s to %s; service level within %llds, short "
            "abandons under %llds\n\n",
            from, to, (long long)r->opts.sl_seconds,
            (long long)r->opts.short_abandon);
    if (agent)
        fprintf(f, "%-22s %8s %6s %7s %7s %6s %6s\n", "agent", "answered", "SL",
                "ASA", "AHT", "rings", "occup");
    else
        fprintf(f, "%-22s %7s %8s %7s %5s %6s %6s %7s %7s %5s\n",
                r->opts.by == CALLSTATS_BY_QUEUE ? "queue" : "interval",
                "offered", "answered", "abandon", "short", "aband%", "SL",
                "ASA", "AHT", "maxW");
    for (i = 0; i < r->stats.nrows; i++)
        print_row(f, &r->stats.rows[i],
                  row_label(r, &r->stats.rows[i], dated, label, sizeof(label)),
                  agent);
    fprintf(f, "\n");
    if (agent) /* the total is counted per call, with the queue columns */
        fprintf(f, "%-22s %7s %8s %7s %5s %6s %6s %7s %7s %5s\n", "", "offered",
                "answered", "abandon", "short", "aband%", "SL", "ASA", "AHT",
                "maxW");
    print_row(f, &r->stats.total, "total (each call once)", false);
    if (r->stats.total.answered > 0)
        fprintf(f,
                "\n%llu of %llu answered calls produced a request "
                "(%.1f%%)\n",
                (unsigned long long)r->stats.total.with_request,
                (unsigned long long)r->stats.total.answered,
                100.0 * (double)r->stats.total.with_request /
                    (double)r->stats.total.answered);
}
