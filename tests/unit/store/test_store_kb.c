/* SPDX-License-Identifier: MIT */
/*
 * The knowledge base in the store: articles and translations, the history
 * that every change appends to, search candidates from the index (long
 * terms, short ones, CJK, any of several) as it follows edits, filters,
 * uses, the search log and the report.
 */
#include "fixture.h"
#include "store/kb_store.h"

TestSuite(S(store_kb), .init = fixture_setup, .fini = fixture_teardown);

/* Adds an article and fails the test unless it worked; returns its id. */
static int64_t
add(struct store *st, int64_t group, const char *lang, const char *title,
    const char *body, const char *service, enum kb_status status)
{
    static const char *svc[1];
    struct kb_article art;
    char *cause = NULL;

    memset(&art, 0, sizeof(art));
    art.group_id = group;
    art.lang = lang;
    art.status = status;
    art.c.title = title;
    art.c.body = body;
    if (service != NULL) {
        svc[0] = service;
        art.c.services = svc;
        art.c.nservices = 1;
    }
    cr_assert_eq(kb_store_create(st, &art, "user:ed", T0, &cause), C311_OK,
                 "create: %s", cause ? cause : "?");
    return art.id;
}

/* The ids of the candidates for q (all terms, or any), sorted, as text. */
static const char *
found(struct store *st, const char *q, bool any, const struct kb_filter *f)
{
    static const struct kb_filter none;
    static char out[256];
    struct arena a = ARENA_INIT;
    struct kb_article *v;
    struct kb_term *t;
    int64_t ids[64];
    size_t nt, n, i, j;
    char one[24];

    cr_assert_eq(kb_text_terms(q, &a, &t, &nt), C311_OK);
    cr_assert_eq(
        kb_store_find(st, f != NULL ? f : &none, t, nt, any, &a, &v, &n, NULL),
        C311_OK);
    for (i = 0; i < n && i < 64; i++) {
        ids[i] = v[i].id;
        for (j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
            int64_t x = ids[j];

            ids[j] = ids[j - 1];
            ids[j - 1] = x;
        }
    }
    out[0] = '\0';
    for (i = 0; i < n; i++) {
        snprintf(one, sizeof(one), "%s%lld", i ? " " : "", (long long)ids[i]);
        strcat(out, one);
    }
    arena_free(&a);
    return out;
}

Test(S(store_kb), create_translate_and_read)
{
    static const char *tags[] = {"towed", "impound"};
    static const char *svcs[] = {"POTHOLE", "ABANDONED_VEHICLE"};
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct kb_article art, got;
    char *cause = NULL;
    int64_t n;

    memset(&art, 0, sizeof(art));
    art.lang = "en";
    art.group_key = "towed-car";
    art.status = KB_PUBLISHED;
    art.c.title = "Towed car";
    art.c.body = "Go to the pound.";
    art.c.category = "Vehicles";
    art.c.review_by = "2027-01-31";
    art.c.tags = tags;
    art.c.ntags = 2;
    art.c.services = svcs;
    art.c.nservices = 2;
    cr_assert_eq(kb_store_create(st, &art, "user:ed", T0, NULL), C311_OK);
    cr_assert_eq(art.id, 1);
    cr_assert_eq(art.group_id, 1);
    cr_assert_eq(art.version, 1);
    cr_assert_eq(art.published_at, T0);

    cr_assert_eq(kb_store_get(st, 1, &a, &got, NULL), C311_OK);
    cr_assert_str_eq(got.c.title, "Towed car");
    cr_assert_str_eq(got.group_key, "towed-car");
    cr_assert_str_eq(got.c.category, "Vehicles");
    cr_assert_null(got.c.department);
    cr_assert_eq(got.c.ntags, 2);
    cr_assert_str_eq(got.c.tags[1], "impound");
    cr_assert_eq(got.c.nservices, 2);
    cr_assert_str_eq(got.c.services[0], "ABANDONED_VEHICLE");
    cr_assert_str_eq(got.c.services[1], "POTHOLE");
    cr_assert_eq(got.status, KB_PUBLISHED);
    cr_assert_eq(got.created_at, T0);
    cr_assert_str_eq(got.updated_by, "user:ed");

    /* A file's second language joins the group by its key. */
    memset(&art, 0, sizeof(art));
    art.lang = "zh";
    art.group_key = "towed-car";
    art.c.title = "拖车";
    art.c.body = "去扣车场。";
    cr_assert_eq(kb_store_create(st, &art, NULL, T0, NULL), C311_OK);
    cr_assert_eq(art.id, 2);
    cr_assert_eq(art.group_id, 1);
    cr_assert_eq(kb_store_by_key(st, "towed-car", "zh", &a, &got, NULL),
                 C311_OK);
    cr_assert_eq(got.id, 2);
    cr_assert_eq(got.published_at, 0);
    cr_assert_eq(kb_store_by_key(st, "towed-car", "es", &a, &got, NULL),
                 C311_ERR_NOT_FOUND);

    /* One article per language in a group; groups must exist. */
    art.group_key = NULL;
    art.group_id = 1;
    cr_assert_eq(kb_store_create(st, &art, NULL, T0, &cause),
                 C311_ERR_CONFLICT);
    cr_assert_str_eq(cause, "the group has an article in language 'zh' "
                            "already");
    free(cause);
    cause = NULL;
    art.group_id = 99;
    cr_assert_eq(kb_store_create(st, &art, NULL, T0, &cause),
                 C311_ERR_NOT_FOUND);
    cr_assert_str_eq(cause, "no article group 99");
    free(cause);
    cr_assert_eq(kb_store_get(st, 3, &a, &got, NULL), C311_ERR_NOT_FOUND);
    cr_assert_eq(kb_store_count(st, &n, NULL), C311_OK);
    cr_assert_eq(n, 2);

    store_close(st);
    arena_free(&a);
}

Test(S(store_kb), every_change_is_a_version_and_restorable)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct kb_article art;
    struct kb_version *v, one;
    struct kb_content c;
    char *cause = NULL;
    size_t n;

    add(st, 0, "en", "Noise", "Quiet at 10 pm.", NULL, KB_DRAFT);
    memset(&c, 0, sizeof(c));
    c.title = "Noise rules";
    c.body = "Quiet at 10 pm.";
    c.category = "Noise";
    cr_assert_eq(kb_store_update(st, 1, &c, 1, KB_EDITED, 0, "user:ann",
                                 T0 + 60, &a, &art, NULL),
                 C311_OK);
    cr_assert_eq(art.version, 2);
    cr_assert_eq(art.updated_at, T0 + 60);
    cr_assert_str_eq(art.updated_by, "user:ann");
    /* The same content again: no version. A stale version: refused. */
    cr_assert_eq(kb_store_update(st, 1, &c, 0, KB_EDITED, 0, "user:ann",
                                 T0 + 61, &a, &art, NULL),
                 C311_OK);
    cr_assert_eq(art.version, 2);
    cr_assert_eq(kb_store_update(st, 1, &c, 1, KB_EDITED, 0, "user:ann",
                                 T0 + 62, &a, &art, &cause),
                 C311_ERR_CONFLICT);
    cr_assert_str_eq(cause, "article 1 is at version 2, not 1");
    free(cause);
    cr_assert_eq(kb_store_update(st, 7, &c, 0, KB_EDITED, 0, "user:ann",
                                 T0 + 62, &a, &art, NULL),
                 C311_ERR_NOT_FOUND);

    cr_assert_eq(kb_store_publish(st, 1, "user:bob", T0 + 120, &a, &art, NULL),
                 C311_OK);
    cr_assert_eq(art.version, 3);
    cr_assert_eq(art.status, KB_PUBLISHED);
    cr_assert_eq(art.published_at, T0 + 120);
    cr_assert_eq(kb_store_publish(st, 1, "user:bob", T0 + 121, &a, &art, NULL),
                 C311_OK);
    cr_assert_eq(art.version, 3, "publishing twice adds nothing");

    cr_assert_eq(kb_store_version(st, 1, 1, &a, &one, NULL), C311_OK);
    cr_assert_str_eq(one.c.title, "Noise");
    cr_assert_eq(kb_store_update(st, 1, &one.c, 0, KB_RESTORED, 1, "user:ann",
                                 T0 + 180, &a, &art, NULL),
                 C311_OK);
    cr_assert_eq(art.version, 4);
    cr_assert_str_eq(art.c.title, "Noise");
    cr_assert_null(art.c.category);
    cr_assert_eq(art.status, KB_PUBLISHED);

    cr_assert_eq(kb_store_versions(st, 1, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 4);
    cr_assert_eq(v[0].action, KB_CREATED);
    cr_assert_eq(v[0].changed, KB_F_TITLE | KB_F_BODY);
    cr_assert_str_eq(v[0].actor, "user:ed");
    cr_assert_eq(v[0].at, T0);
    cr_assert_eq(v[0].status, KB_DRAFT);
    cr_assert_eq(v[1].action, KB_EDITED);
    cr_assert_eq(v[1].changed, KB_F_TITLE | KB_F_CATEGORY);
    cr_assert_str_eq(v[1].c.category, "Noise");
    cr_assert_eq(v[2].action, KB_PUBLISHED_ACT);
    cr_assert_eq(v[2].changed, KB_F_STATUS);
    cr_assert_eq(v[2].status, KB_PUBLISHED);
    cr_assert_str_eq(v[2].actor, "user:bob");
    cr_assert_eq(v[3].action, KB_RESTORED);
    cr_assert_eq(v[3].restored_from, 1);
    cr_assert_eq(v[3].changed, KB_F_TITLE | KB_F_CATEGORY);
    cr_assert_eq(v[3].at, T0 + 180);
    cr_assert_eq(kb_store_version(st, 1, 5, &a, &one, NULL),
                 C311_ERR_NOT_FOUND);
    cr_assert_eq(kb_store_versions(st, 2, &a, &v, &n, NULL),
                 C311_ERR_NOT_FOUND);

    /* The history cannot be rewritten behind the store's back. */
    cr_assert_not(fixture_exec("UPDATE kb_version SET actor = 'x'", NULL));
    cr_assert_not(fixture_exec("DELETE FROM kb_version", NULL));

    store_close(st);
    arena_free(&a);
}

Test(S(store_kb), candidates_for_long_short_and_cjk_terms)
{
    struct store *st = fixture_open();
    struct kb_filter f;

    add(st, 0, "en", "Towed car", "Your car was towed; bring ID.", NULL,
        KB_PUBLISHED);
    add(st, 1, "zh", "拖车", "您的车被拖走了。", NULL, KB_PUBLISHED);
    add(st, 0, "en", "Stowaway", "Car ferries and stowaways.",
        "ABANDONED_VEHICLE", KB_DRAFT);
    add(st, 0, "zh", "车辆", "废弃车辆。", "ABANDONED_VEHICLE", KB_PUBLISHED);

    /* Long terms: trigrams find substrings, tsvector word prefixes. */
    cr_assert_str_eq(found(st, "towed car", false, NULL), "1");
    cr_assert_str_eq(found(st, "car", false, NULL), "1 3");
    /* Short terms and CJK pairs and characters. */
    cr_assert_str_eq(found(st, "ID", false, NULL), "1");
    cr_assert_str_eq(found(st, "拖车", false, NULL), "2");
    cr_assert_str_eq(found(st, "车", false, NULL), "2 4");
    cr_assert_str_eq(found(st, "被拖走", false, NULL), "2");
    cr_assert_str_eq(found(st, "towed 拖车", false, NULL), "");
    cr_assert_str_eq(found(st, "towed 拖车", true, NULL), "1 2");
    cr_assert_str_eq(found(st, "ferries 车辆 zz", true, NULL), "3 4");

    memset(&f, 0, sizeof(f));
    f.published_only = true;
    cr_assert_str_eq(found(st, "car", false, &f), "1");
    memset(&f, 0, sizeof(f));
    f.service = "ABANDONED_VEHICLE";
    cr_assert_str_eq(found(st, "车", false, &f), "4");
    memset(&f, 0, sizeof(f));
    f.lang = "zh";
    cr_assert_str_eq(found(st, "towed 车", true, &f), "2 4");
    store_close(st);
}

Test(S(store_kb), the_index_follows_edits)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct kb_article art;
    struct kb_content c;

    add(st, 0, "en", "Potholes", "Report a pothole.", NULL, KB_PUBLISHED);
    add(st, 0, "zh", "坑洞", "报告路面坑洞。", NULL, KB_PUBLISHED);
    memset(&c, 0, sizeof(c));
    c.title = "Streetlights";
    c.body = "Report a dark lamp.";
    cr_assert_eq(
        kb_store_update(st, 1, &c, 0, KB_EDITED, 0, NULL, T0, &a, &art, NULL),
        C311_OK);
    c.title = "路灯";
    c.body = "报告路灯不亮。";
    cr_assert_eq(
        kb_store_update(st, 2, &c, 0, KB_EDITED, 0, NULL, T0, &a, &art, NULL),
        C311_OK);
    cr_assert_str_eq(found(st, "pothole", false, NULL), "");
    cr_assert_str_eq(found(st, "坑洞", false, NULL), "");
    cr_assert_str_eq(found(st, "lamp", false, NULL), "1");
    cr_assert_str_eq(found(st, "路灯", false, NULL), "2");
    cr_assert_str_eq(found(st, "da", false, NULL), "1");
    store_close(st);
    arena_free(&a);
}

Test(S(store_kb), lists_groups_and_members)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct kb_article *v;
    struct kb_filter f;
    int64_t groups[2] = {1, 3};
    size_t n;

    add(st, 0, "en", "A", "a", "POTHOLE", KB_PUBLISHED);
    add(st, 1, "zh-Hans", "甲", "甲", NULL, KB_DRAFT);
    add(st, 0, "en", "B", "b", NULL, KB_DRAFT);
    add(st, 3, "zh", "乙", "乙", NULL, KB_PUBLISHED);

    memset(&f, 0, sizeof(f));
    cr_assert_eq(kb_store_list(st, &f, 1, 2, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(v[0].id, 2);
    cr_assert_eq(v[1].id, 3);
    f.drafts_only = true;
    cr_assert_eq(kb_store_list(st, &f, 0, 10, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(v[0].id, 2);
    cr_assert_eq(v[1].id, 3);
    memset(&f, 0, sizeof(f));
    f.service = "POTHOLE";
    cr_assert_eq(kb_store_list(st, &f, 0, 10, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(v[0].id, 1);

    cr_assert_eq(kb_store_group(st, 1, false, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(v[0].lang, "en");
    cr_assert_str_eq(v[1].lang, "zh-Hans");
    cr_assert_eq(kb_store_group(st, 1, true, &a, &v, &n, NULL), C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(kb_store_members(st, groups, 2, "zh", false, &a, &v, &n, NULL),
                 C311_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(v[0].id, 2);
    cr_assert_eq(v[1].id, 4);
    cr_assert_eq(kb_store_members(st, groups, 2, "zh", true, &a, &v, &n, NULL),
                 C311_OK);
    cr_assert_eq(n, 1);
    cr_assert_eq(v[0].id, 4);
    store_close(st);
    arena_free(&a);
}

/* Logs one search at t with r results. */
static void
log_search(struct store *st, int64_t t, const char *norm, int64_t r)
{
    struct kb_search_entry e = {t, NULL, true, norm, norm, "en", r};

    cr_assert_eq(kb_store_search_log(st, &e, 1, NULL), C311_OK);
}

Test(S(store_kb), uses_searches_and_the_report)
{
    struct arena a = ARENA_INIT;
    struct store *st = fixture_open();
    struct kb_article art;
    struct kb_report r;
    char *cause = NULL;

    add(st, 0, "en", "Bulky", "b", NULL, KB_PUBLISHED);
    add(st, 0, "en", "Towed", "t", NULL, KB_PUBLISHED);
    memset(&art, 0, sizeof(art));
    art.lang = "en";
    art.c.title = "Old";
    art.c.body = "o";
    art.c.review_by = "2026-02-01";
    cr_assert_eq(kb_store_create(st, &art, NULL, T0, NULL), C311_OK);
    art.id = 0;
    art.group_id = 0;
    art.c.title = "Older";
    art.c.review_by = "2026-01-15";
    cr_assert_eq(kb_store_create(st, &art, NULL, T0, NULL), C311_OK);
    art.group_id = 0;
    art.c.title = "Later";
    art.c.review_by = "2026-03-01";
    cr_assert_eq(kb_store_create(st, &art, NULL, T0, NULL), C311_OK);

    cr_assert_eq(kb_store_use_add(st, 2, "user:a", "phone", true, T0, NULL),
                 C311_OK);
    cr_assert_eq(kb_store_use_add(st, 1, "user:a", "web", false, T0 + 1, NULL),
                 C311_OK);
    cr_assert_eq(kb_store_use_add(st, 2, "user:b", "phone", true, T0 + 2, NULL),
                 C311_OK);
    cr_assert_eq(kb_store_use_add(st, 2, "user:b", "sms", false, T0 + 3, NULL),
                 C311_OK);
    cr_assert_eq(
        kb_store_use_add(st, 1, "user:b", "phone", true, T0 + DAY, NULL),
        C311_OK);
    cr_assert_eq(kb_store_use_add(st, 9, "user:b", "phone", true, T0, &cause),
                 C311_ERR_NOT_FOUND);
    free(cause);
    log_search(st, T0, "xyzzy", 0);
    log_search(st, T0 + 1, "plugh", 0);
    log_search(st, T0 + 2, "xyzzy", 0);
    log_search(st, T0 + 3, "bulky", 1);
    log_search(st, T0 + DAY, "zork", 0);

    /* One day from T0: the uses and searches of T0 + DAY are left out. */
    cr_assert_eq(
        kb_store_report(st, T0, T0 + DAY, "2026-02-15", 10, &a, &r, NULL),
        C311_OK);
    cr_assert_eq(r.ntop, 2);
    cr_assert_eq(r.top[0].id, 2);
    cr_assert_eq(r.top[0].uses, 3);
    cr_assert_str_eq(r.top[0].title, "Towed");
    cr_assert_eq(r.top[1].id, 1);
    cr_assert_eq(r.top[1].uses, 1);
    cr_assert_eq(r.uses, 4);
    cr_assert_eq(r.without_request, 2);
    cr_assert_eq(r.searches, 4);
    cr_assert_eq(r.empty_searches, 3);
    cr_assert_eq(r.nmisses, 2);
    cr_assert_str_eq(r.misses[0].query, "xyzzy");
    cr_assert_eq(r.misses[0].count, 2);
    cr_assert_str_eq(r.misses[1].query, "plugh");
    cr_assert_eq(r.misses[1].count, 1);
    cr_assert_eq(r.noverdue, 2);
    cr_assert_str_eq(r.overdue[0].c.title, "Older");
    cr_assert_str_eq(r.overdue[1].c.title, "Old");

    cr_assert_eq(kb_store_report(st, T0 + DAY, T0 + 2 * DAY, "2026-01-01", 1,
                                 &a, &r, NULL),
                 C311_OK);
    cr_assert_eq(r.ntop, 1);
    cr_assert_eq(r.top[0].id, 1);
    cr_assert_eq(r.uses, 1);
    cr_assert_eq(r.without_request, 1);
    cr_assert_eq(r.nmisses, 1);
    cr_assert_str_eq(r.misses[0].query, "zork");
    cr_assert_eq(r.noverdue, 0);
    store_close(st);
    arena_free(&a);
}

Test(S(store_kb), accents_are_ignored_and_a_pending_rebuild_runs_at_open)
{
    struct store *st = fixture_open();
    char *err = NULL;

    add(st, 0, "es", "La grúa", "Calefacción central. Ñandú.", NULL,
        KB_PUBLISHED);
    add(st, 0, "en", "Towed car", "Grand central.", NULL, KB_PUBLISHED);
    /* Long terms (trigrams, words) and short ones (grams), both ways. */
    cr_assert_str_eq(found(st, "grua", false, NULL), "1");
    cr_assert_str_eq(found(st, "GRÚA", false, NULL), "1");
    cr_assert_str_eq(found(st, "calefaccion", false, NULL), "1");
    cr_assert_str_eq(found(st, "nandu central", false, NULL), "1");
    cr_assert_str_eq(found(st, "ña", false, NULL), "1");
    cr_assert_str_eq(found(st, "GR", false, NULL), "1 2");
    store_close(st);

    /* An index written before folding, which a migration left pending. */
    cr_assert(fixture_exec(fixture_pg
                               ? "UPDATE kb_article SET search = '',"
                                 " heads = '';"
                                 "INSERT INTO kb_index_pending VALUES (0)"
                               : "DELETE FROM kb_fts; DELETE FROM kb_gram;"
                                 "INSERT INTO kb_index_pending VALUES (0)",
                           &err),
              "%s", err ? err : "?");
    st = fixture_open();
    cr_assert_str_eq(found(st, "grua", false, NULL), "1");
    cr_assert_str_eq(found(st, "ña", false, NULL), "1");
    cr_assert_str_eq(found(st, "towed", false, NULL), "2");
    store_close(st);
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM kb_index_pending"), 0,
                 "done: no longer pending");
}

Test(S(store_kb), fullwidth_letters_are_found_and_reindexed_by_migration_10)
{
    struct store *st = fixture_open();
    char *err = NULL;

    add(st, 0, "es", "Tarjeta ＳＵＢＥ", "Recarga en línea ２４ horas.", NULL,
        KB_PUBLISHED);
    add(st, 0, "en", "Subway card", "Top up online.", NULL, KB_PUBLISHED);
    /* A trigram term, a short one and a digit, typed either way. */
    cr_assert_str_eq(found(st, "sube", false, NULL), "1");
    cr_assert_str_eq(found(st, "ＳＵＢＥ", false, NULL), "1");
    cr_assert_str_eq(found(st, "su", false, NULL), "1 2");
    cr_assert_str_eq(found(st, "24", false, NULL), "1");
    cr_assert_str_eq(found(st, "ｓｕｂｗａｙ", false, NULL), "2");
    store_close(st);

    /*
     * The index as a version before 12 wrote it (fullwidth letters kept),
     * and migration 12 not yet applied: opening applies it and rebuilds.
     */
    cr_assert(fixture_exec(fixture_pg
                               ? "UPDATE kb_article SET search = '',"
                                 " heads = '';"
                                 "DELETE FROM schema_migration"
                                 " WHERE version = 12"
                               : "DELETE FROM kb_fts; DELETE FROM kb_gram;"
                                 "DELETE FROM schema_migration"
                                 " WHERE version = 12",
                           &err),
              "%s", err ? err : "?");
    st = fixture_open();
    cr_assert_str_eq(found(st, "sube", false, NULL), "1");
    cr_assert_str_eq(found(st, "24", false, NULL), "1");
    cr_assert_str_eq(found(st, "subway", false, NULL), "2");
    cr_assert_eq(fixture_sql_int("SELECT count(*) FROM kb_index_pending"), 0);
    store_close(st);
}
