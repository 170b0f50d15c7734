/* SPDX-License-Identifier: MIT */
/*
 * The rules of a workflow that need no database: whether its steps form a
 * proper chain (every step reachable, no loops), which work group a step's
 * route picks for a request, and which steps follow the completion of a
 * step with a given outcome.
 */
#ifndef CIVIC311_WORKFLOW_H
#define CIVIC311_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/catalog.h"
#include "core/request.h"
#include "util/arena.h"
#include "util/status.h"

/* One problem of a workflow's graph, at a line of the configuration. */
struct workflow_problem {
    int line;
    const char *message;
};

/*
 * Checks that every step of wf is started, directly or through follow-ups,
 * by its start steps, and that no chain of follow-ups leads back to a step
 * it came from. Problems are allocated in a. Step ids that name no step
 * are skipped (the loader reports them).
 */
enum c311_rc workflow_check_graph(const struct workflow *wf, struct arena *a,
                                  struct workflow_problem **out, size_t *n);

/* True when the request's zip code or location lies in zone z. */
bool workflow_in_zone(const struct zone *z, const struct sr *r);

/*
 * The work group step st goes to for request r: its own, or the first
 * rule of its route that matches. NULL only for a route without a
 * default rule, which the configuration refuses.
 */
const char *workflow_route(const struct city *c, const struct workflow_step *st,
                           const struct sr *r);

/*
 * What completing st with outcome (NULL or "" for none) leads to: *next
 * receives the ids of the steps to start (allocated in a), *note the
 * public status note for a request that closes (NULL when none is
 * configured). C311_ERR_INVALID when st lists outcomes and outcome is not
 * one of them, or lists none and an outcome is given.
 */
enum c311_rc workflow_complete(const struct workflow_step *st,
                               const char *outcome, struct arena *a,
                               const char ***next, size_t *nnext,
                               const struct i18n **note);

#endif
