/* SPDX-License-Identifier: MIT */
/* Callers' phone numbers to E.164 and email addresses, case by case. */
#include <criterion/criterion.h>
#include <string.h>

#include "core/contact.h"

/* Each input and what it becomes; NULL: refused. */
static const struct {
    const char *in;
    const char *out;
} phones[] = {
    {"2125550123", "+12125550123"},
    {"(212) 555-0123", "+12125550123"},
    {"212.555.0123", "+12125550123"},
    {"212/555 0123", "+12125550123"},
    {"1 212 555 0123", "+12125550123"},
    {"1-212-555-0123", "+12125550123"},
    {"+1 (212) 555-0123", "+12125550123"},
    {"+44 20 7946 0958", "+442079460958"},
    {"+86 10 1234 5678", "+861012345678"},
    {"+49 30 1234567", "+49301234567"},
    {"+1234567", NULL},          /* 7 digits: too short */
    {"+1234567890123456", NULL}, /* 16 digits: too long */
    {"+0 212 555 0123", NULL},   /* no country code starts with 0 */
    {"555-0123", NULL},          /* 7 digits without an area code */
    {"(112) 555-0123", NULL},    /* area codes start with 2-9 */
    {"0212 555 0123", NULL},
    {"2 212 555 0123", NULL}, /* 11 digits not starting with 1 */
    {"212-555-0123 x45", NULL},
    {"212-555-0123 ext 45", NULL},
    {"1-800-FLOWERS", NULL},
    {"++12125550123", NULL},
    {"212+5550123", NULL},
    {"", NULL},
    {"   ", NULL},
};

Test(contact, phones_to_e164)
{
    char out[CONTACT_PHONE_SIZE];
    size_t i;

    for (i = 0; i < sizeof(phones) / sizeof(phones[0]); i++) {
        bool ok = contact_phone_e164(phones[i].in, out);

        if (phones[i].out == NULL) {
            cr_assert(!ok, "'%s' was accepted as %s", phones[i].in, out);
            continue;
        }
        cr_assert(ok, "'%s' was refused", phones[i].in);
        cr_assert_str_eq(out, phones[i].out, "'%s'", phones[i].in);
    }
}

Test(contact, fifteen_digits_fit)
{
    char out[CONTACT_PHONE_SIZE];

    cr_assert(contact_phone_e164("+123456789012345", out));
    cr_assert_str_eq(out, "+123456789012345");
    cr_assert_eq(strlen(out) + 1, CONTACT_PHONE_SIZE);
}

Test(contact, emails_lowercase_or_refused)
{
    struct arena a = ARENA_INIT;
    static const char *const bad[] = {
        "",           "plain",      "@example.org",
        "a@b",        "a@@b.org",   "a b@example.org",
        "a@example.", "a@.example", "a@b@c.org",
    };
    size_t i;

    cr_assert_str_eq(contact_email_norm("Rita.M@Example.COM", &a),
                     "rita.m@example.com");
    cr_assert_str_eq(contact_email_norm("x+tag@sub.example.org", &a),
                     "x+tag@sub.example.org");
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_null(contact_email_norm(bad[i], &a), "'%s'", bad[i]);
    arena_free(&a);
}
