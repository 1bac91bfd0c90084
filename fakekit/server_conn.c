/* server_conn.c: client addresses, libmicrohttpd's log, and the 414 server.c sends
 * itself (see server_conn.h).
 *
 * Why the 414 is sent here: libmicrohttpd 0.9.75 stores each query field in the connection's
 * pool right after the request line. When the line fits (up to ~32 KiB) but its fields do not
 * (about 450 short ones, fewer the longer the line), it queues a 431, then its caller carries
 * on as if the line had parsed, and the client gets that 431, a close, or nothing until the
 * idle timeout, by a hair's difference in size. A line that does not fit at all gets a clean
 * 414. So when fields went missing the answer is that same 414, written to the socket before
 * libmicrohttpd writes anything, and the socket is shut down: whatever libmicrohttpd does
 * next fails quietly on it. */
#include "fakekit/server_conn.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "fakekit/clock.h"
#include "fakekit/limits.h"
#include "fakekit/log.h"

void fk_client_address(struct MHD_Connection *conn, char *out, size_t len)
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

void fk_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512], quoted[sizeof(line) * 4 + 8];

    (void)cls; /* one logger for every daemon */
    if (fk_log_level_ < FK_LOG_DEBUG)
        return;
    memcpy(line, "libmicrohttpd: ", 15);
    vsnprintf(line + 15, sizeof(line) - 15, fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    fk_log_write(FK_LOG_DEBUG, "msg=%s", fk_log_quote(quoted, sizeof(quoted), line));
}

/* The fields libmicrohttpd makes of query q: one per '&'-separated part, empty ones included,
 * except an empty last one (its MHD_parse_arguments_). */
static size_t query_fields(const char *q)
{
    size_t n = 1;

    if (q == NULL || *q == '\0')
        return 0;
    for (const char *p = q; *p != '\0'; p++)
        n += *p == '&';
    return q[strlen(q) - 1] == '&' ? n - 1 : n;
}

/* libmicrohttpd's own body for 414 and 431 (REQUEST_TOO_BIG in its connection.c). */
static const char too_big[] = "<html><head><title>Request too big</title></head><body>Your HTTP "
                              "header was too big for the memory constraints of this "
                              "webserver.</body></html>";

bool fk_query_fields_lost(struct MHD_Connection *conn, const char *raw_uri)
{
    const char *q = strchr(raw_uri, '?');
    size_t want = query_fields(q != NULL ? q + 1 : NULL);
    int got = MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, NULL, NULL);

    return got < 0 || (size_t)got < want;
}

/* libmicrohttpd 0.9.75 keeps each header, query field and cookie as a 56-byte record, 64
 * with its pool's alignment. */
#define MHD_RECORD 64

bool fk_head_leaves_no_room(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    int records = MHD_get_connection_values(
        conn, MHD_HEADER_KIND | MHD_GET_ARGUMENT_KIND | MHD_COOKIE_KIND, NULL, NULL);
    const char *cookie = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie");
    size_t used = (ci != NULL ? ci->header_size : 0) +
                  (size_t)(records > 0 ? records : 0) * MHD_RECORD +
                  (cookie != NULL ? strlen(cookie) + 1 : 0);

    return used + FK_ANSWER_ROOM > FK_CONNECTION_MEMORY;
}

/* libmicrohttpd's own body for a malformed request (REQUEST_MALFORMED in its connection.c). */
static const char malformed[] = "<html><head><title>Request malformed</title></head><body>Your "
                                "HTTP request was syntactically incorrect.</body></html>";

static bool bad_bytes(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
            return true;
    return false;
}

static enum MHD_Result check_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    size_t key_size, const char *value, size_t value_size)
{
    bool *bad = cls;

    (void)kind; /* only MHD_HEADER_KIND is asked for */
    *bad = bad_bytes(key, key_size) || (value != NULL && bad_bytes(value, value_size));
    return *bad ? MHD_NO : MHD_YES;
}

bool fk_head_has_bad_bytes(struct MHD_Connection *conn)
{
    bool bad = false;

    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, check_header, &bad);
    return bad;
}

unsigned fk_head_refusal(struct MHD_Connection *conn)
{
    return fk_head_leaves_no_room(conn) ? 431 : fk_head_has_bad_bytes(conn) ? 400 : 0;
}

void fk_refuse_head(struct MHD_Connection *conn, int fd, unsigned status)
{
    char date[40], head[192], client[64], quoted[FK_LOG_QUOTED];
    const char *body = status == 400 ? malformed : too_big;
    size_t body_len = status == 400 ? sizeof(malformed) - 1 : sizeof(too_big) - 1;

    fk_http_date(fk_now_us(), date, sizeof(date));
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 %u %s\r\nDate: %s\r\nConnection: close\r\n"
                     "Content-Length: %zu\r\n\r\n",
                     status,
                     status == 400   ? "Bad Request"
                     : status == 414 ? "URI Too Long"
                                     : "Request Header Fields Too Large",
                     date, body_len);
    struct iovec iov[2] = {{head, (size_t)n}, {(void *)body, body_len}};
    struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
    /* On a TLS connection plain bytes would break the stream: closed without an answer. */
    const union MHD_ConnectionInfo *tls =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    if (fd >= 0) {
        if (tls == NULL || tls->tls_session == NULL)
            (void)sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
        shutdown(fd, SHUT_RDWR);
    }
    fk_client_address(conn, client, sizeof(client));
    fk_log(FK_LOG_INFO, "msg=\"%s\" status=%u client=%s",
           status == 400 ? "control character in a header"
                         : "request head over the connection's memory",
           status, fk_log_quote(quoted, sizeof(quoted), client));
}
