/* SPDX-License-Identifier: MIT */
/*
 * From queue_log bytes to stored calls. See jobs/calls_ingest.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/contact.h"
#include "jobs/calls_ingest.h"

/*
 * Calls written per transaction: few transactions, each a few MiB of
 * rows. Ready calls wait in a batch until it is full (or the input ends).
 */
#define INGEST_BATCH 20000

/* Bytes read from a file at a time. */
#define INGEST_CHUNK (1 << 20)

/* Makes the stream and the reader of an ingest. */
enum c311_rc
calls_ingest_init(struct calls_ingest *g, struct store *st,
                  enum queuelog_format fmt, const struct acd_stream_opts *opts)
{
    memset(g, 0, sizeof(*g));
    g->st = st;
    g->stream = acd_stream_new(opts);
    if (g->stream == NULL)
        return C311_ERR_NOMEM;
    g->reader = queuelog_reader_new(fmt, g->stream);
    g->batch = calls_batch_new(calls_ingest_e164);
    if (g->reader == NULL || g->batch == NULL) {
        queuelog_reader_free(g->reader);
        acd_stream_free(g->stream);
        calls_batch_free(g->batch);
        g->reader = NULL;
        g->stream = NULL;
        g->batch = NULL;
        return C311_ERR_NOMEM;
    }
    return C311_OK;
}

/* Frees the reader and the stream. */
void
calls_ingest_free(struct calls_ingest *g)
{
    queuelog_reader_free(g->reader);
    acd_stream_free(g->stream);
    calls_batch_free(g->batch);
    g->reader = NULL;
    g->stream = NULL;
    g->batch = NULL;
}

/* Feeds bytes to the reader, turning a failure into a cause. */
enum c311_rc
calls_ingest_feed(struct calls_ingest *g, const char *buf, size_t n,
                  char **cause)
{
    enum c311_rc rc = queuelog_reader_feed(g->reader, buf, n);

    if (rc == C311_ERR_INVALID)
        *cause = strdup("the CSV cannot be parsed (an unterminated quote?)");
    else if (rc != C311_OK)
        *cause = strdup("out of memory");
    return rc;
}

/*
 * Turns a caller id into E.164 by the rule callers' phones follow
 * (core/contact.h): the number inside "Name <number>", or the whole id.
 */
const char *
calls_ingest_e164(const char *caller, char *out, size_t size)
{
    char num[64], e164[CONTACT_PHONE_SIZE];
    const char *lt = strchr(caller, '<'), *gt;
    size_t n;

    if (lt != NULL && (gt = strchr(lt, '>')) != NULL) {
        n = (size_t)(gt - lt - 1);
        if (n >= sizeof(num))
            return NULL;
        memcpy(num, lt + 1, n);
        num[n] = '\0';
        caller = num;
    }
    if (!contact_phone_e164(caller, e164) || strlen(e164) >= size)
        return NULL;
    return strcpy(out, e164);
}

/*
 * Takes ready calls (all held calls when all is set) into the batch, and
 * writes it when it is full or all is set. Without a store, counts the
 * batch's calls as new (calls_batch_write).
 */
enum c311_rc
calls_ingest_flush(struct calls_ingest *g, bool all, char **cause)
{
    struct acd_pending_call *v;
    struct acd_span *spans;
    struct arena a = ARENA_INIT;
    size_t n, nspans, room;
    enum c311_rc rc;

    do {
        room = INGEST_BATCH - calls_batch_len(g->batch);
        rc = acd_stream_take(g->stream, all, room, &a, &v, &n);
        if (rc == C311_OK)
            rc = acd_stream_take_spans(g->stream, &a, &spans, &nspans);
        if (rc == C311_OK)
            rc = calls_batch_add(g->batch, v, n);
        if (rc == C311_OK)
            rc = calls_batch_add_spans(g->batch, spans, nspans);
        arena_free(&a);
        if (rc != C311_OK) {
            *cause = strdup("out of memory");
            break;
        }
        if (!all && calls_batch_len(g->batch) < INGEST_BATCH)
            break;
        rc = calls_batch_write(g->st, g->batch, &g->stats, cause);
    } while (rc == C311_OK && n == room);
    return rc;
}

/* Feeds the whole of f, writing ready calls after every chunk. */
static enum c311_rc
ingest_stream(struct calls_ingest *g, FILE *f, const char *path, char **cause)
{
    enum c311_rc rc = C311_OK;
    char *buf = malloc(INGEST_CHUNK);
    size_t n;

    if (buf == NULL) {
        *cause = strdup("out of memory");
        return C311_ERR_NOMEM;
    }
    while (rc == C311_OK && (n = fread(buf, 1, INGEST_CHUNK, f)) > 0) {
        rc = calls_ingest_feed(g, buf, n, cause);
        if (rc == C311_OK)
            rc = calls_ingest_flush(g, false, cause);
    }
    if (rc == C311_OK && ferror(f)) {
        if (asprintf(cause, "reading %s: %s", path, strerror(errno)) < 0)
            *cause = NULL;
        rc = C311_ERR_IO;
    }
    free(buf);
    if (rc == C311_OK)
        rc = queuelog_reader_finish(g->reader);
    if (rc == C311_OK)
        rc = calls_ingest_flush(g, true, cause);
    return rc;
}

/* Opens the file (or standard input) and ingests all of it. */
enum c311_rc
calls_ingest_file(struct calls_ingest *g, const char *path, char **cause)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    enum c311_rc rc, rc2;
    char *cause2 = NULL;
    bool bulk;

    if (f == NULL) {
        if (asprintf(cause, "cannot open %s: %s", path, strerror(errno)) < 0)
            *cause = NULL;
        return C311_ERR_IO;
    }
    rc = g->st != NULL ? calls_load_begin(g->st, &bulk, cause) : C311_OK;
    if (rc == C311_OK)
        rc = ingest_stream(g, f, path, cause);
    if (f != stdin)
        fclose(f);
    /* The indexes are back even when the import failed half way. */
    rc2 = g->st != NULL ? calls_indexes_ensure(g->st, &cause2) : C311_OK;
    if (rc == C311_OK && rc2 != C311_OK) {
        *cause = cause2;
        return rc2;
    }
    free(cause2);
    return rc;
}
