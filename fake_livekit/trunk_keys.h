/* trunk_keys.h: the numbers of stored trunks, kept in SQLite for indexed lookups.
 *
 * The `numbers` filter of ListSIP*Trunk (and so the candidates of the inbound number-conflict
 * check, which lists trunks by number as livekit-server does) looks trunks up by number;
 * scanning every stored trunk's JSON made each call cost O(trunks). Every stored trunk gets
 * rows in trunk_numbers: one per listed number (number raw, norm as lk_normalize_number gives
 * it), or one wildcard row (wild 1, number and norm "") when it lists none, which the filter
 * returns for any number. The rows follow every write of trunks (db.c); like db.c, every
 * function expects the store to be locked. */
#ifndef LK_TRUNK_KEYS_H
#define LK_TRUNK_KEYS_H

#include <cjson/cJSON.h>

#include "fake_livekit/db.h"
#include "fakekit/err.h"
#include "fakekit/store.h"

/* Replace the rows of info["sip_trunk_id"] with info's (a trunk of kind). 0, FK_EIO,
 * FK_ENOMEM. */
int lk_trunk_keys_put(struct fk_store *st, enum lk_kind kind, const cJSON *info) FK_MUST_CHECK;
/* Drop the rows of trunk id. 0 or FK_EIO. */
int lk_trunk_keys_delete(struct fk_store *st, const char *id) FK_MUST_CHECK;
/* Recompute every row from trunks (a database written before the tables existed). */
int lk_trunk_keys_rebuild(struct fk_store *st) FK_MUST_CHECK;

#endif
