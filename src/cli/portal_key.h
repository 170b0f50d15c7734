/* SPDX-License-Identifier: MIT */
/*
 * The web portal's own Open311 API key. The portal is a page in residents'
 * browsers, so its key is public by nature: `serve` hands it to every
 * visitor through /web-config.json. The key lives in a file the operator
 * names (the database keeps only its hash): the first start makes the key
 * and writes the file, later starts and other servers read it back.
 */
#ifndef CIVIC311_PORTAL_KEY_H
#define CIVIC311_PORTAL_KEY_H

#include "store/store.h"
#include "util/status.h"

/* Requests a minute the portal's key may make: the highest limit a key
 * can have, since every resident's browser shares it. */
#define PORTAL_KEY_RATE_LIMIT 1000000

/*
 * Reads the key from file and checks that it is an active key in st; when
 * file does not exist, makes a key called name, stores it and writes it to
 * file (mode 0600). On success *key is the key (malloc'd; the caller
 * frees it). On failure *cause says why (malloc'd; the caller frees it).
 */
enum c311_rc portal_key_load(struct store *st, const char *file,
                             const char *name, char **key, char **cause);

#endif
