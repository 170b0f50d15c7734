/* SPDX-License-Identifier: MIT */
/*
 * Ingesting a queue_log: bytes go through a reader (io/queuelog.h) into a
 * call stream (core/acd.h), and the calls the stream hands out go to the
 * store (store/calls.h) in batches. Shared by `civic311 calls import` and
 * the follower that `serve --queue-log` runs. Caller ids are stored in
 * E.164 when they read as a phone number.
 */
#ifndef CIVIC311_CALLS_INGEST_H
#define CIVIC311_CALLS_INGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/acd.h"
#include "io/queuelog.h"
#include "store/calls.h"

struct calls_writer;

struct calls_ingest {
    struct store *st;
    struct acd_stream *stream;
    struct queuelog_reader *reader;
    struct calls_batch *batch;   /* ready calls not yet written */
    struct calls_writer *writer; /* a file import's writing thread */
    struct arena taken;          /* calls taken from the stream, emptied
                                    after each flush */
    struct calls_put_stats stats;
};

/*
 * Prepares g to read fmt into st; opts (may be NULL) tune the stream.
 * With st NULL calls are rebuilt and counted but stored nowhere (a check
 * of a log). C311_ERR_NOMEM when out of memory.
 */
enum c311_rc calls_ingest_init(struct calls_ingest *g, struct store *st,
                               enum queuelog_format fmt,
                               const struct acd_stream_opts *opts);

/* Frees what g holds; calls not yet flushed are lost. */
void calls_ingest_free(struct calls_ingest *g);

/* Feeds n bytes of the log. */
enum c311_rc calls_ingest_feed(struct calls_ingest *g, const char *buf,
                               size_t n, char **cause);

/*
 * Writes the calls that are ready (every call held, with all) and the
 * agent spans seen so far to the store, in batches.
 */
enum c311_rc calls_ingest_flush(struct calls_ingest *g, bool all, char **cause);

/*
 * Reads the whole file at path ("-": standard input), then flushes
 * everything.
 */
enum c311_rc calls_ingest_file(struct calls_ingest *g, const char *path,
                               char **cause);

/*
 * Writes caller as E.164 to out (size bytes) when it reads as a phone
 * number, the way callers' phones are kept; NULL otherwise.
 */
const char *calls_ingest_e164(const char *caller, char *out, size_t size);

#endif
