/* SPDX-License-Identifier: MIT */
/*
 * Calls in the store: the sample written twice adds nothing, a call read
 * in two parts is merged, scans rebuild calls in order of entry, agent
 * spans open and close once, and the look-ups behind reports and caller
 * history.
 */
#include "fixture.h"

#include "../calls_helpers.h"
#include "store/calls.h"

TestSuite(S(store_calls), .init = fixture_setup, .fini = fixture_teardown);

/* Feeds text to a new stream and writes everything it holds to st. */
static struct calls_put_stats
put_text(struct store *st, const char *text)
{
    struct calls_put_stats stats = {0, 0, 0, 0};
    struct acd_stream *s = acd_stream_new(NULL);
    struct arena a = ARENA_INIT;
    struct acd_pending_call *v;
    struct acd_span *sp;
    const char *p = text, *nl;
    char *cause = NULL;
    size_t n, nsp;

    while (*p != '\0') {
        nl = strchr(p, '\n');
        if (nl == NULL)
            nl = p + strlen(p);
        acd_stream_feed(s, p, (size_t)(nl - p));
        p = *nl ? nl + 1 : nl;
    }
    cr_assert_eq(acd_stream_take(s, true, 1000, &a, &v, &n), C311_OK);
    cr_assert_eq(acd_stream_take_spans(s, &a, &sp, &nsp), C311_OK);
    cr_assert_eq(calls_put(st, v, n, sp, nsp, NULL, &stats, &cause), C311_OK,
                 "calls_put: %s", cause ? cause : "?");
    acd_stream_free(s);
    arena_free(&a);
    return stats;
}

struct seen {
    size_t n;
    char callids[8][32];
    int64_t entered[8];
    int64_t talk[8];
};

/* Notes each scanned call. */
static enum c311_rc
note(void *arg, const struct acd_call *c, const struct calls_row *row)
{
    struct seen *s = arg;

    cr_assert_lt(s->n, 8);
    snprintf(s->callids[s->n], 32, "%s", row->callid);
    s->entered[s->n] = c->entered;
    s->talk[s->n] = c->talk;
    s->n++;
    return C311_OK;
}

/* The four calls of the sample, then the same file again: nothing new. */
Test(S(store_calls), sample_twice_adds_nothing)
{
    char *text = slurp(SAMPLE, NULL);
    struct store *st = fixture_open();
    struct calls_put_stats k;
    struct seen seen = {0};

    k = put_text(st, text);
    cr_assert_eq(k.inserted, 4);
    cr_assert_eq(k.merged + k.unchanged + k.invalid, 0);
    k = put_text(st, text);
    cr_assert_eq(k.inserted, 0);
    cr_assert_eq(k.unchanged, 4);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM call"), 4);
    cr_assert_eq(fixture_sql_int("SELECT wait_s FROM call"
                                 " WHERE callid = '1546027663.761192'"),
                 14);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM call"
                                 " WHERE talk_s IS NULL"),
                 1);

    cr_assert_eq(calls_scan(st, 1546015415, 1546027664, note, &seen, NULL),
                 C311_OK);
    cr_assert_eq(seen.n, 4);
    cr_assert_str_eq(seen.callids[0], "1546015415.757927");
    cr_assert_str_eq(seen.callids[1], "1546023604.760166");
    cr_assert_str_eq(seen.callids[2], "1546023970.760296");
    cr_assert_str_eq(seen.callids[3], "1546027663.761192");
    cr_assert_eq(seen.entered[1], 1546023604);
    cr_assert_eq(seen.talk[0], 122);
    cr_assert_eq(seen.talk[3], -1);
    /* [from, to): the last call entered at 1546027663. */
    seen.n = 0;
    cr_assert_eq(calls_scan(st, 1546015416, 1546027663, note, &seen, NULL),
                 C311_OK);
    cr_assert_eq(seen.n, 2);
    store_close(st);
    free(text);
}

/* A call read in two parts (a rotated log) is one call, merged. */
Test(S(store_calls), parts_merge_into_one_call)
{
    struct store *st = fixture_open();
    struct calls_put_stats k;
    struct seen seen = {0};

    k = put_text(st, "100|m1|q|NONE|ENTERQUEUE||+15550100103|1\n"
                     "104|m1|q|Agent A|CONNECT|4|m1.1|1\n");
    cr_assert_eq(k.inserted, 1);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM call"
                                 " WHERE outcome = 'talking'"),
                 1);
    k = put_text(st, "104|m1|q|Agent A|CONNECT|4|m1.1|1\n"
                     "150|m1|q|Agent A|COMPLETEAGENT|4|46|1\n");
    cr_assert_eq(k.merged, 1);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM call"), 1);
    cr_assert_eq(fixture_sql_int("SELECT talk_s FROM call"), 46);
    /* The caller id is in the stored lines only; it stays. */
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM call"
                                 " WHERE caller = '+15550100103'"),
                 1);
    cr_assert_eq(fixture_sql_int("SELECT ended_at FROM call"), 150);
    cr_assert_eq(calls_scan(st, 0, 1000, note, &seen, NULL), C311_OK);
    cr_assert_eq(seen.n, 1);
    cr_assert_eq(seen.talk[0], 46);
    /* Only a DID: no call. */
    k = put_text(st, "200|m2|q|NONE|DID|+15550100100\n");
    cr_assert_eq(k.invalid, 1);
    store_close(st);
}

/*
 * Logins and pauses: a repeated ADDMEMBER inside an open login is no new
 * span, UNPAUSEALL closes the pause, the same lines again change nothing.
 */
Test(S(store_calls), agent_spans_open_and_close_once)
{
    const char *log = "1000|NONE|q|Agent A|ADDMEMBER|\n"
                      "1010|NONE|q|Agent A|ADDMEMBER|\n"
                      "1100|NONE|NONE|Agent A|PAUSEALL|lunch\n"
                      "1400|NONE|NONE|Agent A|UNPAUSEALL|\n"
                      "2000|NONE|q|Agent A|REMOVEMEMBER|\n"
                      "3000|NONE|q|Agent B|ADDMEMBER|\n";
    struct store *st = fixture_open();
    struct arena a = ARENA_INIT;
    struct acd_span *v;
    size_t n;

    put_text(st, log);
    put_text(st, log);
    cr_assert_eq(calls_spans(st, 0, 5000, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(v[0].agent, "Agent A");
    cr_assert_eq(v[0].kind, ACD_SPAN_MEMBER);
    cr_assert_eq(v[0].start, 1000);
    cr_assert_eq(v[0].end, 2000);
    cr_assert_eq(v[1].kind, ACD_SPAN_PAUSE);
    cr_assert_str_eq(v[1].queue, "");
    cr_assert_eq(v[1].start, 1100);
    cr_assert_eq(v[1].end, 1400);
    cr_assert_str_eq(v[2].agent, "Agent B");
    cr_assert_eq(v[2].end, 0);
    cr_assert_eq(calls_spans(st, 2000, 2500, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 0);
    store_close(st);
    arena_free(&a);
}

/* Caller history, phone requests, calls per hour, range and positions. */
Test(S(store_calls), lookups)
{
    char *text = slurp(SAMPLE, NULL);
    struct store *st = fixture_open();
    struct arena a = ARENA_INIT;
    struct calls_request *rq;
    struct calls_source src;
    struct calls_row *rows;
    int64_t *hours, *counts, first, last;
    struct sr req;
    size_t n;

    put_text(st, text);
    cr_assert_eq(calls_by_caller(st, "+15550100171", 10, &a, &rows, &n, NULL),
                 C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(rows[0].callid, "1546015415.757927");
    cr_assert_str_eq(rows[0].queue, "201");
    cr_assert_str_eq(rows[0].agent, "Agent Elm");
    cr_assert_str_eq(rows[0].outcome, "completed");
    cr_assert_eq(rows[0].wait, 10);
    cr_assert_eq(rows[0].talk, 122);
    cr_assert_eq(rows[0].answered_at, 1546015425);

    req = fixture_request("POTHOLE", 1546015500, 1546015500);
    req.channel = "phone";
    req.phone = "+15550100171";
    fixture_insert(st, &req, &a);
    req = fixture_request("POTHOLE", 1546015600, 1546015600);
    req.phone = "+15550100171"; /* open311: not an agent's */
    fixture_insert(st, &req, &a);
    cr_assert_eq(
        calls_phone_requests(st, 1546015000, 1546016000, &a, &rq, &n, NULL),
        C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(rq[0].phone, "+15550100171");
    cr_assert_eq(rq[0].requested_at, 1546015500);

    /* Hours (UTC): 16h A; 19h B and C; 20h D. */
    cr_assert_eq(
        calls_hourly(st, 1546012800, 1546030800, &a, &hours, &counts, &n, NULL),
        C311_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(hours[0], 1546012800);
    cr_assert_eq(counts[0], 1);
    cr_assert_eq(hours[1], 1546023600);
    cr_assert_eq(counts[1], 2);
    /* Talk known for A, B, C: 122 + 406 + 228. */
    cr_assert_eq(calls_talk(st, 0, 1546030800, &first, &last, NULL), C311_OK);
    cr_assert_eq(first, 756);
    cr_assert_eq(last, 3);
    cr_assert_eq(calls_range(st, &first, &last, NULL), C311_OK);
    cr_assert_eq(first, 1546015415);
    cr_assert_eq(last, 1546027663);

    cr_assert_eq(calls_source_get(st, "/var/log/q", &a, &src, NULL),
                 C311_ERR_NOT_FOUND);
    src.inode = "2049:77";
    src.position = 1381;
    cr_assert_eq(calls_source_put(st, "/var/log/q", &src, 5, NULL), C311_OK);
    src.position = 2000;
    cr_assert_eq(calls_source_put(st, "/var/log/q", &src, 6, NULL), C311_OK);
    src.position = 0;
    cr_assert_eq(calls_source_get(st, "/var/log/q", &a, &src, NULL), C311_OK);
    cr_assert_str_eq(src.inode, "2049:77");
    cr_assert_eq(src.position, 2000);
    store_close(st);
    arena_free(&a);
    free(text);
}

/* Notes the legs of each scanned call. */
static enum c311_rc
note_legs(void *arg, const struct acd_call *c, const struct calls_row *row)
{
    struct acd_call *out = arg;

    (void)row;
    cr_assert_lt(c->nlegs, 4);
    out->nlegs = c->nlegs;
    out->entered = c->entered;
    out->answered = c->answered;
    out->talk = c->talk;
    out->outcome = c->outcome;
    out->ended = c->ended;
    if (c->nlegs > 1) {
        out->legs[1].outcome = c->legs[1].outcome;
        out->legs[1].wait = c->legs[1].wait;
    }
    return C311_OK;
}

/*
 * A call that is over (quiet for the grace period before the last line
 * of the input) is stored as its legs and the hashes of its three lines,
 * not its lines; a call still waiting keeps its lines. A part of the same
 * lines again is known; a later stay in another queue joins the call as
 * a second leg.
 */
Test(S(store_calls), a_call_over_keeps_hashes_not_lines)
{
    struct store *st = fixture_open();
    struct acd_leg legs[2];
    struct acd_call c = {0};
    struct calls_put_stats k;

    c.legs = legs;
    k = put_text(st, "100|m3|q|NONE|ENTERQUEUE||+15550100103|1\n"
                     "104|m3|q|Agent A|CONNECT|4|m3.1|1\n"
                     "150|m3|q|Agent A|COMPLETEAGENT|4|46|1\n"
                     "1000|m4|q|NONE|ENTERQUEUE||+15550100104|1\n");
    cr_assert_eq(k.inserted, 2);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM call WHERE"
                                 " callid = 'm3' AND events = ''"
                                 " AND length(digest) = 48"
                                 " AND legs IS NOT NULL"),
                 1);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM call WHERE"
                                 " callid = 'm4' AND events <> ''"
                                 " AND digest IS NULL"),
                 1);
    k = put_text(st, "104|m3|q|Agent A|CONNECT|4|m3.1|1\n"
                     "1000|m4|q|NONE|ENTERQUEUE||+15550100104|1\n");
    cr_assert_eq(k.unchanged, 2);
    cr_assert_eq(k.inserted + k.merged, 0);
    k = put_text(st, "2000|m3|r|NONE|ENTERQUEUE||+15550100103|1\n"
                     "2010|m3|r|NONE|ABANDON|1|1|10\n"
                     "5000|m5|q|NONE|ENTERQUEUE||+15550100105|1\n");
    cr_assert_eq(k.merged, 1);
    cr_assert_eq(k.inserted, 1);
    cr_assert_eq(fixture_sql_int("SELECT length(digest) FROM call"
                                 " WHERE callid = 'm3'"),
                 80);
    cr_assert_eq(calls_scan(st, 100, 101, note_legs, &c, NULL), C311_OK);
    cr_assert_eq(c.nlegs, 2);
    cr_assert_eq(c.entered, 100);
    cr_assert_eq(c.answered, 104);
    cr_assert_eq(c.ended, 2010);
    cr_assert_eq(c.talk, 46);
    cr_assert_eq(c.outcome, ACD_COMPLETED);
    cr_assert_eq(c.legs[1].outcome, ACD_ABANDONED);
    cr_assert_eq(c.legs[1].wait, 10);
    /* The same lines once more: nothing new. */
    k = put_text(st, "2010|m3|r|NONE|ABANDON|1|1|10\n"
                     "5000|m5|q|NONE|ENTERQUEUE||+15550100105|1\n");
    cr_assert_eq(k.unchanged, 2);
    store_close(st);
}

/*
 * A row stored before calls kept their legs (legs NULL) is rebuilt from
 * its lines when read, and gets its legs when lines merge into it.
 */
Test(S(store_calls), rows_without_legs_are_replayed)
{
    struct store *st = fixture_open();
    struct acd_leg legs[2];
    struct acd_call c = {0};
    struct calls_put_stats k;

    c.legs = legs;
    put_text(st, "100|m1|q|NONE|ENTERQUEUE||+15550100103|1\n"
                 "104|m1|q|Agent A|CONNECT|4|m1.1|1\n");
    fixture_exec("UPDATE call SET legs = NULL", NULL);
    cr_assert_eq(calls_scan(st, 0, 1000, note_legs, &c, NULL), C311_OK);
    cr_assert_eq(c.nlegs, 1);
    cr_assert_eq(c.answered, 104);
    cr_assert_eq(c.outcome, ACD_TALKING);
    k = put_text(st, "150|m1|q|Agent A|COMPLETEAGENT|4|46|1\n");
    cr_assert_eq(k.merged, 1);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM call"
                                 " WHERE legs IS NOT NULL"),
                 1);
    cr_assert_eq(calls_scan(st, 0, 1000, note_legs, &c, NULL), C311_OK);
    cr_assert_eq(c.talk, 46);
    cr_assert_eq(c.outcome, ACD_COMPLETED);
    store_close(st);
}

/* Feeds each line of text to s. */
static void
feed_lines(struct acd_stream *s, const char *text)
{
    const char *p = text, *nl;

    while (*p != '\0') {
        nl = strchr(p, '\n');
        acd_stream_feed(s, p, (size_t)(nl - p));
        p = nl + 1;
    }
}

/*
 * A callid handed out twice in one batch (its lines came back after it
 * was over): the first is inserted, the second merges into it.
 */
Test(S(store_calls), one_callid_twice_in_a_batch)
{
    struct store *st = fixture_open();
    struct acd_stream *s = acd_stream_new(NULL);
    struct arena a = ARENA_INIT;
    struct acd_pending_call *v1, *v2, all[8];
    struct calls_put_stats k = {0, 0, 0, 0};
    struct acd_leg legs[2];
    struct acd_call c = {0};
    char *cause = NULL;
    size_t n1, n2, i;

    c.legs = legs;
    feed_lines(s, "100|d1|q|NONE|ENTERQUEUE||+15550100107|1\n"
                  "110|d1|q|NONE|ABANDON|1|1|10\n"
                  "900|x1|q|NONE|ENTERQUEUE||+15550100108|1\n");
    cr_assert_eq(acd_stream_take(s, false, 8, &a, &v1, &n1), C311_OK);
    cr_assert_eq(n1, 1);
    cr_assert(v1[0].done);
    feed_lines(s, "1000|d1|r|NONE|ENTERQUEUE||+15550100107|1\n"
                  "1030|d1|r|NONE|ABANDON|1|1|30\n"
                  "5000|x2|q|NONE|ENTERQUEUE||+15550100109|1\n");
    cr_assert_eq(acd_stream_take(s, true, 8, &a, &v2, &n2), C311_OK);
    for (i = 0; i < n1; i++)
        all[i] = v1[i];
    for (i = 0; i < n2; i++)
        all[n1 + i] = v2[i];
    cr_assert_eq(calls_put(st, all, n1 + n2, NULL, 0, NULL, &k, &cause),
                 C311_OK, "calls_put: %s", cause ? cause : "?");
    cr_assert_eq(k.inserted, 3); /* d1, x1, x2 */
    cr_assert_eq(k.merged, 1);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM call"), 3);
    cr_assert_eq(calls_scan(st, 100, 101, note_legs, &c, NULL), C311_OK);
    cr_assert_eq(c.nlegs, 2);
    cr_assert_eq(c.ended, 1030);
    cr_assert_eq(c.legs[1].wait, 30);
    acd_stream_free(s);
    arena_free(&a);
    store_close(st);
}
