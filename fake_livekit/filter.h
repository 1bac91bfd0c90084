/* filter.h: number normalisation and the filters of the ListSIP*Request messages, on sparse
 * items, as livekit/protocol states them (livekit/sip.go at 17c16cf).
 *
 * The store applies each filter to every item it reads (livekit/livekit
 * pkg/service/redisstore_sip.go:176-254, `req.Filter(v) && req.Page.Filter(v)`); lists.h
 * runs them the same way. Unknown ids in a trunk_ids or dispatch_rule_ids filter simply keep
 * nothing: the store never calls FilterSlice, whose nil placeholders the .proto's comment
 * promises. */
#ifndef LK_FILTER_H
#define LK_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* livekit.NormalizeNumber (livekit/sip.go:1180): a text matching ^\+?[0-9\- ()]+$ loses its
 * spaces, dashes and parentheses and gains a leading '+' ("1 (415) 555-0310" ->
 * "+14155550310", "()" -> "+"); any other text, "" included, is unchanged. out needs
 * strlen(num) + 2 bytes. */
void lk_normalize_number(const char *num, char *out, size_t outlen);
/* The same into a new string (caller frees); NULL on ENOMEM. */
char *lk_number_norm(const char *num);

/* ListSIPInboundTrunkRequest.Filter (livekit/sip.go:1080) when normalize, else
 * ListSIPOutboundTrunkRequest.Filter (1119): req (sparse, may be NULL) keeps trunk when its
 * trunk_ids, if any, hold the trunk's id and its numbers, if any, share one with the trunk or
 * the trunk has none (inbound numbers also compare normalised). */
bool lk_trunk_keep(const cJSON *trunk, const cJSON *req, bool normalize);
/* ListSIPDispatchRuleRequest.Filter (livekit/sip.go:1148): dispatch_rule_ids, if any, hold the
 * rule's id; trunk_ids, if any, share one with the rule or the rule lists none. */
bool lk_rule_keep(const cJSON *rule, const cJSON *req);
/* Pagination.Filter (livekit/types.go:206): an item with an id at or before after_id (text
 * order) is left out. */
bool lk_page_keep(const char *id, const char *after_id);

#endif
