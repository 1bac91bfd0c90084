/* test_lk_dispatch.c: the dispatch-rule conflict check (same trunk + number + PIN) through
 * the indexed keys of the store (rule_keys.h), compared with the reference scan
 * lk_rule_conflict on the same rules, and the key rows following put, update and delete. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fake_livekit/db.h"
#include "fake_livekit/dispatch.h"
#include "fake_livekit/rule_keys.h"

#define CONFLICT(a, b)                                                                             \
    "Conflicting SIP Dispatch Rules: same Trunk+Number+PIN combination for for \"" a "\" and \"" b \
    "\""

struct rule_case {
    const char *name;
    const char *stored;  /* JSON array of sparse rules, stored in order */
    const char *deleted; /* id deleted before the check, or NULL */
    const char *rule;    /* checked rule (no id: a new one) */
    const char *want;    /* NULL: no conflict */
};

#define DIRECT(pin) "\"rule\":{\"dispatch_rule_direct\":{\"room_name\":\"r\"" pin "}}"

static const struct rule_case cases[] = {
    {"same trunk, number, pin",
     "[{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT(
         ",\"pin\":\"1\"") ",\"trunk_ids\":[\"ST_1\"],\"inbound_numbers\":[\"+15\"]}]",
     NULL, "{" DIRECT(",\"pin\":\"1\"") ",\"trunk_ids\":[\"ST_1\"],\"inbound_numbers\":[\"15\"]}",
     CONFLICT("<new>", "SDR_a")},
    {"different pin",
     "[{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT(",\"pin\":\"1\"") ",\"trunk_ids\":[\"ST_1\"]}]",
     NULL, "{" DIRECT(",\"pin\":\"2\"") ",\"trunk_ids\":[\"ST_1\"]}", NULL},
    {"no pin vs pin", "[{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT("") "}]", NULL,
     "{" DIRECT(",\"pin\":\"2\"") "}", NULL},
    {"both wildcards", "[{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT("") "}]", NULL,
     "{\"rule\":{\"dispatch_rule_individual\":{\"room_prefix\":\"c-\"}}}",
     CONFLICT("<new>", "SDR_a")},
    {"wildcard stored, specific new", "[{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT("") "}]", NULL,
     "{" DIRECT("") ",\"trunk_ids\":[\"ST_1\"]}", NULL},
    {"specific stored, wildcard new",
     "[{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT("") ",\"trunk_ids\":[\"ST_1\"]}]", NULL,
     "{" DIRECT("") "}", NULL},
    {"one shared trunk of several",
     "[{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT("") ",\"trunk_ids\":[\"ST_1\",\"ST_3\"]}]",
     NULL, "{\"rule\":{\"dispatch_rule_callee\":{}},\"trunk_ids\":[\"ST_2\",\"ST_3\"]}",
     CONFLICT("<new>", "SDR_a")},
    {"numbers vs none",
     "[{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT("") ",\"inbound_numbers\":[\"+1\"]}]", NULL,
     "{" DIRECT("") "}", NULL},
    {"oldest rule named",
     "[{\"sip_dispatch_rule_id\":\"SDR_z\"," DIRECT(
         "") "},{\"sip_dispatch_rule_id\":\"SDR_b\"," DIRECT("") "}]",
     NULL, "{" DIRECT("") "}", CONFLICT("<new>", "SDR_z")},
    {"first pair named",
     "[{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT("") ",\"trunk_ids\":[\"ST_2\"]},{\"sip_"
                                                        "dispatch_rule_id\":\"SDR_b\"," DIRECT(
                                                            "") ",\"trunk_ids\":[\"ST_1\"]}]",
     NULL, "{" DIRECT("") ",\"trunk_ids\":[\"ST_1\",\"ST_2\"]}", CONFLICT("<new>", "SDR_b")},
    {"update is not its own conflict",
     "[{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT(",\"pin\":\"1\"") "}]", NULL,
     "{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT(",\"pin\":\"1\"") "}", NULL},
    {"update conflicting with another",
     "[{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT(
         ",\"pin\":\"1\"") "},{\"sip_dispatch_rule_id\":\"SDR_b\"," DIRECT(",\"pin\":\"2\"") "}]",
     NULL, "{\"sip_dispatch_rule_id\":\"SDR_b\"," DIRECT(",\"pin\":\"1\"") "}",
     CONFLICT("SDR_b", "SDR_a")},
    {"delete frees the key", "[{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT(",\"pin\":\"1\"") "}]",
     "SDR_a", "{" DIRECT(",\"pin\":\"1\"") "}", NULL},
    {"replaced rule frees its old key",
     "[{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT(
         ",\"pin\":\"1\"") "},{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT(",\"pin\":\"2\"") "}]",
     NULL, "{" DIRECT(",\"pin\":\"1\"") "}", NULL},
    {"rule without member never conflicts", "[{\"sip_dispatch_rule_id\":\"SDR_a\"}]", NULL,
     "{" DIRECT("") "}", NULL},
};

static struct fk_store *open_store(void)
{
    struct fk_store *st = NULL;
    struct fk_error err = {{0}};
    if (fk_store_open(":memory:", lk_schema_sql, &st, &err) != 0)
        fail_msg("open: %s", err.msg);
    return st;
}

/* Store every rule of json (an array) in order. */
static void store_rules(struct fk_store *st, const char *json)
{
    cJSON *arr = cJSON_Parse(json);
    assert_non_null(arr);
    for (const cJSON *e = arr->child; e; e = e->next)
        assert_int_equal(lk_db_rule_put(st, e), 0);
    cJSON_Delete(arr);
}

static void stored_conflicts(void **state)
{
    (void)state; /* no fixture */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fk_error err = {{0}}, ref = {{0}};
        struct fk_store *st = open_store();
        store_rules(st, cases[i].stored);
        if (cases[i].deleted)
            assert_int_equal(lk_db_rule_delete(st, cases[i].deleted), 0);
        cJSON *rule = cJSON_Parse(cases[i].rule);
        cJSON *existing = lk_db_rule_list(st);
        assert_non_null(rule);
        assert_non_null(existing);
        int rc = lk_rule_conflict_stored(st, rule, &err);
        int rrc = lk_rule_conflict(existing, rule, &ref);
        if (cases[i].want) {
            if (rc != FK_EINVAL || strcmp(err.msg, cases[i].want) != 0)
                fail_msg("%s: rc %d, \"%s\"", cases[i].name, rc, err.msg);
        } else if (rc != 0) {
            fail_msg("%s: %s", cases[i].name, err.msg);
        }
        /* The reference scan agrees, message included. */
        assert_int_equal(rrc, rc);
        assert_string_equal(ref.msg, err.msg);
        cJSON_Delete(rule);
        cJSON_Delete(existing);
        fk_store_close(st);
    }
}

static long count_keys(struct fk_store *st)
{
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT count(*) FROM dispatch_rule_keys");
    assert_non_null(s);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return n;
}

/* One row per (trunk, number); rows go with delete and come back with a rebuild. */
static void key_rows(void **state)
{
    struct fk_error err = {{0}};
    struct fk_store *st = open_store();
    char id[64];
    (void)state; /* no fixture */
    store_rules(st, "[{\"sip_dispatch_rule_id\":\"SDR_a\"," DIRECT(
                        ",\"pin\":\"7\"") ",\"trunk_ids\":[\"ST_1\",\"\",\"ST_2\"],\"inbound_"
                                          "numbers\":[\"1\",\"+2\"]},"
                                          "{\"sip_dispatch_rule_id\":\"SDR_b\"," DIRECT("") "}]");
    assert_int_equal(count_keys(st), 5);
    assert_int_equal(lk_rule_keys_find(st, "", "ST_2", "+1", "7", id, sizeof(id)), 1);
    assert_string_equal(id, "SDR_a");
    assert_int_equal(lk_rule_keys_find(st, "SDR_a", "ST_2", "+1", "7", id, sizeof(id)), 0);
    assert_int_equal(lk_rule_keys_find(st, "", "", "", "", id, sizeof(id)), 1);
    assert_string_equal(id, "SDR_b");
    assert_int_equal(fk_store_exec(st, "DELETE FROM dispatch_rule_keys", &err), 0);
    assert_int_equal(lk_rule_keys_rebuild(st), 0);
    assert_int_equal(count_keys(st), 5);
    assert_int_equal(lk_db_rule_delete(st, "SDR_a"), 0);
    assert_int_equal(count_keys(st), 1);
    assert_int_equal(lk_db_rule_delete(st, "SDR_a"), FK_ENOTFOUND);
    assert_int_equal(lk_db_rule_delete(st, "SDR_b"), 0);
    assert_int_equal(count_keys(st), 0);
    fk_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stored_conflicts),
        cmocka_unit_test(key_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
