/* test_lk_trunks.c: the number-conflict rule of inbound trunks (livekit/protocol
 * ValidateTrunks), create validation, number normalisation and the list filters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_livekit/dispatch.h"
#include "fake_livekit/trunks.h"

struct conflict_case {
    const char *name;
    const char *existing; /* JSON array of sparse trunks */
    const char *trunk;
    const char *want; /* NULL: no conflict */
};

static const struct conflict_case conflicts[] = {
    {"same number, no AllowedNumbers", "[{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+1510\"]}]",
     "{\"numbers\":[\"+1510\"]}",
     "Conflicting inbound SIP Trunks: \"<new>\" and \"ST_a\", using the same number(s) "
     "[\"+1510\"] without AllowedNumbers set"},
    {"all numbers printed", "[{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+2\"]}]",
     "{\"numbers\":[\"+1\",\"+2\"]}",
     "Conflicting inbound SIP Trunks: \"<new>\" and \"ST_a\", using the same number(s) "
     "[\"+1\" \"+2\"] without AllowedNumbers set"},
    {"earliest holder named",
     "[{\"sip_trunk_id\":\"ST_x\",\"numbers\":[\"+9\"]},"
     "{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+1\"]},"
     "{\"sip_trunk_id\":\"ST_b\",\"numbers\":[\"+1\"]}]",
     "{\"numbers\":[\"+1\"]}",
     "Conflicting inbound SIP Trunks: \"<new>\" and \"ST_a\", using the same number(s) "
     "[\"+1\"] without AllowedNumbers set"},
    {"different numbers", "[{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+1510\"]}]",
     "{\"numbers\":[\"+1511\"]}", NULL},
    {"AllowedNumbers on the new one tell them apart",
     "[{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+1\"]}]",
     "{\"numbers\":[\"+1\"],\"allowed_numbers\":[\"+555\"]}", NULL},
    {"disjoint AllowedNumbers",
     "[{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+1\"],\"allowed_numbers\":[\"+555\"]}]",
     "{\"numbers\":[\"+1\"],\"allowed_numbers\":[\"+666\"]}", NULL},
    {"same AllowedNumber, '+' added",
     "[{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+1\"],\"allowed_numbers\":[\"555\"]}]",
     "{\"numbers\":[\"+1\"],\"allowed_numbers\":[\"+666\",\"+555\"]}",
     "Conflicting inbound SIP Trunks: \"<new>\" and \"ST_a\", using the same number(s) "
     "[\"+1\"] and AllowedNumber \"+555\""},
    {"two wildcard trunks", "[{\"sip_trunk_id\":\"ST_a\",\"auth_username\":\"u\"}]",
     "{\"allowed_addresses\":[\"10.0.0.0/8\"]}",
     "Conflicting inbound SIP Trunks: \"<new>\" and \"ST_a\", using the same number(s) <any> "
     "without AllowedNumbers set"},
    {"wildcard and numbered trunk", "[{\"sip_trunk_id\":\"ST_a\",\"auth_username\":\"u\"}]",
     "{\"numbers\":[\"+1\"]}", NULL},
    {"update skips itself", "[{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+1\"]}]",
     "{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+1\",\"+2\"]}", NULL},
    {"update names itself first",
     "[{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+1\"]},"
     "{\"sip_trunk_id\":\"ST_b\",\"numbers\":[\"+2\"]}]",
     "{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+2\"]}",
     "Conflicting inbound SIP Trunks: \"ST_a\" and \"ST_b\", using the same number(s) "
     "[\"+2\"] without AllowedNumbers set"},
    {"nothing stored", "[]", "{\"numbers\":[\"+1\"]}", NULL},
};

static void number_conflicts(void **state)
{
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(conflicts) / sizeof(conflicts[0]); i++) {
        const struct conflict_case *c = &conflicts[i];
        struct fk_error err = {{0}};
        cJSON *existing = cJSON_Parse(c->existing);
        cJSON *trunk = cJSON_Parse(c->trunk);
        assert_non_null(existing);
        assert_non_null(trunk);
        int rc = lk_inbound_conflict(existing, trunk, &err);
        if (c->want) {
            if (rc != FK_EINVAL)
                fail_msg("%s: no conflict found", c->name);
            assert_string_equal(err.msg, c->want);
        } else if (rc != 0) {
            fail_msg("%s: unexpected conflict: %s", c->name, err.msg);
        }
        cJSON_Delete(existing);
        cJSON_Delete(trunk);
    }
}

struct valid_case {
    bool inbound;
    const char *trunk;
    const char *want; /* NULL: valid */
};

static const struct valid_case validations[] = {
    {true, "{\"numbers\":[\"+1\"]}", NULL},
    {true, "{\"auth_username\":\"u\"}", NULL},
    {true, "{\"allowed_addresses\":[\"1.2.3.4/32\"]}", NULL},
    {true, "{\"name\":\"only a name\"}",
     "for security, one of the fields must be set: AuthUsername+AuthPassword, "
     "AllowedAddresses or Numbers"},
    {false, "{\"address\":\"sip.example.com\",\"numbers\":[\"+1\"]}", NULL},
    {false, "{\"address\":\"sip.example.com\"}", "no trunk numbers specified"},
    {false, "{\"numbers\":[\"+1\"]}", "no outbound address specified"},
    {false, "{\"address\":\"sip:x@example.com\",\"numbers\":[\"+1\"]}",
     "trunk address should be a hostname or IP, not SIP URI"},
    {false, "{\"address\":\"example.com;transport=tcp\",\"numbers\":[\"+1\"]}",
     "trunk address should not contain transport parameter"},
    {false, "{\"address\":\"example.com\",\"numbers\":[\"+1\"],\"from_host\":\"a@b\"}",
     "from_host should be a hostname or IP, not SIP URI"},
};

static void create_validation(void **state)
{
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(validations) / sizeof(validations[0]); i++) {
        const struct valid_case *c = &validations[i];
        struct fk_error err = {{0}};
        cJSON *t = cJSON_Parse(c->trunk);
        int rc = c->inbound ? lk_inbound_validate(t, &err) : lk_outbound_validate(t, &err);
        if (c->want) {
            assert_int_equal(rc, FK_EINVAL);
            assert_string_equal(err.msg, c->want);
        } else if (rc != 0) {
            fail_msg("%s: %s", c->trunk, err.msg);
        }
        cJSON_Delete(t);
    }
}

static void normalize_numbers(void **state)
{
    static const char *const cases[][2] = {
        {"+1 (510) 555-0100", "+15105550100"},
        {"15105550100", "+15105550100"},
        {"+15105550100", "+15105550100"},
        {"sip-user", "sip-user"},
        {"", ""},
        {"1+2", "1+2"},
    };
    char out[64];
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        lk_normalize_number(cases[i][0], out, sizeof(out));
        assert_string_equal(out, cases[i][1]);
    }
}

/* Run lk_filter_list and return the ids kept, comma-separated ("-" for a null item). */
static void filtered_ids(const char *items, const char *req, const char *idkey,
                         const char *idsfield, const char *numfield, char *out, size_t outlen)
{
    cJSON *r = cJSON_Parse(req);
    cJSON *arr = lk_filter_list(cJSON_Parse(items), r, idkey, idsfield, numfield, true);
    out[0] = '\0';
    assert_non_null(arr);
    for (const cJSON *e = arr->child; e; e = e->next) {
        const cJSON *id = cJSON_GetObjectItem(e, idkey);
        strncat(out, cJSON_IsNull(e) ? "-" : id->valuestring, outlen - strlen(out) - 1);
        if (e->next)
            strncat(out, ",", outlen - strlen(out) - 1);
    }
    cJSON_Delete(arr);
    cJSON_Delete(r);
}

static void list_filters(void **state)
{
    static const char trunks[] = "[{\"sip_trunk_id\":\"A\",\"numbers\":[\"+1\"]},"
                                 "{\"sip_trunk_id\":\"B\",\"numbers\":[\"+2\"]},"
                                 "{\"sip_trunk_id\":\"C\"}]";
    static const char rules[] = "[{\"sip_dispatch_rule_id\":\"R1\",\"trunk_ids\":[\"A\"]},"
                                "{\"sip_dispatch_rule_id\":\"R2\",\"trunk_ids\":[\"B\"]},"
                                "{\"sip_dispatch_rule_id\":\"R3\"}]";
    static const struct {
        const char *items, *req, *idkey, *idsfield, *numfield, *want;
    } cases[] = {
        {trunks, "{}", "sip_trunk_id", "trunk_ids", "numbers", "A,B,C"},
        {trunks, "{\"numbers\":[\"1\"]}", "sip_trunk_id", "trunk_ids", "numbers", "A,C"},
        {trunks, "{\"trunk_ids\":[\"C\",\"X\",\"A\"]}", "sip_trunk_id", "trunk_ids", "numbers",
         "C,-,A"},
        {trunks, "{\"page\":{\"after_id\":\"A\",\"limit\":1}}", "sip_trunk_id", "trunk_ids",
         "numbers", "B"},
        {rules, "{\"trunk_ids\":[\"B\"]}", "sip_dispatch_rule_id", "dispatch_rule_ids", "trunk_ids",
         "R2,R3"},
        {rules, "{\"dispatch_rule_ids\":[\"R3\",\"R1\"]}", "sip_dispatch_rule_id",
         "dispatch_rule_ids", "trunk_ids", "R3,R1"},
    };
    char got[128];
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        filtered_ids(cases[i].items, cases[i].req, cases[i].idkey, cases[i].idsfield,
                     cases[i].numfield, got, sizeof(got));
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("%s: got %s, want %s", cases[i].req, got, cases[i].want);
    }
}

static void dispatch_rule_conflicts(void **state)
{
    static const struct {
        const char *existing, *rule, *want;
    } cases[] = {
        {"[{\"sip_dispatch_rule_id\":\"SDR_a\",\"rule\":{\"dispatch_rule_direct\":{}}}]",
         "{\"rule\":{\"dispatch_rule_individual\":{\"room_prefix\":\"c-\"}}}",
         "Conflicting SIP Dispatch Rules: same Trunk+Number+PIN combination for for \"<new>\" "
         "and \"SDR_a\""},
        {"[{\"sip_dispatch_rule_id\":\"SDR_a\",\"rule\":{\"dispatch_rule_direct\":{}},"
         "\"trunk_ids\":[\"ST_1\"]}]",
         "{\"rule\":{\"dispatch_rule_direct\":{}},\"trunk_ids\":[\"ST_2\"]}", NULL},
        {"[{\"sip_dispatch_rule_id\":\"SDR_a\",\"rule\":{\"dispatch_rule_direct\":{}},"
         "\"trunk_ids\":[\"ST_1\"]}]",
         "{\"rule\":{\"dispatch_rule_direct\":{\"pin\":\"1234\"}},\"trunk_ids\":[\"ST_1\"]}", NULL},
        {"[{\"sip_dispatch_rule_id\":\"SDR_a\",\"rule\":{\"dispatch_rule_direct\":{}},"
         "\"trunk_ids\":[\"ST_1\"]}]",
         "{\"rule\":{\"dispatch_rule_callee\":{}},\"trunk_ids\":[\"ST_2\",\"ST_1\"]}",
         "Conflicting SIP Dispatch Rules: same Trunk+Number+PIN combination for for \"<new>\" "
         "and \"SDR_a\""},
        {"[{\"sip_dispatch_rule_id\":\"SDR_a\",\"rule\":{\"dispatch_rule_direct\":{}},"
         "\"inbound_numbers\":[\"+1\"]}]",
         "{\"rule\":{\"dispatch_rule_direct\":{}},\"inbound_numbers\":[\"1\"]}",
         "Conflicting SIP Dispatch Rules: same Trunk+Number+PIN combination for for \"<new>\" "
         "and \"SDR_a\""},
    };
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fk_error err = {{0}};
        cJSON *existing = cJSON_Parse(cases[i].existing);
        cJSON *rule = cJSON_Parse(cases[i].rule);
        int rc = lk_rule_conflict(existing, rule, &err);
        if (cases[i].want) {
            assert_int_equal(rc, FK_EINVAL);
            assert_string_equal(err.msg, cases[i].want);
        } else if (rc != 0) {
            fail_msg("case %zu: %s", i, err.msg);
        }
        cJSON_Delete(existing);
        cJSON_Delete(rule);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(number_conflicts),        cmocka_unit_test(create_validation),
        cmocka_unit_test(normalize_numbers),       cmocka_unit_test(list_filters),
        cmocka_unit_test(dispatch_rule_conflicts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
