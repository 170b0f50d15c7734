/* SPDX-License-Identifier: MIT */
/*
 * ISO 8601 instants: a strict parser for the forms clients send (extended
 * and basic, always with an offset) and writers for UTC and for local time
 * in the process time zone, which the C library converts across DST.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util/isotime.h"

#define ISOTIME_ZONEINFO "/usr/share/zoneinfo"

/* Looks the name up as a file of the system zone database. */
bool
isotime_zone_exists(const char *iana)
{
    char path[512];
    struct stat st;
    int n;

    if (iana == NULL || iana[0] == '\0' || iana[0] == '/' ||
        strstr(iana, "..") != NULL)
        return false;

    n = snprintf(path, sizeof(path), "%s/%s", ISOTIME_ZONEINFO, iana);
    if (n < 0 || (size_t)n >= sizeof(path))
        return false;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Points TZ at the zone and makes the C library reload it. */
enum c311_rc
isotime_set_zone(const char *iana)
{
    if (!isotime_zone_exists(iana))
        return C311_ERR_INVALID;

    if (setenv("TZ", iana, 1) != 0)
        return C311_ERR_NOMEM;

    tzset();
    return C311_OK;
}

/* Reads exactly n decimal digits at *p, advancing it; false otherwise. */
static bool
digits(const char **p, int n, int *out)
{
    int v = 0;
    int i;

    for (i = 0; i < n; i++) {
        char c = (*p)[i];

        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* True for a Gregorian leap year. */
static bool
leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days in month m (1..12) of year y. */
static int
month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};

    if (m == 2 && leap_year(y))
        return 29;
    return days[m - 1];
}

/*
 * Reads the offset at p: "Z", "+hh:mm", "+hhmm" or "+hh" (or '-'), which
 * must end the string. Stores seconds east of UTC in *off.
 */
static bool
parse_offset(const char *p, int *off)
{
    int sign, hh, mm = 0;

    if (*p == 'Z' || *p == 'z') {
        *off = 0;
        return p[1] == '\0';
    }
    if (*p != '+' && *p != '-')
        return false;
    sign = *p == '-' ? -1 : 1;
    p++;

    if (!digits(&p, 2, &hh))
        return false;
    if (*p == ':') {
        p++;
        if (!digits(&p, 2, &mm))
            return false;
    } else if (*p != '\0' && !digits(&p, 2, &mm)) {
        return false;
    }
    if (*p != '\0' || hh > 23 || mm > 59)
        return false;

    *off = sign * (hh * 3600 + mm * 60);
    return true;
}

/* Parses date, time, optional fraction and offset, then checks ranges. */
bool
isotime_parse(const char *s, int64_t *out)
{
    const char *p = s;
    int y, mo, d, h, mi, sec, off;
    bool extended;
    struct tm tm;
    time_t t;

    if (s == NULL || !digits(&p, 4, &y))
        return false;

    /* The date decides the format; the time must use the same one. */
    extended = *p == '-';
    if (extended)
        p++;
    if (!digits(&p, 2, &mo))
        return false;
    if (extended && *p++ != '-')
        return false;
    if (!digits(&p, 2, &d))
        return false;

    if (*p != 'T' && *p != 't')
        return false;
    p++;

    if (!digits(&p, 2, &h))
        return false;
    if (extended && *p++ != ':')
        return false;
    if (!digits(&p, 2, &mi))
        return false;
    if (extended && *p++ != ':')
        return false;
    if (!digits(&p, 2, &sec))
        return false;

    /* Fractional seconds: at least one digit, then dropped. */
    if (*p == '.' || *p == ',') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }

    if (!parse_offset(p, &off))
        return false;

    if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
        d > month_days(y, mo) || h > 23 || mi > 59 || sec > 59)
        return false;

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    t = timegm(&tm);

    *out = (int64_t)t - off;
    return true;
}

/* Formats t in the process zone with the offset in force at t. */
void
isotime_format_local(int64_t t, char out[ISOTIME_LEN])
{
    time_t tt = (time_t)t;
    struct tm tm;
    long off;
    char sign = '+';
    size_t n;

    if (localtime_r(&tt, &tm) == NULL) {
        isotime_format_utc(t, out);
        return;
    }

    off = tm.tm_gmtoff;
    if (off < 0) {
        sign = '-';
        off = -off;
    }
    n = strftime(out, ISOTIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, ISOTIME_LEN - n, "%c%02ld:%02ld", sign, off / 3600 % 100,
             off % 3600 / 60);
}

/* Formats t in UTC with a "Z" suffix. */
void
isotime_format_utc(int64_t t, char out[ISOTIME_LEN])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL) {
        snprintf(out, ISOTIME_LEN, "1970-01-01T00:00:00Z");
        return;
    }
    strftime(out, ISOTIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Reads the wall clock. */
int64_t
isotime_now(void)
{
    return (int64_t)time(NULL);
}
