/* test_lk_trunks.c: the trunk rules of livekit-server's SIP service, each as its source
 * states it, through fake_livekit's Twirp handler in memory. Lines are livekit/livekit
 * pkg/service/sip.go at 788d4c3 and livekit/protocol at 17c16cf (livekit/sip.go,
 * sip/sip.go): number normalisation before comparison, the inbound number-conflict rule in
 * the order the server walks trunks, Get without an id, media after an update, and the
 * unwrapped errors of an update's result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_livekit/filter.h"
#include "tests/support/lkcall.h"

/* livekit/sip.go:1180 NormalizeNumber, reNumber ^\+?[\d\- ()]+$ (sip.go:1195). */
static void normalize_numbers(void **state)
{
    static const char *const cases[][2] = {
        {"+1 (415) 555-0310", "+14155550310"},
        {"14155550310", "+14155550310"},
        {"+14155550310", "+14155550310"},
        {"1-415-555-0310", "+14155550310"},
        {"sip-user", "sip-user"},
        {"", ""},
        {"1+2", "1+2"},                           /* '+' only leads */
        {"+", "+"},                               /* the class needs one character after it */
        {"()", "+"},                              /* all formatting: nothing left, then '+' */
        {"\xd9\xa1\xd9\xa2", "\xd9\xa1\xd9\xa2"}, /* Arabic digits are not \d */
    };
    char out[64];
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        lk_normalize_number(cases[i][0], out, sizeof(out));
        if (strcmp(out, cases[i][1]) != 0)
            fail_msg("\"%s\": \"%s\", want \"%s\"", cases[i][0], out, cases[i][1]);
    }
}

#define CONFLICT(a, b, nums, tail)                                                                 \
    "Conflicting inbound SIP Trunks: \"" a "\" and \"" b "\", using the same number(s) " nums tail
#define NO_ALLOWED " without AllowedNumbers set"

/* sip/sip.go:380: numbers are normalised into one conflict bucket, so 14155550310 and
 * +1 (415) 555-0310 are the number +14155550310 (sip.go:143: a create walks the stored
 * trunks that share a number with it, the new one after the first of them). */
static void numbers_normalised_before_comparison(void **state)
{
    struct h_lk *lk = *state;
    h_lk_stored(lk, "inbound", "{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+14155550310\"]}");
    h_lk_expect_error(lk, "CreateSIPInboundTrunk", "{\"trunk\":{\"numbers\":[\"14155550310\"]}}",
                      400, "invalid_argument",
                      CONFLICT("<new>", "ST_a", "[\"14155550310\"]", NO_ALLOWED));
    h_lk_expect_error(lk, "CreateSIPInboundTrunk",
                      "{\"trunk\":{\"numbers\":[\"+1 (415) 555-0310\"]}}", 400, "invalid_argument",
                      CONFLICT("<new>", "ST_a", "[\"+1 (415) 555-0310\"]", NO_ALLOWED));
    /* sip/sip.go:319: allowed numbers are normalised too. */
    h_lk_stored(
        lk, "inbound",
        "{\"sip_trunk_id\":\"ST_b\",\"numbers\":[\"+15550001\"],\"allowed_numbers\":[\"555\"]}");
    h_lk_expect_error(
        lk, "CreateSIPInboundTrunk",
        "{\"trunk\":{\"numbers\":[\"+15550001\"],\"allowed_numbers\":[\"+1666\",\"+555\"]}}", 400,
        "invalid_argument",
        CONFLICT("<new>", "ST_b", "[\"+15550001\"]", " and AllowedNumber \"+555\""));
    cJSON_Delete(h_lk_expect(
        lk, "CreateSIPInboundTrunk",
        "{\"trunk\":{\"numbers\":[\"+15550001\"],\"allowed_numbers\":[\"+1777\"]}}", 200));
}

/* pkg/service/sip.go:354 iters.MultiIter alternates the stored list (id order) with the one
 * new trunk: the new trunk is walked second, so a conflict with the first stored trunk names
 * the new one first, and one with a later trunk names that trunk first and "<new>" second,
 * with the later trunk's numbers (sip/sip.go:312). */
static void conflicts_named_in_walk_order(void **state)
{
    struct h_lk *lk = *state;
    h_lk_stored(lk, "inbound", "{\"sip_trunk_id\":\"ST_b\",\"numbers\":[\"+2\",\"+1\"]}");
    h_lk_stored(lk, "inbound",
                "{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+9\"],\"auth_username\":\"u\"}");
    h_lk_stored(lk, "inbound",
                "{\"sip_trunk_id\":\"ST_0\"}"); /* no numbers: not listed by number */
    h_lk_expect_error(lk, "CreateSIPInboundTrunk", "{\"trunk\":{\"numbers\":[\"+1\"]}}", 400,
                      "invalid_argument", CONFLICT("ST_b", "<new>", "[\"+2\" \"+1\"]", NO_ALLOWED));
    h_lk_expect_error(lk, "CreateSIPInboundTrunk", "{\"trunk\":{\"numbers\":[\"+9\",\"+1\"]}}", 400,
                      "invalid_argument", CONFLICT("ST_a", "<new>", "[\"+9\"]", NO_ALLOWED));
    /* Two trunks without numbers share the bucket "" (sip/sip.go:366): "<any>". */
    h_lk_expect_error(lk, "CreateSIPInboundTrunk", "{\"trunk\":{\"auth_username\":\"u\"}}", 400,
                      "invalid_argument", CONFLICT("<new>", "ST_0", "<any>", NO_ALLOWED));
}

/* sip.go:222: an update walks the stored trunks listed by its NEW numbers, the updated one
 * in its own place (sip.WithTrunkReplace). A trunk whose stored numbers share none with the
 * new ones is not listed, so it is never checked: moving a trunk wholly onto a taken number
 * passes, where keeping one of its numbers is caught. */
static void update_walks_trunks_of_the_new_numbers(void **state)
{
    struct h_lk *lk = *state;
    h_lk_stored(lk, "inbound", "{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+1\"]}");
    h_lk_stored(lk, "inbound", "{\"sip_trunk_id\":\"ST_b\",\"numbers\":[\"+2\"]}");
    h_lk_expect_error(lk, "UpdateSIPInboundTrunk",
                      "{\"sip_trunk_id\":\"ST_b\",\"update\":{\"numbers\":{\"add\":[\"1\"]}}}", 400,
                      "invalid_argument", CONFLICT("ST_b", "ST_a", "[\"+2\" \"1\"]", NO_ALLOWED));
    cJSON *t =
        h_lk_expect(lk, "UpdateSIPInboundTrunk",
                    "{\"sip_trunk_id\":\"ST_b\",\"update\":{\"numbers\":{\"set\":[\"+1\"]}}}", 200);
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(t, "numbers"), 0)->valuestring,
                        "+1");
    cJSON_Delete(t);
}

/* Stored trunks that conflict among themselves (an update onto a taken number, as above, or
 * a state load) fail every walk that lists them, whatever the new trunk: the server's walk
 * meets them as it files every listed trunk. The fake answers the same (walks.h builds the
 * full walk then), until one of them goes. */
static void stored_conflicts_fail_the_walk(void **state)
{
    struct h_lk *lk = *state;
    h_lk_stored(lk, "inbound", "{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+1\"]}");
    h_lk_stored(lk, "inbound", "{\"sip_trunk_id\":\"ST_b\",\"numbers\":[\"1\"]}");
    h_lk_expect_error(lk, "CreateSIPInboundTrunk", "{\"trunk\":{\"auth_username\":\"u\"}}", 400,
                      "invalid_argument", CONFLICT("ST_b", "ST_a", "[\"1\"]", NO_ALLOWED));
    /* A List by "+5" leaves both out: nothing to meet. */
    cJSON_Delete(h_lk_expect(lk, "CreateSIPInboundTrunk",
                             "{\"trunk\":{\"numbers\":[\"+5\"],\"auth_username\":\"u\"}}", 200));
    cJSON_Delete(h_lk_expect(lk, "DeleteSIPTrunk", "{\"sip_trunk_id\":\"ST_b\"}", 200));
    cJSON_Delete(
        h_lk_expect(lk, "CreateSIPInboundTrunk", "{\"trunk\":{\"auth_username\":\"u\"}}", 200));
}

/* sip.go:290: GetSIP*Trunk without an id is invalid_argument, not a lookup. */
static void get_needs_an_id(void **state)
{
    struct h_lk *lk = *state;
    h_lk_expect_error(lk, "GetSIPInboundTrunk", "{}", 400, "invalid_argument",
                      "trunk ID is required");
    h_lk_expect_error(lk, "GetSIPOutboundTrunk", "{}", 400, "invalid_argument",
                      "trunk ID is required");
    h_lk_expect_error(lk, "GetSIPInboundTrunk", "{\"sip_trunk_id\":\"ST_none\"}", 404, "not_found",
                      "requested sip trunk does not exist");
    h_lk_stored(lk, "outbound",
                "{\"sip_trunk_id\":\"ST_o\",\"address\":\"h\",\"numbers\":[\"+1\"]}");
    h_lk_expect_error(lk, "GetSIPInboundTrunk", "{\"sip_trunk_id\":\"ST_o\"}", 404, "not_found",
                      "requested sip trunk does not exist");
    cJSON *g = h_lk_expect(lk, "GetSIPOutboundTrunk", "{\"sip_trunk_id\":\"ST_o\"}", 200);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(g, "trunk"), "sip_trunk_id")->valuestring, "ST_o");
    cJSON_Delete(g);
}

/* livekit/sip.go:582 updateMediaConfig + Upgrade (sip.go:1217, 1274): after an update the
 * media is at least {} and takes the legacy media_encryption, which then mirrors it; a
 * create (sip.go:123) or a replace (livekit/sip.go:747) leaves media as given. */
static void media_filled_by_update(void **state)
{
    struct h_lk *lk = *state;
    cJSON *t = h_lk_expect(lk, "CreateSIPInboundTrunk",
                           "{\"trunk\":{\"numbers\":[\"+3\"],\"media_encryption\":"
                           "\"SIP_MEDIA_ENCRYPT_ALLOW\"}}",
                           200);
    assert_string_equal(h_lk_media(t), "null");
    char body[256];
    snprintf(body, sizeof(body), "{\"sip_trunk_id\":\"%s\",\"update\":{\"name\":\"n\"}}",
             cJSON_GetObjectItem(t, "sip_trunk_id")->valuestring);
    cJSON_Delete(t);
    t = h_lk_expect(lk, "UpdateSIPInboundTrunk", body, 200);
    assert_string_equal(h_lk_media(t), "{\"only_listed_codecs\":false,\"codecs\":[],"
                                       "\"encryption\":\"SIP_MEDIA_ENCRYPT_ALLOW\"}");
    assert_string_equal(cJSON_GetObjectItem(t, "media_encryption")->valuestring,
                        "SIP_MEDIA_ENCRYPT_ALLOW");
    cJSON_Delete(t);
    h_lk_stored(lk, "outbound",
                "{\"sip_trunk_id\":\"ST_o\",\"address\":\"h\",\"numbers\":[\"+1\"]}");
    t = h_lk_expect(lk, "UpdateSIPOutboundTrunk", "{\"sip_trunk_id\":\"ST_o\",\"update\":{}}", 200);
    assert_string_equal(h_lk_media(t), "{\"only_listed_codecs\":false,\"codecs\":[]}");
    cJSON_Delete(t);
    t = h_lk_expect(
        lk, "UpdateSIPOutboundTrunk",
        "{\"sip_trunk_id\":\"ST_o\",\"replace\":{\"address\":\"h\",\"numbers\":[\"+1\"]}}", 200);
    assert_string_equal(h_lk_media(t), "null");
    cJSON_Delete(t);
}

/* sip.go:217 and 272 return the validation error of an update's result unwrapped, which
 * ServerPassErrorDetails turns into a Twirp error (livekit/protocol utils/xtwirp/errors.go
 * ToError): a plain error is "unknown" (500); the psrpc "for security" error
 * (livekit/sip.go:530) keeps invalid_argument but reads "twirp error unknown: ...". The same
 * checks on a replacement are wrapped as invalid_argument (livekit/sip.go:511). */
static void update_result_errors_unwrapped(void **state)
{
    struct h_lk *lk = *state;
    h_lk_stored(lk, "inbound", "{\"sip_trunk_id\":\"ST_i\",\"numbers\":[\"+4\"]}");
    h_lk_stored(lk, "outbound",
                "{\"sip_trunk_id\":\"ST_o\",\"address\":\"h\",\"numbers\":[\"+1\"]}");
    h_lk_expect_error(lk, "UpdateSIPInboundTrunk",
                      "{\"sip_trunk_id\":\"ST_i\",\"update\":{\"numbers\":{\"clear\":true}}}", 400,
                      "invalid_argument",
                      "twirp error unknown: for security, one of the fields must be set: "
                      "AuthUsername+AuthPassword, AllowedAddresses or Numbers");
    h_lk_expect_error(lk, "UpdateSIPInboundTrunk",
                      "{\"sip_trunk_id\":\"ST_i\",\"replace\":{\"name\":\"x\"}}", 400,
                      "invalid_argument",
                      "for security, one of the fields must be set: AuthUsername+AuthPassword, "
                      "AllowedAddresses or Numbers");
    h_lk_expect_error(lk, "UpdateSIPOutboundTrunk",
                      "{\"sip_trunk_id\":\"ST_o\",\"update\":{\"numbers\":{\"clear\":true}}}", 500,
                      "unknown", "no trunk numbers specified");
    h_lk_expect_error(lk, "UpdateSIPOutboundTrunk",
                      "{\"sip_trunk_id\":\"ST_o\",\"update\":{\"address\":\"sip:a@b\"}}", 500,
                      "unknown", "trunk address should be a hostname or IP, not SIP URI");
    /* The request's own checks come first and are wrapped (livekit/sip.go:461-486). */
    h_lk_expect_error(lk, "UpdateSIPOutboundTrunk", "{\"update\":{}}", 400, "invalid_argument",
                      "trunk id must be set");
    h_lk_expect_error(lk, "UpdateSIPOutboundTrunk", "{\"sip_trunk_id\":\"ST_o\"}", 400,
                      "invalid_argument", "missing or unsupported update action");
    h_lk_expect_error(lk, "UpdateSIPOutboundTrunk",
                      "{\"sip_trunk_id\":\"ST_o\",\"update\":{\"numbers\":{}}}", 400,
                      "invalid_argument", "unsupported list update operation");
    h_lk_expect_error(lk, "UpdateSIPOutboundTrunk",
                      "{\"sip_trunk_id\":\"ST_o\",\"update\":{\"media\":{\"codecs\":[{}]}}}", 400,
                      "invalid_argument", "missing codec name");
}

/* livekit/sip.go:447 and sip.go:411: create and delete messages. */
static void create_and_delete_messages(void **state)
{
    struct h_lk *lk = *state;
    h_lk_expect_error(lk, "CreateSIPInboundTrunk", "{}", 400, "invalid_argument", "missing trunk");
    h_lk_expect_error(lk, "CreateSIPOutboundTrunk", "{\"trunk\":{\"sip_trunk_id\":\"ST_x\"}}", 400,
                      "invalid_argument", "trunk id must not be set");
    h_lk_expect_error(lk, "DeleteSIPTrunk", "{}", 400, "invalid_argument", "trunk ID is required");
    /* redisstore_sip.go:108: deleting an unknown id is no error; the id is echoed. */
    cJSON *d = h_lk_expect(lk, "DeleteSIPTrunk", "{\"sip_trunk_id\":\"ST_gone\"}", 200);
    assert_string_equal(cJSON_GetObjectItem(d, "sip_trunk_id")->valuestring, "ST_gone");
    assert_string_equal(cJSON_GetObjectItem(d, "kind")->valuestring, "TRUNK_LEGACY");
    cJSON_Delete(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalize_numbers),
        cmocka_unit_test_setup_teardown(numbers_normalised_before_comparison, h_lk_setup,
                                        h_lk_teardown),
        cmocka_unit_test_setup_teardown(conflicts_named_in_walk_order, h_lk_setup, h_lk_teardown),
        cmocka_unit_test_setup_teardown(update_walks_trunks_of_the_new_numbers, h_lk_setup,
                                        h_lk_teardown),
        cmocka_unit_test_setup_teardown(stored_conflicts_fail_the_walk, h_lk_setup, h_lk_teardown),
        cmocka_unit_test_setup_teardown(get_needs_an_id, h_lk_setup, h_lk_teardown),
        cmocka_unit_test_setup_teardown(media_filled_by_update, h_lk_setup, h_lk_teardown),
        cmocka_unit_test_setup_teardown(update_result_errors_unwrapped, h_lk_setup, h_lk_teardown),
        cmocka_unit_test_setup_teardown(create_and_delete_messages, h_lk_setup, h_lk_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
