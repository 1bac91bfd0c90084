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

/* sip.ValidateDispatchRules for rule (new when its id is "", else updated) against existing
 * (an array of rules; one with rule's id is skipped): two rules may not share a trunk (or
 * both be wildcards), an inbound number (or both none) and a PIN. 0, or FK_EINVAL with the
 * server's message in err. */
int lk_rule_conflict(const cJSON *existing, const cJSON *rule, struct fk_error *err) FK_MUST_CHECK;

int lk_rule_create(struct lk_call *c);
int lk_rule_update(struct lk_call *c);
int lk_rule_list(struct lk_call *c);
int lk_rule_delete(struct lk_call *c);

#endif
