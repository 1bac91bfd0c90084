/* ratelimit.c: keyed token buckets behind the fakes' native 429 answers.
 *
 * Tokens are counted in integer units of 1/per_us of a token, so a continuous refill of
 * limit tokens per per_ms milliseconds is exact: every microsecond adds `limit` units and a
 * request takes per_us units. Integers keep tests with a frozen clock (fk_clock_set) exact.
 * The bounds on limit and per_ms keep limit * per_us far below INT64_MAX.
 *
 * Each limit keeps its buckets in a chained hash table plus a recency list; at
 * BUCKETS_MAX keys the least recently used bucket is dropped (as if its key were new). */
#include "fakekit/ratelimit.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/hash.h"
#include "fakekit/json.h"
#include "fakekit/match.h"

#define LIMIT_MAX   1000000L   /* tokens per bucket */
#define PER_MS_MAX  604800000L /* one week */
#define RETRY_MAX   86400L     /* retry_after_s upper bound: one day */
#define BUCKETS_MAX 10000      /* keys per limit */
#define HASH_SIZE   1024       /* chains per limit (a power of two) */
#define KEY_KEEP    200        /* longer keys are stored as a prefix plus a hash */

enum key_mode { KEY_GLOBAL, KEY_CREDENTIAL, KEY_CLIENT };
static const char *const key_names[] = {"global", "credential", "client"};

struct bucket {
    char *key;
    int64_t units; /* tokens * per_us */
    int64_t last_us;
    struct bucket *chain;
    struct bucket *newer, *older; /* recency list */
};

struct fk_limit {
    struct fk_item head; /* id, path, matcher: first, so the list in match.c keeps limits */
    long limit;
    long per_ms;
    enum key_mode key;
    long retry_after_s; /* -1: until one token is back */
    uint64_t matched;
    uint64_t refused;
    struct bucket *table[HASH_SIZE];
    struct bucket *newest, *oldest;
    size_t nbuckets;
};

struct fk_limits {
    struct fk_item_set set;
};

static void buckets_free(struct fk_limit *l)
{
    struct bucket *b = l->newest;
    while (b != NULL) {
        struct bucket *next = b->older;
        free(b->key);
        free(b);
        b = next;
    }
    memset(l->table, 0, sizeof(l->table));
    l->newest = l->oldest = NULL;
    l->nbuckets = 0;
}

void fk_limit_free(struct fk_limit *l)
{
    if (l == NULL)
        return;
    buckets_free(l);
    fk_match_cleanup(&l->head.match);
    free(l);
}

int fk_limit_parse(const cJSON *json, const char *path, struct fk_limit **out, struct fk_error *err)
{
    static const char *const keys[] = {"id",     "description", "match",         "limit",
                                       "per_ms", "key",         "retry_after_s", NULL};
    char sub[FK_ERRMSG_MAX];
    const char *id = NULL, *description = NULL, *key = "global";
    const cJSON *match = NULL;
    long long limit = 0, per_ms = 0, retry = -1;
    int rc;

    *out = NULL;
    if (!cJSON_IsObject(json)) {
        fk_error_set(err, "%s: expected an object", path);
        return FK_EINVAL;
    }
    struct fk_limit *l = calloc(1, sizeof(*l));
    if (l == NULL) {
        fk_error_set(err, "%s: out of memory", path);
        return FK_ENOMEM;
    }
    snprintf(l->head.path, sizeof(l->head.path), "%s", path);
    rc = fk_json_check_keys(json, path, keys, err);
    if (rc == 0)
        rc = fk_json_get_string(json, "id", path, false, &id, err);
    if (rc == 0 && id != NULL && (id[0] == '\0' || strlen(id) > FK_ID_MAX)) {
        fk_error_set(err, "%s.id: must be 1 to %d characters", path, FK_ID_MAX);
        rc = FK_EINVAL;
    }
    if (rc == 0)
        rc = fk_json_get_string(json, "description", path, false, &description, err);
    if (rc == 0)
        rc = fk_json_get_object(json, "match", path, false, &match, err);
    if (rc == 0) {
        snprintf(sub, sizeof(sub), "%s.match", path);
        rc = fk_match_parse(match, sub, &l->head.match, err);
    }
    if (rc == 0)
        rc = fk_json_get_int(json, "limit", path, true, 1, LIMIT_MAX, &limit, err);
    if (rc == 0)
        rc = fk_json_get_int(json, "per_ms", path, true, 1, PER_MS_MAX, &per_ms, err);
    if (rc == 0)
        rc = fk_json_get_int(json, "retry_after_s", path, false, 0, RETRY_MAX, &retry, err);
    if (rc == 0)
        rc = fk_json_get_string(json, "key", path, false, &key, err);
    if (rc == 0) {
        rc = FK_EINVAL;
        for (size_t i = 0; i < FK_NELEM(key_names); i++) {
            if (strcmp(key, key_names[i]) == 0) {
                l->key = (enum key_mode)i;
                rc = 0;
            }
        }
        if (rc != 0) {
            fk_error_set(err, "%s.key: unknown key '%s' (expected global, credential or client)",
                         path, key);
        }
    }
    if (rc != 0) {
        fk_limit_free(l);
        return rc;
    }
    if (id != NULL)
        snprintf(l->head.id, sizeof(l->head.id), "%s", id);
    l->head.auto_id = id == NULL;
    l->head.bytes = fk_item_weight(json);
    l->limit = (long)limit;
    l->per_ms = (long)per_ms;
    l->retry_after_s = (long)retry;
    *out = l;
    return 0;
}

static cJSON *limit_json(const struct fk_limit *l)
{
    cJSON *obj = cJSON_CreateObject();
    cJSON *m = NULL;

    if (obj == NULL || !cJSON_AddStringToObject(obj, "id", l->head.id))
        goto fail;
    m = fk_match_json(&l->head.match);
    if (m == NULL || !cJSON_AddItemToObject(obj, "match", m)) {
        cJSON_Delete(m);
        goto fail;
    }
    if (!cJSON_AddNumberToObject(obj, "limit", (double)l->limit) ||
        !cJSON_AddNumberToObject(obj, "per_ms", (double)l->per_ms) ||
        !cJSON_AddStringToObject(obj, "key", key_names[l->key]) ||
        !(l->retry_after_s < 0
              ? cJSON_AddNullToObject(obj, "retry_after_s")
              : cJSON_AddNumberToObject(obj, "retry_after_s", (double)l->retry_after_s)) ||
        !cJSON_AddNumberToObject(obj, "matched", (double)l->matched) ||
        !cJSON_AddNumberToObject(obj, "refused", (double)l->refused) ||
        !cJSON_AddNumberToObject(obj, "keys", (double)l->nbuckets))
        goto fail;
    return obj;
fail:
    cJSON_Delete(obj);
    return NULL;
}

static int parse_item(const cJSON *json, const char *path, void *ctx, struct fk_item **out,
                      struct fk_error *err)
{
    (void)ctx; /* limits need no service callback */
    return fk_limit_parse(json, path, (struct fk_limit **)out, err);
}

static void free_item(struct fk_item *item)
{
    fk_limit_free((struct fk_limit *)item);
}

static cJSON *item_json(const struct fk_item *item)
{
    return limit_json((const struct fk_limit *)item);
}

static const struct fk_item_kind limit_kind = {"limit", "rate limits", parse_item, free_item,
                                               item_json};

struct fk_limits *fk_limits_new(void)
{
    struct fk_limits *ls = calloc(1, sizeof(*ls));
    if (ls != NULL && fk_item_set_init(&ls->set, &limit_kind) != 0) {
        free(ls);
        ls = NULL;
    }
    return ls;
}

void fk_limits_free(struct fk_limits *ls)
{
    if (ls != NULL) {
        fk_item_set_destroy(&ls->set);
        free(ls);
    }
}

int fk_limits_add(struct fk_limits *ls, struct fk_limit **limits, size_t n, struct fk_error *err)
{
    return fk_item_set_add(&ls->set, (struct fk_item **)limits, n, NULL, err);
}

int fk_limits_add_json(struct fk_limits *ls, const cJSON *json, const char *path, cJSON **added,
                       struct fk_error *err)
{
    return fk_item_set_add_json(&ls->set, json, path, NULL, added, err);
}

int fk_limits_remove(struct fk_limits *ls, const char *id)
{
    return fk_item_set_remove(&ls->set, id);
}

void fk_limits_clear(struct fk_limits *ls)
{
    fk_item_set_clear(&ls->set);
}

cJSON *fk_limits_json(struct fk_limits *ls)
{
    return fk_item_set_json(&ls->set);
}

static void lru_unlink(struct fk_limit *l, struct bucket *b)
{
    if (b->newer != NULL)
        b->newer->older = b->older;
    else
        l->newest = b->older;
    if (b->older != NULL)
        b->older->newer = b->newer;
    else
        l->oldest = b->newer;
    b->newer = b->older = NULL;
}

static void lru_push(struct fk_limit *l, struct bucket *b)
{
    b->older = l->newest;
    b->newer = NULL;
    if (l->newest != NULL)
        l->newest->newer = b;
    else
        l->oldest = b;
    l->newest = b;
}

static void bucket_drop(struct fk_limit *l, struct bucket *b)
{
    struct bucket **pp = &l->table[fk_fnv1a_str(b->key) & (HASH_SIZE - 1)];
    while (*pp != b)
        pp = &(*pp)->chain;
    *pp = b->chain;
    lru_unlink(l, b);
    free(b->key);
    free(b);
    l->nbuckets--;
}

/* The bucket for key, created full when new; NULL on ENOMEM. */
static struct bucket *bucket_get(struct fk_limit *l, const char *key, int64_t now_us)
{
    char shortened[KEY_KEEP + 24];
    if (strlen(key) > KEY_KEEP) {
        /* Bearer tokens can be kilobytes; 10000 of them would be a lot to keep. */
        snprintf(shortened, sizeof(shortened), "%.*s#%016llx", KEY_KEEP, key,
                 (unsigned long long)fk_fnv1a_str(key));
        key = shortened;
    }
    size_t slot = fk_fnv1a_str(key) & (HASH_SIZE - 1);
    for (struct bucket *b = l->table[slot]; b; b = b->chain) {
        if (strcmp(b->key, key) == 0) {
            lru_unlink(l, b);
            lru_push(l, b);
            return b;
        }
    }
    if (l->nbuckets >= BUCKETS_MAX)
        bucket_drop(l, l->oldest);
    struct bucket *b = calloc(1, sizeof(*b));
    if (b == NULL || !(b->key = strdup(key))) {
        free(b);
        return NULL;
    }
    b->units = (int64_t)l->limit * l->per_ms * 1000;
    b->last_us = now_us;
    b->chain = l->table[slot];
    l->table[slot] = b;
    lru_push(l, b);
    l->nbuckets++;
    return b;
}

/* Refill for the time since the last visit and take one token. Returns false (and the
 * seconds to wait) when the bucket has none. */
static bool bucket_take(const struct fk_limit *l, struct bucket *b, int64_t now_us,
                        long *retry_after_s)
{
    int64_t per_us = (int64_t)l->per_ms * 1000;
    int64_t full = (int64_t)l->limit * per_us;
    int64_t elapsed = now_us - b->last_us;

    if (elapsed > 0) {
        /* Past per_us the bucket is full anyway; clamping keeps the product in range. */
        if (elapsed > per_us)
            elapsed = per_us;
        b->units += elapsed * l->limit;
        if (b->units > full)
            b->units = full;
    }
    b->last_us = now_us; /* a clock moved backwards just restarts the refill */
    if (b->units >= per_us) {
        b->units -= per_us;
        return true;
    }
    if (l->retry_after_s >= 0) {
        *retry_after_s = l->retry_after_s;
    } else {
        int64_t wait_us = (per_us - b->units + l->limit - 1) / l->limit;
        *retry_after_s = (long)((wait_us + 999999) / 1000000);
    }
    return false;
}

bool fk_limits_active(struct fk_limits *ls)
{
    return fk_item_set_count(&ls->set) > 0;
}

int fk_limits_check(struct fk_limits *ls, const struct fk_req *req, const char *credential,
                    const char *client, int64_t now_us, long *retry_after_s, char *id, size_t idlen)
{
    struct fk_items_iter it;
    bool refused = false;

    if (!fk_limits_active(ls))
        return FK_OK;
    pthread_mutex_lock(&ls->set.mu);
    /* Only the limits whose matcher accepts req, in order (the others are not charged). */
    fk_items_iter_start(&it, &ls->set.list, req);
    for (struct fk_item *item; (item = fk_items_iter_next(&it)) != NULL;) {
        struct fk_limit *l = (struct fk_limit *)item;
        l->matched++;
        const char *key = "";
        if (l->key == KEY_CREDENTIAL && credential != NULL)
            key = credential;
        else if (l->key == KEY_CLIENT && client != NULL)
            key = client;
        struct bucket *b = bucket_get(l, key, now_us);
        long wait = 0;
        if (b == NULL || bucket_take(l, b, now_us, &wait))
            continue; /* out of memory: let the request through */
        if (!refused) {
            /* Only the first empty limit refuses (and counts it); the others are charged. */
            l->refused++;
            refused = true;
            if (retry_after_s != NULL)
                *retry_after_s = wait;
            if (id != NULL && idlen)
                snprintf(id, idlen, "%s", l->head.id);
        }
    }
    pthread_mutex_unlock(&ls->set.mu);
    return refused ? FK_ERANGE : FK_OK;
}
