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

/*
 * A log of 1500 short calls (an ENTERQUEUE each) with one ring line put
 * after `before` of them: 1020 characters of event, then six spaces and a
 * CR (1027 bytes before the newline). Trimmed it fits the 1024-byte limit
 * of a line, so it is read wherever it lies.
 */
static char *
log_with_long_line(size_t before, size_t *start, size_t *len)
{
    char *text = malloc(1500 * 64 + 2048), *p = text;
    size_t i;
    int n;

    for (i = 0; i <= 1500; i++) {
        if (i == before) {
            *start = (size_t)(p - text);
            n = sprintf(p, "1767700000|long|201|Agent X|RINGNOANSWER|");
            memset(p + n, '7', 1020 - (size_t)n);
            memcpy(p + 1020, "      \r\n", 8);
            p += 1028;
        }
        if (i < 1500)
            p += sprintf(p, "%zu|q%zu|201|NONE|ENTERQUEUE||+1555010%04zu|1\n",
                         1767700000 + i, i, i);
    }
    *len = (size_t)(p - text);
    return text;
}

/*
 * The same long line judged the same whether it lies inside one 64 KiB
 * piece (near byte 10,000), across two (over byte 65,536), first in the
 * file (where the format is told), or fed a byte at a time.
 */
Test(queuelog, a_long_line_is_read_wherever_it_lies)
{
    const struct acd_counts *k;
    struct acd_stream *s;
    char *text;
    size_t before[] = {200, 0, 0, 0}, step[] = {65536, 65536, 65536, 1};
    size_t start, len, i;

    /* The line after which the long one crosses byte 65,536. */
    for (before[1] = 1000;; before[1]++) {
        text = log_with_long_line(before[1], &start, &len);
        free(text);
        if (start + 1027 > 65536)
            break;
    }
    cr_assert_lt(start, 65536);
    before[3] = before[1];
    for (i = 0; i < 4; i++) {
        text = log_with_long_line(before[i], &start, &len);
        if (i == 0)
            cr_assert(start > 9000 && start < 11000);
        s = read_in_pieces(text, len, step[i], QUEUELOG_AUTO);
        k = acd_stream_counts(s);
        cr_assert_eq(k->lines, 1501, "case %zu", i);
        cr_assert_eq(k->malformed, 0, "case %zu", i);
        cr_assert_eq(k->call_events, 1501, "case %zu", i);
        cr_assert_eq(acd_stream_held(s), 1501, "case %zu", i);
        acd_stream_free(s);
        free(text);
    }
}

/* A line over 1 MiB is malformed, cut across pieces or not. */
Test(queuelog, a_huge_line_is_malformed_wherever_it_lies)
{
    size_t n = 1536 * 1024, steps[] = {n + 100, 65536, 4096}, i;
    char *text = malloc(n + 100);
    struct acd_stream *s;
    int m;

    m = sprintf(text, "1767700000|huge|201|NONE|ENTERQUEUE||+15550100|1");
    memset(text + m, ' ', n - (size_t)m);
    m = sprintf(text + n, "\n1767700001|q|201|NONE|ENTERQUEUE||+15550101|1\n");
    for (i = 0; i < 3; i++) {
        s = read_in_pieces(text, n + (size_t)m, steps[i], QUEUELOG_PIPE);
        cr_assert_eq(acd_stream_counts(s)->lines, 2);
        cr_assert_eq(acd_stream_counts(s)->malformed, 1);
        cr_assert_eq(acd_stream_counts(s)->call_events, 1);
        acd_stream_free(s);
    }
    free(text);
}

/*
 * A UTF-8 byte order mark first is skipped, in every format and however
 * the bytes come; a CSV header after it is still a header. One junk line
 * before a pipe log does not make it CSV.
 */
Test(queuelog, byte_order_mark_and_a_junk_first_line)
{
    const char *pipe = "\xef\xbb\xbf"
                       "1767700000|b1|201|NONE|ENTERQUEUE||+15550100171|1\n"
                       "1767700010|b1|201|Agent Elm|CONNECT|10|x|1\n";
    const char *csv = "\xef\xbb\xbftime,callid,queuename,agent,event,data1,"
                      "data2,data3\n"
                      "1767700000,b1,201,NONE,ENTERQUEUE,,+15550100171,1\n"
                      "1767700010,b1,201,Agent Elm,CONNECT,10,x,1\n";
    const char *junk = "junk before the log\n"
                       "1767700000|b1|201|NONE|ENTERQUEUE||+15550100171|1\n"
                       "1767700010|b1|201|Agent Elm|CONNECT|10|x|1\n";
    const char *want = "1767700000|b1|201|NONE|ENTERQUEUE||+15550100171|1\n"
                       "1767700010|b1|201|Agent Elm|CONNECT|10|x|1\n";
    enum queuelog_format fmts[] = {QUEUELOG_AUTO, QUEUELOG_PIPE};
    struct arena a = ARENA_INIT;
    struct acd_stream *s;
    size_t step, i;

    cr_assert_eq(isotime_set_zone("UTC"), C311_OK);
    for (step = 1; step <= 1000; step += 999) {
        for (i = 0; i < 2; i++) {
            s = read_in_pieces(pipe, strlen(pipe), step, fmts[i]);
            cr_assert_eq(acd_stream_counts(s)->lines, 2);
            cr_assert_eq(acd_stream_counts(s)->malformed, 0);
            cr_assert_str_eq(all_events(s, &a), want);
            acd_stream_free(s);
        }
        s = read_in_pieces(csv, strlen(csv), step, QUEUELOG_AUTO);
        cr_assert_eq(acd_stream_counts(s)->lines, 2);
        cr_assert_eq(acd_stream_counts(s)->malformed, 0);
        cr_assert_str_eq(all_events(s, &a), want);
        acd_stream_free(s);
        s = read_in_pieces(junk, strlen(junk), step, QUEUELOG_AUTO);
        cr_assert_eq(acd_stream_counts(s)->lines, 3);
        cr_assert_eq(acd_stream_counts(s)->malformed, 1);
        cr_assert_str_eq(all_events(s, &a), want);
        acd_stream_free(s);
    }
    arena_free(&a);
}

/* Where to start again counts the byte order mark's three bytes. */
Test(queuelog, done_counts_the_byte_order_mark)
{
    const char *text = "\xef\xbb\xbf"
                       "100|c1|q|NONE|ENTERQUEUE||1|1\n";
    struct acd_stream *s = acd_stream_new(NULL);
    struct queuelog_reader *r = queuelog_reader_new(QUEUELOG_PIPE, s);

    cr_assert_eq(queuelog_reader_feed(r, text, 2), C311_OK);
    cr_assert_eq(queuelog_reader_feed(r, text + 2, strlen(text) - 2), C311_OK);
    cr_assert_eq(queuelog_reader_done(r), strlen(text));
    cr_assert_eq(acd_stream_counts(s)->call_events, 1);
    queuelog_reader_free(r);
    acd_stream_free(s);
}
