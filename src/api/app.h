/* SPDX-License-Identifier: MIT */
/*
 * What every API handler shares: the loaded city and the open store. The
 * server hands one struct app to every handler as req->app; it is
 * read-only while the server runs.
 */
#ifndef CIVIC311_APP_H
#define CIVIC311_APP_H

#include "core/catalog.h"
#include "http/http.h"
#include "store/store.h"

struct app {
    const struct city *city;
    struct store *st;
    /* The city portal's key: what it files comes in on the web channel. */
    const char *portal_key_name;
};

/* The app a request is served for. */
static inline const struct app *
app_of(const struct http_req *req)
{
    return req->app;
}

/* A module's routes, for the server's route table. */
struct route_table {
    const struct route *routes;
    const size_t *nroutes;
};

#endif
