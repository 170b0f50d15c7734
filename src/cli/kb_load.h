/* SPDX-License-Identifier: MIT */
/*
 * Loading a knowledge base data file into a store, shared by `civic311 kb
 * load` and by `serve`, which loads the city's starter file into an empty
 * knowledge base. Articles are found by their group key and language:
 * missing ones are created, existing ones are left alone unless an update
 * is asked for, so loading a file twice changes nothing.
 */
#ifndef CIVIC311_KB_LOAD_H
#define CIVIC311_KB_LOAD_H

#include <stdbool.h>
#include <stdio.h>

#include "core/catalog.h"
#include "store/store.h"

/* The actor named in the history of articles a load writes. */
#define KB_LOAD_ACTOR "system:kb-load"

struct kb_load_stats {
    size_t created;
    size_t updated; /* content changed or published, with update set */
    size_t unchanged;
};

/*
 * Loads path into st, checked against city. With update, an existing
 * article whose content differs from the file gets a new version with the
 * file's content, and a draft the file marks published is published.
 * Problems with the file go to err as "path:line: message"; store errors
 * as "civic311: message". Returns C311_OK or the first failure.
 */
enum c311_rc kb_load_file(struct store *st, const struct city *city,
                          const char *path, bool update, int64_t now,
                          struct kb_load_stats *stats, FILE *err);

/*
 * The starter knowledge base of a city configuration: kb/NAME next to
 * config_path, for config/demo-city.yaml config/kb/demo-city.yaml. In a
 * (NULL when out of memory).
 */
char *kb_load_default_path(const char *config_path, struct arena *a);

#endif
