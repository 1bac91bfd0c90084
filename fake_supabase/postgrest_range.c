/* postgrest_range.c: which rows a read returns (limit=, offset=, Range) and Content-Range.
 *
 * PostgREST works these out on Haskell Integers, which never overflow (RangeQuery.hs, and
 * getRanges in ApiRequest.hs, read at PostgREST commit 4834678). The fake does the same
 * arithmetic on 128-bit integers, where every value the parser gives (int64, or a mark past
 * it) fits with room to spare, so no request can overflow it:
 *   - the limit range is [offset, offset + limit - 1], [0, limit - 1] or [offset, inf);
 *   - the Range header (GET only, "^([0-9]+)-([0-9]*)$", anything else ignored) is
 *     intersected with it;
 *   - a limit range ending at -1 is "limit zero" (LIMIT 0 OFFSET 0, never an error);
 *   - any other empty result is 416 PGRST103, "The lower boundary must be lower than or equal
 *     to the upper boundary in the Range header." when the header itself was empty, else
 *     "Limit should be greater than or equal to zero.";
 *   - the statement gets LIMIT upper - lower + 1 (ALL when unbounded) OFFSET lower.
 * At the int64 edge PostgREST hands those numbers to PostgreSQL as bigint: an OFFSET past it
 * is 22003 "value ... is out of range for type bigint" (400). A LIMIT past it would be too,
 * but Supabase runs PostgREST with db-max-rows (1,000 by default), which caps every LIMIT
 * first; the fake, which has no max-rows, caps it at the int64 maximum instead: no table
 * has that many rows, so the answer is the same 200. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_supabase/errors.h"
#include "fake_supabase/rest_ctx.h"

typedef __int128 wide; /* PostgREST's Integer, for the values that can reach here */

#define WIDE_INF   ((wide)1 << 100) /* an unbounded upper end */
#define WIDE_BIG   ((wide)1 << 80)  /* a parsed value past int64 (struct sb_count.big) */
#define INT64_MAXW ((wide)9223372036854775807LL)

/* A range [lo, hi] of row positions; hi == WIDE_INF when unbounded. */
struct range {
    wide lo, hi;
};

static bool range_empty(struct range r)
{
    return r.hi < r.lo;
}

static wide count_value(struct sb_count c)
{
    if (!c.big)
        return c.v;
    return c.v < 0 ? -WIDE_BIG : WIDE_BIG;
}

/* Decimal digits at *s as a wide (saturated at WIDE_BIG); advances *s. False if none. */
static bool header_number(const char **s, wide *out)
{
    const char *p = *s;

    *out = 0;
    if (!isdigit((unsigned char)*p))
        return false;
    for (; isdigit((unsigned char)*p); p++)
        if (*out < WIDE_BIG)
            *out = *out * 10 + (*p - '0');
    if (*out > WIDE_BIG)
        *out = WIDE_BIG;
    *s = p;
    return true;
}

/* The Range header as rangeRequested reads it: [0, inf) when absent or malformed. */
static struct range header_range(const char *h)
{
    struct range all = {0, WIDE_INF}, r = {0, WIDE_INF};

    if (h == NULL || !header_number(&h, &r.lo) || *h++ != '-')
        return all;
    if (*h == '\0')
        return r;
    if (!header_number(&h, &r.hi) || *h != '\0')
        return all;
    return r;
}

/* The limit range of limit= and offset= (QueryParams.hs ranges). */
static struct range limit_range(const struct sb_query *q)
{
    wide lim = count_value(q->limit), off = count_value(q->offset);
    struct range r = {0, WIDE_INF};

    if (q->offset.set)
        r.lo = off;
    if (q->limit.set)
        r.hi = r.lo + lim - 1;
    return r;
}

static int range_error(struct sb_ctx *c, const char *details)
{
    return fk_answered(
        sb_pg_error(c->resp, 416, "PGRST103", "Requested range not satisfiable", details, NULL));
}

/* 22003 for an OFFSET past bigint: the digits at text, as PostgREST prints the Integer. */
static int bigint_error(struct sb_ctx *c, const char *text)
{
    char msg[160];

    text += strspn(text, "0");
    snprintf(msg, sizeof msg, "value \"%.*s\" is out of range for type bigint",
             (int)strspn(text, "0123456789") > 100 ? 100 : (int)strspn(text, "0123456789"), text);
    return fk_answered(sb_pg_error(c->resp, 400, "22003", msg, NULL, NULL));
}

int sb_rest_window(struct sb_ctx *c, struct sb_window *w)
{
    bool get = strcmp(c->req->method, "GET") == 0;
    const char *h = get ? fk_req_header(c->req, "Range") : NULL;
    struct range head = header_range(h), lim = limit_range(&c->q), top;

    w->offset = 0;
    w->limit = 0;
    if (lim.hi == -1) /* hasLimitZero: LIMIT 0 OFFSET 0 */
        return 0;
    top.lo = head.lo > lim.lo ? head.lo : lim.lo;
    top.hi = head.hi < lim.hi ? head.hi : lim.hi;
    if (range_empty(head) || range_empty(lim) || range_empty(top))
        return range_error(c, range_empty(head) ? "The lower boundary must be lower than or equal "
                                                  "to the upper boundary in the Range header."
                                                : "Limit should be greater than or equal to zero.");
    if (top.lo > INT64_MAXW) {
        bool from_offset = top.lo == lim.lo && c->q.offset_text != NULL;
        return bigint_error(c, from_offset ? c->q.offset_text : h != NULL ? h : "");
    }
    w->offset = (long long)top.lo;
    if (top.hi >= WIDE_INF)
        w->limit = -1;
    else
        w->limit = top.hi - top.lo + 1 > INT64_MAXW ? INT64_MAX : (long long)(top.hi - top.lo + 1);
    return 0;
}

/* n in decimal at the end of buf (at least 21 bytes); returns where it starts. */
static char *decimal(long long n, char *end)
{
    unsigned long long u = n < 0 ? 0ull - (unsigned long long)n : (unsigned long long)n;

    *--end = '\0';
    do
        *--end = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (n < 0)
        *--end = '-';
    return end;
}

int sb_rest_content_range(struct fk_resp *resp, long long lower, long long n, long long total)
{
    char v[80], a[24], b[24], t[24];
    const char *tot = total < 0 ? "*" : decimal(total, t + sizeof t);
    size_t len = 0;

    /* "lower-upper/total", or "*" then "/total" when no row: by hand, as it runs on every read.
     * A row was read at lower + n - 1, so that sum is a row position, never past int64. */
    if (n > 0 && total != 0) {
        const char *lo = decimal(lower, a + sizeof a), *hi = decimal(lower + (n - 1), b + sizeof b);
        size_t llo = strlen(lo), lhi = strlen(hi);
        memcpy(v, lo, llo);
        v[llo] = '-';
        memcpy(v + llo + 1, hi, lhi);
        len = llo + 1 + lhi;
    } else {
        v[len++] = '*';
    }
    v[len++] = '/';
    memcpy(v + len, tot, strlen(tot) + 1);
    return fk_resp_header(resp, "Content-Range", v);
}

/* Network.HTTP.Base urlEncode: bytes other than ASCII letters, digits and -_.~ as %XX. */
static int url_encode(struct fk_buf *out, const char *s)
{
    int rc = 0;

    for (; rc == 0 && *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~')
            rc = fk_buf_add(out, s, 1);
        else
            rc = fk_buf_printf(out, "%%%02X", ch);
    }
    return rc;
}

int sb_rest_content_location(struct sb_ctx *c)
{
    /* PostgREST 12 Response.hs (reads): "/" table, then "?" qsCanonical when not empty:
     * QueryParams.hs canonical, urlEncodeVars over the decoded parameters sorted (stably) by
     * name, where a repeated name's values join with ',' after the first's */
    const struct fk_req *r = c->req;
    size_t n = r->nargs, *order = malloc((n > 0 ? n : 1) * sizeof(*order));
    bool *done = calloc(n > 0 ? n : 1, sizeof(*done));
    struct fk_buf loc;
    int rc;

    fk_buf_init(&loc, SIZE_MAX);
    rc = order != NULL && done != NULL ? fk_buf_add(&loc, "/", 1) : FK_ENOMEM;
    if (rc == 0)
        rc = fk_buf_addstr(&loc, c->t->name);
    for (size_t i = 0; i < n; i++) { /* insertion sort: stable */
        size_t j = i;
        for (; rc == 0 && j > 0 && strcmp(r->args[order[j - 1]].key, r->args[i].key) > 0; j--)
            order[j] = order[j - 1];
        if (rc == 0)
            order[j] = i;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct fk_kv *kv = &r->args[order[i]];
        if (done[order[i]])
            continue;
        rc = fk_buf_add(&loc, i == 0 ? "?" : "&", 1);
        if (rc == 0)
            rc = url_encode(&loc, kv->key);
        if (rc == 0)
            rc = fk_buf_add(&loc, "=", 1);
        if (rc == 0)
            rc = url_encode(&loc, kv->value != NULL ? kv->value : "");
        for (size_t k = i + 1; rc == 0 && k < n; k++) {
            const struct fk_kv *same = &r->args[order[k]];
            if (done[order[k]] || strcmp(same->key, kv->key) != 0)
                continue;
            done[order[k]] = true;
            rc = fk_buf_add(&loc, ",", 1);
            if (rc == 0)
                rc = url_encode(&loc, same->value != NULL ? same->value : "");
        }
    }
    /* libmicrohttpd builds an answer's head in the connection's 32 KiB pool: a longer
     * Content-Location (a query of thousands of conditions) is left out, not the answer */
    if (rc == 0 && loc.len <= 8192)
        rc = fk_resp_header(c->resp, "Content-Location", fk_buf_str(&loc));
    fk_buf_cleanup(&loc);
    free(order);
    free(done);
    return rc;
}
