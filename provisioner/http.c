/* http.c: libcurl easy-handle exchange with a bounded body and classified failures.
 *
 * A request counts as sent once libcurl handed it to a connection (its pre-request
 * callback ran), whatever error came after: that, not the last error, is what makes the
 * failure of a non-idempotent call ambiguous.
 *
 * The handle is curl_easy_reset() before each request, which keeps its connection cache, so
 * consecutive calls to one service reuse the connection. Redirects are not followed: none of
 * the three APIs redirects, and following one would resend a POST. A request that must reach
 * the server at most once keeps its body from being sent twice (see http.h). */
#include "provisioner/http.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fakekit/clock.h"

void prov_http_resp_init(struct prov_http_resp *r)
{
    memset(r, 0, sizeof(*r));
    fk_buf_init(&r->body, PROV_BODY_MAX);
}

void prov_http_resp_cleanup(struct prov_http_resp *r)
{
    fk_buf_cleanup(&r->body);
    memset(r, 0, sizeof(*r));
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct fk_buf *b = userdata;
    size_t n = size * nmemb;
    if (fk_buf_add(b, ptr, n) != 0)
        return 0; /* over the limit: curl stops with CURLE_WRITE_ERROR */
    return n;
}

/* The body of an at_most_once request, handed to libcurl once: read_once gives its bytes in
 * order and seek_once refuses to go back over any byte already given. */
struct once_body {
    const char *data;
    size_t len, off;
};

static size_t read_once(char *buf, size_t size, size_t nitems, void *userdata)
{
    struct once_body *b = userdata;
    size_t n = size * nitems;

    if (n > b->len - b->off)
        n = b->len - b->off;
    memcpy(buf, b->data + b->off, n);
    b->off += n;
    return n;
}

/* Called once a connection was made or taken from the cache, just before the request goes
 * out on it: from here on the request may reach the server, whatever error follows. */
static int on_prereq(void *clientp, char *primary_ip, char *local_ip, int primary_port,
                     int local_port)
{
    bool *handed = clientp;

    (void)primary_ip, (void)local_ip, (void)primary_port, (void)local_port;
    *handed = true;
    return CURL_PREREQFUNC_OK;
}

static int seek_once(void *userdata, curl_off_t offset, int origin)
{
    const struct once_body *b = userdata;

    /* Going back to the start before anything was read sends nothing twice. */
    return origin == SEEK_SET && offset == 0 && b->off == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
}

/* Copy the value of header "name: value" (CRLF stripped) into out when it matches. */
static void header_value(const char *line, size_t len, const char *name, char *out, size_t outlen)
{
    size_t nlen = strlen(name);
    if (len <= nlen || line[nlen] != ':' || strncasecmp(line, name, nlen) != 0)
        return;
    const char *v = line + nlen + 1;
    const char *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    size_t n = (size_t)(end - v);
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, v, n);
    out[n] = '\0';
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct prov_http_resp *r = userdata;
    size_t n = size * nmemb;
    /* A new status line (e.g. after 100 Continue) starts a new header block. */
    if (n > 5 && strncmp(ptr, "HTTP/", 5) == 0) {
        r->retry_after[0] = '\0';
        r->content_type[0] = '\0';
    }
    header_value(ptr, n, "Retry-After", r->retry_after, sizeof(r->retry_after));
    header_value(ptr, n, "Content-Type", r->content_type, sizeof(r->content_type));
    return n;
}

enum prov_net prov_http_classify(CURLcode code, bool *sent)
{
    *sent = true;
    switch (code) {
    case CURLE_OK:
        return PROV_NET_OK;
    case CURLE_OPERATION_TIMEDOUT:
        return PROV_NET_TIMEOUT;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        *sent = false;
        return PROV_NET_REFUSED;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_SEND_FAIL_REWIND: /* an at_most_once request whose connection died */
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return PROV_NET_RESET;
    case CURLE_WRITE_ERROR:
    case CURLE_FILESIZE_EXCEEDED:
        return PROV_NET_TOO_LARGE;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        *sent = false;
        return PROV_NET_ERROR;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
        *sent = false; /* the certificate was refused: no request byte left this process */
        return PROV_NET_TLS;
    case CURLE_SSL_CONNECT_ERROR:
        *sent = false; /* the handshake broke off (a reset, an overload): try again */
        return PROV_NET_REFUSED;
    default:
        return PROV_NET_ERROR;
    }
}

const char *prov_net_name(enum prov_net n)
{
    switch (n) {
    case PROV_NET_OK:
        return "ok";
    case PROV_NET_TIMEOUT:
        return "timeout";
    case PROV_NET_REFUSED:
        return "refused";
    case PROV_NET_RESET:
        return "reset";
    case PROV_NET_TOO_LARGE:
        return "too_large";
    case PROV_NET_TLS:
        return "tls";
    case PROV_NET_ERROR:
        return "error";
    }
    return "error";
}

int prov_http_do(CURL *curl, const struct prov_http_req *req, struct prov_http_resp *resp)
{
    fk_buf_reset(&resp->body);
    resp->net = PROV_NET_ERROR;
    resp->status = 0;
    resp->sent = false;
    resp->retry_after[0] = '\0';
    resp->content_type[0] = '\0';
    resp->error[0] = '\0';
    resp->ms = 0;

    curl_easy_reset(curl);
    CURLcode sc = CURLE_OK;
    /* Each setopt can only fail on ENOMEM or a bad option; collect the first failure. */
#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (sc == CURLE_OK)                                                                        \
            sc = curl_easy_setopt(curl, opt, val);                                                 \
    } while (0)
    SET(CURLOPT_URL, req->url);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_ERRORBUFFER, resp->error);
    SET(CURLOPT_TIMEOUT_MS, req->timeout_ms > 0 ? req->timeout_ms : 10000L);
    SET(CURLOPT_CONNECTTIMEOUT_MS, req->timeout_ms > 0 ? req->timeout_ms : 10000L);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, &resp->body);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, resp);
    SET(CURLOPT_USERAGENT, "provisioner/1.0 libcurl");
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    if (req->ca_file != NULL)
        SET(CURLOPT_CAINFO, req->ca_file);
    bool handed = false;
    SET(CURLOPT_PREREQFUNCTION, on_prereq);
    SET(CURLOPT_PREREQDATA, &handed);
    if (req->headers != NULL)
        SET(CURLOPT_HTTPHEADER, req->headers);
    struct once_body once = {req->body, req->body ? strlen(req->body) : 0, 0};
    bool read_body = req->at_most_once && once.len > 0;
    if (read_body) {
        SET(CURLOPT_MAXAGE_CONN, PROV_AT_MOST_ONCE_IDLE_S);
    } else if (req->at_most_once) {
        SET(CURLOPT_FRESH_CONNECT, 1L);
        SET(CURLOPT_FORBID_REUSE, 1L);
    }
    if (req->user != NULL) {
        SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        SET(CURLOPT_USERNAME, req->user);
        SET(CURLOPT_PASSWORD, req->password ? req->password : "");
    }
    if (strcmp(req->method, "GET") == 0) {
        SET(CURLOPT_HTTPGET, 1L);
    } else if (read_body) {
        SET(CURLOPT_POST, 1L);
        if (strcmp(req->method, "POST") != 0)
            SET(CURLOPT_CUSTOMREQUEST, req->method);
        SET(CURLOPT_READFUNCTION, read_once);
        SET(CURLOPT_READDATA, &once);
        SET(CURLOPT_SEEKFUNCTION, seek_once);
        SET(CURLOPT_SEEKDATA, &once);
        SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)once.len);
    } else if (strcmp(req->method, "POST") == 0) {
        SET(CURLOPT_POST, 1L);
        SET(CURLOPT_POSTFIELDS, req->body ? req->body : "");
    } else {
        SET(CURLOPT_CUSTOMREQUEST, req->method);
        if (req->body != NULL)
            SET(CURLOPT_POSTFIELDS, req->body);
    }
#undef SET
    if (sc != CURLE_OK) {
        resp->net = PROV_NET_ERROR;
        snprintf(resp->error, sizeof(resp->error), "curl setup: %s", curl_easy_strerror(sc));
        return FK_ENOMEM;
    }

    int64_t t0 = fk_mono_us();
    CURLcode code = curl_easy_perform(curl);
    resp->ms = (long)((fk_mono_us() - t0) / 1000);
    resp->net = prov_http_classify(code, &resp->sent);
    /* Whether the request may have reached the server is what was handed to a connection,
     * not the last error: libcurl retries a request whose reused connection died on a new
     * one, and when that connect fails the error says "refused" about a request the server
     * may have acted on (a fake killed after its commit, before its answer). */
    resp->sent = code == CURLE_OK || handed;
    if (handed && resp->net == PROV_NET_REFUSED)
        resp->net = PROV_NET_RESET;
    if (code == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp->status);
        return 0;
    }
    if (resp->error[0] == '\0')
        snprintf(resp->error, sizeof(resp->error), "%s", curl_easy_strerror(code));
    return FK_EIO;
}
