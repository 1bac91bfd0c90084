/* test_tls.c: the production transport, end to end: fakes that speak HTTPS with a certificate
 * from a throw-away CA (`fakes up --tls`), the provisioner trusting exactly that CA
 * (PROV_CA_FILE) and reaching LiveKit through its wss:// URL, a wrong or missing CA refused
 * without a retry (exit 7, the setting named), and bad certificate flags refused at start.
 *
 * bin/fakes and the provisioner run as subprocesses (tests/support/proc.h); the fakes `up`
 * starts are daemons, stopped with `fakes down` in the teardown whatever happened. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fakes/tls_certs.h"
#include "tests/support/files.h"
#include "tests/support/proc.h"

struct fixture {
    char dir[64];
    char state[96];
    char env[128];
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));

    assert_non_null(fx);
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/fakes-tls-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->state, sizeof(fx->state), "%s/state", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    struct h_run r;
    const char *argv[] = {"fakes", "down", "--state-dir", fx->state, NULL};

    h_run(&r, argv, NULL, "/dev/null");
    h_run_free(&r);
    h_rm_tree(fx->dir);
    free(fx);
    return 0;
}

/* Value of KEY in the env file text (static buffer). */
static const char *env_get(const char *env, const char *key)
{
    static char val[1024];
    size_t klen = strlen(key);

    for (const char *p = env; p != NULL && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
            snprintf(val, sizeof(val), "%.*s", (int)strcspn(p + klen + 1, "\n"), p + klen + 1);
            return val;
        }
    }
    fail_msg("%s not in the env file:\n%s", key, env);
    return NULL;
}

/* Run argv with env (KEY=value...); stdout into *out (caller frees); the exit status. */
static int run(const char *const *argv, const char *const *env, char **out)
{
    struct h_run r;
    int st = h_run(&r, argv, env, "/dev/null");

    if (out != NULL)
        *out = strdup(r.out != NULL ? r.out : "");
    h_run_free(&r);
    return st;
}

static void provision_over_tls(void **state)
{
    struct fixture *fx = *state;
    char *out = NULL, *env, wss[160], token[2048], kv[12][1200], ca2[128];
    const char *up[] = {"fakes",
                        "up",
                        "--tls",
                        "--state-dir",
                        fx->state,
                        "--user",
                        "alice@example.com:alice-password",
                        NULL};

    assert_int_equal(run(up, NULL, &out), 0);
    out[strcspn(out, "\n")] = '\0';
    env = h_slurp(out);
    free(out);
    assert_true(strncmp(env_get(env, "TWILIO_API_BASE"), "https://127.0.0.1:", 18) == 0);
    assert_true(strncmp(env_get(env, "SUPABASE_URL"), "https://127.0.0.1:", 18) == 0);
    snprintf(kv[0], sizeof(kv[0]), "PROV_CA_FILE=%s", env_get(env, "PROV_CA_FILE"));

    const char *tok[] = {"fakes",   "token",  "--state-dir",
                         fx->state, "--user", "alice@example.com:alice-password",
                         NULL};
    assert_int_equal(run(tok, NULL, &out), 0);
    snprintf(token, sizeof(token), "%.*s", (int)strcspn(out, "\n"), out);
    free(out);

    /* LiveKit's own URL form: wss://HOST:PORT becomes https://. */
    snprintf(wss, sizeof(wss), "wss://%s", env_get(env, "LIVEKIT_URL") + strlen("https://"));
    static const char *const keys[] = {"TWILIO_API_BASE",   "TWILIO_ACCOUNT_SID",
                                       "TWILIO_AUTH_TOKEN", "SUPABASE_URL",
                                       "SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY",
                                       "LIVEKIT_API_KEY",   "LIVEKIT_API_SECRET"};
    for (size_t i = 0; i < 8; i++)
        snprintf(kv[i + 1], sizeof(kv[i + 1]), "%s=%s", keys[i], env_get(env, keys[i]));
    snprintf(kv[9], sizeof(kv[9]), "LIVEKIT_URL=%s", wss);
    snprintf(kv[10], sizeof(kv[10]), "PROV_DEADLINE_MS=20000");
    const char *penv[] = {kv[0], kv[1], kv[2], kv[3], kv[4],  kv[5],
                          kv[6], kv[7], kv[8], kv[9], kv[10], NULL};
    const char *prov[] = {"provisioner", "provision", "--user-token", token, NULL};
    assert_int_equal(run(prov, penv, &out), 0);
    assert_non_null(strstr(out, "\"status\":\"provisioned\""));
    free(out);

    /* Another CA (a second throw-away one): refused at once, exit 7, the setting named. */
    snprintf(ca2, sizeof(ca2), "%s/other", fx->dir);
    assert_int_equal(mkdir(ca2, 0755), 0);
    struct fk_error err = {{0}};
    assert_int_equal(fx_tls_make(ca2, &err), 0);
    snprintf(kv[0], sizeof(kv[0]), "PROV_CA_FILE=%s/ca.pem", ca2);
    const char *rec[] = {"provisioner", "reconcile", NULL};
    assert_int_equal(run(rec, penv, &out), 7);
    assert_non_null(strstr(out, "tls_untrusted"));
    assert_non_null(strstr(out, "PROV_CA_FILE"));
    free(out);
    /* An unreadable CA file is a configuration error before any call. */
    snprintf(kv[0], sizeof(kv[0]), "PROV_CA_FILE=%s/none.pem", ca2);
    assert_int_equal(run(rec, penv, &out), 2);
    assert_non_null(strstr(out, "PROV_CA_FILE: cannot read"));
    free(out);
    free(env);
}

static void bad_certificate_flags(void **state)
{
    struct fixture *fx = *state;
    char other[128], cert[160], key[160], key2[160], junk[160];
    struct fk_error err = {{0}};

    snprintf(other, sizeof(other), "%s/a", fx->dir);
    assert_int_equal(mkdir(other, 0755), 0);
    assert_int_equal(fx_tls_make(other, &err), 0);
    snprintf(cert, sizeof(cert), "%s/cert.pem", other);
    snprintf(key, sizeof(key), "%s/key.pem", other);
    snprintf(other, sizeof(other), "%s/b", fx->dir);
    assert_int_equal(mkdir(other, 0755), 0);
    assert_int_equal(fx_tls_make(other, &err), 0);
    snprintf(key2, sizeof(key2), "%s/key.pem", other);
    snprintf(junk, sizeof(junk), "%s/junk.pem", fx->dir);
    h_write_file(junk, "not a certificate\n");

    const char *only_cert[] = {"fake_twilio", "--port", "0", "--tls-cert", cert, NULL};
    const char *wrong_key[] = {"fake_twilio", "--port",    "0",  "--tls-cert",
                               cert,          "--tls-key", key2, NULL};
    const char *not_pem[] = {"fake_twilio", "--port",    "0", "--tls-cert",
                             junk,          "--tls-key", key, NULL};
    const char *missing[] = {"fake_livekit",     "--port",    "0", "--tls-cert",
                             "/nonexistent.pem", "--tls-key", key, NULL};
    assert_int_equal(run(only_cert, NULL, NULL), 2);
    assert_int_equal(run(wrong_key, NULL, NULL), 2);
    assert_int_equal(run(not_pem, NULL, NULL), 2);
    assert_int_equal(run(missing, NULL, NULL), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(provision_over_tls, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_certificate_flags, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
