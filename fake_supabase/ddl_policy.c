/* ddl_policy.c: create policy, create type ... as enum, and drop (ddl.h). Policies are kept
 * as PostgreSQL text; rls.c compiles them against the schema cache. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_supabase/ddl_int.h"

int ddl_create_policy(struct ddl_p *p);
int ddl_create_type(struct ddl_p *p);
int ddl_drop(struct ddl_p *p);

/* The text inside the parentheses at p->i, copied; p->i after them. */
static int paren_text(struct ddl_p *p, char **out)
{
    size_t open = p->i, close;
    int rc = ddl_expect_op(p, "(");

    *out = NULL;
    if (rc != 0)
        return rc;
    close = ddl_close_paren(p, open);
    if (close >= p->end)
        return ddl_syntax(p, "\")\"");
    if (close == open + 1)
        return ddl_syntax(p, "an expression");
    *out = strndup(p->text + p->t[open + 1].off, p->t[close].off - p->t[open + 1].off);
    p->i = close + 1;
    return *out != NULL ? 0 : FK_ENOMEM;
}

static int policy_clauses(struct ddl_p *p, struct ddl_policy *pol)
{
    static const char *const cmds[] = {"all", "select", "insert", "update", "delete"};
    int rc = 0;

    if (ddl_accept_kw(p, "as")) {
        pol->restrictive = ddl_accept_kw(p, "restrictive");
        if (!pol->restrictive && (rc = ddl_expect_kw(p, "permissive")) != 0)
            return rc;
    }
    if (ddl_accept_kw(p, "for")) {
        size_t i = 0;
        while (i < 5 && !ddl_accept_kw(p, cmds[i]))
            i++;
        if (i == 5)
            return ddl_syntax(p, "all, select, insert, update or delete");
        pol->cmd = (enum ddl_cmd)i;
    }
    pol->roles = DDL_ROLE_PUBLIC;
    if (ddl_accept_kw(p, "to")) {
        pol->roles = 0;
        do {
            const struct ddl_tok *k = ddl_peek(p, 0);
            if (!ddl_is_name(k))
                return ddl_syntax(p, "a role name");
            p->i++;
            pol->roles |= strcmp(k->text, "public") == 0          ? DDL_ROLE_PUBLIC
                          : strcmp(k->text, "anon") == 0          ? DDL_ROLE_ANON
                          : strcmp(k->text, "authenticated") == 0 ? DDL_ROLE_AUTHENTICATED
                          : strcmp(k->text, "service_role") == 0  ? DDL_ROLE_SERVICE
                                                                  : 0u;
        } while (ddl_accept_op(p, ","));
    }
    if (ddl_accept_kw(p, "using"))
        rc = paren_text(p, &pol->using_expr);
    if (rc == 0 && ddl_accept_kw(p, "with")) {
        const struct ddl_tok *at = ddl_peek(p, 0);
        rc = ddl_expect_kw(p, "check");
        if (rc == 0)
            rc = paren_text(p, &pol->check_expr);
        if (rc == 0 && (pol->cmd == DDL_CMD_SELECT || pol->cmd == DDL_CMD_DELETE))
            rc = ddl_fail_at(p, at, "WITH CHECK cannot be applied to SELECT or DELETE");
    }
    if (rc == 0 && pol->cmd == DDL_CMD_INSERT && pol->using_expr != NULL)
        rc = ddl_fail_at(p, &p->t[p->end], "only WITH CHECK expression allowed for INSERT");
    return rc;
}

int ddl_create_policy(struct ddl_p *p)
{
    size_t start = p->i - 2;
    struct ddl_policy pol, *grown;
    struct ddl_table *t = NULL;
    const struct ddl_tok *at = ddl_peek(p, 0);
    char *schema = NULL, where[600];
    int rc;

    memset(&pol, 0, sizeof(pol));
    rc = ddl_name(p, &pol.name);
    if (rc == 0)
        rc = ddl_expect_kw(p, "on");
    if (rc == 0)
        rc = ddl_qname(p, &schema, &pol.table);
    if (rc == 0 && !ddl_is_public(schema)) {
        rc = ddl_warn_skip(p, start);
        goto out;
    }
    if (rc == 0 && (t = ddl_table_find(p->r, pol.table)) == NULL)
        rc = ddl_fail_at(p, at, "relation \"%s\" does not exist", pol.table);
    for (size_t i = 0; rc == 0 && i < p->r->npolicies; i++)
        if (strcmp(p->r->policies[i].table, pol.table) == 0 &&
            strcmp(p->r->policies[i].name, pol.name) == 0)
            rc = ddl_fail_at(p, at, "policy \"%s\" for table \"%s\" already exists", pol.name,
                             pol.table);
    if (rc == 0)
        rc = policy_clauses(p, &pol);
    snprintf(where, sizeof(where), "%s:%d", p->file, p->t[start].line);
    if (rc == 0 && (pol.where = strdup(where)) == NULL)
        rc = FK_ENOMEM;
    grown = rc == 0 ? realloc(p->r->policies, (p->r->npolicies + 1) * sizeof(*grown)) : NULL;
    if (rc == 0 && grown == NULL)
        rc = FK_ENOMEM;
    if (rc == 0) {
        p->r->policies = grown;
        grown[p->r->npolicies++] = pol;
        memset(&pol, 0, sizeof(pol));
    }
out:
    free(schema);
    free(pol.name);
    free(pol.table);
    free(pol.using_expr);
    free(pol.check_expr);
    free(pol.where);
    return rc;
}

/* create type [schema.]name as enum ('a', ...): columns of it become text checked IN. */
int ddl_create_type(struct ddl_p *p)
{
    size_t start = p->i - 2;
    char *schema = NULL, *name = NULL;
    struct fk_buf check;
    struct ddl_enum *grown;
    int rc = ddl_qname(p, &schema, &name);

    if (rc != 0 || !ddl_is_public(schema) || !ddl_accept_kw(p, "as") || !ddl_accept_kw(p, "enum")) {
        free(schema);
        free(name);
        return rc != 0 ? rc : ddl_warn_skip(p, start);
    }
    free(schema);
    fk_buf_init(&check, DDL_SQL_MAX);
    rc = ddl_expect_op(p, "(");
    if (rc == 0)
        rc = fk_buf_addstr(&check, "IN (");
    for (bool first = true; rc == 0 && ddl_peek(p, 0)->kind == DDL_T_STRING; first = false) {
        rc = fk_buf_addstr(&check, first ? "" : ", ");
        if (rc == 0)
            rc = ddl_quote(&check, ddl_peek(p, 0)->text);
        p->i++;
        if (!ddl_accept_op(p, ","))
            break;
    }
    if (rc == 0)
        rc = ddl_expect_op(p, ")");
    if (rc == 0)
        rc = fk_buf_addstr(&check, ")");
    grown = rc == 0 ? realloc(p->r->enums, (p->r->nenums + 1) * sizeof(*grown)) : NULL;
    if (rc == 0 && grown == NULL)
        rc = FK_ENOMEM;
    if (rc == 0) {
        p->r->enums = grown;
        grown[p->r->nenums] = (struct ddl_enum){name, fk_buf_take(&check, NULL)};
        name = NULL;
        rc = grown[p->r->nenums++].check != NULL ? 0 : FK_ENOMEM;
    }
    free(name);
    fk_buf_cleanup(&check);
    return rc;
}

static void drop_table(struct ddl_reader *r, struct ddl_table *t)
{
    size_t k = (size_t)(t - r->tables), j = 0;

    for (size_t i = 0; i < r->nindexes; i++) {
        if (strcmp(r->indexes[i].table, t->name) == 0) {
            free(r->indexes[i].name);
            free(r->indexes[i].table);
            free(r->indexes[i].sql);
        } else {
            r->indexes[j++] = r->indexes[i];
        }
    }
    r->nindexes = j;
    j = 0;
    for (size_t i = 0; i < r->npolicies; i++) {
        struct ddl_policy *pol = &r->policies[i];
        if (strcmp(pol->table, t->name) == 0) {
            free(pol->name);
            free(pol->table);
            free(pol->using_expr);
            free(pol->check_expr);
            free(pol->where);
        } else {
            r->policies[j++] = *pol;
        }
    }
    r->npolicies = j;
    ddl_table_cleanup(t);
    memmove(t, t + 1, (r->ntables - k - 1) * sizeof(*t));
    r->ntables--;
}

/* drop table|index|policy|type [if exists] name... */
int ddl_drop(struct ddl_p *p)
{
    size_t start = p->i - 1;
    bool table = ddl_accept_kw(p, "table"), index = !table && ddl_accept_kw(p, "index");
    bool policy = !table && !index && ddl_accept_kw(p, "policy");
    bool type = !table && !index && !policy && ddl_accept_kw(p, "type");
    bool if_exists;
    char *schema = NULL, *name = NULL;
    const struct ddl_tok *at;
    int rc = 0;

    if (!table && !index && !policy && !type)
        return ddl_warn_skip(p, start);
    if (index)
        (void)ddl_accept_kw(p, "concurrently");
    if_exists = ddl_is_kw(ddl_peek(p, 0), "if") && ddl_is_kw(ddl_peek(p, 1), "exists");
    p->i += if_exists ? 2 : 0;
    do {
        bool found = false;
        at = ddl_peek(p, 0);
        free(schema);
        free(name);
        rc = ddl_qname(p, &schema, &name);
        if (rc == 0 && !policy && !ddl_is_public(schema)) {
            rc = ddl_warn_skip(p, start);
            break;
        }
        if (rc == 0 && table && ddl_table_find(p->r, name) != NULL) {
            drop_table(p->r, ddl_table_find(p->r, name));
            found = true;
        }
        for (size_t i = 0; rc == 0 && index && i < p->r->nindexes; i++) {
            struct ddl_index *ix = &p->r->indexes[i];
            if (strcmp(ix->name, name) != 0)
                continue;
            free(ix->name);
            free(ix->table);
            free(ix->sql);
            memmove(ix, ix + 1, (p->r->nindexes - i - 1) * sizeof(*ix));
            p->r->nindexes--;
            found = true;
            break;
        }
        if (rc == 0 && policy) {
            char *tschema = NULL, *tname = NULL;
            rc = ddl_expect_kw(p, "on");
            if (rc == 0)
                rc = ddl_qname(p, &tschema, &tname);
            if (rc == 0 && !ddl_is_public(tschema)) {
                free(tschema);
                free(tname);
                rc = ddl_warn_skip(p, start);
                break;
            }
            for (size_t i = 0; rc == 0 && i < p->r->npolicies; i++) {
                struct ddl_policy *pol = &p->r->policies[i];
                if (strcmp(pol->name, name) != 0 || strcmp(pol->table, tname) != 0)
                    continue;
                free(pol->name);
                free(pol->table);
                free(pol->using_expr);
                free(pol->check_expr);
                free(pol->where);
                memmove(pol, pol + 1, (p->r->npolicies - i - 1) * sizeof(*pol));
                p->r->npolicies--;
                found = true;
                break;
            }
            free(tschema);
            free(tname);
        }
        for (size_t i = 0; rc == 0 && type && i < p->r->nenums; i++)
            found |= strcmp(p->r->enums[i].name, name) == 0; /* kept: columns already use it */
        if (rc == 0 && !found && !if_exists)
            rc = ddl_fail_at(p, at, "%s \"%s\" does not exist",
                             table    ? "table"
                             : index  ? "index"
                             : policy ? "policy"
                                      : "type",
                             name);
    } while (rc == 0 && !policy && ddl_accept_op(p, ","));
    if (rc == 0 && !ddl_accept_kw(p, "cascade"))
        (void)ddl_accept_kw(p, "restrict");
    free(schema);
    free(name);
    return rc;
}
