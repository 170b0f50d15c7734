/* SPDX-License-Identifier: MIT */
/*
 * Writes a Jansson value as XML the way Open311 GeoReport v2 shapes it:
 * objects become elements named by their keys, arrays become a wrapper
 * element whose children carry the singular of the wrapper's name
 * (services -> service), null becomes an empty element and booleans the
 * words "true" and "false". Text is escaped by libxml2; characters that XML
 * 1.0 cannot carry are replaced by U+FFFD.
 */
#ifndef CIVIC311_JSONXML_H
#define CIVIC311_JSONXML_H

#include <jansson.h>
#include <stddef.h>

#include "util/status.h"

/*
 * How reals are written, in JSON and in XML alike: 15 significant digits,
 * so that a coordinate sent as 40.712776 comes back as 40.712776.
 */
#define JSONXML_REAL_PRECISION 15

/* Flags for json_dumps() that write numbers the way jsonxml does. */
#define JSONXML_JSON_FLAGS                                                     \
    (JSON_COMPACT | JSON_REAL_PRECISION(JSONXML_REAL_PRECISION))

/*
 * Writes v under an element called root. When v is an array, its elements
 * are called item; arrays further down are named by singularising their
 * key. On success *out is a NUL-terminated document starting with the XML
 * declaration, owned by the caller (free()), and *len its length.
 */
enum c311_rc jsonxml_dump(const json_t *v, const char *root, const char *item,
                          char **out, size_t *len);

/*
 * Returns the element name for the members of an array called name:
 * "services" -> "service", "attributes" -> "attribute". Names that do not
 * end in "s" give "item". The result is a constant or lives in buf.
 */
const char *jsonxml_singular(const char *name, char *buf, size_t n);

#endif
