/* SPDX-License-Identifier: MIT */
/* Serves the embedded OpenAPI description of the staff API. */
#include <stdlib.h>
#include <string.h>

#include "api/openapi.h"
#include "http/http.h"

/* GET /api/v1/openapi.json: the description, as built in; no sign-in. */
static void
openapi_get(struct http_req *req)
{
    char *body = malloc(openapi_json_len + 1);

    if (body == NULL) {
        http_reply_error(req, 500, "out of memory");
        return;
    }
    memcpy(body, openapi_json, openapi_json_len);
    http_reply(req, 200, "application/json; charset=utf-8", body,
               openapi_json_len);
}

const struct route openapi_routes[] = {
    {"GET", "/api/v1/openapi.json", openapi_get, 0},
};

const size_t openapi_nroutes =
    sizeof(openapi_routes) / sizeof(openapi_routes[0]);
