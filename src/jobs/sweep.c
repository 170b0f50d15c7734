/* SPDX-License-Identifier: MIT */
/* The once-a-minute SLA sweep of `serve`, on its own thread. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "engine/engine.h"
#include "jobs/sweep.h"
#include "util/isotime.h"
#include "util/log.h"

struct sweep_job {
    struct store *st;
    const struct city *city;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;
};

/* Runs one sweep and logs what it did or why it failed. */
static void
sweep_once(struct sweep_job *j)
{
    struct engine_sweep_stats stats;
    char *cause = NULL;

    if (engine_sweep(j->st, j->city, isotime_now(), &stats, &cause) !=
        C311_OK) {
        log_warning("sweep", "sla sweep failed: %s",
                    cause != NULL ? cause : "unknown error");
        free(cause);
        return;
    }
    if (stats.at_risk + stats.breached + stats.escalated > 0)
        log_info("sweep",
                 "%zu newly at risk, %zu newly breached, %zu escalations",
                 stats.at_risk, stats.breached, stats.escalated);
}

/* Sweeps, then sleeps until the next minute or until told to stop. */
static void *
sweep_main(void *arg)
{
    struct sweep_job *j = arg;
    struct timespec until;
    bool stop = false;

    while (!stop) {
        sweep_once(j);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += SWEEP_INTERVAL_S;
        pthread_mutex_lock(&j->lock);
        while (!j->stopping &&
               pthread_cond_timedwait(&j->wake, &j->lock, &until) != ETIMEDOUT)
            ;
        stop = j->stopping;
        pthread_mutex_unlock(&j->lock);
    }
    return NULL;
}

/* Starts the thread; see sweep.h. */
enum c311_rc
sweep_job_start(struct store *st, const struct city *c, struct sweep_job **out)
{
    struct sweep_job *j = calloc(1, sizeof(*j));

    *out = NULL;
    if (j == NULL)
        return C311_ERR_NOMEM;
    j->st = st;
    j->city = c;
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->wake, NULL);
    if (pthread_create(&j->thread, NULL, sweep_main, j) != 0) {
        pthread_mutex_destroy(&j->lock);
        pthread_cond_destroy(&j->wake);
        free(j);
        return C311_ERR_INTERNAL;
    }
    *out = j;
    return C311_OK;
}

/* Wakes the thread, waits for it and frees the job. */
void
sweep_job_stop(struct sweep_job *j)
{
    if (j == NULL)
        return;
    pthread_mutex_lock(&j->lock);
    j->stopping = true;
    pthread_cond_signal(&j->wake);
    pthread_mutex_unlock(&j->lock);
    pthread_join(j->thread, NULL);
    pthread_mutex_destroy(&j->lock);
    pthread_cond_destroy(&j->wake);
    free(j);
}
