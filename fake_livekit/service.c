/* service.c: fake_livekit's descriptor: flags, state callbacks, errors, the one route. */
#include "fake_livekit/service.h"
#include "fake_livekit/state.h"

#include <stdlib.h>

#include "fake_livekit/db.h"
#include "fake_livekit/grants.h"
#include "fake_livekit/twirp.h"
#include "fakekit/cache.h"
#include "fakekit/version.h"

/* livekit-server --dev's key pair (docs/reference/livekit.md §7). */
static const char *opt_api_key = "devkey";
static const char *opt_api_secret = "secret";

static const struct fk_option options[] = {
    {"api-key", "FAKE_LIVEKIT_API_KEY", FK_OPT_STRING, &opt_api_key, 0, 0, "KEY",
     "API key accepted as the JWT issuer (more via scenario state api_keys)"},
    {"api-secret", "FAKE_LIVEKIT_API_SECRET", FK_OPT_STRING, &opt_api_secret, 0, 0, "SECRET",
     "HS256 secret of --api-key"},
    {NULL, NULL, FK_OPT_STRING, NULL, 0, 0, NULL, NULL},
};

static const struct fk_route routes[] = {
    {"*", "/twirp/livekit.SIP/{method}", lk_twirp_handle},
};

static int init(void **svc, struct fk_error *err)
{
    struct lk_svc *lk = NULL;
    if (!opt_api_key[0] || !opt_api_secret[0]) {
        fk_error_set(err, "--api-key and --api-secret must not be empty");
        return FK_EINVAL;
    }
    lk = calloc(1, sizeof(*lk));
    if (!lk) {
        fk_error_set(err, "out of memory");
        return FK_ENOMEM;
    }
    if (!(lk->reads = fk_cache_new(LK_READS_MAX, LK_READS_MAX_BYTES))) {
        free(lk);
        fk_error_set(err, "out of memory");
        return FK_ENOMEM;
    }
    lk->api_key = opt_api_key;
    lk->api_secret = opt_api_secret;
    *svc = lk;
    return 0;
}

static void fini(void *svc)
{
    struct lk_svc *lk = svc;
    if (lk)
        fk_cache_free(lk->reads);
    free(lk);
    lk_auth_cache_clear();
}

/* Rate limits keyed "credential" count per API key (the token's iss), not per token: the
 * SDK signs a fresh token for every call. The answer must outlive this call while the
 * caller uses it, and fakekit gives no buffer, so it lives in thread-local storage (one
 * request per thread at a time). */
static const char *credential(const struct fk_req *req)
{
    static _Thread_local char iss[256];
    const char *auth = fk_req_header(req, "Authorization");
    if (lk_token_issuer(auth, iss, sizeof(iss)))
        return iss;
    return auth;
}

const struct fk_service lk_service = {
    .name = "livekit",
    .version = FK_VERSION,
    .summary = "fake LiveKit server: the SIP Twirp API (trunks, dispatch rules)",
    .default_port = 7880,
    .options = options,
    .routes = routes,
    .nroutes = FK_NELEM(routes),
    .schema_sql = lk_schema_sql,
    .body_limit = LK_BODY_LIMIT, /* livekit-server's default, not fakekit's 1 MiB */
    .init = init,
    .fini = fini,
    .seed = lk_db_seed,
    .load_state = lk_db_load_state,
    .dump_state = lk_db_dump_state,
    .error = lk_fault_error,
    .native = lk_native,
    .credential = credential,
    .redact_body = lk_twirp_redact_body,
};
