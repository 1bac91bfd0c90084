/* admin.h: the /__admin/ API of every fake (docs/DESIGN.md "Admin API").
 *
 * Called by run.c only, for every request whose path starts with /__admin/; calls scenario.c
 * and app.c. Both functions write their whole answer into resp and return nothing: the admin
 * API is never faulted, rate-limited or journaled. */
#ifndef FK_ADMIN_H
#define FK_ADMIN_H

#include "fakekit/app.h"
#include "fakekit/http.h"

/* Handle GET/POST/DELETE /__admin/... (store locking is done inside). With an admin token,
 * a request without "Authorization: Bearer <token>" gets 401 and nothing else happens. */
void fk_admin_handle(struct fk_app *app, const struct fk_req *req, struct fk_resp *resp);
/* The answer to an admin request whose body was over the limit: 401 as above, else 413, in
 * the admin API's shape. */
void fk_admin_too_large(struct fk_app *app, const struct fk_req *req, struct fk_resp *resp);

#endif
