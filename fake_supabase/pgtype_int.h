/* pgtype_int.h: what the files of the type layer share (pgtype.c: types and scalar input;
 * pgtype_time.c: dates and times; pgtype_json.c: json, jsonb and arrays; pgtype_render.c:
 * output; pgtype_sqlite.c: collation and functions). Private to the type layer. */
#ifndef SB_PGTYPE_INT_H
#define SB_PGTYPE_INT_H

#include "fake_supabase/pgtype.h"

/* Set e to code and the formatted message; returns FK_EINVAL. */
int pg_fail(struct pg_error *e, const char *code, const char *fmt, ...) FK_PRINTF(3, 4);
/* 22P02 invalid input syntax for type NAME: "text". */
int pg_fail_syntax(struct pg_error *e, const struct pg_type *t, const char *text);
/* A malloc()ed copy of s[0..n) as a text value; FK_ENOMEM. */
int pg_text_value(struct pg_value *out, const char *s, size_t n) FK_MUST_CHECK;

/* numeric(p,s) and numeric (pgtype_numeric.c). */
int pg_numeric_input(const struct pg_type *t, const char *text, struct pg_value *out,
                     struct pg_error *e) FK_MUST_CHECK;

/* interval (pgtype_interval.c). */
int pg_interval_input(const struct pg_type *t, const char *text, struct pg_value *out,
                      struct pg_error *e) FK_MUST_CHECK;
int pg_interval_render(const char *s, struct fk_buf *out) FK_MUST_CHECK;

/* Dates and times (t->kind PG_DATE, PG_TIME, PG_TIMESTAMP, PG_TIMESTAMPTZ). */
int pg_time_input(const struct pg_type *t, const char *text, struct pg_value *out,
                  struct pg_error *e) FK_MUST_CHECK;
/* Append the to_json() text of a stored date/time (any spelling pg_time_input reads). */
int pg_time_render(const struct pg_type *t, const char *s, struct fk_buf *out) FK_MUST_CHECK;

/* json/jsonb text input; arrays from a PostgreSQL literal or a JSON array. */
int pg_json_input(const struct pg_type *t, const char *text, struct pg_value *out,
                  struct pg_error *e) FK_MUST_CHECK;
int pg_json_value_input(const struct pg_type *t, const cJSON *v, struct pg_value *out,
                        struct pg_error *e) FK_MUST_CHECK;
int pg_array_input(const struct pg_type *t, const char *text, struct pg_value *out,
                   struct pg_error *e) FK_MUST_CHECK;
int pg_array_input_json(const struct pg_type *t, const cJSON *v, struct pg_value *out,
                        struct pg_error *e) FK_MUST_CHECK;
/* jsonb's text form (keys sorted, PostgreSQL's spacing) of stored JSON text. */
int pg_jsonb_render(const char *s, struct fk_buf *out) FK_MUST_CHECK;
/* A stored array (JSON array of element storage forms) rendered element by element. */
int pg_array_render(const struct pg_type *t, const char *s, struct fk_buf *out) FK_MUST_CHECK;

/* d in PostgreSQL's shortest form (float8out; float4out when single), or plain decimal
 * notation without exponent when plain (numeric_out). buf of at least 400 bytes. */
void pg_format_double(double d, bool single, bool plain, char *buf, size_t size);

#endif
