/* walks.c: the full and the short walks of the conflict checks (see walks.h). */
#include "fake_livekit/walks.h"

#include <string.h>

#include "fake_livekit/db.h"
#include "fake_livekit/filter.h"
#include "fake_livekit/lists.h"
#include "fake_livekit/proto_json.h"

/* How one kind of item is listed, looked up and filtered. */
struct kind {
    const char *idkey, *flaws, *filter;
    cJSON *(*list)(struct fk_store *st, const cJSON *req);
    cJSON *(*first)(struct fk_store *st, const cJSON *by);
    cJSON *(*sharing)(struct fk_store *st, const cJSON *item);
    int (*get)(struct fk_store *st, const char *id, cJSON **info);
    bool (*keep)(const cJSON *item, const cJSON *req);
};

static cJSON *list_inbound(struct fk_store *st, const cJSON *req)
{
    return lk_list_trunks(st, LK_INBOUND, req);
}

static cJSON *first_inbound(struct fk_store *st, const cJSON *by)
{
    return lk_db_trunk_first(st, LK_INBOUND, by);
}

/* The stored inbound trunk id (FK_ENOTFOUND for an outbound one). */
static int get_inbound(struct fk_store *st, const char *id, cJSON **info)
{
    enum lk_kind kind = LK_INBOUND;
    int rc = lk_db_trunk_get(st, id, &kind, info);
    if (rc == 0 && kind != LK_INBOUND) {
        cJSON_Delete(*info);
        *info = NULL;
        rc = FK_ENOTFOUND;
    }
    return rc;
}

static bool keep_inbound(const cJSON *item, const cJSON *req)
{
    return lk_trunk_keep(item, req, true);
}

static const struct kind rules = {"sip_dispatch_rule_id", "rules",          "trunk_ids",
                                  lk_list_rules,          lk_db_rule_first, lk_db_rule_list_sharing,
                                  lk_db_rule_get,         lk_rule_keep};
static const struct kind inbound = {"sip_trunk_id", "trunks",      "numbers",
                                    list_inbound,   first_inbound, lk_db_trunk_list_sharing,
                                    get_inbound,    keep_inbound};

/* The List request that picks the walk: {filter: a copy of by}, or {} when by is NULL. */
static cJSON *filter_req(const struct kind *k, const cJSON *by)
{
    cJSON *req = cJSON_CreateObject();
    cJSON *copy = by ? cJSON_Duplicate(by, true) : NULL;
    if (!req || (by && (!copy || !cJSON_AddItemToObject(req, k->filter, copy)))) {
        cJSON_Delete(copy);
        cJSON_Delete(req);
        return NULL;
    }
    return req;
}

/* The server's walk (lists.h). */
static int full(struct fk_store *st, const struct kind *k, const cJSON *item, const cJSON *req,
                bool create, cJSON **out)
{
    cJSON *stored = k->list(st, req);
    if (!stored)
        return FK_EIO;
    *out = create ? lk_seq_insert(stored, item) : lk_seq_replace(stored, item, k->idkey);
    return *out ? 0 : FK_ENOMEM;
}

/* Move the items of from (taken) that req keeps and whose id is not skip to the end of to. */
static void move_listed(const struct kind *k, cJSON *from, const cJSON *req, const char *skip,
                        cJSON *to)
{
    while (from->child) {
        cJSON *e = cJSON_DetachItemViaPointer(from, from->child);
        if (strcmp(lk_get_str(e, k->idkey), skip) != 0 && k->keep(e, req))
            cJSON_AddItemToArray(to, e);
        else
            cJSON_Delete(e);
    }
    cJSON_Delete(from);
}

/* Is the stored version of item among what req lists? 1 yes, 0 no, or an error. */
static int stored_listed(struct fk_store *st, const struct kind *k, const cJSON *item,
                         const cJSON *req)
{
    cJSON *old = NULL;
    int rc = k->get(st, lk_get_str(item, k->idkey), &old);
    if (rc == FK_ENOTFOUND)
        return 0;
    if (rc == 0)
        rc = k->keep(old, req) ? 1 : 0;
    cJSON_Delete(old);
    return rc;
}

/* The short walk (walks.h) into walk, an empty array. */
static int fill_short(struct fk_store *st, const struct kind *k, const cJSON *item, const cJSON *by,
                      const cJSON *req, bool create, cJSON *walk)
{
    const char *skip = lk_get_str(item, k->idkey); /* the stored version an update replaces */
    if (create) {
        cJSON *first = k->first(st, by);
        if (!first)
            return FK_EIO;
        cJSON *f = first->child ? cJSON_DetachItemViaPointer(first, first->child) : NULL;
        cJSON_Delete(first);
        if (f) {
            cJSON_AddItemToArray(walk, f);
            skip = lk_get_str(f, k->idkey);
        }
    } else {
        int listed = stored_listed(st, k, item, req);
        if (listed <= 0)
            return listed; /* not listed: the walk leaves the updated item out */
    }
    cJSON *copy = cJSON_Duplicate(item, true);
    if (!copy)
        return FK_ENOMEM;
    cJSON_AddItemToArray(walk, copy);
    cJSON *sharing = k->sharing(st, item);
    if (!sharing)
        return FK_EIO;
    move_listed(k, sharing, req, skip, walk);
    /* An update's item goes in its own place among them. */
    return create ? 0 : lk_sort_by_id(walk, k->idkey);
}

static int walk(struct fk_store *st, const struct kind *k, const cJSON *item, const cJSON *by,
                bool create, enum lk_walk_how how, cJSON **out)
{
    sqlite3_int64 flaws = 0;
    int rc = 0;
    *out = NULL;
    if (how == LK_WALK_AUTO && (rc = lk_db_flaws(st, k->flaws, &flaws)) != 0)
        return rc;
    cJSON *req = filter_req(k, by);
    if (!req)
        return FK_ENOMEM;
    if (how == LK_WALK_FULL || (how == LK_WALK_AUTO && flaws != 0)) {
        rc = full(st, k, item, req, create, out);
    } else if ((*out = cJSON_CreateArray()) == NULL) {
        rc = FK_ENOMEM;
    } else if ((rc = fill_short(st, k, item, by, req, create, *out)) != 0) {
        cJSON_Delete(*out);
        *out = NULL;
    }
    cJSON_Delete(req);
    return rc;
}

int lk_walk_rules(struct fk_store *st, const cJSON *info, const cJSON *trunk_ids, bool create,
                  enum lk_walk_how how, cJSON **out)
{
    return walk(st, &rules, info, trunk_ids, create, how, out);
}

int lk_walk_trunks(struct fk_store *st, const cJSON *trunk, bool create, enum lk_walk_how how,
                   cJSON **out)
{
    return walk(st, &inbound, trunk, lk_get_array(trunk, "numbers"), create, how, out);
}
