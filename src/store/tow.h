/* SPDX-License-Identifier: MIT */
/*
 * Storage of tow records, written once on store/sqlx.h for both back
 * ends. Functions run inside the caller's sqlx_run() transaction; results
 * live in x->a.
 */
#ifndef CIVIC311_STORE_TOW_H
#define CIVIC311_STORE_TOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tow.h"
#include "store/sqlx.h"
#include "util/status.h"

/* Inserts r and sets r->id. */
enum c311_rc store_tow_insert(struct sqlx *x, struct tow_record *r,
                              char **cause);

/* Loads record id, locked on PostgreSQL; C311_ERR_NOT_FOUND if absent. */
enum c311_rc store_tow_get(struct sqlx *x, int64_t id, bool lock,
                           struct tow_record **out, char **cause);

/* Writes the fields that change after the tow. */
enum c311_rc store_tow_update(struct sqlx *x, const struct tow_record *r,
                              char **cause);

/*
 * Lists the records of a normalised plate (any plate when NULL), newest
 * tow first; with at_pound, only vehicles still at a pound.
 */
enum c311_rc store_tow_list(struct sqlx *x, const char *plate, bool at_pound,
                            size_t limit, struct tow_record **v, size_t *n,
                            char **cause);

#endif
