/* trunks.h: inbound and outbound SIP trunks: the Twirp methods and the server's rules.
 *
 * Rules copied from livekit/protocol (livekit/sip.go Validate/Apply, sip/sip.go
 * ValidateTrunks) as docs/reference/livekit.md §2 records them. The pure checks are exposed for
 * unit tests; they work on sparse messages (proto_json.h). */
#ifndef LK_TRUNKS_H
#define LK_TRUNKS_H

#include <cjson/cJSON.h>

#include "fake_livekit/db.h"
#include "fake_livekit/filter.h" /* lk_filter_list, lk_normalize_number */
#include "fake_livekit/twirp.h"
#include "fakekit/err.h"
#include "fakekit/store.h"

/* SIPInboundTrunkInfo.Validate / SIPOutboundTrunkInfo.Validate: 0 or FK_EINVAL, err holding
 * the server's message ("no trunk numbers specified"). */
int lk_inbound_validate(const cJSON *trunk, struct fk_error *err) FK_MUST_CHECK;
int lk_outbound_validate(const cJSON *trunk, struct fk_error *err) FK_MUST_CHECK;

/* The number-conflict rule: trunk (new when its id is "", else updated) against existing
 * (an array of inbound trunks; one with trunk's id is skipped). A number may sit on two
 * trunks only when their AllowedNumbers tell calls apart. 0, or FK_EINVAL with the server's
 * message: Conflicting inbound SIP Trunks: "<new>" and "ST_x", using the same number(s)
 * ["+1"] without AllowedNumbers set. */
int lk_inbound_conflict(const cJSON *existing, const cJSON *trunk,
                        struct fk_error *err) FK_MUST_CHECK;
/* The same rule against the stored inbound trunks through their indexed numbers
 * (trunk_keys.h), as the handlers run it; lk_inbound_conflict is its reference. 0,
 * FK_EINVAL (message in err), FK_EIO. */
int lk_inbound_conflict_stored(struct fk_store *st, const cJSON *trunk,
                               struct fk_error *err) FK_MUST_CHECK;

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

/* The stored trunks of kind that lk_filter_list must see for the ListSIP*TrunkRequest body
 * (sparse): a superset of what it keeps, in creation order, read through the indexes
 * instead of all rows (db.h). Caller deletes; NULL on error. */
cJSON *lk_trunk_candidates(struct fk_store *st, enum lk_kind kind, const cJSON *body);

#endif
