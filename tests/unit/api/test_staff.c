/* SPDX-License-Identifier: MIT */
/* Role names and flags, department scopes and who sees everything. */
#include <criterion/criterion.h>

#include "api/staff.h"

Test(staff, roles_parse_and_format)
{
    struct arena a = ARENA_INIT;
    unsigned r;

    cr_assert(staff_roles_parse("agent,expert", &r));
    cr_assert_eq(r, STAFF_AGENT | STAFF_EXPERT);
    cr_assert(staff_roles_parse("admin,qa,crew,editor,supervisor", &r));
    cr_assert_eq(r, STAFF_ADMIN | STAFF_QA | STAFF_CREW | STAFF_EDITOR |
                        STAFF_SUPERVISOR);
    cr_assert_str_eq(staff_roles_format(r, &a), "supervisor,crew,qa,editor,"
                                                "admin");
    cr_assert(staff_roles_parse("", &r));
    cr_assert_eq(r, 0);
    cr_assert_not(staff_roles_parse("agent,boss", &r));
    cr_assert_not(staff_roles_parse("agent,,qa", &r));
    cr_assert_eq(staff_role_parse("Agent"), 0);
    cr_assert_str_eq(staff_role_name(STAFF_EXPERT), "expert");
    cr_assert_str_eq(staff_roles_format(STAFF_ANY, &a),
                     "agent,expert,supervisor,crew,qa,editor,admin");
    arena_free(&a);
}

Test(staff, departments_and_scope)
{
    const char *depts[] = {"POLICE", "PARKS"};
    struct staff crew = {1, "c", "C", STAFF_CREW, depts, 2, 0, NULL};
    struct staff admin = {2, "a", "A", STAFF_ADMIN, NULL, 0, 0, NULL};
    struct staff both = {3,     "b", "B", STAFF_CREW | STAFF_AGENT,
                         depts, 1,   0,   NULL};

    cr_assert(staff_in_department(&crew, "PARKS"));
    cr_assert_not(staff_in_department(&crew, "HEALTH"));
    cr_assert_not(staff_in_department(&crew, NULL));
    cr_assert(staff_in_department(&admin, "HEALTH"));
    cr_assert_not(staff_sees_all(&crew));
    cr_assert(staff_sees_all(&admin));
    cr_assert(staff_sees_all(&both));
}
