/* SPDX-License-Identifier: MIT */
/*
 * Contact-centre statistics from rebuilt calls (core/acd.h): offered,
 * answered, abandoned, waits, handling time, service level and agent
 * occupancy, per interval and per queue or agent. Pure: calls and agent
 * spans go in one at a time, rows come out; memory grows with the rows,
 * not with the calls. docs/CALLS.md gives every definition in words.
 *
 * Which time puts a call in an interval:
 *   - overall rows: the call's first entry into any queue;
 *   - queue rows: the leg's entry into that queue;
 *   - agent rows: the moment the agent answered (rings: when they rang).
 */
#ifndef CIVIC311_CALLSTATS_H
#define CIVIC311_CALLSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/acd.h"
#include "util/arena.h"
#include "util/status.h"

#define CALLSTATS_SHORT_ABANDON 5 /* seconds */
#define CALLSTATS_SL_SECONDS    20

/* What a row is about besides its interval. */
enum callstats_by {
    CALLSTATS_BY_INTERVAL, /* every queue together, each call once */
    CALLSTATS_BY_QUEUE,    /* one row per queue: a call once per queue */
    CALLSTATS_BY_AGENT,    /* one row per agent */
};

struct callstats_opts {
    enum callstats_by by;
    /*
     * Interval boundaries, ascending: rows cover [edges[i], edges[i+1]).
     * The first is the report's start and the last its end.
     */
    const int64_t *edges;
    size_t nedges;         /* at least 2 */
    int64_t short_abandon; /* an abandon after less is "short" */
    int64_t sl_seconds;    /* answered within this counts for the SL */
    int64_t now;           /* open spans and calls still talking end here */
};

/* The figures of one row. Averages and shares are -1 when undefined. */
struct callstats_row {
    int64_t start, end;
    const char *key; /* queue or agent; NULL in overall rows */

    uint64_t offered;
    uint64_t answered;
    uint64_t abandoned;       /* ABANDON after the short threshold */
    uint64_t short_abandoned; /* ABANDON before it */
    uint64_t timeout, exitkey, exitempty;
    uint64_t waiting; /* no outcome yet when the data ends */
    uint64_t answered_in_sl;
    uint64_t sl_base; /* answered + abandoned + exits (short abandons and
                         calls still waiting are left out) */
    uint64_t wait_sum, wait_n, wait_max;
    uint64_t asa_sum, asa_n; /* waits of answered calls */
    uint64_t talk_sum, talk_n;
    uint64_t hangup_caller, hangup_agent, transferred;
    uint64_t rings;         /* RINGNOANSWER attempts */
    uint64_t no_enterqueue; /* rebuilt without their ENTERQUEUE line */
    uint64_t multi_queue;   /* overall: calls that visited several queues;
                               queue: legs that came from another queue */
    uint64_t with_request;  /* answered and a request was filed during */

    /* Agent rows with ADDMEMBER data (else logged_in is 0). */
    int64_t busy;      /* seconds on answered calls */
    int64_t logged_in; /* seconds logged in to at least one queue */
    int64_t paused;    /* of those, seconds paused */

    /* Derived by callstats_finish. */
    double abandon_rate;  /* abandoned / (offered - short_abandoned) */
    double service_level; /* answered_in_sl / sl_base */
    double asa;           /* asa_sum / asa_n */
    double avg_wait;      /* wait_sum / wait_n */
    double aht;           /* talk_sum / talk_n */
    double request_share; /* with_request / answered */
    double occupancy;     /* busy / (logged_in - paused) */
};

struct callstats_report {
    struct callstats_row *rows; /* by interval, then key */
    size_t nrows;
    struct callstats_row total; /* the whole range, each call once */
};

struct callstats;

/* A new accumulator over o (copied, edges included); NULL if no memory. */
struct callstats *callstats_new(const struct callstats_opts *o);
void callstats_free(struct callstats *cs);

/*
 * Counts call c. request_legs has bit i set when a request was filed
 * during leg i. Calls outside the range count nowhere.
 */
enum c311_rc callstats_add_call(struct callstats *cs, const struct acd_call *c,
                                uint32_t request_legs);

/* Adds a span of agent state (start and end set; end 0 while open). */
enum c311_rc callstats_add_span(struct callstats *cs,
                                const struct acd_span *sp);

/*
 * Computes the derived figures and copies the rows into a, ordered by
 * interval then key. Rows of a key with nothing in an interval are kept,
 * so every key has one row per interval.
 */
enum c311_rc callstats_finish(struct callstats *cs, struct arena *a,
                              struct callstats_report *out);

#endif
