/* test_lk_walks.c: the short walks of walks.h give the server's answers.
 *
 * On random stores of dispatch rules and trunks, written straight to the database (no
 * conflict check), some kept free of conflicts among themselves and some not, random creates
 * and updates are checked twice: over the full walk (every stored item the List returns, as
 * livekit-server walks them) and over the walk fake_livekit uses (LK_WALK_AUTO: short when
 * the store has no flaw). lk_rules_conflict / lk_trunks_conflict must answer the same: rc,
 * psrpc coding and message, byte for byte. The flaw counts the short walk relies on must be
 * non-zero exactly when a walk of all the stored items alone fails, after every write and
 * after a rebuild. On stores with flaws, the short walk taken regardless must differ from the
 * full one at least once: the fallback is needed, and the comparison can fail. Seeded: a
 * failure names its seed and case. The counts also follow state loads, resets and rollbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_livekit/conflicts.h"
#include "fake_livekit/db.h"
#include "fake_livekit/proto_json.h"
#include "fake_livekit/rule_keys.h"
#include "fake_livekit/trunk_keys.h"
#include "fake_livekit/walks.h"
#include "fakekit/rand.h"
#include "tests/support/lkcall.h"
#include "tests/support/lkrand.h"

#define SEEDS    300 /* stores per kind */
#define WRITES   14  /* random writes per store */
#define CASES    25  /* creates and updates checked per store */
#define NIDS     9   /* ids SDR_0..8 / ST_0..8, so that writes and updates hit stored ones */
#define MSG_SIZE 1024

/* Narrow pools: keys collide often, across normalised forms and "" (any). */
static const char *const numbers[] = {"+15550001", "15550001", "+1 555-0001",
                                      "+15550002", "",         "sip-user"};
static const char *const allowed[] = {"+1777", "1777", "+1888", ""};
static const char *const trunks[] = {"ST_0", "ST_1", "ST_2", ""};
static const char *const pins[] = {"", "1"};
static const char *const names[] = {"", "main", "other"};
static const struct h_lkr_pools narrow = {{numbers, FK_NELEM(numbers)},
                                          {allowed, FK_NELEM(allowed)},
                                          {trunks, FK_NELEM(trunks)},
                                          {pins, FK_NELEM(pins)},
                                          {names, FK_NELEM(names)},
                                          2,
                                          14};

struct outcome {
    int rc;
    bool coded;
    char msg[MSG_SIZE];
};

/* What the checks met, summed over every case. */
struct tally {
    long cases, clean, flawed, clean_failed, clean_named_new, flawed_failed, short_differs;
};

/* The answer of the check over the walk built as how. */
static void answer(struct fk_store *st, bool rules, const cJSON *item, const cJSON *by, bool create,
                   enum lk_walk_how how, struct outcome *o)
{
    cJSON *seq = NULL;
    struct lk_verr e;
    int rc = rules ? lk_walk_rules(st, item, by, create, how, &seq)
                   : lk_walk_trunks(st, item, create, how, &seq);
    assert_int_equal(rc, 0);
    lk_verr_init(&e);
    o->rc = rules ? lk_rules_conflict(seq, &e) : lk_trunks_conflict(seq, &e);
    o->coded = e.coded;
    snprintf(o->msg, sizeof(o->msg), "%s", lk_verr_text(&e));
    lk_verr_cleanup(&e);
    cJSON_Delete(seq);
}

static bool same(const struct outcome *a, const struct outcome *b)
{
    return a->rc == b->rc && a->coded == b->coded && strcmp(a->msg, b->msg) == 0;
}

/* Does a walk of every stored item alone (id order) fail? The model of a flaw count > 0. */
static bool model_flawed(struct fk_store *st, bool rules)
{
    struct lk_verr e;
    cJSON *all = rules ? lk_db_rule_list(st) : lk_db_trunk_list(st, LK_INBOUND);
    assert_non_null(all);
    lk_verr_init(&e);
    int rc = rules ? lk_rules_conflict(all, &e) : lk_trunks_conflict(all, &e);
    lk_verr_cleanup(&e);
    cJSON_Delete(all);
    assert_true(rc == 0 || rc == FK_EINVAL);
    return rc != 0;
}

static sqlite3_int64 flaws(struct fk_store *st, bool rules)
{
    sqlite3_int64 n = -1;
    assert_int_equal(lk_db_flaws(st, rules ? "rules" : "trunks", &n), 0);
    assert_true(n >= 0);
    return n;
}

static void check_flaws(struct fk_store *st, bool rules, uint64_t seed)
{
    bool want = model_flawed(st, rules);
    if ((flaws(st, rules) != 0) != want)
        fail_msg("seed %llu: flaw count %lld, a walk of the stored items %s",
                 (unsigned long long)seed, (long long)flaws(st, rules), want ? "fails" : "passes");
}

static void id_of(char *out, size_t outlen, bool rules, uint64_t i)
{
    snprintf(out, outlen, "%s%u", rules ? "SDR_" : "ST_", (unsigned)i);
}

static int put(struct fk_store *st, bool rules, enum lk_kind kind, const cJSON *item)
{
    return rules ? lk_db_rule_put(st, item) : lk_db_trunk_put(st, kind, item);
}

static int del(struct fk_store *st, bool rules, const char *id)
{
    return rules ? lk_db_rule_delete(st, id) : lk_db_trunk_delete(st, id);
}

/* One random write: a put (new or replacing; for trunks, one in five outbound) or a delete.
 * With clean, a put that leaves the stored items failing on their own is deleted again. */
static void random_write(struct fk_prng *p, struct fk_store *st, bool rules, bool clean,
                         uint64_t seed)
{
    char id[32];
    id_of(id, sizeof(id), rules, fk_prng_below(p, NIDS));
    if (fk_prng_below(p, 6) == 0) {
        int rc = del(st, rules, id);
        assert_true(rc == 0 || rc == FK_ENOTFOUND);
    } else {
        cJSON *item = rules ? h_lkr_rule(p, &narrow, id) : h_lkr_trunk(p, &narrow, id);
        enum lk_kind kind = fk_prng_below(p, 5) == 0 ? LK_OUTBOUND : LK_INBOUND;
        assert_int_equal(put(st, rules, kind, item), 0);
        cJSON_Delete(item);
        if (clean && model_flawed(st, rules))
            assert_int_equal(del(st, rules, id), 0);
    }
    check_flaws(st, rules, seed);
}

/* The id of a random stored item (an inbound trunk), or "" when there is none. */
static void stored_id(struct fk_prng *p, struct fk_store *st, bool rules, char *out, size_t len)
{
    cJSON *all = rules ? lk_db_rule_list(st) : lk_db_trunk_list(st, LK_INBOUND);
    int n = cJSON_GetArraySize(all);
    const cJSON *e = n ? cJSON_GetArrayItem(all, (int)fk_prng_below(p, (uint64_t)n)) : NULL;
    snprintf(out, len, "%s",
             e ? lk_get_str(e, rules ? "sip_dispatch_rule_id" : "sip_trunk_id") : "");
    cJSON_Delete(all);
}

/* A create's flat trunk_ids: none, the rule's own, or random ones. */
static cJSON *flat_trunk_ids(struct fk_prng *p, const cJSON *rule)
{
    cJSON *holder = cJSON_CreateObject();
    assert_non_null(holder);
    uint64_t how = fk_prng_below(p, 3);
    const cJSON *own = lk_get_array(rule, "trunk_ids");
    if (how == 1 && own)
        assert_non_null(cJSON_AddItemToObject(holder, "trunk_ids", cJSON_Duplicate(own, true)));
    else if (how == 2)
        h_lkr_strings(p, holder, "trunk_ids", &narrow.trunks, 2);
    return holder;
}

/* One random create or update, checked (see the top of the file). */
static void check_case(struct fk_prng *p, struct fk_store *st, bool rules, uint64_t seed, int i,
                       struct tally *t)
{
    char id[32] = "";
    bool create = fk_prng_below(p, 2) == 0;
    if (!create)
        stored_id(p, st, rules, id, sizeof(id));
    create = create || !id[0];
    cJSON *item = rules ? h_lkr_rule(p, &narrow, create ? "" : id)
                        : h_lkr_trunk(p, &narrow, create ? "" : id);
    cJSON *holder = rules && create ? flat_trunk_ids(p, item) : NULL;
    const cJSON *by = rules ? lk_get_array(create ? holder : item, "trunk_ids") : NULL;
    struct outcome full, got, shortcut;
    bool flawed = flaws(st, rules) != 0;
    answer(st, rules, item, by, create, LK_WALK_FULL, &full);
    answer(st, rules, item, by, create, LK_WALK_AUTO, &got);
    answer(st, rules, item, by, create, LK_WALK_SHORT, &shortcut);
    if (!same(&full, &got) || (!flawed && !same(&full, &shortcut))) {
        char *s = cJSON_PrintUnformatted(item), *b = cJSON_PrintUnformatted(by);
        fail_msg("seed %llu case %d (%s %s, trunk_ids %s, %s store):\nfull  %d %s\nauto  %d "
                 "%s\nshort %d %s",
                 (unsigned long long)seed, i, create ? "create" : "update", s, b ? b : "none",
                 flawed ? "flawed" : "clean", full.rc, full.msg, got.rc, got.msg, shortcut.rc,
                 shortcut.msg);
    }
    t->cases++;
    if (flawed) {
        t->flawed++;
        t->flawed_failed += full.rc != 0;
        t->short_differs += !same(&full, &shortcut);
    } else {
        t->clean++;
        t->clean_failed += full.rc != 0;
        t->clean_named_new += full.rc != 0 && strstr(full.msg, "\"<new>\"") != NULL;
    }
    cJSON_Delete(holder);
    cJSON_Delete(item);
}

static void run(bool rules)
{
    struct tally t = {0};
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        struct fk_prng p;
        struct fk_store *st = h_lkr_store();
        fk_prng_init(&p, seed * 7919 + rules);
        bool clean = seed % 3 != 0; /* two stores in three kept free of conflicts */
        for (int w = 0; w < WRITES; w++)
            random_write(&p, st, rules, clean, seed);
        /* A rebuild (a seed after a file database or a reset) counts the same flaws. */
        sqlite3_int64 before = flaws(st, rules);
        assert_int_equal(rules ? lk_rule_keys_rebuild(st) : lk_trunk_keys_rebuild(st), 0);
        assert_int_equal(flaws(st, rules), before);
        for (int i = 0; i < CASES; i++)
            check_case(&p, st, rules, seed, i, &t);
        fk_store_close(st);
    }
    print_message("%s: %ld cases; %ld on stores without flaws (%ld failing, %ld naming the "
                  "new item), %ld with flaws (%ld failing, the short walk differing in %ld)\n",
                  rules ? "dispatch rules" : "inbound trunks", t.cases, t.clean, t.clean_failed,
                  t.clean_named_new, t.flawed, t.flawed_failed, t.short_differs);
    /* The cases must cover what the proof covers: both kinds of store, conflicts found at the
     * new item and after it, and flawed stores where the short walk alone would be wrong. */
    assert_true(t.clean >= 4000);
    assert_true(t.clean_failed >= 500);
    assert_true(t.clean_named_new >= 100);
    assert_true(t.clean_failed - t.clean_named_new >= 100);
    assert_true(t.flawed >= 1000);
    assert_true(t.short_differs >= 50);
}

static void rules_short_walk_equals_full(void **state)
{
    (void)state; /* no fixture */
    run(true);
}

static void trunks_short_walk_equals_full(void **state)
{
    (void)state; /* no fixture */
    run(false);
}

/* The flaw counts follow a state load, a reset (clear, then the seed's rebuild) and a
 * transaction rolled back, as they follow single writes. */
static void flaws_follow_state_and_reset(void **state)
{
    struct h_lk lk;
    struct fk_error err = {{0}};
    (void)state; /* no fixture */
    assert_int_equal(h_lk_open(&lk), 0);
    cJSON *doc =
        cJSON_Parse("{\"inbound_trunks\":[{\"sipTrunkId\":\"ST_a\",\"numbers\":[\"+1\"]},"
                    "{\"sipTrunkId\":\"ST_b\",\"numbers\":[\"1\"]}],"
                    "\"outbound_trunks\":[{\"sipTrunkId\":\"ST_c\",\"numbers\":[\"+1\"]}],"
                    "\"dispatch_rules\":[{\"sipDispatchRuleId\":\"SDR_a\"},"
                    "{\"sipDispatchRuleId\":\"SDR_b\",\"rule\":{\"dispatchRuleCallee\":{}}}]}");
    assert_non_null(doc);
    assert_int_equal(lk_db_load_state(lk.st, &lk.svc, doc, "state", &err), 0);
    assert_int_equal(flaws(lk.st, false), 1); /* the key of ST_b that ST_a holds */
    assert_int_equal(flaws(lk.st, true), 1);  /* SDR_a has no rule member */
    assert_int_equal(fk_store_clear(lk.st, &err), 0);
    assert_int_equal(lk_db_seed(lk.st, &lk.svc, &err), 0);
    assert_int_equal(flaws(lk.st, false), 0);
    assert_int_equal(flaws(lk.st, true), 0);
    assert_int_equal(fk_store_begin(lk.st), 0);
    assert_int_equal(lk_db_load_state(lk.st, &lk.svc, doc, "state", &err), 0);
    assert_int_equal(flaws(lk.st, true), 1);
    fk_store_rollback(lk.st);
    assert_int_equal(flaws(lk.st, false), 0);
    assert_int_equal(flaws(lk.st, true), 0);
    cJSON_Delete(doc);
    h_lk_close(&lk);
}

/* A rule whose PIN makes a key of len bytes (with the three empty parts "0:"), or a trunk
 * whose one number does (with the empty allowed number). Caller deletes. */
static cJSON *long_item(bool rules, const char *id, size_t len)
{
    size_t text = len - (rules ? 6 : 2) - 7; /* "262131:" takes 7 bytes */
    char *s = malloc(text + 1);
    assert_non_null(s);
    memset(s, 'x', text);
    s[text] = '\0';
    cJSON *o = cJSON_CreateObject();
    assert_non_null(o);
    assert_non_null(
        cJSON_AddStringToObject(o, rules ? "sip_dispatch_rule_id" : "sip_trunk_id", id));
    if (rules) {
        cJSON *m =
            cJSON_AddObjectToObject(cJSON_AddObjectToObject(o, "rule"), "dispatch_rule_callee");
        assert_non_null(cJSON_AddStringToObject(m, "pin", s));
    } else {
        cJSON *nums = cJSON_AddArrayToObject(o, "numbers");
        assert_non_null(cJSON_AddItemToArray(nums, cJSON_CreateString(s)));
    }
    free(s);
    return o;
}

/* A key longer than LK_KEY_MAX fails a walk (FK_ENOMEM), so a stored item holding one is a
 * flaw, and the answer is the full walk's; one at the limit is an ordinary key. */
static void long_keys_are_flaws(void **state)
{
    (void)state; /* no fixture */
    for (int rules = 0; rules <= 1; rules++) {
        for (size_t len = LK_KEY_MAX; len <= LK_KEY_MAX + 1; len++) {
            struct fk_store *st = h_lkr_store();
            struct outcome full, got;
            cJSON *stored = long_item(rules, rules ? "SDR_a" : "ST_a", len);
            cJSON *item = rules ? cJSON_Parse("{\"rule\":{\"dispatch_rule_callee\":{}},"
                                              "\"trunk_ids\":[\"ST_1\"]}")
                                : cJSON_Parse("{\"auth_username\":\"u\"}"); /* lists all */
            assert_int_equal(put(st, rules, LK_INBOUND, stored), 0);
            assert_int_equal(flaws(st, rules), len > LK_KEY_MAX);
            answer(st, rules, item, NULL, true, LK_WALK_FULL, &full);
            answer(st, rules, item, NULL, true, LK_WALK_AUTO, &got);
            assert_int_equal(full.rc, len > LK_KEY_MAX ? FK_ENOMEM : 0);
            assert_true(same(&full, &got));
            cJSON_Delete(item);
            cJSON_Delete(stored);
            fk_store_close(st);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rules_short_walk_equals_full),
        cmocka_unit_test(trunks_short_walk_equals_full),
        cmocka_unit_test(flaws_follow_state_and_reset),
        cmocka_unit_test(long_keys_are_flaws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
