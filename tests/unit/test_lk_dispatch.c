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

static int setup(void **state)
{
    static struct h_lk lk;
    *state = &lk;
    return h_lk_open(&lk);
}

static int teardown(void **state)
{
    h_lk_close(*state);
    return 0;
}

static cJSON *call(struct h_lk *lk, const char *method, const char *body, unsigned want)
{
    unsigned status = 0;
    cJSON *j = h_lk_json(lk, method, body, &status);
    if (status != want) {
        char *text = j ? cJSON_PrintUnformatted(j) : NULL;
        fail_msg("%s %s: status %u, want %u: %s", method, body, status, want, text ? text : "");
    }
    assert_non_null(j);
    return j;
}

static void fails(struct h_lk *lk, const char *method, const char *body, const char *msg)
{
    cJSON *j = call(lk, method, body, 400);
    assert_string_equal(cJSON_GetObjectItem(j, "code")->valuestring, "invalid_argument");
    if (strcmp(cJSON_GetObjectItem(j, "msg")->valuestring, msg) != 0)
        fail_msg("%s %s:\n got %s\nwant %s", method, body,
                 cJSON_GetObjectItem(j, "msg")->valuestring, msg);
    cJSON_Delete(j);
}

static void created(struct h_lk *lk, const char *body)
{
    cJSON_Delete(call(lk, "CreateSIPDispatchRule", body, 200));
}

static void stored(struct h_lk *lk, const char *json)
{
    if (h_lk_put(lk, "rule", json) != 0)
        fail_msg("cannot store %s", json);
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
    stored(
        lk,
        "{\"sip_dispatch_rule_id\":\"SDR_a\",\"name\":\"main\"," DIRECT(
            ",\"pin\":\"1\"") ",\"trunk_ids\":[\"ST_1\"],\"inbound_numbers\":[\"+14155550310\"]}");
    fails(lk, "CreateSIPDispatchRule",
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
    stored(lk, "{\"sip_dispatch_rule_id\":\"SDR_b\"," DIRECT("") ",\"numbers\":[\"+15550001\"]}");
    fails(lk, "CreateSIPDispatchRule",
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
    stored(lk, "{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT(",\"pin\":\"7\"") "}");
    stored(lk, "{\"sip_dispatch_rule_id\":\"SDR_b\"," DIRECT("") ",\"trunk_ids\":[\"ST_1\"]}");
    fails(lk, "CreateSIPDispatchRule", "{" DIRECT("") ",\"trunkIds\":[\"ST_1\"],\"name\":\"late\"}",
          EXISTS("<new>", "late"));
    /* A rule whose list repeats a key meets itself (no id check, sip/sip.go:226). */
    fails(lk, "CreateSIPDispatchRule",
          "{\"rule\":{\"dispatch_rule_callee\":{}},\"trunkIds\":[\"ST_5\",\"ST_5\"]}",
          EXISTS("<new>", "<blank name>"));
    fails(lk, "CreateSIPDispatchRule",
          "{\"rule\":{\"dispatch_rule_callee\":{}},\"inboundNumbers\":[\"+1\",\"1\"]}",
          EXISTS("<new>", "<blank name>"));
}

/* sip.go:452: with `dispatch_rule`, the walk is still chosen by the request's FLAT trunk_ids
 * (empty: every rule); flat trunk_ids that share nothing with the stored rule hide it. */
static void flat_trunk_ids_choose_the_walk(void **state)
{
    struct h_lk *lk = *state;
    stored(lk, "{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT("") ",\"trunk_ids\":[\"ST_1\"]}");
    fails(lk, "CreateSIPDispatchRule",
          "{\"dispatch_rule\":{" DIRECT("") ",\"trunk_ids\":[\"ST_1\"]}}",
          EXISTS("SDR_a", "<blank name>"));
    created(lk, "{\"trunk_ids\":[\"ST_8\"],\"dispatch_rule\":{" DIRECT(
                    "") ",\"trunk_ids\":[\"ST_1\"]}}");
}

/* sip/sip.go:278: a rule member that is not set fails GetPinAndRoom with a psrpc error, which
 * the service returns unwrapped (xtwirp ToError: "twirp error unknown: "); livekit/sip.go:842
 * refuses a rule that is absent altogether. */
static void rule_member_required(void **state)
{
    struct h_lk *lk = *state;
    fails(lk, "CreateSIPDispatchRule", "{\"rule\":{}}",
          "twirp error unknown: unsupported SIP Dispatch Rule: <nil>");
    fails(lk, "CreateSIPDispatchRule", "{}", "missing rule");
    fails(lk, "CreateSIPDispatchRule", "{\"dispatch_rule\":{}}", "missing rule");
    fails(lk, "CreateSIPDispatchRule",
          "{\"dispatch_rule\":{\"sip_dispatch_rule_id\":\"SDR_x\"," DIRECT("") "}}",
          "rule id must not be set");
    stored(lk, "{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT("") "}");
    fails(lk, "UpdateSIPDispatchRule",
          "{\"sip_dispatch_rule_id\":\"SDR_a\",\"update\":{\"rule\":{}}}",
          "twirp error unknown: unsupported SIP Dispatch Rule: <nil>");
    /* livekit/sip.go:812: the update request's own checks. */
    fails(lk, "UpdateSIPDispatchRule", "{\"update\":{}}", "rule id must be set");
    fails(lk, "UpdateSIPDispatchRule", "{\"sip_dispatch_rule_id\":\"SDR_a\"}",
          "missing or unsupported update action");
    fails(lk, "UpdateSIPDispatchRule",
          "{\"sip_dispatch_rule_id\":\"SDR_a\",\"replace\":{\"sip_dispatch_rule_id\":\"SDR_b\"}}",
          "rule id in the info must be empty or match the id in the update");
    fails(lk, "UpdateSIPDispatchRule", "{\"sip_dispatch_rule_id\":\"SDR_a\",\"replace\":{}}",
          "missing rule");
    fails(lk, "UpdateSIPDispatchRule",
          "{\"sip_dispatch_rule_id\":\"SDR_a\",\"update\":{\"trunk_ids\":{\"clear\":true,"
          "\"add\":[\"x\"]}}}",
          "cannot clear and change the list at the same time");
}

static const char *media_of(const cJSON *r)
{
    static char buf[256];
    char *s = cJSON_PrintUnformatted(cJSON_GetObjectItem(r, "media"));
    snprintf(buf, sizeof(buf), "%s", s ? s : "(none)");
    cJSON_free(s);
    return buf;
}

/* sip.go:437 upgrades `dispatch_rule` before anything else, so that form answers media {}
 * where the flat form the Node SDK sends answers null; an update upgrades the result
 * (livekit/sip.go:869), a replace does not (livekit/sip.go:884). */
static void media_defaults(void **state)
{
    struct h_lk *lk = *state;
    cJSON *r = call(lk, "CreateSIPDispatchRule",
                    "{\"dispatch_rule\":{" DIRECT("") ",\"trunk_ids\":[\"ST_1\"]}}", 200);
    assert_string_equal(media_of(r), "{\"only_listed_codecs\":false,\"codecs\":[]}");
    cJSON_Delete(r);
    r = call(lk, "CreateSIPDispatchRule", "{" DIRECT("") ",\"trunkIds\":[\"ST_2\"]}", 200);
    assert_string_equal(media_of(r), "null");
    char body[256];
    snprintf(body, sizeof(body), "{\"sip_dispatch_rule_id\":\"%s\",\"update\":{\"name\":\"n\"}}",
             cJSON_GetObjectItem(r, "sip_dispatch_rule_id")->valuestring);
    cJSON_Delete(r);
    r = call(lk, "UpdateSIPDispatchRule", body, 200);
    assert_string_equal(media_of(r), "{\"only_listed_codecs\":false,\"codecs\":[]}");
    assert_string_equal(cJSON_GetObjectItem(r, "name")->valuestring, "n");
    cJSON_Delete(r);
    r = call(lk, "CreateSIPDispatchRule",
             "{\"dispatch_rule\":{" DIRECT("") ",\"trunk_ids\":[\"ST_3\"],\"media_encryption\":"
                                               "\"SIP_MEDIA_ENCRYPT_REQUIRE\"}}",
             200);
    assert_string_equal(media_of(r), "{\"only_listed_codecs\":false,\"codecs\":[],"
                                     "\"encryption\":\"SIP_MEDIA_ENCRYPT_REQUIRE\"}");
    cJSON_Delete(r);
}

/* sip.go:565-581: delete needs an id, 404s an unknown one and answers the deleted rule. */
static void delete_rule(void **state)
{
    struct h_lk *lk = *state;
    fails(lk, "DeleteSIPDispatchRule", "{}", "dispatch rule ID is required");
    cJSON *j = call(lk, "DeleteSIPDispatchRule", "{\"sip_dispatch_rule_id\":\"SDR_x\"}", 404);
    assert_string_equal(cJSON_GetObjectItem(j, "msg")->valuestring,
                        "requested sip dispatch rule does not exist");
    cJSON_Delete(j);
    stored(lk, "{\"sip_dispatch_rule_id\":\"SDR_a\",\"name\":\"gone\"," DIRECT("") "}");
    j = call(lk, "DeleteSIPDispatchRule", "{\"sip_dispatch_rule_id\":\"SDR_a\"}", 200);
    assert_string_equal(cJSON_GetObjectItem(j, "name")->valuestring, "gone");
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(conflict_key_and_wording, setup, teardown),
        cmocka_unit_test_setup_teardown(numbers_in_the_key, setup, teardown),
        cmocka_unit_test_setup_teardown(conflict_named_in_walk_order, setup, teardown),
        cmocka_unit_test_setup_teardown(flat_trunk_ids_choose_the_walk, setup, teardown),
        cmocka_unit_test_setup_teardown(rule_member_required, setup, teardown),
        cmocka_unit_test_setup_teardown(media_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(delete_rule, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
