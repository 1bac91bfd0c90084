/* filter_query.c: the structural query fields of filter.h (select, order, limit, offset,
 * columns, on_conflict) and sb_query_parse, which routes every other field to the filter
 * grammar in filter.c. Lists are split on commas; names are looked up in the schema cache. */
#include "fake_supabase/filter.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_supabase/filter_int.h"

/* limit= / offset= into *out (filter.h, struct sb_count); *text gets a copy of the digits
 * when the value is past int64 (text may be NULL: not kept). 0 or FK_ENOMEM. */
static int parse_count(const char *s, struct sb_count *out, char **text)
{
    const char *p = s, *digits;
    char *end = NULL;

    memset(out, 0, sizeof(*out));
    if (text != NULL) {
        free(*text);
        *text = NULL;
    }
    while (isspace((unsigned char)*p))
        p++;
    digits = *p == '-' ? p + 1 : p;
    if (!isdigit((unsigned char)*digits))
        return 0;
    errno = 0;
    out->v = strtoll(p, &end, 10);
    out->big = errno == ERANGE;
    while (isspace((unsigned char)*end))
        end++;
    if (*end != '\0')
        return 0; /* not an integer: ignored */
    out->set = true;
    if (!out->big || out->v < 0 || text == NULL)
        return 0;
    while (*digits == '0')
        digits++; /* as PostgREST prints the Integer */
    *text = strndup(digits, strspn(digits, "0123456789"));
    return *text != NULL ? 0 : FK_ENOMEM;
}

/* Split a comma list, calling fn on each trimmed item (a mutable copy). */
static int each_item(const char *text, int (*fn)(void *ctx, char *item, size_t pos), void *ctx)
{
    char *copy = strdup(text), *p;
    int rc = 0;

    if (copy == NULL)
        return FK_ENOMEM;
    p = copy;
    while (rc == 0) {
        char *comma = p;
        char *item = p, *end;
        int depth = 0;
        for (; *comma != '\0' && (*comma != ',' || depth > 0); comma++) /* "rel(a,b)" is one */
            depth += *comma == '(' ? 1 : *comma == ')' && depth > 0 ? -1 : 0;
        if (*comma == '\0')
            comma = NULL;
        if (comma != NULL)
            *comma = '\0';
        while (*item == ' ')
            item++;
        end = item + strlen(item);
        while (end > item && end[-1] == ' ')
            *--end = '\0';
        rc = fn(ctx, item, (size_t)(item - copy));
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    free(copy);
    return rc;
}

struct list_ctx {
    const struct sb_table *t;
    struct sb_query *q;
    struct sb_qerr *err;
    const char *text;
};

static int order_item(void *vctx, char *item, size_t pos)
{
    struct list_ctx *x = vctx;
    struct sb_order o = {0, NULL, false, false}, *grown;
    char *mod = strchr(item, '.');
    bool nulls_set = false;
    size_t name_n;
    int rc;

    if (mod != NULL)
        *mod++ = '\0';
    if (item[0] == '\0')
        return sb_qerr_parse(x->err, "order", x->text, pos, "expecting a column name");
    if ((rc = sb_jpath_split(item, &name_n, &o.jp)) != 0)
        return rc == FK_EINVAL ? sb_qerr_parse(x->err, "order", x->text, pos,
                                               "expecting a JSON key or index after \"->\"")
                               : rc;
    item[name_n] = '\0';
    o.col = sb_table_column(x->t, item);
    if (o.col < 0) {
        sb_jpath_free(o.jp);
        return sb_qerr_column(x->err, x->t, item);
    }
    while (mod != NULL) {
        char *next = strchr(mod, '.');
        if (next != NULL)
            *next++ = '\0';
        if (strcmp(mod, "asc") == 0 || strcmp(mod, "desc") == 0) {
            o.desc = mod[0] == 'd';
        } else if (strcmp(mod, "nullsfirst") == 0 || strcmp(mod, "nullslast") == 0) {
            o.nulls_first = mod[5] == 'f';
            nulls_set = true;
        } else {
            sb_jpath_free(o.jp);
            return sb_qerr_parse(x->err, "order", x->text, pos,
                                 "expecting asc, desc, nullsfirst or nullslast");
        }
        mod = next;
    }
    /* PostgreSQL's defaults: ASC puts nulls last, DESC puts them first. */
    if (!nulls_set)
        o.nulls_first = o.desc;
    /* A column already ordered on only breaks ties it has itself made: the term changes no
     * order, so it is left out, which keeps any number of terms within SQLite's 2,000. */
    for (size_t i = 0; o.jp == NULL && i < x->q->norder; i++)
        if (x->q->order[i].col == o.col && x->q->order[i].jp == NULL)
            return 0;
    grown = realloc(x->q->order, (x->q->norder + 1) * sizeof(*grown));
    if (grown == NULL) {
        sb_jpath_free(o.jp);
        return FK_ENOMEM;
    }
    x->q->order = grown;
    grown[x->q->norder++] = o;
    return 0;
}

static int add_select(struct sb_query *q, int col, const char *alias, struct sb_jpath *jp,
                      bool as_text)
{
    /* The capacity is 8, 16, 32...: grown only when nsel reaches it ("*" adds every column). */
    bool full = q->nsel == 0 || (q->nsel >= 8 && (q->nsel & (q->nsel - 1)) == 0);
    struct sb_select *grown = q->sel;

    if (full)
        grown = realloc(q->sel, (q->nsel == 0 ? 8 : q->nsel * 2) * sizeof(*grown));
    if (grown == NULL) {
        sb_jpath_free(jp);
        return FK_ENOMEM;
    }
    q->sel = grown;
    grown[q->nsel] = (struct sb_select){col, NULL, jp, as_text};
    q->nsel++; /* cleaned up from here on */
    if (alias != NULL && (grown[q->nsel - 1].alias = strdup(alias)) == NULL)
        return FK_ENOMEM;
    return 0;
}

/* An embedding "[alias:]rel[!hint][!inner](select)", kept as written for postgrest_embed.c,
 * which resolves it against the schema cache. */
static int add_embed(struct sb_query *q, const char *item)
{
    char **grown = realloc(q->embed_items, (q->nembed_items + 1) * sizeof(*grown));

    if (grown == NULL)
        return FK_ENOMEM;
    q->embed_items = grown;
    if ((grown[q->nembed_items] = strdup(item)) == NULL)
        return FK_ENOMEM;
    q->nembed_items++;
    return 0;
}

static int select_item(void *vctx, char *item, size_t pos)
{
    struct list_ctx *x = vctx;
    char *colon, *cast, *name = item, *alias = NULL;
    struct sb_jpath *jp = NULL;
    bool as_text = false;
    size_t name_n;
    int col, rc;

    if (strchr(item, '(') != NULL || strchr(item, ')') != NULL) {
        size_t len = strlen(item);
        /* QueryParams.hs pRelationSelect: a name, then "(...)" closing the item */
        if (item[0] == '(' || item[0] == ':' || item[0] == '!' || len < 3 || item[len - 1] != ')')
            return sb_qerr_parse(x->err, "select parameter", x->text, pos,
                                 "expecting a relation name followed by \"(\" ... \")\"");
        return add_embed(x->q, item);
    }
    cast = strstr(item, "::");
    if (cast != NULL) { /* ::text and its kin render PostgreSQL's text; other casts change
                           nothing the fake returns */
        *cast = '\0';
        as_text = strcmp(cast + 2, "text") == 0 || strcmp(cast + 2, "varchar") == 0 ||
                  strcmp(cast + 2, "character varying") == 0;
    }
    colon = strchr(item, ':');
    if (colon != NULL) {
        *colon = '\0';
        alias = item;
        name = colon + 1;
    }
    if (strcmp(name, "*") == 0 && alias == NULL) {
        for (size_t i = 0; i < x->t->ncols; i++)
            if (add_select(x->q, (int)i, NULL, NULL, false) != 0)
                return FK_ENOMEM;
        return 0;
    }
    if (name[0] == '\0' || (alias != NULL && alias[0] == '\0'))
        return sb_qerr_parse(x->err, "select parameter", x->text, pos, "expecting a column name");
    if ((rc = sb_jpath_split(name, &name_n, &jp)) != 0)
        return rc == FK_EINVAL ? sb_qerr_parse(x->err, "select parameter", x->text, pos,
                                               "expecting a JSON key or index after \"->\"")
                               : rc;
    name[name_n] = '\0';
    col = sb_table_column(x->t, name);
    if (col < 0) {
        sb_jpath_free(jp);
        return sb_qerr_column(x->err, x->t, name);
    }
    return add_select(x->q, col, alias, jp, as_text);
}

/* One name of columns= or on_conflict=, optionally double-quoted. */
struct name_ctx {
    struct list_ctx *x;
    bool is_columns;
    int **out;
    size_t *n;
};

static int name_item(void *vctx, char *p, size_t pos)
{
    struct name_ctx *y = vctx;
    size_t len = strlen(p);
    int col, *grown;

    if (len >= 2 && p[0] == '"' && p[len - 1] == '"') {
        p[len - 1] = '\0';
        p++;
    }
    if (p[0] == '\0')
        return sb_qerr_parse(y->x->err, y->is_columns ? "columns" : "on_conflict", y->x->text, pos,
                             "expecting a column name");
    col = sb_table_column(y->x->t, p);
    if (col < 0 && y->is_columns) {
        sb_qerr_set(y->x->err, 400, "PGRST204", NULL,
                    "Could not find the '%.80s' column of '%.80s' in the schema cache", p,
                    y->x->t->name);
        return FK_EINVAL;
    }
    if (col < 0) {
        sb_qerr_set(y->x->err, 400, "42703", NULL, "column \"%.80s\" does not exist", p);
        return FK_EINVAL;
    }
    grown = realloc(*y->out, (*y->n + 1) * sizeof(*grown));
    if (grown == NULL)
        return FK_ENOMEM;
    *y->out = grown;
    grown[(*y->n)++] = col;
    return 0;
}

static int name_list(struct list_ctx *x, const char *text, bool is_columns, int **out, size_t *n)
{
    struct name_ctx y = {x, is_columns, out, n};

    free(*out); /* a repeated parameter: the last one wins */
    *out = NULL;
    *n = 0;
    return each_item(text, name_item, &y);
}

/* AND c into q->where. Takes ownership of c. */
static int and_into(struct sb_query *q, struct sb_cond *c)
{
    struct sb_cond **grown;

    if (q->where == NULL) {
        q->where = calloc(1, sizeof(*q->where));
        if (q->where == NULL) {
            sb_cond_free(c);
            return FK_ENOMEM;
        }
        q->where->kind = SB_COND_AND;
    }
    grown = realloc(q->where->kids, (q->where->nkids + 1) * sizeof(*grown));
    if (grown == NULL) {
        sb_cond_free(c);
        return FK_ENOMEM;
    }
    q->where->kids = grown;
    grown[q->where->nkids++] = c;
    return 0;
}

static int parse_field(const struct sb_table *t, const struct fk_kv *kv, struct sb_query *q,
                       struct sb_qerr *err)
{
    struct list_ctx x = {t, q, err, kv->value};
    struct sb_cond *c = NULL;
    const char *k = kv->key;
    int rc, col;

    if (strcmp(k, "select") == 0)
        return each_item(kv->value, select_item, &x);
    if (strcmp(k, "order") == 0)
        return each_item(kv->value, order_item, &x);
    if (strcmp(k, "limit") == 0)
        return parse_count(kv->value, &q->limit, NULL);
    if (strcmp(k, "offset") == 0)
        return parse_count(kv->value, &q->offset, &q->offset_text);
    if (strcmp(k, "columns") == 0)
        return name_list(&x, kv->value, true, &q->columns, &q->ncolumns);
    if (strcmp(k, "on_conflict") == 0)
        return name_list(&x, kv->value, false, &q->on_conflict, &q->non_conflict);
    if (strcmp(k, "apikey") == 0)
        return 0; /* the gateway accepts the key as a url param; it is no filter */
    if (strcmp(k, "or") == 0 || strcmp(k, "and") == 0 || strcmp(k, "not.or") == 0 ||
        strcmp(k, "not.and") == 0) {
        bool neg = k[0] == 'n';
        const char *kind = neg ? k + 4 : k;
        rc = sb_group_parse(t, kind[0] == 'o' ? SB_COND_OR : SB_COND_AND, neg, kv->value, &c, err);
    } else {
        struct sb_jpath *jp = NULL;
        size_t name_n;
        char name[128];
        if ((rc = sb_jpath_split(k, &name_n, &jp)) != 0)
            return rc == FK_EINVAL ? sb_qerr_parse(err, "filter", k, 0,
                                                   "expecting a JSON key or index after \"->\"")
                                   : rc;
        snprintf(name, sizeof(name), "%.*s", (int)(name_n < 127 ? name_n : 127), k);
        col = sb_table_column(t, name);
        if (col < 0) {
            sb_jpath_free(jp);
            return sb_qerr_column(err, t, name);
        }
        rc = sb_filter_parse_path(t, col, jp, kv->value, &c, err);
    }
    return rc == 0 ? and_into(q, c) : rc;
}

int sb_query_parse(const struct sb_table *t, const struct fk_kv *args, size_t nargs,
                   struct sb_query *q, struct sb_qerr *err)
{
    bool have_select = false;
    int rc = 0;

    memset(q, 0, sizeof(*q));
    for (size_t i = 0; rc == 0 && i < nargs; i++) {
        have_select |= strcmp(args[i].key, "select") == 0;
        rc = parse_field(t, &args[i], q, err);
    }
    if (rc == FK_ENOMEM)
        sb_qerr_set(err, 500, "XX000", NULL, "out of memory");
    if (rc == 0 && !have_select)
        for (size_t i = 0; rc == 0 && i < t->ncols; i++)
            rc = add_select(q, (int)i, NULL, NULL, false);
    return rc;
}

void sb_query_cleanup(struct sb_query *q)
{
    for (size_t i = 0; i < q->nsel; i++) {
        free(q->sel[i].alias);
        sb_jpath_free(q->sel[i].jp);
    }
    free(q->sel);
    sb_cond_free(q->where);
    for (size_t i = 0; i < q->norder; i++)
        sb_jpath_free(q->order[i].jp);
    free(q->order);
    free(q->on_conflict);
    free(q->columns);
    free(q->offset_text);
    for (size_t i = 0; i < q->nembed_items; i++)
        free(q->embed_items[i]);
    free(q->embed_items);
    memset(q, 0, sizeof(*q));
}
