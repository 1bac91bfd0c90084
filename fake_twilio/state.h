/* state.h: fake_twilio's flags, schema, start-up state and the admin state documents.
 *
 * Accounts and API keys live in the store, so scenarios can add accounts (and tests can use
 * several): the flags (--account-sid, --auth-token, --api-key, --api-secret) seed the default
 * one. State documents, for POST /__admin/state and a scenario's "state":
 *   {"accounts": [{"sid": "AC...", "auth_token": "...", "friendly_name": "..."}],
 *    "api_keys": [{"sid": "SK...", "secret": "...", "account_sid": "AC..."}],
 *    "incoming_phone_numbers": [{"phone_number": "+14155550100", "account_sid": "AC...",
 *                                "friendly_name": "...", "voice_url": "...", ...}]}
 * ("numbers" is accepted for "incoming_phone_numbers"). GET /__admin/state answers the same
 * shape, numbers as full resources, so a dump can be loaded into a fresh fake. */
#ifndef TWILIO_STATE_H
#define TWILIO_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "fake_twilio/inventory.h"
#include "fakekit/config.h"
#include "fakekit/store.h"

/* The defaults, documented in --help: the account SID of Twilio's own examples. */
#define TWILIO_DEFAULT_ACCOUNT_SID "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define TWILIO_DEFAULT_AUTH_TOKEN  "test-auth-token"

struct twilio_rendered; /* rendered.h */
struct twilio_owned;    /* owned.h */
struct fk_cache;        /* fakekit/cache.h */

/* The caches' bounds: entries kept at once, and bytes of keys and bodies. */
#define TWILIO_PAGES_MAX       64
#define TWILIO_PAGES_MAX_BYTES ((size_t)4 << 20)
#define TWILIO_CREDS_MAX       64

/* What req->svc points at. */
struct twilio_svc {
    struct twilio_inventory *inv;
    struct twilio_rendered *items; /* inv's search items as JSON text (rendered.h) */
    struct fk_cache *pages;        /* whole search bodies by "path?query" (numbers.c) */
    struct fk_cache *creds;        /* "account\nAuthorization" keys accepted (auth.c) */
    struct twilio_owned *owned;    /* owned inventory numbers, rebuilt when the store changed */
};

extern const char *twilio_opt_account_sid;
extern const char *twilio_opt_auth_token;
extern const char *twilio_opt_api_key;
extern const char *twilio_opt_api_secret;
extern const struct fk_option twilio_options[];
extern const char twilio_schema_sql[];

/* True when sid is prefix followed by exactly 32 hex digits ("AC", "SK", "PN"). */
bool twilio_sid_valid(const char *sid, const char *prefix);

/* True when the accounts table holds sid. */
bool twilio_account_exists(struct fk_store *st, const char *sid);

/* struct fk_service callbacks. */
int twilio_init(void **svc, struct fk_error *err);
void twilio_fini(void *svc);
int twilio_seed(struct fk_store *st, void *svc, struct fk_error *err);
int twilio_load_state(struct fk_store *st, void *svc, const cJSON *state, const char *path,
                      struct fk_error *err);
cJSON *twilio_dump_state(struct fk_store *st, void *svc);

#endif
