/* ctx.h: one command's run: settings, curl handle, jitter PRNG, deadline, trace, outcome;
 * the exit codes; and prov_call(), the retrying request every API module goes through.
 *
 * A context belongs to one thread (the CLI, or one `serve` request). prov_call() classifies
 * each attempt (ok, 4xx, 429, 5xx, timeout, refused, reset, malformed body) and retries the
 * transient ones with prov_retry's backoff, honouring Retry-After, within the per-request
 * timeout and the context's deadline. A non-idempotent call (idempotent = false) is NOT
 * retried after an ambiguous failure (the request was sent and then timeout, reset, 5xx or a
 * malformed body): the caller must look the resource up first.
 *
 * Layer 2 (exit.h): every layer above runs on a context; prov_call() returns 0 or a
 * negative fk_err with the attempt's details in its prov_result; prov_fail() records the
 * message of an exit code for layers 5-8. */
#ifndef PROV_CTX_H
#define PROV_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "fakekit/err.h"
#include "fakekit/rand.h"
#include "provisioner/config.h"
#include "provisioner/exit.h"
#include "provisioner/trace.h"

/* Classes of one attempt's outcome. */
enum prov_class {
    PROV_C_OK = 0,
    PROV_C_CLIENT,       /* 4xx other than 429: permanent */
    PROV_C_RATE_LIMITED, /* 429: never processed, always safe to retry */
    PROV_C_SERVER,       /* 5xx */
    PROV_C_TIMEOUT,
    PROV_C_REFUSED, /* nothing was sent */
    PROV_C_RESET,
    PROV_C_MALFORMED, /* 2xx whose body is not the JSON expected, or too large */
    PROV_C_OTHER,     /* other transport error */
    PROV_C_TLS,       /* the server's certificate is not trusted: a setting, not retried */
};
const char *prov_class_name(enum prov_class c);
bool prov_class_transient(enum prov_class c);
/* An ambiguous outcome: the request may have taken effect. */
bool prov_class_ambiguous(enum prov_class c, bool sent);

/* The command's outcome, printed as the one JSON object on stdout. Its exit code is not here:
 * it is what the command's function returns (exit.h). */
struct prov_out {
    char status[32]; /* provisioned, existing, in_progress, failed, compensated, ... */
    char phone_number[40];
    char twilio_sid[64];
    char trunk_id[64];
    char rule_id[64];
    char job_id[40];
    char user_id[64];
    char error[512];
    cJSON *extra; /* owned: more keys merged into the output (reconcile), may be NULL */
};

/* How often a write whose outcome is unknown (its answer was lost) is read back and sent
 * again before the command gives up on it. */
#define PROV_RESEND_MAX 3

/* What this run itself created (not adopted), so that a run that finds it lost its job can
 * release what nobody records (steps.h, prov_abandon). "" when nothing. */
struct prov_made {
    char sid[64];
    char trunk[64];
    char rule[64];
};

struct prov_ctx {
    const struct prov_config *cfg;
    CURL *curl;
    struct prov_trace *trace; /* borrowed, may be NULL */
    struct fk_prng rng;
    int64_t deadline_us; /* monotonic */
    const char *step;    /* current step name, for the trace */
    char run_id[40];     /* this run's lease owner id */
    bool deadline_hit;
    bool lost;           /* a fenced write found the job held by another run */
    int64_t renewed_us;  /* monotonic time of the last write that held the job */
    bool purchase_doubt; /* a number may have been bought under this job beside the one
                          * adopted (an ambiguous purchase, an earlier run's purchase) */
    struct prov_made made;
    struct prov_out out;
};

/* 0 or FK_ENOMEM. seed feeds the jitter PRNG. curl: a handle to run on (the context owns it
 * from here; its connection cache is kept), or NULL for a new one. prov_ctx_cleanup() frees the
 * handle; take ctx->curl (and set it to NULL) first to keep it. */
int prov_ctx_init(struct prov_ctx *ctx, const struct prov_config *cfg, struct prov_trace *trace,
                  uint64_t seed, CURL *curl) FK_MUST_CHECK;
void prov_ctx_cleanup(struct prov_ctx *ctx);

/* Record a failure's message in ctx->out.error (the first failure recorded wins) and return
 * exit_code, so that a step ends with `return prov_fail(ctx, PROV_EXIT_..., ...)`. */
int prov_fail(struct prov_ctx *ctx, int exit_code, const char *fmt, ...) FK_PRINTF(3, 4);
/* Copy a string into a fixed field (truncating; NULL clears). */
void prov_set(char *dst, size_t size, const char *src);
/* A random UUID v4 from OpenSSL's RAND_bytes (not the seeded PRNG: ids must never repeat
 * between runs). out has 37 bytes. */
void prov_uuid(char out[37]);

/* The output object; caller cJSON_Delete()s. NULL on ENOMEM. */
cJSON *prov_out_json(const struct prov_out *o);

struct prov_call {
    const char *service; /* twilio | supabase | livekit */
    const char *method;
    const char *url;
    const struct curl_slist *headers; /* borrowed */
    const char *body;                 /* may be NULL */
    const char *user, *password;      /* Basic auth or NULL */
    bool expect_json;                 /* a 2xx body must parse as JSON (empty allowed if
                                       * allow_empty) */
    bool allow_empty;
    bool idempotent; /* false: stop at an ambiguous failure */
    /* The settings that hold this call's credential ("TWILIO_ACCOUNT_SID and
     * TWILIO_AUTH_TOKEN"): a 401 names them, so an operator knows what to fix. */
    const char *credential;
};

struct prov_result {
    enum prov_class cls;
    long status;
    bool sent;
    bool ambiguous; /* stopped on an ambiguous failure of a non-idempotent call */
    bool deadline;  /* stopped because the deadline or attempts ran out */
    long attempts;
    cJSON *json;       /* owned: parsed body (2xx and error bodies when JSON), may be NULL */
    char message[384]; /* why it failed, for the output's error */
};

void prov_result_init(struct prov_result *r);
void prov_result_cleanup(struct prov_result *r);

/* Classify one exchange (pure; unit-tested). On PROV_C_OK with expect_json, *json receives
 * the parsed body (NULL for an allowed empty body). Error bodies are parsed when they are
 * JSON. Caller cJSON_Delete()s *json. */
enum prov_class prov_classify(int net, long status, const char *body, size_t len, bool expect_json,
                              bool allow_empty, cJSON **json);

/* Run c with retries. Returns 0 when r->cls is PROV_C_OK; otherwise FK_EIO with r filled
 * (FK_ENOMEM on allocation failure). r must be initialised; its old content is dropped. */
int prov_call(struct prov_ctx *ctx, const struct prov_call *c, struct prov_result *r);

/* Map a failed call to an exit code, record it with prov_fail and return it: 4xx ->
 * PERMANENT, transient/deadline -> UNAVAILABLE. what names the call ("search numbers"). */
int prov_fail_call(struct prov_ctx *ctx, const char *what, const struct prov_result *r);

/* A formatted string; caller frees. NULL on ENOMEM. */
char *prov_strf(const char *fmt, ...) FK_PRINTF(1, 2);
/* url-escape s with curl_easy_escape into a malloc'd copy; caller frees. NULL on ENOMEM. */
char *prov_escape(const char *s);
/* prefix followed by value url-escaped: prov_eq("phone_numbers?twilio_sid=eq.", sid). A
 * PostgREST equality filter in one call; caller frees. NULL on ENOMEM. */
char *prov_eq(const char *prefix, const char *value);
/* Base URL without its trailing slashes (copied; caller frees); ws(s):// becomes http(s)://. */
char *prov_base(const char *url);
/* A string member of obj copied into out ("" when absent or not a string); true if present. */
bool prov_json_str(const cJSON *obj, const char *key, char *out, size_t outlen);

/* Sleep the full-jitter backoff of attempt n (1-based). false (no sleep) when the wait would
 * pass the deadline or n reached the attempt limit. */
bool prov_backoff_sleep(struct prov_ctx *ctx, long attempt);

/* Milliseconds left before the deadline (0 when past it). */
long prov_ms_left(const struct prov_ctx *ctx);

#endif
