/* ddl_expr.c: check/index expressions and column defaults, PostgreSQL -> SQLite.
 *
 * Expressions are translated token by token: columns quoted, strings re-quoted, casts
 * dropped (the stored forms already compare as the types do), true/false as 1/0, the
 * functions SQLite has under the same meaning renamed (char_length -> length), and
 * "x = any (array[...])" / "x <> all (array[...])" (pg_dump's spelling of in/not in) as
 * IN / NOT IN. Anything else is reported, never guessed.
 *
 * Defaults are computed into the storage forms of the type-layer contract: now() and its
 * synonyms as strftime('%Y-%m-%dT%H:%M:%f000Z','now') (six fraction digits, UTC), uuid
 * generators as a lower-case v4 uuid, literals through ddl_default_storage(). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fake_supabase/ddl_int.h"
#include "fake_supabase/pgtype.h"

#define UUID_SQL                                                                                   \
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "                            \
    "substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || "       \
    "substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"

static const struct {
    const char *pg, *sqlite;
} funcs[] = {
    {"length", "length"},
    {"char_length", "length"},
    {"character_length", "length"},
    {"lower", "lower"},
    {"upper", "upper"},
    {"trim", "trim"},
    {"btrim", "trim"},
    {"ltrim", "ltrim"},
    {"rtrim", "rtrim"},
    {"coalesce", "coalesce"},
    {"nullif", "nullif"},
    {"abs", "abs"},
    {"round", "round"},
    {"json_array_length", "json_array_length"},
    {"jsonb_array_length", "json_array_length"},
    {"cardinality", "json_array_length"},
};

/* Words passed through as SQLite has them. */
static const char *const passed[] = {"and",     "or",       "not",  "in",    "is",   "null",
                                     "between", "like",     "case", "when",  "then", "else",
                                     "end",     "distinct", "from", "escape"};
/* Words that are not column names and that SQLite would misread. */
static const char *const refused[] = {"any",          "all",
                                      "some",         "exists",
                                      "select",       "array",
                                      "similar",      "overlaps",
                                      "ilike",        "current_date",
                                      "current_time", "current_timestamp",
                                      "localtime",    "localtimestamp",
                                      "current_user", "session_user",
                                      "user"};
static const char *const ops[] = {
    "(", ")", ",", "=", "<", ">", "<=", ">=", "<>", "!=", "+", "-", "*", "/", "%", "||"};

int ddl_quote(struct fk_buf *out, const char *s)
{
    int rc = fk_buf_addstr(out, "'");

    for (const char *q; rc == 0 && (q = strchr(s, '\'')) != NULL; s = q + 1) {
        rc = fk_buf_add(out, s, (size_t)(q - s));
        if (rc == 0)
            rc = fk_buf_addstr(out, "''");
    }
    if (rc == 0)
        rc = fk_buf_addstr(out, s);
    return rc == 0 ? fk_buf_addstr(out, "'") : rc;
}

int ddl_ident(struct fk_buf *out, const char *name)
{
    int rc = fk_buf_addstr(out, "\"");

    for (const char *q; rc == 0 && (q = strchr(name, '"')) != NULL; name = q + 1) {
        rc = fk_buf_add(out, name, (size_t)(q - name));
        if (rc == 0)
            rc = fk_buf_addstr(out, "\"\"");
    }
    if (rc == 0)
        rc = fk_buf_addstr(out, name);
    return rc == 0 ? fk_buf_addstr(out, "\"") : rc;
}

static bool in_list(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w, list[i]) == 0)
            return true;
    return false;
}

int ddl_skip_type(struct ddl_p *p)
{
    struct ddl_type ignored;
    struct fk_error *keep = p->err, scratch;
    int rc;

    /* Casts may name any type (regclass, citext...): only its shape matters here. */
    p->err = &scratch;
    rc = ddl_type(p, &ignored);
    p->err = keep;
    if (rc == FK_ENOMEM)
        return rc;
    if (rc != 0 && ddl_is_name(ddl_peek(p, 0))) {
        p->i++;
        while (ddl_is_op(ddl_peek(p, 0), "[") && ddl_is_op(ddl_peek(p, 1), "]"))
            p->i += 2;
        return 0;
    }
    return rc != 0 ? ddl_syntax(p, "a type name") : 0;
}

/* "= any (array[...])": tokens k (the operator) .. the closing parenthesis. 1: not this. */
static int any_array(struct ddl_p *p, size_t k, size_t to, struct fk_buf *out, size_t *next,
                     const struct ddl_tok **bad)
{
    bool eq = ddl_is_op(&p->t[k], "="), all = ddl_is_kw(&p->t[k + 1], "all");
    size_t open = k + 2, close, a, rb;
    int depth = 0, rc;

    if (k + 2 >= to || !ddl_is_op(&p->t[open], "(") ||
        !(ddl_is_kw(&p->t[k + 1], "any") || ddl_is_kw(&p->t[k + 1], "some") || all) || eq == all)
        return 1;
    close = ddl_close_paren(p, open);
    for (a = open + 1; a < close && ddl_is_op(&p->t[a], "("); a++)
        ;
    if (a + 1 >= close || !ddl_is_kw(&p->t[a], "array") || !ddl_is_op(&p->t[a + 1], "["))
        return 1;
    for (rb = a + 1; rb < close; rb++) {
        depth += ddl_is_op(&p->t[rb], "[") - ddl_is_op(&p->t[rb], "]");
        if (depth == 0)
            break;
    }
    if (rb >= close || close > to)
        return 1;
    rc = fk_buf_addstr(out, eq ? " IN (" : " NOT IN (");
    if (rc == 0)
        rc = ddl_expr_sql(p, a + 2, rb, out, bad);
    if (rc == 0)
        rc = fk_buf_addstr(out, ")");
    *next = close + 1;
    return rc;
}

int ddl_expr_sql(struct ddl_p *p, size_t from, size_t to, struct fk_buf *out,
                 const struct ddl_tok **bad)
{
    size_t save = p->i, saved_end = p->end;
    int rc = 0;

    for (size_t k = from; rc == 0 && k < to;) {
        const struct ddl_tok *t = &p->t[k];
        const struct ddl_tok *n = k + 1 < to ? &p->t[k + 1] : &p->t[p->end];
        size_t next = k + 1;
        if (t->kind == DDL_T_STRING) {
            rc = fk_buf_addstr(out, " ");
            if (rc == 0)
                rc = ddl_quote(out, t->text);
        } else if (t->kind == DDL_T_NUMBER) {
            rc = fk_buf_printf(out, " %s", t->text);
        } else if (ddl_is_op(t, "::")) {
            p->i = k + 1;
            p->end = to;
            rc = ddl_skip_type(p);
            next = p->i;
            p->end = saved_end;
        } else if (t->kind == DDL_T_OP &&
                   (ddl_is_op(t, "=") || ddl_is_op(t, "<>") || ddl_is_op(t, "!=")) &&
                   (rc = any_array(p, k, to, out, &next, bad)) != 1) {
            /* done by any_array */
        } else if (t->kind == DDL_T_OP) {
            rc = in_list(t->text, ops, sizeof(ops) / sizeof(*ops))
                     ? fk_buf_printf(out, "%s%s", ddl_is_op(t, "(") || ddl_is_op(t, ")") ? "" : " ",
                                     t->text)
                     : 1;
        } else if (ddl_is_name(t) && ddl_is_op(n, ".") && k + 2 < to && ddl_is_name(&p->t[k + 2])) {
            /* t.col: the qualifier names the table itself */
        } else if (ddl_is_kw(t, "true") || ddl_is_kw(t, "false")) {
            rc = fk_buf_addstr(out, ddl_is_kw(t, "true") ? " 1" : " 0");
        } else if (t->kind == DDL_T_IDENT &&
                   in_list(t->text, passed, sizeof(passed) / sizeof(*passed))) {
            rc = fk_buf_printf(out, " %s", t->text);
        } else if (t->kind == DDL_T_IDENT && ddl_is_op(n, "(")) {
            rc = 1;
            for (size_t f = 0; rc == 1 && f < sizeof(funcs) / sizeof(*funcs); f++)
                if (strcmp(t->text, funcs[f].pg) == 0)
                    rc = fk_buf_printf(out, " %s", funcs[f].sqlite);
        } else if (t->kind == DDL_T_IDENT &&
                   in_list(t->text, refused, sizeof(refused) / sizeof(*refused))) {
            rc = 1;
        } else if (ddl_is_name(t)) {
            rc = fk_buf_addstr(out, " ");
            if (rc == 0)
                rc = ddl_ident(out, t->text);
        } else if (ddl_is_op(t, ".")) {
            next = k + 1; /* the dot of t.col */
        } else {
            rc = 1;
        }
        if (rc == 1 && *bad == NULL)
            *bad = t;
        k = next;
    }
    p->i = save;
    p->end = saved_end;
    return rc;
}

/* A literal default (text is a number, a string's value, "true"/"false", or for arrays a
 * PostgreSQL array literal) as an SQLite literal of its storage form for column c, parsed
 * by the column type's input function (pgtype.h), so a default is stored exactly as the
 * same value sent in a request. FK_EINVAL when it cannot be the column's value. */
static int ddl_default_storage(const char *text, const struct ddl_col *c, struct fk_buf *out)
{
    struct pg_type t;
    struct pg_value v;
    struct pg_error e;
    char num[64];
    int rc;

    pg_type_parse(c->type.name, false, &t);
    if (t.kind == PG_UNKNOWN) /* a type the layer does not know: the literal as text */
        return ddl_quote(out, text);
    if ((rc = pg_input(&t, text, &v, &e)) != 0)
        return rc;
    switch (v.t) {
    case PG_V_NULL:
        rc = fk_buf_addstr(out, "NULL");
        break;
    case PG_V_INT:
        snprintf(num, sizeof(num), "%lld", v.i);
        rc = fk_buf_addstr(out, num);
        break;
    case PG_V_REAL:
        if (isinf(v.d)) /* SQLite reads an overflowing literal as an infinity */
            snprintf(num, sizeof(num), "%s", v.d > 0 ? "9e999" : "-9e999");
        else
            snprintf(num, sizeof(num), "%.17g", v.d);
        rc = fk_buf_addstr(out, num);
        break;
    default:
        rc = ddl_quote(out, v.s);
        break;
    }
    pg_value_free(&v);
    return rc;
}

/* Index after the type of a trailing cast (p->i at "::"), or 0 when [k, to) is not one. */
static size_t cast_end(struct ddl_p *p, size_t k, size_t to)
{
    size_t save = p->i, saved_end = p->end, got;

    p->i = k + 1;
    p->end = to;
    got = ddl_skip_type(p) == 0 ? p->i : 0;
    p->i = save;
    p->end = saved_end;
    return got;
}

/* now() as a column of kind k stores it (pgtype.h's storage forms), NULL when it cannot. */
static const char *now_sql(enum pg_kind k)
{
    return k == PG_TIMESTAMPTZ || k == PG_TEXT || k == PG_VARCHAR
               ? "strftime('%Y-%m-%dT%H:%M:%f000Z','now')"
           : k == PG_TIMESTAMP ? "strftime('%Y-%m-%dT%H:%M:%f000','now')"
           : k == PG_DATE      ? "date('now')"
           : k == PG_TIME      ? "strftime('%H:%M:%f000','now')"
                               : NULL;
}

static bool is_call(const struct ddl_p *p, size_t k, size_t to, const char *const *names)
{
    if (k + 2 >= to || !ddl_is_op(&p->t[k + 1], "("))
        return false;
    for (; *names != NULL; names++)
        if (ddl_is_kw(&p->t[k], *names))
            return true;
    return false;
}

int ddl_default_sql(struct ddl_p *p, size_t from, size_t to, const struct ddl_col *c, char **out)
{
    static const char *const nows[] = {"now", "transaction_timestamp", "statement_timestamp",
                                       "clock_timestamp", NULL};
    static const char *const uuids[] = {"gen_random_uuid", "uuid_generate_v4", NULL};
    const struct ddl_tok *first = &p->t[from];
    struct fk_buf b;
    int rc = FK_EINVAL;
    const char *sql = NULL;

    for (bool again = true; again && from < to;) {
        again = false;
        if (ddl_is_op(&p->t[from], "(") && ddl_close_paren(p, from) == to - 1) {
            from++, to--, again = true;
            continue;
        }
        for (size_t k = to; k-- > from + 1;) {
            if (ddl_is_op(&p->t[k], "::") && cast_end(p, k, to) == to) {
                int depth = 0;
                for (size_t j = from; j < k; j++)
                    depth += ddl_is_op(&p->t[j], "(") - ddl_is_op(&p->t[j], ")");
                if (depth == 0) {
                    to = k, again = true;
                    break;
                }
            }
        }
    }
    if (from < to &&
        (ddl_is_kw(&p->t[from], "extensions") || ddl_is_kw(&p->t[from], "public") ||
         ddl_is_kw(&p->t[from], "pg_catalog")) &&
        from + 1 < to && ddl_is_op(&p->t[from + 1], "."))
        from += 2;
    fk_buf_init(&b, DDL_SQL_MAX);
    if (from >= to) {
        rc = FK_EINVAL;
    } else if (to - from == 1 && ddl_is_kw(&p->t[from], "null")) {
        rc = fk_buf_addstr(&b, "NULL");
    } else if ((is_call(p, from, to, nows) && ddl_close_paren(p, from + 1) == to - 1) ||
               (to - from == 1 && (ddl_is_kw(&p->t[from], "current_timestamp") ||
                                   ddl_is_kw(&p->t[from], "localtimestamp") ||
                                   ddl_is_kw(&p->t[from], "current_date") ||
                                   ddl_is_kw(&p->t[from], "current_time"))) ||
               (ddl_is_kw(&p->t[from], "timezone") && ddl_close_paren(p, from + 1) == to - 1) ||
               (is_call(p, from, to, nows) && from + 3 < to && ddl_is_kw(&p->t[from + 3], "at"))) {
        sql = ddl_is_kw(&p->t[from], "current_date") ? "date('now')" : now_sql(c->type.pg.kind);
        rc = sql != NULL && !c->type.array ? fk_buf_addstr(&b, sql) : FK_EINVAL;
    } else if (is_call(p, from, to, uuids) && to - from == 3) {
        rc = (c->type.pg.kind == PG_UUID || c->type.pg.kind == PG_TEXT ||
              c->type.pg.kind == PG_VARCHAR) &&
                     !c->type.array
                 ? fk_buf_addstr(&b, UUID_SQL)
                 : FK_EINVAL;
    } else if (to - from == 1 &&
               (ddl_is_kw(&p->t[from], "true") || ddl_is_kw(&p->t[from], "false"))) {
        rc = ddl_default_storage(p->t[from].text, c, &b);
    } else if (p->t[to - 1].kind == DDL_T_STRING &&
               (to - from == 1 || (to - from <= 4 && ddl_is_name(&p->t[from])))) {
        rc = ddl_default_storage(p->t[to - 1].text, c, &b); /* 'x', interval '1 day' */
    } else if (p->t[to - 1].kind == DDL_T_NUMBER &&
               (to - from == 1 ||
                (to - from == 2 && (ddl_is_op(&p->t[from], "-") || ddl_is_op(&p->t[from], "+"))))) {
        char num[128];
        snprintf(num, sizeof(num), "%s%s", to - from == 2 && ddl_is_op(&p->t[from], "-") ? "-" : "",
                 p->t[to - 1].text);
        rc = ddl_default_storage(num, c, &b);
    } else if (ddl_is_kw(&p->t[from], "array") && from + 1 < to &&
               ddl_is_op(&p->t[from + 1], "[") && ddl_is_op(&p->t[to - 1], "]") && c->type.array) {
        struct fk_buf lit;
        fk_buf_init(&lit, DDL_SQL_MAX);
        rc = fk_buf_addstr(&lit, "{");
        for (size_t k = from + 2; rc == 0 && k < to - 1; k++) {
            const struct ddl_tok *t = &p->t[k];
            if (ddl_is_op(t, "::"))
                k = cast_end(p, k, to - 1) - 1;
            else if (ddl_is_op(t, ","))
                rc = fk_buf_addstr(&lit, ",");
            else if (t->kind == DDL_T_STRING || t->kind == DDL_T_NUMBER || ddl_is_kw(t, "null"))
                rc = t->kind == DDL_T_STRING && strpbrk(t->text, "\"\\,{} ") != NULL
                         ? FK_EINVAL
                         : fk_buf_printf(&lit, t->kind == DDL_T_STRING ? "\"%s\"" : "%s", t->text);
            else
                rc = FK_EINVAL;
        }
        if (rc == 0)
            rc = fk_buf_addstr(&lit, "}");
        if (rc == 0)
            rc = ddl_default_storage(fk_buf_str(&lit), c, &b);
        fk_buf_cleanup(&lit);
    }
    if (rc == FK_EINVAL && from + 4 <= to && ddl_is_kw(&p->t[from], "auth") &&
        ddl_is_op(&p->t[from + 1], ".") && ddl_is_kw(&p->t[from + 2], "uid")) {
        /* default auth.uid(): the caller's id, a per-request value (rls.h sb_auth_uid) */
        fk_buf_cleanup(&b);
        rc = fk_buf_addstr(&b, "(sb_auth_uid())");
    }
    if (rc == FK_EINVAL && from + 4 <= to && ddl_is_kw(&p->t[from], "auth") &&
        ddl_is_op(&p->t[from + 1], ".")) {
        /* other auth.*() defaults: per-request values the fake does not keep. The column
         * must be sent (a not null one without it answers 23502); said once at start-up. */
        fk_buf_cleanup(&b);
        *out = NULL;
        return ddl_warn(p, first, "default %s.%s() of column \"%s\" not honoured: send the value",
                        p->t[from].text, p->t[from + 2].text, c->name);
    }
    if (rc == FK_EINVAL)
        rc = ddl_fail_at(p, first, "default for column \"%s\" (%s) cannot be computed", c->name,
                         c->type.name);
    if (rc == 0 && (*out = fk_buf_take(&b, NULL)) == NULL)
        rc = FK_ENOMEM;
    fk_buf_cleanup(&b);
    return rc;
}
