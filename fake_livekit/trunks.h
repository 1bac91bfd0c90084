/* trunks.h: inbound and outbound SIP trunks: the Twirp methods, in the order of checks of
 * livekit/livekit pkg/service/sip.go:77-428 (at 788d4c3), with livekit/protocol's validation
 * (validate.h), its number-conflict rule (conflicts.h) and its list semantics (lists.h). */
#ifndef LK_TRUNKS_H
#define LK_TRUNKS_H

#include "fake_livekit/call.h"

int lk_trunk_create_inbound(struct lk_call *c);
int lk_trunk_create_outbound(struct lk_call *c);
int lk_trunk_get_inbound(struct lk_call *c);
int lk_trunk_get_outbound(struct lk_call *c);
int lk_trunk_list_inbound(struct lk_call *c);
int lk_trunk_list_outbound(struct lk_call *c);
int lk_trunk_list_legacy(struct lk_call *c); /* ListSIPTrunk (deprecated) */
int lk_trunk_update_inbound(struct lk_call *c);
int lk_trunk_update_outbound(struct lk_call *c);
int lk_trunk_delete(struct lk_call *c);

#endif
