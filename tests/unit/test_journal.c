/* test_journal.c: the request journal: ring wrap, seq numbering, the entry format, filters
 * and body truncation (fakekit/journal.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/journal.h"
#include "tests/support/fakereq.h"

#define T0 1800000000123456LL /* 2027-01-15T08:00:00.123456Z */

static uint64_t seq_at(cJSON *list, int i)
{
    cJSON *seq = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, i), "seq");
    assert_true(cJSON_IsNumber(seq));
    return (uint64_t)seq->valuedouble;
}

static void test_ring_wrap(void **state)
{
    (void)state; /* cmocka fixture, unused */
    struct fk_journal *j = fk_journal_new(3);
    struct fk_req req = h_make_req("GET", "/x");
    uint64_t seq[5];
    assert_non_null(j);
    for (int i = 0; i < 5; i++) {
        seq[i] = fk_journal_add(j, &req, 200, NULL, false, T0, 10);
        assert_true(seq[i] > 0);
        if (i > 0) {
            assert_true(seq[i] == seq[i - 1] + 1);
        }
    }
    cJSON *list = fk_journal_query(j, NULL);
    assert_int_equal(cJSON_GetArraySize(list), 3);
    for (int i = 0; i < 3; i++) {
        assert_true(seq_at(list, i) == seq[i + 2]); /* seq 3..5 remain, oldest first */
    }
    cJSON_Delete(list);
    assert_int_equal(fk_journal_count(j, NULL), 3);

    /* clear empties the ring but never restarts the numbering */
    fk_journal_clear(j);
    assert_int_equal(fk_journal_count(j, NULL), 0);
    assert_true(fk_journal_add(j, &req, 200, NULL, false, T0, 10) == seq[4] + 1);
    fk_journal_free(j);

    /* numbering is process-wide: another journal continues it */
    j = fk_journal_new(0); /* keeps nothing, still numbers */
    assert_true(fk_journal_add(j, &req, 200, NULL, false, T0, 10) == seq[4] + 2);
    assert_int_equal(fk_journal_count(j, NULL), 0);
    list = fk_journal_query(j, NULL);
    assert_int_equal(cJSON_GetArraySize(list), 0);
    cJSON_Delete(list);
    fk_journal_free(j);
    fk_journal_free(NULL);
}

static void test_entry_format(void **state)
{
    (void)state; /* cmocka fixture, unused */
    static const struct fk_kv headers[] = {
        {"Host", "127.0.0.1:8010"},
        {"X-Dup", "first"},
        {"Content-Type", "application/x-www-form-urlencoded"},
        {"x-dup", "last"},
    };
    static const char body[] = "PhoneNumber=%2B15005550006";
    struct fk_journal *j = fk_journal_new(10);
    struct fk_req req = h_make_req("POST", "/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json");
    char want[1024];

    req.query = "PageSize=5&Page=0";
    req.headers = headers;
    req.nheaders = 4;
    req.body = body;
    req.body_len = sizeof(body) - 1;
    uint64_t a = fk_journal_add(j, &req, 500, "buy-fails-once", false, T0, 1234);
    req.method = "GET";
    req.query = "";
    req.nheaders = 0;
    req.body = "";
    req.body_len = 0;
    uint64_t b = fk_journal_add(j, &req, 429, NULL, true, T0 + 1, 7);

    cJSON *list = fk_journal_query(j, NULL);
    char *text = cJSON_PrintUnformatted(list);
    snprintf(want, sizeof(want),
             "[{\"seq\":%llu,\"time\":\"2027-01-15T08:00:00.123456Z\",\"method\":\"POST\","
             "\"path\":\"/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json\","
             "\"query\":\"PageSize=5&Page=0\",\"headers\":{\"Host\":\"127.0.0.1:8010\","
             "\"x-dup\":\"last\",\"Content-Type\":\"application/x-www-form-urlencoded\"},"
             "\"body\":\"PhoneNumber=%%2B15005550006\",\"status\":500,"
             "\"fault\":\"buy-fails-once\",\"rate_limited\":false,\"duration_us\":1234},"
             "{\"seq\":%llu,\"time\":\"2027-01-15T08:00:00.123457Z\",\"method\":\"GET\","
             "\"path\":\"/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json\",\"query\":\"\","
             "\"headers\":{},\"body\":\"\",\"status\":429,\"fault\":null,\"rate_limited\":true,"
             "\"duration_us\":7}]",
             (unsigned long long)a, (unsigned long long)b);
    assert_string_equal(text, want);
    cJSON_free(text);
    cJSON_Delete(list);
    fk_journal_free(j);
}

static void test_filters(void **state)
{
    (void)state; /* cmocka fixture, unused */
    static const struct {
        const char *method;
        const char *path;
        unsigned status;
    } entries[] = {
        {"GET", "/a/1", 200},  {"POST", "/a/2", 201}, {"GET", "/b/1", 404},
        {"post", "/a/3", 500}, {"GET", "/a/4", 200},  {"DELETE", "/a/5/x", 204},
    };
    struct fk_journal *j = fk_journal_new(100);
    uint64_t first = 0;
    for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
        struct fk_req req = h_make_req(entries[i].method, entries[i].path);
        uint64_t s = fk_journal_add(j, &req, entries[i].status, NULL, false, T0, 1);
        first = first ? first : s;
    }
    /* expected: the indices of the matching entries, oldest first */
    const struct {
        struct fk_journal_filter f;
        const char *want;
    } cases[] = {
        {{NULL, NULL, 0, 0, 0}, "012345"},     {{"GET", NULL, 0, 0, 0}, "024"},
        {{"post", NULL, 0, 0, 0}, "13"},       {{NULL, "/a/*", 0, 0, 0}, "0134"},
        {{NULL, "/a/**", 0, 0, 0}, "01345"},   {{NULL, "/b/1", 0, 0, 0}, "2"},
        {{NULL, NULL, 200, 0, 0}, "04"},       {{NULL, NULL, 0, first + 2, 0}, "345"},
        {{NULL, NULL, 0, 0, 2}, "01"},         {{NULL, NULL, 0, first + 1, 2}, "23"},
        {{"GET", "/a/*", 200, first, 1}, "4"}, {{"PUT", NULL, 0, 0, 0}, ""},
        {{NULL, NULL, 0, first + 100, 0}, ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char got[16] = "";
        size_t n = 0;
        cJSON *list = fk_journal_query(j, &cases[i].f);
        assert_non_null(list);
        for (int k = 0; k < cJSON_GetArraySize(list) && n + 1 < sizeof(got); k++) {
            got[n++] = (char)('0' + (seq_at(list, k) - first));
        }
        got[n] = '\0';
        cJSON_Delete(list);
        if (strcmp(got, cases[i].want) != 0) {
            fail_msg("case %zu: got '%s', want '%s'", i, got, cases[i].want);
        }
        assert_int_equal(fk_journal_count(j, &cases[i].f), strlen(cases[i].want));
    }
    fk_journal_free(j);
}

static void test_body_truncated(void **state)
{
    (void)state; /* cmocka fixture, unused */
    static const size_t sizes[] = {0,
                                   1,
                                   FK_JOURNAL_BODY_MAX - 1,
                                   FK_JOURNAL_BODY_MAX,
                                   FK_JOURNAL_BODY_MAX + 1,
                                   3 * FK_JOURNAL_BODY_MAX};
    struct fk_journal *j = fk_journal_new(2);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char *body = malloc(sizes[i] + 1);
        assert_non_null(body);
        memset(body, 'b', sizes[i]);
        body[sizes[i]] = '\0';
        struct fk_req req = h_make_req("POST", "/x");
        req.body = body;
        req.body_len = sizes[i];
        (void)fk_journal_add(j, &req, 200, NULL, false, T0, 1);
        free(body); /* the journal holds its own copy */
        cJSON *list = fk_journal_query(j, NULL);
        cJSON *last = cJSON_GetArrayItem(list, cJSON_GetArraySize(list) - 1);
        const char *kept = cJSON_GetObjectItem(last, "body")->valuestring;
        size_t want = sizes[i] < FK_JOURNAL_BODY_MAX ? sizes[i] : FK_JOURNAL_BODY_MAX;
        assert_int_equal(strlen(kept), want);
        assert_true(want == 0 || kept[want - 1] == 'b');
        cJSON_Delete(list);
    }
    fk_journal_free(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_wrap),
        cmocka_unit_test(test_entry_format),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_body_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
