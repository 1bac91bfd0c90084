/* qa_probe.c: sign-in, journal counts, totals and journal excerpts for `fakes test`. */
#include "fakes/qa_probe.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fakekit/http.h"
#include "fakekit/jwt.h"
#include "fakes/admin_client.h"
#include "fakes/commands.h"
#include "fakes/journal_merge.h"

const char *const fx_total_names[4] = {"twilio_numbers", "phone_numbers", "trunks",
                                       "dispatch_rules"};

static const struct fx_running *fake(const struct fx_probe *p, const char *service)
{
    for (int i = 0; i < FX_NFAKES; i++)
        if (service != NULL && strcmp(p->fakes[i].name, service) == 0)
            return &p->fakes[i];
    return NULL;
}

static const char *base(const struct fx_probe *p, const char *service, char *buf, size_t len)
{
    const struct fx_running *f = fake(p, service);
    return f != NULL ? fx_base_url(f, buf, len) : "http://127.0.0.1:0";
}

/* An expired or unparsable user token, for the cases that test the provisioner's refusal. */
static int bad_token(const struct fx_probe *p, const char *kind, const char *id, char *token,
                     size_t len, struct fk_error *err)
{
    if (strcmp(kind, "garbage") == 0) {
        snprintf(token, len, "not-a-token");
        return 0;
    }
    cJSON *c = cJSON_CreateObject();
    long long now = (long long)time(NULL);
    cJSON_AddStringToObject(c, "sub", id != NULL ? id : "00000000-0000-4000-8000-000000000000");
    cJSON_AddStringToObject(c, "role", "authenticated");
    cJSON_AddStringToObject(c, "aud", "authenticated");
    cJSON_AddNumberToObject(c, "iat", (double)(now - 7200));
    cJSON_AddNumberToObject(c, "exp", (double)(now - 3600));
    char *t = fk_jwt_sign(c, p->creds->jwt_secret, true);
    cJSON_Delete(c);
    if (t == NULL) {
        fk_error_set(err, "out of memory");
        return FK_ENOMEM;
    }
    snprintf(token, len, "%s", t);
    free(t);
    return 0;
}

int fx_probe_login(const struct fx_probe *p, const cJSON *user, char *token, size_t token_len,
                   char *user_id, size_t id_len, struct fk_error *err)
{
    const char *kind = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "token"));
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "id"));
    const char *email = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "email"));
    const char *pw = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(user, "password"));
    char url[256], b[64], apikey[2048];
    int rc = 0;

    token[0] = user_id[0] = '\0';
    if (id != NULL)
        snprintf(user_id, id_len, "%s", id);
    if (user == NULL)
        return 0;
    if (kind != NULL)
        return bad_token(p, kind, id, token, token_len, err);
    if (email == NULL || pw == NULL) {
        fk_error_set(err, "user: needs email and password, or token");
        return FK_EINVAL;
    }
    snprintf(url, sizeof(url), "%s/auth/v1/token?grant_type=password",
             base(p, "supabase", b, sizeof(b)));
    snprintf(apikey, sizeof(apikey), "apikey: %s", p->creds->anon_key);
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "email", email);
    cJSON_AddStringToObject(body, "password", pw);
    char *text = cJSON_PrintUnformatted(body);
    const char *hdr[] = {apikey, NULL};
    struct fx_http_req rq = {.method = "POST", .url = url, .headers = hdr, .body = text};
    struct fx_http h = {0};
    rc = text != NULL ? fx_http_send(&rq, &h) : FK_ENOMEM;
    cJSON *j = rc == 0 && h.status == 200 ? cJSON_Parse(h.body) : NULL;
    const char *at = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "access_token"));
    const char *uid = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "user"), "id"));
    if (at != NULL && uid != NULL) {
        snprintf(token, token_len, "%s", at);
        snprintf(user_id, id_len, "%s", uid);
    } else {
        fk_error_set(err, "sign-in of %s failed: %ld %s", email, rc == 0 ? h.status : 0L,
                     rc == 0 ? h.body : h.error);
        rc = FK_EIO;
    }
    cJSON_Delete(j);
    cJSON_Delete(body);
    cJSON_free(text);
    fx_http_cleanup(&h);
    return rc;
}

long fx_probe_journal_count(const struct fx_probe *p, const char *service, const char *method,
                            const char *path, int status)
{
    char *m = fk_url_encode(method != NULL ? method : "");
    char *g = fk_url_encode(path != NULL ? path : "");
    char q[2048], b[64];
    cJSON *j = NULL;
    struct fk_error err = {{0}};
    long n = -1;

    if (m != NULL && g != NULL && fake(p, service) != NULL) {
        snprintf(q, sizeof(q), "/__admin/requests/count?method=%s&path=%s&status=%d", m, g, status);
        if (fx_admin_get_json(base(p, service, b, sizeof(b)), q, &j, &err) == 0 &&
            cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(j, "count")))
            n = (long)cJSON_GetObjectItemCaseSensitive(j, "count")->valuedouble;
    }
    cJSON_Delete(j);
    free(m);
    free(g);
    return n;
}

/* Length of the array at key of the JSON answer (the answer itself when key is NULL). */
static long count_items(struct fx_http_req *rq, const char *key)
{
    struct fx_http h;
    long n = -1;

    if (fx_http_send(rq, &h) == 0 && h.status == 200) {
        cJSON *j = cJSON_Parse(h.body);
        const cJSON *a = key != NULL ? cJSON_GetObjectItemCaseSensitive(j, key) : j;
        n = cJSON_IsArray(a) ? cJSON_GetArraySize(a) : -1;
        cJSON_Delete(j);
    }
    fx_http_cleanup(&h);
    return n;
}

static long livekit_count(const struct fx_probe *p, const char *method)
{
    cJSON *c = cJSON_CreateObject();
    long long now = (long long)time(NULL);
    char url[256], auth[2048], b[64];
    long n = -1;

    cJSON_AddItemToObject(c, "video", cJSON_CreateObject());
    cJSON_AddBoolToObject(cJSON_AddObjectToObject(c, "sip"), "admin", 1);
    cJSON_AddStringToObject(c, "iss", p->creds->lk_key);
    cJSON_AddNumberToObject(c, "nbf", (double)now);
    cJSON_AddNumberToObject(c, "exp", (double)(now + 600));
    char *t = fk_jwt_sign(c, p->creds->lk_secret, false);
    cJSON_Delete(c);
    if (t != NULL) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", t);
        snprintf(url, sizeof(url), "%s/twirp/livekit.SIP/%s", base(p, "livekit", b, sizeof(b)),
                 method);
        const char *hdr[] = {auth, NULL};
        struct fx_http_req rq = {.method = "POST", .url = url, .headers = hdr, .body = "{}"};
        n = count_items(&rq, "items");
    }
    free(t);
    return n;
}

void fx_probe_totals(const struct fx_probe *p, struct fx_totals *t)
{
    const struct fx_creds *c = p->creds;
    char url[512], userpwd[512], apikey[2048], bearer[2048], b[64];

    snprintf(url, sizeof(url), "%s/2010-04-01/Accounts/%s/IncomingPhoneNumbers.json?PageSize=1000",
             base(p, "twilio", b, sizeof(b)), c->account_sid);
    snprintf(userpwd, sizeof(userpwd), "%s:%s", c->account_sid, c->auth_token);
    struct fx_http_req tw = {.method = "GET", .url = url, .userpwd = userpwd};
    t->v[0] = count_items(&tw, "incoming_phone_numbers");

    snprintf(url, sizeof(url), "%s/rest/v1/phone_numbers?select=id&status=eq.active",
             base(p, "supabase", b, sizeof(b)));
    snprintf(apikey, sizeof(apikey), "apikey: %s", c->service_key);
    snprintf(bearer, sizeof(bearer), "Authorization: Bearer %s", c->service_key);
    const char *hdr[] = {apikey, bearer, NULL};
    struct fx_http_req sb = {.method = "GET", .url = url, .headers = hdr};
    t->v[1] = count_items(&sb, NULL);

    t->v[2] = livekit_count(p, "ListSIPInboundTrunk");
    t->v[3] = livekit_count(p, "ListSIPDispatchRule");
}

char *fx_probe_journal_tail(const struct fx_probe *p, int max)
{
    struct fx_merged m;
    struct fk_error err = {{0}};
    char b[64], *text = NULL;
    size_t len = 0;
    FILE *out;

    fx_merged_init(&m);
    for (int i = 0; i < FX_NFAKES; i++) {
        cJSON *j = NULL;
        if (fx_admin_get_json(fx_base_url(&p->fakes[i], b, sizeof(b)), "/__admin/requests", &j,
                              &err) == 0 &&
            fx_merged_add(&m, p->fakes[i].name, j, &err) != 0)
            break;
    }
    fx_merged_sort(&m);
    out = open_memstream(&text, &len);
    if (out != NULL) {
        fx_merged_print(&m, out);
        fclose(out);
    }
    fx_merged_cleanup(&m);
    if (text == NULL)
        return NULL;
    /* Keep the last max lines. */
    int lines = 0;
    size_t i = len;
    while (i > 0 && text[i - 1] == '\n')
        i--;
    for (; i > 0; i--) {
        if (text[i - 1] == '\n' && ++lines == max)
            break;
    }
    memmove(text, text + i, len - i + 1);
    return text;
}

int fx_probe_clear_faults(const struct fx_probe *p, struct fk_error *err)
{
    static const char *const what[] = {"/__admin/faults", "/__admin/rate-limits"};
    char url[160], b[64];

    for (int i = 0; i < FX_NFAKES; i++) {
        for (size_t k = 0; k < 2; k++) {
            struct fx_http h;
            snprintf(url, sizeof(url), "%s%s", fx_base_url(&p->fakes[i], b, sizeof(b)), what[k]);
            int rc = fx_http_do("DELETE", url, NULL, 0, &h);
            bool ok = rc == 0 && h.status < 300;
            if (!ok)
                fk_error_set(err, "DELETE %s: %s", url,
                             rc != 0 ? h.error : fx_admin_error_text(&h));
            fx_http_cleanup(&h);
            if (!ok)
                return FK_EIO;
        }
    }
    return 0;
}
