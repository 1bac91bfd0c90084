/* trunks.h: inbound and outbound SIP trunks: the Twirp methods and the server's rules.
 *
 * Rules copied from livekit/protocol (livekit/sip.go Validate/Apply, sip/sip.go
 * ValidateTrunks) as reference/livekit.md §2 records them. The pure checks are exposed for
 * unit tests; they work on sparse messages (proto_json.h). */
#ifndef LK_TRUNKS_H
#define LK_TRUNKS_H

#include <cjson/cJSON.h>

#include "fake_livekit/twirp.h"
#include "fakekit/err.h"

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

/* livekit.NormalizeNumber: "+1 (510) 555-0100" -> "+15105550100"; others unchanged.
 * out >= strlen(num) + 2 bytes. */
void lk_normalize_number(const char *num, char *out, size_t outlen);

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

/* Apply ListSIP*Request filters (trunk_ids in requested order, missing ids as null items;
 * numbers, wildcard trunks included; page after_id/limit) to items (taken). Returns the
 * new array or NULL on ENOMEM. normalize: compare numbers normalised (inbound). */
cJSON *lk_filter_list(cJSON *items, const cJSON *req, const char *idkey, const char *idsfield,
                      const char *numfield, bool normalize);

#endif
