/* router.c: match a method and path against a route table, capturing {name} segments.
 *
 * Patterns are short and tables small (a few dozen routes), so a linear scan beats any
 * index: it is the order the table states, which is also the precedence. */
#include "fakekit/router.h"

#include <string.h>
#include <strings.h>

/* Match one segment pattern (at most one {capture}) against one path segment. */
static bool match_segment(const char *pat, size_t plen, const char *seg, size_t slen,
                          const char **cap, char **scratch, size_t *room)
{
    const char *open = memchr(pat, '{', plen);

    if (open == NULL)
        return plen == slen && memcmp(pat, seg, slen) == 0;
    const char *close = memchr(open, '}', plen - (size_t)(open - pat));
    if (close == NULL)
        return false;
    size_t pre = (size_t)(open - pat);
    size_t suf = plen - (size_t)(close - pat) - 1;
    if (slen <= pre + suf || memcmp(seg, pat, pre) != 0 ||
        memcmp(seg + slen - suf, close + 1, suf) != 0)
        return false;
    size_t clen = slen - pre - suf;
    if (clen + 1 > *room)
        return false;
    memcpy(*scratch, seg + pre, clen);
    (*scratch)[clen] = '\0';
    *cap = *scratch;
    *scratch += clen + 1;
    *room -= clen + 1;
    return true;
}

bool fk_route_match(const char *pattern, const char *path, const char **params, size_t *nparams,
                    char *scratch, size_t scratchlen)
{
    const char *p = pattern, *s = path;
    size_t n = 0, room = scratchlen;

    while (*p != '\0' && *s != '\0') {
        if (*p != '/' || *s != '/')
            return false;
        p++;
        s++;
        size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
        const char *cap = NULL;
        if (!match_segment(p, plen, s, slen, &cap, &scratch, &room))
            return false;
        if (cap != NULL) {
            if (n >= FK_MAX_PATH_PARAMS)
                return false;
            params[n++] = cap;
        }
        p += plen;
        s += slen;
    }
    if (*p != '\0' || *s != '\0')
        return false;
    *nparams = n;
    return true;
}

const struct fk_route *fk_route_find(const struct fk_route *routes, size_t n, struct fk_req *req,
                                     char *scratch, size_t scratchlen, bool *path_known)
{
    *path_known = false;
    for (size_t i = 0; i < n; i++) {
        const char *params[FK_MAX_PATH_PARAMS];
        size_t np = 0;
        if (!fk_route_match(routes[i].pattern, req->path, params, &np, scratch, scratchlen))
            continue;
        if (strcmp(routes[i].method, "*") != 0 && strcasecmp(routes[i].method, req->method) != 0) {
            *path_known = true;
            continue;
        }
        memcpy(req->params, params, np * sizeof(params[0]));
        req->nparams = np;
        return &routes[i];
    }
    return NULL;
}
