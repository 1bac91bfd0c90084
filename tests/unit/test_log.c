/* test_log.c: log lines start with time= (RFC 3339 UTC, milliseconds), and a value quoted
 * with fk_log_quote cannot add a key to the line, whatever bytes it holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fakekit/clock.h"
#include "fakekit/log.h"

/* Run fk_log_write with stderr sent to a file; the line written, without its newline. */
static char *capture(const char *path, const char *value)
{
    static char line[8192];
    char q[FK_LOG_QUOTED];
    int saved = dup(STDERR_FILENO);
    FILE *f = fopen(path, "w+");

    assert_non_null(f);
    assert_true(saved >= 0);
    dup2(fileno(f), STDERR_FILENO);
    fk_log_write(FK_LOG_INFO, "method=GET path=%s status=200", fk_log_quote(q, sizeof(q), value));
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(f);
    if (fgets(line, sizeof(line), f) == NULL)
        line[0] = '\0';
    fclose(f);
    line[strcspn(line, "\n")] = '\0';
    return line;
}

/* The keys of a logfmt line, in order, honouring quotes and backslash escapes. */
static int keys_of(const char *line, char keys[][32], int max)
{
    int n = 0;
    const char *p = line;

    while (*p != '\0' && n < max) {
        const char *eq = strchr(p, '=');
        assert_non_null(eq);
        snprintf(keys[n++], 32, "%.*s", (int)(eq - p), p);
        p = eq + 1;
        if (*p == '"') {
            for (p++; *p != '\0' && *p != '"'; p++)
                if (*p == '\\' && p[1] != '\0')
                    p++;
            assert_int_equal(*p, '"'); /* every quoted value is closed */
            p++;
        } else {
            p += strcspn(p, " ");
        }
        assert_true(*p == ' ' || *p == '\0');
        while (*p == ' ')
            p++;
    }
    return n;
}

static void test_time_first(void **state)
{
    char keys[16][32];

    (void)state;                      /* no fixture */
    fk_clock_set(1764689400123456LL); /* 2025-12-02T15:30:00.123456Z */
    fk_log_set_name("twilio");
    char *line = capture("/tmp/test_log_time", "/x");
    fk_clock_set(0);
    unlink("/tmp/test_log_time");
    assert_string_equal(line, "time=2025-12-02T15:30:00.123Z svc=twilio level=info method=GET "
                              "path=/x status=200");
    assert_int_equal(keys_of(line, keys, 16), 6);
    assert_string_equal(keys[0], "time");
}

/* The case: a %20 in a path decodes to a space and used to forge status=404. */
static void test_values_cannot_forge_keys(void **state)
{
    static const struct {
        const char *value;
        const char *want; /* the path= value as written */
    } cases[] = {
        {"/x status=404", "\"/x status=404\""},
        {"/a\"b", "\"/a\\\"b\""},
        {"/a\\\" status=1", "\"/a\\\\\\\" status=1\""},
        {"/nl\nstatus=1", "\"/nl\\nstatus=1\""},
        {"/\xff\x01", "\"/\\xff\\x01\""},
        {"", "\"\""},
        {"/plain/path.json", "/plain/path.json"},
    };
    char keys[16][32];

    (void)state; /* no fixture */
    fk_log_set_name(NULL);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *line = capture("/tmp/test_log_forge", cases[i].value);
        const char *path = strstr(line, "path=");
        assert_non_null(path);
        assert_int_equal(strncmp(path + 5, cases[i].want, strlen(cases[i].want)), 0);
        int n = keys_of(line, keys, 16);
        assert_int_equal(n, 5); /* time level method path status */
        assert_string_equal(keys[4], "status");
    }
    unlink("/tmp/test_log_forge");
}

static void test_quote_cuts_long_values(void **state)
{
    char big[3000], out[64];

    (void)state; /* no fixture */
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    fk_log_quote(out, sizeof(out), big);
    assert_int_equal(strlen(out), sizeof(out) - 1);
    assert_string_equal(out + strlen(out) - 4, "...\"");
    assert_int_equal(out[0], '"');
    big[10] = ' ';
    fk_log_quote(out, sizeof(out), big);
    assert_string_equal(out + strlen(out) - 4, "...\"");
    assert_string_equal(fk_log_quote(out, sizeof(out), NULL), "-");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_first),
        cmocka_unit_test(test_values_cannot_forge_keys),
        cmocka_unit_test(test_quote_cuts_long_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
