/* supabase_api.c: GoTrue user lookup and PostgREST requests with the service_role key.
 *
 * Filters are built as PostgREST query text with every value URL-escaped; the fake (and
 * PostgREST) form-decode the query before parsing filters. */
#include "provisioner/supabase_api.h"

#include <stdlib.h>
#include <string.h>

#define COPY_STR(row, key, field) prov_json_str((row), (key), (field), sizeof(field))

int prov_sb_parse_user(const cJSON *body, char *id, size_t idlen, struct fk_error *err)
{
    const cJSON *u = body;
    /* GoTrue answers the bare user; {"user":{...}} is accepted too (docs/reference/supabase.md). */
    const cJSON *inner =
        cJSON_IsObject(body) ? cJSON_GetObjectItemCaseSensitive(body, "user") : NULL;
    if (cJSON_IsObject(inner) && !cJSON_HasObjectItem(body, "id"))
        u = inner;
    if (!cJSON_IsObject(u)) {
        fk_error_set(err, "user: expected an object");
        return FK_EINVAL;
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(u, "id");
    if (!cJSON_IsString(v) || v->valuestring == NULL || v->valuestring[0] == '\0' ||
        strlen(v->valuestring) >= idlen) {
        fk_error_set(err, "user.id: expected a non-empty string");
        return FK_EINVAL;
    }
    snprintf(id, idlen, "%s", v->valuestring);
    return 0;
}

int prov_sb_first_row(const cJSON *body, const cJSON **row, struct fk_error *err)
{
    *row = NULL;
    if (!cJSON_IsArray(body)) {
        fk_error_set(err, "rows: expected an array");
        return FK_EINVAL;
    }
    const cJSON *first = cJSON_GetArrayItem(body, 0);
    if (first != NULL && !cJSON_IsObject(first)) {
        fk_error_set(err, "rows[0]: expected an object");
        return FK_EINVAL;
    }
    *row = first;
    return 0;
}

/* Optional string columns may be null; a column of another type is an error. */
int prov_sb_check_row(const cJSON *row, const char *where, struct fk_error *err)
{
    if (!cJSON_IsObject(row)) {
        fk_error_set(err, "%s: expected an object", where);
        return FK_EINVAL;
    }
    const cJSON *it = NULL;
    cJSON_ArrayForEach(it, row)
    {
        if (it->string != NULL &&
            (strcmp(it->string, "attempts") == 0 || strcmp(it->string, "fence") == 0)) {
            if (!cJSON_IsNumber(it)) {
                fk_error_set(err, "%s.%s: expected a number", where, it->string);
                return FK_EINVAL;
            }
            continue;
        }
        if (!cJSON_IsString(it) && !cJSON_IsNull(it)) {
            fk_error_set(err, "%s.%s: expected a string or null", where,
                         it->string ? it->string : "?");
            return FK_EINVAL;
        }
        if (cJSON_IsString(it) && strlen(it->valuestring) > 255 &&
            strcmp(it->string != NULL ? it->string : "", "last_error") != 0) {
            fk_error_set(err, "%s.%s: too long", where, it->string ? it->string : "?");
            return FK_EINVAL;
        }
    }
    return 0;
}

int prov_sb_parse_phone(const cJSON *row, struct prov_sb_phone *out, struct fk_error *err)
{
    memset(out, 0, sizeof(*out));
    int rc = prov_sb_check_row(row, "phone_numbers[0]", err);
    if (rc != 0)
        return rc;
    COPY_STR(row, "id", out->id);
    COPY_STR(row, "status", out->status);
    COPY_STR(row, "livekit_trunk_id", out->trunk_id);
    COPY_STR(row, "dispatch_rule_id", out->rule_id);
    COPY_STR(row, "job_id", out->job_id);
    if (!COPY_STR(row, "user_id", out->user_id) ||
        !COPY_STR(row, "phone_number", out->phone_number) ||
        !COPY_STR(row, "twilio_sid", out->twilio_sid)) {
        fk_error_set(err, "phone_numbers[0]: user_id, phone_number and twilio_sid are required");
        return FK_EINVAL;
    }
    return 0;
}

const char *prov_sb_error_code(const cJSON *body)
{
    const cJSON *c = cJSON_IsObject(body) ? cJSON_GetObjectItemCaseSensitive(body, "code") : NULL;
    return cJSON_IsString(c) && c->valuestring ? c->valuestring : "";
}

static struct curl_slist *add_header(struct curl_slist *h, bool *ok, const char *fmt, const char *v)
{
    char *line = prov_strf(fmt, v);
    struct curl_slist *n = line ? curl_slist_append(h, line) : NULL;
    free(line);
    if (n == NULL) {
        *ok = false;
        return h;
    }
    return n;
}

int prov_sb_get_user(struct prov_ctx *ctx, const char *token, char *user_id, size_t len,
                     struct prov_result *r)
{
    bool ok = true;
    struct curl_slist *h = NULL;
    h = add_header(h, &ok, "apikey: %s", ctx->cfg->sb_anon);
    h = add_header(h, &ok, "Authorization: Bearer %s", token);
    h = add_header(h, &ok, "Accept: %s", "application/json");
    char *base = prov_base(ctx->cfg->sb_url);
    char *url = base ? prov_strf("%s/auth/v1/user", base) : NULL;
    int rc = FK_ENOMEM;
    if (ok && url != NULL) {
        struct prov_call c = {.service = "supabase",
                              .method = "GET",
                              .url = url,
                              .headers = h,
                              .expect_json = true,
                              .idempotent = true,
                              .credential = "SUPABASE_ANON_KEY and the user's token"};
        rc = prov_call(ctx, &c, r);
        struct fk_error err = {{0}};
        if (rc == 0 && prov_sb_parse_user(r->json, user_id, len, &err) != 0) {
            r->cls = PROV_C_MALFORMED;
            snprintf(r->message, sizeof(r->message), "supabase: unexpected user: %s", err.msg);
            rc = FK_EINVAL;
        }
    }
    curl_slist_free_all(h);
    free(base);
    free(url);
    return rc;
}

static int sb_rest(struct prov_ctx *ctx, const char *method, const char *path_query,
                   const char *body, const char *prefer, bool idempotent, struct prov_result *r)
{
    bool ok = true;
    struct curl_slist *h = NULL;
    h = add_header(h, &ok, "apikey: %s", ctx->cfg->sb_service);
    h = add_header(h, &ok, "Authorization: Bearer %s", ctx->cfg->sb_service);
    h = add_header(h, &ok, "Accept: %s", "application/json");
    if (body != NULL)
        h = add_header(h, &ok, "Content-Type: %s", "application/json");
    if (prefer != NULL)
        h = add_header(h, &ok, "Prefer: %s", prefer);
    char *base = prov_base(ctx->cfg->sb_url);
    char *url = base ? prov_strf("%s/rest/v1/%s", base, path_query) : NULL;
    int rc = FK_ENOMEM;
    if (ok && url != NULL) {
        struct prov_call c = {.service = "supabase",
                              .method = method,
                              .url = url,
                              .headers = h,
                              .body = body,
                              .expect_json = true,
                              .allow_empty = true,
                              .idempotent = idempotent,
                              .credential = "SUPABASE_SERVICE_ROLE_KEY"};
        rc = prov_call(ctx, &c, r);
    }
    curl_slist_free_all(h);
    free(base);
    free(url);
    return rc;
}

int prov_sb_rest(struct prov_ctx *ctx, const char *method, const char *path_query, const char *body,
                 const char *prefer, struct prov_result *r)
{
    return sb_rest(ctx, method, path_query, body, prefer, true, r);
}

int prov_sb_rest_once(struct prov_ctx *ctx, const char *method, const char *path_query,
                      const char *body, const char *prefer, struct prov_result *r)
{
    return sb_rest(ctx, method, path_query, body, prefer, false, r);
}

/* GET one phone_numbers row matching filter (already escaped). */
static int phone_query(struct prov_ctx *ctx, const char *filter, struct prov_sb_phone *out,
                       bool *found, struct prov_result *r)
{
    *found = false;
    char *q = prov_strf("phone_numbers?select=*&%s&limit=1", filter);
    int rc = q ? prov_sb_rest(ctx, "GET", q, NULL, NULL, r) : FK_ENOMEM;
    free(q);
    if (rc != 0)
        return rc;
    const cJSON *row = NULL;
    struct fk_error err = {{0}};
    if (prov_sb_first_row(r->json, &row, &err) == 0 &&
        (row == NULL || prov_sb_parse_phone(row, out, &err) == 0)) {
        *found = row != NULL;
        return 0;
    }
    r->cls = PROV_C_MALFORMED;
    snprintf(r->message, sizeof(r->message), "supabase: unexpected phone_numbers: %s", err.msg);
    return FK_EINVAL;
}

int prov_sb_active_phone(struct prov_ctx *ctx, const char *user_id, struct prov_sb_phone *out,
                         bool *found, struct prov_result *r)
{
    char *u = prov_escape(user_id);
    char *f = u ? prov_strf("user_id=eq.%s&status=eq.active", u) : NULL;
    int rc = f ? phone_query(ctx, f, out, found, r) : FK_ENOMEM;
    free(u);
    free(f);
    return rc;
}

int prov_sb_phone_by_sid(struct prov_ctx *ctx, const char *sid, struct prov_sb_phone *out,
                         bool *found, struct prov_result *r)
{
    char *f = prov_eq("twilio_sid=eq.", sid);
    int rc = f ? phone_query(ctx, f, out, found, r) : FK_ENOMEM;
    free(f);
    return rc;
}

/* Whether p's row is stored as the user's active row (*mine): 0, or the look-up's fk_err. */
static int phone_is_mine(struct prov_ctx *ctx, const struct prov_sb_phone *p, bool *mine)
{
    struct prov_sb_phone row;
    bool found = false;
    struct prov_result r2;
    prov_result_init(&r2);
    int rc = prov_sb_phone_by_sid(ctx, p->twilio_sid, &row, &found, &r2);
    prov_result_cleanup(&r2);
    *mine = rc == 0 && found && strcmp(row.user_id, p->user_id) == 0 &&
            strcmp(row.status, "active") == 0;
    return rc;
}

int prov_sb_insert_phone(struct prov_ctx *ctx, const struct prov_sb_phone *p, const char *country,
                         const char *type, struct prov_result *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "user_id", p->user_id);
    cJSON_AddStringToObject(o, "phone_number", p->phone_number);
    cJSON_AddStringToObject(o, "twilio_sid", p->twilio_sid);
    cJSON_AddStringToObject(o, "country_code", country);
    cJSON_AddStringToObject(o, "number_type", type);
    cJSON_AddStringToObject(o, "status", "active");
    cJSON_AddStringToObject(o, "job_id", p->job_id);
    char *body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    int rc = body ? FK_EIO : FK_ENOMEM;
    /* An insert whose answer was lost is looked up before it is sent again. */
    for (int tries = 0; body != NULL && tries < PROV_RESEND_MAX; tries++) {
        rc = prov_sb_rest_once(ctx, "POST", "phone_numbers", body, "return=minimal", r);
        bool conflict =
            rc != 0 && r->status == 409 && strcmp(prov_sb_error_code(r->json), "23505") == 0;
        if (rc == 0 || (!conflict && !r->ambiguous))
            break;
        bool mine = false;
        if (phone_is_mine(ctx, p, &mine) != 0)
            break; /* rc: the insert's failure */
        if (mine) {
            rc = 0;
            break;
        }
        if (conflict)
            break; /* stored, but not as this user's active row */
    }
    cJSON_free(body);
    return rc;
}

/* method on phone_numbers?<prefix><value escaped> with body (may be NULL), return=minimal. */
static int phone_rows(struct prov_ctx *ctx, const char *method, const char *prefix,
                      const char *value, const char *body, struct prov_result *r)
{
    char *q = prov_eq(prefix, value);
    int rc = q ? prov_sb_rest(ctx, method, q, body, "return=minimal", r) : FK_ENOMEM;
    free(q);
    return rc;
}

int prov_sb_patch_phone(struct prov_ctx *ctx, const char *sid, const cJSON *fields,
                        struct prov_result *r)
{
    char *body = cJSON_PrintUnformatted(fields);
    int rc =
        body ? phone_rows(ctx, "PATCH", "phone_numbers?twilio_sid=eq.", sid, body, r) : FK_ENOMEM;
    cJSON_free(body);
    return rc;
}

int prov_sb_delete_phone(struct prov_ctx *ctx, const char *sid, struct prov_result *r)
{
    return phone_rows(ctx, "DELETE", "phone_numbers?twilio_sid=eq.", sid, NULL, r);
}

int prov_sb_mark_released(struct prov_ctx *ctx, const char *sid, struct prov_result *r)
{
    return phone_rows(ctx, "PATCH", "phone_numbers?status=eq.active&twilio_sid=eq.", sid,
                      "{\"status\":\"released\"}", r);
}

int prov_sb_delete_released(struct prov_ctx *ctx, const char *sid, struct prov_result *r)
{
    return phone_rows(ctx, "DELETE", "phone_numbers?status=eq.released&twilio_sid=eq.", sid, NULL,
                      r);
}

int prov_sb_all_phones(struct prov_ctx *ctx, cJSON **rows, struct prov_result *r)
{
    *rows = NULL;
    int rc = prov_sb_rest(ctx, "GET", "phone_numbers?select=*&status=eq.active", NULL, NULL, r);
    if (rc != 0)
        return rc;
    if (!cJSON_IsArray(r->json)) {
        r->cls = PROV_C_MALFORMED;
        snprintf(r->message, sizeof(r->message), "supabase: phone_numbers: expected an array");
        return FK_EINVAL;
    }
    *rows = r->json;
    r->json = NULL;
    return 0;
}

int prov_sb_clear_profile_number(struct prov_ctx *ctx, const char *user_id, const char *number,
                                 const char *sid, struct prov_result *r)
{
    /* Inside or=(...) a value holding '+' or '.' is double-quoted (PostgREST). */
    char *cond = prov_strf("(twilio_sid.eq.\"%s\",and(twilio_sid.is.null,phone_number.eq.\"%s\"))",
                           sid, number);
    char *c = cond ? prov_escape(cond) : NULL;
    char *u = prov_escape(user_id);
    char *q = u && c ? prov_strf("profiles?id=eq.%s&or=%s", u, c) : NULL;
    int rc = q ? prov_sb_rest(ctx, "PATCH", q, "{\"phone_number\":null,\"twilio_sid\":null}",
                              "return=minimal", r)
               : FK_ENOMEM;
    free(cond);
    free(c);
    free(u);
    free(q);
    return rc;
}

int prov_sb_set_profile_number(struct prov_ctx *ctx, const char *user_id, const char *number,
                               const char *sid, struct prov_result *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", user_id);
    cJSON_AddStringToObject(o, "phone_number", number);
    cJSON_AddStringToObject(o, "twilio_sid", sid);
    char *body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    int rc = body ? prov_sb_rest(ctx, "POST", "profiles?on_conflict=id", body,
                                 "resolution=merge-duplicates, return=minimal", r)
                  : FK_ENOMEM;
    cJSON_free(body);
    return rc;
}
