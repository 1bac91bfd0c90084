/* trunk_keys.h: the numbers and conflict keys of stored trunks, kept in SQLite for indexed
 * lookups.
 *
 * The `numbers` filter of ListSIP*Trunk (and so the walk of the inbound number-conflict
 * check, which lists trunks by number as livekit-server does) looks trunks up by number;
 * scanning every stored trunk's JSON made each call cost O(trunks). Every stored trunk gets
 * rows in trunk_numbers: one per listed number (number raw, norm as lk_normalize_number gives
 * it), or one wildcard row (wild 1, number and norm "") when it lists none, which the filter
 * returns for any number.
 *
 * trunk_conflict_keys holds the keys sip.ValidateTrunksIter files an inbound trunk under
 * (lk_trunk_conflict_keys), each once per trunk (a trunk meeting its own key is no conflict),
 * so that the walk's short form (walks.h) finds the trunks sharing a key with a new one by
 * lookup; a key too long for a walk (LK_KEY_MAX, conflicts.h) gets a marker row (bucket NULL)
 * instead. conflict_flaws 'trunks' (db.h) counts the marker rows plus, for each key, the
 * trunks holding it beyond the first: 0 exactly when no walk of stored trunks fails on them
 * without a new trunk (kept as rule_keys.h keeps its count). Outbound trunks take part in no
 * conflict check and have no such rows.
 *
 * The rows follow every write of trunks (db.c); like db.c, every function expects the store
 * to be locked. */
#ifndef LK_TRUNK_KEYS_H
#define LK_TRUNK_KEYS_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "fake_livekit/db_rows.h"
#include "fakekit/err.h"
#include "fakekit/store.h"

/* One conflict key: bucket is a number normalised ("" for a trunk without numbers); allowed
 * the allowed number as listed, or NULL for a trunk without allowed numbers, and
 * allowed_norm its normalised form ("" when NULL). */
typedef int (*lk_trunk_key_fn)(const char *bucket, const char *allowed, const char *allowed_norm,
                               void *ctx);
/* Call fn with each key of the inbound trunk in the order sip.ValidateTrunksIter files them
 * (sip/sip.go:305, 350): for each number, normalised (one "" bucket when it has none), ""
 * when the trunk has no allowed numbers, else each allowed number (a non-string element as
 * ""). Stops at fn's first non-zero return and returns it; 0, FK_ENOMEM. */
int lk_trunk_conflict_keys(const cJSON *trunk, lk_trunk_key_fn fn, void *ctx) FK_MUST_CHECK;

/* Write the rows of info (a trunk of kind), replacing those of info["sip_trunk_id"] when
 * replace (a trunk stored before has some; a new one none). 0, FK_EIO, FK_ENOMEM. */
int lk_trunk_keys_put(struct fk_store *st, enum lk_kind kind, const cJSON *info,
                      bool replace) FK_MUST_CHECK;
/* Drop the rows of trunk id. 0 or FK_EIO. */
int lk_trunk_keys_delete(struct fk_store *st, const char *id) FK_MUST_CHECK;
/* Recompute every row and the flaw count from trunks (a database written before the tables
 * existed, or a reset). */
int lk_trunk_keys_rebuild(struct fk_store *st) FK_MUST_CHECK;

#endif
