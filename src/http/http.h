/* SPDX-License-Identifier: MIT */
/*
 * The HTTP server: libmicrohttpd with a thread pool, one arena per request,
 * form and query parsing, routing, static files and the access log. Handlers
 * receive a struct http_req with everything parsed and answer it with one
 * http_reply_* call; the arena and everything in it is released when the
 * connection is done with the request.
 */
#ifndef CIVIC311_HTTP_H
#define CIVIC311_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/params.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/status.h"

/* Largest request body accepted; a bigger one gets a 413. */
#define HTTP_BODY_MAX (64 * 1024)

/* Extra headers one response may carry (Retry-After, Allow, ...). */
#define HTTP_EXTRA_HEADERS 4

struct MHD_Connection;
struct http_server;

struct http_config {
    const char *listen;   /* "ADDR:PORT", "[ADDR]:PORT"; port 0 picks one */
    unsigned threads;     /* 0: twice the number of cores */
    const char *web_root; /* static files; NULL serves none */
    const struct route *routes;
    size_t nroutes;
    void *app;           /* handed to handlers as req->app */
    unsigned conn_limit; /* 0: a default */
    unsigned timeout_s;  /* idle connection timeout; 0: a default */
};

struct http_req {
    struct arena arena; /* everything below lives in it */
    struct http_server *srv;
    struct MHD_Connection *conn;
    void *app;
    const char *method;
    const char *path; /* decoded, without the query */
    enum http_format fmt;
    struct params params; /* query arguments, then form fields */
    struct router_match match;

    /*
     * Under /api/ (the staff API): bodies are kept whole in body instead
     * of being read as a form, and errors take the staff API's shape
     * {"error":{"code","message","field"}}.
     */
    bool api;
    struct buf body;
    json_t *json; /* a parsed body a handler keeps; released at the end */

    /* Extra response headers (http_add_header), in the arena. */
    const char *hdr_names[HTTP_EXTRA_HEADERS];
    const char *hdr_values[HTTP_EXTRA_HEADERS];
    size_t nhdrs;

    /* Body handling. */
    struct MHD_PostProcessor *pp;
    size_t body_len;
    bool too_large;
    bool bad_body;
    bool bad_param; /* a key with a NUL byte in it */
    bool nul_byte;  /* %00 in the path or in a form-encoded body */
    char
        body_tail[2]; /* last bytes of the body so far, for %00 across pieces */

    const char *allow; /* methods for the Allow header of a 405, or NULL */
    int status;        /* 0 until answered */
    int64_t started_us;
};

/*
 * Binds the listen address and starts the threads. On failure returns
 * C311_ERR_IO (address in use, bad address) or C311_ERR_INVALID with a
 * sentence in *cause (malloc'd, the caller frees it).
 */
enum c311_rc http_server_start(const struct http_config *cfg,
                               struct http_server **out, char **cause);

/* The address actually listened on, "ADDR:PORT". */
const char *http_server_address(const struct http_server *srv);

/*
 * Stops accepting connections, lets requests in flight finish (up to a few
 * seconds), then stops the threads and frees the server.
 */
void http_server_stop(struct http_server *srv);

/* GET /healthz, answering {"status":"ok","version":"..."}. */
extern const struct route http_health_route;

/* The first non-empty value of a query or form parameter, or NULL. */
const char *http_param(const struct http_req *req, const char *name);

/* The value of a {name} path segment of the matched route, or NULL. */
const char *http_path_param(const struct http_req *req, const char *name);

/* A request header, or NULL. */
const char *http_header(const struct http_req *req, const char *name);

/*
 * Queues a response with status and content type. body (len bytes,
 * malloc'd) is taken over and freed by the server, also on failure.
 */
void http_reply(struct http_req *req, int status, const char *content_type,
                char *body, size_t len);

/*
 * Answers with v in the request's format: JSON, or XML under root with
 * array members called item. Takes over the reference to v.
 */
void http_reply_value(struct http_req *req, int status, json_t *v,
                      const char *root, const char *item);

/*
 * Answers with an Open311 error list: n entries whose code is status and
 * whose descriptions are msgs, in the request's format.
 */
void http_reply_errors(struct http_req *req, int status, const char **msgs,
                       size_t n);

/*
 * Adds a header to the response about to be sent (copied into the arena);
 * past HTTP_EXTRA_HEADERS further ones are dropped.
 */
void http_add_header(struct http_req *req, const char *name, const char *value);

/*
 * The staff API's name for an HTTP status: "bad_request", "unauthorized",
 * "forbidden", "not_found", "method_not_allowed", "conflict",
 * "payload_too_large", "unsupported_media_type", "too_many_requests",
 * "unavailable", "internal"; "error" for any other.
 */
const char *http_error_code(int status);

/*
 * Answers with the staff API's error shape:
 * {"error":{"code":code,"message":msg,"field":field or null}}, plus
 * "errors" (taken over; NULL for none) when there are several problems.
 */
void http_reply_api_error(struct http_req *req, int status, const char *code,
                          const char *field, const char *msg, json_t *errors);

/* Answers with one error; msg is a printf format. */
void http_reply_error(struct http_req *req, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
