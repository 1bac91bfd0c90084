/* trunk_keys.c: trunk_numbers and trunk_conflict_keys, the indexed numbers and conflict keys
 * of the stored trunks (see trunk_keys.h), so that the `numbers` filter of a List and the
 * short walk of a conflict check are lookups. */
#include "fake_livekit/trunk_keys.h"

#include <stdlib.h>
#include <string.h>

#include "fake_livekit/conflict_key.h"
#include "fake_livekit/db_rows.h"
#include "fake_livekit/filter.h"
#include "fake_livekit/proto_json.h"

/* ---- the conflict keys of a trunk ---- */

/* validateTrunkInbound (sip/sip.go:305) for trunk in one number's bucket. */
static int keys_in_bucket(const cJSON *trunk, const char *bucket, lk_trunk_key_fn fn, void *ctx)
{
    const cJSON *allowed = lk_get_array(trunk, "allowed_numbers");
    int rc = 0;
    if (!allowed || !allowed->child)
        return fn(bucket, NULL, "", ctx);
    for (const cJSON *a = allowed->child; rc == 0 && a; a = a->next) {
        const char *raw = cJSON_IsString(a) ? a->valuestring : "";
        char *norm = lk_number_norm(raw);
        rc = norm ? fn(bucket, raw, norm, ctx) : FK_ENOMEM;
        free(norm);
    }
    return rc;
}

int lk_trunk_conflict_keys(const cJSON *trunk, lk_trunk_key_fn fn, void *ctx)
{
    const cJSON *nums = lk_get_array(trunk, "numbers");
    int rc = 0;
    if (!nums || !nums->child)
        return keys_in_bucket(trunk, "", fn, ctx);
    for (const cJSON *n = nums->child; rc == 0 && n; n = n->next) {
        char *bucket = lk_number_norm(cJSON_IsString(n) ? n->valuestring : "");
        rc = bucket ? keys_in_bucket(trunk, bucket, fn, ctx) : FK_ENOMEM;
        free(bucket);
    }
    return rc;
}

/* ---- rows ---- */

/* How many conflict key rows of trunk ?1 are markers or shared with another trunk. */
static const char count_flaws[] =
    "SELECT count(*) FROM trunk_conflict_keys k WHERE k.trunk_id = ?1 AND (k.bucket IS NULL"
    " OR EXISTS (SELECT 1 FROM trunk_conflict_keys o WHERE o.bucket = k.bucket"
    " AND o.allowed = k.allowed AND o.trunk_id <> ?1))";

int lk_trunk_keys_delete(struct fk_store *st, const char *id)
{
    int rc = lk_db_flaws_move(st, "trunks", count_flaws, id, -1);
    if (rc == 0)
        rc = lk_db_run_id(st, "DELETE FROM trunk_conflict_keys WHERE trunk_id = ?", id);
    return rc == 0 ? lk_db_run_id(st, "DELETE FROM trunk_numbers WHERE trunk_id = ?", id) : rc;
}

/* Insert one trunk_conflict_keys row, once per trunk (ctx: the statement, ?1 bound); a key
 * too long for a walk gets a marker row (bucket NULL) instead. */
static int insert_key(const char *bucket, const char *allowed, const char *allowed_norm, void *ctx)
{
    sqlite3_stmt *s = ctx;
    const char *const part[] = {bucket, allowed_norm};
    (void)allowed; /* the key holds the normalised form */
    if (lk_conflict_key_fits(part, 2))
        sqlite3_bind_text(s, 2, bucket, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 2);
    sqlite3_bind_text(s, 3, allowed_norm, -1, SQLITE_TRANSIENT);
    return lk_db_step_done(s);
}

/* The conflict key rows of an inbound trunk info and the flaws they bring. */
static int insert_conflict_keys(struct fk_store *st, const cJSON *info)
{
    const char *id = lk_get_str(info, "sip_trunk_id");
    sqlite3_stmt *s = fk_store_stmt(st, "INSERT OR IGNORE INTO trunk_conflict_keys (trunk_id,"
                                        " bucket, allowed) VALUES (?1, ?2, ?3)");
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    int rc = lk_trunk_conflict_keys(info, insert_key, s);
    sqlite3_clear_bindings(s);
    return rc == 0 ? lk_db_flaws_move(st, "trunks", count_flaws, id, 1) : rc;
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
    return lk_db_step_done(s);
}

/* The rows of info, without deleting any, and the flaws they bring. */
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
    return rc == 0 && kind == LK_INBOUND ? insert_conflict_keys(st, info) : rc;
}

int lk_trunk_keys_put(struct fk_store *st, enum lk_kind kind, const cJSON *info, bool replace)
{
    int rc = replace ? lk_trunk_keys_delete(st, lk_get_str(info, "sip_trunk_id")) : 0;
    return rc == 0 ? insert_keys(st, kind, info) : rc;
}

static int rebuild_one(struct fk_store *st, const cJSON *info, const char *kind, void *ctx)
{
    (void)ctx; /* nothing to carry */
    return insert_keys(st, strcmp(kind, "inbound") == 0 ? LK_INBOUND : LK_OUTBOUND, info);
}

int lk_trunk_keys_rebuild(struct fk_store *st)
{
    return lk_db_reindex(st,
                         "DELETE FROM trunk_numbers; DELETE FROM trunk_conflict_keys;"
                         " DELETE FROM conflict_flaws WHERE what = 'trunks';",
                         "SELECT info, kind FROM trunks", rebuild_one);
}
