/* ddl_lex.c: PostgreSQL's scanner rules (src/backend/parser/scan.l), enough for DDL.
 *
 * The text is walked once; positions are tracked as line and column (in bytes, 1-based).
 * Tokens own their text. See ddl_lex.h for what is recognised. */
#include "fake_supabase/ddl_lex.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/buf.h"

#define DDL_TOKEN_MAX (4 * 1024 * 1024)

struct lexer {
    const char *s;
    size_t i;
    int line, col;
    struct ddl_toks *out;
    struct fk_error *err;
};

static bool ident_start(unsigned char c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

static bool ident_char(unsigned char c)
{
    return ident_start(c) || isdigit(c) || c == '$';
}

static bool op_char(char c)
{
    return c != '\0' && strchr("+-*/<>=~!@#%^&|`?", c) != NULL;
}

static void advance(struct lexer *lx, size_t n)
{
    while (n-- > 0 && lx->s[lx->i] != '\0') {
        if (lx->s[lx->i] == '\n') {
            lx->line++;
            lx->col = 1;
        } else {
            lx->col++;
        }
        lx->i++;
    }
}

static int fail(struct lexer *lx, int line, int col, const char *why)
{
    fk_error_set(lx->err, "%d:%d: %s", line, col, why);
    return FK_EINVAL;
}

static int push(struct lexer *lx, enum ddl_tok_kind kind, char *text, int line, int col, size_t off)
{
    struct ddl_toks *t = lx->out;
    struct ddl_tok *grown;

    if (text == NULL)
        return FK_ENOMEM;
    grown = realloc(t->v, (t->n + 2) * sizeof(*grown));
    if (grown == NULL) {
        free(text);
        return FK_ENOMEM;
    }
    t->v = grown;
    t->v[t->n++] = (struct ddl_tok){kind, text, line, col, off, lx->i};
    return 0;
}

static char *span(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* Skip spaces and comments. 0 or FK_EINVAL (an unterminated block comment). */
static int skip_space(struct lexer *lx)
{
    for (;;) {
        const char *p = lx->s + lx->i;
        if (isspace((unsigned char)*p)) {
            advance(lx, 1);
        } else if (p[0] == '-' && p[1] == '-') {
            while (lx->s[lx->i] != '\0' && lx->s[lx->i] != '\n')
                advance(lx, 1);
        } else if (p[0] == '/' && p[1] == '*') {
            int line = lx->line, col = lx->col, depth = 0;
            do {
                p = lx->s + lx->i;
                if (*p == '\0')
                    return fail(lx, line, col, "unterminated /* comment");
                if (p[0] == '/' && p[1] == '*') {
                    depth++;
                    advance(lx, 2);
                } else if (p[0] == '*' && p[1] == '/') {
                    depth--;
                    advance(lx, 2);
                } else {
                    advance(lx, 1);
                }
            } while (depth > 0);
        } else {
            return 0;
        }
    }
}

static int add_utf8(struct fk_buf *b, unsigned long cp)
{
    unsigned char u[4];
    size_t n;

    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | (cp >> 6));
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | (cp >> 12));
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (unsigned char)(0xF0 | (cp >> 18));
        u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (unsigned char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return fk_buf_add(b, u, n);
}

/* One backslash escape of an E'' string at lx->i (the backslash). */
static int escape(struct lexer *lx, struct fk_buf *b)
{
    const char *p = lx->s + lx->i + 1;
    unsigned long v = 0;
    size_t n = 0, max = 0;
    int base = 0, line = lx->line, col = lx->col;
    static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";

    if (*p == '\0')
        return fail(lx, line, col, "unterminated quoted string");
    if (strchr(from, *p) != NULL) {
        advance(lx, 2);
        return fk_buf_add(b, &to[strchr(from, *p) - from], 1);
    }
    if (*p >= '0' && *p <= '7') {
        base = 8, max = 3;
    } else if (*p == 'x' && isxdigit((unsigned char)p[1])) {
        base = 16, max = 2, p++;
    } else if ((*p == 'u' || *p == 'U')) {
        base = 16, max = *p == 'u' ? 4 : 8, p++;
    } else {
        advance(lx, 2);
        return fk_buf_add(b, p, 1);
    }
    for (; n < max && p[n] != '\0'; n++) {
        int d = isdigit((unsigned char)p[n])    ? p[n] - '0'
                : isxdigit((unsigned char)p[n]) ? tolower((unsigned char)p[n]) - 'a' + 10
                                                : 99;
        if (d >= base)
            break;
        v = v * (unsigned long)base + (unsigned long)d;
    }
    if ((max == 4 || max == 8) && n != max)
        return fail(lx, line, col, "invalid Unicode escape");
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return fail(lx, line, col, "invalid escape value in string");
    advance(lx, (size_t)(p - (lx->s + lx->i)) + n);
    return base == 8 || max == 2 ? fk_buf_add(b, &(char){(char)v}, 1) : add_utf8(b, v);
}

/* A string constant at lx->i (after any E prefix): its value, with the continuation rule
 * (another string after whitespace holding a newline continues it). */
static int string_const(struct lexer *lx, bool esc, int line, int col, size_t off)
{
    struct fk_buf b;
    int rc = 0;

    fk_buf_init(&b, DDL_TOKEN_MAX);
    for (;;) {
        advance(lx, 1); /* the opening quote */
        for (;;) {
            char ch = lx->s[lx->i];
            if (ch == '\0') {
                fk_buf_cleanup(&b);
                return fail(lx, line, col, "unterminated quoted string");
            }
            if (ch == '\'' && lx->s[lx->i + 1] == '\'') {
                rc = fk_buf_add(&b, "'", 1);
                advance(lx, 2);
            } else if (ch == '\'') {
                advance(lx, 1);
                break;
            } else if (esc && ch == '\\') {
                rc = escape(lx, &b);
            } else {
                rc = fk_buf_add(&b, &ch, 1);
                advance(lx, 1);
            }
            if (rc != 0) {
                fk_buf_cleanup(&b);
                return rc;
            }
        }
        size_t j = lx->i;
        bool newline = false;
        while (isspace((unsigned char)lx->s[j]))
            newline |= lx->s[j++] == '\n';
        if (!newline || lx->s[j] != '\'')
            break;
        advance(lx, j - lx->i);
    }
    char *text = fk_buf_take(&b, NULL);
    return text == NULL ? FK_ENOMEM : push(lx, DDL_T_STRING, text, line, col, off);
}

/* $tag$ ... $tag$ at lx->i; 1 when lx->i is not a dollar quote. */
static int dollar_const(struct lexer *lx, int line, int col, size_t off)
{
    const char *p = lx->s + lx->i;
    size_t tag = 1;
    const char *end;

    if (isdigit((unsigned char)p[1]))
        return 1;
    while (ident_start((unsigned char)p[tag]) || (tag > 1 && isdigit((unsigned char)p[tag])))
        tag++;
    if (p[tag] != '$')
        return 1;
    tag++;
    for (end = p + tag;; end++) {
        end = strchr(end, '$');
        if (end == NULL)
            return fail(lx, line, col, "unterminated dollar-quoted string");
        if (strncmp(end, p, tag) == 0)
            break;
    }
    char *text = span(p + tag, (size_t)(end - (p + tag)));
    advance(lx, (size_t)(end - p) + tag);
    return push(lx, DDL_T_STRING, text, line, col, off);
}

static int number(struct lexer *lx, int line, int col, size_t off)
{
    const char *p = lx->s + lx->i;
    size_t n = 0;

    while (isdigit((unsigned char)p[n]))
        n++;
    if (p[n] == '.' && p[n + 1] != '.') {
        n++;
        while (isdigit((unsigned char)p[n]))
            n++;
    }
    if ((p[n] == 'e' || p[n] == 'E') &&
        (isdigit((unsigned char)p[n + 1]) ||
         ((p[n + 1] == '+' || p[n + 1] == '-') && isdigit((unsigned char)p[n + 2])))) {
        n += 2;
        while (isdigit((unsigned char)p[n]))
            n++;
    }
    advance(lx, n);
    return push(lx, DDL_T_NUMBER, span(p, n), line, col, off);
}

/* An operator: the longest run of operator characters not starting a comment, without a
 * trailing + or - unless it holds one of ~ ! @ # % ^ & | ` ? (scan.l's rule). */
static int oper(struct lexer *lx, int line, int col, size_t off)
{
    const char *p = lx->s + lx->i;
    size_t n = 0;
    bool special = false;

    while (op_char(p[n]) &&
           !(n > 0 && ((p[n] == '-' && p[n + 1] == '-') || (p[n] == '/' && p[n + 1] == '*')))) {
        special |= strchr("~!@#%^&|`?", p[n]) != NULL;
        n++;
    }
    while (n > 1 && !special && (p[n - 1] == '+' || p[n - 1] == '-'))
        n--;
    advance(lx, n);
    return push(lx, DDL_T_OP, span(p, n), line, col, off);
}

static int quoted_ident(struct lexer *lx, int line, int col, size_t off)
{
    struct fk_buf b;
    int rc = 0;

    fk_buf_init(&b, DDL_TOKEN_MAX);
    advance(lx, 1);
    for (;;) {
        char ch = lx->s[lx->i];
        if (ch == '\0') {
            fk_buf_cleanup(&b);
            return fail(lx, line, col, "unterminated quoted identifier");
        }
        if (ch == '"' && lx->s[lx->i + 1] != '"') {
            advance(lx, 1);
            break;
        }
        rc = fk_buf_add(&b, &ch, 1);
        advance(lx, ch == '"' ? 2 : 1);
        if (rc != 0) {
            fk_buf_cleanup(&b);
            return rc;
        }
    }
    if (b.len == 0) {
        fk_buf_cleanup(&b);
        return fail(lx, line, col, "zero-length delimited identifier");
    }
    char *text = fk_buf_take(&b, NULL);
    return text == NULL ? FK_ENOMEM : push(lx, DDL_T_QIDENT, text, line, col, off);
}

static int one_token(struct lexer *lx)
{
    const char *p = lx->s + lx->i;
    int line = lx->line, col = lx->col;
    size_t off = lx->i, n = 0;

    if ((p[0] == 'e' || p[0] == 'E') && p[1] == '\'') {
        advance(lx, 1);
        return string_const(lx, true, line, col, off);
    }
    if (ident_start((unsigned char)*p)) {
        while (ident_char((unsigned char)p[n]))
            n++;
        char *text = span(p, n);
        for (size_t i = 0; text != NULL && i < n; i++)
            text[i] = (char)tolower((unsigned char)text[i]);
        advance(lx, n);
        return push(lx, DDL_T_IDENT, text, line, col, off);
    }
    if (*p == '\'')
        return string_const(lx, false, line, col, off);
    if (*p == '"')
        return quoted_ident(lx, line, col, off);
    if (isdigit((unsigned char)*p) || (*p == '.' && isdigit((unsigned char)p[1])))
        return number(lx, line, col, off);
    if (*p == '$') {
        int rc = dollar_const(lx, line, col, off);
        if (rc != 1)
            return rc;
        while (isdigit((unsigned char)p[1 + n]))
            n++;
        if (n == 0)
            return fail(lx, line, col, "syntax error at or near \"$\"");
        advance(lx, n + 1);
        return push(lx, DDL_T_PARAM, span(p, n + 1), line, col, off);
    }
    if (p[0] == ':' && p[1] == ':') {
        advance(lx, 2);
        return push(lx, DDL_T_OP, span(p, 2), line, col, off);
    }
    if (strchr("(),;.[]:", *p) != NULL) {
        advance(lx, 1);
        return push(lx, DDL_T_OP, span(p, 1), line, col, off);
    }
    if (op_char(*p))
        return oper(lx, line, col, off);
    return fail(lx, line, col, "syntax error: unexpected character");
}

int ddl_lex(const char *text, struct ddl_toks *out, struct fk_error *err)
{
    struct lexer lx = {text, 0, 1, 1, out, err};
    int rc = 0;

    memset(out, 0, sizeof(*out));
    while (rc == 0) {
        rc = skip_space(&lx);
        if (rc != 0 || text[lx.i] == '\0')
            break;
        rc = one_token(&lx);
    }
    if (rc == 0)
        rc = push(&lx, DDL_T_EOF, span("", 0), lx.line, lx.col, lx.i);
    if (rc == 0) {
        out->n--; /* v[n] is the EOF token */
        return 0;
    }
    if (rc == FK_ENOMEM)
        fk_error_set(err, "out of memory");
    for (size_t i = 0; i < out->n; i++)
        free(out->v[i].text);
    free(out->v);
    memset(out, 0, sizeof(*out));
    return rc;
}

void ddl_toks_free(struct ddl_toks *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; t->v != NULL && i <= t->n; i++)
        free(t->v[i].text);
    free(t->v);
    memset(t, 0, sizeof(*t));
}

bool ddl_is_kw(const struct ddl_tok *k, const char *word)
{
    return k->kind == DDL_T_IDENT && strcmp(k->text, word) == 0;
}

bool ddl_is_op(const struct ddl_tok *k, const char *op)
{
    return k->kind == DDL_T_OP && strcmp(k->text, op) == 0;
}

bool ddl_is_name(const struct ddl_tok *k)
{
    return k->kind == DDL_T_IDENT || k->kind == DDL_T_QIDENT;
}
