/* db.h: fake_livekit's state in SQLite: API keys, trunks, dispatch rules.
 *
 * Trunks and rules are stored as their sparse protojson (proto_json.h) in a text column. Lists
 * come back in id order (text order, as livekit-server's store sorts them); the rowid (seq)
 * only dedups index lookups. Index tables (trunk_keys.h, rule_keys.h) follow every write, in
 * the same savepoint, so that the `numbers` and `trunk_ids` filters and the short walks of
 * the conflict checks (walks.h) are lookups. Every
 * function expects the store to be locked, as fakekit does around handlers and admin calls. The
 * state document for scenarios and POST
 * /__admin/state is
 *   {"api_keys":[{"key","secret"}], "inbound_trunks":[SIPInboundTrunkInfo...],
 *    "outbound_trunks":[SIPOutboundTrunkInfo...], "dispatch_rules":[SIPDispatchRuleInfo...]}
 * with messages in protojson (camelCase or snake_case); an item without an id gets one. */
#ifndef LK_DB_H
#define LK_DB_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "fake_livekit/db_rows.h"
#include "fakekit/err.h"
#include "fakekit/store.h"

extern const char lk_schema_sql[];

/* fk_service callbacks (svc is struct lk_svc *). */
int lk_db_seed(struct fk_store *st, void *svc, struct fk_error *err);
int lk_db_load_state(struct fk_store *st, void *svc, const cJSON *state, const char *path,
                     struct fk_error *err);
cJSON *lk_db_dump_state(struct fk_store *st, void *svc);

/* Copy the secret of key into out: 1 found, 0 unknown, FK_EIO on a database error. */
int lk_db_secret(struct fk_store *st, const char *key, char *out, size_t outlen);

/* A new id: prefix ("ST_" for trunks, "SDR_" for dispatch rules) and 12 characters of the
 * shortuuid alphabet, as livekit's guid.New, that no stored trunk or rule has
 * (fakekit/ids.h). out needs strlen(prefix) + 13 bytes. 0, FK_EIO or FK_ECONFLICT. */
int lk_new_id(struct fk_store *st, const char *prefix, char *out, size_t outlen) FK_MUST_CHECK;

/* Trunk by id: *info (caller cJSON_Delete()s) and *kind. 0, FK_ENOTFOUND, FK_EIO, FK_ENOMEM. */
int lk_db_trunk_get(struct fk_store *st, const char *id, enum lk_kind *kind,
                    cJSON **info) FK_MUST_CHECK;
/* Every trunk of kind as an array of sparse infos in id order (caller deletes); NULL on
 * error. */
cJSON *lk_db_trunk_list(struct fk_store *st, enum lk_kind kind);
/* Insert, or replace in place, the trunk info["sip_trunk_id"]. 0, FK_EIO. */
int lk_db_trunk_put(struct fk_store *st, enum lk_kind kind, const cJSON *info) FK_MUST_CHECK;
/* 0 or FK_ENOTFOUND (or FK_EIO). */
int lk_db_trunk_delete(struct fk_store *st, const char *id) FK_MUST_CHECK;

/* Candidates of a List filter read through the index tables instead of every stored row:
 * a superset of what the filter keeps, in id order (caller deletes), NULL on error.
 * _ids: the items whose id is one of ids (a string array). _numbers: the trunks of kind
 * without numbers plus those listing a number whose lk_normalize_number equals that of one
 * of want. _trunks: the rules without trunk_ids plus those listing one of trunk_ids. */
cJSON *lk_db_trunk_list_ids(struct fk_store *st, enum lk_kind kind, const cJSON *ids);
cJSON *lk_db_trunk_list_numbers(struct fk_store *st, enum lk_kind kind, const cJSON *want);
cJSON *lk_db_rule_list_ids(struct fk_store *st, const cJSON *ids);
cJSON *lk_db_rule_list_trunks(struct fk_store *st, const cJSON *trunk_ids);

/* The stored items holding one of item's conflict keys (rule_keys.h, trunk_keys.h: dispatch
 * rules, inbound trunks), each once, in id order (caller deletes); NULL on error. */
cJSON *lk_db_rule_list_sharing(struct fk_store *st, const cJSON *rule);
cJSON *lk_db_trunk_list_sharing(struct fk_store *st, const cJSON *trunk);
/* The id of the first item (id order) of what the List of rules by trunk_ids, or of inbound
 * trunks by numbers (compared normalised; NULL or empty: no filter) returns, into *id
 * (caller frees; NULL when that List is empty), read as min(id) from the indexes. 0,
 * FK_EIO, FK_ENOMEM. */
int lk_db_rule_first_id(struct fk_store *st, const cJSON *trunk_ids, char **id) FK_MUST_CHECK;
int lk_db_inbound_first_id(struct fk_store *st, const cJSON *numbers, char **id) FK_MUST_CHECK;

/* Sort the objects of arr by their string idkey, as Go's strings.Compare orders ids
 * (bytes). 0 or FK_ENOMEM. */
int lk_sort_by_id(cJSON *arr, const char *idkey) FK_MUST_CHECK;

/* One page as livekit-server's redisIterPage reads it (pkg/service/redisstore.go:1050): at
 * most limit items (limit > 0) whose id is greater than after_id as text (every id when
 * after_id is ""), in id order. Caller deletes; NULL on error. */
cJSON *lk_db_trunk_page(struct fk_store *st, enum lk_kind kind, const char *after_id, int limit);
cJSON *lk_db_rule_page(struct fk_store *st, const char *after_id, int limit);

int lk_db_rule_get(struct fk_store *st, const char *id, cJSON **info) FK_MUST_CHECK;
cJSON *lk_db_rule_list(struct fk_store *st); /* every rule, in id order */
int lk_db_rule_put(struct fk_store *st, const cJSON *info) FK_MUST_CHECK;
int lk_db_rule_delete(struct fk_store *st, const char *id) FK_MUST_CHECK;

#endif
