/* rls.c: policies compiled to SQL predicates with bound parameters (rls.h).
 *
 * A policy's expression is parsed once at start-up (ddl_lex.h tokens, a small recursive
 * descent) into SQLite text in which two marker bytes stand for auth.uid() and auth.role();
 * a request appends the text with each marker replaced by a bound parameter, so nothing
 * from the request is ever spliced into SQL. */
#include "fake_supabase/rls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_supabase/ddl_int.h"

#define MARK_UID  '\x01'
#define MARK_ROLE '\x02'

struct comp {
    struct ddl_p p;
    const struct sb_table *t;
    struct fk_buf out;
    const char *why;
};

static int or_expr(struct comp *c);

static int unsupported(struct comp *c, const char *why)
{
    if (c->why == NULL)
        c->why = why;
    return 1;
}

static int column(struct comp *c)
{
    const struct ddl_tok *k = ddl_peek(&c->p, 0);
    const char *name = k->text;

    if (ddl_is_op(ddl_peek(&c->p, 1), ".")) {
        if (strcmp(k->text, c->t->name) != 0 || !ddl_is_name(ddl_peek(&c->p, 2)))
            return unsupported(c, k->text);
        c->p.i += 2;
        name = ddl_peek(&c->p, 0)->text;
    }
    if (sb_table_column(c->t, name) < 0)
        return unsupported(c, name);
    c->p.i++;
    return fk_buf_addstr(&c->out, " ") == 0 && ddl_ident(&c->out, name) == 0 ? 0 : FK_ENOMEM;
}

/* auth.uid() auth.role() auth.jwt() ->> 'sub'|'role' */
static int auth_call(struct comp *c)
{
    const struct ddl_tok *f = ddl_peek(&c->p, 2);
    char mark = 0;

    if (!ddl_is_op(ddl_peek(&c->p, 3), "(") || !ddl_is_op(ddl_peek(&c->p, 4), ")"))
        return unsupported(c, "auth.");
    c->p.i += 5;
    if (ddl_is_kw(f, "uid"))
        mark = MARK_UID;
    else if (ddl_is_kw(f, "role"))
        mark = MARK_ROLE;
    else if (ddl_is_kw(f, "jwt") && ddl_accept_op(&c->p, "->>")) {
        const struct ddl_tok *claim = ddl_peek(&c->p, 0);
        if (claim->kind != DDL_T_STRING)
            return unsupported(c, "auth.jwt()");
        c->p.i++;
        mark = strcmp(claim->text, "sub") == 0    ? MARK_UID
               : strcmp(claim->text, "role") == 0 ? MARK_ROLE
                                                  : 0;
    }
    if (mark == 0)
        return unsupported(c, f->text);
    return fk_buf_printf(&c->out, " %c", mark) == 0 ? 0 : FK_ENOMEM;
}

static int primary(struct comp *c)
{
    const struct ddl_tok *k = ddl_peek(&c->p, 0);
    int rc;

    if (ddl_is_op(k, "(")) {
        c->p.i++;
        if (ddl_accept_kw(&c->p, "select")) /* (select auth.uid()): evaluated once, same value */
            rc = primary(c);
        else if ((rc = fk_buf_addstr(&c->out, " (")) == 0)
            rc = or_expr(c);
        if (rc == 0 && !ddl_accept_op(&c->p, ")"))
            rc = unsupported(c, ddl_peek(&c->p, 0)->text);
        if (rc == 0 && !ddl_is_kw(k + 1, "select"))
            rc = fk_buf_addstr(&c->out, ")") == 0 ? 0 : FK_ENOMEM;
        return rc;
    }
    if (ddl_is_kw(k, "auth") && ddl_is_op(ddl_peek(&c->p, 1), "."))
        return auth_call(c);
    if (k->kind == DDL_T_STRING) {
        c->p.i++;
        return fk_buf_addstr(&c->out, " ") == 0 && ddl_quote(&c->out, k->text) == 0 ? 0 : FK_ENOMEM;
    }
    if (k->kind == DDL_T_NUMBER || ddl_is_kw(k, "null") || ddl_is_kw(k, "true") ||
        ddl_is_kw(k, "false")) {
        c->p.i++;
        return fk_buf_printf(&c->out, " %s",
                             ddl_is_kw(k, "true")    ? "1"
                             : ddl_is_kw(k, "false") ? "0"
                             : ddl_is_kw(k, "null")  ? "NULL"
                                                     : k->text) == 0
                   ? 0
                   : FK_ENOMEM;
    }
    if (ddl_is_name(k) && !ddl_is_op(ddl_peek(&c->p, 1), "("))
        return column(c);
    return unsupported(c, k->text);
}

static int operand(struct comp *c)
{
    int rc = primary(c);

    while (rc == 0 && ddl_accept_op(&c->p, "::"))
        rc = ddl_skip_type(&c->p) == 0 ? 0 : unsupported(c, "::");
    return rc;
}

static int predicate(struct comp *c)
{
    static const char *const cmp[] = {"=", "<>", "!=", "<", "<=", ">", ">="};
    int rc = operand(c);
    const struct ddl_tok *k = ddl_peek(&c->p, 0);

    for (size_t i = 0; rc == 0 && i < sizeof(cmp) / sizeof(*cmp); i++) {
        if (ddl_is_op(k, cmp[i])) {
            c->p.i++;
            if (fk_buf_printf(&c->out, " %s", k->text) != 0)
                return FK_ENOMEM;
            return operand(c);
        }
    }
    if (rc == 0 && ddl_accept_kw(&c->p, "is")) {
        bool not = ddl_accept_kw(&c->p, "not");
        const struct ddl_tok *v = ddl_peek(&c->p, 0);
        if (!ddl_is_kw(v, "null") && !ddl_is_kw(v, "true") && !ddl_is_kw(v, "false"))
            return unsupported(c, v->text);
        c->p.i++;
        return fk_buf_printf(&c->out, " IS %s%s", not ? "NOT " : "",
                             ddl_is_kw(v, "null")   ? "NULL"
                             : ddl_is_kw(v, "true") ? "1"
                                                    : "0") == 0
                   ? 0
                   : FK_ENOMEM;
    }
    if (rc == 0 &&
        (ddl_is_kw(k, "in") || (ddl_is_kw(k, "not") && ddl_is_kw(ddl_peek(&c->p, 1), "in")))) {
        bool not = ddl_accept_kw(&c->p, "not");
        c->p.i++;
        if (!ddl_accept_op(&c->p, "("))
            return unsupported(c, "in");
        rc = fk_buf_addstr(&c->out, not ? " NOT IN (" : " IN (") == 0 ? 0 : FK_ENOMEM;
        do {
            if (rc == 0)
                rc = operand(c);
        } while (rc == 0 && ddl_accept_op(&c->p, ",") && fk_buf_addstr(&c->out, ",") == 0);
        if (rc == 0 && !ddl_accept_op(&c->p, ")"))
            rc = unsupported(c, "in");
        return rc == 0 ? (fk_buf_addstr(&c->out, ")") == 0 ? 0 : FK_ENOMEM) : rc;
    }
    return rc;
}

static int not_expr(struct comp *c)
{
    if (ddl_accept_kw(&c->p, "not")) {
        if (fk_buf_addstr(&c->out, " NOT") != 0)
            return FK_ENOMEM;
        return not_expr(c);
    }
    return predicate(c);
}

static int and_expr(struct comp *c)
{
    int rc = not_expr(c);

    while (rc == 0 && ddl_accept_kw(&c->p, "and"))
        rc = fk_buf_addstr(&c->out, " AND") == 0 ? not_expr(c) : FK_ENOMEM;
    return rc;
}

static int or_expr(struct comp *c)
{
    int rc = and_expr(c);

    while (rc == 0 && ddl_accept_kw(&c->p, "or"))
        rc = fk_buf_addstr(&c->out, " OR") == 0 ? and_expr(c) : FK_ENOMEM;
    return rc;
}

/* The SQL with markers for expr; 1 with *why when it cannot be evaluated. */
static int compile(const struct sb_table *t, const char *expr, char **out, const char **why,
                   char *whybuf, size_t whylen)
{
    struct ddl_reader none;
    struct ddl_toks toks;
    struct fk_error err;
    struct comp c;
    int rc;

    *out = NULL;
    memset(&none, 0, sizeof(none));
    rc = ddl_lex(expr, &toks, &err);
    if (rc != 0) {
        snprintf(whybuf, whylen, "%s", err.msg);
        *why = whybuf;
        return rc == FK_ENOMEM ? rc : 1;
    }
    memset(&c, 0, sizeof(c));
    c.p = (struct ddl_p){&none, "policy", expr, toks.v, 0, toks.n, &err, toks.v[toks.n]};
    c.t = t;
    fk_buf_init(&c.out, DDL_SQL_MAX);
    rc = or_expr(&c);
    if (rc == 0 && c.p.i < c.p.end)
        rc = unsupported(&c, ddl_peek(&c.p, 0)->text);
    if (rc == 1) {
        snprintf(whybuf, whylen, "\"%s\" is not supported", c.why != NULL ? c.why : "?");
        *why = whybuf;
    }
    if (rc == 0 && (*out = fk_buf_take(&c.out, NULL)) == NULL)
        rc = FK_ENOMEM;
    fk_buf_cleanup(&c.out);
    ddl_toks_free(&toks);
    return rc;
}

int sb_rls_compile_text(const struct sb_table *t, const char *expr, char **out, char *why,
                        size_t whylen)
{
    const char *w = NULL;
    char *raw = NULL;
    struct fk_buf b;
    int rc = compile(t, expr, &raw, &w, why, whylen);

    *out = NULL;
    if (rc != 0)
        return rc;
    fk_buf_init(&b, DDL_SQL_MAX);
    for (const char *s = raw; rc == 0 && *s != '\0'; s++)
        rc = *s == MARK_UID    ? fk_buf_addstr(&b, "?1")
             : *s == MARK_ROLE ? fk_buf_addstr(&b, "?2")
                               : fk_buf_add(&b, s, 1);
    free(raw);
    if (rc == 0 && (*out = fk_buf_take(&b, NULL)) == NULL)
        rc = FK_ENOMEM;
    fk_buf_cleanup(&b);
    return rc == 0 ? 0 : FK_ENOMEM;
}

static int warn(struct ddl_result *d, const struct ddl_policy *pol, const char *why)
{
    char line[FK_ERRMSG_MAX];
    char **grown = realloc(d->warnings, (d->nwarnings + 1) * sizeof(*grown));

    if (grown == NULL)
        return FK_ENOMEM;
    d->warnings = grown;
    snprintf(line, sizeof(line),
             "%s: policy \"%s\" on %s cannot be evaluated (%s): it grants nothing", pol->where,
             pol->name, pol->table, why);
    if ((grown[d->nwarnings] = strdup(line)) == NULL)
        return FK_ENOMEM;
    d->nwarnings++;
    return 0;
}

/* One expression of a policy: its SQL, or "0" (denies) with a warning. */
static int compile_one(const struct sb_table *t, const struct ddl_policy *pol, const char *expr,
                       char **out, struct ddl_result *d)
{
    const char *why = NULL;
    char whybuf[FK_ERRMSG_MAX];
    int rc;

    *out = NULL;
    if (expr == NULL)
        return 0;
    rc = compile(t, expr, out, &why, whybuf, sizeof(whybuf));
    if (rc == 1) {
        rc = warn(d, pol, why);
        if (rc == 0 && (*out = strdup(" 0")) == NULL)
            rc = FK_ENOMEM;
    }
    return rc;
}

int sb_rls_attach(struct sb_schema *s, struct ddl_result *d)
{
    bool fallback = d->legacy || !d->any_rls;
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < s->ntables; i++) {
        struct sb_table *t = &s->tables[i];
        t->rls_mode = fallback ? SB_RLS_OWNER : SB_RLS_OFF;
        for (size_t k = 0; !fallback && k < d->nrls_tables; k++)
            if (strcmp(d->rls_tables[k], t->name) == 0)
                t->rls_mode = SB_RLS_ON;
        for (size_t k = 0; rc == 0 && !fallback && k < d->npolicies; k++) {
            const struct ddl_policy *pol = &d->policies[k];
            struct sb_policy *grown, *np;
            if (strcmp(pol->table, t->name) != 0)
                continue;
            grown = realloc(t->policies, (t->npolicies + 1) * sizeof(*grown));
            if (grown == NULL)
                return FK_ENOMEM;
            t->policies = grown;
            np = &grown[t->npolicies++];
            *np = (struct sb_policy){pol->cmd, pol->roles, pol->restrictive, NULL, NULL};
            rc = compile_one(t, pol, pol->using_expr, &np->using_sql, d);
            if (rc == 0)
                rc = compile_one(t, pol, pol->check_expr, &np->check_sql, d);
        }
    }
    return rc;
}

bool sb_rls_applies(const struct sb_table *t, const struct sb_caller *who)
{
    return t->rls_mode == SB_RLS_ON && who->role != SB_ROLE_SERVICE;
}

static int append_expr(struct sb_sql *sql, const char *e, const struct sb_caller *who)
{
    static const char *const roles[] = {"anon", "authenticated", "service_role"};
    char seg[512];
    int rc = 0;

    while (rc == 0 && *e != '\0') {
        size_t n = strcspn(e, "\x01\x02");
        while (rc == 0 && n > 0) {
            size_t take = n < sizeof(seg) - 1 ? n : sizeof(seg) - 1;
            memcpy(seg, e, take);
            seg[take] = '\0';
            rc = sb_sql_raw(sql, seg);
            e += take;
            n -= take;
        }
        if (rc == 0 && *e != '\0') {
            struct sb_param p = {SB_PARAM_TEXT, 0, 0, NULL};
            if (*e == MARK_UID) {
                p.s = (char *)who->sub;
                p.type = who->role == SB_ROLE_AUTHENTICATED && who->sub[0] != '\0' ? SB_PARAM_TEXT
                                                                                   : SB_PARAM_NULL;
            } else {
                p.s = (char *)roles[who->role == SB_ROLE_ANON            ? 0
                                    : who->role == SB_ROLE_AUTHENTICATED ? 1
                                                                         : 2];
            }
            rc = sb_sql_param(sql, &p);
            e++;
        }
    }
    return rc;
}

static unsigned role_bit(const struct sb_caller *who)
{
    return who->role == SB_ROLE_ANON            ? DDL_ROLE_ANON
           : who->role == SB_ROLE_AUTHENTICATED ? DDL_ROLE_AUTHENTICATED
                                                : DDL_ROLE_SERVICE;
}

/* (p1 OR p2 ...) AND r1 AND r2: check picks WITH CHECK first, else USING. */
static int combine(struct sb_sql *sql, const struct sb_table *t, enum ddl_cmd cmd,
                   const struct sb_caller *who, bool check)
{
    size_t nperm = 0;
    int rc = sb_sql_raw(sql, "((");

    for (int pass = 0; rc == 0 && pass < 2; pass++) {
        for (size_t i = 0; rc == 0 && i < t->npolicies; i++) {
            const struct sb_policy *p = &t->policies[i];
            const char *e = check && p->check_sql != NULL ? p->check_sql : p->using_sql;
            if ((p->cmd != cmd && p->cmd != DDL_CMD_ALL) || (p->roles & role_bit(who)) == 0 ||
                e == NULL || p->restrictive != (pass == 1))
                continue;
            if (pass == 0)
                rc = sb_sql_raw(sql, nperm++ == 0 ? "(" : " OR (");
            else
                rc = sb_sql_raw(sql, " AND (");
            if (rc == 0)
                rc = append_expr(sql, e, who);
            if (rc == 0)
                rc = sb_sql_raw(sql, ")");
        }
        if (rc == 0 && pass == 0)
            rc = sb_sql_raw(sql, nperm == 0 ? "0)" : ")");
    }
    return rc == 0 ? sb_sql_raw(sql, ")") : rc;
}

int sb_rls_using(struct sb_sql *sql, const struct sb_table *t, enum ddl_cmd cmd,
                 const struct sb_caller *who)
{
    return combine(sql, t, cmd, who, false);
}

int sb_rls_check(struct sb_sql *sql, const struct sb_table *t, enum ddl_cmd cmd,
                 const struct sb_caller *who)
{
    return combine(sql, t, cmd, who, true);
}

static _Thread_local const char *request_uid;

void sb_auth_uid_set(const char *sub)
{
    request_uid = sub;
}

static void fn_auth_uid(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    if (request_uid != NULL && request_uid[0] != '\0')
        sqlite3_result_text(ctx, request_uid, -1, SQLITE_TRANSIENT);
    else
        sqlite3_result_null(ctx);
}

static int register_auth(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api)
{
    (void)errmsg;
    (void)api;
    return sqlite3_create_function(db, "sb_auth_uid", 0, SQLITE_UTF8, NULL, fn_auth_uid, NULL,
                                   NULL);
}

int sb_schema_from_ddl(const char *base_sql, struct ddl_result *d, struct sb_schema **out,
                       struct fk_error *err)
{
    int rc;

    /* before the schema's own connection: its defaults may name sb_auth_uid() */
    (void)sqlite3_auto_extension((void (*)(void))register_auth);
    rc = sb_schema_from_sql(base_sql, d->sqlite, out, err);

    for (size_t i = 0; rc == 0 && i < d->ntypes; i++) {
        const struct sb_table *t = sb_schema_table(*out, d->types[i].table);
        int col = t != NULL ? sb_table_column(t, d->types[i].column) : -1;
        char *copy;
        if (col < 0)
            continue;
        if ((copy = strdup(d->types[i].type)) == NULL) {
            rc = FK_ENOMEM;
            break;
        }
        free(t->cols[col].decl_type);
        t->cols[col].decl_type = copy;
        /* PostgreSQL's spelling, never the legacy SQLite one (pgtype.h) */
        pg_type_parse(copy, false, &t->cols[col].type);
    }
    if (rc == 0 && (rc = sb_rls_attach(*out, d)) != 0) {
        fk_error_set(err, "schema: out of memory");
        sb_schema_free(*out);
        *out = NULL;
    }
    return rc;
}
