/* rule_keys.c: dispatch_rule_keys, the indexed (trunk, number, PIN) keys of the stored
 * dispatch rules (see rule_keys.h), so that a conflict check is a lookup, not a scan. */
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

void lk_rule_number(const char *num, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s%s", num[0] == '+' ? "" : "+", num);
}

int lk_rule_keys_delete(struct fk_store *st, const char *id)
{
    static const char *const sql[] = {"DELETE FROM dispatch_rule_keys WHERE rule_id = ?",
                                      "DELETE FROM dispatch_rule_trunks WHERE rule_id = ?"};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(sql[0]); i++) {
        sqlite3_stmt *s = fk_store_stmt(st, sql[i]);
        if (!s)
            return FK_EIO;
        sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(s) == SQLITE_DONE ? 0 : FK_EIO;
        sqlite3_reset(s);
    }
    return rc;
}

static int insert_key(sqlite3_stmt *s, const char *id, const char *trunk, const char *number,
                      const char *pin)
{
    int rc;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, trunk, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, number, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, pin, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : FK_EIO;
    if (rc != 0)
        fk_log(FK_LOG_ERROR, "event=db_write_failed error=\"%s\"",
               sqlite3_errmsg(sqlite3_db_handle(s)));
    sqlite3_reset(s);
    return rc;
}

/* The rows of one trunk ("" = any): one per number, or one "" row without numbers. */
static int insert_trunk(sqlite3_stmt *s, const cJSON *info, const char *id, const char *trunk,
                        const char *pin)
{
    char num[LK_RULE_NUM_MAX];
    int rc = 0;
    if (lk_array_len(info, "inbound_numbers") == 0)
        return insert_key(s, id, trunk, "", pin);
    const cJSON *nums = lk_get_array(info, "inbound_numbers");
    for (const cJSON *n = nums->child; rc == 0 && n; n = n->next) {
        if (!cJSON_IsString(n))
            continue; /* a decoded rule has none; a scan would never match one */
        lk_rule_number(n->valuestring, num, sizeof(num));
        rc = insert_key(s, id, trunk, num, pin);
    }
    return rc;
}

/* The conflict key rows of info, without deleting any. */
static int insert_keys(struct fk_store *st, const cJSON *info)
{
    const cJSON *member = lk_rule_member(info);
    const char *id = lk_get_str(info, "sip_dispatch_rule_id");
    if (!member)
        return 0; /* a rule without a member never conflicts */
    const char *pin = lk_get_str(member, "pin");
    sqlite3_stmt *s = fk_store_stmt(st, "INSERT INTO dispatch_rule_keys (rule_id, trunk_id,"
                                        " number, pin) VALUES (?, ?, ?, ?)");
    int rc = 0;
    if (!s)
        return FK_EIO;
    if (lk_array_len(info, "trunk_ids") == 0)
        return insert_trunk(s, info, id, "", pin);
    const cJSON *trunks = lk_get_array(info, "trunk_ids");
    for (const cJSON *t = trunks->child; rc == 0 && t; t = t->next) {
        /* An empty id listed next to others stands for no trunk: it matches nothing. */
        if (cJSON_IsString(t) && t->valuestring[0])
            rc = insert_trunk(s, info, id, t->valuestring, pin);
    }
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

/* Both kinds of rows of info. */
static int insert_all(struct fk_store *st, const cJSON *info)
{
    int rc = insert_keys(st, info);
    return rc == 0 ? insert_trunks(st, info) : rc;
}

int lk_rule_keys_put(struct fk_store *st, const cJSON *info)
{
    int rc = lk_rule_keys_delete(st, lk_get_str(info, "sip_dispatch_rule_id"));
    return rc == 0 ? insert_all(st, info) : rc;
}

static int rebuild_one(struct fk_store *st, const cJSON *info, const char *col1, void *ctx)
{
    (void)col1; /* only info is selected */
    (void)ctx;
    return insert_all(st, info);
}

int lk_rule_keys_rebuild(struct fk_store *st)
{
    return lk_db_reindex(st, "DELETE FROM dispatch_rule_keys; DELETE FROM dispatch_rule_trunks;",
                         "SELECT info FROM dispatch_rules", rebuild_one);
}

int lk_rule_keys_find(struct fk_store *st, const char *skip_id, const char *trunk,
                      const char *number, const char *pin, char *out, size_t outlen)
{
    char num[LK_RULE_NUM_MAX] = "";
    /* The earliest rule (lowest seq) as min() rather than ORDER BY ... LIMIT 1, which makes
     * SQLite open an ephemeral table, page cache and all, on every call. */
    sqlite3_stmt *s =
        fk_store_stmt(st, "SELECT id FROM dispatch_rules WHERE seq = (SELECT min(r.seq)"
                          " FROM dispatch_rule_keys k JOIN dispatch_rules r ON r.id = k.rule_id"
                          " WHERE k.trunk_id = ?1 AND k.number = ?2 AND k.pin = ?3"
                          " AND (?4 = '' OR k.rule_id <> ?4))");
    if (!s)
        return FK_EIO;
    if (number[0])
        lk_rule_number(number, num, sizeof(num));
    sqlite3_bind_text(s, 1, trunk, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, num, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, pin, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, skip_id, -1, SQLITE_TRANSIENT);
    return fk_store_first_text(s, out, outlen);
}
