/* http.c: request accessors, form/query decoding and response builders.
 *
 * Decoding splits on '&' and '=' and hands each part to fk_url_unescape after turning '+'
 * into ' ' (application/x-www-form-urlencoded). fk_url_unescape is libmicrohttpd's decoding
 * less what a C string cannot carry (%00) or UTF-8 does not allow: those escapes stay as
 * they are, so no path, key or value is ever read shorter than it was sent. Responses own
 * copies of everything they hold, so a handler may build them from short-lived strings. */
#include "fakekit/http.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>
#include <nettle/base64.h>

#include "fakekit/json.h"
#include "fakekit/text.h"

const char *fk_req_header(const struct fk_req *req, const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++)
        if (strcasecmp(req->headers[i].key, name) == 0)
            return req->headers[i].value;
    return NULL;
}

static const char *kv_find(const struct fk_kv *kv, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(kv[i].key, name) == 0)
            return kv[i].value;
    return NULL;
}

const char *fk_req_arg(const struct fk_req *req, const char *name)
{
    return kv_find(req->args, req->nargs, name);
}

const char *fk_req_form(const struct fk_req *req, const char *name)
{
    return kv_find(req->form, req->nform, name);
}

cJSON *fk_req_json(const struct fk_req *req, struct fk_error *err)
{
    return fk_json_parse(req->body, req->body_len, FK_JSON_LAST, err);
}

bool fk_req_content_type_is(const struct fk_req *req, const char *type)
{
    const char *ct = fk_req_header(req, "Content-Type");
    size_t n = strlen(type);

    if (ct == NULL)
        return false;
    while (*ct == ' ')
        ct++;
    if (strncasecmp(ct, type, n) != 0)
        return false;
    ct += n;
    while (*ct == ' ')
        ct++;
    return *ct == '\0' || *ct == ';';
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The byte of the escape "%XX" at s, or -1 when s holds no escape. */
static int escape_at(const char *s)
{
    int hi, lo;

    if (s[0] != '%' || (hi = hex_digit(s[1])) < 0 || (lo = hex_digit(s[2])) < 0)
        return -1;
    return hi * 16 + lo;
}

/* How many escapes from s on spell one valid UTF-8 character (RFC 3629: no overlong form, no
 * surrogate, nothing past U+10FFFF); 0 when they do not. s starts with an escape of a byte
 * >= 0x80. */
static size_t utf8_escapes(const char *s)
{
    int b = escape_at(s), lo = 0x80, hi = 0xBF;
    size_t need;

    if (b >= 0xC2 && b <= 0xDF)
        need = 2;
    else if (b >= 0xE0 && b <= 0xEF)
        need = 3;
    else if (b >= 0xF0 && b <= 0xF4)
        need = 4;
    else
        return 0;
    if (b == 0xE0)
        lo = 0xA0; /* overlong */
    else if (b == 0xED)
        hi = 0x9F; /* surrogates */
    else if (b == 0xF0)
        lo = 0x90; /* overlong */
    else if (b == 0xF4)
        hi = 0x8F; /* past U+10FFFF */
    for (size_t i = 1; i < need; i++) {
        int c = escape_at(s + 3 * i);
        if (c < lo || c > hi)
            return 0;
        lo = 0x80;
        hi = 0xBF;
    }
    return need;
}

static bool is_b64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

int fk_basic_decode(const char *header, char *user, size_t ulen, char *pass, size_t plen)
{
    unsigned char out[FK_BASIC_PART_MAX * 2 + 4];
    struct base64_decode_ctx ctx;
    const char *b64, *colon;
    size_t len, pad = 0, ul, n, i;

    if (header == NULL || strncasecmp(header, "Basic ", 6) != 0)
        return FK_EINVAL;
    b64 = header + 6;
    while (*b64 == ' ')
        b64++;
    len = strlen(b64);
    while (len > 0 && b64[len - 1] == ' ')
        len--;
    if (len == 0 || len % 4 != 0 || len / 4 * 3 >= sizeof out)
        return FK_EINVAL;
    if (b64[len - 1] == '=')
        pad++;
    if (b64[len - 2] == '=')
        pad++;
    for (i = 0; i < len - pad; i++)
        if (!is_b64_char(b64[i]))
            return FK_EINVAL;
    /* Only what precedes the padding is decoded: leftover bits of the last group are ignored,
     * as they were with OpenSSL's EVP_DecodeBlock. */
    n = sizeof out - 1;
    base64_decode_init(&ctx);
    if (!base64_decode_update(&ctx, &n, out, len - pad, b64))
        return FK_EINVAL;
    out[n] = '\0';
    if (memchr(out, '\0', n) != NULL)
        return FK_EINVAL;
    colon = strchr((const char *)out, ':');
    if (colon == NULL)
        return FK_EINVAL;
    ul = (size_t)(colon - (const char *)out);
    if (ul >= ulen || strlen(colon + 1) >= plen)
        return FK_EINVAL;
    memcpy(user, out, ul);
    user[ul] = '\0';
    memcpy(pass, colon + 1, strlen(colon + 1) + 1);
    return 0;
}

int fk_req_basic(const struct fk_req *req, const char **user, const char **pass)
{
    struct fk_basic *b = req->basic;

    if (b == NULL)
        return FK_EINVAL;
    if (b->state == 0)
        b->state = fk_basic_decode(fk_req_header(req, "Authorization"), b->user, sizeof(b->user),
                                   b->pass, sizeof(b->pass)) == 0
                       ? 1
                       : -1;
    if (b->state < 0)
        return FK_EINVAL;
    *user = b->user;
    *pass = b->pass;
    return 0;
}

size_t fk_url_unescape(char *s)
{
    char *w = s;
    const char *r = s;

    while (*r != '\0') {
        int b = escape_at(r);
        size_t n = b >= 0x80 ? utf8_escapes(r) : b > 0 ? 1 : 0;
        if (n == 0) { /* a plain byte, or an escape kept as it is */
            *w++ = *r++;
            continue;
        }
        for (size_t i = 0; i < n; i++, r += 3)
            *w++ = (char)escape_at(r);
    }
    *w = '\0';
    return (size_t)(w - s);
}

/* Decode one component in place: '+' is a space, then %XX by fk_url_unescape. */
static void decode_component(char *s)
{
    for (char *p = s; *p != '\0'; p++)
        if (*p == '+')
            *p = ' ';
    fk_url_unescape(s);
}

int fk_form_decode(const char *s, size_t len, size_t max, struct fk_kv **fields, size_t *nfields)
{
    size_t n = 0, cap = 0;

    *fields = NULL;
    *nfields = 0;
    for (size_t i = 0; i < len; i++) /* non-empty fields: those "&&" leaves out are none */
        if (s[i] != '&' && (i == 0 || s[i - 1] == '&'))
            cap++;
    if (cap > max)
        return FK_ERANGE;
    if (cap == 0)
        cap = 1;
    /* One block: the array first, then a copy of the text that the fields point into. */
    size_t arr = cap * sizeof(struct fk_kv);
    char *block = malloc(arr + len + 1);
    if (block == NULL)
        return FK_ENOMEM;
    struct fk_kv *kv = (struct fk_kv *)block;
    char *text = block + arr;
    memcpy(text, s, len);
    text[len] = '\0';

    char *p = text, *end = text + len;
    while (p < end && n < cap) {
        char *amp = memchr(p, '&', (size_t)(end - p));
        char *stop = amp != NULL ? amp : end;
        *stop = '\0';
        if (stop > p) {
            char *eq = strchr(p, '=');
            const char *val = "";
            if (eq != NULL) {
                *eq = '\0';
                val = eq + 1;
                decode_component(eq + 1);
            }
            decode_component(p);
            kv[n].key = p;
            kv[n].value = val;
            n++;
        }
        p = stop + 1;
    }
    *fields = kv;
    *nfields = n;
    return 0;
}

char *fk_url_encode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = malloc(n * 3 + 1), *o = out;

    if (out == NULL)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

void fk_resp_init(struct fk_resp *r)
{
    memset(r, 0, sizeof(*r));
}

void fk_resp_cleanup(struct fk_resp *r)
{
    free(r->content_type);
    free(r->body);
    for (size_t i = 0; i < r->nheaders; i++) {
        free((char *)r->headers[i].key);
        free((char *)r->headers[i].value);
    }
    free(r->headers);
    memset(r, 0, sizeof(*r));
}

int fk_resp_set(struct fk_resp *r, unsigned status, const char *content_type, const void *body,
                size_t len)
{
    char *ct = NULL, *b = NULL;

    if (content_type != NULL && (ct = strdup(content_type)) == NULL)
        return FK_ENOMEM;
    if (len > 0) {
        if ((b = malloc(len + 1)) == NULL) {
            free(ct);
            return FK_ENOMEM;
        }
        memcpy(b, body, len);
        b[len] = '\0';
    }
    free(r->content_type);
    free(r->body);
    r->status = status;
    r->content_type = ct;
    r->body = b;
    r->body_len = len;
    return 0;
}

int fk_resp_json_ct(struct fk_resp *r, unsigned status, const char *content_type, cJSON *json)
{
    char *text = json != NULL ? cJSON_PrintUnformatted(json) : NULL;
    int rc = FK_ENOMEM;

    cJSON_Delete(json);
    if (text == NULL)
        return FK_ENOMEM;
    free(r->content_type);
    free(r->body);
    r->content_type = strdup(content_type != NULL ? content_type : "application/json");
    if (r->content_type != NULL) {
        r->status = status;
        r->body_len = strlen(text);
        /* A string the client sent with bytes that are not UTF-8 (a path in a 404, a
         * FriendlyName) would make the answer invalid JSON: each such byte becomes U+FFFD, as
         * Go's json.Marshal writes it. Else a copy (cJSON may allocate with other hooks). */
        bool oom = false;
        r->body = fk_utf8_fix(text, r->body_len, &r->body_len, &oom);
        if (r->body == NULL && !oom)
            r->body = strdup(text);
        rc = r->body != NULL ? 0 : FK_ENOMEM;
    }
    cJSON_free(text);
    return rc;
}

int fk_resp_json(struct fk_resp *r, unsigned status, cJSON *json)
{
    return fk_resp_json_ct(r, status, NULL, json);
}

int fk_resp_header(struct fk_resp *r, const char *name, const char *value)
{
    char *v = strdup(value);

    if (v == NULL)
        return FK_ENOMEM;
    for (size_t i = 0; i < r->nheaders; i++) {
        if (strcasecmp(r->headers[i].key, name) == 0) {
            free((char *)r->headers[i].value);
            r->headers[i].value = v;
            return 0;
        }
    }
    char *k = strdup(name);
    struct fk_kv *h = realloc(r->headers, (r->nheaders + 1) * sizeof(*h));
    if (k == NULL || h == NULL) {
        free(k);
        free(v);
        if (h != NULL)
            r->headers = h;
        return FK_ENOMEM;
    }
    r->headers = h;
    h[r->nheaders].key = k;
    h[r->nheaders].value = v;
    r->nheaders++;
    return 0;
}

const char *fk_resp_get_header(const struct fk_resp *r, const char *name)
{
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->headers[i].key, name) == 0)
            return r->headers[i].value;
    return NULL;
}
