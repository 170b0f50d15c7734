/* SPDX-License-Identifier: MIT */
/* JSON values written as Open311-shaped XML with libxml2's text writer. */
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#include "io/jsonxml.h"
#include "util/buf.h"

static int jsonxml_value(xmlTextWriterPtr w, const char *name, const json_t *v);

const char *
jsonxml_singular(const char *name, char *buf, size_t n)
{
    size_t len = strlen(name);

    if (len < 2 || name[len - 1] != 's' || len > n)
        return "item";
    memcpy(buf, name, len - 1);
    buf[len - 1] = '\0';
    return buf;
}

/* True when code point c may appear in an XML 1.0 document. */
static bool
jsonxml_char_ok(unsigned long c)
{
    if (c < 0x20)
        return c == 0x9 || c == 0xa || c == 0xd;
    return c != 0xfffe && c != 0xffff;
}

/* Decodes the UTF-8 sequence at s (valid, as Jansson guarantees). */
static size_t
jsonxml_decode(const unsigned char *s, unsigned long *c)
{
    if (s[0] < 0x80) {
        *c = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0) {
        *c = ((s[0] & 0x1fUL) << 6) | (s[1] & 0x3f);
        return 2;
    }
    if ((s[0] & 0xf0) == 0xe0) {
        *c = ((s[0] & 0x0fUL) << 12) | ((s[1] & 0x3fUL) << 6) | (s[2] & 0x3f);
        return 3;
    }
    *c = ((s[0] & 0x07UL) << 18) | ((s[1] & 0x3fUL) << 12) |
         ((s[2] & 0x3fUL) << 6) | (s[3] & 0x3f);
    return 4;
}

/* Writes text, replacing characters XML cannot carry by U+FFFD. */
static int
jsonxml_text(xmlTextWriterPtr w, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    struct buf b = BUF_INIT(0);
    unsigned long c;
    size_t k;
    int rc;

    while (*p != '\0') {
        k = jsonxml_decode(p, &c);
        if (jsonxml_char_ok(c))
            buf_append(&b, p, k);
        else
            buf_puts(&b, "\xef\xbf\xbd");
        p += k;
    }
    if (b.failed) {
        buf_release(&b);
        return -1;
    }
    rc = xmlTextWriterWriteString(w, BAD_CAST(b.data ? b.data : ""));
    buf_release(&b);
    return rc;
}

/* Writes a number exactly as json_dumps() with JSONXML_JSON_FLAGS does. */
static int
jsonxml_number(xmlTextWriterPtr w, const json_t *v)
{
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSONXML_JSON_FLAGS);
    int rc;

    if (s == NULL)
        return -1;
    rc = xmlTextWriterWriteString(w, BAD_CAST s);
    free(s);
    return rc;
}

/* Writes the members of an object as child elements of the open element. */
static int
jsonxml_members(xmlTextWriterPtr w, const json_t *obj)
{
    const char *key;
    json_t *member;

    json_object_foreach((json_t *)obj, key, member)
    {
        if (jsonxml_value(w, key, member) < 0)
            return -1;
    }
    return 0;
}

/* Writes the elements of an array as children called item. */
static int
jsonxml_items(xmlTextWriterPtr w, const char *item, const json_t *arr)
{
    size_t i;
    json_t *elem;

    json_array_foreach(arr, i, elem)
    {
        if (jsonxml_value(w, item, elem) < 0)
            return -1;
    }
    return 0;
}

/* Writes one element called name holding v. */
static int
jsonxml_value(xmlTextWriterPtr w, const char *name, const json_t *v)
{
    char buf[128];
    int rc = 0;

    if (xmlTextWriterStartElement(w, BAD_CAST name) < 0)
        return -1;
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        rc = jsonxml_members(w, v);
        break;
    case JSON_ARRAY:
        rc = jsonxml_items(w, jsonxml_singular(name, buf, sizeof(buf)), v);
        break;
    case JSON_STRING:
        rc = jsonxml_text(w, json_string_value(v));
        break;
    case JSON_INTEGER:
    case JSON_REAL:
        rc = jsonxml_number(w, v);
        break;
    case JSON_TRUE:
        rc = xmlTextWriterWriteString(w, BAD_CAST "true");
        break;
    case JSON_FALSE:
        rc = xmlTextWriterWriteString(w, BAD_CAST "false");
        break;
    case JSON_NULL:
        break;
    }
    if (rc < 0)
        return -1;
    return xmlTextWriterFullEndElement(w);
}

/* Writes the document: declaration, then root holding v. */
static int
jsonxml_document(xmlTextWriterPtr w, const json_t *v, const char *root,
                 const char *item)
{
    /* Written by hand: libxml2 would spell the encoding "UTF-8", while
     * the Open311 documents (and our contract) use lowercase. */
    if (xmlTextWriterWriteRaw(
            w, BAD_CAST "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n") < 0)
        return -1;
    if (json_is_array(v)) {
        if (xmlTextWriterStartElement(w, BAD_CAST root) < 0 ||
            jsonxml_items(w, item, v) < 0 || xmlTextWriterFullEndElement(w) < 0)
            return -1;
    } else if (jsonxml_value(w, root, v) < 0) {
        return -1;
    }
    return xmlTextWriterEndDocument(w);
}

enum c311_rc
jsonxml_dump(const json_t *v, const char *root, const char *item, char **out,
             size_t *len)
{
    enum c311_rc rc = C311_ERR_NOMEM;
    xmlBufferPtr xb;
    xmlTextWriterPtr w;

    *out = NULL;
    xb = xmlBufferCreate();
    if (xb == NULL)
        return C311_ERR_NOMEM;
    w = xmlNewTextWriterMemory(xb, 0);
    if (w == NULL)
        goto out_buffer;

    if (jsonxml_document(w, v, root, item) < 0) {
        xmlFreeTextWriter(w);
        rc = C311_ERR_INTERNAL;
        goto out_buffer;
    }
    /* Freeing the writer flushes what it still holds into the buffer. */
    xmlFreeTextWriter(w);
    *out = strdup((const char *)xmlBufferContent(xb));
    if (*out != NULL) {
        if (len != NULL)
            *len = strlen(*out);
        rc = C311_OK;
    }
out_buffer:
    xmlBufferFree(xb);
    return rc;
}
