/* livekit_api.h: the LiveKit Twirp SIP calls of the flow (inbound trunks, dispatch rules).
 *
 * POST {LIVEKIT_URL}/twirp/livekit.SIP/{Method} with a JSON body in protobuf JSON (camelCase)
 * and a Bearer JWT signed fresh for every call: header {"alg":"HS256"}, payload
 * {"video":{},"sip":{"admin":true},"iss":KEY,"exp":now+600,"nbf":now}, as the Node SDK sends
 * (docs/reference/livekit.md section 5). Responses may use snake_case or camelCase keys.
 *
 * Layer 3 (exit.h): called by the steps, flow and reconcile layers; returns 0 or a
 * negative fk_err with r filled, and records nothing. */
#ifndef PROV_LIVEKIT_API_H
#define PROV_LIVEKIT_API_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "provisioner/ctx.h"

#define PROV_LK_MAX_ITEMS 65536 /* items kept from one list answer; the rest are dropped */
#define PROV_TRUNK_PREFIX "prov-"

struct prov_lk_item {
    char id[64];
    char name[128];
    bool has_trunk;  /* rules: trunk_ids contains the trunk asked for */
    bool has_number; /* trunks: numbers holds the number asked for (normalised) */
    char list[256];  /* ",a,b,": a trunk's numbers (normalised) or a rule's trunk_ids, for
                      * prov_lk_item_lists (reconcile); cut at the size */
};
/* Whether a trunk's numbers hold value (number true; both normalised) or a rule's trunk_ids
 * hold value (number false) (pure). */
bool prov_lk_item_lists(const struct prov_lk_item *it, const char *value, bool number);

/* A list answer's items, grown as needed (zero-initialise; prov_lk_items_cleanup frees). */
struct prov_lk_items {
    size_t n, cap;
    struct prov_lk_item *items;
};
void prov_lk_items_cleanup(struct prov_lk_items *l);

/* A phone number as LiveKit compares them (livekit/protocol sip.NormalizeNumber): a number
 * made of digits, spaces, dashes and parentheses after an optional '+' loses the spaces,
 * dashes and parentheses and gains a leading '+' ("1 (415) 555-0100" -> "+14155550100");
 * anything else is kept as it is (pure). */
void prov_lk_normalize(const char *num, char *out, size_t len);

/* Parsers (pure). A trunk or rule object: its id. A list answer {"items":[...]}: the items,
 * with has_trunk set for rules whose trunk_ids contains `want` and has_number for trunks
 * whose numbers hold `want` once both are normalised (want NULL: neither). */
int prov_lk_parse_id(const cJSON *obj, const char *snake, const char *camel, char *id, size_t len,
                     struct fk_error *err) FK_MUST_CHECK;
int prov_lk_parse_items(const cJSON *body, bool rules, const char *want, struct prov_lk_items *out,
                        struct fk_error *err) FK_MUST_CHECK;

/* The admin token for key/secret at time now (seconds); caller frees. */
char *prov_lk_token(const char *key, const char *secret, long long now);

/* ListSIPInboundTrunk, filtered by number when number != NULL (otherwise all). The server
 * may also list trunks that do not hold the number (a trunk without numbers takes any), in
 * any order: callers match on has_number and the name. */
int prov_lk_list_trunks(struct prov_ctx *ctx, const char *number, struct prov_lk_items *out,
                        struct prov_result *r);
/* CreateSIPInboundTrunk {name, numbers:[number]}; never retried after an ambiguous failure. */
int prov_lk_create_trunk(struct prov_ctx *ctx, const char *name, const char *number, char *id,
                         size_t len, struct prov_result *r);
/* ListSIPDispatchRule by trunk_ids (trunk NULL: every rule); callers match on has_trunk
 * (the server also lists rules without trunks, which take any) and the name. */
int prov_lk_list_rules(struct prov_ctx *ctx, const char *trunk, struct prov_lk_items *out,
                       struct prov_result *r);
/* CreateSIPDispatchRule individual, roomPrefix "call-", trunkIds [trunk]. */
int prov_lk_create_rule(struct prov_ctx *ctx, const char *name, const char *trunk, char *id,
                        size_t len, struct prov_result *r);
/* Delete calls; not_found counts as done. */
int prov_lk_delete_trunk(struct prov_ctx *ctx, const char *id, struct prov_result *r);
int prov_lk_delete_rule(struct prov_ctx *ctx, const char *id, struct prov_result *r);

#endif
