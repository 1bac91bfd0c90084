/* server.c: libmicrohttpd glue: buffered requests, replies, delays and network faults.
 *
 * Two modes (server.h). Event mode, the fakes': an epoll loop on a pool of threads; a reply
 * that must wait (delay, each slice of a slow body, a hang) suspends its connection and parks
 * it in waits.c, whose thread resumes it when due, so a waiting answer holds up no thread and
 * no neighbour (docs/DESIGN.md "Connections"; libmicrohttpd's MHD_suspend_connection). Blocking
 * mode, for a serve() that itself waits on the network: one thread per connection, and waits sleep
 * on a condition variable that fk_server_stop broadcasts, so shutdown never waits them out.
 *
 * Per-request state is allocated by the URI-log callback (the first thing libmicrohttpd
 * calls, with the raw URI, query included) and freed only in the completion callback, which
 * also runs for aborted connections (libmicrohttpd's MHD_OPTION_NOTIFY_COMPLETED). */
#include "fakekit/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "fakekit/buf.h"
#include "fakekit/clock.h"
#include "fakekit/limits.h"
#include "fakekit/log.h"
#include "fakekit/waits.h"

struct fk_server {
    struct MHD_Daemon *mhd;
    struct fk_server_opts opts;
    unsigned port;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    /* Set once, under mu (server_wait sleeps on cv); request threads also read it without
     * mu, so it is atomic. */
    atomic_bool stopping;
    bool event;             /* event mode (!opts.blocking) */
    struct fk_waits *waits; /* event mode: parked connections */
};

/* Why an exchange's connection is suspended (event mode). */
enum park { PARK_NONE, PARK_DELAY, PARK_HANG, PARK_SLICE };

/* Everything one exchange owns, from the first byte to the completion callback. */
struct exchange {
    struct fk_server *srv;
    char *uri; /* raw request target, query included */
    struct fk_buf body;
    bool too_large;
    bool started;     /* the header-only first call has been seen */
    bool answered;    /* the reply has been built (done() is due) */
    int64_t start_us; /* monotonic */
    struct fk_req req;
    struct fk_kv *headers; /* arrays behind req */
    struct fk_kv *args;
    struct fk_kv *form;
    char *scratch;
    char remote[64];
    struct fk_reply reply;
    size_t sent; /* content-reader progress (slow, truncate) */
    struct MHD_Connection *conn;
    struct fk_wait wait;   /* event mode: where it is parked */
    enum park parked;      /* event mode: why it was suspended */
    bool ever_parked;      /* event mode: handed to waits.c at least once */
    int64_t next_slice_us; /* slow body: when the next slice may go */
};

/* Sleep up to ms, waking early when the server stops. Returns false when stopping. */
static bool server_wait(struct fk_server *s, long ms)
{
    struct timespec until;
    bool ok;

    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->mu);
    while (!atomic_load(&s->stopping) &&
           pthread_cond_timedwait(&s->cv, &s->mu, &until) != ETIMEDOUT)
        ;
    ok = !atomic_load(&s->stopping);
    pthread_mutex_unlock(&s->mu);
    return ok;
}

/* Per connection: the exchange on_uri made and the completion callback has not freed yet.
 * libmicrohttpd drops a request that fails while its headers are read (too many of them, say)
 * without a completion callback, so the connection's close frees what is left here. */
struct conn_slot {
    struct exchange *pending;
    char remote[64]; /* the client's address, "" until the first request asks */
};

static struct conn_slot *slot_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci != NULL ? ci->socket_context : NULL;
}

static void exchange_free(struct exchange *x);

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct conn_slot *slot = *socket_context;

    (void)cls;  /* one handler for the daemon */
    (void)conn; /* the slot is all the state a connection has */
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = calloc(1, sizeof(struct conn_slot));
        return;
    }
    if (slot != NULL) {
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
    x->start_us = fk_mono_us();
    fk_buf_init(&x->body, x->srv->opts.body_limit);
    fk_resp_init(&x->reply.resp);
    return x;
}

static void exchange_free(struct exchange *x)
{
    free(x->uri);
    fk_buf_cleanup(&x->body);
    free(x->headers);
    free(x->args);
    free(x->form);
    free(x->scratch);
    fk_resp_cleanup(&x->reply.resp);
    free(x);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct fk_server *s = cls;
    struct exchange *x = *req_cls;

    (void)toe; /* aborted exchanges are journaled like the others */
    if (x == NULL)
        return;
    if (x->answered && s->opts.done != NULL)
        s->opts.done(s->opts.ctx, &x->req, &x->reply, fk_mono_us() - x->start_us);
    struct conn_slot *slot = slot_of(conn);
    if (slot != NULL && slot->pending == x)
        slot->pending = NULL;
    /* Only an exchange that was parked can still be in waits.c (parking happens in this
     * connection's own callbacks): the others skip its lock. */
    if (s->waits != NULL && x->ever_parked)
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

/* The client's address as text ("127.0.0.1"), "?" when unknown. */
static void client_address(struct MHD_Connection *conn, char *out, size_t len)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

    snprintf(out, len, "?");
    if (ci != NULL && ci->client_addr != NULL) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                      (socklen_t)len);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                      (socklen_t)len);
    }
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
        client_address(conn, x->remote, sizeof(x->remote));
        r->remote = x->remote;
    } else {
        if (slot->remote[0] == '\0')
            client_address(conn, slot->remote, sizeof(slot->remote));
        r->remote = slot->remote;
    }
    return 0;
}

static int conn_fd(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    return ci != NULL ? ci->connect_fd : -1;
}

/* Wait until the client closes its side, the server stops, or FK_HANG_MAX_MS passes. */
static void hang(struct exchange *x, struct MHD_Connection *conn)
{
    int fd = conn_fd(conn);
    int64_t end = fk_mono_us() + (int64_t)FK_HANG_MAX_MS * 1000;

    while (fk_mono_us() < end) {
        struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};
        char c;
        if (fd >= 0 && poll(&p, 1, 0) > 0) {
            if (p.revents & (POLLRDHUP | POLLHUP | POLLERR))
                return;
            if (recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0)
                return;
        }
        if (!server_wait(x->srv, 50))
            return;
    }
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
        if (!x->srv->event) {
            if (pos > 0 && !server_wait(x->srv, x->reply.slow_ms / 20))
                return MHD_CONTENT_READER_END_WITH_ERROR;
        } else if (pos > 0 && fk_mono_us() < x->next_slice_us) {
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

static enum MHD_Result send_reply(struct exchange *x, struct MHD_Connection *conn)
{
    struct fk_reply *rp = &x->reply;
    struct fk_resp *r = &rp->resp;
    struct MHD_Response *resp;
    enum MHD_Result ret;

    /* Event mode has done its delay already, parked (on_request). */
    if (!x->srv->event && rp->delay_ms > 0 && !server_wait(x->srv, rp->delay_ms))
        return MHD_NO;
    switch (rp->net) {
    case FK_NET_RESET: {
        /* libmicrohttpd shuts the write side down before closing, which would send a FIN
         * first; disconnecting with AF_UNSPEC makes Linux abort the connection with an RST
         * at once (tcp_disconnect), and leaves the descriptor for libmicrohttpd to close. */
        struct linger lg = {.l_onoff = 1, .l_linger = 0};
        struct sockaddr unspec = {.sa_family = AF_UNSPEC};
        int fd = conn_fd(conn);
        if (fd >= 0) {
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
            connect(fd, &unspec, sizeof(unspec));
        }
        return MHD_NO;
    }
    case FK_NET_EMPTY:
        return MHD_NO;
    case FK_NET_HANG:
        if (x->srv->event) {
            park(x, PARK_HANG, fk_mono_us() + (int64_t)FK_HANG_MAX_MS * 1000, conn_fd(conn));
            return MHD_YES;
        }
        hang(x, conn);
        return MHD_NO;
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
        /* First call: headers only. An announced oversize body is refused unread. */
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        x->started = true;
        if (cl == NULL || strtoull(cl, NULL, 10) <= s->opts.body_limit)
            return MHD_YES;
        x->too_large = true;
    } else if (*upload_data_size > 0) {
        if (!x->too_large && fk_buf_add(&x->body, upload_data, *upload_data_size) != 0)
            x->too_large = true;
        *upload_data_size = 0; /* consumed (or dropped, once over the limit) */
        return MHD_YES;
    }
    if (x->answered) {
        /* Called again after a resume: finish what the park interrupted. */
        enum park why = x->parked;
        x->parked = PARK_NONE;
        if (why == PARK_DELAY)
            return atomic_load(&s->stopping) ? MHD_NO : send_reply(x, conn);
        return why == PARK_HANG ? MHD_NO : MHD_YES;
    }
    if (build_request(x, conn, url, method) != 0)
        return MHD_NO;
    x->answered = true;
    if (x->too_large && s->opts.too_large != NULL)
        s->opts.too_large(s->opts.ctx, &x->req, &x->reply);
    else
        s->opts.serve(s->opts.ctx, &x->req, &x->reply);
    x->conn = conn;
    if (s->event && x->reply.delay_ms > 0) {
        park(x, PARK_DELAY, fk_mono_us() + (int64_t)x->reply.delay_ms * 1000, -1);
        return MHD_YES;
    }
    return send_reply(x, conn);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];

    (void)cls; /* one logger for every daemon */
    vsnprintf(line, sizeof(line), fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    fk_log(FK_LOG_DEBUG, "msg=\"libmicrohttpd: %s\"", line);
}

void fk_signals_block(void)
{
    sigset_t set;

    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int fk_wait_for_signal(void)
{
    sigset_t set;
    int sig = 0;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    while (sigwait(&set, &sig) != 0)
        ;
    return sig;
}

int fk_server_start(const struct fk_server_opts *opts, struct fk_server **out, struct fk_error *err)
{
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    char port[16];
    struct fk_server *s;
    unsigned flags = MHD_USE_ERROR_LOG | MHD_USE_TURBO;
    unsigned pool = 0;
    int gai;

    *out = NULL;
    if ((s = calloc(1, sizeof(*s))) == NULL) {
        fk_error_set(err, "out of memory");
        return FK_ENOMEM;
    }
    s->opts = *opts;
    atomic_init(&s->stopping, false);
    s->event = !opts->blocking;
    if (s->event) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        pool = cores < 2 ? 2u : (unsigned)cores;
        flags |= MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
        if ((s->waits = fk_waits_new(wake)) == NULL) {
            free(s);
            fk_error_set(err, "cannot start the waiter thread");
            return FK_ENOMEM;
        }
    } else {
        flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
    }
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    snprintf(port, sizeof(port), "%ld", opts->port);
    if ((gai = getaddrinfo(opts->host, port, &hints, &ai)) != 0) {
        fk_error_set(err, "cannot resolve host %s: %s", opts->host, gai_strerror(gai));
        goto fail;
    }
    if (ai->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    /* A pool size is only passed in event mode: libmicrohttpd warns about a size of 0 or 1. */
    struct MHD_OptionItem pool_opt[] = {
        {s->event ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)pool, NULL},
        {MHD_OPTION_END, 0, NULL}};
    fk_signals_block();
    s->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, ai->ai_addr,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_ARRAY, pool_opt,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)FK_CONNECTION_LIMIT,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)FK_CONNECTION_MEMORY,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)FK_CONNECTION_TIMEOUT, MHD_OPTION_EXTERNAL_LOGGER,
        mhd_log, NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_UNESCAPE_CALLBACK,
        fk_mhd_unescape, NULL, MHD_OPTION_END);
    freeaddrinfo(ai);
    if (s->mhd == NULL) {
        fk_error_set(err, "cannot listen on %s:%ld: %s", opts->host, opts->port,
                     errno != 0 ? strerror(errno) : "address in use or not available");
        goto fail;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di != NULL ? di->port : (unsigned)opts->port;
    *out = s;
    return 0;
fail:
    fk_waits_close(s->waits);
    fk_waits_free(s->waits);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
    return FK_EIO;
}

unsigned fk_server_port(const struct fk_server *s)
{
    return s->port;
}

void fk_server_stop(struct fk_server *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&s->mu);
    atomic_store(&s->stopping, true);
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    fk_waits_close(s->waits); /* resumes every parked connection; they see stopping */
    MHD_stop_daemon(s->mhd);
    fk_waits_free(s->waits);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
