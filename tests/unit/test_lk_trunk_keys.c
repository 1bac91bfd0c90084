/* test_lk_trunk_keys.c: the index tables of fake_livekit (trunk_keys.h, rule_keys.h) and the
 * page reads of lists.h against a plain model. On random sets of trunks and rules, written
 * through creates, updates, kind changes and deletes, every List answer (lk_list_trunks,
 * lk_list_rules: candidates read through the indexes, or pages read from the id index) must
 * equal the model's, byte for byte: every stored row, the request's filter applied, sorted
 * by id, and with a page, livekit.ListPageIter's reads (livekit/protocol livekit/types.go:416)
 * replayed over that sorted list; the first id read from the indexes for a conflict walk
 * (lk_db_rule_first_id, lk_db_inbound_first_id) is that of the List by the same filter. The same
 * holds after the index is rebuilt from the stored rows, as a seed does. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_livekit/db.h"
#include "fake_livekit/filter.h"
#include "fake_livekit/lists.h"
#include "fake_livekit/proto_json.h"
#include "fake_livekit/rule_keys.h"
#include "fake_livekit/trunk_keys.h"
#include "fakekit/rand.h"
#include "tests/support/lkrand.h"

#define NTRUNK_IDS 12 /* ids drawn from ST_0..ST_11, so that writes often hit stored ones */
#define NRULE_IDS  10

static const struct h_lkr_pools *const pools = &h_lkr_wide;

static void id_of(char *out, size_t outlen, const char *prefix, uint64_t i)
{
    snprintf(out, outlen, "%s%u", prefix, (unsigned)i);
}

/* One random write: mostly puts (new or replacing, either kind), some deletes. */
static void random_write(struct fk_prng *p, struct fk_store *st)
{
    char id[32];
    uint64_t what = fk_prng_below(p, 10);
    if (what < 5) {
        id_of(id, sizeof(id), "ST_", fk_prng_below(p, NTRUNK_IDS));
        cJSON *t = h_lkr_trunk(p, pools, id);
        enum lk_kind kind = fk_prng_below(p, 4) == 0 ? LK_OUTBOUND : LK_INBOUND;
        assert_int_equal(lk_db_trunk_put(st, kind, t), 0);
        cJSON_Delete(t);
    } else if (what < 6) {
        id_of(id, sizeof(id), "ST_", fk_prng_below(p, NTRUNK_IDS));
        int rc = lk_db_trunk_delete(st, id);
        assert_true(rc == 0 || rc == FK_ENOTFOUND);
    } else if (what < 9) {
        id_of(id, sizeof(id), "SDR_", fk_prng_below(p, NRULE_IDS));
        cJSON *r = h_lkr_rule(p, pools, id);
        assert_int_equal(lk_db_rule_put(st, r), 0);
        cJSON_Delete(r);
    } else {
        id_of(id, sizeof(id), "SDR_", fk_prng_below(p, NRULE_IDS));
        int rc = lk_db_rule_delete(st, id);
        assert_true(rc == 0 || rc == FK_ENOTFOUND);
    }
}

/* A random ListSIP*Request body: some of ids / numbers-or-trunks filter / page. */
static cJSON *random_request(struct fk_prng *p, const char *idsfield, const struct h_lkr_pool *ids,
                             const char *numfield, const struct h_lkr_pool *pool)
{
    cJSON *req = cJSON_CreateObject();
    assert_non_null(req);
    if (fk_prng_below(p, 4) == 0)
        h_lkr_strings(p, req, idsfield, ids, 3);
    if (fk_prng_below(p, 4) != 0)
        h_lkr_strings(p, req, numfield, pool, 3);
    if (fk_prng_below(p, 4) == 0) {
        cJSON *page = cJSON_AddObjectToObject(req, "page");
        assert_non_null(page);
        if (fk_prng_below(p, 2) == 0)
            assert_non_null(cJSON_AddStringToObject(page, "after_id", h_lkr_pick(p, ids)));
        if (fk_prng_below(p, 2) == 0)
            assert_non_null(cJSON_AddNumberToObject(page, "limit", (double)fk_prng_below(p, 4)));
    }
    return req;
}

static void assert_same_list(cJSON *got, cJSON *want, const cJSON *req, const char *what, int round)
{
    assert_non_null(got);
    assert_non_null(want);
    char *a = cJSON_PrintUnformatted(got);
    char *b = cJSON_PrintUnformatted(want);
    char *r = cJSON_PrintUnformatted(req);
    if (strcmp(a, b) != 0)
        fail_msg("round %d: %s %s:\nindexed %s\nscan    %s", round, what, r, a, b);
    cJSON_free(a);
    cJSON_free(b);
    cJSON_free(r);
    cJSON_Delete(got);
    cJSON_Delete(want);
}

/* The model: every stored item (all, sorted by id), filtered by req as the store filters, and
 * with a page, ListPageIter's reads replayed over that list: the next `limit` ids after the
 * cursor, the kept ones appended, the cursor moved to the last kept, until a read keeps none. */
static cJSON *model_list(cJSON *all, const cJSON *req, bool rules, bool norm)
{
    const char *idkey = rules ? "sip_dispatch_rule_id" : "sip_trunk_id";
    const cJSON *page = cJSON_GetObjectItem(req, "page");
    const cJSON *lim = cJSON_GetObjectItem(page, "limit");
    int limit = cJSON_IsNumber(lim) && lim->valuedouble > 0 ? (int)lim->valuedouble : 1000;
    char cursor[64];
    snprintf(cursor, sizeof(cursor), "%s", lk_get_str(page, "after_id"));
    cJSON *out = cJSON_CreateArray();
    assert_non_null(out);
    for (;;) {
        int seen = 0, kept = 0;
        for (const cJSON *e = all->child; e && seen < limit; e = e->next) {
            const char *id = lk_get_str(e, idkey);
            if (page && strcmp(id, cursor) <= 0)
                continue;
            seen++;
            if (!(rules ? lk_rule_keep(e, req) : lk_trunk_keep(e, req, norm)))
                continue;
            assert_non_null(cJSON_AddItemToArray(out, cJSON_Duplicate(e, true)));
            kept++;
        }
        if (!page || kept == 0)
            break;
        snprintf(cursor, sizeof(cursor), "%s", lk_get_str(out->child->prev, idkey));
    }
    cJSON_Delete(all);
    return out;
}

/* The first id read from the indexes (db.h) must be the first item of the model's List by
 * the same filter alone: req's numbers (inbound trunks) or trunk_ids (rules). */
static void check_first(struct fk_store *st, const cJSON *req, bool rules, int round)
{
    const char *field = rules ? "trunk_ids" : "numbers";
    const cJSON *by = lk_get_array(req, field);
    cJSON *only = cJSON_CreateObject();
    assert_non_null(only);
    if (by)
        assert_non_null(cJSON_AddItemToObject(only, field, cJSON_Duplicate(by, true)));
    cJSON *want = model_list(rules ? lk_db_rule_list(st) : lk_db_trunk_list(st, LK_INBOUND), only,
                             rules, true);
    char *id = NULL;
    assert_int_equal(rules ? lk_db_rule_first_id(st, by, &id) : lk_db_inbound_first_id(st, by, &id),
                     0);
    const char *first =
        want->child ? lk_get_str(want->child, rules ? "sip_dispatch_rule_id" : "sip_trunk_id")
                    : NULL;
    if ((first == NULL) != (id == NULL) || (first && strcmp(first, id) != 0))
        fail_msg("round %d: first %s: %s, want %s", round, rules ? "rule" : "trunk",
                 id ? id : "none", first ? first : "none");
    free(id);
    cJSON_Delete(want);
    cJSON_Delete(only);
}

static void check_lists(struct fk_prng *p, struct fk_store *st, int round)
{
    static const char *const trunk_ids[] = {"ST_0", "ST_1", "ST_2", "ST_3", "ST_9", "ST_x", ""};
    static const char *const rule_ids[] = {"SDR_0", "SDR_1", "SDR_2", "SDR_7", "SDR_x"};
    static const struct h_lkr_pool trunk_id_pool = {trunk_ids, 7}, rule_id_pool = {rule_ids, 5};
    enum lk_kind kind = fk_prng_below(p, 3) == 0 ? LK_OUTBOUND : LK_INBOUND;
    cJSON *req = random_request(p, "trunk_ids", &trunk_id_pool, "numbers", &pools->numbers);
    cJSON *got = lk_list_trunks(st, kind, req);
    cJSON *want = model_list(lk_db_trunk_list(st, kind), req, false, kind == LK_INBOUND);
    assert_same_list(got, want, req, kind == LK_INBOUND ? "inbound" : "outbound", round);
    if (kind == LK_INBOUND) /* outbound trunks are never walked */
        check_first(st, req, false, round);
    cJSON_Delete(req);

    req = random_request(p, "dispatch_rule_ids", &rule_id_pool, "trunk_ids", &pools->trunks);
    got = lk_list_rules(st, req);
    want = model_list(lk_db_rule_list(st), req, true, false);
    assert_same_list(got, want, req, "rules", round);
    check_first(st, req, true, round);
    cJSON_Delete(req);
}

static long count_rows(struct fk_store *st, const char *sql)
{
    sqlite3_stmt *s = fk_store_stmt(st, sql);
    assert_non_null(s);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return n;
}

static void indexed_equals_scan(void **state)
{
    (void)state; /* no fixture */
    for (uint64_t seed = 1; seed <= 40; seed++) {
        struct fk_prng p;
        struct fk_store *st = h_lkr_store();
        fk_prng_init(&p, seed);
        for (int round = 0; round < 60; round++) {
            random_write(&p, st);
            check_lists(&p, st, round);
        }
        /* A rebuild (a seed after a file database or a reset) gives the same rows. */
        long trunk_rows = count_rows(st, "SELECT count(*) FROM trunk_numbers");
        long rule_rows = count_rows(st, "SELECT count(*) FROM dispatch_rule_trunks");
        assert_int_equal(lk_trunk_keys_rebuild(st), 0);
        assert_int_equal(lk_rule_keys_rebuild(st), 0);
        assert_int_equal(count_rows(st, "SELECT count(*) FROM trunk_numbers"), trunk_rows);
        assert_int_equal(count_rows(st, "SELECT count(*) FROM dispatch_rule_trunks"), rule_rows);
        for (int round = 0; round < 20; round++)
            check_lists(&p, st, 1000 + round);
        fk_store_close(st);
    }
}

/* The rows themselves: one per number (raw and normalised) or one wild row, and none left by
 * a delete or a kind change. */
static void trunk_rows(void **state)
{
    struct fk_store *st = h_lkr_store();
    (void)state; /* no fixture */
    cJSON *a = cJSON_Parse("{\"sip_trunk_id\":\"ST_a\",\"numbers\":[\"+1\",\"1 (555) 0\"]}");
    cJSON *b = cJSON_Parse("{\"sip_trunk_id\":\"ST_b\",\"auth_username\":\"u\"}");
    assert_int_equal(lk_db_trunk_put(st, LK_INBOUND, a), 0);
    assert_int_equal(lk_db_trunk_put(st, LK_INBOUND, b), 0);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM trunk_numbers"), 3);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM trunk_numbers WHERE wild = 1"), 1);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM trunk_numbers WHERE norm = '+15550'"), 1);
    assert_int_equal(lk_db_trunk_put(st, LK_OUTBOUND, b), 0);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM trunk_numbers WHERE kind = 'outbound'"),
                     1);
    assert_int_equal(lk_db_trunk_delete(st, "ST_a"), 0);
    assert_int_equal(lk_db_trunk_delete(st, "ST_b"), 0);
    assert_int_equal(count_rows(st, "SELECT count(*) FROM trunk_numbers"), 0);
    cJSON_Delete(a);
    cJSON_Delete(b);
    fk_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(indexed_equals_scan),
        cmocka_unit_test(trunk_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
