/* pgtype.h: PostgreSQL's types below fake_supabase's PostgREST handlers.
 *
 * Layers: postgrest*.c (HTTP) -> filter*.c (query grammar -> SQL) -> pgtype (this: a column's
 * PostgreSQL type, its input, its storage form in SQLite, its JSON rendering) -> SQLite.
 *
 * Types. pg_type_parse() reads a declared column type as SQLite keeps it: PostgreSQL's
 * format_type() spellings in lower case ("uuid", "character varying(20)", "numeric(10,2)",
 * "timestamp with time zone", "text ARRAY", ...), the usual aliases (int4, timestamptz,
 * varchar(n), bool, float8, int[] ...), and the legacy SQLite spellings of older --schema
 * files: TEXT -> text, INTEGER/INT -> bigint, REAL -> double precision, BOOLEAN -> boolean,
 * JSON/JSONB -> json/jsonb, NUMERIC -> numeric. Anything else is PG_UNKNOWN: values bind and
 * render by SQLite's affinity, as before the type layer.
 *
 * Input. pg_input() parses a text literal (a filter value, a JSON string in a body) as
 * PostgreSQL's input function for the type does; pg_input_json() takes a JSON body value as
 * PostgREST's json_populate_recordset does (a string is the type's text input; numbers and
 * booleans their JSON text; objects and arrays are JSON for json/jsonb and arrays for
 * T ARRAY). Errors carry PostgreSQL's SQLSTATE and message (PostgREST answers them 400):
 *   22P02 invalid input syntax for type T: "x" / malformed array literal: "x"
 *   22003 value "x" is out of range for type T / "x" is out of range for type double precision
 *         / numeric field overflow
 *   22007 invalid input syntax for type timestamp with time zone: "x" (dates and times)
 *   22008 date/time field value out of range: "x"     22009 time zone displacement out of range
 *   22001 value too long for type character varying(n)
 *   22021 invalid byte sequence for encoding "UTF8": 0xff      22P05 (\u0000 in a JSON body,
 *         checked by the caller on the raw body: pg_body_has_nul)
 *
 * Storage forms (what SQLite holds, so that SQLite's comparisons and ORDER BY agree):
 *   boolean INTEGER 0/1; smallint/integer/bigint INTEGER; real/double precision REAL, NaN as
 *   TEXT 'NaN' (SQLite orders text after every number, as PostgreSQL orders NaN last);
 *   numeric: INTEGER when the value is integral and within int64, else REAL; a value needing
 *   more than 15 significant digits outside int64 is refused (22003 "numeric value out of the
 *   fake's range"), so what is stored renders back exactly (numeric(p,s) renders s places;
 *   unconstrained numeric renders the shortest digits, so 1.50 comes back as 1.5);
 *   uuid TEXT lower case with dashes; timestamptz TEXT YYYY-MM-DDTHH:MM:SS.ffffffZ in UTC;
 *   timestamp TEXT YYYY-MM-DDTHH:MM:SS.ffffff; date TEXT YYYY-MM-DD; time TEXT HH:MM:SS.ffffff
 *   (years 1..9999; 'infinity' and '-infinity' stored as those words, which sort after and
 *   before every date); interval TEXT "<24-digit key of its span>|months|days|microseconds"
 *   (text order is PostgreSQL's order; '1 mon' and '30 days', equal in PostgreSQL, are two
 *   values here); text/varchar TEXT as given,
 *   character(n) blank-padded; json TEXT as given; jsonb TEXT with keys sorted by length then
 *   bytes, the last duplicate key kept; T ARRAY TEXT holding a JSON array of the element
 *   storage forms.
 *
 * Rendering (pg_render*) writes what PostgREST's to_json gives: numbers as JSON numbers
 * (bigint and numeric exact, floats in PostgreSQL's shortest form, NaN/Infinity as strings),
 * booleans, timestamptz as "2026-06-01T10:00:30.25+00:00" (fraction trimmed), json and arrays
 * embedded, jsonb with PostgreSQL's spacing ({"a": 1, "b": [1, 2]}), everything else a string.
 *
 * Registered on SQLite connections (pg_sqlite_auto: every connection opened afterwards):
 *   COLLATE pg_text  text order: glibc's strcoll_l in the chosen locale (default en_US.UTF-8,
 *                    as PostgreSQL's libc provider), ties broken bytewise as PostgreSQL does;
 *                    "C" compares bytes. pg_collation_set() chooses it.
 *   pg_lower(x)      lower() by towlower_l in that locale, for ilike.
 *   pg_upsert_hit()  counts the rows an INSERT ... ON CONFLICT DO UPDATE updates (its WHERE),
 *                    so an upsert can answer 200 (nothing inserted) or 201 as PostgREST 12. */
#ifndef SB_PGTYPE_H
#define SB_PGTYPE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "fakekit/buf.h"
#include "fakekit/err.h"

enum pg_kind {
    PG_UNKNOWN,
    PG_TEXT,
    PG_VARCHAR,
    PG_BPCHAR,
    PG_UUID,
    PG_BOOL,
    PG_INT2,
    PG_INT4,
    PG_INT8,
    PG_NUMERIC,
    PG_FLOAT4,
    PG_FLOAT8,
    PG_DATE,
    PG_TIME,
    PG_TIMESTAMP,
    PG_TIMESTAMPTZ,
    PG_INTERVAL,
    PG_JSON,
    PG_JSONB,
};

struct pg_type {
    enum pg_kind kind;
    bool array; /* one-dimensional array of kind */
    int len;    /* character varying(n)/character(n): n; numeric(p,s): p; else -1 */
    int scale;  /* numeric(p,s): s; else -1 */
};

enum pg_vt { PG_V_NULL, PG_V_INT, PG_V_REAL, PG_V_TEXT };
/* A value in its storage form. */
struct pg_value {
    enum pg_vt t;
    long long i;
    double d;
    char *s; /* PG_V_TEXT: malloc()ed, NUL-terminated */
};

struct pg_error {
    char code[6];      /* SQLSTATE */
    char message[256]; /* PostgreSQL's wording */
};

/* The type of a declared column type (never fails: PG_UNKNOWN). SQLite reports INT,
 * INTEGER, REAL, TEXT and BLOB in upper case however they were written, so a table is read
 * as legacy (legacy_table: the SQLite spellings above) when none of its declared types has a
 * lower-case letter; a table in PostgreSQL's spellings always has one unless every column is
 * integer/real/text, and those then read as bigint/double precision/text, which accept
 * more, never less. */
bool pg_table_is_legacy(const char *const *decls, size_t n);
void pg_type_parse(const char *decl, bool legacy_table, struct pg_type *out);
/* format_type()'s name of t ("integer", "timestamp with time zone", "text[]"). */
const char *pg_type_name(const struct pg_type *t, char *buf, size_t size);
/* Is t compared and ordered as text (text, varchar, character, legacy TEXT)? */
bool pg_type_is_text(const struct pg_type *t);

/* Parse text as t's input function does. 0, FK_EINVAL (e set) or FK_ENOMEM. out is set only
 * on success; free it with pg_value_free. */
int pg_input(const struct pg_type *t, const char *text, struct pg_value *out,
             struct pg_error *e) FK_MUST_CHECK;
/* A filter literal for a column of type t: pg_input, but character varying(n) and
 * character(n) literals are compared, not assigned: no 22001 for a long one. */
int pg_input_filter(const struct pg_type *t, const char *text, struct pg_value *out,
                    struct pg_error *e) FK_MUST_CHECK;
/* A JSON body value for a column of type t (see above). */
int pg_input_json(const struct pg_type *t, const cJSON *v, struct pg_value *out,
                  struct pg_error *e) FK_MUST_CHECK;
void pg_value_free(struct pg_value *v); /* frees s, sets NULL */
/* Does a raw JSON body hold the escape \u0000 inside a string (22P05 for PostgreSQL)? */
bool pg_body_has_nul(const char *body, size_t len);
/* 0 when s[0..n) is valid UTF-8; else FK_EINVAL with e = 22021 naming the bad bytes. */
int pg_check_utf8(const char *s, size_t n, struct pg_error *e) FK_MUST_CHECK;

/* Append the JSON text of a stored value (sqlite type SQLITE_NULL/INTEGER/FLOAT/TEXT/BLOB;
 * i, d, s/n as sqlite3_column_* give them). 0 or FK_ENOMEM. */
int pg_render(const struct pg_type *t, int sqltype, long long i, double d, const char *s, size_t n,
              struct fk_buf *out) FK_MUST_CHECK;
/* pg_render of column col of st's current row. */
int pg_render_column(const struct pg_type *t, sqlite3_stmt *st, int col,
                     struct fk_buf *out) FK_MUST_CHECK;
/* s as a JSON string (escaped as to_json and cJSON escape it). */
int pg_json_string(struct fk_buf *out, const char *s, size_t n) FK_MUST_CHECK;

/* The collation: "C" (bytes) or a glibc locale name such as "en_US.UTF-8". A locale that is
 * not installed falls back to C with one warning line on stderr. 0, or FK_EINVAL. */
int pg_collation_set(const char *name);
/* Its name now ("C" after a fallback). */
const char *pg_collation_name(void);
/* Compare two texts as COLLATE pg_text does (<0, 0, >0). */
int pg_text_cmp(const char *a, size_t na, const char *b, size_t nb);
/* s lower-cased as pg_lower() does; caller frees; NULL on ENOMEM. */
char *pg_lower(const char *s);

/* Register the functions and collations on db: pg_lower(s), pg_upsert_hit(),
 * pg_arr_contains(a, b) (a @> b) and pg_arr_overlaps(a, b) (a && b) on stored arrays (NULL
 * elements match nothing; NULL when either side is NULL), COLLATE pg_text. SQLite's result
 * code. */
int pg_sqlite_register(sqlite3 *db);
/* Register them on every connection this process opens from now on (idempotent). */
void pg_sqlite_auto(void);
/* The calling thread's count of pg_upsert_hit() calls: reset, then read. */
void pg_upsert_reset(void);
long pg_upsert_updated(void);

#endif
