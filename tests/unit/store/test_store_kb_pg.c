/* SPDX-License-Identifier: MIT */
/* The tests of test_store_kb.c, run on PostgreSQL (see fixture.h). */
#define FIXTURE_PG 1
#include "test_store_kb.c"
