/* jwt.c: HS256 JSON Web Tokens over Nettle (see jwt.h).
 *
 * base64url and HMAC-SHA256 come from Nettle, which libmicrohttpd's GnuTLS loads anyway (the
 * fakes no longer load OpenSSL's libcrypto, whose 18,000 relocations were a third of their
 * start-up); the MAC is compared with memeql_sec so that timing says nothing about how many
 * bytes matched. Checks run in
 * the order the real servers report them: shape, algorithm, signature, then exp and nbf.
 * The reasons follow golang-jwt, which GoTrue and LiveKit use (docs/reference/supabase.md).
 * Header and claims are read by fk_json_parse: a claim given twice means its last value, as
 * golang-jwt's encoding/json takes it. */
#include "fakekit/jwt.h"

#include <nettle/base64.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/json.h"

#define JWT_SHA256_LEN SHA256_DIGEST_SIZE

char *fk_base64url_encode(const unsigned char *data, size_t len)
{
    struct base64_encode_ctx ctx;
    size_t n;
    char *out;

    if (len > (((size_t)-1) / 4 - 2) * 3)
        return NULL;
    out = malloc(BASE64_ENCODE_LENGTH(len) + BASE64_ENCODE_FINAL_LENGTH + 1);
    if (out == NULL)
        return NULL;
    base64url_encode_init(&ctx);
    n = base64_encode_update(&ctx, out, len, data);
    n += base64_encode_final(&ctx, out + n);
    while (n > 0 && out[n - 1] == '=')
        n--;
    out[n] = '\0';
    return out;
}

static int is_b64url_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

unsigned char *fk_base64url_decode(const char *s, size_t len, size_t *outlen)
{
    struct base64_decode_ctx ctx;
    size_t body = len, pad, i, n;
    unsigned char *out;

    /* Up to two '=' may end the text; nothing else may follow them. */
    while (body > 0 && s[body - 1] == '=' && len - body < 2)
        body--;
    for (i = 0; i < body; i++)
        if (!is_b64url_char(s[i]))
            return NULL;
    if (body % 4 == 1 || body > (size_t)0x7ffffff0)
        return NULL;
    pad = (4 - body % 4) % 4;
    if (len != body && len != body + pad)
        return NULL; /* padding present but of the wrong length */

    /* Only the characters before the padding are decoded: the bits a short final group leaves
     * over are ignored, as golang-jwt (RawURLEncoding, not Strict) ignores them. */
    n = BASE64_DECODE_LENGTH(body) + 1;
    if ((out = malloc(n)) == NULL)
        return NULL;
    base64url_decode_init(&ctx);
    if (!base64_decode_update(&ctx, &n, out, body, s)) {
        free(out);
        return NULL;
    }
    out[n] = '\0';
    if (outlen != NULL)
        *outlen = n;
    return out;
}

/* Decode one base64url part and parse it as a JSON object; NULL if it is anything else. */
static cJSON *decode_object(const char *s, size_t len, enum fk_jwt_status *st)
{
    unsigned char *raw;
    size_t rawlen = 0;
    cJSON *obj;

    raw = fk_base64url_decode(s, len, &rawlen);
    if (raw == NULL) {
        *st = FK_JWT_MALFORMED;
        return NULL;
    }
    /* An embedded NUL would let a prefix parse; refuse it. */
    if (strlen((const char *)raw) != rawlen) {
        free(raw);
        *st = FK_JWT_MALFORMED;
        return NULL;
    }
    obj = fk_json_parse((const char *)raw, rawlen, FK_JSON_LAST, NULL);
    free(raw);
    if (obj == NULL || !cJSON_IsObject(obj)) {
        cJSON_Delete(obj);
        *st = FK_JWT_MALFORMED;
        return NULL;
    }
    return obj;
}

/* Split token into three parts at its two dots; 0, or -1 if there are not exactly two. */
static int split(const char *token, const char **p1, const char **p2, size_t *l0, size_t *l1,
                 size_t *l2)
{
    const char *d1, *d2;

    if (token == NULL)
        return -1;
    d1 = strchr(token, '.');
    if (d1 == NULL)
        return -1;
    d2 = strchr(d1 + 1, '.');
    if (d2 == NULL || strchr(d2 + 1, '.') != NULL)
        return -1;
    *l0 = (size_t)(d1 - token);
    *p1 = d1 + 1;
    *l1 = (size_t)(d2 - *p1);
    *p2 = d2 + 1;
    *l2 = strlen(*p2);
    if (*l0 == 0 || *l1 == 0)
        return -1;
    return 0;
}

static int hmac256(const char *secret, const char *msg, size_t len, unsigned char *mac)
{
    struct hmac_sha256_ctx h;

    if (secret == NULL)
        secret = "";
    hmac_sha256_set_key(&h, strlen(secret), (const uint8_t *)secret);
    hmac_sha256_update(&h, len, (const uint8_t *)msg);
    hmac_sha256_digest(&h, JWT_SHA256_LEN, mac);
    return 0;
}

char *fk_jwt_sign(const cJSON *claims, const char *secret, bool with_typ)
{
    static const char hdr_typ[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    static const char hdr_plain[] = "{\"alg\":\"HS256\"}";
    const char *hdr = with_typ ? hdr_typ : hdr_plain;
    unsigned char mac[JWT_SHA256_LEN];
    char *payload = NULL, *h64 = NULL, *p64 = NULL, *s64 = NULL, *token = NULL;
    size_t hl, pl, sl;

    payload = cJSON_PrintUnformatted(claims);
    if (payload == NULL)
        goto out;
    h64 = fk_base64url_encode((const unsigned char *)hdr, strlen(hdr));
    p64 = fk_base64url_encode((const unsigned char *)payload, strlen(payload));
    if (h64 == NULL || p64 == NULL)
        goto out;
    hl = strlen(h64);
    pl = strlen(p64);
    /* Room for the signature's 43 characters, two dots and the NUL. */
    token = malloc(hl + pl + 64);
    if (token == NULL)
        goto out;
    memcpy(token, h64, hl);
    token[hl] = '.';
    memcpy(token + hl + 1, p64, pl);
    if (hmac256(secret, token, hl + 1 + pl, mac) != 0)
        goto fail;
    s64 = fk_base64url_encode(mac, sizeof mac);
    if (s64 == NULL)
        goto fail;
    sl = strlen(s64);
    token[hl + 1 + pl] = '.';
    memcpy(token + hl + 2 + pl, s64, sl + 1);
    goto out;
fail:
    free(token);
    token = NULL;
out:
    cJSON_free(payload);
    free(h64);
    free(p64);
    free(s64);
    return token;
}

/* exp and nbf as numbers; 1 if present and numeric, 0 if absent, -1 if not a number. */
static int numeric_claim(const cJSON *claims, const char *name, double *v)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(claims, name);

    if (it == NULL)
        return 0;
    if (!cJSON_IsNumber(it))
        return -1;
    *v = it->valuedouble;
    return 1;
}

enum fk_jwt_status fk_jwt_verify(const char *token, const char *secret, int64_t now, int64_t leeway,
                                 bool require_exp, cJSON **claims)
{
    enum fk_jwt_status st = FK_JWT_MALFORMED;
    const char *p1, *p2, *alg;
    size_t l0, l1, l2, siglen = 0;
    unsigned char mac[JWT_SHA256_LEN];
    unsigned char *sig = NULL;
    cJSON *hdr = NULL, *body = NULL;
    double exp = 0, nbf = 0;
    int has;

    if (claims != NULL)
        *claims = NULL;
    if (split(token, &p1, &p2, &l0, &l1, &l2) != 0)
        goto out;
    hdr = decode_object(token, l0, &st);
    if (hdr == NULL)
        goto out;
    body = decode_object(p1, l1, &st);
    if (body == NULL)
        goto out;
    alg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(hdr, "alg"));
    if (alg == NULL || strcmp(alg, "HS256") != 0) {
        st = FK_JWT_BAD_ALG;
        goto out;
    }
    sig = fk_base64url_decode(p2, l2, &siglen);
    if (sig == NULL) {
        st = FK_JWT_MALFORMED;
        goto out;
    }
    if (hmac256(secret, token, l0 + 1 + l1, mac) != 0) {
        st = FK_JWT_NOMEM;
        goto out;
    }
    if (siglen != sizeof mac || !memeql_sec(sig, mac, sizeof mac)) {
        st = FK_JWT_BAD_SIGNATURE;
        goto out;
    }
    has = numeric_claim(body, "exp", &exp);
    if (has < 0 || (has == 0 && require_exp)) {
        st = require_exp ? FK_JWT_NO_EXP : FK_JWT_MALFORMED;
        goto out;
    }
    if (has > 0 && exp <= (double)(now - leeway)) {
        st = FK_JWT_EXPIRED;
        goto out;
    }
    has = numeric_claim(body, "nbf", &nbf);
    if (has < 0) {
        st = FK_JWT_MALFORMED;
        goto out;
    }
    if (has > 0 && nbf > (double)(now + leeway)) {
        st = FK_JWT_NOT_YET_VALID;
        goto out;
    }
    st = FK_JWT_OK;
    if (claims != NULL) {
        *claims = body;
        body = NULL;
    }
out:
    free(sig);
    cJSON_Delete(hdr);
    cJSON_Delete(body);
    return st;
}

bool fk_jwt_hs256_ok(const char *token, const char *secret)
{
    const char *p1, *p2;
    size_t l0, l1, l2, siglen = 0;
    unsigned char mac[JWT_SHA256_LEN];
    if (split(token, &p1, &p2, &l0, &l1, &l2) != 0 || hmac256(secret, token, l0 + 1 + l1, mac) != 0)
        return false;
    unsigned char *sig = fk_base64url_decode(p2, l2, &siglen);
    bool ok = sig && siglen == sizeof mac && memeql_sec(sig, mac, sizeof mac);
    free(sig);
    return ok;
}

enum fk_jwt_status fk_jwt_peek(const char *token, cJSON **claims)
{
    enum fk_jwt_status st = FK_JWT_MALFORMED;
    const char *p1, *p2;
    size_t l0, l1, l2;
    cJSON *body;

    *claims = NULL;
    if (split(token, &p1, &p2, &l0, &l1, &l2) != 0)
        return FK_JWT_MALFORMED;
    body = decode_object(p1, l1, &st);
    if (body == NULL)
        return st;
    *claims = body;
    return FK_JWT_OK;
}

const char *fk_jwt_strerror(enum fk_jwt_status st)
{
    switch (st) {
    case FK_JWT_OK:
        return "ok";
    case FK_JWT_MALFORMED:
        return "token is malformed";
    case FK_JWT_BAD_ALG:
        return "signing method is not HS256";
    case FK_JWT_BAD_SIGNATURE:
        return "token signature is invalid";
    case FK_JWT_EXPIRED:
        return "token is expired";
    case FK_JWT_NOT_YET_VALID:
        return "token is not valid yet";
    case FK_JWT_NO_EXP:
        return "token is missing required claim: exp";
    case FK_JWT_NOMEM:
        return "out of memory";
    }
    return "unknown token error";
}
