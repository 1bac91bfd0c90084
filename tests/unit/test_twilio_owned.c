/* test_twilio_owned.c: the in-memory set of owned numbers (owned.h) and the search over it.
 *
 * The set must agree with the incoming_phone_numbers table after every kind of write: the
 * handlers' own (purchase by number and by area code, update, release) and every other
 * (direct SQL, state loads, resets, a load rolled back), after each of which the next sync
 * rebuilds once (fakekit/store.h, fk_store_data_version). And a search body must be byte-for-byte
 * what the old way gives: every candidate's ownership asked of the table (twilio_ipn_owned_check,
 * kept as the oracle), on random ownership sets. */
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
#include "fake_twilio/owned.h"
#include "fake_twilio/resource.h"
#include "fake_twilio/state.h"
#include "fakekit/rand.h"
#include "fakekit/store.h"
#include "tests/support/twworld.h"

#define SID TWILIO_DEFAULT_ACCOUNT_SID
#define IPN "/2010-04-01/Accounts/" SID "/IncomingPhoneNumbers"

/* POST IncomingPhoneNumbers with form; the new SID into sid and the number into phone. */
static void buy(struct h_tw_world *w, const char *form, char *sid, char *phone)
{
    static const char *const params[] = {SID};
    struct fk_resp r;
    cJSON *json;

    assert_int_equal(h_tw_call(w, twilio_ipn_create, "POST", IPN ".json", "", form, params, 1, &r),
                     201);
    json = cJSON_ParseWithLength(r.body, r.body_len);
    assert_non_null(json);
    snprintf(sid, 40, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(json, "sid")));
    snprintf(phone, 32, "%s", cJSON_GetStringValue(cJSON_GetObjectItem(json, "phone_number")));
    cJSON_Delete(json);
    fk_resp_cleanup(&r);
}

static void buy_number(struct h_tw_world *w, const char *e164, char *sid)
{
    char form[64], phone[32];

    snprintf(form, sizeof form, "PhoneNumber=%%2B%s", e164 + 1);
    buy(w, form, sid, phone);
    assert_string_equal(phone, e164);
}

static void on_sid(struct h_tw_world *w, int (*fn)(const struct fk_req *, struct fk_resp *),
                   const char *method, const char *sid, const char *form, unsigned want)
{
    const char *params[] = {SID, sid};
    char path[256];
    struct fk_resp r;

    snprintf(path, sizeof path, IPN "/%s.json", sid);
    assert_int_equal(h_tw_call(w, fn, method, path, "", form, params, 2, &r), want);
    fk_resp_cleanup(&r);
}

static void sql(struct h_tw_world *w, const char *text)
{
    struct fk_error err = {{0}};

    assert_int_equal(fk_store_exec(w->st, text, &err), 0);
}

/* A bare row for e164 written behind the handlers' back. */
static void sql_own(struct h_tw_world *w, const char *e164, const char *sid)
{
    char text[512];

    snprintf(text, sizeof text,
             "INSERT INTO incoming_phone_numbers (sid, account_sid, phone_number, date_created, "
             "date_updated) VALUES ('%s', '" SID "', '%s', 0, 0)",
             sid, e164);
    sql(w, text);
}

/* Sync the set and compare it with the table, number by number. Returns the rebuilds the
 * sync did (0 or 1). */
static uint64_t agrees(struct h_tw_world *w)
{
    const struct twilio_inventory *inv = w->svc->inv;
    uint64_t before = twilio_owned_rebuilds(w->svc->owned);
    size_t owned = 0;

    assert_int_equal(twilio_owned_sync(w->svc->owned, w->st), 0);
    for (size_t i = 0; i < twilio_inventory_count(inv); i++) {
        int want = twilio_ipn_owned_check(w->st, twilio_inventory_at(inv, i)->e164);
        assert_true(want == 0 || want == 1);
        assert_int_equal(twilio_owned_at(w->svc->owned, i), want);
        owned += (size_t)want;
    }
    assert_int_equal(twilio_owned_count(w->svc->owned), owned);
    return twilio_owned_rebuilds(w->svc->owned) - before;
}

static bool owned(struct h_tw_world *w, const char *e164)
{
    const struct twilio_inventory *inv = w->svc->inv;
    const struct twilio_number *n = twilio_inventory_find(inv, e164);

    assert_non_null(n);
    return twilio_owned_at(w->svc->owned, (size_t)(n - twilio_inventory_at(inv, 0)));
}

static void load(struct h_tw_world *w, const char *doc, bool ok)
{
    struct fk_error err = {{0}};
    cJSON *state = cJSON_Parse(doc);

    assert_non_null(state);
    assert_int_equal(fk_store_begin(w->st), 0);
    if (ok) {
        assert_int_equal(twilio_load_state(w->st, w->svc, state, "state", &err), 0);
        assert_int_equal(fk_store_commit(w->st), 0);
    } else {
        assert_int_not_equal(twilio_load_state(w->st, w->svc, state, "state", &err), 0);
        fk_store_rollback(w->st);
    }
    cJSON_Delete(state);
}

static void owned_set_follows_every_write(void **state)
{
    const struct twilio_number *a, *b, *c, *d;
    struct h_tw_world w;
    char sa[40], sb[40], sc[40], sarea[40], phone[32], doc[256];

    (void)state;
    h_tw_open(&w);
    a = twilio_inventory_at(w.svc->inv, 0);
    b = twilio_inventory_at(w.svc->inv, 1);
    c = twilio_inventory_at(w.svc->inv, 7);
    d = twilio_inventory_at(w.svc->inv, 9);
    assert_int_equal(agrees(&w), 1); /* first use */
    assert_int_equal(agrees(&w), 0);
    assert_int_equal(twilio_owned_count(w.svc->owned), 0);

    /* The handlers' own writes: each moves the store's data version, so the next sync
     * rebuilds once, and a sync with nothing written in between rebuilds nothing. */
    buy_number(&w, a->e164, sa);
    assert_int_equal(agrees(&w), 1);
    assert_int_equal(agrees(&w), 0);
    assert_true(owned(&w, a->e164));
    buy_number(&w, b->e164, sb);
    buy_number(&w, c->e164, sc);
    buy(&w, "AreaCode=415", sarea, phone);
    assert_int_equal(agrees(&w), 1);
    assert_int_equal(agrees(&w), 0);
    assert_true(owned(&w, phone));
    assert_int_equal(twilio_owned_count(w.svc->owned), 4);
    on_sid(&w, twilio_ipn_update_handler, "POST", sb, "VoiceUrl=https%3A%2F%2Fx.test%2Fv", 200);
    assert_int_equal(agrees(&w), 1);
    assert_int_equal(agrees(&w), 0);
    on_sid(&w, twilio_ipn_delete_handler, "DELETE", sb, "", 204);
    assert_int_equal(agrees(&w), 1);
    assert_int_equal(agrees(&w), 0);
    assert_false(owned(&w, b->e164));
    on_sid(&w, twilio_ipn_delete_handler, "DELETE", sb, "", 404); /* gone already */
    assert_int_equal(agrees(&w), 1);
    assert_int_equal(agrees(&w), 0);
    /* The magic test number is no inventory number: the same. */
    buy(&w, "PhoneNumber=%2B15005550006", sb, phone);
    assert_int_equal(agrees(&w), 1);
    assert_int_equal(agrees(&w), 0);
    on_sid(&w, twilio_ipn_delete_handler, "DELETE", sb, "", 204);
    assert_int_equal(agrees(&w), 1);
    assert_int_equal(agrees(&w), 0);

    /* Direct SQL: seen through the data version, rebuilt. */
    sql_own(&w, d->e164, "PN00000000000000000000000000000001");
    assert_int_equal(agrees(&w), 1);
    assert_true(owned(&w, d->e164));
    /* A second row for a number: releasing one through the API leaves it owned. */
    sql_own(&w, c->e164, "PN00000000000000000000000000000002");
    assert_int_equal(agrees(&w), 1);
    on_sid(&w, twilio_ipn_delete_handler, "DELETE", sc, "", 204);
    assert_int_equal(agrees(&w), 1);
    assert_true(owned(&w, c->e164));
    sql(&w, "DELETE FROM incoming_phone_numbers WHERE sid LIKE 'PN0000%'");
    assert_int_equal(agrees(&w), 1);
    assert_false(owned(&w, c->e164));
    assert_false(owned(&w, d->e164));
    sql(&w, "UPDATE incoming_phone_numbers SET phone_number = '" TWILIO_MAGIC_OK "'");
    assert_int_equal(agrees(&w), 1);

    /* State loads, one rolled back, and a reset. */
    snprintf(doc, sizeof doc, "{\"incoming_phone_numbers\":[{\"phone_number\":\"%s\"}]}", b->e164);
    load(&w, doc, true);
    assert_int_equal(agrees(&w), 1);
    assert_true(owned(&w, b->e164));
    snprintf(doc, sizeof doc,
             "{\"incoming_phone_numbers\":[{\"phone_number\":\"%s\"},{\"phone_number\":\"x\"}]}",
             d->e164);
    load(&w, doc, false);
    assert_int_equal(agrees(&w), 1);
    assert_false(owned(&w, d->e164));
    {
        struct fk_error err = {{0}};
        assert_int_equal(fk_store_begin(w.st), 0);
        assert_int_equal(fk_store_clear(w.st, &err), 0);
        assert_int_equal(twilio_seed(w.st, w.svc, &err), 0);
        assert_int_equal(fk_store_commit(w.st), 0);
    }
    assert_int_equal(agrees(&w), 1);
    assert_int_equal(twilio_owned_count(w.svc->owned), 0);
    h_tw_close(&w);
}

/* The search body the old way: each matching candidate's ownership asked of the table. */
static char *oracle(struct h_tw_world *w, const struct twilio_filter *f, long page_size,
                    const char *uri)
{
    const struct twilio_inventory *inv = w->svc->inv;
    struct fk_buf b;
    const char *sep = "";
    char *out;

    fk_buf_init(&b, (size_t)64 << 20);
    assert_int_equal(fk_buf_printf(&b, "{\"uri\":\"%s\",\"available_phone_numbers\":[", uri), 0);
    for (size_t i = 0; i < twilio_inventory_count(inv) && page_size > 0; i++) {
        const struct twilio_number *n = twilio_inventory_at(inv, i);
        const char *text;
        size_t len;
        if (!twilio_filter_match(f, n) || twilio_ipn_owned_check(w->st, n->e164) != 0)
            continue;
        text = twilio_rendered_item(w->svc->items, i, &len);
        assert_non_null(text);
        assert_int_equal(fk_buf_addstr(&b, sep), 0);
        assert_int_equal(fk_buf_add(&b, text, len), 0);
        sep = ",";
        page_size--;
    }
    assert_int_equal(fk_buf_addstr(&b, "]}"), 0);
    out = fk_buf_take(&b, NULL);
    assert_non_null(out);
    return out;
}

static void search_equals_the_per_number_check(void **state)
{
    static const double shares[] = {0.0, 0.05, 0.5, 0.95, 1.0};
    static const struct {
        const char *iso;
        enum twilio_type type;
        const char *area, *contains;
        long page;
    } cases[] = {
        {"US", TWILIO_LOCAL, NULL, NULL, 5},      {"US", TWILIO_LOCAL, NULL, NULL, 1000},
        {"US", TWILIO_LOCAL, "415", NULL, 5},     {"US", TWILIO_TOLLFREE, NULL, NULL, 50},
        {"CA", TWILIO_MOBILE, NULL, NULL, 20},    {"GB", TWILIO_LOCAL, NULL, "5*", 30},
        {"US", TWILIO_MOBILE, NULL, "+1%9$", 10}, {"GB", TWILIO_TOLLFREE, NULL, NULL, 1000},
    };
    struct h_tw_world w;
    struct fk_prng rng;
    sqlite3_stmt *ins;

    (void)state;
    h_tw_open(&w);
    fk_prng_init(&rng, 20240611);
    for (size_t s = 0; s < sizeof shares / sizeof shares[0]; s++) {
        size_t n = twilio_inventory_count(w.svc->inv);
        sql(&w, "DELETE FROM incoming_phone_numbers");
        ins = fk_store_stmt(w.st, "INSERT INTO incoming_phone_numbers (sid, account_sid, "
                                  "phone_number, date_created, date_updated) "
                                  "VALUES (?1, '" SID "', ?2, 0, 0)");
        assert_non_null(ins);
        for (size_t i = 0; i < n; i++) {
            char sid[40];
            if ((double)fk_prng_below(&rng, 1000000) >= shares[s] * 1000000)
                continue;
            snprintf(sid, sizeof sid, "PN%032zx", i);
            sqlite3_bind_text(ins, 1, sid, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(ins, 2, twilio_inventory_at(w.svc->inv, i)->e164, -1,
                              SQLITE_TRANSIENT);
            assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
            sqlite3_reset(ins);
        }
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            struct twilio_filter f;
            struct fk_buf got;
            bool cacheable = true;
            char *want;
            twilio_filter_init(&f, cases[c].iso, cases[c].type);
            f.area_code = cases[c].area;
            f.contains = cases[c].contains;
            want = oracle(&w, &f, cases[c].page, "/u");
            fk_buf_init(&got, (size_t)64 << 20);
            assert_int_equal(
                twilio_search_body(w.svc, w.st, &f, cases[c].page, "/u", &got, &cacheable), 0);
            assert_true(cacheable);
            assert_string_equal(fk_buf_str(&got), want);
            free(want);
            fk_buf_cleanup(&got);
        }
        assert_int_equal(agrees(&w), 0);
    }
    h_tw_close(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(owned_set_follows_every_write),
        cmocka_unit_test(search_equals_the_per_number_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
