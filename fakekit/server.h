/* server.h: the HTTP server under every fake and the provisioner's `serve`.
 *
 * libmicrohttpd, as an epoll loop on a pool of threads (one per core). A delayed, dribbled
 * or hanging answer suspends its connection and parks it (waits.h), so it holds up nobody
 * and costs no thread. A serve() that itself waits on the network (provisioner serve) runs
 * on a fixed pool of worker threads instead of the loop (workers.h), its connection
 * suspended meanwhile. The server buffers the whole request body (up to body_limit; above it
 * the too_large callback answers), hands a complete struct fk_req to serve(), then carries
 * out the reply: an optional delay, then the response or one of the network faults below.
 * done() runs after the exchange (journal, log line). Waits (delay, slow, hang) end early when
 * the server stops.
 *
 * Connections: at most FK_CONNECTION_LIMIT at once and max_per_client from one address (a
 * further one is closed as soon as it is accepted); a request's line and headers must arrive
 * within head_timeout_ms of the connect or of the previous answer (heads.h), or the
 * connection is closed without an answer. A head too large for the connection's pool gets
 * 414 (the line or its query parameters) or 431 (the headers), always with libmicrohttpd's
 * one-line HTML body and Connection: close. */
#ifndef FK_SERVER_H
#define FK_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "fakekit/err.h"
#include "fakekit/http.h"
#include "fakekit/signals.h" /* fk_server_start blocks signals */

enum fk_net {
    FK_NET_NONE = 0,
    FK_NET_RESET,    /* close with TCP RST (SO_LINGER 0), no bytes */
    FK_NET_EMPTY,    /* close with FIN, no bytes */
    FK_NET_TRUNCATE, /* headers promise the whole body, half of it is sent, then close */
    FK_NET_SLOW,     /* the body is dribbled over slow_ms */
    FK_NET_HANG,     /* no answer until the client goes away (or FK_HANG_MAX_MS) */
};

/* What serve() decides; the server carries it out, then hands it to done(). */
struct fk_reply {
    struct fk_resp resp;
    long delay_ms; /* wait this long before answering (or before the fault) */
    enum fk_net net;
    long slow_ms; /* FK_NET_SLOW: total time over which the body is sent */
    /* The exchange's results for done() (the journal and the log line), never sent: */
    char fault_id[FK_ID_MAX + 1]; /* the fault rule that fired, "" when none */
    bool rate_limited;            /* a rate limit refused the request (resp is its 429) */
};

typedef void (*fk_serve_fn)(void *ctx, struct fk_req *req, struct fk_reply *reply);
typedef void (*fk_done_fn)(void *ctx, const struct fk_req *req, const struct fk_reply *reply,
                           int64_t duration_us);

struct fk_server_opts {
    const char *host;        /* "127.0.0.1"; "0.0.0.0" or "::" for all */
    long port;               /* 0: a free port */
    size_t body_limit;       /* FK_BODY_LIMIT */
    fk_serve_fn serve;       /* required; must not sleep */
    fk_serve_fn too_large;   /* answers a request whose body is over the limit */
    fk_done_fn done;         /* may be NULL */
    unsigned workers;        /* 0: serve() runs on the event loop and must not block (the
                              * fakes); N: on a pool of N threads, and may block (the
                              * provisioner's serve runs a whole flow) */
    unsigned max_per_client; /* connections one address may hold; 0: FK_CONNS_PER_CLIENT */
    long head_timeout_ms;    /* deadline of a request's head; 0: FK_HEAD_TIMEOUT_MS */
    const char *tls_cert;    /* PEM certificate (and chain) and key: both set, HTTPS; both */
    const char *tls_key;     /* NULL, plain HTTP (fakekit/tls.h checks them first) */
    void *ctx;
};

struct fk_server;

/* Bind and start serving. On failure *out is NULL and err says why (port in use...). */
int fk_server_start(const struct fk_server_opts *opts, struct fk_server **out,
                    struct fk_error *err) FK_MUST_CHECK;
unsigned fk_server_port(const struct fk_server *s);
/* Stop accepting, wake every waiting connection, finish in-flight requests, free. NULL-safe. */
void fk_server_stop(struct fk_server *s);

#endif
