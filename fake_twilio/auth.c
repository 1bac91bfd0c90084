/* auth.c: Basic credentials checked against the accounts and api_keys tables.
 *
 * The Basic credentials are the request's, decoded once by fakekit (fk_req_basic);
 * secrets compare with memeql_sec after a length check, so timing
 * does not reveal how much of a token matched. */
#include "fake_twilio/auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <nettle/memops.h>

#include "fake_twilio/errors.h"
#include "fake_twilio/state.h"
#include "fakekit/cache.h"
#include "fakekit/log.h"
#include "fakekit/store.h"

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
    const char *user = NULL, *pass = NULL;
    char key[2 * FK_BASIC_PART_MAX + 64];
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
            return FK_OK;
    }
    if (fk_req_basic(req, &user, &pass) == 0) {
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
        return FK_OK;
    }
    return fk_answered(twilio_error(resp, 20003, NULL, NULL, 0));
}

const char *twilio_credential(const struct fk_req *req)
{
    const char *user, *pass;

    return fk_req_basic(req, &user, &pass) == 0 ? user : NULL;
}
