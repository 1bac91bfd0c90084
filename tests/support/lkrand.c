/* lkrand.c: random trunks and dispatch rules (see lkrand.h). */
#include "tests/support/lkrand.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "fake_livekit/db.h"

static const char *const wide_numbers[] = {"+15550001", "15550001", "+1 555-0001", "+15550002",
                                           "5550002",   "",         "sip-user",    "+1 (555) 0003"};
static const char *const wide_allowed[] = {"+1777", "1777", "+1888", "", "1999"};
static const char *const wide_trunks[] = {"ST_0", "ST_1", "ST_2", "ST_3", "ST_4",
                                          "ST_5", "ST_6", "",     "ST_x", "ST_1"};
static const char *const wide_pins[] = {"", "1", "2"};
static const char *const wide_names[] = {"t"};

const struct h_lkr_pools h_lkr_wide = {{wide_numbers, FK_NELEM(wide_numbers)},
                                       {wide_allowed, FK_NELEM(wide_allowed)},
                                       {wide_trunks, FK_NELEM(wide_trunks)},
                                       {wide_pins, FK_NELEM(wide_pins)},
                                       {wide_names, FK_NELEM(wide_names)},
                                       3,
                                       6};

struct fk_store *h_lkr_store(void)
{
    struct fk_store *st = NULL;
    struct fk_error err = {{0}};
    if (fk_store_open(":memory:", lk_schema_sql, &st, &err) != 0)
        fail_msg("open: %s", err.msg);
    return st;
}

const char *h_lkr_pick(struct fk_prng *p, const struct h_lkr_pool *pool)
{
    return pool->v[fk_prng_below(p, pool->n)];
}

void h_lkr_strings(struct fk_prng *p, cJSON *o, const char *key, const struct h_lkr_pool *pool,
                   unsigned max)
{
    unsigned count = (unsigned)fk_prng_below(p, max + 1);
    if (count == 0 && fk_prng_below(p, 8) != 0)
        return;
    cJSON *arr = cJSON_AddArrayToObject(o, key);
    assert_non_null(arr);
    for (unsigned i = 0; i < count; i++)
        assert_non_null(cJSON_AddItemToArray(arr, cJSON_CreateString(h_lkr_pick(p, pool))));
}

/* A new object with id under idkey (none when id is "") and a name from pools. */
static cJSON *item(struct fk_prng *p, const struct h_lkr_pools *pools, const char *idkey,
                   const char *id)
{
    cJSON *o = cJSON_CreateObject();
    assert_non_null(o);
    if (id[0])
        assert_non_null(cJSON_AddStringToObject(o, idkey, id));
    assert_non_null(cJSON_AddStringToObject(o, "name", h_lkr_pick(p, &pools->names)));
    return o;
}

cJSON *h_lkr_trunk(struct fk_prng *p, const struct h_lkr_pools *pools, const char *id)
{
    cJSON *t = item(p, pools, "sip_trunk_id", id);
    h_lkr_strings(p, t, "numbers", &pools->numbers, pools->max);
    if (fk_prng_below(p, 3) == 0)
        h_lkr_strings(p, t, "allowed_numbers", &pools->allowed, pools->max - 1);
    return t;
}

cJSON *h_lkr_rule(struct fk_prng *p, const struct h_lkr_pools *pools, const char *id)
{
    cJSON *r = item(p, pools, "sip_dispatch_rule_id", id);
    if (pools->no_member == 0 || fk_prng_below(p, pools->no_member) != 0) {
        char member[128];
        snprintf(member, sizeof(member),
                 "{\"dispatch_rule_direct\":{\"room_name\":\"r\",\"pin\":\"%s\"}}",
                 h_lkr_pick(p, &pools->pins));
        assert_non_null(cJSON_AddItemToObject(r, "rule", cJSON_Parse(member)));
    }
    h_lkr_strings(p, r, "trunk_ids", &pools->trunks, pools->max);
    h_lkr_strings(p, r, "inbound_numbers", &pools->numbers, pools->max - 1);
    if (fk_prng_below(p, 2) == 0)
        h_lkr_strings(p, r, "numbers", &pools->numbers, pools->max - 1);
    return r;
}
