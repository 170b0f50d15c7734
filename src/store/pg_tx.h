/* SPDX-License-Identifier: MIT */
/*
 * Running one SQL statement inside a PostgreSQL transaction of the store,
 * for the store modules whose SQL is shared by both back ends. Private to
 * the store.
 */
#ifndef CIVIC311_STORE_PG_TX_H
#define CIVIC311_STORE_PG_TX_H

#include "store/backend.h"

/* See store_ops.tx_query; tx->db is the connection's PGconn. */
enum c311_rc store__pg_tx_query(struct store_tx *tx, const char *sql,
                                const struct store__param *p, size_t np,
                                struct arena *a, struct store__rows *out,
                                char **cause);

#endif
