/* fakereq.h: an in-memory request for unit tests of fakekit modules (no socket). */
#ifndef H_FAKEREQ_H
#define H_FAKEREQ_H

#include "fakekit/http.h"

/* A request with method and path (both borrowed), empty query and body, no headers. */
struct fk_req h_make_req(const char *method, const char *path);

#endif
