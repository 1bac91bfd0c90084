/* test_twilio.c: fake_twilio end to end over HTTP: search, buy, fetch, update, list paging,
 * release, magic numbers, authentication, native errors for fault rules and rate limits,
 * and the admin state. One fake for the file, reset before each test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <openssl/evp.h>

#include "tests/support/harness.h"

#define ACCOUNT  "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define TOKEN    "test-auth-token"
#define KEY      "SK0123456789abcdef0123456789abcdef"
#define SECRET   "key-secret"
#define OTHER    "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define OTHER_TK "other-token"
#define BASE     "/2010-04-01/Accounts/" ACCOUNT
#define IPN      BASE "/IncomingPhoneNumbers.json"

static struct h_proc fake;

static int setup(void **state)
{
    static const char *const args[] = {"--seed",       "7",    "--api-key", KEY,
                                       "--api-secret", SECRET, NULL};

    (void)state; /* one fake for the whole file */
    return h_suite_start(&fake, "fake_twilio", args);
}

static int teardown(void **state)
{
    (void)state; /* as in setup */
    return h_suite_stop(&fake);
}

static int reset_each(void **state)
{
    (void)state; /* the fake is shared by the file */
    return h_admin_reset(&fake);
}

/* "Authorization: Basic base64(user:pass)" in a static buffer. */
static const char *basic(const char *user, const char *pass)
{
    static char hdr[256];
    char raw[128];
    unsigned char b64[200];
    int n = snprintf(raw, sizeof raw, "%s:%s", user, pass);

    EVP_EncodeBlock(b64, (const unsigned char *)raw, n);
    snprintf(hdr, sizeof hdr, "Authorization: Basic %s", (const char *)b64);
    return hdr;
}

/* One request as user:pass (user NULL: no credentials); body is a form. */
static void req_as(const char *user, const char *pass, const char *method, const char *path,
                   const char *form, struct h_resp *r)
{
    char url[2048];
    const char *hdrs[3] = {NULL, NULL, NULL};
    size_t n = 0;

    if (user != NULL)
        hdrs[n++] = basic(user, pass);
    if (form != NULL)
        hdrs[n++] = "Content-Type: application/x-www-form-urlencoded";
    snprintf(url, sizeof url, "%s%s", fake.base, path);
    h_request(method, url, hdrs, form, 0, r);
}

static cJSON *call(const char *method, const char *path, const char *form, long want_status)
{
    struct h_resp r;
    cJSON *j;

    req_as(ACCOUNT, TOKEN, method, path, form, &r);
    if (r.status != want_status)
        fail_msg("%s %s: status %ld, want %ld: %s", method, path, r.status, want_status, r.body);
    j = h_json(&r);
    h_resp_free(&r);
    return j;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsNumber(v) ? v->valueint : -1;
}

static void expect_error(const cJSON *body, int code, int status)
{
    assert_non_null(body);
    assert_int_equal(num(body, "code"), code);
    assert_int_equal(num(body, "status"), status);
    assert_non_null(str(body, "message"));
    assert_non_null(strstr(str(body, "more_info"), "twilio.com/docs/errors/"));
}

static void search_answers_filtered_inventory(void **state)
{
    const char *path = BASE "/AvailablePhoneNumbers/US/Local.json?AreaCode=415&SmsEnabled=true"
                            "&PageSize=5";
    cJSON *b = call("GET", path, NULL, 200), *item;
    const cJSON *arr = cJSON_GetObjectItem(b, "available_phone_numbers");

    (void)state;
    assert_string_equal(str(b, "uri"), path);
    assert_int_equal(cJSON_GetArraySize(arr), 5);
    cJSON_ArrayForEach(item, arr)
    {
        const cJSON *caps = cJSON_GetObjectItem(item, "capabilities");
        assert_int_equal(cJSON_GetArraySize(item), 13);
        assert_int_equal(strncmp(str(item, "phone_number"), "+1415", 5), 0);
        assert_string_equal(str(item, "region"), "CA");
        assert_string_equal(str(item, "iso_country"), "US");
        assert_string_equal(str(item, "latitude"), "37.774900");
        assert_true(cJSON_IsTrue(cJSON_GetObjectItem(caps, "SMS")));
        assert_non_null(cJSON_GetObjectItem(caps, "MMS"));
        assert_non_null(cJSON_GetObjectItem(caps, "voice"));
        assert_non_null(cJSON_GetObjectItem(caps, "fax"));
    }
    cJSON_Delete(b);

    b = call("GET", BASE "/AvailablePhoneNumbers/US/TollFree.json?PageSize=3", NULL, 200);
    item = cJSON_GetArrayItem(cJSON_GetObjectItem(b, "available_phone_numbers"), 0);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(item, "latitude")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(item, "region")));
    cJSON_Delete(b);

    b = call("GET", BASE "/AvailablePhoneNumbers/GB/Mobile.json?Contains=%2B447%25", NULL, 200);
    arr = cJSON_GetObjectItem(b, "available_phone_numbers");
    assert_int_equal(cJSON_GetArraySize(arr), 50); /* default PageSize */
    item = cJSON_GetArrayItem(arr, 0);
    assert_string_equal(str(item, "friendly_name"), str(item, "phone_number"));
    cJSON_Delete(b);

    b = call("GET", BASE "/AvailablePhoneNumbers/US/Local.json?AreaCode=999", NULL, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(b, "available_phone_numbers")), 0);
    cJSON_Delete(b);

    b = call("GET", BASE "/AvailablePhoneNumbers/US/Local.json?PageSize=1001", NULL, 400);
    expect_error(b, 20001, 400);
    cJSON_Delete(b);
    b = call("GET", BASE "/AvailablePhoneNumbers/US/Voip.json", NULL, 404);
    expect_error(b, 20404, 404);
    cJSON_Delete(b);
}

/* The first free local number in area 415 (caller frees). */
static char *first_free(const char *query)
{
    char path[512];
    cJSON *b, *item;
    char *pn;

    snprintf(path, sizeof path, BASE "/AvailablePhoneNumbers/US/Local.json?%s", query);
    b = call("GET", path, NULL, 200);
    item = cJSON_GetArrayItem(cJSON_GetObjectItem(b, "available_phone_numbers"), 0);
    pn = item != NULL ? strdup(str(item, "phone_number")) : NULL;
    cJSON_Delete(b);
    return pn;
}

static int search_count(const char *number)
{
    char path[512];
    cJSON *b;
    int n;

    /* Contains with both anchors finds exactly that number. */
    snprintf(path, sizeof path, BASE "/AvailablePhoneNumbers/US/Local.json?Contains=%%2B%s%%24",
             number + 1);
    b = call("GET", path, NULL, 200);
    n = cJSON_GetArraySize(cJSON_GetObjectItem(b, "available_phone_numbers"));
    cJSON_Delete(b);
    return n;
}

static void buy_fetch_update_release(void **state)
{
    char *pn = first_free("AreaCode=415&PageSize=1");
    char form[256], path[256], friendly[32];
    cJSON *b, *caps;
    const char *sid;

    (void)state;
    assert_non_null(pn);
    assert_int_equal(search_count(pn), 1);
    snprintf(form, sizeof form, "PhoneNumber=%%2B%s&VoiceUrl=http%%3A%%2F%%2Fx.test%%2Fv", pn + 1);
    b = call("POST", IPN, form, 201);
    assert_int_equal(cJSON_GetArraySize(b), 35);
    sid = str(b, "sid");
    assert_int_equal(strlen(sid), 34);
    assert_int_equal(strncmp(sid, "PN", 2), 0);
    assert_int_equal(strspn(sid + 2, "0123456789abcdef"), 32);
    assert_string_equal(str(b, "phone_number"), pn);
    snprintf(friendly, sizeof friendly, "(%.3s) %.3s-%.4s", pn + 2, pn + 5, pn + 8);
    assert_string_equal(str(b, "friendly_name"), friendly);
    assert_string_equal(str(b, "voice_url"), "http://x.test/v");
    assert_string_equal(str(b, "status"), "in-use");
    assert_string_equal(str(b, "account_sid"), ACCOUNT);
    assert_string_equal(str(b, "sms_url"), "");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(b, "trunk_sid")));
    assert_non_null(strstr(str(b, "date_created"), " +0000"));
    assert_int_equal(str(b, "date_created")[3], ',');
    caps = cJSON_GetObjectItem(b, "capabilities");
    assert_non_null(cJSON_GetObjectItem(caps, "sms")); /* lower case here */
    snprintf(path, sizeof path, BASE "/IncomingPhoneNumbers/%s.json", sid);
    assert_string_equal(str(b, "uri"), path);
    cJSON_Delete(b);

    /* Bought: gone from search, and a second purchase is 21422. */
    assert_int_equal(search_count(pn), 0);
    b = call("POST", IPN, form, 400);
    expect_error(b, 21422, 400);
    cJSON_Delete(b);

    b = call("GET", path, NULL, 200);
    assert_string_equal(str(b, "phone_number"), pn);
    cJSON_Delete(b);
    b = call("POST", path, "FriendlyName=job-42&SmsUrl=https%3A%2F%2Fs.test&TrunkSid=TK1", 200);
    assert_string_equal(str(b, "friendly_name"), "job-42");
    assert_string_equal(str(b, "sms_url"), "https://s.test");
    assert_string_equal(str(b, "voice_url"), "http://x.test/v");
    assert_string_equal(str(b, "trunk_sid"), "TK1");
    cJSON_Delete(b);

    b = call("DELETE", path, NULL, 204);
    assert_null(b); /* empty body */
    b = call("GET", path, NULL, 404);
    expect_error(b, 20404, 404);
    assert_non_null(strstr(str(b, "message"), path));
    cJSON_Delete(b);
    b = call("DELETE", path, NULL, 404);
    cJSON_Delete(b);
    b = call("POST", path, "FriendlyName=x", 404);
    cJSON_Delete(b);
    /* Released: back in the inventory. */
    assert_int_equal(search_count(pn), 1);
    free(pn);
}

static void magic_numbers(void **state)
{
    static const struct {
        const char *form;
        long status;
        int code;
        const char *number;
    } cases[] = {
        {"PhoneNumber=%2B15005550006", 201, 0, "+15005550006"},
        {"PhoneNumber=%2B15005550006", 201, 0, "+15005550006"}, /* again: test numbers repeat */
        {"PhoneNumber=%2B15005550000", 400, 21422, NULL},
        {"PhoneNumber=%2B15005550001", 400, 21421, NULL},
        {"AreaCode=533", 400, 21452, NULL},
        {"AreaCode=500", 201, 0, "+15005550006"},
        {"PhoneNumber=%2B19999999999", 400, 21422, NULL}, /* not in the inventory */
        {"PhoneNumber=12", 400, 21421, NULL},
        {"AreaCode=41", 400, 21451, NULL},
        {"FriendlyName=x", 400, 21421, NULL},
    };

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *b = call("POST", IPN, cases[i].form, cases[i].status);
        if (cases[i].code != 0)
            expect_error(b, cases[i].code, 400);
        else
            assert_string_equal(str(b, "phone_number"), cases[i].number);
        if (cases[i].number != NULL && strcmp(cases[i].form, "AreaCode=500") == 0)
            assert_string_equal(str(b, "friendly_name"), "(500) 555-0006");
        cJSON_Delete(b);
    }
}

static void list_pages_follow_next_page_uri(void **state)
{
    char next[1024];
    int pages = 0, items = 0;
    cJSON *b;

    (void)state;
    for (int i = 0; i < 5; i++)
        cJSON_Delete(call("POST", IPN, "AreaCode=212&FriendlyName=batch", 201));
    cJSON_Delete(call("POST", IPN, "AreaCode=312&FriendlyName=other", 201));

    snprintf(next, sizeof next, "%s", IPN "?FriendlyName=batch&PageSize=2");
    while (next[0] != '\0') {
        const cJSON *n, *item;
        b = call("GET", next, NULL, 200);
        assert_int_equal(num(b, "page"), pages);
        assert_int_equal(num(b, "page_size"), 2);
        assert_int_equal(num(b, "start"), pages * 2);
        cJSON_ArrayForEach(item, cJSON_GetObjectItem(b, "incoming_phone_numbers"))
        {
            assert_string_equal(str(item, "friendly_name"), "batch");
            items++;
        }
        assert_int_equal(num(b, "end"), items - 1);
        assert_string_equal(str(b, "first_page_uri"), IPN "?FriendlyName=batch&PageSize=2&Page=0");
        n = cJSON_GetObjectItem(b, "next_page_uri");
        if (cJSON_IsString(n)) {
            assert_int_equal(strncmp(n->valuestring, "/2010-04-01/", 12), 0);
            assert_non_null(strstr(n->valuestring, "FriendlyName=batch"));
            snprintf(next, sizeof next, "%s", n->valuestring);
        } else {
            assert_true(cJSON_IsNull(n));
            next[0] = '\0';
        }
        if (pages == 0)
            assert_true(cJSON_IsNull(cJSON_GetObjectItem(b, "previous_page_uri")));
        cJSON_Delete(b);
        pages++;
    }
    assert_int_equal(pages, 3);
    assert_int_equal(items, 5);

    b = call("GET", IPN "?PhoneNumber=%2B1212", NULL, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(b, "incoming_phone_numbers")), 5);
    cJSON_Delete(b);
    b = call("GET", IPN "?PhoneNumber=312", NULL, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(b, "incoming_phone_numbers")), 1);
    cJSON_Delete(b);
    b = call("GET", IPN "?PageSize=0", NULL, 400);
    expect_error(b, 20001, 400);
    cJSON_Delete(b);
    b = call("GET", IPN "?PageToken=bogus", NULL, 400);
    expect_error(b, 21481, 400);
    cJSON_Delete(b);
}

static void credentials_are_checked(void **state)
{
    static const char *const state_doc =
        "{\"accounts\":[{\"sid\":\"" OTHER "\",\"auth_token\":\"" OTHER_TK "\"}]}";
    static const struct {
        const char *user, *pass, *path;
        long status;
    } cases[] = {
        {NULL, NULL, IPN, 401},
        {ACCOUNT, "wrong", IPN, 401},
        {ACCOUNT, TOKEN, IPN, 200},
        {KEY, SECRET, IPN, 200},
        {KEY, "wrong", IPN, 401},
        {OTHER, OTHER_TK, IPN, 401}, /* valid, but another account's path */
        {OTHER, OTHER_TK, "/2010-04-01/Accounts/" OTHER "/IncomingPhoneNumbers.json", 200},
        {KEY, SECRET, "/2010-04-01/Accounts/" OTHER "/IncomingPhoneNumbers.json", 401},
        {ACCOUNT, TOKEN, "/2010-04-01/Accounts/" OTHER "/IncomingPhoneNumbers.json", 401},
    };
    struct h_resp r;

    (void)state;
    h_post_json(&fake, "/__admin/state", state_doc, &r);
    assert_true(r.status == 200 || r.status == 201);
    h_resp_free(&r);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        req_as(cases[i].user, cases[i].pass, "GET", cases[i].path, NULL, &r);
        if (r.status != cases[i].status)
            fail_msg("case %zu: status %ld, want %ld", i, r.status, cases[i].status);
        if (r.status == 401) {
            cJSON *b = h_json(&r);
            expect_error(b, 20003, 401);
            assert_string_equal(str(b, "message"), "Authenticate");
            assert_string_equal(h_resp_header(&r, "WWW-Authenticate"),
                                "Basic realm=\"Twilio API\"");
            cJSON_Delete(b);
        }
        h_resp_free(&r);
    }
}

static void native_errors_for_faults_and_limits(void **state)
{
    struct h_resp r;
    cJSON *b;

    (void)state;
    h_post_json(&fake, "/__admin/faults",
                "{\"id\":\"buy-once\",\"match\":{\"method\":\"POST\",\"path\":"
                "\"/2010-04-01/Accounts/*/IncomingPhoneNumbers.json\"},\"times\":1,"
                "\"action\":{\"error\":\"21422\"}}",
                &r);
    assert_int_equal(r.status, 201);
    h_resp_free(&r);
    b = call("POST", IPN, "AreaCode=415", 400);
    expect_error(b, 21422, 400);
    cJSON_Delete(b);
    cJSON_Delete(call("POST", IPN, "AreaCode=415", 201));

    h_post_json(&fake, "/__admin/faults", "{\"action\":{\"error\":\"99999\"}}", &r);
    assert_int_equal(r.status, 400);
    h_resp_free(&r);

    h_post_json(&fake, "/__admin/rate-limits",
                "{\"id\":\"one\",\"match\":{\"method\":\"GET\"},\"limit\":1,\"per_ms\":600000,"
                "\"key\":\"credential\",\"retry_after_s\":9}",
                &r);
    assert_int_equal(r.status, 201);
    h_resp_free(&r);
    cJSON_Delete(call("GET", IPN, NULL, 200));
    req_as(ACCOUNT, TOKEN, "GET", IPN, NULL, &r);
    assert_int_equal(r.status, 429);
    assert_string_equal(h_resp_header(&r, "Retry-After"), "9");
    b = h_json(&r);
    expect_error(b, 20429, 429);
    cJSON_Delete(b);
    h_resp_free(&r);
    /* Keyed per credential: the API key has its own bucket. */
    req_as(KEY, SECRET, "GET", IPN, NULL, &r);
    assert_int_equal(r.status, 200);
    h_resp_free(&r);
}

static void unknown_paths_and_admin_state(void **state)
{
    struct h_resp r;
    cJSON *b, *item;
    const char *sid;
    int found = 0;

    (void)state;
    b = call("GET", BASE "/IncomingPhoneNumbers", NULL, 404);
    expect_error(b, 20404, 404);
    assert_non_null(strstr(str(b, "message"), "/IncomingPhoneNumbers was not found"));
    cJSON_Delete(b);
    b = call("GET", BASE "/IncomingPhoneNumbers.xml", NULL, 404);
    expect_error(b, 20404, 404);
    cJSON_Delete(b);

    {
        /* Over FK_BODY_LIMIT (1 MiB): 413 in Twilio's shape. */
        size_t big = 1100 * 1024;
        char *form = malloc(big + 1);
        assert_non_null(form);
        memcpy(form, "FriendlyName=", 13);
        memset(form + 13, 'x', big - 13);
        form[big] = '\0';
        b = call("POST", IPN, form, 413);
        expect_error(b, 20413, 413);
        cJSON_Delete(b);
        free(form);
    }

    b = call("POST", IPN, "AreaCode=206&FriendlyName=seen", 201);
    sid = str(b, "sid");
    h_get(&fake, "/__admin/state", &r);
    assert_int_equal(r.status, 200);
    {
        cJSON *doc = h_json(&r);
        cJSON_ArrayForEach(item, cJSON_GetObjectItem(doc, "incoming_phone_numbers"))
        {
            if (strcmp(str(item, "sid"), sid) == 0) {
                assert_string_equal(str(item, "account_sid"), ACCOUNT);
                assert_string_equal(str(item, "friendly_name"), "seen");
                found++;
            }
        }
        assert_non_null(cJSON_GetObjectItem(doc, "accounts"));
        cJSON_Delete(doc);
    }
    assert_int_equal(found, 1);
    h_resp_free(&r);
    cJSON_Delete(b);
}

/* Issue 15: no form field is dropped, no path is cut at %00. */
static void long_forms_and_odd_paths(void **state)
{
    enum { JUNK = 1200 };
    static const char *const cut[] = {IPN "%00evil", BASE "/IncomingPhoneNumbers%00.json",
                                      IPN "%FF"};
    char *form = malloc(JUNK * 16 + 64);
    size_t n = 0;
    cJSON *b;

    (void)state; /* shared fake, reset before */
    assert_non_null(form);
    for (int i = 0; i < JUNK; i++)
        n += (size_t)snprintf(form + n, 16, "F%d=x&", i);
    snprintf(form + n, 64, "PhoneNumber=%%2B15005550006");
    b = call("POST", IPN, form, 201); /* the number came past the 1,000th field */
    assert_string_equal(str(b, "phone_number"), "+15005550006");
    cJSON_Delete(b);
    free(form);

    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        b = call("GET", cut[i], NULL, 404); /* never served as the shorter path */
        expect_error(b, 20404, 404);
        cJSON_Delete(b);
    }
    b = call("GET", IPN "?PhoneNumber=%2B15005550006%00", NULL, 200);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(b, "incoming_phone_numbers")), 0);
    cJSON_Delete(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(search_answers_filtered_inventory, reset_each),
        cmocka_unit_test_setup(buy_fetch_update_release, reset_each),
        cmocka_unit_test_setup(magic_numbers, reset_each),
        cmocka_unit_test_setup(list_pages_follow_next_page_uri, reset_each),
        cmocka_unit_test_setup(credentials_are_checked, reset_each),
        cmocka_unit_test_setup(native_errors_for_faults_and_limits, reset_each),
        cmocka_unit_test_setup(unknown_paths_and_admin_state, reset_each),
        cmocka_unit_test_setup(long_forms_and_odd_paths, reset_each),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
