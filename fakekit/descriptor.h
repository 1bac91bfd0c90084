/* descriptor.h: what a fake gives fakekit (struct fk_service): its name, routes, native
 * errors and state.
 *
 * A fake is this descriptor plus its handlers; fk_run() does everything else (flags, the
 * HTTP server, admin API, faults, rate limits, journal, scenarios, signals). Optional
 * callbacks may be NULL.
 *
 * The kit calls the callbacks and route handlers (with the store locked); they call down
 * into the kit's base (store, cache, json, http builders) and never into run, admin or the
 * rules. A route handler returns 0 once resp holds its answer, or a negative fk_err (the
 * kit then answers FK_NATIVE_INTERNAL); the checks it runs first follow fakekit/err.h
 * (FK_OK, FK_ANSWERED, a negative fk_err). A fault never reaches a handler: the kit decides
 * it before (or applies it after, after_effect) and records its result on struct fk_reply
 * (fault_id, rate_limited; fakekit/server.h) for the journal. */
#ifndef FK_DESCRIPTOR_H
#define FK_DESCRIPTOR_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "fakekit/config.h"
#include "fakekit/err.h"
#include "fakekit/http.h"
#include "fakekit/router.h"
#include "fakekit/store.h"

/* Answers every fake must give in its own dialect. */
enum fk_native {
    FK_NATIVE_NOT_FOUND,    /* no route for this path (404) */
    FK_NATIVE_BAD_METHOD,   /* path known, method not (404 or 405 as the service does) */
    FK_NATIVE_TOO_LARGE,    /* body over the service's body_limit (413 or as the service does) */
    FK_NATIVE_RATE_LIMITED, /* a rate-limit bucket is empty (429, Retry-After) */
    FK_NATIVE_INTERNAL,     /* a handler failed (500) */
};

struct fk_service {
    const char *name; /* "twilio": health, log prefix, scenario section */
    const char *version;
    const char *summary; /* one line for --help */
    long default_port;
    const struct fk_option *options; /* extra flags, NULL-name terminated; may be NULL */
    const struct fk_route *routes;
    size_t nroutes;
    const char *schema_sql; /* CREATE TABLE IF NOT EXISTS ...; run at open */
    size_t body_limit;      /* largest request body; 0 means FK_BODY_LIMIT (1 MiB) */

    /* After flags are parsed, before the store opens: build the fake's state (*svc is passed
     * to every handler as req->svc). Errors exit 2 with err's message. */
    int (*init)(void **svc, struct fk_error *err);
    void (*fini)(void *svc);
    /* Fill a freshly opened or cleared store with the seed data (--seed is applied already). */
    int (*seed)(struct fk_store *st, void *svc, struct fk_error *err);
    /* Apply a scenario's or POST /__admin/state's "state" object (path is its JSON path for
     * messages). Called inside a transaction: on error nothing is kept. NULL: the generic
     * loader, which takes {"table": [rows]} for the schema's tables. */
    int (*load_state)(struct fk_store *st, void *svc, const cJSON *state, const char *path,
                      struct fk_error *err);
    /* GET /__admin/state. NULL: every table, as fk_store_dump. */
    cJSON *(*dump_state)(struct fk_store *st, void *svc);

    /* Build the native error for a fault's "error" shorthand (a Twilio code, Twirp code or
     * SQLSTATE). With resp == NULL only check that code is known. Returns 0 or FK_EINVAL. */
    int (*error)(struct fk_resp *resp, const struct fk_req *req, const char *code);
    /* Build one of the answers above. retry_after_s is set for FK_NATIVE_RATE_LIMITED. */
    void (*native)(struct fk_resp *resp, const struct fk_req *req, enum fk_native kind,
                   long retry_after_s);
    /* The caller's credential, for rate limits keyed "credential" (e.g. the account SID).
     * Borrowed from req. NULL: the Authorization header. */
    const char *(*credential)(const struct fk_req *req);
    /* For the journal (unless --journal-secrets): mask in place, keeping its length, the
     * secrets of a body that is neither JSON nor a form (fake_livekit's protobuf); body is a
     * copy of the first len bytes, possibly cut short. True when it changed any byte. NULL:
     * such bodies are journaled as sent. */
    bool (*redact_body)(const struct fk_req *req, char *body, size_t len);

    /* Extra admin endpoints of this fake (full paths under /__admin/, e.g. GET
     * /__admin/keys); like the admin API they are never faulted, limited or journaled. */
    const struct fk_route *admin_routes;
    size_t nadmin_routes;
};

#endif
