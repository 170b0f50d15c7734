/* SPDX-License-Identifier: MIT */
/*
 * GET /web-config.json for the web pages (see webconfig.h). The answer is
 * built once at start, as a JSON text, and copied into every reply:
 *
 *     {"city": "Demo City", "jurisdiction_id": "...", "timezone":
 *      "America/New_York", "default_language": "en", "portal_api_key":
 * "c311_..." | null, "map": {"tile_url": null | "...", "attribution": null |
 * "...", "center": null | [lat, long], "zoom": null | 12}}
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/webconfig.h"
#include "http/http.h"

static char *webconfig_json;

/* A feature is there when the server routes this method and path. */
static const struct {
    const char *name, *method, *path;
} webconfig_features[] = {
    {"staff", "POST", "/api/v1/session"},
    {"callers", "GET", "/api/v1/callers"},
    {"intake", "POST", "/api/v1/requests"},
    {"request_search", "GET", "/api/v1/requests"},
    {"workorders", "GET", "/api/v1/workorders"},
    {"reports", "GET", "/api/v1/reports/summary"},
    {"towed", "GET", "/api/v1/public/towed"},
    {"kb", "GET", "/api/v1/public/kb/search"},
    {"kb_staff", "GET", "/api/v1/kb/search"},
};

/* A string, or JSON null for NULL and "". */
static json_t *
webconfig_str(const char *s)
{
    return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

/* The "map" member. */
static json_t *
webconfig_map(const struct webconfig *wc)
{
    json_t *center = json_null(), *zoom = json_null();

    if (wc->has_center) {
        center = json_pack("[f, f]", wc->map_lat, wc->map_long);
        zoom = json_integer(wc->map_zoom);
    }
    return json_pack("{s:o, s:o, s:o*, s:o*}", "tile_url",
                     webconfig_str(wc->map_tiles), "attribution",
                     webconfig_str(wc->map_attribution), "center", center,
                     "zoom", zoom);
}

/* {"name": true|false, ...} for the features the routes hold. */
static json_t *
webconfig_features_json(const struct route *routes, size_t n)
{
    struct arena a = ARENA_INIT;
    struct router_match m;
    json_t *v = json_object();
    size_t i;
    bool on;

    for (i = 0; v != NULL &&
                i < sizeof(webconfig_features) / sizeof(webconfig_features[0]);
         i++) {
        on = router_match(routes, n, webconfig_features[i].method,
                          webconfig_features[i].path, &a, &m) == ROUTER_FOUND;
        if (json_object_set_new(v, webconfig_features[i].name,
                                json_boolean(on)) < 0) {
            json_decref(v);
            v = NULL;
        }
    }
    arena_free(&a);
    return v;
}

/* Builds the answer once; see webconfig.h. */
enum c311_rc
webconfig_set(const struct webconfig *wc, const struct city *city,
              const struct route *routes, size_t n)
{
    json_t *v;
    char *text;

    v = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o*, s:o*}", "city",
                  webconfig_str(city->name), "jurisdiction_id",
                  webconfig_str(city->jurisdiction_id), "timezone",
                  webconfig_str(city->timezone), "default_language",
                  webconfig_str(city->default_lang), "portal_api_key",
                  webconfig_str(wc->portal_key), "map", webconfig_map(wc),
                  "features", webconfig_features_json(routes, n));
    if (v == NULL)
        return C311_ERR_NOMEM;
    text = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(10));
    json_decref(v);
    if (text == NULL)
        return C311_ERR_NOMEM;
    free(webconfig_json);
    webconfig_json = text;
    return C311_OK;
}

/* Frees the answer. */
void
webconfig_clear(void)
{
    free(webconfig_json);
    webconfig_json = NULL;
}

/* Parses the map centre; see webconfig.h. */
bool
webconfig_parse_center(const char *s, struct webconfig *wc)
{
    double lat, lon;
    int zoom = 12, used = 0;

    if (sscanf(s, "%lf,%lf%n", &lat, &lon, &used) != 2)
        return false;
    if (s[used] == ',') {
        int more = 0;

        if (sscanf(s + used + 1, "%d%n", &zoom, &more) != 1)
            return false;
        used += 1 + more;
    }
    if (s[used] != '\0' || !(lat >= -90 && lat <= 90) ||
        !(lon >= -180 && lon <= 180) || zoom < 0 || zoom > 19)
        return false;
    wc->has_center = true;
    wc->map_lat = lat;
    wc->map_long = lon;
    wc->map_zoom = zoom;
    return true;
}

/* GET /web-config.json. */
static void
webconfig_get(struct http_req *req)
{
    const char *text = webconfig_json != NULL ? webconfig_json : "{}";
    char *body = strdup(text);

    if (body == NULL) {
        http_reply_error(req, 500, "out of memory");
        return;
    }
    http_reply(req, 200, "application/json; charset=utf-8", body, strlen(body));
}

const struct route webconfig_routes[] = {
    {"GET", "/web-config.json", webconfig_get, 0},
};

const size_t webconfig_nroutes =
    sizeof(webconfig_routes) / sizeof(webconfig_routes[0]);
