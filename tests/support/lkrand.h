/* lkrand.h: random sparse trunks and dispatch rules for fake_livekit's property tests
 * (test_lk_trunk_keys, test_lk_walks), drawn from small pools so that numbers, trunk ids and
 * PINs collide, in forms that normalise alike ("+15550001", "1 555-0001") or not. */
#ifndef H_LKRAND_H
#define H_LKRAND_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "fakekit/rand.h"
#include "fakekit/store.h"

struct h_lkr_pool {
    const char *const *v;
    size_t n;
};

/* What random items are drawn from. */
struct h_lkr_pools {
    struct h_lkr_pool numbers, allowed, trunks, pins, names;
    unsigned max;       /* longest list drawn */
    unsigned no_member; /* one rule in no_member has no rule member (0: none) */
};

/* Wide pools: eight numbers, ten trunk ids, lists of up to three. */
extern const struct h_lkr_pools h_lkr_wide;

/* An in-memory store with fake_livekit's schema (fails the test when it cannot open). */
struct fk_store *h_lkr_store(void);
const char *h_lkr_pick(struct fk_prng *p, const struct h_lkr_pool *pool);
/* Add to o an array under key of up to max strings from pool (absent when none drawn, or,
 * one time in eight, an empty array). */
void h_lkr_strings(struct fk_prng *p, cJSON *o, const char *key, const struct h_lkr_pool *pool,
                   unsigned max);
/* A random sparse inbound or outbound trunk (numbers, sometimes allowed numbers) with id,
 * or without one when id is "". Caller deletes. */
cJSON *h_lkr_trunk(struct fk_prng *p, const struct h_lkr_pools *pools, const char *id);
/* A random sparse dispatch rule (member with a PIN, trunk_ids, inbound_numbers, numbers,
 * name), with id or without one when id is "". Caller deletes. */
cJSON *h_lkr_rule(struct fk_prng *p, const struct h_lkr_pools *pools, const char *id);

#endif
