/* test_ratelimit.c: token buckets: parse errors, refill over a controlled clock, per-key
 * buckets, several limits, ids and the JSON listing (fakekit/ratelimit.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/clock.h"
#include "fakekit/ratelimit.h"
#include "tests/support/fakereq.h"

#define T0 1800000000000000LL /* 2027-01-15, in µs */

static int add(struct fk_limits *ls, const char *path, const char *text, struct fk_error *err)
{
    cJSON *json = cJSON_Parse(text);
    assert_non_null(json);
    int rc = fk_limits_add_json(ls, json, path, NULL, err);
    cJSON_Delete(json);
    return rc;
}

/* One GET /x charged at the fake clock's now; returns true when refused. */
static bool hit(struct fk_limits *ls, const char *cred, const char *client, long *retry, char *id,
                size_t idlen)
{
    struct fk_req req = h_make_req("GET", "/x");
    long r = -1;
    bool refused = fk_limits_check(ls, &req, cred, client, fk_now_us(), &r, id, idlen) == FK_ERANGE;
    if (retry) {
        *retry = r;
    }
    return refused;
}

static const struct {
    const char *path;
    const char *json;
    int rc;
    const char *msg;
} parse_errors[] = {
    {"rate_limits", "[{\"per_ms\":1000}]", FK_EINVAL, "rate_limits[0].limit: required"},
    {"rate_limits", "[{\"limit\":5}]", FK_EINVAL, "rate_limits[0].per_ms: required"},
    {"rate_limits", "[{\"limit\":0,\"per_ms\":1000}]", FK_EINVAL,
     "rate_limits[0].limit: expected an integer from 1 to 1000000"},
    {"rate_limits", "[{\"limit\":1.5,\"per_ms\":1000}]", FK_EINVAL,
     "rate_limits[0].limit: expected an integer from 1 to 1000000"},
    {"rate_limits", "[{\"limit\":5,\"per_ms\":0}]", FK_EINVAL,
     "rate_limits[0].per_ms: expected an integer from 1 to 604800000"},
    {"rate_limits", "[{\"limit\":5,\"per_ms\":1000,\"retry_after_s\":-1}]", FK_EINVAL,
     "rate_limits[0].retry_after_s: expected an integer from 0 to 86400"},
    {"rate_limits", "[{\"limit\":5,\"per_ms\":1000,\"key\":\"user\"}]", FK_EINVAL,
     "rate_limits[0].key: unknown key 'user' (expected global, credential or client)"},
    {"rate_limits", "[{\"limit\":5,\"per_ms\":1000,\"key\":1}]", FK_EINVAL,
     "rate_limits[0].key: expected a string"},
    {"rate_limits", "[{\"limit\":5,\"per_ms\":1000,\"burst\":1}]", FK_EINVAL,
     "rate_limits[0].burst: unknown key"},
    {"rate_limits",
     "[{\"limit\":5,\"per_ms\":1000},{\"limit\":5,\"per_ms\":1000,"
     "\"match\":{\"method\":1}}]",
     FK_EINVAL, "rate_limits[1].match.method: expected a string"},
    {"rate_limit", "{\"id\":\"\",\"limit\":5,\"per_ms\":1000}", FK_EINVAL,
     "rate_limit.id: must be 1 to 128 characters"},
    {"rate_limits",
     "[{\"id\":\"s\",\"limit\":5,\"per_ms\":1000},{\"id\":\"s\",\"limit\":5,"
     "\"per_ms\":1000}]",
     FK_EEXIST, "rate_limits[1].id: duplicate id 's'"},
    {"rate_limits", "7", FK_EINVAL, "rate_limits: expected an object or an array"},
};

static void test_parse_errors(void **state)
{
    (void)state; /* cmocka fixture, unused */
    struct fk_limits *ls = fk_limits_new();
    assert_non_null(ls);
    for (size_t i = 0; i < sizeof(parse_errors) / sizeof(parse_errors[0]); i++) {
        struct fk_error err = {{0}};
        int rc = add(ls, parse_errors[i].path, parse_errors[i].json, &err);
        if (rc != parse_errors[i].rc || strcmp(err.msg, parse_errors[i].msg) != 0) {
            fail_msg("case %zu: rc %d msg '%s', want %d '%s'", i, rc, err.msg, parse_errors[i].rc,
                     parse_errors[i].msg);
        }
        cJSON *list = fk_limits_json(ls);
        assert_int_equal(cJSON_GetArraySize(list), 0); /* all or none */
        cJSON_Delete(list);
    }
    fk_limits_free(ls);
}

static void test_refill(void **state)
{
    (void)state; /* cmocka fixture, unused */
    struct fk_limits *ls = fk_limits_new();
    struct fk_error err = {{0}};
    char id[FK_ID_MAX + 1] = "";
    long retry = 0;
    /* step: move the clock to T0 + at_us, then expect refused or not, and the retry */
    static const struct {
        int64_t at_us;
        bool refused;
        long retry;
    } steps[] = {
        {0, false, -1},        {0, false, -1},        {0, true, 1},
        {499999, true, 1},     {500000, false, -1},   {500000, true, 1},
        {10000000, false, -1}, {10000000, false, -1}, {10000000, true, 1}, /* capped at 2 */
        {9000000, true, 1}, /* the clock going back refills nothing */
        {9500000, false, -1},
    };

    assert_int_equal(add(ls, "rate_limit", "{\"id\":\"search\",\"limit\":2,\"per_ms\":1000}", &err),
                     0);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        fk_clock_set(T0 + steps[i].at_us);
        id[0] = '\0';
        bool refused = hit(ls, NULL, NULL, &retry, id, sizeof(id));
        if (refused != steps[i].refused || retry != steps[i].retry) {
            fail_msg("step %zu: refused %d retry %ld", i, refused, retry);
        }
        assert_string_equal(id, refused ? "search" : "");
    }
    fk_clock_set(0);
    fk_limits_free(ls);
}

static void test_retry_after(void **state)
{
    (void)state; /* cmocka fixture, unused */
    struct fk_limits *ls = fk_limits_new();
    struct fk_error err = {{0}};
    long retry = 0;

    assert_int_equal(add(ls, "rate_limits",
                         "[{\"limit\":1,\"per_ms\":5000,\"match\":{\"path\":\"/x\"}},"
                         "{\"limit\":1,\"per_ms\":1000,\"retry_after_s\":7,\"match\":{\"path\":"
                         "\"/y\"}}]",
                         &err),
                     0);
    fk_clock_set(T0);
    assert_false(hit(ls, NULL, NULL, &retry, NULL, 0));
    assert_true(hit(ls, NULL, NULL, &retry, NULL, 0));
    assert_int_equal(retry, 5);
    fk_clock_set(T0 + 2500000);
    assert_true(hit(ls, NULL, NULL, &retry, NULL, 0));
    assert_int_equal(retry, 3); /* 2.5 s to go, rounded up */
    fk_clock_set(T0 + 4999999);
    assert_true(hit(ls, NULL, NULL, &retry, NULL, 0));
    assert_int_equal(retry, 1);

    struct fk_req req = h_make_req("GET", "/y");
    assert_int_equal(fk_limits_check(ls, &req, NULL, NULL, T0, &retry, NULL, 0), FK_OK);
    assert_int_equal(fk_limits_check(ls, &req, NULL, NULL, T0, &retry, NULL, 0), FK_ERANGE);
    assert_int_equal(retry, 7); /* as configured */
    fk_clock_set(0);
    fk_limits_free(ls);
}

static void test_keys(void **state)
{
    (void)state; /* cmocka fixture, unused */
    static const struct {
        const char *mode;
        const char *seq; /* per request: cred/client letter, then expected 'r'/'.' */
    } cases[] = {
        {"global", "a.brar"},
        {"credential", "a.b.arbr"},
        {"client", "a.b.arbr"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fk_limits *ls = fk_limits_new();
        struct fk_error err = {{0}};
        char text[128];
        snprintf(text, sizeof(text), "{\"limit\":1,\"per_ms\":60000,\"key\":\"%s\"}",
                 cases[i].mode);
        assert_int_equal(add(ls, "rate_limit", text, &err), 0);
        fk_clock_set(T0);
        for (const char *p = cases[i].seq; p[0] && p[1]; p += 2) {
            char key[2] = {p[0], '\0'};
            /* the other mode's key stays the same, so only the chosen one can split buckets */
            bool cred_mode = strcmp(cases[i].mode, "credential") == 0;
            bool refused =
                hit(ls, cred_mode ? key : "same", cred_mode ? "same" : key, NULL, NULL, 0);
            if (refused != (p[1] == 'r')) {
                fail_msg("%s: at '%s' refused %d", cases[i].mode, p, refused);
            }
        }
        fk_clock_set(0);
        fk_limits_free(ls);
    }
}

static void test_long_keys_distinct(void **state)
{
    (void)state; /* cmocka fixture, unused */
    struct fk_limits *ls = fk_limits_new();
    struct fk_error err = {{0}};
    char a[1001], b[1001];
    memset(a, 'k', 1000);
    a[1000] = '\0';
    memcpy(b, a, sizeof(a));
    b[999] = 'x'; /* same first 999 bytes */
    assert_int_equal(
        add(ls, "rate_limit", "{\"limit\":1,\"per_ms\":60000,\"key\":\"credential\"}", &err), 0);
    assert_int_equal(fk_limits_check(ls, &(struct fk_req){.method = "GET", .path = "/"}, a, NULL,
                                     T0, NULL, NULL, 0),
                     FK_OK);
    assert_int_equal(fk_limits_check(ls, &(struct fk_req){.method = "GET", .path = "/"}, b, NULL,
                                     T0, NULL, NULL, 0),
                     FK_OK);
    assert_int_equal(fk_limits_check(ls, &(struct fk_req){.method = "GET", .path = "/"}, a, NULL,
                                     T0, NULL, NULL, 0),
                     FK_ERANGE);
    fk_limits_free(ls);
}

static void test_eviction(void **state)
{
    (void)state; /* cmocka fixture, unused */
    struct fk_limits *ls = fk_limits_new();
    struct fk_error err = {{0}};
    char key[32];
    assert_int_equal(
        add(ls, "rate_limit", "{\"limit\":1,\"per_ms\":60000,\"key\":\"client\"}", &err), 0);
    for (int k = 0; k <= 10000; k++) { /* 10001 keys: k0 is dropped */
        snprintf(key, sizeof(key), "k%d", k);
        assert_false(hit(ls, NULL, key, NULL, NULL, 0));
    }
    assert_true(hit(ls, NULL, "k1", NULL, NULL, 0));  /* still there, now the newest */
    assert_false(hit(ls, NULL, "k0", NULL, NULL, 0)); /* forgotten: a full bucket again */
    assert_false(hit(ls, NULL, "k2", NULL, NULL, 0)); /* dropped to make room for k0 */
    assert_true(hit(ls, NULL, "k1", NULL, NULL, 0));
    cJSON *list = fk_limits_json(ls);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "keys")->valueint, 10000);
    cJSON_Delete(list);
    fk_limits_free(ls);
}

static void test_several_limits(void **state)
{
    (void)state; /* cmocka fixture, unused */
    struct fk_limits *ls = fk_limits_new();
    struct fk_error err = {{0}};
    char id[FK_ID_MAX + 1];
    long retry = 0;
    assert_int_equal(add(ls, "rate_limits",
                         "[{\"id\":\"wide\",\"limit\":3,\"per_ms\":60000},"
                         "{\"id\":\"post\",\"limit\":1,\"per_ms\":60000,\"match\":{\"method\":"
                         "\"POST\"}},"
                         "{\"id\":\"narrow\",\"limit\":1,\"per_ms\":60000}]",
                         &err),
                     0);
    struct fk_req get = h_make_req("GET", "/x");
    assert_int_equal(fk_limits_check(ls, &get, NULL, NULL, T0, &retry, id, sizeof(id)), FK_OK);
    /* narrow is empty now; wide has 2 left and is charged again */
    assert_int_equal(fk_limits_check(ls, &get, NULL, NULL, T0, &retry, id, sizeof(id)), FK_ERANGE);
    assert_string_equal(id, "narrow");
    assert_int_equal(fk_limits_check(ls, &get, NULL, NULL, T0, &retry, id, sizeof(id)), FK_ERANGE);
    assert_string_equal(id, "narrow");
    /* wide is empty too: the first empty limit refuses */
    assert_int_equal(fk_limits_check(ls, &get, NULL, NULL, T0, &retry, id, sizeof(id)), FK_ERANGE);
    assert_string_equal(id, "wide");
    assert_int_equal(retry, 20); /* 3 per minute: one token in 20 s */

    cJSON *list = fk_limits_json(ls);
    char *text = cJSON_PrintUnformatted(list);
    assert_string_equal(
        text, "[{\"id\":\"wide\",\"match\":{},\"limit\":3,\"per_ms\":60000,\"key\":\"global\","
              "\"retry_after_s\":null,\"matched\":4,\"refused\":1,\"keys\":1},"
              "{\"id\":\"post\",\"match\":{\"method\":\"POST\"},\"limit\":1,\"per_ms\":60000,"
              "\"key\":\"global\",\"retry_after_s\":null,\"matched\":0,\"refused\":0,\"keys\":0},"
              "{\"id\":\"narrow\",\"match\":{},\"limit\":1,\"per_ms\":60000,\"key\":\"global\","
              "\"retry_after_s\":null,\"matched\":4,\"refused\":2,\"keys\":1}]");
    cJSON_free(text);
    cJSON_Delete(list);
    fk_limits_free(ls);
}

static void test_ids(void **state)
{
    (void)state; /* cmocka fixture, unused */
    struct fk_limits *ls = fk_limits_new();
    struct fk_error err = {{0}};
    cJSON *added = NULL;
    struct fk_limit *parsed[1] = {NULL};
    cJSON *json = cJSON_Parse("[{\"limit\":1,\"per_ms\":1},{\"id\":\"limit-2\",\"limit\":1,"
                              "\"per_ms\":1},{\"limit\":1,\"per_ms\":1}]");

    assert_int_equal(fk_limits_add_json(ls, json, "rate_limits", &added, &err), 0);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(added, 0), "id")->valuestring,
                        "limit-1");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(added, 2), "id")->valuestring,
                        "limit-3");
    cJSON_Delete(added);

    /* a duplicate of an existing id, through the parsed-limit entry point */
    assert_int_equal(
        fk_limit_parse(cJSON_GetArrayItem(json, 1), "x.rate_limits[4]", &parsed[0], &err), 0);
    assert_int_equal(fk_limits_add(ls, parsed, 1, &err), FK_EEXIST);
    assert_string_equal(err.msg, "x.rate_limits[4].id: duplicate id 'limit-2'");
    fk_limit_free(parsed[0]); /* still ours after a failure */

    assert_int_equal(fk_limits_remove(ls, "limit-2"), 0);
    assert_int_equal(fk_limits_remove(ls, "limit-2"), FK_ENOTFOUND);
    fk_limits_clear(ls);
    assert_int_equal(add(ls, "rate_limit", "{\"limit\":1,\"per_ms\":1}", &err), 0);
    cJSON *list = fk_limits_json(ls);
    assert_int_equal(cJSON_GetArraySize(list), 1);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "id")->valuestring,
                        "limit-1");
    cJSON_Delete(list);
    cJSON_Delete(json);
    fk_limits_free(ls);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_errors),       cmocka_unit_test(test_refill),
        cmocka_unit_test(test_retry_after),        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_long_keys_distinct), cmocka_unit_test(test_eviction),
        cmocka_unit_test(test_several_limits),     cmocka_unit_test(test_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
