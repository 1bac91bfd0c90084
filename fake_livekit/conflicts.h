/* conflicts.h: the conflict checks livekit-server runs before it stores an inbound trunk or
 * a dispatch rule (livekit/protocol sip/sip.go at 17c16cf), over the walks lists.h builds:
 * the stored items in id order with the new or updated one among them.
 *
 * Both checks file each item of the walk under keys, in walk order, and fail at the first
 * key already taken, naming the item that took it. Numbers are compared normalised
 * (filter.h): "+14155550310", "14155550310" and "+1 (415) 555-0310" are one number. Messages
 * quote ids and numbers as Go's %q does. */
#ifndef LK_CONFLICTS_H
#define LK_CONFLICTS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "fake_livekit/conflict_key.h"
#include "fake_livekit/validate.h"
#include "fakekit/buf.h"
#include "fakekit/err.h"

/* sip.ValidateTrunksIter (sip/sip.go:350) over seq (inbound trunks, sparse). A trunk is filed
 * under each of its numbers (a trunk without numbers under ""), then, in that number's
 * bucket, under "" when it has no AllowedNumbers, else under each allowed number
 * (validateTrunkInbound, sip/sip.go:305). A key held by another trunk (another id) fails:
 *   Conflicting inbound SIP Trunks: "<later>" and "<earlier>", using the same number(s)
 *   ["+1" "+2"] without AllowedNumbers set          (or: ... and AllowedNumber "+3")
 * with "<new>" for a trunk without id and the later trunk's numbers ("<any>" when none). 0,
 * FK_EINVAL with the message in e (a Twirp invalid_argument error), FK_ENOMEM. */
int lk_trunks_conflict(const cJSON *seq, struct lk_verr *e) FK_MUST_CHECK;

/* sip.ValidateDispatchRulesIter (sip/sip.go:156) over seq (dispatch rules, sparse). A rule
 * without a rule member fails GetPinAndRoom (sip/sip.go:278) with the psrpc error
 * "unsupported SIP Dispatch Rule: <nil>" (coded). Every other rule is filed under each
 * (pin, trunk, inbound number, number) of its lists, an empty list counting as "" (any); a
 * key already filed, even by the same rule, fails:
 *   Dispatch rule for the same trunk, inbound number, number, and PIN combination already
 *   exists in dispatch rule "<id>" "<name>"
 * naming the rule that filed it first ("<new>", "<blank name>" when empty). 0, FK_EINVAL,
 * FK_ENOMEM. */
int lk_rules_conflict(const cJSON *seq, struct lk_verr *e) FK_MUST_CHECK;

/* Append Go's %q of s (strconv.Quote: escapes for '"', '\\', control characters and
 * invalid bytes; other runes as they are) to b. 0 or an fk_buf error. */
int lk_go_quote(struct fk_buf *b, const char *s) FK_MUST_CHECK;

#endif
