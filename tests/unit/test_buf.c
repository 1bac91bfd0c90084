/* test_buf.c: the bounded buffer keeps its limit, its content on failure, and hands its
 * memory over on take. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* fk_read_file: a file of 20,000 bytes (more than one read) whole, the same over a limit one
 * byte short, a missing file, each with its path in the error. */
static void read_file_whole_or_refused(void **state)
{
    char path[] = "/tmp/test_buf_XXXXXX";
    int fd = mkstemp(path);
    static char data[20000];
    struct fk_error err = {{0}};
    size_t len = 0;

    (void)state; /* no fixture */
    assert_true(fd >= 0);
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (char)('a' + i % 26);
    assert_int_equal(write(fd, data, sizeof(data)), (ssize_t)sizeof(data));
    close(fd);

    char *text = fk_read_file(path, sizeof(data), &len, &err);
    assert_non_null(text);
    assert_int_equal(len, sizeof(data));
    assert_memory_equal(text, data, sizeof(data));
    assert_int_equal(text[len], '\0');
    free(text);

    assert_null(fk_read_file(path, sizeof(data) - 1, &len, &err));
    assert_non_null(strstr(err.msg, "larger than 19999 bytes"));
    assert_non_null(strstr(err.msg, path));
    unlink(path);

    assert_null(fk_read_file(path, sizeof(data), NULL, &err));
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "No such file"));
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
        cmocka_unit_test(read_file_whole_or_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
