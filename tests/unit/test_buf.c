/* test_buf.c: the bounded buffer keeps its limit, its content on failure, and hands its
 * memory over on take. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/buf.h"

struct add_case {
    size_t max;
    const char *first;
    const char *second;
    int want_rc;          /* result of adding second */
    const char *want_str; /* content afterwards */
};

static const struct add_case add_cases[] = {
    {10, "hello", "world", 0, "helloworld"},   /* exactly at the limit */
    {9, "hello", "world", FK_ERANGE, "hello"}, /* one past: unchanged */
    {0, "", "", 0, ""},                        /* empty into a zero limit */
    {0, "", "x", FK_ERANGE, ""},               /* nothing fits in zero */
    {1000, "a", "", 0, "a"},                   /* empty append */
    {200, "", "a long string that grows past 64 bytes of initial capacity, twice over", 0,
     "a long string that grows past 64 bytes of initial capacity, twice over"},
};

static void add_respects_limit(void **state)
{
    size_t i;

    (void)state; /* cmocka passes no fixture here */
    for (i = 0; i < sizeof add_cases / sizeof add_cases[0]; i++) {
        const struct add_case *c = &add_cases[i];
        struct fk_buf b;

        fk_buf_init(&b, c->max);
        assert_int_equal(fk_buf_addstr(&b, c->first), 0);
        assert_int_equal(fk_buf_addstr(&b, c->second), c->want_rc);
        assert_string_equal(fk_buf_str(&b), c->want_str);
        assert_int_equal(b.len, strlen(c->want_str));
        assert_true(b.len <= b.max);
        fk_buf_cleanup(&b);
    }
}

static void empty_buffer_reads_as_empty_string(void **state)
{
    struct fk_buf b;

    (void)state; /* no fixture */
    fk_buf_init(&b, 16);
    assert_null(b.data);
    assert_string_equal(fk_buf_str(&b), "");
    fk_buf_cleanup(&b);
}

static void binary_data_keeps_length(void **state)
{
    static const char bytes[] = {'a', '\0', 'b'};
    struct fk_buf b;

    (void)state; /* no fixture */
    fk_buf_init(&b, 16);
    assert_int_equal(fk_buf_add(&b, bytes, sizeof bytes), 0);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, bytes, 3);
    assert_int_equal(b.data[3], '\0');
    fk_buf_cleanup(&b);
}

static void printf_appends_and_checks_limit(void **state)
{
    struct fk_buf b;

    (void)state; /* no fixture */
    fk_buf_init(&b, 12);
    assert_int_equal(fk_buf_printf(&b, "%s=%d", "port", 8010), 0);
    assert_string_equal(fk_buf_str(&b), "port=8010");
    assert_int_equal(fk_buf_printf(&b, "%c", ';'), 0);
    assert_int_equal(fk_buf_printf(&b, "%d", 12345), FK_ERANGE);
    assert_string_equal(fk_buf_str(&b), "port=8010;");
    assert_int_equal(fk_buf_printf(&b, "%d", 12), 0);
    assert_string_equal(fk_buf_str(&b), "port=8010;12");
    fk_buf_cleanup(&b);
}

static void take_hands_over_and_empties(void **state)
{
    struct fk_buf b;
    size_t len = 99;
    char *s;

    (void)state; /* no fixture */
    fk_buf_init(&b, 100);
    assert_int_equal(fk_buf_addstr(&b, "abc"), 0);
    s = fk_buf_take(&b, &len);
    assert_non_null(s);
    assert_string_equal(s, "abc");
    assert_int_equal(len, 3);
    assert_int_equal(b.len, 0);
    assert_null(b.data);
    assert_string_equal(fk_buf_str(&b), "");
    free(s);

    /* Taking an empty buffer still gives a string the caller can free. */
    s = fk_buf_take(&b, &len);
    assert_non_null(s);
    assert_string_equal(s, "");
    assert_int_equal(len, 0);
    free(s);

    /* The buffer is reusable after take. */
    assert_int_equal(fk_buf_addstr(&b, "again"), 0);
    assert_string_equal(fk_buf_str(&b), "again");
    fk_buf_cleanup(&b);
}

static void reset_keeps_memory(void **state)
{
    struct fk_buf b;
    char *before;

    (void)state; /* no fixture */
    fk_buf_init(&b, 100);
    assert_int_equal(fk_buf_addstr(&b, "abc"), 0);
    before = b.data;
    fk_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_ptr_equal(b.data, before);
    assert_string_equal(fk_buf_str(&b), "");
    fk_buf_cleanup(&b);
    fk_buf_cleanup(&b); /* cleanup twice is harmless */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(add_respects_limit),
        cmocka_unit_test(empty_buffer_reads_as_empty_string),
        cmocka_unit_test(binary_data_keeps_length),
        cmocka_unit_test(printf_appends_and_checks_limit),
        cmocka_unit_test(take_hands_over_and_empties),
        cmocka_unit_test(reset_keeps_memory),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
