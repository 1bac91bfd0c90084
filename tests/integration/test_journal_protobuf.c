/* test_journal_protobuf.c: the journal keeps no LiveKit password sent as protobuf.
 *
 * The Go and Python server SDKs speak Twirp in protobuf (application/protobuf). The journal
 * redacted JSON and form bodies only, so a CreateSIPInboundTrunk with auth_password, sent the
 * way those SDKs send it, kept the password in /__admin/requests. Now fake_livekit masks, in
 * place, every string field whose name is a secret name (auth_password, outbound_password...)
 * and every map value whose key is one: the body stays the same length and still decodes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "provisioner/livekit_api.h"
#include "tests/support/harness.h"

static struct h_proc fake;

/* A length-delimited field (number num, len < 128) at out; returns the bytes written. */
static size_t field(unsigned char *out, unsigned num, const void *data, size_t len)
{
    out[0] = (unsigned char)(num << 3 | 2);
    out[1] = (unsigned char)len;
    memcpy(out + 2, data, len);
    return len + 2;
}

static void test_protobuf_passwords_masked(void **state)
{
    unsigned char trunk[200], entry[64], body[256];
    size_t n = 0, e = 0;
    char url[128], auth[1200];
    struct h_resp r;

    (void)state; /* one fake */
    /* SIPInboundTrunkInfo: name 2, numbers 4, auth_username 7, auth_password 8, headers 9 */
    n += field(trunk + n, 2, "t", 1);
    n += field(trunk + n, 4, "+15550100", 9);
    n += field(trunk + n, 7, "user", 4);
    n += field(trunk + n, 8, "pb-secret-pw", 12);
    e += field(entry + e, 1, "X-Password", 10);
    e += field(entry + e, 2, "hdr-secret", 10);
    n += field(trunk + n, 9, entry, e);
    size_t len = field(body, 1, trunk, n); /* CreateSIPInboundTrunkRequest.trunk */
    char *tok = prov_lk_token("devkey", "secret", (long long)time(NULL));
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tok);
    free(tok);
    const char *hdrs[] = {auth, "Content-Type: application/protobuf", NULL};
    snprintf(url, sizeof(url), "%s/twirp/livekit.SIP/CreateSIPInboundTrunk", fake.base);
    assert_int_equal(h_request_len("POST", url, hdrs, body, len, 0, &r), 0);
    assert_int_equal(r.status, 200);
    assert_non_null(memmem(r.body, r.len, "pb-secret-pw", 12)); /* stored as sent */
    h_resp_free(&r);
    assert_int_equal(h_get(&fake, "/__admin/requests", &r), 0);
    assert_int_equal(r.status, 200);
    assert_null(strstr(r.body, "pb-secret-pw"));
    assert_null(strstr(r.body, "hdr-secret"));
    assert_non_null(strstr(r.body, "************")); /* same length, masked */
    assert_non_null(strstr(r.body, "+15550100"));    /* the rest as sent */
    h_resp_free(&r);
}

static int start(void **state)
{
    (void)state;
    return h_suite_start(&fake, "fake_livekit", NULL);
}

static int stop(void **state)
{
    (void)state;
    return h_suite_stop(&fake);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protobuf_passwords_masked),
    };
    return cmocka_run_group_tests(tests, start, stop);
}
