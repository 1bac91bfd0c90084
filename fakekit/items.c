/* items.c: the ordered rule lists behind fault rules and rate limits, and their index.
 *
 * A list keeps its items in the order added (that order is the rules' precedence) and gives
 * each a rising seq. Duplicate ids are found by sorting the ids of the list and the batch
 * together, so adding many rules at once stays O(n log n).
 *
 * The index exists so that a request costs little however many rules are loaded (1,000
 * fault rules for other paths must not slow every request down). Each item is filed under a
 * key: its method (or "any") and the literal start of its path pattern, cut at the last '/'
 * before the first '*' (the whole pattern when it has none). A glob matches segments before
 * its first wildcard exactly (match.c), so any path the pattern matches is the key itself or
 * the key followed by '/'. A request therefore looks up only its own method and "any" under
 * "" and under each prefix of its path that ends before a '/' or at its end, merges the few
 * lists found by seq and tests those items with fk_match_test: the same items in the same
 * order as a scan of the whole list, so counters and random draws are exactly as before.
 * If the index cannot be built (out of memory) the list is scanned, which is only slower. */
#include "fakekit/match.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakekit/hash.h"

/* ---- The index ---------------------------------------------------------------------------- */

/* One key: every item filed under it, in list order. */
struct slot {
    char *key;          /* NULL: a free slot; else the path key, then the method, in one block */
    size_t keylen;      /* of the path key */
    const char *method; /* inside key's block; NULL: any method */
    uint64_t hash;
    struct fk_item **v;
    size_t n;
    size_t cap;
};

/* Open addressing with linear probing; at most half of the slots are used. */
struct fk_item_index {
    struct slot *slots;
    size_t mask; /* number of slots - 1 (a power of two) */
    size_t used;
};

/* Methods compare case-insensitively (ASCII, as strcasecmp in the C locale): hash them
 * upper-cased. 0 stands for "any method". */
static uint64_t method_hash(const char *m)
{
    uint64_t h = FK_FNV1A_OFFSET;
    if (m == NULL)
        return 0;
    for (; *m; m++) {
        unsigned char c = (unsigned char)*m;
        h = fk_fnv1a_step(h, c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c);
    }
    return h | 1;
}

static uint64_t key_hash(uint64_t path_hash, uint64_t meth_hash)
{
    uint64_t h = path_hash ^ (meth_hash * 0x9E3779B97F4A7C15ULL);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

/* Length of the key of a path pattern (see the top of this file). */
static size_t pattern_key_len(const char *pattern)
{
    const char *star = strchr(pattern, '*');
    if (star == NULL)
        return strlen(pattern);
    for (const char *p = star; p > pattern; p--)
        if (p[-1] == '/')
            return (size_t)(p - 1 - pattern);
    return 0;
}

static bool same_method(const char *a, const char *b)
{
    return a == NULL ? b == NULL : b != NULL && strcasecmp(a, b) == 0;
}

/* The slot of (key, method), or the free slot where it would go. */
static struct slot *slot_find(const struct fk_item_index *ix, uint64_t hash, const char *key,
                              size_t len, const char *method)
{
    for (size_t i = hash & ix->mask;; i = (i + 1) & ix->mask) {
        struct slot *s = &ix->slots[i];
        if (s->key == NULL || (s->hash == hash && s->keylen == len &&
                               memcmp(s->key, key, len) == 0 && same_method(s->method, method)))
            return s;
    }
}

static void index_free(struct fk_item_index *ix)
{
    if (ix == NULL)
        return;
    for (size_t i = 0; i <= ix->mask; i++) {
        free(ix->slots[i].key);
        free(ix->slots[i].v);
    }
    free(ix->slots);
    free(ix);
}

static struct fk_item_index *index_new(void)
{
    struct fk_item_index *ix = calloc(1, sizeof(*ix));
    if (ix != NULL && !(ix->slots = calloc(16, sizeof(*ix->slots)))) {
        free(ix);
        return NULL;
    }
    if (ix != NULL)
        ix->mask = 15;
    return ix;
}

/* Double the slots (moving every key). 0 or FK_ENOMEM (the index is unchanged). */
static int index_grow(struct fk_item_index *ix)
{
    size_t n = (ix->mask + 1) * 2;
    struct fk_item_index bigger = {calloc(n, sizeof(struct slot)), n - 1, ix->used};

    if (bigger.slots == NULL)
        return FK_ENOMEM;
    for (size_t i = 0; i <= ix->mask; i++) {
        struct slot *s = &ix->slots[i];
        if (s->key != NULL)
            *slot_find(&bigger, s->hash, s->key, s->keylen, s->method) = *s;
    }
    free(ix->slots);
    *ix = bigger;
    return 0;
}

/* The key of item: its path key (into the pattern) and hash. */
static const char *item_key(const struct fk_item *item, size_t *len, uint64_t *hash)
{
    const char *path = item->match.path != NULL ? item->match.path : "";
    *len = pattern_key_len(path);
    *hash = key_hash(fk_fnv1a(path, *len), method_hash(item->match.method));
    return path;
}

/* File item (the last of the list so far) under its key. 0 or FK_ENOMEM. */
static int index_put(struct fk_item_index *ix, struct fk_item *item)
{
    size_t len;
    uint64_t hash;
    const char *key = item_key(item, &len, &hash);
    const char *method = item->match.method;
    struct slot *s = slot_find(ix, hash, key, len, method);

    if (s->key == NULL) {
        if ((ix->used + 1) * 2 > ix->mask + 1) {
            if (index_grow(ix) != 0)
                return FK_ENOMEM;
            s = slot_find(ix, hash, key, len, method);
        }
        size_t mlen = method != NULL ? strlen(method) + 1 : 0;
        char *block = malloc(len + 1 + mlen);
        if (block == NULL)
            return FK_ENOMEM;
        memcpy(block, key, len);
        block[len] = '\0';
        if (method != NULL)
            memcpy(block + len + 1, method, mlen);
        *s = (struct slot){block, len, method ? block + len + 1 : NULL, hash, NULL, 0, 0};
        ix->used++;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        struct fk_item **v = realloc(s->v, cap * sizeof(*v));
        if (v == NULL)
            return FK_ENOMEM;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = item;
    return 0;
}

/* File l->v[from..] (everything when there is no index yet). Out of memory drops the index:
 * the list is then scanned until a later add manages to build it again. */
static void index_sync(struct fk_items *l, size_t from)
{
    if (l->index == NULL) {
        from = 0;
        if (!(l->index = index_new()))
            return;
    }
    for (size_t i = from; i < l->n; i++) {
        if (index_put(l->index, l->v[i]) != 0) {
            index_free(l->index);
            l->index = NULL;
            return;
        }
    }
}

/* Take item (still in the list, about to leave it) out of the index. */
static void index_drop(struct fk_items *l, const struct fk_item *item)
{
    size_t len;
    uint64_t hash;
    const char *key;
    struct slot *s;

    if (l->index == NULL)
        return;
    key = item_key(item, &len, &hash);
    s = slot_find(l->index, hash, key, len, item->match.method);
    for (size_t i = 0; s->key != NULL && i < s->n; i++) {
        if (s->v[i] == item) {
            memmove(s->v + i, s->v + i + 1, (s->n - i - 1) * sizeof(*s->v));
            s->n--;
            return;
        }
    }
    /* Not filed (cannot happen): an index that misses an item must not be used. */
    index_free(l->index);
    l->index = NULL;
}

/* After a remove: keys whose items are all gone keep their slots, so rebuild once they
 * outnumber the items (and free the index with the last item). */
static void index_tidy(struct fk_items *l)
{
    if (l->index != NULL && (l->n == 0 || l->index->used > 2 * l->n + 16)) {
        index_free(l->index);
        l->index = NULL;
        if (l->n)
            index_sync(l, 0);
    }
}

/* Add the items of (prefix of path, method) to the iterator's lists. */
static void iter_probe(struct fk_items_iter *it, uint64_t path_hash, const char *path, size_t len,
                       const char *method)
{
    const struct slot *s =
        slot_find(it->l->index, key_hash(path_hash, method_hash(method)), path, len, method);

    if (s->key == NULL || s->n == 0 || it->scan)
        return;
    if (it->nlists == FK_ITEMS_ITER_LISTS) {
        it->scan = true; /* a path under very many keys: scanning is as good */
        return;
    }
    it->lists[it->nlists].v = s->v;
    it->lists[it->nlists].n = s->n;
    it->lists[it->nlists].pos = 0;
    it->nlists++;
}

void fk_items_iter_start(struct fk_items_iter *it, const struct fk_items *l,
                         const struct fk_req *req)
{
    const char *path = req->path != NULL ? req->path : "";
    uint64_t h = FK_FNV1A_OFFSET;

    it->l = l;
    it->req = req;
    it->scan = l->n > 0 && l->index == NULL;
    it->next = 0;
    it->nlists = 0;
    if (l->n == 0 || it->scan)
        return;
    /* "" first, then each prefix that ends before a '/', then the whole path. */
    for (size_t j = 0;; j++) {
        char c = path[j];
        if (j == 0 || c == '/' || c == '\0') {
            iter_probe(it, h, path, j, NULL);
            if (req->method != NULL)
                iter_probe(it, h, path, j, req->method);
        }
        if (c == '\0' || it->scan)
            break;
        h = fk_fnv1a_step(h, (unsigned char)c);
    }
}

struct fk_item *fk_items_iter_next(struct fk_items_iter *it)
{
    if (it->scan) {
        while (it->next < it->l->n) {
            struct fk_item *item = it->l->v[it->next++];
            if (fk_match_test(&item->match, it->req))
                return item;
        }
        return NULL;
    }
    for (;;) {
        size_t best = it->nlists;
        for (size_t i = 0; i < it->nlists; i++)
            if (it->lists[i].pos < it->lists[i].n &&
                (best == it->nlists || it->lists[i].v[it->lists[i].pos]->seq <
                                           it->lists[best].v[it->lists[best].pos]->seq))
                best = i;
        if (best == it->nlists)
            return NULL;
        struct fk_item *item = it->lists[best].v[it->lists[best].pos++];
        if (fk_match_test(&item->match, it->req))
            return item;
    }
}

/* ---- The list ----------------------------------------------------------------------------- */

struct idref {
    const char *id;
    long idx; /* index in the new batch, -1 for an item already in the list */
};

static int idref_cmp(const void *a, const void *b)
{
    const struct idref *x = a;
    const struct idref *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

static int idref_find(const void *key, const void *elem)
{
    return strcmp(key, ((const struct idref *)elem)->id);
}

int fk_items_parse(const struct fk_item_kind *kind, const cJSON *json, const char *path, void *ctx,
                   struct fk_item ***out, size_t *n, struct fk_error *err)
{
    char sub[FK_ERRMSG_MAX];
    bool one = cJSON_IsObject(json);
    size_t count = one ? 1 : (size_t)cJSON_GetArraySize(json);
    int rc = 0;

    *out = NULL;
    *n = 0;
    if (!one && !cJSON_IsArray(json)) {
        fk_error_set(err, "%s: expected an object or an array", path);
        return FK_EINVAL;
    }
    if (count > FK_RULES_MAX) {
        fk_error_set(err, "%s: too many %s (at most %d)", path, kind->what, FK_RULES_MAX);
        return FK_ERANGE;
    }
    if (count == 0)
        return 0;
    struct fk_item **items = calloc(count, sizeof(*items));
    if (items == NULL) {
        fk_error_set(err, "%s: out of memory", path);
        return FK_ENOMEM;
    }
    /* A single object keeps path as it is ("fault.action"), array elements get "[i]". */
    const cJSON *item = one ? json : json->child;
    for (; rc == 0 && item != NULL && *n < count; item = item->next) {
        if (one)
            snprintf(sub, sizeof(sub), "%s", path);
        else
            snprintf(sub, sizeof(sub), "%s[%zu]", path, *n);
        rc = kind->parse(item, sub, ctx, &items[*n], err);
        if (rc == 0)
            (*n)++;
    }
    if (rc != 0) {
        for (size_t i = 0; i < *n; i++)
            kind->free(items[i]);
        free(items);
        *n = 0;
        return rc;
    }
    *out = items;
    return 0;
}

/* Check the batch's ids against the list and each other, then name the unnamed ones. */
static int assign_ids(const struct fk_item_kind *kind, const struct fk_items *l,
                      struct fk_item **items, size_t n, unsigned long *next, struct fk_error *err)
{
    size_t nrefs = 0;
    long dup = -1;
    struct idref *refs = malloc((l->n + n) * sizeof(*refs));

    if (refs == NULL) {
        fk_error_set(err, "%s: out of memory", items[0]->path);
        return FK_ENOMEM;
    }
    for (size_t i = 0; i < l->n; i++)
        refs[nrefs++] = (struct idref){l->v[i]->id, -1};
    for (size_t i = 0; i < n; i++)
        if (!items[i]->auto_id)
            refs[nrefs++] = (struct idref){items[i]->id, (long)i};
    qsort(refs, nrefs, sizeof(*refs), idref_cmp);
    /* In a run of equal ids every entry but the first is a duplicate; report the earliest
     * item of the batch among them. */
    for (size_t i = 1; i < nrefs; i++)
        if (strcmp(refs[i].id, refs[i - 1].id) == 0 && (dup < 0 || refs[i].idx < dup))
            dup = refs[i].idx;
    if (dup >= 0) {
        fk_error_set(err, "%s.id: duplicate id '%s'", items[dup]->path, items[dup]->id);
        free(refs);
        return FK_EEXIST;
    }
    for (size_t i = 0; i < n; i++) {
        while (items[i]->auto_id) {
            snprintf(items[i]->id, sizeof(items[i]->id), "%s-%lu", kind->prefix, ++*next);
            if (!bsearch(items[i]->id, refs, nrefs, sizeof(*refs), idref_find))
                break;
        }
    }
    free(refs);
    return 0;
}

int fk_items_add(const struct fk_item_kind *kind, struct fk_items *l, struct fk_item **items,
                 size_t n, cJSON **added, struct fk_error *err)
{
    unsigned long next = l->next_auto;
    cJSON *arr = NULL;
    int rc;

    if (added != NULL)
        *added = NULL;
    if (n == 0)
        return added != NULL && !(*added = cJSON_CreateArray()) ? FK_ENOMEM : 0;
    if (l->n + n > FK_RULES_MAX) {
        fk_error_set(err, "%s: too many %s (at most %d)", items[0]->path, kind->what, FK_RULES_MAX);
        return FK_ERANGE;
    }
    rc = assign_ids(kind, l, items, n, &next, err);
    if (rc == 0 && l->n + n > l->cap) {
        size_t cap = l->cap ? l->cap : 8;
        while (cap < l->n + n)
            cap *= 2;
        struct fk_item **grown = realloc(l->v, cap * sizeof(*grown));
        if (grown != NULL) {
            l->v = grown;
            l->cap = cap;
        } else {
            rc = FK_ENOMEM;
        }
    }
    if (rc == 0 && added != NULL) {
        arr = cJSON_CreateArray();
        for (size_t i = 0; arr != NULL && i < n; i++) {
            cJSON *item = kind->json(items[i]);
            if (item == NULL || !cJSON_AddItemToArray(arr, item)) {
                cJSON_Delete(item);
                cJSON_Delete(arr);
                arr = NULL;
            }
        }
        rc = arr != NULL ? 0 : FK_ENOMEM;
    }
    if (rc != 0) {
        if (rc == FK_ENOMEM)
            fk_error_set(err, "%s: out of memory", items[0]->path);
        for (size_t i = 0; i < n; i++)
            if (items[i]->auto_id)
                items[i]->id[0] = '\0'; /* named again on the next try */
        return rc;
    }
    for (size_t i = 0; i < n; i++)
        items[i]->seq = l->next_seq++;
    memcpy(l->v + l->n, items, n * sizeof(*items));
    l->n += n;
    index_sync(l, l->n - n);
    l->next_auto = next;
    if (added != NULL)
        *added = arr;
    return 0;
}

int fk_items_remove(const struct fk_item_kind *kind, struct fk_items *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i]->id, id) == 0) {
            index_drop(l, l->v[i]);
            kind->free(l->v[i]);
            memmove(l->v + i, l->v + i + 1, (l->n - i - 1) * sizeof(*l->v));
            l->n--;
            index_tidy(l);
            return 0;
        }
    }
    return FK_ENOTFOUND;
}

void fk_items_clear(const struct fk_item_kind *kind, struct fk_items *l)
{
    for (size_t i = 0; i < l->n; i++)
        kind->free(l->v[i]);
    free(l->v);
    index_free(l->index);
    memset(l, 0, sizeof(*l));
}

cJSON *fk_items_json(const struct fk_item_kind *kind, const struct fk_items *l)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr != NULL && i < l->n; i++) {
        cJSON *item = kind->json(l->v[i]);
        if (item == NULL || !cJSON_AddItemToArray(arr, item)) {
            cJSON_Delete(item);
            cJSON_Delete(arr);
            arr = NULL;
        }
    }
    return arr;
}
