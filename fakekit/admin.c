/* admin.c: the /__admin/ API (docs/DESIGN.md "Admin API"), the same for every fake.
 *
 * Answers are JSON; errors are {"error": "..."} with 400 (bad input), 401 (no or a wrong
 * admin token, when --admin-token is set), 404 (unknown id or endpoint), 405 (known endpoint,
 * wrong method) or 413 (rules over their count or size limit, a body over 1 MiB). The admin
 * API itself is never faulted, rate-limited or journaled: run.c sends /__admin/ here before
 * any of that happens. */
#include "fakekit/admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakekit/app.h"
#include "fakekit/json.h"
#include "fakekit/log.h"
#include "fakekit/scenario.h"

static void reply(struct fk_resp *resp, unsigned status, cJSON *json)
{
    if (json == NULL || fk_resp_json(resp, status, json) != 0)
        if (fk_resp_set(resp, 500, "application/json", "{\"error\":\"out of memory\"}", 25) != 0)
            resp->status = 500;
}

static void reply_error(struct fk_resp *resp, unsigned status, const char *msg)
{
    cJSON *j = cJSON_CreateObject();

    if (j != NULL)
        cJSON_AddStringToObject(j, "error", msg);
    reply(resp, status, j);
}

/* The status an admin error code answers with. */
static unsigned error_status(int rc)
{
    switch (rc) {
    case FK_ENOMEM:
        return 500;
    case FK_EEXIST:
        return 409;
    case FK_ERANGE:
        return 413;
    default:
        return 400;
    }
}

/* Compare in time independent of where the first difference is. */
static bool same_secret(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char diff = la != lb;

    for (size_t i = 0; i < la; i++)
        diff |= (unsigned char)(a[i] ^ b[i % (lb > 0 ? lb : 1)]);
    return diff == 0;
}

/* The admin token. A check (fakekit/err.h): FK_OK when the admin API is open or req carries
 * "Authorization: Bearer <token>", else FK_ANSWERED with the 401 in resp (a 500 when even
 * that could not be built). */
static int token_check(const struct fk_app *app, const struct fk_req *req, struct fk_resp *resp)
{
    const char *auth = fk_req_header(req, "Authorization");

    if (app->admin_token == NULL)
        return FK_OK;
    if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0 &&
        same_secret(auth + 7, app->admin_token))
        return FK_OK;
    reply_error(resp, 401,
                auth == NULL ? "the admin API needs Authorization: Bearer <admin token>"
                             : "wrong admin token");
    if (fk_resp_header(resp, "WWW-Authenticate", "Bearer realm=\"fakes admin\"") != 0)
        resp->status = 500;
    return FK_ANSWERED;
}

void fk_admin_too_large(struct fk_app *app, const struct fk_req *req, struct fk_resp *resp)
{
    if (token_check(app, req, resp) == FK_OK)
        reply_error(resp, 413, "request body over 1 MiB");
}

static cJSON *count_json(const char *key, double n)
{
    cJSON *j = cJSON_CreateObject();

    if (j != NULL)
        cJSON_AddNumberToObject(j, key, n);
    return j;
}

static cJSON *body_json(const struct fk_req *req, struct fk_resp *resp)
{
    struct fk_error err = {{0}};
    cJSON *j = fk_req_json(req, &err);

    if (j == NULL)
        reply_error(resp, 400, err.msg);
    return j;
}

static void health(struct fk_app *app, struct fk_resp *resp)
{
    cJSON *j = cJSON_CreateObject();

    if (j != NULL) {
        cJSON_AddStringToObject(j, "status", "ok");
        cJSON_AddStringToObject(j, "service", app->svc->name);
        cJSON_AddStringToObject(j, "version", app->svc->version);
    }
    reply(resp, 200, j);
}

static void reset(struct fk_app *app, struct fk_resp *resp)
{
    struct fk_error err = {{0}};
    int rc;

    fk_store_lock(app->store);
    rc = fk_store_begin(app->store);
    if (rc == 0 && (rc = fk_app_reseed(app, &err)) == 0)
        rc = fk_store_commit(app->store);
    if (rc != 0)
        fk_store_rollback(app->store);
    fk_store_unlock(app->store);
    if (rc != 0) {
        reply_error(resp, 500, err.msg[0] ? err.msg : "reset failed");
        return;
    }
    fk_faults_clear(app->faults);
    fk_limits_clear(app->limits);
    fk_journal_clear(app->journal);
    reply(resp, 200, cJSON_CreateObject());
}

/* Faults and rate limits share their admin shape; this table holds the difference. */
struct ruleset {
    const char *path;
    cJSON *(*list)(struct fk_app *app);
    int (*add)(struct fk_app *app, const cJSON *json, cJSON **added, struct fk_error *err);
    size_t (*clear)(struct fk_app *app);
    int (*remove)(struct fk_app *app, const char *id);
};

static cJSON *faults_list(struct fk_app *app)
{
    return fk_faults_json(app->faults);
}

static int faults_add(struct fk_app *app, const cJSON *json, cJSON **added, struct fk_error *err)
{
    struct fk_error_check check = fk_app_error_check(app);

    return fk_faults_add_json(app->faults, json, cJSON_IsArray(json) ? "faults" : "fault", &check,
                              added, err);
}

static size_t faults_clear(struct fk_app *app)
{
    size_t n = fk_faults_count(app->faults);
    fk_faults_clear(app->faults);
    return n;
}

static int faults_remove(struct fk_app *app, const char *id)
{
    return fk_faults_remove(app->faults, id);
}

static cJSON *limits_list(struct fk_app *app)
{
    return fk_limits_json(app->limits);
}

static int limits_add(struct fk_app *app, const cJSON *json, cJSON **added, struct fk_error *err)
{
    return fk_limits_add_json(app->limits, json, cJSON_IsArray(json) ? "rate_limits" : "rate_limit",
                              added, err);
}

static size_t limits_clear(struct fk_app *app)
{
    cJSON *all = fk_limits_json(app->limits);
    size_t n = (size_t)cJSON_GetArraySize(all);
    cJSON_Delete(all);
    fk_limits_clear(app->limits);
    return n;
}

static int limits_remove(struct fk_app *app, const char *id)
{
    return fk_limits_remove(app->limits, id);
}

static const struct ruleset rulesets[] = {
    {"/__admin/faults", faults_list, faults_add, faults_clear, faults_remove},
    {"/__admin/rate-limits", limits_list, limits_add, limits_clear, limits_remove},
};

static bool handle_ruleset(struct fk_app *app, const struct fk_req *req, struct fk_resp *resp)
{
    for (size_t i = 0; i < FK_NELEM(rulesets); i++) {
        const struct ruleset *rs = &rulesets[i];
        size_t n = strlen(rs->path);
        if (strncmp(req->path, rs->path, n) != 0)
            continue;
        const char *rest = req->path + n;
        if (*rest == '/' && rest[1] != '\0') {
            if (strcasecmp(req->method, "DELETE") != 0) {
                reply_error(resp, 405, "use DELETE on a single rule");
            } else if (rs->remove(app, rest + 1) != 0) {
                char msg[FK_ID_MAX + 32];
                snprintf(msg, sizeof(msg), "no rule with id '%s'", rest + 1);
                reply_error(resp, 404, msg);
            } else {
                reply(resp, 200, count_json("deleted", 1));
            }
            return true;
        }
        if (*rest != '\0' && strcmp(rest, "/") != 0)
            continue;
        if (strcasecmp(req->method, "GET") == 0) {
            reply(resp, 200, rs->list(app));
        } else if (strcasecmp(req->method, "DELETE") == 0) {
            reply(resp, 200, count_json("deleted", (double)rs->clear(app)));
        } else if (strcasecmp(req->method, "POST") == 0) {
            struct fk_error err = {{0}};
            cJSON *added = NULL, *json = body_json(req, resp);
            if (json == NULL)
                return true;
            int rc = rs->add(app, json, &added, &err);
            cJSON_Delete(json);
            if (rc != 0)
                reply_error(resp, error_status(rc), rc == FK_ENOMEM ? "out of memory" : err.msg);
            else
                reply(resp, 201, added);
        } else {
            reply_error(resp, 405, "use GET, POST or DELETE");
        }
        return true;
    }
    return false;
}

static void journal_filter(const struct fk_req *req, struct fk_journal_filter *f)
{
    const char *v;

    memset(f, 0, sizeof(*f));
    f->method = fk_req_arg(req, "method");
    f->path = fk_req_arg(req, "path");
    if (f->method != NULL && *f->method == '\0')
        f->method = NULL;
    if (f->path != NULL && *f->path == '\0')
        f->path = NULL;
    if ((v = fk_req_arg(req, "status")) != NULL)
        f->status = (int)strtol(v, NULL, 10);
    if ((v = fk_req_arg(req, "since")) != NULL)
        f->since = strtoull(v, NULL, 10);
    if ((v = fk_req_arg(req, "limit")) != NULL)
        f->limit = strtoull(v, NULL, 10);
}

static void requests(struct fk_app *app, const struct fk_req *req, struct fk_resp *resp)
{
    struct fk_journal_filter f;

    journal_filter(req, &f);
    if (strcmp(req->path, "/__admin/requests/count") == 0) {
        if (strcasecmp(req->method, "GET") != 0)
            reply_error(resp, 405, "use GET");
        else
            reply(resp, 200, count_json("count", (double)fk_journal_count(app->journal, &f)));
    } else if (strcasecmp(req->method, "GET") == 0) {
        reply(resp, 200, fk_journal_query(app->journal, &f));
    } else if (strcasecmp(req->method, "DELETE") == 0) {
        size_t n = fk_journal_count(app->journal, &f);
        fk_journal_clear(app->journal);
        reply(resp, 200, count_json("deleted", (double)n));
    } else {
        reply_error(resp, 405, "use GET or DELETE");
    }
}

static void state(struct fk_app *app, const struct fk_req *req, struct fk_resp *resp)
{
    if (strcasecmp(req->method, "GET") == 0) {
        fk_store_lock(app->store);
        cJSON *j = app->svc->dump_state != NULL ? app->svc->dump_state(app->store, app->svc_state)
                                                : fk_store_dump(app->store);
        fk_store_unlock(app->store);
        reply(resp, 200, j);
        return;
    }
    if (strcasecmp(req->method, "POST") != 0) {
        reply_error(resp, 405, "use GET or POST");
        return;
    }
    cJSON *json = body_json(req, resp);
    struct fk_error err = {{0}};
    int rc;
    if (json == NULL)
        return;
    fk_store_lock(app->store);
    rc = fk_store_begin(app->store);
    if (rc == 0 && (rc = fk_app_load_state(app, json, "state", &err)) == 0)
        rc = fk_store_commit(app->store);
    if (rc != 0)
        fk_store_rollback(app->store);
    fk_store_unlock(app->store);
    cJSON_Delete(json);
    if (rc != 0)
        reply_error(resp, rc == FK_ENOMEM ? 500 : 400, err.msg[0] ? err.msg : "state rejected");
    else
        reply(resp, 201, cJSON_CreateObject());
}

static void scenario(struct fk_app *app, const struct fk_req *req, struct fk_resp *resp)
{
    struct fk_error err = {{0}};
    cJSON *summary = NULL, *json;

    if (strcasecmp(req->method, "POST") != 0) {
        reply_error(resp, 405, "use POST");
        return;
    }
    if ((json = body_json(req, resp)) == NULL)
        return;
    /* ?dry_run=true: check everything, change nothing (the launcher validates every fake's
     * section before it applies any). */
    const char *dry = fk_req_arg(req, "dry_run");
    bool check_only = dry != NULL && strcmp(dry, "true") == 0;
    int rc = check_only ? fk_scenario_check(app, json, &summary, &err)
                        : fk_scenario_apply(app, json, &summary, &err);
    cJSON_Delete(json);
    if (rc != 0)
        reply_error(resp, error_status(rc), err.msg);
    else
        reply(resp, 200, summary);
}

void fk_admin_handle(struct fk_app *app, const struct fk_req *req, struct fk_resp *resp)
{
    const char *p = req->path;

    if (token_check(app, req, resp) != FK_OK) {
        return;
    } else if (strcmp(p, "/__admin/health") == 0) {
        health(app, resp);
    } else if (strcmp(p, "/__admin/reset") == 0) {
        if (strcasecmp(req->method, "POST") == 0)
            reset(app, resp);
        else
            reply_error(resp, 405, "use POST");
    } else if (handle_ruleset(app, req, resp)) {
        return;
    } else if (strcmp(p, "/__admin/requests") == 0 || strcmp(p, "/__admin/requests/count") == 0) {
        requests(app, req, resp);
    } else if (strcmp(p, "/__admin/state") == 0) {
        state(app, req, resp);
    } else if (strcmp(p, "/__admin/scenario") == 0) {
        scenario(app, req, resp);
    } else {
        struct fk_req r = *req;
        char scratch[512];
        bool known = false;
        const struct fk_route *rt =
            app->svc->admin_routes == NULL || strlen(p) + FK_MAX_PATH_PARAMS > sizeof(scratch)
                ? NULL
                : fk_route_find(app->svc->admin_routes, app->svc->nadmin_routes, &r, scratch,
                                sizeof(scratch), &known);
        if (rt != NULL) {
            fk_store_lock(app->store);
            int rc = rt->fn(&r, resp);
            fk_store_unlock(app->store);
            if (rc != 0)
                reply_error(resp, 500, "admin handler failed");
        } else {
            reply_error(resp, known ? 405 : 404,
                        known ? "method not allowed" : "no such admin endpoint");
        }
    }
}
