/* test_lk_lists.c: the List calls as livekit-server computes them, through fake_livekit's
 * Twirp handler in memory: items sorted by id (livekit/livekit pkg/service/redisstore_sip.go
 * sortPage, redisstore.go:1081), filters that leave unknown ids out
 * (livekit/protocol livekit/sip.go:1080, 1148), page.after_id compared as text
 * (livekit/types.go:206, redisstore.go:1061) and page.limit as the size of each page the
 * server reads, page after page until one keeps nothing (livekit/types.go:416-441). */
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
    if (h_lk_open(&lk) != 0)
        return -1;
    /* Stored out of id order; ST_b and ST_c share +2; ST_d has no numbers. */
    static const char *const trunks[] = {
        "{\"sip_trunk_id\":\"ST_c\",\"numbers\":[\"+2\"]}",
        "{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+1\"]}",
        "{\"sip_trunk_id\":\"ST_d\",\"auth_username\":\"u\"}",
        "{\"sip_trunk_id\":\"ST_b\",\"numbers\":[\"+1 (2)\",\"2\"]}",
    };
    static const char *const rules[] = {
        "{\"sip_dispatch_rule_id\":\"SDR_z\",\"rule\":{\"dispatch_rule_direct\":{}},"
        "\"trunk_ids\":[\"ST_a\"]}",
        "{\"sip_dispatch_rule_id\":\"SDR_m\",\"rule\":{\"dispatch_rule_direct\":{}}}",
        "{\"sip_dispatch_rule_id\":\"SDR_A\",\"rule\":{\"dispatch_rule_direct\":{}},"
        "\"trunk_ids\":[\"ST_b\"]}",
    };
    for (size_t i = 0; i < sizeof(trunks) / sizeof(trunks[0]); i++) {
        if (h_lk_put(&lk, "inbound", trunks[i]) != 0)
            return -1;
    }
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        if (h_lk_put(&lk, "rule", rules[i]) != 0)
            return -1;
    }
    return h_lk_put(&lk, "outbound",
                    "{\"sip_trunk_id\":\"ST_bb\",\"address\":\"h\",\"numbers\":[\"+9\"]}");
}

static int teardown(void **state)
{
    h_lk_close(*state);
    return 0;
}

/* The ids method answers for body, comma-separated. */
static void ids(struct h_lk *lk, const char *method, const char *body, const char *want)
{
    unsigned status = 0;
    char got[512] = "";
    cJSON *j = h_lk_json(lk, method, body, &status);
    if (status != 200)
        fail_msg("%s %s: status %u", method, body, status);
    const cJSON *items = cJSON_GetObjectItem(j, "items");
    for (const cJSON *e = items ? items->child : NULL; e; e = e->next) {
        const cJSON *id = cJSON_GetObjectItem(e, "sip_trunk_id");
        if (!id)
            id = cJSON_GetObjectItem(e, "sip_dispatch_rule_id");
        size_t n = strlen(got);
        snprintf(got + n, sizeof(got) - n, "%s%s", n ? "," : "", id->valuestring);
    }
    cJSON_Delete(j);
    if (strcmp(got, want) != 0)
        fail_msg("%s %s: [%s], want [%s]", method, body, got, want);
}

/* redisstore_sip.go:198 (sortPage): every list in id order, whatever the creation order. */
static void sorted_by_id(void **state)
{
    struct h_lk *lk = *state;
    ids(lk, "ListSIPInboundTrunk", "{}", "ST_a,ST_b,ST_c,ST_d");
    ids(lk, "ListSIPDispatchRule", "{}", "SDR_A,SDR_m,SDR_z"); /* text order: 'A' < 'm' */
    ids(lk, "ListSIPOutboundTrunk", "{}", "ST_bb");
    /* The deprecated ListSIPTrunk merges both kinds, sorted (redisstore_sip.go:140-173). */
    ids(lk, "ListSIPTrunk", "{}", "ST_a,ST_b,ST_bb,ST_c,ST_d");
    ids(lk, "ListSIPTrunk", "{\"page\":{\"afterId\":\"ST_b\",\"limit\":1}}", "ST_bb,ST_c,ST_d");
}

/* livekit/sip.go:1084, 1152: the store applies Filter, never FilterSlice: an unknown id keeps
 * nothing (no null item) and the answer keeps id order, not the request's order. */
static void id_filters(void **state)
{
    struct h_lk *lk = *state;
    ids(lk, "ListSIPInboundTrunk", "{\"trunkIds\":[\"ST_c\",\"ST_x\",\"ST_a\"]}", "ST_a,ST_c");
    ids(lk, "ListSIPInboundTrunk", "{\"trunkIds\":[\"ST_x\"]}", "");
    ids(lk, "ListSIPDispatchRule", "{\"dispatchRuleIds\":[\"SDR_z\",\"SDR_q\",\"SDR_A\"]}",
        "SDR_A,SDR_z");
    /* Numbers compare normalised for inbound trunks (sip.go:1094); a trunk without numbers
     * is a wildcard and always kept; a trunk filter keeps rules without trunks. */
    ids(lk, "ListSIPInboundTrunk", "{\"numbers\":[\"+2\"]}", "ST_b,ST_c,ST_d");
    ids(lk, "ListSIPInboundTrunk", "{\"numbers\":[\"1 (2)\"]}", "ST_b,ST_d");
    ids(lk, "ListSIPDispatchRule", "{\"trunkIds\":[\"ST_b\"]}", "SDR_A,SDR_m");
    /* Outbound numbers compare as text only (sip.go:1126). */
    ids(lk, "ListSIPOutboundTrunk", "{\"numbers\":[\"9\"]}", "");
    ids(lk, "ListSIPOutboundTrunk", "{\"numbers\":[\"+9\"]}", "ST_bb");
}

/* livekit/types.go:206 and redisstore.go:1061: after_id keeps ids greater than it as text,
 * whether or not it names a stored item. */
static void after_id_as_text(void **state)
{
    struct h_lk *lk = *state;
    ids(lk, "ListSIPInboundTrunk", "{\"page\":{\"afterId\":\"ST_a\"}}", "ST_b,ST_c,ST_d");
    ids(lk, "ListSIPInboundTrunk", "{\"page\":{\"afterId\":\"ST_bz\"}}", "ST_c,ST_d");
    ids(lk, "ListSIPInboundTrunk", "{\"page\":{\"afterId\":\"ST_d\"}}", "");
    ids(lk, "ListSIPInboundTrunk", "{\"page\":{\"afterId\":\"\"}}", "ST_a,ST_b,ST_c,ST_d");
    ids(lk, "ListSIPDispatchRule", "{\"page\":{\"afterId\":\"SDR_Z\"}}", "SDR_m,SDR_z");
}

/* livekit/types.go:416-441: the server reads page after page of `limit` ids, so a limit
 * does not cap the answer; a page whose ids all fail the filter ends the list
 * (types.go:437), even when later ids would pass. */
static void limit_reads_pages(void **state)
{
    struct h_lk *lk = *state;
    ids(lk, "ListSIPInboundTrunk", "{\"page\":{\"limit\":1}}", "ST_a,ST_b,ST_c,ST_d");
    ids(lk, "ListSIPInboundTrunk", "{\"page\":{\"limit\":2,\"afterId\":\"ST_a\"}}",
        "ST_b,ST_c,ST_d");
    ids(lk, "ListSIPInboundTrunk", "{\"page\":{\"limit\":-5}}", "ST_a,ST_b,ST_c,ST_d");
    /* Page [ST_a] keeps nothing for +2: the list ends there. */
    ids(lk, "ListSIPInboundTrunk", "{\"numbers\":[\"+2\"],\"page\":{\"limit\":1}}", "");
    /* Page [ST_a, ST_b] keeps ST_b; the next read starts after it. */
    ids(lk, "ListSIPInboundTrunk", "{\"numbers\":[\"+2\"],\"page\":{\"limit\":2}}",
        "ST_b,ST_c,ST_d");
    ids(lk, "ListSIPInboundTrunk", "{\"trunkIds\":[\"ST_d\"],\"page\":{\"limit\":3}}", "");
    ids(lk, "ListSIPInboundTrunk", "{\"trunkIds\":[\"ST_d\"],\"page\":{\"limit\":4}}", "ST_d");
    ids(lk, "ListSIPDispatchRule", "{\"dispatchRuleIds\":[\"SDR_z\"],\"page\":{\"limit\":2}}", "");
    ids(lk, "ListSIPDispatchRule", "{\"dispatchRuleIds\":[\"SDR_z\"],\"page\":{}}", "SDR_z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sorted_by_id),
        cmocka_unit_test(id_filters),
        cmocka_unit_test(after_id_as_text),
        cmocka_unit_test(limit_reads_pages),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
