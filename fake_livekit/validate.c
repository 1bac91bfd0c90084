/* validate.c: livekit/protocol's SIP validation, rule by rule (see validate.h). Each check
 * names the source line it copies; messages are the Go format strings, filled the same way
 * (%d of a rune is its code point, %v of 10*time.Minute is "10m0s"). */
#include "fake_livekit/validate.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_livekit/proto_json.h"
#include "fake_livekit/proto_wkt.h"

void lk_verr_init(struct lk_verr *e)
{
    fk_buf_init(&e->msg, LK_MSG_MAX);
    e->coded = false;
}

void lk_verr_cleanup(struct lk_verr *e)
{
    fk_buf_cleanup(&e->msg);
}

int lk_verr_set(struct lk_verr *e, bool coded, const char *fmt, ...)
{
    va_list ap;
    char first[512];
    fk_buf_reset(&e->msg);
    e->coded = coded;
    va_start(ap, fmt);
    int n = vsnprintf(first, sizeof(first), fmt, ap);
    va_end(ap);
    if (n < 0)
        return FK_ENOMEM;
    if ((size_t)n < sizeof(first))
        return fk_buf_addstr(&e->msg, first) == 0 ? FK_EINVAL : FK_ENOMEM;
    /* Longer than the stack buffer: format again into the buffer's own memory. */
    char *big = malloc((size_t)n + 1);
    if (!big)
        return FK_ENOMEM;
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = fk_buf_addstr(&e->msg, big) == 0 ? FK_EINVAL : FK_ENOMEM;
    free(big);
    return rc;
}

const char *lk_verr_text(const struct lk_verr *e)
{
    return fk_buf_str(&e->msg);
}

/* ---- characters (livekit/sip_validation.go:26-150) ---- */

/* The next rune of s (valid UTF-8, as decoding checked) and its length. */
static uint32_t next_rune(const unsigned char *s, size_t *len)
{
    if (s[0] < 0x80) {
        *len = 1;
        return s[0];
    }
    if ((s[0] & 0xE0) == 0xC0) {
        *len = 2;
        return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    }
    if ((s[0] & 0xF0) == 0xE0) {
        *len = 3;
        return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    }
    *len = 4;
    return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
           (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
}

/* tokenCharacters (sip_validation.go:138): letters, digits and -.!%*_+`'~. */
static bool token_char(uint32_t c)
{
    return c < 128 && (isalnum((int)c) || strchr("-.!%*_+`'~", (int)c)) && c != 0;
}

/* headerValuesCharacters (sip_validation.go:147): 0x20-0x7E, tab, and any rune >= 128. */
static bool value_char(uint32_t c)
{
    return c >= 128 || (c >= 0x20 && c <= 0x7E) || c == 0x09;
}

/* allowedCharacters.Validate (sip_validation.go:96): the first rune refused, as its error
 * text into out ("char 32 not allowed"); false when every rune passes. */
static bool bad_char(const char *s, bool (*ok)(uint32_t), bool utf8, char *out, size_t outlen)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n;
        uint32_t c = next_rune(p, &n);
        p += n;
        if (c >= 128 && !utf8) {
            snprintf(out, outlen,
                     "char %u out of range, consider explicilty adding utf8 characters",
                     (unsigned)c);
            return true;
        }
        if (!ok(c)) {
            snprintf(out, outlen, "char %u not allowed", (unsigned)c);
            return true;
        }
    }
    return false;
}

/* ForbiddenSipHeaderNames (sip_validation.go:172). */
static bool forbidden_header(const char *name)
{
    static const char *const names[] = {"accept",
                                        "accept-encoding",
                                        "accept-language",
                                        "allow",
                                        "allow-events",
                                        "call-id",
                                        "contact",
                                        "content-encoding",
                                        "content-length",
                                        "content-type",
                                        "cseq",
                                        "event",
                                        "expires",
                                        "from",
                                        "max-forwards",
                                        "record-route",
                                        "refer-to",
                                        "reply-to",
                                        "k",
                                        "l",
                                        "m",
                                        "o",
                                        "r",
                                        "t",
                                        "u",
                                        "v"};
    for (size_t i = 0; i < FK_NELEM(names); i++) {
        if (strcasecmp(names[i], name) == 0)
            return true;
    }
    return false;
}

/* ValidateHeaderName (sip_validation.go:225), wrapped "invalid header name: %w" by its three
 * callers (sip.go:371, 393, 403). */
static int header_name(const char *name, bool restrict_names, struct lk_verr *e)
{
    char why[128];
    if (!name[0])
        return lk_verr_set(e, false, "invalid header name: header name cannot be empty");
    if (strlen(name) > 255)
        return lk_verr_set(e, false,
                           "invalid header name: header name too long (max 255 characters)");
    if (bad_char(name, token_char, false, why, sizeof(why)))
        return lk_verr_set(e, false,
                           "invalid header name: header name %s contains invalid characters: %s",
                           name, why);
    if (restrict_names && forbidden_header(name))
        return lk_verr_set(e, false, "invalid header name: header name %s not supported", name);
    return 0;
}

/* ValidateHeaderValueResult (sip_validation.go:255), wrapped "invalid header value for %s: %w"
 * (sip.go:382). Its name-addr checks are soft errors: logged by the server, not returned. */
static int header_value(const char *name, const char *value, struct lk_verr *e)
{
    char why[128];
    if (strlen(value) > 1024)
        return lk_verr_set(e, false,
                           "invalid header value for %s: header %s: value too long (max 1024 "
                           "characters)",
                           name, name);
    if (bad_char(value, value_char, true, why, sizeof(why)))
        return lk_verr_set(e, false, "invalid header value for %s: header %s: value: %s", name,
                           name, why);
    return 0;
}

int lk_validate_headers(const cJSON *headers, struct lk_verr *e)
{
    for (const cJSON *h = headers ? headers->child : NULL; h; h = h->next) {
        int rc = header_name(h->string, true, e);
        if (rc == 0 && cJSON_IsString(h))
            rc = header_value(h->string, h->valuestring, e);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* validateAttributesToHeaders (sip.go:390): the values are header names; validateHeaderTo
 * Attributes (sip.go:400): the keys are. Neither restricts names. */
static int header_maps(const cJSON *t, struct lk_verr *e)
{
    const cJSON *a2h = cJSON_GetObjectItemCaseSensitive(t, "attributes_to_headers");
    const cJSON *h2a = cJSON_GetObjectItemCaseSensitive(t, "headers_to_attributes");
    for (const cJSON *h = a2h ? a2h->child : NULL; h; h = h->next) {
        int rc = header_name(cJSON_IsString(h) ? h->valuestring : "", false, e);
        if (rc != 0)
            return rc;
    }
    for (const cJSON *h = h2a ? h2a->child : NULL; h; h = h->next) {
        int rc = header_name(h->string, false, e);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- media (livekit/sip.go:1204, 1252) ---- */

static int codec(const cJSON *c, struct lk_verr *e)
{
    const char *name = lk_get_str(c, "name");
    if (!name[0])
        return lk_verr_set(e, false, "missing codec name");
    if (strpbrk(name, " \t\n\r"))
        return lk_verr_set(e, false, "invalid codec name");
    if (strchr(name, '/'))
        return lk_verr_set(e, false, "codec name must not contain '/'");
    return 0;
}

int lk_validate_media(const cJSON *media, struct lk_verr *e)
{
    const cJSON *codecs = lk_get_array(media, "codecs");
    for (const cJSON *c = codecs ? codecs->child : NULL; c; c = c->next) {
        int rc = codec(c, e);
        if (rc != 0)
            return rc;
    }
    const char *mt = lk_get_str(media, "media_timeout");
    long long s = 0;
    int ns = 0;
    if (!mt[0] || lk_duration_parse(mt, &s, &ns) != 0)
        return 0;
    if (s < 0 || ns < 0)
        return lk_verr_set(e, false, "media_timeout must not be negative");
    if (s > 600 || (s == 600 && ns > 0)) /* MaxSIPMediaTimeout = 10 * time.Minute */
        return lk_verr_set(e, false, "media_timeout must not exceed 10m0s");
    return 0;
}

/* ---- trunks and rules ---- */

/* validateHostnameFormat (livekit/sip.go:412); "" passes. */
static int hostname(const char *v, const char *field, struct lk_verr *e)
{
    if (strstr(v, "transport="))
        return lk_verr_set(e, false, "%s should not contain transport parameter", field);
    if (strpbrk(v, "@;") || strncmp(v, "sip:", 4) == 0 || strncmp(v, "sips:", 5) == 0)
        return lk_verr_set(e, false, "%s should be a hostname or IP, not SIP URI", field);
    return 0;
}

int lk_validate_inbound(const cJSON *t, struct lk_verr *e)
{
    bool auth = lk_get_str(t, "auth_username")[0] || lk_get_str(t, "auth_password")[0];
    int rc;
    if (!auth && lk_array_len(t, "allowed_addresses") == 0 && lk_array_len(t, "numbers") == 0)
        return lk_verr_set(e, true, /* psrpc.NewErrorf(psrpc.InvalidArgument, ...), sip.go:530 */
                           "for security, one of the fields must be set: "
                           "AuthUsername+AuthPassword, AllowedAddresses or Numbers");
    if ((rc = lk_validate_media(cJSON_GetObjectItemCaseSensitive(t, "media"), e)) != 0)
        return rc;
    if ((rc = lk_validate_headers(cJSON_GetObjectItemCaseSensitive(t, "headers"), e)) != 0)
        return rc;
    return header_maps(t, e);
}

int lk_validate_outbound(const cJSON *t, struct lk_verr *e)
{
    int rc;
    if (lk_array_len(t, "numbers") == 0)
        return lk_verr_set(e, false, "no trunk numbers specified");
    if (!lk_get_str(t, "address")[0])
        return lk_verr_set(e, false, "no outbound address specified");
    if ((rc = hostname(lk_get_str(t, "address"), "trunk address", e)) != 0 ||
        (rc = hostname(lk_get_str(t, "from_host"), "from_host", e)) != 0)
        return rc;
    if ((rc = lk_validate_headers(cJSON_GetObjectItemCaseSensitive(t, "headers"), e)) != 0 ||
        (rc = header_maps(t, e)) != 0)
        return rc;
    return lk_validate_media(cJSON_GetObjectItemCaseSensitive(t, "media"), e);
}

int lk_validate_rule(const cJSON *info, struct lk_verr *e)
{
    if (!cJSON_GetObjectItemCaseSensitive(info, "rule"))
        return lk_verr_set(e, false, "missing rule");
    return lk_validate_media(cJSON_GetObjectItemCaseSensitive(info, "media"), e);
}

static bool has_empty(const cJSON *arr)
{
    for (const cJSON *x = arr ? arr->child : NULL; x; x = x->next) {
        if (cJSON_IsString(x) && x->valuestring[0] == '\0')
            return true;
    }
    return false;
}

int lk_validate_list_update(const cJSON *lu, struct lk_verr *e)
{
    if (!lu)
        return 0;
    int nset = lk_array_len(lu, "set");
    int ndelta = lk_array_len(lu, "add") + lk_array_len(lu, "remove");
    bool clear = lk_get_bool(lu, "clear");
    if (!clear && nset + ndelta == 0)
        return lk_verr_set(e, false, "unsupported list update operation");
    if (clear && nset + ndelta > 0)
        return lk_verr_set(e, false, "cannot clear and change the list at the same time");
    if (nset > 0 && ndelta > 0)
        return lk_verr_set(e, false, "cannot set and change the list at the same time");
    if (has_empty(lk_get_array(lu, "set")) || has_empty(lk_get_array(lu, "add")) ||
        has_empty(lk_get_array(lu, "remove")))
        return lk_verr_set(e, false, "empty element in the list");
    return 0;
}

int lk_validate_update(const cJSON *upd, const char *const *lists, struct lk_verr *e)
{
    for (size_t i = 0; lists[i]; i++) {
        int rc = lk_validate_list_update(cJSON_GetObjectItemCaseSensitive(upd, lists[i]), e);
        if (rc != 0)
            return rc;
    }
    return lk_validate_media(cJSON_GetObjectItemCaseSensitive(upd, "media"), e);
}
