/* http.h: one HTTP exchange over a libcurl easy handle, and what became of it.
 *
 * prov_http_do() sends one request (method, URL, headers, body, Basic credentials, a timeout)
 * and fills a response: status, the Retry-After header, and the body bounded by
 * PROV_BODY_MAX with fakekit's buffer. Transport failures are classified (timeout, refused,
 * reset or receive error, body too large) so the retry layer can decide; whether the request
 * left this process (`sent`) decides whether a failure of a non-idempotent call is ambiguous.
 * The handle is reused between requests so connections stay alive; one handle per thread.
 *
 * Layer 1 (exit.h): called by ctx.c only; returns 0 or a negative fk_err, the outcome in
 * the response. */
#ifndef PROV_HTTP_H
#define PROV_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "fakekit/buf.h"
#include "fakekit/err.h"

#define PROV_BODY_MAX            (4 * 1024 * 1024) /* larger response bodies are refused (malformed) */
#define PROV_AT_MOST_ONCE_IDLE_S 2L                /* see prov_http_do */

enum prov_net {
    PROV_NET_OK = 0,    /* an HTTP response arrived (any status) */
    PROV_NET_TIMEOUT,   /* the per-request timeout expired */
    PROV_NET_REFUSED,   /* could not connect (refused, unreachable, DNS): nothing was sent */
    PROV_NET_RESET,     /* reset, closed early, empty reply or truncated body */
    PROV_NET_TOO_LARGE, /* body over PROV_BODY_MAX */
    PROV_NET_TLS,       /* the server's certificate was not trusted (or TLS failed before any
                         * request was sent): a setting to fix, never retried */
    PROV_NET_ERROR,     /* anything else curl reports (bad URL...) */
};

struct prov_http_req {
    const char *method;               /* "GET", "POST", "PATCH", "DELETE" */
    const char *url;                  /* absolute */
    const struct curl_slist *headers; /* borrowed, may be NULL */
    const char *body;                 /* may be NULL */
    const char *user;                 /* HTTP Basic user, or NULL */
    const char *password;             /* HTTP Basic password */
    long timeout_ms;
    bool at_most_once;   /* the request must never reach the server twice (a purchase, a
                          * create): see prov_http_do */
    const char *ca_file; /* PEM CA bundle to trust instead of the system's; NULL: system */
};

struct prov_http_resp {
    enum prov_net net;
    long status;            /* 0 unless net == PROV_NET_OK */
    bool sent;              /* the request was handed to a connection (it may have reached
                             * the server), on any attempt libcurl made */
    struct fk_buf body;     /* owned */
    char retry_after[64];   /* raw Retry-After value, "" if absent */
    char content_type[128]; /* "" if absent */
    long ms;                /* wall time of the exchange */
    char error[CURL_ERROR_SIZE];
};

void prov_http_resp_init(struct prov_http_resp *r);
void prov_http_resp_cleanup(struct prov_http_resp *r); /* r may be re-initialised */

/* One exchange on curl (borrowed easy handle). resp must be initialised; it is reset first.
 * Returns 0 when an HTTP response arrived, otherwise FK_EIO with resp->net saying why
 * (FK_ENOMEM when curl could not be set up).
 *
 * libcurl silently sends a request again when the reused connection it went out on dies
 * before any answer comes back, which is also what a server that did the work and then
 * crashed looks like. For an at_most_once request with a body, libcurl reads the body through
 * a callback that refuses to rewind over bytes it has handed out, so that resend fails with
 * CURLE_SEND_FAIL_REWIND (classified reset, sent) and the caller resolves the ambiguity; a
 * server cannot act on a body it never received whole. Such a request reuses only a
 * connection idle for at most PROV_AT_MOST_ONCE_IDLE_S, below the keep-alive timeouts of
 * common servers (Node's 5 s is among the shortest), so that a reset there is a real failure
 * rather than a connection the server had already dropped. An at_most_once request without
 * a body could be acted on from its headers alone: it takes a new connection and closes it
 * after. */
int prov_http_do(CURL *curl, const struct prov_http_req *req,
                 struct prov_http_resp *resp) FK_MUST_CHECK;

/* The class of a CURLcode; `sent` tells whether the request could have reached the server. */
enum prov_net prov_http_classify(CURLcode code, bool *sent);
const char *prov_net_name(enum prov_net n);

#endif
