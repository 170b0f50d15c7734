/* SPDX-License-Identifier: MIT */
/* Static files from the web root. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/static.h"
#include "util/buf.h"
#include "util/log.h"

static const struct {
    const char *suffix;
    const char *type;
} static_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".htm", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".map", "application/json; charset=utf-8"},
    {".txt", "text/plain; charset=utf-8"},
    {".xml", "text/xml; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".wasm", "application/wasm"},
    {".pdf", "application/pdf"},
};

const char *
static_content_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    size_t i;

    if (dot == NULL || strchr(dot, '/') != NULL)
        return "application/octet-stream";
    for (i = 0; i < sizeof(static_types) / sizeof(static_types[0]); i++) {
        if (strcasecmp(dot, static_types[i].suffix) == 0)
            return static_types[i].type;
    }
    return "application/octet-stream";
}

enum c311_rc
static_resolve(const char *root, const char *path, struct arena *a, char **file)
{
    const char *seg = path, *end;
    size_t len;

    *file = NULL;
    if (path[0] != '/')
        return C311_ERR_INVALID;
    while (*seg == '/') {
        seg++;
        end = strchrnul(seg, '/');
        len = (size_t)(end - seg);
        if (len == 2 && seg[0] == '.' && seg[1] == '.')
            return C311_ERR_INVALID;
        if (len > 0 && seg[0] == '.')
            return C311_ERR_NOT_FOUND;
        if (memchr(seg, '\\', len) != NULL)
            return C311_ERR_INVALID;
        seg = end;
    }
    len = strlen(path);
    *file = arena_printf(a, "%s%s%s", root, path,
                         path[len - 1] == '/' ? "index.html" : "");
    return *file == NULL ? C311_ERR_NOMEM : C311_OK;
}

/* True when the canonical form of file lies inside root_real. */
static bool
static_inside(const char *file, const char *root_real)
{
    char real[PATH_MAX];
    size_t n = strlen(root_real);

    if (realpath(file, real) == NULL)
        return false;
    return strncmp(real, root_real, n) == 0 && real[n] == '/';
}

/* Opens file for reading when it is a regular file; -1 otherwise. */
static int
static_open(const char *file, struct stat *st)
{
    /* Non-blocking, so that a FIFO put in the web root cannot hold a
     * worker thread; it is refused below as not a regular file. */
    int fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0)
        return -1;
    if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * Appends the n bytes of s to b, percent-encoded but for letters, digits,
 * "-._~" and the characters of keep.
 */
static enum c311_rc
static_encode(struct buf *b, const char *s, size_t n, const char *keep)
{
    static const char hex[] = "0123456789ABCDEF";
    enum c311_rc rc = C311_OK;
    size_t i;

    for (i = 0; rc == C311_OK && i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') ||
            (c != '\0' &&
             (strchr("-._~", c) != NULL || strchr(keep, c) != NULL))) {
            rc = buf_putc(b, (char)c);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};

            rc = buf_append(b, esc, 3);
        }
    }
    return rc;
}

const char *
static_dir_location(const char *path, const struct params *query,
                    struct arena *a)
{
    struct buf b = BUF_INIT(0);
    enum c311_rc rc;
    const char *out = NULL;
    size_t i;

    rc = static_encode(&b, path, strlen(path), "/!$&'()*+,;=:@");
    if (rc == C311_OK)
        rc = buf_putc(&b, '/');
    for (i = 0; rc == C311_OK && query != NULL && i < query->n; i++) {
        rc = buf_putc(&b, i == 0 ? '?' : '&');
        if (rc == C311_OK)
            rc =
                static_encode(&b, query->v[i].key, strlen(query->v[i].key), "");
        if (rc == C311_OK)
            rc = buf_putc(&b, '=');
        if (rc == C311_OK)
            rc = static_encode(&b, query->v[i].value, query->v[i].len, "");
    }
    if (rc == C311_OK)
        out = arena_strdup(a, b.data);
    buf_release(&b);
    return out;
}

/* True when file is a directory (following links). */
static bool
static_is_dir(const char *file)
{
    struct stat st;

    return stat(file, &st) == 0 && S_ISDIR(st.st_mode);
}

void
static_serve(struct http_req *req, const char *root, const char *root_real)
{
    struct MHD_Response *resp;
    struct stat st;
    char *file;
    enum c311_rc rc;
    int fd;

    rc = static_resolve(root, req->path, &req->arena, &file);
    if (rc == C311_ERR_INVALID) {
        http_reply_error(req, 400, "path is not allowed");
        return;
    }
    if (rc == C311_OK && static_inside(file, root_real) &&
        static_is_dir(file)) {
        const char *to =
            static_dir_location(req->path, &req->params, &req->arena);

        if (to == NULL) {
            http_reply_error(req, 500, "out of memory");
            return;
        }
        http_add_header(req, "Location", to);
        http_reply(req, 301, NULL, NULL, 0);
        return;
    }
    if (rc != C311_OK || !static_inside(file, root_real) ||
        (fd = static_open(file, &st)) < 0) {
        http_reply_error(req, 404, "no such page");
        return;
    }
    /* MHD takes the descriptor and closes it when the response is gone. */
    resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (resp == NULL) {
        close(fd);
        http_reply_error(req, 500, "cannot send the file");
        return;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            static_content_type(file));
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (MHD_queue_response(req->conn, 200, resp) == MHD_YES)
        req->status = 200;
    MHD_destroy_response(resp);
}
