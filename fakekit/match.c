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
        } else if (star != NULL) {
            p = star + 1;
            s = ++retry;
        } else {
            return false;
        }
    }
    while (p < pe && *p == '*')
        p++;
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

    while (s != NULL) {
        if (p != NULL && seg_is_dstar(p)) {
            star_p = p;
            p = seg_next(p);
            star_s = s;
        } else if (p != NULL && seg_match(p, seg_end(p), s, seg_end(s))) {
            p = seg_next(p);
            s = seg_next(s);
        } else if (star_p != NULL) {
            /* Let the last "**" swallow one more segment and retry after it. */
            p = seg_next(star_p);
            star_s = seg_next(star_s);
            s = star_s;
        } else {
            return false;
        }
    }
    while (p != NULL && seg_is_dstar(p))
        p = seg_next(p);
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
    if (m == NULL)
        return;
    free(m->method);
    free(m->path);
    pairs_free(m->query, m->nquery);
    pairs_free(m->headers, m->nheaders);
    free(m->body_contains);
    memset(m, 0, sizeof(*m));
}

static int dup_string(const char *s, char **out)
{
    if (s == NULL)
        return 0;
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
    if (rc != 0 || obj == NULL)
        return rc;
    snprintf(sub, sizeof(sub), "%s.%s", path, key);
    size_t count = (size_t)cJSON_GetArraySize(obj);
    if (count == 0)
        return 0;
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
        if (rc != 0)
            return rc;
        struct fk_pair *pr = &(*pairs)[(*n)++];
        pr->key = strdup(item->string);
        pr->value = strdup(value);
        if (pr->key == NULL || pr->value == NULL) {
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
    if (json == NULL || cJSON_IsNull(json))
        return 0;
    if (!cJSON_IsObject(json)) {
        fk_error_set(err, "%s: expected an object", path);
        return FK_EINVAL;
    }
    rc = fk_json_check_keys(json, path, keys, err);
    if (rc == 0)
        rc = fk_json_get_string(json, "method", path, false, &method, err);
    if (rc == 0)
        rc = fk_json_get_string(json, "path", path, false, &glob, err);
    if (rc == 0)
        rc = fk_json_get_string(json, "body_contains", path, false, &body, err);
    if (rc == 0)
        rc = parse_pairs(json, "query", path, &m->query, &m->nquery, err);
    if (rc == 0)
        rc = parse_pairs(json, "headers", path, &m->headers, &m->nheaders, err);
    if (rc == 0 && (dup_string(method, &m->method) || dup_string(glob, &m->path) ||
                    dup_string(body, &m->body_contains))) {
        fk_error_set(err, "%s: out of memory", path);
        rc = FK_ENOMEM;
    }
    if (rc != 0)
        fk_match_cleanup(m);
    return rc;
}

bool fk_match_test(const struct fk_match *m, const struct fk_req *req)
{
    if (m->method != NULL && (req->method == NULL || strcasecmp(m->method, req->method) != 0))
        return false;
    if (m->path != NULL && (req->path == NULL || !fk_glob_match(m->path, req->path)))
        return false;
    for (size_t i = 0; i < m->nquery; i++) {
        const char *v = fk_req_arg(req, m->query[i].key);
        if (v == NULL || strcmp(v, m->query[i].value) != 0)
            return false;
    }
    for (size_t i = 0; i < m->nheaders; i++) {
        const char *v = fk_req_header(req, m->headers[i].key);
        if (v == NULL || strcmp(v, m->headers[i].value) != 0)
            return false;
    }
    if (m->body_contains != NULL && *m->body_contains) {
        /* memmem, not strstr: a body may hold NUL bytes before the text sought. */
        if (req->body == NULL ||
            !memmem(req->body, req->body_len, m->body_contains, strlen(m->body_contains)))
            return false;
    }
    return true;
}

static cJSON *pairs_json(const struct fk_pair *pairs, size_t n)
{
    cJSON *obj = cJSON_CreateObject();
    for (size_t i = 0; obj != NULL && i < n; i++) {
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
    if (obj == NULL)
        return NULL;
    if ((m->method != NULL && !cJSON_AddStringToObject(obj, "method", m->method)) ||
        (m->path != NULL && !cJSON_AddStringToObject(obj, "path", m->path)))
        goto fail;
    if (m->nquery) {
        cJSON *q = pairs_json(m->query, m->nquery);
        if (q == NULL || !cJSON_AddItemToObject(obj, "query", q)) {
            cJSON_Delete(q);
            goto fail;
        }
    }
    if (m->nheaders) {
        cJSON *h = pairs_json(m->headers, m->nheaders);
        if (h == NULL || !cJSON_AddItemToObject(obj, "headers", h)) {
            cJSON_Delete(h);
            goto fail;
        }
    }
    if (m->body_contains != NULL &&
        !cJSON_AddStringToObject(obj, "body_contains", m->body_contains))
        goto fail;
    return obj;
fail:
    cJSON_Delete(obj);
    return NULL;
}
