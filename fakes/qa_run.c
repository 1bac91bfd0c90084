/* qa_run.c: one case from start to verdict (see qa_run.h).
 *
 * The run stops at the first expectation that fails, like an assertion, and then gathers
 * what a person needs to see why: the merged journals of the three fakes and the last lines
 * the provisioner wrote on stderr. Everything a run starts is stopped before it returns. */
#include "fakes/qa_run.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fakekit/buf.h"
#include "fakekit/clock.h"
#include "fakes/admin_client.h"
#include "fakes/commands.h"
#include "fakes/procs.h"
#include "fakes/qa_probe.h"
#include "fakes/qa_proc.h"
#include "fakes/trio.h"

#define STEP_TIMEOUT_MS 120000 /* a provisioner run; its own deadline is far shorter */
#define STOP_GRACE_MS   10000
#define JOURNAL_LINES   25
#define STDERR_LINES    12
#define ENV_MAX         64
#define ARGS_MAX        64

struct run {
    const struct fx_run_env *env;
    const struct fx_case *c;
    char dir[PATH_MAX];
    char stderr_path[PATH_MAX + 32];
    struct fx_running fakes[FX_NFAKES];
    bool up;
    struct fx_probe probe;
    char token[4096], user_id[128];
    char *penv[ENV_MAX + 1]; /* the provisioner's extra environment, owned */
    size_t npenv;
    struct fk_buf fail; /* the first failure and its context */
    bool failed, ran_provisioner;
};

static void fail(struct run *r, const char *fmt, ...) FK_PRINTF(2, 3);

static void fail(struct run *r, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;

    if (r->failed)
        return;
    r->failed = true;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    (void)!fk_buf_printf(&r->fail, "%s\n", msg);
}

static void env_set(struct run *r, const char *key, const char *value)
{
    size_t klen = strlen(key);
    char *kv = NULL;

    if (asprintf(&kv, "%s=%s", key, value) < 0) {
        fail(r, "out of memory");
        return;
    }
    for (size_t i = 0; i < r->npenv; i++) {
        if (strncmp(r->penv[i], key, klen) == 0 && r->penv[i][klen] == '=') {
            free(r->penv[i]);
            r->penv[i] = kv;
            return;
        }
    }
    if (r->npenv == ENV_MAX) {
        free(kv);
        fail(r, "env: more than %d variables", ENV_MAX);
        return;
    }
    r->penv[r->npenv++] = kv;
    r->penv[r->npenv] = NULL;
}

/* The provisioner's environment: the fakes' URLs and credentials, short timeouts (tests want
 * failures fast), then the case's "env". */
static void build_env(struct run *r)
{
    const struct fx_creds *c = r->env->creds;
    char b[64];
    const cJSON *e;

    env_set(r, "TWILIO_API_BASE", fx_base_url(&r->fakes[0], b, sizeof(b)));
    env_set(r, "TWILIO_ACCOUNT_SID", c->account_sid);
    env_set(r, "TWILIO_AUTH_TOKEN", c->auth_token);
    env_set(r, "LIVEKIT_URL", fx_base_url(&r->fakes[1], b, sizeof(b)));
    env_set(r, "LIVEKIT_API_KEY", c->lk_key);
    env_set(r, "LIVEKIT_API_SECRET", c->lk_secret);
    env_set(r, "SUPABASE_URL", fx_base_url(&r->fakes[2], b, sizeof(b)));
    env_set(r, "SUPABASE_ANON_KEY", c->anon_key);
    env_set(r, "SUPABASE_SERVICE_ROLE_KEY", c->service_key);
    env_set(r, "PROV_REQUEST_TIMEOUT_MS", "2000");
    env_set(r, "PROV_DEADLINE_MS", "15000");
    env_set(r, "PROV_BACKOFF_BASE_MS", "20");
    env_set(r, "PROV_BACKOFF_CAP_MS", "200");
    if (fx_http_ca() != NULL)
        env_set(r, "PROV_CA_FILE", fx_http_ca());
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r->c->expect, "env"))
    {
        if (cJSON_IsString(e))
            env_set(r, e->string, e->valuestring);
    }
}

static void load_scenario(struct run *r, const cJSON *doc, const char *what)
{
    struct fk_error err = {{0}};
    char *text = cJSON_PrintUnformatted(doc);

    /* A case's documents are sectioned (qa_case.c): one without sections loads nothing. */
    bool any = cJSON_HasObjectItem(doc, "twilio") || cJSON_HasObjectItem(doc, "livekit") ||
               cJSON_HasObjectItem(doc, "supabase");

    if (text == NULL)
        fail(r, "out of memory");
    else if (any && fx_post_scenario(r->fakes, FX_NFAKES, text, doc, NULL, NULL, &err) != 0)
        fail(r, "%s: %s", what, err.msg);
    cJSON_free(text);
}

/* "*" in an expected output matches any non-null value; other values must be equal. */
static void check_output(struct run *r, int step, const cJSON *want, const char *out)
{
    cJSON *got = cJSON_Parse(out);
    const cJSON *w;

    if (!cJSON_IsObject(got)) {
        fail(r, "steps[%d]: the provisioner's output is not one JSON object: %.300s", step, out);
        cJSON_Delete(got);
        return;
    }
    cJSON_ArrayForEach(w, want)
    {
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);
        bool any = cJSON_IsString(w) && strcmp(w->valuestring, "*") == 0;
        if (any ? g != NULL && !cJSON_IsNull(g) : g != NULL && cJSON_Compare(w, g, true))
            continue;
        char *gs = g != NULL ? cJSON_PrintUnformatted(g) : NULL;
        char *ws = any ? NULL : cJSON_PrintUnformatted(w);
        fail(r, "steps[%d].output.%s: expected %s, got %s\n  output: %.1000s", step, w->string,
             any ? "any value" : (ws != NULL ? ws : "?"), gs != NULL ? gs : "nothing (absent)",
             out);
        cJSON_free(gs);
        cJSON_free(ws);
        break;
    }
    cJSON_Delete(got);
}

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

static void check_exits(struct run *r, int step, const cJSON *exits, int *got, int n)
{
    int want[FX_CHILDREN_MAX], m = 0;
    const cJSON *e;
    char ws[128] = "", gs[128] = "";
    size_t wl = 0, gl = 0;

    cJSON_ArrayForEach(e, exits)
    {
        if (m < FX_CHILDREN_MAX)
            want[m++] = e->valueint;
    }
    qsort(want, (size_t)m, sizeof(int), cmp_int);
    qsort(got, (size_t)n, sizeof(int), cmp_int);
    bool same = m == n;
    for (int k = 0; k < n && same; k++)
        same = want[k] == got[k];
    if (same)
        return;
    for (int k = 0; k < m && wl < sizeof(ws); k++)
        wl += (size_t)snprintf(ws + wl, sizeof(ws) - wl, "%s%d", k ? ", " : "", want[k]);
    for (int k = 0; k < n && gl < sizeof(gs); k++)
        gl += (size_t)snprintf(gs + gl, sizeof(gs) - gl, "%s%d", k ? ", " : "", got[k]);
    fail(r, "steps[%d].exits: expected the exit codes [%s], got [%s]", step, ws, gs);
}

/* argv of a step: the provisioner, then args with $TOKEN and $USER_ID replaced. */
static int step_argv(struct run *r, const cJSON *args, const char **argv, char *prog, size_t len)
{
    const cJSON *a;
    int n = 0;

    snprintf(prog, len, "%s/provisioner", r->env->bin);
    argv[n++] = prog;
    cJSON_ArrayForEach(a, args)
    {
        if (n + 1 >= ARGS_MAX)
            return -1;
        if (strcmp(a->valuestring, "$TOKEN") == 0)
            argv[n++] = r->token;
        else if (strcmp(a->valuestring, "$USER_ID") == 0)
            argv[n++] = r->user_id;
        else
            argv[n++] = a->valuestring;
    }
    argv[n] = NULL;
    return 0;
}

static void run_step(struct run *r, int i, const cJSON *step)
{
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(step, "args");
    const cJSON *conc = cJSON_GetObjectItemCaseSensitive(step, "concurrent");
    const cJSON *exit_code = cJSON_GetObjectItemCaseSensitive(step, "exit");
    const cJSON *output = cJSON_GetObjectItemCaseSensitive(step, "output");
    const cJSON *exits = cJSON_GetObjectItemCaseSensitive(step, "exits");
    const cJSON *scenario = cJSON_GetObjectItemCaseSensitive(step, "scenario");
    struct fx_child ch[FX_CHILDREN_MAX];
    struct fk_error err = {{0}};
    const char *argv[ARGS_MAX];
    char prog[PATH_MAX + 16], what[64];
    int n = cJSON_IsNumber(conc) ? conc->valueint : 1, got[FX_CHILDREN_MAX];

    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(step, "clear_faults")) &&
        fx_probe_clear_faults(&r->probe, &err) != 0)
        fail(r, "steps[%d].clear_faults: %s", i, err.msg);
    snprintf(what, sizeof(what), "steps[%d].scenario", i);
    if (!r->failed && scenario != NULL)
        load_scenario(r, scenario, what);
    if (r->failed || args == NULL)
        return;
    if (step_argv(r, args, argv, prog, sizeof(prog)) != 0) {
        fail(r, "steps[%d].args: more than %d arguments", i, ARGS_MAX - 2);
        return;
    }
    r->ran_provisioner = true;
    if (fx_children_run(ch, n, argv, (const char *const *)r->penv, r->stderr_path, STEP_TIMEOUT_MS,
                        &err) != 0)
        fail(r, "steps[%d]: cannot run %s: %s", i, prog, err.msg);
    for (int k = 0; k < n; k++) {
        got[k] = ch[k].status;
        if (ch[k].timed_out)
            fail(r, "steps[%d]: the provisioner did not finish within %d s", i,
                 STEP_TIMEOUT_MS / 1000);
    }
    if (!r->failed && n == 1 && cJSON_IsNumber(exit_code) && got[0] != exit_code->valueint)
        fail(r, "steps[%d].exit: expected %d, got %d\n  output: %.1000s", i, exit_code->valueint,
             got[0], fk_buf_str(&ch[0].out));
    if (!r->failed && n == 1 && output != NULL)
        check_output(r, i, output, fk_buf_str(&ch[0].out));
    if (!r->failed && exits != NULL)
        check_exits(r, i, exits, got, n);
    for (int k = 0; k < n; k++)
        fx_child_cleanup(&ch[k]);
}

static void check_journal(struct run *r)
{
    const cJSON *j;
    int i = 0;

    cJSON_ArrayForEach(j, cJSON_GetObjectItemCaseSensitive(r->c->expect, "journal"))
    {
        const char *svc = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "service"));
        const char *m = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "method"));
        const char *p = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "path"));
        const cJSON *count = cJSON_GetObjectItemCaseSensitive(j, "count");
        const cJSON *least = cJSON_GetObjectItemCaseSensitive(j, "at_least");
        const cJSON *status = cJSON_GetObjectItemCaseSensitive(j, "status");
        int st = cJSON_IsNumber(status) ? status->valueint : 0;
        char with[32] = "";
        if (st != 0)
            snprintf(with, sizeof(with), " answered %d", st);
        long got = fx_probe_journal_count(&r->probe, svc, m, p, st);
        if (got < 0)
            fail(r, "journal[%d]: %s did not answer its journal count", i, svc);
        else if (count != NULL && got != count->valueint)
            fail(r, "journal[%d]: expected %d %s request%s %s %s%s, got %ld", i, count->valueint,
                 svc, count->valueint == 1 ? "" : "s", m != NULL ? m : "(any method)",
                 p != NULL ? p : "(any path)", with, got);
        else if (least != NULL && got < least->valueint)
            fail(r, "journal[%d]: expected at least %d %s requests %s %s%s, got %ld", i,
                 least->valueint, svc, m != NULL ? m : "(any method)", p != NULL ? p : "(any path)",
                 with, got);
        if (r->failed)
            return;
        i++;
    }
}

static void check_final(struct run *r)
{
    const cJSON *final = cJSON_GetObjectItemCaseSensitive(r->c->expect, "final");
    struct fx_totals t;

    if (final == NULL)
        return;
    fx_probe_totals(&r->probe, &t);
    for (size_t k = 0; k < 4 && !r->failed; k++) {
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(final, fx_total_names[k]);
        if (w != NULL && t.v[k] != w->valueint)
            fail(r, "final.%s: expected %d, got %ld%s", fx_total_names[k], w->valueint, t.v[k],
                 t.v[k] < 0 ? " (the service did not answer)" : "");
    }
}

/* What a person needs to see why the case failed, after the failure line. */
static void add_context(struct run *r)
{
    char *journal = r->up ? fx_probe_journal_tail(&r->probe, JOURNAL_LINES) : NULL;

    if (journal != NULL && *journal)
        (void)!fk_buf_printf(&r->fail, "journal (last %d requests, all fakes):\n%s\n",
                             JOURNAL_LINES, journal);
    free(journal);
    if (r->ran_provisioner) {
        char *tail = fx_file_tail(r->stderr_path, STDERR_LINES);
        if (tail != NULL && *tail)
            (void)!fk_buf_printf(&r->fail, "provisioner stderr (last lines of %s):\n%s\n",
                                 r->stderr_path, tail);
        free(tail);
    }
    (void)!fk_buf_printf(&r->fail, "logs: %s\n", r->dir);
}

/* Stop the fakes; a fake that does not exit 0 (a crash, a leak found at exit) fails the case,
 * and is reported even after another failure. */
static void stop_fakes(struct run *r)
{
    int status[FX_NFAKES];

    if (!r->up)
        return;
    r->up = false;
    fx_trio_stop(r->fakes, FX_NFAKES, STOP_GRACE_MS, status);
    for (int i = 0; i < FX_NFAKES; i++) {
        int st = status[i];
        char how[64];
        if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
            continue;
        if (st == -1)
            snprintf(how, sizeof(how), "it would not stop");
        else if (WIFEXITED(st))
            snprintf(how, sizeof(how), "exit status %d", WEXITSTATUS(st));
        else
            snprintf(how, sizeof(how), "killed by signal %d", WTERMSIG(st));
        if (r->failed)
            (void)!fk_buf_printf(&r->fail,
                                 "also: fake_%s did not stop cleanly (%s); see %s/%s.log\n",
                                 r->fakes[i].name, how, r->dir, r->fakes[i].name);
        else
            fail(r, "fake_%s did not stop cleanly (%s); see %s/%s.log", r->fakes[i].name, how,
                 r->dir, r->fakes[i].name);
    }
}

static void run_case(struct run *r)
{
    const struct fx_case *c = r->c;
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(c->expect, "seed"), *st;
    char seed_text[24];
    struct fk_error err = {{0}};
    int i = 0;

    snprintf(seed_text, sizeof(seed_text), "%d", cJSON_IsNumber(seed) ? seed->valueint : 1);
    struct fx_trio_opts t = {.bin = r->env->bin,
                             .dir = r->dir,
                             .seed = seed_text,
                             .log_level = "info",
                             .creds = r->env->creds,
                             .spawn_flags = FX_SPAWN_TIED,
                             .tls_dir = r->env->tls_dir};
    if (fx_trio_start(&t, r->fakes, &err) != 0) {
        fail(r, "the fakes did not start: %s", err.msg);
        return;
    }
    r->up = true;
    build_env(r);
    if (!r->failed)
        load_scenario(r, c->doc, c->scenario_path);
    if (!r->failed &&
        fx_probe_login(&r->probe, cJSON_GetObjectItemCaseSensitive(c->expect, "user"), r->token,
                       sizeof(r->token), r->user_id, sizeof(r->user_id), &err) != 0)
        fail(r, "user: %s", err.msg);
    cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(c->expect, "steps"))
    {
        if (r->failed)
            break;
        run_step(r, i++, st);
    }
    if (!r->failed)
        check_journal(r);
    if (!r->failed)
        check_final(r);
    if (r->failed)
        add_context(r);
}

/* mkdir -p for the case folder (logs/NAME). */
static int make_dir(const char *path)
{
    char tmp[PATH_MAX];

    snprintf(tmp, sizeof(tmp), "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(tmp, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

int fx_case_run(const struct fx_run_env *env, const struct fx_case *c, struct fx_result *res)
{
    struct run *r = calloc(1, sizeof(*r));
    int64_t t0 = fk_mono_us();

    memset(res, 0, sizeof(*res));
    if (r == NULL)
        return FK_ENOMEM;
    r->env = env;
    r->c = c;
    r->probe.fakes = r->fakes;
    r->probe.creds = env->creds;
    fk_buf_init(&r->fail, 1 << 20);
    snprintf(r->dir, sizeof(r->dir), "%s/%s", env->logs, c->name);
    snprintf(r->stderr_path, sizeof(r->stderr_path), "%s/provisioner.stderr", r->dir);
    if (make_dir(r->dir) != 0)
        fail(r, "cannot make the log folder %s: %s", r->dir, strerror(errno));
    else
        unlink(r->stderr_path); /* an earlier run's */
    if (!r->failed)
        run_case(r);
    stop_fakes(r);
    res->passed = !r->failed;
    res->seconds = (double)(fk_mono_us() - t0) / 1e6;
    res->dir = strdup(r->dir);
    if (r->failed)
        res->failure = fk_buf_take(&r->fail, NULL);
    fk_buf_cleanup(&r->fail);
    for (size_t i = 0; i < r->npenv; i++)
        free(r->penv[i]);
    bool oom = res->dir == NULL || (r->failed && res->failure == NULL);
    free(r);
    if (oom) {
        fx_result_cleanup(res);
        return FK_ENOMEM;
    }
    return 0;
}

void fx_result_cleanup(struct fx_result *res)
{
    free(res->failure);
    free(res->dir);
    memset(res, 0, sizeof(*res));
}
