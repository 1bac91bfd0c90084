/* twirp.c: the Twirp transport of fake_livekit and its method table.
 *
 * Messages for routing and decoding failures are those of the twirp v8 generated server
 * (livekit/protocol livekit_sip.twirp.go); see twirp.h for the order of checks. */
#include "fake_livekit/twirp.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fake_livekit/db.h"
#include "fake_livekit/dispatch.h"
#include "fake_livekit/grants.h"
#include "fake_livekit/proto_json.h"
#include "fake_livekit/service.h"
#include "fake_livekit/trunks.h"
#include "fakekit/clock.h"
#include "fakekit/json.h"
#include "fakekit/log.h"

struct twirp_code {
    const char *code;
    unsigned status;
    const char *msg; /* text for a fault's "error" shorthand */
};

/* twirp Go v8.1.3 ServerHTTPStatusFromErrorCode (docs/reference/livekit.md §4). */
static const struct twirp_code codes[] = {
    {"canceled", 408, "context canceled"},
    {"unknown", 500, "unknown error"},
    {"invalid_argument", 400, "invalid argument"},
    {"malformed", 400, "the json request could not be decoded"},
    {"deadline_exceeded", 408, "context deadline exceeded"},
    {"not_found", 404, "requested sip trunk does not exist"},
    {"bad_route", 404, "no handler for path"},
    {"already_exists", 409, "already exists"},
    {"permission_denied", 403, "permission denied"},
    {"unauthenticated", 401, "permissions denied"},
    {"resource_exhausted", 429, "resource exhausted"},
    {"failed_precondition", 412, "failed precondition"},
    {"aborted", 409, "aborted"},
    {"out_of_range", 400, "out of range"},
    {"unimplemented", 501, "unimplemented"},
    {"internal", 500, "sip not connected (redis required)"},
    {"unavailable", 503, "service unavailable"},
    {"data_loss", 500, "data loss"},
};

static const struct twirp_code *find_code(const char *code)
{
    for (size_t i = 0; code && i < sizeof(codes) / sizeof(codes[0]); i++) {
        if (strcmp(codes[i].code, code) == 0)
            return &codes[i];
    }
    return NULL;
}

unsigned lk_twirp_status(const char *code)
{
    const struct twirp_code *c = find_code(code);
    return c ? c->status : 0;
}

int lk_twirp_error(struct fk_resp *resp, const char *code, const char *msg, const cJSON *meta)
{
    unsigned status = lk_twirp_status(code);
    cJSON *body = cJSON_CreateObject();
    if (!body || !cJSON_AddStringToObject(body, "code", code) ||
        !cJSON_AddStringToObject(body, "msg", msg ? msg : ""))
        goto nomem;
    if (meta && meta->child) {
        cJSON *m = cJSON_Duplicate(meta, true);
        if (!m || !cJSON_AddItemToObject(body, "meta", m)) {
            cJSON_Delete(m);
            goto nomem;
        }
    }
    /* fk_resp_json's default type is exactly "application/json", as Twirp writes it. */
    return fk_resp_json(resp, status ? status : 500, body);
nomem:
    cJSON_Delete(body);
    return FK_ENOMEM;
}

int lk_reply(struct fk_resp *resp, cJSON *json)
{
    if (!json)
        return FK_ENOMEM;
    return fk_resp_json(resp, 200, json);
}

int lk_reply_items(struct fk_resp *resp, cJSON *arr, const struct lk_msg *m)
{
    cJSON *out = cJSON_CreateObject();
    cJSON *items = cJSON_AddArrayToObject(out, "items");
    int rc = arr && items ? 0 : FK_ENOMEM;
    for (const cJSON *e = arr ? arr->child : NULL; rc == 0 && e; e = e->next) {
        cJSON *enc = lk_pj_encode(cJSON_IsNull(e) ? NULL : e, m);
        if (!enc || !cJSON_AddItemToArray(items, enc)) {
            cJSON_Delete(enc);
            rc = FK_ENOMEM;
        }
    }
    cJSON_Delete(arr);
    if (rc != 0) {
        cJSON_Delete(out);
        return rc;
    }
    return lk_reply(resp, out);
}

static int bad_route(struct fk_resp *resp, const struct fk_req *req, const char *msg)
{
    char route[512];
    int rc = FK_ENOMEM;
    cJSON *meta = cJSON_CreateObject();
    snprintf(route, sizeof(route), "%s %s", req->method, req->path);
    if (meta && cJSON_AddStringToObject(meta, "twirp_invalid_route", route))
        rc = lk_twirp_error(resp, "bad_route", msg, meta);
    cJSON_Delete(meta);
    return rc;
}

static int unimplemented(struct lk_call *c)
{
    return lk_twirp_error(c->resp, "unimplemented", "fake_livekit does not place SIP calls", NULL);
}

/* Slots of struct lk_reads (reads.h): the secret lookup, then the List methods. */
enum { SLOT_SECRET, SLOT_LIST_IN, SLOT_LIST_OUT, SLOT_LIST_LEGACY, SLOT_LIST_RULES, NO_SLOT = -1 };

struct method {
    const char *name;
    const struct lk_msg *req;
    const char *grant; /* "admin" or "call" */
    lk_method_fn fn;
    int slot; /* where its answers are kept (a read-only method), or NO_SLOT */
};

static const struct method methods[] = {
    {"CreateSIPInboundTrunk", &lk_msg_create_inbound, "admin", lk_trunk_create_inbound, NO_SLOT},
    {"CreateSIPOutboundTrunk", &lk_msg_create_outbound, "admin", lk_trunk_create_outbound, NO_SLOT},
    {"GetSIPInboundTrunk", &lk_msg_trunk_id_req, "admin", lk_trunk_get_inbound, NO_SLOT},
    {"GetSIPOutboundTrunk", &lk_msg_trunk_id_req, "admin", lk_trunk_get_outbound, NO_SLOT},
    {"ListSIPInboundTrunk", &lk_msg_list_trunks, "admin", lk_trunk_list_inbound, SLOT_LIST_IN},
    {"ListSIPOutboundTrunk", &lk_msg_list_trunks, "admin", lk_trunk_list_outbound, SLOT_LIST_OUT},
    {"ListSIPTrunk", &lk_msg_empty, "admin", lk_trunk_list_legacy, SLOT_LIST_LEGACY},
    {"UpdateSIPInboundTrunk", &lk_msg_update_inbound, "admin", lk_trunk_update_inbound, NO_SLOT},
    {"UpdateSIPOutboundTrunk", &lk_msg_update_outbound, "admin", lk_trunk_update_outbound, NO_SLOT},
    {"DeleteSIPTrunk", &lk_msg_trunk_id_req, "admin", lk_trunk_delete, NO_SLOT},
    {"CreateSIPDispatchRule", &lk_msg_create_rule, "admin", lk_rule_create, NO_SLOT},
    {"UpdateSIPDispatchRule", &lk_msg_update_rule, "admin", lk_rule_update, NO_SLOT},
    {"ListSIPDispatchRule", &lk_msg_list_rules, "admin", lk_rule_list, SLOT_LIST_RULES},
    {"DeleteSIPDispatchRule", &lk_msg_rule_id_req, "admin", lk_rule_delete, NO_SLOT},
    {"CreateSIPParticipant", &lk_msg_empty, "call", unimplemented, NO_SLOT},
    {"TransferSIPParticipant", &lk_msg_empty, "call", unimplemented, NO_SLOT},
};

/* Media type before ';', trimmed, compared case-insensitively (the Go server's rule). */
static bool is_json_type(const char *ct)
{
    size_t n;
    if (!ct)
        return false;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    n = strcspn(ct, ";");
    while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    return n == strlen("application/json") && strncasecmp(ct, "application/json", n) == 0;
}

/* The store's generation, for struct lk_reads. */
static void sync_reads(const struct fk_req *req)
{
    struct lk_svc *svc = req->svc;
    lk_reads_sync(&svc->reads, (uint64_t)sqlite3_total_changes64(fk_store_db(req->store)),
                  svc->epoch);
}

/* ctx is the request. A key's secret is kept until the store changes (reads.h). */
static bool lookup_secret(void *ctx, const char *key, char *secret, size_t secretlen)
{
    const struct fk_req *req = ctx;
    struct lk_svc *svc = req->svc;
    char found[512];
    const char *kept;
    size_t len;

    if (svc) {
        sync_reads(req);
        kept = lk_reads_get(&svc->reads, SLOT_SECRET, key, strlen(key), &len);
        if (kept) {
            snprintf(secret, secretlen, "%s", kept);
            return true;
        }
    }
    if (lk_db_secret(req->store, key, found, sizeof(found)) != 1)
        return false;
    /* Not keeping it only costs the next call a query. */
    if (svc && lk_reads_put(&svc->reads, SLOT_SECRET, key, strlen(key), found, strlen(found)) != 0)
        fk_log(FK_LOG_DEBUG, "event=read_not_kept what=secret");
    snprintf(secret, secretlen, "%s", found);
    return true;
}

/* The kept answer of m for this exact body, if any (a read-only method, store unchanged). */
static const char *kept_answer(const struct fk_req *req, const struct method *m, size_t *len)
{
    struct lk_svc *svc = req->svc;
    if (!svc || m->slot == NO_SLOT)
        return NULL;
    sync_reads(req);
    return lk_reads_get(&svc->reads, (size_t)m->slot, req->body, req->body_len, len);
}

/* Keep a read-only method's plain 200 answer for its body. */
static void keep_answer(const struct fk_req *req, const struct method *m,
                        const struct fk_resp *resp)
{
    struct lk_svc *svc = req->svc;
    if (!svc || m->slot == NO_SLOT || resp->status != 200 || resp->nheaders != 0 ||
        !resp->content_type || strcmp(resp->content_type, "application/json") != 0)
        return;
    if (lk_reads_put(&svc->reads, (size_t)m->slot, req->body, req->body_len,
                     resp->body ? resp->body : "", resp->body_len) != 0)
        fk_log(FK_LOG_DEBUG, "event=read_not_kept method=%s", m->name);
}

/* Parse the whole body as one JSON value; NULL if it is not exactly that. Repeated keys are
 * kept: protojson refuses a repeated field, and lk_pj_decode does as it does. */
static cJSON *parse_body(const struct fk_req *req)
{
    return fk_json_parse(req->body, req->body_len, FK_JSON_KEEP, NULL);
}

int lk_twirp_handle(const struct fk_req *req, struct fk_resp *resp)
{
    struct lk_auth auth;
    struct fk_error err = {{0}};
    cJSON *json = NULL, *body = NULL;
    const struct method *m = NULL;
    char msg[600];
    int rc;

    lk_auth_check(fk_req_header(req, "Authorization"), fk_req_arg(req, "access_token"),
                  fk_now_us() / 1000000, lookup_secret, (void *)req, &auth);
    if (auth.result == LK_AUTH_NOMEM)
        return FK_ENOMEM;
    if (auth.result == LK_AUTH_REJECT) {
        /* http.Error-less write in livekit-server: Go sniffs the type of the text. */
        return fk_resp_set(resp, 401, "text/plain; charset=utf-8", auth.text, strlen(auth.text));
    }

    if (strcmp(req->method, "POST") != 0) {
        snprintf(msg, sizeof(msg), "unsupported method \"%s\" (only POST is allowed)", req->method);
        rc = bad_route(resp, req, msg);
        goto out;
    }
    for (size_t i = 0; req->nparams > 0 && i < sizeof(methods) / sizeof(methods[0]); i++) {
        if (strcmp(methods[i].name, req->params[0]) == 0)
            m = &methods[i];
    }
    if (!m) {
        snprintf(msg, sizeof(msg), "no handler for path \"%s\"", req->path);
        rc = bad_route(resp, req, msg);
        goto out;
    }
    const char *ct = fk_req_header(req, "Content-Type");
    if (!is_json_type(ct)) {
        snprintf(msg, sizeof(msg), "unexpected Content-Type: \"%s\"", ct ? ct : "");
        rc = bad_route(resp, req, msg);
        goto out;
    }
    /* A kept answer was made from these very body bytes, so they decode: what remains of
     * the checks below is the grant. */
    const char *kept;
    size_t kept_len;
    if ((kept = kept_answer(req, m, &kept_len)) != NULL) {
        if (!lk_auth_has_grant(&auth, m->grant))
            rc = lk_twirp_error(resp, "unauthenticated", "permissions denied", NULL);
        else
            rc = fk_resp_set(resp, 200, "application/json", kept, kept_len);
        goto out;
    }
    json = parse_body(req);
    rc = json ? lk_pj_decode(json, m->req, &body, &err) : FK_EINVAL;
    if (rc == FK_ENOMEM)
        goto out;
    if (rc != 0) {
        char q[FK_LOG_QUOTED];
        fk_log(FK_LOG_DEBUG, "event=malformed method=%s reason=%s", m->name,
               fk_log_quote(q, sizeof(q), json ? err.msg : "not JSON"));
        rc = lk_twirp_error(resp, "malformed", "the json request could not be decoded", NULL);
        goto out;
    }
    if (!lk_auth_has_grant(&auth, m->grant)) {
        rc = lk_twirp_error(resp, "unauthenticated", "permissions denied", NULL);
        goto out;
    }
    struct lk_call call = {req, resp, req->store, body};
    rc = m->fn(&call);
    if (rc == 0)
        keep_answer(req, m, resp);
out:
    cJSON_Delete(json);
    cJSON_Delete(body);
    lk_auth_cleanup(&auth);
    return rc;
}

int lk_fault_error(struct fk_resp *resp, const struct fk_req *req, const char *code)
{
    const struct twirp_code *c = find_code(code);
    (void)req; /* the shorthand does not depend on the request */
    if (!c)
        return FK_EINVAL;
    if (!resp)
        return 0;
    return lk_twirp_error(resp, c->code, c->msg, NULL);
}

void lk_native(struct fk_resp *resp, const struct fk_req *req, enum fk_native kind,
               long retry_after_s)
{
    char msg[600];
    int rc = 0;
    switch (kind) {
    case FK_NATIVE_NOT_FOUND:
        snprintf(msg, sizeof(msg), "no handler for path \"%s\"", req->path);
        rc = bad_route(resp, req, msg);
        break;
    case FK_NATIVE_BAD_METHOD:
        snprintf(msg, sizeof(msg), "unsupported method \"%s\" (only POST is allowed)", req->method);
        rc = bad_route(resp, req, msg);
        break;
    case FK_NATIVE_TOO_LARGE:
        /* The Twirp Go server answers an unreadable body with malformed/400; docs/DESIGN.md
         * ("Connections") gives every fake 413 for bodies over 1 MiB, so the Twirp body keeps its
         * code and only the status is 413. */
        rc =
            lk_twirp_error(resp, "malformed", "failed to read request body: body over 1 MiB", NULL);
        if (rc == 0)
            resp->status = 413;
        break;
    case FK_NATIVE_RATE_LIMITED:
        snprintf(msg, sizeof(msg), "%ld", retry_after_s);
        rc = lk_twirp_error(resp, "resource_exhausted", "rate limit exceeded", NULL);
        if (rc == 0)
            rc = fk_resp_header(resp, "Retry-After", msg);
        break;
    case FK_NATIVE_INTERNAL:
        rc = lk_twirp_error(resp, "internal", "internal error", NULL);
        break;
    }
    if (rc != 0)
        fk_log(FK_LOG_ERROR, "event=native_failed kind=%d", (int)kind);
}
