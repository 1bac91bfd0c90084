/* dispatch.h: SIP dispatch rules: the Twirp methods and the server's rules.
 *
 * CreateSIPDispatchRule takes both forms the server accepts: `dispatch_rule` (new) or the
 * deprecated flat fields the Node SDK sends (rule, trunk_ids, name, ...), merged as
 * livekit/protocol's CreateSIPDispatchRuleRequest.DispatchRuleInfo() does. */
#ifndef LK_DISPATCH_H
#define LK_DISPATCH_H

#include <cjson/cJSON.h>

#include "fake_livekit/twirp.h"
#include "fakekit/err.h"
#include "fakekit/store.h"

/* sip.ValidateDispatchRules for rule (new when its id is "", else updated) against existing
 * (an array of rules; one with rule's id is skipped): two rules may not share a trunk (or
 * both be wildcards), an inbound number (or both none) and a PIN. 0, or FK_EINVAL with the
 * server's message in err. */
int lk_rule_conflict(const cJSON *existing, const cJSON *rule, struct fk_error *err) FK_MUST_CHECK;
/* The same check against the stored rules through their indexed keys (rule_keys.h), as the
 * handlers run it; lk_rule_conflict is its reference. 0, FK_EINVAL (message in err), FK_EIO. */
int lk_rule_conflict_stored(struct fk_store *st, const cJSON *rule,
                            struct fk_error *err) FK_MUST_CHECK;

/* The stored rules that lk_filter_list must see for the ListSIPDispatchRuleRequest body
 * (sparse): a superset of what it keeps, in creation order, read through the indexes
 * instead of all rows (db.h). Caller deletes; NULL on error. */
cJSON *lk_rule_candidates(struct fk_store *st, const cJSON *body);

int lk_rule_create(struct lk_call *c);
int lk_rule_update(struct lk_call *c);
int lk_rule_list(struct lk_call *c);
int lk_rule_delete(struct lk_call *c);

#endif
