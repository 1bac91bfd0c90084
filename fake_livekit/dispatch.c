/* dispatch.c: CreateSIPDispatchRule, UpdateSIPDispatchRule, ListSIPDispatchRule and
 * DeleteSIPDispatchRule (see dispatch.h). Source lines below are livekit/livekit
 * pkg/service/sip.go at 788d4c3 unless another file is named. */
#include "fake_livekit/dispatch.h"

#include "fake_livekit/conflicts.h"
#include "fake_livekit/db.h"
#include "fake_livekit/lists.h"
#include "fake_livekit/proto_json.h"
#include "fake_livekit/update.h"
#include "fake_livekit/validate.h"
#include "fake_livekit/walks.h"

#define NOT_FOUND_MSG                                                                              \
    "requested sip dispatch rule does not exist" /* ErrSIPDispatchRuleNotFound                     \
                                                  */

static const char *const update_lists[] = {"trunk_ids", NULL};

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

/* sip.ValidateDispatchRulesIter for info walked among the stored rules that share a trunk
 * with trunk_ids (a List, sip.go:451 and 504): after the first of them for a create, in its
 * own place for an update (walks.h). Its errors come back unwrapped: the conflict is a Twirp
 * error already, GetPinAndRoom's a coded psrpc one. A check (fakekit/err.h): FK_OK,
 * FK_ANSWERED or a negative fk_err. */
static int conflict(struct lk_call *c, const cJSON *info, const cJSON *trunk_ids, bool create)
{
    struct lk_verr e;
    cJSON *seq = NULL;
    int rc = lk_walk_rules(c->st, info, trunk_ids, create, LK_WALK_AUTO, &seq);
    if (rc != 0)
        return rc;
    lk_verr_init(&e);
    rc = lk_rules_conflict(seq, &e);
    cJSON_Delete(seq);
    if (rc == FK_EINVAL)
        rc = fk_answered(failed(c, rc, &e, e.coded));
    lk_verr_cleanup(&e);
    return rc;
}

/* Store info (taken) and answer it. */
static int store_and_reply(struct lk_call *c, cJSON *info)
{
    int rc = lk_db_rule_put(c->st, info);
    if (rc == 0)
        rc = lk_answer(c, info, &lk_msg_dispatch_rule);
    cJSON_Delete(info);
    return rc;
}

/* CreateSIPDispatchRuleRequest.DispatchRuleInfo (livekit/sip.go:781): the flat fields as an
 * info, for a request without dispatch_rule. NULL on ENOMEM. */
static cJSON *flat_info(const cJSON *body)
{
    static const char *const flat[] = {
        "rule",     "trunk_ids",  "inbound_numbers", "hide_phone_number", "name",
        "metadata", "attributes", "room_preset",     "room_config"};
    cJSON *info = cJSON_CreateObject();
    for (size_t i = 0; info && i < FK_NELEM(flat); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, flat[i]);
        cJSON *d = v ? cJSON_Duplicate(v, true) : NULL;
        if (v && (!d || !cJSON_AddItemToObject(info, flat[i], d))) {
            cJSON_Delete(d);
            cJSON_Delete(info);
            info = NULL;
        }
    }
    return info;
}

/* CreateSIPDispatchRule (sip.go:430). */
int lk_rule_create(struct lk_call *c)
{
    const cJSON *dr = cJSON_GetObjectItemCaseSensitive(c->body, "dispatch_rule");
    struct lk_verr e;
    char id[32];
    int rc = 0;
    cJSON *info = dr ? cJSON_Duplicate(dr, true) : flat_info(c->body);
    if (!info)
        return FK_ENOMEM;
    /* req.DispatchRule.Upgrade() (sip.go:437): only the new form gets media {} here. */
    if (dr && (rc = lk_media_upgrade(info)) != 0)
        goto out;
    /* CreateSIPDispatchRuleRequest.Validate (livekit/sip.go:801). */
    if (dr && lk_get_str(dr, "sip_dispatch_rule_id")[0]) {
        rc = invalid(c, "rule id must not be set");
        goto out;
    }
    lk_verr_init(&e);
    rc = lk_validate_rule(info, &e);
    if (rc != 0) {
        rc = failed(c, rc, &e, false); /* 0 once answered */
        lk_verr_cleanup(&e);
        goto out;
    }
    lk_verr_cleanup(&e);
    /* Checked with an empty id, so that a conflict names the new rule "<new>". */
    rc = conflict(c, info, lk_get_array(c->body, "trunk_ids"), true);
    if (rc != 0) {
        rc = fk_handler_rc(rc);
        goto out;
    }
    if ((rc = lk_new_id(c->st, "SDR_", id, sizeof(id))) == 0 &&
        (rc = lk_set_str(info, "sip_dispatch_rule_id", id)) == 0)
        return store_and_reply(c, info);
out:
    cJSON_Delete(info);
    return rc;
}

/* The stored rule, or NULL after answering not_found (*rc says how that went). */
static cJSON *load(struct lk_call *c, const char *id, int *rc)
{
    cJSON *info = NULL;
    *rc = lk_db_rule_get(c->st, id, &info);
    if (*rc == FK_ENOTFOUND)
        *rc = lk_twirp_error(c->resp, "not_found", NOT_FOUND_MSG, NULL);
    return *rc == 0 ? info : NULL;
}

/* SIPDispatchRuleUpdate.Apply (livekit/sip.go:860), before its Upgrade and Validate. */
static int apply(cJSON *info, const cJSON *upd)
{
    static const char *const present[] = {"rule", "name", "metadata"};
    int rc = lk_list_update_apply(info, "trunk_ids", cJSON_GetObjectItem(upd, "trunk_ids"));
    for (size_t i = 0; rc == 0 && i < FK_NELEM(present); i++)
        rc = lk_apply_present(info, upd, present[i]);
    if (rc == 0)
        rc = lk_apply_map_diff(info, upd, "attributes");
    return rc == 0 ? lk_update_media(info, upd) : rc;
}

/* UpdateSIPDispatchRuleRequest.Validate (livekit/sip.go:812). A check (fakekit/err.h):
 * FK_OK, FK_ANSWERED or a negative fk_err. */
static int update_precheck(struct lk_call *c, struct lk_update_req *u)
{
    struct fk_error err = {{0}};
    struct lk_verr e;
    int rc;
    if (lk_update_begin(c->body, "sip_dispatch_rule_id", "rule", u, &err) != 0)
        return fk_answered(invalid(c, err.msg));
    lk_verr_init(&e);
    rc = u->replace ? lk_validate_rule(u->replace, &e)
                    : lk_validate_update(u->update, update_lists, &e);
    if (rc != 0)
        rc = fk_answered(failed(c, rc, &e, false));
    lk_verr_cleanup(&e);
    return rc;
}

/* UpdateSIPDispatchRule (sip.go:470). */
int lk_rule_update(struct lk_call *c)
{
    struct lk_update_req u;
    struct lk_verr e;
    int rc = update_precheck(c, &u);
    if (rc != 0)
        return fk_handler_rc(rc);
    cJSON *info = load(c, u.id, &rc);
    if (!info)
        return rc;
    info = lk_update_result(info, &u, apply, "sip_dispatch_rule_id", &rc);
    if (!info)
        return rc;
    /* An update's result is validated again and its error returned unwrapped (sip.go:498). */
    lk_verr_init(&e);
    rc = u.update ? lk_validate_rule(info, &e) : 0;
    if (rc != 0) {
        rc = failed(c, rc, &e, true); /* 0 once answered */
        lk_verr_cleanup(&e);
        cJSON_Delete(info);
        return rc;
    }
    lk_verr_cleanup(&e);
    rc = conflict(c, info, lk_get_array(info, "trunk_ids"), false);
    if (rc != 0) {
        cJSON_Delete(info);
        return fk_handler_rc(rc);
    }
    return store_and_reply(c, info);
}

/* ListSIPDispatchRule (sip.go:538). */
int lk_rule_list(struct lk_call *c)
{
    cJSON *items = lk_list_rules(c->st, c->body);
    return items ? lk_answer_with(c, "items", items, &lk_msg_list_rules_resp) : FK_EIO;
}

/* DeleteSIPDispatchRule (sip.go:558): the deleted rule is the answer. */
int lk_rule_delete(struct lk_call *c)
{
    const char *id = lk_get_str(c->body, "sip_dispatch_rule_id");
    int rc;
    if (!id[0])
        return invalid(c, "dispatch rule ID is required");
    cJSON *info = load(c, id, &rc);
    if (!info)
        return rc;
    rc = lk_db_rule_delete(c->st, id);
    if (rc == 0)
        rc = lk_answer(c, info, &lk_msg_dispatch_rule);
    cJSON_Delete(info);
    return rc;
}
