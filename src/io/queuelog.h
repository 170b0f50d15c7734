/* SPDX-License-Identifier: MIT */
/*
 * Reading queue_log files into a call stream (core/acd.h), in either form
 * an Asterisk system keeps them:
 *
 *   - the pipe log, "epoch|callid|queue|agent|EVENT|data...", one event a
 *     line;
 *   - the same events exported from a database table as CSV (libcsv):
 *     time, callid, queuename, agent, event, data1 .. data5. A header row
 *     (its first cell "time", or an "id" column first) names the columns;
 *     a single "data" column holding "a|b|c" is split. The time is epoch
 *     seconds or "YYYY-MM-DD HH:MM:SS", optionally with a fraction, read
 *     in the process time zone (the jurisdiction's).
 *
 * Bytes may come in any pieces, so a reader serves a followed file as
 * well as a whole one; a line is judged the same wherever the pieces cut
 * it. A UTF-8 byte order mark first in the bytes is skipped.
 */
#ifndef CIVIC311_QUEUELOG_H
#define CIVIC311_QUEUELOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/acd.h"
#include "util/status.h"

enum queuelog_format {
    QUEUELOG_AUTO, /* decided by the first line shaped like either */
    QUEUELOG_PIPE,
    QUEUELOG_CSV,
};

struct queuelog_reader;

/* A reader feeding stream s; NULL when out of memory. */
struct queuelog_reader *queuelog_reader_new(enum queuelog_format fmt,
                                            struct acd_stream *s);
void queuelog_reader_free(struct queuelog_reader *r);

/* Feeds n bytes; every line they complete goes to the stream. */
enum c311_rc queuelog_reader_feed(struct queuelog_reader *r, const char *buf,
                                  size_t n);

/* Ends the input: a last line without a newline is read too. */
enum c311_rc queuelog_reader_finish(struct queuelog_reader *r);

/*
 * Bytes fed up to the end of the last complete line of a pipe log: where
 * to start again to read nothing twice and miss nothing.
 */
uint64_t queuelog_reader_done(const struct queuelog_reader *r);

/* The format the reader settled on (QUEUELOG_AUTO until it knows). */
enum queuelog_format queuelog_reader_format(const struct queuelog_reader *r);

/*
 * Reads a CSV time cell: epoch seconds, or "YYYY-MM-DD HH:MM:SS" with an
 * optional fraction, as local time. False when it is neither.
 */
bool queuelog_parse_time(const char *s, size_t n, int64_t *out);

#endif
