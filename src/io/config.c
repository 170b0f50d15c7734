/* SPDX-License-Identifier: MIT */
/*
 * The city configuration reader. libyaml composes the file into a node
 * tree; this module walks it section by section, copying what it keeps
 * into the city's arena and recording every problem with its line, so that
 * one run of `check-config` shows all that is wrong. docs/CONFIG.md is the
 * schema this code enforces.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "core/mapping.h"
#include "core/calendar.h"
#include "core/workflow.h"
#include "io/config.h"
#include "util/buf.h"
#include "util/isotime.h"

/* A configuration larger than this is a mistake, not a city. */
#define CONFIG_MAX_BYTES (16u << 20)

struct loader {
    struct city *c;
    struct arena *a; /* the city's arena */
    struct config_report *rep;
    yaml_document_t doc;
    bool nomem;
};

/* One key a mapping may hold; read_fields() fills val and line. */
struct field {
    const char *key;
    bool required;
    yaml_node_t *val; /* NULL when absent or empty */
    int line;         /* of the value, else of the key */
};

static const char *const weekday_names[7] = {"sun", "mon", "tue", "wed",
                                             "thu", "fri", "sat"};

/* Appends one problem to the report, growing its array in the arena. */
static void
report_add(struct config_report *rep, int line, const char *msg)
{
    struct config_problem *nv;

    if (rep->n == rep->cap) {
        size_t cap = rep->cap ? rep->cap * 2 : 16;

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
problem(struct loader *ld, int line, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = arena_vprintf(&ld->rep->arena, fmt, ap);
    va_end(ap);
    report_add(ld->rep, line, msg);
}

/* Returns the node's 1-based line. */
static int
line_of(const yaml_node_t *n)
{
    return (int)n->start_mark.line + 1;
}

/* Returns the node with this index in the document. */
static yaml_node_t *
node_at(struct loader *ld, int index)
{
    return yaml_document_get_node(&ld->doc, index);
}

/* Returns a scalar's text (libyaml keeps it NUL-terminated). */
static const char *
text_of(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

/* Copies s into the city's arena, noting allocation failure. */
static const char *
keep(struct loader *ld, const char *s)
{
    char *p = arena_strdup(ld->a, s);

    if (p == NULL && s != NULL)
        ld->nomem = true;
    return p;
}

/* Allocates n zeroed elements in the city's arena (at least one). */
static void *
alloc_array(struct loader *ld, size_t n, size_t size)
{
    void *p = arena_alloc(ld->a, (n ? n : 1) * size);

    if (p == NULL)
        ld->nomem = true;
    return p;
}

/* True for a plain scalar that YAML reads as nothing: "", "~", "null". */
static bool
is_empty_value(const yaml_node_t *n)
{
    const char *s;

    if (n->type != YAML_SCALAR_NODE ||
        n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    s = text_of(n);
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0;
}

/* Matches one key of a mapping against the expected fields. */
static void
match_field(struct loader *ld, struct field *f, size_t nf, const char *what,
            yaml_node_t *k, yaml_node_t *v)
{
    size_t i;

    if (k->type != YAML_SCALAR_NODE) {
        problem(ld, line_of(k), "bad key in %s (keys must be plain text)",
                what);
        return;
    }
    for (i = 0; i < nf; i++) {
        if (strcmp(f[i].key, text_of(k)) != 0)
            continue;
        if (f[i].line != 0) {
            problem(ld, line_of(k), "duplicate key '%s' (first on line %d)",
                    f[i].key, f[i].line);
            return;
        }
        f[i].line = line_of(k);
        if (!is_empty_value(v)) {
            f[i].val = v;
            f[i].line = line_of(v);
        }
        return;
    }
    problem(ld, line_of(k), "unknown key '%s' in %s", text_of(k), what);
}

/*
 * Reads mapping m into the field table: reports unknown and duplicate keys,
 * then each required field that is absent or empty. A key given an empty
 * value counts as absent.
 */
static void
read_fields(struct loader *ld, yaml_node_t *m, const char *what,
            struct field *f, size_t nf)
{
    yaml_node_pair_t *pair;
    size_t i;

    for (pair = m->data.mapping.pairs.start; pair < m->data.mapping.pairs.top;
         pair++)
        match_field(ld, f, nf, what, node_at(ld, pair->key),
                    node_at(ld, pair->value));

    for (i = 0; i < nf; i++) {
        if (f[i].required && f[i].val == NULL)
            problem(ld, f[i].line ? f[i].line : line_of(m),
                    "missing required field '%s' in %s", f[i].key, what);
    }
}

/* Returns the field's text, or NULL (reported) when it is not a string. */
static const char *
get_string(struct loader *ld, const struct field *f)
{
    if (f->val == NULL)
        return NULL;
    if (f->val->type != YAML_SCALAR_NODE) {
        problem(ld, f->line, "'%s' must be a string", f->key);
        return NULL;
    }
    return keep(ld, text_of(f->val));
}

/* Reads a true/false field, def when absent. */
static bool
get_bool(struct loader *ld, const struct field *f, bool def)
{
    const char *s;

    if (f->val == NULL)
        return def;
    if (f->val->type == YAML_SCALAR_NODE) {
        s = text_of(f->val);
        if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
            return true;
        if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
            return false;
    }
    problem(ld, f->line, "'%s' must be true or false", f->key);
    return def;
}

/* Reads a whole-number field, def when absent. */
static int
get_int(struct loader *ld, const struct field *f, int def)
{
    const char *s;
    char *end;
    long v;

    if (f->val == NULL)
        return def;
    if (f->val->type == YAML_SCALAR_NODE) {
        s = text_of(f->val);
        errno = 0;
        v = strtol(s, &end, 10);
        if (end != s && *end == '\0' && errno == 0 && v >= 0 && v <= INT_MAX)
            return (int)v;
    }
    problem(ld, f->line, "'%s' must be a whole number", f->key);
    return def;
}

/* True for a language tag such as "en", "zh", "es" or "zh-Hant". */
static bool
is_lang_tag(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz");

    if (n < 2 || n > 3)
        return false;
    s += n;
    while (*s == '-') {
        n = strspn(s + 1, "abcdefghijklmnopqrstuvwxyz"
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        if (n < 1 || n > 8)
            return false;
        s += 1 + n;
    }
    return *s == '\0';
}

/* The first key of mapping m before pair that is the scalar key, or NULL. */
static yaml_node_t *
same_key(struct loader *ld, yaml_node_t *m, yaml_node_pair_t *pair,
         const char *key)
{
    yaml_node_pair_t *p;
    yaml_node_t *k;

    for (p = m->data.mapping.pairs.start; p < pair; p++) {
        k = node_at(ld, p->key);
        if (k->type == YAML_SCALAR_NODE && strcmp(text_of(k), key) == 0)
            return k;
    }
    return NULL;
}

/*
 * Reads a text that is a plain string, in the city's default language, or
 * a mapping of language tag to text, each language once. Empty texts are
 * refused: a reader would see nothing where a name belongs.
 */
static void
get_i18n(struct loader *ld, const struct field *f, struct i18n *out)
{
    yaml_node_pair_t *pair;
    yaml_node_t *m = f->val, *first;
    struct i18n_text *t;
    size_t n;

    out->v = NULL;
    out->n = 0;
    if (m == NULL)
        return;
    if (m->type == YAML_SCALAR_NODE) {
        if (text_of(m)[0] == '\0') {
            problem(ld, f->line, "'%s' is empty", f->key);
            return;
        }
        if ((t = alloc_array(ld, 1, sizeof(*t))) == NULL)
            return;
        t->lang = ld->c->default_lang != NULL ? ld->c->default_lang : "en";
        t->text = keep(ld, text_of(m));
        out->v = t;
        out->n = 1;
        return;
    }
    if (m->type != YAML_MAPPING_NODE) {
        problem(ld, f->line,
                "'%s' must be a string or a mapping of language to text",
                f->key);
        return;
    }

    n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
    if (n == 0) {
        problem(ld, f->line, "'%s' has no text in any language", f->key);
        return;
    }
    t = alloc_array(ld, n, sizeof(*t));
    if (t == NULL)
        return;
    out->v = t;
    for (pair = m->data.mapping.pairs.start; pair < m->data.mapping.pairs.top;
         pair++) {
        yaml_node_t *k = node_at(ld, pair->key), *v = node_at(ld, pair->value);

        if (k->type != YAML_SCALAR_NODE || !is_lang_tag(text_of(k))) {
            problem(ld, line_of(k),
                    "bad language tag in '%s' (expected a tag such as en, "
                    "zh, es)",
                    f->key);
            continue;
        }
        if (v->type != YAML_SCALAR_NODE) {
            problem(ld, line_of(v), "'%s' text for '%s' must be a string",
                    f->key, text_of(k));
            continue;
        }
        if (text_of(v)[0] == '\0') {
            problem(ld, line_of(v), "'%s' text for '%s' is empty", f->key,
                    text_of(k));
            continue;
        }
        if ((first = same_key(ld, m, pair, text_of(k))) != NULL) {
            problem(ld, line_of(k),
                    "'%s' gives language '%s' twice (first on line %d)", f->key,
                    text_of(k), line_of(first));
            continue;
        }
        t[out->n].lang = keep(ld, text_of(k));
        t[out->n].text = keep(ld, text_of(v));
        out->n++;
    }
}

/* Returns the items of a list field, or NULL (reported) if not a list. */
static yaml_node_item_t *
get_list(struct loader *ld, const struct field *f, size_t *n)
{
    *n = 0;
    if (f->val == NULL)
        return NULL;
    if (f->val->type != YAML_SEQUENCE_NODE) {
        problem(ld, f->line, "'%s' must be a list", f->key);
        return NULL;
    }
    *n = (size_t)(f->val->data.sequence.items.top -
                  f->val->data.sequence.items.start);
    return f->val->data.sequence.items.start;
}

/* Reads a list of strings, such as keywords. */
static const char **
get_string_list(struct loader *ld, const struct field *f, size_t *count)
{
    yaml_node_item_t *items;
    const char **v;
    size_t i, n;

    *count = 0;
    items = get_list(ld, f, &n);
    if (items == NULL || (v = alloc_array(ld, n, sizeof(*v))) == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        yaml_node_t *it = node_at(ld, items[i]);

        if (it->type != YAML_SCALAR_NODE) {
            problem(ld, line_of(it), "'%s' must be a list of strings", f->key);
            continue;
        }
        v[(*count)++] = keep(ld, text_of(it));
    }
    return v;
}

/*
 * Returns list item i as a mapping, or NULL (reported) when it is not one.
 */
static yaml_node_t *
list_mapping(struct loader *ld, yaml_node_item_t *items, size_t i,
             const char *what)
{
    yaml_node_t *it = node_at(ld, items[i]);

    if (it->type != YAML_MAPPING_NODE) {
        problem(ld, line_of(it), "each %s must be a mapping", what);
        return NULL;
    }
    return it;
}

/* Checks that a code is non-empty and safe in URLs and file names. */
static bool
check_code(struct loader *ld, const struct field *f, const char *what,
           const char *code)
{
    if (code == NULL)
        return false;
    if (code[0] == '\0' ||
        strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789_-") != strlen(code)) {
        problem(ld, f->line, "bad %s '%s' (use letters, digits, '_' and '-')",
                what, code);
        return false;
    }
    return true;
}

/* Checks that a time zone field names a zone of the system database. */
static void
check_zone(struct loader *ld, const struct field *f, const char *zone)
{
    if (zone != NULL && !isotime_zone_exists(zone))
        problem(ld, f->line, "unknown time zone '%s'", zone);
}

/* Reads the jurisdiction section. */
static void
load_jurisdiction(struct loader *ld, const struct field *sect)
{
    struct field f[] = {
        {"id", true, NULL, 0},
        {"name", true, NULL, 0},
        {"timezone", true, NULL, 0},
        {"default_language", false, NULL, 0},
        {"api_key_rate_limit", false, NULL, 0},
        {"trust_forwarded_proto", false, NULL, 0},
    };
    struct city *c = ld->c;

    if (sect->val == NULL)
        return;
    if (sect->val->type != YAML_MAPPING_NODE) {
        problem(ld, sect->line, "'jurisdiction' must be a mapping");
        return;
    }
    read_fields(ld, sect->val, "jurisdiction", f, 6);

    c->jurisdiction_id = get_string(ld, &f[0]);
    c->name = get_string(ld, &f[1]);
    c->timezone = get_string(ld, &f[2]);
    check_zone(ld, &f[2], c->timezone);
    c->default_lang = get_string(ld, &f[3]);
    if (c->default_lang == NULL) {
        c->default_lang = "en";
    } else if (!is_lang_tag(c->default_lang)) {
        problem(ld, f[3].line,
                "bad language tag '%s' (expected a tag such as en, zh, es)",
                c->default_lang);
    }
    c->api_key_rate_limit = get_int(ld, &f[4], CATALOG_DEFAULT_KEY_RATE_LIMIT);
    if (c->api_key_rate_limit < 1 || c->api_key_rate_limit > 1000000)
        problem(ld, f[4].line,
                "'api_key_rate_limit' must be from 1 to 1000000 requests "
                "per minute");
    c->trust_forwarded_proto = get_bool(ld, &f[5], false);
}

/* Reads "HH:MM" at *p into minutes from midnight, up to max_h:00. */
static bool
parse_hhmm(const char **p, int max_h, int *out)
{
    const char *s = *p;
    int h, m;

    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] != ':' ||
        s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
        return false;
    h = (s[0] - '0') * 10 + (s[1] - '0');
    m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > max_h || (h == max_h && m != 0))
        return false;
    *p = s + 5;
    *out = h * 60 + m;
    return true;
}

/* Parses "HH:MM-HH:MM" (s of length n, spaces trimmed) into minutes. */
static bool
parse_interval(const char *s, size_t n, int *open, int *close)
{
    char tmp[16];
    const char *p = tmp;

    if (n != 11)
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (!parse_hhmm(&p, 23, open) || *p++ != '-' || !parse_hhmm(&p, 24, close))
        return false;
    return *p == '\0';
}

/*
 * Adds the comma-separated intervals of one scalar to a calendar's hours,
 * rejecting malformed, reversed and overlapping intervals.
 */
static void
add_hours(struct loader *ld, struct calendar *cal, size_t cap, int wd,
          const yaml_node_t *v)
{
    const char *s = text_of(v), *end;
    size_t i, n;

    for (; *s != '\0'; s = *end ? end + 1 : end) {
        struct calendar_interval iv = {wd, 0, 0};

        s += strspn(s, " ");
        end = strchr(s, ',');
        if (end == NULL)
            end = s + strlen(s);
        for (n = (size_t)(end - s); n > 0 && s[n - 1] == ' '; n--)
            ;
        if (!parse_interval(s, n, &iv.open_min, &iv.close_min)) {
            problem(ld, line_of(v), "bad hours '%.*s' (expected HH:MM-HH:MM)",
                    (int)n, s);
            continue;
        }
        if (iv.close_min <= iv.open_min) {
            problem(ld, line_of(v), "bad hours '%.*s' (closes before it opens)",
                    (int)n, s);
            continue;
        }
        for (i = 0; i < cal->nhours; i++) {
            const struct calendar_interval *o = &cal->hours[i];

            if (o->weekday == wd && iv.open_min < o->close_min &&
                o->open_min < iv.close_min)
                break;
        }
        if (i < cal->nhours) {
            problem(ld, line_of(v), "overlapping hours '%.*s' on %s", (int)n, s,
                    weekday_names[wd]);
            continue;
        }
        if (cal->nhours < cap)
            cal->hours[cal->nhours++] = iv;
    }
}

/* Counts the intervals a node may hold, to size the hours array. */
static size_t
count_intervals(struct loader *ld, const yaml_node_t *v)
{
    yaml_node_item_t *it;
    const char *s;
    size_t n = 0;

    if (v->type == YAML_SCALAR_NODE) {
        for (n = 1, s = text_of(v); *s; s++)
            n += *s == ',';
        return n;
    }
    if (v->type != YAML_SEQUENCE_NODE)
        return 0;
    for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++)
        n += count_intervals(ld, node_at(ld, *it));
    return n;
}

/* Returns the weekday number of "mon".."sun", or -1. */
static int
weekday_parse(const char *s)
{
    int i;

    for (i = 0; i < 7; i++) {
        if (strcmp(s, weekday_names[i]) == 0)
            return i;
    }
    return -1;
}

/* Orders intervals by weekday, then opening time. */
static int
interval_cmp(const void *pa, const void *pb)
{
    const struct calendar_interval *a = pa, *b = pb;

    if (a->weekday != b->weekday)
        return a->weekday - b->weekday;
    return a->open_min - b->open_min;
}

/* Reads a calendar's weekly hours: weekday -> intervals. */
static void
load_hours(struct loader *ld, struct calendar *cal, const struct field *f)
{
    yaml_node_pair_t *pair;
    yaml_node_t *m = f->val;
    size_t cap = 0;

    if (m == NULL)
        return;
    if (m->type != YAML_MAPPING_NODE) {
        problem(ld, f->line, "'hours' must be a mapping of weekday to hours");
        return;
    }
    for (pair = m->data.mapping.pairs.start; pair < m->data.mapping.pairs.top;
         pair++)
        cap += count_intervals(ld, node_at(ld, pair->value));
    if ((cal->hours = alloc_array(ld, cap, sizeof(*cal->hours))) == NULL)
        return;

    for (pair = m->data.mapping.pairs.start; pair < m->data.mapping.pairs.top;
         pair++) {
        yaml_node_t *k = node_at(ld, pair->key), *v = node_at(ld, pair->value);
        yaml_node_item_t *it;
        int wd = -1;

        if (k->type == YAML_SCALAR_NODE)
            wd = weekday_parse(text_of(k));
        if (wd < 0) {
            problem(ld, line_of(k),
                    "unknown weekday '%s' (use mon, tue, wed, thu, fri, sat, "
                    "sun)",
                    k->type == YAML_SCALAR_NODE ? text_of(k) : "?");
            continue;
        }
        if (v->type == YAML_SCALAR_NODE) {
            add_hours(ld, cal, cap, wd, v);
            continue;
        }
        if (v->type != YAML_SEQUENCE_NODE) {
            problem(ld, line_of(v), "hours for %s must be a string or a list",
                    weekday_names[wd]);
            continue;
        }
        for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
             it++) {
            yaml_node_t *iv = node_at(ld, *it);

            if (iv->type != YAML_SCALAR_NODE)
                problem(ld, line_of(iv), "hours for %s must be strings",
                        weekday_names[wd]);
            else
                add_hours(ld, cal, cap, wd, iv);
        }
    }
    if (cal->nhours > 0)
        qsort(cal->hours, cal->nhours, sizeof(*cal->hours), interval_cmp);
}

/* True for an existing "YYYY-MM-DD" date between 1900 and 9999. */
static bool
is_date(const char *s)
{
    char buf[40];
    int64_t t;

    if (strlen(s) != 10)
        return false;
    snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
    return isotime_parse(buf, &t) && s[4] == '-';
}

/* Reads a calendar's holidays: dates, or mappings with date and name. */
static void
load_holidays(struct loader *ld, struct calendar *cal, const struct field *f)
{
    yaml_node_item_t *items;
    size_t i, n;

    items = get_list(ld, f, &n);
    if (items == NULL ||
        (cal->holidays = alloc_array(ld, n, sizeof(char *))) == NULL)
        return;
    for (i = 0; i < n; i++) {
        yaml_node_t *it = node_at(ld, items[i]);
        struct field hf[] = {{"date", true, NULL, 0}, {"name", false, NULL, 0}};
        const char *date;

        if (it->type == YAML_MAPPING_NODE) {
            read_fields(ld, it, "holiday", hf, 2);
            get_string(ld, &hf[1]);
        } else {
            hf[0].val = it;
            hf[0].line = line_of(it);
        }
        if ((date = get_string(ld, &hf[0])) == NULL)
            continue;
        if (!is_date(date)) {
            problem(ld, hf[0].line,
                    "bad holiday date '%s' (expected YYYY-MM-DD)", date);
            continue;
        }
        cal->holidays[cal->nholidays++] = date;
    }
}

/* Reads one calendar; false when it has no usable id. */
static bool
load_calendar(struct loader *ld, yaml_node_t *m, struct calendar *cal)
{
    struct field f[] = {
        {"id", true, NULL, 0},
        {"timezone", false, NULL, 0},
        {"hours", true, NULL, 0},
        {"holidays", false, NULL, 0},
    };
    size_t i;

    read_fields(ld, m, "calendar", f, 4);
    cal->line = line_of(m);
    cal->id = get_string(ld, &f[0]);
    cal->timezone = get_string(ld, &f[1]);
    check_zone(ld, &f[1], cal->timezone);
    /*
     * TODO: a calendar keeps the jurisdiction's time zone; local times of
     * another zone would need a zone reader of our own, since the server
     * may not switch TZ while its threads run.
     */
    if (cal->timezone != NULL && ld->c->timezone != NULL &&
        strcmp(cal->timezone, ld->c->timezone) != 0 &&
        isotime_zone_exists(cal->timezone) &&
        isotime_zone_exists(ld->c->timezone))
        problem(ld, f[1].line,
                "calendar time zone '%s' differs from the jurisdiction's "
                "'%s' (not supported)",
                cal->timezone, ld->c->timezone);
    if (cal->timezone == NULL)
        cal->timezone = ld->c->timezone;
    load_hours(ld, cal, &f[2]);
    load_holidays(ld, cal, &f[3]);

    if (!check_code(ld, &f[0], "calendar id", cal->id))
        return false;
    for (i = 0; &ld->c->calendars[i] != cal; i++) {
        if (strcmp(ld->c->calendars[i].id, cal->id) == 0) {
            problem(ld, f[0].line,
                    "duplicate calendar id '%s' (first on line "
                    "%d)",
                    cal->id, ld->c->calendars[i].line);
            return false;
        }
    }
    return true;
}

/* Reads the calendars section. */
static void
load_calendars(struct loader *ld, const struct field *sect)
{
    struct city *c = ld->c;
    yaml_node_item_t *items;
    yaml_node_t *m;
    size_t i, n;

    items = get_list(ld, sect, &n);
    if (items == NULL ||
        (c->calendars = alloc_array(ld, n, sizeof(*c->calendars))) == NULL)
        return;
    for (i = 0; i < n; i++) {
        if ((m = list_mapping(ld, items, i, "calendar")) == NULL)
            continue;
        if (load_calendar(ld, m, &c->calendars[c->ncalendars]))
            c->ncalendars++;
        else
            memset(&c->calendars[c->ncalendars], 0, sizeof(*c->calendars));
    }
}

/* Reads a number (a YAML scalar such as 40.71 or -74); false if not one. */
static bool
scalar_double(const yaml_node_t *n, double *out)
{
    const char *s;
    char *end;

    if (n->type != YAML_SCALAR_NODE)
        return false;
    s = text_of(n);
    errno = 0;
    *out = strtod(s, &end);
    return end != s && *end == '\0' && errno == 0;
}

/* Reads a duration field such as "3bd"; false (reported) when bad. */
static bool
get_duration(struct loader *ld, const struct field *f, const char **text,
             struct cal_duration *out)
{
    const char *s = get_string(ld, f);

    if (text != NULL)
        *text = s;
    if (s == NULL)
        return false;
    if (!calendar_duration_parse(s, out)) {
        problem(ld, f->line,
                "bad duration '%s' (use a whole number and m, h, d, bm, bh "
                "or bd, such as 90m, 4bh, 3bd)",
                s);
        return false;
    }
    return true;
}

/* Reads a priority name field into *out; keeps *out when absent. */
static void
get_priority(struct loader *ld, const struct field *f, int *out)
{
    const char *s = get_string(ld, f);

    if (s != NULL && !priority_parse(s, out))
        problem(ld, f->line,
                "unknown priority '%s' (use low, normal, high, urgent)", s);
}

/* Reads the sla section: settings of service levels. */
static void
load_sla(struct loader *ld, const struct field *sect)
{
    struct field f[] = {{"at_risk_percent", false, NULL, 0}};

    ld->c->at_risk_percent = 75;
    if (sect->val == NULL)
        return;
    if (sect->val->type != YAML_MAPPING_NODE) {
        problem(ld, sect->line, "'sla' must be a mapping");
        return;
    }
    read_fields(ld, sect->val, "sla", f, 1);
    ld->c->at_risk_percent = get_int(ld, &f[0], 75);
    if (ld->c->at_risk_percent < 1 || ld->c->at_risk_percent > 99)
        problem(ld, f[0].line, "'at_risk_percent' must be between 1 and 99");
}

/* Reads a zone's polygon: a list of [lat, long] points. */
static void
load_polygon(struct loader *ld, struct zone *z, const struct field *f)
{
    yaml_node_item_t *items;
    size_t i, n;

    items = get_list(ld, f, &n);
    if (items == NULL)
        return;
    if (n < 3) {
        problem(ld, f->line, "polygon needs at least 3 points");
        return;
    }
    z->lat = alloc_array(ld, n, sizeof(double));
    z->lon = alloc_array(ld, n, sizeof(double));
    if (z->lat == NULL || z->lon == NULL)
        return;
    for (i = 0; i < n; i++) {
        yaml_node_t *p = node_at(ld, items[i]);
        double lat, lon;

        if (p->type != YAML_SEQUENCE_NODE ||
            p->data.sequence.items.top - p->data.sequence.items.start != 2 ||
            !scalar_double(node_at(ld, p->data.sequence.items.start[0]),
                           &lat) ||
            !scalar_double(node_at(ld, p->data.sequence.items.start[1]),
                           &lon) ||
            lat < -90 || lat > 90 || lon < -180 || lon > 180) {
            problem(ld, line_of(p),
                    "bad polygon point (expected [lat, long] in degrees)");
            continue;
        }
        z->lat[z->npoints] = lat;
        z->lon[z->npoints] = lon;
        z->npoints++;
    }
}

/* Reads the zones section: named areas that routes refer to. */
static void
load_zones(struct loader *ld, const struct field *sect)
{
    struct city *c = ld->c;
    yaml_node_item_t *items;
    size_t i, n;

    items = get_list(ld, sect, &n);
    if (items == NULL ||
        (c->zones = alloc_array(ld, n, sizeof(*c->zones))) == NULL)
        return;
    for (i = 0; i < n; i++) {
        struct field f[] = {
            {"id", true, NULL, 0},
            {"zips", false, NULL, 0},
            {"polygon", false, NULL, 0},
        };
        struct zone *z = &c->zones[c->nzones];
        yaml_node_t *m = list_mapping(ld, items, i, "zone");
        const struct zone *other;

        if (m == NULL)
            continue;
        read_fields(ld, m, "zone", f, 3);
        z->line = line_of(m);
        z->id = get_string(ld, &f[0]);
        z->zips = get_string_list(ld, &f[1], &z->nzips);
        load_polygon(ld, z, &f[2]);
        if (f[1].val == NULL && f[2].val == NULL)
            problem(ld, z->line, "zone needs 'zips' or 'polygon'");
        if (!check_code(ld, &f[0], "zone id", z->id))
            continue;
        if ((other = catalog_zone(c, z->id)) != NULL) {
            problem(ld, f[0].line, "duplicate zone id '%s' (first on line %d)",
                    z->id, other->line);
            continue;
        }
        c->nzones++;
    }
}

/* Reads one level of a department's escalation chain. */
static bool
load_level(struct loader *ld, yaml_node_t *m, struct escalation_level *lv)
{
    struct field f[] = {
        {"when", true, NULL, 0},
        {"after", false, NULL, 0},
        {"notify", true, NULL, 0},
        {"priority", false, NULL, 0},
    };
    const char *when, *notify;

    read_fields(ld, m, "escalation level", f, 4);
    lv->line = line_of(m);
    lv->priority = -1;
    when = get_string(ld, &f[0]);
    notify = get_string(ld, &f[2]);
    if (when != NULL && strcmp(when, "at_risk") == 0)
        lv->when = ESC_AT_RISK;
    else if (when != NULL && strcmp(when, "breached") == 0)
        lv->when = ESC_BREACHED;
    else if (when != NULL)
        problem(ld, f[0].line,
                "unknown escalation 'when' '%s' (use at_risk, "
                "breached)",
                when);
    if (f[1].val != NULL)
        lv->has_after = get_duration(ld, &f[1], NULL, &lv->after);
    if (lv->has_after && lv->when != ESC_BREACHED)
        problem(ld, f[1].line, "'after' applies only to 'when: breached'");
    if (notify != NULL && strcmp(notify, "lead") == 0)
        lv->notify = ESC_NOTIFY_LEAD;
    else if (notify != NULL && strcmp(notify, "supervisor") == 0)
        lv->notify = ESC_NOTIFY_SUPERVISOR;
    else if (notify != NULL && strcmp(notify, "head") == 0)
        lv->notify = ESC_NOTIFY_HEAD;
    else if (notify != NULL)
        problem(ld, f[2].line,
                "unknown escalation 'notify' '%s' (use lead, supervisor, "
                "head)",
                notify);
    get_priority(ld, &f[3], &lv->priority);
    return when != NULL && notify != NULL;
}

/* Reads a department's escalation chain. */
static void
load_escalation(struct loader *ld, struct department *d, const struct field *f)
{
    yaml_node_item_t *items;
    size_t i, n;

    items = get_list(ld, f, &n);
    if (items == NULL ||
        (d->escalation = alloc_array(ld, n, sizeof(*d->escalation))) == NULL)
        return;
    for (i = 0; i < n; i++) {
        yaml_node_t *m = list_mapping(ld, items, i, "escalation level");

        if (m != NULL && load_level(ld, m, &d->escalation[d->nescalation]))
            d->nescalation++;
    }
}

/* Reads a work group's assignment policy (round_robin by default). */
static void
load_assignment(struct loader *ld, struct work_group *g, const struct field *f)
{
    const char *s = get_string(ld, f);

    g->assignment = ASSIGN_ROUND_ROBIN;
    if (s == NULL || strcmp(s, "round_robin") == 0)
        return;
    if (strcmp(s, "least_open") == 0)
        g->assignment = ASSIGN_LEAST_OPEN;
    else
        problem(ld, f->line,
                "unknown assignment '%s' (use round_robin, least_open)", s);
}

/* Reads one rule of a step's route. */
static bool
load_rule(struct loader *ld, yaml_node_t *m, struct route_rule *r)
{
    struct field f[] = {
        {"zone", false, NULL, 0},
        {"attribute", false, NULL, 0},
        {"value", false, NULL, 0},
        {"work_group", true, NULL, 0},
    };

    read_fields(ld, m, "route rule", f, 4);
    r->line = line_of(m);
    r->zone = get_string(ld, &f[0]);
    r->attribute = get_string(ld, &f[1]);
    r->value = get_string(ld, &f[2]);
    r->work_group = get_string(ld, &f[3]);
    if (r->zone != NULL && catalog_zone(ld->c, r->zone) == NULL)
        problem(ld, f[0].line, "unknown zone '%s'", r->zone);
    if (r->value != NULL && r->attribute == NULL)
        problem(ld, f[2].line, "'value' needs an 'attribute'");
    if (r->work_group != NULL &&
        catalog_work_group(ld->c, r->work_group) == NULL)
        problem(ld, f[3].line, "unknown work group '%s'", r->work_group);
    return r->work_group != NULL;
}

/* Reads a step's route: rules tried in order, the last a default. */
static void
load_route(struct loader *ld, struct workflow_step *st, const struct field *f)
{
    yaml_node_item_t *items;
    size_t i, n;

    items = get_list(ld, f, &n);
    if (items == NULL ||
        (st->route = alloc_array(ld, n, sizeof(*st->route))) == NULL)
        return;
    for (i = 0; i < n; i++) {
        yaml_node_t *m = list_mapping(ld, items, i, "route rule");

        if (m != NULL && load_rule(ld, m, &st->route[st->nroute]))
            st->nroute++;
    }
    if (st->nroute > 0 && (st->route[st->nroute - 1].zone != NULL ||
                           st->route[st->nroute - 1].attribute != NULL))
        problem(ld, f->line,
                "route of step '%s' must end with a rule that has only a "
                "work_group",
                st->id ? st->id : "?");
}

/* Reads the outcomes a step may be completed with. */
static void
load_outcomes(struct loader *ld, struct workflow_step *st,
              const struct field *f)
{
    yaml_node_item_t *items;
    size_t i, j, n;

    items = get_list(ld, f, &n);
    if (items == NULL ||
        (st->outcomes = alloc_array(ld, n, sizeof(*st->outcomes))) == NULL)
        return;
    for (i = 0; i < n; i++) {
        struct field of[] = {
            {"code", true, NULL, 0},
            {"next", false, NULL, 0},
            {"note", false, NULL, 0},
        };
        struct step_outcome *o = &st->outcomes[st->noutcomes];
        yaml_node_t *m = list_mapping(ld, items, i, "outcome");

        if (m == NULL)
            continue;
        read_fields(ld, m, "outcome", of, 3);
        o->line = line_of(m);
        o->code = get_string(ld, &of[0]);
        o->next = get_string_list(ld, &of[1], &o->nnext);
        get_i18n(ld, &of[2], &o->note);
        if (!check_code(ld, &of[0], "outcome code", o->code))
            continue;
        for (j = 0; j < st->noutcomes; j++) {
            if (strcmp(st->outcomes[j].code, o->code) == 0)
                break;
        }
        if (j < st->noutcomes) {
            problem(ld, of[0].line,
                    "duplicate outcome code '%s' (first on line %d)", o->code,
                    st->outcomes[j].line);
            continue;
        }
        st->noutcomes++;
    }
}

/* Reads one step of a workflow; false when it has no usable id. */
static bool
load_step(struct loader *ld, yaml_node_t *m, struct workflow_step *st)
{
    struct field f[] = {
        {"id", true, NULL, 0},          {"name", true, NULL, 0},
        {"work_group", false, NULL, 0}, {"route", false, NULL, 0},
        {"sla", false, NULL, 0},        {"priority", false, NULL, 0},
        {"next", false, NULL, 0},       {"outcomes", false, NULL, 0},
        {"note", false, NULL, 0},       {"tow", false, NULL, 0},
    };

    read_fields(ld, m, "step", f, 10);
    st->line = line_of(m);
    st->id = get_string(ld, &f[0]);
    get_i18n(ld, &f[1], &st->name);
    st->work_group = get_string(ld, &f[2]);
    st->priority = PRIO_NORMAL;
    if (f[4].val != NULL)
        st->has_sla = get_duration(ld, &f[4], &st->sla_text, &st->sla);
    get_priority(ld, &f[5], &st->priority);
    st->next = get_string_list(ld, &f[6], &st->nnext);
    load_outcomes(ld, st, &f[7]);
    get_i18n(ld, &f[8], &st->note);
    st->tow = get_bool(ld, &f[9], false);
    if (st->work_group != NULL && f[3].val != NULL)
        problem(ld, f[3].line, "step has both 'work_group' and 'route'");
    else if (st->work_group == NULL && f[3].val == NULL)
        problem(ld, st->line, "step needs a 'work_group' or a 'route'");
    if (st->work_group != NULL &&
        catalog_work_group(ld->c, st->work_group) == NULL)
        problem(ld, f[2].line, "unknown work group '%s'", st->work_group);
    load_route(ld, st, &f[3]);
    return check_code(ld, &f[0], "step id", st->id);
}

/* Reports a reference to a step that wf does not have. */
static void
check_step_refs(struct loader *ld, const struct workflow *wf,
                const char *const *ids, size_t n, int line)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (catalog_step(wf, ids[i]) == NULL)
            problem(ld, line, "unknown step '%s' in workflow '%s'", ids[i],
                    wf->id);
    }
}

/*
 * Checks a business service level of a step: every work group it may go
 * to must belong to a department with a calendar.
 */
static void
check_step_calendar(struct loader *ld, const struct workflow_step *st)
{
    const struct work_group *g;
    size_t i;

    if (!st->has_sla || !calendar_duration_is_business(&st->sla))
        return;
    for (i = 0; i <= st->nroute; i++) {
        g = catalog_work_group(ld->c, i < st->nroute ? st->route[i].work_group
                                                     : st->work_group);
        if (g != NULL &&
            catalog_department_calendar(ld->c, g->department) == NULL)
            problem(ld, st->line,
                    "step '%s' counts business time but department '%s' has "
                    "no calendar",
                    st->id, g->department);
    }
}

/* Checks step references, calendars and the graph of one workflow. */
static void
check_workflow(struct loader *ld, const struct workflow *wf, int start_line)
{
    struct workflow_problem *v;
    size_t i, j, n;

    check_step_refs(ld, wf, wf->start, wf->nstart, start_line);
    for (i = 0; i < wf->nsteps; i++) {
        const struct workflow_step *st = &wf->steps[i];

        check_step_refs(ld, wf, st->next, st->nnext, st->line);
        for (j = 0; j < st->noutcomes; j++)
            check_step_refs(ld, wf, st->outcomes[j].next, st->outcomes[j].nnext,
                            st->outcomes[j].line);
        check_step_calendar(ld, st);
    }
    if (workflow_check_graph(wf, &ld->rep->arena, &v, &n) != C311_OK) {
        ld->nomem = true;
        return;
    }
    for (i = 0; i < n; i++)
        report_add(ld->rep, v[i].line, v[i].message);
}

/* Reads one workflow; false when it has no usable id. */
static bool
load_workflow(struct loader *ld, yaml_node_t *m, struct workflow *wf)
{
    struct field f[] = {
        {"id", true, NULL, 0},
        {"start", false, NULL, 0},
        {"steps", true, NULL, 0},
    };
    yaml_node_item_t *items;
    size_t i, j, n;

    read_fields(ld, m, "workflow", f, 3);
    wf->line = line_of(m);
    wf->id = get_string(ld, &f[0]);
    wf->start = get_string_list(ld, &f[1], &wf->nstart);
    items = get_list(ld, &f[2], &n);
    if (items != NULL &&
        (wf->steps = alloc_array(ld, n, sizeof(*wf->steps))) != NULL) {
        for (i = 0; i < n; i++) {
            struct workflow_step *st = &wf->steps[wf->nsteps];
            yaml_node_t *sm = list_mapping(ld, items, i, "step");

            if (sm == NULL || !load_step(ld, sm, st))
                continue;
            for (j = 0; j < wf->nsteps; j++) {
                if (strcmp(wf->steps[j].id, st->id) == 0)
                    break;
            }
            if (j < wf->nsteps)
                problem(ld, st->line,
                        "duplicate step id '%s' (first on line %d)", st->id,
                        wf->steps[j].line);
            else
                wf->nsteps++;
        }
    }
    if (!check_code(ld, &f[0], "workflow id", wf->id))
        return false;
    if (catalog_workflow(ld->c, wf->id) != NULL) {
        problem(ld, f[0].line, "duplicate workflow id '%s' (first on line %d)",
                wf->id, catalog_workflow(ld->c, wf->id)->line);
        return false;
    }
    check_workflow(ld, wf, f[1].line ? f[1].line : wf->line);
    return true;
}

/* Reads the workflows section. */
static void
load_workflows(struct loader *ld, const struct field *sect)
{
    struct city *c = ld->c;
    yaml_node_item_t *items;
    yaml_node_t *m;
    size_t i, n;

    items = get_list(ld, sect, &n);
    if (items == NULL ||
        (c->workflows = alloc_array(ld, n, sizeof(*c->workflows))) == NULL)
        return;
    for (i = 0; i < n; i++) {
        if ((m = list_mapping(ld, items, i, "workflow")) == NULL)
            continue;
        if (load_workflow(ld, m, &c->workflows[c->nworkflows]))
            c->nworkflows++;
        else
            memset(&c->workflows[c->nworkflows], 0, sizeof(*c->workflows));
    }
}

/* True when svc asks the question code. */
static bool
service_asks(const struct service *svc, const char *code)
{
    size_t i;

    for (i = 0; i < svc->nattrs; i++) {
        if (strcmp(svc->attrs[i].code, code) == 0)
            return true;
    }
    return false;
}

/*
 * Checks what needs both services and workflows: a route that looks at an
 * answer must look at a question every service using it asks.
 */
static void
check_workflows(struct loader *ld)
{
    const struct city *c = ld->c;
    const struct workflow *wf;
    const struct route_rule *r;
    size_t i, j, k;

    for (i = 0; i < c->nservices; i++) {
        wf = catalog_workflow(c, c->services[i].workflow);
        for (j = 0; wf != NULL && j < wf->nsteps; j++) {
            for (k = 0; k < wf->steps[j].nroute; k++) {
                r = &wf->steps[j].route[k];
                if (r->attribute != NULL &&
                    !service_asks(&c->services[i], r->attribute))
                    problem(ld, r->line,
                            "service '%s' has no attribute '%s' (route of "
                            "step '%s')",
                            c->services[i].code, r->attribute, wf->steps[j].id);
            }
        }
    }
}

/* Reads the pounds of the towing section. */
static void
load_pounds(struct loader *ld, struct towing *t, const struct field *f)
{
    yaml_node_item_t *items;
    size_t i, n;

    items = get_list(ld, f, &n);
    if (items == NULL ||
        (t->pounds = alloc_array(ld, n, sizeof(*t->pounds))) == NULL)
        return;
    for (i = 0; i < n; i++) {
        struct field pf[] = {
            {"code", true, NULL, 0},    {"name", true, NULL, 0},
            {"address", true, NULL, 0}, {"hours", false, NULL, 0},
            {"phone", false, NULL, 0},
        };
        struct pound *p = &t->pounds[t->npounds];
        yaml_node_t *m = list_mapping(ld, items, i, "pound");

        if (m == NULL)
            continue;
        read_fields(ld, m, "pound", pf, 5);
        p->line = line_of(m);
        p->code = get_string(ld, &pf[0]);
        p->name = get_string(ld, &pf[1]);
        p->address = get_string(ld, &pf[2]);
        p->hours = get_string(ld, &pf[3]);
        p->phone = get_string(ld, &pf[4]);
        if (check_code(ld, &pf[0], "pound code", p->code))
            t->npounds++;
    }
}

/* Reads the towing section: deadlines, requirements and pounds. */
static void
load_towing(struct loader *ld, const struct field *sect)
{
    struct field f[] = {
        {"department", true, NULL, 0},     {"notice_within", true, NULL, 0},
        {"holding_period", true, NULL, 0}, {"release_requires", true, NULL, 0},
        {"pounds", true, NULL, 0},
    };
    struct towing *t = &ld->c->towing;

    if (sect->val == NULL)
        return;
    if (sect->val->type != YAML_MAPPING_NODE) {
        problem(ld, sect->line, "'towing' must be a mapping");
        return;
    }
    read_fields(ld, sect->val, "towing", f, 5);
    t->configured = true;
    t->department = get_string(ld, &f[0]);
    if (t->department != NULL &&
        catalog_department(ld->c, t->department) == NULL)
        problem(ld, f[0].line, "unknown department '%s'", t->department);
    if (get_duration(ld, &f[1], &t->notice_text, &t->notice_within) &&
        calendar_duration_is_business(&t->notice_within) &&
        catalog_department_calendar(ld->c, t->department) == NULL)
        problem(ld, f[1].line,
                "'notice_within' counts business time but department '%s' "
                "has no calendar",
                t->department ? t->department : "?");
    get_duration(ld, &f[2], &t->holding_text, &t->holding_period);
    t->release_requires = get_string(ld, &f[3]);
    load_pounds(ld, t, &f[4]);
}

/* Reads one department; false when it has no usable code. */
static bool
load_department(struct loader *ld, yaml_node_t *m, struct department *d)
{
    struct field f[] = {
        {"code", true, NULL, 0},         {"name", true, NULL, 0},
        {"calendar", false, NULL, 0},    {"email", false, NULL, 0},
        {"phone", false, NULL, 0},       {"head", false, NULL, 0},
        {"supervisors", false, NULL, 0}, {"escalation", false, NULL, 0},
    };
    const struct department *other;

    read_fields(ld, m, "department", f, 8);
    d->head = get_string(ld, &f[5]);
    d->supervisors = get_string_list(ld, &f[6], &d->nsupervisors);
    load_escalation(ld, d, &f[7]);
    d->line = line_of(m);
    d->code = get_string(ld, &f[0]);
    get_i18n(ld, &f[1], &d->name);
    d->calendar = get_string(ld, &f[2]);
    d->email = get_string(ld, &f[3]);
    d->phone = get_string(ld, &f[4]);

    if (d->calendar != NULL && catalog_calendar(ld->c, d->calendar) == NULL)
        problem(ld, f[2].line, "unknown calendar '%s'", d->calendar);
    if (d->email != NULL && strchr(d->email, '@') == NULL)
        problem(ld, f[3].line, "bad email '%s'", d->email);
    if (!check_code(ld, &f[0], "department code", d->code))
        return false;
    if ((other = catalog_department(ld->c, d->code)) != NULL) {
        problem(ld, f[0].line,
                "duplicate department code '%s' (first on line %d)", d->code,
                other->line);
        return false;
    }
    return true;
}

/* Reads the departments section. */
static void
load_departments(struct loader *ld, const struct field *sect)
{
    struct city *c = ld->c;
    yaml_node_item_t *items;
    yaml_node_t *m;
    struct department d;
    size_t i, n;

    items = get_list(ld, sect, &n);
    if (items == NULL ||
        (c->departments = alloc_array(ld, n, sizeof(*c->departments))) == NULL)
        return;
    for (i = 0; i < n; i++) {
        if ((m = list_mapping(ld, items, i, "department")) == NULL)
            continue;
        memset(&d, 0, sizeof(d));
        if (load_department(ld, m, &d))
            c->departments[c->ndepartments++] = d;
    }
}

/* Reads the work_groups section. */
static void
load_work_groups(struct loader *ld, const struct field *sect)
{
    struct city *c = ld->c;
    yaml_node_item_t *items;
    size_t i, j, n;

    items = get_list(ld, sect, &n);
    if (items == NULL ||
        (c->work_groups = alloc_array(ld, n, sizeof(*c->work_groups))) == NULL)
        return;
    for (i = 0; i < n; i++) {
        struct field f[] = {
            {"code", true, NULL, 0},       {"name", true, NULL, 0},
            {"department", true, NULL, 0}, {"lead", false, NULL, 0},
            {"members", false, NULL, 0},   {"assignment", false, NULL, 0},
        };
        struct work_group *g = &c->work_groups[c->nwork_groups];
        yaml_node_t *m = list_mapping(ld, items, i, "work group");

        if (m == NULL)
            continue;
        read_fields(ld, m, "work group", f, 6);
        g->line = line_of(m);
        g->code = get_string(ld, &f[0]);
        get_i18n(ld, &f[1], &g->name);
        g->department = get_string(ld, &f[2]);
        g->lead = get_string(ld, &f[3]);
        g->members = get_string_list(ld, &f[4], &g->nmembers);
        load_assignment(ld, g, &f[5]);
        if (g->department && catalog_department(c, g->department) == NULL)
            problem(ld, f[2].line, "unknown department '%s'", g->department);
        if (!check_code(ld, &f[0], "work group code", g->code))
            continue;
        for (j = 0; j < c->nwork_groups; j++) {
            if (strcmp(c->work_groups[j].code, g->code) == 0)
                break;
        }
        if (j < c->nwork_groups) {
            problem(ld, f[0].line,
                    "duplicate work group code '%s' (first on line %d)",
                    g->code, c->work_groups[j].line);
            continue;
        }
        c->nwork_groups++;
    }
}

/* Reads the answer choices of a list question. */
static void
load_values(struct loader *ld, struct service_attr *at, const struct field *fv)
{
    yaml_node_item_t *items;
    size_t i, j, n;
    int *lines;

    items = get_list(ld, fv, &n);
    if (items == NULL ||
        (at->values = alloc_array(ld, n, sizeof(*at->values))) == NULL ||
        (lines = alloc_array(ld, n, sizeof(int))) == NULL)
        return;
    for (i = 0; i < n; i++) {
        struct field f[] = {{"key", true, NULL, 0}, {"name", true, NULL, 0}};
        struct attr_value *v = &at->values[at->nvalues];
        yaml_node_t *m = list_mapping(ld, items, i, "value");

        if (m == NULL)
            continue;
        read_fields(ld, m, "value", f, 2);
        v->key = get_string(ld, &f[0]);
        get_i18n(ld, &f[1], &v->name);
        if (v->key == NULL)
            continue;
        for (j = 0; j < at->nvalues; j++) {
            if (strcmp(at->values[j].key, v->key) == 0)
                break;
        }
        if (j < at->nvalues) {
            problem(ld, f[0].line,
                    "duplicate value key '%s' (first on line %d)", v->key,
                    lines[j]);
            continue;
        }
        lines[at->nvalues++] = f[0].line;
    }
}

/* Reads one question of a service; false when it has no usable code. */
static bool
load_attr(struct loader *ld, yaml_node_t *m, struct service_attr *at,
          int position)
{
    struct field f[] = {
        {"code", true, NULL, 0},
        {"datatype", true, NULL, 0},
        {"required", false, NULL, 0},
        {"order", false, NULL, 0},
        {"variable", false, NULL, 0},
        {"description", true, NULL, 0},
        {"datatype_description", false, NULL, 0},
        {"values", false, NULL, 0},
    };
    const char *dt;
    bool is_list;

    read_fields(ld, m, "attribute", f, 8);
    at->line = line_of(m);
    at->code = get_string(ld, &f[0]);
    dt = get_string(ld, &f[1]);
    at->required = get_bool(ld, &f[2], false);
    at->order = get_int(ld, &f[3], position);
    at->variable = get_bool(ld, &f[4], true);
    get_i18n(ld, &f[5], &at->description);
    get_i18n(ld, &f[6], &at->datatype_description);

    if (dt != NULL && !attr_datatype_parse(dt, &at->datatype)) {
        problem(ld, f[1].line,
                "unknown datatype '%s' (use string, number, datetime, text, "
                "singlevaluelist, multivaluelist)",
                dt);
        dt = NULL;
    }
    is_list = at->datatype == ATTR_SINGLEVALUELIST ||
              at->datatype == ATTR_MULTIVALUELIST;
    if (dt != NULL && is_list && f[7].val == NULL)
        problem(ld, f[1].line, "missing values for list datatype %s", dt);
    else if (dt != NULL && !is_list && f[7].val != NULL)
        problem(ld, f[7].line, "values not allowed for datatype %s", dt);
    else if (is_list)
        load_values(ld, at, &f[7]);
    if (at->required && !at->variable)
        problem(ld, f[2].line,
                "attribute cannot be required when 'variable' is false");

    return check_code(ld, &f[0], "attribute code", at->code);
}

/* Orders questions by their order field, keeping file order for ties. */
static void
sort_attrs(struct service_attr *v, size_t n)
{
    size_t i, j;

    for (i = 1; i < n; i++) {
        struct service_attr x = v[i];

        for (j = i; j > 0 && v[j - 1].order > x.order; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* Reads a service's questions, rejecting repeated codes and orders. */
static void
load_attrs(struct loader *ld, struct service *svc, const struct field *fa)
{
    yaml_node_item_t *items;
    size_t i, j, n;

    items = get_list(ld, fa, &n);
    if (items == NULL ||
        (svc->attrs = alloc_array(ld, n, sizeof(*svc->attrs))) == NULL)
        return;
    for (i = 0; i < n; i++) {
        struct service_attr *at = &svc->attrs[svc->nattrs];
        yaml_node_t *m = list_mapping(ld, items, i, "attribute");

        if (m == NULL || !load_attr(ld, m, at, (int)i + 1))
            continue;
        for (j = 0; j < svc->nattrs; j++) {
            if (strcmp(svc->attrs[j].code, at->code) == 0) {
                problem(ld, at->line,
                        "duplicate attribute code '%s' (first on line %d)",
                        at->code, svc->attrs[j].line);
                break;
            }
            if (svc->attrs[j].order == at->order) {
                problem(ld, at->line,
                        "duplicate attribute order %d (first on line %d)",
                        at->order, svc->attrs[j].line);
                break;
            }
        }
        if (j == svc->nattrs)
            svc->nattrs++;
    }
    sort_attrs(svc->attrs, svc->nattrs);
}

/* Reads one service; false when it has no usable code. */
static bool
load_service(struct loader *ld, yaml_node_t *m, struct service *svc)
{
    struct field f[] = {
        {"code", true, NULL, 0},         {"name", true, NULL, 0},
        {"description", false, NULL, 0}, {"group", false, NULL, 0},
        {"keywords", false, NULL, 0},    {"type", true, NULL, 0},
        {"department", true, NULL, 0},   {"attributes", false, NULL, 0},
        {"workflow", false, NULL, 0},
    };
    const struct service *other;
    const char *type;

    read_fields(ld, m, "service", f, 9);
    svc->workflow = get_string(ld, &f[8]);
    if (svc->workflow != NULL && catalog_workflow(ld->c, svc->workflow) == NULL)
        problem(ld, f[8].line, "unknown workflow '%s'", svc->workflow);
    svc->line = line_of(m);
    svc->code = get_string(ld, &f[0]);
    get_i18n(ld, &f[1], &svc->name);
    get_i18n(ld, &f[2], &svc->description);
    get_i18n(ld, &f[3], &svc->group);
    svc->keywords = get_string_list(ld, &f[4], &svc->nkeywords);
    type = get_string(ld, &f[5]);
    if (type != NULL && !service_type_parse(type, &svc->type))
        problem(ld, f[5].line,
                "unknown service type '%s' (use realtime, batch, blackbox)",
                type);
    svc->department = get_string(ld, &f[6]);
    if (svc->department && catalog_department(ld->c, svc->department) == NULL)
        problem(ld, f[6].line, "unknown department '%s'", svc->department);
    load_attrs(ld, svc, &f[7]);

    if (!check_code(ld, &f[0], "service code", svc->code))
        return false;
    if ((other = catalog_service(ld->c, svc->code)) != NULL) {
        problem(ld, f[0].line, "duplicate service code '%s' (first on line %d)",
                svc->code, other->line);
        return false;
    }
    return true;
}

/* Reads the services section. */
static void
load_services(struct loader *ld, const struct field *sect)
{
    struct city *c = ld->c;
    yaml_node_item_t *items;
    yaml_node_t *m;
    struct service svc;
    size_t i, n;

    items = get_list(ld, sect, &n);
    if (items == NULL ||
        (c->services = alloc_array(ld, n, sizeof(*c->services))) == NULL)
        return;
    for (i = 0; i < n; i++) {
        if ((m = list_mapping(ld, items, i, "service")) == NULL)
            continue;
        memset(&svc, 0, sizeof(svc));
        if (load_service(ld, m, &svc))
            c->services[c->nservices++] = svc;
    }
}

/* ---- mapping of imported data ---- */

/* What the target of a mapping table must be. */
enum map_target { MAP_DEPARTMENT, MAP_CHANNEL };

/* Reports a source value given twice in one table; true if it was. */
static bool
map_duplicate(struct loader *ld, const struct map_entry *v, size_t n,
              const struct map_entry *e, const char *table)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcasecmp(v[i].from, e->from) != 0)
            continue;
        if ((v[i].detail == NULL) != (e->detail == NULL) ||
            (e->detail != NULL && strcasecmp(v[i].detail, e->detail) != 0))
            continue;
        if (e->detail != NULL)
            problem(ld, e->line,
                    "duplicate '%s' with descriptor '%s' in %s (first on "
                    "line %d)",
                    e->from, e->detail, table, v[i].line);
        else
            problem(ld, e->line, "duplicate '%s' in %s (first on line %d)",
                    e->from, table, v[i].line);
        return true;
    }
    return false;
}

/* Checks the target of one entry of a departments or channels table. */
static bool
map_target_ok(struct loader *ld, const struct field *f, const char *to,
              enum map_target kind)
{
    if (kind == MAP_CHANNEL)
        return check_code(ld, f, "channel", to);
    if (catalog_department(ld->c, to) == NULL) {
        problem(ld, f->line, "unknown department '%s'", to);
        return false;
    }
    return true;
}

/* Reads a table of "source value: target" pairs. */
static void
load_map_pairs(struct loader *ld, const struct field *f, enum map_target kind,
               struct map_entry **out, size_t *count)
{
    yaml_node_pair_t *pair;
    yaml_node_t *m = f->val;
    struct map_entry *v;
    size_t n;

    *count = 0;
    if (m == NULL)
        return;
    if (m->type != YAML_MAPPING_NODE) {
        problem(ld, f->line, "'%s' must be a mapping of source value to %s",
                f->key, kind == MAP_CHANNEL ? "channel" : "department");
        return;
    }
    n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
    if ((v = alloc_array(ld, n, sizeof(*v))) == NULL)
        return;
    *out = v;
    for (pair = m->data.mapping.pairs.start; pair < m->data.mapping.pairs.top;
         pair++) {
        yaml_node_t *k = node_at(ld, pair->key),
                    *val = node_at(ld, pair->value);
        struct field tf = {f->key, true, val, line_of(val)};
        struct map_entry e = {NULL, NULL, NULL, line_of(k)};

        if (k->type != YAML_SCALAR_NODE || val->type != YAML_SCALAR_NODE) {
            problem(ld, line_of(k), "'%s' must map source values to strings",
                    f->key);
            continue;
        }
        e.from = keep(ld, text_of(k));
        e.to = keep(ld, text_of(val));
        if (e.from == NULL || e.to == NULL ||
            !map_target_ok(ld, &tf, e.to, kind) ||
            map_duplicate(ld, v, *count, &e, f->key))
            continue;
        v[(*count)++] = e;
    }
}

/* Reads the list of complaint types (and descriptors) mapped to services. */
static void
load_map_services(struct loader *ld, const struct field *f,
                  struct import_mapping *m)
{
    yaml_node_item_t *items;
    size_t i, n;

    items = get_list(ld, f, &n);
    if (items == NULL ||
        (m->services = alloc_array(ld, n, sizeof(*m->services))) == NULL)
        return;
    for (i = 0; i < n; i++) {
        struct field sf[] = {
            {"type", true, NULL, 0},
            {"descriptor", false, NULL, 0},
            {"service", true, NULL, 0},
        };
        yaml_node_t *it = list_mapping(ld, items, i, "service mapping");
        struct map_entry e;

        if (it == NULL)
            continue;
        read_fields(ld, it, "service mapping", sf, 3);
        e.line = line_of(it);
        e.from = get_string(ld, &sf[0]);
        e.detail = get_string(ld, &sf[1]);
        e.to = get_string(ld, &sf[2]);
        if (e.from == NULL || e.to == NULL)
            continue;
        if (catalog_service(ld->c, e.to) == NULL) {
            problem(ld, sf[2].line, "unknown service '%s'", e.to);
            continue;
        }
        if (!map_duplicate(ld, m->services, m->nservices, &e, "services"))
            m->services[m->nservices++] = e;
    }
}

/* Reads the mapping of one source format. */
static void
load_format_mapping(struct loader *ld, yaml_node_t *k, yaml_node_t *v,
                    struct import_mapping *m)
{
    struct field f[] = {
        {"departments", false, NULL, 0},
        {"services", false, NULL, 0},
        {"channels", false, NULL, 0},
    };

    m->line = line_of(k);
    m->format = keep(ld, text_of(k));
    if (v->type != YAML_MAPPING_NODE) {
        if (!is_empty_value(v))
            problem(ld, line_of(v), "mapping of '%s' must be a mapping",
                    text_of(k));
        return;
    }
    read_fields(ld, v, "mapping", f, 3);
    load_map_pairs(ld, &f[0], MAP_DEPARTMENT, &m->departments,
                   &m->ndepartments);
    load_map_services(ld, &f[1], m);
    load_map_pairs(ld, &f[2], MAP_CHANNEL, &m->channels, &m->nchannels);
}

/* Reads the mapping section: source format -> its tables. */
static void
load_mapping(struct loader *ld, const struct field *sect)
{
    struct city *c = ld->c;
    yaml_node_pair_t *pair;
    yaml_node_t *m = sect->val;
    size_t n, i;

    if (m == NULL)
        return;
    if (m->type != YAML_MAPPING_NODE) {
        problem(ld, sect->line,
                "'mapping' must be a mapping of source format to its tables");
        return;
    }
    n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
    if ((c->mappings = alloc_array(ld, n, sizeof(*c->mappings))) == NULL)
        return;
    for (pair = m->data.mapping.pairs.start; pair < m->data.mapping.pairs.top;
         pair++) {
        yaml_node_t *k = node_at(ld, pair->key), *v = node_at(ld, pair->value);

        if (k->type != YAML_SCALAR_NODE || !mapping_format_known(text_of(k))) {
            problem(ld, line_of(k), "unknown import format '%s' (use %s)",
                    k->type == YAML_SCALAR_NODE ? text_of(k) : "?",
                    MAPPING_FORMATS);
            continue;
        }
        for (i = 0; i < c->nmappings; i++) {
            if (strcmp(c->mappings[i].format, text_of(k)) == 0)
                break;
        }
        if (i < c->nmappings) {
            problem(ld, line_of(k), "duplicate key '%s' (first on line %d)",
                    text_of(k), c->mappings[i].line);
            continue;
        }
        memset(&c->mappings[c->nmappings], 0, sizeof(c->mappings[0]));
        load_format_mapping(ld, k, v, &c->mappings[c->nmappings]);
        c->nmappings++;
    }
}

/*
 * Reads the top level. Sections are read in dependency order (calendars,
 * departments, then what refers to departments) whatever their order in
 * the file, so that references can be checked as they are met.
 */
static void
load_root(struct loader *ld, yaml_node_t *root)
{
    struct field f[] = {
        {"jurisdiction", true, NULL, 0}, {"calendars", false, NULL, 0},
        {"departments", true, NULL, 0},  {"work_groups", false, NULL, 0},
        {"services", true, NULL, 0},     {"zones", false, NULL, 0},
        {"workflows", false, NULL, 0},   {"sla", false, NULL, 0},
        {"towing", false, NULL, 0},      {"mapping", false, NULL, 0},
    };

    if (root->type != YAML_MAPPING_NODE) {
        problem(ld, line_of(root), "top level must be a mapping");
        return;
    }
    read_fields(ld, root, "top level", f, 10);
    load_jurisdiction(ld, &f[0]);
    load_sla(ld, &f[7]);
    load_calendars(ld, &f[1]);
    load_zones(ld, &f[5]);
    load_departments(ld, &f[2]);
    load_work_groups(ld, &f[3]);
    load_workflows(ld, &f[6]);
    load_towing(ld, &f[8]);
    load_services(ld, &f[4]);
    load_mapping(ld, &f[9]);
    check_workflows(ld);
}

/*
 * Reads the whole file into a malloc'd, NUL-terminated buffer. On failure
 * *why says what went wrong, in words for the report.
 */
static enum c311_rc
read_file(const char *path, char **out, size_t *len, const char **why)
{
    struct buf b = BUF_INIT(CONFIG_MAX_BYTES);
    char chunk[64 * 1024];
    FILE *f;
    size_t n;

    if ((f = fopen(path, "rb")) == NULL) {
        *why = strerror(errno);
        return C311_ERR_IO;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    if (ferror(f)) {
        *why = strerror(errno);
        fclose(f);
        buf_release(&b);
        return C311_ERR_IO;
    }
    fclose(f);
    if (b.failed) {
        *why = b.len + sizeof(chunk) > CONFIG_MAX_BYTES
                   ? "file is larger than 16 MiB"
                   : "out of memory";
        buf_release(&b);
        return C311_ERR_IO;
    }
    *out = buf_detach(&b, len);
    return *out ? C311_OK : C311_ERR_NOMEM;
}

/* Records libyaml's complaint with the line it points at. */
static void
syntax_problem(struct loader *ld, const yaml_parser_t *ps, const char *text)
{
    int line = (int)ps->problem_mark.line + 1;
    size_t i;

    if (ps->error == YAML_READER_ERROR) {
        /* The reader gives a byte offset, not a mark: count the lines. */
        line = 1;
        for (i = 0; i < ps->problem_offset && text[i] != '\0'; i++)
            line += text[i] == '\n';
    }
    if (ps->context != NULL)
        problem(ld, line, "yaml syntax error: %s (%s)",
                ps->problem ? ps->problem : "unknown problem", ps->context);
    else
        problem(ld, line, "yaml syntax error: %s",
                ps->problem ? ps->problem : "unknown problem");
}

/* Sorts problems by line; insertion sort keeps same-line ones in order. */
static void
report_sort(struct config_report *rep, size_t from)
{
    size_t i, j;

    for (i = from + 1; i < rep->n; i++) {
        struct config_problem x = rep->v[i];

        for (j = i; j > from && rep->v[j - 1].line > x.line; j--)
            rep->v[j] = rep->v[j - 1];
        rep->v[j] = x;
    }
}

/* Parses text as YAML and loads its first document into ld->c. */
static void
load_text(struct loader *ld, const char *text, size_t len)
{
    yaml_parser_t ps;
    yaml_node_t *root;

    if (!yaml_parser_initialize(&ps)) {
        ld->nomem = true;
        return;
    }
    yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
    if (!yaml_parser_load(&ps, &ld->doc)) {
        syntax_problem(ld, &ps, text);
        yaml_parser_delete(&ps);
        return;
    }
    root = yaml_document_get_root_node(&ld->doc);
    if (root == NULL)
        problem(ld, 1, "file is empty");
    else
        load_root(ld, root);
    yaml_document_delete(&ld->doc);
    yaml_parser_delete(&ps);
}

/* Loads and checks path; see config.h for the contract. */
enum c311_rc
config_load(const char *path, struct city **out, struct config_report *rep)
{
    struct loader ld;
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

    memset(&ld, 0, sizeof(ld));
    ld.rep = rep;
    ld.c = calloc(1, sizeof(*ld.c));
    if (ld.c == NULL) {
        free(text);
        return C311_ERR_NOMEM;
    }
    ld.a = &ld.c->arena;
    ld.c->source = keep(&ld, path);

    load_text(&ld, text, len);
    free(text);
    report_sort(rep, first);

    if (ld.nomem || rep->n > first) {
        config_free(ld.c);
        return ld.nomem ? C311_ERR_NOMEM : C311_ERR_INVALID;
    }
    *out = ld.c;
    return C311_OK;
}

/* Prints "path:line: message" per problem, "path: message" for line 0. */
void
config_report_print(const struct config_report *rep, const char *path, FILE *f)
{
    size_t i;

    for (i = 0; i < rep->n; i++) {
        if (rep->v[i].line > 0)
            fprintf(f, "%s:%d: %s\n", path, rep->v[i].line, rep->v[i].message);
        else
            fprintf(f, "%s: %s\n", path, rep->v[i].message);
    }
}

/* Frees the problems; the report may be used again. */
void
config_report_free(struct config_report *rep)
{
    arena_free(&rep->arena);
    rep->v = NULL;
    rep->n = 0;
    rep->cap = 0;
}

/* Frees a loaded city and everything in its arena. */
void
config_free(struct city *c)
{
    if (c == NULL)
        return;
    arena_free(&c->arena);
    free(c);
}
