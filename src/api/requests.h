/* SPDX-License-Identifier: MIT */
/*
 * Service requests for staff: agent intake (POST /api/v1/requests, filed
 * through filing_submit like every other door), the full view of one
 * request, the filtered list, notes, escalation to the expert queue and
 * an expert taking a case, and a request's history.
 */
#ifndef CIVIC311_REQUESTS_H
#define CIVIC311_REQUESTS_H

#include <stddef.h>

#include "api/staff.h"
#include "http/router.h"

/* Who may do what (department scope applies to crew and supervisors). */
#define REQUESTS_READ_ROLES                                                    \
    (STAFF_AGENT | STAFF_EXPERT | STAFF_SUPERVISOR | STAFF_CREW | STAFF_QA |   \
     STAFF_ADMIN)
#define REQUESTS_FILE_ROLES                                                    \
    (STAFF_AGENT | STAFF_EXPERT | STAFF_SUPERVISOR | STAFF_ADMIN)
#define REQUESTS_NOTE_ROLES                                                    \
    (STAFF_AGENT | STAFF_EXPERT | STAFF_SUPERVISOR | STAFF_CREW | STAFF_ADMIN)
#define REQUESTS_ESCALATE_ROLES (STAFF_AGENT | STAFF_SUPERVISOR | STAFF_ADMIN)
#define REQUESTS_QUEUE_ROLES    (STAFF_EXPERT | STAFF_SUPERVISOR | STAFF_ADMIN)
#define REQUESTS_TAKE_ROLES     (STAFF_EXPERT | STAFF_ADMIN)

/* Default and largest page of GET /api/v1/requests. */
#define REQUESTS_PAGE_DEFAULT 50
#define REQUESTS_PAGE_MAX     200

/* Longest note, escalation reason: characters. */
#define REQUESTS_NOTE_MAX 4000

extern const struct route requests_routes[];
extern const size_t requests_nroutes;

#endif
