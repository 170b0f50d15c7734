/* SPDX-License-Identifier: MIT */
/*
 * Towed vehicles: staff record a tow and move it through notice, hold,
 * release or disposal (/api/v1/tows), and anyone can find where a vehicle
 * is by its plate (/api/v1/public/towed). docs/API.md describes them.
 */
#ifndef CIVIC311_API_TOWS_H
#define CIVIC311_API_TOWS_H

#include <stddef.h>

#include "http/router.h"

extern const struct route tows_routes[];
extern const size_t tows_nroutes;

#endif
