/* ddl.c: the DDL reader's statements loop, parser helpers, output and files (ddl.h).
 *
 * A file is tokenised whole (ddl_lex.h), then split at top-level semicolons (a function body
 * is one dollar-quoted token, so its semicolons never split). Each statement is dispatched by
 * its first words; the ones the reader does not honour are skipped with a warning. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fake_supabase/ddl_int.h"
#include "fakekit/buf.h"

#define DDL_FILE_MAX  (4 * 1024 * 1024)
#define LEGACY_MARKER "-- fake_supabase: sqlite"

int ddl_alter_table(struct ddl_p *p);
int ddl_create_index(struct ddl_p *p);
int ddl_create_policy(struct ddl_p *p);
int ddl_create_type(struct ddl_p *p);
int ddl_drop(struct ddl_p *p);

const struct ddl_tok *ddl_peek(const struct ddl_p *p, size_t ahead)
{
    size_t k = p->i + ahead;

    return k < p->end ? &p->t[k] : &p->eof;
}

bool ddl_accept_kw(struct ddl_p *p, const char *word)
{
    if (!ddl_is_kw(ddl_peek(p, 0), word))
        return false;
    p->i++;
    return true;
}

bool ddl_accept_op(struct ddl_p *p, const char *op)
{
    if (!ddl_is_op(ddl_peek(p, 0), op))
        return false;
    p->i++;
    return true;
}

/* The position of token k, or of the statement's end when k is past it. */
static void where(const struct ddl_p *p, const struct ddl_tok *k, int *line, int *col)
{
    const struct ddl_tok *at = k->line > 0 ? k : &p->t[p->end];

    *line = at->line;
    *col = at->col;
}

int ddl_fail_at(struct ddl_p *p, const struct ddl_tok *k, const char *fmt, ...)
{
    char why[FK_ERRMSG_MAX];
    int line, col;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    where(p, k, &line, &col);
    fk_error_set(p->err, "%s:%d:%d: %s", p->file, line, col, why);
    return FK_EINVAL;
}

int ddl_syntax(struct ddl_p *p, const char *expected)
{
    const struct ddl_tok *k = ddl_peek(p, 0);

    if (k->kind == DDL_T_EOF)
        return ddl_fail_at(p, k, "syntax error at end of statement (expected %s)", expected);
    return ddl_fail_at(p, k, "syntax error at or near \"%.60s\" (expected %s)", k->text, expected);
}

int ddl_expect_kw(struct ddl_p *p, const char *word)
{
    return ddl_accept_kw(p, word) ? 0 : ddl_syntax(p, word);
}

int ddl_expect_op(struct ddl_p *p, const char *op)
{
    char want[16];

    if (ddl_accept_op(p, op))
        return 0;
    snprintf(want, sizeof(want), "\"%s\"", op);
    return ddl_syntax(p, want);
}

int ddl_name(struct ddl_p *p, char **out)
{
    const struct ddl_tok *k = ddl_peek(p, 0);

    *out = NULL;
    if (!ddl_is_name(k))
        return ddl_syntax(p, "a name");
    p->i++;
    *out = strdup(k->text);
    return *out != NULL ? 0 : FK_ENOMEM;
}

int ddl_qname(struct ddl_p *p, char **schema, char **name)
{
    int rc = ddl_name(p, name);

    *schema = NULL;
    if (rc == 0 && ddl_accept_op(p, ".")) {
        *schema = *name;
        rc = ddl_name(p, name);
    }
    return rc;
}

size_t ddl_close_paren(const struct ddl_p *p, size_t open)
{
    int depth = 0;

    for (size_t k = open; k < p->end; k++) {
        depth += ddl_is_op(&p->t[k], "(") - ddl_is_op(&p->t[k], ")");
        if (depth == 0)
            return k;
    }
    return p->end;
}

static int add_warning(struct ddl_reader *r, const char *line)
{
    char **grown = realloc(r->warnings, (r->nwarnings + 1) * sizeof(*grown));
    char *copy = strdup(line);

    if (grown != NULL)
        r->warnings = grown;
    if (grown == NULL || copy == NULL) {
        free(copy);
        return FK_ENOMEM;
    }
    r->warnings[r->nwarnings++] = copy;
    return 0;
}

int ddl_warn(struct ddl_p *p, const struct ddl_tok *k, const char *fmt, ...)
{
    char why[FK_ERRMSG_MAX], line[FK_ERRMSG_MAX + 64];
    int l, c;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    where(p, k, &l, &c);
    snprintf(line, sizeof(line), "%s:%d: %s", p->file, l, why);
    return add_warning(p->r, line);
}

int ddl_warn_skip(struct ddl_p *p, size_t from)
{
    size_t last = from + 5 < p->end ? from + 5 : p->end - 1;
    const char *s = p->text + p->t[from].off, *e = p->text + p->t[last].end;
    char words[96];
    size_t n = 0;

    for (; s < e && n + 4 < sizeof(words); s++) {
        bool space = *s == ' ' || *s == '\n' || *s == '\t' || *s == '\r';
        if (!space)
            words[n++] = *s;
        else if (n > 0 && words[n - 1] != ' ')
            words[n++] = ' ';
    }
    if (s < e)
        n += (size_t)snprintf(words + n, sizeof(words) - n, "...");
    words[n] = '\0';
    p->i = p->end;
    return ddl_warn(p, &p->t[from], "skipped: %s", words);
}

struct ddl_table *ddl_table_find(struct ddl_reader *r, const char *name)
{
    for (size_t i = 0; i < r->ntables; i++)
        if (strcmp(r->tables[i].name, name) == 0)
            return &r->tables[i];
    return NULL;
}

struct ddl_col *ddl_col_find(struct ddl_table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return &t->cols[i];
    return NULL;
}

bool ddl_is_public(const char *schema)
{
    return schema == NULL || strcmp(schema, "public") == 0;
}

static int statement(struct ddl_p *p)
{
    size_t start = p->i;

    if (ddl_accept_kw(p, "begin") || ddl_accept_kw(p, "commit") || ddl_accept_kw(p, "end") ||
        (ddl_is_kw(ddl_peek(p, 0), "start") && ddl_is_kw(ddl_peek(p, 1), "transaction"))) {
        p->i = p->end; /* the migration's own transaction: nothing to do */
        return 0;
    }
    if (ddl_accept_kw(p, "create")) {
        if (ddl_is_kw(ddl_peek(p, 0), "table") || ddl_is_kw(ddl_peek(p, 0), "unlogged") ||
            ddl_is_kw(ddl_peek(p, 0), "temp") || ddl_is_kw(ddl_peek(p, 0), "temporary"))
            return ddl_create_table(p);
        if (ddl_is_kw(ddl_peek(p, 0), "index") ||
            (ddl_is_kw(ddl_peek(p, 0), "unique") && ddl_is_kw(ddl_peek(p, 1), "index")))
            return ddl_create_index(p);
        if (ddl_accept_kw(p, "policy"))
            return ddl_create_policy(p);
        if (ddl_accept_kw(p, "type"))
            return ddl_create_type(p);
    } else if (ddl_accept_kw(p, "alter")) {
        if (ddl_accept_kw(p, "table"))
            return ddl_alter_table(p);
    } else if (ddl_accept_kw(p, "drop")) {
        return ddl_drop(p);
    }
    return ddl_warn_skip(p, start);
}

int ddl_reader_add(struct ddl_reader *r, const char *name, const char *text, struct fk_error *err)
{
    struct ddl_toks toks;
    struct fk_error lexerr;
    int rc;

    if (strncmp(text, LEGACY_MARKER, strlen(LEGACY_MARKER)) == 0) {
        if (r->ntables > 0 || r->legacy) {
            fk_error_set(err, "%s: a SQLite schema (%s) cannot be combined with other files", name,
                         LEGACY_MARKER);
            return FK_EINVAL;
        }
        r->legacy = true;
        r->legacy_sql = strdup(text);
        return r->legacy_sql != NULL ? 0 : FK_ENOMEM;
    }
    if (r->legacy) {
        fk_error_set(err, "%s: a SQLite schema (%s) cannot be combined with other files", name,
                     LEGACY_MARKER);
        return FK_EINVAL;
    }
    rc = ddl_lex(text, &toks, &lexerr);
    if (rc != 0) {
        fk_error_set(err, "%s:%s", name, lexerr.msg);
        return rc;
    }
    for (size_t s = 0; rc == 0 && s < toks.n;) {
        size_t e = s;
        while (e < toks.n && !ddl_is_op(&toks.v[e], ";"))
            e++;
        if (e > s) {
            struct ddl_p p = {r, name, text, toks.v, s, e, err, toks.v[e]};
            p.eof.kind = DDL_T_EOF;
            p.eof.text = (char *)"";
            rc = statement(&p);
            if (rc == 0 && p.i < p.end)
                rc = ddl_syntax(&p, "the end of the statement");
        }
        s = e + 1;
    }
    if (rc == FK_ENOMEM)
        fk_error_set(err, "%s: out of memory", name);
    if (rc == FK_EINVAL &&
        (strstr(text, "randomblob(") != NULL || strstr(text, "strftime(") != NULL)) {
        char why[FK_ERRMSG_MAX];
        snprintf(why, sizeof(why), "%s", err->msg);
        fk_error_set(err,
                     "%.400s (a SQLite schema of earlier versions? its first line must be "
                     "\"" LEGACY_MARKER "\")",
                     why);
    }
    ddl_toks_free(&toks);
    return rc;
}

struct ddl_reader *ddl_reader_new(void)
{
    return calloc(1, sizeof(struct ddl_reader));
}

static void policy_cleanup(struct ddl_policy *pol)
{
    free(pol->name);
    free(pol->table);
    free(pol->using_expr);
    free(pol->check_expr);
    free(pol->where);
}

void ddl_reader_free(struct ddl_reader *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->ntables; i++)
        ddl_table_cleanup(&r->tables[i]);
    for (size_t i = 0; i < r->nindexes; i++) {
        free(r->indexes[i].name);
        free(r->indexes[i].table);
        free(r->indexes[i].sql);
    }
    for (size_t i = 0; i < r->nenums; i++) {
        free(r->enums[i].name);
        free(r->enums[i].check);
    }
    for (size_t i = 0; i < r->npolicies; i++)
        policy_cleanup(&r->policies[i]);
    for (size_t i = 0; i < r->nwarnings; i++)
        free(r->warnings[i]);
    free(r->tables);
    free(r->indexes);
    free(r->enums);
    free(r->policies);
    free(r->warnings);
    free(r->legacy_sql);
    free(r);
}

void ddl_result_free(struct ddl_result *out)
{
    if (out == NULL)
        return;
    free(out->sqlite);
    for (size_t i = 0; i < out->nrls_tables; i++)
        free(out->rls_tables[i]);
    for (size_t i = 0; i < out->npolicies; i++)
        policy_cleanup(&out->policies[i]);
    for (size_t i = 0; i < out->nwarnings; i++)
        free(out->warnings[i]);
    for (size_t i = 0; i < out->ntypes; i++) {
        free(out->types[i].table);
        free(out->types[i].column);
        free(out->types[i].type);
    }
    free(out->types);
    free(out->rls_tables);
    free(out->policies);
    free(out->warnings);
    memset(out, 0, sizeof(*out));
}

static int column_types(const struct ddl_reader *r, struct ddl_result *out)
{
    size_t n = 0;

    for (size_t i = 0; i < r->ntables; i++)
        n += r->tables[i].ncols;
    out->types = calloc(n + 1, sizeof(*out->types));
    if (out->types == NULL)
        return FK_ENOMEM;
    for (size_t i = 0; i < r->ntables; i++) {
        for (size_t k = 0; k < r->tables[i].ncols; k++) {
            struct ddl_coltype *ct = &out->types[out->ntypes++];
            ct->table = strdup(r->tables[i].name);
            ct->column = strdup(r->tables[i].cols[k].name);
            ct->type = strdup(r->tables[i].cols[k].type.name);
            if (ct->table == NULL || ct->column == NULL || ct->type == NULL)
                return FK_ENOMEM;
        }
    }
    return 0;
}

int ddl_reader_finish(struct ddl_reader *r, struct ddl_result *out, struct fk_error *err)
{
    struct fk_buf sql;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    fk_buf_init(&sql, DDL_SQL_MAX);
    if (r->legacy)
        rc = fk_buf_addstr(&sql, r->legacy_sql);
    for (size_t i = 0; rc == 0 && i < r->ntables; i++)
        rc = ddl_table_sql(&r->tables[i], &sql);
    for (size_t i = 0; rc == 0 && i < r->nindexes; i++)
        rc = fk_buf_printf(&sql, "%s;\n", r->indexes[i].sql);
    if (rc == 0 && (out->sqlite = fk_buf_take(&sql, NULL)) == NULL)
        rc = FK_ENOMEM;
    fk_buf_cleanup(&sql);
    out->legacy = r->legacy;
    out->rls_tables = rc == 0 ? calloc(r->ntables + 1, sizeof(char *)) : NULL;
    for (size_t i = 0; out->rls_tables != NULL && i < r->ntables; i++)
        if (r->tables[i].rls &&
            (out->rls_tables[out->nrls_tables++] = strdup(r->tables[i].name)) == NULL)
            rc = FK_ENOMEM;
    if (rc == 0 && out->rls_tables == NULL)
        rc = FK_ENOMEM;
    if (rc == 0)
        rc = column_types(r, out);
    out->policies = r->policies;
    out->npolicies = r->npolicies;
    out->warnings = r->warnings;
    out->nwarnings = r->nwarnings;
    out->any_rls = out->npolicies > 0 || out->nrls_tables > 0;
    r->policies = NULL;
    r->npolicies = 0;
    r->warnings = NULL;
    r->nwarnings = 0;
    if (rc != 0) {
        fk_error_set(err, "schema: out of memory");
        ddl_result_free(out);
    }
    return rc;
}

int ddl_read_text(const char *name, const char *text, struct ddl_result *out, struct fk_error *err)
{
    struct ddl_reader *r = ddl_reader_new();
    int rc = r != NULL ? ddl_reader_add(r, name, text, err) : FK_ENOMEM;

    memset(out, 0, sizeof(*out));
    if (rc == 0)
        rc = ddl_reader_finish(r, out, err);
    else if (rc == FK_ENOMEM && r == NULL)
        fk_error_set(err, "schema: out of memory");
    ddl_reader_free(r);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.sql files of folder dir, sorted by name. */
static int list_sql(const char *dir, char ***names, size_t *n, struct fk_error *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int rc = 0;

    *names = NULL;
    *n = 0;
    if (d == NULL) {
        fk_error_set(err, "%s: %s", dir, strerror(errno));
        return FK_EIO;
    }
    while (rc == 0 && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        char **grown;
        if (len < 5 || strcmp(e->d_name + len - 4, ".sql") != 0 || e->d_name[0] == '.')
            continue;
        grown = realloc(*names, (*n + 1) * sizeof(*grown));
        if (grown == NULL || (grown[*n] = strdup(e->d_name)) == NULL) {
            if (grown != NULL)
                *names = grown;
            rc = FK_ENOMEM;
            break;
        }
        *names = grown;
        (*n)++;
    }
    closedir(d);
    if (rc == 0 && *n > 1)
        qsort(*names, *n, sizeof(**names), by_name);
    if (rc == FK_ENOMEM)
        fk_error_set(err, "%s: out of memory", dir);
    return rc;
}

int ddl_read_path(const char *path, struct ddl_result *out, struct fk_error *err)
{
    struct stat sb;
    struct ddl_reader *r;
    char **names = NULL;
    size_t n = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    if (stat(path, &sb) != 0) {
        fk_error_set(err, "%s: %s", path, strerror(errno));
        return FK_EIO;
    }
    if (!S_ISDIR(sb.st_mode)) {
        char *text = fk_read_file(path, DDL_FILE_MAX, NULL, err);
        rc = text != NULL ? ddl_read_text(path, text, out, err) : FK_EIO;
        free(text);
        return rc;
    }
    r = ddl_reader_new();
    rc = r != NULL ? list_sql(path, &names, &n, err) : FK_ENOMEM;
    if (rc == 0 && n == 0) {
        fk_error_set(err, "%s: no *.sql file in the folder", path);
        rc = FK_EINVAL;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char full[4096];
        char *text;
        snprintf(full, sizeof(full), "%s/%s", path, names[i]);
        text = fk_read_file(full, DDL_FILE_MAX, NULL, err);
        rc = text != NULL ? ddl_reader_add(r, full, text, err) : FK_EIO;
        free(text);
    }
    if (rc == 0)
        rc = ddl_reader_finish(r, out, err);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    ddl_reader_free(r);
    return rc;
}
