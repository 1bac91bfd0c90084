/* store.c: one SQLite connection behind a mutex, with a statement cache.
 *
 * Every fake keeps its state here. The connection is opened with SQLITE_OPEN_NOMUTEX because
 * the store's own mutex already serialises all use (see store.h: fakekit holds it around
 * every handler). Files use WAL so a reader never sees a half-written transaction after a
 * crash; foreign keys are switched on, as PostgreSQL always enforces them. */
#include "fakekit/store.h"

#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/log.h"
#include "fakekit/rand.h"

/* One cached statement. The key is always the cache's own copy of the SQL text, so dynamic
 * SQL (built per request) can be cached; lit remembers a caller's literal pointer so that
 * fk_store_stmt finds it again without hashing. */
struct cached {
    const char *lit; /* fk_store_stmt's literal, compared by pointer; NULL for dynamic SQL */
    char *sql;       /* owned copy of the text: the key */
    size_t len;
    uint64_t hash;
    uint64_t used; /* st->tick when last handed out: the least recent is evicted */
    sqlite3_stmt *st;
};

struct fk_store {
    sqlite3 *db;
    pthread_mutex_t mu;
    struct cached *cache; /* FK_STORE_STMT_CACHE entries, more while a section holds them */
    size_t ncache, cap;
    uint64_t tick;
    bool locked;            /* between fk_store_lock and fk_store_unlock */
    uint64_t section_start; /* st->tick at fk_store_lock: later hand-outs are held */
    struct fk_store_stmt_stats stats;
    long generation; /* opens of the file before this one (0 for :memory:) */
    uint64_t ends;   /* write transactions committed or rolled back (fk_store_data_version) */
};

/* SQLite's commit and rollback hooks: a write transaction ended (a read-only one calls
 * neither). Returning 0 lets the commit go ahead. */
static int on_commit(void *arg)
{
    ((struct fk_store *)arg)->ends++;
    return 0;
}

static void on_rollback(void *arg)
{
    ((struct fk_store *)arg)->ends++;
}

/* Count this open in the file's header (SQLite's user_version, which no table or dump
 * shows) and, from the second open on, mix the count into the kit's generator: a fake
 * restarted on the same file with the same --seed must not draw the ids it drew before
 * (fakekit/ids.h). 0, or FK_EIO with err. */
static int count_open(struct fk_store *st, struct fk_error *err)
{
    sqlite3_stmt *s = NULL;
    char sql[64];
    int rc = sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL);

    if (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        st->generation = (long)sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %ld",
             st->generation < INT_MAX ? st->generation + 1 : 1L);
    if (rc != SQLITE_OK || sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        fk_error_set(err, "cannot count the opens of the database: %s", sqlite3_errmsg(st->db));
        return FK_EIO;
    }
    fk_rand_mix((uint64_t)st->generation);
    return 0;
}

int fk_store_open(const char *path, const char *schema_sql, struct fk_store **out,
                  struct fk_error *err)
{
    struct fk_store *st = calloc(1, sizeof(*st));
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    char *msg = NULL;

    *out = NULL;
    if (st == NULL) {
        fk_error_set(err, "out of memory");
        return FK_ENOMEM;
    }
    pthread_mutex_init(&st->mu, NULL);
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        fk_error_set(err, "cannot open database %s: %s", path,
                     st->db != NULL ? sqlite3_errmsg(st->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(st->db, 5000);
    sqlite3_commit_hook(st->db, on_commit, st);
    sqlite3_rollback_hook(st->db, on_rollback, st);
    if (strcmp(path, ":memory:") != 0 &&
        sqlite3_exec(st->db, "PRAGMA journal_mode=WAL", NULL, NULL, &msg) != SQLITE_OK) {
        fk_error_set(err, "cannot open database %s: %s", path, msg != NULL ? msg : "?");
        goto fail;
    }
    if (sqlite3_exec(st->db, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL", NULL, NULL,
                     &msg) != SQLITE_OK ||
        (schema_sql != NULL && sqlite3_exec(st->db, schema_sql, NULL, NULL, &msg) != SQLITE_OK)) {
        fk_error_set(err, "schema: %s", msg != NULL ? msg : "?");
        goto fail;
    }
    if (strcmp(path, ":memory:") != 0 && count_open(st, err) != 0)
        goto fail;
    *out = st;
    return 0;
fail:
    sqlite3_free(msg);
    fk_store_close(st);
    return FK_EIO;
}

void fk_store_close(struct fk_store *st)
{
    if (st == NULL)
        return;
    fk_store_stmt_flush(st);
    free(st->cache);
    sqlite3_close(st->db);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

void fk_store_lock(struct fk_store *st)
{
    pthread_mutex_lock(&st->mu);
    st->locked = true;
    st->section_start = st->tick;
}

static void trim(struct fk_store *st);

void fk_store_unlock(struct fk_store *st)
{
    st->locked = false;
    if (st->ncache > FK_STORE_STMT_CACHE)
        trim(st);
    pthread_mutex_unlock(&st->mu);
}

sqlite3 *fk_store_db(struct fk_store *st)
{
    return st->db;
}

long fk_store_generation(const struct fk_store *st)
{
    return st->generation;
}

uint64_t fk_store_data_version(struct fk_store *st)
{
    return st->ends + (uint64_t)sqlite3_total_changes64(st->db);
}

/* A multiplicative hash eight bytes at a time: SQL texts run to a few hundred bytes and
 * this runs on every lookup; equal hashes are confirmed with memcmp. */
static uint64_t text_hash(const char *s, size_t len)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;
    size_t i = 0;

    for (; i + 8 <= len; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    w = 0;
    memcpy(&w, s + i, len - i);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 29);
}

/* Hand out a cached entry: reset, bindings cleared, marked most recently used. */
static sqlite3_stmt *hand_out(struct fk_store *st, struct cached *c)
{
    st->stats.hits++;
    c->used = ++st->tick;
    sqlite3_reset(c->st);
    sqlite3_clear_bindings(c->st);
    return c->st;
}

static struct cached *find_text(struct fk_store *st, const char *sql, size_t len, uint64_t h)
{
    for (size_t i = 0; i < st->ncache; i++) {
        struct cached *c = &st->cache[i];
        if (c->hash == h && c->len == len && memcmp(c->sql, sql, len) == 0)
            return c;
    }
    return NULL;
}

/* Whether c's statement may still be in its holder's hands: handed out in the current locked
 * section, or stepped and not reset. The cache never finalizes such a statement. */
static bool held(const struct fk_store *st, const struct cached *c)
{
    return (st->locked && c->used > st->section_start) || sqlite3_stmt_busy(c->st);
}

/* The least recently used entry that is not held, or NULL. */
static struct cached *victim(struct fk_store *st)
{
    struct cached *v = NULL;

    for (size_t i = 0; i < st->ncache; i++)
        if (!held(st, &st->cache[i]) && (v == NULL || st->cache[i].used < v->used))
            v = &st->cache[i];
    return v;
}

static void drop(struct fk_store *st, struct cached *c)
{
    sqlite3_finalize(c->st);
    free(c->sql);
    st->stats.evictions++;
}

/* Back to FK_STORE_STMT_CACHE entries once nothing holds the extra ones. */
static void trim(struct fk_store *st)
{
    struct cached *c;

    while (st->ncache > FK_STORE_STMT_CACHE && (c = victim(st)) != NULL) {
        drop(st, c);
        *c = st->cache[--st->ncache];
    }
}

/* A free entry: a new one while below FK_STORE_STMT_CACHE or when every entry is held, else
 * the least recently used one, finalized. NULL on ENOMEM. */
static struct cached *entry_for_new(struct fk_store *st)
{
    struct cached *c = st->ncache >= FK_STORE_STMT_CACHE ? victim(st) : NULL;

    if (c != NULL) {
        drop(st, c);
        return c;
    }
    if (st->ncache == st->cap) {
        size_t cap = st->cap == 0 ? FK_STORE_STMT_CACHE : st->cap * 2;
        struct cached *grown = realloc(st->cache, cap * sizeof(*grown));
        if (grown == NULL)
            return NULL;
        st->cache = grown;
        st->cap = cap;
    }
    return &st->cache[st->ncache++];
}

/* Prepare sql and store it (entry_for_new). NULL on error, with sqlite3_errmsg(db) saying
 * why (nothing is evicted then). */
static sqlite3_stmt *prepare_cached(struct fk_store *st, const char *lit, const char *sql,
                                    size_t len, uint64_t h)
{
    sqlite3_stmt *s = NULL;
    char *key = NULL;
    struct cached *c;

    if (len > (size_t)INT_MAX - 1 ||
        sqlite3_prepare_v3(st->db, sql, (int)len, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK)
        return NULL;
    if (s == NULL)
        return NULL; /* only white space or comments: nothing to run, nothing cached */
    key = malloc(len + 1);
    if (key == NULL) {
        sqlite3_finalize(s);
        return NULL;
    }
    memcpy(key, sql, len);
    key[len] = '\0';
    if ((c = entry_for_new(st)) == NULL) {
        free(key);
        sqlite3_finalize(s);
        return NULL;
    }
    st->stats.misses++;
    c->lit = lit;
    c->sql = key;
    c->len = len;
    c->hash = h;
    c->used = ++st->tick;
    c->st = s;
    return s;
}

sqlite3_stmt *fk_store_stmt(struct fk_store *st, const char *sql)
{
    size_t len;
    uint64_t h;
    struct cached *c;
    sqlite3_stmt *s;

    for (size_t i = 0; i < st->ncache; i++)
        if (st->cache[i].lit == sql)
            return hand_out(st, &st->cache[i]);
    len = strlen(sql);
    h = text_hash(sql, len);
    c = find_text(st, sql, len, h);
    if (c != NULL) {
        c->lit = sql; /* the same text from another literal: remember the newest pointer */
        return hand_out(st, c);
    }
    s = prepare_cached(st, sql, sql, len, h);
    if (s == NULL && fk_log_level_ >= FK_LOG_ERROR) {
        char q[FK_LOG_QUOTED];
        fk_log_write(FK_LOG_ERROR, "msg=\"prepare failed\" error=%s",
                     fk_log_quote(q, sizeof(q), sqlite3_errmsg(st->db)));
    }
    return s;
}

sqlite3_stmt *fk_store_stmt_text(struct fk_store *st, const char *sql, size_t len)
{
    uint64_t h = text_hash(sql, len);
    struct cached *c = find_text(st, sql, len, h);

    return c != NULL ? hand_out(st, c) : prepare_cached(st, NULL, sql, len, h);
}

int fk_store_first_text(sqlite3_stmt *s, char *out, size_t outlen)
{
    int rc = 0, step = sqlite3_step(s);

    if (step == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(s, 0);
        snprintf(out, outlen, "%s", v != NULL ? (const char *)v : "");
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = FK_EIO;
    }
    sqlite3_reset(s);
    return rc;
}

void fk_store_stmt_flush(struct fk_store *st)
{
    for (size_t i = 0; i < st->ncache; i++) {
        sqlite3_finalize(st->cache[i].st);
        free(st->cache[i].sql);
    }
    st->ncache = 0;
}

void fk_store_stmt_stats(const struct fk_store *st, struct fk_store_stmt_stats *out)
{
    *out = st->stats;
    out->size = st->ncache;
}

/* PRAGMA schema_version: SQLite bumps it on every CREATE, DROP and ALTER. -1 on error. */
static long long schema_version(struct fk_store *st)
{
    sqlite3_stmt *s = fk_store_stmt(st, "PRAGMA schema_version");
    long long v = -1;

    if (s != NULL && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    if (s != NULL)
        sqlite3_reset(s);
    return v;
}

int fk_store_exec(struct fk_store *st, const char *sql, struct fk_error *err)
{
    char *msg = NULL;
    long long before = schema_version(st);
    int rc = 0;

    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fk_error_set(err, "%s", msg != NULL ? msg : sqlite3_errmsg(st->db));
        sqlite3_free(msg);
        rc = FK_EIO;
    }
    /* SQLite re-prepares a stale statement by itself, but a cached statement on a dropped or
     * altered table should not outlive it: start the cache afresh. */
    if (schema_version(st) != before)
        fk_store_stmt_flush(st);
    return rc;
}

/* Run a transaction statement from the cache: BEGIN and COMMIT come with every write, and
 * sqlite3_exec would parse them again each time. */
static int run_cached(struct fk_store *st, const char *sql)
{
    sqlite3_stmt *s = fk_store_stmt(st, sql);
    int rc = s != NULL ? sqlite3_step(s) : SQLITE_ERROR;

    if (s != NULL)
        sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : FK_EIO;
}

int fk_store_begin(struct fk_store *st)
{
    return run_cached(st, "BEGIN IMMEDIATE");
}

int fk_store_commit(struct fk_store *st)
{
    return run_cached(st, "COMMIT");
}

void fk_store_rollback(struct fk_store *st)
{
    if (!sqlite3_get_autocommit(st->db) && run_cached(st, "ROLLBACK") != 0)
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL); /* without the cache, once more */
}
