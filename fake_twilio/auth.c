/* auth.c: Basic credentials checked against the accounts and api_keys tables.
 *
 * Base64 is Nettle's (the alphabet checked here first, so nothing Nettle would skip, such as
 * whitespace, gets through); secrets compare with memeql_sec after a length check, so timing
 * does not reveal how much of a token matched. */
#include "fake_twilio/auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <nettle/base64.h>
#include <nettle/memops.h>

#include "fake_twilio/errors.h"
#include "fake_twilio/state.h"
#include "fakekit/cache.h"
#include "fakekit/log.h"
#include "fakekit/store.h"

#define CRED_MAX 256

static bool is_b64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

int twilio_basic_decode(const char *header, char *user, size_t ulen, char *pass, size_t plen)
{
    unsigned char out[CRED_MAX * 2 + 4];
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

static bool secret_eq(const unsigned char *stored, const char *given)
{
    size_t n = strlen(given);

    return stored != NULL && strlen((const char *)stored) == n && memeql_sec(stored, given, n) != 0;
}

/* "account\nAuthorization" into key; false when it does not fit (then nothing is cached). */
static bool cred_key(const char *account_sid, const char *header, char *key, size_t keylen)
{
    int n;

    if (header == NULL)
        return false;
    n = snprintf(key, keylen, "%s\n%s", account_sid, header);
    return n > 0 && (size_t)n < keylen;
}

int twilio_auth(const struct fk_req *req, const char *account_sid, struct fk_resp *resp)
{
    struct twilio_svc *svc = req->svc;
    const char *header = fk_req_header(req, "Authorization");
    char user[CRED_MAX], pass[CRED_MAX], key[2 * CRED_MAX + 64];
    sqlite3_stmt *st = NULL;
    size_t len;
    bool ok = false;
    /* Accepted credentials are remembered until the store changes (fakekit/cache.h): the
     * header is a pure function of user and password, and whether they are accepted depends
     * only on the accounts and api_keys rows. */
    bool cache =
        svc != NULL && svc->creds != NULL && cred_key(account_sid, header, key, sizeof key);

    if (cache) {
        if (fk_cache_get(svc->creds, req->store, key, strlen(key), &len) != NULL)
            return 1;
    }
    if (twilio_basic_decode(header, user, sizeof user, pass, sizeof pass) == 0) {
        if (strncmp(user, "SK", 2) == 0) {
            st = fk_store_stmt(req->store,
                               "SELECT secret FROM api_keys WHERE sid = ?1 AND account_sid = ?2");
            if (st == NULL)
                return FK_EIO;
            sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(st, 2, account_sid, -1, SQLITE_TRANSIENT);
        } else if (strcmp(user, account_sid) == 0) {
            st = fk_store_stmt(req->store, "SELECT auth_token FROM accounts WHERE sid = ?1");
            if (st == NULL)
                return FK_EIO;
            sqlite3_bind_text(st, 1, user, -1, SQLITE_TRANSIENT);
        }
        if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
            ok = secret_eq(sqlite3_column_text(st, 0), pass);
        if (st != NULL)
            sqlite3_reset(st);
    }
    if (ok) {
        /* Not remembering only costs the next request the query again. */
        if (cache && fk_cache_put(svc->creds, req->store, key, strlen(key), "", 0) != 0)
            fk_log(FK_LOG_DEBUG, "event=credentials_not_kept");
        return 1;
    }
    return twilio_error(resp, 20003, NULL, NULL, 0) == 0 ? 0 : FK_ENOMEM;
}

const char *twilio_credential(const struct fk_req *req)
{
    static _Thread_local char user[CRED_MAX];
    char pass[CRED_MAX];

    if (twilio_basic_decode(fk_req_header(req, "Authorization"), user, sizeof user, pass,
                            sizeof pass) != 0)
        return NULL;
    return user;
}
