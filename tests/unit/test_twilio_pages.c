/* test_twilio_pages.c: whole search bodies and accepted credentials kept until the store
 * changes (fakekit/cache.h), through the search handler on a real in-memory store: after every
 * purchase, release, reset and state load the next search must answer exactly what a search with an
 * empty cache answers, so a bought number is never offered again and a released one comes back at
 * once. */
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
#include "fake_twilio/state.h"
#include "fakekit/cache.h"
#include "fakekit/store.h"
#include "tests/support/twworld.h"

/* ---- the handler on a real store ------------------------------------------------------ */

#define SID TWILIO_DEFAULT_ACCOUNT_SID

#define SEARCH_PATH "/2010-04-01/Accounts/" SID "/AvailablePhoneNumbers/US/Local.json"

/* Move the store's data version without changing anything: every kept value is gone. */
static void forget(struct h_tw_world *w)
{
    assert_int_equal(fk_store_begin(w->st), 0);
    assert_int_equal(fk_store_commit(w->st), 0);
}

/* The search body for query; it must equal what the same search gives with an empty cache.
 * Caller frees. */
static char *search(struct h_tw_world *w, const char *query)
{
    static const char *const params[] = {SID, "US", "Local"};
    struct fk_resp r1, r2;
    char *body;

    assert_int_equal(h_tw_call(w, twilio_search, "GET", SEARCH_PATH, query, "", params, 3, &r1),
                     200);
    forget(w); /* the next answer is computed afresh */
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
    assert_true(fk_cache_count(w->svc->pages) >= 1);
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
    assert_int_equal(fk_cache_count(w.svc->creds), 1);
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
        cmocka_unit_test(search_never_offers_an_owned_number),
        cmocka_unit_test(auth_follows_account_changes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
