/* ctx.c: the run context, the output object and the retrying call loop. */
#include "provisioner/ctx.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "fakekit/clock.h"
#include "provisioner/http.h"
#include "provisioner/retry.h"

const char *prov_class_name(enum prov_class c)
{
    static const char *const names[] = {
        [PROV_C_OK] = "ok",
        [PROV_C_CLIENT] = "client_error",
        [PROV_C_RATE_LIMITED] = "rate_limited",
        [PROV_C_SERVER] = "server_error",
        [PROV_C_TIMEOUT] = "timeout",
        [PROV_C_REFUSED] = "refused",
        [PROV_C_RESET] = "reset",
        [PROV_C_MALFORMED] = "malformed",
        [PROV_C_OTHER] = "transport_error",
        [PROV_C_TLS] = "tls_untrusted",
    };
    if ((unsigned)c >= sizeof(names) / sizeof(names[0]))
        return "unknown";
    return names[c];
}

bool prov_class_transient(enum prov_class c)
{
    return c != PROV_C_OK && c != PROV_C_CLIENT && c != PROV_C_TLS;
}

bool prov_class_ambiguous(enum prov_class c, bool sent)
{
    if (!sent)
        return false;
    return c == PROV_C_SERVER || c == PROV_C_TIMEOUT || c == PROV_C_RESET ||
           c == PROV_C_MALFORMED || c == PROV_C_OTHER;
}

int prov_ctx_init(struct prov_ctx *ctx, const struct prov_config *cfg, struct prov_trace *trace,
                  uint64_t seed, CURL *curl)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->cfg = cfg;
    ctx->trace = trace;
    fk_prng_init(&ctx->rng, seed);
    ctx->deadline_us = fk_mono_us() + (int64_t)cfg->deadline_ms * 1000;
    ctx->step = "init";
    prov_uuid(ctx->run_id);
    ctx->curl = curl != NULL ? curl : curl_easy_init();
    if (ctx->curl == NULL)
        return FK_ENOMEM;
    return 0;
}

void prov_ctx_cleanup(struct prov_ctx *ctx)
{
    curl_easy_cleanup(ctx->curl);
    ctx->curl = NULL;
    cJSON_Delete(ctx->out.extra);
    ctx->out.extra = NULL;
}

void prov_set(char *dst, size_t size, const char *src)
{
    if (src == NULL)
        src = "";
    snprintf(dst, size, "%s", src);
}

int prov_fail(struct prov_ctx *ctx, int exit_code, const char *fmt, ...)
{
    if (ctx->out.error[0] != '\0')
        return exit_code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->out.error, sizeof(ctx->out.error), fmt, ap);
    va_end(ap);
    return exit_code;
}

void prov_uuid(char out[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof(b)) != 1) {
        /* Never reached on Linux; fall back to the process-wide generator. */
        for (size_t i = 0; i < sizeof(b); i++)
            b[i] = (unsigned char)fk_rand_u64();
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

static void add_str(cJSON *o, const char *key, const char *v)
{
    if (v != NULL && *v != '\0')
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

cJSON *prov_out_json(const struct prov_out *o)
{
    cJSON *j = cJSON_CreateObject();
    if (j == NULL)
        return NULL;
    cJSON_AddStringToObject(j, "status", o->status[0] ? o->status : "failed");
    add_str(j, "phone_number", o->phone_number);
    add_str(j, "twilio_sid", o->twilio_sid);
    add_str(j, "livekit_trunk_id", o->trunk_id);
    add_str(j, "dispatch_rule_id", o->rule_id);
    add_str(j, "job_id", o->job_id);
    if (o->error[0] != '\0')
        cJSON_AddStringToObject(j, "error", o->error);
    if (o->extra != NULL) {
        const cJSON *it = NULL;
        cJSON_ArrayForEach(it, o->extra)
        {
            if (it->string != NULL && !cJSON_HasObjectItem(j, it->string))
                cJSON_AddItemToObject(j, it->string, cJSON_Duplicate(it, 1));
        }
    }
    return j;
}

void prov_result_init(struct prov_result *r)
{
    memset(r, 0, sizeof(*r));
}

void prov_result_cleanup(struct prov_result *r)
{
    cJSON_Delete(r->json);
    memset(r, 0, sizeof(*r));
}

enum prov_class prov_classify(int net, long status, const char *body, size_t len, bool expect_json,
                              bool allow_empty, cJSON **json)
{
    *json = NULL;
    switch ((enum prov_net)net) {
    case PROV_NET_OK:
        break;
    case PROV_NET_TIMEOUT:
        return PROV_C_TIMEOUT;
    case PROV_NET_REFUSED:
        return PROV_C_REFUSED;
    case PROV_NET_RESET:
        return PROV_C_RESET;
    case PROV_NET_TOO_LARGE:
        return PROV_C_MALFORMED;
    case PROV_NET_TLS:
        return PROV_C_TLS;
    default:
        return PROV_C_OTHER;
    }
    bool has_body = body != NULL && len > 0;
    if (status >= 200 && status < 300) {
        if (!expect_json)
            return PROV_C_OK;
        if (!has_body)
            return allow_empty ? PROV_C_OK : PROV_C_MALFORMED;
        const char *end = NULL;
        cJSON *j = cJSON_ParseWithLengthOpts(body, len, &end, 0);
        while (j != NULL && end < body + len &&
               (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
            end++;
        if (j == NULL || end != body + len) {
            cJSON_Delete(j); /* trailing bytes after the value: not the JSON expected */
            return PROV_C_MALFORMED;
        }
        *json = j;
        return PROV_C_OK;
    }
    if (has_body)
        *json = cJSON_ParseWithLength(body, len); /* best effort: error details */
    if (status == 429)
        return PROV_C_RATE_LIMITED;
    if (status >= 500)
        return PROV_C_SERVER;
    if (status == 408)
        return PROV_C_TIMEOUT;
    if (status >= 400)
        return PROV_C_CLIENT;
    return PROV_C_MALFORMED; /* 1xx/3xx: nothing we can use */
}

long prov_ms_left(const struct prov_ctx *ctx)
{
    int64_t left = (ctx->deadline_us - fk_mono_us()) / 1000;
    return left > 0 ? (long)left : 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* The URL without scheme and host, for the trace. */
static const char *url_path(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    return p ? p : url;
}

/* A short description of an error body: Twilio {code,message}, PostgREST {code,message},
 * GoTrue {error_code,msg}, Twirp {code,msg}. */
static void describe_error(const cJSON *j, char *out, size_t outlen)
{
    out[0] = '\0';
    if (!cJSON_IsObject(j))
        return;
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(j, "code");
    const cJSON *ecode = cJSON_GetObjectItemCaseSensitive(j, "error_code");
    const char *msg = NULL;
    const char *keys[] = {"message", "msg", "error_description", "error"};
    for (size_t i = 0; i < 4 && msg == NULL; i++) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, keys[i]);
        if (cJSON_IsString(m))
            msg = m->valuestring;
    }
    char c[64] = "";
    if (cJSON_IsString(ecode))
        snprintf(c, sizeof(c), "%s", ecode->valuestring);
    else if (cJSON_IsString(code))
        snprintf(c, sizeof(c), "%s", code->valuestring);
    else if (cJSON_IsNumber(code))
        snprintf(c, sizeof(c), "%.0f", code->valuedouble);
    snprintf(out, outlen, "%s%s%s", c, c[0] && msg ? ": " : "", msg ? msg : "");
}

int prov_call(struct prov_ctx *ctx, const struct prov_call *c, struct prov_result *r)
{
    const struct prov_config *cfg = ctx->cfg;
    struct prov_retry_policy pol = {cfg->max_attempts, cfg->backoff_base_ms, cfg->backoff_cap_ms};
    struct prov_http_resp resp;
    int rc = FK_EIO;

    prov_result_cleanup(r);
    prov_http_resp_init(&resp);
    for (long attempt = 1;; attempt++) {
        long timeout =
            prov_attempt_timeout_ms(cfg->request_timeout_ms, fk_mono_us(), ctx->deadline_us);
        if (timeout <= 0) {
            r->deadline = true;
            ctx->deadline_hit = true;
            if (r->message[0] == '\0')
                snprintf(r->message, sizeof(r->message), "deadline exceeded");
            break;
        }
        struct prov_http_req req = {.method = c->method,
                                    .url = c->url,
                                    .headers = c->headers,
                                    .body = c->body,
                                    .user = c->user,
                                    .password = c->password,
                                    .timeout_ms = timeout,
                                    .at_most_once = !c->idempotent,
                                    .ca_file = ctx->cfg->ca_file};
        int hrc = prov_http_do(ctx->curl, &req, &resp);
        if (hrc == FK_ENOMEM) {
            rc = FK_ENOMEM;
            snprintf(r->message, sizeof(r->message), "%s", resp.error);
            break;
        }
        cJSON_Delete(r->json);
        r->json = NULL;
        r->attempts = attempt;
        r->status = resp.status;
        r->sent = resp.sent;
        r->cls = prov_classify(resp.net, resp.status, fk_buf_str(&resp.body), resp.body.len,
                               c->expect_json, c->allow_empty, &r->json);

        char detail[256];
        describe_error(r->json, detail, sizeof(detail));
        if (r->cls == PROV_C_OK)
            r->message[0] = '\0';
        else if (resp.net != PROV_NET_OK)
            snprintf(r->message, sizeof(r->message), "%s %s %s: %s (%s)%s", c->service, c->method,
                     url_path(c->url), prov_class_name(r->cls), resp.error,
                     r->cls == PROV_C_TLS ? "; name the CA to trust with PROV_CA_FILE (or "
                                            "CURL_CA_BUNDLE, SSL_CERT_FILE)"
                                          : "");
        else
            snprintf(r->message, sizeof(r->message), "%s %s %s: HTTP %ld %s%s%s%s%s%s", c->service,
                     c->method, url_path(c->url), resp.status, prov_class_name(r->cls),
                     detail[0] ? ": " : "", detail,
                     resp.status == 401 && c->credential ? " (the credential comes from " : "",
                     resp.status == 401 && c->credential ? c->credential : "",
                     resp.status == 401 && c->credential ? ")" : "");

        bool done = r->cls == PROV_C_OK || !prov_class_transient(r->cls);
        if (!done && !c->idempotent && prov_class_ambiguous(r->cls, r->sent)) {
            r->ambiguous = true;
            done = true;
        }
        long wait = -1;
        if (!done) {
            if (attempt >= pol.max_attempts) {
                r->deadline = true;
                done = true;
            } else {
                long ra = prov_retry_after_ms(resp.retry_after, fk_now_us() / 1000000);
                wait = prov_retry_delay_ms(&pol, attempt, ra, &ctx->rng);
                if (!prov_retry_fits(fk_mono_us(), wait, ctx->deadline_us)) {
                    r->deadline = true;
                    ctx->deadline_hit = true;
                    done = true;
                    wait = -1;
                    size_t n = strlen(r->message);
                    snprintf(r->message + n, sizeof(r->message) - n,
                             " (deadline exceeded before the next attempt)");
                }
            }
        }
        struct prov_trace_attempt ta = {ctx->out.job_id[0] ? ctx->out.job_id : NULL,
                                        ctx->step,
                                        attempt,
                                        c->service,
                                        c->method,
                                        url_path(c->url),
                                        resp.status,
                                        resp.ms,
                                        r->cls == PROV_C_OK ? "ok" : prov_class_name(r->cls),
                                        wait};
        prov_trace_attempt(ctx->trace, &ta);
        if (done) {
            rc = r->cls == PROV_C_OK ? 0 : FK_EIO;
            break;
        }
        if (wait > 0)
            sleep_ms(wait);
    }
    prov_http_resp_cleanup(&resp);
    return rc;
}

int prov_fail_call(struct prov_ctx *ctx, const char *what, const struct prov_result *r)
{
    int code = r->cls == PROV_C_CLIENT ? PROV_EXIT_PERMANENT : PROV_EXIT_UNAVAILABLE;
    return prov_fail(ctx, code, "%s: %s", what,
                     r->message[0] ? r->message : prov_class_name(r->cls));
}

char *prov_strf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

char *prov_escape(const char *s)
{
    char *e = curl_easy_escape(NULL, s ? s : "", 0);
    if (e == NULL)
        return NULL;
    char *copy = strdup(e);
    curl_free(e);
    return copy;
}

char *prov_eq(const char *prefix, const char *value)
{
    char *e = prov_escape(value);
    char *q = e != NULL ? prov_strf("%s%s", prefix, e) : NULL;

    free(e);
    return q;
}

char *prov_base(const char *url)
{
    const char *rest = url;
    const char *scheme = "";
    if (strncmp(url, "ws://", 5) == 0) {
        scheme = "http://";
        rest = url + 5;
    } else if (strncmp(url, "wss://", 6) == 0) {
        scheme = "https://";
        rest = url + 6;
    }
    char *s = prov_strf("%s%s", scheme, rest);
    if (s == NULL)
        return NULL;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '/')
        s[--n] = '\0';
    return s;
}

bool prov_json_str(const cJSON *obj, const char *key, char *out, size_t outlen)
{
    const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    if (!cJSON_IsString(v) || v->valuestring == NULL) {
        if (outlen > 0)
            out[0] = '\0';
        return false;
    }
    snprintf(out, outlen, "%s", v->valuestring);
    return true;
}

bool prov_backoff_sleep(struct prov_ctx *ctx, long attempt)
{
    const struct prov_config *cfg = ctx->cfg;
    struct prov_retry_policy pol = {cfg->max_attempts, cfg->backoff_base_ms, cfg->backoff_cap_ms};
    if (attempt >= pol.max_attempts)
        return false;
    long wait = prov_backoff_ms(&pol, attempt, &ctx->rng);
    if (!prov_retry_fits(fk_mono_us(), wait, ctx->deadline_us)) {
        ctx->deadline_hit = true;
        return false;
    }
    if (wait > 0)
        sleep_ms(wait);
    return true;
}
