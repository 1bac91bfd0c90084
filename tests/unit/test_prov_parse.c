/* test_prov_parse.c: the provisioner's response parsers against hostile and truncated JSON.
 *
 * Every parser takes a parsed body (or NULL when the body did not parse) and must answer
 * 0 with the fields, or FK_EINVAL, for any input: wrong types, missing keys, oversize
 * strings, nesting, and every truncation of a valid answer. ASan/UBSan make a stray read
 * fail the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/jwt.h"
#include "provisioner/job.h"
#include "provisioner/livekit_api.h"
#include "provisioner/supabase_api.h"
#include "provisioner/twilio_api.h"

enum parser { P_SEARCH, P_NUMBER, P_LIST, P_USER, P_PHONE, P_JOB, P_LK_ID, P_LK_ITEMS, P_LK_RULES };

/* Run one parser on text; returns its rc (FK_EINVAL for unparseable text). */
static int run_parser(enum parser p, const char *text)
{
    cJSON *j = text ? cJSON_Parse(text) : NULL;
    struct fk_error err = {{0}};
    int rc = FK_EINVAL;
    switch (p) {
    case P_SEARCH: {
        struct prov_tw_candidates c;
        rc = prov_tw_parse_search(j, &c, &err);
        if (rc == 0)
            for (size_t i = 0; i < c.n; i++)
                assert_true(c.numbers[i][0] != '\0');
        break;
    }
    case P_NUMBER: {
        struct prov_tw_number n;
        rc = prov_tw_parse_number(j, &n, &err);
        break;
    }
    case P_LIST: {
        struct prov_tw_list l = {0};
        char *next = NULL;
        rc = prov_tw_parse_list(j, &l, &next, &err);
        prov_tw_list_cleanup(&l);
        free(next);
        break;
    }
    case P_USER: {
        char id[64];
        rc = prov_sb_parse_user(j, id, sizeof(id), &err);
        break;
    }
    case P_PHONE: {
        const cJSON *row = NULL;
        struct prov_sb_phone ph;
        rc = prov_sb_first_row(j, &row, &err);
        if (rc == 0)
            rc = row ? prov_sb_parse_phone(row, &ph, &err) : FK_ENOTFOUND;
        break;
    }
    case P_JOB: {
        const cJSON *row = NULL;
        struct prov_job job;
        rc = prov_sb_first_row(j, &row, &err);
        if (rc == 0)
            rc = row ? prov_job_parse(row, &job, &err) : FK_ENOTFOUND;
        break;
    }
    case P_LK_ID: {
        char id[64];
        rc = prov_lk_parse_id(j, "sip_trunk_id", "sipTrunkId", id, sizeof(id), &err);
        break;
    }
    case P_LK_ITEMS:
    case P_LK_RULES: {
        struct prov_lk_items *items = calloc(1, sizeof(*items));
        assert_non_null(items);
        rc = prov_lk_parse_items(j, p == P_LK_RULES, "ST_1", items, &err);
        prov_lk_items_cleanup(items);
        free(items);
        break;
    }
    }
    if (rc == FK_EINVAL)
        assert_true(err.msg[0] != '\0' || j == NULL);
    cJSON_Delete(j);
    return rc;
}

static const struct {
    enum parser p;
    const char *text;
    int want;
} cases[] = {
    /* Twilio search */
    {P_SEARCH, "{\"available_phone_numbers\":[{\"phone_number\":\"+14155550100\"}]}", 0},
    {P_SEARCH, "{\"available_phone_numbers\":[]}", 0},
    {P_SEARCH, "{\"available_phone_numbers\":null}", FK_EINVAL},
    {P_SEARCH, "{\"available_phone_numbers\":{}}", FK_EINVAL},
    {P_SEARCH, "{\"available_phone_numbers\":[1,2]}", FK_EINVAL},
    {P_SEARCH, "{\"available_phone_numbers\":[{\"phone_number\":17}]}", FK_EINVAL},
    {P_SEARCH, "{\"available_phone_numbers\":[{\"phone_number\":\"\"}]}", FK_EINVAL},
    {P_SEARCH, "[]", FK_EINVAL},
    {P_SEARCH, "\"str\"", FK_EINVAL},
    {P_SEARCH, "null", FK_EINVAL},
    {P_SEARCH, NULL, FK_EINVAL},
    /* Twilio number */
    {P_NUMBER, "{\"sid\":\"PNabc\",\"phone_number\":\"+1\",\"friendly_name\":\"prov:x\"}", 0},
    {P_NUMBER, "{\"sid\":\"PNabc\",\"phone_number\":\"+1\",\"friendly_name\":7}", 0},
    {P_NUMBER, "{\"sid\":\"XXabc\",\"phone_number\":\"+1\"}", FK_EINVAL},
    {P_NUMBER, "{\"sid\":null,\"phone_number\":\"+1\"}", FK_EINVAL},
    {P_NUMBER, "{\"sid\":\"PNabc\"}", FK_EINVAL},
    {P_NUMBER, "{\"sid\":[\"PN\"],\"phone_number\":\"+1\"}", FK_EINVAL},
    {P_NUMBER, "{\"code\":21422,\"message\":\"x\"}", FK_EINVAL},
    /* Twilio list */
    {P_LIST, "{\"incoming_phone_numbers\":[],\"next_page_uri\":null}", 0},
    {P_LIST,
     "{\"incoming_phone_numbers\":[{\"sid\":\"PN1\",\"phone_number\":\"+1\"}],"
     "\"next_page_uri\":\"/2010-04-01/x?Page=1\"}",
     0},
    {P_LIST, "{\"incoming_phone_numbers\":[{\"sid\":\"PN1\"}]}", FK_EINVAL},
    {P_LIST, "{\"incoming_phone_numbers\":\"[]\"}", FK_EINVAL},
    {P_LIST, "{}", FK_EINVAL},
    /* GoTrue user */
    {P_USER, "{\"id\":\"u-1\",\"aud\":\"authenticated\"}", 0},
    {P_USER, "{\"user\":{\"id\":\"u-1\"}}", 0},
    {P_USER, "{\"id\":1}", FK_EINVAL},
    {P_USER, "{\"id\":\"\"}", FK_EINVAL},
    {P_USER, "{\"user\":\"u-1\"}", FK_EINVAL},
    {P_USER, "[{\"id\":\"u\"}]", FK_EINVAL},
    /* PostgREST rows */
    {P_PHONE,
     "[{\"user_id\":\"u\",\"phone_number\":\"+1\",\"twilio_sid\":\"PN1\","
     "\"livekit_trunk_id\":null,\"dispatch_rule_id\":null}]",
     0},
    {P_PHONE, "[]", FK_ENOTFOUND},
    {P_PHONE, "{\"user_id\":\"u\"}", FK_EINVAL},
    {P_PHONE, "[1]", FK_EINVAL},
    {P_PHONE, "[{\"user_id\":\"u\",\"phone_number\":\"+1\"}]", FK_EINVAL},
    {P_PHONE, "[{\"user_id\":\"u\",\"phone_number\":\"+1\",\"twilio_sid\":{}}]", FK_EINVAL},
    {P_PHONE,
     "[{\"user_id\":\"u\",\"phone_number\":\"+1\",\"twilio_sid\":\"PN1\","
     "\"status\":true}]",
     FK_EINVAL},
    {P_JOB,
     "[{\"id\":\"j\",\"user_id\":\"u\",\"status\":\"running\",\"step\":\"stored\","
     "\"attempts\":3,\"owner\":null,\"lease_expires_at\":null}]",
     0},
    {P_JOB, "[{\"id\":\"j\",\"user_id\":\"u\",\"attempts\":\"3\"}]", FK_EINVAL},
    {P_JOB, "[{\"user_id\":\"u\"}]", FK_EINVAL},
    {P_JOB, "[{\"id\":\"j\",\"user_id\":\"u\",\"step\":[]}]", FK_EINVAL},
    {P_JOB, "[{\"id\":\"j\",\"user_id\":\"u\",\"step\":\"trunk_created\"}]", 0},
    {P_JOB, "[{\"id\":\"j\",\"user_id\":\"u\",\"step\":\"bogus\"}]", FK_EINVAL},
    /* LiveKit */
    {P_LK_ID, "{\"sip_trunk_id\":\"ST_abc\"}", 0},
    {P_LK_ID, "{\"sipTrunkId\":\"ST_abc\"}", 0},
    {P_LK_ID, "{\"sip_trunk_id\":\"\"}", FK_EINVAL},
    {P_LK_ID, "{\"code\":\"not_found\",\"msg\":\"x\"}", FK_EINVAL},
    {P_LK_ITEMS, "{\"items\":[{\"sip_trunk_id\":\"ST_1\",\"name\":\"prov-j\"}]}", 0},
    {P_LK_ITEMS, "{}", 0},
    {P_LK_ITEMS, "{\"items\":null}", 0},
    {P_LK_ITEMS, "{\"items\":{}}", FK_EINVAL},
    {P_LK_ITEMS, "{\"items\":[{\"name\":\"x\"}]}", FK_EINVAL},
    {P_LK_RULES, "{\"items\":[{\"sip_dispatch_rule_id\":\"SDR_1\",\"trunk_ids\":[\"ST_1\"]}]}", 0},
    {P_LK_RULES, "{\"items\":[{\"sipDispatchRuleId\":\"SDR_1\",\"trunkIds\":[7,null]}]}", 0},
    {P_LK_RULES, "{\"items\":[{\"sip_dispatch_rule_id\":\"SDR_1\",\"trunk_ids\":\"ST_1\"}]}",
     FK_EINVAL},
};

static void test_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = run_parser(cases[i].p, cases[i].text);
        if (rc != cases[i].want)
            fail_msg("case %zu (%s): rc %d want %d", i, cases[i].text ? cases[i].text : "NULL", rc,
                     cases[i].want);
    }
}

static void test_every_truncation(void **state)
{
    (void)state;
    /* Every prefix of every valid case either parses to a valid answer or is refused. */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (cases[i].want != 0 || cases[i].text == NULL)
            continue;
        size_t n = strlen(cases[i].text);
        char *buf = malloc(n + 1);
        assert_non_null(buf);
        for (size_t k = 0; k < n; k++) {
            memcpy(buf, cases[i].text, k);
            buf[k] = '\0';
            int rc = run_parser(cases[i].p, buf);
            assert_true(rc == 0 || rc == FK_EINVAL || rc == FK_ENOTFOUND);
        }
        free(buf);
    }
}

static void test_oversize_and_deep(void **state)
{
    (void)state;
    /* A phone number longer than any field: refused, never truncated into a wrong number. */
    size_t big = 10000;
    char *s = malloc(big + 100);
    assert_non_null(s);
    int n = snprintf(s, big + 100, "{\"available_phone_numbers\":[{\"phone_number\":\"");
    memset(s + n, '1', big);
    snprintf(s + n + big, 100, "\"}]}");
    assert_int_equal(run_parser(P_SEARCH, s), FK_EINVAL);
    snprintf(s, big + 100, "{\"id\":\"");
    memset(s + 7, 'a', big);
    snprintf(s + 7 + big, 100, "\"}");
    assert_int_equal(run_parser(P_USER, s), FK_EINVAL);
    free(s);

    /* Deep nesting: cJSON refuses past its limit; the parser just says no. */
    size_t depth = 5000;
    char *d = malloc(depth * 2 + 1);
    assert_non_null(d);
    memset(d, '[', depth);
    memset(d + depth, ']', depth);
    d[depth * 2] = '\0';
    assert_int_equal(run_parser(P_LK_ITEMS, d), FK_EINVAL);
    assert_int_equal(run_parser(P_PHONE, d), FK_EINVAL);
    free(d);
}

static void test_many_candidates_capped(void **state)
{
    (void)state;
    char *s = malloc(64 * 1024);
    assert_non_null(s);
    size_t off = (size_t)snprintf(s, 64 * 1024, "{\"available_phone_numbers\":[");
    for (int i = 0; i < 200; i++)
        off += (size_t)snprintf(s + off, 64 * 1024 - off, "%s{\"phone_number\":\"+1555%07d\"}",
                                i ? "," : "", i);
    snprintf(s + off, 64 * 1024 - off, "]}");
    cJSON *j = cJSON_Parse(s);
    struct prov_tw_candidates c;
    struct fk_error err = {{0}};
    assert_int_equal(prov_tw_parse_search(j, &c, &err), 0);
    assert_int_equal(c.n, PROV_TW_MAX_CANDIDATES);
    assert_string_equal(c.numbers[0], "+15550000000");
    cJSON_Delete(j);
    free(s);
}

static void test_error_codes(void **state)
{
    (void)state;
    cJSON *tw = cJSON_Parse("{\"code\":21422,\"message\":\"x\",\"status\":400}");
    cJSON *tws = cJSON_Parse("{\"code\":\"20429\"}");
    cJSON *pg = cJSON_Parse("{\"code\":\"23505\",\"message\":\"dup\"}");
    cJSON *arr = cJSON_Parse("[1]");
    assert_int_equal(prov_tw_error_code(tw), 21422);
    assert_int_equal(prov_tw_error_code(tws), 20429);
    assert_int_equal(prov_tw_error_code(arr), 0);
    assert_int_equal(prov_tw_error_code(NULL), 0);
    assert_string_equal(prov_sb_error_code(pg), "23505");
    assert_string_equal(prov_sb_error_code(tw), "");
    assert_string_equal(prov_sb_error_code(NULL), "");
    cJSON_Delete(tw);
    cJSON_Delete(tws);
    cJSON_Delete(pg);
    cJSON_Delete(arr);
}

static void test_tag_fits_friendly_name(void **state)
{
    (void)state;
    char tag[80];
    prov_tw_tag("0b1c2d3e-4f50-4162-8374-8596a7b8c9d0", tag);
    assert_string_equal(tag, "prov:0b1c2d3e-4f50-4162-8374-8596a7b8c9d0");
    char longid[200];
    memset(longid, 'x', sizeof(longid) - 1);
    longid[sizeof(longid) - 1] = '\0';
    prov_tw_tag(longid, tag);
    assert_int_equal(strlen(tag), 64); /* Twilio's FriendlyName limit */
}

/* LiveKit's sip.NormalizeNumber: digits, spaces, dashes and parentheses after an optional '+'
 * lose the spaces, dashes and parentheses and gain a '+'; anything else stays as it is. */
static void test_livekit_number_normalisation(void **state)
{
    (void)state;
    static const char *const norm_cases[][2] = {
        {"+14155550100", "+14155550100"},     {"14155550100", "+14155550100"},
        {"1 (415) 555-0100", "+14155550100"}, {"+1 415-555-0100", "+14155550100"},
        {"4155550100", "+4155550100"},        {"", ""},
        {"sip:+1415", "sip:+1415"},           {"+1.415.555", "+1.415.555"},
    };
    char out[64];
    for (size_t i = 0; i < sizeof(norm_cases) / sizeof(norm_cases[0]); i++) {
        prov_lk_normalize(norm_cases[i][0], out, sizeof(out));
        assert_string_equal(out, norm_cases[i][1]);
    }
}

/* A list answer's items say whether they hold the number or the trunk asked for, whatever
 * their order: a trunk without numbers (which LiveKit lists for any number) holds none. */
static void test_livekit_items_by_content(void **state)
{
    (void)state;
    cJSON *trunks = cJSON_Parse(
        "{\"items\":[{\"sip_trunk_id\":\"ST_0\",\"name\":\"catch-all\"},"
        "{\"sip_trunk_id\":\"ST_1\",\"name\":\"prov-j\",\"numbers\":[\"1 (415) 555-0100\"]},"
        "{\"sip_trunk_id\":\"ST_2\",\"name\":\"prov-j\",\"numbers\":[\"+14155550199\"]}]}");
    cJSON *rules =
        cJSON_Parse("{\"items\":[{\"sip_dispatch_rule_id\":\"SDR_0\"},"
                    "{\"sip_dispatch_rule_id\":\"SDR_1\",\"trunk_ids\":[\"ST_9\",\"ST_1\"]}]}");
    struct prov_lk_items l = {0};
    struct fk_error err = {{0}};
    assert_int_equal(prov_lk_parse_items(trunks, false, "+14155550100", &l, &err), 0);
    assert_int_equal(l.n, 3);
    assert_false(l.items[0].has_number);
    assert_true(l.items[1].has_number);
    assert_false(l.items[2].has_number);
    assert_true(prov_lk_item_lists(&l.items[1], "+1 415 555 0100", true));
    assert_false(prov_lk_item_lists(&l.items[0], "+14155550100", true));
    assert_int_equal(prov_lk_parse_items(rules, true, "ST_1", &l, &err), 0);
    assert_int_equal(l.n, 2);
    assert_false(l.items[0].has_trunk);
    assert_true(l.items[1].has_trunk);
    assert_true(prov_lk_item_lists(&l.items[1], "ST_9", false));
    assert_false(prov_lk_item_lists(&l.items[1], "ST_", false));
    prov_lk_items_cleanup(&l);
    cJSON_Delete(trunks);
    cJSON_Delete(rules);
}

static void test_livekit_token_claims(void **state)
{
    (void)state;
    char *tok = prov_lk_token("devkey", "secret", 1000);
    assert_non_null(tok);
    cJSON *claims = NULL;
    assert_int_equal(fk_jwt_verify(tok, "secret", 1000, 0, true, &claims), FK_JWT_OK);
    assert_string_equal(cJSON_GetObjectItem(claims, "iss")->valuestring, "devkey");
    assert_int_equal(cJSON_GetObjectItem(claims, "exp")->valuedouble, 1600);
    assert_int_equal(cJSON_GetObjectItem(claims, "nbf")->valuedouble, 1000);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(claims, "sip"), "admin")));
    assert_non_null(cJSON_GetObjectItem(claims, "video"));
    assert_null(cJSON_GetObjectItem(claims, "sub"));
    cJSON_Delete(claims);
    /* header without typ, as the Node SDK sends */
    size_t hl = (size_t)(strchr(tok, '.') - tok), outlen = 0;
    unsigned char *hdr = fk_base64url_decode(tok, hl, &outlen);
    assert_non_null(hdr);
    assert_int_equal(outlen, strlen("{\"alg\":\"HS256\"}"));
    assert_memory_equal(hdr, "{\"alg\":\"HS256\"}", outlen);
    free(hdr);
    free(tok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_oversize_and_deep),
        cmocka_unit_test(test_many_candidates_capped),
        cmocka_unit_test(test_error_codes),
        cmocka_unit_test(test_tag_fits_friendly_name),
        cmocka_unit_test(test_livekit_token_claims),
        cmocka_unit_test(test_livekit_number_normalisation),
        cmocka_unit_test(test_livekit_items_by_content),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
