/* SPDX-License-Identifier: MIT */
/*
 * The thread behind `serve --queue-log`. See jobs/queuelog_follow.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jobs/calls_ingest.h"
#include "jobs/queuelog_follow.h"
#include "util/isotime.h"
#include "util/log.h"

#define FOLLOW_CHUNK (256 * 1024)

struct queuelog_follow {
    struct store *st;
    char *path;
    unsigned tick_ms;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;

    /* Owned by the thread. */
    int fd;
    char inode[64]; /* "dev:ino" of the open file */
    int64_t base;   /* offset in the file where the reader started */
    int64_t saved;  /* position last kept in the store */
    struct calls_ingest ingest;
    bool have_ingest;
    bool missing_logged;
    uint64_t over_limit_logged; /* lines over a call's limit, said so */
    char *buf;
};

/* Writes the identity of a file as "dev:ino". */
static void
inode_of(const struct stat *sb, char out[64])
{
    snprintf(out, 64, "%ju:%ju", (uintmax_t)sb->st_dev, (uintmax_t)sb->st_ino);
}

/* Starts a fresh reader at offset base of the open file. */
static bool
reader_reset(struct queuelog_follow *f, int64_t base)
{
    if (f->have_ingest)
        calls_ingest_free(&f->ingest);
    f->have_ingest =
        calls_ingest_init(&f->ingest, f->st, QUEUELOG_PIPE, NULL) == C311_OK;
    f->base = base;
    f->over_limit_logged = 0;
    if (!f->have_ingest)
        log_error("calls", "out of memory following the queue log");
    return f->have_ingest && lseek(f->fd, base, SEEK_SET) == base;
}

/* The byte after the last complete line read from the open file. */
static int64_t
position(const struct queuelog_follow *f)
{
    return f->base + (int64_t)queuelog_reader_done(f->ingest.reader);
}

/* Stores the calls held and the position; on failure reads again later. */
static void
commit(struct queuelog_follow *f)
{
    struct calls_source src;
    char *cause = NULL;
    int64_t pos = position(f);

    src.inode = f->inode;
    src.position = pos;
    if (calls_ingest_flush(&f->ingest, true, &cause) == C311_OK &&
        calls_source_put(f->st, f->path, &src, isotime_now(), &cause) ==
            C311_OK) {
        f->saved = pos;
        return;
    }
    log_warning("calls",
                "storing calls from the queue log failed, will "
                "read again: %s",
                cause ? cause : "unknown error");
    free(cause);
    reader_reset(f, f->saved);
}

/*
 * Opens the file at path, going on from the kept position when it is the
 * same file and not shorter than that. False when it cannot be opened.
 */
static bool
open_log(struct queuelog_follow *f)
{
    struct arena a = ARENA_INIT;
    struct calls_source src;
    struct stat sb;
    int64_t from = 0;

    f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0 || fstat(f->fd, &sb) != 0) {
        if (!f->missing_logged)
            log_warning("calls",
                        "cannot open the queue log %s: %s, "
                        "waiting for it",
                        f->path, strerror(errno));
        f->missing_logged = true;
        if (f->fd >= 0)
            close(f->fd);
        f->fd = -1;
        return false;
    }
    f->missing_logged = false;
    inode_of(&sb, f->inode);
    if (calls_source_get(f->st, f->path, &a, &src, NULL) == C311_OK &&
        strcmp(src.inode, f->inode) == 0 && src.position <= sb.st_size)
        from = src.position;
    arena_free(&a);
    log_info("calls", "following the queue log %s from byte %" PRId64, f->path,
             from);
    f->saved = from;
    return reader_reset(f, from);
}

/* Reads everything the open file has now; true when it read something. */
static bool
drain(struct queuelog_follow *f)
{
    char *cause = NULL;
    bool any = false;
    const struct acd_counts *k;
    ssize_t n;

    while ((n = read(f->fd, f->buf, FOLLOW_CHUNK)) > 0) {
        any = true;
        if (calls_ingest_feed(&f->ingest, f->buf, (size_t)n, &cause) !=
            C311_OK) {
            log_warning("calls", "queue log %s: %s", f->path,
                        cause ? cause : "unreadable");
            free(cause);
            cause = NULL;
        }
    }
    /* Lines dropped from a call that is full are said, never silent. */
    k = f->have_ingest ? acd_stream_counts(f->ingest.stream) : NULL;
    if (k != NULL && k->over_limit > f->over_limit_logged) {
        log_warning("calls",
                    "queue log %s: %llu lines over a call's limit (8 MiB "
                    "of text) dropped",
                    f->path,
                    (unsigned long long)(k->over_limit - f->over_limit_logged));
        f->over_limit_logged = k->over_limit;
    }
    return any;
}

/* Closes the open file after reading its last line. */
static void
close_log(struct queuelog_follow *f)
{
    drain(f);
    queuelog_reader_finish(f->ingest.reader);
    commit(f);
    close(f->fd);
    f->fd = -1;
}

/*
 * Checks whether path still names the open file at full length; if it was
 * rotated or truncated, finishes or restarts accordingly.
 *
 * TODO: a file truncated in place and written past the old position
 * between two looks is not seen as truncated; the lines before the old
 * position are missed until the log is imported again.
 */
static void
check_rotation(struct queuelog_follow *f)
{
    struct stat now, open_sb;
    char inode[64];

    if (fstat(f->fd, &open_sb) == 0 && open_sb.st_size < position(f)) {
        log_info("calls", "queue log %s was truncated, reading it again",
                 f->path);
        f->saved = 0;
        reader_reset(f, 0);
        return;
    }
    if (stat(f->path, &now) != 0)
        return; /* moved away, the new one not there yet */
    inode_of(&now, inode);
    if (strcmp(inode, f->inode) == 0)
        return;
    log_info("calls", "queue log %s was rotated", f->path);
    close_log(f);
    open_log(f);
}

/* One look at the file. */
static void
tick(struct queuelog_follow *f)
{
    if (f->fd < 0 && !open_log(f))
        return;
    if (drain(f))
        commit(f);
    check_rotation(f);
}

/* Waits a tick or until stopped; true to go on. */
static bool
wait_tick(struct queuelog_follow *f)
{
    struct timespec ts;
    bool go;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += f->tick_ms / 1000;
    ts.tv_nsec += (long)(f->tick_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&f->lock);
    if (!f->stop)
        pthread_cond_timedwait(&f->wake, &f->lock, &ts);
    go = !f->stop;
    pthread_mutex_unlock(&f->lock);
    return go;
}

/* The thread: look, wait, until stopped; then a last look. */
static void *
follow_main(void *arg)
{
    struct queuelog_follow *f = arg;
    char *cause = NULL;

    /* An import cut short may have left the call table without them. */
    if (calls_indexes_ensure(f->st, &cause) != C311_OK)
        log_warning("calls", "cannot build the call indexes: %s",
                    cause ? cause : "unknown error");
    free(cause);
    do
        tick(f);
    while (wait_tick(f));
    if (f->fd >= 0)
        close_log(f);
    return NULL;
}

/* Starts the follower thread. */
enum c311_rc
queuelog_follow_start(struct store *st, const char *path, unsigned tick_ms,
                      struct queuelog_follow **out, char **cause)
{
    struct queuelog_follow *f = calloc(1, sizeof(*f));

    *out = NULL;
    if (f == NULL || (f->path = strdup(path)) == NULL ||
        (f->buf = malloc(FOLLOW_CHUNK)) == NULL) {
        if (f != NULL) {
            free(f->path);
            free(f);
        }
        *cause = strdup("out of memory");
        return C311_ERR_NOMEM;
    }
    f->st = st;
    f->fd = -1;
    f->tick_ms = tick_ms ? tick_ms : QUEUELOG_FOLLOW_TICK_MS;
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->wake, NULL);
    if (pthread_create(&f->thread, NULL, follow_main, f) != 0) {
        pthread_mutex_destroy(&f->lock);
        pthread_cond_destroy(&f->wake);
        free(f->buf);
        free(f->path);
        free(f);
        *cause = strdup("cannot start the queue log thread");
        return C311_ERR_INTERNAL;
    }
    *out = f;
    return C311_OK;
}

/* Wakes the follower, waits for its last look and frees it. */
void
queuelog_follow_stop(struct queuelog_follow *f)
{
    if (f == NULL)
        return;
    pthread_mutex_lock(&f->lock);
    f->stop = true;
    pthread_cond_signal(&f->wake);
    pthread_mutex_unlock(&f->lock);
    pthread_join(f->thread, NULL);
    if (f->have_ingest)
        calls_ingest_free(&f->ingest);
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->wake);
    free(f->buf);
    free(f->path);
    free(f);
}
