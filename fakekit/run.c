/* run.c: a fake's lifecycle and its request pipeline.
 *
 * fk_run parses and validates every flag, opens the store, seeds it, loads --scenario, and
 * only then binds the port and prints "listening on ...": a bad flag or scenario exits 2
 * with nothing started. Each request then goes admin -> rate limits -> fault rules ->
 * route handler (store locked) -> fault action after the effect -> reply; done() journals
 * and logs it. SIGINT/SIGTERM stop the server, which finishes in-flight requests, and
 * everything is freed so that LeakSanitizer sees a clean exit. */
#include "fakekit/run.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fakekit/admin.h"
#include "fakekit/app.h"
#include "fakekit/clock.h"
#include "fakekit/log.h"
#include "fakekit/rand.h"
#include "fakekit/scenario.h"
#include "fakekit/tls.h"

struct fk_common fk_common = {
    .host = "127.0.0.1",
    .port = -1, /* -1: the service's default port */
    .port_file = NULL,
    .db = ":memory:",
    .scenario = NULL,
    .seed = 0,
    .journal_size = FK_JOURNAL_DEFAULT,
    .log_level = "info",
    .admin_token = NULL,
    .journal_secrets = false,
    .max_conns_per_client = FK_CONNS_PER_CLIENT,
    .head_timeout_ms = FK_HEAD_TIMEOUT_MS,
};

static const struct fk_option common_options[] = {
    {"host", "FAKE_HOST", FK_OPT_STRING, &fk_common.host, 0, 0, "ADDR", "address to bind"},
    {"port", "FAKE_PORT", FK_OPT_INT, &fk_common.port, 0, 65535, "N",
     "port to bind; 0 picks a free one"},
    {"port-file", "FAKE_PORT_FILE", FK_OPT_STRING, &fk_common.port_file, 0, 0, "PATH",
     "write the bound port here once listening"},
    {"db", "FAKE_DB", FK_OPT_STRING, &fk_common.db, 0, 0, "PATH",
     "SQLite database (:memory: or a file kept across restarts)"},
    {"scenario", "FAKE_SCENARIO", FK_OPT_STRING, &fk_common.scenario, 0, 0, "FILE",
     "scenario document to load at start"},
    {"seed", "FAKE_SEED", FK_OPT_INT, &fk_common.seed, 0, 2147483647L, "N",
     "seed for inventories, ids and fault probabilities"},
    {"journal-size", "FAKE_JOURNAL_SIZE", FK_OPT_INT, &fk_common.journal_size, 1, FK_JOURNAL_MAX,
     "N", "requests kept in the journal"},
    {"log-level", "FAKE_LOG_LEVEL", FK_OPT_STRING, &fk_common.log_level, 0, 0, "LEVEL",
     "error|warn|info|debug"},
    {"admin-token", "FAKE_ADMIN_TOKEN", FK_OPT_STRING, &fk_common.admin_token, 0, 0, "T",
     "require Authorization: Bearer T on /__admin/"},
    {"journal-secrets", "FAKE_JOURNAL_SECRETS", FK_OPT_FLAG, &fk_common.journal_secrets, 0, 0, NULL,
     "keep credentials and passwords whole in the journal"},
    {"max-conns-per-client", "FAKE_MAX_CONNS_PER_CLIENT", FK_OPT_INT,
     &fk_common.max_conns_per_client, 1, FK_CONNECTION_LIMIT, "N",
     "connections open at once from one address; more are closed at once"},
    {"head-timeout-ms", "FAKE_HEAD_TIMEOUT_MS", FK_OPT_INT, &fk_common.head_timeout_ms, 100,
     FK_HEAD_TIMEOUT_MAX_MS, "MS",
     "a request's line and headers must arrive within this (from connect or the last answer)"},
    {"tls-cert", "FAKE_TLS_CERT", FK_OPT_STRING, &fk_common.tls_cert, 0, 0, "FILE",
     "serve HTTPS with this PEM certificate (with --tls-key)"},
    {"tls-key", "FAKE_TLS_KEY", FK_OPT_STRING, &fk_common.tls_key, 0, 0, "FILE",
     "the certificate's PEM private key"},
    {NULL, NULL, FK_OPT_STRING, NULL, 0, 0, NULL, NULL},
};

static bool is_admin(const struct fk_req *req)
{
    return strncmp(req->path, "/__admin/", 9) == 0 || strcmp(req->path, "/__admin") == 0;
}

static void native(struct fk_app *app, struct fk_resp *resp, const struct fk_req *req,
                   enum fk_native kind, long retry_after_s)
{
    fk_resp_cleanup(resp);
    app->svc->native(resp, req, kind, retry_after_s);
}

/* Run the route handler for req with the store locked. */
static void handle(struct fk_app *app, struct fk_req *req, struct fk_resp *resp)
{
    size_t cap = strlen(req->path) + FK_MAX_PATH_PARAMS + 1;
    char small[512]; /* the captures of a usual path fit: no allocation */
    char *scratch = cap <= sizeof(small) ? small : malloc(cap);
    bool known = false;
    const struct fk_route *rt;

    if (scratch == NULL) {
        native(app, resp, req, FK_NATIVE_INTERNAL, 0);
        return;
    }
    rt = fk_route_find(app->svc->routes, app->svc->nroutes, req, scratch, cap, &known);
    if (rt == NULL) {
        native(app, resp, req, known ? FK_NATIVE_BAD_METHOD : FK_NATIVE_NOT_FOUND, 0);
    } else {
        fk_store_lock(app->store);
        int rc = rt->fn(req, resp);
        fk_store_rollback(app->store); /* a handler must not leave a transaction open */
        fk_store_unlock(app->store);
        if (rc != 0 || resp->status == 0)
            native(app, resp, req, FK_NATIVE_INTERNAL, 0);
    }
    if (scratch != small)
        free(scratch);
}

/* Apply the parts of a fired action that shape the answer (status, body, headers, error). */
static void apply_answer(struct fk_app *app, const struct fk_action *a, const struct fk_req *req,
                         struct fk_resp *resp)
{
    if (a->error != NULL) {
        fk_resp_cleanup(resp);
        if (app->svc->error(resp, req, a->error) != 0)
            native(app, resp, req, FK_NATIVE_INTERNAL, 0);
    }
    if (a->body != NULL) {
        const char *ct = a->body_is_json ? "application/json" : "text/plain; charset=utf-8";
        if (fk_resp_set(resp, a->status ? (unsigned)a->status : (resp->status ? resp->status : 200),
                        ct, a->body, strlen(a->body)) != 0)
            native(app, resp, req, FK_NATIVE_INTERNAL, 0);
    } else if (a->status != 0) {
        resp->status = (unsigned)a->status;
    }
    for (size_t i = 0; i < a->nheaders; i++)
        if (fk_resp_header(resp, a->headers[i].key, a->headers[i].value) != 0)
            fk_log(FK_LOG_WARN, "msg=\"out of memory adding a header\"");
}

static bool action_answers(const struct fk_action *a)
{
    return a->status != 0 || a->body != NULL || a->error != NULL || a->nheaders > 0;
}

/* The body a "malformed" fault sends: the start of a JSON object that never ends. */
static const char malformed_body[] = "{\"fake\": \"malformed response\", \"data\": [1, 2, ";

/* Charge req to the rate limits. A check (fakekit/err.h): FK_OK when admitted, FK_ANSWERED
 * when a limit refused it (reply->resp is the service's 429 and reply->rate_limited is set).
 * The credential (for LiveKit a token decode) is worked out only when a limit is loaded. */
static int limits_check(struct fk_app *app, const struct fk_req *req, struct fk_reply *reply)
{
    char id[FK_ID_MAX + 1] = "";
    long retry = 0;

    if (!fk_limits_active(app->limits))
        return FK_OK;
    const char *cred = app->svc->credential != NULL ? app->svc->credential(req)
                                                    : fk_req_header(req, "Authorization");
    if (fk_limits_check(app->limits, req, cred != NULL ? cred : "", req->remote, fk_now_us(),
                        &retry, id, sizeof(id)) == FK_OK)
        return FK_OK;
    native(app, &reply->resp, req, FK_NATIVE_RATE_LIMITED, retry);
    reply->rate_limited = true;
    return FK_ANSWERED;
}

static void serve(void *ctx, struct fk_req *req, struct fk_reply *reply)
{
    struct fk_app *app = ctx;
    struct fk_action act;

    req->store = app->store;
    req->svc = app->svc_state;
    if (is_admin(req)) {
        fk_admin_handle(app, req, &reply->resp);
        return;
    }
    if (limits_check(app, req, reply) != FK_OK)
        return; /* answered: the service's 429 */
    memset(&act, 0, sizeof(act));
    if (!fk_faults_decide(app->faults, req, &act, reply->fault_id, sizeof(reply->fault_id))) {
        handle(app, req, &reply->resp);
        return;
    }
    fk_action_timing(&act, &reply->delay_ms, &reply->slow_ms);
    /* The normal handler runs when the effect must happen (after_effect), when nothing in the
     * action replaces the answer (a pure delay or a slow body), and never otherwise. */
    bool run_handler = act.after_effect || act.fault == FK_NET_SLOW ||
                       (!action_answers(&act) && act.fault == FK_NET_NONE && !act.malformed);
    if (run_handler)
        handle(app, req, &reply->resp);
    if (action_answers(&act))
        apply_answer(app, &act, req, &reply->resp);
    if (act.malformed) {
        if (fk_resp_set(&reply->resp, act.status ? (unsigned)act.status : 200, "application/json",
                        malformed_body, sizeof(malformed_body) - 1) != 0)
            native(app, &reply->resp, req, FK_NATIVE_INTERNAL, 0);
    }
    reply->net = act.fault;
    if (act.fault == FK_NET_TRUNCATE && reply->resp.body_len < 2) {
        static const char filler[] = "{\"fake\": \"this body is cut short by a truncate fault\"}";
        if (fk_resp_set(&reply->resp, reply->resp.status ? reply->resp.status : 200,
                        "application/json", filler, sizeof(filler) - 1) != 0)
            native(app, &reply->resp, req, FK_NATIVE_INTERNAL, 0);
    }
    /* Last, so that no rebuilt answer above drops it: the client's copy of the rule id
     * (README, "Fault rules"); done() reads reply->fault_id. */
    if (fk_resp_header(&reply->resp, "X-Fake-Fault", reply->fault_id) != 0)
        fk_log(FK_LOG_WARN, "msg=\"out of memory adding a header\"");
    fk_action_cleanup(&act);
}

static void too_large(void *ctx, struct fk_req *req, struct fk_reply *reply)
{
    struct fk_app *app = ctx;

    if (is_admin(req))
        fk_admin_too_large(app, req, &reply->resp);
    else
        native(app, &reply->resp, req, FK_NATIVE_TOO_LARGE, 0);
}

/* The exchange's log line. Every value a client chose is quoted (log.h), so a path such as
 * "/x status=200" cannot add a key to the line. */
static void log_exchange(const struct fk_req *req, unsigned status, const char *fault,
                         int64_t duration_us)
{
    char method[64], path[FK_LOG_QUOTED], rule[FK_ID_MAX * 4 + 8];

    if (fk_log_level_ < FK_LOG_INFO)
        return;
    fk_log_write(FK_LOG_INFO, "method=%s path=%s status=%u fault=%s us=%lld",
                 fk_log_quote(method, sizeof(method), req->method),
                 fk_log_quote(path, sizeof(path), req->path), status,
                 fk_log_quote(rule, sizeof(rule), fault), (long long)duration_us);
}

static void done(void *ctx, const struct fk_req *req, const struct fk_reply *reply,
                 int64_t duration_us)
{
    struct fk_app *app = ctx;
    bool answered =
        reply->net != FK_NET_RESET && reply->net != FK_NET_EMPTY && reply->net != FK_NET_HANG;
    unsigned status = answered ? reply->resp.status : 0;
    const char *fault = reply->fault_id[0] != '\0' ? reply->fault_id : NULL;

    if (req->method == NULL || is_admin(req))
        return;
    fk_journal_add(app->journal, req, status, fault, reply->rate_limited, fk_now_us() - duration_us,
                   duration_us);
    log_exchange(req, status, fault, duration_us);
}

/* A loopback address (127.0.0.0/8, ::1, localhost): only this machine can connect. */
static bool is_loopback(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;

    if (strcmp(host, "localhost") == 0)
        return true;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6) || (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
    return false; /* a name may resolve to anything */
}

/* One warning line when the admin API is open to more than this machine. */
static void warn_open_admin(void)
{
    char host[FK_LOG_QUOTED];

    if (fk_common.admin_token == NULL && !is_loopback(fk_common.host))
        fk_log(FK_LOG_WARN,
               "msg=\"the admin API is open to anyone who can reach this address: set "
               "--admin-token (README, Security)\" host=%s",
               fk_log_quote(host, sizeof(host), fk_common.host));
}

static int write_port_file(const char *path, unsigned port)
{
    FILE *f = fopen(path, "w");
    int ok;

    if (f == NULL)
        return FK_EIO;
    ok = fprintf(f, "%u\n", port) > 0;
    return fclose(f) == 0 && ok ? 0 : FK_EIO;
}

int fk_run(const struct fk_service *svc, int argc, char **argv)
{
    const struct fk_option *tables[3] = {common_options, svc->options, NULL};
    struct fk_app app = {.svc = svc};
    struct fk_server *server = NULL;
    struct fk_error err = {{0}};
    bool help = false, version = false;
    struct fk_tls tls = {0};
    int status = 2, level;

    fk_log_set_name(svc->name);
    /* The default shows in --help as it is, and FAKE_PORT or --port override it. */
    if (fk_common.port < 0)
        fk_common.port = svc->default_port;
    if (fk_config_parse(tables, argc, argv, &help, &version, &err) != 0) {
        fprintf(stderr, "%s: %s\n", svc->name, err.msg);
        return 2;
    }
    if (help) {
        fk_config_usage(stdout, argv[0], svc->summary, tables);
        return 0;
    }
    if (version) {
        printf("fake_%s %s\n", svc->name, svc->version);
        return 0;
    }
    if ((level = fk_log_parse_level(fk_common.log_level)) < 0) {
        fprintf(stderr, "%s: --log-level: expected error, warn, info or debug, got '%s'\n",
                svc->name, fk_common.log_level);
        return 2;
    }
    fk_log_level_ = level;
    if (fk_common.admin_token != NULL && fk_common.admin_token[0] == '\0') {
        fprintf(stderr, "%s: --admin-token: must not be empty\n", svc->name);
        return 2;
    }
    app.admin_token = fk_common.admin_token;
    if ((fk_common.tls_cert != NULL) != (fk_common.tls_key != NULL)) {
        fprintf(stderr, "%s: --tls-cert and --tls-key go together\n", svc->name);
        return 2;
    }
    if (fk_common.tls_cert != NULL &&
        fk_tls_load(fk_common.tls_cert, fk_common.tls_key, &tls, &err) != 0) {
        fprintf(stderr, "%s: %s\n", svc->name, err.msg);
        fk_tls_free(&tls);
        return 2;
    }
    fk_rand_seed((uint64_t)fk_common.seed);

    if (svc->init != NULL && svc->init(&app.svc_state, &err) != 0) {
        fprintf(stderr, "%s: %s\n", svc->name, err.msg);
        fk_tls_free(&tls);
        return 2;
    }
    app.faults = fk_faults_new();
    app.limits = fk_limits_new();
    app.journal = fk_journal_new((size_t)fk_common.journal_size);
    if (app.faults == NULL || app.limits == NULL || app.journal == NULL) {
        fprintf(stderr, "%s: out of memory\n", svc->name);
        status = 1;
        goto out;
    }
    fk_journal_keep_secrets(app.journal, fk_common.journal_secrets);
    fk_journal_redact_body(app.journal, svc->redact_body);
    if (fk_store_open(fk_common.db, svc->schema_sql, &app.store, &err) != 0) {
        fprintf(stderr, "%s: %s\n", svc->name, err.msg);
        status = 1;
        goto out;
    }
    /* A file database keeps its state across restarts: seed only an empty one. */
    fk_store_lock(app.store);
    int rc = fk_store_begin(app.store);
    if (rc == 0 && strcmp(fk_common.db, ":memory:") == 0)
        rc = fk_app_reseed(&app, &err);
    else if (rc == 0 && svc->seed != NULL)
        rc = svc->seed(app.store, app.svc_state, &err);
    if (rc == 0)
        rc = fk_store_commit(app.store);
    if (rc != 0)
        fk_store_rollback(app.store);
    fk_store_unlock(app.store);
    if (rc != 0) {
        fprintf(stderr, "%s: seed: %s\n", svc->name, err.msg[0] ? err.msg : "failed");
        status = 1;
        goto out;
    }
    if (fk_common.scenario != NULL && fk_scenario_load_file(&app, fk_common.scenario, &err) != 0) {
        fprintf(stderr, "%s: %s\n", svc->name, err.msg);
        status = 2;
        goto out;
    }

    struct fk_server_opts so = {
        .host = fk_common.host,
        .port = fk_common.port,
        .body_limit = svc->body_limit ? svc->body_limit : FK_BODY_LIMIT,
        .serve = serve,
        .too_large = too_large,
        .done = done,
        .ctx = &app,
        .max_per_client = (unsigned)fk_common.max_conns_per_client,
        .head_timeout_ms = fk_common.head_timeout_ms,
        .tls_cert = tls.cert,
        .tls_key = tls.key,
    };
    warn_open_admin();
    if (fk_server_start(&so, &server, &err) != 0) {
        fprintf(stderr, "%s: %s\n", svc->name, err.msg);
        status = 1;
        goto out;
    }
    unsigned port = fk_server_port(server);
    if (fk_common.port_file != NULL && write_port_file(fk_common.port_file, port) != 0) {
        fprintf(stderr, "%s: cannot write port file %s\n", svc->name, fk_common.port_file);
        status = 1;
        goto out;
    }
    if (strchr(fk_common.host, ':') != NULL)
        printf("listening on %s://[%s]:%u\n", tls.cert ? "https" : "http", fk_common.host, port);
    else
        printf("listening on %s://%s:%u\n", tls.cert ? "https" : "http", fk_common.host, port);
    fflush(stdout);

    int sig = fk_wait_for_signal();
    fk_log(FK_LOG_INFO, "msg=\"stopping\" signal=%d", sig);
    status = 0;
out:
    fk_server_stop(server);
    if (server != NULL && fk_common.port_file != NULL)
        unlink(fk_common.port_file);
    fk_store_close(app.store);
    fk_journal_free(app.journal);
    fk_limits_free(app.limits);
    fk_faults_free(app.faults);
    if (svc->fini != NULL)
        svc->fini(app.svc_state);
    fk_tls_free(&tls);
    return status;
}
