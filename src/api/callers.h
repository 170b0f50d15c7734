/* SPDX-License-Identifier: MIT */
/*
 * Callers for the contact centre: the screen-pop by phone number
 * (GET /api/v1/callers?phone=...), one caller with their requests, and
 * merging two records of one person.
 */
#ifndef CIVIC311_CALLERS_H
#define CIVIC311_CALLERS_H

#include <jansson.h>
#include <stddef.h>

#include "api/staff.h"
#include "core/contact.h"
#include "http/router.h"

/* Who may read callers, and who may merge them. */
#define CALLERS_READ_ROLES                                                     \
    (STAFF_AGENT | STAFF_EXPERT | STAFF_SUPERVISOR | STAFF_QA | STAFF_ADMIN)
#define CALLERS_MERGE_ROLES                                                    \
    (STAFF_AGENT | STAFF_EXPERT | STAFF_SUPERVISOR | STAFF_ADMIN)

/* A contact as the staff API shows it, without its requests. */
json_t *callers_json(const struct contact *c);

extern const struct route callers_routes[];
extern const size_t callers_nroutes;

#endif
