/* SPDX-License-Identifier: MIT */
/*
 * Rate limits per API key: a token bucket for each key, holding up to one
 * minute's allowance and refilled continuously, kept in this process's
 * memory. Several servers on one database therefore each allow a key its
 * full rate.
 */
#ifndef CIVIC311_RATELIMIT_H
#define CIVIC311_RATELIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ratelimit_slot;

struct ratelimit {
    pthread_mutex_t lock;
    struct ratelimit_slot *slots; /* open addressing on the key id */
    size_t cap;
    size_t n;
};

/* Sets up an empty table. */
void ratelimit_init(struct ratelimit *rl);

/* Frees the table. */
void ratelimit_free(struct ratelimit *rl);

/*
 * Takes one request from key's bucket at now_ms (a monotonic clock in
 * milliseconds), the bucket holding per_minute requests. True when
 * allowed; otherwise false with *retry_after the whole seconds until one
 * request is allowed again (at least 1). When memory runs out the request
 * is allowed.
 */
bool ratelimit_take(struct ratelimit *rl, int64_t key, unsigned per_minute,
                    int64_t now_ms, unsigned *retry_after);

/* Milliseconds on a clock that does not jump, for ratelimit_take. */
int64_t ratelimit_now_ms(void);

/* The table the server uses, shared by every thread. */
struct ratelimit *ratelimit_shared(void);

#endif
