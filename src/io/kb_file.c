/* SPDX-License-Identifier: MIT */
/*
 * The knowledge base data file reader. libyaml composes the document; this
 * module walks the list of article groups, copies what it keeps into the
 * file's arena and records each problem with its line, so that one run
 * shows everything that is wrong (see kb_file.h, docs/KB.md).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "io/kb_file.h"
#include "util/buf.h"

/* A knowledge base of tens of thousands of articles still fits. */
#define KB_FILE_MAX_BYTES (64u << 20)

struct kbl {
    struct kb_file *f;
    const struct city *city;
    struct config_report *rep;
    yaml_document_t doc;
    size_t cap; /* seeds allocated */
    bool nomem;
};

/* One language of a group, read after the group's shared fields. */
struct lang_entry {
    const char *lang;
    yaml_node_t *node;
    int line;
};

/* Appends one problem to the report, growing its array in its arena. */
static void
report_add(struct config_report *rep, int line, const char *msg)
{
    struct config_problem *nv;
    size_t cap;

    if (rep->n == rep->cap) {
        cap = rep->cap ? rep->cap * 2 : 16;
        nv = arena_alloc(&rep->arena, cap * sizeof(*nv));
        if (nv == NULL)
            return;
        if (rep->n)
            memcpy(nv, rep->v, rep->n * sizeof(*nv));
        rep->v = nv;
        rep->cap = cap;
    }
    rep->v[rep->n].line = line;
    rep->v[rep->n].message = msg ? msg : "out of memory";
    rep->n++;
}

/* Records a formatted problem at a 1-based line. */
static void __attribute__((format(printf, 3, 4)))
problem(struct kbl *l, int line, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = arena_vprintf(&l->rep->arena, fmt, ap);
    va_end(ap);
    report_add(l->rep, line, msg);
}

/* The node's 1-based line. */
static int
line_of(const yaml_node_t *n)
{
    return (int)n->start_mark.line + 1;
}

/* The node with this index. */
static yaml_node_t *
node_at(struct kbl *l, int index)
{
    return yaml_document_get_node(&l->doc, index);
}

/* A scalar's text, or NULL for other nodes. */
static const char *
scalar(const yaml_node_t *n)
{
    if (n == NULL || n->type != YAML_SCALAR_NODE)
        return NULL;
    return (const char *)n->data.scalar.value;
}

/* Copies s into the file's arena. */
static const char *
keep(struct kbl *l, const char *s)
{
    char *p = arena_strdup(&l->f->arena, s);

    if (p == NULL && s != NULL)
        l->nomem = true;
    return p;
}

/* Reads a string field, reporting another kind of value. */
static const char *
get_string(struct kbl *l, yaml_node_t *v, const char *what)
{
    const char *s = scalar(v);

    if (s == NULL) {
        problem(l, line_of(v), "'%s' must be a string", what);
        return NULL;
    }
    return *s != '\0' ? keep(l, s) : NULL;
}

/* qsort() order of strings. */
static int
str_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Reads a list of strings (tags, services) into *out. */
static void
get_list(struct kbl *l, yaml_node_t *v, const char *what, const char ***out,
         size_t *n)
{
    yaml_node_item_t *it;
    const char *s;
    size_t cap;

    *out = NULL;
    *n = 0;
    if (v->type != YAML_SEQUENCE_NODE) {
        problem(l, line_of(v), "'%s' must be a list of strings", what);
        return;
    }
    cap = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    *out = arena_alloc(&l->f->arena, (cap ? cap : 1) * sizeof(**out));
    if (*out == NULL) {
        l->nomem = true;
        return;
    }
    for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        s = scalar(node_at(l, *it));
        if (s == NULL) {
            problem(l, line_of(node_at(l, *it)),
                    "'%s' must be a list of strings", what);
            continue;
        }
        (*out)[(*n)++] = keep(l, s);
    }
}

/* The shared fields of a group, as read so far. */
struct group {
    const char *key;
    yaml_node_t *category; /* a string, or a mapping of language to text */
    const char *department;
    const char *review_by;
    const char **services;
    size_t nservices;
    enum kb_status status;
    struct lang_entry langs[16];
    size_t nlangs;
    int line;
};

/* The category for lang: the text for it, or the group's only string. */
static const char *
category_for(struct kbl *l, const struct group *g, const char *lang)
{
    yaml_node_pair_t *p;
    const char *s;

    if (g->category == NULL)
        return NULL;
    if ((s = scalar(g->category)) != NULL)
        return *s != '\0' ? keep(l, s) : NULL;
    for (p = g->category->data.mapping.pairs.start;
         p < g->category->data.mapping.pairs.top; p++) {
        s = scalar(node_at(l, p->key));
        if (s != NULL && strcmp(s, lang) == 0)
            return get_string(l, node_at(l, p->value), "category");
    }
    return NULL;
}

/* Makes room for one more seed. */
static struct kb_seed *
new_seed(struct kbl *l)
{
    struct kb_seed *nv;
    size_t cap;

    if (l->f->n == l->cap) {
        cap = l->cap ? l->cap * 2 : 64;
        nv = arena_alloc(&l->f->arena, cap * sizeof(*nv));
        if (nv == NULL) {
            l->nomem = true;
            return NULL;
        }
        if (l->f->n)
            memcpy(nv, l->f->v, l->f->n * sizeof(*nv));
        l->f->v = nv;
        l->cap = cap;
    }
    return &l->f->v[l->f->n++];
}

/* Reads one language's title, tags, body (and category) into a seed. */
static void
load_lang(struct kbl *l, const struct group *g, const struct lang_entry *e)
{
    yaml_node_pair_t *p;
    struct kb_problem pb;
    struct kb_seed *s;
    const char *k;

    if (e->node->type != YAML_MAPPING_NODE) {
        problem(l, e->line, "'%s' must be a mapping with title, tags, body",
                e->lang);
        return;
    }
    if ((s = new_seed(l)) == NULL)
        return;
    memset(s, 0, sizeof(*s));
    s->key = g->key;
    s->lang = e->lang;
    s->status = g->status;
    s->line = e->line;
    s->c.department = g->department;
    s->c.review_by = g->review_by;
    s->c.services = g->services;
    s->c.nservices = g->nservices;
    s->c.category = category_for(l, g, e->lang);
    for (p = e->node->data.mapping.pairs.start;
         p < e->node->data.mapping.pairs.top; p++) {
        k = scalar(node_at(l, p->key));
        if (k != NULL && strcmp(k, "title") == 0)
            s->c.title = get_string(l, node_at(l, p->value), "title");
        else if (k != NULL && strcmp(k, "body") == 0)
            s->c.body = get_string(l, node_at(l, p->value), "body");
        else if (k != NULL && strcmp(k, "tags") == 0)
            get_list(l, node_at(l, p->value), "tags", &s->c.tags, &s->c.ntags);
        else
            problem(l, line_of(node_at(l, p->key)), "unknown key '%s' in %s",
                    k != NULL ? k : "?", e->lang);
    }
    if (!kb_content_check(&s->c, l->city, &l->rep->arena, &pb))
        problem(l, e->line, "article '%s' (%s): %s", g->key ? g->key : "?",
                e->lang, pb.message);
}

/* True for a group key: lowercase letters, digits and '-'. */
static bool
key_ok(const char *s)
{
    size_t n = strlen(s);

    return n > 0 && n <= KB_KEY_MAX &&
           strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* Reads one shared field of a group, or a language; false if unknown. */
static bool
group_field(struct kbl *l, struct group *g, const char *k, yaml_node_t *v)
{
    const char *s;

    if (strcmp(k, "key") == 0) {
        g->key = get_string(l, v, "key");
        if (g->key != NULL && !key_ok(g->key))
            problem(l, line_of(v),
                    "bad key '%s' (use lowercase letters, digits and '-')",
                    g->key);
    } else if (strcmp(k, "category") == 0) {
        g->category = v;
    } else if (strcmp(k, "department") == 0) {
        g->department = get_string(l, v, "department");
    } else if (strcmp(k, "review_by") == 0) {
        g->review_by = get_string(l, v, "review_by");
    } else if (strcmp(k, "services") == 0) {
        get_list(l, v, "services", &g->services, &g->nservices);
        /* Sorted, as the store keeps them, so that reloads compare equal. */
        if (g->services != NULL)
            qsort(g->services, g->nservices, sizeof(*g->services), str_cmp);
    } else if (strcmp(k, "status") == 0) {
        s = scalar(v);
        if (s == NULL || !kb_status_parse(s, &g->status))
            problem(l, line_of(v), "'status' must be draft or published");
    } else if (kb_lang_ok(k) && g->nlangs < 16) {
        g->langs[g->nlangs].lang = keep(l, k);
        g->langs[g->nlangs].node = v;
        g->langs[g->nlangs].line = line_of(v);
        g->nlangs++;
    } else {
        return false;
    }
    return true;
}

/* True when an earlier group has the same key. */
static bool
key_seen(struct kbl *l, const char *key, size_t before)
{
    size_t i;

    for (i = 0; i < before; i++) {
        if (strcmp(l->f->v[i].key, key) == 0)
            return true;
    }
    return false;
}

/* Reads one group of translations. */
static void
load_group(struct kbl *l, yaml_node_t *m)
{
    struct group g;
    yaml_node_pair_t *p;
    size_t i, j, first = l->f->n;
    const char *k;

    memset(&g, 0, sizeof(g));
    g.status = KB_PUBLISHED;
    g.line = line_of(m);
    for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        k = scalar(node_at(l, p->key));
        if (k == NULL || !group_field(l, &g, k, node_at(l, p->value)))
            problem(l, line_of(node_at(l, p->key)),
                    "unknown key '%s' in an article group", k ? k : "?");
    }
    if (g.key == NULL) {
        problem(l, g.line, "missing required field 'key' in an article group");
        return;
    }
    if (key_seen(l, g.key, first))
        problem(l, g.line, "key '%s' is used by an earlier group", g.key);
    if (g.nlangs == 0)
        problem(l, g.line, "group '%s' has no article in any language", g.key);
    for (i = 0; i < g.nlangs; i++) {
        for (j = 0; j < i; j++) {
            if (strcmp(g.langs[i].lang, g.langs[j].lang) == 0)
                problem(l, g.langs[i].line, "language '%s' given twice",
                        g.langs[i].lang);
        }
        load_lang(l, &g, &g.langs[i]);
    }
    l->f->ngroups++;
}

/* Reads the top level: a mapping whose only key is "articles". */
static void
load_root(struct kbl *l, yaml_node_t *root)
{
    yaml_node_pair_t *p;
    yaml_node_item_t *it;
    yaml_node_t *list = NULL, *m;
    const char *k;

    if (root->type != YAML_MAPPING_NODE) {
        problem(l, line_of(root), "top level must be a mapping");
        return;
    }
    for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        k = scalar(node_at(l, p->key));
        if (k != NULL && strcmp(k, "articles") == 0)
            list = node_at(l, p->value);
        else
            problem(l, line_of(node_at(l, p->key)),
                    "unknown key '%s' at top level", k ? k : "?");
    }
    if (list == NULL || list->type != YAML_SEQUENCE_NODE) {
        problem(l, line_of(list ? list : root), "'articles' must be a list");
        return;
    }
    for (it = list->data.sequence.items.start;
         it < list->data.sequence.items.top && !l->nomem; it++) {
        m = node_at(l, *it);
        if (m->type != YAML_MAPPING_NODE)
            problem(l, line_of(m), "each article group must be a mapping");
        else
            load_group(l, m);
    }
}

/* Reads the whole file; *why says what went wrong. */
static enum c311_rc
read_file(const char *path, char **out, size_t *len, const char **why)
{
    struct buf b = BUF_INIT(KB_FILE_MAX_BYTES);
    char chunk[64 * 1024];
    FILE *f;
    size_t n;

    if ((f = fopen(path, "rb")) == NULL) {
        *why = strerror(errno);
        return C311_ERR_IO;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    if (b.failed) {
        *why = "file is larger than 64 MiB or memory ran out";
        buf_release(&b);
        return C311_ERR_IO;
    }
    *out = buf_detach(&b, len);
    return *out != NULL ? C311_OK : C311_ERR_NOMEM;
}

/* Parses text and loads its first document. */
static void
load_text(struct kbl *l, const char *text, size_t len)
{
    yaml_parser_t ps;
    yaml_node_t *root;

    if (!yaml_parser_initialize(&ps)) {
        l->nomem = true;
        return;
    }
    yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
    if (!yaml_parser_load(&ps, &l->doc)) {
        problem(l, (int)ps.problem_mark.line + 1, "yaml syntax error: %s",
                ps.problem ? ps.problem : "unknown problem");
        yaml_parser_delete(&ps);
        return;
    }
    root = yaml_document_get_root_node(&l->doc);
    if (root == NULL)
        problem(l, 1, "file is empty");
    else
        load_root(l, root);
    yaml_document_delete(&l->doc);
    yaml_parser_delete(&ps);
}

/* Sorts problems from index from by line, keeping same-line order. */
static void
report_sort(struct config_report *rep, size_t from)
{
    struct config_problem x;
    size_t i, j;

    for (i = from + 1; i < rep->n; i++) {
        x = rep->v[i];
        for (j = i; j > from && rep->v[j - 1].line > x.line; j--)
            rep->v[j] = rep->v[j - 1];
        rep->v[j] = x;
    }
}

/* Loads and checks a data file; see kb_file.h. */
enum c311_rc
kb_file_load(const char *path, const struct city *city, struct kb_file **out,
             struct config_report *rep)
{
    struct kbl l;
    const char *why = NULL;
    size_t len, first = rep->n;
    char *text = NULL;
    enum c311_rc rc;

    *out = NULL;
    rc = read_file(path, &text, &len, &why);
    if (rc != C311_OK) {
        report_add(rep, 0,
                   arena_printf(&rep->arena, "cannot read file: %s",
                                why ? why : "out of memory"));
        return rc;
    }
    memset(&l, 0, sizeof(l));
    l.city = city;
    l.rep = rep;
    l.f = calloc(1, sizeof(*l.f));
    if (l.f == NULL) {
        free(text);
        return C311_ERR_NOMEM;
    }
    load_text(&l, text, len);
    free(text);
    report_sort(rep, first);
    if (l.nomem || rep->n > first) {
        kb_file_free(l.f);
        return l.nomem ? C311_ERR_NOMEM : C311_ERR_INVALID;
    }
    *out = l.f;
    return C311_OK;
}

/* Frees a loaded file. */
void
kb_file_free(struct kb_file *f)
{
    if (f == NULL)
        return;
    arena_free(&f->arena);
    free(f);
}
