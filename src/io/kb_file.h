/* SPDX-License-Identifier: MIT */
/*
 * Reads a knowledge base data file (YAML, described in docs/KB.md): groups
 * of articles, one per language, with the fields they share (key,
 * category, department, linked services, review date, state). Every
 * article is checked against the city as an editor's input would be, and
 * every problem is reported with its line, in the same report shape as
 * the city configuration (io/config.h).
 */
#ifndef CIVIC311_KB_FILE_H
#define CIVIC311_KB_FILE_H

#include "core/catalog.h"
#include "core/kb.h"
#include "io/config.h"

/* One article of the file. */
struct kb_seed {
    const char *key; /* the group's key, shared by its translations */
    const char *lang;
    struct kb_content c;
    enum kb_status status;
    int line;
};

/* A loaded file; everything lives in its arena. */
struct kb_file {
    struct arena arena;
    struct kb_seed *v; /* in file order, translations in their order */
    size_t n;
    size_t ngroups;
};

/*
 * Loads path and checks it against city. On success *out is a file the
 * caller frees with kb_file_free(). Otherwise returns C311_ERR_INVALID
 * (C311_ERR_IO when unreadable), leaves *out NULL, and adds every problem
 * to rep, in line order.
 */
enum c311_rc kb_file_load(const char *path, const struct city *city,
                          struct kb_file **out, struct config_report *rep);

void kb_file_free(struct kb_file *f);

#endif
