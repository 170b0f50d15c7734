/* SPDX-License-Identifier: MIT */
/*
 * Erlang C in closed form (through the Erlang B recursion, which never
 * overflows) and Erlang A from its birth-death chain. See core/erlang.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/erlang.h"

/* Erlang A: a queue tail term below this share of the total is dropped. */
#define ERLANG_TAIL 1e-15
/* Erlang A: waits are followed until this much probability is left. */
#define ERLANG_DRAIN 1e-10
/*
 * Erlang A: longest queue kept in the chain. A load that needs more is so
 * far above the agents that callers mostly hang up: it counts as too few.
 */
#define ERLANG_QUEUE_MAX 50000

/* Erlang C for n agents and traffic a (Erlangs), n > a. */
static double
erlang_c_wait(unsigned n, double a)
{
    double b = 1;
    unsigned k;

    for (k = 1; k <= n; k++)
        b = a * b / (k + a * b);
    return n * b / (n - a * (1 - b));
}

/* The Erlang C figures for n agents. */
static bool
eval_c(const struct erlang_load *l, unsigned n, struct erlang_result *out)
{
    double a = l->calls_per_hour / 3600 * l->aht, c;

    memset(out, 0, sizeof(*out));
    out->agents = n;
    out->traffic = a;
    if (n == 0 || n <= a)
        return false;
    c = erlang_c_wait(n, a);
    out->p_wait = c;
    out->service_level = 1 - c * exp(-(n - a) * l->target / l->aht);
    out->asa = c * l->aht / (n - a);
    out->occupancy = a / n;
    return true;
}

/* ---- Erlang A ---- */

/* The stationary chain of an M/M/n+M queue: pi[k], k calls in the system. */
struct chain {
    double *pi;
    size_t len;
    double lambda, mu, theta;
    unsigned n;
};

/* Death rate with k calls in the system. */
static double
death(const struct chain *c, size_t k)
{
    return k <= c->n ? k * c->mu : c->n * c->mu + (k - c->n) * c->theta;
}

/*
 * Fills c->pi, in logarithms first so that large loads do not overflow,
 * up to where the tail stops mattering. False when out of memory or the
 * queue would pass ERLANG_QUEUE_MAX.
 */
static bool
chain_solve(struct chain *c)
{
    size_t cap = c->n + 64, k;
    double *v, lmax = 0, sum = 0;

    c->pi = malloc(cap * sizeof(*c->pi));
    if (c->pi == NULL)
        return false;
    c->pi[0] = 0;
    for (k = 1;; k++) {
        if (k > c->n + ERLANG_QUEUE_MAX)
            return false;
        if (k == cap) {
            cap *= 2;
            v = realloc(c->pi, cap * sizeof(*v));
            if (v == NULL)
                return false;
            c->pi = v;
        }
        c->pi[k] = c->pi[k - 1] + log(c->lambda / death(c, k));
        if (c->pi[k] > lmax)
            lmax = c->pi[k];
        if (k > c->n + 8 && c->pi[k] - lmax < log(ERLANG_TAIL))
            break;
    }
    c->len = k + 1;
    for (k = 0; k < c->len; k++)
        sum += c->pi[k] = exp(c->pi[k] - lmax);
    for (k = 0; k < c->len; k++)
        c->pi[k] /= sum;
    return true;
}

/* The derivative of the waiting caller's chain (j ahead of them). */
static void
wait_rates(const struct chain *c, const double *p, size_t m, double *dp)
{
    double serve = c->n * c->mu;
    size_t j;

    for (j = 0; j < m; j++) {
        dp[j] = -(serve + (double)j * c->theta + c->theta) * p[j];
        if (j + 1 < m)
            dp[j] += (serve + (double)(j + 1) * c->theta) * p[j + 1];
    }
}

/* One Runge-Kutta step of size h; k holds 5 scratch vectors of m. */
static void
wait_step(const struct chain *c, double *p, size_t m, double h, double *k)
{
    double *k1 = k, *k2 = k + m, *k3 = k + 2 * m, *k4 = k + 3 * m;
    double *t = k + 4 * m;
    size_t j;

    wait_rates(c, p, m, k1);
    for (j = 0; j < m; j++)
        t[j] = p[j] + h / 2 * k1[j];
    wait_rates(c, t, m, k2);
    for (j = 0; j < m; j++)
        t[j] = p[j] + h / 2 * k2[j];
    wait_rates(c, t, m, k3);
    for (j = 0; j < m; j++)
        t[j] = p[j] + h * k3[j];
    wait_rates(c, t, m, k4);
    for (j = 0; j < m; j++)
        p[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
}

/*
 * Follows a caller who must wait, from their arrival: answered within
 * target (*within, waits of 0 excluded) and, with full set, the mean wait
 * of those answered times their share (*wait_sum).
 */
static bool
chain_waits(const struct chain *c, double target, bool full, double *within,
            double *wait_sum)
{
    size_t m = c->len - c->n, j;
    double rmax = c->n * c->mu + (double)m * c->theta, h, t = 0, left, f;
    double *p = malloc(6 * m * sizeof(*p)), *k;
    unsigned steps;

    if (p == NULL)
        return false;
    k = p + m;
    for (j = 0; j < m; j++)
        p[j] = c->pi[c->n + j];
    steps = target > 0 ? (unsigned)ceil(target * rmax / 0.5) : 0;
    h = steps > 0 ? target / steps : 0.5 / rmax;
    *within = *wait_sum = 0;
    for (;;) {
        f = c->n * c->mu * p[0];
        if (t < target)
            *within += f * h / 2;
        *wait_sum += t * f * h / 2;
        wait_step(c, p, m, h, k);
        t += h;
        f = c->n * c->mu * p[0];
        if (t <= target + h / 2)
            *within += f * h / 2;
        *wait_sum += t * f * h / 2;
        if (t >= target - h / 2 && !full)
            break;
        for (left = 0, j = 0; j < m; j++)
            left += p[j];
        if (t >= target - h / 2 && (left < ERLANG_DRAIN || t > 7 * 86400.0))
            break;
    }
    free(p);
    return true;
}

/* The Erlang A figures for n agents; asa only when full is set. */
static bool
eval_a(const struct erlang_load *l, unsigned n, bool full,
       struct erlang_result *out)
{
    struct chain c = {
        NULL, 0, l->calls_per_hour / 3600, 1 / l->aht, 1 / l->patience, n};
    double queue = 0, within = 0, wait_sum = 0, now = 0;
    size_t k;
    bool ok;

    memset(out, 0, sizeof(*out));
    out->agents = n;
    out->traffic = c.lambda * l->aht;
    if (n == 0 || !chain_solve(&c)) {
        free(c.pi);
        return false;
    }
    for (k = 0; k < c.len; k++) {
        if (k < n)
            now += c.pi[k];
        else
            out->p_wait += c.pi[k];
        if (k > n)
            queue += (double)(k - n) * c.pi[k];
    }
    out->p_abandon = c.theta * queue / c.lambda;
    out->occupancy = c.lambda * (1 - out->p_abandon) / (n * c.mu);
    ok = chain_waits(&c, l->target, full, &within, &wait_sum);
    out->service_level = now + within;
    if (out->p_abandon < 1)
        out->asa = wait_sum / (1 - out->p_abandon);
    free(c.pi);
    return ok;
}

/* True when the load can be computed at all. */
static bool
load_ok(const struct erlang_load *l)
{
    return l->calls_per_hour > 0 && l->aht > 0 && l->target >= 0 &&
           l->patience >= 0 && isfinite(l->calls_per_hour) &&
           isfinite(l->aht) && isfinite(l->patience) && isfinite(l->target);
}

/* Computes the figures of n agents with the model the load asks for. */
bool
erlang_eval(const struct erlang_load *l, unsigned n, struct erlang_result *out)
{
    if (!load_ok(l)) {
        memset(out, 0, sizeof(*out));
        return false;
    }
    if (l->patience > 0)
        return eval_a(l, n, true, out);
    return eval_c(l, n, out);
}

/* Erlang C: the first n above the traffic that reaches sl. */
static bool
agents_c(const struct erlang_load *l, double sl, struct erlang_result *out)
{
    double a = l->calls_per_hour / 3600 * l->aht;
    unsigned n;

    for (n = (unsigned)floor(a) + 1; n <= ERLANG_MAX_AGENTS; n++) {
        if (eval_c(l, n, out) && out->service_level >= sl)
            return true;
    }
    return false;
}

/*
 * Erlang A: the service level grows with n, so search by halves. A chain
 * too long to follow means far too few agents.
 */
static bool
agents_a(const struct erlang_load *l, double sl, struct erlang_result *out)
{
    unsigned lo = 0, hi = 1, mid;

    for (;;) {
        if (eval_a(l, hi, false, out) && out->service_level >= sl)
            break;
        lo = hi;
        if (hi >= ERLANG_MAX_AGENTS)
            return false;
        hi = hi * 2 > ERLANG_MAX_AGENTS ? ERLANG_MAX_AGENTS : hi * 2;
    }
    while (hi - lo > 1) {
        mid = lo + (hi - lo) / 2;
        if (eval_a(l, mid, false, out) && out->service_level >= sl)
            hi = mid;
        else
            lo = mid;
    }
    return eval_a(l, hi, true, out);
}

/* Finds the fewest agents that reach the service level. */
bool
erlang_agents(const struct erlang_load *l, double sl, struct erlang_result *out)
{
    memset(out, 0, sizeof(*out));
    if (!load_ok(l) || !(sl > 0 && sl < 1))
        return false;
    if (l->patience > 0)
        return agents_a(l, sl, out);
    return agents_c(l, sl, out);
}
