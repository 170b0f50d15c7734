/* SPDX-License-Identifier: MIT */
/*
 * Callers as contacts. A request filed through any door is linked to a
 * contact in the transaction that stores it: the one the agent picked, or
 * the first whose phone, then whose email, matches, or a new one. Merging
 * two contacts moves the requests of one to the other and leaves the
 * first pointing at where they went. Every change is audited in the same
 * transaction.
 */
#ifndef CIVIC311_CONTACTS_H
#define CIVIC311_CONTACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/contact.h"
#include "core/request.h"
#include "store/store.h"

/* Loads contact id with its phones and emails; C311_ERR_NOT_FOUND. */
enum c311_rc contacts_get(struct store *st, int64_t id, struct arena *a,
                          struct contact *out, char **cause);

/*
 * The contact (not merged away) that has phone (E.164), the oldest if
 * several do; C311_ERR_NOT_FOUND when none.
 */
enum c311_rc contacts_by_phone(struct store *st, const char *phone,
                               struct arena *a, struct contact *out,
                               char **cause);

/* A request as a contact's list shows it. */
struct contacts_request {
    const char *public_id;
    const char *service_code;
    const char *service_name;
    enum sr_status status;
    const char *description;
    const char *address;
    const char *channel;
    int64_t requested_at;
    int64_t updated_at;
};

/* The requests of contact id, newest first. */
enum c311_rc contacts_requests(struct store *st, int64_t id, struct arena *a,
                               struct contacts_request **out, size_t *n,
                               char **cause);

/*
 * Merges contact other into keep: other's requests, phones and emails
 * move to keep, other remembers keep in merged_into. C311_ERR_NOT_FOUND
 * when either is missing, C311_ERR_CONFLICT when either was merged away
 * already, C311_ERR_INVALID when they are the same.
 */
enum c311_rc contacts_merge(struct store *st, int64_t keep, int64_t other,
                            const char *actor, int64_t now, char **cause);

#endif
