/* db.c: SQLite storage of fake_livekit (see db.h for the layout and state document). */
#include "fake_livekit/db.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_livekit/filter.h"
#include "fake_livekit/proto_json.h"
#include "fake_livekit/rule_keys.h"
#include "fake_livekit/state.h"
#include "fake_livekit/trunk_keys.h"
#include "fakekit/ids.h"
#include "fakekit/json.h"
#include "fakekit/log.h"

const char lk_schema_sql[] =
    "CREATE TABLE IF NOT EXISTS api_keys (key TEXT PRIMARY KEY, secret TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS trunks (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
    " kind TEXT NOT NULL CHECK (kind IN ('inbound', 'outbound')), info TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS dispatch_rules (seq INTEGER PRIMARY KEY,"
    " id TEXT NOT NULL UNIQUE, info TEXT NOT NULL);\n"
    /* Indexes of earlier versions that the ones below, ending in the id, replace. */
    "DROP INDEX IF EXISTS dispatch_rule_trunks_trunk;\n"
    "DROP INDEX IF EXISTS dispatch_rule_trunks_wild;\n"
    "DROP INDEX IF EXISTS trunk_numbers_norm;\n"
    "DROP INDEX IF EXISTS trunk_numbers_wild;\n"
    /* rule_keys.h: one row per listed trunk of a rule (a wild row, trunk_id "", without), for
     * List and for the first rule of a walk (min(rule_id) read from the index: wild rows
     * under ('', 1), a trunk's under (trunk, 0)). */
    "CREATE TABLE IF NOT EXISTS dispatch_rule_trunks (rule_id TEXT NOT NULL,"
    " trunk_id TEXT NOT NULL, wild INTEGER NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS dispatch_rule_trunks_key"
    " ON dispatch_rule_trunks (trunk_id, wild, rule_id);\n"
    "CREATE INDEX IF NOT EXISTS dispatch_rule_trunks_rule ON dispatch_rule_trunks (rule_id);\n"
    /* rule_keys.h: the conflict keys of rules (pin NULL: a rule without a member, or a key
     * too long for a walk). */
    "CREATE TABLE IF NOT EXISTS rule_conflict_keys (rule_id TEXT NOT NULL, pin TEXT,"
    " trunk TEXT NOT NULL, inbound TEXT NOT NULL, number TEXT NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS rule_conflict_keys_key"
    " ON rule_conflict_keys (pin, trunk, inbound, number);\n"
    "CREATE INDEX IF NOT EXISTS rule_conflict_keys_rule ON rule_conflict_keys (rule_id);\n"
    /* trunk_keys.h: the numbers of trunks, for the `numbers` filter and the first trunk of a
     * walk (wild rows under ('', kind, 1)); n_allowed is no longer read, the column stays so
     * that a database file of an earlier version still takes rows. */
    "CREATE TABLE IF NOT EXISTS trunk_numbers (trunk_id TEXT NOT NULL, kind TEXT NOT NULL,"
    " number TEXT NOT NULL, norm TEXT NOT NULL, wild INTEGER NOT NULL,"
    " n_allowed INTEGER NOT NULL);\n"
    "CREATE INDEX IF NOT EXISTS trunk_numbers_key ON trunk_numbers (norm, kind, wild, trunk_id);\n"
    "CREATE INDEX IF NOT EXISTS trunk_numbers_trunk ON trunk_numbers (trunk_id);\n"
    /* trunk_keys.h: the conflict keys of inbound trunks, each once per trunk (bucket NULL: a
     * key too long for a walk). */
    "CREATE TABLE IF NOT EXISTS trunk_conflict_keys (trunk_id TEXT NOT NULL,"
    " bucket TEXT, allowed TEXT NOT NULL, UNIQUE (trunk_id, bucket, allowed));\n"
    "CREATE INDEX IF NOT EXISTS trunk_conflict_keys_key ON trunk_conflict_keys (bucket, allowed);\n"
    /* db.h: per kind of item, the key rows that fail a walk of stored items alone. */
    "CREATE TABLE IF NOT EXISTS conflict_flaws (what TEXT PRIMARY KEY, n INTEGER NOT NULL);\n"
    /* lists.h: pages of ids (kind, id > after ORDER BY id LIMIT n) read from an index. */
    "CREATE INDEX IF NOT EXISTS trunks_kind_id ON trunks (kind, id);\n";

/* livekit/protocol utils/guid: shortuuid's alphabet (no 0, 1, I, O, l). */
static const char guid_alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

int lk_new_id(struct fk_store *st, const char *prefix, char *out, size_t outlen)
{
    static const struct fk_id_home trunks = {"trunks", "id"}, rules = {"dispatch_rules", "id"};
    const struct fk_id_home *home = strcmp(prefix, "SDR_") == 0 ? &rules : &trunks;
    return fk_id_chars(st, home, prefix, guid_alphabet, 12, out, outlen);
}

static int put_key(struct fk_store *st, const char *key, const char *secret)
{
    sqlite3_stmt *s =
        fk_store_stmt(st, "INSERT OR REPLACE INTO api_keys (key, secret) VALUES (?, ?)");
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, secret, -1, SQLITE_TRANSIENT);
    return sqlite3_step(s) == SQLITE_DONE ? 0 : FK_EIO;
}

int lk_db_seed(struct fk_store *st, void *svc, struct fk_error *err)
{
    struct lk_svc *lk = svc;
    if (put_key(st, lk->api_key, lk->api_secret) != 0) {
        fk_error_set(err, "cannot store the API key: %s", sqlite3_errmsg(fk_store_db(st)));
        return FK_EIO;
    }
    /* A file database may predate the index tables (or be empty after a reset): recompute. */
    int rc = lk_rule_keys_rebuild(st);
    if (rc != 0) {
        fk_error_set(err, "cannot index the dispatch rules: %s", sqlite3_errmsg(fk_store_db(st)));
        return rc;
    }
    rc = lk_trunk_keys_rebuild(st);
    if (rc != 0)
        fk_error_set(err, "cannot index the trunks: %s", sqlite3_errmsg(fk_store_db(st)));
    return rc;
}

int lk_db_secret(struct fk_store *st, const char *key, char *out, size_t outlen)
{
    sqlite3_stmt *s = st ? fk_store_stmt(st, "SELECT secret FROM api_keys WHERE key = ?") : NULL;
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
    return fk_store_first_text(s, out, outlen);
}

int lk_db_trunk_get(struct fk_store *st, const char *id, enum lk_kind *kind, cJSON **info)
{
    int rc = FK_ENOTFOUND;
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT info, kind FROM trunks WHERE id = ?");
    *info = NULL;
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *info = cJSON_Parse((const char *)sqlite3_column_text(s, 0));
        *kind = strcmp((const char *)sqlite3_column_text(s, 1), "inbound") == 0 ? LK_INBOUND
                                                                                : LK_OUTBOUND;
        rc = *info ? 0 : FK_ENOMEM;
    } else if (step != SQLITE_DONE) {
        rc = FK_EIO;
    }
    sqlite3_reset(s);
    return rc;
}

cJSON *lk_db_trunk_list(struct fk_store *st, enum lk_kind kind)
{
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT info FROM trunks WHERE kind = ? ORDER BY id");
    if (!s)
        return NULL;
    sqlite3_bind_text(s, 1, lk_kind_name(kind), -1, SQLITE_STATIC);
    return lk_db_collect(s);
}

/* Write the row of info: insert_sql (ON CONFLICT DO NOTHING), or update_sql when its id is
 * taken; both take ?1 id, ?2 kind (unless NULL) and info's compact text as their last
 * parameter. 1 inserted, 0 updated, FK_EIO, FK_ENOMEM. */
static int put_row(struct fk_store *st, const char *insert_sql, const char *update_sql,
                   const char *id, const char *kind, const cJSON *info)
{
    char *text = cJSON_PrintUnformatted(info);
    int rc = text ? FK_EIO : FK_ENOMEM;
    for (int pass = 0; text && pass < 2; pass++) {
        sqlite3_stmt *s = fk_store_stmt(st, pass ? update_sql : insert_sql);
        if (!s) {
            rc = FK_EIO;
            break;
        }
        sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
        if (kind)
            sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, sqlite3_bind_parameter_count(s), text, -1, SQLITE_TRANSIENT);
        rc = lk_db_step_done(s);
        if (rc != 0 || pass == 1)
            break;
        if (sqlite3_changes(fk_store_db(st)) == 1) {
            rc = 1;
            break;
        }
    }
    cJSON_free(text);
    return rc;
}

/* Run a constant statement with no result (savepoints). */
static int run(struct fk_store *st, const char *sql)
{
    sqlite3_stmt *s = fk_store_stmt(st, sql);
    int rc = s && sqlite3_step(s) == SQLITE_DONE ? 0 : FK_EIO;
    if (s)
        sqlite3_reset(s);
    return rc;
}

/* Close the savepoint that a write of a row and its index rows opened: kept when rc is 0,
 * else undone. Handlers run outside any transaction, the state loader inside one: a
 * savepoint suits both. */
static int end_write(struct fk_store *st, int rc)
{
    if (rc != 0 && run(st, "ROLLBACK TO lk_write") != 0)
        fk_log(FK_LOG_ERROR, "event=db_rollback_failed error=\"%s\"",
               sqlite3_errmsg(fk_store_db(st)));
    int end = run(st, "RELEASE lk_write");
    return rc != 0 ? rc : end;
}

int lk_db_trunk_put(struct fk_store *st, enum lk_kind kind, const cJSON *info)
{
    if (run(st, "SAVEPOINT lk_write") != 0)
        return FK_EIO;
    int rc = put_row(st,
                     "INSERT INTO trunks (id, kind, info) VALUES (?1, ?2, ?3)"
                     " ON CONFLICT (id) DO NOTHING",
                     "UPDATE trunks SET kind = ?2, info = ?3 WHERE id = ?1",
                     lk_get_str(info, "sip_trunk_id"), lk_kind_name(kind), info);
    /* A new id has no index rows to replace. */
    if (rc >= 0)
        rc = lk_trunk_keys_put(st, kind, info, rc == 0);
    return end_write(st, rc);
}

static int delete_by_id(sqlite3_stmt *s, const char *id)
{
    int rc;
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : FK_EIO;
    if (rc == 0 && sqlite3_changes(sqlite3_db_handle(s)) == 0)
        rc = FK_ENOTFOUND;
    sqlite3_reset(s);
    return rc;
}

int lk_db_trunk_delete(struct fk_store *st, const char *id)
{
    if (run(st, "SAVEPOINT lk_write") != 0)
        return FK_EIO;
    int rc = delete_by_id(fk_store_stmt(st, "DELETE FROM trunks WHERE id = ?"), id);
    if (rc == 0)
        rc = lk_trunk_keys_delete(st, id);
    return end_write(st, rc);
}

int lk_db_rule_get(struct fk_store *st, const char *id, cJSON **info)
{
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT info FROM dispatch_rules WHERE id = ?");
    *info = NULL;
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    cJSON *arr = lk_db_collect(s);
    if (!arr)
        return FK_EIO;
    *info = cJSON_DetachItemFromArray(arr, 0);
    cJSON_Delete(arr);
    return *info ? 0 : FK_ENOTFOUND;
}

cJSON *lk_db_rule_list(struct fk_store *st)
{
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT info FROM dispatch_rules ORDER BY id");
    return s ? lk_db_collect(s) : NULL;
}

int lk_db_rule_put(struct fk_store *st, const cJSON *info)
{
    if (run(st, "SAVEPOINT lk_write") != 0)
        return FK_EIO;
    int rc = put_row(st,
                     "INSERT INTO dispatch_rules (id, info) VALUES (?1, ?2)"
                     " ON CONFLICT (id) DO NOTHING",
                     "UPDATE dispatch_rules SET info = ?2 WHERE id = ?1",
                     lk_get_str(info, "sip_dispatch_rule_id"), NULL, info);
    if (rc >= 0)
        rc = lk_rule_keys_put(st, info, rc == 0);
    return end_write(st, rc);
}

int lk_db_rule_delete(struct fk_store *st, const char *id)
{
    if (run(st, "SAVEPOINT lk_write") != 0)
        return FK_EIO;
    int rc = delete_by_id(fk_store_stmt(st, "DELETE FROM dispatch_rules WHERE id = ?"), id);
    if (rc == 0)
        rc = lk_rule_keys_delete(st, id);
    return end_write(st, rc);
}

/* ---- state documents ---- */

static int load_keys(struct fk_store *st, const cJSON *arr, const char *path, struct fk_error *err)
{
    static const char *const allowed[] = {"key", "secret", NULL};
    char sub[FK_ERRMSG_MAX];
    int i = 0;
    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        const char *key = NULL, *secret = NULL;
        if (snprintf(sub, sizeof(sub), "%s.api_keys[%d]", path, i) < 0)
            sub[0] = '\0';
        if (!cJSON_IsObject(e)) {
            fk_error_set(err, "%s: expected an object", sub);
            return FK_EINVAL;
        }
        if (fk_json_check_keys(e, sub, allowed, err) != 0 ||
            fk_json_get_string(e, "key", sub, true, &key, err) != 0 ||
            fk_json_get_string(e, "secret", sub, true, &secret, err) != 0)
            return FK_EINVAL;
        if (put_key(st, key, secret) != 0) {
            fk_error_set(err, "%s: cannot store: %s", sub, sqlite3_errmsg(fk_store_db(st)));
            return FK_EIO;
        }
    }
    return 0;
}

/* Items of one list: decoded, given an id when they have none, stored. */
static int load_items(struct fk_store *st, const cJSON *arr, const char *path, const char *name,
                      int kind, struct fk_error *err)
{
    const struct lk_msg *m = kind == LK_INBOUND    ? &lk_msg_inbound_trunk
                             : kind == LK_OUTBOUND ? &lk_msg_outbound_trunk
                                                   : &lk_msg_dispatch_rule;
    const char *idkey = kind ? "sip_trunk_id" : "sip_dispatch_rule_id";
    char sub[FK_ERRMSG_MAX], id[32];
    struct fk_error why = {{0}};
    int i = 0, rc = 0;
    for (const cJSON *e = arr->child; e && rc == 0; e = e->next, i++) {
        cJSON *info = NULL;
        if (snprintf(sub, sizeof(sub), "%s.%s[%d]", path, name, i) < 0)
            sub[0] = '\0';
        rc = lk_pj_decode(e, m, &info, &why);
        if (rc == FK_EINVAL) {
            fk_error_set(err, "%s: %s", sub, why.msg);
            break;
        }
        if (rc != 0)
            break;
        if (!lk_get_str(info, idkey)[0]) {
            rc = lk_new_id(st, kind ? "ST_" : "SDR_", id, sizeof(id));
            if (rc == 0)
                rc = lk_set_str(info, idkey, id);
        }
        if (rc == 0)
            rc = kind ? lk_db_trunk_put(st, (enum lk_kind)kind, info) : lk_db_rule_put(st, info);
        if (rc == FK_EIO)
            fk_error_set(err, "%s: cannot store: %s", sub, sqlite3_errmsg(fk_store_db(st)));
        cJSON_Delete(info);
    }
    return rc;
}

int lk_db_load_state(struct fk_store *st, void *svc, const cJSON *state, const char *path,
                     struct fk_error *err)
{
    static const char *const allowed[] = {"api_keys", "inbound_trunks", "outbound_trunks",
                                          "dispatch_rules", NULL};
    static const struct {
        const char *name;
        int kind;
    } lists[] = {
        {"inbound_trunks", LK_INBOUND}, {"outbound_trunks", LK_OUTBOUND}, {"dispatch_rules", 0}};
    const cJSON *arr = NULL;
    /* The seed key is not part of a state document. */
    (void)svc;
    if (!cJSON_IsObject(state)) {
        fk_error_set(err, "%s: expected an object", path);
        return FK_EINVAL;
    }
    if (fk_json_check_keys(state, path, allowed, err) != 0)
        return FK_EINVAL;
    if (fk_json_get_array(state, "api_keys", path, false, &arr, err) != 0)
        return FK_EINVAL;
    if (arr && load_keys(st, arr, path, err) != 0)
        return FK_EINVAL;
    for (size_t i = 0; i < FK_NELEM(lists); i++) {
        arr = NULL;
        if (fk_json_get_array(state, lists[i].name, path, false, &arr, err) != 0)
            return FK_EINVAL;
        int rc = arr ? load_items(st, arr, path, lists[i].name, lists[i].kind, err) : 0;
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Encode every sparse item of arr (taken) into a new array under key of out. */
static int add_encoded(cJSON *out, const char *key, cJSON *arr, const struct lk_msg *m)
{
    cJSON *enc = cJSON_CreateArray();
    int rc = arr && enc ? 0 : FK_ENOMEM;
    for (const cJSON *e = arr ? arr->child : NULL; rc == 0 && e; e = e->next) {
        cJSON *item = lk_pj_encode(e, m);
        if (!item || !cJSON_AddItemToArray(enc, item)) {
            cJSON_Delete(item);
            rc = FK_ENOMEM;
        }
    }
    if (rc == 0 && !cJSON_AddItemToObject(out, key, enc))
        rc = FK_ENOMEM;
    if (rc != 0)
        cJSON_Delete(enc);
    cJSON_Delete(arr);
    return rc;
}

cJSON *lk_db_dump_state(struct fk_store *st, void *svc)
{
    cJSON *out = cJSON_CreateObject();
    (void)svc; /* keys and secrets stay out of the dump */
    if (!out ||
        add_encoded(out, "inbound_trunks", lk_db_trunk_list(st, LK_INBOUND),
                    &lk_msg_inbound_trunk) != 0 ||
        add_encoded(out, "outbound_trunks", lk_db_trunk_list(st, LK_OUTBOUND),
                    &lk_msg_outbound_trunk) != 0 ||
        add_encoded(out, "dispatch_rules", lk_db_rule_list(st), &lk_msg_dispatch_rule) != 0) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}
