/* ddl_table.c: create table, column definitions, types and constraints (ddl.h).
 *
 * Types are spelled as PostgreSQL's format_type() prints them, in lower case; SQLite's type
 * names cannot hold a typmod before further words, so time(p)/timestamp(p) lose their
 * precision and arrays of character varying(n) their length ("character varying ARRAY"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_supabase/ddl_int.h"

void ddl_col_cleanup(struct ddl_col *c)
{
    free(c->name);
    free(c->dflt);
    fk_buf_cleanup(&c->extra);
}

void ddl_table_cleanup(struct ddl_table *t)
{
    for (size_t i = 0; i < t->ncols; i++)
        ddl_col_cleanup(&t->cols[i]);
    free(t->cols);
    free(t->name);
    fk_buf_cleanup(&t->cons);
}

/* (a, b, ...) as "("a", "b")" appended to out; the columns must exist in t when t != NULL. */
static int col_list(struct ddl_p *p, struct ddl_table *t, struct fk_buf *out, char **first,
                    size_t *n)
{
    int rc = ddl_expect_op(p, "(");

    *n = 0;
    if (rc == 0)
        rc = fk_buf_addstr(out, "(");
    while (rc == 0) {
        const struct ddl_tok *k = ddl_peek(p, 0);
        char *name = NULL;
        if ((rc = ddl_name(p, &name)) != 0)
            break;
        if (t != NULL && ddl_col_find(t, name) == NULL)
            rc = ddl_fail_at(p, k, "column \"%s\" named in key does not exist", name);
        if (rc == 0 && *n > 0)
            rc = fk_buf_addstr(out, ", ");
        if (rc == 0)
            rc = ddl_ident(out, name);
        if (rc == 0 && *n == 0 && first != NULL)
            *first = name;
        else
            free(name);
        (*n)++;
        if (rc != 0 || !ddl_accept_op(p, ","))
            break;
    }
    if (rc == 0)
        rc = ddl_expect_op(p, ")");
    return rc == 0 ? fk_buf_addstr(out, ")") : rc;
}

static int fk_action(struct ddl_p *p, struct fk_buf *out, const char *on)
{
    const char *act = NULL;

    if (ddl_accept_kw(p, "cascade"))
        act = "CASCADE";
    else if (ddl_accept_kw(p, "restrict"))
        act = "RESTRICT";
    else if (ddl_accept_kw(p, "no"))
        act = ddl_accept_kw(p, "action") ? "NO ACTION" : NULL;
    else if (ddl_accept_kw(p, "set"))
        act = ddl_accept_kw(p, "null")      ? "SET NULL"
              : ddl_accept_kw(p, "default") ? "SET DEFAULT"
                                            : NULL;
    if (act == NULL)
        return ddl_syntax(p, "cascade, restrict, no action, set null or set default");
    if (ddl_accept_op(p, "(")) /* set null (cols): PostgreSQL 15; the whole key here */
        p->i = ddl_close_paren(p, p->i - 1) + 1;
    return fk_buf_printf(out, " ON %s %s", on, act);
}

/* references [schema.]t [(col)] [match ...] [on delete/update ...] [deferrable ...]. */
static int references(struct ddl_p *p, struct fk_buf *out)
{
    const struct ddl_tok *at = ddl_peek(p, 0);
    char *schema = NULL, *name = NULL;
    struct fk_buf clause;
    size_t ncols = 0;
    int rc = ddl_qname(p, &schema, &name);
    bool auth =
        rc == 0 && schema != NULL && strcmp(schema, "auth") == 0 && strcmp(name, "users") == 0;
    bool keep = auth || ddl_is_public(schema);

    fk_buf_init(&clause, DDL_SQL_MAX);
    if (rc == 0)
        rc = fk_buf_addstr(&clause, " REFERENCES ");
    if (rc == 0)
        rc = ddl_ident(&clause, auth ? "auth_users" : name);
    if (rc == 0 && ddl_is_op(ddl_peek(p, 0), "("))
        rc = col_list(p, NULL, &clause, NULL, &ncols);
    else if (rc == 0 && auth)
        rc = fk_buf_addstr(&clause, "(\"id\")");
    while (rc == 0) {
        if (ddl_accept_kw(p, "match")) {
            p->i++;
        } else if (ddl_accept_kw(p, "on")) {
            bool del = ddl_accept_kw(p, "delete");
            if (!del && (rc = ddl_expect_kw(p, "update")) != 0)
                break;
            rc = fk_action(p, &clause, del ? "DELETE" : "UPDATE");
        } else if (ddl_accept_kw(p, "deferrable") || ddl_accept_kw(p, "initially")) {
            if (ddl_accept_kw(p, "deferred") || ddl_accept_kw(p, "immediate"))
                continue;
        } else if (ddl_is_kw(ddl_peek(p, 0), "not") && ddl_is_kw(ddl_peek(p, 1), "deferrable")) {
            p->i += 2;
        } else {
            break;
        }
    }
    if (rc == 0 && keep)
        rc = fk_buf_add(out, clause.data, clause.len);
    else if (rc == 0)
        rc = ddl_warn(p, at, "reference to %s.%s not honoured (not a public table)", schema, name);
    fk_buf_cleanup(&clause);
    free(schema);
    free(name);
    return rc;
}

/* check (expr): appended as " CONSTRAINT name CHECK (...)" or dropped with a warning. The
 * name is PostgreSQL's: the one given, else t_col_check for a column's check, else t_col_check
 * after the first column the expression names, else t_check (errors quote it). */
static int check_clause(struct ddl_p *p, struct fk_buf *out, const char *lead, struct ddl_table *t,
                        const char *col, const char *given)
{
    const struct ddl_tok *bad = NULL, *at = ddl_peek(p, 0);
    size_t open = p->i, close;
    struct fk_buf sql;
    int rc = ddl_expect_op(p, "(");

    if (rc != 0)
        return rc;
    close = ddl_close_paren(p, open);
    if (close >= p->end)
        return ddl_syntax(p, "a closing parenthesis");
    fk_buf_init(&sql, DDL_SQL_MAX);
    rc = ddl_expr_sql(p, open + 1, close, &sql, &bad);
    if (rc == 1)
        rc = ddl_warn(p, bad, "check at %d:%d not honoured (\"%s\" has no SQLite equivalent)",
                      at->line, at->col, bad->text);
    for (size_t k = open + 1; rc == 0 && col == NULL && given == NULL && k < close; k++)
        if (ddl_is_name(&p->t[k]) && ddl_col_find(t, p->t[k].text) != NULL)
            col = p->t[k].text;
    if (rc == 0) {
        char name[300];
        if (given != NULL)
            snprintf(name, sizeof(name), "%s", given);
        else
            snprintf(name, sizeof(name), "%s%s%s_check", t->name, col != NULL ? "_" : "",
                     col != NULL ? col : "");
        rc = fk_buf_printf(out, "%s CONSTRAINT ", lead);
        if (rc == 0)
            rc = ddl_ident(out, name);
        if (rc == 0)
            rc = fk_buf_printf(out, " CHECK (%s)", fk_buf_str(&sql));
    }
    fk_buf_cleanup(&sql);
    p->i = close + 1;
    if (rc == 0 && ddl_accept_kw(p, "no"))
        rc = ddl_expect_kw(p, "inherit");
    return rc;
}

static bool ends_column(const struct ddl_tok *k)
{
    static const char *const words[] = {"constraint", "not",     "null",       "primary",
                                        "unique",     "check",   "references", "generated",
                                        "collate",    "default", "deferrable", "initially"};
    if (k->kind == DDL_T_EOF || ddl_is_op(k, ",") || ddl_is_op(k, ")") || ddl_is_op(k, ";"))
        return true;
    for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
        if (ddl_is_kw(k, words[i]))
            return true;
    return false;
}

static int generated(struct ddl_p *p, struct ddl_col *c)
{
    int rc;

    if (!ddl_accept_kw(p, "always") && (rc = ddl_expect_kw(p, "by")) == 0 &&
        (rc = ddl_expect_kw(p, "default")) != 0)
        return rc;
    if ((rc = ddl_expect_kw(p, "as")) != 0)
        return rc;
    if (ddl_accept_kw(p, "identity")) {
        c->identity = true;
        if (ddl_is_op(ddl_peek(p, 0), "("))
            p->i = ddl_close_paren(p, p->i) + 1;
        return 0;
    }
    if (!ddl_is_op(ddl_peek(p, 0), "("))
        return ddl_syntax(p, "identity or (");
    size_t open = p->i, close = ddl_close_paren(p, open);
    const struct ddl_tok *bad = NULL;
    struct fk_buf sql;
    fk_buf_init(&sql, DDL_SQL_MAX);
    rc = ddl_expr_sql(p, open + 1, close, &sql, &bad);
    if (rc == 1)
        rc = ddl_fail_at(p, bad, "generated column expression: \"%s\" is not supported", bad->text);
    if (rc == 0)
        rc = fk_buf_printf(&c->extra, " GENERATED ALWAYS AS (%s) STORED", fk_buf_str(&sql));
    fk_buf_cleanup(&sql);
    p->i = close + 1;
    return rc == 0 ? ddl_expect_kw(p, "stored") : rc;
}

static int column_constraint(struct ddl_p *p, struct ddl_table *t, struct ddl_col *c)
{
    if (ddl_accept_kw(p, "constraint")) {
        char *given = NULL;
        int rc = ddl_name(p, &given);
        if (rc == 0 && ddl_accept_kw(p, "check"))
            rc = check_clause(p, &c->extra, "", t, c->name, given);
        free(given);
        return rc;
    }
    if (ddl_accept_kw(p, "not")) {
        c->notnull = true;
        return ddl_expect_kw(p, "null");
    }
    if (ddl_accept_kw(p, "null") || ddl_accept_kw(p, "deferrable"))
        return 0;
    if (ddl_accept_kw(p, "initially"))
        return ddl_accept_kw(p, "deferred") || ddl_accept_kw(p, "immediate")
                   ? 0
                   : ddl_syntax(p, "deferred");
    if (ddl_accept_kw(p, "primary")) {
        c->pk = true;
        return ddl_expect_kw(p, "key");
    }
    if (ddl_accept_kw(p, "unique")) {
        c->unique = true;
        if (ddl_accept_kw(p, "nulls")) {
            (void)ddl_accept_kw(p, "not");
            return ddl_expect_kw(p, "distinct");
        }
        return 0;
    }
    if (ddl_accept_kw(p, "check"))
        return check_clause(p, &c->extra, "", t, c->name, NULL);
    if (ddl_accept_kw(p, "references"))
        return references(p, &c->extra);
    if (ddl_accept_kw(p, "generated"))
        return generated(p, c);
    if (ddl_accept_kw(p, "collate")) {
        char *ignored = NULL;
        int rc = ddl_name(p, &ignored);
        free(ignored);
        return rc;
    }
    if (ddl_accept_kw(p, "default")) {
        size_t from = p->i;
        int depth = 0;
        while (
            ddl_peek(p, 0)->kind != DDL_T_EOF &&
            !(depth == 0 && p->i > from && ends_column(ddl_peek(p, 0))) &&
            !(depth == 0 && (ddl_is_op(ddl_peek(p, 0), ",") || ddl_is_op(ddl_peek(p, 0), ")")))) {
            depth += ddl_is_op(ddl_peek(p, 0), "(") + ddl_is_op(ddl_peek(p, 0), "[") -
                     ddl_is_op(ddl_peek(p, 0), ")") - ddl_is_op(ddl_peek(p, 0), "]");
            p->i++;
        }
        if (p->i == from)
            return ddl_syntax(p, "an expression");
        free(c->dflt);
        c->dflt = NULL;
        return ddl_default_sql(p, from, p->i, c, &c->dflt);
    }
    return ddl_syntax(p, "a column constraint");
}

int ddl_column_def(struct ddl_p *p, struct ddl_table *t)
{
    struct ddl_col c;
    struct ddl_col *grown;
    const struct ddl_tok *at = ddl_peek(p, 0);
    int rc;

    memset(&c, 0, sizeof(c));
    fk_buf_init(&c.extra, DDL_SQL_MAX);
    rc = ddl_name(p, &c.name);
    if (rc == 0 && ddl_col_find(t, c.name) != NULL)
        rc = ddl_fail_at(p, at, "column \"%s\" specified more than once", c.name);
    if (rc == 0)
        rc = ddl_type(p, &c.type);
    while (rc == 0 && !ddl_is_op(ddl_peek(p, 0), ",") && !ddl_is_op(ddl_peek(p, 0), ")") &&
           ddl_peek(p, 0)->kind != DDL_T_EOF)
        rc = column_constraint(p, t, &c);
    if (rc == 0 && c.type.checks != NULL)
        rc = fk_buf_printf(&c.extra, " CHECK (\"%s\" %s)", c.name, c.type.checks);
    grown = rc == 0 ? realloc(t->cols, (t->ncols + 1) * sizeof(*grown)) : NULL;
    if (rc == 0 && grown == NULL)
        rc = FK_ENOMEM;
    if (rc != 0) {
        ddl_col_cleanup(&c);
        return rc;
    }
    t->cols = grown;
    t->cols[t->ncols++] = c;
    return 0;
}

int ddl_table_constraint(struct ddl_p *p, struct ddl_table *t)
{
    char *first = NULL;
    size_t n = 0;
    int rc = 0;
    struct fk_buf cols;
    char *given = NULL;

    if (ddl_accept_kw(p, "constraint") && (rc = ddl_name(p, &given)) != 0)
        return rc;
    fk_buf_init(&cols, DDL_SQL_MAX);
    if (ddl_accept_kw(p, "primary") || ddl_is_kw(ddl_peek(p, 0), "unique")) {
        bool pk = !ddl_accept_kw(p, "unique");
        if (pk)
            rc = ddl_expect_kw(p, "key");
        if (rc == 0 && !pk && ddl_accept_kw(p, "nulls")) {
            (void)ddl_accept_kw(p, "not");
            rc = ddl_expect_kw(p, "distinct");
        }
        if (rc == 0)
            rc = col_list(p, t, &cols, &first, &n);
        if (rc == 0 && pk && n == 1)
            ddl_col_find(t, first)->pk = true;
        else if (rc == 0)
            rc = fk_buf_printf(&t->cons, ", %s %s", pk ? "PRIMARY KEY" : "UNIQUE",
                               fk_buf_str(&cols));
    } else if (ddl_accept_kw(p, "check")) {
        rc = check_clause(p, &t->cons, ",", t, NULL, given);
    } else if (ddl_accept_kw(p, "foreign")) {
        struct fk_buf ref;
        fk_buf_init(&ref, DDL_SQL_MAX);
        rc = ddl_expect_kw(p, "key");
        if (rc == 0)
            rc = col_list(p, t, &cols, &first, &n);
        if (rc == 0)
            rc = ddl_expect_kw(p, "references");
        if (rc == 0)
            rc = references(p, &ref);
        if (rc == 0 && ref.len > 0)
            rc = fk_buf_printf(&t->cons, ", FOREIGN KEY %s%s", fk_buf_str(&cols), fk_buf_str(&ref));
        fk_buf_cleanup(&ref);
    } else if (ddl_is_kw(ddl_peek(p, 0), "exclude")) {
        rc = ddl_warn(p, ddl_peek(p, 0), "exclude constraint not honoured");
        while (rc == 0 && !ddl_is_op(ddl_peek(p, 0), ",") && !ddl_is_op(ddl_peek(p, 0), ")") &&
               ddl_peek(p, 0)->kind != DDL_T_EOF)
            p->i = ddl_is_op(ddl_peek(p, 0), "(") ? ddl_close_paren(p, p->i) + 1 : p->i + 1;
    } else {
        rc = ddl_syntax(p, "a table constraint");
    }
    free(first);
    free(given);
    fk_buf_cleanup(&cols);
    return rc;
}

/* The column's declared type and constraints, SQLite's way. */
static int column_sql(const struct ddl_col *c, struct fk_buf *out)
{
    bool rowid =
        c->pk && (c->identity || c->type.serial) &&
        (c->type.pg.kind == PG_INT2 || c->type.pg.kind == PG_INT4 || c->type.pg.kind == PG_INT8) &&
        !c->type.array;
    int rc = ddl_ident(out, c->name);

    if (rc == 0)
        rc = fk_buf_printf(out, " %s",
                           rowid ? (c->type.pg.kind == PG_INT8 ? "INTEGER" : "integer")
                                 : c->type.name);
    if (rc == 0 && c->pk)
        rc = fk_buf_addstr(out, " PRIMARY KEY");
    if (rc == 0 && (c->notnull || (c->pk && !rowid)))
        rc = fk_buf_addstr(out, " NOT NULL");
    if (rc == 0 && c->dflt != NULL)
        rc = fk_buf_printf(out, " DEFAULT (%s)", c->dflt);
    if (rc == 0 && c->unique && !c->pk)
        rc = fk_buf_addstr(out, " UNIQUE");
    if (rc == 0 && c->extra.len > 0)
        rc = fk_buf_add(out, c->extra.data, c->extra.len);
    return rc;
}

int ddl_table_sql(const struct ddl_table *t, struct fk_buf *out)
{
    int rc = fk_buf_addstr(out, "CREATE TABLE IF NOT EXISTS ");

    if (rc == 0)
        rc = ddl_ident(out, t->name);
    for (size_t i = 0; rc == 0 && i < t->ncols; i++) {
        rc = fk_buf_addstr(out, i == 0 ? " (\n    " : ",\n    ");
        if (rc == 0)
            rc = column_sql(&t->cols[i], out);
    }
    if (rc == 0 && t->ncols == 0)
        rc = fk_buf_addstr(out, " (\"_no_columns\" text"); /* SQLite needs one */
    if (rc == 0 && t->cons.len > 0)
        rc = fk_buf_add(out, t->cons.data, t->cons.len);
    return rc == 0 ? fk_buf_addstr(out, "\n);\n") : rc;
}

/* check, constraint, foreign, primary and unique are reserved words: never a column. */
static bool starts_constraint(const struct ddl_p *p)
{
    static const char *const words[] = {"constraint", "primary", "unique", "check", "foreign"};
    const struct ddl_tok *k = ddl_peek(p, 0);

    for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
        if (ddl_is_kw(k, words[i]))
            return true;
    return ddl_is_kw(k, "exclude") &&
           (ddl_is_kw(ddl_peek(p, 1), "using") || ddl_is_op(ddl_peek(p, 1), "("));
}

/* create [temp|unlogged] table [if not exists] [schema.]name (elements) [options]; p->i is
 * after "create". */
int ddl_create_table(struct ddl_p *p)
{
    struct ddl_reader *r = p->r;
    struct ddl_table t, *grown;
    char *schema = NULL;
    size_t start = p->i - 1;
    bool exists = false;
    const struct ddl_tok *at;
    int rc;

    memset(&t, 0, sizeof(t));
    fk_buf_init(&t.cons, DDL_SQL_MAX);
    if (ddl_is_kw(ddl_peek(p, 0), "temp") || ddl_is_kw(ddl_peek(p, 0), "temporary"))
        return ddl_warn_skip(p, start);
    (void)ddl_accept_kw(p, "unlogged");
    rc = ddl_expect_kw(p, "table");
    if (rc == 0 && ddl_accept_kw(p, "if")) {
        rc = ddl_expect_kw(p, "not");
        if (rc == 0)
            rc = ddl_expect_kw(p, "exists");
        exists = true;
    }
    at = ddl_peek(p, 0);
    if (rc == 0)
        rc = ddl_qname(p, &schema, &t.name);
    if (rc == 0 && !ddl_is_public(schema)) {
        free(schema);
        ddl_table_cleanup(&t);
        return ddl_warn_skip(p, start);
    }
    free(schema);
    if (rc == 0 && !ddl_is_op(ddl_peek(p, 0), "(")) {
        ddl_table_cleanup(&t);
        return ddl_warn_skip(p, start); /* create table ... as / partition of */
    }
    if (rc == 0 && ddl_table_find(r, t.name) != NULL) {
        ddl_table_cleanup(&t);
        if (!exists)
            return ddl_fail_at(p, at, "relation \"%s\" already exists", at->text);
        p->i = p->end; /* PostgreSQL: a notice, nothing changed */
        return 0;
    }
    if (rc == 0)
        rc = ddl_expect_op(p, "(");
    while (rc == 0 && !ddl_is_op(ddl_peek(p, 0), ")")) {
        if (ddl_is_kw(ddl_peek(p, 0), "like"))
            rc = ddl_fail_at(p, ddl_peek(p, 0), "create table (like ...) is not supported");
        else
            rc = starts_constraint(p) ? ddl_table_constraint(p, &t) : ddl_column_def(p, &t);
        if (rc == 0 && !ddl_accept_op(p, ",") && !ddl_is_op(ddl_peek(p, 0), ")"))
            rc = ddl_syntax(p, "\",\" or \")\"");
    }
    if (rc == 0)
        rc = ddl_expect_op(p, ")");
    p->i = p->end; /* inherits, with (...), tablespace, partition by: nothing to keep */
    grown = rc == 0 ? realloc(r->tables, (r->ntables + 1) * sizeof(*grown)) : NULL;
    if (rc == 0 && grown == NULL)
        rc = FK_ENOMEM;
    if (rc != 0) {
        ddl_table_cleanup(&t);
        return rc;
    }
    r->tables = grown;
    r->tables[r->ntables++] = t;
    return 0;
}
