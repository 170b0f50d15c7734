/* SPDX-License-Identifier: MIT */
/*
 * The staff API of work orders (/api/v1/workorders, and the work of a
 * request under /api/v1/requests/{id}/...): listing them by department,
 * group, status and service level, and every action of the work engine.
 * docs/API.md describes each route.
 */
#ifndef CIVIC311_API_WORKORDERS_H
#define CIVIC311_API_WORKORDERS_H

#include <stddef.h>

#include "http/router.h"

extern const struct route workorders_routes[];
extern const size_t workorders_nroutes;

#endif
