/* SPDX-License-Identifier: MIT */
/*
 * The light markdown of knowledge base articles: paragraphs separated by
 * blank lines, headings ("## Fees"), lists ("- item", "1. step", with
 * indented lines continuing an item), links ("[text](https://...)") and
 * bold ("**text**"). Nothing else is markup: other characters are text,
 * and the HTML written escapes every one of them, so an article can never
 * carry a tag or a script into a page. Links may only point to http,
 * https, mailto and tel addresses.
 */
#ifndef CIVIC311_KB_MD_H
#define CIVIC311_KB_MD_H

#include <stdbool.h>

#include "util/arena.h"

/*
 * True when every link in md has an allowed address; otherwise *bad is
 * the first address refused (in a) and the result is false.
 */
bool kb_md_links_ok(const char *md, struct arena *a, const char **bad);

/* md as an HTML fragment (<p>, <h3>-<h5>, <ul>, <ol>, <li>, <a>, <strong>),
 * in a; NULL when out of memory. */
char *kb_md_html(const char *md, struct arena *a);

/*
 * md as plain text for snippets, in a: the markup dropped, a link kept as
 * its text, blocks joined by single spaces. NULL when out of memory.
 */
char *kb_md_plain(const char *md, struct arena *a);

#endif
