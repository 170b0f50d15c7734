/* SPDX-License-Identifier: MIT */
/*
 * Token buckets per API key, in a hash table under one mutex.
 *
 * TODO: the buckets live in this process only; several servers on one
 * database each allow a key its full rate, and a restart refills them.
 */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "api/ratelimit.h"

struct ratelimit_slot {
    int64_t key; /* 0: empty */
    double tokens;
    int64_t last_ms;
};

#define RATELIMIT_MIN_CAP 64

void
ratelimit_init(struct ratelimit *rl)
{
    pthread_mutex_init(&rl->lock, NULL);
    rl->slots = NULL;
    rl->cap = 0;
    rl->n = 0;
}

void
ratelimit_free(struct ratelimit *rl)
{
    free(rl->slots);
    rl->slots = NULL;
    rl->cap = rl->n = 0;
    pthread_mutex_destroy(&rl->lock);
}

/* The slot of key in slots (cap a power of two): its own or an empty one. */
static struct ratelimit_slot *
ratelimit_find(struct ratelimit_slot *slots, size_t cap, int64_t key)
{
    size_t i =
        (size_t)((uint64_t)key * UINT64_C(0x9e3779b97f4a7c15)) & (cap - 1);

    while (slots[i].key != 0 && slots[i].key != key)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

/* Doubles the table; false when out of memory. */
static bool
ratelimit_grow(struct ratelimit *rl)
{
    size_t cap = rl->cap == 0 ? RATELIMIT_MIN_CAP : rl->cap * 2, i;
    struct ratelimit_slot *slots = calloc(cap, sizeof(*slots));

    if (slots == NULL)
        return false;
    for (i = 0; i < rl->cap; i++) {
        if (rl->slots[i].key != 0)
            *ratelimit_find(slots, cap, rl->slots[i].key) = rl->slots[i];
    }
    free(rl->slots);
    rl->slots = slots;
    rl->cap = cap;
    return true;
}

bool
ratelimit_take(struct ratelimit *rl, int64_t key, unsigned per_minute,
               int64_t now_ms, unsigned *retry_after)
{
    double rate = per_minute / 60000.0; /* tokens per millisecond */
    struct ratelimit_slot *s;
    bool ok = true;

    *retry_after = 0;
    if (key == 0 || per_minute == 0)
        return true;
    pthread_mutex_lock(&rl->lock);
    if ((rl->n + 1) * 2 > rl->cap && !ratelimit_grow(rl))
        goto out;
    s = ratelimit_find(rl->slots, rl->cap, key);
    if (s->key == 0) {
        s->key = key;
        s->tokens = per_minute;
        s->last_ms = now_ms;
        rl->n++;
    }
    if (now_ms > s->last_ms) {
        s->tokens += (double)(now_ms - s->last_ms) * rate;
        s->last_ms = now_ms;
    }
    if (s->tokens > per_minute)
        s->tokens = per_minute;
    if (s->tokens >= 1.0) {
        s->tokens -= 1.0;
    } else {
        ok = false;
        *retry_after = (unsigned)ceil((1.0 - s->tokens) / rate / 1000.0);
        if (*retry_after == 0)
            *retry_after = 1;
    }
out:
    pthread_mutex_unlock(&rl->lock);
    return ok;
}

int64_t
ratelimit_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct ratelimit *
ratelimit_shared(void)
{
    static struct ratelimit rl = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0};

    return &rl;
}
