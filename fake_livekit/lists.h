/* lists.h: the List calls of livekit.SIP as livekit-server computes them, and the lists its
 * conflict checks walk.
 *
 * A List reads the store through livekit.ListPageIter (livekit/protocol livekit/types.go:403;
 * livekit/livekit pkg/service/sip.go:347-409, 526-556). Without a `page` the store returns
 * every item that passes the request's filter (filter.h), sorted by id
 * (pkg/service/redisstore_sip.go:176-254, sortPage). With a `page` the server reads page after
 * page: each read takes the next `limit` ids (1,000 when limit <= 0) greater than the cursor
 * (pkg/service/redisstore.go:1050, redisIterPage), keeps those that pass the filter, and moves
 * the cursor to the greatest id kept (types.go:430); it stops at the first read that keeps
 * nothing (types.go:437). So `limit` does not cap what a List returns; `after_id` keeps ids
 * greater than it as text; and a page whose ids all fail the filter ends the list early,
 * even when later ids would pass. The deprecated ListSIPTrunk merges inbound and outbound
 * trunks the same way, which comes to every trunk after `after_id`, sorted by id.
 *
 * Creating or updating an inbound trunk or a dispatch rule validates it against a List of
 * the stored items (no page) with the new one walked in among them: after the first stored
 * item for a create (iters.MultiIter alternates between the stored list and the one new
 * item, pkg/service/sip.go:354), in the updated item's own place for an update
 * (sip.WithTrunkReplace, sip.WithDispatchRuleReplace). lk_seq_* build those walks; walks.h
 * builds them, or a shorter walk with the same answer. */
#ifndef LK_LISTS_H
#define LK_LISTS_H

#include <cjson/cJSON.h>

#include "fake_livekit/db.h"
#include "fakekit/store.h"

/* Default page size of redisIterPage when page.limit <= 0. */
#define LK_PAGE_DEFAULT_LIMIT 1000

/* The items (sparse) ListSIPInboundTrunk / ListSIPOutboundTrunk answers for the request req
 * (sparse, may be NULL). Caller deletes; NULL on error. */
cJSON *lk_list_trunks(struct fk_store *st, enum lk_kind kind, const cJSON *req);
/* The same for ListSIPDispatchRule. */
cJSON *lk_list_rules(struct fk_store *st, const cJSON *req);
/* The SIPTrunkInfo items (sparse) of the deprecated ListSIPTrunk: every trunk, inbound ones
 * as SIPInboundTrunkInfo.AsTrunkInfo and outbound ones as SIPOutboundTrunkInfo.AsTrunkInfo
 * (livekit/sip.go:247, 290), after page.after_id, sorted by id. */
cJSON *lk_list_legacy(struct fk_store *st, const cJSON *req);

/* The walk of a create: stored (an array, taken) with a copy of item placed second (first
 * when stored is empty). NULL on ENOMEM. */
cJSON *lk_seq_insert(cJSON *stored, const cJSON *item);
/* The walk of an update: stored (taken) with the element whose idkey equals item's replaced
 * by a copy of item; an item not among them is not walked at all, as the server's replace
 * option only swaps what the List returned. NULL on ENOMEM. */
cJSON *lk_seq_replace(cJSON *stored, const cJSON *item, const char *idkey);

#endif
