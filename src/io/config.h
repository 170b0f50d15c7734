/* SPDX-License-Identifier: MIT */
/*
 * Reads a city configuration (YAML, described in docs/CONFIG.md) into a
 * struct city, checking it as it goes. Every problem is reported with the
 * line it is on, so that `check-config` can print "FILE:LINE: message" and
 * `serve` can refuse to start with the same words.
 */
#ifndef CIVIC311_CONFIG_H
#define CIVIC311_CONFIG_H

#include <stdio.h>

#include "core/catalog.h"
#include "util/status.h"

struct config_problem {
    int line; /* 1-based; 0 when the problem concerns the whole file */
    const char *message;
};

/* The problems found while loading; lives in its own arena. */
struct config_report {
    struct arena arena;
    struct config_problem *v;
    size_t n;
    size_t cap;
};

#define CONFIG_REPORT_INIT                                                     \
    {                                                                          \
        ARENA_INIT, NULL, 0, 0                                                 \
    }

/*
 * Loads path. On success *out is a city the caller frees with config_free().
 * When the file cannot be read or has any problem, returns
 * C311_ERR_INVALID (C311_ERR_IO when unreadable), leaves *out NULL, and
 * fills rep with every problem found, in line order.
 */
enum c311_rc config_load(const char *path, struct city **out,
                         struct config_report *rep);

/* Prints each problem as "path:line: message" to f. */
void config_report_print(const struct config_report *rep, const char *path,
                         FILE *f);

void config_report_free(struct config_report *rep);

void config_free(struct city *c);

#endif
