/* match.c: path globs and the request matcher shared by fault rules and rate limits.
 *
 * Globs work on '/'-separated segments. A pattern segment that is exactly "**" stands for
 * zero or more path segments; any other segment is matched against one path segment, where
 * '*' is any run of characters (never a '/'). Both levels use the classic greedy algorithm
 * with one backtrack point (the last star seen), so matching is O(pattern * path) with no
 * recursion and no allocation, whatever pattern an admin loads. A trailing slash is a
 * segment of its own (an empty one): "/a/b" does not match "/a/b/", and a lone '*' as the
 * last segment matches "/a/" (an empty segment) but not "/a". */
#include "fakekit/match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakekit/json.h"

/* One segment of a glob against one segment of a path ('*' within the segment). */
static bool seg_match(const char *p, const char *pe, const char *s, const char *se)
{
    const char *star = NULL;
    const char *retry = NULL;

    while (s < se) {
        if (p < pe && *p == '*') {
            star = p++;
            retry = s;
        } else if (p < pe && *p == *s) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++retry;
        } else {
            return false;
        }
    }
    while (p < pe && *p == '*') {
        p++;
    }
    return p == pe;
}

static const char *seg_end(const char *s)
{
    return s + strcspn(s, "/");
}

/* The next segment, or NULL after the last one. */
static const char *seg_next(const char *s)
{
    const char *e = seg_end(s);
    return *e ? e + 1 : NULL;
}

static bool seg_is_dstar(const char *p)
{
    return p[0] == '*' && p[1] == '*' && (p[2] == '/' || p[2] == '\0');
}

bool fk_glob_match(const char *pattern, const char *path)
{
    const char *p = pattern;
    const char *s = path;
    const char *star_p = NULL; /* the last "**" segment seen */
    const char *star_s = NULL; /* the path segment it would swallow next */

    while (s) {
        if (p && seg_is_dstar(p)) {
            star_p = p;
            p = seg_next(p);
            star_s = s;
        } else if (p && seg_match(p, seg_end(p), s, seg_end(s))) {
            p = seg_next(p);
            s = seg_next(s);
        } else if (star_p) {
            /* Let the last "**" swallow one more segment and retry after it. */
            p = seg_next(star_p);
            star_s = seg_next(star_s);
            s = star_s;
        } else {
            return false;
        }
    }
    while (p && seg_is_dstar(p)) {
        p = seg_next(p);
    }
    return p == NULL;
}

static void pairs_free(struct fk_pair *pairs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(pairs[i].key);
        free(pairs[i].value);
    }
    free(pairs);
}

void fk_match_cleanup(struct fk_match *m)
{
    if (!m) {
        return;
    }
    free(m->method);
    free(m->path);
    pairs_free(m->query, m->nquery);
    pairs_free(m->headers, m->nheaders);
    free(m->body_contains);
    memset(m, 0, sizeof(*m));
}

static int dup_string(const char *s, char **out)
{
    if (!s) {
        return 0;
    }
    *out = strdup(s);
    return *out ? 0 : FK_ENOMEM;
}

/* Copy an object of strings ({"PageSize": "5"}) under key into *pairs. */
static int parse_pairs(const cJSON *json, const char *key, const char *path, struct fk_pair **pairs,
                       size_t *n, struct fk_error *err)
{
    const cJSON *obj = NULL;
    char sub[FK_ERRMSG_MAX];
    int rc = fk_json_get_object(json, key, path, false, &obj, err);
    if (rc || !obj) {
        return rc;
    }
    snprintf(sub, sizeof(sub), "%s.%s", path, key);
    size_t count = (size_t)cJSON_GetArraySize(obj);
    if (count == 0) {
        return 0;
    }
    *pairs = calloc(count, sizeof(**pairs));
    if (!*pairs) {
        fk_error_set(err, "%s: out of memory", sub);
        return FK_ENOMEM;
    }
    const cJSON *item = NULL;
    cJSON_ArrayForEach(item, obj)
    {
        const char *value = NULL;
        rc = fk_json_get_string(obj, item->string, sub, true, &value, err);
        if (rc) {
            return rc;
        }
        struct fk_pair *pr = &(*pairs)[(*n)++];
        pr->key = strdup(item->string);
        pr->value = strdup(value);
        if (!pr->key || !pr->value) {
            fk_error_set(err, "%s: out of memory", sub);
            return FK_ENOMEM;
        }
    }
    return 0;
}

int fk_match_parse(const cJSON *json, const char *path, struct fk_match *m, struct fk_error *err)
{
    static const char *const keys[] = {"method", "path", "query", "headers", "body_contains", NULL};
    const char *method = NULL;
    const char *glob = NULL;
    const char *body = NULL;
    int rc;

    memset(m, 0, sizeof(*m));
    if (!json || cJSON_IsNull(json)) {
        return 0;
    }
    if (!cJSON_IsObject(json)) {
        fk_error_set(err, "%s: expected an object", path);
        return FK_EINVAL;
    }
    rc = fk_json_check_keys(json, path, keys, err);
    if (!rc) {
        rc = fk_json_get_string(json, "method", path, false, &method, err);
    }
    if (!rc) {
        rc = fk_json_get_string(json, "path", path, false, &glob, err);
    }
    if (!rc) {
        rc = fk_json_get_string(json, "body_contains", path, false, &body, err);
    }
    if (!rc) {
        rc = parse_pairs(json, "query", path, &m->query, &m->nquery, err);
    }
    if (!rc) {
        rc = parse_pairs(json, "headers", path, &m->headers, &m->nheaders, err);
    }
    if (!rc && (dup_string(method, &m->method) || dup_string(glob, &m->path) ||
                dup_string(body, &m->body_contains))) {
        fk_error_set(err, "%s: out of memory", path);
        rc = FK_ENOMEM;
    }
    if (rc) {
        fk_match_cleanup(m);
    }
    return rc;
}

bool fk_match_test(const struct fk_match *m, const struct fk_req *req)
{
    if (m->method && (!req->method || strcasecmp(m->method, req->method) != 0)) {
        return false;
    }
    if (m->path && (!req->path || !fk_glob_match(m->path, req->path))) {
        return false;
    }
    for (size_t i = 0; i < m->nquery; i++) {
        const char *v = fk_req_arg(req, m->query[i].key);
        if (!v || strcmp(v, m->query[i].value) != 0) {
            return false;
        }
    }
    for (size_t i = 0; i < m->nheaders; i++) {
        const char *v = fk_req_header(req, m->headers[i].key);
        if (!v || strcmp(v, m->headers[i].value) != 0) {
            return false;
        }
    }
    if (m->body_contains && *m->body_contains) {
        /* memmem, not strstr: a body may hold NUL bytes before the text sought. */
        if (!req->body ||
            !memmem(req->body, req->body_len, m->body_contains, strlen(m->body_contains))) {
            return false;
        }
    }
    return true;
}

static cJSON *pairs_json(const struct fk_pair *pairs, size_t n)
{
    cJSON *obj = cJSON_CreateObject();
    for (size_t i = 0; obj && i < n; i++) {
        if (!cJSON_AddStringToObject(obj, pairs[i].key, pairs[i].value)) {
            cJSON_Delete(obj);
            obj = NULL;
        }
    }
    return obj;
}

cJSON *fk_match_json(const struct fk_match *m)
{
    cJSON *obj = cJSON_CreateObject();
    if (!obj) {
        return NULL;
    }
    if ((m->method && !cJSON_AddStringToObject(obj, "method", m->method)) ||
        (m->path && !cJSON_AddStringToObject(obj, "path", m->path))) {
        goto fail;
    }
    if (m->nquery) {
        cJSON *q = pairs_json(m->query, m->nquery);
        if (!q || !cJSON_AddItemToObject(obj, "query", q)) {
            cJSON_Delete(q);
            goto fail;
        }
    }
    if (m->nheaders) {
        cJSON *h = pairs_json(m->headers, m->nheaders);
        if (!h || !cJSON_AddItemToObject(obj, "headers", h)) {
            cJSON_Delete(h);
            goto fail;
        }
    }
    if (m->body_contains && !cJSON_AddStringToObject(obj, "body_contains", m->body_contains)) {
        goto fail;
    }
    return obj;
fail:
    cJSON_Delete(obj);
    return NULL;
}

/* Rule lists (see match.h). Duplicate ids are found by sorting the ids of the list and the
 * batch together, so adding many rules at once stays O(n log n). */
struct idref {
    const char *id;
    long idx; /* index in the new batch, -1 for an item already in the list */
};

static int idref_cmp(const void *a, const void *b)
{
    const struct idref *x = a;
    const struct idref *y = b;
    int c = strcmp(x->id, y->id);
    if (c) {
        return c;
    }
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
    if (count == 0) {
        return 0;
    }
    struct fk_item **items = calloc(count, sizeof(*items));
    if (!items) {
        fk_error_set(err, "%s: out of memory", path);
        return FK_ENOMEM;
    }
    /* A single object keeps path as it is ("fault.action"), array elements get "[i]". */
    const cJSON *item = one ? json : json->child;
    for (; !rc && item && *n < count; item = item->next) {
        if (one) {
            snprintf(sub, sizeof(sub), "%s", path);
        } else {
            snprintf(sub, sizeof(sub), "%s[%zu]", path, *n);
        }
        rc = kind->parse(item, sub, ctx, &items[*n], err);
        if (!rc) {
            (*n)++;
        }
    }
    if (rc) {
        for (size_t i = 0; i < *n; i++) {
            kind->free(items[i]);
        }
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

    if (!refs) {
        fk_error_set(err, "%s: out of memory", items[0]->path);
        return FK_ENOMEM;
    }
    for (size_t i = 0; i < l->n; i++) {
        refs[nrefs++] = (struct idref){l->v[i]->id, -1};
    }
    for (size_t i = 0; i < n; i++) {
        if (!items[i]->auto_id) {
            refs[nrefs++] = (struct idref){items[i]->id, (long)i};
        }
    }
    qsort(refs, nrefs, sizeof(*refs), idref_cmp);
    /* In a run of equal ids every entry but the first is a duplicate; report the earliest
     * item of the batch among them. */
    for (size_t i = 1; i < nrefs; i++) {
        if (strcmp(refs[i].id, refs[i - 1].id) == 0 && (dup < 0 || refs[i].idx < dup)) {
            dup = refs[i].idx;
        }
    }
    if (dup >= 0) {
        fk_error_set(err, "%s.id: duplicate id '%s'", items[dup]->path, items[dup]->id);
        free(refs);
        return FK_EEXIST;
    }
    for (size_t i = 0; i < n; i++) {
        while (items[i]->auto_id) {
            snprintf(items[i]->id, sizeof(items[i]->id), "%s-%lu", kind->prefix, ++*next);
            if (!bsearch(items[i]->id, refs, nrefs, sizeof(*refs), idref_find)) {
                break;
            }
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

    if (added) {
        *added = NULL;
    }
    if (n == 0) {
        return added && !(*added = cJSON_CreateArray()) ? FK_ENOMEM : 0;
    }
    if (l->n + n > FK_RULES_MAX) {
        fk_error_set(err, "%s: too many %s (at most %d)", items[0]->path, kind->what, FK_RULES_MAX);
        return FK_ERANGE;
    }
    rc = assign_ids(kind, l, items, n, &next, err);
    if (!rc && l->n + n > l->cap) {
        size_t cap = l->cap ? l->cap : 8;
        while (cap < l->n + n) {
            cap *= 2;
        }
        struct fk_item **grown = realloc(l->v, cap * sizeof(*grown));
        if (grown) {
            l->v = grown;
            l->cap = cap;
        } else {
            rc = FK_ENOMEM;
        }
    }
    if (!rc && added) {
        arr = cJSON_CreateArray();
        for (size_t i = 0; arr && i < n; i++) {
            cJSON *item = kind->json(items[i]);
            if (!item || !cJSON_AddItemToArray(arr, item)) {
                cJSON_Delete(item);
                cJSON_Delete(arr);
                arr = NULL;
            }
        }
        rc = arr ? 0 : FK_ENOMEM;
    }
    if (rc) {
        if (rc == FK_ENOMEM) {
            fk_error_set(err, "%s: out of memory", items[0]->path);
        }
        for (size_t i = 0; i < n; i++) {
            if (items[i]->auto_id) {
                items[i]->id[0] = '\0'; /* named again on the next try */
            }
        }
        return rc;
    }
    memcpy(l->v + l->n, items, n * sizeof(*items));
    l->n += n;
    l->next_auto = next;
    if (added) {
        *added = arr;
    }
    return 0;
}

int fk_items_remove(const struct fk_item_kind *kind, struct fk_items *l, const char *id)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i]->id, id) == 0) {
            kind->free(l->v[i]);
            memmove(l->v + i, l->v + i + 1, (l->n - i - 1) * sizeof(*l->v));
            l->n--;
            return 0;
        }
    }
    return FK_ENOTFOUND;
}

void fk_items_clear(const struct fk_item_kind *kind, struct fk_items *l)
{
    for (size_t i = 0; i < l->n; i++) {
        kind->free(l->v[i]);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}

cJSON *fk_items_json(const struct fk_item_kind *kind, const struct fk_items *l)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < l->n; i++) {
        cJSON *item = kind->json(l->v[i]);
        if (!item || !cJSON_AddItemToArray(arr, item)) {
            cJSON_Delete(item);
            cJSON_Delete(arr);
            arr = NULL;
        }
    }
    return arr;
}
