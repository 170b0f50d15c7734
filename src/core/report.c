/* SPDX-License-Identifier: MIT */
/*
 * The figures of a management report (see report.h and docs/REPORTS.md).
 * Counters are kept per group and in total as rows arrive; the times to
 * close are kept in full so that the percentiles are exact, and sorted at
 * the end.
 */
#include <stdlib.h>
#include <string.h>

#include "core/report.h"

#define DAY_S 86400

const int64_t report_age_limits[REPORT_AGES - 1] = {DAY_S, 3 * DAY_S, 7 * DAY_S,
                                                    30 * DAY_S};
const char *const report_age_names[REPORT_AGES] = {"0-1d", "1-3d", "3-7d",
                                                   "7-30d", "over_30d"};

static const char *const by_names[] = {
    [REPORT_BY_NONE] = "none",       [REPORT_BY_DEPARTMENT] = "department",
    [REPORT_BY_SERVICE] = "service", [REPORT_BY_CHANNEL] = "channel",
    [REPORT_BY_DAY] = "day",         [REPORT_BY_HOUR] = "hour",
};

/* The figures of one group, and its times to close. */
struct report_acc {
    struct report_figures f;
    int64_t *durations; /* malloc'd */
    size_t nd, capd;
};

/* Parses a breakdown name. */
bool
report_by_parse(const char *name, enum report_by *out)
{
    size_t i;

    for (i = REPORT_BY_DEPARTMENT; name != NULL && i <= REPORT_BY_HOUR; i++) {
        if (strcmp(name, by_names[i]) == 0) {
            *out = (enum report_by)i;
            return true;
        }
    }
    return false;
}

/* The name of a breakdown. */
const char *
report_by_name(enum report_by by)
{
    return by <= REPORT_BY_HOUR ? by_names[by] : "?";
}

/* closed / requests. */
double
report_share_closed(const struct report_figures *f)
{
    return f->requests > 0 ? (double)f->closed / (double)f->requests : -1;
}

/* met / (met + missed). */
double
report_compliance(const struct report_figures *f)
{
    int64_t judged = f->met + f->missed;

    return judged > 0 ? (double)f->met / (double)judged : -1;
}

/* The value of rank ceil(p / 100 * n), counting from 1. */
int64_t
report_nearest_rank(const int64_t *sorted, size_t n, int p)
{
    size_t rank;

    if (n == 0)
        return -1;
    rank = ((size_t)p * n + 99) / 100;
    if (rank < 1)
        rank = 1;
    return sorted[rank - 1];
}

/* Starts an empty report. */
void
report_begin(struct report_builder *b, int64_t from, int64_t to,
             enum report_by by, struct arena *a)
{
    memset(b, 0, sizeof(*b));
    b->r.from = from;
    b->r.to = to;
    b->r.by = by;
    b->a = a;
    b->total = calloc(1, sizeof(*b->total));
    b->groups = (struct strmap)STRMAP_INIT;
    b->services = (struct strmap)STRMAP_INIT;
}

/* Keeps one more time to close. */
static bool
keep_duration(struct report_acc *acc, int64_t d)
{
    int64_t *v;
    size_t cap;

    if (acc->nd == acc->capd) {
        cap = acc->capd == 0 ? 64 : acc->capd * 2;
        v = realloc(acc->durations, cap * sizeof(*v));
        if (v == NULL)
            return false;
        acc->durations = v;
        acc->capd = cap;
    }
    acc->durations[acc->nd++] = d;
    return true;
}

/* Counts a request requested in the period. */
static bool
count_period(struct report_acc *acc, const struct report_row *row, int64_t to)
{
    struct report_figures *f = &acc->f;
    bool done = row->closed && (row->closed_at == 0 || row->closed_at < to);
    bool timed = done && row->closed_at != 0;

    f->requests++;
    f->closed += done;
    if (timed && row->closed_at >= row->requested_at) {
        f->timed++;
        if (!keep_duration(acc, row->closed_at - row->requested_at))
            return false;
    }
    if (row->expected_at == 0)
        return true;
    f->with_due++;
    if (timed) {
        f->met += row->closed_at <= row->expected_at;
        f->missed += row->closed_at > row->expected_at;
    } else if (!done && row->expected_at < to) {
        f->missed++;
    } else {
        f->unknown++;
    }
    return true;
}

/* Counts a request still open at `to` in its age band. */
static void
count_backlog(struct report_figures *f, const struct report_row *row,
              int64_t to)
{
    int64_t age = to - row->requested_at;
    int i;

    f->backlog++;
    for (i = 0; i < REPORT_AGES - 1 && age >= report_age_limits[i]; i++)
        ;
    f->ages[i]++;
}

/* The group of key, made on first sight. NULL when memory runs out. */
static struct report_acc *
group_of(struct report_builder *b, const char *key, const char *name)
{
    struct report_group *g;
    struct report_acc *accs;
    int64_t i;
    size_t cap;

    if (strmap_get(&b->groups, key, &i))
        return &b->accs[i];
    if (b->nacc == b->capacc) {
        cap = b->capacc == 0 ? 16 : b->capacc * 2;
        accs = realloc(b->accs, cap * sizeof(*accs));
        g = arena_alloc(b->a, cap * sizeof(*g));
        if (accs == NULL || g == NULL) {
            if (accs != NULL)
                b->accs = accs;
            return NULL;
        }
        if (b->r.ngroups > 0)
            memcpy(g, b->r.groups, b->r.ngroups * sizeof(*g));
        b->accs = accs;
        b->r.groups = g;
        b->capacc = cap;
    }
    g = &b->r.groups[b->r.ngroups++];
    g->key = arena_strdup(b->a, key);
    g->name = arena_strdup(b->a, name != NULL ? name : key);
    memset(&b->accs[b->nacc], 0, sizeof(b->accs[0]));
    if (g->key == NULL || g->name == NULL ||
        strmap_add(&b->groups, key, (int64_t)b->nacc, NULL) != C311_OK)
        return NULL;
    return &b->accs[b->nacc++];
}

/* Counts one more request of a service for the top list. */
static bool
count_service(struct report_builder *b, const struct report_row *row)
{
    const char *code = row->service_code != NULL ? row->service_code : "";
    struct report_service *v;
    int64_t i;
    size_t cap;

    if (strmap_get(&b->services, code, &i)) {
        b->svcs[i].requests++;
        return true;
    }
    if (b->nsvc == b->capsvc) {
        cap = b->capsvc == 0 ? 32 : b->capsvc * 2;
        v = realloc(b->svcs, cap * sizeof(*v));
        if (v == NULL)
            return false;
        b->svcs = v;
        b->capsvc = cap;
    }
    v = &b->svcs[b->nsvc];
    v->code = arena_strdup(b->a, code);
    v->name = arena_strdup(b->a, row->service_name != NULL ? row->service_name
                                                           : code);
    v->requests = 1;
    if (v->code == NULL || v->name == NULL ||
        strmap_add(&b->services, code, (int64_t)b->nsvc, NULL) != C311_OK)
        return false;
    b->nsvc++;
    return true;
}

/* Counts one request in the total and in its group. */
enum c311_rc
report_add(struct report_builder *b, const struct report_row *row)
{
    bool in_period =
        row->requested_at >= b->r.from && row->requested_at < b->r.to;
    bool open_at_to =
        row->requested_at < b->r.to &&
        (!row->closed || (row->closed_at != 0 && row->closed_at >= b->r.to));
    struct report_acc *acc[2] = {b->total, NULL};
    int i;

    if (b->total == NULL)
        return C311_ERR_NOMEM;
    if (b->r.by != REPORT_BY_NONE && (in_period || open_at_to) &&
        (acc[1] = group_of(b, row->group_key != NULL ? row->group_key : "",
                           row->group_name)) == NULL)
        return C311_ERR_NOMEM;
    if (in_period && !count_service(b, row))
        return C311_ERR_NOMEM;
    for (i = 0; i < 2 && acc[i] != NULL; i++) {
        if (in_period && !count_period(acc[i], row, b->r.to))
            return C311_ERR_NOMEM;
        if (open_at_to)
            count_backlog(&acc[i]->f, row, b->r.to);
    }
    return C311_OK;
}

/* Orders times to close, shortest first. */
static int
cmp_int64(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

    return (a > b) - (a < b);
}

/* Sorts an accumulator's times and fills its percentiles. */
static void
finish(struct report_acc *acc)
{
    /* qsort may not be given a NULL array, even an empty one. */
    if (acc->nd > 0)
        qsort(acc->durations, acc->nd, sizeof(*acc->durations), cmp_int64);
    acc->f.median_s = report_nearest_rank(acc->durations, acc->nd, 50);
    acc->f.p90_s = report_nearest_rank(acc->durations, acc->nd, 90);
    free(acc->durations);
    acc->durations = NULL;
}

/* Busiest first, then by key; chronological (by key) for day and hour. */
static int
cmp_groups(const void *pa, const void *pb)
{
    const struct report_group *a = pa, *b = pb;

    if (a->f.requests != b->f.requests)
        return a->f.requests > b->f.requests ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* By key only. */
static int
cmp_keys(const void *pa, const void *pb)
{
    return strcmp(((const struct report_group *)pa)->key,
                  ((const struct report_group *)pb)->key);
}

/* Busiest services first, then by code. */
static int
cmp_services(const void *pa, const void *pb)
{
    const struct report_service *a = pa, *b = pb;

    if (a->requests != b->requests)
        return a->requests > b->requests ? -1 : 1;
    return strcmp(a->code, b->code);
}

/* Computes the figures and frees the builder; see report.h. */
enum c311_rc
report_end(struct report_builder *b, struct report *out)
{
    enum c311_rc rc = b->total != NULL ? C311_OK : C311_ERR_NOMEM;
    size_t i;

    for (i = 0; i < b->nacc; i++) {
        finish(&b->accs[i]);
        b->r.groups[i].f = b->accs[i].f;
    }
    if (b->total != NULL) {
        finish(b->total);
        b->r.total = b->total->f;
    }
    if (b->r.ngroups > 0)
        qsort(b->r.groups, b->r.ngroups, sizeof(b->r.groups[0]),
              b->r.by == REPORT_BY_DAY || b->r.by == REPORT_BY_HOUR
                  ? cmp_keys
                  : cmp_groups);
    if (b->nsvc > 0)
        qsort(b->svcs, b->nsvc, sizeof(*b->svcs), cmp_services);
    b->r.ntop = b->nsvc < REPORT_TOP ? b->nsvc : REPORT_TOP;
    for (i = 0; i < b->r.ntop; i++)
        b->r.top[i] = b->svcs[i];
    *out = b->r;
    free(b->total);
    free(b->accs);
    free(b->svcs);
    strmap_free(&b->groups);
    strmap_free(&b->services);
    memset(b, 0, sizeof(*b));
    return rc;
}
