/* SPDX-License-Identifier: MIT */
/*
 * The staff API for the contact centre's calls: GET /api/v1/calls/report
 * (supervisors, quality analysts, administrators). See docs/API.md.
 */
#ifndef CIVIC311_API_CALLS_H
#define CIVIC311_API_CALLS_H

#include <stddef.h>

#include "http/router.h"

extern const struct route calls_routes[];
extern const size_t calls_nroutes;

#endif
