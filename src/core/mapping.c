/* SPDX-License-Identifier: MIT */
/* Lookups in the import mappings of a city; see mapping.h. */
#include <string.h>
#include <strings.h>

#include "core/catalog.h"
#include "core/mapping.h"

/* True when name is a format with a mapping section. */
int
mapping_format_known(const char *name)
{
    return name != NULL &&
           (strcmp(name, "nyc") == 0 || strcmp(name, "boston") == 0);
}

/* Finds the mapping section of format. */
const struct import_mapping *
mapping_of(const struct city *c, const char *format)
{
    size_t i;

    for (i = 0; c != NULL && format != NULL && i < c->nmappings; i++) {
        if (strcmp(c->mappings[i].format, format) == 0)
            return &c->mappings[i];
    }
    return NULL;
}

/* Finds from in a table and returns its `to`, or NULL. */
static const char *
lookup(const struct map_entry *v, size_t n, const char *from)
{
    size_t i;

    if (from == NULL || *from == '\0')
        return NULL;
    for (i = 0; i < n; i++) {
        if (strcasecmp(v[i].from, from) == 0)
            return v[i].to;
    }
    return NULL;
}

/* Finds the first entry whose `to` is to and returns its `from`. */
static const char *
reverse(const struct map_entry *v, size_t n, const char *to)
{
    size_t i;

    if (to == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        if (strcmp(v[i].to, to) == 0)
            return v[i].from;
    }
    return NULL;
}

/* Maps a source agency to a department code. */
const char *
mapping_department(const struct import_mapping *m, const char *agency)
{
    return m != NULL ? lookup(m->departments, m->ndepartments, agency) : NULL;
}

/* Maps a complaint type and descriptor to a service code. */
const char *
mapping_service(const struct import_mapping *m, const char *type,
                const char *descriptor)
{
    const char *any = NULL;
    size_t i;

    if (m == NULL || type == NULL || *type == '\0')
        return NULL;
    for (i = 0; i < m->nservices; i++) {
        const struct map_entry *e = &m->services[i];

        if (strcasecmp(e->from, type) != 0)
            continue;
        if (e->detail == NULL) {
            if (any == NULL)
                any = e->to;
        } else if (descriptor != NULL &&
                   strcasecmp(e->detail, descriptor) == 0) {
            return e->to;
        }
    }
    return any;
}

/* Maps a source channel value to a channel. */
const char *
mapping_channel(const struct import_mapping *m, const char *value)
{
    return m != NULL ? lookup(m->channels, m->nchannels, value) : NULL;
}

/* The source channel value for a channel. */
const char *
mapping_channel_source(const struct import_mapping *m, const char *channel)
{
    return m != NULL ? reverse(m->channels, m->nchannels, channel) : NULL;
}

/* The source agency for a department code. */
const char *
mapping_department_source(const struct import_mapping *m,
                          const char *department)
{
    return m != NULL ? reverse(m->departments, m->ndepartments, department)
                     : NULL;
}
