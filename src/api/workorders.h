/* SPDX-License-Identifier: MIT */
/*
 * The staff API of work orders (/api/v1/workorders, and the work of a
 * request under /api/v1/requests/{id}/...): listing them by department,
 * group, status and service level, and every action of the work engine.
 * docs/API.md describes each route.
 */
#ifndef CIVIC311_API_WORKORDERS_H
#define CIVIC311_API_WORKORDERS_H

#include <jansson.h>
#include <stddef.h>

#include "http/http.h"
#include "http/router.h"
#include "util/status.h"

extern const struct route workorders_routes[];
extern const size_t workorders_nroutes;

/*
 * The work orders of request public_id, oldest first, as the work order
 * routes show them: for views of a request that its caller may already
 * see. On success *out is a new JSON array the caller owns; on failure
 * *cause says why (malloc'd; the caller frees it).
 */
enum c311_rc workorders_of_request_json(struct http_req *req,
                                        const char *public_id, json_t **out,
                                        char **cause);

#endif
