/* twirp.c: the Twirp transport of fake_livekit (JSON and protobuf) and its method table.
 *
 * Messages for routing and decoding failures are those of the twirp v8 generated server
 * (livekit/protocol livekit/livekit_sip.twirp.go); see twirp.h for the order of checks. */
#include "fake_livekit/twirp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_livekit/call.h"
#include "fake_livekit/db.h"
#include "fake_livekit/dispatch.h"
#include "fake_livekit/grants.h"
#include "fake_livekit/proto_json.h"
#include "fake_livekit/proto_pb.h"
#include "fake_livekit/state.h"
#include "fake_livekit/trunks.h"
#include "fake_livekit/validate.h"
#include "fakekit/cache.h"
#include "fakekit/clock.h"
#include "fakekit/json.h"
#include "fakekit/log.h"

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

/* What a kept read is (the first byte of its key in svc->reads): the secret lookup, then the
 * List methods. */
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
    {"ListSIPTrunk", &lk_msg_list_legacy, "admin", lk_trunk_list_legacy, SLOT_LIST_LEGACY},
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

/* The encoding a Content-Type names: its media type before ';', trimmed and lowercased, is
 * application/json or application/protobuf (the Go server's rule). -1 for anything else. */
static int wire_of(const char *ct)
{
    static const char *const types[] = {"application/json", "application/protobuf"};
    size_t n;
    if (!ct)
        return -1;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    n = strcspn(ct, ";");
    while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    for (int i = 0; i < 2; i++) {
        if (n == strlen(types[i]) && strncasecmp(ct, types[i], n) == 0)
            return i == 0 ? LK_WIRE_JSON : LK_WIRE_PROTOBUF;
    }
    return -1;
}

/* The key an answer is kept under in svc->reads: the slot, then the encoding (the answers
 * differ), then len bytes of text (a body or an API key). Caller frees; NULL on ENOMEM. */
static char *read_key(int slot, char wire, const char *text, size_t len, size_t *keylen)
{
    char *key = malloc(len + 2);
    if (!key)
        return NULL;
    key[0] = (char)('0' + slot);
    key[1] = wire;
    if (len)
        memcpy(key + 2, text, len);
    *keylen = len + 2;
    return key;
}

/* ctx is the request. A key's secret is kept until the store changes (fakekit/cache.h). */
static bool lookup_secret(void *ctx, const char *key, char *secret, size_t secretlen)
{
    const struct fk_req *req = ctx;
    struct lk_svc *svc = req->svc;
    struct fk_cache *reads = svc ? svc->reads : NULL;
    char found[512];
    const char *kept = NULL;
    size_t len, keylen = 0;
    char *k = reads ? read_key(SLOT_SECRET, '-', key, strlen(key), &keylen) : NULL;

    if (k && (kept = fk_cache_get(reads, req->store, k, keylen, &len)) != NULL) {
        snprintf(secret, secretlen, "%s", kept);
        free(k);
        return true;
    }
    if (lk_db_secret(req->store, key, found, sizeof(found)) != 1) {
        free(k);
        return false;
    }
    /* Not keeping it only costs the next call a query. */
    if (k && fk_cache_put(reads, req->store, k, keylen, found, strlen(found)) != 0)
        fk_log(FK_LOG_DEBUG, "event=read_not_kept what=secret");
    free(k);
    snprintf(secret, secretlen, "%s", found);
    return true;
}

/* The key a read-only answer of m is kept under, or NULL (not a read-only method, no cache). */
static char *answer_key(const struct fk_req *req, const struct method *m, enum lk_wire wire,
                        size_t *len)
{
    struct lk_svc *svc = req->svc;
    if (!svc || !svc->reads || m->slot == NO_SLOT)
        return NULL;
    return read_key(m->slot, wire == LK_WIRE_JSON ? 'j' : 'p', req->body, req->body_len, len);
}

/* The kept answer of m for this exact body, if any (a read-only method, store unchanged). */
static const char *kept_answer(const struct fk_req *req, const struct method *m, enum lk_wire wire,
                               size_t *len)
{
    struct lk_svc *svc = req->svc;
    size_t keylen;
    char *key = answer_key(req, m, wire, &keylen);
    const char *v = key ? fk_cache_get(svc->reads, req->store, key, keylen, len) : NULL;
    free(key);
    return v;
}

/* Keep a read-only method's plain 200 answer for its body. */
static void keep_answer(const struct fk_req *req, const struct method *m, enum lk_wire wire,
                        const struct fk_resp *resp)
{
    struct lk_svc *svc = req->svc;
    size_t keylen;
    char *key;
    if (resp->status != 200 || resp->nheaders != 0 || !(key = answer_key(req, m, wire, &keylen)))
        return;
    if (fk_cache_put(svc->reads, req->store, key, keylen, resp->body ? resp->body : "",
                     resp->body_len) != 0)
        fk_log(FK_LOG_DEBUG, "event=read_not_kept method=%s", m->name);
    free(key);
}

static const char *wire_type(enum lk_wire wire)
{
    return wire == LK_WIRE_JSON ? "application/json" : "application/protobuf";
}

/* The body's first JSON value, as the generated server reads it (json.NewDecoder(...).Decode
 * into a json.RawMessage, livekit_sip.twirp.go:2016): bytes after a complete object or array
 * are never looked at. Within that value repeated keys are kept (FK_JSON_KEEP), because
 * protojson then refuses a repeated field and lk_pj_decode does as it does. NULL when there
 * is no value. */
static cJSON *parse_body(const struct fk_req *req)
{
    const char *end = NULL;
    cJSON *first = cJSON_ParseWithLengthOpts(req->body, req->body_len, &end, false);

    if (first == NULL)
        return NULL;
    cJSON_Delete(first);
    return fk_json_parse(req->body, (size_t)(end - req->body), FK_JSON_KEEP, NULL);
}

/* Decode the body as m in its encoding into *body. A check (fakekit/err.h): FK_OK,
 * FK_ANSWERED (the malformed error), or a negative fk_err. */
static int decode(const struct fk_req *req, struct fk_resp *resp, const struct method *m,
                  enum lk_wire wire, cJSON **body)
{
    struct fk_error err = {{0}};
    int rc;
    if (wire == LK_WIRE_PROTOBUF) {
        rc = lk_pb_decode(req->body, req->body_len, m->req, body, &err);
    } else {
        cJSON *json = parse_body(req);
        rc = json ? lk_pj_decode(json, m->req, body, &err) : FK_EINVAL;
        if (!json)
            fk_error_set(&err, "not JSON");
        cJSON_Delete(json);
    }
    if (rc != FK_EINVAL)
        return rc;
    char q[FK_LOG_QUOTED];
    fk_log(FK_LOG_DEBUG, "event=malformed method=%s reason=%s", m->name,
           fk_log_quote(q, sizeof(q), err.msg));
    rc = lk_twirp_error(resp, "malformed",
                        wire == LK_WIRE_JSON ? "the json request could not be decoded"
                                             : "the protobuf request could not be decoded",
                        NULL);
    return fk_answered(rc);
}

/* The method of the path, or NULL after answering bad_route (*rc says how that went). */
static const struct method *route(const struct fk_req *req, struct fk_resp *resp, int *wire,
                                  int *rc)
{
    const struct method *m = NULL;
    char msg[600];
    *rc = 0;
    if (strcmp(req->method, "POST") != 0) {
        snprintf(msg, sizeof(msg), "unsupported method \"%s\" (only POST is allowed)", req->method);
        *rc = bad_route(resp, req, msg);
        return NULL;
    }
    for (size_t i = 0; req->nparams > 0 && i < FK_NELEM(methods); i++) {
        if (strcmp(methods[i].name, req->params[0]) == 0)
            m = &methods[i];
    }
    if (!m) {
        snprintf(msg, sizeof(msg), "no handler for path \"%s\"", req->path);
        *rc = bad_route(resp, req, msg);
        return NULL;
    }
    const char *ct = fk_req_header(req, "Content-Type");
    if ((*wire = wire_of(ct)) < 0) {
        snprintf(msg, sizeof(msg), "unexpected Content-Type: \"%s\"", ct ? ct : "");
        *rc = bad_route(resp, req, msg);
        return NULL;
    }
    return m;
}

bool lk_twirp_redact_body(const struct fk_req *req, char *body, size_t len)
{
    const char *name = strrchr(req->path, '/');

    if (name == NULL || wire_of(fk_req_header(req, "Content-Type")) != LK_WIRE_PROTOBUF)
        return false;
    for (size_t i = 0; i < FK_NELEM(methods); i++) {
        if (strcmp(methods[i].name, name + 1) == 0)
            return lk_pb_mask_secrets(methods[i].req, body, len);
    }
    return false;
}

int lk_twirp_handle(const struct fk_req *req, struct fk_resp *resp)
{
    struct lk_auth auth;
    cJSON *body = NULL;
    int rc, wire = LK_WIRE_JSON;

    lk_auth_check(fk_req_header(req, "Authorization"), fk_req_arg(req, "access_token"),
                  fk_now_us() / 1000000, lookup_secret, (void *)req, &auth);
    if (auth.result == LK_AUTH_NOMEM)
        return FK_ENOMEM;
    if (auth.result == LK_AUTH_REJECT) {
        /* HandleError's plain write in livekit-server: Go sniffs the type of the text. */
        return fk_resp_set(resp, 401, "text/plain; charset=utf-8", auth.text, strlen(auth.text));
    }
    const struct method *m = route(req, resp, &wire, &rc);
    if (!m)
        goto out;
    /* A kept answer was made from these very body bytes, so they decode: what remains of
     * the checks below is the grant. */
    const char *kept;
    size_t kept_len;
    if ((kept = kept_answer(req, m, (enum lk_wire)wire, &kept_len)) != NULL) {
        if (!lk_auth_has_grant(&auth, m->grant))
            rc = lk_twirp_error(resp, "unauthenticated", "permissions denied", NULL);
        else
            rc = fk_resp_set(resp, 200, wire_type((enum lk_wire)wire), kept, kept_len);
        goto out;
    }
    if ((rc = decode(req, resp, m, (enum lk_wire)wire, &body)) != 0) {
        rc = fk_handler_rc(rc);
        goto out;
    }
    if (!lk_auth_has_grant(&auth, m->grant)) {
        rc = lk_twirp_error(resp, "unauthenticated", "permissions denied", NULL);
        goto out;
    }
    struct lk_call call = {req, resp, req->store, body, (enum lk_wire)wire};
    rc = m->fn(&call);
    if (rc == 0)
        keep_answer(req, m, (enum lk_wire)wire, resp);
out:
    cJSON_Delete(body);
    lk_auth_cleanup(&auth);
    return rc;
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
        if (fk_req_header(req, "Content-Length")) /* RequestBodyLimiter, before auth */
            rc = fk_resp_set(resp, 413, "text/plain; charset=utf-8", "request body too large",
                             strlen("request body too large"));
        else /* the Twirp read fails through http.MaxBytesReader */
            rc = lk_twirp_error(resp, "malformed", "failed to read request body", NULL);
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
