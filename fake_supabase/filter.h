/* filter.h: PostgREST's query-string grammar, parsed and turned into SQLite SQL.
 *
 * sb_query_parse reads a request's decoded query fields (select, filters, or/and groups,
 * order, limit, offset, columns, on_conflict) against one table of the schema cache; every
 * identifier must be a column of that table. sb_sql_* then writes SQL text in which every
 * identifier is double-quoted (after that check) and every value is a "?" placeholder with a
 * typed parameter beside it: no request text ever becomes SQL text.
 *
 * Grammar (docs/reference/supabase.md section 3, "Query grammar"):
 *   col=[not.]op.value     op: eq neq gt gte lt lte like ilike is isdistinct in, and on
 *                          array columns cs cd ov (@> <@ &&; other types 42883, jsonb unsupported)
 *   or=(...) and=(...) not.or=(...) not.and=(...), nesting and(...)/or(...)/not.and(...)
 *   inside a group: col.[not.]op.value; a value there may be "double quoted" (backslash
 *   escapes), unquoted it runs to the next ',' or ')'.
 *   in.(a,"b,c","say \"hi\"")  like/ilike: '*' means '%'.
 *   a column anywhere may carry a JSON path, col->key->>key, col->0 (filter_jpath.h); select
 *   items may end in ::text (PostgreSQL's text output); an embedding "rel(...)" is PGRST200
 *   (the fake embeds nothing)
 *   order=c1.desc.nullslast,c2   select=*,a,alias:b   limit=N offset=N (any integer; other
 *   text is ignored, as PostgREST ignores it; the window is postgrest_range.c's)
 * Errors carry PostgREST's code and HTTP status: PGRST100 (400) for a parse error, 42703
 * (400) for an unknown column in select/filter/order, PGRST204 (400) for columns=. */
#ifndef SB_FILTER_H
#define SB_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

#include "fake_supabase/filter_jpath.h"
#include "fake_supabase/pgtype.h"
#include "fake_supabase/schema_cache.h"
#include "fakekit/buf.h"
#include "fakekit/err.h"
#include "fakekit/http.h"

#define SB_MAX_DEPTH   16            /* nesting of and()/or() groups; deeper is PGRST100 */
#define SB_MAX_PARAMS  30000         /* placeholders in one statement (SQLite allows 32766) */
#define SB_MAX_IN_LIST SB_MAX_PARAMS /* values in one in.(...) list: one flat IN (...) */
#define SB_SQL_MAX     (1024 * 1024)

enum sb_op {
    SB_OP_EQ,
    SB_OP_NEQ,
    SB_OP_GT,
    SB_OP_GTE,
    SB_OP_LT,
    SB_OP_LTE,
    SB_OP_LIKE,
    SB_OP_ILIKE,
    SB_OP_IS,         /* value is one of null true false unknown, lower-cased */
    SB_OP_ISDISTINCT, /* IS DISTINCT FROM value */
    SB_OP_IN,
    SB_OP_CS,     /* @> on an array column (array literal value) */
    SB_OP_CD,     /* <@ */
    SB_OP_OV,     /* && */
    SB_OP_MATCH,  /* ~, POSIX regular expressions (filter_regex.h) */
    SB_OP_IMATCH, /* ~* */
};

enum sb_cond_kind { SB_COND_LEAF, SB_COND_AND, SB_COND_OR };

/* A filter tree node. Leaves compare column col with value (or list for IN). */
struct sb_cond {
    enum sb_cond_kind kind;
    bool negate;
    int col;
    struct sb_jpath *jp; /* col->key... (filter_jpath.h), NULL for the column itself; owned */
    enum sb_op op;
    int quant; /* op(any) 1, op(all) 2: value is an array literal, list its elements (NULL: a
                  NULL element), compared with op one by one, ORed or ANDed */
    char *value;
    char **list;
    size_t nlist;
    struct sb_cond **kids;
    size_t nkids;
};

struct sb_order {
    int col;
    struct sb_jpath *jp; /* owned, NULL: the column */
    bool desc;
    bool nulls_first;
};

/* limit= or offset= as PostgREST reads it: Haskell's readMaybe into an Integer. set when the
 * text is an integer (spaces around it, an optional minus sign, digits); anything else leaves
 * it unset, and PostgREST then ignores the parameter. v is the value clamped to the int64
 * range; big says it was past that range. */
struct sb_count {
    bool set;
    bool big;
    long long v;
};

struct sb_select {
    int col;
    char *alias;         /* NULL: the column's own name (or its JSON path's last key) */
    struct sb_jpath *jp; /* owned, NULL: the column */
    bool as_text;        /* ::text (or another text type): rendered as PostgreSQL's text */
};

struct sb_query {
    struct sb_select *sel; /* in request order; "*" expands to every column here */
    size_t nsel;
    struct sb_cond *where; /* AND of every filter; NULL when none */
    struct sb_order *order;
    size_t norder;
    struct sb_count limit;  /* the last limit= */
    struct sb_count offset; /* the last offset= */
    char *offset_text;      /* offset= as given when big (PostgreSQL's 22003 quotes it) */
    int *on_conflict;       /* column indexes, NULL when absent */
    size_t non_conflict;
    int *columns; /* columns= of an insert; NULL when absent */
    size_t ncolumns;
    char **embed_items; /* select='s embeddings "[alias:]rel[!hint][!inner](...)", as written */
    size_t nembed_items;
};

/* A request error in PostgREST's terms. */
struct sb_qerr {
    unsigned status; /* 400 */
    char code[16];   /* "PGRST100" */
    char message[256];
    char details[256]; /* "" means null */
    char hint[256];    /* "" means null */
    /* PostgreSQL's own error for a literal (22P02, 22007, 42883...): PostgreSQL raises it
     * when the query runs, so PostgREST answers a malformed body (PGRST102) first. */
    bool at_execution;
};

/* Parse every field of args (decoded query fields, borrowed) for table t. Fields named
 * select order limit offset columns on_conflict or and not.or not.and are structural; any
 * other name is a column filter (a repeated name adds another condition). Returns 0, or
 * FK_EINVAL with err set, or FK_ENOMEM. *q must be zeroed or cleaned; caller calls
 * sb_query_cleanup in every case. */
int sb_query_parse(const struct sb_table *t, const struct fk_kv *args, size_t nargs,
                   struct sb_query *q, struct sb_qerr *err) FK_MUST_CHECK;
void sb_query_cleanup(struct sb_query *q);

/* Parse one filter value "op.value" / "not.op.value" for column col (top level: the value
 * after "op." is literal, except in.(...) lists). Exposed for tests. Caller frees *out with
 * sb_cond_free. */
int sb_filter_parse(const struct sb_table *t, int col, const char *text, struct sb_cond **out,
                    struct sb_qerr *err) FK_MUST_CHECK;
/* sb_filter_parse on the JSON path jp of col (taken, freed on failure; NULL: the column). */
int sb_filter_parse_path(const struct sb_table *t, int col, struct sb_jpath *jp, const char *text,
                         struct sb_cond **out, struct sb_qerr *err) FK_MUST_CHECK;
/* Parse a group "(a.eq.1,or(b.gt.2,c.is.null))" as kind (AND/OR), negated or not. */
int sb_group_parse(const struct sb_table *t, enum sb_cond_kind kind, bool negate, const char *text,
                   struct sb_cond **out, struct sb_qerr *err) FK_MUST_CHECK;
void sb_cond_free(struct sb_cond *c); /* NULL-safe, frees the subtree */

/* A parameter bound to one '?' placeholder. */
enum sb_param_type { SB_PARAM_NULL, SB_PARAM_INT, SB_PARAM_REAL, SB_PARAM_TEXT };
struct sb_param {
    enum sb_param_type type;
    long long i;
    double d;
    char *s; /* owned, SB_PARAM_TEXT */
};

/* SQL text plus the parameters of its placeholders, in order. */
struct sb_sql {
    struct fk_buf text;
    struct sb_param *params;
    size_t nparams;
    size_t cap;
};

void sb_sql_init(struct sb_sql *q);
void sb_sql_cleanup(struct sb_sql *q);
/* Append raw SQL text: only ever literals of this program, never request text. */
int sb_sql_raw(struct sb_sql *q, const char *sql) FK_MUST_CHECK;
/* Append "name" double-quoted (an embedded '"' doubled). */
int sb_sql_ident(struct sb_sql *q, const char *name) FK_MUST_CHECK;
/* Append "?" and its parameter: text in the storage form of column c's PostgreSQL type
 * (pg_input; a text that is not an input of the type becomes NULL, which matches nothing;
 * the parser refuses such literals first). A column of no known type: an integer when the
 * whole text is one, booleans true/false 1/0 on BOOLEAN columns, else text. */
int sb_sql_value(struct sb_sql *q, const struct sb_column *c, const char *text) FK_MUST_CHECK;
/* Append "?" bound to a value in its storage form (pgtype.h; copied). */
int sb_sql_storage(struct sb_sql *q, const struct pg_value *v) FK_MUST_CHECK;
/* Append "?" with an already typed parameter (copied). */
int sb_sql_param(struct sb_sql *q, const struct sb_param *p) FK_MUST_CHECK;
/* What a filter compares for col and its path jp: the column itself, or a column of type text
 * ("->>") or jsonb ("->") named like it, built in tmp. */
const struct sb_column *sb_operand_column(const struct sb_table *t, int col,
                                          const struct sb_jpath *jp, struct sb_column *tmp);
/* Append the SQL of col's value at path jp: "col", pgrst_jpath("col", 'kK', ?, ?), or NULL
 * (a path into a column that is not json, jsonb or an array: to_jsonb(scalar)->k is NULL). */
int sb_sql_operand(struct sb_sql *q, const struct sb_column *col,
                   const struct sb_jpath *jp) FK_MUST_CHECK;
/* Append the condition tree c (never empty: "1" when c is NULL). */
int sb_sql_where(struct sb_sql *q, const struct sb_table *t, const struct sb_cond *c) FK_MUST_CHECK;
/* Append " ORDER BY ..." (PostgreSQL's null placement made explicit), or " ORDER BY rowid"
 * when q has no order so results are stable. */
int sb_sql_order(struct sb_sql *out, const struct sb_table *t,
                 const struct sb_query *q) FK_MUST_CHECK;
/* Append the select list: quoted columns, "AS alias" where given. */
int sb_sql_select_list(struct sb_sql *out, const struct sb_table *t,
                       const struct sb_query *q) FK_MUST_CHECK;
/* Bind every parameter of q to st (1-based, in order). SQLite's result code. */
int sb_sql_bind(const struct sb_sql *q, sqlite3_stmt *st);

/* A PostgREST LIKE pattern ('*' or '%' any run, '_' one char, backslash escapes) as a GLOB
 * pattern, which is case-sensitive like PostgreSQL's LIKE. Caller frees; NULL on ENOMEM. */
char *sb_like_to_glob(const char *pattern, bool lower);

#endif
