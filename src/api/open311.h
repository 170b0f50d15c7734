/* SPDX-License-Identifier: MIT */
/*
 * The Open311 GeoReport v2 API under /open311/v2/: discovery, services,
 * service definitions, filing and reading requests, batch tokens. The
 * contract, statuses included, is docs/API.md.
 */
#ifndef CIVIC311_OPEN311_H
#define CIVIC311_OPEN311_H

#include <stddef.h>

#include "core/catalog.h"
#include "api/app.h"
#include "http/router.h"
#include "store/store.h"

/* The API's routes, for the server's route table. */
extern const struct route open311_routes[];
extern const size_t open311_nroutes;

/* Days covered by GET requests when no date range is given. */
#define OPEN311_WINDOW_DAYS 90

/* Radius of the location filter on GET requests, in metres. */
#define OPEN311_NEAR_DEFAULT_M 1000
#define OPEN311_NEAR_MAX_M     50000

/* Largest page_size, and the default. */
#define OPEN311_PAGE_MAX 1000

#endif
