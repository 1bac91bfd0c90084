/* pgtype_render.c: stored values as PostgREST's to_json() renders them (see pgtype.h).
 *
 * Floats follow PostgreSQL 12+'s float8out/float4out (extra_float_digits = 1): the shortest
 * digits that read back to the same value, fixed notation for decimal exponents -4..14
 * (float4: -4..5), else d.ddde+XX. numeric_out never uses an exponent. Values that are not
 * in their storage form (rows of older files) are rendered as their text, as before. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_supabase/pgtype_int.h"

int pg_json_string(struct fk_buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    int rc = fk_buf_add(out, "\"", 1);

    while (rc == 0 && p < end) {
        const unsigned char *run = p;
        char esc[8];
        while (p < end && *p >= 0x20 && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            rc = fk_buf_add(out, run, (size_t)(p - run));
        if (rc != 0 || p == end)
            break;
        switch (*p) {
        case '"':
            rc = fk_buf_add(out, "\\\"", 2);
            break;
        case '\\':
            rc = fk_buf_add(out, "\\\\", 2);
            break;
        case '\b':
            rc = fk_buf_add(out, "\\b", 2);
            break;
        case '\f':
            rc = fk_buf_add(out, "\\f", 2);
            break;
        case '\n':
            rc = fk_buf_add(out, "\\n", 2);
            break;
        case '\r':
            rc = fk_buf_add(out, "\\r", 2);
            break;
        case '\t':
            rc = fk_buf_add(out, "\\t", 2);
            break;
        default:
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            rc = fk_buf_add(out, esc, 6);
            break;
        }
        p++;
    }
    return rc == 0 ? fk_buf_add(out, "\"", 1) : rc;
}

void pg_format_double(double d, bool single, bool plain, char *buf, size_t size)
{
    char e[64], digits[40];
    int prec, exp10, nd = 0, fixed_max = single ? 6 : 15;
    const char *p;
    size_t n = 0;

    if (isnan(d) || isinf(d)) {
        snprintf(buf, size, "%s", isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    for (prec = 1; prec <= 17; prec++) { /* the shortest digits that read back */
        snprintf(e, sizeof e, "%.*e", prec - 1, d);
        if (single ? strtof(e, NULL) == (float)d : strtod(e, NULL) == d) {
            /* PostgreSQL's Ryu takes only digits strictly inside the rounding interval: a
             * candidate exactly half-way to a neighbour (2.5e22) is not taken. numeric (plain)
             * holds at most 15 significant digits, which read back to themselves. */
            if (plain) {
                break;
            } else if (single) {
                double x = strtod(e, NULL), f = (float)d;
                double lo = (f + (double)nextafterf((float)d, -INFINITY)) / 2;
                double hi = (f + (double)nextafterf((float)d, INFINITY)) / 2;
                if (x != lo && x != hi)
                    break;
            } else {
                long double x = strtold(e, NULL);
                long double lo = ((long double)d + (long double)nextafter(d, -INFINITY)) / 2;
                long double hi = ((long double)d + (long double)nextafter(d, INFINITY)) / 2;
                if (x != lo && x != hi)
                    break;
            }
        }
    }
    /* e: [-]d[.ddd]e[+-]XX */
    p = e;
    if (*p == '-')
        buf[n++] = *p++;
    for (; *p != 'e'; p++)
        if (*p != '.')
            digits[nd++] = *p;
    exp10 = (int)strtol(p + 1, NULL, 10);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';
    if (!plain && (exp10 < -4 || exp10 >= fixed_max)) {
        snprintf(buf + n, size - n, "%c%s%s%se%c%02d", digits[0], nd > 1 ? "." : "", digits + 1, "",
                 exp10 < 0 ? '-' : '+', abs(exp10));
        return;
    }
    if (exp10 < 0) { /* 0.000ddd */
        n += (size_t)snprintf(buf + n, size - n, "0.");
        for (int k = 0; k < -exp10 - 1 && n + 1 < size; k++)
            buf[n++] = '0';
        snprintf(buf + n, size - n, "%s", digits);
        return;
    }
    for (int k = 0; k <= exp10 && n + 1 < size; k++) /* integer part, zeros past the digits */
        buf[n++] = k < nd ? digits[k] : '0';
    if (nd > exp10 + 1 && n + 1 < size) {
        buf[n++] = '.';
        for (int k = exp10 + 1; k < nd && n + 1 < size; k++)
            buf[n++] = digits[k];
    }
    buf[n] = '\0';
}

/* numeric: INTEGER or REAL storage, s places when the column has a scale. */
static int numeric_render(const struct pg_type *t, int sqltype, long long i, double d,
                          struct fk_buf *out)
{
    char num[420];

    if (sqltype == SQLITE_INTEGER && t->scale > 0)
        snprintf(num, sizeof num, "%lld.%0*d", i, t->scale, 0);
    else if (sqltype == SQLITE_INTEGER)
        snprintf(num, sizeof num, "%lld", i);
    else if (isinf(d))
        return pg_json_string(out, d > 0 ? "Infinity" : "-Infinity", d > 0 ? 8 : 9);
    else if (t->scale >= 0)
        snprintf(num, sizeof num, "%.*f", t->scale, d);
    else
        pg_format_double(d, false, true, num, sizeof num);
    return fk_buf_addstr(out, num);
}

static int float_render(const struct pg_type *t, double d, struct fk_buf *out)
{
    char num[420];

    pg_format_double(d, t->kind == PG_FLOAT4, false, num, sizeof num);
    if (isinf(d) || isnan(d))
        return pg_json_string(out, num, strlen(num));
    return fk_buf_addstr(out, num);
}

static int text_render(const struct pg_type *t, const char *s, size_t n, struct fk_buf *out)
{
    switch (t->kind) {
    case PG_DATE:
    case PG_TIME:
    case PG_TIMESTAMP:
    case PG_TIMESTAMPTZ:
        return pg_time_render(t, s, out);
    case PG_JSON: {
        cJSON *ok = cJSON_ParseWithLength(s, n);
        bool valid = ok != NULL;
        cJSON_Delete(ok);
        return valid ? fk_buf_add(out, s, n) : pg_json_string(out, s, n);
    }
    case PG_JSONB:
        return pg_jsonb_render(s, out);
    case PG_INTERVAL:
        return pg_interval_render(s, out);
    case PG_FLOAT4:
    case PG_FLOAT8:
    case PG_NUMERIC:
        if (n == 3 && memcmp(s, "NaN", 3) == 0)
            return pg_json_string(out, "NaN", 3);
        return pg_json_string(out, s, n);
    default:
        return pg_json_string(out, s, n);
    }
}

/* A value with no layer type, as before the layer: by its SQLite storage class. */
static int legacy_render(int sqltype, long long i, double d, struct fk_buf *out)
{
    cJSON *v = sqltype == SQLITE_INTEGER ? cJSON_CreateNumber((double)i) : cJSON_CreateNumber(d);
    char *text = v != NULL ? cJSON_PrintUnformatted(v) : NULL;
    int rc = text != NULL ? fk_buf_addstr(out, text) : FK_ENOMEM;

    cJSON_free(text);
    cJSON_Delete(v);
    return rc;
}

int pg_render(const struct pg_type *t, int sqltype, long long i, double d, const char *s, size_t n,
              struct fk_buf *out)
{
    char num[32];

    switch (sqltype) {
    case SQLITE_NULL:
        return fk_buf_add(out, "null", 4);
    case SQLITE_INTEGER:
        if (t->kind == PG_BOOL && !t->array)
            return i != 0 ? fk_buf_add(out, "true", 4) : fk_buf_add(out, "false", 5);
        if (t->kind == PG_NUMERIC && !t->array)
            return numeric_render(t, sqltype, i, d, out);
        if (t->kind == PG_UNKNOWN && (i > 9007199254740992LL || i < -9007199254740992LL))
            return legacy_render(sqltype, i, d, out);
        snprintf(num, sizeof num, "%lld", i); /* exact, never through a double */
        return fk_buf_addstr(out, num);
    case SQLITE_FLOAT:
        if (t->kind == PG_NUMERIC && !t->array)
            return numeric_render(t, sqltype, i, d, out);
        if (t->kind == PG_UNKNOWN)
            return legacy_render(sqltype, i, d, out);
        if ((t->kind == PG_INT2 || t->kind == PG_INT4 || t->kind == PG_INT8) && d == floor(d))
            return legacy_render(sqltype, i, d, out); /* a real in an integer column */
        return float_render(t, d, out);
    case SQLITE_TEXT:
        if (t->array)
            return pg_array_render(t, s, out);
        return text_render(t, s, n, out);
    default: { /* BLOB: bytea's hex form */
        int rc = fk_buf_add(out, "\"\\\\x", 4);
        for (size_t k = 0; rc == 0 && k < n; k++) {
            snprintf(num, sizeof num, "%02x", (unsigned char)s[k]);
            rc = fk_buf_add(out, num, 2);
        }
        return rc == 0 ? fk_buf_add(out, "\"", 1) : rc;
    }
    }
}

int pg_render_column(const struct pg_type *t, sqlite3_stmt *st, int col, struct fk_buf *out)
{
    int type = sqlite3_column_type(st, col);

    switch (type) {
    case SQLITE_INTEGER:
        return pg_render(t, type, sqlite3_column_int64(st, col), 0, NULL, 0, out);
    case SQLITE_FLOAT:
        return pg_render(t, type, 0, sqlite3_column_double(st, col), NULL, 0, out);
    case SQLITE_TEXT: {
        const char *s = (const char *)sqlite3_column_text(st, col);
        return pg_render(t, type, 0, 0, s != NULL ? s : "", (size_t)sqlite3_column_bytes(st, col),
                         out);
    }
    case SQLITE_BLOB: {
        const char *s = sqlite3_column_blob(st, col);
        return pg_render(t, type, 0, 0, s, (size_t)sqlite3_column_bytes(st, col), out);
    }
    default:
        return pg_render(t, SQLITE_NULL, 0, 0, NULL, 0, out);
    }
}
