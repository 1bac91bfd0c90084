/* trunks.c: CreateSIP*Trunk, GetSIP*Trunk, ListSIP*Trunk, UpdateSIP*Trunk, DeleteSIPTrunk.
 *
 * Inbound and outbound trunks share one table and one id space (ST_), as the real store
 * shares the prefix; a Get or Update of the other kind is not_found, as the server's
 * separate Redis hashes make it. Validation messages are livekit/protocol's. */
#include "fake_livekit/trunks.h"

#include <stdio.h>
#include <string.h>

#include "fake_livekit/db.h"
#include "fake_livekit/filter.h"
#include "fake_livekit/proto_json.h"
#include "fake_livekit/trunk_keys.h"
#include "fake_livekit/update.h"
#include "fakekit/buf.h"

#define NOT_FOUND_MSG "requested sip trunk does not exist"

/* ---- validation ---- */

/* validateHostnameFormat (livekit/sip.go): a host or IP, never a SIP URI. */
static int hostname_ok(const char *v, const char *field, struct fk_error *err)
{
    if (strstr(v, "transport=")) {
        fk_error_set(err, "%s should not contain transport parameter", field);
        return FK_EINVAL;
    }
    if (strpbrk(v, "@;") || strncmp(v, "sip:", 4) == 0 || strncmp(v, "sips:", 5) == 0) {
        fk_error_set(err, "%s should be a hostname or IP, not SIP URI", field);
        return FK_EINVAL;
    }
    return 0;
}

int lk_inbound_validate(const cJSON *t, struct fk_error *err)
{
    bool auth = lk_get_str(t, "auth_username")[0] || lk_get_str(t, "auth_password")[0];
    if (!auth && lk_array_len(t, "allowed_addresses") == 0 && lk_array_len(t, "numbers") == 0) {
        fk_error_set(err, "for security, one of the fields must be set: "
                          "AuthUsername+AuthPassword, AllowedAddresses or Numbers");
        return FK_EINVAL;
    }
    return 0;
}

int lk_outbound_validate(const cJSON *t, struct fk_error *err)
{
    if (lk_array_len(t, "numbers") == 0) {
        fk_error_set(err, "no trunk numbers specified");
        return FK_EINVAL;
    }
    if (!lk_get_str(t, "address")[0]) {
        fk_error_set(err, "no outbound address specified");
        return FK_EINVAL;
    }
    if (hostname_ok(lk_get_str(t, "address"), "trunk address", err) != 0 ||
        hostname_ok(lk_get_str(t, "from_host"), "from_host", err) != 0)
        return FK_EINVAL;
    return 0;
}

/* ---- the number-conflict rule (livekit/protocol sip/sip.go ValidateTrunks) ---- */

static bool has_number(const cJSON *t, const char *num)
{
    const cJSON *nums = lk_get_array(t, "numbers");
    if (!nums || !nums->child)
        return num[0] == '\0'; /* a trunk without numbers is filed under "" */
    return lk_array_has(nums, num);
}

static bool has_allowed(const cJSON *t, const char *norm)
{
    char buf[LK_TRUNK_NUM_MAX];
    const cJSON *allowed = lk_get_array(t, "allowed_numbers");
    for (const cJSON *a = allowed ? allowed->child : NULL; a; a = a->next) {
        lk_trunk_plus_number(a->valuestring, buf, sizeof(buf));
        if (strcmp(buf, norm) == 0)
            return true;
    }
    return false;
}

/* Go's %q of a []string: ["+1" "+2"]; "<any>" when empty (printNumbers). */
static void print_numbers(const cJSON *t, char *out, size_t outlen)
{
    struct fk_buf b;
    const cJSON *nums = lk_get_array(t, "numbers");
    if (!nums || !nums->child) {
        snprintf(out, outlen, "<any>");
        return;
    }
    fk_buf_init(&b, outlen > 0 ? outlen - 1 : 0);
    bool ok = fk_buf_addstr(&b, "[") == 0;
    for (const cJSON *n = nums->child; ok && n; n = n->next)
        ok = fk_buf_printf(&b, "%s\"%s\"", n == nums->child ? "" : " ", n->valuestring) == 0;
    ok = ok && fk_buf_addstr(&b, "]") == 0;
    snprintf(out, outlen, "%s", ok ? fk_buf_str(&b) : "[...]");
    fk_buf_cleanup(&b);
}

static const char *print_id(const cJSON *t)
{
    const char *id = lk_get_str(t, "sip_trunk_id");
    return id[0] ? id : "<new>";
}

/* A way to find the earliest trunk other than id that holds number n, with no
 * AllowedNumbers when norm is NULL, else with an AllowedNumber equal to norm: 1 with its id
 * in out, 0 when none, < 0 on error. */
typedef int (*clash_fn)(const void *ctx, const char *id, const char *n, const char *norm, char *out,
                        size_t outlen);

/* clash_fn over ctx, an array of trunks in creation order: the reference scan. */
static int scan_clash(const void *ctx, const char *id, const char *n, const char *norm, char *out,
                      size_t outlen)
{
    const cJSON *existing = ctx;
    for (const cJSON *e = existing ? existing->child : NULL; e; e = e->next) {
        if (id[0] && strcmp(lk_get_str(e, "sip_trunk_id"), id) == 0)
            continue;
        if (!has_number(e, n))
            continue;
        if (norm ? has_allowed(e, norm) : lk_array_len(e, "allowed_numbers") == 0) {
            snprintf(out, outlen, "%s", lk_get_str(e, "sip_trunk_id"));
            return 1;
        }
    }
    return 0;
}

/* clash_fn over ctx, the store: a lookup in trunk_numbers (trunk_keys.h). */
static int stored_clash(const void *ctx, const char *id, const char *n, const char *norm, char *out,
                        size_t outlen)
{
    return lk_trunk_keys_find((struct fk_store *)ctx, id, n, norm, out, outlen);
}

static int find_conflict(clash_fn find, const void *ctx, const cJSON *trunk, struct fk_error *err)
{
    const char *id = lk_get_str(trunk, "sip_trunk_id");
    const cJSON *nums = lk_get_array(trunk, "numbers");
    const cJSON *allowed = lk_get_array(trunk, "allowed_numbers");
    const cJSON *num = nums ? nums->child : NULL;
    char norm[LK_TRUNK_NUM_MAX], printed[512], other[FK_ERRMSG_MAX];
    /* The trunk being written comes last in the server's list, so the first key it shares
     * names the earliest trunk that holds that key. A trunk without numbers is filed under
     * the number "". */
    do {
        const char *n = num ? num->valuestring : "";
        const cJSON *a = allowed ? allowed->child : NULL;
        int found = 0;
        if (!a)
            found = find(ctx, id, n, NULL, other, sizeof(other));
        for (; a && found == 0; a = found ? a : a->next) {
            lk_trunk_plus_number(a->valuestring, norm, sizeof(norm));
            found = find(ctx, id, n, norm, other, sizeof(other));
        }
        if (found < 0)
            return found;
        if (found) {
            const char *e = other[0] ? other : "<new>";
            print_numbers(trunk, printed, sizeof(printed));
            if (a)
                fk_error_set(err,
                             "Conflicting inbound SIP Trunks: \"%s\" and \"%s\", using the "
                             "same number(s) %s and AllowedNumber \"%s\"",
                             print_id(trunk), e, printed, a->valuestring);
            else
                fk_error_set(err,
                             "Conflicting inbound SIP Trunks: \"%s\" and \"%s\", using the "
                             "same number(s) %s without AllowedNumbers set",
                             print_id(trunk), e, printed);
            return FK_EINVAL;
        }
        num = num ? num->next : NULL;
    } while (num);
    return 0;
}

int lk_inbound_conflict(const cJSON *existing, const cJSON *trunk, struct fk_error *err)
{
    return find_conflict(scan_clash, existing, trunk, err);
}

int lk_inbound_conflict_stored(struct fk_store *st, const cJSON *trunk, struct fk_error *err)
{
    return find_conflict(stored_clash, st, trunk, err);
}

/* ---- methods ---- */

struct kind {
    enum lk_kind kind;
    const struct lk_msg *info;
    int (*validate)(const cJSON *t, struct fk_error *err);
    int (*apply)(cJSON *info, const cJSON *upd);
    const char *const *lists; /* ListUpdate fields of the update message */
};

static int apply_inbound(cJSON *info, const cJSON *upd)
{
    static const char *const present[] = {"auth_username", "auth_password",    "auth_realm", "name",
                                          "metadata",      "media_encryption", "media"};
    int rc = lk_list_update_apply(info, "numbers", cJSON_GetObjectItem(upd, "numbers"));
    if (rc == 0)
        rc = lk_list_update_apply(info, "allowed_addresses",
                                  cJSON_GetObjectItem(upd, "allowed_addresses"));
    if (rc == 0)
        rc = lk_list_update_apply(info, "allowed_numbers",
                                  cJSON_GetObjectItem(upd, "allowed_numbers"));
    for (size_t i = 0; rc == 0 && i < sizeof(present) / sizeof(present[0]); i++)
        rc = lk_apply_present(info, upd, present[i]);
    return rc;
}

static int apply_outbound(cJSON *info, const cJSON *upd)
{
    static const char *const present[] = {
        "address", "transport", "destination_country", "auth_username", "auth_password",
        "name",    "metadata",  "media_encryption",    "media",         "from_host"};
    int rc = lk_list_update_apply(info, "numbers", cJSON_GetObjectItem(upd, "numbers"));
    for (size_t i = 0; rc == 0 && i < sizeof(present) / sizeof(present[0]); i++)
        rc = lk_apply_present(info, upd, present[i]);
    return rc;
}

static const char *const inbound_lists[] = {"numbers", "allowed_addresses", "allowed_numbers",
                                            NULL};
static const char *const outbound_lists[] = {"numbers", NULL};
static const struct kind inbound = {LK_INBOUND, &lk_msg_inbound_trunk, lk_inbound_validate,
                                    apply_inbound, inbound_lists};
static const struct kind outbound = {LK_OUTBOUND, &lk_msg_outbound_trunk, lk_outbound_validate,
                                     apply_outbound, outbound_lists};

static int invalid(struct lk_call *c, const char *msg)
{
    return lk_twirp_error(c->resp, "invalid_argument", msg, NULL);
}

static int reply_info(struct lk_call *c, const cJSON *info, const struct lk_msg *m)
{
    return lk_reply(c->resp, lk_pj_encode(info, m));
}

/* Run the inbound number rule for trunk. 0 when it passes; 1 when the Twirp error was
 * answered; FK_EIO/FK_ENOMEM. */
static int conflict(struct lk_call *c, const cJSON *trunk)
{
    struct fk_error err = {{0}};
    int rc = lk_inbound_conflict_stored(c->st, trunk, &err);
    if (rc != FK_EINVAL)
        return rc; /* 0 (passes) or an error */
    rc = invalid(c, err.msg);
    return rc == 0 ? 1 : rc;
}

/* Store info (taken) and answer it. */
static int store_and_reply(struct lk_call *c, const struct kind *k, cJSON *info)
{
    int rc = lk_db_trunk_put(c->st, k->kind, info);
    if (rc == 0)
        rc = reply_info(c, info, k->info);
    cJSON_Delete(info);
    return rc;
}

static int create(struct lk_call *c, const struct kind *k)
{
    struct fk_error err = {{0}};
    const cJSON *trunk = cJSON_GetObjectItemCaseSensitive(c->body, "trunk");
    char id[32];
    int rc;
    if (!trunk)
        return invalid(c, "missing trunk");
    if (lk_get_str(trunk, "sip_trunk_id")[0])
        return invalid(c, "trunk id must not be set");
    if (k->validate(trunk, &err) != 0)
        return invalid(c, err.msg);
    /* The id stays empty until the rule passes, so that the message says "<new>". */
    if (k->kind == LK_INBOUND && (rc = conflict(c, trunk)) != 0)
        return rc > 0 ? 0 : rc;
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

static int get(struct lk_call *c, const struct kind *k)
{
    int rc;
    cJSON *info = load(c, k, lk_get_str(c->body, "sip_trunk_id"), &rc);
    if (!info)
        return rc;
    cJSON *out = cJSON_CreateObject();
    cJSON *enc = lk_pj_encode(info, k->info);
    cJSON_Delete(info);
    if (!out || !enc || !cJSON_AddItemToObject(out, "trunk", enc)) {
        cJSON_Delete(enc);
        cJSON_Delete(out);
        return FK_ENOMEM;
    }
    return lk_reply(c->resp, out);
}

int lk_trunk_get_inbound(struct lk_call *c)
{
    return get(c, &inbound);
}

int lk_trunk_get_outbound(struct lk_call *c)
{
    return get(c, &outbound);
}

/* What lk_filter_list needs to see of the stored trunks of kind for the request body: the
 * requested ids, or the trunks a numbers filter may keep, or all of them. */
cJSON *lk_trunk_candidates(struct fk_store *st, enum lk_kind kind, const cJSON *body)
{
    const cJSON *ids = lk_get_array(body, "trunk_ids");
    const cJSON *want = lk_get_array(body, "numbers");
    if (ids && ids->child)
        return lk_db_trunk_list_ids(st, kind, ids);
    if (want && want->child)
        return lk_db_trunk_list_numbers(st, kind, want);
    return lk_db_trunk_list(st, kind);
}

static int list(struct lk_call *c, const struct kind *k)
{
    cJSON *all = lk_trunk_candidates(c->st, k->kind, c->body);
    if (!all)
        return FK_EIO;
    cJSON *arr =
        lk_filter_list(all, c->body, "sip_trunk_id", "trunk_ids", "numbers", k->kind == LK_INBOUND);
    return lk_reply_items(c->resp, arr, k->info);
}

int lk_trunk_list_inbound(struct lk_call *c)
{
    return list(c, &inbound);
}

int lk_trunk_list_outbound(struct lk_call *c)
{
    return list(c, &outbound);
}

/* SIPInboundTrunkInfo.AsTrunkInfo / SIPOutboundTrunkInfo.AsTrunkInfo. */
static cJSON *as_trunk_info(const cJSON *t, enum lk_kind kind)
{
    static const char *const in_map[][2] = {{"sip_trunk_id", "sip_trunk_id"},
                                            {"name", "name"},
                                            {"metadata", "metadata"},
                                            {"allowed_addresses", "inbound_addresses"},
                                            {"allowed_numbers", "inbound_numbers"},
                                            {"auth_username", "inbound_username"},
                                            {"auth_password", "inbound_password"}};
    static const char *const out_map[][2] = {{"sip_trunk_id", "sip_trunk_id"},
                                             {"name", "name"},
                                             {"metadata", "metadata"},
                                             {"address", "outbound_address"},
                                             {"transport", "transport"},
                                             {"auth_username", "outbound_username"},
                                             {"auth_password", "outbound_password"}};
    const char *const(*map)[2] = kind == LK_INBOUND ? in_map : out_map;
    size_t n = kind == LK_INBOUND ? sizeof(in_map) / sizeof(in_map[0])
                                  : sizeof(out_map) / sizeof(out_map[0]);
    cJSON *o = cJSON_CreateObject();
    const cJSON *nums = lk_get_array(t, "numbers");
    bool ok = o && cJSON_AddNumberToObject(o, "kind", kind);
    for (size_t i = 0; ok && i < n; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(t, map[i][0]);
        cJSON *d = v ? cJSON_Duplicate(v, true) : NULL;
        if (v && (!d || !cJSON_AddItemToObject(o, map[i][1], d))) {
            cJSON_Delete(d);
            ok = false;
        }
    }
    if (ok && nums && nums->child)
        ok = cJSON_AddStringToObject(o, "outbound_number", nums->child->valuestring) != NULL;
    cJSON *enc = ok ? lk_pj_encode(o, &lk_msg_trunk_info) : NULL;
    cJSON_Delete(o);
    return enc;
}

int lk_trunk_list_legacy(struct lk_call *c)
{
    cJSON *out = cJSON_CreateObject();
    cJSON *items = cJSON_AddArrayToObject(out, "items");
    int rc = items ? 0 : FK_ENOMEM;
    for (int kind = LK_INBOUND; rc == 0 && kind <= LK_OUTBOUND; kind++) {
        cJSON *arr = lk_db_trunk_list(c->st, (enum lk_kind)kind);
        rc = arr ? 0 : FK_EIO;
        for (const cJSON *e = arr ? arr->child : NULL; rc == 0 && e; e = e->next) {
            cJSON *t = as_trunk_info(e, (enum lk_kind)kind);
            if (!t || !cJSON_AddItemToArray(items, t)) {
                cJSON_Delete(t);
                rc = FK_ENOMEM;
            }
        }
        cJSON_Delete(arr);
    }
    if (rc != 0) {
        cJSON_Delete(out);
        return rc;
    }
    return lk_reply(c->resp, out);
}

static int update(struct lk_call *c, const struct kind *k)
{
    struct fk_error err = {{0}};
    struct lk_update_req u;
    int rc;
    /* UpdateSIP*TrunkRequest.Validate, before the trunk is looked up. */
    if (lk_update_begin(c->body, "sip_trunk_id", "trunk", &u, &err) != 0 ||
        (u.replace && k->validate(u.replace, &err) != 0))
        return invalid(c, err.msg);
    for (size_t i = 0; u.update && k->lists[i]; i++) {
        if (lk_list_update_validate(cJSON_GetObjectItem(u.update, k->lists[i]), &err) != 0)
            return invalid(c, err.msg);
    }
    cJSON *info = load(c, k, u.id, &rc);
    if (!info)
        return rc;
    info = lk_update_result(info, &u, k->apply, "sip_trunk_id", &rc);
    if (!info)
        return rc;
    if (k->validate(info, &err) != 0)
        rc = invalid(c, err.msg) == 0 ? 1 : FK_ENOMEM;
    if (rc == 0 && k->kind == LK_INBOUND)
        rc = conflict(c, info);
    if (rc != 0) {
        cJSON_Delete(info);
        return rc > 0 ? 0 : rc;
    }
    return store_and_reply(c, k, info);
}

int lk_trunk_update_inbound(struct lk_call *c)
{
    return update(c, &inbound);
}

int lk_trunk_update_outbound(struct lk_call *c)
{
    return update(c, &outbound);
}

int lk_trunk_delete(struct lk_call *c)
{
    const char *id = lk_get_str(c->body, "sip_trunk_id");
    if (!id[0])
        return invalid(c, "trunk ID is required");
    int rc = lk_db_trunk_delete(c->st, id);
    if (rc != 0 && rc != FK_ENOTFOUND)
        return rc;
    /* The server answers with the id only, whether or not the trunk existed
     * (docs/reference/livekit.md §2). */
    cJSON *info = cJSON_CreateObject();
    if (!info || !cJSON_AddStringToObject(info, "sip_trunk_id", id)) {
        cJSON_Delete(info);
        return FK_ENOMEM;
    }
    rc = reply_info(c, info, &lk_msg_trunk_info);
    cJSON_Delete(info);
    return rc;
}
