/* schema_cache.c: tables, columns and keys of the --schema file, from SQLite's pragmas.
 *
 * The schema is replayed in a private in-memory database, so the cache exists before the
 * fake's store opens and a broken schema file is a start-up error with SQLite's message.
 * Constraint names follow PostgreSQL's defaults (t_pkey, t_col_key, t_col_fkey), because
 * PostgREST's error messages quote them (docs/reference/supabase.md section 3, error bodies). */
#include "fake_supabase/schema_cache.h"

#include "fake_supabase/filter_jpath.h"
#include "fake_supabase/filter_regex.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_supabase/pgtype.h"
#include "fakekit/text.h"

static char *dup_str(const char *s)
{
    return strdup(s != NULL ? s : "");
}

static bool has_word(const char *upper, const char *w)
{
    return strstr(upper, w) != NULL;
}

/* sqlite.org/datatype3.html 3.1: the rules are applied in this order. */
static void set_affinity(struct sb_column *c)
{
    char up[128];
    size_t i;

    for (i = 0; i + 1 < sizeof(up) && c->decl_type[i] != '\0'; i++)
        up[i] = (char)toupper((unsigned char)c->decl_type[i]);
    up[i] = '\0';
    if (has_word(up, "INT"))
        c->aff = SB_AFF_INTEGER;
    else if (has_word(up, "CHAR") || has_word(up, "CLOB") || has_word(up, "TEXT"))
        c->aff = SB_AFF_TEXT;
    else if (has_word(up, "BLOB") || up[0] == '\0')
        c->aff = SB_AFF_BLOB;
    else if (has_word(up, "REAL") || has_word(up, "FLOA") || has_word(up, "DOUB"))
        c->aff = SB_AFF_REAL;
    else
        c->aff = SB_AFF_NUMERIC;
    c->is_bool = has_word(up, "BOOL");
    c->is_json = has_word(up, "JSON");
}

static void table_cleanup(struct sb_table *t)
{
    for (size_t i = 0; i < t->ncols; i++) {
        free(t->cols[i].name);
        free(t->cols[i].decl_type);
    }
    for (size_t i = 0; i < t->nuniques; i++) {
        free(t->uniques[i].name);
        free(t->uniques[i].cols);
    }
    for (size_t i = 0; i < t->nfkeys; i++) {
        free(t->fkeys[i].table);
        free(t->fkeys[i].to);
        free(t->fkeys[i].name);
    }
    free(t->cols);
    free(t->uniques);
    free(t->fkeys);
    free(t->name);
    free(t->cols_sql);
    for (size_t i = 0; i < t->npolicies; i++) {
        free(t->policies[i].using_sql);
        free(t->policies[i].check_sql);
    }
    free(t->policies);
}

void sb_schema_free(struct sb_schema *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->ntables; i++)
        table_cleanup(&s->tables[i]);
    free(s->tables);
    free(s);
}

static int load_columns(sqlite3 *db, struct sb_table *t)
{
    sqlite3_stmt *st = NULL;
    int rc = FK_EIO;

    if (sqlite3_prepare_v2(db,
                           "SELECT name, type, \"notnull\", dflt_value IS NOT NULL, pk "
                           "FROM pragma_table_info(?1) ORDER BY cid",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) {
        struct sb_column *grown = realloc(t->cols, (t->ncols + 1) * sizeof(*grown));
        struct sb_column *c;
        if (grown == NULL) {
            rc = FK_ENOMEM;
            goto out;
        }
        t->cols = grown;
        c = &t->cols[t->ncols];
        memset(c, 0, sizeof(*c));
        c->name = dup_str((const char *)sqlite3_column_text(st, 0));
        c->decl_type = dup_str((const char *)sqlite3_column_text(st, 1));
        t->ncols++;
        if (c->name == NULL || c->decl_type == NULL) {
            rc = FK_ENOMEM;
            goto out;
        }
        c->notnull = sqlite3_column_int(st, 2) != 0;
        c->has_default = sqlite3_column_int(st, 3) != 0;
        c->pk = sqlite3_column_int(st, 4);
        c->notnull |= c->pk > 0; /* PostgreSQL's primary keys are NOT NULL; SQLite's only for
                                    INTEGER PRIMARY KEY (postgrest_write.c checks the rest) */
        set_affinity(c);
    }
    rc = 0;
    {
        const char *decls[512];
        size_t n = t->ncols < 512 ? t->ncols : 512;
        for (size_t i = 0; i < n; i++)
            decls[i] = t->cols[i].decl_type;
        for (size_t i = 0; i < t->ncols; i++) /* the PostgreSQL type (pgtype.h) */
            pg_type_parse(t->cols[i].decl_type, pg_table_is_legacy(decls, n), &t->cols[i].type);
    }
out:
    sqlite3_finalize(st);
    return rc;
}

/* Append a unique key; takes ownership of name and cols (even on failure). */
static int add_unique(struct sb_table *t, char *name, int *cols, size_t ncols, bool primary,
                      bool partial)
{
    struct sb_unique *grown = NULL;

    if (name != NULL && cols != NULL)
        grown = realloc(t->uniques, (t->nuniques + 1) * sizeof(*grown));
    if (grown == NULL) {
        free(name);
        free(cols);
        return FK_ENOMEM;
    }
    t->uniques = grown;
    grown[t->nuniques++] = (struct sb_unique){name, cols, ncols, primary, partial};
    return 0;
}

static int add_primary(struct sb_table *t)
{
    size_t n = 0;
    int *cols;
    char name[256];

    for (size_t i = 0; i < t->ncols; i++)
        n += t->cols[i].pk > 0;
    if (n == 0)
        return 0;
    cols = calloc(n, sizeof(*cols));
    for (size_t i = 0; cols != NULL && i < t->ncols; i++)
        if (t->cols[i].pk > 0 && (size_t)t->cols[i].pk <= n)
            cols[t->cols[i].pk - 1] = (int)i;
    snprintf(name, sizeof(name), "%s_pkey", t->name);
    return add_unique(t, strdup(name), cols, n, true, false);
}

/* Columns of one index; -1 (FK_EINVAL) for expression indexes, which no request can name. */
static int index_columns(sqlite3 *db, const char *index, int **cols, size_t *ncols)
{
    sqlite3_stmt *st = NULL;
    int rc = FK_EIO;

    *cols = NULL;
    *ncols = 0;
    if (sqlite3_prepare_v2(db, "SELECT cid FROM pragma_index_info(?1) ORDER BY seqno", -1, &st,
                           NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, index, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int cid = sqlite3_column_int(st, 0);
        int *grown;
        if (cid < 0) {
            rc = FK_EINVAL;
            goto out;
        }
        grown = realloc(*cols, (*ncols + 1) * sizeof(*grown));
        if (grown == NULL) {
            rc = FK_ENOMEM;
            goto out;
        }
        *cols = grown;
        grown[(*ncols)++] = cid;
    }
    rc = 0;
out:
    if (rc != 0) {
        free(*cols);
        *cols = NULL;
        *ncols = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

static int load_uniques(sqlite3 *db, struct sb_table *t)
{
    sqlite3_stmt *st = NULL;
    int rc = add_primary(t);

    if (rc != 0)
        return rc;
    if (sqlite3_prepare_v2(db,
                           "SELECT name, origin, partial FROM pragma_index_list(?1) "
                           "WHERE \"unique\" = 1 AND origin <> 'pk' ORDER BY seq DESC",
                           -1, &st, NULL) != SQLITE_OK)
        return FK_EIO;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_TRANSIENT);
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        const char *iname = (const char *)sqlite3_column_text(st, 0);
        const char *origin = (const char *)sqlite3_column_text(st, 1);
        bool partial = sqlite3_column_int(st, 2) != 0;
        int *cols = NULL;
        size_t ncols = 0;
        char name[256];
        int r = index_columns(db, iname, &cols, &ncols);

        if (r == FK_EINVAL)
            continue;
        if (r != 0) {
            rc = r;
            break;
        }
        if (origin != NULL && strcmp(origin, "u") == 0) {
            size_t len = (size_t)snprintf(name, sizeof(name), "%s", t->name);
            for (size_t i = 0; i < ncols && len < sizeof(name); i++)
                len +=
                    (size_t)snprintf(name + len, sizeof(name) - len, "_%s", t->cols[cols[i]].name);
            if (len < sizeof(name))
                snprintf(name + len, sizeof(name) - len, "_key");
        } else {
            snprintf(name, sizeof(name), "%s", iname);
        }
        rc = add_unique(t, strdup(name), cols, ncols, false, partial);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The referenced column when a REFERENCES clause names none: the parent's primary key. */
static char *parent_pk(sqlite3 *db, const char *table)
{
    sqlite3_stmt *st = NULL;
    char *name = NULL;

    if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1) WHERE pk = 1", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_ROW)
            name = dup_str((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return name != NULL ? name : strdup("id");
}

static int load_fkeys(sqlite3 *db, struct sb_table *t)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;

    if (sqlite3_prepare_v2(db,
                           "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) "
                           "ORDER BY id DESC, seq",
                           -1, &st, NULL) != SQLITE_OK)
        return FK_EIO;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_TRANSIENT);
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        const char *parent = (const char *)sqlite3_column_text(st, 0);
        int from = sb_table_column(t, (const char *)sqlite3_column_text(st, 1));
        const char *to = (const char *)sqlite3_column_text(st, 2);
        struct sb_fkey *grown, *fk;
        char name[256];

        if (from < 0 || parent == NULL)
            continue;
        grown = realloc(t->fkeys, (t->nfkeys + 1) * sizeof(*grown));
        if (grown == NULL)
            return FK_ENOMEM;
        t->fkeys = grown;
        fk = &grown[t->nfkeys++];
        snprintf(name, sizeof(name), "%s_%s_fkey", t->name, t->cols[from].name);
        fk->from = from;
        fk->table = strdup(parent);
        fk->to = to != NULL ? strdup(to) : parent_pk(db, parent);
        fk->name = strdup(name);
        if (fk->table == NULL || fk->to == NULL || fk->name == NULL)
            rc = FK_ENOMEM;
    }
    sqlite3_finalize(st);
    return rc;
}

static void pick_owner(struct sb_table *t)
{
    t->owner_col = sb_table_column(t, "user_id");
    for (size_t i = 0; t->owner_col < 0 && i < t->nfkeys; i++)
        if (strcmp(t->fkeys[i].table, "auth_users") == 0 && strcmp(t->fkeys[i].to, "id") == 0)
            t->owner_col = t->fkeys[i].from;
}

/* t->cols_sql: "a", "b" with each embedded '"' doubled, as sb_sql_ident writes names. */
static int make_cols_sql(struct sb_table *t)
{
    size_t n = 1;
    char *p;

    for (size_t i = 0; i < t->ncols; i++) {
        n += strlen(t->cols[i].name) + 4; /* quotes and ", " */
        for (const char *c = t->cols[i].name; *c != '\0'; c++)
            n += *c == '"';
    }
    t->cols_sql = p = malloc(n);
    if (p == NULL)
        return FK_ENOMEM;
    for (size_t i = 0; i < t->ncols; i++) {
        if (i > 0) {
            *p++ = ',';
            *p++ = ' ';
        }
        *p++ = '"';
        for (const char *c = t->cols[i].name; *c != '\0'; c++) {
            *p++ = *c;
            if (*c == '"')
                *p++ = '"';
        }
        *p++ = '"';
    }
    *p = '\0';
    return 0;
}

static int load_table(sqlite3 *db, const char *name, struct sb_table *t)
{
    int rc;

    memset(t, 0, sizeof(*t));
    t->owner_col = -1;
    t->name = strdup(name);
    if (t->name == NULL)
        return FK_ENOMEM;
    rc = load_columns(db, t);
    if (rc == 0)
        rc = load_uniques(db, t);
    if (rc == 0)
        rc = load_fkeys(db, t);
    if (rc == 0)
        pick_owner(t);
    if (rc == 0)
        rc = make_cols_sql(t);
    return rc;
}

static int table_names(sqlite3 *db, char ***names, int *n)
{
    int cols = 0;

    return sqlite3_get_table(db,
                             "SELECT name FROM sqlite_master WHERE type = 'table' AND name "
                             "NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
                             names, n, &cols, NULL) == SQLITE_OK
               ? 0
               : FK_EIO;
}

static bool in_names(char **names, int n, const char *name)
{
    for (int i = 1; i <= n; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

int sb_schema_from_sql(const char *base_sql, const char *extra_sql, struct sb_schema **out,
                       struct fk_error *err)
{
    sqlite3 *db = NULL;
    char *msg = NULL, **before = NULL, **after = NULL;
    int nbefore = 0, nafter = 0, rc = FK_EIO;
    struct sb_schema *s = calloc(1, sizeof(*s));

    *out = NULL;
    pg_sqlite_auto(); /* the type layer's functions on this and every later connection */
    sb_jpath_auto();  /* and PostgREST's JSON paths (filter_jpath.h) */
    sb_regex_auto();  /* and match/imatch (filter_regex.h) */
    if (s == NULL || sqlite3_open(":memory:", &db) != SQLITE_OK) {
        fk_error_set(err, "schema: out of memory");
        rc = FK_ENOMEM;
        goto out;
    }
    /* "x" is an identifier, never a string (sqlite.org/quirks.html#dblquote): a check or an
     * index naming a column the table lacks fails here, as PostgreSQL's 42703 would */
    (void)sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DDL, 0, (int *)NULL);
    (void)sqlite3_db_config(db, SQLITE_DBCONFIG_DQS_DML, 0, (int *)NULL);
    if ((base_sql != NULL && sqlite3_exec(db, base_sql, NULL, NULL, &msg) != SQLITE_OK) ||
        table_names(db, &before, &nbefore) != 0 ||
        sqlite3_exec(db, extra_sql != NULL ? extra_sql : "", NULL, NULL, &msg) != SQLITE_OK ||
        table_names(db, &after, &nafter) != 0) {
        fk_error_set(err, "schema: %s", msg != NULL ? msg : sqlite3_errmsg(db));
        rc = FK_EINVAL;
        goto out;
    }
    s->tables = calloc((size_t)nafter + 1, sizeof(*s->tables));
    if (s->tables == NULL) {
        rc = FK_ENOMEM;
        goto out;
    }
    rc = 0;
    for (int i = 1; rc == 0 && i <= nafter; i++) {
        if (in_names(before, nbefore, after[i]))
            continue;
        rc = load_table(db, after[i], &s->tables[s->ntables]);
        s->ntables++;
    }
    if (rc != 0)
        fk_error_set(err, "schema: cannot read the tables (%s)", fk_strerror(rc));
out:
    sqlite3_free(msg);
    sqlite3_free_table(before);
    sqlite3_free_table(after);
    sqlite3_close(db);
    if (rc == 0)
        *out = s;
    else
        sb_schema_free(s);
    return rc;
}

const struct sb_table *sb_schema_table(const struct sb_schema *s, const char *name)
{
    for (size_t i = 0; s != NULL && name != NULL && i < s->ntables; i++)
        if (strcmp(s->tables[i].name, name) == 0)
            return &s->tables[i];
    return NULL;
}

const char *sb_schema_suggest(const struct sb_schema *s, const char *name)
{
    const char *best = NULL;
    size_t bestd = 3; /* more than two edits away is not "perhaps you meant" */

    for (size_t i = 0; s != NULL && i < s->ntables; i++) {
        size_t d = fk_edit_distance(name, s->tables[i].name, false);
        if (d < bestd) {
            bestd = d;
            best = s->tables[i].name;
        }
    }
    return best;
}

int sb_table_column(const struct sb_table *t, const char *name)
{
    for (size_t i = 0; name != NULL && i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

int sb_table_unique_for(const struct sb_table *t, const int *cols, size_t ncols)
{
    for (size_t u = 0; u < t->nuniques; u++) {
        const struct sb_unique *k = &t->uniques[u];
        size_t hit = 0;
        if (k->ncols != ncols)
            continue;
        for (size_t i = 0; i < ncols; i++)
            for (size_t j = 0; j < k->ncols; j++)
                hit += cols[i] == k->cols[j];
        if (hit == ncols)
            return (int)u;
    }
    return -1;
}
