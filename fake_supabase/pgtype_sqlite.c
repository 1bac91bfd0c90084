/* pgtype_sqlite.c: what the type layer registers on every SQLite connection (see pgtype.h):
 * the text collation, Unicode lower() for ilike, and the upsert counter.
 *
 * PostgreSQL's libc collation provider compares with strcoll_l in the database's locale and,
 * when that says equal, with strcmp (varstr_cmp: deterministic collations); so does
 * COLLATE pg_text, with the same glibc, so the order agrees with PostgreSQL on this machine. */
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include <cjson/cJSON.h>

#include "fake_supabase/pgtype_int.h"

static locale_t coll_locale; /* (locale_t)0: C, compare bytes */
static char coll_name[64] = "C";

int pg_collation_set(const char *name)
{
    locale_t loc;

    if (name == NULL || strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0) {
        if (coll_locale != (locale_t)0)
            freelocale(coll_locale);
        coll_locale = (locale_t)0;
        snprintf(coll_name, sizeof coll_name, "C");
        return 0;
    }
    loc = newlocale(LC_COLLATE_MASK | LC_CTYPE_MASK, name, (locale_t)0);
    if (loc == (locale_t)0) {
        fprintf(stderr,
                "supabase: warning: locale %s is not installed; text sorts by bytes "
                "(collation C)\n",
                name);
        return pg_collation_set("C") == 0 ? FK_EINVAL : FK_EINVAL;
    }
    if (coll_locale != (locale_t)0)
        freelocale(coll_locale);
    coll_locale = loc;
    snprintf(coll_name, sizeof coll_name, "%s", name);
    return 0;
}

const char *pg_collation_name(void)
{
    return coll_name;
}

static int bytes_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);

    return c != 0 ? c : na < nb ? -1 : na > nb ? 1 : 0;
}

int pg_text_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    char sa[256], sb[256], *ha = NULL, *hb = NULL;
    const char *ca = a, *cb = b;
    int c;

    if (coll_locale == (locale_t)0)
        return bytes_cmp(a, na, b, nb);
    /* strcoll_l wants NUL-terminated text */
    if (na < sizeof sa) {
        memcpy(sa, a, na);
        sa[na] = '\0';
        ca = sa;
    } else if ((ha = strndup(a, na)) != NULL) {
        ca = ha;
    }
    if (nb < sizeof sb) {
        memcpy(sb, b, nb);
        sb[nb] = '\0';
        cb = sb;
    } else if ((hb = strndup(b, nb)) != NULL) {
        cb = hb;
    }
    c = (ca == a || cb == b) ? bytes_cmp(a, na, b, nb) : strcoll_l(ca, cb, coll_locale);
    free(ha);
    free(hb);
    return c != 0 ? c : bytes_cmp(a, na, b, nb);
}

static int coll_cmp(void *arg, int na, const void *a, int nb, const void *b)
{
    (void)arg;
    return pg_text_cmp(a, (size_t)na, b, (size_t)nb);
}

/* The locale whose LC_CTYPE folds case: the collation's, else C.UTF-8 (ilike folds Unicode
 * whatever the order is, as on Supabase whose LC_CTYPE is never plain C). */
static locale_t ctype_locale(void)
{
    static locale_t utf8;

    if (coll_locale != (locale_t)0)
        return coll_locale;
    if (utf8 == (locale_t)0)
        utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    return utf8;
}

/* One UTF-8 character at s (n bytes left): its code point and length; 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    size_t len = s[0] < 0x80             ? 1
                 : (s[0] & 0xe0) == 0xc0 ? 2
                 : (s[0] & 0xf0) == 0xe0 ? 3
                 : (s[0] & 0xf8) == 0xf0 ? 4
                                         : 0;
    unsigned v = len == 1 ? s[0] : len == 2 ? s[0] & 0x1fu : len == 3 ? s[0] & 0x0fu : s[0] & 0x07u;

    if (len == 0 || len > n)
        return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[k] & 0x3fu);
    }
    *cp = v;
    return len;
}

static size_t utf8_encode(unsigned cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

char *pg_lower(const char *s)
{
    size_t n = strlen(s), o = 0;
    char *out = malloc(n * 2 + 1); /* a lower-case letter may take more bytes */
    locale_t loc = ctype_locale();
    const unsigned char *p = (const unsigned char *)s;

    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t used = utf8_decode(p + i, n - i, &cp);
        if (used <= 1 || loc == (locale_t)0) { /* ASCII, or a byte that is not UTF-8 */
            out[o++] = p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] + 32) : (char)p[i];
            i++;
            continue;
        }
        {
            unsigned low = (unsigned)towlower_l((wint_t)cp, loc);
            char mb[4];
            size_t w = utf8_encode(low, mb);
            if (o + w > n * 2)
                w = 0;
            memcpy(out + o, w > 0 ? mb : (const char *)(p + i), w > 0 ? w : used);
            o += w > 0 ? w : used;
        }
        i += used;
    }
    out[o] = '\0';
    return out;
}

static void fn_lower(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    char *low;

    (void)argc;
    if (s == NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    if ((low = pg_lower(s)) == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text(ctx, low, -1, free);
}

static _Thread_local long upsert_updates;

void pg_upsert_reset(void)
{
    upsert_updates = 0;
}

long pg_upsert_updated(void)
{
    return upsert_updates;
}

/* pg_upsert_hit(): counts one row that ON CONFLICT DO UPDATE is about to update; always 1. */
static void fn_upsert_hit(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    upsert_updates++;
    sqlite3_result_int(ctx, 1);
}

/* Is element e of one stored array equal to some element of b? NULL equals nothing, as in
 * PostgreSQL's array operators; elements are storage forms (pgtype.h), so equal values have
 * equal JSON. */
static bool arr_has(const cJSON *b, const cJSON *e)
{
    const cJSON *x;

    if (cJSON_IsNull(e))
        return false;
    cJSON_ArrayForEach(x, b)
    {
        if (!cJSON_IsNull(x) && cJSON_Compare(e, x, true))
            return true;
    }
    return false;
}

/* pg_arr_contains(a, b): a @> b; pg_arr_overlaps(a, b): a && b, on two stored arrays (JSON
 * text). NULL when either is NULL or not an array. */
static void fn_arr(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    bool overlap = sqlite3_user_data(ctx) != NULL, r = !overlap;
    cJSON *a = NULL, *b = NULL;
    const cJSON *e, *each, *other;

    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_TEXT && sqlite3_value_type(argv[1]) == SQLITE_TEXT) {
        a = cJSON_Parse((const char *)sqlite3_value_text(argv[0]));
        b = cJSON_Parse((const char *)sqlite3_value_text(argv[1]));
    }
    if (!cJSON_IsArray(a) || !cJSON_IsArray(b)) {
        sqlite3_result_null(ctx);
    } else {
        each = overlap ? a : b; /* (cJSON_ArrayForEach does not parenthesize its argument) */
        other = overlap ? b : a;
        cJSON_ArrayForEach(e, each)
        {
            bool has = arr_has(other, e);
            r = overlap ? r || has : r && has;
        }
        sqlite3_result_int(ctx, r);
    }
    cJSON_Delete(a);
    cJSON_Delete(b);
}

static int register_all(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api)
{
    int rc;

    (void)errmsg;
    (void)api;
    rc = sqlite3_create_function(db, "pg_upsert_hit", 0, SQLITE_UTF8, NULL, fn_upsert_hit, NULL,
                                 NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "pg_lower", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                     fn_lower, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "pg_arr_contains", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                     NULL, fn_arr, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "pg_arr_overlaps", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                     (void *)1, fn_arr, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_collation(db, "pg_text", SQLITE_UTF8, NULL, coll_cmp);
    return rc;
}

int pg_sqlite_register(sqlite3 *db)
{
    return register_all(db, NULL, NULL);
}

void pg_sqlite_auto(void)
{
    /* a no-op when already registered (sqlite.org/c3ref/auto_extension.html) */
    (void)sqlite3_auto_extension((void (*)(void))register_all);
}
