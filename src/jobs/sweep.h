/* SPDX-License-Identifier: MIT */
/*
 * The SLA sweep job of `serve`: a thread that runs engine_sweep() once a
 * minute until the server stops. Several servers on one PostgreSQL
 * database may all run it; each escalation is still applied once.
 */
#ifndef CIVIC311_JOBS_SWEEP_H
#define CIVIC311_JOBS_SWEEP_H

#include "core/catalog.h"
#include "store/store.h"
#include "util/status.h"

/* Seconds between two sweeps. */
#define SWEEP_INTERVAL_S 60

struct sweep_job;

/* Starts the job; the first sweep runs at once. */
enum c311_rc sweep_job_start(struct store *st, const struct city *c,
                             struct sweep_job **out);

/* Stops the job, waiting for a sweep in progress, and frees it. */
void sweep_job_stop(struct sweep_job *j);

#endif
