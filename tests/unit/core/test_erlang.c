/* SPDX-License-Identifier: MIT */
/*
 * Staffing models against published worked examples and hand results,
 * and the forecast profile.
 *
 * Erlang C, example 1 (Call Centre Helper, "Erlang C Formula - Made
 * Simple With an Easy Worked Example"): 100 calls in 30 minutes, AHT
 * 180 s, target 80 % answered in 20 s. Traffic 100 x 180 / 1800 = 10
 * Erlangs. Published: 14 agents, probability of waiting 17.4 %, service
 * level 88.8 %, ASA 7.8 s, occupancy 71.4 %; with 13 agents the service
 * level is 79.6 %, just short of the target.
 *
 * Erlang C, example 2 (Westbay Engineers, "The Erlang-C formula"): 360
 * calls per half hour, calls of 4 minutes, 55 agents, target 15 s.
 * Traffic 48 Erlangs, occupancy 87.27 %, probability of waiting 23.87 %,
 * ASA 8.18 s, service level 84.59 %.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "core/erlang.h"
#include "core/forecast.h"

Test(erlang, call_centre_helper_example)
{
    struct erlang_load l = {200, 180, 0, 20};
    struct erlang_result r;

    cr_assert(erlang_agents(&l, 0.8, &r));
    cr_assert_eq(r.agents, 14);
    cr_assert_float_eq(r.traffic, 10.0, 1e-9);
    cr_assert_float_eq(r.p_wait, 0.1741, 5e-5);
    cr_assert_float_eq(r.service_level, 0.8884, 5e-5);
    cr_assert_float_eq(r.asa, 7.8, 0.05);
    cr_assert_float_eq(r.occupancy, 10.0 / 14, 1e-9);
    cr_assert(erlang_eval(&l, 13, &r));
    cr_assert_float_eq(r.service_level, 0.7956, 5e-5);
    /* 10 agents for 10 Erlangs: the queue never empties. */
    cr_assert_not(erlang_eval(&l, 10, &r));
}

Test(erlang, westbay_example)
{
    struct erlang_load l = {720, 240, 0, 15};
    struct erlang_result r;

    cr_assert(erlang_eval(&l, 55, &r));
    cr_assert_float_eq(r.traffic, 48.0, 1e-9);
    cr_assert_float_eq(r.occupancy, 0.8727, 5e-5);
    cr_assert_float_eq(r.p_wait, 0.2387, 5e-5);
    cr_assert_float_eq(r.asa, 8.18, 0.005);
    cr_assert_float_eq(r.service_level, 0.8459, 5e-5);
}

/*
 * Erlang A by hand: one agent, one call a minute, calls of a minute and a
 * mean patience of a minute (lambda = mu = theta). The death rate with k
 * calls present is k per minute, so pi_k = pi_0 / k! and pi_0 = 1/e.
 * A call waits with probability 1 - 1/e = 0.632121; the mean queue is
 * sum (k - 1) pi_k = 1 - (1 - 1/e) = 1/e, so the abandon probability is
 * theta E[Q] / lambda = 1/e = 0.367879, and occupancy 1 - 1/e.
 */
Test(erlang, erlang_a_single_agent_by_hand)
{
    struct erlang_load l = {60, 60, 60, 20};
    struct erlang_result r;

    cr_assert(erlang_eval(&l, 1, &r));
    cr_assert_float_eq(r.p_wait, 1 - exp(-1), 1e-9);
    cr_assert_float_eq(r.p_abandon, exp(-1), 1e-9);
    cr_assert_float_eq(r.occupancy, 1 - exp(-1), 1e-9);
    /* Answered now (1/e), or later within 20 s: more than 1/e in all. */
    cr_assert_gt(r.service_level, exp(-1));
    cr_assert_lt(r.service_level, 1 - exp(-1));
}

/*
 * Erlang A against a simulation: 200 calls an hour, AHT 180 s, mean
 * patience 60 s, 12 agents. A discrete-event simulation of 400,000 calls
 * (Poisson arrivals, exponential talk and patience, first come first
 * served) gave 85.9 % answered within 20 s, 7.7 % hung up and an ASA of
 * 3.51 s for answered calls; the chain computes 86.0 %, 7.6 % and 3.5 s.
 */
Test(erlang, erlang_a_against_a_simulation)
{
    struct erlang_load l = {200, 180, 60, 20};
    struct erlang_result r;

    cr_assert(erlang_agents(&l, 0.8, &r));
    cr_assert_eq(r.agents, 12);
    cr_assert_float_eq(r.service_level, 0.859, 0.004);
    cr_assert_float_eq(r.p_abandon, 0.077, 0.002);
    cr_assert_float_eq(r.asa, 3.51, 0.05);
}

/* With endless patience Erlang A is Erlang C. */
Test(erlang, erlang_a_tends_to_erlang_c)
{
    struct erlang_load c = {200, 180, 0, 20}, a = {200, 180, 1e9, 20};
    struct erlang_result rc, ra;

    cr_assert(erlang_eval(&c, 14, &rc));
    cr_assert(erlang_eval(&a, 14, &ra));
    cr_assert_float_eq(ra.p_wait, rc.p_wait, 1e-5);
    cr_assert_float_eq(ra.service_level, rc.service_level, 1e-4);
    cr_assert_float_eq(ra.asa, rc.asa, 1e-2);
    cr_assert_float_eq(ra.p_abandon, 0.0, 1e-6);
    cr_assert(erlang_agents(&a, 0.8, &ra));
    cr_assert_eq(ra.agents, 14);
}

/*
 * Impatient callers leave the queue, so the same target needs no more
 * agents than Erlang C says, and a load above the agents stays finite.
 */
Test(erlang, erlang_a_with_impatient_callers)
{
    struct erlang_load a = {200, 180, 60, 20};
    struct erlang_result r;

    cr_assert(erlang_agents(&a, 0.8, &r));
    cr_assert_leq(r.agents, 14);
    cr_assert_geq(r.service_level, 0.8);
    cr_assert(erlang_eval(&a, r.agents - 1, &r));
    cr_assert_lt(r.service_level, 0.8);
    cr_assert(erlang_eval(&a, 8, &r)); /* 10 Erlangs on 8 agents */
    cr_assert_gt(r.p_abandon, 0.1);
    cr_assert_lt(r.occupancy, 1.0);
}

Test(erlang, bad_loads)
{
    struct erlang_load l = {0, 180, 0, 20};
    struct erlang_result r;

    cr_assert_not(erlang_agents(&l, 0.8, &r));
    l.calls_per_hour = 100;
    cr_assert_not(erlang_agents(&l, 1.0, &r));
    l.aht = -1;
    cr_assert_not(erlang_eval(&l, 5, &r));
}

/*
 * Three past weeks. Monday 09h had 10, 14 and 12 calls: forecast 12.
 * Monday 10h is covered only in the two latest weeks (data starts then),
 * with 7 and 9 calls: forecast 8 from 2 weeks. Sunday 23h is covered in
 * no week: no forecast. Hours covered with no call count as 0: Tuesday
 * 03h had 0, 0 and 3: forecast 1.
 */
Test(forecast, day_of_week_by_hour_profile)
{
    struct forecast_week past[3];
    struct forecast_slot f[FORECAST_SLOTS];
    size_t w, s;

    memset(past, 0, sizeof(past));
    for (w = 0; w < 3; w++) {
        for (s = 0; s < FORECAST_SLOTS - 1; s++)
            past[w].covered[s] = true;
    }
    past[0].calls[9] = 10;
    past[1].calls[9] = 14;
    past[2].calls[9] = 12;
    past[0].covered[10] = false;
    past[0].calls[10] = 99; /* outside the data: ignored */
    past[1].calls[10] = 7;
    past[2].calls[10] = 9;
    past[2].calls[24 + 3] = 3;
    forecast_profile(past, 3, f);
    cr_assert_float_eq(f[9].calls, 12.0, 1e-12);
    cr_assert_eq(f[9].weeks, 3);
    cr_assert_float_eq(f[10].calls, 8.0, 1e-12);
    cr_assert_eq(f[10].weeks, 2);
    cr_assert_float_eq(f[27].calls, 1.0, 1e-12);
    cr_assert_eq(f[167].weeks, 0);
    cr_assert_float_eq(f[167].calls, 0.0, 1e-12);
}
