/* test_match_index.c: the rule-list index (fakekit/items.c, declared in match.h).
 *
 * The index must hand out exactly the items a scan of the whole list would accept, in list
 * order: checked on tables (literal and wildcard rules mixed, methods, "/a/" + "**" matching
 * "/a" edge), after removes and clears, past the iterator's list limit, against a brute-force
 * scan on seeded random rule sets, and through fault rules (counters and seeded draws). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/fault.h"
#include "fakekit/match.h"
#include "fakekit/rand.h"
#include "tests/support/fakereq.h"

/* A bare item kind: an id and a matcher, nothing else. */
static int parse_item(const cJSON *json, const char *path, void *ctx, struct fk_item **out,
                      struct fk_error *err)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(json, "id");
    struct fk_item *item = calloc(1, sizeof(*item));

    (void)ctx; /* no per-call state */
    *out = NULL;
    if (!item) {
        return FK_ENOMEM;
    }
    snprintf(item->path, sizeof(item->path), "%s", path);
    int rc =
        fk_match_parse(cJSON_GetObjectItemCaseSensitive(json, "match"), path, &item->match, err);
    if (rc) {
        free(item);
        return rc;
    }
    if (cJSON_IsString(id)) {
        snprintf(item->id, sizeof(item->id), "%s", id->valuestring);
    }
    item->auto_id = !cJSON_IsString(id);
    *out = item;
    return 0;
}

static void free_item(struct fk_item *item)
{
    fk_match_cleanup(&item->match);
    free(item);
}

static cJSON *item_json(const struct fk_item *item)
{
    return cJSON_CreateString(item->id);
}

static const struct fk_item_kind kind = {"item", "items", parse_item, free_item, item_json};

static void add(struct fk_items *l, const char *text)
{
    struct fk_error err = {{0}};
    struct fk_item **items = NULL;
    size_t n = 0;
    cJSON *json = cJSON_Parse(text);

    assert_non_null(json);
    assert_int_equal(fk_items_parse(&kind, json, "items", NULL, &items, &n, &err), 0);
    assert_int_equal(fk_items_add(&kind, l, items, n, NULL, &err), 0);
    free(items);
    cJSON_Delete(json);
}

/* The ids the iterator yields for (method, path), space-separated, into out. */
static void yielded(const struct fk_items *l, const char *method, const char *path, char *out,
                    size_t len)
{
    struct fk_items_iter it;
    struct fk_req req = h_make_req(method, path);
    size_t used = 0;

    out[0] = '\0';
    fk_items_iter_start(&it, l, &req);
    for (struct fk_item *item; (item = fk_items_iter_next(&it)) != NULL;) {
        used += (size_t)snprintf(out + used, len - used, "%s%s", used ? " " : "", item->id);
        assert_true(used < len);
    }
}

/* The same by testing every item, in list order: what the index must reproduce. */
static void scanned(const struct fk_items *l, const char *method, const char *path, char *out,
                    size_t len)
{
    struct fk_req req = h_make_req(method, path);
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < l->n; i++) {
        if (fk_match_test(&l->v[i]->match, &req)) {
            used += (size_t)snprintf(out + used, len - used, "%s%s", used ? " " : "", l->v[i]->id);
            assert_true(used < len);
        }
    }
}

static void expect(const struct fk_items *l, const char *method, const char *path, const char *want)
{
    char got[4096];
    char scan[4096];

    yielded(l, method, path, got, sizeof(got));
    scanned(l, method, path, scan, sizeof(scan));
    if (strcmp(got, want) != 0 || strcmp(scan, want) != 0) {
        print_error("%s %s: index gave '%s', scan '%s', want '%s'\n", method ? method : "(null)",
                    path ? path : "(null)", got, scan, want);
        fail();
    }
}

/* Literal, wildcard, any-path and method rules interleaved: the list order must survive. */
static const char mixed[] =
    "[{\"id\":\"any\"},"
    "{\"id\":\"lit-post\",\"match\":{\"method\":\"POST\",\"path\":\"/a/b\"}},"
    "{\"id\":\"dstar\",\"match\":{\"path\":\"/a/**\"}},"
    "{\"id\":\"lit-any\",\"match\":{\"path\":\"/a/b\"}},"
    "{\"id\":\"star-mid\",\"match\":{\"path\":\"/a/*/c\"}},"
    "{\"id\":\"get-lower\",\"match\":{\"method\":\"get\",\"path\":\"/a/b\"}},"
    "{\"id\":\"part\",\"match\":{\"path\":\"/a/b*.json\"}},"
    "{\"id\":\"root-star\",\"match\":{\"path\":\"/*\"}},"
    "{\"id\":\"everything\",\"match\":{\"path\":\"/**\"}},"
    "{\"id\":\"slash\",\"match\":{\"path\":\"/a/\"}},"
    "{\"id\":\"post-only\",\"match\":{\"method\":\"post\"}},"
    "{\"id\":\"no-slash\",\"match\":{\"path\":\"a/*\"}},"
    "{\"id\":\"deep\",\"match\":{\"path\":\"/a/b/c/**\"}},"
    "{\"id\":\"query\",\"match\":{\"path\":\"/a/b\",\"query\":{\"x\":\"1\"}}}]";

static const struct {
    const char *method;
    const char *path;
    const char *want;
} mixed_cases[] = {
    {"POST", "/a/b", "any lit-post dstar lit-any everything post-only"},
    {"post", "/a/b", "any lit-post dstar lit-any everything post-only"},
    {"GET", "/a/b", "any dstar lit-any get-lower everything"},
    {"Get", "/a/b", "any dstar lit-any get-lower everything"},
    {"PUT", "/a/b", "any dstar lit-any everything"},
    {"GET", "/a", "any dstar root-star everything"},
    {"GET", "/a/", "any dstar everything slash"},
    {"GET", "/a/x/c", "any dstar star-mid everything"},
    {"GET", "/a/b/c", "any dstar star-mid everything deep"},
    {"GET", "/a/b/c/d/e", "any dstar everything deep"},
    {"GET", "/a/bx.json", "any dstar part everything"},
    {"GET", "/a/b.json", "any dstar part everything"},
    {"GET", "/ab", "any root-star everything"},
    {"GET", "/", "any root-star everything"},
    {"GET", "a/x", "any no-slash"},
    {"GET", "", "any everything"},
    {NULL, "/a/b", "any dstar lit-any everything"},
    {"POST", NULL, "any post-only"},
    {"DELETE", "/zzz/a/b", "any everything"},
};

static void test_order_methods_and_paths(void **state)
{
    struct fk_items l = {0};

    (void)state; /* no fixture */
    add(&l, mixed);
    assert_non_null(l.index);
    for (size_t i = 0; i < sizeof(mixed_cases) / sizeof(mixed_cases[0]); i++) {
        expect(&l, mixed_cases[i].method, mixed_cases[i].path, mixed_cases[i].want);
    }
    fk_items_clear(&kind, &l);
}

/* Items added in several batches keep their place after removes; clear empties the index. */
static void test_remove_and_clear(void **state)
{
    struct fk_items l = {0};

    (void)state; /* no fixture */
    add(&l, "[{\"id\":\"w1\",\"match\":{\"path\":\"/x/**\"}},{\"id\":\"l1\",\"match\":"
            "{\"path\":\"/x/y\"}}]");
    add(&l, "{\"id\":\"w2\",\"match\":{\"path\":\"/x/*\"}}");
    add(&l, "[{\"id\":\"l2\",\"match\":{\"path\":\"/x/y\"}},{\"match\":{\"path\":\"/x/y\"}}]");
    expect(&l, "GET", "/x/y", "w1 l1 w2 l2 item-1");
    assert_int_equal(fk_items_remove(&kind, &l, "l1"), 0);
    expect(&l, "GET", "/x/y", "w1 w2 l2 item-1");
    assert_int_equal(fk_items_remove(&kind, &l, "w1"), 0);
    expect(&l, "GET", "/x/y", "w2 l2 item-1");
    assert_int_equal(fk_items_remove(&kind, &l, "nope"), FK_ENOTFOUND);
    /* Re-adding an id puts the rule last, not back in its old place. */
    add(&l, "{\"id\":\"l1\",\"match\":{\"path\":\"/x/y\"}}");
    expect(&l, "GET", "/x/y", "w2 l2 item-1 l1");
    assert_int_equal(fk_items_remove(&kind, &l, "w2"), 0);
    assert_int_equal(fk_items_remove(&kind, &l, "l2"), 0);
    assert_int_equal(fk_items_remove(&kind, &l, "item-1"), 0);
    assert_int_equal(fk_items_remove(&kind, &l, "l1"), 0);
    assert_int_equal(l.n, 0);
    assert_null(l.index);
    expect(&l, "GET", "/x/y", "");
    add(&l, "[{\"id\":\"a\",\"match\":{\"path\":\"/x/y\"}},{\"id\":\"b\"}]");
    expect(&l, "GET", "/x/y", "a b");
    fk_items_clear(&kind, &l);
    assert_null(l.index);
    assert_int_equal(l.n, 0);
    expect(&l, "GET", "/x/y", "");
    add(&l, "{\"id\":\"c\",\"match\":{\"path\":\"/x/**\"}}");
    expect(&l, "GET", "/x/y", "c");
    fk_items_clear(&kind, &l);
}

/* Many removes leave empty keys behind; the index is rebuilt and stays right. */
static void test_churn(void **state)
{
    struct fk_items l = {0};
    char text[128];
    char id[32];

    (void)state; /* no fixture */
    for (int i = 0; i < 300; i++) {
        snprintf(text, sizeof(text), "{\"id\":\"r%d\",\"match\":{\"path\":\"/k/%d/**\"}}", i, i);
        add(&l, text);
    }
    add(&l, "{\"id\":\"last\",\"match\":{\"path\":\"/k/**\"}}");
    for (int i = 0; i < 299; i++) {
        snprintf(id, sizeof(id), "r%d", i);
        assert_int_equal(fk_items_remove(&kind, &l, id), 0);
    }
    assert_non_null(l.index);
    expect(&l, "GET", "/k/299/z", "r299 last");
    expect(&l, "GET", "/k/5/z", "last");
    fk_items_clear(&kind, &l);
}

/* A path under more keys than the iterator holds lists for falls back to a scan. */
static void test_many_keys_scan(void **state)
{
    struct fk_items l = {0};
    char pattern[256] = "";
    char text[512];
    char want[1024] = "";
    size_t used = 0;

    (void)state; /* no fixture */
    for (int i = 0; i < 2 * FK_ITEMS_ITER_LISTS; i++) {
        size_t len = strlen(pattern);
        snprintf(pattern + len, sizeof(pattern) - len, "/%c", 'a' + i % 26);
        snprintf(text, sizeof(text), "{\"id\":\"p%d\",\"match\":{\"path\":\"%s/**\"}}", i, pattern);
        add(&l, text);
        used += (size_t)snprintf(want + used, sizeof(want) - used, "%sp%d", i ? " " : "", i);
    }
    expect(&l, "GET", pattern, want);
    fk_items_clear(&kind, &l);
}

/* Seeded random rule sets against the brute-force scan. */
static void test_random_against_scan(void **state)
{
    static const char *const segs[] = {"a", "b", "ab", "*", "**", "a*", "*b", "c.json", ""};
    static const char *const methods[] = {NULL, "GET", "post", "PUT"};
    static const char *const req_methods[] = {"GET", "POST", "put", "DELETE"};
    struct fk_prng rng;

    (void)state; /* no fixture */
    fk_prng_init(&rng, 42);
    for (int round = 0; round < 40; round++) {
        struct fk_items l = {0};
        char text[256];
        int nrules = 1 + (int)fk_prng_below(&rng, 60);
        for (int i = 0; i < nrules; i++) {
            char pat[96] = "";
            int nseg = (int)fk_prng_below(&rng, 4);
            for (int s = 0; s < nseg + 1; s++) {
                size_t len = strlen(pat);
                snprintf(pat + len, sizeof(pat) - len, "/%s", segs[fk_prng_below(&rng, 9)]);
            }
            const char *m = methods[fk_prng_below(&rng, 4)];
            bool no_path = fk_prng_below(&rng, 8) == 0;
            char mpart[32] = "";
            char ppart[128] = "";
            if (m) {
                snprintf(mpart, sizeof(mpart), "\"method\":\"%s\"", m);
            }
            if (!no_path) {
                snprintf(ppart, sizeof(ppart), "%s\"path\":\"%s\"", m ? "," : "", pat);
            }
            snprintf(text, sizeof(text), "{\"id\":\"r%d\",\"match\":{%s%s}}", i, mpart, ppart);
            add(&l, text);
        }
        for (int q = 0; q < 60; q++) {
            static const char *const psegs[] = {"a", "b", "ab", "c.json", "x", "", "abab"};
            char path[96] = "";
            int nseg = (int)fk_prng_below(&rng, 5);
            for (int s = 0; s < nseg; s++) {
                size_t len = strlen(path);
                snprintf(path + len, sizeof(path) - len, "/%s", psegs[fk_prng_below(&rng, 7)]);
            }
            char got[4096];
            char scan[4096];
            const char *m = req_methods[fk_prng_below(&rng, 4)];
            yielded(&l, m, path, got, sizeof(got));
            scanned(&l, m, path, scan, sizeof(scan));
            if (strcmp(got, scan) != 0) {
                print_error("round %d: %s '%s': index '%s' scan '%s'\n", round, m, path, got, scan);
                fail();
            }
        }
        /* Remove every third rule and compare again. */
        for (int i = 0; i < nrules; i += 3) {
            char id[16];
            snprintf(id, sizeof(id), "r%d", i);
            assert_int_equal(fk_items_remove(&kind, &l, id), 0);
        }
        for (int q = 0; q < 30; q++) {
            static const char *const psegs[] = {"a", "b", "ab", "c.json", ""};
            char path[96] = "";
            int nseg = (int)fk_prng_below(&rng, 4);
            for (int s = 0; s < nseg; s++) {
                size_t len = strlen(path);
                snprintf(path + len, sizeof(path) - len, "/%s", psegs[fk_prng_below(&rng, 5)]);
            }
            char got[4096];
            char scan[4096];
            yielded(&l, "GET", path, got, sizeof(got));
            scanned(&l, "GET", path, scan, sizeof(scan));
            assert_string_equal(got, scan);
        }
        fk_items_clear(&kind, &l);
    }
}

static int check_none(void *ctx, const char *code)
{
    (void)ctx;
    (void)code; /* no error shorthands in these rules */
    return FK_EINVAL;
}

static const struct fk_error_check none = {check_none, NULL};

/* Through fault rules: 1,000 rules for other paths around a probability rule. Counters and
 * seeded draws must be what the rules alone would give. */
static void test_faults_with_many_other_rules(void **state)
{
    struct fk_faults *f = fk_faults_new();
    struct fk_error err = {{0}};
    struct fk_action act;
    char id[FK_ID_MAX + 1];
    char text[256];
    struct fk_req hit = h_make_req("GET", "/2010-04-01/Accounts/AC1/Local.json");
    struct fk_req other = h_make_req("POST", "/never/7/x");
    int fired_half = 0;

    (void)state; /* no fixture */
    assert_non_null(f);
    for (int i = 1; i <= 1000; i++) {
        snprintf(text, sizeof(text),
                 "{\"id\":\"never-%d\",\"match\":{\"method\":\"POST\",\"path\":\"/never/%d/**\"},"
                 "\"action\":{\"status\":500}}",
                 i, i);
        if (i == 500) {
            cJSON *half = cJSON_Parse("{\"id\":\"half\",\"match\":{\"path\":\"/2010-04-01/**\"},"
                                      "\"probability\":0.5,\"action\":{\"status\":503}}");
            assert_int_equal(fk_faults_add_json(f, half, "fault", &none, NULL, &err), 0);
            cJSON_Delete(half);
        }
        cJSON *json = cJSON_Parse(text);
        assert_int_equal(fk_faults_add_json(f, json, "fault", &none, NULL, &err), 0);
        cJSON_Delete(json);
    }
    cJSON *last = cJSON_Parse("{\"id\":\"tail\",\"match\":{\"method\":\"GET\"},\"after\":2,"
                              "\"action\":{\"status\":502}}");
    assert_int_equal(fk_faults_add_json(f, last, "fault", &none, NULL, &err), 0);
    cJSON_Delete(last);

    /* Expected draws: the same seed, one draw per request that reaches "half". */
    fk_rand_seed(7);
    int want_half = 0;
    for (int i = 0; i < 20; i++) {
        want_half += fk_rand_unit() < 0.5;
    }
    fk_rand_seed(7);
    for (int i = 0; i < 20; i++) {
        if (fk_faults_decide(f, &hit, &act, id, sizeof(id))) {
            fired_half += strcmp(id, "half") == 0;
            assert_true(strcmp(id, "half") == 0 || strcmp(id, "tail") == 0);
            fk_action_cleanup(&act);
        }
    }
    assert_int_equal(fired_half, want_half);
    assert_true(fk_faults_decide(f, &other, &act, id, sizeof(id)));
    assert_string_equal(id, "never-7");
    fk_action_cleanup(&act);

    cJSON *rules = fk_faults_json(f);
    assert_non_null(rules);
    for (const cJSON *r = rules->child; r; r = r->next) {
        const char *rid = cJSON_GetObjectItem(r, "id")->valuestring;
        double matched = cJSON_GetObjectItem(r, "matched")->valuedouble;
        double fired = cJSON_GetObjectItem(r, "fired")->valuedouble;
        if (strcmp(rid, "half") == 0) {
            assert_int_equal((int)matched, 20);
            assert_int_equal((int)fired, want_half);
        } else if (strcmp(rid, "tail") == 0) {
            assert_int_equal((int)matched, 20 - want_half);
            assert_int_equal((int)fired, 20 - want_half > 2 ? 20 - want_half - 2 : 0);
        } else if (strcmp(rid, "never-7") == 0) {
            assert_int_equal((int)matched, 1);
            assert_int_equal((int)fired, 1);
        } else {
            assert_int_equal((int)matched, 0);
        }
    }
    cJSON_Delete(rules);
    assert_int_equal(fk_faults_remove(f, "half"), 0);
    fk_faults_clear(f);
    assert_false(fk_faults_decide(f, &other, &act, id, sizeof(id)));
    fk_faults_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_methods_and_paths),
        cmocka_unit_test(test_remove_and_clear),
        cmocka_unit_test(test_churn),
        cmocka_unit_test(test_many_keys_scan),
        cmocka_unit_test(test_random_against_scan),
        cmocka_unit_test(test_faults_with_many_other_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
