/* test_match.c: path globs, the request matcher and its parse errors (fakekit/match.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/match.h"

static const struct {
    const char *pattern;
    const char *path;
    bool want;
} glob_cases[] = {
    {"/a/b", "/a/b", true},
    {"/a/b", "/a/c", false},
    {"/a/b", "/a/b/c", false},
    {"/a/b", "/a", false},
    /* '*' is one segment, or a part of one */
    {"/a/*", "/a/b", true},
    {"/a/*", "/a/b/c", false},
    {"/a/*/c", "/a/b/c", true},
    {"/a/*/c", "/a/c", false},
    {"/a/*/c", "/a/x/y/c", false},
    {"/Accounts/*/IncomingPhoneNumbers.json", "/Accounts/AC123/IncomingPhoneNumbers.json", true},
    {"/Accounts/*/IncomingPhoneNumbers.json", "/Accounts/AC1/x/IncomingPhoneNumbers.json", false},
    {"/a/*.json", "/a/Local.json", true},
    {"/a/*.json", "/a/Local.xml", false},
    {"/a/*.json", "/a/.json", true},
    {"/a/L*l.json", "/a/Local.json", true},
    {"/a/L*l.json", "/a/Lx/l.json", false},
    {"/a/*a*b", "/a/aaab", true},
    {"/a/*a*b", "/a/aaac", false},
    /* '**' is zero or more segments */
    {"/a/**", "/a", true},
    {"/a/**", "/a/b", true},
    {"/a/**", "/a/b/c/d", true},
    {"/a/**", "/ab", false},
    {"/a/**/d", "/a/d", true},
    {"/a/**/d", "/a/b/d", true},
    {"/a/**/d", "/a/b/c/d", true},
    {"/a/**/d", "/a/b/c/e", false},
    {"/a/**/d", "/a/b/cd", false},
    {"/**", "/", true},
    {"/**", "/anything/at/all", true},
    {"**", "/x/y", true},
    {"/**/*.json", "/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json", true},
    {"/**/*.json", "/x.json", true},
    {"/**/*.json", "/a/b.xml", false},
    {"/a/**/b/**/c", "/a/x/b/y/z/c", true},
    {"/a/**/b/**/c", "/a/x/y/c", false},
    /* a trailing slash is an (empty) segment of its own */
    {"/a/b", "/a/b/", false},
    {"/a/b/", "/a/b", false},
    {"/a/b/", "/a/b/", true},
    {"/a/*", "/a/", true},
    {"/a/*", "/a", false},
    {"/a/**", "/a/", true},
    {"/a/b/**", "/a/b/", true},
    /* edge cases */
    {"", "", true},
    {"", "/", false},
    {"/", "/", true},
    {"*", "", true},
    {"/twirp/livekit.SIP/*", "/twirp/livekit.SIP/CreateSIPInboundTrunk", true},
};

static void test_glob_table(void **state)
{
    (void)state; /* cmocka fixture, unused */
    for (size_t i = 0; i < sizeof(glob_cases) / sizeof(glob_cases[0]); i++) {
        bool got = fk_glob_match(glob_cases[i].pattern, glob_cases[i].path);
        if (got != glob_cases[i].want) {
            fail_msg("glob '%s' vs '%s': got %d, want %d", glob_cases[i].pattern,
                     glob_cases[i].path, got, glob_cases[i].want);
        }
    }
}

/* A request as the server would hand it over. */
static const struct fk_kv req_headers[] = {
    {"Content-Type", "application/x-www-form-urlencoded"},
    {"X-Case", "a"},
};
static const struct fk_kv req_args[] = {{"PageSize", "5"}, {"AreaCode", "415"}};
static const char req_body[] = "PhoneNumber=%2B15005550006&FriendlyName=job";

static struct fk_req make_req(const char *method, const char *path)
{
    struct fk_req r;
    memset(&r, 0, sizeof(r));
    r.method = method;
    r.path = path;
    r.query = "PageSize=5&AreaCode=415";
    r.body = req_body;
    r.body_len = sizeof(req_body) - 1;
    r.headers = req_headers;
    r.nheaders = 2;
    r.args = req_args;
    r.nargs = 2;
    r.remote = "127.0.0.1";
    return r;
}

static const struct {
    const char *match;
    const char *method;
    const char *path;
    bool want;
} match_cases[] = {
    {NULL, "GET", "/x", true},
    {"{}", "GET", "/x", true},
    {"{\"method\":\"POST\"}", "POST", "/x", true},
    {"{\"method\":\"post\"}", "POST", "/x", true},
    {"{\"method\":\"POST\"}", "GET", "/x", false},
    {"{\"path\":\"/a/*\"}", "GET", "/a/b", true},
    {"{\"path\":\"/a/*\"}", "GET", "/b/b", false},
    {"{\"query\":{\"PageSize\":\"5\"}}", "GET", "/x", true},
    {"{\"query\":{\"PageSize\":\"5\",\"AreaCode\":\"415\"}}", "GET", "/x", true},
    {"{\"query\":{\"PageSize\":\"6\"}}", "GET", "/x", false},
    {"{\"query\":{\"pagesize\":\"5\"}}", "GET", "/x", false},
    {"{\"query\":{\"Missing\":\"\"}}", "GET", "/x", false},
    {"{\"headers\":{\"x-case\":\"a\"}}", "GET", "/x", true},
    {"{\"headers\":{\"X-Case\":\"A\"}}", "GET", "/x", false},
    {"{\"headers\":{\"X-Other\":\"a\"}}", "GET", "/x", false},
    {"{\"body_contains\":\"PhoneNumber\"}", "POST", "/x", true},
    {"{\"body_contains\":\"%2B15005550006\"}", "POST", "/x", true},
    {"{\"body_contains\":\"phonenumber\"}", "POST", "/x", false},
    {"{\"method\":\"POST\",\"path\":\"/a/**\",\"query\":{\"PageSize\":\"5\"},"
     "\"headers\":{\"X-Case\":\"a\"},\"body_contains\":\"job\"}",
     "POST", "/a/b/c", true},
    {"{\"method\":\"POST\",\"path\":\"/a/**\",\"query\":{\"PageSize\":\"5\"},"
     "\"headers\":{\"X-Case\":\"a\"},\"body_contains\":\"nope\"}",
     "POST", "/a/b/c", false},
};

static void test_match_table(void **state)
{
    (void)state; /* cmocka fixture, unused */
    for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
        struct fk_error err = {{0}};
        struct fk_match m;
        cJSON *json = match_cases[i].match ? cJSON_Parse(match_cases[i].match) : NULL;
        if (match_cases[i].match) {
            assert_non_null(json);
        }
        assert_int_equal(fk_match_parse(json, "m", &m, &err), 0);
        struct fk_req req = make_req(match_cases[i].method, match_cases[i].path);
        bool got = fk_match_test(&m, &req);
        if (got != match_cases[i].want) {
            fail_msg("case %zu (%s): got %d", i, match_cases[i].match, got);
        }
        fk_match_cleanup(&m);
        cJSON_Delete(json);
    }
}

static void test_match_body_with_nul(void **state)
{
    (void)state; /* cmocka fixture, unused */
    static const char body[] = "ab\0cd";
    struct fk_error err = {{0}};
    struct fk_match m;
    cJSON *json = cJSON_Parse("{\"body_contains\":\"cd\"}");
    struct fk_req req = make_req("POST", "/x");
    req.body = body;
    req.body_len = sizeof(body) - 1;
    assert_int_equal(fk_match_parse(json, "m", &m, &err), 0);
    assert_true(fk_match_test(&m, &req));
    fk_match_cleanup(&m);
    cJSON_Delete(json);
}

static const struct {
    const char *json;
    const char *msg;
} parse_errors[] = {
    {"{\"method\":1}", "faults[2].match.method: expected a string"},
    {"{\"path\":[]}", "faults[2].match.path: expected a string"},
    {"{\"query\":\"PageSize=5\"}", "faults[2].match.query: expected an object"},
    {"{\"query\":{\"PageSize\":5}}", "faults[2].match.query.PageSize: expected a string"},
    {"{\"headers\":{\"X-Case\":null}}", "faults[2].match.headers.X-Case: expected a string"},
    {"{\"body_contains\":true}", "faults[2].match.body_contains: expected a string"},
    {"{\"verb\":\"GET\"}", "faults[2].match.verb: unknown key"},
    {"[1]", "faults[2].match: expected an object"},
};

static void test_match_parse_errors(void **state)
{
    (void)state; /* cmocka fixture, unused */
    for (size_t i = 0; i < sizeof(parse_errors) / sizeof(parse_errors[0]); i++) {
        struct fk_error err = {{0}};
        struct fk_match m;
        cJSON *json = cJSON_Parse(parse_errors[i].json);
        assert_non_null(json);
        assert_int_equal(fk_match_parse(json, "faults[2].match", &m, &err), FK_EINVAL);
        assert_string_equal(err.msg, parse_errors[i].msg);
        /* left empty: matches anything, cleanup is a no-op */
        assert_null(m.method);
        assert_int_equal(m.nquery, 0);
        fk_match_cleanup(&m);
        cJSON_Delete(json);
    }
}

static void test_match_json_round_trip(void **state)
{
    (void)state; /* cmocka fixture, unused */
    const char *text = "{\"method\":\"POST\",\"path\":\"/a/*\",\"query\":{\"PageSize\":\"5\"},"
                       "\"headers\":{\"X-Case\":\"a\"},\"body_contains\":\"x\"}";
    struct fk_error err = {{0}};
    struct fk_match m;
    cJSON *json = cJSON_Parse(text);
    assert_int_equal(fk_match_parse(json, "m", &m, &err), 0);
    cJSON *out = fk_match_json(&m);
    assert_non_null(out);
    char *printed = cJSON_PrintUnformatted(out);
    assert_string_equal(printed, text);
    cJSON_free(printed);
    cJSON_Delete(out);
    fk_match_cleanup(&m);
    cJSON_Delete(json);

    assert_int_equal(fk_match_parse(NULL, "m", &m, &err), 0);
    out = fk_match_json(&m);
    printed = cJSON_PrintUnformatted(out);
    assert_string_equal(printed, "{}");
    cJSON_free(printed);
    cJSON_Delete(out);
    fk_match_cleanup(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glob_table),
        cmocka_unit_test(test_match_table),
        cmocka_unit_test(test_match_body_with_nul),
        cmocka_unit_test(test_match_parse_errors),
        cmocka_unit_test(test_match_json_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
