/* fuzz_req.h: drive a fake's route handlers with a request built in memory (no socket).
 *
 * Shared by the handler fuzzers (fuzz_http_*.c). An input is a raw request in a simplified
 * HTTP/1 form:
 *   METHOD SP PATH [?QUERY] LF
 *   (Name: value LF)*
 *   LF
 *   BODY
 * It is split into a struct fk_req the way fakekit/server.c fills one (query and form fields
 * decoded by fk_form_decode), routed with fk_route_find over the fake's routes, and handed to
 * the handler with the store locked and freshly re-seeded, so every input runs against the
 * same state and a crash replays from its file. Default headers (credentials, Content-Type)
 * are appended after the input's own: fk_req_header finds the first, so an input may still
 * override them and reach the authentication failures.
 *
 * Checks on every answer: a status in 100..599 (or the handler reported a failure), a JSON
 * Content-Type only with a body that parses, and the service's check callback (native error
 * shape). Everything is freed on every path; LeakSanitizer fails the run otherwise. */
#ifndef FUZZ_REQ_H
#define FUZZ_REQ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/app.h"
#include "fakekit/http.h"
#include "fakekit/router.h"

#define FUZZ_MAX_HEADERS 24

struct fuzz_target {
    const struct fk_service *svc; /* routes, schema, seed */
    void *svc_state;              /* req->svc */
    const struct fk_kv *defaults; /* headers added after the input's; NULL-key terminated */
    /* Extra check of an answer (native error shape...); may be NULL. Abort on failure. */
    void (*check)(const struct fk_req *req, const struct fk_resp *resp);
    struct fk_store *store;
};

/* Open the store with svc's schema (once). Aborts on failure: that is a setup bug. */
static void fuzz_target_open(struct fuzz_target *t)
{
    struct fk_error err = {{0}};

    if (t->store == NULL && fk_store_open(":memory:", t->svc->schema_sql, &t->store, &err) != 0)
        abort();
}

/* Copy [s, s+n) into a new NUL-terminated string, or NULL on ENOMEM. */
static char *fuzz_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static void fuzz_check_resp(const struct fuzz_target *t, const struct fk_req *req,
                            const struct fk_resp *resp, int rc)
{
    if (getenv("FUZZ_VERBOSE") != NULL)
        fprintf(stderr, "%s %s -> %d %u %.*s\n", req->method, req->path, rc, resp->status,
                (int)(resp->body_len > 300 ? 300 : resp->body_len), resp->body ? resp->body : "");
    if (rc == 0 && (resp->status < 100 || resp->status > 599))
        abort();
    if (resp->body_len > 0 && resp->body == NULL)
        abort();
    if (resp->content_type != NULL && strstr(resp->content_type, "json") != NULL &&
        resp->body_len > 0) {
        cJSON *j = cJSON_ParseWithLength(resp->body, resp->body_len);
        if (j == NULL)
            abort();
        cJSON_Delete(j);
    }
    if (rc == 0 && t->check != NULL)
        t->check(req, resp);
}

/* Run one request of an input against the current state. */
static int fuzz_run_one(struct fuzz_target *t, const uint8_t *data, size_t size)
{
    char *copy = fuzz_strndup((const char *)data, size), *line, *nl, *q, *sp, *body;
    struct fk_kv hdr[FUZZ_MAX_HEADERS + 8];
    struct fk_kv *args = NULL, *form = NULL;
    struct fk_req req;
    struct fk_resp resp;
    char scratch[2048];
    struct fk_basic basic = {0};
    bool known = false;
    size_t nh = 0;
    int rc;

    if (copy == NULL)
        return 0;
    memset(&req, 0, sizeof(req));
    /* Request line. */
    nl = memchr(copy, '\n', size);
    if (nl == NULL || (sp = memchr(copy, ' ', (size_t)(nl - copy))) == NULL) {
        free(copy);
        return 0;
    }
    *nl = '\0';
    *sp = '\0';
    req.method = copy;
    req.path = sp + 1;
    q = strchr(sp + 1, '?');
    req.query = "";
    if (q != NULL) {
        *q = '\0';
        req.query = q + 1;
    }
    /* Headers until an empty line or the end. */
    line = nl + 1;
    body = copy + size;
    while (line < copy + size) {
        char *end = memchr(line, '\n', (size_t)(copy + size - line)), *colon;
        if (end == NULL)
            end = copy + size;
        *end = '\0';
        if (*line == '\0') {
            body = end + (end < copy + size ? 1 : 0);
            break;
        }
        colon = strchr(line, ':');
        if (colon != NULL && nh < FUZZ_MAX_HEADERS) {
            *colon = '\0';
            hdr[nh].key = line;
            hdr[nh].value = colon[1] == ' ' ? colon + 2 : colon + 1;
            nh++;
        }
        line = end + 1;
        body = copy + size;
    }
    for (size_t i = 0;
         t->defaults != NULL && t->defaults[i].key != NULL && nh < FUZZ_MAX_HEADERS + 8; i++)
        hdr[nh++] = t->defaults[i];
    req.headers = hdr;
    req.nheaders = nh;
    req.basic = &basic; /* as fakekit/server.c does */
    req.body = body;
    req.body_len = (size_t)(copy + size - body);
    req.remote = "127.0.0.1";
    req.svc = t->svc_state;
    if (fk_form_decode(req.query, strlen(req.query), FK_MAX_ARGS, &args, &req.nargs) != 0)
        goto out;
    req.args = args;
    if (fk_req_content_type_is(&req, "application/x-www-form-urlencoded")) {
        if (fk_form_decode(req.body, req.body_len, FK_MAX_ARGS, &form, &req.nform) != 0)
            goto out;
        req.form = form;
    }
    const struct fk_route *r =
        fk_route_find(t->svc->routes, t->svc->nroutes, &req, scratch, sizeof(scratch), &known);
    if (r == NULL)
        goto out;

    req.store = t->store;
    fk_store_lock(t->store);
    fk_resp_init(&resp);
    rc = r->fn(&req, &resp);
    fuzz_check_resp(t, &req, &resp, rc);
    fk_resp_cleanup(&resp);
    fk_store_unlock(t->store);
out:
    free(args);
    free(form);
    free(copy);
    return 0;
}

/* Run one input: the state is re-seeded, then each request (separated by a line "#--") runs
 * in turn, so a create can be followed by an update of what it made. Returns 0. */
static int fuzz_run(struct fuzz_target *t, const uint8_t *data, size_t size)
{
    static const char sep[] = "\n#--\n";
    struct fk_error err = {{0}};
    const uint8_t *end = data + size;

    fuzz_target_open(t);
    fk_store_lock(t->store);
    struct fk_app app = {.svc = t->svc, .svc_state = t->svc_state, .store = t->store};
    if (fk_store_begin(t->store) != 0 || fk_app_reseed(&app, &err) != 0 ||
        fk_store_commit(t->store) != 0)
        abort(); /* a handler left a transaction open, or the seed broke */
    fk_store_unlock(t->store);
    for (int n = 0; n < 8 && data <= end; n++) {
        const uint8_t *next = memmem(data, (size_t)(end - data), sep, sizeof(sep) - 1);
        size_t len = next != NULL ? (size_t)(next - data) : (size_t)(end - data);
        fuzz_run_one(t, data, len);
        if (next == NULL)
            break;
        data = next + sizeof(sep) - 1;
    }
    return 0;
}

/* Abort unless obj is a JSON object whose listed keys are all present. */
static void fuzz_require_keys(const struct fk_resp *resp, const char *const *keys)
{
    cJSON *j = cJSON_ParseWithLength(resp->body ? resp->body : "", resp->body_len);

    if (!cJSON_IsObject(j))
        abort();
    for (size_t i = 0; keys[i] != NULL; i++)
        if (!cJSON_HasObjectItem(j, keys[i]))
            abort();
    cJSON_Delete(j);
}

#endif
