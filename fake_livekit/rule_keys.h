/* rule_keys.h: the conflict keys of dispatch rules, kept in SQLite for indexed lookups.
 *
 * sip.ValidateDispatchRules forbids two rules that share a (trunk, inbound number, PIN)
 * combination. Every stored rule that has a rule member gets one row per combination in
 * dispatch_rule_keys: trunk_id is a listed trunk ("" for a rule without trunk_ids, i.e. any
 * trunk), number is a listed number normalized to a leading '+' ("" for a rule without
 * inbound_numbers), pin is the member's pin. Empty trunk ids listed by a rule match nothing
 * and get no row. dispatch_rule_trunks, for the `trunk_ids` filter of ListSIPDispatchRule,
 * has one row per trunk id a rule lists, as listed, or one wild row (wild 1, trunk_id "")
 * for a rule that lists none, which the filter returns for any trunk. The rows of both
 * follow every write of dispatch_rules (db.c); like db.c, every function expects the store
 * to be locked. */
#ifndef LK_RULE_KEYS_H
#define LK_RULE_KEYS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "fakekit/store.h"

/* Longest normalized number kept, with its NUL: longer ones are cut to fit, on both sides. */
#define LK_RULE_NUM_MAX 256

/* The oneof member of info's SIPDispatchRule, or NULL when none is set. Borrowed. */
const cJSON *lk_rule_member(const cJSON *info);

/* num with a leading '+' ("1" and "+1" are one number) into out (LK_RULE_NUM_MAX bytes). */
void lk_rule_number(const char *num, char *out, size_t outlen);

/* Replace the rows (both tables) of info["sip_dispatch_rule_id"] with info's. 0, FK_EIO,
 * FK_ENOMEM. */
int lk_rule_keys_put(struct fk_store *st, const cJSON *info) FK_MUST_CHECK;
/* Drop the rows (both tables) of rule id. 0 or FK_EIO. */
int lk_rule_keys_delete(struct fk_store *st, const char *id) FK_MUST_CHECK;
/* Recompute every row of both tables from dispatch_rules (a database written before the
 * tables existed, or a reset). */
int lk_rule_keys_rebuild(struct fk_store *st) FK_MUST_CHECK;

/* The oldest stored rule, other than skip_id (unless ""), holding the key (trunk, number,
 * pin): "" trunk / number ask for a rule without trunks / numbers, number is raw (it is
 * normalized here). 1 with its id in out, 0 when none, FK_EIO. */
int lk_rule_keys_find(struct fk_store *st, const char *skip_id, const char *trunk,
                      const char *number, const char *pin, char *out, size_t outlen) FK_MUST_CHECK;

#endif
