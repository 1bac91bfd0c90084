/* test_admin_security.c: the admin API behind a token, a warning for an open one, secrets
 * out of the journal, rule sets capped by size, rule headers checked, log lines that no
 * value can forge, and the launcher passing the token on (issue 15, items 6 and 7).
 *
 * On the real binaries, with the exact requests the issue quotes where it quotes them. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "tests/support/harness.h"
#include "tests/support/proc.h"

#define TOKEN   "s3cret-admin-token"
#define USER_ID "11111111-1111-4111-8111-111111111111"
#define ACC     "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define BASIC   "Basic QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTp0ZXN0LWF1dGgtdG9rZW4="

static struct h_proc prog; /* the fake under test; stopped by stop_prog */
static char log_path[64];  /* its stderr, when a test keeps it */
static char state_dir[64]; /* the launcher's, when a test runs it */

static int stop_prog(void **state)
{
    (void)state; /* globals */
    int rc = prog.pid > 0 && h_stop(&prog) != 0 ? -1 : 0;
    if (log_path[0] != '\0')
        unlink(log_path);
    log_path[0] = '\0';
    return rc;
}

/* The whole of a file (caller frees); "" when it cannot be read. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t len = 0;

    if (f == NULL)
        return strdup("");
    FILE *m = open_memstream(&buf, &len);
    for (int c; (c = fgetc(f)) != EOF;)
        fputc(c, m);
    fclose(m);
    fclose(f);
    return buf;
}

/* Start program with args, its stderr kept in log_path. */
static void start_logged(const char *program, const char *const *args)
{
    snprintf(log_path, sizeof(log_path), "/tmp/test-admin-sec-%d.log", (int)getpid());
    unlink(log_path);
    assert_int_equal(h_start_logged(&prog, program, args, log_path), 0);
}

/* method prog.base+path with the given header lines (NULL-terminated) and body. */
static long call(const char *method, const char *path, const char *const *hdrs, const char *body,
                 struct h_resp *r)
{
    char url[2048];

    snprintf(url, sizeof(url), "%s%s", prog.base, path);
    assert_int_equal(h_request(method, url, hdrs, body, 0, r), 0);
    return r->status;
}

/* The last journal entry of prog (caller cJSON_Delete()s the array; *entry points into it).
 * A fake journals an exchange once its answer has gone out, so the entry may come a moment
 * after the client has the answer: the count is asked until it has grown (at most ~2 s). */
static cJSON *last_entry(const cJSON **entry)
{
    static long seen; /* entries counted by the previous call, per fake */
    static pid_t of;
    struct h_resp r;
    cJSON *j;

    if (of != prog.pid)
        seen = 0;
    of = prog.pid;
    for (int i = 0; i < 400; i++) {
        h_get(&prog, "/__admin/requests/count", &r);
        j = h_json(&r);
        long n = (long)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "count"));
        cJSON_Delete(j);
        h_resp_free(&r);
        if (n > seen) {
            seen = n;
            break;
        }
        poll(NULL, 0, 5);
    }
    h_get(&prog, "/__admin/requests", &r);
    assert_int_equal(r.status, 200);
    j = h_json(&r);
    if (!cJSON_IsArray(j) || cJSON_GetArraySize(j) == 0)
        fail_msg("journal: %s", r.body);
    h_resp_free(&r);
    *entry = cJSON_GetArrayItem(j, cJSON_GetArraySize(j) - 1);
    return j;
}

static const char *header_of(const cJSON *entry, const char *name)
{
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(entry, "headers"), name);
    return cJSON_IsString(h) ? h->valuestring : NULL;
}

/* ---- the admin token ------------------------------------------------------------------ */

static void test_admin_token_required(void **state)
{
    const char *args[] = {"--admin-token", TOKEN, NULL};
    const char *wrong[] = {"Authorization: Bearer nope", NULL};
    const char *basic[] = {"Authorization: Basic czNjcmV0LWFkbWluLXRva2Vu", NULL};
    const char *right[] = {"Authorization: Bearer " TOKEN, NULL};
    static const char *const paths[] = {"/__admin/health", "/__admin/requests", "/__admin/state",
                                        "/__admin/faults", "/__admin/nope"};
    struct h_resp r;

    (void)state; /* globals */
    assert_int_equal(h_start(&prog, "fake_supabase", args), 0);
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        const char *const *bad[] = {NULL, wrong, basic};
        for (size_t b = 0; b < 3; b++) {
            assert_int_equal(call("GET", paths[i], bad[b], NULL, &r), 401);
            cJSON *j = h_json(&r);
            assert_true(cJSON_IsString(cJSON_GetObjectItem(j, "error")));
            cJSON_Delete(j);
            assert_non_null(h_resp_header(&r, "WWW-Authenticate"));
            h_resp_free(&r);
        }
    }
    /* The JWT secret stays behind the token (README "Security"). */
    assert_int_equal(call("GET", "/__admin/keys", NULL, NULL, &r), 401);
    assert_null(strstr(r.body, "key"));
    h_resp_free(&r);
    assert_int_equal(call("GET", "/__admin/keys", right, NULL, &r), 200);
    assert_non_null(strstr(r.body, "service_role_key"));
    h_resp_free(&r);
    /* Nothing happens without it: a reset or a fault is refused, not applied. */
    assert_int_equal(call("POST", "/__admin/faults", NULL, "{\"action\":{\"status\":500}}", &r),
                     401);
    h_resp_free(&r);
    h_get(&prog, "/__admin/faults", &r); /* with the token (harness) */
    assert_string_equal(r.body, "[]");
    h_resp_free(&r);
    /* An admin body over 1 MiB: 401 without the token, 413 in the admin shape with it. */
    char *big = malloc(1024 * 1024 + 2);
    assert_non_null(big);
    memset(big, ' ', 1024 * 1024 + 1);
    big[1024 * 1024 + 1] = '\0';
    assert_int_equal(call("POST", "/__admin/faults", NULL, big, &r), 401);
    h_resp_free(&r);
    assert_int_equal(call("POST", "/__admin/faults", right, big, &r), 413);
    assert_non_null(strstr(r.body, "\"error\""));
    h_resp_free(&r);
    free(big);
    /* Service routes do not need it: PostgREST answers for itself. */
    assert_int_equal(call("GET", "/rest/v1/profiles", NULL, NULL, &r), 401); /* no apikey */
    assert_null(strstr(r.body, "admin"));
    h_resp_free(&r);
}

/* The warning line for an admin API open beyond this machine: once for 0.0.0.0 without a
 * token, never with one or on loopback. */
static void test_open_admin_warning(void **state)
{
    static const struct {
        const char *host, *token;
        int want;
    } cases[] = {
        {"0.0.0.0", NULL, 1},
        {"0.0.0.0", TOKEN, 0},
        {"127.0.0.1", NULL, 0},
        {"127.0.0.2", NULL, 0},
    };

    (void)state; /* globals */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *args[] = {"--host", cases[i].host, cases[i].token ? "--admin-token" : NULL,
                              cases[i].token, NULL};
        start_logged("fake_twilio", args);
        assert_int_equal(h_stop(&prog), 0);
        char *log = slurp(log_path);
        int n = 0;
        for (const char *p = log; (p = strstr(p, "admin API is open")) != NULL; p++)
            n++;
        if (n != cases[i].want)
            fail_msg("--host %s %s: %d warnings: %s", cases[i].host, cases[i].token ? "token" : "",
                     n, log);
        if (n == 1)
            assert_non_null(strstr(log, "level=warn"));
        free(log);
    }
}

/* ---- secrets out of the journal -------------------------------------------------------- */

static void test_twilio_journal_redacted(void **state)
{
    const char *hdrs[] = {"Authorization: " BASIC,
                          "Content-Type: application/x-www-form-urlencoded", NULL};
    const cJSON *e;
    struct h_resp r;

    (void)state; /* globals */
    assert_int_equal(h_start(&prog, "fake_twilio", NULL), 0);
    call("POST", ACC "/IncomingPhoneNumbers.json?AuthToken=q", hdrs,
         "PhoneNumber=%2B15005550006&AuthToken=test-auth-token&Password=hunter2", &r);
    assert_int_equal(r.status, 201);
    h_resp_free(&r);
    cJSON *j = last_entry(&e);
    assert_string_equal(header_of(e, "Authorization"),
                        "Basic ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:***");
    assert_string_equal(cJSON_GetObjectItem(e, "body")->valuestring,
                        "PhoneNumber=%2B15005550006&AuthToken=***&Password=***");
    assert_string_equal(cJSON_GetObjectItem(e, "query")->valuestring, "AuthToken=***");
    char *text = cJSON_PrintUnformatted(j);
    assert_null(strstr(text, "test-auth-token"));
    assert_null(strstr(text, "hunter2"));
    assert_null(strstr(text, "dGVzdC1hdXRo")); /* nor the credential's base64 */
    free(text);
    cJSON_Delete(j);
}

/* The case: GoTrue's /auth/v1/token kept plain-text passwords, and every entry the
 * apikey and Authorization headers. The caller stays visible: sub, role, iss, exp. */
static void test_supabase_journal_redacted(bool keep)
{
    const char *args[] = {keep ? "--journal-secrets" : NULL, NULL};
    char key[1200], bearer[1200];
    struct h_resp r;
    const cJSON *e;

    assert_int_equal(h_start(&prog, "fake_supabase", args), 0);
    h_get(&prog, "/__admin/keys", &r);
    cJSON *keys = h_json(&r);
    h_resp_free(&r);
    snprintf(key, sizeof(key), "apikey: %s", cJSON_GetObjectItem(keys, "anon_key")->valuestring);
    cJSON_Delete(keys);
    h_post_json(&prog, "/__admin/state",
                "{\"users\":[{\"id\":\"" USER_ID "\",\"email\":\"a@example.com\","
                "\"password\":\"alice-password\"}]}",
                &r);
    h_resp_free(&r);
    const char *h1[] = {key, "Content-Type: application/json", NULL};
    assert_int_equal(call("POST", "/auth/v1/token?grant_type=password", h1,
                          "{\"email\":\"a@example.com\",\"password\":\"alice-password\"}", &r),
                     200);
    cJSON *session = h_json(&r);
    h_resp_free(&r);
    snprintf(bearer, sizeof(bearer), "Authorization: Bearer %s",
             cJSON_GetObjectItem(session, "access_token")->valuestring);
    cJSON *j = last_entry(&e);
    const char *body = cJSON_GetObjectItem(e, "body")->valuestring;
    const char *apikey = header_of(e, "apikey");
    if (keep) {
        assert_non_null(strstr(body, "alice-password"));
        assert_string_equal(apikey, key + 8);
    } else {
        assert_string_equal(body, "{\"email\":\"a@example.com\",\"password\":\"***\"}");
        assert_string_equal(
            apikey, "***.{\"role\":\"anon\",\"iss\":\"supabase-demo\",\"exp\":1983812996}.***");
    }
    cJSON_Delete(j);
    const char *h2[] = {key, bearer, NULL};
    assert_int_equal(call("GET", "/auth/v1/user", h2, NULL, &r), 200);
    h_resp_free(&r);
    j = last_entry(&e);
    const char *auth = header_of(e, "Authorization");
    if (keep) {
        assert_string_equal(auth, bearer + 15);
    } else {
        assert_int_equal(strncmp(auth, "Bearer ***.{\"sub\":\"" USER_ID "\",", 38), 0);
        assert_non_null(strstr(auth, "\"role\":\"authenticated\""));
        assert_non_null(strstr(auth, "\"exp\":"));
        assert_string_equal(auth + strlen(auth) - 5, "}.***");
        char *text = cJSON_PrintUnformatted(j);
        assert_null(strstr(text, cJSON_GetObjectItem(session, "access_token")->valuestring));
        assert_null(strstr(text, "alice-password"));
        free(text);
    }
    cJSON_Delete(j);
    cJSON_Delete(session);
}

static void test_supabase_redacted_by_default(void **state)
{
    (void)state; /* globals */
    test_supabase_journal_redacted(false);
}

static void test_supabase_journal_secrets_flag(void **state)
{
    (void)state; /* globals */
    test_supabase_journal_redacted(true);
}

/* A secret's name spelled as the service still reads it: a JSON escape in the key (GoTrue
 * decodes it: the sign-in succeeds), a JSON body sent as a form (GoTrue reads any body as
 * JSON), a percent-escaped query name (the fake takes apikey from the query). None of them may
 * reach the journal. */
static void test_journal_redacts_spellings(void **state)
{
    char key[1200], url[1400];
    struct h_resp r;

    (void)state; /* globals */
    assert_int_equal(h_start(&prog, "fake_supabase", NULL), 0);
    h_get(&prog, "/__admin/keys", &r);
    cJSON *keys = h_json(&r);
    h_resp_free(&r);
    const char *anon = cJSON_GetObjectItem(keys, "anon_key")->valuestring;
    snprintf(key, sizeof(key), "apikey: %s", anon);
    snprintf(url, sizeof(url), "/rest/v1/profiles?select=id&%%61pikey=%s", anon);
    h_post_json(&prog, "/__admin/state",
                "{\"users\":[{\"id\":\"" USER_ID "\",\"email\":\"a@example.com\","
                "\"password\":\"alice-password\"}]}",
                &r);
    h_resp_free(&r);
    const char *json[] = {key, "Content-Type: application/json", NULL};
    const char *form[] = {key, "Content-Type: application/x-www-form-urlencoded", NULL};
    assert_int_equal(call("POST", "/auth/v1/token?grant_type=password", json,
                          "{\"email\":\"a@example.com\",\"pass\\u0077ord\":\"alice-password\"}",
                          &r),
                     200);
    h_resp_free(&r);
    assert_int_equal(call("POST", "/auth/v1/token?grant_type=password", form,
                          "{\"email\":\"a@example.com\",\"password\":\"alice-password\"}", &r),
                     200);
    h_resp_free(&r);
    assert_int_equal(call("GET", url, NULL, NULL, &r), 200);
    h_resp_free(&r);
    assert_int_equal(call("GET", "/__admin/requests", NULL, NULL, &r), 200);
    assert_null(strstr(r.body, "alice-password"));
    assert_null(strstr(r.body, strrchr(anon, '.') + 1)); /* the key's signature */
    h_resp_free(&r);
    cJSON_Delete(keys);
}

/* ---- rule sets capped by size, rule headers checked ------------------------------------ */

/* The case: 300 rules with a 1 MB body_contains each took RSS from 6 MB to 300 MB.
 * Past 16 MiB of rules the admin API answers 413 in its own shape and keeps nothing. */
static void test_rules_capped_by_size(void **state)
{
    size_t mb = 1000 * 1000;
    char *rule = malloc(mb + 200);
    struct h_resp r;
    int added = 0, refused = 0;

    (void)state; /* globals */
    assert_non_null(rule);
    assert_int_equal(h_start(&prog, "fake_twilio", NULL), 0);
    int n = snprintf(rule, 200, "{\"match\":{\"body_contains\":\"");
    memset(rule + n, 'x', mb);
    snprintf(rule + n + mb, 200, "\"},\"action\":{\"status\":500}}");
    for (int i = 0; i < 300; i++) {
        h_post_json(&prog, "/__admin/faults", rule, &r);
        if (r.status == 201) {
            assert_int_equal(refused, 0); /* once full, it stays full */
            added++;
        } else {
            assert_int_equal(r.status, 413);
            cJSON *j = h_json(&r);
            assert_non_null(strstr(cJSON_GetObjectItem(j, "error")->valuestring, "too large"));
            cJSON_Delete(j);
            refused++;
        }
        h_resp_free(&r);
    }
    assert_int_equal(added, 16);                    /* 16 MiB / 1 MB */
    h_delete(&prog, "/__admin/faults/fault-1", &r); /* removing one makes room for one */
    assert_int_equal(r.status, 200);
    h_resp_free(&r);
    h_post_json(&prog, "/__admin/faults", rule, &r);
    assert_int_equal(r.status, 201);
    h_resp_free(&r);
    h_post_json(&prog, "/__admin/faults", rule, &r);
    assert_int_equal(r.status, 413);
    h_resp_free(&r);
    /* (Counted by deleting them: listing 16 MB of rules is slow under ThreadSanitizer.) */
    h_delete(&prog, "/__admin/faults", &r);
    cJSON *j = h_json(&r);
    assert_int_equal(cJSON_GetNumberValue(cJSON_GetObjectItem(j, "deleted")), 16);
    cJSON_Delete(j);
    h_resp_free(&r);
    free(rule);
}

/* A --scenario file over 64 MiB is refused at start (exit 2, nothing started). */
static void test_scenario_file_capped(void **state)
{
    char path[64];
    struct h_run run;

    (void)state; /* globals */
    snprintf(path, sizeof(path), "/tmp/test-admin-sec-%d.json", (int)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fseek(f, 65 * 1024 * 1024, SEEK_SET), 0);
    fputc('}', f);
    fclose(f);
    const char *argv[] = {"fake_twilio", "--port", "0", "--scenario", path, NULL};
    assert_int_equal(h_run(&run, argv, NULL, "/dev/null"), 2);
    h_run_free(&run);
    unlink(path);
}

/* The case: a header with CR/LF was accepted, then silently dropped. */
static void test_rule_header_crlf_refused(void **state)
{
    struct h_resp r;

    (void)state; /* globals */
    assert_int_equal(h_start(&prog, "fake_twilio", NULL), 0);
    h_post_json(&prog, "/__admin/faults",
                "[{\"action\":{\"status\":500,\"headers\":{\"X-A\":\"b\\r\\nX-Injected: 1\"}}}]",
                &r);
    assert_int_equal(r.status, 400);
    cJSON *j = h_json(&r);
    assert_string_equal(cJSON_GetObjectItem(j, "error")->valuestring,
                        "faults[0].action.headers.X-A: header values must not contain CR or LF");
    cJSON_Delete(j);
    h_resp_free(&r);
    /* The id is sent back as X-Fake-Fault: with a CR/LF it was accepted, then the header was
     * silently dropped from every answer the rule faulted. */
    h_post_json(&prog, "/__admin/faults",
                "[{\"id\":\"a\\r\\nX-Injected: 1\",\"action\":{\"status\":500}}]", &r);
    assert_int_equal(r.status, 400);
    j = h_json(&r);
    assert_string_equal(cJSON_GetObjectItem(j, "error")->valuestring,
                        "faults[0].id: must not contain control characters (it is sent as "
                        "X-Fake-Fault)");
    cJSON_Delete(j);
    h_resp_free(&r);
    h_get(&prog, "/__admin/faults", &r);
    assert_string_equal(r.body, "[]");
    h_resp_free(&r);
}

/* ---- log lines -------------------------------------------------------------------------- */

/* The case: a %20 in a path forged status=404 into the key=value line. */
static void test_log_line_cannot_be_forged(void **state)
{
    const char *args[] = {"--log-level", "info", NULL};
    struct h_resp r;

    (void)state; /* globals */
    start_logged("fake_twilio", args);
    call("GET", "/x%20status=200%20fault=none", NULL, NULL, &r);
    assert_int_equal(r.status, 404);
    h_resp_free(&r);
    assert_int_equal(h_stop(&prog), 0);
    char *log = slurp(log_path);
    char *line = strstr(log, "path=");
    assert_non_null(line);
    while (line > log && line[-1] != '\n')
        line--;
    line[strcspn(line, "\n")] = '\0';
    /* time= first, RFC 3339 UTC with milliseconds */
    assert_int_equal(strncmp(line, "time=", 5), 0);
    assert_true(strlen(line) > 30 && line[9] == '-' && line[15] == 'T' && line[24] == '.' &&
                line[28] == 'Z' && line[29] == ' ');
    /* the forged pairs stay inside the quotes; the real keys follow */
    assert_non_null(strstr(line, " path=\"/x status=200 fault=none\" status=404 fault=- us="));
    free(log);
}

/* ---- the launcher ----------------------------------------------------------------------- */

static int fakes(const char *const *args, char **out)
{
    const char *argv[16];
    struct h_run r;
    int n = 0, st;

    argv[n++] = "fakes";
    for (size_t i = 0; args[i] != NULL; i++)
        argv[n++] = args[i];
    argv[n++] = "--state-dir";
    argv[n++] = state_dir;
    argv[n] = NULL;
    st = h_run(&r, argv, NULL, "/dev/null");
    if (out != NULL)
        *out = strdup(r.out != NULL ? r.out : "");
    h_run_free(&r);
    return st;
}

static int launcher_down(void **state)
{
    const char *down[] = {"down", NULL};

    (void)state; /* globals */
    fakes(down, NULL);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "%s/env", state_dir);
    unlink(cmd);
    return 0;
}

/* fakes up --admin-token T: the fakes require it, the env file has FAKE_ADMIN_TOKEN=T, and
 * reset, scenario and journal (which read it from the env file) still work. */
static void test_launcher_passes_token(void **state)
{
    const char *up[] = {"up", "--admin-token", TOKEN, NULL};
    const char *reset[] = {"reset", NULL};
    const char *journal[] = {"journal", "--json", NULL};
    char *out = NULL, base[64];
    unsigned port = 0;
    struct h_resp r;

    (void)state; /* globals */
    assert_int_equal(fakes(up, &out), 0);
    out[strcspn(out, "\n")] = '\0';
    char *env = slurp(out);
    free(out);
    assert_non_null(strstr(env, "\nFAKE_ADMIN_TOKEN=" TOKEN "\n"));
    const char *tw = strstr(env, "TWILIO_API_BASE=http://127.0.0.1:");
    assert_non_null(tw);
    assert_int_equal(sscanf(tw, "TWILIO_API_BASE=http://127.0.0.1:%u", &port), 1);
    free(env);
    snprintf(base, sizeof(base), "http://127.0.0.1:%u/__admin/health", port);
    assert_int_equal(h_request("GET", base, NULL, NULL, 0, &r), 0);
    assert_int_equal(r.status, 401);
    h_resp_free(&r);
    assert_int_equal(fakes(reset, NULL), 0);
    assert_int_equal(fakes(journal, &out), 0);
    assert_non_null(strchr(out, '['));
    free(out);
}

static int setup(void **state)
{
    (void)state; /* globals */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    snprintf(state_dir, sizeof(state_dir), "/tmp/test-admin-sec-XXXXXX");
    return mkdtemp(state_dir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    char path[128];

    (void)state; /* globals */
    static const char *const files[] = {"env",        "env-file",    "pids",
                                        "twilio.log", "livekit.log", "supabase.log"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", state_dir, files[i]);
        unlink(path);
    }
    rmdir(state_dir);
    curl_global_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_admin_token_required, stop_prog),
        cmocka_unit_test_teardown(test_open_admin_warning, stop_prog),
        cmocka_unit_test_teardown(test_twilio_journal_redacted, stop_prog),
        cmocka_unit_test_teardown(test_supabase_redacted_by_default, stop_prog),
        cmocka_unit_test_teardown(test_supabase_journal_secrets_flag, stop_prog),
        cmocka_unit_test_teardown(test_journal_redacts_spellings, stop_prog),
        cmocka_unit_test_teardown(test_rules_capped_by_size, stop_prog),
        cmocka_unit_test(test_scenario_file_capped),
        cmocka_unit_test_teardown(test_rule_header_crlf_refused, stop_prog),
        cmocka_unit_test_teardown(test_log_line_cannot_be_forged, stop_prog),
        cmocka_unit_test_teardown(test_launcher_passes_token, launcher_down),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
