/* test_jwt.c: HS256 sign/verify, the Supabase CLI's well-known keys, and every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/jwt.h"

/* docs/reference/supabase.md: the Supabase CLI local stack's secret and keys. */
#define SB_SECRET "super-secret-jwt-token-with-at-least-32-characters-long"
#define SB_ANON                                                                                    \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleH"  \
    "AiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0"
#define SB_SERVICE                                                                                 \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."                                                        \
    "eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9s"                                     \
    "ZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU"

#define NOW 1700000000LL

/* Build "b64(header).b64(payload).sig" from raw texts; caller frees. */
static char *make_token(const char *header, const char *payload, const char *sig)
{
    char *h = fk_base64url_encode((const unsigned char *)header, strlen(header));
    char *p = fk_base64url_encode((const unsigned char *)payload, strlen(payload));
    size_t n = strlen(h) + strlen(p) + strlen(sig) + 3;
    char *t = malloc(n);

    assert_non_null(h);
    assert_non_null(p);
    assert_non_null(t);
    snprintf(t, n, "%s.%s.%s", h, p, sig);
    free(h);
    free(p);
    return t;
}

/* Sign a payload given as JSON text. */
static char *sign_text(const char *payload, const char *secret, bool with_typ)
{
    cJSON *claims = cJSON_Parse(payload);
    char *t;

    assert_non_null(claims);
    t = fk_jwt_sign(claims, secret, with_typ);
    cJSON_Delete(claims);
    assert_non_null(t);
    return t;
}

static void sign_verify_round_trip(void **state)
{
    static const bool typs[] = {true, false};
    size_t i;

    (void)state; /* no fixture */
    for (i = 0; i < 2; i++) {
        char *t = sign_text("{\"sub\":\"u1\",\"role\":\"authenticated\",\"exp\":1700000100}",
                            "s3cret", typs[i]);
        cJSON *claims = NULL, *peeked = NULL;

        assert_int_equal(fk_jwt_verify(t, "s3cret", NOW, 0, true, &claims), FK_JWT_OK);
        assert_non_null(claims);
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(claims, "sub")), "u1");
        assert_int_equal(cJSON_GetNumberValue(cJSON_GetObjectItem(claims, "exp")), 1700000100);
        assert_int_equal(fk_jwt_peek(t, &peeked), FK_JWT_OK);
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(peeked, "role")),
                            "authenticated");
        /* Wrong secret, same token. */
        assert_int_equal(fk_jwt_verify(t, "other", NOW, 0, true, NULL), FK_JWT_BAD_SIGNATURE);
        cJSON_Delete(claims);
        cJSON_Delete(peeked);
        free(t);
    }
}

static void header_has_typ_only_when_asked(void **state)
{
    char *t1 = sign_text("{}", "k", true);
    char *t2 = sign_text("{}", "k", false);

    (void)state; /* no fixture */
    /* base64url of {"alg":"HS256","typ":"JWT"} and of {"alg":"HS256"} */
    assert_memory_equal(t1, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 37);
    assert_memory_equal(t2, "eyJhbGciOiJIUzI1NiJ9.", 21);
    free(t1);
    free(t2);
}

static void supabase_cli_keys_verify(void **state)
{
    static const struct {
        const char *token;
        const char *role;
    } cases[] = {{SB_ANON, "anon"}, {SB_SERVICE, "service_role"}};
    size_t i;

    (void)state; /* no fixture */
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *claims = NULL;

        assert_int_equal(fk_jwt_verify(cases[i].token, SB_SECRET, NOW, 0, true, &claims),
                         FK_JWT_OK);
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(claims, "role")),
                            cases[i].role);
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(claims, "iss")),
                            "supabase-demo");
        cJSON_Delete(claims);
        /* The keys expire in 2032: after that they are refused. */
        assert_int_equal(fk_jwt_verify(cases[i].token, SB_SECRET, 1983812996, 0, true, NULL),
                         FK_JWT_EXPIRED);
    }
}

static void tampered_payload_is_bad_signature(void **state)
{
    const char *sig = strrchr(SB_ANON, '.') + 1;
    char *t =
        make_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                   "{\"iss\":\"supabase-demo\",\"role\":\"service_role\",\"exp\":1983812996}", sig);
    cJSON *claims = (cJSON *)1; /* must be reset to NULL on failure */

    (void)state; /* no fixture */
    assert_int_equal(fk_jwt_verify(t, SB_SECRET, NOW, 0, true, &claims), FK_JWT_BAD_SIGNATURE);
    assert_null(claims);
    free(t);
}

struct time_case {
    const char *payload;
    int64_t now, leeway;
    bool require_exp;
    enum fk_jwt_status want;
};

static const struct time_case time_cases[] = {
    {"{\"exp\":1700000000}", NOW, 0, true, FK_JWT_EXPIRED},        /* exp == now is expired */
    {"{\"exp\":1700000001}", NOW, 0, true, FK_JWT_OK},             /* one second left */
    {"{\"exp\":1699999990}", NOW, 30, true, FK_JWT_OK},            /* saved by leeway */
    {"{\"exp\":1699999970}", NOW, 30, true, FK_JWT_EXPIRED},       /* leeway used up */
    {"{\"nbf\":1700000100}", NOW, 0, false, FK_JWT_NOT_YET_VALID}, /* nbf in the future */
    {"{\"nbf\":1700000100}", NOW, 100, false, FK_JWT_OK},          /* within leeway */
    {"{\"nbf\":1700000000}", NOW, 0, false, FK_JWT_OK},            /* nbf == now is valid */
    {"{}", NOW, 0, false, FK_JWT_OK},                              /* exp optional */
    {"{}", NOW, 0, true, FK_JWT_NO_EXP},                           /* exp required */
    {"{\"exp\":\"1800000000\"}", NOW, 0, true, FK_JWT_NO_EXP},     /* exp not a number */
    {"{\"exp\":1800000000,\"nbf\":\"x\"}", NOW, 0, true, FK_JWT_MALFORMED},
    {"{\"exp\":1.7000000005e9}", NOW, 0, true, FK_JWT_OK}, /* fractional exp */
};

static void time_claims(void **state)
{
    size_t i;

    (void)state; /* no fixture */
    for (i = 0; i < sizeof time_cases / sizeof time_cases[0]; i++) {
        const struct time_case *c = &time_cases[i];
        char *t = sign_text(c->payload, "k", true);
        cJSON *claims = NULL;
        enum fk_jwt_status st = fk_jwt_verify(t, "k", c->now, c->leeway, c->require_exp, &claims);

        if (st != c->want)
            print_error("case %zu (%s): got %d want %d\n", i, c->payload, st, c->want);
        assert_int_equal(st, c->want);
        assert_true((st == FK_JWT_OK) == (claims != NULL));
        cJSON_Delete(claims);
        free(t);
    }
}

static void other_algorithms_refused(void **state)
{
    static const char *const headers[] = {
        "{\"alg\":\"none\",\"typ\":\"JWT\"}",
        "{\"alg\":\"HS512\"}",
        "{\"alg\":\"RS256\"}",
        "{\"alg\":\"hs256\"}",
        "{\"typ\":\"JWT\"}",
        "{\"alg\":256}",
    };
    size_t i;

    (void)state; /* no fixture */
    for (i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        char *t = make_token(headers[i], "{\"exp\":1800000000}", "");
        cJSON *claims = NULL;

        assert_int_equal(fk_jwt_verify(t, "k", NOW, 0, true, &claims), FK_JWT_BAD_ALG);
        assert_null(claims);
        free(t);
    }
}

static void malformed_tokens(void **state)
{
    char *non_object = make_token("{\"alg\":\"HS256\"}", "[1,2]", "abc");
    char *bad_json = make_token("{\"alg\":\"HS256\"}", "{\"a\":", "abc");
    char *header_array = make_token("[]", "{}", "abc");
    char *trailing = make_token("{\"alg\":\"HS256\"}", "{} x", "abc");
    const char *const cases[] = {
        "",
        "a.b",
        "a.b.c.d",
        "...",
        ".eyJhIjoxfQ.sig",
        "eyJhbGciOiJIUzI1NiJ9..sig",
        "eyJhbGciOiJIUzI1NiJ9.e$J9.sig",   /* '$' is not base64url */
        "eyJhbGciOiJIUzI1NiJ9.eyJ9x.sig",  /* 5 chars: impossible length */
        "eyJhbGciOiJIUzI1NiJ9.e30===.sig", /* too much padding */
        "eyJhbGciOiJIUzI1NiJ9.e30.!!!",    /* signature not base64url */
        non_object,
        bad_json,
        header_array,
        trailing,
    };
    size_t i;

    (void)state; /* no fixture */
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *claims = NULL;
        enum fk_jwt_status st = fk_jwt_verify(cases[i], "k", NOW, 0, false, &claims);

        if (st != FK_JWT_MALFORMED)
            print_error("case %zu (%s): got %d\n", i, cases[i], st);
        assert_int_equal(st, FK_JWT_MALFORMED);
        assert_null(claims);
    }
    assert_int_equal(fk_jwt_verify(NULL, "k", NOW, 0, false, NULL), FK_JWT_MALFORMED);
    {
        cJSON *c = NULL;

        assert_int_equal(fk_jwt_peek("a.b", &c), FK_JWT_MALFORMED);
        assert_null(c);
        assert_int_equal(fk_jwt_peek(non_object, &c), FK_JWT_MALFORMED);
        assert_null(c);
    }
    free(non_object);
    free(bad_json);
    free(header_array);
    free(trailing);
}

struct b64_case {
    const char *raw;
    const char *enc;
};

static const struct b64_case b64_cases[] = {
    {"", ""},           {"f", "Zg"},         {"fo", "Zm8"}, {"foo", "Zm9v"},
    {"foob", "Zm9vYg"}, {"\xfb\xff", "-_8"}, {"?>", "Pz4"},
};

static void base64url_round_trip(void **state)
{
    size_t i, n;

    (void)state; /* no fixture */
    for (i = 0; i < sizeof b64_cases / sizeof b64_cases[0]; i++) {
        const struct b64_case *c = &b64_cases[i];
        char *e = fk_base64url_encode((const unsigned char *)c->raw, strlen(c->raw));
        unsigned char *d;

        assert_string_equal(e, c->enc);
        d = fk_base64url_decode(e, strlen(e), &n);
        assert_non_null(d);
        assert_int_equal(n, strlen(c->raw));
        assert_memory_equal(d, c->raw, n);
        free(d);
        free(e);
    }
    /* Padding is optional on input. */
    {
        unsigned char *d = fk_base64url_decode("Zg==", 4, &n);

        assert_non_null(d);
        assert_int_equal(n, 1);
        assert_int_equal(d[0], 'f');
        free(d);
        assert_null(fk_base64url_decode("Zg=", 3, &n));   /* wrong amount of padding */
        assert_null(fk_base64url_decode("Z+g", 3, &n));   /* standard alphabet refused */
        assert_null(fk_base64url_decode("Zm9vY", 5, &n)); /* one character of a group */
        /* Leftover bits of a short final group are ignored (golang-jwt is not Strict). */
        d = fk_base64url_decode("Zh", 2, &n);
        assert_non_null(d);
        assert_int_equal(n, 1);
        assert_int_equal(d[0], 'f');
        free(d);
        d = fk_base64url_decode("", 0, &n);
        assert_non_null(d);
        assert_int_equal(n, 0);
        free(d);
    }
}

static void strerror_names_every_status(void **state)
{
    int st;

    (void)state; /* no fixture */
    for (st = FK_JWT_OK; st <= FK_JWT_NOMEM; st++)
        assert_non_null(fk_jwt_strerror((enum fk_jwt_status)st));
    assert_string_equal(fk_jwt_strerror(FK_JWT_EXPIRED), "token is expired");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sign_verify_round_trip),
        cmocka_unit_test(header_has_typ_only_when_asked),
        cmocka_unit_test(supabase_cli_keys_verify),
        cmocka_unit_test(tampered_payload_is_bad_signature),
        cmocka_unit_test(time_claims),
        cmocka_unit_test(other_algorithms_refused),
        cmocka_unit_test(malformed_tokens),
        cmocka_unit_test(base64url_round_trip),
        cmocka_unit_test(strerror_names_every_status),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
