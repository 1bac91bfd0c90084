/* schema_cache.h: the tables /rest/v1 serves, read once from SQLite's pragmas.
 *
 * PostgREST answers from a "schema cache" of tables, columns and keys; so does the fake. The
 * cache is built at start-up by running the auth schema and then the --schema file in a
 * private in-memory database: only the tables the --schema file created are exposed (never
 * auth_*). It is immutable afterwards, so handlers on any thread read it without a lock.
 * Identifiers in requests are checked against it before they are quoted into SQL. */
#ifndef SB_SCHEMA_CACHE_H
#define SB_SCHEMA_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "fake_supabase/ddl.h"
#include "fake_supabase/pgtype.h"
#include "fakekit/err.h"

/* SQLite's type affinity of a column (sqlite.org/datatype3.html section 3.1). */
enum sb_affinity { SB_AFF_TEXT, SB_AFF_INTEGER, SB_AFF_REAL, SB_AFF_NUMERIC, SB_AFF_BLOB };

struct sb_column {
    char *name;
    char *decl_type; /* as declared, "" when none */
    enum sb_affinity aff;
    bool is_bool;        /* declared BOOL/BOOLEAN: rendered as true/false */
    bool is_json;        /* declared JSON/JSONB: text rendered as embedded JSON */
    struct pg_type type; /* the PostgreSQL type of decl_type (pgtype.h) */
    bool notnull;
    bool has_default;
    int pk; /* 1-based position in the primary key, 0 if not part of it */
};

/* A primary key or unique constraint/index, named as PostgreSQL would name it:
 * "t_pkey", "t_a_b_key" for inline UNIQUE, the index name for CREATE UNIQUE INDEX. */
struct sb_unique {
    char *name;
    int *cols; /* column indexes */
    size_t ncols;
    bool primary;
    bool partial; /* a partial index (WHERE ...) cannot be an ON CONFLICT target */
};

struct sb_fkey {
    int from;    /* column index in this table */
    char *table; /* referenced table as stored ("auth_users") */
    char *to;    /* referenced column */
    char *name;  /* "t_col_fkey" */
};

/* A compiled row-level security policy (rls.h compiles and applies them; the cache only
 * holds and frees them). */
struct sb_policy {
    enum ddl_cmd cmd;
    unsigned roles; /* DDL_ROLE_* */
    bool restrictive;
    char *using_sql; /* NULL when the policy has no USING */
    char *check_sql; /* NULL when it has no WITH CHECK */
};

struct sb_table {
    char *name;
    struct sb_column *cols;
    size_t ncols;
    struct sb_unique *uniques;
    size_t nuniques;
    struct sb_fkey *fkeys;
    size_t nfkeys;
    /* The column that ties a row to a user for the authenticated role: "user_id", else a
     * column that references auth_users(id) (profiles.id); -1 when the table has none. */
    int owner_col;
    /* Every column, quoted as sb_sql_ident quotes them and comma-separated, in table order:
     * the select list of reads and RETURNING, made once. NULL: build it each time. */
    char *cols_sql;
    /* Row-level security (rls.h): enum sb_rls_mode, and the table's compiled policies. */
    int rls_mode;
    struct sb_policy *policies;
    size_t npolicies;
};

struct sb_schema {
    struct sb_table *tables;
    size_t ntables;
};

/* The fake's state (struct fk_service.init's *svc, req->svc in handlers). */
struct sb_svc {
    char *schema_sql;         /* auth schema + the --schema file, run when the store opens */
    struct sb_schema *schema; /* the --schema file's tables only */
};

/* Run base_sql (may be NULL) then extra_sql in a private ":memory:" database and cache the
 * tables that extra_sql created, in creation order. On failure *out is NULL and err holds
 * SQLite's message ("schema: near \"CREAT\": syntax error"). Caller frees with
 * sb_schema_free. */
int sb_schema_from_sql(const char *base_sql, const char *extra_sql, struct sb_schema **out,
                       struct fk_error *err) FK_MUST_CHECK;
void sb_schema_free(struct sb_schema *s); /* NULL-safe */
/* The same for PostgreSQL DDL read by ddl.h: base_sql then d->sqlite, then the policies
 * compiled onto the tables (rls.h; warnings appended to d->warnings). */
struct ddl_result;
int sb_schema_from_ddl(const char *base_sql, struct ddl_result *d, struct sb_schema **out,
                       struct fk_error *err) FK_MUST_CHECK;

/* The table named name, or NULL. Borrowed from s. */
const struct sb_table *sb_schema_table(const struct sb_schema *s, const char *name);
/* The closest table name when one is within a small edit distance (for PGRST205's hint),
 * else NULL. Borrowed from s. */
const char *sb_schema_suggest(const struct sb_schema *s, const char *name);
/* Index of column name in t, or -1. */
int sb_table_column(const struct sb_table *t, const char *name);
/* Index of the unique key whose column set equals cols (any order), or -1. */
int sb_table_unique_for(const struct sb_table *t, const int *cols, size_t ncols);

#endif
