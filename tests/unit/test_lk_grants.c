/* test_lk_grants.c: livekit-server's token checks: which tokens pass the middleware, the
 * exact plain-text 401 bodies of those that do not, and the sip.admin grant. Sources:
 * livekit/livekit pkg/service/auth.go:63-117 (788d4c3), livekit/protocol auth/verifier.go
 * (17c16cf), golang-jwt/jwt v5.3.1 parser.go, validator.go and errors.go, whose wording the
 * bodies carry after "invalid authorization token: ". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_livekit/grants.h"
#include "fakekit/jwt.h"

#define NOW 1795495826

/* golang-jwt's errors as livekit-server wraps them (auth.go:98). */
#define BAD_SIGNATURE                                                                              \
    "invalid authorization token: token signature is invalid: signature is invalid"
#define INVALID_CLAIMS "invalid authorization token: token has invalid claims: "

static bool lookup(void *ctx, const char *key, char *secret, size_t secretlen)
{
    (void)ctx; /* one fixed key pair */
    if (strcmp(key, "devkey") != 0)
        return false;
    snprintf(secret, secretlen, "%s", "secret");
    return true;
}

/* A token as the SDK signs it: {"video":{},"sip":{...},"iss":..,"exp":..,"nbf":..}. */
static char *token(const char *iss, const char *secret, long exp_off, bool with_exp,
                   const char *sip_json)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToObject(c, "video", cJSON_CreateObject());
    if (sip_json)
        cJSON_AddItemToObject(c, "sip", cJSON_Parse(sip_json));
    if (iss)
        cJSON_AddStringToObject(c, "iss", iss);
    if (with_exp)
        cJSON_AddNumberToObject(c, "exp", NOW + exp_off);
    cJSON_AddNumberToObject(c, "nbf", NOW - 5);
    char *t = fk_jwt_sign(c, secret, false);
    cJSON_Delete(c);
    return t;
}

/* Replace the signature (after the last '.') of dst with that of src; same length. */
static void swap_signature(char *dst, const char *src)
{
    char *d = strrchr(dst, '.');
    const char *s = strrchr(src, '.');
    assert_int_equal(strlen(d), strlen(s));
    memcpy(d, s, strlen(s));
}

struct auth_case {
    const char *name;
    const char *header_prefix; /* NULL: no Authorization header */
    const char *iss;
    const char *secret;
    long exp_off;
    bool with_exp;
    const char *sip;
    bool tamper;
    enum lk_auth_result want;
    const char *want_text; /* LK_AUTH_REJECT body */
    bool want_admin;
};

static const struct auth_case cases[] = {
    {"valid admin", "Bearer ", "devkey", "secret", 600, true, "{\"admin\":true}", false,
     LK_AUTH_TOKEN, NULL, true},
    {"no grant", "Bearer ", "devkey", "secret", 600, true, NULL, false, LK_AUTH_TOKEN, NULL, false},
    {"call grant only", "Bearer ", "devkey", "secret", 600, true, "{\"call\":true}", false,
     LK_AUTH_TOKEN, NULL, false},
    {"admin false", "Bearer ", "devkey", "secret", 600, true, "{\"admin\":false}", false,
     LK_AUTH_TOKEN, NULL, false},
    {"no header", NULL, NULL, NULL, 0, false, NULL, false, LK_AUTH_NONE, NULL, false},
    {"not bearer", "Basic ", "devkey", "secret", 600, true, "{\"admin\":true}", false,
     LK_AUTH_REJECT, "invalid authorization header. Must start with Bearer ", false},
    {"lower-case bearer", "bearer ", "devkey", "secret", 600, true, "{\"admin\":true}", false,
     LK_AUTH_REJECT, "invalid authorization header. Must start with Bearer ", false},
    {"unknown key", "Bearer ", "other", "secret", 600, true, "{\"admin\":true}", false,
     LK_AUTH_REJECT, "invalid API key", false},
    {"no iss", "Bearer ", NULL, "secret", 600, true, "{\"admin\":true}", false, LK_AUTH_REJECT,
     "invalid API key", false},
    {"wrong secret", "Bearer ", "devkey", "nope", 600, true, "{\"admin\":true}", false,
     LK_AUTH_REJECT, BAD_SIGNATURE, false},
    {"tampered payload", "Bearer ", "devkey", "secret", 600, true, "{\"admin\":true}", true,
     LK_AUTH_REJECT, BAD_SIGNATURE, false},
    {"expired beyond leeway (validator.go verifyExpiresAt)", "Bearer ", "devkey", "secret", -60,
     true, "{\"admin\":true}", false, LK_AUTH_REJECT, INVALID_CLAIMS "token is expired", false},
    {"expired within leeway", "Bearer ", "devkey", "secret", -30, true, "{\"admin\":true}", false,
     LK_AUTH_TOKEN, NULL, true},
    {"no exp (verifier.go:84 WithExpirationRequired)", "Bearer ", "devkey", "secret", 0, false,
     "{\"admin\":true}", false, LK_AUTH_REJECT,
     INVALID_CLAIMS "token is missing required claim: exp claim is required", false},
};

static void auth_cases(void **state)
{
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct auth_case *c = &cases[i];
        char header[2048] = "";
        struct lk_auth a;
        if (c->header_prefix) {
            char *t = token(c->iss, c->secret, c->exp_off, c->with_exp, c->sip);
            assert_non_null(t);
            if (c->tamper) {
                /* The payload of this token with the signature of one without grants: valid
                 * JSON, so only the signature check can catch it. */
                char *plain = token(c->iss, c->secret, c->exp_off, c->with_exp, NULL);
                swap_signature(t, plain);
                free(plain);
            }
            snprintf(header, sizeof(header), "%s%s", c->header_prefix, t);
            free(t);
        }
        lk_auth_check(c->header_prefix ? header : NULL, NULL, NOW, lookup, NULL, &a);
        if (a.result != c->want || (c->want_text && strncmp(a.text, c->want_text, 20) != 0))
            fail_msg("%s: result %d, want %d (%s)", c->name, a.result, c->want, a.text);
        if (c->want_text)
            assert_string_equal(a.text, c->want_text);
        if (lk_auth_has_grant(&a, "admin") != c->want_admin)
            fail_msg("%s: admin grant mismatch", c->name);
        lk_auth_cleanup(&a);
    }
}

static void query_token_used_without_header(void **state)
{
    struct lk_auth a;
    char *t = token("devkey", "secret", 600, true, "{\"admin\":true}");
    (void)state; /* no fixture */
    lk_auth_check(NULL, t, NOW, lookup, NULL, &a);
    assert_int_equal(a.result, LK_AUTH_TOKEN);
    assert_true(lk_auth_has_grant(&a, "admin"));
    lk_auth_cleanup(&a);
    lk_auth_check(NULL, "garbage", NOW, lookup, NULL, &a);
    assert_int_equal(a.result, LK_AUTH_REJECT);
    assert_string_equal(a.text, "invalid authorization token");
    free(t);
}

static void issuer_for_rate_limits(void **state)
{
    char iss[64], header[1024];
    char *t = token("devkey", "whatever", 600, true, NULL);
    (void)state; /* no fixture */
    snprintf(header, sizeof(header), "Bearer %s", t);
    assert_true(lk_token_issuer(header, iss, sizeof(iss)));
    assert_string_equal(iss, "devkey");
    assert_false(lk_token_issuer("Basic abc", iss, sizeof(iss)));
    assert_false(lk_token_issuer(NULL, iss, sizeof(iss)));
    free(t);
}

/* The key table as the test's ctx: one key, whose secret the test changes or removes. */
static bool lookup_ctx(void *ctx, const char *key, char *secret, size_t secretlen)
{
    const char *current = *(const char **)ctx;
    if (current == NULL || strcmp(key, "devkey") != 0)
        return false;
    snprintf(secret, secretlen, "%s", current);
    return true;
}

/* A token seen before is remembered, yet every check still sees the time, the key and its
 * secret as they are now: the same answers as a first-time check, in the same order. */
static void remembered_token_rechecked(void **state)
{
    static const struct {
        long now_off;     /* now - NOW */
        const char *key;  /* the key's secret now; NULL: the key is gone */
        const char *text; /* NULL: accepted with the admin grant */
    } steps[] = {
        {0, "secret", NULL},
        {0, "secret", NULL},        /* again: from the cache */
        {600 + 59, "secret", NULL}, /* exp passed, within the leeway */
        {600 + 60, "secret", INVALID_CLAIMS "token is expired"},
        {-5 - 61, "secret", INVALID_CLAIMS "token is not valid yet"},
        {-5 - 60, "secret", NULL},
        {0, NULL, "invalid API key"},
        {0, "rotated", BAD_SIGNATURE},
        {0, "secret", NULL},
    };
    char *t = token("devkey", "secret", 600, true, "{\"admin\":true,\"call\":true}");
    char header[1024], iss[64];
    const char *current = NULL;

    (void)state; /* no fixture */
    assert_non_null(t);
    snprintf(header, sizeof(header), "Bearer %s", t);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        struct lk_auth a;
        current = steps[i].key;
        lk_auth_check(header, NULL, NOW + steps[i].now_off, lookup_ctx, &current, &a);
        if (steps[i].text == NULL) {
            if (a.result != LK_AUTH_TOKEN)
                fail_msg("step %zu: result %d (%s)", i, a.result, a.text);
            assert_true(lk_auth_has_grant(&a, "admin"));
            assert_true(lk_auth_has_grant(&a, "call"));
        } else {
            assert_int_equal(a.result, LK_AUTH_REJECT);
            assert_string_equal(a.text, steps[i].text);
            assert_false(lk_auth_has_grant(&a, "admin"));
        }
        lk_auth_cleanup(&a);
    }
    assert_true(lk_token_issuer(header, iss, sizeof(iss)));
    assert_string_equal(iss, "devkey");
    lk_auth_cache_clear();
    assert_true(lk_token_issuer(header, iss, sizeof(iss)));
    assert_string_equal(iss, "devkey");
    free(t);
}

/* A token with this header and payload (JSON texts) and a signature that verifies nothing:
 * every case below fails before the signature is looked at. */
static char *raw_token(const char *header, const char *payload)
{
    char *h = fk_base64url_encode((const unsigned char *)header, strlen(header));
    char *p = fk_base64url_encode((const unsigned char *)payload, strlen(payload));
    assert_non_null(h);
    assert_non_null(p);
    size_t n = strlen(h) + strlen(p) + 8;
    char *t = malloc(n);
    assert_non_null(t);
    snprintf(t, n, "%s.%s.c2ln", h, p);
    free(h);
    free(p);
    return t;
}

/* golang-jwt's order: parse without the key (any failure: the bare text), find the key, then
 * method, signature, claims (parser.go ParseWithClaims). */
static void golang_jwt_wording(void **state)
{
    static const struct {
        const char *header, *payload, *want;
    } raw_cases[] = {
        /* parser.go:64: a method other than the allowed HS256 (verifier.go:27), before the
         * signature is looked at. */
        {"{\"alg\":\"HS512\"}", "{\"iss\":\"devkey\",\"exp\":1795496426}",
         "invalid authorization token: token signature is invalid: signing method HS512 is "
         "invalid"},
        {"{\"alg\":\"none\"}", "{\"iss\":\"devkey\",\"exp\":1795496426}",
         "invalid authorization token: token signature is invalid: signing method none is "
         "invalid"},
        /* parser.go:170: an alg golang-jwt does not know fails ParseUnverified (auth.go:86). */
        {"{\"alg\":\"XX1\"}", "{\"iss\":\"devkey\"}", "invalid authorization token"},
        {"{}", "{\"iss\":\"devkey\"}", "invalid authorization token"},
        /* jwt.RegisteredClaims: iss must be a string, exp a NumericDate. */
        {"{\"alg\":\"HS256\"}", "{\"iss\":5}", "invalid authorization token"},
        {"{\"alg\":\"HS256\"}", "{\"iss\":\"devkey\",\"exp\":\"soon\"}",
         "invalid authorization token"},
        {"{\"alg\":\"HS256\"}", "{\"iss\":\"devkey\",\"aud\":[1]}", "invalid authorization token"},
        /* json.Number.Float64 fails on a number past float64 (types.go UnmarshalJSON). */
        {"{\"alg\":\"HS256\"}", "{\"iss\":\"devkey\",\"exp\":1e400}",
         "invalid authorization token"},
        /* The key is looked up before anything is verified (auth.go:90). */
        {"{\"alg\":\"HS512\"}", "{\"iss\":\"other\"}", "invalid API key"},
        {"{\"alg\":\"HS256\"}", "null", "invalid API key"},
        {"{\"alg\":\"HS256\"}", "{\"iss\":\"devkey\"} x", "invalid authorization token"},
    };
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(raw_cases) / sizeof(raw_cases[0]); i++) {
        struct lk_auth a;
        char *t = raw_token(raw_cases[i].header, raw_cases[i].payload);
        lk_auth_check(NULL, t, NOW, lookup, NULL, &a);
        if (a.result != LK_AUTH_REJECT || strcmp(a.text, raw_cases[i].want) != 0)
            fail_msg("case %zu: %d \"%s\", want \"%s\"", i, a.result, a.text, raw_cases[i].want);
        lk_auth_cleanup(&a);
        free(t);
    }
}

/* Signed tokens whose claims golang-jwt reads its own way (validator.go Validate). */
static void golang_jwt_claims(void **state)
{
    static const struct {
        const char *claims, *want; /* want NULL: accepted */
    } claim_cases[] = {
        /* NumericDate takes a JSON string holding a number (json.Number). */
        {"{\"iss\":\"devkey\",\"exp\":\"1795496426\"}", NULL},
        /* exp is truncated to the second: 1795495766.9 + 60 s is not after NOW. */
        {"{\"iss\":\"devkey\",\"exp\":1795495766.9}", INVALID_CLAIMS "token is expired"},
        {"{\"iss\":\"devkey\",\"exp\":1795495767}", NULL},
        /* Every failed claim, joined by ", " (errors.go joinedError). */
        {"{\"iss\":\"devkey\",\"exp\":1,\"nbf\":1795499999}",
         INVALID_CLAIMS "token is expired, token is not valid yet"},
        {"{\"iss\":\"devkey\",\"nbf\":1795499999}",
         INVALID_CLAIMS "token is missing required claim: exp claim is required, token is not "
                        "valid yet"},
        {"{\"iss\":\"devkey\",\"exp\":null}",
         INVALID_CLAIMS "token is missing required claim: exp claim is required"},
        /* types.go newNumericDateFromSeconds: int64(round) of a value past int64 is
         * math.MinInt64 on amd64, a date long past: expired; the same nbf is no bar. */
        {"{\"iss\":\"devkey\",\"exp\":1e300}", INVALID_CLAIMS "token is expired"},
        {"{\"iss\":\"devkey\",\"exp\":9223372036854775808}", INVALID_CLAIMS "token is expired"},
        {"{\"iss\":\"devkey\",\"exp\":-1e300}", INVALID_CLAIMS "token is expired"},
        {"{\"iss\":\"devkey\",\"exp\":1795496426,\"nbf\":1e300}", NULL},
    };
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(claim_cases) / sizeof(claim_cases[0]); i++) {
        struct lk_auth a;
        cJSON *c = cJSON_Parse(claim_cases[i].claims);
        assert_non_null(c);
        char *t = fk_jwt_sign(c, "secret", false);
        lk_auth_check(NULL, t, NOW, lookup, NULL, &a);
        if (claim_cases[i].want
                ? a.result != LK_AUTH_REJECT || strcmp(a.text, claim_cases[i].want) != 0
                : a.result != LK_AUTH_TOKEN)
            fail_msg("case %zu: %d \"%s\"", i, a.result, a.text);
        lk_auth_cleanup(&a);
        cJSON_Delete(c);
        free(t);
    }
    lk_auth_cache_clear();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golang_jwt_wording),
        cmocka_unit_test(golang_jwt_claims),
        cmocka_unit_test(auth_cases),
        cmocka_unit_test(query_token_used_without_header),
        cmocka_unit_test(issuer_for_rate_limits),
        cmocka_unit_test(remembered_token_rechecked),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    lk_auth_cache_clear();
    return rc;
}
