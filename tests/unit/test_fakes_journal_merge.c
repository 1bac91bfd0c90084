/* test_fakes_journal_merge.c: the launcher merges three journals in time order (ties by
 * service, then seq), parses RFC 3339 exactly, and prints one stable line per request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/journal_merge.h"

struct time_case {
    const char *text;
    int want_rc;
    int64_t want_us;
};

static const struct time_case time_cases[] = {
    {"1970-01-01T00:00:00Z", 0, 0},
    {"1970-01-01T00:00:00.000001Z", 0, 1},
    {"2024-05-01T12:00:00.123456Z", 0, 1714564800123456},
    {"2024-05-01T12:00:00.5Z", 0, 1714564800500000},           /* short fraction */
    {"2024-05-01T12:00:00.123456789Z", 0, 1714564800123456},   /* extra digits dropped */
    {"2024-05-01T14:00:00.123456+02:00", 0, 1714564800123456}, /* offset */
    {"2024-05-01T11:30:00-00:30", 0, 1714564800000000},
    {"2000-02-29T00:00:00Z", 0, 951782400000000}, /* leap day */
    {"2024-05-01 12:00:00Z", 0, 1714564800000000},
    {"2024-05-01T12:00:00", FK_EINVAL, 0}, /* no zone */
    {"2024-05-01T12:00:00.Z", FK_EINVAL, 0},
    {"2024-13-01T12:00:00Z", FK_EINVAL, 0},
    {"2024-05-01T12:00Z", FK_EINVAL, 0},
    {"2024-05-01T12:00:00Zjunk", FK_EINVAL, 0},
    {"", FK_EINVAL, 0},
    {NULL, FK_EINVAL, 0},
};

static void rfc3339_parses_exactly(void **state)
{
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(time_cases) / sizeof(time_cases[0]); i++) {
        int64_t us = -1;
        int rc = fx_rfc3339_parse(time_cases[i].text, &us);
        if (rc != time_cases[i].want_rc)
            fail_msg("case %zu (%s): rc %d", i, time_cases[i].text ? time_cases[i].text : "NULL",
                     rc);
        if (rc == 0)
            assert_int_equal(us, time_cases[i].want_us);
    }
}

static cJSON *parse(const char *s)
{
    cJSON *j = cJSON_Parse(s);
    assert_non_null(j);
    return j;
}

/* Three journals, interleaved; twilio and livekit share one instant (tie broken by name),
 * supabase has two entries in one microsecond (tie broken by seq). */
static const char *const twilio_j =
    "[{\"seq\":1,\"time\":\"2024-05-01T12:00:00.000200Z\",\"method\":\"GET\",\"path\":\"/a\","
    "\"query\":\"PageSize=5\",\"status\":200,\"fault\":null,\"rate_limited\":false,"
    "\"duration_us\":1500},"
    "{\"seq\":2,\"time\":\"2024-05-01T12:00:00.000400Z\",\"method\":\"POST\",\"path\":\"/b\","
    "\"query\":\"\",\"status\":500,\"fault\":\"buy-fails\",\"rate_limited\":false,"
    "\"duration_us\":250}]";
static const char *const livekit_j =
    "[{\"seq\":1,\"time\":\"2024-05-01T12:00:00.000400Z\",\"method\":\"POST\",\"path\":\"/t\","
    "\"query\":\"\",\"status\":429,\"fault\":null,\"rate_limited\":true,\"duration_us\":100}]";
static const char *const supabase_j =
    "[{\"seq\":8,\"time\":\"2024-05-01T12:00:00.000100Z\",\"method\":\"GET\",\"path\":\"/u\","
    "\"status\":200,\"duration_us\":900},"
    "{\"seq\":7,\"time\":\"2024-05-01T12:00:00.000100Z\",\"method\":\"GET\",\"path\":\"/v\","
    "\"status\":200,\"duration_us\":900}]";

static void load_three(struct fx_merged *m)
{
    struct fk_error err = {{0}};

    fx_merged_init(m);
    assert_int_equal(fx_merged_add(m, "twilio", parse(twilio_j), &err), 0);
    assert_int_equal(fx_merged_add(m, "livekit", parse(livekit_j), &err), 0);
    assert_int_equal(fx_merged_add(m, "supabase", parse(supabase_j), &err), 0);
    fx_merged_sort(m);
}

static void merge_orders_by_time_service_seq(void **state)
{
    static const char *const want[][2] = {
        {"supabase", "/v"}, {"supabase", "/u"}, {"twilio", "/a"},
        {"livekit", "/t"},  {"twilio", "/b"},
    };
    struct fx_merged m;

    (void)state; /* no fixture */
    load_three(&m);
    assert_int_equal(m.n, 5);
    for (size_t i = 0; i < m.n; i++) {
        assert_string_equal(m.entries[i].service, want[i][0]);
        assert_string_equal(m.entries[i].path, want[i][1]);
    }
    assert_string_equal(m.entries[4].fault, "buy-fails");
    assert_true(m.entries[3].rate_limited);
    assert_null(m.entries[2].fault);
    fx_merged_cleanup(&m);
}

static void print_gives_one_line_per_request(void **state)
{
    struct fx_merged m;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    (void)state; /* no fixture */
    assert_non_null(f);
    load_three(&m);
    fx_merged_print(&m, f);
    fclose(f);
    assert_string_equal(
        text, "2024-05-01T12:00:00.000100Z supabase GET    /v 200 0.9ms\n"
              "2024-05-01T12:00:00.000100Z supabase GET    /u 200 0.9ms\n"
              "2024-05-01T12:00:00.000200Z twilio   GET    /a?PageSize=5 200 1.5ms\n"
              "2024-05-01T12:00:00.000400Z livekit  POST   /t 429 rate_limited 0.1ms\n"
              "2024-05-01T12:00:00.000400Z twilio   POST   /b 500 fault=buy-fails 0.2ms\n");
    free(text);
    fx_merged_cleanup(&m);
}

static void json_adds_service_first(void **state)
{
    struct fx_merged m;
    cJSON *arr;

    (void)state; /* no fixture */
    load_three(&m);
    arr = fx_merged_json(&m);
    assert_non_null(arr);
    assert_int_equal(cJSON_GetArraySize(arr), 5);
    const cJSON *last = cJSON_GetArrayItem(arr, 4);
    assert_string_equal(last->child->string, "service");
    assert_string_equal(last->child->valuestring, "twilio");
    assert_string_equal(cJSON_GetObjectItem(last, "fault")->valuestring, "buy-fails");
    assert_int_equal(cJSON_GetObjectItem(last, "seq")->valueint, 2);
    cJSON_Delete(arr);
    fx_merged_cleanup(&m);
}

struct bad_case {
    const char *journal;
    int want_rc;
    const char *want_msg;
};

static const struct bad_case bad_cases[] = {
    {"{\"not\":\"an array\"}", FK_EINVAL, "twilio: the journal is not a JSON array"},
    {"[{\"time\":\"2024-05-01T12:00:00Z\"},{\"time\":\"yesterday\"}]", FK_EINVAL,
     "twilio[1].time: expected RFC 3339"},
    {"[{\"time\":\"2024-05-01T12:00:00Z\"},42]", FK_EINVAL, "twilio[1]: expected an object"},
    {"[{}]", FK_EINVAL, "twilio[0].time: expected RFC 3339"},
};

static void bad_journals_are_rejected_with_a_path(void **state)
{
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        struct fx_merged m;
        struct fk_error err = {{0}};
        fx_merged_init(&m);
        assert_int_equal(fx_merged_add(&m, "twilio", parse(bad_cases[i].journal), &err),
                         bad_cases[i].want_rc);
        assert_string_equal(err.msg, bad_cases[i].want_msg);
        assert_int_equal(m.n, 0);
        fx_merged_cleanup(&m);
    }
}

static void empty_journals_merge_to_nothing(void **state)
{
    struct fx_merged m;
    struct fk_error err = {{0}};

    (void)state; /* no fixture */
    fx_merged_init(&m);
    assert_int_equal(fx_merged_add(&m, "twilio", parse("[]"), &err), 0);
    assert_int_equal(fx_merged_add(&m, "livekit", parse("[]"), &err), 0);
    fx_merged_sort(&m);
    assert_int_equal(m.n, 0);
    cJSON *arr = fx_merged_json(&m);
    assert_int_equal(cJSON_GetArraySize(arr), 0);
    cJSON_Delete(arr);
    fx_merged_cleanup(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc3339_parses_exactly),
        cmocka_unit_test(merge_orders_by_time_service_seq),
        cmocka_unit_test(print_gives_one_line_per_request),
        cmocka_unit_test(json_adds_service_first),
        cmocka_unit_test(bad_journals_are_rejected_with_a_path),
        cmocka_unit_test(empty_journals_merge_to_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
