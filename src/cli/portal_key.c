/* SPDX-License-Identifier: MIT */
/*
 * Makes or reads back the web portal's API key (see portal_key.h). A key
 * file holds the key on one line, as `civic311 apikey create` prints it,
 * so an operator may also write the file by hand from that command.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/apikey.h"
#include "cli/portal_key.h"
#include "util/arena.h"
#include "util/secret.h"

/* Sets *cause to a formatted message (NULL when out of memory). */
static void portal_fail(char **cause, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
portal_fail(char **cause, const char *fmt, ...)
{
    va_list ap;
    char *m = NULL;

    va_start(ap, fmt);
    if (vasprintf(&m, fmt, ap) < 0)
        m = NULL;
    va_end(ap);
    *cause = m;
}

/* True when s reads "c311_" and 64 lowercase hex digits. */
static bool
portal_key_valid(const char *s)
{
    size_t n = strlen(APIKEY_SCHEME);

    return strlen(s) == APIKEY_LEN && strncmp(s, APIKEY_SCHEME, n) == 0 &&
           strspn(s + n, "0123456789abcdef") == APIKEY_LEN - n;
}

/* Reads the first line of file into key; C311_ERR_NOT_FOUND if absent. */
static enum c311_rc
portal_read(const char *file, char key[APIKEY_SIZE], char **cause)
{
    char line[256];
    FILE *f = fopen(file, "r");

    if (f == NULL) {
        if (errno == ENOENT)
            return C311_ERR_NOT_FOUND;
        portal_fail(cause, "cannot read %s: %s", file, strerror(errno));
        return C311_ERR_IO;
    }
    if (fgets(line, sizeof(line), f) == NULL)
        line[0] = '\0';
    fclose(f);
    line[strcspn(line, " \t\r\n")] = '\0';
    if (!portal_key_valid(line)) {
        portal_fail(cause, "%s does not hold an API key on its first line",
                    file);
        return C311_ERR_INVALID;
    }
    memcpy(key, line, APIKEY_SIZE);
    return C311_OK;
}

/* Checks that key is an active key of st. */
static enum c311_rc
portal_check(struct store *st, const char *file, const char *key, char **cause)
{
    char hash[SECRET_HASH_HEX_SIZE];
    struct arena a = ARENA_INIT;
    struct api_key found;
    enum c311_rc rc;

    secret_hash_hex(key, hash);
    rc = store_apikey_find(st, hash, &a, &found, cause);
    arena_free(&a);
    if (rc == C311_ERR_NOT_FOUND) {
        free(*cause);
        portal_fail(cause,
                    "the key in %s is not an active key of this database "
                    "(revoked, or another database): delete the file to "
                    "make a new key",
                    file);
    }
    return rc;
}

/* Writes key to a new file, readable by its owner only. */
static enum c311_rc
portal_write(const char *file, const char *key, char **cause)
{
    int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    size_t len = strlen(key);
    bool ok;

    if (fd < 0) {
        portal_fail(cause, "cannot create %s: %s", file, strerror(errno));
        return C311_ERR_IO;
    }
    ok = write(fd, key, len) == (ssize_t)len && write(fd, "\n", 1) == 1 &&
         fsync(fd) == 0;
    if (!ok)
        portal_fail(cause, "cannot write %s: %s", file, strerror(errno));
    if (close(fd) != 0 && ok) {
        portal_fail(cause, "cannot write %s: %s", file, strerror(errno));
        ok = false;
    }
    if (!ok)
        unlink(file);
    return ok ? C311_OK : C311_ERR_IO;
}

/* Makes a new key called name and writes it to file. */
static enum c311_rc
portal_create(struct store *st, const char *file, const char *name,
              char key[APIKEY_SIZE], char **cause)
{
    enum c311_rc rc;

    /* Every resident's browser shares this key: the per-key limit would
     * throttle the whole portal, so it gets the highest one. */
    rc = apikey_make(st, name, PORTAL_KEY_RATE_LIMIT, "serve", key, cause);
    if (rc == C311_ERR_CONFLICT) {
        free(*cause);
        portal_fail(cause,
                    "an active key named '%s' exists but %s does not hold "
                    "it: write that key to the file, or revoke it with "
                    "'civic311 apikey revoke --name %s'",
                    name, file, name);
        return rc;
    }
    if (rc != C311_OK)
        return rc;
    rc = portal_write(file, key, cause);
    if (rc != C311_OK) /* leave no key that nobody holds */
        store_apikey_revoke(st, name, time(NULL), NULL);
    return rc;
}

/* Reads or makes the portal key; see portal_key.h. */
enum c311_rc
portal_key_load(struct store *st, const char *file, const char *name,
                char **key, char **cause)
{
    char buf[APIKEY_SIZE];
    enum c311_rc rc;

    *key = NULL;
    *cause = NULL;
    rc = portal_read(file, buf, cause);
    if (rc == C311_OK)
        rc = portal_check(st, file, buf, cause);
    else if (rc == C311_ERR_NOT_FOUND)
        rc = portal_create(st, file, name, buf, cause);
    if (rc != C311_OK)
        return rc;
    *key = strdup(buf);
    return *key == NULL ? C311_ERR_NOMEM : C311_OK;
}
