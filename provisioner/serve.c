/* serve.c: the provisioner as an HTTP service, on fakekit's server.
 *
 *   POST /api/twilio/purchase_phone_number?country_code=US&number_type=local[&area_code=415]
 *   Authorization: Bearer <user JWT>
 * answers with the CLI's JSON object and an HTTP status per exit code (prov_http_status_for).
 * fakekit's server runs each flow on one of --workers threads (16) while the connection waits
 * suspended, so a request may block in the flow without holding up others, and idle or slow
 * connections cost no thread; each request has its own context. Finished flows leave their curl
 * handle in a small pool, so the next flow reuses its keep-alive connections to the three services
 * instead of connecting afresh (a call that must reach a service at most once reuses one only
 * as http.h allows). */
#include "provisioner/cli.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fakekit/limits.h"
#include "fakekit/server.h"
#include "provisioner/flow.h"

#define SERVE_IDLE_HANDLES 64 /* curl handles kept between flows; more are freed */

struct serve_state {
    const struct prov_config *cfg;
    struct prov_trace *trace;
    atomic_ulong seq;     /* varies the jitter seed per request */
    pthread_mutex_t lock; /* guards idle and nidle */
    CURL *idle[SERVE_IDLE_HANDLES];
    size_t nidle;
};

/* An idle handle, or NULL (prov_ctx_init then makes one). */
static CURL *handle_take(struct serve_state *st)
{
    CURL *c = NULL;
    pthread_mutex_lock(&st->lock);
    if (st->nidle > 0)
        c = st->idle[--st->nidle];
    pthread_mutex_unlock(&st->lock);
    return c;
}

static void handle_give(struct serve_state *st, CURL *c)
{
    pthread_mutex_lock(&st->lock);
    if (c != NULL && st->nidle < SERVE_IDLE_HANDLES) {
        st->idle[st->nidle++] = c;
        c = NULL;
    }
    pthread_mutex_unlock(&st->lock);
    curl_easy_cleanup(c); /* NULL-safe */
}

unsigned prov_http_status_for(int exit_code, bool deadline)
{
    switch (exit_code) {
    case PROV_EXIT_OK:
        return 200;
    case PROV_EXIT_USAGE:
        return 422;
    case PROV_EXIT_AUTH:
        return 401;
    case PROV_EXIT_IN_PROGRESS:
        return 409;
    case PROV_EXIT_NO_NUMBERS:
        return 404;
    case PROV_EXIT_PERMANENT:
    case PROV_EXIT_COMPENSATED:
        return 502;
    case PROV_EXIT_UNAVAILABLE:
        return deadline ? 504 : 503;
    default:
        return 500;
    }
}

static void reply_out(struct fk_reply *reply, unsigned status, const struct prov_out *o)
{
    cJSON *j = prov_out_json(o);
    if ((j == NULL || fk_resp_json(&reply->resp, status, j) != 0) &&
        fk_resp_set(&reply->resp, 500, "text/plain", "out of memory\n", 14) != 0)
        reply->resp.status = 500; /* the server answers an empty 500 */
}

static void reply_error(struct fk_reply *reply, unsigned status, const char *st, const char *msg)
{
    struct prov_out o;
    memset(&o, 0, sizeof(o));
    prov_set(o.status, sizeof(o.status), st);
    prov_set(o.error, sizeof(o.error), msg);
    reply_out(reply, status, &o);
}

static void serve_one(void *arg, struct fk_req *req, struct fk_reply *reply)
{
    struct serve_state *st = arg;
    if (strcmp(req->path, "/api/twilio/purchase_phone_number") != 0) {
        reply_error(reply, 404, "not_found", "no such endpoint");
        return;
    }
    if (strcmp(req->method, "POST") != 0) {
        reply_error(reply, 405, "bad_input", "use POST");
        if (fk_resp_header(&reply->resp, "Allow", "POST") != 0)
            reply->resp.status = 500;
        return;
    }
    const char *auth = fk_req_header(req, "Authorization");
    if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0 || auth[7] == '\0') {
        reply_error(reply, 401, "unauthorized", "missing Authorization: Bearer <token>");
        return;
    }
    const char *token = auth + 7;
    const char *cc = fk_req_arg(req, "country_code");
    const char *type = fk_req_arg(req, "number_type");
    const char *area = fk_req_arg(req, "area_code");
    char country[3];
    struct fk_error e = {{0}};
    if (prov_check_country(cc ? cc : "US", country, &e) != 0 ||
        prov_check_type(type ? type : "local", &e) != 0 || prov_check_area_code(area, &e) != 0 ||
        prov_check_token(token, &e) != 0) {
        reply_error(reply, 422, "bad_input", e.msg);
        return;
    }
    struct prov_ctx ctx;
    uint64_t seed = (uint64_t)st->cfg->seed + atomic_fetch_add(&st->seq, 1);
    if (prov_ctx_init(&ctx, st->cfg, st->trace, seed, handle_take(st)) != 0) {
        prov_ctx_cleanup(&ctx);
        reply_error(reply, 500, "failed", "out of memory");
        return;
    }
    int code = prov_flow_provision(&ctx, token, country, type ? type : "local", area ? area : "");
    if (code != PROV_EXIT_OK && ctx.out.status[0] == '\0')
        prov_set(ctx.out.status, sizeof(ctx.out.status), "failed");
    reply_out(reply, prov_http_status_for(code, ctx.deadline_hit), &ctx.out);
    handle_give(st, ctx.curl);
    ctx.curl = NULL;
    prov_ctx_cleanup(&ctx);
}

static void too_large(void *arg, struct fk_req *req, struct fk_reply *reply)
{
    (void)arg; /* no state needed to refuse */
    (void)req;
    reply_error(reply, 413, "bad_input", "request body too large");
}

/* 0 or FK_EIO. */
static int write_port_file(const char *path, unsigned port)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return FK_EIO;
    fprintf(f, "%u\n", port);
    return fclose(f) == 0 ? 0 : FK_EIO;
}

int prov_serve(const struct prov_config *cfg, struct prov_trace *trace, FILE *out, FILE *err)
{
    struct serve_state st = {.cfg = cfg, .trace = trace};
    atomic_init(&st.seq, 0);
    pthread_mutex_init(&st.lock, NULL);
    struct fk_server_opts so = {
        .host = cfg->host,
        .port = cfg->port,
        .body_limit = FK_BODY_LIMIT,
        .serve = serve_one,
        .too_large = too_large,
        .ctx = &st,
        .workers = (unsigned)cfg->workers, /* each request runs a whole flow over the network */
        .max_per_client = (unsigned)cfg->max_conns_per_client,
        .head_timeout_ms = cfg->head_timeout_ms,
    };
    struct fk_server *srv = NULL;
    struct fk_error e = {{0}};
    if (fk_server_start(&so, &srv, &e) != 0) {
        fprintf(err, "provisioner: serve: %s\n", e.msg);
        return PROV_EXIT_INTERNAL;
    }
    unsigned port = fk_server_port(srv);
    if (cfg->port_file != NULL && write_port_file(cfg->port_file, port) != 0) {
        fprintf(err, "provisioner: cannot write port file %s\n", cfg->port_file);
        fk_server_stop(srv);
        return PROV_EXIT_INTERNAL;
    }
    if (strchr(cfg->host, ':') != NULL)
        fprintf(out, "listening on http://[%s]:%u\n", cfg->host, port);
    else
        fprintf(out, "listening on http://%s:%u\n", cfg->host, port);
    fflush(out);
    (void)fk_wait_for_signal();
    fk_server_stop(srv);
    while (st.nidle > 0)
        curl_easy_cleanup(st.idle[--st.nidle]);
    pthread_mutex_destroy(&st.lock);
    return PROV_EXIT_OK;
}
