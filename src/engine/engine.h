/* SPDX-License-Identifier: MIT */
/*
 * The work engine: what happens to a service request once it is saved.
 * Filing routes it, creates the first work orders of its workflow, assigns
 * them to a work group and a member and computes their due times; staff
 * then start, hold, resume, reassign and complete work orders, completing
 * one starts its follow-ups, and the request closes when none is left
 * open. The sweep marks work orders at risk or breached and escalates
 * them. docs/WORKFLOW.md and docs/SLA.md say it for managers.
 *
 * Every function runs inside the caller's transaction (store/sqlx.h), so
 * a change and everything that follows from it commit together.
 */
#ifndef CIVIC311_ENGINE_H
#define CIVIC311_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/catalog.h"
#include "core/request.h"
#include "core/workorder.h"
#include "store/store.h"
#include "store/sqlx.h"
#include "util/status.h"

/*
 * Who acts: the name the history records ("user:LOGIN", "system") and,
 * when restricted, the only departments whose work orders they may touch.
 */
struct engine_actor {
    const char *name;
    bool restricted;
    const char *const *departments;
    size_t ndepartments;
};

/*
 * Files r for service svc at now: plans the first work orders of the
 * service's workflow, sets r->agency_responsible and r->expected_at,
 * inserts the request and then the work orders with their history. On
 * success r->id and r->public_id are set.
 */
enum c311_rc engine_file(struct sqlx *x, const struct city *c,
                         const struct service *svc, struct sr *r, int64_t now,
                         char **cause);

/*
 * The actions staff take on a work order. Each loads and locks it,
 * checks that the actor may touch it (C311_ERR_DENIED) and that its status
 * allows the action (C311_ERR_CONFLICT), records an event and returns the
 * work order as it is afterwards in *out. C311_ERR_NOT_FOUND for an
 * unknown id, C311_ERR_INVALID for bad input; *cause says why in words
 * for the client.
 */
enum c311_rc engine_start(struct sqlx *x, const struct city *c, int64_t id,
                          const struct engine_actor *who, int64_t now,
                          struct work_order **out, char **cause);

enum c311_rc engine_hold(struct sqlx *x, const struct city *c, int64_t id,
                         const char *reason, const struct engine_actor *who,
                         int64_t now, struct work_order **out, char **cause);

/* Ends a hold: the due time moves on by the time spent on hold. */
enum c311_rc engine_resume(struct sqlx *x, const struct city *c, int64_t id,
                           const struct engine_actor *who, int64_t now,
                           struct work_order **out, char **cause);

/*
 * Moves a work order to work_group (NULL keeps it) and assignee (NULL
 * picks one by the group's policy when the group changes).
 */
enum c311_rc engine_reassign(struct sqlx *x, const struct city *c, int64_t id,
                             const char *work_group, const char *assignee,
                             const struct engine_actor *who, int64_t now,
                             struct work_order **out, char **cause);

/*
 * Completes a work order with outcome and note, creates its follow-ups
 * and closes the request when no work order is left open.
 */
enum c311_rc engine_complete(struct sqlx *x, const struct city *c, int64_t id,
                             const char *outcome, const char *note,
                             const struct engine_actor *who, int64_t now,
                             struct work_order **out, char **cause);

/* What a new task (a work order added by hand) is. */
struct engine_task {
    const char *name;
    const char *work_group;
    const char *assignee; /* NULL: by the group's policy */
    const char *sla;      /* a duration, or NULL */
    int priority;
};

/* Adds a task to the open request public_id. */
enum c311_rc engine_add_task(struct sqlx *x, const struct city *c,
                             const char *public_id, const struct engine_task *t,
                             const struct engine_actor *who, int64_t now,
                             struct work_order **out, char **cause);

/*
 * Reopens the closed request public_id: it is open again and gets a task
 * for work_group (NULL: the group of its last work order).
 */
enum c311_rc engine_reopen(struct sqlx *x, const struct city *c,
                           const char *public_id, const char *reason,
                           const char *work_group,
                           const struct engine_actor *who, int64_t now,
                           struct work_order **out, char **cause);

/* What one sweep did. */
struct engine_sweep_stats {
    size_t examined;  /* work orders at risk or breached looked at */
    size_t at_risk;   /* newly marked at risk */
    size_t breached;  /* newly marked breached */
    size_t escalated; /* escalation levels applied */
};

/*
 * One sweep at now over every unfinished work order: marks those at risk
 * or breached and applies the escalation levels that are due, each at most
 * once per work order however many sweeps run, one after another or at
 * the same time on several servers.
 */
enum c311_rc engine_sweep(struct store *st, const struct city *c, int64_t now,
                          struct engine_sweep_stats *stats, char **cause);

#endif
