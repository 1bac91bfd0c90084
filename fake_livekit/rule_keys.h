/* rule_keys.h: the trunks of dispatch rules, kept in SQLite for indexed lookups.
 *
 * The `trunk_ids` filter of ListSIPDispatchRule (and so the candidates of the dispatch-rule
 * conflict check, which lists rules by trunk as livekit-server does) looks rules up by trunk.
 * dispatch_rule_trunks has one row per trunk id a rule lists, as listed, or one wild row
 * (wild 1, trunk_id "") for a rule that lists none, which the filter returns for any trunk.
 * The rows follow every write of dispatch_rules (db.c); like db.c, every function expects the
 * store to be locked. */
#ifndef LK_RULE_KEYS_H
#define LK_RULE_KEYS_H

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "fakekit/store.h"

/* The oneof member of info's SIPDispatchRule, or NULL when none is set. Borrowed. */
const cJSON *lk_rule_member(const cJSON *info);

/* Replace the rows of info["sip_dispatch_rule_id"] with info's. 0 or FK_EIO. */
int lk_rule_keys_put(struct fk_store *st, const cJSON *info) FK_MUST_CHECK;
/* Drop the rows of rule id. 0 or FK_EIO. */
int lk_rule_keys_delete(struct fk_store *st, const char *id) FK_MUST_CHECK;
/* Recompute every row from dispatch_rules (a database written before the table existed, or
 * a reset). */
int lk_rule_keys_rebuild(struct fk_store *st) FK_MUST_CHECK;

#endif
