/* SPDX-License-Identifier: MIT */
/* CSV fields with quoting only where needed; see csvout.h. */
#include <string.h>

#include "io/csvout.h"

/* True when s must be quoted to read back as it is. */
static bool
needs_quotes(const char *s, size_t n)
{
    if (n == 0)
        return false;
    return strpbrk(s, ",\"\r\n") != NULL || s[0] == ' ' || s[0] == '\t' ||
           s[n - 1] == ' ' || s[n - 1] == '\t';
}

/* Writes one field and what follows it. */
void
csvout_field(FILE *f, const char *s, bool last)
{
    size_t n = s != NULL ? strlen(s) : 0;
    const char *p;

    if (!needs_quotes(s, n)) {
        if (n > 0)
            fwrite(s, 1, n, f);
    } else {
        putc('"', f);
        for (p = s; *p != '\0'; p++) {
            if (*p == '"')
                putc('"', f);
            putc(*p, f);
        }
        putc('"', f);
    }
    putc(last ? '\n' : ',', f);
}

/* Writes a record. */
void
csvout_record(FILE *f, const char *const *fields, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        csvout_field(f, fields[i], i + 1 == n);
    if (n == 0)
        putc('\n', f);
}
