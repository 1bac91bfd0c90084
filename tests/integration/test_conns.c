/* test_conns.c: one client cannot lock the others out, a request head has a deadline, and
 * an oversized head always gets the same answer (issue 15, items 4 and 7).
 *
 * On the real binaries: fake_twilio (the connection layer is fakekit's, the same in all three
 * fakes) and `provisioner serve`. The lock-out case is the issue's: 1,000 sockets from one
 * address trickling a header, while a second address (127.0.0.2, also loopback on Linux)
 * must still be answered. Nothing here measures time: each assertion is about what is
 * answered, closed or refused, and every wait has a generous bound that only a broken
 * server reaches. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "tests/support/harness.h"

#define TRICKLERS 1000
#define ACC       "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define TW_AUTH                                                                                    \
    "Authorization: Basic "                                                                        \
    "QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTp0ZXN0LWF1dGgtdG9rZW4=\r\n"

/* A TCP connection to 127.0.0.1:port from source address src ("127.0.0.2"); -1 on failure. */
static int connect_from(const char *src, unsigned port)
{
    struct sockaddr_in from = {.sin_family = AF_INET}, to = {.sin_family = AF_INET};
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    if (fd < 0)
        return -1;
    inet_pton(AF_INET, src, &from.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    to.sin_port = htons((uint16_t)port);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0 ||
        connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void send_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n <= 0)
            return; /* the server may answer and close before the end */
        p += n;
        len -= (size_t)n;
    }
}

/* Everything the server sends until it closes, or until wait_ms of silence (then *hung). */
static char *read_all(int fd, int wait_ms, bool *hung, size_t *len)
{
    size_t cap = 1 << 16;
    char *buf = malloc(cap + 1);
    struct pollfd p = {.fd = fd, .events = POLLIN};

    assert_non_null(buf);
    *len = 0;
    *hung = false;
    for (;;) {
        if (poll(&p, 1, wait_ms) <= 0) {
            *hung = true;
            break;
        }
        ssize_t n = recv(fd, buf + *len, cap - *len, 0);
        if (n <= 0)
            break; /* closed, or reset after the answer */
        *len += (size_t)n;
        if (*len == cap && (buf = realloc(buf, (cap *= 2) + 1)) == NULL)
            fail_msg("out of memory");
    }
    buf[*len] = '\0';
    return buf;
}

/* One request from src; the status it got (0: closed without one, -1: no answer at all). */
static long exchange_from(const char *src, unsigned port, const char *req, size_t len)
{
    int fd = connect_from(src, port);
    bool hung;
    size_t n;
    long status = 0;

    assert_true(fd >= 0);
    send_all(fd, req, len);
    char *got = read_all(fd, 20000, &hung, &n);
    close(fd);
    if (sscanf(got, "HTTP/1.1 %ld", &status) != 1)
        status = hung ? -1 : 0;
    free(got);
    return status;
}

/* The program under test; stopped by stop_prog even when an assertion ends the test early. */
static struct h_proc prog;

static int stop_prog(void **state)
{
    (void)state; /* the program is global */
    return prog.pid > 0 && h_stop(&prog) != 0 ? -1 : 0;
}

/* ---- one client cannot lock the others out ---------------------------------------------- */

/* TRICKLERS sockets from 127.0.0.1, each a byte into a request head; then 127.0.0.2 asks
 * `path` a few times and each time must be answered with want_status. Afterwards at least
 * TRICKLERS - per_client of the trickling sockets must have been closed by the server. */
static void lockout(unsigned port, const char *path, long want_status, int per_client)
{
    static int fds[TRICKLERS];
    static const char head[] = "GET /__admin/health HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    char req[256];
    int closed = 0;

    for (int i = 0; i < TRICKLERS; i++) {
        fds[i] = connect_from("127.0.0.1", port);
        assert_true(fds[i] >= 0);
        send_all(fds[i], head, 1);
    }
    for (int i = 0; i < TRICKLERS; i++) /* one more byte each: they trickle */
        send_all(fds[i], head + 1, 1);
    snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path);
    for (int k = 0; k < 5; k++)
        assert_int_equal(exchange_from("127.0.0.2", port, req, strlen(req)), want_status);
    /* The server closed every trickler past the cap (wait for it, but only as long as a
     * server that does not close them would make us wait). */
    for (int round = 0; round < 100 && closed < TRICKLERS - per_client; round++) {
        closed = 0;
        for (int i = 0; i < TRICKLERS; i++) {
            char c;
            ssize_t n = recv(fds[i], &c, 1, MSG_DONTWAIT | MSG_PEEK);
            closed += n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
        }
        if (closed < TRICKLERS - per_client)
            poll(NULL, 0, 50);
    }
    assert_true(closed >= TRICKLERS - per_client);
    assert_true(closed < TRICKLERS); /* and the ones within the cap are still being read */
    for (int i = 0; i < TRICKLERS; i++)
        close(fds[i]);
}

static void test_fake_one_client_cannot_lock_out(void **state)
{
    /* A long head deadline: the cap alone must keep 127.0.0.2 in. */
    const char *args[] = {"--max-conns-per-client", "256", "--head-timeout-ms", "120000", NULL};

    (void)state; /* each test starts its own program */
    assert_int_equal(h_start(&prog, "fake_twilio", args), 0);
    lockout(prog.port, "/__admin/health", 200, 256);
}

static void test_serve_one_client_cannot_lock_out(void **state)
{
    /* A local setup (every base URL on loopback), so the other settings take their local
     * defaults; no flow runs here. */
    const char *args[] = {"--twilio-api-base",
                          "http://127.0.0.1:9",
                          "--twilio-account-sid",
                          "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                          "--twilio-auth-token",
                          "t",
                          "--head-timeout-ms",
                          "120000",
                          "serve",
                          NULL};

    (void)state; /* each test starts its own program */
    assert_int_equal(h_start(&prog, "provisioner", args), 0);
    lockout(prog.port, "/nothing-here", 404, 256); /* the default cap */
}

/* ---- a deadline for the whole head -------------------------------------------------------- */

/* A client sending its head one byte every 100 ms (well inside any idle timeout) is closed
 * when the head deadline (1 s) runs out, long before its head is complete, and gets no
 * answer; a kept-alive connection left idle is closed by the same deadline. */
static void deadline(unsigned port)
{
    static const char req[] =
        "GET /__admin/health HTTP/1.1\r\nHost: x\r\nX-Slow: "
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    struct timespec tick = {0, 100 * 1000 * 1000};
    int fd = connect_from("127.0.0.1", port);
    size_t sent = 0, n;
    bool closed = false, hung;

    assert_true(fd >= 0);
    for (; sent < sizeof(req) - 1 && !closed; sent++) {
        char c;
        closed = send(fd, req + sent, 1, MSG_NOSIGNAL) != 1 ||
                 recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK) == 0;
        nanosleep(&tick, NULL);
    }
    char *got = read_all(fd, 20000, &hung, &n);
    close(fd);
    assert_false(hung);
    if (n > 0)
        fail_msg("a trickled head was answered: %.80s", got);
    free(got);
    assert_true(sent < sizeof(req) - 1); /* closed before the head was whole */

    static const char keep[] = "GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n";
    fd = connect_from("127.0.0.1", port);
    assert_true(fd >= 0);
    send_all(fd, keep, sizeof(keep) - 1);
    got = read_all(fd, 20000, &hung, &n); /* the answer, then the close of an idle connection */
    close(fd);
    assert_false(hung);
    assert_non_null(strstr(got, "HTTP/1.1 "));
    free(got);
}

static void test_fake_head_deadline(void **state)
{
    const char *args[] = {"--head-timeout-ms", "1000", NULL};

    (void)state; /* each test starts its own program */
    assert_int_equal(h_start(&prog, "fake_twilio", args), 0);
    deadline(prog.port);
}

static void test_serve_head_deadline(void **state)
{
    /* A local setup (every base URL on loopback), so the other settings take their local
     * defaults; no flow runs here. */
    const char *args[] = {"--twilio-api-base",
                          "http://127.0.0.1:9",
                          "--twilio-account-sid",
                          "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                          "--twilio-auth-token",
                          "t",
                          "--head-timeout-ms",
                          "1000",
                          "serve",
                          NULL};

    (void)state; /* each test starts its own program */
    assert_int_equal(h_start(&prog, "provisioner", args), 0);
    deadline(prog.port);
}

/* ---- oversized heads ---------------------------------------------------------------------- */

/* GET of a line of about line_len bytes with nfields query fields and an extra header of
 * pad bytes. */
static char *big_head(size_t line_len, int nfields, size_t pad, size_t *len)
{
    size_t cap = line_len + pad + (size_t)nfields * 16 + 512, n = 0;
    char *b = malloc(cap);

    assert_non_null(b);
    n += (size_t)snprintf(b + n, cap - n, "GET " ACC "/IncomingPhoneNumbers.json?");
    for (int i = 0; i < nfields; i++)
        n += (size_t)snprintf(b + n, cap - n, "%sa%d=", i > 0 ? "&" : "", i);
    while (n < line_len)
        b[n++] = 'x';
    n += (size_t)snprintf(b + n, cap - n, " HTTP/1.1\r\nHost: x\r\n" TW_AUTH "X-Pad: ");
    memset(b + n, 'p', pad);
    n += pad;
    n += (size_t)snprintf(b + n, cap - n, "\r\nConnection: close\r\n\r\n");
    *len = n;
    return b;
}

/* The answer to an oversized head is the same every time: 414 or 431 with libmicrohttpd's
 * HTML body, never a close without an answer, a hang, or another status. Across the sizes
 * where libmicrohttpd 0.9.75 used to answer 431, close, or leave the connection hanging by a
 * hair's difference, and the cases (5,000 query parameters, a 70 KiB header). */
static void test_oversized_head_answer(void **state)
{
    static const size_t lines[] = {1000, 8000, 16000, 24000, 30000, 33000};
    int counts[3] = {0, 0, 0}; /* served, 414, 431 */

    (void)state; /* its own fake */
    assert_int_equal(h_start(&prog, "fake_twilio", NULL), 0);
    for (size_t l = 0; l < sizeof(lines) / sizeof(lines[0]); l++) {
        for (int nf = 1; nf < 520; nf += 3) {
            for (size_t pad = 0; pad <= 6000; pad += 6000) {
                size_t len, n;
                bool hung;
                char *req = big_head(lines[l], nf, pad, &len);
                int fd = connect_from("127.0.0.1", prog.port);
                assert_true(fd >= 0);
                send_all(fd, req, len);
                char *got = read_all(fd, 20000, &hung, &n);
                close(fd);
                free(req);
                long st = 0;
                if (sscanf(got, "HTTP/1.1 %ld", &st) != 1)
                    fail_msg("line %zu, %d fields, pad %zu: %s", lines[l], nf, pad,
                             hung ? "no answer" : "closed without an answer");
                if (st == 414 || st == 431) {
                    assert_non_null(strstr(got, "\r\nConnection: close\r\n"));
                    assert_non_null(strstr(got, "\r\n\r\n<html><head><title>Request too big"));
                    counts[st == 414 ? 1 : 2]++;
                } else if (st == 200) {
                    counts[0]++;
                } else {
                    fail_msg("line %zu, %d fields, pad %zu: %ld", lines[l], nf, pad, st);
                }
                free(got);
            }
        }
    }
    print_message("served %d, 414 %d, 431 %d\n", counts[0], counts[1], counts[2]);
    assert_true(counts[0] > 0 && counts[1] > 0 && counts[2] > 0);

    size_t len;
    char *req = big_head(60000, 5000, 0, &len); /* the 5,000 parameters */
    assert_int_equal(exchange_from("127.0.0.1", prog.port, req, len), 414);
    free(req);
    req = big_head(100, 1, 70 * 1024, &len); /* one 70 KiB header */
    assert_int_equal(exchange_from("127.0.0.1", prog.port, req, len), 431);
    free(req);
}

/* A control character in a header (a bare CR, DEL, \x01) is invalid (RFC 9110 5.5): Go's
 * net/http answers 400 "invalid header value" (livekit-server), nginx 400 (Twilio, Supabase).
 * The fakes served it as if it were whole; now they answer 400 as libmicrohttpd answers a
 * malformed request, and close. */
static void test_control_char_header_refused(void **state)
{
    static const char *const values[] = {"a\rb", "a\x7f", "\x01", "Bearer x\x1b[2J"};
    char req[512];

    (void)state; /* its own fake */
    assert_int_equal(h_start(&prog, "fake_twilio", NULL), 0);
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        int n = snprintf(req, sizeof(req),
                         "GET " ACC "/IncomingPhoneNumbers.json HTTP/1.1\r\nHost: x\r\n" TW_AUTH
                         "X-A: %s\r\nConnection: close\r\n\r\n",
                         values[i]);
        assert_int_equal(exchange_from("127.0.0.1", prog.port, req, (size_t)n), 400);
    }
    int n = snprintf(req, sizeof(req),
                     "GET " ACC "/IncomingPhoneNumbers.json HTTP/1.1\r\nHost: x\r\n" TW_AUTH
                     "X-A: tab\there\r\nConnection: close\r\n\r\n");
    assert_int_equal(exchange_from("127.0.0.1", prog.port, req, (size_t)n), 200);
}

/* 1,000 sockets here and up to 1,000 in the fake (it inherits the limit). */
static int raise_fd_limit(void **state)
{
    struct rlimit rl;

    (void)state; /* nothing to set up but the limit */
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return -1;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
            return -1;
    }
    if (rl.rlim_cur < 2 * TRICKLERS + 64) {
        fprintf(stderr, "test_conns: RLIMIT_NOFILE %lu is too low for %d sockets\n",
                (unsigned long)rl.rlim_cur, TRICKLERS);
        return -1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return 0;
}

static int done(void **state)
{
    (void)state; /* nothing but libcurl */
    curl_global_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_fake_one_client_cannot_lock_out, stop_prog),
        cmocka_unit_test_teardown(test_serve_one_client_cannot_lock_out, stop_prog),
        cmocka_unit_test_teardown(test_fake_head_deadline, stop_prog),
        cmocka_unit_test_teardown(test_serve_head_deadline, stop_prog),
        cmocka_unit_test_teardown(test_oversized_head_answer, stop_prog),
        cmocka_unit_test_teardown(test_control_char_header_refused, stop_prog),
    };
    return cmocka_run_group_tests(tests, raise_fd_limit, done);
}
