/* SPDX-License-Identifier: MIT */
/*
 * Historical 311 data from other systems, one row at a time: which layout
 * a header is (NYC Open Data, current or older; Analyze Boston), and how
 * a row becomes a service request of this city: times read in the
 * jurisdiction's zone and stored as UTC, agency, complaint type and
 * channel mapped through the city's `mapping` section, the source columns
 * with no field of their own kept as attributes, oddities counted as
 * warnings, and rows that cannot be imported refused with a reason.
 * docs/IMPORT.md describes every rule for the people who run imports.
 *
 * The caller reads the file (io/csvin.h), stores the rows
 * (store/import.h) and reports; nothing here does I/O.
 */
#ifndef CIVIC311_IMPORT_H
#define CIVIC311_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/catalog.h"
#include "core/mapping.h"
#include "core/request.h"
#include "util/arena.h"
#include "util/status.h"
#include "util/wallclock.h"

/* Hex digits of a row digest, and its NUL. */
#define IMPORT_DIGEST_LEN 33

enum import_format { IMPORT_NYC, IMPORT_BOSTON };

/* What a column of a source layout becomes. */
enum import_role {
    IMPORT_R_ATTR, /* kept as an attribute, nothing else */
    IMPORT_R_KEY,
    IMPORT_R_CREATED,
    IMPORT_R_CLOSED,
    IMPORT_R_DUE,
    IMPORT_R_UPDATED, /* a last-change time, also kept */
    IMPORT_R_STATUS,
    IMPORT_R_TYPE,
    IMPORT_R_DESCRIPTOR,
    IMPORT_R_AGENCY,
    IMPORT_R_AGENCY_NAME,
    IMPORT_R_DESCRIPTION,
    IMPORT_R_NOTES,
    IMPORT_R_ADDRESS,
    IMPORT_R_ADDRESS_TYPE,
    IMPORT_R_STREET1, /* the streets of an intersection */
    IMPORT_R_STREET2,
    IMPORT_R_ZIP,
    IMPORT_R_LAT,
    IMPORT_R_LON,
    IMPORT_R_LOCATION, /* "(lat, lon)", derived: dropped */
    IMPORT_R_CHANNEL,
    IMPORT_R_MEDIA,
    IMPORT_NROLES
};

/* One column of a known layout. */
struct import_column {
    const char *name; /* as the source writes it in its header */
    enum import_role role;
    bool keep; /* also kept as an attribute */
};

/* The kinds of oddity an importable row may have. */
enum import_warning {
    IMPORT_W_CLOSED_BEFORE_CREATED,
    IMPORT_W_DUE_BEFORE_CREATED,
    IMPORT_W_CLOSED_WITHOUT_DATE,
    IMPORT_W_CLOSED_DATE_WHILE_OPEN,
    IMPORT_W_NO_COORDINATES,
    IMPORT_W_BAD_COORDINATES,
    IMPORT_W_INTERSECTION,
    IMPORT_W_NO_LOCATION,
    IMPORT_W_NONEXISTENT_TIME,
    IMPORT_W_AMBIGUOUS_TIME,
    IMPORT_W_UNMAPPED_TYPE,
    IMPORT_W_NO_TYPE,
    IMPORT_W_UNMAPPED_AGENCY,
    IMPORT_NWARNINGS
};

/* A warning's name for summaries: "closed before created", ... */
const char *import_warning_name(enum import_warning w);

/* A header, understood. */
struct import_layout {
    enum import_format format;
    const char *format_name; /* "nyc", "boston" */
    const char *label;       /* for people: "NYC 311, current layout" */
    size_t ncols;
    enum import_role *roles; /* per column of the file */
    bool *keep;              /* per column: kept as an attribute */
    const char **codes;      /* per column: its attribute code */
    const char **names;      /* per column: its name in the header */
    int col[IMPORT_NROLES];  /* the file column of each role, or -1 */
};

/* "nyc" or "boston" to a format; false for anything else. */
bool import_format_parse(const char *name, enum import_format *out);

/* The columns of the current NYC layout, in order (41 of them). */
const struct import_column *import_nyc_columns(size_t *n);

/* An attribute code for a column name: "X Coordinate (State Plane)"
 * becomes "x_coordinate_state_plane". Allocated in a. */
char *import_attr_code(struct arena *a, const char *name);

/*
 * Reads a header record. With want NULL the format is detected from the
 * column names; otherwise the header must fit it. On failure *why says
 * what is wrong (allocated in a).
 */
enum c311_rc import_layout_read(const char *const *fields, size_t n,
                                const enum import_format *want, struct arena *a,
                                struct import_layout *out, const char **why);

/* What an import needs that lives as long as the run. */
struct import_ctx {
    const struct city *city;
    const struct import_mapping *map; /* the format's mapping, or NULL */
    const struct import_layout *lay;
    struct wallclock wc; /* in the process zone: the jurisdiction's */
};

/* Prepares ctx; the process time zone must be the jurisdiction's. */
void import_ctx_init(struct import_ctx *ctx, const struct city *city,
                     const struct import_layout *lay);

/* One row mapped. */
struct import_row {
    const char *const *fields; /* a copy of the row's fields, in the arena */
    size_t nfields;
    const char *reject; /* why it cannot be imported, or NULL */
    struct sr req;
    const char *department;         /* department code, or NULL */
    bool imported_service;          /* service_code is an imported one */
    unsigned warnings;              /* bit (1u << enum import_warning) */
    char digest[IMPORT_DIGEST_LEN]; /* of everything stored */
};

/*
 * Maps the n fields of one data row, which it first copies into a: the
 * result lives as long as a, not as the fields. A row that cannot be
 * imported has out->reject set and nothing else meaningful but its
 * fields. C311_ERR_NOMEM is the only failure.
 */
enum c311_rc import_map_row(struct import_ctx *ctx, const char *const *fields,
                            size_t n, struct arena *a, struct import_row *out);

/*
 * The digest of what a request stores with its department: the same for
 * the same values, whatever file they came from.
 */
void import_digest(const struct sr *req, const char *department,
                   char out[IMPORT_DIGEST_LEN]);

/*
 * Reads a local date and time as NYC ("MM/DD/YYYY hh:mm:ss AM", also
 * without seconds or in 24-hour form) or ISO ("YYYY-MM-DD HH:MM:SS",
 * 'T' allowed, fractions of a second dropped) writes them; a date alone
 * is midnight. Converts it with ctx's clock. False when s is neither.
 */
bool import_local_time(struct wallclock *wc, const char *s, int64_t *out,
                       enum wallclock_kind *kind);

#endif
