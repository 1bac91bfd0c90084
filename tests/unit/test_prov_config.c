/* test_prov_config.c: the provisioner's command line as a newcomer meets it: no arguments
 * print the usage and exit 2, --version and -h answer like every other program here, the
 * local defaults apply only to an all-loopback setup (otherwise the missing setting is
 * named), and LiveKit's own ws:// and wss:// URLs are accepted in every form.
 *
 * prov_cli_run is called in-process with the environment cleared of the provisioner's
 * variables; output goes to memory streams. No call is made: every case fails or answers
 * before the first request (a refused setting is exit 2 "no call was made"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/version.h"
#include "provisioner/cli.h"
#include "provisioner/config.h"

static const char *const vars[] = {
    "TWILIO_API_BASE",    "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",         "SUPABASE_URL",
    "SUPABASE_ANON_KEY",  "LIVEKIT_URL",        "SUPABASE_SERVICE_ROLE_KEY", "LIVEKIT_API_KEY",
    "LIVEKIT_API_SECRET", "PROV_USER_TOKEN",
};

static int clear_env(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
        unsetenv(vars[i]);
    return 0;
}

struct run {
    int code;
    char *out, *err;
};

static void run_cli(struct run *r, const char *const *args)
{
    char *argv[32];
    size_t n = 0, ol = 0, el = 0;

    argv[n++] = (char *)"provisioner";
    for (size_t i = 0; args[i] != NULL; i++)
        argv[n++] = (char *)args[i];
    argv[n] = NULL;
    FILE *out = open_memstream(&r->out, &ol), *err = open_memstream(&r->err, &el);
    assert_non_null(out);
    assert_non_null(err);
    r->code = prov_cli_run((int)n, argv, out, err);
    fclose(out);
    fclose(err);
}

#define RUN(r, ...) run_cli((r), (const char *const[]){__VA_ARGS__, NULL})

static void run_free(struct run *r)
{
    free(r->out);
    free(r->err);
}

static void usage_version_help(void **state)
{
    struct run r;
    char want[64];

    (void)state;
    run_cli(&r, (const char *const[]){NULL});
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "usage:"));
    assert_string_equal(r.out, ""); /* nothing ran: no JSON outcome */
    run_free(&r);

    RUN(&r, "--version");
    assert_int_equal(r.code, 0);
    snprintf(want, sizeof(want), "provisioner %s\n", FK_VERSION);
    assert_string_equal(r.out, want);
    run_free(&r);

    RUN(&r, "provision", "-h");
    assert_int_equal(r.code, 0);
    assert_non_null(strstr(r.out, "usage:"));
    assert_non_null(strstr(r.out, "local: http://127.0.0.1:54321"));
    run_free(&r);
}

/* A syntactically valid user token (the flow never starts: settings fail first). */
#define TOKEN "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"

static void missing_settings_are_named(void **state)
{
    struct run r;

    (void)state;
    /* Real Twilio (the default base) and nothing else: SUPABASE_URL is named. */
    setenv("TWILIO_ACCOUNT_SID", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 1);
    setenv("TWILIO_AUTH_TOKEN", "t", 1);
    RUN(&r, "provision", "--user-token", TOKEN);
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "SUPABASE_URL is not set"));
    run_free(&r);
    /* Supabase given but LiveKit's key forgotten, LIVEKIT_URL real. */
    setenv("SUPABASE_URL", "https://xyz.supabase.co", 1);
    setenv("SUPABASE_ANON_KEY", "a", 1);
    setenv("SUPABASE_SERVICE_ROLE_KEY", "s", 1);
    setenv("LIVEKIT_URL", "wss://project.livekit.cloud", 1);
    RUN(&r, "provision", "--user-token", TOKEN);
    assert_int_equal(r.code, 2);
    assert_non_null(strstr(r.err, "LIVEKIT_API_KEY is not set"));
    run_free(&r);
}

static void loopback_and_livekit_urls(void **state)
{
    struct prov_config c;
    struct fk_error err = {{0}};
    static const char *const lk[] = {
        "ws://127.0.0.1:7880",       "wss://project.livekit.cloud",   "wss://x.livekit.cloud:443",
        "https://x.livekit.cloud/a", "http://localhost:7880/prefix/", "ws://[::1]:7880",
    };

    (void)state;
    assert_true(prov_url_is_loopback("http://127.0.0.1:8010"));
    assert_true(prov_url_is_loopback("http://localhost"));
    assert_true(prov_url_is_loopback("ws://[::1]:7880"));
    assert_false(prov_url_is_loopback("https://api.twilio.com"));
    assert_false(prov_url_is_loopback("http://127example.com"));
    assert_false(prov_url_is_loopback(NULL));
    for (size_t i = 0; i < sizeof(lk) / sizeof(lk[0]); i++) {
        assert_int_equal(prov_check_url("LIVEKIT_URL", lk[i], &err), 0);
    }
    /* An all-loopback setup gets the local stacks' settings. */
    prov_config_defaults(&c);
    c.twilio_base = "http://127.0.0.1:8010";
    c.twilio_sid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    c.twilio_token = "t";
    c.cmd = PROV_CMD_RECONCILE;
    assert_int_equal(prov_config_validate(&c, &err), 0);
    assert_string_equal(c.sb_url, "http://127.0.0.1:54321");
    assert_string_equal(c.lk_key, "devkey");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(usage_version_help, clear_env),
        cmocka_unit_test_setup(missing_settings_are_named, clear_env),
        cmocka_unit_test_setup(loopback_and_livekit_urls, clear_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
