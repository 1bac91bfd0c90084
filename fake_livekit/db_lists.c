/* db_lists.c: the filtered candidates and the pages of fake_livekit's List calls (db.h).
 *
 * A candidate list gathers the seq of its rows with indexed point lookups, reads each row
 * once, then sorts the rows by id in C. Sets and order are kept in C on purpose: "IN (SELECT
 * ...)", UNION and ORDER BY over a join make SQLite open ephemeral tables, each with a fresh
 * page cache, and that allocation cost more than the lookups themselves. A page is one range
 * scan of the (kind, id) index or of dispatch_rules' id index, already in id order. */
#include <stdlib.h>
#include <string.h>

#include "fake_livekit/db.h"
#include "fake_livekit/filter.h"
#include "fake_livekit/proto_json.h"
#include "fake_livekit/rule_keys.h"
#include "fake_livekit/trunk_keys.h"

struct seqs {
    sqlite3_int64 *v;
    size_t n, cap;
};

/* Step s (parameters bound) and append its column 0 to q. 0, FK_EIO, FK_ENOMEM. */
static int add_seqs(sqlite3_stmt *s, struct seqs *q)
{
    int step, rc = 0;
    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        if (q->n == q->cap) {
            size_t cap = q->cap ? 2 * q->cap : 16;
            sqlite3_int64 *v = realloc(q->v, cap * sizeof(*v));
            if (!v) {
                rc = FK_ENOMEM;
                break;
            }
            q->v = v;
            q->cap = cap;
        }
        q->v[q->n++] = sqlite3_column_int64(s, 0);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = FK_EIO;
    sqlite3_reset(s);
    return rc;
}

/* The cached statement sql with text bound to ?1 and kind to ?2, each unless NULL. */
static sqlite3_stmt *bound(struct fk_store *st, const char *sql, const char *text, const char *kind)
{
    sqlite3_stmt *s = fk_store_stmt(st, sql);
    if (s && text)
        sqlite3_bind_text(s, 1, text, -1, SQLITE_TRANSIENT);
    if (s && kind)
        sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
    return s;
}

/* add_seqs of the statement sql, bound as bound() binds it. */
static int add_seqs_for(struct fk_store *st, const char *sql, const char *text, const char *kind,
                        struct seqs *q)
{
    sqlite3_stmt *s = bound(st, sql, text, kind);
    return s ? add_seqs(s, q) : FK_EIO;
}

static int cmp_seq(const void *a, const void *b)
{
    sqlite3_int64 x = *(const sqlite3_int64 *)a, y = *(const sqlite3_int64 *)b;
    return (x > y) - (x < y);
}

/* The infos of the rows of q (freed here), each once, sorted by idkey; NULL on error or when
 * rc (the gathering's result) is not 0. sql selects info by seq. */
static cJSON *by_seq(struct fk_store *st, const char *sql, const char *idkey, struct seqs *q,
                     int rc)
{
    cJSON *arr = rc == 0 ? cJSON_CreateArray() : NULL;
    if (arr && q->n > 1)
        qsort(q->v, q->n, sizeof(q->v[0]), cmp_seq);
    for (size_t i = 0; arr && i < q->n; i++) {
        if (i > 0 && q->v[i] == q->v[i - 1])
            continue;
        sqlite3_stmt *s = fk_store_stmt(st, sql);
        cJSON *got = NULL;
        if (s) {
            sqlite3_bind_int64(s, 1, q->v[i]);
            got = lk_db_collect(s);
        }
        cJSON *item = got ? cJSON_DetachItemFromArray(got, 0) : NULL;
        cJSON_Delete(got);
        if (!got || (item && !cJSON_AddItemToArray(arr, item))) {
            cJSON_Delete(item);
            cJSON_Delete(arr);
            arr = NULL;
        }
    }
    free(q->v);
    if (arr && lk_sort_by_id(arr, idkey) != 0) {
        cJSON_Delete(arr);
        arr = NULL;
    }
    return arr;
}

/* The strings of arr, each through add_seqs_for (normalized first when norm). */
static int add_seqs_each(struct fk_store *st, const char *sql, const cJSON *arr, const char *kind,
                         bool norm, struct seqs *q)
{
    int rc = 0;
    for (const cJSON *e = arr ? arr->child : NULL; rc == 0 && e; e = e->next) {
        if (!cJSON_IsString(e))
            continue;
        char *buf = norm ? lk_number_norm(e->valuestring) : NULL;
        if (norm && !buf)
            return FK_ENOMEM;
        rc = add_seqs_for(st, sql, norm ? buf : e->valuestring, kind, q);
        free(buf);
    }
    return rc;
}

static const char trunk_by_seq[] = "SELECT info FROM trunks WHERE seq = ?1";
static const char rule_by_seq[] = "SELECT info FROM dispatch_rules WHERE seq = ?1";

cJSON *lk_db_trunk_list_ids(struct fk_store *st, enum lk_kind kind, const cJSON *ids)
{
    struct seqs q = {0};
    int rc = add_seqs_each(st, "SELECT seq FROM trunks WHERE id = ?1 AND kind = ?2", ids,
                           lk_kind_name(kind), false, &q);
    return by_seq(st, trunk_by_seq, "sip_trunk_id", &q, rc);
}

cJSON *lk_db_trunk_list_numbers(struct fk_store *st, enum lk_kind kind, const cJSON *want)
{
    struct seqs q = {0};
    int rc = add_seqs_for(st,
                          "SELECT t.seq FROM trunk_numbers n JOIN trunks t ON t.id = n.trunk_id"
                          " WHERE n.norm = '' AND n.kind = ?2 AND n.wild = 1",
                          NULL, lk_kind_name(kind), &q);
    if (rc == 0)
        rc = add_seqs_each(st,
                           "SELECT t.seq FROM trunk_numbers n JOIN trunks t ON t.id = n.trunk_id"
                           " WHERE n.norm = ?1 AND n.kind = ?2",
                           want, lk_kind_name(kind), true, &q);
    return by_seq(st, trunk_by_seq, "sip_trunk_id", &q, rc);
}

cJSON *lk_db_rule_list_ids(struct fk_store *st, const cJSON *ids)
{
    struct seqs q = {0};
    int rc =
        add_seqs_each(st, "SELECT seq FROM dispatch_rules WHERE id = ?1", ids, NULL, false, &q);
    return by_seq(st, rule_by_seq, "sip_dispatch_rule_id", &q, rc);
}

cJSON *lk_db_rule_list_trunks(struct fk_store *st, const cJSON *trunk_ids)
{
    struct seqs q = {0};
    int rc = add_seqs_for(st,
                          "SELECT r.seq FROM dispatch_rule_trunks k"
                          " JOIN dispatch_rules r ON r.id = k.rule_id"
                          " WHERE k.trunk_id = '' AND k.wild = 1",
                          NULL, NULL, &q);
    if (rc == 0)
        rc = add_seqs_each(st,
                           "SELECT r.seq FROM dispatch_rule_trunks k"
                           " JOIN dispatch_rules r ON r.id = k.rule_id WHERE k.trunk_id = ?1",
                           trunk_ids, NULL, false, &q);
    return by_seq(st, rule_by_seq, "sip_dispatch_rule_id", &q, rc);
}

/* ---- the stored items sharing a conflict key ---- */

struct gather {
    struct fk_store *st;
    struct seqs *q;
};

static int gather_rule(const char *pin, const char *trunk, const char *inbound, const char *number,
                       void *ctx)
{
    struct gather *g = ctx;
    sqlite3_stmt *s = fk_store_stmt(g->st, "SELECT r.seq FROM rule_conflict_keys k"
                                           " JOIN dispatch_rules r ON r.id = k.rule_id"
                                           " WHERE k.pin = ?1 AND k.trunk = ?2"
                                           " AND k.inbound = ?3 AND k.number = ?4");
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, pin, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, trunk, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, inbound, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, number, -1, SQLITE_TRANSIENT);
    return add_seqs(s, g->q);
}

static int gather_trunk(const char *bucket, const char *allowed, const char *allowed_norm,
                        void *ctx)
{
    struct gather *g = ctx;
    sqlite3_stmt *s = fk_store_stmt(g->st, "SELECT t.seq FROM trunk_conflict_keys k"
                                           " JOIN trunks t ON t.id = k.trunk_id"
                                           " WHERE k.bucket = ?1 AND k.allowed = ?2");
    (void)allowed; /* keys hold the normalised form */
    if (!s)
        return FK_EIO;
    sqlite3_bind_text(s, 1, bucket, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, allowed_norm, -1, SQLITE_TRANSIENT);
    return add_seqs(s, g->q);
}

cJSON *lk_db_rule_list_sharing(struct fk_store *st, const cJSON *rule)
{
    struct seqs q = {0};
    struct gather g = {st, &q};
    int rc = lk_rule_conflict_keys(rule, gather_rule, &g);
    return by_seq(st, rule_by_seq, "sip_dispatch_rule_id", &q, rc);
}

cJSON *lk_db_trunk_list_sharing(struct fk_store *st, const cJSON *trunk)
{
    struct seqs q = {0};
    struct gather g = {st, &q};
    int rc = lk_trunk_conflict_keys(trunk, gather_trunk, &g);
    return by_seq(st, trunk_by_seq, "sip_trunk_id", &q, rc);
}

/* ---- the first item of a filtered list ---- */

/* Keep in *best the least of it and the min(...) that sql (text bound to ?1 unless NULL,
 * kind to ?2 unless NULL) answers; a NULL answer (no rows) changes nothing. */
static int least_id(struct fk_store *st, const char *sql, const char *text, const char *kind,
                    char **best)
{
    sqlite3_stmt *s = bound(st, sql, text, kind);
    int rc = 0;
    if (!s)
        return FK_EIO;
    int step = sqlite3_step(s);
    const char *id = step == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
    if (step != SQLITE_ROW)
        rc = FK_EIO;
    else if (id && (!*best || strcmp(id, *best) < 0)) {
        free(*best);
        *best = strdup(id);
        rc = *best ? 0 : FK_ENOMEM;
    }
    sqlite3_reset(s);
    return rc;
}

/* least_id over each string of arr (normalised first when norm). */
static int least_id_each(struct fk_store *st, const char *sql, const cJSON *arr, const char *kind,
                         bool norm, char **best)
{
    int rc = 0;
    for (const cJSON *e = arr->child; rc == 0 && e; e = e->next) {
        if (!cJSON_IsString(e))
            continue;
        char *buf = norm ? lk_number_norm(e->valuestring) : NULL;
        rc = norm && !buf ? FK_ENOMEM : least_id(st, sql, buf ? buf : e->valuestring, kind, best);
        free(buf);
    }
    return rc;
}

/* The reads of a first id: min(id) of every item (no filter), of the wild rows, and of the
 * rows of one filter value (normalised first when norm). */
struct first_sql {
    const char *all, *wild, *each;
    bool norm;
};

static int first_id(struct fk_store *st, const struct first_sql *q, const cJSON *by,
                    const char *kind, char **id)
{
    int rc;
    *id = NULL;
    if (!by || !by->child)
        rc = least_id(st, q->all, NULL, kind, id);
    else if ((rc = least_id(st, q->wild, NULL, kind, id)) == 0)
        rc = least_id_each(st, q->each, by, kind, q->norm, id);
    if (rc != 0) {
        free(*id);
        *id = NULL;
    }
    return rc;
}

int lk_db_rule_first_id(struct fk_store *st, const cJSON *trunk_ids, char **id)
{
    static const struct first_sql q = {
        "SELECT min(id) FROM dispatch_rules",
        "SELECT min(rule_id) FROM dispatch_rule_trunks WHERE trunk_id = '' AND wild = 1",
        "SELECT min(rule_id) FROM dispatch_rule_trunks WHERE trunk_id = ?1 AND wild = 0", false};
    return first_id(st, &q, trunk_ids, NULL, id);
}

int lk_db_inbound_first_id(struct fk_store *st, const cJSON *numbers, char **id)
{
    static const struct first_sql q = {
        "SELECT min(id) FROM trunks WHERE kind = ?2",
        "SELECT min(trunk_id) FROM trunk_numbers WHERE norm = '' AND kind = ?2 AND wild = 1",
        "SELECT min(trunk_id) FROM trunk_numbers WHERE norm = ?1 AND kind = ?2 AND wild = 0", true};
    return first_id(st, &q, numbers, lk_kind_name(LK_INBOUND), id);
}

/* ---- pages ---- */

cJSON *lk_db_trunk_page(struct fk_store *st, enum lk_kind kind, const char *after_id, int limit)
{
    sqlite3_stmt *s = fk_store_stmt(st, "SELECT info FROM trunks WHERE kind = ?1 AND id > ?2"
                                        " ORDER BY id LIMIT ?3");
    if (!s)
        return NULL;
    sqlite3_bind_text(s, 1, lk_kind_name(kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, after_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 3, limit);
    return lk_db_collect(s);
}

cJSON *lk_db_rule_page(struct fk_store *st, const char *after_id, int limit)
{
    sqlite3_stmt *s =
        fk_store_stmt(st, "SELECT info FROM dispatch_rules WHERE id > ?1 ORDER BY id LIMIT ?2");
    if (!s)
        return NULL;
    sqlite3_bind_text(s, 1, after_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 2, limit);
    return lk_db_collect(s);
}

/* ---- order ---- */

struct keyed {
    const char *id;
    cJSON *item;
};

static int cmp_keyed(const void *a, const void *b)
{
    return strcmp(((const struct keyed *)a)->id, ((const struct keyed *)b)->id);
}

int lk_sort_by_id(cJSON *arr, const char *idkey)
{
    size_t n = (size_t)cJSON_GetArraySize(arr), i = 0;
    if (n < 2)
        return 0;
    struct keyed *v = malloc(n * sizeof(*v));
    if (!v)
        return FK_ENOMEM;
    for (cJSON *e = arr->child; e; e = e->next, i++) {
        v[i].id = lk_get_str(e, idkey);
        v[i].item = e;
    }
    qsort(v, n, sizeof(*v), cmp_keyed);
    /* Relink the children in the new order (cJSON: prev of the first is the last). */
    for (i = 0; i < n; i++) {
        v[i].item->prev = i ? v[i - 1].item : v[n - 1].item;
        v[i].item->next = i + 1 < n ? v[i + 1].item : NULL;
    }
    arr->child = v[0].item;
    free(v);
    return 0;
}
