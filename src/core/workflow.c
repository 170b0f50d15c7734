/* SPDX-License-Identifier: MIT */
/*
 * Workflow rules: graph checks for the configuration, routing by zone or
 * answer, and follow-ups by outcome. Pure functions over the catalogue.
 */
#include <string.h>

#include "core/workflow.h"

/* The index of step id in wf, or -1. */
static long
step_index(const struct workflow *wf, const char *id)
{
    size_t i;

    for (i = 0; id != NULL && i < wf->nsteps; i++) {
        if (strcmp(wf->steps[i].id, id) == 0)
            return (long)i;
    }
    return -1;
}

/* Graph walk state: 0 unseen, 1 on the current path, 2 finished. */
struct walk {
    const struct workflow *wf;
    unsigned char *mark;
    bool *reached;
    long cycle_at; /* a step that leads back to itself, or -1 */
};

static void walk_from(struct walk *w, long i);

/* Follows the edges to the step ids in v. */
static void
walk_edges(struct walk *w, const char *const *v, size_t n)
{
    size_t k;
    long j;

    for (k = 0; k < n; k++) {
        j = step_index(w->wf, v[k]);
        if (j < 0)
            continue;
        if (w->mark[j] == 1 && w->cycle_at < 0)
            w->cycle_at = j;
        else if (w->mark[j] == 0)
            walk_from(w, j);
    }
}

/* Depth-first walk marking reached steps and noting a loop. */
static void
walk_from(struct walk *w, long i)
{
    const struct workflow_step *st = &w->wf->steps[i];
    size_t k;

    w->mark[i] = 1;
    w->reached[i] = true;
    walk_edges(w, st->next, st->nnext);
    for (k = 0; k < st->noutcomes; k++)
        walk_edges(w, st->outcomes[k].next, st->outcomes[k].nnext);
    w->mark[i] = 2;
}

/* Appends one problem to the list in a. */
static enum c311_rc
add_problem(struct arena *a, struct workflow_problem **v, size_t *n, int line,
            char *msg)
{
    struct workflow_problem *nv;

    nv = arena_alloc(a, (*n + 1) * sizeof(*nv));
    if (nv == NULL || msg == NULL)
        return C311_ERR_NOMEM;
    if (*n > 0)
        memcpy(nv, *v, *n * sizeof(*nv));
    nv[*n].line = line;
    nv[*n].message = msg;
    *v = nv;
    (*n)++;
    return C311_OK;
}

/* Checks reachability and loops; see workflow.h. */
enum c311_rc
workflow_check_graph(const struct workflow *wf, struct arena *a,
                     struct workflow_problem **out, size_t *n)
{
    struct walk w = {wf, NULL, NULL, -1};
    enum c311_rc rc = C311_OK;
    size_t i;
    long j;

    *out = NULL;
    *n = 0;
    if (wf->nsteps == 0)
        return C311_OK;
    w.mark = arena_alloc(a, wf->nsteps);
    w.reached = arena_alloc(a, wf->nsteps * sizeof(bool));
    if (w.mark == NULL || w.reached == NULL)
        return C311_ERR_NOMEM;
    if (wf->nstart == 0) {
        walk_from(&w, 0);
    } else {
        for (i = 0; i < wf->nstart; i++) {
            j = step_index(wf, wf->start[i]);
            if (j >= 0 && w.mark[j] == 0)
                walk_from(&w, j);
        }
    }
    if (w.cycle_at >= 0)
        rc = add_problem(a, out, n, wf->steps[w.cycle_at].line,
                         arena_printf(a,
                                      "workflow '%s' has a loop back to "
                                      "step '%s'",
                                      wf->id, wf->steps[w.cycle_at].id));
    for (i = 0; rc == C311_OK && i < wf->nsteps; i++) {
        if (!w.reached[i])
            rc = add_problem(a, out, n, wf->steps[i].line,
                             arena_printf(a,
                                          "step '%s' of workflow '%s' is "
                                          "never started",
                                          wf->steps[i].id, wf->id));
    }
    return rc;
}

/*
 * True when (lat, lon) lies inside the polygon, by counting the edges a
 * ray towards growing longitude crosses.
 */
static bool
in_polygon(const struct zone *z, double lat, double lon)
{
    bool inside = false;
    size_t i, j;

    for (i = 0, j = z->npoints - 1; i < z->npoints; j = i++) {
        if ((z->lat[i] > lat) != (z->lat[j] > lat) &&
            lon < (z->lon[j] - z->lon[i]) * (lat - z->lat[i]) /
                          (z->lat[j] - z->lat[i]) +
                      z->lon[i])
            inside = !inside;
    }
    return inside;
}

/* True when the request lies in z by zip code or by location. */
bool
workflow_in_zone(const struct zone *z, const struct sr *r)
{
    size_t i;

    if (z == NULL)
        return false;
    if (r->zipcode != NULL) {
        for (i = 0; i < z->nzips; i++) {
            if (strcmp(z->zips[i], r->zipcode) == 0)
                return true;
        }
    }
    return z->npoints >= 3 && r->has_location && in_polygon(z, r->lat, r->lon);
}

/* True when the request answered code with value. */
static bool
answered(const struct sr *r, const char *code, const char *value)
{
    size_t i;

    for (i = 0; i < r->nattrs; i++) {
        if (strcmp(r->attrs[i].code, code) == 0 &&
            (value == NULL || strcmp(r->attrs[i].value, value) == 0))
            return true;
    }
    return false;
}

/* Picks the work group of a step for a request; see workflow.h. */
const char *
workflow_route(const struct city *c, const struct workflow_step *st,
               const struct sr *r)
{
    const struct route_rule *rule;
    size_t i;

    if (st->work_group != NULL)
        return st->work_group;
    for (i = 0; i < st->nroute; i++) {
        rule = &st->route[i];
        if (rule->zone != NULL &&
            !workflow_in_zone(catalog_zone(c, rule->zone), r))
            continue;
        if (rule->attribute != NULL &&
            !answered(r, rule->attribute, rule->value))
            continue;
        return rule->work_group;
    }
    return NULL;
}

/* Lists the follow-ups of a completion; see workflow.h. */
enum c311_rc
workflow_complete(const struct workflow_step *st, const char *outcome,
                  struct arena *a, const char ***next, size_t *nnext,
                  const struct i18n **note)
{
    const struct step_outcome *o = NULL;
    const char **v;
    size_t i, n;

    *next = NULL;
    *nnext = 0;
    *note = st->note.n > 0 ? &st->note : NULL;
    if (outcome != NULL && *outcome == '\0')
        outcome = NULL;
    for (i = 0; outcome != NULL && i < st->noutcomes; i++) {
        if (strcmp(st->outcomes[i].code, outcome) == 0)
            o = &st->outcomes[i];
    }
    if (st->noutcomes > 0 && o == NULL)
        return C311_ERR_INVALID;
    if (st->noutcomes == 0 && outcome != NULL)
        return C311_ERR_INVALID; /* an outcome the step does not have */
    if (o != NULL && o->note.n > 0)
        *note = &o->note;
    n = st->nnext + (o != NULL ? o->nnext : 0);
    if (n == 0)
        return C311_OK;
    if ((v = arena_alloc(a, n * sizeof(*v))) == NULL)
        return C311_ERR_NOMEM;
    for (i = 0; i < st->nnext; i++)
        v[i] = st->next[i];
    for (i = 0; o != NULL && i < o->nnext; i++)
        v[st->nnext + i] = o->next[i];
    *next = v;
    *nnext = n;
    return C311_OK;
}
