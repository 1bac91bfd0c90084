/* ddl_alter.c: alter table, create index, create policy, create type ... as enum, drop
 * (ddl.h). Each changes the reader's model; the SQLite DDL is written once at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_supabase/ddl_int.h"

int ddl_alter_table(struct ddl_p *p);
int ddl_create_index(struct ddl_p *p);
int ddl_create_policy(struct ddl_p *p);
int ddl_create_type(struct ddl_p *p);
int ddl_drop(struct ddl_p *p);

/* [schema.]name of a table: *t NULL (and a warning, the statement skipped) when the schema is
 * not public; an error when a public table does not exist (unless if_exists). */
static int table_ref(struct ddl_p *p, size_t start, bool if_exists, struct ddl_table **t)
{
    const struct ddl_tok *at = ddl_peek(p, 0);
    char *schema = NULL, *name = NULL;
    int rc = ddl_qname(p, &schema, &name);

    *t = NULL;
    if (rc == 0 && !ddl_is_public(schema))
        rc = ddl_warn_skip(p, start);
    else if (rc == 0 && (*t = ddl_table_find(p->r, name)) == NULL && !if_exists)
        rc = ddl_fail_at(p, at, "relation \"%s\" does not exist", name);
    else if (rc == 0 && *t == NULL)
        p->i = p->end;
    free(schema);
    free(name);
    return rc;
}

static bool accept_if_exists(struct ddl_p *p)
{
    if (!ddl_is_kw(ddl_peek(p, 0), "if") || !ddl_is_kw(ddl_peek(p, 1), "exists"))
        return false;
    p->i += 2;
    return true;
}

static bool accept_if_not_exists(struct ddl_p *p)
{
    if (!ddl_is_kw(ddl_peek(p, 0), "if") || !ddl_is_kw(ddl_peek(p, 1), "not") ||
        !ddl_is_kw(ddl_peek(p, 2), "exists"))
        return false;
    p->i += 3;
    return true;
}

/* "from" -> "to" in the SQL text of b (checks, generated columns, index columns). */
static int replace_ident(struct fk_buf *b, const char *from, const char *to)
{
    struct fk_buf q, out;
    int rc;

    fk_buf_init(&q, DDL_SQL_MAX);
    fk_buf_init(&out, DDL_SQL_MAX);
    rc = ddl_ident(&q, from);
    for (const char *s = fk_buf_str(b), *hit; rc == 0 && *s != '\0'; s = hit + q.len) {
        hit = strstr(s, fk_buf_str(&q));
        if (hit == NULL) {
            rc = fk_buf_addstr(&out, s);
            break;
        }
        rc = fk_buf_add(&out, s, (size_t)(hit - s));
        if (rc == 0)
            rc = ddl_ident(&out, to);
    }
    if (rc == 0) {
        fk_buf_reset(b);
        rc = fk_buf_add(b, out.data != NULL ? out.data : "", out.len);
    }
    fk_buf_cleanup(&q);
    fk_buf_cleanup(&out);
    return rc;
}

/* A renamed column: its table's checks and indexes refer to it by the new name. */
static int rename_refs(struct ddl_reader *r, struct ddl_table *t, const char *from, const char *to)
{
    int rc = replace_ident(&t->cons, from, to);

    for (size_t i = 0; rc == 0 && i < t->ncols; i++)
        rc = replace_ident(&t->cols[i].extra, from, to);
    for (size_t i = 0; rc == 0 && i < r->nindexes; i++) {
        struct fk_buf b;
        if (strcmp(r->indexes[i].table, t->name) != 0)
            continue;
        fk_buf_init(&b, DDL_SQL_MAX);
        rc = fk_buf_addstr(&b, r->indexes[i].sql);
        if (rc == 0)
            rc = replace_ident(&b, from, to);
        if (rc == 0) {
            free(r->indexes[i].sql);
            r->indexes[i].sql = fk_buf_take(&b, NULL);
            rc = r->indexes[i].sql != NULL ? 0 : FK_ENOMEM;
        }
        fk_buf_cleanup(&b);
    }
    return rc;
}

static int alter_column(struct ddl_p *p, struct ddl_table *t)
{
    const struct ddl_tok *at = ddl_peek(p, 0);
    char *name = NULL;
    struct ddl_col *c;
    int rc = ddl_name(p, &name);

    c = rc == 0 ? ddl_col_find(t, name) : NULL;
    if (rc == 0 && c == NULL)
        rc = ddl_fail_at(p, at, "column \"%s\" of relation \"%s\" does not exist", name, t->name);
    free(name);
    if (rc != 0)
        return rc;
    if (ddl_accept_kw(p, "drop")) {
        if (ddl_accept_kw(p, "default")) {
            free(c->dflt);
            c->dflt = NULL;
            return 0;
        }
        if ((rc = ddl_expect_kw(p, "not")) == 0 && (rc = ddl_expect_kw(p, "null")) == 0)
            c->notnull = false;
        return rc;
    }
    if (ddl_accept_kw(p, "set")) {
        if (ddl_accept_kw(p, "default")) {
            size_t from = p->i;
            int depth = 0;
            while (ddl_peek(p, 0)->kind != DDL_T_EOF &&
                   !(depth == 0 && ddl_is_op(ddl_peek(p, 0), ","))) {
                depth += ddl_is_op(ddl_peek(p, 0), "(") + ddl_is_op(ddl_peek(p, 0), "[") -
                         ddl_is_op(ddl_peek(p, 0), ")") - ddl_is_op(ddl_peek(p, 0), "]");
                p->i++;
            }
            free(c->dflt);
            c->dflt = NULL;
            return ddl_default_sql(p, from, p->i, c, &c->dflt);
        }
        if (ddl_accept_kw(p, "not")) {
            c->notnull = true;
            return ddl_expect_kw(p, "null");
        }
        if (!ddl_accept_kw(p, "data"))
            return 1;
    }
    if (ddl_accept_kw(p, "type")) {
        rc = ddl_type(p, &c->type);
        if (rc == 0 && ddl_accept_kw(p, "using"))
            while (ddl_peek(p, 0)->kind != DDL_T_EOF && !ddl_is_op(ddl_peek(p, 0), ","))
                p->i = ddl_is_op(ddl_peek(p, 0), "(") ? ddl_close_paren(p, p->i) + 1 : p->i + 1;
        return rc;
    }
    return 1;
}

static int drop_column(struct ddl_p *p, struct ddl_table *t)
{
    bool if_exists = accept_if_exists(p);
    const struct ddl_tok *at = ddl_peek(p, 0);
    char *name = NULL;
    struct ddl_col *c;
    int rc = ddl_name(p, &name);

    c = rc == 0 ? ddl_col_find(t, name) : NULL;
    if (rc == 0 && c == NULL && !if_exists)
        rc = ddl_fail_at(p, at, "column \"%s\" of relation \"%s\" does not exist", name, t->name);
    free(name);
    if (rc == 0 && c != NULL) {
        size_t k = (size_t)(c - t->cols);
        ddl_col_cleanup(c);
        memmove(c, c + 1, (t->ncols - k - 1) * sizeof(*c));
        t->ncols--;
    }
    if (rc == 0 && !ddl_accept_kw(p, "cascade"))
        (void)ddl_accept_kw(p, "restrict");
    return rc;
}

/* One action of alter table; 1 when it is not one the reader honours. */
static int alter_action(struct ddl_p *p, struct ddl_table *t)
{
    static const char *const cons[] = {"constraint", "primary", "unique",
                                       "check",      "foreign", "exclude"};

    if (ddl_accept_kw(p, "add")) {
        for (size_t i = 0; i < sizeof(cons) / sizeof(*cons); i++)
            if (ddl_is_kw(ddl_peek(p, 0), cons[i]))
                return ddl_table_constraint(p, t);
        (void)ddl_accept_kw(p, "column");
        if (accept_if_not_exists(p) && ddl_is_name(ddl_peek(p, 0)) &&
            ddl_col_find(t, ddl_peek(p, 0)->text) != NULL) {
            while (ddl_peek(p, 0)->kind != DDL_T_EOF && !ddl_is_op(ddl_peek(p, 0), ","))
                p->i = ddl_is_op(ddl_peek(p, 0), "(") ? ddl_close_paren(p, p->i) + 1 : p->i + 1;
            return 0;
        }
        return ddl_column_def(p, t);
    }
    if (ddl_is_kw(ddl_peek(p, 0), "drop") && !ddl_is_kw(ddl_peek(p, 1), "constraint")) {
        p->i++;
        (void)ddl_accept_kw(p, "column");
        return drop_column(p, t);
    }
    if (ddl_accept_kw(p, "alter")) {
        (void)ddl_accept_kw(p, "column");
        return alter_column(p, t);
    }
    if (ddl_is_kw(ddl_peek(p, 0), "enable") || ddl_is_kw(ddl_peek(p, 0), "disable") ||
        ddl_is_kw(ddl_peek(p, 0), "force") ||
        (ddl_is_kw(ddl_peek(p, 0), "no") && ddl_is_kw(ddl_peek(p, 1), "force"))) {
        bool enable = ddl_is_kw(ddl_peek(p, 0), "enable"),
             toggle = !ddl_is_kw(ddl_peek(p, 0), "no") && !ddl_is_kw(ddl_peek(p, 0), "force");
        int rc;
        p->i += ddl_is_kw(ddl_peek(p, 0), "no") ? 2 : 1;
        if ((rc = ddl_expect_kw(p, "row")) == 0 && (rc = ddl_expect_kw(p, "level")) == 0 &&
            (rc = ddl_expect_kw(p, "security")) == 0 && toggle)
            t->rls = enable;
        return rc;
    }
    if (ddl_accept_kw(p, "rename")) {
        char *from = NULL, *to = NULL;
        int rc = 0;
        if (ddl_accept_kw(p, "to")) {
            rc = ddl_name(p, &to);
            if (rc == 0 && ddl_table_find(p->r, to) != NULL)
                rc = ddl_fail_at(p, ddl_peek(p, 0), "relation \"%s\" already exists", to);
            for (size_t i = 0; rc == 0 && i < p->r->npolicies; i++)
                if (strcmp(p->r->policies[i].table, t->name) == 0) {
                    free(p->r->policies[i].table);
                    if ((p->r->policies[i].table = strdup(to)) == NULL)
                        rc = FK_ENOMEM;
                }
            for (size_t i = 0; rc == 0 && i < p->r->nindexes; i++) {
                struct ddl_index *ix = &p->r->indexes[i];
                struct fk_buf b;
                if (strcmp(ix->table, t->name) != 0)
                    continue;
                fk_buf_init(&b, DDL_SQL_MAX);
                rc = fk_buf_addstr(&b, ix->sql);
                if (rc == 0)
                    rc = replace_ident(&b, t->name, to);
                free(ix->sql);
                free(ix->table);
                ix->sql = fk_buf_take(&b, NULL);
                ix->table = strdup(to);
                if (rc == 0 && (ix->sql == NULL || ix->table == NULL))
                    rc = FK_ENOMEM;
                fk_buf_cleanup(&b);
            }
            if (rc == 0) {
                free(t->name);
                t->name = to;
                to = NULL;
            }
            free(to);
            return rc;
        }
        if (ddl_is_kw(ddl_peek(p, 0), "constraint"))
            return 1;
        (void)ddl_accept_kw(p, "column");
        const struct ddl_tok *at = ddl_peek(p, 0);
        struct ddl_col *c;
        if ((rc = ddl_name(p, &from)) == 0 && (rc = ddl_expect_kw(p, "to")) == 0)
            rc = ddl_name(p, &to);
        c = rc == 0 ? ddl_col_find(t, from) : NULL;
        if (rc == 0 && c == NULL)
            rc = ddl_fail_at(p, at, "column \"%s\" does not exist", from);
        if (rc == 0) {
            free(c->name);
            c->name = to;
            to = NULL;
            rc = rename_refs(p->r, t, from, c->name);
        }
        free(from);
        free(to);
        return rc;
    }
    return 1;
}

int ddl_alter_table(struct ddl_p *p)
{
    size_t start = p->i - 2, action;
    struct ddl_table *t = NULL;
    bool if_exists = accept_if_exists(p);
    int rc;

    (void)ddl_accept_kw(p, "only");
    rc = table_ref(p, start, if_exists, &t);
    while (rc == 0 && t != NULL) {
        action = p->i;
        rc = alter_action(p, t);
        if (rc == 1) {
            rc = ddl_warn_skip(p, action);
            break;
        }
        if (rc == 0 && !ddl_accept_op(p, ","))
            break;
    }
    return rc;
}

/* Index elements: "col [asc|desc] [nulls first|last]", "(expr)", "f(col)"; opclasses and
 * collations dropped. 1 when an element cannot be given to SQLite. */
static int index_elements(struct ddl_p *p, size_t open, size_t close, struct fk_buf *out,
                          const struct ddl_tok **bad)
{
    int rc = 0;

    for (size_t k = open + 1; rc == 0 && k < close;) {
        size_t e = k, stop;
        int depth = 0;
        while (e < close && !(depth == 0 && ddl_is_op(&p->t[e], ","))) {
            depth += ddl_is_op(&p->t[e], "(") - ddl_is_op(&p->t[e], ")");
            e++;
        }
        stop = e;
        for (;;) {
            const struct ddl_tok *last = &p->t[stop - 1];
            if (stop - 1 > k &&
                (ddl_is_kw(last, "asc") || ddl_is_kw(last, "desc") || ddl_is_kw(last, "first") ||
                 ddl_is_kw(last, "last") || ddl_is_kw(last, "nulls") ||
                 (last->kind == DDL_T_IDENT && strstr(last->text, "_ops") != NULL)))
                stop--;
            else if (stop - 2 > k && ddl_is_kw(&p->t[stop - 2], "collate"))
                stop -= 2;
            else
                break;
        }
        rc = fk_buf_addstr(out, k == open + 1 ? "" : ",");
        if (rc == 0)
            rc = ddl_expr_sql(p, k, stop, out, bad);
        for (size_t j = stop; rc == 0 && j < e; j++)
            if (ddl_is_kw(&p->t[j], "desc"))
                rc = fk_buf_addstr(out, " DESC");
        k = e + 1;
    }
    return rc;
}

int ddl_create_index(struct ddl_p *p)
{
    size_t start = p->i - 1, open, close;
    bool unique = ddl_accept_kw(p, "unique"), if_not;
    char *name = NULL;
    struct ddl_table *t = NULL;
    struct ddl_index *grown;
    const struct ddl_tok *bad = NULL;
    struct fk_buf sql;
    int rc = ddl_expect_kw(p, "index");

    (void)ddl_accept_kw(p, "concurrently");
    if_not = accept_if_not_exists(p);
    if (rc == 0 && !ddl_is_kw(ddl_peek(p, 0), "on"))
        rc = ddl_name(p, &name);
    if (rc == 0)
        rc = ddl_expect_kw(p, "on");
    (void)ddl_accept_kw(p, "only");
    if (rc == 0)
        rc = table_ref(p, start, false, &t);
    if (rc != 0 || t == NULL) {
        free(name);
        return rc;
    }
    if (ddl_accept_kw(p, "using") && !ddl_accept_kw(p, "btree")) {
        free(name);
        if (unique)
            return ddl_fail_at(p, ddl_peek(p, 0), "unique index using %s is not supported",
                               ddl_peek(p, 0)->text);
        return ddl_warn_skip(p, start); /* gin, gist, hash: no effect on answers */
    }
    open = p->i;
    if ((rc = ddl_expect_op(p, "(")) != 0) {
        free(name);
        return rc;
    }
    close = ddl_close_paren(p, open);
    if (name == NULL) {
        char gen[256];
        snprintf(gen, sizeof(gen), "%s_%s_idx", t->name,
                 ddl_is_name(&p->t[open + 1]) ? p->t[open + 1].text : "expr");
        name = strdup(gen);
    }
    for (size_t i = 0; name != NULL && i < p->r->nindexes; i++)
        if (strcmp(p->r->indexes[i].name, name) == 0) {
            free(name);
            p->i = p->end;
            return if_not ? 0 : ddl_fail_at(p, &p->t[start], "relation already exists");
        }
    fk_buf_init(&sql, DDL_SQL_MAX);
    rc = name != NULL
             ? fk_buf_printf(&sql, "CREATE %sINDEX IF NOT EXISTS ", unique ? "UNIQUE " : "")
             : FK_ENOMEM;
    if (rc == 0)
        rc = ddl_ident(&sql, name);
    if (rc == 0)
        rc = fk_buf_addstr(&sql, " ON ");
    if (rc == 0)
        rc = ddl_ident(&sql, t->name);
    if (rc == 0)
        rc = fk_buf_addstr(&sql, " (");
    if (rc == 0)
        rc = index_elements(p, open, close, &sql, &bad);
    if (rc == 0)
        rc = fk_buf_addstr(&sql, ")");
    p->i = close + 1;
    if (rc == 0 && ddl_accept_kw(p, "include"))
        p->i = ddl_close_paren(p, p->i) + 1;
    if (rc == 0 && ddl_accept_kw(p, "nulls")) {
        (void)ddl_accept_kw(p, "not");
        rc = ddl_expect_kw(p, "distinct");
    }
    if (rc == 0 && ddl_accept_kw(p, "with"))
        p->i = ddl_close_paren(p, p->i) + 1;
    if (rc == 0 && ddl_accept_kw(p, "where")) {
        rc = fk_buf_addstr(&sql, " WHERE");
        if (rc == 0)
            rc = ddl_expr_sql(p, p->i, p->end, &sql, &bad);
        p->i = p->end;
    }
    if (rc == 1)
        rc = ddl_fail_at(p, bad, "index %s: \"%s\" has no SQLite equivalent", name, bad->text);
    grown = rc == 0 ? realloc(p->r->indexes, (p->r->nindexes + 1) * sizeof(*grown)) : NULL;
    if (rc == 0 && grown == NULL)
        rc = FK_ENOMEM;
    if (rc == 0) {
        p->r->indexes = grown;
        grown[p->r->nindexes] = (struct ddl_index){name, strdup(t->name), fk_buf_take(&sql, NULL)};
        name = NULL;
        if (grown[p->r->nindexes].table == NULL || grown[p->r->nindexes].sql == NULL)
            rc = FK_ENOMEM;
        p->r->nindexes++;
    }
    free(name);
    fk_buf_cleanup(&sql);
    return rc;
}
