/* SPDX-License-Identifier: MIT */
/*
 * Filing a service request, whichever door it came through (Open311, an
 * agent's intake). The caller has checked the input; filing fills what the
 * platform decides (jurisdiction, service name, responsible department,
 * times, batch token) and stores the request with everything that must
 * start with it, in one transaction.
 */
#ifndef CIVIC311_FILING_H
#define CIVIC311_FILING_H

#include <stdint.h>

#include "api/app.h"
#include "core/catalog.h"
#include "core/request.h"
#include "util/arena.h"
#include "util/status.h"

/* Random bytes in a batch token (written as twice as many hex digits). */
#define FILING_TOKEN_BYTES 16

/*
 * Files r for service svc at instant now. On success r->id, r->public_id
 * and, for batch services, r->token are set (allocated in a). Errors are
 * those of the store; *cause says why (malloc'd, the caller frees it).
 */
enum c311_rc filing_submit(const struct app *app, const struct service *svc,
                           struct sr *r, int64_t now, struct arena *a,
                           char **cause);

#endif
