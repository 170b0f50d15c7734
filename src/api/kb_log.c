/* SPDX-License-Identifier: MIT */
/*
 * The writer of the search log (see kb_log.h): a queue under a mutex, and
 * one thread that wakes at least once a second to store it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/kb_log.h"
#include "util/log.h"

#define KB_LOG_BATCH    256
#define KB_LOG_PERIOD_S 1

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct kb_search_entry *queue;
static size_t nqueue, capqueue, ndropped;
static struct store *writer_store;
static pthread_t writer;
static bool running, stopping;

/* A malloc'd copy of s; NULL stays NULL. */
static char *
dup_or_null(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

/* Frees the strings of one entry. */
static void
free_strings(struct kb_search_entry *e)
{
    free((char *)e->actor);
    free((char *)e->query);
    free((char *)e->norm);
    free((char *)e->lang);
}

/* Frees the strings of n entries and the array. */
static void
free_entries(struct kb_search_entry *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free_strings(&v[i]);
    free(v);
}

/* Stores n entries in one transaction and frees them. */
static void
write_entries(struct store *st, struct kb_search_entry *v, size_t n)
{
    char *cause = NULL;
    char esc[256];

    if (n > 0 && kb_store_search_log(st, v, n, &cause) != C311_OK)
        log_warning("kb", "writing %zu searches to the log failed: %s", n,
                    log_escape(cause != NULL ? cause : "?", esc, sizeof(esc)));
    free(cause);
    free_entries(v, n);
}

/* Takes the whole queue; the caller holds the lock. */
static struct kb_search_entry *
take_queue(size_t *n)
{
    struct kb_search_entry *v = queue;

    *n = nqueue;
    queue = NULL;
    nqueue = capqueue = 0;
    if (ndropped > 0) {
        log_warning("kb", "%zu searches were not logged: the queue was full",
                    ndropped);
        ndropped = 0;
    }
    return v;
}

/* The writer: stores the queue every second, or sooner when it fills. */
static void *
writer_main(void *arg)
{
    struct kb_search_entry *v;
    struct timespec until;
    bool last;
    size_t n;

    (void)arg;
    pthread_mutex_lock(&lock);
    for (;;) {
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += KB_LOG_PERIOD_S;
        while (!stopping && nqueue < KB_LOG_BATCH &&
               pthread_cond_timedwait(&wake, &lock, &until) != ETIMEDOUT)
            ;
        last = stopping;
        v = take_queue(&n);
        pthread_mutex_unlock(&lock);
        write_entries(writer_store, v, n);
        if (last)
            return NULL;
        pthread_mutex_lock(&lock);
    }
}

/* Starts the writer; see kb_log.h. */
enum c311_rc
kb_log_start(struct store *st)
{
    pthread_mutex_lock(&lock);
    writer_store = st;
    stopping = false;
    running = pthread_create(&writer, NULL, writer_main, NULL) == 0;
    pthread_mutex_unlock(&lock);
    return running ? C311_OK : C311_ERR_INTERNAL;
}

/* Appends c to the queue; the caller holds the lock. False when full. */
static bool
enqueue(const struct kb_search_entry *c)
{
    struct kb_search_entry *nv;
    size_t cap;

    if (nqueue == capqueue) {
        cap = capqueue ? capqueue * 2 : KB_LOG_BATCH;
        nv = cap <= KB_LOG_QUEUE_MAX ? realloc(queue, cap * sizeof(*queue))
                                     : NULL;
        if (nv == NULL)
            return false;
        queue = nv;
        capqueue = cap;
    }
    queue[nqueue++] = *c;
    if (nqueue == KB_LOG_BATCH)
        pthread_cond_signal(&wake);
    return true;
}

/* Queues a search, or writes it when no writer runs; see kb_log.h. */
void
kb_log_add(struct store *st, const struct kb_search_entry *e)
{
    struct kb_search_entry *one, c = *e;
    bool queued;

    c.actor = dup_or_null(e->actor);
    c.query = dup_or_null(e->query);
    c.norm = dup_or_null(e->norm);
    c.lang = dup_or_null(e->lang);
    pthread_mutex_lock(&lock);
    if (running && !stopping) {
        queued = enqueue(&c);
        ndropped += !queued;
        pthread_mutex_unlock(&lock);
        if (!queued)
            free_strings(&c);
        return;
    }
    pthread_mutex_unlock(&lock);
    one = malloc(sizeof(*one));
    if (one == NULL) {
        free_strings(&c);
        return;
    }
    *one = c;
    write_entries(st, one, 1);
}

/* Writes the queue now; see kb_log.h. */
void
kb_log_flush(struct store *st)
{
    struct kb_search_entry *v;
    size_t n;

    pthread_mutex_lock(&lock);
    v = take_queue(&n);
    pthread_mutex_unlock(&lock);
    write_entries(st, v, n);
}

/* Stops the writer after a last write; see kb_log.h. */
void
kb_log_stop(void)
{
    pthread_mutex_lock(&lock);
    if (!running) {
        pthread_mutex_unlock(&lock);
        return;
    }
    stopping = true;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(writer, NULL);
    pthread_mutex_lock(&lock);
    running = false;
    pthread_mutex_unlock(&lock);
}
