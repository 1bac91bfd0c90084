/* http.h: the request a handler reads and the response it builds.
 *
 * A struct fk_req is self-contained: method, decoded path, raw query, headers, body and the
 * decoded query and form fields are plain arrays, so unit tests and fuzzers build one
 * without a socket. Percent-decoding is fk_url_unescape's, for the path too (the server
 * installs fk_mhd_unescape in libmicrohttpd); '+' means a space in queries and form bodies,
 * as application/x-www-form-urlencoded says.
 *
 * A struct fk_resp owns its body and headers; fk_resp_cleanup frees them. */
#ifndef FK_HTTP_H
#define FK_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "fakekit/err.h"
#include "fakekit/limits.h"

struct fk_store;

/* Longest Basic user name and password, each (bytes, NUL included: longer is invalid). */
#define FK_BASIC_PART_MAX 256

/* A request's Basic credentials, decoded on first use (fk_req_basic). Zero it to start. */
struct fk_basic {
    int state; /* 0 not decoded yet, 1 decoded, -1 none or invalid */
    char user[FK_BASIC_PART_MAX];
    char pass[FK_BASIC_PART_MAX];
};

struct fk_kv {
    const char *key;
    const char *value;
};

struct fk_req {
    const char *method; /* "GET" */
    const char *path;   /* percent-decoded, no query: "/rest/v1/profiles" */
    const char *query;  /* raw query without '?', "" if none */
    const char *body;   /* NUL-terminated, "" if none */
    size_t body_len;
    const struct fk_kv *headers; /* as received; look up with fk_req_header */
    size_t nheaders;
    const struct fk_kv *args; /* decoded query fields, in order */
    size_t nargs;
    const struct fk_kv *form; /* decoded x-www-form-urlencoded body fields, in order */
    size_t nform;
    const char *params[FK_MAX_PATH_PARAMS]; /* router captures, in pattern order */
    size_t nparams;
    const char *remote; /* client address, "127.0.0.1" */
    /* Where fk_req_basic keeps the Authorization header's Basic credentials once decoded:
     * the server's (a request built by hand points it at a zeroed struct fk_basic). */
    struct fk_basic *basic;
    struct fk_store *store; /* the fake's database, locked during the handler */
    void *svc;              /* the fake's own state (struct fk_service.init) */
};

/* Header value by case-insensitive name; NULL if absent. */
const char *fk_req_header(const struct fk_req *req, const char *name);
/* First decoded query / form field with that exact name; NULL if absent. */
const char *fk_req_arg(const struct fk_req *req, const char *name);
const char *fk_req_form(const struct fk_req *req, const char *name);
/* The body parsed as JSON by fk_json_parse (json.h): one value, a repeated key meaning its
 * last value. NULL with err set ("invalid JSON at offset 12"). Caller frees. */
cJSON *fk_req_json(const struct fk_req *req, struct fk_error *err);
/* True when Content-Type's media type (before ';') equals type, case-insensitively. */
bool fk_req_content_type_is(const struct fk_req *req, const char *type);

/* Decode an Authorization value "Basic base64(user:pass)" (scheme case-insensitive, spaces
 * around the base64 ignored, padding required, bits after the padding ignored) into user
 * and pass, each NUL-terminated; a truncation, a NUL byte or no ':' is invalid. 0 or
 * FK_EINVAL. The kit's one Basic decoder: fk_req_basic runs it at most once per request. */
int fk_basic_decode(const char *header, char *user, size_t ulen, char *pass,
                    size_t plen) FK_MUST_CHECK;
/* req's Basic credentials: decoded from its Authorization header on the first call and kept
 * in req->basic, so a request is decoded once whoever asks (the rate limits' credential, the
 * fake's auth) and not at all when nobody does. 0 with *user and *pass (borrowed from req),
 * or FK_EINVAL when there are none (no header, not Basic, invalid, or req->basic NULL). */
int fk_req_basic(const struct fk_req *req, const char **user, const char **pass) FK_MUST_CHECK;

/* Percent-decode s in place (RFC 3986 %XX) and return its new length. Two escapes stay the
 * three characters they are: %00, where a C string would end and the path or value would be
 * read cut short, and an escape whose byte would not make valid UTF-8 where it stands
 * (%FF, a lone %C3, an overlong or surrogate sequence). The handler then sees a name or
 * value that matches nothing and answers its service's own 404 or 400. */
size_t fk_url_unescape(char *s);
struct MHD_Connection;

/* Decode "a=1&b=%2B2" into fields. One allocation holds the strings and the array:
 * *fields points into it and the caller free()s *fields. More than max non-empty fields is
 * FK_ERANGE with nothing decoded, never a silent cut; the server passes FK_MAX_ARGS, which
 * no request within the size limits can reach (limits.h). Returns 0, FK_ERANGE or
 * FK_ENOMEM. */
int fk_form_decode(const char *s, size_t len, size_t max, struct fk_kv **fields,
                   size_t *nfields) FK_MUST_CHECK;
/* Percent-encode s for a query value (RFC 3986 unreserved kept). Caller frees. */
char *fk_url_encode(const char *s);

struct fk_resp {
    unsigned status;    /* 0 until set; the server answers 500 if a handler leaves it */
    char *content_type; /* owned */
    char *body;         /* owned, may be NULL for an empty body */
    size_t body_len;
    struct fk_kv *headers; /* owned keys and values */
    size_t nheaders;
};

void fk_resp_init(struct fk_resp *r);
void fk_resp_cleanup(struct fk_resp *r); /* frees everything; r may be re-initialised */
/* Set status and body (copied). content_type NULL means no Content-Type. Replaces any
 * previous body. 0 or FK_ENOMEM. */
int fk_resp_set(struct fk_resp *r, unsigned status, const char *content_type, const void *body,
                size_t len) FK_MUST_CHECK;
/* Set status and a JSON body; takes ownership of json (even on failure). Content-Type is
 * "application/json", or content_type when non-NULL. */
int fk_resp_json(struct fk_resp *r, unsigned status, cJSON *json) FK_MUST_CHECK;
int fk_resp_json_ct(struct fk_resp *r, unsigned status, const char *content_type,
                    cJSON *json) FK_MUST_CHECK;
/* Add a header (both strings copied); an existing one of the same name is replaced. */
int fk_resp_header(struct fk_resp *r, const char *name, const char *value) FK_MUST_CHECK;
const char *fk_resp_get_header(const struct fk_resp *r, const char *name);

#endif
