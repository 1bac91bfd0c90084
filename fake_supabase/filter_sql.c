/* filter_sql.c: the SQL half of filter.h (struct sb_query -> SQL text + bound parameters).
 *
 * The only text that enters SQL is this file's literals and identifiers that the parser
 * already found in the schema cache, double-quoted. Values always travel as parameters.
 * PostgreSQL semantics the fake copies on top of SQLite: LIKE is case-sensitive (so it
 * becomes GLOB), ILIKE compares lower-cased text, and null ordering is spelled out because
 * SQLite's default is the opposite of PostgreSQL's. */
#include "fake_supabase/filter.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_supabase/pgtype.h"

void sb_sql_init(struct sb_sql *q)
{
    memset(q, 0, sizeof(*q));
    fk_buf_init(&q->text, SB_SQL_MAX);
}

void sb_sql_cleanup(struct sb_sql *q)
{
    for (size_t i = 0; i < q->nparams; i++)
        free(q->params[i].s);
    free(q->params);
    fk_buf_cleanup(&q->text);
    memset(q, 0, sizeof(*q));
}

int sb_sql_raw(struct sb_sql *q, const char *sql)
{
    return fk_buf_addstr(&q->text, sql);
}

int sb_sql_ident(struct sb_sql *q, const char *name)
{
    int rc = fk_buf_add(&q->text, "\"", 1);

    while (rc == 0 && *name != '\0') {
        size_t run = strcspn(name, "\""); /* up to the next quote, appended in one piece */
        rc = fk_buf_add(&q->text, name, run);
        name += run;
        if (rc == 0 && *name == '"') {
            rc = fk_buf_add(&q->text, "\"\"", 2); /* "" is a quote inside a quoted name */
            name++;
        }
    }
    return rc == 0 ? fk_buf_add(&q->text, "\"", 1) : rc;
}

int sb_sql_param(struct sb_sql *q, const struct sb_param *p)
{
    struct sb_param copy = *p;

    copy.s = NULL;
    if (q->nparams >= SB_MAX_PARAMS)
        return FK_ERANGE;
    if (q->nparams == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 8;
        struct sb_param *grown = realloc(q->params, cap * sizeof(*grown));
        if (grown == NULL)
            return FK_ENOMEM;
        q->params = grown;
        q->cap = cap;
    }
    if (p->type == SB_PARAM_TEXT && (copy.s = strdup(p->s != NULL ? p->s : "")) == NULL)
        return FK_ENOMEM;
    if (fk_buf_add(&q->text, "?", 1) != 0) {
        free(copy.s);
        return FK_ERANGE;
    }
    q->params[q->nparams++] = copy;
    return 0;
}

static bool whole_int(const char *s, long long *out)
{
    char *end = NULL;

    if (s[0] == '\0' || isspace((unsigned char)s[0]))
        return false;
    errno = 0;
    *out = strtoll(s, &end, 10);
    return *end == '\0' && errno == 0;
}

static bool whole_real(const char *s, double *out)
{
    char *end = NULL;

    if (s[0] == '\0' || isspace((unsigned char)s[0]))
        return false;
    errno = 0;
    *out = strtod(s, &end);
    return *end == '\0' && errno == 0 && isfinite(*out);
}

int sb_sql_value(struct sb_sql *q, const struct sb_column *c, const char *text)
{
    struct sb_param p = {SB_PARAM_TEXT, 0, 0, (char *)text};

    if (c != NULL && c->type.kind != PG_UNKNOWN) { /* the storage form of the column's type */
        struct pg_value v;
        struct pg_error e;
        int rc = pg_input_filter(&c->type, text, &v, &e);
        if (rc == FK_EINVAL) /* checked by the parser; not a value of the type: no row */
            return sb_sql_raw(q, "NULL");
        if (rc != 0)
            return rc;
        rc = sb_sql_storage(q, &v);
        pg_value_free(&v);
        return rc;
    }

    if (c != NULL && c->is_bool &&
        (strcasecmp(text, "true") == 0 || strcasecmp(text, "false") == 0)) {
        p.type = SB_PARAM_INT;
        p.i = text[0] == 't' || text[0] == 'T';
    } else if (c != NULL &&
               (c->aff == SB_AFF_INTEGER || c->aff == SB_AFF_REAL || c->aff == SB_AFF_NUMERIC)) {
        if (whole_int(text, &p.i))
            p.type = SB_PARAM_INT;
        else if (whole_real(text, &p.d))
            p.type = SB_PARAM_REAL;
    }
    return sb_sql_param(q, &p);
}

int sb_sql_storage(struct sb_sql *q, const struct pg_value *v)
{
    struct sb_param p = {SB_PARAM_NULL, v->i, v->d, v->s};

    p.type = v->t == PG_V_INT    ? SB_PARAM_INT
             : v->t == PG_V_REAL ? SB_PARAM_REAL
             : v->t == PG_V_TEXT ? SB_PARAM_TEXT
                                 : SB_PARAM_NULL;
    return sb_sql_param(q, &p);
}

char *sb_like_to_glob(const char *pattern, bool lower)
{
    size_t n = 0;
    char *folded = lower ? pg_lower(pattern) : NULL; /* PostgreSQL's lower(), Unicode */
    char *out = malloc(strlen(folded != NULL ? folded : pattern) * 3 + 1);

    if (out == NULL || (lower && folded == NULL)) {
        free(out);
        free(folded);
        return NULL;
    }
    if (folded != NULL)
        pattern = folded;
    for (const char *p = pattern; *p != '\0'; p++) {
        char ch = *p;
        bool literal = false;
        if (ch == '\\' && p[1] != '\0') {
            ch = *++p;
            literal = true;
        }
        if (!literal && (ch == '*' || ch == '%')) {
            out[n++] = '*';
        } else if (!literal && ch == '_') {
            out[n++] = '?';
        } else if (ch == '*' || ch == '?' || ch == '[') {
            out[n++] = '[';
            out[n++] = ch;
            out[n++] = ']';
        } else {
            out[n++] = ch;
        }
    }
    out[n] = '\0';
    free(folded);
    return out;
}

const struct sb_column *sb_operand_column(const struct sb_table *t, int col,
                                          const struct sb_jpath *jp, struct sb_column *tmp)
{
    if (jp == NULL)
        return &t->cols[col];
    memset(tmp, 0, sizeof(*tmp));
    tmp->name = t->cols[col].name;
    tmp->aff = SB_AFF_TEXT;
    pg_type_parse(sb_jpath_is_text(jp) ? "text" : "jsonb", false, &tmp->type);
    tmp->is_json = !sb_jpath_is_text(jp);
    return tmp;
}

int sb_sql_operand(struct sb_sql *q, const struct sb_column *col, const struct sb_jpath *jp)
{
    char flags[64];
    int rc;

    if (jp == NULL)
        return sb_sql_ident(q, col->name);
    if (jp->n >= sizeof(flags) ||
        !(col->type.kind == PG_JSON || col->type.kind == PG_JSONB || col->type.array))
        return sb_sql_raw(q, "NULL");
    sb_jpath_flags(jp, flags);
    rc = sb_sql_raw(q, "pgrst_jpath(");
    if (rc == 0)
        rc = sb_sql_ident(q, col->name);
    if (rc == 0)
        rc = sb_sql_raw(q, ", '");
    if (rc == 0)
        rc = sb_sql_raw(q, flags); /* only the letters k K i I */
    if (rc == 0)
        rc = sb_sql_raw(q, "'");
    for (size_t i = 0; rc == 0 && i < jp->n; i++) {
        struct sb_param p = {SB_PARAM_TEXT, 0, 0, jp->steps[i].key};
        rc = sb_sql_raw(q, ", ");
        if (rc == 0)
            rc = sb_sql_param(q, &p);
    }
    return rc == 0 ? sb_sql_raw(q, ")") : rc;
}

int sb_sql_order(struct sb_sql *out, const struct sb_table *t, const struct sb_query *q)
{
    int rc = sb_sql_raw(out, " ORDER BY ");

    if (rc == 0 && q->norder == 0)
        return sb_sql_raw(out, "rowid");
    for (size_t i = 0; rc == 0 && i < q->norder; i++) {
        if (i > 0)
            rc = sb_sql_raw(out, ", ");
        struct sb_column tmp;
        const struct sb_column *c = sb_operand_column(t, q->order[i].col, q->order[i].jp, &tmp);
        if (rc == 0)
            rc = sb_sql_operand(out, &t->cols[q->order[i].col], q->order[i].jp);
        if (rc == 0 && pg_type_is_text(&c->type))
            rc = sb_sql_raw(out, " COLLATE pg_text");
        if (rc == 0)
            rc = sb_sql_raw(out, q->order[i].desc ? " DESC" : " ASC");
        if (rc == 0)
            rc = sb_sql_raw(out, q->order[i].nulls_first ? " NULLS FIRST" : " NULLS LAST");
    }
    return rc;
}

int sb_sql_select_list(struct sb_sql *out, const struct sb_table *t, const struct sb_query *q)
{
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < q->nsel; i++) {
        if (i > 0)
            rc = sb_sql_raw(out, ", ");
        if (rc == 0)
            rc = sb_sql_ident(out, t->cols[q->sel[i].col].name);
        if (rc == 0 && q->sel[i].alias != NULL) {
            rc = sb_sql_raw(out, " AS ");
            if (rc == 0)
                rc = sb_sql_ident(out, q->sel[i].alias);
        }
    }
    return rc;
}

int sb_sql_bind(const struct sb_sql *q, sqlite3_stmt *st)
{
    int rc = SQLITE_OK;

    for (size_t i = 0; rc == SQLITE_OK && i < q->nparams; i++) {
        const struct sb_param *p = &q->params[i];
        int idx = (int)i + 1;
        switch (p->type) {
        case SB_PARAM_NULL:
            rc = sqlite3_bind_null(st, idx);
            break;
        case SB_PARAM_INT:
            rc = sqlite3_bind_int64(st, idx, p->i);
            break;
        case SB_PARAM_REAL:
            rc = sqlite3_bind_double(st, idx, p->d);
            break;
        case SB_PARAM_TEXT:
            rc = sqlite3_bind_text(st, idx, p->s, -1, SQLITE_TRANSIENT);
            break;
        }
    }
    return rc;
}
