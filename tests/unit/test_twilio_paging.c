/* test_twilio_paging.c: page arithmetic, page URIs and the list envelope. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_twilio/paging.h"

static void page_arithmetic(void **state)
{
    static const struct {
        long page, size, total;
        long offset, count, start, end;
        bool prev, next;
    } cases[] = {
        {0, 50, 0, 0, 0, 0, 0, false, false}, /* empty list: start = end = 0 */
        {0, 2, 5, 0, 2, 0, 1, false, true},
        {1, 2, 5, 2, 2, 2, 3, true, true},
        {2, 2, 5, 4, 1, 4, 4, true, false},  /* last, partial page */
        {3, 2, 5, 6, 0, 6, 6, true, false},  /* past the end */
        {0, 5, 5, 0, 5, 0, 4, false, false}, /* exactly one full page */
        {1, 1000, 1000, 1000, 0, 1000, 1000, true, false},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct twilio_page pg;
        twilio_page_compute(cases[i].page, cases[i].size, cases[i].total, &pg);
        assert_int_equal(pg.offset, cases[i].offset);
        assert_int_equal(pg.count, cases[i].count);
        assert_int_equal(pg.start, cases[i].start);
        assert_int_equal(pg.end, cases[i].end);
        assert_int_equal(pg.has_prev, cases[i].prev);
        assert_int_equal(pg.has_next, cases[i].next);
    }
}

static void page_parameters(void **state)
{
    static const struct {
        const char *s;
        int rc;
        long v;
    } sizes[] = {{NULL, 0, 50},
                 {"1", 0, 1},
                 {"1000", 0, 1000},
                 {"0", FK_EINVAL, 0},
                 {"1001", FK_EINVAL, 0},
                 {"-5", FK_EINVAL, 0},
                 {"5x", FK_EINVAL, 0},
                 {"", FK_EINVAL, 0},
                 {"99999999999999999999", FK_EINVAL, 0}};
    long v;

    (void)state;
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        v = 0;
        assert_int_equal(twilio_parse_page_size(sizes[i].s, &v), sizes[i].rc);
        if (sizes[i].rc == 0)
            assert_int_equal(v, sizes[i].v);
    }
    assert_int_equal(twilio_parse_page(NULL, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(twilio_parse_page("3", &v), 0);
    assert_int_equal(v, 3);
    assert_int_equal(twilio_parse_page("-1", &v), FK_EINVAL);
    assert_int_equal(twilio_parse_page("abc", &v), FK_EINVAL);
}

static void page_uris_carry_filters(void **state)
{
    const struct fk_kv filters[] = {
        {"FriendlyName", "job 1&2"}, {"Beta", NULL}, {"PhoneNumber", "+1415"}, {"Origin", NULL}};
    char *uri =
        twilio_page_uri("/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json", filters, 4, 2, 1);

    (void)state;
    assert_non_null(uri);
    assert_string_equal(uri, "/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json"
                             "?FriendlyName=job%201%262&PhoneNumber=%2B1415&PageSize=2&Page=1");
    free(uri);
    uri = twilio_page_uri("/p.json", NULL, 0, 50, 0);
    assert_string_equal(uri, "/p.json?PageSize=50&Page=0");
    free(uri);
}

static void envelope_has_every_key(void **state)
{
    const struct fk_kv filters[] = {{"Beta", "true"}};
    struct twilio_page pg;
    cJSON *o = cJSON_CreateObject();

    (void)state;
    twilio_page_compute(1, 2, 5, &pg);
    assert_int_equal(twilio_page_envelope(o, &pg, "/x.json", filters, 1), 0);
    assert_int_equal(cJSON_GetObjectItem(o, "page")->valueint, 1);
    assert_int_equal(cJSON_GetObjectItem(o, "page_size")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItem(o, "start")->valueint, 2);
    assert_int_equal(cJSON_GetObjectItem(o, "end")->valueint, 3);
    assert_string_equal(cJSON_GetObjectItem(o, "first_page_uri")->valuestring,
                        "/x.json?Beta=true&PageSize=2&Page=0");
    assert_string_equal(cJSON_GetObjectItem(o, "next_page_uri")->valuestring,
                        "/x.json?Beta=true&PageSize=2&Page=2");
    assert_string_equal(cJSON_GetObjectItem(o, "previous_page_uri")->valuestring,
                        "/x.json?Beta=true&PageSize=2&Page=0");
    assert_string_equal(cJSON_GetObjectItem(o, "uri")->valuestring,
                        "/x.json?Beta=true&PageSize=2&Page=1");
    cJSON_Delete(o);

    /* Last page: next is null; first page: previous is null. */
    o = cJSON_CreateObject();
    twilio_page_compute(0, 5, 5, &pg);
    assert_int_equal(twilio_page_envelope(o, &pg, "/x.json", NULL, 0), 0);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "next_page_uri")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "previous_page_uri")));
    cJSON_Delete(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(page_arithmetic),
        cmocka_unit_test(page_parameters),
        cmocka_unit_test(page_uris_carry_filters),
        cmocka_unit_test(envelope_has_every_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
