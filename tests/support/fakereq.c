/* fakereq.c: in-memory requests for unit tests. */
#include "tests/support/fakereq.h"

#include <string.h>

struct fk_req h_make_req(const char *method, const char *path)
{
    struct fk_req r;

    memset(&r, 0, sizeof(r));
    r.method = method;
    r.path = path;
    r.query = "";
    r.body = "";
    return r;
}
