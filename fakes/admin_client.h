/* admin_client.h: libcurl calls to a fake's admin API (/__admin/...).
 *
 * One blocking request per call, with a timeout; no retries here (the caller decides: the
 * health check retries a few times, everything else reports the first failure). The admin
 * API answers JSON; bodies are kept as text and parsed by the caller. */
#ifndef FX_ADMIN_CLIENT_H
#define FX_ADMIN_CLIENT_H

#include <cjson/cJSON.h>

#include "fakekit/err.h"

struct fx_http {
    long status;     /* 0 when no HTTP answer arrived */
    char *body;      /* NUL-terminated ("" when empty); owned, freed by fx_http_cleanup */
    char error[256]; /* transport failure ("Couldn't connect to server"), "" otherwise */
};

/* Send "Authorization: Bearer token" with every request from now on (NULL: none). The
 * string is borrowed for the life of the process. */
void fx_http_set_admin_token(const char *token);
/* The fakes speak HTTPS with the CA in path (`up --tls`): every request trusts that CA only,
 * and fx_base_url says https. NULL: plain HTTP. The string is borrowed for the process. */
void fx_http_set_ca(const char *path);
const char *fx_http_ca(void);

/* Once per process, before any request (curl_global_init) / at exit. */
int fx_http_global_init(void) FK_MUST_CHECK;
void fx_http_global_cleanup(void);

/* method url [body as application/json]. Returns 0 when an HTTP answer arrived (any
 * status), FK_EIO on a transport failure (out->error says which), FK_ENOMEM. out is always
 * initialised and must be cleaned up. timeout_ms 0 means 10 s. */
int fx_http_do(const char *method, const char *url, const char *body, long timeout_ms,
               struct fx_http *out) FK_MUST_CHECK;
void fx_http_cleanup(struct fx_http *r);

/* Any request: headers and Basic credentials as a client of the services sends them. */
struct fx_http_req {
    const char *method, *url;
    const char *const *headers; /* "Name: value", NULL-terminated; may be NULL */
    const char *body;           /* JSON unless a Content-Type header says otherwise; may be NULL */
    const char *userpwd;        /* HTTP Basic "user:password"; may be NULL */
    long timeout_ms;            /* 0: 10 s */
};
/* Same results as fx_http_do. */
int fx_http_send(const struct fx_http_req *rq, struct fx_http *out) FK_MUST_CHECK;

/* GET base_url + path and parse the answer as JSON. Returns 0 with *json set (caller
 * cJSON_Delete()s) when the status is 200 and the body is JSON; FK_EIO otherwise, with err
 * saying why ("GET http://...: 404 {...}" or the transport error). */
int fx_admin_get_json(const char *base_url, const char *path, cJSON **json,
                      struct fk_error *err) FK_MUST_CHECK;

/* The message of an admin error body {"error":"..."}, else the body itself, in a static
 * per-thread buffer (valid until the next call). */
const char *fx_admin_error_text(const struct fx_http *r);

#endif
