/* test_fake_ids.c: a fake never hands out an id its store already holds, whatever the seed
 * (fakekit/ids.h; issue 19 item 5).
 *
 * Each fake runs on a database file and is restarted on it (stopped with SIGTERM, or killed
 * with SIGKILL) with the same --seed, then with another one; after every restart it creates
 * one more thing, whose id must be new while everything created before is still there as it
 * was: a fake_livekit trunk (and dispatch rule) whose id was handed out again would replace
 * the earlier user's trunk; a fake_twilio SID collision answered 500; fake_supabase's first
 * signup answered 422 user_already_exists. And a fake on a fresh in-memory store given, by a
 * state document, the very ids its seed draws next, draws others. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <curl/curl.h>

#include "tests/support/crash.h"
#include "tests/support/flowkit.h"
#include "tests/support/harness.h"

#define SEED   "7"
#define ROUNDS 4 /* the first start, then restarts: SIGTERM same seed, SIGKILL same, other */
#define TW_AUTH                                                                                    \
    "Authorization: Basic QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTp0ZXN0LWF1dGgtdG9rZW4="
#define TW_BASE "/2010-04-01/Accounts/" FLOW_TWILIO_SID
#define MAX_IDS (2 * ROUNDS)

static char lk_auth[2048];

static int setup(void **state)
{
    (void)state;
    crash_lk_auth(lk_auth, sizeof(lk_auth));
    return curl_global_init(CURL_GLOBAL_DEFAULT) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    curl_global_cleanup();
    return 0;
}

/* One request to p whose answer must be 2xx JSON; the parsed body (caller deletes). */
static cJSON *call(const struct h_proc *p, const char *method, const char *path,
                   const char *const *hdr, const char *body)
{
    char url[512];
    struct h_resp r;
    snprintf(url, sizeof(url), "%s%s", p->base, path);
    h_request(method, url, hdr, body, 10000, &r);
    cJSON *j = h_json(&r);
    if (r.status < 200 || r.status >= 300 || j == NULL)
        fail_msg("%s %s -> %ld %s", method, path, r.status, r.body);
    h_resp_free(&r);
    return j;
}

static const char *jstr(const cJSON *o, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return s != NULL ? s : "";
}

/* Start, or restart in round n (1: SIGTERM same seed, 2: SIGKILL same, 3: SIGKILL another). */
static void cycle(struct h_proc *p, const char *program, const char *db, int n)
{
    const char *args[] = {"--db", db, "--seed", n < 3 ? SEED : "8", NULL};
    unsigned port = p->port;
    if (n > 0 && n != 2)
        assert_int_equal(h_stop(p), 0);
    else if (n == 2)
        h_kill(p);
    assert_int_equal(h_start_port(p, program, args, n > 0 ? port : 0), 0);
}

static void temp_db(char *out, size_t len, const char *name)
{
    snprintf(out, len, "/tmp/fake-ids-%d-%s.db", (int)getpid(), name);
}

static void drop_db(const char *db)
{
    char f[300];
    static const char *const tails[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(f, sizeof(f), "%s%s", db, tails[i]);
        unlink(f);
    }
}

/* id must be none of the n ids handed out so far; it is kept as one more. */
static void keep_new(char ids[][64], int *n, const char *id)
{
    assert_true(id[0] != '\0');
    for (int i = 0; i < *n; i++)
        if (strcmp(ids[i], id) == 0)
            fail_msg("id %s handed out again (it was number %d)", id, i + 1);
    snprintf(ids[(*n)++], 64, "%s", id);
}

/* fake_livekit: a trunk and a rule per round; every earlier trunk keeps its number. */
static void livekit_restarts(void **state)
{
    (void)state;
    const char *hdr[] = {"Content-Type: application/json", lk_auth, NULL};
    char db[256], ids[MAX_IDS][64], body[256];
    struct h_proc p = {0};
    int n = 0;
    temp_db(db, sizeof(db), "livekit");
    for (int round = 0; round < ROUNDS; round++) {
        cycle(&p, "fake_livekit", db, round);
        snprintf(body, sizeof(body),
                 "{\"trunk\":{\"name\":\"t%d\",\"numbers\":[\"+1415555010%d\"]}}", round, round);
        cJSON *t = call(&p, "POST", "/twirp/livekit.SIP/CreateSIPInboundTrunk", hdr, body);
        keep_new(ids, &n, jstr(t, "sip_trunk_id"));
        snprintf(body, sizeof(body),
                 "{\"trunkIds\":[\"%s\"],\"rule\":{\"dispatchRuleIndividual\":"
                 "{\"roomPrefix\":\"call-\"}}}",
                 jstr(t, "sip_trunk_id"));
        cJSON_Delete(t);
        cJSON *r = call(&p, "POST", "/twirp/livekit.SIP/CreateSIPDispatchRule", hdr, body);
        keep_new(ids, &n, jstr(r, "sip_dispatch_rule_id"));
        cJSON_Delete(r);
    }
    /* Every trunk is still there, still holding its own number. */
    cJSON *l = call(&p, "POST", "/twirp/livekit.SIP/ListSIPInboundTrunk", hdr, "{}");
    const cJSON *it = NULL;
    int trunks = 0;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(l, "items"))
    {
        char want[32];
        snprintf(want, sizeof(want), "+1415555010%s", jstr(it, "name") + 1);
        const cJSON *num = cJSON_GetArrayItem(cJSON_GetObjectItem(it, "numbers"), 0);
        assert_string_equal(cJSON_GetStringValue(num), want);
        trunks++;
    }
    cJSON_Delete(l);
    assert_int_equal(trunks, ROUNDS);
    assert_int_equal(h_stop(&p), 0);
    drop_db(db);
}

/* fake_twilio: one purchase per round; every SID new, every earlier number still owned. */
static void twilio_restarts(void **state)
{
    (void)state;
    const char *hdr[] = {TW_AUTH, "Content-Type: application/x-www-form-urlencoded", NULL};
    char db[256], ids[MAX_IDS][64], form[128];
    struct h_proc p = {0};
    int kept = 0;
    temp_db(db, sizeof(db), "twilio");
    for (int round = 0; round < ROUNDS; round++) {
        cycle(&p, "fake_twilio", db, round);
        cJSON *s =
            call(&p, "GET", TW_BASE "/AvailablePhoneNumbers/US/Local.json?PageSize=1", hdr, NULL);
        const cJSON *cand =
            cJSON_GetArrayItem(cJSON_GetObjectItem(s, "available_phone_numbers"), 0);
        snprintf(form, sizeof(form), "PhoneNumber=%%2B%s", jstr(cand, "phone_number") + 1);
        cJSON_Delete(s);
        cJSON *n = call(&p, "POST", TW_BASE "/IncomingPhoneNumbers.json", hdr, form);
        keep_new(ids, &kept, jstr(n, "sid"));
        cJSON_Delete(n);
    }
    cJSON *l = call(&p, "GET", TW_BASE "/IncomingPhoneNumbers.json?PageSize=100", hdr, NULL);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(l, "incoming_phone_numbers")), ROUNDS);
    cJSON_Delete(l);
    assert_int_equal(h_stop(&p), 0);
    drop_db(db);
}

/* fake_supabase: one signup per round; each answered 200 with a new user id. */
static void supabase_restarts(void **state)
{
    (void)state;
    const char *hdr[] = {"apikey: " FLOW_ANON_KEY, "Content-Type: application/json", NULL};
    char db[256], ids[MAX_IDS][64], body[160];
    struct h_proc p = {0};
    int kept = 0;
    temp_db(db, sizeof(db), "supabase");
    for (int round = 0; round < ROUNDS; round++) {
        cycle(&p, "fake_supabase", db, round);
        snprintf(body, sizeof(body),
                 "{\"email\":\"ids%d@example.com\",\"password\":\"password-%d\"}", round, round);
        cJSON *u = call(&p, "POST", "/auth/v1/signup", hdr, body);
        const char *id = jstr(cJSON_GetObjectItem(u, "user"), "id");
        keep_new(ids, &kept, id);
        cJSON_Delete(u);
    }
    assert_int_equal(h_stop(&p), 0);
    drop_db(db);
}

/* A fresh store given the very id its seed draws next: the fake draws another. */
static void state_holds_the_next_id(void **state)
{
    (void)state;
    const char *hdr[] = {"Content-Type: application/json", lk_auth, NULL};
    const char *args[] = {"--seed", SEED, NULL};
    const char *create = "{\"trunk\":{\"name\":\"new\",\"numbers\":[\"+14155550100\"]}}";
    char first[64], doc[256];
    struct h_proc p;
    assert_int_equal(h_start(&p, "fake_livekit", args), 0);
    cJSON *t = call(&p, "POST", "/twirp/livekit.SIP/CreateSIPInboundTrunk", hdr, create);
    snprintf(first, sizeof(first), "%s", jstr(t, "sip_trunk_id"));
    cJSON_Delete(t);
    assert_int_equal(h_stop(&p), 0);

    assert_int_equal(h_start(&p, "fake_livekit", args), 0);
    snprintf(doc, sizeof(doc),
             "{\"inbound_trunks\":[{\"sip_trunk_id\":\"%s\",\"name\":\"held\","
             "\"numbers\":[\"+14155550199\"]}]}",
             first);
    struct h_resp r;
    h_post_json(&p, "/__admin/state", doc, &r);
    assert_true(r.status >= 200 && r.status < 300);
    h_resp_free(&r);
    t = call(&p, "POST", "/twirp/livekit.SIP/CreateSIPInboundTrunk", hdr, create);
    assert_string_not_equal(jstr(t, "sip_trunk_id"), first);
    cJSON_Delete(t);
    cJSON *l = call(&p, "POST", "/twirp/livekit.SIP/ListSIPInboundTrunk", hdr, "{}");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(l, "items")), 2);
    cJSON_Delete(l);
    assert_int_equal(h_stop(&p), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(livekit_restarts),
        cmocka_unit_test(twilio_restarts),
        cmocka_unit_test(supabase_restarts),
        cmocka_unit_test(state_holds_the_next_id),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
