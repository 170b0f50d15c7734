/* SPDX-License-Identifier: MIT */
/*
 * Call statistics: exact figures for the shared sample, counted by hand,
 * and one small log for each definition of docs/CALLS.md.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../calls_helpers.h"
#include "core/callstats.h"

/* Feeds log to a stream and adds every call it rebuilds to cs. */
static void
add_log(struct callstats *cs, const char *log)
{
    struct acd_stream *s = acd_stream_new(NULL);
    struct arena a = ARENA_INIT;
    struct acd_pending_call *v;
    struct acd_call c;
    size_t n, i;

    feed_text(s, log);
    cr_assert_eq(acd_stream_take(s, true, 1000, &a, &v, &n), C311_OK);
    for (i = 0; i < n; i++) {
        cr_assert_eq(acd_call_build(v[i].callid, v[i].text, v[i].len, &a, &c),
                     C311_OK);
        cr_assert_eq(callstats_add_call(cs, &c, 0), C311_OK);
    }
    acd_stream_free(s);
    arena_free(&a);
}

/* Runs a report over log with the given grouping and edges. */
static struct callstats_report
report(const char *log, enum callstats_by by, const int64_t *edges,
       size_t nedges, int64_t short_abandon, struct arena *a)
{
    struct callstats_opts o = {by, edges, nedges, short_abandon, 20, 0};
    struct callstats_report r;
    struct callstats *cs;

    o.now = edges[nedges - 1];
    cs = callstats_new(&o);
    cr_assert_not_null(cs);
    add_log(cs, log);
    cr_assert_eq(callstats_finish(cs, a, &r), C311_OK);
    callstats_free(cs);
    return r;
}

/* Hours from 2018-12-28T16:00Z to 21:00Z. */
static const int64_t sample_hours[] = {1546012800, 1546016400, 1546020000,
                                       1546023600, 1546027200, 1546030800};

/*
 * The sample by hand (see test_acd.c for the four calls):
 *   offered 4 (A 16:43Z, B 19:00Z, C 19:06Z, D 20:07Z), all answered;
 *   waits 10, 10, 6, 14: ASA = average wait = 40 / 4 = 10, longest 14;
 *   talk known for A, B, C: 122 + 406 + 228 = 756, AHT = 756 / 3 = 252;
 *   every wait is within 20 s: service level 4 / 4 = 1;
 *   3 RINGNOANSWER; 2 calls rebuilt without ENTERQUEUE (B, C);
 *   hang-ups: caller 2 (A, B), agent 1 (C); D is still talking.
 *   By hour: 16h: A; 19h: B and C (waits 10 + 6, talk 406 + 228); 20h: D.
 */
Test(callstats, sample_by_interval)
{
    char *log = slurp(SAMPLE, NULL);
    struct arena a = ARENA_INIT;
    struct callstats_report r;

    r = report(log, CALLSTATS_BY_INTERVAL, sample_hours, 6, 5, &a);
    cr_assert_eq(r.total.offered, 4);
    cr_assert_eq(r.total.answered, 4);
    cr_assert_eq(r.total.abandoned, 0);
    cr_assert_eq(r.total.short_abandoned, 0);
    cr_assert_eq(r.total.waiting, 0);
    cr_assert_float_eq(r.total.asa, 10.0, 1e-9);
    cr_assert_float_eq(r.total.avg_wait, 10.0, 1e-9);
    cr_assert_eq(r.total.wait_max, 14);
    cr_assert_float_eq(r.total.aht, 252.0, 1e-9);
    cr_assert_eq(r.total.talk_n, 3);
    cr_assert_float_eq(r.total.service_level, 1.0, 1e-9);
    cr_assert_float_eq(r.total.abandon_rate, 0.0, 1e-9);
    cr_assert_eq(r.total.rings, 3);
    cr_assert_eq(r.total.no_enterqueue, 2);
    cr_assert_eq(r.total.hangup_caller, 2);
    cr_assert_eq(r.total.hangup_agent, 1);

    cr_assert_eq(r.nrows, 5);
    cr_assert_eq(r.rows[0].start, 1546012800);
    cr_assert_eq(r.rows[0].offered, 1);
    cr_assert_float_eq(r.rows[0].aht, 122.0, 1e-9);
    cr_assert_eq(r.rows[0].rings, 3);
    cr_assert_eq(r.rows[1].offered, 0);
    cr_assert_float_eq(r.rows[1].asa, -1.0, 1e-9);
    cr_assert_float_eq(r.rows[1].service_level, -1.0, 1e-9);
    cr_assert_eq(r.rows[3].offered, 2);
    cr_assert_float_eq(r.rows[3].asa, 8.0, 1e-9);
    cr_assert_float_eq(r.rows[3].aht, 317.0, 1e-9);
    cr_assert_eq(r.rows[4].offered, 1);
    cr_assert_eq(r.rows[4].talk_n, 0);
    cr_assert_float_eq(r.rows[4].aht, -1.0, 1e-9);
    arena_free(&a);
    free(log);
}

/*
 * By agent, by hand: Elm answered A (wait 10, talk 122, caller hung up),
 * C (6, 228, agent hung up) and D (14, still talking): 3 answered, ASA
 * 30 / 3 = 10, AHT 350 / 2 = 175. Fir answered B: ASA 10, AHT 406.
 * Alder, Birch Cedar and Dogwood rang once each without answer. No
 * ADDMEMBER in the sample: occupancy unknown.
 */
Test(callstats, sample_by_agent)
{
    const int64_t edges[] = {1546012800, 1546030800};
    char *log = slurp(SAMPLE, NULL);
    struct arena a = ARENA_INIT;
    struct callstats_report r;

    r = report(log, CALLSTATS_BY_AGENT, edges, 2, 5, &a);
    cr_assert_eq(r.nrows, 5);
    cr_assert_str_eq(r.rows[0].key, "Agent Alder");
    cr_assert_eq(r.rows[0].rings, 1);
    cr_assert_eq(r.rows[0].answered, 0);
    cr_assert_str_eq(r.rows[1].key, "Agent Birch Cedar");
    cr_assert_str_eq(r.rows[2].key, "Agent Dogwood");
    cr_assert_str_eq(r.rows[3].key, "Agent Elm");
    cr_assert_eq(r.rows[3].answered, 3);
    cr_assert_float_eq(r.rows[3].asa, 10.0, 1e-9);
    cr_assert_float_eq(r.rows[3].aht, 175.0, 1e-9);
    cr_assert_eq(r.rows[3].hangup_caller, 1);
    cr_assert_eq(r.rows[3].hangup_agent, 1);
    cr_assert_eq(r.rows[3].rings, 0);
    cr_assert_float_eq(r.rows[3].occupancy, -1.0, 1e-9);
    cr_assert_str_eq(r.rows[4].key, "Agent Fir");
    cr_assert_eq(r.rows[4].answered, 1);
    cr_assert_float_eq(r.rows[4].aht, 406.0, 1e-9);
    arena_free(&a);
    free(log);
}

/*
 * Six calls in one interval: answered after 10 s and after 25 s, abandoned
 * after 3 s (short) and after 40 s, a queue timeout after 300 s, and one
 * still waiting. Offered 6. With the 5 s threshold: short abandons 1,
 * abandoned 1, base = 2 answered + 1 abandoned + 1 timeout = 4; service
 * level (20 s) 1 / 4; abandonment rate 1 / 4; ASA (10 + 25) / 2 = 17.5;
 * average wait (10 + 25 + 40 + 300) / 4 = 93.75, longest 300. With a 2 s
 * threshold the 3 s abandon counts: abandoned 2, base 5, rate 2 / 5,
 * service level 1 / 5, average wait 378 / 5 = 75.6.
 */
static const char six_calls[] = "1000|c1|q|NONE|ENTERQUEUE||1|1\n"
                                "1010|c1|q|Agent A|CONNECT|10|x|1\n"
                                "1100|c1|q|Agent A|COMPLETECALLER|10|90|1\n"
                                "1000|c2|q|NONE|ENTERQUEUE||2|1\n"
                                "1025|c2|q|Agent B|CONNECT|25|x|1\n"
                                "1000|c3|q|NONE|ENTERQUEUE||3|1\n"
                                "1003|c3|q|NONE|ABANDON|1|1|3\n"
                                "1000|c4|q|NONE|ENTERQUEUE||4|1\n"
                                "1040|c4|q|NONE|ABANDON|1|1|40\n"
                                "1000|c5|q|NONE|ENTERQUEUE||5|1\n"
                                "1300|c5|q|NONE|EXITWITHTIMEOUT|1|1|300\n"
                                "1000|c6|q|NONE|ENTERQUEUE||6|1\n";

Test(callstats, short_abandons_and_service_level)
{
    const int64_t edges[] = {900, 1800};
    struct arena a = ARENA_INIT;
    struct callstats_report r;

    r = report(six_calls, CALLSTATS_BY_INTERVAL, edges, 2, 5, &a);
    cr_assert_eq(r.total.offered, 6);
    cr_assert_eq(r.total.answered, 2);
    cr_assert_eq(r.total.short_abandoned, 1);
    cr_assert_eq(r.total.abandoned, 1);
    cr_assert_eq(r.total.timeout, 1);
    cr_assert_eq(r.total.waiting, 1);
    cr_assert_eq(r.total.sl_base, 4);
    cr_assert_float_eq(r.total.service_level, 0.25, 1e-9);
    cr_assert_float_eq(r.total.abandon_rate, 0.25, 1e-9);
    cr_assert_float_eq(r.total.asa, 17.5, 1e-9);
    cr_assert_float_eq(r.total.avg_wait, 93.75, 1e-9);
    cr_assert_eq(r.total.wait_max, 300);
    cr_assert_float_eq(r.total.aht, 90.0, 1e-9);

    r = report(six_calls, CALLSTATS_BY_INTERVAL, edges, 2, 2, &a);
    cr_assert_eq(r.total.short_abandoned, 0);
    cr_assert_eq(r.total.abandoned, 2);
    cr_assert_float_eq(r.total.abandon_rate, 0.4, 1e-9);
    cr_assert_float_eq(r.total.service_level, 0.2, 1e-9);
    cr_assert_float_eq(r.total.avg_wait, 75.6, 1e-9);
    arena_free(&a);
}

/*
 * A call answered in "sales" (wait 5), transferred after 60 s into
 * "billing" (wait 4, talk 30), and a second call answered in "billing"
 * only (wait 2, talk 20). Overall: 2 calls offered and answered, one of
 * them in two queues; waits 5 and 2; talk 90 and 20. Per queue: sales
 * offered 1 (transferred 1); billing offered 2, one of them from another
 * queue, waits 4 and 2.
 */
static const char transfer_log[] =
    "100|t1|sales|NONE|ENTERQUEUE||+15550100101|1\n"
    "105|t1|sales|Agent One|CONNECT|5|t1.1|2\n"
    "165|t1|sales|Agent One|TRANSFER|8002|queues|5|60|1\n"
    "166|t1|billing|NONE|ENTERQUEUE||+15550100101|1\n"
    "170|t1|billing|Agent Two|CONNECT|4|t1.2|3\n"
    "200|t1|billing|Agent Two|COMPLETEAGENT|4|30|1\n"
    "300|t2|billing|NONE|ENTERQUEUE||+15550100102|1\n"
    "302|t2|billing|Agent Two|CONNECT|2|t2.1|3\n"
    "322|t2|billing|Agent Two|COMPLETECALLER|2|20|1\n";

Test(callstats, transfers_count_once_per_queue_and_once_overall)
{
    const int64_t edges[] = {0, 3600};
    struct arena a = ARENA_INIT;
    struct callstats_report r;

    r = report(transfer_log, CALLSTATS_BY_QUEUE, edges, 2, 5, &a);
    cr_assert_eq(r.total.offered, 2);
    cr_assert_eq(r.total.answered, 2);
    cr_assert_eq(r.total.multi_queue, 1);
    cr_assert_eq(r.total.transferred, 1);
    cr_assert_float_eq(r.total.asa, 3.5, 1e-9);
    cr_assert_float_eq(r.total.aht, 55.0, 1e-9);
    cr_assert_eq(r.nrows, 2);
    cr_assert_str_eq(r.rows[0].key, "billing");
    cr_assert_eq(r.rows[0].offered, 2);
    cr_assert_eq(r.rows[0].multi_queue, 1);
    cr_assert_float_eq(r.rows[0].asa, 3.0, 1e-9);
    cr_assert_float_eq(r.rows[0].aht, 25.0, 1e-9);
    cr_assert_str_eq(r.rows[1].key, "sales");
    cr_assert_eq(r.rows[1].offered, 1);
    cr_assert_eq(r.rows[1].transferred, 1);
    cr_assert_float_eq(r.rows[1].aht, 60.0, 1e-9);
    arena_free(&a);
}

/*
 * Agent A is logged in from 1000 to 4600 (3600 s) and paused from 2000 to
 * 2600 (600 s); a second login to another queue from 1500 to 2000 overlaps
 * the first and adds nothing. A answers a call at 3000 and talks 300 s.
 * Occupancy = 300 / (3600 - 600) = 0.1. In two intervals split at 2800:
 * the first has 1800 s logged in, 600 paused, 0 busy (occupancy 0); the
 * second 1800 logged in, 300 busy: 1 / 6.
 */
Test(callstats, occupancy_from_logins_and_pauses)
{
    const int64_t one[] = {1000, 4600}, two[] = {1000, 2800, 4600};
    const struct acd_span spans[] = {
        {"Agent A", "q", ACD_SPAN_MEMBER, 1000, 4600},
        {"Agent A", "r", ACD_SPAN_MEMBER, 1500, 2000},
        {"Agent A", "", ACD_SPAN_PAUSE, 2000, 2600},
    };
    const char *log = "2990|o1|q|NONE|ENTERQUEUE||1|1\n"
                      "3000|o1|q|Agent A|CONNECT|10|x|1\n"
                      "3300|o1|q|Agent A|COMPLETEAGENT|10|300|1\n";
    struct callstats_opts o = {CALLSTATS_BY_AGENT, one, 2, 5, 20, 4600};
    struct arena a = ARENA_INIT;
    struct callstats_report r;
    struct callstats *cs;
    size_t i;

    for (int pass = 0; pass < 2; pass++) {
        o.edges = pass == 0 ? one : two;
        o.nedges = pass == 0 ? 2 : 3;
        cs = callstats_new(&o);
        for (i = 0; i < 3; i++)
            cr_assert_eq(callstats_add_span(cs, &spans[i]), C311_OK);
        add_log(cs, log);
        cr_assert_eq(callstats_finish(cs, &a, &r), C311_OK);
        callstats_free(cs);
        if (pass == 0) {
            cr_assert_eq(r.nrows, 1);
            cr_assert_eq(r.rows[0].logged_in, 3600);
            cr_assert_eq(r.rows[0].paused, 600);
            cr_assert_eq(r.rows[0].busy, 300);
            cr_assert_float_eq(r.rows[0].occupancy, 0.1, 1e-9);
        } else {
            cr_assert_eq(r.nrows, 2);
            cr_assert_eq(r.rows[0].logged_in, 1800);
            cr_assert_eq(r.rows[0].paused, 600);
            cr_assert_float_eq(r.rows[0].occupancy, 0.0, 1e-9);
            cr_assert_eq(r.rows[1].busy, 300);
            cr_assert_float_eq(r.rows[1].occupancy, 1.0 / 6, 1e-9);
        }
    }
    arena_free(&a);
}

/* A request filed during a leg counts for the call and its queue. */
Test(callstats, share_of_calls_with_a_request)
{
    const int64_t edges[] = {0, 3600};
    struct callstats_opts o = {CALLSTATS_BY_QUEUE, edges, 2, 5, 20, 3600};
    struct acd_stream *s = acd_stream_new(NULL);
    struct arena a = ARENA_INIT;
    struct acd_pending_call *v;
    struct callstats_report r;
    struct callstats *cs = callstats_new(&o);
    struct acd_call c;
    size_t n, i;

    feed_text(s, transfer_log);
    cr_assert_eq(acd_stream_take(s, true, 10, &a, &v, &n), C311_OK);
    for (i = 0; i < n; i++) {
        cr_assert_eq(acd_call_build(v[i].callid, v[i].text, v[i].len, &a, &c),
                     C311_OK);
        /* t1's request was filed during its billing leg (leg 1). */
        callstats_add_call(cs, &c, strcmp(c.callid, "t1") == 0 ? 2 : 0);
    }
    cr_assert_eq(callstats_finish(cs, &a, &r), C311_OK);
    cr_assert_eq(r.total.with_request, 1);
    cr_assert_float_eq(r.total.request_share, 0.5, 1e-9);
    cr_assert_eq(r.rows[0].with_request, 1);
    cr_assert_eq(r.rows[1].with_request, 0);
    callstats_free(cs);
    acd_stream_free(s);
    arena_free(&a);
}
