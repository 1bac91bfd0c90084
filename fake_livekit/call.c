/* call.c: the answers a method writes: Twirp errors and 200s in the call's encoding. */
#include "fake_livekit/call.h"

#include <stdio.h>
#include <string.h>

#include "fake_livekit/proto_json.h"
#include "fake_livekit/proto_pb.h"
#include "fake_livekit/validate.h"
#include "fakekit/buf.h"

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
    for (size_t i = 0; code && i < FK_NELEM(codes); i++) {
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

int lk_answer(struct lk_call *c, const cJSON *sparse, const struct lk_msg *m)
{
    if (c->wire == LK_WIRE_JSON) {
        cJSON *json = lk_pj_encode(sparse, m);
        return json ? fk_resp_json(c->resp, 200, json) : FK_ENOMEM;
    }
    struct fk_buf b;
    fk_buf_init(&b, LK_PB_MAX_OUT);
    int rc = lk_pb_encode(sparse, m, &b);
    if (rc == 0)
        rc = fk_resp_set(c->resp, 200, "application/protobuf", b.data ? b.data : "", b.len);
    fk_buf_cleanup(&b);
    return rc == FK_ERANGE ? FK_ENOMEM : rc;
}

int lk_answer_with(struct lk_call *c, const char *key, cJSON *value, const struct lk_msg *m)
{
    cJSON *wrap = cJSON_CreateObject();
    if (!wrap || !value || !cJSON_AddItemToObject(wrap, key, value)) {
        cJSON_Delete(wrap);
        cJSON_Delete(value);
        return FK_ENOMEM;
    }
    int rc = lk_answer(c, wrap, m);
    cJSON_Delete(wrap);
    return rc;
}

int lk_answer_invalid(struct lk_call *c, const struct lk_verr *e)
{
    return lk_twirp_error(c->resp, "invalid_argument", lk_verr_text(e), NULL);
}

int lk_answer_raw(struct lk_call *c, const struct lk_verr *e)
{
    if (!e->coded)
        return lk_twirp_error(c->resp, "unknown", lk_verr_text(e), NULL);
    struct fk_buf b;
    fk_buf_init(&b, LK_MSG_MAX + 64);
    int rc = fk_buf_printf(&b, "twirp error unknown: %s", lk_verr_text(e));
    if (rc == 0)
        rc = lk_twirp_error(c->resp, "invalid_argument", fk_buf_str(&b), NULL);
    fk_buf_cleanup(&b);
    return rc == 0 ? 0 : FK_ENOMEM;
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
