/* filter_tree.c: the WHERE clause of a filter tree (sb_sql_where), shaped to fit SQLite.
 *
 * SQLite parses "a OR b OR c ..." as a left-deep tree, one level per operator, and refuses an
 * expression deeper than 1,000 levels (SQLITE_MAX_EXPR_DEPTH); its parser also runs out of
 * stack after about 30 nested "(x OR (" (YYSTACKDEPTH, 100 entries). PostgreSQL takes
 * or=(...) with thousands of conditions, and so does PostgREST. So each group is written with
 * a depth that grows with the logarithm of its size:
 *   - equalities on one column inside an OR become one IN list, and not-equalities on one
 *     column inside an AND one NOT IN list; either is a single flat node, and means the
 *     same in SQL's three-valued logic (NULL stays NULL);
 *   - a group of more than SB_CHUNK items is a balanced tree of parenthesized chunks of at
 *     most SB_CHUNK items (AND and OR are associative and commutative here: no operand has
 *     side effects);
 *   - there, items that are groups go first: a left operand costs the parser one stack entry
 *     per nesting level, a right one three.
 * Whatever still does not fit (many levels of alternating groups of hundreds of items each)
 * fails to prepare, and errors.c answers that 400 54001, never 500. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fake_supabase/filter.h"

#define SB_CHUNK 16 /* items per chain: depth SB_CHUNK - 1 per level of chunks */

static const char *cmp_sql(enum sb_op op)
{
    switch (op) {
    case SB_OP_EQ:
        return " = ";
    case SB_OP_NEQ:
        return " <> ";
    case SB_OP_GT:
        return " > ";
    case SB_OP_GTE:
        return " >= ";
    case SB_OP_LT:
        return " < ";
    case SB_OP_LTE:
        return " <= ";
    case SB_OP_ISDISTINCT:
        return " IS NOT ";
    default:
        return NULL;
    }
}

/* A value of the leaf's operand: in the jsonb form pgrst_jpath gives a "->" node. */
static int value_sql(struct sb_sql *q, const struct sb_column *col, const struct sb_cond *c,
                     const char *text)
{
    int rc = c->jp != NULL && col->is_json ? sb_sql_raw(q, "pgrst_jnorm(") : 0;

    if (rc == 0)
        rc = sb_sql_value(q, col, text);
    return rc == 0 && c->jp != NULL && col->is_json ? sb_sql_raw(q, ")") : rc;
}

static int leaf_sql(struct sb_sql *q, const struct sb_table *t, const struct sb_cond *c)
{
    struct sb_column tmp;
    const struct sb_column *col = sb_operand_column(t, c->col, c->jp, &tmp);
    int rc = 0;

    if (c->quant != 0) { /* op(any)/op(all): each element, ORed or ANDed (empty: false/true) */
        rc = sb_sql_raw(q, c->nlist == 0 ? (c->quant == 1 ? "(0" : "(1") : "(");
        for (size_t i = 0; rc == 0 && i < c->nlist; i++) {
            struct sb_cond one = *c;
            one.quant = 0;
            one.value = c->list[i];
            one.list = NULL;
            one.nlist = 0;
            one.negate = false;
            if (i > 0)
                rc = sb_sql_raw(q, c->quant == 1 ? " OR " : " AND ");
            if (rc == 0)
                rc = one.value != NULL ? leaf_sql(q, t, &one) : sb_sql_raw(q, "NULL");
        }
        return rc == 0 ? sb_sql_raw(q, ")") : rc;
    }

    if (c->op == SB_OP_CS || c->op == SB_OP_CD || c->op == SB_OP_OV) { /* pgtype.h */
        bool swap = c->op == SB_OP_CD;
        rc = sb_sql_raw(q, c->op == SB_OP_OV ? "pg_arr_overlaps(" : "pg_arr_contains(");
        if (rc == 0)
            rc = swap ? value_sql(q, col, c, c->value) : sb_sql_operand(q, &t->cols[c->col], c->jp);
        if (rc == 0)
            rc = sb_sql_raw(q, ", ");
        if (rc == 0)
            rc = swap ? sb_sql_operand(q, &t->cols[c->col], c->jp) : value_sql(q, col, c, c->value);
        return rc == 0 ? sb_sql_raw(q, ")") : rc;
    }
    if (c->op == SB_OP_MATCH || c->op == SB_OP_IMATCH) { /* filter_regex.h */
        struct sb_param p = {SB_PARAM_TEXT, 0, 0, c->value};
        rc = sb_sql_raw(q, "pgrst_regex(");
        if (rc == 0)
            rc = sb_sql_operand(q, &t->cols[c->col], c->jp);
        if (rc == 0)
            rc = sb_sql_raw(q, ", ");
        if (rc == 0)
            rc = sb_sql_param(q, &p);
        return rc == 0 ? sb_sql_raw(q, c->op == SB_OP_IMATCH ? ", 1)" : ", 0)") : rc;
    }
    if (c->op == SB_OP_ILIKE)
        rc = sb_sql_raw(q, "pg_lower("); /* PostgreSQL's lower(): Unicode (pgtype.h) */
    if (rc == 0)
        rc = sb_sql_operand(q, &t->cols[c->col], c->jp);
    if (rc == 0 && c->op == SB_OP_ILIKE)
        rc = sb_sql_raw(q, ")");
    /* text compares in the collation (=, <> agree with bytes: ties break bytewise) */
    if (rc == 0 && pg_type_is_text(&col->type) &&
        (c->op == SB_OP_GT || c->op == SB_OP_GTE || c->op == SB_OP_LT || c->op == SB_OP_LTE))
        rc = sb_sql_raw(q, " COLLATE pg_text");
    if (rc != 0)
        return rc;
    switch (c->op) {
    case SB_OP_LIKE:
    case SB_OP_ILIKE: {
        struct sb_param p = {SB_PARAM_TEXT, 0, 0, sb_like_to_glob(c->value, c->op == SB_OP_ILIKE)};
        if (p.s == NULL)
            return FK_ENOMEM;
        rc = sb_sql_raw(q, " GLOB ");
        if (rc == 0)
            rc = sb_sql_param(q, &p);
        free(p.s);
        return rc;
    }
    case SB_OP_IS:
        if (strcmp(c->value, "true") == 0)
            return sb_sql_raw(q, " IS 1");
        if (strcmp(c->value, "false") == 0)
            return sb_sql_raw(q, " IS 0");
        return sb_sql_raw(q, " IS NULL"); /* null and unknown */
    case SB_OP_IN:
        rc = sb_sql_raw(q, " IN (");
        for (size_t i = 0; rc == 0 && i < c->nlist; i++) {
            if (i > 0)
                rc = sb_sql_raw(q, ", ");
            if (rc == 0)
                rc = value_sql(q, col, c, c->list[i]);
        }
        return rc == 0 ? sb_sql_raw(q, ")") : rc;
    default:
        rc = sb_sql_raw(q, cmp_sql(c->op));
        return rc == 0 ? value_sql(q, col, c, c->value) : rc;
    }
}

/* The items of one group as written: the kids, with lists merged (below). merged[] are
 * leaves built here whose list borrows the kids' strings; they are never sb_cond_free()d. */
struct items {
    const struct sb_cond **v;
    size_t n;
    struct sb_cond *merged;
    size_t nmerged;
};

static void items_free(struct items *it)
{
    for (size_t i = 0; i < it->nmerged; i++)
        free(it->merged[i].list);
    free(it->merged);
    free(it->v);
}

/* Can leaf k of a kind group join a list on its column? Inside OR: "= v" and "IN (...)";
 * inside AND: "<> v", "NOT (= v)" and "NOT (IN (...))". */
static bool listable(const struct sb_cond *k, enum sb_cond_kind kind)
{
    if (k->kind != SB_COND_LEAF || k->jp != NULL || k->quant != 0) /* not the column's IN */
        return false;
    if (kind == SB_COND_OR)
        return !k->negate && (k->op == SB_OP_EQ || k->op == SB_OP_IN);
    return (k->negate && (k->op == SB_OP_EQ || k->op == SB_OP_IN)) ||
           (!k->negate && k->op == SB_OP_NEQ);
}

static size_t list_len(const struct sb_cond *k)
{
    return k->op == SB_OP_IN ? k->nlist : 1;
}

/* The merged leaf of g's listable kids on col (at least two of them), in kid order. */
static int merge_column(const struct sb_cond *g, int col, struct sb_cond *m)
{
    size_t n = 0;

    memset(m, 0, sizeof(*m));
    for (size_t i = 0; i < g->nkids; i++)
        if (listable(g->kids[i], g->kind) && g->kids[i]->col == col)
            n += list_len(g->kids[i]);
    if ((m->list = malloc((n > 0 ? n : 1) * sizeof(*m->list))) == NULL)
        return FK_ENOMEM;
    m->kind = SB_COND_LEAF;
    m->op = SB_OP_IN;
    m->negate = g->kind == SB_COND_AND;
    m->col = col;
    for (size_t i = 0; i < g->nkids; i++) {
        const struct sb_cond *k = g->kids[i];
        if (!listable(k, g->kind) || k->col != col)
            continue;
        if (k->op == SB_OP_IN)
            for (size_t j = 0; j < k->nlist; j++)
                m->list[m->nlist++] = k->list[j];
        else
            m->list[m->nlist++] = k->value;
    }
    return 0;
}

/* Groups before leaves, each in their order (a stable partition of v). */
static void groups_first(const struct sb_cond **v, size_t n)
{
    size_t groups = 0;

    for (size_t i = 0; i < n; i++) {
        const struct sb_cond *g = v[i];
        if (g->kind == SB_COND_LEAF)
            continue;
        memmove(&v[groups + 1], &v[groups], (i - groups) * sizeof(*v));
        v[groups++] = g;
    }
}

/* g's kids as items: the listable kids of one column, when there are two or more, become one
 * merged leaf at the place of the first; groups go first when g will be chunked. */
static int collect(const struct sb_table *t, const struct sb_cond *g, struct items *it)
{
    size_t *count = calloc(t->ncols + 1, sizeof(*count));
    int rc = 0;

    memset(it, 0, sizeof(*it));
    it->v = malloc((g->nkids + 1) * sizeof(*it->v));
    it->merged = calloc(g->nkids + 1, sizeof(*it->merged));
    if (count == NULL || it->v == NULL || it->merged == NULL) {
        free(count);
        return FK_ENOMEM;
    }
    for (size_t i = 0; i < g->nkids; i++)
        if (listable(g->kids[i], g->kind))
            count[g->kids[i]->col]++;
    for (size_t i = 0; rc == 0 && i < g->nkids; i++) {
        const struct sb_cond *k = g->kids[i];
        if (!listable(k, g->kind) || count[k->col] < 2) {
            it->v[it->n++] = k;
        } else if (count[k->col] != SIZE_MAX) { /* the first of its column */
            count[k->col] = SIZE_MAX;
            rc = merge_column(g, k->col, &it->merged[it->nmerged]);
            if (rc == 0)
                it->v[it->n++] = &it->merged[it->nmerged++];
        }
    }
    free(count);
    if (rc == 0 && it->n > SB_CHUNK)
        groups_first(it->v, it->n);
    return rc;
}

static int cond_sql(struct sb_sql *q, const struct sb_table *t, const struct sb_cond *c);

/* v[0..n) joined by op; more than SB_CHUNK of them as parenthesized chunks, balanced. */
static int chain_sql(struct sb_sql *q, const struct sb_table *t, const struct sb_cond **v, size_t n,
                     const char *op)
{
    int rc = 0;

    if (n <= SB_CHUNK) {
        for (size_t i = 0; rc == 0 && i < n; i++) {
            if (i > 0)
                rc = sb_sql_raw(q, op);
            if (rc == 0)
                rc = cond_sql(q, t, v[i]);
        }
        return rc;
    }
    for (size_t part = 0, at = 0; rc == 0 && part < SB_CHUNK; part++) {
        size_t len = n / SB_CHUNK + (part < n % SB_CHUNK);
        if (part > 0)
            rc = sb_sql_raw(q, op);
        if (rc == 0)
            rc = sb_sql_raw(q, "(");
        if (rc == 0)
            rc = chain_sql(q, t, v + at, len, op);
        if (rc == 0)
            rc = sb_sql_raw(q, ")");
        at += len;
    }
    return rc;
}

/* "[NOT ](...)" for a leaf or a group. */
static int cond_sql(struct sb_sql *q, const struct sb_table *t, const struct sb_cond *c)
{
    const char *op = c->kind == SB_COND_AND ? " AND " : " OR ";
    struct items it;
    int rc = 0;

    if (c->negate)
        rc = sb_sql_raw(q, "NOT ");
    if (rc == 0)
        rc = sb_sql_raw(q, "(");
    if (rc != 0)
        return rc;
    if (c->kind == SB_COND_LEAF)
        rc = leaf_sql(q, t, c);
    else if (c->nkids == 0)
        rc = sb_sql_raw(q, c->kind == SB_COND_AND ? "1" : "0");
    else {
        rc = collect(t, c, &it);
        if (rc == 0)
            rc = chain_sql(q, t, it.v, it.n, op);
        items_free(&it);
    }
    return rc == 0 ? sb_sql_raw(q, ")") : rc;
}

int sb_sql_where(struct sb_sql *q, const struct sb_table *t, const struct sb_cond *c)
{
    return c == NULL ? sb_sql_raw(q, "1") : cond_sql(q, t, c);
}
