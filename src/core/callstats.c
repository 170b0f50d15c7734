/* SPDX-License-Identifier: MIT */
/*
 * The accumulator behind call reports: rows per interval and key, filled
 * one call at a time, and agent occupancy from login and pause spans. See
 * core/callstats.h for the contract and docs/CALLS.md for the definitions.
 */
#include <stdlib.h>
#include <string.h>

#include "core/callstats.h"

/* A span of time [a, b). */
struct ival {
    int64_t a, b;
};

struct ivals {
    struct ival *v;
    size_t n, cap;
};

/* The rows of one queue or agent, one per interval. */
struct keyed {
    char *key;
    struct callstats_row *rows;
    struct ivals member, pause; /* agents only */
};

struct callstats {
    struct callstats_opts o;
    int64_t *edges;
    size_t nint;
    struct callstats_row *overall; /* nint rows */
    struct keyed *keys;            /* sorted by key */
    size_t nkeys, capkeys;
    struct callstats_row total;
};

/* Sets the interval bounds of n rows from the edges. */
static void
rows_init(struct callstats *cs, struct callstats_row *rows, const char *key)
{
    size_t i;

    for (i = 0; i < cs->nint; i++) {
        rows[i].start = cs->edges[i];
        rows[i].end = cs->edges[i + 1];
        rows[i].key = key;
    }
}

/* Makes an accumulator with its own copy of the edges. */
struct callstats *
callstats_new(const struct callstats_opts *o)
{
    struct callstats *cs;

    if (o->nedges < 2)
        return NULL;
    cs = calloc(1, sizeof(*cs));
    if (cs == NULL)
        return NULL;
    cs->o = *o;
    cs->nint = o->nedges - 1;
    cs->edges = malloc(o->nedges * sizeof(*cs->edges));
    cs->overall = calloc(cs->nint, sizeof(*cs->overall));
    if (cs->edges == NULL || cs->overall == NULL) {
        callstats_free(cs);
        return NULL;
    }
    memcpy(cs->edges, o->edges, o->nedges * sizeof(*cs->edges));
    cs->o.edges = cs->edges;
    rows_init(cs, cs->overall, NULL);
    cs->total.start = cs->edges[0];
    cs->total.end = cs->edges[cs->nint];
    return cs;
}

/* Frees an accumulator and its rows. */
void
callstats_free(struct callstats *cs)
{
    size_t i;

    if (cs == NULL)
        return;
    for (i = 0; i < cs->nkeys; i++) {
        free(cs->keys[i].key);
        free(cs->keys[i].rows);
        free(cs->keys[i].member.v);
        free(cs->keys[i].pause.v);
    }
    free(cs->keys);
    free(cs->overall);
    free(cs->edges);
    free(cs);
}

/* The interval holding t, or -1 when t is outside the report. */
static long
interval_of(const struct callstats *cs, int64_t t)
{
    size_t lo = 0, hi = cs->nint, mid;

    if (t < cs->edges[0] || t >= cs->edges[cs->nint])
        return -1;
    while (hi - lo > 1) {
        mid = (lo + hi) / 2;
        if (cs->edges[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return (long)lo;
}

/* The rows of key, made when new; NULL when out of memory. */
static struct keyed *
keyed_get(struct callstats *cs, const char *key)
{
    size_t lo = 0, hi = cs->nkeys, mid;
    struct keyed *v, *k;
    int c;

    while (lo < hi) {
        mid = (lo + hi) / 2;
        c = strcmp(key, cs->keys[mid].key);
        if (c == 0)
            return &cs->keys[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    if (cs->nkeys == cs->capkeys) {
        cs->capkeys = cs->capkeys ? cs->capkeys * 2 : 16;
        v = realloc(cs->keys, cs->capkeys * sizeof(*v));
        if (v == NULL)
            return NULL;
        cs->keys = v;
    }
    k = &cs->keys[lo];
    memmove(k + 1, k, (cs->nkeys - lo) * sizeof(*k));
    memset(k, 0, sizeof(*k));
    k->key = strdup(key);
    k->rows = calloc(cs->nint, sizeof(*k->rows));
    if (k->key == NULL || k->rows == NULL) {
        free(k->key);
        free(k->rows);
        memmove(k, k + 1, (cs->nkeys - lo) * sizeof(*k));
        return NULL;
    }
    cs->nkeys++;
    rows_init(cs, k->rows, k->key);
    return k;
}

/* What one call, or one leg of it, adds to a row. */
struct tally {
    enum acd_outcome outcome;
    int64_t wait, talk;
    enum acd_hangup hangup;
    bool transferred;
    bool derived;
    bool multi;
    bool request;
};

/* Adds the answer of t to r. */
static void
count_answer(struct callstats_row *r, const struct callstats_opts *o,
             const struct tally *t)
{
    r->answered++;
    r->sl_base++;
    if (t->wait >= 0) {
        r->asa_sum += (uint64_t)t->wait;
        r->asa_n++;
        if (t->wait <= o->sl_seconds)
            r->answered_in_sl++;
    }
    if (t->talk >= 0) {
        r->talk_sum += (uint64_t)t->talk;
        r->talk_n++;
    }
    r->hangup_caller += t->hangup == ACD_HANGUP_CALLER;
    r->hangup_agent += t->hangup == ACD_HANGUP_AGENT;
    r->with_request += t->request;
}

/* Adds an offered call or leg to r. */
static void
count(struct callstats_row *r, const struct callstats_opts *o,
      const struct tally *t)
{
    r->offered++;
    r->no_enterqueue += t->derived;
    r->multi_queue += t->multi;
    r->transferred += t->transferred;
    if (t->outcome == ACD_ABANDONED && t->wait >= 0 &&
        t->wait < o->short_abandon) {
        r->short_abandoned++;
        return;
    }
    switch (t->outcome) {
    case ACD_WAITING:
        r->waiting++;
        return;
    case ACD_ABANDONED:
        r->abandoned++;
        r->sl_base++;
        break;
    case ACD_TIMEOUT:
        r->timeout++;
        r->sl_base++;
        break;
    case ACD_EXITKEY:
        r->exitkey++;
        r->sl_base++;
        break;
    case ACD_EXITEMPTY:
        r->exitempty++;
        r->sl_base++;
        break;
    default:
        count_answer(r, o, t);
        break;
    }
    if (t->wait >= 0) {
        r->wait_sum += (uint64_t)t->wait;
        r->wait_n++;
        if ((uint64_t)t->wait > r->wait_max)
            r->wait_max = (uint64_t)t->wait;
    }
}

/* The call as one tally: first answer, waits and talk across its legs. */
static void
tally_call(const struct acd_call *c, uint32_t request_legs, struct tally *t)
{
    size_t i;

    memset(t, 0, sizeof(*t));
    t->outcome = c->outcome;
    t->derived = c->legs[0].entered_derived;
    t->multi = c->nlegs > 1;
    t->request = request_legs != 0;
    t->hangup = c->legs[c->nlegs - 1].hangup;
    t->wait = c->wait;
    t->talk = c->talk;
    for (i = 0; i < c->nlegs; i++)
        t->transferred |= c->legs[i].outcome == ACD_TRANSFERRED;
}

/* One leg as a tally, for its queue's row. */
static void
tally_leg(const struct acd_leg *l, size_t i, uint32_t request_legs,
          struct tally *t)
{
    memset(t, 0, sizeof(*t));
    t->outcome = l->outcome;
    t->wait = l->wait;
    t->talk = l->talk;
    t->hangup = l->hangup;
    t->transferred = l->outcome == ACD_TRANSFERRED;
    t->derived = l->entered_derived;
    t->multi = i > 0;
    t->request = i < 32 && (request_legs >> i & 1);
}

/* Adds the seconds of [a, b) to the busy time of k's rows it overlaps. */
static void
add_busy(struct callstats *cs, struct keyed *k, int64_t a, int64_t b)
{
    long first = interval_of(cs, a);
    size_t i = first >= 0 ? (size_t)first : 0;
    int64_t lo, hi;

    if (first < 0 && a >= cs->edges[cs->nint])
        return;
    for (; i < cs->nint && cs->edges[i] < b; i++) {
        lo = a > cs->edges[i] ? a : cs->edges[i];
        hi = b < cs->edges[i + 1] ? b : cs->edges[i + 1];
        if (hi > lo)
            k->rows[i].busy += hi - lo;
    }
}

/* Counts the answered legs and rings of c in their agents' rows. */
static enum c311_rc
add_agents(struct callstats *cs, const struct acd_call *c,
           uint32_t request_legs)
{
    const struct acd_leg *l;
    struct keyed *k;
    struct tally t;
    int64_t end;
    long idx;
    size_t i;

    for (i = 0; i < c->nlegs; i++) {
        l = &c->legs[i];
        if (l->answered == 0 || l->agent == NULL || l->agent[0] == '\0')
            continue;
        if ((k = keyed_get(cs, l->agent)) == NULL)
            return C311_ERR_NOMEM;
        end = l->talk >= 0 ? l->answered + l->talk : cs->o.now;
        add_busy(cs, k, l->answered, end);
        if ((idx = interval_of(cs, l->answered)) < 0)
            continue;
        tally_leg(l, i, request_legs, &t);
        t.outcome = ACD_COMPLETED;
        count_answer(&k->rows[idx], &cs->o, &t);
        k->rows[idx].transferred += l->outcome == ACD_TRANSFERRED;
    }
    for (i = 0; i < c->nrings; i++) {
        if ((idx = interval_of(cs, c->rings[i].at)) < 0 ||
            c->rings[i].agent[0] == '\0')
            continue;
        if ((k = keyed_get(cs, c->rings[i].agent)) == NULL)
            return C311_ERR_NOMEM;
        k->rows[idx].rings++;
    }
    return C311_OK;
}

/* Counts a call in the overall, total and queue or agent rows. */
enum c311_rc
callstats_add_call(struct callstats *cs, const struct acd_call *c,
                   uint32_t request_legs)
{
    struct keyed *k;
    struct tally t;
    long idx;
    size_t i;

    if (c->nlegs == 0)
        return C311_OK;
    if ((idx = interval_of(cs, c->entered)) >= 0) {
        tally_call(c, request_legs, &t);
        count(&cs->overall[idx], &cs->o, &t);
        count(&cs->total, &cs->o, &t);
        for (i = 0; i < c->nrings; i++)
            cs->total.rings += c->rings[i].agent[0] != '\0';
        for (i = 0; i < c->nrings; i++)
            cs->overall[idx].rings += c->rings[i].agent[0] != '\0';
    }
    if (cs->o.by == CALLSTATS_BY_AGENT)
        return add_agents(cs, c, request_legs);
    if (cs->o.by != CALLSTATS_BY_QUEUE)
        return C311_OK;
    for (i = 0; i < c->nlegs; i++) {
        if ((idx = interval_of(cs, c->legs[i].entered)) < 0)
            continue;
        if ((k = keyed_get(cs, c->legs[i].queue)) == NULL)
            return C311_ERR_NOMEM;
        tally_leg(&c->legs[i], i, request_legs, &t);
        count(&k->rows[idx], &cs->o, &t);
        k->rows[idx].rings += c->legs[i].rings;
    }
    return C311_OK;
}

/* Appends [a, b) to s. */
static bool
ivals_add(struct ivals *s, int64_t a, int64_t b)
{
    struct ival *v;

    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        v = realloc(s->v, s->cap * sizeof(*v));
        if (v == NULL)
            return false;
        s->v = v;
    }
    s->v[s->n].a = a;
    s->v[s->n].b = b;
    s->n++;
    return true;
}

/* Keeps a login or pause span of an agent for occupancy. */
enum c311_rc
callstats_add_span(struct callstats *cs, const struct acd_span *sp)
{
    int64_t end = sp->end != 0 ? sp->end : cs->o.now;
    struct keyed *k;

    if (cs->o.by != CALLSTATS_BY_AGENT || sp->start == 0 || end <= sp->start)
        return C311_OK;
    if ((k = keyed_get(cs, sp->agent)) == NULL)
        return C311_ERR_NOMEM;
    if (!ivals_add(sp->kind == ACD_SPAN_MEMBER ? &k->member : &k->pause,
                   sp->start, end))
        return C311_ERR_NOMEM;
    return C311_OK;
}

/* Orders spans by start. */
static int
ival_cmp(const void *x, const void *y)
{
    const struct ival *a = x, *b = y;

    return a->a < b->a ? -1 : a->a > b->a;
}

/* Sorts s and merges overlapping spans, so each instant is in one. */
static void
ivals_union(struct ivals *s)
{
    size_t i, j = 0;

    if (s->n == 0)
        return;
    if (s->n > 0)
        qsort(s->v, s->n, sizeof(*s->v), ival_cmp);
    for (i = 1; i < s->n; i++) {
        if (s->v[i].a <= s->v[j].b) {
            if (s->v[i].b > s->v[j].b)
                s->v[j].b = s->v[i].b;
        } else {
            s->v[++j] = s->v[i];
        }
    }
    s->n = j + 1;
}

/* Seconds of the union s inside [a, b). */
static int64_t
ivals_within(const struct ivals *s, int64_t a, int64_t b)
{
    int64_t sum = 0, lo, hi;
    size_t i;

    for (i = 0; i < s->n && s->v[i].a < b; i++) {
        lo = s->v[i].a > a ? s->v[i].a : a;
        hi = s->v[i].b < b ? s->v[i].b : b;
        if (hi > lo)
            sum += hi - lo;
    }
    return sum;
}

/* Replaces the pauses of k by their part inside its logins. */
static bool
pauses_in_logins(struct keyed *k)
{
    struct ivals out = {NULL, 0, 0};
    size_t i, j;
    int64_t lo, hi;

    for (i = 0; i < k->pause.n; i++) {
        for (j = 0; j < k->member.n; j++) {
            lo = k->pause.v[i].a > k->member.v[j].a ? k->pause.v[i].a
                                                    : k->member.v[j].a;
            hi = k->pause.v[i].b < k->member.v[j].b ? k->pause.v[i].b
                                                    : k->member.v[j].b;
            if (hi > lo && !ivals_add(&out, lo, hi)) {
                free(out.v);
                return false;
            }
        }
    }
    free(k->pause.v);
    k->pause = out;
    ivals_union(&k->pause);
    return true;
}

/* Fills the login and pause seconds of an agent's rows. */
static bool
occupancy_of(struct callstats *cs, struct keyed *k)
{
    size_t i;

    if (k->member.n == 0)
        return true;
    ivals_union(&k->member);
    ivals_union(&k->pause);
    if (!pauses_in_logins(k))
        return false;
    for (i = 0; i < cs->nint; i++) {
        k->rows[i].logged_in =
            ivals_within(&k->member, cs->edges[i], cs->edges[i + 1]);
        k->rows[i].paused =
            ivals_within(&k->pause, cs->edges[i], cs->edges[i + 1]);
    }
    return true;
}

/* num / den, or -1 when den is 0. */
static double
ratio(double num, double den)
{
    return den > 0 ? num / den : -1;
}

/* Computes the derived figures of r. */
static void
derive(struct callstats_row *r)
{
    r->abandon_rate = ratio((double)r->abandoned, (double)r->sl_base);
    r->service_level = ratio((double)r->answered_in_sl, (double)r->sl_base);
    r->asa = ratio((double)r->asa_sum, (double)r->asa_n);
    r->avg_wait = ratio((double)r->wait_sum, (double)r->wait_n);
    r->aht = ratio((double)r->talk_sum, (double)r->talk_n);
    r->request_share = ratio((double)r->with_request, (double)r->answered);
    r->occupancy = r->logged_in > 0 ? ratio((double)r->busy,
                                            (double)(r->logged_in - r->paused))
                                    : -1;
}

/* Derives the figures and copies the rows out. */
enum c311_rc
callstats_finish(struct callstats *cs, struct arena *a,
                 struct callstats_report *out)
{
    size_t nkeys = cs->o.by == CALLSTATS_BY_INTERVAL ? 1 : cs->nkeys;
    size_t i, j, n = 0;
    struct callstats_row *r;

    memset(out, 0, sizeof(*out));
    for (j = 0; j < cs->nkeys && cs->o.by == CALLSTATS_BY_AGENT; j++) {
        if (!occupancy_of(cs, &cs->keys[j]))
            return C311_ERR_NOMEM;
    }
    out->rows = arena_alloc(a, (cs->nint * nkeys + 1) * sizeof(*out->rows));
    if (out->rows == NULL)
        return C311_ERR_NOMEM;
    for (i = 0; i < cs->nint; i++) {
        for (j = 0; j < nkeys; j++) {
            r = &out->rows[n++];
            if (cs->o.by == CALLSTATS_BY_INTERVAL) {
                *r = cs->overall[i];
            } else {
                *r = cs->keys[j].rows[i];
                r->key = arena_strdup(a, cs->keys[j].key);
                if (r->key == NULL)
                    return C311_ERR_NOMEM;
            }
            derive(r);
            if (cs->o.by == CALLSTATS_BY_AGENT)
                r->abandon_rate = -1;
        }
    }
    out->nrows = n;
    out->total = cs->total;
    derive(&out->total);
    return C311_OK;
}
