/* SPDX-License-Identifier: MIT */
/*
 * The knowledge base search log, written behind the searches. Every
 * search is queued in memory and a writer thread stores the queue about
 * once a second (or once 256 are waiting) in one transaction, so that a
 * search never waits for a commit. The usage report flushes the queue of
 * its own server before it reads. A crash loses at most the last second
 * of searches of that server; a clean stop writes them.
 */
#ifndef CIVIC311_KB_LOG_H
#define CIVIC311_KB_LOG_H

#include "store/kb_store.h"

/* Searches queued at most; more are dropped (and counted in the log). */
#define KB_LOG_QUEUE_MAX 10000

/* Starts the writer thread for st. */
enum c311_rc kb_log_start(struct store *st);

/*
 * Queues a copy of e. Without a running writer (the thread failed to
 * start, or it has stopped), e is written at once instead.
 */
void kb_log_add(struct store *st, const struct kb_search_entry *e);

/* Writes what is queued now, in the caller's thread. */
void kb_log_flush(struct store *st);

/* Writes what is queued and stops the writer thread. */
void kb_log_stop(void);

#endif
