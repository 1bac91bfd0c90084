/* pgtype.c: declared types, and the input functions of the scalar types (see pgtype.h).
 *
 * Each parser follows the PostgreSQL 15 function named beside it (src/backend/utils/adt):
 * boolin (parse_bool_with_len), int2in/int4in/int8in (pg_strtoint*), float4in/float8in,
 * numeric_in (+ apply_typmod), uuid_in (string_to_uuid), varchar_in/bpchar_in. */
#include "fake_supabase/pgtype.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_supabase/pgtype_int.h"
#include "fakekit/json.h"

int pg_fail(struct pg_error *e, const char *code, const char *fmt, ...)
{
    va_list ap;

    snprintf(e->code, sizeof e->code, "%s", code);
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return FK_EINVAL;
}

int pg_fail_syntax(struct pg_error *e, const struct pg_type *t, const char *text)
{
    char name[64];
    struct pg_type scalar = *t;

    scalar.array = false;
    return pg_fail(e, "22P02", "invalid input syntax for type %s: \"%.150s\"",
                   pg_type_name(&scalar, name, sizeof name), text);
}

int pg_text_value(struct pg_value *out, const char *s, size_t n)
{
    out->t = PG_V_TEXT;
    out->s = strndup(s, n);
    return out->s != NULL ? 0 : FK_ENOMEM;
}

void pg_value_free(struct pg_value *v)
{
    free(v->s);
    v->s = NULL;
}

/* ---- declared types ---- */

static const struct {
    const char *name;
    enum pg_kind kind;
} names[] = {
    {"text", PG_TEXT},
    {"character varying", PG_VARCHAR},
    {"varchar", PG_VARCHAR},
    {"character", PG_BPCHAR},
    {"char", PG_BPCHAR},
    {"bpchar", PG_BPCHAR},
    {"uuid", PG_UUID},
    {"boolean", PG_BOOL},
    {"bool", PG_BOOL},
    {"smallint", PG_INT2},
    {"int2", PG_INT2},
    {"integer", PG_INT4},
    {"int", PG_INT4},
    {"int4", PG_INT4},
    {"serial", PG_INT4},
    {"bigint", PG_INT8},
    {"int8", PG_INT8},
    {"bigserial", PG_INT8},
    {"numeric", PG_NUMERIC},
    {"decimal", PG_NUMERIC},
    {"real", PG_FLOAT4},
    {"float4", PG_FLOAT4},
    {"double precision", PG_FLOAT8},
    {"float8", PG_FLOAT8},
    {"date", PG_DATE},
    {"time", PG_TIME},
    {"time without time zone", PG_TIME},
    {"timestamp", PG_TIMESTAMP},
    {"timestamp without time zone", PG_TIMESTAMP},
    {"timestamptz", PG_TIMESTAMPTZ},
    {"timestamp with time zone", PG_TIMESTAMPTZ},
    {"interval", PG_INTERVAL},
    {"json", PG_JSON},
    {"jsonb", PG_JSONB},
};

/* SQLite spellings of the project's older schema files (upper case, as written there). */
static const struct {
    const char *name;
    enum pg_kind kind;
} legacy[] = {
    {"TEXT", PG_TEXT},       {"INTEGER", PG_INT8},  {"INT", PG_INT8},     {"BIGINT", PG_INT8},
    {"REAL", PG_FLOAT8},     {"DOUBLE", PG_FLOAT8}, {"BOOLEAN", PG_BOOL}, {"BOOL", PG_BOOL},
    {"NUMERIC", PG_NUMERIC}, {"JSON", PG_JSON},     {"JSONB", PG_JSONB},
};

void pg_type_parse(const char *decl, bool legacy_table, struct pg_type *out)
{
    char low[96];
    size_t n = 0, len;
    int a = -1, b = -1;
    char *paren;

    *out = (struct pg_type){PG_UNKNOWN, false, -1, -1};
    while (isspace((unsigned char)*decl))
        decl++;
    for (size_t i = 0; legacy_table && i < sizeof legacy / sizeof legacy[0]; i++)
        if (strcmp(decl, legacy[i].name) == 0) {
            out->kind = legacy[i].kind;
            return;
        }
    for (; decl[n] != '\0' && n + 1 < sizeof low; n++)
        low[n] = (char)tolower((unsigned char)decl[n]);
    low[n] = '\0';
    while (n > 0 && isspace((unsigned char)low[n - 1]))
        low[--n] = '\0';
    if (n > 6 && strcmp(low + n - 6, " array") == 0) {
        out->array = true;
        n -= 6;
    } else if (n > 2 && strcmp(low + n - 2, "[]") == 0) {
        out->array = true;
        n -= 2;
    }
    low[n] = '\0';
    while (n > 0 && isspace((unsigned char)low[n - 1]))
        low[--n] = '\0';
    if ((paren = strchr(low, '(')) != NULL) {
        char *rest = paren + 1;
        if (sscanf(rest, "%d , %d", &a, &b) < 1 && sscanf(rest, "%d", &a) < 1)
            return;
        /* "timestamp(3) with time zone": the modifier sits inside the name */
        memmove(paren, strchr(paren, ')') != NULL ? strchr(paren, ')') + 1 : "",
                strlen(strchr(paren, ')') != NULL ? strchr(paren, ')') + 1 : "") + 1);
        len = strlen(low);
        while (len > 0 && isspace((unsigned char)low[len - 1]))
            low[--len] = '\0';
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(low, names[i].name) == 0)
            out->kind = names[i].kind;
    if (out->kind == PG_VARCHAR || out->kind == PG_BPCHAR || out->kind == PG_NUMERIC) {
        out->len = a;
        out->scale = out->kind == PG_NUMERIC && a > 0 ? (b >= 0 ? b : 0) : -1;
    }
    if (out->kind == PG_BPCHAR && out->len < 0 && strcmp(low, "bpchar") != 0)
        out->len = 1; /* character alone is character(1) */
}

bool pg_table_is_legacy(const char *const *decls, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (const char *p = decls[i]; *p != '\0'; p++)
            if (islower((unsigned char)*p))
                return false;
    return true;
}

const char *pg_type_name(const struct pg_type *t, char *buf, size_t size)
{
    static const char *const base[] = {
        [PG_UNKNOWN] = "unknown",
        [PG_TEXT] = "text",
        [PG_VARCHAR] = "character varying",
        [PG_BPCHAR] = "character",
        [PG_UUID] = "uuid",
        [PG_BOOL] = "boolean",
        [PG_INT2] = "smallint",
        [PG_INT4] = "integer",
        [PG_INT8] = "bigint",
        [PG_NUMERIC] = "numeric",
        [PG_FLOAT4] = "real",
        [PG_FLOAT8] = "double precision",
        [PG_DATE] = "date",
        [PG_TIME] = "time without time zone",
        [PG_TIMESTAMP] = "timestamp without time zone",
        [PG_TIMESTAMPTZ] = "timestamp with time zone",
        [PG_INTERVAL] = "interval",
        [PG_JSON] = "json",
        [PG_JSONB] = "jsonb",
    };
    snprintf(buf, size, "%s%s", base[t->kind], t->array ? "[]" : "");
    return buf;
}

bool pg_type_is_text(const struct pg_type *t)
{
    return !t->array && (t->kind == PG_TEXT || t->kind == PG_VARCHAR || t->kind == PG_BPCHAR);
}

/* ---- UTF-8 ---- */

int pg_check_utf8(const char *s, size_t n, struct pg_error *e)
{
    const unsigned char *p = (const unsigned char *)s;

    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        size_t len = c < 0x80             ? 1
                     : (c & 0xe0) == 0xc0 ? 2
                     : (c & 0xf0) == 0xe0 ? 3
                     : (c & 0xf8) == 0xf0 ? 4
                                          : 1;
        bool ok = c < 0x80 || (len > 1 && i + len <= n);
        unsigned cp = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
        for (size_t k = 1; ok && k < len; k++) {
            ok = (p[i + k] & 0xc0) == 0x80;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if (ok && len > 1)
            ok = !(len == 2 && cp < 0x80) && !(len == 3 && cp < 0x800) &&
                 !(len == 4 && (cp < 0x10000 || cp > 0x10ffff)) && !(cp >= 0xd800 && cp <= 0xdfff);
        if (c == 0)
            ok = false;
        if (!ok) {
            char bytes[40] = "";
            size_t show = len > 1 ? len : 1, used = 0;
            for (size_t k = 0; k < show && i + k < n; k++)
                used += (size_t)snprintf(bytes + used, sizeof bytes - used, "%s0x%02x",
                                         k ? " " : "", p[i + k]);
            return pg_fail(e, "22021", "invalid byte sequence for encoding \"UTF8\": %s", bytes);
        }
        i += len;
    }
    return 0;
}

/* Characters (code points) in s[0..n), valid UTF-8. */
static size_t utf8_chars(const char *s, size_t n)
{
    size_t c = 0;

    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xc0) != 0x80;
    return c;
}

/* Byte offset of character k of s. */
static size_t utf8_offset(const char *s, size_t n, size_t k)
{
    size_t i = 0;

    for (size_t c = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xc0) != 0x80 && c++ == k)
            break;
    }
    return i;
}

/* varchar_in / bpchar_in: too long is 22001 unless the excess is spaces (then cut). */
static int char_input(const struct pg_type *t, const char *text, struct pg_value *out,
                      struct pg_error *e)
{
    size_t n = strlen(text), chars;
    int rc = pg_check_utf8(text, n, e);

    if (rc != 0)
        return rc;
    chars = utf8_chars(text, n);
    if (t->len >= 0 && chars > (size_t)t->len) {
        size_t cut = utf8_offset(text, n, (size_t)t->len);
        for (size_t i = cut; i < n; i++)
            if (text[i] != ' ')
                return pg_fail(e, "22001", "value too long for type %s(%d)",
                               t->kind == PG_VARCHAR ? "character varying" : "character", t->len);
        n = cut;
        chars = (size_t)t->len;
    }
    if (t->kind == PG_BPCHAR && t->len >= 0 && chars < (size_t)t->len) {
        size_t pad = (size_t)t->len - chars;
        out->t = PG_V_TEXT;
        out->s = malloc(n + pad + 1);
        if (out->s == NULL)
            return FK_ENOMEM;
        memcpy(out->s, text, n);
        memset(out->s + n, ' ', pad);
        out->s[n + pad] = '\0';
        return 0;
    }
    return pg_text_value(out, text, n);
}

/* ---- boolean, integers, floats ---- */

static int bool_input(const struct pg_type *t, const char *text, struct pg_value *out,
                      struct pg_error *e)
{
    const char *s = text;
    size_t len;
    int v = -1;

    while (isspace((unsigned char)*s))
        s++;
    len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    if (len > 0) {
        switch (tolower((unsigned char)s[0])) {
        case 't':
            v = strncasecmp(s, "true", len) == 0 && len <= 4 ? 1 : -1;
            break;
        case 'y':
            v = strncasecmp(s, "yes", len) == 0 && len <= 3 ? 1 : -1;
            break;
        case 'f':
            v = strncasecmp(s, "false", len) == 0 && len <= 5 ? 0 : -1;
            break;
        case 'n':
            v = strncasecmp(s, "no", len) == 0 && len <= 2 ? 0 : -1;
            break;
        case 'o':
            v = len < 2                                       ? -1
                : strncasecmp(s, "on", len) == 0 && len <= 2  ? 1
                : strncasecmp(s, "off", len) == 0 && len <= 3 ? 0
                                                              : -1;
            break;
        case '1':
        case '0':
            v = len == 1 ? s[0] - '0' : -1;
            break;
        default:
            break;
        }
    }
    if (v < 0)
        return pg_fail_syntax(e, t, text);
    out->t = PG_V_INT;
    out->i = v;
    return 0;
}

static int int_input(const struct pg_type *t, const char *text, struct pg_value *out,
                     struct pg_error *e)
{
    const char *s = text;
    bool neg = false;
    unsigned long long acc = 0, limit;
    char name[32];

    while (isspace((unsigned char)*s))
        s++;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    if (!isdigit((unsigned char)*s))
        return pg_fail_syntax(e, t, text);
    limit = t->kind == PG_INT2 ? 32767ull : t->kind == PG_INT4 ? 2147483647ull : INT64_MAX;
    limit += neg;
    for (; isdigit((unsigned char)*s); s++) {
        if (acc > (ULLONG_MAX - 9) / 10) {
            acc = limit + 1;
            while (isdigit((unsigned char)s[1]))
                s++;
            continue;
        }
        acc = acc * 10 + (unsigned)(*s - '0');
    }
    while (isspace((unsigned char)*s))
        s++;
    if (*s != '\0')
        return pg_fail_syntax(e, t, text);
    if (acc > limit)
        return pg_fail(e, "22003", "value \"%.150s\" is out of range for type %s", text,
                       pg_type_name(t, name, sizeof name));
    out->t = PG_V_INT;
    out->i = neg ? (long long)(0ull - acc) : (long long)acc;
    return 0;
}

static int float_input(const struct pg_type *t, const char *text, struct pg_value *out,
                       struct pg_error *e)
{
    static const char *const special[] = {"NaN", "Infinity", "+Infinity", "-Infinity",
                                          "inf", "+inf",     "-inf"};
    const char *s = text;
    char *end = NULL, name[32];
    bool single = t->kind == PG_FLOAT4;
    double d;
    size_t len;

    while (isspace((unsigned char)*s))
        s++;
    len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        if (len == strlen(special[i]) && strncasecmp(s, special[i], len) == 0) {
            if (i == 0)
                return pg_text_value(out, "NaN", 3);
            out->t = PG_V_REAL;
            out->d = s[0] == '-' ? -INFINITY : INFINITY;
            return 0;
        }
    if (len == 0)
        return pg_fail_syntax(e, t, text);
    errno = 0;
    d = single ? (double)strtof(s, &end) : strtod(s, &end);
    if (end == s || (size_t)(end - s) != len || isnan(d) || isinf(d))
        return errno == ERANGE && end != s && (size_t)(end - s) == len
                   ? pg_fail(e, "22003", "\"%.150s\" is out of range for type %s", text,
                             pg_type_name(t, name, sizeof name))
                   : pg_fail_syntax(e, t, text);
    if (errno == ERANGE && d == 0.0)
        return pg_fail(e, "22003", "\"%.150s\" is out of range for type %s", text,
                       pg_type_name(t, name, sizeof name));
    out->t = PG_V_REAL;
    out->d = d;
    return 0;
}

/* ---- uuid ---- */

static int uuid_input(const struct pg_type *t, const char *text, struct pg_value *out,
                      struct pg_error *e)
{
    static const char hex[] = "0123456789abcdef";
    const char *s = text;
    char buf[37];
    size_t n = 0;
    bool braces = *s == '{';

    if (braces)
        s++;
    for (int i = 0; i < 16; i++) {
        if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
            return pg_fail_syntax(e, t, text);
        for (int k = 0; k < 2; k++) {
            int v =
                isdigit((unsigned char)s[k]) ? s[k] - '0' : tolower((unsigned char)s[k]) - 'a' + 10;
            buf[n++] = hex[v];
        }
        if (i == 3 || i == 5 || i == 7 || i == 9)
            buf[n++] = '-';
        s += 2;
        if (s[0] == '-' && i % 2 == 1 && i < 15)
            s++;
    }
    if (braces && *s++ != '}')
        return pg_fail_syntax(e, t, text);
    if (*s != '\0')
        return pg_fail_syntax(e, t, text);
    return pg_text_value(out, buf, 36);
}

/* ---- dispatch ---- */

int pg_input(const struct pg_type *t, const char *text, struct pg_value *out, struct pg_error *e)
{
    int rc;

    memset(out, 0, sizeof *out);
    if (t->kind != PG_UNKNOWN && (rc = pg_check_utf8(text, strlen(text), e)) != 0)
        return rc;
    if (t->array)
        return pg_array_input(t, text, out, e);
    switch (t->kind) {
    case PG_VARCHAR:
    case PG_BPCHAR:
        return char_input(t, text, out, e);
    case PG_UUID:
        return uuid_input(t, text, out, e);
    case PG_BOOL:
        return bool_input(t, text, out, e);
    case PG_INT2:
    case PG_INT4:
    case PG_INT8:
        return int_input(t, text, out, e);
    case PG_NUMERIC:
        return pg_numeric_input(t, text, out, e);
    case PG_FLOAT4:
    case PG_FLOAT8:
        return float_input(t, text, out, e);
    case PG_DATE:
    case PG_TIME:
    case PG_TIMESTAMP:
    case PG_TIMESTAMPTZ:
        return pg_time_input(t, text, out, e);
    case PG_JSON:
    case PG_JSONB:
        return pg_json_input(t, text, out, e);
    case PG_INTERVAL:
        return pg_interval_input(t, text, out, e);
    default:
        return pg_text_value(out, text, strlen(text));
    }
}

int pg_input_filter(const struct pg_type *t, const char *text, struct pg_value *out,
                    struct pg_error *e)
{
    struct pg_type loose = *t;

    /* A comparison's literal is not assigned: varchar compares as text, and bpchar pads a
     * short literal (trailing blanks do not count) but never refuses a long one. */
    if (!t->array && (t->kind == PG_VARCHAR || (t->kind == PG_BPCHAR && t->len >= 0 &&
                                                utf8_chars(text, strlen(text)) > (size_t)t->len)))
        loose.len = -1;
    return pg_input(&loose, text, out, e);
}

int pg_input_json(const struct pg_type *t, const cJSON *v, struct pg_value *out, struct pg_error *e)
{
    char num[420]; /* pg_format_double writes up to ~330 bytes */

    memset(out, 0, sizeof *out);
    if (v == NULL || cJSON_IsNull(v)) {
        out->t = PG_V_NULL;
        return 0;
    }
    if (t->array)
        return cJSON_IsString(v) ? pg_input(t, v->valuestring, out, e)
                                 : pg_array_input_json(t, v, out, e);
    if (t->kind == PG_JSON || t->kind == PG_JSONB)
        return pg_json_value_input(t, v, out, e);
    if (cJSON_IsString(v))
        return pg_input(t, v->valuestring, out, e);
    if (cJSON_IsBool(v))
        return pg_input(t, cJSON_IsTrue(v) ? "true" : "false", out, e);
    if (fk_json_number_text(v) != NULL) /* as json_to_recordset: the number's own text */
        return pg_input(t, fk_json_number_text(v), out, e);
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 9.2e18)
            snprintf(num, sizeof num, "%lld", (long long)d);
        else
            pg_format_double(d, false, t->kind == PG_NUMERIC, num, sizeof num);
        return pg_input(t, num, out, e);
    }
    if (t->kind == PG_UNKNOWN || pg_type_is_text(t)) { /* objects and arrays: their text */
        char *printed = cJSON_PrintUnformatted(v);
        int rc = printed != NULL ? pg_input(t, printed, out, e) : FK_ENOMEM;
        cJSON_free(printed);
        return rc;
    }
    return pg_fail_syntax(e, t, cJSON_IsArray(v) ? "[...]" : "{...}");
}

bool pg_body_has_nul(const char *body, size_t len)
{
    for (const char *p = body; p != NULL && (size_t)(p - body) + 6 <= len;) {
        const char *hit = memmem(p, len - (size_t)(p - body), "\\u0000", 6);
        size_t slashes = 0;
        if (hit == NULL)
            return false;
        while (hit - (ptrdiff_t)slashes > body && hit[-(ptrdiff_t)slashes - 1] == '\\')
            slashes++;
        if (slashes % 2 == 0)
            return true;
        p = hit + 6;
    }
    return false;
}
