/* twilio_api.c: AvailablePhoneNumbers search, IncomingPhoneNumbers create/list/delete.
 *
 * Paths and field names follow docs/reference/twilio.md: PascalCase form fields and query
 * parameters, snake_case JSON. next_page_uri is host-relative and carries its own filters,
 * so a next page is fetched as base + next_page_uri verbatim (section 9.3). */
#include "provisioner/twilio_api.h"

#include <stdlib.h>
#include <string.h>

#define TW_PAGES_MAX 100 /* reconcile stops listing after this many pages */

void prov_tw_list_cleanup(struct prov_tw_list *l)
{
    free(l->items);
    memset(l, 0, sizeof(*l));
}

void prov_tw_tag(const char *job_id, char out[80])
{
    /* FriendlyName holds at most 64 characters (docs/reference/twilio.md section 3). */
    snprintf(out, 65, "%s%s", PROV_TAG_PREFIX, job_id);
}

long prov_tw_error_code(const cJSON *body)
{
    const cJSON *c = cJSON_IsObject(body) ? cJSON_GetObjectItemCaseSensitive(body, "code") : NULL;
    if (cJSON_IsNumber(c)) /* out of range: not a Twilio code (and the cast would be UB) */
        return c->valuedouble >= 0 && c->valuedouble < 1e9 ? (long)c->valuedouble : 0;
    if (cJSON_IsString(c) && c->valuestring != NULL)
        return strtol(c->valuestring, NULL, 10);
    return 0;
}

/* A string field that must be present and fit. */
static int need_str(const cJSON *o, const char *key, const char *where, char *out, size_t outlen,
                    struct fk_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsString(v) || v->valuestring == NULL || v->valuestring[0] == '\0') {
        fk_error_set(err, "%s.%s: expected a non-empty string", where, key);
        return FK_EINVAL;
    }
    if (strlen(v->valuestring) >= outlen) {
        fk_error_set(err, "%s.%s: too long", where, key);
        return FK_EINVAL;
    }
    snprintf(out, outlen, "%s", v->valuestring);
    return 0;
}

int prov_tw_parse_search(const cJSON *body, struct prov_tw_candidates *out, struct fk_error *err)
{
    out->n = 0;
    if (!cJSON_IsObject(body)) {
        fk_error_set(err, "search: expected an object");
        return FK_EINVAL;
    }
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(body, "available_phone_numbers");
    if (!cJSON_IsArray(arr)) {
        fk_error_set(err, "search.available_phone_numbers: expected an array");
        return FK_EINVAL;
    }
    const cJSON *it = NULL;
    cJSON_ArrayForEach(it, arr)
    {
        if (out->n >= PROV_TW_MAX_CANDIDATES)
            break;
        if (!cJSON_IsObject(it)) {
            fk_error_set(err, "search.available_phone_numbers[%zu]: expected an object", out->n);
            return FK_EINVAL;
        }
        int rc = need_str(it, "phone_number", "search.available_phone_numbers[]",
                          out->numbers[out->n], sizeof(out->numbers[0]), err);
        if (rc != 0)
            return rc;
        out->n++;
    }
    return 0;
}

int prov_tw_parse_number(const cJSON *body, struct prov_tw_number *out, struct fk_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!cJSON_IsObject(body)) {
        fk_error_set(err, "incoming_phone_number: expected an object");
        return FK_EINVAL;
    }
    int rc = need_str(body, "sid", "incoming_phone_number", out->sid, sizeof(out->sid), err);
    if (rc == 0)
        rc = need_str(body, "phone_number", "incoming_phone_number", out->phone_number,
                      sizeof(out->phone_number), err);
    if (rc == 0 && strncmp(out->sid, "PN", 2) != 0) {
        fk_error_set(err, "incoming_phone_number.sid: expected PN...");
        rc = FK_EINVAL;
    }
    if (rc == 0)
        prov_json_str(body, "friendly_name", out->friendly_name, sizeof(out->friendly_name));
    return rc;
}

int prov_tw_parse_list(const cJSON *body, struct prov_tw_list *out, char **next,
                       struct fk_error *err)
{
    *next = NULL;
    if (!cJSON_IsObject(body)) {
        fk_error_set(err, "list: expected an object");
        return FK_EINVAL;
    }
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(body, "incoming_phone_numbers");
    if (!cJSON_IsArray(arr)) {
        fk_error_set(err, "list.incoming_phone_numbers: expected an array");
        return FK_EINVAL;
    }
    const cJSON *it = NULL;
    cJSON_ArrayForEach(it, arr)
    {
        struct prov_tw_number n;
        int rc = prov_tw_parse_number(it, &n, err);
        if (rc != 0)
            return rc;
        if (out->n == out->cap) {
            size_t cap = out->cap ? out->cap * 2 : 16;
            struct prov_tw_number *p = realloc(out->items, cap * sizeof(*p));
            if (p == NULL)
                return FK_ENOMEM;
            out->items = p;
            out->cap = cap;
        }
        out->items[out->n++] = n;
    }
    const cJSON *nx = cJSON_GetObjectItemCaseSensitive(body, "next_page_uri");
    if (cJSON_IsString(nx) && nx->valuestring != NULL && nx->valuestring[0] == '/') {
        *next = strdup(nx->valuestring);
        if (*next == NULL)
            return FK_ENOMEM;
    }
    return 0;
}

static struct curl_slist *tw_headers(bool form)
{
    struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");
    if (h != NULL && form) {
        struct curl_slist *h2 =
            curl_slist_append(h, "Content-Type: application/x-www-form-urlencoded");
        if (h2 == NULL) {
            curl_slist_free_all(h);
            return NULL;
        }
        h = h2;
    }
    return h;
}

/* base/2010-04-01/Accounts/{sid}/{rest}; caller frees. */
static char *tw_url(struct prov_ctx *ctx, const char *rest)
{
    char *base = prov_base(ctx->cfg->twilio_base);
    char *sid = prov_escape(ctx->cfg->twilio_sid);
    char *url = NULL;
    if (base != NULL && sid != NULL)
        url = prov_strf("%s/2010-04-01/Accounts/%s/%s", base, sid, rest);
    free(base);
    free(sid);
    return url;
}

static int tw_call(struct prov_ctx *ctx, const char *method, const char *url, const char *form,
                   bool idempotent, bool allow_empty, struct prov_result *r)
{
    struct curl_slist *h = tw_headers(form != NULL);
    if (h == NULL || url == NULL) {
        curl_slist_free_all(h);
        snprintf(r->message, sizeof(r->message), "out of memory");
        return FK_ENOMEM;
    }
    struct prov_call c = {
        .service = "twilio",
        .method = method,
        .url = url,
        .headers = h,
        .body = form,
        .user = ctx->cfg->twilio_sid,
        .password = ctx->cfg->twilio_token,
        .expect_json = true,
        .allow_empty = allow_empty,
        .idempotent = idempotent,
        .credential = "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN",
    };
    int rc = prov_call(ctx, &c, r);
    curl_slist_free_all(h);
    return rc;
}

/* Turn a parse failure of a 2xx body into a malformed result. */
static int malformed(struct prov_result *r, const struct fk_error *err)
{
    r->cls = PROV_C_MALFORMED;
    snprintf(r->message, sizeof(r->message), "twilio: unexpected response: %s", err->msg);
    return FK_EINVAL;
}

int prov_tw_search(struct prov_ctx *ctx, const char *country, const char *type,
                   const char *area_code, struct prov_tw_candidates *out, struct prov_result *r)
{
    const char *kind = strcmp(type, "tollfree") == 0 ? "TollFree"
                       : strcmp(type, "mobile") == 0 ? "Mobile"
                                                     : "Local";
    char *cc = prov_escape(country);
    char *ac = area_code && *area_code ? prov_escape(area_code) : NULL;
    char *rest = NULL, *url = NULL;
    if (cc != NULL)
        rest = prov_strf("AvailablePhoneNumbers/%s/%s.json?%s%s%sPageSize=%ld", cc, kind,
                         ac ? "AreaCode=" : "", ac ? ac : "", ac ? "&" : "", ctx->cfg->search_size);
    if (rest != NULL)
        url = tw_url(ctx, rest);
    int rc = tw_call(ctx, "GET", url, NULL, true, false, r);
    if (rc == 0) {
        struct fk_error err = {{0}};
        if (prov_tw_parse_search(r->json, out, &err) != 0)
            rc = malformed(r, &err);
    }
    free(cc);
    free(ac);
    free(rest);
    free(url);
    return rc;
}

int prov_tw_buy(struct prov_ctx *ctx, const char *number, const char *tag,
                struct prov_tw_number *out, struct prov_result *r)
{
    char *pn = prov_escape(number);
    char *fn = prov_escape(tag);
    char *form = NULL;
    if (pn != NULL && fn != NULL)
        form = prov_strf("PhoneNumber=%s&FriendlyName=%s", pn, fn);
    char *url = form ? tw_url(ctx, "IncomingPhoneNumbers.json") : NULL;
    int rc = tw_call(ctx, "POST", url, form, false, false, r);
    if (rc == 0) {
        struct fk_error err = {{0}};
        if (prov_tw_parse_number(r->json, out, &err) != 0) {
            rc = malformed(r, &err);
            r->ambiguous = true; /* the purchase may have happened */
        }
    }
    free(pn);
    free(fn);
    free(form);
    free(url);
    return rc;
}

/* Every page of the list that starts at rest (relative to the account), appended to out. */
static int list_pages(struct prov_ctx *ctx, const char *rest, struct prov_tw_list *out,
                      struct prov_result *r)
{
    char *url = tw_url(ctx, rest);
    int rc = url ? 0 : FK_ENOMEM;
    for (int page = 0; rc == 0 && url != NULL && page < TW_PAGES_MAX; page++) {
        char *next = NULL;
        rc = tw_call(ctx, "GET", url, NULL, true, false, r);
        if (rc == 0) {
            struct fk_error err = {{0}};
            rc = prov_tw_parse_list(r->json, out, &next, &err);
            if (rc == FK_EINVAL)
                malformed(r, &err);
        }
        free(url);
        url = NULL;
        if (rc == 0 && next != NULL) {
            char *base = prov_base(ctx->cfg->twilio_base);
            url = base ? prov_strf("%s%s", base, next) : NULL;
            free(base);
            if (url == NULL)
                rc = FK_ENOMEM;
        }
        free(next);
    }
    free(url);
    return rc;
}

int prov_tw_find_tagged(struct prov_ctx *ctx, const char *tag, struct prov_tw_list *out,
                        struct prov_result *r)
{
    char *fn = prov_escape(tag);
    char *rest = fn ? prov_strf("IncomingPhoneNumbers.json?FriendlyName=%s&PageSize=50", fn) : NULL;
    size_t kept = out->n;
    int rc = rest ? list_pages(ctx, rest, out, r) : FK_ENOMEM;
    /* Exact match on the tag: a server may treat FriendlyName as a partial filter. */
    for (size_t i = kept; rc == 0 && i < out->n; i++) {
        if (strcmp(out->items[i].friendly_name, tag) == 0)
            out->items[kept++] = out->items[i];
    }
    if (rc == 0)
        out->n = kept;
    free(fn);
    free(rest);
    return rc;
}

int prov_tw_find_tag(struct prov_ctx *ctx, const char *tag, struct prov_tw_number *out, bool *found,
                     struct prov_result *r)
{
    struct prov_tw_list l = {0};
    int rc = prov_tw_find_tagged(ctx, tag, &l, r);
    *found = rc == 0 && l.n > 0;
    if (*found)
        *out = l.items[0];
    prov_tw_list_cleanup(&l);
    return rc;
}

int prov_tw_list_all(struct prov_ctx *ctx, struct prov_tw_list *out, struct prov_result *r)
{
    return list_pages(ctx, "IncomingPhoneNumbers.json?PageSize=100", out, r);
}

int prov_tw_release(struct prov_ctx *ctx, const char *sid, struct prov_result *r)
{
    char *s = prov_escape(sid);
    char *rest = s ? prov_strf("IncomingPhoneNumbers/%s.json", s) : NULL;
    char *url = rest ? tw_url(ctx, rest) : NULL;
    int rc = tw_call(ctx, "DELETE", url, NULL, true, true, r);
    if (rc != 0 && r->cls == PROV_C_CLIENT && r->status == 404)
        rc = 0; /* already gone */
    free(s);
    free(rest);
    free(url);
    return rc;
}
