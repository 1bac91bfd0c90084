/* pgtype_numeric.c: numeric input (numeric_in, then apply_typmod for numeric(p,s)) and the
 * storage form pgtype.h documents: INTEGER when integral within int64, else REAL within 15
 * significant digits, else refused; rounding half away from zero as PostgreSQL rounds. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_supabase/pgtype_int.h"

/* ---- numeric ---- */

/* numeric_in: digits[], the position of the decimal point, then apply_typmod. */
int pg_numeric_input(const struct pg_type *t, const char *text, struct pg_value *out,
                     struct pg_error *e)
{
    const char *s = text;
    char dig[1100], buf[1200];
    int nd = 0, point = -1, lead;
    long exp10 = 0;
    bool neg = false, any = false;

    while (isspace((unsigned char)*s))
        s++;
    if (strncasecmp(s, "NaN", 3) == 0) {
        const char *r = s + 3;
        while (isspace((unsigned char)*r))
            r++;
        if (*r == '\0')
            return pg_text_value(out, "NaN", 3);
    }
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    if (strncasecmp(s, "Infinity", 8) == 0 || strncasecmp(s, "inf", 3) == 0) {
        const char *r = s + (strncasecmp(s, "Infinity", 8) == 0 ? 8 : 3);
        while (isspace((unsigned char)*r))
            r++;
        if (*r == '\0' && t->len < 0) {
            out->t = PG_V_REAL;
            out->d = neg ? -INFINITY : INFINITY;
            return 0;
        }
        if (*r == '\0')
            return pg_fail(e, "22003", "numeric field overflow");
    }
    for (;; s++) {
        if (isdigit((unsigned char)*s)) {
            any = true;
            if (nd == 0 && *s == '0' && point < 0)
                continue; /* leading zeros of the integer part */
            if (nd >= 1000)
                return pg_fail(e, "22003", "value overflows numeric format");
            dig[nd++] = *s;
        } else if (*s == '.' && point < 0) {
            point = nd;
        } else {
            break;
        }
    }
    if (point < 0)
        point = nd;
    if (!any)
        return pg_fail_syntax(e, t, text);
    if (*s == 'e' || *s == 'E') {
        char *end = NULL;
        errno = 0;
        exp10 = strtol(s + 1, &end, 10);
        if (end == s + 1 || !(isdigit((unsigned char)s[1]) || s[1] == '-' || s[1] == '+'))
            return pg_fail_syntax(e, t, text);
        if (errno != 0 || exp10 > 1000 || exp10 < -1000)
            return pg_fail(e, "22003", "value overflows numeric format");
        s = end;
    }
    while (isspace((unsigned char)*s))
        s++;
    if (*s != '\0')
        return pg_fail_syntax(e, t, text);
    point += (int)exp10; /* value = 0.dig * 10^point */
    if (t->scale >= 0) { /* round half away from zero to scale places */
        int keep = point + t->scale;
        if (keep < nd) {
            bool up = keep >= 0 && dig[keep] >= '5';
            nd = keep > 0 ? keep : 0;
            for (int k = nd - 1; up && k >= 0; k--) {
                up = dig[k] == '9';
                dig[k] = up ? '0' : (char)(dig[k] + 1);
            }
            if (up) { /* carried past the first digit */
                memmove(dig + 1, dig, (size_t)nd);
                dig[0] = '1';
                nd++;
                point++;
            }
        }
    }
    while (nd > 0 && dig[nd - 1] == '0')
        nd--;
    lead = 0;
    while (lead < nd && dig[lead] == '0') {
        lead++;
        point--;
    }
    memmove(dig, dig + lead, (size_t)(nd - lead));
    nd -= lead;
    if (nd == 0)
        point = 0;
    if (t->len > 0 && point > t->len - (t->scale > 0 ? t->scale : 0))
        return pg_fail(e, "22003", "numeric field overflow");
    if (nd == 0) {
        out->t = PG_V_INT;
        out->i = 0;
        return 0;
    }
    if (point >= nd && point <= 19) { /* integral: exact in int64? */
        char *end = NULL;
        snprintf(buf, sizeof buf, "%s%.*s%0*d", neg ? "-" : "", nd, dig, point - nd, 0);
        if (point == nd)
            buf[strlen(buf) - 1] = '\0'; /* %0*d printed one 0 for width 0 */
        errno = 0;
        out->i = strtoll(buf, &end, 10);
        if (errno == 0) {
            out->t = PG_V_INT;
            return 0;
        }
    }
    if (nd > 15)
        return pg_fail(e, "22003",
                       "numeric value needs more than 15 significant digits: "
                       "\"%.100s\" (the fake's numeric range)",
                       text);
    snprintf(buf, sizeof buf, "%s0.%.*se%d", neg ? "-" : "", nd, dig, point);
    out->t = PG_V_REAL;
    out->d = strtod(buf, NULL);
    if (isinf(out->d) || out->d == 0.0)
        return pg_fail(e, "22003", "numeric value out of the fake's range: \"%.100s\"", text);
    return 0;
}
