/* update.h: the partial-update rules of LiveKit's SIP Update* requests.
 *
 * livekit/protocol (livekit/types.go:478-531, livekit/sip.go): a ListUpdate either clears,
 * sets, or removes then adds (without duplicates); a proto3 `optional` scalar present in the
 * update overwrites even with ""; a map diff sets non-empty values and deletes keys given "";
 * media follows updateMediaConfig. Validation is validate.h's. All functions work on sparse
 * objects (proto_json.h). */
#ifndef LK_UPDATE_H
#define LK_UPDATE_H

#include <cjson/cJSON.h>

#include "fakekit/err.h"

/* Apply lu (borrowed, validated; NULL is a no-op) to the string array obj[key] (absent means
 * empty). 0 or FK_ENOMEM. */
int lk_list_update_apply(cJSON *obj, const char *key, const cJSON *lu) FK_MUST_CHECK;

/* obj[key] = copy of upd[key] when upd has key (an optional field or message that was set).
 * 0 or FK_ENOMEM. */
int lk_apply_present(cJSON *obj, const cJSON *upd, const char *key) FK_MUST_CHECK;

/* SIPMediaConfig.UpgradeWith through Info.Upgrade (livekit/sip.go:1217-1236, 1274): info's
 * media becomes {} when unset, and takes the legacy media_encryption as its encryption when
 * it has none and the legacy field is not DISABLE. 0 or FK_ENOMEM. */
int lk_media_upgrade(cJSON *info) FK_MUST_CHECK;
/* updateMediaConfig (livekit/sip.go:1304): upd's media replaces info's when given, then its
 * media_encryption when given; then lk_media_upgrade; then the legacy media_encryption is
 * set to the media's encryption (DISABLE when it has none). 0 or FK_ENOMEM. */
int lk_update_media(cJSON *info, const cJSON *upd) FK_MUST_CHECK;

/* Apply the map diff upd[key] to obj[key]. 0 or FK_ENOMEM. */
int lk_apply_map_diff(cJSON *obj, const cJSON *upd, const char *key) FK_MUST_CHECK;

/* An Update* request (UpdateSIPDispatchRuleRequest, UpdateSIP*TrunkRequest), borrowed from
 * its body: the id under id_key ("sip_trunk_id") and one of "replace" or "update". */
struct lk_update_req {
    const char *id;
    const cJSON *replace, *update;
};

/* Read body and check what the request's Validate checks first: the id is set, an action is
 * given, and a replacement carries the same id or none. 0, or FK_EINVAL with the server's
 * message in err; noun names the object in messages ("trunk id must be set"). */
int lk_update_begin(const cJSON *body, const char *id_key, const char *noun,
                    struct lk_update_req *u, struct fk_error *err) FK_MUST_CHECK;

/* The stored object info (taken) after u: a copy of the replacement, or info with the update
 * applied by apply; either way with id_key set to u->id. NULL with *rc set on error. */
cJSON *lk_update_result(cJSON *info, const struct lk_update_req *u,
                        int (*apply)(cJSON *info, const cJSON *upd), const char *id_key, int *rc);

#endif
