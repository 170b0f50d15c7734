/* SPDX-License-Identifier: MIT */
/*
 * Administration over the staff API, for admins only: Open311 API keys
 * (create, shown once; list; revoke) and the audit trail.
 */
#ifndef CIVIC311_ADMIN_H
#define CIVIC311_ADMIN_H

#include <stddef.h>

#include "http/router.h"

/* Random bytes in a key, and the hex digits kept to recognise it. */
#define ADMIN_KEY_RANDOM     32
#define ADMIN_KEY_PREFIX_LEN 8
#define ADMIN_KEY_NAME_MAX   64
#define ADMIN_RATE_MAX       1000000

/* Default and largest page of GET /api/v1/audit. */
#define ADMIN_AUDIT_PAGE_DEFAULT 100
#define ADMIN_AUDIT_PAGE_MAX     1000

extern const struct route admin_routes[];
extern const size_t admin_nroutes;

#endif
