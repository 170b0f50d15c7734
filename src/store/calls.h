/* SPDX-License-Identifier: MIT */
/*
 * The contact centre's calls in the store, written once on store/sqlx.h
 * for every back end (with a faster path for SQLite's bulk inserts and
 * scans). A call is kept as a summary for look-ups and its legs and
 * rings as compact text for reports (acd_call_legs_text), plus, while it
 * may still grow, its event set (canonical queue_log lines, core/acd.h);
 * once it is over, the hashes of its lines instead. Writing a call whose
 * callid is stored already merges the two event sets and rebuilds the
 * call, or, for a call stored without its lines, adds the legs of lines
 * it did not have; so reading the same lines twice changes nothing.
 * Agent login and pause spans feed occupancy; a followed log's position
 * is kept per path.
 */
#ifndef CIVIC311_STORE_CALLS_H
#define CIVIC311_STORE_CALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/acd.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/status.h"

/* What a calls_put did with its calls. */
struct calls_put_stats {
    uint64_t inserted;  /* new callids */
    uint64_t merged;    /* stored callids that gained lines */
    uint64_t unchanged; /* stored callids that gained nothing */
    uint64_t invalid;   /* event sets without a queue event (only DID...) */
};

/*
 * Normalises a caller id for storage; writes at most size bytes to out
 * and returns out, or NULL to store the caller id as logged.
 */
typedef const char *(*calls_caller_fn)(const char *caller, char *out,
                                       size_t size);

/*
 * Writes n calls and nspans agent state changes (in log order) in one
 * transaction. norm (may be NULL) turns caller ids into E.164. Adds to
 * *stats when it is not NULL.
 */
enum c311_rc calls_put(struct store *st, const struct acd_pending_call *v,
                       size_t n, const struct acd_span *spans, size_t nspans,
                       calls_caller_fn norm, struct calls_put_stats *stats,
                       char **cause);

/*
 * A batch of calls to write: rebuilt when added (the rows they store are
 * kept, a few hundred bytes a call), written in one transaction. Adding
 * and writing may run on different threads, one batch at a time each.
 */
struct calls_batch;

/* An empty batch; norm as for calls_put. NULL when out of memory. */
struct calls_batch *calls_batch_new(calls_caller_fn norm);
void calls_batch_free(struct calls_batch *b);

/* Rebuilds n calls into the batch; C311_ERR_NOMEM when out of memory. */
enum c311_rc calls_batch_add(struct calls_batch *b,
                             const struct acd_pending_call *v, size_t n);

/* Adds agent state changes (in log order) to the batch. */
enum c311_rc calls_batch_add_spans(struct calls_batch *b,
                                   const struct acd_span *v, size_t n);

/*
 * Puts the batch's calls in order of entry before it is written (unless
 * a callid is there twice), so that reports read them back faster.
 */
void calls_batch_order(struct calls_batch *b);

/* Number of calls in the batch. */
size_t calls_batch_len(const struct calls_batch *b);

/*
 * Writes the batch in one transaction (as calls_put) and empties it when
 * that succeeds. Adds to *stats when it is not NULL. With st NULL writes
 * nothing and counts every call as new (a dry run).
 */
enum c311_rc calls_batch_write(struct store *st, struct calls_batch *b,
                               struct calls_put_stats *stats, char **cause);

/*
 * Before a large load: when no call is stored yet, drops the indexes on
 * entry time and caller (*bulk set), which are built faster in one go
 * afterwards by calls_indexes_ensure than row by row. Otherwise makes
 * sure they exist (a load cut short leaves them out).
 */
enum c311_rc calls_load_begin(struct store *st, bool *bulk, char **cause);

/* Builds the call table's indexes on entry time and caller if missing. */
enum c311_rc calls_indexes_ensure(struct store *st, char **cause);

/* A stored call's summary, as its history shows it. */
struct calls_row {
    int64_t id;
    const char *callid;
    const char *caller;
    const char *queue;                         /* the first queue it entered */
    const char *agent;                         /* who answered first, or NULL */
    int64_t entered_at, answered_at, ended_at; /* 0 when unknown */
    const char *outcome; /* acd_outcome_name of the call's outcome */
    int64_t wait, talk;  /* seconds, -1 when unknown */
};

/* Called for each call a scan finds, rebuilt; non-OK stops the scan. */
typedef enum c311_rc (*calls_scan_fn)(void *arg, const struct acd_call *c,
                                      const struct calls_row *row);

/*
 * Reads every call whose first entry is in [from, to), in order of
 * entry, from its legs (or by replaying its event set when it has none)
 * and hands each to fn. Memory does not grow with the number of calls.
 */
enum c311_rc calls_scan(struct store *st, int64_t from, int64_t to,
                        calls_scan_fn fn, void *arg, char **cause);

/*
 * The agent spans that overlap [from, to), with start and end (0 while
 * open), in a.
 */
enum c311_rc calls_spans(struct store *st, int64_t from, int64_t to,
                         struct arena *a, struct acd_span **out, size_t *n,
                         char **cause);

/* The latest limit calls from caller (as stored), newest first. */
enum c311_rc calls_by_caller(struct store *st, const char *caller, size_t limit,
                             struct arena *a, struct calls_row **out, size_t *n,
                             char **cause);

/* A request filed by phone, for linking it to a call. */
struct calls_request {
    const char *public_id;
    const char *phone; /* as stored on the request */
    int64_t requested_at;
};

/*
 * Requests of channel "phone" with a phone number, filed in [from, to),
 * in a (oldest first).
 */
enum c311_rc calls_phone_requests(struct store *st, int64_t from, int64_t to,
                                  struct arena *a, struct calls_request **out,
                                  size_t *n, char **cause);

/*
 * Calls per hour: for every UTC hour in [from, to) with calls, the hour's
 * start and the number of calls that first entered a queue in it.
 */
enum c311_rc calls_hourly(struct store *st, int64_t from, int64_t to,
                          struct arena *a, int64_t **hours, int64_t **counts,
                          size_t *n, char **cause);

/*
 * Talk seconds summed over the calls that first entered a queue in
 * [from, to) and whose talk is known, and how many they are.
 */
enum c311_rc calls_talk(struct store *st, int64_t from, int64_t to,
                        int64_t *sum, int64_t *n, char **cause);

/* The first and last entry of any stored call; 0 and 0 when none. */
enum c311_rc calls_range(struct store *st, int64_t *first, int64_t *last,
                         char **cause);

/* How far a followed queue_log was read. */
struct calls_source {
    const char *inode; /* "device:inode" of the file read */
    int64_t position;  /* bytes read and stored */
};

/* The position kept for path; C311_ERR_NOT_FOUND when there is none. */
enum c311_rc calls_source_get(struct store *st, const char *path,
                              struct arena *a, struct calls_source *out,
                              char **cause);

/* Keeps the position of path. */
enum c311_rc calls_source_put(struct store *st, const char *path,
                              const struct calls_source *src, int64_t now,
                              char **cause);

#endif
