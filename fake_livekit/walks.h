/* walks.h: the walks the conflict checks of conflicts.h run over, built in full or short.
 *
 * The full walk is what livekit-server walks (lists.h): every stored item a List by the new
 * item's filter returns, in id order, with the new item second for a create, or in its own
 * place for an update (not at all when the List leaves the stored item out). Building it
 * reads and decodes every listed item, so each create or update cost O(stored items).
 *
 * The short walk keeps only the items that can change the answer: the new item and the listed
 * items holding one of its conflict keys (read through the key indexes, rule_keys.h and
 * trunk_keys.h), in id order, the new item in its own place for an update (only when the List
 * keeps the stored one) and for a create after the first listed item (its id read as min(id)
 * from an index), so second when that item is among them and first when it is not. Both walks
 * give the same answer, rc and message, whenever the stored items cannot fail a walk on their
 * own (their flaw count, db.h, is 0):
 *  - an item of the full walk that holds none of the new item's keys files keys that no other
 *    item of the walk holds (the stored items share none) and, having a rule member and no
 *    over-long key, never fails: leaving it out changes neither where the walk fails nor who
 *    filed the key it fails on;
 *  - the walk can then fail only at the new item (at its own first key already taken, by an
 *    earlier item of either walk, or by itself) or at the first later item holding one of its
 *    keys, which names the new item (rules) or the new item as the earlier trunk (trunks):
 *    the same items, in the same order, in both walks.
 * When the stored items do fail on their own (loaded through the admin API, or written
 * before an earlier check let them through), the answer may depend on any of them, and
 * LK_WALK_AUTO builds the full walk. tests/unit/test_lk_walks.c holds both to the same
 * answers on random stores. Every function expects the store to be locked. */
#ifndef LK_WALKS_H
#define LK_WALKS_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "fakekit/store.h"

enum lk_walk_how {
    LK_WALK_AUTO,  /* short when the stored items have no flaw, else full */
    LK_WALK_FULL,  /* the server's walk */
    LK_WALK_SHORT, /* short regardless (tests: it may differ once stored items conflict) */
};

/* The walk of the dispatch-rule check for info (sparse; without id for a create), listed
 * by trunk_ids (the request's flat trunk_ids for a create, info's own for an update; NULL
 * for none). *out (caller deletes) on 0; FK_EIO, FK_ENOMEM. */
int lk_walk_rules(struct fk_store *st, const cJSON *info, const cJSON *trunk_ids, bool create,
                  enum lk_walk_how how, cJSON **out) FK_MUST_CHECK;
/* The walk of the inbound-trunk check for trunk, listed by its numbers. */
int lk_walk_trunks(struct fk_store *st, const cJSON *trunk, bool create, enum lk_walk_how how,
                   cJSON **out) FK_MUST_CHECK;

#endif
