/* errors.c: the Twilio error table and the bodies built from it.
 *
 * Codes and statuses come from docs/reference/twilio.md section 6. Where the fact sheet has no code
 * for a case fake_twilio must refuse (a malformed PageSize or Contains; an oversize body), the
 * table uses Twilio's 200xx family, whose last three digits follow the HTTP status
 * (20404, 20429, 20500): 20001 for a bad parameter, 20413 for an oversize body. */
#include "fake_twilio/errors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/json.h"
#include "fakekit/text.h"

struct twilio_code {
    int code;
    unsigned status;
    const char *message;
};

static const struct twilio_code codes[] = {
    {20001, 400, "Invalid parameter"},
    {20002, 400, "Invalid FriendlyName"},
    {20003, 401, "Authenticate"},
    {20004, 405, "Method not allowed"},
    {20008, 403, "Cannot access this resource with Test Credentials"},
    {20404, 404, "The requested resource was not found"},
    {20413, 413, "Request entity too large"},
    {20429, 429, "Too Many Requests"},
    {20500, 500, "Internal Server Error"},
    {20503, 503, "Service Unavailable"},
    {21421, 400, "PhoneNumber is invalid"},
    {21422, 400, "PhoneNumber requested is not available"},
    {21451, 400, "Invalid area code"},
    {21452, 400, "No phone numbers found in area code"},
    {21481, 400, "Invalid PageToken"},
};

static const struct twilio_code *lookup(int code)
{
    for (size_t i = 0; i < FK_NELEM(codes); i++)
        if (codes[i].code == code)
            return &codes[i];
    return NULL;
}

unsigned twilio_error_status(int code)
{
    const struct twilio_code *c = lookup(code);

    return c != NULL ? c->status : 0;
}

const char *twilio_error_message(int code)
{
    const struct twilio_code *c = lookup(code);

    return c != NULL ? c->message : NULL;
}

/* Append the decimal digits of v at p; returns the end. */
static char *put_uint(char *p, unsigned long v)
{
    char tmp[24];
    size_t n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        *p++ = tmp[--n];
    return p;
}

static char *put_str(char *p, const char *s)
{
    size_t n = strlen(s);

    memcpy(p, s, n);
    return p + n;
}

/* s as a JSON string at p, escaped exactly as cJSON prints it (quotes, backslash, the five
 * short escapes, other control bytes as \u00xx in lower case, every other byte as is). */
static char *put_json_string(char *p, const char *s)
{
    static const char hex[] = "0123456789abcdef";

    *p++ = '"';
    for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++) {
        if (*c >= 32 && *c != '"' && *c != '\\') {
            *p++ = (char)*c;
            continue;
        }
        *p++ = '\\';
        switch (*c) {
        case '"':
        case '\\':
            *p++ = (char)*c;
            break;
        case '\b':
            *p++ = 'b';
            break;
        case '\f':
            *p++ = 'f';
            break;
        case '\n':
            *p++ = 'n';
            break;
        case '\r':
            *p++ = 'r';
            break;
        case '\t':
            *p++ = 't';
            break;
        default:
            p = put_str(p, "u00");
            *p++ = hex[*c >> 4];
            *p++ = hex[*c & 15];
            break;
        }
    }
    *p++ = '"';
    return p;
}

/* The body {"code":..,"message":..,"more_info":..,"status":..} written by hand: the bytes
 * cJSON_PrintUnformatted gives for that object (tests/unit/test_twilio_errors.c compares
 * them), without building a tree per error or printing its numbers through sprintf. */
static int set_body(struct fk_resp *resp, int code, unsigned status, const char *message)
{
    char small[1024], *mem = small, *p;
    size_t n = 0;
    bool oom = false;
    /* A path the client sent with bytes that are not UTF-8: each becomes U+FFFD, so that the
     * answer stays JSON (fakekit/text.h). */
    char *fixed = fk_utf8_fix(message, strlen(message), &n, &oom);
    if (oom)
        return FK_ENOMEM;
    if (fixed != NULL)
        message = fixed;
    /* Every message byte takes at most 6 ("\u00xx"); the rest stays under 128. */
    size_t need = 6 * strlen(message) + 128;
    int rc;

    if (need > sizeof small && (mem = malloc(need)) == NULL) {
        free(fixed);
        return FK_ENOMEM;
    }
    p = put_str(mem, "{\"code\":");
    p = put_uint(p, (unsigned long)code);
    p = put_str(p, ",\"message\":");
    p = put_json_string(p, message);
    p = put_str(p, ",\"more_info\":\"https://www.twilio.com/docs/errors/");
    p = put_uint(p, (unsigned long)code);
    p = put_str(p, "\",\"status\":");
    p = put_uint(p, status);
    *p++ = '}';
    rc = fk_resp_set(resp, status, "application/json", mem, (size_t)(p - mem));
    if (mem != small)
        free(mem);
    free(fixed);
    return rc;
}

int twilio_error(struct fk_resp *resp, int code, const char *message, const char *path,
                 long retry_after_s)
{
    const struct twilio_code *c = lookup(code);
    char buf[1024];
    int rc;

    if (c == NULL)
        return FK_EINVAL;
    if (message == NULL && code == 20404 && path != NULL) {
        /* The captured 404 names the path (docs/reference/twilio.md section 6). */
        snprintf(buf, sizeof buf, "The requested resource %s was not found", path);
        message = buf;
    } else if (message == NULL) {
        message = c->message;
    }
    /* Every code of the table is a positive five-digit number. */
    rc = set_body(resp, code, c->status, message);
    if (rc == 0 && code == 20003)
        rc = fk_resp_header(resp, "WWW-Authenticate", "Basic realm=\"Twilio API\"");
    if (rc == 0 && code == 20429) {
        char ra[24];
        snprintf(ra, sizeof ra, "%ld", retry_after_s > 0 ? retry_after_s : 1);
        rc = fk_resp_header(resp, "Retry-After", ra);
    }
    return rc;
}

int twilio_fault_error(struct fk_resp *resp, const struct fk_req *req, const char *code)
{
    char *end = NULL;
    long n;

    if (code == NULL || *code == '\0')
        return FK_EINVAL;
    n = strtol(code, &end, 10);
    if (*end != '\0' || lookup((int)n) == NULL || n > 99999)
        return FK_EINVAL;
    if (resp == NULL)
        return 0;
    return twilio_error(resp, (int)n, NULL, req != NULL ? req->path : NULL, 1);
}

void twilio_native(struct fk_resp *resp, const struct fk_req *req, enum fk_native kind,
                   long retry_after_s)
{
    int code = 20500;
    const char *path = req != NULL ? req->path : NULL;

    switch (kind) {
    case FK_NATIVE_NOT_FOUND:
        code = 20404;
        break;
    case FK_NATIVE_BAD_METHOD:
        code = 20004;
        break;
    case FK_NATIVE_TOO_LARGE:
        code = 20413;
        break;
    case FK_NATIVE_RATE_LIMITED:
        code = 20429;
        break;
    case FK_NATIVE_INTERNAL:
        code = 20500;
        break;
    }
    /* On ENOMEM the response stays unset and fakekit answers a bare 500. */
    if (twilio_error(resp, code, NULL, path, retry_after_s) != 0) {
        fk_resp_cleanup(resp);
        fk_resp_init(resp);
    }
}
