/* test_prov_retry.c: the provisioner's retry policy (provisioner/retry.h) and the outcome
 * classification of one attempt (prov_classify in provisioner/ctx.h).
 *
 * Backoff: caps, full-jitter bounds with a fixed seed, replay with the same seed;
 * Retry-After in delta seconds and as an HTTP-date; deadline arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "provisioner/ctx.h"
#include "provisioner/http.h"
#include "provisioner/retry.h"

static void test_ceiling_doubles_then_caps(void **state)
{
    (void)state;
    struct prov_retry_policy p = {10, 100, 1000};
    static const struct {
        long attempt, want;
    } cases[] = {{0, 100},  {1, 100},  {2, 200},   {3, 400},       {4, 800},
                 {5, 1000}, {6, 1000}, {64, 1000}, {1000000, 1000}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(prov_backoff_ceiling_ms(&p, cases[i].attempt), cases[i].want);
}

static void test_ceiling_no_overflow(void **state)
{
    (void)state;
    struct prov_retry_policy p = {10, 3000000, 3600000};
    assert_int_equal(prov_backoff_ceiling_ms(&p, 1), 3000000);
    assert_int_equal(prov_backoff_ceiling_ms(&p, 2), 3600000);
    assert_int_equal(prov_backoff_ceiling_ms(&p, 200), 3600000);
    struct prov_retry_policy zero = {10, 0, 0};
    assert_int_equal(prov_backoff_ceiling_ms(&zero, 5), 0);
}

static void test_full_jitter_bounds(void **state)
{
    (void)state;
    struct prov_retry_policy p = {10, 100, 1000};
    struct fk_prng rng;
    fk_prng_init(&rng, 42);
    for (long attempt = 1; attempt <= 8; attempt++) {
        long ceiling = prov_backoff_ceiling_ms(&p, attempt);
        long lo = ceiling, hi = 0;
        for (int i = 0; i < 2000; i++) {
            long d = prov_backoff_ms(&p, attempt, &rng);
            assert_true(d >= 0);
            assert_true(d <= ceiling);
            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
        }
        /* Full jitter spreads over the whole range, not just near the ceiling. */
        assert_true(lo < ceiling / 10 + 1);
        assert_true(hi > ceiling * 9 / 10);
    }
}

static void test_jitter_replays_with_seed(void **state)
{
    (void)state;
    struct prov_retry_policy p = {10, 200, 5000};
    struct fk_prng a, b, c;
    fk_prng_init(&a, 7);
    fk_prng_init(&b, 7);
    fk_prng_init(&c, 8);
    int differ = 0;
    for (long i = 1; i <= 20; i++) {
        long da = prov_backoff_ms(&p, i, &a);
        assert_int_equal(da, prov_backoff_ms(&p, i, &b));
        differ += da != prov_backoff_ms(&p, i, &c);
    }
    assert_true(differ > 10);
}

static void test_retry_after_values(void **state)
{
    (void)state;
    /* Wed, 21 Oct 2015 07:28:00 GMT */
    const int64_t t = 1445412480;
    static const struct {
        const char *v;
        long want;
    } cases[] = {
        {NULL, -1},
        {"", -1},
        {"   ", -1},
        {"0", 0},
        {"1", 1000},
        {"120", 120000},
        {" 3 ", 3000},
        {"-1", -1},
        {"1.5", -1},
        {"12abc", -1},
        {"999999999999999999999", -1},
        {"100000", 86400000},
        {"Wed, 21 Oct 2015 07:28:10 GMT", 10000},
        {"Wed, 21 Oct 2015 07:28:00 GMT", 0},
        {"Wed, 21 Oct 2015 07:27:00 GMT", 0},
        {"Wednesday, 21-Oct-15 07:29:00 GMT", 60000},
        {"Wed Oct 21 07:28:05 2015", 5000},
        {"soon", -1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long got = prov_retry_after_ms(cases[i].v, t);
        if (got != cases[i].want)
            fail_msg("Retry-After '%s': got %ld want %ld", cases[i].v ? cases[i].v : "(null)", got,
                     cases[i].want);
    }
}

static void test_delay_prefers_retry_after(void **state)
{
    (void)state;
    struct prov_retry_policy p = {10, 100, 1000};
    struct fk_prng rng;
    fk_prng_init(&rng, 1);
    assert_int_equal(prov_retry_delay_ms(&p, 3, 2000, &rng), 2000);
    assert_int_equal(prov_retry_delay_ms(&p, 3, 0, &rng), 0);
    long d = prov_retry_delay_ms(&p, 3, -1, &rng);
    assert_true(d >= 0 && d <= 400);
}

static void test_deadline_arithmetic(void **state)
{
    (void)state;
    assert_true(prov_retry_fits(0, 999, 1000000));
    assert_false(prov_retry_fits(0, 1000, 1000000));
    assert_false(prov_retry_fits(2000000, 0, 1000000));
    assert_int_equal(prov_attempt_timeout_ms(5000, 0, 10000000), 5000);
    assert_int_equal(prov_attempt_timeout_ms(5000, 8000000, 10000000), 2000);
    assert_int_equal(prov_attempt_timeout_ms(5000, 10000000, 10000000), 0);
    assert_int_equal(prov_attempt_timeout_ms(5000, 11000000, 10000000), 0);
}

static void test_classify(void **state)
{
    (void)state;
    static const struct {
        int net;
        long status;
        const char *body;
        bool expect_json, allow_empty;
        enum prov_class want;
        bool transient, ambiguous_if_sent;
    } cases[] = {
        {PROV_NET_OK, 200, "{\"a\":1}", true, false, PROV_C_OK, false, false},
        {PROV_NET_OK, 201, "[]", true, false, PROV_C_OK, false, false},
        {PROV_NET_OK, 204, "", true, true, PROV_C_OK, false, false},
        {PROV_NET_OK, 200, "", true, false, PROV_C_MALFORMED, true, true},
        {PROV_NET_OK, 200, "{\"a\":", true, false, PROV_C_MALFORMED, true, true},
        {PROV_NET_OK, 200, "not json", true, false, PROV_C_MALFORMED, true, true},
        {PROV_NET_OK, 200, "{} trailing", true, false, PROV_C_MALFORMED, true, true},
        {PROV_NET_OK, 200, "anything", false, false, PROV_C_OK, false, false},
        {PROV_NET_OK, 400, "{\"code\":21422}", true, false, PROV_C_CLIENT, false, false},
        {PROV_NET_OK, 401, "", true, false, PROV_C_CLIENT, false, false},
        {PROV_NET_OK, 404, "<html>", true, false, PROV_C_CLIENT, false, false},
        {PROV_NET_OK, 408, "", true, false, PROV_C_TIMEOUT, true, true},
        {PROV_NET_OK, 429, "{}", true, false, PROV_C_RATE_LIMITED, true, false},
        {PROV_NET_OK, 500, "", true, false, PROV_C_SERVER, true, true},
        {PROV_NET_OK, 503, "oops", true, false, PROV_C_SERVER, true, true},
        {PROV_NET_OK, 302, "", true, false, PROV_C_MALFORMED, true, true},
        {PROV_NET_TIMEOUT, 0, "", true, false, PROV_C_TIMEOUT, true, true},
        {PROV_NET_REFUSED, 0, "", true, false, PROV_C_REFUSED, true, false},
        {PROV_NET_RESET, 0, "", true, false, PROV_C_RESET, true, true},
        {PROV_NET_TOO_LARGE, 0, "", true, false, PROV_C_MALFORMED, true, true},
        {PROV_NET_ERROR, 0, "", true, false, PROV_C_OTHER, true, true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *j = NULL;
        enum prov_class c =
            prov_classify(cases[i].net, cases[i].status, cases[i].body, strlen(cases[i].body),
                          cases[i].expect_json, cases[i].allow_empty, &j);
        if (c != cases[i].want)
            fail_msg("case %zu: class %s want %s", i, prov_class_name(c),
                     prov_class_name(cases[i].want));
        assert_int_equal(prov_class_transient(c), cases[i].transient);
        assert_int_equal(prov_class_ambiguous(c, true), cases[i].ambiguous_if_sent);
        assert_false(prov_class_ambiguous(c, false));
        if (c == PROV_C_OK && cases[i].expect_json && cases[i].body[0] != '\0')
            assert_non_null(j);
        cJSON_Delete(j);
    }
}

static void test_curl_codes(void **state)
{
    (void)state;
    static const struct {
        CURLcode code;
        enum prov_net want;
        bool sent;
    } cases[] = {
        {CURLE_OK, PROV_NET_OK, true},
        {CURLE_OPERATION_TIMEDOUT, PROV_NET_TIMEOUT, true},
        {CURLE_COULDNT_CONNECT, PROV_NET_REFUSED, false},
        {CURLE_COULDNT_RESOLVE_HOST, PROV_NET_REFUSED, false},
        {CURLE_RECV_ERROR, PROV_NET_RESET, true},
        {CURLE_GOT_NOTHING, PROV_NET_RESET, true},
        {CURLE_PARTIAL_FILE, PROV_NET_RESET, true},
        {CURLE_SEND_FAIL_REWIND, PROV_NET_RESET, true}, /* libcurl's resend, refused */
        {CURLE_WRITE_ERROR, PROV_NET_TOO_LARGE, true},
        {CURLE_URL_MALFORMAT, PROV_NET_ERROR, false},
        {CURLE_SSL_CONNECT_ERROR, PROV_NET_REFUSED, false},    /* a handshake that broke off */
        {CURLE_PEER_FAILED_VERIFICATION, PROV_NET_TLS, false}, /* a CA to fix, not retried */
        {CURLE_SSL_CACERT_BADFILE, PROV_NET_TLS, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool sent = !cases[i].sent;
        assert_int_equal(prov_http_classify(cases[i].code, &sent), cases[i].want);
        assert_int_equal(sent, cases[i].sent);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ceiling_doubles_then_caps),
        cmocka_unit_test(test_ceiling_no_overflow),
        cmocka_unit_test(test_full_jitter_bounds),
        cmocka_unit_test(test_jitter_replays_with_seed),
        cmocka_unit_test(test_retry_after_values),
        cmocka_unit_test(test_delay_prefers_retry_after),
        cmocka_unit_test(test_deadline_arithmetic),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_curl_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
