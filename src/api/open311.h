/* SPDX-License-Identifier: MIT */
/*
 * The Open311 GeoReport v2 API under /open311/v2/: discovery, services,
 * service definitions, filing and reading requests, batch tokens. The
 * contract, statuses included, is docs/API.md.
 */
#ifndef CIVIC311_OPEN311_H
#define CIVIC311_OPEN311_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/catalog.h"
#include "api/app.h"
#include "http/router.h"
#include "store/store.h"

/* The API's routes, for the server's route table. */
extern const struct route open311_routes[];
extern const size_t open311_nroutes;

/*
 * A request as GET requests/{id} shows it (with its answers when
 * with_answers is set), names in lang; never contact details. The caller
 * owns the result. NULL when memory runs out.
 */
json_t *open311_request_json(const struct city *city, const struct sr *r,
                             const char *lang, bool with_answers);

/* Days covered by GET requests when no date range is given. */
#define OPEN311_WINDOW_DAYS 90

/* Radius of the location filter on GET requests, in metres. */
#define OPEN311_NEAR_DEFAULT_M 1000
#define OPEN311_NEAR_MAX_M     50000

/* Largest page_size, and the default. */
#define OPEN311_PAGE_MAX 1000

#endif
