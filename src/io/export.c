/* SPDX-License-Identifier: MIT */
/*
 * The NYC Open Data layout from stored requests: each column is the field
 * it was imported into, else the attribute it was kept as, else a value
 * derived from the request (see export.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mapping.h"
#include "io/export.h"
#include "io/import.h"

/* Formats t in local time, or returns "" for 0. */
char *
export_nyc_time(struct arena *a, int64_t t)
{
    time_t tt = (time_t)t;
    char buf[32];
    struct tm tm;

    if (t == 0 || localtime_r(&tt, &tm) == NULL)
        return arena_strdup(a, "");
    strftime(buf, sizeof(buf), "%m/%d/%Y %I:%M:%S %p", &tm);
    return arena_strdup(a, buf);
}

/* Tries 15, 16, then 17 significant digits. */
char *
export_real(struct arena *a, double d)
{
    char buf[40];
    int p;

    for (p = 15; p < 17; p++) {
        snprintf(buf, sizeof(buf), "%.*g", p, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    snprintf(buf, sizeof(buf), "%.*g", p, d);
    return arena_strdup(a, buf);
}

/* The value of attribute code, or NULL. */
static const char *
attr(const struct sr *r, const char *code)
{
    size_t i;

    for (i = 0; i < r->nattrs; i++) {
        if (strcmp(r->attrs[i].code, code) == 0)
            return r->attrs[i].value;
    }
    return NULL;
}

/* s, or "" for NULL. */
static const char *
str(const char *s)
{
    return s != NULL ? s : "";
}

/*
 * The NYC agency for a request that has no "agency" attribute: that of the
 * department an import stored for it, else (filed here) its service's. A
 * department without an NYC code is written as its own code, which an
 * import reads back as that department; none is written as "".
 */
static const char *
agency_of(const struct city *city, const struct sr *r, const char *format,
          const char *department)
{
    const struct service *svc;
    const char *src;

    if (department == NULL && format == NULL) {
        svc = catalog_service(city, r->service_code);
        department = svc != NULL ? svc->department : NULL;
    }
    if (department == NULL)
        return "";
    src = mapping_department_source(mapping_of(city, "nyc"), department);
    return src != NULL ? src : department;
}

/* The NYC channel type for a request without the source's value. */
static char *
channel_of(const struct city *city, const struct sr *r, struct arena *a)
{
    const char *src =
        mapping_channel_source(mapping_of(city, "nyc"), r->channel);
    char *up, *p;

    if (src != NULL)
        return arena_strdup(a, src);
    if (r->channel == NULL || *r->channel == '\0')
        return arena_strdup(a, "UNKNOWN");
    up = arena_strdup(a, r->channel);
    for (p = up; p != NULL && *p != '\0'; p++) {
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    }
    return up;
}

/* What a column holds when the request kept no attribute for it. */
static const char *
derived(const struct city *city, const struct sr *r, const char *format,
        const char *department, enum import_role role, struct arena *a)
{
    switch (role) {
    case IMPORT_R_AGENCY:
        return agency_of(city, r, format, department);
    case IMPORT_R_AGENCY_NAME:
        return str(r->agency_responsible);
    case IMPORT_R_TYPE:
        return str(r->service_name);
    case IMPORT_R_STATUS:
        return r->status == SR_CLOSED ? "Closed" : "Open";
    case IMPORT_R_UPDATED:
        return export_nyc_time(a, r->updated_at);
    case IMPORT_R_CHANNEL:
        return channel_of(city, r, a);
    case IMPORT_R_ADDRESS_TYPE:
        return r->address != NULL && *r->address != '\0' ? "ADDRESS" : "";
    default:
        return "";
    }
}

/*
 * The value of one column for r; derive says whether a missing attribute
 * may be made up from r's fields.
 */
static const char *
column(const struct city *city, const struct sr *r, const char *format,
       const char *department, const struct import_column *c, const char *code,
       bool derive, struct arena *a)
{
    const char *v;

    switch (c->role) {
    case IMPORT_R_KEY:
        return str(r->public_id);
    case IMPORT_R_CREATED:
        return export_nyc_time(a, r->requested_at);
    case IMPORT_R_CLOSED:
        return export_nyc_time(a, r->closed_at);
    case IMPORT_R_DUE:
        return export_nyc_time(a, r->expected_at);
    case IMPORT_R_DESCRIPTOR:
        return str(r->description);
    case IMPORT_R_NOTES:
        return str(r->status_notes);
    case IMPORT_R_ZIP:
        return str(r->zipcode);
    case IMPORT_R_ADDRESS:
        v = attr(r, code);
        return v != NULL ? v : str(r->address);
    case IMPORT_R_LAT:
        return r->has_location ? export_real(a, r->lat) : "";
    case IMPORT_R_LON:
        return r->has_location ? export_real(a, r->lon) : "";
    case IMPORT_R_LOCATION:
        if (!r->has_location)
            return "";
        return arena_printf(a, "(%s, %s)", export_real(a, r->lat),
                            export_real(a, r->lon));
    default:
        v = attr(r, code);
        if (v != NULL)
            return v;
        return derive ? derived(city, r, format, department, c->role, a) : "";
    }
}

/* Fills the 41 fields of req, imported from format (NULL: filed here). */
enum c311_rc
export_nyc_row(const struct city *city, const struct sr *req,
               const char *format, const char *department, struct arena *a,
               const char **fields)
{
    bool derive = format == NULL || strcmp(format, "nyc") != 0;
    const struct import_column *cols;
    size_t n, i;
    char *code;

    cols = import_nyc_columns(&n);
    for (i = 0; i < n; i++) {
        code = import_attr_code(a, cols[i].name);
        if (code == NULL ||
            (fields[i] = column(city, req, format, department, &cols[i], code,
                                derive, a)) == NULL)
            return C311_ERR_NOMEM;
    }
    return C311_OK;
}
