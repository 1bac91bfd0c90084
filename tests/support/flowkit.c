/* flowkit.c: start the three fakes, sign users in, count state across services. */
#include "tests/support/flowkit.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fakekit/jwt.h"

static void env_add(struct h_flow *fl, const char *key, const char *value)
{
    size_t klen = strlen(key);
    char *kv = malloc(klen + strlen(value) + 2);

    assert_non_null(kv);
    snprintf(kv, klen + strlen(value) + 2, "%s=%s", key, value);
    for (size_t i = 0; i < fl->nenv; i++) {
        if (strncmp(fl->env[i], key, klen) == 0 && fl->env[i][klen] == '=') {
            free(fl->env[i]);
            fl->env[i] = kv;
            return;
        }
    }
    assert_true(fl->nenv + 1 < FLOW_MAX_ENV);
    fl->env[fl->nenv++] = kv;
    fl->env[fl->nenv] = NULL;
}

int flow_start(struct h_flow *fl, int seed)
{
    char s[16];
    const char *args[] = {"--seed", s, NULL};

    memset(fl, 0, sizeof(*fl));
    snprintf(s, sizeof(s), "%d", seed);
    if (h_start(&fl->twilio, "fake_twilio", args) != 0)
        return -1;
    if (h_start(&fl->livekit, "fake_livekit", args) != 0) {
        h_stop(&fl->twilio);
        return -1;
    }
    if (h_start(&fl->supabase, "fake_supabase", args) != 0) {
        h_stop(&fl->twilio);
        h_stop(&fl->livekit);
        return -1;
    }
    env_add(fl, "TWILIO_API_BASE", fl->twilio.base);
    env_add(fl, "TWILIO_ACCOUNT_SID", FLOW_TWILIO_SID);
    env_add(fl, "TWILIO_AUTH_TOKEN", FLOW_TWILIO_TOKEN);
    env_add(fl, "SUPABASE_URL", fl->supabase.base);
    env_add(fl, "SUPABASE_ANON_KEY", FLOW_ANON_KEY);
    env_add(fl, "SUPABASE_SERVICE_ROLE_KEY", FLOW_SERVICE_KEY);
    env_add(fl, "LIVEKIT_URL", fl->livekit.base);
    env_add(fl, "LIVEKIT_API_KEY", "devkey");
    env_add(fl, "LIVEKIT_API_SECRET", "secret");
    /* Tests want failures fast: short timeouts and backoff unless a case says otherwise. */
    env_add(fl, "PROV_REQUEST_TIMEOUT_MS", "2000");
    env_add(fl, "PROV_DEADLINE_MS", "15000");
    env_add(fl, "PROV_BACKOFF_BASE_MS", "20");
    env_add(fl, "PROV_BACKOFF_CAP_MS", "200");
    return 0;
}

int flow_stop(struct h_flow *fl)
{
    int a = h_stop(&fl->twilio), b = h_stop(&fl->livekit), c = h_stop(&fl->supabase);

    for (size_t i = 0; i < fl->nenv; i++)
        free(fl->env[i]);
    fl->nenv = 0;
    return a == 0 && b == 0 && c == 0 ? 0 : -1;
}

static struct h_proc *by_name(struct h_flow *fl, const char *service)
{
    if (service != NULL && strcmp(service, "twilio") == 0)
        return &fl->twilio;
    if (service != NULL && strcmp(service, "livekit") == 0)
        return &fl->livekit;
    if (service != NULL && strcmp(service, "supabase") == 0)
        return &fl->supabase;
    fail_msg("unknown service '%s'", service != NULL ? service : "(null)");
    return NULL;
}

void flow_load_scenario(struct h_flow *fl, const cJSON *doc)
{
    char *text = cJSON_PrintUnformatted(doc);
    struct h_proc *all[] = {&fl->twilio, &fl->livekit, &fl->supabase};

    assert_non_null(text);
    for (size_t i = 0; i < 3; i++) {
        struct h_resp r;
        h_post_json(all[i], "/__admin/scenario", text, &r);
        if (r.status != 200)
            fail_msg("scenario refused by %s: %ld %s", all[i]->base, r.status, r.body);
        h_resp_free(&r);
    }
    cJSON_free(text);
}

void flow_clear_faults(struct h_flow *fl)
{
    struct h_proc *all[] = {&fl->twilio, &fl->livekit, &fl->supabase};

    for (size_t i = 0; i < 3; i++) {
        struct h_resp r;
        h_delete(all[i], "/__admin/faults", &r);
        h_resp_free(&r);
        h_delete(all[i], "/__admin/rate-limits", &r);
        h_resp_free(&r);
    }
}

static void sign_bad_token(struct h_flow *fl, const char *kind, const char *id)
{
    if (strcmp(kind, "garbage") == 0) {
        snprintf(fl->token, sizeof(fl->token), "not-a-token");
        return;
    }
    cJSON *c = cJSON_CreateObject();
    long long now = (long long)time(NULL);
    cJSON_AddStringToObject(c, "sub", id != NULL ? id : "00000000-0000-4000-8000-000000000000");
    cJSON_AddStringToObject(c, "role", "authenticated");
    cJSON_AddStringToObject(c, "aud", "authenticated");
    cJSON_AddNumberToObject(c, "iat", (double)(now - 7200));
    cJSON_AddNumberToObject(c, "exp", (double)(now - 3600));
    char *t = fk_jwt_sign(c, FLOW_JWT_SECRET, true);
    assert_non_null(t);
    snprintf(fl->token, sizeof(fl->token), "%s", t);
    free(t);
    cJSON_Delete(c);
}

void flow_login(struct h_flow *fl, const cJSON *user)
{
    static const char *const hdr[] = {"Content-Type: application/json", "apikey: " FLOW_ANON_KEY,
                                      NULL};
    const char *token = cJSON_GetStringValue(cJSON_GetObjectItem(user, "token"));
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(user, "id"));
    char url[512], body[512];
    struct h_resp r;

    fl->token[0] = '\0';
    fl->user_id[0] = '\0';
    if (id != NULL)
        snprintf(fl->user_id, sizeof(fl->user_id), "%s", id);
    if (user == NULL)
        return;
    if (token != NULL) {
        sign_bad_token(fl, token, id);
        return;
    }
    const char *email = cJSON_GetStringValue(cJSON_GetObjectItem(user, "email"));
    const char *pw = cJSON_GetStringValue(cJSON_GetObjectItem(user, "password"));
    if (email == NULL || pw == NULL)
        fail_msg("user needs email and password, or token");
    snprintf(url, sizeof(url), "%s/auth/v1/token?grant_type=password", fl->supabase.base);
    snprintf(body, sizeof(body), "{\"email\":\"%s\",\"password\":\"%s\"}", email, pw);
    h_request("POST", url, hdr, body, 0, &r);
    cJSON *j = h_json(&r);
    const char *at = cJSON_GetStringValue(cJSON_GetObjectItem(j, "access_token"));
    const char *uid =
        cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "user"), "id"));
    if (r.status != 200 || at == NULL || uid == NULL)
        fail_msg("sign-in of %s failed: %ld %s", email, r.status, r.body);
    snprintf(fl->token, sizeof(fl->token), "%s", at);
    snprintf(fl->user_id, sizeof(fl->user_id), "%s", uid);
    cJSON_Delete(j);
    h_resp_free(&r);
}

void flow_set_env(struct h_flow *fl, const cJSON *env)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, env)
    {
        if (cJSON_IsString(e))
            env_add(fl, e->string, e->valuestring);
    }
}

const char *const *flow_env(struct h_flow *fl)
{
    return (const char *const *)fl->env;
}

const char *flow_log_dir(void)
{
    const char *d = getenv("TEST_LOG");
    return d != NULL && *d ? d : "/tmp";
}

long flow_journal_count(struct h_flow *fl, const char *service, const char *method,
                        const char *path)
{
    struct h_proc *p = by_name(fl, service);
    char url[1024];
    struct h_resp r;
    long n = -1;

    snprintf(url, sizeof(url), "/__admin/requests/count?method=%s&path=%s",
             method != NULL ? method : "", path != NULL ? path : "");
    h_get(p, url, &r);
    cJSON *j = h_json(&r);
    if (cJSON_IsNumber(cJSON_GetObjectItem(j, "count")))
        n = (long)cJSON_GetObjectItem(j, "count")->valuedouble;
    cJSON_Delete(j);
    h_resp_free(&r);
    return n;
}

/* Length of the array at key (or of the body itself when key is NULL); -1 if absent. */
static long array_len(const struct h_resp *r, const char *key)
{
    cJSON *j = h_json(r);
    const cJSON *a = key != NULL ? cJSON_GetObjectItem(j, key) : j;
    long n = cJSON_IsArray(a) ? cJSON_GetArraySize(a) : -1;

    cJSON_Delete(j);
    return n;
}

static long livekit_count(struct h_flow *fl, const char *method)
{
    cJSON *c = cJSON_CreateObject();
    long long now = (long long)time(NULL);
    char url[512], auth[2048];
    struct h_resp r;

    cJSON_AddItemToObject(c, "video", cJSON_CreateObject());
    cJSON *sip = cJSON_AddObjectToObject(c, "sip");
    cJSON_AddBoolToObject(sip, "admin", 1);
    cJSON_AddStringToObject(c, "iss", "devkey");
    cJSON_AddNumberToObject(c, "exp", (double)(now + 600));
    cJSON_AddNumberToObject(c, "nbf", (double)now);
    char *t = fk_jwt_sign(c, "secret", false);
    cJSON_Delete(c);
    assert_non_null(t);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", t);
    free(t);
    const char *hdr[] = {"Content-Type: application/json", auth, NULL};
    snprintf(url, sizeof(url), "%s/twirp/livekit.SIP/%s", fl->livekit.base, method);
    h_request("POST", url, hdr, "{}", 0, &r);
    long n = r.status == 200 ? array_len(&r, "items") : -1;
    h_resp_free(&r);
    return n;
}

void flow_totals(struct h_flow *fl, struct flow_totals *t)
{
    char url[512];
    struct h_resp r;

    /* Basic base64("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:test-auth-token") */
    static const char *const tw[] = {
        "Authorization: Basic "
        "QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTp0ZXN0LWF1dGgtdG9rZW4=",
        NULL};
    snprintf(url, sizeof(url), "%s/2010-04-01/Accounts/%s/IncomingPhoneNumbers.json?PageSize=1000",
             fl->twilio.base, FLOW_TWILIO_SID);
    h_request("GET", url, tw, NULL, 0, &r);
    t->twilio_numbers = array_len(&r, "incoming_phone_numbers");
    h_resp_free(&r);

    static const char *const sb[] = {"apikey: " FLOW_SERVICE_KEY,
                                     "Authorization: Bearer " FLOW_SERVICE_KEY, NULL};
    snprintf(url, sizeof(url), "%s/rest/v1/phone_numbers?select=id&status=eq.active",
             fl->supabase.base);
    h_request("GET", url, sb, NULL, 0, &r);
    t->phone_numbers = array_len(&r, NULL);
    h_resp_free(&r);

    t->trunks = livekit_count(fl, "ListSIPInboundTrunk");
    t->dispatch_rules = livekit_count(fl, "ListSIPDispatchRule");
}
