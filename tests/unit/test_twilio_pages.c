/* test_twilio_pages.c: the cache of whole search bodies (pages.h) and its invalidation.
 *
 * The container alone (hits, misses, replacement, limits, sync), then the search handler on a
 * real in-memory store: after every purchase, release, reset and state load the next search
 * must answer exactly what a search with an empty cache answers, so a bought number is never
 * offered again and a released one comes back at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_twilio/incoming.h"
#include "fake_twilio/numbers.h"
#include "fake_twilio/pages.h"
#include "fake_twilio/state.h"
#include "fakekit/store.h"
#include "tests/support/twworld.h"

static void put(struct twilio_pages *p, const char *key, const char *body)
{
    assert_int_equal(twilio_pages_put(p, key, body, strlen(body)), 0);
}

static void expect(const struct twilio_pages *p, const char *key, const char *body)
{
    size_t len = 0;
    const char *got = twilio_pages_get(p, key, &len);

    if (body == NULL) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_int_equal(len, strlen(body));
    assert_memory_equal(got, body, len);
    assert_int_equal(got[len], '\0');
}

static void pages_hit_miss_and_sync(void **state)
{
    /* Each step: sync to (changes, epoch), then whether "a" is still there. */
    static const struct {
        uint64_t changes, epoch;
        bool kept;
    } steps[] = {
        {5, 1, true},  /* same generation */
        {6, 1, false}, /* a row changed */
        {6, 2, false}, /* seed or state load */
        {6, 2, true},  {0, 0, false},
    };
    struct twilio_pages *p = twilio_pages_new();

    (void)state;
    assert_non_null(p);
    twilio_pages_sync(p, 5, 1);
    expect(p, "a", NULL);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        put(p, "a", "body-a");
        put(p, "b", "");
        twilio_pages_sync(p, steps[i].changes, steps[i].epoch);
        expect(p, "a", steps[i].kept ? "body-a" : NULL);
        expect(p, "b", steps[i].kept ? "" : NULL);
        assert_int_equal(twilio_pages_count(p), steps[i].kept ? 2 : 0);
    }
    /* Keys differ by a single byte or by length; replacing a key keeps one entry. */
    put(p, "/x?A=1", "one");
    put(p, "/x?A=2", "two");
    put(p, "/x?A=1&", "three");
    put(p, "/x?A=1", "uno");
    expect(p, "/x?A=1", "uno");
    expect(p, "/x?A=2", "two");
    expect(p, "/x?A=1&", "three");
    expect(p, "/x?A", NULL);
    assert_int_equal(twilio_pages_count(p), 3);
    twilio_pages_free(p);
    twilio_pages_free(NULL);
}

static void pages_bounded(void **state)
{
    struct twilio_pages *p = twilio_pages_new();
    size_t big = TWILIO_PAGES_MAX_BYTES / 4;
    char key[32], *body = malloc(big + 1);

    (void)state;
    assert_non_null(p);
    assert_non_null(body);
    twilio_pages_sync(p, 0, 0);
    /* More keys than slots: the oldest go first, the count never passes the limit. */
    for (int i = 0; i < 3 * TWILIO_PAGES_MAX; i++) {
        snprintf(key, sizeof key, "k%d", i);
        put(p, key, key);
        assert_true(twilio_pages_count(p) <= TWILIO_PAGES_MAX);
    }
    snprintf(key, sizeof key, "k%d", 3 * TWILIO_PAGES_MAX - 1);
    expect(p, key, key);
    expect(p, "k0", NULL);
    /* Too big to keep: not stored, not an error. */
    memset(body, 'x', big + 1);
    assert_int_equal(twilio_pages_put(p, "huge", body, big + 1), 0);
    expect(p, "huge", NULL);
    /* The byte limit: four bodies of the largest size kept, a fifth pushes one out. */
    for (int i = 0; i < 5; i++) {
        snprintf(key, sizeof key, "big%d", i);
        assert_int_equal(twilio_pages_put(p, key, body, big), 0);
    }
    expect(p, "big0", NULL);
    assert_non_null(twilio_pages_get(p, "big4", &big));
    free(body);
    twilio_pages_free(p);
}

/* ---- the handler on a real store ------------------------------------------------------ */

#define SID TWILIO_DEFAULT_ACCOUNT_SID

#define SEARCH_PATH "/2010-04-01/Accounts/" SID "/AvailablePhoneNumbers/US/Local.json"

/* The search body for query; it must equal what the same search gives with an empty cache.
 * Caller frees. */
static char *search(struct h_tw_world *w, const char *query)
{
    static const char *const params[] = {SID, "US", "Local"};
    struct fk_resp r1, r2;
    char *body;

    assert_int_equal(h_tw_call(w, twilio_search, "GET", SEARCH_PATH, query, "", params, 3, &r1),
                     200);
    w->svc->epoch += 1000; /* forget every page: the next answer is computed afresh */
    assert_int_equal(h_tw_call(w, twilio_search, "GET", SEARCH_PATH, query, "", params, 3, &r2),
                     200);
    assert_int_equal(r1.body_len, r2.body_len);
    assert_memory_equal(r1.body, r2.body, r1.body_len);
    body = strndup(r1.body, r1.body_len);
    fk_resp_cleanup(&r1);
    fk_resp_cleanup(&r2);
    assert_non_null(body);
    return body;
}

/* The search body twice in a row: the second comes from the cache and must match. */
static char *search_cached(struct h_tw_world *w, const char *query)
{
    static const char *const params[] = {SID, "US", "Local"};
    char *body = search(w, query);
    struct fk_resp r;

    assert_int_equal(h_tw_call(w, twilio_search, "GET", SEARCH_PATH, query, "", params, 3, &r),
                     200);
    assert_true(twilio_pages_count(w->svc->pages) >= 1);
    assert_int_equal(r.body_len, strlen(body));
    assert_memory_equal(r.body, body, r.body_len);
    fk_resp_cleanup(&r);
    return body;
}

static bool lists(const char *body, const char *e164)
{
    char needle[48];

    snprintf(needle, sizeof needle, "\"phone_number\":\"%s\"", e164);
    return strstr(body, needle) != NULL;
}

/* The first number of the search answer for query, into out. */
static void first_number(struct h_tw_world *w, const char *query, char *out, size_t outlen)
{
    char *body = search(w, query);
    cJSON *json = cJSON_Parse(body), *item;

    assert_non_null(json);
    item = cJSON_GetArrayItem(cJSON_GetObjectItem(json, "available_phone_numbers"), 0);
    assert_non_null(item);
    snprintf(out, outlen, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(item, "phone_number")));
    cJSON_Delete(json);
    free(body);
}

/* Buy e164; the new PN SID into sid. */
static void buy(struct h_tw_world *w, const char *e164, char *sid, size_t sidlen)
{
    static const char *const params[] = {SID};
    char form[64];
    struct fk_resp r;
    cJSON *json;

    snprintf(form, sizeof form, "PhoneNumber=%%2B%s", e164 + 1);
    assert_int_equal(h_tw_call(w, twilio_ipn_create, "POST",
                               "/2010-04-01/Accounts/" SID "/IncomingPhoneNumbers.json", "", form,
                               params, 1, &r),
                     201);
    json = cJSON_ParseWithLength(r.body, r.body_len);
    assert_non_null(json);
    snprintf(sid, sidlen, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(json, "sid")));
    cJSON_Delete(json);
    fk_resp_cleanup(&r);
}

static void release(struct h_tw_world *w, const char *sid)
{
    const char *params[] = {SID, sid};
    char path[256];
    struct fk_resp r;

    snprintf(path, sizeof path, "/2010-04-01/Accounts/%s/IncomingPhoneNumbers/%s.json", SID, sid);
    assert_int_equal(h_tw_call(w, twilio_ipn_delete_handler, "DELETE", path, "", "", params, 2, &r),
                     204);
    fk_resp_cleanup(&r);
}

static void reset(struct h_tw_world *w)
{
    struct fk_error err = {{0}};

    assert_int_equal(fk_store_begin(w->st), 0);
    assert_int_equal(fk_store_clear(w->st, &err), 0);
    assert_int_equal(twilio_seed(w->st, w->svc, &err), 0);
    assert_int_equal(fk_store_commit(w->st), 0);
}

static void load_number(struct h_tw_world *w, const char *e164)
{
    struct fk_error err = {{0}};
    char doc[128];
    cJSON *state;

    snprintf(doc, sizeof doc, "{\"incoming_phone_numbers\":[{\"phone_number\":\"%s\"}]}", e164);
    state = cJSON_Parse(doc);
    assert_non_null(state);
    assert_int_equal(fk_store_begin(w->st), 0);
    assert_int_equal(twilio_load_state(w->st, w->svc, state, "state", &err), 0);
    assert_int_equal(fk_store_commit(w->st), 0);
    cJSON_Delete(state);
}

static void search_never_offers_an_owned_number(void **state)
{
    static const char *const queries[] = {"", "PageSize=5", "PageSize=1&SmsEnabled=true"};
    struct h_tw_world w;
    char num[32], sid[64];

    (void)state;
    h_tw_open(&w);
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        char *before, *after;
        first_number(&w, queries[q], num, sizeof num);
        before = search_cached(&w, queries[q]);
        assert_true(lists(before, num));
        /* Bought: gone from the very next search. */
        buy(&w, num, sid, sizeof sid);
        after = search_cached(&w, queries[q]);
        assert_false(lists(after, num));
        free(after);
        /* Released: back, and the page is the one from before the purchase. */
        release(&w, sid);
        after = search_cached(&w, queries[q]);
        assert_string_equal(after, before);
        free(after);
        /* Owned through a state load, then freed by a reset. */
        load_number(&w, num);
        after = search_cached(&w, queries[q]);
        assert_false(lists(after, num));
        free(after);
        reset(&w);
        after = search_cached(&w, queries[q]);
        assert_string_equal(after, before);
        free(after);
        free(before);
    }
    h_tw_close(&w);
}

/* Accepted credentials are cached too (auth.c): a changed token must be refused at once. */
static void auth_follows_account_changes(void **state)
{
    static const char *const params[] = {SID, "US", "Local"};
    struct h_tw_world w;
    struct fk_error err = {{0}};
    struct fk_resp r;
    cJSON *doc;

    (void)state;
    h_tw_open(&w);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(h_tw_call(&w, twilio_search, "GET", SEARCH_PATH, "", "", params, 3, &r),
                         200);
        fk_resp_cleanup(&r);
    }
    assert_int_equal(twilio_pages_count(w.svc->creds), 1);
    /* A plain row change (no seed, no state load): refused on the next request. */
    assert_int_equal(
        fk_store_exec(w.st, "UPDATE accounts SET auth_token = 'other' WHERE sid = '" SID "'", &err),
        0);
    assert_int_equal(h_tw_call(&w, twilio_search, "GET", SEARCH_PATH, "", "", params, 3, &r), 401);
    fk_resp_cleanup(&r);
    /* Back through a state load: accepted again. */
    doc = cJSON_Parse("{\"accounts\":[{\"sid\":\"" SID "\",\"auth_token\":\"test-auth-token\"}]}");
    assert_non_null(doc);
    assert_int_equal(twilio_load_state(w.st, w.svc, doc, "state", &err), 0);
    cJSON_Delete(doc);
    assert_int_equal(h_tw_call(&w, twilio_search, "GET", SEARCH_PATH, "", "", params, 3, &r), 200);
    fk_resp_cleanup(&r);
    h_tw_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pages_hit_miss_and_sync),
        cmocka_unit_test(pages_bounded),
        cmocka_unit_test(search_never_offers_an_owned_number),
        cmocka_unit_test(auth_follows_account_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
