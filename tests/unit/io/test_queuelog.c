/* SPDX-License-Identifier: MIT */
/*
 * Reading queue_log files: the pipe sample and its CSV export give the
 * same calls, bytes may come in any pieces, CSV quirks (quotes, a joined
 * data column, datetimes, NULL cells), and where a reader may start again.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../calls_helpers.h"
#include "io/queuelog.h"
#include "util/isotime.h"

/* Feeds text to a new reader in pieces of step bytes; the stream stays. */
static struct acd_stream *
read_in_pieces(const char *text, size_t n, size_t step,
               enum queuelog_format fmt)
{
    struct acd_stream *s = acd_stream_new(NULL);
    struct queuelog_reader *r = queuelog_reader_new(fmt, s);
    size_t i, k;

    for (i = 0; i < n; i += k) {
        k = n - i < step ? n - i : step;
        cr_assert_eq(queuelog_reader_feed(r, text + i, k), C311_OK);
    }
    cr_assert_eq(queuelog_reader_finish(r), C311_OK);
    queuelog_reader_free(r);
    return s;
}

/* The held calls' event sets, rebuilt, joined in callid order. */
static char *
all_events(struct acd_stream *s, struct arena *a)
{
    struct acd_pending_call *v;
    struct acd_call c;
    char *out = arena_strdup(a, ""), *best;
    size_t n, i, j, done = 0;
    bool *used;

    cr_assert_eq(acd_stream_take(s, true, 100, a, &v, &n), C311_OK);
    used = arena_alloc(a, n + 1);
    for (done = 0; done < n; done++) {
        best = NULL;
        for (i = 0, j = n; i < n; i++) {
            if (!used[i] && (best == NULL || strcmp(v[i].callid, best) < 0)) {
                best = (char *)v[i].callid;
                j = i;
            }
        }
        used[j] = true;
        cr_assert_eq(acd_call_build(v[j].callid, v[j].text, v[j].len, a, &c),
                     C311_OK);
        out = arena_printf(a, "%s%s", out, c.events);
    }
    return out;
}

/*
 * The sample as a pipe log and as its CSV export (times in UTC): the same
 * 21 events, the same event sets, whether the bytes come whole or one at
 * a time.
 */
Test(queuelog, pipe_and_csv_give_the_same_calls)
{
    struct arena a = ARENA_INIT;
    const struct acd_counts *k;
    struct acd_stream *s;
    char *pipe, *csv, *want;
    size_t np, nc;

    cr_assert_eq(isotime_set_zone("UTC"), C311_OK);
    pipe = slurp(CALLS_FIXTURES "sample_queue_log", &np);
    csv = slurp(CALLS_FIXTURES "sample_queue_log.csv", &nc);

    s = read_in_pieces(pipe, np, np, QUEUELOG_AUTO);
    k = acd_stream_counts(s);
    cr_assert_eq(k->lines, 23);
    cr_assert_eq(k->duplicate, 6);
    want = all_events(s, &a);
    acd_stream_free(s);

    s = read_in_pieces(pipe, np, 1, QUEUELOG_AUTO);
    cr_assert_str_eq(all_events(s, &a), want);
    acd_stream_free(s);

    s = read_in_pieces(csv, nc, nc, QUEUELOG_AUTO);
    k = acd_stream_counts(s);
    cr_assert_eq(k->lines, 21); /* the header is not an event */
    cr_assert_eq(k->duplicate, 6);
    cr_assert_eq(k->malformed, 0);
    cr_assert_str_eq(all_events(s, &a), want);
    acd_stream_free(s);

    s = read_in_pieces(csv, nc, 7, QUEUELOG_CSV);
    cr_assert_str_eq(all_events(s, &a), want);
    acd_stream_free(s);
    arena_free(&a);
    free(pipe);
    free(csv);
}

/*
 * A CSV export with an id column first, a single "data" column with the
 * values joined by '|', quoted agent names with a comma, epoch and
 * fractional datetime cells, an empty (NULL) agent and a bad time.
 */
Test(queuelog, csv_variants)
{
    const char *csv =
        "id,time,callid,queuename,agent,event,data\r\n"
        "1,1546015415,c1,201,,ENTERQUEUE,|+15550100171|1\r\n"
        "2,2018-12-28 16:43:45.123456,c1,201,\"Elm, Agent\",CONNECT,"
        "10|c1.1|9\r\n"
        "3,2018-12-28T16:45:47,c1,201,\"Elm, Agent\",COMPLETEAGENT,10|122|1\r\n"
        "4,yesterday,c2,201,NONE,ENTERQUEUE,|5|1\r\n";
    struct acd_stream *s;
    struct arena a = ARENA_INIT;

    cr_assert_eq(isotime_set_zone("UTC"), C311_OK);
    s = read_in_pieces(csv, strlen(csv), 5, QUEUELOG_AUTO);
    cr_assert_eq(acd_stream_counts(s)->malformed, 1);
    cr_assert_str_eq(all_events(s, &a),
                     "1546015415|c1|201|NONE|ENTERQUEUE||+15550100171|1\n"
                     "1546015425|c1|201|Elm, Agent|CONNECT|10|c1.1|9\n"
                     "1546015547|c1|201|Elm, Agent|COMPLETEAGENT|10|122|1\n");
    acd_stream_free(s);
    arena_free(&a);
}

/* Local times are read in the process time zone. */
Test(queuelog, csv_times_are_local)
{
    int64_t t;

    cr_assert_eq(isotime_set_zone("America/New_York"), C311_OK);
    cr_assert(queuelog_parse_time("2018-12-28 11:43:35", 19, &t));
    cr_assert_eq(t, 1546015415);
    cr_assert(queuelog_parse_time("1546015415.25", 13, &t));
    cr_assert_eq(t, 1546015415);
    cr_assert_not(queuelog_parse_time("2018-02-30 11:43:35", 19, &t));
    cr_assert_not(queuelog_parse_time("2018-12-28", 10, &t));
}

/*
 * Where to start again: after the last complete line. A line cut in the
 * middle is not done until its newline comes; finish() reads it anyway.
 */
Test(queuelog, done_marks_complete_lines)
{
    const char *text = "100|c1|q|NONE|ENTERQUEUE||1|1\n"
                       "105|c1|q|A|CONNECT|5|x|1\n";
    struct acd_stream *s = acd_stream_new(NULL);
    struct queuelog_reader *r = queuelog_reader_new(QUEUELOG_PIPE, s);
    size_t first = strlen("100|c1|q|NONE|ENTERQUEUE||1|1\n");

    cr_assert_eq(queuelog_reader_feed(r, text, first + 10), C311_OK);
    cr_assert_eq(queuelog_reader_done(r), first);
    cr_assert_eq(acd_stream_counts(s)->lines, 1);
    cr_assert_eq(
        queuelog_reader_feed(r, text + first + 10, strlen(text) - first - 11),
        C311_OK);
    cr_assert_eq(queuelog_reader_done(r), first);
    cr_assert_eq(queuelog_reader_finish(r), C311_OK);
    cr_assert_eq(queuelog_reader_done(r), strlen(text) - 1);
    cr_assert_eq(acd_stream_counts(s)->lines, 2);
    cr_assert_eq(acd_stream_counts(s)->call_events, 2);
    queuelog_reader_free(r);
    acd_stream_free(s);
}
