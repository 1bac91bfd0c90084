/* test_sb_keys.c: the cache of verified tokens behind sb_authorize.
 *
 * A token that verified once is not HMAC'd again, but its exp and nbf must still be checked
 * on every request, against the (fakeable) clock: a cached token that has expired since must
 * be refused with PostgREST's exact PGRST303, one not yet valid must stay refused until its
 * nbf, and another secret must not accept what the old one verified. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_supabase/gotrue_int.h"
#include "fakekit/clock.h"
#include "fakekit/config.h"
#include "fakekit/jwt.h"

#define T0 1900000000LL /* the frozen "now", seconds */

static int setup(void **state)
{
    struct fk_error err = {{0}};

    (void)state; /* the keys and the cache are process-wide */
    fk_clock_set(T0 * 1000000);
    return sb_auth_init(&err);
}

static int teardown(void **state)
{
    (void)state; /* the keys and the cache are process-wide */
    sb_auth_fini();
    fk_clock_set(0);
    return 0;
}

/* A user token with exp (and nbf when non-zero) signed with secret; caller frees. */
static char *user_token(long long exp, long long nbf, const char *sub, const char *secret)
{
    cJSON *c = cJSON_CreateObject();
    char *tok;

    cJSON_AddStringToObject(c, "sub", sub);
    cJSON_AddStringToObject(c, "role", "authenticated");
    cJSON_AddNumberToObject(c, "exp", (double)exp);
    if (nbf != 0)
        cJSON_AddNumberToObject(c, "nbf", (double)nbf);
    tok = fk_jwt_sign(c, secret, true);
    cJSON_Delete(c);
    return tok;
}

/* sb_authorize with the anon key and Bearer tok at time now (seconds). Returns the status
 * (0 when authorized); who and the error body's code are filled in. */
static unsigned authorize_at(long long now, const char *tok, struct sb_caller *who, char *code,
                             size_t codelen)
{
    char auth[2048];
    struct fk_kv h[2] = {{"apikey", sb_anon_key()}, {"Authorization", auth}};
    struct fk_req req = {.method = "GET", .path = "/rest/v1/t", .query = "", .body = ""};
    struct fk_resp resp;
    unsigned status;

    fk_clock_set(now * 1000000);
    snprintf(auth, sizeof auth, "Bearer %s", tok);
    req.headers = h;
    req.nheaders = 2;
    fk_resp_init(&resp);
    memset(who, 0, sizeof *who);
    code[0] = '\0';
    if (sb_authorize(&req, &resp, true, who) == 0) {
        status = 0;
    } else {
        cJSON *body = cJSON_Parse(resp.body != NULL ? resp.body : "");
        const char *c = cJSON_GetStringValue(cJSON_GetObjectItem(body, "code"));
        snprintf(code, codelen, "%s", c != NULL ? c : "");
        cJSON_Delete(body);
        status = resp.status;
    }
    fk_resp_cleanup(&resp);
    return status;
}

static void test_times_checked_every_use(void **state)
{
    /* One token, used again and again as the clock moves: nbf T0+50, exp T0+100. */
    static const struct {
        long long at;
        unsigned status;
        const char *code;
    } uses[] = {
        {T0, 401, "PGRST301"},      /* not yet valid: never cached */
        {T0 + 50, 0, ""},           /* valid: verified and cached */
        {T0 + 60, 0, ""},           /* cached */
        {T0 + 10, 401, "PGRST301"}, /* clock back before nbf: refused although cached */
        {T0 + 99, 0, ""},
        {T0 + 100, 401, "PGRST303"}, /* exp <= now: expired */
        {T0 + 5000, 401, "PGRST303"},
        {T0 + 70, 0, ""}, /* valid again at that time */
    };
    char *tok =
        user_token(T0 + 100, T0 + 50, "11111111-2222-4333-8444-555555555555", SB_DEFAULT_SECRET);
    struct sb_caller who;
    char code[32];

    (void)state; /* table-driven */
    for (size_t i = 0; i < sizeof uses / sizeof uses[0]; i++) {
        unsigned st = authorize_at(uses[i].at, tok, &who, code, sizeof code);
        if (st != uses[i].status || strcmp(code, uses[i].code) != 0)
            fail_msg("use %zu at T0%+lld: %u %s, want %u %s", i, uses[i].at - T0, st, code,
                     uses[i].status, uses[i].code);
        if (st == 0) {
            assert_int_equal(who.role, SB_ROLE_AUTHENTICATED);
            assert_string_equal(who.sub, "11111111-2222-4333-8444-555555555555");
        }
    }
    free(tok);
}

static void test_many_tokens(void **state)
{
    /* More distinct tokens than the cache holds, twice over: each keeps its own sub. */
    char *toks[40];
    struct sb_caller who;
    char code[32], sub[64];

    (void)state; /* no fixture beyond setup */
    for (size_t i = 0; i < 40; i++) {
        snprintf(sub, sizeof sub, "user-%zu", i);
        toks[i] = user_token(T0 + 1000, 0, sub, SB_DEFAULT_SECRET);
        assert_non_null(toks[i]);
    }
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < 40; i++) {
            size_t k = round == 0 ? i : 39 - i;
            snprintf(sub, sizeof sub, "user-%zu", k);
            assert_int_equal(authorize_at(T0, toks[k], &who, code, sizeof code), 0);
            assert_string_equal(who.sub, sub);
            assert_int_equal(who.role, SB_ROLE_AUTHENTICATED);
        }
    }
    for (size_t i = 0; i < 40; i++)
        free(toks[i]);
}

static void test_other_secret(void **state)
{
    static const char *const other[] = {"prog", "--jwt-secret",
                                        "another-secret-of-32-characters!!"};
    static const char *const back[] = {"prog", "--jwt-secret", SB_DEFAULT_SECRET};
    const struct fk_option *tables[] = {sb_auth_options, NULL};
    struct fk_error err = {{0}};
    bool help = false, version = false;
    char *tok = user_token(T0 + 1000, 0, "u", SB_DEFAULT_SECRET);
    struct sb_caller who;
    char code[32];

    (void)state; /* restores the default secret at the end */
    assert_int_equal(authorize_at(T0, tok, &who, code, sizeof code), 0); /* cached */
    assert_int_equal(fk_config_parse(tables, 3, (char **)other, &help, &version, &err), 0);
    assert_int_equal(sb_auth_init(&err), 0);
    /* the anon key is re-signed too, so the apikey passes; the old Bearer must not */
    assert_int_equal(authorize_at(T0, tok, &who, code, sizeof code), 401);
    assert_string_equal(code, "PGRST301");
    assert_int_equal(fk_config_parse(tables, 3, (char **)back, &help, &version, &err), 0);
    assert_int_equal(sb_auth_init(&err), 0);
    assert_int_equal(authorize_at(T0, tok, &who, code, sizeof code), 0);
    free(tok);
}

static void test_tampered_never_cached(void **state)
{
    char *tok = user_token(T0 + 1000, 0, "u", SB_DEFAULT_SECRET);
    char *bad = strdup(tok);
    size_t n = strlen(bad);
    struct sb_caller who;
    char code[32];

    (void)state; /* no fixture beyond setup */
    bad[n - 2] = bad[n - 2] == 'A' ? 'B' : 'A';
    assert_int_equal(authorize_at(T0, tok, &who, code, sizeof code), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(authorize_at(T0, bad, &who, code, sizeof code), 401);
        assert_string_equal(code, "PGRST301");
    }
    free(tok);
    free(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_times_checked_every_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tampered_never_cached, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
