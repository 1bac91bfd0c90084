/* test_fault.c: fault rules: parse errors, counting (after, times, order, probability), ids,
 * all-or-none adds and the JSON listing (fakekit/fault.h). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fakekit/fault.h"
#include "fakekit/rand.h"
#include "tests/support/fakereq.h"

/* The service knows only these error shorthands. */
static int check_error(void *ctx, const char *code)
{
    (void)ctx;
    return strcmp(code, "21422") == 0 || strcmp(code, "20003") == 0 ? 0 : FK_EINVAL;
}

static const struct fk_error_check checker = {check_error, NULL};

/* Add text to f; returns the code and leaves the message in err. */
static int add(struct fk_faults *f, const char *path, const char *text, struct fk_error *err)
{
    cJSON *json = cJSON_Parse(text);
    assert_non_null(json);
    int rc = fk_faults_add_json(f, json, path, &checker, NULL, err);
    cJSON_Delete(json);
    return rc;
}

static const struct {
    const char *path;
    const char *json;
    int rc;
    const char *msg;
} parse_errors[] = {
    {"faults",
     "[{\"action\":{\"status\":500}},{\"action\":{\"status\":500}},"
     "{\"match\":{\"method\":1},\"action\":{\"status\":500}}]",
     FK_EINVAL, "faults[2].match.method: expected a string"},
    {"faults", "[{\"action\":{}}]", FK_EINVAL, "faults[0].action: empty action"},
    {"faults", "[{\"action\":{\"after_effect\":true,\"headers\":{}}}]", FK_EINVAL,
     "faults[0].action: empty action"},
    {"fault", "{\"action\":{}}", FK_EINVAL, "fault.action: empty action"},
    {"faults", "[{\"match\":{}}]", FK_EINVAL, "faults[0].action: required"},
    {"faults", "[{\"action\":{\"status\":99}}]", FK_EINVAL,
     "faults[0].action.status: expected an integer from 100 to 599"},
    {"faults", "[{\"action\":{\"status\":\"500\"}}]", FK_EINVAL,
     "faults[0].action.status: expected an integer from 100 to 599"},
    {"faults", "[{\"action\":{\"error\":\"x\"}}]", FK_EINVAL,
     "faults[0].action.error: unknown error code 'x' for this service"},
    {"faults", "[{\"action\":{\"error\":21422}}]", FK_EINVAL,
     "faults[0].action.error: expected a string"},
    {"faults", "[{\"action\":{\"fault\":\"boom\"}}]", FK_EINVAL,
     "faults[0].action.fault: unknown fault 'boom' (expected reset, empty, truncate, "
     "malformed, slow or hang)"},
    {"faults", "[{\"action\":{\"fault\":1}}]", FK_EINVAL,
     "faults[0].action.fault: expected a string"},
    {"faults", "[{\"action\":{\"status\":500,\"colour\":1}}]", FK_EINVAL,
     "faults[0].action.colour: unknown key"},
    {"faults", "[{\"status\":500}]", FK_EINVAL, "faults[0].status: unknown key"},
    {"faults", "[{\"times\":0,\"action\":{\"status\":500}}]", FK_EINVAL,
     "faults[0].times: expected an integer from 1 to 1000000000000"},
    {"faults", "[{\"after\":-1,\"action\":{\"status\":500}}]", FK_EINVAL,
     "faults[0].after: expected an integer from 0 to 1000000000000"},
    {"faults", "[{\"probability\":1.5,\"action\":{\"status\":500}}]", FK_EINVAL,
     "faults[0].probability: expected a number from 0 to 1"},
    {"faults", "[{\"id\":\"\",\"action\":{\"status\":500}}]", FK_EINVAL,
     "faults[0].id: must be 1 to 128 characters"},
    {"faults", "[{\"id\":7,\"action\":{\"status\":500}}]", FK_EINVAL,
     "faults[0].id: expected a string"},
    {"faults", "[{\"action\":{\"delay_ms\":600001}}]", FK_EINVAL,
     "faults[0].action.delay_ms: expected an integer from 0 to 600000"},
    {"faults", "[{\"action\":{\"jitter_ms\":-1}}]", FK_EINVAL,
     "faults[0].action.jitter_ms: expected an integer from 0 to 600000"},
    {"faults", "[{\"action\":{\"headers\":{\"X-A\":1}}}]", FK_EINVAL,
     "faults[0].action.headers.X-A: expected a string"},
    {"faults", "[{\"action\":{\"headers\":[]}}]", FK_EINVAL,
     "faults[0].action.headers: expected an object"},
    /* Headers libmicrohttpd would drop without a word are refused when the rule is made. */
    {"faults", "[{\"action\":{\"headers\":{\"X-A\":\"b\\r\\nX-Injected: 1\"}}}]", FK_EINVAL,
     "faults[0].action.headers.X-A: header values must not contain CR or LF"},
    {"faults", "[{\"action\":{\"headers\":{\"X-A\":\"b\\n\"}}}]", FK_EINVAL,
     "faults[0].action.headers.X-A: header values must not contain CR or LF"},
    {"fault", "{\"action\":{\"status\":500,\"headers\":{\"X-Ok\":\"1\",\"X-B\":\"\\r\"}}}",
     FK_EINVAL, "fault.action.headers.X-B: header values must not contain CR or LF"},
    {"faults", "[{\"action\":{\"headers\":{\"X A\":\"b\"}}}]", FK_EINVAL,
     "faults[0].action.headers.X A: not a valid header name"},
    {"faults", "[{\"action\":{\"headers\":{\"\":\"b\"}}}]", FK_EINVAL,
     "faults[0].action.headers.: not a valid header name"},
    {"faults", "[{\"action\":{\"headers\":{\"X-A\":\"\"}}}]", FK_EINVAL,
     "faults[0].action.headers.X-A: empty header values are not sent"},
    {"faults", "[{\"action\":{\"headers\":{\"content-length\":\"5\"}}}]", FK_EINVAL,
     "faults[0].action.headers.content-length: the server writes this header itself"},
    {"faults", "[{\"after_effect\":\"yes\",\"action\":{\"status\":500}}]", FK_EINVAL,
     "faults[0].after_effect: expected true or false"},
    {"faults", "[{\"match\":[],\"action\":{\"status\":500}}]", FK_EINVAL,
     "faults[0].match: expected an object"},
    {"faults", "[{\"match\":{\"paht\":\"/\"},\"action\":{\"status\":500}}]", FK_EINVAL,
     "faults[0].match.paht: unknown key"},
    {"faults", "[{\"description\":1,\"action\":{\"status\":500}}]", FK_EINVAL,
     "faults[0].description: expected a string"},
    {"faults", "\"x\"", FK_EINVAL, "faults: expected an object or an array"},
    {"faults", "[1]", FK_EINVAL, "faults[0]: expected an object"},
    {"faults",
     "[{\"id\":\"a\",\"action\":{\"status\":500}},{\"id\":\"a\",\"action\":{\"status\":500}}]",
     FK_EEXIST, "faults[1].id: duplicate id 'a'"},
};

static void test_parse_errors(void **state)
{
    (void)state; /* cmocka fixture, unused */
    struct fk_faults *f = fk_faults_new();
    assert_non_null(f);
    for (size_t i = 0; i < sizeof(parse_errors) / sizeof(parse_errors[0]); i++) {
        struct fk_error err = {{0}};
        int rc = add(f, parse_errors[i].path, parse_errors[i].json, &err);
        if (rc != parse_errors[i].rc || strcmp(err.msg, parse_errors[i].msg) != 0) {
            fail_msg("case %zu: rc %d msg '%s', want %d '%s'", i, rc, err.msg, parse_errors[i].rc,
                     parse_errors[i].msg);
        }
        /* all or none: the valid rules before the bad one were not added either */
        assert_int_equal(fk_faults_count(f), 0);
    }
    fk_faults_free(f);
}

static void test_action_forms(void **state)
{
    (void)state; /* cmocka fixture, unused */
    static const struct {
        const char *json;
        int status;
        const char *body;
        bool body_is_json;
        enum fk_net net;
        bool malformed;
        bool after_effect;
        long delay_ms;
    } cases[] = {
        {"{\"action\":{\"status\":500}}", 500, NULL, false, FK_NET_NONE, false, false, 0},
        {"{\"action\":{\"body\":\"plain\"}}", 0, "plain", false, FK_NET_NONE, false, false, 0},
        {"{\"action\":{\"status\":503,\"body\":{\"a\": [1, 2]}}}", 503, "{\"a\":[1,2]}", true,
         FK_NET_NONE, false, false, 0},
        {"{\"action\":{\"body\":42}}", 0, "42", true, FK_NET_NONE, false, false, 0},
        {"{\"action\":{\"fault\":\"malformed\"}}", 0, NULL, false, FK_NET_NONE, true, false, 0},
        {"{\"action\":{\"fault\":\"reset\"}}", 0, NULL, false, FK_NET_RESET, false, false, 0},
        {"{\"action\":{\"fault\":\"empty\"}}", 0, NULL, false, FK_NET_EMPTY, false, false, 0},
        {"{\"action\":{\"fault\":\"truncate\"}}", 0, NULL, false, FK_NET_TRUNCATE, false, false, 0},
        {"{\"action\":{\"fault\":\"slow\",\"delay_ms\":300}}", 0, NULL, false, FK_NET_SLOW, false,
         false, 300},
        {"{\"action\":{\"fault\":\"hang\"}}", 0, NULL, false, FK_NET_HANG, false, false, 0},
        {"{\"action\":{\"delay_ms\":250,\"fault\":null}}", 0, NULL, false, FK_NET_NONE, false,
         false, 250},
        {"{\"after_effect\":true,\"action\":{\"status\":500}}", 500, NULL, false, FK_NET_NONE,
         false, true, 0},
        {"{\"action\":{\"status\":500,\"after_effect\":true}}", 500, NULL, false, FK_NET_NONE,
         false, true, 0},
        {"{\"action\":{\"error\":\"21422\"},\"times\":null}", 0, NULL, false, FK_NET_NONE, false,
         false, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fk_faults *f = fk_faults_new();
        struct fk_error err = {{0}};
        struct fk_action a;
        char id[FK_ID_MAX + 1];
        struct fk_req req = h_make_req("GET", "/x");
        if (add(f, "fault", cases[i].json, &err) != 0) {
            fail_msg("case %zu: %s", i, err.msg);
        }
        assert_true(fk_faults_decide(f, &req, &a, id, sizeof(id)));
        assert_string_equal(id, "fault-1");
        assert_int_equal(a.status, cases[i].status);
        if (cases[i].body) {
            assert_non_null(a.body);
            assert_string_equal(a.body, cases[i].body);
        } else {
            assert_null(a.body);
        }
        assert_int_equal(a.body_is_json, cases[i].body_is_json);
        assert_int_equal(a.fault, cases[i].net);
        assert_int_equal(a.malformed, cases[i].malformed);
        assert_int_equal(a.after_effect, cases[i].after_effect);
        assert_int_equal(a.delay_ms, cases[i].delay_ms);
        fk_action_cleanup(&a);
        fk_faults_free(f);
    }
}

static void test_decide_copies_action(void **state)
{
    (void)state; /* cmocka fixture, unused */
    struct fk_faults *f = fk_faults_new();
    struct fk_error err = {{0}};
    struct fk_action a;
    char id[8];
    struct fk_req req = h_make_req("POST", "/2010-04-01/Accounts/AC1/IncomingPhoneNumbers.json");
    assert_int_equal(
        add(f, "faults",
            "[{\"id\":\"buy-fails-once\",\"match\":{\"method\":\"POST\",\"path\":"
            "\"/2010-04-01/Accounts/*/IncomingPhoneNumbers.json\"},"
            "\"action\":{\"error\":\"21422\",\"headers\":{\"X-A\":\"1\",\"X-B\":\"2\"},"
            "\"delay_ms\":10,\"jitter_ms\":5}}]",
            &err),
        0);
    assert_true(fk_faults_decide(f, &req, &a, id, sizeof(id)));
    assert_string_equal(id, "buy-fai"); /* truncated to idlen, NUL-terminated */
    assert_string_equal(a.error, "21422");
    assert_int_equal(a.nheaders, 2);
    assert_string_equal(a.headers[0].key, "X-A");
    assert_string_equal(a.headers[1].value, "2");
    assert_int_equal(a.delay_ms, 10);
    assert_int_equal(a.jitter_ms, 5);
    fk_faults_clear(f); /* the copy outlives the rule */
    assert_string_equal(a.headers[1].key, "X-B");
    fk_action_cleanup(&a);
    fk_action_cleanup(&a); /* cleanup leaves it empty: a second one is harmless */
    req.method = "GET";
    assert_false(fk_faults_decide(f, &req, &a, id, sizeof(id)));
    assert_string_equal(id, "");
    fk_faults_free(f);
}

/* Fire pattern over six requests for after/times. */
static void test_after_times(void **state)
{
    (void)state; /* cmocka fixture, unused */
    static const struct {
        const char *rule;
        const char *pattern; /* 'F' fired, '.' not */
    } cases[] = {
        {"{\"action\":{\"status\":500}}", "FFFFFF"},
        {"{\"times\":1,\"action\":{\"status\":500}}", "F....."},
        {"{\"after\":2,\"action\":{\"status\":500}}", "..FFFF"},
        {"{\"after\":2,\"times\":2,\"action\":{\"status\":500}}", "..FF.."},
        {"{\"after\":6,\"action\":{\"status\":500}}", "......"},
        {"{\"probability\":0,\"action\":{\"status\":500}}", "......"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fk_faults *f = fk_faults_new();
        struct fk_error err = {{0}};
        char got[7] = "";
        assert_int_equal(add(f, "fault", cases[i].rule, &err), 0);
        for (size_t k = 0; k < 6; k++) {
            struct fk_action a;
            struct fk_req req = h_make_req("GET", "/x");
            got[k] = fk_faults_decide(f, &req, &a, NULL, 0) ? 'F' : '.';
            fk_action_cleanup(&a);
        }
        if (strcmp(got, cases[i].pattern) != 0) {
            fail_msg("case %zu: fired %s, want %s", i, got, cases[i].pattern);
        }
        fk_faults_free(f);
    }
}

static double counter(cJSON *list, size_t i, const char *name)
{
    cJSON *item = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, (int)i), name);
    assert_true(cJSON_IsNumber(item));
    return item->valuedouble;
}

static void test_first_fired_wins(void **state)
{
    (void)state; /* cmocka fixture, unused */
    struct fk_faults *f = fk_faults_new();
    struct fk_error err = {{0}};
    char id[FK_ID_MAX + 1];
    const char *want[] = {"a", "b", "b"};
    assert_int_equal(add(f, "faults",
                         "[{\"id\":\"a\",\"times\":1,\"action\":{\"status\":500}},"
                         "{\"id\":\"b\",\"action\":{\"status\":503}},"
                         "{\"id\":\"c\",\"match\":{\"method\":\"DELETE\"},\"action\":{\"status\":"
                         "502}}]",
                         &err),
                     0);
    for (size_t k = 0; k < 3; k++) {
        struct fk_action a;
        struct fk_req req = h_make_req("GET", "/x");
        assert_true(fk_faults_decide(f, &req, &a, id, sizeof(id)));
        assert_string_equal(id, want[k]);
        fk_action_cleanup(&a);
    }
    cJSON *list = fk_faults_json(f);
    assert_non_null(list);
    /* a: matched by all three, fired once; b: not reached by the first request */
    assert_true(counter(list, 0, "matched") == 3 && counter(list, 0, "fired") == 1);
    assert_true(counter(list, 1, "matched") == 2 && counter(list, 1, "fired") == 2);
    assert_true(counter(list, 2, "matched") == 0 && counter(list, 2, "fired") == 0);
    cJSON_Delete(list);
    fk_faults_free(f);
}

static int fired_count(uint64_t seed, double probability)
{
    char rule[128];
    struct fk_faults *f = fk_faults_new();
    struct fk_error err = {{0}};
    int fired = 0;
    snprintf(rule, sizeof(rule), "{\"probability\":%g,\"action\":{\"status\":500}}", probability);
    assert_int_equal(add(f, "fault", rule, &err), 0);
    fk_rand_seed(seed);
    for (int k = 0; k < 1000; k++) {
        struct fk_action a;
        struct fk_req req = h_make_req("GET", "/x");
        fired += fk_faults_decide(f, &req, &a, NULL, 0);
        fk_action_cleanup(&a);
    }
    fk_faults_free(f);
    return fired;
}

static void test_probability_seeded(void **state)
{
    (void)state; /* cmocka fixture, unused */
    int first = fired_count(42, 0.3);
    int second = fired_count(42, 0.3);
    /* 1000 draws at 0.3: mean 300, sd 14.5; 6 sd either side */
    assert_in_range(first, 213, 387);
    assert_int_equal(first, second);
    assert_in_range(fired_count(7, 0.9), 860, 940);
    assert_int_equal(fired_count(7, 1.0), 1000);
    assert_int_equal(fired_count(7, 0.0), 0);
}

static void test_probability_one_draws_nothing(void **state)
{
    (void)state; /* cmocka fixture, unused */
    fk_rand_seed(99);
    uint64_t expect = fk_rand_u64();
    (void)fired_count(99, 1.0); /* reseeds to 99, then 1000 decisions */
    assert_true(fk_rand_u64() == expect);
}

static void test_ids_and_all_or_none(void **state)
{
    (void)state; /* cmocka fixture, unused */
    struct fk_faults *f = fk_faults_new();
    struct fk_error err = {{0}};
    cJSON *added = NULL;
    const char *r = "{\"action\":{\"status\":500}}";
    char text[256];

    snprintf(text, sizeof(text), "[%s,%s]", r, r);
    cJSON *json = cJSON_Parse(text);
    assert_int_equal(fk_faults_add_json(f, json, "faults", NULL, &added, &err), 0);
    cJSON_Delete(json);
    assert_int_equal(cJSON_GetArraySize(added), 2);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(added, 1), "id")->valuestring,
                        "fault-2");
    cJSON_Delete(added);

    /* an explicit id may take the next automatic one: it is skipped */
    assert_int_equal(add(f, "fault", "{\"id\":\"fault-3\",\"action\":{\"status\":500}}", &err), 0);
    /* a duplicate with an existing id: nothing added, counter not used */
    assert_int_equal(add(f, "faults",
                         "[{\"action\":{\"status\":500}},{\"id\":\"fault-1\",\"action\":{"
                         "\"status\":500}}]",
                         &err),
                     FK_EEXIST);
    assert_string_equal(err.msg, "faults[1].id: duplicate id 'fault-1'");
    assert_int_equal(fk_faults_count(f), 3);
    assert_int_equal(add(f, "fault", r, &err), 0);
    cJSON *list = fk_faults_json(f);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 3), "id")->valuestring,
                        "fault-4");
    cJSON_Delete(list);

    assert_int_equal(fk_faults_remove(f, "fault-2"), 0);
    assert_int_equal(fk_faults_remove(f, "fault-2"), FK_ENOTFOUND);
    assert_int_equal(fk_faults_count(f), 3);
    assert_int_equal(add(f, "fault", r, &err), 0); /* removed ids are not reused */
    list = fk_faults_json(f);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 3), "id")->valuestring,
                        "fault-5");
    cJSON_Delete(list);

    fk_faults_clear(f);
    assert_int_equal(fk_faults_count(f), 0);
    assert_int_equal(add(f, "fault", r, &err), 0);
    list = fk_faults_json(f);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "id")->valuestring,
                        "fault-1");
    cJSON_Delete(list);
    fk_faults_free(f);
}

static void test_add_parsed_rules(void **state)
{
    (void)state; /* cmocka fixture, unused */
    struct fk_faults *f = fk_faults_new();
    struct fk_error err = {{0}};
    struct fk_rule *rules[2] = {NULL, NULL};
    cJSON *a = cJSON_Parse("{\"id\":\"x\",\"action\":{\"status\":500}}");
    cJSON *b = cJSON_Parse("{\"action\":{\"status\":500}}");

    assert_int_equal(fk_rule_parse(a, "scenario.faults[0]", &checker, &rules[0], &err), 0);
    assert_int_equal(fk_rule_parse(b, "scenario.faults[1]", &checker, &rules[1], &err), 0);
    assert_string_equal(fk_rule_id(rules[0]), "x");
    assert_string_equal(fk_rule_id(rules[1]), ""); /* named when added */
    assert_int_equal(fk_faults_add(f, rules, 2, &err), 0);
    assert_string_equal(fk_rule_id(rules[1]), "fault-1");

    /* on failure the caller keeps the rules */
    assert_int_equal(fk_rule_parse(a, "scenario.faults[0]", &checker, &rules[0], &err), 0);
    assert_int_equal(fk_faults_add(f, rules, 1, &err), FK_EEXIST);
    assert_string_equal(err.msg, "scenario.faults[0].id: duplicate id 'x'");
    fk_rule_free(rules[0]);
    fk_rule_free(NULL);
    assert_int_equal(fk_faults_count(f), 2);
    cJSON_Delete(a);
    cJSON_Delete(b);
    fk_faults_free(f);
}

static void test_faults_json(void **state)
{
    (void)state; /* cmocka fixture, unused */
    struct fk_faults *f = fk_faults_new();
    struct fk_error err = {{0}};
    struct fk_action a;
    struct fk_req req = h_make_req("POST", "/x");
    assert_int_equal(
        add(f, "faults",
            "[{\"id\":\"r\",\"description\":\"ignored\",\"match\":{\"method\":\"POST\"},"
            "\"after\":1,\"times\":2,\"probability\":1,\"action\":{\"status\":500,"
            "\"body\":{\"x\":1},\"headers\":{\"X-A\":\"1\"},\"fault\":\"truncate\"}},"
            "{\"id\":\"s\",\"action\":{\"body\":\"t\",\"error\":\"20003\"},"
            "\"after_effect\":true}]",
            &err),
        0);
    for (int k = 0; k < 2; k++) {
        (void)fk_faults_decide(f, &req, &a, NULL, 0);
        fk_action_cleanup(&a);
    }
    cJSON *list = fk_faults_json(f);
    char *text = cJSON_PrintUnformatted(list);
    assert_string_equal(
        text, "[{\"id\":\"r\",\"match\":{\"method\":\"POST\"},\"after\":1,\"times\":2,"
              "\"probability\":1,\"action\":{\"status\":500,\"body\":{\"x\":1},\"headers\":{"
              "\"X-A\":\"1\"},\"delay_ms\":0,\"jitter_ms\":0,\"fault\":\"truncate\","
              "\"after_effect\":false},\"matched\":2,\"fired\":1},"
              "{\"id\":\"s\",\"match\":{},\"after\":0,\"times\":null,\"probability\":1,"
              "\"action\":{\"body\":\"t\",\"error\":\"20003\",\"delay_ms\":0,\"jitter_ms\":0,"
              "\"fault\":null,\"after_effect\":true},\"matched\":1,\"fired\":1}]");
    cJSON_free(text);
    cJSON_Delete(list);
    fk_faults_free(f);
}

static void *decide_many(void *arg)
{
    struct fk_faults *f = arg;
    long fired = 0;
    for (int k = 0; k < 2000; k++) {
        struct fk_action a;
        char id[FK_ID_MAX + 1];
        struct fk_req req = h_make_req("GET", "/x");
        fired += fk_faults_decide(f, &req, &a, id, sizeof(id));
        fk_action_cleanup(&a);
    }
    return (void *)fired;
}

/* times is exact under contention: 4 threads, 8000 requests, the rule fires 100 times. */
static void test_threads_count_exactly(void **state)
{
    (void)state; /* cmocka fixture, unused */
    struct fk_faults *f = fk_faults_new();
    struct fk_error err = {{0}};
    pthread_t t[4];
    long total = 0;
    assert_int_equal(add(f, "fault",
                         "{\"after\":50,\"times\":100,\"action\":{\"status\":500,\"body\":"
                         "{\"a\":1},\"headers\":{\"X\":\"y\"}}}",
                         &err),
                     0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(pthread_create(&t[i], NULL, decide_many, f), 0);
    }
    for (int i = 0; i < 4; i++) {
        void *ret = NULL;
        assert_int_equal(pthread_join(t[i], &ret), 0);
        total += (long)ret;
    }
    assert_int_equal(total, 100);
    cJSON *list = fk_faults_json(f);
    assert_true(counter(list, 0, "matched") == 8000 && counter(list, 0, "fired") == 100);
    cJSON_Delete(list);
    fk_faults_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_action_forms),
        cmocka_unit_test(test_decide_copies_action),
        cmocka_unit_test(test_after_times),
        cmocka_unit_test(test_first_fired_wins),
        cmocka_unit_test(test_probability_seeded),
        cmocka_unit_test(test_probability_one_draws_nothing),
        cmocka_unit_test(test_ids_and_all_or_none),
        cmocka_unit_test(test_add_parsed_rules),
        cmocka_unit_test(test_faults_json),
        cmocka_unit_test(test_threads_count_exactly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
