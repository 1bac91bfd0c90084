/* resource.h: IncomingPhoneNumber rows in the store, and their JSON (docs/reference/twilio.md
 * section 4).
 *
 * The incoming_phone_numbers table (schema in state.c) holds one row per owned number; its
 * JSON form has exactly the 35 fields of the official schema, with lower-case capability keys
 * and RFC 2822 dates. Writable fields are one table (twilio_fields) naming each form
 * parameter, its column and how it is stored, so create, update and the scenario loader
 * share one code path. Column defaults (voice_method POST, sms_url "" ...) live in the
 * schema. All functions expect the store to be locked (fakekit does this for handlers).
 *
 * The lowest layer of fake_twilio (with inventory.h): called by the handlers (incoming.c,
 * numbers.c), state.c and owned.c; calls only fakekit's base. Returns 0 or a negative fk_err
 * (FK_ENOTFOUND, FK_ECONFLICT, FK_EIO, FK_EINVAL for a field that fails validation) unless
 * said otherwise; it never writes an answer (fakekit/err.h). */
#ifndef TWILIO_RESOURCE_H
#define TWILIO_RESOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "fakekit/store.h"

enum twilio_field_kind { TWILIO_F_TEXT, TWILIO_F_BOOL };

struct twilio_field {
    const char *form; /* "VoiceUrl" */
    const char *col;  /* "voice_url": also the JSON key */
    enum twilio_field_kind kind;
};

#define TWILIO_NFIELDS 22
extern const struct twilio_field twilio_fields[TWILIO_NFIELDS];

/* What a new row needs beyond the writable fields. Strings borrowed. */
struct twilio_ipn_new {
    const char *sid; /* NULL: PN + 32 random lower-case hex */
    const char *account_sid;
    const char *phone_number; /* E.164 */
    const char *iso_country;  /* "US" */
    const char *type;         /* "local", "tollfree", "mobile" */
    const char *origin;       /* NULL: "twilio" */
    const char *address_requirements;
    unsigned caps; /* TWILIO_CAP_* */
    bool beta;
    int64_t created_us; /* date_created = date_updated */
};

/* Validate vals (indexed like twilio_fields, NULL = not given): booleans are "true"/"false",
 * FriendlyName at most 64 characters. 0, or FK_EINVAL with the Twilio code to answer (20001
 * or 20002) in *code and a message in msg. */
int twilio_fields_validate(const char *const *vals, int *code, char *msg,
                           size_t msglen) FK_MUST_CHECK;

/* Insert a row; FriendlyName defaults to the number's friendly name. sid_out (35 bytes)
 * receives the SID. Returns 0, FK_ECONFLICT (SID exists) or FK_EIO with err set. */
int twilio_ipn_insert(struct fk_store *st, const struct twilio_ipn_new *n, const char *const *vals,
                      char *sid_out, struct fk_error *err) FK_MUST_CHECK;

/* Apply the given vals to the row (account, sid) and set date_updated. new_account, when
 * non-NULL, moves the row to that account. TrunkSid clears voice_application_sid and the
 * reverse (docs/reference/twilio.md section 3). Returns 0, FK_ENOTFOUND or FK_EIO. */
int twilio_ipn_update(struct fk_store *st, const char *account, const char *sid,
                      const char *const *vals, const char *new_account, int64_t now_us,
                      struct fk_error *err) FK_MUST_CHECK;

/* The resource as JSON into *out (caller cJSON_Delete()s). 0, FK_ENOTFOUND, FK_ENOMEM or
 * FK_EIO. */
int twilio_ipn_get(struct fk_store *st, const char *account, const char *sid,
                   cJSON **out) FK_MUST_CHECK;
/* Delete the row; its phone number into phone (phonelen bytes, may be 0 with phone NULL). */
int twilio_ipn_delete(struct fk_store *st, const char *account, const char *sid, char *phone,
                      size_t phonelen) FK_MUST_CHECK;

/* True when some account owns phone_number (also when the database cannot tell). */
bool twilio_ipn_owned(struct fk_store *st, const char *phone_number);
/* 1 owned, 0 not owned, FK_EIO when the database cannot tell. */
int twilio_ipn_owned_check(struct fk_store *st, const char *phone_number);

/* A Twilio boolean parameter as Twilio reads it: "true" or "false" in any case (twilio-python
 * before 9.x sends Python's True/False). 1, 0, or -1 for anything else or NULL. */
int twilio_bool(const char *v);

/* List filters (docs/reference/twilio.md section 5); NULL means absent. */
struct twilio_ipn_filter {
    const char *phone_number;  /* partial match, '*' any one digit */
    const char *friendly_name; /* exact */
    const char *beta;          /* Beta: "false" leaves out numbers new to Twilio; else all */
    const char *origin;
    const char *type; /* exact ("local", "mobile", "tollfree"): the per-type list resources */
};

/* Count the account's rows matching f into *total and append the resources at
 * [offset, offset + limit) to array, oldest first. account NULL: every account. */
int twilio_ipn_list(struct fk_store *st, const char *account, const struct twilio_ipn_filter *f,
                    long offset, long limit, cJSON *array, long *total) FK_MUST_CHECK;

/* LIKE pattern for a PhoneNumber filter: "%" + escaped + "%", '*' as '_', escape '\'.
 * Caller frees; NULL on ENOMEM. Exposed for tests. */
char *twilio_phone_like(const char *filter);

#endif
