/* SPDX-License-Identifier: MIT */
/*
 * How the values of another city's 311 data map onto this city's
 * catalogue, one table per source format ("nyc", "boston"): source agency
 * to department, complaint type (and descriptor) to service, source
 * channel to channel. io/config.c reads them from the `mapping` section of
 * the city configuration (docs/CONFIG.md); the importer looks values up
 * here. Source values match without regard to ASCII case.
 */
#ifndef CIVIC311_MAPPING_H
#define CIVIC311_MAPPING_H

#include <stddef.h>

struct city;

/* The source formats that have a mapping section. */
#define MAPPING_FORMATS "nyc, boston"

/* One row of a table: from (and detail, for services) maps to `to`. */
struct map_entry {
    const char *from;   /* agency, complaint type or source channel */
    const char *detail; /* services only: the descriptor, NULL for any */
    const char *to;     /* department code, service code or channel */
    int line;
};

struct import_mapping {
    const char *format; /* "nyc", "boston" */
    struct map_entry *departments;
    size_t ndepartments;
    struct map_entry *services;
    size_t nservices;
    struct map_entry *channels;
    size_t nchannels;
    int line;
};

/* True when name is one of MAPPING_FORMATS. */
int mapping_format_known(const char *name);

/* The mapping of format in the city's configuration, or NULL. */
const struct import_mapping *mapping_of(const struct city *c,
                                        const char *format);

/* The department code for a source agency, or NULL (m may be NULL). */
const char *mapping_department(const struct import_mapping *m,
                               const char *agency);

/*
 * The service code for a complaint type and descriptor: an entry naming
 * both wins over one naming the type alone. NULL when none matches.
 */
const char *mapping_service(const struct import_mapping *m, const char *type,
                            const char *descriptor);

/* The channel for a source channel value, or NULL. */
const char *mapping_channel(const struct import_mapping *m, const char *value);

/*
 * The first source channel value that maps to channel, for writing data
 * back in the source's layout; NULL when none does.
 */
const char *mapping_channel_source(const struct import_mapping *m,
                                   const char *channel);

/* The first source agency that maps to department code, or NULL. */
const char *mapping_department_source(const struct import_mapping *m,
                                      const char *department);

#endif
