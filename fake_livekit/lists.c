/* lists.c: List calls and the walks of the conflict checks, as livekit-server runs them
 * (see lists.h). */
#include "fake_livekit/lists.h"

#include <stdlib.h>
#include <string.h>

#include "fake_livekit/filter.h"
#include "fake_livekit/proto_json.h"

/* How one kind of item is read and filtered. */
struct source {
    enum lk_kind kind; /* trunks only */
    bool rules;
    const char *idkey;
};

static bool keep(const struct source *s, const cJSON *item, const cJSON *req)
{
    if (s->rules)
        return lk_rule_keep(item, req);
    return lk_trunk_keep(item, req, s->kind == LK_INBOUND);
}

/* Stored items that may pass req's filter, read through the index tables, in id order. */
static cJSON *candidates(struct fk_store *st, const struct source *s, const cJSON *req)
{
    const cJSON *ids = lk_get_array(req, s->rules ? "dispatch_rule_ids" : "trunk_ids");
    const cJSON *by = lk_get_array(req, s->rules ? "trunk_ids" : "numbers");
    if (ids && ids->child)
        return s->rules ? lk_db_rule_list_ids(st, ids) : lk_db_trunk_list_ids(st, s->kind, ids);
    if (by && by->child)
        return s->rules ? lk_db_rule_list_trunks(st, by)
                        : lk_db_trunk_list_numbers(st, s->kind, by);
    return s->rules ? lk_db_rule_list(st) : lk_db_trunk_list(st, s->kind);
}

/* Move the items of from (taken) that pass req's filter and are after after_id to the end
 * of to; returns how many, or -1 when from is NULL (a read failed). */
static int move_kept(const struct source *s, cJSON *from, const cJSON *req, const char *after_id,
                     cJSON *to)
{
    int n = 0;
    if (!from)
        return -1;
    while (from->child) {
        cJSON *e = cJSON_DetachItemViaPointer(from, from->child);
        if (keep(s, e, req) && lk_page_keep(lk_get_str(e, s->idkey), after_id)) {
            cJSON_AddItemToArray(to, e);
            n++;
        } else {
            cJSON_Delete(e);
        }
    }
    cJSON_Delete(from);
    return n;
}

static cJSON *read_page(struct fk_store *st, const struct source *s, const char *after, int limit)
{
    return s->rules ? lk_db_rule_page(st, after, limit)
                    : lk_db_trunk_page(st, s->kind, after, limit);
}

/* livekit.ListPageIter over the store's List (see lists.h). */
static cJSON *list(struct fk_store *st, const struct source *s, const cJSON *req)
{
    const cJSON *page = cJSON_GetObjectItemCaseSensitive(req, "page");
    const cJSON *lim = cJSON_GetObjectItemCaseSensitive(page, "limit");
    int limit = cJSON_IsNumber(lim) && lim->valuedouble > 0 ? (int)lim->valuedouble : 0;
    char *cursor = NULL;
    cJSON *out = cJSON_CreateArray();
    if (!out)
        return NULL;
    if (!page) {
        if (move_kept(s, candidates(st, s, req), req, "", out) < 0)
            goto fail;
        return out;
    }
    /* The cursor starts at page.after_id and moves to the last id kept (types.go:430). */
    const char *after = lk_get_str(page, "after_id");
    for (;;) {
        int got = move_kept(s, read_page(st, s, after, limit ? limit : LK_PAGE_DEFAULT_LIMIT), req,
                            after, out);
        if (got < 0)
            goto fail;
        if (got == 0)
            break;
        free(cursor);
        cursor = strdup(lk_get_str(out->child->prev, s->idkey)); /* prev of the first: last */
        if (!cursor)
            goto fail;
        after = cursor;
    }
    free(cursor);
    return out;
fail:
    free(cursor);
    cJSON_Delete(out);
    return NULL;
}

cJSON *lk_list_trunks(struct fk_store *st, enum lk_kind kind, const cJSON *req)
{
    const struct source s = {kind, false, "sip_trunk_id"};
    return list(st, &s, req);
}

cJSON *lk_list_rules(struct fk_store *st, const cJSON *req)
{
    const struct source s = {LK_INBOUND, true, "sip_dispatch_rule_id"};
    return list(st, &s, req);
}

/* SIPInboundTrunkInfo.AsTrunkInfo / SIPOutboundTrunkInfo.AsTrunkInfo, as sparse objects. */
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
    size_t n = kind == LK_INBOUND ? FK_NELEM(in_map) : FK_NELEM(out_map);
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
    if (ok && nums && cJSON_IsString(nums->child))
        ok = cJSON_AddStringToObject(o, "outbound_number", nums->child->valuestring) != NULL;
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

cJSON *lk_list_legacy(struct fk_store *st, const cJSON *req)
{
    const char *after = lk_get_str(cJSON_GetObjectItemCaseSensitive(req, "page"), "after_id");
    cJSON *out = cJSON_CreateArray();
    int rc = out ? 0 : FK_ENOMEM;
    for (int kind = LK_INBOUND; rc == 0 && kind <= LK_OUTBOUND; kind++) {
        cJSON *arr = lk_db_trunk_list(st, (enum lk_kind)kind);
        rc = arr ? 0 : FK_EIO;
        for (const cJSON *e = arr ? arr->child : NULL; rc == 0 && e; e = e->next) {
            if (!lk_page_keep(lk_get_str(e, "sip_trunk_id"), after))
                continue;
            cJSON *t = as_trunk_info(e, (enum lk_kind)kind);
            if (!t || !cJSON_AddItemToArray(out, t)) {
                cJSON_Delete(t);
                rc = FK_ENOMEM;
            }
        }
        cJSON_Delete(arr);
    }
    if (rc == 0)
        rc = lk_sort_by_id(out, "sip_trunk_id");
    if (rc != 0) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

cJSON *lk_seq_insert(cJSON *stored, const cJSON *item)
{
    cJSON *copy = cJSON_Duplicate(item, true);
    if (!stored || !copy) {
        cJSON_Delete(stored);
        cJSON_Delete(copy);
        return NULL;
    }
    /* Rebuilt rather than cJSON_InsertItemInArray, which Debian's cJSON 1.7.15-1+deb12u4
     * refuses for an index inside a parsed array. */
    cJSON *first = stored->child ? cJSON_DetachItemViaPointer(stored, stored->child) : NULL;
    cJSON *walk = cJSON_CreateArray();
    if (!walk) {
        cJSON_Delete(first);
        cJSON_Delete(stored);
        cJSON_Delete(copy);
        return NULL;
    }
    if (first)
        cJSON_AddItemToArray(walk, first);
    cJSON_AddItemToArray(walk, copy);
    while (stored->child)
        cJSON_AddItemToArray(walk, cJSON_DetachItemViaPointer(stored, stored->child));
    cJSON_Delete(stored);
    return walk;
}

cJSON *lk_seq_replace(cJSON *stored, const cJSON *item, const char *idkey)
{
    const char *id = lk_get_str(item, idkey);
    if (!stored)
        return NULL;
    for (cJSON *e = stored->child; e; e = e->next) {
        if (strcmp(lk_get_str(e, idkey), id) != 0)
            continue;
        cJSON *copy = cJSON_Duplicate(item, true);
        if (!copy || !cJSON_ReplaceItemViaPointer(stored, e, copy)) {
            cJSON_Delete(copy);
            cJSON_Delete(stored);
            return NULL;
        }
        break;
    }
    return stored;
}
