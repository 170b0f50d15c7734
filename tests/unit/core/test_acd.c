/* SPDX-License-Identifier: MIT */
/*
 * Calls rebuilt from queue_log lines: canonical text, the shared sample
 * with its quirks, and one small log for each rule of core/acd.c.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../calls_helpers.h"
#include "core/acd.h"
#include "jobs/calls_ingest.h"

/* Builds the single call of a small log, failing the test otherwise. */
static void
build_one(const char *log, struct arena *a, struct acd_call *c)
{
    struct acd_stream *s = acd_stream_new(NULL);
    struct acd_pending_call *v;
    size_t n;

    feed_text(s, log);
    cr_assert_eq(acd_stream_take(s, true, 100, a, &v, &n), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(acd_call_build(v[0].callid, v[0].text, v[0].len, a, c),
                 C311_OK);
    acd_stream_free(s);
}

Test(acd, canonical_pipe_lines)
{
    const char *l = "1546015415|1.2|201|NONE|ENTERQUEUE||+15550100171|1||\r\n";
    char out[ACD_LINE_MAX];
    size_t n;

    cr_assert_eq(acd_canonical_pipe(l, strlen(l), out, &n), ACD_LINE_OK);
    cr_assert_str_eq(out, "1546015415|1.2|201|NONE|ENTERQUEUE||+15550100171|1");
    cr_assert_eq(n, strlen(out));
    cr_assert_eq(acd_canonical_pipe("  \r\n", 4, out, &n), ACD_LINE_BLANK);
    cr_assert_eq(acd_canonical_pipe("", 0, out, &n), ACD_LINE_BLANK);
    cr_assert_eq(acd_canonical_pipe("1546015415|1.2|201|NONE", 23, out, &n),
                 ACD_LINE_MALFORMED);
    cr_assert_eq(
        acd_canonical_pipe("15460x5415|1.2|201|NONE|DID|1", 29, out, &n),
        ACD_LINE_MALFORMED);
    cr_assert_eq(acd_canonical_pipe("1|1.2|201|A|X|1|2|3|4|5|6", 25, out, &n),
                 ACD_LINE_MALFORMED);
}

Test(acd, csv_fields_give_the_pipe_text)
{
    const char *f[] = {"1546015415.757927", "201", "Agent Elm", "CONNECT", "10",
                       "1546015415.757936", "9",   "",          ""};
    const char *l = "1546015425|1546015415.757927|201|Agent Elm|CONNECT|10|"
                    "1546015415.757936|9";
    char out[ACD_LINE_MAX], pipe[ACD_LINE_MAX];
    size_t len[9], i, n, m;

    for (i = 0; i < 9; i++)
        len[i] = strlen(f[i]);
    cr_assert_eq(acd_canonical_fields(1546015425, f, len, 9, out, &n),
                 ACD_LINE_OK);
    cr_assert_eq(acd_canonical_pipe(l, strlen(l), pipe, &m), ACD_LINE_OK);
    cr_assert_str_eq(out, pipe);
    f[4] = "1|0";
    len[4] = 3;
    cr_assert_eq(acd_canonical_fields(1546015425, f, len, 9, out, &n),
                 ACD_LINE_MALFORMED);
    /* Latin-1 "Agent Mu\xf1oz", a line break: '?'; UTF-8 is kept. */
    f[2] = "Agent Mu\xf1oz\n\xc3\xa9";
    len[2] = strlen(f[2]);
    f[4] = "10";
    len[4] = 2;
    cr_assert_eq(acd_canonical_fields(1546015425, f, len, 9, out, &n),
                 ACD_LINE_OK);
    cr_assert_str_eq(out, "1546015425|1546015415.757927|201|Agent Mu?oz?"
                          "\xc3\xa9|CONNECT|10|1546015415.757936|9");
}

/*
 * The shared sample (tests/fixtures/calls/sample_queue_log). Counted by hand
 * from its 23 lines:
 *   - 2 blank lines; 21 events.
 *   - DID: 1, known and without effect ("ignored").
 *   - ENTERQUEUE of ...757927: 7 identical lines, 6 of them duplicates.
 *   - 14 call events remain: ENTERQUEUE 2, RINGNOANSWER 3, CONNECT 3,
 *     COMPLETECALLER 2, COMPLETEAGENT 4.
 *   - 4 callids: ...757927 (A), ...760166 (B), ...760296 (C), ...761192 (D).
 */
Test(acd, sample_counts)
{
    char *text = slurp(SAMPLE, NULL);
    struct acd_stream *s = acd_stream_new(NULL);
    const struct acd_counts *k;

    feed_text(s, text);
    k = acd_stream_counts(s);
    cr_assert_eq(k->lines, 23);
    cr_assert_eq(k->blank, 2);
    cr_assert_eq(k->malformed, 0);
    cr_assert_eq(k->duplicate, 6);
    cr_assert_eq(k->ignored, 1);
    cr_assert_eq(k->unknown, 0);
    cr_assert_eq(k->call_events, 14);
    cr_assert_eq(acd_stream_held(s), 4);
    acd_stream_free(s);
    free(text);
}

/* Finds callid among the n calls built from v. */
static void
build_of(const struct acd_pending_call *v, size_t n, const char *callid,
         struct arena *a, struct acd_call *c)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(v[i].callid, callid) == 0) {
            cr_assert_eq(acd_call_build(callid, v[i].text, v[i].len, a, c),
                         C311_OK);
            return;
        }
    }
    cr_assert_fail("no call %s", callid);
}

/*
 * The four calls of the sample, by hand:
 *   A 1546015415.757927: ENTERQUEUE 1546015415 from +15550100171, three
 *     RINGNOANSWER (Alder, Birch Cedar, Dogwood; 0 ms), CONNECT Elm at
 *     1546015425 with holdtime 10, COMPLETECALLER at 1546015547 with
 *     calltime 122. Wait 10, talk 122, the caller hung up.
 *   B 1546023604.760166: only COMPLETECALLER by Fir at 1546024020
 *     (holdtime 10, calltime 406): answered 1546024020-406 = 1546023614,
 *     entered 1546023614-10 = 1546023604 (derived), wait 10, talk 406.
 *   C 1546023970.760296: CONNECT Elm at 1546023976 (holdtime 6), no
 *     ENTERQUEUE: entered 1546023970 (derived); COMPLETEAGENT at 1546024204
 *     (calltime 228) and three more with origposition 4, 5, 6 (repeated).
 *   D 1546027663.761192: ENTERQUEUE 1546027663 from +15550100175, CONNECT
 *     Elm at 1546027677 (holdtime 14), no end in the file: still talking.
 */
Test(acd, sample_calls)
{
    char *text = slurp(SAMPLE, NULL);
    struct acd_stream *s = acd_stream_new(NULL);
    struct arena a = ARENA_INIT;
    struct acd_pending_call *v;
    struct acd_call c;
    size_t n;

    feed_text(s, text);
    cr_assert_eq(acd_stream_take(s, true, 100, &a, &v, &n), C311_OK);
    cr_assert_eq(n, 4);

    build_of(v, n, "1546015415.757927", &a, &c);
    cr_assert_str_eq(c.caller, "+15550100171");
    cr_assert_eq(c.nlegs, 1);
    cr_assert_str_eq(c.legs[0].queue, "201");
    cr_assert_eq(c.legs[0].entered, 1546015415);
    cr_assert_not(c.legs[0].entered_derived);
    cr_assert_eq(c.legs[0].answered, 1546015425);
    cr_assert_eq(c.legs[0].ended, 1546015547);
    cr_assert_eq(c.legs[0].wait, 10);
    cr_assert_eq(c.legs[0].talk, 122);
    cr_assert_str_eq(c.legs[0].agent, "Agent Elm");
    cr_assert_eq(c.legs[0].hangup, ACD_HANGUP_CALLER);
    cr_assert_eq(c.legs[0].outcome, ACD_COMPLETED);
    cr_assert_eq(c.legs[0].rings, 3);
    cr_assert_eq(c.nrings, 3);
    cr_assert_str_eq(c.rings[1].agent, "Agent Birch Cedar");
    cr_assert_eq(c.rings[1].ms, 0);
    cr_assert_eq(c.repeated, 0);
    /* ENTERQUEUE (once, first in its second), DID, 3 rings, CONNECT,
     * COMPLETECALLER. */
    cr_assert_str_eq(
        c.events,
        "1546015415|1546015415.757927|201|NONE|ENTERQUEUE||+15550100171|1\n"
        "1546015415|1546015415.757927|201|NONE|DID|+15550100100\n"
        "1546015415|1546015415.757927|201|Agent Alder|RINGNOANSWER|0\n"
        "1546015415|1546015415.757927|201|Agent Birch Cedar|RINGNOANSWER|0\n"
        "1546015415|1546015415.757927|201|Agent Dogwood|RINGNOANSWER|0\n"
        "1546015425|1546015415.757927|201|Agent Elm|CONNECT|10|"
        "1546015415.757936|9\n"
        "1546015547|1546015415.757927|201|Agent Elm|COMPLETECALLER|10|122|1\n");

    build_of(v, n, "1546023604.760166", &a, &c);
    cr_assert_null(c.caller);
    cr_assert_eq(c.legs[0].entered, 1546023604);
    cr_assert(c.legs[0].entered_derived);
    cr_assert_eq(c.legs[0].answered, 1546023614);
    cr_assert_eq(c.legs[0].wait, 10);
    cr_assert_eq(c.legs[0].talk, 406);
    cr_assert_str_eq(c.legs[0].agent, "Agent Fir");
    cr_assert_eq(c.legs[0].hangup, ACD_HANGUP_CALLER);

    build_of(v, n, "1546023970.760296", &a, &c);
    cr_assert_eq(c.legs[0].entered, 1546023970);
    cr_assert(c.legs[0].entered_derived);
    cr_assert_eq(c.legs[0].answered, 1546023976);
    cr_assert_eq(c.legs[0].ended, 1546024204);
    cr_assert_eq(c.legs[0].wait, 6);
    cr_assert_eq(c.legs[0].talk, 228);
    cr_assert_eq(c.legs[0].hangup, ACD_HANGUP_AGENT);
    cr_assert_eq(c.repeated, 3);

    build_of(v, n, "1546027663.761192", &a, &c);
    cr_assert_str_eq(c.caller, "+15550100175");
    cr_assert_eq(c.legs[0].outcome, ACD_TALKING);
    cr_assert_eq(c.legs[0].wait, 14);
    cr_assert_eq(c.legs[0].talk, -1);
    cr_assert_eq(c.ended, 0);
    cr_assert_eq(c.outcome, ACD_TALKING);

    acd_stream_free(s);
    arena_free(&a);
    free(text);
}

Test(acd, unanswered_exits_and_their_waits)
{
    static const char *const logs[] = {
        "100|c1|q|NONE|ENTERQUEUE||5551|1\n"
        "103|c1|q|NONE|ABANDON|1|1|3\n",
        "100|c1|q|NONE|ENTERQUEUE||5551|1\n"
        "400|c1|q|NONE|EXITWITHTIMEOUT|1|1|300\n",
        "100|c1|q|NONE|ENTERQUEUE||5551|1\n"
        "130|c1|q|NONE|EXITWITHKEY|5|1|1|30\n",
        "100|c1|q|NONE|ENTERQUEUE||5551|1\n"
        "101|c1|q|NONE|EXITEMPTY|1|1|1\n",
        /* An old EXITWITHKEY without a wait: the entry gives it. */
        "100|c1|q|NONE|ENTERQUEUE||5551|1\n"
        "112|c1|q|NONE|EXITWITHKEY|5|1\n",
    };
    static const enum acd_outcome want[] = {
        ACD_ABANDONED, ACD_TIMEOUT, ACD_EXITKEY, ACD_EXITEMPTY, ACD_EXITKEY};
    static const int64_t wait[] = {3, 300, 30, 1, 12};
    struct arena a = ARENA_INIT;
    struct acd_call c;
    size_t i;

    for (i = 0; i < 5; i++) {
        build_one(logs[i], &a, &c);
        cr_assert_eq(c.legs[0].outcome, want[i], "log %zu", i);
        cr_assert_eq(c.legs[0].wait, wait[i], "log %zu", i);
        cr_assert_eq(c.legs[0].answered, 0);
        cr_assert_eq(c.answered, 0);
        cr_assert(acd_outcome_unanswered(c.outcome));
        cr_assert_eq(c.ended, 100 + (i == 1 ? 300 : wait[i]));
    }
    arena_free(&a);
}

/*
 * A transfer into a second queue under the same callid: one call with two
 * legs. Queue "sales" answered after 5 s, 60 s of talk, then the agent
 * transferred to extension 8002 in context queues; queue "billing" took
 * the call at 170 (entered 166, wait 4) and the agent hung up at 200.
 */
Test(acd, transfer_into_a_second_queue)
{
    struct arena a = ARENA_INIT;
    struct acd_call c;

    build_one("100|t1|sales|NONE|ENTERQUEUE||+15550100101|1\n"
              "105|t1|sales|Agent One|CONNECT|5|t1.1|2\n"
              "165|t1|sales|Agent One|TRANSFER|8002|queues|5|60|1\n"
              "166|t1|billing|NONE|ENTERQUEUE||+15550100101|1\n"
              "170|t1|billing|Agent Two|CONNECT|4|t1.2|3\n"
              "200|t1|billing|Agent Two|COMPLETEAGENT|4|30|1\n",
              &a, &c);
    cr_assert_eq(c.nlegs, 2);
    cr_assert_eq(c.legs[0].outcome, ACD_TRANSFERRED);
    cr_assert_eq(c.legs[0].hangup, ACD_HANGUP_TRANSFER);
    cr_assert_str_eq(c.legs[0].transfer_to, "8002@queues");
    cr_assert_eq(c.legs[0].talk, 60);
    cr_assert_str_eq(c.legs[1].queue, "billing");
    cr_assert_eq(c.legs[1].entered, 166);
    cr_assert_eq(c.legs[1].wait, 4);
    cr_assert_eq(c.legs[1].talk, 30);
    cr_assert_eq(c.entered, 100);
    cr_assert_eq(c.answered, 105);
    cr_assert_eq(c.ended, 200);
    cr_assert_eq(c.outcome, ACD_TRANSFERRED);
    arena_free(&a);
}

/* Lines out of order, an unknown event and a repeated CONNECT. */
Test(acd, order_unknown_and_repeats)
{
    struct arena a = ARENA_INIT;
    struct acd_call c;

    build_one("160|o1|q|Agent A|COMPLETECALLER|20|40|1\n"
              "\n"
              "120|o1|q|Agent A|CONNECT|20|o1.1|1\n"
              "100|o1|q|NONE|ENTERQUEUE||+15550100102|1\n"
              "120|o1|q|Agent A|CONNECT|20|o1.1|2\n"
              "130|o1|q|Agent A|HOLDSTART|x\n",
              &a, &c);
    cr_assert_eq(c.nlegs, 1);
    cr_assert_eq(c.legs[0].entered, 100);
    cr_assert_not(c.legs[0].entered_derived);
    cr_assert_eq(c.legs[0].answered, 120);
    cr_assert_eq(c.legs[0].ended, 160);
    cr_assert_eq(c.repeated, 1);
    cr_assert_eq(c.unknown, 1);
    arena_free(&a);
}

/* The union of two overlapping event sets is the full call, once. */
Test(acd, union_of_event_sets)
{
    const char *first = "100|u1|q|NONE|ENTERQUEUE||5550|1\n"
                        "104|u1|q|Agent A|CONNECT|4|u1.1|1\n";
    const char *second = "104|u1|q|Agent A|CONNECT|4|u1.1|1\n"
                         "150|u1|q|Agent A|COMPLETEAGENT|4|46|1\n";
    struct arena a = ARENA_INIT;
    struct acd_call c1, c2, c3;
    char both[256];

    cr_assert_eq(acd_call_build("u1", first, strlen(first), &a, &c1), C311_OK);
    cr_assert_eq(c1.outcome, ACD_TALKING);
    snprintf(both, sizeof(both), "%s%s", c1.events, second);
    cr_assert_eq(acd_call_build("u1", both, strlen(both), &a, &c2), C311_OK);
    cr_assert_eq(c2.outcome, ACD_COMPLETED);
    cr_assert_eq(c2.legs[0].talk, 46);
    cr_assert_str_eq(c2.events, "100|u1|q|NONE|ENTERQUEUE||5550|1\n"
                                "104|u1|q|Agent A|CONNECT|4|u1.1|1\n"
                                "150|u1|q|Agent A|COMPLETEAGENT|4|46|1\n");
    /* The same lines again change nothing. */
    snprintf(both, sizeof(both), "%s%s", c2.events, first);
    cr_assert_eq(acd_call_build("u1", both, strlen(both), &a, &c3), C311_OK);
    cr_assert_str_eq(c3.events, c2.events);
    cr_assert_eq(acd_call_build("u1", "150|u1|NONE|NONE|DID|5\n", 23, &a, &c3),
                 C311_ERR_INVALID);
    arena_free(&a);
}

/*
 * A stream hands out an ended call once 60 s of log time have passed
 * after its last line, a call that has not ended after 4 hours of
 * silence, and everything when asked.
 */
Test(acd, stream_readiness)
{
    struct acd_stream *s = acd_stream_new(NULL);
    struct arena a = ARENA_INIT;
    struct acd_pending_call *v;
    size_t n;

    feed_text(s, "1000|r1|q|NONE|ENTERQUEUE||1|1\n"
                 "1010|r1|q|NONE|ABANDON|1|1|10\n"
                 "1020|r2|q|NONE|ENTERQUEUE||2|1\n");
    cr_assert_eq(acd_stream_take(s, false, 10, &a, &v, &n), C311_OK);
    cr_assert_eq(n, 0);
    feed_text(s, "1070|r3|q|NONE|ENTERQUEUE||3|1\n");
    cr_assert_eq(acd_stream_take(s, false, 10, &a, &v, &n), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(v[0].callid, "r1");
    feed_text(s, "15421|r3|q|NONE|ABANDON|1|1|10\n");
    cr_assert_eq(acd_stream_take(s, false, 10, &a, &v, &n), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(v[0].callid, "r2");
    cr_assert_eq(acd_stream_held(s), 1);
    cr_assert_eq(acd_stream_take(s, true, 10, &a, &v, &n), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(v[0].callid, "r3");
    acd_stream_free(s);
    arena_free(&a);
}

/* Agent state changes come out in log order, with spaces kept. */
Test(acd, agent_spans)
{
    struct acd_stream *s = acd_stream_new(NULL);
    struct arena a = ARENA_INIT;
    struct acd_span *v;
    size_t n;

    feed_text(s, "1000|NONE|201|Agent Birch Cedar|ADDMEMBER|\n"
                 "1100|NONE|NONE|Agent Birch Cedar|PAUSEALL|lunch\n"
                 "1200|NONE|NONE|Agent Birch Cedar|UNPAUSEALL|\n"
                 "1300|NONE|201|Agent Birch Cedar|REMOVEMEMBER|\n"
                 "1300|NONE|201|NONE|QUEUESTART|\n");
    cr_assert_eq(acd_stream_counts(s)->agent_events, 4);
    cr_assert_eq(acd_stream_counts(s)->ignored, 1);
    cr_assert_eq(acd_stream_take_spans(s, &a, &v, &n), C311_OK);
    cr_assert_eq(n, 4);
    cr_assert_str_eq(v[0].agent, "Agent Birch Cedar");
    cr_assert_str_eq(v[0].queue, "201");
    cr_assert_eq(v[0].kind, ACD_SPAN_MEMBER);
    cr_assert_eq(v[0].start, 1000);
    cr_assert_eq(v[0].end, 0);
    cr_assert_str_eq(v[1].queue, "");
    cr_assert_eq(v[1].kind, ACD_SPAN_PAUSE);
    cr_assert_eq(v[1].start, 1100);
    cr_assert_eq(v[2].start, 0);
    cr_assert_eq(v[2].end, 1200);
    cr_assert_eq(v[3].kind, ACD_SPAN_MEMBER);
    cr_assert_eq(v[3].end, 1300);
    cr_assert_eq(acd_stream_take_spans(s, &a, &v, &n), C311_OK);
    cr_assert_eq(n, 0);
    acd_stream_free(s);
    arena_free(&a);
}

/* Caller ids become E.164 the way callers' phones do. */
Test(acd, caller_ids_in_e164)
{
    char out[32];

    cr_assert_str_eq(calls_ingest_e164("+15550100171", out, sizeof(out)),
                     "+15550100171");
    cr_assert_str_eq(calls_ingest_e164("(212) 555-0123", out, sizeof(out)),
                     "+12125550123");
    cr_assert_str_eq(
        calls_ingest_e164("\"Ann Lee\" <2125550123>", out, sizeof(out)),
        "+12125550123");
    cr_assert_null(calls_ingest_e164("anonymous", out, sizeof(out)));
    cr_assert_null(calls_ingest_e164("555", out, sizeof(out)));
}

/*
 * Legs text keeps what a report reads: the transfer call above, with a
 * ring on its first leg, read back field for field.
 */
Test(acd, legs_text_round_trip)
{
    struct arena a = ARENA_INIT;
    struct acd_call c, r;
    const char *text;

    build_one("100|t2|sales|NONE|ENTERQUEUE||+15550100101|1\n"
              "102|t2|sales|Agent Zed|RINGNOANSWER|2000\n"
              "105|t2|sales|Agent One|CONNECT|5|t2.1|2\n"
              "165|t2|sales|Agent One|TRANSFER|8002|queues|5|60|1\n"
              "170|t2|billing|Agent Two|CONNECT|4|t2.2|3\n",
              &a, &c);
    text = acd_call_legs_text(&c, &a);
    cr_assert_not_null(text);
    cr_assert_str_eq(text,
                     "L|sales|100|0|105|165|3|5|60|Agent One|3|8002@queues|1\n"
                     "L|billing|166|1|170|0|1|4|-1|Agent Two|0||0\n"
                     "R|102|sales|Agent Zed|2000\n");
    cr_assert_eq(acd_call_from_legs("t2", "+15550100101", text, &a, &r),
                 C311_OK);
    cr_assert_eq(r.nlegs, 2);
    cr_assert_eq(r.nrings, 1);
    cr_assert_str_eq(r.legs[0].transfer_to, "8002@queues");
    cr_assert_eq(r.legs[0].rings, 1);
    cr_assert(r.legs[1].entered_derived);
    cr_assert_null(r.legs[1].transfer_to);
    cr_assert_str_eq(r.rings[0].agent, "Agent Zed");
    cr_assert_eq(r.rings[0].ms, 2000);
    /* The call's own figures follow from the legs, as when rebuilt. */
    cr_assert_eq(r.entered, 100);
    cr_assert_eq(r.answered, 105);
    cr_assert_eq(r.ended, 0); /* billing still talking */
    cr_assert_eq(r.outcome, ACD_TRANSFERRED);
    cr_assert_eq(r.wait, 5);
    cr_assert_eq(r.talk, -1);
    cr_assert_eq(acd_call_from_legs("t2", NULL, "L|q|1\n", &a, &r),
                 C311_ERR_INVALID);
    cr_assert_eq(acd_call_from_legs("t2", NULL, "", &a, &r), C311_ERR_INVALID);
    arena_free(&a);
}

/* What a visit saw of each call: its text and whether it rebuilt alike. */
struct visited {
    struct arena *a;
    char *text[8];
    const char *callid[8];
    size_t nlines[8];
    size_t n;
};

/*
 * Checks one call handed out without a copy: each line's place, length,
 * hash and time, and that it rebuilds as its text does.
 */
static enum c311_rc
check_visit(void *arg, const struct acd_pending_call *p)
{
    struct visited *v = arg;
    struct acd_call fast, slow;
    const struct acd_line_info *li;
    enum c311_rc rc;
    size_t i;

    cr_assert_lt(v->n, 8);
    cr_assert_not_null(p->lines);
    for (i = 0; i < p->nlines; i++) {
        li = &p->lines[i];
        cr_assert_eq(p->text[li->off + li->len], '\n');
        cr_assert_eq(li->hash, acd_line_hash(p->text + li->off, li->len));
        cr_assert_eq(li->at, strtoll(p->text + li->off, NULL, 10));
    }
    cr_assert_eq(p->text[p->len], '\0');
    v->callid[v->n] = arena_strdup(v->a, p->callid);
    v->text[v->n] = arena_strndup(v->a, p->text, p->len);
    v->nlines[v->n] = p->nlines;
    v->n++;
    rc = acd_call_build(p->callid, p->text, p->len, v->a, &slow);
    cr_assert_eq(acd_call_build_pending(p, v->a, &fast), rc);
    if (rc != C311_OK) /* a DID alone is no call, either way */
        return C311_OK;
    cr_assert_eq(fast.events_len, slow.events_len);
    cr_assert_eq(memcmp(fast.events, slow.events, slow.events_len), 0);
    cr_assert_eq(fast.nhashes, slow.nhashes);
    cr_assert_eq(
        memcmp(fast.hashes, slow.hashes, slow.nhashes * sizeof(*slow.hashes)),
        0);
    cr_assert_str_eq(acd_call_legs_text(&fast, v->a),
                     acd_call_legs_text(&slow, v->a));
    return C311_OK;
}

/*
 * Calls handed out where the stream holds them: a call's memory is used
 * again for the next one (a long callid after a short one), lines out of
 * order and repeated ones are rebuilt as from the text.
 */
Test(acd, visit_hands_out_calls_without_copies)
{
    const char *longid = "1546015415.123456789012345678901234567890";
    struct acd_stream *s = acd_stream_new(NULL);
    struct arena a = ARENA_INIT;
    struct visited v = {&a, {0}, {0}, {0}, 0};
    char line[256];
    size_t n;

    feed_text(s, "100|c1|q1|NONE|ENTERQUEUE||+15550100101|1\n"
                 "110|c1|q1|Agent A|CONNECT|10|c1.1|2\n"
                 "105|c1|q1|Agent B|RINGNOANSWER|3000\n"
                 "110|c1|q1|Agent A|CONNECT|10|c1.1|2\n"
                 "170|c1|q1|Agent A|COMPLETECALLER|10|60|1\n"
                 "300|x|q1|NONE|DID|5550100\n");
    cr_assert_eq(acd_stream_visit(s, false, 10, check_visit, &v, &n), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(v.callid[0], "c1");
    cr_assert_eq(v.nlines[0], 4); /* the repeated CONNECT counts once */
    snprintf(line, sizeof(line),
             "400|%s|q2|NONE|ENTERQUEUE||+15550100102|1\n"
             "430|%s|q2|NONE|ABANDON|1|1|30\n",
             longid, longid);
    feed_text(s, line);
    cr_assert_eq(acd_stream_visit(s, true, 10, check_visit, &v, &n), C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(v.callid[1], longid);
    cr_assert_str_eq(v.text[2], "300|x|q1|NONE|DID|5550100\n");
    cr_assert_eq(acd_stream_held(s), 0);
    acd_stream_free(s);
    arena_free(&a);
}

/*
 * One call's text is capped at 8 MiB: 9000 rings of 1000 bytes each
 * (1001 with the newline) fill it after 8380 lines with the ENTERQUEUE
 * (47 bytes): 47 + 1 + 8380 * 1001 = 8388428 <= 8388608, one more ring
 * would pass it. The other 620 rings are counted as over the limit, not as
 * malformed; the CONNECT (45 bytes) still fits in the 180 bytes left.
 */
Test(acd, call_over_its_limit)
{
    struct acd_stream *s = acd_stream_new(NULL);
    const struct acd_counts *k;
    char line[1001];
    int i, n;

    n = snprintf(line, sizeof(line),
                 "1767700000|big|201|NONE|ENTERQUEUE||"
                 "+15550100|1");
    cr_assert_eq(n, 47);
    cr_assert_eq(acd_stream_feed(s, line, (size_t)n), ACD_LINE_OK);
    for (i = 0; i < 9000; i++) {
        n = snprintf(line, sizeof(line),
                     "1767700001|big|201|Agent %06d|RINGNOANSWER|%0955d", i, i);
        cr_assert_eq(n, 1000);
        acd_stream_feed(s, line, (size_t)n);
    }
    n = snprintf(line, sizeof(line),
                 "1767700100|big|201|Agent Elm|CONNECT|100|x|1");
    acd_stream_feed(s, line, (size_t)n);
    k = acd_stream_counts(s);
    cr_assert_eq(k->lines, 9002);
    cr_assert_eq(k->malformed, 0);
    cr_assert_eq(k->call_events, 8382);
    cr_assert_eq(k->over_limit, 620);
    acd_stream_free(s);
}
