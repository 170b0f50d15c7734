/* SPDX-License-Identifier: MIT */
/*
 * Reading the catalogue: lookups by code, picking a language, the names of
 * datatypes and service types, and checking a resident's answers against a
 * service's questions before a request is accepted.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/catalog.h"
#include "util/buf.h"
#include "util/isotime.h"

static const char *const datatype_names[] = {
    [ATTR_STRING] = "string",
    [ATTR_NUMBER] = "number",
    [ATTR_DATETIME] = "datetime",
    [ATTR_TEXT] = "text",
    [ATTR_SINGLEVALUELIST] = "singlevaluelist",
    [ATTR_MULTIVALUELIST] = "multivaluelist",
};

static const char *const service_type_names[] = {
    [SERVICE_REALTIME] = "realtime",
    [SERVICE_BATCH] = "batch",
    [SERVICE_BLACKBOX] = "blackbox",
};

#define NELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Finds a service by its code. */
const struct service *
catalog_service(const struct city *c, const char *code)
{
    size_t i;

    if (code == NULL)
        return NULL;
    for (i = 0; i < c->nservices; i++) {
        if (strcmp(c->services[i].code, code) == 0)
            return &c->services[i];
    }
    return NULL;
}

/* Finds a department by its code. */
const struct department *
catalog_department(const struct city *c, const char *code)
{
    size_t i;

    if (code == NULL)
        return NULL;
    for (i = 0; i < c->ndepartments; i++) {
        if (strcmp(c->departments[i].code, code) == 0)
            return &c->departments[i];
    }
    return NULL;
}

/* Finds a business calendar by its id. */
const struct calendar *
catalog_calendar(const struct city *c, const char *id)
{
    size_t i;

    if (id == NULL)
        return NULL;
    for (i = 0; i < c->ncalendars; i++) {
        if (strcmp(c->calendars[i].id, id) == 0)
            return &c->calendars[i];
    }
    return NULL;
}

/* Finds a work group by its code. */
const struct work_group *
catalog_work_group(const struct city *c, const char *code)
{
    size_t i;

    if (code == NULL)
        return NULL;
    for (i = 0; i < c->nwork_groups; i++) {
        if (strcmp(c->work_groups[i].code, code) == 0)
            return &c->work_groups[i];
    }
    return NULL;
}

/* Finds a zone by its id. */
const struct zone *
catalog_zone(const struct city *c, const char *id)
{
    size_t i;

    if (id == NULL)
        return NULL;
    for (i = 0; i < c->nzones; i++) {
        if (strcmp(c->zones[i].id, id) == 0)
            return &c->zones[i];
    }
    return NULL;
}

/* Finds a workflow by its id. */
const struct workflow *
catalog_workflow(const struct city *c, const char *id)
{
    size_t i;

    if (id == NULL)
        return NULL;
    for (i = 0; i < c->nworkflows; i++) {
        if (strcmp(c->workflows[i].id, id) == 0)
            return &c->workflows[i];
    }
    return NULL;
}

/* Finds a step of a workflow by its id. */
const struct workflow_step *
catalog_step(const struct workflow *wf, const char *id)
{
    size_t i;

    if (wf == NULL || id == NULL)
        return NULL;
    for (i = 0; i < wf->nsteps; i++) {
        if (strcmp(wf->steps[i].id, id) == 0)
            return &wf->steps[i];
    }
    return NULL;
}

/* Finds a pound by its code. */
const struct pound *
catalog_pound(const struct city *c, const char *code)
{
    size_t i;

    if (code == NULL)
        return NULL;
    for (i = 0; i < c->towing.npounds; i++) {
        if (strcmp(c->towing.pounds[i].code, code) == 0)
            return &c->towing.pounds[i];
    }
    return NULL;
}

/* The calendar a department works on, or NULL. */
const struct calendar *
catalog_department_calendar(const struct city *c, const char *dept)
{
    const struct department *d = catalog_department(c, dept);

    return d != NULL ? catalog_calendar(c, d->calendar) : NULL;
}

static const char *const priority_names[] = {
    [PRIO_LOW] = "low",
    [PRIO_NORMAL] = "normal",
    [PRIO_HIGH] = "high",
    [PRIO_URGENT] = "urgent",
};

/* Returns "low", "normal", "high" or "urgent". */
const char *
priority_name(int p)
{
    if (p < PRIO_LOW || p > PRIO_URGENT)
        return "normal";
    return priority_names[p];
}

/* Parses a priority name; false for anything else. */
bool
priority_parse(const char *name, int *out)
{
    size_t i;

    for (i = 0; name != NULL && i < NELEMS(priority_names); i++) {
        if (strcmp(name, priority_names[i]) == 0) {
            *out = (int)i;
            return true;
        }
    }
    return false;
}

/* Returns "round_robin" or "least_open". */
const char *
assign_policy_name(enum assign_policy p)
{
    return p == ASSIGN_LEAST_OPEN ? "least_open" : "round_robin";
}

/* Length of the primary subtag of a language tag ("zh" in "zh-CN"). */
static size_t
i18n_primary_len(const char *lang)
{
    return strcspn(lang, "-_");
}

/*
 * Returns the text for lang, or NULL. Tags compare without regard to case;
 * a tag with a region or script ("zh-CN", "es_MX") falls back to its
 * primary language when no text carries the whole tag.
 */
static const char *
i18n_find(const struct i18n *t, const char *lang)
{
    size_t i, n;

    if (lang == NULL)
        return NULL;
    for (i = 0; i < t->n; i++) {
        if (strcasecmp(t->v[i].lang, lang) == 0)
            return t->v[i].text;
    }
    n = i18n_primary_len(lang);
    for (i = 0; i < t->n; i++) {
        if (i18n_primary_len(t->v[i].lang) == n &&
            strncasecmp(t->v[i].lang, lang, n) == 0)
            return t->v[i].text;
    }
    return NULL;
}

/* Picks lang, then the fallback, then English, then the first text. */
const char *
i18n_get(const struct i18n *t, const char *lang, const char *fallback_lang)
{
    const char *s;

    if (t == NULL || t->n == 0)
        return "";
    if ((s = i18n_find(t, lang)) != NULL)
        return s;
    if ((s = i18n_find(t, fallback_lang)) != NULL)
        return s;
    if ((s = i18n_find(t, "en")) != NULL)
        return s;
    return t->v[0].text;
}

/* A text of the city's configuration in lang; see catalog.h. */
const char *
catalog_text(const struct city *c, const struct i18n *t, const char *lang)
{
    if (t == NULL || t->n == 0)
        return NULL;
    return i18n_get(t, lang != NULL ? lang : c->default_lang, c->default_lang);
}

/* True when one of the texts of t is text; see catalog.h. */
bool
i18n_has(const struct i18n *t, const char *text)
{
    size_t i;

    for (i = 0; t != NULL && text != NULL && i < t->n; i++) {
        if (strcmp(t->v[i].text, text) == 0)
            return true;
    }
    return false;
}

/* The name of a request's department in lang; see catalog.h. */
const char *
catalog_agency(const struct city *c, const char *service_code,
               const char *stored, const char *lang)
{
    const struct service *svc;
    const struct department *d;
    size_t i;

    if (stored == NULL || stored[0] == '\0') {
        svc = catalog_service(c, service_code);
        d = svc != NULL ? catalog_department(c, svc->department) : NULL;
        return d != NULL ? catalog_text(c, &d->name, lang) : stored;
    }
    for (i = 0; i < c->ndepartments; i++) {
        if (i18n_has(&c->departments[i].name, stored))
            return catalog_text(c, &c->departments[i].name, lang);
    }
    return stored;
}

/* A request's public status note in lang; see catalog.h. */
const char *
catalog_status_note(const struct city *c, const char *service_code,
                    const char *stored, const char *lang)
{
    const struct service *svc = catalog_service(c, service_code);
    const struct workflow *wf;
    const struct workflow_step *st;
    size_t i, j;

    if (stored == NULL || svc == NULL ||
        (wf = catalog_workflow(c, svc->workflow)) == NULL)
        return stored;
    for (i = 0; i < wf->nsteps; i++) {
        st = &wf->steps[i];
        if (i18n_has(&st->note, stored))
            return catalog_text(c, &st->note, lang);
        for (j = 0; j < st->noutcomes; j++) {
            if (i18n_has(&st->outcomes[j].note, stored))
                return catalog_text(c, &st->outcomes[j].note, lang);
        }
    }
    return stored;
}

/* A work order's step name in lang; see catalog.h. */
const char *
catalog_step_name(const struct city *c, const char *workflow, const char *step,
                  const char *stored, const char *lang)
{
    const struct workflow *wf = catalog_workflow(c, workflow);
    const struct workflow_step *st = wf != NULL ? catalog_step(wf, step) : NULL;

    if (st == NULL || (stored != NULL && !i18n_has(&st->name, stored)))
        return stored;
    return catalog_text(c, &st->name, lang);
}

/* Returns the GeoReport name of a datatype. */
const char *
attr_datatype_name(enum attr_datatype t)
{
    if ((size_t)t < NELEMS(datatype_names))
        return datatype_names[t];
    return "string";
}

/* Parses a GeoReport datatype name; false when unknown. */
bool
attr_datatype_parse(const char *name, enum attr_datatype *out)
{
    size_t i;

    for (i = 0; name != NULL && i < NELEMS(datatype_names); i++) {
        if (strcmp(name, datatype_names[i]) == 0) {
            *out = (enum attr_datatype)i;
            return true;
        }
    }
    return false;
}

/* Returns the GeoReport name of a service type. */
const char *
service_type_name(enum service_type t)
{
    if ((size_t)t < NELEMS(service_type_names))
        return service_type_names[t];
    return "realtime";
}

/* Parses "realtime", "batch" or "blackbox"; false when unknown. */
bool
service_type_parse(const char *name, enum service_type *out)
{
    size_t i;

    for (i = 0; name != NULL && i < NELEMS(service_type_names); i++) {
        if (strcmp(name, service_type_names[i]) == 0) {
            *out = (enum service_type)i;
            return true;
        }
    }
    return false;
}

/*
 * True for a plain decimal number: optional sign, digits with an optional
 * fraction, optional exponent. Rejects hex, inf and nan, which strtod takes.
 */
static bool
is_number(const char *s)
{
    const char *p;
    char *end;
    double v;

    for (p = s; *p != '\0'; p++) {
        if (!isdigit((unsigned char)*p) && strchr("+-.eE", *p) == NULL)
            return false;
    }
    v = strtod(s, &end);
    return end != s && *end == '\0' && isfinite(v);
}

/* True when value is one of the attribute's keys. */
static bool
is_value_key(const struct service_attr *at, const char *value)
{
    size_t i;

    for (i = 0; i < at->nvalues; i++) {
        if (strcmp(at->values[i].key, value) == 0)
            return true;
    }
    return false;
}

/* A growing list of problems in an arena. */
struct problems {
    struct arena *a;
    struct attr_problem *v;
    size_t n, cap;
    bool nomem;
};

/* Appends a problem whose message is already formatted (may be NULL). */
static void
problem_add(struct problems *p, const char *code, const char *message)
{
    struct attr_problem *nv;

    if (p->nomem)
        return;
    if (message == NULL) {
        p->nomem = true;
        return;
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;

        nv = arena_alloc(p->a, cap * sizeof(*nv));
        if (nv == NULL) {
            p->nomem = true;
            return;
        }
        if (p->n)
            memcpy(nv, p->v, p->n * sizeof(*nv));
        p->v = nv;
        p->cap = cap;
    }
    p->v[p->n].code = code;
    p->v[p->n].message = message;
    p->v[p->n].missing = false;
    p->n++;
}

/* Formats "attribute X: 'v' is not one of k1, k2" in the arena. */
static const char *
not_a_key_message(struct arena *a, const struct service_attr *at,
                  const char *value)
{
    struct buf b = BUF_INIT(0);
    const char *msg = NULL;
    size_t i;

    buf_printf(&b, "attribute %s: '%s' is not one of ", at->code, value);
    for (i = 0; i < at->nvalues; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", at->values[i].key);
    if (!b.failed)
        msg = arena_strdup(a, b.data);
    buf_release(&b);
    return msg;
}

/* Characters (UTF-8 code points) in s, which is valid UTF-8. */
static size_t
utf8_chars(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++) {
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    }
    return n;
}

/* Checks one non-empty answer value against its question's datatype. */
static void
check_value(struct problems *p, const struct service_attr *at,
            const char *value)
{
    int64_t t;

    switch (at->datatype) {
    case ATTR_NUMBER:
        if (!is_number(value))
            problem_add(
                p, at->code,
                arena_printf(p->a, "attribute %s must be a number", at->code));
        break;
    case ATTR_DATETIME:
        if (!isotime_parse(value, &t))
            problem_add(p, at->code,
                        arena_printf(p->a,
                                     "attribute %s must be an ISO 8601 "
                                     "datetime with an offset",
                                     at->code));
        break;
    case ATTR_SINGLEVALUELIST:
    case ATTR_MULTIVALUELIST:
        if (!is_value_key(at, value))
            problem_add(p, at->code, not_a_key_message(p->a, at, value));
        break;
    case ATTR_STRING:
        if (utf8_chars(value) > CATALOG_STRING_MAX)
            problem_add(p, at->code,
                        arena_printf(p->a, "attribute %s is over %d characters",
                                     at->code, CATALOG_STRING_MAX));
        break;
    case ATTR_TEXT:
        if (utf8_chars(value) > CATALOG_TEXT_MAX)
            problem_add(p, at->code,
                        arena_printf(p->a, "attribute %s is over %d characters",
                                     at->code, CATALOG_TEXT_MAX));
        break;
    }
}

/* Checks every answer given to one question, and its presence. */
static void
check_attr(struct problems *p, const struct service_attr *at,
           const struct attr_answer *answers, size_t nanswers)
{
    size_t i, given = 0;

    for (i = 0; i < nanswers; i++) {
        if (strcmp(answers[i].code, at->code) != 0 ||
            answers[i].value == NULL || answers[i].value[0] == '\0')
            continue;
        given++;
        if (!at->variable)
            continue;
        check_value(p, at, answers[i].value);
    }

    if (!at->variable) {
        if (given)
            problem_add(p, at->code,
                        arena_printf(p->a,
                                     "attribute %s is information only and "
                                     "takes no answer",
                                     at->code));
        return;
    }
    if (given == 0 && at->required) {
        problem_add(p, at->code,
                    arena_printf(p->a, "attribute %s is required", at->code));
        if (!p->nomem)
            p->v[p->n - 1].missing = true;
    }
    if (given > 1 && at->datatype != ATTR_MULTIVALUELIST)
        problem_add(
            p, at->code,
            arena_printf(p->a, "attribute %s takes one value", at->code));
}

/* True when the service has a question with this code. */
static bool
is_question(const struct service *svc, const char *code)
{
    size_t i;

    for (i = 0; i < svc->nattrs; i++) {
        if (strcmp(svc->attrs[i].code, code) == 0)
            return true;
    }
    return false;
}

/*
 * Checks the questions in their order, then reports unknown codes in the
 * order they were sent, each once. Empty answers count as absent.
 */
enum c311_rc
catalog_check_answers(const struct service *svc,
                      const struct attr_answer *answers, size_t nanswers,
                      struct arena *a, struct attr_problem **problems,
                      size_t *nproblems)
{
    struct problems p = {a, NULL, 0, 0, false};
    size_t i, j;

    for (i = 0; i < svc->nattrs; i++)
        check_attr(&p, &svc->attrs[i], answers, nanswers);

    for (i = 0; i < nanswers; i++) {
        const char *code = answers[i].code;
        bool seen = false;

        if (answers[i].value == NULL || answers[i].value[0] == '\0' ||
            is_question(svc, code))
            continue;
        for (j = 0; j < i && !seen; j++)
            seen = answers[j].value != NULL && answers[j].value[0] != '\0' &&
                   strcmp(answers[j].code, code) == 0;
        if (seen)
            continue;
        problem_add(&p, code,
                    arena_printf(a,
                                 "attribute %s is not a question of "
                                 "service %s",
                                 code, svc->code));
    }

    *problems = p.v;
    *nproblems = p.n;
    if (p.nomem)
        return C311_ERR_NOMEM;
    return p.n ? C311_ERR_INVALID : C311_OK;
}
