/* ddl_lex.h: PostgreSQL's lexical rules, for the DDL reader (ddl.c) and the policies (rls.c).
 *
 * ddl_lex() turns SQL text into tokens as PostgreSQL's scanner does (scan.l): unquoted
 * identifiers and keywords folded to lower case; "quoted identifiers" with "" for a quote,
 * case kept; 'strings' with '' for a quote, adjacent strings separated by a newline joined;
 * E'strings' with backslash escapes (\n \t \\ \' \xHH \ooo \uXXXX); $$dollar$$ and $tag$ quoted
 * strings; numbers; -- line comments and nested block comments (skipped); operators, with
 * "::" (a cast), "->>", "->", "<=", ">=", "<>", "!=", "||" as single tokens. Every token
 * records its 1-based line and column and its byte offset in the text.
 *
 * Lexical errors (an unterminated string, quoted identifier, dollar quote or comment; an
 * invalid escape) fail the whole text with "line:col: message". */
#ifndef SB_DDL_LEX_H
#define SB_DDL_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "fakekit/err.h"

enum ddl_tok_kind {
    DDL_T_EOF,
    DDL_T_IDENT,  /* unquoted identifier or keyword, lower-cased */
    DDL_T_QIDENT, /* "quoted identifier", case kept */
    DDL_T_STRING, /* any string constant: its value */
    DDL_T_NUMBER, /* 12, 1.5, .5e3: as written */
    DDL_T_OP,     /* ( ) , ; . [ ] and operators: as written */
    DDL_T_PARAM   /* $1 */
};

struct ddl_tok {
    enum ddl_tok_kind kind;
    char *text; /* owned, NUL-terminated (a string's value may hold no NUL: refused) */
    int line, col;
    size_t off, end; /* [off, end) in the source text */
};

struct ddl_toks {
    struct ddl_tok *v;
    size_t n; /* not counting the final DDL_T_EOF, which v[n] always is */
};

/* Tokenise text (NUL-terminated). 0, FK_EINVAL with err "line:col: why", FK_ENOMEM.
 * On success free with ddl_toks_free. */
int ddl_lex(const char *text, struct ddl_toks *out, struct fk_error *err) FK_MUST_CHECK;
void ddl_toks_free(struct ddl_toks *t); /* NULL-safe; leaves t empty */

/* Token k is an unquoted identifier (keyword) equal to word (lower case). */
bool ddl_is_kw(const struct ddl_tok *k, const char *word);
/* Token k is the operator op. */
bool ddl_is_op(const struct ddl_tok *k, const char *op);
/* Token k names something: an identifier or a quoted identifier. */
bool ddl_is_name(const struct ddl_tok *k);

#endif
