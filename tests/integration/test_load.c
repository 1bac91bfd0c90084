/* test_load.c: many requests at 64 connections with a fault firing on 10% of them.
 *
 * fake_twilio gets one rule, probability 0.1 and a 503 answer, on the IncomingPhoneNumbers
 * list; libcurl multi keeps 64 keep-alive transfers in flight until LOAD_REQUESTS (default
 * 20,000, which runs in well under a minute under ASan in `make test`) are done. Then:
 *   - every answer is 200 or the injected 503 (zero other errors, zero failed transfers);
 *   - the rule's "fired" counter (GET /__admin/faults) equals the 503s seen, and is near 10%;
 *   - the journal (ring of --journal-size = min(N, 100000)) holds min(N, size) entries, the
 *     newest has seq N, and when it holds everything its 503 count equals the 503s seen;
 *   - the fake exits 0 on SIGTERM, so LeakSanitizer found no leak.
 * The full run is LOAD_REQUESTS=1000000 (or `make bench`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "tests/support/harness.h"

#define CONNS       64
#define JOURNAL_MAX 100000L
#define LIST_PATH                                                                                  \
    "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/IncomingPhoneNumbers.json"

static struct h_proc fake;
static long total;
static char journal_arg[32];

static size_t discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    (void)ptr;
    (void)userdata; /* bodies are not looked at */
    return size * nmemb;
}

static long admin_number(const char *path, const char *key)
{
    struct h_resp r;
    long v = -1;

    h_get(&fake, path, &r);
    cJSON *j = h_json(&r);
    const cJSON *n = cJSON_GetObjectItem(j, key);
    if (r.status == 200 && cJSON_IsNumber(n))
        v = (long)n->valuedouble;
    cJSON_Delete(j);
    h_resp_free(&r);
    return v;
}

static void test_load_with_faults(void **state)
{
    CURLM *multi = curl_multi_init();
    CURL *easy[CONNS];
    char url[256];
    long issued = 0, done = 0, ok = 0, injected = 0, other = 0, failed = 0;
    struct h_resp r;

    (void)state; /* the fake is global */
    h_post_json(&fake, "/__admin/faults",
                "{\"id\":\"ten\",\"match\":{\"method\":\"GET\",\"path\":"
                "\"/2010-04-01/Accounts/*/IncomingPhoneNumbers.json\"},"
                "\"probability\":0.1,\"action\":{\"status\":503,\"body\":{\"injected\":true}}}",
                &r);
    assert_int_equal(r.status, 201);
    h_resp_free(&r);

    snprintf(url, sizeof(url), "%s%s", fake.base, LIST_PATH);
    assert_non_null(multi);
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)CONNS);
    for (int i = 0; i < CONNS; i++) {
        easy[i] = curl_easy_init();
        assert_non_null(easy[i]);
        curl_easy_setopt(easy[i], CURLOPT_URL, url);
        curl_easy_setopt(easy[i], CURLOPT_USERPWD,
                         "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:test-auth-token");
        curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(easy[i], CURLOPT_TIMEOUT_MS, 30000L);
        curl_easy_setopt(easy[i], CURLOPT_TCP_KEEPALIVE, 1L);
        if (issued < total) {
            curl_multi_add_handle(multi, easy[i]);
            issued++;
        }
    }
    while (done < total) {
        int running = 0, left = 0;
        CURLMsg *m;

        if (curl_multi_perform(multi, &running) != CURLM_OK)
            fail_msg("curl_multi_perform failed");
        while ((m = curl_multi_info_read(multi, &left)) != NULL) {
            long status = 0;
            if (m->msg != CURLMSG_DONE)
                continue;
            CURL *e = m->easy_handle;
            done++;
            if (m->data.result != CURLE_OK) {
                failed++;
            } else {
                curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
                if (status == 200)
                    ok++;
                else if (status == 503)
                    injected++;
                else
                    other++;
            }
            curl_multi_remove_handle(multi, e);
            if (issued < total) {
                curl_multi_add_handle(multi, e); /* same handle: the connection is reused */
                issued++;
            }
        }
        if (done < total)
            curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    for (int i = 0; i < CONNS; i++)
        curl_easy_cleanup(easy[i]);
    curl_multi_cleanup(multi);
    print_message("load: %ld requests, %ld ok, %ld injected, %ld other, %ld failed\n", done, ok,
                  injected, other, failed);

    assert_int_equal(failed, 0);
    assert_int_equal(other, 0);
    assert_int_equal(ok + injected, total);
    assert_true(injected >= total / 20 && injected <= total * 3 / 20); /* about 10% */

    /* The rule's own counter agrees with what the clients saw. */
    h_get(&fake, "/__admin/faults", &r);
    cJSON *j = h_json(&r), *rule;
    long fired = -1;
    cJSON *arr = cJSON_IsArray(j) ? j : cJSON_GetObjectItem(j, "faults");
    cJSON_ArrayForEach(rule, arr)
    {
        const cJSON *id = cJSON_GetObjectItem(rule, "id");
        if (cJSON_IsString(id) && strcmp(id->valuestring, "ten") == 0)
            fired = (long)cJSON_GetObjectItem(rule, "fired")->valuedouble;
    }
    cJSON_Delete(j);
    h_resp_free(&r);
    assert_int_equal(fired, injected);

    /* The journal: a ring of min(N, JOURNAL_MAX) entries whose newest is the N-th. */
    long cap = total < JOURNAL_MAX ? total : JOURNAL_MAX;
    assert_int_equal(admin_number("/__admin/requests/count", "count"), cap);
    char q[128];
    snprintf(q, sizeof(q), "/__admin/requests?since=%ld", total - 1);
    h_get(&fake, q, &r);
    j = h_json(&r);
    arr = cJSON_IsArray(j) ? j : cJSON_GetObjectItem(j, "requests");
    assert_int_equal(cJSON_GetArraySize(arr), 1);
    assert_int_equal((long)cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "seq")->valuedouble,
                     total);
    cJSON_Delete(j);
    h_resp_free(&r);
    if (total <= JOURNAL_MAX) {
        long limit = total + 10;
        snprintf(q, sizeof(q), "/__admin/requests?status=503&limit=%ld", limit);
        h_get(&fake, q, &r);
        j = h_json(&r);
        arr = cJSON_IsArray(j) ? j : cJSON_GetObjectItem(j, "requests");
        assert_int_equal(cJSON_GetArraySize(arr), injected);
        cJSON_Delete(j);
        h_resp_free(&r);
    }
}

static int setup(void **state)
{
    const char *env = getenv("LOAD_REQUESTS");
    const char *args[] = {"--journal-size", journal_arg, "--seed", "7", NULL};

    (void)state; /* globals */
    total = env != NULL ? strtol(env, NULL, 10) : 20000;
    if (total < 100)
        total = 100;
    snprintf(journal_arg, sizeof(journal_arg), "%ld", total < JOURNAL_MAX ? total : JOURNAL_MAX);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return h_start(&fake, "fake_twilio", args);
}

static int teardown(void **state)
{
    (void)state; /* globals */
    int rc = h_stop(&fake);
    curl_global_cleanup();
    return rc == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_with_faults),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
