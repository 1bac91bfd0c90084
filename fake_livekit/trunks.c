/* trunks.c: CreateSIP*Trunk, GetSIP*Trunk, ListSIP*Trunk, ListSIPTrunk, UpdateSIP*Trunk and
 * DeleteSIPTrunk (see trunks.h). Source lines below are livekit/livekit pkg/service/sip.go at
 * 788d4c3 unless another file is named.
 *
 * Inbound and outbound trunks share one table and one id space (ST_), as the real store
 * shares the prefix; a Get or Update of the other kind is not_found, as the server's separate
 * Redis hashes make it. */
#include "fake_livekit/trunks.h"

#include <string.h>

#include "fake_livekit/conflicts.h"
#include "fake_livekit/db.h"
#include "fake_livekit/lists.h"
#include "fake_livekit/proto_json.h"
#include "fake_livekit/update.h"
#include "fake_livekit/validate.h"
#include "fake_livekit/walks.h"

#define NOT_FOUND_MSG "requested sip trunk does not exist" /* ErrSIPTrunkNotFound */

struct kind {
    enum lk_kind kind;
    const struct lk_msg *info, *get_resp, *list_resp;
    int (*validate)(const cJSON *t, struct lk_verr *e);
    int (*apply)(cJSON *info, const cJSON *upd);
    const char *const *lists; /* ListUpdate fields of the update message */
};

/* SIPInboundTrunkUpdate.ApplyResult (livekit/sip.go:570), before its Upgrade. */
static int apply_inbound(cJSON *info, const cJSON *upd)
{
    static const char *const lists[] = {"numbers", "allowed_addresses", "allowed_numbers"};
    static const char *const present[] = {"auth_username", "auth_password", "auth_realm", "name",
                                          "metadata"};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < FK_NELEM(lists); i++)
        rc = lk_list_update_apply(info, lists[i], cJSON_GetObjectItem(upd, lists[i]));
    for (size_t i = 0; rc == 0 && i < FK_NELEM(present); i++)
        rc = lk_apply_present(info, upd, present[i]);
    return rc == 0 ? lk_update_media(info, upd) : rc;
}

/* SIPOutboundTrunkUpdate.ApplyResult (livekit/sip.go:710), before its Upgrade. */
static int apply_outbound(cJSON *info, const cJSON *upd)
{
    static const char *const present[] = {"address",       "transport",     "destination_country",
                                          "auth_username", "auth_password", "name",
                                          "metadata",      "from_host"};
    int rc = lk_list_update_apply(info, "numbers", cJSON_GetObjectItem(upd, "numbers"));
    for (size_t i = 0; rc == 0 && i < FK_NELEM(present); i++)
        rc = lk_apply_present(info, upd, present[i]);
    return rc == 0 ? lk_update_media(info, upd) : rc;
}

static const char *const inbound_lists[] = {"numbers", "allowed_addresses", "allowed_numbers",
                                            NULL};
static const char *const outbound_lists[] = {"numbers", NULL};
static const struct kind inbound = {LK_INBOUND,
                                    &lk_msg_inbound_trunk,
                                    &lk_msg_get_inbound_resp,
                                    &lk_msg_list_inbound_resp,
                                    lk_validate_inbound,
                                    apply_inbound,
                                    inbound_lists};
static const struct kind outbound = {LK_OUTBOUND,
                                     &lk_msg_outbound_trunk,
                                     &lk_msg_get_outbound_resp,
                                     &lk_msg_list_outbound_resp,
                                     lk_validate_outbound,
                                     apply_outbound,
                                     outbound_lists};

/* invalid_argument with msg, as twirp.NewError(twirp.InvalidArgument, msg). */
static int invalid(struct lk_call *c, const char *msg)
{
    return lk_twirp_error(c->resp, "invalid_argument", msg, NULL);
}

/* Answer e's failure (rc FK_EINVAL) wrapped or raw; other rc are returned as they are. */
static int failed(struct lk_call *c, int rc, const struct lk_verr *e, bool raw)
{
    if (rc != FK_EINVAL)
        return rc;
    return raw ? lk_answer_raw(c, e) : lk_answer_invalid(c, e);
}

/* The inbound number rule (sip/sip.go:350) for trunk, walked among the stored trunks that
 * share a number with it (a List by its numbers, sip.go:143 and 222): for a create after the
 * first of them, for an update in its own place (walks.h). 0 passes; FK_EINVAL with e set. */
static int conflict(struct lk_call *c, const cJSON *trunk, bool create, struct lk_verr *e)
{
    cJSON *seq = NULL;
    int rc = lk_walk_trunks(c->st, trunk, create, LK_WALK_AUTO, &seq);
    if (rc == 0)
        rc = lk_trunks_conflict(seq, e);
    cJSON_Delete(seq);
    return rc;
}

/* Store info (taken) and answer it. */
static int store_and_reply(struct lk_call *c, const struct kind *k, cJSON *info)
{
    int rc = lk_db_trunk_put(c->st, k->kind, info);
    if (rc == 0)
        rc = lk_answer(c, info, k->info);
    cJSON_Delete(info);
    return rc;
}

/* CreateSIPInboundTrunk (sip.go:123) and CreateSIPOutboundTrunk (sip.go:162). */
static int create(struct lk_call *c, const struct kind *k)
{
    struct lk_verr e;
    const cJSON *trunk = cJSON_GetObjectItemCaseSensitive(c->body, "trunk");
    char id[32];
    int rc;
    /* Create*TrunkRequest.ValidateResult (livekit/sip.go:433, 447). */
    if (!trunk)
        return invalid(c, "missing trunk");
    if (lk_get_str(trunk, "sip_trunk_id")[0])
        return invalid(c, "trunk id must not be set");
    lk_verr_init(&e);
    rc = k->validate(trunk, &e);
    /* The id stays empty until the rule passes, so that a message names it "<new>". */
    if (rc == 0 && k->kind == LK_INBOUND)
        rc = conflict(c, trunk, true, &e);
    if (rc != 0) {
        rc = failed(c, rc, &e, false);
        lk_verr_cleanup(&e);
        return rc;
    }
    lk_verr_cleanup(&e);
    if ((rc = lk_new_id(c->st, "ST_", id, sizeof(id))) != 0)
        return rc;
    cJSON *info = cJSON_Duplicate(trunk, true);
    if (!info || lk_set_str(info, "sip_trunk_id", id) != 0) {
        cJSON_Delete(info);
        return FK_ENOMEM;
    }
    return store_and_reply(c, k, info);
}

int lk_trunk_create_inbound(struct lk_call *c)
{
    return create(c, &inbound);
}

int lk_trunk_create_outbound(struct lk_call *c)
{
    return create(c, &outbound);
}

/* The stored trunk of kind k, or NULL after answering not_found (*rc says how that went). */
static cJSON *load(struct lk_call *c, const struct kind *k, const char *id, int *rc)
{
    enum lk_kind kind = LK_INBOUND;
    cJSON *info = NULL;
    *rc = lk_db_trunk_get(c->st, id, &kind, &info);
    if (*rc == 0 && kind == k->kind)
        return info;
    cJSON_Delete(info);
    if (*rc == 0 || *rc == FK_ENOTFOUND)
        *rc = lk_twirp_error(c->resp, "not_found", NOT_FOUND_MSG, NULL);
    return NULL;
}

/* GetSIPInboundTrunk (sip.go:283) and GetSIPOutboundTrunk (sip.go:306). */
static int get(struct lk_call *c, const struct kind *k)
{
    const char *id = lk_get_str(c->body, "sip_trunk_id");
    int rc;
    if (!id[0])
        return invalid(c, "trunk ID is required"); /* sip.go:291 */
    cJSON *info = load(c, k, id, &rc);
    return info ? lk_answer_with(c, "trunk", info, k->get_resp) : rc;
}

int lk_trunk_get_inbound(struct lk_call *c)
{
    return get(c, &inbound);
}

int lk_trunk_get_outbound(struct lk_call *c)
{
    return get(c, &outbound);
}

/* ListSIPInboundTrunk (sip.go:371) and ListSIPOutboundTrunk (sip.go:391). */
static int list(struct lk_call *c, const struct kind *k)
{
    cJSON *items = lk_list_trunks(c->st, k->kind, c->body);
    return items ? lk_answer_with(c, "items", items, k->list_resp) : FK_EIO;
}

int lk_trunk_list_inbound(struct lk_call *c)
{
    return list(c, &inbound);
}

int lk_trunk_list_outbound(struct lk_call *c)
{
    return list(c, &outbound);
}

/* ListSIPTrunk (sip.go:330, deprecated). */
int lk_trunk_list_legacy(struct lk_call *c)
{
    cJSON *items = lk_list_legacy(c->st, c->body);
    return items ? lk_answer_with(c, "items", items, &lk_msg_list_legacy_resp) : FK_EIO;
}

/* The request's own checks, before the trunk is looked up: UpdateSIP*TrunkRequest
 * .ValidateResult (livekit/sip.go:461, 493). A check (fakekit/err.h): FK_OK, FK_ANSWERED
 * or a negative fk_err. */
static int update_precheck(struct lk_call *c, const struct kind *k, struct lk_update_req *u)
{
    struct fk_error err = {{0}};
    struct lk_verr e;
    int rc;
    if (lk_update_begin(c->body, "sip_trunk_id", "trunk", u, &err) != 0)
        return fk_answered(invalid(c, err.msg));
    lk_verr_init(&e);
    rc = u->replace ? k->validate(u->replace, &e) : lk_validate_update(u->update, k->lists, &e);
    if (rc != 0)
        rc = fk_answered(failed(c, rc, &e, false));
    lk_verr_cleanup(&e);
    return rc;
}

/* UpdateSIPInboundTrunk (sip.go:187) and UpdateSIPOutboundTrunk (sip.go:243). */
static int update(struct lk_call *c, const struct kind *k)
{
    struct lk_update_req u;
    struct lk_verr e;
    int rc = update_precheck(c, k, &u);
    if (rc != 0)
        return fk_handler_rc(rc);
    cJSON *info = load(c, k, u.id, &rc);
    if (!info)
        return rc;
    info = lk_update_result(info, &u, k->apply, "sip_trunk_id", &rc);
    if (!info)
        return rc;
    lk_verr_init(&e);
    /* The result of an update is validated again, its error returned unwrapped (sip.go:217,
     * 272); a replacement passed the same checks already. */
    rc = u.update ? k->validate(info, &e) : 0;
    if (rc != 0) {
        rc = failed(c, rc, &e, true);
    } else if (k->kind == LK_INBOUND && (rc = conflict(c, info, false, &e)) != 0) {
        rc = failed(c, rc, &e, false);
    } else {
        lk_verr_cleanup(&e);
        return store_and_reply(c, k, info);
    }
    lk_verr_cleanup(&e);
    cJSON_Delete(info);
    return rc;
}

int lk_trunk_update_inbound(struct lk_call *c)
{
    return update(c, &inbound);
}

int lk_trunk_update_outbound(struct lk_call *c)
{
    return update(c, &outbound);
}

/* DeleteSIPTrunk (sip.go:411): the id is echoed whether or not a trunk had it (the store's
 * HDEL of a missing key is no error, redisstore_sip.go:108). */
int lk_trunk_delete(struct lk_call *c)
{
    const char *id = lk_get_str(c->body, "sip_trunk_id");
    if (!id[0])
        return invalid(c, "trunk ID is required");
    int rc = lk_db_trunk_delete(c->st, id);
    if (rc != 0 && rc != FK_ENOTFOUND)
        return rc;
    cJSON *info = cJSON_CreateObject();
    if (!info || !cJSON_AddStringToObject(info, "sip_trunk_id", id)) {
        cJSON_Delete(info);
        return FK_ENOMEM;
    }
    rc = lk_answer(c, info, &lk_msg_trunk_info);
    cJSON_Delete(info);
    return rc;
}
