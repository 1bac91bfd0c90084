/* test_jwt_cache.c: fakekit/jwt_cache.h: hits, misses, what a hit gives back, LRU
 * replacement, what is never remembered, clear. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/jwt_cache.h"

static cJSON *claims(const char *json)
{
    cJSON *c = cJSON_Parse(json);
    assert_non_null(c);
    return c;
}

static void hit_gives_what_was_put(void **state)
{
    struct fk_jwt_cache c = FK_JWT_CACHE_INIT;
    struct fk_jwt_seen seen;
    cJSON *cl = claims("{\"exp\":2000000000,\"nbf\":1000,\"role\":\"anon\"}");
    const char data[] = "role=anon";

    (void)state; /* no fixture */
    assert_false(fk_jwt_cache_get(&c, "a.b.c", &seen));
    fk_jwt_cache_put(&c, "a.b.c", "s3cret", cl, data, sizeof data);
    assert_true(fk_jwt_cache_get(&c, "a.b.c", &seen));
    assert_string_equal(seen.secret, "s3cret");
    assert_true(seen.has_exp && seen.exp == 2000000000.0);
    assert_true(seen.has_nbf && seen.nbf == 1000.0);
    assert_memory_equal(seen.data, data, sizeof data);
    /* Only the exact bytes hit. */
    assert_false(fk_jwt_cache_get(&c, "a.b.c ", &seen));
    assert_false(fk_jwt_cache_get(&c, "a.b.C", &seen));
    /* Absent times are absent, and a second put of one token replaces its entry. */
    cJSON_Delete(cl);
    cl = claims("{}");
    fk_jwt_cache_put(&c, "a.b.c", "other", cl, NULL, 0);
    assert_true(fk_jwt_cache_get(&c, "a.b.c", &seen));
    assert_false(seen.has_exp || seen.has_nbf);
    cJSON_Delete(cl);
    fk_jwt_cache_clear(&c);
    assert_false(fk_jwt_cache_get(&c, "a.b.c", &seen));
}

static void never_remembered(void **state)
{
    struct fk_jwt_cache c = FK_JWT_CACHE_INIT;
    struct fk_jwt_seen seen;
    cJSON *bad = claims("{\"exp\":\"soon\"}");
    cJSON *ok = claims("{\"exp\":1}");
    char *longtok = malloc(FK_JWT_CACHE_TOKEN + 2);
    char longsecret[FK_JWT_CACHE_SECRET + 1];
    unsigned char big[FK_JWT_CACHE_DATA + 1] = {0};

    (void)state; /* no fixture */
    assert_non_null(longtok);
    memset(longtok, 'x', FK_JWT_CACHE_TOKEN + 1);
    longtok[FK_JWT_CACHE_TOKEN + 1] = '\0';
    memset(longsecret, 'k', sizeof longsecret - 1);
    longsecret[sizeof longsecret - 1] = '\0';
    fk_jwt_cache_put(&c, "t1", "s", bad, NULL, 0);
    fk_jwt_cache_put(&c, longtok, "s", ok, NULL, 0);
    fk_jwt_cache_put(&c, "t2", longsecret, ok, NULL, 0);
    fk_jwt_cache_put(&c, "t3", "s", ok, big, sizeof big);
    assert_false(fk_jwt_cache_get(&c, "t1", &seen));
    assert_false(fk_jwt_cache_get(&c, longtok, &seen));
    assert_false(fk_jwt_cache_get(&c, "t2", &seen));
    assert_false(fk_jwt_cache_get(&c, "t3", &seen));
    free(longtok);
    cJSON_Delete(bad);
    cJSON_Delete(ok);
    fk_jwt_cache_clear(&c);
}

static void least_recently_used_goes(void **state)
{
    struct fk_jwt_cache c = FK_JWT_CACHE_INIT;
    struct fk_jwt_seen seen;
    cJSON *cl = claims("{\"exp\":1}");
    char tok[32];

    (void)state; /* no fixture */
    for (int i = 0; i < FK_JWT_CACHE_SLOTS; i++) {
        snprintf(tok, sizeof tok, "tok-%d", i);
        fk_jwt_cache_put(&c, tok, "s", cl, NULL, 0);
    }
    assert_true(fk_jwt_cache_get(&c, "tok-0", &seen)); /* tok-1 is now the oldest */
    fk_jwt_cache_put(&c, "tok-new", "s", cl, NULL, 0);
    assert_true(fk_jwt_cache_get(&c, "tok-new", &seen));
    assert_true(fk_jwt_cache_get(&c, "tok-0", &seen));
    assert_false(fk_jwt_cache_get(&c, "tok-1", &seen));
    for (int i = 2; i < FK_JWT_CACHE_SLOTS; i++) {
        snprintf(tok, sizeof tok, "tok-%d", i);
        assert_true(fk_jwt_cache_get(&c, tok, &seen));
    }
    cJSON_Delete(cl);
    fk_jwt_cache_clear(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hit_gives_what_was_put),
        cmocka_unit_test(never_remembered),
        cmocka_unit_test(least_recently_used_goes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
