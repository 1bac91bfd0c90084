/* test_prov_http.c: prov_http_do against a scripted HTTP server on a real socket.
 *
 * libcurl sends a request again, on a new connection, when the reused connection it went out
 * on dies before any byte of an answer comes back. That is also what a server looks like
 * that bought the number and then crashed, so a purchase sent that way would be bought
 * twice. The server here answers a GET with keep-alive, then reads the next request whole
 * and closes the connection without a word (or with a reset); it counts every request it
 * reads, and answers 201 to any on a later connection. An at_most_once POST must reach it
 * exactly once and come back as a reset that was sent; an ordinary POST is resent by
 * libcurl, which shows that the server sees a resend when there is one. When the server is
 * gone after the cut (a service killed after it committed), libcurl's resend meets a refused
 * connect: that must still count as sent, a reset, never "refused" (issue 19 item 4). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "provisioner/http.h"

enum cut { CUT_CLOSE, CUT_RESET, CUT_CLOSE_GONE };

#define MAX_CONNS 4

struct server {
    int lfd;
    int port;
    enum cut cut;
    pthread_t thread;
    pthread_t conns[MAX_CONNS];
    int nconns;          /* accepted, written by the accept thread only */
    atomic_int requests; /* requests read whole */
    atomic_int cuts;     /* requests answered by cutting the connection */
    atomic_bool stop;
};

struct conn {
    struct server *s;
    int fd;
    int n; /* 1 for the first connection */
};

/* Read one request (head and Content-Length body) from fd. 1 when read, 0 on EOF or error. */
static int read_request(int fd, char *method, size_t mlen)
{
    char buf[8192];
    size_t len = 0;
    char *end = NULL;

    while (end == NULL) {
        ssize_t n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
        if (n <= 0 || len + (size_t)n >= sizeof(buf) - 1)
            return 0;
        len += (size_t)n;
        buf[len] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    size_t head = (size_t)(end + 4 - buf), body = 0;
    const char *cl = strcasestr(buf, "\r\nContent-Length:");
    if (cl != NULL && cl < end)
        body = strtoul(cl + 17, NULL, 10);
    snprintf(method, mlen, "%.*s", (int)strcspn(buf, " "), buf);
    for (size_t have = len - head; have < body;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n <= 0)
            return 0;
        have += (size_t)n;
    }
    return 1;
}

static void send_str(int fd, const char *s)
{
    size_t len = strlen(s);
    if (send(fd, s, len, MSG_NOSIGNAL) != (ssize_t)len)
        fprintf(stderr, "test server: short send\n"); /* the client's assertions will fail */
}

/* The first connection answers its GET and cuts the request after it; any later connection
 * answers 201. */
static void *serve_conn(void *arg)
{
    struct conn *c = arg;
    char method[16];

    while (read_request(c->fd, method, sizeof(method))) {
        atomic_fetch_add(&c->s->requests, 1);
        if (c->n == 1 && strcmp(method, "GET") == 0) {
            send_str(c->fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        } else if (c->n == 1) { /* done, then gone */
            if (c->s->cut == CUT_RESET) {
                struct linger lg = {1, 0}; /* close() sends RST */
                setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
            }
            if (c->s->cut == CUT_CLOSE_GONE) { /* stop listening first: the resend is refused */
                atomic_store(&c->s->stop, true);
                shutdown(c->s->lfd, SHUT_RDWR);
            }
            atomic_fetch_add(&c->s->cuts, 1);
            break;
        } else {
            send_str(c->fd, "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
        }
    }
    close(c->fd); /* ends when the client closes: curl_easy_cleanup() before server_stop() */
    free(c);
    return NULL;
}

static void *serve(void *arg)
{
    struct server *s = arg;

    while (!atomic_load(&s->stop) && s->nconns < MAX_CONNS) {
        int fd = accept(s->lfd, NULL, NULL);
        struct conn *c = fd >= 0 ? malloc(sizeof(*c)) : NULL;
        if (c == NULL) {
            if (fd >= 0)
                close(fd);
            break;
        }
        *c = (struct conn){s, fd, s->nconns + 1};
        if (pthread_create(&s->conns[s->nconns], NULL, serve_conn, c) != 0) {
            close(fd);
            free(c);
            break;
        }
        s->nconns++;
    }
    return NULL;
}

static struct server *server_start(enum cut how)
{
    struct server *s = calloc(1, sizeof(*s));
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);

    assert_non_null(s);
    s->cut = how;
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->lfd >= 0);
    assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(s->lfd, 8), 0);
    assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&a, &alen), 0);
    s->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
    return s;
}

/* Stop accepting and wait for every connection's thread; s stays readable, for its counts. */
static void server_stop(struct server *s)
{
    atomic_store(&s->stop, true);
    shutdown(s->lfd, SHUT_RDWR); /* wakes accept() */
    pthread_join(s->thread, NULL);
    for (int i = 0; i < s->nconns; i++)
        pthread_join(s->conns[i], NULL);
    close(s->lfd);
}

/* What one exchange came to, on both sides. */
struct outcome {
    int rc; /* prov_http_do's, for the request after the GET */
    enum prov_net net;
    bool sent;
    long status;
    int cuts, requests; /* the server's counts */
};

/* A new server cutting as told and a new handle: GET / (answered, kept alive), then method
 * with body on the same handle. */
static struct outcome get_then(enum cut how, const char *method, const char *body,
                               bool at_most_once)
{
    struct server *s = server_start(how);
    CURL *curl = curl_easy_init();
    struct prov_http_resp resp;
    struct outcome o;
    char url[64];

    assert_non_null(curl);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", s->port);
    struct prov_http_req get = {.method = "GET", .url = url, .timeout_ms = 5000};
    struct prov_http_req req = {.method = method,
                                .url = url,
                                .body = body,
                                .timeout_ms = 5000,
                                .at_most_once = at_most_once};
    prov_http_resp_init(&resp);
    assert_int_equal(prov_http_do(curl, &get, &resp), 0);
    assert_int_equal(resp.status, 200);
    o.rc = prov_http_do(curl, &req, &resp);
    o.net = resp.net;
    o.sent = resp.sent;
    o.status = resp.status;
    prov_http_resp_cleanup(&resp);
    curl_easy_cleanup(curl); /* closes the connections, which ends the server's threads */
    server_stop(s);
    o.cuts = atomic_load(&s->cuts);
    o.requests = atomic_load(&s->requests);
    free(s);
    return o;
}

static void at_most_once_is_never_resent(enum cut how, const char *method)
{
    struct outcome o = get_then(how, method, "PhoneNumber=%2B15005550006", true);

    assert_int_equal(o.rc, FK_EIO);
    assert_int_equal(o.net, PROV_NET_RESET);
    assert_true(o.sent);
    assert_int_equal(o.cuts, 1);     /* it went out on the reused connection */
    assert_int_equal(o.requests, 2); /* the GET and the request, once */
}

static void post_closed_is_not_resent(void **state)
{
    (void)state;
    at_most_once_is_never_resent(CUT_CLOSE, "POST");
}

static void post_reset_is_not_resent(void **state)
{
    (void)state;
    at_most_once_is_never_resent(CUT_RESET, "POST");
}

static void patch_closed_is_not_resent(void **state)
{
    (void)state;
    at_most_once_is_never_resent(CUT_CLOSE, "PATCH");
}

/* The control: without at_most_once libcurl resends, and the server sees it. */
static void plain_post_is_resent(void **state)
{
    (void)state;
    struct outcome o = get_then(CUT_CLOSE, "POST", "{\"a\":1}", false);

    assert_int_equal(o.rc, 0);
    assert_int_equal(o.status, 201);
    assert_int_equal(o.cuts, 1);
    assert_int_equal(o.requests, 3); /* the GET, the POST and its resend */
}

/* The server cut the request on the reused connection and is gone: libcurl's resend on a new
 * connection is refused, yet the request had gone out. Sent, and a reset. */
static void refused_after_a_reused_connection_was_sent(void **state)
{
    (void)state;
    struct outcome o = get_then(CUT_CLOSE_GONE, "POST", "{\"a\":1}", false);

    assert_int_equal(o.rc, FK_EIO);
    assert_int_equal(o.net, PROV_NET_RESET);
    assert_true(o.sent);
    assert_int_equal(o.cuts, 1);
    assert_int_equal(o.requests, 2);
}

/* An at_most_once request without a body takes a connection of its own. */
static void bodiless_at_most_once_connects_afresh(void **state)
{
    (void)state;
    struct outcome o = get_then(CUT_CLOSE, "DELETE", NULL, true);

    assert_int_equal(o.rc, 0);
    assert_int_equal(o.status, 201);
    assert_int_equal(o.cuts, 0); /* not sent on the GET's connection */
    assert_int_equal(o.requests, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(post_closed_is_not_resent),
        cmocka_unit_test(post_reset_is_not_resent),
        cmocka_unit_test(patch_closed_is_not_resent),
        cmocka_unit_test(plain_post_is_resent),
        cmocka_unit_test(refused_after_a_reused_connection_was_sent),
        cmocka_unit_test(bodiless_at_most_once_connects_afresh),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
