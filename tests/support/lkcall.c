/* lkcall.c: in-memory calls of fake_livekit's Twirp handler (see lkcall.h). */
#include "tests/support/lkcall.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fake_livekit/db.h"
#include "fake_livekit/grants.h"
#include "fake_livekit/proto_json.h"
#include "fake_livekit/twirp.h"
#include "fakekit/cache.h"
#include "fakekit/jwt.h"

int h_lk_open(struct h_lk *lk)
{
    struct fk_error err = {{0}};
    memset(lk, 0, sizeof(*lk));
    lk->svc.api_key = "devkey";
    lk->svc.api_secret = "secret";
    if (!(lk->svc.reads = fk_cache_new(LK_READS_MAX, LK_READS_MAX_BYTES)))
        return -1;
    if (fk_store_open(":memory:", lk_schema_sql, &lk->st, &err) != 0 ||
        lk_db_seed(lk->st, &lk->svc, &err) != 0)
        return -1;
    cJSON *c = cJSON_Parse("{\"video\":{},\"sip\":{\"admin\":true}}");
    if (!c)
        return -1;
    cJSON_AddStringToObject(c, "iss", "devkey");
    cJSON_AddNumberToObject(c, "exp", (double)(time(NULL) + 3600));
    char *t = fk_jwt_sign(c, "secret", false);
    cJSON_Delete(c);
    if (!t)
        return -1;
    snprintf(lk->auth, sizeof(lk->auth), "Bearer %s", t);
    free(t);
    return 0;
}

void h_lk_close(struct h_lk *lk)
{
    fk_cache_free(lk->svc.reads);
    lk->svc.reads = NULL;
    fk_store_close(lk->st);
    lk_auth_cache_clear();
    lk->st = NULL;
}

int h_lk_post(struct h_lk *lk, const char *method, const char *ct, const void *body, size_t len,
              struct fk_resp *resp)
{
    char path[256];
    char *copy = malloc(len + 1);
    struct fk_kv headers[] = {{"Authorization", lk->auth}, {"Content-Type", ct}};
    struct fk_req req;
    if (!copy)
        return FK_ENOMEM;
    if (len)
        memcpy(copy, body, len);
    copy[len] = '\0';
    snprintf(path, sizeof(path), "/twirp/livekit.SIP/%s", method);
    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.path = path;
    req.query = "";
    req.body = copy;
    req.body_len = len;
    req.headers = headers;
    req.nheaders = 2;
    req.params[0] = method;
    req.nparams = 1;
    req.remote = "127.0.0.1";
    req.store = lk->st;
    req.svc = &lk->svc;
    fk_resp_init(resp);
    fk_store_lock(lk->st);
    int rc = lk_twirp_handle(&req, resp);
    fk_store_unlock(lk->st);
    free(copy);
    return rc;
}

cJSON *h_lk_json(struct h_lk *lk, const char *method, const char *body, unsigned *status)
{
    struct fk_resp resp;
    int rc = h_lk_post(lk, method, "application/json", body, strlen(body), &resp);
    *status = rc == 0 ? resp.status : 0;
    cJSON *j = rc == 0 && resp.body ? cJSON_ParseWithLength(resp.body, resp.body_len) : NULL;
    fk_resp_cleanup(&resp);
    return j;
}

int h_lk_put(struct h_lk *lk, const char *kind, const char *json)
{
    struct fk_error err = {{0}};
    bool rule = strcmp(kind, "rule") == 0;
    const struct lk_msg *m = rule                           ? &lk_msg_dispatch_rule
                             : strcmp(kind, "inbound") == 0 ? &lk_msg_inbound_trunk
                                                            : &lk_msg_outbound_trunk;
    cJSON *in = cJSON_Parse(json), *info = NULL;
    int rc = in ? lk_pj_decode(in, m, &info, &err) : -1;
    cJSON_Delete(in);
    if (rc != 0)
        return -1;
    fk_store_lock(lk->st);
    rc = rule
             ? lk_db_rule_put(lk->st, info)
             : lk_db_trunk_put(lk->st, m == &lk_msg_inbound_trunk ? LK_INBOUND : LK_OUTBOUND, info);
    fk_store_unlock(lk->st);
    cJSON_Delete(info);
    return rc == 0 ? 0 : -1;
}

int h_lk_setup(void **state)
{
    static struct h_lk lk;
    *state = &lk;
    return h_lk_open(&lk);
}

int h_lk_teardown(void **state)
{
    h_lk_close(*state);
    return 0;
}

cJSON *h_lk_expect(struct h_lk *lk, const char *method, const char *body, unsigned want)
{
    unsigned status = 0;
    cJSON *j = h_lk_json(lk, method, body, &status);
    if (status != want) {
        char *text = j ? cJSON_PrintUnformatted(j) : NULL;
        fail_msg("%s %s: status %u, want %u: %s", method, body, status, want, text ? text : "");
    }
    assert_non_null(j);
    return j;
}

void h_lk_expect_error(struct h_lk *lk, const char *method, const char *body, unsigned status,
                       const char *code, const char *msg)
{
    cJSON *j = h_lk_expect(lk, method, body, status);
    const char *got_code = cJSON_GetStringValue(cJSON_GetObjectItem(j, "code"));
    const char *got_msg = cJSON_GetStringValue(cJSON_GetObjectItem(j, "msg"));
    if (!got_code || !got_msg || strcmp(got_code, code) != 0 || strcmp(got_msg, msg) != 0)
        fail_msg("%s %s:\n got %s %s\nwant %s %s", method, body, got_code ? got_code : "-",
                 got_msg ? got_msg : "-", code, msg);
    cJSON_Delete(j);
}

void h_lk_stored(struct h_lk *lk, const char *kind, const char *json)
{
    if (h_lk_put(lk, kind, json) != 0)
        fail_msg("cannot store %s", json);
}

const char *h_lk_media(const cJSON *answer)
{
    static char buf[256];
    char *s = cJSON_PrintUnformatted(cJSON_GetObjectItem(answer, "media"));
    snprintf(buf, sizeof(buf), "%s", s ? s : "(none)");
    cJSON_free(s);
    return buf;
}
