/* test_hostile.c: hostile input against the three running fakes.
 *
 * One table of raw HTTP/1.1 requests (sent over a plain socket, so nothing is cleaned up by
 * a client library): oversized headers and bodies, invalid UTF-8 in paths, queries, forms
 * and JSON, wrong content types, path traversal, thousands of query parameters, deeply
 * nested JSON, SQL metacharacters in every PostgREST operator. Every answer must be a
 * success or the service's native 4xx (Twilio {code,message,more_info,status}, Twirp
 * {code,msg}, PostgREST {code,details,hint,message}); never a 5xx, never a hang. After each
 * case the fake still answers /__admin/health. Beside the table: a truncated chunked body,
 * a slowloris client while a normal client is served, a check that the PostgREST table
 * survived, and a clean exit (status 0, no leak) of every fake at the end. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "fake_livekit/twirp.h"
#include "provisioner/livekit_api.h"
#include "tests/support/harness.h"

enum svc { TW, LK, SB, NSVC };

static struct h_proc fakes[NSVC];
static const char *const programs[NSVC] = {"fake_twilio", "fake_livekit", "fake_supabase"};
static char auth[NSVC][1200]; /* credential header lines, "\r\n"-terminated */

#define ACC      "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define USER_ID  "11111111-1111-4111-8111-111111111111"
#define READ_MAX (4 * 1024 * 1024)

/* ---- raw HTTP over a socket ---------------------------------------------------------- */

struct raw_resp {
    long status; /* 0: closed without an answer */
    char *head;  /* status line and headers */
    char *body;  /* de-chunked, NUL-terminated */
    size_t len;
};

static void raw_free(struct raw_resp *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

static int raw_connect(unsigned port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

/* Send all of buf, ignoring a peer that closes early (it may answer 413 before the end). */
static void raw_send(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n <= 0)
            return;
        buf += n;
        len -= (size_t)n;
    }
}

/* Decode a chunked body in place; returns the decoded length. */
static size_t dechunk(char *b, size_t len)
{
    size_t in = 0, out = 0;

    while (in < len) {
        char *end = NULL;
        unsigned long n = strtoul(b + in, &end, 16);
        char *crlf = strstr(b + in, "\r\n");
        if (crlf == NULL || n == 0)
            break;
        in = (size_t)(crlf - b) + 2;
        if (n > len - in)
            n = len - in;
        memmove(b + out, b + in, n);
        out += n;
        in += n + 2;
    }
    b[out] = '\0';
    return out;
}

/* Read until the peer closes (requests carry Connection: close) or 20 s pass. */
static void raw_read(int fd, struct raw_resp *r)
{
    char *buf = malloc(READ_MAX + 1), *sep;
    size_t len = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};

    assert_non_null(buf);
    memset(r, 0, sizeof(*r));
    while (len < READ_MAX && poll(&p, 1, 20000) > 0) {
        ssize_t n = recv(fd, buf + len, READ_MAX - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    if (sscanf(buf, "HTTP/1.%*d %ld", &r->status) != 1)
        r->status = 0;
    sep = strstr(buf, "\r\n\r\n");
    size_t hlen = sep ? (size_t)(sep - buf) : len;
    r->head = strndup(buf, hlen);
    r->len = sep ? len - hlen - 4 : 0;
    r->body = malloc(r->len + 1);
    assert_non_null(r->head);
    assert_non_null(r->body);
    memcpy(r->body, sep ? sep + 4 : "", r->len);
    r->body[r->len] = '\0';
    if (strcasestr(r->head, "transfer-encoding: chunked") != NULL)
        r->len = dechunk(r->body, r->len);
    free(buf);
}

static void raw_exchange(unsigned port, const char *req, size_t len, struct raw_resp *r)
{
    int fd = raw_connect(port);

    raw_send(fd, req, len);
    shutdown(fd, SHUT_WR);
    raw_read(fd, r);
    close(fd);
}

/* ---- native error shapes ------------------------------------------------------------- */

static void assert_native(enum svc s, const char *path, const struct raw_resp *r)
{
    cJSON *j = cJSON_Parse(r->body);
    const cJSON *code;

    /* livekit-server's body limit answers before Twirp, in HandleError's plain text
     * (pkg/service/utils.go:133 at 788d4c3). */
    if (s == LK && r->status == 413 && j == NULL) {
        assert_string_equal(r->body, "request body too large");
        return;
    }
    if (j == NULL)
        fail_msg("%s %s: %ld with a body that is not JSON: %.200s", programs[s], path, r->status,
                 r->body);
    switch (s) {
    case TW:
        assert_true(cJSON_IsNumber(cJSON_GetObjectItem(j, "code")));
        assert_true(cJSON_IsString(cJSON_GetObjectItem(j, "message")));
        assert_true(cJSON_IsString(cJSON_GetObjectItem(j, "more_info")));
        assert_int_equal(cJSON_GetObjectItem(j, "status")->valueint, r->status);
        break;
    case LK:
        code = cJSON_GetObjectItem(j, "code");
        assert_true(cJSON_IsString(code));
        assert_true(cJSON_IsString(cJSON_GetObjectItem(j, "msg")));
        assert_int_equal(lk_twirp_status(code->valuestring), r->status);
        break;
    default:
        if (strncmp(path, "/auth/v1", 8) == 0) {
            assert_true(cJSON_HasObjectItem(j, "msg") || cJSON_HasObjectItem(j, "message"));
        } else {
            assert_true(cJSON_HasObjectItem(j, "code"));
            assert_true(cJSON_HasObjectItem(j, "details"));
            assert_true(cJSON_HasObjectItem(j, "hint"));
            assert_true(cJSON_IsString(cJSON_GetObjectItem(j, "message")));
        }
        break;
    }
    cJSON_Delete(j);
}

/* The fake is alive and answers a normal request. */
static void assert_healthy(enum svc s)
{
    struct h_resp r;

    h_get(&fakes[s], "/__admin/health", &r);
    assert_int_equal(r.status, 200);
    h_resp_free(&r);
}

/* ---- the table ----------------------------------------------------------------------- */

#include "tests/integration/test_hostile_cases.h"

/* Build the raw request of c into a new buffer (*len set). */
static char *build(const struct hcase *c, size_t *len)
{
    struct {
        char *p;
        size_t len, cap;
    } b = {0};
    const char *body = c->body;
    char *gen_body = NULL;
    size_t blen = strlen(body);

#define PUT(s, n)                                                                                  \
    do {                                                                                           \
        size_t n_ = (n);                                                                           \
        if (b.len + n_ + 1 > b.cap) {                                                              \
            b.cap = (b.len + n_ + 1) * 2;                                                          \
            b.p = realloc(b.p, b.cap);                                                             \
            assert_non_null(b.p);                                                                  \
        }                                                                                          \
        memcpy(b.p + b.len, (s), n_);                                                              \
        b.len += n_;                                                                               \
        b.p[b.len] = '\0';                                                                         \
    } while (0)
#define PUTS(s) PUT((s), strlen(s))

    if (c->gen == G_BIG_BODY) {
        blen = (c->svc == LK ? LK_BODY_LIMIT : FK_BODY_LIMIT) + 1;
        gen_body = malloc(blen);
        assert_non_null(gen_body);
        memset(gen_body, c->svc == TW ? 'a' : ' ', blen);
        body = gen_body;
    } else if (c->gen == G_DEEP_JSON) {
        size_t depth = 50000;
        blen = 2 * depth;
        gen_body = malloc(blen);
        assert_non_null(gen_body);
        memset(gen_body, '[', depth);
        memset(gen_body + depth, ']', depth);
        body = gen_body;
    }
    PUTS(c->method);
    PUTS(" ");
    PUTS(c->path);
    if (c->gen == G_PARAMS || c->gen == G_PARAMS_HUGE) {
        char p[32];
        for (int i = 0; i < (c->gen == G_PARAMS ? 300 : 5000); i++) {
            snprintf(p, sizeof(p), "&p%d=%d", i, i);
            PUTS(p);
        }
    }
    PUTS(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    PUTS(auth[c->svc]);
    PUTS(c->headers);
    if (c->gen == G_BIG_HEADER) {
        PUTS("X-Big: ");
        for (int i = 0; i < 70 * 1024; i++)
            PUT("b", 1);
        PUTS("\r\n");
    }
    if (blen > 0 || strcmp(c->method, "POST") == 0 || strcmp(c->method, "PATCH") == 0) {
        char cl[64];
        snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n", blen);
        PUTS(cl);
    }
    PUTS("\r\n");
    PUT(body, blen);
    free(gen_body);
    *len = b.len;
    return b.p;
#undef PUT
#undef PUTS
}

/* True when s (len bytes) is UTF-8 (RFC 3629: no overlong forms, surrogates or code points
 * past U+10FFFF). */
static bool utf8_valid(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        size_t n = s[i] < 0x80                    ? 1
                   : s[i] >= 0xC2 && s[i] <= 0xDF ? 2
                   : s[i] >= 0xE0 && s[i] <= 0xEF ? 3
                   : s[i] >= 0xF0 && s[i] <= 0xF4 ? 4
                                                  : 0;
        unsigned lo = s[i] == 0xE0 ? 0xA0 : s[i] == 0xF0 ? 0x90 : 0x80;
        unsigned hi = s[i] == 0xED ? 0x9F : s[i] == 0xF4 ? 0x8F : 0xBF;
        if (n == 0 || i + n > len || (n > 1 && (s[i + 1] < lo || s[i + 1] > hi)))
            return false;
        for (size_t k = 2; k < n; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return false;
        i += n;
    }
    return true;
}

static void test_table(void **state)
{
    (void)state; /* the fakes are global */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct hcase *c = &cases[i];
        struct raw_resp r;
        size_t len;

        char *req = build(c, &len);

        raw_exchange(fakes[c->svc].port, req, len, &r);
        free(req);
        print_message("%-14s %-20s -> %ld %.120s\n", programs[c->svc], c->name, r.status, r.body);
        switch (c->expect) {
        case X_REFUSED:
            if (r.status != 0 && (r.status < 400 || r.status > 499))
                fail_msg("%s %s: %ld", programs[c->svc], c->name, r.status);
            break;
        case X_STATUS:
            if (r.status != c->status)
                fail_msg("%s %s: want %ld, got %ld %.200s", programs[c->svc], c->name, c->status,
                         r.status, r.body);
            if (r.status >= 400)
                assert_native(c->svc, c->path, &r);
            break;
        case X_NATIVE:
            if (r.status < 200 || r.status >= 500 || (r.status >= 300 && r.status < 400))
                fail_msg("%s %s: %ld %.200s", programs[c->svc], c->name, r.status, r.body);
            if (r.status >= 400)
                assert_native(c->svc, c->path, &r);
            break;
        }
        /* Whatever bytes came in, a JSON answer is JSON: UTF-8 (RFC 8259 8.1). */
        if (r.head != NULL && strstr(r.head, "Content-Type: application/json") != NULL &&
            !utf8_valid((const unsigned char *)r.body, r.len))
            fail_msg("%s %s: the JSON answer is not UTF-8: %.200s", programs[c->svc], c->name,
                     r.body);
        raw_free(&r);
        assert_healthy(c->svc);
    }
}

/* Headers promise a chunked body; the client stops mid-chunk and closes. */
static void test_truncated_chunked(void **state)
{
    static const char *const paths[NSVC] = {ACC "/IncomingPhoneNumbers.json",
                                            SIP "CreateSIPInboundTrunk", "/rest/v1/profiles"};
    char req[2048];

    (void)state; /* the fakes are global */
    for (int s = 0; s < NSVC; s++) {
        for (int variant = 0; variant < 3; variant++) {
            int fd = raw_connect(fakes[s].port);
            int n = snprintf(req, sizeof(req),
                             "POST %s HTTP/1.1\r\nHost: x\r\n%sContent-Type: %s\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n%s",
                             paths[s], auth[s],
                             s == TW ? "application/x-www-form-urlencoded" : "application/json",
                             variant == 0   ? "100\r\nPhoneNumber=%2B1"
                             : variant == 1 ? "5\r\n{\"a\":\r\nzz"
                                            : "fffffffffffffffffff\r\nabc");
            raw_send(fd, req, (size_t)n);
            if (variant == 2) {
                struct raw_resp r;
                shutdown(fd, SHUT_WR);
                raw_read(fd, &r); /* an absurd chunk size: refused or closed, no crash */
                assert_true(r.status == 0 || (r.status >= 400 && r.status < 500));
                raw_free(&r);
            }
            close(fd);
            assert_healthy((enum svc)s);
        }
    }
}

struct slow {
    unsigned port;
    atomic_bool done; /* read by the main thread while the client runs */
    long status;
};

/* A client that sends its request one byte every 200 ms (HTTP/1.0: the server closes). */
static void *slow_client(void *arg)
{
    struct slow *s = arg;
    static const char req[] = "GET /__admin/health HTTP/1.0\r\n\r\n";
    struct timespec ts = {0, 200 * 1000 * 1000};
    struct raw_resp r;
    int fd = raw_connect(s->port);

    for (size_t i = 0; i < sizeof(req) - 1; i++) {
        raw_send(fd, req + i, 1);
        nanosleep(&ts, NULL);
    }
    raw_read(fd, &r);
    s->status = r.status;
    raw_free(&r);
    close(fd);
    atomic_store(&s->done, true);
    return NULL;
}

/* Normal clients are answered while slow ones are still sending. Ordering, not timing: every
 * normal request must finish before any slow client has finished its request. */
static void test_slowloris(void **state)
{
    enum { NSLOW = 8 };
    struct slow slow[NSVC][NSLOW];
    pthread_t th[NSVC][NSLOW];

    (void)state; /* the fakes are global */
    for (int s = 0; s < NSVC; s++)
        for (int i = 0; i < NSLOW; i++) {
            slow[s][i].port = fakes[s].port;
            slow[s][i].status = 0;
            atomic_init(&slow[s][i].done, false);
            assert_int_equal(pthread_create(&th[s][i], NULL, slow_client, &slow[s][i]), 0);
        }
    for (int k = 0; k < 10; k++)
        for (int s = 0; s < NSVC; s++)
            assert_healthy((enum svc)s);
    for (int s = 0; s < NSVC; s++)
        for (int i = 0; i < NSLOW; i++)
            assert_false(atomic_load(&slow[s][i].done));
    for (int s = 0; s < NSVC; s++)
        for (int i = 0; i < NSLOW; i++) {
            pthread_join(th[s][i], NULL);
            assert_int_equal(slow[s][i].status, 200); /* and the slow ones are served too */
        }
}

/* After every hostile request the PostgREST table and its row are still there. */
static void test_table_survives(void **state)
{
    struct h_resp r;
    char url[256];
    char key[1200];
    const char *hdrs[3];

    (void)state; /* the fakes are global */
    snprintf(url, sizeof(url), "%s/rest/v1/profiles?select=id,email", fakes[SB].base);
    snprintf(key, sizeof(key), "%s", auth[SB]);
    char *split = strstr(key, "\r\n");
    assert_non_null(split);
    *split = '\0';
    char *second = split + 2;
    second[strcspn(second, "\r")] = '\0';
    hdrs[0] = key;
    hdrs[1] = second;
    hdrs[2] = NULL;
    assert_int_equal(h_request("GET", url, hdrs, NULL, 0, &r), 0);
    assert_int_equal(r.status, 200);
    cJSON *j = h_json(&r);
    assert_true(cJSON_IsArray(j));
    assert_int_equal(cJSON_GetArraySize(j), 1);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(j, 0), "id")->valuestring, USER_ID);
    cJSON_Delete(j);
    h_resp_free(&r);
}

static int setup(void **state)
{
    struct h_resp r;

    (void)state; /* globals */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    for (int s = 0; s < NSVC; s++)
        if (h_start(&fakes[s], programs[s], NULL) != 0)
            return -1;
    snprintf(auth[TW], sizeof(auth[TW]),
             "Authorization: Basic "
             "QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTp0ZXN0LWF1dGgtdG9rZW4=\r\n");
    char *tok = prov_lk_token("devkey", "secret", (long long)time(NULL));
    if (tok == NULL)
        return -1;
    snprintf(auth[LK], sizeof(auth[LK]), "Authorization: Bearer %s\r\n", tok);
    free(tok);
    h_get(&fakes[SB], "/__admin/keys", &r);
    cJSON *j = h_json(&r);
    const cJSON *k = cJSON_GetObjectItem(j, "service_role_key");
    if (!cJSON_IsString(k)) {
        cJSON_Delete(j);
        h_resp_free(&r);
        return -1;
    }
    snprintf(auth[SB], sizeof(auth[SB]), "apikey: %s\r\nAuthorization: Bearer %s\r\n",
             k->valuestring, k->valuestring);
    cJSON_Delete(j);
    h_resp_free(&r);
    h_post_json(&fakes[SB], "/__admin/state",
                "{\"users\":[{\"id\":\"" USER_ID "\",\"email\":\"a@example.com\"}],"
                "\"rows\":{\"profiles\":[{\"id\":\"" USER_ID "\",\"email\":\"a@example.com\"}]}}",
                &r);
    long st = r.status;
    h_resp_free(&r);
    return st == 200 || st == 201 ? 0 : -1;
}

static int teardown(void **state)
{
    int bad = 0;

    (void)state; /* globals */
    for (int s = 0; s < NSVC; s++)
        if (fakes[s].pid > 0 && h_stop(&fakes[s]) != 0) {
            fprintf(stderr, "%s did not exit 0\n", programs[s]);
            bad = 1;
        }
    curl_global_cleanup();
    return bad ? -1 : 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_truncated_chunked),
        cmocka_unit_test(test_slowloris),
        cmocka_unit_test(test_table_survives),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
