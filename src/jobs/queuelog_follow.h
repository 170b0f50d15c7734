/* SPDX-License-Identifier: MIT */
/*
 * Following a live queue_log, as `serve --queue-log FILE` does: a thread
 * reads what the ACD appends, stores the calls (jobs/calls_ingest.h) and
 * keeps in the store how far it has read, so that a restarted server
 * goes on where it stopped. It survives rotation: when the path names a
 * new file (another inode) it finishes the old one and starts the new one
 * from its beginning; when the file shrinks (copytruncate) it starts over.
 * A file that does not exist yet is waited for.
 *
 * Every tick that read something ends with everything the stream holds
 * written out (calls still going are merged again when they go on), then
 * the position: nothing is only in memory when the position is saved.
 * When the store fails, the tick is undone and read again later.
 */
#ifndef CIVIC311_QUEUELOG_FOLLOW_H
#define CIVIC311_QUEUELOG_FOLLOW_H

#include "store/store.h"
#include "util/status.h"

/* Milliseconds between looks at the file. */
#define QUEUELOG_FOLLOW_TICK_MS 500

struct queuelog_follow;

/*
 * Starts following path into st; tick_ms 0 picks the default. On failure
 * *cause (malloc'd) says why.
 */
enum c311_rc queuelog_follow_start(struct store *st, const char *path,
                                   unsigned tick_ms,
                                   struct queuelog_follow **out, char **cause);

/* Reads what is left, stores it, stops the thread and frees f. */
void queuelog_follow_stop(struct queuelog_follow *f);

#endif
