/* router.h: a route table with path parameters.
 *
 * A pattern is a path whose segments may hold one {name} capture with a literal prefix or
 * suffix: "/2010-04-01/Accounts/{sid}/IncomingPhoneNumbers/{pn}.json". A capture never
 * spans '/' and never matches an empty string. Routes are tried in table order. */
#ifndef FK_ROUTER_H
#define FK_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "fakekit/http.h"

/* A handler fills resp. It returns 0, or a negative fk_err when it could not build any
 * answer (ENOMEM); the server then answers the service's native 500. */
typedef int (*fk_handler)(const struct fk_req *req, struct fk_resp *resp);

struct fk_route {
    const char *method; /* "GET", or "*" for any */
    const char *pattern;
    fk_handler fn;
};

/* Find the route for method and path. Captures are written into req->params, pointing into
 * scratch (which must hold strlen(path) + FK_MAX_PATH_PARAMS bytes). Returns the route, or
 * NULL; *path_known is set when some route matched the path but not the method. */
const struct fk_route *fk_route_find(const struct fk_route *routes, size_t n, struct fk_req *req,
                                     char *scratch, size_t scratchlen, bool *path_known);

/* Match one pattern against path; captures as above. Exposed for tests. */
bool fk_route_match(const char *pattern, const char *path, const char **params, size_t *nparams,
                    char *scratch, size_t scratchlen);

#endif
