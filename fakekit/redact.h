/* redact.h: what the journal keeps of a request's secrets (docs/DESIGN.md "Journal").
 *
 * The journal (and the CI artifacts made from it) must not hand out credentials, yet tests
 * assert on who called. So a secret keeps its scheme and the caller's identity and loses the
 * part that grants access:
 *   Authorization: Basic <base64 of AC123:token>  ->  Basic AC123:***
 *   Authorization: Bearer <JWT>                    ->  Bearer
 * ***.{"sub":..,"role":..,"iss":..,"exp":..}.*** apikey: <JWT>                                  ->
 * ***.{"role":"anon",...}.*** any other scheme or an opaque token            ->  <scheme> ***  or
 * *** Secret headers are Authorization, Proxy-Authorization, Cookie, apikey, X-Api-Key and any
 * whose name is a secret name (below). In query strings, form bodies and JSON bodies (at any
 * depth) the value of every field with a secret name becomes *** ("***" in JSON). A secret
 * name contains, in any case, password, passwd, secret, token, apikey, api_key or
 * code_verifier: Password, AuthToken, refresh_token, api_secret, auth_password... A name is
 * compared as the service reads it: JSON escapes decoded ("pass\u0077ord"), form names
 * percent-decoded ("pass%77ord"), and Go's case folding of U+017F and U+212A to s and k. */
#ifndef FK_REDACT_H
#define FK_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "fakekit/err.h"
#include "fakekit/http.h"

/* True when a field or header of this name (len bytes) holds a secret. */
bool fk_redact_secret_name(const char *name, size_t len);

/* The kept form of a header's value: NULL when the header is not secret (keep it as is),
 * else a new string (caller frees). *oom is set when memory ran out (the caller then keeps
 * nothing of the value rather than the secret). */
char *fk_redact_header(const char *name, const char *value, bool *oom);

/* s (len bytes), a query string or an x-www-form-urlencoded body, with the value of every
 * field whose name is secret replaced by ***. NULL when there is nothing to hide (or on
 * ENOMEM, with *oom set); else a new NUL-terminated string of *out_len bytes. */
char *fk_redact_form(const char *s, size_t len, size_t *out_len, bool *oom);

/* s (len bytes), JSON text (possibly cut short or not JSON at all), with the value of every
 * object key whose name is secret replaced by "***", the rest byte for byte. NULL when there
 * is nothing to hide (or on ENOMEM, with *oom set); else a new string of *out_len bytes. */
char *fk_redact_json(const char *s, size_t len, size_t *out_len, bool *oom);

/* A redacted copy of a request, for the journal: out is *in with headers, query and body
 * replaced where they hold secrets (body: the first body_max bytes only). The copy borrows
 * from in and owns what it allocated; release it with fk_redact_req_free. FK_ENOMEM when
 * memory ran out (out is then unusable). */
struct fk_redacted {
    struct fk_req req;
    struct fk_kv *headers;
    char **owned;
    size_t nowned;
};
int fk_redact_req(const struct fk_req *in, size_t body_max, struct fk_redacted *out) FK_MUST_CHECK;
void fk_redact_req_free(struct fk_redacted *r);

#endif
