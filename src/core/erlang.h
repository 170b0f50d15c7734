/* SPDX-License-Identifier: MIT */
/*
 * Staffing from queueing models: how many agents a call load needs to
 * answer a share of calls within a target time.
 *
 *   Erlang C (M/M/N): callers wait as long as it takes. Traffic
 *   A = calls per second x AHT; with N > A agents the probability of
 *   waiting is C(N, A), the share answered within t is
 *   1 - C e^-(N-A)t/AHT, the average speed of answer C AHT / (N - A),
 *   occupancy A / N.
 *
 *   Erlang A (M/M/N+M): callers also give up after an exponential
 *   patience of the given mean. Computed from the birth-death chain of
 *   calls in the system (truncated where its tail is negligible) and, for
 *   waits, from the chain a waiting caller goes through until an agent
 *   takes them or they hang up. The service level counts calls answered
 *   within t among all calls, abandoned ones included.
 */
#ifndef CIVIC311_ERLANG_H
#define CIVIC311_ERLANG_H

#include <stdbool.h>

/* Most agents erlang_agents tries. */
#define ERLANG_MAX_AGENTS 100000

struct erlang_load {
    double calls_per_hour;
    double aht;      /* seconds */
    double patience; /* mean seconds before hanging up; 0: Erlang C */
    double target;   /* seconds: the service level's answer time */
};

struct erlang_result {
    unsigned agents;
    double traffic;       /* Erlangs: calls per second x AHT */
    double p_wait;        /* a call waits at all */
    double service_level; /* answered within target, among all calls */
    double asa;           /* average wait of answered calls, seconds */
    double p_abandon;     /* hangs up before an answer (Erlang A) */
    double occupancy;     /* share of agents' time on calls */
};

/*
 * The figures for n agents. False when the queue grows without bound
 * (Erlang C with n not above the traffic) or the load is not positive.
 */
bool erlang_eval(const struct erlang_load *l, unsigned n,
                 struct erlang_result *out);

/*
 * The fewest agents whose service level reaches sl (0 < sl < 1), with
 * their figures. False when the load is not positive or no number up to
 * ERLANG_MAX_AGENTS is enough.
 */
bool erlang_agents(const struct erlang_load *l, double sl,
                   struct erlang_result *out);

#endif
