/* test_fakes_launcher.c: `fakes up` starts the three real fakes on free ports and writes a
 * usable env file; scenario, reset, journal and diagram act on them; `fakes down` stops
 * exactly them; a fake that cannot start leaves nothing running; usage errors exit 2.
 *
 * bin/fakes runs as a subprocess (tests/support/proc.h); the fakes it starts are daemons,
 * not our children, so their end is checked through /proc, and their logs are checked for
 * sanitizer reports (a leak at exit lands there, not in an exit status we could see). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fakes/procs.h"
#include "fakes/state.h"
#include "tests/support/files.h"
#include "tests/support/harness.h"
#include "tests/support/proc.h"

struct fixture {
    char dir[64];       /* the state dir */
    char err_path[128]; /* fakes' stderr for the last command */
    char *err;          /* its content after run() */
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));

    assert_non_null(fx);
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/fakes-test-XXXXXX");
    assert_non_null(mkdtemp(fx->dir));
    snprintf(fx->err_path, sizeof(fx->err_path), "%s.stderr", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    struct h_run r;
    const char *argv[] = {"fakes", "down", "--state-dir", fx->dir, NULL};

    h_run(&r, argv, NULL, "/dev/null"); /* never leave fakes behind after a failed assert */
    h_run_free(&r);
    h_rm_tree(fx->dir);
    unlink(fx->err_path);
    free(fx->err);
    free(fx);
    return 0;
}

/* Run `fakes ARGS... --state-dir DIR` (when with_state); stdout in *out (caller frees),
 * stderr in fx->err. Returns the exit status. */
static int run(struct fixture *fx, char **out, bool with_state, const char *const *args)
{
    const char *argv[32];
    struct h_run r;
    int n = 0, st;

    argv[n++] = "fakes";
    for (size_t i = 0; args[i] != NULL; i++)
        argv[n++] = args[i];
    if (with_state) {
        argv[n++] = "--state-dir";
        argv[n++] = fx->dir;
    }
    argv[n] = NULL;
    unlink(fx->err_path);
    st = h_run(&r, argv, NULL, fx->err_path);
    free(fx->err);
    fx->err = h_slurp(fx->err_path);
    if (out != NULL)
        *out = r.out != NULL ? strdup(r.out) : strdup("");
    h_run_free(&r);
    return st;
}

#define RUN(fx, out, ...) run((fx), (out), true, (const char *const[]){__VA_ARGS__, NULL})

/* Value of KEY in the env file text (static buffer), or NULL. */
static const char *env_get(const char *env, const char *key)
{
    static char val[512];
    size_t klen = strlen(key);

    for (const char *p = env; p != NULL && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t n = strcspn(p + klen + 1, "\n");
            snprintf(val, sizeof(val), "%.*s", (int)n, p + klen + 1);
            return val;
        }
    }
    return NULL;
}

static void read_pids(struct fixture *fx, struct fx_running *r, int *n)
{
    char path[128];
    struct fk_error err = {{0}};

    snprintf(path, sizeof(path), "%s/pids", fx->dir);
    assert_int_equal(fx_pids_read(path, r, FX_NFAKES, n, &err), 0);
}

static void assert_logs_clean(struct fixture *fx)
{
    for (int i = 0; i < FX_NFAKES; i++) {
        char path[128];
        snprintf(path, sizeof(path), "%s/%s.log", fx->dir, fx_fake_names[i]);
        char *log = h_slurp(path);
        if (strstr(log, "Sanitizer") != NULL || strstr(log, "runtime error") != NULL)
            fail_msg("%s:\n%s", path, log);
        free(log);
    }
}

static void up_env_health_down(void **state)
{
    struct fixture *fx = *state;
    struct fx_running r[FX_NFAKES];
    char *out = NULL, want[128], url[160];
    int n = 0;

    assert_int_equal(RUN(fx, &out, "up", "--seed", "7"), 0);
    snprintf(want, sizeof(want), "%s/env\n", fx->dir);
    assert_string_equal(out, want); /* stdout: only the env file path */
    free(out);
    assert_non_null(strstr(fx->err, "fakes: twilio   http://127.0.0.1:"));

    want[strlen(want) - 1] = '\0';
    char *env = h_slurp(want);
    static const char *const keys[] = {
        "TWILIO_API_BASE",     "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
        "SUPABASE_URL",        "SUPABASE_ANON_KEY",  "SUPABASE_SERVICE_ROLE_KEY",
        "SUPABASE_JWT_SECRET", "LIVEKIT_URL",        "LIVEKIT_API_KEY",
        "LIVEKIT_API_SECRET",  "FAKE_TWILIO_ADMIN",  "FAKE_LIVEKIT_ADMIN",
        "FAKE_SUPABASE_ADMIN",
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *v = env_get(env, keys[i]);
        if (v == NULL || !fx_env_value_ok(v))
            fail_msg("%s missing or unsafe in env file:\n%s", keys[i], env);
    }
    /* The default secret gives the Supabase CLI's well-known anon key (docs/reference/supabase.md
     * §5). */
    assert_string_equal(env_get(env, "SUPABASE_ANON_KEY"),
                        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9s"
                        "ZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMbl"
                        "YTn_I0");
    assert_string_equal(env_get(env, "LIVEKIT_API_KEY"), "devkey");

    static const char *const admin[][2] = {{"FAKE_TWILIO_ADMIN", "twilio"},
                                           {"FAKE_LIVEKIT_ADMIN", "livekit"},
                                           {"FAKE_SUPABASE_ADMIN", "supabase"}};
    for (size_t i = 0; i < 3; i++) {
        struct h_resp resp;
        snprintf(url, sizeof(url), "%s/health", env_get(env, admin[i][0]));
        assert_int_equal(h_request("GET", url, NULL, NULL, 0, &resp), 0);
        assert_int_equal(resp.status, 200);
        cJSON *j = h_json(&resp);
        assert_string_equal(cJSON_GetObjectItem(j, "service")->valuestring, admin[i][1]);
        cJSON_Delete(j);
        h_resp_free(&resp);
    }
    free(env);

    read_pids(fx, r, &n);
    assert_int_equal(n, 3);
    for (int i = 0; i < n; i++)
        assert_true(fx_pid_alive(r[i].pid));

    /* A second `up` on the same state dir refuses instead of orphaning the first. */
    assert_int_equal(RUN(fx, NULL, "up"), 1);
    assert_non_null(strstr(fx->err, "still running"));
    assert_int_equal(RUN(fx, &out, "env"), 0);
    assert_non_null(strstr(out, "TWILIO_API_BASE=http://127.0.0.1:"));
    free(out);

    assert_int_equal(RUN(fx, NULL, "down"), 0);
    for (int i = 0; i < n; i++)
        assert_false(fx_pid_alive(r[i].pid));
    snprintf(url, sizeof(url), "%s/pids", fx->dir);
    assert_int_not_equal(access(url, F_OK), 0);
    assert_logs_clean(fx);
    assert_int_equal(RUN(fx, NULL, "down"), 0); /* nothing running is fine */
    assert_non_null(strstr(fx->err, "nothing to stop"));
}

static const char *const scenario =
    "{\"name\":\"buy fails once\",\"twilio\":{\"faults\":[{\"id\":\"search-500\",\"match\":"
    "{\"method\":\"GET\",\"path\":\"/2010-04-01/Accounts/*/AvailablePhoneNumbers/**\"},"
    "\"times\":1,\"action\":{\"status\":500}}]},\"livekit\":{\"rate_limits\":[{\"id\":\"lk\","
    "\"match\":{},\"limit\":1,\"per_ms\":60000,\"key\":\"global\",\"retry_after_s\":1}]}}";

/* Length of the JSON array an admin endpoint of a running fake answers (-1 if none). */
static long admin_count(struct fixture *fx, const char *env_key, const char *path)
{
    char envp[128], url[256];
    struct h_resp resp;
    long n = -1;

    snprintf(envp, sizeof(envp), "%s/env", fx->dir);
    char *env = h_slurp(envp);
    snprintf(url, sizeof(url), "%s%s", env_get(env, env_key), path);
    free(env);
    if (h_request("GET", url, NULL, NULL, 0, &resp) == 0) {
        cJSON *j = h_json(&resp);
        n = cJSON_IsArray(j) ? cJSON_GetArraySize(j) : -1;
        cJSON_Delete(j);
    }
    h_resp_free(&resp);
    return n;
}

static void scenario_journal_diagram_reset(void **state)
{
    struct fixture *fx = *state;
    char scen[128], bad[128], single[128], prefix[128], *out = NULL, *env, url[320];
    struct h_resp resp;

    snprintf(scen, sizeof(scen), "%s/s.json", fx->dir);
    h_write_file(scen, scenario);
    assert_int_equal(RUN(fx, &out, "up", "--scenario", scen), 0);
    out[strcspn(out, "\n")] = '\0';
    env = h_slurp(out);
    free(out);
    assert_non_null(strstr(fx->err, "twilio   took scenario 'buy fails once': 1 fault"));
    assert_non_null(strstr(fx->err, "livekit  took scenario 'buy fails once': 0 faults, 1 rate"));

    /* Two searches (500 from the fault, then 200), two LiveKit calls (200, then 429). */
    char base[128];
    snprintf(base, sizeof(base), "%s", env_get(env, "TWILIO_API_BASE"));
    snprintf(url, sizeof(url), "%s/2010-04-01/Accounts/%s/AvailablePhoneNumbers/US/Local.json",
             base, env_get(env, "TWILIO_ACCOUNT_SID"));
    const char *auth[] = {"Authorization: Basic QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTp0"
                          "ZXN0LWF1dGgtdG9rZW4=",
                          NULL};
    long want_tw[] = {500, 200};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(h_request("GET", url, auth, NULL, 0, &resp), 0);
        assert_int_equal(resp.status, want_tw[i]);
        h_resp_free(&resp);
    }
    snprintf(url, sizeof(url), "%s/twirp/livekit.SIP/ListSIPInboundTrunk",
             env_get(env, "LIVEKIT_URL"));
    for (int i = 0; i < 2; i++) {
        const char *hdr[] = {"Content-Type: application/json", NULL};
        assert_int_equal(h_request("POST", url, hdr, "{}", 0, &resp), 0);
        assert_int_equal(resp.status == 429, i == 1);
        h_resp_free(&resp);
    }
    free(env);

    assert_int_equal(RUN(fx, &out, "journal"), 0);
    const char *l1 = strstr(out, " twilio   GET    /2010-04-01/Accounts/");
    assert_non_null(l1);
    assert_non_null(strstr(l1, " 500 fault=search-500 "));
    const char *l3 = strstr(out, " livekit  POST   /twirp/livekit.SIP/ListSIPInboundTrunk 429 "
                                 "rate_limited ");
    assert_non_null(l3);
    assert_true(l3 > l1); /* time order across services */
    free(out);

    assert_int_equal(RUN(fx, &out, "journal", "--json"), 0);
    cJSON *arr = cJSON_Parse(out);
    free(out);
    assert_int_equal(cJSON_GetArraySize(arr), 4);
    const char *prev = "";
    const cJSON *e;
    cJSON_ArrayForEach(e, arr)
    {
        assert_non_null(cJSON_GetObjectItem(e, "service"));
        assert_true(strcmp(cJSON_GetObjectItem(e, "time")->valuestring, prev) >= 0);
        prev = cJSON_GetObjectItem(e, "time")->valuestring;
    }
    cJSON_Delete(arr);

    snprintf(prefix, sizeof(prefix), "%s/seq", fx->dir);
    assert_int_equal(RUN(fx, &out, "diagram", "--out", prefix), 0);
    snprintf(url, sizeof(url), "%s.mmd\n%s.html\n", prefix, prefix);
    assert_string_equal(out, url);
    free(out);
    snprintf(url, sizeof(url), "%s.mmd", prefix);
    char *mmd = h_slurp(url);
    assert_true(strncmp(mmd, "sequenceDiagram\n", 16) == 0);
    assert_non_null(strstr(mmd, "twilio-->>provisioner: 500 fault=search-500"));
    assert_non_null(strstr(mmd, "livekit-->>provisioner: 429 rate limited"));
    free(mmd);
    snprintf(url, sizeof(url), "%s.html", prefix);
    char *html = h_slurp(url);
    assert_non_null(strstr(html, "4 requests, 1 faulted, 1 rate limited"));
    free(html);

    /* A document the schema refuses: exit 2 before any fake is asked, naming the file, the
     * key's path and the key that was meant. */
    snprintf(bad, sizeof(bad), "%s/bad.json", fx->dir);
    h_write_file(bad, "{\"twilio\":{\"faults\":[{\"match\":{\"methd\":\"GET\"},"
                      "\"action\":{\"status\":500}}]}}");
    assert_int_equal(RUN(fx, NULL, "scenario", bad), 2);
    assert_non_null(strstr(fx->err, "bad.json: twilio.faults[0].match: unknown key \"methd\" "
                                    "(did you mean \"method\"?)"));
    /* One a fake refuses (an error code Twilio does not have): exit 1, and no fake changed,
     * not even livekit, whose section was fine (every section is checked first). */
    h_write_file(bad, "{\"livekit\":{\"faults\":[{\"id\":\"x\",\"action\":{\"status\":503}}]},"
                      "\"twilio\":{\"faults\":[{\"action\":{\"error\":\"99999\"}}]}}");
    assert_int_equal(RUN(fx, NULL, "scenario", bad), 1);
    assert_non_null(strstr(fx->err, "twilio rejected the scenario"));
    assert_non_null(strstr(fx->err, "99999"));
    assert_int_equal(admin_count(fx, "FAKE_LIVEKIT_ADMIN", "/faults"), 0);
    assert_int_equal(admin_count(fx, "FAKE_LIVEKIT_ADMIN", "/rate-limits"), 1);
    /* A document with a twilio section only leaves livekit and supabase as they are. */
    h_write_file(bad, "{\"twilio\":{\"faults\":[]}}");
    assert_int_equal(RUN(fx, NULL, "scenario", bad), 0);
    assert_non_null(strstr(fx->err, "livekit  untouched"));
    assert_int_equal(admin_count(fx, "FAKE_LIVEKIT_ADMIN", "/rate-limits"), 1);
    assert_int_equal(admin_count(fx, "FAKE_TWILIO_ADMIN", "/faults"), 0);
    /* A one-fake document needs --service; with it, only that fake takes it. */
    snprintf(single, sizeof(single), "%s/single.json", fx->dir);
    h_write_file(single, "{\"name\":\"one\",\"faults\":[]}");
    assert_int_equal(RUN(fx, NULL, "scenario", single), 2);
    assert_int_equal(RUN(fx, NULL, "scenario", single, "--service", "supabase"), 0);
    assert_non_null(strstr(fx->err, "supabase took scenario 'one'"));
    assert_non_null(strstr(fx->err, "twilio   untouched"));
    assert_null(strstr(fx->err, "twilio   took"));

    assert_int_equal(RUN(fx, NULL, "reset"), 0);
    assert_int_equal(RUN(fx, &out, "journal"), 0);
    assert_string_equal(out, "");
    free(out);
    assert_int_equal(RUN(fx, NULL, "down"), 0);
    assert_logs_clean(fx);
}

/* Is any process still running the program with this state dir's port file? */
static bool any_left(struct fixture *fx, const char *name)
{
    char marker[160], prog[64];
    DIR *d = opendir("/proc");
    struct dirent *e;
    bool found = false;

    snprintf(marker, sizeof(marker), "%s/%s.port", fx->dir, name);
    snprintf(prog, sizeof(prog), "fake_%s", name);
    while (d != NULL && (e = readdir(d)) != NULL) {
        long pid = strtol(e->d_name, NULL, 10);
        if (pid > 0 && fx_pid_is((pid_t)pid, prog, marker) && fx_pid_alive((pid_t)pid))
            found = true;
    }
    if (d != NULL)
        closedir(d);
    return found;
}

static void failed_start_leaves_nothing(void **state)
{
    struct fixture *fx = *state;
    char bin[128], path[192], real[512];

    /* twilio and supabase are real; livekit refuses its flags like a broken build would. */
    snprintf(bin, sizeof(bin), "%s/bin", fx->dir);
    assert_int_equal(mkdir(bin, 0755), 0);
    assert_non_null(realpath(h_bin("fake_twilio"), real));
    snprintf(path, sizeof(path), "%s/fake_twilio", bin);
    assert_int_equal(symlink(real, path), 0);
    assert_non_null(realpath(h_bin("fake_supabase"), real));
    snprintf(path, sizeof(path), "%s/fake_supabase", bin);
    assert_int_equal(symlink(real, path), 0);
    snprintf(path, sizeof(path), "%s/fake_livekit", bin);
    h_write_file(path, "#!/bin/sh\necho 'fake_livekit: --api-key: refused' >&2\nexit 2\n");
    assert_int_equal(chmod(path, 0755), 0);

    assert_int_equal(RUN(fx, NULL, "up", "--bin", bin), 1);
    assert_non_null(strstr(fx->err, "livekit did not start"));
    assert_non_null(strstr(fx->err, "--api-key: refused"));
    assert_false(any_left(fx, "twilio")); /* started first, stopped again */
    snprintf(path, sizeof(path), "%s/pids", fx->dir);
    assert_int_not_equal(access(path, F_OK), 0);

    assert_int_equal(RUN(fx, NULL, "up", "--bin", "/nonexistent"), 1);
    assert_non_null(strstr(fx->err, "/nonexistent/fake_twilio"));
}

static void custom_credentials_reach_the_fakes(void **state)
{
    struct fixture *fx = *state;
    static const char *const sid = "AC0123456789abcdef0123456789abcdef";
    static const char *const secret = "another-secret-that-is-at-least-32-characters";
    char *out = NULL, *env, url[256], key[600];
    struct h_resp resp;

    assert_int_equal(RUN(fx, &out, "up", "--account-sid", sid, "--auth-token", "tok",
                         "--jwt-secret", secret, "--api-key", "k1", "--api-secret", "s1"),
                     0);
    out[strcspn(out, "\n")] = '\0';
    env = h_slurp(out);
    free(out);
    assert_string_equal(env_get(env, "TWILIO_ACCOUNT_SID"), sid);
    assert_string_equal(env_get(env, "LIVEKIT_API_KEY"), "k1");
    char *derived = fx_supabase_key(secret, "anon");
    assert_string_equal(env_get(env, "SUPABASE_ANON_KEY"), derived); /* from /__admin/keys */
    free(derived);
    /* The fake accepts the new anon key: the launcher and the fake agree. */
    snprintf(key, sizeof(key), "apikey: %s", env_get(env, "SUPABASE_ANON_KEY"));
    snprintf(url, sizeof(url), "%s/rest/v1/profiles?select=*", env_get(env, "SUPABASE_URL"));
    const char *hdr[] = {key, NULL};
    assert_int_equal(h_request("GET", url, hdr, NULL, 0, &resp), 0);
    assert_int_equal(resp.status, 200);
    h_resp_free(&resp);
    free(env);
    assert_int_equal(RUN(fx, NULL, "down"), 0);
}

struct usage_case {
    bool with_state;
    const char *args[6];
    int want;
    const char *want_err;
};

static void usage_and_absent_fakes(void **state)
{
    static const struct usage_case cases[] = {
        {false, {NULL}, 2, "usage: fakes COMMAND"},
        {false, {"bogus", NULL}, 2, "unknown command 'bogus'"},
        {true, {"up", "--json", NULL}, 2, "'--json' does not apply"},
        {true, {"up", "--seed", "x", NULL}, 2, "--seed: expected"},
        {true, {"up", "--scenario", "/nonexistent.json", NULL}, 2, "/nonexistent.json"},
        {true, {"up", "--auth-token", "has space", NULL}, 2, "must be non-empty"},
        {true, {"scenario", NULL}, 2, "usage: fakes scenario"},
        {true, {"journal", "extra", NULL}, 2, "unexpected argument 'extra'"},
        {true, {"journal", NULL}, 1, "no fakes running"},
        {true, {"reset", NULL}, 1, "no fakes running"},
        {true, {"env", NULL}, 1, "run `fakes up` first"},
        {true, {"down", NULL}, 0, "nothing to stop"},
        {true, {"up", "--log-level", "loud", NULL}, 2, "--log-level: expected"},
        {true, {"up", "--user", "nobody", NULL}, 2, "expected EMAIL[:PASSWORD]"},
        {true, {"token", NULL}, 2, "exactly one of --user"},
        {true, {"token", "--livekit", NULL}, 1, "run `fakes up` first"},
        {false, {"test", NULL}, 2, "usage: fakes test"},
        {false, {"test", "/nonexistent", NULL}, 2, "/nonexistent: No such file"},
        {false, {"test", "--jobs", "0", "tests/scenarios", NULL}, 2, "--jobs: expected"},
        {false, {"--help", NULL}, 0, ""},
        {false, {"--version", NULL}, 0, ""},
        {false, {"up", "-h", NULL}, 0, ""},
    };
    struct fixture *fx = *state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int st = run(fx, NULL, cases[i].with_state, cases[i].args);
        if (st != cases[i].want || strstr(fx->err, cases[i].want_err) == NULL)
            fail_msg("case %zu: exit %d (want %d), stderr: %s", i, st, cases[i].want, fx->err);
    }
}

/* GET url with a Bearer token (and apikey when given); the status. */
static long get_with(const char *url, const char *token, const char *apikey, const char *body)
{
    char auth[4200], key[4200];
    struct h_resp resp;
    long status;

    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
    snprintf(key, sizeof(key), "apikey: %s", apikey != NULL ? apikey : "");
    const char *hdr[] = {auth, apikey != NULL ? key : "Content-Type: application/json", NULL};
    h_request(body != NULL ? "POST" : "GET", url, hdr, body, 0, &resp);
    status = resp.status;
    h_resp_free(&resp);
    return status;
}

/* up --user creates users; token --user signs them in (or up); token --livekit signs a key
 * token the fake accepts; logs are at info by default and carry the requests. */
static void users_tokens_and_logs(void **state)
{
    struct fixture *fx = *state;
    char *out = NULL, *env, url[256], anon[600], lk[256], path[160];

    assert_int_equal(RUN(fx, &out, "up", "--user", "bob@example.com:bob-password", "--user",
                         "carol@example.com:carol-password"),
                     0);
    out[strcspn(out, "\n")] = '\0';
    env = h_slurp(out);
    free(out);
    assert_non_null(strstr(fx->err, "user bob@example.com created"));
    snprintf(anon, sizeof(anon), "%s", env_get(env, "SUPABASE_ANON_KEY"));
    snprintf(url, sizeof(url), "%s/auth/v1/user", env_get(env, "SUPABASE_URL"));
    snprintf(lk, sizeof(lk), "%s/twirp/livekit.SIP/ListSIPInboundTrunk",
             env_get(env, "LIVEKIT_URL"));
    free(env);

    /* A user up created; one that is new (signed up, default password); a wrong password. */
    assert_int_equal(RUN(fx, &out, "token", "--user", "bob@example.com:bob-password"), 0);
    out[strcspn(out, "\n")] = '\0';
    assert_int_equal(get_with(url, out, anon, NULL), 200);
    free(out);
    assert_int_equal(RUN(fx, &out, "token", "--user", "dave@example.com"), 0);
    out[strcspn(out, "\n")] = '\0';
    assert_int_equal(get_with(url, out, anon, NULL), 200);
    free(out);
    assert_int_equal(RUN(fx, &out, "token", "--user", "carol@example.com:wrong-password"), 1);
    assert_string_equal(out, "");
    free(out);

    /* LiveKit: the default grants include sip.admin; without it the fake refuses. */
    assert_int_equal(RUN(fx, &out, "token", "--livekit"), 0);
    out[strcspn(out, "\n")] = '\0';
    assert_int_equal(get_with(lk, out, NULL, "{}"), 200);
    free(out);
    assert_int_equal(RUN(fx, &out, "token", "--livekit", "--grants", "{\"video\":{}}"), 0);
    out[strcspn(out, "\n")] = '\0';
    assert_int_equal(get_with(lk, out, NULL, "{}"), 401);
    free(out);
    assert_int_equal(RUN(fx, NULL, "token", "--livekit", "--grants", "[1]"), 2);

    /* The default log level is info: the requests above are in the logs. */
    snprintf(path, sizeof(path), "%s/livekit.log", fx->dir);
    char *log = h_slurp(path);
    assert_non_null(strstr(log, "ListSIPInboundTrunk"));
    free(log);
    assert_int_equal(RUN(fx, NULL, "down"), 0);
    assert_logs_clean(fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(up_env_health_down, setup, teardown),
        cmocka_unit_test_setup_teardown(scenario_journal_diagram_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_start_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(custom_credentials_reach_the_fakes, setup, teardown),
        cmocka_unit_test_setup_teardown(usage_and_absent_fakes, setup, teardown),
        cmocka_unit_test_setup_teardown(users_tokens_and_logs, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
