/* livekit_api.c: Twirp JSON calls to livekit.SIP with a freshly signed admin JWT. */
#include "provisioner/livekit_api.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fakekit/clock.h"
#include "fakekit/jwt.h"

int prov_lk_parse_id(const cJSON *obj, const char *snake, const char *camel, char *id, size_t len,
                     struct fk_error *err)
{
    if (!cJSON_IsObject(obj)) {
        fk_error_set(err, "%s: expected an object", snake);
        return FK_EINVAL;
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, snake);
    if (!cJSON_IsString(v))
        v = cJSON_GetObjectItemCaseSensitive(obj, camel);
    if (!cJSON_IsString(v) || v->valuestring == NULL || v->valuestring[0] == '\0' ||
        strlen(v->valuestring) >= len) {
        fk_error_set(err, "%s: expected a non-empty string", snake);
        return FK_EINVAL;
    }
    snprintf(id, len, "%s", v->valuestring);
    return 0;
}

void prov_lk_normalize(const char *num, char *out, size_t len)
{
    size_t j = 0;
    bool ok = num[0] != '\0';
    for (const char *p = num; ok && *p; p++)
        ok = isdigit((unsigned char)*p) || strchr("- ()", *p) != NULL || (*p == '+' && p == num);
    if (!ok || len < 2) {
        snprintf(out, len, "%s", num);
        return;
    }
    if (num[0] != '+')
        out[j++] = '+';
    for (const char *p = num; *p && j + 1 < len; p++) {
        if (strchr("- ()", *p) == NULL)
            out[j++] = *p;
    }
    out[j] = '\0';
}

static bool same_number(const char *a, const char *b)
{
    char na[64], nb[64];
    prov_lk_normalize(a, na, sizeof(na));
    prov_lk_normalize(b, nb, sizeof(nb));
    return strcmp(na, nb) == 0;
}

void prov_lk_items_cleanup(struct prov_lk_items *l)
{
    free(l->items);
    memset(l, 0, sizeof(*l));
}

/* A new zeroed item at the end of out; NULL on ENOMEM. */
static struct prov_lk_item *grow(struct prov_lk_items *out)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 16;
        struct prov_lk_item *p = realloc(out->items, cap * sizeof(*p));
        if (p == NULL)
            return NULL;
        out->items = p;
        out->cap = cap;
    }
    struct prov_lk_item *x = &out->items[out->n];
    memset(x, 0, sizeof(*x));
    return x;
}

/* Append value to the item's ",a,b," list (dropped when it does not fit). */
static void list_add(struct prov_lk_item *x, const char *value)
{
    size_t n = strlen(x->list);
    if (n == 0 && sizeof(x->list) > 1)
        x->list[n++] = ',';
    if (n + strlen(value) + 2 <= sizeof(x->list))
        snprintf(x->list + n, sizeof(x->list) - n, "%s,", value);
    else
        x->list[n] = '\0';
}

bool prov_lk_item_lists(const struct prov_lk_item *it, const char *value, bool number)
{
    char want[80], norm[64];
    if (value == NULL || value[0] == '\0')
        return false;
    prov_lk_normalize(value, norm, sizeof(norm));
    snprintf(want, sizeof(want), ",%s,", number ? norm : value);
    return strstr(it->list, want) != NULL;
}

static const cJSON *either(const cJSON *o, const char *snake, const char *camel)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, snake);
    return v != NULL ? v : cJSON_GetObjectItemCaseSensitive(o, camel);
}

int prov_lk_parse_items(const cJSON *body, bool rules, const char *want, struct prov_lk_items *out,
                        struct fk_error *err)
{
    out->n = 0;
    if (!cJSON_IsObject(body)) {
        fk_error_set(err, "list: expected an object");
        return FK_EINVAL;
    }
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(body, "items");
    if (items == NULL || cJSON_IsNull(items))
        return 0; /* {} is an empty list (docs/reference/livekit.md section 2) */
    if (!cJSON_IsArray(items)) {
        fk_error_set(err, "list.items: expected an array");
        return FK_EINVAL;
    }
    const cJSON *it = NULL;
    cJSON_ArrayForEach(it, items)
    {
        if (out->n >= PROV_LK_MAX_ITEMS)
            break;
        struct prov_lk_item *x = grow(out);
        if (x == NULL) {
            fk_error_set(err, "list: out of memory");
            return FK_ENOMEM;
        }
        int rc =
            rules ? prov_lk_parse_id(it, "sip_dispatch_rule_id", "sipDispatchRuleId", x->id,
                                     sizeof(x->id), err)
                  : prov_lk_parse_id(it, "sip_trunk_id", "sipTrunkId", x->id, sizeof(x->id), err);
        if (rc != 0)
            return rc;
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
        if (cJSON_IsString(name) && name->valuestring != NULL)
            snprintf(x->name, sizeof(x->name), "%s", name->valuestring);
        const cJSON *tids = either(it, "trunk_ids", "trunkIds");
        if (tids != NULL && !cJSON_IsArray(tids) && !cJSON_IsNull(tids)) {
            fk_error_set(err, "list.items[%zu].trunk_ids: expected an array", out->n);
            return FK_EINVAL;
        }
        const cJSON *t = NULL;
        cJSON_ArrayForEach(t, tids)
        {
            if (!cJSON_IsString(t))
                continue;
            if (rules)
                list_add(x, t->valuestring);
            if (rules && want != NULL && strcmp(t->valuestring, want) == 0)
                x->has_trunk = true;
        }
        const cJSON *nums = cJSON_GetObjectItemCaseSensitive(it, "numbers");
        if (nums != NULL && !cJSON_IsArray(nums) && !cJSON_IsNull(nums)) {
            fk_error_set(err, "list.items[%zu].numbers: expected an array", out->n);
            return FK_EINVAL;
        }
        cJSON_ArrayForEach(t, nums)
        {
            if (rules || !cJSON_IsString(t))
                continue;
            char norm[64];
            prov_lk_normalize(t->valuestring, norm, sizeof(norm));
            list_add(x, norm);
            if (want != NULL && same_number(t->valuestring, want))
                x->has_number = true;
        }
        out->n++;
    }
    return 0;
}

char *prov_lk_token(const char *key, const char *secret, long long now)
{
    cJSON *claims = cJSON_CreateObject();
    cJSON *video = cJSON_AddObjectToObject(claims, "video");
    cJSON *sip = cJSON_AddObjectToObject(claims, "sip");
    char *tok = NULL;
    if (video != NULL && sip != NULL && cJSON_AddTrueToObject(sip, "admin") != NULL &&
        cJSON_AddStringToObject(claims, "iss", key) != NULL &&
        cJSON_AddNumberToObject(claims, "exp", (double)(now + 600)) != NULL &&
        cJSON_AddNumberToObject(claims, "nbf", (double)now) != NULL)
        tok = fk_jwt_sign(claims, secret, false);
    cJSON_Delete(claims);
    return tok;
}

/* One Twirp call; body is taken (deleted here). */
static int lk_call(struct prov_ctx *ctx, const char *method, cJSON *body, bool idempotent,
                   struct prov_result *r)
{
    int rc = FK_ENOMEM;
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    cJSON_Delete(body);
    char *tok = prov_lk_token(ctx->cfg->lk_key, ctx->cfg->lk_secret, fk_now_us() / 1000000);
    char *auth = tok ? prov_strf("Authorization: Bearer %s", tok) : NULL;
    char *base = prov_base(ctx->cfg->lk_url);
    char *url = base ? prov_strf("%s/twirp/livekit.SIP/%s", base, method) : NULL;
    struct curl_slist *h = auth ? curl_slist_append(NULL, auth) : NULL;
    struct curl_slist *h2 = h ? curl_slist_append(h, "Content-Type: application/json") : NULL;
    if (h2 != NULL && text != NULL && url != NULL) {
        struct prov_call c = {.service = "livekit",
                              .method = "POST",
                              .url = url,
                              .headers = h2,
                              .body = text,
                              .expect_json = true,
                              .idempotent = idempotent,
                              .credential = "LIVEKIT_API_KEY and LIVEKIT_API_SECRET"};
        rc = prov_call(ctx, &c, r);
    } else {
        snprintf(r->message, sizeof(r->message), "out of memory");
    }
    curl_slist_free_all(h2 ? h2 : h);
    cJSON_free(text);
    free(tok);
    free(auth);
    free(base);
    free(url);
    return rc;
}

static int malformed(struct prov_result *r, const struct fk_error *err, bool ambiguous)
{
    r->cls = PROV_C_MALFORMED;
    r->ambiguous = ambiguous;
    snprintf(r->message, sizeof(r->message), "livekit: unexpected response: %s", err->msg);
    return FK_EINVAL;
}

static cJSON *one_string_array(cJSON *o, const char *key, const char *s)
{
    cJSON *a = cJSON_AddArrayToObject(o, key);
    if (a != NULL)
        cJSON_AddItemToArray(a, cJSON_CreateString(s));
    return o;
}

int prov_lk_list_trunks(struct prov_ctx *ctx, const char *number, struct prov_lk_items *out,
                        struct prov_result *r)
{
    cJSON *b = cJSON_CreateObject();
    if (b != NULL && number != NULL)
        one_string_array(b, "numbers", number);
    int rc = lk_call(ctx, "ListSIPInboundTrunk", b, true, r);
    struct fk_error err = {{0}};
    if (rc == 0 && prov_lk_parse_items(r->json, false, number, out, &err) != 0)
        rc = malformed(r, &err, false);
    return rc;
}

int prov_lk_create_trunk(struct prov_ctx *ctx, const char *name, const char *number, char *id,
                         size_t len, struct prov_result *r)
{
    cJSON *b = cJSON_CreateObject();
    cJSON *t = b ? cJSON_AddObjectToObject(b, "trunk") : NULL;
    if (t != NULL) {
        cJSON_AddStringToObject(t, "name", name);
        one_string_array(t, "numbers", number);
    }
    int rc = lk_call(ctx, "CreateSIPInboundTrunk", b, false, r);
    struct fk_error err = {{0}};
    if (rc == 0 && prov_lk_parse_id(r->json, "sip_trunk_id", "sipTrunkId", id, len, &err) != 0)
        rc = malformed(r, &err, true);
    return rc;
}

int prov_lk_list_rules(struct prov_ctx *ctx, const char *trunk, struct prov_lk_items *out,
                       struct prov_result *r)
{
    cJSON *b = cJSON_CreateObject();
    if (b != NULL && trunk != NULL)
        one_string_array(b, "trunkIds", trunk);
    int rc = lk_call(ctx, "ListSIPDispatchRule", b, true, r);
    struct fk_error err = {{0}};
    if (rc == 0 && prov_lk_parse_items(r->json, true, trunk, out, &err) != 0)
        rc = malformed(r, &err, false);
    return rc;
}

int prov_lk_create_rule(struct prov_ctx *ctx, const char *name, const char *trunk, char *id,
                        size_t len, struct prov_result *r)
{
    /* The flat (deprecated) request form, as the Node SDK sends it (docs/reference/livekit.md). */
    cJSON *b = cJSON_CreateObject();
    cJSON *rule = b ? cJSON_AddObjectToObject(b, "rule") : NULL;
    cJSON *ind = rule ? cJSON_AddObjectToObject(rule, "dispatchRuleIndividual") : NULL;
    if (ind != NULL) {
        cJSON_AddStringToObject(ind, "roomPrefix", "call-");
        one_string_array(b, "trunkIds", trunk);
        cJSON_AddStringToObject(b, "name", name);
    }
    int rc = lk_call(ctx, "CreateSIPDispatchRule", b, false, r);
    struct fk_error err = {{0}};
    if (rc == 0 &&
        prov_lk_parse_id(r->json, "sip_dispatch_rule_id", "sipDispatchRuleId", id, len, &err) != 0)
        rc = malformed(r, &err, true);
    return rc;
}

static int lk_delete(struct prov_ctx *ctx, const char *method, const char *key, const char *id,
                     struct prov_result *r)
{
    cJSON *b = cJSON_CreateObject();
    if (b != NULL)
        cJSON_AddStringToObject(b, key, id);
    int rc = lk_call(ctx, method, b, true, r);
    if (rc != 0 && r->cls == PROV_C_CLIENT && r->status == 404)
        rc = 0; /* not_found: already gone */
    return rc;
}

int prov_lk_delete_trunk(struct prov_ctx *ctx, const char *id, struct prov_result *r)
{
    return lk_delete(ctx, "DeleteSIPTrunk", "sipTrunkId", id, r);
}

int prov_lk_delete_rule(struct prov_ctx *ctx, const char *id, struct prov_result *r)
{
    return lk_delete(ctx, "DeleteSIPDispatchRule", "sipDispatchRuleId", id, r);
}
