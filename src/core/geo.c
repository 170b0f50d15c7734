/* SPDX-License-Identifier: MIT */
/* Haversine distances and bounding boxes for location filters. */
#include <math.h>

#include "core/geo.h"

#define GEO_PI 3.14159265358979323846

/* Degrees to radians. */
static double
geo_rad(double deg)
{
    return deg * GEO_PI / 180.0;
}

double
geo_distance_m(double lat1, double lon1, double lat2, double lon2)
{
    double dlat = geo_rad(lat2 - lat1), dlon = geo_rad(lon2 - lon1);
    double h =
        sin(dlat / 2) * sin(dlat / 2) +
        cos(geo_rad(lat1)) * cos(geo_rad(lat2)) * sin(dlon / 2) * sin(dlon / 2);

    /* Rounding can push h a hair past 1 for antipodal points. */
    if (h > 1.0)
        h = 1.0;
    return 2.0 * GEO_EARTH_RADIUS_M * asin(sqrt(h));
}

struct geo_box
geo_box_around(double lat, double lon, double m)
{
    double dlat = m / GEO_EARTH_RADIUS_M * 180.0 / GEO_PI;
    struct geo_box b;
    double c, dlon;

    b.min_lat = lat - dlat;
    b.max_lat = lat + dlat;
    c = cos(geo_rad(fabs(lat) + dlat));
    if (b.min_lat <= -90.0 || b.max_lat >= 90.0 || c <= 1e-9) {
        b.min_lon = -180.0;
        b.max_lon = 180.0;
        return b;
    }
    /* The widest longitude span is at the latitude nearest the pole. */
    dlon = dlat / c;
    b.min_lon = lon - dlon;
    b.max_lon = lon + dlon;
    if (b.min_lon < -180.0 || b.max_lon > 180.0) {
        b.min_lon = -180.0;
        b.max_lon = 180.0;
    }
    return b;
}
