/* SPDX-License-Identifier: MIT */
/*
 * Knowledge base values as the API writes and reads them: articles (the
 * staff view with state and history fields, the public view without),
 * versions, and an editor's JSON body turned into struct kb_content.
 * Shared by api/kb.c (articles, history, usage) and api/kb_find.c
 * (search, public pages).
 */
#ifndef CIVIC311_KB_JSON_H
#define CIVIC311_KB_JSON_H

#include <jansson.h>
#include <stdbool.h>

#include "core/kb.h"
#include "http/http.h"

/*
 * An article as JSON: everything for staff, or only what the public may
 * see. translations (n articles of the same group, the article itself
 * left out) may be NULL. NULL when out of memory.
 */
json_t *kb_json_article(const struct kb_article *art, bool staff,
                        const struct kb_article *translations, size_t n,
                        struct arena *a);

/* A version of an article's history as JSON. */
json_t *kb_json_version(const struct kb_version *v);

/* A list of strings as a JSON array. */
json_t *kb_json_strings(const char *const *v, size_t n);

/* An instant as a W3C datetime in the city's zone, or null for 0. */
json_t *kb_json_time(int64_t t);

/*
 * Reads an editor's content from body: title, body, category, tags,
 * services, department, review_by, each a string (or list of strings),
 * null or absent for the optional ones. Keys outside allowed (a NULL-ended
 * list, the content keys included) are refused. Strings are copied into
 * a. On a problem replies 400 naming the field and returns false.
 */
bool kb_json_content(struct http_req *req, json_t *body,
                     const char *const *allowed, struct kb_content *out);

/* Parses a positive article id or version number from a path segment. */
bool kb_json_id(const char *s, int64_t *out);

#endif
