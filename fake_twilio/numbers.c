/* numbers.c: the AvailablePhoneNumbers search. */
#include "fake_twilio/numbers.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fake_twilio/auth.h"
#include "fake_twilio/errors.h"
#include "fake_twilio/owned.h"
#include "fake_twilio/paging.h"
#include "fake_twilio/resource.h"
#include "fake_twilio/state.h"
#include "fakekit/buf.h"
#include "fakekit/cache.h"
#include "fakekit/json.h"
#include "fakekit/log.h"
#include "fakekit/store.h"

/* Booleans are the strings true/false, in any case (docs/reference/twilio.md section 1). */
static int parse_bool(const struct fk_req *req, const char *name, int *out, char *msg,
                      size_t msglen)
{
    const char *v = fk_req_arg(req, name);
    int b = twilio_bool(v);

    if (v == NULL)
        return 0;
    if (b >= 0) {
        *out = b;
        return 0;
    }
    snprintf(msg, msglen, "%s must be true or false", name);
    return 20001;
}

static bool parse_double(const char *s, double *out)
{
    char *end = NULL;

    errno = 0;
    *out = strtod(s, &end);
    return errno == 0 && end != s && (*end == '\0' || *end == ',');
}

static int parse_near(const struct fk_req *req, struct twilio_filter *f, char *msg, size_t msglen)
{
    const char *ll = fk_req_arg(req, "NearLatLong"), *nn = fk_req_arg(req, "NearNumber");
    const char *dist = fk_req_arg(req, "Distance");
    const char *comma;

    f->distance_miles = 25; /* the spec's default, at most 500 */
    if (dist != NULL && (!parse_double(dist, &f->distance_miles) || strchr(dist, ',') != NULL ||
                         f->distance_miles < 0 || f->distance_miles > 500)) {
        snprintf(msg, msglen, "Distance must be a number from 0 to 500");
        return 20001;
    }
    if (ll != NULL) {
        comma = strchr(ll, ',');
        if (comma == NULL || !parse_double(ll, &f->near_lat) ||
            !parse_double(comma + 1, &f->near_lon) || strchr(comma + 1, ',') != NULL) {
            snprintf(msg, msglen, "NearLatLong must be 'latitude,longitude'");
            return 20001;
        }
        f->near = true;
    } else if (nn != NULL) {
        char digits[8] = {0};
        const struct twilio_area *a = NULL;
        /* The number's own area: NANP numbers by NPA; a leading space is a '+' sent raw. */
        const char *d = (nn[0] == '+' || nn[0] == ' ') ? nn + 1 : nn;
        if (d[0] == '1' && strlen(d) == 11) {
            memcpy(digits, d + 1, 3);
            a = twilio_area_find(f->iso, digits);
        }
        if (a == NULL) {
            snprintf(msg, msglen, "NearNumber has no known location");
            return 20001;
        }
        f->near = true;
        f->near_lat = a->lat;
        f->near_lon = a->lon;
    }
    return 0;
}

int twilio_search_filter(const struct fk_req *req, struct twilio_filter *f, long *page_size,
                         char *msg, size_t msglen)
{
    const char *ac = fk_req_arg(req, "AreaCode");
    int beta = 1, all = 0, local = 0, foreign = 0, code;

    if (twilio_parse_page_size(fk_req_arg(req, "PageSize"), page_size) != 0) {
        snprintf(msg, msglen, "PageSize must be an integer from 1 to 1000");
        return 20001;
    }
    if (ac != NULL) {
        size_t n = strlen(ac);
        bool digits = n >= 2 && n <= 4;
        for (size_t i = 0; i < n; i++)
            digits = digits && isdigit((unsigned char)ac[i]);
        if (!digits) {
            snprintf(msg, msglen, "AreaCode %s is not a valid area code", ac);
            return 21451;
        }
        f->area_code = ac;
    }
    f->contains = fk_req_arg(req, "Contains");
    if (f->contains != NULL && !twilio_contains_valid(f->contains)) {
        snprintf(msg, msglen,
                 "Contains must be 2 to 16 digits, letters, '*' or '%%', with an optional "
                 "leading '+' or trailing '$'");
        return 20001;
    }
    if ((code = parse_bool(req, "VoiceEnabled", &f->voice, msg, msglen)) != 0 ||
        (code = parse_bool(req, "SmsEnabled", &f->sms, msg, msglen)) != 0 ||
        (code = parse_bool(req, "MmsEnabled", &f->mms, msg, msglen)) != 0 ||
        (code = parse_bool(req, "FaxEnabled", &f->fax, msg, msglen)) != 0 ||
        (code = parse_bool(req, "Beta", &beta, msg, msglen)) != 0 ||
        (code = parse_bool(req, "ExcludeAllAddressRequired", &all, msg, msglen)) != 0 ||
        (code = parse_bool(req, "ExcludeLocalAddressRequired", &local, msg, msglen)) != 0 ||
        (code = parse_bool(req, "ExcludeForeignAddressRequired", &foreign, msg, msglen)) != 0)
        return code;
    f->beta = beta != 0;
    f->exclude_all_address = all == 1;
    f->exclude_local_address = local == 1;
    f->exclude_foreign_address = foreign == 1;
    f->in_region = fk_req_arg(req, "InRegion");
    f->in_postal_code = fk_req_arg(req, "InPostalCode");
    f->in_locality = fk_req_arg(req, "InLocality");
    f->in_rate_center = fk_req_arg(req, "InRateCenter");
    f->in_lata = fk_req_arg(req, "InLata");
    return parse_near(req, f, msg, msglen);
}

/* A search body stays far below this (at most 1,000 items of ~400 bytes). */
#define RENDER_MAX ((size_t)64 << 20)

static bool iso_valid(const char *c)
{
    return strlen(c) == 2 && isupper((unsigned char)c[0]) && isupper((unsigned char)c[1]);
}

/* The uri as a JSON string, escaped by cJSON exactly as printing the old tree did. */
static int add_json_string(struct fk_buf *b, const char *s)
{
    cJSON *str = cJSON_CreateString(s);
    char *text = str != NULL ? cJSON_PrintUnformatted(str) : NULL;
    int rc = text != NULL ? fk_buf_addstr(b, text) : FK_ENOMEM;

    cJSON_free(text);
    cJSON_Delete(str);
    return rc;
}

int twilio_search_body(const struct twilio_svc *svc, struct fk_store *st,
                       const struct twilio_filter *f, long page_size, const char *uri,
                       struct fk_buf *b, bool *cacheable)
{
    const char *sep = "";
    /* Owned numbers are skipped by their flag before any filtering; only when the table
     * cannot be read into the set is each candidate asked for, as before. */
    bool use_set = twilio_owned_sync(svc->owned, st) == 0;
    int rc;

    if ((rc = fk_buf_addstr(b, "{\"uri\":")) != 0 || (rc = add_json_string(b, uri)) != 0 ||
        (rc = fk_buf_addstr(b, ",\"available_phone_numbers\":[")) != 0)
        return rc;
    for (size_t i = 0, n = twilio_inventory_count(svc->inv); i < n && page_size > 0; i++) {
        const struct twilio_number *num = twilio_inventory_at(svc->inv, i);
        const char *text;
        size_t len;
        int owned;
        if (use_set && twilio_owned_at(svc->owned, i))
            continue;
        if (!twilio_filter_match(f, num))
            continue;
        if (!use_set && (owned = twilio_ipn_owned_check(st, num->e164)) != 0) {
            if (owned < 0)
                *cacheable = false;
            continue;
        }
        if ((text = twilio_rendered_item(svc->items, i, &len)) == NULL)
            return FK_ENOMEM;
        if ((rc = fk_buf_addstr(b, sep)) != 0 || (rc = fk_buf_add(b, text, len)) != 0)
            return rc;
        sep = ",";
        page_size--;
    }
    return fk_buf_addstr(b, "]}");
}

int twilio_search(const struct fk_req *req, struct fk_resp *resp)
{
    const char *account = req->params[0], *country = req->params[1];
    struct twilio_svc *svc = req->svc;
    struct twilio_filter f;
    struct fk_buf body;
    char msg[256], uri[4096];
    const char *page;
    size_t len;
    long page_size = 0;
    int type, rc, code, n;
    bool cacheable = true;

    if ((rc = twilio_auth(req, account, resp)) != FK_OK)
        return fk_handler_rc(rc);
    type = twilio_type_parse(req->params[2]);
    if (type < 0 || !iso_valid(country))
        return twilio_error(resp, 20404, NULL, req->path, 0);
    twilio_filter_init(&f, country, (enum twilio_type)type);
    code = twilio_search_filter(req, &f, &page_size, msg, sizeof msg);
    if (code != 0)
        return twilio_error(resp, code, msg, NULL, 0);
    /* uri echoes the path and query as received (docs/reference/twilio.md section 2). */
    n = snprintf(uri, sizeof uri, "%s%s%s", req->path, *req->query ? "?" : "", req->query);
    /* The body depends only on uri and on which numbers are owned (fakekit/cache.h keeps it
     * until the store changes); a truncated uri
     * no longer names the request, so it never goes near the cache. */
    if (n < 0 || (size_t)n >= sizeof uri)
        cacheable = false;
    if (cacheable) {
        if ((page = fk_cache_get(svc->pages, req->store, uri, (size_t)n, &len)) != NULL)
            return fk_resp_set(resp, 200, "application/json", page, len);
    }
    fk_buf_init(&body, RENDER_MAX);
    rc = twilio_search_body(svc, req->store, &f, page_size, uri, &body, &cacheable);
    /* A page that cannot be kept only costs the next search the work again. */
    if (rc == 0 && cacheable &&
        fk_cache_put(svc->pages, req->store, uri, (size_t)n, body.data, body.len) != 0)
        fk_log(FK_LOG_DEBUG, "event=page_not_kept");
    if (rc == 0)
        rc = fk_resp_set(resp, 200, "application/json", body.data, body.len);
    fk_buf_cleanup(&body);
    return rc;
}
