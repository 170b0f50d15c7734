/* SPDX-License-Identifier: MIT */
/*
 * Staff accounts, their sessions and failed sign-ins. Passwords arrive
 * already hashed (argon2id, util/password.h) and session tokens as their
 * SHA-256, so the store never sees a secret. Roles are kept as a list of
 * names ("agent,expert") and department scopes as codes separated by
 * spaces; api/staff.c turns them into flags. Every change to an account
 * appends an audit entry in the same transaction.
 */
#ifndef CIVIC311_USERS_H
#define CIVIC311_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct users_rec {
    int64_t id;
    const char *login;
    const char *name;
    const char *roles;       /* "agent,expert" */
    const char *departments; /* "SANITATION POLICE", "" for none */
    bool disabled;
    int64_t created_at;
    int64_t updated_at;
};

/*
 * Adds an account; *id receives its row id. C311_ERR_CONFLICT when the
 * login is taken.
 */
enum c311_rc users_add(struct store *st, const struct users_rec *u,
                       const char *password_hash, const char *actor,
                       int64_t now, int64_t *id, char **cause);

/* Every account, by login. */
enum c311_rc users_list(struct store *st, struct arena *a,
                        struct users_rec **out, size_t *n, char **cause);

/*
 * The account called login and its password hash (both in a), disabled or
 * not; C311_ERR_NOT_FOUND when there is none.
 */
enum c311_rc users_get(struct store *st, const char *login, struct arena *a,
                       struct users_rec *out, const char **password_hash,
                       char **cause);

/*
 * Disables or enables the account called login; disabling also ends its
 * sessions. C311_ERR_NOT_FOUND when there is none.
 */
enum c311_rc users_set_disabled(struct store *st, const char *login,
                                bool disabled, const char *actor, int64_t now,
                                char **cause);

/* Starts a session for user_id, valid until expires_at. */
enum c311_rc users_session_add(struct store *st, int64_t user_id,
                               const char *token_hash, int64_t now,
                               int64_t expires_at, char **cause);

/*
 * The account of the session whose token hashes to token_hash, if the
 * session has not ended or expired at now and the account is enabled;
 * C311_ERR_NOT_FOUND otherwise.
 */
enum c311_rc users_session_find(struct store *st, const char *token_hash,
                                int64_t now, struct arena *a,
                                struct users_rec *out, int64_t *expires_at,
                                char **cause);

/* Ends a session; C311_ERR_NOT_FOUND when it is not active. */
enum c311_rc users_session_end(struct store *st, const char *token_hash,
                               int64_t now, char **cause);

/*
 * Failed sign-ins for login since the instant since: how many, and the
 * oldest of them (0 when none).
 */
enum c311_rc users_failures(struct store *st, const char *login, int64_t since,
                            int64_t *count, int64_t *oldest, char **cause);

/* Records a failed sign-in and drops those older than forget_before. */
enum c311_rc users_failure_add(struct store *st, const char *login, int64_t now,
                               int64_t forget_before, char **cause);

/* Forgets the failed sign-ins of login (after a good one). */
enum c311_rc users_failures_clear(struct store *st, const char *login,
                                  char **cause);

#endif
