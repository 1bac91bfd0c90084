/* trunk_keys.c: trunk_numbers, the indexed numbers of the stored trunks (see trunk_keys.h),
 * so that the `numbers` filter of a List is a lookup. */
#include "fake_livekit/trunk_keys.h"

#include <stdlib.h>
#include <string.h>

#include "fake_livekit/db.h"
#include "fake_livekit/filter.h"
#include "fake_livekit/proto_json.h"
#include "fakekit/log.h"

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
    sqlite3_stmt *s = fk_store_stmt(st, "DELETE FROM trunk_numbers WHERE trunk_id = ?");
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    return step_done(s);
}

static int insert_number(sqlite3_stmt *s, const char *number, int wild)
{
    char *norm = lk_number_norm(number);
    if (!norm) {
        sqlite3_reset(s);
        return FK_ENOMEM;
    }
    sqlite3_bind_text(s, 3, number, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, norm, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 5, wild);
    free(norm);
    return step_done(s);
}

/* The rows of info, without deleting any. */
static int insert_keys(struct fk_store *st, enum lk_kind kind, const cJSON *info)
{
    const char *id = lk_get_str(info, "sip_trunk_id");
    const cJSON *nums = lk_get_array(info, "numbers");
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
    return lk_db_reindex(st, "DELETE FROM trunk_numbers;", "SELECT info, kind FROM trunks",
                         rebuild_one);
}
