/* SPDX-License-Identifier: MIT */
/*
 * Great-circle distances and boxes. Reference distances were computed
 * separately with the same haversine formula and radius in double
 * precision (Python's math module).
 */
#include <criterion/criterion.h>

#include "core/geo.h"

Test(geo, distances_match_the_reference)
{
    /* City Hall to the Empire State Building, New York. */
    cr_assert_float_eq(
        geo_distance_m(40.712776, -74.005974, 40.748817, -73.985428), 4365.537,
        0.001);
    cr_assert_float_eq(geo_distance_m(40.7128, -74.006, 40.7128, -74.006), 0.0,
                       1e-9);
    /* One degree of longitude on the equator. */
    cr_assert_float_eq(geo_distance_m(0, 0, 0, 1), 111195.080, 0.001);
    /* Symmetric. */
    cr_assert_float_eq(
        geo_distance_m(40.748817, -73.985428, 40.712776, -74.005974), 4365.537,
        0.001);
}

Test(geo, box_holds_the_circle)
{
    struct geo_box b = geo_box_around(40.7128, -74.006, 1000);

    cr_assert_float_eq(b.max_lat - 40.7128, 0.008993, 1e-6);
    cr_assert_float_eq(40.7128 - b.min_lat, 0.008993, 1e-6);
    cr_assert_float_eq(b.max_lon - -74.006, 0.011866, 1e-6);
    /* A point 999 m due east lies inside the box. */
    cr_assert(-74.006 + 0.011866 * 999 / 1000 * 0.99 < b.max_lon);
}

Test(geo, box_near_a_pole_or_the_antimeridian_spans_every_longitude)
{
    struct geo_box p = geo_box_around(89.999, 10, 1000);
    struct geo_box m = geo_box_around(0, 179.999, 1000);

    cr_assert_float_eq(p.min_lon, -180.0, 1e-12);
    cr_assert_float_eq(p.max_lon, 180.0, 1e-12);
    cr_assert_float_eq(m.min_lon, -180.0, 1e-12);
    cr_assert_float_eq(m.max_lon, 180.0, 1e-12);
}
