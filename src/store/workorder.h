/* SPDX-License-Identifier: MIT */
/*
 * Storage of the work engine: work orders, whose turn it is in a work
 * group, escalations applied, the outbox of notifications, and the few
 * request changes the engine makes. Every function runs inside a
 * transaction of store/sqlx.h (sqlx_run), so that a request, its work
 * orders and its history commit together; results live in x->a.
 */
#ifndef CIVIC311_STORE_WORKORDER_H
#define CIVIC311_STORE_WORKORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/request.h"
#include "core/workorder.h"
#include "store/sqlx.h"
#include "util/status.h"

/*
 * Inserts req (as store_request_insert does: answers, "created" event)
 * inside x's write transaction; req->id and req->public_id are set.
 */
enum c311_rc store_wo_request_insert(struct sqlx *x, struct sr *req,
                                     char **cause);

/*
 * Loads the request with this public id (id when public_id is NULL) and
 * its answers, locking its row until the transaction ends (PostgreSQL).
 * Contact fields are not loaded. C311_ERR_NOT_FOUND when absent.
 */
enum c311_rc store_wo_request_lock(struct sqlx *x, const char *public_id,
                                   int64_t id, struct sr **out, char **cause);

/*
 * Writes what the engine changes on a request: status, status notes,
 * expected and closed instants, agency and updated_at.
 */
enum c311_rc store_wo_request_update(struct sqlx *x, const struct sr *r,
                                     char **cause);

/* Inserts wo and sets wo->id. */
enum c311_rc store_wo_insert(struct sqlx *x, struct work_order *wo,
                             char **cause);

/*
 * Loads work order id with its request's public id and service; lock
 * keeps its row locked until the transaction ends (PostgreSQL).
 * C311_ERR_NOT_FOUND when absent.
 */
enum c311_rc store_wo_get(struct sqlx *x, int64_t id, bool lock,
                          struct work_order **out, char **cause);

/* Writes every field of wo that may change after it was created. */
enum c311_rc store_wo_update(struct sqlx *x, const struct work_order *wo,
                             char **cause);

/* Filters for store_wo_list; NULL, false or 0 mean "any". */
struct wo_query {
    int64_t request_id;
    const char *department;
    const char *work_group;
    const char *assignee;
    bool has_status;
    enum wo_status status;
    bool unfinished; /* any status but done */
    bool has_sla;
    enum sla_state sla;
    size_t offset;
    size_t limit; /* 0: no limit */
};

/*
 * Lists work orders, soonest due first (those without a due time last),
 * then by id.
 */
enum c311_rc store_wo_list(struct sqlx *x, const struct wo_query *q,
                           struct work_order **v, size_t *n, char **cause);

/*
 * Counts the unfinished work orders of each assignee of a work group:
 * (*logins)[i] has (*counts)[i]; assignees with none are absent.
 */
enum c311_rc store_wo_open_counts(struct sqlx *x, const char *work_group,
                                  const char ***logins, int64_t **counts,
                                  size_t *n, char **cause);

/*
 * Takes the next turn of a round_robin work group: *turn is 0 the first
 * time, then 1, 2, ... The row lock makes concurrent filings take turns.
 */
enum c311_rc store_wo_next_turn(struct sqlx *x, const char *work_group,
                                int64_t *turn, char **cause);

/*
 * Reads the staff account called login for the work engine: *found is
 * false when there is none; else *disabled, *roles ("crew,admin") and
 * *departments ("POLICE SANITATION", "" for none) describe it.
 */
enum c311_rc store_wo_staff(struct sqlx *x, const char *login, bool *found,
                            bool *disabled, const char **roles,
                            const char **departments, char **cause);

/* One entry of a request's history (the event table). */
struct wo_event {
    int64_t request_id;
    const char *jurisdiction_id;
    int64_t at;
    const char *actor;
    const char *kind;
    bool public;
    const char *note;
    const char *after_json; /* JSON text, or NULL */
};

enum c311_rc store_wo_event(struct sqlx *x, const struct wo_event *e,
                            char **cause);

/* Queues a notification for later delivery. */
enum c311_rc store_wo_outbox(struct sqlx *x, int64_t at, const char *recipient,
                             const char *subject, const char *body,
                             int64_t request_id, int64_t wo_id, char **cause);

/*
 * Records escalation level of work order wo_id as applied at at; *claimed
 * is false when it had been applied already (by this or another server).
 */
enum c311_rc store_wo_claim_escalation(struct sqlx *x, int64_t wo_id, int level,
                                       int64_t at, const char *notified,
                                       bool *claimed, char **cause);

/*
 * The next work orders a sweep at now must look at: unfinished, not on
 * hold, at risk by now, id after after_id, at most limit, by id. On
 * PostgreSQL the rows are locked and rows another sweeper holds are
 * skipped (FOR UPDATE SKIP LOCKED).
 */
enum c311_rc store_wo_sweep_batch(struct sqlx *x, int64_t now, int64_t after_id,
                                  size_t limit, struct work_order **v,
                                  size_t *n, char **cause);

/* Counts the sla_escalation rows of a work order (for tests and reports). */
enum c311_rc store_wo_escalations(struct sqlx *x, int64_t wo_id, int64_t *n,
                                  char **cause);

#endif
