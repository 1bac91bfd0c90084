/* postgrest_embed.c: resource embedding over the schema's foreign keys, one level deep.
 *
 * PostgREST v12.2 (src/PostgREST/Plan.hs findRel, ApiRequest/QueryParams.hs pRelationSelect):
 * select=*,rel(cols) embeds the rows of table rel related to each row through a foreign key,
 * either way: the row's table references rel (many-to-one: an object, or null) or rel
 * references the row's table (one-to-many: an array; one-to-one, an object, when rel's
 * referencing column is unique on its own). "alias:rel" renames the key, "rel!hint" picks the
 * foreign key by its constraint or column name, "rel!inner" keeps only rows whose embedding
 * is not empty (Plan.hs: an inner join), "!left" is the default. The embedded table's select
 * policies apply to the embedded rows as PostgreSQL applies them to PostgREST's subquery.
 * Embedded fields come after the row's own (QueryBuilder.hs readPlanToQuery).
 *
 * No relationship is Error.hs NoRelBetween: 400 PGRST200 "Could not find a relationship
 * between 'p' and 'c' in the schema cache", details "Searched for a foreign key relationship
 * between 'p' and 'c'[ using the hint 'h'] in the schema 'public', but no matches were
 * found.", hint null (PostgREST's is a fuzzy suggestion the fake does not compute).
 *
 * Not done (documented in README.md): nested embeddings, spreads ("...rel(*)"), filters,
 * order and limit on an embedded resource (rel.col=eq.x, rel.order=..., which are 42703
 * here), many-to-many through a join table, count aggregates, and the PGRST201 answer for two
 * relationships that fit (the first foreign key is taken). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_supabase/errors.h"
#include "fake_supabase/rest_ctx.h"

static int no_relationship(struct sb_ctx *c, const char *child, const char *hint)
{
    char msg[300], details[500];

    snprintf(msg, sizeof(msg),
             "Could not find a relationship between '%.100s' and '%.100s' in the schema cache",
             c->t->name, child);
    snprintf(details, sizeof(details),
             "Searched for a foreign key relationship between '%.100s' and '%.100s%s%.100s' in "
             "the schema 'public', but no matches were found.",
             c->t->name, child, hint[0] != '\0' ? "' using the hint '" : "", hint);
    return fk_answered(sb_pg_error(c->resp, 400, "PGRST200", msg, details, NULL));
}

static bool hint_fits(const char *hint, const struct sb_fkey *f, const struct sb_table *from)
{
    return hint[0] == '\0' || strcmp(hint, f->name) == 0 ||
           strcmp(hint, from->cols[f->from].name) == 0;
}

static bool unique_alone(const struct sb_table *t, int col)
{
    for (size_t i = 0; i < t->nuniques; i++)
        if (t->uniques[i].ncols == 1 && t->uniques[i].cols[0] == col && !t->uniques[i].partial)
            return true;
    return false;
}

/* The relationship between c->t and child (hint: "" or a constraint/column name) into e. */
static bool find_rel(const struct sb_ctx *c, const struct sb_table *child, const char *hint,
                     struct sb_embed *e)
{
    const struct sb_table *p = c->t;

    for (size_t i = 0; i < p->nfkeys; i++) { /* many-to-one: p.from references child.to */
        const struct sb_fkey *f = &p->fkeys[i];
        int to = strcmp(f->table, child->name) == 0 ? sb_table_column(child, f->to) : -1;
        if (to >= 0 && hint_fits(hint, f, p)) {
            *e = (struct sb_embed){NULL, child, f->from, to, true, false, {0}};
            return true;
        }
    }
    for (size_t i = 0; i < child->nfkeys; i++) { /* one-to-many: child.from references p.to */
        const struct sb_fkey *f = &child->fkeys[i];
        int to = strcmp(f->table, p->name) == 0 ? sb_table_column(p, f->to) : -1;
        if (to >= 0 && hint_fits(hint, f, child)) {
            *e = (struct sb_embed){NULL,  child, to, f->from, unique_alone(child, f->from),
                                   false, {0}};
            return true;
        }
    }
    return false;
}

/* One item "[alias:]rel[!hint][!inner|!left](select)" into e. FK_ANSWERED, 0, FK_ENOMEM. */
static int resolve(struct sb_ctx *c, const char *item, struct sb_embed *e)
{
    const char *open = strchr(item, '('), *colon = strchr(item, ':'), *name = item, *bang;
    const char *close = strrchr(item, ')');
    char rel[128], hint[128] = "", *sel;
    const struct sb_table *child;
    struct fk_kv arg = {"select", NULL};
    struct sb_qerr qe;
    bool inner = false;
    size_t len;
    int rc;

    if (colon != NULL && colon < open)
        name = colon + 1;
    len = strcspn(name, "!(");
    snprintf(rel, sizeof(rel), "%.*s", (int)(len < 100 ? len : 100), name);
    for (bang = name[len] == '!' ? name + len + 1 : NULL; bang != NULL;) {
        size_t n = strcspn(bang, "!(");
        if (n == 5 && strncmp(bang, "inner", 5) == 0)
            inner = true;
        else if (!(n == 4 && strncmp(bang, "left", 4) == 0))
            snprintf(hint, sizeof(hint), "%.*s", (int)(n < 100 ? n : 100), bang);
        bang = bang[n] == '!' ? bang + n + 1 : NULL;
    }
    child = strncmp(name, "...", 3) != 0 ? sb_schema_table(c->svc->schema, rel) : NULL;
    if (child == NULL || close == NULL || close < open || close[1] != '\0' ||
        !find_rel(c, child, hint, e))
        return no_relationship(c, strncmp(rel, "...", 3) == 0 ? rel + 3 : rel, hint);
    e->inner = inner;
    len = colon != NULL && colon < open ? (size_t)(colon - item) : strlen(rel);
    if ((e->name = strndup(colon != NULL && colon < open ? item : rel, len)) == NULL)
        return FK_ENOMEM;
    if ((sel = strndup(open + 1, (size_t)(close - open - 1))) == NULL)
        return FK_ENOMEM;
    arg.value = sel[0] != '\0' ? sel : (char *)"*";
    memset(&qe, 0, sizeof(qe));
    rc = sb_query_parse(child, &arg, 1, &e->q, &qe);
    free(sel);
    if (rc == 0 && e->q.nembed_items > 0)
        return fk_answered(sb_pg_error(c->resp, 400, "PGRST100",
                                       "fake_supabase embeds one level: nested embedding is "
                                       "not supported",
                                       NULL, NULL));
    return rc == FK_EINVAL ? fk_answered(sb_pg_qerr(c->resp, &qe)) : rc;
}

int sb_embed_resolve(struct sb_ctx *c)
{
    if (c->q.nembed_items == 0)
        return 0;
    c->embeds = calloc(c->q.nembed_items, sizeof(*c->embeds));
    if (c->embeds == NULL)
        return FK_ENOMEM;
    for (size_t i = 0; i < c->q.nembed_items; i++) {
        int rc = resolve(c, c->q.embed_items[i], &c->embeds[i]);
        c->nembeds = i + 1;
        if (rc != 0)
            return rc;
    }
    return 0;
}

void sb_embed_cleanup(struct sb_ctx *c)
{
    for (size_t i = 0; i < c->nembeds; i++) {
        free(c->embeds[i].name);
        sb_query_cleanup(&c->embeds[i].q);
    }
    free(c->embeds);
    c->embeds = NULL;
    c->nembeds = 0;
}

/* The context of embedding e of c: its table and select list, the caller, a read. */
static void child_ctx(const struct sb_ctx *c, const struct sb_embed *e, struct sb_ctx *k)
{
    memset(k, 0, sizeof(*k));
    k->svc = c->svc;
    k->t = e->child;
    k->caller = c->caller;
    k->q = e->q; /* borrowed: never cleaned up through k */
}

/* "FROM child WHERE <its policies> AND child.col = " */
static int child_from(const struct sb_ctx *c, const struct sb_embed *e, struct sb_sql *sql)
{
    struct sb_ctx k;
    int rc;

    child_ctx(c, e, &k);
    k.q.where = NULL;
    rc = sb_sql_raw(sql, " FROM ");
    if (rc == 0)
        rc = sb_sql_ident(sql, e->child->name);
    if (rc == 0)
        rc = sb_sql_raw(sql, " WHERE ");
    if (rc == 0)
        rc = sb_rest_where(&k, sql);
    if (rc == 0)
        rc = sb_sql_raw(sql, " AND ");
    if (rc == 0)
        rc = sb_sql_ident(sql, e->child->name);
    if (rc == 0)
        rc = sb_sql_raw(sql, ".");
    if (rc == 0)
        rc = sb_sql_ident(sql, e->child->cols[e->child_col].name);
    return rc == 0 ? sb_sql_raw(sql, " = ") : rc;
}

int sb_embed_where(struct sb_ctx *c, struct sb_sql *sql)
{
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < c->nembeds; i++) {
        if (!c->embeds[i].inner)
            continue;
        rc = sb_sql_raw(sql, " AND EXISTS (SELECT 1");
        if (rc == 0)
            rc = child_from(c, &c->embeds[i], sql);
        if (rc == 0)
            rc = sb_sql_ident(sql, c->t->name);
        if (rc == 0)
            rc = sb_sql_raw(sql, ".");
        if (rc == 0)
            rc = sb_sql_ident(sql, c->t->cols[c->embeds[i].parent_col].name);
        if (rc == 0)
            rc = sb_sql_raw(sql, ")");
    }
    return rc;
}

/* Append embedding e of the row whose key is v (SQLite value) as a JSON value. */
static int embed_value(const struct sb_ctx *c, const struct sb_embed *e, sqlite3_value *v,
                       struct fk_buf *out)
{
    struct sb_sql sql;
    struct sb_ctx k;
    sqlite3_stmt *st = NULL;
    int rc, step, n = 0;

    child_ctx(c, e, &k);
    sb_sql_init(&sql);
    rc = sb_sql_raw(&sql, "SELECT ");
    if (rc == 0)
        rc = sb_rest_all_columns(&sql, e->child);
    if (rc == 0)
        rc = child_from(c, e, &sql);
    if (rc == 0)
        rc = sb_sql_raw(&sql, "?"); /* bound last, below, to the row's key */
    if (rc == 0)
        rc = sb_sql_raw(&sql, " ORDER BY rowid");
    if (rc == 0 &&
        ((st = fk_store_stmt_text(c->req->store, fk_buf_str(&sql.text), sql.text.len)) == NULL ||
         sb_sql_bind(&sql, st) != SQLITE_OK ||
         sqlite3_bind_value(st, (int)sql.nparams + 1, v) != SQLITE_OK))
        rc = FK_EIO;
    if (rc == 0 && !e->to_one)
        rc = fk_buf_add(out, "[", 1);
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW && !(e->to_one && n > 0)) {
        if (n++ > 0)
            rc = fk_buf_add(out, ",", 1);
        if (rc == 0)
            rc = sb_rest_row_text(&k, st, out);
    }
    if (rc == 0 && e->to_one && n == 0)
        rc = fk_buf_add(out, "null", 4);
    if (rc == 0 && !e->to_one)
        rc = fk_buf_add(out, "]", 1);
    if (st != NULL)
        sqlite3_reset(st);
    sb_sql_cleanup(&sql);
    return rc;
}

int sb_embed_text(const struct sb_ctx *c, sqlite3_stmt *st, bool first, struct fk_buf *out)
{
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < c->nembeds; i++) {
        const struct sb_embed *e = &c->embeds[i];
        if (!first || i > 0)
            rc = fk_buf_add(out, ",", 1);
        if (rc == 0)
            rc = pg_json_string(out, e->name, strlen(e->name));
        if (rc == 0)
            rc = fk_buf_add(out, ":", 1);
        if (rc == 0)
            rc = embed_value(c, e, sqlite3_column_value(st, e->parent_col), out);
    }
    return rc;
}

int sb_embed_json(const struct sb_ctx *c, const cJSON *full, cJSON *row)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;

    /* the written row's key, as SQLite holds it: one SELECT over the row's values binds it */
    for (size_t i = 0; rc == 0 && i < c->nembeds; i++) {
        const struct sb_embed *e = &c->embeds[i];
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(full, c->t->cols[e->parent_col].name);
        struct fk_buf b;
        cJSON *v;
        if ((st = fk_store_stmt(c->req->store, "SELECT ?")) == NULL)
            return FK_EIO;
        if (cJSON_IsString(k))
            sqlite3_bind_text(st, 1, k->valuestring, -1, SQLITE_TRANSIENT);
        else if (cJSON_IsNumber(k) && k->valuedouble == (double)(long long)k->valuedouble)
            sqlite3_bind_int64(st, 1, (long long)k->valuedouble);
        else if (cJSON_IsNumber(k))
            sqlite3_bind_double(st, 1, k->valuedouble);
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_reset(st);
            return FK_EIO;
        }
        fk_buf_init(&b, SIZE_MAX);
        rc = embed_value(c, e, sqlite3_column_value(st, 0), &b);
        sqlite3_reset(st);
        v = rc == 0 ? cJSON_ParseWithLength(fk_buf_str(&b), b.len) : NULL;
        fk_buf_cleanup(&b);
        if (rc == 0 && (v == NULL || !cJSON_AddItemToObject(row, e->name, v))) {
            cJSON_Delete(v);
            rc = FK_ENOMEM;
        }
    }
    return rc;
}
