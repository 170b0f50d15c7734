/* SPDX-License-Identifier: MIT */
/*
 * Signing staff in and out of the staff API: POST /api/v1/session
 * exchanges a login and password for a bearer token, DELETE ends the
 * session, GET /api/v1/me says who the token belongs to.
 */
#ifndef CIVIC311_SESSION_H
#define CIVIC311_SESSION_H

#include <stddef.h>

#include "http/router.h"

/* Failed sign-ins allowed per login within the window, then 429. */
#define SESSION_MAX_FAILURES 5
#define SESSION_FAILURE_SECS (15 * 60)
#define SESSION_TOKEN_BYTES  32

extern const struct route session_routes[];
extern const size_t session_nroutes;

#endif
