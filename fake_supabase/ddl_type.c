/* ddl_type.c: PostgreSQL type names as format_type() prints them (ddl.h, ddl_int.h).
 *
 * SQLite's type names cannot hold a typmod before further words, so time(p)/timestamp(p)
 * lose their precision and arrays of character varying(n) their length ("character varying
 * ARRAY"). A type the reader does not know is an error, never a guess. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_supabase/ddl_int.h"

static const struct {
    const char *word, *name;
    bool serial;
} simple_types[] = {
    {"uuid", "uuid", false},         {"text", "text", false},
    {"smallint", "smallint", false}, {"int2", "smallint", false},
    {"integer", "integer", false},   {"int", "integer", false},
    {"int4", "integer", false},      {"bigint", "bigint", false},
    {"int8", "bigint", false},       {"smallserial", "smallint", true},
    {"serial2", "smallint", true},   {"serial", "integer", true},
    {"serial4", "integer", true},    {"bigserial", "bigint", true},
    {"serial8", "bigint", true},     {"real", "real", false},
    {"float4", "real", false},       {"float8", "double precision", false},
    {"boolean", "boolean", false},   {"bool", "boolean", false},
    {"date", "date", false},         {"timestamptz", "timestamp with time zone", false},
    {"json", "json", false},         {"jsonb", "jsonb", false},
};

/* "(n)" or "(n, m)" at p: the numbers, -1 when absent. */
static int typmod(struct ddl_p *p, long *a, long *b)
{
    *a = *b = -1;
    if (!ddl_accept_op(p, "("))
        return 0;
    if (ddl_peek(p, 0)->kind != DDL_T_NUMBER)
        return ddl_syntax(p, "a number");
    *a = strtol(ddl_peek(p, 0)->text, NULL, 10);
    p->i++;
    if (ddl_accept_op(p, ",")) {
        if (ddl_peek(p, 0)->kind != DDL_T_NUMBER)
            return ddl_syntax(p, "a number");
        *b = strtol(ddl_peek(p, 0)->text, NULL, 10);
        p->i++;
    }
    return ddl_expect_op(p, ")");
}

/* [with|without time zone] after time/timestamp: true for "with". */
static int zone(struct ddl_p *p, bool *with)
{
    bool w = ddl_accept_kw(p, "with");
    int rc = 0;

    *with = false;
    if (!w && !ddl_accept_kw(p, "without"))
        return 0;
    if ((rc = ddl_expect_kw(p, "time")) == 0 && (rc = ddl_expect_kw(p, "zone")) == 0)
        *with = w;
    return rc;
}

static int base_type(struct ddl_p *p, struct ddl_type *ty)
{
    const struct ddl_tok *k = ddl_peek(p, 0);
    long a, b;
    bool with = false;
    int rc;

    if (ddl_is_kw(k, "pg_catalog") && ddl_is_op(ddl_peek(p, 1), ".")) {
        p->i += 2;
        k = ddl_peek(p, 0);
    }
    if (k->kind != DDL_T_IDENT && k->kind != DDL_T_QIDENT)
        return ddl_syntax(p, "a type name");
    for (size_t i = 0; k->kind == DDL_T_IDENT && i < sizeof(simple_types) / sizeof(*simple_types);
         i++) {
        if (strcmp(k->text, simple_types[i].word) != 0)
            continue;
        p->i++;
        snprintf(ty->name, sizeof(ty->name), "%s", simple_types[i].name);
        ty->serial = simple_types[i].serial;
        return 0;
    }
    p->i++;
    if (ddl_is_kw(k, "double")) {
        rc = ddl_expect_kw(p, "precision");
        snprintf(ty->name, sizeof(ty->name), "double precision");
        return rc;
    }
    if (ddl_is_kw(k, "float")) {
        rc = typmod(p, &a, &b);
        snprintf(ty->name, sizeof(ty->name), "%s", a >= 1 && a <= 24 ? "real" : "double precision");
        return rc;
    }
    if (ddl_is_kw(k, "numeric") || ddl_is_kw(k, "decimal")) {
        rc = typmod(p, &a, &b);
        if (a >= 0)
            snprintf(ty->name, sizeof(ty->name), "numeric(%ld,%ld)", a, b >= 0 ? b : 0);
        else
            snprintf(ty->name, sizeof(ty->name), "numeric");
        return rc;
    }
    if (ddl_is_kw(k, "varchar") ||
        ((ddl_is_kw(k, "character") || ddl_is_kw(k, "char")) && ddl_accept_kw(p, "varying"))) {
        rc = typmod(p, &a, &b);
        snprintf(ty->name, sizeof(ty->name),
                 a >= 0 ? "character varying(%ld)" : "character varying", a);
        return rc;
    }
    if (ddl_is_kw(k, "character") || ddl_is_kw(k, "char") || ddl_is_kw(k, "bpchar")) {
        rc = typmod(p, &a, &b);
        snprintf(ty->name, sizeof(ty->name), "character(%ld)", a >= 1 ? a : 1);
        return rc;
    }
    if (ddl_is_kw(k, "time") || ddl_is_kw(k, "timestamp")) {
        bool ts = ddl_is_kw(k, "timestamp");
        rc = typmod(p, &a, &b);
        if (rc == 0)
            rc = zone(p, &with);
        if (rc == 0 && with && !ts)
            return ddl_fail_at(p, k, "type time with time zone is not supported");
        snprintf(ty->name, sizeof(ty->name), "%s with%s time zone", ts ? "timestamp" : "time",
                 with ? "" : "out");
        return rc;
    }
    if (ddl_is_kw(k, "interval")) {
        while (ddl_peek(p, 0)->kind == DDL_T_IDENT &&
               strstr(" year month day hour minute second to ", ddl_peek(p, 0)->text) != NULL)
            p->i++;
        rc = typmod(p, &a, &b);
        snprintf(ty->name, sizeof(ty->name), "interval");
        return rc;
    }
    for (size_t i = 0; i < p->r->nenums; i++) {
        if (strcmp(p->r->enums[i].name, k->text) == 0) {
            snprintf(ty->name, sizeof(ty->name), "text");
            ty->checks = p->r->enums[i].check;
            return 0;
        }
    }
    return ddl_fail_at(p, k, "type \"%s\" is not supported", k->text);
}

int ddl_type(struct ddl_p *p, struct ddl_type *ty)
{
    const struct ddl_tok *k;
    int rc;

    memset(ty, 0, sizeof(*ty));
    k = ddl_peek(p, 0);
    if ((ddl_is_kw(k, "public") || ddl_is_kw(k, "extensions")) && ddl_is_op(ddl_peek(p, 1), "."))
        p->i += 2;
    rc = base_type(p, ty);
    if (rc != 0)
        return rc;
    k = ddl_peek(p, 0);
    if (ddl_is_op(k, "[") || ddl_is_kw(k, "array")) {
        p->i++;
        if (ddl_is_op(k, "[") || ddl_accept_op(p, "[")) {
            if (ddl_peek(p, 0)->kind == DDL_T_NUMBER)
                p->i++;
            if ((rc = ddl_expect_op(p, "]")) != 0)
                return rc;
        }
        if (ddl_is_op(ddl_peek(p, 0), "["))
            return ddl_fail_at(p, ddl_peek(p, 0), "multidimensional arrays are not supported");
        char *paren = strchr(ty->name, '(');
        if (paren != NULL && strncmp(ty->name, "character varying", 17) == 0)
            *paren = '\0';
        if (paren != NULL && strncmp(ty->name, "character varying", 17) != 0)
            return ddl_fail_at(p, k, "arrays of %s are not supported", ty->name);
        size_t n = strlen(ty->name);
        snprintf(ty->name + n, sizeof(ty->name) - n, " ARRAY");
        ty->array = true;
        if (ty->serial)
            return ddl_fail_at(p, k, "arrays of serial are not supported");
    }
    pg_type_parse(ty->name, false, &ty->pg);
    return 0;
}
