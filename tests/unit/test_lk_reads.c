/* test_lk_reads.c: answers of List calls and key secrets kept until the store changes
 * (fakekit/cache.h), through the real Twirp handler on an in-memory store.
 *
 * After every create, update, delete, reset and state load, the next List must answer exactly
 * what it answers with nothing kept; a rotated key secret must refuse the old token at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_livekit/db.h"
#include "fake_livekit/grants.h"
#include "fake_livekit/state.h"
#include "fake_livekit/twirp.h"
#include "fakekit/cache.h"
#include "fakekit/clock.h"
#include "fakekit/jwt.h"
#include "tests/support/fakereq.h"

struct world {
    struct fk_store *st;
    struct lk_svc svc;
    char auth[1024];
};

static void sign(struct world *w, const char *secret)
{
    cJSON *c = cJSON_CreateObject();
    char *t;

    cJSON_AddItemToObject(c, "sip", cJSON_Parse("{\"admin\":true}"));
    cJSON_AddStringToObject(c, "iss", "devkey");
    cJSON_AddNumberToObject(c, "exp", (double)(fk_now_us() / 1000000 + 600));
    t = fk_jwt_sign(c, secret, false);
    assert_non_null(t);
    snprintf(w->auth, sizeof(w->auth), "Bearer %s", t);
    free(t);
    cJSON_Delete(c);
}

/* POST /twirp/livekit.SIP/method with body; the answer's status, its body in *out. */
static unsigned call(struct world *w, const char *method, const char *body, char **out)
{
    const struct fk_kv headers[] = {{"Authorization", w->auth},
                                    {"Content-Type", "application/json"}};
    char path[128];
    struct fk_req req;
    struct fk_resp resp;
    unsigned status;

    snprintf(path, sizeof(path), "/twirp/livekit.SIP/%s", method);
    req = h_make_req("POST", path);
    req.body = body;
    req.body_len = strlen(body);
    req.headers = headers;
    req.nheaders = 2;
    req.params[0] = method;
    req.nparams = 1;
    req.store = w->st;
    req.svc = &w->svc;
    fk_resp_init(&resp);
    assert_int_equal(lk_twirp_handle(&req, &resp), 0);
    status = resp.status;
    *out = strndup(resp.body ? resp.body : "", resp.body_len);
    assert_non_null(*out);
    fk_resp_cleanup(&resp);
    return status;
}

/* List twice: the first answer may be kept, the second is computed with nothing kept; both
 * must be equal. Returns the answer (caller frees). */
static char *list(struct world *w, const char *method)
{
    char *a, *b;

    assert_int_equal(call(w, method, "{}", &a), 200);
    /* Move the store's data version without changing anything: nothing kept is used. */
    assert_int_equal(fk_store_begin(w->st), 0);
    assert_int_equal(fk_store_commit(w->st), 0);
    assert_int_equal(call(w, method, "{}", &b), 200);
    assert_string_equal(a, b);
    free(b);
    assert_int_equal(call(w, method, "{}", &b), 200); /* kept now */
    assert_string_equal(a, b);
    free(b);
    return a;
}

static void create(struct world *w, const char *method, const char *body, const char *idkey,
                   char *id, size_t idlen)
{
    char *out;
    cJSON *json;

    if (call(w, method, body, &out) != 200)
        fail_msg("%s %s: %s", method, body, out);
    json = cJSON_Parse(out);
    assert_non_null(json);
    snprintf(id, idlen, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(json, idkey)));
    cJSON_Delete(json);
    free(out);
}

static void run(struct world *w, const char *method, const char *body, unsigned want)
{
    char *out;
    unsigned got = call(w, method, body, &out);

    if (got != want)
        fail_msg("%s %s: %u %s", method, body, got, out);
    free(out);
}

static void load(struct world *w, const char *doc)
{
    struct fk_error err = {{0}};
    cJSON *state = cJSON_Parse(doc);

    assert_non_null(state);
    assert_int_equal(fk_store_begin(w->st), 0);
    if (lk_db_load_state(w->st, &w->svc, state, "state", &err) != 0)
        fail_msg("%s", err.msg);
    assert_int_equal(fk_store_commit(w->st), 0);
    cJSON_Delete(state);
}

static void lists_see_every_change(void **state)
{
    struct world w = {.svc = {.api_key = "devkey", .api_secret = "secret"}};
    struct fk_error err = {{0}};
    char trunk[64], rule[64], body[256], *before, *after;

    (void)state;
    assert_non_null(w.svc.reads = fk_cache_new(LK_READS_MAX, LK_READS_MAX_BYTES));
    assert_int_equal(fk_store_open(":memory:", lk_schema_sql, &w.st, &err), 0);
    assert_int_equal(lk_db_seed(w.st, &w.svc, &err), 0);
    sign(&w, "secret");
    fk_store_lock(w.st);

    before = list(&w, "ListSIPInboundTrunk");
    assert_string_equal(before, "{\"items\":[]}");
    create(&w, "CreateSIPInboundTrunk",
           "{\"trunk\":{\"name\":\"a\",\"numbers\":[\"+15105550100\"]}}", "sip_trunk_id", trunk,
           sizeof(trunk));
    after = list(&w, "ListSIPInboundTrunk");
    assert_non_null(strstr(after, trunk));
    free(after);
    snprintf(body, sizeof(body),
             "{\"sip_trunk_id\":\"%s\",\"replace\":{\"name\":\"renamed\",\"numbers\":[\"+"
             "15105550100\"]}}",
             trunk);
    run(&w, "UpdateSIPInboundTrunk", body, 200);
    after = list(&w, "ListSIPInboundTrunk");
    assert_non_null(strstr(after, "\"renamed\""));
    free(after);

    /* Rules: created, then gone with a delete. */
    snprintf(body, sizeof(body),
             "{\"rule\":{\"dispatchRuleDirect\":{\"roomName\":\"r\"}},\"trunk_ids\":[\"%s\"]}",
             trunk);
    create(&w, "CreateSIPDispatchRule", body, "sip_dispatch_rule_id", rule, sizeof(rule));
    after = list(&w, "ListSIPDispatchRule");
    assert_non_null(strstr(after, rule));
    free(after);
    snprintf(body, sizeof(body), "{\"sip_dispatch_rule_id\":\"%s\"}", rule);
    run(&w, "DeleteSIPDispatchRule", body, 200);
    after = list(&w, "ListSIPDispatchRule");
    assert_null(strstr(after, rule));
    free(after);

    snprintf(body, sizeof(body), "{\"sip_trunk_id\":\"%s\"}", trunk);
    run(&w, "DeleteSIPTrunk", body, 200);
    after = list(&w, "ListSIPInboundTrunk");
    assert_string_equal(after, before);
    free(after);

    /* A state load adds a trunk; a reset takes it away. */
    load(&w, "{\"inbound_trunks\":[{\"sip_trunk_id\":\"ST_loaded\",\"name\":\"l\"}]}");
    after = list(&w, "ListSIPInboundTrunk");
    assert_non_null(strstr(after, "ST_loaded"));
    free(after);
    assert_int_equal(fk_store_begin(w.st), 0);
    assert_int_equal(fk_store_clear(w.st, &err), 0);
    assert_int_equal(lk_db_seed(w.st, &w.svc, &err), 0);
    assert_int_equal(fk_store_commit(w.st), 0);
    after = list(&w, "ListSIPInboundTrunk");
    assert_string_equal(after, before);
    free(after);

    /* A rotated secret refuses the token that worked a moment ago; a token signed with the
     * new secret works. */
    load(&w, "{\"api_keys\":[{\"key\":\"devkey\",\"secret\":\"rotated\"}]}");
    run(&w, "ListSIPInboundTrunk", "{}", 401);
    sign(&w, "rotated");
    run(&w, "ListSIPInboundTrunk", "{}", 200);
    /* Without the grant, a kept answer is not given. */
    {
        cJSON *c = cJSON_CreateObject();
        char *t;
        cJSON_AddStringToObject(c, "iss", "devkey");
        cJSON_AddNumberToObject(c, "exp", (double)(fk_now_us() / 1000000 + 600));
        t = fk_jwt_sign(c, "rotated", false);
        snprintf(w.auth, sizeof(w.auth), "Bearer %s", t);
        free(t);
        cJSON_Delete(c);
        run(&w, "ListSIPInboundTrunk", "{}", 401);
    }
    free(before);
    fk_store_unlock(w.st);
    fk_store_close(w.st);
    fk_cache_free(w.svc.reads);
    lk_auth_cache_clear();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lists_see_every_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
