/* account.c: the Account resource (account.h). */
#include "fake_twilio/account.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "fake_twilio/auth.h"
#include "fake_twilio/errors.h"
#include "fakekit/clock.h"
#include "fakekit/store.h"

/* The spec's dependentProperties of /2010-04-01/Accounts/{Sid}.json, key then path. */
static const char *const subresources[][2] = {
    {"addresses", "Addresses"},
    {"applications", "Applications"},
    {"authorized_connect_apps", "AuthorizedConnectApps"},
    {"available_phone_numbers", "AvailablePhoneNumbers"},
    {"balance", "Balance"},
    {"calls", "Calls"},
    {"conferences", "Conferences"},
    {"connect_apps", "ConnectApps"},
    {"incoming_phone_numbers", "IncomingPhoneNumbers"},
    {"keys", "Keys"},
    {"messages", "Messages"},
    {"notifications", "Notifications"},
    {"outgoing_caller_ids", "OutgoingCallerIds"},
    {"queues", "Queues"},
    {"recordings", "Recordings"},
    {"signing_keys", "SigningKeys"},
    {"sip", "SIP"},
    {"short_codes", "SMS/ShortCodes"},
    {"transcriptions", "Transcriptions"},
    {"usage", "Usage"},
};

#define ACCOUNT_DATE_US 1438286400000000LL /* Thu, 30 Jul 2015 20:00:00 +0000 */

static cJSON *account_json(const char *sid, const char *token, const char *name)
{
    char uri[256], date[40];
    cJSON *o = cJSON_CreateObject(), *subs = NULL;

    fk_rfc2822(ACCOUNT_DATE_US, date, sizeof date);
    snprintf(uri, sizeof uri, "/2010-04-01/Accounts/%s.json", sid);
    if (!o || !cJSON_AddStringToObject(o, "auth_token", token) ||
        !cJSON_AddStringToObject(o, "date_created", date) ||
        !cJSON_AddStringToObject(o, "date_updated", date) ||
        !cJSON_AddStringToObject(o, "friendly_name", name && *name ? name : sid) ||
        !cJSON_AddStringToObject(o, "owner_account_sid", sid) ||
        !cJSON_AddStringToObject(o, "sid", sid) ||
        !cJSON_AddStringToObject(o, "status", "active") ||
        !(subs = cJSON_AddObjectToObject(o, "subresource_uris")) ||
        !cJSON_AddStringToObject(o, "type", "Full") || !cJSON_AddStringToObject(o, "uri", uri))
        goto nomem;
    for (size_t i = 0; i < sizeof subresources / sizeof subresources[0]; i++) {
        snprintf(uri, sizeof uri, "/2010-04-01/Accounts/%s/%s.json", sid, subresources[i][1]);
        if (!cJSON_AddStringToObject(subs, subresources[i][0], uri))
            goto nomem;
    }
    return o;
nomem:
    cJSON_Delete(o);
    return NULL;
}

int twilio_account_fetch(const struct fk_req *req, struct fk_resp *resp)
{
    const char *sid = req->params[0];
    cJSON *o = NULL;
    sqlite3_stmt *st;
    int rc = twilio_auth(req, sid, resp);

    if (rc != FK_OK)
        return fk_handler_rc(rc);
    st = fk_store_stmt(req->store, "SELECT auth_token, friendly_name FROM accounts WHERE sid = ?1");
    if (st == NULL)
        return FK_EIO;
    sqlite3_bind_text(st, 1, sid, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        o = account_json(sid, (const char *)sqlite3_column_text(st, 0),
                         (const char *)sqlite3_column_text(st, 1));
        rc = o ? 0 : FK_ENOMEM;
    } else {
        rc = rc == SQLITE_DONE ? FK_ENOTFOUND : FK_EIO;
    }
    sqlite3_reset(st);
    if (rc == FK_ENOTFOUND) /* authenticated with an API key of an account since removed */
        return twilio_error(resp, 20404, NULL, req->path, 0);
    return rc == 0 ? fk_resp_json(resp, 200, o) : rc;
}
