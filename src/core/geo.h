/* SPDX-License-Identifier: MIT */
/*
 * Distances on the Earth for "requests near a place": great-circle
 * distance by the haversine formula on a sphere of the mean Earth radius,
 * and the latitude/longitude box that holds a circle, so that a database
 * index on (lat, lon) narrows the search before the exact test.
 */
#ifndef CIVIC311_GEO_H
#define CIVIC311_GEO_H

/* Mean Earth radius (IUGG), in metres. */
#define GEO_EARTH_RADIUS_M 6371008.8

/* Great-circle distance in metres between two points in degrees. */
double geo_distance_m(double lat1, double lon1, double lat2, double lon2);

struct geo_box {
    double min_lat, max_lat;
    double min_lon, max_lon;
};

/*
 * The smallest box of latitudes and longitudes that holds every point
 * within m metres of (lat, lon). Near the poles the box spans all
 * longitudes. Boxes that would cross the antimeridian are widened to all
 * longitudes too: no city needs better.
 */
struct geo_box geo_box_around(double lat, double lon, double m);

#endif
