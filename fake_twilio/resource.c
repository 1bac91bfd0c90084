/* resource.c: IncomingPhoneNumber rows: insert, update, fetch, delete, list and JSON.
 *
 * Static statements use fakekit's statement cache; insert and update build their column
 * lists from twilio_fields (names from this file only, never from the request) and bind
 * every value. */
#include "fake_twilio/resource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_twilio/inventory.h"
#include "fakekit/buf.h"
#include "fakekit/clock.h"
#include "fakekit/ids.h"
#include "fakekit/json.h"

const struct twilio_field twilio_fields[TWILIO_NFIELDS] = {
    {"ApiVersion", "api_version", TWILIO_F_TEXT},
    {"FriendlyName", "friendly_name", TWILIO_F_TEXT},
    {"VoiceUrl", "voice_url", TWILIO_F_TEXT},
    {"VoiceMethod", "voice_method", TWILIO_F_TEXT},
    {"VoiceFallbackUrl", "voice_fallback_url", TWILIO_F_TEXT},
    {"VoiceFallbackMethod", "voice_fallback_method", TWILIO_F_TEXT},
    {"VoiceCallerIdLookup", "voice_caller_id_lookup", TWILIO_F_BOOL},
    {"VoiceApplicationSid", "voice_application_sid", TWILIO_F_TEXT},
    {"VoiceReceiveMode", "voice_receive_mode", TWILIO_F_TEXT},
    {"TrunkSid", "trunk_sid", TWILIO_F_TEXT},
    {"SmsUrl", "sms_url", TWILIO_F_TEXT},
    {"SmsMethod", "sms_method", TWILIO_F_TEXT},
    {"SmsFallbackUrl", "sms_fallback_url", TWILIO_F_TEXT},
    {"SmsFallbackMethod", "sms_fallback_method", TWILIO_F_TEXT},
    {"SmsApplicationSid", "sms_application_sid", TWILIO_F_TEXT},
    {"StatusCallback", "status_callback", TWILIO_F_TEXT},
    {"StatusCallbackMethod", "status_callback_method", TWILIO_F_TEXT},
    {"EmergencyStatus", "emergency_status", TWILIO_F_TEXT},
    {"EmergencyAddressSid", "emergency_address_sid", TWILIO_F_TEXT},
    {"IdentitySid", "identity_sid", TWILIO_F_TEXT},
    {"AddressSid", "address_sid", TWILIO_F_TEXT},
    {"BundleSid", "bundle_sid", TWILIO_F_TEXT},
};

#define F_FRIENDLY  1
#define F_VOICE_APP 7
#define F_TRUNK     9

/* The JSON fields in output order (docs/reference/twilio.md section 4); 'c' and 'u' are built, not
 * selected. SELECT_COLS lists the selected ones in the same order, then the capabilities. */
static const struct {
    const char *name;
    char kind; /* t text, b bool, d date, c capabilities, u uri */
} out_cols[] = {
    {"sid", 't'},
    {"account_sid", 't'},
    {"friendly_name", 't'},
    {"phone_number", 't'},
    {"status", 't'},
    {"origin", 't'},
    {"type", 't'},
    {"date_created", 'd'},
    {"date_updated", 'd'},
    {"capabilities", 'c'},
    {"api_version", 't'},
    {"beta", 'b'},
    {"address_requirements", 't'},
    {"address_sid", 't'},
    {"identity_sid", 't'},
    {"bundle_sid", 't'},
    {"emergency_status", 't'},
    {"emergency_address_sid", 't'},
    {"emergency_address_status", 't'},
    {"voice_url", 't'},
    {"voice_method", 't'},
    {"voice_fallback_url", 't'},
    {"voice_fallback_method", 't'},
    {"voice_caller_id_lookup", 'b'},
    {"voice_application_sid", 't'},
    {"voice_receive_mode", 't'},
    {"trunk_sid", 't'},
    {"sms_url", 't'},
    {"sms_method", 't'},
    {"sms_fallback_url", 't'},
    {"sms_fallback_method", 't'},
    {"sms_application_sid", 't'},
    {"status_callback", 't'},
    {"status_callback_method", 't'},
    {"uri", 'u'},
};

#define SELECT_COLS                                                                                \
    "sid, account_sid, friendly_name, phone_number, status, origin, type, date_created, "          \
    "date_updated, api_version, beta, address_requirements, address_sid, identity_sid, "           \
    "bundle_sid, emergency_status, emergency_address_sid, emergency_address_status, voice_url, "   \
    "voice_method, voice_fallback_url, voice_fallback_method, voice_caller_id_lookup, "            \
    "voice_application_sid, voice_receive_mode, trunk_sid, sms_url, sms_method, "                  \
    "sms_fallback_url, sms_fallback_method, sms_application_sid, status_callback, "                \
    "status_callback_method, cap_voice, cap_sms, cap_mms, cap_fax"
#define NSELECTED 33 /* columns before the four capability columns */

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* The current row of a SELECT SELECT_COLS statement as the resource. NULL on ENOMEM. */
static cJSON *row_json(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject(), *caps = NULL;
    int col = 0, bad = o == NULL;
    char date[40], uri[160];

    for (size_t i = 0; !bad && i < FK_NELEM(out_cols); i++) {
        const char *k = out_cols[i].name;
        switch (out_cols[i].kind) {
        case 't':
            bad = fk_json_add_string_or_null(o, k, col_text(st, col++)) != 0;
            break;
        case 'b':
            bad = cJSON_AddBoolToObject(o, k, sqlite3_column_int(st, col++) != 0) == NULL;
            break;
        case 'd':
            fk_rfc2822(sqlite3_column_int64(st, col++), date, sizeof date);
            bad = cJSON_AddStringToObject(o, k, date) == NULL;
            break;
        case 'c':
            caps = cJSON_AddObjectToObject(o, k);
            bad =
                caps == NULL ||
                cJSON_AddBoolToObject(caps, "voice", sqlite3_column_int(st, NSELECTED)) == NULL ||
                cJSON_AddBoolToObject(caps, "sms", sqlite3_column_int(st, NSELECTED + 1)) == NULL ||
                cJSON_AddBoolToObject(caps, "mms", sqlite3_column_int(st, NSELECTED + 2)) == NULL ||
                cJSON_AddBoolToObject(caps, "fax", sqlite3_column_int(st, NSELECTED + 3)) == NULL;
            break;
        default:
            snprintf(uri, sizeof uri, "/2010-04-01/Accounts/%s/IncomingPhoneNumbers/%s.json",
                     col_text(st, 1), col_text(st, 0));
            bad = cJSON_AddStringToObject(o, k, uri) == NULL;
            break;
        }
    }
    if (bad) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

int twilio_bool(const char *v)
{
    if (v != NULL && strcasecmp(v, "true") == 0)
        return 1;
    if (v != NULL && strcasecmp(v, "false") == 0)
        return 0;
    return -1;
}

int twilio_fields_validate(const char *const *vals, int *code, char *msg, size_t msglen)
{
    *code = 0;
    for (size_t i = 0; i < TWILIO_NFIELDS; i++) {
        const char *v = vals[i];
        if (v == NULL)
            continue;
        if (twilio_fields[i].kind == TWILIO_F_BOOL && twilio_bool(v) < 0) {
            snprintf(msg, msglen, "%s must be true or false", twilio_fields[i].form);
            *code = 20001;
            return FK_EINVAL;
        }
    }
    /* The spec's FriendlyName limit: 64 characters. */
    if (vals[F_FRIENDLY] != NULL && strlen(vals[F_FRIENDLY]) > 64) {
        snprintf(msg, msglen, "FriendlyName must be at most 64 characters");
        *code = 20002;
        return FK_EINVAL;
    }
    return 0;
}

/* The statements built from the fields given bind their parameters by name (":sid",
 * ":voice_url"), as the SQL text names them, so no position is counted by hand (fossil binds
 * "$n" the same way). A name the statement lacks has index 0, which SQLite refuses with
 * SQLITE_RANGE: nothing is bound, and the NOT NULL columns fail the step. */
static int param(sqlite3_stmt *st, const char *name)
{
    return sqlite3_bind_parameter_index(st, name);
}

static void bind_text(sqlite3_stmt *st, const char *name, const char *v)
{
    sqlite3_bind_text(st, param(st, name), v, -1, SQLITE_TRANSIENT);
}

static void bind_int(sqlite3_stmt *st, const char *name, sqlite3_int64 v)
{
    sqlite3_bind_int64(st, param(st, name), v);
}

/* Bind form field `field` (value v) to its parameter, ":" and its column. */
static void bind_field(sqlite3_stmt *st, size_t field, const char *v)
{
    char name[64];

    snprintf(name, sizeof name, ":%s", twilio_fields[field].col);
    if (twilio_fields[field].kind == TWILIO_F_BOOL)
        bind_int(st, name, twilio_bool(v) == 1);
    else
        bind_text(st, name, v);
}

static int step_done(struct fk_store *s, sqlite3_stmt *st, struct fk_error *err)
{
    int r = sqlite3_step(st);

    if (r == SQLITE_DONE)
        return 0;
    fk_error_set(err, "%s", sqlite3_errmsg(fk_store_db(s)));
    return r == SQLITE_CONSTRAINT ? FK_ECONFLICT : FK_EIO;
}

int twilio_ipn_insert(struct fk_store *s, const struct twilio_ipn_new *n, const char *const *vals,
                      char *sid_out, struct fk_error *err)
{
    struct fk_buf sql;
    sqlite3_stmt *st = NULL;
    static const struct fk_id_home sids = {"incoming_phone_numbers", "sid"};
    char friendly[24];
    int rc = FK_ENOMEM;

    fk_buf_init(&sql, 8192);
    if (n->sid != NULL) {
        snprintf(sid_out, 35, "%s", n->sid);
    } else if ((rc = fk_id_hex(s, &sids, "PN", 16, sid_out, 35)) != 0) {
        fk_error_set(err, "cannot draw a SID: %s", fk_strerror(rc));
        goto out;
    }
    rc = FK_ENOMEM;
    twilio_friendly_name(n->phone_number, friendly, sizeof friendly);
    if (fk_buf_addstr(&sql, "INSERT INTO incoming_phone_numbers (sid, account_sid, phone_number, "
                            "iso_country, type, origin, address_requirements, beta, cap_voice, "
                            "cap_sms, cap_mms, cap_fax, date_created, date_updated, "
                            "friendly_name") != 0)
        goto out;
    for (size_t i = 0; i < TWILIO_NFIELDS; i++)
        if (i != F_FRIENDLY && vals[i] != NULL &&
            fk_buf_printf(&sql, ", %s", twilio_fields[i].col) != 0)
            goto out;
    if (fk_buf_addstr(&sql, ") VALUES (:sid, :account_sid, :phone_number, :iso_country, :type, "
                            ":origin, :address_requirements, :beta, :cap_voice, :cap_sms, "
                            ":cap_mms, :cap_fax, :now, :now, :friendly_name") != 0)
        goto out;
    for (size_t i = 0; i < TWILIO_NFIELDS; i++)
        if (i != F_FRIENDLY && vals[i] != NULL &&
            fk_buf_printf(&sql, ", :%s", twilio_fields[i].col) != 0)
            goto out;
    if (fk_buf_addstr(&sql, ")") != 0)
        goto out;
    rc = FK_EIO;
    /* The text varies with the fields given, not with their values: cached by text. */
    if ((st = fk_store_stmt_text(s, fk_buf_str(&sql), strlen(fk_buf_str(&sql)))) == NULL) {
        fk_error_set(err, "%s", sqlite3_errmsg(fk_store_db(s)));
        goto out;
    }
    bind_text(st, ":sid", sid_out);
    bind_text(st, ":account_sid", n->account_sid);
    bind_text(st, ":phone_number", n->phone_number);
    bind_text(st, ":iso_country", n->iso_country);
    bind_text(st, ":type", n->type);
    bind_text(st, ":origin", n->origin != NULL ? n->origin : "twilio");
    bind_text(st, ":address_requirements", n->address_requirements);
    bind_int(st, ":beta", n->beta);
    bind_int(st, ":cap_voice", (n->caps & TWILIO_CAP_VOICE) != 0);
    bind_int(st, ":cap_sms", (n->caps & TWILIO_CAP_SMS) != 0);
    bind_int(st, ":cap_mms", (n->caps & TWILIO_CAP_MMS) != 0);
    bind_int(st, ":cap_fax", (n->caps & TWILIO_CAP_FAX) != 0);
    bind_int(st, ":now", n->created_us);
    bind_text(st, ":friendly_name", vals[F_FRIENDLY] != NULL ? vals[F_FRIENDLY] : friendly);
    for (size_t i = 0; i < TWILIO_NFIELDS; i++)
        if (i != F_FRIENDLY && vals[i] != NULL)
            bind_field(st, i, vals[i]);
    rc = step_done(s, st, err);
out:
    if (st != NULL)
        sqlite3_reset(st); /* the cache's: reset, never finalized */
    fk_buf_cleanup(&sql);
    return rc;
}

int twilio_ipn_update(struct fk_store *s, const char *account, const char *sid,
                      const char *const *vals, const char *new_account, int64_t now_us,
                      struct fk_error *err)
{
    struct fk_buf sql;
    sqlite3_stmt *st = NULL;
    int rc = FK_ENOMEM;

    fk_buf_init(&sql, 8192);
    if (fk_buf_addstr(&sql, "UPDATE incoming_phone_numbers SET date_updated = :now, "
                            "account_sid = coalesce(:new_account, account_sid)") != 0)
        goto out;
    for (size_t i = 0; i < TWILIO_NFIELDS; i++)
        if (vals[i] != NULL &&
            fk_buf_printf(&sql, ", %s = :%s", twilio_fields[i].col, twilio_fields[i].col) != 0)
            goto out;
    /* A trunk and a voice application exclude each other: setting one clears the other. */
    if (vals[F_TRUNK] != NULL && vals[F_VOICE_APP] == NULL &&
        fk_buf_addstr(&sql, ", voice_application_sid = NULL") != 0)
        goto out;
    if (vals[F_VOICE_APP] != NULL && vals[F_TRUNK] == NULL &&
        fk_buf_addstr(&sql, ", trunk_sid = NULL") != 0)
        goto out;
    if (fk_buf_addstr(&sql, " WHERE sid = :sid AND account_sid = :account") != 0)
        goto out;
    rc = FK_EIO;
    /* The text varies with the fields given, not with their values: cached by text. */
    if ((st = fk_store_stmt_text(s, fk_buf_str(&sql), strlen(fk_buf_str(&sql)))) == NULL) {
        fk_error_set(err, "%s", sqlite3_errmsg(fk_store_db(s)));
        goto out;
    }
    bind_int(st, ":now", now_us);
    bind_text(st, ":sid", sid);
    bind_text(st, ":account", account);
    if (new_account != NULL)
        bind_text(st, ":new_account", new_account);
    for (size_t i = 0; i < TWILIO_NFIELDS; i++)
        if (vals[i] != NULL)
            bind_field(st, i, vals[i]);
    rc = step_done(s, st, err);
    if (rc == 0 && sqlite3_changes(fk_store_db(s)) == 0)
        rc = FK_ENOTFOUND;
out:
    if (st != NULL)
        sqlite3_reset(st); /* the cache's: reset, never finalized */
    fk_buf_cleanup(&sql);
    return rc;
}

int twilio_ipn_get(struct fk_store *s, const char *account, const char *sid, cJSON **out)
{
    sqlite3_stmt *st =
        fk_store_stmt(s, "SELECT " SELECT_COLS
                         " FROM incoming_phone_numbers WHERE sid = ?1 AND account_sid = ?2");
    int rc = FK_ENOTFOUND, r;

    *out = NULL;
    if (st == NULL)
        return FK_EIO;
    sqlite3_bind_text(st, 1, sid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, account, -1, SQLITE_TRANSIENT);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        *out = row_json(st);
        rc = *out != NULL ? 0 : FK_ENOMEM;
    } else if (r != SQLITE_DONE) {
        rc = FK_EIO;
    }
    sqlite3_reset(st);
    return rc;
}

int twilio_ipn_delete(struct fk_store *s, const char *account, const char *sid, char *phone,
                      size_t phonelen)
{
    sqlite3_stmt *st = fk_store_stmt(s, "DELETE FROM incoming_phone_numbers WHERE sid = ?1 AND "
                                        "account_sid = ?2 RETURNING phone_number");
    int r, found = 0;

    if (st == NULL)
        return FK_EIO;
    sqlite3_bind_text(st, 1, sid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, account, -1, SQLITE_TRANSIENT);
    /* sid is the key: one row at most. */
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (phonelen > 0)
            snprintf(phone, phonelen, "%s", col_text(st, 0) ? col_text(st, 0) : "");
        found = 1;
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        return FK_EIO;
    return found ? 0 : FK_ENOTFOUND;
}

int twilio_ipn_owned_check(struct fk_store *s, const char *phone_number)
{
    sqlite3_stmt *st =
        fk_store_stmt(s, "SELECT 1 FROM incoming_phone_numbers WHERE phone_number = ?1 LIMIT 1");
    int r;

    if (st == NULL)
        return FK_EIO;
    sqlite3_bind_text(st, 1, phone_number, -1, SQLITE_TRANSIENT);
    r = sqlite3_step(st);
    sqlite3_reset(st);
    return r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : FK_EIO;
}

bool twilio_ipn_owned(struct fk_store *s, const char *phone_number)
{
    /* Fail closed: never sell a number we cannot check. */
    return twilio_ipn_owned_check(s, phone_number) != 0;
}

char *twilio_phone_like(const char *filter)
{
    size_t n = strlen(filter);
    char *out = malloc(2 * n + 3), *p = out;

    if (out == NULL)
        return NULL;
    *p++ = '%';
    for (const char *s = filter; *s != '\0'; s++) {
        if (*s == '*') {
            *p++ = '_';
            continue;
        }
        if (*s == '%' || *s == '_' || *s == '\\')
            *p++ = '\\';
        *p++ = *s;
    }
    *p++ = '%';
    *p = '\0';
    return out;
}

/* Twilio's Beta on the list: "whether to include phone numbers new to the Twilio platform",
 * default true (docs/reference/twilio.md section 5). Only Beta=false filters: it leaves the
 * beta numbers out; true (or anything else) lists them all. */
static bool beta_excluded(const struct twilio_ipn_filter *f)
{
    return twilio_bool(f->beta) == 0;
}

/* head, then " FROM incoming_phone_numbers WHERE" with a term for each filter given only, then
 * tail. Parameters keep their numbers (?1 account ... ?5 origin, ?8 type) whichever terms are
 * present. A term "(?n IS NULL OR col = ?n)" for every filter would read the same rows, but SQLite
 * can use no index for it: each list, such as the provisioner's FriendlyName lookup, would scan
 * every owned number. */
static int filter_sql(struct fk_buf *b, const char *head, const char *account, const char *like,
                      const struct twilio_ipn_filter *f, const char *tail)
{
    const char *and = " WHERE ";
    int rc = fk_buf_printf(b, "%s FROM incoming_phone_numbers", head);

    if (rc == 0 && account != NULL && (rc = fk_buf_printf(b, "%saccount_sid = ?1", and)) == 0)
        and = " AND ";
    if (rc == 0 && like != NULL &&
        (rc = fk_buf_printf(b, "%sphone_number LIKE ?2 ESCAPE '\\'", and)) == 0)
        and = " AND ";
    if (rc == 0 && f->friendly_name != NULL &&
        (rc = fk_buf_printf(b, "%sfriendly_name = ?3", and)) == 0)
        and = " AND ";
    if (rc == 0 && beta_excluded(f) && (rc = fk_buf_printf(b, "%sbeta = 0", and)) == 0)
        and = " AND ";
    if (rc == 0 && f->origin != NULL && (rc = fk_buf_printf(b, "%sorigin = ?5", and)) == 0)
        and = " AND ";
    if (rc == 0 && f->type != NULL && (rc = fk_buf_printf(b, "%stype = ?8", and)) == 0)
        and = " AND ";
    return rc == 0 ? fk_buf_addstr(b, tail) : rc;
}

static void bind_filters(sqlite3_stmt *st, const char *account, const char *like,
                         const struct twilio_ipn_filter *f)
{
    if (account != NULL)
        sqlite3_bind_text(st, 1, account, -1, SQLITE_TRANSIENT);
    if (like != NULL)
        sqlite3_bind_text(st, 2, like, -1, SQLITE_TRANSIENT);
    if (f->friendly_name != NULL)
        sqlite3_bind_text(st, 3, f->friendly_name, -1, SQLITE_TRANSIENT);
    if (f->origin != NULL)
        sqlite3_bind_text(st, 5, f->origin, -1, SQLITE_TRANSIENT);
    if (f->type != NULL)
        sqlite3_bind_text(st, 8, f->type, -1, SQLITE_TRANSIENT);
}

int twilio_ipn_list(struct fk_store *s, const char *account, const struct twilio_ipn_filter *f,
                    long offset, long limit, cJSON *array, long *total)
{
    sqlite3_stmt *st = NULL;
    struct fk_buf sql;
    char *like = NULL;
    int rc = FK_ENOMEM, r = SQLITE_DONE;

    fk_buf_init(&sql, 8192);
    if (f->phone_number != NULL && (like = twilio_phone_like(f->phone_number)) == NULL)
        goto out;
    if (filter_sql(&sql, "SELECT count(*)", account, like, f, "") != 0)
        goto out;
    rc = FK_EIO;
    st = fk_store_stmt_text(s, fk_buf_str(&sql), sql.len);
    if (st == NULL)
        goto out;
    bind_filters(st, account, like, f);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        goto out;
    }
    *total = (long)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    fk_buf_reset(&sql);
    if (filter_sql(&sql, "SELECT " SELECT_COLS, account, like, f,
                   " ORDER BY rowid LIMIT ?6 OFFSET ?7") != 0) {
        rc = FK_ENOMEM;
        goto out;
    }
    st = fk_store_stmt_text(s, fk_buf_str(&sql), sql.len);
    if (st == NULL)
        goto out;
    bind_filters(st, account, like, f);
    sqlite3_bind_int64(st, 6, limit);
    sqlite3_bind_int64(st, 7, offset);
    rc = 0;
    while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *item = row_json(st);
        if (item == NULL || !cJSON_AddItemToArray(array, item)) {
            cJSON_Delete(item);
            rc = FK_ENOMEM;
        }
    }
    if (rc == 0 && r != SQLITE_DONE)
        rc = FK_EIO;
    sqlite3_reset(st);
out:
    fk_buf_cleanup(&sql);
    free(like);
    return rc;
}
