/* SPDX-License-Identifier: MIT */
/*
 * A streaming CSV reader on libcsv: reads a file in blocks, never whole,
 * and hands each record to a callback with the line it starts on. It
 * skips a UTF-8 byte order mark, reads LF and CRLF line ends alike, keeps
 * newlines inside quoted fields, and ignores blank lines (trailing ones
 * included). Leading and trailing spaces and tabs of a field are dropped,
 * as libcsv does outside quotes and as civic311's importers want inside
 * them too. Line numbers count LF characters from 1.
 */
#ifndef CIVIC311_CSVIN_H
#define CIVIC311_CSVIN_H

#include <csv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util/buf.h"
#include "util/status.h"

/* A record bigger than this is cut and flagged, not kept whole. */
#define CSVIN_RECORD_MAX (1024 * 1024)

/* One record as the callback sees it; valid during the call only. */
struct csvin_record {
    const char **fields; /* NUL-terminated, spaces trimmed */
    size_t nfields;
    int64_t line;  /* the line the record starts on */
    bool too_long; /* over CSVIN_RECORD_MAX: fields are incomplete */
    bool has_nul;  /* a field held a NUL byte (cut there) */
};

struct csvin;

/* Called once per record; any status but C311_OK stops the reading. */
typedef enum c311_rc (*csvin_record_fn)(void *arg, struct csvin *in,
                                        const struct csvin_record *rec);

struct csvin {
    FILE *f;
    uint64_t bytes; /* bytes read so far, for progress */

    /* Private to csvin.c. */
    struct csv_parser parser;
    struct buf text; /* the fields of the record being read */
    size_t *offsets; /* where each field starts in text */
    const char **ptrs;
    size_t nfields, cap;
    bool too_long, has_nul;
    int64_t line;        /* physical line being fed */
    int64_t record_line; /* where the current record started */
    bool await_start, at_line_start;
    csvin_record_fn fn;
    void *arg;
    enum c311_rc rc; /* first failure inside a libcsv callback */
};

/* Prepares in to read f (which the caller keeps and closes). */
enum c311_rc csvin_init(struct csvin *in, FILE *f);

/*
 * Reads f to its end, calling fn for every record. Returns C311_OK, the
 * first status fn returned other than C311_OK, or C311_ERR_IO /
 * C311_ERR_NOMEM with a sentence in *cause (malloc'd, the caller frees).
 */
enum c311_rc csvin_run(struct csvin *in, csvin_record_fn fn, void *arg,
                       char **cause);

/* Frees what the reader holds. */
void csvin_free(struct csvin *in);

#endif
