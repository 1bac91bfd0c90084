/* test_ids.c: fakekit/ids.h. An id already stored is never drawn again (the draw repeats
 * past it), the shapes are the promised ones, and a database file counts its opens, each
 * open after the first moving the seeded sequence (fakekit/store.h). No network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fakekit/ids.h"
#include "fakekit/rand.h"
#include "fakekit/store.h"

static const struct fk_id_home home = {"things", "id"};

static struct fk_store *open_store(const char *path)
{
    struct fk_store *st = NULL;
    struct fk_error err = {{0}};
    assert_int_equal(
        fk_store_open(path, "CREATE TABLE IF NOT EXISTS things (id TEXT PRIMARY KEY);", &st, &err),
        0);
    return st;
}

static void put(struct fk_store *st, const char *id)
{
    sqlite3_stmt *s = fk_store_stmt(st, "INSERT INTO things (id) VALUES (?)");
    assert_non_null(s);
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(s), SQLITE_DONE);
    sqlite3_reset(s);
}

/* The same seed draws the same ids; stored, they are drawn past. */
static void stored_ids_are_drawn_past(void **state)
{
    char first[3][32], again[32];
    (void)state; /* no fixture */
    struct fk_store *st = open_store(":memory:");
    fk_rand_seed(11);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(fk_id_chars(st, &home, "ST_", "abc", 12, first[i], sizeof(first[i])), 0);
        assert_int_equal(fk_id_taken(st, &home, first[i]), 0);
        put(st, first[i]);
        assert_int_equal(fk_id_taken(st, &home, first[i]), 1);
    }
    fk_rand_seed(11); /* a replay: every draw would repeat an id that is stored */
    assert_int_equal(fk_id_chars(st, &home, "ST_", "abc", 12, again, sizeof(again)), 0);
    for (int i = 0; i < 3; i++)
        assert_string_not_equal(again, first[i]);
    fk_store_close(st);
}

static void shapes(void **state)
{
    char hex[40], uuid[37], chars[32];
    (void)state; /* no fixture */
    struct fk_store *st = open_store(":memory:");
    assert_int_equal(fk_id_hex(st, &home, "PN", 16, hex, sizeof(hex)), 0);
    assert_int_equal(strlen(hex), 34);
    assert_int_equal(strncmp(hex, "PN", 2), 0);
    assert_int_equal(fk_id_uuid(st, &home, uuid), 0);
    assert_int_equal(strlen(uuid), 36);
    assert_int_equal(uuid[14], '4');
    assert_int_equal(fk_id_chars(st, &home, "SDR_", "xyz", 12, chars, sizeof(chars)), 0);
    assert_int_equal(strlen(chars), 16);
    assert_int_equal(strspn(chars + 4, "xyz"), 12);
    fk_store_close(st);
}

/* A one-letter alphabet has one id: once stored, every draw is taken. */
static void all_taken_is_a_conflict(void **state)
{
    char id[16];
    (void)state; /* no fixture */
    struct fk_store *st = open_store(":memory:");
    assert_int_equal(fk_id_chars(st, &home, "", "a", 3, id, sizeof(id)), 0);
    put(st, id);
    assert_int_equal(fk_id_chars(st, &home, "", "a", 3, id, sizeof(id)), FK_ECONFLICT);
    fk_store_close(st);
}

/* Each open of a file after the first counts, and moves the seeded sequence. */
static void file_opens_are_counted(void **state)
{
    char path[64];
    uint64_t draws[3];
    (void)state; /* no fixture */
    snprintf(path, sizeof(path), "/tmp/test-ids-%d.db", (int)getpid());
    for (int i = 0; i < 3; i++) {
        fk_rand_seed(5);
        struct fk_store *st = open_store(path);
        assert_int_equal(fk_store_generation(st), i);
        draws[i] = fk_rand_u64();
        fk_store_close(st);
    }
    assert_true(draws[0] != draws[1] && draws[1] != draws[2] && draws[0] != draws[2]);
    fk_rand_seed(5);
    struct fk_store *mem = open_store(":memory:");
    assert_int_equal(fk_store_generation(mem), 0);
    assert_true(fk_rand_u64() == draws[0]); /* a new store replays the seed */
    fk_store_close(mem);
    static const char *const tails[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char f[80];
        snprintf(f, sizeof(f), "%s%s", path, tails[i]);
        unlink(f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stored_ids_are_drawn_past),
        cmocka_unit_test(shapes),
        cmocka_unit_test(all_taken_is_a_conflict),
        cmocka_unit_test(file_opens_are_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
