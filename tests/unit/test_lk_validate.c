/* test_lk_validate.c: livekit/protocol's SIP validation (livekit/sip.go and
 * livekit/sip_validation.go at 17c16cf) with its exact messages: header names and values,
 * codecs, media_timeout bounds, outbound addresses, the order of checks; and what the source
 * does NOT check, which the fake must accept too: long names and metadata, a username without
 * a password, allowed addresses that are no CIDR. Checked both on the validators and through
 * the Twirp handler (invalid_argument 400). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_livekit/validate.h"
#include "tests/support/lkcall.h"

struct vcase {
    const char *src; /* the source line the rule comes from */
    bool inbound;
    const char *trunk; /* sparse SIP*TrunkInfo */
    const char *want;  /* NULL: valid */
};

#define NUMS "\"numbers\":[\"+1\"]"
#define OUT  "\"address\":\"sip.example.com\",\"numbers\":[\"+1\"]"

static const struct vcase cases[] = {
    {"sip_validation.go:241 forbidden name", true, "{" NUMS ",\"headers\":{\"Call-ID\":\"x\"}}",
     "invalid header name: header name Call-ID not supported"},
    {"sip_validation.go:241 case-insensitive", true, "{" NUMS ",\"headers\":{\"cseq\":\"1\"}}",
     "invalid header name: header name cseq not supported"},
    {"sip_validation.go:234 space in a name", true, "{" NUMS ",\"headers\":{\"X A\":\"x\"}}",
     "invalid header name: header name X A contains invalid characters: char 32 not allowed"},
    {"sip_validation.go:102 non-ASCII name", true, "{" NUMS ",\"headers\":{\"X-\xc3\xa9\":\"x\"}}",
     "invalid header name: header name X-\xc3\xa9 contains invalid characters: char 233 out of "
     "range, consider explicilty adding utf8 characters"},
    {"sip_validation.go:227 empty name", true, "{" NUMS ",\"headers\":{\"\":\"x\"}}",
     "invalid header name: header name cannot be empty"},
    {"sip_validation.go:266 control character in a value", true,
     "{" NUMS ",\"headers\":{\"X-A\":\"a\\nb\"}}",
     "invalid header value for X-A: header X-A: value: char 10 not allowed"},
    {"sip_validation.go:148 UTF-8 values pass", true,
     "{" NUMS ",\"headers\":{\"X-A\":\"caf\xc3\xa9\\tok\"}}", NULL},
    {"sip_validation.go:203 To is deprecated, not refused", true,
     "{" NUMS ",\"headers\":{\"To\":\"<sip:a@b>\"}}", NULL},
    {"sip.go:392 attributes_to_headers values are names, unrestricted", true,
     "{" NUMS ",\"attributes_to_headers\":{\"a\":\"Call-ID\",\"b\":\"X B\"}}",
     "invalid header name: header name X B contains invalid characters: char 32 not allowed"},
    {"sip.go:401 headers_to_attributes keys are names", false,
     "{" OUT ",\"headers_to_attributes\":{\"Bad Name\":\"a\"}}",
     "invalid header name: header name Bad Name contains invalid characters: char 32 not "
     "allowed"},
    {"sip.go:1206 empty codec name", true, "{" NUMS ",\"media\":{\"codecs\":[{\"name\":\"\"}]}}",
     "missing codec name"},
    {"sip.go:1209 blank in a codec name", false,
     "{" OUT ",\"media\":{\"codecs\":[{\"name\":\"PCMU 8000\"}]}}", "invalid codec name"},
    {"sip.go:1212 slash in a codec name", true,
     "{" NUMS ",\"media\":{\"codecs\":[{\"name\":\"PCMU/8000\"}]}}",
     "codec name must not contain '/'"},
    {"sip.go:1264 negative media_timeout", true, "{" NUMS ",\"media\":{\"media_timeout\":\"-1s\"}}",
     "media_timeout must not be negative"},
    {"sip.go:1268 media_timeout over 10 minutes", true,
     "{" NUMS ",\"media\":{\"media_timeout\":\"600.000000001s\"}}",
     "media_timeout must not exceed 10m0s"},
    {"sip.go:1267 10 minutes exactly", true, "{" NUMS ",\"media\":{\"media_timeout\":\"600s\"}}",
     NULL},
    {"sip.go:530 for security", true, "{\"name\":\"n\"}",
     "for security, one of the fields must be set: AuthUsername+AuthPassword, AllowedAddresses "
     "or Numbers"},
    {"sip.go:532 security comes before media", true, "{\"media\":{\"codecs\":[{\"name\":\"\"}]}}",
     "for security, one of the fields must be set: AuthUsername+AuthPassword, AllowedAddresses "
     "or Numbers"},
    {"sip.go:532 media comes before headers (inbound)", true,
     "{" NUMS ",\"headers\":{\"Call-ID\":\"x\"},\"media\":{\"codecs\":[{}]}}",
     "missing codec name"},
    {"sip.go:671 headers come before media (outbound)", false,
     "{" OUT ",\"headers\":{\"Call-ID\":\"x\"},\"media\":{\"codecs\":[{}]}}",
     "invalid header name: header name Call-ID not supported"},
    {"sip.go:648 outbound numbers first", false, "{\"address\":\"sip:x@y\"}",
     "no trunk numbers specified"},
    {"sip.go:651 outbound address", false, "{\"numbers\":[\"+1\"]}",
     "no outbound address specified"},
    {"sip.go:416 SIP URI", false, "{\"address\":\"sips:h\",\"numbers\":[\"+1\"]}",
     "trunk address should be a hostname or IP, not SIP URI"},
    {"sip.go:414 transport parameter", false,
     "{\"address\":\"h;transport=tcp\",\"numbers\":[\"+1\"]}",
     "trunk address should not contain transport parameter"},
    {"sip.go:656 from_host", false, "{" OUT ",\"from_host\":\"a@b\"}",
     "from_host should be a hostname or IP, not SIP URI"},
    /* What the source does not check. */
    {"sip.go:526 a username alone is authentication", true, "{\"auth_username\":\"u\"}", NULL},
    {"sip.go:526 a password alone too", true, "{\"auth_password\":\"p\"}", NULL},
    {"sip/sip.go:402 allowed addresses are not parsed on create", true,
     "{\"allowed_addresses\":[\"not a cidr\",\"1.2.3.4/99\",\"::1/200\"]}", NULL},
};

static void validators(void **state)
{
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct vcase *c = &cases[i];
        struct lk_verr e;
        cJSON *t = cJSON_Parse(c->trunk);
        if (!t)
            fail_msg("%s: bad JSON", c->src);
        lk_verr_init(&e);
        int rc = c->inbound ? lk_validate_inbound(t, &e) : lk_validate_outbound(t, &e);
        if (c->want ? rc != FK_EINVAL || strcmp(lk_verr_text(&e), c->want) != 0 : rc != 0)
            fail_msg("%s: %d \"%s\"", c->src, rc, lk_verr_text(&e));
        lk_verr_cleanup(&e);
        cJSON_Delete(t);
    }
}

/* The same through CreateSIP*Trunk: 400 invalid_argument with the message (sip.go:130). */
static void through_the_handler(void **state)
{
    struct h_lk lk;
    (void)state; /* no fixture */
    assert_int_equal(h_lk_open(&lk), 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct vcase *c = &cases[i];
        char body[1024];
        unsigned status = 0;
        snprintf(body, sizeof(body), "{\"trunk\":%s}", c->trunk);
        cJSON *j = h_lk_json(&lk, c->inbound ? "CreateSIPInboundTrunk" : "CreateSIPOutboundTrunk",
                             body, &status);
        const char *msg = cJSON_GetStringValue(cJSON_GetObjectItem(j, "msg"));
        if (c->want ? status != 400 || !msg || strcmp(msg, c->want) != 0 : status != 200)
            fail_msg("%s: %u %s", c->src, status, msg ? msg : "");
        cJSON_Delete(j);
        /* Trunks that passed are removed, so that the next one meets no number conflict. */
        if (status == 200) {
            fk_store_lock(lk.st);
            assert_int_equal(
                fk_store_exec(lk.st, "DELETE FROM trunks; DELETE FROM trunk_numbers", NULL), 0);
            fk_store_unlock(lk.st);
        }
    }
    h_lk_close(&lk);
}

/* Limits the source has, long texts it does not refuse (sip_validation.go:230, 260). */
static void lengths(void **state)
{
    struct lk_verr e;
    char name[300], value[1100], json[2048];
    (void)state; /* no fixture */
    memset(name, 'N', 256);
    name[256] = '\0';
    memset(value, 'v', 1025);
    value[1025] = '\0';
    lk_verr_init(&e);
    snprintf(json, sizeof(json), "{\"%s\":\"x\"}", name);
    cJSON *h = cJSON_Parse(json);
    assert_int_equal(lk_validate_headers(h, &e), FK_EINVAL);
    assert_string_equal(lk_verr_text(&e),
                        "invalid header name: header name too long (max 255 characters)");
    cJSON_Delete(h);
    name[255] = '\0';
    snprintf(json, sizeof(json), "{\"%s\":\"x\"}", name);
    h = cJSON_Parse(json);
    assert_int_equal(lk_validate_headers(h, &e), 0);
    cJSON_Delete(h);
    snprintf(json, sizeof(json), "{\"X-A\":\"%s\"}", value);
    h = cJSON_Parse(json);
    assert_int_equal(lk_validate_headers(h, &e), FK_EINVAL);
    assert_string_equal(lk_verr_text(&e),
                        "invalid header value for X-A: header X-A: value too long (max 1024 "
                        "characters)");
    cJSON_Delete(h);
    /* No limit on name or metadata (neither file checks them). */
    size_t big = 100000;
    char *meta = malloc(big + 64);
    assert_non_null(meta);
    memset(meta, 'm', big);
    meta[big] = '\0';
    cJSON *t = cJSON_Parse("{\"numbers\":[\"+1\"]}");
    cJSON_AddStringToObject(t, "metadata", meta);
    cJSON_AddStringToObject(t, "name", meta);
    assert_int_equal(lk_validate_inbound(t, &e), 0);
    cJSON_Delete(t);
    free(meta);
    lk_verr_cleanup(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(validators),
        cmocka_unit_test(through_the_handler),
        cmocka_unit_test(lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
