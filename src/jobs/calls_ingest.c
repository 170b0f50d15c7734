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

/* Calls written per transaction. */
#define INGEST_BATCH 100000

/* Bytes read from a file at a time. */
#define INGEST_CHUNK (8 << 20)

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
    if (g->reader == NULL) {
        acd_stream_free(g->stream);
        g->stream = NULL;
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
    g->reader = NULL;
    g->stream = NULL;
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

/* Rebuilds calls without storing them, counting them as new. */
static void
check_only(struct calls_ingest *g, const struct acd_pending_call *v, size_t n,
           struct arena *a)
{
    struct acd_call c;
    size_t i;

    for (i = 0; i < n; i++) {
        if (acd_call_build(v[i].callid, v[i].text, v[i].len, a, &c) == C311_OK)
            g->stats.inserted++;
        else
            g->stats.invalid++;
    }
}

/* Takes ready calls in batches and stores or checks them. */
enum c311_rc
calls_ingest_flush(struct calls_ingest *g, bool all, char **cause)
{
    struct acd_pending_call *v;
    struct acd_span *spans;
    struct arena a = ARENA_INIT;
    size_t n, nspans;
    enum c311_rc rc;

    do {
        rc = acd_stream_take(g->stream, all, INGEST_BATCH, &a, &v, &n);
        if (rc == C311_OK)
            rc = acd_stream_take_spans(g->stream, &a, &spans, &nspans);
        if (rc != C311_OK) {
            *cause = strdup("out of memory");
            break;
        }
        if (g->st != NULL)
            rc = calls_put(g->st, v, n, spans, nspans, calls_ingest_e164,
                           &g->stats, cause);
        else
            check_only(g, v, n, &a);
        arena_free(&a);
    } while (rc == C311_OK && n == INGEST_BATCH);
    arena_free(&a);
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
    enum c311_rc rc;

    if (f == NULL) {
        if (asprintf(cause, "cannot open %s: %s", path, strerror(errno)) < 0)
            *cause = NULL;
        return C311_ERR_IO;
    }
    rc = ingest_stream(g, f, path, cause);
    if (f != stdin)
        fclose(f);
    return rc;
}
