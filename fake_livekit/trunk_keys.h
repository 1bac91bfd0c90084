/* trunk_keys.h: the numbers of stored trunks, kept in SQLite for indexed lookups.
 *
 * The number-conflict rule of inbound trunks and the `numbers` filter of ListSIP*Trunk look
 * trunks up by number; scanning every stored trunk's JSON made each call cost O(trunks).
 * Every stored trunk gets rows in trunk_numbers: one per listed number (number raw, norm as
 * lk_normalize_number gives it, n_allowed its count of allowed_numbers), or one wildcard row
 * (wild 1, number and norm "") when it lists none, as the conflict rule files such a trunk
 * under "" and the filter returns it for any number. Every allowed number of a trunk gets a
 * row in trunk_allowed_numbers, normalized to a leading '+' as the conflict rule compares
 * them. The rows follow every write of trunks (db.c); like db.c, every function expects the
 * store to be locked. */
#ifndef LK_TRUNK_KEYS_H
#define LK_TRUNK_KEYS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "fake_livekit/db.h"
#include "fakekit/err.h"
#include "fakekit/store.h"

/* Longest number compared, with its NUL: the rules cut longer ones to fit, on both sides. */
#define LK_TRUNK_NUM_MAX 256

/* sip.normalizeNumber of the conflict rule: only adds a leading '+' ("" stays ""). */
void lk_trunk_plus_number(const char *num, char *out, size_t outlen);

/* Replace the rows of info["sip_trunk_id"] with info's (a trunk of kind). 0, FK_EIO. */
int lk_trunk_keys_put(struct fk_store *st, enum lk_kind kind, const cJSON *info) FK_MUST_CHECK;
/* Drop the rows of trunk id. 0 or FK_EIO. */
int lk_trunk_keys_delete(struct fk_store *st, const char *id) FK_MUST_CHECK;
/* Recompute every row from trunks (a database written before the tables existed). */
int lk_trunk_keys_rebuild(struct fk_store *st) FK_MUST_CHECK;

/* The oldest stored inbound trunk, other than skip_id (unless ""), that holds number (raw;
 * "" asks for a trunk without numbers, or listing "") and either has no allowed numbers
 * (allowed NULL) or has one equal to allowed (already '+'-normalized). 1 with its id in
 * out, 0 when none, FK_EIO. */
int lk_trunk_keys_find(struct fk_store *st, const char *skip_id, const char *number,
                       const char *allowed, char *out, size_t outlen) FK_MUST_CHECK;

#endif
