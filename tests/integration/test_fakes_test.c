/* test_fakes_test.c: `fakes test`, the QA runner, as a QA engineer meets it: cases written in
 * any folder, typos named with the key that was meant, malformed JSON located, a filter that
 * selects nothing refused, a failing expectation shown with what was seen and the journal,
 * JUnit XML with the real messages, and no allocator noise anywhere.
 *
 * bin/fakes runs as a subprocess (tests/support/proc.h) on case files written here into a
 * fresh folder; each case starts its own fakes, which the runner stops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/support/files.h"
#include "tests/support/proc.h"

struct fixture {
    char dir[64];    /* the cases */
    char logs[96];   /* --logs */
    char junit[96];  /* --junit */
    char errp[96];   /* the runner's stderr */
    char *out, *err; /* of the last run */
};

static const char *const scenario =
    "{\"$schema\": \"../schemas/scenario.schema.json\", \"name\": \"one user\",\n"
    " \"supabase\": {\"state\": {\"users\": [{\"id\": \"11111111-1111-4111-8111-111111111111\",\n"
    "   \"email\": \"alice@example.com\", \"password\": \"alice-password\"}]}}}\n";

/* An expectation for scenario; final_numbers is what final.twilio_numbers must be. */
static char *expectation(int final_numbers, const char *extra)
{
    char *s = NULL;
    int n = asprintf(
        &s,
        "{\"description\": \"provision once\",\n"
        " \"user\": {\"email\": \"alice@example.com\", \"password\": \"alice-password\"},\n"
        " \"steps\": [{\"args\": [\"provision\", \"--user-token\", \"$TOKEN\"], \"exit\": 0,\n"
        "             \"output\": {\"status\": \"provisioned\", \"phone_number\": \"*\"}}],\n"
        " \"journal\": [{\"service\": \"twilio\", \"method\": \"POST\",\n"
        "              \"path\": \"/2010-04-01/Accounts/*/IncomingPhoneNumbers.json\", "
        "\"count\": 1}],\n"
        " %s\"final\": {\"twilio_numbers\": %d, \"phone_numbers\": 1}}\n",
        extra, final_numbers);
    assert_true(n > 0);
    return s;
}

static void write_file(struct fixture *fx, const char *name, const char *text)
{
    char path[160];

    snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
    for (char *p = path + strlen(fx->dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(path, 0755); /* the case's folders, one level at a time */
        *p = '/';
    }
    h_write_file(path, text);
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));

    assert_non_null(fx);
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/fakes-qa-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->logs, sizeof(fx->logs), "%s/logs", fx->dir);
    snprintf(fx->junit, sizeof(fx->junit), "%s/junit.xml", fx->dir);
    snprintf(fx->errp, sizeof(fx->errp), "%s/stderr", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;

    h_rm_tree(fx->dir);
    free(fx->out);
    free(fx->err);
    free(fx);
    return 0;
}

/* fakes test --logs L --junit J ARGS...; stdout and stderr kept; the exit status. */
static int run(struct fixture *fx, const char *const *args)
{
    const char *argv[24] = {"fakes", "test", "--logs", fx->logs, "--junit", fx->junit};
    struct h_run r;
    int n = 6;

    for (size_t i = 0; args[i] != NULL && n < 23; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    unlink(fx->errp);
    int st = h_run(&r, argv, NULL, fx->errp);
    free(fx->out);
    free(fx->err);
    fx->out = strdup(r.out != NULL ? r.out : "");
    fx->err = h_slurp(fx->errp);
    h_run_free(&r);
    /* Whatever happened, no sanitizer or allocator noise reaches the user. */
    if (strstr(fx->out, "Sanitizer") != NULL || strstr(fx->err, "Sanitizer") != NULL)
        fail_msg("sanitizer output:\n%s\n%s", fx->out, fx->err);
    return st;
}

#define RUN(fx, ...) run((fx), (const char *const[]){__VA_ARGS__, NULL})

static void expect_in(const char *text, const char *want)
{
    if (strstr(text, want) == NULL)
        fail_msg("'%s' not found in:\n%s", want, text);
}

/* A passing case in a nested folder, found by searching; a failing one shows the expectation,
 * what was seen and the journal; JUnit carries both; exit 1. */
static void pass_and_fail_with_junit(void **state)
{
    struct fixture *fx = *state;
    char *good = expectation(1, ""), *bad = expectation(2, "");

    write_file(fx, "cases/a/good.json", scenario);
    write_file(fx, "cases/a/good.expect.json", good);
    write_file(fx, "cases/wrong.json", scenario);
    write_file(fx, "cases/wrong.expect.json", bad);
    free(good);
    free(bad);
    char cases[96];
    snprintf(cases, sizeof(cases), "%s/cases", fx->dir);

    assert_int_equal(RUN(fx, "--jobs", "2", cases), 1);
    expect_in(fx->out, "PASS  good ");
    expect_in(fx->out, "FAIL  wrong ");
    expect_in(fx->out, "    final.twilio_numbers: expected 2, got 1");
    expect_in(fx->out, "journal (last");
    expect_in(fx->out, " twilio   POST   /2010-04-01/Accounts/");
    expect_in(fx->out, "1 passed, 1 failed");
    char *x = h_slurp(fx->junit);
    expect_in(x, "<testsuite name=\"fakes test\" tests=\"2\" failures=\"1\"");
    expect_in(x, "name=\"good\" time=\"");
    expect_in(x, "<failure message=\"final.twilio_numbers: expected 2, got 1\"");
    free(x);
    /* The case's logs are where the runner said. */
    char path[160];
    snprintf(path, sizeof(path), "%s/wrong/twilio.log", fx->logs);
    assert_int_equal(access(path, F_OK), 0);

    /* One file of a case names it; --filter picks by name. */
    snprintf(path, sizeof(path), "%s/cases/a/good.expect.json", fx->dir);
    if (RUN(fx, path) != 0)
        fail_msg("%s\n%s", fx->out, fx->err);
    expect_in(fx->out, "1 passed, 0 failed");
    assert_int_equal(RUN(fx, "--filter", "go*", cases), 0);
    expect_in(fx->out, "1 passed, 0 failed");
    assert_int_equal(RUN(fx, "--filter", "gdoo", cases), 2);
    expect_in(fx->err, "no case matches --filter 'gdoo' (2 cases found)");
}

/* Mistakes in case files: each named with file, key path and the key that was meant; JSON
 * syntax errors with file:line:column; nothing starts for an invalid case. */
static void strict_case_files(void **state)
{
    struct fixture *fx = *state;
    char *typo = expectation(1, "\"jurnal\": [], ");

    write_file(fx, "typo.json", scenario);
    write_file(fx, "typo.expect.json", typo);
    free(typo);
    write_file(fx, "key.json",
               "{\"twilio\": {\"faults\": [{\"match\": {\"methd\": \"GET\"},\n"
               " \"action\": {\"fault\": \"rset\"}}]}}\n");
    write_file(fx, "key.expect.json",
               "{\"steps\": [{\"args\": [\"provision\"], \"exit_code\": 2}],\n"
               " \"journal\": [{\"sevice\": \"twilio\"}]}\n");
    write_file(fx, "syntax.json", "{\n  \"twilio\": {\n    \"faults\": [\n  }\n}\n");
    write_file(fx, "syntax.expect.json", "{}");
    write_file(fx, "flat.json", "{\"faults\": []}");
    write_file(fx, "flat.expect.json", "{}");
    write_file(fx, "orphan.json", "{}");

    assert_int_equal(RUN(fx, fx->dir), 1);
    expect_in(fx->out, "typo.expect.json: (top level): unknown key \"jurnal\" (did you mean "
                       "\"journal\"?)");
    expect_in(fx->out, "key.json: twilio.faults[0].match: unknown key \"methd\" (did you mean "
                       "\"method\"?)");
    expect_in(fx->out, "key.json: twilio.faults[0].action.fault: \"rset\" is not one of");
    expect_in(fx->out, "key.expect.json: steps[0]: unknown key \"exit_code\" (known keys: args, "
                       "exit, output");
    expect_in(fx->out, "key.expect.json: journal[0]: missing key \"service\"");
    expect_in(fx->out, "syntax.json:4:3: invalid JSON at '}'");
    expect_in(fx->out, "flat.json: faults, rate_limits and state belong in a twilio");
    expect_in(fx->out, "0 passed, 4 failed");
    expect_in(fx->err, "orphan.json: no orphan.expect.json beside it");
    /* Invalid cases never started anything: no log folder for them. */
    char path[160];
    snprintf(path, sizeof(path), "%s/typo", fx->logs);
    assert_int_not_equal(access(path, F_OK), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(pass_and_fail_with_junit, setup, teardown),
        cmocka_unit_test_setup_teardown(strict_case_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
