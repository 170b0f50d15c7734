/* SPDX-License-Identifier: MIT */
/*
 * GET /api/v1/openapi.json: the OpenAPI 3 description of the staff API.
 * It is the hand-written docs/openapi.json, built into the binary (the
 * build turns it into a C array), so the server always describes itself.
 */
#ifndef CIVIC311_OPENAPI_H
#define CIVIC311_OPENAPI_H

#include <stddef.h>

#include "http/router.h"

/* docs/openapi.json as the build embedded it. */
extern const unsigned char openapi_json[];
extern const size_t openapi_json_len;

extern const struct route openapi_routes[];
extern const size_t openapi_nroutes;

#endif
