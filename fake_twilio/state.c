/* state.c: flags, schema, seed, and the admin state loader and dumper. */
#include "fake_twilio/state.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_twilio/owned.h"
#include "fake_twilio/rendered.h"
#include "fake_twilio/resource.h"
#include "fakekit/cache.h"
#include "fakekit/clock.h"
#include "fakekit/json.h"
#include "fakekit/run.h"

const char *twilio_opt_account_sid = TWILIO_DEFAULT_ACCOUNT_SID;
const char *twilio_opt_auth_token = TWILIO_DEFAULT_AUTH_TOKEN;
const char *twilio_opt_api_key = "";
const char *twilio_opt_api_secret = "";

const struct fk_option twilio_options[] = {
    {"account-sid", "FAKE_TWILIO_ACCOUNT_SID", FK_OPT_STRING, &twilio_opt_account_sid, 0, 0,
     "AC...", "account SID accepted in paths and as Basic user (AC + 32 hex)"},
    {"auth-token", "FAKE_TWILIO_AUTH_TOKEN", FK_OPT_STRING, &twilio_opt_auth_token, 0, 0, "TOKEN",
     "auth token of that account (Basic password)"},
    {"api-key", "FAKE_TWILIO_API_KEY", FK_OPT_STRING, &twilio_opt_api_key, 0, 0, "SK...",
     "optional API key SID of that account (SK + 32 hex)"},
    {"api-secret", "FAKE_TWILIO_API_SECRET", FK_OPT_STRING, &twilio_opt_api_secret, 0, 0, "SECRET",
     "secret of --api-key"},
    {NULL, NULL, FK_OPT_STRING, NULL, 0, 0, NULL, NULL},
};

/* Column defaults are the values an unset field reads back as (docs/reference/twilio.md section 4).
 */
const char twilio_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS accounts ("
    " sid TEXT PRIMARY KEY, auth_token TEXT NOT NULL, friendly_name TEXT);"
    "CREATE TABLE IF NOT EXISTS api_keys ("
    " sid TEXT PRIMARY KEY, secret TEXT NOT NULL, account_sid TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS incoming_phone_numbers ("
    " sid TEXT PRIMARY KEY, account_sid TEXT NOT NULL, phone_number TEXT NOT NULL,"
    " friendly_name TEXT, iso_country TEXT, type TEXT NOT NULL DEFAULT 'local',"
    " origin TEXT NOT NULL DEFAULT 'twilio', status TEXT NOT NULL DEFAULT 'in-use',"
    " beta INTEGER NOT NULL DEFAULT 0, address_requirements TEXT NOT NULL DEFAULT 'none',"
    " cap_voice INTEGER NOT NULL DEFAULT 1, cap_sms INTEGER NOT NULL DEFAULT 1,"
    " cap_mms INTEGER NOT NULL DEFAULT 1, cap_fax INTEGER NOT NULL DEFAULT 0,"
    " api_version TEXT DEFAULT '2010-04-01', address_sid TEXT, identity_sid TEXT,"
    " bundle_sid TEXT, emergency_status TEXT DEFAULT 'Inactive', emergency_address_sid TEXT,"
    " emergency_address_status TEXT DEFAULT 'unregistered', voice_url TEXT,"
    " voice_method TEXT DEFAULT 'POST', voice_fallback_url TEXT,"
    " voice_fallback_method TEXT DEFAULT 'POST',"
    " voice_caller_id_lookup INTEGER NOT NULL DEFAULT 0, voice_application_sid TEXT,"
    " voice_receive_mode TEXT DEFAULT 'voice', trunk_sid TEXT, sms_url TEXT DEFAULT '',"
    " sms_method TEXT DEFAULT 'POST', sms_fallback_url TEXT DEFAULT '',"
    " sms_fallback_method TEXT DEFAULT 'POST', sms_application_sid TEXT,"
    " status_callback TEXT DEFAULT '', status_callback_method TEXT DEFAULT 'POST',"
    " date_created INTEGER NOT NULL, date_updated INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS ipn_phone ON incoming_phone_numbers (phone_number);"
    "CREATE INDEX IF NOT EXISTS ipn_account ON incoming_phone_numbers (account_sid);"
    /* The provisioner looks its numbers up by FriendlyName (docs/reference/twilio.md section 5). */
    "CREATE INDEX IF NOT EXISTS ipn_friendly ON incoming_phone_numbers (account_sid, "
    "friendly_name);";

bool twilio_sid_valid(const char *sid, const char *prefix)
{
    size_t pl = strlen(prefix);

    if (sid == NULL || strncmp(sid, prefix, pl) != 0 || strlen(sid) != pl + 32)
        return false;
    for (const char *p = sid + pl; *p != '\0'; p++)
        if (!isxdigit((unsigned char)*p))
            return false;
    return true;
}

int twilio_init(void **svc, struct fk_error *err)
{
    struct twilio_svc *s = NULL;
    bool has_key = *twilio_opt_api_key != '\0', has_secret = *twilio_opt_api_secret != '\0';

    if (!twilio_sid_valid(twilio_opt_account_sid, "AC")) {
        fk_error_set(err, "--account-sid: expected AC followed by 32 hex digits");
        return FK_EINVAL;
    }
    if (*twilio_opt_auth_token == '\0') {
        fk_error_set(err, "--auth-token: must not be empty");
        return FK_EINVAL;
    }
    if (has_key && !twilio_sid_valid(twilio_opt_api_key, "SK")) {
        fk_error_set(err, "--api-key: expected SK followed by 32 hex digits");
        return FK_EINVAL;
    }
    if (has_key != has_secret) {
        fk_error_set(err, "--api-key and --api-secret go together");
        return FK_EINVAL;
    }
    s = calloc(1, sizeof *s);
    if (s == NULL || (s->inv = twilio_inventory_new((uint64_t)fk_common.seed)) == NULL ||
        (s->items = twilio_rendered_new(s->inv)) == NULL ||
        (s->pages = fk_cache_new(TWILIO_PAGES_MAX, TWILIO_PAGES_MAX_BYTES)) == NULL ||
        (s->creds = fk_cache_new(TWILIO_CREDS_MAX, TWILIO_PAGES_MAX_BYTES / 16)) == NULL ||
        (s->owned = twilio_owned_new(s->inv)) == NULL) {
        twilio_fini(s);
        fk_error_set(err, "out of memory building the number inventory");
        return FK_ENOMEM;
    }
    *svc = s;
    return 0;
}

void twilio_fini(void *svc)
{
    struct twilio_svc *s = svc;

    if (s == NULL)
        return;
    twilio_owned_free(s->owned);
    fk_cache_free(s->creds);
    fk_cache_free(s->pages);
    twilio_rendered_free(s->items);
    twilio_inventory_free(s->inv);
    free(s);
}

static int put_account(struct fk_store *st, const char *sid, const char *token, const char *name,
                       struct fk_error *err)
{
    sqlite3_stmt *s = fk_store_stmt(
        st, "INSERT OR REPLACE INTO accounts (sid, auth_token, friendly_name) VALUES (?1, ?2, ?3)");

    if (s == NULL) {
        fk_error_set(err, "cannot prepare the accounts insert");
        return FK_EIO;
    }
    sqlite3_bind_text(s, 1, sid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, token, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE) {
        fk_error_set(err, "accounts: %s", sqlite3_errmsg(fk_store_db(st)));
        sqlite3_reset(s);
        return FK_EIO;
    }
    sqlite3_reset(s);
    return 0;
}

static int put_key(struct fk_store *st, const char *sid, const char *secret, const char *account,
                   struct fk_error *err)
{
    sqlite3_stmt *s = fk_store_stmt(
        st, "INSERT OR REPLACE INTO api_keys (sid, secret, account_sid) VALUES (?1, ?2, ?3)");

    if (s == NULL) {
        fk_error_set(err, "cannot prepare the api_keys insert");
        return FK_EIO;
    }
    sqlite3_bind_text(s, 1, sid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, secret, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, account, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE) {
        fk_error_set(err, "api_keys: %s", sqlite3_errmsg(fk_store_db(st)));
        sqlite3_reset(s);
        return FK_EIO;
    }
    sqlite3_reset(s);
    return 0;
}

int twilio_seed(struct fk_store *st, void *svc, struct fk_error *err)
{
    int rc;

    /* The inventory is not in the store: nothing to seed from it. */
    (void)svc;
    rc = put_account(st, twilio_opt_account_sid, twilio_opt_auth_token, "Fake Twilio account", err);
    if (rc == 0 && *twilio_opt_api_key != '\0')
        rc = put_key(st, twilio_opt_api_key, twilio_opt_api_secret, twilio_opt_account_sid, err);
    return rc;
}

bool twilio_account_exists(struct fk_store *st, const char *sid)
{
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT 1 FROM accounts WHERE sid = ?1");
    bool found;

    if (s == NULL)
        return false;
    sqlite3_bind_text(s, 1, sid, -1, SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return found;
}

static int load_accounts(struct fk_store *st, const cJSON *arr, const char *path,
                         struct fk_error *err)
{
    static const char *const keys[] = {"sid", "auth_token", "friendly_name", NULL};
    char p[128];
    int i = 0, rc = 0;
    const cJSON *a;

    cJSON_ArrayForEach(a, arr)
    {
        const char *sid = NULL, *token = NULL, *name = NULL;
        snprintf(p, sizeof p, "%s.accounts[%d]", path, i++);
        if ((rc = fk_json_check_keys(a, p, keys, err)) != 0 ||
            (rc = fk_json_get_string(a, "sid", p, true, &sid, err)) != 0 ||
            (rc = fk_json_get_string(a, "auth_token", p, true, &token, err)) != 0 ||
            (rc = fk_json_get_string(a, "friendly_name", p, false, &name, err)) != 0)
            return rc;
        if (!twilio_sid_valid(sid, "AC")) {
            fk_error_set(err, "%s.sid: expected AC followed by 32 hex digits", p);
            return FK_EINVAL;
        }
        if ((rc = put_account(st, sid, token, name, err)) != 0)
            return rc;
    }
    return 0;
}

static int load_keys(struct fk_store *st, const cJSON *arr, const char *path, struct fk_error *err)
{
    static const char *const keys[] = {"sid", "secret", "account_sid", NULL};
    char p[128];
    int i = 0, rc = 0;
    const cJSON *a;

    cJSON_ArrayForEach(a, arr)
    {
        const char *sid = NULL, *secret = NULL, *acct = twilio_opt_account_sid;
        snprintf(p, sizeof p, "%s.api_keys[%d]", path, i++);
        if ((rc = fk_json_check_keys(a, p, keys, err)) != 0 ||
            (rc = fk_json_get_string(a, "sid", p, true, &sid, err)) != 0 ||
            (rc = fk_json_get_string(a, "secret", p, true, &secret, err)) != 0 ||
            (rc = fk_json_get_string(a, "account_sid", p, false, &acct, err)) != 0)
            return rc;
        if (!twilio_sid_valid(sid, "SK")) {
            fk_error_set(err, "%s.sid: expected SK followed by 32 hex digits", p);
            return FK_EINVAL;
        }
        if (!twilio_account_exists(st, acct)) {
            fk_error_set(err, "%s.account_sid: no account %s", p, acct);
            return FK_EINVAL;
        }
        if ((rc = put_key(st, sid, secret, acct, err)) != 0)
            return rc;
    }
    return 0;
}

/* Keys a number may carry besides twilio_fields: those GET /__admin/state writes. Fields
 * the fake computes (uri, dates, status, emergency_address_status) are accepted and ignored. */
static const char *const number_keys[] = {"phone_number",
                                          "account_sid",
                                          "sid",
                                          "origin",
                                          "iso_country",
                                          "type",
                                          "beta",
                                          "address_requirements",
                                          "capabilities",
                                          "status",
                                          "date_created",
                                          "date_updated",
                                          "uri",
                                          "emergency_address_status",
                                          NULL};

static bool known_number_key(const char *k)
{
    for (size_t i = 0; number_keys[i] != NULL; i++)
        if (strcmp(k, number_keys[i]) == 0)
            return true;
    for (size_t i = 0; i < TWILIO_NFIELDS; i++)
        if (strcmp(k, twilio_fields[i].col) == 0)
            return true;
    return false;
}

static int cap_bit(const cJSON *caps, const char *key, unsigned bit, unsigned *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(caps, key);

    if (cJSON_IsBool(v))
        *out = cJSON_IsTrue(v) ? (*out | bit) : (*out & ~bit);
    return 0;
}

static int load_number(struct fk_store *st, const struct twilio_svc *s, const cJSON *o,
                       const char *p, struct fk_error *err)
{
    const char *vals[TWILIO_NFIELDS] = {0};
    struct twilio_ipn_new n = {0};
    const struct twilio_number *inv = NULL;
    const cJSON *caps = NULL, *item;
    bool beta = false;
    char sid[40];
    int rc, code;

    if (!cJSON_IsObject(o)) {
        fk_error_set(err, "%s: expected an object", p);
        return FK_EINVAL;
    }
    cJSON_ArrayForEach(item, o)
    {
        if (!known_number_key(item->string)) {
            fk_error_set(err, "%s.%s: unknown key", p, item->string);
            return FK_EINVAL;
        }
    }
    n.account_sid = twilio_opt_account_sid;
    if ((rc = fk_json_get_string(o, "phone_number", p, true, &n.phone_number, err)) != 0 ||
        (rc = fk_json_get_string(o, "account_sid", p, false, &n.account_sid, err)) != 0 ||
        (rc = fk_json_get_string(o, "sid", p, false, &n.sid, err)) != 0 ||
        (rc = fk_json_get_string(o, "origin", p, false, &n.origin, err)) != 0 ||
        (rc = fk_json_get_string(o, "iso_country", p, false, &n.iso_country, err)) != 0 ||
        (rc = fk_json_get_string(o, "type", p, false, &n.type, err)) != 0 ||
        (rc = fk_json_get_string(o, "address_requirements", p, false, &n.address_requirements,
                                 err)) != 0 ||
        (rc = fk_json_get_bool(o, "beta", p, false, &beta, err)) != 0 ||
        (rc = fk_json_get_object(o, "capabilities", p, false, &caps, err)) != 0)
        return rc;
    if (n.sid != NULL && !twilio_sid_valid(n.sid, "PN")) {
        fk_error_set(err, "%s.sid: expected PN followed by 32 hex digits", p);
        return FK_EINVAL;
    }
    if (n.phone_number[0] != '+' || strlen(n.phone_number) < 3) {
        fk_error_set(err, "%s.phone_number: expected an E.164 number", p);
        return FK_EINVAL;
    }
    if (!twilio_account_exists(st, n.account_sid)) {
        fk_error_set(err, "%s.account_sid: no account %s", p, n.account_sid);
        return FK_EINVAL;
    }
    if (twilio_ipn_owned(st, n.phone_number)) {
        fk_error_set(err, "%s.phone_number: %s is already owned", p, n.phone_number);
        return FK_ECONFLICT;
    }
    for (size_t i = 0; i < TWILIO_NFIELDS; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, twilio_fields[i].col);
        if (cJSON_IsString(v))
            vals[i] = v->valuestring;
        else if (cJSON_IsBool(v))
            vals[i] = cJSON_IsTrue(v) ? "true" : "false";
        else if (v != NULL && !cJSON_IsNull(v)) {
            fk_error_set(err, "%s.%s: expected a string", p, twilio_fields[i].col);
            return FK_EINVAL;
        }
    }
    if (twilio_fields_validate(vals, &code, sid, sizeof sid) != 0) {
        fk_error_set(err, "%s: %s", p, sid);
        return FK_EINVAL;
    }
    /* A number from the inventory keeps its real attributes unless the document says else. */
    inv = twilio_inventory_find(s->inv, n.phone_number);
    n.caps = inv != NULL ? inv->caps : TWILIO_CAP_VOICE | TWILIO_CAP_SMS | TWILIO_CAP_MMS;
    if (n.iso_country == NULL)
        n.iso_country = inv != NULL ? inv->iso : "US";
    if (n.type == NULL)
        n.type = inv != NULL ? twilio_type_name(inv->type) : "local";
    if (n.address_requirements == NULL)
        n.address_requirements = inv != NULL ? inv->address_requirements : "none";
    n.beta = cJSON_GetObjectItemCaseSensitive(o, "beta") != NULL ? beta : inv && inv->beta;
    if (caps != NULL) {
        cap_bit(caps, "voice", TWILIO_CAP_VOICE, &n.caps);
        cap_bit(caps, "sms", TWILIO_CAP_SMS, &n.caps);
        cap_bit(caps, "mms", TWILIO_CAP_MMS, &n.caps);
        cap_bit(caps, "fax", TWILIO_CAP_FAX, &n.caps);
    }
    n.created_us = fk_now_us();
    rc = twilio_ipn_insert(st, &n, vals, sid, err);
    if (rc == FK_ECONFLICT)
        fk_error_set(err, "%s.sid: %s exists already", p, n.sid != NULL ? n.sid : "");
    return rc;
}

int twilio_load_state(struct fk_store *st, void *svc, const cJSON *state, const char *path,
                      struct fk_error *err)
{
    static const char *const keys[] = {"accounts", "api_keys", "incoming_phone_numbers", "numbers",
                                       NULL};
    static const char *const lists[] = {"incoming_phone_numbers", "numbers"};
    const cJSON *arr = NULL, *o;
    char p[128];
    int rc;

    (void)svc;
    if ((rc = fk_json_check_keys(state, path, keys, err)) != 0)
        return rc;
    if ((rc = fk_json_get_array(state, "accounts", path, false, &arr, err)) != 0 ||
        (arr != NULL && (rc = load_accounts(st, arr, path, err)) != 0))
        return rc;
    arr = NULL;
    if ((rc = fk_json_get_array(state, "api_keys", path, false, &arr, err)) != 0 ||
        (arr != NULL && (rc = load_keys(st, arr, path, err)) != 0))
        return rc;
    for (size_t l = 0; l < 2; l++) {
        int i = 0;
        arr = NULL;
        if ((rc = fk_json_get_array(state, lists[l], path, false, &arr, err)) != 0)
            return rc;
        cJSON_ArrayForEach(o, arr)
        {
            snprintf(p, sizeof p, "%s.%s[%d]", path, lists[l], i++);
            if ((rc = load_number(st, svc, o, p, err)) != 0)
                return rc;
        }
    }
    return 0;
}

/* Rows of sql as JSON objects (fk_store_row_json) into a new array; NULL on failure. */
static cJSON *rows(struct fk_store *st, const char *sql)
{
    sqlite3_stmt *s = fk_store_stmt(st, sql);
    cJSON *arr = cJSON_CreateArray();
    int r;

    if (s == NULL || arr == NULL) {
        cJSON_Delete(arr);
        return NULL;
    }
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        cJSON *row = fk_store_row_json(s);
        if (row == NULL || !cJSON_AddItemToArray(arr, row)) {
            cJSON_Delete(row);
            r = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_reset(s);
    if (r != SQLITE_DONE) {
        cJSON_Delete(arr);
        return NULL;
    }
    return arr;
}

cJSON *twilio_dump_state(struct fk_store *st, void *svc)
{
    struct twilio_ipn_filter none = {0};
    cJSON *o = cJSON_CreateObject(), *acc = NULL, *keys = NULL, *nums = NULL;
    long total = 0;

    (void)svc; /* everything dumped lives in the store */
    acc = rows(st, "SELECT sid, auth_token, friendly_name FROM accounts ORDER BY rowid");
    keys = rows(st, "SELECT sid, secret, account_sid FROM api_keys ORDER BY rowid");
    nums = cJSON_CreateArray();
    if (o == NULL || acc == NULL || keys == NULL || nums == NULL ||
        twilio_ipn_list(st, NULL, &none, 0, -1, nums, &total) != 0)
        goto fail;
    cJSON_AddItemToObject(o, "accounts", acc);
    cJSON_AddItemToObject(o, "api_keys", keys);
    cJSON_AddItemToObject(o, "incoming_phone_numbers", nums);
    return o;
fail:
    cJSON_Delete(o);
    cJSON_Delete(acc);
    cJSON_Delete(keys);
    cJSON_Delete(nums);
    return NULL;
}
