/* test_supabase_rest_support.h: shared helpers of the /rest/v1 integration tests.
 *
 * Header-only (static functions) because the build links one binary per test file and
 * tests/support/ belongs to the harness. Each test file starts its own fake_supabase with
 * the default schema, seeds two users through POST /__admin/state and talks to /rest/v1
 * with the Supabase CLI's well-known keys (docs/reference/supabase.md section 5). */
#ifndef TEST_SUPABASE_REST_SUPPORT_H
#define TEST_SUPABASE_REST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "tests/support/harness.h"

#define ANON                                                                                       \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."                                                        \
    "eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9."                    \
    "CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0"
#define SERVICE                                                                                    \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."                                                        \
    "eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0."         \
    "EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU"
#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"

static struct h_proc fake;

/* One request to the fake. bearer NULL: "Bearer <apikey>"; extra: NULL-terminated headers. */
static inline void rest(const char *method, const char *path, const char *apikey,
                        const char *bearer, const char *const *extra, const char *body,
                        struct h_resp *r)
{
    char url[2048], key[600], auth[2600];
    const char *h[16];
    size_t n = 0;

    snprintf(url, sizeof url, "%s%s", fake.base, path);
    if (apikey != NULL) {
        snprintf(key, sizeof key, "apikey: %s", apikey);
        h[n++] = key;
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer ? bearer : apikey);
        h[n++] = auth;
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        h[n++] = "Content-Type: application/json";
    for (size_t i = 0; extra != NULL && extra[i] != NULL && n < 15; i++)
        h[n++] = extra[i];
    h[n] = NULL;
    assert_int_equal(h_request(method, url, h, body, 0, r), 0);
}

/* The status must be want; returns the parsed body (NULL when empty). */
static inline cJSON *expect(struct h_resp *r, long want)
{
    if (r->status != want)
        fail_msg("status %ld, want %ld: %s", r->status, want, r->body);
    return r->len > 0 ? h_json(r) : NULL;
}

/* An error body: all four PostgREST keys, and the code. */
static inline void expect_error(struct h_resp *r, long status, const char *code)
{
    cJSON *j = expect(r, status);
    const char *keys[] = {"code", "details", "hint", "message"};

    if (j == NULL)
        fail_msg("no JSON error body: %s", r->body);
    for (size_t i = 0; i < 4; i++)
        if (!cJSON_HasObjectItem(j, keys[i]))
            fail_msg("error body lacks %s: %s", keys[i], r->body);
    if (strcmp(cJSON_GetObjectItem(j, "code")->valuestring, code) != 0)
        fail_msg("code %s, want %s", cJSON_GetObjectItem(j, "code")->valuestring, code);
    cJSON_Delete(j);
    h_resp_free(r);
}

static inline const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "(missing)";
}

/* The status must be want and the body's member key the string value; frees r. */
static inline void expect_str(struct h_resp *r, long want, const char *key, const char *value)
{
    cJSON *j = expect(r, want);

    if (strcmp(jstr(j, key), value) != 0)
        fail_msg("%s is %s, want %s: %s", key, jstr(j, key), value, r->body);
    cJSON_Delete(j);
    h_resp_free(r);
}

/* A user's access token from GoTrue's password grant. Caller frees. */
static inline char *sign_in(const char *email, const char *password)
{
    char body[256];
    struct h_resp r;
    cJSON *j;
    char *token;

    snprintf(body, sizeof body, "{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
    rest("POST", "/auth/v1/token?grant_type=password", ANON, NULL, NULL, body, &r);
    j = expect(&r, 200);
    token = strdup(jstr(j, "access_token"));
    cJSON_Delete(j);
    h_resp_free(&r);
    return token;
}

static inline int start_fake(void **state)
{
    struct h_resp r;
    cJSON *j;

    (void)state; /* one fake for the whole file */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (h_start(&fake, "fake_supabase", NULL) != 0)
        return -1;
    assert_int_equal(h_post_json(&fake, "/__admin/state",
                                 "{\"users\":[{\"id\":\"" U1 "\",\"email\":\"one@example.com\","
                                 "\"password\":\"secret-one\"},{\"id\":\"" U2
                                 "\",\"email\":\"two@example.com\",\"password\":\"secret-two\"}]}",
                                 &r),
                     0);
    if (r.status / 100 != 2)
        fail_msg("seed users: %ld %s", r.status, r.body);
    h_resp_free(&r);
    assert_int_equal(h_get(&fake, "/__admin/health", &r), 0);
    j = h_json(&r);
    assert_string_equal(jstr(j, "service"), "supabase");
    cJSON_Delete(j);
    h_resp_free(&r);
    return 0;
}

static inline int stop_fake(void **state)
{
    (void)state;
    assert_int_equal(h_stop(&fake), 0);
    curl_global_cleanup();
    return 0;
}

#endif
