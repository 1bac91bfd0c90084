/* redact.c: secrets out of the journal, the caller's identity kept (see redact.h).
 *
 * Bodies are rewritten as text, not parsed and printed again, so everything that is not a
 * secret stays byte for byte what the client sent (numbers, spacing, key order, a body cut
 * at the journal's 64 KiB). The JSON scanner only needs to tell keys from other strings: in
 * JSON a key is exactly a string followed by ':'. It never fails, whatever the text, at any
 * depth; text that is not JSON is copied. */
#include "fakekit/redact.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <nettle/base64.h>

#include "fakekit/buf.h"
#include "fakekit/jwt.h"

#define MASK "***"

static const char *const secret_words[] = {"password", "passwd",  "secret",        "token",
                                           "apikey",   "api_key", "code_verifier", NULL};
static const char *const secret_headers[] = {"authorization", "proxy-authorization", "cookie",
                                             "apikey",        "x-api-key",           NULL};

bool fk_redact_secret_name(const char *name, size_t len)
{
    for (size_t w = 0; secret_words[w] != NULL; w++) {
        size_t wl = strlen(secret_words[w]);
        for (size_t i = 0; i + wl <= len; i++)
            if (strncasecmp(name + i, secret_words[w], wl) == 0)
                return true;
    }
    return false;
}

/* The byte a code point stands for in a name, as Go's encoding/json folds field names (GoTrue
 * matches "paſſword" to Password: U+017F folds to s, the Kelvin sign U+212A to k); other
 * non-ASCII code points are 0x80, which no secret word holds. */
static char name_char(unsigned long cp)
{
    return cp < 0x80 ? (char)cp : cp == 0x17F ? 's' : cp == 0x212A ? 'k' : (char)0x80;
}

/* A UTF-8 sequence at s[i] (n bytes left): its code point, *used set to its length (1 for a
 * byte that starts none: the byte itself). */
static unsigned long utf8_at(const unsigned char *s, size_t n, size_t *used)
{
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 1;
    unsigned long cp = len == 1 ? s[0] : s[0] & (0x3Fu >> (len - 1));

    if (len > n)
        len = 1, cp = s[0];
    for (size_t k = 1; k < len; k++)
        cp = (cp << 6) | (s[k] & 0x3Fu);
    *used = len;
    return cp;
}

/* fk_redact_secret_name on a name as the service reads it: d holds the decoded bytes (at most
 * len), each non-ASCII code point folded by name_char. */
static bool decoded_secret(char *d, size_t n)
{
    size_t out = 0;

    for (size_t i = 0; i < n;) {
        size_t used = 1;
        d[out++] = name_char(utf8_at((const unsigned char *)d + i, n - i, &used));
        i += used;
    }
    return fk_redact_secret_name(d, out);
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* A form or query field name (raw, len bytes) is secret once percent-decoded ('+' a space), as
 * the services read it: "pass%77ord", "%61pikey". */
static bool form_name_secret(const char *s, size_t len)
{
    char small[256], *d = len <= sizeof(small) ? small : malloc(len);
    size_t n = 0;
    bool secret;

    if (d == NULL)
        return true; /* out of memory: hide rather than keep */
    for (size_t i = 0; i < len; i++) {
        int hi = i + 2 < len ? hex_digit(s[i + 1]) : -1, lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;
        if (s[i] == '%' && lo >= 0) {
            d[n++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            d[n++] = s[i] == '+' ? ' ' : s[i];
        }
    }
    secret = decoded_secret(d, n);
    if (d != small)
        free(d);
    return secret;
}

/* A JSON key (the text between its quotes, len bytes) is secret once its escapes are read, as
 * every JSON parser reads it: "pass\u0077ord" is password. */
static bool json_name_secret(const char *s, size_t len)
{
    char small[256], *d = len <= sizeof(small) ? small : malloc(len);
    size_t n = 0;
    bool secret;

    if (d == NULL)
        return true;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\\' || i + 1 >= len) {
            d[n++] = s[i];
            continue;
        }
        i++;
        unsigned long cp = 0;
        int ok = s[i] == 'u' && i + 4 < len;
        for (size_t k = 1; ok && k <= 4; k++) {
            int h = hex_digit(s[i + k]);
            ok = h >= 0;
            cp = cp * 16 + (unsigned long)(h < 0 ? 0 : h);
        }
        if (ok) { /* one byte stands for the code point: decoded_secret folds it alike */
            i += 4;
            d[n++] = name_char(cp);
        } else {
            d[n++] = s[i] == 'n' ? '\n' : s[i] == 't' ? '\t' : s[i] == 'r' ? '\r' : s[i];
        }
    }
    secret = decoded_secret(d, n);
    if (d != small)
        free(d);
    return secret;
}

static bool secret_header(const char *name)
{
    for (size_t i = 0; secret_headers[i] != NULL; i++)
        if (strcasecmp(name, secret_headers[i]) == 0)
            return true;
    return fk_redact_secret_name(name, strlen(name));
}

/* ---- header values ------------------------------------------------------------------- */

/* "***.{claims}.***" for a JWT (only sub, role, iss and exp are kept); NULL if tok is not
 * one or memory ran out. */
static char *jwt_identity(const char *tok)
{
    static const char *const keep[] = {"sub", "role", "iss", "exp", NULL};
    cJSON *claims = NULL, *out = NULL;
    char *text = NULL, *res = NULL;

    if (strchr(tok, ' ') != NULL || fk_jwt_peek(tok, &claims) != FK_JWT_OK)
        return NULL;
    if ((out = cJSON_CreateObject()) == NULL)
        goto done;
    for (size_t i = 0; keep[i] != NULL; i++) {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(claims, keep[i]);
        cJSON *dup = c != NULL ? cJSON_Duplicate(c, true) : NULL;
        if (dup != NULL && !cJSON_AddItemToObject(out, keep[i], dup))
            cJSON_Delete(dup);
    }
    if ((text = cJSON_PrintUnformatted(out)) != NULL && (res = malloc(strlen(text) + 9)) != NULL)
        snprintf(res, strlen(text) + 9, MASK ".%s." MASK, text);
done:
    cJSON_free(text);
    cJSON_Delete(out);
    cJSON_Delete(claims);
    return res;
}

/* "user:***" for the base64 of "user:password", when user is printable; NULL otherwise. */
static char *basic_identity(const char *b64)
{
    struct base64_decode_ctx ctx;
    size_t len = strlen(b64), n = BASE64_DECODE_LENGTH(len);
    uint8_t *raw = malloc(n + 1);
    char *res = NULL;

    if (raw == NULL)
        return NULL;
    base64_decode_init(&ctx);
    if (base64_decode_update(&ctx, &n, raw, len, b64) && base64_decode_final(&ctx)) {
        raw[n] = '\0';
        char *colon = memchr(raw, ':', n);
        size_t user = colon != NULL ? (size_t)(colon - (char *)raw) : 0;
        bool printable = user > 0;
        for (size_t i = 0; i < user; i++)
            printable = printable && isprint(raw[i]) && raw[i] != ' ';
        if (printable && (res = malloc(user + 5)) != NULL)
            snprintf(res, user + 5, "%.*s:" MASK, (int)user, (const char *)raw);
    }
    free(raw);
    return res;
}

char *fk_redact_header(const char *name, const char *value, bool *oom)
{
    const char *sp = strchr(value, ' ');
    char *who = NULL, *res;
    size_t scheme = sp != NULL ? (size_t)(sp - value) : 0;

    if (!secret_header(name))
        return NULL;
    if (scheme == 5 && strncasecmp(value, "Basic", 5) == 0)
        who = basic_identity(sp + 1);
    else if (scheme == 6 && strncasecmp(value, "Bearer", 6) == 0)
        who = jwt_identity(sp + 1);
    else if (sp == NULL)
        who = jwt_identity(value);
    size_t len = scheme + 1 + (who != NULL ? strlen(who) : strlen(MASK)) + 1;
    if ((res = malloc(len)) != NULL)
        snprintf(res, len, "%.*s%s%s", (int)scheme, value, scheme > 0 ? " " : "",
                 who != NULL ? who : MASK);
    else
        *oom = true;
    free(who);
    return res;
}

/* ---- query strings and form bodies --------------------------------------------------- */

char *fk_redact_form(const char *s, size_t len, size_t *out_len, bool *oom)
{
    struct fk_buf b;
    bool changed = false, ok = true;
    size_t i = 0;

    fk_buf_init(&b, len * 2 + 16); /* "t=1" becomes "t=***": never twice as long */
    while (ok && i < len) {
        const char *amp = memchr(s + i, '&', len - i);
        size_t end = amp != NULL ? (size_t)(amp - s) : len;
        const char *eq = memchr(s + i, '=', end - i);
        size_t name = eq != NULL ? (size_t)(eq - (s + i)) : end - i;
        if (eq != NULL && form_name_secret(s + i, name) && end > i + name + 1) {
            ok = fk_buf_add(&b, s + i, name + 1) == 0 && fk_buf_addstr(&b, MASK) == 0;
            changed = true;
        } else {
            ok = fk_buf_add(&b, s + i, end - i) == 0;
        }
        if (ok && amp != NULL)
            ok = fk_buf_add(&b, "&", 1) == 0;
        i = end + 1;
    }
    if (!ok || !changed) {
        *oom = *oom || !ok;
        fk_buf_cleanup(&b);
        return NULL;
    }
    return fk_buf_take(&b, out_len);
}

/* ---- JSON text ----------------------------------------------------------------------- */

/* Index just past the string that starts at s[i] ('"'), or len when it is not closed. */
static size_t string_end(const char *s, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return len;
}

/* Index just past the value that starts at s[i]: a string, a balanced object or array (with
 * strings inside skipped whole), or a bare word up to , } ] or white space. */
static size_t value_end(const char *s, size_t len, size_t i)
{
    size_t depth = 0;

    if (i < len && s[i] == '"')
        return string_end(s, len, i);
    if (i >= len || (s[i] != '{' && s[i] != '[')) {
        while (i < len && strchr(",}] \t\r\n", s[i]) == NULL)
            i++;
        return i;
    }
    while (i < len) {
        if (s[i] == '"') {
            i = string_end(s, len, i);
            continue;
        }
        if (s[i] == '{' || s[i] == '[')
            depth++;
        else if ((s[i] == '}' || s[i] == ']') && --depth == 0)
            return i + 1;
        i++;
    }
    return len;
}

/* Copy s through; a string followed by ':' is an object key (nothing else is, in JSON), and
 * when its name is secret its value becomes "***". */
char *fk_redact_json(const char *s, size_t len, size_t *out_len, bool *oom)
{
    struct fk_buf b;
    bool changed = false, ok = true;
    size_t i = 0;

    fk_buf_init(&b, len * 2 + 16); /* "t":1 becomes "t":"***" at worst */
    while (ok && i < len) {
        size_t end = s[i] == '"' ? string_end(s, len, i) : i + 1, colon = end;
        while (colon < len && strchr(" \t\r\n", s[colon]) != NULL)
            colon++;
        bool secret = s[i] == '"' && colon < len && s[colon] == ':' && end >= i + 2 &&
                      json_name_secret(s + i + 1, end - i - 2);
        if (!secret) {
            ok = fk_buf_add(&b, s + i, end - i) == 0;
            i = end;
            continue;
        }
        size_t v = colon + 1;
        while (v < len && strchr(" \t\r\n", s[v]) != NULL)
            v++;
        ok = fk_buf_add(&b, s + i, v - i) == 0 && fk_buf_addstr(&b, "\"" MASK "\"") == 0;
        i = value_end(s, len, v);
        changed = true;
    }
    if (!ok || !changed) {
        *oom = *oom || !ok;
        fk_buf_cleanup(&b);
        return NULL;
    }
    return fk_buf_take(&b, out_len);
}

/* ---- a whole request ----------------------------------------------------------------- */

/* Hand p (may be NULL) to r; p, or NULL when it could not be kept (then *oom is set). */
static char *own(struct fk_redacted *r, char *p, bool *oom)
{
    char **grown = p != NULL ? realloc(r->owned, (r->nowned + 1) * sizeof(*grown)) : NULL;

    if (p == NULL)
        return NULL;
    if (grown == NULL) {
        free(p);
        *oom = true;
        return NULL;
    }
    r->owned = grown;
    r->owned[r->nowned++] = p;
    return p;
}

static bool looks_like_json(const struct fk_req *req, const char *body, size_t len)
{
    size_t i = 0;

    if (fk_req_content_type_is(req, "application/json"))
        return true;
    while (i < len && strchr(" \t\r\n", body[i]) != NULL)
        i++;
    return i < len && (body[i] == '{' || body[i] == '[');
}

int fk_redact_req(const struct fk_req *in, size_t body_max, struct fk_redacted *out)
{
    bool oom = false;
    size_t blen = in->body != NULL ? in->body_len : 0, n = 0;
    char *p;

    memset(out, 0, sizeof(*out));
    out->req = *in;
    if (blen > body_max)
        blen = body_max;
    if (in->nheaders > 0 && (out->headers = calloc(in->nheaders, sizeof(*out->headers))) == NULL)
        return FK_ENOMEM;
    for (size_t i = 0; i < in->nheaders; i++) {
        out->headers[i] = in->headers[i];
        p = own(out, fk_redact_header(in->headers[i].key, in->headers[i].value, &oom), &oom);
        if (p != NULL)
            out->headers[i].value = p;
    }
    out->req.headers = out->headers;
    if (in->query != NULL &&
        (p = own(out, fk_redact_form(in->query, strlen(in->query), &n, &oom), &oom)) != NULL)
        out->req.query = p;
    /* A JSON body is read as JSON whatever its Content-Type says (GoTrue decodes any body),
     * so it is redacted as JSON first, then as a form when it is declared one. */
    const char *body = in->body;
    if (blen > 0 && looks_like_json(in, in->body, blen) &&
        (p = own(out, fk_redact_json(in->body, blen, &n, &oom), &oom)) != NULL) {
        out->req.body = body = p;
        out->req.body_len = blen = n;
    }
    if (blen > 0 && fk_req_content_type_is(in, "application/x-www-form-urlencoded") &&
        (p = own(out, fk_redact_form(body, blen, &n, &oom), &oom)) != NULL) {
        out->req.body = p;
        out->req.body_len = n;
    }
    if (oom) {
        fk_redact_req_free(out);
        return FK_ENOMEM;
    }
    return 0;
}

void fk_redact_req_free(struct fk_redacted *r)
{
    for (size_t i = 0; i < r->nowned; i++)
        free(r->owned[i]);
    free(r->owned);
    free(r->headers);
    memset(r, 0, sizeof(*r));
}
