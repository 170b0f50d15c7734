/* SPDX-License-Identifier: MIT */
/*
 * The contact centre's side of a request: who called and how (contact,
 * interpreter), notes (internal, or public: the latest public one is the
 * Open311 status_notes), escalation to the expert queue and an expert
 * taking it, and the filtered list agents and departments work from.
 * Every change appends to the request's history in its transaction.
 */
#ifndef CIVIC311_CASEWORK_H
#define CIVIC311_CASEWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/request.h"
#include "store/store.h"

/* The staff-only facts of one request. */
struct casework_info {
    int64_t id; /* the request's row */
    int64_t contact_id;
    bool interpreter_used;
    int64_t escalated_at; /* 0: never escalated */
    const char *escalation_reason;
    const char *expert_login; /* who took it, or NULL */
    int64_t taken_at;
};

/* Loads the staff facts of a request; C311_ERR_NOT_FOUND. */
enum c311_rc casework_info(struct store *st, const char *public_id,
                           struct arena *a, struct casework_info *out,
                           char **cause);

/*
 * Adds a note. A public one also becomes the request's status_notes and
 * moves its updated time. C311_ERR_NOT_FOUND for an unknown request.
 */
enum c311_rc casework_note(struct store *st, const char *public_id,
                           const char *actor, const char *text, bool public,
                           int64_t now, char **cause);

/*
 * Puts an open request in the expert queue. C311_ERR_NOT_FOUND, or
 * C311_ERR_CONFLICT when it is closed or waits in the queue already.
 */
enum c311_rc casework_escalate(struct store *st, const char *public_id,
                               const char *actor, const char *reason,
                               int64_t now, char **cause);

/*
 * An expert (user_id) takes an escalated request out of the queue.
 * C311_ERR_NOT_FOUND, or C311_ERR_CONFLICT when it is not waiting there.
 */
enum c311_rc casework_take(struct store *st, const char *public_id,
                           int64_t user_id, const char *actor, int64_t now,
                           char **cause);

/* A request as lists show it. */
struct casework_row {
    const char *public_id;
    const char *service_code;
    const char *service_name;
    enum sr_status status;
    const char *description;
    const char *address;
    const char *channel;
    int64_t requested_at;
    int64_t updated_at;
    int64_t contact_id;
    int64_t escalated_at;
    const char *escalation_reason;
};

/* Filters of casework_query; NULL or 0 means any. */
struct casework_filter {
    const char **codes; /* service codes asked for */
    size_t ncodes;
    bool restrict_codes; /* true: only these, even when ncodes is 0 */
    const char **scope;  /* service codes the user may see, when scoped */
    size_t nscope;
    bool scoped;
    const char **channels;
    size_t nchannels;
    bool want_open, want_closed;
    int64_t from, to; /* requested_at, inclusive */
    const char *text; /* in the description, any case */
    bool escalated;   /* only those waiting in the expert queue */
    int64_t contact_id;
    size_t offset;
    size_t limit; /* required, > 0 */
};

/* Finds requests, newest first; *total counts all that match. */
enum c311_rc casework_query(struct store *st, const struct casework_filter *f,
                            struct arena *a, struct casework_row **out,
                            size_t *n, int64_t *total, char **cause);

#endif
