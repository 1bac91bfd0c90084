/* walks.c: the full and the short walks of the conflict checks (see walks.h). */
#include "fake_livekit/walks.h"

#include <stdlib.h>
#include <string.h>

#include "fake_livekit/db.h"
#include "fake_livekit/filter.h"
#include "fake_livekit/lists.h"
#include "fake_livekit/proto_json.h"

/* How one kind of item is listed, looked up and filtered. */
struct kind {
    const char *idkey, *flaws, *filter;
    cJSON *(*list)(struct fk_store *st, const cJSON *req);
    int (*first_id)(struct fk_store *st, const cJSON *by, char **id);
    cJSON *(*sharing)(struct fk_store *st, const cJSON *item);
    int (*get)(struct fk_store *st, const char *id, cJSON **info);
    bool (*keep)(const cJSON *item, const cJSON *req);
};

static cJSON *list_inbound(struct fk_store *st, const cJSON *req)
{
    return lk_list_trunks(st, LK_INBOUND, req);
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

static const struct kind rules = {.idkey = "sip_dispatch_rule_id",
                                  .flaws = "rules",
                                  .filter = "trunk_ids",
                                  .list = lk_list_rules,
                                  .first_id = lk_db_rule_first_id,
                                  .sharing = lk_db_rule_list_sharing,
                                  .get = lk_db_rule_get,
                                  .keep = lk_rule_keep};
static const struct kind inbound = {.idkey = "sip_trunk_id",
                                    .flaws = "trunks",
                                    .filter = "numbers",
                                    .list = list_inbound,
                                    .first_id = lk_db_inbound_first_id,
                                    .sharing = lk_db_trunk_list_sharing,
                                    .get = get_inbound,
                                    .keep = keep_inbound};

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

/* Move the element of walk whose id is id, if any, to the front. */
static void to_front(const struct kind *k, cJSON *walk, const char *id)
{
    for (cJSON *e = walk->child; e; e = e->next) {
        if (strcmp(lk_get_str(e, k->idkey), id) == 0) {
            cJSON_DetachItemViaPointer(walk, e);
            e->next = walk->child; /* walk is never empty here: the new item stays */
            e->prev = walk->child->prev;
            walk->child->prev = e;
            walk->child = e;
            return;
        }
    }
}

/* The short walk (walks.h) into walk, an empty array. */
static int fill_short(struct fk_store *st, const struct kind *k, const cJSON *item, const cJSON *by,
                      const cJSON *req, bool create, cJSON *walk)
{
    char *first = NULL;
    int rc = 0;
    if (create)
        rc = k->first_id(st, by, &first);
    else if ((rc = stored_listed(st, k, item, req)) <= 0)
        return rc; /* 0: not listed, so the walk leaves the updated item out */
    cJSON *copy = NULL, *sharing = NULL;
    if (rc >= 0 && (copy = cJSON_Duplicate(item, true)) == NULL)
        rc = FK_ENOMEM;
    else if (rc >= 0 && (sharing = k->sharing(st, item)) == NULL)
        rc = FK_EIO;
    if (rc < 0) {
        free(first);
        cJSON_Delete(copy);
        return rc;
    }
    cJSON_AddItemToArray(walk, copy);
    /* Without the stored version an update replaces; in id order. */
    move_listed(k, sharing, req, lk_get_str(item, k->idkey), walk);
    rc = lk_sort_by_id(walk, k->idkey);
    /* A create's item is walked after the first listed item: first when that one holds none
     * of its keys (it is then left out), else second. The create's item has no id, so the
     * sort put it first. */
    if (rc == 0 && first)
        to_front(k, walk, first);
    free(first);
    return rc;
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
