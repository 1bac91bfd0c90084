/* fuzz_pgrst.c: PostgREST query strings (fake_supabase/filter*.c): select lists, filters with
 * every operator, or/and/not groups, in lists, quoting, order, limit, offset, on_conflict,
 * columns; then the SQL written from the parse.
 *
 * Input: a raw query string ("select=id,n:name&or=(a.eq.1,b.in.(x,\"y,z\"))&order=a.desc").
 * It is decoded as the server decodes it (fk_form_decode) and parsed against a table with
 * one column of each affinity. On success the statement
 *   SELECT <select list> FROM "t" WHERE <filters> <order>
 * must prepare in SQLite (identifiers quoted, values only as placeholders), have exactly as
 * many placeholders as parameters, and run over a few rows; a failure to parse must say why
 * with a PostgREST code and a 4xx status. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fake_supabase/filter.h"
#include "fake_supabase/schema_cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char schema[] =
    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, score REAL, "
    "ok BOOLEAN, doc JSONB, n NUMERIC, blob BLOB, \"we\"\"ird col\" TEXT);";
static const char rows[] = "INSERT INTO t VALUES (1, 'a', 1.5, 1, '{\"k\":1}', 3, x'00', 'w');"
                           "INSERT INTO t VALUES (2, 'b%_*', NULL, 0, NULL, NULL, NULL, NULL);";

static struct sb_schema *cache;
static sqlite3 *db;

static void setup(void)
{
    struct fk_error err = {{0}};

    if (sb_schema_from_sql(NULL, schema, &cache, &err) != 0 ||
        sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, rows, NULL, NULL, NULL) != SQLITE_OK)
        abort();
}

static void run_sql(const struct sb_table *t, const struct sb_query *q)
{
    struct sb_sql sql;
    sqlite3_stmt *st = NULL;
    int rc;

    sb_sql_init(&sql);
    rc = sb_sql_raw(&sql, "SELECT ");
    if (rc == 0) /* a select of embeddings only has no column of t (postgrest_embed.c) */
        rc = q->nsel > 0 ? sb_sql_select_list(&sql, t, q) : sb_sql_raw(&sql, "1");
    if (rc == 0)
        rc = sb_sql_raw(&sql, " FROM \"t\" WHERE ");
    if (rc == 0)
        rc = sb_sql_where(&sql, t, q->where);
    if (rc == 0)
        rc = sb_sql_order(&sql, t, q);
    if (rc != 0) {
        sb_sql_cleanup(&sql); /* too large (SB_SQL_MAX / SB_MAX_PARAMS) */
        return;
    }
    if (sqlite3_prepare_v2(db, sql.text.data, (int)sql.text.len, &st, NULL) != SQLITE_OK) {
        /* Too many terms or too deep an expression are SQLite limits, not injection. */
        const char *m = sqlite3_errmsg(db);
        if (strstr(m, "too many") == NULL && strstr(m, "too deep") == NULL &&
            strstr(m, "too large") == NULL && strstr(m, "too big") == NULL)
            abort();
    } else {
        if ((size_t)sqlite3_bind_parameter_count(st) != sql.nparams)
            abort();
        if (sb_sql_bind(&sql, st) != SQLITE_OK)
            abort();
        for (int i = 0; i < 4 && sqlite3_step(st) == SQLITE_ROW; i++)
            ;
    }
    sqlite3_finalize(st);
    sb_sql_cleanup(&sql);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fk_kv *args = NULL;
    size_t nargs = 0;
    struct sb_query q;
    struct sb_qerr err;

    if (cache == NULL)
        setup();
    if (fk_form_decode((const char *)data, size, FK_MAX_ARGS, &args, &nargs) != 0)
        return 0;
    memset(&q, 0, sizeof(q));
    memset(&err, 0, sizeof(err));
    const struct sb_table *t = &cache->tables[0];
    int rc = sb_query_parse(t, args, nargs, &q, &err);
    if (rc == 0) {
        for (size_t i = 0; i < q.nsel; i++)
            if (q.sel[i].col < 0 || (size_t)q.sel[i].col >= t->ncols)
                abort();
        run_sql(t, &q);
    } else if (rc == FK_EINVAL) {
        if (err.status < 400 || err.status > 499 || err.code[0] == '\0' || err.message[0] == '\0')
            abort();
    } else if (rc != FK_ENOMEM) {
        abort();
    }
    /* The LIKE translation is used on every like/ilike value: any text must convert. */
    for (size_t i = 0; i < nargs && i < 4; i++) {
        char *g = sb_like_to_glob(args[i].value, (i & 1) != 0);
        if (g == NULL)
            abort();
        free(g);
    }
    sb_query_cleanup(&q);
    free(args);
    return 0;
}
