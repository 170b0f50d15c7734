/* SPDX-License-Identifier: MIT */
/*
 * The life of a tow record: plates as they are written, and each move
 * the rules allow or refuse.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/tow.h"

Test(tow, plates_are_normalised)
{
    char out[TOW_PLATE_MAX + 1];

    cr_assert(tow_plate_normalize("abc-1234", out, sizeof(out)));
    cr_assert_str_eq(out, "ABC1234");
    cr_assert(tow_plate_normalize(" 7 x.y ", out, sizeof(out)));
    cr_assert_str_eq(out, "7XY");
    cr_assert_not(tow_plate_normalize(" - ", out, sizeof(out)));
    cr_assert_not(tow_plate_normalize("AB#1", out, sizeof(out)));
    cr_assert_not(tow_plate_normalize("ABCDEFGHIJKLMNOPQ", out, sizeof(out)));
    cr_assert_not(tow_plate_normalize(NULL, out, sizeof(out)));
}

Test(tow, moves_follow_the_rules)
{
    struct tow_record r;
    const char *why;

    memset(&r, 0, sizeof(r));
    r.status = TOW_TOWED;
    r.disposal_from = 1000;
    cr_assert_eq(tow_transition(&r, TOW_HELD, 10, &why), C311_ERR_CONFLICT);
    cr_assert_str_eq(why, "a vehicle is held once its owner's notice is sent");
    cr_assert_eq(r.status, TOW_TOWED);
    cr_assert_eq(tow_transition(&r, TOW_NOTICE_SENT, 20, &why), C311_OK);
    cr_assert_eq(r.notice_sent_at, 20);
    cr_assert_eq(tow_transition(&r, TOW_NOTICE_SENT, 21, &why),
                 C311_ERR_CONFLICT);
    cr_assert_eq(tow_transition(&r, TOW_HELD, 30, &why), C311_OK);
    cr_assert_eq(tow_transition(&r, TOW_DISPOSED, 999, &why),
                 C311_ERR_CONFLICT);
    cr_assert_str_eq(why, "the legal holding period is not over");
    cr_assert_eq(tow_transition(&r, TOW_RELEASED, 40, &why), C311_ERR_CONFLICT);
    r.ownership_checked = r.payment_checked = true;
    cr_assert_eq(tow_transition(&r, TOW_RELEASED, 50, &why), C311_OK);
    cr_assert_eq(r.released_at, 50);
    cr_assert_eq(r.updated_at, 50);
    cr_assert_eq(tow_transition(&r, TOW_DISPOSED, 2000, &why),
                 C311_ERR_CONFLICT);
    cr_assert_str_eq(why, "only a held vehicle may be disposed of");
}

Test(tow, disposal_once_the_period_is_over)
{
    struct tow_record r;
    const char *why;

    memset(&r, 0, sizeof(r));
    r.status = TOW_HELD;
    r.disposal_from = 1000;
    cr_assert_eq(tow_transition(&r, TOW_DISPOSED, 1000, &why), C311_OK);
    cr_assert_eq(r.status, TOW_DISPOSED);
    cr_assert_eq(r.disposed_at, 1000);
    cr_assert_eq(tow_transition(&r, TOW_TOWED, 1001, &why), C311_ERR_CONFLICT);
}
