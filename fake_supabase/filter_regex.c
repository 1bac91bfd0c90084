/* filter_regex.c: PostgREST's match and imatch (~ and ~*) on SQLite, with POSIX regular
 * expressions.
 *
 * PostgREST v12.2 src/PostgREST/Query/SqlFragment.hs operators: match is "~", imatch "~*",
 * PostgreSQL's advanced regular expressions (ARE). The fake compiles the pattern as a POSIX
 * extended expression (glibc regcomp, which also knows \w \W \s \S \b), after rewriting ARE's
 * \d and \D outside brackets as [0-9] and [^0-9]. A pattern PostgreSQL refuses is 400 2201B
 * "invalid regular expression: ..." (the reason is glibc's wording, not PostgreSQL's). Known
 * differences: ARE-only syntax (lookahead, \m \M, embedded options) and imatch's case folding,
 * which is glibc's in the C locale (ASCII). */
#include "fake_supabase/filter_regex.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ARE's \d and \D rewritten; NULL on ENOMEM. */
static char *rewrite(const char *p)
{
    char *out = malloc(strlen(p) * 5 + 1);
    size_t n = 0;
    bool bracket = false;

    if (out == NULL)
        return NULL;
    for (; *p != '\0'; p++) {
        if (!bracket && p[0] == '\\' && (p[1] == 'd' || p[1] == 'D')) {
            const char *cls = p[1] == 'd' ? "[0-9]" : "[^0-9]";
            memcpy(out + n, cls, strlen(cls));
            n += strlen(cls);
            p++;
            continue;
        }
        if (!bracket && p[0] == '\\' && p[1] != '\0') {
            out[n++] = *p++;
            out[n++] = *p;
            continue;
        }
        if (*p == '[')
            bracket = true;
        else if (*p == ']')
            bracket = false;
        out[n++] = *p;
    }
    out[n] = '\0';
    return out;
}

int sb_regex_check(const char *pattern, bool icase, char *why, size_t size)
{
    char *p = rewrite(pattern);
    regex_t re;
    int rc;

    if (p == NULL)
        return -1;
    rc = regcomp(&re, p, REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0));
    free(p);
    if (rc != 0) {
        /* PostgreSQL's words (src/include/regex/regerrs.h) where glibc's code has one */
        static const struct {
            int code;
            const char *pg;
        } words[] = {
            {REG_EPAREN, "parentheses () not balanced"}, {REG_EBRACK, "brackets [] not balanced"},
            {REG_EBRACE, "braces {} not balanced"},      {REG_BADRPT, "quantifier operand invalid"},
            {REG_EESCAPE, "invalid escape \\ sequence"}, {REG_BADBR, "invalid repetition count(s)"},
            {REG_ERANGE, "invalid character range"},     {REG_ECTYPE, "invalid character class"},
        };
        char msg[200];
        regerror(rc, &re, msg, sizeof(msg));
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
            if (words[i].code == rc)
                snprintf(msg, sizeof(msg), "%s", words[i].pg);
        snprintf(why, size, "invalid regular expression: %s", msg);
        return 1;
    }
    regfree(&re);
    return 0;
}

static void free_re(void *p)
{
    regfree(p);
    free(p);
}

/* pgrst_regex(text, pattern, icase): 1, 0, NULL for a NULL text. */
static void fn_regex(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    regex_t *re = sqlite3_get_auxdata(ctx, 1);

    (void)argc;
    if (text == NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    if (re == NULL) {
        char *p = rewrite((const char *)sqlite3_value_text(argv[1]));
        re = malloc(sizeof(*re));
        if (p == NULL || re == NULL ||
            regcomp(re, p,
                    REG_EXTENDED | REG_NOSUB | (sqlite3_value_int(argv[2]) != 0 ? REG_ICASE : 0)) !=
                0) {
            free(p);
            free(re);
            sqlite3_result_error(ctx, "invalid regular expression", -1);
            return;
        }
        free(p);
        sqlite3_set_auxdata(ctx, 1, re, free_re);
        if ((re = sqlite3_get_auxdata(ctx, 1)) == NULL) { /* freed already on ENOMEM */
            sqlite3_result_error_nomem(ctx);
            return;
        }
    }
    sqlite3_result_int(ctx, regexec(re, text, 0, NULL, 0) == 0);
}

static int register_all(sqlite3 *db, char **errmsg, const sqlite3_api_routines *api)
{
    (void)errmsg;
    (void)api;
    return sqlite3_create_function(db, "pgrst_regex", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                   fn_regex, NULL, NULL);
}

int sb_regex_register(sqlite3 *db)
{
    return register_all(db, NULL, NULL);
}

void sb_regex_auto(void)
{
    (void)sqlite3_auto_extension((void (*)(void))register_all);
}
