/* dispatch.h: SIP dispatch rules: the Twirp methods, in the order of checks of livekit/livekit
 * pkg/service/sip.go:430-582 (at 788d4c3), with livekit/protocol's validation (validate.h),
 * conflict rule (conflicts.h) and list semantics (lists.h).
 *
 * CreateSIPDispatchRule takes both forms the server accepts: `dispatch_rule` (new) or the
 * deprecated flat fields the Node SDK sends (rule, trunk_ids, name, ...), merged as
 * livekit/protocol's CreateSIPDispatchRuleRequest.DispatchRuleInfo() does (livekit/sip.go:781):
 * `dispatch_rule`, when given, wins whole, and the flat fields are then ignored except that
 * the flat trunk_ids still choose which stored rules the conflict check sees (sip.go:452). */
#ifndef LK_DISPATCH_H
#define LK_DISPATCH_H

#include "fake_livekit/call.h"

int lk_rule_create(struct lk_call *c);
int lk_rule_update(struct lk_call *c);
int lk_rule_list(struct lk_call *c);
int lk_rule_delete(struct lk_call *c);

#endif
