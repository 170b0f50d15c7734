/* SPDX-License-Identifier: MIT */
/*
 * A service request as the platform keeps it: what the resident needs, where,
 * who asked (kept private), and where it stands. Plain data shared by the
 * API, the store and the domain rules.
 */
#ifndef CIVIC311_REQUEST_H
#define CIVIC311_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/catalog.h"
#include "core/contact.h"

/* Limits on what a client may send. */
#define SR_DESCRIPTION_MAX 4000 /* characters, not bytes */
#define SR_FIELD_MAX       1000 /* bytes, any other text field */
#define SR_ATTRS_MAX       200

enum sr_status { SR_OPEN, SR_CLOSED };

struct sr {
    int64_t id;            /* internal row id, 0 before insert */
    const char *public_id; /* service_request_id, e.g. "2026-000042" */
    const char *jurisdiction_id;
    const char *service_code;
    const char *service_name;
    enum sr_status status;
    const char *status_notes;
    const char *description;
    const char *agency_responsible;
    const char *service_notice;

    int64_t requested_at; /* UTC seconds */
    int64_t updated_at;
    int64_t expected_at; /* 0 when not known */
    int64_t closed_at;   /* 0 while open */

    bool has_location;
    double lat, lon;
    const char *address;
    const char *address_id;
    const char *zipcode;
    const char *media_url;

    const char *channel;      /* "open311", "phone", "web", ... */
    const char *language;     /* "en", "zh", "es", ... */
    const char *api_key_name; /* which client filed it, if any */

    /* Contact details: private, never in public output. */
    const char *email;
    const char *phone;
    const char *first_name;
    const char *last_name;
    const char *device_id;
    const char *account_id;

    const char *token; /* for batch services: resolves to public_id */

    struct attr_answer *attrs;
    size_t nattrs;

    /*
     * Staff intake. caller is an existing contact (id set) or the details
     * of a new one; without it the contact is matched or made from the
     * fields above. actor names who filed it in its history. Other doors
     * leave these NULL and false. Not read back by the store.
     */
    const struct contact *caller;
    /*
     * Filled by the store, when not NULL, as it refuses (C311_ERR_CONFLICT)
     * a phone or email of caller that another caller has.
     */
    struct contact_clash *caller_clash;
    const char *actor;
    bool interpreter_used;
    bool language_stated; /* the agent named language: the caller's now */
};

const char *sr_status_name(enum sr_status s);
bool sr_status_parse(const char *name, enum sr_status *out);

#endif
