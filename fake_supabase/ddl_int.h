/* ddl_int.h: what the DDL reader's files share (ddl.c statements and output, ddl_table.c
 * create table and column definitions, ddl_expr.c expressions and defaults). Private. */
#ifndef SB_DDL_INT_H
#define SB_DDL_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "fake_supabase/ddl.h"
#include "fake_supabase/ddl_lex.h"
#include "fake_supabase/pgtype.h"
#include "fakekit/buf.h"

#define DDL_SQL_MAX (16 * 1024 * 1024)

struct ddl_type {
    char name[64];     /* format_type() spelling, " ARRAY" appended for arrays */
    struct pg_type pg; /* name as the type layer reads it (pgtype.h): one model of types */
    bool array;
    bool serial;  /* serial, bigserial, smallserial */
    char *checks; /* enum types: "IN ('a', 'b')" to check the column against; borrowed */
};

struct ddl_col {
    char *name;
    struct ddl_type type;
    bool notnull, pk, unique, identity;
    char *dflt;          /* SQLite expression, NULL when none */
    struct fk_buf extra; /* " CHECK (...)", " REFERENCES ..." */
};

struct ddl_table {
    char *name;
    struct ddl_col *cols;
    size_t ncols;
    struct fk_buf cons; /* ", PRIMARY KEY (...)", ", CHECK (...)" ... */
    bool rls;
};

struct ddl_index {
    char *name, *table, *sql;
};

struct ddl_enum {
    char *name;
    char *check; /* "IN ('a', 'b')" */
};

struct ddl_reader {
    struct ddl_table *tables;
    size_t ntables;
    struct ddl_index *indexes;
    size_t nindexes;
    struct ddl_enum *enums;
    size_t nenums;
    struct ddl_policy *policies;
    size_t npolicies;
    char **warnings;
    size_t nwarnings;
    bool legacy;
    char *legacy_sql;
};

/* One statement being parsed: tokens [i, end) of toks, from the file name/text. */
struct ddl_p {
    struct ddl_reader *r;
    const char *file;
    const char *text;
    const struct ddl_tok *t;
    size_t i, end;
    struct fk_error *err;
    struct ddl_tok eof; /* what ddl_peek gives past the end: EOF at the end's position */
};

/* Parser helpers (ddl.c). */
const struct ddl_tok *ddl_peek(const struct ddl_p *p, size_t ahead);
bool ddl_accept_kw(struct ddl_p *p, const char *word);
bool ddl_accept_op(struct ddl_p *p, const char *op);
/* FK_EINVAL with err "FILE:LINE:COL: syntax error at or near "tok"" (+ what was expected). */
int ddl_syntax(struct ddl_p *p, const char *expected);
/* The same at token k with a message of its own. */
int ddl_fail_at(struct ddl_p *p, const struct ddl_tok *k, const char *fmt, ...) FK_PRINTF(3, 4);
int ddl_expect_kw(struct ddl_p *p, const char *word);
int ddl_expect_op(struct ddl_p *p, const char *op);
/* A name (identifier or quoted identifier), copied. */
int ddl_name(struct ddl_p *p, char **out);
/* [schema.]name: *schema NULL when unqualified. */
int ddl_qname(struct ddl_p *p, char **schema, char **name);
/* Index of the token closing the parenthesis opened at open (or p->end when unbalanced). */
size_t ddl_close_paren(const struct ddl_p *p, size_t open);
/* Add "FILE:LINE: skipped: <first words of the statement at token from>" / a free text. */
int ddl_warn_skip(struct ddl_p *p, size_t from);
int ddl_warn(struct ddl_p *p, const struct ddl_tok *k, const char *fmt, ...) FK_PRINTF(3, 4);
struct ddl_table *ddl_table_find(struct ddl_reader *r, const char *name);
struct ddl_col *ddl_col_find(struct ddl_table *t, const char *name);
/* "public" or unqualified. */
bool ddl_is_public(const char *schema);
/* A table in the model is "auth_users" when it is auth.users. */

/* Tables and columns (ddl_table.c). */
int ddl_create_table(struct ddl_p *p);
/* A column definition at p (name type constraints...) appended to t. */
int ddl_column_def(struct ddl_p *p, struct ddl_table *t);
/* A table constraint at p ([constraint n] primary key / unique / check / foreign key). */
int ddl_table_constraint(struct ddl_p *p, struct ddl_table *t);
/* A type name at p. */
int ddl_type(struct ddl_p *p, struct ddl_type *out);
void ddl_table_cleanup(struct ddl_table *t);
void ddl_col_cleanup(struct ddl_col *c);
/* Append t's CREATE TABLE statement. */
int ddl_table_sql(const struct ddl_table *t, struct fk_buf *out) FK_MUST_CHECK;

/* Expressions (ddl_expr.c). Tokens [from, to) of p. 1 when the expression uses something
 * SQLite cannot be given (*bad is the token), 0 with out appended, FK_ENOMEM. */
int ddl_expr_sql(struct ddl_p *p, size_t from, size_t to, struct fk_buf *out,
                 const struct ddl_tok **bad) FK_MUST_CHECK;
/* A DEFAULT expression for column c as SQLite text in its storage form (caller frees);
 * FK_EINVAL with err set when it cannot be computed. */
int ddl_default_sql(struct ddl_p *p, size_t from, size_t to, const struct ddl_col *c,
                    char **out) FK_MUST_CHECK;
/* Skip a cast's type after "::" (p->i at the type). */
int ddl_skip_type(struct ddl_p *p);
/* Append s as an SQLite string literal. */
int ddl_quote(struct fk_buf *out, const char *s) FK_MUST_CHECK;
/* Append name as a double-quoted identifier. */
int ddl_ident(struct fk_buf *out, const char *name) FK_MUST_CHECK;

#endif
