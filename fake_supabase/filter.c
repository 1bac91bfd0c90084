/* filter.c: the filter grammar of filter.h: col=[not.]op.value and and()/or() groups.
 *
 * A small recursive-descent parser over each field's decoded text. Messages copy PostgREST's
 * shape ("failed to parse filter (eqq.1)" (line 1, column 4)); the exact parser details of
 * the real server differ (docs/reference/supabase.md marks that text unverified). Every column
 * name is looked up in the schema cache here, so the SQL builder only ever sees indexes. */
#include "fake_supabase/filter.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "fake_supabase/filter_int.h"
#include "fake_supabase/filter_regex.h"
#include "fake_supabase/pgtype.h"

static const struct {
    const char *name;
    enum sb_op op;
} ops[] = {
    {"eq", SB_OP_EQ},       {"neq", SB_OP_NEQ},
    {"gt", SB_OP_GT},       {"gte", SB_OP_GTE},
    {"lt", SB_OP_LT},       {"lte", SB_OP_LTE},
    {"like", SB_OP_LIKE},   {"ilike", SB_OP_ILIKE},
    {"is", SB_OP_IS},       {"isdistinct", SB_OP_ISDISTINCT},
    {"in", SB_OP_IN},       {"cs", SB_OP_CS},
    {"cd", SB_OP_CD},       {"ov", SB_OP_OV},
    {"match", SB_OP_MATCH}, {"imatch", SB_OP_IMATCH},
};

void sb_cond_free(struct sb_cond *c)
{
    if (c == NULL)
        return;
    free(c->value);
    sb_jpath_free(c->jp);
    for (size_t i = 0; i < c->nlist; i++)
        free(c->list[i]);
    free(c->list);
    for (size_t i = 0; i < c->nkids; i++)
        sb_cond_free(c->kids[i]);
    free(c->kids);
    free(c);
}

static int add_kid(struct sb_cond *g, struct sb_cond *kid)
{
    struct sb_cond **grown = realloc(g->kids, (g->nkids + 1) * sizeof(*grown));

    if (grown == NULL) {
        sb_cond_free(kid);
        return FK_ENOMEM;
    }
    g->kids = grown;
    grown[g->nkids++] = kid;
    return 0;
}

static int add_list(struct sb_cond *c, char *v)
{
    char **grown = NULL;

    if (v != NULL)
        grown = realloc(c->list, (c->nlist + 1) * sizeof(*grown));
    if (grown == NULL) {
        free(v);
        return FK_ENOMEM;
    }
    c->list = grown;
    grown[c->nlist++] = v;
    return 0;
}

static bool op_lookup(const char *name, size_t len, enum sb_op *op)
{
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (strlen(ops[i].name) == len && strncmp(ops[i].name, name, len) == 0) {
            *op = ops[i].op;
            return true;
        }
    return false;
}

/* A cursor over one field's text; what names the field kind for messages. */
struct cur {
    const char *s;
    size_t pos;
    const char *what;
    const struct sb_table *t;
    struct sb_qerr *err;
    struct sb_jpath *jp; /* the path of the column read_op_value reads for; it takes it */
};

static int cur_fail(struct cur *c, const char *details)
{
    return sb_qerr_parse(c->err, c->what, c->s, c->pos, details);
}

/* A quoted string at c->pos: backslash escapes any byte. */
static int read_quoted(struct cur *c, char **out)
{
    size_t start = ++c->pos, n = 0;
    char *v;

    while (c->s[c->pos] != '"') {
        if (c->s[c->pos] == '\0')
            return cur_fail(c, "unterminated quoted value");
        if (c->s[c->pos] == '\\' && c->s[c->pos + 1] != '\0')
            c->pos++;
        c->pos++;
    }
    v = malloc(c->pos - start + 1);
    if (v == NULL)
        return FK_ENOMEM;
    for (size_t i = start; i < c->pos; i++) {
        if (c->s[i] == '\\')
            i++;
        v[n++] = c->s[i];
    }
    v[n] = '\0';
    c->pos++; /* closing quote */
    *out = v;
    return 0;
}

/* An unquoted value: everything up to the next ',' or ')' (or the end). */
static int read_bare(struct cur *c, char **out)
{
    size_t start = c->pos;

    while (c->s[c->pos] != '\0' && c->s[c->pos] != ',' && c->s[c->pos] != ')')
        c->pos++;
    *out = strndup(c->s + start, c->pos - start);
    return *out != NULL ? 0 : FK_ENOMEM;
}

static int read_value(struct cur *c, char **out)
{
    return c->s[c->pos] == '"' ? read_quoted(c, out) : read_bare(c, out);
}

/* "(v1,"v,2",...)" into leaf->list. */
static int read_list(struct cur *c, struct sb_cond *leaf)
{
    int rc;

    if (c->s[c->pos] != '(')
        return cur_fail(c, "expecting \"(\" to start an in list");
    c->pos++;
    if (c->s[c->pos] == ')') {
        c->pos++;
        return 0;
    }
    for (;;) {
        char *v = NULL;
        if (leaf->nlist >= SB_MAX_IN_LIST)
            return cur_fail(c, "too many values in the in list: at most 30000, SQLite's "
                               "32766 variables less room for the other filters");
        rc = read_value(c, &v);
        if (rc == 0)
            rc = add_list(leaf, v);
        if (rc != 0)
            return rc;
        if (c->s[c->pos] == ')') {
            c->pos++;
            return 0;
        }
        if (c->s[c->pos] != ',')
            return cur_fail(c, "expecting \",\" or \")\" in the in list");
        c->pos++;
    }
}

static bool is_name_char(char ch)
{
    return ch != '\0' && ch != '.' && ch != ',' && ch != '(' && ch != ')' && ch != '"' && ch != ':';
}

static size_t name_len(const struct cur *c)
{
    size_t n = 0;

    while (is_name_char(c->s[c->pos + n]))
        n++;
    return n;
}

/* A comparison's value must be an input of the column's type (pgtype.h): PostgreSQL parses
 * the literal before it runs the query, so a bad one is its 400 (22P02, 22007, 22003...). */
static int check_literals(struct cur *c, const struct sb_cond *leaf)
{
    struct sb_column tmp;
    const struct pg_type *t = &sb_operand_column(c->t, leaf->col, leaf->jp, &tmp)->type;
    struct pg_value v;
    struct pg_error e;
    int rc = 0;

    bool regex = leaf->op == SB_OP_MATCH || leaf->op == SB_OP_IMATCH;

    if ((leaf->op == SB_OP_LIKE || leaf->op == SB_OP_ILIKE || regex) && t->kind != PG_UNKNOWN &&
        !pg_type_is_text(t)) { /* PostgreSQL has ~~ for text only: 42883, which PostgREST
                                  answers 404 */
        char name[64];
        sb_qerr_set(c->err, 404, "42883", NULL, "operator does not exist: %s %s unknown",
                    pg_type_name(t, name, sizeof name),
                    leaf->op == SB_OP_LIKE    ? "~~"
                    : leaf->op == SB_OP_ILIKE ? "~~*"
                    : leaf->op == SB_OP_MATCH ? "~"
                                              : "~*");
        c->err->at_execution = true;
        snprintf(c->err->hint, sizeof c->err->hint,
                 "No operator matches the given name and argument types. You might need to "
                 "add explicit type casts.");
        return FK_EINVAL;
    }
    if ((leaf->op == SB_OP_CS || leaf->op == SB_OP_CD || leaf->op == SB_OP_OV) &&
        t->kind != PG_UNKNOWN && !t->array) { /* arrays only here; jsonb and ranges have them
                                                 on PostgreSQL, the fake does not */
        char name[64];
        const char *op = leaf->op == SB_OP_CS ? "@>" : leaf->op == SB_OP_CD ? "<@" : "&&";
        if (t->kind == PG_JSONB) {
            sb_qerr_set(c->err, 400, "PGRST100", NULL,
                        "fake_supabase does not support %s on jsonb columns", op);
            return FK_EINVAL;
        }
        sb_qerr_set(c->err, 404, "42883", NULL, "operator does not exist: %s %s unknown",
                    pg_type_name(t, name, sizeof name), op);
        c->err->at_execution = true;
        snprintf(c->err->hint, sizeof c->err->hint,
                 "No operator matches the given name and argument types. You might need to "
                 "add explicit type casts.");
        return FK_EINVAL;
    }
    for (size_t i = 0; regex && i < (leaf->quant != 0 ? leaf->nlist : 1); i++) {
        /* PostgreSQL compiles the pattern when the query runs: 2201B */
        const char *pat = leaf->quant != 0 ? leaf->list[i] : leaf->value;
        char why[256];
        int bad = pat != NULL ? sb_regex_check(pat, leaf->op == SB_OP_IMATCH, why, sizeof why) : 0;
        if (bad < 0)
            return FK_ENOMEM;
        if (bad > 0) {
            sb_qerr_set(c->err, 400, "2201B", NULL, "%s", why);
            c->err->at_execution = true;
            return FK_EINVAL;
        }
    }
    if (regex || leaf->quant != 0) /* elements: read by the array's input */
        return 0;
    if (leaf->op == SB_OP_LIKE || leaf->op == SB_OP_ILIKE || leaf->op == SB_OP_IS ||
        t->kind == PG_UNKNOWN)
        return 0;
    for (size_t i = 0; rc == 0 && i < (leaf->op == SB_OP_IN ? leaf->nlist : 1); i++) {
        rc = pg_input_filter(t, leaf->op == SB_OP_IN ? leaf->list[i] : leaf->value, &v, &e);
        if (rc == 0)
            pg_value_free(&v);
    }
    if (rc == FK_EINVAL) {
        sb_qerr_set(c->err, 400, e.code, NULL, "%s", e.message);
        c->err->at_execution = true;
    }
    return rc;
}

/* PostgREST's quantOperator: the operators that take (any) and (all). */
static bool quantifiable(enum sb_op op)
{
    return op == SB_OP_EQ || op == SB_OP_GT || op == SB_OP_GTE || op == SB_OP_LT ||
           op == SB_OP_LTE || op == SB_OP_LIKE || op == SB_OP_ILIKE || op == SB_OP_MATCH ||
           op == SB_OP_IMATCH;
}

/* op(any).{a,b}: PostgreSQL reads the literal as an array of the column's type (of text for
 * the pattern operators), 22P02 when it is not one; its elements into leaf->list. */
static int quant_elements(struct cur *c, struct sb_cond *leaf)
{
    struct sb_column tmp;
    struct pg_type at = sb_operand_column(c->t, leaf->col, leaf->jp, &tmp)->type;
    bool pattern = leaf->op == SB_OP_LIKE || leaf->op == SB_OP_ILIKE || leaf->op == SB_OP_MATCH ||
                   leaf->op == SB_OP_IMATCH;
    struct pg_value v = {0};
    struct pg_error e;
    cJSON *arr, *el;
    int rc;

    if (pattern && pg_type_is_text(&at) == false && at.kind != PG_UNKNOWN)
        return 0; /* 42883 from check_literals */
    if (pattern || at.kind == PG_UNKNOWN || at.array)
        pg_type_parse("text", false, &at); /* patterns are text; no arrays of arrays here */
    at.array = true;
    rc = pg_input_filter(&at, leaf->value, &v, &e);
    if (rc == FK_EINVAL) {
        sb_qerr_set(c->err, 400, e.code, NULL, "%s", e.message);
        c->err->at_execution = true;
        return rc;
    }
    if (rc != 0)
        return rc;
    arr = v.t == PG_V_TEXT ? cJSON_Parse(v.s) : NULL;
    pg_value_free(&v);
    if (arr == NULL)
        return FK_ENOMEM;
    cJSON_ArrayForEach(el, arr)
    {
        char *s = cJSON_IsString(el) ? strdup(el->valuestring)
                  : cJSON_IsNull(el) ? NULL
                                     : cJSON_PrintUnformatted(el);
        char **grown = realloc(leaf->list, (leaf->nlist + 1) * sizeof(*grown));
        if (grown != NULL)
            leaf->list = grown;
        if (grown == NULL || (s == NULL && !cJSON_IsNull(el))) {
            free(s);
            cJSON_Delete(arr);
            return FK_ENOMEM;
        }
        leaf->list = grown;
        leaf->list[leaf->nlist++] = s;
    }
    cJSON_Delete(arr);
    return 0;
}

/* "[not.]op.value" at c->pos for column col; top: the value is the literal rest. */
static int read_op_value(struct cur *c, int col, bool top, struct sb_cond **out)
{
    struct sb_cond *leaf = calloc(1, sizeof(*leaf));
    size_t n;
    bool known;
    int rc;

    if (leaf == NULL) {
        sb_jpath_free(c->jp);
        c->jp = NULL;
        return FK_ENOMEM;
    }
    leaf->kind = SB_COND_LEAF;
    leaf->col = col;
    leaf->jp = c->jp;
    c->jp = NULL;
    n = name_len(c);
    if (n == 3 && strncmp(c->s + c->pos, "not", 3) == 0 && c->s[c->pos + 3] == '.') {
        leaf->negate = true;
        c->pos += 4;
        n = name_len(c);
    }
    known = op_lookup(c->s + c->pos, n, &leaf->op);
    if (known && quantifiable(leaf->op) &&
        (strncmp(c->s + c->pos + n, "(any).", 6) == 0 ||
         strncmp(c->s + c->pos + n, "(all).", 6) == 0)) { /* QueryParams.hs pQuantOp */
        leaf->quant = c->s[c->pos + n + 2] == 'n' ? 1 : 2;
        n += 5;
    }
    if (!known || c->s[c->pos + n] != '.') {
        rc = cur_fail(c, "unknown operator: expecting one of eq neq gt gte lt lte like ilike "
                         "match imatch is isdistinct in cs cd ov, followed by \".\"");
        goto fail;
    }
    c->pos += n + 1;
    if (leaf->op == SB_OP_IN) {
        rc = read_list(c, leaf);
    } else if (top) {
        leaf->value = strdup(c->s + c->pos);
        rc = leaf->value != NULL ? 0 : FK_ENOMEM;
        c->pos += strlen(c->s + c->pos);
    } else {
        rc = read_value(c, &leaf->value);
    }
    if (rc != 0)
        goto fail;
    if (leaf->op == SB_OP_IS) {
        static const char *const ok[] = {"null", "true", "false", "unknown"};
        bool good = false;
        for (size_t i = 0; i < 4; i++)
            if (strcasecmp(leaf->value, ok[i]) == 0) {
                good = true;
                memcpy(leaf->value, ok[i], strlen(ok[i]) + 1);
            }
        if (!good) {
            rc = cur_fail(c, "is takes null, true, false or unknown");
            goto fail;
        }
    }
    if (leaf->quant != 0 && (rc = quant_elements(c, leaf)) != 0)
        goto fail;
    if ((rc = check_literals(c, leaf)) != 0)
        goto fail;
    *out = leaf;
    return 0;
fail:
    sb_cond_free(leaf);
    return rc;
}

static int read_group(struct cur *c, struct sb_cond *g, int depth);

/* One item of a group: a nested [not.]and(...)/or(...) or col.[not.]op.value. */
static int read_item(struct cur *c, int depth, struct sb_cond **out)
{
    size_t n = name_len(c), save = c->pos;
    bool negate = false;
    int col;
    char name[128];
    size_t name_n;
    int rc;

    if (n == 3 && strncmp(c->s + c->pos, "not", 3) == 0 && c->s[c->pos + 3] == '.') {
        negate = true;
        c->pos += 4;
        n = name_len(c);
    }
    if (((n == 3 && strncmp(c->s + c->pos, "and", 3) == 0) ||
         (n == 2 && strncmp(c->s + c->pos, "or", 2) == 0)) &&
        c->s[c->pos + n] == '(') {
        struct sb_cond *g = calloc(1, sizeof(*g));
        if (g == NULL)
            return FK_ENOMEM;
        g->kind = n == 3 ? SB_COND_AND : SB_COND_OR;
        g->negate = negate;
        c->pos += n;
        rc = read_group(c, g, depth + 1);
        if (rc != 0) {
            sb_cond_free(g);
            return rc;
        }
        *out = g;
        return 0;
    }
    c->pos = save; /* "not" was a column name after all */
    n = name_len(c);
    if (n == 0 || c->s[c->pos + n] != '.')
        return cur_fail(c, "expecting a column name followed by \".\"");
    if (n >= sizeof(name))
        return sb_qerr_column(c->err, c->t, "(too long)");
    memcpy(name, c->s + c->pos, n);
    name[n] = '\0';
    rc = sb_jpath_split(name, &name_n, &c->jp);
    if (rc == FK_EINVAL)
        return cur_fail(c, "expecting a JSON key or index after \"->\"");
    if (rc != 0)
        return rc;
    name[name_n] = '\0';
    col = sb_table_column(c->t, name);
    if (col < 0) {
        sb_jpath_free(c->jp);
        c->jp = NULL;
        return sb_qerr_column(c->err, c->t, name);
    }
    c->pos += n + 1;
    return read_op_value(c, col, false, out);
}

/* "(item,item,...)" at c->pos into group g. */
static int read_group(struct cur *c, struct sb_cond *g, int depth)
{
    int rc;

    if (depth > SB_MAX_DEPTH)
        return cur_fail(c, "logic tree nested too deeply");
    if (c->s[c->pos] != '(')
        return cur_fail(c, "expecting \"(\"");
    c->pos++;
    for (;;) {
        struct sb_cond *kid = NULL;
        rc = read_item(c, depth, &kid);
        if (rc == 0)
            rc = add_kid(g, kid);
        if (rc != 0)
            return rc;
        if (c->s[c->pos] == ')') {
            c->pos++;
            return 0;
        }
        if (c->s[c->pos] != ',')
            return cur_fail(c, "expecting \",\" or \")\"");
        c->pos++;
    }
}

int sb_filter_parse(const struct sb_table *t, int col, const char *text, struct sb_cond **out,
                    struct sb_qerr *err)
{
    return sb_filter_parse_path(t, col, NULL, text, out, err);
}

int sb_filter_parse_path(const struct sb_table *t, int col, struct sb_jpath *jp, const char *text,
                         struct sb_cond **out, struct sb_qerr *err)
{
    struct cur c = {text, 0, "filter", t, err, jp};
    int rc;

    *out = NULL;
    rc = read_op_value(&c, col, true, out);
    if (rc == 0 && text[c.pos] != '\0') {
        sb_cond_free(*out);
        *out = NULL;
        return cur_fail(&c, "unexpected text after the in list");
    }
    return rc;
}

int sb_group_parse(const struct sb_table *t, enum sb_cond_kind kind, bool negate, const char *text,
                   struct sb_cond **out, struct sb_qerr *err)
{
    struct cur c = {text, 0, "logic tree", t, err, NULL};
    struct sb_cond *g = calloc(1, sizeof(*g));
    int rc;

    *out = NULL;
    if (g == NULL)
        return FK_ENOMEM;
    g->kind = kind;
    g->negate = negate;
    rc = read_group(&c, g, 1);
    if (rc == 0 && text[c.pos] != '\0')
        rc = cur_fail(&c, "unexpected text after the closing \")\"");
    if (rc != 0) {
        sb_cond_free(g);
        return rc;
    }
    *out = g;
    return 0;
}
