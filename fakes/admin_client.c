/* admin_client.c: blocking libcurl requests to the fakes' admin API, with the admin token
 * (fakes/token.c) when there is one. */
#include "fakes/admin_client.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

static const char *admin_token;

static const char *ca_file;

void fx_http_set_ca(const char *path)
{
    ca_file = path;
}

const char *fx_http_ca(void)
{
    return ca_file;
}

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

/* The request's header list: its own headers, plus a JSON Content-Type for a body when it
 * names none. NULL with *oom set on ENOMEM (NULL is also the empty list). */
static struct curl_slist *header_list(const struct fx_http_req *rq, bool *oom)
{
    struct curl_slist *hl = NULL, *nl;
    bool typed = false;

    *oom = false;
    /* The admin token goes to the admin API only: the services' own APIs carry their own
     * Authorization (a user's token, a LiveKit key token). */
    if (admin_token != NULL && strstr(rq->url, "/__admin") != NULL) {
        char auth[512];
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", admin_token);
        if ((nl = curl_slist_append(hl, auth)) == NULL)
            goto oom;
        hl = nl;
    }
    for (size_t i = 0; rq->headers != NULL && rq->headers[i] != NULL; i++) {
        typed |= strncasecmp(rq->headers[i], "Content-Type:", 13) == 0;
        if ((nl = curl_slist_append(hl, rq->headers[i])) == NULL)
            goto oom;
        hl = nl;
    }
    if (rq->body != NULL && !typed) {
        if ((nl = curl_slist_append(hl, "Content-Type: application/json")) == NULL)
            goto oom;
        hl = nl;
    }
    return hl;
oom:
    curl_slist_free_all(hl);
    *oom = true;
    return NULL;
}

int fx_http_do(const char *method, const char *url, const char *body, long timeout_ms,
               struct fx_http *out)
{
    struct fx_http_req rq = {.method = method, .url = url, .body = body, .timeout_ms = timeout_ms};

    return fx_http_send(&rq, out);
}

int fx_http_send(const struct fx_http_req *rq, struct fx_http *out)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hl = NULL;
    struct sink b = {0};
    char errbuf[CURL_ERROR_SIZE] = "";
    CURLcode cc;
    bool oom;
    int rc = FK_ENOMEM;

    memset(out, 0, sizeof(*out));
    hl = header_list(rq, &oom);
    if (c == NULL || oom)
        goto out;
    if (rq->body != NULL) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(rq->body));
    }
    if (rq->userpwd != NULL) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERPWD, rq->userpwd);
    }
    curl_easy_setopt(c, CURLOPT_URL, rq->url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, rq->timeout_ms > 0 ? rq->timeout_ms : 10000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    /* The fakes listen on loopback; a CI runner's http_proxy must not capture that. */
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    if (ca_file != NULL) /* the fakes of `up --tls`: their throw-away CA and nothing else */
        curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
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
