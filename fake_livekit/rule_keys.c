/* rule_keys.c: dispatch_rule_trunks, the indexed trunks of the stored dispatch rules (see
 * rule_keys.h), so that the `trunk_ids` filter of a List is a lookup, not a scan. */
#include "fake_livekit/rule_keys.h"

#include <stdio.h>
#include <string.h>

#include "fake_livekit/db.h"
#include "fake_livekit/proto_json.h"
#include "fakekit/log.h"

const cJSON *lk_rule_member(const cJSON *info)
{
    static const char *const members[] = {"dispatch_rule_direct", "dispatch_rule_individual",
                                          "dispatch_rule_callee"};
    const cJSON *rule = cJSON_GetObjectItemCaseSensitive(info, "rule");
    for (size_t i = 0; rule && i < sizeof(members) / sizeof(members[0]); i++) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(rule, members[i]);
        if (m)
            return m;
    }
    return NULL;
}

int lk_rule_keys_delete(struct fk_store *st, const char *id)
{
    sqlite3_stmt *s = fk_store_stmt(st, "DELETE FROM dispatch_rule_trunks WHERE rule_id = ?");
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : FK_EIO;
    sqlite3_reset(s);
    return rc;
}

/* The dispatch_rule_trunks rows of info: every listed trunk id as it is (the List filter
 * compares them exactly, "" included), or one wild row when it lists none. Any rule, with
 * or without a member, as the filter does not look at the member. */
static int insert_trunks(struct fk_store *st, const cJSON *info)
{
    const cJSON *trunks = lk_get_array(info, "trunk_ids");
    sqlite3_stmt *s = fk_store_stmt(st, "INSERT INTO dispatch_rule_trunks (rule_id, trunk_id,"
                                        " wild) VALUES (?, ?, ?)");
    int rc = 0;
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, lk_get_str(info, "sip_dispatch_rule_id"), -1, SQLITE_TRANSIENT);
    if (!trunks || !trunks->child) {
        sqlite3_bind_text(s, 2, "", -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 3, 1);
        rc = sqlite3_step(s) == SQLITE_DONE ? 0 : FK_EIO;
        sqlite3_reset(s);
        return rc;
    }
    sqlite3_bind_int(s, 3, 0);
    for (const cJSON *t = trunks->child; rc == 0 && t; t = t->next) {
        if (!cJSON_IsString(t))
            continue; /* a decoded rule has none; the filter would never match one */
        sqlite3_bind_text(s, 2, t->valuestring, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(s) == SQLITE_DONE ? 0 : FK_EIO;
        sqlite3_reset(s);
    }
    return rc;
}

int lk_rule_keys_put(struct fk_store *st, const cJSON *info)
{
    int rc = lk_rule_keys_delete(st, lk_get_str(info, "sip_dispatch_rule_id"));
    return rc == 0 ? insert_trunks(st, info) : rc;
}

static int rebuild_one(struct fk_store *st, const cJSON *info, const char *col1, void *ctx)
{
    (void)col1; /* only info is selected */
    (void)ctx;
    return insert_trunks(st, info);
}

int lk_rule_keys_rebuild(struct fk_store *st)
{
    return lk_db_reindex(st, "DELETE FROM dispatch_rule_trunks;", "SELECT info FROM dispatch_rules",
                         rebuild_one);
}
