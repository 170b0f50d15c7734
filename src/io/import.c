/* SPDX-License-Identifier: MIT */
/*
 * Historical 311 rows to service requests: the layouts of NYC Open Data
 * and Analyze Boston as tables of column roles, the header reader that
 * picks one, and the mapping of a row (see import.h, docs/IMPORT.md).
 */
#include <math.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/import.h"

#define IMPORT_KEY_MAX  64
#define IMPORT_CODE_MAX 64

#define COL(name, role, keep)                                                  \
    {                                                                          \
        name, IMPORT_R_##role, keep                                            \
    }

/* NYC Open Data "311 Service Requests", the current 41-column layout. */
static const struct import_column nyc_columns[] = {
    COL("Unique Key", KEY, false),
    COL("Created Date", CREATED, false),
    COL("Closed Date", CLOSED, false),
    COL("Agency", AGENCY, true),
    COL("Agency Name", AGENCY_NAME, true),
    COL("Complaint Type", TYPE, true),
    COL("Descriptor", DESCRIPTOR, false),
    COL("Location Type", ATTR, true),
    COL("Incident Zip", ZIP, false),
    COL("Incident Address", ADDRESS, false),
    COL("Street Name", ATTR, true),
    COL("Cross Street 1", ATTR, true),
    COL("Cross Street 2", ATTR, true),
    COL("Intersection Street 1", STREET1, true),
    COL("Intersection Street 2", STREET2, true),
    COL("Address Type", ADDRESS_TYPE, true),
    COL("City", ATTR, true),
    COL("Landmark", ATTR, true),
    COL("Facility Type", ATTR, true),
    COL("Status", STATUS, true),
    COL("Due Date", DUE, false),
    COL("Resolution Description", NOTES, false),
    COL("Resolution Action Updated Date", UPDATED, true),
    COL("Community Board", ATTR, true),
    COL("BBL", ATTR, true),
    COL("Borough", ATTR, true),
    COL("X Coordinate (State Plane)", ATTR, true),
    COL("Y Coordinate (State Plane)", ATTR, true),
    COL("Open Data Channel Type", CHANNEL, true),
    COL("Park Facility Name", ATTR, true),
    COL("Park Borough", ATTR, true),
    COL("Vehicle Type", ATTR, true),
    COL("Taxi Company Borough", ATTR, true),
    COL("Taxi Pick Up Location", ATTR, true),
    COL("Bridge Highway Name", ATTR, true),
    COL("Bridge Highway Direction", ATTR, true),
    COL("Road Ramp", ATTR, true),
    COL("Bridge Highway Segment", ATTR, true),
    COL("Latitude", LAT, false),
    COL("Longitude", LON, false),
    COL("Location", LOCATION, false),
};

/* Columns only the older NYC layout has; any of them names it. */
static const char *const nyc_older_only[] = {
    "School Name",     "School Number",    "School Region",
    "School Code",     "School Not Found", "School or Citywide Complaint",
    "Garage Lot Name", "Ferry Direction",  "Ferry Terminal Name",
};

/* Analyze Boston "311 Service Requests". */
static const struct import_column boston_columns[] = {
    COL("case_enquiry_id", KEY, false),
    COL("open_dt", CREATED, false),
    COL("target_dt", DUE, false),
    COL("closed_dt", CLOSED, false),
    COL("case_status", STATUS, true),
    COL("closure_reason", NOTES, false),
    COL("case_title", DESCRIPTION, false),
    COL("subject", AGENCY_NAME, true),
    COL("type", TYPE, true),
    COL("department", AGENCY, true),
    COL("submittedphoto", MEDIA, false),
    COL("location", ADDRESS, false),
    COL("location_zipcode", ZIP, false),
    COL("latitude", LAT, false),
    COL("longitude", LON, false),
    COL("source", CHANNEL, true),
};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const warning_names[IMPORT_NWARNINGS] = {
    [IMPORT_W_CLOSED_BEFORE_CREATED] = "closed before created",
    [IMPORT_W_DUE_BEFORE_CREATED] = "due before created",
    [IMPORT_W_CLOSED_WITHOUT_DATE] = "closed without a date",
    [IMPORT_W_CLOSED_DATE_WHILE_OPEN] = "closed date while open",
    [IMPORT_W_NO_COORDINATES] = "no coordinates",
    [IMPORT_W_BAD_COORDINATES] = "bad coordinates",
    [IMPORT_W_INTERSECTION] = "intersection",
    [IMPORT_W_NO_LOCATION] = "no location",
    [IMPORT_W_NONEXISTENT_TIME] = "nonexistent local time",
    [IMPORT_W_AMBIGUOUS_TIME] = "ambiguous local time",
    [IMPORT_W_UNMAPPED_TYPE] = "unmapped type",
    [IMPORT_W_NO_TYPE] = "no type",
    [IMPORT_W_UNMAPPED_AGENCY] = "unmapped agency",
};

/* The warning's name for summaries. */
const char *
import_warning_name(enum import_warning w)
{
    return w < IMPORT_NWARNINGS ? warning_names[w] : "?";
}

/* Parses a format name. */
bool
import_format_parse(const char *name, enum import_format *out)
{
    if (name != NULL && strcmp(name, "nyc") == 0) {
        *out = IMPORT_NYC;
        return true;
    }
    if (name != NULL && strcmp(name, "boston") == 0) {
        *out = IMPORT_BOSTON;
        return true;
    }
    return false;
}

/* The current NYC columns. */
const struct import_column *
import_nyc_columns(size_t *n)
{
    *n = NELEMS(nyc_columns);
    return nyc_columns;
}

/* Lower-case letters and digits, other runs as one '_', none at the ends. */
char *
import_attr_code(struct arena *a, const char *name)
{
    size_t n = strlen(name), j = 0, i;
    char *out = arena_alloc(a, n + 1);
    bool gap = false;

    if (out == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        char c = name[i];

        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (gap && j > 0)
                out[j++] = '_';
            out[j++] = c;
            gap = false;
        } else {
            gap = true;
        }
    }
    out[j] = '\0';
    return out;
}

/* Finds a header column by name, ignoring ASCII case; -1 if absent. */
static int
find_column(const char *const *fields, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcasecmp(fields[i], name) == 0)
            return (int)i;
    }
    return -1;
}

/* True when the header has both columns. */
static bool
has_both(const char *const *fields, size_t n, const char *a, const char *b)
{
    return find_column(fields, n, a) >= 0 && find_column(fields, n, b) >= 0;
}

/* Says which format a header is, or returns false. */
static bool
detect(const char *const *fields, size_t n, enum import_format *out)
{
    if (has_both(fields, n, "Unique Key", "Created Date")) {
        *out = IMPORT_NYC;
        return true;
    }
    if (has_both(fields, n, "case_enquiry_id", "open_dt")) {
        *out = IMPORT_BOSTON;
        return true;
    }
    return false;
}

/* The label of a layout, for people. */
static const char *
layout_label(enum import_format f, const char *const *fields, size_t n,
             struct arena *a)
{
    size_t i;

    if (f == IMPORT_BOSTON)
        return arena_printf(a, "Boston 311 (%zu columns)", n);
    for (i = 0; i < NELEMS(nyc_older_only); i++) {
        if (find_column(fields, n, nyc_older_only[i]) >= 0)
            return arena_printf(a, "NYC 311, older layout (%zu columns)", n);
    }
    return arena_printf(a, "NYC 311, current layout (%zu columns)", n);
}

/* Gives each file column its role from the format's table. */
static enum c311_rc
assign_roles(struct import_layout *lay, const char *const *fields,
             struct arena *a, const char **why)
{
    const struct import_column *cols =
        lay->format == IMPORT_NYC ? nyc_columns : boston_columns;
    size_t ncols = lay->format == IMPORT_NYC ? NELEMS(nyc_columns)
                                             : NELEMS(boston_columns);
    size_t i, j;

    for (i = 0; i < lay->ncols; i++) {
        lay->names[i] = arena_strdup(a, fields[i]);
        lay->codes[i] = fields[i][0] != '\0'
                            ? import_attr_code(a, fields[i])
                            : arena_printf(a, "column_%zu", i + 1);
        if (lay->names[i] == NULL || lay->codes[i] == NULL)
            return C311_ERR_NOMEM;
        if (lay->codes[i][0] == '\0')
            lay->codes[i] = arena_printf(a, "column_%zu", i + 1);
        for (j = 0; j < i; j++) {
            if (strcmp(lay->codes[i], lay->codes[j]) == 0) {
                *why = arena_printf(a,
                                    "column '%s' appears twice in the "
                                    "header",
                                    fields[i]);
                return C311_ERR_INVALID;
            }
        }
        lay->roles[i] = IMPORT_R_ATTR;
        lay->keep[i] = true;
        for (j = 0; j < ncols; j++) {
            if (strcasecmp(cols[j].name, fields[i]) == 0) {
                lay->roles[i] = cols[j].role;
                lay->keep[i] = cols[j].keep;
                if (cols[j].role != IMPORT_R_ATTR)
                    lay->col[cols[j].role] = (int)i;
                break;
            }
        }
    }
    return C311_OK;
}

/* Reads a header; see import.h. */
enum c311_rc
import_layout_read(const char *const *fields, size_t n,
                   const enum import_format *want, struct arena *a,
                   struct import_layout *out, const char **why)
{
    enum import_format f;
    int i;

    memset(out, 0, sizeof(*out));
    *why = NULL;
    if (!detect(fields, n, &f) || (want != NULL && f != *want)) {
        if (want != NULL && *want == IMPORT_NYC)
            *why = "the header is not an NYC 311 layout (it needs 'Unique "
                   "Key' and 'Created Date')";
        else if (want != NULL)
            *why = "the header is not a Boston 311 layout (it needs "
                   "'case_enquiry_id' and 'open_dt')";
        else
            *why = "the header is neither an NYC 311 layout ('Unique Key', "
                   "'Created Date', ...) nor a Boston 311 one "
                   "('case_enquiry_id', 'open_dt', ...)";
        return C311_ERR_INVALID;
    }
    out->format = f;
    out->format_name = f == IMPORT_NYC ? "nyc" : "boston";
    out->label = layout_label(f, fields, n, a);
    out->ncols = n;
    out->roles = arena_alloc(a, n * sizeof(*out->roles));
    out->keep = arena_alloc(a, n * sizeof(*out->keep));
    out->codes = arena_alloc(a, n * sizeof(*out->codes));
    out->names = arena_alloc(a, n * sizeof(*out->names));
    if (out->label == NULL || out->roles == NULL || out->keep == NULL ||
        out->codes == NULL || out->names == NULL)
        return C311_ERR_NOMEM;
    for (i = 0; i < IMPORT_NROLES; i++)
        out->col[i] = -1;
    return assign_roles(out, fields, a, why);
}

/* Prepares a run's context. */
void
import_ctx_init(struct import_ctx *ctx, const struct city *city,
                const struct import_layout *lay)
{
    ctx->city = city;
    ctx->lay = lay;
    ctx->map = mapping_of(city, lay->format_name);
    wallclock_init(&ctx->wc);
}

/* ---- local times ---- */

/* Reads 1 to max decimal digits at *p into *v, advancing; false if none. */
static bool
number(const char **p, int max, int *v)
{
    int n = 0;

    *v = 0;
    while (n < max && (*p)[0] >= '0' && (*p)[0] <= '9') {
        *v = *v * 10 + ((*p)[0] - '0');
        (*p)++;
        n++;
    }
    return n > 0;
}

/* Reads "MM/DD/YYYY" or "YYYY-MM-DD" at *p. */
static bool
read_date(const char **p, int *y, int *mo, int *d)
{
    const char *s = *p;

    if (number(&s, 4, y) && s - *p == 4 && *s == '-') {
        s++;
        if (!number(&s, 2, mo) || *s++ != '-' || !number(&s, 2, d))
            return false;
        *p = s;
        return true;
    }
    s = *p;
    if (!number(&s, 2, mo) || *s++ != '/' || !number(&s, 2, d) || *s++ != '/')
        return false;
    *p = s;
    return number(p, 4, y) && *p - s == 4;
}

/* Reads "hh:mm[:ss[.fff]]" and an optional AM/PM at p, to the end. */
static bool
read_time(const char *p, int *h, int *mi, int *s)
{
    bool pm;

    *s = 0;
    if (!number(&p, 2, h) || *p++ != ':' || !number(&p, 2, mi))
        return false;
    if (*p == ':' && !(p++, number(&p, 2, s)))
        return false;
    if (*p == '.' || *p == ',') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    while (*p == ' ')
        p++;
    if (*p == '\0')
        return true;
    if ((p[0] != 'A' && p[0] != 'a' && p[0] != 'P' && p[0] != 'p') ||
        (p[1] != 'M' && p[1] != 'm') || p[2] != '\0' || *h < 1 || *h > 12)
        return false;
    pm = p[0] == 'P' || p[0] == 'p';
    *h = *h % 12 + (pm ? 12 : 0);
    return true;
}

/* Reads a local date and time of any accepted form; see import.h. */
bool
import_local_time(struct wallclock *wc, const char *s, int64_t *out,
                  enum wallclock_kind *kind)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;
    const char *p = s;

    if (!read_date(&p, &y, &mo, &d))
        return false;
    if (*p != '\0') {
        if (*p != ' ' && *p != 'T')
            return false;
        while (*p == ' ' || *p == 'T')
            p++;
        if (!read_time(p, &h, &mi, &sec))
            return false;
    }
    return wallclock_to_utc(wc, y, mo, d, h, mi, sec, out, kind);
}

/* ---- checks ---- */

/* True when s is valid UTF-8 (no overlong forms, surrogates or > U+10FFFF). */
static bool
utf8_ok(const unsigned char *s)
{
    unsigned c, n, i, cp;

    while ((c = *s++) != 0) {
        if (c < 0x80)
            continue;
        if (c >= 0xc2 && c <= 0xdf)
            n = 1, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            n = 2, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            n = 3, cp = c & 0x07;
        else
            return false;
        for (i = 0; i < n; i++) {
            if ((s[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i] & 0x3f);
        }
        if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return false;
        s += n;
    }
    return true;
}

/* True for a key of 1 to 64 letters, digits, '.', '_' and '-'. */
static bool
key_ok(const char *k)
{
    size_t n = strlen(k);

    return n > 0 && n <= IMPORT_KEY_MAX &&
           strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789._-") == n;
}

/* True for "YYYY-NNNNNN...", the form of this city's own request ids. */
static bool
looks_native(const char *k)
{
    size_t n = strlen(k);

    return n >= 11 && strspn(k, "0123456789") == 4 && k[4] == '-' &&
           strspn(k + 5, "0123456789") == n - 5;
}

/* ---- one row ---- */

/* What map_row works on. */
struct rowctx {
    struct import_ctx *ctx;
    const char *const *f;
    struct arena *a;
    struct import_row *out;
};

/* The value of the column with role r, "" when the layout has none. */
static const char *
F(const struct rowctx *rc, enum import_role r)
{
    int i = rc->ctx->lay->col[r];

    return i >= 0 ? rc->f[i] : "";
}

/* The header name of the column with role r, for messages. */
static const char *
name_of(const struct rowctx *rc, enum import_role r)
{
    int i = rc->ctx->lay->col[r];

    return i >= 0 ? rc->ctx->lay->names[i] : "?";
}

/* Refuses the row with a formatted reason; returns C311_OK or NOMEM. */
static enum c311_rc refuse(struct rowctx *rc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum c311_rc
refuse(struct rowctx *rc, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rc->out->reject = arena_vprintf(rc->a, fmt, ap);
    va_end(ap);
    return rc->out->reject != NULL ? C311_OK : C311_ERR_NOMEM;
}

/* Notes a warning. */
static void
warn(struct rowctx *rc, enum import_warning w)
{
    rc->out->warnings |= 1u << w;
}

/*
 * Reads the time in the column with role r (0 when empty). False after
 * refusing the row when the text is not a time.
 */
static bool
time_of(struct rowctx *rc, enum import_role r, int64_t *t)
{
    const char *s = F(rc, r);
    enum wallclock_kind kind;

    *t = 0;
    if (*s == '\0')
        return true;
    if (!import_local_time(&rc->ctx->wc, s, t, &kind)) {
        if (refuse(rc, "bad %s '%s'", name_of(rc, r), s) != C311_OK)
            rc->out->reject = "bad date";
        return false;
    }
    if (kind == WALLCLOCK_NONEXISTENT)
        warn(rc, IMPORT_W_NONEXISTENT_TIME);
    else if (kind == WALLCLOCK_AMBIGUOUS)
        warn(rc, IMPORT_W_AMBIGUOUS_TIME);
    return true;
}

/* Reads the times; false once the row is refused. */
static bool
map_times(struct rowctx *rc)
{
    struct sr *r = &rc->out->req;
    int64_t updated;

    if (*F(rc, IMPORT_R_CREATED) == '\0') {
        refuse(rc, "no %s", name_of(rc, IMPORT_R_CREATED));
        return false;
    }
    if (!time_of(rc, IMPORT_R_CREATED, &r->requested_at) ||
        !time_of(rc, IMPORT_R_CLOSED, &r->closed_at) ||
        !time_of(rc, IMPORT_R_DUE, &r->expected_at) ||
        !time_of(rc, IMPORT_R_UPDATED, &updated))
        return false;
    r->updated_at = r->requested_at;
    if (r->closed_at > r->updated_at)
        r->updated_at = r->closed_at;
    if (updated > r->updated_at)
        r->updated_at = updated;
    if (r->closed_at != 0 && r->closed_at < r->requested_at)
        warn(rc, IMPORT_W_CLOSED_BEFORE_CREATED);
    if (r->expected_at != 0 && r->expected_at < r->requested_at)
        warn(rc, IMPORT_W_DUE_BEFORE_CREATED);
    return true;
}

/* Open or closed, from the source's status or else its closed date. */
static void
map_status(struct rowctx *rc)
{
    struct sr *r = &rc->out->req;
    const char *s = F(rc, IMPORT_R_STATUS);
    bool closed;

    closed = *s != '\0' ? strncasecmp(s, "closed", 6) == 0 : r->closed_at != 0;
    r->status = closed ? SR_CLOSED : SR_OPEN;
    if (closed && r->closed_at == 0)
        warn(rc, IMPORT_W_CLOSED_WITHOUT_DATE);
    if (!closed && r->closed_at != 0)
        warn(rc, IMPORT_W_CLOSED_DATE_WHILE_OPEN);
}

/* An imported service code: the format, then the type in capitals. */
static char *
imported_code(struct arena *a, const char *format, const char *type)
{
    char *slug = import_attr_code(a, type), *code, *p;

    if (slug == NULL)
        return NULL;
    if (slug[0] == '\0')
        slug = "unspecified";
    code = arena_printf(a, "%s_%.*s", format, IMPORT_CODE_MAX - 8, slug);
    if (code == NULL)
        return NULL;
    for (p = code; *p != '\0'; p++) {
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    }
    return code;
}

/* Service, department and agency responsible. */
static enum c311_rc
map_service(struct rowctx *rc)
{
    const struct city *city = rc->ctx->city;
    const struct import_mapping *m = rc->ctx->map;
    const char *type = F(rc, IMPORT_R_TYPE), *agency = F(rc, IMPORT_R_AGENCY);
    const char *code, *dept, *name = F(rc, IMPORT_R_AGENCY_NAME);
    const struct department *d = NULL;
    const struct service *svc = NULL;
    struct sr *r = &rc->out->req;

    code = mapping_service(m, type, F(rc, IMPORT_R_DESCRIPTOR));
    if (code != NULL)
        svc = catalog_service(city, code);
    if (svc != NULL) {
        r->service_code = svc->code;
        r->service_name =
            i18n_get(&svc->name, city->default_lang, city->default_lang);
    } else {
        warn(rc, *type == '\0' ? IMPORT_W_NO_TYPE : IMPORT_W_UNMAPPED_TYPE);
        r->service_code = imported_code(rc->a, rc->ctx->lay->format_name, type);
        r->service_name = *type != '\0' ? type : "Unspecified";
        rc->out->imported_service = true;
        if (r->service_code == NULL)
            return C311_ERR_NOMEM;
    }
    dept = mapping_department(m, agency);
    /* A department's own code, as an export writes one without a mapping. */
    if (dept == NULL && catalog_department(city, agency) != NULL)
        dept = agency;
    if (dept == NULL && *agency != '\0')
        warn(rc, IMPORT_W_UNMAPPED_AGENCY);
    if (dept == NULL && svc != NULL)
        dept = svc->department;
    if (dept != NULL)
        d = catalog_department(city, dept);
    rc->out->department = d != NULL ? d->code : NULL;
    r->agency_responsible = d != NULL       ? catalog_text(city, &d->name, NULL)
                            : *name != '\0' ? name
                                            : agency;
    return C311_OK;
}

/* Reads a coordinate: a finite number within limit. */
static bool
coordinate(const char *s, double limit, double *out)
{
    char *end;

    *out = strtod(s, &end);
    return *s != '\0' && *end == '\0' && isfinite(*out) && fabs(*out) <= limit;
}

/* Coordinates, address, zip code and photo. */
static enum c311_rc
map_location(struct rowctx *rc)
{
    const char *lat = F(rc, IMPORT_R_LAT), *lon = F(rc, IMPORT_R_LON);
    const char *s1 = F(rc, IMPORT_R_STREET1), *s2 = F(rc, IMPORT_R_STREET2);
    const char *addr = F(rc, IMPORT_R_ADDRESS), *media = F(rc, IMPORT_R_MEDIA);
    struct sr *r = &rc->out->req;
    const char *type;
    bool inter;

    if (*lat == '\0' && *lon == '\0') {
        warn(rc, IMPORT_W_NO_COORDINATES);
    } else if (coordinate(lat, 90, &r->lat) && coordinate(lon, 180, &r->lon) &&
               (r->lat != 0 || r->lon != 0)) {
        r->has_location = true;
    } else {
        warn(rc, IMPORT_W_BAD_COORDINATES);
        r->lat = r->lon = 0;
    }
    type = F(rc, IMPORT_R_ADDRESS_TYPE);
    inter = strcasecmp(type, "INTERSECTION") == 0 ||
            (*type == '\0' && *addr == '\0' && *s1 != '\0' && *s2 != '\0');
    if (inter)
        warn(rc, IMPORT_W_INTERSECTION);
    r->address = addr;
    if (inter && *s1 != '\0' && *s2 != '\0' &&
        (r->address = arena_printf(rc->a, "%s & %s", s1, s2)) == NULL)
        return C311_ERR_NOMEM;
    if (*r->address == '\0' && !r->has_location)
        warn(rc, IMPORT_W_NO_LOCATION);
    r->zipcode = F(rc, IMPORT_R_ZIP);
    if (strncmp(media, "http://", 7) == 0 || strncmp(media, "https://", 8) == 0)
        r->media_url = media;
    return C311_OK;
}

/* A channel name from a source value: lower case, '_' for the rest. */
static enum c311_rc
map_channel(struct rowctx *rc)
{
    const char *v = F(rc, IMPORT_R_CHANNEL);
    const char *ch = mapping_channel(rc->ctx->map, v);

    if (ch == NULL && *v != '\0' && (ch = import_attr_code(rc->a, v)) == NULL)
        return C311_ERR_NOMEM;
    rc->out->req.channel = ch;
    return C311_OK;
}

/* True when column i is kept as an attribute for this row. */
static bool
kept(const struct rowctx *rc, size_t i)
{
    const struct import_layout *lay = rc->ctx->lay;
    const struct sr *r = &rc->out->req;

    if (rc->f[i][0] == '\0')
        return false;
    if (lay->keep[i])
        return true;
    /* Kept where the field does not hold the source's value as it is. */
    if (lay->roles[i] == IMPORT_R_ADDRESS)
        return r->address == NULL || strcmp(r->address, rc->f[i]) != 0;
    if (lay->roles[i] == IMPORT_R_MEDIA)
        return r->media_url == NULL;
    return false;
}

/* The source columns kept as attributes, in file order. */
static enum c311_rc
map_attrs(struct rowctx *rc)
{
    const struct import_layout *lay = rc->ctx->lay;
    struct sr *r = &rc->out->req;
    size_t i, n = 0;

    for (i = 0; i < lay->ncols; i++)
        n += kept(rc, i);
    if (n == 0)
        return C311_OK;
    r->attrs = arena_alloc(rc->a, n * sizeof(*r->attrs));
    if (r->attrs == NULL)
        return C311_ERR_NOMEM;
    for (i = 0; i < lay->ncols; i++) {
        if (!kept(rc, i))
            continue;
        r->attrs[r->nattrs].code = lay->codes[i];
        r->attrs[r->nattrs].value = rc->f[i];
        r->nattrs++;
    }
    return C311_OK;
}

/* Checks the row's shape, text and key; false once it is refused. */
static bool
check_row(struct rowctx *rc, size_t n)
{
    const struct import_layout *lay = rc->ctx->lay;
    const char *key = F(rc, IMPORT_R_KEY);
    size_t i;

    if (n != lay->ncols) {
        refuse(rc, "the row has %zu fields, the header %zu", n, lay->ncols);
        return false;
    }
    for (i = 0; i < n; i++) {
        if (!utf8_ok((const unsigned char *)rc->f[i])) {
            refuse(rc, "'%s' is not valid UTF-8", lay->names[i]);
            return false;
        }
    }
    if (*key == '\0')
        refuse(rc, "no %s", name_of(rc, IMPORT_R_KEY));
    else if (!key_ok(key))
        refuse(rc, "bad %s '%.80s' (1 to 64 letters, digits, '.', '_' and '-')",
               name_of(rc, IMPORT_R_KEY), key);
    else if (looks_native(key))
        refuse(rc, "%s '%s' has the form of this city's own request ids",
               name_of(rc, IMPORT_R_KEY), key);
    return rc->out->reject == NULL;
}

/* Maps one data row; see import.h. */
enum c311_rc
import_map_row(struct import_ctx *ctx, const char *const *fields, size_t n,
               struct arena *a, struct import_row *out)
{
    struct rowctx rc = {ctx, NULL, a, out};
    struct sr *r = &out->req;
    const char **copy;
    const char *desc;
    enum c311_rc st;
    size_t i;

    memset(out, 0, sizeof(*out));
    if ((copy = arena_alloc(a, (n ? n : 1) * sizeof(*copy))) == NULL)
        return C311_ERR_NOMEM;
    for (i = 0; i < n; i++) {
        if ((copy[i] = arena_strdup(a, fields[i])) == NULL)
            return C311_ERR_NOMEM;
    }
    rc.f = copy;
    out->fields = copy;
    out->nfields = n;
    if (!check_row(&rc, n) || !map_times(&rc))
        return out->reject != NULL ? C311_OK : C311_ERR_NOMEM;
    r->public_id = F(&rc, IMPORT_R_KEY);
    r->jurisdiction_id = ctx->city->jurisdiction_id;
    map_status(&rc);
    desc = F(&rc, IMPORT_R_DESCRIPTION);
    r->description = *desc != '\0' ? desc : F(&rc, IMPORT_R_DESCRIPTOR);
    r->status_notes = F(&rc, IMPORT_R_NOTES);
    st = map_service(&rc);
    if (st == C311_OK)
        st = map_location(&rc);
    if (st == C311_OK)
        st = map_channel(&rc);
    if (st == C311_OK)
        st = map_attrs(&rc);
    if (st == C311_OK)
        import_digest(r, out->department, out->digest);
    return st;
}

/* ---- digest ---- */

/*
 * The digest's input is gathered in a buffer and hashed in one call: a
 * row has some seventy values, and hashing each on its own costs more
 * than the hashing itself. Values that do not fit the buffer are hashed
 * as they come; the bytes hashed are the same either way.
 */
struct digest {
    crypto_generichash_state h;
    size_t len;
    unsigned char buf[4096];
};

static void
digest_bytes(struct digest *d, const void *p, size_t n)
{
    if (d->len + n > sizeof(d->buf)) {
        crypto_generichash_update(&d->h, d->buf, d->len);
        d->len = 0;
        if (n > sizeof(d->buf)) {
            crypto_generichash_update(&d->h, p, n);
            return;
        }
    }
    memcpy(d->buf + d->len, p, n);
    d->len += n;
}

/* Adds a text: NULL and "" alike (the store keeps both as NULL). */
static void
digest_text(struct digest *d, const char *s)
{
    unsigned char len[4];
    size_t n = s != NULL ? strlen(s) : 0;

    len[0] = (unsigned char)(n >> 24);
    len[1] = (unsigned char)(n >> 16);
    len[2] = (unsigned char)(n >> 8);
    len[3] = (unsigned char)n;
    digest_bytes(d, len, sizeof(len));
    if (n > 0)
        digest_bytes(d, s, n);
}

/* Adds a 64-bit integer, most significant byte first. */
static void
digest_int(struct digest *d, uint64_t v)
{
    unsigned char b[8];
    int i;

    for (i = 7; i >= 0; i--) {
        b[i] = (unsigned char)v;
        v >>= 8;
    }
    digest_bytes(d, b, sizeof(b));
}

/* Adds the bits of a double. */
static void
digest_real(struct digest *d, double v)
{
    uint64_t bits;

    memcpy(&bits, &v, sizeof(bits));
    digest_int(d, bits);
}

/* BLAKE2b-128 of every stored value of req, in a fixed order. */
void
import_digest(const struct sr *req, const char *department,
              char out[IMPORT_DIGEST_LEN])
{
    const char *const texts[] = {
        req->public_id,
        req->jurisdiction_id,
        req->service_code,
        req->service_name,
        req->status_notes,
        req->description,
        req->agency_responsible,
        req->service_notice,
        req->address,
        req->address_id,
        req->zipcode,
        req->media_url,
        req->channel,
        req->language,
        department,
    };
    unsigned char hash[16];
    struct digest d;
    size_t i;

    d.len = 0;
    crypto_generichash_init(&d.h, NULL, 0, sizeof(hash));
    for (i = 0; i < NELEMS(texts); i++)
        digest_text(&d, texts[i]);
    digest_int(&d, req->status == SR_CLOSED);
    digest_int(&d, (uint64_t)req->requested_at);
    digest_int(&d, (uint64_t)req->updated_at);
    digest_int(&d, (uint64_t)req->expected_at);
    digest_int(&d, (uint64_t)req->closed_at);
    digest_int(&d, req->has_location);
    digest_real(&d, req->has_location ? req->lat : 0);
    digest_real(&d, req->has_location ? req->lon : 0);
    digest_int(&d, req->nattrs);
    for (i = 0; i < req->nattrs; i++) {
        digest_text(&d, req->attrs[i].code);
        digest_text(&d, req->attrs[i].value);
    }
    crypto_generichash_update(&d.h, d.buf, d.len);
    crypto_generichash_final(&d.h, hash, sizeof(hash));
    sodium_bin2hex(out, IMPORT_DIGEST_LEN, hash, sizeof(hash));
}
