/* crash.c: kill the provisioner at a trace line, read one user's state across the fakes. */
#include "tests/support/crash.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fakekit/clock.h"
#include "fakekit/jwt.h"

#define CRASH_MAX_ARGS 24
#define CRASH_MAX_ENV  (FLOW_MAX_ENV + 8)

static const char *const tw_auth[] = {
    /* Basic base64("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:test-auth-token") */
    "Authorization: Basic QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTp0ZXN0LWF1dGgtdG9rZW4=",
    NULL};
static const char *const sb_auth[] = {"apikey: " FLOW_SERVICE_KEY,
                                      "Authorization: Bearer " FLOW_SERVICE_KEY, NULL};

static void copy(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src != NULL ? src : "");
}

static const char *jstr(const cJSON *o, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return s != NULL ? s : "";
}

/* One request whose 2xx answer is JSON; fails the test otherwise. Caller cJSON_Delete()s. */
static cJSON *json_call(const char *method, const char *url, const char *const *hdr,
                        const char *body)
{
    struct h_resp r;
    char msg[512];
    /* A generous timeout: the suite runs beside parallel builds and benchmarks. */
    h_request(method, url, hdr, body, 30000, &r);
    cJSON *j = h_json(&r);
    bool ok = r.status >= 200 && r.status < 300 && j != NULL;
    if (!ok)
        snprintf(msg, sizeof(msg), "%s %s -> %ld (curl %d) %.200s", method, url, r.status,
                 r.curl_code, r.body != NULL ? r.body : "");
    h_resp_free(&r);
    if (!ok) {
        cJSON_Delete(j);
        fail_msg("%s", msg);
    }
    return j;
}

/* Rows of a PostgREST table read with the service key (query after '?'). */
cJSON *crash_sb_rows(struct h_flow *fl, const char *table, const char *query)
{
    char url[512];
    snprintf(url, sizeof(url), "%s/rest/v1/%s?%s", fl->supabase.base, table, query);
    cJSON *j = json_call("GET", url, sb_auth, NULL);
    if (!cJSON_IsArray(j))
        fail_msg("GET %s: expected an array", url);
    return j;
}

/* A LiveKit list (ListSIPInboundTrunk, ListSIPDispatchRule): its "items" array's parent. */
void crash_lk_auth(char *out, size_t len)
{
    cJSON *c = cJSON_CreateObject();
    long long now = (long long)time(NULL);

    cJSON_AddItemToObject(c, "video", cJSON_CreateObject());
    cJSON_AddBoolToObject(cJSON_AddObjectToObject(c, "sip"), "admin", 1);
    cJSON_AddStringToObject(c, "iss", "devkey");
    cJSON_AddNumberToObject(c, "exp", (double)(now + 600));
    cJSON_AddNumberToObject(c, "nbf", (double)now);
    char *t = fk_jwt_sign(c, "secret", false);
    cJSON_Delete(c);
    assert_non_null(t);
    snprintf(out, len, "Authorization: Bearer %s", t);
    free(t);
}

cJSON *crash_lk_list(struct h_flow *fl, const char *method)
{
    char url[512], auth[2048];

    crash_lk_auth(auth, sizeof(auth));
    const char *hdr[] = {"Content-Type: application/json", auth, NULL};
    snprintf(url, sizeof(url), "%s/twirp/livekit.SIP/%s", fl->livekit.base, method);
    return json_call("POST", url, hdr, "{}");
}

static bool array_has(const cJSON *a, const char *s)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, a)
    {
        if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
            return true;
    }
    return false;
}

cJSON *crash_tw_numbers(struct h_flow *fl)
{
    char url[512];
    snprintf(url, sizeof(url), "%s/2010-04-01/Accounts/%s/IncomingPhoneNumbers.json?PageSize=1000",
             fl->twilio.base, FLOW_TWILIO_SID);
    return json_call("GET", url, tw_auth, NULL);
}

static void twilio_part(struct h_flow *fl, struct crash_state *s)
{
    char tag[96];
    snprintf(tag, sizeof(tag), "prov:%s", s->job_id);
    cJSON *j = crash_tw_numbers(fl);
    const cJSON *n;
    cJSON_ArrayForEach(n, cJSON_GetObjectItem(j, "incoming_phone_numbers"))
    {
        bool mine = s->sid[0] != '\0' && strcmp(jstr(n, "sid"), s->sid) == 0;
        s->sid_owned += mine;
        if (s->job_id[0] != '\0' && strcmp(jstr(n, "friendly_name"), tag) == 0) {
            s->tagged++;
            s->tagged_other += !mine;
        }
    }
    cJSON_Delete(j);
}

static void livekit_part(struct h_flow *fl, struct crash_state *s)
{
    char name[96];
    snprintf(name, sizeof(name), "prov-%s", s->job_id);
    cJSON *j = crash_lk_list(fl, "ListSIPInboundTrunk");
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(j, "items"))
    {
        if (s->job_id[0] != '\0' && strcmp(jstr(t, "name"), name) == 0) {
            s->trunks++;
            s->trunk_is_row =
                s->trunk_id[0] != '\0' && strcmp(jstr(t, "sip_trunk_id"), s->trunk_id) == 0;
        }
        if (s->number[0] != '\0' && array_has(cJSON_GetObjectItem(t, "numbers"), s->number))
            s->trunks_with_number++;
    }
    cJSON_Delete(j);
    j = crash_lk_list(fl, "ListSIPDispatchRule");
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(j, "items"))
    {
        if (s->job_id[0] != '\0' && strcmp(jstr(t, "name"), name) == 0) {
            s->rules++;
            s->rule_is_row =
                s->rule_id[0] != '\0' && strcmp(jstr(t, "sip_dispatch_rule_id"), s->rule_id) == 0;
        }
        if (s->trunk_id[0] != '\0' && array_has(cJSON_GetObjectItem(t, "trunk_ids"), s->trunk_id))
            s->rules_for_trunk++;
    }
    cJSON_Delete(j);
}

void crash_state_get(struct h_flow *fl, const char *user_id, struct crash_state *s)
{
    char q[256];
    memset(s, 0, sizeof(*s));

    snprintf(q, sizeof(q), "select=*&user_id=eq.%s", user_id);
    cJSON *j = crash_sb_rows(fl, "provisioning_jobs", q);
    const cJSON *row = cJSON_GetArrayItem(j, 0);
    copy(s->job_id, sizeof(s->job_id), jstr(row, "id"));
    copy(s->job_status, sizeof(s->job_status), jstr(row, "status"));
    copy(s->job_step, sizeof(s->job_step), jstr(row, "step"));
    cJSON_Delete(j);

    snprintf(q, sizeof(q), "select=*&user_id=eq.%s&status=eq.active", user_id);
    j = crash_sb_rows(fl, "phone_numbers", q);
    s->rows = cJSON_GetArraySize(j);
    row = cJSON_GetArrayItem(j, 0);
    copy(s->number, sizeof(s->number), jstr(row, "phone_number"));
    copy(s->sid, sizeof(s->sid), jstr(row, "twilio_sid"));
    copy(s->trunk_id, sizeof(s->trunk_id), jstr(row, "livekit_trunk_id"));
    copy(s->rule_id, sizeof(s->rule_id), jstr(row, "dispatch_rule_id"));
    cJSON_Delete(j);

    snprintf(q, sizeof(q), "select=phone_number&id=eq.%s", user_id);
    j = crash_sb_rows(fl, "profiles", q);
    copy(s->profile_number, sizeof(s->profile_number),
         jstr(cJSON_GetArrayItem(j, 0), "phone_number"));
    cJSON_Delete(j);

    twilio_part(fl, s);
    livekit_part(fl, s);
}

void crash_state_describe(const struct crash_state *s, char *out, size_t len)
{
    snprintf(out, len,
             "job %s (%s, step %s); %ld active row(s): number '%s' sid '%s' trunk '%s' rule '%s';"
             " profile number '%s'; twilio: sid owned %ld, tagged prov:<job> %ld (%ld other);"
             " livekit: trunks named for the job %ld (row's: %ld), trunks with the number %ld,"
             " rules named for the job %ld (row's: %ld), rules for the trunk %ld",
             s->job_id[0] ? s->job_id : "-", s->job_status, s->job_step, s->rows, s->number, s->sid,
             s->trunk_id, s->rule_id, s->profile_number, s->sid_owned, s->tagged, s->tagged_other,
             s->trunks, s->trunk_is_row, s->trunks_with_number, s->rules, s->rule_is_row,
             s->rules_for_trunk);
}

bool crash_state_ok(const struct crash_state *s, bool job_done, char *why, size_t len)
{
    const char *bad = NULL;
    if (s->rows != 1)
        bad = "not exactly one active phone_numbers row";
    else if (s->number[0] == '\0' || s->sid[0] == '\0' || s->trunk_id[0] == '\0' ||
             s->rule_id[0] == '\0')
        bad = "the row lacks a number, SID, trunk or rule";
    else if (strcmp(s->profile_number, s->number) != 0)
        bad = "the profile does not hold the row's number";
    else if (s->sid_owned != 1)
        bad = "the row's number is not owned by the account";
    else if (s->tagged != 1 || s->tagged_other != 0)
        bad = "not exactly one number tagged for the job";
    else if (s->trunks != 1 || s->trunk_is_row != 1 || s->trunks_with_number != 1)
        bad = "not exactly one trunk, the row's, for the number";
    else if (s->rules != 1 || s->rule_is_row != 1 || s->rules_for_trunk != 1)
        bad = "not exactly one dispatch rule, the row's, for the trunk";
    else if (job_done && strcmp(s->job_status, "completed") != 0)
        bad = "the job is not completed";
    if (bad == NULL)
        return true;
    char found[1024];
    crash_state_describe(s, found, sizeof(found));
    snprintf(why, len, "%s: %s", bad, found);
    return false;
}

void crash_user_id(int n, char *out)
{
    snprintf(out, 37, "c0000000-0000-4000-8000-%012d", n);
}

void crash_seed_users(struct h_flow *fl, int n)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *users = cJSON_AddArrayToObject(doc, "users");
    for (int i = 1; i <= n; i++) {
        char id[37], email[64];
        crash_user_id(i, id);
        snprintf(email, sizeof(email), "crash%d@example.com", i);
        cJSON *u = cJSON_CreateObject();
        cJSON_AddStringToObject(u, "id", id);
        cJSON_AddStringToObject(u, "email", email);
        cJSON_AddItemToArray(users, u);
    }
    char *body = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    assert_non_null(body);
    struct h_resp r;
    h_post_json(&fl->supabase, "/__admin/state", body, &r);
    cJSON_free(body);
    if (r.status < 200 || r.status >= 300)
        fail_msg("seeding %d users: %ld %s", n, r.status, r.body);
    h_resp_free(&r);
}

void crash_use_user(struct h_flow *fl, int n)
{
    char id[37], email[64];
    long long now = (long long)time(NULL);
    crash_user_id(n, id);
    snprintf(email, sizeof(email), "crash%d@example.com", n);
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "sub", id);
    cJSON_AddStringToObject(c, "aud", "authenticated");
    cJSON_AddStringToObject(c, "role", "authenticated");
    cJSON_AddStringToObject(c, "email", email);
    cJSON_AddNumberToObject(c, "iat", (double)now);
    cJSON_AddNumberToObject(c, "exp", (double)(now + 3600));
    char *t = fk_jwt_sign(c, FLOW_JWT_SECRET, true);
    cJSON_Delete(c);
    assert_non_null(t);
    snprintf(fl->token, sizeof(fl->token), "%s", t);
    snprintf(fl->user_id, sizeof(fl->user_id), "%s", id);
    free(t);
}

long crash_purchases_for(struct h_flow *fl, const char *job_id)
{
    char url[512];
    long n = 0;
    snprintf(url, sizeof(url),
             "%s/__admin/requests?method=POST&path=/2010-04-01/Accounts/%s/"
             "IncomingPhoneNumbers.json&limit=100000",
             fl->twilio.base, FLOW_TWILIO_SID);
    cJSON *j = json_call("GET", url, NULL, NULL);
    const cJSON *e;
    cJSON_ArrayForEach(e, j)
    {
        n += strstr(jstr(e, "body"), job_id) != NULL;
    }
    cJSON_Delete(j);
    return n;
}

/* argv and envp for a provisioner run; strings are borrowed (trace_arg is the caller's). */
static void build(struct h_flow *fl, const char *const *args, const char *const *extra_env,
                  const char *trace_arg, const char **argv, const char **envp)
{
    size_t n = 0, e = 0;
    argv[n++] = "provisioner";
    for (size_t i = 0; args[i] != NULL; i++) {
        assert_true(n + 5 < CRASH_MAX_ARGS);
        argv[n++] = args[i];
    }
    if (trace_arg != NULL) {
        argv[n++] = "--trace";
        argv[n++] = "json";
        argv[n++] = "--trace-file";
        argv[n++] = trace_arg;
    }
    argv[n] = NULL;
    const char *const *base = flow_env(fl);
    for (size_t i = 0; base[i] != NULL; i++)
        envp[e++] = base[i];
    for (size_t i = 0; extra_env != NULL && extra_env[i] != NULL; i++) {
        assert_true(e + 1 < CRASH_MAX_ENV);
        envp[e++] = extra_env[i];
    }
    envp[e] = NULL;
}

int crash_run_start(struct crash_run *cr, struct h_flow *fl, const char *const *args,
                    const char *const *extra_env)
{
    int fds[2];
    char trace_arg[32];
    const char *argv[CRASH_MAX_ARGS], *envp[CRASH_MAX_ENV];

    memset(cr, 0, sizeof(*cr));
    cr->run.out_fd = -1;
    copy(cr->last, sizeof(cr->last), "start");
    /* Both ends close on exec, then the write end is made inheritable: the child gets only
     * the end it writes the trace to, so the reader sees end-of-file when the child dies. */
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    if (fcntl(fds[1], F_SETFD, 0) != 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    snprintf(trace_arg, sizeof(trace_arg), "/dev/fd/%d", fds[1]);
    build(fl, args, extra_env, trace_arg, argv, envp);
    cr->start_us = fk_mono_us();
    int rc = h_run_start(&cr->run, argv, envp, NULL);
    close(fds[1]);
    cr->reaped = rc != 0; /* nothing to wait for */
    cr->trace = fdopen(fds[0], "r");
    if (cr->trace == NULL)
        close(fds[0]);
    return rc == 0 && cr->trace != NULL ? 0 : -1;
}

/* A short label for a trace line: "purchase done" or "store POST /rest/v1/phone_numbers 201". */
static void label(struct crash_run *cr, const cJSON *o)
{
    const char *ev = jstr(o, "event");
    if (cr->job_id[0] == '\0' && jstr(o, "job_id")[0] != '\0')
        copy(cr->job_id, sizeof(cr->job_id), jstr(o, "job_id"));
    if (strcmp(ev, "step") == 0) {
        snprintf(cr->last, sizeof(cr->last), "%s %s", jstr(o, "step"), jstr(o, "result"));
        return;
    }
    char path[96];
    copy(path, sizeof(path), jstr(o, "path"));
    path[strcspn(path, "?")] = '\0';
    const char *tail = strrchr(path, '/');
    snprintf(cr->last, sizeof(cr->last), "%s %s .../%s -> %d", jstr(o, "step"), jstr(o, "method"),
             tail != NULL ? tail + 1 : path,
             (int)cJSON_GetNumberValue(cJSON_GetObjectItem(o, "status")));
}

bool crash_run_line(struct crash_run *cr, cJSON **line)
{
    char *buf = NULL;
    size_t cap = 0;
    *line = NULL;
    if (cr->trace == NULL)
        return false;
    ssize_t n = getline(&buf, &cap, cr->trace);
    if (n <= 0) {
        free(buf);
        return false;
    }
    cr->lines++;
    *line = cJSON_Parse(buf);
    free(buf);
    if (*line != NULL)
        label(cr, *line);
    return true;
}

static void drain(struct crash_run *cr)
{
    cJSON *l = NULL;
    while (crash_run_line(cr, &l))
        cJSON_Delete(l);
    if (cr->trace != NULL)
        fclose(cr->trace);
    cr->trace = NULL;
}

int crash_run_kill(struct crash_run *cr)
{
    if (!cr->reaped && cr->run.pid > 0)
        kill(cr->run.pid, SIGKILL); /* a zombie not yet reaped takes it harmlessly */
    return crash_run_wait(cr);
}

int crash_run_wait(struct crash_run *cr)
{
    if (cr->reaped)
        return cr->run.status;
    /* The trace first: its end-of-file is the child's death (cr->last ends as the last
     * line the run wrote). */
    drain(cr);
    h_run_wait(&cr->run);
    cr->reaped = true;
    return cr->run.status;
}

void crash_run_free(struct crash_run *cr)
{
    if (cr->trace != NULL)
        fclose(cr->trace);
    cr->trace = NULL;
    h_run_free(&cr->run);
}

int crash_prov(struct h_flow *fl, const char *const *args, const char *const *extra_env, char **out)
{
    const char *argv[CRASH_MAX_ARGS], *envp[CRASH_MAX_ENV];
    struct h_run r;
    build(fl, args, extra_env, NULL, argv, envp);
    int status = h_run(&r, argv, envp, NULL);
    *out = r.out;
    r.out = NULL;
    h_run_free(&r);
    return status;
}
