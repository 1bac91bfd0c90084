/* dispatch.c: CreateSIPDispatchRule, UpdateSIPDispatchRule, ListSIPDispatchRule,
 * DeleteSIPDispatchRule. Messages are livekit/protocol's (livekit/sip.go, sip/sip.go). */
#include "fake_livekit/dispatch.h"

#include <stdio.h>
#include <string.h>

#include "fake_livekit/db.h"
#include "fake_livekit/filter.h"
#include "fake_livekit/proto_json.h"
#include "fake_livekit/rule_keys.h"
#include "fake_livekit/update.h"

#define NOT_FOUND_MSG "requested sip dispatch rule does not exist"

static const char *print_id(const cJSON *r)
{
    const char *id = lk_get_str(r, "sip_dispatch_rule_id");
    return id[0] ? id : "<new>";
}

/* SIPDispatchRuleInfo.Validate plus GetPinAndRoom's check. */
static int validate(const cJSON *info, struct fk_error *err)
{
    if (!cJSON_GetObjectItemCaseSensitive(info, "rule")) {
        fk_error_set(err, "missing rule");
        return FK_EINVAL;
    }
    if (!lk_rule_member(info)) {
        fk_error_set(err, "Unsupported SIP Dispatch Rule: <nil>");
        return FK_EINVAL;
    }
    return 0;
}

/* Does r hold the key (pin, trunk, number)? "" trunk / number stand for "any". */
static bool holds(const cJSON *r, const char *pin, const char *trunk, const char *num)
{
    char a[LK_RULE_NUM_MAX], b[LK_RULE_NUM_MAX];
    if (strcmp(lk_get_str(lk_rule_member(r), "pin"), pin) != 0)
        return false;
    const cJSON *trunks = lk_get_array(r, "trunk_ids");
    if (trunk[0] ? !lk_array_has(trunks, trunk) : lk_array_len(r, "trunk_ids") != 0)
        return false;
    const cJSON *nums = lk_get_array(r, "inbound_numbers");
    if (!num[0])
        return lk_array_len(r, "inbound_numbers") == 0;
    lk_rule_number(num, a, sizeof(a));
    for (const cJSON *n = nums ? nums->child : NULL; n; n = n->next) {
        lk_rule_number(n->valuestring, b, sizeof(b));
        if (strcmp(a, b) == 0)
            return true;
    }
    return false;
}

static int conflict(const cJSON *rule, const char *other, struct fk_error *err)
{
    fk_error_set(err,
                 "Conflicting SIP Dispatch Rules: same Trunk+Number+PIN combination "
                 "for for \"%s\" and \"%s\"",
                 print_id(rule), other[0] ? other : "<new>");
    return FK_EINVAL;
}

/* Both checks visit rule's (trunk, number) pairs in the same order, trunks outer, each
 * list standing for "" when empty, and name the oldest rule holding the first pair hit. */
int lk_rule_conflict(const cJSON *existing, const cJSON *rule, struct fk_error *err)
{
    const char *id = lk_get_str(rule, "sip_dispatch_rule_id");
    const char *pin = lk_get_str(lk_rule_member(rule), "pin");
    const cJSON *trunks = lk_get_array(rule, "trunk_ids");
    const cJSON *nums = lk_get_array(rule, "inbound_numbers");
    const cJSON *t = trunks ? trunks->child : NULL;
    do {
        const cJSON *n = nums ? nums->child : NULL;
        do {
            for (const cJSON *e = existing ? existing->child : NULL; e; e = e->next) {
                if (id[0] && strcmp(lk_get_str(e, "sip_dispatch_rule_id"), id) == 0)
                    continue;
                if (!lk_rule_member(e) ||
                    !holds(e, pin, t ? t->valuestring : "", n ? n->valuestring : ""))
                    continue;
                return conflict(rule, lk_get_str(e, "sip_dispatch_rule_id"), err);
            }
            n = n ? n->next : NULL;
        } while (n);
        t = t ? t->next : NULL;
    } while (t);
    return 0;
}

int lk_rule_conflict_stored(struct fk_store *st, const cJSON *rule, struct fk_error *err)
{
    const char *id = lk_get_str(rule, "sip_dispatch_rule_id");
    const char *pin = lk_get_str(lk_rule_member(rule), "pin");
    const cJSON *trunks = lk_get_array(rule, "trunk_ids");
    const cJSON *nums = lk_get_array(rule, "inbound_numbers");
    const cJSON *t = trunks ? trunks->child : NULL;
    char other[FK_ERRMSG_MAX];
    do {
        const cJSON *n = nums ? nums->child : NULL;
        do {
            int rc = lk_rule_keys_find(st, id, cJSON_IsString(t) ? t->valuestring : "",
                                       cJSON_IsString(n) ? n->valuestring : "", pin, other,
                                       sizeof(other));
            if (rc < 0)
                return rc;
            if (rc == 1)
                return conflict(rule, other, err);
            n = n ? n->next : NULL;
        } while (n);
        t = t ? t->next : NULL;
    } while (t);
    return 0;
}

static int invalid(struct lk_call *c, const char *msg)
{
    return lk_twirp_error(c->resp, "invalid_argument", msg, NULL);
}

/* Validate info and check it against the stored rules: 0 passes, 1 answered, < 0 error. */
static int check(struct lk_call *c, const cJSON *info)
{
    struct fk_error err = {{0}};
    int rc = validate(info, &err);
    if (rc == 0)
        rc = lk_rule_conflict_stored(c->st, info, &err);
    if (rc == 0)
        return 0;
    if (rc != FK_EINVAL)
        return rc;
    rc = invalid(c, err.msg);
    return rc == 0 ? 1 : rc;
}

/* Store info (taken) and answer it. */
static int store_and_reply(struct lk_call *c, cJSON *info)
{
    int rc = lk_db_rule_put(c->st, info);
    if (rc == 0)
        rc = lk_reply(c->resp, lk_pj_encode(info, &lk_msg_dispatch_rule));
    cJSON_Delete(info);
    return rc;
}

int lk_rule_create(struct lk_call *c)
{
    static const char *const flat[] = {
        "rule",     "trunk_ids",  "inbound_numbers", "hide_phone_number", "name",
        "metadata", "attributes", "room_preset",     "room_config"};
    const cJSON *dr = cJSON_GetObjectItemCaseSensitive(c->body, "dispatch_rule");
    cJSON *info = NULL;
    char id[32];
    int rc = 0;
    if (dr) {
        if (lk_get_str(dr, "sip_dispatch_rule_id")[0])
            return invalid(c, "rule id must not be set");
        info = cJSON_Duplicate(dr, true);
    } else {
        info = cJSON_CreateObject();
        for (size_t i = 0; info && i < sizeof(flat) / sizeof(flat[0]); i++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->body, flat[i]);
            cJSON *d = v ? cJSON_Duplicate(v, true) : NULL;
            if (v && (!d || !cJSON_AddItemToObject(info, flat[i], d))) {
                cJSON_Delete(d);
                cJSON_Delete(info);
                info = NULL;
            }
        }
    }
    if (!info)
        return FK_ENOMEM;
    /* Checked with an empty id, so that a conflict names the new rule "<new>". */
    rc = check(c, info);
    if (rc == 0)
        rc = lk_new_id(c->st, "SDR_", id, sizeof(id));
    if (rc == 0)
        rc = lk_set_str(info, "sip_dispatch_rule_id", id);
    if (rc != 0) {
        cJSON_Delete(info);
        return rc > 0 ? 0 : rc;
    }
    return store_and_reply(c, info);
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

static int apply(cJSON *info, const cJSON *upd)
{
    static const char *const present[] = {"rule", "media", "name", "metadata", "media_encryption"};
    int rc = lk_list_update_apply(info, "trunk_ids", cJSON_GetObjectItem(upd, "trunk_ids"));
    for (size_t i = 0; rc == 0 && i < sizeof(present) / sizeof(present[0]); i++)
        rc = lk_apply_present(info, upd, present[i]);
    if (rc == 0)
        rc = lk_apply_map_diff(info, upd, "attributes");
    return rc;
}

int lk_rule_update(struct lk_call *c)
{
    struct fk_error err = {{0}};
    struct lk_update_req u;
    int rc;
    if (lk_update_begin(c->body, "sip_dispatch_rule_id", "rule", &u, &err) != 0)
        return invalid(c, err.msg);
    if (u.replace && !cJSON_GetObjectItemCaseSensitive(u.replace, "rule"))
        return invalid(c, "missing rule");
    if (u.update && lk_list_update_validate(cJSON_GetObjectItem(u.update, "trunk_ids"), &err) != 0)
        return invalid(c, err.msg);
    cJSON *info = load(c, u.id, &rc);
    if (!info)
        return rc;
    info = lk_update_result(info, &u, apply, "sip_dispatch_rule_id", &rc);
    if (!info)
        return rc;
    rc = check(c, info);
    if (rc != 0) {
        cJSON_Delete(info);
        return rc > 0 ? 0 : rc;
    }
    return store_and_reply(c, info);
}

cJSON *lk_rule_candidates(struct fk_store *st, const cJSON *body)
{
    const cJSON *ids = lk_get_array(body, "dispatch_rule_ids");
    const cJSON *trunks = lk_get_array(body, "trunk_ids");
    if (ids && ids->child)
        return lk_db_rule_list_ids(st, ids);
    if (trunks && trunks->child)
        return lk_db_rule_list_trunks(st, trunks);
    return lk_db_rule_list(st);
}

int lk_rule_list(struct lk_call *c)
{
    cJSON *all = lk_rule_candidates(c->st, c->body);
    if (!all)
        return FK_EIO;
    cJSON *arr = lk_filter_list(all, c->body, "sip_dispatch_rule_id", "dispatch_rule_ids",
                                "trunk_ids", false);
    return lk_reply_items(c->resp, arr, &lk_msg_dispatch_rule);
}

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
        rc = lk_reply(c->resp, lk_pj_encode(info, &lk_msg_dispatch_rule));
    cJSON_Delete(info);
    return rc;
}
