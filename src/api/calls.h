/* SPDX-License-Identifier: MIT */
/*
 * The staff API for the contact centre's calls: GET /api/v1/calls/report
 * (supervisors, quality analysts, administrators), and the calls in a
 * caller's history. See docs/API.md.
 */
#ifndef CIVIC311_API_CALLS_H
#define CIVIC311_API_CALLS_H

#include <jansson.h>
#include <stddef.h>

#include "core/contact.h"
#include "http/http.h"
#include "http/router.h"
#include "store/contacts.h"

/* Calls a caller's history shows at most. */
#define CALLS_HISTORY_MAX 50

extern const struct route calls_routes[];
extern const size_t calls_nroutes;

/*
 * The calls from c's phones, newest first, each with the ids of the
 * requests among v (c's requests, n of them) that an agent filed by phone
 * during it: the "calls" of GET /api/v1/callers. NULL when the store
 * fails or memory runs out.
 */
json_t *calls_history_json(struct http_req *req, const struct contact *c,
                           const struct contacts_request *v, size_t n);

#endif
