/* test_store.c: the store's prepared-statement cache.
 *
 * fk_store_stmt_text caches statements for SQL built at run time (PostgREST's selects), keyed
 * by a copy of the text; fk_store_stmt finds literals by pointer and shares the same entries.
 * Checked here: hits and misses, the least recently used entry going when the cache is full,
 * a statement coming back reset and unbound, and the cache emptied by fk_store_clear, by a
 * schema change through fk_store_exec and by fk_store_stmt_flush. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/store.h"

static int setup(void **state)
{
    struct fk_store *st = NULL;
    struct fk_error err = {{0}};

    if (fk_store_open(":memory:",
                      "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);"
                      "INSERT INTO t (name) VALUES ('a'), ('b');",
                      &st, &err) != 0)
        return -1;
    *state = st;
    return 0;
}

static int teardown(void **state)
{
    fk_store_close(*state);
    return 0;
}

static struct fk_store_stmt_stats stats(struct fk_store *st)
{
    struct fk_store_stmt_stats s;

    fk_store_stmt_stats(st, &s);
    return s;
}

/* Step s once and return its first column as an integer (-1: no row, -2: NULL). */
static long long first_int(sqlite3_stmt *s)
{
    long long v;

    if (sqlite3_step(s) != SQLITE_ROW)
        return -1;
    v = sqlite3_column_type(s, 0) == SQLITE_NULL ? -2 : sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return v;
}

static void test_hit_and_miss(void **state)
{
    struct fk_store *st = *state;
    static const struct {
        const char *sql;
        size_t len; /* 0: strlen */
        bool hit;
        long long want;
    } steps[] = {
        {"SELECT count(*) FROM t", 0, false, 2},
        {"SELECT count(*) FROM t", 0, true, 2},
        {"SELECT count(*) FROM t WHERE id = 1", 0, false, 1},
        /* only the first len bytes are the key */
        {"SELECT count(*) FROM t WHERE id = 1 trailing junk", 35, true, 1},
        {"SELECT count(*) FROM t WHERE id = 1", 31, false, 2}, /* "... WHERE id" */
        {"SELECT count(*) FROM t", 0, true, 2},
    };
    struct fk_store_stmt_stats before = stats(st);

    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        size_t len = steps[i].len ? steps[i].len : strlen(steps[i].sql);
        char buf[128];
        struct fk_store_stmt_stats b = stats(st), a;
        sqlite3_stmt *s;

        /* a private copy, spoiled afterwards: the cache must keep its own key */
        snprintf(buf, sizeof buf, "%s", steps[i].sql);
        s = fk_store_stmt_text(st, buf, len);
        memset(buf, 'x', sizeof buf - 1);
        assert_non_null(s);
        a = stats(st);
        if (steps[i].hit && (a.hits != b.hits + 1 || a.misses != b.misses))
            fail_msg("step %zu: expected a hit", i);
        if (!steps[i].hit && (a.misses != b.misses + 1 || a.hits != b.hits))
            fail_msg("step %zu: expected a miss", i);
        assert_int_equal(first_int(s), steps[i].want);
    }
    assert_int_equal(stats(st).size, before.size + 3);
    assert_int_equal(stats(st).evictions, 0);
}

static void test_literal_and_text_share(void **state)
{
    struct fk_store *st = *state;
    static const char lit[] = "SELECT name FROM t WHERE id = ?1";
    char copy[sizeof lit];
    sqlite3_stmt *a = fk_store_stmt(st, lit), *b, *c;

    memcpy(copy, lit, sizeof lit);
    b = fk_store_stmt_text(st, copy, strlen(copy));
    c = fk_store_stmt(st, copy); /* another pointer, same text */
    assert_non_null(a);
    assert_ptr_equal(a, b);
    assert_ptr_equal(a, c);
    assert_int_equal(stats(st).misses, 1);
    assert_int_equal(stats(st).hits, 2);
}

static void test_reuse_after_reset(void **state)
{
    struct fk_store *st = *state;
    const char *sql = "SELECT ?1 + 0";
    sqlite3_stmt *s = fk_store_stmt_text(st, sql, strlen(sql)), *again;

    assert_non_null(s);
    sqlite3_bind_int(s, 1, 41);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW); /* left mid-step on purpose */
    assert_int_equal(sqlite3_column_int(s, 0), 41);
    again = fk_store_stmt_text(st, sql, strlen(sql));
    assert_ptr_equal(again, s);
    assert_int_equal(first_int(again), -2); /* reset, and the binding cleared (NULL + 0) */
    sqlite3_bind_int(again, 1, 1);
    assert_int_equal(first_int(again), 1);
}

static void test_eviction_lru(void **state)
{
    struct fk_store *st = *state;
    char sql[64];
    sqlite3_stmt *s;
    size_t n = FK_STORE_STMT_CACHE;

    for (size_t i = 0; i < n; i++) {
        int len = snprintf(sql, sizeof sql, "SELECT %zu", i);
        assert_non_null(fk_store_stmt_text(st, sql, (size_t)len));
    }
    assert_int_equal(stats(st).size, n);
    assert_int_equal(stats(st).evictions, 0);
    /* Touch "SELECT 0": "SELECT 1" is now the least recently used. */
    assert_non_null(fk_store_stmt_text(st, "SELECT 0", 8));
    s = fk_store_stmt_text(st, "SELECT 'new'", 12);
    assert_non_null(s);
    assert_int_equal(stats(st).evictions, 1);
    assert_int_equal(stats(st).size, n);
    assert_int_equal(stats(st).misses, n + 1);
    /* "SELECT 0" stayed; "SELECT 1" went and comes back prepared afresh, and works. */
    assert_non_null(fk_store_stmt_text(st, "SELECT 0", 8));
    assert_int_equal(stats(st).misses, n + 1);
    s = fk_store_stmt_text(st, "SELECT 1", 8);
    assert_int_equal(stats(st).misses, n + 2);
    assert_int_equal(stats(st).evictions, 2);
    assert_int_equal(first_int(s), 1);
}

/* Hand out n distinct statements "SELECT <base + i>". */
static void hand_out_many(struct fk_store *st, size_t base, size_t n)
{
    char sql[64];

    for (size_t i = 0; i < n; i++) {
        int len = snprintf(sql, sizeof sql, "SELECT %zu", base + i);
        assert_non_null(fk_store_stmt_text(st, sql, (size_t)len));
    }
}

/* A statement handed out in a locked section stays valid until the unlock, however many
 * others come after it; the cache then shrinks back to its size. */
static void test_held_until_unlock(void **state)
{
    struct fk_store *st = *state;
    size_t n = FK_STORE_STMT_CACHE;
    sqlite3_stmt *mine;

    hand_out_many(st, 0, n); /* full, nothing held */
    fk_store_lock(st);
    mine = fk_store_stmt_text(st, "SELECT 'mine'", 13);
    assert_non_null(mine);
    hand_out_many(st, 1000, 2 * n);
    assert_true(stats(st).size > n);
    assert_int_equal(sqlite3_step(mine), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(mine, 0), "mine");
    sqlite3_reset(mine);
    fk_store_unlock(st);
    assert_int_equal(stats(st).size, n);
}

/* Without the lock, a statement mid-step is never finalized. */
static void test_busy_not_evicted(void **state)
{
    struct fk_store *st = *state;
    sqlite3_stmt *s = fk_store_stmt_text(st, "SELECT 1 UNION ALL SELECT 2", 27);

    assert_non_null(s);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    hand_out_many(st, 0, 2 * FK_STORE_STMT_CACHE);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 2);
    sqlite3_reset(s);
}

static void test_prepare_error(void **state)
{
    struct fk_store *st = *state;
    struct fk_store_stmt_stats b;

    assert_non_null(fk_store_stmt_text(st, "SELECT 7", 8));
    b = stats(st);
    assert_null(fk_store_stmt_text(st, "SELEKT 7", 8));
    assert_non_null(strstr(sqlite3_errmsg(fk_store_db(st)), "syntax error"));
    assert_null(fk_store_stmt_text(st, "SELECT nope FROM t", 18));
    assert_int_equal(stats(st).size, b.size); /* nothing cached, nothing evicted */
    assert_int_equal(stats(st).misses, b.misses);
    assert_int_equal(stats(st).evictions, 0);
}

/* Fetch sql; *hit says whether the cache had it. */
static sqlite3_stmt *fetch(struct fk_store *st, const char *sql, bool *hit)
{
    unsigned long long before = stats(st).hits;
    sqlite3_stmt *s = fk_store_stmt_text(st, sql, strlen(sql));

    *hit = stats(st).hits == before + 1;
    return s;
}

static void test_emptied(void **state)
{
    struct fk_store *st = *state;
    struct fk_error err = {{0}};
    const char *count = "SELECT count(*) FROM t";
    sqlite3_stmt *s;
    bool hit;

    /* fk_store_clear: the cache goes with the rows. */
    assert_non_null(fetch(st, count, &hit));
    assert_false(hit);
    assert_int_equal(fk_store_begin(st), 0);
    assert_int_equal(fk_store_clear(st, &err), 0);
    assert_int_equal(fk_store_commit(st), 0);
    s = fetch(st, count, &hit);
    assert_false(hit);
    assert_int_equal(first_int(s), 0);

    /* fk_store_exec without a schema change keeps it; with one, empties it. */
    assert_int_equal(fk_store_exec(st, "INSERT INTO t (name) VALUES ('c')", &err), 0);
    s = fetch(st, count, &hit);
    assert_true(hit);
    assert_int_equal(first_int(s), 1);
    assert_int_equal(fk_store_exec(st, "ALTER TABLE t ADD COLUMN extra TEXT", &err), 0);
    assert_int_equal(stats(st).size, 0);
    s = fetch(st, count, &hit);
    assert_false(hit);
    assert_int_equal(first_int(s), 1);
    /* a failing exec that changed nothing keeps the cache too */
    assert_int_not_equal(fk_store_exec(st, "DROP TABLE nope", &err), 0);
    s = fetch(st, count, &hit);
    assert_true(hit);

    /* fk_store_stmt_flush: empty, and everything still works after. */
    fk_store_stmt_flush(st);
    assert_int_equal(stats(st).size, 0);
    s = fk_store_stmt(st, "SELECT count(*) FROM t");
    assert_int_equal(first_int(s), 1);
}

static void test_first_text(void **state)
{
    struct fk_store *st = *state;
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT name FROM t WHERE id = ?1");
    char out[8];

    assert_non_null(s);
    sqlite3_bind_int(s, 1, 2);
    assert_int_equal(fk_store_first_text(s, out, sizeof out), 1);
    assert_string_equal(out, "b");
    sqlite3_bind_int(s, 1, 99);
    assert_int_equal(fk_store_first_text(s, out, sizeof out), 0);
    /* Reset either way: the same statement runs again at once. */
    sqlite3_bind_int(s, 1, 1);
    assert_int_equal(fk_store_first_text(s, out, sizeof out), 1);
    assert_string_equal(out, "a");
    /* Cut to the room given; NULL reads as "". */
    s = fk_store_stmt(st, "SELECT 'abcdefghij' UNION ALL SELECT NULL");
    assert_int_equal(fk_store_first_text(s, out, 4), 1);
    assert_string_equal(out, "abc");
    s = fk_store_stmt(st, "SELECT NULL");
    assert_int_equal(fk_store_first_text(s, out, sizeof out), 1);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hit_and_miss, setup, teardown),
        cmocka_unit_test_setup_teardown(test_literal_and_text_share, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reuse_after_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eviction_lru, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prepare_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_held_until_unlock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_busy_not_evicted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_emptied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_text, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
