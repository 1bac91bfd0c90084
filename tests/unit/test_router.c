/* test_router.c: route patterns, captures and method precedence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/router.h"

static const struct {
    const char *pattern;
    const char *path;
    bool match;
    const char *cap0;
    const char *cap1;
} cases[] = {
    {"/a/b", "/a/b", true, NULL, NULL},
    {"/a/b", "/a/b/", false, NULL, NULL},
    {"/a/b", "/a", false, NULL, NULL},
    {"/", "/", true, NULL, NULL},
    {"/x/{id}", "/x/42", true, "42", NULL},
    {"/x/{id}", "/x/", false, NULL, NULL},
    {"/x/{id}", "/x/4/2", false, NULL, NULL},
    {"/A/{sid}/N/{pn}.json", "/A/AC1/N/PN2.json", true, "AC1", "PN2"},
    {"/A/{sid}/N/{pn}.json", "/A/AC1/N/.json", false, NULL, NULL},
    {"/A/{sid}/N/{pn}.json", "/A/AC1/N/PN2.xml", false, NULL, NULL},
    {"/N.json", "/N.json", true, NULL, NULL},
    {"/twirp/livekit.SIP/{m}", "/twirp/livekit.SIP/ListSIPInboundTrunk", true,
     "ListSIPInboundTrunk", NULL},
    {"/p-{x}-s", "/p-mid-s", true, "mid", NULL},
    {"/p-{x}-s", "/p--s", false, NULL, NULL},
};

static void test_patterns(void **state)
{
    (void)state; /* table-driven */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *params[FK_MAX_PATH_PARAMS];
        size_t n = 0;
        char scratch[128];
        bool m =
            fk_route_match(cases[i].pattern, cases[i].path, params, &n, scratch, sizeof(scratch));
        if (m != cases[i].match)
            fail_msg("%s vs %s: expected %d", cases[i].pattern, cases[i].path, cases[i].match);
        if (m && cases[i].cap0 != NULL)
            assert_string_equal(params[0], cases[i].cap0);
        if (m && cases[i].cap1 != NULL)
            assert_string_equal(params[1], cases[i].cap1);
    }
}

static int h1(const struct fk_req *req, struct fk_resp *resp)
{
    (void)req;
    (void)resp; /* identity is all the test needs */
    return 1;
}

static int h2(const struct fk_req *req, struct fk_resp *resp)
{
    (void)req;
    (void)resp; /* identity is all the test needs */
    return 2;
}

static const struct fk_route routes[] = {
    {"GET", "/r/{id}", h1},
    {"POST", "/r/{id}", h2},
    {"*", "/any", h1},
};

static void test_find_by_method(void **state)
{
    struct fk_req req = {.method = "POST", .path = "/r/7"};
    char scratch[64];
    bool known = false;

    (void)state; /* unused */
    const struct fk_route *r = fk_route_find(routes, 3, &req, scratch, sizeof(scratch), &known);
    assert_non_null(r);
    assert_ptr_equal(r->fn, h2);
    assert_int_equal(req.nparams, 1);
    assert_string_equal(req.params[0], "7");

    req.method = "DELETE";
    assert_null(fk_route_find(routes, 3, &req, scratch, sizeof(scratch), &known));
    assert_true(known); /* the path exists, the method does not */

    req.path = "/nowhere";
    assert_null(fk_route_find(routes, 3, &req, scratch, sizeof(scratch), &known));
    assert_false(known);

    req.method = "PATCH";
    req.path = "/any";
    assert_non_null(fk_route_find(routes, 3, &req, scratch, sizeof(scratch), &known));
}

static void test_scratch_too_small_is_no_match(void **state)
{
    const char *params[FK_MAX_PATH_PARAMS];
    size_t n = 0;
    char scratch[4];

    (void)state; /* unused */
    assert_false(fk_route_match("/x/{id}", "/x/123456789", params, &n, scratch, sizeof(scratch)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patterns),
        cmocka_unit_test(test_find_by_method),
        cmocka_unit_test(test_scratch_too_small_is_no_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
