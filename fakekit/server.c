/* server.c: libmicrohttpd glue: buffered requests, replies, delays and network faults.
 *
 * An epoll loop on a pool of threads (server.h). A reply that must wait (delay, each slice of
 * a slow body, a hang) suspends its connection and parks it in waits.c, whose thread resumes
 * it when due, so a waiting answer holds up no thread and no neighbour (docs/DESIGN.md
 * "Connections"; libmicrohttpd's MHD_suspend_connection). With workers, serve() itself runs
 * on workers.c's threads while its connection is suspended, and the worker resumes it.
 *
 * Per-request state is allocated by the URI-log callback (the first thing libmicrohttpd
 * calls, with the raw URI, query included) and freed only in the completion callback, which
 * also runs for aborted connections (libmicrohttpd's MHD_OPTION_NOTIFY_COMPLETED).
 * Per-connection state (conn_slot) lives from the connection's start to its close: the
 * request-head deadline (heads.c) is armed at the start and after every answer, disarmed
 * when a request's headers are complete. Heads too large are answered in server_conn.c. */
#include "fakekit/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "fakekit/buf.h"
#include "fakekit/clock.h"
#include "fakekit/heads.h"
#include "fakekit/limits.h"
#include "fakekit/log.h"
#include "fakekit/server_conn.h"
#include "fakekit/waits.h"
#include "fakekit/workers.h"

struct fk_server {
    struct MHD_Daemon *mhd;
    struct fk_server_opts opts;
    unsigned port;
    atomic_bool stopping;       /* read by request threads without a lock */
    struct fk_waits *waits;     /* parked connections */
    struct fk_heads *heads;     /* request-head deadlines */
    struct fk_workers *workers; /* NULL: serve() runs on the event loop */
};

/* Why an exchange's connection is suspended. */
enum park { PARK_NONE, PARK_DELAY, PARK_HANG, PARK_SLICE, PARK_WORK };

/* Everything one exchange owns, from the first byte to the completion callback. */
struct exchange {
    struct fk_server *srv;
    char *uri;          /* raw request target, query included */
    const char *uri_at; /* libmicrohttpd's copy, to know its unescape call (on_unescape) */
    bool in_query;      /* libmicrohttpd is storing the query's fields (on_unescape) */
    struct fk_buf body;
    bool too_large;
    bool started;     /* the header-only first call has been seen */
    bool answered;    /* the reply has been built or is being built (done() is due) */
    bool recorded;    /* done() has run: once, as the answer leaves (record()) */
    int64_t start_us; /* monotonic */
    struct fk_req req;
    struct fk_kv *headers; /* arrays behind req */
    struct fk_kv *args;
    struct fk_kv *form;
    char remote[64];
    struct fk_reply reply;
    size_t sent; /* content-reader progress (slow, truncate) */
    struct MHD_Connection *conn;
    struct fk_wait wait;   /* where it is parked */
    struct fk_work work;   /* its place in the workers' queue */
    enum park parked;      /* why it was suspended */
    bool ever_parked;      /* handed to waits.c at least once */
    int64_t next_slice_us; /* slow body: when the next slice may go */
};

/* Per connection: the exchange on_uri made and the completion callback has not freed yet
 * (libmicrohttpd drops a request that fails while its headers are read, too many of them
 * say, without a completion callback, so the connection's close frees what is left here),
 * the client's address and the request-head deadline. */
struct conn_slot {
    struct exchange *pending;
    char remote[64]; /* the client's address, "" until the first request asks */
    struct fk_head head;
    /* The current request's Basic credentials once decoded (fk_req_basic): a connection
     * carries one request at a time, and each request starts it afresh. */
    struct fk_basic basic;
};

static struct conn_slot *slot_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci != NULL ? ci->socket_context : NULL;
}

static int conn_fd(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    return ci != NULL ? ci->connect_fd : -1;
}

static void exchange_free(struct exchange *x)
{
    free(x->uri);
    fk_buf_cleanup(&x->body);
    free(x->headers);
    free(x->args);
    free(x->form);
    fk_resp_cleanup(&x->reply.resp);
    free(x);
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct fk_server *s = cls;
    struct conn_slot *slot = *socket_context;

    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        slot = calloc(1, sizeof(struct conn_slot));
        *socket_context = slot;
        if (slot != NULL)
            fk_heads_arm(s->heads, &slot->head, conn_fd(conn));
        return;
    }
    if (slot != NULL) {
        fk_heads_disarm(s->heads, &slot->head); /* before libmicrohttpd closes the socket */
        if (slot->pending != NULL)
            exchange_free(slot->pending);
        free(slot);
    }
    *socket_context = NULL;
}

/* waits.c calls this on its thread when a parked exchange is due. */
static void wake(void *item)
{
    struct exchange *x = item;

    MHD_resume_connection(x->conn);
}

/* Suspend x's connection until due_us (or, with fd >= 0, until the peer closes it). Must be
 * called from one of libmicrohttpd's callbacks for this connection. */
static void park(struct exchange *x, enum park why, int64_t due_us, int fd)
{
    x->parked = why;
    x->ever_parked = true;
    MHD_suspend_connection(x->conn);
    if (!fk_waits_add(x->srv->waits, &x->wait, due_us, fd, x))
        MHD_resume_connection(x->conn); /* the server is stopping: go on at once */
}

/* workers.c calls this on a worker thread: run serve() (or, at close, give up), resume. */
static void work(void *item, bool cancelled)
{
    struct exchange *x = item;

    if (cancelled)
        x->reply.net = FK_NET_EMPTY; /* the server is stopping: close without an answer */
    else
        x->srv->opts.serve(x->srv->opts.ctx, &x->req, &x->reply);
    MHD_resume_connection(x->conn);
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct exchange *x = calloc(1, sizeof(*x));
    struct conn_slot *slot = slot_of(conn);

    if (x == NULL)
        return NULL;
    if (slot != NULL) {
        if (slot->pending != NULL) /* the previous request died before its headers ended */
            exchange_free(slot->pending);
        slot->pending = x;
    }
    x->srv = cls;
    x->uri = strdup(uri != NULL ? uri : "/");
    x->uri_at = uri;
    x->in_query = uri != NULL;
    x->start_us = fk_mono_us();
    fk_buf_init(&x->body, x->srv->opts.body_limit);
    fk_resp_init(&x->reply.resp);
    return x;
}

/* libmicrohttpd stores the query's fields right after on_uri and decodes each through this
 * callback, then the path: the path's call comes last, when every field was stored or the
 * pool ran out. (If it runs out so badly that libmicrohttpd closes the connection there and
 * then, on_completed sees in_query still set.) Either way the answer is fk_refuse_head's. */
static size_t on_unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    struct conn_slot *slot = slot_of(conn);
    struct exchange *x = slot != NULL ? slot->pending : NULL;

    (void)cls; /* the check needs only the connection */
    if (x != NULL && x->in_query && s == x->uri_at) {
        x->in_query = false;
        if (fk_query_fields_lost(conn, x->uri))
            fk_refuse_head(conn, conn_fd(conn), 414);
    }
    return fk_url_unescape(s); /* %00 and invalid UTF-8 stay as sent (http.h) */
}

static void record(struct exchange *x);

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct fk_server *s = cls;
    struct exchange *x = *req_cls;
    struct conn_slot *slot = slot_of(conn);

    (void)toe;        /* aborted exchanges are journaled like the others */
    if (slot != NULL) /* the next request's head has its own time, from now */
        fk_heads_arm(s->heads, &slot->head, conn_fd(conn));
    if (x == NULL)
        return;
    if (x->in_query) /* closed while storing the query's fields: they did not fit */
        fk_refuse_head(conn, conn_fd(conn), 414);
    record(x);
    if (slot != NULL && slot->pending == x)
        slot->pending = NULL;
    /* Only an exchange that was parked can still be in waits.c (parking happens in this
     * connection's own callbacks): the others skip its lock. */
    if (x->ever_parked)
        fk_waits_remove(s->waits, &x->wait);
    exchange_free(x);
    *req_cls = NULL;
}

struct header_collect {
    struct fk_kv *kv;
    size_t n;
    size_t cap;
};

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    struct header_collect *hc = cls;

    (void)kind; /* only MHD_HEADER_KIND is asked for */
    if (hc->n < hc->cap) {
        hc->kv[hc->n].key = key;
        hc->kv[hc->n].value = value != NULL ? value : "";
        hc->n++;
    }
    return MHD_YES;
}

/* Fill x->req from the connection and the buffered body. 0 or FK_ENOMEM. */
static int build_request(struct exchange *x, struct MHD_Connection *conn, const char *url,
                         const char *method)
{
    struct fk_req *r = &x->req;
    const char *q = strchr(x->uri, '?');
    struct header_collect hc;

    r->method = method;
    r->path = url;
    r->query = q != NULL ? q + 1 : "";
    r->body = fk_buf_str(&x->body);
    r->body_len = x->body.len;
    /* Counting first sizes the array to the request (a dozen headers, not FK_MAX_HEADERS). */
    int count = MHD_get_connection_values(conn, MHD_HEADER_KIND, NULL, NULL);
    size_t cap = count < 1 ? 1 : count > FK_MAX_HEADERS ? FK_MAX_HEADERS : (size_t)count;
    if ((hc.kv = malloc(cap * sizeof(*hc.kv))) == NULL)
        return FK_ENOMEM;
    hc.n = 0;
    hc.cap = cap;
    MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_header, &hc);
    x->headers = hc.kv;
    r->headers = hc.kv;
    r->nheaders = hc.n;
    if (*r->query != '\0') { /* no query, no fields: nothing to allocate */
        if (fk_form_decode(r->query, strlen(r->query), FK_MAX_ARGS, &x->args, &r->nargs) != 0)
            return FK_ENOMEM;
        r->args = x->args;
    }
    if (fk_req_content_type_is(r, "application/x-www-form-urlencoded")) {
        if (fk_form_decode(r->body, r->body_len, FK_MAX_ARGS, &x->form, &r->nform) != 0)
            return FK_ENOMEM;
        r->form = x->form;
    }
    /* The address is the connection's: formatted once, kept for its later requests. */
    struct conn_slot *slot = slot_of(conn);
    if (slot == NULL) {
        fk_client_address(conn, x->remote, sizeof(x->remote));
        r->remote = x->remote;
    } else {
        if (slot->remote[0] == '\0')
            fk_client_address(conn, slot->remote, sizeof(slot->remote));
        r->remote = slot->remote;
        slot->basic.state = 0;
        r->basic = &slot->basic;
    }
    return 0;
}

/* Content reader for "slow" (dribble) and "truncate" (stop halfway, then error). */
static ssize_t read_body(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct exchange *x = cls;
    const struct fk_resp *r = &x->reply.resp;
    size_t len = r->body_len, n;

    if (x->reply.net == FK_NET_TRUNCATE) {
        size_t half = len / 2;
        if (pos >= half)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        n = half - (size_t)pos;
    } else {
        /* Twenty slices spread over slow_ms. */
        size_t slice = len / 20 > 0 ? len / 20 : 1;
        if (pos >= len)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (pos > 0 && fk_mono_us() < x->next_slice_us) {
            /* Not yet: park until the slice is due and tell libmicrohttpd "nothing now". */
            if (atomic_load(&x->srv->stopping))
                return MHD_CONTENT_READER_END_WITH_ERROR;
            park(x, PARK_SLICE, x->next_slice_us, -1);
            return 0;
        }
        x->parked = PARK_NONE;
        x->next_slice_us = fk_mono_us() + (int64_t)x->reply.slow_ms * 1000 / 20;
        n = len - (size_t)pos < slice ? len - (size_t)pos : slice;
    }
    if (n > max)
        n = max;
    memcpy(buf, r->body + pos, n);
    return (ssize_t)n;
}

/* Abort the connection with a TCP RST. libmicrohttpd shuts the write side down before
 * closing, which would send a FIN first; disconnecting with AF_UNSPEC makes Linux abort the
 * connection at once (tcp_disconnect), and leaves the descriptor for libmicrohttpd. */
static void reset(struct MHD_Connection *conn)
{
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    struct sockaddr unspec = {.sa_family = AF_UNSPEC};
    int fd = conn_fd(conn);

    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        connect(fd, &unspec, sizeof(unspec));
    }
}

/* done() for x, once. Called as the answer leaves (before MHD queues it), so a client that
 * asks /__admin/requests as soon as it has its answer finds the exchange journaled; the
 * duration is the time until then (a dribbled body's sending is not in it). An exchange that
 * never got that far (closed while parked) is recorded when it completes. */
static void record(struct exchange *x)
{
    struct fk_server *s = x->srv;

    if (x->recorded || !x->answered || s->opts.done == NULL)
        return;
    x->recorded = true;
    s->opts.done(s->opts.ctx, &x->req, &x->reply, fk_mono_us() - x->start_us);
}

static enum MHD_Result send_reply(struct exchange *x, struct MHD_Connection *conn)
{
    struct fk_reply *rp = &x->reply;
    struct fk_resp *r = &rp->resp;
    struct MHD_Response *resp;
    enum MHD_Result ret;

    record(x);
    switch (rp->net) {
    case FK_NET_RESET:
        reset(conn);
        return MHD_NO;
    case FK_NET_EMPTY:
        return MHD_NO;
    case FK_NET_HANG:
        park(x, PARK_HANG, fk_mono_us() + (int64_t)FK_HANG_MAX_MS * 1000, conn_fd(conn));
        return MHD_YES;
    case FK_NET_TRUNCATE:
    case FK_NET_SLOW:
        if (r->body_len > 0) {
            resp = MHD_create_response_from_callback(r->body_len, 4096, read_body, x, NULL);
            break;
        }
        /* nothing to dribble or cut */
        __attribute__((fallthrough));
    case FK_NET_NONE:
    default:
        resp = MHD_create_response_from_buffer(r->body_len, r->body, MHD_RESPMEM_PERSISTENT);
        break;
    }
    if (resp == NULL)
        return MHD_NO;
    if (r->content_type != NULL)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    for (size_t i = 0; i < r->nheaders; i++)
        MHD_add_response_header(resp, r->headers[i].key, r->headers[i].value);
    ret = MHD_queue_response(conn, r->status != 0 ? r->status : 500, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* The reply is built: wait out its delay (parked), or send it now. */
static enum MHD_Result answer(struct exchange *x, struct MHD_Connection *conn)
{
    if (x->reply.delay_ms > 0) {
        park(x, PARK_DELAY, fk_mono_us() + (int64_t)x->reply.delay_ms * 1000, -1);
        return MHD_YES;
    }
    return send_reply(x, conn);
}

/* Called again after a resume: finish what the park interrupted. */
static enum MHD_Result resumed(struct exchange *x, struct MHD_Connection *conn)
{
    enum park why = x->parked;

    x->parked = PARK_NONE;
    if (why == PARK_WORK)
        return answer(x, conn);
    if (why == PARK_DELAY)
        return atomic_load(&x->srv->stopping) ? MHD_NO : send_reply(x, conn);
    return why == PARK_HANG ? MHD_NO : MHD_YES;
}

/* Build the reply: on this thread, or handed to a worker with the connection suspended. */
static enum MHD_Result dispatch(struct fk_server *s, struct exchange *x,
                                struct MHD_Connection *conn)
{
    if (x->too_large && s->opts.too_large != NULL) {
        s->opts.too_large(s->opts.ctx, &x->req, &x->reply);
    } else if (s->workers != NULL) {
        x->parked = PARK_WORK;
        MHD_suspend_connection(conn);
        if (!fk_workers_submit(s->workers, &x->work, x))
            work(x, true);
        return MHD_YES;
    } else {
        s->opts.serve(s->opts.ctx, &x->req, &x->reply);
    }
    return answer(x, conn);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    struct fk_server *s = cls;
    struct exchange *x = *req_cls;

    (void)version; /* HTTP/1.0 and 1.1 are answered alike */
    if (x == NULL)
        return MHD_NO;
    if (!x->started) {
        /* First call: the head is complete. An announced oversize body is refused unread. */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        struct conn_slot *slot = slot_of(conn);
        x->started = true;
        if (slot != NULL && fk_heads_disarm(s->heads, &slot->head))
            return MHD_NO; /* its time ran out as the last bytes came: it is closed already */
        if (fk_head_refusal(conn) != 0) { /* 431: no room for the answer; 400: a NUL, CR... */
            fk_refuse_head(conn, conn_fd(conn), fk_head_refusal(conn));
            return MHD_NO;
        }
        if (cl == NULL || strtoull(cl, NULL, 10) <= s->opts.body_limit)
            return MHD_YES;
        x->too_large = true;
    } else if (*upload_data_size > 0) {
        if (!x->too_large && fk_buf_add(&x->body, upload_data, *upload_data_size) != 0)
            x->too_large = true;
        *upload_data_size = 0; /* consumed (or dropped, once over the limit) */
        return MHD_YES;
    }
    if (x->answered)
        return resumed(x, conn);
    if (build_request(x, conn, url, method) != 0)
        return MHD_NO;
    x->answered = true;
    x->conn = conn;
    return dispatch(s, x, conn);
}

static int fail_start(struct fk_server *s, struct fk_error *err, const char *why)
{
    if (why != NULL)
        fk_error_set(err, "%s", why);
    fk_workers_close(s->workers);
    fk_workers_free(s->workers);
    fk_waits_close(s->waits);
    fk_waits_free(s->waits);
    fk_heads_free(s->heads);
    free(s);
    return why != NULL ? FK_ENOMEM : FK_EIO;
}

/* The threads every server has (waits, heads) and, with opts->workers, the pool. */
static const char *start_helpers(struct fk_server *s, const struct fk_server_opts *opts)
{
    long head_ms = opts->head_timeout_ms > 0 ? opts->head_timeout_ms : FK_HEAD_TIMEOUT_MS;

    if ((s->waits = fk_waits_new(wake)) == NULL)
        return "cannot start the waiter thread";
    if ((s->heads = fk_heads_new(head_ms)) == NULL)
        return "cannot start the request-head thread";
    if (opts->workers > 0 && (s->workers = fk_workers_new(opts->workers, work)) == NULL)
        return "cannot start the worker threads";
    return NULL;
}

static struct MHD_Daemon *start_daemon(struct fk_server *s, const struct addrinfo *ai)
{
    unsigned flags = MHD_USE_ERROR_LOG | MHD_USE_TURBO | MHD_USE_EPOLL_INTERNAL_THREAD |
                     MHD_ALLOW_SUSPEND_RESUME | (ai->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned pool = cores < 2 ? 2u : (unsigned)cores; /* libmicrohttpd warns about 0 or 1 */
    unsigned per_client = s->opts.max_per_client > 0 ? s->opts.max_per_client : FK_CONNS_PER_CLIENT;
    bool tls = s->opts.tls_cert != NULL && s->opts.tls_key != NULL;
    /* HTTPS through libmicrohttpd's GnuTLS: the PEM texts are copied by it at start. */
    struct MHD_OptionItem tls_opts[] = {
        {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)s->opts.tls_cert},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)s->opts.tls_key},
        {MHD_OPTION_END, 0, NULL}};

    if (tls)
        flags |= MHD_USE_TLS;
    return MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_UNESCAPE_CALLBACK, on_unescape,
        s, MHD_OPTION_THREAD_POOL_SIZE, pool, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)FK_CONNECTION_LIMIT, MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_client,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)FK_CONNECTION_MEMORY,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)FK_CONNECTION_TIMEOUT, MHD_OPTION_EXTERNAL_LOGGER,
        fk_mhd_log, NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_ARRAY, tls_opts,
        MHD_OPTION_END);
}

int fk_server_start(const struct fk_server_opts *opts, struct fk_server **out, struct fk_error *err)
{
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    char port[16];
    struct fk_server *s;
    const char *why;
    int gai;

    *out = NULL;
    if ((s = calloc(1, sizeof(*s))) == NULL) {
        fk_error_set(err, "out of memory");
        return FK_ENOMEM;
    }
    s->opts = *opts;
    atomic_init(&s->stopping, false);
    /* Before any thread starts, so that every thread inherits the mask and SIGTERM can only
     * reach fk_wait_for_signal (one unmasked thread would take it and die of it). */
    fk_signals_block();
    if ((why = start_helpers(s, opts)) != NULL)
        return fail_start(s, err, why);
    snprintf(port, sizeof(port), "%ld", opts->port);
    if ((gai = getaddrinfo(opts->host, port, &hints, &ai)) != 0) {
        fk_error_set(err, "cannot resolve host %s: %s", opts->host, gai_strerror(gai));
        return fail_start(s, err, NULL);
    }
    s->mhd = start_daemon(s, ai);
    freeaddrinfo(ai);
    if (s->mhd == NULL) {
        fk_error_set(err, "cannot listen on %s:%ld: %s", opts->host, opts->port,
                     errno != 0 ? strerror(errno) : "address in use or not available");
        return fail_start(s, err, NULL);
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di != NULL ? di->port : (unsigned)opts->port;
    *out = s;
    return 0;
}

unsigned fk_server_port(const struct fk_server *s)
{
    return s->port;
}

void fk_server_stop(struct fk_server *s)
{
    if (s == NULL)
        return;
    atomic_store(&s->stopping, true);
    fk_workers_close(s->workers); /* flows under way finish; queued ones are closed */
    fk_waits_close(s->waits);     /* resumes every parked connection; they see stopping */
    MHD_stop_daemon(s->mhd);      /* every connection is closed (and disarmed) by now */
    fk_workers_free(s->workers);
    fk_waits_free(s->waits);
    fk_heads_free(s->heads);
    free(s);
}
