/* SPDX-License-Identifier: MIT */
/*
 * The audit trail: who changed what, when, with the record before and
 * after as JSON. Changes to a request are kept in its history (the event
 * table); changes to anything else (staff accounts, contacts, API keys) in
 * the audit table. Both are append-only, and every entry is written in the
 * transaction of the change it describes. audit_query() reads both, as one
 * list, for administrators.
 */
#ifndef CIVIC311_AUDIT_H
#define CIVIC311_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/sqlx.h"
#include "store/store.h"

/* One entry of the trail, of either table. */
struct audit_entry {
    int64_t id;
    int64_t at;
    const char *actor;   /* "user:LOGIN", "api_key:NAME", "cli", a channel */
    const char *kind;    /* "user.created", "note", ... */
    const char *subject; /* "request", "user", "contact", "api_key" */
    const char *subject_id;
    bool public; /* requests only: shown to the resident */
    const char *note;
    const char *before_json; /* JSON text or NULL */
    const char *after_json;
};

/*
 * Appends an entry about a subject other than a request, inside the
 * caller's transaction x.
 */
enum c311_rc audit_append(struct sqlx *x, int64_t at, const char *actor,
                          const char *kind, const char *subject,
                          const char *subject_id, const char *before_json,
                          const char *after_json, char **cause);

/*
 * Appends an entry to the history of request row request_id, inside the
 * caller's transaction x.
 */
enum c311_rc audit_request_event(struct sqlx *x, int64_t request_id, int64_t at,
                                 const char *actor, const char *kind,
                                 bool public, const char *note,
                                 const char *before_json,
                                 const char *after_json, char **cause);

/* Filters for audit_query; NULL or 0 means any. */
struct audit_filter {
    const char *actor;
    const char *kind;
    int64_t from, to; /* inclusive */
    size_t offset;
    size_t limit; /* required, > 0 */
};

/* Both trails merged, newest first; request entries name the public id. */
enum c311_rc audit_query(struct store *st, const struct audit_filter *f,
                         struct arena *a, struct audit_entry **out, size_t *n,
                         char **cause);

/* The history of one request, oldest first; C311_ERR_NOT_FOUND if none. */
enum c311_rc audit_history(struct store *st, const char *public_id,
                           struct arena *a, struct audit_entry **out, size_t *n,
                           char **cause);

#endif
