/* test_lk_dispatch.c: the dispatch-rule rules of livekit-server's SIP service, each as its
 * source states it, through fake_livekit's Twirp handler in memory. Lines are livekit/livekit
 * pkg/service/sip.go at 788d4c3 and livekit/protocol at 17c16cf (livekit/sip.go,
 * sip/sip.go): the conflict key (pin, trunk, inbound number, number) with numbers
 * normalised, the message naming the rule that took the key first in the server's walk,
 * GetPinAndRoom's error, validation, and media after a create or an update. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/support/lkcall.h"

/* Store a dispatch rule with the id it names. */
static void rule(struct h_lk *lk, const char *json)
{
    h_lk_stored(lk, "rule", json);
}

static void created(struct h_lk *lk, const char *body)
{
    cJSON_Delete(h_lk_expect(lk, "CreateSIPDispatchRule", body, 200));
}

/* The call must fail with 400 invalid_argument and msg. */
static void invalid(struct h_lk *lk, const char *method, const char *body, const char *msg)
{
    h_lk_expect_error(lk, method, body, 400, "invalid_argument", msg);
}

#define EXISTS(id, name)                                                                           \
    "Dispatch rule for the same trunk, inbound number, number, and PIN combination already "       \
    "exists in dispatch rule \"" id "\" \"" name "\""
#define DIRECT(pin) "\"rule\":{\"dispatch_rule_direct\":{\"room_name\":\"r\"" pin "}}"

/* sip/sip.go:224: the key is (pin, trunk, normalised inbound number, normalised number), an
 * empty list counting as "any"; sip/sip.go:231 names the rule holding it. */
static void conflict_key_and_wording(void **state)
{
    struct h_lk *lk = *state;
    rule(lk,
         "{\"sip_dispatch_rule_id\":\"SDR_a\",\"name\":\"main\"," DIRECT(
             ",\"pin\":\"1\"") ",\"trunk_ids\":[\"ST_1\"],\"inbound_numbers\":[\"+14155550310\"]}");
    invalid(lk, "CreateSIPDispatchRule",
            "{" DIRECT(",\"pin\":\"1\"") ",\"trunkIds\":[\"ST_1\"],"
                                         "\"inboundNumbers\":[\"1 (415) 555-0310\"]}",
            EXISTS("SDR_a", "main"));
    created(lk, "{" DIRECT(",\"pin\":\"2\"") ",\"trunkIds\":[\"ST_1\"],"
                                             "\"inboundNumbers\":[\"+14155550310\"]}");
    created(lk, "{" DIRECT(",\"pin\":\"1\"") ",\"trunkIds\":[\"ST_2\"],"
                                             "\"inboundNumbers\":[\"+14155550310\"]}");
}

/* The `numbers` list is part of the key too, normalised (sip/sip.go:224). */
static void numbers_in_the_key(void **state)
{
    struct h_lk *lk = *state;
    rule(lk, "{\"sip_dispatch_rule_id\":\"SDR_b\"," DIRECT("") ",\"numbers\":[\"+15550001\"]}");
    invalid(lk, "CreateSIPDispatchRule",
            "{\"dispatch_rule\":{" DIRECT("") ",\"numbers\":[\"15550001\"]}}",
            EXISTS("SDR_b", "<blank name>"));
    created(lk, "{\"dispatch_rule\":{" DIRECT("") ",\"numbers\":[\"15550002\"]}}");
}

/* sip.go:451-458: the walk is the stored rules sharing a trunk with the request's flat
 * trunk_ids, or having none (id order), with the new rule after the first of them
 * (iters.MultiIter, sip.go:533), so a later stored rule that shares the key names the new
 * rule: "<new>" and its name. */
static void conflict_named_in_walk_order(void **state)
{
    struct h_lk *lk = *state;
    rule(lk, "{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT(",\"pin\":\"7\"") "}");
    rule(lk, "{\"sip_dispatch_rule_id\":\"SDR_b\"," DIRECT("") ",\"trunk_ids\":[\"ST_1\"]}");
    invalid(lk, "CreateSIPDispatchRule",
            "{" DIRECT("") ",\"trunkIds\":[\"ST_1\"],\"name\":\"late\"}", EXISTS("<new>", "late"));
    /* A rule whose list repeats a key meets itself (no id check, sip/sip.go:226). */
    invalid(lk, "CreateSIPDispatchRule",
            "{\"rule\":{\"dispatch_rule_callee\":{}},\"trunkIds\":[\"ST_5\",\"ST_5\"]}",
            EXISTS("<new>", "<blank name>"));
    invalid(lk, "CreateSIPDispatchRule",
            "{\"rule\":{\"dispatch_rule_callee\":{}},\"inboundNumbers\":[\"+1\",\"1\"]}",
            EXISTS("<new>", "<blank name>"));
}

/* sip.go:452: with `dispatch_rule`, the walk is still chosen by the request's FLAT trunk_ids
 * (empty: every rule); flat trunk_ids that share nothing with the stored rule hide it. */
static void flat_trunk_ids_choose_the_walk(void **state)
{
    struct h_lk *lk = *state;
    rule(lk, "{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT("") ",\"trunk_ids\":[\"ST_1\"]}");
    invalid(lk, "CreateSIPDispatchRule",
            "{\"dispatch_rule\":{" DIRECT("") ",\"trunk_ids\":[\"ST_1\"]}}",
            EXISTS("SDR_a", "<blank name>"));
    created(lk, "{\"trunk_ids\":[\"ST_8\"],\"dispatch_rule\":{" DIRECT(
                    "") ",\"trunk_ids\":[\"ST_1\"]}}");
}

/* Stored rules that share a key (loaded through the admin API, or stored before the walk
 * that would have caught them) fail every walk that lists them: the server files every
 * listed rule, so a new rule with a key of its own still meets them (sip/sip.go:231). The
 * fake answers the same (walks.h builds the full walk then), until one of them goes. */
static void stored_conflicts_fail_the_walk(void **state)
{
    struct h_lk *lk = *state;
    rule(lk, "{\"sip_dispatch_rule_id\":\"SDR_a\",\"name\":\"one\"," DIRECT("") "}");
    rule(lk, "{\"sip_dispatch_rule_id\":\"SDR_b\",\"name\":\"two\"," DIRECT("") "}");
    invalid(lk, "CreateSIPDispatchRule", "{" DIRECT(",\"pin\":\"9\"") "}", EXISTS("SDR_a", "one"));
    /* Flat trunk_ids that list only rules without trunks list both again. */
    invalid(lk, "CreateSIPDispatchRule", "{" DIRECT(",\"pin\":\"9\"") ",\"trunkIds\":[\"ST_1\"]}",
            EXISTS("SDR_a", "one"));
    cJSON_Delete(
        h_lk_expect(lk, "DeleteSIPDispatchRule", "{\"sip_dispatch_rule_id\":\"SDR_b\"}", 200));
    created(lk, "{" DIRECT(",\"pin\":\"9\"") "}");
    invalid(lk, "CreateSIPDispatchRule", "{" DIRECT("") "}", EXISTS("SDR_a", "one"));
}

/* sip/sip.go:278: a rule member that is not set fails GetPinAndRoom with a psrpc error, which
 * the service returns unwrapped (xtwirp ToError: "twirp error unknown: "); livekit/sip.go:842
 * refuses a rule that is absent altogether. */
static void rule_member_required(void **state)
{
    struct h_lk *lk = *state;
    invalid(lk, "CreateSIPDispatchRule", "{\"rule\":{}}",
            "twirp error unknown: unsupported SIP Dispatch Rule: <nil>");
    invalid(lk, "CreateSIPDispatchRule", "{}", "missing rule");
    invalid(lk, "CreateSIPDispatchRule", "{\"dispatch_rule\":{}}", "missing rule");
    invalid(lk, "CreateSIPDispatchRule",
            "{\"dispatch_rule\":{\"sip_dispatch_rule_id\":\"SDR_x\"," DIRECT("") "}}",
            "rule id must not be set");
    rule(lk, "{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT("") "}");
    invalid(lk, "UpdateSIPDispatchRule",
            "{\"sip_dispatch_rule_id\":\"SDR_a\",\"update\":{\"rule\":{}}}",
            "twirp error unknown: unsupported SIP Dispatch Rule: <nil>");
    /* livekit/sip.go:812: the update request's own checks. */
    invalid(lk, "UpdateSIPDispatchRule", "{\"update\":{}}", "rule id must be set");
    invalid(lk, "UpdateSIPDispatchRule", "{\"sip_dispatch_rule_id\":\"SDR_a\"}",
            "missing or unsupported update action");
    invalid(lk, "UpdateSIPDispatchRule",
            "{\"sip_dispatch_rule_id\":\"SDR_a\",\"replace\":{\"sip_dispatch_rule_id\":\"SDR_b\"}}",
            "rule id in the info must be empty or match the id in the update");
    invalid(lk, "UpdateSIPDispatchRule", "{\"sip_dispatch_rule_id\":\"SDR_a\",\"replace\":{}}",
            "missing rule");
    invalid(lk, "UpdateSIPDispatchRule",
            "{\"sip_dispatch_rule_id\":\"SDR_a\",\"update\":{\"trunk_ids\":{\"clear\":true,"
            "\"add\":[\"x\"]}}}",
            "cannot clear and change the list at the same time");
}

/* sip.go:437 upgrades `dispatch_rule` before anything else, so that form answers media {}
 * where the flat form the Node SDK sends answers null; an update upgrades the result
 * (livekit/sip.go:869), a replace does not (livekit/sip.go:884). */
static void media_defaults(void **state)
{
    struct h_lk *lk = *state;
    cJSON *r = h_lk_expect(lk, "CreateSIPDispatchRule",
                           "{\"dispatch_rule\":{" DIRECT("") ",\"trunk_ids\":[\"ST_1\"]}}", 200);
    assert_string_equal(h_lk_media(r), "{\"only_listed_codecs\":false,\"codecs\":[]}");
    cJSON_Delete(r);
    r = h_lk_expect(lk, "CreateSIPDispatchRule", "{" DIRECT("") ",\"trunkIds\":[\"ST_2\"]}", 200);
    assert_string_equal(h_lk_media(r), "null");
    char body[256];
    snprintf(body, sizeof(body), "{\"sip_dispatch_rule_id\":\"%s\",\"update\":{\"name\":\"n\"}}",
             cJSON_GetObjectItem(r, "sip_dispatch_rule_id")->valuestring);
    cJSON_Delete(r);
    r = h_lk_expect(lk, "UpdateSIPDispatchRule", body, 200);
    assert_string_equal(h_lk_media(r), "{\"only_listed_codecs\":false,\"codecs\":[]}");
    assert_string_equal(cJSON_GetObjectItem(r, "name")->valuestring, "n");
    cJSON_Delete(r);
    r = h_lk_expect(
        lk, "CreateSIPDispatchRule",
        "{\"dispatch_rule\":{" DIRECT("") ",\"trunk_ids\":[\"ST_3\"],\"media_encryption\":"
                                          "\"SIP_MEDIA_ENCRYPT_REQUIRE\"}}",
        200);
    assert_string_equal(h_lk_media(r), "{\"only_listed_codecs\":false,\"codecs\":[],"
                                       "\"encryption\":\"SIP_MEDIA_ENCRYPT_REQUIRE\"}");
    cJSON_Delete(r);
}

/* sip.go:565-581: delete needs an id, 404s an unknown one and answers the deleted rule. */
static void delete_rule(void **state)
{
    struct h_lk *lk = *state;
    invalid(lk, "DeleteSIPDispatchRule", "{}", "dispatch rule ID is required");
    cJSON *j =
        h_lk_expect(lk, "DeleteSIPDispatchRule", "{\"sip_dispatch_rule_id\":\"SDR_x\"}", 404);
    assert_string_equal(cJSON_GetObjectItem(j, "msg")->valuestring,
                        "requested sip dispatch rule does not exist");
    cJSON_Delete(j);
    rule(lk, "{\"sip_dispatch_rule_id\":\"SDR_a\",\"name\":\"gone\"," DIRECT("") "}");
    j = h_lk_expect(lk, "DeleteSIPDispatchRule", "{\"sip_dispatch_rule_id\":\"SDR_a\"}", 200);
    assert_string_equal(cJSON_GetObjectItem(j, "name")->valuestring, "gone");
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(conflict_key_and_wording, h_lk_setup, h_lk_teardown),
        cmocka_unit_test_setup_teardown(numbers_in_the_key, h_lk_setup, h_lk_teardown),
        cmocka_unit_test_setup_teardown(conflict_named_in_walk_order, h_lk_setup, h_lk_teardown),
        cmocka_unit_test_setup_teardown(flat_trunk_ids_choose_the_walk, h_lk_setup, h_lk_teardown),
        cmocka_unit_test_setup_teardown(stored_conflicts_fail_the_walk, h_lk_setup, h_lk_teardown),
        cmocka_unit_test_setup_teardown(rule_member_required, h_lk_setup, h_lk_teardown),
        cmocka_unit_test_setup_teardown(media_defaults, h_lk_setup, h_lk_teardown),
        cmocka_unit_test_setup_teardown(delete_rule, h_lk_setup, h_lk_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
