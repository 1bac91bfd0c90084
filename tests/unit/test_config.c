/* test_config.c: one option table parsed from flags and environment, with exact messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/config.h"

/* The variables options write into, reset to their defaults before each case. */
static long port;
static const char *db;
static bool verbose;
static long seed;

static const struct fk_option base_opts[] = {
    {"port", "FAKE_PORT", FK_OPT_INT, &port, 0, 65535, "N", "port to listen on"},
    {"db", "FAKE_DB", FK_OPT_STRING, &db, 0, 0, "PATH", "database file"},
    {NULL, NULL, FK_OPT_STRING, NULL, 0, 0, NULL, NULL},
};
static const struct fk_option extra_opts[] = {
    {"verbose", "FAKE_VERBOSE", FK_OPT_FLAG, &verbose, 0, 0, NULL, "log more"},
    {"seed", NULL, FK_OPT_INT, &seed, -5, 1000000, "N", "random seed"},
    {NULL, NULL, FK_OPT_STRING, NULL, 0, 0, NULL, NULL},
};
static const struct fk_option *const tables[] = {base_opts, extra_opts, NULL};

static void reset_defaults(void)
{
    port = 8010;
    db = ":memory:";
    verbose = false;
    seed = 0;
    unsetenv("FAKE_PORT");
    unsetenv("FAKE_DB");
    unsetenv("FAKE_VERBOSE");
}

struct parse_case {
    const char *name;
    const char *env_port; /* FAKE_PORT, or NULL for unset */
    const char *env_verbose;
    const char *args[6]; /* after argv[0]; NULL-terminated */
    int want_rc;
    const char *want_err; /* when want_rc != 0 */
    long want_port;
    const char *want_db;
    bool want_verbose;
    long want_seed;
};

static const struct parse_case parse_cases[] = {
    {"defaults", NULL, NULL, {NULL}, 0, NULL, 8010, ":memory:", false, 0},
    {"space form",
     NULL,
     NULL,
     {"--port", "0", "--db", "/tmp/x.db", NULL},
     0,
     NULL,
     0,
     "/tmp/x.db",
     false,
     0},
    {"equals form",
     NULL,
     NULL,
     {"--port=65535", "--db=a=b", NULL},
     0,
     NULL,
     65535,
     "a=b",
     false,
     0},
    {"empty string value", NULL, NULL, {"--db=", NULL}, 0, NULL, 8010, "", false, 0},
    {"flag", NULL, NULL, {"--verbose", NULL}, 0, NULL, 8010, ":memory:", true, 0},
    {"flag with value", NULL, NULL, {"--verbose=false", NULL}, 0, NULL, 8010, ":memory:", false, 0},
    {"negative within bounds",
     NULL,
     NULL,
     {"--seed", "-5", NULL},
     0,
     NULL,
     8010,
     ":memory:",
     false,
     -5},
    {"env only", "9000", "1", {NULL}, 0, NULL, 9000, ":memory:", true, 0},
    {"flag over env",
     "9000",
     "true",
     {"--port", "9001", "--verbose=0", NULL},
     0,
     NULL,
     9001,
     ":memory:",
     false,
     0},
    {"last flag wins",
     NULL,
     NULL,
     {"--port", "1", "--port", "2", NULL},
     0,
     NULL,
     2,
     ":memory:",
     false,
     0},
    {"port too big",
     NULL,
     NULL,
     {"--port", "65536", NULL},
     FK_EINVAL,
     "--port: expected an integer from 0 to 65535, got '65536'",
     0,
     NULL,
     false,
     0},
    {"port negative",
     NULL,
     NULL,
     {"--port=-1", NULL},
     FK_EINVAL,
     "--port: expected an integer from 0 to 65535, got '-1'",
     0,
     NULL,
     false,
     0},
    {"port not a number",
     NULL,
     NULL,
     {"--port", "x", NULL},
     FK_EINVAL,
     "--port: expected an integer from 0 to 65535, got 'x'",
     0,
     NULL,
     false,
     0},
    {"port trailing junk",
     NULL,
     NULL,
     {"--port", "80x", NULL},
     FK_EINVAL,
     "--port: expected an integer from 0 to 65535, got '80x'",
     0,
     NULL,
     false,
     0},
    {"port empty",
     NULL,
     NULL,
     {"--port=", NULL},
     FK_EINVAL,
     "--port: expected an integer from 0 to 65535, got ''",
     0,
     NULL,
     false,
     0},
    {"port overflow",
     NULL,
     NULL,
     {"--port", "99999999999999999999999", NULL},
     FK_EINVAL,
     "--port: expected an integer from 0 to 65535, got '99999999999999999999999'",
     0,
     NULL,
     false,
     0},
    {"seed below min",
     NULL,
     NULL,
     {"--seed", "-6", NULL},
     FK_EINVAL,
     "--seed: expected an integer from -5 to 1000000, got '-6'",
     0,
     NULL,
     false,
     0},
    {"bad env int",
     "x",
     NULL,
     {NULL},
     FK_EINVAL,
     "FAKE_PORT: expected an integer from 0 to 65535, got 'x'",
     0,
     NULL,
     false,
     0},
    {"bad env int even if flag given",
     "x",
     NULL,
     {"--port", "1", NULL},
     FK_EINVAL,
     "FAKE_PORT: expected an integer from 0 to 65535, got 'x'",
     0,
     NULL,
     false,
     0},
    {"bad env flag",
     NULL,
     "yes",
     {NULL},
     FK_EINVAL,
     "FAKE_VERBOSE: expected 1, 0, true or false, got 'yes'",
     0,
     NULL,
     false,
     0},
    {"bad flag value",
     NULL,
     NULL,
     {"--verbose=2", NULL},
     FK_EINVAL,
     "--verbose: expected 1, 0, true or false, got '2'",
     0,
     NULL,
     false,
     0},
    {"unknown flag",
     NULL,
     NULL,
     {"--x", NULL},
     FK_EINVAL,
     "unknown option --x (see --help)",
     0,
     NULL,
     false,
     0},
    {"unknown flag with value",
     NULL,
     NULL,
     {"--colour=red", NULL},
     FK_EINVAL,
     "unknown option --colour (see --help)",
     0,
     NULL,
     false,
     0},
    {"prefix is not a match",
     NULL,
     NULL,
     {"--po", "1", NULL},
     FK_EINVAL,
     "unknown option --po (see --help)",
     0,
     NULL,
     false,
     0},
    {"single dash",
     NULL,
     NULL,
     {"-p", "1", NULL},
     FK_EINVAL,
     "unknown option -p (see --help)",
     0,
     NULL,
     false,
     0},
    {"missing value at end",
     NULL,
     NULL,
     {"--db", NULL},
     FK_EINVAL,
     "--db: missing value",
     0,
     NULL,
     false,
     0},
    {"missing value before flag",
     NULL,
     NULL,
     {"--db", "--port", "1", NULL},
     FK_EINVAL,
     "--db: missing value",
     0,
     NULL,
     false,
     0},
    {"positional",
     NULL,
     NULL,
     {"serve", NULL},
     FK_EINVAL,
     "unexpected argument 'serve' (see --help)",
     0,
     NULL,
     false,
     0},
    {"positional after options",
     NULL,
     NULL,
     {"--port", "1", "extra", NULL},
     FK_EINVAL,
     "unexpected argument 'extra' (see --help)",
     0,
     NULL,
     false,
     0},
};

static void parse_table(void **state)
{
    size_t i;

    (void)state; /* no fixture */
    for (i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        const struct parse_case *c = &parse_cases[i];
        char *argv[8] = {"prog"};
        int argc = 1, rc;
        bool help = true, version = true;
        struct fk_error err = {{0}};

        reset_defaults();
        if (c->env_port != NULL)
            setenv("FAKE_PORT", c->env_port, 1);
        if (c->env_verbose != NULL)
            setenv("FAKE_VERBOSE", c->env_verbose, 1);
        while (c->args[argc - 1] != NULL) {
            argv[argc] = (char *)c->args[argc - 1];
            argc++;
        }
        rc = fk_config_parse(tables, argc, argv, &help, &version, &err);
        if (rc != c->want_rc)
            print_error("case '%s': rc %d, err '%s'\n", c->name, rc, err.msg);
        assert_int_equal(rc, c->want_rc);
        assert_false(help);
        assert_false(version);
        if (rc != 0) {
            assert_string_equal(err.msg, c->want_err);
            continue;
        }
        assert_int_equal(port, c->want_port);
        assert_string_equal(db, c->want_db);
        assert_int_equal(verbose, c->want_verbose);
        assert_int_equal(seed, c->want_seed);
    }
    reset_defaults();
}

struct builtin_case {
    const char *args[4];
    bool want_help, want_version;
    long want_port; /* nothing applied once help/version is seen */
};

static const struct builtin_case builtin_cases[] = {
    {{"--help", NULL}, true, false, 8010},
    {{"--version", NULL}, false, true, 8010},
    {{"--port", "1", "--help", NULL}, true, false, 8010},
    {{"--bogus", "--help", NULL}, true, false, 8010}, /* help wins over errors */
    {{"--port=x", "--version", NULL}, false, true, 8010},
};

static void help_and_version(void **state)
{
    size_t i;

    (void)state; /* no fixture */
    for (i = 0; i < sizeof builtin_cases / sizeof builtin_cases[0]; i++) {
        const struct builtin_case *c = &builtin_cases[i];
        char *argv[6] = {"prog"};
        int argc = 1;
        bool help = false, version = false;
        struct fk_error err = {{0}};

        reset_defaults();
        setenv("FAKE_PORT", "not-a-number", 1); /* not even read */
        while (c->args[argc - 1] != NULL) {
            argv[argc] = (char *)c->args[argc - 1];
            argc++;
        }
        assert_int_equal(fk_config_parse(tables, argc, argv, &help, &version, &err), 0);
        assert_int_equal(help, c->want_help);
        assert_int_equal(version, c->want_version);
        assert_int_equal(port, c->want_port);
    }
    reset_defaults();
}

static void help_as_an_option_value_is_a_value(void **state)
{
    char *argv[] = {"prog", "--db", "--help"};
    bool help = false, version = false;
    struct fk_error err = {{0}};

    (void)state; /* no fixture */
    reset_defaults();
    /* "--db --help" is a missing value for --db, not a request for help. */
    assert_int_equal(fk_config_parse(tables, 3, argv, &help, &version, &err), FK_EINVAL);
    assert_false(help);
    assert_string_equal(err.msg, "--db: missing value");
}

static void usage_lists_every_option(void **state)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    (void)state; /* no fixture */
    assert_non_null(f);
    reset_defaults();
    port = 54321;
    fk_config_usage(f, "fake_x", "A fake service.", tables);
    fclose(f);
    assert_non_null(strstr(text, "usage: fake_x [options]\n"));
    assert_non_null(strstr(text, "A fake service."));
    assert_non_null(strstr(text, "--port N"));
    assert_non_null(strstr(text, "port to listen on (env FAKE_PORT, default 54321)"));
    assert_non_null(strstr(text, "--db PATH"));
    assert_non_null(strstr(text, "database file (env FAKE_DB, default :memory:)"));
    assert_non_null(strstr(text, "--verbose "));
    assert_non_null(strstr(text, "log more (env FAKE_VERBOSE, default false)"));
    assert_non_null(strstr(text, "random seed (default 0)"));
    assert_non_null(strstr(text, "--help"));
    assert_non_null(strstr(text, "--version"));
    free(text);
    reset_defaults();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_table),
        cmocka_unit_test(help_and_version),
        cmocka_unit_test(help_as_an_option_value_is_a_value),
        cmocka_unit_test(usage_lists_every_option),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
