/* SPDX-License-Identifier: MIT */
/*
 * Static files for browsers, served from a web root: index.html for a path
 * ending in "/", a content type from the file's suffix, and no way out of
 * the root (".." segments are refused, symbolic links leading outside it
 * are not followed, hidden files are not served).
 */
#ifndef CIVIC311_STATIC_H
#define CIVIC311_STATIC_H

#include "http/http.h"
#include "http/params.h"
#include "util/arena.h"
#include "util/status.h"

/* The Content-Type for a file name, from its suffix. */
const char *static_content_type(const char *name);

/*
 * Turns a decoded URL path into a file name under root, allocated in a.
 * Returns C311_ERR_INVALID for a path with a ".." segment or one that does
 * not start with "/", C311_ERR_NOT_FOUND for a hidden file.
 */
enum c311_rc static_resolve(const char *root, const char *path, struct arena *a,
                            char **file);

/*
 * Where a directory's path without its final "/" is sent: the path with a
 * "/" added and the query arguments after it, percent-encoded, in a
 * ("/dashboard", from=2026-12-01 -> "/dashboard/?from=2026-12-01"). NULL
 * when out of memory.
 */
const char *static_dir_location(const char *path, const struct params *query,
                                struct arena *a);

/*
 * Answers req with the file for req->path under root, whose canonical form
 * (realpath) is root_real; a directory named without its final "/" is a
 * 301 redirect to the name with it (so "/console" opens "/console/" and
 * its relative links work); errors are JSON.
 */
void static_serve(struct http_req *req, const char *root,
                  const char *root_real);

#endif
