/* trunk_keys.c: trunk_numbers and trunk_allowed_numbers, the indexed numbers of the stored
 * trunks (see trunk_keys.h), so that a conflict check or a list filter is a lookup. */
#include "fake_livekit/trunk_keys.h"

#include <stdio.h>
#include <string.h>

#include "fake_livekit/db.h"
#include "fake_livekit/filter.h"
#include "fake_livekit/proto_json.h"
#include "fakekit/log.h"

void lk_trunk_plus_number(const char *num, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s%s", num[0] && num[0] != '+' ? "+" : "", num);
}

/* Run s, whose parameters are bound, to completion. */
static int step_done(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : FK_EIO;
    if (rc != 0)
        fk_log(FK_LOG_ERROR, "event=db_write_failed error=\"%s\"",
               sqlite3_errmsg(sqlite3_db_handle(s)));
    sqlite3_reset(s);
    return rc;
}

int lk_trunk_keys_delete(struct fk_store *st, const char *id)
{
    static const char *const sql[] = {"DELETE FROM trunk_numbers WHERE trunk_id = ?",
                                      "DELETE FROM trunk_allowed_numbers WHERE trunk_id = ?"};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof(sql) / sizeof(sql[0]); i++) {
        sqlite3_stmt *s = fk_store_stmt(st, sql[i]);
        if (!s)
            return FK_EIO;
        sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
        rc = step_done(s);
    }
    return rc;
}

static int insert_number(sqlite3_stmt *s, const char *number, int wild)
{
    char norm[LK_TRUNK_NUM_MAX];
    lk_normalize_number(number, norm, sizeof(norm));
    sqlite3_bind_text(s, 3, number, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, norm, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 5, wild);
    return step_done(s);
}

/* The rows of info, without deleting any. */
static int insert_keys(struct fk_store *st, enum lk_kind kind, const cJSON *info)
{
    const char *id = lk_get_str(info, "sip_trunk_id");
    const cJSON *nums = lk_get_array(info, "numbers");
    const cJSON *allowed = lk_get_array(info, "allowed_numbers");
    char num[LK_TRUNK_NUM_MAX];
    int rc = 0;
    sqlite3_stmt *s = fk_store_stmt(st, "INSERT INTO trunk_numbers (trunk_id, kind, number, norm,"
                                        " wild, n_allowed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!s)
        return FK_EIO;
    /* Bindings survive the resets between rows; insert_number binds the rest. */
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, kind == LK_INBOUND ? "inbound" : "outbound", -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 6, lk_array_len(info, "allowed_numbers"));
    if (!nums || !nums->child)
        rc = insert_number(s, "", 1);
    for (const cJSON *n = nums ? nums->child : NULL; rc == 0 && n; n = n->next) {
        if (cJSON_IsString(n)) /* a decoded trunk has nothing else; a scan matches no other */
            rc = insert_number(s, n->valuestring, 0);
    }
    if (rc != 0 || !allowed || !allowed->child)
        return rc;
    s = fk_store_stmt(st, "INSERT INTO trunk_allowed_numbers (trunk_id, number) VALUES (?, ?)");
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    for (const cJSON *a = allowed->child; rc == 0 && a; a = a->next) {
        if (!cJSON_IsString(a))
            continue;
        lk_trunk_plus_number(a->valuestring, num, sizeof(num));
        sqlite3_bind_text(s, 2, num, -1, SQLITE_TRANSIENT);
        rc = step_done(s);
    }
    return rc;
}

int lk_trunk_keys_put(struct fk_store *st, enum lk_kind kind, const cJSON *info)
{
    int rc = lk_trunk_keys_delete(st, lk_get_str(info, "sip_trunk_id"));
    return rc == 0 ? insert_keys(st, kind, info) : rc;
}

static int rebuild_one(struct fk_store *st, const cJSON *info, const char *kind, void *ctx)
{
    (void)ctx; /* nothing to carry */
    return insert_keys(st, strcmp(kind, "inbound") == 0 ? LK_INBOUND : LK_OUTBOUND, info);
}

int lk_trunk_keys_rebuild(struct fk_store *st)
{
    return lk_db_reindex(st, "DELETE FROM trunk_numbers; DELETE FROM trunk_allowed_numbers;",
                         "SELECT info, kind FROM trunks", rebuild_one);
}

int lk_trunk_keys_find(struct fk_store *st, const char *skip_id, const char *number,
                       const char *allowed, char *out, size_t outlen)
{
    /* The earliest trunk (lowest seq) is named, as the scan of the stored list does; min()
     * finds it without the ephemeral table ORDER BY ... LIMIT 1 would open on every call. */
    sqlite3_stmt *s =
        allowed ? fk_store_stmt(st, "SELECT id FROM trunks WHERE seq = (SELECT min(t.seq)"
                                    " FROM trunk_numbers n"
                                    " JOIN trunk_allowed_numbers a ON a.trunk_id = n.trunk_id"
                                    " JOIN trunks t ON t.id = n.trunk_id"
                                    " WHERE n.number = ?1 AND n.kind = 'inbound'"
                                    " AND (?2 = '' OR n.trunk_id <> ?2) AND a.number = ?3)")
                : fk_store_stmt(st, "SELECT id FROM trunks WHERE seq = (SELECT min(t.seq)"
                                    " FROM trunk_numbers n JOIN trunks t ON t.id = n.trunk_id"
                                    " WHERE n.number = ?1 AND n.kind = 'inbound'"
                                    " AND (?2 = '' OR n.trunk_id <> ?2) AND n.n_allowed = 0)");
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, number, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, skip_id, -1, SQLITE_TRANSIENT);
    if (allowed)
        sqlite3_bind_text(s, 3, allowed, -1, SQLITE_TRANSIENT);
    return fk_store_first_text(s, out, outlen);
}
