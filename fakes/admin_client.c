/* admin_client.c: blocking libcurl requests to the fakes' admin API, with the admin token
 * (fakes/token.c) when there is one. */
#include "fakes/admin_client.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

static const char *admin_token;

void fx_http_set_admin_token(const char *token)
{
    admin_token = token;
}

int fx_http_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : FK_EIO;
}

void fx_http_global_cleanup(void)
{
    curl_global_cleanup();
}

struct sink {
    char *data;
    size_t len;
    bool oom;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct sink *s = userdata;
    size_t n = size * nmemb;
    char *d = realloc(s->data, s->len + n + 1);

    if (d == NULL) {
        s->oom = true;
        return 0; /* makes curl stop with CURLE_WRITE_ERROR */
    }
    memcpy(d + s->len, ptr, n);
    s->len += n;
    d[s->len] = '\0';
    s->data = d;
    return n;
}

int fx_http_do(const char *method, const char *url, const char *body, long timeout_ms,
               struct fx_http *out)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hl = NULL;
    struct sink b = {0};
    char errbuf[CURL_ERROR_SIZE] = "";
    CURLcode cc;
    int rc = FK_ENOMEM;

    memset(out, 0, sizeof(*out));
    if (c == NULL)
        goto out;
    if (admin_token != NULL) {
        char auth[512];
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", admin_token);
        struct curl_slist *nl = curl_slist_append(hl, auth);
        if (nl == NULL)
            goto out;
        hl = nl;
    }
    if (body != NULL) {
        struct curl_slist *nl = curl_slist_append(hl, "Content-Type: application/json");
        if (nl == NULL)
            goto out;
        hl = nl;
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 10000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    /* The fakes listen on loopback; a CI runner's http_proxy must not capture that. */
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    cc = curl_easy_perform(c);
    if (b.oom) {
        rc = FK_ENOMEM;
    } else if (cc != CURLE_OK) {
        snprintf(out->error, sizeof(out->error), "%s", *errbuf ? errbuf : curl_easy_strerror(cc));
        rc = FK_EIO;
    } else {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
        rc = 0;
    }
out:
    out->body = b.data != NULL ? b.data : strdup("");
    if (out->body == NULL)
        rc = FK_ENOMEM;
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    return rc;
}

void fx_http_cleanup(struct fx_http *r)
{
    free(r->body);
    r->body = NULL;
}

const char *fx_admin_error_text(const struct fx_http *r)
{
    static __thread char msg[512];
    cJSON *j = cJSON_Parse(r->body != NULL ? r->body : "");
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");

    snprintf(msg, sizeof(msg), "%s",
             cJSON_IsString(e) ? e->valuestring : (r->body != NULL ? r->body : ""));
    cJSON_Delete(j);
    return msg;
}

int fx_admin_get_json(const char *base_url, const char *path, cJSON **json, struct fk_error *err)
{
    struct fx_http r;
    char url[1024];
    int rc;

    *json = NULL;
    snprintf(url, sizeof(url), "%s%s", base_url, path);
    rc = fx_http_do("GET", url, NULL, 0, &r);
    if (rc == FK_EIO)
        fk_error_set(err, "GET %s: %s", url, r.error);
    else if (rc == 0 && r.status != 200)
        fk_error_set(err, "GET %s: status %ld: %s", url, r.status, fx_admin_error_text(&r));
    else if (rc == 0 && (*json = cJSON_Parse(r.body)) == NULL)
        fk_error_set(err, "GET %s: the answer is not JSON", url);
    else if (rc != 0)
        fk_error_set(err, "GET %s: out of memory", url);
    if (rc == 0 && *json == NULL)
        rc = FK_EIO;
    fx_http_cleanup(&r);
    return rc;
}
