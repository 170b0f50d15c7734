/* SPDX-License-Identifier: MIT */
/*
 * GET /web-config.json: what the pages under web/ need to know about this
 * server before they start: the city, the portal's Open311 API key and the
 * map settings. Set once by `serve` before the server starts; read-only
 * afterwards, so threads share it without locks.
 */
#ifndef CIVIC311_WEBCONFIG_H
#define CIVIC311_WEBCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/catalog.h"
#include "http/router.h"
#include "util/status.h"

/* The settings `serve` takes from its command line. */
struct webconfig {
    const char *portal_key;      /* NULL: the portal cannot file requests */
    const char *map_tiles;       /* tile URL template, or NULL: no map */
    const char *map_attribution; /* credit the tile server asks for */
    bool has_center;             /* map_lat, map_long and map_zoom are set */
    double map_lat, map_long;
    int map_zoom;
};

/*
 * Builds the answer of /web-config.json from wc, city and the server's n
 * routes (all may be freed afterwards): "features" says which families of
 * the staff and public API the routes hold, so pages show "not available
 * yet" without asking. C311_ERR_NOMEM when out of memory.
 */
enum c311_rc webconfig_set(const struct webconfig *wc, const struct city *city,
                           const struct route *routes, size_t n);

/* Frees what webconfig_set built. */
void webconfig_clear(void);

/*
 * Parses "LAT,LONG" or "LAT,LONG,ZOOM" (zoom 0 to 19, default 12) into wc;
 * false when it is not that or out of range.
 */
bool webconfig_parse_center(const char *s, struct webconfig *wc);

/* The module's routes, for the server's route table. */
extern const struct route webconfig_routes[];
extern const size_t webconfig_nroutes;

#endif
