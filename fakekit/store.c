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
    struct cached cache[FK_STORE_STMT_CACHE];
    size_t ncache;
    uint64_t tick;
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
    sqlite3_close(st->db);
    pthread_mutex_destroy(&st->mu);
    free(st);
}

void fk_store_lock(struct fk_store *st)
{
    pthread_mutex_lock(&st->mu);
}

void fk_store_unlock(struct fk_store *st)
{
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

/* Prepare sql and store it, evicting the least recently used entry when the cache is full.
 * NULL on error, with sqlite3_errmsg(db) saying why (nothing is evicted then). */
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
    st->stats.misses++;
    if (st->ncache < FK_STORE_STMT_CACHE) {
        c = &st->cache[st->ncache++];
    } else {
        c = &st->cache[0];
        for (size_t i = 1; i < st->ncache; i++)
            if (st->cache[i].used < c->used)
                c = &st->cache[i];
        sqlite3_finalize(c->st);
        free(c->sql);
        st->stats.evictions++;
    }
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
    memset(st->cache, 0, sizeof(st->cache));
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

/* Names of the user tables, in creation order. Caller frees with sqlite3_free_table. */
static int table_names(struct fk_store *st, char ***names, int *n)
{
    int cols = 0;
    char **res = NULL;

    if (sqlite3_get_table(st->db,
                          "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE "
                          "'sqlite_%' ORDER BY rowid",
                          &res, n, &cols, NULL) != SQLITE_OK)
        return FK_EIO;
    *names = res;
    return 0;
}

int fk_store_clear(struct fk_store *st, struct fk_error *err)
{
    char **names = NULL;
    int n = 0, rc;

    if (table_names(st, &names, &n) != 0) {
        fk_error_set(err, "%s", sqlite3_errmsg(st->db));
        return FK_EIO;
    }
    /* No cached statement survives a reset of the state (none may be in progress either). */
    fk_store_stmt_flush(st);
    /* Deferred checks let the tables empty in any order; the transaction ends consistent. */
    rc = fk_store_exec(st, "PRAGMA defer_foreign_keys=ON", err);
    for (int i = n; rc == 0 && i >= 1; i--) {
        char *sql = sqlite3_mprintf("DELETE FROM \"%w\"", names[i]);
        rc = sql != NULL ? fk_store_exec(st, sql, err) : FK_ENOMEM;
        sqlite3_free(sql);
    }
    sqlite3_free_table(names);
    return rc;
}

cJSON *fk_store_row_json(sqlite3_stmt *stmt)
{
    cJSON *row = cJSON_CreateObject();
    int n = sqlite3_column_count(stmt);

    for (int i = 0; row != NULL && i < n; i++) {
        const char *name = sqlite3_column_name(stmt, i);
        cJSON *v;
        switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER:
            v = cJSON_CreateNumber((double)sqlite3_column_int64(stmt, i));
            break;
        case SQLITE_FLOAT:
            v = cJSON_CreateNumber(sqlite3_column_double(stmt, i));
            break;
        case SQLITE_NULL:
            v = cJSON_CreateNull();
            break;
        default:
            v = cJSON_CreateString((const char *)sqlite3_column_text(stmt, i));
            break;
        }
        if (v == NULL || !cJSON_AddItemToObject(row, name, v)) {
            cJSON_Delete(v);
            cJSON_Delete(row);
            return NULL;
        }
    }
    return row;
}

cJSON *fk_store_dump(struct fk_store *st)
{
    char **names = NULL;
    int n = 0;
    cJSON *out = cJSON_CreateObject();

    if (out == NULL || table_names(st, &names, &n) != 0) {
        cJSON_Delete(out);
        return NULL;
    }
    for (int i = 1; i <= n; i++) {
        char *sql = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY rowid", names[i]);
        sqlite3_stmt *s = NULL;
        cJSON *rows = cJSON_AddArrayToObject(out, names[i]);
        if (sql == NULL || rows == NULL ||
            sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
            sqlite3_free(sql);
            sqlite3_finalize(s);
            continue;
        }
        while (sqlite3_step(s) == SQLITE_ROW) {
            cJSON *row = fk_store_row_json(s);
            if (row != NULL)
                cJSON_AddItemToArray(rows, row);
        }
        sqlite3_finalize(s);
        sqlite3_free(sql);
    }
    sqlite3_free_table(names);
    return out;
}

bool fk_store_has_table(struct fk_store *st, const char *table)
{
    sqlite3_stmt *s =
        fk_store_stmt(st, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?1");
    bool found;

    if (s == NULL)
        return false;
    sqlite3_bind_text(s, 1, table, -1, SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return found;
}

bool fk_store_has_column(struct fk_store *st, const char *table, const char *column)
{
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT 1 FROM pragma_table_info(?1) WHERE name=?2");
    bool found;

    if (s == NULL)
        return false;
    sqlite3_bind_text(s, 1, table, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, column, -1, SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return found;
}

static int bind_json(sqlite3_stmt *s, int idx, const cJSON *v)
{
    if (cJSON_IsNull(v))
        return sqlite3_bind_null(s, idx);
    if (cJSON_IsBool(v))
        return sqlite3_bind_int(s, idx, cJSON_IsTrue(v));
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        /* Whole numbers in the int64 range bind as integers; converting anything else to
         * long long would be undefined. */
        if (d >= -9.2e18 && d <= 9.2e18 && d == (double)(long long)d)
            return sqlite3_bind_int64(s, idx, (long long)d);
        return sqlite3_bind_double(s, idx, d);
    }
    if (cJSON_IsString(v))
        return sqlite3_bind_text(s, idx, v->valuestring, -1, SQLITE_TRANSIENT);
    char *text = cJSON_PrintUnformatted(v);
    if (text == NULL)
        return SQLITE_NOMEM;
    int rc = sqlite3_bind_text(s, idx, text, -1, SQLITE_TRANSIENT);
    cJSON_free(text);
    return rc;
}

int fk_store_insert_json(struct fk_store *st, const char *table, const cJSON *row, const char *path,
                         struct fk_error *err)
{
    sqlite3_str *sql = sqlite3_str_new(st->db);
    sqlite3_stmt *s = NULL;
    char *text = NULL;
    int rc = FK_EINVAL, n = 0;
    const cJSON *v;

    if (!cJSON_IsObject(row)) {
        fk_error_set(err, "%s: expected an object", path);
        goto out;
    }
    if (!fk_store_has_table(st, table)) {
        fk_error_set(err, "%s: unknown table '%s'", path, table);
        goto out;
    }
    sqlite3_str_appendf(sql, "INSERT INTO \"%w\" (", table);
    cJSON_ArrayForEach(v, row)
    {
        if (!fk_store_has_column(st, table, v->string)) {
            fk_error_set(err, "%s: unknown column '%s' of table '%s'", path, v->string, table);
            goto out;
        }
        sqlite3_str_appendf(sql, "%s\"%w\"", n++ ? ", " : "", v->string);
    }
    if (n == 0) {
        sqlite3_str_appendf(sql, ") VALUES (");
        sqlite3_str_reset(sql);
        sqlite3_str_appendf(sql, "INSERT INTO \"%w\" DEFAULT VALUES", table);
    } else {
        sqlite3_str_appendall(sql, ") VALUES (");
        for (int i = 1; i <= n; i++)
            sqlite3_str_appendf(sql, "%s?%d", i > 1 ? ", " : "", i);
        sqlite3_str_appendall(sql, ")");
    }
    text = sqlite3_str_finish(sql);
    sql = NULL;
    if (text == NULL) {
        rc = FK_ENOMEM;
        goto out;
    }
    if (sqlite3_prepare_v2(st->db, text, -1, &s, NULL) != SQLITE_OK) {
        fk_error_set(err, "%s: %s", path, sqlite3_errmsg(st->db));
        rc = FK_EIO;
        goto out;
    }
    n = 0;
    cJSON_ArrayForEach(v, row) bind_json(s, ++n, v);
    int step = sqlite3_step(s);
    if (step != SQLITE_DONE) {
        fk_error_set(err, "%s: %s", path, sqlite3_errmsg(st->db));
        rc = (step & 0xff) == SQLITE_CONSTRAINT ? FK_ECONFLICT : FK_EIO;
        goto out;
    }
    rc = 0;
out:
    if (sql != NULL)
        sqlite3_free(sqlite3_str_finish(sql));
    sqlite3_free(text);
    sqlite3_finalize(s);
    return rc;
}
