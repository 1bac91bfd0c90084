/* test_cache.c: values kept until the store changes (fakekit/cache.h) and the store's data
 * version they follow (fakekit/store.h, fk_store_data_version).
 *
 * The version must move on every kind of write (a row change inside and outside a
 * transaction, DDL, an empty write transaction, a rollback) and never on a read; the cache
 * must hit, miss, replace and stay within its bounds, and empty itself once the version
 * moved, whoever wrote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/cache.h"
#include "fakekit/store.h"

static struct fk_store *open_store(void)
{
    struct fk_store *st = NULL;
    struct fk_error err = {{0}};

    assert_int_equal(fk_store_open(":memory:", "CREATE TABLE t (k TEXT, v TEXT);", &st, &err), 0);
    return st;
}

static void exec(struct fk_store *st, const char *sql)
{
    struct fk_error err = {{0}};

    assert_int_equal(fk_store_exec(st, sql, &err), 0);
}

static void data_version_moves_on_writes_only(void **state)
{
    struct fk_store *st = open_store();
    uint64_t v = fk_store_data_version(st), w;

    (void)state;
    exec(st, "SELECT * FROM t");
    assert_true(fk_store_data_version(st) == v); /* a read */
    exec(st, "BEGIN; SELECT * FROM t; COMMIT");
    assert_true(fk_store_data_version(st) == v); /* a read-only transaction */
    exec(st, "INSERT INTO t VALUES ('a', 'b')");
    assert_true((w = fk_store_data_version(st)) > v);
    /* Inside a transaction each statement moves it at once, and the end again. */
    assert_int_equal(fk_store_begin(st), 0);
    exec(st, "UPDATE t SET v = 'c'");
    assert_true((v = fk_store_data_version(st)) > w);
    fk_store_rollback(st);
    assert_true((w = fk_store_data_version(st)) > v); /* a rollback */
    assert_int_equal(fk_store_begin(st), 0);
    assert_int_equal(fk_store_commit(st), 0);
    assert_true((v = fk_store_data_version(st)) > w); /* an empty write transaction */
    exec(st, "CREATE TABLE u (x)");
    assert_true(fk_store_data_version(st) > v); /* DDL, no row changed */
    fk_store_close(st);
}

static void put(struct fk_cache *c, struct fk_store *st, const char *key, const char *body)
{
    assert_int_equal(fk_cache_put(c, st, key, strlen(key), body, strlen(body)), 0);
}

static void expect(struct fk_cache *c, struct fk_store *st, const char *key, const char *body)
{
    size_t len = 0;
    const char *got = fk_cache_get(c, st, key, strlen(key), &len);

    if (body == NULL) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_int_equal(len, strlen(body));
    assert_memory_equal(got, body, len);
    assert_int_equal(got[len], '\0');
}

static void hit_miss_and_writes(void **state)
{
    struct fk_store *st = open_store();
    struct fk_cache *c = fk_cache_new(8, 1 << 20);

    (void)state;
    assert_non_null(c);
    expect(c, st, "a", NULL);
    put(c, st, "a", "body-a");
    put(c, st, "b", "");
    expect(c, st, "a", "body-a");
    expect(c, st, "b", "");
    assert_int_equal(fk_cache_count(c), 2);
    exec(st, "SELECT * FROM t"); /* a read keeps everything */
    expect(c, st, "a", "body-a");
    exec(st, "INSERT INTO t VALUES ('x', 'y')"); /* a write empties it */
    expect(c, st, "a", NULL);
    assert_int_equal(fk_cache_count(c), 0);
    /* A value computed before a write is not kept after it. */
    expect(c, st, "a", NULL);
    exec(st, "DELETE FROM t");
    put(c, st, "a", "stale");
    expect(c, st, "a", NULL);
    /* Keys differ by a single byte or by length; replacing a key keeps one entry. */
    put(c, st, "/x?A=1", "one");
    put(c, st, "/x?A=2", "two");
    put(c, st, "/x?A=1&", "three");
    put(c, st, "/x?A=1", "uno");
    expect(c, st, "/x?A=1", "uno");
    expect(c, st, "/x?A=2", "two");
    expect(c, st, "/x?A=1&", "three");
    expect(c, st, "/x?A", NULL);
    assert_int_equal(fk_cache_count(c), 3);
    fk_cache_free(c);
    fk_cache_free(NULL);
    fk_store_close(st);
}

static void bounded(void **state)
{
    enum { MAX = 16 };
    size_t max_bytes = 4096, big = max_bytes / 4 - 4, len;
    struct fk_store *st = open_store();
    struct fk_cache *c = fk_cache_new(MAX, max_bytes);
    char key[32], *body = malloc(big + 8);

    (void)state;
    assert_non_null(c);
    assert_non_null(body);
    expect(c, st, "k", NULL);
    /* More keys than slots: the oldest go first, the count never passes the limit. */
    for (int i = 0; i < 3 * MAX; i++) {
        snprintf(key, sizeof key, "k%d", i);
        put(c, st, key, key);
        assert_true(fk_cache_count(c) <= MAX);
    }
    snprintf(key, sizeof key, "k%d", 3 * MAX - 1);
    expect(c, st, key, key);
    expect(c, st, "k0", NULL);
    /* Too big to keep: not stored, not an error. */
    memset(body, 'x', big + 8);
    assert_int_equal(fk_cache_put(c, st, "huge", 4, body, big + 8), 0);
    expect(c, st, "huge", NULL);
    /* The byte limit: four values of the largest size kept, a fifth pushes one out. */
    for (int i = 0; i < 5; i++) {
        snprintf(key, sizeof key, "big%d", i);
        assert_int_equal(fk_cache_put(c, st, key, 4, body, big), 0);
    }
    expect(c, st, "big0", NULL);
    assert_non_null(fk_cache_get(c, st, "big4", 4, &len));
    free(body);
    fk_cache_free(c);
    fk_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(data_version_moves_on_writes_only),
        cmocka_unit_test(hit_miss_and_writes),
        cmocka_unit_test(bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
