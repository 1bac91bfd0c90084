/* validate.h: the checks livekit/protocol runs on SIP trunks, dispatch rules and their
 * updates before livekit-server touches its store (livekit/sip.go and
 * livekit/sip_validation.go at 17c16cf, the version livekit/livekit 788d4c3 pins), with their
 * messages. All work on sparse messages (proto_json.h).
 *
 * What the source does not check, the fake does not either: names and metadata of any length,
 * an auth username without a password (either one counts as authentication, sip.go:526), and
 * allowed addresses that are not CIDRs or IPs (they are only skipped when a call is matched,
 * sip/sip.go:402-429). Go walks a map in random order, so when several headers are invalid
 * the real server names any one of them; the fake names the first in the request. */
#ifndef LK_VALIDATE_H
#define LK_VALIDATE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "fakekit/buf.h"
#include "fakekit/err.h"

/* Longest message kept (header names alone may be 255 bytes, number lists any length). */
#define LK_MSG_MAX (64 * 1024)

/* A failure as the Go code returns it: its text, and whether it is a psrpc error with code
 * InvalidArgument (psrpc.NewErrorf) rather than a plain error (errors.New, fmt.Errorf). The
 * difference shows where the server returns the error without wrapping it (twirp.h). */
struct lk_verr {
    struct fk_buf msg;
    bool coded;
};

void lk_verr_init(struct lk_verr *e);
void lk_verr_cleanup(struct lk_verr *e);
/* Replace e's text with fmt; coded as above. Returns FK_EINVAL (FK_ENOMEM if the text could
 * not be kept), so that a check can end with `return lk_verr_set(...)`. */
int lk_verr_set(struct lk_verr *e, bool coded, const char *fmt, ...) FK_PRINTF(3, 4);
/* e's text as a C string ("" when unset). */
const char *lk_verr_text(const struct lk_verr *e);

/* Each returns 0, FK_EINVAL with the failure in e, or FK_ENOMEM. */

/* SIPInboundTrunkInfo.ValidateResult (livekit/sip.go:525). */
int lk_validate_inbound(const cJSON *trunk, struct lk_verr *e) FK_MUST_CHECK;
/* SIPOutboundTrunkInfo.ValidateResult (livekit/sip.go:646). */
int lk_validate_outbound(const cJSON *trunk, struct lk_verr *e) FK_MUST_CHECK;
/* SIPDispatchRuleInfo.Validate (livekit/sip.go:840). */
int lk_validate_rule(const cJSON *info, struct lk_verr *e) FK_MUST_CHECK;
/* SIPMediaConfig.Validate (livekit/sip.go:1252); media may be NULL. */
int lk_validate_media(const cJSON *media, struct lk_verr *e) FK_MUST_CHECK;
/* validateHeaders (livekit/sip.go:367): names (restricted) and values of a headers map. */
int lk_validate_headers(const cJSON *headers, struct lk_verr *e) FK_MUST_CHECK;
/* ListUpdate.Validate (livekit/types.go:448); lu may be NULL. */
int lk_validate_list_update(const cJSON *lu, struct lk_verr *e) FK_MUST_CHECK;

/* The Validate of an update message: SIPInboundTrunkUpdate (sip.go:550), SIPOutboundTrunkUpdate
 * (sip.go:696) or SIPDispatchRuleUpdate (sip.go:850): its ListUpdates, then its media. lists
 * names the ListUpdate fields, NULL-terminated. */
int lk_validate_update(const cJSON *upd, const char *const *lists, struct lk_verr *e) FK_MUST_CHECK;

#endif
