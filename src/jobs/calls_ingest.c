/* SPDX-License-Identifier: MIT */
/*
 * From queue_log bytes to stored calls. See jobs/calls_ingest.h.
 */
#include <errno.h>
#include <pthread.h>
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

/*
 * Bytes fed between two looks for ready calls: few enough that the calls
 * handed out were touched recently and are still in the processor's
 * cache.
 */
#define INGEST_SLICE (64 << 10)

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
    arena_free(&g->taken);
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
 * The writer of a file import: a thread that writes one batch while the
 * reader fills the next, so reading and rebuilding (one core) overlap
 * with the store's work (another).
 */
struct calls_writer {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct store *st;
    struct calls_batch *job;   /* the batch to write, NULL when idle */
    struct calls_batch *spare; /* the batch written last, empty */
    bool stop;
    enum c311_rc rc; /* of the first write that failed */
    char *cause;
    struct calls_put_stats stats;
};

/* Writes the batches handed over until told to stop. */
static void *
writer_main(void *arg)
{
    struct calls_writer *w = arg;
    struct calls_put_stats stats;
    struct calls_batch *b;
    char *cause = NULL;
    enum c311_rc rc;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (w->job == NULL && !w->stop)
            pthread_cond_wait(&w->cond, &w->lock);
        if (w->job == NULL)
            break;
        b = w->job;
        pthread_mutex_unlock(&w->lock);
        memset(&stats, 0, sizeof(stats));
        rc = calls_batch_write(w->st, b, &stats, &cause);
        pthread_mutex_lock(&w->lock);
        w->stats.inserted += stats.inserted;
        w->stats.merged += stats.merged;
        w->stats.unchanged += stats.unchanged;
        w->stats.invalid += stats.invalid;
        if (rc != C311_OK && w->rc == C311_OK) {
            w->rc = rc;
            w->cause = cause;
            cause = NULL;
        }
        free(cause);
        cause = NULL;
        w->spare = b;
        w->job = NULL;
        pthread_cond_broadcast(&w->cond);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* Starts the writer of g; false when it cannot (the import stays serial). */
static bool
writer_start(struct calls_ingest *g)
{
    struct calls_writer *w = calloc(1, sizeof(*w));

    if (w == NULL || (w->spare = calls_batch_new(calls_ingest_e164)) == NULL) {
        free(w);
        return false;
    }
    w->st = g->st;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->cond);
        calls_batch_free(w->spare);
        free(w);
        return false;
    }
    g->writer = w;
    return true;
}

/* Waits until the writer is idle; its first failure, if any. */
static enum c311_rc
writer_wait(struct calls_writer *w, char **cause)
{
    enum c311_rc rc;

    pthread_mutex_lock(&w->lock);
    while (w->job != NULL)
        pthread_cond_wait(&w->cond, &w->lock);
    rc = w->rc;
    if (rc != C311_OK && cause != NULL) {
        *cause = w->cause;
        w->cause = NULL;
    }
    pthread_mutex_unlock(&w->lock);
    return rc;
}

/* Hands g's batch to the writer and takes the empty one back. */
static enum c311_rc
writer_give(struct calls_ingest *g, char **cause)
{
    struct calls_writer *w = g->writer;
    struct calls_batch *b = g->batch;
    enum c311_rc rc;

    calls_batch_order(b); /* while the writer may still be busy */
    rc = writer_wait(w, cause);
    if (rc != C311_OK)
        return rc;
    pthread_mutex_lock(&w->lock);
    g->batch = w->spare;
    w->spare = NULL;
    w->job = b;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    return C311_OK;
}

/* Waits for the last write, stops the writer and adds up its counts. */
static enum c311_rc
writer_stop(struct calls_ingest *g, char **cause)
{
    struct calls_writer *w = g->writer;
    enum c311_rc rc;

    if (w == NULL)
        return C311_OK;
    rc = writer_wait(w, cause);
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    g->stats.inserted += w->stats.inserted;
    g->stats.merged += w->stats.merged;
    g->stats.unchanged += w->stats.unchanged;
    g->stats.invalid += w->stats.invalid;
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    calls_batch_free(w->spare);
    free(w->cause);
    free(w);
    g->writer = NULL;
    return rc;
}

/* Rebuilds one call the stream hands out into the batch. */
static enum c311_rc
add_one(void *arg, const struct acd_pending_call *p)
{
    return calls_batch_add(arg, p, 1);
}

/*
 * Takes ready calls (all held calls when all is set) into the batch, and
 * writes it when it is full or all is set (handing it to the writer
 * thread during a file import). Without a store, counts the
 * batch's calls as new (calls_batch_write).
 */
enum c311_rc
calls_ingest_flush(struct calls_ingest *g, bool all, char **cause)
{
    struct acd_span *spans;
    struct arena *a = &g->taken;
    size_t n, nspans, room;
    enum c311_rc rc;

    do {
        room = INGEST_BATCH - calls_batch_len(g->batch);
        /* Rebuilt straight from the stream's memory, while it is hot. */
        rc = acd_stream_visit(g->stream, all, room, add_one, g->batch, &n);
        if (rc == C311_OK)
            rc = acd_stream_take_spans(g->stream, a, &spans, &nspans);
        if (rc == C311_OK)
            rc = calls_batch_add_spans(g->batch, spans, nspans);
        arena_reset(a);
        if (rc != C311_OK) {
            *cause = strdup("out of memory");
            break;
        }
        if (!all && calls_batch_len(g->batch) < INGEST_BATCH)
            break;
        if (g->writer != NULL)
            rc = writer_give(g, cause);
        else
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
    size_t n, off, slice;

    if (buf == NULL) {
        *cause = strdup("out of memory");
        return C311_ERR_NOMEM;
    }
    while (rc == C311_OK && (n = fread(buf, 1, INGEST_CHUNK, f)) > 0) {
        for (off = 0; rc == C311_OK && off < n; off += slice) {
            slice = n - off < INGEST_SLICE ? n - off : INGEST_SLICE;
            rc = calls_ingest_feed(g, buf + off, slice, cause);
            if (rc == C311_OK)
                rc = calls_ingest_flush(g, false, cause);
        }
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
    if (rc == C311_OK && g->st != NULL)
        writer_start(g);
    if (rc == C311_OK)
        rc = ingest_stream(g, f, path, cause);
    rc2 = writer_stop(g, rc == C311_OK ? cause : NULL);
    if (rc == C311_OK)
        rc = rc2;
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
