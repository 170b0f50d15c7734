/* SPDX-License-Identifier: MIT */
/*
 * Loads a knowledge base data file (see kb_load.h). Missing articles are
 * created a hundred to a transaction, which writes each index page once
 * per batch instead of once per article; a load that stops half-way keeps
 * the batches it wrote, and running it again finishes the job.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/kb_load.h"
#include "io/kb_file.h"
#include "store/kb_store.h"

#define KB_LOAD_BATCH 100

/* Articles of the file waiting to be created together. */
struct batch {
    const struct kb_seed *seeds[KB_LOAD_BATCH];
    size_t n;
};

/* Reports a store failure for one article and frees the cause. */
static enum c311_rc
store_failed(FILE *err, const struct kb_seed *s, enum c311_rc rc, char *cause)
{
    fprintf(err, "civic311: article '%s' (%s): %s\n", s->key, s->lang,
            cause != NULL ? cause : c311_rc_str(rc));
    free(cause);
    return rc;
}

/*
 * Creates one article of the file. Another process loading the same file
 * at the same moment may create it first: *raced is set then.
 */
static enum c311_rc
create_seed(struct store *st, const struct kb_seed *s, int64_t now, FILE *err,
            bool *raced)
{
    struct kb_article art;
    char *cause = NULL;
    enum c311_rc rc;

    memset(&art, 0, sizeof(art));
    art.group_key = s->key;
    art.lang = s->lang;
    art.c = s->c;
    art.status = s->status;
    rc = kb_store_create(st, &art, KB_LOAD_ACTOR, now, &cause);
    if (rc == C311_ERR_CONFLICT) {
        free(cause);
        *raced = true;
        return C311_OK;
    }
    return rc == C311_OK ? rc : store_failed(err, s, rc, cause);
}

/* Brings an existing article in line with the file; *changed if it did. */
static enum c311_rc
update_seed(struct store *st, const struct kb_seed *s,
            const struct kb_article *cur, int64_t now, bool *changed, FILE *err)
{
    struct arena a = ARENA_INIT;
    struct kb_article after;
    char *cause = NULL;
    enum c311_rc rc = C311_OK;

    *changed = false;
    if (kb_content_diff(&cur->c, &s->c) != 0) {
        rc = kb_store_update(st, cur->id, &s->c, cur->version, KB_EDITED, 0,
                             KB_LOAD_ACTOR, now, &a, &after, &cause);
        *changed = true;
    }
    if (rc == C311_OK && s->status == KB_PUBLISHED && cur->status == KB_DRAFT) {
        rc = kb_store_publish(st, cur->id, KB_LOAD_ACTOR, now, &a, &after,
                              &cause);
        *changed = true;
    }
    arena_free(&a);
    return rc == C311_OK ? rc : store_failed(err, s, rc, cause);
}

/*
 * Creates the waiting articles in one transaction; when that fails (one
 * of them was created meanwhile by another loader, say), one by one.
 */
static enum c311_rc
flush_batch(struct store *st, struct batch *b, int64_t now,
            struct kb_load_stats *stats, FILE *err)
{
    struct kb_article arts[KB_LOAD_BATCH];
    enum c311_rc rc = C311_OK;
    char *cause = NULL;
    bool raced;
    size_t i;

    memset(arts, 0, sizeof(arts));
    for (i = 0; i < b->n; i++) {
        arts[i].group_key = b->seeds[i]->key;
        arts[i].lang = b->seeds[i]->lang;
        arts[i].c = b->seeds[i]->c;
        arts[i].status = b->seeds[i]->status;
    }
    if (b->n > 0 && kb_store_create_many(st, arts, b->n, KB_LOAD_ACTOR, now,
                                         &cause) == C311_OK) {
        stats->created += b->n;
        b->n = 0;
        return C311_OK;
    }
    free(cause);
    for (i = 0; i < b->n && rc == C311_OK; i++) {
        raced = false;
        rc = create_seed(st, b->seeds[i], now, err, &raced);
        stats->created += rc == C311_OK && !raced;
        stats->unchanged += raced;
    }
    b->n = 0;
    return rc;
}

/* Loads one article of the file, or queues it for creation. */
static enum c311_rc
load_seed(struct store *st, const struct kb_seed *s, bool update, int64_t now,
          struct batch *b, struct kb_load_stats *stats, FILE *err)
{
    struct arena a = ARENA_INIT;
    struct kb_article cur;
    char *cause = NULL;
    bool changed = false;
    enum c311_rc rc;

    rc = kb_store_by_key(st, s->key, s->lang, &a, &cur, &cause);
    if (rc == C311_ERR_NOT_FOUND) {
        free(cause);
        b->seeds[b->n++] = s;
        rc = b->n == KB_LOAD_BATCH ? flush_batch(st, b, now, stats, err)
                                   : C311_OK;
    } else if (rc != C311_OK) {
        rc = store_failed(err, s, rc, cause);
    } else if (update) {
        rc = update_seed(st, s, &cur, now, &changed, err);
        stats->updated += rc == C311_OK && changed;
        stats->unchanged += rc == C311_OK && !changed;
    } else {
        stats->unchanged++;
    }
    arena_free(&a);
    return rc;
}

/* Loads a whole file; see kb_load.h. */
enum c311_rc
kb_load_file(struct store *st, const struct city *city, const char *path,
             bool update, int64_t now, struct kb_load_stats *stats, FILE *err)
{
    struct config_report rep = CONFIG_REPORT_INIT;
    struct kb_file *f = NULL;
    struct batch b;
    enum c311_rc rc;
    size_t i;

    memset(stats, 0, sizeof(*stats));
    b.n = 0;
    rc = kb_file_load(path, city, &f, &rep);
    if (rc != C311_OK) {
        config_report_print(&rep, path, err);
        config_report_free(&rep);
        return rc;
    }
    config_report_free(&rep);
    for (i = 0; i < f->n && rc == C311_OK; i++)
        rc = load_seed(st, &f->v[i], update, now, &b, stats, err);
    if (rc == C311_OK)
        rc = flush_batch(st, &b, now, stats, err);
    kb_file_free(f);
    return rc;
}

/* The starter file next to a configuration; see kb_load.h. */
char *
kb_load_default_path(const char *config_path, struct arena *a)
{
    const char *slash = strrchr(config_path, '/');

    if (slash == NULL)
        return arena_printf(a, "kb/%s", config_path);
    return arena_printf(a, "%.*s/kb/%s", (int)(slash - config_path),
                        config_path, slash + 1);
}
