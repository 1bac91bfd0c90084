/* rule_keys.c: dispatch_rule_trunks and rule_conflict_keys, the indexed trunks and conflict
 * keys of the stored dispatch rules (see rule_keys.h), so that the `trunk_ids` filter of a
 * List and the short walk of a conflict check are lookups, not scans. */
#include "fake_livekit/rule_keys.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fake_livekit/conflict_key.h"
#include "fake_livekit/db_rows.h"
#include "fake_livekit/filter.h"
#include "fake_livekit/proto_json.h"

const cJSON *lk_rule_member(const cJSON *info)
{
    static const char *const members[] = {"dispatch_rule_direct", "dispatch_rule_individual",
                                          "dispatch_rule_callee"};
    const cJSON *rule = cJSON_GetObjectItemCaseSensitive(info, "rule");
    for (size_t i = 0; rule && i < FK_NELEM(members); i++) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(rule, members[i]);
        if (m)
            return m;
    }
    return NULL;
}

/* ---- the conflict keys of a rule ---- */

/* The elements of obj[key] as strings (non-strings as ""), normalised when norm, or the one
 * string "" for an empty list. *n is their count; caller frees each and the array. */
static char **parts(const cJSON *obj, const char *key, bool norm, size_t *n)
{
    const cJSON *arr = lk_get_array(obj, key);
    size_t len = arr && arr->child ? (size_t)cJSON_GetArraySize(arr) : 1, i = 0;
    char **v = calloc(len, sizeof(*v));
    if (!v)
        return NULL;
    for (const cJSON *e = arr ? arr->child : NULL; i < len; i++, e = e ? e->next : NULL) {
        const char *s = e && cJSON_IsString(e) ? e->valuestring : "";
        v[i] = norm ? lk_number_norm(s) : strdup(s);
        if (!v[i]) {
            for (size_t j = 0; j < i; j++)
                free(v[j]);
            free(v);
            return NULL;
        }
    }
    *n = len;
    return v;
}

static void free_parts(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

int lk_rule_conflict_keys(const cJSON *rule, lk_rule_key_fn fn, void *ctx)
{
    const cJSON *member = lk_rule_member(rule);
    size_t nt = 0, ni = 0, nn = 0;
    int rc = 0;
    if (!member)
        return 0;
    const char *pin = lk_get_str(member, "pin");
    char **trunks = parts(rule, "trunk_ids", false, &nt);
    char **in = parts(rule, "inbound_numbers", true, &ni);
    char **num = parts(rule, "numbers", true, &nn);
    if (!trunks || !in || !num)
        rc = FK_ENOMEM;
    for (size_t a = 0; rc == 0 && a < nt; a++) {
        for (size_t b = 0; rc == 0 && b < ni; b++) {
            for (size_t c = 0; rc == 0 && c < nn; c++)
                rc = fn(pin, trunks[a], in[b], num[c], ctx);
        }
    }
    free_parts(trunks, nt);
    free_parts(in, ni);
    free_parts(num, nn);
    return rc;
}

/* ---- rows ---- */

/* How many rows of rule ?1 make a walk of stored rules fail (rule_keys.h). */
static const char count_flaws[] =
    "SELECT count(*) FROM rule_conflict_keys k WHERE k.rule_id = ?1 AND (k.pin IS NULL OR"
    " EXISTS (SELECT 1 FROM rule_conflict_keys o WHERE o.pin = k.pin AND o.trunk = k.trunk"
    " AND o.inbound = k.inbound AND o.number = k.number"
    " AND (o.rule_id <> ?1 OR o.rowid < k.rowid)))";

int lk_rule_keys_delete(struct fk_store *st, const char *id)
{
    int rc = lk_db_flaws_move(st, "rules", count_flaws, id, -1);
    if (rc == 0)
        rc = lk_db_run_id(st, "DELETE FROM rule_conflict_keys WHERE rule_id = ?", id);
    if (rc == 0)
        rc = lk_db_run_id(st, "DELETE FROM dispatch_rule_trunks WHERE rule_id = ?", id);
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

/* Insert one rule_conflict_keys row (ctx: the statement, ?1 bound to the rule id); a NULL
 * pin is the marker of a rule without a member or of a key too long for a walk. */
static int insert_key(const char *pin, const char *trunk, const char *inbound, const char *number,
                      void *ctx)
{
    sqlite3_stmt *s = ctx;
    const char *const part[] = {pin ? pin : "", trunk, inbound, number};
    if (!lk_conflict_key_fits(part, 4))
        pin = NULL;
    if (pin)
        sqlite3_bind_text(s, 2, pin, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 2);
    sqlite3_bind_text(s, 3, trunk, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, inbound, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, number, -1, SQLITE_TRANSIENT);
    return lk_db_step_done(s);
}

/* Both kinds of rows of info, without deleting any, and the flaws they bring. */
static int insert_all(struct fk_store *st, const cJSON *info)
{
    const char *id = lk_get_str(info, "sip_dispatch_rule_id");
    int rc = insert_trunks(st, info);
    sqlite3_stmt *s = fk_store_stmt(st, "INSERT INTO rule_conflict_keys (rule_id, pin, trunk,"
                                        " inbound, number) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
    if (rc == 0)
        rc = lk_rule_member(info) ? lk_rule_conflict_keys(info, insert_key, s)
                                  : insert_key(NULL, "", "", "", s);
    sqlite3_clear_bindings(s);
    return rc == 0 ? lk_db_flaws_move(st, "rules", count_flaws, id, 1) : rc;
}

int lk_rule_keys_put(struct fk_store *st, const cJSON *info, bool replace)
{
    int rc = replace ? lk_rule_keys_delete(st, lk_get_str(info, "sip_dispatch_rule_id")) : 0;
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
    return lk_db_reindex(st,
                         "DELETE FROM dispatch_rule_trunks; DELETE FROM rule_conflict_keys;"
                         " DELETE FROM conflict_flaws WHERE what = 'rules';",
                         "SELECT info FROM dispatch_rules", rebuild_one);
}
