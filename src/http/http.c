/* SPDX-License-Identifier: MIT */
/*
 * libmicrohttpd glue. The access handler is called several times per
 * request: the first call sets up a struct http_req (with its own arena) in
 * *con_cls and reads the query, the next ones feed the body to a form parser,
 * and the last one routes and answers. The completion callback writes the
 * access log line and frees the arena.
 */
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"
#include "http/static.h"
#include "io/jsonxml.h"
#include "util/buf.h"
#include "util/log.h"
#include "version.h"

#define HTTP_CONN_LIMIT_DEFAULT 1024
#define HTTP_TIMEOUT_DEFAULT    30
#define HTTP_DRAIN_MS           10000

struct http_server {
    struct MHD_Daemon *daemon;
    struct http_config cfg;
    char *web_root_real; /* realpath of cfg.web_root, or NULL */
    char address[INET6_ADDRSTRLEN + 16];
    int listen_fd;
    atomic_int inflight;
};

/* Microseconds on a clock that does not jump. */
static int64_t
http_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Puts a malloc'd formatted sentence in *cause when cause is not NULL. */
static void
http_cause(char **cause, const char *fmt, ...)
{
    va_list ap;

    if (cause == NULL)
        return;
    va_start(ap, fmt);
    if (vasprintf(cause, fmt, ap) < 0)
        *cause = NULL;
    va_end(ap);
}

/* ---- answering ---- */

/*
 * Headers every answer of the Open311 API carries: the API is public and
 * keyed by api_key, not by cookies, so any web page may call it (CORS).
 * A 405 names the methods the path takes.
 */
static void
http_add_api_headers(const struct http_req *req, struct MHD_Response *resp)
{
    if (strncmp(req->path, "/open311/", 9) == 0) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
        MHD_add_response_header(resp, "Access-Control-Allow-Methods",
                                "GET, POST, OPTIONS");
        MHD_add_response_header(resp, "Access-Control-Allow-Headers",
                                "Content-Type, Accept-Language");
        MHD_add_response_header(resp, "Access-Control-Max-Age", "86400");
    }
    if (req->allow != NULL)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, req->allow);
}

void
http_reply(struct http_req *req, int status, const char *content_type,
           char *body, size_t len)
{
    struct MHD_Response *resp;
    size_t i;

    if (req->status != 0) {
        log_error("http", "second answer to one request dropped");
        free(body);
        return;
    }
    resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (resp == NULL) {
        free(body);
        return;
    }
    if (content_type != NULL)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                content_type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    http_add_api_headers(req, resp);
    for (i = 0; i < req->nhdrs; i++)
        MHD_add_response_header(resp, req->hdr_names[i], req->hdr_values[i]);
    if (MHD_queue_response(req->conn, (unsigned)status, resp) == MHD_YES)
        req->status = status;
    MHD_destroy_response(resp);
}

void
http_reply_value(struct http_req *req, int status, json_t *v, const char *root,
                 const char *item)
{
    char *body = NULL;
    size_t len = 0;

    if (v == NULL)
        goto fail;
    if (req->fmt == HTTP_FMT_XML) {
        if (jsonxml_dump(v, root, item, &body, &len) != C311_OK)
            goto fail;
        json_decref(v);
        http_reply(req, status, "text/xml; charset=utf-8", body, len);
        return;
    }
    body = json_dumps(v, JSONXML_JSON_FLAGS);
    if (body == NULL)
        goto fail;
    json_decref(v);
    http_reply(req, status, "application/json; charset=utf-8", body,
               strlen(body));
    return;
fail:
    json_decref(v);
    log_error("http", "cannot write the response: out of memory");
    http_reply(req, 500, "text/plain; charset=utf-8",
               strdup("internal error\n"), 15);
}

void
http_add_header(struct http_req *req, const char *name, const char *value)
{
    if (req->nhdrs == HTTP_EXTRA_HEADERS)
        return;
    req->hdr_names[req->nhdrs] = arena_strdup(&req->arena, name);
    req->hdr_values[req->nhdrs] = arena_strdup(&req->arena, value);
    if (req->hdr_names[req->nhdrs] != NULL &&
        req->hdr_values[req->nhdrs] != NULL)
        req->nhdrs++;
}

const char *
http_error_code(int status)
{
    static const struct {
        int status;
        const char *code;
    } codes[] = {
        {400, "bad_request"},        {401, "unauthorized"},
        {403, "forbidden"},          {404, "not_found"},
        {405, "method_not_allowed"}, {409, "conflict"},
        {413, "payload_too_large"},  {415, "unsupported_media_type"},
        {429, "too_many_requests"},  {500, "internal"},
        {503, "unavailable"},
    };
    size_t i;

    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        if (codes[i].status == status)
            return codes[i].code;
    }
    return "error";
}

void
http_reply_api_error(struct http_req *req, int status, const char *code,
                     const char *field, const char *msg, json_t *errors)
{
    json_t *v;

    req->fmt = HTTP_FMT_JSON;
    v = json_pack("{s:{s:s, s:s, s:s?}}", "error", "code", code, "message", msg,
                  "field", field);
    if (v != NULL && errors != NULL &&
        json_object_set_new(v, "errors", errors) < 0) {
        json_decref(v);
        v = NULL;
    } else if (v == NULL) {
        json_decref(errors);
    }
    http_reply_value(req, status, v, "error", "item");
}

void
http_reply_errors(struct http_req *req, int status, const char **msgs, size_t n)
{
    json_t *list = json_array(), *e;
    size_t i;

    if (req->api) {
        json_decref(list);
        http_reply_api_error(req, status, http_error_code(status), NULL,
                             n > 0 ? msgs[0] : "error", NULL);
        return;
    }
    for (i = 0; list != NULL && i < n; i++) {
        e = json_pack("{s:i, s:s}", "code", status, "description", msgs[i]);
        if (e == NULL || json_array_append_new(list, e) < 0) {
            json_decref(list);
            list = NULL;
        }
    }
    http_reply_value(req, status, list, "errors", "error");
}

void
http_reply_error(struct http_req *req, int status, const char *fmt, ...)
{
    const char *msg;
    va_list ap;

    va_start(ap, fmt);
    msg = arena_vprintf(&req->arena, fmt, ap);
    va_end(ap);
    if (msg == NULL)
        msg = "out of memory";
    http_reply_errors(req, status, &msg, 1);
}

/* GET /healthz: the server is up and answering. */
static void
http_healthz(struct http_req *req)
{
    json_t *v =
        json_pack("{s:s, s:s}", "status", "ok", "version", CIVIC311_VERSION);

    req->fmt = HTTP_FMT_JSON;
    http_reply_value(req, 200, v, "health", "item");
}

/* ---- accessors ---- */

const char *
http_param(const struct http_req *req, const char *name)
{
    return params_get(&req->params, name);
}

const char *
http_path_param(const struct http_req *req, const char *name)
{
    return router_param(&req->match, name);
}

const char *
http_header(const struct http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* ---- reading the request ---- */

/* Adds one query argument; MHD gives lengths so %00 cannot hide text. */
static enum MHD_Result
http_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
               size_t key_size, const char *value, size_t value_size)
{
    struct http_req *req = cls;

    if (strlen(key) != key_size)
        req->bad_param = true; /* a NUL in a key cannot be matched */
    if (params_add(&req->params, &req->arena, key, value,
                   value ? value_size : 0) != C311_OK)
        return MHD_NO;
    return MHD_YES;
}

/* Adds one form field, or a further piece of the last one. */
static enum MHD_Result
http_post_field(void *cls, enum MHD_ValueKind kind, const char *key,
                const char *filename, const char *content_type,
                const char *transfer_encoding, const char *data, uint64_t off,
                size_t size)
{
    struct http_req *req = cls;
    enum c311_rc rc;

    if (off > 0 && req->params.n > 0 &&
        strcmp(req->params.v[req->params.n - 1].key, key) == 0)
        rc = params_extend_last(&req->params, &req->arena, data, size);
    else
        rc = params_add(&req->params, &req->arena, key, data, size);
    return rc == C311_OK ? MHD_YES : MHD_NO;
}

/* True when the Content-Length header announces a body over the limit. */
static bool
http_announced_too_large(struct MHD_Connection *conn)
{
    const char *cl =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    char *end;
    unsigned long long n;

    if (cl == NULL)
        return false;
    errno = 0;
    n = strtoull(cl, &end, 10);
    return errno != 0 || n > HTTP_BODY_MAX;
}

static bool http_under(const char *path, const char *prefix);

/* Sets up the state of a new request; NULL when out of memory. */
static struct http_req *
http_req_new(struct http_server *srv, struct MHD_Connection *conn,
             const char *url, const char *method)
{
    struct arena a = ARENA_INIT;
    struct http_req *req = arena_alloc(&a, sizeof(*req));

    if (req == NULL)
        return NULL;
    req->arena = a; /* from here on only req->arena is used */
    req->srv = srv;
    req->conn = conn;
    req->app = srv->cfg.app;
    req->started_us = http_now_us();
    req->method = arena_strdup(&req->arena, method);
    req->path = arena_strdup(&req->arena, url);
    if (req->method == NULL || req->path == NULL)
        goto fail;
    req->fmt = router_format_of(req->path);
    req->api = http_under(req->path, "/api");
    req->body = (struct buf)BUF_INIT(HTTP_BODY_MAX);
    if (req->api)
        req->fmt = HTTP_FMT_JSON;
    if (MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, http_query_arg,
                                    req) < 0)
        goto fail;
    atomic_fetch_add(&srv->inflight, 1);
    return req;
fail:
    a = req->arena;
    arena_free(&a);
    return NULL;
}

/* True when s (n bytes) holds "%00" in either case of hex digit. */
static bool
http_has_pct00(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i + 2 < n; i++) {
        if (s[i] == '%' && s[i + 1] == '0' && s[i + 2] == '0')
            return true;
    }
    return false;
}

/*
 * Notes a %00 in a form-encoded body, also when it straddles two pieces.
 * The form parser hands over names as C strings, so a NUL would silently
 * cut a name short ("api_key%00junk" read as "api_key").
 */
static void
http_watch_nul(struct http_req *req, const char *data, size_t size)
{
    const char *ct =
        MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Content-Type");
    char edge[4];
    size_t k;

    if (ct == NULL ||
        strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
        return;
    memcpy(edge, req->body_tail, 2);
    k = size < 2 ? size : 2;
    memcpy(edge + 2, data, k);
    if (http_has_pct00(edge, 2 + k) || http_has_pct00(data, size))
        req->nul_byte = true;
    if (size >= 2) {
        memcpy(req->body_tail, data + size - 2, 2);
    } else if (size == 1) {
        req->body_tail[0] = req->body_tail[1];
        req->body_tail[1] = data[0];
    }
}

/* Feeds a piece of the body to the form parser, minding the size cap. */
static void
http_req_body(struct http_req *req, const char *data, size_t size)
{
    http_watch_nul(req, data, size);
    /* Counted even past a parse error, so that a huge body is a 413. */
    req->body_len += size;
    if (req->body_len > HTTP_BODY_MAX)
        req->too_large = true;
    if (req->too_large || req->bad_body)
        return;
    if (req->api) {
        /* The staff API reads JSON itself (api/staff.c). */
        if (buf_append(&req->body, data, size) != C311_OK)
            req->too_large = true;
        return;
    }
    if (req->pp == NULL) {
        req->pp = MHD_create_post_processor(req->conn, 16 * 1024,
                                            http_post_field, req);
        if (req->pp == NULL) {
            req->bad_body = true;
            return;
        }
    }
    if (MHD_post_process(req->pp, data, size) != MHD_YES)
        req->bad_body = true;
}

/* True when path lies under prefix ("/api" covers "/api" and "/api/..."). */
static bool
http_under(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);

    return strncmp(path, prefix, n) == 0 &&
           (path[n] == '\0' || path[n] == '/' || path[n] == '.');
}

/*
 * The request's method as it may appear in an error body: a token of
 * capital letters, or "(invalid)" for anything else, so that bytes a client
 * made up never reach the JSON writer or the reader of the error.
 */
static const char *
http_method_label(const struct http_req *req)
{
    size_t i, n = strlen(req->method);

    if (n == 0 || n > 16)
        return "(invalid)";
    for (i = 0; i < n; i++) {
        if (req->method[i] < 'A' || req->method[i] > 'Z')
            return "(invalid)";
    }
    return req->method;
}

/* Answers a path that no route knows: a static file or a 404. */
static void
http_unrouted(struct http_req *req)
{
    struct http_server *srv = req->srv;
    bool api =
        http_under(req->path, "/open311") || http_under(req->path, "/api");
    bool get =
        strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;

    if (api || srv->web_root_real == NULL) {
        http_reply_error(req, 404, "no such path");
        return;
    }
    req->fmt = HTTP_FMT_JSON;
    if (!get) {
        req->allow = "GET, HEAD";
        http_reply_error(req, 405, "method %s is not allowed here",
                         http_method_label(req));
        return;
    }
    static_serve(req, srv->cfg.web_root, srv->web_root_real);
}

/*
 * The methods the routes take for this request's path, as an Allow header
 * value ("GET, HEAD, POST"), or NULL when out of memory.
 */
static const char *
http_allowed_methods(struct http_req *req)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "PATCH",
                                          "DELETE"};
    struct router_match m;
    struct buf b = BUF_INIT(64);
    const char *out;
    size_t i;

    for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        if (router_match(req->srv->cfg.routes, req->srv->cfg.nroutes,
                         methods[i], req->path, &req->arena,
                         &m) != ROUTER_FOUND)
            continue;
        buf_puts(&b, b.len > 0 ? ", " : "");
        buf_puts(&b, methods[i]);
        if (i == 0)
            buf_puts(&b, ", HEAD");
    }
    out = b.failed ? NULL : arena_strdup(&req->arena, b.data ? b.data : "");
    buf_release(&b);
    return out;
}

/* Routes a fully read request and answers it. */
static void
http_dispatch(struct http_req *req)
{
    struct http_server *srv = req->srv;
    const struct param *bad;
    enum router_result rr;
    size_t i;

    if (req->too_large) {
        http_reply_error(req, 413, "request body is over %d bytes",
                         HTTP_BODY_MAX);
        return;
    }
    if (req->nul_byte) {
        http_reply_error(req, 400, "the request holds a NUL byte (%%00)");
        return;
    }
    if (strcmp(req->method, "OPTIONS") == 0 &&
        http_under(req->path, "/open311")) {
        /* A browser's CORS preflight: the headers are the answer. */
        http_reply(req, 204, NULL, NULL, 0);
        return;
    }
    rr = router_match(srv->cfg.routes, srv->cfg.nroutes, req->method, req->path,
                      &req->arena, &req->match);
    req->fmt = req->api ? HTTP_FMT_JSON : req->match.fmt;
    if (rr == ROUTER_NO_PATH) {
        http_unrouted(req);
        return;
    }
    if (rr == ROUTER_NO_METHOD) {
        req->allow = http_allowed_methods(req);
        http_reply_error(req, 405, "method %s is not allowed here",
                         http_method_label(req));
        return;
    }
    if (rr == ROUTER_NOMEM) {
        http_reply_error(req, 500, "out of memory");
        return;
    }
    if (req->bad_body) {
        http_reply_error(req, 400,
                         "request body is not a readable "
                         "application/x-www-form-urlencoded or "
                         "multipart/form-data form");
        return;
    }
    bad = params_find_invalid(&req->params);
    /* Such a route lists unreadable values with its other problems. */
    if (bad != NULL && !req->bad_param &&
        (req->match.route->flags & ROUTER_OWN_UTF8) != 0 &&
        params_find_invalid_key(&req->params) == NULL)
        bad = NULL;
    if (bad != NULL || req->bad_param) {
        if (bad != NULL && params_utf8_valid(bad->key, strlen(bad->key)))
            http_reply_error(req, 400, "%s is not valid UTF-8", bad->key);
        else
            http_reply_error(req, 400, "a parameter name is not valid UTF-8");
        return;
    }
    for (i = 0; i < req->match.nparams; i++) {
        if (!params_utf8_valid(req->match.values[i],
                               strlen(req->match.values[i]))) {
            http_reply_error(req, 400, "%s is not valid UTF-8",
                             req->match.names[i]);
            return;
        }
    }
    req->match.route->handler(req);
    if (req->status == 0) {
        log_error("http", "handler gave no answer");
        http_reply_error(req, 500, "internal error");
    }
}

/*
 * What http_uri_seen hands over when the raw path holds a %00: one marker
 * for a path ending in ".xml", so that the error comes back in the format
 * asked for, one for the rest.
 */
static char http_nul_path, http_nul_path_xml;

/* True when con_cls is one of the markers above rather than a request. */
static bool
http_is_nul_marker(void *con_cls)
{
    return con_cls == &http_nul_path || con_cls == &http_nul_path_xml;
}

/*
 * Sees the request target before libmicrohttpd decodes it, and marks a
 * path holding %00: decoded, the path would end at the NUL and name
 * another resource ("/requests/1%00x" read as "/requests/1"). Query
 * arguments keep their lengths and are checked later.
 */
static void *
http_uri_seen(void *cls, const char *uri, struct MHD_Connection *conn)
{
    size_t n = strcspn(uri, "?");

    if (!http_has_pct00(uri, n))
        return NULL;
    if (n >= 4 && strncmp(uri + n - 4, ".xml", 4) == 0)
        return &http_nul_path_xml;
    return &http_nul_path;
}

/* The MHD access handler; see the comment at the top of the file. */
static enum MHD_Result
http_access(void *cls, struct MHD_Connection *conn, const char *url,
            const char *method, const char *version, const char *upload_data,
            size_t *upload_data_size, void **con_cls)
{
    struct http_server *srv = cls;
    struct http_req *req = *con_cls;

    if (req == NULL || http_is_nul_marker(*con_cls)) {
        req = http_req_new(srv, conn, url, method);
        if (req == NULL)
            return MHD_NO;
        if (http_is_nul_marker(*con_cls)) {
            req->nul_byte = true;
            req->fmt =
                *con_cls == &http_nul_path_xml ? HTTP_FMT_XML : HTTP_FMT_JSON;
        }
        *con_cls = req;
        /* Refuse an announced oversized body before reading any of it. */
        if (http_announced_too_large(conn)) {
            req->too_large = true;
            http_dispatch(req);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (req->status == 0)
            http_req_body(req, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (req->status != 0)
        return MHD_YES;
    if (req->pp != NULL) {
        /* Destroying the parser hands over the last field. */
        if (MHD_destroy_post_processor(req->pp) != MHD_YES)
            req->bad_body = true;
        req->pp = NULL;
    }
    http_dispatch(req);
    return req->status != 0 ? MHD_YES : MHD_NO;
}

/* Writes the access log line and frees the request's arena. */
static void
http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
               enum MHD_RequestTerminationCode toe)
{
    struct http_server *srv = cls;
    struct http_req *req = *con_cls;
    struct arena a;
    char path[512], method[64];
    int64_t us;

    if (req == NULL || http_is_nul_marker(*con_cls))
        return;
    if (req->pp != NULL)
        MHD_destroy_post_processor(req->pp);
    buf_release(&req->body);
    json_decref(req->json);
    us = http_now_us() - req->started_us;
    log_info("http", "%s %s %d %.1fms%s",
             log_escape(req->method, method, sizeof(method)),
             log_escape(req->path, path, sizeof(path)), req->status,
             (double)us / 1000.0,
             toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
    *con_cls = NULL;
    atomic_fetch_sub(&srv->inflight, 1);
    a = req->arena;
    arena_free(&a);
}

/* Routes libmicrohttpd's own messages to our log. */
static void
http_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    size_t n;

    vsnprintf(line, sizeof(line), fmt, ap);
    n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    log_warning("mhd", "%s", line);
}

/* ---- starting and stopping ---- */

/* Splits "ADDR:PORT" or "[ADDR]:PORT" into host and port. */
static bool
http_split_listen(const char *listen, char *host, size_t hn, char *port,
                  size_t pn)
{
    const char *colon, *h = listen;
    size_t hl;

    colon = strrchr(listen, ':');
    if (colon == NULL || colon[1] == '\0' || strlen(colon + 1) >= pn)
        return false;
    hl = (size_t)(colon - listen);
    if (listen[0] == '[') {
        if (hl < 2 || listen[hl - 1] != ']')
            return false;
        h = listen + 1;
        hl -= 2;
    }
    if (hl == 0 || hl >= hn)
        return false;
    memcpy(host, h, hl);
    host[hl] = '\0';
    strcpy(port, colon + 1);
    return strspn(port, "0123456789") == strlen(port);
}

/* Records the address a bound socket ended up on, port included. */
static void
http_note_address(struct http_server *srv, int fd)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char host[INET6_ADDRSTRLEN], port[16];

    if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0 ||
        getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), port,
                    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(srv->address, sizeof(srv->address), "%s", srv->cfg.listen);
        return;
    }
    snprintf(srv->address, sizeof(srv->address),
             ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", host, port);
}

/* Creates the listening socket for cfg->listen. */
static enum c311_rc
http_bind(struct http_server *srv, char **cause)
{
    struct addrinfo hints = {0}, *ai = NULL;
    char host[256], port[16];
    int fd, one = 1, err;

    if (!http_split_listen(srv->cfg.listen, host, sizeof(host), port,
                           sizeof(port))) {
        http_cause(cause, "listen address '%s' is not ADDR:PORT",
                   srv->cfg.listen);
        return C311_ERR_INVALID;
    }
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    err = getaddrinfo(host, port, &hints, &ai);
    if (err != 0) {
        http_cause(cause, "listen address '%s' cannot be used: %s",
                   srv->cfg.listen, gai_strerror(err));
        return C311_ERR_INVALID;
    }
    fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0) {
        err = errno;
        http_cause(cause, "cannot listen on %s: %s", srv->cfg.listen,
                   err == EADDRINUSE ? "the address is already in use"
                                     : strerror(err));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return C311_ERR_IO;
    }
    freeaddrinfo(ai);
    srv->listen_fd = fd;
    http_note_address(srv, fd);
    return C311_OK;
}

/* Resolves the web root once, so that each file can be checked against it. */
static enum c311_rc
http_web_root(struct http_server *srv, char **cause)
{
    if (srv->cfg.web_root == NULL)
        return C311_OK;
    srv->web_root_real = realpath(srv->cfg.web_root, NULL);
    if (srv->web_root_real == NULL) {
        http_cause(cause, "web root %s cannot be used: %s", srv->cfg.web_root,
                   strerror(errno));
        return C311_ERR_IO;
    }
    return C311_OK;
}

/* Twice the number of online cores, at least 2. */
static unsigned
http_default_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n > 0 ? (unsigned)n * 2 : 2;
}

enum c311_rc
http_server_start(const struct http_config *cfg, struct http_server **out,
                  char **cause)
{
    struct http_server *srv;
    enum c311_rc rc;
    unsigned threads;

    *out = NULL;
    srv = calloc(1, sizeof(*srv));
    if (srv == NULL)
        return C311_ERR_NOMEM;
    srv->cfg = *cfg;
    srv->listen_fd = -1;
    rc = http_web_root(srv, cause);
    if (rc != C311_OK)
        goto fail;
    rc = http_bind(srv, cause);
    if (rc != C311_OK)
        goto fail;

    threads = cfg->threads ? cfg->threads : http_default_threads();
    srv->daemon = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC, 0, NULL,
        NULL, http_access, srv, MHD_OPTION_EXTERNAL_LOGGER, http_mhd_log, srv,
        MHD_OPTION_LISTEN_SOCKET, srv->listen_fd, MHD_OPTION_THREAD_POOL_SIZE,
        threads, MHD_OPTION_CONNECTION_LIMIT,
        cfg->conn_limit ? cfg->conn_limit : HTTP_CONN_LIMIT_DEFAULT,
        MHD_OPTION_CONNECTION_TIMEOUT,
        cfg->timeout_s ? cfg->timeout_s : HTTP_TIMEOUT_DEFAULT,
        MHD_OPTION_NOTIFY_COMPLETED, http_completed, srv,
        MHD_OPTION_URI_LOG_CALLBACK, http_uri_seen, srv, MHD_OPTION_END);
    if (srv->daemon == NULL) {
        http_cause(cause, "cannot start the HTTP server on %s", srv->address);
        rc = C311_ERR_IO;
        goto fail;
    }
    *out = srv;
    return C311_OK;
fail:
    if (srv->listen_fd >= 0)
        close(srv->listen_fd);
    free(srv->web_root_real);
    free(srv);
    return rc;
}

const char *
http_server_address(const struct http_server *srv)
{
    return srv->address;
}

void
http_server_stop(struct http_server *srv)
{
    struct timespec pause = {0, 20 * 1000 * 1000};
    MHD_socket fd;
    int waited = 0;

    if (srv == NULL)
        return;
    /* No new connections; the socket is ours again to close. */
    fd = MHD_quiesce_daemon(srv->daemon);
    while (atomic_load(&srv->inflight) > 0 && waited < HTTP_DRAIN_MS) {
        nanosleep(&pause, NULL);
        waited += 20;
    }
    MHD_stop_daemon(srv->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    free(srv->web_root_real);
    free(srv);
}

/* The health route, for whoever assembles the route table. */
const struct route http_health_route = {"GET", "/healthz", http_healthz, 0};
