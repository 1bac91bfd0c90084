/* rule_keys.h: the keys of dispatch rules, kept in SQLite for indexed lookups.
 *
 * dispatch_rule_trunks serves the `trunk_ids` filter of ListSIPDispatchRule (and so the walk
 * of the dispatch-rule conflict check, which lists rules by trunk as livekit-server does): one
 * row per trunk id a rule lists, as listed, or one wild row (wild 1, trunk_id "") for a rule
 * that lists none, which the filter returns for any trunk.
 *
 * rule_conflict_keys holds the keys sip.ValidateDispatchRulesIter files a rule under
 * (lk_rule_conflict_keys), one row per key as filed, repeats included, so that the walk's
 * short form (walks.h) finds the stored rules sharing a key with a new one by lookup. A rule
 * without a rule member gets one marker row (pin NULL) instead, and so does a key too long
 * for a walk (LK_KEY_MAX, conflicts.h). conflict_flaws 'rules'
 * (db.h) counts the marker rows plus, for each key, its rows beyond the first (a rule
 * repeating a key meets itself): 0 exactly when no walk of stored rules, in any order, fails
 * on them without a new rule. A write keeps it by counting, for the rows of one rule, those
 * that are markers or whose key another row holds (another rule's, or the same rule's at a
 * lower rowid): added after inserting them, taken away before deleting them.
 *
 * The rows follow every write of dispatch_rules (db.c); like db.c, every function expects the
 * store to be locked. */
#ifndef LK_RULE_KEYS_H
#define LK_RULE_KEYS_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "fakekit/store.h"

/* The oneof member of info's SIPDispatchRule, or NULL when none is set. Borrowed. */
const cJSON *lk_rule_member(const cJSON *info);

/* One conflict key: pin, trunk id, inbound number and number, numbers normalised (filter.h);
 * "" stands for an empty list (any). */
typedef int (*lk_rule_key_fn)(const char *pin, const char *trunk, const char *inbound,
                              const char *number, void *ctx);
/* Call fn with each key of rule in the order DispatchRuleValidator.Validate (sip/sip.go:201)
 * files them: trunk_ids, then inbound_numbers, then numbers, the member's pin in each (a
 * non-string element counts as ""). A rule without a member has none. Stops at fn's first
 * non-zero return and returns it; 0, FK_ENOMEM. */
int lk_rule_conflict_keys(const cJSON *rule, lk_rule_key_fn fn, void *ctx) FK_MUST_CHECK;

/* Write the rows of info, replacing those of info["sip_dispatch_rule_id"] when replace (a
 * rule stored before has some; a new one none). 0, FK_EIO, FK_ENOMEM. */
int lk_rule_keys_put(struct fk_store *st, const cJSON *info, bool replace) FK_MUST_CHECK;
/* Drop the rows of rule id. 0 or FK_EIO. */
int lk_rule_keys_delete(struct fk_store *st, const char *id) FK_MUST_CHECK;
/* Recompute every row and the flaw count from dispatch_rules (a database written before the
 * tables existed, or a reset). */
int lk_rule_keys_rebuild(struct fk_store *st) FK_MUST_CHECK;

#endif
