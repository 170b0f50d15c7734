/* SPDX-License-Identifier: MIT */
/* Phone numbers and email addresses of callers. */
#include <ctype.h>
#include <string.h>

#include "core/contact.h"

bool
contact_phone_e164(const char *in, char out[CONTACT_PHONE_SIZE])
{
    char digits[32];
    size_t n = 0;
    bool plus = false;
    const char *p;

    for (p = in; *p != '\0'; p++) {
        if (*p == '+' && n == 0 && !plus) {
            plus = true;
        } else if (*p >= '0' && *p <= '9') {
            if (n == sizeof(digits) - 1)
                return false;
            digits[n++] = *p;
        } else if (strchr(" .-/()", *p) == NULL) {
            return false;
        }
    }
    digits[n] = '\0';
    if (plus) {
        if (n < 8 || n > 15 || digits[0] == '0')
            return false;
        out[0] = '+';
        memcpy(out + 1, digits, n + 1);
        return true;
    }
    if (n == 11 && digits[0] == '1') {
        memmove(digits, digits + 1, n--);
    }
    if (n != 10 || digits[0] < '2')
        return false;
    memcpy(out, "+1", 2);
    memcpy(out + 2, digits, n + 1);
    return true;
}

const char *
contact_email_norm(const char *in, struct arena *a)
{
    const char *at = strchr(in, '@');
    size_t n = strlen(in), i;
    char *out;

    if (n == 0 || n > CONTACT_EMAIL_MAX || at == NULL || at == in ||
        strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL ||
        at[1] == '.' || in[n - 1] == '.')
        return NULL;
    for (i = 0; i < n; i++) {
        if ((unsigned char)in[i] <= ' ' || in[i] == 0x7f)
            return NULL;
    }
    out = arena_strdup(a, in);
    if (out == NULL)
        return NULL;
    for (i = 0; i < n; i++)
        out[i] = (char)tolower((unsigned char)out[i]);
    return out;
}
