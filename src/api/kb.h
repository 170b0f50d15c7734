/* SPDX-License-Identifier: MIT */
/*
 * The knowledge base API (docs/API.md): articles, their history, uses and
 * the usage report for staff (api/kb.c), and search for staff and the
 * public with the public's article page (api/kb_find.c).
 */
#ifndef CIVIC311_API_KB_H
#define CIVIC311_API_KB_H

#include <stddef.h>

#include "http/router.h"

/* Who may read articles, and who may change them. */
#define KB_READERS                                                             \
    (STAFF_AGENT | STAFF_EXPERT | STAFF_SUPERVISOR | STAFF_QA | STAFF_EDITOR | \
     STAFF_ADMIN)
#define KB_WRITERS   (STAFF_EDITOR | STAFF_ADMIN)
#define KB_REPORTERS (STAFF_SUPERVISOR | STAFF_EDITOR | STAFF_ADMIN)

extern const struct route kb_routes[];
extern const size_t kb_nroutes;

extern const struct route kb_find_routes[];
extern const size_t kb_find_nroutes;

#endif
